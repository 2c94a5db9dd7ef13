// redundant-set-elimination: remove local writes that change nothing.
//
// What. Two kinds of `local.set` / `local.tee` go:
//  - redundant writes: the local already holds the value being written. Values are numbered
//    (value numbering over the local-access CFG, analysis/cfg.ts): a constant gets one number
//    per type and bit pattern, a parameter its own number at the entry, a declared local the
//    number of its type's zero at the entry, `local.get y` the number y holds at that point,
//    `local.tee y (v)` the number of v, any other expression a number of its own. At a control
//    flow merge a local keeps its number when every predecessor agrees, else it gets a number
//    private to that (block, local) pair. The numbers are solved optimistically to a fixed
//    point (predecessors not yet computed are ignored); a set whose value's number equals the
//    local's current number is redundant: `set x (get x)`, `set x (i32.const 0)` when every
//    definition reaching it wrote 0, `set y (get x)` right after `set x (get y)` ...
//  - dead writes: sets no `local.get` can read (overwritten before any read, or never read;
//    analysis/liveness.ts).
// A removed set keeps its value's side effects: `local.set` becomes `drop v` (or nothing when
// v has none), `local.tee` becomes `v`.
//
// Why it is sound. A number stands for one runtime value at every point it is held: constants
// and arguments trivially; an expression's number for the value of its most recent evaluation
// (an expression inside a loop can be re-evaluated only after passing the loop's header, where
// its number merges with the loop's entry edge, which cannot carry it, so no local keeps a stale
// copy of it); a merge number for the value the local had entering that block. Removing a
// redundant write leaves every local with the same runtime value at every point, so all other
// decisions stay valid; dead writes are then found on a fresh liveness of the rewritten body
// (a set redundant after a dead one would otherwise lose both). Only local writes are removed;
// every other effect of the value (calls, traps, memory) stays, in place.
//
// Where. After simplify-locals / local-cse / inlining have copied values around, and before
// reorder-locals / dead-locals / coalescing, which then see fewer writes.

import { Expr } from '../ir/expr.js';
import { O } from '../ir/opcodes.js';
import { F32, F64, I32, I64, NONE, V128, type ValType } from '../ir/types.js';
import { forEachExpr, rewriteExprs } from '../ir/walk.js';
import { buildLocalCfg, type LocalCfg } from '../analysis/cfg.js';
import { FunctionEffects } from '../analysis/effects.js';
import { Liveness } from '../analysis/liveness.js';
import type { FunctionPass } from './registry.js';

/**
 * Above this many tracked locals × (blocks + edges) — the cost of one sweep of the value
 * numbering, which may take many sweeps over loops — redundant writes are not looked for (dead
 * writes still are). Only huge dispatch functions (compiled Go: thousands of blocks and of
 * locals) come near it; they would take minutes.
 */
const MAX_SWEEP_CELLS = 8_000_000;
/** Sweeps of the value numbering at most (loop nesting depth + 2 suffice in practice). */
const MAX_SWEEPS = 50;

function constKey(e: Expr): string | null {
  switch (e.op) {
    case O.i32_const: case O.i64_const: case O.f32_const: case O.f64_const:
      return `${e.op}:${String(e.value)}`;
    case O.v128_const:
      return `${e.op}:${Array.from(e.value as Uint8Array).join(',')}`;
    case O.ref_null:
      return `${e.op}:${e.index}`;
    default:
      return null;
  }
}

/** The key of the zero value a declared local of type `t` starts with. */
function zeroKey(t: ValType): string {
  switch (t) {
    case I32: return `${O.i32_const}:0`;
    case I64: return `${O.i64_const}:0`;
    case F32: return `${O.f32_const}:0`;
    case F64: return `${O.f64_const}:0`;
    case V128: return `${O.v128_const}:${new Array(16).fill(0).join(',')}`;
    default: return `${O.ref_null}:${t}`; // funcref / externref: null
  }
}

/**
 * The sets and tees of `cfg`'s tree that write the value their local already holds (see the
 * file header). Empty when the function is too big or the solver does not settle.
 */
