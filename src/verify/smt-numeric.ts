// The SMT semantics of wasm values and scalar numeric instructions (for verify/smt-function.ts):
// value sorts, trap kinds, and `NumericEncoder`, which gives each i32/i64/f32/f64 instruction's
// value and trap condition as terms. Integer instructions are exact bit-vector terms; floats are
// bit patterns, with two models (see the top of verify/smt-function.ts): at the first level
// every float instruction other than abs/neg/copysign/reinterpret is an uninterpreted function
// of its operands' bits; at the second, the SMT floating-point theory, a NaN result being an
// uninterpreted NaN-valued function of the instruction and its operands. test/verify.test.js
// checks every instruction against the exact evaluator (ir/eval.ts).

import { OPS, op as opId } from '../ir/opcodes.js';
import { EXTERNREF, F32, F64, FUNCREF, I32, I64, V128, type ValType } from '../ir/types.js';
import {
  evalNumeric, f32ToBits, f64ToBits, isEvaluable, isNondeterministicNaN, TRAP_DIV_ZERO, TRAP_INVALID_CONV, TRAP_OVERFLOW, type Num,
} from '../ir/eval.js';
import { BOOL, FP32, FP64, Unsupported, type Smt, type Sort, type Term } from './smt.js';

// ---- wasm values -----------------------------------------------------------------------------

/** Trap kinds (the outcome `kind`; 0 is a normal return). Calls trap with a kind of their own. */
export const TRAP = {
  unreachable: 1,
  divZero: 2,
  overflow: 3,
  memory: 4,
  conversion: 5,
  table: 6,
} as const;

/**
 * The outcome `kind` of a function that diverges: it entered an endless loop (see
 * smt-function.ts, isEndlessLoop). Not a trap, but an ending of its own, compared like one: a
 * change must keep it on the same inputs, with the same effects before it.
 */
export const DIVERGES = 7;

export const TRAP_NAMES: Record<number, string> = {
  1: 'unreachable', 2: 'integer divide by zero', 3: 'integer overflow', 4: 'out of bounds memory access',
  5: 'invalid conversion to integer', 6: 'out of bounds table access',
};

/** The sort of a wasm value type (references are opaque 32-bit values). */
export function sortOf(t: ValType): Sort {
  switch (t) {
    case I32: case F32: return 32;
    case I64: case F64: return 64;
    case V128: return 128;
    case FUNCREF: case EXTERNREF: return 32;
  }
  throw new Unsupported(`value type 0x${t.toString(16)}`);
}

// ---- numeric instructions --------------------------------------------------------------------

/** The value of a numeric instruction, and when (and how) it traps instead. */
export interface NumResult {
  value: Term;
  /** Condition under which the instruction traps (null: never). */
  trap: Term | null;
  /** BV8 trap kind when it does. */
  code: Term | null;
}

const INT_RE = /^(i32|i64)\.(.+)$/;
const FLOAT_RE = /^(f32|f64)\.(.+)$/;

/** Float constants (bits) used by the exact truncation bounds. */
function fbits(w: number, x: number): bigint {
  return w === 32 ? BigInt(f32ToBits(x)) : f64ToBits(x);
}

export class NumericEncoder {
  /** Set when an uninterpreted float function was used. */
  abstracted = false;
  /** Instructions on constants by the exact evaluator (off in the test that compares the two). */
  evaluate = true;

  constructor(readonly b: Smt, readonly exactFloats: boolean) {}

  b2i(c: Term, w = 32): Term {
    const b = this.b;
    return b.ite(c, b.bv(1, w), b.bv(0, w));
  }

  /** The semantics of the scalar numeric instruction `op`, or null when it is not one. */
  encode(op: number, args: Term[]): NumResult | null {
    const name = OPS[op].name;
    const b = this.b;
    const plain = (value: Term): NumResult => ({ value, trap: null, code: null });
    if (this.evaluate && b.fold && args.length > 0 && args.every((a) => a.op === 'const')) {
      const r = this.constant(op, args);
      if (r !== null) return r;
    }
    let m = INT_RE.exec(name);
    if (m && !name.includes('atomic')) {
      const w = m[1] === 'i32' ? 32 : 64;
      const r = this.intOp(m[2], w, args);
      if (r) return r;
    }
    switch (name) {
      case 'i32.wrap_i64': return plain(b.extract(31, 0, args[0]));
      case 'i64.extend_i32_s': return plain(b.sext(32, args[0]));
      case 'i64.extend_i32_u': return plain(b.zext(32, args[0]));
      case 'i32.reinterpret_f32': case 'i64.reinterpret_f64':
      case 'f32.reinterpret_i32': case 'f64.reinterpret_i64':
        return plain(args[0]);
    }
    m = FLOAT_RE.exec(name);
    if (m || /\.trunc(_sat)?_f(32|64)_[su]$/.test(name)) return this.floatOp(name, args);
    return null;
  }

