;; PASSES: lower-br-table
;; TARGET: thumbv7em
(module
  (memory 1)

  ;; four entries, three labels besides the default's (which also owns entry 0): three tests
  ;; on the index local, then a br to the default
  (func $dispatch (param $x i32) (result i32)
    (block $d
      (block $c
        (block $b
          (block $a
            (br_table $d $a $b $c $d (local.get $x)))
          (return (i32.const 10)))
        (return (i32.const 20)))
      (return (i32.const 30)))
    (i32.const 40))
  ;; CHECK: (func $dispatch (param i32) (result i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (block $B2
  ;; CHECK:         (block $B3
  ;; CHECK:           (br_if $B3
  ;; CHECK:             (i32.eq
  ;; CHECK:               (local.get 0)
  ;; CHECK:               (i32.const 1)))
  ;; CHECK:           (br_if $B2
  ;; CHECK:             (i32.eq
  ;; CHECK:               (local.get 0)
  ;; CHECK:               (i32.const 2)))
  ;; CHECK:           (br_if $B1
  ;; CHECK:             (i32.eq
  ;; CHECK:               (local.get 0)
  ;; CHECK:               (i32.const 3)))
  ;; CHECK:           (br $B0))
  ;; CHECK:         (return
  ;; CHECK:           (i32.const 10)))
  ;; CHECK:       (return
  ;; CHECK:         (i32.const 20)))
  ;; CHECK:     (return
  ;; CHECK:       (i32.const 30)))
  ;; CHECK:   (i32.const 40))

  ;; the index is a load minus one: the subtraction folds into the constants, the load is
  ;; evaluated once (teed into a fresh local); entries 2..4 form one range test
  (func $offset_and_range (param $p i32) (result i32)
    (block $other
      (block $three
        (block $one
          (block $zero
            (br_table $zero $one $three $three $three $other
              (i32.add (i32.load8_u (local.get $p)) (i32.const -1))))
          (return (i32.const 1)))
        (return (i32.const 2)))
      (return (i32.const 4)))
    (i32.const 0))
  ;; CHECK: (func $offset_and_range (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (block $B2
  ;; CHECK:         (block $B3
  ;; CHECK:           (br_if $B3
  ;; CHECK:             (i32.eq
  ;; CHECK:               (local.tee 1
  ;; CHECK:                 (i32.load8_u
  ;; CHECK:                   (local.get 0)))
  ;; CHECK:               (i32.const 1)))
  ;; CHECK:           (br_if $B2
  ;; CHECK:             (i32.eq
  ;; CHECK:               (local.get 1)
  ;; CHECK:               (i32.const 2)))
  ;; CHECK:           (br_if $B1
  ;; CHECK:             (i32.le_u
  ;; CHECK:               (i32.sub
  ;; CHECK:                 (local.get 1)
  ;; CHECK:                 (i32.const 3))
  ;; CHECK:               (i32.const 2)))
  ;; CHECK:           (br $B0))
  ;; CHECK:         (return
  ;; CHECK:           (i32.const 1)))
  ;; CHECK:       (return
  ;; CHECK:         (i32.const 2)))
  ;; CHECK:     (return
  ;; CHECK:       (i32.const 4)))
  ;; CHECK:   (i32.const 0))

  ;; the label with the most ranges is the fallback, even when it is not the default: $a owns
  ;; 0, 2 and 4, the default $d owns 1 and 5.., $b owns 3
  (func $fallback_not_default (param $x i32) (result i32)
    (block $d
      (block $b
        (block $a
          (br_table $a $d $a $b $a $d (local.get $x)))
        (return (i32.const 1)))
      (return (i32.const 3)))
    (i32.const 2))
  ;; CHECK: (func $fallback_not_default (param i32) (result i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (block $B2
  ;; CHECK:         (br_if $B0
  ;; CHECK:           (i32.eq
  ;; CHECK:             (local.get 0)
  ;; CHECK:             (i32.const 1)))
  ;; CHECK:         (br_if $B0
  ;; CHECK:           (i32.ge_u
  ;; CHECK:             (local.get 0)
  ;; CHECK:             (i32.const 5)))
  ;; CHECK:         (br_if $B1
  ;; CHECK:           (i32.eq
  ;; CHECK:             (local.get 0)
  ;; CHECK:             (i32.const 3)))
  ;; CHECK:         (br $B2))
  ;; CHECK:       (return
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (return
  ;; CHECK:       (i32.const 3)))
  ;; CHECK:   (i32.const 2))

  ;; one test: no local, the index stays in place
  (func $one_test (param $p i32) (result i32)
    (block $d
      (block $a
        (br_table $a $d (i32.load (local.get $p))))
      (return (i32.const 1)))
    (i32.const 2))
  ;; CHECK: (func $one_test (param i32) (result i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (br_if $B1
  ;; CHECK:         (i32.eqz
  ;; CHECK:           (i32.load
  ;; CHECK:             (local.get 0))))
  ;; CHECK:       (br $B0))
  ;; CHECK:     (return
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (i32.const 2))

  ;; must not change: five tests are more than the table is worth
  (func $too_many_labels (param $x i32) (result i32)
    (block $f
      (block $e
        (block $d
          (block $c
            (block $b
              (block $a
                (br_table $a $b $c $d $e $f (local.get $x)))
              (return (i32.const 1)))
            (return (i32.const 2)))
          (return (i32.const 3)))
        (return (i32.const 4)))
      (return (i32.const 5)))
    (i32.const 6))
  ;; CHECK: (func $too_many_labels (param i32) (result i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (block $B2
  ;; CHECK:         (block $B3
  ;; CHECK:           (block $B4
  ;; CHECK:             (block $B5
  ;; CHECK:               (br_table $B5 $B4 $B3 $B2 $B1 $B0
  ;; CHECK:                 (local.get 0)))
  ;; CHECK:             (return
  ;; CHECK:               (i32.const 1)))
  ;; CHECK:           (return
  ;; CHECK:             (i32.const 2)))
  ;; CHECK:         (return
  ;; CHECK:           (i32.const 3)))
  ;; CHECK:       (return
  ;; CHECK:         (i32.const 4)))
  ;; CHECK:     (return
  ;; CHECK:       (i32.const 5)))
  ;; CHECK:   (i32.const 6))

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
