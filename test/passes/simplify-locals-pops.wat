;; PASSES: simplify-locals
;; Functions that keep stack code (`pop` operands: here the results of a multi-value block,
;; which promote-locals cannot put into a tree) are simplified too, where no pop is involved.
;; Found by the fuzzer: skipping them left sets for coalesce-locals to put on the stack, and a
;; second -O3 run then folded the value into its use (not idempotent).
(module
  ;; the value after the pops moves to its use; the sets of the pops stay
  (func $sink_after_pops (param i32) (result i32)
    (local i32 i32 i32)
    block (result i32 i32)
      local.get 0
      i32.const 1
    end
    local.set 1
    local.set 2
    i32.const 5
    local.set 3
    local.get 3
    local.get 1
    i32.add
    local.get 2
    i32.add)
  ;; CHECK: (func $sink_after_pops (param i32) (result i32)
  ;; CHECK:   (local i32 i32 i32)
  ;; CHECK:   (block $B0 (result i32 i32)
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (pop i32))
  ;; CHECK:   (local.set 2
  ;; CHECK:     (pop i32))
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.const 5)
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (local.get 2)))

  ;; a dead set goes; a dead set of a pop becomes a drop of it (the value still leaves the stack)
  (func $dead_sets (param i32) (result i32)
    (local i32 i32)
    block (result i32 i32)
      local.get 0
      i32.const 1
    end
    local.set 1
    local.set 2
    i32.const 9
    local.set 2
    local.get 0)
  ;; CHECK: (func $dead_sets (param i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (block $B0 (result i32 i32)
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (drop
  ;; CHECK:     (pop i32))
  ;; CHECK:   (drop
  ;; CHECK:     (pop i32))
  ;; CHECK:   (local.get 0))

  ;; a value moves past the roots that take the pops: it pushes one value where the get did,
  ;; so every value waiting on the stack keeps its place
  (func $past_pops (param i32) (result i32)
    (local i32 i32 i32)
    i32.const 5
    local.set 3
    block (result i32 i32)
      local.get 0
      i32.const 1
    end
    local.set 1
    local.set 2
    local.get 2
    local.get 3
    i32.add
    local.get 1
    i32.add)
  ;; CHECK: (func $past_pops (param i32) (result i32)
  ;; CHECK:   (local i32 i32 i32)
  ;; CHECK:   (block $B0 (result i32 i32)
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (pop i32))
  ;; CHECK:   (local.set 2
  ;; CHECK:     (pop i32))
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 2)
  ;; CHECK:       (i32.const 5))
  ;; CHECK:     (local.get 1)))
)
