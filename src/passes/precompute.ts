// precompute: constant folding, exactly per the WebAssembly spec.
//
// What. Bottom-up over each function body:
//  - a numeric instruction (fixed signature in the opcode table, no effect but a possible trap)
//    whose operands are all constants becomes the constant result, computed by `evalNumeric`
//    (ir/eval.ts); trees of constants fold to one constant in a single walk;
//  - `select` with a constant condition becomes the chosen operand when the discarded operand
//    is pure (constants, local/global reads, non-trapping numeric ops on those);
//  - `if` with a constant condition becomes a `block` holding the taken arm, in place: the same
//    node, so branches that targeted the `if` still target it (a block's label, like an if's,
//    carries the results);
//  - `br_if` with a constant condition: 0 → its single value operand (or, with no values, the
//    node is removed from its list); non-zero → `br` when the `br_if` is a statement (a root of
//    its list), and the rest of that list, now unreachable, is dropped.
//
//  - constant propagation through locals: a `local.get` whose every reaching definition (the
//    local graph) writes the same constant — `local.set`/`local.tee` of a `*.const`, or the
//    zero a declared (non-parameter) local starts with, or a block no branch targets whose
//    last root is a constant (its value) — becomes that constant (a copy
//    `local.set $x (local.get $y)` is no definition of its own: the definitions reaching its
//    get count instead, so copies in a cycle, even of a local to itself, do not hide a
//    constant); folding and
//    propagation alternate for a few rounds (a folded value may make another set constant).
//    The sets stay: simplify-locals removes those no get reads any more.
//  - a `local.tee $x (C)` of a constant evaluated first in its statement (nothing but constants
//    and reads of other locals before it) is split: `local.set $x (C)` goes in front of the
//    statement and the tee becomes `C`, which folds with its parent (simplify-locals forms
//    such tees before the constant reached its use: `if (i32.ge_s (local.tee $n (i32.const
//    11)) (i32.const 0))` hid a constant condition).
//
// Why it is sound. A get returns the value of the definition that last wrote its local on the
// path taken; when every definition that can reach it wrote the same constant bits, the get
// returns those bits whatever the path, and a constant has no effect. A copy writes the value
// its source local held, itself written by one of the definitions reaching the copy's get: by
// induction over the execution, the closure of definitions through copies covers every value
// the local can hold at the get. The evaluator implements the spec's numeric semantics bit-exactly. An
// instruction that would trap is never folded (the trap stays, in place). An instruction whose
// result is a NaN is folded only when it is bitwise (abs, neg, copysign, reinterpret): for every
// other float instruction the spec makes the NaN's sign and payload nondeterministic, so picking
// one would pin down behaviour the engine may choose differently (and would differ from what the
// unoptimized module computes on some engine). Operands removed by select/br_if/if folding are
// constants or pure expressions, so no effect or trap is lost; nothing is reordered. Nodes whose
// operands include a `pop` are never removed or moved (pops only ever stay a prefix of `kids`).
// Dead code after a new `br` is removed up to the end of its list, matching the IR invariant
// that code after an unconditional branch is not kept. A split tee writes its local a few
// instructions earlier, but only constants and reads of other locals ran in between: nothing
// reads the local, branches or traps there, so no one sees the difference.
//
// Where. Early and repeatedly: after inlining and constant propagation expose constant operands,
// and before dead-code elimination and block merging, which clean up the blocks it leaves.

import { Expr, NO_KIDS, i32Const, i64Const, f32Const, f64Const, numericZero } from '../ir/expr.js';
import { evalNumeric, isNondeterministicNaN, type Num } from '../ir/eval.js';
import { Eff, O, OPS } from '../ir/opcodes.js';
import { F32, F64, I32, I64, NONE } from '../ir/types.js';
import { forEachExpr, rewriteExprs, statementLists } from '../ir/walk.js';
import type { Func } from '../ir/module.js';
import { ENTRY } from '../analysis/local-graph.js';
import type { PassContext } from './context.js';
import type { FunctionPass } from './registry.js';

