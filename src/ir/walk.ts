// Iterative tree walkers. Nothing in weft recurses on the tree: a 100,000-deep nest of
// blocks must not overflow the JS stack.

import type { Expr } from './expr.js';

/**
 * Visits every node under `roots` in pre-order (a node before its operands and bodies,
 * operands before bodies, then-arm before else-arm).
 */
export function forEachExpr(roots: readonly Expr[], visit: (e: Expr) => void): void {
  const stack: Expr[] = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push(roots[i]);
  while (stack.length > 0) {
    const e = stack.pop()!;
    visit(e);
    if (e.alt !== null) for (let i = e.alt.length - 1; i >= 0; i--) stack.push(e.alt[i]);
    const body = e.body;
    for (let i = body.length - 1; i >= 0; i--) stack.push(body[i]);
    const kids = e.kids;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
}

/** Counts the nodes under `roots` (the instruction count; `pop` nodes included). */
export function countExprs(roots: readonly Expr[]): number {
  let n = 0;
  forEachExpr(roots, () => n++);
  return n;
}

/**
 * Bottom-up rewriting: calls `fn` on every node under `roots`, children before parents, and
 * replaces a node by what `fn` returns (when it returns a node other than the one given).
 * A replacement is not visited again. Returns true when anything was replaced.
 *
 * Locations (a list and an index in it) are collected first in pre-order and processed in
 * reverse, which visits every node after all of its descendants.
 */
export function rewriteExprs(roots: Expr[], fn: (e: Expr) => Expr): boolean {
  const lists: Expr[][] = [];
  const idx: number[] = [];
  const pushList = (list: Expr[]) => {
    for (let i = list.length - 1; i >= 0; i--) {
      lists.push(list);
      idx.push(i);
    }
  };
  pushList(roots);
  const locLists: Expr[][] = [];
  const locIdx: number[] = [];
  while (lists.length > 0) {
    const list = lists.pop()!;
    const i = idx.pop()!;
    const e = list[i];
    locLists.push(list);
    locIdx.push(i);
    if (e.alt !== null) pushList(e.alt);
    if (e.body.length > 0) pushList(e.body);
    if (e.kids.length > 0) pushList(e.kids);
  }
  let changed = false;
  for (let k = locLists.length - 1; k >= 0; k--) {
    const list = locLists[k];
    const i = locIdx[k];
    const e = list[i];
    const r = fn(e);
    if (r !== e) {
      list[i] = r;
      changed = true;
    }
  }
  return changed;
}
