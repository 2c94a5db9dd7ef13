// Effects analysis: what evaluating a node (with its whole subtree) may do, and whether two
// nodes can be reordered.
//
// Per-op effects are derived once from the opcode table's `Eff` flags (`OWN_FLAGS`); no opcode
// is listed here. A call is treated as "anything global": it may trap, read and write every
// memory, table and global, grow memory and touch segment state. `memory.grow` counts as a
// memory write (it changes what later loads/stores/memory.size observe).
//
// An `Effects` value is immutable and records: a flag word (`F`), sorted arrays of the locals
// and globals read/written, and the labels *outside* the subtree that branches inside it
// target. Branches to labels inside the subtree do not count; `return` targets the function
// body (so it branches out of everything but the whole body), `return_call*` set `F.exits`.
// `noFallThrough` is computed structurally (a block never falls through when a root of its
// body never does and nothing branches to it; a loop when a root of its body never does; an
// if when both arms never do and nothing branches to it). A loop
// that some branch inside it targets may run forever (`F.mayNotReturn`), which orders like a
// trap. `F.pops` marks a subtree whose `pop` operands read values from outside it: only pops
// reached through operand (`kids`) edges; pops inside a nested body read values produced inside
// that body or the body's own parameters.
//
// Cost: `FunctionEffects` computes the effects of every node of a function bottom-up in one
// iterative post-order walk on first use and memoizes them (a Map Expr -> Effects). Results
// are shared aggressively: leaves with the same effect (e.g. every `local.get 3`) share one
// object, and a parent that adds nothing to a child reuses the child's object or arrays, so a
// deep nest or a big expression costs little beyond the Map entry. Branch targets are kept
// sorted by label depth (outermost first): the labels a subtree branches out to are all its
// ancestors, so a structure that is itself targeted is always the last entry, and dropping it
// is a constant-time shorter view of the same arrays. A 10,000-deep `br_table` dispatch
// (compilers emit them for switches) therefore costs linear, not quadratic, time; a union
// checks containment by binary search before it merges.
// The cache is a snapshot: a pass that changes the tree must drop it (PassContext.changed).

import type { Expr } from '../ir/expr.js';
import { Eff, O, OPS } from '../ir/opcodes.js';

/** Flags of an `Effects` (bits shared with `Eff` keep the same meaning). */
export const F = {
  trap: Eff.trap,
  readMem: Eff.readMem,
  writeMem: Eff.writeMem,
  readTable: Eff.readTable,
  writeTable: Eff.writeTable,
  /** Calls a function: implies every global effect (memory, tables, globals, traps, growth, segments). */
  call: Eff.call,
  noFallThrough: Eff.noFallThrough,
  growMem: Eff.growMem,
  /** Reads or changes data/elem segment state (memory.init, data.drop, table.init, elem.drop). */
  data: Eff.data,
  /** Leaves the function by a tail call (return_call, return_call_indirect). */
  exits: 1 << 16,
  /** Contains a loop that may run forever (a loop targeted by a branch inside it). */
  mayNotReturn: 1 << 17,
  /** Contains `pop` operands that read values from outside the subtree. */
  pops: 1 << 18,
} as const;

/** Effects that must not be reordered with a trap (observable outside the function). */
const GLOBAL_WRITES = F.writeMem | F.writeTable | F.call | F.growMem | F.data | F.exits;
/** Orders like a trap: ends the function's observable progress at an unknown point. */
const TRAPLIKE = F.trap | F.mayNotReturn;
/** Flags that make a subtree impossible to remove or move freely. */
const SIDE_EFFECT_FLAGS = F.trap | F.writeMem | F.writeTable | F.call | F.growMem | F.data | F.exits |
  F.mayNotReturn | F.pops;
/** Flags that read state (the value may change when moved). */
const READ_FLAGS = F.readMem | F.readTable | F.call | F.data;
/** Flags that never propagate from a body root to the enclosing structure. */
const BODY_MASK = ~(F.pops | F.noFallThrough);

