// Iterative tree walkers. Nothing in weft recurses on the tree: a 100,000-deep nest of
// blocks must not overflow the JS stack.

import type { Expr } from './expr.js';
import { O } from './opcodes.js';

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
 * The order is the reverse of `forEachExpr`'s pre-order (the last subtree first, a node after
 * all of its descendants). The stack holds locations (a list and an index in it) on the path
 * from the root with their unvisited siblings: O(depth + width), not one entry per node.
 */
export function rewriteExprs(roots: Expr[], fn: (e: Expr) => Expr): boolean {
  const lists: Expr[][] = [];
  const idx: number[] = [];
  const open: number[] = []; // 1 when the location's children are on the stack above it
  for (let i = 0; i < roots.length; i++) { lists.push(roots); idx.push(i); open.push(0); }
  let changed = false;
  while (lists.length > 0) {
    const top = lists.length - 1;
    const list = lists[top];
    const i = idx[top];
    const e = list[i];
    if (open[top] === 0) {
      open[top] = 1;
      // processed last-first: kids are pushed first (processed after body and alt)
      const kids = e.kids;
      for (let k = 0; k < kids.length; k++) { lists.push(kids); idx.push(k); open.push(0); }
      const body = e.body;
      for (let k = 0; k < body.length; k++) { lists.push(body); idx.push(k); open.push(0); }
      const alt = e.alt;
      if (alt !== null) for (let k = 0; k < alt.length; k++) { lists.push(alt); idx.push(k); open.push(0); }
      continue;
    }
    lists.pop();
    idx.pop();
    open.pop();
    const r = fn(e);
    if (r !== e) {
      list[i] = r;
      changed = true;
    }
  }
  return changed;
}

/**
 * Visits every node under `roots` in post-order: a node after all of its operands and bodies
 * (operands, then the body, then the else arm, each in order). When `visit(e)` runs, everything
 * below `e` has been visited, so it may rewrite `e`'s own `kids`, `body` and `alt` (the new
 * contents are not visited). Iterative.
 */
export function forEachExprPost(roots: readonly Expr[], visit: (e: Expr) => void): void {
  const stack: Expr[] = [];
  const open: boolean[] = [];
  for (let i = roots.length - 1; i >= 0; i--) { stack.push(roots[i]); open.push(false); }
  while (stack.length > 0) {
    const top = stack.length - 1;
    const e = stack[top];
    if (open[top]) {
      stack.pop();
      open.pop();
      visit(e);
      continue;
    }
    open[top] = true;
    if (e.alt !== null) for (let i = e.alt.length - 1; i >= 0; i--) { stack.push(e.alt[i]); open.push(false); }
    const body = e.body;
    for (let i = body.length - 1; i >= 0; i--) { stack.push(body[i]); open.push(false); }
    const kids = e.kids;
    for (let i = kids.length - 1; i >= 0; i--) { stack.push(kids[i]); open.push(false); }
  }
}

/**
 * The branches under `roots` grouped by the label they target (`br`, `br_if`, `return` by
 * `target`; a `br_table` once per distinct label it names). Labels nothing targets are absent.
 */
export function branchesByTarget(roots: readonly Expr[]): Map<Expr, Set<Expr>> {
  const out = new Map<Expr, Set<Expr>>();
  const note = (label: Expr, br: Expr) => {
    let s = out.get(label);
    if (s === undefined) out.set(label, (s = new Set()));
    s.add(br);
  };
  forEachExpr(roots, (e) => {
    if (e.targets !== null) for (const t of e.targets) note(t, e);
    else if (e.target !== null) note(e.target, e);
  });
  return out;
}

/**
 * Every statement list under `roots`: `roots` itself first, then the body and else arm of each
 * structure below, in pre-order (empty ones left out). The arrays are the tree's own, so a
 * caller may splice them.
 */
export function statementLists(roots: Expr[]): Expr[][] {
  const lists: Expr[][] = [roots];
  forEachExpr(roots, (e) => {
    if (e.body.length > 0) lists.push(e.body);
    if (e.alt !== null && e.alt.length > 0) lists.push(e.alt);
  });
  return lists;
}

