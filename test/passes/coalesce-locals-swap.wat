;; PASSES: coalesce-locals
;; Stack flow through a commutative integer operator (stack-flow.ts): when the only get of a
;; set starts the second operand of add/mul/and/or/xor/eq/ne and the two operands may be
;; evaluated in either order, they are swapped and the value waits on the stack.
(module
  (import "env" "imp" (func $imp (param i32) (result i32)))
  (import "env" "log" (func $log (param i32)))
  (memory 1)
  (global $g (mut i32) (i32.const 0))

  ;; swapped: `(hi << 32) | extend(flag)`, the flag computed before a call
  (func $swap_or (param i64 i32) (result i64)
    (local $flag i64)
    (local.set $flag (i64.extend_i32_u (i32.eqz (local.get 1))))
    (call $log (local.get 1))
    (i64.or (i64.shl (local.get 0) (i64.const 32)) (local.get $flag)))
  ;; CHECK: (func $swap_or (param i64 i32) (result i64)
  ;; CHECK:   (i64.extend_i32_u
  ;; CHECK:     (i32.eqz
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i64.or
  ;; CHECK:     (pop i64)
  ;; CHECK:     (i64.shl
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i64.const 32))))

  ;; swapped: a comparison, the get under the second operand's first operand
  (func $swap_eq (param i32 i32) (result i32)
    (local $x i32)
    (local.set $x (i32.load (local.get 0)))
    (call $log (local.get 0))
    (i32.eq (i32.shl (local.get 1) (i32.const 2)) (i32.and (local.get $x) (i32.const 255))))
  ;; CHECK: (func $swap_eq (param i32 i32) (result i32)
  ;; CHECK:   (i32.load
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.eq
  ;; CHECK:     (i32.and
  ;; CHECK:       (pop i32)
  ;; CHECK:       (i32.const 255))
  ;; CHECK:     (i32.shl
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i32.const 2))))

;; swapped with a copy of the local read first: the set gone onto the stack no longer kills the
  ;; copy (the copy and its source end as one local)
  (func $copy_after_stack (param i32)
    (local $s i32) (local $c i32)
    (local.set $s (call $imp (local.get 0)))
    (local.set $c (local.get $s))
    (call $log (local.get $s))
    (local.set $s (i32.shl (local.get 0) (i32.const 3)))
    (call $log (local.get 0))
    (call $log (i32.add (local.get $c) (local.get $s)))
    (call $log (local.get $c)))
  ;; CHECK: (func $copy_after_stack (param i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.shl
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 3))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (call 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (pop i32)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 1)))

  ;; MUST NOT CHANGE: the second operand may trap (load), the first calls
  (func $no_swap_trap_call (param i32) (result i32)
    (local $x i32)
    (local.set $x (call $imp (local.get 0)))
    (call $log (local.get 0))
    (i32.add (call $imp (i32.const 1)) (i32.load (local.get $x))))
  ;; CHECK: (func $no_swap_trap_call (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.add
  ;; CHECK:     (call 0
  ;; CHECK:       (i32.const 1))
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 1))))

  ;; MUST NOT CHANGE: the second operand may trap (division), the first stores
  (func $no_swap_trap_store (param i32) (result i32)
    (local $x i32)
    (local.set $x (call $imp (local.get 0)))
    (call $log (local.get 0))
    (i32.mul
      (block (result i32) (i32.store (i32.const 0) (local.get 0)) (i32.const 7))
      (i32.div_u (local.get $x) (local.get 0))))
  ;; CHECK: (func $no_swap_trap_store (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.mul
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (i32.store
  ;; CHECK:         (i32.const 0)
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (i32.const 7))
  ;; CHECK:     (i32.div_u
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (local.get 0))))

  ;; MUST NOT CHANGE: two operands that may both trap (which trap comes first is observable)
  (func $no_swap_two_traps (param i32) (result i32)
    (local $x i32)
    (local.set $x (call $imp (local.get 0)))
    (call $log (local.get 0))
    (i32.xor (i32.load (local.get 0)) (i32.load offset=4 (local.get $x))))
  ;; CHECK: (func $no_swap_two_traps (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.xor
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (i32.load offset=4
  ;; CHECK:       (local.get 1))))

  ;; MUST NOT CHANGE: the first operand writes a global the second reads
  (func $no_swap_global (param i32) (result i32)
    (local $x i32)
    (local.set $x (call $imp (local.get 0)))
    (call $log (local.get 0))
    (i32.add
      (block (result i32) (global.set $g (local.get 0)) (i32.const 1))
      (i32.add (local.get $x) (global.get $g))))
  ;; CHECK: (func $no_swap_global (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.add
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (global.set 0
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (i32.const 1))
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (global.get 0))))

  ;; MUST NOT CHANGE: floats (which NaN payload comes out depends on the order)
  (func $no_swap_float (param f32) (result f32)
    (local $x f32)
    (local.set $x (f32.sqrt (local.get 0)))
    (call $log (i32.const 0))
    (f32.add (f32.neg (local.get 0)) (local.get $x)))
  ;; CHECK: (func $no_swap_float (param f32) (result f32)
  ;; CHECK:   (local f32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (f32.sqrt
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 1
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (f32.add
  ;; CHECK:     (f32.neg
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (local.get 1)))

  ;; MUST NOT CHANGE: not commutative
  (func $no_swap_sub (param i32) (result i32)
    (local $x i32)
    (local.set $x (call $imp (local.get 0)))
    (call $log (local.get 0))
    (i32.sub (i32.shl (local.get 0) (i32.const 1)) (local.get $x)))
  ;; CHECK: (func $no_swap_sub (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.sub
  ;; CHECK:     (i32.shl
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 1))
  ;; CHECK:     (local.get 1)))
)
