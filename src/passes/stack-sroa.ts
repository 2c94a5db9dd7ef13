// stack-sroa: dissolve struct returns through the shadow stack.
//
// What. A C caller that receives a struct from a callee allocates a frame on the shadow stack
// (`global.get $sp; i32.const N; i32.sub; local.tee $fp; global.set $sp`), passes `$fp + k` to
// the callee, which stores the fields, reads them back with loads and releases the frame
// (`global.set $sp ($fp + N)`). After inlining, the fields make a store→load round trip through
// linear memory. This pass, in order:
//   1. flattens `pop`s of the shape `P; ...; local.set $x (pop)` (a value left on the stack and
//      taken by a later set in the same list; loom's inliner emits these for arguments) into
//      `local.set $x (P); ...` when nothing in between touches $x or branches out: the set
//      happens earlier, and no one can tell (a trap in between ends the function, so locals are
//      never observed). Functions without pops are much easier for every later pass.
//   2. always (sound by wasm semantics): store→load forwarding (store-forwarding.ts).
//   3. only with `assumePrivateStack` (CLI `--assume-private-stack`) and a known stack-pointer
//      global (named `__stack_pointer` in the name section, or `stackPointerGlobal`):
//      a. recognises frames: the setup above (also with `i32.add` of -N, or as `local.set $fp`
//         then `global.set $sp (local.get $fp)`), restores `global.set $sp ($fp + N)`; every
//         other access to $sp makes the function ineligible;
//      b. proves a frame's address does not escape: every value derived from $fp (through
//         locals with a single definition and constant additions, exact per the address model)
//         is only the address operand of a plain scalar load/store inside [fp, fp + N) (all in
//         one memory), a constant-offset operand of another derived value, the value of a
//         local.set/tee, a restore, or dropped — never stored, passed to a call, compared,
//         returned or branched with;
//      c. forwards again treating the frame as private: calls, stores through other pointers,
//         bulk ops and memory.grow no longer invalidate what the frame holds;
//      d. removes frame stores whose bytes no remaining frame load reads (their value is kept
//         for its side effects), and when no frame access is left, the frame itself: the setup
//         becomes `local.set $fp (global.get $sp - N)` and the restores disappear.
//   Then the cleanup passes turn what is left (tees of the forwarded values, dead address
//   computations) into plain locals, and seam-sroa can take the now scalar values.
//
// Why 3 is sound only under the assumption. Wasm itself gives no privacy: the host or an
// imported function may read or write any byte of an exported memory during a call, a pointer
// computed elsewhere may point into the frame, and the stack pointer's value is visible to
// callees. `--assume-private-stack` states (README.md has the full text) that a frame's bytes are
// accessed only through its own frame pointer while the frame is live, that frame memory is not
// read before it is written in the same activation, that the stack does not overflow (frame
// accesses do not trap), and that nothing depends on the stack pointer's value other than the
// frame discipline itself. Under it, a store nobody reads back is unobservable, and so is a
// frame nobody accesses: removing them changes memory only inside the removed frames.
//
// Where. After inline and its cleanup (so callee stores and caller loads meet), before the
// cleanup round that melts the forwarded values (and before seam-sroa); and once more after the
// third cleanup: the values it forwarded made conditions constant, the cleanups removed the
// branches, and a store then reaches loads on every path (issue254, os_node: a second -O3 run
// forwarded them).

import { Expr } from '../ir/expr.js';
import type { Func } from '../ir/module.js';
import { O, op } from '../ir/opcodes.js';
import { NONE } from '../ir/types.js';
import { forEachExpr, statementLists } from '../ir/walk.js';
import { effectsOf, type FunctionEffects } from '../analysis/effects.js';
import { ENTRY, type LocalGraph } from '../analysis/local-graph.js';
import { Slot, type Structure } from '../analysis/structure.js';
import { readGlobalNames } from '../binary/names.js';
import type { PassContext } from './context.js';
import type { FunctionPass } from './registry.js';
import { AddressModel, LOADS, STORES, forwardStores, globalTrailingZeros, hasStoreAndLoad, type Root } from './store-forwarding.js';

const I32_ADD = op('i32.add');
const I32_SUB = op('i32.sub');

// ---- 1. pops ------------------------------------------------------------------------------------

function countPops(root: Expr): number {
  let n = 0;
  const stack: Expr[] = [root];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (e.op === O.pop) n++;
    for (const k of e.kids) stack.push(k);
  }
  return n;
}

