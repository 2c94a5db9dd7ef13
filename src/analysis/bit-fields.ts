// Bit-field views of integer values: "this i64 (or i32) is these i32 pieces, at these bit
// positions, plus these constant bits".
//
// A `BitView` of a W-bit value (W = 32 or 64) is a list of disjoint *pieces* and a constant
// for every bit no piece covers. A piece says: value bits [lo, hi) are the bits
// [off, off + hi - lo) of the extended source S, where S is the source value's low `bits` bits
// followed, forever, by copies of its bit `bits - 1` (signed) or by zeros (unsigned). Bits not
// in a piece are known: 1 where `ones` says so, else 0. `flip` marks piece bits that are
// inverted (xor with a constant). Sources are i32 values: a subtree of the function (a "leaf"
// the view does not look into, e.g. `local.get $count`), optionally read through
// `i32.wrap_i64` (an i64 leaf known to fit in 32 bits), or a placeholder (`field >= 0`: field
// k of a split carrier; `CARRIER`: the carrier being split, W bits wide).
//
// Views are computed through what packing and unpacking code uses: constants,
// `i64.extend_i32_u/s`, `i32.wrap_i64`, `shl`/`shr_u`/`shr_s` by constants, `and`/`or`/`xor`
// (of two views whenever no bit gets contributions from two pieces, which covers masks with
// constants and the `or` of disjoint shifted fields), and `extend8/16/32_s`. Anything else is
// a leaf if it is an i32 (a piece of all its bits, cut short by its known-zero high bits from
// the known-bits analysis), an i64 leaf only when known bits say it fits in 32 bits, and
// otherwise the value has no view.
//
// Every operation is exact (bit for bit) or fails with null; nothing is approximated. The
// walk recurses, but only down the chain of view operators and never deeper than MAX_DEPTH,
// like the seam rules in passes/rules/conversions.ts.
//
// `localFactsFromGraph` gives known bits (analysis/known-bits.ts) through locals: the join of
// the facts of every definition the local graph says reaches a read; leaves are cut with it.
//
// Users: passes/seam-sroa.ts (carriers: the views of every definition and of every use),
// passes/narrow-local.ts (the known-bits helper).

import type { Expr } from '../ir/expr.js';
import { OPS } from '../ir/opcodes.js';
import { I32, I64 } from '../ir/types.js';
import { type KnownBits, KnownBits32, KnownBits64 } from './known-bits.js';

const MAX_DEPTH = 24;

/** Where a piece's bits come from. Compare by identity. */
export class BitSource {
  constructor(
    /** The leaf subtree, or null for a placeholder. */
    readonly expr: Expr | null,
    /** Read the (i64) leaf through `i32.wrap_i64`. */
    readonly wrap: boolean,
    /** -1: a leaf; CARRIER: the carrier; k >= 0: field k of a split carrier. */
    readonly field: number,
    /** Meaningful low bits of the source value (32 for a leaf, W for the carrier, a field's width). */
    readonly width: number,
    /** Bits of the i32 source value known to be 0 (as unsigned 64-bit, bits >= 32 set). */
    readonly zeros: bigint,
  ) {}
}

/** Placeholder id of the carrier (a source W bits wide). */
export const CARRIER = -2;

export interface Piece {
  readonly lo: number;
  readonly hi: number;
  readonly src: BitSource;
  readonly off: number;
  readonly bits: number;
  readonly signed: boolean;
}

const M64 = 0xffffffffffffffffn;
/** Mask of the bits [a, b) (0 <= a <= b <= 64). */
export function rangeMask(a: number, b: number): bigint {
  if (b <= a) return 0n;
  return ((1n << BigInt(b - a)) - 1n) << BigInt(a);
}
const widthMask = (w: number) => rangeMask(0, w);

/**
 * A piece at value bits [lo, hi) reading source bits from `off` (bits >= `bits` are sign copies
 * or zeros), normalized: a signed piece never starts past its sign bit, an unsigned one is cut
 * where the source runs out (null when nothing is left).
 */
export function makePiece(lo: number, hi: number, src: BitSource, off: number, bits: number, signed: boolean): Piece | null {
  return mkPiece(lo, hi, src, off, bits, signed);
}

