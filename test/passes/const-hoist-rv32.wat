;; PASSES: const-hoist
;; TARGET: rv32imac
(module
  (memory 1)

  ;; 2047 is a 12-bit immediate (addi/andi/ori/xori), and one `li` (addi from x0) as a value
  (func $imm12 (param i32) (result i32)
    (local.set 0 (i32.add (local.get 0) (i32.const 2047)))
    (local.set 0 (i32.and (local.get 0) (i32.const 2047)))
    (local.set 0 (i32.mul (local.get 0) (i32.const 2047)))
    (local.set 0 (i32.mul (local.get 0) (i32.const 2047)))
    (local.set 0 (i32.mul (local.get 0) (i32.const 2047)))
    (local.set 0 (i32.sub (local.get 0) (i32.const -2048)))
    (local.set 0 (i32.add (local.get 0) (i32.const -2048)))
    (local.get 0))
  ;; CHECK: (func $imm12 (param i32) (result i32)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 2047)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.and
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 2047)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 2047)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 2047)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.mul
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 2047)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.sub
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const -2048)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const -2048)))
  ;; CHECK:   (local.get 0))

  ;; 4096 = 1 << 12 is one `lui` (low 12 bits zero): no cheaper as a local, not hoisted;
  ;; 4097 takes lui+addi each time and is
  (func $beyond12 (param i32) (result i32)
    (local.set 0 (i32.add (local.get 0) (i32.const 4096)))
    (local.set 0 (i32.add (local.get 0) (i32.const 4096)))
    (local.set 0 (i32.xor (local.get 0) (i32.const 4096)))
    (local.set 0 (i32.or (local.get 0) (i32.const 4096)))
    (local.set 0 (i32.add (local.get 0) (i32.const 4097)))
    (local.set 0 (i32.add (local.get 0) (i32.const 4097)))
    (local.set 0 (i32.xor (local.get 0) (i32.const 4097)))
    (local.set 0 (i32.or (local.get 0) (i32.const 4097)))
    (local.get 0))
  ;; CHECK: (func $beyond12 (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 4096)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 4096)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.xor
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 4096)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.or
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 4096)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.tee 1
  ;; CHECK:         (i32.const 4097))))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.xor
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.or
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (local.get 0))

  ;; shift amounts are 5-bit immediates; zero is the x0 register
  (func $free (param i32) (result i32)
    (local.set 0 (i32.shl (local.get 0) (i32.const 0x12345671)))
    (local.set 0 (i32.shr_u (local.get 0) (i32.const 0x12345671)))
    (local.set 0 (i32.rotl (local.get 0) (i32.const 0x12345671)))
    (local.set 0 (i32.shr_s (local.get 0) (i32.const 0x12345671)))
    (i32.store (local.get 0) (i32.const 0))
    (i32.store offset=4 (local.get 0) (i32.const 0))
    (i32.store offset=8 (local.get 0) (i32.const 0))
    (i32.store offset=12 (local.get 0) (i32.const 0))
    (local.get 0))
  ;; CHECK: (func $free (param i32) (result i32)
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.shl
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 305419889)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.shr_u
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 305419889)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.rotl
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 305419889)))
  ;; CHECK:   (local.set 0
  ;; CHECK:     (i32.shr_s
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (i32.const 305419889)))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (i32.store offset=4
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (i32.store offset=8
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (i32.store offset=12
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (local.get 0))

  ;; a load address beyond the 12-bit offset: the base is added for a computed address anyway,
  ;; 0x20004 (lui+addi) is worth a local at four uses, 0x20000 (lui) and 2044 (an offset) are not
  (func $addresses (result i32)
    (i32.add
      (i32.add
        (i32.add (i32.load (i32.const 0x20004)) (i32.load (i32.const 0x20004)))
        (i32.add (i32.load (i32.const 0x20004)) (i32.load offset=4 (i32.const 0x20000))))
      (i32.add
        (i32.add
          (i32.add (i32.load (i32.const 0x20000)) (i32.load (i32.const 0x20000)))
          (i32.add (i32.load (i32.const 0x20000)) (i32.load (i32.const 0x20000))))
        (i32.add
          (i32.add (i32.load (i32.const 2044)) (i32.load (i32.const 2044)))
          (i32.add (i32.load (i32.const 2044)) (i32.load (i32.const 2044)))))))
  ;; CHECK: (func $addresses (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.add
  ;; CHECK:         (i32.load
  ;; CHECK:           (local.tee 0
  ;; CHECK:             (i32.const 131076)))
  ;; CHECK:         (i32.load
  ;; CHECK:           (local.get 0)))
  ;; CHECK:       (i32.add
  ;; CHECK:         (i32.load
  ;; CHECK:           (local.get 0))
  ;; CHECK:         (i32.load
  ;; CHECK:           (local.get 0))))
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.add
  ;; CHECK:         (i32.add
  ;; CHECK:           (i32.load
  ;; CHECK:             (i32.const 131072))
  ;; CHECK:           (i32.load
  ;; CHECK:             (i32.const 131072)))
  ;; CHECK:         (i32.add
  ;; CHECK:           (i32.load
  ;; CHECK:             (i32.const 131072))
  ;; CHECK:           (i32.load
  ;; CHECK:             (i32.const 131072))))
  ;; CHECK:       (i32.add
  ;; CHECK:         (i32.add
  ;; CHECK:           (i32.load
  ;; CHECK:             (i32.const 2044))
  ;; CHECK:           (i32.load
  ;; CHECK:             (i32.const 2044)))
  ;; CHECK:         (i32.add
  ;; CHECK:           (i32.load
  ;; CHECK:             (i32.const 2044))
  ;; CHECK:           (i32.load
  ;; CHECK:             (i32.const 2044)))))))

  ;; a loop with four uses of a lui+addi constant: a tee at the first use would be cheaper
  ;; statically (7 vs 8) but runs every iteration; the set before the loop ties statically
  ;; (2 + set + 4 gets + zeroing = 8) and saves 4 instructions per iteration
  (func $loop (param i32 i32) (result i32)
    (loop $l
      (local.set 0 (i32.xor (local.get 0) (i32.const 0x7654321)))
      (local.set 0 (i32.add (local.get 0) (i32.const 0x7654321)))
      (local.set 0 (i32.mul (local.get 0) (i32.const 0x7654321)))
      (local.set 0 (i32.or (local.get 0) (i32.const 0x7654321)))
      (br_if $l (local.tee 1 (i32.sub (local.get 1) (i32.const 1)))))
    (local.get 0))
  ;; CHECK: (func $loop (param i32 i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 2
  ;; CHECK:     (i32.const 124076833))
  ;; CHECK:   (loop $B0
  ;; CHECK:     (local.set 0
  ;; CHECK:       (i32.xor
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (local.get 2)))
  ;; CHECK:     (local.set 0
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (local.get 2)))
  ;; CHECK:     (local.set 0
  ;; CHECK:       (i32.mul
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (local.get 2)))
  ;; CHECK:     (local.set 0
  ;; CHECK:       (i32.or
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (local.get 2)))
  ;; CHECK:     (br_if $B0
  ;; CHECK:       (local.tee 1
  ;; CHECK:         (i32.sub
  ;; CHECK:           (local.get 1)
  ;; CHECK:           (i32.const 1)))))
  ;; CHECK:   (local.get 0))

  ;; rebasing: the value 0x10018 and the addresses 0x10218 and 0x1021c (each lui+addi, and an
  ;; add for the base) share one local holding 0x10018; the accesses take offsets 0x200 and
  ;; 0x204, which fit sw/lw's 12-bit offset. 0x20000 is more than 2047 past the base: not in the run.
  (func $rebase (param i32) (result i32)
    (i32.store offset=0x10218 (i32.const 0) (i32.add (local.get 0) (i32.const 0x10018)))
    (i32.store offset=0x1021c (i32.const 0) (i32.load offset=0x10218 (i32.const 0)))
    (i32.store offset=0x20000 (i32.const 0) (local.get 0))
    (i32.add (i32.load offset=0x1021c (i32.const 0)) (i32.const 0x10018)))
  ;; CHECK: (func $rebase (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (i32.store offset=512
  ;; CHECK:     (local.tee 1
  ;; CHECK:       (i32.const 65560))
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 0)
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (i32.store offset=516
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (i32.load offset=512
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (i32.store offset=131072
  ;; CHECK:     (i32.const 0)
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.load offset=516
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (local.get 1)))

  ;; must not rebase: 0x10020 used as a value is above the run's base 0x10018 (a value takes no
  ;; offset), so it does not join the three address uses of 0x10018, which share a local on
  ;; their own; its two uses are not worth a local (4 < lui+addi, set, zeroing, get = 5)
  (func $value-above-base (param i32) (result i32)
    (i32.store offset=0x10018 (i32.const 0) (i32.const 0x10020))
    (i32.store offset=0x10018 (i32.const 0) (i32.load offset=0x10018 (i32.const 0)))
    (i32.add (i32.load offset=0x10018 (i32.const 0)) (i32.const 0x10020)))
  ;; CHECK: (func $value-above-base (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.tee 1
  ;; CHECK:       (i32.const 65560))
  ;; CHECK:     (i32.const 65568))
  ;; CHECK:   (i32.store
  ;; CHECK:     (local.get 1)
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 1)))
  ;; CHECK:   (i32.add
  ;; CHECK:     (i32.load
  ;; CHECK:       (local.get 1))
  ;; CHECK:     (i32.const 65568)))
)