/**
 * Moves `local.set $x (pop)` / `drop (pop)` to the root that left the popped value, in every
 * list of the body (see the header). Returns true when it changed the tree.
 */
export function flattenPops(cx: PassContext, f: Func): boolean {
  if (!f.hasPops) return false;
  const body = cx.body(f);
  const fx = cx.effects(f);
  const lists = statementLists(body.body);
  let changed = false;
  for (const list of lists) if (flattenList(list, fx)) changed = true;
  if (!changed) return false;
  let pops = false;
  forEachExpr([body], (e) => {
    if (e.op === O.pop) pops = true;
  });
  f.hasPops = pops;
  cx.changed(f);
  return true;
}

function flattenList(list: Expr[], fx: FunctionEffects): boolean {
  const effs = list.map((r) => fx.get(r));
  /** Producers on the stack: index of a root that left one value and took none, or -1. */
  const stack: number[] = [];
  const moveTo = new Map<number, Expr>(); // producer index -> consumer
  const removed = new Set<number>();
  for (let i = 0; i < list.length; i++) {
    const r = list[i];
    const n = countPops(r);
    if (n > 0) {
      if (stack.length < n) break; // pops of the block's parameters: leave the rest alone
      if (n === 1 && (r.op === O.local_set || r.op === O.drop) && r.kids[0].op === O.pop) {
        const p = stack.pop()!;
        if (p >= 0 && movable(effs, p, i, r)) {
          moveTo.set(p, r);
          removed.add(i);
        }
      } else {
        stack.length -= n;
      }
    }
    const k = r.type.length;
    if (k === 1 && n === 0) stack.push(i);
    else for (let j = 0; j < k; j++) stack.push(-1);
  }
  if (moveTo.size === 0) return false;
  const out: Expr[] = [];
  for (let i = 0; i < list.length; i++) {
    if (removed.has(i)) continue;
    const c = moveTo.get(i);
    if (c !== undefined) {
      c.kids = [list[i]];
      out.push(c);
    } else out.push(list[i]);
  }
  list.length = 0;
  for (const e of out) list.push(e);
  return true;
}

/** `local.set $x (pop)` at i may run at p instead: nothing in between reads or writes $x or branches out. */
function movable(effs: readonly { readsLocal(i: number): boolean; writesLocal(i: number): boolean; branchesOut: boolean }[], p: number, i: number, r: Expr): boolean {
  if (r.op === O.drop) return true;
  const x = r.index;
  for (let k = p + 1; k < i; k++) {
    const e = effs[k];
    if (e.branchesOut || e.readsLocal(x) || e.writesLocal(x)) return false;
  }
  return true;
}

// ---- 3a. frames ---------------------------------------------------------------------------------

interface Access {
  node: Expr;
  d: number;
  bytes: number;
}

interface Frame {
  /** `global.set $sp (local.tee $fp ($sp - N))`, or `global.set $sp (local.get $fp)` after `local.set $fp ($sp - N)`. */
  setup: Expr;
  /** The `local.tee`/`local.set` of `$fp`: the root of every frame address. */
  def: Expr;
  size: number;
  /** The memory the frame's accesses use (-1 before the first). */
  mem: number;
  restores: Expr[];
  loads: Access[];
  stores: Access[];
}

/** The global index of the stack pointer, or -1 (a `groupFact`: module passes renumber globals). */
export function stackPointerIndex(cx: PassContext): number {
  return cx.groupFact('stackPointer', () => findStackPointer(cx));
}

function findStackPointer(cx: PassContext): number {
  const m = cx.module;
  const nGlobals = m.numImportedGlobals + m.globals.length;
  const want = cx.options.stackPointerGlobal;
  const names = readGlobalNames(m);
  let idx = -1;
  if (want !== undefined && want !== '') {
    if (/^\d+$/.test(want)) idx = Number(want);
    else for (const [i, n] of names) if (n === want) idx = i;
    if (idx < 0) for (const e of m.exports) if (e.kind === 'global' && e.name === want) idx = e.index;
  } else {
    for (const [i, n] of names) if (n === '__stack_pointer') idx = i;
    if (idx < 0) for (const e of m.exports) if (e.kind === 'global' && e.name === '__stack_pointer') idx = e.index;
  }
  if (idx < 0 || idx >= nGlobals) return -1;
  const t = m.globalTypes()[idx];
  return t.mutable && t.type === 0x7f ? idx : -1;
}

