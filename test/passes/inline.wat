;; PASSES: inline
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "get" (func $get (result i32)))
  (memory (export "mem") 1)
  (global $g (mut i32) (i32.const 0))

  ;; ---- br_table dispatch in the callee; `return` inside nested blocks ----

  ;; a switch returning a different constant per case, some through `return` from deep inside
  (func $classify (param $k i32) (result i32)
    (block $c
      (block $b
        (block $a
          (br_table $a $b $c (local.get $k)))
        (return (i32.const 10)))
      (block $inner
        (br_if $inner (i32.eqz (global.get $g)))
        (return (i32.const 21)))
      (return (i32.const 20)))
    (i32.const 30))
  ;; CHECK: (func $classify (param i32) (result i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (block $B2
  ;; CHECK:         (br_table $B2 $B1 $B0
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (return
  ;; CHECK:         (i32.const 10)))
  ;; CHECK:     (block $B3
  ;; CHECK:       (br_if $B3
  ;; CHECK:         (i32.eqz
  ;; CHECK:           (global.get 0)))
  ;; CHECK:       (return
  ;; CHECK:         (i32.const 21)))
  ;; CHECK:     (return
  ;; CHECK:       (i32.const 20)))
  ;; CHECK:   (i32.const 30))

  ;; the only call site (and $classify is not exported): inlined whatever its size
  (func $use_classify (param $x i32) (result i32)
    (i32.add
      (call $classify (local.get $x))
      (i32.const 1)))
  ;; CHECK: (func $use_classify (param i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (block $B1
  ;; CHECK:         (block $B2
  ;; CHECK:           (block $B3
  ;; CHECK:             (br_table $B3 $B2 $B1
  ;; CHECK:               (local.get 0)))
  ;; CHECK:           (br $B0
  ;; CHECK:             (i32.const 10)))
  ;; CHECK:         (block $B4
  ;; CHECK:           (br_if $B4
  ;; CHECK:             (i32.eqz
  ;; CHECK:               (global.get 0)))
  ;; CHECK:           (br $B0
  ;; CHECK:             (i32.const 21)))
  ;; CHECK:         (br $B0
  ;; CHECK:           (i32.const 20)))
  ;; CHECK:       (i32.const 30))
  ;; CHECK:     (i32.const 1)))

  ;; ---- a callee with a loop, and a local read before it is written ----

  ;; sums 1..n into $acc, which starts at zero: the inlined copy must re-zero it on every entry
  (func $sum_to (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $l
        (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $acc))
  ;; CHECK: (func $sum_to (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (loop $B1
  ;; CHECK:       (br_if $B0
  ;; CHECK:         (i32.le_s
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (i32.const 0)))
  ;; CHECK:       (local.set 1
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (local.set 0
  ;; CHECK:         (i32.sub
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (i32.const 1)))
  ;; CHECK:       (br $B1)))
  ;; CHECK:   (local.get 1))

  ;; calls it inside a loop: three calls, each must start from $acc = 0
  (func $sum_in_loop (param $x i32) (result i32)
    (local $i i32)
    (local $total i32)
    (local.set $x (i32.and (local.get $x) (i32.const 15)))
    (loop $l
      (local.set $total (i32.add (local.get $total) (call $sum_to (local.get $x))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (local.get $total))
  ;; CHECK: (func $sum_in_loop (param i32) (result i32)
  ;; CHECK:   (local i32 i32 i32 i32)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.and
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 15)))
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 2
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 2)
  ;; CHECK:         (block $B1 (result i32)
  ;; CHECK:           (local.set 3
  ;; CHECK:             (local.get 0))
  ;; CHECK:           (local.set 4
  ;; CHECK:             (i32.const 0))
  ;; CHECK:           (block $B2
  ;; CHECK:             (loop $B3
  ;; CHECK:               (br_if $B2
  ;; CHECK:                 (i32.le_s
  ;; CHECK:                   (local.get 3)
  ;; CHECK:                   (i32.const 0)))
  ;; CHECK:               (local.set 4
  ;; CHECK:                 (i32.add
  ;; CHECK:                   (local.get 4)
  ;; CHECK:                   (local.get 3)))
  ;; CHECK:               (local.set 3
  ;; CHECK:                 (i32.sub
  ;; CHECK:                   (local.get 3)
  ;; CHECK:                   (i32.const 1)))
  ;; CHECK:               (br $B3)))
  ;; CHECK:           (local.get 4))))
  ;; CHECK:     (local.set 1
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 1)
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (i32.lt_u
  ;; CHECK:         (local.get 1)
  ;; CHECK:         (i32.const 3))))
  ;; CHECK:   (local.get 2))

  ;; a callee that only returns its initial zero when asked: read-before-write on one path
  (func $maybe_zero (param $p i32) (result i32)
    (local $v i32)
    (if (local.get $p) (then (local.set $v (i32.const 7))))
    (local.get $v))
  ;; CHECK: (func $maybe_zero (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (then
  ;; CHECK:       (local.set 1
  ;; CHECK:         (i32.const 7))))
  ;; CHECK:   (local.get 1))

  (func $maybe_zero_loop (param $x i32) (result i32)
    (local $i i32)
    (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (call $maybe_zero (i32.and (i32.shr_u (local.get $x) (local.get $i)) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 4))))
    (local.get $s))
  ;; CHECK: (func $maybe_zero_loop (param i32) (result i32)
  ;; CHECK:   (local i32 i32 i32 i32)
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 2
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 2)
  ;; CHECK:         (block $B1 (result i32)
  ;; CHECK:           (local.set 3
  ;; CHECK:             (i32.and
  ;; CHECK:               (i32.shr_u
  ;; CHECK:                 (local.get 0)
  ;; CHECK:                 (local.get 1))
  ;; CHECK:               (i32.const 1)))
  ;; CHECK:           (local.set 4
  ;; CHECK:             (i32.const 0))
  ;; CHECK:           (if $B2
  ;; CHECK:             (local.get 3)
  ;; CHECK:             (then
  ;; CHECK:               (local.set 4
  ;; CHECK:                 (i32.const 7))))
  ;; CHECK:           (local.get 4))))
  ;; CHECK:     (local.set 1
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 1)
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (i32.lt_u
  ;; CHECK:         (local.get 1)
  ;; CHECK:         (i32.const 4))))
  ;; CHECK:   (local.get 2))

  ;; ---- multi-value ----

  (func $divmod (param $a i32) (param $b i32) (result i32 i32)
    (if (i32.eqz (local.get $b)) (then (return (i32.const 0) (i32.const 0))))
    (i32.div_u (local.get $a) (local.get $b))
    (i32.rem_u (local.get $a) (local.get $b)))
  ;; CHECK: (func $divmod (param i32 i32) (result i32 i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (i32.eqz
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (then
  ;; CHECK:       (return
  ;; CHECK:         (i32.const 0)
  ;; CHECK:         (i32.const 0))))
  ;; CHECK:   (i32.div_u
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.rem_u
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1)))

  (func $use_divmod (param $a i32) (param $b i32) (result i32 i32)
    (call $divmod (local.get $a) (local.get $b)))
  ;; CHECK: (func $use_divmod (param i32 i32) (result i32 i32)
  ;; CHECK:   (block $B0 (result i32 i32)
  ;; CHECK:     (if $B1
  ;; CHECK:       (i32.eqz
  ;; CHECK:         (local.get 1))
  ;; CHECK:       (then
  ;; CHECK:         (br $B0
  ;; CHECK:           (i32.const 0)
  ;; CHECK:           (i32.const 0))))
  ;; CHECK:     (i32.div_u
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (i32.rem_u
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1))))

  ;; a tiny multi-value callee; the caller takes its two results with pops
  (func $swap (param $a i32) (param $b i32) (result i32 i32)
    (local.get $b)
    (local.get $a))
  ;; CHECK: (func $swap (param i32 i32) (result i32 i32)
  ;; CHECK:   (local.get 1)
  ;; CHECK:   (local.get 0))

  (func $use_swap_sub (param $a i32) (param $b i32) (result i32)
    (call $swap (local.get $a) (i32.const 7))
    (i32.sub))
  ;; CHECK: (func $use_swap_sub (param i32 i32) (result i32)
  ;; CHECK:   (block $B0 (result i32 i32)
  ;; CHECK:     (i32.const 7)
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.sub
  ;; CHECK:     (pop i32)
  ;; CHECK:     (pop i32)))

  ;; operands that are pops (the results of a multi-value call): that site of $sub stays a call
  (func $use_sub_of_swap (param $a i32) (result i32)
    (call $sub (call $swap (local.get $a) (i32.const 3))))
  ;; CHECK: (func $use_sub_of_swap (param i32) (result i32)
  ;; CHECK:   (block $B0 (result i32 i32)
  ;; CHECK:     (i32.const 3)
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (call 19
  ;; CHECK:     (pop i32)
  ;; CHECK:     (pop i32)))

  ;; ---- traps: order relative to the caller's effects and the arguments ----

  (func $div (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))
  ;; CHECK: (func $div (param i32 i32) (result i32)
  ;; CHECK:   (i32.div_s
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1)))

  (func $trap_order (param $a i32) (param $b i32) (result i32)
    (call $log (i32.const 1))
    (global.set $g (i32.const 5))
    (call $div
      (block (result i32) (call $log (i32.const 2)) (local.get $a))
      (block (result i32) (call $log (i32.const 3)) (local.get $b)))
    (call $log (i32.const 4))
    (i32.store (i32.const 0) (local.get $a)))
  ;; CHECK: (func $trap_order (param i32 i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.const 5))
  ;; CHECK:   (block $B0 (result i32)
  ;; CHECK:     (local.set 2
  ;; CHECK:       (block $B1 (result i32)
  ;; CHECK:         (call 0
  ;; CHECK:           (i32.const 2))
  ;; CHECK:         (local.get 0)))
  ;; CHECK:     (local.set 3
  ;; CHECK:       (block $B2 (result i32)
  ;; CHECK:         (call 0
  ;; CHECK:           (i32.const 3))
  ;; CHECK:         (local.get 1)))
  ;; CHECK:     (i32.div_s
  ;; CHECK:       (local.get 2)
  ;; CHECK:       (local.get 3)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 4))
  ;; CHECK:   (i32.store
  ;; CHECK:     (i32.const 0)
  ;; CHECK:     (local.get 0)))

  ;; a load that may trap, argument calls before it
  (func $load_at (param $p i32) (result i32)
    (i32.load (local.get $p)))
  ;; CHECK: (func $load_at (param i32) (result i32)
  ;; CHECK:   (i32.load
  ;; CHECK:     (local.get 0)))

  (func $trap_load (param $p i32) (result i32)
    (i32.add
      (call $load_at (i32.add (local.get $p) (call $get)))
      (call $load_at (local.get $p))))
  ;; CHECK: (func $trap_load (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (local.set 1
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (call 1)))
  ;; CHECK:       (i32.load
  ;; CHECK:         (local.get 1)))
  ;; CHECK:     (block $B1 (result i32)
  ;; CHECK:       (i32.load
  ;; CHECK:         (local.get 0)))))

  ;; ---- a callee that writes its parameter: no forwarding of that parameter ----

  (func $clobber (param $p i32) (param $q i32) (result i32)
    (local.set $p (i32.add (local.get $p) (local.get $q)))
    (i32.mul (local.get $p) (local.get $q)))
  ;; CHECK: (func $clobber (param i32 i32) (result i32)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (i32.mul
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1)))

  (func $use_clobber (param $x i32) (param $y i32) (result i32)
    (i32.add
      (call $clobber (local.get $x) (local.get $y))
      (i32.add (local.get $x) (local.get $y))))
  ;; CHECK: (func $use_clobber (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (local.set 2
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (local.set 2
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 2)
  ;; CHECK:           (local.get 1)))
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 2)
  ;; CHECK:         (local.get 1)))
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1))))

  ;; ---- argument evaluation order with side effects on a forwarded local ----

  (func $sub (param $a i32) (param $b i32) (result i32)
    (i32.sub (local.get $a) (local.get $b)))
  ;; CHECK: (func $sub (param i32 i32) (result i32)
  ;; CHECK:   (i32.sub
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1)))

  ;; the tee runs before the get: $x may be forwarded for $b
  (func $order_tee_first (param $x i32) (result i32)
    (call $sub (local.tee $x (i32.add (local.get $x) (i32.const 1))) (local.get $x)))
  ;; CHECK: (func $order_tee_first (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0 (result i32)
  ;; CHECK:     (local.set 1
  ;; CHECK:       (local.tee 0
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (i32.const 1))))
  ;; CHECK:     (i32.sub
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (local.get 0))))

  ;; the get runs before the tee: $x must not be forwarded for $a
  (func $order_get_first (param $x i32) (result i32)
    (call $sub (local.get $x) (local.tee $x (i32.mul (local.get $x) (i32.const 3)))))
  ;; CHECK: (func $order_get_first (param i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (block $B0 (result i32)
  ;; CHECK:     (local.set 1
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (local.set 2
  ;; CHECK:       (local.tee 0
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (i32.const 3))))
  ;; CHECK:     (i32.sub
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (local.get 2))))

  ;; ---- import calls inside the callee: order preserved ----

  (func $log_twice (param $a i32) (param $b i32)
    (call $log (local.get $a))
    (call $log (call $get))
    (call $log (local.get $b)))
  ;; CHECK: (func $log_twice (param i32 i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (call 0
  ;; CHECK:     (call 1))
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 1)))

  (func $use_log_twice (param $x i32)
    (call $log_twice (call $get) (local.get $x))
    (call $log_twice (i32.const 100) (call $get)))
  ;; CHECK: (func $use_log_twice (param i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (local.set 2
  ;; CHECK:       (call 1))
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 2))
  ;; CHECK:     (call 0
  ;; CHECK:       (call 1))
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (block $B1
  ;; CHECK:     (local.set 1
  ;; CHECK:       (call 1))
  ;; CHECK:     (call 0
  ;; CHECK:       (i32.const 100))
  ;; CHECK:     (call 0
  ;; CHECK:       (call 1))
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 1))))

  ;; ---- a parameter the callee never reads: the argument still runs ----

  (func $ignore (param $a i32) (param $b i32) (result i32)
    (i32.const 9))
  ;; CHECK: (func $ignore (param i32 i32) (result i32)
  ;; CHECK:   (i32.const 9))

  (func $use_ignore (param $x i32) (result i32)
    (call $ignore (call $get) (local.get $x)))
  ;; CHECK: (func $use_ignore (param i32) (result i32)
  ;; CHECK:   (block $B0 (result i32)
  ;; CHECK:     (drop
  ;; CHECK:       (call 1))
  ;; CHECK:     (i32.const 9)))

  ;; ---- recursion: never inlined ----

  (func $even (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (call $odd (i32.sub (local.get $n) (i32.const 1))))))
  ;; CHECK: (func $even (param i32) (result i32)
  ;; CHECK:   (if $B0 (result i32)
  ;; CHECK:     (i32.eqz
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (then
  ;; CHECK:       (i32.const 1))
  ;; CHECK:     (else
  ;; CHECK:       (call 27
  ;; CHECK:         (i32.sub
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (i32.const 1))))))

  (func $odd (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (call $even (i32.sub (local.get $n) (i32.const 1))))))
  ;; CHECK: (func $odd (param i32) (result i32)
  ;; CHECK:   (if $B0 (result i32)
  ;; CHECK:     (i32.eqz
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (then
  ;; CHECK:       (i32.const 0))
  ;; CHECK:     (else
  ;; CHECK:       (call 26
  ;; CHECK:         (i32.sub
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (i32.const 1))))))

  (func $fact (param $n i32) (result i32)
    (if (result i32) (i32.le_u (local.get $n) (i32.const 1))
      (then (i32.const 1))
      (else (i32.mul (local.get $n) (call $fact (i32.sub (local.get $n) (i32.const 1)))))))
  ;; CHECK: (func $fact (param i32) (result i32)
  ;; CHECK:   (if $B0 (result i32)
  ;; CHECK:     (i32.le_u
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 1))
  ;; CHECK:     (then
  ;; CHECK:       (i32.const 1))
  ;; CHECK:     (else
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (call 28
  ;; CHECK:           (i32.sub
  ;; CHECK:             (local.get 0)
  ;; CHECK:             (i32.const 1)))))))

  (func $use_recursion (param $n i32) (result i32)
    (local.set $n (i32.and (local.get $n) (i32.const 31)))
    (i32.add (call $even (local.get $n)) (call $fact (i32.and (local.get $n) (i32.const 7)))))
  ;; CHECK: (func $use_recursion (param i32) (result i32)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.and
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 31)))
  ;; CHECK:   (i32.add
  ;; CHECK:     (call 26
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (call 28
  ;; CHECK:       (i32.and
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 7)))))

  ;; ---- no-return callees ----

  ;; a panic helper larger than a call, called from two places: kept as a call (cold code is
  ;; not copied)
  (func $panic
    (call $log (i32.const -1))
    (unreachable))
  ;; CHECK: (func $panic
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const -1))
  ;; CHECK:   (unreachable))

  ;; as small as a call: inlined
  (func $abort
    (unreachable))
  ;; CHECK: (func $abort
  ;; CHECK:   (unreachable))

  ;; the second call site of $panic
  (func $checked_sub (param $a i32) (param $b i32) (result i32)
    (if (i32.lt_u (local.get $a) (local.get $b)) (then (call $panic)))
    (i32.sub (local.get $a) (local.get $b)))
  ;; CHECK: (func $checked_sub (param i32 i32) (result i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (i32.lt_u
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (then
  ;; CHECK:       (call 30)))
  ;; CHECK:   (i32.sub
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1)))

  ;; a no-return helper larger than a call with a single call site: its body moves there
  (func $fail_once
    (call $log (i32.const -2))
    (unreachable))
  ;; CHECK: (func $fail_once
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const -2))
  ;; CHECK:   (unreachable))
  (func $checked_mul (param $a i32) (result i32)
    (if (i32.gt_u (local.get $a) (i32.const 65535)) (then (call $fail_once)))
    (i32.mul (local.get $a) (local.get $a)))
  ;; CHECK: (func $checked_mul (param i32) (result i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (i32.gt_u
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 65535))
  ;; CHECK:     (then
  ;; CHECK:       (block $B1
  ;; CHECK:         (call 0
  ;; CHECK:           (i32.const -2))
  ;; CHECK:         (unreachable))))
  ;; CHECK:   (i32.mul
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 0)))

  (func $checked_add (param $a i32) (param $b i32) (result i32)
    (if (i32.lt_u (i32.add (local.get $a) (local.get $b)) (local.get $a)) (then (call $panic)))
    (if (i32.eq (local.get $a) (i32.const 12345)) (then (call $abort)))
    (i32.add (local.get $a) (local.get $b)))
  ;; CHECK: (func $checked_add (param i32 i32) (result i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (i32.lt_u
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (local.get 1))
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (then
  ;; CHECK:       (call 30)))
  ;; CHECK:   (if $B1
  ;; CHECK:     (i32.eq
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 12345))
  ;; CHECK:     (then
  ;; CHECK:       (block $B2
  ;; CHECK:         (unreachable))))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1)))

  ;; ---- nested inlining, bottom-up: $outer gets $middle with $leaf already inside ----

  (func $leaf (param $x i32) (result i32)
    (i32.xor (local.get $x) (i32.const 0x5a)))
  ;; CHECK: (func $leaf (param i32) (result i32)
  ;; CHECK:   (i32.xor
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 90)))

  (func $middle (param $x i32) (result i32)
    (i32.add (call $leaf (local.get $x)) (call $leaf (i32.const 3))))
  ;; CHECK: (func $middle (param i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (i32.xor
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 90)))
  ;; CHECK:     (block $B1 (result i32)
  ;; CHECK:       (i32.xor
  ;; CHECK:         (i32.const 3)
  ;; CHECK:         (i32.const 90)))))

  (func $outer (param $x i32) (result i32)
    (call $middle (i32.shl (local.get $x) (i32.const 1))))
  ;; CHECK: (func $outer (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0 (result i32)
  ;; CHECK:     (local.set 1
  ;; CHECK:       (i32.shl
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (i32.add
  ;; CHECK:       (block $B1 (result i32)
  ;; CHECK:         (i32.xor
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i32.const 90)))
  ;; CHECK:       (block $B2 (result i32)
  ;; CHECK:         (i32.xor
  ;; CHECK:           (i32.const 3)
  ;; CHECK:           (i32.const 90))))))

  ;; ---- size: a big callee with two call sites stays a call; with one site it is inlined ----

  (func $big (param $x i32) (result i32)
    (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 3)) (i32.const 1)))
    (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 5)) (i32.const 2)))
    (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 7)) (i32.const 3)))
    (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 9)) (i32.const 4)))
    (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 11)) (i32.const 5)))
    (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 13)) (i32.const 6)))
    (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 15)) (i32.const 7)))
    (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 17)) (i32.const 8)))
    (local.get $x))
  ;; CHECK: (func $big (param i32) (result i32)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 3))
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 5))
  ;; CHECK:       (i32.const 2)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 7))
  ;; CHECK:       (i32.const 3)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 9))
  ;; CHECK:       (i32.const 4)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 11))
  ;; CHECK:       (i32.const 5)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 13))
  ;; CHECK:       (i32.const 6)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 15))
  ;; CHECK:       (i32.const 7)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 17))
  ;; CHECK:       (i32.const 8)))
  ;; CHECK:   (local.get 0))

  (func $use_big (param $x i32) (result i32)
    (i32.add (call $big (local.get $x)) (call $big (i32.const 1))))
  ;; CHECK: (func $use_big (param i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (call 39
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (call 39
  ;; CHECK:       (i32.const 1))))

  (func $big_once (param $x i32) (result i32)
    (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 3)) (i32.const 1)))
    (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 5)) (i32.const 2)))
    (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 7)) (i32.const 3)))
    (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 9)) (i32.const 4)))
    (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 11)) (i32.const 5)))
    (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 13)) (i32.const 6)))
    (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 15)) (i32.const 7)))
    (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 17)) (i32.const 8)))
    (local.get $x))
  ;; CHECK: (func $big_once (param i32) (result i32)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 3))
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 5))
  ;; CHECK:       (i32.const 2)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 7))
  ;; CHECK:       (i32.const 3)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 9))
  ;; CHECK:       (i32.const 4)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 11))
  ;; CHECK:       (i32.const 5)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 13))
  ;; CHECK:       (i32.const 6)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 15))
  ;; CHECK:       (i32.const 7)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 17))
  ;; CHECK:       (i32.const 8)))
  ;; CHECK:   (local.get 0))

  (func $use_big_once (param $x i32) (result i32)
    (call $big_once (local.get $x)))
  ;; CHECK: (func $use_big_once (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0 (result i32)
  ;; CHECK:     (local.set 1
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (local.set 1
  ;; CHECK:       (i32.add
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i32.const 3))
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (local.set 1
  ;; CHECK:       (i32.add
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i32.const 5))
  ;; CHECK:         (i32.const 2)))
  ;; CHECK:     (local.set 1
  ;; CHECK:       (i32.add
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i32.const 7))
  ;; CHECK:         (i32.const 3)))
  ;; CHECK:     (local.set 1
  ;; CHECK:       (i32.add
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i32.const 9))
  ;; CHECK:         (i32.const 4)))
  ;; CHECK:     (local.set 1
  ;; CHECK:       (i32.add
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i32.const 11))
  ;; CHECK:         (i32.const 5)))
  ;; CHECK:     (local.set 1
  ;; CHECK:       (i32.add
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i32.const 13))
  ;; CHECK:         (i32.const 6)))
  ;; CHECK:     (local.set 1
  ;; CHECK:       (i32.add
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i32.const 15))
  ;; CHECK:         (i32.const 7)))
  ;; CHECK:     (local.set 1
  ;; CHECK:       (i32.add
  ;; CHECK:         (i32.mul
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i32.const 17))
  ;; CHECK:         (i32.const 8)))
  ;; CHECK:     (local.get 1)))

  ;; ---- an exported callee: inlined, and still exported ----

  (func $twice (export "twice") (param $x i32) (result i32)
    (i32.add (local.get $x) (local.get $x)))
  ;; CHECK: (func $twice (param i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 0)))

  (func $use_twice (param $x i32) (result i32)
    (call $twice (i32.const 21)))
  ;; CHECK: (func $use_twice (param i32) (result i32)
  ;; CHECK:   (block $B0 (result i32)
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.const 21)
  ;; CHECK:       (i32.const 21))))

  ;; must NOT be copied: an exported callee with one call site but a loop (the copy
  ;; would duplicate the loop to save one call; loop-free ones up to 100 nodes are copied, see
  ;; test/inline.test.js on the gale decides)
  (func $send_all (export "send_all") (param $p i32) (param $n i32)
    (if (local.get $n)
      (then
        (loop $l
          (call $log (i32.load8_u (local.get $p)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))))
  ;; CHECK: (func $send_all (param i32 i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (then
  ;; CHECK:       (loop $B1
  ;; CHECK:         (call 0
  ;; CHECK:           (i32.load8_u
  ;; CHECK:             (local.get 0)))
  ;; CHECK:         (local.set 0
  ;; CHECK:           (i32.add
  ;; CHECK:             (local.get 0)
  ;; CHECK:             (i32.const 1)))
  ;; CHECK:         (br_if $B1
  ;; CHECK:           (local.tee 1
  ;; CHECK:             (i32.sub
  ;; CHECK:               (local.get 1)
  ;; CHECK:               (i32.const 1))))))))
  (func $use_send_all (param $p i32)
    (call $send_all (local.get $p) (i32.const 11)))
  ;; CHECK: (func $use_send_all (param i32)
  ;; CHECK:   (call 45
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 11)))

  ;; ---- tail calls ----

  ;; a return_call site: the copy's value is returned
  (func $tail_site (param $x i32) (result i32)
    (if (i32.eqz (local.get $x)) (then (return (i32.const -1))))
    (return_call $div (i32.const 100) (local.get $x)))
  ;; CHECK: (func $tail_site (param i32) (result i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (i32.eqz
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (then
  ;; CHECK:       (return
  ;; CHECK:         (i32.const -1))))
  ;; CHECK:   (return
  ;; CHECK:     (block $B1 (result i32)
  ;; CHECK:       (i32.div_s
  ;; CHECK:         (i32.const 100)
  ;; CHECK:         (local.get 0)))))

  ;; a callee that tail-calls, inlined at a plain call site: its tail call becomes a branch out
  (func $tail_callee (param $x i32) (result i32)
    (if (i32.lt_s (local.get $x) (i32.const 0)) (then (return (i32.const 0))))
    (return_call $fact (i32.and (local.get $x) (i32.const 7))))
  ;; CHECK: (func $tail_callee (param i32) (result i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (i32.lt_s
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 0))
  ;; CHECK:     (then
  ;; CHECK:       (return
  ;; CHECK:         (i32.const 0))))
  ;; CHECK:   (return_call 28
  ;; CHECK:     (i32.and
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 7))))

  (func $use_tail_callee (param $x i32) (result i32)
    (i32.add (call $tail_callee (local.get $x)) (i32.const 1)))
  ;; CHECK: (func $use_tail_callee (param i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (if $B1
  ;; CHECK:         (i32.lt_s
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (i32.const 0))
  ;; CHECK:         (then
  ;; CHECK:           (br $B0
  ;; CHECK:             (i32.const 0))))
  ;; CHECK:       (br $B0
  ;; CHECK:         (call 28
  ;; CHECK:           (i32.and
  ;; CHECK:             (local.get 0)
  ;; CHECK:             (i32.const 7)))))
  ;; CHECK:     (i32.const 1)))

  ;; a tail call without results ending an arm that must leave a value: the copy and a
  ;; `return` end that arm (a block around both would end the arm's polymorphic stack)
  (func $tail_void (param $x i32)
    (drop (if (result i32) (local.get $x)
      (then (call $log (i32.const 7)) (return_call $log_twice (local.get $x) (i32.const 8)))
      (else (i32.const 0))))
    (call $log (i32.const 9)))
  ;; CHECK: (func $tail_void (param i32)
  ;; CHECK:   (drop
  ;; CHECK:     (if $B0 (result i32)
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (then
  ;; CHECK:         (call 0
  ;; CHECK:           (i32.const 7))
  ;; CHECK:         (block $B1
  ;; CHECK:           (call 0
  ;; CHECK:             (local.get 0))
  ;; CHECK:           (call 0
  ;; CHECK:             (call 1))
  ;; CHECK:           (call 0
  ;; CHECK:             (i32.const 8)))
  ;; CHECK:         (return))
  ;; CHECK:       (else
  ;; CHECK:         (i32.const 0))))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 9)))

  ;; recursive, so never inlined: stays the target of a tail call
  (func $note (param $x i32)
    (if (i32.gt_u (local.get $x) (i32.const 100)) (then (call $note (i32.const 0))))
    (call $log (local.get $x)))
  ;; CHECK: (func $note (param i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (i32.gt_u
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 100))
  ;; CHECK:     (then
  ;; CHECK:       (call 51
  ;; CHECK:         (i32.const 0))))
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 0)))

  ;; its tail call without results, in an arm that must leave a value, becomes a call and a
  ;; branch out of the inlined block
  (func $tail_void_callee (param $x i32)
    (drop (if (result i32) (local.get $x)
      (then (return_call $note (i32.add (local.get $x) (i32.const 1))))
      (else (i32.const 1))))
    (call $log (i32.const 6)))
  ;; CHECK: (func $tail_void_callee (param i32)
  ;; CHECK:   (drop
  ;; CHECK:     (if $B0 (result i32)
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (then
  ;; CHECK:         (return_call 51
  ;; CHECK:           (i32.add
  ;; CHECK:             (local.get 0)
  ;; CHECK:             (i32.const 1))))
  ;; CHECK:       (else
  ;; CHECK:         (i32.const 1))))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 6)))

  (func $use_tail_void_callee (param $x i32)
    (call $tail_void_callee (local.get $x))
    (call $log (i32.const 10)))
  ;; CHECK: (func $use_tail_void_callee (param i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (drop
  ;; CHECK:       (if $B1 (result i32)
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (then
  ;; CHECK:           (call 51
  ;; CHECK:             (i32.add
  ;; CHECK:               (local.get 0)
  ;; CHECK:               (i32.const 1)))
  ;; CHECK:           (br $B0))
  ;; CHECK:         (else
  ;; CHECK:           (i32.const 1))))
  ;; CHECK:     (call 0
  ;; CHECK:       (i32.const 6)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 10)))
)