/** A view from pieces (sorted here), known ones and flips (masked to where they belong). */
export function makeView(width: 32 | 64, pieces: Piece[], ones: bigint, flip: bigint): BitView {
  return view(width, pieces, ones, flip);
}

function mkPiece(lo: number, hi: number, src: BitSource, off: number, bits: number, signed: boolean): Piece | null {
  if (hi <= lo) return null;
  if (signed) {
    if (off > bits - 1) off = bits - 1; // every bit from here on is the sign: the same bits
  } else {
    if (off >= bits) return null; // all zeros
    if (off + (hi - lo) > bits) hi = lo + (bits - off); // bits past the source are zeros
  }
  return { lo, hi, src, off, bits, signed };
}

/** The part of `p` at value bits [a, b), or null. */
function slice(p: Piece, a: number, b: number): Piece | null {
  const lo = Math.max(p.lo, a);
  const hi = Math.min(p.hi, b);
  if (hi <= lo) return null;
  return mkPiece(lo, hi, p.src, p.off + (lo - p.lo), p.bits, p.signed);
}

/** `p` moved by `k` bits (left when positive), clipped to [0, top). */
function move(p: Piece, k: number, top: number): Piece | null {
  let lo = p.lo + k;
  let hi = Math.min(p.hi + k, top);
  let off = p.off;
  if (lo < 0) {
    off += -lo;
    lo = 0;
  }
  if (hi <= lo) return null;
  return mkPiece(lo, hi, p.src, off, p.bits, p.signed);
}

/** The source bit that value bit `i` of `p` reads (the sign bit for the extension). */
export function sourceBit(p: Piece, i: number): number {
  const j = p.off + (i - p.lo);
  return p.signed && j > p.bits - 1 ? p.bits - 1 : j;
}

export class BitView {
  constructor(
    readonly width: 32 | 64,
    /** Disjoint, sorted by `lo`. */
    readonly pieces: readonly Piece[],
    /** Known-one bits outside the pieces. */
    readonly ones: bigint,
    /** Inverted bits inside the pieces. */
    readonly flip: bigint,
  ) {}

  static constant(width: 32 | 64, v: bigint): BitView {
    return new BitView(width, [], BigInt.asUintN(width, v), 0n);
  }

  /** The whole value is `src` (its `width` low bits, zero- or sign-extended). */
  static of(width: 32 | 64, src: BitSource, signed = false): BitView {
    const p = mkPiece(0, width, src, 0, src.width, signed);
    return new BitView(width, p ? [p] : [], 0n, 0n);
  }

  get mask(): bigint {
    return widthMask(this.width);
  }

  /** Bits covered by pieces. */
  get pieceMask(): bigint {
    let m = 0n;
    for (const p of this.pieces) m |= rangeMask(p.lo, p.hi);
    return m;
  }

  get isConstant(): boolean {
    return this.pieces.length === 0;
  }

  /** The constant value (unsigned) when there are no pieces. */
  get constant(): bigint | null {
    return this.pieces.length === 0 ? this.ones : null;
  }

  /** Known-zero bits. */
  get zeros(): bigint {
    return this.mask & ~(this.pieceMask | this.ones);
  }

  /** The distinct sources, in the order of their first piece. */
  sources(): BitSource[] {
    const out: BitSource[] = [];
    for (const p of this.pieces) if (!out.includes(p.src)) out.push(p.src);
    return out;
  }

  toString(): string {
    const ps = this.pieces.map((p) => {
      const s = p.src.field === CARRIER ? 'T' : p.src.field >= 0 ? `F${p.src.field}` : p.src.expr ? p.src.expr.name : '?';
      return `[${p.lo},${p.hi})=${s}[${p.off}..${p.bits}${p.signed ? 's' : ''}]`;
    });
    return `i${this.width}{${ps.join(' ')} ones=0x${this.ones.toString(16)}${this.flip ? ` flip=0x${this.flip.toString(16)}` : ''}}`;
  }
}

function view(width: 32 | 64, pieces: Piece[], ones: bigint, flip: bigint): BitView {
  pieces.sort((a, b) => a.lo - b.lo);
  let pm = 0n;
  for (const p of pieces) pm |= rangeMask(p.lo, p.hi);
  const m = widthMask(width);
  return new BitView(width, pieces, ones & m & ~pm, flip & m & pm);
}

