// Binary module decoder: sections into the Module tables. Function bodies are not decoded
// here: each Func records its byte range and is read on demand by binary/code-reader.ts.
// The decoder checks everything the binary format (not validation) requires: magic and
// version, LEB128 forms, section order and sizes, counts, UTF-8 names, known opcodes in
// constant expressions.

import { FuncType, FUNCREF, typeOf, type ValType } from '../ir/types.js';
import {
  DEFAULT_FEATURES, Func, Module, type ConstExpr, type Elem, type Features, type GlobalType, type Limits,
  type TableType, type ExternKind,
} from '../ir/module.js';
import { Reader, WasmError } from './reader.js';
import { readValType, readRefType } from './instr.js';
import { readConstExpr } from './code-reader.js';

export const MAGIC = 0x6d736100;

/** Section ids in the order the binary format requires (data count sits before code). */
const SECTION_ORDER = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11];
export const SECTION_RANK: Record<number, number> = {};
SECTION_ORDER.forEach((id, i) => (SECTION_RANK[id] = i + 1));

export interface DecodeOptions {
  features?: Features;
}

export function decodeModule(bytes: Uint8Array, options: DecodeOptions = {}): Module {
  const m = new Module();
  m.input = bytes;
  m.features = options.features ?? DEFAULT_FEATURES;
  const r = new Reader(bytes);
  if (bytes.length < 4 || r.u32le() !== MAGIC) r.fail('magic header not detected', 0);
  if (bytes.length < 8) r.fail('unexpected end', 4);
  const version = r.u32le();
  if (version === 0x0001000d || (version & 0xffff) === 0x000d) {
    r.fail('component-model binaries are not supported yet', 4);
  }
  if (version !== 1) r.fail('unknown binary version', 4);

  let lastRank = 0;
  let lastId = 0;
  let funcCount = -1;
  let dataCount = -1;
  while (!r.eof) {
    const idAt = r.pos;
    const id = r.u8();
    const size = r.u32();
    const start = r.pos;
    if (size > r.end - start) r.fail('section size out of bounds (unexpected end)', idAt);
    const end = start + size;
    const sr = new Reader(bytes, start, end);
    if (id === 0) {
      const name = sr.name();
      m.customs.push({ name, payload: bytes.subarray(start, end), after: lastId, origin: bytes.subarray(idAt, end) });
      r.pos = end;
      continue;
    }
    const rank = SECTION_RANK[id];
    if (rank === undefined) r.fail(`malformed section id ${id}`, idAt);
    if (rank <= lastRank) r.fail(`unexpected section ${id} (out of order or duplicate)`, idAt);
    lastRank = rank;
    lastId = id;
    m.original.set(id, { hstart: idAt, start, end });
    switch (id) {
      case 1: readTypes(sr, m); break;
      case 2: readImports(sr, m); break;
      case 3: funcCount = readFunctions(sr, m); break;
      case 4: readTables(sr, m); break;
      case 5: readMemories(sr, m); break;
      case 6: readGlobals(sr, m); break;
      case 7: readExports(sr, m); break;
      case 8: m.start = sr.u32(); break;
      case 9: readElems(sr, m); break;
      case 12: dataCount = sr.u32(); m.hasDataCount = true; break;
      case 10: readCode(sr, m, funcCount); funcCount = -2; break;
      case 11: readDatas(sr, m, dataCount); break;
    }
    if (sr.pos !== end) sr.fail('section size mismatch');
    r.pos = end;
  }
  if (funcCount > 0) r.fail('function and code section have inconsistent lengths');
  if (m.hasDataCount && !m.original.has(11) && dataCount !== 0) {
    r.fail('data count and data section have inconsistent lengths');
  }
  return m;
}

/** Decodes only section `id` from its payload into a fresh module (used to compare re-encodings). */
export function decodeSectionInto(m: Module, id: number, bytes: Uint8Array, start: number, end: number): void {
  const sr = new Reader(bytes, start, end);
  switch (id) {
    case 1: readTypes(sr, m); break;
    case 2: readImports(sr, m); break;
    case 3: readFunctions(sr, m); break;
    case 4: readTables(sr, m); break;
    case 5: readMemories(sr, m); break;
    case 6: readGlobals(sr, m); break;
    case 7: readExports(sr, m); break;
    case 8: m.start = sr.u32(); break;
    case 9: readElems(sr, m); break;
    case 12: sr.u32(); m.hasDataCount = true; break;
    case 11: readDatas(sr, m, -1); break;
  }
}

function vecLen(r: Reader, minItemBytes = 1): number {
  const at = r.pos;
  const n = r.u32();
  if (n * minItemBytes > r.end - r.pos) r.fail('unexpected end (vector length larger than section)', at);
  return n;
}

function readTypes(r: Reader, m: Module): void {
  const n = vecLen(r, 3);
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    if (r.u8() !== 0x60) r.fail('malformed function type (expected 0x60)', at);
    const params: ValType[] = [];
    const np = vecLen(r);
    for (let j = 0; j < np; j++) params.push(readValType(r));
    const results: ValType[] = [];
    const nr = vecLen(r);
    for (let j = 0; j < nr; j++) results.push(readValType(r));
    m.types.push({ params: typeOf(params), results: typeOf(results) } satisfies FuncType);
  }
}

function readLimits(r: Reader, allowShared: boolean): Limits {
  const at = r.pos;
  const flags = r.u8();
  if (flags > 3 || (!allowShared && flags > 1)) r.fail('integer too large (malformed limits flags)', at);
  const min = r.u32();
  const max = flags & 1 ? r.u32() : null;
  return { min, max, shared: (flags & 2) !== 0 };
}

