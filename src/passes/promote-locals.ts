// promote-locals: "mem2reg" for wasm locals — fewer locals and fewer local.get/set/tee, more
// values flowing on the operand stack, across control flow (not only in straight-line code).
//
// Why. A naive AOT backend gives every local a stack slot (every local.get is a load, every
// local.set a store) while operand-stack values live in registers. simplify-locals already
// sinks a single-use value into its use and forms tees within straight-line code (blocks are
// transparent to it, if arms and loops are not); this pass adds what it leaves behind, then
// runs it (it is called, not duplicated) on the result:
//
//  1. Stack code back into trees (the `unpop` pass, unpop.ts, runs first when the function
//     has pops); the steps below leave a function that keeps pops alone.
//  2. Copy propagation: a get of `a` whose only definition is the copy `a = b` (`local.set` or
//     `local.tee` of `local.get b` or of `local.tee b ...`) reads `b` instead when `b` cannot
//     have been written on any path from that copy to the get (available copies: a forward
//     "must" dataflow over the local-access CFG, analysis/cfg.ts). Copy chains collapse over
//     the rounds; copies no one reads any more are dead sets, removed.
//  3. Structured results: a block or if (no result) all of whose exits — the fall-through end
//     of each arm and every `br` to it — write the same $x last (`local.set $x v`, possibly
//     followed by a few roots that neither touch $x, nor branch, nor conflict with v) gets a
//     result instead: `(local.set $x (block (result t) ... v))`, each `br` carrying its `v`.
//     n sets become one, which simplify-locals can then sink into its use. An exit that does
//     not write $x yields its current value: the constant the tree shows $x holding there (a
//     `local.set $x (const)` found walking back and up through enclosing blocks, if arms and
//     loops that do not write $x, or a declared local's initial zero), else `local.get $x`.
//     Conditional exits of a block (`br_if`, `br_table` entries) cannot carry the value, so
//     they go to a landing instead: the block's body is wrapped in a new block, they branch to
//     its end, where their value of $x is yielded (`(block $b (result t) (block $land ...body...
//     (br $b v)) c)`); exits with different values need one landing each (two at most). Done
//     when fewer local ops remain — the n sets become one set, plus a get per exit or landing
//     yielding `local.get`; a constant set read only after the structure dies; the one set
//     left goes too when its single read starts a root right after the structure (stack flow
//     at the end) — and the other instructions added (constants yielded, landing blocks, their
//     `br`s) are no more than the local ops saved (fewer, with landings: gale mutex_unlock's
//     and os_node's flag and status locals; two landings rarely pay). A fall-through exit ending with an if one of whose arms
//     never falls through (an inlined panic's endless loop) first gets the other arm's roots
//     after the if, `(if c (then A) (else B))` -> `(if (i32.eqz c) (then B)) A`, so that the
//     sets at A's end are the exit's. Liftoff-like
//     backends pay at every branch for operands held on the stack under a structure, which
//     costs more than the sets saved: under the generic target simplify-locals does not sink a
//     structure's value where operands wait below it (it stays `local.set $x (block ...)`,
//     one set instead of n; coalesce-locals may still leave it on the stack when the next
//     statement starts with the get). Under an embedded target it sinks anywhere.
//  4. Sinking into if arms and loops: a single-use value with no side effects that cannot
//     trap is moved to its use even when the use lies in an if arm (it is then evaluated only
//     on that path) or a loop (evaluated once per iteration: under the generic target only
//     when the value is a single constant or get, under an embedded target when it is small).
//  5. simplify-locals (sinking, tee forming, dead sets) on the result.
//
// Why it is sound.
//  1. See unpop.ts.
//  2. The get reads only the copy, so every path to it passes the copy and `a` is not
//     written after it; availability proves `b` is not written either, so both hold the
//     same value at the get.
//  3. On every path out of the structure through one of its exits, the local was last written
//     that exit's value, and what ran after the write could neither observe the local nor
//     leave elsewhere, nor change or be changed by the value (it commutes); yielding the value
//     at the exit and writing the local right after the structure changes nothing anyone can
//     see. Plain `br`s carry the value. A br_if or br_table cannot (it would need one on every
//     edge), so it is retargeted to a landing block whose end only such branches reach (the
//     body's own fall-through now leaves with a `br` past the landing), after which their value
//     is yielded: they leave at the same point as before, to the same place, now with the value.
//     A `local.get $x` yielded at an exit or a landing reads the value $x holds there, which the
//     set after the structure writes back unchanged. A constant yielded is the value $x holds
//     at that exit: the constant set found walking back is the last write of $x on every path
//     to it (the roots passed do not write $x, nor do the enclosing loops, whose back edges
//     could otherwise bring another value, nor an if's condition; a block's body starts only
//     after what precedes the block; a declared local not written since the entry holds
//     zero). Moving A after the if runs it
//     exactly when it ran before: the other arm never reaches the if's end, and no branch
//     targets the if (A's branches would otherwise leave a label A is no longer in).
//  4. The get's only definition is the set, the set reaches only that get, and the value has
//     no side effects (no writes, no trap, no call, no branch); nothing in the code from the
//     set to the end of the root holding the get writes what the value reads (the whole
//     root, so a loop's back edge is covered). Evaluating it at the get, zero or many times,
//     yields the same value and no effect.
//
// Where. Twice in -O3/-Os/-Oz (-O2 runs only `unpop` first). First, before anything else: stack
// code of the input becomes trees before any other pass (and the inliner) looks at it. Then after
// redundant-set-elimination and local-cse, before the last cleanup round: inlining, CSE and
// RSE have made their copies and single-use locals by then, and the cleanup that follows folds
// and removes what the promotions expose (so a second -O3 finds nothing more to do).
// coalesce-locals comes last.

