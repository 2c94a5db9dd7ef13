// The one opcode table: the single source of truth for every instruction weft knows.
//
// Each row gives the text name, the binary encoding (optional prefix byte + opcode), the kind
// of immediates, the operand/result types of instructions with a fixed signature, and the
// effects. The binary reader and writer, the validator, the printer, stats and the effects
// analysis all derive from this table; no other file lists opcodes.
//
// Instructions whose types depend on context (locals, calls, blocks, select, drop, ...) have
// `sig: null`; their typing is done by the code reader / validator from the immediates.

import { F32, F64, I32, I64, V128, type Type, typeOf } from './types.js';

/** Kinds of immediates, in binary order. */
export const Imm = {
  none: 0,
  block: 1, // block type
  label: 2, // relative label depth
  brTable: 3, // vec(label) label
  func: 4, // function index
  callIndirect: 5, // type index, table index
  local: 6,
  global: 7,
  table: 8, // table index
  memarg: 9, // align (with multi-memory flag bit 6 + memory index), offset
  mem: 10, // memory index (a single byte 0x00 in MVP)
  memCopy: 11, // dst memory, src memory
  memInit: 12, // data index, memory index
  data: 13, // data index
  tableInit: 14, // elem index, table index
  elem: 15, // elem index
  tableCopy: 16, // dst table, src table
  i32: 17,
  i64: 18,
  f32: 19,
  f64: 20,
  v128: 21,
  selectT: 22, // vec(valtype)
  refNull: 23, // heap type
  lane: 24, // lane index byte
  memargLane: 25, // memarg, lane index byte
  shuffle: 26, // 16 lane index bytes
  zeroByte: 27, // a reserved 0x00 byte (atomic.fence)
} as const;
export type ImmKind = (typeof Imm)[keyof typeof Imm];

/** Effect flags of an instruction by itself (not of its operands). */
export const Eff = {
  trap: 1 << 0, // may trap
  readMem: 1 << 1,
  writeMem: 1 << 2,
  readTable: 1 << 3,
  writeTable: 1 << 4,
  readLocal: 1 << 5,
  writeLocal: 1 << 6,
  readGlobal: 1 << 7,
  writeGlobal: 1 << 8,
  call: 1 << 9, // calls a function: any effect at all
  branch: 1 << 10, // may transfer control to a label or out of the function
  control: 1 << 11, // structured control (block, loop, if)
  noFallThrough: 1 << 12, // never continues to the next instruction (br, return, unreachable, ...)
  growMem: 1 << 13, // changes memory size
  data: 1 << 14, // reads/writes the data or elem segment state (drop)
} as const;

export interface OpInfo {
  /** Index of this row; the `op` stored in IR nodes. */
  readonly id: number;
  readonly name: string;
  /** 0 for single-byte opcodes, else the prefix byte (0xfc, 0xfd). */
  readonly prefix: number;
  readonly code: number;
  readonly imm: ImmKind;
  /** Operand types, or null when typing depends on immediates/context. */
  readonly params: Type | null;
  readonly results: Type | null;
  readonly effects: number;
}

const SIG: Record<string, number> = { i: I32, I: I64, f: F32, F: F64, v: V128 };
function sigTypes(s: string): Type {
  return typeOf([...s].map((c) => {
    const t = SIG[c];
    if (t === undefined) throw new Error(`bad signature char ${c}`);
    return t;
  }));
}

export const OPS: OpInfo[] = [];
const byCode = new Map<number, OpInfo>();
const byName = new Map<string, OpInfo>();

function add(prefix: number, code: number, name: string, imm: ImmKind, sig: string | null, effects = 0): void {
  let params: Type | null = null;
  let results: Type | null = null;
  if (sig !== null) {
    const [p, r] = sig.split(':');
    params = sigTypes(p);
    results = sigTypes(r);
  }
  const info: OpInfo = { id: OPS.length, name, prefix, code, imm, params, results, effects };
  OPS.push(info);
  byCode.set((prefix << 16) | code, info);
  byName.set(name, info);
}

const T = Eff.trap;
const B = Eff.branch;
const NF = Eff.noFallThrough;
const RM = Eff.readMem;
const WM = Eff.writeMem;