type Num = readonly number[];
const NO_NUMS: Num = []; // not frozen: see NO_KIDS (ir/expr.ts); `readonly` keeps it empty

/**
 * An immutable set of labels: the first `count` entries of `labels`, sorted by `keys`
 * (the label's depth in the analysed tree, outermost first; labels outside the tree get
 * negative keys). Views of one pair of arrays share them.
 */
export class LabelSet {
  constructor(readonly labels: readonly Expr[], readonly keys: readonly number[], readonly count: number) {}

  has(label: Expr): boolean {
    const l = this.labels;
    for (let i = 0; i < this.count; i++) if (l[i] === label) return true;
    return false;
  }

  toArray(): Expr[] {
    return this.labels.slice(0, this.count);
  }
}

const NO_TARGETS = new LabelSet([], [], 0);

/** The effects of one node together with its subtree. Immutable; shared between nodes. */
export class Effects {
  constructor(
    /** `F` flags. */
    readonly flags: number,
    /** Indices of locals read (sorted, unique). */
    readonly localsRead: Num = NO_NUMS,
    /** Indices of locals written (sorted, unique). */
    readonly localsWritten: Num = NO_NUMS,
    /** Indices of globals read (sorted, unique); a call reads all globals without listing them. */
    readonly globalsRead: Num = NO_NUMS,
    /** Indices of globals written (sorted, unique); a call writes all globals without listing them. */
    readonly globalsWritten: Num = NO_NUMS,
    /** Labels outside the subtree that branches inside it target (the function body for `return`). */
    readonly targets: LabelSet = NO_TARGETS,
  ) {}

  /** The labels outside the subtree that branches inside it target, outermost first (a new array). */
  get branchTargets(): Expr[] {
    return this.targets.toArray();
  }

  get mayTrap(): boolean { return (this.flags & F.trap) !== 0; }
  get calls(): boolean { return (this.flags & F.call) !== 0; }
  get noFallThrough(): boolean { return (this.flags & F.noFallThrough) !== 0; }
  get hasPops(): boolean { return (this.flags & F.pops) !== 0; }
  get readsMemory(): boolean { return (this.flags & F.readMem) !== 0; }
  get writesMemory(): boolean { return (this.flags & F.writeMem) !== 0; }
  get readsTable(): boolean { return (this.flags & F.readTable) !== 0; }
  get writesTable(): boolean { return (this.flags & F.writeTable) !== 0; }
  get growsMemory(): boolean { return (this.flags & F.growMem) !== 0; }
  get mayNotReturn(): boolean { return (this.flags & F.mayNotReturn) !== 0; }
  /** Control may leave the subtree other than by falling through or trapping (branch out, return, tail call). */
  get branchesOut(): boolean { return this.targets.count > 0 || (this.flags & F.exits) !== 0; }

  readsLocal(i: number): boolean { return hasNum(this.localsRead, i); }
  writesLocal(i: number): boolean { return hasNum(this.localsWritten, i); }
  /** Whether global `i` may be read (a call may read any global). */
  readsGlobal(i: number): boolean { return (this.flags & F.call) !== 0 || hasNum(this.globalsRead, i); }
  /** Whether global `i` may be written (a call may write any global). */
  writesGlobal(i: number): boolean { return (this.flags & F.call) !== 0 || hasNum(this.globalsWritten, i); }
  readsAnyGlobal(): boolean { return (this.flags & F.call) !== 0 || this.globalsRead.length > 0; }
  writesAnyGlobal(): boolean { return (this.flags & F.call) !== 0 || this.globalsWritten.length > 0; }
  /** Whether branches inside target `label` (a block/loop/if outside the subtree). */
  branchesTo(label: Expr): boolean { return this.targets.has(label); }

