// simplify-locals: move values to where they are used, so they flow on the operand stack
// instead of through a local.
//
// What. Three rewrites, repeated (on fresh analyses) while they find something:
//  - dead sets: a `local.set` whose value no `local.get` can read (liveness) goes, keeping its
//    value's side effects (`drop v`, or nothing when v has none); a dead `local.tee` becomes v;
//  - sinking: `local.set x (v)` followed, later on, by the only get that reads it —
//    `local.set x (v) ... (local.get x)` → `... v` — when the get reads no other definition
//    (local graph: the get's only reaching definition is this set, and this set reaches only
//    that get) and nothing evaluated in between conflicts with v (analysis/effects.ts:
//    `Effects.invalidates` of the whole set against each node passed: writes of the locals v
//    reads, memory writes when v reads memory, any side effect or branch out when v has side
//    effects or may trap, a trap or global write when v may trap, reads or writes of x);
//    under the generic target a value that is a block/if/loop is not sunk where operands other than constants wait below it on the stack (`(i32.store
//    (local.get $p) (block ...))`): Liftoff-like backends then carry those operands through
//    every branch of the structure (spills and moves at each one), which costs more than the
//    set and get saved;
//  - tee forming: when the set has several gets, the first one (in execution order) becomes
//    `local.tee x (v)` and the set goes — `local.set x (v) ... (get x) ... (get x)` →
//    `... (local.tee x (v)) ... (get x)` — under the same conditions, and when no branch
//    between the two positions leaves to a point past the new tee (else the other gets could
//    be reached without x being written).
//
// Control flow. Candidate sets are tracked in one walk in execution order
// (ir/walk.ts `walkExecution`), indexed so that a node is checked quickly against many of them.
// Code between the set and the get may contain anything, but a value never moves *into* a loop
// body or an if arm that was entered after the set (it would run a different number of times):
// entering one stashes the candidates, leaving it restores them, checked against the effects of
// the whole loop/if. Candidates made inside a loop or an arm die at its end. Blocks are
// transparent (their body runs right after what precedes them); a branch to a block that closes
// before the get does not prevent tee forming.
//
// Why it is sound. The get's only reaching definition is the set, so every path to the get
// passes the set; the walk never lets a value cross into a loop or arm, so the code run between
// the set and the get (on any path) lies between them in the walk, and was checked: evaluating v
// at the get instead gives the same value and the same observable effects, in the same order
// relative to everything that could notice. When the set reaches only that get, removing the
// write of x changes no other read; for a tee, every other get the set reached is still reached
// only through the tee's position (no branch escapes in between). A value into which other
// values were moved carries their effects too (its memoized effects united with theirs).
// Moving a value never crosses an original position it was not checked against: values only
// move later, and each was checked against every node between its set and its get, including
// the positions of the sets moved after it.
// Traps and side effects never move past a branch, a trap, or a global write; two traps are
// never reordered. A value that branches to a label (other than the function's) is not moved,
// so it never leaves that label.
// Stack code (`pop` operands) is handled too: a value with pops is never a candidate (it must
// stay where its stack values are), and any other value may move past pops: `v; local.set x`
// leaves the stack as it found it, and `v` pushes one value exactly where `local.get x` did,
// so every value waiting on the stack keeps its place. (Effects.invalidates counts a pop as a
// conflict with a value that has effects; that is only conservative.) Skipping functions with
// pops left their sets to coalesce-locals, which puts such a value on the stack; the next run's
// promote-locals then put it in place of the get and folded it: -O3 was not idempotent.
//
// Where. Early and repeatedly in the function pipeline: after inlining and local-cse (which
// create sets with a single use), before redundant-set-elimination, coalescing and
// reorder-locals/dead-locals, which then find fewer, shorter-lived locals.

import { Expr, NO_KIDS } from '../ir/expr.js';
import { Eff, O, OPS } from '../ir/opcodes.js';
import { NONE, single, type ValType } from '../ir/types.js';
import { walkExecution } from '../ir/walk.js';
import { buildLocalCfg, type LocalCfg } from '../analysis/cfg.js';
import { Liveness } from '../analysis/liveness.js';
import { Effects, FunctionEffects, effectsOf } from '../analysis/effects.js';
import { LocalGraph } from '../analysis/local-graph.js';
import type { FunctionPass } from './registry.js';
import { embeddedTarget } from './promote-locals.js';
import { removeLocalWrites, removeNodes } from './redundant-set-elimination.js';

/** Rounds of (dead sets, sinking) on fresh analyses at most. */
const MAX_ROUNDS = 4;

// ---- own effects of one node (operands aside) ------------------------------------------

const ownCache = new Map<number, Effects>();

