// dead-tables-globals: remove defined tables (with their active element segments) and defined
// globals that nothing can use, and renumber those index spaces.
//
// What. One reachability closure over functions, tables and globals together. Roots: exports,
// the start function, every import (imports are kept: the link interface does not change),
// passive element segments (their functions, kept with them; declarative ones only declare
// `ref.func` targets, which code must name to use), and the globals data segment offsets read. A live function makes live what its body names: functions
// (`call`, `ref.func`), tables (`call_indirect`, `table.*`), globals (`global.get/set`). A live
// table makes its active segments live (their functions, offsets and item expressions); a live
// global its initializer's references. A table must also stay when one of its active segments
// could trap at instantiation (its offset is not a constant, or offset + length exceeds the
// table's minimum), holds a function some `ref.func` names (the segment may be that
// function's declaration, rule C.refs), or is named by live code (`table.init`, `elem.drop`). Everything else that is defined goes: the tables, their
// active segments, the globals. Functions that are not live are left to `dead-functions`,
// which runs next; a dead function whose body names something removed gets the body
// `unreachable` meanwhile. Table, global and element-segment indices are remapped in every body (`call_indirect`,
// `table.*`, `table.init`, `elem.drop`, `global.*`), in exports, initializers, offsets and the
// name section (table, global and segment names).
//
// Example (gale/gust_fused): two tables filled by element segments but never read by
// `call_indirect`, and the shadow-stack globals of the functions only those tables held: the
// tables, segments and globals go here, the four functions in dead-functions.
//
// Why it is sound. A table is observable only through instructions that name it, an export, or
// an import; a defined, unexported table that no live instruction names can never be read, so
// its contents do not matter, and an active segment proven in bounds only writes it (removing
// the segment removes no trap). A global is observable only through `global.get/set` in code
// that can run, an export, or the initializers and offsets that read it; initializers have no
// side effects. A function that is not live cannot run (the closure covers every way to reach
// one, as in dead-functions), so its body is never executed and may be anything valid.
//
// Not done: modules with linking or relocation sections (an object file) are left alone.
//
// Where. Just before each `dead-functions` of -O2 and above.

import { Expr } from '../ir/expr.js';
import type { ConstExpr, Elem, Func, Module } from '../ir/module.js';
import { Imm, O, OPS } from '../ir/opcodes.js';
import { forEachExpr } from '../ir/walk.js';
import { NONE } from '../ir/types.js';
import { remapIndexNames } from '../binary/names.js';
import { scanOps } from '../binary/scan.js';
import type { PassContext } from './context.js';
import type { ModulePass } from './registry.js';

const REF_FUNC: ReadonlySet<number> = new Set([O.ref_func]);
/** The instructions naming a function, table, global or element segment. */
const INDEX_OPS: ReadonlySet<number> = new Set(OPS.flatMap((info, op) =>
  op === O.call || op === O.return_call || op === O.ref_func || info.imm === Imm.global || info.imm === Imm.table ||
  info.imm === Imm.tableInit || info.imm === Imm.elem || info.imm === Imm.callIndirect || info.imm === Imm.tableCopy ? [op] : []));

/** Name subsections keyed by table, global and element-segment index (extended name section). */
const TABLE_NAMES = 5;
const GLOBAL_NAMES = 7;
const ELEM_NAMES = 8;

/** A constant `i32.const` offset, or null. */
function constOffset(c: ConstExpr | null): number | null {
  if (c === null || c.length !== 1 || c[0].op !== O.i32_const) return null;
  return (c[0].value as number) >>> 0;
}

function elemLength(el: Elem): number {
  return el.funcs !== null ? el.funcs.length : el.exprs!.length;
}

