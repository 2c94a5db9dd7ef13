// dead-arguments: remove the parameters a function never reads, the parameters every call site
// passes the same constant, and results every caller drops — from the function's signature and
// from every call site.
//
// What. A candidate is a defined function that only direct calls can reach: not exported, not
// the start function, not named by any element segment (of any mode) and no `ref.func` of it
// anywhere (code, global initializers, segment items). For each candidate, over all its direct
// call sites (`call`, `return_call`):
//  - a parameter that no `local.get` reads is removed. At each site its argument is not
//    evaluated any more when it has no side effect; otherwise it still runs, in its place in the
//    left-to-right order, as a `drop`: it is moved into a block in front of the next argument
//    that stays, or, when no argument stays after it, in front of the call, with the earlier
//    arguments that cannot be moved after it spilled to fresh locals first. Only when that
//    saves code: the sizes of the arguments that go must exceed the number of `drop`s added;
//  - a parameter for which every site passes the same numeric constant (same op, same bits) is
//    removed: the callee begins with `local.set $p (that constant)` (the parameter becomes a
//    declared local), so the cleanup passes fold it into the body;
//  - a single result that every site drops (each site is `drop (call $f ...)`, no
//    `return_call $f`, and the callee makes no tail call itself) is removed: the body goes into
//    a block of the old result type whose value is dropped; `return`s and branches to the
//    function body become branches to that block; the sites lose their `drop`.
// The function gets a function type for the new signature (an existing one, or one appended to
// the type section; unused types stay). Removed parameters that the body still writes become
// declared locals; locals are renumbered and so are their names in the name section. Rounds
// repeat until nothing changes (a removed argument `local.get $q` may have been the only read
// of the caller's parameter $q). Left alone: functions with `pop`s, candidates with a call site
// whose operands take `pop`s from around the call, modules with linking/relocation sections,
// and callees no larger than their call (1 + parameters nodes). The last is about the inliner,
// not soundness: inline.ts inlines those at every site anyway, where the unread arguments die in
// the cleanup; removing them first only makes the call smaller than the body, and a no-return
// callee (a panic helper: `call $panic_fmt unreachable`) is then kept out of line (inline.ts
// no-return rule). Measured: gust_kernel's `panic_bounds_check` +2 instructions, httparse's +2.
//
// Why it is sound. A candidate's only callers are its direct call sites, all in this module
// (nothing else holds a reference: no export, no table entry, no `ref.func`; so no
// `call_indirect`, host or other instance can call it, and its signature is invisible outside).
// So its signature can change if every site changes with it. A parameter nobody reads does not
// influence the body, only its argument's evaluation does: arguments with side effects still run
// in the same order relative to every other argument and to the call (an argument moved across
// another is only one that cannot conflict with it, see effects.ts `invalidates`); arguments
// without side effects (no trap, write, call or branch) are unobservable when skipped. A
// parameter bound to the same constant at every call holds that constant at entry, which is
// exactly what the entry `local.set` gives the new local; the callee's own writes to it are
// kept. A result every caller drops is unobservable: the body still runs completely, the value
// it leaves or returns is dropped inside instead of outside. No import call, trap or store is
// added, removed or reordered.
//
// Where. In -O2 and above, right after each `dead-functions` that precedes an `inline` round
// (only live call sites count) and before the cleanup, which folds the entry constants and the
// dropped results into the callees so the inliner sees their real size. The second run sees
// the fewer call sites inlining left: more single-constant parameters and dropped results.
// Measured on the corpus (loom total instructions after -O3): 26,951 without, 26,138 with.
// Also right after the second `inline` (arguments the cleanup before it made constant: an inlined
// getter folded), and in inline-settle's rounds (arguments those rounds made constant); the
// cleanups after them fold the entry constants (issue254, fuzz seed 1 #253: a second -O3 run
// removed such parameters).

