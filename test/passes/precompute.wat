;; PASSES: precompute
(module
  (global $g (mut i32) (i32.const 0))

  ;; a call with a side effect, for the cases that must keep an operand
  (func $effect (export "effect") (result i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (global.get $g))
  ;; CHECK: (func $effect (result i32)
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (global.get 0))

  ;; i32 arithmetic: wrap-around add/mul, sub, rem_s INT_MIN -1 (folds to 0), div_u
  (func $i32_arith (export "i32_arith") (result i32 i32 i32 i32 i32 i32)
    (i32.add (i32.const 0x7fffffff) (i32.const 1))
    (i32.mul (i32.const 0x10001) (i32.const 0x10001))
    (i32.sub (i32.const 3) (i32.const 5))
    (i32.rem_s (i32.const 0x80000000) (i32.const -1))
    (i32.div_u (i32.const -1) (i32.const 3))
    (i32.popcnt (i32.const -1)))
  ;; CHECK: (func $i32_arith (result i32 i32 i32 i32 i32 i32)
  ;; CHECK:   (i32.const -2147483648)
  ;; CHECK:   (i32.const 131073)
  ;; CHECK:   (i32.const -2)
  ;; CHECK:   (i32.const 0)
  ;; CHECK:   (i32.const 1431655765)
  ;; CHECK:   (i32.const 32))

  ;; i64 arithmetic
  (func $i64_arith (export "i64_arith") (result i64 i64 i64 i64 i64)
    (i64.mul (i64.const 0x100000001) (i64.const 0x100000001))
    (i64.div_u (i64.const -1) (i64.const 3))
    (i64.rem_s (i64.const -7) (i64.const 2))
    (i64.clz (i64.const 1))
    (i64.ctz (i64.const 0)))
  ;; CHECK: (func $i64_arith (result i64 i64 i64 i64 i64)
  ;; CHECK:   (i64.const 8589934593)
  ;; CHECK:   (i64.const 6148914691236517205)
  ;; CHECK:   (i64.const -1)
  ;; CHECK:   (i64.const 63)
  ;; CHECK:   (i64.const 64))

  ;; shifts and rotates count modulo the width
  (func $shifts (export "shifts") (result i32 i64 i32 i64 i32)
    (i32.shl (i32.const 1) (i32.const 33))
    (i64.shr_u (i64.const -1) (i64.const 64))
    (i32.rotl (i32.const 0x80000001) (i32.const 1))
    (i64.rotr (i64.const 1) (i64.const 65))
    (i32.shr_s (i32.const 0x80000000) (i32.const -1)))
  ;; CHECK: (func $shifts (result i32 i64 i32 i64 i32)
  ;; CHECK:   (i32.const 2)
  ;; CHECK:   (i64.const -1)
  ;; CHECK:   (i32.const 3)
  ;; CHECK:   (i64.const -9223372036854775808)
  ;; CHECK:   (i32.const -1))

  ;; float arithmetic: f32 rounding, nearest (ties to even, sign of zero), min of zeros, sqrt
  (func $floats (export "floats") (result f32 f64 f32 f64 f32 f64 f32)
    (f32.add (f32.const 0.1) (f32.const 0.2))
    (f64.div (f64.const 1) (f64.const 3))
    (f32.sqrt (f32.const 2))
    (f64.nearest (f64.const 2.5))
    (f32.nearest (f32.const -0.5))
    (f64.min (f64.const 0) (f64.const -0))
    (f32.max (f32.const -0) (f32.const 0)))
  ;; CHECK: (func $floats (result f32 f64 f32 f64 f32 f64 f32)
  ;; CHECK:   (f32.const 0.3)
  ;; CHECK:   (f64.const 0.3333333333333333)
  ;; CHECK:   (f32.const 1.4142135)
  ;; CHECK:   (f64.const 2)
  ;; CHECK:   (f32.const -0)
  ;; CHECK:   (f64.const -0)
  ;; CHECK:   (f32.const 0))

  ;; comparisons, including NaN operands
  (func $compare (export "compare") (result i32 i32 i32 i32 i32 i32)
    (i32.lt_u (i32.const -1) (i32.const 1))
    (i32.lt_s (i32.const -1) (i32.const 1))
    (i64.gt_u (i64.const -1) (i64.const 1))
    (f64.lt (f64.const nan) (f64.const 1))
    (f32.ne (f32.const nan) (f32.const nan))
    (i64.eqz (i64.const 0)))
  ;; CHECK: (func $compare (result i32 i32 i32 i32 i32 i32)
  ;; CHECK:   (i32.const 0)
  ;; CHECK:   (i32.const 1)
  ;; CHECK:   (i32.const 1)
  ;; CHECK:   (i32.const 0)
  ;; CHECK:   (i32.const 1)
  ;; CHECK:   (i32.const 1))

  ;; conversions
  (func $conversions (export "conversions") (result i32 i64 f32 i32 i32 f32 f64 i32 i32 i64 f32)
    (i32.wrap_i64 (i64.const 0x123456789))
    (i64.extend_i32_u (i32.const -1))
    ;; 2^63 + 2^39 + 1 rounds up (rounding through f64 first would round down)
    (f32.convert_i64_u (i64.const 0x8000008000000001))
    (i32.trunc_f64_s (f64.const -2147483648.9))
    (i32.trunc_sat_f32_u (f32.const -1))
    (f32.demote_f64 (f64.const 0.1))
    (f64.promote_f32 (f32.const 0.1))
    (i32.reinterpret_f32 (f32.const -0))
    (i32.extend8_s (i32.const 0x80))
    (i64.trunc_sat_f64_s (f64.const inf))
    (f32.convert_i32_u (i32.const -1)))
  ;; CHECK: (func $conversions (result i32 i64 f32 i32 i32 f32 f64 i32 i32 i64 f32)
  ;; CHECK:   (i32.const 591751049)
  ;; CHECK:   (i64.const 4294967295)
  ;; CHECK:   (f32.const 9223373000000000000)
  ;; CHECK:   (i32.const -2147483648)
  ;; CHECK:   (i32.const 0)
  ;; CHECK:   (f32.const 0.1)
  ;; CHECK:   (f64.const 0.10000000149011612)
  ;; CHECK:   (i32.const -2147483648)
  ;; CHECK:   (i32.const -128)
  ;; CHECK:   (i64.const 9223372036854775807)
  ;; CHECK:   (f32.const 4294967300))

  ;; traps are never folded away
  (func $traps (export "traps") (param $i i32) (result i32)
    (drop (i32.div_u (i32.const 1) (i32.const 0)))
    (drop (i64.rem_u (i64.const 1) (i64.const 0)))
    (drop (i32.trunc_f32_s (f32.const nan)))
    (drop (i32.trunc_f64_u (f64.const 4294967296)))
    (i32.div_s (i32.const 0x80000000) (i32.const -1)))
  ;; CHECK: (func $traps (param i32) (result i32)
  ;; CHECK:   (drop
  ;; CHECK:     (i32.div_u
  ;; CHECK:       (i32.const 1)
  ;; CHECK:       (i32.const 0)))
  ;; CHECK:   (drop
  ;; CHECK:     (i64.rem_u
  ;; CHECK:       (i64.const 1)
  ;; CHECK:       (i64.const 0)))
  ;; CHECK:   (drop
  ;; CHECK:     (i32.trunc_f32_s
  ;; CHECK:       (f32.const nan:0x400000)))
  ;; CHECK:   (drop
  ;; CHECK:     (i32.trunc_f64_u
  ;; CHECK:       (f64.const 4294967296)))
  ;; CHECK:   (i32.div_s
  ;; CHECK:     (i32.const -2147483648)
  ;; CHECK:     (i32.const -1)))

  ;; a trap inside a constant tree keeps the tree around it
  (func $trap_nested (export "trap_nested") (result i32)
    (i32.add (i32.mul (i32.const 2) (i32.const 3)) (i32.rem_s (i32.const 1) (i32.const 0))))
  ;; CHECK: (func $trap_nested (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.const 6)
  ;; CHECK:     (i32.rem_s
  ;; CHECK:       (i32.const 1)
  ;; CHECK:       (i32.const 0))))

  ;; arithmetic producing a NaN is not folded (its bits are nondeterministic); bitwise ops are
  (func $nans (export "nans") (result f32 f64 f32 f64 f32 f64 i64 f32)
    (f32.div (f32.const 0) (f32.const 0))
    (f64.add (f64.const nan) (f64.const 1))
    (f32.sqrt (f32.const -1))
    (f64.promote_f32 (f32.const nan:0x200000))
    (f32.neg (f32.const nan:0x200000))
    (f64.copysign (f64.const nan:0x4000000000001) (f64.const -1))
    (i64.reinterpret_f64 (f64.const -nan:0x1))
    (f32.abs (f32.const -nan)))
  ;; CHECK: (func $nans (result f32 f64 f32 f64 f32 f64 i64 f32)
  ;; CHECK:   (f32.div
  ;; CHECK:     (f32.const 0)
  ;; CHECK:     (f32.const 0))
  ;; CHECK:   (f64.add
  ;; CHECK:     (f64.const nan:0x8000000000000)
  ;; CHECK:     (f64.const 1))
  ;; CHECK:   (f32.sqrt
  ;; CHECK:     (f32.const -1))
  ;; CHECK:   (f64.promote_f32
  ;; CHECK:     (f32.const nan:0x200000))
  ;; CHECK:   (f32.const -nan:0x200000)
  ;; CHECK:   (f64.const -nan:0x4000000000001)
  ;; CHECK:   (i64.const -4503599627370495)
  ;; CHECK:   (f32.const nan:0x400000))

  ;; a whole tree of constants folds to one constant; a partial tree folds its constant parts
  (func $nested (export "nested") (param $x i32) (result i32 i64)
    (i32.add
      (local.get $x)
      (i32.mul (i32.add (i32.const 2) (i32.const 3)) (i32.sub (i32.const 10) (i32.const 3))))
    (i64.extend_i32_s
      (i32.wrap_i64
        (i64.shl
          (i64.extend_i32_u (i32.eqz (i32.const 0)))
          (i64.add (i64.const 30) (i64.const 2))))))
  ;; CHECK: (func $nested (param i32) (result i32 i64)
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 35))
  ;; CHECK:   (i64.const 0))

  ;; if with a constant condition becomes a block; a branch to the if still targets it
  (func $if_const (export "if_const") (param $x i32) (result i32)
    (drop
      (if (result i32) (i32.eqz (i32.const 0))
        (then (drop (br_if 0 (i32.const 7) (local.get $x))) (i32.const 8))
        (else (call $effect))))
    (if (i32.const 0)
      (then (global.set $g (i32.const 1))))
    (if (result i32) (i32.sub (i32.const 2) (i32.const 2))
      (then (i32.const 1))
      (else (i32.const 2))))
  ;; CHECK: (func $if_const (param i32) (result i32)
  ;; CHECK:   (drop
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (drop
  ;; CHECK:         (br_if $B0
  ;; CHECK:           (i32.const 7)
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (i32.const 8)))
  ;; CHECK:   (block $B1)
  ;; CHECK:   (block $B2 (result i32)
  ;; CHECK:     (i32.const 2)))

  ;; an if with a block parameter keeps it as the block's operand
  (func $if_param (export "if_param") (result i32)
    (i32.const 5)
    (if (param i32) (result i32) (i32.const 1)
      (then (i32.const 1) (i32.add))
      (else (i32.const 2) (i32.sub))))
  ;; CHECK: (func $if_param (result i32)
  ;; CHECK:   (block $B0 (param i32) (result i32)
  ;; CHECK:     (i32.const 5)
  ;; CHECK:     (i32.add
  ;; CHECK:       (pop i32)
  ;; CHECK:       (i32.const 1))))

  ;; select with a constant condition: folds when the dropped operand is pure
  (func $select_const (export "select_const") (param $x i32) (param $y i32) (result i32 i32 i32 i32)
    (select (local.get $x) (local.get $y) (i32.const 1))
    (select (local.get $x) (i32.add (local.get $y) (i32.const 1)) (i32.const 0))
    ;; the kept operand has an effect: fine, it still runs
    (select (call $effect) (local.get $y) (i32.ne (i32.const 1) (i32.const 2)))
    ;; the dropped operand has an effect: must stay
    (select (call $effect) (local.get $y) (i32.const 0)))
  ;; CHECK: (func $select_const (param i32 i32) (result i32 i32 i32 i32)
  ;; CHECK:   (local.get 0)
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (call 0)
  ;; CHECK:   (select
  ;; CHECK:     (call 0)
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (i32.const 0)))

  ;; br_if with a constant condition
  (func $br_if_const (export "br_if_const") (param $x i32) (result i32)
    (block $a
      ;; never taken, no value: removed
      (br_if $a (i32.const 0))
      ;; never taken, one value: the value
      (drop (block $b (result i32) (br_if $b (local.get $x) (i32.and (i32.const 1) (i32.const 2)))))
      (global.set $g (i32.const 1))
      ;; always taken: a br, and the rest of the block is gone
      (br_if $a (i32.const 3))
      (global.set $g (i32.const 2))
      (global.set $g (i32.const 3)))
    (block $c (result i32)
      ;; always taken inside an operand: kept as it is
      (i32.add (br_if $c (local.get $x) (i32.const 1)) (i32.const 1))))
  ;; CHECK: (func $br_if_const (param i32) (result i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (drop
  ;; CHECK:       (block $B1 (result i32)
  ;; CHECK:         (local.get 0)))
  ;; CHECK:     (global.set 0
  ;; CHECK:       (i32.const 1))
  ;; CHECK:     (br $B0))
  ;; CHECK:   (block $B2 (result i32)
  ;; CHECK:     (i32.add
  ;; CHECK:       (br_if $B2
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 1))
  ;; CHECK:       (i32.const 1))))

  ;; constant propagation through locals: both arms write 7, so the get reads 7 and the add folds
  (func $prop_if (param i32) (result i32) (local i32)
    (if (local.get 0)
      (then (local.set 1 (i32.const 7)))
      (else (local.set 1 (i32.const 7))))
    (i32.add (local.get 1) (i32.const 1)))
  ;; CHECK: (func $prop_if (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (local.set 1
  ;; CHECK:         (i32.const 7)))
  ;; CHECK:     (else
  ;; CHECK:       (local.set 1
  ;; CHECK:         (i32.const 7))))
  ;; CHECK:   (i32.const 8))

  ;; folding the propagated value exposes a second constant set (rounds)
  (func $prop_chain (result i64) (local i64) (local i64)
    (local.set 0 (i64.const 2))
    (local.set 1 (i64.add (local.get 0) (i64.const 5)))
    (i64.mul (local.get 1) (local.get 1)))
  ;; CHECK: (func $prop_chain (result i64)
  ;; CHECK:   (local i64 i64)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i64.const 2))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i64.const 7))
  ;; CHECK:   (i64.const 49))

  ;; a declared local's initial zero counts as a definition
  (func $prop_zero (param i32) (result i32) (local i32)
    (if (local.get 0) (then (local.set 1 (i32.const 0))))
    (local.get 1))
  ;; CHECK: (func $prop_zero (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (local.set 1
  ;; CHECK:         (i32.const 0))))
  ;; CHECK:   (i32.const 0))
  ;; inside a loop: the set before the loop and the one on the back edge agree
  (func $prop_loop (param i32) (result i32) (local i32)
    (local.set 1 (i32.const 3))
    (loop $l
      (local.set 1 (i32.const 3))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (local.get 1)))))
    (local.get 1))
  ;; CHECK: (func $prop_loop (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.const 3))
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 1
  ;; CHECK:       (i32.const 3))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.tee 0
  ;; CHECK:         (i32.sub
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (i32.const 3)))))
  ;; CHECK:   (i32.const 3))

  ;; must NOT change: the definitions differ (3 or 4), a parameter's initial value is unknown,
  ;; and a NaN-payload float constant is kept bit-exact when propagated
  (func $no_prop (param i32) (result i32) (local i32)
    (if (local.get 0)
      (then (local.set 1 (i32.const 3)))
      (else (local.set 1 (i32.const 4))))
    (if (local.get 0) (then (local.set 0 (i32.const 3))))
    (i32.add (local.get 1) (local.get 0)))
  ;; CHECK: (func $no_prop (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (local.set 1
  ;; CHECK:         (i32.const 3)))
  ;; CHECK:     (else
  ;; CHECK:       (local.set 1
  ;; CHECK:         (i32.const 4))))
  ;; CHECK:   (if $B1
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (local.set 0
  ;; CHECK:         (i32.const 3))))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (local.get 0)))

  (func $prop_nan (result i32) (local f32)
    (local.set 0 (f32.const nan:0x7))
    (i32.reinterpret_f32 (local.get 0)))
  ;; CHECK: (func $prop_nan (result i32)
  ;; CHECK:   (local f32)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (f32.const nan:0x7))
  ;; CHECK:   (i32.const 2139095047))

  ;; a self-copy writes what the local already holds: the zero it starts with is still its only
  ;; value (fuzz 20-122: the copies hid the constant until coalesce-locals removed them, and a
  ;; second run propagated it)
  (func $self_copy (param $n i32) (result f32)
    (local $x f32) (local $k i32)
    (local.set $k (i32.const 1))
    (loop $l
      (local.set $x (local.get $x))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (f32.add (local.tee $x (local.get $x)) (f32.convert_i32_s (local.get $k))))
  ;; CHECK: (func $self_copy (param i32) (result f32)
  ;; CHECK:   (local f32 i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 1
  ;; CHECK:       (f32.const 0))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.tee 0
  ;; CHECK:         (i32.sub
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (i32.const 1)))))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (f32.const 0))
  ;; CHECK:   (f32.const 1))

  ;; MUST NOT CHANGE: one write of another value reaches the copy
  (func $no_self_copy_other_value (param $n i32) (result f32)
    (local $x f32)
    (loop $l
      (local.set $x (local.get $x))
      (if (local.get $n) (then (local.set $x (f32.const 2))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $x))
  ;; CHECK: (func $no_self_copy_other_value (param i32) (result f32)
  ;; CHECK:   (local f32)
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 1
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (if $B1
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (then
  ;; CHECK:         (local.set 1
  ;; CHECK:           (f32.const 2))))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.tee 0
  ;; CHECK:         (i32.sub
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (i32.const 1)))))
  ;; CHECK:   (local.get 1))

  ;; a tee of a constant evaluated first in its statement: the set goes in front, the constant
  ;; folds with the comparison and the if (a chain of tees gives one set each)
  (func $tee_const_cond (export "tee_const_cond") (param i32) (result i32)
    (local $a i32) (local $b i32)
    (if (i32.ge_s (local.tee $a (local.tee $b (i32.const 11))) (i32.const 0))
      (then (local.set $a (i32.add (local.get $a) (local.get 0)))))
    (i32.add (local.get $a) (local.get $b)))
  ;; CHECK: (func $tee_const_cond (param i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.const 11))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.const 11))
  ;; CHECK:   (block $B0
  ;; CHECK:     (local.set 1
  ;; CHECK:       (i32.add
  ;; CHECK:         (i32.const 11)
  ;; CHECK:         (local.get 0))))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (i32.const 11)))

  ;; a read of the local before the tee (same statement) must see the old value: left alone
  (func $tee_const_read_before (export "tee_const_read_before") (param i32) (result i32)
    (local.set 0 (i32.add (local.get 0) (i32.lt_s (local.tee 0 (i32.const 5)) (i32.const 7))))
    (local.get 0))
  ;; CHECK: (func $tee_const_read_before (param i32) (result i32)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.lt_s
  ;; CHECK:         (local.tee 0
  ;; CHECK:           (i32.const 5))
  ;; CHECK:         (i32.const 7))))
  ;; CHECK:   (local.get 0))

  ;; a call evaluated before the tee: left alone (the call comes first)
  (func $tee_const_after_call (export "tee_const_after_call") (result i32)
    (local $a i32)
    (drop (i32.add (call $effect) (i32.eqz (local.tee $a (i32.const 0)))))
    (local.get $a))
  ;; CHECK: (func $tee_const_after_call (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (drop
  ;; CHECK:     (i32.add
  ;; CHECK:       (call 0)
  ;; CHECK:       (i32.eqz
  ;; CHECK:         (local.tee 0
  ;; CHECK:           (i32.const 0)))))
  ;; CHECK:   (i32.const 0))

  ;; a global read before the tee: left alone (only constants and local reads may precede it)
  (func $tee_const_store (export "tee_const_store") (result i32)
    (local $a i32)
    (drop (i32.add (global.get $g) (local.tee $a (i32.const 3))))
    (local.get $a))
  ;; CHECK: (func $tee_const_store (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (drop
  ;; CHECK:     (i32.add
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (local.tee 0
  ;; CHECK:         (i32.const 3))))
  ;; CHECK:   (i32.const 3))

  ;; a block no branch targets yields its last root: a constant there propagates to the get
  (func $block_value_const (export "block_value_const") (param i32) (result i32)
    (local $a i32)
    (local.set $a (block (result i32) (global.set $g (local.get 0)) (i32.const 8)))
    (i32.add (local.get 0) (local.get $a)))
  ;; CHECK: (func $block_value_const (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (global.set 0
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (i32.const 8)))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 8)))

  ;; MUST NOT CHANGE: a branch to the block may yield another value
  (func $block_value_targeted (export "block_value_targeted") (param i32) (result i32)
    (local $a i32)
    (local.set $a (block $b (result i32) (drop (br_if $b (i32.const 7) (local.get 0))) (i32.const 8)))
    (i32.add (local.get 0) (local.get $a)))
  ;; CHECK: (func $block_value_targeted (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (drop
  ;; CHECK:         (br_if $B0
  ;; CHECK:           (i32.const 7)
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (i32.const 8)))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1)))
)
