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
//  - tee forming: when the set has several gets, the first one (in execution order) becomes
//    `local.tee x (v)` and the set goes — `local.set x (v) ... (get x) ... (get x)` →
//    `... (local.tee x (v)) ... (get x)` — under the same conditions, and when no branch
//    between the two positions leaves to a point past the new tee (else the other gets could
//    be reached without x being written).
//
// Control flow. Candidate sets are tracked in one walk in execution order
// (ir/walk.ts `walkExecution`). Code between the set and the get may contain anything, but a
// value never moves *into* a loop body or an if arm that was entered after the set (it would run
// a different number of times): entering one stashes the candidates, leaving it restores them,
// checked against the effects of the whole loop/if. Candidates made inside a loop or an arm die
// at its end. Blocks are transparent (their body runs right after what precedes them); a branch
// to a block that closes before the get does not prevent tee forming.
//
// Why it is sound. The get's only reaching definition is the set, so every path to the get
// passes the set; the walk never lets a value cross into a loop or arm, so the code run between
// the set and the get (on any path) lies between them in the walk, and was checked: evaluating v
// at the get instead gives the same value and the same observable effects, in the same order
// relative to everything that could notice. When the set reaches only that get, removing the
// write of x changes no other read; for a tee, every other get the set reached is still reached
// only through the tee's position (no branch escapes in between). Values that move carry
// effects that are recomputed (a value into which another value was sunk is analysed afresh).
// Traps and side effects never move past a branch, a trap, or a global write; two traps are
// never reordered. Functions with `pop` operands are left alone.
//
// Where. Early and repeatedly in the function pipeline: after inlining and local-cse (which
// create sets with a single use), before redundant-set-elimination, coalescing and
// reorder-locals/dead-locals, which then find fewer, shorter-lived locals.

import { Expr } from '../ir/expr.js';
import { Eff, O, OPS } from '../ir/opcodes.js';
import { NONE, single, type ValType } from '../ir/types.js';
import { walkExecution } from '../ir/walk.js';
import { buildLocalCfg } from '../analysis/cfg.js';
import { Effects, FunctionEffects, effectsOf } from '../analysis/effects.js';
import { LocalGraph } from '../analysis/local-graph.js';
import type { FunctionPass } from './registry.js';
import { removeDeadSets, removeLocalWrites, removeNodes } from './redundant-set-elimination.js';

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
  return effectsOf(shallow(e)); // branches: their targets are part of the effects
}

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
  /** The `local.set` statement. */
  set: Expr;
  /** Its position (a body list and index). */
  list: Expr[];
  index: number;
  /** Effects of the set's value (the write of the local itself is checked separately). */
  fx: Effects;
  /** Labels branched to since the set that have not closed yet (a tee needs none). */
  pending: Set<Expr> | null;
}

/**
 * Whether code with effects `fx`, run between set `s` (of local `x`) and its get, forbids
 * moving the set's value past it: it conflicts with the value, or reads or writes `x`.
 * (The write of `x` itself is not a side effect that matters here: only the gets of `x` can
 * observe it, and the local graph accounts for them.)
 */
function conflicts(fx: Effects, s: Sinkable, x: number): boolean {
  return fx.readsLocal(x) || fx.writesLocal(x) || fx.invalidates(s.fx);
}

class Sinker {
  private sinkables = new Map<number, Sinkable>();
  private readonly stash: Map<number, Sinkable>[] = [];
  /** Nodes (still in the tree) with a value sunk somewhere below them: their memoized effects are stale. */
  private readonly dirty = new Set<Expr>();
  readonly nops = new Set<Expr>();
  sunk = 0;
  teed = 0;

  constructor(
    private readonly root: Expr,
    private readonly graph: LocalGraph,
    private readonly fx: FunctionEffects,
    private readonly localTypes: readonly ValType[],
  ) {}

  run(): void {
    walkExecution(this.root, {
      visit: (e, list, index, parents) => this.visit(e, list, index, parents),
      enter: (e) => {
        if (e.op === O.loop || e.op === O.if) {
          this.stash.push(this.sinkables);
          this.sinkables = new Map();
        }
      },
      enterElse: () => {
        this.sinkables = new Map();
      },
      leave: (e) => this.leave(e),
    });
  }

