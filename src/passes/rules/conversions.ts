// Conversions between widths, and the seam: i64 values built from i32 halves.
//
// The core is `low32(E, c)`: an i32 expression equal to `i32.wrap_i64(i64.shr_u(E, c))`, the
// 32 bits of the i64 expression E starting at bit c (zeros above bit 63), built by pushing the
// extraction through E's operators: through extends (`low32(extend_i32_u x, 0) = x`), bitwise
// ops (`low32(a | b, c) = low32(a, c) | low32(b, c)`), add/sub/mul at c = 0 (the low half of a
// sum depends only on the low halves), constant shifts (`low32(x << 32, 32) = low32(x, 0)`),
// narrow i64 loads (`low32(i64.load8_u p, 0) = i32.load8_u p`) and select. Where nothing
// applies it leaves `i32.wrap_i64` (of a shift when c > 0) around the original operand. The
// result evaluates the same operands in the same order; an operand is only dropped when its
// bits are all shifted out and it is removable. A rewrite through `low32` is only made when
// it lowers the cost for a 32-bit backend (util.ts `cheaper`: i64 nodes count double), so
// `wrap(shr_u(or(extend_u a, shl(extend_u b, 32)), 32))` becomes `b` while a wrap of an
// opaque i64 stays as it is.
//
// i64 comparisons of values that fit in 32 bits (known bits) become i32 comparisons of their
// low halves: zero extension preserves the unsigned order and, on non-negative values, the
// signed one; sign extension preserves both orders (it maps [0, 2^31) to itself and
// [2^31, 2^32) to the top of the u64 range, in order).

import { Expr } from '../../ir/expr.js';
import { O, OPS, op } from '../../ir/opcodes.js';
import { I32, NONE, single } from '../../ir/types.js';
import { KnownBits64 } from '../../analysis/known-bits.js';
import {
  type Rule, type RuleEnv, M32, M64, UNSIGNED, baseOf, bin, cheaper, cval, iop, is, mkConst,
  rebuild, un,
} from './util.js';

const MAX_DEPTH = 12;

/** i64 load → the i32 load of the same bytes and signedness. */
const NARROW_LOAD: Record<string, string> = {
  load8_u: 'i32.load8_u', load8_s: 'i32.load8_s', load16_u: 'i32.load16_u', load16_s: 'i32.load16_s',
  load32_u: 'i32.load', load32_s: 'i32.load',
};

/** The wrapped leaf: `wrap(E)` or `wrap(E >>u c)`. */
function leaf(e: Expr, c: number): Expr {
  const x = c === 0 ? e : bin(iop(64, 'shr_u'), e, mkConst(64, BigInt(c)));
  return un(iop(32, 'wrap_i64'), x);
}

