// The execution side of the differential runner (see verify/differential.ts): one worker
// thread runs one module's calls, so that the main thread can cut off a call that never ends
// by terminating the worker.
//
// Protocol (all messages are structured clones):
//   main -> worker  { t: 'load', module, imports, seed }   a compiled module and its import plan
//   worker -> main  { t: 'loaded' }
//   main -> worker  { t: 'run', steps, from }               execute steps[from..]
//   worker -> main  { t: 'obs', i, obs }                    one observation per step, as it ends
//   worker -> main  { t: 'done' }
// A step is either `inst` (drop the current instance and instantiate afresh, with fresh import
// objects) or `call` (call an export of the current instance with the given arguments).
//
// What a step observes, as canonical strings so the main thread compares with `===`:
//   o   the outcome: 'ok', 'trap:<V8 RuntimeError message>', 'exhaustion' (stack overflow),
//       'error:<name>: <message>' (any other exception), 'noinstance' (instantiation failed);
//   v   the returned value(s);
//   tn/th/tr  the import-call trace of the step: its length, a 64-bit hash of every entry, and
//       the first entries verbatim (for the report);
//   g   the exported globals' values after the step;
//   m   a hash of every exported and imported memory (and the exported tables' shapes) after it;
//   ms  the time the step took (not compared).
//
// Value notation: i32 and f32/f64 values arrive in JS as numbers, printed by `String` (exact
// and bijective for doubles, so it is the bit pattern up to NaN payloads); -0 is '-0'; every NaN
// is 'nan' because the JS API does not preserve NaN payload bits (a float crossing into JS is a
// JS number, and V8 may canonicalize its NaN), so the oracle cannot tell NaNs apart and treats
// them all as equal. i64 values are BigInts printed with a trailing 'n'.

import { parentPort, workerData } from 'node:worker_threads';
import {
  WA, type WasmExportDescriptor, type WasmGlobalObject, type WasmInstanceObject, type WasmMemoryObject,
  type WasmModuleObject, type WasmTableObject,
} from './wasm-js.js';

/** An import of the module under test, with the types the JS API does not reveal. */
export type ImportSpec =
  | { module: string; name: string; kind: 'func'; params: string[]; results: string[] }
  | { module: string; name: string; kind: 'memory'; initial: number; maximum: number | null; shared: boolean }
  | { module: string; name: string; kind: 'table'; element: string; initial: number; maximum: number | null }
  | { module: string; name: string; kind: 'global'; type: string; mutable: boolean };

export type Step = { k: 'inst' } | { k: 'call'; name: string; args: unknown[] };

export interface Obs {
  o: string;
  v: string;
  tn: number;
  th: string;
  tr: string[];
  g: string;
  m: string;
  /** Time the step took, in ms (not compared; used to judge one-sided timeouts). */
  ms: number;
}

export type ToWorker =
  | { t: 'load'; module: WasmModuleObject; imports: ImportSpec[]; seed: number; ignore?: { start: number; end: number }[] }
  | { t: 'run'; steps: Step[]; from: number };

export type FromWorker = { t: 'loaded' } | { t: 'obs'; i: number; obs: Obs } | { t: 'done' };

/** How many trace entries an observation carries verbatim (the hash covers all of them). */
const TRACE_KEEP = 16;

// ---- value notation and hashing ------------------------------------------------------------

export function repr(v: unknown): string {
  switch (typeof v) {
    case 'number':
      return Number.isNaN(v) ? 'nan' : Object.is(v, -0) ? '-0' : String(v);
    case 'bigint':
      return `${v}n`;
    case 'undefined':
      return '';
    case 'string':
      return JSON.stringify(v);
    case 'function':
      return 'funcref';
    case 'object':
      if (v === null) return 'null';
      if (Array.isArray(v)) return `[${v.map(repr).join(' ')}]`;
      return 'object';
    default:
      return typeof v;
  }
}

/** Mixes two 32-bit values (a murmur3-style finalizer of their combination). */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

class StrHash {
  a = 0x811c9dc5;
  b = 0x01000193;
  add(s: string): void {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) + 0x27d4eb2d;
    }
    this.a = Math.imul(a ^ 0xff, 0x01000193);
    this.b = b;
  }
  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}

