// The library entry: decode, validate, run passes, encode.

import { decodeModule } from './binary/decode.js';
import { WasmError } from './binary/reader.js';
import { encodeModuleWithInfo } from './binary/encode.js';
import { checkNoKids } from './ir/expr.js';
import { countExprs } from './ir/walk.js';
import type { Func, Module } from './ir/module.js';
import type { FuncType } from './ir/types.js';
import { PassContext } from './passes/context.js';
import { emptyTallies, runFunctionGroup } from './passes/function-group.js';
import { FunctionPool, type GroupItem } from './passes/parallel.js';
import { availableParallelism } from 'node:os';
import { pipeline, type Level } from './passes/pipeline.js';
import { findPass, type FunctionPass, type Pass } from './passes/registry.js';
import { validateModule } from './verify/validate.js';
import { PassVerifier, type VerifyRecord } from './verify/translation-validation.js';

export interface OptimizeOptions {
  /** Explicit pass list; runs after the level's pipeline when both are given. */
  passes?: string[];
  level?: Level;
  target?: string;
  /**
   * Translation validation (verify/translation-validation.ts): every change a pass makes to a
   * function is proven with Z3, or reverted; 'strict' also reverts what cannot be proven.
   */
  verify?: boolean | 'strict';
  /** Time limit of one function's proof (default 2000 ms). */
  verifyTimeoutMs?: number;
  /** Receives the verifier's per-change lines and counterexamples (`--verbose`). */
  verifyLog?: (line: string) => void;
  /** inline: callees of at most this many nodes are inlined at every call site. */
  inlineMaxSize?: number;
  /** inline: callees (names from the name section, or function indices) inlined at every site. */
  inlineFunctions?: string[];
  /** stack-sroa: assume shadow-stack frames are private (see README, `--assume-private-stack`). */
  assumePrivateStack?: boolean;
  /** stack-sroa: the stack-pointer global (name or index); default: the global named `__stack_pointer`. */
  stackPointerGlobal?: string;
  /**
   * Threads for function passes on large modules (passes/parallel.ts); default: the available
   * cores, at most 4. The output does not depend on it.
   */
  jobs?: number;
  /** With `jobs` above 1: modules with less function code than this stay on one thread (default 256 KiB). */
  parallelMinCodeBytes?: number;
}

