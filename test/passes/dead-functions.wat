;; PASSES: dead-functions
(module
  (import "env" "unused_log" (func $unused_log (param i32)))
  (import "env" "used_log" (func $used_log (param i32)))
  (import "env" "unused_too" (func $unused_too))
  (import "env" "mem" (memory 1))
  (global $counter (mut i32) (i32.const 0))
  (global $fref funcref (ref.func $by_global))
  (table $t 4 funcref)
  (elem (table $t) (i32.const 0) func $in_table)
  (elem $passive func $in_passive)
  (elem declare func $declared $only_declared)
  (start $init)

  ;; dead: a pair of mutually recursive functions nothing else calls
  (func $ping (param $n i32) (result i32)
    (if (result i32) (local.get $n)
      (then (call $pong (i32.sub (local.get $n) (i32.const 1))))
      (else (i32.const 0))))
  ;; CHECK: (removed)
  (func $pong (param $n i32) (result i32)
    (call $ping (local.get $n)))
  ;; CHECK: (removed)

  ;; dead: only called by a dead function
  (func $dead_caller
    (call $only_from_dead)
    (call $unused_log (i32.const 1)))
  ;; CHECK: (removed)
  (func $only_from_dead
    (call $unused_too))
  ;; CHECK: (removed)

  ;; kept: the start function
  (func $init
    (global.set $counter (i32.const 100)))
  ;; CHECK: (func $init
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.const 100)))

  ;; kept: in an active element segment (reachable through call_indirect)
  (func $in_table (result i32)
    (call $helper (i32.const 5)))
  ;; CHECK: (func $in_table (result i32)
  ;; CHECK:   (call 8
  ;; CHECK:     (i32.const 5)))

  ;; kept: in a passive element segment (table.init can place it)
  (func $in_passive (result i32)
    (i32.const 7))
  ;; CHECK: (func $in_passive (result i32)
  ;; CHECK:   (i32.const 7))

  ;; kept: referenced by ref.func in a global initializer
  (func $by_global (result i32)
    (i32.const 8))
  ;; CHECK: (func $by_global (result i32)
  ;; CHECK:   (i32.const 8))

  ;; dead: only declared (a declarative segment puts nothing in a table), no live ref.func
  (func $only_declared (result i32)
    (i32.const 9))
  ;; CHECK: (removed)

  ;; kept: declared and taken by ref.func in a live body
  (func $declared (result i32)
    (i32.const 9))
  ;; CHECK: (func $declared (result i32)
  ;; CHECK:   (i32.const 9))

  ;; kept: called by live code; its calls are remapped (imports shift too)
  (func $helper (param $x i32) (result i32)
    (call $used_log (local.get $x))
    (i32.add (local.get $x) (global.get $counter)))
  ;; CHECK: (func $helper (param i32) (result i32)
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (global.get 0)))

  ;; kept: exported; calls, return_call and ref.func are all renumbered
  (func $main (export "main") (param $x i32) (result i32)
    (table.init $t $passive (i32.const 1) (i32.const 0) (i32.const 1))
    (drop (ref.func $declared))
    (call $used_log (call $helper (local.get $x)))
    (i32.add
      (call_indirect (result i32) (i32.const 0))
      (call $tail (local.get $x))))
  ;; CHECK: (func $main (param i32) (result i32)
  ;; CHECK:   (table.init 0 1
  ;; CHECK:     (i32.const 1)
  ;; CHECK:     (i32.const 0)
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (drop
  ;; CHECK:     (ref.func 7))
  ;; CHECK:   (call 1
  ;; CHECK:     (call 8
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (i32.add
  ;; CHECK:     (call_indirect 0 (type 3)
  ;; CHECK:       (i32.const 0))
  ;; CHECK:     (call 10
  ;; CHECK:       (local.get 0))))

  (func $tail (param $x i32) (result i32)
    (return_call $helper (local.get $x)))
  ;; CHECK: (func $tail (param i32) (result i32)
  ;; CHECK:   (return_call 8
  ;; CHECK:     (local.get 0)))

  ;; dead: a function whose only reference is its own recursion
  (func $self_loop (param $n i32) (result i32)
    (call $self_loop (local.get $n)))
  ;; CHECK: (removed)
)
