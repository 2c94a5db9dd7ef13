;; PASSES: store-forwarding
(module
  (import "env" "log" (func $log (param i32)))
  (memory 1)
  (export "memory" (memory 0))
  (global $__stack_pointer (mut i32) (i32.const 1024))

  ;; the load reads what the store wrote: forwarded, the store stays
  (func $basic (param $p i32) (param $v i32) (result i32)
    (i32.store offset=8 (local.get $p) (local.get $v))
    (i32.load offset=8 (local.get $p)))
  ;; CHECK: (func $basic (param i32 i32) (result i32)
  ;; CHECK:   (i32.store offset=8
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (local.get 1))

  ;; a store through another pointer may alias: no forwarding
  (func $aliasing_store_between (param $p i32) (param $q i32) (param $v i32) (result i32)
    (i32.store (local.get $p) (local.get $v))
    (i32.store (local.get $q) (i32.const 7))
    (i32.load (local.get $p)))
  ;; CHECK: (func $aliasing_store_between (param i32 i32 i32) (result i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (i32.const 7))
  ;; CHECK:   (i32.load
  ;; CHECK:     (local.get 0)))

  ;; a store to other bytes of the same base does not: forwarded
  (func $disjoint_store_between (param $p i32) (param $v i32) (result i32)
    (i32.store (local.get $p) (local.get $v))
    (i32.store16 offset=4 (local.get $p) (i32.const 7))
    (i32.store8 offset=3 (local.get $p) (i32.const 9))
    (i32.load8_u offset=2 (local.get $p)))
  ;; CHECK: (func $disjoint_store_between (param i32 i32) (result i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.store16 offset=4
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 7))
  ;; CHECK:   (i32.store8 offset=3
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 9))
  ;; CHECK:   (i32.load8_u offset=2
  ;; CHECK:     (local.get 0)))

  ;; a call may write any memory: no forwarding
  (func $call_between (param $p i32) (param $v i32) (result i32)
    (i32.store (local.get $p) (local.get $v))
    (call $log (local.get $v))
    (i32.load (local.get $p)))
  ;; CHECK: (func $call_between (param i32 i32) (result i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.load
  ;; CHECK:     (local.get 0)))

  ;; memory.grow and bulk memory ops end forwarding too
  (func $grow_and_fill_between (param $p i32) (param $v i32) (result i32)
    (i32.store (local.get $p) (local.get $v))
    (drop (memory.grow (i32.const 0)))
    (i32.store offset=4 (local.get $p) (local.get $v))
    (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))
    (i32.add (i32.load (local.get $p)) (i32.load offset=4 (local.get $p))))
  ;; CHECK: (func $grow_and_fill_between (param i32 i32) (result i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (drop
  ;; CHECK:     (memory.grow
  ;; CHECK:       (i32.const 0)))
  ;; CHECK:   (i32.store offset=4
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (memory.fill
  ;; CHECK:     (i32.const 0)
  ;; CHECK:     (i32.const 0)
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (i32.load offset=4
  ;; CHECK:       (local.get 0))))

  ;; partial-width reads: byte k of a store is its value shifted right by 8k, cut and extended;
  ;; forwarded only where that is no bigger than the load (the store stays either way), so here
  ;; the sign-extended byte and the top half (no mask needed) go, the others stay loads
  (func $partial_width (param $p i32) (param $v i32) (param $w i64) (result i64)
    (local $sum i64)
    (i32.store (local.get $p) (local.get $v))
    (i32.store8 offset=4 (local.get $p) (local.get $v))
    (i64.store offset=8 (local.get $p) (local.get $w))
    (i32.store16 offset=16 (local.get $p) (local.get $v))
    (local.set $sum (i64.extend_i32_u (i32.load8_u offset=1 (local.get $p))))
    (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_s (i32.load8_s offset=4 (local.get $p)))))
    (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (i32.load offset=12 (local.get $p)))))
    (local.set $sum (i64.add (local.get $sum) (i64.load16_s offset=10 (local.get $p))))
    (local.set $sum (i64.add (local.get $sum) (i64.load8_s offset=17 (local.get $p))))
    (local.set $sum (i64.add (local.get $sum) (i64.load32_u offset=8 (local.get $p))))
    (i64.add (local.get $sum) (i64.extend_i32_u (i32.load16_u offset=2 (local.get $p)))))
  ;; CHECK: (func $partial_width (param i32 i32 i64) (result i64)
  ;; CHECK:   (local i64)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.store8 offset=4
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i64.store offset=8
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (i32.store16 offset=16
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (local.set 3
  ;; CHECK:     (i64.extend_i32_u
  ;; CHECK:       (i32.load8_u offset=1
  ;; CHECK:         (local.get 0))))
  ;; CHECK:   (local.set 3
  ;; CHECK:     (i64.add
  ;; CHECK:       (local.get 3)
  ;; CHECK:       (i64.extend_i32_s
  ;; CHECK:         (i32.extend8_s
  ;; CHECK:           (local.get 1)))))
  ;; CHECK:   (local.set 3
  ;; CHECK:     (i64.add
  ;; CHECK:       (local.get 3)
  ;; CHECK:       (i64.extend_i32_u
  ;; CHECK:         (i32.load offset=12
  ;; CHECK:           (local.get 0)))))
  ;; CHECK:   (local.set 3
  ;; CHECK:     (i64.add
  ;; CHECK:       (local.get 3)
  ;; CHECK:       (i64.load16_s offset=10
  ;; CHECK:         (local.get 0))))
  ;; CHECK:   (local.set 3
  ;; CHECK:     (i64.add
  ;; CHECK:       (local.get 3)
  ;; CHECK:       (i64.load8_s offset=17
  ;; CHECK:         (local.get 0))))
  ;; CHECK:   (local.set 3
  ;; CHECK:     (i64.add
  ;; CHECK:       (local.get 3)
  ;; CHECK:       (i64.load32_u offset=8
  ;; CHECK:         (local.get 0))))
  ;; CHECK:   (i64.add
  ;; CHECK:     (local.get 3)
  ;; CHECK:     (i64.extend_i32_u
  ;; CHECK:       (i32.shr_u
  ;; CHECK:         (local.get 1)
  ;; CHECK:         (i32.const 16)))))

  ;; floats travel as bits: an i32 load of a stored f32 is its reinterpretation and back (the
  ;; f32 read of the reinterpreted value would need a tee and a local: bigger, kept)
  (func $float_bits (param $p i32) (param $f f32) (param $v i32) (result f32)
    (f32.store (local.get $p) (local.get $f))
    (i32.store offset=4 (local.get $p) (i32.load (local.get $p)))
    (i32.store offset=8 (local.get $p) (local.get $v))
    (f32.add (f32.load offset=4 (local.get $p)) (f32.load offset=8 (local.get $p))))
  ;; CHECK: (func $float_bits (param i32 f32 i32) (result f32)
  ;; CHECK:   (f32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.store offset=4
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.reinterpret_f32
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (i32.store offset=8
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (f32.add
  ;; CHECK:     (f32.load offset=4
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (f32.reinterpret_i32
  ;; CHECK:       (local.get 2))))

  ;; fuzz 10-151: a 16-bit read of a stored f64 would be reinterpret, wrap and mask of the value
  ;; (9 bytes for a 5-byte load): kept; of a stored (teed) constant, it is a constant
  (func $f64_narrow_read (param $p i32) (param $x f64) (result i32)
    (f64.store offset=4 (local.get $p) (local.get $x))
    (i32.load16_u offset=4 (local.get $p)))
  ;; CHECK: (func $f64_narrow_read (param i32 f64) (result i32)
  ;; CHECK:   (f64.store offset=4
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.load16_u offset=4
  ;; CHECK:     (local.get 0)))
  (func $f64_const_narrow_read (param $p i32) (result f64)
    (local $x f64)
    (f64.store offset=4 (i32.const 0) (local.tee $x (f64.const 65535.786)))
    (f64.add (local.get $x) (f64.convert_i32_u (i32.load16_u offset=4 align=1 (i32.const 0)))))
  ;; CHECK: (func $f64_const_narrow_read (param i32) (result f64)
  ;; CHECK:   (local f64)
  ;; CHECK:   (f64.store offset=4
  ;; CHECK:     (i32.const 0)
  ;; CHECK:     (local.tee 1
  ;; CHECK:       (f64.const 65535.786)))
  ;; CHECK:   (f64.add
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (f64.convert_i32_u
  ;; CHECK:       (i32.const 30933))))

  ;; a byte read back only to be stored as a byte needs no mask either (its user ignores the
  ;; other bits, also through a local): forwarded as the value itself
  (func $demanded_narrow_read (param $p i32) (param $v i32)
    (local $b i32)
    (i32.store8 (local.get $p) (local.get $v))
    (i32.store8 offset=1 (local.get $p) (i32.load8_u (local.get $p)))
    (i32.store16 offset=2 (local.get $p) (local.get $v))
    (local.set $b (i32.load16_s offset=2 (local.get $p)))
    (i32.store8 offset=4 (local.get $p) (local.get $b))
    (i32.store16 offset=6 (local.get $p) (local.get $b)))
  ;; CHECK: (func $demanded_narrow_read (param i32 i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (i32.store8
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.store8 offset=1
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.store16 offset=2
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (local.set 2
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.store8 offset=4
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (i32.store16 offset=6
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 2)))

  ;; a byte of a value whose other bits are known zero needs no mask: forwarded
  (func $known_bits_narrow_read (param $p i32) (param $c i32) (result i32)
    (i32.store offset=1000 (local.get $p) (select (i32.const 1) (i32.const 2) (local.get $c)))
    (i32.load8_u offset=1000 (local.get $p)))
  ;; CHECK: (func $known_bits_narrow_read (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (i32.store offset=1000
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.tee 2
  ;; CHECK:       (select
  ;; CHECK:         (i32.const 1)
  ;; CHECK:         (i32.const 2)
  ;; CHECK:         (local.get 1))))
  ;; CHECK:   (local.get 2))

  ;; a load wider than the store, or straddling it, reads other bytes too: kept
  (func $wider_load (param $p i32) (param $v i32) (result i32)
    (i32.store8 (local.get $p) (local.get $v))
    (i32.store16 offset=8 (local.get $p) (local.get $v))
    (i32.add (i32.load (local.get $p)) (i32.load16_u offset=9 (local.get $p))))
  ;; CHECK: (func $wider_load (param i32 i32) (result i32)
  ;; CHECK:   (i32.store8
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.store16 offset=8
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0))
  ;; CHECK:     (i32.load16_u offset=9
  ;; CHECK:       (local.get 0))))

  ;; stored before an if, read after it: forwarded; stored in one arm only: kept
  (func $branches (param $p i32) (param $c i32) (param $v i32) (result i32)
    (i32.store (local.get $p) (local.get $v))
    (if (local.get $c)
      (then (i32.store offset=4 (local.get $p) (i32.const 1)))
      (else (i32.store offset=8 (local.get $p) (i32.const 2))))
    (i32.add (i32.load (local.get $p)) (i32.load offset=4 (local.get $p))))
  ;; CHECK: (func $branches (param i32 i32 i32) (result i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (then
  ;; CHECK:       (i32.store offset=4
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (else
  ;; CHECK:       (i32.store offset=8
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 2))))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 2)
  ;; CHECK:     (i32.load offset=4
  ;; CHECK:       (local.get 0))))

  ;; a call on one arm is enough to lose the stored value
  (func $call_on_one_arm (param $p i32) (param $c i32) (param $v i32) (result i32)
    (i32.store (local.get $p) (local.get $v))
    (if (local.get $c)
      (then (call $log (i32.const 2))))
    (i32.load (local.get $p)))
  ;; CHECK: (func $call_on_one_arm (param i32 i32 i32) (result i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (then
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 2))))
  ;; CHECK:   (i32.load
  ;; CHECK:     (local.get 0)))

  ;; the same bytes stored on both arms by two different stores: kept (no join of values)
  (func $both_arms (param $p i32) (param $c i32) (result i32)
    (if (local.get $c)
      (then (i32.store (local.get $p) (i32.const 1)))
      (else (i32.store (local.get $p) (i32.const 2))))
    (i32.load (local.get $p)))
  ;; CHECK: (func $both_arms (param i32 i32) (result i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (then
  ;; CHECK:       (i32.store
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (else
  ;; CHECK:       (i32.store
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 2))))
  ;; CHECK:   (i32.load
  ;; CHECK:     (local.get 0)))

  ;; a branch out of a block carries the state: forwarded after the block
  (func $branch_out (param $p i32) (param $c i32) (param $v i32) (result i32)
    (i32.store (local.get $p) (local.get $v))
    (block $out
      (br_if $out (local.get $c))
      (i32.store offset=4 (local.get $p) (local.get $c)))
    (i32.load (local.get $p)))
  ;; CHECK: (func $branch_out (param i32 i32 i32) (result i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (block $B0
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (i32.store offset=4
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (local.get 2))

  ;; a loop is entered with nothing known (its back edge is not analysed): kept
  (func $loop (param $p i32) (param $n i32) (result i32)
    (local $s i32)
    (i32.store (local.get $p) (i32.const 3))
    (local.set $n (i32.add (i32.and (local.get $n) (i32.const 7)) (i32.const 1)))
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))
  ;; CHECK: (func $loop (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 3))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.and
  ;; CHECK:         (local.get 1)
  ;; CHECK:         (i32.const 7))
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 2
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 2)
  ;; CHECK:         (i32.load
  ;; CHECK:           (local.get 0))))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.tee 1
  ;; CHECK:         (i32.sub
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i32.const 1)))))
  ;; CHECK:   (local.get 2))

  ;; p + 4 may wrap to a small address while p + offset 4 traps: not the same address, kept
  (func $may_wrap (param $p i32) (param $v i32) (result i32)
    (i32.store (i32.add (local.get $p) (i32.const 4)) (local.get $v))
    (i32.load offset=4 (local.get $p)))
  ;; CHECK: (func $may_wrap (param i32 i32) (result i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 4))
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.load offset=4
  ;; CHECK:     (local.get 0)))

  ;; the local the value came from changes in between: the value is teed into a fresh local
  ;; (worth it for a load with a 2-byte offset: tee and declaration cost 4 bytes)
  (func $value_local_rewritten (param $p i32) (param $v i32) (result i32)
    (i32.store offset=1000 (local.get $p) (local.get $v))
    (local.set $v (i32.const 7))
    (i32.add (local.get $v) (i32.load offset=1000 (local.get $p))))
  ;; CHECK: (func $value_local_rewritten (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (i32.store offset=1000
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.tee 2
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.const 7))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (local.get 2)))

  ;; MUST NOT CHANGE: the same at offset 0: the tee and the local cost more than the
  ;; load they would save
  (func $value_local_rewritten_small (param $p i32) (param $v i32) (result i32)
    (i32.store (local.get $p) (local.get $v))
    (local.set $v (i32.const 7))
    (i32.add (local.get $v) (i32.load (local.get $p))))
  ;; CHECK: (func $value_local_rewritten_small (param i32 i32) (result i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.const 7))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 0))))

  ;; constants and constant addresses
  (func $constants (result i32)
    (i32.store (i32.const 64) (i32.const 0x12345678))
    (i32.load8_u offset=1 (i32.const 64)))
  ;; CHECK: (func $constants (result i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (i32.const 64)
  ;; CHECK:     (i32.const 305419896))
  ;; CHECK:   (i32.const 86))

  ;; a load whose address writes a local: forwarded, the address still runs first (as a dropped
  ;; statement in a block), and $q is read after it
  (func $address_with_effects (param $p i32) (param $v i32) (result i32)
    (local $q i32)
    (i32.store (local.get $p) (local.get $v))
    (i32.add (i32.load (local.tee $q (local.get $p))) (local.get $q)))
  ;; CHECK: (func $address_with_effects (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.add
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (drop
  ;; CHECK:         (local.tee 2
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (local.get 2)))

  ;; a shadow-stack frame: $fp is 16-aligned (every write of $__stack_pointer keeps it so), so
  ;; $fp + 4 does not wrap and the callee's stores meet the caller's loads (the word's; the
  ;; byte's would be a mask of an unknown value, bigger than the load: kept)
  (func $frame (param $a i32) (result i32)
    (local $fp i32) (local $s i32)
    (global.set $__stack_pointer (local.tee $fp (i32.sub (global.get $__stack_pointer) (i32.const 16))))
    (local.set $s (i32.add (local.get $fp) (i32.const 4)))
    (i32.store8 offset=4 (local.get $s) (local.get $a))
    (i32.store (local.get $s) (i32.mul (local.get $a) (i32.const 3)))
    (local.set $a (i32.add (i32.load8_u offset=8 (local.get $fp)) (i32.load offset=4 (local.get $fp))))
    (global.set $__stack_pointer (i32.add (local.get $fp) (i32.const 16)))
    (local.get $a))
  ;; CHECK: (func $frame (param i32) (result i32)
  ;; CHECK:   (local i32 i32 i32)
  ;; CHECK:   (global.set 0
  ;; CHECK:     (local.tee 1
  ;; CHECK:       (i32.sub
  ;; CHECK:         (global.get 0)
  ;; CHECK:         (i32.const 16))))
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i32.const 4)))
  ;; CHECK:   (i32.store8 offset=4
  ;; CHECK:     (local.get 2)
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 2)
  ;; CHECK:     (local.tee 3
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 3))))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load8_u offset=8
  ;; CHECK:         (local.get 1))
  ;; CHECK:       (local.get 3)))
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i32.const 16)))
  ;; CHECK:   (local.get 0))

  ;; the address overwrites the local the stored value was read from: never re-read from $v
  ;; (which then holds the address); the value would need a fresh local at the store (a tee and
  ;; a declaration), which this one load does not save: kept
  (func $address_overwrites_value (param $p i32) (param $v i32) (result i32)
    (i32.store (local.get $p) (local.get $v))
    (i32.load (local.tee $v (local.get $p))))
  ;; CHECK: (func $address_overwrites_value (param i32 i32) (result i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.load
  ;; CHECK:     (local.tee 1
  ;; CHECK:       (local.get 0))))

  ;; the address calls an import (which may write memory): no forwarding
  (func $call_in_address (param $p i32) (result i32)
    (i32.store (local.get $p) (i32.const 7))
    (i32.load (block (result i32) (call $log (i32.const 1)) (local.get $p))))
  ;; CHECK: (func $call_in_address (param i32) (result i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 7))
  ;; CHECK:   (i32.load
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (call 0
  ;; CHECK:         (i32.const 1))
  ;; CHECK:       (local.get 0))))
)