import { Expr, copyConst, endsControl, numericZero } from '../ir/expr.js';
import type { Func } from '../ir/module.js';
import { O, op } from '../ir/opcodes.js';

const I32_EQZ = op('i32.eqz');
import { I32, NONE, single, type ValType } from '../ir/types.js';
import { branchesByTarget, forEachExpr, hasOuterPops, statementLists } from '../ir/walk.js';
import { buildLocalCfg, type LocalCfg } from '../analysis/cfg.js';
import { type Effects, FunctionEffects, effectsOf } from '../analysis/effects.js';
import { LocalGraph } from '../analysis/local-graph.js';
import { Slot, Structure } from '../analysis/structure.js';
import type { PassContext } from './context.js';
import type { FunctionPass } from './registry.js';
import { removeDeadSets, removeNodes } from './redundant-set-elimination.js';
import { simplifyLocals } from './simplify-locals.js';
import { unpopFunction } from './unpop.js';

/** Rounds of the whole pass (fresh analyses each) at most. */
const MAX_ROUNDS = 4;
/** Above this many copies × CFG blocks, copy propagation is skipped (memory). */
const MAX_COPY_CELLS = 4_000_000;

/** Whether the pass runs for an embedded target (fewer locals/local ops before fewer instructions). */
export function embeddedTarget(cx: PassContext): boolean {
  return cx.options.target !== undefined && cx.options.target !== 'generic';
}

/** The first instruction emitted for `e` (its leftmost operand chain), stopping at a pop. */
export function firstLeaf(e: Expr): Expr {
  let x = e;
  while (x.kids.length > 0 && x.op !== O.pop) x = x.kids[0];
  return x;
}

// ---- 2. copy propagation ------------------------------------------------------------------

/**
 * A copy `local.set/tee dst (local.get src)` or `local.set/tee dst (local.tee src ...)`: its
 * source local, or -1. (After a tee of `src`, `src` holds the value the set writes.)
 */
function copySource(set: Expr): number {
  const v = set.kids.length === 1 ? set.kids[0] : null;
  return v !== null && (v.op === O.local_get || v.op === O.local_tee) && v.index !== set.index ? v.index : -1;
}

/**
 * Rewrites gets of copies to read the copy's source where it is available (see the header).
 * Also run by coalesce-locals after stack flow, whose removed sets can make copies available.
 */
