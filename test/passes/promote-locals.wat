;; PASSES: promote-locals
(module
  (import "env" "imp" (func $imp (param i32) (result i32)))
  (import "env" "log" (func $log (param i32)))
  (memory 1)
  (global $flag (mut i32) (i32.const 0))

  ;; across if/else: both arms write $x last, and $x is the first thing read after the if:
  ;; the if yields the value, which flows straight into its use
  (func $if_else_result (param i32 i32) (result i32)
    (local $x i32)
    (if (local.get 0)
      (then (call $log (i32.const 1)) (local.set $x (i32.const 10)))
      (else (local.set $x (call $imp (local.get 1)))))
    (i32.add (local.get $x) (i32.const 3)))
  ;; CHECK: (func $if_else_result (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (if $B0 (result i32)
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (then
  ;; CHECK:         (call 1
  ;; CHECK:           (i32.const 1))
  ;; CHECK:         (i32.const 10))
  ;; CHECK:       (else
  ;; CHECK:         (call 0
  ;; CHECK:           (local.get 1))))
  ;; CHECK:     (i32.const 3)))

  ;; across br: every exit of the block (two branches and the fall-through) writes $x
  (func $block_br_result (param i32 i32) (result i32)
    (local $x i32)
    (block $done
      (if (local.get 0) (then (local.set $x (i32.const 1)) (br $done)))
      (if (local.get 1) (then (local.set $x (i32.const 2)) (br $done)))
      (local.set $x (i32.mul (local.get 0) (local.get 1))))
    (i32.mul (local.get $x) (local.get 1)))
  ;; CHECK: (func $block_br_result (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (i32.mul
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (if $B1
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (then
  ;; CHECK:           (br $B0
  ;; CHECK:             (i32.const 1))))
  ;; CHECK:       (if $B2
  ;; CHECK:         (local.get 1)
  ;; CHECK:         (then
  ;; CHECK:           (br $B0
  ;; CHECK:             (i32.const 2))))
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (local.get 1)))
  ;; CHECK:     (local.get 1)))

  ;; a set that is not last in its arm still moves to the exit when what follows cannot tell
  (func $if_result_past_store (param i32 i32) (result i32)
    (local $x i32)
    (if (local.get 1)
      (then (local.set $x (i32.const 7)) (i32.store (local.get 0) (i32.const 1)))
      (else (local.set $x (i32.const 8))))
    (local.get $x))
  ;; CHECK: (func $if_result_past_store (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (if $B0 (result i32)
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (then
  ;; CHECK:       (i32.store
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 1))
  ;; CHECK:       (i32.const 7))
  ;; CHECK:     (else
  ;; CHECK:       (i32.const 8))))

  ;; into an if arm: a pure single-use value is evaluated only where it is used
  (func $into_arm (param i32 i32 i32) (result i32)
    (local $x i32)
    (local.set $x (i32.mul (local.get 0) (local.get 1)))
    (if (result i32) (local.get 2)
      (then (i32.add (local.get $x) (i32.const 1)))
      (else (i32.const 0))))
  ;; CHECK: (func $into_arm (param i32 i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (if $B0 (result i32)
  ;; CHECK:     (local.get 2)
  ;; CHECK:     (then
  ;; CHECK:       (i32.add
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (local.get 1))
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (else
  ;; CHECK:       (i32.const 0))))

  ;; into a loop: only a constant or a single get (generic target), no local left
  (func $const_into_loop (param i32) (result i32)
    (local $k i32) (local $n i32)
    (local.set $k (i32.const 3))
    (loop $l
      (local.set $n (i32.add (local.get $n) (local.get $k)))
      (br_if $l (i32.lt_u (local.get $n) (local.get 0))))
    (local.get $n))
  ;; CHECK: (func $const_into_loop (param i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (loop $B0
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (i32.lt_u
  ;; CHECK:         (local.tee 2
  ;; CHECK:           (i32.add
  ;; CHECK:             (local.get 2)
  ;; CHECK:             (i32.const 3)))
  ;; CHECK:         (local.get 0))))
  ;; CHECK:   (local.get 2))

  ;; the pointer-reload pattern: an inlined callee copies the pointer argument into its own
  ;; parameter local, then into another, across a conditional call; the copies go and the
  ;; pointer is read once, where it is used
  (func $pointer_reload (param $ptr i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32)
    (local.set $a (local.get $ptr))
    (local.set $b (local.get $a))
    (if (i32.eqz (global.get $flag)) (then (call $log (i32.const 0))))
    (local.set $c (local.get $b))
    (i32.load offset=8 (local.get $c)))
  ;; CHECK: (func $pointer_reload (param i32) (result i32)
  ;; CHECK:   (local i32 i32 i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (i32.eqz
  ;; CHECK:       (global.get 0))
  ;; CHECK:     (then
  ;; CHECK:       (call 1
  ;; CHECK:         (i32.const 0))))
  ;; CHECK:   (i32.load offset=8
  ;; CHECK:     (local.get 0)))

  ;; copies across a loop: the source is never written again, every copy goes
  (func $copy_across_loop (param $p i32) (param $n i32) (result i32)
    (local $q i32) (local $acc i32)
    (local.set $q (local.get $p))
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (i32.load (local.get $q))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  ;; CHECK: (func $copy_across_loop (param i32 i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 3
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 3)
  ;; CHECK:         (i32.load
  ;; CHECK:           (local.get 0))))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.tee 1
  ;; CHECK:         (i32.sub
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i32.const 1)))))
  ;; CHECK:   (local.get 3))

  ;; stack code put back into a tree (a loom-inlined call storing its arguments): the values
  ;; are evaluated first, the locals written after; here each set can take its value
  (func $stack_args_to_tree (param i32 i32) (result i32)
    (local $a i32) (local $b i32)
    local.get 0
    i32.const 1
    i32.add
    local.get 1
    i32.const 2
    i32.mul
    local.set $b
    local.set $a
    local.get $a
    local.get $b
    i32.sub)
  ;; CHECK: (func $stack_args_to_tree (param i32 i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (i32.sub
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 1))
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i32.const 2))))

  ;; the value cannot come down past the call (a load), so the set goes up to it
  (func $stack_set_up_to_load (param i32) (result i32)
    (local $x i32)
    local.get 0
    i32.load
    i32.const 4
    call $log
    local.set $x
    local.get $x
    local.get 0
    i32.add)
  ;; CHECK: (func $stack_set_up_to_load (param i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 1
  ;; CHECK:     (i32.const 4))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 2)
  ;; CHECK:     (local.get 0)))

  ;; MUST NOT REORDER: a load left on the stack does not move past an import call; it goes
  ;; through a new local instead (the function then has no pops for the passes that skip them)
  (func $no_unpop_load_past_call (param i32) (result i32)
    local.get 0
    i32.load
    i32.const 1
    call $log
    i32.const 2
    i32.add)
  ;; CHECK: (func $no_unpop_load_past_call (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 1
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (i32.const 2)))

  ;; MUST NOT CHANGE: the source of the copy is written on a path to the get (in the loop),
  ;; so the get keeps reading the copy
  (func $no_copy_source_changes (param i32 i32) (result i32)
    (local $a i32)
    (loop $l
      (local.set $a (local.get 0))
      (if (local.get 1) (then (local.set 0 (i32.const 5))))
      (call $log (local.get $a))
      (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
      (br_if $l (local.get 1)))
    (local.get 0))
  ;; CHECK: (func $no_copy_source_changes (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 2
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (if $B1
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (then
  ;; CHECK:         (local.set 0
  ;; CHECK:           (i32.const 5))))
  ;; CHECK:     (call 1
  ;; CHECK:       (local.get 2))
  ;; CHECK:     (local.set 1
  ;; CHECK:       (i32.sub
  ;; CHECK:         (local.get 1)
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (local.get 0))

  ;; MUST NOT CHANGE: a load must not move past a store (into the if's result)
  (func $no_result_load_past_store (param i32 i32) (result i32)
    (local $x i32)
    (if (local.get 1)
      (then (local.set $x (i32.load (local.get 0))) (i32.store (local.get 0) (i32.const 1)))
      (else (local.set $x (i32.const 5))))
    (local.get $x))
  ;; CHECK: (func $no_result_load_past_store (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (then
  ;; CHECK:       (local.set 2
  ;; CHECK:         (i32.load
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (i32.store
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (else
  ;; CHECK:       (local.set 2
  ;; CHECK:         (i32.const 5))))
  ;; CHECK:   (local.get 2))

  ;; MUST NOT CHANGE: a load must not move past an import call (into the block's result)
  (func $no_result_load_past_call (param i32 i32) (result i32)
    (local $x i32)
    (block $done
      (if (local.get 1) (then (local.set $x (i32.const 3)) (br $done)))
      (local.set $x (i32.load (local.get 0)))
      (call $log (i32.const 9)))
    (local.get $x))
  ;; CHECK: (func $no_result_load_past_call (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (if $B1
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (then
  ;; CHECK:         (local.set 2
  ;; CHECK:           (i32.const 3))
  ;; CHECK:         (br $B0)))
  ;; CHECK:     (local.set 2
  ;; CHECK:       (i32.load
  ;; CHECK:         (local.get 0)))
  ;; CHECK:     (call 1
  ;; CHECK:       (i32.const 9)))
  ;; CHECK:   (local.get 2))

  ;; MUST NOT CHANGE: a division that may trap does not move past a call, nor into an arm
  (func $no_trap_past_call (param i32 i32 i32) (result i32)
    (local $x i32)
    (local.set $x (i32.div_s (local.get 0) (local.get 1)))
    (call $log (i32.const 3))
    (if (result i32) (local.get 2)
      (then (local.get $x))
      (else (i32.const 0))))
  ;; CHECK: (func $no_trap_past_call (param i32 i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 3
  ;; CHECK:     (i32.div_s
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (call 1
  ;; CHECK:     (i32.const 3))
  ;; CHECK:   (if $B0 (result i32)
  ;; CHECK:     (local.get 2)
  ;; CHECK:     (then
  ;; CHECK:       (local.get 3))
  ;; CHECK:     (else
  ;; CHECK:       (i32.const 0))))

  ;; MUST NOT CHANGE: a load (may trap) is not moved into an arm, where it might not run
  (func $no_load_into_arm (param i32 i32) (result i32)
    (local $x i32)
    (local.set $x (i32.load (local.get 0)))
    (if (result i32) (local.get 1)
      (then (i32.add (local.get $x) (i32.const 1)))
      (else (i32.const 0))))
  ;; CHECK: (func $no_load_into_arm (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (if $B0 (result i32)
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (then
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 2)
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (else
  ;; CHECK:       (i32.const 0))))

  ;; MUST NOT CHANGE: a value that reads a global written in the loop stays outside it
  (func $no_read_into_writing_loop (param i32) (result i32)
    (local $g i32)
    (local.set $g (global.get $flag))
    (loop $l
      (global.set $flag (i32.add (global.get $flag) (i32.const 1)))
      (br_if $l (i32.lt_u (global.get $flag) (local.get 0))))
    (if (result i32) (local.get 0) (then (local.get $g)) (else (i32.const 1))))
  ;; CHECK: (func $no_read_into_writing_loop (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (global.get 0))
  ;; CHECK:   (loop $B0
  ;; CHECK:     (global.set 0
  ;; CHECK:       (i32.add
  ;; CHECK:         (global.get 0)
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (i32.lt_u
  ;; CHECK:         (global.get 0)
  ;; CHECK:         (local.get 0))))
  ;; CHECK:   (if $B1 (result i32)
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (else
  ;; CHECK:       (i32.const 1))))

  ;; a multi-value result set into locals from the stack and read right back (how binaryen's
  ;; fuzzer passes one on): the round trip goes, and with it the function's last pops, so the
  ;; passes that skip stack code see it in the first run (fuzz 23-102)
  (func $multivalue_round_trip (param $c i32) (result i32 i64 f64)
    (local $a i32) (local $b i64) (local $d f64)
    (block (result i32 i64 f64)
      (if (local.get $c) (then (call $log (i32.const 1))))
      (i32.const 1) (i64.const 2) (f64.const 3))
    local.set $d
    local.set $b
    local.set $a
    local.get $a
    local.get $b
    local.get $d)
  ;; CHECK: (func $multivalue_round_trip (param i32) (result i32 i64 f64)
  ;; CHECK:   (local i32 i64 f64)
  ;; CHECK:   (block $B0 (result i32 i64 f64)
  ;; CHECK:     (if $B1
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (then
  ;; CHECK:         (call 1
  ;; CHECK:           (i32.const 1))))
  ;; CHECK:     (i32.const 1)
  ;; CHECK:     (i64.const 2)
  ;; CHECK:     (f64.const 3)))

  ;; the value set from the stack and read twice keeps its local (the pair inside it goes)
  (func $no_round_trip_two_reads (result i32 i32 i32)
    (local $a i32) (local $b i32)
    (block (result i32 i32)
      (call $log (i32.const 2))
      (i32.const 1) (i32.const 2))
    local.set $b
    local.set $a
    local.get $a
    local.get $b
    local.get $b)
  ;; CHECK: (func $no_round_trip_two_reads (result i32 i32 i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (block $B0 (result i32 i32)
  ;; CHECK:     (call 1
  ;; CHECK:       (i32.const 2))
  ;; CHECK:     (i32.const 1)
  ;; CHECK:     (i32.const 2))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (pop i32))
  ;; CHECK:   (local.get 1)
  ;; CHECK:   (local.get 1))

  ;; every arm writes $x last, but a store of another value comes first after the if: the if
  ;; still yields the value (one set instead of two), and the value is not sunk into the
  ;; store below its address (the address would wait on the stack through the if's arms)
  (func $if_result_not_first (param i32 i32)
    (local $x i32)
    (if (local.get 1)
      (then (call $log (i32.const 1)) (local.set $x (i32.const 10)))
      (else (local.set $x (call $imp (local.get 1)))))
    (i32.store (local.get 0) (local.get $x)))
  ;; CHECK: (func $if_result_not_first (param i32 i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (if $B0 (result i32)
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (then
  ;; CHECK:         (call 1
  ;; CHECK:           (i32.const 1))
  ;; CHECK:         (i32.const 10))
  ;; CHECK:       (else
  ;; CHECK:         (call 0
  ;; CHECK:           (local.get 1)))))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 2)))

  ;; MUST NOT CHANGE: one exit is a br_if (it would need the value on both of its edges)
  (func $no_result_br_if (param i32 i32) (result i32)
    (local $x i32)
    (block $b
      (local.set $x (i32.const 1))
      (br_if $b (local.get 0))
      (local.set $x (i32.const 2)))
    (i32.store (local.get 1) (i32.const 0))
    (local.get $x))
  ;; CHECK: (func $no_result_br_if (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (block $B0 (result i32)
  ;; CHECK:     (block $B1
  ;; CHECK:       (br_if $B1
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (br $B0
  ;; CHECK:         (i32.const 2)))
  ;; CHECK:     (i32.const 1)))

  ;; three exits write $x, one does not: that one yields the value $x holds (the constant set
  ;; before the block, for precompute to fold), and the three sets become one
  (func $result_with_get_exit (param i32 i32) (result i32)
    (local $x i32)
    (local.set $x (i32.const -22))
    (block $b
      (if (i32.eqz (local.get 0)) (then (br $b)))
      (if (local.get 1)
        (then (call $log (i32.const 1)) (local.set $x (i32.const -1)) (br $b)))
      (if (i32.eq (local.get 1) (i32.const 2))
        (then (local.set $x (i32.const 0)) (br $b)))
      (call $log (i32.const 2))
      (local.set $x (i32.const 5)))
    (call $log (i32.const 3))
    (local.get $x))
  ;; CHECK: (func $result_with_get_exit (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (if $B1
  ;; CHECK:         (i32.eqz
  ;; CHECK:           (local.get 0))
  ;; CHECK:         (then
  ;; CHECK:           (br $B0
  ;; CHECK:             (i32.const -22))))
  ;; CHECK:       (if $B2
  ;; CHECK:         (local.get 1)
  ;; CHECK:         (then
  ;; CHECK:           (call 1
  ;; CHECK:             (i32.const 1))
  ;; CHECK:           (br $B0
  ;; CHECK:             (i32.const -1))))
  ;; CHECK:       (if $B3
  ;; CHECK:         (i32.eq
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i32.const 2))
  ;; CHECK:         (then
  ;; CHECK:           (br $B0
  ;; CHECK:             (i32.const 0))))
  ;; CHECK:       (call 1
  ;; CHECK:         (i32.const 2))
  ;; CHECK:       (i32.const 5)))
  ;; CHECK:   (call 1
  ;; CHECK:     (i32.const 3))
  ;; CHECK:   (local.get 2))

  ;; the fall-through exit ends with an if whose else arm never falls through (a panic): the
  ;; then arm moves after the if, its trailing set becomes the exit's, and the block yields
  (func $unnest_panic_arm (param i32 i32) (result i32)
    (local $x i32)
    (block $b
      (if (local.get 0)
        (then (local.set $x (i32.const 7)) (br $b)))
      (if (local.get 1)
        (then (call $log (i32.const 1)) (local.set $x (i32.const 8)))
        (else (loop $l (br $l)))))
    (call $log (i32.const 3))
    (local.get $x))
  ;; CHECK: (func $unnest_panic_arm (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (if $B1
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (then
  ;; CHECK:           (br $B0
  ;; CHECK:             (i32.const 7))))
  ;; CHECK:       (if $B2
  ;; CHECK:         (i32.eqz
  ;; CHECK:           (local.get 1))
  ;; CHECK:         (then
  ;; CHECK:           (loop $B3
  ;; CHECK:             (br $B3))))
  ;; CHECK:       (call 1
  ;; CHECK:         (i32.const 1))
  ;; CHECK:       (i32.const 8)))
  ;; CHECK:   (call 1
  ;; CHECK:     (i32.const 3))
  ;; CHECK:   (local.get 2))

  ;; MUST NOT CHANGE (the if): a branch to the if leaves its then arm; moved after the if,
  ;; that branch would have no label to go to
  (func $no_unnest_targeted_if (param i32 i32) (result i32)
    (local $x i32)
    (block $b
      (if (local.get 0)
        (then (local.set $x (i32.const 7)) (br $b)))
      (if $i (local.get 1)
        (then (br_if $i (local.get 0)) (local.set $x (i32.const 8)))
        (else (loop $l (br $l)))))
    (call $log (i32.const 3))
    (local.get $x))
  ;; CHECK: (func $no_unnest_targeted_if (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (if $B1
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (then
  ;; CHECK:         (local.set 2
  ;; CHECK:           (i32.const 7))
  ;; CHECK:         (br $B0)))
  ;; CHECK:     (if $B2
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (then
  ;; CHECK:         (br_if $B2
  ;; CHECK:           (local.get 0))
  ;; CHECK:         (local.set 2
  ;; CHECK:           (i32.const 8)))
  ;; CHECK:       (else
  ;; CHECK:         (loop $B3
  ;; CHECK:           (br $B3)))))
  ;; CHECK:   (call 1
  ;; CHECK:     (i32.const 3))
  ;; CHECK:   (local.get 2))

  ;; conditional exits (br_if) leave while $x still holds the constant set before the block:
  ;; they go to a landing block after which that constant is yielded; the fall-through's set
  ;; becomes the block's value, the constant set dies, and the block sinks into the read
  (func $result_br_if_landing (param i32 i32) (result i32)
    (local $x i32)
    (local.set $x (i32.const 2989))
    (block $b
      (br_if $b (i32.load8_u (local.get 0)))
      (call $log (i32.const 1))
      (br_if $b (local.get 1))
      (call $log (i32.const 2))
      (local.set $x (i32.const 10)))
    (local.get $x))
  ;; CHECK: (func $result_br_if_landing (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0 (result i32)
  ;; CHECK:     (block $B1
  ;; CHECK:       (br_if $B1
  ;; CHECK:         (i32.load8_u
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (call 1
  ;; CHECK:         (i32.const 1))
  ;; CHECK:       (br_if $B1
  ;; CHECK:         (local.get 1))
  ;; CHECK:       (call 1
  ;; CHECK:         (i32.const 2))
  ;; CHECK:       (br $B0
  ;; CHECK:         (i32.const 10)))
  ;; CHECK:     (i32.const 2989)))

  ;; br_table entries to the block (a struct-return dispatch): the landing takes them; the
  ;; other exits write $x (a constant each), and $x is read after a store of another value
  (func $result_br_table_landing (param i32 i32)
    (local $x i32)
    (local.set $x (i32.const -22))
    (block $b
      (block $c
        (block $d
          (block $e
            (br_table $b $d $c $e $b (local.get 1)))
          (call $log (i32.const 3))
          (local.set $x (i32.const 7))
          (br $b))
        (call $log (i32.const 1))
        (local.set $x (i32.const -1))
        (br $b))
      (call $log (i32.const 2))
      (local.set $x (i32.const 0)))
    (i32.store offset=4 (local.get 0) (local.get 1))
    (i32.store (local.get 0) (local.get $x)))
  ;; CHECK: (func $result_br_table_landing (param i32 i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (block $B1
  ;; CHECK:         (block $B2
  ;; CHECK:           (block $B3
  ;; CHECK:             (block $B4
  ;; CHECK:               (br_table $B1 $B3 $B2 $B4 $B1
  ;; CHECK:                 (local.get 1)))
  ;; CHECK:             (call 1
  ;; CHECK:               (i32.const 3))
  ;; CHECK:             (br $B0
  ;; CHECK:               (i32.const 7)))
  ;; CHECK:           (call 1
  ;; CHECK:             (i32.const 1))
  ;; CHECK:           (br $B0
  ;; CHECK:             (i32.const -1)))
  ;; CHECK:         (call 1
  ;; CHECK:           (i32.const 2))
  ;; CHECK:         (br $B0
  ;; CHECK:           (i32.const 0)))
  ;; CHECK:       (i32.const -22)))
  ;; CHECK:   (i32.store offset=4
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 2)))

  ;; NOT: two landings would be needed (a branch out of the loop while $x still holds its
  ;; initial zero, branches after $x was set to -1): two blocks, two constants and two `br`s
  ;; cost more than the three local ops they save
  (func $no_two_landings (param i32 i32) (result i32)
    (local $x i32)
    (block $b
      (loop $l
        (br_if $b (i32.eqz (local.get 1)))
        (local.set 1 (i32.add (local.get 1) (i32.const -1)))
        (br_if $l (i32.load (local.get 1))))
      (local.set $x (i32.const -1))
      (br_if $b (i32.load8_u (local.get 0)))
      (br_if $b (i32.load8_u offset=1 (local.get 0)))
      (br_if $b (i32.load8_u offset=2 (local.get 0)))
      (local.set $x (call $imp (local.get 0))))
    (local.get $x))
  ;; CHECK: (func $no_two_landings (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (loop $B1
  ;; CHECK:       (br_if $B0
  ;; CHECK:         (i32.eqz
  ;; CHECK:           (local.get 1)))
  ;; CHECK:       (local.set 1
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i32.const -1)))
  ;; CHECK:       (br_if $B1
  ;; CHECK:         (i32.load
  ;; CHECK:           (local.get 1))))
  ;; CHECK:     (local.set 2
  ;; CHECK:       (i32.const -1))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (i32.load8_u
  ;; CHECK:         (local.get 0)))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (i32.load8_u offset=1
  ;; CHECK:         (local.get 0)))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (i32.load8_u offset=2
  ;; CHECK:         (local.get 0)))
  ;; CHECK:     (local.set 2
  ;; CHECK:       (call 0
  ;; CHECK:         (local.get 0))))
  ;; CHECK:   (local.get 2))

  ;; NOT: at the conditional exit $x holds a value loaded from memory (no constant to yield):
  ;; the landing would read $x, one set would become one set plus a get
  (func $no_landing_unknown_value (param i32 i32) (result i32)
    (local $x i32)
    (local.set $x (i32.load (local.get 0)))
    (block $b
      (br_if $b (local.get 1))
      (call $log (i32.const 1))
      (local.set $x (i32.const 10)))
    (call $log (local.get $x))
    (local.get $x))
  ;; CHECK: (func $no_landing_unknown_value (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (block $B0
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (call 1
  ;; CHECK:       (i32.const 1))
  ;; CHECK:     (local.set 2
  ;; CHECK:       (i32.const 10)))
  ;; CHECK:   (call 1
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (local.get 2))

  ;; NOT: a loop on the way up writes $x, so the constant set before it is not what the
  ;; branch sees
  (func $no_landing_loop_writes (param i32 i32) (result i32)
    (local $x i32)
    (local.set $x (i32.const 7))
    (block $b
      (loop $l
        (local.set $x (i32.load (local.get 0)))
        (br_if $b (local.get 1))
        (local.set 1 (i32.add (local.get 1) (i32.const -1)))
        (br_if $l (local.get 1)))
      (local.set $x (i32.const 10)))
    (local.get $x))
  ;; CHECK: (func $no_landing_loop_writes (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.const 7))
  ;; CHECK:   (block $B0
  ;; CHECK:     (loop $B1
  ;; CHECK:       (local.set 2
  ;; CHECK:         (i32.load
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (br_if $B0
  ;; CHECK:         (local.get 1))
  ;; CHECK:       (local.set 1
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i32.const -1)))
  ;; CHECK:       (br_if $B1
  ;; CHECK:         (local.get 1)))
  ;; CHECK:     (local.set 2
  ;; CHECK:       (i32.const 10)))
  ;; CHECK:   (local.get 2))

  ;; every exit of the block is a br (the body ends in a loop that never falls through): the
  ;; block gets a result, and its body an `unreachable` after the loop, which the validator
  ;; types strictly (without it the output was invalid: -O2 on wasm-tools.core, 2026-11-25)
  (func $result_after_endless_loop (param i32) (result i32)
    (local $x i32)
    (block $b
      (if (local.get 0) (then (local.set $x (i32.const 1)) (br $b)))
      (loop $l
        (if (call $imp (local.get 0)) (then (local.set $x (i32.const 2)) (br $b)))
        (br $l)))
    (local.get $x))
  ;; CHECK: (func $result_after_endless_loop (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0 (result i32)
  ;; CHECK:     (if $B1
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (then
  ;; CHECK:         (br $B0
  ;; CHECK:           (i32.const 1))))
  ;; CHECK:     (loop $B2
  ;; CHECK:       (if $B3
  ;; CHECK:         (call 0
  ;; CHECK:           (local.get 0))
  ;; CHECK:         (then
  ;; CHECK:           (br $B0
  ;; CHECK:             (i32.const 2))))
  ;; CHECK:       (br $B2))
  ;; CHECK:     (unreachable)))
)
