// The `name` custom section (function names, local names): read for display, and kept true
// by passes that renumber functions or locals (the writing half is below the reader).
//
// Names never affect what weft does, so a malformed name section is not an error: a
// subsection that does not parse is ignored as a whole (the others are still used), and a
// subsection header running past the end ends the reading. Unknown subsections are skipped.

import type { Custom, Func, Module } from '../ir/module.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

export interface NameInfo {
  /** Module name (subsection 0), or null. */
  module: string | null;
  /** Function index (imports first) -> name (subsection 1). */
  functions: Map<number, string>;
  /** Function index -> local index (params first) -> name (subsection 2). */
  locals: Map<number, Map<number, string>>;
}

export function emptyNames(): NameInfo {
  return { module: null, functions: new Map(), locals: new Map() };
}

/** The names of the module's first `name` custom section (empty maps when absent or unreadable). */
export function readNames(m: Module): NameInfo {
  const c = m.customs.find((s) => s.name === 'name');
  return c ? parseNameSection(c.payload) : emptyNames();
}

/** Parses a `name` section payload (as stored in Custom.payload: the section name included). */
export function parseNameSection(payload: Uint8Array): NameInfo {
  const out = emptyNames();
  const r = new Reader(payload);
  try {
    if (r.name() !== 'name') return out;
  } catch {
    return out;
  }
  while (!r.eof) {
    let id: number;
    let size: number;
    try {
      id = r.u8();
      size = r.u32();
    } catch {
      break;
    }
    if (size > r.end - r.pos) break;
    const start = r.pos;
    const end = start + size;
    r.pos = end;
    const sr = new Reader(payload, start, end);
    try {
      if (id === 0) {
        const name = sr.name();
        if (sr.pos === end) out.module = name;
      } else if (id === 1) {
        const map = readNameMap(sr);
        if (sr.pos === end) out.functions = map;
      } else if (id === 2) {
        const all = new Map<number, Map<number, string>>();
        const n = sr.u32();
        for (let i = 0; i < n; i++) {
          const f = sr.u32();
          all.set(f, readNameMap(sr));
        }
        if (sr.pos === end) out.locals = all;
      }
    } catch {
      // malformed subsection: ignored
    }
  }
  return out;
}

function readNameMap(r: Reader): Map<number, string> {
  const map = new Map<number, string>();
  const n = r.u32();
  if (n > r.end - r.pos) r.fail('name map longer than its subsection');
  for (let i = 0; i < n; i++) {
    const idx = r.u32();
    map.set(idx, r.name());
  }
  return map;
}

/**
 * Global index (imports first) -> name, from subsection 7 (global names) of the module's first
 * `name` section; an empty map when absent or malformed.
 */
export function readGlobalNames(m: Module): Map<number, string> {
  const c = m.customs.find((s) => s.name === 'name');
  const none = new Map<number, string>();
  if (!c) return none;
  const payload = c.payload;
  const r = new Reader(payload);
  try {
    if (r.name() !== 'name') return none;
    while (!r.eof) {
      const id = r.u8();
      const size = r.u32();
      if (size > r.end - r.pos) return none;
      const start = r.pos;
      r.pos = start + size;
      if (id !== 7) continue;
      const sr = new Reader(payload, start, start + size);
      const map = readNameMap(sr);
      return sr.pos === start + size ? map : none;
    }
  } catch {
    // malformed: no names
  }
  return none;
}

// ---- writing and remapping ------------------------------------------------------------------
//
// Passes that renumber functions or locals keep the name section true with the helpers below.
// They work on the raw bytes of names (never decoded to strings and back), so a name the reader
// would reject as malformed UTF-8 is still carried over unchanged, and the section is only
// rewritten where indices actually change:
//
//   subsection 0 (module name), 4..11 (types, tables, memories, globals, elem and data segments,
//   fields, tags): no function or local index in them, kept byte for byte;
//   subsection 1 (function names): remapped by `remapFunctionNames`;
//   subsection 2 (local names): outer function key remapped by `remapFunctionNames`, one
//   function's local indices by `remapLocalNames`;
//   subsection 3 (label names): outer function key remapped by `remapFunctionNames`; the label
//   indices inside are kept (renumbering functions or locals does not renumber labels);
//   unknown subsections (id > 11): kept by `remapLocalNames` (they cannot name locals of the
//   extended-name proposal), dropped by `remapFunctionNames` (they might be keyed by function
//   index, and a wrong name is worse than none).
//
// A subsection that must be remapped but does not parse is dropped (the reader ignores it
// anyway); bytes after a subsection header that runs past the end are dropped. Name maps are
// re-emitted sorted by index, as the format requires.
//
// Edits made one function at a time (`remapLocalNames`, from function passes) are cheap: the
// parsed section is kept beside the Custom and the payload is re-assembled only when someone
// reads `payload` (the encoder, `readNames`), so a pass over 10,000 functions does not copy
// the section 10,000 times.

