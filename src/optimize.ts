// The library entry: decode, validate, run passes, encode.

import { decodeModule } from './binary/decode.js';
import { encodeModuleWithInfo } from './binary/encode.js';
import { countExprs } from './ir/walk.js';
import type { Module } from './ir/module.js';
import { PassContext } from './passes/context.js';
import { pipeline, type Level } from './passes/pipeline.js';
import { findPass, type Pass } from './passes/registry.js';
import { validateModule } from './verify/validate.js';

export interface OptimizeOptions {
  /** Explicit pass list; runs after the level's pipeline when both are given. */
  passes?: string[];
  level?: Level;
  target?: string;
  verify?: boolean;
  /** inline: callees of at most this many nodes are inlined at every call site. */
  inlineMaxSize?: number;
  /** inline: callees (names from the name section, or function indices) inlined at every site. */
  inlineFunctions?: string[];
}

export interface PassStats {
  name: string;
  /** Functions the pass changed. */
  changed: number;
  /** Instructions in the functions the pass looked at, before and after. */
  instrsBefore: number;
  instrsAfter: number;
  ms: number;
}

export interface OptimizeStats {
  passes: PassStats[];
  /** `.debug_*` custom sections dropped because code changed. */
  droppedDebugSections: string[];
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

/** Runs passes over a decoded module in place and returns per-pass statistics. */
export function runPasses(m: Module, passes: Pass[], options: OptimizeOptions = {}): PassStats[] {
  const cx = new PassContext(m, {
    target: options.target ?? 'generic',
    inlineMaxSize: options.inlineMaxSize,
    inlineFunctions: options.inlineFunctions,
  });
  const stats: PassStats[] = [];
  for (const p of passes) {
    const t0 = performance.now();
    let changed = 0;
    let before = 0;
    let after = 0;
    if (p.scope === 'function') {
      for (const f of m.funcs) {
        const n0 = countExprs(cx.body(f).body);
        before += n0;
        if (p.run(cx, f)) {
          changed++;
          cx.changed(f);
          after += countExprs(f.tree!.body);
        } else after += n0;
      }
    } else {
      for (const f of m.funcs) before += countExprs(cx.body(f).body);
      if (p.run(cx, m)) {
        changed = 1;
        cx.moduleChanged();
      }
      for (const f of m.funcs) after += countExprs(cx.body(f).body);
    }
    stats.push({ name: p.name, changed, instrsBefore: before, instrsAfter: after, ms: performance.now() - t0 });
  }
  return stats;
}

export async function optimize(input: Uint8Array, options: OptimizeOptions = {}): Promise<OptimizeResult> {
  const passes = resolvePasses(options);
  const m = decodeModule(input);
  validateModule(m);
  const passStats = runPasses(m, passes, options);
  const { binary, droppedDebug } = encodeModuleWithInfo(m);
  return { binary, stats: { passes: passStats, droppedDebugSections: droppedDebug } };
}