export function propagateCopies(cfg: LocalCfg, graph: LocalGraph): number {
  const { numBlocks: nb, actions, actLocal, actIsSet, blockStart, reachable, predStart, preds, succStart, succs } = cfg;
  const nl = cfg.numLocals;
  // copies, and for each local the copies it takes part in
  const copyOf = new Int32Array(actions.length).fill(-1);
  const dst: number[] = [];
  const src: number[] = [];
  for (let a = 0; a < actions.length; a++) {
    if (actIsSet[a] !== 1) continue;
    const s = copySource(actions[a]);
    if (s < 0) continue;
    copyOf[a] = dst.length;
    dst.push(actLocal[a]);
    src.push(s);
  }
  const nc = dst.length;
  if (nc === 0) return 0;
  const words = (nc + 31) >>> 5;
  if (words * nb > MAX_COPY_CELLS) return 0;
  const involved: number[][] = Array.from({ length: nl }, () => []);
  for (let c = 0; c < nc; c++) {
    involved[dst[c]].push(c);
    if (src[c] !== dst[c]) involved[src[c]].push(c);
  }
  // a write of local v kills every copy involving v; a copy then makes itself available
  const transfer = (a: number, st: Uint32Array): void => {
    if (actIsSet[a] !== 1) return;
    for (const c of involved[actLocal[a]]) st[c >>> 5] &= ~(1 << (c & 31));
    const c = copyOf[a];
    if (c >= 0) st[c >>> 5] |= 1 << (c & 31);
  };
  const out = new Uint32Array(nb * words).fill(0xffffffff);
  const st = new Uint32Array(words);
  const work: number[] = [];
  const queued = new Uint8Array(nb);
  for (let b = nb - 1; b >= 0; b--) if (reachable[b]) { work.push(b); queued[b] = 1; }
  const blockIn = (b: number): void => {
    if (b === 0) { st.fill(0); return; }
    st.fill(0xffffffff);
    let any = false;
    for (let k = predStart[b]; k < predStart[b + 1]; k++) {
      const p = preds[k];
      any = true;
      for (let w = 0; w < words; w++) st[w] &= out[p * words + w];
    }
    if (!any) st.fill(0);
  };
  let budget = 50 * nb + 10_000;
  while (work.length > 0) {
    if (--budget < 0) return 0;
    const b = work.pop()!;
    queued[b] = 0;
    blockIn(b);
    for (let a = blockStart[b]; a < blockStart[b + 1]; a++) transfer(a, st);
    let changed = false;
    for (let w = 0; w < words; w++) {
      if (out[b * words + w] !== st[w]) { out[b * words + w] = st[w]; changed = true; }
    }
    if (!changed) continue;
    for (let k = succStart[b + 1] - 1; k >= succStart[b]; k--) {
      const s = succs[k];
      if (queued[s] === 0) { queued[s] = 1; work.push(s); }
    }
  }
  // final sweep: rewrite the gets whose single definition is an available copy
  let n = 0;
  const rewrite: [Expr, number][] = [];
  for (let b = 0; b < nb; b++) {
    if (!reachable[b]) continue;
    blockIn(b);
    for (let a = blockStart[b]; a < blockStart[b + 1]; a++) {
      if (actIsSet[a] === 0) {
        const get = actions[a];
        const s = graph.soleSet(get);
        if (s !== null) {
          const c = copyOf[cfg.actionOf(s)];
          if (c >= 0 && (st[c >>> 5] & (1 << (c & 31))) !== 0) rewrite.push([get, src[c]]);
        }
      }
      transfer(a, st);
    }
  }
  for (const [get, s] of rewrite) {
    get.index = s;
    n++;
  }
  return n;
}

/** Where a step gets its structure and effects of the tree (the context's, or fresh ones). */
interface Analyses {
  structure(): Structure;
  effects(): FunctionEffects;
}

// ---- 3. structured results ----------------------------------------------------------------

