;; PASSES: coalesce-locals
(module
  (import "env" "imp" (func $imp (param i32) (result i32)))
  (import "env" "log" (func $log (param i32)))
  (memory 1)
  (global $g (mut i32) (i32.const 0))

  ;; two locals never live at the same time share one index
  (func $share (param i32) (result i32)
    (local $a i32) (local $b i32)
    (local.set $a (i32.mul (local.get 0) (local.get 0)))
    (call $log (local.get $a))
    (call $log (local.get $a))
    (local.set $b (i32.add (local.get 0) (i32.const 1)))
    (call $log (local.get $b))
    (i32.add (local.get $b) (local.get 0)))
  ;; CHECK: (func $share (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (local.get 0)))

  ;; the two sides of a copy merge, and the copy disappears
  (func $copy_merged (param i32) (result i32)
    (local $a i32) (local $b i32)
    (local.set $a (call $imp (local.get 0)))
    (call $log (local.get $a))
    (local.set $b (local.get $a))
    (call $log (local.get $b))
    (i32.add (local.get $b) (local.get $b)))
  ;; CHECK: (func $copy_merged (param i32) (result i32)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 0)))

  ;; a copy in a loop: merged, the loop loses its local.set/get pair
  (func $loop_copy (param i32) (result i32)
    (local $i i32) (local $next i32)
    (loop $l
      (local.set $next (i32.add (local.get $i) (i32.const 1)))
      (call $log (local.get $next))
      (local.set $i (local.get $next))
      (br_if $l (i32.lt_u (local.get $i) (local.get 0))))
    (local.get $i))
  ;; CHECK: (func $loop_copy (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 1
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 1)
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (call 1
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (i32.lt_u
  ;; CHECK:         (local.get 1)
  ;; CHECK:         (local.get 0))))
  ;; CHECK:   (local.get 1))

  ;; a declared local takes the slot of a parameter whose argument is dead
  (func $param_slot (param i32) (result i32)
    (local $x i32)
    (call $log (local.get 0))
    (local.set $x (call $imp (i32.const 1)))
    (call $log (local.get $x))
    (local.get $x))
  ;; CHECK: (func $param_slot (param i32) (result i32)
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (call 0
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (local.get 0))

  ;; a value waits on the operand stack across a statement: its first use is the next
  ;; root's first instruction, so neither the set nor the get is needed
  (func $stack_flow (param i32) (result i32)
    (local $x i32)
    (local.set $x (call $imp (local.get 0)))
    (call $log (i32.const 1))
    (i32.add (local.get $x) (local.get 0)))
  ;; CHECK: (func $stack_flow (param i32) (result i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (call 1
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (i32.add
  ;; CHECK:     (pop i32)
  ;; CHECK:     (local.get 0)))

  ;; stack flow past constants: the lock key is pushed before the lock's result, both wait on
  ;; the stack for the unlock call (the spin-lock pattern of the gale shims)
  (func $stack_flow_const_first (param i32)
    (local $key i32)
    (local.set $key (call $imp (i32.const 65536)))
    (i32.store (local.get 0) (i32.const 1))
    (call $log (i32.const 2))
    (drop (i32.add (i32.const 65536) (local.get $key))))
  ;; CHECK: (func $stack_flow_const_first (param i32)
  ;; CHECK:   (i32.const 65536)
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 65536))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (call 1
  ;; CHECK:     (i32.const 2))
  ;; CHECK:   (drop
  ;; CHECK:     (i32.add
  ;; CHECK:       (pop i32)
  ;; CHECK:       (pop i32))))

  ;; renumbering: the most used locals come first, never-accessed ones go
  (func $renumber (param i32) (result i32)
    (local $unused f64) (local $rare i64) (local $hot i32)
    (local.set $hot (call $imp (local.get 0)))
    (local.set $rare (i64.extend_i32_u (local.get $hot)))
    (call $log (local.get $hot))
    (call $log (local.get $hot))
    ;; (sub: with a commutative operator, $rare would go onto the stack, see coalesce-locals-swap.wat)
    (i32.sub (local.get $hot) (i32.wrap_i64 (local.get $rare))))
  ;; CHECK: (func $renumber (param i32) (result i32)
  ;; CHECK:   (local i64)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i64.extend_i32_u
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.sub
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.wrap_i64
  ;; CHECK:       (local.get 1))))

  ;; MUST NOT CHANGE: both locals are live at once (and the parameter to the end)
  (func $no_merge_interfering (param i32) (result i32)
    (local $a i32) (local $b i32)
    (local.set $a (call $imp (local.get 0)))
    (local.set $b (call $imp (local.get $a)))
    (call $log (local.get $b))
    (call $log (local.get $a))
    (i32.add (i32.add (local.get $a) (local.get $b)) (local.get 0)))
  ;; CHECK: (func $no_merge_interfering (param i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (local.set 2
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (local.get 2))
  ;; CHECK:     (local.get 0)))

  ;; MUST NOT CHANGE: after the copy, the source changes while the copy is still needed
  (func $no_merge_modified_copy (param i32) (result i32)
    (local $a i32) (local $b i32)
    (local.set $a (call $imp (local.get 0)))
    (local.set $b (local.get $a))
    (local.set $a (i32.add (local.get $a) (i32.const 1)))
    (call $log (local.get $a))
    (call $log (local.get $b))
    (i32.sub (i32.sub (local.get $a) (local.get $b)) (local.get 0)))
  ;; CHECK: (func $no_merge_modified_copy (param i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (local.set 2
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (i32.sub
  ;; CHECK:     (i32.sub
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (local.get 2))
  ;; CHECK:     (local.get 0)))

  ;; MUST NOT CHANGE: a local whose zero initial value is read cannot take a parameter's slot
  (func $no_zero_into_param (param i32) (result i32)
    (local $x i32)
    (call $log (local.get 0))
    (if (local.get 0) (then (local.set $x (i32.const 4))))
    (local.get $x))
  ;; CHECK: (func $no_zero_into_param (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (local.set 1
  ;; CHECK:         (i32.const 4))))
  ;; CHECK:   (local.get 1))

  ;; MUST NOT CHANGE: locals of different types never share
  (func $no_merge_types (param i32) (result i64)
    (local $a i32) (local $b i64)
    (local.set $a (call $imp (local.get 0)))
    (call $log (local.get $a))
    (call $log (local.get $a))
    (local.set $b (i64.extend_i32_s (call $imp (i32.const 2))))
    (call $log (i32.wrap_i64 (local.get $b)))
    (i64.add (local.get $b) (i64.extend_i32_u (local.get 0))))
  ;; CHECK: (func $no_merge_types (param i32) (result i64)
  ;; CHECK:   (local i32 i64)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i64.extend_i32_s
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 2))))
  ;; CHECK:   (call 1
  ;; CHECK:     (i32.wrap_i64
  ;; CHECK:       (local.get 2)))
  ;; CHECK:   (i64.add
  ;; CHECK:     (local.get 2)
  ;; CHECK:     (i64.extend_i32_u
  ;; CHECK:       (local.get 0))))

  ;; MUST NOT CHANGE (stack flow): the use is not the first thing the next root evaluates
  (func $no_stack_flow_second_operand (param i32) (result i32)
    (local $x i32)
    (local.set $x (call $imp (local.get 0)))
    (call $log (i32.const 1))
    (i32.sub (local.get 0) (local.get $x)))
  ;; CHECK: (func $no_stack_flow_second_operand (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 1
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (i32.sub
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1)))

  ;; the set's value takes an operand from the stack (a pop, here the i64 left below the
  ;; global.set): the constant evaluated before the get must not be hoisted in front of that
  ;; value, or the pop would take the constant (invalid: found on esbuild.wasm at -O2)
  (func $popped_value (param i64) (result i32)
    (local $x i32)
    local.get 0
    i32.const 1
    global.set $g
    i64.const 16
    i64.shr_u
    i32.wrap_i64
    local.set $x
    i32.const 7
    local.get $x
    i32.add)
  ;; CHECK: (func $popped_value (param i64) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.get 0)
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.wrap_i64
  ;; CHECK:       (i64.shr_u
  ;; CHECK:         (pop i64)
  ;; CHECK:         (i64.const 16))))
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.const 7)
  ;; CHECK:     (local.get 1)))
  ;; the same when the pop comes from this pass: $y's value stays on the stack for $x's value,
  ;; so the constant before the get of $x stays where it is
  (func $stackified_value (param i64) (result i32)
    (local $x i32) (local $y i64)
    (local.set $y (i64.load (i32.const 8)))
    (local.set $x (i32.wrap_i64 (i64.shr_u (local.get $y) (i64.const 16))))
    (i32.add (i32.const 7) (local.get $x)))
  ;; CHECK: (func $stackified_value (param i64) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.wrap_i64
  ;; CHECK:       (i64.shr_u
  ;; CHECK:         (i64.load
  ;; CHECK:           (i32.const 8))
  ;; CHECK:         (i64.const 16))))
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.const 7)
  ;; CHECK:     (local.get 1)))
)