/** The effects of `e` by itself, without its operands or bodies (not for block/loop/if). */
function ownEffects(e: Expr): Effects {
  const info = OPS[e.op];
  const byIndex = info.effects & (Eff.readLocal | Eff.writeLocal | Eff.readGlobal | Eff.writeGlobal);
  if ((info.effects & Eff.branch) === 0) {
    const key = byIndex !== 0 ? e.op * 0x100000000 + e.index : e.op;
    const hit = ownCache.get(key);
    if (hit !== undefined) return hit;
    const fx = effectsOf(shallow(e));
    ownCache.set(key, fx);
    return fx;
  }
  // branches: their targets are part of the effects
  if (e.targets !== null || e.target === null) return effectsOf(shallow(e));
  let m = branchCache.get(e.target);
  if (m === undefined) branchCache.set(e.target, (m = new Map()));
  let fx = m.get(e.op);
  if (fx === undefined) m.set(e.op, (fx = effectsOf(shallow(e))));
  return fx;
}

/** Own effects of `br`/`br_if` by target label and op. */
const branchCache = new WeakMap<Expr, Map<number, Effects>>();

function shallow(e: Expr): Expr {
  const c = new Expr(e.op, e.type);
  c.index = e.index;
  c.index2 = e.index2;
  c.target = e.target;
  c.targets = e.targets;
  return c;
}

// ---- sinking --------------------------------------------------------------------------

interface Sinkable {
  /** The `local.set` statement and its local. */
  set: Expr;
  x: number;
  /** Its position (a body list and index). */
  list: Expr[];
  index: number;
  /** Effects of the set's value (the write of the local itself is checked separately). */
  fx: Effects;
  /** Light: the value only reads a few locals (no other effect or read at all). */
  light: boolean;
  /** The branch stamp when the set was seen (see Sinker.lastBranchTo). */
  stamp: number;
}

/**
 * Whether code with effects `fx`, run between set `s` and its get, forbids moving the set's
 * value past it: it conflicts with the value, or reads or writes the set's local. (The write of
 * the local itself is no side effect that matters here: only the gets of the local can observe
 * it, and the local graph accounts for them.)
 */
function conflicts(fx: Effects, s: Sinkable): boolean {
  return fx.readsLocal(s.x) || fx.writesLocal(s.x) || fx.invalidates(s.fx);
}

const NO_NUMS: readonly number[] = [];

/** Union of sorted number arrays (an input when it already is the union). */
function unionNums(a: readonly number[], b: readonly number[]): readonly number[] {
  if (b.length === 0 || a === b) return a;
  if (a.length === 0) return b;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j === b.length || (i < a.length && a[i] < b[j])) out.push(a[i++]);
    else if (i === a.length || b[j] < a[i]) out.push(b[j++]);
    else { out.push(a[i++]); j++; }
  }
  return out.length === a.length ? a : out.length === b.length ? b : out;
}

/**
 * The effects of code doing both `a` and `b` (flags, locals, globals; branch targets: the larger
 * set, enough here where moved values branch at most out of the function).
 */
function unionEffects(a: Effects, b: Effects): Effects {
  return new Effects(a.flags | b.flags,
    unionNums(a.localsRead, b.localsRead), unionNums(a.localsWritten, b.localsWritten),
    unionNums(a.globalsRead, b.globalsRead), unionNums(a.globalsWritten, b.globalsWritten),
    a.targets.count >= b.targets.count ? a.targets : b.targets);
}

/** Above this many live candidates whose values have effects beyond reading locals, the oldest is dropped. */
const MAX_HEAVY = 64;
/** A value reading more locals than this is checked one by one (indexing it would cost more). */
const MAX_LIGHT_READS = 16;
/** A tee is not formed below this many enclosing nodes (its check walks them). */
const MAX_TEE_DEPTH = 512;

/**
 * The live candidates, indexed so that checking one node against them costs little: a light
 * candidate (its value only reads a few locals) conflicts only with writes of the locals it reads and
 * with accesses of its own local, found through maps; the others (few) are checked one by one.
 */
class Candidates {
  readonly byLocal = new Map<number, Sinkable>();
  private readonly heavy = new Set<Sinkable>();
  /** Light candidates by each local their value reads. */
  private readonly readers = new Map<number, Set<Sinkable>>();

  get size(): number {
    return this.byLocal.size;
  }

  add(s: Sinkable): void {
    const old = this.byLocal.get(s.x);
    if (old !== undefined) this.delete(old);
    this.byLocal.set(s.x, s);
    if (!s.light) {
      this.heavy.add(s);
      if (this.heavy.size > MAX_HEAVY) this.delete(this.heavy.values().next().value!);
      return;
    }
    for (const y of s.fx.localsRead) {
      let r = this.readers.get(y);
      if (r === undefined) this.readers.set(y, (r = new Set()));
      r.add(s);
    }
  }