// ---- control ----------------------------------------------------------------------------
add(0, 0x00, 'unreachable', Imm.none, ':', T | NF);
add(0, 0x01, 'nop', Imm.none, ':');
add(0, 0x02, 'block', Imm.block, null, Eff.control);
add(0, 0x03, 'loop', Imm.block, null, Eff.control);
add(0, 0x04, 'if', Imm.block, null, Eff.control);
add(0, 0x05, 'else', Imm.none, null, Eff.control); // a delimiter: never a node in the IR
add(0, 0x0b, 'end', Imm.none, null, Eff.control); // a delimiter: never a node in the IR
add(0, 0x0c, 'br', Imm.label, null, B | NF);
add(0, 0x0d, 'br_if', Imm.label, null, B);
add(0, 0x0e, 'br_table', Imm.brTable, null, B | NF);
add(0, 0x0f, 'return', Imm.none, null, B | NF);
add(0, 0x10, 'call', Imm.func, null, Eff.call);
add(0, 0x11, 'call_indirect', Imm.callIndirect, null, Eff.call | T | Eff.readTable);
add(0, 0x12, 'return_call', Imm.func, null, Eff.call | B | NF);
add(0, 0x13, 'return_call_indirect', Imm.callIndirect, null, Eff.call | T | Eff.readTable | B | NF);

// ---- parametric -------------------------------------------------------------------------
add(0, 0x1a, 'drop', Imm.none, null);
add(0, 0x1b, 'select', Imm.none, null);
add(0, 0x1c, 'select_t', Imm.selectT, null); // printed as `select (result t)`

// ---- variables and tables ---------------------------------------------------------------
add(0, 0x20, 'local.get', Imm.local, null, Eff.readLocal);
add(0, 0x21, 'local.set', Imm.local, null, Eff.writeLocal);
add(0, 0x22, 'local.tee', Imm.local, null, Eff.writeLocal);
add(0, 0x23, 'global.get', Imm.global, null, Eff.readGlobal);
add(0, 0x24, 'global.set', Imm.global, null, Eff.writeGlobal);
add(0, 0x25, 'table.get', Imm.table, null, T | Eff.readTable);
add(0, 0x26, 'table.set', Imm.table, null, T | Eff.writeTable);

// ---- memory -----------------------------------------------------------------------------
const loads: [number, string, string][] = [
  [0x28, 'i32.load', 'i:i'], [0x29, 'i64.load', 'i:I'], [0x2a, 'f32.load', 'i:f'], [0x2b, 'f64.load', 'i:F'],
  [0x2c, 'i32.load8_s', 'i:i'], [0x2d, 'i32.load8_u', 'i:i'], [0x2e, 'i32.load16_s', 'i:i'], [0x2f, 'i32.load16_u', 'i:i'],
  [0x30, 'i64.load8_s', 'i:I'], [0x31, 'i64.load8_u', 'i:I'], [0x32, 'i64.load16_s', 'i:I'], [0x33, 'i64.load16_u', 'i:I'],
  [0x34, 'i64.load32_s', 'i:I'], [0x35, 'i64.load32_u', 'i:I'],
];
for (const [c, n, s] of loads) add(0, c, n, Imm.memarg, s, T | RM);
const stores: [number, string, string][] = [
  [0x36, 'i32.store', 'ii:'], [0x37, 'i64.store', 'iI:'], [0x38, 'f32.store', 'if:'], [0x39, 'f64.store', 'iF:'],
  [0x3a, 'i32.store8', 'ii:'], [0x3b, 'i32.store16', 'ii:'], [0x3c, 'i64.store8', 'iI:'], [0x3d, 'i64.store16', 'iI:'],
  [0x3e, 'i64.store32', 'iI:'],
];
for (const [c, n, s] of stores) add(0, c, n, Imm.memarg, s, T | WM);
add(0, 0x3f, 'memory.size', Imm.mem, ':i', Eff.readMem);
add(0, 0x40, 'memory.grow', Imm.mem, 'i:i', Eff.readMem | Eff.growMem);

// ---- constants --------------------------------------------------------------------------
add(0, 0x41, 'i32.const', Imm.i32, ':i');
add(0, 0x42, 'i64.const', Imm.i64, ':I');
add(0, 0x43, 'f32.const', Imm.f32, ':f');
add(0, 0x44, 'f64.const', Imm.f64, ':F');