  /**
   * An instruction on constants, by the exact evaluator (ir/eval.ts; test/verify.test.js checks
   * it against this file's terms): no float abstraction for what a pass may fold, and nothing
   * for the solver. Not for a NaN result whose bits wasm leaves open (see `bits`): null then.
   */
  private constant(op: number, args: Term[]): NumResult | null {
    const info = OPS[op];
    if (!isEvaluable(op) || info.params === null || info.results === null || info.results.length !== 1) return null;
    const vals: Num[] = args.map((a, i) => {
      switch (info.params![i]) {
        case I32: return Number(BigInt.asIntN(32, a.v));
        case I64: return BigInt.asIntN(64, a.v);
        case F32: return Number(a.v);
        default: return a.v;
      }
    });
    const r = evalNumeric(op, vals);
    if (r === null) return null;
    const w = sortOf(info.results[0]);
    const b = this.b;
    if ('trap' in r) {
      const code = { [TRAP_DIV_ZERO]: TRAP.divZero, [TRAP_OVERFLOW]: TRAP.overflow, [TRAP_INVALID_CONV]: TRAP.conversion }[r.trap];
      if (code === undefined) return null;
      return { value: b.bv(0, w), trap: b.T, code: b.bv(code, 8) };
    }
    if (isNondeterministicNaN(op, r.value)) return null;
    return { value: b.bv(BigInt(r.value), w), trap: null, code: null };
  }

  private intOp(base: string, w: number, args: Term[]): NumResult | null {
    const b = this.b;
    const [x, y] = args;
    const W = BigInt(w);
    const plain = (value: Term): NumResult => ({ value, trap: null, code: null });
    const zero = b.bv(0, w);
    switch (base) {
      case 'add': return plain(b.bvadd(x, y));
      case 'sub': return plain(b.bvsub(x, y));
      case 'mul': return plain(b.bvmul(x, y));
      case 'and': return plain(b.bvand(x, y));
      case 'or': return plain(b.bvor(x, y));
      case 'xor': return plain(b.bvxor(x, y));
      case 'shl': return plain(b.bvshl(x, b.bvand(y, b.bv(W - 1n, w))));
      case 'shr_s': return plain(b.bvashr(x, b.bvand(y, b.bv(W - 1n, w))));
      case 'shr_u': return plain(b.bvlshr(x, b.bvand(y, b.bv(W - 1n, w))));
      case 'rotl': case 'rotr': {
        const k = b.bvand(y, b.bv(W - 1n, w));
        const back = b.bvsub(b.bv(W, w), k); // w - k; a shift by w gives 0, which makes k = 0 exact
        return plain(base === 'rotl'
          ? b.bvor(b.bvshl(x, k), b.bvlshr(x, back))
          : b.bvor(b.bvlshr(x, k), b.bvshl(x, back)));
      }
      case 'div_s': {
        const byZero = b.eq(y, zero);
        const overflow = b.and(b.eq(x, b.bv(1n << (W - 1n), w)), b.eq(y, b.bv(-1, w)));
        const code = b.ite(byZero, b.bv(TRAP.divZero, 8), b.bv(TRAP.overflow, 8));
        return { value: b.bvsdiv(x, y), trap: b.or(byZero, overflow), code };
      }
      case 'div_u': return { value: b.bvudiv(x, y), trap: b.eq(y, zero), code: b.bv(TRAP.divZero, 8) };
      case 'rem_s': return { value: b.bvsrem(x, y), trap: b.eq(y, zero), code: b.bv(TRAP.divZero, 8) };
      case 'rem_u': return { value: b.bvurem(x, y), trap: b.eq(y, zero), code: b.bv(TRAP.divZero, 8) };
      case 'eqz': return plain(this.b2i(b.eq(x, zero)));
      case 'eq': return plain(this.b2i(b.eq(x, y)));
      case 'ne': return plain(this.b2i(b.not(b.eq(x, y))));
      case 'lt_s': return plain(this.b2i(b.cmp('bvslt', x, y)));
      case 'lt_u': return plain(this.b2i(b.cmp('bvult', x, y)));
      case 'gt_s': return plain(this.b2i(b.cmp('bvslt', y, x)));
      case 'gt_u': return plain(this.b2i(b.cmp('bvult', y, x)));
      case 'le_s': return plain(this.b2i(b.cmp('bvsle', x, y)));
      case 'le_u': return plain(this.b2i(b.cmp('bvule', x, y)));
      case 'ge_s': return plain(this.b2i(b.cmp('bvsle', y, x)));
      case 'ge_u': return plain(this.b2i(b.cmp('bvule', y, x)));
      case 'clz': {
        // the highest set bit decides: test bits from low to high, the last test wraps outermost
        let r = b.bv(w, w);
        for (let i = 0; i < w; i++) r = b.ite(b.eq(b.extract(i, i, x), b.bv(1, 1)), b.bv(w - 1 - i, w), r);
        return plain(r);
      }
      case 'ctz': {
        let r = b.bv(w, w);
        for (let i = w - 1; i >= 0; i--) r = b.ite(b.eq(b.extract(i, i, x), b.bv(1, 1)), b.bv(i, w), r);
        return plain(r);
      }
      case 'popcnt': {
        let r = b.bv(0, w);
        for (let i = 0; i < w; i++) r = b.bvadd(r, b.zext(w - 1, b.extract(i, i, x)));
        return plain(r);
      }
      case 'extend8_s': return plain(b.sext(w - 8, b.extract(7, 0, x)));
      case 'extend16_s': return plain(b.sext(w - 16, b.extract(15, 0, x)));
      case 'extend32_s': return w === 64 ? plain(b.sext(32, b.extract(31, 0, x))) : null;
    }
    return null;
  }