const utf8enc = new TextEncoder();

/** A name map with raw name bytes: [index, name] sorted by index. */
type RawNameMap = [number, Uint8Array][];

interface RawSub {
  id: number;
  /** The subsection's content (without id and size). */
  bytes: Uint8Array;
}

/** The parsed form of one `name` custom section, kept while it is being edited. */
interface NameState {
  /** The payload's leading section name (`\x04name`). */
  prefix: Uint8Array;
  subs: RawSub[];
  /**
   * Subsection 2 split per function (function index -> encoded name map of its locals), parsed
   * on the first local edit; while non-null it replaces the bytes of the id-2 entry of `subs`.
   */
  locals: Map<number, Uint8Array> | null;
  /** The assembled payload, or null when edits are pending. */
  payload: Uint8Array | null;
}

const states = new WeakMap<Custom, NameState>();

/** Splits a payload into its subsections (null when it does not start with the name `name`). */
function splitSubsections(payload: Uint8Array): { prefix: Uint8Array; subs: RawSub[] } | null {
  const r = new Reader(payload);
  try {
    if (r.name() !== 'name') return null;
  } catch {
    return null;
  }
  const prefix = payload.subarray(0, r.pos);
  const subs: RawSub[] = [];
  while (!r.eof) {
    let id: number;
    let size: number;
    try {
      id = r.u8();
      size = r.u32();
    } catch {
      break;
    }
    if (size > r.end - r.pos) break;
    subs.push({ id, bytes: payload.subarray(r.pos, r.pos + size) });
    r.pos += size;
  }
  return { prefix, subs };
}

function readRawNameMap(r: Reader): RawNameMap {
  const n = r.u32();
  if (n > r.end - r.pos) r.fail('name map longer than its subsection');
  const out: RawNameMap = [];
  for (let i = 0; i < n; i++) {
    const idx = r.u32();
    const len = r.u32();
    out.push([idx, r.bytesN(len)]);
  }
  return out;
}

function writeRawNameMap(w: Writer, map: RawNameMap): void {
  map.sort((a, b) => a[0] - b[0]);
  w.u32(map.length);
  for (const [idx, name] of map) {
    w.u32(idx);
    w.u32(name.length);
    w.bytes(name);
  }
}

/** An indirect name map (subsections 2 and 3) as function index -> raw encoded inner map. */
function readIndirect(bytes: Uint8Array): [number, Uint8Array][] {
  const r = new Reader(bytes);
  const n = r.u32();
  if (n > r.end - r.pos) r.fail('indirect name map longer than its subsection');
  const out: [number, Uint8Array][] = [];
  for (let i = 0; i < n; i++) {
    const f = r.u32();
    const start = r.pos;
    readRawNameMap(r);
    out.push([f, bytes.subarray(start, r.pos)]);
  }
  if (r.pos !== r.end) r.fail('bytes after the indirect name map');
  return out;
}

function writeIndirect(entries: [number, Uint8Array][]): Uint8Array {
  entries.sort((a, b) => a[0] - b[0]);
  const w = new Writer();
  w.u32(entries.length);
  for (const [f, inner] of entries) {
    w.u32(f);
    w.bytes(inner);
  }
  return w.finish();
}

function assemble(prefix: Uint8Array, subs: readonly RawSub[]): Uint8Array {
  const w = new Writer(prefix.length + 16 + subs.reduce((n, s) => n + s.bytes.length + 6, 0));
  w.bytes(prefix);
  for (const s of subs) {
    w.u8(s.id);
    w.u32(s.bytes.length);
    w.bytes(s.bytes);
  }
  return w.finish();
}