// ---- numeric ----------------------------------------------------------------------------
/** Adds consecutive opcodes `names` starting at `code`, all with signature `sig`. */
function run(prefix: number, code: number, sig: string, names: string, effects = 0, imm: ImmKind = Imm.none): void {
  for (const n of names.trim().split(/\s+/)) {
    if (n !== '-') add(prefix, code, n, imm, sig, effects);
    code++;
  }
}
run(0, 0x45, 'i:i', 'i32.eqz');
run(0, 0x46, 'ii:i', 'i32.eq i32.ne i32.lt_s i32.lt_u i32.gt_s i32.gt_u i32.le_s i32.le_u i32.ge_s i32.ge_u');
run(0, 0x50, 'I:i', 'i64.eqz');
run(0, 0x51, 'II:i', 'i64.eq i64.ne i64.lt_s i64.lt_u i64.gt_s i64.gt_u i64.le_s i64.le_u i64.ge_s i64.ge_u');
run(0, 0x5b, 'ff:i', 'f32.eq f32.ne f32.lt f32.gt f32.le f32.ge');
run(0, 0x61, 'FF:i', 'f64.eq f64.ne f64.lt f64.gt f64.le f64.ge');
run(0, 0x67, 'i:i', 'i32.clz i32.ctz i32.popcnt');
run(0, 0x6a, 'ii:i', 'i32.add i32.sub i32.mul');
run(0, 0x6d, 'ii:i', 'i32.div_s i32.div_u i32.rem_s i32.rem_u', T);
run(0, 0x71, 'ii:i', 'i32.and i32.or i32.xor i32.shl i32.shr_s i32.shr_u i32.rotl i32.rotr');
run(0, 0x79, 'I:I', 'i64.clz i64.ctz i64.popcnt');
run(0, 0x7c, 'II:I', 'i64.add i64.sub i64.mul');
run(0, 0x7f, 'II:I', 'i64.div_s i64.div_u i64.rem_s i64.rem_u', T);
run(0, 0x83, 'II:I', 'i64.and i64.or i64.xor i64.shl i64.shr_s i64.shr_u i64.rotl i64.rotr');
run(0, 0x8b, 'f:f', 'f32.abs f32.neg f32.ceil f32.floor f32.trunc f32.nearest f32.sqrt');
run(0, 0x92, 'ff:f', 'f32.add f32.sub f32.mul f32.div f32.min f32.max f32.copysign');
run(0, 0x99, 'F:F', 'f64.abs f64.neg f64.ceil f64.floor f64.trunc f64.nearest f64.sqrt');
run(0, 0xa0, 'FF:F', 'f64.add f64.sub f64.mul f64.div f64.min f64.max f64.copysign');
run(0, 0xa7, 'I:i', 'i32.wrap_i64');
run(0, 0xa8, 'f:i', 'i32.trunc_f32_s i32.trunc_f32_u', T);
run(0, 0xaa, 'F:i', 'i32.trunc_f64_s i32.trunc_f64_u', T);
run(0, 0xac, 'i:I', 'i64.extend_i32_s i64.extend_i32_u');
run(0, 0xae, 'f:I', 'i64.trunc_f32_s i64.trunc_f32_u', T);
run(0, 0xb0, 'F:I', 'i64.trunc_f64_s i64.trunc_f64_u', T);
run(0, 0xb2, 'i:f', 'f32.convert_i32_s f32.convert_i32_u');
run(0, 0xb4, 'I:f', 'f32.convert_i64_s f32.convert_i64_u');
run(0, 0xb6, 'F:f', 'f32.demote_f64');
run(0, 0xb7, 'i:F', 'f64.convert_i32_s f64.convert_i32_u');
run(0, 0xb9, 'I:F', 'f64.convert_i64_s f64.convert_i64_u');
run(0, 0xbb, 'f:F', 'f64.promote_f32');
run(0, 0xbc, 'f:i', 'i32.reinterpret_f32');
run(0, 0xbd, 'F:I', 'i64.reinterpret_f64');
run(0, 0xbe, 'i:f', 'f32.reinterpret_i32');
run(0, 0xbf, 'I:F', 'f64.reinterpret_i64');
run(0, 0xc0, 'i:i', 'i32.extend8_s i32.extend16_s');
run(0, 0xc2, 'I:I', 'i64.extend8_s i64.extend16_s i64.extend32_s');

// ---- reference types --------------------------------------------------------------------
add(0, 0xd0, 'ref.null', Imm.refNull, null);
add(0, 0xd1, 'ref.is_null', Imm.none, null);
add(0, 0xd2, 'ref.func', Imm.func, null);

