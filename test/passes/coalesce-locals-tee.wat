;; PASSES: coalesce-locals
;; Stack flow with a tee: `local.set $x v`, balanced statements, then a root whose first
;; instruction is a get reading only that set, and is the condition of an `if` or `br_if`, while
;; $x has other gets: the set becomes a tee left on the stack and that get a pop (one get less).
;; This is the form fold-if-heads leaves (`c (local.tee $x) A (if (pop) ...)`); a second -O3's
;; promote-locals turns it into a set and a get, and this puts it back (fuzz seed 1 #1211: else
;; 2 bytes larger).
(module
  (import "env" "log" (func $log (param i32)))
  (memory 1)

  ;; the call may write memory, the load may trap: v cannot move past it, it waits on the stack
  (func $tee_across_call (param i32) (result i32)
    (local i32)
    (local.set 1 (i32.load (local.get 0)))
    (call $log (i32.const 7))
    (if (result i32) (local.get 1)
      (then (i32.add (local.get 1) (i32.const 1)))
      (else (i32.load offset=4 (local.get 1)))))
  ;; CHECK: (func $tee_across_call (param i32) (result i32)
  ;; CHECK:   (local.tee 0
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 7))
  ;; CHECK:   (if $B0 (result i32)
  ;; CHECK:     (pop i32)
  ;; CHECK:     (then
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (else
  ;; CHECK:       (i32.load offset=4
  ;; CHECK:         (local.get 0)))))

  ;; the same with `br_if (i32.eqz ...)`, the other shape fold-if-heads leaves
  (func $tee_br_if_eqz (param i32) (result i32)
    (local i32)
    (block $out
      (local.set 1 (i32.load (local.get 0)))
      (call $log (i32.const 7))
      (br_if $out (i32.eqz (local.get 1)))
      (call $log (local.get 1)))
    (local.get 1))
  ;; CHECK: (func $tee_br_if_eqz (param i32) (result i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (local.tee 0
  ;; CHECK:       (i32.load
  ;; CHECK:         (local.get 0)))
  ;; CHECK:     (call 0
  ;; CHECK:       (i32.const 7))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (i32.eqz
  ;; CHECK:         (pop i32)))
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (local.get 0))

  ;; must not change: the consumer is not a condition (a value held on the stack under the
  ;; statements in between costs a Liftoff-like backend more than the get it saves)
  (func $not_a_condition (param i32) (result i32)
    (local i32)
    (local.set 1 (i32.load (local.get 0)))
    (call $log (i32.const 7))
    (call $log (local.get 1))
    (local.get 1))
  ;; CHECK: (func $not_a_condition (param i32) (result i32)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 7))
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (local.get 0))

  ;; must not change: the if's get may read the set in the statement between (two sets reach it)
  (func $two_sets_reach (param i32) (result i32)
    (local i32)
    (local.set 1 (i32.load (local.get 0)))
    (if (local.get 0) (then (local.set 1 (i32.const 5))))
    (if (result i32) (local.get 1)
      (then (i32.add (local.get 1) (i32.const 1)))
      (else (i32.const 0))))
  ;; CHECK: (func $two_sets_reach (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (local.set 1
  ;; CHECK:         (i32.const 5))))
  ;; CHECK:   (if $B1 (result i32)
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (then
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 1)
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (else
  ;; CHECK:       (i32.const 0))))
)