function materialize(s: NameState): Uint8Array {
  if (s.payload) return s.payload;
  let subs = s.subs;
  if (s.locals) {
    const entries = [...s.locals.entries()];
    const bytes = writeIndirect(entries);
    subs = subs.map((x) => (x.id === 2 ? { id: 2, bytes } : x));
    s.subs = subs;
  }
  s.payload = assemble(s.prefix, subs);
  return s.payload;
}

/**
 * The editable state of a `name` custom section. The first time, the Custom's `payload` becomes
 * an accessor that assembles pending edits when read; assigning `payload` (anyone else
 * rewriting the section) drops the state and makes it a plain property again.
 */
function stateOf(c: Custom): NameState | null {
  const known = states.get(c);
  if (known) return known;
  const split = splitSubsections(c.payload);
  if (!split) return null;
  // `payload` stays the input's bytes until an edit clears it
  const s: NameState = { prefix: split.prefix, subs: split.subs, locals: null, payload: c.payload };
  states.set(c, s);
  Object.defineProperty(c, 'payload', {
    configurable: true,
    enumerable: true,
    get: () => materialize(s),
    set: (v: Uint8Array) => {
      states.delete(c);
      Object.defineProperty(c, 'payload', { value: v, writable: true, configurable: true, enumerable: true });
    },
  });
  return s;
}

/** Records an edit: the payload is re-assembled on the next read, and re-emitted from it. */
function edited(c: Custom, s: NameState): void {
  s.payload = null;
  c.origin = null;
}

function nameSections(m: Module): Custom[] {
  return m.customs.filter((c) => c.name === 'name');
}

/**
 * Renumbers functions in every `name` section: `map(old)` is the new function index (imports
 * first), or -1 when the function is gone. See the header for what happens to each subsection.
 */
export function remapFunctionNames(m: Module, map: (oldIndex: number) => number): void {
  for (const c of nameSections(m)) {
    const s = stateOf(c);
    if (!s) {
      // not even the section name parses: nothing in it can be trusted to stay right
      m.customs.splice(m.customs.indexOf(c), 1);
      continue;
    }
    materialize(s); // fold pending local edits into `subs`
    s.locals = null;
    const out: RawSub[] = [];
    for (const sub of s.subs) {
      try {
        if (sub.id === 1) {
          const r = new Reader(sub.bytes);
          const names = readRawNameMap(r);
          if (r.pos !== r.end) r.fail('bytes after the function name map');
          const kept: RawNameMap = [];
          for (const [i, n] of names) {
            const j = map(i);
            if (j >= 0) kept.push([j, n]);
          }
          const w = new Writer();
          writeRawNameMap(w, kept);
          out.push({ id: 1, bytes: w.finish() });
        } else if (sub.id === 2 || sub.id === 3) {
          const kept: [number, Uint8Array][] = [];
          for (const [f, inner] of readIndirect(sub.bytes)) {
            const j = map(f);
            if (j >= 0) kept.push([j, inner]);
          }
          out.push({ id: sub.id, bytes: writeIndirect(kept) });
        } else if (sub.id <= 11) out.push(sub);
        // unknown subsections are dropped
      } catch {
        // a malformed subsection that needed remapping is dropped
      }
    }
    s.subs = out;
    edited(c, s);
  }
}

/**
 * Renumbers one plain name map subsection of the extended-name proposal in every `name`
 * section (5 tables, 6 memories, 7 globals, 8 elem segments, 9 data segments): `map(old)` is the
 * new index, or -1 when the entity is gone. A subsection that does not parse is dropped.
 */
export function remapIndexNames(m: Module, subId: number, map: (oldIndex: number) => number): void {
  for (const c of nameSections(m)) {
    const s = stateOf(c);
    if (!s) continue;
    const k = s.subs.findIndex((x) => x.id === subId);
    if (k < 0) continue;
    materialize(s);
    try {
      const r = new Reader(s.subs[k].bytes);
      const names = readRawNameMap(r);
      if (r.pos !== r.end) r.fail('bytes after the name map');
      const kept: RawNameMap = [];
      for (const [i, n] of names) {
        const j = map(i);
        if (j >= 0) kept.push([j, n]);
      }
      const w = new Writer();
      writeRawNameMap(w, kept);
      s.subs[k] = { id: subId, bytes: w.finish() };
    } catch {
      s.subs.splice(k, 1);
    }
    edited(c, s);
  }
}

