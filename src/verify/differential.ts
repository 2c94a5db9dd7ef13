// The differential oracle: runs a module before and after a transformation in V8 with the same
// inputs and reports every observable difference.
//
// What is observed (see verify/diff-worker.ts for the notation): for every exported function
// the JS API can call (no v128 in its signature; those are listed in `skipped`), the result or
// the trap (V8's RuntimeError message, so 'divide by zero' differs from 'unreachable'), stack
// exhaustion, the sequence of import calls with their arguments, the values of the exported
// globals, and a hash of every exported or imported memory (and the shape of exported tables)
// after each call. Instantiation (the start function) is observed the same way. The export
// lists and signatures must match too.
//
// Inputs: edge values first (0, ±1, min/max of the width, powers of two, shift counts, NaN,
// ±0, ±Infinity, float boundaries of the integer conversions; for i32, addresses near the
// start and the end of memory), then values from a seeded PRNG (mulberry32). Import stubs are
// generated from the import section: function stubs record each call and return a value of
// the declared result type derived from (seed, call index); imported memories are created with
// their declared limits and filled with a seeded pattern, globals get seeded values. Both
// modules see exactly the same imports and the same calls in the same order.
//
// State and order: each export gets its own fresh instance per side (so a difference in one
// export does not cascade into the others), and its runs are made in sequence on that instance,
// so state carried between calls (globals, memory) is compared too. A trap does not reset the
// instance: what a trapping call wrote before trapping stays, on both sides alike, and the next
// run sees it. After the first difference in an export the rest of its runs are not compared
// (the two states have parted); the report holds at most one divergence per export.
//
// Non-termination: each side runs in its own worker thread (verify/diff-worker.ts, started once
// and reused through a small pool). The main thread watches progress; a call running longer than
// `timeoutMs` gets its worker terminated and is reported as 'timeout' for that side. Both sides
// timing out on the same call counts as equal. The remaining runs of that export are skipped on
// that side (the instance is gone), so an export that loops costs one timeout, not one per run.
// A timeout on one side only, where the other side was not much faster, is confirmed by running
// that export again on both sides with four times the limit (a busy machine can make one call
// slow), and only then reported.
//
// Exports without parameters get at most 4 runs (only state can change their behaviour).
// `traps: 'any'` makes all traps equal, as binaryen's fuzz-exec does: its optimizer legally
// turns a known out-of-bounds access into `unreachable`, which the default 'exact' reports.
//
// Known limits: NaN payloads are invisible through the JS API, so all NaNs are equal; stack
// exhaustion on one side only is not a divergence (an optimizer may change frame sizes and
// depth; engines may exhaust anywhere), it ends that export's comparison and is noted in `notes`.
// Non-exported memory and tables are compared only through what exports reveal.

import { Worker } from 'node:worker_threads';
import { decodeModule } from '../binary/decode.js';
import { encodeModule } from '../binary/encode.js';
import type { Module } from '../ir/module.js';
import { valTypeName, type ValType } from '../ir/types.js';
import { resolvePasses, runPasses } from '../optimize.js';
import type { Pass } from '../passes/registry.js';
import { validateModule } from './validate.js';
import { repr, type FromWorker, type ImportSpec, type Obs, type Step, type ToWorker } from './diff-worker.js';
import { WA, type WasmModuleObject } from './wasm-js.js';

export interface DiffOptions {
  /** Calls per exported function (nullary functions get at most 4). Default 20. */
  runs?: number;
  /** Seed of the arguments, import results and memory contents. Default 1. */
  seed?: number;
  /** Time limit of one call, in ms. Default 1000. */
  timeoutMs?: number;
  /** Only these exports (default: every function export). */
  exports?: string[];
  /**
   * 'exact' (default): traps must have the same V8 message. 'any': every trap is equal (as in
   * binaryen's fuzz-exec, whose optimizer may turn a known out-of-bounds access into
   * `unreachable`).
   */
  traps?: 'exact' | 'any';
  /**
   * Byte ranges [start, end) of the compared memories whose contents are not compared (they
   * read as zero for the hash), e.g. shadow-stack frames a transformation removed under
   * `--assume-private-stack`. Results, traps, import calls and the rest of memory still are.
   */
  ignoreMemory?: { start: number; end: number }[];
  /**
   * Explicit argument lists for some exports (instead of the generated ones), e.g. the
   * generated lists (`argumentLists`) minus inputs that break a transformation's stated
   * assumption. Nullary exports still get at most 4 runs.
   */
  args?: Record<string, unknown[][]>;
}