/** The constant value of a `*.const` node, or undefined. */
function constValue(e: Expr): Num | undefined {
  const op = e.op;
  if (op === O.i32_const || op === O.i64_const || op === O.f32_const || op === O.f64_const) return e.value as Num;
  return undefined;
}

function makeConst(t: number, v: Num): Expr {
  switch (t) {
    case I32: return i32Const(v as number);
    case I64: return i64Const(v as bigint);
    case F32: return f32Const(v as number);
    case F64: return f64Const(v as bigint);
    default: throw new Error(`precompute: no constant of type 0x${t.toString(16)}`);
  }
}

/** An i32.const's value, or null when `e` is not one. */
function constCond(e: Expr): number | null {
  return e.op === O.i32_const ? (e.value as number) : null;
}

/**
 * Conservative purity: the tree has no effect at all (no trap, no write, no branch, no call)
 * and contains no `pop`, so it can be dropped. Iterative.
 */
function isPure(root: Expr): boolean {
  const stack = [root];
  while (stack.length > 0) {
    const e = stack.pop()!;
    const op = e.op;
    const info = OPS[op];
    const ok = constValue(e) !== undefined || op === O.local_get || op === O.global_get ||
      op === O.ref_null || op === O.ref_func || (info.params !== null && info.effects === 0);
    if (!ok) return false;
    for (const k of e.kids) stack.push(k);
  }
  return true;
}

const hasPop = (kids: readonly Expr[]) => kids.length > 0 && kids[0].op === O.pop; // pops are a prefix

/** Folds one node whose operands are already folded; returns its replacement (or `e`). */
function fold(e: Expr, inPlace: () => void): Expr {
  const op = e.op;
  const info = OPS[op];
  const kids = e.kids;

  // numeric instructions over constants
  if (info.params !== null && kids.length > 0 && (info.effects & ~Eff.trap) === 0) {
    const args: Num[] = [];
    for (const k of kids) {
      const v = constValue(k);
      if (v === undefined) return e;
      args.push(v);
    }
    const r = evalNumeric(op, args);
    if (r === null || 'trap' in r) return e; // not scalar numeric, or traps: keep
    if (isNondeterministicNaN(op, r.value)) return e;
    return makeConst(info.results![0], r.value);
  }

  if (op === O.select || op === O.select_t) {
    const c = constCond(kids[2]);
    if (c === null || hasPop(kids)) return e;
    const [keep, drop] = c !== 0 ? [kids[0], kids[1]] : [kids[1], kids[0]];
    // the kept operand still runs first; only the dropped one must be removable
    return isPure(drop) ? keep : e;
  }

  if (op === O.if) {
    const c = constCond(kids[kids.length - 1]);
    if (c === null) return e;
    e.op = O.block;
    e.body = c !== 0 ? e.body : (e.alt ?? []);
    e.alt = null;
    e.kids = kids.length === 1 ? NO_KIDS : kids.slice(0, -1); // block parameters stay operands
    inPlace();
    return e;
  }

  if (op === O.br_if) {
    const c = constCond(kids[kids.length - 1]);
    // not taken, one value: the br_if just passes its value on
    if (c === 0 && kids.length === 2 && kids[0].op !== O.pop) return kids[0];
  }
  return e;
}

/**
 * Statement-level br_if folding over every list of the tree: a br_if with a constant 0
 * condition and no values is removed; one with a non-zero constant condition becomes a `br`
 * and ends its list.
 */
function foldBranchStatements(frame: Expr): boolean {
  const lists = statementLists(frame.body);
  let changed = false;
  for (const list of lists) {
    let w = 0;
    let touched = false;
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (e.op === O.br_if) {
        const c = constCond(e.kids[e.kids.length - 1]);
        if (c === 0 && e.kids.length === 1) {
          touched = true;
          continue;
        }
        if (c !== null && c !== 0) {
          e.op = O.br;
          e.type = NONE;
          e.kids = e.kids.length === 1 ? NO_KIDS : e.kids.slice(0, -1);
          list[w++] = e;
          touched = true;
          break; // the rest of the list is unreachable
        }
      }
      list[w++] = e;
    }
    if (touched) {
      list.length = w;
      changed = true;
    }
  }
  return changed;
}