/** Gives blocks/ifs whose every exit sets the same local a result instead (see the header). */
function structuredResults(root: Expr, types: readonly ValType[], numParams: number, an: Analyses,
  graph: () => LocalGraph): number {
  const st = an.structure();
  const fx = an.effects();
  fx.get(root); // memoize every node before the tree changes
  const brs = branchesByTarget([root]);
  const nops = new Set<Expr>();
  let n = 0;
  // post-order: inner structures first, so an outer one can see an inner one's new set
  const order: Expr[] = [];
  for (const e of st.nodes) if ((e.op === O.block || e.op === O.if) && e !== root) order.push(e);
  order.reverse();
  for (const e of order) {
    if (e.type.length !== 0 || e.params.length !== 0) continue;
    const list = st.list(e);
    const kind = st.slot(e);
    if (list === null || (kind !== Slot.body && kind !== Slot.alt)) continue;
    const idx = list.indexOf(e);
    if (idx < 0) continue;
    // exits: the list, where the exit is (the br's index, or the list's length for the
    // fall-through), the br (null for the fall-through), the structure whose body or arm the
    // list is, and the locals it could yield
    const exits: Exit[] = [];
    // conditional exits (br_if, br_table: a block only), which reach the end through a landing
    const conds: Expr[] = [];
    let ok = true;
    // arms that end in a root that never falls through (no exit there)
    const closed: Expr[][] = [];
    const fallThrough = (body: Expr[] | null): void => {
      if (!ok) return;
      if (body === null || body.length === 0) { ok = false; return; }
      if (fx.get(body[body.length - 1]).noFallThrough) { closed.push(body); return; } // no exit here
      if (unnestTail(body, fx, brs)) n++;
      exits.push({ list: body, end: body.length, br: null, owner: e, sets: new Map() });
    };
    fallThrough(e.body);
    if (e.op === O.if) fallThrough(e.alt);
    const targeting = brs.get(e);
    if (ok && targeting !== undefined) {
      for (const br of targeting) {
        const conditional = br.op === O.br_if || br.op === O.br_table;
        if (!(br.op === O.br || (conditional && e.op === O.block)) || !st.has(br)) { ok = false; break; }
        const bl = st.list(br);
        const bk = st.slot(br);
        if (bl === null || (bk !== Slot.body && bk !== Slot.alt)) { ok = false; break; }
        const bi = bl.indexOf(br);
        if (bi < 0) { ok = false; break; }
        if (conditional) conds.push(br);
        else exits.push({ list: bl, end: bi, br, owner: st.parent(br)!, sets: new Map() });
      }
    }
    if (!ok || exits.length + conds.length < 2 || exits.length === 0) continue;
    for (const ex of exits) trailingSets(ex.list, ex.end, fx, ex.sets);
    // the local written at most exits. An exit that does not write it yields its current value:
    // a constant when one is known there (knownValue), else `local.get`; conditional exits
    // with the same such value share a landing (a block around the body ending in that value).
    // Worth it when fewer local ops remain (the n sets become one set, plus a get per exit
    // yielding an unknown value; a constant set no one else reads dies) and the code does not
    // grow beyond the local ops saved.
    const counts = new Map<number, number>();
    for (const ex of exits) for (const l of ex.sets.keys()) counts.set(l, (counts.get(l) ?? 0) + 1);
    let plan: Plan | null = null;
    for (const [cand, have] of counts) {
      const p = planFor(e, list, idx, cand, have, exits, conds, st, fx, types, numParams, graph);
      if (p !== null && (plan === null || p.score > plan.score)) plan = p;
    }
    if (plan === null) continue;
    const x = plan.x;
    const t = types[x];
    for (let k = 0; k < exits.length; k++) {
      const ex = exits[k];
      const at = ex.sets.get(x);
      if (at === undefined) {
        const v = plan.yields[k];
        if (ex.br === null) ex.list.push(v);
        else ex.br.kids = [v];
        continue;
      }
      const set = ex.list[at];
      const v = set.kids[0];
      if (ex.br === null && at === ex.list.length - 1) {
        ex.list[at] = v;
        continue;
      }
      const nop = new Expr(O.nop, NONE);
      ex.list[at] = nop;
      nops.add(nop);
      if (ex.br === null) ex.list.push(v);
      else ex.br.kids = [v];
    }
    e.type = single(t);
    e.index = -1;
    // an arm ending in a structure that never falls through now owes a value: the validator
    // types the code after a block/loop/if strictly, so it gets an (unreached) `unreachable`
    // (with landings the body moves into a block without a result: nothing owed there)
    for (const arm of closed) {
      if (arm === e.body && plan.landings.length > 0) continue;
      if (!endsControl(arm[arm.length - 1])) arm.push(new Expr(O.unreachable, NONE));
    }
    if (plan.landings.length > 0) addLandings(e, plan.landings, exits.some((ex) => ex.br === null));
    const set = new Expr(O.local_set, NONE, [e]);
    set.index = x;
    list[idx] = set;
    n++;
  }
  removeNodes(root, nops);
  return n;
}

interface Exit {
  list: Expr[];
  end: number;
  br: Expr | null;
  owner: Expr;
  sets: Map<number, number>;
}

interface Plan {
  x: number;
  score: number;
  /** What each exit without a set of x yields (by index in the exits). */
  yields: Expr[];
  /** Landings, innermost last: the value and the conditional branches that reach it. */
  landings: { value: Expr; branches: Expr[] }[];
}