export type DivergenceKind = 'result' | 'trap' | 'imports' | 'globals' | 'memory' | 'instantiate';

export interface Divergence {
  export: string;
  args: string;
  before: string;
  after: string;
  what: DivergenceKind;
}

export interface DiffReport {
  equivalent: boolean;
  /** Calls made on each side. */
  runs: number;
  divergences: Divergence[];
  /** Exported functions not called, with the reason. */
  skipped: string[];
  /** Inconclusive comparisons (stack exhaustion on one side only). */
  notes: string[];
}

// ---- module facts --------------------------------------------------------------------------

interface ExportInfo {
  name: string;
  kind: string;
  /** For functions: parameter and result type names. */
  params: string[];
  results: string[];
}

interface Facts {
  imports: ImportSpec[];
  exports: ExportInfo[];
  /** Bytes of the first memory (imported or defined), for pointer-like arguments. */
  memBytes: number;
}

function facts(m: Module): Facts {
  const names = (ts: readonly ValType[]) => ts.map(valTypeName);
  const imports: ImportSpec[] = m.imports.map((imp): ImportSpec => {
    const d = imp.desc;
    switch (d.kind) {
      case 'func': {
        const t = m.types[d.type];
        return { module: imp.module, name: imp.name, kind: 'func', params: names(t.params), results: names(t.results) };
      }
      case 'memory':
        return { module: imp.module, name: imp.name, kind: 'memory', initial: d.memory.min, maximum: d.memory.max, shared: d.memory.shared };
      case 'table':
        return {
          module: imp.module, name: imp.name, kind: 'table', element: valTypeName(d.table.elem),
          initial: d.table.limits.min, maximum: d.table.limits.max,
        };
      case 'global':
        return { module: imp.module, name: imp.name, kind: 'global', type: valTypeName(d.global.type), mutable: d.global.mutable };
    }
  });
  const fts = m.funcTypeIndices();
  const exports = m.exports.map((e): ExportInfo => {
    if (e.kind !== 'func') return { name: e.name, kind: e.kind, params: [], results: [] };
    const t = m.types[fts[e.index]];
    return { name: e.name, kind: 'func', params: names(t.params), results: names(t.results) };
  });
  const mems = m.memoryTypes();
  return { imports, exports, memBytes: mems.length ? Math.min(mems[0].min, 16384) * 65536 : 0 };
}

function signature(e: ExportInfo): string {
  return e.kind === 'func' ? `func (${e.params.join(' ')}) -> (${e.results.join(' ')})` : e.kind;
}

// ---- arguments -----------------------------------------------------------------------------