export function redundantSets(cfg: LocalCfg, localTypes: readonly ValType[], numParams: number): Set<Expr> {
  const out = new Set<Expr>();
  const { numBlocks: nb, actions, actLocal, actIsSet, blockStart, reachable, predStart, preds, succStart, succs } = cfg;
  const { byLocalStart, byLocal } = cfg;
  const nl = cfg.numLocals;
  if (actions.length === 0) return out;
  // Only some locals' numbers matter (the state is block × tracked local): a set can be
  // redundant only when its value is a constant, a get or a tee (any other value gets a number
  // no local holds yet), so the targets of such sets are tracked, and, transitively, the locals
  // whose gets or tees are the values of sets of tracked locals.
  const slot = new Int32Array(nl).fill(-1);
  const tracked: number[] = [];
  const track = (v: number): void => {
    if (slot[v] < 0) { slot[v] = tracked.length; tracked.push(v); }
  };
  for (let a = 0; a < actions.length; a++) {
    if (actIsSet[a] !== 1) continue;
    const k = actions[a].kids[0];
    if (k.op === O.local_get || k.op === O.local_tee || constKey(k) !== null) track(actLocal[a]);
  }
  for (let t = 0; t < tracked.length; t++) {
    const v = tracked[t];
    for (let q = byLocalStart[v]; q < byLocalStart[v + 1]; q++) {
      const a = byLocal[q];
      if (actIsSet[a] !== 1) continue;
      const k = actions[a].kids[0];
      if (k.op === O.local_get || k.op === O.local_tee) track(k.index);
    }
  }
  const nt = tracked.length;
  if (nt === 0 || nt * (nb + preds.length) > MAX_SWEEP_CELLS) return out;
  const TOP = -1;
  const phi = (b: number, i: number) => -2 - (b * nt + i);
  let next = 1;
  const consts = new Map<string, number>();
  const constNum = (key: string) => {
    let n = consts.get(key);
    if (n === undefined) consts.set(key, (n = next++));
    return n;
  };
  const exprNums = new Map<Expr, number>();
  const actNum = new Int32Array(actions.length);
  const entry = new Int32Array(nt);
  for (let i = 0; i < nt; i++) {
    const v = tracked[i];
    entry[i] = v < numParams ? next++ : constNum(zeroKey(localTypes[v] ?? I32));
  }
  /** The number of the value a set/tee writes (its operand), given the numbers already recorded. */
  const valueNum = (set: Expr): number => {
    const k = set.kids[0];
    if (k.op === O.local_get || k.op === O.local_tee) return actNum[cfg.actionOf(k)];
    const key = constKey(k);
    if (key !== null) return constNum(key);
    let n = exprNums.get(k);
    if (n === undefined) exprNums.set(k, (n = next++));
    return n;
  };

  const outS = new Int32Array(nb * nt).fill(TOP);
  const state = new Int32Array(nt);
  // Blocks are numbered in execution order (analysis/cfg.ts), so sweeping them in order
  // settles forward edges within one sweep; each further sweep carries the back edges of one
  // more loop level. (A LIFO worklist revisited whole regions many times on large functions.)
  const dirty = new Uint8Array(nb);
  for (let b = 0; b < nb; b++) dirty[b] = reachable[b];
  // `mark`: record the redundant sets (only on the final sweep, once the numbers are stable)
  const transfer = (b: number, mark: boolean): boolean => {
    const base = b * nt;
    if (b === 0) state.set(entry);
    else {
      for (let i = 0; i < nt; i++) {
        let val = TOP;
        for (let k = predStart[b]; k < predStart[b + 1]; k++) {
          const o = outS[preds[k] * nt + i];
          if (o === TOP) continue;
          if (val === TOP) val = o;
          else if (val !== o) { val = phi(b, i); break; }
        }
        state[i] = val;
      }
    }
    for (let a = blockStart[b]; a < blockStart[b + 1]; a++) {
      const i = slot[actLocal[a]];
      if (actIsSet[a] === 0) {
        if (i >= 0) actNum[a] = state[i];
        continue;
      }
      const n = valueNum(actions[a]);
      actNum[a] = n;
      if (i < 0) continue; // (an untracked local: no tracked set reads its number)
      if (mark && n !== TOP && n === state[i]) out.add(actions[a]);
      state[i] = n;
    }
    let changed = false;
    for (let i = 0; i < nt; i++) {
      if (outS[base + i] !== state[i]) { outS[base + i] = state[i]; changed = true; }
    }
    return changed;
  };
  for (let sweep = 0, again = true; again; sweep++) {
    if (sweep >= MAX_SWEEPS) return out; // did not settle: change nothing
    again = false;
    for (let b = 0; b < nb; b++) {
      if (dirty[b] === 0) continue;
      dirty[b] = 0;
      if (!transfer(b, false)) continue;
      for (let k = succStart[b]; k < succStart[b + 1]; k++) {
        const t = succs[k];
        dirty[t] = 1;
        if (t <= b) again = true;
      }
    }
  }
  for (let b = 0; b < nb; b++) if (reachable[b]) transfer(b, true);
  return out;
}