/** Whether two constant nodes hold the same bits. */
function sameConst(a: Expr, b: Expr): boolean {
  return a.op === b.op && a.value === b.value;
}

/**
 * Constant propagation through locals: a `local.get` all of whose reaching definitions write
 * the same constant (a set/tee of a `*.const`, or a declared local's initial zero) becomes that
 * constant. Returns whether anything changed.
 */
function propagate(cx: PassContext, f: Func, frame: Expr): boolean {
  const types = cx.module.localTypes(f);
  const numParams = cx.module.types[f.type].params.length;
  // worth a local graph only with a constant to propagate: a constant set, a copy (it may
  // carry one), a block (its value may be one), or a declared local read and never written
  // (its zero)
  let any = false;
  const written = new Uint8Array(types.length);
  forEachExpr(frame.body, (e) => {
    if (e.op === O.local_set || e.op === O.local_tee) {
      written[e.index] = 1;
      const v = e.kids[0];
      if (constValue(v) !== undefined || v.op === O.local_get || v.op === O.block) any = true;
    }
  });
  if (!any) {
    forEachExpr(frame.body, (e) => {
      if (e.op === O.local_get && e.index >= numParams && written[e.index] === 0) any = true;
    });
  }
  if (!any) return false;
  const g = cx.localGraph(f);
  const repl = new Map<Expr, Expr>();
  // a block no branch targets yields its last root: a constant there is the block's value
  let targets: Set<Expr> | null = null;
  const valueConst = (v: Expr): Expr | null => {
    let e = v;
    while (e.op === O.block && e.body.length > 0 && e.kids.length === 0) {
      if (targets === null) {
        const t = new Set<Expr>();
        forEachExpr(frame.body, (x) => {
          if (x.target !== null) t.add(x.target);
          if (x.targets !== null) for (const y of x.targets) t.add(y);
        });
        targets = t;
      }
      if (targets.has(e)) return null;
      e = e.body[e.body.length - 1];
    }
    return constValue(e) !== undefined ? e : null;
  };
  const zeros = new Map<number, Expr | null>();
  /** The constant every definition reaching `get` writes, through copies, or null. */
  // a definition is a copy (it writes what another local held: that local's definitions
  // count), or writes a constant, or neither
  const isCopy = (d: Expr): boolean => d.kids.length === 1 && d.kids[0].op === O.local_get;
  const setConst = (d: Expr): Expr | null => (d.kids.length === 1 ? valueConst(d.kids[0]) : null);
  const constantOf = (get: Expr): Expr | null => {
    // most gets read a parameter or a computed value: answered without the search's sets
    for (const d of g.getSets(get)) {
      if (d === ENTRY ? g.isParam(get.index) : !isCopy(d) && setConst(d) === null) return null;
    }
    let val: Expr | null = null;
    const seen = new Set<Expr>();
    const entries = new Set<number>(); // locals whose initial value reaches
    const work: Expr[] = [get];
    while (work.length > 0) {
      const x = work.pop()!;
      for (const d of g.getSets(x)) {
        let c: Expr | null;
        if (d === ENTRY) {
          if (entries.has(x.index)) continue;
          entries.add(x.index);
          if (g.isParam(x.index)) return null;
          if (!zeros.has(x.index)) zeros.set(x.index, numericZero(types[x.index]));
          c = zeros.get(x.index)!;
        } else {
          if (seen.has(d)) continue;
          seen.add(d);
          if (isCopy(d)) {
            if (seen.size > MAX_COPY_DEFS) return null;
            work.push(d.kids[0]);
            continue;
          }
          c = setConst(d);
        }
        if (c === null || (val !== null && !sameConst(val, c))) return null;
        val = c;
      }
    }
    return val;
  };
  for (const get of g.gets()) {
    if (g.getSets(get).size === 0) continue; // dead code
    const val = constantOf(get);
    if (val !== null) repl.set(get, makeConst(types[get.index], val.value as Num));
  }
  if (repl.size === 0) return false;
  rewriteExprs(frame.body, (e) => (e.op === O.local_get ? repl.get(e) ?? e : e));
  return true;
}