/** The cost and the rewrite of giving `e` the value of local `x` as its result (see structuredResults). */
function planFor(e: Expr, list: Expr[], idx: number, x: number, have: number, exits: Exit[], conds: Expr[],
  st: Structure, fx: FunctionEffects, types: readonly ValType[], numParams: number, graph: () => LocalGraph): Plan | null {
  let savedOps = have - 1; // the sets at the exits go, one set after the structure comes
  let added = 0; // other instructions the rewrite adds
  const consts = new Set<Expr>(); // constant sets that provide a yielded value
  const yields: Expr[] = [];
  for (const ex of exits) {
    if (ex.sets.has(x)) { yields.push(null as unknown as Expr); continue; }
    const c = knownValue(ex.list, ex.end, ex.owner, x, st, fx, types, numParams);
    if (c !== null) {
      yields.push(copyConst(c.value));
      if (c.set !== null) consts.add(c.set);
      added++;
    } else {
      const get = new Expr(O.local_get, single(types[x]));
      get.index = x;
      yields.push(get);
      savedOps--;
    }
  }
  const groups = new Map<string, { value: Expr; branches: Expr[] }>();
  for (const br of conds) {
    const c = fx.get(br).writesLocal(x) ? null
      : knownValue(st.list(br)!, st.list(br)!.indexOf(br), st.parent(br)!, x, st, fx, types, numParams);
    const key = c === null ? 'get' : `${c.value.op}:${String(c.value.value)}`;
    let g = groups.get(key);
    if (g === undefined) {
      let value: Expr;
      if (c === null) {
        value = new Expr(O.local_get, single(types[x]));
        value.index = x;
        savedOps--;
      } else {
        value = copyConst(c.value);
        added++;
      }
      groups.set(key, (g = { value, branches: [] }));
    }
    if (c !== null && c.set !== null) consts.add(c.set);
    g.branches.push(br);
  }
  if (groups.size > 0) {
    // a block per landing, a `br` out of each but the outermost, and one ending the body
    // when it falls through
    const fallsThrough = exits.some((ex) => ex.br === null);
    added += 2 * groups.size - 1 + (fallsThrough ? 1 : 0);
  }
  if (groups.size > MAX_LANDINGS) return null;
  // constant sets read only after the structure die: their value is yielded where needed
  for (const c of consts) {
    const gets = readsOf(graph(), c);
    let dead = gets !== null && gets.size > 0;
    if (gets !== null) for (const g of gets) {
      if (!st.has(g)) { dead = false; break; }
      let r = g;
      while (st.has(r) && st.parent(r) !== null && st.list(r) !== list) r = st.parent(r)!;
      if (st.list(r) !== list || list.indexOf(r) <= idx) { dead = false; break; }
    }
    if (dead) { savedOps++; added -= 1; }
  }
  // the one set left and a single get right after the structure become stack flow (coalesce-locals)
  if (groups.size > 0 && flowsAfter(e, list, idx, x, exits, consts, st, graph())) savedOps += 2;
  // with landings, only when the code gets smaller too
  if (savedOps < 1 || added > savedOps || (groups.size > 0 && added >= savedOps)) return null;
  // prefer the local saving the most; then one read once after (its set then sinks or stays
  // on the stack)
  const score = 4 * (savedOps - added) + 2 * savedOps - added;
  return { x, score, yields, landings: [...groups.values()] };
}

/**
 * Whether the only read of `x` after the rewrite would be the first instruction of a root
 * following `e` in its list, with only statements in between (the set of `e` then stays on
 * the stack: stack-flow.ts).
 */
function flowsAfter(e: Expr, list: Expr[], idx: number, x: number, exits: Exit[], consts: Set<Expr>,
  st: Structure, graph: LocalGraph): boolean {
  const reads = new Set<Expr>();
  for (const ex of exits) {
    const at = ex.sets.get(x);
    if (at === undefined) continue;
    const gets = readsOf(graph, ex.list[at]);
    if (gets === null) return false;
    for (const g of gets) reads.add(g);
  }
  for (const c of consts) {
    const gets = readsOf(graph, c);
    if (gets === null) return false;
    for (const g of gets) reads.add(g);
  }
  if (reads.size !== 1) return false;
  const g = [...reads][0];
  for (let j = idx + 1; j < list.length; j++) {
    const r = list[j];
    if (firstLeaf(r) === g) return graph.countSets(g) >= 1 && st.has(g);
    if (r.type.length > 0 || hasOuterPops(r)) return false;
  }
  return false;
}

/** The gets `set` reaches, or null for a set the graph does not know (made after it was built). */
function readsOf(graph: LocalGraph, set: Expr): ReadonlySet<Expr> | null {
  try {
    return graph.setGets(set);
  } catch {
    return null;
  }
}

/** Landings per structure at most. */
const MAX_LANDINGS = 2;
/** Roots looked at backwards for the value a local holds at a position. */
const MAX_SCAN = 32;

const CONSTS = new Set<number>([O.i32_const, O.i64_const, O.f32_const, O.f64_const]);

