;; PASSES: unpop
(module
  (import "env" "imp" (func $imp (param i32) (result i32)))
  (import "env" "log" (func $log (param i32)))
  (memory 1)

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
  ;; CHECK:   (local.set 3
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i32.const 2)))
  ;; CHECK:   (i32.sub
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 1))
  ;; CHECK:     (local.get 3)))

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

  ;; MUST NOT REORDER: two import calls left on the stack keep their order: they become the
  ;; operands of the i32.sub, which evaluates them left to right as the stack code did
  (func $no_swap_calls (result i32)
    i32.const 1
    call $imp
    i32.const 2
    call $imp
    i32.sub)
  ;; CHECK: (func $no_swap_calls (result i32)
  ;; CHECK:   (i32.sub
  ;; CHECK:     (call 0
  ;; CHECK:       (i32.const 1))
  ;; CHECK:     (call 0
  ;; CHECK:       (i32.const 2))))

  ;; MUST NOT CHANGE: no pops; the copy and the single-use set are promote-locals' and
  ;; simplify-locals' work, not this pass's
  (func $no_pops_untouched (param i32) (result i32)
    (local $a i32) (local $b i32)
    (local.set $a (local.get 0))
    (local.set $b (i32.add (local.get $a) (i32.const 1)))
    (local.get $b))
  ;; CHECK: (func $no_pops_untouched (param i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (local.get 2))
)
