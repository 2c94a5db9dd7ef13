// stack-flow: values that wait on the operand stack instead of in a local (not a pass: the
// helpers coalesce-locals and promote-locals share).
//
// `stackify`: `local.set $x v`, then statements that leave the operand stack as they find it
// (no result, no `pop`), then a root whose first instruction is the only get of that set: v
// stays on the stack and the get becomes a `pop` operand. The instruction sequence just loses
// the set and the get; nothing moves (binaryen does this on its stack IR; here it is the
// tree's `pop`, see ir/expr.ts). The get may also start the second operand of a commutative
// integer operator (add, mul, and, or, xor, eq, ne) whose first operand does not start with
// it: when the two operands may be evaluated in either order (no conflict in
// analysis/effects.ts: no write the other reads or writes, not two traps, no trap with a global
// write, no call with a load...) they are swapped first (loom: -28 local ops and instructions;
// the packed `(hi << 32) | extend(flag)` shape). Floats are not swapped (which NaN payload
// comes out depends on the order). When the set has other gets too (the first get reads only that
// set), statements stand between them and the get is the condition of an `if` or `br_if` (or
// its `i32.eqz`), the set becomes a `local.tee`: the sequence loses the get only. That is the form
// fold-if-heads leaves (`c (local.tee $x) A (if (pop) ...)`, A the hoisted heads): a second
// run's promote-locals turns it back into a set and a get, and this puts it back. Not for other
// consumers: a value held on the stack under the structures in between costs Liftoff more than
// the get saves (gale os_node: Liftoff x64 +3 instructions for 3 wasm instructions fewer with
// any consumer, ARM32 +1 for 1 fewer with any condition starting with the get).
// coalesce-locals runs it on every set, last in the pipeline (the pops it makes would stop the
// passes that move code). promote-locals runs it only on
// sets whose value is itself a `pop` (`popsOnly`): such a pair is a round trip of a value
// already on the stack (`local.set $a (pop) local.set $b (pop) local.get $b local.get $a`,
// how multi-value results are often passed on), and cancelling it removes pops instead of
// making new ones, so the function can become plain trees for every later pass.
//
// Why it is sound: the set and its only get are adjacent in the emitted sequence but for
// balanced statements, so the value the get would read is exactly the one left on the stack
// (a statement branching away drops it with everything else). A swap changes only the order
// of two operands that commute as values and whose evaluations do not conflict, so the
// operator gets the same two values, and every effect happens as before relative to
// everything that could tell. With a tee, the get read that
// set's value only (the local graph's sole set), which the tee left on the stack, and the local
// still holds it for the other gets.

import { Expr, pop } from '../ir/expr.js';
import { O, op } from '../ir/opcodes.js';
import { forEachExpr, statementLists } from '../ir/walk.js';
import type { LocalCfg } from '../analysis/cfg.js';
import { LocalGraph } from '../analysis/local-graph.js';
import { effectsOf } from '../analysis/effects.js';

export interface PopSite {
  parent: Expr;
  index: number;
}

/** The `pop` operands of `root` taking values from its list's stack, in emission order. */
export function leadingPops(root: Expr): PopSite[] {
  const out: PopSite[] = [];
  const nodes: Expr[] = [root];
  const next: number[] = [0];
  while (nodes.length > 0) {
    const top = nodes.length - 1;
    const e = nodes[top];
    const i = next[top];
    if (i >= e.kids.length) {
      nodes.pop();
      next.pop();
      continue;
    }
    next[top] = i + 1;
    const k = e.kids[i];
    if (k.op === O.pop) out.push({ parent: e, index: i });
    else if (k.kids.length > 0) {
      nodes.push(k);
      next.push(0);
    }
  }
  return out;
}

/** Roots scanned after a set for its get. */
const MAX_STACK_SCAN = 64;

