;; PASSES: const-hoist
;; TARGET: thumbv7em
(module
  (memory 1)

  ;; 0x12345678 is no Thumb-2 immediate (movw+movt each time): four uses pay for a local;
  ;; the first use dominates the others and becomes the local.tee
  (func $repeated (param i32)
    (i32.store (local.get 0) (i32.const 0x12345678))
    (i32.store offset=4 (local.get 0) (i32.const 0x12345678))
    (i32.store offset=8 (local.get 0) (i32.const 0x12345678))
    (i32.store offset=12 (local.get 0) (i32.const 0x12345678)))
  ;; CHECK: (func $repeated (param i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.tee 1
  ;; CHECK:       (i32.const 305419896)))
  ;; CHECK:   (i32.store offset=4
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.store offset=8
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.store offset=12
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1)))

  ;; a loop re-materialising the constant each iteration: the set goes before the loop
  (func $loop (param i32 i32) (result i32)
    (local i32)
    (loop $l
      (local.set 2 (i32.xor (local.get 2) (i32.const 0x12345678)))
      (local.set 2 (i32.add (local.get 2) (i32.const 0x12345678)))
      (local.set 2 (i32.mul (local.get 2) (i32.const 0x12345678)))
      (i32.store (local.get 0) (i32.const 0x12345678))
      (br_if $l (local.tee 1 (i32.sub (local.get 1) (i32.const 1)))))
    (local.get 2))
  ;; CHECK: (func $loop (param i32 i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (local.set 3
  ;; CHECK:     (i32.const 305419896))
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 2
  ;; CHECK:       (i32.xor
  ;; CHECK:         (local.get 2)
  ;; CHECK:         (local.get 3)))
  ;; CHECK:     (local.set 2
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 2)
  ;; CHECK:         (local.get 3)))
  ;; CHECK:     (local.set 2
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 2)
  ;; CHECK:         (local.get 3)))
  ;; CHECK:     (i32.store
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 3))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.tee 1
  ;; CHECK:         (i32.sub
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i32.const 1)))))
  ;; CHECK:   (local.get 2))

  ;; a loop nested in an if arm: the set goes before the loop, inside the arm
  (func $loop_in_if (param i32 i32) (result i32)
    (if (local.get 1)
      (then
        (loop $l
          (local.set 0 (i32.xor (local.get 0) (i32.const 0xcafe1234)))
          (local.set 0 (i32.mul (local.get 0) (i32.const 0xcafe1234)))
          (local.set 0 (i32.or (local.get 0) (i32.const 0xcafe1234)))
          (local.set 0 (i32.add (local.get 0) (i32.const 0xcafe1234)))
          (br_if $l (local.tee 1 (i32.sub (local.get 1) (i32.const 1)))))))
    (local.get 0))
  ;; CHECK: (func $loop_in_if (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (then
  ;; CHECK:       (local.set 2
  ;; CHECK:         (i32.const -889318860))
  ;; CHECK:       (loop $B1
  ;; CHECK:         (local.set 0
  ;; CHECK:           (i32.xor
  ;; CHECK:             (local.get 0)
  ;; CHECK:             (local.get 2)))
  ;; CHECK:         (local.set 0
  ;; CHECK:           (i32.mul
  ;; CHECK:             (local.get 0)
  ;; CHECK:             (local.get 2)))
  ;; CHECK:         (local.set 0
  ;; CHECK:           (i32.or
  ;; CHECK:             (local.get 0)
  ;; CHECK:             (local.get 2)))
  ;; CHECK:         (local.set 0
  ;; CHECK:           (i32.add
  ;; CHECK:             (local.get 0)
  ;; CHECK:             (local.get 2)))
  ;; CHECK:         (br_if $B1
  ;; CHECK:           (local.tee 1
  ;; CHECK:             (i32.sub
  ;; CHECK:               (local.get 1)
  ;; CHECK:               (i32.const 1)))))))
  ;; CHECK:   (local.get 0))

  ;; immediates stay: 255 (movs/an 8-bit immediate everywhere), 0x00ff00ff (a modified
  ;; immediate: and/orr/eor/add operand, or one mov.w), 0xffffff00 (mvn), 4095 (addw), 0xbeef (movw)
  (func $immediates (param i32) (result i32)
    (i32.store (local.get 0) (i32.const 255))
    (i32.store offset=4 (local.get 0) (i32.const 255))
    (i32.store offset=8 (local.get 0) (i32.const 255))
    (i32.store offset=12 (local.get 0) (i32.const 255))
    (i32.store offset=16 (local.get 0) (i32.const 0x00ff00ff))
    (i32.store offset=20 (local.get 0) (i32.const 0x00ff00ff))
    (i32.store offset=24 (local.get 0) (i32.const 0x00ff00ff))
    (i32.store offset=28 (local.get 0) (i32.const 0x00ff00ff))
    (local.set 0 (i32.and (local.get 0) (i32.const 0x00ff00ff)))
    (local.set 0 (i32.xor (local.get 0) (i32.const 0x00ff00ff)))
    (local.set 0 (i32.and (local.get 0) (i32.const 0xffffff00)))
    (local.set 0 (i32.and (local.get 0) (i32.const 0xffffff00)))
    (local.set 0 (i32.and (local.get 0) (i32.const 0xffffff00)))
    (local.set 0 (i32.and (local.get 0) (i32.const 0xffffff00)))
    (local.set 0 (i32.add (local.get 0) (i32.const 4095)))
    (local.set 0 (i32.add (local.get 0) (i32.const 4095)))
    (local.set 0 (i32.sub (local.get 0) (i32.const 4095)))
    (local.set 0 (i32.add (local.get 0) (i32.const 4095)))
    (i32.store (local.get 0) (i32.const 0xbeef))
    (i32.store (local.get 0) (i32.const 0xbeef))
    (i32.store (local.get 0) (i32.const 0xbeef))
    (i32.store (local.get 0) (i32.const 0xbeef))
    (local.get 0))
  ;; CHECK: (func $immediates (param i32) (result i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 255))
  ;; CHECK:   (i32.store offset=4
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 255))
  ;; CHECK:   (i32.store offset=8
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 255))
  ;; CHECK:   (i32.store offset=12
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 255))
  ;; CHECK:   (i32.store offset=16
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 16711935))
  ;; CHECK:   (i32.store offset=20
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 16711935))
  ;; CHECK:   (i32.store offset=24
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 16711935))
  ;; CHECK:   (i32.store offset=28
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 16711935))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.and
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 16711935)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.xor
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 16711935)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.and
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const -256)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.and
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const -256)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.and
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const -256)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.and
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const -256)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 4095)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 4095)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.sub
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 4095)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 4095)))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 48879))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 48879))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 48879))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 48879))
  ;; CHECK:   (local.get 0))

  ;; costly in some positions only: 0x12345 folds nowhere (not a modified immediate, above 4095)
  ;; but 0x00120012 folds into and/add; only the value uses are counted, three are not enough
  (func $mixed (param i32) (result i32)
    (local.set 0 (i32.and (local.get 0) (i32.const 0x00120012)))
    (local.set 0 (i32.add (local.get 0) (i32.const 0x00120012)))
    (local.set 0 (i32.add (local.get 0) (i32.const 0x00120012)))
    (local.set 0 (i32.add (local.get 0) (i32.const 0x00120012)))
    (local.set 0 (i32.mul (local.get 0) (i32.const 0x00120012)))
    (local.set 0 (i32.mul (local.get 0) (i32.const 0x00120012)))
    (local.set 0 (i32.mul (local.get 0) (i32.const 0x00120012)))
    (local.set 0 (i32.add (local.get 0) (i32.const 0x12345)))
    (local.set 0 (i32.add (local.get 0) (i32.const 0x12345)))
    (local.set 0 (i32.sub (local.get 0) (i32.const 0x12345)))
    (local.set 0 (i32.add (local.get 0) (i32.const 0x12345)))
    (local.get 0))
  ;; CHECK: (func $mixed (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.and
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 1179666)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 1179666)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 1179666)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 1179666)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 1179666)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 1179666)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 1179666)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.tee 1
  ;; CHECK:         (i32.const 74565))))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.sub
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (local.get 0))

  ;; uses in both arms of an if: no use dominates the others, the set goes before the if
  (func $arms (param i32 i32) (result i32)
    (if (result i32) (local.get 1)
      (then (i32.xor (local.get 0) (i32.mul (local.get 0) (i32.const 0x9e3779b9))))
      (else (i32.add
        (i32.mul (local.get 0) (i32.const 0x9e3779b9))
        (i32.add (i32.const 0x9e3779b9) (i32.mul (local.get 1) (i32.const 0x9e3779b9)))))))
  ;; CHECK: (func $arms (param i32 i32) (result i32)
  ;; CHECK:   (if $B0 (result i32)
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (then
  ;; CHECK:       (i32.xor
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (i32.const -1640531527))))
  ;; CHECK:     (else
  ;; CHECK:       (i32.add
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (i32.const -1640531527))
  ;; CHECK:         (i32.add
  ;; CHECK:           (i32.const -1640531527)
  ;; CHECK:           (i32.mul
  ;; CHECK:             (local.get 1)
  ;; CHECK:             (i32.const -1640531527)))))))

  ;; the same with a fifth use: now the set before the if pays
  (func $arms5 (param i32 i32) (result i32)
    (local.set 0 (i32.add (local.get 0) (i32.const 1)))
    (if (result i32) (local.get 1)
      (then (i32.xor (local.get 0) (i32.mul (local.get 0) (i32.const 0x9e3779b9))))
      (else (i32.add
        (i32.mul (local.get 0) (i32.const 0x9e3779b9))
        (i32.add (i32.const 0x9e3779b9)
          (i32.mul (i32.mul (local.get 1) (i32.const 0x9e3779b9)) (i32.const 0x9e3779b9)))))))
  ;; CHECK: (func $arms5 (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.const -1640531527))
  ;; CHECK:   (if $B0 (result i32)
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (then
  ;; CHECK:       (i32.xor
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (local.get 2))))
  ;; CHECK:     (else
  ;; CHECK:       (i32.add
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (local.get 2))
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 2)
  ;; CHECK:           (i32.mul
  ;; CHECK:             (i32.mul
  ;; CHECK:               (local.get 1)
  ;; CHECK:               (local.get 2))
  ;; CHECK:             (local.get 2)))))))

  ;; a constant address plus offset (0x100008: not a 12-bit load offset) used four times:
  ;; the local holds the effective address, the accesses get offset 0
  (func $addresses (result i32)
    (i32.store offset=8 (i32.const 0x100000) (i32.add (i32.load offset=8 (i32.const 0x100000)) (i32.const 1)))
    (i32.store8 (i32.const 0x100008) (i32.const 7))
    (i32.load offset=4 (i32.const 0x100004)))
  ;; CHECK: (func $addresses (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.tee 0
  ;; CHECK:       (i32.const 1048584))
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (i32.store8
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 7))
  ;; CHECK:   (i32.load
  ;; CHECK:     (local.get 0)))

  ;; i64: a register pair, two halves to materialise and two slots per local access
  (func $i64 (param i32)
    (i64.store (local.get 0) (i64.const 0x123456789abcdef0))
    (i64.store offset=8 (local.get 0) (i64.const 0x123456789abcdef0))
    (i64.store offset=16 (local.get 0) (i64.const 0x123456789abcdef0))
    (i64.store offset=24 (local.get 0) (i64.const 0x123456789abcdef0)))
  ;; CHECK: (func $i64 (param i32)
  ;; CHECK:   (local i64)
  ;; CHECK:   (i64.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.tee 1
  ;; CHECK:       (i64.const 1311768467463790320)))
  ;; CHECK:   (i64.store offset=8
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i64.store offset=16
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i64.store offset=24
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1)))

  ;; floats by bit pattern (a NaN payload too); f32 and i32 with the same bits are not merged
  (func $floats (param f32) (result f32)
    (local.set 0 (f32.mul (local.get 0) (f32.const 3.14159)))
    (local.set 0 (f32.mul (local.get 0) (f32.const 3.14159)))
    (local.set 0 (f32.add (local.get 0) (f32.const 3.14159)))
    (local.set 0 (f32.add (local.get 0) (f32.const 3.14159)))
    (i32.store (i32.const 64) (i32.const 0x40490fd0))
    (f32.store (i32.const 64) (f32.const nan:0x200001))
    (f32.store (i32.const 68) (f32.const nan:0x200001))
    (f32.store (i32.const 72) (f32.const nan:0x200001))
    (f32.store (i32.const 76) (f32.const nan:0x200001))
    (local.get 0))
  ;; CHECK: (func $floats (param f32) (result f32)
  ;; CHECK:   (local f32 f32)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (f32.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.tee 1
  ;; CHECK:         (f32.const 3.14159))))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (f32.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (f32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (f32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (i32.store
  ;; CHECK:     (i32.const 64)
  ;; CHECK:     (i32.const 1078530000))
  ;; CHECK:   (f32.store
  ;; CHECK:     (i32.const 64)
  ;; CHECK:     (local.tee 2
  ;; CHECK:       (f32.const nan:0x200001)))
  ;; CHECK:   (f32.store
  ;; CHECK:     (i32.const 68)
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (f32.store
  ;; CHECK:     (i32.const 72)
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (f32.store
  ;; CHECK:     (i32.const 76)
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (local.get 0))

  ;; two uses are not enough (2 x movw+movt = 4 vs 2 + tee + get + local zeroing = 5)
  (func $two (param i32) (result i32)
    (i32.xor (i32.mul (local.get 0) (i32.const 0x12345678)) (i32.const 0x12345678)))
  ;; CHECK: (func $two (param i32) (result i32)
  ;; CHECK:   (i32.xor
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 305419896))
  ;; CHECK:     (i32.const 305419896)))
)
