// Shifts and rotates (i32 and i64). Wasm takes the count modulo the width, so a constant
// count is first normalized to [0, W); a mask of the count that keeps its low log2(W) bits
// is redundant. Shifts of 0 (and -1 >>s, rotations of -1) are constants by known bits (the
// generic known-constant rule).

import { Expr } from '../../ir/expr.js';
import { type Rule, type W, bin, cval, iop, is, maskOf, mkConst, u, un, widthOf } from './util.js';

const w = (e: Expr): W => widthOf(e.op) as W;
const SHIFTS = ['i32.shl', 'i64.shl', 'i32.shr_s', 'i64.shr_s', 'i32.shr_u', 'i64.shr_u', 'i32.rotl', 'i64.rotl', 'i32.rotr', 'i64.rotr'];

/** A constant shift count, already normalized (the rule below runs first), or -1. */
function count(e: Expr): number {
  if (e.kids.length !== 2 || widthOf(e.op) === 0) return -1;
  const c = cval(e.kids[1]);
  return c === null ? -1 : Number(u(w(e), c) & BigInt(w(e) - 1));
}

export const shiftRules: Rule[] = [
  {
    // x << c == x << (c mod W) (the same for every shift and rotate); x << 0 == x
    name: 'count-const', ops: SHIFTS,
    fn: (e) => {
      const c = cval(e.kids[1]);
      if (c === null) return null;
      const n = u(w(e), c) & BigInt(w(e) - 1);
      if (n === 0n) return e.kids[0];
      return n === c ? null : bin(e.op, e.kids[0], mkConst(w(e), n));
    },
  },
  {
    // x << (y & m) == x << y when m keeps the low log2(W) bits (the count is taken mod W)
    name: 'count-mask', ops: SHIFTS,
    fn: (e) => {
      const [a, b] = e.kids;
      if (!is(b, 'and')) return null;
      const m = cval(b.kids[1]);
      const low = BigInt(w(e) - 1);
      return m !== null && (m & low) === low ? bin(e.op, a, b.kids[0]) : null;
    },
  },
  {
    // (x << c1) << c2 == x << (c1 + c2), and 0 when c1 + c2 >= W (x removable); the same for >>u;
    // (x >>s c1) >>s c2 == x >>s min(c1 + c2, W - 1); rotations add modulo W
    name: 'combine', ops: SHIFTS,
    fn: (e, env) => {
      const a = e.kids[0];
      const c2 = count(e);
      if (c2 <= 0 || a.op !== e.op) return null;
      const c1 = count(a);
      if (c1 <= 0) return null;
      const W_ = w(e);
      const x = a.kids[0];
      const base = e.name.slice(4);
      let s = c1 + c2;
      if (base === 'rotl' || base === 'rotr') s %= W_;
      else if (s >= W_) {
        if (base === 'shr_s') s = W_ - 1;
        else return env.removable(x) ? mkConst(W_, 0n) : null;
      }
      return s === 0 ? x : bin(e.op, x, mkConst(W_, BigInt(s)));
    },
  },
  {
    // (x >>u c) << c == x & (-1 << c); (x << c) >>u c == x & (-1 >>u c)
    name: 'shift-pair-mask', ops: ['i32.shl', 'i64.shl', 'i32.shr_u', 'i64.shr_u'],
    fn: (e) => {
      const a = e.kids[0];
      const c = count(e);
      if (c <= 0 || count(a) !== c) return null;
      const W_ = w(e);
      const M = maskOf(W_);
      let m: bigint;
      if (is(e, 'shl') && is(a, 'shr_u')) m = (M << BigInt(c)) & M;
      else if (is(e, 'shr_u') && is(a, 'shl')) m = M >> BigInt(c);
      else return null;
      return bin(iop(W_, 'and'), a.kids[0], mkConst(W_, m));
    },
  },
  {
    // (x << (W - N)) >>s (W - N) == extendN_s(x)  (N = 8, 16, and 32 for i64)
    name: 'sign-extend', ops: ['i32.shr_s', 'i64.shr_s'],
    fn: (e) => {
      const a = e.kids[0];
      const c = count(e);
      if (c <= 0 || !is(a, 'shl') || count(a) !== c) return null;
      const W_ = w(e);
      const n = W_ - c;
      if (n !== 8 && n !== 16 && !(n === 32 && W_ === 64)) return null;
      return un(iop(W_, `extend${n}_s`), a.kids[0]);
    },
  },
];
