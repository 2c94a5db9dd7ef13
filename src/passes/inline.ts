// inline: replace direct calls to defined functions by a copy of the callee's body.
//
// What. Functions are visited bottom-up over the call graph (callees before callers, by
// strongly connected components), so a callee has already received its own inlined callees
// when it is copied into its callers. In each caller, every `call` (and `return_call`) whose
// callee the heuristics below accept is replaced, in place, by one `block` of the callee's
// result type holding:
//   1. the arguments, evaluated once and in order: `local.set $p' (arg)` into a fresh caller
//      local per parameter (an argument of a parameter the callee never reads is dropped, or
//      omitted when it has no side effect);
//   2. `local.set $l' (T.const 0)` for each declared callee local that the callee may read
//      before writing it (the local graph: a get reached by the initial value) — only when the
//      call site is inside a loop of the caller: elsewhere the site runs at most once per
//      invocation and the fresh caller local still holds its zero;
//   3. a deep copy of the callee's body (inline/clone.ts): labels cloned, branches re-aimed,
//      `return` becoming a `br` to this block, locals renumbered to fresh caller locals.
// A `return_call` site becomes `return (block ...)` (one result), or the block followed by
// `return` in the same list (none; the tail call ended its list, where the stack is
// polymorphic, so the two are not wrapped in a block); with several results it is left alone.
// A callee's own `return_call*` stay tail calls at a `return_call` site; at a plain call site
// they become a call whose result is branched out of the block (callees with several results
// and tail calls are not inlined at plain sites).
//
// Forwarding. An argument that is a constant, or a `local.get $x` of a caller local that no
// later argument writes, is not spilled: when the callee never writes that parameter, each read
// of the parameter becomes a copy of the argument. Sound because the argument is a leaf without
// effect (skipping its evaluation at the call is unobservable), and its value at each read equals
// its value at the call: the copied body only writes fresh locals, the other arguments run
// before the body and the later ones do not write $x.
//
// Heuristics (sizes are node counts of the body, `countExprs`):
//  - never a callee that lies on a recursion cycle (a strongly connected component of the call
//    graph with two or more functions, or a self-call: inlining it would only peel one level),
//    never a callee with `pop`s (`Func.hasPops`), never a site whose operands take `pop`s from
//    the stack around the call;
//  - no-return callees (the body never falls through, never returns and makes no tail call:
//    a panic helper ending in `unreachable` or an endless `loop`) are kept as calls unless the
//    body is at most one node larger than the call (1 + its arguments: `(loop (br 0))` for a
//    call without arguments), or it has a single call site and nothing else refers to it (its
//    body then moves, so no code is copied): they sit on cold paths;
//  - tiny callees (≤ ALWAYS_INLINE_SIZE = 5 nodes, or no larger than the call) are always inlined;
//  - a callee with a single call site is inlined: whatever its size when nothing else refers to
//    it (its body moves; dead-functions drops the original), up to
//    REFERENCED_SINGLE_SITE_MAX_SIZE = 100 nodes and loop-free when it stays referenced
//    (exported, in a table, `ref.func`, start): the body is then copied once. (A loop's
//    per-iteration work dwarfs the call it would save, and the copy duplicates the loop: on
//    gale's os_node the exported `log#line` loop copied into `run` cost 20 instructions.) This is the seam case: a C shim calling
//    an exported Rust `decide` once (gale's decides are 35 and 60 nodes);
//  - any callee of at most `inlineMaxSize` nodes (default DEFAULT_INLINE_MAX_SIZE = 7) is
//    inlined at every site; exported callees stay exported (their definition is kept). 7 is
//    what measured best on the corpus with the whole -O3 pipeline (node bench/quality.js totals,
//    2026-11-24, with dead-arguments, inline-settle and merge-similar-functions, which only
//    merges bodies above this budget): loom 3 → 25,072 instrs, 5 → 25,072, 6 → 25,062,
//    7 → 24,977, 8 → 25,063, 10 → 25,153, 15 → 25,151, 20 → 25,328; gale 902 from 6 to 20,
//    890 at 5 and below, but that keeps gust_fused's 7-node init-once helper as a function called
//    three times, which costs more on a naive backend (Liftoff x64 gale total, measured before
//    inline-settle: 2,022 at 5 against 1,994 at 7 and 10; 1,751 at 7 now). Earlier, before the
//    cleanup propagated constants, 10 was best (issue254 alone: 5 → 37,414, 10 → 37,225,
//    40 → 38,600);
//  - `inlineFunctions` (names from the name section, or function indices) are inlined at every
//    site unless recursive, whatever their size, and even when they do not return;
//  - a caller stops growing past MAX_CALLER_SIZE nodes (forced callees aside), and never gets
//    more than MAX_LOCALS locals.
// The inlined callee itself is not removed: `dead-functions` drops what became unreachable.
//
// Why it is sound. Wasm calls are strict and by value: the arguments are evaluated left to
// right, then the body runs with the parameters bound to them and declared locals zeroed, and
// the call's value is what the body leaves or returns. The block reproduces exactly that
// sequence; the caller's stack below the call is untouched (the block takes no operands), and
// branches inside the copy only target labels of the copy. Traps and import calls happen in
// the same order, since nothing is reordered.
//
// Where. Early in -O2/-O3 (after a first dead-functions), followed by dead-functions and the
// cleanup passes (merge-blocks, simplify-locals, vacuum, precompute...) that melt the blocks,
// parameter locals and constant arguments into the caller.

