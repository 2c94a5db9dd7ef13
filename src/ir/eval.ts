// The concrete evaluator of scalar numeric instructions, exactly per the WebAssembly 2.0 spec.
//
// `evalNumeric(op, args)` computes one instruction of the opcode table (ir/opcodes.ts) on
// constants in weft's representation (ir/expr.ts): i32 as a signed JS number, i64 as a signed
// bigint, f32 as its uint32 bit pattern, f64 as its 64-bit pattern (unsigned bigint). It returns
// `{ value }`, `{ trap }` (the spec's trap kinds: 'integer divide by zero', 'integer overflow',
// 'invalid conversion to integer'), or null for an instruction it does not evaluate (SIMD,
// memory, control, anything without a fixed numeric signature). It is a pure function, shared
// by the precompute pass, the differential tests and the Z3 cross-checks.
//
// NaN. Wasm float arithmetic that produces a NaN produces a *nondeterministic* NaN (a canonical
// NaN, or for NaN operands any arithmetic NaN, of either sign). This evaluator returns the
// positive canonical NaN (0x7fc00000 / 0x7ff8000000000000) for those, which is one allowed
// outcome but not the only one: a caller that replaces code by the result (precompute) must not
// use it, see `isNondeterministicNaN`. Only the bitwise float instructions (abs, neg, copysign,
// reinterpret) have exact NaN bits; they are computed on the bit patterns, never through a JS
// number, so NaN payloads and signs are preserved exactly.
//
// Rounding. f32 add/sub/mul/div/sqrt are computed in binary64 and rounded once to binary32 with
// Math.fround; that is correctly rounded because 53 >= 2*24 + 2 (double rounding is innocuous
// for these operations). Integer → float conversions round once from an exact value, except
// i64 → f32, which rounds the bigint directly to 24 significant bits (going through an f64 would
// round twice and be wrong, e.g. for 2^63 + 2^39 + 1).

import { op as opId } from './opcodes.js';

export type Num = number | bigint;
export type EvalResult = { value: Num } | { trap: string } | null;

export const TRAP_DIV_ZERO = 'integer divide by zero';
export const TRAP_OVERFLOW = 'integer overflow';
export const TRAP_INVALID_CONV = 'invalid conversion to integer';

const F32_NAN = 0x7fc00000;
const F64_NAN = 0x7ff8000000000000n;

// ---- bit-pattern conversions ----------------------------------------------------------------

const dv = new DataView(new ArrayBuffer(8));

export function f32FromBits(bits: number): number {
  dv.setUint32(0, bits >>> 0);
  return dv.getFloat32(0);
}

/** Bits of `x` rounded to f32; a NaN gives the positive canonical NaN. */
export function f32ToBits(x: number): number {
  if (Number.isNaN(x)) return F32_NAN;
  dv.setFloat32(0, x);
  return dv.getUint32(0);
}

export function f64FromBits(bits: bigint): number {
  dv.setBigUint64(0, BigInt.asUintN(64, bits));
  return dv.getFloat64(0);
}

/** Bits of `x`; a NaN gives the positive canonical NaN. */
export function f64ToBits(x: number): bigint {
  if (Number.isNaN(x)) return F64_NAN;
  dv.setFloat64(0, x);
  return dv.getBigUint64(0);
}

// ---- helpers ---------------------------------------------------------------------------------

const MASK64 = 0xffffffffffffffffn;
const u64 = (x: bigint) => BigInt.asUintN(64, x);
const s64 = (x: bigint) => BigInt.asIntN(64, x);
const bool = (b: boolean) => (b ? 1 : 0);

function popcnt32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

