// const-hoist: materialise a repeated expensive constant once, into a local, and read the local.
//
// What. Under a target cost model (src/targets/, selected by `--target`), a constant that does
// not fold into its user as an immediate is re-materialised every time it appears: `movw`+`movt`
// on Cortex-M4 for 0x12345678, a literal-pool load on Cortex-M0, `lui`+`addi` on RV32 beyond 12
// bits. Per function, the constants are grouped by type and bits (a load/store address constant
// by its effective address: constant + memarg offset); the occurrences where a `local.get` is
// cheaper than the constant there are candidates. A group is rewritten when one
// materialisation, a store to a new local, its prologue zeroing and a load per other use cost
// less than the materialisations they replace (`weft cost` never rises):
//   (i32.store (local.get 0) (i32.const 0x12345678)) ... (i32.xor (local.get 1) (i32.const 0x12345678))
//   → (i32.store (local.get 0) (local.tee $k (i32.const 0x12345678))) ... (i32.xor (local.get 1) (local.get $k))
// Address constants become the local with offset 0: `(i32.load offset=8 (i32.const 0x100000))`
// reads `(i32.load (local.get $k))` where $k holds 0x100008. Addresses close together share one
// local (rebasing, see `collect`): with $k = 0x100018, `(i32.load offset=0x100218 (i32.const 0))`
// reads `(i32.load offset=0x200 (local.get $k))` when the target's loads take that offset for
// free. Nothing happens under `generic`, where every immediate is free.
//
// Where the one materialisation goes. Two placements, both executed before every use:
// - a `local.tee` at the first occurrence (in execution order) when it runs before all the
//   others on every path (analysis/structure.ts `dominates`, else a definite-assignment walk,
//   `runsBeforeAll`): statically the cheapest, it also keeps that use's value in its register;
// - a `local.set` inserted into a body list just before the item containing all the uses (the
//   closest such list), moved out past the outermost loop that contains the uses: a list runs
//   in order, so every use inside items k.. of a list runs after item k started, i.e. after the
//   set. Out of loops, a naive backend pays the materialisation once instead of per iteration.
// Function entry would always be valid too, but executes the set on paths that never use the
// constant; the closest list outside all loops is as cheap statically and never worse at run
// time. Between the two placements, the pass takes the one with the larger run-time saving
// (uses weighted by 8 per enclosing loop), then the larger static saving; it rewrites only when
// the static saving is positive, or zero with a run-time gain (a loop).
//
// Why it is sound. Constants are pure: evaluating one earlier, once, and reading it back is
// unobservable. The local is fresh (nothing else reads or writes it) and its set executes
// before every read (above), so every read sees the constant. For address constants the
// effective address is unchanged (c + offset was computed exactly, below 2^32, and the new
// offset is 0), so the access touches or traps on the same bytes. Code with `pop` operands
// (values left on the stack for a later instruction) is fine: nothing moves, a constant is
// replaced by a get or tee that leaves the same value, and the inserted set has no net stack
// effect, so every pop still takes the value it took.
//
// Where. Near the end of -O2/-O3/-Os/-Oz: after local coalescing and the last cleanup round (a
// later simplify-locals/precompute could fold the constant back into its uses), before
// reorder-locals (which then numbers the new local by its uses).

import { Expr, i32Const } from '../ir/expr.js';
import type { Func } from '../ir/module.js';
import { Eff, O, OPS } from '../ir/opcodes.js';
import { walkExecution } from '../ir/walk.js';
import { single, type ValType } from '../ir/types.js';
import { Slot, type Structure } from '../analysis/structure.js';
import {
  addressCost, constCost, getTarget, isMemAccess, materializeConst, slots, type Target,
} from '../targets/index.js';
import { MAX_LOCALS } from '../binary/code-reader.js';
import type { FunctionPass } from './registry.js';

/** Run-time weight of one loop level (an estimate of the iterations of an unknown loop). */
const LOOP_WEIGHT = 8;
const MAX_LOOP_DEPTH = 5;
/** Nodes the definite-assignment walks of one function may visit in all (bounds huge functions). */
const WALK_BUDGET = 4_000_000;

