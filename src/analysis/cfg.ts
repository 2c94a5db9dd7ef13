// The control-flow graph of a function's local accesses, shared by the local graph and
// liveness.
//
// One iterative walk over the tree in execution order (operands before their node, then a
// structure's body; then-arm, else-arm) cuts the function into basic blocks and records, in
// order, the only instructions those analyses care about: `local.get` (reads) and
// `local.set`/`local.tee` (writes, which happen after their operand). Which op reads or
// writes a local, branches, or never falls through comes from the opcode table's effect flags.
//
// Blocks are numbered in the order they become current, so each block's actions are one
// contiguous range of the action list (`blockStart`). Edges:
//   - `loop`: the code before it flows into a new header block; branches to the loop go there;
//   - `block`/`if`: branches to the label and the fall-through from the body's end flow into a
//     new block after it (no new block when only the fall-through reaches the end);
//   - `if`: the condition's block flows into the then-arm and the else-arm (or straight to the
//     block after the `if` when there is no else);
//   - `br_if` ends its block (the branch edge) and falls through into a new one;
//   - `br`, `br_table`, `return`, `unreachable`, tail calls: no fall-through; code after them
//     (only possible at the end of nested structures) starts in a block with no predecessors.
// Block 0 is the function entry and has no predecessors. Branches to the function body
// (`return`), tail calls, and branches to labels outside the analysed tree leave it: no edge. Traps simply end the function.
// Blocks not reachable from the entry keep their actions but lose their out-edges, so dead
// code neither receives nor passes on any state.

import type { Expr } from '../ir/expr.js';
import { Eff, O, OPS } from '../ir/opcodes.js';

const ENTER = 0;
const AFTER_KIDS = 1;
const ELSE = 2;
const END = 3;

class Label {
  /** Loop header block (loops only). */
  header = -1;
  /** Condition block of an `if`. */
  cond = -1;
  /** Blocks that jump or fall through to the end of a block/if. */
  readonly pending: number[] = [];
}

export class LocalCfg {
  /** Function body the graph was built from. */
  readonly root: Expr;
  readonly numBlocks: number;
  /** local.get / local.set / local.tee nodes in execution order. */
  readonly actions: readonly Expr[];
  /** Local index of each action. */
  readonly actLocal: Int32Array;
  /** 1 when the action writes its local (set, tee), 0 for a get. */
  readonly actIsSet: Uint8Array;
  /** Basic block of each action. */
  readonly actBlock: Int32Array;
  /** Actions of block b are [blockStart[b], blockStart[b + 1]). */
  readonly blockStart: Int32Array;
  /** 1 when the block is reachable from the entry. */
  readonly reachable: Uint8Array;
  /** Predecessors of block b are preds[predStart[b] .. predStart[b + 1]) (reachable sources only). */
  readonly predStart: Int32Array;
  readonly preds: Int32Array;
  /** Successors of block b are succs[succStart[b] .. succStart[b + 1]) (empty for unreachable blocks). */
  readonly succStart: Int32Array;
  readonly succs: Int32Array;
  /** Number of locals (at least one more than the largest index accessed). */
  readonly numLocals: number;
  /** Actions of local v, in execution order: byLocal[byLocalStart[v] .. byLocalStart[v + 1]). */
  readonly byLocalStart: Int32Array;
  readonly byLocal: Int32Array;
  private readonly index: Map<Expr, number>;

  constructor(root: Expr, numLocals = 0) {
    const b = new Builder(root);
    b.run();
    this.root = root;
    const nb = b.blockStart.length;
    b.blockStart.push(b.actions.length);
    this.numBlocks = nb;
    this.actions = b.actions;
    this.actLocal = Int32Array.from(b.actLocal);
    this.actIsSet = Uint8Array.from(b.actIsSet);
    this.blockStart = Int32Array.from(b.blockStart);
    const na = b.actions.length;
    const actBlock = new Int32Array(na);
    for (let k = 0; k < nb; k++) actBlock.fill(k, this.blockStart[k], this.blockStart[k + 1]);
    this.actBlock = actBlock;
    this.index = b.index;

    // successors of every block, then reachability from the entry
    const from = b.edgeFrom;
    const to = b.edgeTo;
    const allSucc = csr(nb, from, to, null);
    const reachable = new Uint8Array(nb);
    const work: number[] = [0];
    reachable[0] = 1;
    while (work.length > 0) {
      const x = work.pop()!;
      for (let k = allSucc.start[x]; k < allSucc.start[x + 1]; k++) {
        const y = allSucc.list[k];
        if (reachable[y] === 0) { reachable[y] = 1; work.push(y); }
      }
    }
    this.reachable = reachable;
    const s = csr(nb, from, to, reachable);
    this.succStart = s.start;
    this.succs = s.list;
    const p = csr(nb, to, from, null, reachable);
    this.predStart = p.start;
    this.preds = p.list;

    // actions grouped by local (a counting sort keeps execution order)
    let nl = numLocals;
    for (let k = 0; k < na; k++) if (this.actLocal[k] >= nl) nl = this.actLocal[k] + 1;
    this.numLocals = nl;
    const start = new Int32Array(nl + 1);
    for (let k = 0; k < na; k++) start[this.actLocal[k] + 1]++;
    for (let v = 0; v < nl; v++) start[v + 1] += start[v];
    const fill = start.slice(0, nl);
    const byLocal = new Int32Array(na);
    for (let k = 0; k < na; k++) byLocal[fill[this.actLocal[k]]++] = k;
    this.byLocalStart = start;
    this.byLocal = byLocal;
  }

