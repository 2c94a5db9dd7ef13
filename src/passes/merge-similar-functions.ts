// merge-similar-functions: functions whose bodies are identical except for the values of some
// constants become one shared function that takes those constants as extra parameters.
//
// What. Defined functions are grouped by signature, declared locals and the shape of their body:
// every node's op, type and immediates, branch targets as positions, with the values of numeric
// constants (`i32/i64/f32/f64.const`) left out. In a group of two or more, the constants are
// compared position by position (pre-order); the positions where the members do not all hold
// the same bits become parameters (positions whose values agree member by member share one). One
// member's body moves into a new function (the shared one) with those parameters appended after
// the original ones (declared locals renumbered behind them), each differing constant replaced by
// a `local.get` of its parameter. An original parameter the body never reads is not taken by the
// shared function (a write of it makes it a declared local), unless a direct call of a member
// passes it an argument with side effects (that argument still has to run). Each direct call of a
// member (`call`, `return_call`) becomes a call of the shared function, without the arguments of
// those parameters, with the member's constants appended; a member that something other than a
// direct call reaches (an export, a table, `ref.func`, the start function) stays as a thunk,
// `call $shared (local.get 0) ... (local.get n-1) c1 ... cD` (the read parameters), so its identity stays and
// it still works for `call_indirect` and the host; the others are left unreachable for
// `dead-functions`. (The unread parameters are left out because the shared function is new:
// only direct calls reach it, so dead-arguments would remove them on a second run.) (Redirecting the calls of thunks too is what the inliner would do on a second
// run anyway: a thunk is a tiny callee.) Members are functions something can still call: a
// function with no direct call and no reference is dead, not a member.
// A group is merged only when that saves instructions: n members of s nodes cost n·s before;
// after, the shared function costs s (a constant and a `local.get` are one node each), a thunk
// 1 + params + D, each call site D more. And only when s is above the inliner's budget
// (inline.ts DEFAULT_INLINE_MAX_SIZE, or --inline-max-size), so that a second run does not inline
// the shared function back into the thunks and the call sites. Modules with linking/relocation
// sections are left alone. Stack code (`pop`s, which the last passes of the pipeline make) is fine: the
// shapes compare pops like any node, and a constant becoming a `local.get` pushes the same value
// at the same point.
//
// Why it is sound. The shared function run with a member's parameters and that member's
// constants executes exactly the member's body (an unread parameter's value never mattered; the
// arguments left out of direct calls have no side effects, skipping them is unobservable):
// the same instructions, each differing constant
// read from a parameter that holds it unchanged (nothing writes the appended parameters), the
// member's declared locals at the same (shifted) indices, zeroed at entry as before. A thunk
// passes its parameters through unchanged and returns what the shared function returns (or
// traps where it traps), so calling it is calling the member; a direct call rewritten to the
// shared function evaluates the same arguments in the same order, then the appended constants
// (no effect), then runs the same body. No import call, trap, memory or global access is added,
// removed or reordered; exported and table functions keep their index and signature. What
// changes is the call depth (a thunk adds a frame), which the engine may limit anywhere.
//
// Where. At the end of -O2 and above, after everything else has shaped the bodies (similar
// bodies are most similar after the same cleanup): in inline-settle's rounds, once the inliner
// and constant-globals find nothing (a merge can leave a callee of the members with one call
// site, for the next round's inliner), then once more after it, followed by `dead-functions`
// for the members left unreachable. Earlier, the cleanup would fold the constants passed to the
// shared function into nothing, and the inliner copy it back.

import { Expr, NO_KIDS } from '../ir/expr.js';
import { Func, type Module } from '../ir/module.js';
import { O } from '../ir/opcodes.js';
import { funcTypesEqual, single, type FuncType, type ValType } from '../ir/types.js';
import { countExprs, forEachExpr } from '../ir/walk.js';
import { referencedFuncs, scanFuncRefs } from '../binary/scan.js';
import type { PassContext } from './context.js';
import type { ModulePass } from './registry.js';
import { DEFAULT_INLINE_MAX_SIZE } from './inline.js';
import { effectsOf } from '../analysis/effects.js';
import { forEachDirectCall } from './inline/callgraph.js';

