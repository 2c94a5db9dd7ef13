;; PASSES: -O3
;; merge-similar-functions runs in inline-settle's rounds: merging $m1 and $m2 (equal but for a
;; constant) leaves the exported $callee one call site (in the shared function), and the next
;; round inlines it there, as a second -O3 run would (fuzz seed 2 #306: it grew the module).
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "logf" (func $logf (param f32)))
  (global $g (mut i32) (i32.const 100))
  (memory 1)
  (func $callee (export "callee") (result f32)
    (if (i32.eqz (global.get $g)) (then (global.set $g (i32.const 100)) (unreachable)))
    (global.set $g (i32.sub (global.get $g) (i32.const 1)))
    (call $logf (f32.load (i32.const 4)))
    (f32.div (f32.const 3) (f32.load (i32.const 1))))
  ;; CHECK: (func $callee (result f32)
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
  ;; CHECK:   (call 1
  ;; CHECK:     (f32.load
  ;; CHECK:       (i32.const 4)))
  ;; CHECK:   (f32.div
  ;; CHECK:     (f32.const 3)
  ;; CHECK:     (f32.load
  ;; CHECK:       (i32.const 1))))
  (func $m1 (export "m1")
    (if (i32.eqz (global.get $g)) (then (global.set $g (i32.const 100)) (unreachable)))
    (global.set $g (i32.sub (global.get $g) (i32.const 1)))
    (call $log (i32.const 11))
    (drop (call $callee)))
  ;; CHECK: (func $m1
  ;; CHECK:   (call 5
  ;; CHECK:     (i32.const 11)))
  (func $m2
    (if (i32.eqz (global.get $g)) (then (global.set $g (i32.const 100)) (unreachable)))
    (global.set $g (i32.sub (global.get $g) (i32.const 1)))
    (call $log (i32.const 22))
    (drop (call $callee)))
  ;; CHECK: (removed)
  (func $main (export "main")
    (call $m2)
    (call $m2))
  ;; CHECK: (func $main
  ;; CHECK:   (call 5
  ;; CHECK:     (i32.const 22))
  ;; CHECK:   (call 5
  ;; CHECK:     (i32.const 22)))
  ;; CHECK: (added)
  ;; CHECK: (func 5 (param i32)
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
  ;; CHECK:   (call 1
  ;; CHECK:     (f32.load
  ;; CHECK:       (i32.const 4)))
  ;; CHECK:   (drop
  ;; CHECK:     (f32.load
  ;; CHECK:       (i32.const 1))))
)
