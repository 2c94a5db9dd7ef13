;; PASSES: -O3
;; dead-arguments runs again after the second inline: the argument $a and $b pass to $big is
;; `(call $zero)`, constant only once $zero is inlined and the cleanup after the second
;; dead-arguments folded it; $big's parameter $k then always gets 0, which a second -O3 run
;; removed (and folded the additions).
(module
  (import "env" "log" (func $log (param i32)))
  (memory 1)
  (global $zero (mut i32) (i32.const 0))
  (func $zero (result i32) (global.get $zero))
  ;; CHECK: (removed)
  (func $big (param $p i32) (param $k i32)
    (call $log (i32.add (i32.load offset=0 (local.get $p)) (local.get $k)))
    (call $log (i32.add (i32.load offset=4 (local.get $p)) (local.get $k)))
    (call $log (i32.add (i32.load offset=8 (local.get $p)) (local.get $k)))
    (call $log (i32.add (i32.load offset=12 (local.get $p)) (local.get $k)))
    (call $log (i32.add (i32.load offset=16 (local.get $p)) (local.get $k)))
    (call $log (i32.add (i32.load offset=20 (local.get $p)) (local.get $k)))
    (call $log (i32.add (i32.load offset=24 (local.get $p)) (local.get $k)))
    (call $log (i32.add (i32.load offset=28 (local.get $p)) (local.get $k)))
    (call $log (i32.add (i32.load offset=32 (local.get $p)) (local.get $k)))
    (call $log (i32.add (i32.load offset=36 (local.get $p)) (local.get $k)))
    (call $log (i32.add (i32.load offset=40 (local.get $p)) (local.get $k)))
    (call $log (i32.add (i32.load offset=44 (local.get $p)) (local.get $k))))
  ;; CHECK: (func $big (param i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.load offset=4
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.load offset=8
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.load offset=12
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.load offset=16
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.load offset=20
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.load offset=24
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.load offset=28
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.load offset=32
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.load offset=36
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.load offset=40
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.load offset=44
  ;; CHECK:       (local.get 0))))
  (func $a (export "a") (param $p i32)
    (call $big (local.get $p) (call $zero)))
  ;; CHECK: (func $a (param i32)
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 0)))
  (func $b (export "b") (param $p i32)
    (call $big (local.get $p) (call $zero)))
  ;; CHECK: (func $b (param i32)
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 0)))
  (func $c (export "c") (param $p i32)
    (call $big (local.get $p) (i32.const 0)))
  ;; CHECK: (func $c (param i32)
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 0)))
)