function hashBuffer(buf: ArrayBuffer): string {
  // Four independent FNV-style lanes (word i goes to lane i % 4): 3-5x faster than one chain,
  // and still sensitive to the order of words. About 0.2 ms per MB.
  const w = new Int32Array(buf, 0, buf.byteLength >>> 2);
  let a = 0x12345678;
  let b = 0x9abcdef0;
  let c = 0x0f1e2d3c;
  let d = 0x4b5a6978;
  const n = w.length & ~3;
  for (let i = 0; i < n; i += 4) {
    a = Math.imul(a ^ w[i], 0x01000193);
    b = Math.imul(b ^ w[i + 1], 0x01000193);
    c = Math.imul(c ^ w[i + 2], 0x01000193);
    d = Math.imul(d ^ w[i + 3], 0x01000193);
  }
  for (let i = n; i < w.length; i++) a = Math.imul(a ^ w[i], 0x01000193);
  const h1 = (a ^ Math.imul(c, 0x85ebca6b)) >>> 0;
  const h2 = (b ^ Math.imul(d, 0xc2b2ae35)) >>> 0;
  return `${buf.byteLength >>> 16}p:${h1.toString(16)}${h2.toString(16)}`;
}

/** Fills a memory with a pattern derived from `seed` (identical for both modules). */
export function fillPattern(buf: ArrayBuffer, seed: number): void {
  const w = new Uint32Array(buf, 0, buf.byteLength >>> 2);
  let x = seed | 1;
  for (let i = 0; i < w.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    // Mostly small bytes and zeros, like real data, with some full words.
    w[i] = (i & 3) === 0 ? x >>> 0 : (x & 0x0f0f0003) >>> 0;
  }
}

/** A deterministic value of wasm type `t` for the `n`-th value requested (import results, globals). */
export function valueOf(t: string, seed: number, n: number): unknown {
  const h = mix(seed, n);
  const h2 = mix(h, n + 1);
  switch (t) {
    case 'i32':
      return (h & 3) === 0 ? h | 0 : (h >>> 2) % 33 - 8;
    case 'i64':
      return (h & 3) === 0 ? BigInt.asIntN(64, (BigInt(h) << 32n) | BigInt(h2)) : BigInt((h >>> 2) % 33 - 8);
    case 'f32':
      return Math.fround(((h2 | 0) / 65536) * ((h & 1) ? 1 : 1e-3));
    case 'f64':
      return ((h2 | 0) / 256) * ((h & 1) ? 1 : 1e-6);
    case 'externref':
      return (h & 1) ? null : `ext${n}`;
    default:
      return null; // funcref (no function of ours to give), v128 (not expressible)
  }
}

// ---- the worker --------------------------------------------------------------------------

interface State {
  module: WasmModuleObject;
  imports: ImportSpec[];
  seed: number;
  exports: WasmExportDescriptor[];
  instance: WasmInstanceObject | null;
  importedMemories: [string, WasmMemoryObject][];
  /** Import calls made by the current instance (the index for return values). */
  calls: number;
  tn: number;
  th: StrHash;
  tr: string[];
  /** Memory byte ranges left out of the hash (DiffOptions.ignoreMemory). */
  ignore: { start: number; end: number }[];
}

/** The buffer to hash: `buf` itself, or a copy with the ignored ranges zeroed. */
function masked(buf: ArrayBuffer, ignore: { start: number; end: number }[]): ArrayBuffer {
  if (ignore.length === 0) return buf;
  const copy = buf.slice(0);
  const bytes = new Uint8Array(copy);
  for (const r of ignore) bytes.fill(0, Math.max(0, r.start), Math.min(bytes.length, r.end));
  return copy;
}

function classify(e: unknown): string {
  if (e instanceof WA.RuntimeError) return `trap:${(e as Error).message}`;
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'exhaustion';
  if (e instanceof Error) return `error:${e.name}: ${e.message}`;
  return `error:${String(e)}`;
}

function resetTrace(s: State): void {
  s.tn = 0;
  s.th = new StrHash();
  s.tr = [];
}

