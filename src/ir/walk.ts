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
