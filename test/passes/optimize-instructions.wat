;; PASSES: optimize-instructions
(module
  (memory 1)
  (global $g (mut i32) (i32.const 0))

  ;; a call with a side effect, for the operands that must not be dropped
  (func $effect (param i32) (result i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (i32.xor (local.get 0) (global.get $g)))
  ;; CHECK: (func $effect (param i32) (result i32)
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (i32.xor
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (global.get 0)))

  ;; ---- arith ----

  ;; x + 0, x - 0, x * 1, x / 1: the identities; c + x puts the constant right
  (func $arith_identity (param $x i32) (param $y i64) (result i32 i32 i32 i32 i64 i32)
    (i32.add (local.get $x) (i32.const 0))
    (i32.sub (local.get $x) (i32.const 0))
    (i32.mul (local.get $x) (i32.const 1))
    (i32.div_s (local.get $x) (i32.const 1))
    (i64.add (i64.const 0) (local.get $y))
    (i32.add (i32.const 5) (local.get $x)))
  ;; CHECK: (func $arith_identity (param i32 i64) (result i32 i32 i32 i32 i64 i32)
  ;; CHECK:   (local.get 0)
  ;; CHECK:   (local.get 0)
  ;; CHECK:   (local.get 0)
  ;; CHECK:   (local.get 0)
  ;; CHECK:   (local.get 1)
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 5)))

  ;; constant reassociation; x - c becomes x + (-c)
  (func $arith_reassociate (param $x i32) (param $y i64) (result i32 i64 i32 i32)
    (i32.add (i32.add (local.get $x) (i32.const 3)) (i32.const 4))
    (i64.sub (i64.add (local.get $y) (i64.const 10)) (i64.const 3))
    (i32.sub (local.get $x) (i32.const 1))
    (i32.mul (i32.mul (local.get $x) (i32.const 6)) (i32.const 7)))
  ;; CHECK: (func $arith_reassociate (param i32 i64) (result i32 i64 i32 i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 7))
  ;; CHECK:   (i64.add
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (i64.const 7))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const -1))
  ;; CHECK:   (i32.mul
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 42)))

  ;; x - x, x * 0, x %s -1 (pure x) are 0
  (func $arith_absorb (param $x i32) (param $y i64) (result i32 i64 i32)
    (i32.sub (local.get $x) (local.get $x))
    (i64.mul (local.get $y) (i64.const 0))
    (i32.rem_s (local.get $x) (i32.const -1)))
  ;; CHECK: (func $arith_absorb (param i32 i64) (result i32 i64 i32)
  ;; CHECK:   (i32.const 0)
  ;; CHECK:   (i64.const 0)
  ;; CHECK:   (i32.const 0))

  ;; must NOT fire: x * 0 with a call in x, x * 0 with a trapping division, x - x with calls
  (func $arith_keep_effects (param $x i32) (result i32 i32 i32)
    (i32.mul (call $effect (local.get $x)) (i32.const 0))
    (i32.mul (i32.div_u (i32.const 1) (local.get $x)) (i32.const 0))
    (i32.sub (call $effect (local.get $x)) (call $effect (local.get $x))))
  ;; CHECK: (func $arith_keep_effects (param i32) (result i32 i32 i32)
  ;; CHECK:   (i32.mul
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (i32.mul
  ;; CHECK:     (i32.div_u
  ;; CHECK:       (i32.const 1)
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (i32.sub
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0))))

  ;; strength reduction by powers of two; x * -1 is a negation
  (func $arith_pow2 (param $x i32) (param $y i64) (result i32 i32 i32 i64 i32)
    (i32.mul (local.get $x) (i32.const 8))
    (i32.div_u (local.get $x) (i32.const 16))
    (i32.rem_u (local.get $x) (i32.const 32))
    (i64.mul (local.get $y) (i64.const 0x100000000))
    (i32.mul (local.get $x) (i32.const -1)))
  ;; CHECK: (func $arith_pow2 (param i32 i64) (result i32 i32 i32 i64 i32)
  ;; CHECK:   (i32.shl
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 3))
  ;; CHECK:   (i32.shr_u
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 4))
  ;; CHECK:   (i32.and
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 31))
  ;; CHECK:   (i64.shl
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (i64.const 32))
  ;; CHECK:   (i32.sub
  ;; CHECK:     (i32.const 0)
  ;; CHECK:     (local.get 0)))

  ;; must NOT fire: signed division by a power of two (rounds towards zero), division by 0 (traps)
  (func $arith_div_keep (param $x i32) (result i32 i32)
    (i32.div_s (local.get $x) (i32.const 4))
    (i32.div_u (local.get $x) (i32.const 0)))
  ;; CHECK: (func $arith_div_keep (param i32) (result i32 i32)
  ;; CHECK:   (i32.div_s
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 4))
  ;; CHECK:   (i32.div_u
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 0)))

  ;; negations: x + (0 - y), 0 - (0 - x), x + x
  (func $arith_neg (param $x i32) (param $y i32) (result i32 i32 i32)
    (i32.add (local.get $x) (i32.sub (i32.const 0) (local.get $y)))
    (i32.sub (i32.const 0) (i32.sub (i32.const 0) (local.get $x)))
    (i32.add (local.get $x) (local.get $x)))
  ;; CHECK: (func $arith_neg (param i32 i32) (result i32 i32 i32)
  ;; CHECK:   (i32.sub
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (local.get 0)
  ;; CHECK:   (i32.shl
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 1)))

  ;; ---- bitops ----

  (func $bit_identity (param $x i32) (param $y i64) (result i32 i32 i32 i64 i32 i32)
    (i32.and (local.get $x) (i32.const -1))
    (i32.or (local.get $x) (i32.const 0))
    (i32.xor (i32.const 0) (local.get $x))
    (i64.and (local.get $y) (i64.const 0))
    (i32.or (local.get $x) (i32.const -1))
    (i32.and (local.get $x) (local.get $x)))
  ;; CHECK: (func $bit_identity (param i32 i64) (result i32 i32 i32 i64 i32 i32)
  ;; CHECK:   (local.get 0)
  ;; CHECK:   (local.get 0)
  ;; CHECK:   (local.get 0)
  ;; CHECK:   (i64.const 0)
  ;; CHECK:   (i32.const -1)
  ;; CHECK:   (local.get 0))

  ;; merged masks; x ^ x; (x | c1) & c2 with disjoint constants
  (func $bit_masks (param $x i32) (result i32 i32 i32 i32)
    (i32.and (i32.and (local.get $x) (i32.const 0xff0)) (i32.const 0x0ff))
    (i32.or (i32.or (local.get $x) (i32.const 1)) (i32.const 4))
    (i32.xor (local.get $x) (local.get $x))
    (i32.and (i32.or (local.get $x) (i32.const 0xf00)) (i32.const 0xff)))
  ;; CHECK: (func $bit_masks (param i32) (result i32 i32 i32 i32)
  ;; CHECK:   (i32.and
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 240))
  ;; CHECK:   (i32.or
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 5))
  ;; CHECK:   (i32.const 0)
  ;; CHECK:   (i32.and
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 255)))

  ;; masks made redundant by known bits: load8_u & 255, (x >>u 24) & 255, (x & 15) | 0
  (func $bit_known (param $x i32) (result i32 i32 i32 i32)
    (i32.and (i32.load8_u (local.get $x)) (i32.const 255))
    (i32.and (i32.shr_u (local.get $x) (i32.const 24)) (i32.const 255))
    (i32.and (i32.load16_u (local.get $x)) (i32.const 0x1ffff))
    (i32.and (i32.shl (local.get $x) (i32.const 8)) (i32.const 0xff)))
  ;; CHECK: (func $bit_known (param i32) (result i32 i32 i32 i32)
  ;; CHECK:   (i32.load8_u
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.shr_u
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 24))
  ;; CHECK:   (i32.load16_u
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.const 0))

  ;; must NOT fire: the mask matters (load16_u & 255), and x | -1 / x & 0 with a call in x
  (func $bit_keep (param $x i32) (result i32 i32 i32)
    (i32.and (i32.load16_u (local.get $x)) (i32.const 255))
    (i32.or (call $effect (local.get $x)) (i32.const -1))
    (i32.and (call $effect (local.get $x)) (i32.const 0)))
  ;; CHECK: (func $bit_keep (param i32) (result i32 i32 i32)
  ;; CHECK:   (i32.and
  ;; CHECK:     (i32.load16_u
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (i32.const 255))
  ;; CHECK:   (i32.or
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (i32.const -1))
  ;; CHECK:   (i32.and
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (i32.const 0)))

  ;; booleans: b ^ 1 == eqz b; eqz x & eqz y == eqz (x | y)
  (func $bit_bool (param $x i32) (param $y i32) (result i32 i32)
    (i32.xor (i32.lt_s (local.get $x) (local.get $y)) (i32.const 1))
    (i32.and (i32.eqz (local.get $x)) (i32.eqz (local.get $y))))
  ;; CHECK: (func $bit_bool (param i32 i32) (result i32 i32)
  ;; CHECK:   (i32.ge_s
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.eqz
  ;; CHECK:     (i32.or
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1))))

  ;; ---- shifts ----

  ;; by 0 and by multiples of the width; counts are taken mod the width
  (func $shift_counts (param $x i32) (param $y i64) (result i32 i32 i64 i32)
    (i32.shl (local.get $x) (i32.const 0))
    (i32.shr_u (local.get $x) (i32.const 32))
    (i64.shl (local.get $y) (i64.const 65))
    (i32.rotl (local.get $x) (i32.const -1)))
  ;; CHECK: (func $shift_counts (param i32 i64) (result i32 i32 i64 i32)
  ;; CHECK:   (local.get 0)
  ;; CHECK:   (local.get 0)
  ;; CHECK:   (i64.shl
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (i64.const 1))
  ;; CHECK:   (i32.rotl
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 31)))

  ;; combined shifts; shift pairs are masks; sign-extension idioms
  (func $shift_combine (param $x i32) (param $y i64) (result i32 i32 i32 i32 i32 i64)
    (i32.shl (i32.shl (local.get $x) (i32.const 3)) (i32.const 4))
    (i32.shr_u (i32.shr_u (local.get $x) (i32.const 20)) (i32.const 20))
    (i32.shl (i32.shr_u (local.get $x) (i32.const 4)) (i32.const 4))
    (i32.shr_s (i32.shl (local.get $x) (i32.const 24)) (i32.const 24))
    (i32.shr_s (i32.shl (local.get $x) (i32.const 16)) (i32.const 16))
    (i64.shr_s (i64.shl (local.get $y) (i64.const 32)) (i64.const 32)))
  ;; CHECK: (func $shift_combine (param i32 i64) (result i32 i32 i32 i32 i32 i64)
  ;; CHECK:   (i32.shl
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 7))
  ;; CHECK:   (i32.const 0)
  ;; CHECK:   (i32.and
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const -16))
  ;; CHECK:   (i32.extend8_s
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.extend16_s
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i64.extend32_s
  ;; CHECK:     (local.get 1)))

  ;; a count masked to its low 5 bits is the count; shifting 0 gives 0
  (func $shift_mask_count (param $x i32) (param $n i32) (result i32 i32)
    (i32.shl (local.get $x) (i32.and (local.get $n) (i32.const 31)))
    (i32.shl (i32.const 0) (local.get $n)))
  ;; CHECK: (func $shift_mask_count (param i32 i32) (result i32 i32)
  ;; CHECK:   (i32.shl
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.const 0))

  ;; must NOT fire: (x << 4) >>s 4 is no extendN_s; (x << c1) << c2 with a call that would be dropped
  (func $shift_keep (param $x i32) (result i32 i32 i32)
    (i32.shr_s (i32.shl (local.get $x) (i32.const 4)) (i32.const 4))
    (i32.shl (i32.shl (call $effect (local.get $x)) (i32.const 20)) (i32.const 20))
    (i32.shl (local.get $x) (i32.and (local.get $x) (i32.const 15))))
  ;; CHECK: (func $shift_keep (param i32) (result i32 i32 i32)
  ;; CHECK:   (i32.shr_s
  ;; CHECK:     (i32.shl
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 4))
  ;; CHECK:     (i32.const 4))
  ;; CHECK:   (i32.shl
  ;; CHECK:     (i32.shl
  ;; CHECK:       (call 0
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (i32.const 20))
  ;; CHECK:     (i32.const 20))
  ;; CHECK:   (i32.shl
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.and
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 15))))

  ;; ---- compare ----

  (func $cmp_zero (param $x i32) (param $y i64) (result i32 i32 i32 i32 i32 i32)
    (i32.eq (local.get $x) (i32.const 0))
    (i64.eq (i64.const 0) (local.get $y))
    (i32.gt_u (local.get $x) (i32.const 0))
    (i32.le_u (local.get $x) (i32.const 0))
    (i32.lt_u (local.get $x) (i32.const 0))
    (i32.ge_u (local.get $x) (i32.const 0)))
  ;; CHECK: (func $cmp_zero (param i32 i64) (result i32 i32 i32 i32 i32 i32)
  ;; CHECK:   (i32.eqz
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i64.eqz
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.ne
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (i32.eqz
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.const 0)
  ;; CHECK:   (i32.const 1))

  ;; eqz of a comparison is the inverted comparison; eqz(eqz b) of a boolean is b
  (func $cmp_invert (param $x i32) (param $y i32) (param $z i64) (result i32 i32 i32 i32)
    (i32.eqz (i32.lt_s (local.get $x) (local.get $y)))
    (i32.eqz (i64.ge_u (local.get $z) (i64.const 7)))
    (i32.eqz (i32.eqz (i32.ne (local.get $x) (local.get $y))))
    (i32.eqz (i32.sub (local.get $x) (local.get $y))))
  ;; CHECK: (func $cmp_invert (param i32 i32 i64) (result i32 i32 i32 i32)
  ;; CHECK:   (i32.ge_s
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i64.lt_u
  ;; CHECK:     (local.get 2)
  ;; CHECK:     (i64.const 7))
  ;; CHECK:   (i32.ne
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.eq
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1)))

  ;; must NOT fire: float comparisons are not inverted (NaN); eqz(eqz x) of a non-boolean stays
  (func $cmp_keep (param $x i32) (param $f f32) (result i32 i32)
    (i32.eqz (f32.lt (local.get $f) (f32.const 1)))
    (i32.eqz (i32.eqz (local.get $x))))
  ;; CHECK: (func $cmp_keep (param i32 f32) (result i32 i32)
  ;; CHECK:   (i32.eqz
  ;; CHECK:     (f32.lt
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (f32.const 1)))
  ;; CHECK:   (i32.eqz
  ;; CHECK:     (i32.eqz
  ;; CHECK:       (local.get 0))))

  ;; constants flip to the right; x + c == d; comparisons decided by known ranges
  (func $cmp_flip_ranges (param $x i32) (param $y i32) (result i32 i32 i32 i32 i32)
    (i32.lt_s (i32.const 10) (local.get $x))
    (i32.eq (i32.add (local.get $x) (i32.const 5)) (i32.const 12))
    (i32.lt_u (i32.and (local.get $x) (i32.const 255)) (i32.const 256))
    (i32.gt_s (i32.load8_u (local.get $y)) (i32.const -1))
    (i32.eq (i32.or (local.get $x) (i32.const 1)) (i32.const 0)))
  ;; CHECK: (func $cmp_flip_ranges (param i32 i32) (result i32 i32 i32 i32 i32)
  ;; CHECK:   (i32.gt_s
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 10))
  ;; CHECK:   (i32.eq
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 7))
  ;; CHECK:   (i32.const 1)
  ;; CHECK:   (i32.gt_s
  ;; CHECK:     (i32.load8_u
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (i32.const -1))
  ;; CHECK:   (i32.const 0))

  ;; must NOT fire: a range-decided comparison whose operand traps or calls
  (func $cmp_keep_effects (param $x i32) (result i32 i32)
    (i32.lt_u (i32.and (call $effect (local.get $x)) (i32.const 255)) (i32.const 256))
    (i32.gt_s (i32.load8_u (local.get $x)) (i32.const -1)))
  ;; CHECK: (func $cmp_keep_effects (param i32) (result i32 i32)
  ;; CHECK:   (i32.lt_u
  ;; CHECK:     (i32.and
  ;; CHECK:       (call 0
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (i32.const 255))
  ;; CHECK:     (i32.const 256))
  ;; CHECK:   (i32.gt_s
  ;; CHECK:     (i32.load8_u
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (i32.const -1)))

  ;; ---- conversions and the i64 seam ----

  (func $conv_roundtrip (param $x i32) (param $y i64) (result i32 i32 i64 i32 i32)
    (i32.wrap_i64 (i64.extend_i32_u (local.get $x)))
    (i32.wrap_i64 (i64.extend_i32_s (local.get $x)))
    (i64.extend_i32_s (i32.wrap_i64 (local.get $y)))
    (i32.extend8_s (i32.load8_s (local.get $x)))
    (i32.extend8_s (i32.load8_u (local.get $x))))
  ;; CHECK: (func $conv_roundtrip (param i32 i64) (result i32 i32 i64 i32 i32)
  ;; CHECK:   (local.get 0)
  ;; CHECK:   (local.get 0)
  ;; CHECK:   (i64.extend32_s
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.load8_s
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.load8_s
  ;; CHECK:     (local.get 0)))

  ;; wrapped i64 arithmetic on extended i32s is i32 arithmetic
  (func $conv_wrap_ops (param $x i32) (param $y i32) (result i32 i32 i32 i32)
    (i32.wrap_i64 (i64.add (i64.extend_i32_u (local.get $x)) (i64.extend_i32_u (local.get $y))))
    (i32.wrap_i64 (i64.mul (i64.extend_i32_s (local.get $x)) (i64.extend_i32_u (local.get $y))))
    (i32.wrap_i64 (i64.shl (i64.extend_i32_u (local.get $x)) (i64.const 3)))
    (i32.wrap_i64 (i64.xor (i64.extend_i32_u (local.get $x)) (i64.const 0x1234567800000001))))
  ;; CHECK: (func $conv_wrap_ops (param i32 i32) (result i32 i32 i32 i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.mul
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.shl
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 3))
  ;; CHECK:   (i32.xor
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 1)))

  ;; the seam: pack two i32s in an i64 and unpack them again
  (func $conv_seam (param $action i32) (param $count i32) (result i32 i32 i32)
    (i32.wrap_i64 (i64.shr_u
      (i64.or (i64.extend_i32_u (local.get $action))
              (i64.shl (i64.extend_i32_u (local.get $count)) (i64.const 32)))
      (i64.const 32)))
    (i32.wrap_i64 (i64.and
      (i64.or (i64.extend_i32_u (local.get $action))
              (i64.shl (i64.extend_i32_u (local.get $count)) (i64.const 32)))
      (i64.const 255)))
    (i64.ne (i64.and
      (i64.or (i64.extend_i32_u (local.get $action))
              (i64.shl (i64.extend_i32_u (local.get $count)) (i64.const 32)))
      (i64.const 255))
      (i64.const 1)))
  ;; CHECK: (func $conv_seam (param i32 i32) (result i32 i32 i32)
  ;; CHECK:   (local.get 1)
  ;; CHECK:   (i32.and
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 255))
  ;; CHECK:   (i32.ne
  ;; CHECK:     (i32.and
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 255))
  ;; CHECK:     (i32.const 1)))

  ;; i64 comparisons of extended values are i32 comparisons; the ranges decide out-of-range constants
  (func $conv_compare (param $x i32) (param $y i32) (result i32 i32 i32 i32 i32 i32)
    (i64.eq (i64.extend_i32_u (local.get $x)) (i64.const 7))
    (i64.lt_s (i64.extend_i32_u (local.get $x)) (i64.const 0xfffffff0))
    (i64.ge_u (i64.extend_i32_s (local.get $x)) (i64.const -5))
    (i64.gt_s (i64.extend_i32_s (local.get $x)) (i64.extend_i32_s (local.get $y)))
    (i64.eq (i64.extend_i32_u (local.get $x)) (i64.const 0x100000000))
    (i64.eqz (i64.extend_i32_u (local.get $x))))
  ;; CHECK: (func $conv_compare (param i32 i32) (result i32 i32 i32 i32 i32 i32)
  ;; CHECK:   (i32.eq
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 7))
  ;; CHECK:   (i32.lt_u
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const -16))
  ;; CHECK:   (i32.ge_u
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const -5))
  ;; CHECK:   (i32.gt_s
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.const 0)
  ;; CHECK:   (i32.eqz
  ;; CHECK:     (local.get 0)))

  ;; masks and shifts of extended values: the mask is redundant, the shift leaves nothing
  (func $conv_known (param $x i32) (result i64 i64 i64)
    (i64.and (i64.extend_i32_u (local.get $x)) (i64.const 0xffffffff))
    (i64.shr_u (i64.extend_i32_u (local.get $x)) (i64.const 32))
    (i64.extend_i32_u (i32.load16_u (local.get $x))))
  ;; CHECK: (func $conv_known (param i32) (result i64 i64 i64)
  ;; CHECK:   (i64.extend_i32_u
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i64.const 0)
  ;; CHECK:   (i64.load16_u
  ;; CHECK:     (local.get 0)))

  ;; i64 ops on extended i32s whose value fits in 32 bits become i32 ops under one extend
  (func $conv_extend_narrow (param $x i32) (param $y i32) (result i64 i64 i64)
    (i64.and (i64.extend_i32_u (local.get $x)) (i64.const 255))
    (i64.or (i64.extend_i32_u (local.get $x)) (i64.extend_i32_u (local.get $y)))
    (i64.shr_u (i64.extend_i32_u (local.get $x)) (i64.const 4)))
  ;; CHECK: (func $conv_extend_narrow (param i32 i32) (result i64 i64 i64)
  ;; CHECK:   (i64.extend_i32_u
  ;; CHECK:     (i32.and
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 255)))
  ;; CHECK:   (i64.extend_i32_u
  ;; CHECK:     (i32.or
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (i64.extend_i32_u
  ;; CHECK:     (i32.shr_u
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 4))))

  ;; a wrapped i64 add of an opaque value becomes an i32 add of its low half (cheaper on 32-bit cores)
  (func $conv_wrap_opaque (param $y i64) (result i32)
    (i32.wrap_i64 (i64.add (local.get $y) (i64.const 1))))
  ;; CHECK: (func $conv_wrap_opaque (param i64) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.wrap_i64
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (i32.const 1)))

  ;; must NOT fire: a wrap of a shifted opaque i64 (nothing to gain), an i64 compare of values that
  ;; do not fit in 32 bits, i32 -> f32 -> i32 (not exact in f32)
  (func $conv_keep (param $x i32) (param $y i64) (result i32 i32 i32 i32)
    (i32.wrap_i64 (i64.shr_u (local.get $y) (i64.const 7)))
    (i64.lt_u (local.get $y) (i64.const 10))
    (i64.eq (i64.extend_i32_u (local.get $x)) (i64.extend_i32_s (local.get $x)))
    (i32.trunc_f32_s (f32.convert_i32_s (local.get $x))))
  ;; CHECK: (func $conv_keep (param i32 i64) (result i32 i32 i32 i32)
  ;; CHECK:   (i32.wrap_i64
  ;; CHECK:     (i64.shr_u
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i64.const 7)))
  ;; CHECK:   (i64.lt_u
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (i64.const 10))
  ;; CHECK:   (i64.eq
  ;; CHECK:     (i64.extend_i32_u
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (i64.extend_i32_s
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (i32.trunc_f32_s
  ;; CHECK:     (f32.convert_i32_s
  ;; CHECK:       (local.get 0))))

  ;; ---- memory ----

  ;; a constant address offset folds into the load only when the add cannot wrap
  (func $mem_offset (param $x i32) (result i32 i32 i32)
    (i32.load offset=4 (i32.add (i32.and (local.get $x) (i32.const 0xffff)) (i32.const 16)))
    (i32.load8_u (i32.add (i32.load16_u (local.get $x)) (i32.const 3)))
    (i32.load (i32.add (i32.const 8) (i32.shr_u (local.get $x) (i32.const 8)))))
  ;; CHECK: (func $mem_offset (param i32) (result i32 i32 i32)
  ;; CHECK:   (i32.load offset=20
  ;; CHECK:     (i32.and
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 65535)))
  ;; CHECK:   (i32.load8_u offset=3
  ;; CHECK:     (i32.load16_u
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (i32.load offset=8
  ;; CHECK:     (i32.shr_u
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 8))))

  ;; must NOT fold: x + c may wrap (x unknown), or x + c wraps for large x
  (func $mem_offset_keep (param $x i32) (result i32 i32 i32)
    (i32.load (i32.add (local.get $x) (i32.const 4)))
    (i32.load offset=8 (i32.add (i32.or (local.get $x) (i32.const 0x80000000)) (i32.const 0x80000000)))
    (i32.load (i32.add (i32.and (local.get $x) (i32.const 0xffff)) (i32.const -4))))
  ;; CHECK: (func $mem_offset_keep (param i32) (result i32 i32 i32)
  ;; CHECK:   (i32.load
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 4)))
  ;; CHECK:   (i32.load offset=8
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.or
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const -2147483648))
  ;; CHECK:       (i32.const -2147483648)))
  ;; CHECK:   (i32.load
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.and
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 65535))
  ;; CHECK:       (i32.const -4))))

  ;; narrow stores ignore the high bits of their value; i64 stores of i32 halves are i32 stores
  (func $mem_store (param $x i32) (param $y i32) (param $z i64)
    (i32.store8 (local.get $x) (i32.and (local.get $y) (i32.const 0xff)))
    (i32.store16 (local.get $x) (i32.extend8_s (local.get $y)))
    (i32.store (local.get $x) (i32.wrap_i64 (local.get $z)))
    (i64.store32 (local.get $x) (i64.extend_i32_u (local.get $y)))
    (i64.store32 offset=4 (local.get $x)
      (i64.shr_u (i64.or (i64.extend_i32_u (local.get $y))
                         (i64.shl (i64.extend_i32_u (local.get $x)) (i64.const 32)))
                 (i64.const 32))))
  ;; CHECK: (func $mem_store (param i32 i32 i64)
  ;; CHECK:   (i32.store8
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.store16
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.extend8_s
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (i64.store32
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.store offset=4
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 0)))

  ;; loadN_s & mask is loadN_u; extend_i32_u of an i32 load is an i64 load
  (func $mem_loads (param $x i32) (result i32 i64 i64)
    (i32.and (i32.load8_s (local.get $x)) (i32.const 255))
    (i64.extend_i32_u (i32.load8_u (local.get $x)))
    (i64.extend_i32_s (i32.load (local.get $x))))
  ;; CHECK: (func $mem_loads (param i32) (result i32 i64 i64)
  ;; CHECK:   (i32.load8_u
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i64.load8_u
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i64.load32_s
  ;; CHECK:     (local.get 0)))

  ;; ---- select and conditions ----

  (func $select_rules (param $x i32) (param $y i32) (param $c i32) (result i32 i32 i32 i32 i32)
    (select (local.get $x) (local.get $x) (local.get $c))
    (select (local.get $x) (local.get $y) (i32.eqz (local.get $c)))
    (select (local.get $x) (local.get $y) (i32.eqz (i32.eqz (local.get $c))))
    (select (i32.const 1) (i32.const 0) (local.get $c))
    (select (i32.const 0) (i32.const 1) (local.get $c)))
  ;; CHECK: (func $select_rules (param i32 i32 i32) (result i32 i32 i32 i32 i32)
  ;; CHECK:   (local.get 0)
  ;; CHECK:   (select
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (select
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (i32.ne
  ;; CHECK:     (local.get 2)
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (i32.eqz
  ;; CHECK:     (local.get 2)))

  ;; must NOT fire: a select whose arms both call cannot swap them; identical arms that call stay
  (func $select_keep (param $x i32) (param $c i32) (result i32 i32)
    (select (call $effect (local.get $x)) (call $effect (local.get $c)) (i32.eqz (local.get $c)))
    (select (call $effect (local.get $x)) (call $effect (local.get $x)) (local.get $c)))
  ;; CHECK: (func $select_keep (param i32 i32) (result i32 i32)
  ;; CHECK:   (select
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (i32.eqz
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (select
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (local.get 1)))

  ;; conditions are tested against zero: eqz(eqz x) and x != 0 are x; if (eqz c) swaps the arms
  (func $conditions (param $x i32) (param $c i32) (result i32)
    (block $out
      (br_if $out (i32.ne (local.get $x) (i32.const 0)))
      (br_if $out (i32.eqz (i32.eqz (local.get $c)))))
    (if (result i32) (i32.eqz (local.get $c))
      (then (i32.const 1))
      (else (local.get $x))))
  ;; CHECK: (func $conditions (param i32 i32) (result i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (if $B1 (result i32)
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (then
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (else
  ;; CHECK:       (i32.const 1))))

  ;; ---- floats ----

  ;; bit-exact identities only
  (func $floats (param $f f32) (param $d f64) (result f32 f64 f32 f32 f64)
    (f32.neg (f32.neg (local.get $f)))
    (f64.abs (f64.abs (local.get $d)))
    (f32.abs (f32.neg (local.get $f)))
    (f32.copysign (local.get $f) (f32.const 2))
    (f64.copysign (local.get $d) (f64.const -0)))
  ;; CHECK: (func $floats (param f32 f64) (result f32 f64 f32 f32 f64)
  ;; CHECK:   (local.get 0)
  ;; CHECK:   (f64.abs
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (f32.abs
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (f32.abs
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (f64.neg
  ;; CHECK:     (f64.abs
  ;; CHECK:       (local.get 1))))

  ;; must NOT fire: x * 1.0, x + 0.0, x - 0.0 (NaN payloads, -0)
  (func $floats_keep (param $f f32) (param $d f64) (result f32 f64 f64)
    (f32.mul (local.get $f) (f32.const 1))
    (f64.add (local.get $d) (f64.const 0))
    (f64.sub (local.get $d) (f64.const 0)))
  ;; CHECK: (func $floats_keep (param f32 f64) (result f32 f64 f64)
  ;; CHECK:   (f32.mul
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (f32.const 1))
  ;; CHECK:   (f64.add
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (f64.const 0))
  ;; CHECK:   (f64.sub
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (f64.const 0)))

  ;; ---- locals: facts flow from the value a local was set to ----

  (func $local_facts (param $p i32) (result i32 i32)
    (local $b i32)
    (local.set $b (i32.load8_u (local.get $p)))
    (i32.and (local.get $b) (i32.const 255))
    (i32.lt_u (local.get $b) (i32.const 300)))
  ;; CHECK: (func $local_facts (param i32) (result i32 i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.load8_u
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (local.get 1)
  ;; CHECK:   (i32.const 1))
)