function makeImports(s: State): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  s.importedMemories = [];
  for (const spec of s.imports) {
    const ns = (out[spec.module] ??= {});
    const key = `${spec.module}.${spec.name}`;
    // Contents derive from the import's name, not its position: a transformation may remove
    // or reorder imports.
    const kh = new StrHash();
    kh.add(key);
    const k = kh.a >>> 0;
    switch (spec.kind) {
      case 'func': {
        const results = spec.results;
        ns[spec.name] = (...args: unknown[]) => {
          const entry = `${key}(${args.map(repr).join(', ')})`;
          s.tn++;
          s.th.add(entry);
          if (s.tr.length < TRACE_KEEP) s.tr.push(entry);
          const n = s.calls++;
          if (results.length === 0) return undefined;
          if (results.length === 1) return valueOf(results[0], s.seed, n);
          return results.map((t, j) => valueOf(t, s.seed, n * 8 + j));
        };
        break;
      }
      case 'memory': {
        const d: { initial: number; maximum?: number; shared?: boolean } = { initial: spec.initial };
        if (spec.maximum !== null) d.maximum = spec.maximum;
        if (spec.shared) d.shared = true;
        const mem = new WA.Memory(d);
        fillPattern(mem.buffer, mix(s.seed, k));
        s.importedMemories.push([key, mem]);
        ns[spec.name] = mem;
        break;
      }
      case 'table': {
        const d: { element: string; initial: number; maximum?: number } = {
          element: spec.element === 'funcref' ? 'anyfunc' : spec.element,
          initial: spec.initial,
        };
        if (spec.maximum !== null) d.maximum = spec.maximum;
        ns[spec.name] = new WA.Table(d);
        break;
      }
      case 'global': {
        const v = valueOf(spec.type, s.seed, k);
        try {
          ns[spec.name] = new WA.Global({ value: spec.type === 'funcref' ? 'anyfunc' : spec.type, mutable: spec.mutable }, v);
        } catch {
          // A v128 global cannot be made from JS: leave the import missing; instantiation then
          // fails the same way for both modules.
        }
        break;
      }
    }
  }
  return out;
}

function observe(s: State, o: string, v: string): Obs {
  let g = '';
  let m = '';
  const inst = s.instance;
  if (inst) {
    for (const e of s.exports) {
      const x = inst.exports[e.name];
      if (e.kind === 'global') {
        let val: string;
        try {
          val = repr((x as WasmGlobalObject).value);
        } catch {
          val = '?'; // v128
        }
        g += `${e.name}=${val};`;
      } else if (e.kind === 'memory') {
        m += `${e.name}:${hashBuffer(masked((x as WasmMemoryObject).buffer, s.ignore))};`;
      } else if (e.kind === 'table') {
        const t = x as WasmTableObject;
        const n = Math.min(t.length, 4096);
        let bits = '';
        for (let i = 0; i < n; i++) bits += t.get(i) === null ? '0' : '1';
        const h = new StrHash();
        h.add(bits);
        m += `${e.name}:table${t.length}:${h.hex()};`;
      }
    }
  }
  for (const [name, mem] of s.importedMemories) m += `${name}:${hashBuffer(masked(mem.buffer, s.ignore))};`;
  return { o, v, tn: s.tn, th: s.th.hex(), tr: s.tr, g, m, ms: 0 };
}

function step(s: State, st: Step): Obs {
  resetTrace(s);
  if (st.k === 'inst') {
    s.instance = null;
    s.calls = 0;
    let imports: Record<string, Record<string, unknown>>;
    try {
      imports = makeImports(s);
      s.instance = new WA.Instance(s.module, imports);
      return observe(s, 'ok', '');
    } catch (e) {
      return observe(s, classify(e), '');
    }
  }
  if (!s.instance) return observe(s, 'noinstance', '');
  const f = s.instance.exports[st.name] as (...a: unknown[]) => unknown;
  try {
    const r = f(...st.args);
    return observe(s, 'ok', repr(r));
  } catch (e) {
    return observe(s, classify(e), '');
  }
}

// Only when started by differential.ts (this file is also imported for its helpers).
if (parentPort && (workerData as { weftDiffWorker?: boolean } | null)?.weftDiffWorker) {
  const port = parentPort;
  let state: State | null = null;
  port.on('message', (msg: ToWorker) => {
    if (msg.t === 'load') {
      state = {
        module: msg.module, imports: msg.imports, seed: msg.seed, exports: WA.Module.exports(msg.module)
          .slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
        instance: null, importedMemories: [], calls: 0, tn: 0, th: new StrHash(), tr: [], ignore: msg.ignore ?? [],
      };
      port.postMessage({ t: 'loaded' } satisfies FromWorker);
    } else if (msg.t === 'run') {
      const s = state!;
      for (let i = msg.from; i < msg.steps.length; i++) {
        const t0 = performance.now();
        const obs = step(s, msg.steps[i]);
        obs.ms = performance.now() - t0;
        port.postMessage({ t: 'obs', i, obs } satisfies FromWorker);
      }
      s.instance = null;
      s.importedMemories = [];
      port.postMessage({ t: 'done' } satisfies FromWorker);
    }
  });
}