const CONST_OPS: ReadonlySet<number> = new Set([O.i32_const, O.i64_const, O.f32_const, O.f64_const]);

/** The index of a function type equal to `t`, appended to the type section when absent. */
function typeIndex(m: Module, t: FuncType): number {
  const i = m.types.findIndex((u) => funcTypesEqual(u, t));
  if (i >= 0) return i;
  m.types.push(t);
  return m.types.length - 1;
}

function valueKey(v: Expr['value']): string {
  if (v === null) return '';
  if (v instanceof Uint8Array) return Array.from(v).join('.');
  return String(v);
}

/**
 * The shape of a function (signature, locals, body with constant values left out) as a string,
 * and its numeric constants in pre-order.
 */
function shapeOf(m: Module, f: Func, root: Expr): { shape: string; consts: Expr[] } {
  const t = m.types[f.type];
  const parts: string[] = [t.params.join('.'), t.results.join('.'), f.locals.join('.')];
  const labels = new Map<Expr, number>([[root, 0]]);
  const consts: Expr[] = [];
  forEachExpr(root.body, (e) => {
    if (e.op === O.block || e.op === O.loop || e.op === O.if) labels.set(e, labels.size);
    let s = `${e.op}:${e.type.join('.')}:${e.kids.length}:${e.body.length}:${e.alt === null ? -1 : e.alt.length}`;
    if (CONST_OPS.has(e.op)) consts.push(e);
    else {
      s += `:${e.index}:${e.index2}:${e.offset}:${e.align}:${valueKey(e.value)}:${e.params.join('.')}`;
      if (e.target !== null) s += `>${labels.get(e.target) ?? -1}`;
      if (e.targets !== null) s += `>${e.targets.map((x) => labels.get(x) ?? -1).join('.')}`;
    }
    parts.push(s);
  });
  return { shape: parts.join(' '), consts };
}

/** A 32-bit FNV-1a hash of a string. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function sameConst(a: Expr, b: Expr): boolean {
  return a.op === b.op && a.value === b.value;
}

function constOf(c: Expr): Expr {
  const e = new Expr(c.op, c.type);
  e.value = c.value;
  return e;
}

function localGet(index: number, t: ValType): Expr {
  const e = new Expr(O.local_get, single(t));
  e.index = index;
  return e;
}

/** One group to merge: members (positions in m.funcs) and, per new parameter, its type and each member's constant. */
interface Merge {
  members: number[];
  /** Per constant position of the shape: the new parameter it reads (-1: the same in every member). */
  paramOf: number[];
  /** Per new parameter: per member, the constant. */
  values: Expr[][];
  types: ValType[];
  /** Per member: it stays as a thunk (it is referenced other than by direct calls). */
  thunk: boolean[];
  /**
   * Per original parameter: the shared function does not take it (the body never reads it, and
   * no direct call of a member passes it an argument with side effects).
   */
  drop: boolean[];
}