  // ---- floats ----

  private floatOp(name: string, args: Term[]): NumResult | null {
    const b = this.b;
    const plain = (value: Term): NumResult => ({ value, trap: null, code: null });
    const m = FLOAT_RE.exec(name);
    if (m) {
      const fw = m[1] === 'f32' ? 32 : 64;
      const sign = 1n << BigInt(fw - 1);
      const x = args[0], y = args[1];
      switch (m[2]) {
        case 'abs': return plain(b.bvand(x, b.bv(~sign, fw)));
        case 'neg': return plain(b.bvxor(x, b.bv(sign, fw)));
        case 'copysign': return plain(b.bvor(b.bvand(x, b.bv(~sign, fw)), b.bvand(y, b.bv(sign, fw))));
      }
    }
    if (!this.exactFloats) return this.uninterpreted(name, args);
    return this.exact(name, args);
  }

  private uninterpreted(name: string, args: Term[]): NumResult {
    const b = this.b;
    this.abstracted = true;
    const info = OPS[opId(name)];
    if (!info.results || info.results.length !== 1) throw new Unsupported(name);
    const isCmp = /\.(eq|ne|lt|gt|le|ge)$/.test(name) && (name.startsWith('f32.') || name.startsWith('f64.'));
    if (isCmp) return { value: this.b2i(b.app(name, args, BOOL)), trap: null, code: null };
    const value = b.app(name, args, sortOf(info.results[0]));
    if ((info.effects & 1) !== 0) {
      // a trapping truncation: its trap kind (0 = none) is uninterpreted too
      const code = b.app(`${name}.trap`, args, 8);
      return { value, trap: b.not(b.eq(code, b.bv(0, 8))), code };
    }
    return { value, trap: null, code: null };
  }

  /** The float's bits for a result `r` of sort FP32/FP64: a NaN is an uninterpreted NaN of the computation. */
  private bits(r: Term, name: string, args: Term[]): Term {
    const b = this.b;
    const w = r.sort === FP32 ? 32 : 64;
    const quiet = w === 32 ? 0x7fc00000n : 0x7ff8000000000000n;
    const nan = b.bvor(b.app(`nan.${name}`, args, w), b.bv(quiet, w));
    return b.ite(b.fpop('fp.isNaN', BOOL, [r]), nan, b.fpop('fp.to_ieee_bv', w, [r]));
  }