/** The pieces of `v` restricted to the bits of `m`, split into runs. */
function keep(pieces: readonly Piece[], m: bigint): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    let i = p.lo;
    while (i < p.hi) {
      if (((m >> BigInt(i)) & 1n) === 0n) { i++; continue; }
      let j = i + 1;
      while (j < p.hi && ((m >> BigInt(j)) & 1n) !== 0n) j++;
      const s = slice(p, i, j);
      if (s) out.push(s);
      i = j;
    }
  }
  return out;
}

// ---- the algebra ----------------------------------------------------------------------------

/** Bits [a, b) of `v` moved down to bit 0 (all others zero): the value `(v >>u a) & mask(b - a)`. */
export function extract(v: BitView, a: number, b: number): BitView {
  return shrU(andConst(v, rangeMask(a, b)), a);
}

/** Restricts to the bits [0, n) (others zero). */
export function low(v: BitView, n: number): BitView {
  return andConst(v, widthMask(n));
}

export function andConst(v: BitView, c: bigint): BitView {
  c = BigInt.asUintN(v.width, c);
  return view(v.width, keep(v.pieces, c), v.ones & c, v.flip & c);
}

export function orConst(v: BitView, c: bigint): BitView {
  c = BigInt.asUintN(v.width, c);
  return view(v.width, keep(v.pieces, ~c & v.mask), v.ones | c, v.flip & ~c);
}

export function xorConst(v: BitView, c: bigint): BitView {
  c = BigInt.asUintN(v.width, c);
  const pm = v.pieceMask;
  return view(v.width, v.pieces.slice(), v.ones ^ (c & ~pm), v.flip ^ (c & pm));
}

/** a | b, when no bit has a piece on both sides. */
export function or(a: BitView, b: BitView): BitView | null {
  const am = a.pieceMask, bm = b.pieceMask;
  if ((am & bm) !== 0n) return null;
  const pieces = [...keep(a.pieces, ~b.ones & a.mask), ...keep(b.pieces, ~a.ones & a.mask)];
  return view(a.width, pieces, a.ones | b.ones, (a.flip & ~b.ones) | (b.flip & ~a.ones));
}

/** a & b, when no bit has a piece on both sides. */
export function and(a: BitView, b: BitView): BitView | null {
  const am = a.pieceMask, bm = b.pieceMask;
  if ((am & bm) !== 0n) return null;
  const pieces = [...keep(a.pieces, b.ones), ...keep(b.pieces, a.ones)];
  return view(a.width, pieces, a.ones & b.ones, (a.flip & b.ones) | (b.flip & a.ones));
}

/** a ^ b, when no bit has a piece on both sides. */
export function xor(a: BitView, b: BitView): BitView | null {
  const am = a.pieceMask, bm = b.pieceMask;
  if ((am & bm) !== 0n) return null;
  const pieces = [...a.pieces, ...b.pieces];
  return view(a.width, pieces, a.ones ^ b.ones, a.flip ^ b.flip ^ (a.ones & bm) ^ (b.ones & am));
}

export function shl(v: BitView, k: number): BitView {
  k &= v.width - 1;
  const pieces: Piece[] = [];
  for (const p of v.pieces) {
    const q = move(p, k, v.width);
    if (q) pieces.push(q);
  }
  return view(v.width, pieces, v.ones << BigInt(k), v.flip << BigInt(k));
}

export function shrU(v: BitView, k: number): BitView {
  k &= v.width - 1;
  const pieces: Piece[] = [];
  for (const p of v.pieces) {
    const q = move(p, -k, v.width);
    if (q) pieces.push(q);
  }
  return view(v.width, pieces, v.ones >> BigInt(k), v.flip >> BigInt(k));
}

/**
 * Bits [n, top) become copies of bit n - 1 (1 <= n <= top <= 128): the piece holding bit n - 1
 * is re-read as a signed source of exactly the bits it uses up to there, and extended.
 * The result keeps the view's width unless `top` is larger (an intermediate of shr_s).
 */
