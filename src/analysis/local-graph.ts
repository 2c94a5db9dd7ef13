// The local graph: for each `local.get`, the `local.set`/`local.tee` nodes whose value it may
// read, and whether the local's initial value (the argument for a parameter, zero for a
// declared local: `ENTRY`) may reach it; and the inverse, for each set the gets it reaches.
//
// Built on the local-access CFG (analysis/cfg.ts). Reaching definitions are solved one local
// at a time, sparsely: a get preceded by a set of its local in the same basic block reads that
// set; the other gets ("upward exposed") read whatever reaches the start of their block, In(b):
//   In(b) = union over predecessors p of: p's last set of the local, if p sets it, else In(p);
//   In(entry) = { ENTRY }.
// Only blocks reached backwards from such gets through blocks that do not set the local are
// visited. Their dependency graph (b depends on a non-setting predecessor p) is condensed into
// strongly connected components with an iterative Tarjan walk, which finishes a component only
// after every component it depends on: In of a component is then one union of its sources,
// computed once (all blocks of a cycle share the same In), so loops need no iteration to a
// fixed point and nested loops cost no more than flat code. Unions reuse an existing array
// whenever possible, so chains of blocks share one result.
//
// Dead code (blocks the entry does not reach) gets the empty set; sets there reach nothing.
// Results are snapshots: a pass that changes the function must drop them.

import type { Expr } from '../ir/expr.js';
import type { Func } from '../ir/module.js';
import { buildLocalCfg, type LocalCfg } from './cfg.js';

/** The initial value of a local (the argument of a parameter, zero for a declared local). */
export const ENTRY = 'entry' as const;
export type Def = Expr | typeof ENTRY;

type Ids = readonly number[];
const NO_IDS: Ids = []; // not frozen: see NO_KIDS (ir/expr.ts); `readonly` keeps it empty
const EMPTY_DEFS: ReadonlySet<Def> = new Set<Def>();
const EMPTY_GETS: ReadonlySet<Expr> = new Set<Expr>();
const ENTRY_ID = -1;
const ENTRY_IDS: Ids = [ENTRY_ID];

export interface LocalInfo {
  /** Number of locals, params included (defaults to what the body accesses). */
  numLocals?: number;
  /** Number of parameters (locals 0 .. numParams-1), for `isParam`. */
  numParams?: number;
  /** A prebuilt CFG of the same body, to share with liveness. */
  cfg?: LocalCfg;
}

export class LocalGraph {
  readonly cfg: LocalCfg;
  readonly numParams: number;
  /** For each get action: the sorted ids of the sets reaching it (action indices, ENTRY_ID first). */
  private readonly reach: (Ids | undefined)[];
  private setGetIds: (number[] | undefined)[] | null = null;
  private setCounts: { count: Int32Array; some: Int32Array } | null = null;
  private readonly defSets = new Map<Ids, ReadonlySet<Def>>();
  private readonly getSetCache = new Map<number, ReadonlySet<Expr>>();

  constructor(root: Expr, info: LocalInfo = {}) {
    this.cfg = info.cfg ?? buildLocalCfg(root, info.numLocals ?? 0);
    if (this.cfg.root !== root) throw new Error('local graph: the CFG belongs to another tree');
    this.numParams = info.numParams ?? 0;
    this.reach = solve(this.cfg);
  }

  get numLocals(): number {
    return this.cfg.numLocals;
  }

  /** All local.get nodes, in execution order. */
  gets(): Expr[] {
    const out: Expr[] = [];
    const { actions, actIsSet } = this.cfg;
    for (let a = 0; a < actions.length; a++) if (actIsSet[a] === 0) out.push(actions[a]);
    return out;
  }

  /** All local.set / local.tee nodes, in execution order. */
  sets(): Expr[] {
    const out: Expr[] = [];
    const { actions, actIsSet } = this.cfg;
    for (let a = 0; a < actions.length; a++) if (actIsSet[a] === 1) out.push(actions[a]);
    return out;
  }

  private action(e: Expr, isSet: number): number {
    const a = this.cfg.actionOf(e);
    if (a < 0 || this.cfg.actIsSet[a] !== isSet) {
      throw new Error(`local graph: ${e.name} is not a ${isSet ? 'local.set/tee' : 'local.get'} of this function`);
    }
    return a;
  }

  /** Whether the local is a parameter (its ENTRY value is the argument). */
  isParam(local: number): boolean {
    return local < this.numParams;
  }

  /** The sets (and ENTRY) whose value `get` may read; empty in dead code. Shared: do not mutate. */
  getSets(get: Expr): ReadonlySet<Def> {
    const ids = this.reach[this.action(get, 0)]!;
    if (ids.length === 0) return EMPTY_DEFS;
    let s = this.defSets.get(ids);
    if (s === undefined) {
      const actions = this.cfg.actions;
      const m = new Set<Def>();
      for (const id of ids) m.add(id === ENTRY_ID ? ENTRY : actions[id]);
      s = m;
      this.defSets.set(ids, s);
    }
    return s;
  }