import { Expr, NO_KIDS, v128Const, numericZero } from '../ir/expr.js';
import type { Func, Module } from '../ir/module.js';
import { O } from '../ir/opcodes.js';
import { scanOps } from '../binary/scan.js';
import { NONE, V128, single, type Type, type ValType } from '../ir/types.js';
import { countExprs, hasOuterPops, rewriteExprs } from '../ir/walk.js';
import { F, effectsOf } from '../analysis/effects.js';
import { MAX_LOCALS } from '../binary/code-reader.js';
import { readNames } from '../binary/names.js';
import type { PassContext } from './context.js';
import type { ModulePass } from './registry.js';
import { buildCallGraph } from './inline/callgraph.js';
import { cloneBody } from './inline/clone.js';

/** Callees of at most this many nodes are inlined everywhere, whatever the budget. */
export const ALWAYS_INLINE_SIZE = 5;
/** Default `inlineMaxSize`: callees up to this size are inlined at every call site. */
export const DEFAULT_INLINE_MAX_SIZE = 7;
/** A callee with one call site that stays referenced (exported, in a table) is copied up to this size. */
export const REFERENCED_SINGLE_SITE_MAX_SIZE = 100;
/** A caller is not grown past this many nodes (forced callees aside). */
export const MAX_CALLER_SIZE = 20000;

/**
 * Trees of functions up to this many nodes stay decoded during the pass (callees copied into
 * many callers); larger ones are released after each caller, so the pass never holds the whole
 * module's trees (memory on large modules).
 */
const KEEP_DECODED_SIZE = 200;

/** The zero of a value type, as a constant expression. */
function zeroOf(t: ValType): Expr {
  const z = numericZero(t);
  if (z !== null) return z;
  if (t === V128) return v128Const(new Uint8Array(16));
  const e = new Expr(O.ref_null, single(t));
  e.index = t;
  return e;
}

function localSet(index: number, value: Expr): Expr {
  const e = new Expr(O.local_set, NONE, [value]);
  e.index = index;
  return e;
}

/** Whether `e` is a leaf that can be forwarded: a constant or a local.get. */
function isForwardableLeaf(e: Expr): boolean {
  const op = e.op;
  return op === O.local_get || op === O.i32_const || op === O.i64_const || op === O.f32_const ||
    op === O.f64_const || op === O.v128_const || op === O.ref_null || op === O.ref_func;
}

/** Whether any node of `e` (bodies included) writes local `i`. */
function writesLocal(e: Expr, i: number): boolean {
  const stack = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if ((x.op === O.local_set || x.op === O.local_tee) && x.index === i) return true;
    for (const k of x.kids) stack.push(k);
    for (const k of x.body) stack.push(k);
    if (x.alt !== null) for (const k of x.alt) stack.push(k);
  }
  return false;
}

