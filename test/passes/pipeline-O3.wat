;; PASSES: -O3
;; How the -O3 passes work together, where their order matters. Found by the fuzzer: each case
;; made a second -O3 run over the output change it (not idempotent).
(module
  (import "env" "log" (func $log (param i32)))
  (global $g (mut i32) (i32.const 0))
  (global $fuel (mut i32) (i32.const 3))
  (global $late (mut i32) (i32.const 7))
  (memory 1)

  ;; $mid is inlined into $second with its argument 0 in place of its parameter; the cleanup
  ;; then drops the br_if, so the loop never falls through any more and the copy's call of
  ;; $helper is dead. The cleanup runs dce after precompute, so that call is no call site for
  ;; the next inline round, and $helper, called once, is inlined (else only a second -O3 run
  ;; would do it).
  (func $helper (param i32)
    (global.set $g (i32.add (global.get $g) (local.get 0)))
    (call $log (i32.mul (global.get $g) (i32.const 3)))
    (call $log (i32.xor (global.get $g) (local.get 0))))
  ;; CHECK: (removed)
  (func $mid (param i32)
    (block $out
      (loop $l
        (if (i32.eqz (global.get $fuel)) (then (unreachable)))
        (global.set $fuel (i32.sub (global.get $fuel) (i32.const 1)))
        (br_if $out (local.get 0))
        (br $l)))
    (call $helper (i32.const 7)))
  ;; CHECK: (removed)
  (func $first (export "first") (param i32)
    (call $helper (local.get 0)))
  ;; CHECK: (func $first (param i32)
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.mul
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (i32.const 3)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.xor
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (local.get 0))))
  (func $second (export "second") (param i32)
    (if (local.get 0)
      (then (call $mid (i32.const 0))))
    (call $log (local.get 0)))
  ;; CHECK: (func $second (param i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (loop $B1
  ;; CHECK:         (if $B2
  ;; CHECK:           (i32.eqz
  ;; CHECK:             (global.get 1))
  ;; CHECK:           (then
  ;; CHECK:             (unreachable)))
  ;; CHECK:         (global.set 1
  ;; CHECK:           (i32.add
  ;; CHECK:             (global.get 1)
  ;; CHECK:             (i32.const -1)))
  ;; CHECK:         (br $B1))))
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 0)))

  ;; $calc has 8 nodes when the inline rounds run: not inlined (the budget is 7). local-cse,
  ;; after them, makes the repeated sum one local.tee: 7 nodes. inline-settle inlines it
  ;; then, in both callers (it stays exported), and runs the passes after inlining on them (else
  ;; a second -O3 run would do it).
  (func $calc (export "calc") (param i32 i32) (result i32)
    (i32.div_u
      (i32.add (local.get 0) (local.get 1))
      (i32.popcnt (i32.add (local.get 0) (local.get 1)))))
  ;; CHECK: (func $calc (param i32 i32) (result i32)
  ;; CHECK:   (i32.div_u
  ;; CHECK:     (local.tee 0
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (local.get 1)))
  ;; CHECK:     (i32.popcnt
  ;; CHECK:       (local.get 0))))
  (func $calc_a (export "calc_a") (param i32 i32)
    (call $log (call $calc (local.get 0) (local.get 1))))
  ;; CHECK: (func $calc_a (param i32 i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.div_u
  ;; CHECK:       (local.tee 0
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (local.get 1)))
  ;; CHECK:       (i32.popcnt
  ;; CHECK:         (local.get 0)))))
  (func $calc_b (export "calc_b") (param i32)
    (call $log (call $calc (i32.load (local.get 0)) (local.get 0))))
  ;; CHECK: (func $calc_b (param i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.div_u
  ;; CHECK:       (local.tee 0
  ;; CHECK:         (i32.add
  ;; CHECK:           (i32.load
  ;; CHECK:             (local.get 0))
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (i32.popcnt
  ;; CHECK:         (local.get 0)))))

  ;; the only write of $late is in an arm that only becomes dead after store forwarding (the
  ;; load reads the 0 just stored); constant-globals ran long before, so inline-settle runs it
  ;; again: the read is the constant 7 in this run, not in a second one (fuzz 24-72)
  (func $late_write (export "late_write") (param $p i32) (result i32)
    (i32.store (local.get $p) (i32.const 0))
    (if (i32.load (local.get $p)) (then (global.set $late (i32.const 1))))
    (global.get $late))
  ;; CHECK: (func $late_write (param i32) (result i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (i32.const 7))
)
