// narrow-local: an i64 local that only ever holds 32-bit values becomes an i32 local.
//
// What. A declared i64 local qualifies when every value written to it fits in 32 bits —
// zero-extended for all of them (known bits: the value is below 2^32; its initial zero always
// fits), or sign-extended for all of them — and every read is consumed by an operation that
// narrows well: `i32.wrap_i64`, an i64 comparison or `eqz`, a bitwise op, shift, add, sub or
// mul, an `extendN_s`, a narrow store (`i64.store8/16/32` of it), or a copy into another
// local. The local becomes i32; each write stores the low half (`low32` of the seam rules:
// `i64.const 1` becomes `i32.const 1`, `i64.extend_i32_u x` becomes `x`), and each read
// becomes `i64.extend_i32_u(local.get)` (`_s` in the signed case), or just `local.get` under an
// `i32.wrap_i64`. Parameters keep their type (the signature is the caller's).
//
// Why it is sound. Every value the local can hold is `extend(low32(v))` of itself, because it
// fits; so storing the low half and extending at each read gives every read the same i64
// value, on every path (the initial zero included: an i32 local starts at zero too).
// `wrap_i64(extend(x)) == x`. The facts come from the known-bits analysis, through the local
// graph for values read from other locals (analysis/bit-fields.ts `localFactsFromGraph`).
//
// Why it pays. On a 32-bit core an i64 local is a register pair and two stack slots; the
// extend at a read is free or one instruction, and the seam rules of optimize-instructions
// usually fold it into the consumer (i64 comparisons of extended values become i32 ones).
//
// Where. seam-sroa runs it first (carriers whose low half comes from such a local, e.g. an
// inlined `action` set to 1 on one path and 0 on another, then have an i32 field source), and
// it runs on its own after inlining; optimize-instructions afterwards folds the extends.

import { Expr } from '../ir/expr.js';
import type { Func } from '../ir/module.js';
import { O, op } from '../ir/opcodes.js';
import { I32, I64, single } from '../ir/types.js';
import { forEachExpr } from '../ir/walk.js';
import { type KnownBits, KnownBits64, knownBits } from '../analysis/known-bits.js';
import { localFactsFromGraph } from '../analysis/bit-fields.js';
import { FunctionEffects } from '../analysis/effects.js';
import { Slot } from '../analysis/structure.js';
import type { PassContext } from './context.js';
import type { FunctionPass } from './registry.js';
import type { RuleEnv } from './rules/util.js';
import { low32 } from './rules/conversions.js';

const WRAP = op('i32.wrap_i64');
const EXTEND_U = op('i64.extend_i32_u');
const EXTEND_S = op('i64.extend_i32_s');

/** Parents that take a read of the local well once it is `extend(i32)`. */
const GOOD_PARENTS = new Set<number>([
  WRAP, op('i64.eqz'), op('i64.extend8_s'), op('i64.extend16_s'), op('i64.extend32_s'),
  ...['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u', 'and', 'or', 'xor', 'shl', 'shr_u',
    'shr_s', 'add', 'sub', 'mul'].map((b) => op(`i64.${b}`)),
  O.local_set, O.local_tee,
]);
const NARROW_STORES = new Set<number>([op('i64.store8'), op('i64.store16'), op('i64.store32')]);

/** A RuleEnv for `low32` outside optimize-instructions (no local facts: the tree is changing). */
export function ruleEnv(root: Expr): RuleEnv {
  const fx = new FunctionEffects(root);
  return {
    removable: (e) => !fx.get(e).hasSideEffects(),
    reorderable: (a, b) => !fx.get(a).invalidates(fx.get(b)),
    bits: (e) => knownBits(e),
    same: () => false,
  };
}

/**
 * Narrows every qualifying i64 local of `f` (see the header); returns true when it changed
 * something (and then tells the context the function changed).
 */
export function narrowLocals(cx: PassContext, f: Func): boolean {
  if (f.hasPops) return false;
  const m = cx.module;
  const numParams = m.types[f.type].params.length;
  const root = cx.body(f); // decodes the locals too
  const types = m.localTypes(f);
  if (!types.some((t, i) => t === I64 && i >= numParams)) return false;
  const lg = cx.localGraph(f);
  const st = cx.structure(f);
  const facts = localFactsFromGraph(lg, numParams, (e, local) => knownBits(e, { local }));
  const bits = (e: Expr): KnownBits => knownBits(e, { local: facts });

  const sets = new Map<number, Expr[]>();
  const gets = new Map<number, Expr[]>();
  forEachExpr(root.body, (e) => {
    if (e.op === O.local_get) (gets.get(e.index) ?? gets.set(e.index, []).get(e.index)!).push(e);
    else if (e.op === O.local_set || e.op === O.local_tee) (sets.get(e.index) ?? sets.set(e.index, []).get(e.index)!).push(e);
  });

  /** A read (a get, or a tee's value) whose consumer takes `extend(i32)` well. */
  const goodRead = (e: Expr): boolean => {
    const p = st.parent(e);
    if (p === null || st.slot(e) !== Slot.kid) return false;
    if (GOOD_PARENTS.has(p.op)) return true;
    return NARROW_STORES.has(p.op) && st.index(e) === 1;
  };

  const narrowed = new Map<number, 'u' | 's'>();
  for (let L = numParams; L < types.length; L++) {
    if (types[L] !== I64) continue;
    const rs = gets.get(L) ?? [];
    if (rs.length === 0) continue; // nothing reads it: dead-locals' job
    const ws = sets.get(L) ?? [];
    if (ws.length === 0) continue; // only ever zero: constant propagation's job, not a width question
    let u = true, s = true;
    for (const w of ws) {
      const k = bits(w.kids[0]) as KnownBits64;
      if (k.width !== 64) { u = s = false; break; }
      if (k.umax > 0xffffffffn) u = false;
      if (!k.fitsSigned(32)) s = false;
      if (!u && !s) break;
    }
    if (!u && !s) continue;
    if (!rs.every(goodRead)) continue;
    if (!ws.every((w) => w.op === O.local_set || goodRead(w))) continue;
    narrowed.set(L, u ? 'u' : 's');
  }
  if (narrowed.size === 0) return false;

  // reads first (a write's value may read another narrowed local): every get, and every tee as
  // the value its parent reads, becomes extend(i32), or stays bare under a wrap_i64
  const reread = (e: Expr, mode: 'u' | 's') => {
    e.type = single(I32);
    const p = st.parent(e)!;
    if (p.op === WRAP) st.list(p)![st.index(p)] = e; // wrap_i64(extend(x)) == x
    else p.kids[st.index(e)] = new Expr(mode === 'u' ? EXTEND_U : EXTEND_S, single(I64), [e]);
  };
  for (const [L, mode] of narrowed) {
    for (const g of gets.get(L)!) reread(g, mode);
    for (const w of sets.get(L) ?? []) if (w.op === O.local_tee) reread(w, mode);
  }
  // then the writes store the low half
  const env = ruleEnv(root);
  for (const L of narrowed.keys()) {
    f.locals[L - numParams] = I32;
    for (const w of sets.get(L) ?? []) {
      const v = w.kids[0];
      w.kids[0] = low32(v, 0, env) ?? new Expr(WRAP, single(I32), [v]);
    }
  }
  cx.changed(f);
  return true;
}

export const narrowLocal: FunctionPass = {
  name: 'narrow-local',
  description: 'turn i64 locals that only hold 32-bit values (zero- or sign-extended) into i32 locals',
  scope: 'function',
  run: (cx, f) => narrowLocals(cx, f),
};
