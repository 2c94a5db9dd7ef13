;; PASSES: merge-similar-functions,dead-functions
;; Parameters the merged body never reads are not taken by the shared function (it is new, only
;; direct calls reach it: dead-arguments would remove them on a second -O3, fuzz seed 1 #1397).
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "next" (func $next (result i32)))
  (global $g (mut i32) (i32.const 9))

  ;; exported (thunks stay): param 0 is never read; the thunks pass only param 1 and their constant
  (func $e1 (export "e1") (param i32 f64) (result f64)
    (if (i32.eqz (global.get $g)) (then (global.set $g (i32.const 9)) (unreachable)))
    (global.set $g (i32.sub (global.get $g) (i32.const 1)))
    (f64.add (local.get 1) (f64.const 1.5)))
  ;; CHECK: (func $e1 (param i32 f64) (result f64)
  ;; CHECK:   (call 5
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (f64.const 1.5)))
  (func $e2 (export "e2") (param i32 f64) (result f64)
    (if (i32.eqz (global.get $g)) (then (global.set $g (i32.const 9)) (unreachable)))
    (global.set $g (i32.sub (global.get $g) (i32.const 1)))
    (f64.add (local.get 1) (f64.const -2.5)))
  ;; CHECK: (func $e2 (param i32 f64) (result f64)
  ;; CHECK:   (call 5
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (f64.const -2.5)))

  ;; only direct calls, with arguments free of side effects for the unread param 1; $w1/$w2
  ;; write it (it becomes a declared local of the shared function, after the original ones)
  (func $w1 (param i32 i32) (result i32) (local i64)
    (local.set 1 (i32.const 7))
    (call $log (i32.add (local.get 0) (i32.const 100)))
    (i32.store (local.get 0) (i32.const 5))
    (local.set 2 (i64.const 1))
    (local.get 0))
  ;; CHECK: (removed)
  (func $w2 (param i32 i32) (result i32) (local i64)
    (local.set 1 (i32.const 7))
    (call $log (i32.add (local.get 0) (i32.const 200)))
    (i32.store (local.get 0) (i32.const 6))
    (local.set 2 (i64.const 1))
    (local.get 0))
  ;; CHECK: (removed)

  ;; a direct call passes an argument with side effects to the unread param 0: the shared
  ;; function keeps it (the call still evaluates it, in its place)
  (func $k1 (param i32 i32) (result i32)
    (call $log (i32.add (local.get 1) (i32.const 10)))
    (i32.store (local.get 1) (i32.const 5))
    (i32.load offset=4 (local.get 1)))
  ;; CHECK: (removed)
  (func $k2 (param i32 i32) (result i32)
    (call $log (i32.add (local.get 1) (i32.const 20)))
    (i32.store (local.get 1) (i32.const 5))
    (i32.load offset=4 (local.get 1)))
  ;; CHECK: (removed)

  (memory 1)
  (func $main (export "main") (param i32) (result i32)
    (i32.add
      (i32.add (call $w1 (local.get 0) (i32.const 3)) (call $w2 (i32.const 8) (local.get 0)))
      (i32.add (call $k1 (call $next) (local.get 0)) (call $k2 (i32.const 1) (i32.const 16)))))
  ;; CHECK: (func $main (param i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.add
  ;; CHECK:       (call 6
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 100)
  ;; CHECK:         (i32.const 5))
  ;; CHECK:       (call 6
  ;; CHECK:         (i32.const 8)
  ;; CHECK:         (i32.const 200)
  ;; CHECK:         (i32.const 6)))
  ;; CHECK:     (i32.add
  ;; CHECK:       (call 7
  ;; CHECK:         (call 1)
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 10))
  ;; CHECK:       (call 7
  ;; CHECK:         (i32.const 1)
  ;; CHECK:         (i32.const 16)
  ;; CHECK:         (i32.const 20)))))
  ;; CHECK: (added)
  ;; CHECK: (func 5 (param f64 f64) (result f64)
  ;; CHECK:   (if $B0
  ;; CHECK:     (i32.eqz
  ;; CHECK:       (global.get 0))
  ;; CHECK:     (then
  ;; CHECK:       (global.set 0
  ;; CHECK:         (i32.const 9))
  ;; CHECK:       (unreachable)))
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.sub
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (f64.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1)))
  ;; CHECK: (added)
  ;; CHECK: (func 6 (param i32 i32 i32) (result i32)
  ;; CHECK:   (local i64 i32)
  ;; CHECK:   (local.set 4
  ;; CHECK:     (i32.const 7))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (local.set 3
  ;; CHECK:     (i64.const 1))
  ;; CHECK:   (local.get 0))
  ;; CHECK: (added)
  ;; CHECK: (func 7 (param i32 i32 i32) (result i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (local.get 2)))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (i32.const 5))
  ;; CHECK:   (i32.load offset=4
  ;; CHECK:     (local.get 1)))
)