/**
 * The constant local `x` holds when control is before `list[end]` (`list` being a body or arm
 * of `owner`), when the tree shows one: walking back over the roots before it, and up through
 * the enclosing blocks, loops (not writing x) and if arms (after the condition), a
 * `local.set x (const)` (returned with the set) or the function's entry (a declared local
 * holds zero; returned with set null). Null when unknown.
 */
function knownValue(list: Expr[], end: number, owner: Expr, x: number, st: Structure, fx: FunctionEffects,
  types: readonly ValType[], numParams: number): { value: Expr; set: Expr | null } | null {
  let l = list;
  let i = end;
  let o = owner;
  let budget = MAX_SCAN;
  for (;;) {
    for (let t = i - 1; t >= 0; t--) {
      if (--budget < 0) return null;
      const r = l[t];
      if (r.op === O.local_set && r.index === x) return CONSTS.has(r.kids[0].op) ? { value: r.kids[0], set: r } : null;
      if (fx.get(r).writesLocal(x)) return null;
    }
    if (o === st.root) {
      if (x < numParams) return null;
      const z = numericZero(types[x]);
      return z === null ? null : { value: z, set: null };
    }
    if (o.op === O.loop) {
      if (fx.get(o).writesLocal(x)) return null;
    } else if (o.op === O.if) {
      if (fx.get(o.kids[0]).writesLocal(x)) return null;
    } else if (o.op !== O.block) return null;
    if ((o.op !== O.if && o.kids.length > 0) || !st.has(o)) return null;
    const k = st.slot(o);
    if (k !== Slot.body && k !== Slot.alt) return null;
    const up = st.list(o);
    const p = st.parent(o);
    if (up === null || p === null) return null;
    i = up.indexOf(o);
    if (i < 0) return null;
    l = up;
    o = p;
  }
}

/**
 * Wraps the body of block `e` (which now has a result) in one block per landing: the
 * conditional branches of a landing go to its block, after whose end the landing's value
 * is yielded (`br` to `e`, or the fall-through for the outermost); the body's own
 * fall-through value leaves with a `br` to `e`.
 */
function addLandings(e: Expr, landings: { value: Expr; branches: Expr[] }[], fallsThrough: boolean): void {
  let inner = e.body;
  if (fallsThrough) {
    const last = inner[inner.length - 1];
    const br = new Expr(O.br, NONE, [last]);
    br.target = e;
    inner[inner.length - 1] = br;
  }
  for (let k = landings.length - 1; k >= 0; k--) {
    const { value, branches } = landings[k];
    const pad = new Expr(O.block, NONE);
    pad.index = -1;
    pad.body = inner;
    for (const br of branches) {
      if (br.target === e) br.target = pad;
      if (br.targets !== null) br.targets = br.targets.map((t) => (t === e ? pad : t));
    }
    let tail = value;
    if (k > 0) {
      tail = new Expr(O.br, NONE, [value]);
      tail.target = e;
    }
    inner = [pad, tail];
  }
  e.body = inner;
}

/**
 * A fall-through exit ending with an `if` (no result, no branch to it) one of whose arms
 * never falls through (a panic's endless loop, a return): the other arm's roots move after
 * the if, `(if c (then A) (else B))` -> `(if (i32.eqz c) (then B)) A`, so that sets at A's end
 * are trailing sets of the exit. Only when A ends with a set. Returns whether it moved.
 */
function unnestTail(body: Expr[], fx: FunctionEffects, brs: Map<Expr, Set<Expr>>): boolean {
  const e = body[body.length - 1];
  if (e.op !== O.if || e.type.length !== 0 || e.params.length !== 0 || e.alt === null) return false;
  const t = brs.get(e);
  if (t !== undefined && t.size > 0) return false;
  const thenOut = e.body.length > 0 && fx.get(e.body[e.body.length - 1]).noFallThrough;
  const elseOut = e.alt.length > 0 && fx.get(e.alt[e.alt.length - 1]).noFallThrough;
  if (thenOut === elseOut) return false;
  const arm = thenOut ? e.alt : e.body;
  if (arm.length === 0 || arm[arm.length - 1].op !== O.local_set) return false;
  const moved = arm.slice();
  arm.length = 0; // the Structure's record of the arm: exits found in it no longer qualify
  if (thenOut) e.alt = null;
  else {
    // `(if c (then) (else B))` is `(if (i32.eqz c) (then B))`
    const c = e.kids[0];
    e.kids = [new Expr(I32_EQZ, single(I32), [c])];
    e.body = e.alt;
    e.alt = null;
  }
  body.push(...moved);
  return true;
}

/** Roots looked at before an exit for a set that can move to it. */
const MAX_TRAILING = 8;

