// Liveness of locals: which sets write a value no get can read (`deadSets`), which locals'
// initial values are read, and the interference relation between locals for coalescing.
//
// Built on the local-access CFG (analysis/cfg.ts), a backward dataflow solved sparsely per
// local: a local is live into a block that reads it before writing it, and live into every
// predecessor chain of such a block until a block that writes it; live out of every
// predecessor of a block it is live into. This marking reaches the fixed point directly (no
// iteration over loops: each block is marked at most once per local). Then each reachable
// block is scanned backwards once with the set of live locals (a sparse set), which gives:
//   - dead sets: a set whose local is not live right after it;
//   - interference: at each set of `a`, `a` interferes with every other local live right after
//     it, except locals known to hold the same value (the sources of a copy:
//     `local.set $a (local.get $b)`, and the locals of tees in between);
//   - at the entry every local is defined at once: each parameter interferes with every other
//     local whose initial value is read (the argument differs from anything else). Declared
//     locals all start at zero, so two of them do not interfere at the entry; a caller merging
//     locals must check that their types are equal (as it must anyway). Without `numParams`
//     every local counts as a parameter (conservative).
// Code the entry does not reach is ignored: its sets are dead and define nothing.
// Interference is computed on first use (deadSets alone skips it).

import type { Expr } from '../ir/expr.js';
import type { Func } from '../ir/module.js';
import { O } from '../ir/opcodes.js';
import { buildLocalCfg, type LocalCfg } from './cfg.js';
import type { LocalInfo } from './local-graph.js';

const NO_NEIGHBORS: ReadonlySet<number> = new Set<number>();

export class Liveness {
  readonly cfg: LocalCfg;
  readonly numParams: number;
  /** Live-out locals of block b: liveOut[liveOutStart[b] .. liveOutStart[b + 1]). */
  private readonly liveOutStart: Int32Array;
  private readonly liveOut: Int32Array;
  /** 1 when the local's initial value may be read. */
  private readonly entryLive: Uint8Array;
  /** Per action: 1 when it is a set whose value is never read. */
  private dead: Uint8Array | null = null;
  private adj: (Set<number> | undefined)[] | null = null;

  constructor(root: Expr, info: LocalInfo = {}) {
    this.cfg = info.cfg ?? buildLocalCfg(root, info.numLocals ?? 0);
    if (this.cfg.root !== root) throw new Error('liveness: the CFG belongs to another tree');
    // unknown: treat every local as a parameter (its initial value differs from all others)
    this.numParams = info.numParams ?? this.cfg.numLocals;
    const { numBlocks: nb, numLocals: nl, actIsSet, actBlock, reachable, predStart, preds, byLocalStart, byLocal } =
      this.cfg;
    const setStamp = new Int32Array(nb);
    const inStamp = new Int32Array(nb);
    const outStamp = new Int32Array(nb);
    const outB: number[] = [];
    const outV: number[] = [];
    const work: number[] = [];
    this.entryLive = new Uint8Array(nl);
    for (let v = 0; v < nl; v++) {
      const s0 = byLocalStart[v];
      const s1 = byLocalStart[v + 1];
      if (s0 === s1) continue;
      const stamp = v + 1;
      work.length = 0;
      let lastBlock = -1;
      let seenSet = false;
      for (let k = s0; k < s1; k++) {
        const a = byLocal[k];
        const b = actBlock[a];
        if (reachable[b] === 0) continue;
        if (b !== lastBlock) { lastBlock = b; seenSet = false; }
        if (actIsSet[a] === 1) {
          seenSet = true;
          setStamp[b] = stamp;
        } else if (!seenSet && inStamp[b] !== stamp) {
          inStamp[b] = stamp; // read before any write in b: live in
          work.push(b);
        }
      }
      while (work.length > 0) {
        const b = work.pop()!;
        if (b === 0) this.entryLive[v] = 1;
        for (let k = predStart[b]; k < predStart[b + 1]; k++) {
          const p = preds[k];
          if (outStamp[p] !== stamp) {
            outStamp[p] = stamp;
            outB.push(p);
            outV.push(v);
          }
          if (setStamp[p] !== stamp && inStamp[p] !== stamp) {
            inStamp[p] = stamp;
            work.push(p);
          }
        }
      }
    }
    // live-out lists per block (counting sort)
    const start = new Int32Array(nb + 1);
    for (let i = 0; i < outB.length; i++) start[outB[i] + 1]++;
    for (let b = 0; b < nb; b++) start[b + 1] += start[b];
    const fill = start.slice(0, nb);
    const list = new Int32Array(outB.length);
    for (let i = 0; i < outB.length; i++) list[fill[outB[i]]++] = outV[i];
    this.liveOutStart = start;
    this.liveOut = list;
  }

  get numLocals(): number {
    return this.cfg.numLocals;
  }

  /** Whether the initial value of `local` (argument or zero) may be read. */
  liveAtEntry(local: number): boolean {
    return local < this.entryLive.length && this.entryLive[local] === 1;
  }

