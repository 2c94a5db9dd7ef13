// reorder-locals: renumber declared locals so the most used come first, grouped by type.
//
// What. Parameters keep their indices (they are the signature). The declared locals are sorted
// by their number of accesses (`local.get` + `local.set` + `local.tee`), most first; ties go
// to the one accessed first in a pre-order walk of the body. Locals never accessed at all are
// removed (they are useless and only cost declarations). Then, within each LEB128 band of
// local indices (0..127 take one byte, 128..16383 two, ...), the locals are grouped by type:
// the groups are ordered by their most used member (a group of the type that ended the
// previous band goes first, continuing its run), members keep their order. Every access and
// the function's local names in the name section (subsection 2) are remapped.
//
// Why it helps. An index below 128 is one LEB byte, so the most used locals should be the
// cheapest to name; inside one band every index costs the same, so grouping by type there costs
// nothing and shortens the run-length encoded declarations (one `count type` entry per run).
// A naive backend that gives each local a frame slot gets its hottest slots at small offsets.
//
// Why it is sound. Renaming locals is a bijection on the accessed declared locals, applied to
// every access, and the initial values of declared locals depend only on their type (zero /
// null), which moves with the local. A removed local had no access. Parameters are untouched.
//
// Deterministic and idempotent. Only counts and first-access positions (properties of the code,
// not of the current numbering) decide the order, so a second run computes the same order and
// finds nothing to do.
//
// Where. Last among the local passes (after dead-locals, coalescing, simplify-locals), just
// before emitting: earlier passes change the counts it sorts by.

import type { Func } from '../ir/module.js';
import { O } from '../ir/opcodes.js';
import type { ValType } from '../ir/types.js';
import { forEachExpr } from '../ir/walk.js';
import { remapFuncLocalNames } from '../binary/names.js';
import type { FunctionPass } from './registry.js';

/** The first index of the LEB128 band after the one holding `index`. */
function bandEnd(index: number): number {
  let end = 128;
  while (index >= end) end *= 128;
  return end;
}

/**
 * The new order of the declared locals (local indices), given the accessed ones sorted by
 * use: grouped by type inside each LEB band starting at `np`.
 */
function groupByBand(sorted: number[], np: number, typeOf: (local: number) => ValType): number[] {
  const out: number[] = [];
  let pos = np;
  let at = 0;
  let lastType = -1;
  while (at < sorted.length) {
    const take = Math.min(sorted.length - at, bandEnd(pos) - pos);
    const band = sorted.slice(at, at + take);
    const types: ValType[] = [];
    for (const l of band) {
      const t = typeOf(l);
      if (!types.includes(t)) types.push(t);
    }
    const k = types.indexOf(lastType);
    if (k > 0) {
      types.splice(k, 1);
      types.unshift(lastType);
    }
    for (const t of types) for (const l of band) if (typeOf(l) === t) out.push(l);
    lastType = typeOf(out[out.length - 1]);
    pos += take;
    at += take;
  }
  return out;
}

export const reorderLocals: FunctionPass = {
  name: 'reorder-locals',
  description: 'renumber declared locals by use count (grouped by type), drop never-accessed ones',
  scope: 'function',
  run(cx, f: Func) {
    const m = cx.module;
    const nl = f.locals.length;
    if (nl === 0) return false;
    const frame = cx.body(f);
    const np = m.types[f.type].params.length;
    const total = np + nl;
    const uses = new Uint32Array(total);
    const first = new Int32Array(total).fill(-1);
    let seq = 0;
    forEachExpr(frame.body, (e) => {
      if (e.op === O.local_get || e.op === O.local_set || e.op === O.local_tee) {
        const i = e.index;
        if (uses[i]++ === 0) first[i] = seq;
        seq++;
      }
    });
    const accessed: number[] = [];
    for (let i = np; i < total; i++) if (uses[i] > 0) accessed.push(i);
    accessed.sort((a, b) => uses[b] - uses[a] || first[a] - first[b]);
    const order = groupByBand(accessed, np, (l) => f.locals[l - np]);

    if (order.length === nl && order.every((l, k) => l === np + k)) return false;

    const map = new Int32Array(total).fill(-1);
    for (let i = 0; i < np; i++) map[i] = i;
    order.forEach((l, k) => {
      map[l] = np + k;
    });
    forEachExpr(frame.body, (e) => {
      if (e.op === O.local_get || e.op === O.local_set || e.op === O.local_tee) e.index = map[e.index];
    });
    f.locals = order.map((l) => f.locals[l - np]);
    remapFuncLocalNames(m, f, (i) => (i < total ? map[i] : -1));
    return true;
  },
};
