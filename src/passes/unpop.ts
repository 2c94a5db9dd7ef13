// unpop: stack code back into trees — promote-locals' first step, alone (-O2 runs it first
// instead of the whole of promote-locals; -O3 runs promote-locals, which calls it).
//
// What. Stack values kept below statements (`pop` operands: the input's own stack code, e.g. a
// loom-inlined call that stores its arguments with `a; b; local.set $y; local.set $x`) are put
// back into the tree: a pop is replaced by the root that produced its value when that root may
// be evaluated later, at the consumer; else, when the consumer is a `local.set $x (pop)` (or a
// drop), the set goes up to the producer instead; else the value goes through a new local
// (written where it is produced, read where the pop was). A function left without pops becomes
// visible to every pass that skips stack code (simplify-locals, rse, vacuum, merge-blocks, the
// inliner...); coalesce-locals puts the values that can wait on the stack back there at the
// end. Only values taken from a block's parameters (or from a multi-value root) stay pops.
// Before that, a value set from the stack into a local and read right back (`local.set $a (pop)
// local.set $b (pop) local.get $b local.get $a`: a multi-value result passed on) stays on the
// stack instead (stack-flow.ts): the round trip goes, pops with it, and often the last ones of
// the function.
//
// Why it is sound. A pop takes the value its producer root left on the stack; evaluating the
// producer in the pop's place instead gives the same value provided nothing evaluated in
// between conflicts with it (`Effects.invalidates`: locals, memory, globals, traps, branches
// out, pops). The roots in between are balanced (they leave the stack as they found it), so the
// other values keep their positions. Only whole single-value producers without pops of their
// own move, and only the top suffix of a consumer's pops (pops must stay a prefix of the
// operands). Taking a set up to its producer writes the local earlier: the roots it passes
// neither read nor write that local nor branch anywhere (a trap ends the function, and locals
// with it), so no one can tell. A new local changes no order at all: nothing else reads or
// writes it.
//
// Where. First in -O2 (the whole of promote-locals there cost 2.6 s of wasm-tools.core's -O2,
// 2.1 s of it on the 368 functions that had pops, for +0.008% output; its later run does
// that work once instead). Functions without pops cost a decode and nothing else.

import { Expr } from '../ir/expr.js';
import type { Func } from '../ir/module.js';
import { O } from '../ir/opcodes.js';
import { NONE, single, type ValType } from '../ir/types.js';
import { forEachExpr, statementLists } from '../ir/walk.js';
import { buildLocalCfg } from '../analysis/cfg.js';
import { type Effects, effectsOf } from '../analysis/effects.js';
import type { PassContext } from './context.js';
import type { FunctionPass } from './registry.js';
import { leadingPops, stackify } from './stack-flow.js';

interface StackEntry {
  /** The root that produced the value when it may move to a consumer (one value, no pops), else null. */
  producer: Expr | null;
  /** Its index in the list. */
  at: number;
}

