// Target cost models: what a naive ahead-of-time backend on a given core pays for each wasm
// instruction, and in particular for each constant.
//
// A target is data plus a few small functions (one file each: generic.ts, thumbv7em.ts,
// thumbv6m.ts, rv32imac.ts). The model and its sources (the ARMv7-M and ARMv6-M Architecture
// Reference Manuals, the RISC-V unprivileged ISA) are documented in docs/targets.md.
//
// The unit is one machine instruction of a naive backend (every wasm local in a stack slot:
// `local.get` a load, `local.set`/`local.tee` a store; operand-stack values in registers).
// The shared vocabulary lives here:
// - `ImmUse`: the position a constant operand takes in its user, as far as immediates go
//   (`immUse`, from the wasm parent and operand index);
// - `constCost`: the instructions a constant costs where it stands: 0 when it folds into its
//   user as an immediate, else what materialising it takes (`Target.materialize`, per 32-bit
//   half for i64/f64);
// - `addressCost`: a load/store's address arithmetic (a constant address and the memarg
//   offset fold into one immediate when it fits);
// - `constOperandCost`: what a constant operand costs beyond a register value (what replacing
//   it with a `local.get` saves, before the get).
// `src/cost.ts` (weft cost) and `src/passes/const-hoist.ts` both use these, so the pass
// optimizes exactly what `weft cost` reports.

import type { Expr } from '../ir/expr.js';
import { Imm, O, OPS, accessBits } from '../ir/opcodes.js';
import { F64, I64, V128, type ValType } from '../ir/types.js';
import { generic } from './generic.js';
import { thumbv6m } from './thumbv6m.js';
import { thumbv7em } from './thumbv7em.js';
import { rv32imac } from './rv32imac.js';

/** The position a constant operand takes in its user, as far as immediate encodings go. */
export type ImmUse =
  | 'value' //   needed in a register (a store's value, a call argument, local.set, mul, div, ...)
  | 'add' //     an operand of i32.add (add/sub immediate; either side, add commutes)
  | 'sub' //     the subtrahend of i32.sub (x - c == x + -c)
  | 'rsub' //    the minuend of i32.sub (reverse subtract: c - x)
  | 'and' | 'or' | 'xor' // an operand of the bitwise op (either side)
  | 'cmp' //     an operand of an ordered i32 comparison (lt/gt/le/ge, signed or not)
  | 'cmpeq' //   an operand of i32.eq / i32.ne
  | 'shift' //   the amount of i32.shl/shr_s/shr_u (wasm takes it modulo 32)
  | 'rotate' //  the amount of i32.rotl/rotr (modulo 32)
  | 'mem'; //    a load/store address (the value is address + offset, see `fitsMem`)

/** Per-instruction costs of the naive backend (instructions; "slot" = one 32-bit word). */
export interface CostParams {
  /** `local.get`, per slot: a stack-slot load. */
  localGet: number;
  /** `local.set` / `local.tee`, per slot: a stack-slot store. */
  localSet: number;
  /** Per declared (non-parameter) local slot: zeroing it in the prologue. */
  localInit: number;
  /** A direct call: the branch-and-link. */
  call: number;
  /** Per argument slot and per result slot of a call: a register move (or a stack store). */
  callSlot: number;
  /** Extra for call_indirect: table bounds check, entry load, signature check. */
  callIndirect: number;
  /** Bits in a machine word: 32, or 64 for `generic` (an i64 is one register there). */
  wordBits: 32 | 64;
  /**
   * How a load/store forms its address from the memory base register: 'reg+reg' (ARM: base +
   * index register, or base + immediate; no base + index + immediate), 'reg+imm' (RISC-V: base
   * + 12-bit immediate only, so a computed address needs an add of the base first), or 'free'
   * (the generic machine: any addressing mode is one instruction).
   */
  addressing: 'free' | 'reg+reg' | 'reg+imm';
}

export interface Target {
  readonly name: TargetName;
  /** One line: the core family and instruction set. */
  readonly title: string;
  /** Instructions to put the 32-bit pattern `v` in a register (0: free, e.g. a zero register). */
  materialize(v: number): number;
  /** Whether the i32 `v` is encodable as an immediate for `use` ('mem': see `fitsMem`). */
  fits(use: Exclude<ImmUse, 'mem' | 'value'>, v: number): boolean;
  /** Whether a constant byte offset `off` (>= 0) from a base register is encodable in a load/store of `bytes`. */
  fitsMem(off: number, bytes: number): boolean;
  readonly params: CostParams;
  /**
   * Cost of an instruction by cost class (see `opClass` in src/cost.ts); classes absent here
   * cost `defaultOp`.
   */
  readonly ops: Readonly<Record<string, number>>;
  readonly defaultOp: number;
}

