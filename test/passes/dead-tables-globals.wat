;; PASSES: dead-tables-globals,dead-functions
(module
  (import "env" "off" (global $off i32))
  (type $v_i (func (result i32)))
  (table $dead 3 3 funcref)
  (table $used 2 funcref)
  (table $exported 1 funcref)
  (table $unknown_offset 100000 funcref)
  (table $declares 1 funcref)
  (export "t" (table $exported))
  (elem (table $dead) (i32.const 1) func $only_in_dead $only_in_dead)
  (elem (table $used) (i32.const 0) func $in_used)
  (elem (table $exported) (i32.const 0) func $in_exported)
  ;; an offset that is not an i32.const: the pass cannot prove the segment fits, so it stays
  ;; (a segment that does not fit traps at instantiation; test/dead-tables-globals.test.js checks that case)
  (elem (table $unknown_offset) (global.get $off) func $in_trapping $in_trapping)
  ;; the only declaration of $referenced, which a body takes a ref.func of: must stay
  (elem (table $declares) (i32.const 0) func $referenced)

  ;; only reachable through the dead table: removed with it
  (func $only_in_dead (result i32)
    (i32.const 1))
  ;; CHECK: (removed)

  ;; reachable through a table a call_indirect reads: kept
  (func $in_used (result i32)
    (i32.const 2))
  ;; CHECK: (func $in_used (result i32)
  ;; CHECK:   (i32.const 2))

  ;; the table index of the call_indirect is renumbered (the dead table before it is gone)
  (func $call_used (export "call_used") (param i32) (result i32)
    (call_indirect $used (type $v_i) (local.get 0)))
  ;; CHECK: (func $call_used (param i32) (result i32)
  ;; CHECK:   (call_indirect 0 (type 0)
  ;; CHECK:     (local.get 0)))

  ;; in an exported table: the host can call it, kept
  (func $in_exported (result i32)
    (i32.const 3))
  ;; CHECK: (func $in_exported (result i32)
  ;; CHECK:   (i32.const 3))

  ;; in a segment that might trap at instantiation: kept (removing it could make instantiation succeed)
  (func $in_trapping (result i32)
    (i32.const 4))
  ;; CHECK: (func $in_trapping (result i32)
  ;; CHECK:   (i32.const 4))

  (func $referenced (result i32)
    (i32.const 5))
  ;; CHECK: (func $referenced (result i32)
  ;; CHECK:   (i32.const 5))
  (func $takes_ref (export "takes_ref") (result funcref)
    (ref.func $referenced))
  ;; CHECK: (func $takes_ref (result funcref)
  ;; CHECK:   (ref.func 4))
)
