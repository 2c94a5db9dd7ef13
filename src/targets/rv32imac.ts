// `rv32imac`: 32-bit RISC-V microcontrollers (RV32I base + M multiply/divide + A atomics + C
// compressed; no F/D, no Zbb), as a naive AOT backend uses them. Source: The RISC-V
// Instruction Set Manual, Volume I: Unprivileged ISA (20191213), 2.3 "Immediate Encoding
// Variants" (I-type: imm[11:0] sign-extended; U-type: imm[31:12]), 2.4 "Integer
// Computational Instructions" (ADDI/SLTI/SLTIU/ANDI/ORI/XORI; SLLI/SRLI/SRAI with a 5-bit
// shamt; LUI), 2.6 "Load and Store Instructions" (12-bit signed offset), chapter 7 "M"
// (MUL/MULHU/DIV/REM; division by zero does not trap). See docs/targets.md for the tables.
//
// Immediates: 12-bit signed (-2048..2047) for addi/andi/ori/xori/slti(u) and load/store
// offsets; 5-bit shift amounts; x0 reads as zero, so the constant 0 is free everywhere.
// Other constants: LUI alone when the low 12 bits are zero, else LUI+ADDI (2). No rotate
// instructions (rotates are shift pairs), no flags (a 64-bit add needs SLTU for the carry),
// no register+register addressing (a computed address is added to the memory base first).

import { helper, type Target } from './index.js';

const imm12 = (v: number) => v >= -2048 && v <= 2047;

export const rv32imac: Target = {
  name: 'rv32imac',
  title: 'RV32IMAC (RISC-V microcontrollers), no FPU, no Zbb',
  materialize(v) {
    if (v === 0) return 0; //                    x0
    if (imm12(v) || (v & 0xfff) === 0) return 1; // ADDI rd, x0, imm / LUI
    return 2; //                                 LUI + ADDI
  },
  fits(use, v) {
    if (v === 0) return true; //                 x0 as the operand
    switch (use) {
      case 'add':
      case 'and':
      case 'or':
      case 'xor':
      case 'cmp': return imm12(v); //            ADDI/ANDI/ORI/XORI/SLTI(U)
      case 'sub': return imm12(-v); //           ADDI rd, rs, -c
      case 'cmpeq': return imm12(v) || imm12(-v); // XORI or ADDI -c, then SEQZ/SNEZ
      case 'rsub': return false; //              no reverse subtract
      case 'shift':
      case 'rotate': return true; //             SLLI/SRLI/SRAI shamt[4:0]
    }
  },
  fitsMem: (off, bytes) => off + Math.max(0, bytes - 4) <= 2047, // LW/SW imm[11:0] (a pair: off and off+4)
  params: {
    localGet: 1, localSet: 1, localInit: 1, call: 1, callSlot: 1, callIndirect: 7, wordBits: 32, addressing: 'reg+imm',
  },
  ops: {
    block: 0, loop: 0, nop: 0, drop: 0,
    if: 1, else: 1, br: 1, br_if: 1, cond: 0, //  BEQZ/BNEZ
    br_table: 5, return: 1, unreachable: 1, //    BGEU default; SLLI; ADD; LW; JR
    select: 3, select64: 5,
    'global.get': 1, 'global.set': 1, 'global.get64': 2, 'global.set64': 2,
    'memory.size': 2, 'memory.grow': helper(1, 1), 'memory.bulk': helper(3, 0),
    load: 1, store: 1, 'i64.load': 2, 'i64.loadN': 2, 'i64.store': 2, 'i64.storeN': 1, 'f64.load': 2, 'f64.store': 2,
    'i32.alu': 1, 'i32.rot': 4, 'i32.clz': helper(1, 1), 'i32.ctz': helper(1, 1), 'i32.popcnt': helper(1, 1),
    'i32.div_u': 2, 'i32.rem_u': 2, 'i32.div_s': 5, 'i32.rem_s': 2, // BEQZ trap first; div_s: INT_MIN / -1 check
    'i32.extend': 2, //                            SLLI; SRAI
    'i32.eqz': 1, 'i32.eqz.br': 0, //              SEQZ -- or BEQZ
    'i32.cmp': 2, 'i32.cmp.br': 0, //              SLT(U) (+ XORI / SEQZ) -- or fused into BLT/BGE/BEQ/BNE
    'i32.lt_s': 1, 'i32.lt_u': 1, 'i32.gt_s': 1, 'i32.gt_u': 1,
    'i64.add': 4, 'i64.bitwise': 2, 'i64.shift.const': 4, 'i64.shift': 8, 'i64.rot.const': 7, 'i64.rot': 12,
    'i64.mul': 6, //                               MUL; MULHU; MUL; MUL; ADD; ADD
    'i64.div': helper(4, 2) + 2,
    'i64.eqz': 2, 'i64.eqz.br': 1, 'i64.cmpeq': 4, 'i64.cmp': 5, 'i64.cmpeq.br': 3, 'i64.cmp.br': 3,
    'i64.clz': helper(2, 1), 'i64.popcnt': helper(2, 1),
    'i64.extend_i32_u': 1, 'i64.extend_i32_s': 1, 'i32.wrap_i64': 1, 'i64.extendN': 2,
    'f32.arith': helper(2, 1), 'f32.simple': 2, 'f32.minmax': helper(2, 1), 'f32.round': helper(1, 1),
    'f32.cmp': helper(2, 1), 'f32.convert': helper(1, 1), 'f32.reinterpret': 1,
    'f64.arith': helper(4, 2), 'f64.simple': 2, 'f64.minmax': helper(4, 2), 'f64.round': helper(2, 2),
    'f64.cmp': helper(4, 1), 'f64.convert': helper(2, 2), 'f64.reinterpret': 2, 'f.convert64': helper(2, 2),
    v128: 6, atomic: 3,
  },
  defaultOp: 1,
};