import { Expr, NO_KIDS, copyConst } from '../ir/expr.js';
import type { Func, Module } from '../ir/module.js';
import { O } from '../ir/opcodes.js';
import { NONE, funcTypesEqual, single, type FuncType, type Type, type ValType } from '../ir/types.js';
import { countExprs, forEachExpr, hasOuterPops, rewriteExprs } from '../ir/walk.js';
import { effectsOf } from '../analysis/effects.js';
import { referencedFuncs, scanFuncRefs } from '../binary/scan.js';
import { remapFuncLocalNames } from '../binary/names.js';
import type { PassContext } from './context.js';
import type { ModulePass } from './registry.js';

const CONST_OPS: ReadonlySet<number> = new Set([O.i32_const, O.i64_const, O.f32_const, O.f64_const]);

/** Per parameter during the scan: no site seen yet, the constant all sites so far pass, or varying. */
const UNSEEN = null;
const VARIES = 'varies' as const;
type ParamValue = typeof UNSEEN | typeof VARIES | Expr;

/** What a round decides for one candidate. */
interface Plan {
  /** Per old parameter: removed. */
  remove: boolean[];
  /** Per old parameter: the constant every site passes (set at entry), or null. */
  constant: (Expr | null)[];
  /** The single result is removed. */
  dropResult: boolean;
  /** The new function type index. */
  type: number;
}

function sameConst(a: Expr, b: Expr): boolean {
  return a.op === b.op && a.value === b.value;
}

/** The index of a function type equal to `t`, appended to the type section when absent. */
function typeIndex(m: Module, t: FuncType): number {
  const i = m.types.findIndex((u) => funcTypesEqual(u, t));
  if (i >= 0) return i;
  m.types.push(t);
  return m.types.length - 1;
}

function localSet(index: number, value: Expr): Expr {
  const e = new Expr(O.local_set, NONE, [value]);
  e.index = index;
  return e;
}

function localGet(index: number, t: ValType): Expr {
  const e = new Expr(O.local_get, single(t));
  e.index = index;
  return e;
}

function block(type: Type, body: Expr[]): Expr {
  const b = new Expr(O.block, type, NO_KIDS);
  b.index = -1;
  b.body = body;
  return b;
}

/** One argument at a call site, as far as a round's decisions need it. */
interface ArgFact {
  /** Takes `pop`s from around the call. */
  pops: boolean;
  /** Has side effects (stays as a `drop` when its parameter goes). */
  effects: boolean;
  /** Instructions. */
  size: number;
  /** The argument when it is a numeric constant (a leaf: keeping it holds no tree), else null. */
  konst: Expr | null;
}

/** A direct call site (`call`/`return_call`): the callee (function index) and its arguments. */
interface SiteFact {
  callee: number;
  tail: boolean;
  args: ArgFact[];
}

/**
 * What a round reads of one function's body: its direct call sites, the callees of its dropped
 * calls, and, as a callee, its size, which parameters it reads and whether it tail-calls.
 * Kept while the function's bytes and type stay the same (`factsOf`): most functions are as
 * the previous round or run left them, and decoding every caller again each round was half of
 * all the decoding -O2 did on large modules.
 */
interface BodyFacts {
  code: Uint8Array | null;
  type: number;
  sites: SiteFact[];
  /** Function indices of the `drop (call f)` sites. */
  drops: number[];
  hasPops: boolean;
  size: number;
  /** Per parameter: some `local.get` reads it. */
  read: Uint8Array;
  tailCalls: boolean;
}

const factsCache = new WeakMap<Func, BodyFacts>();

const PLAIN_ARG: ArgFact = Object.freeze({ pops: false, effects: false, size: 1, konst: null });

function argFact(a: Expr): ArgFact {
  if (CONST_OPS.has(a.op)) return { pops: false, effects: false, size: 1, konst: a };
  if (a.op === O.local_get || a.op === O.global_get) return PLAIN_ARG;
  return { pops: hasOuterPops(a), effects: effectsOf(a).hasSideEffects(), size: countExprs([a]), konst: null };
}

