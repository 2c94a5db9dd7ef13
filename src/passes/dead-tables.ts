// dead-tables: remove defined tables that nothing can read, together with the active element
// segments that only fill them, so the functions those segments held can become dead.
//
// What. A defined (not imported) table is dead when it is not exported and no instruction names
// it (`call_indirect`, `return_call_indirect`, `table.get/set/size/grow/fill/init/copy`). Its
// active element segments are removed with it when each of them
//  - has a constant offset (`i32.const`) with offset + length <= the table's minimum size, so
//    it cannot trap at instantiation (removing a trapping segment would make a module that
//    fails to instantiate succeed);
//  - is not named by `table.init` or `elem.drop` (segment indices are renumbered; a named
//    segment keeps its table alive);
//  - is not the only declaration of a function some body takes a `ref.func` of (a body's
//    `ref.func f` is valid only when f is declared by a segment, an export or a global
//    initializer).
// If any segment of the table fails these checks the table and all its segments stay. Tables
// and element segments are renumbered (instructions, exports, segments, the name section's table
// and element-segment names). Run `dead-functions` afterwards: the functions only those segments
// referenced are now unreachable.
//
// Why it is sound. A table's contents can be observed only through an instruction that names it
// or through an export (the host, or another instance importing it); with neither, writing it at
// instantiation has no visible effect, and a segment that cannot trap leaves no other trace
// (active segments are dropped after instantiation; only `table.init`/`elem.drop`, excluded above,
// could tell). Instantiation applies segments in order and stops at the first trap; since no
// removed segment can trap, the surviving segments and data segments are applied exactly as
// before. Function identity and the import list are untouched.
//
// Where. At the start of -O2 and above, right before the first `dead-functions`.

import { remapIndexNames } from '../binary/names.js';
import type { Expr } from '../ir/expr.js';
import type { ConstExpr, Elem, Module } from '../ir/module.js';
import { Imm, O, OPS } from '../ir/opcodes.js';
import { forEachExpr } from '../ir/walk.js';
import type { PassContext } from './context.js';
import type { ModulePass } from './registry.js';

/** Calls `tableUse(i)` for each table index and `elemUse(i)` for each segment index `e` names. */
function indexUses(e: Expr, tableUse: (i: number) => void, elemUse: (i: number) => void): void {
  switch (OPS[e.op].imm) {
    case Imm.callIndirect: tableUse(e.index2); break;
    case Imm.table: tableUse(e.index); break;
    case Imm.tableCopy: tableUse(e.index); tableUse(e.index2); break;
    case Imm.tableInit: tableUse(e.index); elemUse(e.index2); break;
    case Imm.elem: elemUse(e.index); break;
  }
}

/** The functions a segment declares (plain indices or `ref.func` items). */
function segmentFuncs(el: Elem): number[] {
  if (el.funcs) return el.funcs;
  const out: number[] = [];
  for (const x of el.exprs ?? []) for (const e of x) if (e.op === O.ref_func) out.push(e.index);
  return out;
}

function constRefFuncs(c: ConstExpr, out: Set<number>): void {
  forEachExpr(c, (e) => {
    if (e.op === O.ref_func) out.add(e.index);
  });
}