export const mergeSimilarFunctions: ModulePass = {
  name: 'merge-similar-functions',
  description: 'functions identical but for constants become one function taking them as parameters (thunks keep exported/table ones)',
  scope: 'module',
  run(cx: PassContext, m: Module): boolean {
    if (m.customs.some((c) => c.name === 'linking' || c.name.startsWith('reloc.'))) return false;
    const nImp = m.numImportedFuncs;
    const n = m.funcs.length;

    // buckets by a hash of the shape (the shapes themselves are not kept: large modules)
    const buckets = new Map<string, number[]>();
    for (let k = 0; k < n; k++) {
      const f = m.funcs[k];
      const had = f.tree !== null;
      const root = cx.body(f);
      if (root.body.length > 0) {
        const key = `${countExprs(root.body)}:${hash(shapeOf(m, f, root).shape)}`;
        let b = buckets.get(key);
        if (b === undefined) buckets.set(key, (b = []));
        b.push(k);
      }
      if (!had) cx.release(f);
    }
    const candidates = [...buckets.values()].filter((b) => b.length > 1);
    if (candidates.length === 0) return false;

    const referenced = referencedFuncs(m);
    const sites = new Uint32Array(n);
    for (const f of m.funcs) scanFuncRefs(m, f, (op, index) => {
      if (op !== O.ref_func && index >= nImp) sites[index - nImp]++;
    });

    // exact groups within each bucket, and what merging each would save
    const merges: Merge[] = [];
    for (const bucket of candidates) {
      const groups = new Map<string, { members: number[]; consts: Expr[][] }>();
      for (const k of bucket) {
        if (referenced[k] === 0 && sites[k] === 0) continue; // dead
        const f = m.funcs[k];
        const { shape, consts } = shapeOf(m, f, cx.body(f));
        let g = groups.get(shape);
        if (g === undefined) groups.set(shape, (g = { members: [], consts: [] }));
        g.members.push(k);
        g.consts.push(consts);
      }
      for (const g of groups.values()) {
        if (g.members.length < 2) continue;
        const plan = planMerge(m, g.members, g.consts, referenced, sites, cx.options.inlineMaxSize ?? DEFAULT_INLINE_MAX_SIZE);
        if (plan !== null) merges.push(plan);
      }
    }
    // unread parameters go, unless a direct call passes them an argument with side effects
    // (it would have to run still: dead-arguments' business, which the pipeline ran before)
    if (merges.length > 0) keepImpureArguments(cx, m, merges);
    // trees of the members stay decoded until the rewrite below; the rest go back to bytes
    const keep = new Set<number>();
    for (const mg of merges) for (const k of mg.members) keep.add(k);
    for (const bucket of candidates) for (const k of bucket) if (!keep.has(k)) cx.release(m.funcs[k]);
    if (merges.length === 0) return false;

    const redirect = new Map<number, Redirect>();
    for (const mg of merges) apply(cx, m, mg, redirect);
    cx.moduleChanged();
    forEachDirectCall(cx, m, (i) => redirect.has(i), (call) => {
      const r = redirect.get(call.index)!;
      call.index = r.shared;
      call.kids = call.kids.filter((_, i) => !r.drop[i]).concat(r.consts.map(constOf));
    }, true);
    return true;
  },
};

/** How the direct calls of a member change: the callee, the arguments that go, the constants appended. */
interface Redirect {
  shared: number;
  consts: Expr[];
  drop: boolean[];
}

/**
 * Keeps (un-drops) the unread parameters of the planned groups to which some direct call of a
 * member passes an argument with side effects: removing it would need that argument evaluated
 * apart (dead-arguments does that, with drops the cleanup then folds; it ran earlier).
 */
function keepImpureArguments(cx: PassContext, m: Module, merges: Merge[]): void {
  const nImp = m.numImportedFuncs;
  const drops = new Map<number, boolean[]>();
  for (const mg of merges) if (mg.drop.some((x) => x)) for (const k of mg.members) drops.set(nImp + k, mg.drop);
  if (drops.size === 0) return;
  forEachDirectCall(cx, m, (i) => drops.has(i), (call) => {
    const drop = drops.get(call.index)!;
    for (let i = 0; i < drop.length; i++) if (drop[i] && effectsOf(call.kids[i]).hasSideEffects()) drop[i] = false;
  }, false);
}

/** Decides the parameters of a group and each member's fate; null when merging saves nothing. */
function planMerge(m: Module, members: number[], consts: Expr[][], referenced: Uint8Array, sites: Uint32Array,
  minSize: number): Merge | null {
  const positions = consts[0].length;
  const paramOf: number[] = new Array(positions).fill(-1);
  const byValues = new Map<string, number>();
  const values: Expr[][] = [];
  const types: ValType[] = [];
  for (let p = 0; p < positions; p++) {
    const first = consts[0][p];
    if (consts.every((c) => sameConst(c[p], first))) continue;
    const key = `${first.op}:` + consts.map((c) => String(c[p].value)).join(',');
    let j = byValues.get(key);
    if (j === undefined) {
      j = values.length;
      byValues.set(key, j);
      values.push(consts.map((c) => constOf(c[p]))); // copies: the first member's nodes become local.gets
      types.push(first.type[0]);
    }
    paramOf[p] = j;
  }
  const d = values.length;
  const f0 = m.funcs[members[0]];
  const np = m.types[f0.type].params.length;
  const size = countExprs(f0.tree!.body);
  // parameters the body never reads (the same in every member: the shapes hold local indices)
  const drop: boolean[] = new Array(np).fill(true);
  forEachExpr(f0.tree!.body, (e) => {
    if (e.op === O.local_get && e.index < np) drop[e.index] = false;
  });
  const thunkCost = 1 + drop.filter((x) => !x).length + d;
  let after = size;
  if (size <= minSize) return null;
  const thunk: boolean[] = [];
  for (const k of members) {
    thunk.push(referenced[k] === 1);
    after += (referenced[k] === 1 ? thunkCost : 0) + sites[k] * d;
  }
  if (members.length * size <= after) return null;
  return { members, paramOf, values, types, thunk, drop };
}