/** The facts of `f`'s body, from the cache while its bytes are current and unchanged. */
function factsOf(cx: PassContext, m: Module, f: Func): BodyFacts {
  const had = f.tree !== null;
  if (!had) {
    const hit = factsCache.get(f);
    if (hit !== undefined && hit.code === f.code && hit.type === f.type) return hit;
  }
  const body = cx.body(f).body;
  const np = m.types[f.type].params.length;
  const facts: BodyFacts = {
    code: f.code, type: f.type, sites: [], drops: [], hasPops: f.hasPops, size: countExprs(body),
    read: new Uint8Array(np), tailCalls: false,
  };
  forEachExpr(body, (e) => {
    const op = e.op;
    if (op === O.drop && e.kids[0].op === O.call) facts.drops.push(e.kids[0].index);
    else if (op === O.local_get && e.index < np) facts.read[e.index] = 1;
    else if (op === O.return_call_indirect) facts.tailCalls = true;
    if (op !== O.call && op !== O.return_call) return;
    if (op === O.return_call) facts.tailCalls = true;
    facts.sites.push({ callee: e.index, tail: op === O.return_call, args: e.kids.map(argFact) });
  });
  if (!had) {
    // decoded from its current bytes just now: valid while they are
    factsCache.set(f, facts);
    cx.release(f);
  }
  return facts;
}