  /** Number of definitions (sets and ENTRY) reaching `get`. */
  countSets(get: Expr): number {
    return this.reach[this.action(get, 0)]!.length;
  }

  /** Whether the local's initial value may reach `get`. */
  reachesEntry(get: Expr): boolean {
    const ids = this.reach[this.action(get, 0)]!;
    return ids.length > 0 && ids[0] === ENTRY_ID;
  }

  /** The single set `get` reads (no other set and not the initial value), else null. */
  soleSet(get: Expr): Expr | null {
    const ids = this.reach[this.action(get, 0)]!;
    return ids.length === 1 && ids[0] !== ENTRY_ID ? this.cfg.actions[ids[0]] : null;
  }

  /**
   * Number of gets that may read the value `set` writes, without building the set of them
   * (a set read by n gets across a loop that m sets share would cost n × m as sets).
   */
  setGetCount(set: Expr): number {
    return this.counts().count[this.action(set, 1)];
  }

  /** The only get that may read the value `set` writes, or null (none, or several). */
  soleGet(set: Expr): Expr | null {
    const c = this.counts();
    const a = this.action(set, 1);
    return c.count[a] === 1 ? this.cfg.actions[c.some[a]] : null;
  }

  /** The gets that may read the value `set` writes. Shared: do not mutate. */
  setGets(set: Expr): ReadonlySet<Expr> {
    const a = this.action(set, 1);
    let s = this.getSetCache.get(a);
    if (s !== undefined) return s;
    const list = this.inverse()[a];
    if (list === undefined) return EMPTY_GETS;
    const actions = this.cfg.actions;
    const m = new Set<Expr>();
    for (const g of list) m.add(actions[g]);
    s = m;
    this.getSetCache.set(a, s);
    return s;
  }

  /** No get can read the value `set` writes. */
  isDeadSet(set: Expr): boolean {
    return this.counts().count[this.action(set, 1)] === 0;
  }

  /** Whether `get` lies in code the function entry never reaches. */
  isUnreachable(e: Expr): boolean {
    const a = this.cfg.actionOf(e);
    if (a < 0) throw new Error(`local graph: ${e.name} is not a local access of this function`);
    return this.cfg.reachable[this.cfg.actBlock[a]] === 0;
  }

  /**
   * For each set action, how many gets read it and one of them. Gets share their reaching
   * arrays (every get of a loop-carried local reads one union), so each distinct array is
   * counted once with its number of users: linear in the distinct reach data, not in the
   * (set, get) pairs.
   */
  private counts(): { count: Int32Array; some: Int32Array } {
    if (this.setCounts !== null) return this.setCounts;
    const na = this.cfg.actions.length;
    const count = new Int32Array(na);
    const some = new Int32Array(na).fill(-1);
    const users = new Map<Ids, number>();
    const first = new Map<Ids, number>();
    const reach = this.reach;
    for (let a = 0; a < reach.length; a++) {
      const ids = reach[a];
      if (ids === undefined || ids.length === 0) continue;
      const u = users.get(ids);
      if (u === undefined) {
        users.set(ids, 1);
        first.set(ids, a);
      } else users.set(ids, u + 1);
    }
    for (const [ids, u] of users) {
      const g = first.get(ids)!;
      for (let k = 0; k < ids.length; k++) {
        const s = ids[k];
        if (s === ENTRY_ID) continue;
        count[s] += u;
        if (some[s] < 0) some[s] = g;
      }
    }
    this.setCounts = { count, some };
    return this.setCounts;
  }

  private inverse(): (number[] | undefined)[] {
    if (this.setGetIds !== null) return this.setGetIds;
    const out: (number[] | undefined)[] = new Array(this.cfg.actions.length);
    const reach = this.reach;
    for (let a = 0; a < reach.length; a++) {
      const ids = reach[a];
      if (ids === undefined) continue;
      for (let k = 0; k < ids.length; k++) {
        const s = ids[k];
        if (s !== ENTRY_ID) (out[s] ??= []).push(a);
      }
    }
    this.setGetIds = out;
    return out;
  }
}

/** The local graph of a function (decoded: `f.tree` set) or of a body tree. */
export function localGraph(f: Func | Expr, info: LocalInfo = {}): LocalGraph {
  const root = 'tree' in f ? f.tree : f;
  if (root === null) throw new Error('local graph: the function body is not decoded');
  return new LocalGraph(root, info);
}

// ---- the solver -----------------------------------------------------------------------------

function byNumber(x: number, y: number): number {
  return x - y;
}

