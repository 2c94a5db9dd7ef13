// coalesce-locals: storage assignment for locals. A value that can wait on the operand stack
// gets no local at all; locals never live at the same time share one index (the copies between
// them disappear); the survivors are renumbered, most used first.
//
// What.
//  1. Sets no get reads are removed first (redundant-set-elimination's helper): a dead store
//     would otherwise make its local interfere with everything live there.
//  2. Stack flow: `local.set $x v`, then statements that leave the operand stack as they find
//     it (no result, no `pop`), then a root whose first instruction is the only get of that
//     set (and the get reads nothing else; or that first once the two operands of a
//     commutative integer operator that may run in either order are swapped): `v` stays on
//     the stack and the get becomes a `pop` operand. The instruction sequence just loses the
//     set and the get; nothing else moves (stack-flow.ts, shared with promote-locals). It runs
//     last because passes that move code leave functions with pops alone. A set gone can make
//     a copy of its local available further on: promote-locals' copy propagation runs again
//     then (else the next run's would), and the liveness is taken anew.
//  3. Interference comes from liveness (analysis/liveness.ts): at each set of `a`, `a`
//     interferes with every other local live right after it, except a local the set copies
//     (`local.set $a (local.get $b)`, tee chains); at the entry each parameter interferes with
//     every other local whose initial value is read.
//  4. Greedy coloring. Parameters are colors of their own (the signature fixes them); each
//     declared local, in turn, joins the color of its type holding no local it interferes
//     with — preferring the color it shares the most copies with (weighted by loop depth:
//     a copy in a loop runs many times) — or opens a new one. A few visiting orders are tried
//     (first appearance; most copies; most accesses; most interferences) and the assignment
//     that removes the most copies, then uses the fewest locals, is kept. Under an embedded
//     target (`--target` other than `generic`) the fewest locals win first: every local is a
//     stack slot to such a backend.
//  5. Every access is renamed to its color's representative (a parameter when the color has
//     one, else its lowest-numbered member); a copy whose two sides merged is now
//     `local.set $a (local.get $a)` and disappears (`local.tee $a (local.get $a)` becomes the
//     get, `local.set $a (local.tee $a v)` becomes `local.set $a v`).
//  6. The name section keeps one name per merged local (the representative's, or the first
//     named member's), and reorder-locals renumbers: most used first, grouped by type, unused
//     locals dropped, names remapped (its code, called).
//
// Why it is sound. Stack flow: the set and its only get are adjacent in the emitted sequence
// but for balanced statements, so the value the get would read is exactly the one left on the
// stack (a statement branching away drops it with everything else). Coalescing: two locals
// that do not interfere are never both live with different values: wherever both are live, the
// most recent write to either one was (by the liveness rule) a copy of the other, or both still
// hold their initial values, which only declared locals of one type may share (all zero). So
// one storage location serves both, and every pairwise non-interfering group serves all its
// members. Copies between members write the value the location already holds. Parameters keep
// their positions and values; a declared local only joins a parameter's color when that
// parameter's argument is dead wherever the local lives (its zero initial value is never read
// there, or the interference would show).
//
// Where. Last in -O2/-O3/-Os/-Oz, after promote-locals, the last cleanup round and dead-locals:
// coalescing works on what is left, and the pops it makes would stop the passes that move code.
// It renumbers like reorder-locals (whose code it runs), so that one may go before it.

import { Expr } from '../ir/expr.js';
import type { Func } from '../ir/module.js';
import { O } from '../ir/opcodes.js';
import { NONE } from '../ir/types.js';
import { forEachExpr, rewriteExprs } from '../ir/walk.js';
import { remapFuncLocalNames } from '../binary/names.js';
import { buildLocalCfg, type LocalCfg } from '../analysis/cfg.js';
import type { Liveness } from '../analysis/liveness.js';
import type { FunctionPass } from './registry.js';
import { removeLocalWrites, removeNodes } from './redundant-set-elimination.js';
import { reorderLocals } from './reorder-locals.js';
import { embeddedTarget, propagateCopies } from './promote-locals.js';
import { LocalGraph } from '../analysis/local-graph.js';
import { stackify } from './stack-flow.js';

/** Functions with more locals than this are not coalesced (the interference checks are quadratic). */
const MAX_LOCALS = 4000;

interface Usage {
  /** Accesses per local. */
  uses: Uint32Array;
  /** First access (pre-order position) per local, -1 when never accessed. */
  first: Int32Array;
  /** Copy weights: copies.get(a * nl + b) for a < b. */
  copies: Map<number, { count: number; weight: number }>;
  /** Copy partners per local. */
  partners: Set<number>[];
}

