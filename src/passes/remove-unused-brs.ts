// remove-unused-brs: remove branches that go where control flows anyway, and turn small
// control flow into branch-free or shorter forms.
//
// What.
//  - Tail branches: a `br $B` (or `return`, which targets the function body) in tail position
//    of $B — the last root of $B's list, or recursively the last root of a block/loop/if of the
//    same type that is itself in tail position, with only void roots before it — is replaced by
//    its value operands. A tail `br_if $B c` without values becomes `drop(c)` (nothing when c
//    has no side effects); with values, and a side-effect-free c, it becomes its values.
//  - `(if c (then (br $l)))` → `(br_if $l c)`; with an else arm, when nothing targets the if:
//    `(br_if $l c)` followed by the else arm's roots.
//  - `(if (result t) c (then a) (else b))` → `(select a b c)` when a and b are constants or
//    local/global reads that commute with c (select evaluates them before c).
//  - Jump threading: branches without values to a void block that is immediately followed by
//    `br $l` (no values) go to $l directly (the block often becomes untargeted, for merge-blocks).
//  - A void block that starts with `br_if $self c` becomes an if (the same node, so other
//    branches to it still reach its end): `(block (br_if $B c) X J) Y` → `(if c (then Y) (else
//    X J))` when J is a jump, nothing else targets the block, and Y is the rest of the list and
//    ends in a jump (or J is a branch to the list's own label, which then becomes a tail branch);
//    otherwise `(block (br_if $B c) X)` → `(if (not c) (then X))` when the negation is free
//    (c is i32.eqz, or an integer comparison, which is flipped; never a float comparison).
// The walk repeats (a few times at most) while it changes something.
//
// Why it is sound. A branch to the end of the list it ends transfers control to the same point
// that falling off the end reaches, with the same values: it carries exactly the label's types
// and, since the roots before it are void and the label has no parameters, nothing else is on
// the stack (the same holds down a chain of same-typed structures in tail position). `if c br`
// and `br_if c` evaluate c once and branch under the same condition. A select evaluates both
// arms, which is allowed only for side-effect-free, non-trapping, cheap values that c's effects
// do not change. Jump threading: the block's end is followed by an unconditional branch that
// takes nothing from the stack, so arriving there is the same as taking that branch; the outer
// label encloses the block, so every retargeted branch can reach it. Block to if: both forms run
// X exactly when c is zero and Y exactly when it is not (X ends in a jump, so it never reaches
// Y); c must not branch to the block (an if's condition is outside its label), and the if gets
// the type Y leaves (or, when Y ends in a jump, the type the list still needs). Functions with
// `pop`s are left alone.
//
// Where. After merge-blocks and dce (which expose tail branches), before vacuum; together in
// a loop with them, since each exposes work for the others.

import { Expr, endsControl as isJump } from '../ir/expr.js';
import { O, op } from '../ir/opcodes.js';
import { isNumType, NONE, type ValType, typeOf, typesEqual, V128 } from '../ir/types.js';
import { branchesByTarget, retargetBranches, forEachExprPost } from '../ir/walk.js';
import { FunctionEffects } from '../analysis/effects.js';
import type { FunctionPass } from './registry.js';


const I32_EQZ = op('i32.eqz');
/** Integer comparisons and their negations (float ones have no negation: NaN). */
const NEGATED = new Map<number, number>();
for (const w of ['i32', 'i64']) {
  for (const [a, b] of [['eq', 'ne'], ['lt_s', 'ge_s'], ['lt_u', 'ge_u'], ['gt_s', 'le_s'], ['gt_u', 'le_u']]) {
    NEGATED.set(op(`${w}.${a}`), op(`${w}.${b}`));
    NEGATED.set(op(`${w}.${b}`), op(`${w}.${a}`));
  }
}

/** The negation of condition `c` when it costs no instruction (eqz removed, comparison flipped), or null. */
export function negateFree(c: Expr): Expr | null {
  if (c.op === I32_EQZ) return c.kids[0];
  const n = NEGATED.get(c.op);
  if (n === undefined) return null;
  c.op = n;
  return c;
}

/** A value worth computing unconditionally: a constant or a local/global read. */
function cheap(e: Expr): boolean {
  const op = e.op;
  return op === O.i32_const || op === O.i64_const || op === O.f32_const || op === O.f64_const ||
    op === O.local_get || op === O.global_get || op === O.ref_null || op === O.ref_func;
}

class RemoveUnusedBrs {
  changed = false;
  private readonly fx: FunctionEffects;
  private readonly branches: Map<Expr, Set<Expr>>;

