;; PASSES: -O3
;; inline-settle takes the pops out of the functions a round changed before the passes after
;; inlining: fold-if-heads left $m1/$m2 (and the function merging them) with the if's condition
;; waiting on the stack, and merge-blocks, simplify-locals, vacuum... skip stack code until
;; promote-locals, late in the round. The inlined $callee's block only left the `i32.and` in the
;; last cleanup's merge-blocks, after optimize-instructions: `(i32.and (i32.eqz ..) (i32.const 1))`
;; stayed for a second run to fold.
(module
  (import "env" "log" (func $log (param i32)))
  (global $g (mut i32) (i32.const 100))
  (memory 1)
  (func $callee (export "callee") (param $x i32) (result i32)
    (if (i32.eqz (global.get $g)) (then (global.set $g (i32.const 100)) (unreachable)))
    (global.set $g (i32.sub (global.get $g) (i32.const 1)))
    (call $log (i32.load (local.get $x)))
    (i32.eqz (i32.load8_u (i32.add (local.get $x) (i32.const 4)))))
  ;; CHECK: (func $callee (param i32) (result i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (i32.eqz
  ;; CHECK:       (global.get 0))
  ;; CHECK:     (then
  ;; CHECK:       (global.set 0
  ;; CHECK:         (i32.const 100))
  ;; CHECK:       (unreachable)))
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (i32.const -1)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (i32.eqz
  ;; CHECK:     (i32.load8_u
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 4)))))
  (func $m1 (export "m1") (local $t i32)
    (if (local.tee $t (i32.load (i32.const 32)))
      (then (call $log (i32.const 7)) (call $log (local.get $t)))
      (else (call $log (i32.const 7)) (call $log (i32.const 9))))
    (call $log (i32.const 11))
    (if (i32.and (call $callee (i32.const 8)) (i32.const 1)) (then (call $log (i32.const 5)))))
  ;; CHECK: (func $m1
  ;; CHECK:   (call 4
  ;; CHECK:     (i32.const 11)))
  (func $m2 (local $t i32)
    (if (local.tee $t (i32.load (i32.const 32)))
      (then (call $log (i32.const 7)) (call $log (local.get $t)))
      (else (call $log (i32.const 7)) (call $log (i32.const 9))))
    (call $log (i32.const 22))
    (if (i32.and (call $callee (i32.const 8)) (i32.const 1)) (then (call $log (i32.const 5)))))
  ;; CHECK: (removed)
  (func $main (export "main")
    (call $m2)
    (call $m2))
  ;; CHECK: (func $main
  ;; CHECK:   (call 4
  ;; CHECK:     (i32.const 22))
  ;; CHECK:   (call 4
  ;; CHECK:     (i32.const 22)))
  ;; CHECK: (added)
  ;; CHECK: (func 4 (param i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.tee 1
  ;; CHECK:     (i32.load
  ;; CHECK:       (i32.const 32)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 7))
  ;; CHECK:   (if $B0
  ;; CHECK:     (pop i32)
  ;; CHECK:     (then
  ;; CHECK:       (call 0
  ;; CHECK:         (local.get 1)))
  ;; CHECK:     (else
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 9))))
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (if $B1
  ;; CHECK:     (i32.eqz
  ;; CHECK:       (global.get 0))
  ;; CHECK:     (then
  ;; CHECK:       (global.set 0
  ;; CHECK:         (i32.const 100))
  ;; CHECK:       (unreachable)))
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (i32.const -1)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.load
  ;; CHECK:       (i32.const 8)))
  ;; CHECK:   (if $B2
  ;; CHECK:     (i32.eqz
  ;; CHECK:       (i32.load8_u
  ;; CHECK:         (i32.const 12)))
  ;; CHECK:     (then
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 5)))))
)
