// Bitwise and, or, xor (i32 and i64): identities, absorbing elements, constant merging and
// masks made redundant by known bits.

import { Expr } from '../../ir/expr.js';
import { KnownBits32, type KnownBits } from '../../analysis/known-bits.js';
import { type Rule, type RuleEnv, type W, bin, cval, iop, isBool, isC, isConst, is, maskOf, mkConst, u, un, widthOf } from './util.js';

const w = (e: Expr): W => widthOf(e.op) as W;

/** Bits that may be 1, as an unsigned bigint. */
function maybeOnes(k: KnownBits): bigint {
  return k instanceof KnownBits32 ? BigInt(~k.zeros >>> 0) : maskOf(64) ^ k.zeros;
}

/** Bits known to be 1, as an unsigned bigint. */
function knownOnes(k: KnownBits): bigint {
  return k instanceof KnownBits32 ? BigInt(k.ones >>> 0) : k.ones;
}

/** `x & y == x` when every bit that may be 1 in x is known 1 in y (y removable). */
function andKeeps(x: Expr, y: Expr, env: RuleEnv): boolean {
  return (maybeOnes(env.bits(x)) & ~knownOnes(env.bits(y))) === 0n && env.removable(y);
}

/** `x | y == x` when every bit that may be 1 in y is known 1 in x (y removable). */
function orKeeps(x: Expr, y: Expr, env: RuleEnv): boolean {
  return (maybeOnes(env.bits(y)) & ~knownOnes(env.bits(x))) === 0n && env.removable(y);
}

export const bitRules: Rule[] = [
  {
    // c & x == x & c, c | x == x | c, c ^ x == x ^ c
    name: 'commute-const', ops: ['i32.and', 'i64.and', 'i32.or', 'i64.or', 'i32.xor', 'i64.xor'],
    fn: (e) => {
      const [a, b] = e.kids;
      return isConst(a) && !isConst(b) ? bin(e.op, b, a) : null;
    },
  },
  {
    // x & 0 == 0 (x removable); x & -1 == x
    name: 'and-const', ops: ['i32.and', 'i64.and'],
    fn: (e, env) => {
      const [a, b] = e.kids;
      if (isC(b, 0n)) return env.removable(a) ? mkConst(w(e), 0n) : null;
      return isC(b, -1n) ? a : null;
    },
  },
  {
    // x | 0 == x; x | -1 == -1 (x removable)
    name: 'or-const', ops: ['i32.or', 'i64.or'],
    fn: (e, env) => {
      const [a, b] = e.kids;
      if (isC(b, 0n)) return a;
      return isC(b, -1n) && env.removable(a) ? mkConst(w(e), -1n) : null;
    },
  },
  {
    // x ^ 0 == x
    name: 'xor-zero', ops: ['i32.xor', 'i64.xor'],
    fn: (e) => (isC(e.kids[1], 0n) ? e.kids[0] : null),
  },
  {
    // x & x == x, x | x == x
    name: 'idempotent', ops: ['i32.and', 'i64.and', 'i32.or', 'i64.or'],
    fn: (e, env) => (env.same(e.kids[0], e.kids[1]) ? e.kids[0] : null),
  },
  {
    // x ^ x == 0
    name: 'xor-self', ops: ['i32.xor', 'i64.xor'],
    fn: (e, env) => (env.same(e.kids[0], e.kids[1]) ? mkConst(w(e), 0n) : null),
  },
  {
    // (x & c1) & c2 == x & (c1 & c2); the same for | and ^
    name: 'merge-consts', ops: ['i32.and', 'i64.and', 'i32.or', 'i64.or', 'i32.xor', 'i64.xor'],
    fn: (e) => {
      const [a, b] = e.kids;
      const c2 = cval(b);
      if (c2 === null || a.op !== e.op) return null;
      const c1 = cval(a.kids[1]);
      if (c1 === null) return null;
      const base = e.name.slice(4);
      const c = base === 'and' ? c1 & c2 : base === 'or' ? c1 | c2 : c1 ^ c2;
      return bin(e.op, a.kids[0], mkConst(w(e), c));
    },
  },
  {
    // (x | c1) & c2 == x & c2 when c1 & c2 == 0
    name: 'and-of-or', ops: ['i32.and', 'i64.and'],
    fn: (e) => {
      const [a, b] = e.kids;
      const c2 = cval(b);
      if (c2 === null || !is(a, 'or')) return null;
      const c1 = cval(a.kids[1]);
      return c1 !== null && (c1 & c2) === 0n ? bin(e.op, a.kids[0], b) : null;
    },
  },
  {
    // (x & c1) | c2 == x | c2 when c1 | c2 == -1
    name: 'or-of-and', ops: ['i32.or', 'i64.or'],
    fn: (e) => {
      const [a, b] = e.kids;
      const c2 = cval(b);
      if (c2 === null || !is(a, 'and')) return null;
      const c1 = cval(a.kids[1]);
      return c1 !== null && u(w(e), c1 | c2) === maskOf(w(e)) ? bin(e.op, a.kids[0], b) : null;
    },
  },
  {
    // x & m == x when the bits m clears are known 0 in x (e.g. load8_u(p) & 255 == load8_u(p));
    // also with the operands swapped
    name: 'and-redundant', ops: ['i32.and', 'i64.and'],
    fn: (e, env) => {
      const [a, b] = e.kids;
      if (andKeeps(a, b, env)) return a;
      if (andKeeps(b, a, env)) return b;
      return null;
    },
  },
  {
    // x | m == x when the bits m sets are known 1 in x; also with the operands swapped
    name: 'or-redundant', ops: ['i32.or', 'i64.or'],
    fn: (e, env) => {
      const [a, b] = e.kids;
      if (orKeeps(a, b, env)) return a;
      if (orKeeps(b, a, env)) return b;
      return null;
    },
  },
  {
    // b ^ 1 == eqz b for a boolean b (0 or 1)
    name: 'xor-bool', ops: ['i32.xor'],
    fn: (e, env) => {
      const [a, b] = e.kids;
      return isC(b, 1n) && isBool(a, env) ? un(iop(32, 'eqz'), a) : null;
    },
  },
  {
    // eqz(x) & eqz(y) == eqz(x | y)
    name: 'and-eqz', ops: ['i32.and'],
    fn: (e) => {
      const [a, b] = e.kids;
      if (!is(a, 'eqz') || a.op !== b.op) return null;
      const W_ = widthOf(a.op) as W;
      return un(a.op, bin(iop(W_, 'or'), a.kids[0], b.kids[0]));
    },
  },
  {
    // (x != 0) | (y != 0) == (x | y) != 0
    name: 'or-ne-zero', ops: ['i32.or'],
    fn: (e) => {
      const [a, b] = e.kids;
      if (!is(a, 'ne') || a.op !== b.op || !isC(a.kids[1], 0n) || !isC(b.kids[1], 0n)) return null;
      const W_ = widthOf(a.op) as W;
      return bin(a.op, bin(iop(W_, 'or'), a.kids[0], b.kids[0]), mkConst(W_, 0n));
    },
  },
];
