// merge-blocks: flatten nested blocks and hoist statements out of blocks used as operands.
//
// What. Bottom-up over every list of roots (block/loop bodies, if arms, the function body):
//  - a block (or loop) without parameters that no branch targets, sitting as a root of a list,
//    is replaced by its body's roots, in place;
//  - a targeted block that is the last root of a block's or if's list (or of the function
//    body), with the same result type, no parameters on either, and only void roots before it,
//    is merged too: its branches are retargeted to the enclosing label, whose end is the same
//    point with the same stack;
//  - a block (or untargeted loop) used as an operand, `(i32.add (block (result i32) (s1) (s2)
//    (v)) (x))`, gives its statements s1, s2 to the enclosing list, just before the root that
//    contains it, and is replaced by its value v, when the statements commute with every
//    operand evaluated before the block (effects `conflictsWith`). `drop(block ...)`,
//    `local.set(block ...)`, `if (block ...)`, `br_if ... (block ...)` are all instances.
//
// Why it is sound. Removing `block ... end` around a list changes nothing when nothing branches
// to it: the instructions run in the same order, and the stack before and after is the same
// (the block had no parameters; its results are what its body leaves). A branch to a block
// that ends its parent's list jumps to the same place as a branch to the parent, and carries
// the same values when the types agree and nothing else is on the parent's stack then (the
// roots before it are void and the parent has no parameters). Hoisted statements run before
// the earlier operands instead of after them; that is allowed only when neither conflicts
// (locals, globals, memory, traps, branches out, calls), and only through operand edges (no
// label is crossed, so the branches inside still reach their targets). The operand block
// itself must be untargeted and its statements void, so its value is exactly its last root.
// Functions with `pop`s are left alone.
//
// Where. After passes that create blocks (inlining, simplify-locals, dce leaving nested
// blocks) and before remove-unused-brs and vacuum; it never adds instructions.

import type { Expr } from '../ir/expr.js';
import { O } from '../ir/opcodes.js';
import { typesEqual } from '../ir/types.js';
import { branchesByTarget, retargetBranches, forEachExprPost } from '../ir/walk.js';
import type { FunctionEffects } from '../analysis/effects.js';
import type { FunctionPass } from './registry.js';

class MergeBlocks {
  changed = false;
  private readonly branches: Map<Expr, Set<Expr>>;

  constructor(readonly frame: Expr, readonly fx: FunctionEffects) {
    // fx: computed on first query; from then on a snapshot, only ever a superset (see dce.ts)
    this.branches = branchesByTarget(frame.body);
  }

  private targeted(e: Expr): boolean {
    const s = this.branches.get(e);
    return s !== undefined && s.size > 0;
  }

  run(): boolean {
    forEachExprPost([this.frame], (e) => {
      if (e.op !== O.block && e.op !== O.loop && e.op !== O.if) return;
      e.body = this.list(e.body, e);
      if (e.alt !== null) e.alt = this.list(e.alt, e);
    });
    return this.changed;
  }

  /** Moves every branch to `from` onto `to`. */
  private retarget(from: Expr, to: Expr): void {
    retargetBranches(this.branches, from, to);
  }


  private list(list: Expr[], owner: Expr): Expr[] {
    const work: Expr[] = [];
    for (let i = list.length - 1; i >= 0; i--) work.push(list[i]);
    const out: Expr[] = [];
    let touched = false;
    let voidSoFar = owner.params.length === 0;
    while (work.length > 0) {
      const r = work.pop()!;
      if ((r.op === O.block || r.op === O.loop) && r.params.length === 0) {
        let merge = !this.targeted(r);
        if (!merge && r.op === O.block && work.length === 0 && voidSoFar && owner.op !== O.loop &&
            typesEqual(r.type, owner.type)) {
          this.retarget(r, owner);
          merge = true;
        }
        if (merge) {
          for (let i = r.body.length - 1; i >= 0; i--) work.push(r.body[i]);
          touched = true;
          continue;
        }
      }
      if (this.hoist(r, out)) touched = true;
      out.push(r);
      if (r.type.length !== 0) voidSoFar = false;
    }
    if (!touched) return list;
    this.changed = true;
    return out;
  }

  /** An operand that can give its statements away: an untargeted block/loop ending in its value. */
  private hoistable(k: Expr): boolean {
    if (k.op !== O.block && k.op !== O.loop) return false;
    if (k.params.length !== 0 || k.type.length !== 1 || this.targeted(k)) return false;
    const b = k.body;
    if (b.length === 0 || !typesEqual(b[b.length - 1].type, k.type)) return false;
    for (let i = 0; i < b.length - 1; i++) if (b[i].type.length !== 0) return false;
    return true;
  }

  /**
   * Hoists statements out of operand blocks under root `r` (through operand edges only, in
   * evaluation order) into `out`, just before `r`. Returns whether anything changed.
   */
  private hoist(r: Expr, out: Expr[]): boolean {
    let changed = false;
    const path: Expr[] = [r];
    const next: number[] = [0];
    while (path.length > 0) {
      const top = path.length - 1;
      const p = path[top];
      const i = next[top];
      if (i >= p.kids.length) {
        path.pop();
        next.pop();
        continue;
      }
      next[top] = i + 1;
      let k = p.kids[i];
      while (this.hoistable(k)) {
        const stmts = k.body.slice(0, -1);
        if (stmts.length > 0 && !this.commutes(stmts, path, next)) break;
        for (const s of stmts) out.push(s);
        k = k.body[k.body.length - 1];
        p.kids[i] = k;
        changed = true;
      }
      if (k.kids.length > 0) {
        path.push(k);
        next.push(0);
      }
    }
    return changed;
  }

  /** Whether `stmts` may run before every operand evaluated before the current position. */
  private commutes(stmts: Expr[], path: Expr[], next: number[]): boolean {
    const fx = this.fx;
    for (let t = 0; t < path.length; t++) {
      const kids = path[t].kids;
      const cur = next[t] - 1; // the operand on the path (or being examined, at the top)
      for (let j = 0; j < cur; j++) {
        const ej = fx.get(kids[j]);
        for (const s of stmts) if (fx.get(s).conflictsWith(ej)) return false;
      }
    }
    return true;
  }
}

export const mergeBlocks: FunctionPass = {
  name: 'merge-blocks',
  description: 'flatten nested blocks and hoist statements out of blocks used as operands',
  scope: 'function',
  bodyLocal: true,
  run(cx, f) {
    if (f.hasPops) return false;
    return new MergeBlocks(cx.body(f), cx.effects(f)).run();
  },
};
