// dce: dead-code elimination — remove code that can never run.
//
// What. One bottom-up walk computes which nodes never fall through ("NF"): an instruction that
// ends control (br, br_table, return, unreachable, return_call*), any node with an NF operand,
// a block whose body has an NF root and that no (live) branch targets, a loop whose body has an
// NF root, an if whose two arms both have one and that nothing targets. Then, per list of roots:
//  - the roots after the first NF root are removed;
//  - an NF root that is NF only because of an operand ("(local.set 0 (i32.add (x) (br $l)))")
//    is replaced by its operands up to and including the NF one, as separate roots, recursively
//    down the operand chain (an `if` whose condition never falls through becomes the condition);
//  - roots without side effects before the NF root are removed (their values are discarded);
//  - void blocks/loops with an empty body are removed, and a void if with two empty arms
//    becomes `drop(cond)` (nothing when the condition has no side effects); an empty else arm
//    is removed.
// Branches inside removed code are subtracted from their label's count as they go, so a block
// whose only branches were dead becomes NF in the same walk (labels are finished after their
// bodies), and one run reaches the fixpoint.
//
// Typing. The IR has no "unreachable" type; the output is checked as bytes, where the stack is
// polymorphic after br/br_table/return/unreachable, but NOT after a block/if/loop that never
// falls through (its declared results are pushed and the code after it is checked strictly). So
// after trimming, a list that does not end in such a jump must still leave exactly its label's
// types: when it does not, the final NF structure is retyped to the missing type (allowed when
// each of its arms ends in a jump and nothing branches to it), or else one `unreachable` (never
// executed) is appended.
//
// Why it is sound. Only code that cannot execute is removed: roots after an NF root, operands
// after an NF operand, the parent of an NF operand (it never runs), arms of a structure whose
// operand never completes. Everything that runs before the NF point runs in the same order;
// the values it leaves are discarded by the NF point, so side-effect-free ones are dropped
// entirely. Branches are removed only together with the code containing them, and a label is
// considered untargeted only when all its branches were removed. Functions with `pop`s are left
// alone (moving roots would change which stack values pops take).
//
// Where. After passes that create unconditional control flow (precompute turning br_if into br,
// inlining, remove-unused-brs) and before vacuum/merge-blocks, which clean up what it leaves.

import { Expr, NO_KIDS, endsControl as isJump } from '../ir/expr.js';
import { O } from '../ir/opcodes.js';
import { NONE, type Type, type ValType, typeOf } from '../ir/types.js';
import { forEachExpr, forEachExprPost } from '../ir/walk.js';
import type { Effects, FunctionEffects } from '../analysis/effects.js';
import type { FunctionPass } from './registry.js';

/** The types a list of roots leaves on top of `start` (no pops: roots consume nothing). */
function listTypes(start: Type, roots: readonly Expr[]): ValType[] {
  const out: ValType[] = start.slice();
  for (const r of roots) for (const t of r.type) out.push(t);
  return out;
}