/**
 * Splits tees of constants that a statement evaluates first (see the header): `(op (local.tee
 * $x (C)) ...)` -> `(local.set $x (C)) (op (C) ...)`. Only when the constant would fold there:
 * its parent is a numeric instruction, a select's or if's condition. Returns whether anything changed.
 */
function splitConstTees(frame: Expr): boolean {
  const lists = statementLists(frame.body);
  let changed = false;
  for (const list of lists) {
    for (let i = 0; i < list.length; i++) {
      const found = headConstTee(list[i]);
      if (found === null) continue;
      const { parent, index } = found;
      // a chain of tees (`local.tee $a (local.tee $b (C))`): one set each, innermost first
      const sets: Expr[] = [];
      let t = parent.kids[index];
      while (t.op === O.local_tee) {
        const set = new Expr(O.local_set, NONE, [t.kids[0]]);
        set.index = t.index;
        sets.unshift(set);
        t = t.kids[0];
      }
      for (let k = 1; k < sets.length; k++) sets[k].kids = [makeConst(t.type[0], t.value as Num)];
      parent.kids[index] = makeConst(t.type[0], t.value as Num);
      list.splice(i, 0, ...sets);
      i += sets.length;
      i++;
      changed = true;
    }
  }
  return changed;
}

/** The tee of a constant `root` evaluates first (see splitConstTees), with its parent, or null. */
function headConstTee(root: Expr): { parent: Expr; index: number } | null {
  let e = root;
  const seen: Expr[] = []; // reads evaluated before, by path
  for (let depth = 0; depth < 64; depth++) {
    let k = 0;
    while (k < e.kids.length && (constValue(e.kids[k]) !== undefined || e.kids[k].op === O.local_get)) {
      seen.push(e.kids[k]);
      k++;
    }
    if (k === e.kids.length) return null;
    const kid = e.kids[k];
    if (kid.op === O.pop) return null;
    let inner = kid;
    while (inner.op === O.local_tee) inner = inner.kids[0];
    if (kid.op === O.local_tee && constValue(inner) !== undefined) {
      const info = OPS[e.op];
      const folds = (info.params !== null && (info.effects & ~Eff.trap) === 0) || (e.op === O.if && k === e.kids.length - 1) ||
        ((e.op === O.select || e.op === O.select_t) && k === 2);
      if (!folds) return null;
      for (let t = kid; t.op === O.local_tee; t = t.kids[0]) {
        const x = t.index;
        if (seen.some((g) => g.op === O.local_get && g.index === x)) return null;
      }
      return { parent: e, index: k };
    }
    if (e.op === O.block || e.op === O.loop) return null; // block params: rare, left alone
    e = kid;
  }
  return null;
}

/** Definitions one get's constant may be looked for in, through copies (a bound on the work). */
const MAX_COPY_DEFS = 64;

/** Rounds of folding and propagation: a propagated constant may make another set constant. */
const MAX_ROUNDS = 4;

export const precompute: FunctionPass = {
  name: 'precompute',
  description: 'fold constant numeric instructions (exact wasm semantics), constant if/select/br_if conditions, and propagate constants through locals',
  scope: 'function',
  bodyLocal: true,
  run(cx, f) {
    const frame = cx.body(f);
    let changed = false;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      let folded = false;
      const inPlace = () => { folded = true; };
      if (rewriteExprs(frame.body, (e) => fold(e, inPlace))) folded = true;
      // folding the constants split tees exposed (one walk folds whole trees of constants)
      if (splitConstTees(frame)) {
        folded = true;
        rewriteExprs(frame.body, (e) => fold(e, inPlace));
      }
      if (foldBranchStatements(frame)) folded = true;
      if (folded) {
        changed = true;
        cx.changed(f); // the local graph below must see the folded tree
      }
      if (!propagate(cx, f, frame)) break;
      changed = true;
      cx.changed(f);
    }
    return changed;
  },
};
