;; PASSES: const-hoist
(module
  (memory 1)

  ;; no TARGET line: generic, where immediates are free: nothing changes
  (func $repeated (param i32) (result i32)
    (i32.store (local.get 0) (i32.const 0x12345678))
    (i32.store offset=4 (local.get 0) (i32.const 0x12345678))
    (i32.store offset=8 (local.get 0) (i32.const 0x12345678))
    (i32.store offset=12 (local.get 0) (i32.const 0x12345678))
    (loop $l
      (local.set 0 (i32.xor (local.get 0) (i32.const 0x12345678)))
      (br_if $l (i32.and (local.get 0) (i32.const 0x12345678))))
    (local.get 0))
  ;; CHECK: (func $repeated (param i32) (result i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 305419896))
  ;; CHECK:   (i32.store offset=4
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 305419896))
  ;; CHECK:   (i32.store offset=8
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 305419896))
  ;; CHECK:   (i32.store offset=12
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 305419896))
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 0
  ;; CHECK:       (i32.xor
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 305419896)))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (i32.and
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 305419896))))
  ;; CHECK:   (local.get 0))
)