/**
 * Moves every branch to label `from` onto label `to` in `branches` (as `branchesByTarget` made
 * it), rewriting the branches. Returns whether any branch moved.
 */
export function retargetBranches(branches: Map<Expr, Set<Expr>>, from: Expr, to: Expr): boolean {
  const s = branches.get(from);
  if (s === undefined) return false;
  let t = branches.get(to);
  if (t === undefined) branches.set(to, (t = new Set()));
  for (const br of s) {
    if (br.targets !== null) br.targets = br.targets.map((x) => (x === from ? to : x));
    else br.target = to;
    t.add(br);
  }
  branches.delete(from);
  return true;
}

/** Whether a `pop` is reachable from `e` through operand edges (it reads the stack around `e`). */
export function hasOuterPops(e: Expr): boolean {
  const stack = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x.op === O.pop) return true;
    for (const k of x.kids) stack.push(k);
  }
  return false;
}

/** Callbacks of `walkExecution`; each is optional. */
export interface ExecutionVisitor {
  /** Any node, before its operands (nothing of it has run yet). */
  pre?(e: Expr): void;
  /**
   * A node that is not a block/loop/if, after its operands. `list[index] === e` (`list` is the
   * parent's kids or body list); the callback may replace `list[index]` and may rewrite nodes
   * already visited, but must not change nodes not yet visited.
   */
  visit?(e: Expr, list: Expr[], index: number, parents: readonly Expr[]): void;
  /** A block/loop/if after its operands (block parameters, an if's condition), before its body. */
  enter?(e: Expr, list: Expr[] | null, index: number): void;
  /** An if's else arm is about to run (only for an if that has one). */
  enterElse?(e: Expr): void;
  /** A block/loop/if after its body (and else arm). */
  leave?(e: Expr, list: Expr[] | null, index: number): void;
}

/**
 * Walks the tree under `root` (a block, normally the function body) in execution order:
 * operands before their node, then a structure's body (the then arm, then the else arm).
 * `parents` (passed to `visit`) are the ancestors of the visited node, outermost first (a live
 * array: copy it to keep it). Iterative.
 */
export function walkExecution(root: Expr, v: ExecutionVisitor): void {
  const ENTER = 0;
  const AFTER_KIDS = 1;
  const ELSE = 2;
  const END = 3;
  const lists: (Expr[] | null)[] = [null];
  const idxs: number[] = [0];
  const phases: number[] = [ENTER];
  const parents: Expr[] = [];
  const rootList = [root];
  while (lists.length > 0) {
    const top = lists.length - 1;
    const list = lists[top];
    const i = idxs[top];
    const e = list === null ? rootList[0] : list[i];
    const phase = phases[top];
    if (phase === ENTER) {
      v.pre?.(e);
      phases[top] = AFTER_KIDS;
      parents.push(e);
      const kids = e.kids;
      for (let k = kids.length - 1; k >= 0; k--) { lists.push(kids); idxs.push(k); phases.push(ENTER); }
      continue;
    }
    const op = e.op;
    const isLabel = op === O.block || op === O.loop || op === O.if;
    if (phase === AFTER_KIDS) {
      if (!isLabel) {
        lists.pop(); idxs.pop(); phases.pop();
        parents.pop();
        v.visit?.(e, list!, i, parents);
        continue;
      }
      v.enter?.(e, list, i);
      phases[top] = e.alt !== null ? ELSE : END;
      const body = e.body;
      for (let k = body.length - 1; k >= 0; k--) { lists.push(body); idxs.push(k); phases.push(ENTER); }
      continue;
    }
    if (phase === ELSE) {
      v.enterElse?.(e);
      phases[top] = END;
      const alt = e.alt!;
      for (let k = alt.length - 1; k >= 0; k--) { lists.push(alt); idxs.push(k); phases.push(ENTER); }
      continue;
    }
    lists.pop(); idxs.pop(); phases.pop();
    parents.pop();
    v.leave?.(e, list, i);
  }
}
