// `thumbv7em`: ARMv7E-M cores (Cortex-M4, Cortex-M7) running Thumb-2, as a naive AOT backend
// uses them. Source: ARMv7-M Architecture Reference Manual (ARM DDI 0403E), A5.3.2 "Modified
// immediate constants in Thumb instructions" (ThumbExpandImm), A7.7 (ADD/SUB (immediate)
// encodings T3 and T4 = ADDW/SUBW, MOV (immediate) T2 and T3 = MOVW, MOVT, MVN, BIC, ORN,
// CMN, LDR/STR (immediate) T3: 12-bit offset). See docs/targets.md for the tables.
//
// Immediates:
// - a *modified immediate* (ThumbExpandImm of a 12-bit field): 0x000000XY, 0x00XY00XY,
//   0xXY00XY00, 0xXYXYXYXY, or 1bcdefgh rotated right by 8..31 (an 8-bit value with its top
//   bit set, anywhere from bits 1..8 to bits 24..31): usable by MOV, MVN (of ~v), ADD/SUB,
//   AND/BIC (of ~v), ORR/ORN (of ~v), EOR, CMP/CMN (of -v), RSB;
// - ADDW/SUBW: any 12-bit unsigned value (so add/sub of -4095..4095);
// - MOVW: any 16-bit unsigned value; MOVW+MOVT: anything else (2 instructions);
// - shift and rotate amounts: 5-bit immediates (wasm takes amounts modulo 32);
// - loads/stores: base register + 12-bit unsigned offset.
// Costs assume the FPv4-SP single-precision FPU of a Cortex-M4F (f64 arithmetic is a call to
// the soft-float runtime), and no memory bounds checks (an MPU or a trusted module).

import { helper, type Target } from './index.js';

/**
 * ThumbExpandImm (ARMv7-M ARM A5.3.2): the 32-bit constant a 12-bit modified-immediate field
 * `imm12` = i:imm3:a:bcdefgh encodes, or null for the UNPREDICTABLE encodings (a zero byte
 * in the replicated forms).
 */
export function thumbExpandImm(imm12: number): number | null {
  const byte = imm12 & 0xff;
  if ((imm12 & 0xc00) === 0) {
    switch ((imm12 >> 8) & 3) {
      case 0: return byte;
      case 1: return byte === 0 ? null : ((byte << 16) | byte) >>> 0;
      case 2: return byte === 0 ? null : ((byte << 24) | (byte << 8)) >>> 0;
      default: return byte === 0 ? null : ((byte << 24) | (byte << 16) | (byte << 8) | byte) >>> 0;
    }
  }
  const unrotated = 0x80 | (imm12 & 0x7f);
  const rot = (imm12 >> 7) & 0x1f; // 8..31 here
  return ((unrotated >>> rot) | (unrotated << (32 - rot))) >>> 0;
}

/** Every value ThumbExpandImm can produce (at most 4096), as unsigned 32-bit numbers. */
const MODIFIED = (() => {
  const s = new Set<number>();
  for (let imm12 = 0; imm12 < 4096; imm12++) {
    const v = thumbExpandImm(imm12);
    if (v !== null) s.add(v);
  }
  return s;
})();

/** Whether `v` (any 32-bit pattern) is a Thumb-2 modified immediate constant. */
export function isModifiedImmediate(v: number): boolean {
  return MODIFIED.has(v >>> 0);
}

/** MOV.W (modified immediate), MVN (of ~v), MOVW (16 bits): one instruction; else MOVW+MOVT. */
function materialize(v: number): number {
  if (isModifiedImmediate(v) || isModifiedImmediate(~v) || (v >>> 0) <= 0xffff) return 1;
  return 2;
}