/** Reaching definitions of every get, per local (see the file header). */
function solve(cfg: LocalCfg): (Ids | undefined)[] {
  const nb = cfg.numBlocks;
  const { actIsSet, actBlock, reachable, predStart, preds, byLocalStart, byLocal } = cfg;
  const reach: (Ids | undefined)[] = new Array(cfg.actions.length);
  const singletons: (Ids | undefined)[] = new Array(cfg.actions.length);
  // per-block scratch, valid when the stamp equals the current local + 1
  const setStamp = new Int32Array(nb);
  const setAct = new Int32Array(nb);
  const ueStamp = new Int32Array(nb);
  const visit = new Int32Array(nb);
  const order = new Int32Array(nb);
  const low = new Int32Array(nb);
  const onStack = new Uint8Array(nb);
  const comp = new Int32Array(nb);
  const compIn: Ids[] = [];
  const ueBlocks: number[] = [];
  const ueGets: number[] = [];
  const sccStack: number[] = [];
  const callNode: number[] = [];
  const callPos: number[] = [];
  const members: number[] = [];
  const buf: number[] = [];
  let counter = 0;
  // the union being built for one component: `res` alone, or the elements gathered in `buf`
  let res: Ids | null = null;
  let merging = false;
  const add = (c: Ids): void => {
    if (c.length === 0 || c === res) return;
    if (res === null) { res = c; return; }
    if (!merging) { merging = true; for (const y of res) buf.push(y); }
    for (const y of c) buf.push(y);
  };
  const single = (a: number): Ids => (singletons[a] ??= [a]);

  for (let v = 0; v < cfg.numLocals; v++) {
    const s0 = byLocalStart[v];
    const s1 = byLocalStart[v + 1];
    if (s0 === s1) continue;
    const stamp = v + 1;
    if (ueBlocks.length > 0) ueBlocks.length = 0;
    if (ueGets.length > 0) ueGets.length = 0;
    let lastBlock = -1;
    let lastSet = -1;
    for (let k = s0; k < s1; k++) {
      const a = byLocal[k];
      const b = actBlock[a];
      if (b !== lastBlock) { lastBlock = b; lastSet = -1; }
      if (reachable[b] === 0) {
        if (actIsSet[a] === 0) reach[a] = NO_IDS;
        continue;
      }
      if (actIsSet[a] === 1) {
        lastSet = a;
        setStamp[b] = stamp;
        setAct[b] = a;
      } else if (lastSet >= 0) {
        reach[a] = single(lastSet);
      } else {
        if (ueStamp[b] !== stamp) { ueStamp[b] = stamp; ueBlocks.push(b); }
        ueGets.push(a);
      }
    }
    if (ueGets.length === 0) continue;

    // Tarjan's SCCs over "b depends on its predecessor p" (p not setting v), iteratively
    if (compIn.length > 0) compIn.length = 0;
    for (const root of ueBlocks) {
      if (visit[root] === stamp) continue;
      visit[root] = stamp;
      order[root] = low[root] = counter++;
      sccStack.push(root);
      onStack[root] = 1;
      callNode.push(root);
      callPos.push(predStart[root]);
      while (callNode.length > 0) {
        const top = callNode.length - 1;
        const b = callNode[top];
        const pos = callPos[top];
        if (pos < predStart[b + 1]) {
          callPos[top] = pos + 1;
          const p = preds[pos];
          if (setStamp[p] === stamp) continue; // a source, not a dependency
          if (visit[p] !== stamp) {
            visit[p] = stamp;
            order[p] = low[p] = counter++;
            sccStack.push(p);
            onStack[p] = 1;
            callNode.push(p);
            callPos.push(predStart[p]);
          } else if (onStack[p] === 1 && order[p] < low[b]) {
            low[b] = order[p];
          }
          continue;
        }
        callNode.pop();
        callPos.pop();
        if (callNode.length > 0) {
          const parent = callNode[callNode.length - 1];
          if (low[b] < low[parent]) low[parent] = low[b];
        }
        if (low[b] !== order[b]) continue;
        // b roots a component: pop it and compute its In once
        const cid = compIn.length;
        if (members.length > 0) members.length = 0;
        let hasEntry = false;
        for (;;) {
          const x = sccStack.pop()!;
          onStack[x] = 0;
          comp[x] = cid;
          members.push(x);
          if (x === 0) hasEntry = true;
          if (x === b) break;
        }
        res = hasEntry ? ENTRY_IDS : null;
        merging = false;
        if (buf.length > 0) buf.length = 0;
        for (const x of members) {
          for (let k = predStart[x]; k < predStart[x + 1]; k++) {
            const p = preds[k];
            if (setStamp[p] === stamp) add(single(setAct[p]));
            else if (comp[p] !== cid) add(compIn[comp[p]]);
          }
        }
        let out: Ids;
        if (!merging) out = (res as Ids | null) ?? NO_IDS;
        else {
          buf.sort(byNumber);
          const u: number[] = [];
          for (let k = 0; k < buf.length; k++) if (k === 0 || buf[k] !== buf[k - 1]) u.push(buf[k]);
          out = u;
        }
        compIn.push(out);
      }
    }
    for (const a of ueGets) reach[a] = compIn[comp[actBlock[a]]];
  }
  return reach;
}
