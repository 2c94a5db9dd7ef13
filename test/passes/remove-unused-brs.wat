;; PASSES: remove-unused-brs
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "get" (func $get (result i32)))
  (memory 1)
  (global $g (mut i32) (i32.const 0))

  ;; a br to the end of its own block goes; a value br leaves its value
  (func $tail_br (param i32) (result i32)
    (block $a
      (call $log (local.get 0))
      (br $a))
    (block $b (result i32)
      (call $log (i32.const 1))
      (br $b (i32.const 2))))
  ;; CHECK: (func $tail_br (param i32) (result i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (block $B1 (result i32)
  ;; CHECK:     (call 0
  ;; CHECK:       (i32.const 1))
  ;; CHECK:     (i32.const 2)))

  ;; a return at the end of the function, also inside a same-typed if in tail position
  (func $tail_return (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call $log (i32.const 1)) (return (i32.const 1)))
      (else (return (i32.const 2)))))
  ;; CHECK: (func $tail_return (param i32) (result i32)
  ;; CHECK:   (if $B0 (result i32)
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 1))
  ;; CHECK:       (i32.const 1))
  ;; CHECK:     (else
  ;; CHECK:       (i32.const 2))))

  ;; tail br_if: without a value it only evaluates its condition
  (func $tail_br_if (param i32)
    (block $a
      (call $log (local.get 0))
      (br_if $a (call $get)))
    (block $b
      (call $log (i32.const 2))
      (br_if $b (local.get 0))))
  ;; CHECK: (func $tail_br_if (param i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (drop
  ;; CHECK:       (call 1)))
  ;; CHECK:   (block $B1
  ;; CHECK:     (call 0
  ;; CHECK:       (i32.const 2))))

  ;; if-br becomes br_if; with an else arm the arm follows the br_if
  (func $if_br (param i32)
    (block $out
      (if (local.get 0) (then (br $out)))
      (call $log (i32.const 1))
      (if (i32.eqz (local.get 0))
        (then (br $out))
        (else (call $log (i32.const 2))))
      (call $log (i32.const 3))))
  ;; CHECK: (func $if_br (param i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (call 0
  ;; CHECK:       (i32.const 1))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (i32.eqz
  ;; CHECK:         (local.get 0)))
  ;; CHECK:     (call 0
  ;; CHECK:       (i32.const 2))
  ;; CHECK:     (call 0
  ;; CHECK:       (i32.const 3))))

  ;; small ifs become selects
  (func $to_select (param i32 i32) (result i32)
    (i32.add
      (if (result i32) (local.get 0) (then (i32.const 10)) (else (local.get 1)))
      (if (result i32) (i32.lt_s (local.get 0) (local.get 1))
        (then (global.get $g)) (else (i32.const -1)))))
  ;; CHECK: (func $to_select (param i32 i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (select
  ;; CHECK:       (i32.const 10)
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (select
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (i32.const -1)
  ;; CHECK:       (i32.lt_s
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (local.get 1)))))

  ;; must not change: an arm with a side effect, and a condition that writes what an arm reads
  (func $no_select (param i32 i32) (result i32)
    (i32.add
      (if (result i32) (local.get 0) (then (call $get)) (else (i32.const 0)))
      (if (result i32) (local.tee 1 (local.get 0)) (then (local.get 1)) (else (i32.const 0)))))
  ;; CHECK: (func $no_select (param i32 i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (if $B0 (result i32)
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (then
  ;; CHECK:         (call 1))
  ;; CHECK:       (else
  ;; CHECK:         (i32.const 0)))
  ;; CHECK:     (if $B1 (result i32)
  ;; CHECK:       (local.tee 1
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (then
  ;; CHECK:         (local.get 1))
  ;; CHECK:       (else
  ;; CHECK:         (i32.const 0)))))

  ;; jump threading: a branch to a block that is followed by a br goes straight on
  (func $thread (param i32)
    (block $out
      (block $mid
        (br_if $mid (local.get 0))
        (call $log (i32.const 1)))
      (br $out))
    (call $log (i32.const 2)))
  ;; CHECK: (func $thread (param i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (br_if $B0
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 1))))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 2)))

  ;; must not change: a br to a loop (a continue) and a br that is not in tail position
  (func $keep (param i32) (result i32)
    (loop $l
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0)))
    (block $b
      (br_if $b (local.get 0))
      (call $log (i32.const 5)))
    (local.get 0))
  ;; CHECK: (func $keep (param i32) (result i32)
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 0
  ;; CHECK:       (i32.sub
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (block $B1
  ;; CHECK:     (br_if $B1
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (call 0
  ;; CHECK:       (i32.const 5)))
  ;; CHECK:   (local.get 0))

  ;; a block entered by a br_if on an integer comparison (or eqz) becomes an if on the negation
  (func $block_to_if (param i32 i32)
    (block $b
      (br_if $b (i32.lt_s (local.get 0) (local.get 1)))
      (call $log (i32.const 1)))
    (block $c
      (br_if $c (i32.eqz (local.get 0)))
      (br_if $c (local.get 1))
      (call $log (i32.const 2))))
  ;; CHECK: (func $block_to_if (param i32 i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (i32.ge_s
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (then
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 1))))
  ;; CHECK:   (if $B1
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (br_if $B1
  ;; CHECK:         (local.get 1))
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 2)))))

  ;; must not change: a float comparison has no free negation (NaN); a condition that
  ;; branches to the block itself cannot move outside it
  (func $no_block_to_if (param f32 i32)
    (block $b
      (br_if $b (f32.lt (local.get 0) (f32.const 1)))
      (call $log (i32.const 1)))
    (block $c
      (br_if $c
        (block (result i32)
          (br_if $c (local.get 1))
          (i32.eqz (local.get 1))))
      (call $log (i32.const 2))))
  ;; CHECK: (func $no_block_to_if (param f32 i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (f32.lt
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (f32.const 1)))
  ;; CHECK:     (call 0
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (block $B1
  ;; CHECK:     (br_if $B1
  ;; CHECK:       (block $B2 (result i32)
  ;; CHECK:         (br_if $B1
  ;; CHECK:           (local.get 1))
  ;; CHECK:         (i32.eqz
  ;; CHECK:           (local.get 1))))
  ;; CHECK:     (call 0
  ;; CHECK:       (i32.const 2))))

  ;; a guarded block ending in a jump, followed by code ending in a jump: an if/else
  (func $if_else (param i32) (result i32)
    (block $b
      (br_if $b (local.get 0))
      (call $log (i32.const 1))
      (return (i32.const 1)))
    (call $log (i32.const 2))
    (return (i32.const 2)))
  ;; CHECK: (func $if_else (param i32) (result i32)
  ;; CHECK:   (if $B0 (result i32)
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 2))
  ;; CHECK:       (i32.const 2))
  ;; CHECK:     (else
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 1))
  ;; CHECK:       (i32.const 1))))

  ;; the same when the block jumps to the end of the enclosing block (a tail branch then)
  (func $if_else_owner (param i32)
    (block $out
      (block $b
        (br_if $b (local.get 0))
        (call $log (i32.const 1))
        (br $out))
      (call $log (i32.const 2))))
  ;; CHECK: (func $if_else_owner (param i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (if $B1
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (then
  ;; CHECK:         (call 0
  ;; CHECK:           (i32.const 2)))
  ;; CHECK:       (else
  ;; CHECK:         (call 0
  ;; CHECK:           (i32.const 1))))))
)