/**
 * `local.set $x v` followed, in the same list, by statements that leave the stack as they find
 * it and then by a root whose first instruction is a get reading only that set: v stays on the
 * stack and the get becomes a `pop` (the instruction sequence only loses the set and the get;
 * when the set has other gets, it becomes a tee and stays). `popsOnly`: only sets of a `pop`,
 * and only with their single get (that removes pops). Returns the number of gets removed.
 */
export function stackify(root: Expr, numLocals: number, cfg: () => LocalCfg, numParams: number, hasPops: boolean, popsOnly = false): number {
  const lists = statementLists(root.body);
  // candidates by shape alone: the set, the roots in between, the root that gets it first
  const cands: ({ list: Expr[]; i: number; j: number } & FirstGet)[] = [];
  for (const list of lists) {
    for (let i = 0; i < list.length; i++) {
      const set = list[i];
      if (set.op !== O.local_set || (popsOnly && set.kids[0].op !== O.pop)) continue;
      for (let t = i + 1; t < list.length && t <= i + MAX_STACK_SCAN; t++) {
        const r = list[t];
        const path = firstGet(r, set.index);
        if (path !== null) {
          cands.push({ list, i, j: t, ...path });
          break;
        }
        if (r.type.length !== 0 || (hasPops && leadingPops(r).length > 0)) break;
      }
    }
  }
  if (cands.length === 0) return 0;
  // a local accessed only by the set and the get needs no analysis (the set runs right before
  // the get, in the same list); others ask the local graph
  const accesses = new Uint32Array(numLocals);
  forEachExpr(root.body, (e) => {
    if (e.op === O.local_get || e.op === O.local_set || e.op === O.local_tee) accesses[e.index]++;
  });
  let graph: LocalGraph | null = null;
  /** Roots that took a pop here. */
  const popped = new Set<Expr>();
  let n = 0;
  /** Constants to insert before a root, per list. */
  const before = new Map<Expr[], Map<Expr, Expr[]>>();
  /** Roots that are a bare `pop`: they take the top value and leave it (no code), and go. */
  const identity = new Set<Expr>();
  const touched = new Set<Expr[]>();
  for (const { list, i, j, get, site, consts, swaps } of cands) {
    const set = list[i];
    /** The set has other gets: it stays, as a tee (the value goes on the stack and into the local). */
    let tee = false;
    if (accesses[set.index] !== 2) {
      graph ??= new LocalGraph(root, { cfg: cfg(), numParams });
      if (graph.cfg.actionOf(set) < 0 || graph.cfg.actionOf(get) < 0 || graph.isUnreachable(set)) continue;
      if (graph.soleSet(get) !== set) continue;
      if (graph.setGetCount(set) !== 1) {
        // (right before its get, the tee belongs in the tree: simplify-locals' business)
        if (popsOnly || j === i + 1 || !isCondition(list[j], get)) continue;
        tee = true;
      }
    }
    let ok = true;
    for (let t = i + 1; t <= j && ok; t++) if (popped.has(list[t])) ok = false;
    if (!ok) continue;
    // a value that takes operands from the stack (pops) cannot have constants pushed in front
    // of it: its pops would take them
    const value = set.kids[0];
    if (consts.length > 0 && (value.op === O.pop || leadingPops(value).length > 0 || leadingPops(set).length > 0)) continue;
    // commutative operators whose second operand starts with the get take it first
    for (const e of swaps) e.kids = [e.kids[1], e.kids[0]];
    // the get's parent takes the value from the stack, and the constants evaluated before it
    // are pushed before the value
    if (site === null) {
      list[j] = pop(get.type[0]);
      identity.add(list[j]);
    } else site.parent.kids[site.index] = pop(get.type[0]);
    const hoisted: Expr[] = [];
    for (const c of consts) {
      const k = c.parent.kids[c.index];
      hoisted.push(k);
      c.parent.kids[c.index] = pop(k.type[0]);
    }
    let head = value;
    if (tee) {
      set.op = O.local_tee;
      set.type = get.type;
      head = set;
    }
    if (hoisted.length > 0) {
      let m = before.get(list);
      if (m === undefined) before.set(list, (m = new Map()));
      m.set(head, hoisted);
    }
    list[i] = head;
    if (head.op === O.pop) identity.add(head);
    popped.add(list[j]);
    touched.add(list);
    n++;
  }
  for (const list of touched) {
    const m = before.get(list);
    const out: Expr[] = [];
    for (const r of list) {
      const h = m?.get(r);
      if (h !== undefined) out.push(...h);
      if (!identity.has(r)) out.push(r);
    }
    list.length = 0;
    list.push(...out);
  }
  return n;
}