  /** Changes state that outlives the function (memory, tables, globals, segments, calls), traps aside. */
  writesGlobalState(): boolean {
    return (this.flags & GLOBAL_WRITES) !== 0 || this.globalsWritten.length > 0;
  }

  /** Reads any state besides operands: locals, globals, memory, tables, segments, calls. */
  readsState(): boolean {
    return (this.flags & READ_FLAGS) !== 0 || this.localsRead.length > 0 || this.globalsRead.length > 0;
  }

  /**
   * Removing the subtree (keeping nothing of it) could change behaviour: it writes a local or
   * global state, may trap, may not terminate, branches out, calls, or takes `pop` operands
   * from outside. Reads alone are not side effects.
   */
  hasSideEffects(): boolean {
    return (this.flags & SIDE_EFFECT_FLAGS) !== 0 || this.localsWritten.length > 0 ||
      this.globalsWritten.length > 0 || this.targets.count > 0;
  }

  /** No side effects and no reads of state: the value depends only on constants, anywhere it is evaluated. */
  isPure(): boolean {
    return !this.hasSideEffects() && !this.readsState();
  }

  /**
   * Whether evaluating `this` and `other` in the opposite order could be observable (the
   * relation is symmetric). Conflicts: a write with a read or write of the same local, global,
   * memory, table or segment state; a trap (or possibly endless loop) with a trap or any write
   * of global state; a branch out with any side effect of the other; `pop` operands (moving
   * them changes which stack values they take) with anything.
   */
  invalidates(other: Effects): boolean {
    const a = this.flags;
    const b = other.flags;
    if (((a | b) & F.pops) !== 0) return true;
    if ((this.branchesOut && other.hasSideEffects()) || (other.branchesOut && this.hasSideEffects())) return true;
    // memory, tables, segments (calls set every one of these flags)
    if ((a & F.writeMem) !== 0 && (b & (F.readMem | F.writeMem)) !== 0) return true;
    if ((b & F.writeMem) !== 0 && (a & F.readMem) !== 0) return true;
    if ((a & F.writeTable) !== 0 && (b & (F.readTable | F.writeTable)) !== 0) return true;
    if ((b & F.writeTable) !== 0 && (a & F.readTable) !== 0) return true;
    if ((a & F.data) !== 0 && (b & F.data) !== 0) return true;
    // traps: which one happens, and what was written before it, is observable
    if ((a & TRAPLIKE) !== 0 && ((b & TRAPLIKE) !== 0 || other.writesGlobalState())) return true;
    if ((b & TRAPLIKE) !== 0 && this.writesGlobalState()) return true;
    // locals
    if (intersects(this.localsWritten, other.localsRead) || intersects(this.localsWritten, other.localsWritten) ||
        intersects(this.localsRead, other.localsWritten)) return true;
    // globals
    if ((a & F.call) !== 0) return other.readsAnyGlobal() || other.writesAnyGlobal();
    if ((b & F.call) !== 0) return this.readsAnyGlobal() || this.writesAnyGlobal();
    return intersects(this.globalsWritten, other.globalsRead) || intersects(this.globalsWritten, other.globalsWritten) ||
      intersects(this.globalsRead, other.globalsWritten);
  }

  /** Same as `invalidates` (the relation is symmetric): can the two not be reordered? */
  conflictsWith(other: Effects): boolean {
    return this.invalidates(other);
  }

  /** A readable summary for tests and debugging. */
  toString(): string {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(F)) if (this.flags & v) parts.push(k);
    if (this.localsRead.length) parts.push(`localsRead=${this.localsRead.join(',')}`);
    if (this.localsWritten.length) parts.push(`localsWritten=${this.localsWritten.join(',')}`);
    if (this.globalsRead.length) parts.push(`globalsRead=${this.globalsRead.join(',')}`);
    if (this.globalsWritten.length) parts.push(`globalsWritten=${this.globalsWritten.join(',')}`);
    if (this.targets.count) parts.push(`branchTargets=${this.targets.count}`);
    return `Effects(${parts.join(' ')})`;
  }
}

