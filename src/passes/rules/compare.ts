// Integer comparisons and eqz (i32 and i64). Float comparisons are left alone: with a NaN
// operand every ordered comparison is false, so none of them can be inverted or flipped into
// another by negation.

import { Expr } from '../../ir/expr.js';
import {
  type Rule, type W, FLIP, INVERT, bin, cval, iop, isBool, isC, isCompare, isConst, is, mkConst, un, widthOf, baseOf,
} from './util.js';

const w = (e: Expr): W => widthOf(e.op) as W;
const CMPS = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'].flatMap((b) => [`i32.${b}`, `i64.${b}`]);

export const compareRules: Rule[] = [
  {
    // c < x == x > c (constants to the right; the same for every comparison)
    name: 'flip-const', ops: CMPS,
    fn: (e) => {
      const [a, b] = e.kids;
      if (!isConst(a) || isConst(b)) return null;
      return bin(iop(w(e), FLIP[baseOf(e.op)!]), b, a);
    },
  },
  {
    // x == 0 == eqz x
    name: 'eq-zero', ops: ['i32.eq', 'i64.eq'],
    fn: (e) => (isC(e.kids[1], 0n) ? un(iop(w(e), 'eqz'), e.kids[0]) : null),
  },
  {
    // x == x, x <=u x, x >=s x ... == 1; x != x, x <u x, x >s x ... == 0 (x removable)
    name: 'self', ops: CMPS,
    fn: (e, env) => {
      if (!env.same(e.kids[0], e.kids[1])) return null;
      const b = baseOf(e.op)!;
      return mkConst(32, b === 'eq' || b.startsWith('le') || b.startsWith('ge') ? 1n : 0n);
    },
  },
  {
    // x >u 0 == x != 0; x <=u 0 == eqz x; x <u 1 == eqz x; x >=u 1 == x != 0
    // (x <u 0 == 0 and x >=u 0 == 1 are decided by the ranges, see the known-bits rule)
    name: 'unsigned-zero', ops: ['i32.gt_u', 'i64.gt_u', 'i32.le_u', 'i64.le_u', 'i32.lt_u', 'i64.lt_u', 'i32.ge_u', 'i64.ge_u'],
    fn: (e) => {
      const [a, b] = e.kids;
      const b0 = isC(b, 0n), b1 = isC(b, 1n);
      const W_ = w(e);
      switch (baseOf(e.op)) {
        case 'gt_u': return b0 ? bin(iop(W_, 'ne'), a, b) : null;
        case 'le_u': return b0 ? un(iop(W_, 'eqz'), a) : null;
        case 'lt_u': return b1 ? un(iop(W_, 'eqz'), a) : null;
        case 'ge_u': return b1 ? bin(iop(W_, 'ne'), a, mkConst(W_, 0n)) : null;
      }
      return null;
    },
  },
  {
    // for a boolean b: b == 1 == b; b != 0 == b; b != 1 == eqz b
    name: 'bool-compare', ops: ['i32.eq', 'i32.ne'],
    fn: (e, env) => {
      const [a, b] = e.kids;
      if (!isBool(a, env)) return null;
      const eq = is(e, 'eq');
      if ((eq && isC(b, 1n)) || (!eq && isC(b, 0n))) return a;
      if (!eq && isC(b, 1n)) return un(iop(32, 'eqz'), a);
      return null;
    },
  },
  {
    // (x + c1) == c2 == x == (c2 - c1); (x ^ c1) == c2 == x == (c1 ^ c2); the same for !=
    name: 'eq-offset', ops: ['i32.eq', 'i64.eq', 'i32.ne', 'i64.ne'],
    fn: (e) => {
      const [a, b] = e.kids;
      const c2 = cval(b);
      if (c2 === null || a.kids.length !== 2) return null;
      const c1 = cval(a.kids[1]);
      if (c1 === null) return null;
      if (is(a, 'add')) return bin(e.op, a.kids[0], mkConst(w(e), c2 - c1));
      if (is(a, 'xor')) return bin(e.op, a.kids[0], mkConst(w(e), c2 ^ c1));
      return null;
    },
  },
  {
    // eqz(eqz b) == b for a boolean b (conditions drop the double eqz for any b, see select.ts)
    name: 'eqz-eqz-bool', ops: ['i32.eqz'],
    fn: (e, env) => {
      const a = e.kids[0];
      return is(a, 'eqz') && a.op === e.op && isBool(a.kids[0], env) ? a.kids[0] : null;
    },
  },
  {
    // eqz(x < y) == x >= y, eqz(x == y) == x != y ... (integer comparisons only)
    name: 'eqz-compare', ops: ['i32.eqz'],
    fn: (e) => {
      const a = e.kids[0];
      if (!isCompare(a)) return null;
      return bin(iop(widthOf(a.op) as W, INVERT[baseOf(a.op)!]), a.kids[0], a.kids[1]);
    },
  },
  {
    // eqz(x - y) == x == y; eqz(x ^ y) == x == y; eqz(x + c) == x == -c
    name: 'eqz-diff', ops: ['i32.eqz', 'i64.eqz'],
    fn: (e) => {
      const a = e.kids[0];
      const W_ = w(e);
      if (a.kids.length !== 2 || widthOf(a.op) !== W_) return null;
      if (is(a, 'sub') || is(a, 'xor')) return bin(iop(W_, 'eq'), a.kids[0], a.kids[1]);
      const c = cval(a.kids[1]);
      if (is(a, 'add') && c !== null) return bin(iop(W_, 'eq'), a.kids[0], mkConst(W_, -c));
      return null;
    },
  },
];
