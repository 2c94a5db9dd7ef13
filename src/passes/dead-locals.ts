// dead-locals: remove declared locals that are never read.
//
// What. A declared local (not a parameter) with no `local.get` is removed:
//  - a local never accessed at all just disappears from the declarations;
//  - a local that is only written loses its writes: `local.set $x v` becomes `drop v` and
//    `local.tee $x v` becomes `v`. A `drop` made here whose operand is trivially removable (a
//    constant, `local.get`, `global.get`, `ref.null`, `ref.func`) is removed altogether. That
//    can make another local unread (`local.set $x (local.get $y)` was $y's only read), so the
//    whole thing repeats until nothing changes: afterwards every declared local is read, and a
//    second run finds nothing to do (the pass is idempotent).
// The remaining declared locals are renumbered densely in their original order, every
// `local.get/set/tee` is remapped, and so are the function's local names in the name section
// (subsection 2; the removed locals lose their names).
//
// Why it is sound. A local nobody reads cannot influence anything: only `local.get` (and the
// result of `local.tee`, which is the operand's value) observe a local, and locals are private
// to one activation of one function. Replacing `local.set` by `drop` and `local.tee` by its
// operand removes exactly the write: in the emitted instruction sequence one instruction is
// replaced by another with the same stack effect (`local.set` and `drop` both pop one value;
// `local.tee` pushes back the value it popped), so the operand still runs, with its traps and
// effects, in the same order, and `pop` operands stay a prefix of their node's operands. A
// removed `drop` only ever held a constant-like operand without effects (never a `pop`), and
// the pair `x; drop` is stack-neutral. Parameters are part of the signature and never touched.
//
// Where. After passes that turn locals into stack values or propagate copies (local CSE,
// coalescing, simplify-locals) leave write-only locals behind; before `reorder-locals`, which
// then numbers only what is left. Cheap: one counting walk per round.

import { Expr } from '../ir/expr.js';
import type { Func } from '../ir/module.js';
import { O } from '../ir/opcodes.js';
import { NONE } from '../ir/types.js';
import { forEachExpr, rewriteExprs, statementLists } from '../ir/walk.js';
import { remapFuncLocalNames } from '../binary/names.js';
import type { FunctionPass } from './registry.js';

/** An operand a `drop` made by this pass may simply lose: no effect, no trap, not a `pop`. */
function trivial(e: Expr): boolean {
  const op = e.op;
  return op === O.i32_const || op === O.i64_const || op === O.f32_const || op === O.f64_const ||
    op === O.v128_const || op === O.local_get || op === O.global_get || op === O.ref_null || op === O.ref_func;
}

/** Removes the nodes of `doomed` from every statement list of the body (they are always roots). */
function removeRoots(frame: Expr, doomed: Set<Expr>): void {
  const lists = statementLists(frame.body);
  for (const list of lists) {
    let w = 0;
    for (let i = 0; i < list.length; i++) if (!doomed.has(list[i])) list[w++] = list[i];
    list.length = w;
  }
}

export const deadLocals: FunctionPass = {
  name: 'dead-locals',
  description: 'remove declared locals that are never read (writes become drops) and renumber the rest',
  scope: 'function',
  run(cx, f: Func) {
    const m = cx.module;
    const nl = f.locals.length;
    if (nl === 0) return false;
    const frame = cx.body(f);
    const np = m.types[f.type].params.length;
    const total = np + nl;
    /** Declared locals removed so far (by local index). */
    const removed = new Uint8Array(total);
    let any = false;

    for (;;) {
      const reads = new Uint32Array(total);
      forEachExpr(frame.body, (e) => {
        if (e.op === O.local_get) reads[e.index]++;
      });
      let newly = false;
      for (let i = np; i < total; i++) {
        if (!removed[i] && reads[i] === 0) {
          removed[i] = 1;
          newly = true;
        }
      }
      if (!newly) break;
      any = true;
      const doomed = new Set<Expr>();
      rewriteExprs(frame.body, (e) => {
        if ((e.op === O.local_set || e.op === O.local_tee) && removed[e.index]) {
          const v = e.kids[0];
          if (e.op === O.local_tee) return v;
          const d = new Expr(O.drop, NONE, [v]);
          if (trivial(v)) doomed.add(d);
          return d;
        }
        return e;
      });
      if (doomed.size > 0) removeRoots(frame, doomed);
    }
    if (!any) return false;

    // renumber: params stay, kept declared locals close up in their order
    const map = new Int32Array(total);
    const kept: number[] = [];
    for (let i = 0; i < total; i++) {
      if (i < np) map[i] = i;
      else if (removed[i]) map[i] = -1;
      else {
        map[i] = np + kept.length;
        kept.push(f.locals[i - np]);
      }
    }
    forEachExpr(frame.body, (e) => {
      if (e.op === O.local_get || e.op === O.local_set || e.op === O.local_tee) e.index = map[e.index];
    });
    f.locals = kept;
    remapFuncLocalNames(m, f, (i) => (i < total ? map[i] : -1));
    return true;
  },
};
