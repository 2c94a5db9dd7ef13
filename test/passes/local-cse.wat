;; PASSES: local-cse
(module
  (import "env" "imp" (func $imp (param i32) (result i32)))
  (import "env" "log" (func $log (param i32)))
  (memory 1)
  (global $g (mut i32) (i32.const 3))

  ;; a repeated expression is computed once
  (func $basic (param i32 i32 i32) (result i32)
    (call $log (i32.add (i32.mul (local.get 0) (local.get 1)) (local.get 2)))
    (i32.add (i32.mul (local.get 0) (local.get 1)) (local.get 2)))
  ;; CHECK: (func $basic (param i32 i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (call 1
  ;; CHECK:     (local.tee 3
  ;; CHECK:       (i32.add
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (local.get 1))
  ;; CHECK:         (local.get 2))))
  ;; CHECK:   (local.get 3))

  ;; the largest repeat wins; its parts are not given locals of their own
  (func $largest_wins (param i32 i32) (result i32)
    (i32.xor
      (i32.shl (i32.add (local.get 0) (local.get 1)) (i32.const 2))
      (i32.shl (i32.add (local.get 0) (local.get 1)) (i32.const 2))))
  ;; CHECK: (func $largest_wins (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (i32.xor
  ;; CHECK:     (local.tee 2
  ;; CHECK:       (i32.shl
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (local.get 1))
  ;; CHECK:         (i32.const 2)))
  ;; CHECK:     (local.get 2)))

  ;; loads with no write to memory in between; a trapping division repeated
  (func $loads_and_traps (param i32 i32) (result i32)
    (local.set 1 (i32.div_s (i32.load (i32.add (local.get 0) (local.get 1))) (local.get 1)))
    (i32.add
      (i32.load (i32.add (local.get 0) (local.get 1)))
      (i32.div_s (i32.load (i32.add (local.get 0) (local.get 1))) (local.get 1))))
  ;; CHECK: (func $loads_and_traps (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.div_s
  ;; CHECK:       (i32.load
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (local.get 1)))
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.tee 2
  ;; CHECK:       (i32.load
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (local.get 1))))
  ;; CHECK:     (i32.div_s
  ;; CHECK:       (local.get 2)
  ;; CHECK:       (local.get 1))))

  ;; the first occurrence before an if serves a repeat inside an arm
  (func $into_arm (param i32 i32 i32) (result i32)
    (call $log (i32.sub (local.get 0) (i32.mul (local.get 1) (local.get 1))))
    (if (result i32) (local.get 2)
      (then (i32.sub (local.get 0) (i32.mul (local.get 1) (local.get 1))))
      (else (i32.const 0))))
  ;; CHECK: (func $into_arm (param i32 i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (call 1
  ;; CHECK:     (local.tee 3
  ;; CHECK:       (i32.sub
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (local.get 1)))))
  ;; CHECK:   (if $B0 (result i32)
  ;; CHECK:     (local.get 2)
  ;; CHECK:     (then
  ;; CHECK:       (local.get 3))
  ;; CHECK:     (else
  ;; CHECK:       (i32.const 0))))

  ;; a loop that does not write the inputs: the repeat inside it uses the local
  (func $into_loop (param i32 i32) (result i32)
    (local $i i32)
    (call $log (i32.and (i32.add (local.get 0) (local.get 1)) (i32.const 255)))
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.and (i32.add (local.get 0) (local.get 1)) (i32.const 255))))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))
    (local.get $i))
  ;; CHECK: (func $into_loop (param i32 i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (call 1
  ;; CHECK:     (local.tee 3
  ;; CHECK:       (i32.and
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (local.get 1))
  ;; CHECK:         (i32.const 255))))
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 2
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 2)
  ;; CHECK:         (local.get 3)))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (i32.lt_u
  ;; CHECK:         (local.get 2)
  ;; CHECK:         (i32.const 1000))))
  ;; CHECK:   (local.get 2))

  ;; MUST NOT CHANGE: a store between two loads
  (func $no_load_past_store (param i32) (result i32)
    (local $a i32)
    (local.set $a (i32.load (i32.add (local.get 0) (i32.const 4))))
    (i32.store (i32.const 0) (i32.const 9))
    (i32.add (local.get $a) (i32.load (i32.add (local.get 0) (i32.const 4)))))
  ;; CHECK: (func $no_load_past_store (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.load
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 4))))
  ;; CHECK:   (i32.store
  ;; CHECK:     (i32.const 0)
  ;; CHECK:     (i32.const 9))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (i32.load
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 4)))))

  ;; MUST NOT CHANGE: a call between two loads (it may write memory)
  (func $no_load_past_call (param i32) (result i32)
    (local $a i32)
    (local.set $a (i32.load (i32.add (local.get 0) (i32.const 4))))
    (call $log (i32.const 1))
    (i32.add (local.get $a) (i32.load (i32.add (local.get 0) (i32.const 4)))))
  ;; CHECK: (func $no_load_past_call (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.load
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 4))))
  ;; CHECK:   (call 1
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (i32.load
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 4)))))

  ;; MUST NOT CHANGE: an input local is written in between
  (func $no_cse_after_local_write (param i32 i32) (result i32)
    (local $a i32)
    (local.set $a (i32.mul (local.get 0) (local.get 1)))
    (local.set 0 (i32.const 3))
    (i32.add (local.get $a) (i32.mul (local.get 0) (local.get 1))))
  ;; CHECK: (func $no_cse_after_local_write (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.const 3))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 2)
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1))))

  ;; MUST NOT CHANGE: a global is written in between
  (func $no_cse_after_global_write (param i32) (result i32)
    (local $a i32)
    (local.set $a (i32.add (global.get $g) (local.get 0)))
    (global.set $g (i32.const 8))
    (i32.add (local.get $a) (i32.add (global.get $g) (local.get 0))))
  ;; CHECK: (func $no_cse_after_global_write (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.const 8))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (i32.add
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (local.get 0))))

  ;; MUST NOT CHANGE: an occurrence inside an arm serves neither the other arm nor the code after
  (func $no_cse_out_of_arm (param i32 i32 i32) (result i32)
    (local $a i32)
    (if (local.get 2)
      (then (local.set $a (i32.mul (local.get 0) (local.get 1))))
      (else (local.set $a (i32.mul (local.get 0) (local.get 1)))))
    (i32.add (local.get $a) (i32.mul (local.get 0) (local.get 1))))
  ;; CHECK: (func $no_cse_out_of_arm (param i32 i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 2)
  ;; CHECK:     (then
  ;; CHECK:       (local.set 3
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (local.get 1))))
  ;; CHECK:     (else
  ;; CHECK:       (local.set 3
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (local.get 1)))))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 3)
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1))))

  ;; MUST NOT CHANGE: the loop writes an input before the repeat runs again
  (func $no_cse_into_writing_loop (param i32 i32) (result i32)
    (local $s i32)
    (call $log (i32.mul (local.get 0) (local.get 1)))
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.mul (local.get 0) (local.get 1))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0)))
    (local.get $s))
  ;; CHECK: (func $no_cse_into_writing_loop (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (call 1
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 2
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 2)
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (local.get 1))))
  ;; CHECK:     (local.set 0
  ;; CHECK:       (i32.sub
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (local.get 2))

  ;; MUST NOT CHANGE: a branch may skip the first occurrence
  (func $no_cse_past_branch_target (param i32 i32 i32) (result i32)
    (local $a i32)
    (block $b
      (br_if $b (local.get 2))
      (local.set $a (i32.mul (local.get 0) (local.get 1))))
    (i32.add (local.get $a) (i32.mul (local.get 0) (local.get 1))))
  ;; CHECK: (func $no_cse_past_branch_target (param i32 i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.get 2))
  ;; CHECK:     (local.set 3
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (local.get 1))))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 3)
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1))))

  ;; MUST NOT CHANGE: too small to pay for a local (one repeat of a two-instruction expression)
  (func $no_cse_too_small (param i32) (result i32)
    (i32.mul (i32.add (local.get 0) (i32.const 1)) (i32.add (local.get 0) (i32.const 1))))
  ;; CHECK: (func $no_cse_too_small (param i32) (result i32)
  ;; CHECK:   (i32.mul
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 1))
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 1))))
)
