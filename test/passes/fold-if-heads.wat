;; PASSES: fold-if-heads
(module
  (import "env" "effect" (func $effect (param i32)))
  (import "env" "cond" (func $cond (result i32)))
  (memory 1)

  ;; the sem shape: both arms start with the same br_if; the rest becomes one br_if on the
  ;; negated comparison (a trapping load in the condition still runs before the br_if)
  (func $sem (param i32 i32) (result i32)
    (block $out
      (block $skip
        (if (i32.lt_u (i32.load (local.get 0)) (i32.const 10))
          (then (br_if $out (local.get 1)))
          (else (br_if $out (local.get 1)) (br $skip)))
        (local.set 0 (i32.add (local.get 0) (i32.const 1))))
      (return (local.get 0)))
    (i32.const -1))
  ;; CHECK: (func $sem (param i32 i32) (result i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (i32.ge_u
  ;; CHECK:         (i32.load
  ;; CHECK:           (local.get 0))
  ;; CHECK:         (i32.const 10))
  ;; CHECK:       (br_if $B0
  ;; CHECK:         (local.get 1))
  ;; CHECK:       (br_if $B1
  ;; CHECK:         (pop i32))
  ;; CHECK:       (local.set 0
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (i32.const 1))))
  ;; CHECK:     (return
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (i32.const -1))

  ;; import calls: the condition's call runs first, then the shared call, then the arm: order kept
  (func $calls (param i32)
    (if (call $cond)
      (then (call $effect (i32.const 1)) (call $effect (i32.const 2)))
      (else (call $effect (i32.const 1)) (call $effect (i32.const 3)))))
  ;; CHECK: (func $calls (param i32)
  ;; CHECK:   (call 1)
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (if $B0
  ;; CHECK:     (pop i32)
  ;; CHECK:     (then
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 2)))
  ;; CHECK:     (else
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 3)))))

  ;; both arms entirely equal: the if keeps only its condition, dropped
  (func $equal-arms (param i32)
    (if (local.get 0)
      (then (call $effect (i32.const 7)))
      (else (call $effect (i32.const 7)))))
  ;; CHECK: (func $equal-arms (param i32)
  ;; CHECK:   (drop
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 7)))

  ;; both arms entirely equal, and the condition must run first (a call): it is dropped before
  ;; the heads, no value left waiting on the stack (fuzz seed 1 #317: a second run moved it)
  (func $equal-arms-call
    (if (call $cond)
      (then (call $effect (i32.const 7)))
      (else (call $effect (i32.const 7)))))
  ;; CHECK: (func $equal-arms-call
  ;; CHECK:   (drop
  ;; CHECK:     (call 1))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 7)))

  ;; must NOT change: different first statements (the immediate differs)
  (func $different (param i32)
    (if (local.get 0)
      (then (call $effect (i32.const 1)))
      (else (call $effect (i32.const 2)))))
  ;; CHECK: (func $different (param i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (else
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 2)))))

  ;; must NOT change: the common head contains a structure (labels are not compared)
  (func $structured (param i32)
    (if (local.get 0)
      (then (block (call $effect (i32.const 1))) (call $effect (i32.const 2)))
      (else (block (call $effect (i32.const 1))) (call $effect (i32.const 3)))))
  ;; CHECK: (func $structured (param i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (call 0
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (if $B1
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 2)))
  ;; CHECK:     (else
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 3)))))

  ;; must NOT change: the common head branches to the if itself
  (func $self-branch (param i32)
    (if (local.get 0)
      (then (br_if 0 (local.get 0)) (call $effect (i32.const 2)))
      (else (br_if 0 (local.get 0)) (call $effect (i32.const 3)))))
  ;; CHECK: (func $self-branch (param i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (br_if $B0
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 2)))
  ;; CHECK:     (else
  ;; CHECK:       (br_if $B0
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 3)))))

  ;; a typed if: the common head moves out, the arms keep their values
  (func $typed (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call $effect (i32.const 5)) (i32.const 10))
      (else (call $effect (i32.const 5)) (i32.const 20))))
  ;; CHECK: (func $typed (param i32) (result i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 5))
  ;; CHECK:   (if $B0 (result i32)
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (i32.const 10))
  ;; CHECK:     (else
  ;; CHECK:       (i32.const 20))))

  ;; a condition that commutes with the heads (reads locals they do not write, cannot trap):
  ;; the heads simply go first and the condition stays an operand, no stack code
  (func $pure-cond (param i32 i32 i32) (result i32)
    (block $out
      (block $skip
        (if (i32.lt_u (local.get 0) (local.get 1))
          (then (br_if $out (local.get 2)))
          (else (br_if $out (local.get 2)) (br $skip)))
        (local.set 0 (i32.add (local.get 0) (i32.const 1))))
      (return (local.get 0)))
    (i32.const -1))
  ;; CHECK: (func $pure-cond (param i32 i32 i32) (result i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (br_if $B0
  ;; CHECK:         (local.get 2))
  ;; CHECK:       (br_if $B1
  ;; CHECK:         (i32.ge_u
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (local.get 1)))
  ;; CHECK:       (local.set 0
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (i32.const 1))))
  ;; CHECK:     (return
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (i32.const -1))

  ;; the heads write a local the condition reads: the condition must run first (on the stack)
  (func $cond-reads-head-write (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (local.set 0 (i32.const 9)) (local.get 0))
      (else (local.set 0 (i32.const 9)) (i32.const 1))))
  ;; CHECK: (func $cond-reads-head-write (param i32) (result i32)
  ;; CHECK:   (local.get 0)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.const 9))
  ;; CHECK:   (if $B0 (result i32)
  ;; CHECK:     (pop i32)
  ;; CHECK:     (then
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (else
  ;; CHECK:       (i32.const 1))))