/**
 * Removes the writes in `doomed` (local.set / local.tee nodes of the tree under `root`), keeping
 * their values' side effects: a set becomes `drop v` (nothing when v has no side effects), a
 * tee becomes `v`. `fx` gives the effects of the values (a superset is fine). Returns the number
 * of writes removed.
 */
export function removeLocalWrites(root: Expr, doomed: ReadonlySet<Expr>, fx: FunctionEffects): number {
  if (doomed.size === 0) return 0;
  const nops = new Set<Expr>();
  let n = 0;
  rewriteExprs([root], (e) => {
    if (!doomed.has(e)) return e;
    n++;
    const v = e.kids[0];
    if (e.op === O.local_tee) return v;
    if (fx.get(v).hasSideEffects()) return new Expr(O.drop, NONE, [v]);
    const nop = new Expr(O.nop, NONE);
    nops.add(nop);
    return nop;
  });
  removeNodes(root, nops);
  return n;
}

/** Removes the statements in `nodes` (roots of body lists) from the tree under `root`. */
export function removeNodes(root: Expr, nodes: ReadonlySet<Expr>): void {
  if (nodes.size === 0) return;
  const filter = (list: Expr[]) => {
    let w = 0;
    for (let i = 0; i < list.length; i++) if (!nodes.has(list[i])) list[w++] = list[i];
    list.length = w;
  };
  filter(root.body);
  forEachExpr(root.body, (e) => {
    if (e.body.length > 0) filter(e.body);
    if (e.alt !== null && e.alt.length > 0) filter(e.alt);
  });
}

/** Removes the sets of `root` no get reads (fresh liveness); returns how many. */
export function removeDeadSets(root: Expr, numLocals: number, numParams: number, fx?: FunctionEffects): number {
  const live = new Liveness(root, { cfg: buildLocalCfg(root, numLocals), numParams });
  const dead = live.deadSets();
  if (dead.length === 0) return 0;
  return removeLocalWrites(root, new Set(dead), fx ?? new FunctionEffects(root));
}

export const redundantSetElimination: FunctionPass = {
  name: 'redundant-set-elimination',
  description: 'remove local.set/tee that write the value the local already holds, or a value no get reads',
  scope: 'function',
  run(cx, f) {
    if (f.hasPops) return false;
    const body = cx.body(f);
    const types = cx.module.localTypes(f);
    const numParams = cx.module.types[f.type].params.length;
    const fx = cx.effects(f);
    fx.get(body); // memoize the whole tree before it changes
    let changed = removeLocalWrites(body, redundantSets(cx.localCfg(f), types, numParams), fx) > 0;
    // dead writes, on a fresh liveness when the tree changed
    if (changed) changed = removeDeadSets(body, types.length, numParams, fx) > 0 || changed;
    else {
      const dead = cx.liveness(f).deadSets();
      if (dead.length > 0) changed = removeLocalWrites(body, new Set(dead), fx) > 0;
    }
    return changed;
  },
};