// ---- 0xfc: saturating truncation, bulk memory, tables -----------------------------------
run(0xfc, 0x00, 'f:i', 'i32.trunc_sat_f32_s i32.trunc_sat_f32_u');
run(0xfc, 0x02, 'F:i', 'i32.trunc_sat_f64_s i32.trunc_sat_f64_u');
run(0xfc, 0x04, 'f:I', 'i64.trunc_sat_f32_s i64.trunc_sat_f32_u');
run(0xfc, 0x06, 'F:I', 'i64.trunc_sat_f64_s i64.trunc_sat_f64_u');
add(0xfc, 0x08, 'memory.init', Imm.memInit, 'iii:', T | WM | Eff.data);
add(0xfc, 0x09, 'data.drop', Imm.data, ':', Eff.data);
add(0xfc, 0x0a, 'memory.copy', Imm.memCopy, 'iii:', T | RM | WM);
add(0xfc, 0x0b, 'memory.fill', Imm.mem, 'iii:', T | WM);
add(0xfc, 0x0c, 'table.init', Imm.tableInit, 'iii:', T | Eff.writeTable | Eff.data);
add(0xfc, 0x0d, 'elem.drop', Imm.elem, ':', Eff.data);
add(0xfc, 0x0e, 'table.copy', Imm.tableCopy, 'iii:', T | Eff.readTable | Eff.writeTable);
add(0xfc, 0x0f, 'table.grow', Imm.table, null, Eff.readTable | Eff.writeTable);
add(0xfc, 0x10, 'table.size', Imm.table, ':i', Eff.readTable);
add(0xfc, 0x11, 'table.fill', Imm.table, null, T | Eff.writeTable);

