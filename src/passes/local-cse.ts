// local-cse: common subexpression elimination through locals.
//
// What. An expression computed again while its first evaluation is still known to hold is
// replaced by a `local.get` of a new local that the first evaluation fills with `local.tee`:
//   (i32.add (i32.mul (local.get 0) (i32.const 12)) (local.get 1))  ...  same expression
//   → (local.tee $t (i32.add ...))  ...  (local.get $t)
// Candidates are trees of pure instructions: constants, `local.get`, `global.get`, numeric
// instructions with a fixed signature whose only possible effect is a trap (div, rem, trunc),
// loads, `memory.size`, `select`; at least two nodes. Two trees are equal when they have the
// same ops, immediates and operands (hash-consed bottom-up, so equal trees share one id).
// Larger repeats win over their parts: when a whole tree is replaced, matches inside it are not
// used, and a first occurrence that ends up inside a replaced tree is not used either.
// A repeat is replaced only when it pays for the new local on a naive backend, where each
// `local.get` is a load and the `local.tee` a store: counting instructions (constants count 0:
// they are immediates), `uses × (cost − 1) − 1 > 0`.
//
// Which earlier evaluation is available. One walk in execution order (ir/walk.ts
// `walkExecution`) keeps a table of first occurrences. An occurrence stays valid while nothing
// writes a local or global it reads, nor memory (stores, memory.grow/fill/copy/init, calls)
// when it reads memory: writes are stamped with a counter, occurrences with the counter at their
// evaluation. Entering a loop stamps everything the loop may write (a use inside the loop may
// run after a later iteration's writes). Occurrences made inside an if arm, or inside a block
// that some branch targets, are usable only inside it (afterwards they might not have run);
// those made at the top level of a loop body stay usable after the loop (it is left only by
// falling off the end of its body, after the occurrence ran).
//
// Why it is sound. The first occurrence is evaluated (and its value stored) on every path to
// the replaced one (it comes earlier in a list or operand sequence the replaced one follows,
// outside any arm or branch target it could be skipped through), and nothing in between changed
// its inputs, so the replaced evaluation would compute the same value. It would not trap either:
// the same instruction on the same operands and memory already completed. Candidates have no
// other effect, so evaluating them once instead of twice is not observable. Functions with
// `pop` operands are left alone.
//
// Where. After inlining and optimize-instructions have exposed repeated address and index
// computations; before simplify-locals (which sinks what it can of the new tees) and
// coalescing/reorder-locals.

import { Expr } from '../ir/expr.js';
import { Eff, O, OPS } from '../ir/opcodes.js';
import { forEachExpr, walkExecution } from '../ir/walk.js';
import type { Effects, FunctionEffects } from '../analysis/effects.js';
import type { FunctionPass } from './registry.js';

/** Resolution rounds (dropping unusable or unprofitable first occurrences) at most. */
const MAX_ROUNDS = 16;

const PURE_OR_TRAP_OR_LOAD = Eff.trap | Eff.readMem;

/** Whether `op` may appear in a candidate tree (its operands must be candidates too). */
function candidateOp(op: number): boolean {
  if (op === O.local_get || op === O.global_get || op === O.select || op === O.select_t) return true;
  const info = OPS[op];
  return info.params !== null && (info.effects & ~PURE_OR_TRAP_OR_LOAD) === 0 && info.results !== null &&
    info.results.length === 1;
}

function isConst(op: number): boolean {
  return op === O.i32_const || op === O.i64_const || op === O.f32_const || op === O.f64_const || op === O.v128_const;
}

function valueText(e: Expr): string {
  const v = e.value;
  if (v === null) return '';
  return v instanceof Uint8Array ? Array.from(v).join(',') : String(v);
}

interface Occurrence {
  node: Expr;
  scope: number;
  stamp: number;
  locals: readonly number[];
  globals: readonly number[];
  /** Reads memory. */
  mem: boolean;
}

