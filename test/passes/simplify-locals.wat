;; PASSES: simplify-locals
(module
  (import "env" "imp" (func $imp (param i32) (result i32)))
  (import "env" "log" (func $log (param i32)))
  (memory 1)
  (global $g (mut i32) (i32.const 0))

  ;; a single use: the value moves to the get
  (func $sink_basic (param i32 i32) (result i32)
    (local $x i32)
    (local.set $x (i32.add (local.get 0) (local.get 1)))
    (i32.mul (local.get $x) (i32.const 3)))
  ;; CHECK: (func $sink_basic (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (i32.mul
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (i32.const 3)))

  ;; chains sink in one walk: a into b's value, b into the store
  (func $sink_chain (param i32)
    (local $a i32) (local $b i32)
    (local.set $a (i32.load (local.get 0)))
    (local.set $b (i32.add (local.get $a) (i32.const 1)))
    (i32.store offset=4 (local.get 0) (local.get $b)))
  ;; CHECK: (func $sink_chain (param i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (i32.store offset=4
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (i32.const 1))))

  ;; several gets: the first one becomes a tee
  (func $tee_first_use (param i32) (result i32)
    (local $x i32)
    (local.set $x (call $imp (local.get 0)))
    (call $log (local.get $x))
    (i32.add (local.get $x) (local.get $x)))
  ;; CHECK: (func $tee_first_use (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (call 1
  ;; CHECK:     (local.tee 1
  ;; CHECK:       (call 0
  ;; CHECK:         (local.get 0))))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (local.get 1)))

  ;; sinking into a block body that always runs next
  (func $sink_into_block (param i32 i32)
    (local $x i32)
    (local.set $x (i32.xor (local.get 0) (local.get 1)))
    (block
      (i32.store (i32.const 8) (local.get $x))))
  ;; CHECK: (func $sink_into_block (param i32 i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (i32.store
  ;; CHECK:       (i32.const 8)
  ;; CHECK:       (i32.xor
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (local.get 1)))))

  ;; a pure value moves across an if (not into it) when the if cannot change its inputs
  (func $sink_across_if (param i32 i32 i32) (result i32)
    (local $x i32)
    (local.set $x (i32.add (local.get 0) (local.get 1)))
    (if (local.get 2) (then (call $log (i32.const 1))))
    (local.get $x))
  ;; CHECK: (func $sink_across_if (param i32 i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 2)
  ;; CHECK:     (then
  ;; CHECK:       (call 1
  ;; CHECK:         (i32.const 1))))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1)))

  ;; a pure value moves past a conditional branch (single use)
  (func $sink_past_br_if (param i32 i32 i32) (result i32)
    (local $x i32)
    (block $out (result i32)
      (local.set $x (i32.sub (local.get 0) (local.get 1)))
      (drop (br_if $out (i32.const 7) (local.get 2)))
      (i32.shl (local.get $x) (i32.const 2))))
  ;; CHECK: (func $sink_past_br_if (param i32 i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0 (result i32)
  ;; CHECK:     (drop
  ;; CHECK:       (br_if $B0
  ;; CHECK:         (i32.const 7)
  ;; CHECK:         (local.get 2)))
  ;; CHECK:     (i32.shl
  ;; CHECK:       (i32.sub
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (local.get 1))
  ;; CHECK:       (i32.const 2))))

  ;; dead sets: the value's effects stay (drop), pure values go, a dead tee becomes its value
  (func $dead_sets (param i32) (result i32)
    (local $x i32) (local $y i32)
    (local.set $x (call $imp (local.get 0)))
    (local.set $y (i32.const 5))
    (i32.add (local.tee $x (i32.const 9)) (local.get 0)))
  ;; CHECK: (func $dead_sets (param i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (drop
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.const 9)
  ;; CHECK:     (local.get 0)))

  ;; MUST NOT CHANGE: a load must not move past a store
  (func $no_load_past_store (param i32) (result i32)
    (local $x i32)
    (local.set $x (i32.load (local.get 0)))
    (i32.store (local.get 0) (i32.const 1))
    (local.get $x))
  ;; CHECK: (func $no_load_past_store (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (local.get 1))

  ;; MUST NOT CHANGE: an import call must not move past another call
  (func $no_call_past_call (param i32) (result i32)
    (local $x i32)
    (local.set $x (call $imp (local.get 0)))
    (call $log (i32.const 2))
    (local.get $x))
  ;; CHECK: (func $no_call_past_call (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 1
  ;; CHECK:     (i32.const 2))
  ;; CHECK:   (local.get 1))

  ;; MUST NOT CHANGE: a trap must not move past a global write
  (func $no_trap_past_global_set (param i32 i32) (result i32)
    (local $x i32)
    (local.set $x (i32.div_s (local.get 0) (local.get 1)))
    (global.set $g (i32.const 1))
    (local.get $x))
  ;; CHECK: (func $no_trap_past_global_set (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.div_s
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (local.get 2))

  ;; MUST NOT CHANGE: a trapping value must not move past a conditional branch
  (func $no_trap_past_br_if (param i32 i32 i32) (result i32)
    (local $x i32)
    (block $out (result i32)
      (local.set $x (i32.div_u (local.get 0) (local.get 1)))
      (drop (br_if $out (i32.const 7) (local.get 2)))
      (local.get $x)))
  ;; CHECK: (func $no_trap_past_br_if (param i32 i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0 (result i32)
  ;; CHECK:     (local.set 3
  ;; CHECK:       (i32.div_u
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (local.get 1)))
  ;; CHECK:     (drop
  ;; CHECK:       (br_if $B0
  ;; CHECK:         (i32.const 7)
  ;; CHECK:         (local.get 2)))
  ;; CHECK:     (local.get 3)))

  ;; MUST NOT CHANGE: a load must not move across an if that may store
  (func $no_load_across_storing_if (param i32 i32) (result i32)
    (local $x i32)
    (local.set $x (i32.load (local.get 0)))
    (if (local.get 1) (then (i32.store (local.get 0) (i32.const 5))))
    (local.get $x))
  ;; CHECK: (func $no_load_across_storing_if (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (then
  ;; CHECK:       (i32.store
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 5))))
  ;; CHECK:   (local.get 2))

  ;; MUST NOT CHANGE: the get also reads another definition (set on one path only)
  (func $no_sink_two_defs (param i32 i32) (result i32)
    (local $x i32)
    (local.set $x (i32.add (local.get 0) (i32.const 1)))
    (if (local.get 1) (then (local.set $x (i32.const 2))))
    (local.get $x))
  ;; CHECK: (func $no_sink_two_defs (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (then
  ;; CHECK:       (local.set 2
  ;; CHECK:         (i32.const 2))))
  ;; CHECK:   (local.get 2))

  ;; MUST NOT CHANGE: the value would move into an if arm (runs only sometimes)
  (func $no_sink_into_arm (param i32 i32) (result i32)
    (local $x i32)
    (local.set $x (i32.mul (local.get 0) (local.get 0)))
    (if (result i32) (local.get 1)
      (then (local.get $x))
      (else (i32.const 0))))
  ;; CHECK: (func $no_sink_into_arm (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (if $B0 (result i32)
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (then
  ;; CHECK:       (local.get 2))
  ;; CHECK:     (else
  ;; CHECK:       (i32.const 0))))

  ;; MUST NOT CHANGE: the value would move into a loop body (runs many times)
  (func $no_sink_into_loop (param i32 i32) (result i32)
    (local $x i32) (local $acc i32)
    (local.set $x (call $imp (local.get 0)))
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (local.get $x)))
      (br_if $l (local.tee 1 (i32.sub (local.get 1) (i32.const 1)))))
    (local.get $acc))
  ;; CHECK: (func $no_sink_into_loop (param i32 i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 3
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 3)
  ;; CHECK:         (local.get 2)))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.tee 1
  ;; CHECK:         (i32.sub
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i32.const 1)))))
  ;; CHECK:   (local.get 3))

  ;; MUST NOT CHANGE: a set in a loop read in the next iteration
  (func $no_sink_loop_carried (param i32) (result i32)
    (local $x i32) (local $i i32)
    (loop $l
      (call $log (local.get $x))
      (local.set $x (i32.add (local.get $i) (i32.const 10)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get 0))))
    (local.get $i))
  ;; CHECK: (func $no_sink_loop_carried (param i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (loop $B0
  ;; CHECK:     (call 1
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (local.set 1
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 2)
  ;; CHECK:         (i32.const 10)))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (i32.lt_u
  ;; CHECK:         (local.tee 2
  ;; CHECK:           (i32.add
  ;; CHECK:             (local.get 2)
  ;; CHECK:             (i32.const 1)))
  ;; CHECK:         (local.get 0))))
  ;; CHECK:   (local.get 2))

  ;; no tee: a branch between the set and the first get reaches a later get
  (func $no_tee_past_escape (param i32 i32) (result i32)
    (local $x i32)
    (block $out
      (local.set $x (i32.add (local.get 0) (i32.const 3)))
      (br_if $out (local.get 1))
      (call $log (local.get $x)))
    (local.get $x))
  ;; CHECK: (func $no_tee_past_escape (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (local.set 2
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 3)))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (call 1
  ;; CHECK:       (local.get 2)))
  ;; CHECK:   (local.get 2))

  ;; a tee is fine when the branch lands before the first get
  (func $tee_after_inner_branch (param i32 i32) (result i32)
    (local $x i32)
    (local.set $x (i32.add (local.get 0) (i32.const 3)))
    (block $skip
      (br_if $skip (local.get 1))
      (call $log (i32.const 4)))
    (call $log (local.get $x))
    (local.get $x))
  ;; CHECK: (func $tee_after_inner_branch (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (call 1
  ;; CHECK:       (i32.const 4)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.tee 2
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 3))))
  ;; CHECK:   (local.get 2))

  ;; a value sinks inside an if arm when both the set and the get are in it
  (func $sink_within_arm (param i32 i32) (result i32)
    (local $x i32)
    (if (result i32) (local.get 1)
      (then
        (local.set $x (i32.load (local.get 0)))
        (i32.add (local.get $x) (i32.const 1)))
      (else (i32.const 0))))
  ;; CHECK: (func $sink_within_arm (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (if $B0 (result i32)
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (then
  ;; CHECK:       (i32.add
  ;; CHECK:         (i32.load
  ;; CHECK:           (local.get 0))
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (else
  ;; CHECK:       (i32.const 0))))

  ;; the writes of an inner sink travel with the outer value: $y's tee inside $x's value
  ;; must not move past the read of $y
  (func $sink_into_value_then_conflict (param i32) (result i32)
    (local $x i32) (local $y i32)
    (local.set $y (i32.add (local.get 0) (i32.const 1)))
    (local.set $x (i32.mul (local.get $y) (local.get $y)))
    (call $log (local.get $y))
    (local.get $x))
  ;; CHECK: (func $sink_into_value_then_conflict (param i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.tee 2
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (i32.const 1)))
  ;; CHECK:       (local.get 2)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (local.get 1))
;; no tee: a branch inside an if (crossed as a whole) leaves past the first get
  (func $no_tee_escape_from_if (param i32 i32) (result i32)
    (local $x i32)
    (block $out
      (local.set $x (i32.add (local.get 0) (i32.const 3)))
      (if (local.get 1) (then (br $out)))
      (call $log (local.get $x)))
    (local.get $x))
  ;; CHECK: (func $no_tee_escape_from_if (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (local.set 2
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 3)))
  ;; CHECK:     (if $B1
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (then
  ;; CHECK:         (br $B0)))
  ;; CHECK:     (call 1
  ;; CHECK:       (local.get 2)))
  ;; CHECK:   (local.get 2))

  ;; no tee: one br_table target closes before the first get, the other after it
  (func $no_tee_past_br_table (param i32 i32) (result i32)
    (local $x i32)
    (block $a
      (block $b
        (local.set $x (i32.mul (local.get 0) (i32.const 5)))
        (br_table $b $a (local.get 1)))
      (call $log (local.get $x)))
    (local.get $x))
  ;; CHECK: (func $no_tee_past_br_table (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (local.set 2
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (i32.const 5)))
  ;; CHECK:       (br_table $B1 $B0
  ;; CHECK:         (local.get 1)))
  ;; CHECK:     (call 1
  ;; CHECK:       (local.get 2)))
  ;; CHECK:   (local.get 2))

  ;; MUST NOT CHANGE: a load must not move past memory.grow
  (func $no_load_past_grow (param i32) (result i32)
    (local $x i32)
    (local.set $x (i32.load (local.get 0)))
    (drop (memory.grow (i32.const 0)))
    (local.get $x))
  ;; CHECK: (func $no_load_past_grow (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (drop
  ;; CHECK:     (memory.grow
  ;; CHECK:       (i32.const 0)))
  ;; CHECK:   (local.get 1))

  ;; MUST NOT CHANGE: two traps are not reordered
  (func $no_trap_past_trap (param i32 i32) (result i32)
    (local $x i32)
    (local.set $x (i32.div_s (local.get 0) (local.get 1)))
    (drop (i32.load (local.get 1)))
    (local.get $x))
  ;; CHECK: (func $no_trap_past_trap (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.div_s
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (drop
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (local.get 2))

  ;; a value with a side effect sinks past pure code (nothing can observe the difference)
  (func $call_past_pure (param i32) (result i32)
    (local $x i32)
    (local.set $x (call $imp (local.get 0)))
    (i32.add (i32.mul (local.get 0) (i32.const 3)) (local.get $x)))
  ;; CHECK: (func $call_past_pure (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 3))
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0))))

  ;; a block value with a branch is not sunk below a waiting non-constant operand (a
  ;; Liftoff-like backend would carry the operand through the branch); below a constant it is
  (func $no_structure_under_operand (param i32 i32) (result i32)
    (local $x i32) (local $y i32)
    (local.set $x (block $b (result i32)
      (drop (br_if $b (i32.const 1) (local.get 1)))
      (i32.const 2)))
    (local.set $y (block $c (result i32)
      (drop (br_if $c (i32.const 3) (local.get 1)))
      (i32.const 4)))
    (i32.add
      (i32.sub (i32.const 5) (local.get $y))
      (i32.mul (local.get 0) (local.get $x))))
  ;; CHECK: (func $no_structure_under_operand (param i32 i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (drop
  ;; CHECK:         (br_if $B0
  ;; CHECK:           (i32.const 1)
  ;; CHECK:           (local.get 1)))
  ;; CHECK:       (i32.const 2)))
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.sub
  ;; CHECK:       (i32.const 5)
  ;; CHECK:       (block $B1 (result i32)
  ;; CHECK:         (drop
  ;; CHECK:           (br_if $B1
  ;; CHECK:             (i32.const 3)
  ;; CHECK:             (local.get 1)))
  ;; CHECK:         (i32.const 4)))
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 2))))
)
