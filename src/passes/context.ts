// The per-module context a pass runs in: lazy body decoding (one CodeContext per module
// state), options, and per-function analysis caches dropped when a pass changes the function.

import { codeContext, readFunctionBody, type CodeContext } from '../binary/code-reader.js';
import { encodeFunctionEntry } from '../binary/encode.js';
import type { Expr } from '../ir/expr.js';
import type { Func, Module } from '../ir/module.js';
import { O } from '../ir/opcodes.js';
import { buildLocalCfg, type LocalCfg } from '../analysis/cfg.js';
import { FunctionEffects } from '../analysis/effects.js';
import { LocalGraph } from '../analysis/local-graph.js';
import { Liveness } from '../analysis/liveness.js';
import { Structure } from '../analysis/structure.js';
import type { Level } from './pipeline.js';
import { emptyTallies, runFunctionGroup } from './function-group.js';
import type { FunctionPass } from './registry.js';

/** Whether a `pop` node lies anywhere under `root`. */
function containsPop(root: Expr): boolean {
  const stack: Expr[] = [root];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (e.op === O.pop) return true;
    for (const k of e.kids) stack.push(k);
    for (const k of e.body) stack.push(k);
    if (e.alt !== null) for (const k of e.alt) stack.push(k);
  }
  return false;
}

export interface PassOptions {
  target: string;
  /** inline: callees of at most this many nodes are inlined at every call site. */
  inlineMaxSize?: number;
  /** inline: callees (names from the name section, or function indices) inlined at every site. */
  inlineFunctions?: string[];
  /** stack-sroa: assume shadow-stack frames are private (see README, `--assume-private-stack`). */
  assumePrivateStack?: boolean;
  /** stack-sroa: the stack-pointer global (name or index); default: the global named `__stack_pointer`. */
  stackPointerGlobal?: string;
  /**
   * The -O level whose pipeline runs (default 3): inline-settle follows each round with that
   * level's `afterInline` list, and tries merge-similar-functions in its rounds except at -O2
   * (see pipeline.ts).
   */
  level?: Level;
}

export class PassContext {
  private code: CodeContext | null = null;
  /** Analyses cached per function; see `analysis()`. */
  private caches = new Map<Func, Map<string, unknown>>();

  constructor(readonly module: Module, readonly options: PassOptions) {}

  /** The function's tree, decoded on first use. */
  body(f: Func): Expr {
    if (f.tree) return f.tree;
    this.code ??= codeContext(this.module);
    return readFunctionBody(this.code, this.module, f);
  }

  /**
   * Runs consecutive function passes over some functions, as the runner runs a group (each
   * function through all of them, facts fixed at the start, on several threads when the runner
   * has a pool); the runner installs it. Module passes that re-run function passes on the
   * functions they changed (inline-settle) go through it.
   */
  runGroup: (funcs: readonly Func[], passes: readonly FunctionPass[]) => void = (funcs, passes) => {
    this.startGroup(passes);
    const tallies = emptyTallies(passes.length);
    for (const f of funcs) {
      runFunctionGroup(this, f, passes, -1, undefined, tallies);
      this.release(f);
    }
  };

  /** Module facts function passes share during one group of them (see `groupFact`). */
  private groupFacts = new Map<string, unknown>();

  /**
   * A fact about the whole module (the stack-pointer global, what every `global.set` of a
   * global stores...) that function passes read, computed on first use and kept until the next
   * `startGroup`. The runner starts a group before each run of consecutive function passes and
   * calls their `prepare` hooks, so that every function of the group sees the module as it was
   * at the group's start, whichever thread runs it and in whatever order (see parallel.ts).
   */
  groupFact<T>(key: string, make: () => T): T {
    if (this.groupFacts.has(key)) return this.groupFacts.get(key) as T;
    const v = make();
    this.groupFacts.set(key, v);
    return v;
  }

  /**
   * Starts a group of the function passes `passes`: forgets the `groupFact`s and lets each pass
   * compute the ones it reads (`FunctionPass.prepare`) from the module as it is now.
   */
  startGroup(passes: readonly FunctionPass[]): void {
    this.groupFacts.clear();
    for (const p of passes) p.prepare?.(this);
  }

