// Integer arithmetic: add, sub, mul, div, rem (i32 and i64, wrap-around semantics).
//
// Every identity below holds modulo 2^W for all operand values. An operand that disappears
// must be `removable` (no side effect, no trap); a division is only rewritten when its
// divisor is a constant that cannot make it trap.

import { Expr } from '../../ir/expr.js';
import { type Rule, type W, bin, cval, iop, isC, isConst, is, log2, mkConst, widthOf } from './util.js';

const w = (e: Expr): W => widthOf(e.op) as W;

export const arithRules: Rule[] = [
  {
    // c + x == x + c, c * x == x * c (constants to the right; a constant has no effect, so order is free)
    name: 'commute-const', ops: ['i32.add', 'i64.add', 'i32.mul', 'i64.mul'],
    fn: (e) => {
      const [a, b] = e.kids;
      return isConst(a) && !isConst(b) ? bin(e.op, b, a) : null;
    },
  },
  {
    // x + 0 == x
    name: 'add-zero', ops: ['i32.add', 'i64.add'],
    fn: (e) => (isC(e.kids[1], 0n) ? e.kids[0] : null),
  },
  {
    // (x + c1) + c2 == x + (c1 + c2)
    name: 'add-add-const', ops: ['i32.add', 'i64.add'],
    fn: (e) => {
      const [a, b] = e.kids;
      const c2 = cval(b);
      if (c2 === null || a.op !== e.op) return null;
      const c1 = cval(a.kids[1]);
      if (c1 === null) return null;
      return bin(e.op, a.kids[0], mkConst(w(e), c1 + c2));
    },
  },
  {
    // x + x == x << 1 (one evaluation of x instead of two)
    name: 'add-self', ops: ['i32.add', 'i64.add'],
    fn: (e, env) => {
      const [a, b] = e.kids;
      return env.same(a, b) ? bin(iop(w(e), 'shl'), a, mkConst(w(e), 1n)) : null;
    },
  },
  {
    // x + (0 - y) == x - y
    name: 'add-neg', ops: ['i32.add', 'i64.add'],
    fn: (e) => {
      const [a, b] = e.kids;
      if (!is(b, 'sub') || !isC(b.kids[0], 0n)) return null;
      return bin(iop(w(e), 'sub'), a, b.kids[1]);
    },
  },
  {
    // (0 - x) + y == y - x (x and y change order: only when they commute)
    name: 'neg-add', ops: ['i32.add', 'i64.add'],
    fn: (e, env) => {
      const [a, b] = e.kids;
      if (!is(a, 'sub') || !isC(a.kids[0], 0n) || !env.reorderable(a.kids[1], b)) return null;
      return bin(iop(w(e), 'sub'), b, a.kids[1]);
    },
  },
  {
    // x - 0 == x; x - c == x + (-c)  (one canonical form for constant offsets)
    name: 'sub-const', ops: ['i32.sub', 'i64.sub'],
    fn: (e) => {
      const c = cval(e.kids[1]);
      if (c === null) return null;
      if (c === 0n) return e.kids[0];
      return bin(iop(w(e), 'add'), e.kids[0], mkConst(w(e), -c));
    },
  },
  {
    // x - x == 0
    name: 'sub-self', ops: ['i32.sub', 'i64.sub'],
    fn: (e, env) => (env.same(e.kids[0], e.kids[1]) ? mkConst(w(e), 0n) : null),
  },
  {
    // 0 - (0 - x) == x
    name: 'neg-neg', ops: ['i32.sub', 'i64.sub'],
    fn: (e) => {
      const [a, b] = e.kids;
      if (!isC(a, 0n) || !is(b, 'sub') || !isC(b.kids[0], 0n)) return null;
      return b.kids[1];
    },
  },
  {
    // x - (0 - y) == x + y
    name: 'sub-neg', ops: ['i32.sub', 'i64.sub'],
    fn: (e) => {
      const [a, b] = e.kids;
      if (isC(a, 0n) || !is(b, 'sub') || !isC(b.kids[0], 0n)) return null;
      return bin(iop(w(e), 'add'), a, b.kids[1]);
    },
  },
  {
    // x * 0 == 0 (x removable); x * 1 == x; x * -1 == 0 - x; x * 2^k == x << k
    name: 'mul-const', ops: ['i32.mul', 'i64.mul'],
    fn: (e, env) => {
      const [a, b] = e.kids;
      const c = cval(b);
      if (c === null) return null;
      const W_ = w(e);
      if (isC(b, 0n)) return env.removable(a) ? mkConst(W_, 0n) : null;
      if (isC(b, 1n)) return a;
      if (isC(b, -1n)) return bin(iop(W_, 'sub'), mkConst(W_, 0n), a);
      const k = log2(W_, c);
      return k > 0 ? bin(iop(W_, 'shl'), a, mkConst(W_, BigInt(k))) : null;
    },
  },
  {
    // (x * c1) * c2 == x * (c1 * c2)
    name: 'mul-mul-const', ops: ['i32.mul', 'i64.mul'],
    fn: (e) => {
      const [a, b] = e.kids;
      const c2 = cval(b);
      if (c2 === null || a.op !== e.op) return null;
      const c1 = cval(a.kids[1]);
      if (c1 === null) return null;
      return bin(e.op, a.kids[0], mkConst(w(e), c1 * c2));
    },
  },
  {
    // x /s 1 == x; x /u 1 == x; x /u 2^k == x >>u k (a non-zero constant divisor cannot trap)
    name: 'div-const', ops: ['i32.div_s', 'i64.div_s', 'i32.div_u', 'i64.div_u'],
    fn: (e) => {
      const [a, b] = e.kids;
      const c = cval(b);
      if (c === null) return null;
      if (isC(b, 1n)) return a;
      if (!e.name.endsWith('_u')) return null;
      const k = log2(w(e), c);
      return k > 0 ? bin(iop(w(e), 'shr_u'), a, mkConst(w(e), BigInt(k))) : null;
    },
  },
  {
    // x %u 2^k == x & (2^k - 1) (k >= 0; cannot trap)
    name: 'rem-u-pow2', ops: ['i32.rem_u', 'i64.rem_u'],
    fn: (e) => {
      const [a, b] = e.kids;
      const c = cval(b);
      if (c === null) return null;
      const k = log2(w(e), c);
      return k >= 0 ? bin(iop(w(e), 'and'), a, mkConst(w(e), (1n << BigInt(k)) - 1n)) : null;
    },
  },
  {
    // x %s 1 == 0, x %s -1 == 0 (never trap: wasm defines INT_MIN %s -1 as 0; x removable)
    name: 'rem-s-unit', ops: ['i32.rem_s', 'i64.rem_s'],
    fn: (e, env) => {
      const [a, b] = e.kids;
      return (isC(b, 1n) || isC(b, -1n)) && env.removable(a) ? mkConst(w(e), 0n) : null;
    },
  },
];