/** N when `v` is `$sp - N` (or `$sp + (-N)`), N > 0; else 0. */
function spMinus(v: Expr, sp: number): number {
  if (v.op !== I32_SUB && v.op !== I32_ADD) return 0;
  const [a, b] = v.kids;
  if (a.op !== O.global_get || a.index !== sp || b.op !== O.i32_const) return 0;
  const c = v.op === I32_SUB ? (b.value as number) : -(b.value as number);
  return c > 0 && c < 2 ** 31 ? c : 0;
}

/** The `local.get` and N when `v` is `get + N` (either order) or `get - (-N)`. */
function plusConst(v: Expr): { get: Expr; n: number } | null {
  if (v.op !== I32_ADD && v.op !== I32_SUB) return null;
  const [a, b] = v.kids;
  if (a.op === O.local_get && b.op === O.i32_const) return { get: a, n: v.op === I32_ADD ? (b.value as number) : -(b.value as number) };
  if (v.op === I32_ADD && b.op === O.local_get && a.op === O.i32_const) return { get: b, n: a.value as number };
  return null;
}

/** The frames of the function, or null when the stack pointer is used in any other way. */
function findFrames(body: Expr, sp: number, lg: LocalGraph, st: Structure): Frame[] | null {
  const gets: Expr[] = [];
  const sets: Expr[] = [];
  forEachExpr([body], (e) => {
    if (e.index !== sp) return;
    if (e.op === O.global_get) gets.push(e);
    else if (e.op === O.global_set) sets.push(e);
  });
  if (sets.length === 0) return [];
  const frames = new Map<Expr, Frame>();
  const setups = new Set<Expr>();
  for (const s of sets) {
    const v = s.kids[0];
    let def: Expr | null = null;
    if (v.op === O.local_tee) def = v;
    else if (v.op === O.local_get) {
      const defs = lg.getSets(v);
      const d = defs.size === 1 ? defs.values().next().value! : null;
      if (d !== null && d !== ENTRY) def = d;
    }
    if (def === null) continue;
    const n = spMinus(def.kids[0], sp);
    if (n === 0) continue;
    if (frames.has(def)) return null; // one allocation published twice
    frames.set(def, { setup: s, def, size: n, mem: -1, restores: [], loads: [], stores: [] });
    setups.add(s);
  }
  for (const s of sets) {
    if (setups.has(s)) continue;
    const r = plusConst(s.kids[0]);
    if (r === null) return null;
    const defs = lg.getSets(r.get);
    if (defs.size !== 1) return null;
    const fr = frames.get(defs.values().next().value as Expr);
    if (fr === undefined || fr.size !== r.n) return null;
    fr.restores.push(s);
  }
  for (const g of gets) {
    const v = st.parent(g);
    const def = v === null ? null : st.parent(v);
    if (def === null || !frames.has(def)) return null;
  }
  return [...frames.values()];
}

/**
 * Whether the frame's address never escapes (see the header, 3b); fills `fr.loads`/`fr.stores`
 * with every access to the frame.
 */
function privateFrame(fr: Frame, model: AddressModel, lg: LocalGraph, st: Structure): boolean {
  const restores = new Set(fr.restores);
  const defs = new Set<Expr>([fr.def]);
  const queue: Expr[] = [fr.def];
  const seen = new Set<Expr>();
  /** Checks every use of the tainted value `v` (and of values derived from it). */
  const check = (start: Expr): boolean => {
    let v = start;
    for (;;) {
      if (st.slot(v) !== Slot.kid) return false; // left on the stack, a block result
      const p = st.parent(v)!;
      if (p === fr.setup || p.op === O.drop) return true;
      if (restores.has(p)) return true;
      if ((p.op === I32_ADD || p.op === I32_SUB) && restores.has(st.parent(p)!)) return true;
      const s = model.valueOf(v, true);
      if (s === null || s.root !== fr.def) return false;
      const isLoad = LOADS.get(p.op);
      const isStore = STORES.get(p.op);
      if (isLoad !== undefined || isStore !== undefined) {
        if (p.kids[0] !== v) return false; // the stored value
        if (fr.mem >= 0 && p.index !== fr.mem) return false; // the frame lives in one memory
        fr.mem = p.index;
        const d = s.d + p.offset;
        const bytes = (isLoad ?? isStore)!.bytes;
        if (d < 0 || d + bytes > fr.size) return false;
        (isLoad ? fr.loads : fr.stores).push({ node: p, d, bytes });
        return true;
      }
      if (p.op === I32_ADD || p.op === I32_SUB) {
        const ps = model.valueOf(p, true);
        if (ps === null || ps.root !== fr.def) return false;
        v = p;
        continue;
      }
      if (p.op === O.local_set || p.op === O.local_tee) {
        if (!defs.has(p)) {
          defs.add(p);
          queue.push(p);
        }
        if (p.op === O.local_set) return true;
        v = p;
        continue;
      }
      return false;
    }
  };
  if (fr.def.op === O.local_tee && !check(fr.def)) return false;
  while (queue.length > 0) {
    const def = queue.pop()!;
    for (const g of lg.setGets(def)) {
      if (seen.has(g)) continue;
      seen.add(g);
      if (!check(g)) return false;
    }
  }
  return true;
}

