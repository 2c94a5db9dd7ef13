;; PASSES: dead-locals
(module
  (global $g (mut i32) (i32.const 0))
  (memory 1)

  ;; nothing to do: every local is read
  (func $all_read (param $p i32) (result i32)
    (local $a i32)
    (local.set $a (i32.add (local.get $p) (i32.const 1)))
    (local.get $a))
  ;; CHECK: (func $all_read (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (local.get 1))

  ;; never accessed locals disappear; the read ones are renumbered
  (func $unused (param $p i32) (result i64)
    (local $dead1 i32) (local $x i64) (local $dead2 f64) (local $y i64)
    (local.set $x (i64.extend_i32_u (local.get $p)))
    (local.set $y (i64.const 7))
    (i64.add (local.get $x) (local.get $y)))
  ;; CHECK: (func $unused (param i32) (result i64)
  ;; CHECK:   (local i64 i64)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i64.extend_i32_u
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i64.const 7))
  ;; CHECK:   (i64.add
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (local.get 2)))

  ;; write-only: the set of a call keeps the call (dropped), the set of a constant goes
  (func $write_only (param $p i32) (result i32)
    (local $w i32) (local $c i32)
    (local.set $w (call $effect (local.get $p)))
    (local.set $c (i32.const 5))
    (local.set $c (i32.const 6))
    (local.get $p))
  ;; CHECK: (func $write_only (param i32) (result i32)
  ;; CHECK:   (drop
  ;; CHECK:     (call 11
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (local.get 0))

  ;; a tee of a write-only local becomes its operand
  (func $tee (param $p i32) (result i32)
    (local $t i32)
    (i32.mul (local.tee $t (i32.add (local.get $p) (i32.const 3))) (i32.const 2)))
  ;; CHECK: (func $tee (param i32) (result i32)
  ;; CHECK:   (i32.mul
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 3))
  ;; CHECK:     (i32.const 2)))

  ;; a trapping operand stays, in order, even though its result is unused
  (func $trap_kept (param $p i32)
    (local $v i32)
    (local.set $v (i32.div_s (i32.const 1) (local.get $p)))
    (local.set $v (i32.load (local.get $p))))
  ;; CHECK: (func $trap_kept (param i32)
  ;; CHECK:   (drop
  ;; CHECK:     (i32.div_s
  ;; CHECK:       (i32.const 1)
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (drop
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0))))

  ;; a chain: $b is only read to set write-only $a, so both go
  (func $chain (param $p i32) (result i32)
    (local $a i32) (local $b i32) (local $keep i32)
    (local.set $b (local.get $p))
    (local.set $a (local.get $b))
    (local.set $keep (i32.const 9))
    (local.get $keep))
  ;; CHECK: (func $chain (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.const 9))
  ;; CHECK:   (local.get 1))

  ;; nested tees of dead locals and a global write stay
  (func $nested (param $p i32)
    (local $x i32) (local $y i32)
    (global.set $g (local.tee $x (local.tee $y (local.get $p)))))
  ;; CHECK: (func $nested (param i32)
  ;; CHECK:   (global.set 0
  ;; CHECK:     (local.get 0)))

  ;; a write-only local inside control flow
  (func $in_if (param $p i32) (result i32)
    (local $d f32) (local $r i32)
    (if (local.get $p)
      (then (local.set $d (f32.const 1.5)) (local.set $r (i32.const 1)))
      (else (local.set $d (f32.convert_i32_s (local.get $p))) (local.set $r (i32.const 2))))
    (local.get $r))
  ;; CHECK: (func $in_if (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (local.set 1
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (else
  ;; CHECK:       (drop
  ;; CHECK:         (f32.convert_i32_s
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (local.set 1
  ;; CHECK:         (i32.const 2))))
  ;; CHECK:   (local.get 1))

  ;; a local that only reads itself into itself is still read: kept
  (func $self (param $p i32) (result i32)
    (local $s i32)
    (local.set $s (local.get $s))
    (local.get $p))
  ;; CHECK: (func $self (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (local.get 0))

  ;; values taken from a multi-value call (pop operands): the write-only set becomes a drop of
  ;; the popped value, the write-only tee disappears and i32.add takes both values directly
  (func $pops (result i32)
    (local $a i32) (local $b i32) (local $t i32)
    call $two
    local.set $a
    local.set $b
    call $two
    local.tee $t
    i32.add
    local.get $b
    i32.add)
  ;; CHECK: (func $pops (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (call 10)
  ;; CHECK:   (drop
  ;; CHECK:     (pop i32))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (pop i32))
  ;; CHECK:   (call 10)
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.add
  ;; CHECK:       (pop i32)
  ;; CHECK:       (pop i32))
  ;; CHECK:     (local.get 0)))

  (func $two (result i32 i32)
    (i32.const 1) (i32.const 2))
  ;; CHECK: (func $two (result i32 i32)
  ;; CHECK:   (i32.const 1)
  ;; CHECK:   (i32.const 2))

  (func $effect (param i32) (result i32)
    (global.set $g (i32.add (global.get $g) (local.get 0)))
    (global.get $g))
  ;; CHECK: (func $effect (param i32) (result i32)
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (global.get 0))
)