/**
 * Renumbers the locals of function `funcIndex` (imports first) in every `name` section:
 * `map(old)` is the new local index (params first), or -1 when the local is gone.
 */
export function remapLocalNames(m: Module, funcIndex: number, map: (oldLocal: number) => number): void {
  for (const c of nameSections(m)) {
    // cheap test first: most name sections have no local names at all
    const s = states.get(c) ?? (hasLocalNames(c.payload) ? stateOf(c) : null);
    if (!s) continue;
    if (!s.locals) {
      const idx = s.subs.findIndex((x) => x.id === 2);
      if (idx < 0) continue;
      try {
        s.locals = new Map(readIndirect(s.subs[idx].bytes));
      } catch {
        // malformed: cannot be remapped, drop it
        s.subs.splice(idx, 1);
        edited(c, s);
        continue;
      }
    }
    const inner = s.locals.get(funcIndex);
    if (!inner) continue;
    const names = readRawNameMap(new Reader(inner));
    const kept: RawNameMap = [];
    let same = true;
    for (const [i, n] of names) {
      const j = map(i);
      if (j !== i) same = false;
      if (j >= 0) kept.push([j, n]);
    }
    if (same) continue; // no named local moved (or none named): leave the bytes alone
    if (kept.length === 0) s.locals.delete(funcIndex);
    else {
      const w = new Writer();
      writeRawNameMap(w, kept);
      s.locals.set(funcIndex, w.finish());
    }
    edited(c, s);
  }
}

/** Whether the payload has a local-names subsection (without parsing it). */
function hasLocalNames(payload: Uint8Array): boolean {
  const split = splitSubsections(payload);
  return split !== null && split.subs.some((x) => x.id === 2);
}

const funcIndexCache = new WeakMap<Module, Map<Func, number>>();

/** The index of a defined function in the function index space (imports first). */
export function funcIndexOf(m: Module, f: Func): number {
  let cache = funcIndexCache.get(m);
  let i = cache?.get(f);
  if (i === undefined || m.funcs[i] !== f) {
    cache = new Map(m.funcs.map((g, k) => [g, k]));
    funcIndexCache.set(m, cache);
    i = cache.get(f);
    if (i === undefined) throw new Error('funcIndexOf: the function is not in the module');
  }
  return m.numImportedFuncs + i;
}

/** Renumbers the local names of the defined function `f` (see remapLocalNames). */
export function remapFuncLocalNames(m: Module, f: Func, map: (oldLocal: number) => number): void {
  if (!m.customs.some((c) => c.name === 'name')) return;
  remapLocalNames(m, funcIndexOf(m, f), map);
}

/**
 * Encodes a `name` section payload (section name included, as in Custom.payload) from names:
 * subsection 0 when there is a module name, 1 when there are function names, 2 when there are
 * local names; maps sorted by index.
 */
export function encodeNameSection(names: NameInfo): Uint8Array {
  const subs: RawSub[] = [];
  if (names.module !== null) {
    const w = new Writer();
    w.name(names.module);
    subs.push({ id: 0, bytes: w.finish() });
  }
  const raw = (map: Map<number, string>): RawNameMap => [...map].map(([i, n]) => [i, utf8enc.encode(n)]);
  if (names.functions.size > 0) {
    const w = new Writer();
    writeRawNameMap(w, raw(names.functions));
    subs.push({ id: 1, bytes: w.finish() });
  }
  if (names.locals.size > 0) {
    const entries: [number, Uint8Array][] = [...names.locals].map(([f, map]) => {
      const w = new Writer();
      writeRawNameMap(w, raw(map));
      return [f, w.finish()];
    });
    subs.push({ id: 2, bytes: writeIndirect(entries) });
  }
  const p = new Writer();
  p.name('name');
  return assemble(p.finish(), subs);
}

/** Replaces (or adds, at the end of the module) the `name` section with one encoding `names`. */
export function writeNames(m: Module, names: NameInfo): void {
  const payload = encodeNameSection(names);
  const c = m.customs.find((x) => x.name === 'name');
  if (c) {
    c.payload = payload;
    c.origin = null;
  } else m.customs.push({ name: 'name', payload, after: 11, origin: null });
}