/** `wrap_i64(E >>u c)` as an i32 expression (see the header), for 0 <= c < 64; null when impossible. */
export function low32(e: Expr, c: number, env: RuleEnv, depth = 0): Expr | null {
  const v = cval(e);
  if (v !== null) return mkConst(32, BigInt.asUintN(64, v) >> BigInt(c));
  // all 32 bits known (and E removable): a constant
  const kb = env.bits(e) as KnownBits64;
  const C = BigInt(c);
  const known = (((kb.zeros | kb.ones) >> C) | (M64 ^ (M64 >> C))) & M32;
  if (known === M32 && env.removable(e)) return mkConst(32, (kb.ones >> C) & M32);
  if (depth > MAX_DEPTH) return leaf(e, c);
  const d = depth + 1;
  const base = baseOf(e.op);
  const k = e.kids;
  switch (base) {
    case 'extend_i32_u':
      if (c === 0) return k[0];
      if (c < 32) return bin(iop(32, 'shr_u'), k[0], mkConst(32, BigInt(c)));
      return env.removable(k[0]) ? mkConst(32, 0n) : null;
    case 'extend_i32_s':
      if (c === 0) return k[0];
      if (c <= 32) return bin(iop(32, 'shr_s'), k[0], mkConst(32, BigInt(Math.min(c, 31))));
      break;
    case 'extend32_s':
      if (c === 0) return low32(k[0], 0, env, d); // the low half is unchanged
      break;
    case 'extend8_s':
    case 'extend16_s':
      if (c === 0) {
        const x = low32(k[0], 0, env, d);
        return x === null ? null : un(iop(32, base), x);
      }
      break;
    case 'and':
    case 'or':
    case 'xor': {
      const a = low32(k[0], c, env, d);
      if (a === null) return null;
      const b = low32(k[1], c, env, d);
      return b === null ? null : bin(iop(32, base), a, b);
    }
    case 'add':
    case 'sub':
    case 'mul':
      if (c === 0) {
        const a = low32(k[0], 0, env, d);
        if (a === null) return null;
        const b = low32(k[1], 0, env, d);
        return b === null ? null : bin(iop(32, base), a, b);
      }
      break;
    case 'shl': {
      const s = cval(k[1]);
      if (s === null || c > 32) break;
      const n = Number(BigInt.asUintN(64, s) & 63n);
      // bits c..c+31 of x << n (all below bit 64 since c <= 32)
      if (c >= n) return low32(k[0], c - n, env, d);
      if (n - c >= 32) return env.removable(k[0]) ? mkConst(32, 0n) : null;
      const x = low32(k[0], 0, env, d);
      return x === null ? null : bin(iop(32, 'shl'), x, mkConst(32, BigInt(n - c)));
    }
    case 'shr_u': {
      const s = cval(k[1]);
      if (s === null) break;
      const n = Number(BigInt.asUintN(64, s) & 63n);
      if (n + c < 64) return low32(k[0], n + c, env, d);
      return env.removable(k[0]) ? mkConst(32, 0n) : null;
    }
    case 'shr_s': {
      const s = cval(k[1]);
      if (s === null) break;
      const n = Number(BigInt.asUintN(64, s) & 63n);
      // no sign bit copied into bits c..c+31
      if (n + c + 31 <= 63) return low32(k[0], n + c, env, d);
      break;
    }
    default:
      if (c === 0 && base !== undefined && NARROW_LOAD[base] !== undefined) return rebuild(e, op(NARROW_LOAD[base]), k);
  }
  if (e.op === O.select || e.op === O.select_t) {
    const a = low32(k[0], c, env, d);
    if (a === null) return null;
    const b = low32(k[1], c, env, d);
    if (b === null) return null;
    const s = rebuild(e, O.select, [a, b, k[2]]);
    s.type = single(I32);
    s.params = NONE;
    return s;
  }
  return leaf(e, c);
}

/** Replaces `e` by `low32(src, c)` when that is cheaper. */
function viaLow32(e: Expr, src: Expr, c: number, env: RuleEnv): Expr | null {
  const r = low32(src, c, env);
  return r !== null && cheaper(e, r) ? r : null;
}

/** How an i64 value fits in 32 bits: 'u' zero-extended, 's' sign-extended, null neither. */
function fits(e: Expr, env: RuleEnv): 'u' | 's' | null {
  const k = env.bits(e) as KnownBits64;
  if (k.umax <= M32) return 'u';
  return k.fitsSigned(32) ? 's' : null;
}

/** N of `extendN_s`. */
function extBits(name: string): number {
  return Number(/extend(\d+)_s/.exec(name)![1]);
}

/** `x` with the same low `n` bits, through masks and sign extensions that do not touch them. */
export function demandLow(x: Expr, n: number): Expr {
  const low = (1n << BigInt(n)) - 1n;
  for (;;) {
    const b = baseOf(x.op);
    if (b === 'and' || b === 'or' || b === 'xor') {
      const c = cval(x.kids[1]);
      if (c === null) return x;
      const keep = b === 'and' ? (c & low) === low : (c & low) === 0n;
      if (!keep) return x;
      x = x.kids[0];
    } else if (b === 'extend8_s' || b === 'extend16_s' || b === 'extend32_s') {
      if (extBits(b) < n) return x;
      x = x.kids[0];
    } else return x;
  }
}

