;; PASSES: redundant-set-elimination
(module
  (import "env" "imp" (func $imp (param i32) (result i32)))
  (import "env" "log" (func $log (param i32)))
  (memory 1)

  ;; writing a local to itself
  (func $self_copy (param i32) (result i32)
    (local.set 0 (local.get 0))
    (i32.add (local.tee 0 (local.get 0)) (i32.const 1)))
  ;; CHECK: (func $self_copy (param i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 1)))

  ;; a declared local starts at zero
  (func $zero_init (result i32)
    (local $x i32) (local $d f64)
    (local.set $x (i32.const 0))
    (local.set $d (f64.const 0))
    (i32.add (local.get $x) (i32.trunc_f64_s (local.get $d))))
  ;; CHECK: (func $zero_init (result i32)
  ;; CHECK:   (local i32 f64)
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.trunc_f64_s
  ;; CHECK:       (local.get 1))))

  ;; every definition reaching the set wrote the same constant
  (func $same_constant_on_all_paths (param i32) (result i32)
    (local $x i32)
    (local.set $x (i32.const 5))
    (if (local.get 0) (then (local.set $x (i32.const 5))))
    (call $log (local.get $x))
    (local.set $x (i32.const 5))
    (local.get $x))
  ;; CHECK: (func $same_constant_on_all_paths (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.const 5))
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (local.get 1))

  ;; copies: after y = x, writing y back to x changes nothing
  (func $copy_back (param i32) (result i32)
    (local $y i32)
    (local.set $y (local.get 0))
    (local.set 0 (local.get $y))
    (i32.mul (local.get 0) (local.get $y)))
  ;; CHECK: (func $copy_back (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.mul
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1)))

  ;; a constant written before a loop and again inside it (the loop does not change it)
  (func $loop_invariant_constant (param i32) (result i32)
    (local $x i32) (local $i i32)
    (local.set $x (i32.const 7))
    (loop $l
      (local.set $x (i32.const 7))
      (local.set $i (i32.add (local.get $i) (local.get $x)))
      (br_if $l (i32.lt_u (local.get $i) (local.get 0))))
    (local.get $i))
  ;; CHECK: (func $loop_invariant_constant (param i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.const 7))
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 2
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 2)
  ;; CHECK:         (local.get 1)))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (i32.lt_u
  ;; CHECK:         (local.get 2)
  ;; CHECK:         (local.get 0))))
  ;; CHECK:   (local.get 2))

  ;; overwritten before any read: the first write goes (its call stays)
  (func $dead_writes (param i32) (result i32)
    (local $x i32)
    (local.set $x (i32.const 1))
    (local.set $x (call $imp (local.get 0)))
    (local.set $x (i32.const 2))
    (local.get $x))
  ;; CHECK: (func $dead_writes (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (drop
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.const 2))
  ;; CHECK:   (local.get 1))

  ;; a redundant write after a write no get reads: only the second one goes
  (func $redundant_after_dead (result i32)
    (local $x i32)
    (local.set $x (i32.const 5))
    (local.set $x (i32.const 5))
    (local.get $x))
  ;; CHECK: (func $redundant_after_dead (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.const 5))
  ;; CHECK:   (local.get 0))

  ;; MUST NOT CHANGE: another value on one path
  (func $no_different_constant_on_a_path (param i32) (result i32)
    (local $x i32)
    (local.set $x (i32.const 5))
    (if (local.get 0) (then (local.set $x (i32.const 6))))
    (call $log (local.get $x))
    (local.set $x (i32.const 5))
    (local.get $x))
  ;; CHECK: (func $no_different_constant_on_a_path (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.const 5))
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (local.set 1
  ;; CHECK:         (i32.const 6))))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.const 5))
  ;; CHECK:   (local.get 1))

  ;; MUST NOT CHANGE: a parameter is not zero
  (func $no_param_zero (param i32) (result i32)
    (local.set 0 (i32.const 0))
    (local.get 0))
  ;; CHECK: (func $no_param_zero (param i32) (result i32)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (local.get 0))

  ;; MUST NOT CHANGE: two calls give two values
  (func $no_call_twice (param i32) (result i32)
    (local $x i32)
    (local.set $x (call $imp (local.get 0)))
    (call $log (local.get $x))
    (local.set $x (call $imp (local.get 0)))
    (local.get $x))
  ;; CHECK: (func $no_call_twice (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (local.get 1))

  ;; MUST NOT CHANGE: a set in a loop read in the next iteration
  (func $no_loop_carried (param i32) (result i32)
    (local $x i32)
    (loop $l
      (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $x) (local.get 0))))
    (local.get $x))
  ;; CHECK: (func $no_loop_carried (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 1
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 1)
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (i32.lt_u
  ;; CHECK:         (local.get 1)
  ;; CHECK:         (local.get 0))))
  ;; CHECK:   (local.get 1))

  ;; MUST NOT CHANGE: b holds the previous iteration's a, not the latest one
  (func $no_stale_copy (param i32) (result i32)
    (local $a i32) (local $b i32)
    (loop $l
      (local.set $b (local.get $a))
      (local.set $a (call $imp (local.get $b)))
      (br_if $l (local.get $a)))
    (local.set $b (local.get $a))
    (local.get $b))
  ;; CHECK: (func $no_stale_copy (param i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 2
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (local.set 1
  ;; CHECK:       (call 0
  ;; CHECK:         (local.get 2)))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (local.set 2
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (local.get 2))
)