/** mulberry32: a small, fast, seedable PRNG. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function hashString(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const I32_EDGES = [
  0, 1, -1, 2, -2, 0x7fffffff, -0x80000000, 3, 4, 7, 8, 16, 31, 32, 33, 63, 64, 255, 256, 0x7fff, 0x8000, 0xffff,
  0x10000, 0x40000000, -0x7fffffff, 0x55555555, -0x55555556,
];
const I64_EDGES = [
  0n, 1n, -1n, 2n, -2n, (1n << 63n) - 1n, -(1n << 63n), 31n, 32n, 63n, 64n, 0xffn, 0x7fffffffn, 0x80000000n,
  0xffffffffn, 0x100000000n, -0x80000000n, -0x100000000n, 1n << 62n, 0x5555555555555555n,
];
const F32_MAX = 3.4028234663852886e38;
const F32_EDGES = [
  0, -0, 1, -1, NaN, Infinity, -Infinity, F32_MAX, -F32_MAX, 1.401298464324817e-45, 1.1754943508222875e-38, 0.5, -0.5,
  1.5, 2.5, -1.5, 2147483648, -2147483904, 4294967296, 9223372036854775808, -9223372036854775808, 16777216, 3.1415927410125732,
];
const F64_EDGES = [
  0, -0, 1, -1, NaN, Infinity, -Infinity, Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324, 2.2250738585072014e-308, 0.5, -0.5,
  1.5, 2.5, -1.5, 2147483647.5, 2147483648, -2147483649, 4294967295.5, 4294967296, 9223372036854775808,
  -9223372036854775808, 18446744073709551616, 9007199254740993, Math.PI,
];

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);
const f64buf = new Float64Array(1);
const u64buf = new BigUint64Array(f64buf.buffer);

function randomValue(t: string, next: () => number, memBytes: number): unknown {
  const r = next();
  const pick = r & 7;
  switch (t) {
    case 'i32':
      if (pick < 3) return ((next() % 65) - 32) | 0;
      if (pick < 5 && memBytes > 0) return ((next() % memBytes) & ~3) | 0;
      return next() | 0;
    case 'i64':
      if (pick < 3) return BigInt((next() % 65) - 32);
      if (pick < 4 && memBytes > 0) return BigInt((next() % memBytes) & ~7);
      return BigInt.asIntN(64, (BigInt(next()) << 32n) | BigInt(next()));
    case 'f32':
      if (pick < 2) { u32buf[0] = next(); return f32buf[0]; } // any bit pattern
      return Math.fround(((next() | 0) / 0x10000) * (pick < 5 ? 1 : 1e-3));
    case 'f64':
      if (pick < 2) { u64buf[0] = (BigInt(next()) << 32n) | BigInt(next()); return f64buf[0]; }
      return ((next() | 0) / 0x100) * (pick < 5 ? 1 : 1e-6);
    case 'externref':
      return pick < 4 ? null : `ext-arg${next() % 8}`;
    default:
      return null; // funcref
  }
}

function edgeValue(t: string, i: number, memBytes: number): unknown {
  switch (t) {
    case 'i32': {
      const ptrs = memBytes > 0 ? [4, 8, 16, 64, 1024, memBytes - 4, memBytes - 8, memBytes - 1, memBytes, memBytes + 4] : [];
      const all = I32_EDGES.concat(ptrs.map((p) => p | 0));
      return all[i % all.length];
    }
    case 'i64':
      return I64_EDGES[i % I64_EDGES.length];
    case 'f32':
      return F32_EDGES[i % F32_EDGES.length];
    case 'f64':
      return F64_EDGES[i % F64_EDGES.length];
    case 'externref':
      return i % 2 ? null : 'ext-edge';
    default:
      return null;
  }
}

/** The argument lists for `runs` calls of a function with `params`. */
export function argumentLists(params: string[], runs: number, seed: number, salt: string, memBytes: number): unknown[][] {
  const next = mulberry32(hashString(salt, seed >>> 0));
  const out: unknown[][] = [];
  const edgeRuns = Math.ceil(runs / 2);
  for (let r = 0; r < runs; r++) {
    // Edge runs walk the edge lists with a different stride per parameter, so that several
    // parameters do not always take the same position of their lists.
    out.push(params.map((t, p) => (r < edgeRuns ? edgeValue(t, r + p * (r + 1) * 3, memBytes) : randomValue(t, next, memBytes))));
  }
  return out;
}

function argsText(args: unknown[]): string {
  return `(${args.map(repr).join(', ')})`;
}

// ---- workers -------------------------------------------------------------------------------

const WORKER_URL = new URL('./diff-worker.js', import.meta.url);
const idle: Worker[] = [];
const MAX_IDLE = 4;

function acquire(): Worker {
  const w = idle.pop() ?? new Worker(WORKER_URL, { workerData: { weftDiffWorker: true } });
  w.ref();
  return w;
}

function release(w: Worker): void {
  w.removeAllListeners('message');
  w.removeAllListeners('error');
  w.removeAllListeners('exit');
  if (idle.length < MAX_IDLE) {
    w.unref();
    idle.push(w);
  } else void w.terminate();
}

/** Terminates the pooled workers (they are unref'd, so this is only needed for a clean exit). */
export async function shutdownDifferential(): Promise<void> {
  const ws = idle.splice(0);
  await Promise.all(ws.map((w) => w.terminate()));
}

type RunEnd = { kind: 'done' } | { kind: 'timeout'; at: number } | { kind: 'crash'; at: number; msg: string };

