// The direct call graph of a module, for the inliner: call sites per callee, the functions that
// are referenced other than by a direct call, and the strongly connected components (recursion
// cycles) in bottom-up order (callees before callers).

import type { Expr } from '../../ir/expr.js';
import type { ConstExpr, Module } from '../../ir/module.js';
import { O } from '../../ir/opcodes.js';
import { forEachExpr } from '../../ir/walk.js';
import { scanFuncRefs } from '../../binary/scan.js';
import type { PassContext } from '../context.js';

export interface CallGraph {
  /** Per defined function (position in m.funcs): the defined callees it calls directly (positions, with repeats). */
  callees: number[][];
  /**
   * Per defined function: number of direct `call`/`return_call` sites, counting for a live callee
   * only the sites in live functions (reachable from the exports, start, tables, references).
   */
  sites: Uint32Array;
  /** Per defined function: referenced other than by a direct call (export, start, table, `ref.func` in live code or constant expressions). */
  referenced: Uint8Array;
  /** Per defined function: id of its strongly connected component. */
  scc: Int32Array;
  /** Per defined function: it lies on a recursion cycle (calls itself, or shares its SCC with another function). */
  recursive: Uint8Array;
  /** Defined functions in bottom-up order: every SCC after all SCCs it calls into. */
  order: number[];
}

function constExprs(m: Module): ConstExpr[] {
  const out: ConstExpr[] = [];
  for (const g of m.globals) out.push(g.init);
  for (const el of m.elems) {
    if (el.offset) out.push(el.offset);
    if (el.exprs && el.mode !== 'declarative') out.push(...el.exprs);
  }
  return out;
}

/** Builds the call graph from the bodies' bytes (or trees), without decoding them (binary/scan.ts). */
export function buildCallGraph(m: Module): CallGraph {
  const nImp = m.numImportedFuncs;
  const n = m.funcs.length;
  const callees: number[][] = [];
  const refsIn: number[][] = [];
  const recursive = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const out: number[] = [];
    const refs: number[] = [];
    scanFuncRefs(m, m.funcs[i], (op, index) => {
      const c = index - nImp;
      if (c < 0 || c >= n) return;
      if (op === O.ref_func) refs.push(c);
      else {
        out.push(c);
        if (c === i) recursive[i] = 1;
      }
    });
    callees.push(out);
    refsIn.push(refs);
  }

  // Liveness as dead-functions sees it: the roots (exports, start, tables, references in
  // constant expressions) and what live code calls or references. Only the references and call
  // sites of live code count (see `sites`).
  const referenced = new Uint8Array(n);
  const live = new Uint8Array(n);
  const pending: number[] = [];
  const mark = (c: number) => {
    if (!live[c]) {
      live[c] = 1;
      pending.push(c);
    }
  };
  const root = (fi: number) => {
    const c = fi - nImp;
    if (c >= 0 && c < n) {
      referenced[c] = 1;
      mark(c);
    }
  };
  for (const e of m.exports) if (e.kind === 'func') root(e.index);
  if (m.start !== null) root(m.start);
  for (const el of m.elems) if (el.funcs && el.mode !== 'declarative') for (const fi of el.funcs) root(fi);
  for (const c of constExprs(m)) forEachExpr(c, (e) => {
    if (e.op === O.ref_func) root(e.index);
  });
  while (pending.length > 0) {
    const i = pending.pop()!;
    for (const c of callees[i]) mark(c);
    for (const c of refsIn[i]) {
      referenced[c] = 1;
      mark(c);
    }
  }
  // A site in dead code does not count against a live callee: dead-functions removes it, and
  // counting it would make a second run (after dead-functions) inline what the first did not.
  // The callees of dead code are dead too; among them every site counts.
  const sites = new Uint32Array(n);
  for (let i = 0; i < n; i++) for (const c of callees[i]) if (live[i] || !live[c]) sites[c]++;

  // Tarjan's algorithm, iteratively. A component is completed only after every component
  // reachable from it, so the completion order is bottom-up.
  const scc = new Int32Array(n).fill(-1);
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const order: number[] = [];
  let counter = 0;
  let comps = 0;
  const work: { v: number; k: number }[] = [];
  for (let s = 0; s < n; s++) {
    if (index[s] !== -1) continue;
    work.push({ v: s, k: 0 });
    index[s] = low[s] = counter++;
    stack.push(s);
    onStack[s] = 1;
    while (work.length > 0) {
      const top = work[work.length - 1];
      const v = top.v;
      const out = callees[v];
      if (top.k < out.length) {
        const w = out[top.k++];
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push({ v: w, k: 0 });
        } else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const p = work[work.length - 1].v;
        low[p] = Math.min(low[p], low[v]);
      }
      if (low[v] === index[v]) {
        const first = order.length;
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          scc[w] = comps;
          order.push(w);
        } while (w !== v);
        if (order.length - first > 1) for (let k = first; k < order.length; k++) recursive[order[k]] = 1;
        comps++;
      }
    }
  }
  return { callees, sites, referenced, scc, recursive, order };
}

/**
 * Visits every direct call (`call`, `return_call`) to a function index `callee` accepts. Only
 * the functions making such a call are decoded (found from their bytes), one at a time; each is
 * released after unless it was decoded before. With `rewrite`, `visit` may change the call and
 * every visited function is marked changed. Returns whether any call was visited.
 */
export function forEachDirectCall(cx: PassContext, m: Module, callee: (index: number) => boolean,
  visit: (call: Expr) => void, rewrite: boolean): boolean {
  let any = false;
  for (const f of m.funcs) {
    let calls = false;
    scanFuncRefs(m, f, (op, index) => {
      if (op !== O.ref_func && callee(index)) calls = true;
    });
    if (!calls) continue;
    any = true;
    const had = f.tree !== null;
    forEachExpr(cx.body(f).body, (e) => {
      if ((e.op === O.call || e.op === O.return_call) && callee(e.index)) visit(e);
    });
    if (rewrite) cx.changed(f);
    if (!had) cx.release(f);
  }
  return any;
}