/** Threads when `jobs` is not given. */
export function defaultJobs(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export interface PassStats {
  name: string;
  /** Functions the pass changed. */
  changed: number;
  /** Instructions in the functions the pass looked at, before and after. */
  instrsBefore: number;
  instrsAfter: number;
  ms: number;
  /** With verify: changed functions proven equivalent, reverted (disproven, or unproven in strict mode), and kept unverified. */
  proven: number;
  reverted: number;
  unverified: number;
  /** Time spent verifying (not in `ms`). */
  verifyMs: number;
}

export interface OptimizeStats {
  passes: PassStats[];
  /** `.debug_*` custom sections dropped because code changed. */
  droppedDebugSections: string[];
  /** With verify: one record per changed function per pass. */
  verification?: VerifyRecord[];
}

export interface OptimizeResult {
  binary: Uint8Array;
  stats: OptimizeStats;
}

export function resolvePasses(options: OptimizeOptions): Pass[] {
  const names = [...pipeline(options.level ?? 0), ...(options.passes ?? [])];
  return names.map((n) => {
    const p = findPass(n);
    if (!p) throw new Error(`unknown pass '${n}' (see 'weft passes')`);
    return p;
  });
}

/** The context passes run in, from the options (shared by runPasses and runPassesAsync). */
function newPassContext(m: Module, options: OptimizeOptions): PassContext {
  return new PassContext(m, {
    target: options.target ?? 'generic',
    // -Os/-Oz: inline only what cannot grow the code (tiny callees, single sites that move)
    inlineMaxSize: options.inlineMaxSize ?? (options.level === 's' || options.level === 'z' ? 0 : undefined),
    // inline-settle follows its rounds with this level's list (-O2: lighter, no merges; pipeline.ts)
    level: options.level,
    inlineFunctions: options.inlineFunctions,
    assumePrivateStack: options.assumePrivateStack,
    stackPointerGlobal: options.stackPointerGlobal,
  });
}

/**
 * Runs passes over a decoded module in place and returns per-pass statistics.
 *
 * Consecutive function passes run as a group, one function at a time: all of them on the
 * first function, then on the next. After its group a function's tree is written back to
 * bytes (or dropped if nothing changed it), so memory holds one function's tree at a time
 * instead of the whole module's (a 35 MB module is ~12 million nodes). Module passes decode
 * bodies on demand and release each one they are done with (`PassContext.release`); the
 * runner releases what is left after them.
 *
 * Instruction counts for the statistics are carried from pass to pass (`sizes`): a function
 * is counted again only when a pass changed it, and never decoded just to be counted unless
 * no pass has counted it yet.
 *
 * A `bodyLocal` pass that found nothing to do on a function is not run on it again until the
 * function changes (`settled`): the cleanup rounds repeat after every big step, and most
 * functions reach them as the last round left them. A function none of whose passes in a group
 * needs to run is not decoded at all.
 */
export function runPasses(m: Module, passes: Pass[], options: OptimizeOptions = {}): PassStats[] {
  const cx = newPassContext(m, options);
  const stats: PassStats[] = passes.map(emptyStats);
  const sizes = new Map<Func, number>();
  // The `bodyLocal` passes that found nothing to do on a function as it is now (and the
  // signature it had): running them again on the same body and signature would change nothing,
  // so the runner skips them (the cleanup rounds of the pipelines meet mostly functions no
  // pass touched since the last round). Dropped when a pass changes the function; a module
  // pass's changes are found as for `sizes` (new bytes or a dirty tree).
  const settled = new Map<Func, { sig: FuncType; passes: Set<string> }>();
  const sizeOf = (f: Func): number => {
    let n = sizes.get(f);
    if (n === undefined) {
      const had = f.tree !== null;
      n = countExprs(cx.body(f).body);
      sizes.set(f, n);
      if (!had) cx.release(f);
    }
    return n;
  };
  const pool = FunctionPool.create(m, cx.options, options.jobs ?? defaultJobs(), options.parallelMinCodeBytes);
  if (pool !== null) {
    // module passes that re-run function passes (inline-settle) use the threads too
    cx.runGroup = (funcs, group) => {
      cx.startGroup(group);
      pool.runGroup(cx, m, group, funcs.map((f) => ({ f, n: -1, done: undefined })), emptyTallies(group.length));
    };
  }
  try {
    for (let i = 0; i < passes.length; ) {
      const p = passes[i];
      if (p.scope === 'module') {
        const st = stats[i];
        const t0 = performance.now();
        for (const f of m.funcs) st.instrsBefore += sizeOf(f);
        cx.resetTracking();
        const codes = new Map<Func, Uint8Array | null>();
        for (const f of m.funcs) codes.set(f, f.code);
        const changed = p.run(cx, m);
        checkNoKids(p.name);
        if (changed) {
          st.changed = 1;
          cx.moduleChanged();
        }
        for (const f of m.funcs) {
          // changed: its tree is dirty, or it was written back (new bytes) during the pass
          // (renumbered only: the same nodes, and the same findings of body-local passes)
          if ((f.dirty || !codes.has(f) || codes.get(f) !== f.code) && !cx.renumberedOnly(f)) {
            sizes.delete(f);
            settled.delete(f);
          }
          if (f.tree !== null && !sizes.has(f)) sizes.set(f, countExprs(f.tree.body));
          cx.release(f);
          st.instrsAfter += sizeOf(f);
        }
        cx.resetTracking();
        st.ms = performance.now() - t0;
        i++;
        continue;
      }
      let j = i;
      while (j < passes.length && passes[j].scope === 'function') j++;
      const group = passes.slice(i, j) as FunctionPass[];
      const tallies = stats.slice(i, j);
      // module facts the group's passes read, fixed at its start (FunctionPass.prepare)
      cx.startGroup(group);
      const items: GroupItem[] = m.funcs.map((f) => {
        const done = settled.get(f);
        return { f, n: sizes.get(f) ?? -1, done: done !== undefined && done.sig === m.types[f.type] ? done.passes : undefined };
      });
      const results = pool !== null ? pool.runGroup(cx, m, group, items, tallies) : items.map((it) => {
        const r = runFunctionGroup(cx, it.f, group, it.n, it.done, tallies);
        cx.release(it.f);
        return r;
      });
      for (let k = 0; k < items.length; k++) {
        const f = items[k].f;
        const r = results[k];
        sizes.set(f, r.n);
        if (r.done !== undefined) settled.set(f, { sig: m.types[f.type], passes: r.done });
        else settled.delete(f);
      }
      i = j;
    }
  } finally {
    pool?.close();
  }
  return stats;
}

function emptyStats(p: Pass): PassStats {
  return { name: p.name, changed: 0, instrsBefore: 0, instrsAfter: 0, ms: 0, proven: 0, reverted: 0, unverified: 0, verifyMs: 0 };
}

/**
 * `runPasses` with translation validation when `options.verify` is set: after each pass, every
 * function it changed is proven equivalent to its previous version, or that change is
 * reverted (see verify/translation-validation.ts). Without `verify` it is `runPasses`.
 */
export async function runPassesAsync(m: Module, passes: Pass[], options: OptimizeOptions = {}):
  Promise<{ passes: PassStats[]; verification: VerifyRecord[] }> {
  if (!options.verify) return { passes: runPasses(m, passes, options), verification: [] };
  const cx = newPassContext(m, options);
  const verifier = new PassVerifier(m, cx, {
    strict: options.verify === 'strict', timeoutMs: options.verifyTimeoutMs ?? 2000, log: options.verifyLog,
  });
  const stats: PassStats[] = passes.map(emptyStats);
  const count = (f: Func) => countExprs(cx.body(f).body);
  for (let i = 0; i < passes.length; ) {
    const p = passes[i];
    if (p.scope === 'module') {
      const st = stats[i];
      const t0 = performance.now();
      const snap = verifier.snapshotModule();
      for (const f of m.funcs) st.instrsBefore += count(f);
      const changed = p.run(cx, m);
      checkNoKids(p.name);
      if (changed) {
        st.changed = 1;
        cx.moduleChanged();
      }
      for (const f of m.funcs) cx.release(f);
      st.ms = performance.now() - t0;
      if (changed) {
        const t1 = performance.now();
        const c = await verifier.afterModulePass(p.name, snap);
        st.proven += c.proven;
        st.reverted += c.reverted;
        st.unverified += c.unverified;
        st.verifyMs += performance.now() - t1;
      }
      for (const f of m.funcs) {
        st.instrsAfter += count(f);
        cx.release(f);
      }
      i++;
      continue;
    }
    let j = i;
    while (j < passes.length && passes[j].scope === 'function') j++;
    for (const f of m.funcs) {
      for (let k = i; k < j; k++) {
        const st = stats[k];
        const t0 = performance.now();
        const n0 = count(f);
        st.instrsBefore += n0;
        const snap = verifier.snapshotFunction(f);
        const did = (passes[k] as FunctionPass).run(cx, f);
        checkNoKids(passes[k].name);
        if (did) {
          st.changed++;
          cx.changed(f);
          st.ms += performance.now() - t0;
          const t1 = performance.now();
          st[await verifier.afterFunctionPass(passes[k].name, f, snap)]++;
          st.verifyMs += performance.now() - t1;
          st.instrsAfter += count(f);
        } else {
          st.instrsAfter += n0;
          st.ms += performance.now() - t0;
        }
      }
      cx.release(f);
    }
    i = j;
  }
  return { passes: stats, verification: verifier.records };
}

/**
 * The output is validated like any input before anyone sees it: an invalid module is a bug of
 * weft's, reported as one (and the CLI then writes nothing). ~70 ms on wasm-tools.core's 2.3 MB.
 */
export function checkOutput(binary: Uint8Array): void {
  try {
    validateModule(decodeModule(binary));
  } catch (e) {
    const where = e instanceof WasmError ? ` at output offset 0x${e.offset.toString(16)}` : '';
    throw new Error(`internal error: the optimized module is invalid (${(e as Error).message}${where}); nothing written`);
  }
}

export async function optimize(input: Uint8Array, options: OptimizeOptions = {}): Promise<OptimizeResult> {
  const passes = resolvePasses(options);
  const m = decodeModule(input);
  validateModule(m);
  if (options.verify) {
    const r = await runPassesAsync(m, passes, options);
    const { binary, droppedDebug } = encodeModuleWithInfo(m);
    if (passes.length > 0) checkOutput(binary);
    return { binary, stats: { passes: r.passes, droppedDebugSections: droppedDebug, verification: r.verification } };
  }
  const passStats = runPasses(m, passes, options);
  const { binary, droppedDebug } = encodeModuleWithInfo(m);
  if (passes.length > 0) checkOutput(binary);
  return { binary, stats: { passes: passStats, droppedDebugSections: droppedDebug } };
}
