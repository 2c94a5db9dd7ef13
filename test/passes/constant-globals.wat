;; PASSES: constant-globals
(module
  (import "env" "imported" (global $imported i32))
  (global $base i32 (i32.const 0))
  (global $wide i64 (i64.const -5))
  (global $nan f32 (f32.const nan:0x200001))
  (global $never_set (mut i32) (i32.const 7))
  (global $set (mut i32) (i32.const 8))
  (global $exported (mut i32) (i32.const 9))
  (export "g" (global $exported))

  ;; immutable constants (NaN payload kept) are read as constants
  (func $reads (param i32) (result i32)
    (drop (global.get $wide))
    (drop (global.get $nan))
    (i32.add (local.get 0) (global.get $base)))
  ;; CHECK: (func $reads (param i32) (result i32)
  ;; CHECK:   (drop
  ;; CHECK:     (i64.const -5))
  ;; CHECK:   (drop
  ;; CHECK:     (f32.const nan:0x200001))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 0)))

  ;; a mutable global no code writes and the host cannot reach: a constant too
  (func $never (result i32)
    (global.get $never_set))
  ;; CHECK: (func $never (result i32)
  ;; CHECK:   (i32.const 7))

  ;; must NOT change: written by this module, exported mutable (the host may write it), imported
  (func $kept (result i32)
    (global.set $set (i32.const 1))
    (i32.add (i32.add (global.get $set) (global.get $exported)) (global.get $imported)))
  ;; CHECK: (func $kept (result i32)
  ;; CHECK:   (global.set 5
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.add
  ;; CHECK:       (global.get 5)
  ;; CHECK:       (global.get 6))
  ;; CHECK:     (global.get 0)))
)
