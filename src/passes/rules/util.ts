// Shared vocabulary of the optimize-instructions rules (src/passes/optimize-instructions.ts):
// the `Rule` and `RuleEnv` interfaces, opcode lookups by width and base name, constant
// accessors and node builders.
//
// Constants are handled as bigints in rules that work for both widths (`cval`/`mkConst`), so
// one rule text covers i32 and i64; `mkConst` wraps the value to the width. Builders mark the
// nodes they create as *fresh*: the driver simplifies fresh operands of a replacement before
// the replacement itself (rewriteExprs does not revisit replacements), and the cost model of
// the narrowing rules counts only fresh nodes as new code.

import { Expr, i32Const, i64Const } from '../../ir/expr.js';
import { OPS, op } from '../../ir/opcodes.js';
import { I32, I64, type Type } from '../../ir/types.js';
import type { KnownBits } from '../../analysis/known-bits.js';

export type W = 32 | 64;

/** What a rule may ask about the function it runs in. */
export interface RuleEnv {
  /**
   * `e` may be removed (or evaluated once instead of twice): it has no side effects at all
   * (no trap, write, call, branch, possibly endless loop, `pop`). Reads are allowed.
   */
  removable(e: Expr): boolean;
  /** `a` and `b` may be evaluated in the opposite order. */
  reorderable(a: Expr, b: Expr): boolean;
  /** Known bits and ranges of an i32/i64 expression (local facts through the local graph). */
  bits(e: Expr): KnownBits;
  /** `a` and `b` are the same expression and evaluating it twice in a row gives the same value. */
  same(a: Expr, b: Expr): boolean;
}

/** A rewrite: returns the replacement of `e` (a node of the same type), or null when it does not apply. */
export type RuleFn = (e: Expr, env: RuleEnv) => Expr | null;

export interface Rule {
  /** Short name, for debugging and tests. */
  name: string;
  /** Opcode names the rule looks at (the node's own op). */
  ops: string[];
  fn: RuleFn;
}

// ---- fresh nodes ---------------------------------------------------------------------------

let FRESH = new WeakSet<Expr>();

/** Forgets which nodes are fresh (at the start of a function). */
export function resetFresh(): void {
  FRESH = new WeakSet<Expr>();
}

export function isFresh(e: Expr): boolean {
  return FRESH.has(e);
}

function mark(e: Expr): Expr {
  FRESH.add(e);
  return e;
}

// ---- opcodes --------------------------------------------------------------------------------

/** `iW.<base>` for both widths, e.g. `iop(32, 'add')`. Memoized. */
const IOPS = new Map<string, number>();
export function iop(w: W, base: string): number {
  const k = `i${w}.${base}`;
  let id = IOPS.get(k);
  if (id === undefined) {
    id = op(k);
    IOPS.set(k, id);
  }
  return id;
}

/** Width and base name (`add`, `lt_u`, `load8_u`...) of every `i32.*`/`i64.*` op. */
const IW = new Uint8Array(OPS.length);
const IBASE: string[] = [];
for (const info of OPS) {
  const m = /^i(32|64)\.(.*)$/.exec(info.name);
  if (m) {
    IW[info.id] = Number(m[1]);
    IBASE[info.id] = m[2];
  }
}

/** Width of an integer op (`i32.*` 32, `i64.*` 64) or 0. */
export function widthOf(id: number): 0 | W {
  return IW[id] as 0 | W;
}

/** Base name of an integer op (`i64.shr_u` → `shr_u`) or undefined. */
export function baseOf(id: number): string | undefined {
  return IBASE[id];
}

/** Whether `e` is `iW.<base>` for the given base (either width). */
export function is(e: Expr, base: string): boolean {
  return IBASE[e.op] === base;
}

/** Width of the value of an i32/i64-typed node, else 0. */
export function valueWidth(e: Expr): 0 | W {
  const t = e.type;
  if (t.length !== 1) return 0;
  return t[0] === I32 ? 32 : t[0] === I64 ? 64 : 0;
}

/** Result type of a fixed-signature op. */
export function resultOf(id: number): Type {
  const r = OPS[id].results;
  if (r === null) throw new Error(`${OPS[id].name} has no fixed result type`);
  return r;
}

// ---- constants ------------------------------------------------------------------------------

export const M32 = 0xffffffffn;
export const M64 = 0xffffffffffffffffn;

export function maskOf(w: W): bigint {
  return w === 32 ? M32 : M64;
}

/** `v` as an unsigned W-bit number. */
export function u(w: W, v: bigint): bigint {
  return BigInt.asUintN(w, v);
}

