// vacuum: remove code that does nothing.
//
// What. Bottom-up over every list of roots (block/loop bodies, if arms, the function body):
//  - `nop`s, and any root that leaves no value and has no side effects (an empty block or loop,
//    a block of side-effect-free statements ...), are removed;
//  - `drop(x)`: removed when x has no side effects; `drop(local.tee)` becomes `local.set`; when
//    x's own instruction has no effect and exactly one operand has side effects, the drop moves
//    to that operand (`drop(i32.add (call $f) (i32.const 1))` → `drop(call $f)`); a dropped
//    block/loop/if that no branch carries a value to becomes void, and the drop moves onto the
//    value each arm ends with (where it is simplified in turn);
//  - a void if with both arms empty becomes `drop(cond)` (then simplified; nothing when the
//    condition has no side effects); an empty else arm is removed;
//  - a block or loop without parameters that nothing branches to and whose body is one node of
//    its own type is replaced by that node, as a root or as an operand.
// The walk repeats (a few times at most) while it changes something, since simplifying a drop
// inside an arm can make the enclosing structure removable. First, in every function (also one
// with `pop`s: nothing moves, no pop is involved), self-copies go: `local.tee $x (local.get
// $x)` becomes the get, `local.set $x (local.get $x)` disappears. They hide that two reads are
// the same value (`x < x`), or a local's only value, from the passes after (and with pops the
// rest of this pass does not run); coalesce-locals used to be the first to remove them, so a
// second run found what they hid (fuzz 1-509).
//
// Why it is sound. Only computations without side effects are removed (the effects analysis:
// no trap, no write of locals/globals/memory/tables, no call, no branch out, no possibly-endless
// loop, no pop), and never a trap, a call or a write: effectful operands stay, in their order.
// Stack typing is kept: a removed root leaves nothing, or its value is removed with its drop;
// a structure made void loses its value on every path (the arms' values are dropped, and no
// branch carries a value to it). An untargeted single-node block/loop runs its node exactly once.
// Functions with `pop`s are left alone but for the self-copies: a self-copy writes the value the
// local holds, and its get reads nothing else (no pop).
//
// Where. After dce, precompute, simplify-locals and anything that leaves drops, nops or empty
// structures; it is cheap, so pipelines run it several times.

import { Expr, endsControl as isJump } from '../ir/expr.js';
import { Eff, O, OPS } from '../ir/opcodes.js';
import { NONE, typesEqual } from '../ir/types.js';
import { branchesByTarget, forEachExpr, forEachExprPost, rewriteExprs } from '../ir/walk.js';
import { FunctionEffects } from '../analysis/effects.js';
import type { FunctionPass } from './registry.js';

/** Effect bits of an instruction itself that make it unremovable (operands aside). */
const OWN_EFFECTS = Eff.trap | Eff.writeMem | Eff.writeTable | Eff.writeLocal | Eff.writeGlobal | Eff.call |
  Eff.branch | Eff.control | Eff.noFallThrough | Eff.growMem | Eff.data;

/** The instruction, operands aside, has no effect and may be dropped with them. */
function ownOpRemovable(e: Expr): boolean {
  return (OPS[e.op].effects & OWN_EFFECTS) === 0 && e.op !== O.pop && e.op !== O.drop;
}


class Vacuum {
  changed = false;
  private readonly fx: FunctionEffects;
  private readonly branches: Map<Expr, Set<Expr>>;
  /** Drops placed at the end of an arm list while making a structure void: [list, index]. */
  private pending: [Expr[], number][] = [];

  /**
   * `fx`: effects of `frame` (the context's, shared with other passes), computed on first query:
   * from then on a snapshot, only ever a superset of the tree's as this pass changes it.
   */
  constructor(readonly frame: Expr, fx: FunctionEffects) {
    this.fx = fx;
    this.branches = branchesByTarget(frame.body);
  }

  private targeted(e: Expr): boolean {
    const s = this.branches.get(e);
    return s !== undefined && s.size > 0;
  }

  private sideEffects(e: Expr): boolean {
    return this.fx.get(e).hasSideEffects();
  }

  run(): boolean {
    forEachExprPost([this.frame], (e) => this.visit(e));
    return this.changed;
  }

  private visit(e: Expr): void {
    const kids = e.kids;
    for (let i = 0; i < kids.length; i++) {
      const k = this.unwrap(kids[i]);
      if (k !== kids[i]) {
        kids[i] = k;
        this.changed = true;
      }
    }
    if (e.op === O.block || e.op === O.loop || e.op === O.if) {
      e.body = this.list(e.body);
      if (e.alt !== null) {
        e.alt = this.list(e.alt);
        if (e.alt.length === 0 && e.type.length === 0 && e.params.length === 0) {
          e.alt = null;
          this.changed = true;
        }
      }
    }
  }

  /** A block/loop that only wraps one node of its own type, untargeted: that node. */
  private unwrap(x: Expr): Expr {
    while ((x.op === O.block || x.op === O.loop) && x.params.length === 0 && x.body.length === 1 &&
        typesEqual(x.body[0].type, x.type) && !this.targeted(x)) {
      x = x.body[0];
    }
    return x;
  }