export const TARGET_NAMES = ['generic', 'thumbv7em', 'thumbv6m', 'rv32imac'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** The targets by name (a function: the target files import `helper` from here, a cycle). */
function targets(): Record<TargetName, Target> {
  return { generic, thumbv7em, thumbv6m, rv32imac };
}

/** The target called `name`, or undefined. */
export function findTarget(name: string): Target | undefined {
  return (TARGET_NAMES as readonly string[]).includes(name) ? targets()[name as TargetName] : undefined;
}

/** The target called `name`; throws for an unknown name. */
export function getTarget(name: string): Target {
  const t = findTarget(name);
  if (!t) throw new Error(`unknown target '${name}' (use one of ${TARGET_NAMES.join(', ')})`);
  return t;
}

/** A runtime-library call (soft-float, 64-bit division ...): bl, argument moves, result moves. */
export function helper(argSlots: number, resultSlots: number): number {
  return 1 + argSlots + resultSlots;
}

// ---- value types ----------------------------------------------------------------------------

/** Machine words a value of type `t` takes on `target` (i64/f64: a register pair on 32-bit cores). */
export function slots(target: Target, t: ValType): number {
  if (t === V128) return target.params.wordBits === 32 ? 4 : 2;
  if ((t === I64 || t === F64) && target.params.wordBits === 32) return 2;
  return 1;
}

// ---- constants ------------------------------------------------------------------------------

/** The 32-bit halves of a constant node's bits (one for i32/f32, two for i64/f64, four for v128). */
export function constWords(e: Expr): number[] {
  const v = e.value;
  if (e.op === O.i32_const || e.op === O.f32_const) return [Number(v) | 0];
  if (e.op === O.i64_const || e.op === O.f64_const) {
    const b = BigInt.asUintN(64, v as bigint);
    return [Number(b & 0xffffffffn) | 0, Number(b >> 32n) | 0];
  }
  const bytes = v as Uint8Array;
  const out: number[] = [];
  for (let i = 0; i < 16; i += 4) out.push(bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
  return out;
}

export function isConst(op: number): boolean {
  return op === O.i32_const || op === O.i64_const || op === O.f32_const || op === O.f64_const || op === O.v128_const;
}

/** Cost of materialising the constant `e` in a register (or register pair). */
export function materializeConst(target: Target, e: Expr): number {
  let n = 0;
  for (const w of constWords(e)) n += target.materialize(w);
  return n;
}

const USE_BY_NAME: Record<string, ImmUse> = {
  'i32.add': 'add', 'i32.and': 'and', 'i32.or': 'or', 'i32.xor': 'xor',
  'i32.eq': 'cmpeq', 'i32.ne': 'cmpeq',
  'i32.lt_s': 'cmp', 'i32.lt_u': 'cmp', 'i32.gt_s': 'cmp', 'i32.gt_u': 'cmp',
  'i32.le_s': 'cmp', 'i32.le_u': 'cmp', 'i32.ge_s': 'cmp', 'i32.ge_u': 'cmp',
  'i64.and': 'and', 'i64.or': 'or', 'i64.xor': 'xor',
};
const SHIFTS = new Set(['i32.shl', 'i32.shr_s', 'i32.shr_u', 'i64.shl', 'i64.shr_s', 'i64.shr_u']);
const ROTATES = new Set(['i32.rotl', 'i32.rotr', 'i64.rotl', 'i64.rotr']);

/** Whether `op` is a load or store whose operand 0 is the address (plain memarg, not SIMD lanes or atomics). */
export function isMemAccess(op: number): boolean {
  const info = OPS[op];
  return info.imm === Imm.memarg && info.prefix === 0;
}

/**
 * The position operand `slot` of `parent` takes (see `ImmUse`); `parent` null means a root
 * (a value left on the stack for a later pop or as a block result: in a register).
 */
export function immUse(parent: Expr | null, slot: number): ImmUse {
  if (parent === null) return 'value';
  const name = OPS[parent.op].name;
  if (isMemAccess(parent.op)) return slot === 0 ? 'mem' : 'value';
  if (name === 'i32.sub') return slot === 1 ? 'sub' : 'rsub';
  if (SHIFTS.has(name)) return slot === 1 ? 'shift' : 'value';
  if (ROTATES.has(name)) return slot === 1 ? 'rotate' : 'value';
  return USE_BY_NAME[name] ?? 'value';
}

/** The effective address of a constant address `addr` plus the memarg offset of `access`, or -1 past 4 GiB. */
function effectiveAddress(access: Expr, addr: number): number {
  const ea = (addr >>> 0) + access.offset;
  return ea <= 0xffffffff ? ea : -1;
}

/**
 * What the constant `e`, operand `slot` of `parent` (null: a root), costs there: 0 when it
 * folds into its user's immediate field, else its materialisation. i64 constants: shift and
 * rotate amounts are immediates; and/or/xor work per 32-bit half (each half folds or is
 * materialised); elsewhere both halves are materialised. Float constants are bit patterns
 * materialised like integers (soft-float calling convention: values in core registers).
 * A load/store address is accounted with its access (`addressCost`): 0 here.
 */
export function constCost(target: Target, e: Expr, parent: Expr | null, slot: number): number {
  const use = immUse(parent, slot);
  if (use === 'mem') return 0;
  if (e.op === O.i32_const) {
    const v = e.value as number;
    switch (use) {
      case 'value': return target.materialize(v);
      case 'shift':
      case 'rotate': return target.fits(use, v & 31) ? 0 : target.materialize(v & 31);
      default: return target.fits(use, v) ? 0 : target.materialize(v);
    }
  }
  if (e.op === O.i64_const) {
    if (use === 'shift' || use === 'rotate') {
      const amt = Number(BigInt.asUintN(64, e.value as bigint) & 63n);
      return target.params.wordBits === 64 || target.fits(use, amt & 31) ? 0 : target.materialize(amt);
    }
    if (use === 'and' || use === 'or' || use === 'xor') {
      let n = 0;
      for (const w of constWords(e)) if (!target.fits(use, w)) n += target.materialize(w);
      return n;
    }
  }
  return materializeConst(target, e);
}

/**
 * The address arithmetic of a load/store beyond the access instruction itself, as
 * [instructions (other), constant materialisation], given its address operand: the i32
 * constant `addr`, or null for a computed address.
 * - A constant address plus the offset that fits the access's immediate field costs nothing
 *   (`ldr r, [membase, #ea]`); else the sum is materialised (and on 'reg+imm' added to the base).
 * - A computed address: on 'reg+reg', offset 0 is free (`ldr r, [membase, raddr]`), another
 *   offset takes one add (its materialisation too, when it is neither a load offset nor an add
 *   immediate); on 'reg+imm' the base is added first (one add) and the offset folds into the
 *   access when it fits, else it is materialised and added.
 */
export function addressCost(target: Target, access: Expr, addr: Expr | null): [number, number] {
  const mode = target.params.addressing;
  if (mode === 'free') return [0, 0];
  const bytes = accessBits(OPS[access.op].name) / 8;
  const baseAdd = mode === 'reg+imm' ? 1 : 0;
  if (addr !== null) {
    const ea = effectiveAddress(access, addr.value as number);
    if (ea >= 0 && target.fitsMem(ea, bytes)) return [0, 0];
    return [baseAdd, target.materialize(ea < 0 ? (addr.value as number) : ea | 0)];
  }
  const off = access.offset;
  if (off === 0) return [baseAdd, 0];
  if (mode === 'reg+imm') return target.fitsMem(off, bytes) ? [1, 0] : [2, target.materialize(off | 0)];
  return target.fitsMem(off, bytes) || target.fits('add', off | 0) ? [1, 0] : [1, target.materialize(off | 0)];
}

/**
 * What the constant operand `e` (operand `slot` of `parent`) costs beyond what the same
 * operand would cost as a value already in a register: its `constCost`, or for a load/store
 * address the difference in `addressCost`. Replacing `e` by a `local.get` saves this minus
 * the get.
 */
export function constOperandCost(target: Target, e: Expr, parent: Expr | null, slot: number): number {
  if (parent !== null && slot === 0 && isMemAccess(parent.op) && e.op === O.i32_const) {
    const [a, b] = addressCost(target, parent, e);
    const [c, d] = addressCost(target, parent, null);
    return a + b - c - d;
  }
  return constCost(target, e, parent, slot);
}