/** One occurrence of a constant that costs more where it stands than a `local.get` would. */
interface Use {
  node: Expr;
  /** The list holding `node` (its parent's kids, or a body list) and the position in it. */
  list: Expr[];
  index: number;
  /** The load/store `node` is the address of (address groups only). */
  access: Expr | null;
  /** The access's new memarg offset (its effective address minus the group's value). */
  offset: number;
  /** What the operand costs as this constant (with the access's address arithmetic). */
  before: number;
  /** What it costs as a value in a register (a `local.get`'s result, or a `local.tee`'s). */
  asRegister: number;
  /** Run-time weight: LOOP_WEIGHT per enclosing loop. */
  weight: number;
}

interface Group {
  type: ValType;
  /** Bits of the constant the local holds (the effective address for address groups). */
  value: number | bigint;
  /** The constant's node type. */
  op: number;
  uses: Use[];
  /** Position of the group's first occurrence in execution order. */
  first: number;
}

function isHoistable(op: number): boolean {
  return op === O.i32_const || op === O.i64_const || op === O.f32_const || op === O.f64_const;
}

function typeOfConst(op: number): ValType {
  return op === O.i32_const ? 0x7f : op === O.i64_const ? 0x7e : op === O.f32_const ? 0x7d : 0x7c;
}

/** A fresh constant node of `g`'s value. */
function makeConst(g: Group): Expr {
  if (g.op === O.i32_const) return i32Const(g.value as number);
  const e = new Expr(g.op, single(g.type));
  e.value = g.value;
  return e;
}

function loopDepth(st: Structure, e: Expr): number {
  let n = 0;
  for (const l of st.enclosingLabels(e)) if (l.op === O.loop) n++;
  return n;
}

function weightOf(depth: number): number {
  return LOOP_WEIGHT ** Math.min(depth, MAX_LOOP_DEPTH);
}

/** A candidate occurrence before grouping: its key (the constant's bits, or an address's EA). */
interface Candidate {
  key: number | bigint;
  op: number;
  use: Use;
}

/**
 * Collects the candidate occurrences under `root` and groups them, in order of first
 * occurrence (a pre-order walk: for constants, which are leaves, that is execution order);
 * only groups of two or more are returned. Weights are filled in later (they need the
 * structure).
 *
 * i32 groups are *rebased*: sorted by value, a run of load/store address constants whose
 * effective addresses lie within a free memarg offset of the run's lowest value share one
 * local holding that value, each access taking `offset = EA − base` (0x100018, 0x100218 and
 * 0x10021c become one local and offsets 0, 0x200, 0x204 on Thumb-2, whose loads take a
 * 12-bit offset). A constant used as a value joins a run only as its base (a value cannot
 * take an offset). The lowest value of a run is its base, so every offset is ≥ 0 and
 * base + offset = EA exactly, below 2^32: the access touches or traps on the same bytes.
 */
