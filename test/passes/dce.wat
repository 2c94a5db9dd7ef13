;; PASSES: dce
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "get" (func $get (result i32)))
  (memory 1)
  (global $g (mut i32) (i32.const 0))

  ;; a block that always branches out makes the rest of its list dead
  (func $after_nf_block (param i32)
    (block $out
      (block
        (br_if $out (local.get 0))
        (br $out))
      (call $log (i32.const 1))
      (global.set $g (i32.const 2)))
    (call $log (i32.const 3)))
  ;; CHECK: (func $after_nf_block (param i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (br_if $B0
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (br $B0)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 3)))

  ;; an if whose two arms never fall through: what follows is dead
  (func $after_nf_if (param i32) (result i32)
    (if (local.get 0)
      (then (return (i32.const 1)))
      (else (unreachable)))
    (call $log (i32.const 2))
    (i32.const 3))
  ;; CHECK: (func $after_nf_if (param i32) (result i32)
  ;; CHECK:   (if $B0 (result i32)
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (return
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (else
  ;; CHECK:       (unreachable))))

  ;; an infinite loop (its body always branches back): what follows is dead
  (func $after_loop (param i32)
    (loop $l
      (call $log (local.get 0))
      (br $l))
    (call $log (i32.const 1)))
  ;; CHECK: (func $after_loop (param i32)
  ;; CHECK:   (loop $B0
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (br $B0)))

  ;; a branch that only dead code took: the block becomes never-falling-through too
  (func $dead_branch_only (param i32)
    (block $b
      (block
        (call $log (local.get 0))
        (return))
      (br $b))
    (call $log (i32.const 9)))
  ;; CHECK: (func $dead_branch_only (param i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (call 0
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (return))))

  ;; an operand that never completes: the parent and later operands go; the import call
  ;; evaluated before it stays (as a root), the side-effect-free local.get is dropped
  (func $nf_operand (param i32)
    (block $out
      (drop
        (i32.add
          (call $get)
          (i32.add
            (local.get 0)
            (block (result i32) (br $out)))))
      (call $log (i32.const 1)))
    (call $log (i32.const 2)))
  ;; CHECK: (func $nf_operand (param i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (call 1)
  ;; CHECK:     (block $B1 (result i32)
  ;; CHECK:       (br $B0))
  ;; CHECK:     (unreachable))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 2)))

  ;; an if whose condition never completes becomes the condition
  (func $nf_condition (param i32) (result i32)
    (if (result i32)
      (block (result i32)
        (call $log (local.get 0))
        (return (i32.const 7)))
      (then (i32.const 1))
      (else (i32.const 2))))
  ;; CHECK: (func $nf_condition (param i32) (result i32)
  ;; CHECK:   (block $B0 (result i32)
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (return
  ;; CHECK:       (i32.const 7))))

  ;; local.set of a never-completing value: the block is retyped to void to fit the list
  (func $retype (param i32)
    (local i32)
    (block $out
      (local.set 1
        (block (result i32)
          (call $log (local.get 0))
          (br $out)))
      (call $log (local.get 1))))
  ;; CHECK: (func $retype (param i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (call 0
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (br $B0))))

  ;; a trap after a call: nothing to remove, the order stays
  (func $keep_trap (param i32) (result i32)
    (call $log (local.get 0))
    (i32.div_s (i32.const 1) (local.get 0)))
  ;; CHECK: (func $keep_trap (param i32) (result i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.div_s
  ;; CHECK:     (i32.const 1)
  ;; CHECK:     (local.get 0)))

  ;; must not change: a branch to the block keeps the code after it alive
  (func $targeted_block (param i32)
    (block $b
      (br_if $b (local.get 0))
      (call $log (i32.const 1))
      (unreachable))
    (call $log (i32.const 2)))
  ;; CHECK: (func $targeted_block (param i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (call 0
  ;; CHECK:       (i32.const 1))
  ;; CHECK:     (unreachable))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 2)))

  ;; must not change: a loop left by a br_if to an outer block falls through to its end
  (func $loop_exit (param i32) (result i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $l)))
    (local.get 0))
  ;; CHECK: (func $loop_exit (param i32) (result i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (loop $B1
  ;; CHECK:       (br_if $B0
  ;; CHECK:         (i32.eqz
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (local.set 0
  ;; CHECK:         (i32.sub
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (i32.const 1)))
  ;; CHECK:       (br $B1)))
  ;; CHECK:   (local.get 0))

  ;; empty blocks and loops, and an if with empty arms whose condition has an effect
  (func $empties (param i32)
    (block)
    (loop)
    (if (call $get) (then) (else))
    (if (local.get 0) (then))
    (call $log (local.get 0)))
  ;; CHECK: (func $empties (param i32)
  ;; CHECK:   (drop
  ;; CHECK:     (call 1))
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 0)))

  ;; a store before a never-completing operand stays, in order; the value operand after goes
  (func $store_then_nf (param i32)
    (block $out
      (i32.store
        (block (result i32)
          (i32.store (i32.const 0) (local.get 0))
          (i32.const 4))
        (block (result i32) (br $out)))
      (call $log (i32.const 1))))
  ;; CHECK: (func $store_then_nf (param i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1 (result i32)
  ;; CHECK:       (i32.store
  ;; CHECK:         (i32.const 0)
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (i32.const 4))
  ;; CHECK:     (block $B2 (result i32)
  ;; CHECK:       (br $B0))
  ;; CHECK:     (unreachable)))
)
