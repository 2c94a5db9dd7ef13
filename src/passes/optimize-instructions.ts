// optimize-instructions: algebraic identities and strength reduction on single expressions.
//
// What. Bottom-up over each function body (rewriteExprs), every node is offered to the rules
// of its opcode (src/passes/rules/: arith, bitops, shifts, compare, conversions, memory,
// select, floats; each rule states its identity in a comment), plus two generic rules: a node
// whose operands are all constants is evaluated (ir/eval.ts, exactly as precompute does), and
// an integer node whose value the known bits/ranges (analysis/known-bits.ts; facts about a
// declared local are the join of the values stored to it, flow-insensitively) pin down to one
// constant becomes that constant. Rules are re-applied to a node until none fires (at most
// MAX_STEPS times); the operands a rule builds are simplified before the node itself, since the
// walk does not revisit replacements. The whole walk repeats (at most MAX_ROUNDS) while it
// changes something, with fresh effects. Rewrites that trade i64 work for i32 work (the seam
// rules in rules/conversions.ts) are made only when a cost model of a naive 32-bit backend says
// they are cheaper (rules/util.ts `cheaper`).
//
// Why it is sound. Each rule is an identity of wasm semantics for every operand value (integer
// rules modulo 2^W; float rules only where bit-exact, see rules/floats.ts). Operands keep their
// evaluation order unless the effects analysis says the two commute. An operand is dropped, or
// one of two identical operands kept, only when it is `removable`: no side effect at all, no
// trap, no branch, no possibly endless loop, no `pop` (reads are fine: nothing between the
// dropped operand and its neighbours writes). Nothing is duplicated. Divisions are rewritten only
// by constants that cannot trap. A replacement always has the node's type. Nodes with `pop`
// operands are left alone (pops must stay a prefix of their parent's operands). The known-bits
// constant rule needs the whole node removable (a trapping division by a constant is not).
//
// Where. After inlining and constant propagation (they expose the patterns, e.g. the i64
// pack/unpack of the seam meeting in one function), before precompute and dead-code cleanup;
// it is cheap enough to run again after later passes. Last after coalesce-locals, which can
// make two operands one local (`select x x c`, `x ^ x`).

import { Expr, f32Const, f64Const } from '../ir/expr.js';
import { evalNumeric, isNondeterministicNaN, type Num } from '../ir/eval.js';
import { Eff, O, OPS, op } from '../ir/opcodes.js';
import { I32, I64, typesEqual } from '../ir/types.js';
import { forEachExpr, rewriteExprs } from '../ir/walk.js';
import { type Effects, FunctionEffects, effectsOf } from '../analysis/effects.js';
import { type KnownBits, KnownBits32, KnownBits64, knownBits, factsFromOperands, type KnownBitsOptions } from '../analysis/known-bits.js';
import type { Func } from '../ir/module.js';
import type { PassContext } from './context.js';
import type { FunctionPass } from './registry.js';
import { type Rule, type RuleEnv, baseOf, cval, isConst, isFresh, mkConst, resetFresh, valueWidth, widthOf } from './rules/util.js';
import { arithRules } from './rules/arith.js';
import { bitRules } from './rules/bitops.js';
import { shiftRules } from './rules/shifts.js';
import { compareRules } from './rules/compare.js';
import { conversionRules } from './rules/conversions.js';
import { memoryRules } from './rules/memory.js';
import { selectRules } from './rules/select.js';
import { floatRules } from './rules/floats.js';

/** Rule applications to one node before giving up (a bound, not an expected count). */
const MAX_STEPS = 16;
/** Whole-function walks. */
const MAX_ROUNDS = 3;
/** Nesting of local facts (a local's value read through another local ...). */
const MAX_LOCAL_DEPTH = 8;
/** Nesting of "simplify the operands a rule built". */
const MAX_SETTLE_DEPTH = 6;
/** Nodes compared by `same` before answering "different". */
const SAME_BUDGET = 64;

// ---- generic rules ----------------------------------------------------------------------------

function makeConst(t: number, v: Num): Expr {
  switch (t) {
    case I32: return mkConst(32, BigInt(v as number));
    case I64: return mkConst(64, v as bigint);
    case 0x7d: return f32Const(v as number);
    default: return f64Const(v as bigint);
  }
}

/** op(c1, c2) == its value, when it does not trap and is not a nondeterministic NaN. */
const foldConstants: Rule = {
  name: 'fold-constants', ops: [],
  fn: (e) => {
    const info = OPS[e.op];
    if (info.params === null || e.kids.length === 0 || (info.effects & ~Eff.trap) !== 0) return null;
    const args: Num[] = [];
    for (const k of e.kids) {
      if (k.op === O.i32_const || k.op === O.i64_const || k.op === O.f32_const || k.op === O.f64_const) args.push(k.value as Num);
      else return null;
    }
    const r = evalNumeric(e.op, args);
    if (r === null || 'trap' in r || isNondeterministicNaN(e.op, r.value)) return null;
    return makeConst(info.results![0], r.value);
  },
};