/** The call nodes (call, return_call) that lie inside the body of some loop. */
function callsInLoops(root: Expr): Set<Expr> {
  const out = new Set<Expr>();
  const stack: Expr[] = [root];
  const inLoop: number[] = [0];
  while (stack.length > 0) {
    const e = stack.pop()!;
    const l = inLoop.pop()!;
    if (l && (e.op === O.call || e.op === O.return_call)) out.add(e);
    const lb = l || e.op === O.loop ? 1 : 0;
    for (const k of e.kids) { stack.push(k); inLoop.push(l); }
    for (const k of e.body) { stack.push(k); inLoop.push(lb); }
    if (e.alt !== null) for (const k of e.alt) { stack.push(k); inLoop.push(l); }
  }
  return out;
}

/** Replaces each wrapper of `wrappers` (a root of some list) by its two roots. */
function spliceWrappers(root: Expr, wrappers: Set<Expr>): void {
  const stack: Expr[] = [root];
  const fix = (list: Expr[]) => {
    for (let k = list.length - 1; k >= 0; k--) {
      const w = list[k];
      if (wrappers.has(w)) list.splice(k, 1, ...w.body);
    }
  };
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (e.body.length > 0) fix(e.body);
    if (e.alt !== null) fix(e.alt);
    for (const k of e.kids) stack.push(k);
    for (const k of e.body) stack.push(k);
    if (e.alt !== null) for (const k of e.alt) stack.push(k);
  }
}

/** What the inliner knows about one callee (recomputed when the callee changes). */
interface CalleeInfo {
  size: number;
  params: Type;
  /** Per local (params first): read anywhere / written anywhere. */
  read: Uint8Array;
  written: Uint8Array;
  /** Declared locals (callee indices) whose initial zero may be read. */
  zeroed: number[];
  /** Never falls through, never returns, no tail call. */
  noReturn: boolean;
  /** Contains return_call / return_call_indirect. */
  tailCalls: boolean;
  /** Contains a loop that can be left (endless loops, a panic's abort, do not count). */
  loops: boolean;
}

function calleeInfo(cx: PassContext, m: Module, g: Func): CalleeInfo {
  const body = cx.body(g);
  const params = m.types[g.type].params;
  const n = params.length + g.locals.length;
  const read = new Uint8Array(n);
  const written = new Uint8Array(n);
  let tailCalls = false;
  let loops = false;
  let size = 0;
  const stack: Expr[] = body.body.slice();
  while (stack.length > 0) {
    const x = stack.pop()!;
    size++;
    if (x.op === O.local_get) read[x.index] = 1;
    else if (x.op === O.local_set || x.op === O.local_tee) written[x.index] = 1;
    else if (x.op === O.return_call || x.op === O.return_call_indirect) tailCalls = true;
    else if (x.op === O.loop && !loops) {
      // an endless loop (a panic's abort: never left, never falls through) does no work per
      // call: it is not the kind of loop this flag is about
      const lfx = cx.effects(g).get(x);
      loops = !(lfx.noFallThrough && !lfx.branchesOut);
    }
    for (const k of x.kids) stack.push(k);
    for (const k of x.body) stack.push(k);
    if (x.alt !== null) for (const k of x.alt) stack.push(k);
  }
  const zeroed: number[] = [];
  let needsGraph = false;
  for (let i = params.length; i < n; i++) if (read[i]) needsGraph = true;
  if (needsGraph) {
    const lg = cx.localGraph(g);
    const seen = new Uint8Array(n);
    for (const get of lg.gets()) {
      const i = get.index;
      if (i >= params.length && !seen[i] && lg.reachesEntry(get)) {
        seen[i] = 1;
        zeroed.push(i);
      }
    }
    zeroed.sort((a, b) => a - b);
  }
  const fx = cx.effects(g).get(body);
  const noReturn = fx.noFallThrough && (fx.flags & F.exits) === 0;
  return { size, params, read, written, zeroed, noReturn, tailCalls, loops };
}