  /** Returns the cached analysis `key` of `f`, computing it with `make` when absent. */
  analysis<T>(f: Func, key: string, make: () => T): T {
    let c = this.caches.get(f);
    if (!c) this.caches.set(f, (c = new Map()));
    if (c.has(key)) return c.get(key) as T;
    const v = make();
    c.set(key, v);
    return v;
  }

  // ---- analyses (src/analysis/), cached per function until `changed(f)` ----

  /** Effects of every node of `f`'s body, computed on the first query and memoized. */
  effects(f: Func): FunctionEffects {
    return this.analysis(f, 'effects', () => new FunctionEffects(this.body(f)));
  }

  /** The local-access CFG shared by the local graph and liveness. */
  localCfg(f: Func): LocalCfg {
    return this.analysis(f, 'localCfg', () => {
      const root = this.body(f);
      return buildLocalCfg(root, this.module.localTypes(f).length);
    });
  }

  /** For each local.get the sets (and initial value) it may read; for each set the gets it reaches. */
  localGraph(f: Func): LocalGraph {
    return this.analysis(f, 'localGraph', () =>
      new LocalGraph(this.body(f), { cfg: this.localCfg(f), numParams: this.module.types[f.type].params.length }));
  }

  /** Dead sets and interference between locals. */
  liveness(f: Func): Liveness {
    return this.analysis(f, 'liveness', () =>
      new Liveness(this.body(f), { cfg: this.localCfg(f), numParams: this.module.types[f.type].params.length }));
  }

  /** Parents, enclosing labels, dominance. */
  structure(f: Func): Structure {
    return this.analysis(f, 'structure', () => new Structure(this.body(f)));
  }

  /**
   * Writes a changed function's tree back to bytes (`Func.code`) and drops the tree and its
   * analyses, so that memory holds only the trees in use. The next `body(f)` decodes it again.
   * Module passes call it on each function they are done with; the runner after each group.
   */
  release(f: Func): void {
    if (!f.tree) return;
    if (f.dirty) {
      f.code = encodeFunctionEntry(this.module, f);
      f.dirty = false;
    }
    f.tree = null;
    this.caches.delete(f);
  }

  /** Drops the cached analyses of `f` (its tree was released). */
  forget(f: Func): void {
    this.caches.delete(f);
  }

  /**
   * A pass changed `f`: mark it for re-encoding and drop its analyses. When `f` had pops, look
   * again: a pass that removed the code holding the last ones (precompute folding a constant
   * `if`) leaves the flag set, and every later pass that skips stack code would skip `f` until
   * it is decoded again — a second run would then find work this one left.
   */
  changed(f: Func): void {
    this.changedSet.add(f);
    f.dirty = true;
    this.caches.delete(f);
    if (f.hasPops && f.tree) f.hasPops = containsPop(f.tree);
  }

  /** Functions `renumbered` and functions `changed` since `resetTracking`. */
  private readonly renumberedSet = new Set<Func>();
  private readonly changedSet = new Set<Func>();

  /**
   * A module pass renumbered an index space in `f` one-to-one (equal indices stay equal,
   * different ones stay different), as dead-functions does to calls: it is re-encoded and its
   * analyses go, but what a `bodyLocal` pass found on it still holds (see `renumberedOnly`).
   */
  renumbered(f: Func): void {
    f.dirty = true;
    this.caches.delete(f);
    this.renumberedSet.add(f);
  }

  /**
   * `renumbered` for a function without a tree, whose entry the pass re-encoded itself
   * (`code`, what encoding the renumbered tree would give).
   */
  renumberedCode(f: Func, code: Uint8Array): void {
    if (f.tree !== null) throw new Error('renumberedCode: the function has a tree');
    f.code = code;
    this.caches.delete(f);
    this.renumberedSet.add(f);
  }

  /** Whether, since `resetTracking`, `f` was renumbered and nothing else changed it through this context. */
  renumberedOnly(f: Func): boolean {
    return this.renumberedSet.has(f) && !this.changedSet.has(f);
  }

  /** Forgets which functions were renumbered or changed (the runner, around each module pass). */
  resetTracking(): void {
    this.renumberedSet.clear();
    this.changedSet.clear();
  }

  /** A module pass changed module-level tables (imports, functions, globals, types...). */
  moduleChanged(): void {
    this.code = null;
    this.caches.clear();
    this.groupFacts.clear();
  }
}