/** The effects of nothing at all. */
export const NO_EFFECTS = new Effects(0);

// ---- per-op effects, derived from the opcode table ------------------------------------------

const CALL_IMPLIES = F.trap | F.readMem | F.writeMem | F.readTable | F.writeTable | F.growMem | F.data;

/** `F` flags of each op by itself (operands aside), from `OPS[op].effects`. */
const OWN_FLAGS: Uint32Array = (() => {
  const out = new Uint32Array(OPS.length);
  const copied = Eff.trap | Eff.readMem | Eff.writeMem | Eff.readTable | Eff.writeTable | Eff.call |
    Eff.noFallThrough | Eff.growMem | Eff.data;
  for (const info of OPS) {
    const e = info.effects;
    let f = e & copied;
    if (e & Eff.call) f |= CALL_IMPLIES;
    if (e & Eff.growMem) f |= F.writeMem; // a size change is observed by later memory accesses
    out[info.id] = f;
  }
  return out;
})();

// ---- sorted-array and label-list helpers ----------------------------------------------------

function hasNum(a: Num, x: number): boolean {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = a[mid];
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

function intersects(a: Num, b: Num): boolean {
  if (a.length === 0 || b.length === 0) return false;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x === y) return true;
    if (x < y) i++;
    else j++;
  }
  return false;
}

/** Whether sorted `a` contains every element of sorted `b`. */
function numsContain(a: Num, b: Num): boolean {
  if (b.length === 0 || a === b) return true;
  if (b.length > a.length) return false;
  if (b.length * 8 < a.length) {
    for (let j = 0; j < b.length; j++) if (!hasNum(a, b[j])) return false;
    return true;
  }
  let i = 0;
  for (let j = 0; j < b.length; j++) {
    const y = b[j];
    while (i < a.length && a[i] < y) i++;
    if (i === a.length || a[i] !== y) return false;
    i++;
  }
  return true;
}

/** Union of sorted arrays, returning one of the inputs when it already is the union. */
function unionNums(a: Num, b: Num): Num {
  if (a === b || b.length === 0) return a;
  if (a.length === 0) return b;
  if (numsContain(a, b)) return a;
  if (numsContain(b, a)) return b;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x === y) { out.push(x); i++; j++; }
    else if (x < y) { out.push(x); i++; }
    else { out.push(y); j++; }
  }
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
}

/** Whether sorted `keys[0..n)` contains `k`. */
function hasKey(keys: readonly number[], n: number, k: number): boolean {
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = keys[mid];
    if (v === k) return true;
    if (v < k) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

function targetsContain(a: LabelSet, b: LabelSet): boolean {
  if (b.count === 0 || a === b) return true;
  if (b.count > a.count) return false;
  if (a.labels === b.labels) return true; // a longer view of the same arrays
  for (let i = 0; i < b.count; i++) if (!hasKey(a.keys, a.count, b.keys[i])) return false;
  return true;
}

/** Union of label sets (keys identify labels: all are ancestors of one node), reusing an input when possible. */
function unionTargets(a: LabelSet, b: LabelSet): LabelSet {
  if (a === b || b.count === 0) return a;
  if (a.count === 0) return b;
  if (targetsContain(a, b)) return a;
  if (targetsContain(b, a)) return b;
  const labels: Expr[] = [];
  const keys: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.count || j < b.count) {
    const ka = i < a.count ? a.keys[i] : Infinity;
    const kb = j < b.count ? b.keys[j] : Infinity;
    if (ka <= kb) {
      labels.push(a.labels[i]);
      keys.push(ka);
      i++;
      if (ka === kb) j++;
    } else {
      labels.push(b.labels[j]);
      keys.push(kb);
      j++;
    }
  }
  return new LabelSet(labels, keys, labels.length);
}