export const deadTablesGlobals: ModulePass = {
  name: 'dead-tables-globals',
  description: 'remove defined tables (with their element segments) and globals nothing can use',
  scope: 'module',
  run(cx: PassContext, m: Module): boolean {
    if (m.customs.some((c) => c.name === 'linking' || c.name.startsWith('reloc.'))) return false;
    const nF = m.numImportedFuncs;
    const nT = m.numImportedTables;
    const nG = m.numImportedGlobals;
    const totalF = nF + m.funcs.length;
    const totalT = nT + m.tables.length;
    const totalG = nG + m.globals.length;
    if (m.tables.length === 0 && m.globals.length === 0) return false;
    const liveF = new Uint8Array(totalF);
    const liveT = new Uint8Array(totalT);
    const liveG = new Uint8Array(totalG);
    const workF: number[] = [];
    const workT: number[] = [];
    const workG: number[] = [];
    const markF = (i: number) => { if (i < totalF && !liveF[i]) { liveF[i] = 1; workF.push(i); } };
    const markT = (i: number) => { if (i < totalT && !liveT[i]) { liveT[i] = 1; workT.push(i); } };
    const markG = (i: number) => { if (i < totalG && !liveG[i]) { liveG[i] = 1; workG.push(i); } };
    // code naming an active segment (table.init, elem.drop) needs the segment, so its table
    const markSeg = (k: number) => {
      const el = m.elems[k];
      if (el !== undefined && el.mode === 'active') markT(el.table);
    };
    const constRefs = (c: ConstExpr | null) => {
      if (c !== null) forEachExpr(c, (e) => {
        if (e.op === O.ref_func) markF(e.index);
        else if (e.op === O.global_get) markG(e.index);
      });
    };

    // functions some ref.func names (anywhere): segments holding them must stay
    // (bodies are read as bytes, binary/scan.ts: none is decoded unless it must be rewritten)
    const named = new Set<number>();
    for (const f of m.funcs) scanOps(m, f, REF_FUNC, (_, index) => { named.add(index); });
    for (const g of m.globals) forEachExpr(g.init, (e) => { if (e.op === O.ref_func) named.add(e.index); });

    // roots
    for (let i = 0; i < nF; i++) markF(i);
    for (let i = 0; i < nT; i++) markT(i);
    for (let i = 0; i < nG; i++) markG(i);
    for (const e of m.exports) {
      if (e.kind === 'func') markF(e.index);
      else if (e.kind === 'table') markT(e.index);
      else if (e.kind === 'global') markG(e.index);
    }
    if (m.start !== null) markF(m.start);
    for (const d of m.datas) constRefs(d.offset);
    const tableTypes = m.tableTypes();
    const byTable: Elem[][] = Array.from({ length: totalT }, () => []);
    for (const el of m.elems) {
      if (el.mode === 'declarative') continue; // only declares ref.func targets: no use by itself
      if (el.mode === 'passive') {
        if (el.funcs) for (const i of el.funcs) markF(i);
        if (el.exprs) for (const x of el.exprs) constRefs(x);
        continue;
      }
      byTable[el.table]?.push(el);
      const off = constOffset(el.offset);
      const fits = off !== null && el.table >= nT && off + elemLength(el) <= tableTypes[el.table].limits.min;
      const declares = el.funcs !== null ? el.funcs.some((i) => named.has(i)) : el.exprs!.some((x) => x.some((e) => e.op === O.ref_func && named.has(e.index)));
      if (!fits || declares) markT(el.table);
    }

    // closure
    while (workF.length + workT.length + workG.length > 0) {
      if (workT.length > 0) {
        for (const el of byTable[workT.pop()!]) {
          constRefs(el.offset);
          if (el.funcs) for (const i of el.funcs) markF(i);
          if (el.exprs) for (const x of el.exprs) constRefs(x);
        }
      } else if (workG.length > 0) {
        const g = workG.pop()!;
        if (g >= nG) constRefs(m.globals[g - nG].init);
      } else {
        const i = workF.pop()!;
        if (i < nF) continue;
        scanOps(m, m.funcs[i - nF], INDEX_OPS, (op, index, index2) => {
          const imm = OPS[op].imm;
          if (op === O.call || op === O.return_call || op === O.ref_func) markF(index);
          else if (imm === Imm.global) markG(index);
          else if (imm === Imm.table) markT(index);
          else if (imm === Imm.tableInit) { markT(index); markSeg(index2); }
          else if (imm === Imm.elem) markSeg(index);
          else if (imm === Imm.callIndirect) markT(index2);
          else if (imm === Imm.tableCopy) { markT(index); markT(index2); }
        });
      }
    }

    let deadT = 0;
    let deadG = 0;
    for (let i = nT; i < totalT; i++) if (!liveT[i]) deadT++;
    for (let i = nG; i < totalG; i++) if (!liveG[i]) deadG++;
    if (deadT === 0 && deadG === 0) return false;

    const numbering = (live: Uint8Array) => {
      const map = new Int32Array(live.length).fill(-1);
      let next = 0;
      for (let i = 0; i < live.length; i++) if (live[i]) map[i] = next++;
      return map;
    };
    const mapT = numbering(liveT);
    const mapG = numbering(liveG);
    const liveE = new Uint8Array(m.elems.length);
    m.elems.forEach((el, k) => { liveE[k] = el.mode !== 'active' || liveT[el.table] ? 1 : 0; });
    const mapE = numbering(liveE);

    // does an index of the function move (or go)?
    const moves = (op: number, index: number, index2: number): boolean => {
      const imm = OPS[op].imm;
      if (imm === Imm.global) return mapG[index] !== index;
      if (imm === Imm.table) return mapT[index] !== index;
      if (imm === Imm.callIndirect) return mapT[index2] !== index2;
      if (imm === Imm.tableCopy) return mapT[index] !== index || mapT[index2] !== index2;
      if (imm === Imm.tableInit) return mapT[index] !== index || mapE[index2] !== index2;
      if (imm === Imm.elem) return mapE[index] !== index;
      return false;
    };
    // the functions to rewrite, decoded before the tables shrink (the bytes hold the old
    // indices, which decoding types against the old index spaces)
    const stale: { k: number; f: Func; body: Expr; had: boolean }[] = [];
    for (let k = 0; k < m.funcs.length; k++) {
      const f = m.funcs[k];
      let moved = f.droppedCode;
      if (!moved) scanOps(m, f, INDEX_OPS, (op, index, index2) => { if (moves(op, index, index2)) moved = true; });
      if (!moved) continue;
      const had = f.tree !== null;
      stale.push({ k, f, body: cx.body(f), had });
    }

    m.tables = m.tables.filter((_, k) => liveT[nT + k] === 1);
    m.globals = m.globals.filter((_, k) => liveG[nG + k] === 1);
    m.elems = m.elems.filter((_, k) => liveE[k] === 1);
    for (const el of m.elems) if (el.mode === 'active') el.table = mapT[el.table];
    for (const e of m.exports) {
      if (e.kind === 'table') e.index = mapT[e.index];
      else if (e.kind === 'global') e.index = mapG[e.index];
    }
    const remapConst = (c: ConstExpr | null) => {
      if (c !== null) forEachExpr(c, (e) => { if (e.op === O.global_get) e.index = mapG[e.index]; });
    };
    for (const g of m.globals) remapConst(g.init);
    for (const el of m.elems) {
      remapConst(el.offset);
      if (el.exprs) for (const x of el.exprs) remapConst(x);
    }
    for (const d of m.datas) remapConst(d.offset);

    for (const { k, f, body, had } of stale) {
      let changed = f.droppedCode; // skipped unreachable code may name a moved index
      let gone = false; // names a removed table, global or segment: only in a function that never runs
      forEachExpr(body.body, (e) => {
        const imm = OPS[e.op].imm;
        const set = (field: 'index' | 'index2', map: Int32Array) => {
          const j = map[e[field]];
          if (j < 0) gone = true;
          else if (j !== e[field]) { e[field] = j; changed = true; }
        };
        if (imm === Imm.global) set('index', mapG);
        else if (imm === Imm.table) set('index', mapT);
        else if (imm === Imm.callIndirect) set('index2', mapT);
        else if (imm === Imm.tableCopy) { set('index', mapT); set('index2', mapT); }
        else if (imm === Imm.tableInit) { set('index', mapT); set('index2', mapE); }
        else if (imm === Imm.elem) set('index', mapE);
      });
      if (gone) {
        if (liveF[nF + k]) throw new Error(`dead-tables-globals: live function ${nF + k} names a removed index`);
        // never runs (dead-functions removes it next): a body that names nothing
        body.body = [new Expr(O.unreachable, NONE)];
        f.hasPops = false;
        changed = true;
      }
      // (renumbered one-to-one: what body-local passes found still holds, see context.ts)
      if (gone) cx.changed(f);
      else if (changed) cx.renumbered(f);
      if (!had) cx.release(f);
    }
    remapIndexNames(m, TABLE_NAMES, (i) => (i < totalT ? mapT[i] : -1));
    remapIndexNames(m, GLOBAL_NAMES, (i) => (i < totalG ? mapG[i] : -1));
    remapIndexNames(m, ELEM_NAMES, (i) => (i < mapE.length ? mapE[i] : -1));
    return true;
  },
};