function signExtendTo(v: BitView, n: number, top: number, width: 32 | 64): BitView {
  const m = widthMask(n);
  const pieces = keep(v.pieces, m);
  let ones = v.ones & m;
  let flip = v.flip & m;
  const above = rangeMask(n, top);
  const bit = BigInt(n - 1);
  const last = pieces.length > 0 ? pieces[pieces.length - 1] : null;
  if (last !== null && last.hi === n) {
    const j = sourceBit(last, n - 1);
    const ext = mkPiece(last.lo, top, last.src, last.off, j + 1, true);
    pieces[pieces.length - 1] = ext!;
    if (((flip >> bit) & 1n) !== 0n) flip |= above;
  } else if (((ones >> bit) & 1n) !== 0n) {
    ones |= above;
  }
  // pieces may run past `width` here when top > width; shrS moves them back in
  pieces.sort((a, b) => a.lo - b.lo);
  return new BitView(width, pieces, ones, flip);
}

/** `extendN_s`: bits [n, W) copy bit n - 1. */
export function signExtend(v: BitView, n: number): BitView {
  if (n >= v.width) return v;
  const r = signExtendTo(v, n, v.width, v.width);
  return view(v.width, r.pieces.slice(), r.ones, r.flip);
}

export function shrS(v: BitView, k: number): BitView {
  k &= v.width - 1;
  if (k === 0) return v;
  // extend the sign k bits past the top, then move everything down
  const wide = signExtendTo(v, v.width, v.width + k, v.width);
  const pieces: Piece[] = [];
  for (const p of wide.pieces) {
    const q = move(p, -k, v.width);
    if (q) pieces.push(q);
  }
  return view(v.width, pieces, wide.ones >> BigInt(k), wide.flip >> BigInt(k));
}

/** `i32.wrap_i64`. */
export function wrap(v: BitView): BitView {
  if (v.width === 32) return v;
  const m = widthMask(32);
  return view(32, keep(v.pieces, m), v.ones & m, v.flip & m);
}

/** `i64.extend_i32_u`. */
export function extendU(v: BitView): BitView {
  return new BitView(64, v.pieces, v.ones, v.flip);
}

/** `i64.extend_i32_s`. */
export function extendS(v: BitView): BitView {
  const wide = new BitView(64, v.pieces, v.ones, v.flip);
  return signExtend(wide, 32);
}

// ---- views of expressions ---------------------------------------------------------------------

export interface ViewOptions {
  /** Known bits of a leaf (an i32, or an i64 that may fit in 32 bits). */
  bits(e: Expr): KnownBits;
  /** Leaves that must not be looked into nor used (e.g. reads of the carrier itself): the view fails. */
  forbidden?(e: Expr): boolean;
}

/** The view of `e` and the leaf sources it uses, in evaluation order. */
export interface ExprView {
  view: BitView;
  /** Every leaf of `e` the view stands on, in evaluation order (some may have no bit left in the view). */
  leaves: BitSource[];
}

const OPNAME: string[] = OPS.map((i) => i.name);

function widthOfType(e: Expr): 0 | 32 | 64 {
  const t = e.type;
  if (t.length !== 1) return 0;
  return t[0] === I32 ? 32 : t[0] === I64 ? 64 : 0;
}

function constOf(e: Expr): bigint | null {
  const n = OPNAME[e.op];
  if (n === 'i32.const') return BigInt(e.value as number);
  if (n === 'i64.const') return e.value as bigint;
  return null;
}

/** Known-zero bits of a 32-bit value as an unsigned 64-bit mask (bits >= 32 set). */
function zeros32(k: KnownBits): bigint {
  return (BigInt((k as KnownBits32).zeros >>> 0) | (M64 ^ 0xffffffffn));
}

/**
 * The bit-field view of the integer expression `e`, or null. Leaves are recorded in evaluation
 * order; a subtree that is an i32 leaf as a whole records only itself.
 */
export function viewOf(e: Expr, opts: ViewOptions): ExprView | null {
  const leaves: BitSource[] = [];
  const v = walk(e, opts, leaves, 0);
  return v === null ? null : { view: v, leaves };
}