function sameTypes(a: readonly ValType[], b: readonly ValType[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

class Dce {
  /** Live branches per label (br_table counts once per occurrence). */
  readonly counts = new Map<Expr, number>();
  /** Nodes that never fall through. */
  readonly nf = new Set<Expr>();
  changed = false;

  constructor(readonly frame: Expr, readonly fx: FunctionEffects) {
    // fx: computed on first query (a pass that finds nothing to ask never pays for it); from
    // then on a snapshot, only ever a superset as this pass removes code
    forEachExpr(frame.body, (e) => this.note(e, 1));
  }

  private note(e: Expr, d: number): void {
    if (e.targets !== null) for (const t of e.targets) this.counts.set(t, (this.counts.get(t) ?? 0) + d);
    else if (e.target !== null) this.counts.set(e.target, (this.counts.get(e.target) ?? 0) + d);
  }

  /** `e` and everything under it is removed. */
  private kill(e: Expr): void {
    forEachExpr([e], (x) => this.note(x, -1));
  }

  private effects(e: Expr): Effects {
    return this.fx.get(e);
  }

  run(): boolean {
    forEachExprPost([this.frame], (e) => this.finish(e));
    return this.changed;
  }

  /** Post-visit: trim e's lists, then decide whether e falls through. */
  private finish(e: Expr): void {
    if (e.op === O.block || e.op === O.loop || e.op === O.if) {
      e.body = this.list(e.body, e);
      if (e.alt !== null) {
        const alt = this.list(e.alt, e);
        if (alt.length === 0 && e.params.length === 0 && e.type.length === 0) {
          e.alt = null;
          this.changed = true;
        } else e.alt = alt;
      }
    }
    const nf = this.nf;
    let never = isJump(e);
    if (!never) for (const k of e.kids) if (nf.has(k)) { never = true; break; }
    if (!never && (e.op === O.block || e.op === O.loop || e.op === O.if)) {
      const targeted = (this.counts.get(e) ?? 0) > 0;
      if (e.op === O.block) never = !targeted && this.lastNF(e.body);
      else if (e.op === O.loop) never = this.lastNF(e.body);
      else never = !targeted && this.lastNF(e.body) && this.lastNF(e.alt);
    }
    if (never) nf.add(e);
  }

  /** The list's last root never falls through. */
  private lastNF(l: Expr[] | null): boolean {
    return l !== null && l.length > 0 && this.nf.has(l[l.length - 1]);
  }

  private hasNFKid(e: Expr): boolean {
    for (const k of e.kids) if (this.nf.has(k)) return true;
    return false;
  }

  /** Replaces a root that is NF through an operand by what runs of it (see the header). */
  private flatten(r: Expr, out: Expr[]): void {
    let cur = r;
    for (;;) {
      const kids = cur.kids;
      let j = -1;
      for (let k = 0; k < kids.length; k++) if (this.nf.has(kids[k])) { j = k; break; }
      if (j < 0) {
        out.push(cur);
        return;
      }
      for (let k = 0; k < j; k++) out.push(kids[k]);
      for (let k = j + 1; k < kids.length; k++) this.kill(kids[k]);
      // cur itself never executes: its own branch and its arms go
      this.note(cur, -1);
      for (const b of cur.body) this.kill(b);
      if (cur.alt !== null) for (const b of cur.alt) this.kill(b);
      cur = kids[j];
    }
  }

  /** Removes empty structures from a list (see header); returns the new list or `list`. */
  private dropEmpty(list: Expr[]): Expr[] {
    let out: Expr[] | null = null;
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      let repl: Expr | null | undefined; // undefined: keep r
      if (r.type.length === 0 && r.params.length === 0) {
        if ((r.op === O.block || r.op === O.loop) && r.body.length === 0) repl = null;
        else if (r.op === O.if && r.body.length === 0 && (r.alt === null || r.alt.length === 0)) {
          const c = r.kids[0];
          if (this.nf.has(c)) repl = c; // never completes: the list's trimming handles it
          else if (this.effects(c).hasSideEffects()) {
            repl = new Expr(O.drop, NONE, [c]);
          } else {
            repl = null;
            this.kill(c);
          }
        }
      }
      if (repl !== undefined) {
        out ??= list.slice(0, i);
        if (repl !== null) out.push(repl);
        this.changed = true;
      } else if (out !== null) out.push(r);
    }
    return out ?? list;
  }

  /** Trims one list of `owner` (block/loop body or an if arm). */
  private list(list: Expr[], owner: Expr): Expr[] {
    list = this.dropEmpty(list);
    const nf = this.nf;
    let i = -1;
    for (let k = 0; k < list.length; k++) if (nf.has(list[k])) { i = k; break; }
    if (i < 0) return list;
    const r = list[i];
    const oldTail = list.slice(i + 1);
    const out: Expr[] = list.slice(0, i);
    if (this.hasNFKid(r)) {
      this.flatten(r, out);
      this.changed = true;
    } else out.push(r);
    for (const d of oldTail) this.kill(d);
    // values before the NF root are discarded: drop the side-effect-free ones
    const last = out[out.length - 1];
    let w = 0;
    for (let k = 0; k < out.length - 1; k++) {
      const x = out[k];
      if (!this.effects(x).hasSideEffects()) {
        this.kill(x);
        this.changed = true;
      } else out[w++] = x;
    }
    out[w++] = last;
    out.length = w;
    if (!isJump(last)) {
      // a never-completing structure pushes its declared types: the list must still match
      const want = owner.type;
      const have = listTypes(owner.params, out);
      if (!sameTypes(have, want)) {
        const before = listTypes(owner.params, out.slice(0, -1));
        const need = want.slice(before.length);
        if (need.length <= 1 && sameTypes(before, want.slice(0, before.length)) && this.retypable(last)) {
          last.type = typeOf(need);
          last.index = -1;
          this.changed = true;
        } else if (oldTail.length === 1 && oldTail[0].op === O.unreachable) {
          out.push(oldTail[0]); // reuse it: the list may already have this shape
        } else {
          const u = new Expr(O.unreachable, NONE, NO_KIDS);
          nf.add(u);
          out.push(u);
          this.changed = true;
        }
      }
    }
    if (out.length !== list.length) this.changed = true;
    else for (let k = 0; k < out.length; k++) if (out[k] !== list[k]) this.changed = true;
    return out;
  }

  /** An NF structure whose result type may change: no params, untargeted, every arm ends in a jump. */
  private retypable(s: Expr): boolean {
    if (s.op !== O.block && s.op !== O.loop && s.op !== O.if) return false;
    if (s.params.length !== 0) return false;
    if (s.op !== O.loop && (this.counts.get(s) ?? 0) > 0) return false;
    const endsInJump = (l: Expr[] | null) => l !== null && l.length > 0 && isJump(l[l.length - 1]);
    return endsInJump(s.body) && (s.op !== O.if || endsInJump(s.alt));
  }
}

export const dce: FunctionPass = {
  name: 'dce',
  description: 'remove code that can never run (after br/return/unreachable, parents of operands that never complete)',
  scope: 'function',
  bodyLocal: true,
  run(cx, f) {
    if (f.hasPops) return false;
    return new Dce(cx.body(f), cx.effects(f)).run();
  },
};
