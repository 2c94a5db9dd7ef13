;; PASSES: lower-br-table
;; TARGET: thumbv7em
(module
  ;; a test against 0 is CBZ (1) and a branch: cheaper than CMP, BHS, TBB
  (func $zero (param $x i32) (result i32)
    (block $d
      (block $a
        (br_table $a $d (local.get $x)))
      (return (i32.const 1)))
    (i32.const 2))
  ;; CHECK: (func $zero (param i32) (result i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (br_if $B1
  ;; CHECK:         (i32.eqz
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (br $B0))
  ;; CHECK:     (return
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (i32.const 2))

  ;; must not change: a compare with 1, a branch and the br cost what the table costs (3)
  (func $one (param $x i32) (result i32)
    (block $d
      (block $a
        (br_table $d $a $d (local.get $x)))
      (return (i32.const 1)))
    (i32.const 2))
  ;; CHECK: (func $one (param i32) (result i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (br_table $B0 $B1 $B0
  ;; CHECK:         (local.get 0)))
  ;; CHECK:     (return
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (i32.const 2))
)
