;; PASSES: lower-br-table
(module
  ;; no TARGET line: generic, where a table is one instruction: nothing changes, not even a
  ;; one-test table (lowered on thumbv6m, see lower-br-table.wat)
  (func $dispatch (param $x i32) (result i32)
    (block $d
      (block $a
        (br_table $d $a $a $d (local.get $x)))
      (return (i32.const 1)))
    (i32.const 2))
  ;; CHECK: (func $dispatch (param i32) (result i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (br_table $B0 $B1 $B1 $B0
  ;; CHECK:         (local.get 0)))
  ;; CHECK:     (return
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (i32.const 2))
)
