;; PASSES: merge-similar-functions,dead-functions
;; (bodies must be larger than the inliner's budget of 10 nodes to be merged)
(module
  (import "env" "log" (func $log (param i32)))
  (table 2 funcref)
  (elem (i32.const 0) $t1 $t2)
  (memory 1)

  ;; $a and $b differ in two constants whose values agree member by member (10/10, 20/20): one
  ;; new parameter. Only direct calls reach them: the calls go to the shared function, they go.
  (func $a (param i32) (result i32)
    (call $log (i32.const 10))
    (i32.store (local.get 0) (i32.const 10))
    (i32.store offset=8 (local.get 0) (i32.const 1))
    (i32.add (i32.load offset=4 (local.get 0)) (i32.const 3)))
  ;; CHECK: (removed)
  (func $b (param i32) (result i32)
    (call $log (i32.const 20))
    (i32.store (local.get 0) (i32.const 20))
    (i32.store offset=8 (local.get 0) (i32.const 1))
    (i32.add (i32.load offset=4 (local.get 0)) (i32.const 3)))
  ;; CHECK: (removed)

  ;; in a table and exported: they stay (as thunks calling the shared function with their
  ;; constants; the direct call of $t1 in $main goes to the shared function); three positions
  ;; differ, with different patterns: three parameters; the declared local moves behind them
  (func $t1 (param i32) (result i32) (local i32)
    (local.set 1 (i32.mul (local.get 0) (i32.const 3)))
    (call $log (i32.add (local.get 1) (i32.const 100)))
    (i32.store (local.get 1) (i32.const 5))
    (local.get 1))
  ;; CHECK: (func $t1 (param i32) (result i32)
  ;; CHECK:   (call 9
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 3)
  ;; CHECK:     (i32.const 100)
  ;; CHECK:     (i32.const 5)))
  (func $t2 (param i32) (result i32) (local i32)
    (local.set 1 (i32.mul (local.get 0) (i32.const 3)))
    (call $log (i32.add (local.get 1) (i32.const 200)))
    (i32.store (local.get 1) (i32.const 7))
    (local.get 1))
  ;; CHECK: (func $t2 (param i32) (result i32)
  ;; CHECK:   (call 9
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 3)
  ;; CHECK:     (i32.const 200)
  ;; CHECK:     (i32.const 7)))
  (func $e1 (export "e1") (param i32) (result i32) (local i32)
    (local.set 1 (i32.mul (local.get 0) (i32.const 4)))
    (call $log (i32.add (local.get 1) (i32.const 100)))
    (i32.store (local.get 1) (i32.const 5))
    (local.get 1))
  ;; CHECK: (func $e1 (param i32) (result i32)
  ;; CHECK:   (call 9
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 4)
  ;; CHECK:     (i32.const 100)
  ;; CHECK:     (i32.const 5)))

  ;; must not change: too small (for the thunks to pay, and for the inliner's budget)
  (func $s1 (export "s1") (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 1)))
  ;; CHECK: (func $s1 (param i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 1)))
  (func $s2 (export "s2") (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 2)))
  ;; CHECK: (func $s2 (param i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 2)))

  ;; must not change: not the same shape (sub against add)
  (func $d1 (param i32) (result i32)
    (call $log (i32.const 10))
    (i32.store (local.get 0) (i32.const 10))
    (i32.sub (i32.load offset=4 (local.get 0)) (i32.const 3)))
  ;; CHECK: (func $d1 (param i32) (result i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 10))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 10))
  ;; CHECK:   (i32.sub
  ;; CHECK:     (i32.load offset=4
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (i32.const 3)))

  (func $main (export "main") (param i32) (result i32)
    (i32.add
      (i32.add (call $a (local.get 0)) (call $b (i32.const 8)))
      (i32.add
        (i32.add (call $d1 (local.get 0)) (call $t1 (i32.const 2)))
        (call_indirect (param i32) (result i32) (local.get 0) (i32.and (local.get 0) (i32.const 1))))))
  ;; CHECK: (func $main (param i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.add
  ;; CHECK:       (call 8
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 10))
  ;; CHECK:       (call 8
  ;; CHECK:         (i32.const 8)
  ;; CHECK:         (i32.const 20)))
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.add
  ;; CHECK:         (call 6
  ;; CHECK:           (local.get 0))
  ;; CHECK:         (call 9
  ;; CHECK:           (i32.const 2)
  ;; CHECK:           (i32.const 3)
  ;; CHECK:           (i32.const 100)
  ;; CHECK:           (i32.const 5)))
  ;; CHECK:       (call_indirect 0 (type 1)
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.and
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (i32.const 1))))))
  ;; CHECK: (added)
  ;; CHECK: (func 8 (param i32 i32) (result i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.store offset=8
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.load offset=4
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (i32.const 3)))
  ;; CHECK: (added)
  ;; CHECK: (func 9 (param i32 i32 i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 4
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 4)
  ;; CHECK:       (local.get 2)))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 4)
  ;; CHECK:     (local.get 3))
  ;; CHECK:   (local.get 4))
)