// ---- 0xfd: SIMD -------------------------------------------------------------------------
const S = 0xfd;
run(S, 0x00, 'i:v', 'v128.load v128.load8x8_s v128.load8x8_u v128.load16x4_s v128.load16x4_u v128.load32x2_s v128.load32x2_u v128.load8_splat v128.load16_splat v128.load32_splat v128.load64_splat', T | RM, Imm.memarg);
add(S, 0x0b, 'v128.store', Imm.memarg, 'iv:', T | WM);
add(S, 0x0c, 'v128.const', Imm.v128, ':v');
add(S, 0x0d, 'i8x16.shuffle', Imm.shuffle, 'vv:v');
add(S, 0x0e, 'i8x16.swizzle', Imm.none, 'vv:v');
run(S, 0x0f, 'i:v', 'i8x16.splat i16x8.splat i32x4.splat');
add(S, 0x12, 'i64x2.splat', Imm.none, 'I:v');
add(S, 0x13, 'f32x4.splat', Imm.none, 'f:v');
add(S, 0x14, 'f64x2.splat', Imm.none, 'F:v');
run(S, 0x15, 'v:i', 'i8x16.extract_lane_s i8x16.extract_lane_u', 0, Imm.lane);
add(S, 0x17, 'i8x16.replace_lane', Imm.lane, 'vi:v');
run(S, 0x18, 'v:i', 'i16x8.extract_lane_s i16x8.extract_lane_u', 0, Imm.lane);
add(S, 0x1a, 'i16x8.replace_lane', Imm.lane, 'vi:v');
add(S, 0x1b, 'i32x4.extract_lane', Imm.lane, 'v:i');
add(S, 0x1c, 'i32x4.replace_lane', Imm.lane, 'vi:v');
add(S, 0x1d, 'i64x2.extract_lane', Imm.lane, 'v:I');
add(S, 0x1e, 'i64x2.replace_lane', Imm.lane, 'vI:v');
add(S, 0x1f, 'f32x4.extract_lane', Imm.lane, 'v:f');
add(S, 0x20, 'f32x4.replace_lane', Imm.lane, 'vf:v');
add(S, 0x21, 'f64x2.extract_lane', Imm.lane, 'v:F');
add(S, 0x22, 'f64x2.replace_lane', Imm.lane, 'vF:v');
const icmp = (s: string) => `${s}.eq ${s}.ne ${s}.lt_s ${s}.lt_u ${s}.gt_s ${s}.gt_u ${s}.le_s ${s}.le_u ${s}.ge_s ${s}.ge_u`;
const fcmp = (s: string) => `${s}.eq ${s}.ne ${s}.lt ${s}.gt ${s}.le ${s}.ge`;
run(S, 0x23, 'vv:v', `${icmp('i8x16')} ${icmp('i16x8')} ${icmp('i32x4')} ${fcmp('f32x4')} ${fcmp('f64x2')}`);
add(S, 0x4d, 'v128.not', Imm.none, 'v:v');
run(S, 0x4e, 'vv:v', 'v128.and v128.andnot v128.or v128.xor');
add(S, 0x52, 'v128.bitselect', Imm.none, 'vvv:v');
add(S, 0x53, 'v128.any_true', Imm.none, 'v:i');
run(S, 0x54, 'iv:v', 'v128.load8_lane v128.load16_lane v128.load32_lane v128.load64_lane', T | RM, Imm.memargLane);
run(S, 0x58, 'iv:', 'v128.store8_lane v128.store16_lane v128.store32_lane v128.store64_lane', T | WM, Imm.memargLane);
run(S, 0x5c, 'i:v', 'v128.load32_zero v128.load64_zero', T | RM, Imm.memarg);
run(S, 0x5e, 'v:v', 'f32x4.demote_f64x2_zero f64x2.promote_low_f32x4 i8x16.abs i8x16.neg i8x16.popcnt');
run(S, 0x63, 'v:i', 'i8x16.all_true i8x16.bitmask');
run(S, 0x65, 'vv:v', 'i8x16.narrow_i16x8_s i8x16.narrow_i16x8_u');
run(S, 0x67, 'v:v', 'f32x4.ceil f32x4.floor f32x4.trunc f32x4.nearest');
run(S, 0x6b, 'vi:v', 'i8x16.shl i8x16.shr_s i8x16.shr_u');
run(S, 0x6e, 'vv:v', 'i8x16.add i8x16.add_sat_s i8x16.add_sat_u i8x16.sub i8x16.sub_sat_s i8x16.sub_sat_u');
run(S, 0x74, 'v:v', 'f64x2.ceil f64x2.floor');
run(S, 0x76, 'vv:v', 'i8x16.min_s i8x16.min_u i8x16.max_s i8x16.max_u');
add(S, 0x7a, 'f64x2.trunc', Imm.none, 'v:v');
add(S, 0x7b, 'i8x16.avgr_u', Imm.none, 'vv:v');
run(S, 0x7c, 'v:v', 'i16x8.extadd_pairwise_i8x16_s i16x8.extadd_pairwise_i8x16_u i32x4.extadd_pairwise_i16x8_s i32x4.extadd_pairwise_i16x8_u i16x8.abs i16x8.neg');
add(S, 0x82, 'i16x8.q15mulr_sat_s', Imm.none, 'vv:v');
run(S, 0x83, 'v:i', 'i16x8.all_true i16x8.bitmask');
run(S, 0x85, 'vv:v', 'i16x8.narrow_i32x4_s i16x8.narrow_i32x4_u');
run(S, 0x87, 'v:v', 'i16x8.extend_low_i8x16_s i16x8.extend_high_i8x16_s i16x8.extend_low_i8x16_u i16x8.extend_high_i8x16_u');
run(S, 0x8b, 'vi:v', 'i16x8.shl i16x8.shr_s i16x8.shr_u');
run(S, 0x8e, 'vv:v', 'i16x8.add i16x8.add_sat_s i16x8.add_sat_u i16x8.sub i16x8.sub_sat_s i16x8.sub_sat_u');
add(S, 0x94, 'f64x2.nearest', Imm.none, 'v:v');
run(S, 0x95, 'vv:v', 'i16x8.mul i16x8.min_s i16x8.min_u i16x8.max_s i16x8.max_u - i16x8.avgr_u');
run(S, 0x9c, 'vv:v', 'i16x8.extmul_low_i8x16_s i16x8.extmul_high_i8x16_s i16x8.extmul_low_i8x16_u i16x8.extmul_high_i8x16_u');
run(S, 0xa0, 'v:v', 'i32x4.abs i32x4.neg');
run(S, 0xa3, 'v:i', 'i32x4.all_true i32x4.bitmask');
run(S, 0xa7, 'v:v', 'i32x4.extend_low_i16x8_s i32x4.extend_high_i16x8_s i32x4.extend_low_i16x8_u i32x4.extend_high_i16x8_u');
run(S, 0xab, 'vi:v', 'i32x4.shl i32x4.shr_s i32x4.shr_u');
add(S, 0xae, 'i32x4.add', Imm.none, 'vv:v');
add(S, 0xb1, 'i32x4.sub', Imm.none, 'vv:v');
run(S, 0xb5, 'vv:v', 'i32x4.mul i32x4.min_s i32x4.min_u i32x4.max_s i32x4.max_u i32x4.dot_i16x8_s');
run(S, 0xbc, 'vv:v', 'i32x4.extmul_low_i16x8_s i32x4.extmul_high_i16x8_s i32x4.extmul_low_i16x8_u i32x4.extmul_high_i16x8_u');
run(S, 0xc0, 'v:v', 'i64x2.abs i64x2.neg');
run(S, 0xc3, 'v:i', 'i64x2.all_true i64x2.bitmask');
run(S, 0xc7, 'v:v', 'i64x2.extend_low_i32x4_s i64x2.extend_high_i32x4_s i64x2.extend_low_i32x4_u i64x2.extend_high_i32x4_u');
run(S, 0xcb, 'vi:v', 'i64x2.shl i64x2.shr_s i64x2.shr_u');
add(S, 0xce, 'i64x2.add', Imm.none, 'vv:v');
add(S, 0xd1, 'i64x2.sub', Imm.none, 'vv:v');
add(S, 0xd5, 'i64x2.mul', Imm.none, 'vv:v');
run(S, 0xd6, 'vv:v', 'i64x2.eq i64x2.ne i64x2.lt_s i64x2.gt_s i64x2.le_s i64x2.ge_s');
run(S, 0xdc, 'vv:v', 'i64x2.extmul_low_i32x4_s i64x2.extmul_high_i32x4_s i64x2.extmul_low_i32x4_u i64x2.extmul_high_i32x4_u');
run(S, 0xe0, 'v:v', 'f32x4.abs f32x4.neg - f32x4.sqrt');
run(S, 0xe4, 'vv:v', 'f32x4.add f32x4.sub f32x4.mul f32x4.div f32x4.min f32x4.max f32x4.pmin f32x4.pmax');
run(S, 0xec, 'v:v', 'f64x2.abs f64x2.neg - f64x2.sqrt');
run(S, 0xf0, 'vv:v', 'f64x2.add f64x2.sub f64x2.mul f64x2.div f64x2.min f64x2.max f64x2.pmin f64x2.pmax');
run(S, 0xf8, 'v:v', 'i32x4.trunc_sat_f32x4_s i32x4.trunc_sat_f32x4_u f32x4.convert_i32x4_s f32x4.convert_i32x4_u i32x4.trunc_sat_f64x2_s_zero i32x4.trunc_sat_f64x2_u_zero f64x2.convert_low_i32x4_s f64x2.convert_low_i32x4_u');