class Scanner {
  /** Hash-consed id of each candidate node. */
  readonly ids = new Map<Expr, number>();
  /** Instruction cost of each candidate node with its subtree (constants 0). */
  readonly cost = new Map<Expr, number>();
  /** Node count of each candidate with its subtree. */
  private readonly size = new Map<Expr, number>();
  private readonly keys = new Map<string, number>();
  private readonly table = new Map<number, Occurrence>();
  /** Later occurrence → the first occurrence it repeats. */
  readonly matches = new Map<Expr, Expr>();

  private counter = 0;
  private readonly localWrite: Int32Array;
  private readonly globalWrite = new Map<number, number>();
  private anyGlobalWrite = 0;
  private memWrite = 0;

  private readonly alive: boolean[] = [true];
  private readonly scopes: number[] = [0];
  private readonly targeted = new Set<Expr>();

  constructor(private readonly root: Expr, private readonly fx: FunctionEffects, numLocals: number) {
    this.localWrite = new Int32Array(numLocals);
    forEachExpr([root], (e) => {
      if (e.targets !== null) for (const t of e.targets) this.targeted.add(t);
      else if (e.target !== null) this.targeted.add(e.target);
    });
  }

  run(): void {
    walkExecution(this.root, {
      visit: (e) => this.visit(e),
      enter: (e) => {
        if (e.op === O.if || (e.op === O.block && this.targeted.has(e))) this.pushScope();
        else if (e.op === O.loop) this.stampWrites(this.fx.get(e));
      },
      enterElse: () => { this.popScope(); this.pushScope(); },
      leave: (e) => {
        if (e.op === O.if || (e.op === O.block && this.targeted.has(e))) this.popScope();
      },
    });
  }

  private pushScope(): void {
    this.scopes.push(this.alive.length);
    this.alive.push(true);
  }

  private popScope(): void {
    this.alive[this.scopes.pop()!] = false;
  }

  /** Everything `fx` may write is written now. */
  private stampWrites(fx: Effects): void {
    const locals = fx.localsWritten;
    const globals = fx.globalsWritten;
    if (locals.length === 0 && globals.length === 0 && !fx.calls && !fx.writesMemory && !fx.growsMemory) return;
    const c = ++this.counter;
    for (const v of locals) this.localWrite[v] = c;
    for (const g of globals) this.globalWrite.set(g, c);
    if (fx.calls) this.anyGlobalWrite = c;
    if (fx.calls || fx.writesMemory || fx.growsMemory) this.memWrite = c;
  }

  private valid(o: Occurrence): boolean {
    if (!this.alive[o.scope]) return false;
    if (o.mem && this.memWrite > o.stamp) return false;
    for (const v of o.locals) if (this.localWrite[v] > o.stamp) return false;
    if (o.globals.length > 0) {
      if (this.anyGlobalWrite > o.stamp) return false;
      for (const g of o.globals) if ((this.globalWrite.get(g) ?? 0) > o.stamp) return false;
    }
    return true;
  }

  private visit(e: Expr): void {
    const op = e.op;
    // writes (candidates write nothing)
    const own = OPS[op].effects;
    if (op === O.local_set || op === O.local_tee) {
      const k = e.kids[0];
      // (a copy of the local to itself changes nothing)
      if (k.op !== O.local_get || k.index !== e.index) this.localWrite[e.index] = ++this.counter;
    } else if (op === O.global_set) {
      this.globalWrite.set(e.index, ++this.counter);
    } else if ((own & (Eff.call | Eff.writeMem | Eff.growMem)) !== 0) {
      const c = ++this.counter;
      this.memWrite = c;
      if (own & Eff.call) this.anyGlobalWrite = c;
    }
    if (!candidateOp(op)) return;
    // hash-cons: op, immediates, type, operand ids
    let key = `${op}|${e.index}|${e.index2}|${e.offset}|${e.align}|${valueText(e)}|${e.type.join(',')}|`;
    let size = 1;
    let cost = isConst(op) ? 0 : 1;
    for (const k of e.kids) {
      const id = this.ids.get(k);
      if (id === undefined) return; // an operand that is not a candidate
      key += `${id},`;
      size += this.size.get(k)!;
      cost += this.cost.get(k)!;
    }
    let id = this.keys.get(key);
    if (id === undefined) this.keys.set(key, (id = this.keys.size));
    this.ids.set(e, id);
    this.size.set(e, size);
    this.cost.set(e, cost);
    if (size < 2) return;
    const prev = this.table.get(id);
    if (prev !== undefined && this.valid(prev)) {
      this.matches.set(e, prev.node);
      return;
    }
    const f = this.fx.get(e);
    this.table.set(id, {
      node: e, scope: this.scopes[this.scopes.length - 1], stamp: this.counter,
      locals: f.localsRead, globals: f.globalsRead, mem: f.readsMemory,
    });
  }
}