function collect(target: Target, root: Expr, getCost: (t: ValType) => number): Group[] {
  const cands: Candidate[] = [];
  // pre-order: node, then its operands, body and else arm; each with its list and position
  const nodes: Expr[] = [];
  const lists: Expr[][] = [];
  const idxs: number[] = [];
  const users: (Expr | null)[] = [];
  const push = (list: Expr[], user: Expr | null) => {
    for (let i = list.length - 1; i >= 0; i--) { nodes.push(list[i]); lists.push(list); idxs.push(i); users.push(user); }
  };
  push(root.body, null);
  while (nodes.length > 0) {
    const e = nodes.pop()!;
    const list = lists.pop()!;
    const index = idxs.pop()!;
    const user = users.pop()!;
    if (e.alt !== null) push(e.alt, null);
    if (e.body.length > 0) push(e.body, null);
    if (e.kids.length > 0) push(e.kids, e);
    if (!isHoistable(e.op)) continue;
    let key: number | bigint;
    let before: number;
    let access: Expr | null = null;
    if (user !== null && index === 0 && isMemAccess(user.op) && e.op === O.i32_const) {
      const ea = ((e.value as number) >>> 0) + user.offset;
      if (ea > 0xffffffff) continue; // always traps: leave it alone
      access = user;
      key = ea;
      const [c0, m0] = addressCost(target, user, e);
      before = c0 + m0;
    } else {
      key = e.op === O.i32_const ? (e.value as number) >>> 0 : (e.value as number | bigint);
      before = constCost(target, e, user, index);
    }
    // the cheapest this occurrence can be as a register (offset 0): not worth a get → skip
    if (before - asRegisterAt(target, access, 0) <= getCost(typeOfConst(e.op))) continue;
    cands.push({ key, op: e.op, use: { node: e, list, index, access, offset: 0, before, asRegister: 0, weight: 1 } });
  }
  const groups: Group[] = [];
  const order = new Map<Candidate, number>(cands.map((c, i) => [c, i]));
  // i32: rebased runs by value
  const i32 = cands.filter((c) => c.op === O.i32_const).sort((a, b) => (a.key as number) - (b.key as number) || order.get(a)! - order.get(b)!);
  const get = getCost(0x7f);
  let run: Candidate[] = [];
  const close = () => {
    if (run.length >= 2) {
      const base = run[0].key as number;
      run.sort((a, b) => order.get(a)! - order.get(b)!);
      groups.push({ type: 0x7f, value: base | 0, op: O.i32_const, uses: run.map((c) => c.use), first: order.get(run[0])! });
    }
    run = [];
  };
  for (let i = 0; i < i32.length;) {
    // all candidates with this key join the run, or none does
    let j = i;
    while (j < i32.length && i32[j].key === i32[i].key) j++;
    const key = i32[i].key as number;
    const fits = (base: number) => {
      for (let k = i; k < j; k++) {
        const u = i32[k].use;
        if (u.access === null ? key !== base : u.before - asRegisterAt(target, u.access, key - base) <= get) return false;
      }
      return true;
    };
    if (run.length > 0 && !fits(run[0].key as number)) close();
    const base = run.length > 0 ? (run[0].key as number) : key;
    for (let k = i; k < j; k++) {
      const u = i32[k].use;
      u.offset = key - base;
      u.asRegister = asRegisterAt(target, u.access, u.offset);
      run.push(i32[k]);
    }
    i = j;
  }
  close();
  // other types: exact bits
  const exact = new Map<string, Group>();
  for (const c of cands) {
    if (c.op === O.i32_const) continue;
    const k = `${c.op}:${String(c.key)}`;
    let g = exact.get(k);
    if (g === undefined) exact.set(k, (g = { type: typeOfConst(c.op), value: c.key, op: c.op, uses: [], first: order.get(c)! }));
    g.uses.push(c.use);
  }
  for (const g of exact.values()) if (g.uses.length >= 2) groups.push(g);
  return groups.sort((a, b) => a.first - b.first);
}

/** What an occurrence costs as a register: 0 for a value, the address cost at `offset` for an access. */
function asRegisterAt(target: Target, access: Expr | null, offset: number): number {
  if (access === null) return 0;
  const [c, m] = addressCost(target, withOffset(access, offset), null);
  return c + m;
}

/** A stand-in access with another offset, for costing (shares nothing mutable with `e`). */
function withOffset(e: Expr, offset: number): Expr {
  const c = new Expr(e.op, e.type, e.kids);
  c.offset = offset;
  c.align = e.align;
  return c;
}

/**
 * Where a `local.set` before all the uses goes: a body list and the index to insert at, outside
 * every loop (so it runs once per entry of the code that needs it).
 */