export const inline: ModulePass = {
  name: 'inline',
  description: 'inline direct calls (tiny, single-site, up to --inline-max-size, or --inline-functions), bottom-up, never within recursion',
  scope: 'module',
  run(cx, m) {
    const nImp = m.numImportedFuncs;
    const funcs = m.funcs;
    if (funcs.length === 0) return false;
    const maxSize = cx.options.inlineMaxSize ?? DEFAULT_INLINE_MAX_SIZE;
    const cg = buildCallGraph(m);

    // forced callees, by name (name section) or by function index
    const forced = new Uint8Array(funcs.length);
    const wanted = cx.options.inlineFunctions ?? [];
    if (wanted.length > 0) {
      const byName = new Map<string, number>();
      for (const [i, name] of readNames(m).functions) if (!byName.has(name)) byName.set(name, i);
      for (const w of wanted) {
        const i = byName.get(w) ?? (/^\d+$/.test(w) ? Number(w) : -1);
        if (i >= nImp && i < nImp + funcs.length) forced[i - nImp] = 1;
      }
    }

    const infos = new Map<Func, CalleeInfo>();
    const info = (g: Func): CalleeInfo => {
      let x = infos.get(g);
      if (x === undefined) infos.set(g, (x = calleeInfo(cx, m, g)));
      return x;
    };

    // Whether the heuristics below could take callee `gi` at a site in `fi`, by what is known
    // without decoding either: off a recursion cycle, and forced, or else within the caller
    // limit and called once (at most REFERENCED_SINGLE_SITE_MAX_SIZE nodes when referenced) or
    // small enough. Sizes are a byte scan's node counts but pops (binary/scan.ts), never more
    // than the tree's (a function changed in this run has a tree: exact); the caller only grows
    // while its sites are inlined. A caller none of whose callees could be taken is not
    // decoded: every site would stay a call.
    const counted = new Map<Func, { code: Uint8Array | null; instrs: number }>();
    const NO_OPS: ReadonlySet<number> = new Set();
    const countOf = (g: Func): number => {
      let c = counted.get(g);
      if (c === undefined || g.tree !== null || c.code !== g.code) {
        c = { code: g.code, instrs: scanOps(m, g, NO_OPS, () => {}).instrs };
        if (g.tree === null) counted.set(g, c);
      }
      return c.instrs;
    };
    const mayTake = (gi: number, fi: number): boolean => {
      if (cg.recursive[gi] || cg.scc[gi] === cg.scc[fi]) return false;
      if (forced[gi] === 1) return true;
      const g = funcs[gi];
      const n = countOf(g);
      const callCost = 1 + m.types[g.type].params.length;
      const tiny = n <= Math.max(ALWAYS_INLINE_SIZE, callCost);
      if (!tiny && countOf(funcs[fi]) + n > MAX_CALLER_SIZE) return false;
      if (cg.sites[gi] === 1 && (cg.referenced[gi] === 0 || n <= REFERENCED_SINGLE_SITE_MAX_SIZE)) return true;
      return tiny || n <= maxSize;
    };

    let changedAny = false;
    for (const fi of cg.order) {
      const f = funcs[fi];
      if (cg.callees[fi].length === 0) continue;
      if (!cg.callees[fi].some((gi) => mayTake(gi, fi))) continue;
      const root = cx.body(f);
      let size = countExprs(root.body);
      const inLoops = callsInLoops(root);
      const callerTypes = m.localTypes(f);
      let changed = false;

      const tryInline = (e: Expr): Expr => {
        const gi = e.index - nImp;
        if (gi < 0 || gi >= funcs.length) return e;
        if (cg.recursive[gi] || cg.scc[gi] === cg.scc[fi]) return e; // on a recursion cycle
        const g = funcs[gi];
        const x = info(g); // (decodes g: sets g.hasPops)
        if (x.size > KEEP_DECODED_SIZE) touched.add(g);
        if (g.hasPops) return e;
        const tail = e.op === O.return_call;
        const results = m.types[g.type].results;
        if (tail && results.length > 1) return e;
        if (!tail && x.tailCalls && results.length > 1) return e;
        for (const k of e.kids) if (hasOuterPops(k)) return e;

        // the heuristics
        const callCost = 1 + x.params.length;
        const isForced = forced[gi] === 1;
        if (!isForced) {
          const small = x.size <= callCost;
          const moves = cg.sites[gi] === 1 && cg.referenced[gi] === 0; // the body moves: no copy
          if (x.noReturn && x.size > callCost + 1 && !moves) return e;
          const tiny = small || x.size <= ALWAYS_INLINE_SIZE;
          // a single site: the body moves (or, when the callee stays referenced, is copied once)
          const single = cg.sites[gi] === 1 &&
            (cg.referenced[gi] === 0 || (x.size <= REFERENCED_SINGLE_SITE_MAX_SIZE && !x.loops));
          if (!tiny && !single && x.size > maxSize) return e;
          if (!tiny && size + x.size > MAX_CALLER_SIZE) return e;
        }
        if (callerTypes.length + x.read.length > MAX_LOCALS) return e;

        // arguments: forwarded leaves, or evaluated once, in order
        const nParams = x.params.length;
        const args = e.kids;
        const forward: (Expr | null)[] = new Array(nParams).fill(null);
        for (let i = 0; i < nParams; i++) {
          const a = args[i];
          if (x.written[i] || !isForwardableLeaf(a)) continue;
          if (a.op === O.local_get) {
            let clobbered = false;
            for (let j = i + 1; j < nParams && !clobbered; j++) clobbered = writesLocal(args[j], a.index);
            if (clobbered) continue;
          }
          forward[i] = a;
        }
        const localMap: number[] = [];
        const gTypes = m.localTypes(g);
        for (let i = 0; i < gTypes.length; i++) {
          if ((i < nParams && forward[i] !== null) || (!x.read[i] && !x.written[i])) {
            localMap.push(-1); // forwarded, or never accessed
            continue;
          }
          localMap.push(callerTypes.length);
          callerTypes.push(gTypes[i]);
          f.locals.push(gTypes[i]);
        }
        const prefix: Expr[] = [];
        for (let i = 0; i < nParams; i++) {
          if (forward[i] !== null) continue;
          const a = args[i];
          if (x.read[i]) prefix.push(localSet(localMap[i], a));
          else if (effectsOf(a).hasSideEffects()) prefix.push(new Expr(O.drop, NONE, [a]));
        }
        if (inLoops.has(e)) for (const i of x.zeroed) prefix.push(localSet(localMap[i], zeroOf(gTypes[i])));

        const block = cloneBody({ body: cx.body(g), localMap, forward, tailCalls: tail ? 'keep' : 'branch' });
        if (prefix.length > 0) block.body = prefix.concat(block.body);
        size += x.size + prefix.length;
        changed = true;
        if (!tail) return block;
        const ret = new Expr(O.return, NONE, NO_KIDS);
        ret.target = root;
        if (results.length === 1) {
          ret.kids = [block];
          return ret;
        }
        // no results: `block ... end return`, spliced into the list below (the tail call ended
        // its list, where the stack is polymorphic; a block around both would end that)
        const wrap = new Expr(O.block, NONE, NO_KIDS);
        wrap.index = -1;
        wrap.body = [block, ret];
        splice.add(wrap);
        return wrap;
      };

      const splice = new Set<Expr>();
      const touched = new Set<Func>();
      rewriteExprs(root.body, (e) => (e.op === O.call || e.op === O.return_call ? tryInline(e) : e));
      if (splice.size > 0) spliceWrappers(root, splice);
      if (changed) {
        cx.changed(f);
        infos.delete(f);
        changedAny = true;
      }
      // memory: only small callees stay decoded for the next callers; the caller and the
      // larger callees go back to bytes (decoded again if a later caller inlines them)
      for (const g of touched) if (g !== f) cx.release(g);
      if (size > KEEP_DECODED_SIZE) cx.release(f);
    }
    return changedAny;
  },
};