/**
 * Keeps the matches that can be used together: outermost replacements only, first occurrences
 * not inside a replaced tree, and each first occurrence paying for its local. Returns the
 * replaced nodes and the number of uses of each first occurrence, or null when it does not settle.
 */
function resolve(root: Expr, matches: Map<Expr, Expr>, cost: Map<Expr, number>):
  { replaced: Set<Expr>; uses: Map<Expr, number> } | null {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const reps = new Set(matches.values());
    const replaced = new Set<Expr>();
    const uses = new Map<Expr, number>();
    const seenReps = new Set<Expr>();
    const stack: Expr[] = [root];
    while (stack.length > 0) {
      const e = stack.pop()!;
      const rep = matches.get(e);
      if (rep !== undefined) {
        replaced.add(e);
        uses.set(rep, (uses.get(rep) ?? 0) + 1);
        continue;
      }
      if (reps.has(e)) seenReps.add(e);
      for (const k of e.kids) stack.push(k);
      for (const k of e.body) stack.push(k);
      if (e.alt !== null) for (const k of e.alt) stack.push(k);
    }
    const bad = new Set<Expr>();
    for (const [rep, n] of uses) {
      if (!seenReps.has(rep) || n * (cost.get(rep)! - 1) - 1 <= 0) bad.add(rep);
    }
    if (bad.size === 0) return { replaced, uses };
    for (const [e, rep] of matches) if (bad.has(rep)) matches.delete(e);
  }
  return null;
}

export const localCse: FunctionPass = {
  name: 'local-cse',
  description: 'compute repeated pure expressions once: local.tee at the first, local.get at the repeats',
  scope: 'function',
  run(cx, f) {
    if (f.hasPops) return false;
    const root = cx.body(f);
    const numParams = cx.module.types[f.type].params.length;
    const scan = new Scanner(root, cx.effects(f), numParams + f.locals.length);
    scan.run();
    if (scan.matches.size === 0) return false;
    const r = resolve(root, scan.matches, scan.cost);
    if (r === null || r.replaced.size === 0) return false;
    // a new local per first occurrence that is used
    const localOf = new Map<Expr, number>();
    for (const rep of r.uses.keys()) {
      localOf.set(rep, numParams + f.locals.length);
      f.locals.push(rep.type[0]);
    }
    // rewrite, top-down: repeats become gets (their insides are gone), first occurrences tees
    const lists: Expr[][] = [root.body];
    const idx: number[] = [-1];
    const visitList = (list: Expr[]) => { lists.push(list); idx.push(-1); };
    if (root.alt !== null) visitList(root.alt);
    while (lists.length > 0) {
      const top = lists.length - 1;
      const list = lists[top];
      const i = ++idx[top];
      if (i >= list.length) { lists.pop(); idx.pop(); continue; }
      const e = list[i];
      const rep = scan.matches.get(e);
      if (rep !== undefined && r.replaced.has(e)) {
        const get = new Expr(O.local_get, e.type);
        get.index = localOf.get(rep)!;
        list[i] = get;
        continue;
      }
      const t = localOf.get(e);
      if (t !== undefined) {
        const tee = new Expr(O.local_tee, e.type, [e]);
        tee.index = t;
        list[i] = tee;
      }
      if (e.alt !== null && e.alt.length > 0) visitList(e.alt);
      if (e.body.length > 0) visitList(e.body);
      if (e.kids.length > 0) visitList(e.kids);
    }
    return true;
  },
};
