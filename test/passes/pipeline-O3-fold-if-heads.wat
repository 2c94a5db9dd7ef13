;; PASSES: -O3
;; -O3 leaves what fold-if-heads folds as stack code (the condition, kept in a local for the
;; arms, waits on the stack while the hoisted head runs), and -O3 on that output gives it back
;; unchanged: $refold is $fold's output as input, but for an xor (fuzz seed 1 #1211: a second run made it
;; `local.set` ... `local.get`, 2 bytes larger, before coalesce-locals made tees on the stack).
(module
  (import "env" "log" (func $log (param i32)))
  (memory 1)
  (func $fold (export "fold") (param i32) (result i32)
    (local i32)
    (if (result i32) (local.tee 1 (i32.load (local.get 0)))
      (then (call $log (i32.const 7)) (i32.add (local.get 1) (i32.const 1)))
      (else (call $log (i32.const 7)) (i32.load offset=4 (local.get 1)))))
  ;; CHECK: (func $fold (param i32) (result i32)
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
  (func $refold (export "refold") (param i32) (result i32)
    local.get 0
    i32.load
    local.tee 0
    i32.const 7
    call $log
    if (result i32)
      local.get 0
      i32.const 1
      i32.xor
    else
      local.get 0
      i32.load offset=4
    end)
  ;; CHECK: (func $refold (param i32) (result i32)
  ;; CHECK:   (local.tee 0
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 7))
  ;; CHECK:   (if $B0 (result i32)
  ;; CHECK:     (pop i32)
  ;; CHECK:     (then
  ;; CHECK:       (i32.xor
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (else
  ;; CHECK:       (i32.load offset=4
  ;; CHECK:         (local.get 0)))))
)