  /** Whether `local` is live at the end of CFG block `b` (see analysis/cfg.ts). */
  liveOutOfBlock(b: number, local: number): boolean {
    for (let k = this.liveOutStart[b]; k < this.liveOutStart[b + 1]; k++) if (this.liveOut[k] === local) return true;
    return false;
  }

  /** The sets (local.set/local.tee) whose value no get can read, in execution order. */
  deadSets(): Expr[] {
    const dead = this.deadFlags();
    const out: Expr[] = [];
    const actions = this.cfg.actions;
    for (let a = 0; a < actions.length; a++) if (dead[a] === 1) out.push(actions[a]);
    return out;
  }

  /** Whether no get can read the value `set` writes. */
  isDeadSet(set: Expr): boolean {
    const a = this.cfg.actionOf(set);
    if (a < 0 || this.cfg.actIsSet[a] !== 1) throw new Error(`liveness: ${set.name} is not a set of this function`);
    return this.deadFlags()[a] === 1;
  }

  /** Whether locals `a` and `b` can not share one local (a !== b; see the file header). */
  interferes(a: number, b: number): boolean {
    if (a === b) return false;
    const s = this.adjacency()[a];
    return s !== undefined && s.has(b);
  }

  /** The locals `local` interferes with. Shared: do not mutate. */
  neighbors(local: number): ReadonlySet<number> {
    return this.adjacency()[local] ?? NO_NEIGHBORS;
  }

  private deadFlags(): Uint8Array {
    if (this.dead === null) this.scan(false);
    return this.dead!;
  }

  private adjacency(): (Set<number> | undefined)[] {
    if (this.adj === null) this.scan(true);
    return this.adj!;
  }

  private addEdge(adj: (Set<number> | undefined)[], a: number, b: number): void {
    (adj[a] ??= new Set()).add(b);
    (adj[b] ??= new Set()).add(a);
  }

  /** One backward pass over every reachable block with the live set. */
  private scan(withEdges: boolean): void {
    const { numBlocks: nb, numLocals: nl, actions, actLocal, actIsSet, blockStart, reachable } = this.cfg;
    const dead = new Uint8Array(actions.length);
    const adj: (Set<number> | undefined)[] = withEdges ? new Array(nl) : [];
    // sparse set of live locals
    const dense = new Int32Array(nl);
    const sparse = new Int32Array(nl);
    let size = 0;
    for (let b = 0; b < nb; b++) {
      if (reachable[b] === 0) {
        for (let a = blockStart[b]; a < blockStart[b + 1]; a++) dead[a] = actIsSet[a];
        continue;
      }
      size = 0;
      for (let k = this.liveOutStart[b]; k < this.liveOutStart[b + 1]; k++) {
        const v = this.liveOut[k];
        sparse[v] = size;
        dense[size++] = v;
      }
      for (let a = blockStart[b + 1] - 1; a >= blockStart[b]; a--) {
        const v = actLocal[a];
        const i = sparse[v];
        const live = i < size && dense[i] === v;
        if (actIsSet[a] === 0) {
          if (!live) { sparse[v] = size; dense[size++] = v; }
          continue;
        }
        if (!live) dead[a] = 1;
        if (withEdges) {
          const set = actions[a];
          for (let k = 0; k < size; k++) {
            const w = dense[k];
            if (w !== v && !holdsSameValue(set, w)) this.addEdge(adj, v, w);
          }
        }
        if (live) {
          // remove v: move the last element into its slot
          const last = dense[--size];
          dense[i] = last;
          sparse[last] = i;
        }
      }
      if (b === 0 && withEdges) {
        // the entry defines every local: arguments differ from everything else
        for (let p = 0; p < this.numParams && p < nl; p++) {
          for (let k = 0; k < size; k++) if (dense[k] !== p) this.addEdge(adj, p, dense[k]);
        }
      }
    }
    this.dead = dead;
    if (withEdges) this.adj = adj;
  }
}

/** Whether right after `set` local `w` holds the value it wrote (a copy: set $a (tee $c (get $w))). */
function holdsSameValue(set: Expr, w: number): boolean {
  let e = set.kids.length > 0 ? set.kids[0] : null;
  while (e !== null) {
    if (e.op === O.local_tee) {
      if (e.index === w) return true;
      e = e.kids.length > 0 ? e.kids[0] : null;
    } else return e.op === O.local_get && e.index === w;
  }
  return false;
}

/** Liveness of a function's locals (decoded: `f.tree` set) or of a body tree. */
export function liveness(f: Func | Expr, info: LocalInfo = {}): Liveness {
  const root = 'tree' in f ? f.tree : f;
  if (root === null) throw new Error('liveness: the function body is not decoded');
  return new Liveness(root, info);
}

/** The sets whose value no get can read (execution order). */
export function deadSets(f: Func | Expr, info: LocalInfo = {}): Expr[] {
  return liveness(f, info).deadSets();
}
