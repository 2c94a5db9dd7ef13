;; PASSES: vacuum
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "get" (func $get (result i32)))
  (memory 1)
  (global $g (mut i32) (i32.const 0))

  ;; nops, drops of side-effect-free values, empty blocks and loops go
  (func $nothing (param i32) (result i32)
    (nop)
    (drop (i32.const 1))
    (drop (i32.add (local.get 0) (global.get $g)))
    (block (nop) (drop (local.get 0)))
    (loop)
    (local.get 0))
  ;; CHECK: (func $nothing (param i32) (result i32)
  ;; CHECK:   (local.get 0))

  ;; drop keeps only the effectful operand; drop of local.tee is local.set
  (func $drop_effects (param i32)
    (drop (i32.add (call $get) (i32.const 1)))
    (drop (select (local.get 0) (call $get) (local.get 0)))
    (drop (local.tee 0 (i32.const 5)))
    (call $log (local.get 0)))
  ;; CHECK: (func $drop_effects (param i32)
  ;; CHECK:   (drop
  ;; CHECK:     (call 1))
  ;; CHECK:   (drop
  ;; CHECK:     (call 1))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.const 5))
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 0)))

  ;; must not change: traps, two effectful operands, a global write
  (func $keep (param i32)
    (drop (i32.load (local.get 0)))
    (drop (i32.div_u (i32.const 1) (local.get 0)))
    (drop (i32.add (call $get) (call $get)))
    (global.set $g (local.get 0))
    (i32.store (local.get 0) (local.get 0)))
  ;; CHECK: (func $keep (param i32)
  ;; CHECK:   (drop
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (drop
  ;; CHECK:     (i32.div_u
  ;; CHECK:       (i32.const 1)
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (drop
  ;; CHECK:     (i32.add
  ;; CHECK:       (call 1)
  ;; CHECK:       (call 1)))
  ;; CHECK:   (global.set 0
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 0)))

  ;; a dropped block value: the block becomes void, the drop moves inside and simplifies
  (func $drop_block (param i32)
    (drop
      (block (result i32)
        (call $log (local.get 0))
        (i32.add (local.get 0) (i32.const 1))))
    (drop
      (if (result i32) (local.get 0)
        (then (call $get))
        (else (i32.const 0)))))
  ;; CHECK: (func $drop_block (param i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (drop
  ;; CHECK:         (call 1)))))

  ;; must not change: a branch carries a value to the dropped block
  (func $drop_targeted (param i32)
    (drop
      (block $b (result i32)
        (br_if $b (i32.const 1) (local.get 0))
        (drop)
        (call $get))))
  ;; CHECK: (func $drop_targeted (param i32)
  ;; CHECK:   (drop
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (drop
  ;; CHECK:         (br_if $B0
  ;; CHECK:           (i32.const 1)
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (call 1))))

  ;; an if with empty arms keeps its condition's effects
  (func $empty_if (param i32)
    (if (call $get) (then (nop)) (else (drop (i32.const 1))))
    (if (local.get 0) (then (nop)))
    (if (local.get 0) (then (call $log (i32.const 1))) (else (nop))))
  ;; CHECK: (func $empty_if (param i32)
  ;; CHECK:   (drop
  ;; CHECK:     (call 1))
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 1)))))

  ;; single-node blocks that nothing targets are unwrapped, as roots and as operands
  (func $unwrap (param i32) (result i32)
    (block (call $log (local.get 0)))
    (i32.add
      (block (result i32) (local.get 0))
      (loop (result i32) (i32.const 2))))
  ;; CHECK: (func $unwrap (param i32) (result i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 2)))

  ;; must not change: the block is a branch target
  (func $targeted (param i32) (result i32)
    (block $b (result i32)
      (br_if $b (i32.const 1) (local.get 0))))
  ;; CHECK: (func $targeted (param i32) (result i32)
  ;; CHECK:   (block $B0 (result i32)
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (i32.const 1)
  ;; CHECK:       (local.get 0))))
)