/** Creates the shared function from the first member's body and turns the members into thunks or redirects. */
function apply(cx: PassContext, m: Module, mg: Merge, redirect: Map<number, Redirect>): void {
  const nImp = m.numImportedFuncs;
  const f0 = m.funcs[mg.members[0]];
  const sig = m.types[f0.type];
  const np = sig.params.length;
  const d = mg.types.length;
  const kept = sig.params.filter((_, i) => !mg.drop[i]);
  const nk = kept.length;
  const shared = new Func(typeIndex(m, { params: Object.freeze([...kept, ...mg.types]), results: sig.results }));
  const root = f0.tree!;
  // new layout: the kept parameters, the constants' parameters, the declared locals, then the
  // dropped parameters the body still writes (as declared locals: nothing reads their value)
  const written: boolean[] = new Array(np).fill(false);
  forEachExpr(root.body, (e) => {
    if ((e.op === O.local_set || e.op === O.local_tee) && e.index < np) written[e.index] = true;
  });
  const map: number[] = [];
  const extra: ValType[] = [];
  let next = 0;
  for (let i = 0; i < np; i++) map.push(mg.drop[i] ? -1 : next++);
  for (let i = 0; i < f0.locals.length; i++) map.push(nk + d + i);
  for (let i = 0; i < np; i++) {
    if (mg.drop[i] && written[i]) {
      map[i] = nk + d + f0.locals.length + extra.length;
      extra.push(sig.params[i]);
    }
  }
  // the body moves: locals renumbered, differing constants read their parameters
  let p = 0;
  forEachExpr(root.body, (e) => {
    if (e.op === O.local_get || e.op === O.local_set || e.op === O.local_tee) e.index = map[e.index];
    else if (CONST_OPS.has(e.op)) {
      const j = mg.paramOf[p++];
      if (j >= 0) {
        e.op = O.local_get;
        e.index = nk + j;
        e.value = null;
      }
    }
  });
  shared.locals = f0.locals.concat(extra);
  shared.hasPops = f0.hasPops;
  shared.tree = root;
  shared.dirty = true;
  m.funcs.push(shared);
  const sharedIndex = nImp + m.funcs.length - 1;

  // every member becomes a thunk (left unreachable unless referenced) and its calls move to
  // the shared function
  mg.members.forEach((k, i) => {
    const f = m.funcs[k];
    const consts = mg.values.map((vs) => vs[i]);
    redirect.set(nImp + k, { shared: sharedIndex, consts, drop: mg.drop });
    f.tree = thunkBody(sig.params, mg.drop, sig.results, sharedIndex, consts);
    f.locals = [];
    f.hasPops = false;
    f.droppedCode = false;
    cx.changed(f);
  });
}

function thunkBody(params: readonly ValType[], drop: boolean[], results: Expr['type'], callee: number, consts: Expr[]): Expr {
  const args: Expr[] = [];
  params.forEach((t, i) => {
    if (!drop[i]) args.push(localGet(i, t));
  });
  const call = new Expr(O.call, results, args.concat(consts.map(constOf)));
  call.index = callee;
  const root = new Expr(O.block, results, NO_KIDS);
  root.index = -1;
  root.body = [call];
  return root;
}
