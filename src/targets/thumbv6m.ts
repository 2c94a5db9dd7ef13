// `thumbv6m`: ARMv6-M cores (Cortex-M0, M0+, M1) running Thumb-1 (16-bit encodings plus BL),
// as a naive AOT backend uses them. Source: ARMv6-M Architecture Reference Manual (ARM DDI
// 0419E), A6.7 (MOVS/ADDS/SUBS/CMP (immediate): imm8 or imm3; LSLS/LSRS/ASRS (immediate):
// imm5; RORS register only; AND/ORR/EOR/BIC/MVN register only; LDR/STR (immediate): imm5
// scaled by the access size; LDR (literal)). See docs/targets.md for the tables.
//
// Immediates: MOVS 0..255; ADDS/SUBS 0..255 (so add/sub of -255..255); CMP 0..255 (there is
// no CMN immediate); shift amounts 0..31; no immediate forms for AND/ORR/EOR, multiply or
// rotate. Any other constant: a PC-relative literal-pool load (one instruction plus a 4-byte
// pool word, counted 2), or MOVS+MVNS / MOVS+LSLS (2). No hardware divide, no FPU, no
// UMULL, no CBZ/IT: those are runtime calls or branches.

import { helper, type Target } from './index.js';

export const thumbv6m: Target = {
  name: 'thumbv6m',
  title: 'ARMv6-M (Cortex-M0/M0+), Thumb-1, no divide, no FPU',
  materialize: (v) => (v >= 0 && v <= 255 ? 1 : 2), // MOVS #imm8; else LDR =literal (or MOVS + MVNS/LSLS)
  fits(use, v) {
    switch (use) {
      case 'add':
      case 'sub': return v >= -255 && v <= 255; // ADDS/SUBS Rdn, #imm8
      case 'rsub': return v === 0; //              RSBS Rd, Rn, #0 (NEGS)
      case 'cmp':
      case 'cmpeq': return v >= 0 && v <= 255; //  CMP Rn, #imm8
      case 'shift': return true; //                LSLS/LSRS/ASRS #imm5
      default: return false; //                    AND/ORR/EOR/RORS: registers only
    }
  },
  // LDR/STR (immediate) T1: imm5 scaled by the access size (a 64-bit access is two word accesses)
  fitsMem: (off, bytes) => {
    const unit = Math.min(bytes, 4);
    return off % unit === 0 && off + (bytes - unit) <= 31 * unit;
  },
  params: {
    localGet: 1, localSet: 1, localInit: 1, call: 1, callSlot: 1, callIndirect: 7, wordBits: 32, addressing: 'reg+reg',
  },
  ops: {
    block: 0, loop: 0, nop: 0, drop: 0,
    if: 1, else: 1, br: 1, br_if: 1, cond: 1, //  CMP #0 before the branch (no CBZ)
    br_table: 6, return: 1, unreachable: 1,
    select: 3, select64: 4,
    'global.get': 1, 'global.set': 1, 'global.get64': 2, 'global.set64': 2,
    'memory.size': 2, 'memory.grow': helper(1, 1), 'memory.bulk': helper(3, 0),
    load: 1, store: 1, 'i64.load': 2, 'i64.loadN': 2, 'i64.store': 2, 'i64.storeN': 1, 'f64.load': 2, 'f64.store': 2,
    'i32.alu': 1, 'i32.rot': 2, 'i32.clz': helper(1, 1), 'i32.ctz': helper(1, 1), 'i32.popcnt': helper(1, 1),
    'i32.div_u': helper(2, 1) + 2, 'i32.rem_u': helper(2, 1) + 2, // __aeabi_uidiv(mod) after CMP #0; BEQ trap
    'i32.div_s': helper(2, 1) + 4, 'i32.rem_s': helper(2, 1) + 2,
    'i32.extend': 1, //                            SXTB/SXTH
    'i32.eqz': 2, 'i32.eqz.br': 1, //              NEGS; ADCS -- or CMP #0
    'i32.cmp': 4, 'i32.cmp.br': 1, //              CMP; MOVS #1; B<cc>; MOVS #0 -- or CMP
    'i64.add': 2, 'i64.bitwise': 2, 'i64.shift.const': 4, 'i64.shift': helper(3, 2), 'i64.rot.const': 7, 'i64.rot': 10,
    'i64.mul': helper(4, 2), 'i64.div': helper(4, 2) + 3, //  __aeabi_lmul, __aeabi_ldivmod
    'i64.eqz': 4, 'i64.eqz.br': 2, 'i64.cmpeq': 6, 'i64.cmp': 6, 'i64.cmpeq.br': 3, 'i64.cmp.br': 3,
    'i64.clz': helper(2, 1), 'i64.popcnt': helper(2, 1),
    'i64.extend_i32_u': 1, 'i64.extend_i32_s': 1, 'i32.wrap_i64': 1, 'i64.extendN': 2,
    'f32.arith': helper(2, 1), 'f32.simple': 2, 'f32.minmax': helper(2, 1), 'f32.round': helper(1, 1),
    'f32.cmp': helper(2, 1), 'f32.convert': helper(1, 1), 'f32.reinterpret': 1,
    'f64.arith': helper(4, 2), 'f64.simple': 2, 'f64.minmax': helper(4, 2), 'f64.round': helper(2, 2),
    'f64.cmp': helper(4, 1), 'f64.convert': helper(2, 2), 'f64.reinterpret': 2, 'f.convert64': helper(2, 2),
    v128: 6, atomic: 4,
  },
  defaultOp: 1,
};
