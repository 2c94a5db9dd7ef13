// The fuzzer: random valid modules from binaryen's translate-to-fuzz, run through weft, and
// checked for (a) valid output (weft's validator and V8), (b) the same behaviour as the input
// (verify/differential.ts), (c) determinism (weft twice on the input gives the same bytes) and
// (d) idempotence (optimizing the output again does not grow it).
//
// Module i of seed S comes from 4 KB of bytes drawn from a PRNG seeded by (S, i), handed to
// `wasm-opt -ttf` with the features both weft and Node 20's V8 support (MVP, sign-ext,
// non-trapping float-to-int, bulk memory, multi-value, reference types, mutable globals, tail
// calls; no SIMD unless asked, no GC, exceptions, threads, memory64, multi-memory, strings,
// extended-const). Starting binaryen's wasm-opt (a 10 MB emscripten build) costs about a second,
// so it is loaded once into this process and its `main` is called per module (about 20 ms);
// the output is the same as the CLI's (checked by the test suite). If that ever fails, the CLI
// is spawned instead.
//
// A failure is reduced before it is reported: exports are removed one at a time, then function
// bodies replaced by `unreachable`, then binaryen's cleanup passes are tried; each step is kept
// only when the same kind of failure remains. Edits go through weft's lazy encoder, which copies
// every untouched function verbatim, so an encoder bug cannot leak into the reduced input.
//
// With `reencode` (the default of scripts/fuzz.js) every function is decoded to its tree and
// encoded again after the passes, so that the codec round trip is tested on every function,
// not only on those a pass changed.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeModule } from '../binary/decode.js';
import { encodeModule } from '../binary/encode.js';
import { Expr } from '../ir/expr.js';
import type { Module } from '../ir/module.js';
import { O } from '../ir/opcodes.js';
import { NONE } from '../ir/types.js';
import { runPasses } from '../optimize.js';
import type { FunctionPass, Pass } from '../passes/registry.js';
import { differential, formatReport, mulberry32 } from './differential.js';
import { validateModule } from './validate.js';
import { WA } from './wasm-js.js';

/** wasm-opt feature flags of the generated modules. */
export const TTF_FEATURES = [
  '--mvp-features', '--enable-sign-ext', '--enable-nontrapping-float-to-int', '--enable-bulk-memory',
  '--enable-multivalue', '--enable-reference-types', '--enable-mutable-globals', '--enable-tail-call',
];

// ---- binaryen's wasm-opt, in process -------------------------------------------------------

const require = createRequire(import.meta.url);

function wasmOptPath(): string {
  return join(dirname(require.resolve('binaryen/package.json')), 'bin', 'wasm-opt');
}

type Main = (args: string[]) => number;

/** wasm-opt's `main`, callable many times in this process. */
export class WasmOpt {
  private main: Main | null = null;
  private loading: Promise<Main> | null = null;
  /** Times the in-process build failed and the CLI was used. */
  fallbacks = 0;

  private async load(): Promise<Main> {
    const path = wasmOptPath();
    let src = readFileSync(path, 'utf8');
    if (src.startsWith('#!')) src = `//${src}`;
    // The emscripten script keeps `callMain` local; expose it, and keep the runtime alive
    // between calls (noExitRuntime) instead of running it once from the command line.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const fn = new Function('require', '__filename', '__dirname', 'module', 'Module', `${src}\n;Module.__callMain = callMain;`);
    const M: Record<string, unknown> = {
      noInitialRun: true, noExitRuntime: true, print: () => {}, printErr: () => {},
    };
    await new Promise<void>((resolve) => {
      M.onRuntimeInitialized = resolve;
      fn(require, path, dirname(path), undefined, M);
    });
    return M.__callMain as Main;
  }

  /** Runs `wasm-opt args...`; returns its exit status. */
  async run(args: string[]): Promise<number> {
    if (!this.main) {
      try {
        this.main = await (this.loading ??= this.load());
      } catch {
        this.loading = null;
        return this.spawn(args);
      }
    }
    const saved = process.exitCode;
    let rc: number;
    try {
      rc = this.main(args);
    } catch {
      rc = -1;
    } finally {
      process.exitCode = saved; // the emscripten runtime sets it on every exit
    }
    if (rc !== 0) {
      // A fatal error may leave the C++ state half-torn: start afresh, and retry with the CLI.
      this.main = null;
      this.loading = null;
      return this.spawn(args);
    }
    return rc;
  }

