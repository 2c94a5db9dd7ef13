// Known bits and value ranges of integer expressions (i32 and i64).
//
// For an expression tree, `knownBits(e)` over-approximates the set of values `e` can produce
// as a reduced product of three facts: which bits are known 0 / known 1 (`zeros`, `ones`),
// an unsigned range [umin, umax] and a signed range [smin, smax]. Every transfer function is
// sound for every input (the tests check this exhaustively against brute force); after each
// one, `make32`/`make64` tighten the three facts against each other (bits bound the ranges,
// a range's common high prefix gives bits, an unsigned range that does not straddle the sign
// bit gives a signed one and back). An empty set (e.g. `rem_u` by a constant 0, which always
// traps) is answered with "unknown", which is trivially sound.
//
// Representation: i32 facts are plain numbers (masks as uint32, umin/umax as uint32, smin/smax
// as int32), so the common 32-bit case never allocates a bigint. i64 facts are bigints (masks
// and unsigned range as unsigned 64-bit, signed range signed): i64 code is rarer, and one
// simple exact implementation beats a hand-carried pair of 32-bit halves. The two widths are
// two monomorphic classes, `KnownBits32` and `KnownBits64`; `KnownBits` is their union,
// discriminated by `width`. `constant` follows the IR convention (i32 signed number, i64
// signed bigint), so it can be fed straight to `i32Const`/`i64Const`.
//
// Precision where the seam needs it (pack/unpack of small fields in an i64): bitwise ops and
// constant shifts are exact on known bits; add/sub propagate carries (known low bits);
// mul knows trailing zeros and the low bits of known low parts; `wrap_i64(extend_i32_*(x))`
// and `extendN_s` of a value already in range return the operand's facts unchanged. Shifts by
// unknown amounts join the results of every amount the (masked, mod width) count may take.
//
// The walk is iterative post-order with an explicit stack and memoizes per node (optionally
// in the caller's `cache`, which stays valid as long as the subtree and the `local` answers
// do not change). Only operands that a transfer function reads are visited; anything else is
// unknown. `local.get` asks the caller's `local` callback, so a local-graph lookup can plug
// in later.

import type { Expr } from '../ir/expr.js';
import { OPS } from '../ir/opcodes.js';
import { I32, I64 } from '../ir/types.js';

// ---- constants --------------------------------------------------------------------------

const MAX32 = 0xffffffff;
const SIGN32 = 0x80000000;
const SMIN32 = -0x80000000;
const SMAX32 = 0x7fffffff;

const M64 = 0xffffffffffffffffn;
const SIGN64 = 0x8000000000000000n;
const SMIN64 = -0x8000000000000000n;
const SMAX64 = 0x7fffffffffffffffn;
const LO32 = 0xffffffffn;

// ---- 32/64-bit helpers ------------------------------------------------------------------