;; both arms are the same endless loop (a panic): labels inside the heads correspond, so the
  ;; loop goes above the if; the loop never ends, so the rest of the if is dead: its condition is
  ;; dropped before the heads, no pop is left behind the loop (dce skips stack code, and a second
  ;; run, once promote-locals took the pop out, removed it)
  (func $same_endless_loops (param $p i32)
    (if (i32.load offset=8 (local.get $p))
      (then (drop (i32.load offset=12 (local.get $p))) (loop $l (br $l)))
      (else (drop (i32.load offset=12 (local.get $p))) (loop $m (br $m)))))
  ;; CHECK: (func $same_endless_loops (param i32)
  ;; CHECK:   (drop
  ;; CHECK:     (i32.load offset=8
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (drop
  ;; CHECK:     (i32.load offset=12
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (loop $B0
  ;; CHECK:     (br $B0)))

  ;; an if whose condition already waits on the stack (folded before): more heads go above it
  (func $waiting_condition (param $p i32) (result i32)
    local.get $p
    i32.load offset=8
    local.get $p
    i32.const 1
    i32.store offset=4
    if
      block $b
        local.get $p
        br_if $b
        i32.const 1
        return
      end
      i32.const 7
      return
    else
      block $c
        local.get $p
        br_if $c
        i32.const 1
        return
      end
      i32.const 9
      return
    end
    i32.const 0)
  ;; CHECK: (func $waiting_condition (param i32) (result i32)
  ;; CHECK:   (i32.load offset=8
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.store offset=4
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (block $B0
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (return
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (if $B1
  ;; CHECK:     (pop i32)
  ;; CHECK:     (then
  ;; CHECK:       (return
  ;; CHECK:         (i32.const 7)))
  ;; CHECK:     (else
  ;; CHECK:       (return
  ;; CHECK:         (i32.const 9))))
  ;; CHECK:   (i32.const 0))

  ;; must not fold: the loops differ (one branches to the outer block, out of the loop)
  (func $different_loops (param $p i32)
    (block $out
      (if (local.get $p)
        (then (loop $l (br_if $l (i32.load (local.get $p)))))
        (else (loop $m (br_if $out (i32.load (local.get $p))))))))
  ;; CHECK: (func $different_loops (param i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (if $B1
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (then
  ;; CHECK:         (loop $B2
  ;; CHECK:           (br_if $B2
  ;; CHECK:             (i32.load
  ;; CHECK:               (local.get 0)))))
  ;; CHECK:       (else
  ;; CHECK:         (loop $B3
  ;; CHECK:           (br_if $B0
  ;; CHECK:             (i32.load
  ;; CHECK:               (local.get 0))))))))
)