function anchor(st: Structure, uses: readonly Use[]): { list: Expr[]; index: number } {
  let c = uses[0].node;
  for (let i = 1; i < uses.length; i++) c = st.commonAncestor(c, uses[i].node);
  let list: Expr[] | null = null;
  let index = 0;
  let owner: Expr | null = null;
  if (c.isLabel()) {
    // all uses inside one arm of c: insert in that arm, before the first item holding a use
    const cid = st.id(c);
    for (const arm of [Slot.body, Slot.alt]) {
      let min = Infinity;
      let all = true;
      for (const u of uses) {
        let x = st.id(u.node);
        while (st.parentId[x] !== cid) x = st.parentId[x];
        if (st.slotKind[x] !== arm) { all = false; break; }
        min = Math.min(min, st.slotIndex[x]);
      }
      if (all) {
        list = arm === Slot.body ? c.body : c.alt!;
        index = min;
        owner = c;
        break;
      }
    }
  }
  if (list === null) {
    // before the statement holding c (c is not the function body: that has one arm only)
    let y = c;
    while (st.slot(y) === Slot.kid) y = st.parent(y)!;
    list = st.list(y)!;
    index = st.index(y);
    owner = st.parent(y);
  }
  // out of the outermost loop around the insertion point
  let outer: Expr | null = null;
  for (let x: Expr | null = owner; x !== null; x = st.parent(x)) if (x.op === O.loop) outer = x;
  if (outer !== null) {
    let y = outer;
    while (st.slot(y) === Slot.kid) y = st.parent(y)!;
    list = st.list(y)!;
    index = st.index(y);
  }
  return { list, index };
}

/**
 * The constants of a function (`root`: its decoded body) that repeat where each
 * occurrence costs more than a `local.get` — the candidates const-hoist weighs — as
 * [`i32.const 1048600`, occurrences] pairs (address constants by effective address). For
 * benchmarks and reports.
 */
export function repeatedConstants(target: Target, root: Expr): [string, number][] {
  const p = target.params;
  const groups = collect(target, root, (t) => p.localGet * slots(target, t));
  return groups.map((g) => [`${OPS[g.op].name} ${String(g.value)}`, g.uses.length]);
}

/**
 * Whether on every path from the function entry each of `others` runs after `first` ran: a
 * definite-assignment walk in execution order (ir/walk.ts `walkExecution`). The state is
 * "first has run" (1), "not surely" (0) or "unreachable" (2, the identity of the meet, after a
 * br/return/unreachable); a block's end meets its fall-through with the branches to it, an if's
 * end its two arms (or the condition's state, without an else). A loop's start needs no meet:
 * a back edge comes from inside the loop, where the state can only have grown since entry.
 * Finer than `Structure.dominates`, which cannot see that a `br_if`'s own condition, or code
 * before a branch inside the same statement, has run.
 */
function runsBeforeAll(root: Expr, first: Expr, others: ReadonlySet<Expr>): boolean {
  const UNREACHABLE = 2;
  let cur = 0;
  let ok = true;
  const branchIn = new Map<Expr, number>(); // meet of the states at branches to a block/if
  const condState = new Map<Expr, number>();
  const thenEnd = new Map<Expr, number>();
  const branch = (label: Expr) => {
    if (label.op === O.loop) return;
    branchIn.set(label, Math.min(branchIn.get(label) ?? UNREACHABLE, cur));
  };
  walkExecution(root, {
    visit(e) {
      if (!ok) return;
      if (e === first) cur = Math.max(cur, 1);
      else if (others.has(e) && cur === 0) ok = false;
      if (e.targets !== null) for (const t of e.targets) branch(t);
      else if (e.target !== null && (OPS[e.op].effects & Eff.branch) !== 0) branch(e.target);
      if (OPS[e.op].effects & Eff.noFallThrough) cur = UNREACHABLE;
    },
    enter(e) {
      if (e.op === O.if) condState.set(e, cur);
    },
    enterElse(e) {
      thenEnd.set(e, cur);
      cur = condState.get(e)!;
    },
    leave(e) {
      if (e.op === O.if) cur = Math.min(cur, e.alt !== null ? thenEnd.get(e)! : condState.get(e)!);
      if (e.op !== O.loop) cur = Math.min(cur, branchIn.get(e) ?? UNREACHABLE);
    },
  });
  return ok;
}