/** The value of an i32/i64 constant as a bigint (signed, as stored), or null. */
export function cval(e: Expr): bigint | null {
  const w = IW[e.op];
  if (w === 0 || IBASE[e.op] !== 'const') return null;
  return typeof e.value === 'bigint' ? e.value : BigInt(e.value as number);
}

export function isConst(e: Expr): boolean {
  return IBASE[e.op] === 'const';
}

/** `e` is an integer constant equal to `v` modulo 2^W. */
export function isC(e: Expr, v: bigint): boolean {
  const c = cval(e);
  return c !== null && u(IW[e.op] as W, c) === u(IW[e.op] as W, v);
}

/** A constant of width `w` holding `v` modulo 2^w. */
export function mkConst(w: W, v: bigint): Expr {
  return mark(w === 32 ? i32Const(Number(BigInt.asIntN(32, v))) : i64Const(BigInt.asIntN(64, v)));
}

/** log2 of `v` (as unsigned W-bit) when it is a power of two, else -1. */
export function log2(w: W, v: bigint): number {
  const x = u(w, v);
  if (x === 0n || (x & (x - 1n)) !== 0n) return -1;
  return x.toString(2).length - 1;
}

// ---- builders -------------------------------------------------------------------------------

export function bin(id: number, a: Expr, b: Expr): Expr {
  return mark(new Expr(id, resultOf(id), [a, b]));
}

export function un(id: number, a: Expr): Expr {
  return mark(new Expr(id, resultOf(id), [a]));
}

/** A copy of `e` (same immediates) with another op and operands. */
export function rebuild(e: Expr, id: number, kids: Expr[]): Expr {
  const n = new Expr(id, OPS[id].results ?? e.type, kids.slice());
  n.index = e.index;
  n.index2 = e.index2;
  n.offset = e.offset;
  n.align = e.align;
  n.value = e.value;
  n.params = e.params;
  return mark(n);
}

// ---- comparisons ----------------------------------------------------------------------------

/** `a op b == b flip(op) a`. */
export const FLIP: Record<string, string> = {
  eq: 'eq', ne: 'ne', lt_s: 'gt_s', gt_s: 'lt_s', lt_u: 'gt_u', gt_u: 'lt_u',
  le_s: 'ge_s', ge_s: 'le_s', le_u: 'ge_u', ge_u: 'le_u',
};

/** `!(a op b) == a inv(op) b` (integers only: float comparisons are false on NaN both ways). */
export const INVERT: Record<string, string> = {
  eq: 'ne', ne: 'eq', lt_s: 'ge_s', ge_s: 'lt_s', lt_u: 'ge_u', ge_u: 'lt_u',
  gt_s: 'le_s', le_s: 'gt_s', gt_u: 'le_u', le_u: 'gt_u',
};

/** The unsigned comparison with the same meaning on non-negative operands. */
export const UNSIGNED: Record<string, string> = {
  eq: 'eq', ne: 'ne', lt_s: 'lt_u', gt_s: 'gt_u', le_s: 'le_u', ge_s: 'ge_u',
  lt_u: 'lt_u', gt_u: 'gt_u', le_u: 'le_u', ge_u: 'ge_u',
};

export function isCompare(e: Expr): boolean {
  const b = IBASE[e.op];
  return b !== undefined && FLIP[b] !== undefined;
}

/** The value is 0 or 1. */
export function isBool(e: Expr, env: RuleEnv): boolean {
  return valueWidth(e) === 32 && env.bits(e).umax <= 1;
}

// ---- cost model ------------------------------------------------------------------------------

/**
 * Cost of the nodes of `root` for a naive 32-bit backend: 1 per node, 2 for a node that
 * produces or consumes an i64 (a register pair). Nodes in `stop` (reused subtrees) count 0.
 */
export function cost(root: Expr, stop: Set<Expr> | null, onlyFresh: boolean): number {
  let n = 0;
  const stack = [root];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (stop !== null && stop.has(e)) continue;
    if (onlyFresh && !FRESH.has(e)) continue;
    let wide = e.type.length === 1 && e.type[0] === I64;
    for (const k of e.kids) {
      if (k.type.length === 1 && k.type[0] === I64) wide = true;
      stack.push(k);
    }
    n += wide ? 2 : 1;
  }
  return n;
}

/** The non-fresh nodes directly under fresh nodes of `root` (the subtrees a rewrite reuses). */
export function reused(root: Expr): Set<Expr> {
  const out = new Set<Expr>();
  const stack = [root];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (!FRESH.has(e)) {
      out.add(e);
      continue;
    }
    for (const k of e.kids) stack.push(k);
  }
  return out;
}

/** Whether replacing `before` by the fresh tree `after` lowers the cost. */
export function cheaper(before: Expr, after: Expr): boolean {
  const keep = reused(after);
  return cost(after, keep, true) < cost(before, keep, false);
}
