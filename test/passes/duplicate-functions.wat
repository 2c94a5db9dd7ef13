;; PASSES: duplicate-functions,dead-functions
(module
  (import "env" "log" (func $log (param i32)))
  (table 1 funcref)
  (elem (i32.const 0) $c)

  ;; $a and $b are identical: calls to $b go to $a, and $b is removed
  (func $a (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 1)))
  ;; CHECK: (func $a (param i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 1)))
  (func $b (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 1)))
  ;; CHECK: (removed)

  ;; identical to $a but in the table: calls are redirected, the function stays (its identity is visible)
  (func $c (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 1)))
  ;; CHECK: (func $c (param i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 1)))

  ;; same code, other locals: not a duplicate
  (func $d (param i32) (result i32) (local i64)
    (i32.add (local.get 0) (i32.const 1)))
  ;; CHECK: (func $d (param i32) (result i32)
  ;; CHECK:   (local i64)
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 1)))

  ;; $e and $f differ only in which identical callee they call: merged in a second round
  (func $e (param i32)
    (call $log (call $a (local.get 0))))
  ;; CHECK: (func $e (param i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (call 1
  ;; CHECK:       (local.get 0))))
  (func $f (param i32)
    (call $log (call $b (local.get 0))))
  ;; CHECK: (removed)

  (func $main (export "main") (param i32) (result i32)
    (call $e (local.get 0))
    (call $f (local.get 0))
    (i32.add
      (i32.add (call $b (local.get 0)) (call $c (local.get 0)))
      (call $d (local.get 0))))
  ;; CHECK: (func $main (param i32) (result i32)
  ;; CHECK:   (call 4
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (call 4
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.add
  ;; CHECK:       (call 1
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (call 1
  ;; CHECK:         (local.get 0)))
  ;; CHECK:     (call 3
  ;; CHECK:       (local.get 0))))

  ;; exported duplicates stay distinct functions
  (func $x (export "x") (result i32) (i32.const 7))
  ;; CHECK: (func $x (result i32)
  ;; CHECK:   (i32.const 7))
  (func $y (export "y") (result i32) (i32.const 7))
  ;; CHECK: (func $y (result i32)
  ;; CHECK:   (i32.const 7))
)