/** `a` without `label`, which can only be its innermost (last) entry. */
function withoutTarget(a: LabelSet, label: Expr): LabelSet {
  if (a.count === 0 || a.labels[a.count - 1] !== label) return a;
  return a.count === 1 ? NO_TARGETS : new LabelSet(a.labels, a.keys, a.count - 1);
}

function sameEffects(e: Effects, flags: number, lr: Num, lw: Num, gr: Num, gw: Num, bt: LabelSet): boolean {
  return e.flags === flags && e.localsRead === lr && e.localsWritten === lw && e.globalsRead === gr &&
    e.globalsWritten === gw && e.targets === bt;
}

// ---- the per-function cache -----------------------------------------------------------------

// Interned effects of leaves, shared by every tree (immutable; per computation, a function with
// hundreds of locals allocated one per local): by local/global index, and by op for the ops
// whose effects are their flags alone.
const GET_FX: Effects[] = [];
const SET_FX: Effects[] = [];
const GLOBAL_GET_FX: Effects[] = [];
const GLOBAL_SET_FX: Effects[] = [];
const OP_FX: Effects[] = [];
const POP_FX = new Effects(F.pops);

/**
 * Effects of every node of one tree (a function body), all computed bottom-up on the first
 * query and memoized; valid until the tree changes. A node that is not in the tree (built
 * since) is computed afresh on each query, without touching the memo.
 */
export class FunctionEffects {
  private readonly map = new Map<Expr, Effects>();
  private computed = false;
  /** Sort keys of labels: depth in the tree, or a negative number for labels outside it. */
  private readonly labelKey = new Map<Expr, number>();
  private outsideKeys = 0;
  // interned effects of branches (per target label: its key is this tree's)
  private readonly brFx = new Map<Expr, Effects>();
  private readonly brIfFx = new Map<Expr, Effects>();

  constructor(readonly root: Expr) {}

  /** Number of memoized nodes. */
  get size(): number {
    return this.map.size;
  }

  /** Drops every memoized result (after the tree changed); the next query recomputes. */
  clear(): void {
    this.map.clear();
    this.labelKey.clear();
    this.brFx.clear();
    this.brIfFx.clear();
    this.outsideKeys = 0;
    this.computed = false;
  }

  /** Whether `e`'s effects are memoized. */
  has(e: Expr): boolean {
    return this.map.has(e);
  }

  /** The effects of `e` and its subtree. */
  get(e: Expr): Effects {
    const hit = this.map.get(e);
    if (hit !== undefined) return hit;
    if (!this.computed) {
      this.computed = true;
      this.compute();
      const now = this.map.get(e);
      if (now !== undefined) return now;
    }
    return new FunctionEffects(e).get(e); // not in the tree: afresh, not memoized
  }

  /** One iterative post-order walk over the whole tree. */
  private compute(): void {
    const map = this.map;
    const labelKey = this.labelKey;
    const stack: Expr[] = [this.root];
    const depth: number[] = [0];
    const expanded: number[] = [0];
    while (stack.length > 0) {
      const i = stack.length - 1;
      const e = stack[i];
      if (expanded[i] === 0) {
        expanded[i] = 1;
        const d = depth[i] + 1;
        if (e.op === O.block || e.op === O.loop || e.op === O.if) labelKey.set(e, depth[i]);
        const alt = e.alt;
        if (alt !== null) {
          for (let k = alt.length - 1; k >= 0; k--) { stack.push(alt[k]); depth.push(d); expanded.push(0); }
        }
        const body = e.body;
        for (let k = body.length - 1; k >= 0; k--) { stack.push(body[k]); depth.push(d); expanded.push(0); }
        const kids = e.kids;
        for (let k = kids.length - 1; k >= 0; k--) { stack.push(kids[k]); depth.push(d); expanded.push(0); }
        continue;
      }
      stack.pop();
      depth.pop();
      expanded.pop();
      if (!map.has(e)) map.set(e, this.combine(e));
    }
  }