// ---- 0xfe: threads (atomic memory accesses) ----------------------------------------------
// Not part of WebAssembly 2.0 (rejected with WASM2_FEATURES); real toolchains emit them
// (z3-solver's z3-built.wasm, any -pthread build), so the codec reads and writes them.
const A = 0xfe;
const AT = T | RM | WM; // atomics trap on misalignment and out-of-bounds; all order memory
add(A, 0x00, 'memory.atomic.notify', Imm.memarg, 'ii:i', AT);
add(A, 0x01, 'memory.atomic.wait32', Imm.memarg, 'iiI:i', AT);
add(A, 0x02, 'memory.atomic.wait64', Imm.memarg, 'iII:i', AT);
add(A, 0x03, 'atomic.fence', Imm.zeroByte, ':', RM | WM);
run(A, 0x10, 'i:i', 'i32.atomic.load', AT, Imm.memarg);
run(A, 0x11, 'i:I', 'i64.atomic.load', AT, Imm.memarg);
run(A, 0x12, 'i:i', 'i32.atomic.load8_u i32.atomic.load16_u', AT, Imm.memarg);
run(A, 0x14, 'i:I', 'i64.atomic.load8_u i64.atomic.load16_u i64.atomic.load32_u', AT, Imm.memarg);
add(A, 0x17, 'i32.atomic.store', Imm.memarg, 'ii:', AT);
add(A, 0x18, 'i64.atomic.store', Imm.memarg, 'iI:', AT);
run(A, 0x19, 'ii:', 'i32.atomic.store8 i32.atomic.store16', AT, Imm.memarg);
run(A, 0x1b, 'iI:', 'i64.atomic.store8 i64.atomic.store16 i64.atomic.store32', AT, Imm.memarg);
['add', 'sub', 'and', 'or', 'xor', 'xchg', 'cmpxchg'].forEach((rmw, k) => {
  const base = 0x1e + 7 * k;
  const x = rmw === 'cmpxchg';
  add(A, base, `i32.atomic.rmw.${rmw}`, Imm.memarg, x ? 'iii:i' : 'ii:i', AT);
  add(A, base + 1, `i64.atomic.rmw.${rmw}`, Imm.memarg, x ? 'iII:I' : 'iI:I', AT);
  add(A, base + 2, `i32.atomic.rmw8.${rmw}_u`, Imm.memarg, x ? 'iii:i' : 'ii:i', AT);
  add(A, base + 3, `i32.atomic.rmw16.${rmw}_u`, Imm.memarg, x ? 'iii:i' : 'ii:i', AT);
  add(A, base + 4, `i64.atomic.rmw8.${rmw}_u`, Imm.memarg, x ? 'iII:I' : 'iI:I', AT);
  add(A, base + 5, `i64.atomic.rmw16.${rmw}_u`, Imm.memarg, x ? 'iII:I' : 'iI:I', AT);
  add(A, base + 6, `i64.atomic.rmw32.${rmw}_u`, Imm.memarg, x ? 'iII:I' : 'iI:I', AT);
});