function ctz32(x: number): number {
  x >>>= 0;
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

function popcnt32(x: number): number {
  x >>>= 0;
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Mask of the low `n` bits (0 <= n <= 32), as uint32. */
function low32(n: number): number {
  return n >= 32 ? MAX32 : ((1 << n) - 1) >>> 0;
}

function clz64(x: bigint): number {
  const hi = Number(x >> 32n);
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(Number(x & LO32));
}

function ctz64(x: bigint): number {
  const lo = Number(x & LO32);
  return lo !== 0 ? ctz32(lo) : 32 + ctz32(Number((x >> 32n) & LO32));
}

function popcnt64(x: bigint): number {
  return popcnt32(Number(x & LO32)) + popcnt32(Number((x >> 32n) & LO32));
}

function low64(n: number): bigint {
  return n >= 64 ? M64 : (1n << BigInt(n)) - 1n;
}

const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);
const s64 = (x: bigint): bigint => BigInt.asIntN(64, x);

function minN(a: number, b: number): number { return a < b ? a : b; }
function maxN(a: number, b: number): number { return a > b ? a : b; }
function minB(a: bigint, b: bigint): bigint { return a < b ? a : b; }
function maxB(a: bigint, b: bigint): bigint { return a > b ? a : b; }

function bitString(width: number, bit: (i: number) => number): string {
  let s = '';
  for (let i = width - 1; i >= 0; i--) {
    const b = bit(i);
    s += b === 0 ? '0' : b === 1 ? '1' : '?';
    if (i !== 0 && i % 8 === 0) s += '_';
  }
  return s;
}

// ---- the two fact classes ---------------------------------------------------------------

/** Facts about an i32 value. Build with the static factories (the constructor does not normalize). */
export class KnownBits32 {
  readonly width: 32 = 32;
  /** @internal Use the factories; the fields must already be consistent. */
  constructor(
    /** Bits known to be 0 (uint32). */
    readonly zeros: number,
    /** Bits known to be 1 (uint32). */
    readonly ones: number,
    /** Unsigned range (uint32 numbers). */
    readonly umin: number,
    readonly umax: number,
    /** Signed range (int32 numbers). */
    readonly smin: number,
    readonly smax: number,
  ) {}

  static top(): KnownBits32 { return TOP32; }
  static ofConstant(v: number): KnownBits32 { return make32(~v >>> 0, v >>> 0); }
  static ofMasks(zeros: number, ones: number): KnownBits32 { return make32(zeros >>> 0, ones >>> 0); }
  /** Values in [min, max] read as unsigned (uint32 or int32 numbers accepted). */
  static ofUnsignedRange(min: number, max: number): KnownBits32 { return make32(0, 0, min >>> 0, max >>> 0); }
  /** Values in [min, max] read as signed. */
  static ofSignedRange(min: number, max: number): KnownBits32 { return make32(0, 0, 0, MAX32, min | 0, max | 0); }

  /** Mask of the bits whose value is known. */
  get known(): number { return (this.zeros | this.ones) >>> 0; }
  get isConstant(): boolean { return this.umin === this.umax; }
  /** The value, as the IR stores an i32 constant (signed), or null. */
  get constant(): number | null { return this.umin === this.umax ? this.umin | 0 : null; }
  unsignedRange(): [number, number] { return [this.umin, this.umax]; }
  signedRange(): [number, number] { return [this.smin, this.smax]; }
  /** Every value fits in `bits` bits zero-extended (umax < 2^bits). */
  fitsUnsigned(bits: number): boolean { return bits >= 32 || this.umax < 2 ** maxN(bits, 0); }
  /** Every value fits in `bits` bits sign-extended. */
  fitsSigned(bits: number): boolean {
    if (bits >= 32) return true;
    if (bits <= 0) return this.smin === 0 && this.smax === 0;
    const h = 2 ** (bits - 1);
    return this.smin >= -h && this.smax < h;
  }
  /** 0 or 1 when bit `i` is known, else -1. */
  bit(i: number): -1 | 0 | 1 {
    if (i < 0 || i >= 32) return -1;
    const m = (1 << i) >>> 0;
    return (this.zeros & m) !== 0 ? 0 : (this.ones & m) !== 0 ? 1 : -1;
  }
  /** All bits of `mask` are known 0. */
  knownZero(mask: number): boolean { return ((mask & ~this.zeros) >>> 0) === 0; }
  /** All bits of `mask` are known 1. */
  knownOne(mask: number): boolean { return ((mask & ~this.ones) >>> 0) === 0; }
  /** Facts true of both this and `o` (the value is one or the other). */
  join(o: KnownBits32): KnownBits32 { return join32(this, o); }
  /** Facts of a value described by both this and `o`. */
  intersect(o: KnownBits32): KnownBits32 {
    return make32(this.zeros | o.zeros, this.ones | o.ones, maxN(this.umin, o.umin), minN(this.umax, o.umax),
      maxN(this.smin, o.smin), minN(this.smax, o.smax));
  }
  equals(o: KnownBits): boolean {
    return o.width === 32 && o.zeros === this.zeros && o.ones === this.ones && o.umin === this.umin &&
      o.umax === this.umax && o.smin === this.smin && o.smax === this.smax;
  }
  toString(): string {
    return `i32 ${bitString(32, (i) => this.bit(i))} u[${this.umin}, ${this.umax}] s[${this.smin}, ${this.smax}]`;
  }
}

/** Facts about an i64 value. Build with the static factories (the constructor does not normalize). */
export class KnownBits64 {
  readonly width: 64 = 64;
  /** @internal Use the factories; the fields must already be consistent. */
  constructor(
    /** Bits known to be 0 (unsigned 64-bit). */
    readonly zeros: bigint,
    /** Bits known to be 1 (unsigned 64-bit). */
    readonly ones: bigint,
    /** Unsigned range. */
    readonly umin: bigint,
    readonly umax: bigint,
    /** Signed range. */
    readonly smin: bigint,
    readonly smax: bigint,
  ) {}

  static top(): KnownBits64 { return TOP64; }
  static ofConstant(v: bigint): KnownBits64 { return make64(u64(~v), u64(v)); }
  static ofMasks(zeros: bigint, ones: bigint): KnownBits64 { return make64(u64(zeros), u64(ones)); }
  static ofUnsignedRange(min: bigint, max: bigint): KnownBits64 { return make64(0n, 0n, u64(min), u64(max)); }
  static ofSignedRange(min: bigint, max: bigint): KnownBits64 { return make64(0n, 0n, 0n, M64, s64(min), s64(max)); }

  get known(): bigint { return this.zeros | this.ones; }
  get isConstant(): boolean { return this.umin === this.umax; }
  /** The value, as the IR stores an i64 constant (signed bigint), or null. */
  get constant(): bigint | null { return this.umin === this.umax ? s64(this.umin) : null; }
  unsignedRange(): [bigint, bigint] { return [this.umin, this.umax]; }
  signedRange(): [bigint, bigint] { return [this.smin, this.smax]; }
  fitsUnsigned(bits: number): boolean { return bits >= 64 || this.umax < 1n << BigInt(maxN(bits, 0)); }
  fitsSigned(bits: number): boolean {
    if (bits >= 64) return true;
    if (bits <= 0) return this.smin === 0n && this.smax === 0n;
    const h = 1n << BigInt(bits - 1);
    return this.smin >= -h && this.smax < h;
  }
  bit(i: number): -1 | 0 | 1 {
    if (i < 0 || i >= 64) return -1;
    const m = 1n << BigInt(i);
    return (this.zeros & m) !== 0n ? 0 : (this.ones & m) !== 0n ? 1 : -1;
  }
  knownZero(mask: bigint): boolean { return (u64(mask) & ~this.zeros) === 0n; }
  knownOne(mask: bigint): boolean { return (u64(mask) & ~this.ones) === 0n; }
  /** Facts about the low half (`i32.wrap_i64`). */
  low32(): KnownBits32 { return wrap(this); }
  /** Facts about the high half (`i32.wrap_i64(i64.shr_u(x, 32))`). */
  high32(): KnownBits32 { return wrap(shiftConst64(K.ShrU, this, 32)); }
  join(o: KnownBits64): KnownBits64 { return join64(this, o); }
  intersect(o: KnownBits64): KnownBits64 {
    return make64(this.zeros | o.zeros, this.ones | o.ones, maxB(this.umin, o.umin), minB(this.umax, o.umax),
      maxB(this.smin, o.smin), minB(this.smax, o.smax));
  }
  equals(o: KnownBits): boolean {
    return o.width === 64 && o.zeros === this.zeros && o.ones === this.ones && o.umin === this.umin &&
      o.umax === this.umax && o.smin === this.smin && o.smax === this.smax;
  }
  toString(): string {
    return `i64 ${bitString(64, (i) => this.bit(i))} u[${this.umin}, ${this.umax}] s[${this.smin}, ${this.smax}]`;
  }
}

export type KnownBits = KnownBits32 | KnownBits64;

const TOP32 = new KnownBits32(0, 0, 0, MAX32, SMIN32, SMAX32);
const TOP64 = new KnownBits64(0n, 0n, 0n, M64, SMIN64, SMAX64);
const BOOL = new KnownBits32(MAX32 - 1, 0, 0, 1, 0, 1);
const FALSE = new KnownBits32(MAX32, 0, 0, 0, 0, 0);
const TRUE = new KnownBits32(MAX32 - 1, 1, 1, 1, 1, 1);

/** Nothing known about a value of the given width. */
export function unknownBits(width: 32 | 64): KnownBits {
  return width === 32 ? TOP32 : TOP64;
}

// ---- normalization ----------------------------------------------------------------------

/**
 * The consistent facts of "bits (z, o) and umin..umax and smin..smax" (all inputs must be in
 * their domains: uint32 masks and unsigned range, int32 signed range). An empty set → top.
 */
function make32(z: number, o: number, umin = 0, umax = MAX32, smin = SMIN32, smax = SMAX32): KnownBits32 {
  if ((z & o) !== 0) return TOP32;
  for (let round = 0; round < 4; round++) {
    // Ranges from bits: unknown bits all 0 / all 1 give the extremes.
    const bmax = ~z >>> 0;
    if (o > umin) umin = o;
    if (bmax < umax) umax = bmax;
    let bsmin: number, bsmax: number;
    if ((z & SIGN32) !== 0) { bsmin = o; bsmax = bmax; } // sign known 0
    else if ((o & SIGN32) !== 0) { bsmin = o | 0; bsmax = bmax | 0; } // sign known 1
    else { bsmin = (o | SIGN32) | 0; bsmax = bmax & SMAX32; }
    if (bsmin > smin) smin = bsmin;
    if (bsmax < smax) smax = bsmax;
    // Unsigned <-> signed where the range stays on one side of the sign boundary.
    if (umax <= SMAX32) { smin = maxN(smin, umin); smax = minN(smax, umax); }
    else if (umin >= SIGN32) { smin = maxN(smin, umin | 0); smax = minN(smax, umax | 0); }
    if (smin >= 0) { umin = maxN(umin, smin); umax = minN(umax, smax); }
    else if (smax < 0) { umin = maxN(umin, smin >>> 0); umax = minN(umax, smax >>> 0); }
    if (umin > umax || smin > smax) return TOP32;
    // Bits from the unsigned range: its common high prefix.
    const d = (umin ^ umax) >>> 0;
    const n = 32 - Math.clz32(d);
    const prefix = n >= 32 ? 0 : (MAX32 << n) >>> 0;
    const nz = (z | (~umin & prefix)) >>> 0;
    const no = (o | (umin & prefix)) >>> 0;
    if ((nz & no) !== 0) return TOP32;
    if (nz === z && no === o) break;
    z = nz;
    o = no;
  }
  return new KnownBits32(z, o, umin, umax, smin, smax);
}

/** `make32` for i64: unsigned 64-bit masks and unsigned range, signed 64-bit signed range. */
function make64(z: bigint, o: bigint, umin = 0n, umax = M64, smin = SMIN64, smax = SMAX64): KnownBits64 {
  if ((z & o) !== 0n) return TOP64;
  for (let round = 0; round < 4; round++) {
    const bmax = M64 ^ z;
    if (o > umin) umin = o;
    if (bmax < umax) umax = bmax;
    let bsmin: bigint, bsmax: bigint;
    if ((z & SIGN64) !== 0n) { bsmin = o; bsmax = bmax; }
    else if ((o & SIGN64) !== 0n) { bsmin = o - (1n << 64n); bsmax = bmax - (1n << 64n); }
    else { bsmin = o - SIGN64; bsmax = bmax & SMAX64; }
    if (bsmin > smin) smin = bsmin;
    if (bsmax < smax) smax = bsmax;
    if (umax <= SMAX64) { smin = maxB(smin, umin); smax = minB(smax, umax); }
    else if (umin >= SIGN64) { smin = maxB(smin, s64(umin)); smax = minB(smax, s64(umax)); }
    if (smin >= 0n) { umin = maxB(umin, smin); umax = minB(umax, smax); }
    else if (smax < 0n) { umin = maxB(umin, u64(smin)); umax = minB(umax, u64(smax)); }
    if (umin > umax || smin > smax) return TOP64;
    const d = umin ^ umax;
    const n = 64 - clz64(d);
    const prefix = n >= 64 ? 0n : (M64 << BigInt(n)) & M64;
    const nz = z | (~umin & prefix);
    const no = o | (umin & prefix);
    if ((nz & no) !== 0n) return TOP64;
    if (nz === z && no === o) break;
    z = nz;
    o = no;
  }
  return new KnownBits64(z, o, umin, umax, smin, smax);
}

function join32(a: KnownBits32, b: KnownBits32): KnownBits32 {
  if (a === b) return a;
  return make32(a.zeros & b.zeros, a.ones & b.ones, minN(a.umin, b.umin), maxN(a.umax, b.umax),
    minN(a.smin, b.smin), maxN(a.smax, b.smax));
}

function join64(a: KnownBits64, b: KnownBits64): KnownBits64 {
  if (a === b) return a;
  return make64(a.zeros & b.zeros, a.ones & b.ones, minB(a.umin, b.umin), maxB(a.umax, b.umax),
    minB(a.smin, b.smin), maxB(a.smax, b.smax));
}

// ---- operation kinds, derived from the opcode table -------------------------------------

const K = {
  Unknown: 0, Const: 1, And: 2, Or: 3, Xor: 4, Shl: 5, ShrS: 6, ShrU: 7, Rotl: 8, Rotr: 9,
  Add: 10, Sub: 11, Mul: 12, DivU: 13, RemU: 14, Clz: 15, Ctz: 16, Popcnt: 17,
  Eqz: 18, Eq: 19, Ne: 20, LtS: 21, LtU: 22, GtS: 23, GtU: 24, LeS: 25, LeU: 26, GeS: 27, GeU: 28,
  Bool: 29, ExtS8: 30, ExtS16: 31, ExtS32: 32, Wrap: 33, ExtendU: 34, ExtendS: 35,
  RangeU: 36, RangeS: 37, Select: 38, Tee: 39, Get: 40,
} as const;

/** Transfer kind of each opcode. */
const KIND = new Uint8Array(OPS.length);
/** Width of the integer operands (32/64) of each opcode; 0 when not an integer op. */
const OPW = new Uint8Array(OPS.length);
/** For RangeU/RangeS: the bit width of the produced value. */
const ARG = new Uint8Array(OPS.length);
/** The facts of the RangeU/RangeS ops (loads, extends), by op: they depend on the op alone. */
const RANGE_FACTS: (KnownBits | undefined)[] = [];
/** Bit i set: operand i is read by the transfer function (so the walk visits it). */
const NEED = new Uint8Array(OPS.length);

(() => {
  const bin: Record<string, number> = {
    and: K.And, or: K.Or, xor: K.Xor, shl: K.Shl, shr_s: K.ShrS, shr_u: K.ShrU, rotl: K.Rotl, rotr: K.Rotr,
    add: K.Add, sub: K.Sub, mul: K.Mul, div_u: K.DivU, rem_u: K.RemU,
    eq: K.Eq, ne: K.Ne, lt_s: K.LtS, lt_u: K.LtU, gt_s: K.GtS, gt_u: K.GtU,
    le_s: K.LeS, le_u: K.LeU, ge_s: K.GeS, ge_u: K.GeU,
  };
  const un: Record<string, number> = {
    clz: K.Clz, ctz: K.Ctz, popcnt: K.Popcnt, eqz: K.Eqz, extend8_s: K.ExtS8, extend16_s: K.ExtS16,
    extend32_s: K.ExtS32, wrap_i64: K.Wrap, extend_i32_u: K.ExtendU, extend_i32_s: K.ExtendS,
  };
  const loads: Record<string, [number, number]> = {
    load8_u: [K.RangeU, 8], load8_s: [K.RangeS, 8], load16_u: [K.RangeU, 16], load16_s: [K.RangeS, 16],
    load32_u: [K.RangeU, 32], load32_s: [K.RangeS, 32],
  };
  const ranges: Record<string, [number, number]> = {
    'i8x16.extract_lane_u': [K.RangeU, 8], 'i8x16.extract_lane_s': [K.RangeS, 8],
    'i16x8.extract_lane_u': [K.RangeU, 16], 'i16x8.extract_lane_s': [K.RangeS, 16],
    'i8x16.bitmask': [K.RangeU, 16], 'i16x8.bitmask': [K.RangeU, 8], 'i32x4.bitmask': [K.RangeU, 4],
    'i64x2.bitmask': [K.RangeU, 2],
  };
  const bools = new Set([
    'ref.is_null', 'v128.any_true', 'i8x16.all_true', 'i16x8.all_true', 'i32x4.all_true', 'i64x2.all_true',
  ]);
  for (const info of OPS) {
    const name = info.name;
    const id = info.id;
    const w = name.startsWith('i32.') ? 32 : name.startsWith('i64.') ? 64 : 0;
    const rest = name.slice(4);
    if (w !== 0) {
      OPW[id] = w;
      if (rest === 'const') KIND[id] = K.Const;
      else if (bin[rest] !== undefined) { KIND[id] = bin[rest]; NEED[id] = 3; }
      else if (un[rest] !== undefined) {
        KIND[id] = un[rest];
        NEED[id] = 1;
        // Conversions name the operand type after the underscore.
        if (rest === 'wrap_i64') OPW[id] = 64;
        else if (rest === 'extend_i32_u' || rest === 'extend_i32_s') OPW[id] = 32;
      } else if (loads[rest] !== undefined) [KIND[id], ARG[id]] = loads[rest];
    } else if ((name.startsWith('f32.') || name.startsWith('f64.')) && /^(eq|ne|lt|gt|le|ge)$/.test(rest)) {
      KIND[id] = K.Bool;
    } else if (bools.has(name)) KIND[id] = K.Bool;
    else if (ranges[name] !== undefined) [KIND[id], ARG[id]] = ranges[name];
    else if (name === 'select' || name === 'select_t') { KIND[id] = K.Select; NEED[id] = 7; }
    else if (name === 'local.tee') { KIND[id] = K.Tee; NEED[id] = 1; }
    else if (name === 'local.get') KIND[id] = K.Get;
  }
})();

// ---- transfer functions: i32 ------------------------------------------------------------

function and32(a: KnownBits32, b: KnownBits32): KnownBits32 {
  // x & y == x when every bit that may be set in x is known set in y.
  if (((~a.zeros & ~b.ones) >>> 0) === 0) return a;
  if (((~b.zeros & ~a.ones) >>> 0) === 0) return b;
  // x & y <= min(x, y) (unsigned).
  return make32((a.zeros | b.zeros) >>> 0, (a.ones & b.ones) >>> 0, 0, minN(a.umax, b.umax));
}

function or32(a: KnownBits32, b: KnownBits32): KnownBits32 {
  // x | y == x when every bit that may be set in y is known set in x.
  if (((~b.zeros & ~a.ones) >>> 0) === 0) return a;
  if (((~a.zeros & ~b.ones) >>> 0) === 0) return b;
  // max(x, y) <= x | y <= x + y (unsigned).
  return make32((a.zeros & b.zeros) >>> 0, (a.ones | b.ones) >>> 0, maxN(a.umin, b.umin), minN(MAX32, a.umax + b.umax));
}

function xor32(a: KnownBits32, b: KnownBits32): KnownBits32 {
  if (b.umax === 0) return a;
  if (a.umax === 0) return b;
  return make32(((a.zeros & b.zeros) | (a.ones & b.ones)) >>> 0, ((a.zeros & b.ones) | (a.ones & b.zeros)) >>> 0);
}

/** Shift or rotate by a constant amount `k` (already reduced mod 32). */
function shiftConst32(kind: number, a: KnownBits32, k: number): KnownBits32 {
  if (k === 0) return a;
  const f = 2 ** k;
  switch (kind) {
    case K.Shl: {
      const z = ((a.zeros << k) | low32(k)) >>> 0;
      const o = (a.ones << k) >>> 0;
      let umin = 0, umax = MAX32, smin = SMIN32, smax = SMAX32;
      if (a.umax * f <= MAX32) { umin = a.umin * f; umax = a.umax * f; }
      if (a.smin * f >= SMIN32 && a.smax * f <= SMAX32) { smin = a.smin * f; smax = a.smax * f; }
      return make32(z, o, umin, umax, smin, smax);
    }
    case K.ShrU:
      return make32(((a.zeros >>> k) | ~(MAX32 >>> k)) >>> 0, a.ones >>> k, a.umin >>> k, a.umax >>> k);
    case K.ShrS:
      return make32((a.zeros >> k) >>> 0, (a.ones >> k) >>> 0, 0, MAX32, a.smin >> k, a.smax >> k);
    case K.Rotl:
    case K.Rotr: {
      const r = kind === K.Rotl ? k : 32 - k;
      return make32(((a.zeros << r) | (a.zeros >>> (32 - r))) >>> 0, ((a.ones << r) | (a.ones >>> (32 - r))) >>> 0);
    }
  }
  return TOP32;
}

/** Shift or rotate by an operand: join over every count (mod 32) the operand may hold. */
function shift32(kind: number, a: KnownBits32, b: KnownBits32): KnownBits32 {
  const bz = b.zeros & 31, bo = b.ones & 31;
  let lo = 0, hi = 31;
  if (b.umax <= 31) { lo = b.umin; hi = b.umax; }
  let acc: KnownBits32 | null = null;
  for (let s = lo; s <= hi; s++) {
    if ((s & bz) !== 0 || (~s & bo) !== 0) continue;
    const r = shiftConst32(kind, a, s);
    acc = acc === null ? r : join32(acc, r);
  }
  return acc ?? TOP32;
}

/**
 * Known bits of a + b + cin (bits only). Carry into a bit is monotone in the operand bits,
 * so it is known 0 when even the largest operands give no carry there, known 1 when even the
 * smallest give one; a sum bit is known where both operand bits and the carry are known.
 */
function addBits32(az: number, ao: number, bz: number, bo: number, cin: number): [number, number] {
  const amax = ~az >>> 0, bmax = ~bz >>> 0;
  const smax = amax + bmax + cin;
  const smin = ao + bo + cin;
  const carryMax = smax ^ amax ^ bmax;
  const carryMin = smin ^ ao ^ bo;
  const known = (az | ao) & (bz | bo) & (~carryMax | carryMin);
  return [(~smax & known) >>> 0, (smin & known) >>> 0];
}

function add32(a: KnownBits32, b: KnownBits32): KnownBits32 {
  if (b.umax === 0) return a;
  if (a.umax === 0) return b;
  const [z, o] = addBits32(a.zeros, a.ones, b.zeros, b.ones, 0);
  let umin = 0, umax = MAX32, smin = SMIN32, smax = SMAX32;
  const ul = a.umin + b.umin, uh = a.umax + b.umax;
  if (uh <= MAX32) { umin = ul; umax = uh; } else if (ul > MAX32) { umin = ul - 2 ** 32; umax = uh - 2 ** 32; }
  const sl = a.smin + b.smin, sh = a.smax + b.smax;
  if (sl >= SMIN32 && sh <= SMAX32) { smin = sl; smax = sh; }
  else if (sl > SMAX32) { smin = sl - 2 ** 32; smax = sh - 2 ** 32; }
  else if (sh < SMIN32) { smin = sl + 2 ** 32; smax = sh + 2 ** 32; }
  return make32(z, o, umin, umax, smin, smax);
}

function sub32(a: KnownBits32, b: KnownBits32): KnownBits32 {
  if (b.umax === 0) return a;
  // a - b == a + ~b + 1; the bits of ~b are b's with zeros and ones swapped.
  const [z, o] = addBits32(a.zeros, a.ones, b.ones, b.zeros, 1);
  let umin = 0, umax = MAX32, smin = SMIN32, smax = SMAX32;
  const ul = a.umin - b.umax, uh = a.umax - b.umin;
  if (ul >= 0) { umin = ul; umax = uh; } else if (uh < 0) { umin = ul + 2 ** 32; umax = uh + 2 ** 32; }
  const sl = a.smin - b.smax, sh = a.smax - b.smin;
  if (sl >= SMIN32 && sh <= SMAX32) { smin = sl; smax = sh; }
  else if (sl > SMAX32) { smin = sl - 2 ** 32; smax = sh - 2 ** 32; }
  else if (sh < SMIN32) { smin = sl + 2 ** 32; smax = sh + 2 ** 32; }
  return make32(z, o, umin, umax, smin, smax);
}

function mul32(a: KnownBits32, b: KnownBits32): KnownBits32 {
  // a = A * 2^ta, b = B * 2^tb (ta, tb: known trailing zeros), so a*b = A*B * 2^(ta+tb); the
  // low k bits of A*B only depend on the low k bits of A and B.
  const ta = ctz32(~a.zeros), tb = ctz32(~b.zeros);
  const t = ta + tb;
  if (t >= 32) return FALSE;
  const ka = ctz32(~((a.zeros | a.ones) >>> ta)), kb = ctz32(~((b.zeros | b.ones) >>> tb));
  const k = minN(minN(ka, kb), 32 - t);
  const m = low32(k);
  const prod = Math.imul(a.ones >>> ta, b.ones >>> tb) & m;
  const z = (low32(t) | ((~prod & m) << t)) >>> 0;
  const o = (prod << t) >>> 0;
  let umin = 0, umax = MAX32, smin = SMIN32, smax = SMAX32;
  if (a.umax * b.umax <= MAX32) { umin = a.umin * b.umin; umax = a.umax * b.umax; }
  const c1 = a.smin * b.smin, c2 = a.smin * b.smax, c3 = a.smax * b.smin, c4 = a.smax * b.smax;
  const lo = Math.min(c1, c2, c3, c4), hi = Math.max(c1, c2, c3, c4);
  if (lo >= SMIN32 && hi <= SMAX32) { smin = lo + 0; smax = hi + 0; } // + 0 turns -0 into 0
  return make32(z, o, umin, umax, smin, smax);
}

function divU32(a: KnownBits32, b: KnownBits32): KnownBits32 {
  if (b.umax === 0) return TOP32; // always traps
  const c = b.constant;
  if (c !== null && (c & (c - 1)) === 0) return shiftConst32(K.ShrU, a, ctz32(c)); // x / 2^k == x >> k
  const d = maxN(b.umin, 1);
  return make32(0, 0, Math.floor(a.umin / b.umax), Math.floor(a.umax / d));
}

function remU32(a: KnownBits32, b: KnownBits32): KnownBits32 {
  if (b.umax === 0) return TOP32; // always traps
  if (a.umax < b.umin) return a; // x % y == x when x < y
  const c = b.constant;
  if (c !== null && (c & (c - 1)) === 0) { // x % 2^k == x & (2^k - 1)
    const m = (c - 1) >>> 0;
    return make32((a.zeros | ~m) >>> 0, a.ones & m, 0, minN(a.umax, m));
  }
  // a - q*b keeps the trailing zeros both share; the result is below b and at most a.
  const t = minN(ctz32(~a.zeros), ctz32(~b.zeros));
  return make32(low32(t), 0, 0, minN(a.umax, b.umax - 1));
}

function extendS32(a: KnownBits32, n: number): KnownBits32 {
  const h = 2 ** (n - 1);
  if (a.smin >= -h && a.smax < h) return a; // already sign-extended from n bits
  const s = 32 - n;
  return make32(((a.zeros << s) >> s) >>> 0, ((a.ones << s) >> s) >>> 0, 0, MAX32, -h, h - 1);
}

function unary32(kind: number, a: KnownBits32): KnownBits32 {
  switch (kind) {
    case K.Clz: return make32(~63 >>> 0, 0, Math.clz32(a.umax), Math.clz32(a.umin));
    case K.Ctz: return make32(~63 >>> 0, 0, ctz32(~a.zeros), ctz32(a.ones));
    case K.Popcnt: return make32(~63 >>> 0, 0, popcnt32(a.ones), popcnt32(~a.zeros));
    case K.Eqz: return a.umin > 0 ? FALSE : a.umax === 0 ? TRUE : BOOL;
    case K.ExtS8: return extendS32(a, 8);
    case K.ExtS16: return extendS32(a, 16);
  }
  return TOP32;
}

// ---- transfer functions: i64 ------------------------------------------------------------

function and64(a: KnownBits64, b: KnownBits64): KnownBits64 {
  if ((~a.zeros & ~b.ones & M64) === 0n) return a;
  if ((~b.zeros & ~a.ones & M64) === 0n) return b;
  return make64(a.zeros | b.zeros, a.ones & b.ones, 0n, minB(a.umax, b.umax));
}

function or64(a: KnownBits64, b: KnownBits64): KnownBits64 {
  if ((~b.zeros & ~a.ones & M64) === 0n) return a;
  if ((~a.zeros & ~b.ones & M64) === 0n) return b;
  return make64(a.zeros & b.zeros, a.ones | b.ones, maxB(a.umin, b.umin), minB(M64, a.umax + b.umax));
}

function xor64(a: KnownBits64, b: KnownBits64): KnownBits64 {
  if (b.umax === 0n) return a;
  if (a.umax === 0n) return b;
  return make64((a.zeros & b.zeros) | (a.ones & b.ones), (a.zeros & b.ones) | (a.ones & b.zeros));
}

function shiftConst64(kind: number, a: KnownBits64, k: number): KnownBits64 {
  if (k === 0) return a;
  const K_ = BigInt(k);
  switch (kind) {
    case K.Shl: {
      const z = ((a.zeros << K_) | low64(k)) & M64;
      const o = (a.ones << K_) & M64;
      let umin = 0n, umax = M64, smin = SMIN64, smax = SMAX64;
      if (a.umax << K_ <= M64) { umin = a.umin << K_; umax = a.umax << K_; }
      if (a.smin << K_ >= SMIN64 && a.smax << K_ <= SMAX64) { smin = a.smin << K_; smax = a.smax << K_; }
      return make64(z, o, umin, umax, smin, smax);
    }
    case K.ShrU:
      return make64((a.zeros >> K_) | (M64 ^ (M64 >> K_)), a.ones >> K_, a.umin >> K_, a.umax >> K_);
    case K.ShrS:
      return make64(u64(s64(a.zeros) >> K_), u64(s64(a.ones) >> K_), 0n, M64, a.smin >> K_, a.smax >> K_);
    case K.Rotl:
    case K.Rotr: {
      const r = BigInt(kind === K.Rotl ? k : 64 - k);
      const rot = (x: bigint): bigint => ((x << r) | (x >> (64n - r))) & M64;
      return make64(rot(a.zeros), rot(a.ones));
    }
  }
  return TOP64;
}

function shift64(kind: number, a: KnownBits64, b: KnownBits64): KnownBits64 {
  const bz = Number(b.zeros & 63n), bo = Number(b.ones & 63n);
  let lo = 0, hi = 63;
  if (b.umax <= 63n) { lo = Number(b.umin); hi = Number(b.umax); }
  let acc: KnownBits64 | null = null;
  for (let s = lo; s <= hi; s++) {
    if ((s & bz) !== 0 || (~s & bo) !== 0) continue;
    const r = shiftConst64(kind, a, s);
    acc = acc === null ? r : join64(acc, r);
  }
  return acc ?? TOP64;
}

function addBits64(az: bigint, ao: bigint, bz: bigint, bo: bigint, cin: bigint): [bigint, bigint] {
  const amax = M64 ^ az, bmax = M64 ^ bz;
  const smax = amax + bmax + cin;
  const smin = ao + bo + cin;
  const carryMax = smax ^ amax ^ bmax;
  const carryMin = smin ^ ao ^ bo;
  const known = (az | ao) & (bz | bo) & (~carryMax | carryMin) & M64;
  return [~smax & known, smin & known];
}

const TWO64 = 1n << 64n;

function add64(a: KnownBits64, b: KnownBits64): KnownBits64 {
  if (b.umax === 0n) return a;
  if (a.umax === 0n) return b;
  const [z, o] = addBits64(a.zeros, a.ones, b.zeros, b.ones, 0n);
  let umin = 0n, umax = M64, smin = SMIN64, smax = SMAX64;
  const ul = a.umin + b.umin, uh = a.umax + b.umax;
  if (uh <= M64) { umin = ul; umax = uh; } else if (ul > M64) { umin = ul - TWO64; umax = uh - TWO64; }
  const sl = a.smin + b.smin, sh = a.smax + b.smax;
  if (sl >= SMIN64 && sh <= SMAX64) { smin = sl; smax = sh; }
  else if (sl > SMAX64) { smin = sl - TWO64; smax = sh - TWO64; }
  else if (sh < SMIN64) { smin = sl + TWO64; smax = sh + TWO64; }
  return make64(z, o, umin, umax, smin, smax);
}

function sub64(a: KnownBits64, b: KnownBits64): KnownBits64 {
  if (b.umax === 0n) return a;
  const [z, o] = addBits64(a.zeros, a.ones, b.ones, b.zeros, 1n);
  let umin = 0n, umax = M64, smin = SMIN64, smax = SMAX64;
  const ul = a.umin - b.umax, uh = a.umax - b.umin;
  if (ul >= 0n) { umin = ul; umax = uh; } else if (uh < 0n) { umin = ul + TWO64; umax = uh + TWO64; }
  const sl = a.smin - b.smax, sh = a.smax - b.smin;
  if (sl >= SMIN64 && sh <= SMAX64) { smin = sl; smax = sh; }
  else if (sl > SMAX64) { smin = sl - TWO64; smax = sh - TWO64; }
  else if (sh < SMIN64) { smin = sl + TWO64; smax = sh + TWO64; }
  return make64(z, o, umin, umax, smin, smax);
}

function mul64(a: KnownBits64, b: KnownBits64): KnownBits64 {
  const ta = ctz64(M64 ^ a.zeros), tb = ctz64(M64 ^ b.zeros);
  const t = ta + tb;
  if (t >= 64) return make64(M64, 0n);
  const TA = BigInt(ta), TB = BigInt(tb), T = BigInt(t);
  const ka = ctz64(M64 ^ ((a.zeros | a.ones) >> TA)), kb = ctz64(M64 ^ ((b.zeros | b.ones) >> TB));
  const k = minN(minN(ka, kb), 64 - t);
  const m = low64(k);
  const prod = ((a.ones >> TA) * (b.ones >> TB)) & m;
  const z = (low64(t) | ((m ^ prod) << T)) & M64;
  const o = (prod << T) & M64;
  let umin = 0n, umax = M64, smin = SMIN64, smax = SMAX64;
  if (a.umax * b.umax <= M64) { umin = a.umin * b.umin; umax = a.umax * b.umax; }
  const c1 = a.smin * b.smin, c2 = a.smin * b.smax, c3 = a.smax * b.smin, c4 = a.smax * b.smax;
  const lo = minB(minB(c1, c2), minB(c3, c4)), hi = maxB(maxB(c1, c2), maxB(c3, c4));
  if (lo >= SMIN64 && hi <= SMAX64) { smin = lo; smax = hi; }
  return make64(z, o, umin, umax, smin, smax);
}

function divU64(a: KnownBits64, b: KnownBits64): KnownBits64 {
  if (b.umax === 0n) return TOP64;
  if (b.isConstant && (b.umin & (b.umin - 1n)) === 0n) return shiftConst64(K.ShrU, a, ctz64(b.umin));
  const d = maxB(b.umin, 1n);
  return make64(0n, 0n, a.umin / b.umax, a.umax / d);
}

function remU64(a: KnownBits64, b: KnownBits64): KnownBits64 {
  if (b.umax === 0n) return TOP64;
  if (a.umax < b.umin) return a;
  if (b.isConstant && (b.umin & (b.umin - 1n)) === 0n) {
    const m = b.umin - 1n;
    return make64(a.zeros | (M64 ^ m), a.ones & m, 0n, minB(a.umax, m));
  }
  const t = minN(ctz64(M64 ^ a.zeros), ctz64(M64 ^ b.zeros));
  return make64(low64(t), 0n, 0n, minB(a.umax, b.umax - 1n));
}

function extendS64(a: KnownBits64, n: number): KnownBits64 {
  const h = 1n << BigInt(n - 1);
  if (a.smin >= -h && a.smax < h) return a;
  return make64(u64(BigInt.asIntN(n, a.zeros)), u64(BigInt.asIntN(n, a.ones)), 0n, M64, -h, h - 1n);
}

function unary64(kind: number, a: KnownBits64): KnownBits64 {
  switch (kind) {
    case K.Clz: return make64(M64 ^ 127n, 0n, BigInt(clz64(a.umax)), BigInt(clz64(a.umin)));
    case K.Ctz: return make64(M64 ^ 127n, 0n, BigInt(ctz64(M64 ^ a.zeros)), BigInt(ctz64(a.ones)));
    case K.Popcnt: return make64(M64 ^ 127n, 0n, BigInt(popcnt64(a.ones)), BigInt(popcnt64(M64 ^ a.zeros)));
    case K.ExtS8: return extendS64(a, 8);
    case K.ExtS16: return extendS64(a, 16);
    case K.ExtS32: return extendS64(a, 32);
  }
  return TOP64;
}

// ---- conversions and comparisons --------------------------------------------------------

function wrap(a: KnownBits64): KnownBits32 {
  let umin = 0, umax = MAX32, smin = SMIN32, smax = SMAX32;
  if (a.umax <= LO32) { umin = Number(a.umin); umax = Number(a.umax); }
  if (a.smin >= -0x80000000n && a.smax <= 0x7fffffffn) { smin = Number(a.smin); smax = Number(a.smax); }
  return make32(Number(a.zeros & LO32), Number(a.ones & LO32), umin, umax, smin, smax);
}

function extendU(a: KnownBits32): KnownBits64 {
  const umin = BigInt(a.umin), umax = BigInt(a.umax); // non-negative as i64: the signed range is the same
  return make64(BigInt(a.zeros) | (M64 ^ LO32), BigInt(a.ones), umin, umax, umin, umax);
}

function extendS(a: KnownBits32): KnownBits64 {
  return make64(u64(BigInt(a.zeros | 0)), u64(BigInt(a.ones | 0)), 0n, M64, BigInt(a.smin), BigInt(a.smax));
}

interface Ranged {
  umin: number | bigint; umax: number | bigint; smin: number | bigint; smax: number | bigint;
}

/** 1 / 0 when the ranges decide `a < b` (unsigned or signed), else -1. */
function decideLt(a: Ranged, b: Ranged, signed: boolean): number {
  if (signed) return a.smax < b.smin ? 1 : a.smin >= b.smax ? 0 : -1;
  return a.umax < b.umin ? 1 : a.umin >= b.umax ? 0 : -1;
}

function compare(kind: number, a: KnownBits, b: KnownBits): KnownBits32 {
  let r = -1;
  switch (kind) {
    case K.Eq:
    case K.Ne: {
      const conflict = a.width === 32 ? ((a.ones & (b.zeros as number)) | (a.zeros & (b.ones as number))) !== 0
        : ((a.ones & (b.zeros as bigint)) | (a.zeros & (b.ones as bigint))) !== 0n;
      if (conflict || a.umax < b.umin || b.umax < a.umin || a.smax < b.smin || b.smax < a.smin) r = 0;
      else if (a.isConstant && b.isConstant) r = 1; // not disjoint, both constant: equal
      if (kind === K.Ne && r !== -1) r = 1 - r;
      break;
    }
    case K.LtU: r = decideLt(a, b, false); break;
    case K.LtS: r = decideLt(a, b, true); break;
    case K.GtU: r = decideLt(b, a, false); break;
    case K.GtS: r = decideLt(b, a, true); break;
    case K.GeU: r = decideLt(a, b, false); if (r !== -1) r = 1 - r; break; // a >= b == !(a < b)
    case K.GeS: r = decideLt(a, b, true); if (r !== -1) r = 1 - r; break;
    case K.LeU: r = decideLt(b, a, false); if (r !== -1) r = 1 - r; break; // a <= b == !(b < a)
    case K.LeS: r = decideLt(b, a, true); if (r !== -1) r = 1 - r; break;
  }
  return r === 1 ? TRUE : r === 0 ? FALSE : BOOL;
}

// ---- the walk ---------------------------------------------------------------------------

export interface KnownBitsOptions {
  /** Facts about a `local.get` (e.g. from a local graph); null = unknown. Must match its width. */
  local?: (get: Expr) => KnownBits | null;
  /** Memo table, shared across calls; valid while the trees and the `local` answers do not change. */
  cache?: Map<Expr, KnownBits>;
}

function resultWidth(e: Expr): number {
  const t = e.type;
  if (t.length !== 1) return 0;
  return t[0] === I32 ? 32 : t[0] === I64 ? 64 : 0;
}

/**
 * Known bits and ranges of the integer expression `e` (i32 or i64). Iterative; visits only
 * operands that matter, memoizing every visited node in `opts.cache` when given.
 */
/**
 * Whether the facts of `op` come from its operands (or a local's values): the others (loads,
 * calls, float compares, anything unmodelled) have facts of the op alone, never one value.
 */
export function factsFromOperands(op: number): boolean {
  return NEED[op] !== 0 || KIND[op] === K.Get;
}

export function knownBits(e: Expr, opts?: KnownBitsOptions): KnownBits {
  const w = resultWidth(e);
  if (w === 0) throw new Error(`knownBits: ${e.name} does not produce an i32 or i64`);
  const memo = opts?.cache ?? new Map<Expr, KnownBits>();
  const local = opts?.local;
  const hit = memo.get(e);
  if (hit !== undefined) return hit;
  const stack: Expr[] = [e];
  while (stack.length > 0) {
    const n = stack[stack.length - 1];
    if (memo.has(n)) { stack.pop(); continue; }
    const need = NEED[n.op];
    let pending = false;
    if (need !== 0) {
      const kids = n.kids;
      for (let i = 0; i < kids.length && i < 3; i++) {
        if ((need & (1 << i)) !== 0 && !memo.has(kids[i])) { stack.push(kids[i]); pending = true; }
      }
    }
    if (pending) continue;
    stack.pop();
    memo.set(n, compute(n, memo, local));
  }
  return memo.get(e)!;
}

function arg32(e: Expr, i: number, memo: Map<Expr, KnownBits>): KnownBits32 {
  const k = e.kids[i];
  const r = k === undefined ? undefined : memo.get(k);
  return r !== undefined && r.width === 32 ? r : TOP32;
}

function arg64(e: Expr, i: number, memo: Map<Expr, KnownBits>): KnownBits64 {
  const k = e.kids[i];
  const r = k === undefined ? undefined : memo.get(k);
  return r !== undefined && r.width === 64 ? r : TOP64;
}

function compute(e: Expr, memo: Map<Expr, KnownBits>, local: KnownBitsOptions['local']): KnownBits {
  const w = resultWidth(e);
  // A node without an integer value (only reached as the operand of dead code, e.g. an
  // `unreachable`) gets a placeholder; its parent re-checks widths.
  if (w === 0) return TOP32;
  const top = w === 32 ? TOP32 : TOP64;
  const kind = KIND[e.op];
  const ow = OPW[e.op];
  switch (kind) {
    case K.Const: {
      const v = e.value;
      if (w === 32 && typeof v === 'number') return KnownBits32.ofConstant(v);
      if (w === 64 && typeof v === 'bigint') return KnownBits64.ofConstant(v);
      return top;
    }
    case K.Get: {
      const r = local ? local(e) : null;
      if (r === null || r === undefined) return top;
      if (r.width !== w || !(r instanceof KnownBits32 || r instanceof KnownBits64)) {
        throw new Error(`knownBits: the local callback answered an i${r.width} fact for an i${w} local.get`);
      }
      return r;
    }
    case K.Tee: return w === 32 ? arg32(e, 0, memo) : arg64(e, 0, memo);
    case K.Select: {
      const c = arg32(e, 2, memo);
      if (w === 32) {
        const a = arg32(e, 0, memo), b = arg32(e, 1, memo);
        return c.umin > 0 ? a : c.umax === 0 ? b : join32(a, b);
      }
      const a = arg64(e, 0, memo), b = arg64(e, 1, memo);
      return c.umin > 0 ? a : c.umax === 0 ? b : join64(a, b);
    }
    case K.Bool: return w === 32 ? BOOL : top;
    case K.RangeU: {
      const n = ARG[e.op];
      // (facts of the op alone, immutable: made once per op)
      return (RANGE_FACTS[e.op] ??= w === 32 ? make32(~low32(n) >>> 0, 0) : make64(M64 ^ low64(n), 0n));
    }
    case K.RangeS: {
      const n = ARG[e.op];
      return (RANGE_FACTS[e.op] ??= w === 32 ? make32(0, 0, 0, MAX32, -(2 ** (n - 1)), 2 ** (n - 1) - 1)
        : make64(0n, 0n, 0n, M64, -(1n << BigInt(n - 1)), (1n << BigInt(n - 1)) - 1n));
    }
    case K.Wrap: {
      if (w !== 32) return top;
      // wrap_i64(extend_i32_u/s(x)) == x
      const k = e.kids[0];
      if (k !== undefined && (KIND[k.op] === K.ExtendU || KIND[k.op] === K.ExtendS) && k.kids.length > 0) {
        const x = memo.get(k.kids[0]);
        if (x !== undefined && x.width === 32) return x;
      }
      return wrap(arg64(e, 0, memo));
    }
    case K.ExtendU: return w === 64 ? extendU(arg32(e, 0, memo)) : top;
    case K.ExtendS: return w === 64 ? extendS(arg32(e, 0, memo)) : top;
    case K.Eqz: case K.Eq: case K.Ne: case K.LtS: case K.LtU: case K.GtS: case K.GtU:
    case K.LeS: case K.LeU: case K.GeS: case K.GeU: {
      if (w !== 32) return top;
      const a = ow === 32 ? arg32(e, 0, memo) : arg64(e, 0, memo);
      if (kind === K.Eqz) {
        if (ow === 32) return unary32(K.Eqz, a as KnownBits32);
        return a.umin > 0 ? FALSE : a.umax === 0n ? TRUE : BOOL;
      }
      const b = ow === 32 ? arg32(e, 1, memo) : arg64(e, 1, memo);
      return compare(kind, a, b);
    }
    case K.Unknown: return top;
  }
  if (ow !== w) return top; // malformed node: result type disagrees with the opcode
  if (w === 32) {
    const a = arg32(e, 0, memo);
    switch (kind) {
      case K.Clz: case K.Ctz: case K.Popcnt: case K.ExtS8: case K.ExtS16: return unary32(kind, a);
    }
    const b = arg32(e, 1, memo);
    switch (kind) {
      case K.And: return and32(a, b);
      case K.Or: return or32(a, b);
      case K.Xor: return xor32(a, b);
      case K.Shl: case K.ShrS: case K.ShrU: case K.Rotl: case K.Rotr:
        return b.isConstant ? shiftConst32(kind, a, b.umin & 31) : shift32(kind, a, b);
      case K.Add: return add32(a, b);
      case K.Sub: return sub32(a, b);
      case K.Mul: return mul32(a, b);
      case K.DivU: return divU32(a, b);
      case K.RemU: return remU32(a, b);
    }
    return TOP32;
  }
  const a = arg64(e, 0, memo);
  switch (kind) {
    case K.Clz: case K.Ctz: case K.Popcnt: case K.ExtS8: case K.ExtS16: case K.ExtS32: return unary64(kind, a);
  }
  const b = arg64(e, 1, memo);
  switch (kind) {
    case K.And: return and64(a, b);
    case K.Or: return or64(a, b);
    case K.Xor: return xor64(a, b);
    case K.Shl: case K.ShrS: case K.ShrU: case K.Rotl: case K.Rotr:
      return b.isConstant ? shiftConst64(kind, a, Number(b.umin & 63n)) : shift64(kind, a, b);
    case K.Add: return add64(a, b);
    case K.Sub: return sub64(a, b);
    case K.Mul: return mul64(a, b);
    case K.DivU: return divU64(a, b);
    case K.RemU: return remU64(a, b);
  }
  return TOP64;
}
