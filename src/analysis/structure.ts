// The structure helper: where each node sits in the tree (parent, which list, position, depth),
// the labels enclosing a node, and dominance in structured control flow.
//
// Nodes are numbered in pre-order (a node, then its operands, then its body, then its else
// arm: the order of ir/walk.ts), so a subtree is one id range [id, end) and ancestry is a
// constant-time range check. Everything lives in typed arrays indexed by id, plus one Map from
// node to id; one iterative walk builds it.
//
// Dominance. `dominates(a, b)`: on every path from the function entry to the start of b's
// evaluation, a has been evaluated to completion (it fell through). Let c be the closest
// common ancestor, and xa, xb the children of c on the way to a and b. Then a dominates b when
//   1. xa and xb sit in the same list of c (operands, body or else arm) with xa first: the
//      items of a list run in order, and reaching xb means xa completed (a branch out of the
//      list skips xb too; a loop restart begins at the first item); or
//   2. xa is an operand of c and xb in c's body or else arm: operands complete before a
//      structure's body starts;
// and in both cases a completes whenever xa completes ("must complete"): walking up from a
// to xa, every step is an operand (a node completes only after its operands), or a root in a
// loop body (a loop completes only by falling off the end of its body), or a root at index i
// of a block body when no branch to that block lies in roots 0..i (else the block may complete
// through the branch while skipping a). Roots of if-arms are conditional: never.
// Ancestors do not dominate their descendants (they have not completed when the descendant
// runs; use `isAncestor` for "b runs inside a"), nor does a node dominate itself. The answer is
// conservative: false whenever the tree alone cannot prove it.

import type { Expr } from '../ir/expr.js';
import type { Func } from '../ir/module.js';
import { Eff, O, OPS } from '../ir/opcodes.js';

/** Which list of its parent a node sits in. */
export const Slot = { root: 0, kid: 1, body: 2, alt: 3 } as const;
export type SlotKind = (typeof Slot)[keyof typeof Slot];

export class Structure {
  readonly root: Expr;
  /** Nodes in pre-order; a node's id is its position. */
  readonly nodes: readonly Expr[];
  /** Parent id (-1 for the root). */
  readonly parentId: Int32Array;
  /** Which list of the parent the node sits in (Slot). */
  readonly slotKind: Uint8Array;
  /** Position in that list. */
  readonly slotIndex: Int32Array;
  /** End of the subtree (exclusive): descendants of i are ids i+1 .. end[i]-1. */
  readonly end: Int32Array;
  readonly depthOf: Int32Array;
  private readonly ids: Map<Expr, number>;
  /** Smallest id of a branch targeting each label. */
  private readonly firstBranch = new Map<Expr, number>();

  constructor(root: Expr) {
    this.root = root;
    const nodes: Expr[] = [];
    const parent: number[] = [];
    const kind: number[] = [];
    const pos: number[] = [];
    const depth: number[] = [];
    const ids = new Map<Expr, number>();
    // stack of (node, parent id, slot kind, index)
    const sNode: Expr[] = [root];
    const sParent: number[] = [-1];
    const sKind: number[] = [Slot.root];
    const sPos: number[] = [0];
    while (sNode.length > 0) {
      const e = sNode.pop()!;
      const p = sParent.pop()!;
      const k = sKind.pop()!;
      const i = sPos.pop()!;
      const id = nodes.length;
      if (ids.has(e)) throw new Error(`structure: node ${e.name} appears twice in the tree`);
      ids.set(e, id);
      nodes.push(e);
      parent.push(p);
      kind.push(k);
      pos.push(i);
      depth.push(p < 0 ? 0 : depth[p] + 1);
      if (OPS[e.op].effects & Eff.branch) {
        if (e.targets !== null) {
          for (const t of e.targets) if (!this.firstBranch.has(t)) this.firstBranch.set(t, id);
        } else if (e.target !== null && !this.firstBranch.has(e.target)) this.firstBranch.set(e.target, id);
      }
      const alt = e.alt;
      if (alt !== null) {
        for (let j = alt.length - 1; j >= 0; j--) { sNode.push(alt[j]); sParent.push(id); sKind.push(Slot.alt); sPos.push(j); }
      }
      const body = e.body;
      for (let j = body.length - 1; j >= 0; j--) { sNode.push(body[j]); sParent.push(id); sKind.push(Slot.body); sPos.push(j); }
      const kids = e.kids;
      for (let j = kids.length - 1; j >= 0; j--) { sNode.push(kids[j]); sParent.push(id); sKind.push(Slot.kid); sPos.push(j); }
    }
    const n = nodes.length;
    const end = new Int32Array(n);
    for (let i = 0; i < n; i++) end[i] = 1; // subtree sizes first
    for (let i = n - 1; i > 0; i--) end[parent[i]] += end[i];
    for (let i = 0; i < n; i++) end[i] += i;
    this.nodes = nodes;
    this.parentId = Int32Array.from(parent);
    this.slotKind = Uint8Array.from(kind);
    this.slotIndex = Int32Array.from(pos);
    this.depthOf = Int32Array.from(depth);
    this.end = end;
    this.ids = ids;
  }

