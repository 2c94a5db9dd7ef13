// Float rules: only the bit-exact ones. abs, neg and copysign are defined on the bit pattern
// (they only touch the sign bit, NaN payloads included), so identities between them hold for
// every input. Arithmetic identities such as x * 1.0 == x or x + 0.0 == x do NOT hold in wasm:
// a NaN operand gives a nondeterministic NaN (the payload may change), and x + 0.0 turns -0 into
// +0; they are left alone.

import { Expr } from '../../ir/expr.js';
import { op } from '../../ir/opcodes.js';
import { type Rule, un } from './util.js';

const fop = (e: Expr, base: string): number => op(`${e.name.slice(0, 3)}.${base}`);

export const floatRules: Rule[] = [
  {
    // neg(neg(x)) == x
    name: 'neg-neg', ops: ['f32.neg', 'f64.neg'],
    fn: (e) => (e.kids[0].op === e.op ? e.kids[0].kids[0] : null),
  },
  {
    // abs(abs(x)) == abs(x); abs(neg(x)) == abs(x); abs(copysign(x, y)) == abs(x) (y removable)
    name: 'abs-of-sign', ops: ['f32.abs', 'f64.abs'],
    fn: (e, env) => {
      const a = e.kids[0];
      if (a.op === e.op) return a;
      if (a.op === fop(e, 'neg')) return un(e.op, a.kids[0]);
      if (a.op === fop(e, 'copysign') && env.removable(a.kids[1])) return un(e.op, a.kids[0]);
      return null;
    },
  },
  {
    // copysign(x, c) == abs(x) for a constant c with the sign bit clear; neg(abs(x)) when set
    name: 'copysign-const', ops: ['f32.copysign', 'f64.copysign'],
    fn: (e) => {
      const c = e.kids[1];
      if (c.op !== fop(e, 'const')) return null;
      const neg = typeof c.value === 'bigint' ? (c.value >> 63n) & 1n : ((c.value as number) >>> 31) & 1;
      const abs = un(fop(e, 'abs'), e.kids[0]);
      return Number(neg) === 0 ? abs : un(fop(e, 'neg'), abs);
    },
  },
];
