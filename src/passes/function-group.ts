// One function through a group of consecutive function passes: what the runner (optimize.ts,
// `runPasses`) does to each function, on the main thread or in a worker (parallel.ts).

import type { Func } from '../ir/module.js';
import { checkNoKids } from '../ir/expr.js';
import { countExprs } from '../ir/walk.js';
import type { PassContext } from './context.js';
import type { FunctionPass } from './registry.js';

/** What a group's passes did, summed over functions (the fields of `PassStats` they fill). */
export interface PassTally {
  /** Functions the pass changed. */
  changed: number;
  instrsBefore: number;
  instrsAfter: number;
  ms: number;
}

export function emptyTallies(n: number): PassTally[] {
  return Array.from({ length: n }, () => ({ changed: 0, instrsBefore: 0, instrsAfter: 0, ms: 0 }));
}

export function addTallies(into: PassTally[], from: readonly PassTally[]): void {
  for (let k = 0; k < into.length; k++) {
    into[k].changed += from[k].changed;
    into[k].instrsBefore += from[k].instrsBefore;
    into[k].instrsAfter += from[k].instrsAfter;
    into[k].ms += from[k].ms;
  }
}

export interface GroupResult {
  /** Instructions of the function after the group. */
  n: number;
  /** The `bodyLocal` passes that found nothing to do on the function as it is now, or undefined. */
  done: Set<string> | undefined;
  /** Some pass changed the function. */
  changed: boolean;
}

/**
 * Runs `passes` over `f` in order. `n` is its instruction count when known (else -1: counted
 * here); `done` the `bodyLocal` passes that found nothing on this very body and signature
 * before (skipped: they would find nothing again). Adds to `tallies` (one per pass). A function
 * all of whose passes are skipped is not decoded. Leaves the tree to the caller (`release`).
 */
export function runFunctionGroup(cx: PassContext, f: Func, passes: readonly FunctionPass[], n: number,
  done: Set<string> | undefined, tallies: PassTally[]): GroupResult {
  if (n < 0) n = countExprs(cx.body(f).body);
  let changed = false;
  for (let k = 0; k < passes.length; k++) {
    const t = tallies[k];
    const p = passes[k];
    t.instrsBefore += n;
    t.instrsAfter += n;
    if (p.bodyLocal && done?.has(p.name)) continue; // a no-op on this very body before
    const t0 = performance.now();
    cx.body(f);
    const did = p.run(cx, f);
    checkNoKids(p.name);
    if (did) {
      t.changed++;
      cx.changed(f);
      changed = true;
      t.instrsAfter -= n;
      n = countExprs(f.tree!.body);
      t.instrsAfter += n;
      done = undefined;
    } else if (p.bodyLocal) {
      (done ??= new Set()).add(p.name);
    }
    t.ms += performance.now() - t0;
  }
  return { n, done, changed };
}
