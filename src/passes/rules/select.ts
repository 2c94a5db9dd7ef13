// select, and conditions (of select, if, br_if).
//
// A condition is only tested against zero, so in that *boolean context* `eqz(eqz x)` and
// `x != 0` are both just `x`. `if` and `br_if` keep their node (branches target an `if`, and
// passes may hold on to a `br_if`): their condition is replaced in place, and an `if` with
// an else arm swaps its arms instead of testing `eqz c`. A select whose arms swap evaluates
// them in the other order, so it is only swapped when they commute.

import { Expr } from '../../ir/expr.js';
import { type Rule, bin, iop, isC, mkConst, rebuild, un, valueWidth } from './util.js';

/** The condition `c` in a boolean context: eqz(eqz x) == x, x != 0 == x (tested against zero). */
function boolCond(c: Expr): Expr | null {
  if (c.op === iop(32, 'eqz') && c.kids[0].op === c.op) return c.kids[0].kids[0];
  if (c.op === iop(32, 'ne') && isC(c.kids[1], 0n)) return c.kids[0];
  return null;
}

export const selectRules: Rule[] = [
  {
    // select(x, x, c) == x (x and c removable)
    name: 'select-same', ops: ['select', 'select_t'],
    fn: (e, env) => {
      const [a, b, c] = e.kids;
      return env.same(a, b) && env.removable(c) ? a : null;
    },
  },
  {
    // select(a, b, cond) with cond in a boolean context: select(a, b, eqz(eqz x)) == select(a, b, x) ...
    name: 'select-cond', ops: ['select', 'select_t'],
    fn: (e) => {
      const c = boolCond(e.kids[2]);
      return c === null ? null : rebuild(e, e.op, [e.kids[0], e.kids[1], c]);
    },
  },
  {
    // select(a, b, eqz c) == select(b, a, c) (a and b commute)
    name: 'select-eqz', ops: ['select', 'select_t'],
    fn: (e, env) => {
      const [a, b, c] = e.kids;
      if (c.op !== iop(32, 'eqz') || !env.reorderable(a, b)) return null;
      return rebuild(e, e.op, [b, a, c.kids[0]]);
    },
  },
  {
    // select(1, 0, c) == c != 0; select(0, 1, c) == eqz c (i32)
    name: 'select-bool', ops: ['select', 'select_t'],
    fn: (e) => {
      const [a, b, c] = e.kids;
      if (valueWidth(e) !== 32) return null;
      if (isC(a, 1n) && isC(b, 0n)) return bin(iop(32, 'ne'), c, mkConst(32, 0n));
      if (isC(a, 0n) && isC(b, 1n)) return un(iop(32, 'eqz'), c);
      return null;
    },
  },
  {
    // if (eqz(eqz x)) / if (x != 0) == if (x); the same for br_if (condition replaced in place)
    name: 'branch-cond', ops: ['if', 'br_if'],
    fn: (e) => {
      const k = e.kids;
      const c = boolCond(k[k.length - 1]);
      if (c === null) return null;
      k[k.length - 1] = c;
      return e;
    },
  },
  {
    // if (eqz c) A else B == if (c) B else A
    name: 'if-eqz', ops: ['if'],
    fn: (e) => {
      const k = e.kids;
      const c = k[k.length - 1];
      if (e.alt === null || c.op !== iop(32, 'eqz')) return null;
      k[k.length - 1] = c.kids[0];
      const body = e.body;
      e.body = e.alt;
      e.alt = body;
      return e;
    },
  },
];
