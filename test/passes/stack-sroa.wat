;; PASSES: stack-sroa
;; OPTIONS: assume-private-stack
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "use_ptr" (func $use_ptr (param i32)))
  ;; memory not exported: the oracle compares results, traps and import calls (the frames'
  ;; contents are exactly what --assume-private-stack allows to change)
  (memory 1)
  (global $__stack_pointer (mut i32) (i32.const 4096))

  ;; a struct return after inlining: the callee stores the fields through $fp + 4, the caller
  ;; reads them back after a call; the loads become the stored values, the stores and the frame go
  (func $struct_return (param $a i32) (param $b i32) (result i32)
    (local $fp i32) (local $s i32)
    (global.set $__stack_pointer (local.tee $fp (i32.sub (global.get $__stack_pointer) (i32.const 16))))
    (local.set $s (i32.add (local.get $fp) (i32.const 4)))
    (i32.store offset=8 (local.get $s) (i32.add (local.get $a) (local.get $b)))
    (i32.store8 offset=4 (local.get $s) (local.get $a))
    (i32.store (local.get $s) (local.get $b))
    (call $log (i32.load8_u offset=8 (local.get $fp)))
    (local.set $a (i32.sub (i32.load offset=4 (local.get $fp)) (i32.load offset=12 (local.get $fp))))
    (global.set $__stack_pointer (i32.add (local.get $fp) (i32.const 16)))
    (local.get $a))
  ;; CHECK: (func $struct_return (param i32 i32) (result i32)
  ;; CHECK:   (local i32 i32 i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.sub
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (i32.const 16)))
  ;; CHECK:   (local.set 3
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 2)
  ;; CHECK:       (i32.const 4)))
  ;; CHECK:   (local.set 4
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.and
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 255)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.sub
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (local.get 4)))
  ;; CHECK:   (local.get 0))

  ;; the frame address escapes into a call: the frame stays, and the call may write it
  (func $escapes_into_call (param $a i32) (result i32)
    (local $fp i32)
    (global.set $__stack_pointer (local.tee $fp (i32.sub (global.get $__stack_pointer) (i32.const 16))))
    (i32.store offset=4 (local.get $fp) (local.get $a))
    (call $use_ptr (i32.add (local.get $fp) (i32.const 4)))
    (local.set $a (i32.load offset=4 (local.get $fp)))
    (global.set $__stack_pointer (i32.add (local.get $fp) (i32.const 16)))
    (local.get $a))
  ;; CHECK: (func $escapes_into_call (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (global.set 0
  ;; CHECK:     (local.tee 1
  ;; CHECK:       (i32.sub
  ;; CHECK:         (global.get 0)
  ;; CHECK:         (i32.const 16))))
  ;; CHECK:   (i32.store offset=4
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (call 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i32.const 4)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.load offset=4
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i32.const 16)))
  ;; CHECK:   (local.get 0))

  ;; stored into memory, or compared: escapes too (plain forwarding still applies)
  (func $escapes_stored_or_compared (param $a i32) (result i32)
    (local $fp i32)
    (global.set $__stack_pointer (local.tee $fp (i32.sub (global.get $__stack_pointer) (i32.const 16))))
    (i32.store offset=8 (local.get $fp) (local.get $a))
    (i32.store (i32.const 64) (local.get $fp))
    (local.set $a (i32.add (i32.load offset=8 (local.get $fp)) (i32.eqz (local.get $fp))))
    (global.set $__stack_pointer (i32.add (local.get $fp) (i32.const 16)))
    (local.get $a))
  ;; CHECK: (func $escapes_stored_or_compared (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (global.set 0
  ;; CHECK:     (local.tee 1
  ;; CHECK:       (i32.sub
  ;; CHECK:         (global.get 0)
  ;; CHECK:         (i32.const 16))))
  ;; CHECK:   (i32.store offset=8
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.store
  ;; CHECK:     (i32.const 64)
  ;; CHECK:     (local.get 1))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=8
  ;; CHECK:         (local.get 1))
  ;; CHECK:       (i32.eqz
  ;; CHECK:         (local.get 1))))
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i32.const 16)))
  ;; CHECK:   (local.get 0))

  ;; two frames one after the other, with partial-width reads
  (func $two_frames (param $a i32) (param $w i64) (result i64)
    (local $fp i32) (local $fp2 i32) (local $r i64)
    (global.set $__stack_pointer (local.tee $fp (i32.sub (global.get $__stack_pointer) (i32.const 16))))
    (i64.store offset=8 (local.get $fp) (local.get $w))
    (call $log (local.get $a))
    (local.set $r (i64.extend_i32_u (i32.load offset=12 (local.get $fp))))
    (global.set $__stack_pointer (i32.add (local.get $fp) (i32.const 16)))
    (global.set $__stack_pointer (local.tee $fp2 (i32.add (global.get $__stack_pointer) (i32.const -32))))
    (i32.store16 offset=20 (local.get $fp2) (local.get $a))
    (i32.store offset=24 (local.get $fp2) (i32.const -1))
    (local.set $r (i64.add (local.get $r) (i64.load8_s offset=21 (local.get $fp2))))
    (local.set $r (i64.add (local.get $r) (i64.load32_u offset=24 (local.get $fp2))))
    (global.set $__stack_pointer (i32.add (local.get $fp2) (i32.const 32)))
    (local.get $r))
  ;; CHECK: (func $two_frames (param i32 i64) (result i64)
  ;; CHECK:   (local i32 i32 i64)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.sub
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (i32.const 16)))
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (local.set 4
  ;; CHECK:     (i64.extend_i32_u
  ;; CHECK:       (i32.wrap_i64
  ;; CHECK:         (i64.shr_u
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i64.const 32)))))
  ;; CHECK:   (local.set 3
  ;; CHECK:     (i32.add
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (i32.const -32)))
  ;; CHECK:   (local.set 4
  ;; CHECK:     (i64.add
  ;; CHECK:       (local.get 4)
  ;; CHECK:       (i64.extend8_s
  ;; CHECK:         (i64.extend_i32_u
  ;; CHECK:           (i32.shr_u
  ;; CHECK:             (local.get 0)
  ;; CHECK:             (i32.const 8))))))
  ;; CHECK:   (local.set 4
  ;; CHECK:     (i64.add
  ;; CHECK:       (local.get 4)
  ;; CHECK:       (i64.const 4294967295)))
  ;; CHECK:   (local.get 4))

  ;; a frame inside a frame (an inlined callee with its own frame)
  (func $nested_frames (param $a i32) (result i32)
    (local $fp i32) (local $in i32) (local $r i32)
    (global.set $__stack_pointer (local.tee $fp (i32.sub (global.get $__stack_pointer) (i32.const 16))))
    (i32.store (local.get $fp) (local.get $a))
    (global.set $__stack_pointer (local.tee $in (i32.sub (global.get $__stack_pointer) (i32.const 16))))
    (i32.store offset=4 (local.get $in) (i32.add (local.get $a) (i32.const 1)))
    (call $log (i32.const 0))
    (local.set $r (i32.load offset=4 (local.get $in)))
    (global.set $__stack_pointer (i32.add (local.get $in) (i32.const 16)))
    (local.set $r (i32.add (local.get $r) (i32.load (local.get $fp))))
    (global.set $__stack_pointer (i32.add (local.get $fp) (i32.const 16)))
    (local.get $r))
  ;; CHECK: (func $nested_frames (param i32) (result i32)
  ;; CHECK:   (local i32 i32 i32 i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.sub
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (i32.const 16)))
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.sub
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (i32.const 16)))
  ;; CHECK:   (local.set 4
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (local.set 3
  ;; CHECK:     (local.get 4))
  ;; CHECK:   (local.set 3
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 3)
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (local.get 3))

  ;; a load that cannot be forwarded (inside a loop) keeps the frame and the store it reads;
  ;; the store nobody reads goes
  (func $frame_kept (param $n i32) (result i32)
    (local $fp i32) (local $s i32)
    (global.set $__stack_pointer (local.tee $fp (i32.sub (global.get $__stack_pointer) (i32.const 16))))
    (i32.store (local.get $fp) (i32.const 5))
    (i32.store offset=4 (local.get $fp) (call $log_and_get (local.get $n)))
    (local.set $n (i32.add (i32.and (local.get $n) (i32.const 7)) (i32.const 1)))
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load (local.get $fp))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (global.set $__stack_pointer (i32.add (local.get $fp) (i32.const 16)))
    (local.get $s))
  ;; CHECK: (func $frame_kept (param i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (global.set 0
  ;; CHECK:     (local.tee 1
  ;; CHECK:       (i32.sub
  ;; CHECK:         (global.get 0)
  ;; CHECK:         (i32.const 16))))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (i32.const 5))
  ;; CHECK:   (drop
  ;; CHECK:     (call 8
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.and
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 7))
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 2
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 2)
  ;; CHECK:         (i32.load
  ;; CHECK:           (local.get 1))))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.tee 0
  ;; CHECK:         (i32.sub
  ;; CHECK:           (local.get 0)
  ;; CHECK:           (i32.const 1)))))
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i32.const 16)))
  ;; CHECK:   (local.get 2))

  (func $log_and_get (param $x i32) (result i32)
    (call $log (local.get $x))
    (i32.and (local.get $x) (i32.const 7)))
  ;; CHECK: (func $log_and_get (param i32) (result i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.and
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 7)))

  ;; once released, the frame's bytes are ordinary memory again: a call ends forwarding
  (func $read_after_release (param $a i32) (result i32)
    (local $fp i32)
    (global.set $__stack_pointer (local.tee $fp (i32.sub (global.get $__stack_pointer) (i32.const 16))))
    (i32.store offset=4 (local.get $fp) (local.get $a))
    (global.set $__stack_pointer (i32.add (local.get $fp) (i32.const 16)))
    (call $log (i32.const 3))
    (i32.load offset=4 (local.get $fp)))
  ;; CHECK: (func $read_after_release (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (global.set 0
  ;; CHECK:     (local.tee 1
  ;; CHECK:       (i32.sub
  ;; CHECK:         (global.get 0)
  ;; CHECK:         (i32.const 16))))
  ;; CHECK:   (i32.store offset=4
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i32.const 16)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 3))
  ;; CHECK:   (i32.load offset=4
  ;; CHECK:     (local.get 1)))

  ;; loom's inliner leaves the arguments on the stack and pops them into the callee's
  ;; parameters: the pops become plain sets, then the frame goes
  (func $popped_arguments (param $a i32) (param $b i32) (result i32)
    (local $fp i32) (local $p i32) (local $x i32) (local $y i32)
    global.get $__stack_pointer
    i32.const 16
    i32.sub
    local.tee $fp
    global.set $__stack_pointer
    local.get $fp
    i32.const 4
    i32.add
    local.get $a
    local.get $b
    call $log_and_get
    local.set $y
    local.set $x
    local.set $p
    local.get $p
    local.get $x
    local.get $y
    i32.add
    i32.store offset=8
    local.get $fp
    i32.load offset=12
    local.set $a
    local.get $fp
    i32.const 16
    i32.add
    global.set $__stack_pointer
    local.get $a)
  ;; CHECK: (func $popped_arguments (param i32 i32) (result i32)
  ;; CHECK:   (local i32 i32 i32 i32 i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.sub
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (i32.const 16)))
  ;; CHECK:   (local.set 3
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 2)
  ;; CHECK:       (i32.const 4)))
  ;; CHECK:   (local.set 4
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (local.set 5
  ;; CHECK:     (call 8
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (local.set 6
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 4)
  ;; CHECK:       (local.get 5)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (local.get 6))
  ;; CHECK:   (local.get 0))

  ;; the setup written as a set and a get (as rustc/LLVM also emit it)
  (func $setup_by_set (param $a i32) (result i32)
    (local $fp i32)
    (local.set $fp (i32.sub (global.get $__stack_pointer) (i32.const 32)))
    (global.set $__stack_pointer (local.get $fp))
    (i64.store offset=24 (local.get $fp) (i64.extend_i32_u (local.get $a)))
    (call $log (local.get $a))
    (local.set $a (i32.load offset=24 (local.get $fp)))
    (global.set $__stack_pointer (i32.add (local.get $fp) (i32.const 32)))
    (local.get $a))
  ;; CHECK: (func $setup_by_set (param i32) (result i32)
  ;; CHECK:   (local i32 i64)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.sub
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (i32.const 32)))
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i64.extend_i32_u
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.wrap_i64
  ;; CHECK:       (local.get 2)))
  ;; CHECK:   (local.get 0))

  ;; a frame only written (a result nobody reads): the stores and the frame go, the call stays
  (func $write_only (param $a i32)
    (local $fp i32)
    (global.set $__stack_pointer (local.tee $fp (i32.sub (global.get $__stack_pointer) (i32.const 16))))
    (i32.store offset=4 (local.get $fp) (call $log_and_get (local.get $a)))
    (global.set $__stack_pointer (i32.add (local.get $fp) (i32.const 16))))
  ;; CHECK: (func $write_only (param i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.sub
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (i32.const 16)))
  ;; CHECK:   (drop
  ;; CHECK:     (call 8
  ;; CHECK:       (local.get 0))))

  ;; an access outside the frame (the caller's frame above it): not private
  (func $outside_frame (param $a i32) (result i32)
    (local $fp i32)
    (global.set $__stack_pointer (local.tee $fp (i32.sub (global.get $__stack_pointer) (i32.const 16))))
    (i32.store offset=12 (local.get $fp) (local.get $a))
    (call $log (i32.const 1))
    (local.set $a (i32.add (i32.load offset=12 (local.get $fp)) (i32.load offset=16 (local.get $fp))))
    (global.set $__stack_pointer (i32.add (local.get $fp) (i32.const 16)))
    (local.get $a))
  ;; CHECK: (func $outside_frame (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (global.set 0
  ;; CHECK:     (local.tee 1
  ;; CHECK:       (i32.sub
  ;; CHECK:         (global.get 0)
  ;; CHECK:         (i32.const 16))))
  ;; CHECK:   (i32.store offset=12
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.const 1))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=12
  ;; CHECK:         (local.get 1))
  ;; CHECK:       (i32.load offset=16
  ;; CHECK:         (local.get 1))))
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (i32.const 16)))
  ;; CHECK:   (local.get 0))
)