/** One round: scan every call site, decide, rewrite. Returns whether anything changed. */
function round(cx: PassContext, m: Module): boolean {
  const nImp = m.numImportedFuncs;
  const n = m.funcs.length;
  const referenced = referencedFuncs(m);

  // which functions call a candidate (from the bytes, without decoding); functions whose bytes
  // hold skipped unreachable code are re-encoded (that code may call a changed function)
  const callers: number[] = [];
  const stale: number[] = [];
  const hasSites = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    let calls = false;
    const r = scanFuncRefs(m, m.funcs[k], (op, index) => {
      const c = index - nImp;
      if (op !== O.ref_func && c >= 0 && c < n && !referenced[c]) {
        calls = true;
        hasSites[c] = 1;
      }
    });
    if (calls) callers.push(k);
    else if (r.droppedCode) stale.push(k);
  }

  // the call sites: argument constants, dropped results, pops
  const values: ParamValue[][] = m.funcs.map((f) => new Array(m.types[f.type].params.length).fill(UNSEEN));
  // per parameter, the instructions its removal would save at the sites: a pure argument goes
  // (its size), an argument with side effects stays as a `drop` (one more)
  const gain: number[][] = m.funcs.map((f) => new Array(m.types[f.type].params.length).fill(0));
  const sites = new Uint32Array(n);
  const dropped = new Uint32Array(n);
  const bad = new Uint8Array(n); // a site whose operands take pops
  const tail = new Uint8Array(n);
  const callerFacts = new Map<number, BodyFacts>();
  for (const k of callers) {
    const facts = factsOf(cx, m, m.funcs[k]);
    callerFacts.set(k, facts);
    for (const d of facts.drops) {
      const c = d - nImp;
      if (c >= 0 && c < n) dropped[c]++;
    }
    for (const site of facts.sites) {
      const c = site.callee - nImp;
      if (c < 0 || c >= n || referenced[c]) continue;
      sites[c]++;
      if (site.tail) tail[c] = 1;
      const vs = values[c];
      for (let i = 0; i < site.args.length; i++) {
        const a = site.args[i];
        if (a.pops) bad[c] = 1;
        gain[c][i] += a.effects ? -1 : a.size;
        const v = vs[i];
        if (v === VARIES) continue;
        if (a.konst === null) vs[i] = VARIES;
        else if (v === UNSEEN) vs[i] = a.konst;
        else if (!sameConst(v, a.konst)) vs[i] = VARIES;
      }
    }
  }

  // decide
  const plans = new Map<number, Plan>();
  for (let c = 0; c < n; c++) {
    if (referenced[c] || !hasSites[c] || bad[c] || sites[c] === 0) continue;
    const g = m.funcs[c];
    const t = m.types[g.type];
    if (t.params.length === 0 && t.results.length !== 1) continue;
    const facts = factsOf(cx, m, g);
    if (facts.hasPops) continue;
    // no larger than its call: see the header (the inliner takes it anyway)
    if (facts.size <= 1 + t.params.length) continue;
    const remove: boolean[] = [];
    const constant: (Expr | null)[] = [];
    let any = false;
    for (let i = 0; i < t.params.length; i++) {
      const v = values[c][i];
      const isConst = v !== UNSEEN && v !== VARIES;
      remove.push(isConst || (!facts.read[i] && gain[c][i] > 0));
      constant.push(facts.read[i] && isConst ? v : null);
      if (remove[i]) any = true;
    }
    const dropResult = t.results.length === 1 && dropped[c] === sites[c] && !tail[c] && !facts.tailCalls;
    if (!any && !dropResult) continue;
    const params = t.params.filter((_, i) => !remove[i]);
    const type = typeIndex(m, { params: Object.freeze(params), results: dropResult ? NONE : t.results });
    plans.set(c, { remove, constant, dropResult, type });
  }
  if (plans.size === 0) return false;

  // Everything that is decoded from bytes is decoded before any signature changes (the bytes
  // hold the old arities): the planned callees now, then the stale functions (decoded, marked
  // for re-encoding), then the callers at their rewrite.
  for (const c of plans.keys()) cx.body(m.funcs[c]);
  for (const k of stale) {
    const f = m.funcs[k];
    cx.body(f);
    cx.changed(f);
    if (!plans.has(k)) cx.release(f);
  }
  // the call sites (callers that are planned callees too keep their trees for the next step;
  // spill locals they get are renumbered with their other declared locals there)
  for (const k of callers) {
    const facts = callerFacts.get(k)!;
    if (!facts.sites.some((site) => plans.has(site.callee - nImp))) continue;
    const f = m.funcs[k];
    const had = f.tree !== null;
    if (rewriteSites(cx, m, f, plans)) cx.changed(f);
    if (!had && !plans.has(k)) cx.release(f);
  }
  // the callees: new signature, locals renumbered, entry constants, result dropped inside
  for (const [c, plan] of plans) rewriteCallee(cx, m, m.funcs[c], plan);
  cx.moduleChanged();
  for (const c of plans.keys()) cx.release(m.funcs[c]);
  return true;
}

function rewriteCallee(cx: PassContext, m: Module, g: Func, plan: Plan): void {
  const root = cx.body(g);
  const old = m.types[g.type];
  const np = old.params.length;
  const total = np + g.locals.length;
  // new layout: kept params, then the old declared locals, then the removed params that the
  // body still accesses (as declared locals)
  const accessed = new Uint8Array(np);
  forEachExpr(root.body, (e) => {
    if ((e.op === O.local_get || e.op === O.local_set || e.op === O.local_tee) && e.index < np) accessed[e.index] = 1;
  });
  const map = new Int32Array(total).fill(-1);
  let next = 0;
  for (let i = 0; i < np; i++) if (!plan.remove[i]) map[i] = next++;
  for (let i = np; i < total; i++) map[i] = next++;
  const extra: ValType[] = [];
  for (let i = 0; i < np; i++) {
    if (plan.remove[i] && accessed[i]) {
      map[i] = next++;
      extra.push(old.params[i]);
    }
  }
  forEachExpr(root.body, (e) => {
    if (e.op === O.local_get || e.op === O.local_set || e.op === O.local_tee) e.index = map[e.index];
  });
  g.locals = g.locals.concat(extra);
  remapFuncLocalNames(m, g, (i) => (i < total ? map[i] : -1));

  if (plan.dropResult) {
    const inner = block(old.results, root.body);
    forEachExpr(inner.body, (e) => {
      if (e.target === root) {
        e.target = inner;
        if (e.op === O.return) e.op = O.br;
      }
      if (e.targets !== null) for (let i = 0; i < e.targets.length; i++) if (e.targets[i] === root) e.targets[i] = inner;
    });
    root.body = [new Expr(O.drop, NONE, [inner])];
    root.type = NONE;
  }
  const entry: Expr[] = [];
  for (let i = 0; i < np; i++) {
    const k = plan.constant[i];
    // (a constant parameter whose last read was an argument removed above needs no set)
    if (k !== null && map[i] >= 0) entry.push(localSet(map[i], copyConst(k)));
  }
  if (entry.length > 0) root.body = entry.concat(root.body);
  g.type = plan.type;
  cx.changed(g);
}