  delete(s: Sinkable): void {
    if (this.byLocal.get(s.x) !== s) return;
    this.byLocal.delete(s.x);
    if (!s.light) { this.heavy.delete(s); return; }
    for (const y of s.fx.localsRead) this.readers.get(y)?.delete(s);
  }

  /** Drops every candidate whose value may not move past code with effects `fx`. */
  invalidate(fx: Effects): void {
    if (this.byLocal.size === 0) return;
    for (const s of this.heavy) if (conflicts(fx, s)) this.delete(s);
    for (const y of fx.localsWritten) {
      const r = this.readers.get(y);
      if (r !== undefined) for (const s of r) this.delete(s);
      const s = this.byLocal.get(y);
      if (s !== undefined) this.delete(s);
    }
    for (const y of fx.localsRead) {
      const s = this.byLocal.get(y);
      if (s !== undefined) this.delete(s);
    }
  }
}

class Sinker {
  private live = new Candidates();
  private readonly stash: Candidates[] = [];
  /**
   * Tee forming needs that no branch between the set and the get leaves to a label still open at
   * the get (the other gets could then be reached without passing the tee). Branches are stamped
   * with a counter; `lastBranchTo` holds each label's latest stamp, and a candidate its stamp at
   * creation: a tee is allowed when no open label (an ancestor of the get) has a later stamp.
   */
  private readonly lastBranchTo = new Map<Expr, number>();
  private stamp = 0;
  /**
   * The effects of every value moved so far (a tee's including its write), in order; `starts`
   * holds, for each local.set being evaluated, the log length when it started. A set's value
   * then has the effects of its memoized original plus those of the values moved into it.
   */
  private readonly moved: Effects[] = [];
  private readonly starts: number[] = [];
  readonly nops = new Set<Expr>();
  sunk = 0;
  teed = 0;

  constructor(
    private readonly root: Expr,
    private readonly graph: LocalGraph,
    private readonly fx: FunctionEffects,
    private readonly localTypes: readonly ValType[],
    /** Structure values are not sunk under waiting operands (the generic target). */
    private readonly noHeldStructures: boolean,
  ) {}

  run(): void {
    walkExecution(this.root, {
      pre: (e) => {
        if (e.op === O.local_set) this.starts.push(this.moved.length);
      },
      visit: (e, list, index, parents) => this.visit(e, list, index, parents),
      enter: (e) => {
        if (e.op === O.loop || e.op === O.if) {
          this.stash.push(this.live);
          this.live = new Candidates();
        }
      },
      enterElse: () => {
        this.live = new Candidates();
      },
      leave: (e) => this.leave(e),
    });
  }

  private noteBranches(fx: Effects): void {
    for (const t of fx.branchTargets) {
      if (t !== this.root) this.lastBranchTo.set(t, ++this.stamp); // (leaving the function: no get follows)
    }
  }

  private leave(e: Expr): void {
    if (e.op !== O.loop && e.op !== O.if) return;
    // the candidates made inside die; the outer ones survive what the whole structure does
    this.live = this.stash.pop()!;
    if (this.live.size === 0) return;
    // (memoized effects: values only moved inside `e`, so the memo covers them)
    const whole = this.fx.get(e);
    this.live.invalidate(whole);
    this.noteBranches(whole);
  }

  private visit(e: Expr, list: Expr[], index: number, parents: readonly Expr[]): void {
    const op = e.op;
    if (op === O.local_get) {
      const s = this.live.byLocal.get(e.index);
      if (s !== undefined && this.graph.soleSet(e) === s.set && this.trySink(s, e, list, index, parents)) return;
    }
    if (this.live.size > 0) {
      const own = ownEffects(e);
      this.live.invalidate(own);
      if ((OPS[op].effects & Eff.branch) !== 0) this.noteBranches(own);
    }
    if (op === O.local_set) {
      const start = this.starts.pop()!;
      const parent = parents[parents.length - 1];
      if (parent === undefined || (parent.body !== list && parent.alt !== list)) return; // not a statement
      if (this.graph.isUnreachable(e) || this.graph.isDeadSet(e)) return;
      let fx = this.fx.get(e.kids[0]);
      if (fx.hasPops) return; // takes values from the stack: it stays where they are
      for (let k = start; k < this.moved.length; k++) fx = unionEffects(fx, this.moved[k]);
      // a value that branches to a label (not the function's) must stay inside that label
      if (fx.targets.count > 0 && (fx.targets.count > 1 || fx.targets.labels[0] !== this.root)) return;
      const light = fx.flags === 0 && fx.localsWritten.length === 0 && fx.globalsRead.length === 0 &&
        fx.globalsWritten.length === 0 && fx.targets.count === 0 && fx.localsRead.length <= MAX_LIGHT_READS;
      this.live.add({ set: e, x: e.index, list, index, fx, light, stamp: this.stamp });
    }
  }