  private keyOf(label: Expr): number {
    let k = this.labelKey.get(label);
    if (k === undefined) {
      k = -1 - this.outsideKeys++; // outside the tree: above everything in it
      this.labelKey.set(label, k);
    }
    return k;
  }

  /** The node's own effects (operands aside), interned. */
  private own(e: Expr): Effects {
    const op = e.op;
    switch (op) {
      case O.local_get:
        return (GET_FX[e.index] ??= new Effects(0, [e.index]));
      case O.local_set:
      case O.local_tee:
        return (SET_FX[e.index] ??= new Effects(0, NO_NUMS, [e.index]));
      case O.global_get:
        return (GLOBAL_GET_FX[e.index] ??= new Effects(0, NO_NUMS, NO_NUMS, [e.index]));
      case O.global_set:
        return (GLOBAL_SET_FX[e.index] ??= new Effects(0, NO_NUMS, NO_NUMS, NO_NUMS, [e.index]));
      case O.pop:
        return POP_FX;
    }
    const flags = OWN_FLAGS[op];
    if ((OPS[op].effects & Eff.branch) === 0) return flags === 0 ? NO_EFFECTS : (OP_FX[op] ??= new Effects(flags));
    if (e.targets !== null) return new Effects(flags, NO_NUMS, NO_NUMS, NO_NUMS, NO_NUMS, this.tableTargets(e.targets));
    if (e.target !== null) {
      const t = e.target;
      // br/return (never fall through) and br_if (may) differ only in that flag
      const cache = (flags & F.noFallThrough) !== 0 ? this.brFx : this.brIfFx;
      let fx = cache.get(t);
      if (fx === undefined || fx.flags !== flags) {
        fx = new Effects(flags, NO_NUMS, NO_NUMS, NO_NUMS, NO_NUMS, new LabelSet([t], [this.keyOf(t)], 1));
        cache.set(t, fx);
      }
      return fx;
    }
    // return_call*: leaves the function
    return (OP_FX[op] ??= new Effects(flags | F.exits));
  }

  /**
   * A br_table's labels as a set. Its own method: a closure over `this` in `own` made V8
   * allocate a context on every call of `own`, for every node (~40 bytes each).
   */
  private tableTargets(targets: readonly Expr[]): LabelSet {
    const labels = [...new Set(targets)];
    const keys = labels.map((t) => this.keyOf(t));
    const order = labels.map((_, i) => i).sort((a, b) => keys[a] - keys[b]);
    return new LabelSet(order.map((i) => labels[i]), order.map((i) => keys[i]), order.length);
  }

  // accumulator of `combine` (instance fields: no per-node allocation)
  private aFlags = 0;
  private aLr: Num = NO_NUMS;
  private aLw: Num = NO_NUMS;
  private aGr: Num = NO_NUMS;
  private aGw: Num = NO_NUMS;
  private aBt: LabelSet = NO_TARGETS;
  /** An existing object equal to the accumulator, or null. */
  private aSame: Effects | null = null;
  /** The last child added (a candidate for reuse once a structure's own flags are applied). */
  private aLast: Effects | null = null;

  private start(own: Effects): void {
    this.aFlags = own.flags;
    this.aLr = own.localsRead;
    this.aLw = own.localsWritten;
    this.aGr = own.globalsRead;
    this.aGw = own.globalsWritten;
    this.aBt = own.targets;
    this.aSame = own;
    this.aLast = null;
  }

