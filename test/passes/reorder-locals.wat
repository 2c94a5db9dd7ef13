;; PASSES: reorder-locals
(module
  ;; already in order (most used first): unchanged
  (func $in_order (param $p i32) (result i32)
    (local $a i32) (local $b i32)
    (local.set $a (local.get $p))
    (local.set $b (i32.add (local.get $a) (local.get $a)))
    (local.get $b))
  ;; CHECK: (func $in_order (param i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (local.get 2))

  ;; the most used local moves first; params keep their indices
  (func $by_count (param $p i32) (param $q i32) (result i32)
    (local $rare i32) (local $hot i32)
    (local.set $rare (local.get $q))
    (local.set $hot (local.get $p))
    (local.set $hot (i32.add (local.get $hot) (local.get $hot)))
    (i32.add (local.get $hot) (local.get $rare)))
  ;; CHECK: (func $by_count (param i32 i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (local.set 3
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (local.set 2
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 2)
  ;; CHECK:       (local.get 2)))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 2)
  ;; CHECK:     (local.get 3)))

  ;; equal counts: the one accessed first comes first
  (func $ties (result i32)
    (local $late i32) (local $early i32)
    (local.set $early (i32.const 1))
    (local.set $late (i32.const 2))
    (i32.sub (local.get $early) (local.get $late)))
  ;; CHECK: (func $ties (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.const 2))
  ;; CHECK:   (i32.sub
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1)))

  ;; never accessed locals are dropped
  (func $unused (param $p i32) (result i32)
    (local $never f64) (local $used i32) (local $never2 i64)
    (local.set $used (local.get $p))
    (local.get $used))
  ;; CHECK: (func $unused (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (local.get 1))

  ;; grouped by type inside the one-byte band: i32 x3 (most used), f64, i64 interleaved
  ;; become one run per type, the i32 group first (it holds the most used local)
  (func $grouped (param $p i32) (result f64)
    (local $i1 i32) (local $d1 f64) (local $i2 i32) (local $l1 i64) (local $i3 i32) (local $d2 f64)
    (local.set $i1 (local.get $p))
    (local.set $i1 (i32.add (local.get $i1) (local.get $i1)))
    (local.set $d1 (f64.convert_i32_s (local.get $i1)))
    (local.set $i2 (local.get $i1))
    (local.set $l1 (i64.extend_i32_s (local.get $i2)))
    (local.set $i3 (i32.wrap_i64 (local.get $l1)))
    (local.set $d2 (f64.add (local.get $d1) (f64.convert_i32_u (local.get $i3))))
    (f64.add (local.get $d2) (local.get $d1)))
  ;; CHECK: (func $grouped (param i32) (result f64)
  ;; CHECK:   (local i32 i32 i32 f64 f64 i64)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (local.set 4
  ;; CHECK:     (f64.convert_i32_s
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (local.set 2
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (local.set 6
  ;; CHECK:     (i64.extend_i32_s
  ;; CHECK:       (local.get 2)))
  ;; CHECK:   (local.set 3
  ;; CHECK:     (i32.wrap_i64
  ;; CHECK:       (local.get 6)))
  ;; CHECK:   (local.set 5
  ;; CHECK:     (f64.add
  ;; CHECK:       (local.get 4)
  ;; CHECK:       (f64.convert_i32_u
  ;; CHECK:         (local.get 3))))
  ;; CHECK:   (f64.add
  ;; CHECK:     (local.get 5)
  ;; CHECK:     (local.get 4)))

  ;; a loop counter used many times comes first
  (func $loop (param $n i32) (result i32)
    (local $acc i32) (local $i i32)
    (local.set $acc (i32.const 0))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $top (i32.lt_u (local.get $i) (i32.const 100)))))
    (local.get $acc))
  ;; CHECK: (func $loop (param i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (block $B0
  ;; CHECK:     (loop $B1
  ;; CHECK:       (br_if $B0
  ;; CHECK:         (i32.ge_u
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (local.set 2
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 2)
  ;; CHECK:           (local.get 1)))
  ;; CHECK:       (local.set 1
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i32.const 1)))
  ;; CHECK:       (br_if $B1
  ;; CHECK:         (i32.lt_u
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i32.const 100)))))
  ;; CHECK:   (local.get 2))

  ;; no declared locals: nothing to do
  (func $params_only (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $b) (local.get $a)))
  ;; CHECK: (func $params_only (param i32 i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (local.get 0)))
)