  private spawn(args: string[]): number {
    this.fallbacks++;
    const r = spawnSync(process.execPath, [wasmOptPath(), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    return r.status ?? -1;
  }
}

// ---- generation ------------------------------------------------------------------------------

/** The random bytes module `index` of `seed` is made from. */
export function randomBytes(seed: number, index: number, size: number): Uint8Array {
  const next = mulberry32((Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) + Math.imul(index + 1, 0x9e3779b1)) | 0);
  const out = new Uint8Array(size);
  const words = new Uint32Array(out.buffer, 0, size >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = next();
  for (let i = words.length * 4; i < size; i++) out[i] = next() & 0xff;
  return out;
}

/** One wasm-opt per process: loading it is the expensive part, and calls are synchronous. */
let shared: WasmOpt | null = null;

export class Generator {
  readonly opt = (shared ??= new WasmOpt());
  private dir = mkdtempSync(join(tmpdir(), 'weft-fuzz-'));
  private n = 0;

  constructor(readonly features: string[] = TTF_FEATURES) {}

  /** `wasm-opt -ttf` of `random`, or null when wasm-opt failed. */
  async generate(random: Uint8Array): Promise<Uint8Array | null> {
    const k = this.n++;
    const inp = join(this.dir, `r${k}.bin`);
    const out = join(this.dir, `m${k}.wasm`);
    writeFileSync(inp, random);
    const rc = await this.opt.run([inp, '-ttf', ...this.features, '-q', '-o', out]);
    try {
      return rc === 0 ? new Uint8Array(readFileSync(out)) : null;
    } catch {
      return null;
    } finally {
      rmSync(inp, { force: true });
      rmSync(out, { force: true });
    }
  }

  /** Runs a binaryen pass list over `bytes` (used by the reducer); null on failure. */
  async transform(bytes: Uint8Array, passes: string[]): Promise<Uint8Array | null> {
    const k = this.n++;
    const inp = join(this.dir, `t${k}.wasm`);
    const out = join(this.dir, `u${k}.wasm`);
    writeFileSync(inp, bytes);
    const rc = await this.opt.run([inp, ...this.features, ...passes, '-q', '-o', out]);
    try {
      return rc === 0 ? new Uint8Array(readFileSync(out)) : null;
    } catch {
      return null;
    } finally {
      rmSync(inp, { force: true });
      rmSync(out, { force: true });
    }
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---- checking one module -------------------------------------------------------------------

/** Test-support pass: decode every function to a tree and mark it changed, so it is re-encoded. */
export const REENCODE: FunctionPass = {
  name: 'reencode',
  description: 'fuzz support: re-encode every function from its tree',
  scope: 'function',
  run(cx, f) {
    cx.body(f);
    return true;
  },
};

export interface CheckOptions {
  passes: Pass[];
  reencode?: boolean;
  runs?: number;
  timeoutMs?: number;
  diffSeed?: number;
}

export type CheckResult =
  | { ok: true; output: Uint8Array; identical: boolean; calls: number }
  | { ok: false; kind: string; reason: string; output: Uint8Array | null };

/** weft's job on one module: decode, validate, passes, encode. */
export function weftRun(bytes: Uint8Array, passes: Pass[], reencode: boolean): Uint8Array {
  const m = decodeModule(bytes);
  validateModule(m);
  runPasses(m, reencode ? [...passes, REENCODE] : passes);
  return encodeModule(m);
}

function errText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function v8Error(bytes: Uint8Array): string | null {
  try {
    new WA.Module(bytes);
    return null;
  } catch (e) {
    return errText(e);
  }
}

export async function checkModule(input: Uint8Array, o: CheckOptions): Promise<CheckResult> {
  const reencode = o.reencode ?? false;
  let out: Uint8Array;
  try {
    out = weftRun(input, o.passes, reencode);
  } catch (e) {
    return { ok: false, kind: 'weft-error', reason: `weft failed on a module V8 accepts: ${errText(e)}`, output: null };
  }
  try {
    validateModule(decodeModule(out));
  } catch (e) {
    return { ok: false, kind: 'invalid-output', reason: `weft's validator rejects the output: ${errText(e)}`, output: out };
  }
  const v8 = v8Error(out);
  if (v8 !== null) return { ok: false, kind: 'invalid-output', reason: `V8 rejects the output: ${v8}`, output: out };
  try {
    const again = weftRun(input, o.passes, reencode);
    if (!sameBytes(again, out)) {
      return { ok: false, kind: 'nondeterministic', reason: `two runs on the same input differ (${out.length} vs ${again.length} bytes)`, output: out };
    }
  } catch (e) {
    return { ok: false, kind: 'nondeterministic', reason: `second run failed: ${errText(e)}`, output: out };
  }
  try {
    const twice = weftRun(out, o.passes, reencode);
    if (twice.length > out.length) {
      return { ok: false, kind: 'not-idempotent', reason: `optimizing the output again grows it (${out.length} -> ${twice.length} bytes)`, output: out };
    }
  } catch (e) {
    return { ok: false, kind: 'not-idempotent', reason: `optimizing the output again fails: ${errText(e)}`, output: out };
  }
  const identical = sameBytes(input, out);
  if (identical) return { ok: true, output: out, identical, calls: 0 };
  try {
    const r = await differential(input, out, { runs: o.runs ?? 20, timeoutMs: o.timeoutMs ?? 1000, seed: o.diffSeed ?? 1 });
    if (!r.equivalent) {
      return { ok: false, kind: `diff-${r.divergences[0].what}`, reason: formatReport(r), output: out };
    }
    return { ok: true, output: out, identical, calls: r.runs };
  } catch (e) {
    return { ok: false, kind: 'oracle-error', reason: `the differential oracle failed: ${errText(e)}`, output: out };
  }
}

// ---- reduction -----------------------------------------------------------------------------

function edit(bytes: Uint8Array, change: (m: Module) => boolean): Uint8Array | null {
  try {
    const m = decodeModule(bytes);
    if (!change(m)) return null;
    return encodeModule(m);
  } catch {
    return null;
  }
}

function stub(m: Module, i: number): boolean {
  const f = m.funcs[i];
  if (f.start >= 0 && f.end - f.start <= 3) return false; // already `0 locals; unreachable; end` or smaller
  const body = new Expr(O.block, m.types[f.type].results);
  body.index = -1;
  body.body = [new Expr(O.unreachable, NONE)];
  f.tree = body;
  f.locals = [];
  f.hasPops = false;
  f.dirty = true;
  return true;
}

export interface ReduceResult {
  bytes: Uint8Array;
  steps: number;
  ms: number;
}

/**
 * Shrinks `input` while `stillFails` holds: removes exports, stubs function bodies, then tries
 * binaryen's cleanups. Stops early after `budgetMs`.
 */
export async function reduce(input: Uint8Array, stillFails: (b: Uint8Array) => Promise<boolean>, gen: Generator, budgetMs = 60000): Promise<ReduceResult> {
  const t0 = performance.now();
  let cur = input;
  let steps = 0;
  const over = () => performance.now() - t0 > budgetMs;
  const attempt = async (cand: Uint8Array | null): Promise<boolean> => {
    if (!cand || cand.length >= cur.length || !WA.validate(cand)) return false;
    if (!(await stillFails(cand))) return false;
    cur = cand;
    steps++;
    return true;
  };
  for (let round = 0; round < 2 && !over(); round++) {
    const before = cur.length;
    const nExports = decodeModule(cur).exports.length;
    for (let i = nExports - 1; i >= 0 && !over(); i--) {
      await attempt(edit(cur, (m) => (i < m.exports.length ? (m.exports.splice(i, 1), true) : false)));
    }
    const nFuncs = decodeModule(cur).funcs.length;
    for (let i = 0; i < nFuncs && !over(); i++) await attempt(edit(cur, (m) => stub(m, i)));
    for (const passes of [['--remove-unused-module-elements'], ['--remove-unused-names', '--vacuum'], ['-O1'], ['--strip-debug']]) {
      if (over()) break;
      await attempt(await gen.transform(cur, passes));
    }
    if (cur.length >= before) break;
  }
  return { bytes: cur, steps, ms: performance.now() - t0 };
}

// ---- the campaign ----------------------------------------------------------------------------

export interface FuzzOptions {
  seed: number;
  count: number;
  /** First index (default 0); with `only`, the exact indices to run instead. */
  start?: number;
  only?: number[];
  passes: Pass[];
  reencode?: boolean;
  /** Random bytes per module (default 4096). */
  size?: number;
  features?: string[];
  runs?: number;
  timeoutMs?: number;
  /** Where failures are saved (default: not saved). */
  outDir?: string | null;
  reduce?: boolean;
  reduceBudgetMs?: number;
  stopAtFirst?: boolean;
  /** Modules in flight at once (default 2: one generates and runs weft while another executes). */
  jobs?: number;
  /** The command line options that reproduce this run, for the README of a failure. */
  reproArgs?: string;
  log?: (line: string) => void;
}

export interface FuzzFailure {
  index: number;
  kind: string;
  reason: string;
  inputSize: number;
  reducedSize: number | null;
  dir: string | null;
  repro: string;
}

export interface FuzzSummary {
  modules: number;
  failures: FuzzFailure[];
  /** Modules the generator could not produce or V8 rejected (not weft's fault). */
  unusable: number;
  /** Modules whose output was byte-identical to the input (no execution needed). */
  identical: number;
  /** Export calls made by the oracle, per side. */
  calls: number;
  ms: number;
  generatorFallbacks: number;
}

export async function fuzz(o: FuzzOptions): Promise<FuzzSummary> {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const gen = new Generator(o.features ?? TTF_FEATURES);
  const indices = o.only ?? Array.from({ length: o.count }, (_, k) => (o.start ?? 0) + k);
  const check: CheckOptions = { passes: o.passes, reencode: o.reencode ?? false, runs: o.runs, timeoutMs: o.timeoutMs };
  const summary: FuzzSummary = { modules: 0, failures: [], unusable: 0, identical: 0, calls: 0, ms: 0, generatorFallbacks: 0 };
  let stop = false;
  let cursor = 0;

  const one = async (index: number) => {
    const random = randomBytes(o.seed, index, o.size ?? 4096);
    const input = await gen.generate(random);
    if (!input || !WA.validate(input)) {
      summary.unusable++;
      log(`module ${index}: ${input ? 'V8 rejects the generated module' : 'wasm-opt failed'}; skipped`);
      return;
    }
    summary.modules++;
    const r = await checkModule(input, check);
    if (r.ok) {
      if (r.identical) summary.identical++;
      summary.calls += r.calls;
      return;
    }
    if (o.stopAtFirst) stop = true;
    const repro = `node scripts/fuzz.js --seed ${o.seed} --only ${index}${o.reproArgs ? ` ${o.reproArgs}` : ''}`;
    const fail: FuzzFailure = { index, kind: r.kind, reason: r.reason, inputSize: input.length, reducedSize: null, dir: null, repro };
    log(`module ${index}: FAIL ${r.kind}: ${r.reason}`);
    let reduced: Uint8Array | null = null;
    if (o.reduce) {
      // A shorter time limit while reducing: a candidate whose calls run long is just not kept.
      const quick: CheckOptions = { ...check, timeoutMs: Math.min(check.timeoutMs ?? 1000, 300) };
      const rr = await reduce(input, async (b) => {
        const c = await checkModule(b, quick);
        return !c.ok && c.kind === r.kind;
      }, gen, o.reduceBudgetMs ?? 60000);
      reduced = rr.bytes;
      fail.reducedSize = reduced.length;
      log(`module ${index}: reduced ${input.length} -> ${reduced.length} bytes (${rr.steps} steps, ${(rr.ms / 1000).toFixed(1)} s)`);
    }
    if (o.outDir) {
      const dir = join(o.outDir, `${o.seed}-${index}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'input.wasm'), input);
      if (r.output) writeFileSync(join(dir, 'output.wasm'), r.output);
      if (reduced) {
        writeFileSync(join(dir, 'reduced.wasm'), reduced);
        const rc = await checkModule(reduced, check);
        if (!rc.ok && rc.output) writeFileSync(join(dir, 'reduced-output.wasm'), rc.output);
      }
      const lines = [
        `${r.kind}: ${r.reason}`,
        `reproduce: ${repro}`,
        `check a file: node scripts/fuzz.js --check ${join(dir, reduced ? 'reduced.wasm' : 'input.wasm')}${o.reproArgs ? ` ${o.reproArgs}` : ''}`,
        `sizes: input ${input.length} bytes${reduced ? `, reduced ${reduced.length} bytes` : ''}`,
      ];
      writeFileSync(join(dir, 'README'), `${lines.join('\n')}\n`);
      fail.dir = dir;
    }
    summary.failures.push(fail);
  };

  const worker = async () => {
    while (!stop && cursor < indices.length) {
      const index = indices[cursor++];
      await one(index);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, o.jobs ?? 2) }, worker));
  } finally {
    gen.dispose();
  }
  summary.failures.sort((a, b) => a.index - b.index);
  summary.ms = performance.now() - t0;
  summary.generatorFallbacks = gen.opt.fallbacks;
  return summary;
}