function leaf(e: Expr, opts: ViewOptions, leaves: BitSource[], w: 32 | 64): BitView | null {
  if (opts.forbidden?.(e)) return null;
  if (w === 32) {
    const z = zeros32(opts.bits(e));
    const src = new BitSource(e, false, -1, 32, z);
    leaves.push(src);
    const top = 64 - clz64(~z & M64);
    const p = mkPiece(0, Math.min(top, 32), src, 0, 32, false);
    return new BitView(32, p ? [p] : [], 0n, 0n);
  }
  const k = opts.bits(e) as KnownBits64;
  if (k.width !== 64) return null;
  let signed: boolean;
  if (k.umax <= 0xffffffffn) signed = false;
  else if (k.fitsSigned(32)) signed = true;
  else return null;
  const z = (k.zeros & 0xffffffffn) | (M64 ^ 0xffffffffn);
  const src = new BitSource(e, true, -1, 32, z);
  leaves.push(src);
  if (signed) return extendS(BitView.of(32, src));
  const top = 64 - clz64(~z & M64);
  const p = mkPiece(0, Math.min(top, 32), src, 0, 32, false);
  return new BitView(64, p ? [p] : [], 0n, 0n);
}

function clz64(x: bigint): number {
  if (x === 0n) return 64;
  return 64 - x.toString(2).length;
}

function walk(e: Expr, opts: ViewOptions, leaves: BitSource[], depth: number): BitView | null {
  const w = widthOfType(e);
  if (w === 0) return null;
  const c = constOf(e);
  if (c !== null) return BitView.constant(w, c);
  if (opts.forbidden?.(e)) return null;
  const mark = leaves.length;
  const r = depth < MAX_DEPTH ? compose(e, w, opts, leaves, depth + 1) : null;
  if (r !== null) return r;
  leaves.length = mark; // forget what a failed look inside recorded
  return leaf(e, opts, leaves, w);
}

function compose(e: Expr, w: 32 | 64, opts: ViewOptions, leaves: BitSource[], d: number): BitView | null {
  const name = OPNAME[e.op];
  const dot = name.indexOf('.');
  const prefix = name.slice(0, dot);
  if (prefix !== 'i32' && prefix !== 'i64') return null;
  const base = name.slice(dot + 1);
  const k = e.kids;
  switch (base) {
    case 'extend_i32_u':
    case 'extend_i32_s': {
      const a = walk(k[0], opts, leaves, d);
      if (a === null || a.width !== 32) return null;
      return base === 'extend_i32_u' ? extendU(a) : extendS(a);
    }
    case 'wrap_i64': {
      const a = walk(k[0], opts, leaves, d);
      return a === null || a.width !== 64 ? null : wrap(a);
    }
    case 'extend8_s':
    case 'extend16_s':
    case 'extend32_s': {
      const a = walk(k[0], opts, leaves, d);
      return a === null ? null : signExtend(a, Number(/\d+/.exec(base)![0]));
    }
    case 'shl':
    case 'shr_u':
    case 'shr_s': {
      const s = constOf(k[1]);
      if (s === null) return null;
      const a = walk(k[0], opts, leaves, d);
      if (a === null) return null;
      const n = Number(BigInt.asUintN(64, s) & BigInt(w - 1));
      return base === 'shl' ? shl(a, n) : base === 'shr_u' ? shrU(a, n) : shrS(a, n);
    }
    case 'and':
    case 'or':
    case 'xor': {
      const a = walk(k[0], opts, leaves, d);
      if (a === null) return null;
      const b = walk(k[1], opts, leaves, d);
      if (b === null) return null;
      return base === 'and' ? and(a, b) : base === 'or' ? or(a, b) : xor(a, b);
    }
  }
  return null;
}

// ---- views of extractions --------------------------------------------------------------------