/**
 * The `local.set`s among the last roots of `list` before `end` that may move to `end`: the
 * roots after one neither access its local nor branch out, and commute with its value.
 * Records local -> index (the latest set of each local) in `out`.
 */
function trailingSets(list: Expr[], end: number, fx: FunctionEffects, out: Map<number, number>): void {
  const after: Effects[] = [];
  const seen = new Set<number>();
  for (let t = end - 1; t >= 0 && t >= end - MAX_TRAILING; t--) {
    const r = list[t];
    const rf = fx.get(r);
    if (r.op === O.local_set && !seen.has(r.index)) {
      seen.add(r.index);
      const vf = fx.get(r.kids[0]);
      let ok = true;
      for (const a of after) {
        if (a.branchesOut || a.readsLocal(r.index) || a.writesLocal(r.index) || a.invalidates(vf)) { ok = false; break; }
      }
      if (ok) out.set(r.index, t);
    }
    if (rf.branchesOut) break; // nothing before it can move past it
    after.push(rf);
  }
}

// ---- 4. sinking into arms and loops ------------------------------------------------------

function size(e: Expr, limit: number): number {
  let n = 0;
  const stack = [e];
  while (stack.length > 0 && n <= limit) {
    const x = stack.pop()!;
    n++;
    for (const k of x.kids) stack.push(k);
    for (const k of x.body) stack.push(k);
    if (x.alt !== null) for (const k of x.alt) stack.push(k);
  }
  return n;
}

/** Moves pure single-use values into the if arm or loop holding their use (see the header). */
function sinkIntoControl(root: Expr, graph: LocalGraph, embedded: boolean, an: Analyses): number {
  // candidates first (the local graph alone): statement sets with one get that reads only them
  const candidates: Expr[] = [];
  for (const set of graph.sets()) {
    if (set.op !== O.local_set || graph.isUnreachable(set)) continue;
    const get = graph.soleGet(set);
    if (get !== null && graph.soleSet(get) === set) candidates.push(set);
  }
  if (candidates.length === 0) return 0;
  const st = an.structure();
  const fx = an.effects();
  fx.get(root); // memoize every node before the tree changes
  const done: Expr[] = [];
  const nops = new Set<Expr>();
  let n = 0;
  const related = (a: Expr): boolean => {
    for (const d of done) if (d === a || st.isAncestor(d, a) || st.isAncestor(a, d)) return true;
    return false;
  };
  for (const set of candidates) {
    const kind = st.slot(set);
    if (kind !== Slot.body && kind !== Slot.alt) continue;
    const get = graph.soleGet(set)!;
    const v = set.kids[0];
    const fv = fx.get(v);
    if (fv.hasSideEffects() || fv.readsLocal(set.index)) continue;
    // the root of the set's list that holds the get, and what lies on the way
    const owner = st.parent(set)!;
    let y = get;
    let conditional = false;
    let looped = false;
    for (;;) {
      const p = st.parent(y);
      if (p === null) break;
      const k = st.slot(y);
      if (p === owner && k === kind) break;
      if (p.op === O.if && (k === Slot.body || k === Slot.alt)) conditional = true;
      if (p.op === O.loop && k === Slot.body) looped = true;
      y = p;
    }
    if (st.parent(y) !== owner || st.slot(y) !== kind) continue;
    if (!conditional && !looped) continue; // straight-line: simplify-locals' job
    if (looped) {
      const small = v.op === O.i32_const || v.op === O.i64_const || v.op === O.f32_const || v.op === O.f64_const ||
        v.op === O.local_get || v.op === O.global_get;
      if (!small && !(embedded && size(v, 4) <= 4)) continue;
    }
    const list = st.list(set)!;
    const i = list.indexOf(set);
    const j = list.indexOf(y);
    if (i < 0 || j <= i) continue;
    let ok = true;
    for (let t = i + 1; t <= j && ok; t++) if (fx.get(list[t]).invalidates(fv)) ok = false;
    if (!ok || related(set) || related(get)) continue;
    // replace the get in its parent's operands
    const gp = st.parent(get)!;
    const gl = st.list(get)!;
    const gi = gl.indexOf(get);
    if (gi < 0 || gp === null) continue;
    gl[gi] = v;
    const nop = new Expr(O.nop, NONE);
    list[i] = nop;
    nops.add(nop);
    done.push(set, get);
    n++;
  }
  removeNodes(root, nops);
  return n;
}