  private exact(name: string, args: Term[]): NumResult {
    const b = this.b;
    const plain = (value: Term): NumResult => ({ value, trap: null, code: null });
    const RNE = b.sym('RNE');
    const m = FLOAT_RE.exec(name);
    if (m) {
      const fw = m[1] === 'f32' ? 32 : 64;
      const S = fw === 32 ? FP32 : FP64;
      const op = m[2];
      const X = () => b.fp(args[0]);
      const Y = () => b.fp(args[1]);
      const cmp = (f: string) => plain(this.b2i(b.fpop(f, BOOL, [X(), Y()])));
      switch (op) {
        case 'eq': return cmp('fp.eq');
        case 'ne': return plain(this.b2i(b.not(b.fpop('fp.eq', BOOL, [X(), Y()]))));
        case 'lt': return cmp('fp.lt');
        case 'gt': return cmp('fp.gt');
        case 'le': return cmp('fp.leq');
        case 'ge': return cmp('fp.geq');
        case 'add': case 'sub': case 'mul': case 'div':
          return plain(this.bits(b.fpop(`fp.${op}`, S, [RNE, X(), Y()]), name, args));
        case 'sqrt': return plain(this.bits(b.fpop('fp.sqrt', S, [RNE, X()]), name, args));
        case 'ceil': case 'floor': case 'trunc': case 'nearest': {
          const mode = { ceil: 'RTP', floor: 'RTN', trunc: 'RTZ', nearest: 'RNE' }[op]!;
          return plain(this.bits(b.fpop('fp.roundToIntegral', S, [b.sym(mode), X()]), name, args));
        }
        case 'min': case 'max': {
          const [x, y] = args;
          const XX = X(), YY = Y();
          const anyNaN = b.or(b.fpop('fp.isNaN', BOOL, [XX]), b.fpop('fp.isNaN', BOOL, [YY]));
          const quiet = fw === 32 ? 0x7fc00000n : 0x7ff8000000000000n;
          const nan = b.bvor(b.app(`nan.${name}`, args, fw), b.bv(quiet, fw));
          const less = op === 'min' ? b.fpop('fp.lt', BOOL, [XX, YY]) : b.fpop('fp.gt', BOOL, [XX, YY]);
          const more = op === 'min' ? b.fpop('fp.lt', BOOL, [YY, XX]) : b.fpop('fp.gt', BOOL, [YY, XX]);
          // equal values have equal bits, except the zeros: min(-0, +0) = -0, max = +0
          const same = op === 'min' ? b.bvor(x, y) : b.bvand(x, y);
          return plain(b.ite(anyNaN, nan, b.ite(less, x, b.ite(more, y, same))));
        }
        case 'convert_i32_s': case 'convert_i64_s':
          // a signed integer to the nearest float (never a NaN)
          return plain(b.fpop('fp.to_ieee_bv', fw, [b.indexed('to_fp', `(_ to_fp ${fw === 32 ? '8 24' : '11 53'})`, S, [RNE, args[0]])]));
        case 'convert_i32_u': case 'convert_i64_u':
          return plain(b.fpop('fp.to_ieee_bv', fw,
            [b.indexed('to_fp_unsigned', `(_ to_fp_unsigned ${fw === 32 ? '8 24' : '11 53'})`, S, [RNE, args[0]])]));
        case 'demote_f64':
          return plain(this.bits(b.indexed('to_fp', '(_ to_fp 8 24)', FP32, [RNE, b.fp(args[0])]), name, args));
        case 'promote_f32':
          return plain(this.bits(b.indexed('to_fp', '(_ to_fp 11 53)', FP64, [RNE, b.fp(args[0])]), name, args));
      }
      throw new Unsupported(name);
    }
    // integer truncations: i32.trunc_f64_s, i64.trunc_sat_f32_u ...
    const t = /^(i32|i64)\.trunc(_sat)?_f(32|64)_([su])$/.exec(name);
    if (!t) throw new Unsupported(name);
    const iw = t[1] === 'i32' ? 32 : 64;
    const sat = t[2] !== undefined;
    const fw = Number(t[3]);
    const signed = t[4] === 's';
    const X = b.fp(args[0]);
    // trunc(x) >= lo  <=>  x > lo - 1 (when lo - 1 is a float; else the floats next to lo are
    // 2 or more apart and it is x >= lo);  trunc(x) < hi  <=>  x < hi (hi is a power of two)
    const lo = signed ? -(2 ** (iw - 1)) : 0;
    const hi = signed ? 2 ** (iw - 1) : 2 ** iw;
    const below = lo - 1;
    const exact = !signed || (iw === 32 && fw === 64); // is lo - 1 a float of this format
    const fconst = (x: number) => b.fp(b.bv(fbits(fw, x), fw));
    const aboveLo = exact ? b.fpop('fp.gt', BOOL, [X, fconst(below)]) : b.fpop('fp.geq', BOOL, [X, fconst(lo)]);
    const belowHi = b.fpop('fp.lt', BOOL, [X, fconst(hi)]);
    const isNaN = b.fpop('fp.isNaN', BOOL, [X]);
    const inRange = b.and(aboveLo, belowHi); // false for NaN
    const conv = b.indexed(signed ? 'fp.to_sbv' : 'fp.to_ubv', `(_ ${signed ? 'fp.to_sbv' : 'fp.to_ubv'} ${iw})`, iw, [b.sym('RTZ'), X]);
    if (sat) {
      const min = signed ? b.bv(1n << BigInt(iw - 1), iw) : b.bv(0, iw);
      const max = signed ? b.bv((1n << BigInt(iw - 1)) - 1n, iw) : b.bv(-1, iw);
      const value = b.ite(isNaN, b.bv(0, iw), b.ite(b.not(aboveLo), min, b.ite(belowHi, conv, max)));
      return plain(value);
    }
    const trap = b.not(inRange); // NaN compares false, so it is out of range too
    const code = b.ite(isNaN, b.bv(TRAP.conversion, 8), b.bv(TRAP.overflow, 8));
    return { value: conv, trap, code };
  }
}