/** Counts accesses and copies (with loop-depth weights) of every local. */
function usage(root: Expr, nl: number): Usage {
  const uses = new Uint32Array(nl);
  const first = new Int32Array(nl).fill(-1);
  const copies = new Map<number, { count: number; weight: number }>();
  const partners: Set<number>[] = Array.from({ length: nl }, () => new Set<number>());
  let seq = 0;
  // iterative pre-order walk with the loop depth of each node
  const stack: Expr[] = [root];
  const depth: number[] = [0];
  while (stack.length > 0) {
    const e = stack.pop()!;
    const d = depth.pop()!;
    const op = e.op;
    if (op === O.local_get || op === O.local_set || op === O.local_tee) {
      const i = e.index;
      if (uses[i]++ === 0) first[i] = seq;
      seq++;
      if (op !== O.local_get) {
        // a copy: the value is a get, or a tee chain ending in one (each tee is a copy too)
        let v = e.kids[0];
        while (v.op === O.local_tee && v.index === i) v = v.kids[0];
        if (v.op === O.local_get || v.op === O.local_tee) {
          const j = v.index;
          if (j !== i) {
            const key = i < j ? i * nl + j : j * nl + i;
            let c = copies.get(key);
            if (c === undefined) copies.set(key, (c = { count: 0, weight: 0 }));
            c.count++;
            c.weight += Math.pow(8, Math.min(d, 6));
            partners[i].add(j);
            partners[j].add(i);
          }
        }
      }
    }
    const inner = op === O.loop ? d + 1 : d;
    if (e.alt !== null) for (let k = e.alt.length - 1; k >= 0; k--) { stack.push(e.alt[k]); depth.push(inner); }
    for (let k = e.body.length - 1; k >= 0; k--) { stack.push(e.body[k]); depth.push(inner); }
    for (let k = e.kids.length - 1; k >= 0; k--) { stack.push(e.kids[k]); depth.push(d); }
  }
  return { uses, first, copies, partners };
}

interface Assignment {
  /** Color (index into `reps`) of each local, -1 for locals never accessed. */
  color: Int32Array;
  colors: number;
  copiesRemoved: number;
  weightRemoved: number;
}

function copyBetween(u: Usage, nl: number, a: number, b: number): { count: number; weight: number } | undefined {
  return u.copies.get(a < b ? a * nl + b : b * nl + a);
}

/** Greedy coloring of the declared locals in `order` (parameters are colors 0..np-1). */
function colorLocals(order: readonly number[], np: number, nl: number, types: readonly number[],
  live: Liveness, u: Usage): Assignment {
  const color = new Int32Array(nl).fill(-1);
  const members: number[][] = [];
  const colorType: number[] = [];
  for (let p = 0; p < np; p++) {
    color[p] = p;
    members.push([p]);
    colorType.push(types[p]);
  }
  const gain = new Map<number, number>();
  for (const v of order) {
    // copy weight towards each color already holding a partner
    gain.clear();
    for (const w of u.partners[v]) {
      const c = color[w];
      if (c < 0) continue;
      gain.set(c, (gain.get(c) ?? 0) + copyBetween(u, nl, v, w)!.weight);
    }
    const neighbors = live.neighbors(v);
    let best = -1;
    let bestGain = -1;
    const fits = (c: number): boolean => {
      if (colorType[c] !== types[v]) return false;
      for (const m of members[c]) if (neighbors.has(m)) return false;
      return true;
    };
    for (const [c, g] of gain) {
      if ((g > bestGain || (g === bestGain && c < best)) && fits(c)) { best = c; bestGain = g; }
    }
    if (best < 0) {
      for (let c = 0; c < members.length; c++) if (fits(c)) { best = c; break; }
    }
    if (best < 0) {
      best = members.length;
      members.push([]);
      colorType.push(types[v]);
    }
    color[v] = best;
    members[best].push(v);
  }
  let copiesRemoved = 0;
  let weightRemoved = 0;
  for (const [key, c] of u.copies) {
    const a = Math.floor(key / nl);
    const b = key % nl;
    if (color[a] >= 0 && color[a] === color[b]) {
      copiesRemoved += c.count;
      weightRemoved += c.weight;
    }
  }
  return { color, colors: members.length, copiesRemoved, weightRemoved };
}

/** Whether assignment `a` is better than `b`. */
function better(a: Assignment, b: Assignment, embedded: boolean): boolean {
  if (embedded && a.colors !== b.colors) return a.colors < b.colors;
  if (a.weightRemoved !== b.weightRemoved) return a.weightRemoved > b.weightRemoved;
  if (a.copiesRemoved !== b.copiesRemoved) return a.copiesRemoved > b.copiesRemoved;
  return a.colors < b.colors;
}

