;; PASSES: precompute,dce
;; A function's `pop`s can go away in the middle of a pass group: here precompute drops the
;; constant-false `if` holding the only one. The passes that skip stack code (dce here) must
;; see that at once (PassContext.changed re-checks the flag), not only after the function was
;; written back and decoded again — found by the fuzzer: the dead call left behind kept a
;; callee from being inlined until a second -O3 run.
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "tick" (func $tick))

  (func $pops_folded_away (param i32)
    (if (i32.const 0)
      (then
        local.get 0
        call $tick
        call $log))
    (block (unreachable))
    (call $log (i32.const 2)))
  ;; CHECK: (func $pops_folded_away (param i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (unreachable)))

  ;; not this one: its pop stays, so dce leaves it alone
  (func $pops_stay (param i32)
    local.get 0
    call $tick
    call $log
    (block (unreachable))
    (call $log (i32.const 2)))
  ;; CHECK: (func $pops_stay (param i32)
  ;; CHECK:   (local.get 0)
  ;; CHECK:   (call 1)
  ;; CHECK:   (call 0
  ;; CHECK:     (pop i32))
  ;; CHECK:   (block $B0
  ;; CHECK:     (unreachable))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 2)))
)