/** Replaces pops of the roots of `list` by their producers where allowed (see the header). */
function unpopList(list: Expr[], newLocal: (t: ValType) => number): boolean {
  const fxCache = new Map<Expr, Effects>();
  const fx = (e: Expr): Effects => {
    let v = fxCache.get(e);
    if (v === undefined) fxCache.set(e, (v = effectsOf(e)));
    return v;
  };
  const stack: StackEntry[] = [];
  const moved = new Uint8Array(list.length);
  let changed = false;
  for (let j = 0; j < list.length; j++) {
    const r = list[j];
    const pops = leadingPops(r);
    const k = pops.length;
    let left = k;
    if (k > 0) {
      const taken: StackEntry[] = [];
      for (let m = 0; m < k; m++) {
        const s = stack.length - k + m;
        taken.push(s >= 0 ? stack[s] : { producer: null, at: -1 }); // below: the block's params
      }
      stack.length = Math.max(0, stack.length - k);
      const moving = new Set<number>();
      for (let m = k - 1; m >= 0; m--) {
        const p = taken[m].producer;
        if (p === null) break;
        const pf = fx(p);
        let ok = true;
        for (let t = taken[m].at + 1; t < j && ok; t++) {
          if (moved[t] || moving.has(t)) continue;
          if (pf.invalidates(fx(list[t]))) ok = false;
        }
        if (!ok) break;
        moving.add(taken[m].at);
        left = m;
      }
      if (left < k) {
        for (let m = left; m < k; m++) {
          const site = pops[m];
          site.parent.kids[site.index] = taken[m].producer!;
          moved[taken[m].at] = 1;
        }
        fxCache.delete(r);
        changed = true;
      } else if (k === 1 && r.kids[0].op === O.pop && (r.op === O.local_set || r.op === O.drop) &&
          taken[0].producer !== null) {
        // the producer cannot come down: take the set (or drop) up to it instead, when the
        // roots in between neither access its local nor branch anywhere
        const at = taken[0].at;
        let ok = true;
        for (let t = at + 1; t < j && ok; t++) {
          if (moved[t]) continue;
          const e = fx(list[t]);
          if (e.branchesOut || (r.op === O.local_set && (e.readsLocal(r.index) || e.writesLocal(r.index)))) ok = false;
        }
        if (ok) {
          r.kids[0] = list[at];
          list[at] = r;
          moved[j] = 1;
          fxCache.delete(r);
          changed = true;
          continue;
        }
      }
      // what still cannot move goes through a new local (the top ones: pops stay a prefix):
      // the producer is written where it is, the consumer reads it where the pop was
      while (left > 0 && taken[left - 1].producer !== null) {
        const m = left - 1;
        const p = taken[m].producer!;
        const t = p.type[0];
        const x = newLocal(t);
        const set = new Expr(O.local_set, NONE, [p]);
        set.index = x;
        list[taken[m].at] = set;
        const get = new Expr(O.local_get, single(t));
        get.index = x;
        pops[m].parent.kids[pops[m].index] = get;
        fxCache.delete(r);
        changed = true;
        left = m;
      }
    }
    const n = r.type.length;
    if (n === 1 && left === 0) stack.push({ producer: r, at: j });
    else for (let v = 0; v < n; v++) stack.push({ producer: null, at: j });
  }
  if (changed) {
    let w = 0;
    for (let i = 0; i < list.length; i++) if (moved[i] === 0) list[w++] = list[i];
    list.length = w;
  }
  return changed;
}

/** Step 1 over every statement list of the function; clears `f.hasPops` when no pop is left. */
function unpop(f: Func, root: Expr, numParams: number): boolean {
  const newLocal = (t: ValType): number => {
    f.locals.push(t);
    return numParams + f.locals.length - 1;
  };
  const lists = statementLists(root.body);
  let changed = false;
  for (const list of lists) if (unpopList(list, newLocal)) changed = true;
  let pops = false;
  forEachExpr(root.body, (e) => {
    if (e.op === O.pop) pops = true;
  });
  if (!pops) f.hasPops = false;
  return changed;
}

/**
 * Round trips of values already on the stack first (see stack-flow.ts: a pair gone can make the
 * next one adjacent), then pops back into trees. Returns whether `f` changed (and tells `cx`).
 */
export function unpopFunction(cx: PassContext, f: Func): boolean {
  const root = cx.body(f);
  const numParams = cx.module.types[f.type].params.length;
  const nl = cx.module.localTypes(f).length;
  let changed = false;
  while (stackify(root, nl, () => buildLocalCfg(root, nl), numParams, true, true) > 0) changed = true;
  if (unpop(f, root, numParams)) changed = true;
  if (changed) cx.changed(f);
  return changed;
}

export const unpopPass: FunctionPass = {
  name: 'unpop',
  description: 'stack code (pops) back into trees: producers moved to their consumers, or values through new locals',
  scope: 'function',
  bodyLocal: true,
  run(cx, f) {
    cx.body(f); // (decoding sets hasPops)
    return f.hasPops && unpopFunction(cx, f);
  },
};
