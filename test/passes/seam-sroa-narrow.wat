;; PASSES: narrow-local
(module
  (import "env" "sink" (func $sink (param i64)))
  (memory 1)

  ;; The inlined `action`: 1 on one path, 0 on the other, read through wrap and a compare.
  (func $action (param $c i32) (result i32 i32)
    (local $a i64)
    (local.set $a (i64.const 1))
    (if (local.get $c) (then (local.set $a (i64.const 0))))
    (i32.wrap_i64 (local.get $a))
    (i64.eq (local.get $a) (i64.const 1)))
  ;; CHECK: (func $action (param i32) (result i32 i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (local.set 1
  ;; CHECK:         (i32.const 0))))
  ;; CHECK:   (local.get 1)
  ;; CHECK:   (i64.eq
  ;; CHECK:     (i64.extend_i32_u
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (i64.const 1)))

  ;; Zero-extended i32s and a copy into another i64 local (narrowed too); a narrow store.
  (func $extended (param $p i32) (param $x i32) (result i64)
    (local $a i64) (local $b i64)
    (local.set $a (i64.extend_i32_u (i32.load (local.get $p))))
    (local.set $b (local.get $a))
    (i64.store32 (local.get $p) (i64.add (local.get $b) (i64.const 1)))
    (i64.shl (local.get $a) (i64.const 32)))
  ;; CHECK: (func $extended (param i32 i32) (result i64)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (local.set 3
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (i64.store32
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i64.add
  ;; CHECK:       (i64.extend_i32_u
  ;; CHECK:         (local.get 3))
  ;; CHECK:       (i64.const 1)))
  ;; CHECK:   (i64.shl
  ;; CHECK:     (i64.extend_i32_u
  ;; CHECK:       (local.get 2))
  ;; CHECK:     (i64.const 32)))

  ;; Sign-extended values: the local keeps them as i32 and reads extend_i32_s.
  (func $signed (param $x i32) (result i64)
    (local $a i64)
    (local.set $a (i64.extend_i32_s (local.get $x)))
    (if (i32.eqz (local.get $x)) (then (local.set $a (i64.const -5))))
    (i64.mul (local.get $a) (i64.const 3)))
  ;; CHECK: (func $signed (param i32) (result i64)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (if $B0
  ;; CHECK:     (i32.eqz
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (then
  ;; CHECK:       (local.set 1
  ;; CHECK:         (i32.const -5))))
  ;; CHECK:   (i64.mul
  ;; CHECK:     (i64.extend_i32_s
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (i64.const 3)))

  ;; A value that does not fit in 32 bits: unchanged.
  (func $wide (param $x i32) (result i32)
    (local $a i64)
    (local.set $a (i64.shl (i64.extend_i32_u (local.get $x)) (i64.const 8)))
    (i32.wrap_i64 (i64.shr_u (local.get $a) (i64.const 8))))
  ;; CHECK: (func $wide (param i32) (result i32)
  ;; CHECK:   (local i64)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i64.shl
  ;; CHECK:       (i64.extend_i32_u
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (i64.const 8)))
  ;; CHECK:   (i32.wrap_i64
  ;; CHECK:     (i64.shr_u
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i64.const 8))))

  ;; A read the i32 form does not serve (a call argument): unchanged.
  (func $escapes (param $x i32)
    (local $a i64)
    (local.set $a (i64.extend_i32_u (local.get $x)))
    (call $sink (local.get $a)))
  ;; CHECK: (func $escapes (param i32)
  ;; CHECK:   (local i64)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i64.extend_i32_u
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 1)))

  ;; A parameter keeps its type.
  (func $param (param $a i64) (result i32)
    (local.set $a (i64.const 7))
    (i32.wrap_i64 (local.get $a)))
  ;; CHECK: (func $param (param i64) (result i32)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i64.const 7))
  ;; CHECK:   (i32.wrap_i64
  ;; CHECK:     (local.get 0)))
)