const I32_EQZ = op('i32.eqz');

/**
 * Whether `r` is an `if` or `br_if` (without a value) whose condition is the get, or its
 * `i32.eqz`: the shapes fold-if-heads leaves with a condition waiting on the stack.
 */
function isCondition(r: Expr, get: Expr): boolean {
  if (r.op !== O.if && (r.op !== O.br_if || r.kids.length !== 1)) return false;
  const c = r.kids[0];
  return c === get || (c.op === I32_EQZ && c.kids[0] === get);
}

function isConst(e: Expr): boolean {
  const op = e.op;
  return op === O.i32_const || op === O.i64_const || op === O.f32_const || op === O.f64_const;
}

/**
 * The get of `local` that `r` evaluates first, but for constants (the constants before it, in
 * evaluation order), following operands only; null when `r` starts with anything else.
 */
function firstGet(r: Expr, local: number): FirstGet | null {
  const consts: PopSite[] = [];
  const swaps: Expr[] = [];
  let e = r;
  let site: PopSite | null = null;
  for (;;) {
    if (e.op === O.local_get) return e.index === local ? { get: e, site, consts, swaps } : null;
    if (e.op === O.pop) return null;
    let k = 0;
    while (k < e.kids.length && isConst(e.kids[k])) k++;
    if (k === e.kids.length) return null;
    if (k === 0 && swappable(e, local) && swaps.length < MAX_SWAPS) {
      // the get starts the second operand of a commutative operator: swapped, it comes first
      swaps.push(e);
      site = { parent: e, index: 0 }; // its position once swapped
      e = e.kids[1];
      continue;
    }
    for (let c = 0; c < k; c++) consts.push({ parent: e, index: c });
    site = { parent: e, index: k };
    e = e.kids[k];
  }
}

interface FirstGet {
  get: Expr;
  site: PopSite | null;
  consts: PopSite[];
  /** Commutative operators whose operands are swapped first (outermost first). */
  swaps: Expr[];
}

/** Operand swaps per candidate at most. */
const MAX_SWAPS = 4;

/** Integer operators whose operands commute (floats: NaN payloads pick an operand). */
const COMMUTATIVE = new Set<number>(['add', 'mul', 'and', 'or', 'xor', 'eq', 'ne'].flatMap((b) => [op(`i32.${b}`), op(`i64.${b}`)]));

/**
 * Whether `e` is a commutative operator whose first operand does not start with a get of
 * `local` (but for constants), whose second does, and whose operands may be evaluated in
 * either order (no conflict: analysis/effects.ts).
 */
function swappable(e: Expr, local: number): boolean {
  if (!COMMUTATIVE.has(e.op) || e.kids.length !== 2) return false;
  const [a, b] = e.kids;
  if (a.op === O.pop || b.op === O.pop || isConst(b) || startsWithGet(a, local) || !startsWithGet(b, local)) return false;
  return !effectsOf(a).invalidates(effectsOf(b));
}

/** Whether `x`'s first instruction but for constants is a get of `local` (no swaps). */
function startsWithGet(x: Expr, local: number): boolean {
  let e = x;
  for (;;) {
    if (e.op === O.local_get) return e.index === local;
    let k = 0;
    while (k < e.kids.length && isConst(e.kids[k])) k++;
    if (k === e.kids.length || e.op === O.pop) return false;
    e = e.kids[k];
  }
}