function load(w: Worker, module: WasmModuleObject, imports: ImportSpec[], seed: number, ignore: IgnoreRanges): Promise<string | null> {
  return new Promise((resolve) => {
    const done = (r: string | null) => {
      w.removeAllListeners('message');
      w.removeAllListeners('error');
      w.removeAllListeners('exit');
      resolve(r);
    };
    w.on('message', (m: FromWorker) => { if (m.t === 'loaded') done(null); });
    w.on('error', (e) => done(`worker error: ${(e as Error).message}`));
    w.on('exit', (c) => done(`worker exited (${c})`));
    w.postMessage({ t: 'load', module, imports, seed, ignore } satisfies ToWorker);
  });
}

function runFrom(w: Worker, steps: Step[], from: number, timeoutMs: number, obs: (Obs | undefined)[]): Promise<RunEnd> {
  return new Promise((resolve) => {
    let next = from;
    let last = performance.now();
    const tick = Math.max(5, Math.min(100, timeoutMs / 5));
    const timer = setInterval(() => {
      if (performance.now() - last > timeoutMs) finish({ kind: 'timeout', at: next });
    }, tick);
    let finished = false;
    function finish(r: RunEnd) {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      w.removeAllListeners('message');
      w.removeAllListeners('error');
      w.removeAllListeners('exit');
      resolve(r);
    }
    w.on('message', (m: FromWorker) => {
      if (m.t === 'obs') {
        obs[m.i] = m.obs;
        next = m.i + 1;
        last = performance.now();
      } else if (m.t === 'done') finish({ kind: 'done' });
    });
    w.on('error', (e) => finish({ kind: 'crash', at: next, msg: (e as Error).message }));
    w.on('exit', (c) => finish({ kind: 'crash', at: next, msg: `worker exited (${c})` }));
    w.postMessage({ t: 'run', steps, from } satisfies ToWorker);
  });
}

function special(o: string): Obs {
  return { o, v: '', tn: 0, th: '', tr: [], g: '', m: '', ms: 0 };
}

/** Runs every step on one side, restarting the worker after a timeout or a crash. */
type IgnoreRanges = { start: number; end: number }[] | undefined;

async function runSide(module: WasmModuleObject, imports: ImportSpec[], seed: number, steps: Step[], timeoutMs: number, ignore: IgnoreRanges): Promise<Obs[]> {
  const obs: (Obs | undefined)[] = new Array(steps.length);
  let from = 0;
  while (from < steps.length) {
    const w = acquire();
    const err = await load(w, module, imports, seed, ignore);
    if (err !== null) {
      await w.terminate();
      for (let i = from; i < steps.length; i++) obs[i] = special(`crash:${err}`);
      break;
    }
    const end = await runFrom(w, steps, from, timeoutMs, obs);
    if (end.kind === 'done') {
      release(w);
      break;
    }
    await w.terminate();
    obs[end.at] = special(end.kind === 'timeout' ? 'timeout' : `crash:${end.msg}`);
    // The instance is gone: skip to the next export's fresh instance.
    let i = end.at + 1;
    while (i < steps.length && steps[i].k !== 'inst') obs[i++] = special('skipped');
    from = i;
  }
  return obs as Obs[];
}

// ---- comparison ----------------------------------------------------------------------------

function outcomeText(x: Obs): string {
  return x.o === 'ok' ? (x.v === '' ? 'returned' : `returned ${x.v}`) : x.o;
}

function firstDiff(a: string, b: string): [string, string] {
  const pa = a.split(';');
  const pb = b.split(';');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return [pa[i] ?? '(none)', pb[i] ?? '(none)'];
  }
  return [a, b];
}

function traceDiff(a: Obs, b: Obs): [string, string] {
  const n = Math.max(a.tr.length, b.tr.length);
  for (let i = 0; i < n; i++) {
    if (a.tr[i] !== b.tr[i]) return [`call #${i}: ${a.tr[i] ?? '(no call)'}`, `call #${i}: ${b.tr[i] ?? '(no call)'}`];
  }
  return [`${a.tn} import calls (hash ${a.th})`, `${b.tn} import calls (hash ${b.th})`];
}

const UNFINISHED = new Set(['timeout', 'skipped']);