export const deadTables: ModulePass = {
  name: 'dead-tables',
  description: 'remove unexported tables no instruction uses, with their (non-trapping) element segments',
  scope: 'module',
  run(cx: PassContext, m: Module): boolean {
    if (m.customs.some((c) => c.name === 'linking' || c.name.startsWith('reloc.'))) return false;
    const nImp = m.numImportedTables;
    const total = nImp + m.tables.length;
    if (m.tables.length === 0) return false;
    const dead = new Uint8Array(total);
    for (let i = nImp; i < total; i++) dead[i] = 1;
    for (const ex of m.exports) if (ex.kind === 'table') dead[ex.index] = 0;

    const namedElems = new Set<number>();
    const refFuncs = new Set<number>();
    for (const f of m.funcs) {
      forEachExpr(cx.body(f).body, (e) => {
        if (e.op === O.ref_func) refFuncs.add(e.index);
        else indexUses(e, (t) => { dead[t] = 0; }, (s) => namedElems.add(s));
      });
    }

    const removable = (el: Elem, k: number): boolean => {
      if (namedElems.has(k)) return false;
      const off = el.offset;
      if (!off || off.length !== 1 || off[0].op !== O.i32_const) return false;
      const start = (off[0].value as number) >>> 0;
      const len = el.funcs ? el.funcs.length : el.exprs!.length;
      return start + len <= m.tables[el.table - nImp].limits.min;
    };
    m.elems.forEach((el, k) => {
      if (el.mode === 'active' && dead[el.table] && !removable(el, k)) dead[el.table] = 0;
    });
    if (!dead.some((d) => d === 1)) return false;

    // functions whose ref.func in code must stay declared by a surviving segment, export or global
    const removed = m.elems.map((el) => el.mode === 'active' && dead[el.table] === 1);
    if (refFuncs.size > 0) {
      const declared = new Set<number>();
      for (const ex of m.exports) if (ex.kind === 'func') declared.add(ex.index);
      for (const g of m.globals) constRefFuncs(g.init, declared);
      m.elems.forEach((el, k) => {
        if (!removed[k]) for (const f of segmentFuncs(el)) declared.add(f);
      });
      m.elems.forEach((el, k) => {
        if (!removed[k]) return;
        if (segmentFuncs(el).some((f) => refFuncs.has(f) && !declared.has(f))) dead[el.table] = 0;
      });
      for (let k = 0; k < m.elems.length; k++) removed[k] = m.elems[k].mode === 'active' && dead[m.elems[k].table] === 1;
      if (!dead.some((d) => d === 1)) return false;
    }

    // renumber: tables, then segments
    const tmap = new Int32Array(total).fill(-1);
    let next = 0;
    for (let i = 0; i < total; i++) if (!dead[i]) tmap[i] = next++;
    const emap = new Int32Array(m.elems.length).fill(-1);
    next = 0;
    for (let k = 0; k < m.elems.length; k++) if (!removed[k]) emap[k] = next++;

    m.tables = m.tables.filter((_, k) => !dead[nImp + k]);
    m.elems = m.elems.filter((_, k) => !removed[k]);
    for (const el of m.elems) if (el.mode === 'active') el.table = tmap[el.table];
    for (const ex of m.exports) if (ex.kind === 'table') ex.index = tmap[ex.index];

    let tablesMoved = false;
    for (let i = 0; i < total; i++) if (!dead[i] && tmap[i] !== i) tablesMoved = true;
    let elemsMoved = false;
    for (let k = 0; k < emap.length; k++) if (emap[k] >= 0 && emap[k] !== k) elemsMoved = true;
    for (const f of m.funcs) {
      let touched = false;
      forEachExpr(cx.body(f).body, (e) => {
        switch (OPS[e.op].imm) {
          case Imm.callIndirect: touched = remap(e, 'index2', tmap) || touched; break;
          case Imm.table: touched = remap(e, 'index', tmap) || touched; break;
          case Imm.tableCopy: touched = remap(e, 'index', tmap) || touched; touched = remap(e, 'index2', tmap) || touched; break;
          case Imm.tableInit: touched = remap(e, 'index', tmap) || touched; touched = remap(e, 'index2', emap) || touched; break;
          case Imm.elem: touched = remap(e, 'index', emap) || touched; break;
        }
      });
      if (touched || ((tablesMoved || elemsMoved) && f.droppedCode)) cx.changed(f);
    }
    remapIndexNames(m, 5, (i) => (i < total ? tmap[i] : -1));
    remapIndexNames(m, 8, (k) => (k < emap.length ? emap[k] : -1));
    cx.moduleChanged();
    return true;
  },
};

function remap(e: Expr, field: 'index' | 'index2', map: Int32Array): boolean {
  const j = map[e[field]];
  if (j === e[field]) return false;
  e[field] = j;
  return true;
}