/** A division/remainder by a constant that cannot trap (div_s also traps on INT_MIN / -1). */
function safeDivision(e: Expr): boolean {
  const b = baseOf(e.op);
  if (b !== 'div_s' && b !== 'div_u' && b !== 'rem_s' && b !== 'rem_u') return false;
  const c = cval(e.kids[1]);
  return c !== null && c !== 0n && !(b === 'div_s' && BigInt.asIntN(widthOf(e.op) as number, c) === -1n);
}

/** e == c when the known bits of e allow one value only (e removable). */
const knownConstant: Rule = {
  name: 'known-constant', ops: [],
  fn: (e, env) => {
    const w = valueWidth(e);
    if (w === 0 || isConst(e) || e.op === O.local_get || e.op === O.local_tee || !factsFromOperands(e.op)) return null;
    const k = env.bits(e);
    if (!k.isConstant) return null;
    const ok = env.removable(e) || (safeDivision(e) && env.removable(e.kids[0]));
    return ok ? mkConst(w, BigInt(k.constant!)) : null;
  },
};

// ---- the rule table -------------------------------------------------------------------------

const TOPICS: Rule[][] = [arithRules, bitRules, shiftRules, compareRules, conversionRules, memoryRules, selectRules, floatRules];
const TABLE: Rule[][] = OPS.map(() => [foldConstants, knownConstant]);
for (const topic of TOPICS) {
  for (const r of topic) for (const name of r.ops) TABLE[op(name)].push(r);
}

/** Every rule of the pass, by topic (for tests and `weft passes`-style listings). */
export const RULES: Record<string, Rule[]> = {
  generic: [foldConstants, knownConstant], arith: arithRules, bitops: bitRules, shifts: shiftRules,
  compare: compareRules, conversions: conversionRules, memory: memoryRules, select: selectRules, floats: floatRules,
};

/** How often each rule fired (by `topic/name`), for tests and tuning; cleared by the caller. */
export const ruleStats = new Map<string, number>();
const RULE_KEY = new Map<Rule, string>();
for (const [topic, rules] of Object.entries(RULES)) for (const r of rules) RULE_KEY.set(r, `${topic}/${r.name}`);

// ---- the environment rules query --------------------------------------------------------------

class Env implements RuleEnv {
  private readonly freshFx = new Map<Expr, Effects>();
  private localDepth = 0;
  private settleDepth = 0;
  private readonly inProgress = new Set<number>();
  private readonly localCache = new Map<number, KnownBits | null>();
  private sets: Expr[][] | null = null;
  private readonly kbOpts: KnownBitsOptions;
  /** Set when a rule changed a node in place (if/br_if conditions). */
  inPlace = false;

  constructor(
    private readonly fx: FunctionEffects,
    kbCache: Map<Expr, KnownBits>,
    private readonly numParams: number,
    private readonly hasPops: boolean,
  ) {
    this.kbOpts = { cache: kbCache, local: (g) => this.localFacts(g) };
  }

  effects(e: Expr): Effects {
    if (!isFresh(e)) return this.fx.get(e);
    let r = this.freshFx.get(e);
    if (r === undefined) {
      r = effectsOf(e);
      this.freshFx.set(e, r);
    }
    return r;
  }

  removable(e: Expr): boolean {
    return !this.effects(e).hasSideEffects();
  }

  reorderable(a: Expr, b: Expr): boolean {
    return !this.effects(a).invalidates(this.effects(b));
  }

  bits(e: Expr): KnownBits {
    return knownBits(e, this.kbOpts);
  }

  same(a: Expr, b: Expr): boolean {
    return sameTree(a, b) && this.removable(a);
  }

  /**
   * Facts about a local.get, flow-insensitively: the join of the facts of every value stored
   * to the local anywhere in the function, and of its initial value (zero for a declared
   * local; a parameter's argument is unknown, so parameters get no facts). Any read sees one
   * of those values, whatever the control flow, so no CFG is needed.
   */
  private localFacts(get: Expr): KnownBits | null {
    const idx = get.index;
    if (idx < this.numParams || this.localDepth >= MAX_LOCAL_DEPTH || this.inProgress.has(idx)) return null;
    const w = valueWidth(get);
    if (w === 0) return null;
    const cached = this.localCache.get(idx);
    if (cached !== undefined) return cached;
    this.inProgress.add(idx);
    this.localDepth++;
    let acc: KnownBits | null = w === 32 ? KnownBits32.ofConstant(0) : KnownBits64.ofConstant(0n);
    try {
      for (const set of this.setsOf(idx)) {
        const v = set.kids[set.kids.length - 1];
        if (v === undefined || valueWidth(v) !== w) { acc = null; break; }
        const k = knownBits(v, this.kbOpts);
        acc = w === 32 ? (acc as KnownBits32).join(k as KnownBits32) : (acc as KnownBits64).join(k as KnownBits64);
      }
    } finally {
      this.localDepth--;
      this.inProgress.delete(idx);
    }
    // only a result computed without cutting a cycle or the depth short is worth keeping
    if (this.inProgress.size === 0 && this.localDepth === 0) this.localCache.set(idx, acc);
    return acc;
  }