  /**
   * `fx`: effects of `frame` (the context's, shared with other passes), computed on first query:
   * from then on a snapshot, only ever a superset of the tree's as this pass changes it.
   */
  constructor(readonly frame: Expr, fx: FunctionEffects) {
    this.fx = fx;
    this.branches = branchesByTarget(frame.body);
  }

  private targeted(e: Expr): boolean {
    const s = this.branches.get(e);
    return s !== undefined && s.size > 0;
  }

  private forget(br: Expr): void {
    if (br.targets !== null) for (const t of br.targets) this.branches.get(t)?.delete(br);
    else if (br.target !== null) this.branches.get(br.target)?.delete(br);
  }

  private retarget(from: Expr, to: Expr): void {
    if (retargetBranches(this.branches, from, to)) this.changed = true;
  }


  run(): boolean {
    forEachExprPost([this.frame], (e) => this.visit(e));
    return this.changed;
  }

  private visit(e: Expr): void {
    const kids = e.kids;
    for (let i = 0; i < kids.length; i++) {
      const s = this.toSelect(kids[i]);
      if (s !== null) kids[i] = s;
    }
    if (e.op !== O.block && e.op !== O.loop && e.op !== O.if) return;
    e.body = this.list(e.body, e);
    if (e.alt !== null) e.alt = this.list(e.alt, e);
    if (e.op !== O.loop && e.params.length === 0) this.tails(e);
  }