function ctz32(x: number): number {
  x |= 0;
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

function hi32(x: bigint): number {
  return Number(u64(x) >> 32n) | 0;
}
function lo32(x: bigint): number {
  return Number(x & 0xffffffffn) | 0;
}

/** Round half to even, keeping the sign of zero (wasm `nearest`). */
function nearest(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  // Math.round rounds halves up; r - x is exact (Sterbenz, or r is 0), so a tie shows as 0.5
  let r = Math.round(x);
  if (r - x === 0.5 && r % 2 !== 0) r -= 1;
  return r === 0 ? (x < 0 ? -0 : 0) : r;
}

/** Correctly rounded (to nearest, ties to even) binary32 value of the integer `v`. */
export function bigintToF32(v: bigint): number {
  const neg = v < 0n;
  let m = neg ? -v : v;
  const len = m.toString(2).length;
  if (len > 24) {
    const shift = BigInt(len - 24);
    let q = m >> shift;
    const rem = m & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    m = q << shift; // at most 25 significant bits with a power of two: exact in f64 and in f32
  }
  const r = Math.fround(Number(m));
  return neg ? -r : r;
}

/**
 * Truncation of a float to an integer range [lo, hi] (as bigints): a trap for NaN or a value
 * out of range, else the integer.
 */
function truncChecked(x: number, lo: bigint, hi: bigint): { value: bigint } | { trap: string } {
  if (Number.isNaN(x)) return { trap: TRAP_INVALID_CONV };
  if (!Number.isFinite(x)) return { trap: TRAP_OVERFLOW };
  const t = BigInt(Math.trunc(x));
  if (t < lo || t > hi) return { trap: TRAP_OVERFLOW };
  return { value: t };
}

function truncSat(x: number, lo: bigint, hi: bigint): bigint {
  if (Number.isNaN(x)) return 0n;
  if (x === Infinity) return hi;
  if (x === -Infinity) return lo;
  const t = BigInt(Math.trunc(x));
  return t < lo ? lo : t > hi ? hi : t;
}

const I32_MIN = -(1n << 31n);
const I32_MAX = (1n << 31n) - 1n;
const U32_MAX = (1n << 32n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const U64_MAX = MASK64;

// ---- the instruction table ------------------------------------------------------------------

type Fn = (a: Num[]) => EvalResult;

const I = (x: Num) => Number(x) | 0; // an i32 operand
const L = (x: Num) => s64(BigInt(x)); // an i64 operand (signed)
const F = (x: Num) => f32FromBits(Number(x)); // an f32 operand's value
const D = (x: Num) => f64FromBits(BigInt(x)); // an f64 operand's value

const i32 = (v: number): EvalResult => ({ value: v | 0 });
const i64 = (v: bigint): EvalResult => ({ value: s64(v) });
const f32 = (v: number): EvalResult => ({ value: f32ToBits(v) });
const f64 = (v: number): EvalResult => ({ value: f64ToBits(v) });

const defs: Record<string, Fn> = {};
/** Defines handlers for `${prefix}${name}` from a map of names. */
function def(prefix: string, fns: Record<string, Fn>): void {
  for (const [k, fn] of Object.entries(fns)) defs[prefix + k] = fn;
}

// i32
def('i32.', {
  eqz: ([a]) => i32(bool(I(a) === 0)),
  eq: ([a, b]) => i32(bool(I(a) === I(b))),
  ne: ([a, b]) => i32(bool(I(a) !== I(b))),
  lt_s: ([a, b]) => i32(bool(I(a) < I(b))),
  lt_u: ([a, b]) => i32(bool(I(a) >>> 0 < I(b) >>> 0)),
  gt_s: ([a, b]) => i32(bool(I(a) > I(b))),
  gt_u: ([a, b]) => i32(bool(I(a) >>> 0 > I(b) >>> 0)),
  le_s: ([a, b]) => i32(bool(I(a) <= I(b))),
  le_u: ([a, b]) => i32(bool(I(a) >>> 0 <= I(b) >>> 0)),
  ge_s: ([a, b]) => i32(bool(I(a) >= I(b))),
  ge_u: ([a, b]) => i32(bool(I(a) >>> 0 >= I(b) >>> 0)),
  clz: ([a]) => i32(Math.clz32(I(a))),
  ctz: ([a]) => i32(ctz32(I(a))),
  popcnt: ([a]) => i32(popcnt32(I(a))),
  add: ([a, b]) => i32(I(a) + I(b)),
  sub: ([a, b]) => i32(I(a) - I(b)),
  mul: ([a, b]) => i32(Math.imul(I(a), I(b))),
  div_s: ([a, b]) => {
    const x = I(a), y = I(b);
    if (y === 0) return { trap: TRAP_DIV_ZERO };
    if (x === -0x80000000 && y === -1) return { trap: TRAP_OVERFLOW };
    return i32(Math.trunc(x / y)); // exact: the double quotient never crosses an integer
  },
  div_u: ([a, b]) => {
    const x = I(a) >>> 0, y = I(b) >>> 0;
    if (y === 0) return { trap: TRAP_DIV_ZERO };
    return i32(Math.trunc(x / y));
  },
  rem_s: ([a, b]) => {
    const x = I(a), y = I(b);
    if (y === 0) return { trap: TRAP_DIV_ZERO };
    return i32(x % y); // sign of the dividend, as in wasm; INT_MIN % -1 == 0
  },
  rem_u: ([a, b]) => {
    const x = I(a) >>> 0, y = I(b) >>> 0;
    if (y === 0) return { trap: TRAP_DIV_ZERO };
    return i32(x % y);
  },
  and: ([a, b]) => i32(I(a) & I(b)),
  or: ([a, b]) => i32(I(a) | I(b)),
  xor: ([a, b]) => i32(I(a) ^ I(b)),
  shl: ([a, b]) => i32(I(a) << (I(b) & 31)),
  shr_s: ([a, b]) => i32(I(a) >> (I(b) & 31)),
  shr_u: ([a, b]) => i32(I(a) >>> (I(b) & 31)),
  rotl: ([a, b]) => {
    const x = I(a), k = I(b) & 31;
    return i32(k === 0 ? x : (x << k) | (x >>> (32 - k)));
  },
  rotr: ([a, b]) => {
    const x = I(a), k = I(b) & 31;
    return i32(k === 0 ? x : (x >>> k) | (x << (32 - k)));
  },
  wrap_i64: ([a]) => i32(Number(BigInt.asIntN(32, L(a)))),
  trunc_f32_s: ([a]) => truncI32(F(a), true),
  trunc_f32_u: ([a]) => truncI32(F(a), false),
  trunc_f64_s: ([a]) => truncI32(D(a), true),
  trunc_f64_u: ([a]) => truncI32(D(a), false),
  reinterpret_f32: ([a]) => i32(Number(a) | 0),
  extend8_s: ([a]) => i32((I(a) << 24) >> 24),
  extend16_s: ([a]) => i32((I(a) << 16) >> 16),
  trunc_sat_f32_s: ([a]) => i32(Number(truncSat(F(a), I32_MIN, I32_MAX))),
  trunc_sat_f32_u: ([a]) => i32(Number(truncSat(F(a), 0n, U32_MAX))),
  trunc_sat_f64_s: ([a]) => i32(Number(truncSat(D(a), I32_MIN, I32_MAX))),
  trunc_sat_f64_u: ([a]) => i32(Number(truncSat(D(a), 0n, U32_MAX))),
});

function truncI32(x: number, signed: boolean): EvalResult {
  const r = truncChecked(x, signed ? I32_MIN : 0n, signed ? I32_MAX : U32_MAX);
  return 'trap' in r ? r : i32(Number(r.value));
}
function truncI64(x: number, signed: boolean): EvalResult {
  const r = truncChecked(x, signed ? I64_MIN : 0n, signed ? I64_MAX : U64_MAX);
  return 'trap' in r ? r : i64(r.value);
}

// i64
def('i64.', {
  eqz: ([a]) => i32(bool(L(a) === 0n)),
  eq: ([a, b]) => i32(bool(L(a) === L(b))),
  ne: ([a, b]) => i32(bool(L(a) !== L(b))),
  lt_s: ([a, b]) => i32(bool(L(a) < L(b))),
  lt_u: ([a, b]) => i32(bool(u64(L(a)) < u64(L(b)))),
  gt_s: ([a, b]) => i32(bool(L(a) > L(b))),
  gt_u: ([a, b]) => i32(bool(u64(L(a)) > u64(L(b)))),
  le_s: ([a, b]) => i32(bool(L(a) <= L(b))),
  le_u: ([a, b]) => i32(bool(u64(L(a)) <= u64(L(b)))),
  ge_s: ([a, b]) => i32(bool(L(a) >= L(b))),
  ge_u: ([a, b]) => i32(bool(u64(L(a)) >= u64(L(b)))),
  clz: ([a]) => {
    const x = L(a), h = hi32(x);
    return i64(BigInt(h !== 0 ? Math.clz32(h) : 32 + Math.clz32(lo32(x))));
  },
  ctz: ([a]) => {
    const x = L(a), l = lo32(x);
    return i64(BigInt(l !== 0 ? ctz32(l) : 32 + ctz32(hi32(x))));
  },
  popcnt: ([a]) => {
    const x = L(a);
    return i64(BigInt(popcnt32(hi32(x)) + popcnt32(lo32(x))));
  },
  add: ([a, b]) => i64(L(a) + L(b)),
  sub: ([a, b]) => i64(L(a) - L(b)),
  mul: ([a, b]) => i64(L(a) * L(b)),
  div_s: ([a, b]) => {
    const x = L(a), y = L(b);
    if (y === 0n) return { trap: TRAP_DIV_ZERO };
    if (x === I64_MIN && y === -1n) return { trap: TRAP_OVERFLOW };
    return i64(x / y); // bigint division truncates toward zero
  },
  div_u: ([a, b]) => {
    const x = u64(L(a)), y = u64(L(b));
    if (y === 0n) return { trap: TRAP_DIV_ZERO };
    return i64(x / y);
  },
  rem_s: ([a, b]) => {
    const x = L(a), y = L(b);
    if (y === 0n) return { trap: TRAP_DIV_ZERO };
    return i64(x % y); // sign of the dividend; I64_MIN % -1 == 0
  },
  rem_u: ([a, b]) => {
    const x = u64(L(a)), y = u64(L(b));
    if (y === 0n) return { trap: TRAP_DIV_ZERO };
    return i64(x % y);
  },
  and: ([a, b]) => i64(L(a) & L(b)),
  or: ([a, b]) => i64(L(a) | L(b)),
  xor: ([a, b]) => i64(L(a) ^ L(b)),
  shl: ([a, b]) => i64(L(a) << (L(b) & 63n)),
  shr_s: ([a, b]) => i64(L(a) >> (L(b) & 63n)),
  shr_u: ([a, b]) => i64(u64(L(a)) >> (L(b) & 63n)),
  rotl: ([a, b]) => {
    const x = u64(L(a)), k = L(b) & 63n;
    return i64((x << k) | (x >> ((64n - k) & 63n)));
  },
  rotr: ([a, b]) => {
    const x = u64(L(a)), k = L(b) & 63n;
    return i64((x >> k) | (x << ((64n - k) & 63n)));
  },
  extend_i32_s: ([a]) => i64(BigInt(I(a))),
  extend_i32_u: ([a]) => i64(BigInt(I(a) >>> 0)),
  trunc_f32_s: ([a]) => truncI64(F(a), true),
  trunc_f32_u: ([a]) => truncI64(F(a), false),
  trunc_f64_s: ([a]) => truncI64(D(a), true),
  trunc_f64_u: ([a]) => truncI64(D(a), false),
  reinterpret_f64: ([a]) => i64(BigInt(a)),
  extend8_s: ([a]) => i64(BigInt.asIntN(8, L(a))),
  extend16_s: ([a]) => i64(BigInt.asIntN(16, L(a))),
  extend32_s: ([a]) => i64(BigInt.asIntN(32, L(a))),
  trunc_sat_f32_s: ([a]) => i64(truncSat(F(a), I64_MIN, I64_MAX)),
  trunc_sat_f32_u: ([a]) => i64(truncSat(F(a), 0n, U64_MAX)),
  trunc_sat_f64_s: ([a]) => i64(truncSat(D(a), I64_MIN, I64_MAX)),
  trunc_sat_f64_u: ([a]) => i64(truncSat(D(a), 0n, U64_MAX)),
});

// Float instructions common to f32 and f64, over values (`v` reads an operand, `r` makes a
// result) and, for the bitwise ones, over bit patterns as bigints (`bits`/`mk`, sign bit `sign`).
function floats(
  v: (x: Num) => number, r: (x: number) => EvalResult,
  bits: (x: Num) => bigint, mk: (b: bigint) => EvalResult, sign: bigint,
  round: (x: number) => number,
): Record<string, Fn> {
  return {
    eq: ([a, b]) => i32(bool(v(a) === v(b))),
    ne: ([a, b]) => i32(bool(v(a) !== v(b))),
    lt: ([a, b]) => i32(bool(v(a) < v(b))),
    gt: ([a, b]) => i32(bool(v(a) > v(b))),
    le: ([a, b]) => i32(bool(v(a) <= v(b))),
    ge: ([a, b]) => i32(bool(v(a) >= v(b))),
    abs: ([a]) => mk(bits(a) & ~sign),
    neg: ([a]) => mk(bits(a) ^ sign),
    copysign: ([a, b]) => mk((bits(a) & ~sign) | (bits(b) & sign)),
    ceil: ([a]) => r(Math.ceil(v(a))),
    floor: ([a]) => r(Math.floor(v(a))),
    trunc: ([a]) => r(Math.trunc(v(a))),
    nearest: ([a]) => r(nearest(v(a))),
    sqrt: ([a]) => r(round(Math.sqrt(v(a)))),
    add: ([a, b]) => r(round(v(a) + v(b))),
    sub: ([a, b]) => r(round(v(a) - v(b))),
    mul: ([a, b]) => r(round(v(a) * v(b))),
    div: ([a, b]) => r(round(v(a) / v(b))),
    // Math.min/max propagate NaN and order -0 below +0, as wasm's fmin/fmax do
    min: ([a, b]) => r(Math.min(v(a), v(b))),
    max: ([a, b]) => r(Math.max(v(a), v(b))),
  };
}

def('f32.', floats(F, f32, (x) => BigInt(Number(x) >>> 0), (b) => ({ value: Number(b & 0xffffffffn) }), 1n << 31n, Math.fround));
def('f64.', floats(D, f64, (x) => u64(BigInt(x)), (b) => ({ value: u64(b) }), 1n << 63n, (x) => x));

def('f32.', {
  convert_i32_s: ([a]) => f32(I(a)),
  convert_i32_u: ([a]) => f32(I(a) >>> 0),
  convert_i64_s: ([a]) => f32(bigintToF32(L(a))),
  convert_i64_u: ([a]) => f32(bigintToF32(u64(L(a)))),
  demote_f64: ([a]) => f32(D(a)), // setFloat32 rounds to nearest even
  reinterpret_i32: ([a]) => ({ value: Number(a) >>> 0 }),
});
def('f64.', {
  convert_i32_s: ([a]) => f64(I(a)),
  convert_i32_u: ([a]) => f64(I(a) >>> 0),
  convert_i64_s: ([a]) => f64(Number(L(a))), // Number(bigint) rounds to nearest even
  convert_i64_u: ([a]) => f64(Number(u64(L(a)))),
  promote_f32: ([a]) => f64(F(a)),
  reinterpret_i64: ([a]) => ({ value: u64(BigInt(a)) }),
});

/** Handlers by opcode id. */
const TABLE: (Fn | undefined)[] = [];
for (const [name, fn] of Object.entries(defs)) TABLE[opId(name)] = fn;

/** Float instructions whose result bits are exact even for NaN: they only move sign bits. */
const BITWISE = new Set<number>(
  ['f32.abs', 'f32.neg', 'f32.copysign', 'f64.abs', 'f64.neg', 'f64.copysign', 'f32.reinterpret_i32', 'f64.reinterpret_i64']
    .map((n) => opId(n)),
);
const F32_RESULT = new Set<number>();
const F64_RESULT = new Set<number>();
for (const name of Object.keys(defs)) {
  if (name.startsWith('f32.') && !/\.(eq|ne|lt|gt|le|ge)$/.test(name)) F32_RESULT.add(opId(name));
  if (name.startsWith('f64.') && !/\.(eq|ne|lt|gt|le|ge)$/.test(name)) F64_RESULT.add(opId(name));
}

/**
 * Evaluates the scalar numeric instruction `op` (a row id of the opcode table) on `args`
 * (operands in stack order, in weft's constant representation). Returns the result, the trap
 * the instruction raises, or null when `op` is not a scalar numeric instruction.
 */
export function evalNumeric(op: number, args: Num[]): EvalResult {
  const fn = TABLE[op];
  if (fn === undefined) return null;
  return fn(args);
}

/** True when `evalNumeric` knows `op`. */
export function isEvaluable(op: number): boolean {
  return TABLE[op] !== undefined;
}

/**
 * True when `value`, the result of `op`, is a NaN whose bits the spec leaves
 * nondeterministic (every float-producing instruction except abs, neg, copysign and
 * reinterpret). Such a result must not be substituted for the instruction.
 */
export function isNondeterministicNaN(op: number, value: Num): boolean {
  if (BITWISE.has(op)) return false;
  if (F32_RESULT.has(op)) return Number.isNaN(f32FromBits(Number(value)));
  if (F64_RESULT.has(op)) return Number.isNaN(f64FromBits(BigInt(value)));
  return false;
}
