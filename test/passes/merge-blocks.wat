;; PASSES: merge-blocks
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "get" (func $get (result i32)))
  (memory 1)
  (global $g (mut i32) (i32.const 0))

  ;; nested blocks nothing branches to are flattened into their parent list
  (func $nested (param i32)
    (block
      (call $log (i32.const 1))
      (block
        (call $log (i32.const 2))
        (loop
          (call $log (i32.const 3))))
      (call $log (i32.const 4))))
  ;; CHECK: (func $nested (param i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 2))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 3))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 4)))

  ;; a targeted block ending its parent (same type): branches go to the parent instead
  (func $retarget (param i32) (result i32)
    (block $outer (result i32)
      (call $log (i32.const 0))
      (block $inner (result i32)
        (br_if $inner (i32.const 1) (local.get 0))
        (drop)
        (i32.const 2))))
  ;; CHECK: (func $retarget (param i32) (result i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (drop
  ;; CHECK:     (br_if $fn
  ;; CHECK:       (i32.const 1)
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (i32.const 2))

  ;; must not change: a targeted block that is not last (its end is not its parent's)
  (func $targeted_first (param i32)
    (block $b
      (br_if $b (local.get 0))
      (call $log (i32.const 1)))
    (call $log (i32.const 2)))
  ;; CHECK: (func $targeted_first (param i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (call 0
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 2)))

  ;; statements of an operand block move before the root
  (func $hoist (param i32) (result i32)
    (local i32)
    (i32.add
      (block (result i32)
        (local.set 1 (i32.const 5))
        (call $log (local.get 0))
        (local.get 1))
      (local.get 0)))
  ;; CHECK: (func $hoist (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.const 5))
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (local.get 0)))

  ;; drop, local.set and if conditions of blocks
  (func $hoist_statements (param i32)
    (drop (block (result i32) (call $log (i32.const 1)) (local.get 0)))
    (local.set 0 (block (result i32) (global.set $g (i32.const 1)) (i32.const 3)))
    (if (block (result i32) (call $log (local.get 0)) (local.get 0))
      (then (call $log (i32.const 2)))))
  ;; CHECK: (func $hoist_statements (param i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (drop
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.const 3))
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 2)))))

  ;; a second operand's statements commute with a pure first operand
  (func $hoist_second (param i32) (result i32)
    (i32.sub
      (local.get 0)
      (block (result i32) (call $log (i32.const 7)) (i32.const 1))))
  ;; CHECK: (func $hoist_second (param i32) (result i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 7))
  ;; CHECK:   (i32.sub
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 1)))

  ;; must not change: the store would move before the load
  (func $load_store (param i32) (result i32)
    (i32.add
      (i32.load (local.get 0))
      (block (result i32)
        (i32.store (local.get 0) (i32.const 1))
        (i32.const 2))))
  ;; CHECK: (func $load_store (param i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (i32.store
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 1))
  ;; CHECK:       (i32.const 2))))

  ;; must not change: an import call would move before another
  (func $call_order (result i32)
    (i32.add
      (call $get)
      (block (result i32)
        (call $log (i32.const 1))
        (i32.const 2))))
  ;; CHECK: (func $call_order (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (call 1)
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 1))
  ;; CHECK:       (i32.const 2))))

  ;; must not change: the local is written by the statement and read by the earlier operand
  (func $local_order (param i32) (result i32)
    (i32.add
      (local.get 0)
      (block (result i32)
        (local.set 0 (i32.const 9))
        (local.get 0))))
  ;; CHECK: (func $local_order (param i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (local.set 0
  ;; CHECK:         (i32.const 9))
  ;; CHECK:       (local.get 0))))

  ;; must not change: the operand block is a branch target
  (func $operand_targeted (param i32) (result i32)
    (i32.add
      (block $b (result i32)
        (br_if $b (i32.const 1) (local.get 0))
        (drop)
        (call $log (i32.const 1))
        (i32.const 2))
      (i32.const 3)))
  ;; CHECK: (func $operand_targeted (param i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (drop
  ;; CHECK:         (br_if $B0
  ;; CHECK:           (i32.const 1)
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 1))
  ;; CHECK:       (i32.const 2))
  ;; CHECK:     (i32.const 3)))
)