  /** Whether a label enclosing the get was branched to since `s` was seen. */
  private escapes(s: Sinkable, parents: readonly Expr[]): boolean {
    if (this.stamp === s.stamp) return false;
    if (parents.length > MAX_TEE_DEPTH) return true;
    for (const p of parents) {
      const t = this.lastBranchTo.get(p);
      if (t !== undefined && t > s.stamp) return true;
    }
    return false;
  }

  /** `get` (at list[index]) reads only `s.set`: sink the value or form a tee; false when neither applies. */
  private trySink(s: Sinkable, get: Expr, list: Expr[], index: number, parents: readonly Expr[]): boolean {
    const set = s.set;
    if (this.noHeldStructures && this.graph.setGetCount(set) === 1 && heldBelow(set.kids[0], list, index, parents)) return false;
    if (this.graph.setGetCount(set) === 1) {
      list[index] = set.kids[0];
      this.moved.push(s.fx);
      this.sunk++;
    } else if (!this.escapes(s, parents)) {
      set.op = O.local_tee;
      set.type = single(this.localTypes[set.index]);
      list[index] = set;
      this.moved.push(unionEffects(s.fx, new Effects(0, NO_NUMS, [s.x])));
      this.teed++;
    } else {
      return false;
    }
    const nop = new Expr(O.nop, NONE);
    s.list[s.index] = nop;
    this.nops.add(nop);
    this.live.delete(s);
    return true;
  }
}

/**
 * Whether a block/if/loop value `v` put at `list[index]` (under `parents`, outermost first)
 * would have operands other than constants waiting below it on the stack: an operand evaluated
 * before it, of its parent or of any ancestor up to the statement.
 */
function heldBelow(v: Expr, list: Expr[], index: number, parents: readonly Expr[]): boolean {
  if (v.op !== O.block && v.op !== O.if && v.op !== O.loop) return false;
  let kids = list;
  let at = index;
  for (let p = parents.length - 1; p >= 0; p--) {
    const par = parents[p];
    if (kids !== par.kids) return false; // a statement of a body: nothing waits below
    for (let k = 0; k < at; k++) {
      const o = kids[k].op;
      if (o !== O.i32_const && o !== O.i64_const && o !== O.f32_const && o !== O.f64_const) return true;
    }
    if (p === 0) return false;
    const up = parents[p - 1];
    kids = up.kids.includes(par) ? up.kids : up.body.includes(par) ? up.body : (up.alt ?? NO_KIDS);
    at = kids.indexOf(par);
  }
  return false;
}

export const simplifyLocals: FunctionPass = {
  name: 'simplify-locals',
  description: 'sink local.set values into their single use, form local.tee at the first use, remove dead sets',
  scope: 'function',
  bodyLocal: true,
  run(cx, f) {
    const root = cx.body(f);
    const types = cx.module.localTypes(f);
    const numParams = cx.module.types[f.type].params.length;
    let changed = false;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      // analyses: the context's on the first round, fresh ones on the rewritten tree after
      let fx: FunctionEffects;
      let cfg: LocalCfg | null = null;
      if (round === 0) {
        fx = cx.effects(f);
        fx.get(root);
        const dead = cx.liveness(f).deadSets();
        if (dead.length > 0) {
          removeLocalWrites(root, new Set(dead), fx);
          changed = true;
          fx = new FunctionEffects(root);
        }
      } else {
        fx = new FunctionEffects(root);
        fx.get(root);
        // (removeDeadSets, with the CFG kept for the local graph when no set goes)
        cfg = buildLocalCfg(root, types.length);
        const dead = new Liveness(root, { cfg, numParams }).deadSets();
        if (dead.length > 0) {
          removeLocalWrites(root, new Set(dead), fx);
          changed = true;
          cfg = null;
          fx = new FunctionEffects(root);
        }
      }
      fx.get(root); // memoize before the tree changes
      const graph = round === 0 && !changed ? cx.localGraph(f)
        : new LocalGraph(root, { cfg: cfg ?? buildLocalCfg(root, types.length), numParams });
      const sinker = new Sinker(root, graph, fx, types, !embeddedTarget(cx));
      sinker.run();
      if (sinker.sunk + sinker.teed === 0) break;
      removeNodes(root, sinker.nops);
      changed = true;
    }
    return changed;
  },
};