  private leave(e: Expr): void {
    if (e.op === O.block) {
      for (const s of this.sinkables.values()) s.pending?.delete(e);
      return;
    }
    if (e.op !== O.loop && e.op !== O.if) return;
    // the candidates made inside die; the outer ones survive what the whole structure does
    this.sinkables = this.stash.pop()!;
    if (this.sinkables.size === 0) return;
    // (memoized effects: values only moved inside `e`, so the memo covers them)
    const whole = this.fx.get(e);
    const targets = whole.branchTargets.filter((t) => t !== this.root);
    for (const [x, s] of this.sinkables) {
      if (conflicts(whole, s, x)) this.sinkables.delete(x);
      else if (targets.length > 0) for (const t of targets) (s.pending ??= new Set()).add(t);
    }
  }

  private visit(e: Expr, list: Expr[], index: number, parents: readonly Expr[]): void {
    const op = e.op;
    if (op === O.local_get) {
      const s = this.sinkables.get(e.index);
      if (s !== undefined && this.graph.soleSet(e) === s.set && this.trySink(s, e, list, index, parents)) return;
    }
    const own = ownEffects(e);
    if (this.sinkables.size > 0) {
      for (const [x, s] of this.sinkables) if (conflicts(own, s, x)) this.sinkables.delete(x);
      if ((OPS[op].effects & Eff.branch) !== 0) {
        for (const t of own.branchTargets) {
          if (t === this.root) continue; // leaves the function: no get can follow
          for (const s of this.sinkables.values()) (s.pending ??= new Set()).add(t);
        }
      }
    }
    if (op === O.local_set) {
      const parent = parents[parents.length - 1];
      if (parent === undefined || (parent.body !== list && parent.alt !== list)) return; // not a statement
      if (this.graph.isUnreachable(e) || this.graph.setGets(e).size === 0) return;
      const v = e.kids[0];
      const fx = this.dirty.has(v) ? effectsOf(v) : this.fx.get(v);
      this.sinkables.set(e.index, { set: e, list, index, fx, pending: null });
    }
  }

  /** `get` (at list[index]) reads only `s.set`: sink the value or form a tee; false when neither applies. */
  private trySink(s: Sinkable, get: Expr, list: Expr[], index: number, parents: readonly Expr[]): boolean {
    const set = s.set;
    const gets = this.graph.setGets(set);
    if (gets.size === 1) {
      list[index] = set.kids[0];
      this.sunk++;
    } else if (s.pending === null || s.pending.size === 0) {
      set.op = O.local_tee;
      set.type = single(this.localTypes[set.index]);
      list[index] = set;
      this.teed++;
    } else {
      return false;
    }
    const nop = new Expr(O.nop, NONE);
    s.list[s.index] = nop;
    this.nops.add(nop);
    this.sinkables.delete(get.index);
    for (let i = parents.length - 1; i >= 0; i--) {
      const p = parents[i];
      if (this.dirty.has(p)) break; // its ancestors were marked with it
      this.dirty.add(p);
    }
    return true;
  }
}

export const simplifyLocals: FunctionPass = {
  name: 'simplify-locals',
  description: 'sink local.set values into their single use, form local.tee at the first use, remove dead sets',
  scope: 'function',
  run(cx, f) {
    if (f.hasPops) return false;
    const root = cx.body(f);
    const types = cx.module.localTypes(f);
    const numParams = cx.module.types[f.type].params.length;
    let changed = false;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      // analyses: the context's on the first round, fresh ones on the rewritten tree after
      let fx: FunctionEffects;
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
        if (removeDeadSets(root, types.length, numParams, fx) > 0) {
          changed = true;
          fx = new FunctionEffects(root);
        }
      }
      fx.get(root); // memoize before the tree changes
      const graph = round === 0 && !changed ? cx.localGraph(f)
        : new LocalGraph(root, { cfg: buildLocalCfg(root, types.length), numParams });
      const sinker = new Sinker(root, graph, fx, types);
      sinker.run();
      if (sinker.sunk + sinker.teed === 0) break;
      removeNodes(root, sinker.nops);
      changed = true;
    }
    return changed;
  },
};