/** The view of `op(x)` given the view of `x` for the view operators with constant operands, or null. */
export function applyUnary(e: Expr, x: BitView, index: number): BitView | null {
  const name = OPNAME[e.op];
  const dot = name.indexOf('.');
  const prefix = name.slice(0, dot);
  if (prefix !== 'i32' && prefix !== 'i64') return null;
  const base = name.slice(dot + 1);
  const w = prefix === 'i32' ? 32 : 64;
  switch (base) {
    case 'extend_i32_u': return x.width === 32 ? extendU(x) : null;
    case 'extend_i32_s': return x.width === 32 ? extendS(x) : null;
    case 'wrap_i64': return x.width === 64 ? wrap(x) : null;
    case 'extend8_s': case 'extend16_s': case 'extend32_s':
      return x.width === w ? signExtend(x, Number(/\d+/.exec(base)![0])) : null;
    case 'shl': case 'shr_u': case 'shr_s': {
      if (index !== 0 || x.width !== w) return null;
      const s = constOf(e.kids[1]);
      if (s === null) return null;
      const n = Number(BigInt.asUintN(64, s) & BigInt(w - 1));
      return base === 'shl' ? shl(x, n) : base === 'shr_u' ? shrU(x, n) : shrS(x, n);
    }
    case 'and': case 'or': case 'xor': {
      if (x.width !== w) return null;
      const s = constOf(e.kids[1 - index]);
      if (s === null) return null;
      return base === 'and' ? andConst(x, s) : base === 'or' ? orConst(x, s) : xorConst(x, s);
    }
  }
  return null;
}


// ---- known bits of locals through the local graph --------------------------------------------

/** Definitions one top-level query of `localFactsFromGraph` may visit before answering "unknown". */
export const MAX_FACT_STEPS = 256;
/** Definitions all queries of one `localFactsFromGraph` may visit (one function's analysis). */
export const MAX_FACT_STEPS_TOTAL = 20_000;

/**
 * A `local` callback for `knownBits`: the facts of a `local.get` are the join of the facts of
 * every definition reaching it (the argument of a parameter is unknown; a declared local
 * starts at zero). Cycles and deep chains answer "unknown".
 *
 * Cost. A get's facts depend on the values of its definitions, whose gets depend on theirs:
 * without sharing, chains of locals with several definitions each (loop-carried i64 locals in
 * compiled Go) cost (definitions per get)^depth. So a result computed without reaching a cycle
 * or the depth limit (it does not depend on the query that asked) is memoized at any depth, and
 * one top-level query visits at most MAX_FACT_STEPS definitions, all queries together at most
 * MAX_FACT_STEPS_TOTAL; past that, "unknown" (sound: no fact is claimed). Only huge functions
 * with long chains of i64 locals reach the limits.
 */
export function localFactsFromGraph(
  graph: { getSets(get: Expr): ReadonlySet<Expr | 'entry'> },
  numParams: number,
  knownBitsOf: (e: Expr, local: (g: Expr) => KnownBits | null) => KnownBits,
): (get: Expr) => KnownBits | null {
  const cache = new Map<Expr, KnownBits | null>();
  const busy = new Set<number>();
  let depth = 0;
  /** Answers that depended on where the query came from (a cycle cut, the depth or step limit). */
  let cuts = 0;
  let steps = 0;
  let total = 0;
  const facts = (get: Expr): KnownBits | null => {
    const hit = cache.get(get);
    if (hit !== undefined) return hit;
    const w = widthOfType(get);
    if (w === 0) return null;
    if (busy.size === 0) steps = 0;
    if (busy.has(get.index) || depth >= 8 || steps >= MAX_FACT_STEPS || total >= MAX_FACT_STEPS_TOTAL) {
      cuts++;
      return null;
    }
    let defs: ReadonlySet<Expr | 'entry'>;
    try {
      defs = graph.getSets(get);
    } catch {
      return null; // a node the graph does not know (built after it)
    }
    if (defs.size === 0) return null;
    const cuts0 = cuts;
    busy.add(get.index);
    depth++;
    let acc: KnownBits | null = null;
    let cut = false;
    try {
      for (const d of defs) {
        steps++;
        total++;
        let k: KnownBits | null;
        if (d === 'entry') k = get.index < numParams ? null : w === 32 ? KnownBits32.ofConstant(0) : KnownBits64.ofConstant(0n);
        else {
          const v = d.kids[d.kids.length - 1];
          k = v === undefined || widthOfType(v) !== w ? null : knownBitsOf(v, facts);
        }
        if (k === null) { acc = null; cut = true; break; }
        acc = acc === null ? k : w === 32 ? (acc as KnownBits32).join(k as KnownBits32) : (acc as KnownBits64).join(k as KnownBits64);
      }
    } finally {
      depth--;
      busy.delete(get.index);
    }
    if ((busy.size === 0 && !cut) || cuts === cuts0) cache.set(get, acc);
    return acc;
  };
  return facts;
}