/** Compares one step's observations; null when equal. */
function compare(a: Obs, b: Obs): { what: Exclude<DivergenceKind, 'instantiate'>; before: string; after: string } | null {
  if (a.o === b.o && UNFINISHED.has(a.o)) return null;
  const unfinished = UNFINISHED.has(a.o) || UNFINISHED.has(b.o) || a.o.startsWith('crash:') || b.o.startsWith('crash:');
  if (!unfinished && (a.tn !== b.tn || a.th !== b.th)) {
    const [x, y] = traceDiff(a, b);
    return { what: 'imports', before: x, after: y };
  }
  if (a.o !== b.o) {
    const what = a.o === 'ok' && b.o === 'ok' ? 'result' : 'trap';
    return { what, before: outcomeText(a), after: outcomeText(b) };
  }
  if (a.v !== b.v) return { what: 'result', before: outcomeText(a), after: outcomeText(b) };
  if (a.g !== b.g) {
    const [x, y] = firstDiff(a.g, b.g);
    return { what: 'globals', before: x, after: y };
  }
  if (a.m !== b.m) {
    const [x, y] = firstDiff(a.m, b.m);
    return { what: 'memory', before: x, after: y };
  }
  return null;
}

// ---- the oracle ----------------------------------------------------------------------------

async function compile(bytes: Uint8Array): Promise<WasmModuleObject> {
  return bytes.length < 4096 ? new WA.Module(bytes) : WA.compile(bytes);
}