  /** Adds a child's effects (its flags masked by `mask`). */
  private add(c: Effects, mask: number): void {
    const flags = this.aFlags | (c.flags & mask);
    const lr = unionNums(this.aLr, c.localsRead);
    const lw = unionNums(this.aLw, c.localsWritten);
    const gr = unionNums(this.aGr, c.globalsRead);
    const gw = unionNums(this.aGw, c.globalsWritten);
    const bt = unionTargets(this.aBt, c.targets);
    this.aLast = c;
    if (sameEffects(c, flags, lr, lw, gr, gw, bt)) this.aSame = c;
    else if (this.aSame !== null && !sameEffects(this.aSame, flags, lr, lw, gr, gw, bt)) this.aSame = null;
    this.aFlags = flags;
    this.aLr = lr;
    this.aLw = lw;
    this.aGr = gr;
    this.aGw = gw;
    this.aBt = bt;
  }

  /** Effects of `e` from its own effects and its children's (all memoized). */
  private combine(e: Expr): Effects {
    const map = this.map;
    this.start(this.own(e));
    const kids = e.kids;
    for (let k = 0; k < kids.length; k++) {
      const c = map.get(kids[k])!;
      if (c !== NO_EFFECTS) this.add(c, -1);
    }
    const op = e.op;
    if (op === O.block || op === O.loop || op === O.if) {
      let thenNF = false;
      let elseNF = false;
      for (let arm = 0; arm < 2; arm++) {
        const list = arm === 0 ? e.body : e.alt;
        if (list === null) break;
        let nf = false;
        for (let k = 0; k < list.length; k++) {
          const c = map.get(list[k])!;
          if (c === NO_EFFECTS) continue;
          if ((c.flags & F.noFallThrough) !== 0) nf = true;
          this.add(c, BODY_MASK);
        }
        if (arm === 0) thenNF = nf;
        else elseNF = nf;
      }
      const bt = this.aBt;
      const targeted = bt.count > 0 && bt.labels[bt.count - 1] === e;
      let flags = this.aFlags;
      if (op === O.loop) {
        if (targeted) flags |= F.mayNotReturn;
        if (thenNF) flags |= F.noFallThrough;
      } else if (op === O.block) {
        if (thenNF && !targeted) flags |= F.noFallThrough;
      } else if (thenNF && e.alt !== null && elseNF && !targeted) {
        flags |= F.noFallThrough;
      }
      if (targeted || flags !== this.aFlags) {
        const nbt = targeted ? withoutTarget(bt, e) : bt;
        const same = this.aSame;
        if (same !== null && sameEffects(same, flags, this.aLr, this.aLw, this.aGr, this.aGw, nbt)) return same;
        const last = this.aLast;
        if (last !== null && sameEffects(last, flags, this.aLr, this.aLw, this.aGr, this.aGw, nbt)) return last;
        if (sameEffects(NO_EFFECTS, flags, this.aLr, this.aLw, this.aGr, this.aGw, nbt)) return NO_EFFECTS;
        return new Effects(flags, this.aLr, this.aLw, this.aGr, this.aGw, nbt);
      }
    }
    if (this.aSame !== null) return this.aSame;
    return new Effects(this.aFlags, this.aLr, this.aLw, this.aGr, this.aGw, this.aBt);
  }
}

/** Computes (eagerly) the effects of every node of a function body. */
export function functionEffects(root: Expr): FunctionEffects {
  const fx = new FunctionEffects(root);
  fx.get(root);
  return fx;
}

/** The effects of `e` and its subtree, computed afresh (use a FunctionEffects to share work). */
export function effectsOf(e: Expr): Effects {
  return new FunctionEffects(e).get(e);
}

/** `e` has no side effects (see Effects.hasSideEffects). */
export function hasSideEffects(e: Expr): boolean {
  return effectsOf(e).hasSideEffects();
}

/** `e` neither has side effects nor reads state (see Effects.isPure). */
export function isPure(e: Expr): boolean {
  return effectsOf(e).isPure();
}

/** Whether `a` and `b` can not be evaluated in the opposite order (see Effects.invalidates). */
export function conflicts(a: Expr, b: Expr): boolean {
  return effectsOf(a).invalidates(effectsOf(b));
}
