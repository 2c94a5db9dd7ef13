// Module encoder. Sections are written in the binary order with custom sections where they
// stood in the input. A section whose content did not change is copied from the input
// verbatim (header included), and so is each function no pass changed: `weft optimize -O0`
// is byte-identical to its input, and untouched code costs a memcpy.
//
// "Did not change" is decided by content, not by bookkeeping: the section is re-encoded from
// the IR and compared with the input's bytes; when they differ only because the input used a
// non-canonical encoding (padded LEB128s), the input section is re-decoded and re-encoded to
// tell the two cases apart.

import type { Expr } from '../ir/expr.js';
import { Module, type ConstExpr, type Limits, type TableType, type Func } from '../ir/module.js';
import { typesEqual, type Type } from '../ir/types.js';
import { CodeWriter } from './code-writer.js';
import { forEachExpr } from '../ir/walk.js';
import { decodeSectionInto, MAGIC } from './decode.js';
import { Writer } from './writer.js';

const ORDER = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11];

export interface EncodeResult {
  binary: Uint8Array;
  /** Names of `.debug_*` custom sections dropped because code changed. */
  droppedDebug: string[];
}

export function encodeModule(m: Module): Uint8Array {
  return encodeModuleWithInfo(m).binary;
}

export function encodeModuleWithInfo(m: Module): EncodeResult {
  const out = new Writer(Math.max(1024, m.input.length + 64));
  out.u32le(MAGIC);
  out.u32le(1);
  assignBlockTypes(m);
  const codeChanged = m.funcs.some((f) => f.dirty || f.code !== null || f.start < 0) ||
    m.funcs.length !== m.originalFuncCount;
  const droppedDebug: string[] = [];
  const writeCustoms = (after: number) => {
    for (const c of m.customs) {
      if (c.after !== after) continue;
      if (codeChanged && c.name.startsWith('.debug_')) {
        droppedDebug.push(c.name);
        continue;
      }
      if (c.origin && isTailOf(c.payload, c.origin)) out.bytes(c.origin);
      else {
        out.u8(0);
        out.u32(c.payload.length);
        out.bytes(c.payload);
      }
    }
  };
  writeCustoms(0);
  for (const id of ORDER) {
    const orig = m.original.get(id);
    if (id === 10) writeCodeSection(m, out, codeChanged);
    else if (orig || hasContent(m, id)) {
      const payload = sectionPayload(m, id).finish();
      if (orig && sameAsInput(m, id, payload)) out.bytes(m.input.subarray(orig.hstart, orig.end));
      else {
        out.u8(id);
        out.u32(payload.length);
        out.bytes(payload);
      }
    }
    writeCustoms(id);
  }
  return { binary: out.finish(), droppedDebug };
}

/** Gives every multi-value or parameterised block in changed code a type index (before the type section is written). */
function assignBlockTypes(m: Module): void {
  for (const f of m.funcs) {
    if (!(f.dirty || f.start < 0) || !f.tree) continue;
    forEachExpr(f.tree.body, (e) => {
      if (e.isLabel() && e.index < 0 && (e.params.length > 0 || e.type.length > 1)) {
        e.index = internType(m, e.params, e.type);
      }
    });
  }
}

