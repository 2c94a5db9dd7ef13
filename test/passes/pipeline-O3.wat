;; PASSES: -O3
;; How the -O3 passes work together, where their order matters. Found by the fuzzer: each case
;; made a second -O3 run over the output change it (not idempotent).
(module
  (import "env" "log" (func $log (param i32)))
  (global $g (mut i32) (i32.const 0))
  (global $fuel (mut i32) (i32.const 3))

  ;; $mid is inlined into $second with its argument 0 in place of its parameter; the cleanup
  ;; then drops the br_if, so the loop never falls through any more and the copy's call of
  ;; $helper is dead. dce runs right before the next inline round, so that call is no call
  ;; site, and $helper, called once, is inlined (else only a second -O3 run would do it).
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
)
