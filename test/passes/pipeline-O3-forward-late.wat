;; PASSES: -O3
;; stack-sroa forwards stores once more after the cleanups: its first run turns the flag load into
;; 0, the cleanup removes the br_if and the block, and only then does the store of 12 reach the last
;; load on every path (a second -O3 run forwarded it).
(module
  (import "env" "log" (func $log (param i32)))
  (memory 1)
  (func $f (export "f") (param $p i32)
    (i32.store (local.get $p) (i32.const 0))
    (i32.store offset=4 (local.get $p) (i32.const 11))
    (block $b
      (br_if $b (i32.load (local.get $p)))
      (i32.store offset=4 (local.get $p) (i32.const 12)))
    (call $log (i32.load offset=4 (local.get $p))))
  ;; CHECK: (func $f (param i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (i32.store offset=4
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 11))
  ;; CHECK:   (i32.store offset=4
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 12))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 12)))
)
