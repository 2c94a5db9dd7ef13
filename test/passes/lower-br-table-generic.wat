;; PASSES: lower-br-table
(module
  ;; no TARGET line: generic, where the table is the smaller form: nothing changes
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
  ;; CHECK:           (br_table $B0 $B3 $B2 $B1 $B0
  ;; CHECK:             (local.get 0)))
  ;; CHECK:         (return
  ;; CHECK:           (i32.const 10)))
  ;; CHECK:       (return
  ;; CHECK:         (i32.const 20)))
  ;; CHECK:     (return
  ;; CHECK:       (i32.const 30)))
  ;; CHECK:   (i32.const 40))
)