  private list(list: Expr[]): Expr[] {
    const work: Expr[] = [];
    for (let i = list.length - 1; i >= 0; i--) work.push(list[i]);
    const out: Expr[] = [];
    let touched = false;
    while (work.length > 0) {
      const r = work.pop()!;
      if (r.op === O.nop) { touched = true; continue; }
      if (r.op === O.drop) {
        const repl = this.simplifyDrop(r);
        this.flushPending();
        if (repl !== null) {
          touched = true;
          for (let i = repl.length - 1; i >= 0; i--) work.push(repl[i]);
          continue;
        }
      }
      if ((r.op === O.block || r.op === O.loop) && r.params.length === 0 && !this.targeted(r)) {
        if (r.body.length === 0 && r.type.length === 0) { touched = true; continue; }
        if (r.body.length === 1 && typesEqual(r.body[0].type, r.type)) {
          touched = true;
          work.push(r.body[0]);
          continue;
        }
      }
      if (r.op === O.if && r.type.length === 0 && r.params.length === 0 && r.body.length === 0 &&
          (r.alt === null || r.alt.length === 0)) {
        touched = true;
        const c = r.kids[0];
        if (this.sideEffects(c)) work.push(new Expr(O.drop, NONE, [c]));
        continue;
      }
      if (r.type.length === 0 && !this.sideEffects(r)) { touched = true; continue; }
      out.push(r);
    }
    if (!touched) return list;
    this.changed = true;
    return out;
  }

  /** Simplifies the drop at the end of arm lists made void (see `voidify`). */
  private flushPending(): void {
    while (this.pending.length > 0) {
      const [list, i] = this.pending.pop()!;
      const repl = this.simplifyDrop(list[i]);
      if (repl !== null) list.splice(i, 1, ...repl);
    }
  }

  /**
   * The roots that do what `d = drop(x)` does, or null when it stays as it is. May make x void
   * and queue drops at the end of its arms in `pending`.
   */
  private simplifyDrop(d: Expr): Expr[] | null {
    let x = d.kids[0];
    let moved = false;
    for (;;) {
      if (!this.sideEffects(x)) return [];
      if (x.op === O.local_tee) {
        x.op = O.local_set;
        x.type = NONE;
        return [x];
      }
      if (this.voidify(x)) return [x];
      if (ownOpRemovable(x)) {
        let only: Expr | null = null;
        let n = 0;
        for (const k of x.kids) if (this.sideEffects(k)) { only = k; n++; }
        if (n === 0) return []; // (stale effects said otherwise)
        if (n === 1) {
          x = only!;
          moved = true;
          continue;
        }
      }
      break;
    }
    if (!moved) return null;
    d.kids = [x];
    return [d];
  }

  /**
   * Makes a dropped single-value block/loop/if void when no branch carries a value to it: each
   * arm's final value is dropped instead (queued in `pending`). Returns whether it did.
   */
  private voidify(x: Expr): boolean {
    if (x.op !== O.block && x.op !== O.loop && x.op !== O.if) return false;
    if (x.type.length !== 1 || x.params.length !== 0) return false;
    if (x.op !== O.loop && this.targeted(x)) return false; // branches to a loop carry its params
    if (x.op === O.if && x.alt === null) return false;
    const arms = x.op === O.if ? [x.body, x.alt!] : [x.body];
    for (const arm of arms) {
      if (arm.length === 0) return false;
      const last = arm[arm.length - 1];
      if (isJump(last)) continue;
      if (!typesEqual(last.type, x.type)) return false;
      for (let i = 0; i < arm.length - 1; i++) if (arm[i].type.length !== 0) return false;
    }
    x.type = NONE;
    x.index = -1;
    for (const arm of arms) {
      const i = arm.length - 1;
      if (isJump(arm[i])) continue;
      arm[i] = new Expr(O.drop, NONE, [arm[i]]);
      this.pending.push([arm, i]);
    }
    return true;
  }
}

const isSelfCopy = (e: Expr): boolean =>
  (e.op === O.local_set || e.op === O.local_tee) && e.kids[0].op === O.local_get && e.kids[0].index === e.index;

/** Self-copy tees become their get, self-copy sets go (see the header). */
function removeSelfCopies(frame: Expr): boolean {
  let any = false;
  forEachExpr([frame], (e) => {
    if (e.op === O.local_tee || e.op === O.local_set) {
      let v = e.kids[0];
      while (v.op === O.local_tee && v.index === e.index) v = v.kids[0];
      if (v.op === O.local_get && v.index === e.index) any = true;
    }
  });
  if (!any) return false;
  rewriteExprs(frame.body, (e) => (e.op === O.local_tee && isSelfCopy(e) ? e.kids[0] : e));
  forEachExpr([frame], (e) => {
    if (e.body.some(isSelfCopy)) e.body = e.body.filter((r) => !isSelfCopy(r));
    if (e.alt !== null && e.alt.some(isSelfCopy)) e.alt = e.alt.filter((r) => !isSelfCopy(r));
  });
  return true;
}

export const vacuum: FunctionPass = {
  name: 'vacuum',
  description: 'remove nops, drops of side-effect-free values, empty and trivial blocks, unused structure values',
  scope: 'function',
  bodyLocal: true,
  run(cx, f) {
    const frame = cx.body(f);
    let changed = removeSelfCopies(frame);
    if (f.hasPops) return changed;
    // (the context's effects must match the tree: each change is reported first)
    if (changed) cx.changed(f);
    for (let round = 0; round < 4; round++) {
      if (!new Vacuum(frame, cx.effects(f)).run()) break;
      changed = true;
      cx.changed(f);
    }
    return changed;
  },
};