  get size(): number {
    return this.nodes.length;
  }

  /** Whether `e` is in the tree. */
  has(e: Expr): boolean {
    return this.ids.has(e);
  }

  /** The pre-order id of `e` (throws when it is not in the tree). */
  id(e: Expr): number {
    const i = this.ids.get(e);
    if (i === undefined) throw new Error(`structure: ${e.name} is not in this tree`);
    return i;
  }

  parent(e: Expr): Expr | null {
    const p = this.parentId[this.id(e)];
    return p < 0 ? null : this.nodes[p];
  }

  /** Which list of its parent `e` sits in. */
  slot(e: Expr): SlotKind {
    return this.slotKind[this.id(e)] as SlotKind;
  }

  /** Position of `e` in its parent's list. */
  index(e: Expr): number {
    return this.slotIndex[this.id(e)];
  }

  /** The list `e` sits in (its parent's kids, body or alt), or null for the root. */
  list(e: Expr): Expr[] | null {
    const i = this.id(e);
    const p = this.parentId[i];
    if (p < 0) return null;
    const pe = this.nodes[p];
    const k = this.slotKind[i];
    return k === Slot.kid ? pe.kids : k === Slot.body ? pe.body : pe.alt;
  }

  depth(e: Expr): number {
    return this.depthOf[this.id(e)];
  }

  /** Whether `a` is a proper ancestor of `b`. */
  isAncestor(a: Expr, b: Expr): boolean {
    const ia = this.id(a);
    const ib = this.id(b);
    return ia < ib && ib < this.end[ia];
  }

  /**
   * The labels (block/loop/if) whose body or else arm contains `e`, innermost first; the
   * function body comes last. These are exactly the labels a branch at `e` may target.
   */
  enclosingLabels(e: Expr): Expr[] {
    const out: Expr[] = [];
    let i = this.id(e);
    while (this.parentId[i] >= 0) {
      const k = this.slotKind[i];
      i = this.parentId[i];
      if (k === Slot.body || k === Slot.alt) out.push(this.nodes[i]);
    }
    return out;
  }

  /** The closest common ancestor of `a` and `b` (one of them when it contains the other). */
  commonAncestor(a: Expr, b: Expr): Expr {
    return this.nodes[this.lca(this.id(a), this.id(b))];
  }

  private lca(ia: number, ib: number): number {
    let x = ia;
    while (!(x <= ib && ib < this.end[x])) x = this.parentId[x];
    return x;
  }

  /** Whether `a` is certainly evaluated to completion before `b` starts (see the file header). */
  dominates(a: Expr, b: Expr): boolean {
    const ia = this.id(a);
    const ib = this.id(b);
    const c = this.lca(ia, ib);
    if (c === ia || c === ib) return false;
    let xa = ia;
    while (this.parentId[xa] !== c) xa = this.parentId[xa];
    let xb = ib;
    while (this.parentId[xb] !== c) xb = this.parentId[xb];
    const ka = this.slotKind[xa];
    const kb = this.slotKind[xb];
    const ordered = ka === kb ? this.slotIndex[xa] < this.slotIndex[xb] : ka === Slot.kid;
    return ordered && this.mustComplete(ia, xa);
  }

  /** Whether node `ia` completes whenever its ancestor-or-self `iy` completes. */
  private mustComplete(ia: number, iy: number): boolean {
    let x = ia;
    while (x !== iy) {
      const p = this.parentId[x];
      const k = this.slotKind[x];
      if (k !== Slot.kid) {
        const pe = this.nodes[p];
        if (pe.op === O.block) {
          const first = this.firstBranch.get(pe);
          if (first !== undefined && first < this.end[x]) return false;
        } else if (pe.op !== O.loop) {
          return false; // an if-arm
        }
      }
      x = p;
    }
    return true;
  }
}

/** The structure of a function (decoded: `f.tree` set) or of a tree. */
export function structure(f: Func | Expr): Structure {
  const root = 'tree' in f ? f.tree : f;
  if (root === null) throw new Error('structure: the function body is not decoded');
  return new Structure(root);
}