function readTableType(r: Reader): TableType {
  const elem = readRefType(r);
  return { elem, limits: readLimits(r, false) };
}

function readGlobalType(r: Reader): GlobalType {
  const type = readValType(r);
  const at = r.pos;
  const mut = r.u8();
  if (mut > 1) r.fail('malformed mutability', at);
  return { type, mutable: mut === 1 };
}

function readImports(r: Reader, m: Module): void {
  const n = vecLen(r, 4);
  for (let i = 0; i < n; i++) {
    const module = r.name();
    const name = r.name();
    const at = r.pos;
    const kind = r.u8();
    switch (kind) {
      case 0: m.imports.push({ module, name, desc: { kind: 'func', type: r.u32() } }); break;
      case 1: m.imports.push({ module, name, desc: { kind: 'table', table: readTableType(r) } }); break;
      case 2: m.imports.push({ module, name, desc: { kind: 'memory', memory: readLimits(r, m.features.threads) } }); break;
      case 3: m.imports.push({ module, name, desc: { kind: 'global', global: readGlobalType(r) } }); break;
      default: r.fail('malformed import kind', at);
    }
  }
}

function readFunctions(r: Reader, m: Module): number {
  const n = vecLen(r);
  for (let i = 0; i < n; i++) m.funcs.push(new Func(r.u32()));
  return n;
}

function readTables(r: Reader, m: Module): void {
  const n = vecLen(r, 3);
  for (let i = 0; i < n; i++) m.tables.push(readTableType(r));
}

function readMemories(r: Reader, m: Module): void {
  const n = vecLen(r, 2);
  for (let i = 0; i < n; i++) m.memories.push(readLimits(r, m.features.threads));
}

function readGlobals(r: Reader, m: Module): void {
  const n = vecLen(r, 3);
  const types = m.globalTypes(); // grows with each global read (a global may name earlier ones)
  for (let i = 0; i < n; i++) {
    const type = readGlobalType(r);
    m.globals.push({ type, init: readConstExpr(r, m.features, types) });
    types.push(type);
  }
}

const EXPORT_KINDS: ExternKind[] = ['func', 'table', 'memory', 'global'];

function readExports(r: Reader, m: Module): void {
  const n = vecLen(r, 3);
  for (let i = 0; i < n; i++) {
    const name = r.name();
    const at = r.pos;
    const k = r.u8();
    if (k > 3) r.fail('malformed export kind', at);
    m.exports.push({ name, kind: EXPORT_KINDS[k], index: r.u32() });
  }
}

function readElems(r: Reader, m: Module): void {
  const n = vecLen(r);
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const flags = r.u32();
    if (flags > 7) r.fail('malformed elements segment kind', at);
    const passiveOrDecl = (flags & 1) !== 0;
    const explicitTable = (flags & 2) !== 0;
    const usesExprs = (flags & 4) !== 0;
    const e: Elem = {
      flags, mode: passiveOrDecl ? (explicitTable ? 'declarative' : 'passive') : 'active',
      table: 0, offset: null, type: FUNCREF, funcs: null, exprs: null,
    };
    if (!passiveOrDecl) {
      if (explicitTable) e.table = r.u32();
      e.offset = readConstExpr(r, m.features, m.globalTypes());
    }
    if (passiveOrDecl || explicitTable) {
      if (usesExprs) e.type = readRefType(r);
      else {
        const kat = r.u8();
        if (kat !== 0) r.fail('malformed element kind', r.pos - 1);
      }
    }
    const count = vecLen(r);
    if (usesExprs) {
      const exprs: ConstExpr[] = [];
      const globals = m.globalTypes();
      for (let j = 0; j < count; j++) exprs.push(readConstExpr(r, m.features, globals));
      e.exprs = exprs;
    } else {
      const funcs: number[] = [];
      for (let j = 0; j < count; j++) funcs.push(r.u32());
      e.funcs = funcs;
    }
    m.elems.push(e);
  }
}

function readCode(r: Reader, m: Module, funcCount: number): void {
  const n = vecLen(r);
  if (n !== (funcCount < 0 ? 0 : funcCount)) r.fail('function and code section have inconsistent lengths');
  m.originalFuncCount = n;
  for (let i = 0; i < n; i++) {
    const size = r.u32();
    const start = r.pos;
    if (size > r.end - start) r.fail('unexpected end (function body size)');
    const f = m.funcs[i];
    f.start = start;
    f.end = start + size;
    r.pos = f.end;
  }
}

function readDatas(r: Reader, m: Module, dataCount: number): void {
  const at = r.pos;
  const n = vecLen(r);
  if (m.hasDataCount && dataCount >= 0 && n !== dataCount) {
    r.fail('data count and data section have inconsistent lengths', at);
  }
  for (let i = 0; i < n; i++) {
    const fat = r.pos;
    const flags = r.u32();
    if (flags > 2) r.fail('malformed data segment kind', fat);
    let memory = 0;
    let offset: ConstExpr | null = null;
    if (flags === 2) memory = r.u32();
    if (flags !== 1) offset = readConstExpr(r, m.features, m.globalTypes());
    const len = r.u32();
    const bytes = r.bytesN(len);
    m.datas.push({ mode: flags === 1 ? 'passive' : 'active', memory, offset, bytes, explicitMemory: flags === 2 });
  }
}

export { WasmError };
