;; PASSES: seam-sroa
(module
  (import "env" "wake" (func $wake (param i32)))
  (import "env" "get" (func $get (result i32)))
  (import "env" "sink" (func $sink (param i64)))
  (memory 1)

  ;; The sem layout: action in bits 0..7, count in bits 32..63, the carrier set on three paths
  ;; (a waiter: action 1; below the limit: count + 1, action 0; at the limit: count, action 0).
  ;; The unpack tests the low byte and stores the high half. The carrier dissolves into the two
  ;; fields (the action's is set inside an if, so it stays a tested local; $sem_inlined shows a
  ;; flag threaded away); the br_table on selects becomes branches.
  (func $sem (param $p i32) (param $waiter i32)
    (local $t i64) (local $count i32)
    (local.set $count (i32.load offset=8 (local.get $p)))
    (block $done
      (block $at_limit
        (block $below
          (br_table $done $below $at_limit
            (select (i32.const 0)
              (select (i32.const 1) (i32.const 2)
                (i32.lt_u (local.get $count) (i32.load offset=12 (local.get $p))))
              (local.get $waiter))))
        (local.set $t (i64.shl (i64.extend_i32_u (i32.add (local.get $count) (i32.const 1))) (i64.const 32)))
        (br 1))
      (local.set $t (i64.or (i64.shl (i64.extend_i32_u (local.get $count)) (i64.const 32)) (i64.const 0))))
    (if (i32.ne (local.get $waiter) (i32.const 0))
      (then (local.set $t (i64.const 1))))
    (if (i64.ne (i64.and (local.get $t) (i64.const 255)) (i64.const 1))
      (then (i64.store32 offset=8 (local.get $p) (i64.shr_u (local.get $t) (i64.const 32))))
      (else (call $wake (local.get $waiter)))))
  ;; CHECK: (func $sem (param i32 i32)
  ;; CHECK:   (local i32 i32 i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.load offset=8
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (block $B2
  ;; CHECK:         (if $B3
  ;; CHECK:           (i32.lt_u
  ;; CHECK:             (local.get 2)
  ;; CHECK:             (i32.load offset=12
  ;; CHECK:               (local.get 0)))
  ;; CHECK:           (then
  ;; CHECK:             (br_if $B0
  ;; CHECK:               (local.get 1))
  ;; CHECK:             (br $B2))
  ;; CHECK:           (else
  ;; CHECK:             (br_if $B0
  ;; CHECK:               (local.get 1))
  ;; CHECK:             (br $B1))))
  ;; CHECK:       (local.set 4
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 2)
  ;; CHECK:           (i32.const 1)))
  ;; CHECK:       (local.set 3
  ;; CHECK:         (i32.const 0))
  ;; CHECK:       (br $B0))
  ;; CHECK:     (local.set 3
  ;; CHECK:       (i32.const 0))
  ;; CHECK:     (local.set 4
  ;; CHECK:       (local.get 2)))
  ;; CHECK:   (if $B4
  ;; CHECK:     (i32.ne
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i32.const 0))
  ;; CHECK:     (then
  ;; CHECK:       (local.set 3
  ;; CHECK:         (i32.const 1))
  ;; CHECK:       (local.set 4
  ;; CHECK:         (i32.const 0))))
  ;; CHECK:   (if $B5
  ;; CHECK:     (i32.ne
  ;; CHECK:       (local.get 3)
  ;; CHECK:       (i32.const 1))
  ;; CHECK:     (then
  ;; CHECK:       (i32.store offset=8
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (local.get 4)))
  ;; CHECK:     (else
  ;; CHECK:       (call 0
  ;; CHECK:         (local.get 1)))))

  ;; The sem decide as the inliner leaves it: the action in its own i64 local (1, then 0 on
  ;; the fall-through path), packed with the count; the carrier is a tee read at once.
  ;; narrow-local makes the action an i32; the pack and unpack disappear; the flag is threaded.
  (func $sem_inlined (param $p i32) (param $waiter i32)
    (local $t i64) (local $action i64) (local $count i32)
    (local.set $count (i32.load offset=8 (local.get $p)))
    (local.set $action (i64.const 1))
    (block $out
      (br_if $out (local.get $waiter))
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (local.set $action (i64.const 0)))
    (if (i32.ne (i32.and (i32.wrap_i64 (local.tee $t
          (i64.or (i64.shl (i64.extend_i32_u (local.get $count)) (i64.const 32)) (local.get $action))))
          (i32.const 255)) (i32.const 1))
      (then (i64.store32 offset=8 (local.get $p) (i64.shr_u (local.get $t) (i64.const 32))))
      (else (call $wake (local.get $waiter)))))
  ;; CHECK: (func $sem_inlined (param i32 i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (local.set 3
  ;; CHECK:     (i32.load offset=8
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (br_if $B1
  ;; CHECK:         (local.get 1))
  ;; CHECK:       (local.set 3
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 3)
  ;; CHECK:           (i32.const 1)))
  ;; CHECK:       (i32.store offset=8
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (local.get 3))
  ;; CHECK:       (br $B0))
  ;; CHECK:     (call 0
  ;; CHECK:       (local.get 1))))

  ;; A field straddling bit 32: action in bits 0..7, count in bits 8..39.
  (func $straddle (param $a i32) (param $c i32) (result i32 i32)
    (local $t i64)
    (local.set $t (i64.or (i64.and (i64.extend_i32_u (local.get $a)) (i64.const 255))
                          (i64.shl (i64.extend_i32_u (local.get $c)) (i64.const 8))))
    (i32.and (i32.wrap_i64 (local.get $t)) (i32.const 255))
    (i32.wrap_i64 (i64.shr_u (local.get $t) (i64.const 8))))
  ;; CHECK: (func $straddle (param i32 i32) (result i32 i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.and
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 255)))
  ;; CHECK:   (local.get 2)
  ;; CHECK:   (local.get 1))

  ;; Two 16-bit fields packed in an i32, the low half read signed, the high half unsigned.
  (func $halves (param $lo i32) (param $hi i32) (result i32 i32)
    (local $t i32)
    (local.set $t (i32.or (i32.shl (local.get $hi) (i32.const 16)) (i32.and (local.get $lo) (i32.const 0xffff))))
    (i32.extend16_s (local.get $t))
    (i32.shr_u (local.get $t) (i32.const 16)))
  ;; CHECK: (func $halves (param i32 i32) (result i32 i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.and
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i32.const 65535)))
  ;; CHECK:   (i32.extend16_s
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (local.get 2))

  ;; A signed high field (bits 48..63) read with i64.shr_s, as a value and in a signed comparison.
  (func $signed_high (param $lo i32) (param $h i32) (result i32 i32 i32)
    (local $t i64)
    (local.set $t (i64.or (i64.shl (i64.extend_i32_u (local.get $h)) (i64.const 48))
                          (i64.extend_i32_u (local.get $lo))))
    (i32.wrap_i64 (i64.shr_s (local.get $t) (i64.const 48)))
    (i64.lt_s (i64.shr_s (local.get $t) (i64.const 48)) (i64.const 0))
    (i32.wrap_i64 (local.get $t)))
  ;; CHECK: (func $signed_high (param i32 i32) (result i32 i32 i32)
  ;; CHECK:   (i32.extend16_s
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (i32.lt_s
  ;; CHECK:     (i32.extend16_s
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (local.get 0))

  ;; A field never read: the low half comes from a call, which still runs (dropped).
  (func $unread (param $c i32) (result i32)
    (local $t i64)
    (local.set $t (i64.or (i64.shl (i64.extend_i32_u (local.get $c)) (i64.const 32))
                          (i64.extend_i32_u (call $get))))
    (i32.wrap_i64 (i64.shr_u (local.get $t) (i64.const 32))))
  ;; CHECK: (func $unread (param i32) (result i32)
  ;; CHECK:   (drop
  ;; CHECK:     (call 1))
  ;; CHECK:   (local.get 0))

  ;; Bit tests, eqz and comparisons with constants read several fields without assembling them.
  (func $tests (param $a i32) (param $c i32) (result i32 i32 i32 i32)
    (local $t i64)
    (local.set $t (i64.or (i64.shl (i64.extend_i32_u (local.get $c)) (i64.const 32))
                          (i64.extend_i32_u (i32.and (local.get $a) (i32.const 255)))))
    (i64.ne (i64.and (local.get $t) (i64.const 0x10000000000)) (i64.const 0))
    (i64.eqz (local.get $t))
    (i64.eq (local.get $t) (i64.const 0x500000007))
    (i64.lt_u (i64.and (local.get $t) (i64.const 0xff)) (i64.const 10)))
  ;; CHECK: (func $tests (param i32 i32) (result i32 i32 i32 i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.and
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 255)))
  ;; CHECK:   (i32.ne
  ;; CHECK:     (i32.and
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i32.const 256))
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (i32.eqz
  ;; CHECK:     (i32.or
  ;; CHECK:       (local.get 2)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (i32.and
  ;; CHECK:     (i32.eq
  ;; CHECK:       (local.get 2)
  ;; CHECK:       (i32.const 7))
  ;; CHECK:     (i32.eq
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i32.const 5)))
  ;; CHECK:   (i32.lt_u
  ;; CHECK:     (local.get 2)
  ;; CHECK:     (i32.const 10)))

  ;; Xor with a constant flips bits inside a field; a narrow store writes the low field.
  (func $flip_store (param $p i32) (param $a i32) (param $c i32)
    (local $t i64)
    (local.set $t (i64.xor (i64.or (i64.shl (i64.extend_i32_u (local.get $c)) (i64.const 32))
                                   (i64.extend_i32_u (i32.and (local.get $a) (i32.const 0xffff))))
                           (i64.const 0x00ff00000000ff)))
    (i64.store16 (local.get $p) (local.get $t))
    (i64.store32 offset=4 (local.get $p) (i64.shr_u (local.get $t) (i64.const 32))))
  ;; CHECK: (func $flip_store (param i32 i32 i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (local.set 4
  ;; CHECK:     (i32.xor
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i32.const 255)))
  ;; CHECK:   (local.set 3
  ;; CHECK:     (i32.xor
  ;; CHECK:       (local.get 2)
  ;; CHECK:       (i32.const 65280)))
  ;; CHECK:   (i32.store16
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 4))
  ;; CHECK:   (i32.store offset=4
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 3)))

  ;; A use that needs the whole value (an i64 add): not split.
  (func $whole (param $a i32) (param $c i32) (result i64 i32)
    (local $t i64)
    (local.set $t (i64.or (i64.shl (i64.extend_i32_u (local.get $c)) (i64.const 32)) (i64.extend_i32_u (local.get $a))))
    (i64.add (local.get $t) (i64.const 1))
    (i32.wrap_i64 (local.get $t)))
  ;; CHECK: (func $whole (param i32 i32) (result i64 i32)
  ;; CHECK:   (local i64)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i64.or
  ;; CHECK:       (i64.shl
  ;; CHECK:         (i64.extend_i32_u
  ;; CHECK:           (local.get 1))
  ;; CHECK:         (i64.const 32))
  ;; CHECK:       (i64.extend_i32_u
  ;; CHECK:         (local.get 0))))
  ;; CHECK:   (i64.add
  ;; CHECK:     (local.get 2)
  ;; CHECK:     (i64.const 1))
  ;; CHECK:   (i32.wrap_i64
  ;; CHECK:     (local.get 2)))

  ;; The carrier escapes into a call argument: not split.
  (func $escapes (param $a i32) (param $c i32) (result i32)
    (local $t i64)
    (local.set $t (i64.or (i64.shl (i64.extend_i32_u (local.get $c)) (i64.const 32)) (i64.extend_i32_u (local.get $a))))
    (call $sink (local.get $t))
    (i32.wrap_i64 (i64.shr_u (local.get $t) (i64.const 32))))
  ;; CHECK: (func $escapes (param i32 i32) (result i32)
  ;; CHECK:   (local i64)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i64.or
  ;; CHECK:       (i64.shl
  ;; CHECK:         (i64.extend_i32_u
  ;; CHECK:           (local.get 1))
  ;; CHECK:         (i64.const 32))
  ;; CHECK:       (i64.extend_i32_u
  ;; CHECK:         (local.get 0))))
  ;; CHECK:   (call 2
  ;; CHECK:     (local.get 2))
  ;; CHECK:   (i32.wrap_i64
  ;; CHECK:     (i64.shr_u
  ;; CHECK:       (local.get 2)
  ;; CHECK:       (i64.const 32))))

  ;; A definition that is not a packing of i32 parts (an i64 parameter): not split.
  (func $opaque (param $x i64) (result i32)
    (local $t i64)
    (local.set $t (i64.mul (local.get $x) (i64.const 3)))
    (i32.wrap_i64 (i64.shr_u (local.get $t) (i64.const 32))))
  ;; CHECK: (func $opaque (param i64) (result i32)
  ;; CHECK:   (local i64)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i64.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i64.const 3)))
  ;; CHECK:   (i32.wrap_i64
  ;; CHECK:     (i64.shr_u
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i64.const 32))))

  ;; The i32 fields of an i32 carrier read whole (a plain i32 local): not split.
  (func $plain (param $a i32) (result i32)
    (local $t i32)
    (local.set $t (i32.or (local.get $a) (i32.const 1)))
    (i32.add (local.get $t) (local.get $t)))
  ;; CHECK: (func $plain (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.or
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (local.get 1)))
;; ---- the decide's dispatch and its facts ----

  ;; br_table on select(0, select(1, 2, below), waiter): a decision tree on the two conditions,
  ;; the first (with the loads) evaluated once and first, the second (a local) on each side.
  ;; On the path where count <u limit held, the overflow check count == -1 is false.
  (func $dispatch (param $p i32) (param $waiter i32) (result i32)
    (local $count i32)
    (block $done
      (block $at_limit
        (block $below
          (br_table $done $below $at_limit $done
            (select (i32.const 0)
              (select (i32.const 1) (i32.const 2)
                (i32.lt_u (local.tee $count (i32.load offset=8 (local.get $p)))
                          (i32.load offset=12 (local.get $p))))
              (local.get $waiter))))
        (if (i32.eq (local.get $count) (i32.const -1)) (then (unreachable)))
        (i32.store offset=8 (local.get $p) (i32.add (local.get $count) (i32.const 1)))
        (return (i32.const 1)))
      (return (i32.const 2)))
    (i32.const 0))
  ;; CHECK: (func $dispatch (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (block $B1
  ;; CHECK:       (block $B2
  ;; CHECK:         (if $B3
  ;; CHECK:           (i32.lt_u
  ;; CHECK:             (local.tee 2
  ;; CHECK:               (i32.load offset=8
  ;; CHECK:                 (local.get 0)))
  ;; CHECK:             (i32.load offset=12
  ;; CHECK:               (local.get 0)))
  ;; CHECK:           (then
  ;; CHECK:             (br_if $B0
  ;; CHECK:               (local.get 1))
  ;; CHECK:             (br $B2))
  ;; CHECK:           (else
  ;; CHECK:             (br_if $B0
  ;; CHECK:               (local.get 1))
  ;; CHECK:             (br $B1))))
  ;; CHECK:       (if $B4
  ;; CHECK:         (i32.const 0)
  ;; CHECK:         (then
  ;; CHECK:           (unreachable)))
  ;; CHECK:       (i32.store offset=8
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.add
  ;; CHECK:           (local.get 2)
  ;; CHECK:           (i32.const 1)))
  ;; CHECK:       (return
  ;; CHECK:         (i32.const 1)))
  ;; CHECK:     (return
  ;; CHECK:       (i32.const 2)))
  ;; CHECK:   (i32.const 0))

  ;; Facts from if arms and br_if: decided where they hold, not where they do not.
  (func $facts (param $p i32) (param $n i32) (result i32 i32 i32)
    (local $x i32)
    (block $b
      (br_if $b (i32.eqz (local.tee $x (i32.load (local.get $p)))))
      ;; here x != 0
      (drop (i32.eqz (local.get $x))))
    (if (result i32 i32 i32) (i32.gt_u (local.tee $x (i32.load offset=4 (local.get $p))) (i32.const 10))
      (then (i32.le_u (local.get $x) (i32.const 10)) (i32.eq (local.get $x) (i32.const 11)) (local.get $n))
      ;; the else arm knows x <= 10; after the if nothing is known
      (else (i32.lt_u (local.get $x) (i32.const 11)) (i32.eq (local.get $x) (i32.const 3)) (i32.const 0))))
  ;; CHECK: (func $facts (param i32 i32) (result i32 i32 i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (block $B0
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (i32.eqz
  ;; CHECK:         (local.tee 2
  ;; CHECK:           (i32.load
  ;; CHECK:             (local.get 0)))))
  ;; CHECK:     (drop
  ;; CHECK:       (i32.const 0)))
  ;; CHECK:   (if $B1 (result i32 i32 i32)
  ;; CHECK:     (i32.gt_u
  ;; CHECK:       (local.tee 2
  ;; CHECK:         (i32.load offset=4
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (i32.const 10))
  ;; CHECK:     (then
  ;; CHECK:       (i32.const 0)
  ;; CHECK:       (i32.eq
  ;; CHECK:         (local.get 2)
  ;; CHECK:         (i32.const 11))
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (else
  ;; CHECK:       (i32.const 1)
  ;; CHECK:       (i32.eq
  ;; CHECK:         (local.get 2)
  ;; CHECK:         (i32.const 3))
  ;; CHECK:       (i32.const 0))))

  ;; A fact from before a loop is not used inside it; a value redefined is not covered.
  (func $facts_not (param $p i32) (result i32)
    (local $x i32) (local $r i32)
    (if (i32.lt_u (local.tee $x (i32.load (local.get $p))) (i32.const 5))
      (then
        (loop $l
          (local.set $r (i32.add (local.get $r) (i32.eq (local.get $x) (i32.const 7))))
          (br_if $l (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 1))) (i32.const 9))))))
    (i32.add (local.get $r) (i32.eq (local.get $x) (i32.const 7))))
  ;; CHECK: (func $facts_not (param i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (i32.lt_u
  ;; CHECK:       (local.tee 1
  ;; CHECK:         (i32.load
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (i32.const 5))
  ;; CHECK:     (then
  ;; CHECK:       (loop $B1
  ;; CHECK:         (local.set 2
  ;; CHECK:           (i32.add
  ;; CHECK:             (local.get 2)
  ;; CHECK:             (i32.eq
  ;; CHECK:               (local.get 1)
  ;; CHECK:               (i32.const 7))))
  ;; CHECK:         (br_if $B1
  ;; CHECK:           (i32.lt_u
  ;; CHECK:             (local.tee 1
  ;; CHECK:               (i32.add
  ;; CHECK:                 (local.get 1)
  ;; CHECK:                 (i32.const 1)))
  ;; CHECK:             (i32.const 9))))))
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 2)
  ;; CHECK:     (i32.eq
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i32.const 7))))
)
