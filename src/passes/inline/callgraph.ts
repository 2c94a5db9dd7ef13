// The direct call graph of a module, for the inliner: call sites per callee, the functions that
// are referenced other than by a direct call, and the strongly connected components (recursion
// cycles) in bottom-up order (callees before callers).

import type { Expr } from '../../ir/expr.js';
import type { ConstExpr, Module } from '../../ir/module.js';
import { O } from '../../ir/opcodes.js';
import { forEachExpr } from '../../ir/walk.js';

export interface CallGraph {
  /** Per defined function (position in m.funcs): the defined callees it calls directly (positions, with repeats). */
  callees: number[][];
  /** Per defined function: number of direct `call`/`return_call` sites in the whole module. */
  sites: Uint32Array;
  /** Per defined function: referenced other than by a direct call (export, start, table, `ref.func`). */
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
    if (el.exprs) out.push(...el.exprs);
  }
  return out;
}

/** Builds the call graph; `body(i)` is the tree of defined function `i`. */
export function buildCallGraph(m: Module, body: (i: number) => Expr): CallGraph {
  const nImp = m.numImportedFuncs;
  const n = m.funcs.length;
  const callees: number[][] = [];
  const sites = new Uint32Array(n);
  const referenced = new Uint8Array(n);
  const recursive = new Uint8Array(n);
  const ref = (fi: number) => {
    if (fi >= nImp && fi < nImp + n) referenced[fi - nImp] = 1;
  };
  for (let i = 0; i < n; i++) {
    const out: number[] = [];
    forEachExpr(body(i).body, (e) => {
      if (e.op === O.call || e.op === O.return_call) {
        const c = e.index - nImp;
        if (c >= 0 && c < n) {
          out.push(c);
          sites[c]++;
          if (c === i) recursive[i] = 1;
        }
      } else if (e.op === O.ref_func) ref(e.index);
    });
    callees.push(out);
  }
  for (const e of m.exports) if (e.kind === 'func') ref(e.index);
  if (m.start !== null) ref(m.start);
  for (const el of m.elems) if (el.funcs) for (const fi of el.funcs) ref(fi);
  for (const c of constExprs(m)) forEachExpr(c, (e) => {
    if (e.op === O.ref_func) ref(e.index);
  });

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