  /** The local.set/tee nodes of local `idx` (all locals indexed on first use). */
  private setsOf(idx: number): Expr[] {
    if (this.sets === null) {
      const sets: Expr[][] = [];
      forEachExpr([this.fx.root], (e) => {
        if (e.op === O.local_set || e.op === O.local_tee) (sets[e.index] ??= []).push(e);
      });
      this.sets = sets;
    }
    return this.sets[idx] ?? [];
  }

  /** Applies rules to `e` until none fires; returns the replacement (or `e`). */
  simplify(e: Expr): Expr {
    let cur = e;
    for (let step = 0; step < MAX_STEPS; step++) {
      if (cur.op === O.pop || !wellTyped(cur) || (this.hasPops && this.popOperands(cur))) return cur;
      let next: Expr | null = null;
      for (const rule of TABLE[cur.op]) {
        const r = rule.fn(cur, this);
        if (r === null) continue;
        const key = RULE_KEY.get(rule)!;
        ruleStats.set(key, (ruleStats.get(key) ?? 0) + 1);
        if (r === cur) {
          this.inPlace = true; // changed in place (a condition)
          next = cur;
          break;
        }
        if (!typesEqual(r.type, cur.type)) throw new Error(`optimize-instructions: rule ${rule.name} changed the type of ${cur.name}`);
        next = r;
        break;
      }
      if (next === null) break;
      cur = this.settle(next);
    }
    return cur;
  }

  private popOperands(e: Expr): boolean {
    for (const k of e.kids) if (this.effects(k).hasPops) return true;
    return false;
  }

  /** Simplifies the fresh operands under `root` (children first); `root` itself is left to the caller. */
  private settle(root: Expr): Expr {
    if (this.settleDepth >= MAX_SETTLE_DEPTH || !isFresh(root)) return root;
    this.settleDepth++;
    try {
      const parents: Expr[] = [];
      const idx: number[] = [];
      const stack: Expr[] = [root];
      while (stack.length > 0) {
        const p = stack.pop()!;
        for (let i = 0; i < p.kids.length; i++) {
          const k = p.kids[i];
          if (!isFresh(k)) continue;
          parents.push(p);
          idx.push(i);
          stack.push(k);
        }
      }
      // reverse pre-order: every node after its descendants
      for (let j = parents.length - 1; j >= 0; j--) {
        const p = parents[j];
        p.kids[idx[j]] = this.simplify(p.kids[idx[j]]);
      }
    } finally {
      this.settleDepth--;
    }
    return root;
  }
}

/** The operands of a fixed-signature instruction have the types it takes (rules rely on it). */
function wellTyped(e: Expr): boolean {
  const params = OPS[e.op].params;
  if (params === null) return true;
  const kids = e.kids;
  if (kids.length !== params.length) return false;
  for (let i = 0; i < kids.length; i++) {
    const t = kids[i].type;
    if (t.length !== 1 || t[0] !== params[i]) return false;
  }
  return true;
}

/** Structural equality of two expressions without bodies (iterative, bounded). */
function sameTree(a: Expr, b: Expr): boolean {
  if (a === b) return true;
  const xs = [a];
  const ys = [b];
  let budget = SAME_BUDGET;
  while (xs.length > 0) {
    const x = xs.pop()!;
    const y = ys.pop()!;
    if (--budget < 0) return false;
    if (x.op !== y.op || !typesEqual(x.type, y.type) || x.kids.length !== y.kids.length) return false;
    if (x.body.length > 0 || y.body.length > 0 || x.alt !== null || y.alt !== null || x.targets !== null || y.targets !== null) return false;
    if (x.target !== y.target || x.index !== y.index || x.index2 !== y.index2 || x.offset !== y.offset || x.align !== y.align) return false;
    const xv = x.value, yv = y.value;
    if (xv instanceof Uint8Array || yv instanceof Uint8Array) {
      if (!(xv instanceof Uint8Array && yv instanceof Uint8Array) || xv.length !== yv.length || xv.some((v, i) => v !== yv[i])) return false;
    } else if (xv !== yv) return false;
    for (let i = 0; i < x.kids.length; i++) {
      xs.push(x.kids[i]);
      ys.push(y.kids[i]);
    }
  }
  return true;
}

// ---- the pass --------------------------------------------------------------------------------

function optimizeFunction(cx: PassContext, f: Func): boolean {
  const frame = cx.body(f);
  const kbCache = new Map<Expr, KnownBits>();
  const numParams = cx.module.types[f.type].params.length;
  let changed = false;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    // nodes built by earlier rounds are part of the tree now; effects are computed on the
    // first query, so a later round sees the simplified tree
    resetFresh();
    const env = new Env(new FunctionEffects(frame), kbCache, numParams, f.hasPops);
    const replaced = rewriteExprs(frame.body, (e) => env.simplify(e));
    if (!replaced && !env.inPlace) break;
    changed = true;
  }
  return changed;
}

export const optimizeInstructions: FunctionPass = {
  name: 'optimize-instructions',
  description: 'algebraic identities and strength reduction (integer, bitwise, shifts, compares, conversions, memory offsets)',
  scope: 'function',
  bodyLocal: true,
  run: optimizeFunction,
};