/** `drop (local.tee x v)` (left when a set whose value was a tee died) -> `local.set x v`. */
function dropTees(root: Expr): number {
  let n = 0;
  forEachExpr([root], (e) => {
    if (e.op === O.drop && e.kids[0].op === O.local_tee) {
      const tee = e.kids[0];
      e.op = O.local_set;
      e.index = tee.index;
      e.kids = tee.kids;
      n++;
    }
  });
  return n;
}

// ---- the pass -------------------------------------------------------------------------------

/** What one walk finds worth trying (each step is skipped when its pattern is absent). */
interface Shape {
  /** A set or tee whose value is a get or tee of another local. */
  copies: boolean;
  /** A block/if without a result, and a set among the last roots of a list or before a `br`. */
  results: boolean;
  /** An if or loop, and a statement `local.set`. */
  control: boolean;
}

function shapeOf(root: Expr): Shape {
  let copies = false;
  let structures = false;
  let trailingSet = false;
  let ifOrLoop = false;
  let sets = false;
  const lists: Expr[][] = [root.body];
  forEachExpr(root.body, (e) => {
    const op = e.op;
    if (op === O.local_set || op === O.local_tee) {
      const v = e.kids[0];
      if ((v.op === O.local_get || v.op === O.local_tee) && v.index !== e.index) copies = true;
      if (op === O.local_set) sets = true;
    } else if (op === O.block || op === O.if || op === O.loop) {
      if (op !== O.loop && e.type.length === 0 && e.params.length === 0) structures = true;
      if (op !== O.block) ifOrLoop = true;
      if (e.body.length > 0) lists.push(e.body);
      if (e.alt !== null && e.alt.length > 0) lists.push(e.alt);
    }
  });
  if (structures) {
    for (const list of lists) {
      for (let k = Math.max(0, list.length - MAX_TRAILING); k < list.length && !trailingSet; k++) {
        if (list[k].op === O.local_set) trailingSet = true;
      }
      for (let k = 1; k < list.length && !trailingSet; k++) {
        if (list[k].op === O.br && list[k - 1].op === O.local_set) trailingSet = true;
      }
      if (trailingSet) break;
    }
  }
  return { copies, results: structures && trailingSet, control: ifOrLoop && sets };
}

export const promoteLocals: FunctionPass = {
  name: 'promote-locals',
  description: 'forward locals across control flow: pops back into trees, copy propagation, block/if results, sinking into arms; then simplify-locals',
  scope: 'function',
  bodyLocal: true,
  run(cx, f) {
    const root = cx.body(f);
    const numParams = cx.module.types[f.type].params.length;
    const embedded = embeddedTarget(cx);
    let changed = false;
    if (f.hasPops) changed = unpopFunction(cx, f); // 1. (unpop.ts)
    const types = cx.module.localTypes(f);
    if (f.hasPops) return changed; // the remaining steps move code: leave stack code alone
    // values a tree just got back (step 1) are for simplify-locals to sink, even if nothing else
    // applies
    let unsunk = changed;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const shape = shapeOf(root);
      let any = false;
      // the context's analyses while the tree is as it was handed over, fresh ones after
      let graph: LocalGraph | null = null;
      const localGraph = (): LocalGraph =>
        (graph ??= any || changed ? new LocalGraph(root, { cfg: buildLocalCfg(root, types.length), numParams })
          : cx.localGraph(f));
      // 2. copies
      if (shape.copies) {
        const g = localGraph();
        if (propagateCopies(g.cfg, g) > 0) {
          any = true;
          graph = null;
          removeDeadSets(root, types.length, numParams);
          dropTees(root);
        }
      }
      // 3. structured results
      // the context's structure and effects while the tree is as it was handed over (or as
      // `cx.changed` last saw it), fresh ones after a step of this round changed it
      const an: Analyses = any
        ? { structure: () => new Structure(root), effects: () => new FunctionEffects(root) }
        : { structure: () => cx.structure(f), effects: () => cx.effects(f) };
      if (shape.results && structuredResults(root, types, numParams, an, localGraph) > 0) {
        any = true;
        graph = null;
      }
      // 4. sinking into arms and loops
      if (shape.control && sinkIntoControl(root, localGraph(), embedded,
        any ? { structure: () => new Structure(root), effects: () => new FunctionEffects(root) } : an) > 0) any = true;
      if (!any && !unsunk) break;
      unsunk = false;
      if (any) {
        changed = true;
        cx.changed(f);
      }
      // 5. simplify-locals on the result
      if (simplifyLocals.run(cx, f)) {
        changed = true;
        cx.changed(f);
      } else if (!any) break;
    }
    return changed;
  },
};