  /** Index of a local.get/set/tee node in `actions`, or -1 when it is not in this graph. */
  actionOf(e: Expr): number {
    const i = this.index.get(e);
    return i === undefined ? -1 : i;
  }
}

/** Compressed adjacency: for each `key[i]` the `val[i]`s, filtered by `keyOk` / `valOk` (1 = keep). */
function csr(n: number, key: readonly number[], val: readonly number[], keyOk: Uint8Array | null,
  valOk: Uint8Array | null = null): { start: Int32Array; list: Int32Array } {
  const start = new Int32Array(n + 1);
  const m = key.length;
  for (let i = 0; i < m; i++) {
    if ((keyOk !== null && keyOk[key[i]] === 0) || (valOk !== null && valOk[val[i]] === 0)) continue;
    start[key[i] + 1]++;
  }
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const fill = start.slice(0, n);
  const list = new Int32Array(start[n]);
  for (let i = 0; i < m; i++) {
    if ((keyOk !== null && keyOk[key[i]] === 0) || (valOk !== null && valOk[val[i]] === 0)) continue;
    list[fill[key[i]]++] = val[i];
  }
  return { start, list };
}

class Builder {
  readonly actions: Expr[] = [];
  readonly actLocal: number[] = [];
  readonly actIsSet: number[] = [];
  readonly blockStart: number[] = [];
  readonly edgeFrom: number[] = [];
  readonly edgeTo: number[] = [];
  readonly index = new Map<Expr, number>();
  private readonly labels = new Map<Expr, Label>();
  /** Current block, or -1 in code no path reaches (a block is made lazily if it accesses locals). */
  private cur = -1;

  constructor(readonly root: Expr) {}

  private newBlock(): number {
    this.blockStart.push(this.actions.length);
    return this.blockStart.length - 1;
  }

  /** Makes a new current block, flowing from `from` (when live). */
  private follow(from: number): void {
    const b = this.newBlock();
    if (from >= 0) this.edge(from, b);
    this.cur = b;
  }

  private edge(from: number, to: number): void {
    this.edgeFrom.push(from);
    this.edgeTo.push(to);
  }

  /** A branch to `target`; one to a label outside the analysed tree leaves it (no edge). */
  private branchTo(target: Expr): void {
    const l = this.labels.get(target);
    if (l === undefined || this.cur < 0) return;
    if (target.op === O.loop) this.edge(this.cur, l.header);
    else l.pending.push(this.cur);
  }

  private action(e: Expr, isSet: number): void {
    if (this.cur < 0) this.cur = this.newBlock();
    this.index.set(e, this.actions.length);
    this.actions.push(e);
    this.actLocal.push(e.index);
    this.actIsSet.push(isSet);
  }

  run(): void {
    const root = this.root;
    this.cur = this.newBlock(); // block 0: the entry
    const nodes: Expr[] = [root];
    const phases: number[] = [ENTER];
    while (nodes.length > 0) {
      const e = nodes.pop()!;
      let phase = phases.pop()!;
      if (phase === ENTER) {
        const kids = e.kids;
        if (kids.length > 0) {
          nodes.push(e);
          phases.push(AFTER_KIDS);
          for (let k = kids.length - 1; k >= 0; k--) { nodes.push(kids[k]); phases.push(ENTER); }
          continue;
        }
        phase = AFTER_KIDS;
      }
      const op = e.op;
      if (phase === AFTER_KIDS) {
        if (op === O.block || op === O.loop || op === O.if) {
          const l = new Label();
          this.labels.set(e, l);
          if (op === O.loop) {
            this.follow(this.cur);
            l.header = this.cur;
          } else if (op === O.if) {
            l.cond = this.cur;
            this.follow(this.cur);
          }
          nodes.push(e);
          phases.push(END);
          if (e.alt !== null) {
            const alt = e.alt;
            for (let k = alt.length - 1; k >= 0; k--) { nodes.push(alt[k]); phases.push(ENTER); }
            nodes.push(e);
            phases.push(ELSE);
          }
          const body = e.body;
          for (let k = body.length - 1; k >= 0; k--) { nodes.push(body[k]); phases.push(ENTER); }
          continue;
        }
        const fl = OPS[op].effects;
        if (fl & Eff.readLocal) this.action(e, 0);
        else if (fl & Eff.writeLocal) this.action(e, 1);
        if (fl & Eff.branch) {
          if (e.targets !== null) for (const t of e.targets) this.branchTo(t);
          else if (e.target !== null) this.branchTo(e.target);
          // (a tail call has no target: it leaves the function, no edge)
          if ((fl & Eff.noFallThrough) === 0 && this.cur >= 0) this.follow(this.cur);
        }
        if (fl & Eff.noFallThrough) this.cur = -1;
        continue;
      }
      const l = this.labels.get(e)!;
      if (phase === ELSE) {
        if (this.cur >= 0) l.pending.push(this.cur);
        this.follow(l.cond);
        continue;
      }
      // END
      this.labels.delete(e);
      if (op === O.loop) continue; // falls through from the body's end, in the same block
      if (op === O.if && e.alt === null && l.cond >= 0) l.pending.push(l.cond);
      if (this.cur >= 0) l.pending.push(this.cur);
      if (e === root) break;
      const p = l.pending;
      if (p.length === 0) this.cur = -1;
      else if (p.length === 1 && p[0] === this.cur) continue; // only the fall-through: same block
      else {
        const b = this.newBlock();
        for (const x of p) this.edge(x, b);
        this.cur = b;
      }
    }
  }
}

/** Builds the local-access CFG of a function body (`numLocals`: a lower bound for the local count). */
export function buildLocalCfg(root: Expr, numLocals = 0): LocalCfg {
  return new LocalCfg(root, numLocals);
}