export const thumbv7em: Target = {
  name: 'thumbv7em',
  title: 'ARMv7E-M (Cortex-M4F/M7), Thumb-2, FPv4-SP single-precision FPU',
  materialize,
  fits(use, v) {
    const m = isModifiedImmediate;
    switch (use) {
      case 'add':
      case 'sub': return (v >= -4095 && v <= 4095) || m(v) || m(-v | 0); // ADD/SUB #mod, ADDW/SUBW #imm12
      case 'rsub': return m(v); //                                     RSB #mod
      case 'and':
      case 'or': return m(v) || m(~v); //                               AND/BIC, ORR/ORN
      case 'xor': return m(v); //                                       EOR (there is no EON)
      case 'cmp':
      case 'cmpeq': return m(v) || m(-v | 0); //                        CMP/CMN
      case 'shift':
      case 'rotate': return true; //                                    LSL/LSR/ASR/ROR #imm5
    }
  },
  fitsMem: (off) => off <= 4095, // LDR/LDRH/LDRB/STR... (immediate) T3: imm12
  params: {
    localGet: 1, localSet: 1, localInit: 1, call: 1, callSlot: 1, callIndirect: 6, wordBits: 32, addressing: 'reg+reg',
  },
  ops: {
    // structure
    block: 0, loop: 0, nop: 0, drop: 0,
    if: 1, else: 1, br: 1, br_if: 1, cond: 0, // CBZ/CBNZ test a register against zero in the branch
    br_table: 3, //                              CMP; BHS default; TBB/TBH
    return: 1, unreachable: 1, //                B epilogue; UDF
    select: 3, select64: 5, //                   CMP; ITE; MOV (per word)
    'global.get': 1, 'global.set': 1, 'global.get64': 2, 'global.set64': 2,
    'memory.size': 2, 'memory.grow': helper(1, 1), 'memory.bulk': helper(3, 0),
    // memory
    load: 1, store: 1, 'i64.load': 2, 'i64.loadN': 2, 'i64.store': 2, 'i64.storeN': 1, 'f64.load': 2, 'f64.store': 2,
    // i32
    'i32.alu': 1, 'i32.rot': 1, 'i32.clz': 1, 'i32.ctz': 2 /* RBIT; CLZ */, 'i32.popcnt': helper(1, 1),
    'i32.div_u': 2, 'i32.rem_u': 3, //           CBZ trap; UDIV (; MLS)
    'i32.div_s': 4, 'i32.rem_s': 3, //           + INT_MIN / -1 trap check for div_s
    'i32.extend': 1, //                          SXTB/SXTH
    'i32.eqz': 2, 'i32.eqz.br': 0, //            CLZ; LSR #5 -- or folded into CBZ
    'i32.cmp': 4, 'i32.cmp.br': 1, //            CMP; ITE; MOV; MOV -- or CMP before B<cc>
    // i64 on a register pair
    'i64.add': 2, 'i64.bitwise': 2, //           ADDS; ADC -- two ANDs
    'i64.shift.const': 3, 'i64.shift': 8, 'i64.rot.const': 5, 'i64.rot': 10,
    'i64.mul': 3, //                             UMULL; MLA; MLA
    'i64.div': helper(4, 2) + 2, //              __aeabi_ldivmod after a zero test
    'i64.eqz': 3, 'i64.eqz.br': 1, 'i64.cmpeq': 5, 'i64.cmp': 5, 'i64.cmpeq.br': 2, 'i64.cmp.br': 2,
    'i64.clz': 5, 'i64.popcnt': helper(2, 1),
    'i64.extend_i32_u': 1, 'i64.extend_i32_s': 1, 'i32.wrap_i64': 1, 'i64.extendN': 2,
    // f32 in hardware, f64 in the soft-float runtime
    'f32.arith': 1, 'f32.simple': 1, 'f32.minmax': 4, 'f32.round': helper(1, 1), 'f32.cmp': 4, 'f32.cmp.br': 2,
    'f32.convert': 3, 'f32.reinterpret': 1,
    'f64.arith': helper(4, 2), 'f64.simple': 2, 'f64.minmax': helper(4, 2), 'f64.round': helper(2, 2),
    'f64.cmp': helper(4, 1), 'f64.convert': helper(2, 2), 'f64.reinterpret': 2, 'f.convert64': helper(2, 2),
    v128: 4, atomic: 3,
  },
  defaultOp: 1,
};