export async function differential(before: Uint8Array, after: Uint8Array, opts: DiffOptions = {}): Promise<DiffReport> {
  const runs = opts.runs ?? 20;
  const seed = opts.seed ?? 1;
  const timeoutMs = opts.timeoutMs ?? 1000;
  const report: DiffReport = { equivalent: true, runs: 0, divergences: [], skipped: [], notes: [] };
  const diverge = (d: Divergence) => {
    report.equivalent = false;
    report.divergences.push(d);
  };

  let mb: WasmModuleObject;
  try {
    mb = await compile(before);
  } catch (e) {
    throw new Error(`differential: the 'before' module does not compile in V8: ${(e as Error).message}`);
  }
  let ma: WasmModuleObject;
  try {
    ma = await compile(after);
  } catch (e) {
    diverge({ export: '', args: '', before: 'compiles', after: `CompileError: ${(e as Error).message}`, what: 'instantiate' });
    return report;
  }
  const fb = facts(decodeModule(before));
  const fa = facts(decodeModule(after));

  // The export lists and signatures must agree.
  const afterByName = new Map(fa.exports.map((e) => [e.name, e]));
  for (const e of fb.exports) {
    const x = afterByName.get(e.name);
    if (!x || signature(x) !== signature(e)) {
      diverge({ export: e.name, args: '', before: signature(e), after: x ? signature(x) : '(not exported)', what: 'instantiate' });
    }
  }
  const beforeNames = new Set(fb.exports.map((e) => e.name));
  for (const e of fa.exports) {
    if (!beforeNames.has(e.name)) diverge({ export: e.name, args: '', before: '(not exported)', after: signature(e), what: 'instantiate' });
  }

  // The plan: per export, a fresh instance then its runs.
  const wanted = opts.exports ? new Set(opts.exports) : null;
  const steps: Step[] = [];
  const owner: { name: string; args: string }[] = [];
  for (const e of fb.exports) {
    if (e.kind !== 'func' || (wanted && !wanted.has(e.name))) continue;
    const x = afterByName.get(e.name);
    if (!x || signature(x) !== signature(e)) continue;
    if (e.params.includes('v128') || e.results.includes('v128')) {
      report.skipped.push(`${e.name} (v128 in its signature)`);
      continue;
    }
    if (e.params.some((t) => t !== 'i32' && t !== 'i64' && t !== 'f32' && t !== 'f64' && t !== 'externref' && t !== 'funcref')) {
      report.skipped.push(`${e.name} (parameter type not expressible in JS)`);
      continue;
    }
    steps.push({ k: 'inst' });
    owner.push({ name: e.name, args: '(instantiate)' });
    const n = e.params.length === 0 ? Math.min(runs, 4) : runs;
    for (const args of opts.args?.[e.name]?.slice(0, n) ?? argumentLists(e.params, n, seed, e.name, fb.memBytes)) {
      steps.push({ k: 'call', name: e.name, args });
      owner.push({ name: e.name, args: argsText(args) });
    }
  }
  if (wanted) for (const n of wanted) if (!fb.exports.some((e) => e.name === n)) report.skipped.push(`${n} (no such export)`);
  if (steps.length === 0) {
    // Nothing to call: still compare instantiation (the start function) once.
    steps.push({ k: 'inst' });
    owner.push({ name: '', args: '(instantiate)' });
  }

  const [ob, oa] = await Promise.all([
    runSide(mb, fb.imports, seed, steps, timeoutMs, opts.ignoreMemory),
    runSide(ma, fa.imports, seed, steps, timeoutMs, opts.ignoreMemory),
  ]);

  // A call that timed out on one side only, while the other side needed more than a tenth of
  // the limit for it, may just have been slow on a busy machine: run those exports again, both
  // sides, with four times the limit before believing it. (A call the other side finished in a
  // fraction of the limit is a real difference: it does not cost a second, longer timeout.)
  const again: number[] = [];
  for (let s0 = 0; s0 < steps.length;) {
    let e = s0 + 1;
    while (e < steps.length && steps[e].k !== 'inst') e++;
    let asym = false;
    for (let i = s0; i < e; i++) {
      const tb = ob[i].o === 'timeout';
      const ta = oa[i].o === 'timeout';
      if (tb !== ta && (tb ? oa[i] : ob[i]).ms > timeoutMs / 10) asym = true;
    }
    if (asym) for (let i = s0; i < e; i++) again.push(i);
    s0 = e;
  }
  if (again.length) {
    const sub = again.map((i) => steps[i]);
    const [rb, ra] = await Promise.all([
      runSide(mb, fb.imports, seed, sub, timeoutMs * 4, opts.ignoreMemory),
      runSide(ma, fa.imports, seed, sub, timeoutMs * 4, opts.ignoreMemory),
    ]);
    again.forEach((i, k) => {
      ob[i] = rb[k];
      oa[i] = ra[k];
    });
  }

  const anyTrap = opts.traps === 'any';
  const norm = (x: Obs): Obs => (anyTrap && x.o.startsWith('trap:') ? { ...x, o: 'trap' } : x);
  let instReported = false;
  let skipGroup = false;
  for (let i = 0; i < steps.length; i++) {
    const st = steps[i];
    const a = norm(ob[i]);
    const b = norm(oa[i]);
    if (st.k === 'inst') {
      skipGroup = false;
      const d = compare(a, b);
      if (d) {
        skipGroup = true;
        if (!instReported) {
          instReported = true;
          const tag = d.what === 'trap' || d.what === 'result' ? '' : `${d.what}: `;
          diverge({ export: owner[i].name, args: '(instantiate)', before: tag + d.before, after: tag + d.after, what: 'instantiate' });
        }
      }
      continue;
    }
    report.runs++;
    if (skipGroup) continue;
    if ((a.o === 'exhaustion') !== (b.o === 'exhaustion')) {
      report.notes.push(`${owner[i].name}${owner[i].args}: stack exhaustion on one side only (${outcomeText(a)} / ${outcomeText(b)})`);
      skipGroup = true;
      continue;
    }
    const d = compare(a, b);
    if (d) {
      diverge({ export: owner[i].name, args: owner[i].args, ...d });
      skipGroup = true;
    }
  }
  return report;
}

/** A transformation for `differentialModule`: passes (objects or registered names) or a function. */
export type Transform = Pass[] | string[] | ((m: Module) => void);

/**
 * Decodes `before`, applies the transformation, encodes, validates the result with weft's
 * validator, and compares the two modules.
 */
export async function differentialModule(before: Uint8Array, transform: Transform, opts: DiffOptions = {}): Promise<DiffReport & { after: Uint8Array }> {
  const m = decodeModule(before);
  validateModule(m);
  if (typeof transform === 'function') transform(m);
  else {
    const passes = transform.map((p) => (typeof p === 'string' ? resolvePasses({ passes: [p] })[0] : p));
    runPasses(m, passes);
  }
  const after = encodeModule(m);
  validateModule(decodeModule(after));
  return { ...(await differential(before, after, opts)), after };
}

/** A one-line summary of a report, for logs. */
export function formatReport(r: DiffReport): string {
  if (r.equivalent) return `equivalent (${r.runs} calls${r.skipped.length ? `, skipped: ${r.skipped.join(', ')}` : ''})`;
  const d = r.divergences[0];
  return `${r.divergences.length} divergence(s); first: ${d.what} in ${d.export || '(module)'}${d.args}: before ${d.before} / after ${d.after}`;
}
