// fold-if-heads: hoist the statements both arms of an `if` start with above the `if`.
//
// What. When the then and else arms of an `if` that stands as a statement begin with the same
// statements A (equal ops, immediates and branch targets, where a branch to a label inside A
// matches the branch to the label at the same place in the other copy; void; no pops inside),
// A is emitted once, after the condition and before the dispatch:
//   (if c (then A X) (else A Y))   →   c  A  (if (pop) (then X) (else Y))
// The condition's value waits on the operand stack while A runs (weft keeps such stack code
// with a `pop` operand, see docs/architecture.md) — unless c and A commute (effects analysis:
// e.g. c reads only locals A does not write, and cannot trap), when A simply goes first and
// c stays the `if`'s operand: `A (if c (then X) (else Y))`. What is left of the `if` is then
// made smaller where that costs nothing (shown with the pop; the same with c as operand):
//   (if (pop) (then) (else (br $l)))  →  (br_if $l (pop)) with c negated (a flipped integer
//                                         comparison, or an `i32.eqz` removed), else
//                                         (br_if $l (i32.eqz (pop)))
//   (if (pop) (then (br $l)))         →  (br_if $l (pop))
//   (if (pop))                        →  (drop (pop))
// and when both arms are nothing but A, no pop at all: (if c (then A) (else A)) → (drop c) A
// (c is dropped before A runs, as it ran before A; a `drop (pop)` after A would be left for a
// second run's promote-locals to move up).
// In the sem seam (GUIDE.md) both arms of the inlined decide's `if` start with the same
// `br_if` on the unpend result; folding it turns the `if` into one `br_if`. Two inlined panics
// leave an `if` whose arms are the same endless loop: one loop is left, and no dispatch.
// An `if` folded before (its condition is a `pop`, already waiting on the stack) takes part
// again: heads that became equal since (a later inlining) go above it as well.
//
// Why it is sound. Every path through the `if` evaluated c, then A, then the rest of its arm;
// after the rewrite every path evaluates c, then A, then the rest of the same arm (the value of
// c decides the arm exactly as before). With c after A, the two were checked to commute: no
// write of either is read or written by the other, no trap of c is moved past a write of
// global state or another trap, and when A branches out c has no side effects (skipping it is
// unobservable).
// A branch inside A that leaves (A targets only labels around the `if`: never the `if` itself,
// whose end is not a place A can reach once it stands outside) unwinds c's value with the rest
// of the stack, which wasm allows for any branch. A holds no `pop`, so nothing in A can take
// c's value. Negating c in place is sound because c's value is used only by the new `br_if`.
// Labels inside A: the copy kept is the then arm's, whose branches target its own labels
// exactly as the else copy's targeted the corresponding ones, and labels outside A the same.
//
// Where. Late in -O2 and above, after coalesce-locals (which also leaves stack code): the
// passes that move code leave functions with pops alone, so this runs when they are done.

import { Expr, pop } from '../ir/expr.js';
import { Eff, O, OPS, op } from '../ir/opcodes.js';
import { I32, NONE, single } from '../ir/types.js';
import { forEachExprPost, hasOuterPops } from '../ir/walk.js';
import { effectsOf } from '../analysis/effects.js';
import { negateFree } from './remove-unused-brs.js';
import type { FunctionPass } from './registry.js';

const I32_EQZ = op('i32.eqz');

/**
 * Whether the two trees are the same code (iterative): equal ops, immediates and types, and
 * branches to the same outside labels or to corresponding labels inside the trees.
 */