// ---- 3d. removal ---------------------------------------------------------------------------------

/** Statements that keep the side effects of `e`'s evaluation (a tee becomes a set, else a drop). */
function keepEffects(e: Expr): Expr[] {
  if (e.op === O.local_tee) {
    const s = new Expr(O.local_set, NONE, e.kids);
    s.index = e.index;
    return [s];
  }
  if (!effectsOf(e).hasSideEffects()) return [];
  return [new Expr(O.drop, NONE, [e])];
}

/** Replaces roots (statements in body lists) by lists of statements. */
function replaceRoots(body: Expr, repl: Map<Expr, Expr[]>): void {
  if (repl.size === 0) return;
  forEachExpr([body], (e) => {
    for (const list of [e.body, e.alt]) {
      if (list === null || !list.some((x) => repl.has(x))) continue;
      const out: Expr[] = [];
      for (const x of list) {
        const r = repl.get(x);
        if (r === undefined) out.push(x);
        else for (const y of r) out.push(y);
      }
      list.length = 0;
      for (const y of out) list.push(y);
    }
  });
}

// ---- the pass --------------------------------------------------------------------------------------

export const stackSroa: FunctionPass = {
  name: 'stack-sroa',
  description: 'store→load forwarding; with --assume-private-stack also removes shadow-stack frames that never escape',
  scope: 'function',
  prepare(cx) {
    if (cx.options.assumePrivateStack) stackPointerIndex(cx);
    globalTrailingZeros(cx, 0);
  },
  run(cx, f) {
    let changed = flattenPops(cx, f);
    const body = cx.body(f);
    const sp = cx.options.assumePrivateStack ? stackPointerIndex(cx) : -1;
    if (sp < 0 && !hasStoreAndLoad(body)) return changed;
    let frames: Frame[] = [];
    const model = AddressModel.of(cx, f);
    if (sp >= 0) {
      const lg = cx.localGraph(f);
      const st = cx.structure(f);
      frames = (findFrames(body, sp, lg, st) ?? []).filter((fr) => !model.inLoop(fr.def) && privateFrame(fr, model, lg, st));
    }
    const privateRoots = new Set<Root>(frames.map((fr) => fr.def));
    const releases = new Map<Expr, Root>();
    for (const fr of frames) for (const x of fr.restores) releases.set(x, fr.def);
    const r = forwardStores(cx, f, model, cx.effects(f), { privateRoots, releases });
    if (r.changed) changed = true;
    const repl = new Map<Expr, Expr[]>();
    for (const fr of frames) {
      const left = fr.loads.filter((l) => !r.forwarded.has(l.node));
      for (const s of fr.stores) {
        if (left.some((l) => l.d < s.d + s.bytes && s.d < l.d + l.bytes)) continue;
        repl.set(s.node, [...keepEffects(s.node.kids[0]), ...keepEffects(s.node.kids[1])]);
      }
      if (left.length > 0) continue;
      if (fr.def.op === O.local_tee) {
        const set = new Expr(O.local_set, NONE, [fr.def.kids[0]]);
        set.index = fr.def.index;
        repl.set(fr.setup, [set]);
      } else repl.set(fr.setup, []); // the local.set of $fp stays (dead now) for the cleanup
      for (const x of fr.restores) repl.set(x, []);
    }
    if (repl.size > 0) {
      replaceRoots(body, repl);
      changed = true;
    }
    return changed;
  },
};