function isTailOf(payload: Uint8Array, origin: Uint8Array): boolean {
  return payload.buffer === origin.buffer &&
    payload.byteOffset + payload.length === origin.byteOffset + origin.length;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameAsInput(m: Module, id: number, payload: Uint8Array): boolean {
  const orig = m.original.get(id)!;
  const input = m.input.subarray(orig.start, orig.end);
  if (bytesEqual(payload, input)) return true;
  // Either the content changed or the input encoded the same content differently.
  const scratch = new Module();
  scratch.features = m.features;
  if (id !== 2) scratch.imports = m.imports; // constant expressions are typed against imported globals
  decodeSectionInto(scratch, id, m.input, orig.start, orig.end);
  return bytesEqual(sectionPayload(scratch, id).finish(), payload);
}

function hasContent(m: Module, id: number): boolean {
  switch (id) {
    case 1: return m.types.length > 0;
    case 2: return m.imports.length > 0;
    case 3: return m.funcs.length > 0;
    case 4: return m.tables.length > 0;
    case 5: return m.memories.length > 0;
    case 6: return m.globals.length > 0;
    case 7: return m.exports.length > 0;
    case 8: return m.start !== null;
    case 9: return m.elems.length > 0;
    case 12: return m.hasDataCount;
    case 11: return m.datas.length > 0;
  }
  return false;
}

function writeLimits(w: Writer, l: Limits): void {
  w.u8((l.max !== null ? 1 : 0) | (l.shared ? 2 : 0));
  w.u32(l.min);
  if (l.max !== null) w.u32(l.max);
}

function writeTableType(w: Writer, t: TableType): void {
  w.u8(t.elem);
  writeLimits(w, t.limits);
}

function writeTypeVec(w: Writer, t: Type): void {
  w.u32(t.length);
  for (const v of t) w.u8(v);
}

/** Finds the index of a function type, adding it when absent (for multi-value block types). */
export function internType(m: Module, params: Type, results: Type): number {
  const i = m.types.findIndex((t) => typesEqual(t.params, params) && typesEqual(t.results, results));
  if (i >= 0) return i;
  m.types.push({ params, results });
  return m.types.length - 1;
}

function writeConstExpr(w: Writer, m: Module, e: ConstExpr): void {
  new CodeWriter(w, (p, r) => internType(m, p, r)).writeExpr(e, null);
}

const KIND_CODE = { func: 0, table: 1, memory: 2, global: 3 } as const;

function sectionPayload(m: Module, id: number): Writer {
  const w = new Writer();
  switch (id) {
    case 1:
      w.u32(m.types.length);
      for (const t of m.types) {
        w.u8(0x60);
        writeTypeVec(w, t.params);
        writeTypeVec(w, t.results);
      }
      break;
    case 2:
      w.u32(m.imports.length);
      for (const imp of m.imports) {
        w.name(imp.module);
        w.name(imp.name);
        const d = imp.desc;
        w.u8(KIND_CODE[d.kind]);
        if (d.kind === 'func') w.u32(d.type);
        else if (d.kind === 'table') writeTableType(w, d.table);
        else if (d.kind === 'memory') writeLimits(w, d.memory);
        else {
          w.u8(d.global.type);
          w.u8(d.global.mutable ? 1 : 0);
        }
      }
      break;
    case 3:
      w.u32(m.funcs.length);
      for (const f of m.funcs) w.u32(f.type);
      break;
    case 4:
      w.u32(m.tables.length);
      for (const t of m.tables) writeTableType(w, t);
      break;
    case 5:
      w.u32(m.memories.length);
      for (const l of m.memories) writeLimits(w, l);
      break;
    case 6:
      w.u32(m.globals.length);
      for (const g of m.globals) {
        w.u8(g.type.type);
        w.u8(g.type.mutable ? 1 : 0);
        writeConstExpr(w, m, g.init);
      }
      break;
    case 7:
      w.u32(m.exports.length);
      for (const e of m.exports) {
        w.name(e.name);
        w.u8(KIND_CODE[e.kind]);
        w.u32(e.index);
      }
      break;
    case 8:
      w.u32(m.start ?? 0);
      break;
    case 9:
      w.u32(m.elems.length);
      for (const e of m.elems) {
        // keep the input's encoding choice; items as expressions if any item is not a plain ref.func
        const flags = e.flags;
        w.u32(flags);
        if (e.mode === 'active') {
          if (flags & 2) w.u32(e.table);
          writeConstExpr(w, m, e.offset!);
        }
        if (flags & 3) {
          if (flags & 4) w.u8(e.type);
          else w.u8(0);
        }
        if (flags & 4) {
          const items = e.exprs!;
          w.u32(items.length);
          for (const x of items) writeConstExpr(w, m, x);
        } else {
          const funcs = e.funcs!;
          w.u32(funcs.length);
          for (const f of funcs) w.u32(f);
        }
      }
      break;
    case 12:
      w.u32(m.datas.length);
      break;
    case 11:
      w.u32(m.datas.length);
      for (const d of m.datas) {
        if (d.mode === 'passive') w.u8(1);
        else if (d.memory !== 0 || d.explicitMemory) {
          w.u8(2);
          w.u32(d.memory);
        } else w.u8(0);
        if (d.offset) writeConstExpr(w, m, d.offset);
        w.u32(d.bytes.length);
        w.bytes(d.bytes);
      }
      break;
  }
  return w;
}

function writeCodeSection(m: Module, out: Writer, codeChanged: boolean): void {
  const orig = m.original.get(10);
  if (!codeChanged && orig) {
    out.bytes(m.input.subarray(orig.hstart, orig.end));
    return;
  }
  if (m.funcs.length === 0 && !orig) return;
  const body = new Writer(Math.max(256, orig ? orig.end - orig.start + 64 : 256));
  body.u32(m.funcs.length);
  const fw = new Writer();
  const cw = new CodeWriter(fw, (p, r) => internType(m, p, r));
  for (const f of m.funcs) {
    if (!f.dirty && (f.code !== null || f.start >= 0)) {
      const src = m.source(f);
      body.u32(src.end - src.start);
      body.bytes(src.bytes.subarray(src.start, src.end));
      continue;
    }
    fw.len = 0;
    cw.writeFunction(f.locals, bodyOf(f));
    body.u32(fw.len);
    body.bytes(fw.finish());
  }
  out.u8(10);
  out.u32(body.len);
  out.bytes(body.finish());
}

function bodyOf(f: Func): Expr {
  if (!f.tree) throw new Error('function has neither a tree nor original bytes');
  return f.tree;
}

/** Writes one function entry (locals + body + end) from its tree. */
export function encodeFunctionEntry(m: Module, f: Func): Uint8Array {
  const w = new Writer();
  new CodeWriter(w, (p, r) => internType(m, p, r)).writeFunction(f.locals, bodyOf(f));
  return w.finish().slice();
}