function sameTree(a: Expr, b: Expr): boolean {
  const inner = new Map<Expr, Expr>(); // a label of `a` -> the label at the same place in `b`
  const sameTarget = (x: Expr | null, y: Expr | null) => x === y || (x !== null && inner.get(x) === y);
  const xs = [a];
  const ys = [b];
  while (xs.length > 0) {
    const x = xs.pop()!;
    const y = ys.pop()!;
    if (x.op !== y.op || x.kids.length !== y.kids.length || x.index !== y.index || x.index2 !== y.index2 ||
      x.offset !== y.offset || x.align !== y.align || !sameTarget(x.target, y.target) ||
      !sameTypes(x.type, y.type) || !sameTypes(x.params, y.params)) return false;
    if (!sameValue(x.value, y.value)) return false;
    if (x.targets !== null || y.targets !== null) {
      if (x.targets === null || y.targets === null || x.targets.length !== y.targets.length) return false;
      for (let i = 0; i < x.targets.length; i++) if (!sameTarget(x.targets[i], y.targets[i])) return false;
    }
    if (x.body.length !== y.body.length || (x.alt === null) !== (y.alt === null) ||
      (x.alt !== null && x.alt.length !== y.alt!.length)) return false;
    if (x.isLabel()) inner.set(x, y); // before its body: branches inside target it
    // pushed in reverse, so that a label is met before the branches (in later lists) to it
    if (x.alt !== null) for (let i = x.alt.length - 1; i >= 0; i--) { xs.push(x.alt[i]); ys.push(y.alt![i]); }
    for (let i = x.body.length - 1; i >= 0; i--) { xs.push(x.body[i]); ys.push(y.body[i]); }
    for (let i = 0; i < x.kids.length; i++) {
      xs.push(x.kids[i]);
      ys.push(y.kids[i]);
    }
  }
  return true;
}

function sameTypes(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameValue(a: Expr['value'], b: Expr['value']): boolean {
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  return a === b;
}

/** A statement A may be: void, no pops anywhere, no branch to `self` (labels inside are fine). */
function foldable(e: Expr, self: Expr): boolean {
  if (e.type.length !== 0) return false;
  const stack = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x.op === O.pop) return false;
    if (x.target === self || (x.targets !== null && x.targets.includes(self))) return false;
    for (const k of x.kids) stack.push(k);
    for (const k of x.body) stack.push(k);
    if (x.alt !== null) for (const k of x.alt) stack.push(k);
  }
  return true;
}

/**
 * Whether statement `h` never falls through (iterative, bottom-up): a jump (br, br_table,
 * return, unreachable, tail call), a node with such an operand, a loop with such a root (its
 * branches go back to its start), a block or if with such a root (both arms for an if) that
 * no branch targets.
 */
function neverFallsThrough(h: Expr): boolean {
  const nf = new Set<Expr>();
  const targeted = new Set<Expr>();
  const anyNf = (list: readonly Expr[]) => list.some((r) => nf.has(r));
  forEachExprPost([h], (e) => {
    if (e.target !== null) targeted.add(e.target);
    if (e.targets !== null) for (const t of e.targets) targeted.add(t);
    if ((OPS[e.op].effects & Eff.noFallThrough) !== 0 || e.kids.some((k) => nf.has(k))) nf.add(e);
    else if (e.op === O.loop && anyNf(e.body)) nf.add(e);
    else if (e.op === O.block && !targeted.has(e) && anyNf(e.body)) nf.add(e);
    else if (e.op === O.if && e.alt !== null && !targeted.has(e) && anyNf(e.body) && anyNf(e.alt)) nf.add(e);
  });
  return nf.has(h);
}

/**
 * The folded `if` `e` made smaller where that is free. `cond` is its condition; with `onStack`
 * it is emitted as a statement before the heads and `e` reads it with a pop, else it stays an
 * operand. Returns the statement to emit for the condition (null when it stays an operand)
 * and what replaces `e`.
 */
