;; PASSES: coalesce-locals
;; Stack flow (a set and its only get become a value left on the stack) in functions with stack
;; code (`pop` operands: here the results of multi-value blocks). Found by the fuzzer.
(module
  (import "env" "log" (func $log (param i32)))

  ;; the set's value is itself a pop: constants evaluated before the get cannot be pushed in
  ;; front of it (`5 - x` would become `x - 5`); nothing moves
  (func $const_before_get_of_pop (result i32)
    (local i32 i32)
    block (result i32 i32)
      i32.const 1
      i32.const 2
    end
    local.set 1
    local.set 0
    i32.const 5
    local.get 0
    i32.sub
    local.get 1
    i32.add)
  ;; CHECK: (func $const_before_get_of_pop (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (block $B0 (result i32 i32)
  ;; CHECK:     (i32.const 1)
  ;; CHECK:     (i32.const 2))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (pop i32))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (pop i32))
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.sub
  ;; CHECK:       (i32.const 5)
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (local.get 0)))

  ;; pairs nested in each other all go in one run (the inner pair going leaves the outer one
  ;; adjacent; else a second -O3 run would find it)
  (func $nested_pairs (result f64 f64 f32)
    (local f64 f32)
    block (result f64 f64 f32)
      f64.const 1
      f64.const 2
      f32.const 3
    end
    local.set 1
    local.set 0
    local.get 0
    local.get 1)
  ;; CHECK: (func $nested_pairs (result f64 f64 f32)
  ;; CHECK:   (block $B0 (result f64 f64 f32)
  ;; CHECK:     (f64.const 1)
  ;; CHECK:     (f64.const 2)
  ;; CHECK:     (f32.const 3)))

  ;; the same with a value that is not a pop: it stays where it is computed
  (func $nested_with_value (param i32) (result i32 i32 i32)
    (local i32 i32)
    block (result i32 i32)
      local.get 0
      i32.const 2
    end
    local.set 1
    (local.set 2 (i32.mul (local.get 0) (i32.const 3)))
    local.get 2
    local.get 1)
  ;; CHECK: (func $nested_with_value (param i32) (result i32 i32 i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0 (result i32 i32)
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 2))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (pop i32))
  ;; CHECK:   (i32.mul
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 3))
  ;; CHECK:   (local.get 1))
)
