;; PASSES: lower-br-table
;; TARGET: thumbv6m
(module
  (memory 1)

  ;; one range test: entries 1..2 go to $a, everything else (0, 3..) to the default $d; on
  ;; thumbv6m a table costs 6, the test (compare, branch) and the br 3
  (func $one_range (param $p i32) (result i32)
    (block $d
      (block $a
        (br_table $d $a $a $d (i32.load (local.get $p))))
      (return (i32.const 1)))
    (i32.const 2))
  ;; CHECK: (func $one_range (param i32) (result i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (br_if $B1
  ;; CHECK:         (i32.le_u
  ;; CHECK:           (i32.sub
  ;; CHECK:             (i32.load
  ;; CHECK:               (local.get 0))
  ;; CHECK:             (i32.const 1))
  ;; CHECK:           (i32.const 1)))
  ;; CHECK:       (br $B0))
  ;; CHECK:     (return
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (i32.const 2))

  ;; the index is a load minus one: the subtraction folds into the constant of the test
  (func $offset (param $p i32) (result i32)
    (block $other
      (block $one
        (br_table $other $one $other
          (i32.add (i32.load8_u (local.get $p)) (i32.const -1))))
      (return (i32.const 1)))
    (i32.const 0))
  ;; CHECK: (func $offset (param i32) (result i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (br_if $B1
  ;; CHECK:         (i32.eq
  ;; CHECK:           (i32.load8_u
  ;; CHECK:             (local.get 0))
  ;; CHECK:           (i32.const 2)))
  ;; CHECK:       (br $B0))
  ;; CHECK:     (return
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (i32.const 0))

  ;; must not change: the label with the most ranges is the fallback, even when it is not the
  ;; default ($a: 0 and 2), which leaves two tests ($c: 1; the default $b: 3..)
  (func $fallback_not_default (param $x i32) (result i32)
    (block $b
      (block $c
        (block $a
          (br_table $a $c $a $b (local.get $x)))
        (return (i32.const 1)))
      (return (i32.const 3)))
    (i32.const 2))
  ;; CHECK: (func $fallback_not_default (param i32) (result i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (block $B2
  ;; CHECK:         (br_table $B2 $B1 $B2 $B0
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (return
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (return
  ;; CHECK:       (i32.const 3)))
  ;; CHECK:   (i32.const 2))

  ;; must not change: three tests (3 each, plus the br) cost more than the table (6)
  (func $three_tests (param $x i32) (result i32)
    (block $d
      (block $c
        (block $b
          (block $a
            (br_table $d $a $b $c $d (local.get $x)))
          (return (i32.const 10)))
        (return (i32.const 20)))
      (return (i32.const 30)))
    (i32.const 40))
  ;; CHECK: (func $three_tests (param i32) (result i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (block $B2
  ;; CHECK:         (block $B3
  ;; CHECK:           (br_table $B0 $B3 $B2 $B1 $B0
  ;; CHECK:             (local.get 0)))
  ;; CHECK:         (return
  ;; CHECK:           (i32.const 10)))
  ;; CHECK:       (return
  ;; CHECK:         (i32.const 20)))
  ;; CHECK:     (return
  ;; CHECK:       (i32.const 30)))
  ;; CHECK:   (i32.const 40))

  ;; must not change: the table carries a value to its labels
  (func $with_value (param $x i32) (result i32)
    (block $b (result i32)
      (block $a (result i32)
        (br_table $a $b (i32.const 7) (local.get $x)))
      (i32.const 1)
      (i32.add)))
  ;; CHECK: (func $with_value (param i32) (result i32)
  ;; CHECK:   (block $B0 (result i32)
  ;; CHECK:     (i32.add
  ;; CHECK:       (block $B1 (result i32)
  ;; CHECK:         (br_table $B1 $B0
  ;; CHECK:           (i32.const 7)
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (i32.const 1))))
)