const EXTENDS = ['i32.extend8_s', 'i32.extend16_s', 'i64.extend8_s', 'i64.extend16_s', 'i64.extend32_s'];
/** extendN_s(loadN_u p) == loadN_s p */
const SIGNED_LOAD: Record<string, string> = {
  'i32.extend8_s:i32.load8_u': 'i32.load8_s', 'i32.extend16_s:i32.load16_u': 'i32.load16_s',
  'i64.extend8_s:i64.load8_u': 'i64.load8_s', 'i64.extend16_s:i64.load16_u': 'i64.load16_s',
  'i64.extend32_s:i64.load32_u': 'i64.load32_s',
};
/** extend_i32_u/s(i32 load) == the i64 load of the same bytes */
const WIDE_LOAD: Record<string, string> = {
  'i64.extend_i32_u:i32.load8_u': 'i64.load8_u', 'i64.extend_i32_u:i32.load16_u': 'i64.load16_u',
  'i64.extend_i32_u:i32.load': 'i64.load32_u', 'i64.extend_i32_s:i32.load8_s': 'i64.load8_s',
  'i64.extend_i32_s:i32.load16_s': 'i64.load16_s', 'i64.extend_i32_s:i32.load': 'i64.load32_s',
};

export const conversionRules: Rule[] = [
  {
    // wrap_i64(extend_i32_u(x)) == x, wrap_i64(extend_i32_s(x)) == x
    name: 'wrap-extend', ops: ['i32.wrap_i64'],
    fn: (e) => {
      const a = e.kids[0];
      return is(a, 'extend_i32_u') || is(a, 'extend_i32_s') ? a.kids[0] : null;
    },
  },
  {
    // wrap_i64(E) == low32(E, 0) when cheaper, e.g.
    // wrap_i64(extend_i32_u(x) + extend_i32_u(y)) == x + y, wrap_i64(E >>u 32) == high half of E
    name: 'wrap-narrow', ops: ['i32.wrap_i64'],
    fn: (e, env) => viaLow32(e, e.kids[0], 0, env),
  },
  {
    // i64 comparison of values that fit in 32 bits == i32 comparison of the low halves
    // (zero-extended: the unsigned comparison; sign-extended: the same comparison)
    name: 'compare-narrow',
    ops: ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'].map((b) => `i64.${b}`),
    fn: (e, env) => {
      const [a, b] = e.kids;
      const fa = fits(a, env), fb = fits(b, env);
      let base = baseOf(e.op)!;
      if (fa === 'u' && fb === 'u') base = UNSIGNED[base];
      else if (!(fa !== null && fb !== null && (fa === 's' || env.bits(a).smax <= 0x7fffffffn) &&
        (fb === 's' || env.bits(b).smax <= 0x7fffffffn))) return null;
      const x = low32(a, 0, env);
      if (x === null) return null;
      const y = low32(b, 0, env);
      if (y === null) return null;
      const r = bin(iop(32, base), x, y);
      return cheaper(e, r) ? r : null;
    },
  },
  {
    // i64.eqz(E) == i32.eqz(low32(E)) when E fits in 32 bits
    name: 'eqz-narrow', ops: ['i64.eqz'],
    fn: (e, env) => {
      const a = e.kids[0];
      if (fits(a, env) === null) return null;
      const x = low32(a, 0, env);
      if (x === null) return null;
      const r = un(iop(32, 'eqz'), x);
      return cheaper(e, r) ? r : null;
    },
  },
  {
    // E == extend_i32_u(low32(E)) when E fits in 32 bits unsigned (extend_i32_s when signed), e.g.
    // i64.and(extend_i32_u x, 255) == extend_i32_u(i32.and(x, 255)): the i64 op becomes an i32 op
    name: 'extend-narrow',
    ops: ['and', 'or', 'xor', 'shl', 'shr_u', 'shr_s', 'add', 'sub', 'mul'].map((b) => `i64.${b}`),
    fn: (e, env) => {
      const f = fits(e, env);
      if (f === null) return null;
      const x = low32(e, 0, env);
      if (x === null) return null;
      const r = un(iop(64, f === 'u' ? 'extend_i32_u' : 'extend_i32_s'), x);
      return cheaper(e, r) ? r : null;
    },
  },
  {
    // extend_i32_u(wrap_i64(x)) == x when x fits in 32 bits unsigned; extend_i32_s(wrap_i64(x)) == x
    // when x fits signed, else extend32_s(x)
    name: 'extend-wrap', ops: ['i64.extend_i32_u', 'i64.extend_i32_s'],
    fn: (e, env) => {
      const a = e.kids[0];
      if (!is(a, 'wrap_i64')) return null;
      const x = a.kids[0];
      const k = env.bits(x) as KnownBits64;
      if (is(e, 'extend_i32_u')) return k.umax <= M32 ? x : null;
      return k.fitsSigned(32) ? x : un(iop(64, 'extend32_s'), x);
    },
  },
  {
    // extend_i32_u(i32.load8_u p) == i64.load8_u p, extend_i32_s(i32.load p) == i64.load32_s p ...
    name: 'extend-load', ops: ['i64.extend_i32_u', 'i64.extend_i32_s'],
    fn: (e) => {
      const a = e.kids[0];
      const to = WIDE_LOAD[`${e.name}:${a.name}`];
      return to === undefined ? null : rebuild(a, op(to), a.kids);
    },
  },
  {
    // extendN_s(x) == x when x already fits in N bits signed (e.g. extend8_s(load8_s p))
    name: 'extend-redundant', ops: EXTENDS,
    fn: (e, env) => {
      const a = e.kids[0];
      return env.bits(a).fitsSigned(extBits(e.name)) ? a : null;
    },
  },
  {
    // extendN_s(loadN_u p) == loadN_s p
    name: 'extend-load-signed', ops: EXTENDS,
    fn: (e) => {
      const a = e.kids[0];
      const to = SIGNED_LOAD[`${e.name}:${a.name}`];
      return to === undefined ? null : rebuild(a, op(to), a.kids);
    },
  },
  {
    // extendN_s(x & m) == extendN_s(x) when m keeps the low N bits (and through |, ^, extendM_s, M >= N)
    name: 'extend-demanded', ops: EXTENDS,
    fn: (e) => {
      const a = e.kids[0];
      const x = demandLow(a, extBits(e.name));
      return x === a ? null : un(e.op, x);
    },
  },
  {
    // i32.trunc_f64_s(f64.convert_i32_s(x)) == x, and the _u and saturating forms (f64 holds every i32 exactly)
    name: 'trunc-convert', ops: ['i32.trunc_f64_s', 'i32.trunc_f64_u', 'i32.trunc_sat_f64_s', 'i32.trunc_sat_f64_u'],
    fn: (e) => {
      const a = e.kids[0];
      const sign = e.name.slice(-1);
      return a.op === op(`f64.convert_i32_${sign}`) ? a.kids[0] : null;
    },
  },
  {
    // reinterpret(reinterpret(x)) == x (bit-exact both ways)
    name: 'reinterpret-pair', ops: ['i32.reinterpret_f32', 'i64.reinterpret_f64', 'f32.reinterpret_i32', 'f64.reinterpret_i64'],
    fn: (e) => {
      const a = e.kids[0];
      const pair = OPS[a.op].name.endsWith('reinterpret_f32') || OPS[a.op].name.endsWith('reinterpret_f64') ||
        OPS[a.op].name.endsWith('reinterpret_i32') || OPS[a.op].name.endsWith('reinterpret_i64');
      return pair && a.kids[0].type === e.type ? a.kids[0] : null;
    },
  },
];