function shrink(e: Expr, cond: Expr, onStack: boolean): [Expr | null, Expr] {
  const then = e.body;
  const alt = e.alt ?? [];
  if (alt.length === 0) e.alt = null;
  const operand = () => (onStack ? pop(I32) : cond);
  const done = (rest: Expr, c: Expr = cond): [Expr | null, Expr] => [onStack ? c : null, rest];
  e.kids = [operand()];
  if (e.type.length !== 0) return done(e);
  const isBr = (s: Expr[]) => s.length === 1 && s[0].op === O.br && s[0].kids.length === 0 && s[0].target !== e;
  const brIf = (target: Expr, c: Expr) => {
    const b = new Expr(O.br_if, NONE, [c]);
    b.target = target;
    return b;
  };
  if (then.length === 0 && alt.length === 0) return done(new Expr(O.drop, NONE, [operand()]));
  if (alt.length === 0 && isBr(then)) return done(brIf(then[0].target!, operand()));
  if (then.length === 0 && isBr(alt)) {
    const negated = negateFree(cond);
    if (negated !== null) return done(brIf(alt[0].target!, onStack ? pop(I32) : negated), negated);
    return done(brIf(alt[0].target!, new Expr(I32_EQZ, single(I32), [operand()])));
  }
  return done(e);
}

export const foldIfHeads: FunctionPass = {
  name: 'fold-if-heads',
  description: 'hoist statements both arms of an if start with above the if (the condition waits on the stack)',
  scope: 'function',
  run(cx, f) {
    const root = cx.body(f);
    let changed = false;
    let pops = false;
    const nodes: Expr[] = [root];
    while (nodes.length > 0) {
      const n = nodes.pop()!;
      for (const list of n.alt === null ? [n.body] : [n.body, n.alt]) {
        for (let i = 0; i < list.length; i++) {
          const e = list[i];
          if (e.op !== O.if || e.alt === null || e.params.length !== 0 || e.kids.length !== 1) continue;
          // a condition already waiting on the stack (an if folded before) lets more heads go
          // above it; any other pop in the condition stays where it is
          const waiting = e.kids[0].op === O.pop;
          if (!waiting && hasOuterPops(e.kids[0])) continue;
          let k = 0;
          while (k < e.body.length && k < e.alt.length && foldable(e.body[k], e) && sameTree(e.body[k], e.alt[k])) k++;
          if (k === 0) continue;
          const cond = e.kids[0];
          // a head that never falls through (two inlined panics: the same endless loop in both
          // arms) ends the code: what would follow it, the rest of the if reading the waiting
          // condition, is dead. The condition is only dropped, before the heads, as it ran
          // before them; no pop is left behind a structure that dce (which skips stack code)
          // would have to remove, and a second run would (after promote-locals took the pop out)
          // (a void if only: a value of the if would be missing after the heads)
          const end = e.type.length === 0 ? e.body.slice(0, k).findIndex((h) => neverFallsThrough(h)) : -1;
          if (end >= 0) {
            const drop = new Expr(O.drop, NONE, [cond]);
            list.splice(i, 1, drop, ...e.body.slice(0, end + 1));
            i += end + 1;
            changed = true;
            continue;
          }
          if (e.type.length === 0 && e.body.length === k && e.alt.length === k) {
            // the arms are nothing but the heads: the if only evaluated c (see the header)
            list.splice(i, 1, new Expr(O.drop, NONE, [cond]), ...e.body);
            i += k;
            changed = true;
            continue;
          }
          const heads = e.body.slice(0, k);
          e.body = e.body.slice(k);
          e.alt = e.alt.slice(k);
          // the condition may simply run after the heads when the two commute
          const cfx = effectsOf(cond);
          const onStack = waiting || heads.some((h) => cfx.invalidates(effectsOf(h)));
          const [shrunk, rest] = shrink(e, cond, onStack);
          const c = waiting ? null : shrunk; // a waiting condition is on the stack already
          if (c !== null) list.splice(i, 1, c, ...heads, rest);
          else list.splice(i, 1, ...heads, rest);
          i += heads.length + (c !== null ? 1 : 0);
          if (onStack) pops = true;
          changed = true;
        }
      }
      for (const x of n.body) nodes.push(x);
      if (n.alt !== null) for (const x of n.alt) nodes.push(x);
      for (const x of n.kids) nodes.push(x);
    }
    if (pops) f.hasPops = true;
    return changed;
  },
};
