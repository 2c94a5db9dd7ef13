// Cloning a callee's body for one inlined call site.
//
// The copy is deep (fresh nodes everywhere, constants' byte arrays included) and iterative.
// Every label of the callee maps to its clone, and branches are pointed at the clones; the
// callee's function-body block becomes a plain `block` of the caller, so each `return` turns
// into a `br` to it with the same value operands. Locals are renumbered through `localMap`;
// a `local.get` of a forwarded parameter becomes a copy of the forwarded leaf (a constant or a
// `local.get` of a caller local). Tail calls of the callee (`return_call*`), which would leave
// the *caller* once inlined at a plain call site, become a normal call whose results are
// branched out of the inlined block (`tailCalls: 'branch'`; only for at most one result).

import { Expr, NO_KIDS } from '../../ir/expr.js';
import { O } from '../../ir/opcodes.js';
import { NONE } from '../../ir/types.js';

export interface CloneSpec {
  /** The callee's function-body block. */
  body: Expr;
  /** Callee local index (params first) -> caller local index; -1 for a forwarded parameter. */
  localMap: readonly number[];
  /** Per callee parameter: the leaf substituted for its gets, or null. */
  forward: readonly (Expr | null)[];
  /** What to do with return_call*: keep them (the site is itself a tail call) or branch out. */
  tailCalls: 'keep' | 'branch';
}

/** A shallow copy of one node's immediates (no operands, bodies or targets). */
export function copyNode(s: Expr): Expr {
  const c = new Expr(s.op, s.type, NO_KIDS);
  c.index = s.index;
  c.index2 = s.index2;
  c.offset = s.offset;
  c.align = s.align;
  c.value = s.value instanceof Uint8Array ? s.value.slice() : s.value;
  c.params = s.params;
  return c;
}

/** Clones `spec.body` into a new block node (the caller's copy of the callee). */
export function cloneBody(spec: CloneSpec): Expr {
  const src = spec.body;
  const root = new Expr(O.block, src.type, NO_KIDS);
  root.index = -1;
  root.params = NONE;
  const labels = new Map<Expr, Expr>();
  labels.set(src, root);
  const mapLabel = (t: Expr): Expr => {
    const c = labels.get(t);
    if (c === undefined) throw new Error('inline: a branch targets a label outside the callee');
    return c;
  };

  // `make` creates the node that takes `s`'s place; the returned `fill` (if not null) is the
  // node that receives copies of `s`'s operands and bodies.
  let fill: Expr | null = null;
  /** A `br` that must follow the node `make` just returned, in the same list. */
  let pendingBranch: Expr | null = null;
  const make = (s: Expr): Expr => {
    const op = s.op;
    if (op === O.local_get) {
      const fwd = s.index < spec.forward.length ? spec.forward[s.index] : null;
      fill = null;
      if (fwd !== null) return copyNode(fwd);
      const c = copyNode(s);
      c.index = spec.localMap[s.index];
      return c;
    }
    if (op === O.return) {
      const c = new Expr(O.br, NONE, NO_KIDS);
      c.target = root;
      fill = c;
      return c;
    }
    if ((op === O.return_call || op === O.return_call_indirect) && spec.tailCalls === 'branch') {
      const call = copyNode(s);
      call.op = op === O.return_call ? O.call : O.call_indirect;
      call.type = src.type;
      const br = new Expr(O.br, NONE, NO_KIDS);
      br.target = root;
      fill = call;
      if (src.type.length === 1) {
        br.kids = [call];
        return br;
      }
      // No results: the call and the branch are two roots (see copyList). A block holding them
      // would not do: the tail call ends its list, where the stack is polymorphic, and the end
      // of a block is not.
      if (src.type.length !== 0) throw new Error('inline: a multi-value tail call cannot become a branch');
      pendingBranch = br;
      return call;
    }
    const c = copyNode(s);
    if (op === O.local_set || op === O.local_tee) c.index = spec.localMap[s.index];
    if (op === O.block || op === O.loop || op === O.if) labels.set(s, c);
    if (s.target !== null) c.target = mapLabel(s.target);
    if (s.targets !== null) c.targets = s.targets.map(mapLabel);
    fill = c;
    return c;
  };

  // Work list of (source, its filling copy); ancestors are always made before descendants,
  // so every branch target is already mapped when a branch is copied.
  const work: Expr[] = [src, root];
  const copyList = (list: readonly Expr[]): Expr[] => {
    const out: Expr[] = [];
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      out.push(make(s));
      if (fill !== null) work.push(s, fill);
      if (pendingBranch !== null) {
        out.push(pendingBranch);
        pendingBranch = null;
      }
    }
    return out;
  };
  while (work.length > 0) {
    const d = work.pop()!;
    const s = work.pop()!;
    if (s.kids.length > 0) d.kids = copyList(s.kids);
    if (s.body.length > 0 || s.isLabel()) d.body = copyList(s.body);
    if (s.alt !== null) d.alt = copyList(s.alt);
  }
  return root;
}