  /** Per-list rewrites: if-br → br_if, if → select, block → if, jump threading. */
  private list(list: Expr[], owner: Expr): Expr[] {
    let out: Expr[] | null = null;
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      let repl: Expr[] | null = null;
      if (r.op === O.if) repl = this.ifBr(r);
      if (repl === null) {
        const s = this.toSelect(r);
        if (s !== null) repl = [s];
      }
      if (repl !== null) {
        out ??= list.slice(0, i);
        out.push(...repl);
        this.changed = true;
      } else if (out !== null) out.push(r);
    }
    let res = out ?? list;
    // right to left, so that the roots an if/else restructuring moves are done already
    for (let i = res.length - 1; i >= 0; i--) {
      const r = res[i];
      if (r.op !== O.block) continue;
      const y = this.restructure(r, res, i, owner);
      if (y === null) continue;
      res = y;
      const b = r.op === O.if ? this.ifBr(r) : null;
      if (b !== null) res = [...res.slice(0, i), ...b, ...res.slice(i + 1)];
    }
    // jump threading: a void block followed by a value-less unconditional branch
    for (let i = 0; i + 1 < res.length; i++) {
      const a = res[i];
      const b = res[i + 1];
      if (a.op !== O.block || a.type.length !== 0 || a.params.length !== 0 || !this.targeted(a)) continue;
      if ((b.op !== O.br && b.op !== O.return) || b.kids.length !== 0 || b.target === null) continue;
      this.retarget(a, b.target);
    }
    return res;
  }

  /**
   * A void block that starts with `br_if $self c` (no values) becomes an if, in place (the
   * same node, so other branches to it still reach its end):
   *  - when the block ends in a jump, nothing else targets it and the rest Y of the list is
   *    non-empty and ends in a jump itself, or the block's jump goes to the list's owner
   *    (then a tail branch): `(block (br_if $B c) X J) Y` → `(if c (then Y) (else X J))`;
   *  - when `not c` costs nothing (c is i32.eqz or an integer comparison):
   *    `(block (br_if $B c) X)` → `(if (not c) (then X))`.
   * Returns the new list when it was cut short (Y moved into the if), else `list` itself.
   */
  private restructure(b: Expr, list: Expr[], i: number, owner: Expr): Expr[] | null {
    if (b.type.length !== 0 || b.params.length !== 0 || b.body.length === 0) return null;
    const first = b.body[0];
    if (first.op !== O.br_if || first.target !== b || first.kids.length !== 1) return null;
    const c = first.kids[0];
    if (this.fx.get(c).branchesTo(b)) return null; // an if's condition is outside its label
    const n = b.body.length;
    const last = b.body[n - 1];
    const y = list.slice(i + 1);
    if (n >= 2 && isJump(last) && this.branches.get(b)!.size === 1 && y.length > 0 &&
        (isJump(y[y.length - 1]) || (last.op === O.br && last.kids.length === 0 && last.target === owner))) {
      // the if's type: what Y leaves, or, when Y ends in a jump (the list's end is then
      // reached with a polymorphic stack), what the list still needs after the roots before b
      let types: ValType[] | null = [];
      if (isJump(y[y.length - 1])) {
        const before: ValType[] = owner.params.slice();
        for (let k = 0; k < i; k++) for (const t of list[k].type) before.push(t);
        const want = owner.type;
        if (before.length > want.length) types = null;
        else {
          for (let k = 0; k < before.length; k++) if (before[k] !== want[k]) types = null;
          if (types !== null) types = want.slice(before.length);
        }
      } else {
        for (const r of y) for (const t of r.type) types.push(t);
      }
      if (types !== null && types.length <= 1) {
        this.forget(first);
        b.op = O.if;
        b.kids = [c];
        b.alt = b.body.slice(1);
        b.body = y;
        b.type = typeOf(types);
        b.index = -1;
        this.changed = true;
        return list.slice(0, i + 1);
      }
    }
    const nc = negateFree(c);
    if (nc === null) return null;
    this.forget(first);
    b.op = O.if;
    b.kids = [nc];
    b.body = b.body.slice(1);
    b.alt = null;
    b.index = -1;
    this.changed = true;
    return list;
  }

  /** `(if c (then (br $l)) (else X...))` → `(br_if $l c) X...`, or null. */
  private ifBr(r: Expr): Expr[] | null {
    if (r.type.length !== 0 || r.params.length !== 0) return null;
    if (r.body.length !== 1) return null;
    const br = r.body[0];
    if (br.op !== O.br || br.kids.length !== 0 || br.target === r) return null;
    const alt = r.alt ?? [];
    if (alt.length > 0 && this.targeted(r)) return null;
    br.op = O.br_if;
    br.type = NONE;
    br.kids = [r.kids[0]];
    return [br, ...alt];
  }

  /** `(if (result t) c (then a) (else b))` → `(select a b c)`, or null. */
  private toSelect(r: Expr): Expr | null {
    if (r.op !== O.if || r.type.length !== 1 || r.params.length !== 0 || r.alt === null) return null;
    if (r.body.length !== 1 || r.alt.length !== 1 || this.targeted(r)) return null;
    const a = r.body[0];
    const b = r.alt[0];
    if (!cheap(a) || !cheap(b)) return null;
    if (!typesEqual(a.type, r.type) || !typesEqual(b.type, r.type)) return null;
    const c = r.kids[0];
    const fc = this.fx.get(c);
    if (fc.conflictsWith(this.fx.get(a)) || fc.conflictsWith(this.fx.get(b))) return null;
    const t = r.type[0];
    let s: Expr;
    if (isNumType(t) || t === V128) s = new Expr(O.select, r.type, [a, b, c]);
    else {
      s = new Expr(O.select_t, r.type, [a, b, c]);
      s.params = r.type;
    }
    this.changed = true;
    return s;
  }

  /** Removes branches to `label` (a block, an if or the function body) in its tail positions. */
  private tails(label: Expr): void {
    if (!this.targeted(label)) return;
    const lists: Expr[][] = [label.body];
    if (label.alt !== null) lists.push(label.alt);
    while (lists.length > 0) {
      const list = lists.pop()!;
      for (;;) {
        const n = list.length;
        if (n === 0) break;
        let voidBefore = true;
        for (let i = 0; i < n - 1; i++) if (list[i].type.length !== 0) { voidBefore = false; break; }
        if (!voidBefore) break;
        const r = list[n - 1];
        if ((r.op === O.br || r.op === O.return) && r.target === label) {
          this.forget(r);
          list.splice(n - 1, 1, ...r.kids);
          this.changed = true;
          if (r.kids.length > 0) break;
          continue;
        }
        if (r.op === O.br_if && r.target === label) {
          const c = r.kids[r.kids.length - 1];
          const pure = !this.fx.get(c).hasSideEffects();
          if (r.kids.length === 1) {
            this.forget(r);
            if (pure) list.pop();
            else {
              r.op = O.drop;
              r.target = null;
            }
            this.changed = true;
            continue;
          }
          if (pure) {
            this.forget(r);
            list.splice(n - 1, 1, ...r.kids.slice(0, -1));
            this.changed = true;
          }
          break;
        }
        if ((r.op === O.block || r.op === O.loop || r.op === O.if) && r.params.length === 0 &&
            typesEqual(r.type, label.type) && this.fx.get(r).branchesTo(label)) {
          lists.push(r.body);
          if (r.alt !== null) lists.push(r.alt);
        }
        break;
      }
    }
  }
}

export const removeUnusedBrs: FunctionPass = {
  name: 'remove-unused-brs',
  description: 'remove branches to where control goes anyway; if-br to br_if, small if to select, jump threading',
  scope: 'function',
  bodyLocal: true,
  run(cx, f) {
    if (f.hasPops) return false;
    const frame = cx.body(f);
    let changed = false;
    for (let round = 0; round < 6; round++) {
      // (the context's effects match the tree: the round before ends with `changed`)
      if (!new RemoveUnusedBrs(frame, cx.effects(f)).run()) break;
      changed = true;
      cx.changed(f);
    }
    return changed;
  },
};