// ---- pseudo-instruction ------------------------------------------------------------------
// `pop`: a value already on the stack, left there by an earlier sibling or a block parameter
// (see ir/expr.ts). It is never read from or written to a binary (prefix 0xff is not a real one).
add(0xff, 0x00, 'pop', Imm.none, null);

/** Lookup by encoding: `prefix << 16 | code`. */
export function opByCode(prefix: number, code: number): OpInfo | undefined {
  return byCode.get((prefix << 16) | code);
}

/** Lookup by text name; throws for an unknown name (a programming error). */
export function op(name: string): number {
  const info = byName.get(name);
  if (!info) throw new Error(`unknown opcode name ${name}`);
  return info.id;
}

export function opInfo(id: number): OpInfo {
  return OPS[id];
}

// Ids of the instructions the reader, writer and passes treat specially.
export const O = {
  unreachable: op('unreachable'), nop: op('nop'), block: op('block'), loop: op('loop'), if: op('if'),
  br: op('br'), br_if: op('br_if'), br_table: op('br_table'), return: op('return'),
  call: op('call'), call_indirect: op('call_indirect'), return_call: op('return_call'),
  return_call_indirect: op('return_call_indirect'),
  drop: op('drop'), select: op('select'), select_t: op('select_t'),
  local_get: op('local.get'), local_set: op('local.set'), local_tee: op('local.tee'),
  global_get: op('global.get'), global_set: op('global.set'),
  table_get: op('table.get'), table_set: op('table.set'), table_grow: op('table.grow'), table_fill: op('table.fill'),
  i32_const: op('i32.const'), i64_const: op('i64.const'), f32_const: op('f32.const'), f64_const: op('f64.const'),
  v128_const: op('v128.const'),
  ref_null: op('ref.null'), ref_is_null: op('ref.is_null'), ref_func: op('ref.func'),
  pop: op('pop'),
} as const;

/** log2 of the natural alignment of a load/store (derived from its name), or -1 for other ops. */
export function naturalAlignment(id: number): number {
  const info = OPS[id];
  if (info.imm !== Imm.memarg && info.imm !== Imm.memargLane) return -1;
  return Math.log2(accessBits(info.name) / 8);
}

/** Bits one load/store accesses: `i32.load8_u` 8, `v128.load8x8_s` 64, `i64.store` 64 ... */
export function accessBits(name: string): number {
  const m = /(?:load|store|rmw|wait)(\d+)(x\d+)?/.exec(name);
  if (m) return m[2] ? 64 : Number(m[1]);
  if (name === 'memory.atomic.notify') return 32;
  return name.startsWith('v128') ? 128 : name.startsWith('i32') || name.startsWith('f32') ? 32 : 64;
}

/** Names of the instructions V8/the spec call differently in text than our row names. */
export function textName(id: number): string {
  return id === O.select_t ? 'select' : OPS[id].name;
}