interface Plan {
  group: Group;
  /** The use that becomes `local.tee`, or null for an inserted `local.set`. */
  tee: Use | null;
  at: { list: Expr[]; index: number } | null;
}

export const constHoist: FunctionPass = {
  name: 'const-hoist',
  description: 'materialise repeated non-immediate constants once into a local (per --target cost model; none under generic)',
  scope: 'function',
  run(cx, f: Func) {
    const target = getTarget(cx.options.target);
    if (target.name === 'generic') return false;
    const m = cx.module;
    const numParams = m.types[f.type].params.length;
    if (numParams + f.locals.length >= MAX_LOCALS) return false;
    const p = target.params;
    const getCost = (t: ValType) => p.localGet * slots(target, t);
    const groups = collect(target, cx.body(f), getCost);
    if (groups.length === 0) return false;
    const st = cx.structure(f);
    for (const g of groups) for (const u of g.uses) u.weight = weightOf(loopDepth(st, u.node));
    const plans: Plan[] = [];
    let walked = 0;
    for (const g of groups) {
      const get = getCost(g.type);
      const mat = materializeConst(target, makeConst(g));
      const store = p.localSet * slots(target, g.type);
      const init = p.localInit * slots(target, g.type);
      let sumS = 0;
      let sumD = 0;
      for (const u of g.uses) {
        const save = u.before - u.asRegister - get;
        sumS += save;
        sumD += save * u.weight;
      }
      // option E: a local.set before all uses, outside loops (always valid)
      const sE = sumS - mat - store - init;
      const dE = sumD - (mat + store) - init; // the set runs outside loops: weight 1
      // option T: local.tee at the first use, valid when it runs before the others
      const first = g.uses[0];
      const firstSave = first.before - first.asRegister - get;
      const teeDelta = first.before - first.asRegister - mat - store; // what the first use saves as a tee
      const sT = sumS - firstSave + teeDelta - init;
      const dT = sumD - firstSave * first.weight + teeDelta * first.weight - init;
      const okE = sE > 0 || (sE === 0 && dE > 0);
      let pickT = (sT > 0 || (sT === 0 && dT > 0)) && (!okE || dT > dE || (dT === dE && sT >= sE));
      if (pickT) {
        for (let i = 1; i < g.uses.length && pickT; i++) pickT = st.dominates(first.node, g.uses[i].node);
        if (!pickT && walked + st.size <= WALK_BUDGET) {
          walked += st.size;
          pickT = runsBeforeAll(st.root, first.node, new Set(g.uses.slice(1).map((u) => u.node)));
        }
      }
      if (!pickT && !okE) continue;
      if (numParams + f.locals.length + plans.length >= MAX_LOCALS) break;
      plans.push({ group: g, tee: pickT ? first : null, at: pickT ? null : anchor(st, g.uses) });
    }
    if (plans.length === 0) return false;
    // rewrite: replacements keep list positions, so they use the indices found above;
    // insertions come last, from the highest index down
    const inserts: { list: Expr[]; index: number; node: Expr }[] = [];
    for (const plan of plans) {
      const g = plan.group;
      const local = numParams + f.locals.length;
      f.locals.push(g.type);
      for (const u of g.uses) {
        if (u.access !== null) u.access.offset = u.offset;
        if (u === plan.tee) {
          const tee = new Expr(O.local_tee, single(g.type), [makeConst(g)]);
          tee.index = local;
          u.list[u.index] = tee;
        } else {
          const get = new Expr(O.local_get, single(g.type));
          get.index = local;
          u.list[u.index] = get;
        }
      }
      if (plan.at !== null) {
        const set = new Expr(O.local_set, [], [makeConst(g)]);
        set.index = local;
        inserts.push({ list: plan.at.list, index: plan.at.index, node: set });
      }
    }
    inserts.sort((a, b) => b.index - a.index);
    for (const ins of inserts) ins.list.splice(ins.index, 0, ins.node);
    return true;
  },
};