/** Rewrites the call sites in `f` of the planned callees; returns whether any changed. */
function rewriteSites(cx: PassContext, m: Module, f: Func, plans: Map<number, Plan>): boolean {
  const nImp = m.numImportedFuncs;
  const root = cx.body(f);
  /** Sites (or the blocks wrapping them) whose result was removed: their `drop` goes. */
  const unwrapped = new Set<Expr>();
  let changed = false;
  rewriteExprs(root.body, (e) => {
    if (e.op === O.drop) return unwrapped.has(e.kids[0]) ? e.kids[0] : e;
    if (e.op !== O.call && e.op !== O.return_call) return e;
    const plan = plans.get(e.index - nImp);
    if (plan === undefined) return e;
    changed = true;
    const results = m.types[plan.type].results;
    // the callee's old signature (callees are rewritten after their sites)
    const paramTypes = m.types[m.funcs[e.index - nImp].type].params;
    if (e.op === O.call) e.type = results;
    const kept: Expr[] = [];
    const keptTypes: ValType[] = [];
    let pending: Expr[] = [];
    e.kids.forEach((a, i) => {
      if (plan.remove[i]) {
        if (effectsOf(a).hasSideEffects()) pending.push(new Expr(O.drop, NONE, [a]));
        return;
      }
      if (pending.length > 0) {
        a = block(single(paramTypes[i]), pending.concat([a]));
        pending = [];
      }
      kept.push(a);
      keptTypes.push(paramTypes[i]);
    });
    e.kids = kept.length > 0 ? kept : NO_KIDS;
    let out = e;
    if (pending.length > 0) {
      // side effects after the last kept argument: they run before the call, after the kept
      // arguments that cannot move past them (spilled to fresh locals, in order)
      const fx = pending.map((d) => effectsOf(d));
      let last = -1;
      kept.forEach((a, j) => {
        const ax = effectsOf(a);
        if (fx.some((x) => x.invalidates(ax))) last = j;
      });
      const pre: Expr[] = [];
      for (let j = 0; j <= last; j++) {
        const t = keptTypes[j];
        const idx = m.types[f.type].params.length + f.locals.length;
        f.locals.push(t);
        pre.push(localSet(idx, kept[j]));
        kept[j] = localGet(idx, t);
      }
      out = block(e.type, pre.concat(pending, [e]));
    }
    if (plan.dropResult && e.op === O.call) unwrapped.add(out);
    return out;
  });
  return changed;
}

export const deadArguments: ModulePass = {
  name: 'dead-arguments',
  description: 'remove unread and always-constant parameters and always-dropped results of functions only direct calls reach',
  scope: 'module',
  run(cx, m) {
    if (m.customs.some((c) => c.name === 'linking' || c.name.startsWith('reloc.'))) return false;
    let changed = false;
    for (let r = 0; r < 16 && round(cx, m); r++) changed = true;
    return changed;
  },
};
