;; PASSES: -O3
;; coalesce-locals gives $a and $b one index (neither is ever written: both hold null), and
;; optimize-instructions runs after it: `select x x c` is x (c has no effect), which a second
;; -O3 run folded (fuzz seed 1 #440: two never-written funcref locals).
(module
  (func $f (export "f") (param $c i32) (result i32)
    (local $a externref) (local $b externref)
    (ref.is_null
      (select (result externref) (local.get $a) (local.get $b) (i32.lt_s (local.get $c) (i32.const 3)))))
  ;; CHECK: (func $f (param i32) (result i32)
  ;; CHECK:   (local externref)
  ;; CHECK:   (ref.is_null
  ;; CHECK:     (local.get 1)))
)