export const coalesceLocals: FunctionPass = {
  name: 'coalesce-locals',
  description: 'share one index between locals never live together (removing copies between them), then renumber by use',
  scope: 'function',
  run(cx, f: Func) {
    const m = cx.module;
    const root = cx.body(f);
    const types = m.localTypes(f);
    const np = m.types[f.type].params.length;
    const nl = types.length;
    if (nl === np || nl > MAX_LOCALS) return reorderLocals.run(cx, f);
    let changed = false;
    // dead stores first: they would interfere with everything live where they write
    const dead = cx.liveness(f).deadSets();
    if (dead.length > 0) {
      const fx = cx.effects(f);
      fx.get(root); // memoize the whole tree before it changes
      removeLocalWrites(root, new Set(dead), fx);
      changed = true;
      cx.changed(f);
    }
    // The liveness of the tree before stack flow also serves after it: stack flow only removes
    // a set and the one get it reaches, so the interference it gives is a superset (sound).
    let live = cx.liveness(f);
    // Until nothing more moves: a set/get pair that went onto the stack can leave another
    // pair adjacent (`local.set $a (pop) local.set $b (pop) local.get $b local.get $a`), which a
    // second run would otherwise find. The CFG is rebuilt (when needed) after each round.
    let cfg: LocalCfg | null = live.cfg;
    let stacked = false;
    while (stackify(root, nl, () => (cfg ??= buildLocalCfg(root, nl)), np, f.hasPops) > 0) {
      f.hasPops = true;
      stacked = true;
      changed = true;
      f.dirty = true;
      cfg = null;
    }
    // A set gone onto the stack no longer writes its local: a copy of that local made before
    // it may now be available where promote-locals found it killed, and the next run's
    // promote-locals (with the value back in a fresh local) would propagate it. Done here, so
    // one run reaches what two would; then the liveness is taken anew (sources live longer,
    // copies no one reads are dead sets, removed).
    if (stacked) {
      const c = buildLocalCfg(root, nl);
      if (propagateCopies(c, new LocalGraph(root, { cfg: c, numParams: np })) > 0) {
        cx.changed(f);
        const gone = cx.liveness(f).deadSets();
        if (gone.length > 0) {
          const fx = cx.effects(f);
          fx.get(root);
          removeLocalWrites(root, new Set(gone), fx);
          cx.changed(f);
        }
        live = cx.liveness(f);
      }
    }
    const u = usage(root, nl);
    const declared: number[] = [];
    for (let v = np; v < nl; v++) if (u.uses[v] > 0) declared.push(v);
    if (declared.length === 0) {
      if (changed) cx.changed(f);
      return reorderLocals.run(cx, f) || changed;
    }
    const copyWeight = (v: number): number => {
      let s = 0;
      for (const w of u.partners[v]) s += copyBetween(u, nl, v, w)!.weight;
      return s;
    };
    const byFirst = declared.slice().sort((a, b) => u.first[a] - u.first[b]);
    const byCopies = declared.slice().sort((a, b) => copyWeight(b) - copyWeight(a) || u.first[a] - u.first[b]);
    const byUses = declared.slice().sort((a, b) => u.uses[b] - u.uses[a] || u.first[a] - u.first[b]);
    const byDegree = declared.slice().sort((a, b) => live.neighbors(b).size - live.neighbors(a).size || u.first[a] - u.first[b]);
    const embedded = embeddedTarget(cx);
    let best: Assignment | null = null;
    for (const order of [byFirst, byCopies, byUses, byDegree]) {
      const a = colorLocals(order, np, nl, types, live, u);
      if (best === null || better(a, best, embedded)) best = a;
    }
    const asg = best!;
    // representative per color: the parameter, else the lowest member
    const rep = new Int32Array(asg.colors).fill(-1);
    for (let v = 0; v < nl; v++) {
      const c = asg.color[v];
      if (c >= 0 && (rep[c] < 0 || v < rep[c])) rep[c] = v;
    }
    const target = (v: number): number => (asg.color[v] >= 0 ? rep[asg.color[v]] : v);
    let renamed = false;
    for (let v = 0; v < nl; v++) if (target(v) !== v) renamed = true;
    if (renamed) {
      forEachExpr([root], (e) => {
        if (e.op === O.local_get || e.op === O.local_set || e.op === O.local_tee) e.index = target(e.index);
      });
      // copies between merged locals are now self-copies
      const nops = new Set<Expr>();
      rewriteExprs([root], (e) => {
        if (e.op !== O.local_set && e.op !== O.local_tee) return e;
        const v = e.kids[0];
        if (v.op === O.local_tee && v.index === e.index) e.kids[0] = v.kids[0]; // set a (tee a x) = set a x
        else if (v.op === O.local_get && v.index === e.index) {
          if (e.op === O.local_tee) return v;
          const nop = new Expr(O.nop, NONE);
          nops.add(nop);
          return nop;
        }
        return e;
      });
      removeNodes(root, nops);
      // one name per merged local: the representative's, else the first named member's. The
      // named locals are learnt from the remap helper itself (it calls the map once per named
      // local; an identity map edits nothing), which costs one function's names, not a parse of
      // the whole section.
      const named = new Set<number>();
      remapFuncLocalNames(m, f, (i) => {
        named.add(i);
        return i;
      });
      if (named.size > 0) {
        const keep = new Int32Array(nl).fill(-1);
        const taken = new Set<number>();
        for (let v = 0; v < nl; v++) if (target(v) === v && named.has(v)) { keep[v] = v; taken.add(v); }
        for (let v = 0; v < nl; v++) {
          const r = target(v);
          if (r !== v && named.has(v) && !taken.has(r)) { keep[v] = r; taken.add(r); }
        }
        remapFuncLocalNames(m, f, (i) => (i < nl ? keep[i] : -1));
      }
      changed = true;
    }
    if (changed) cx.changed(f);
    if (reorderLocals.run(cx, f)) changed = true;
    return changed;
  },
};
