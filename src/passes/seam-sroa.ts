// seam-sroa: dissolve packed-integer carriers into one i32 local per field, and the dispatch
// around them.
//
// What. After inlining, a value packed from small scalars (`action` in the low byte, `count` in
// the high half: `i64.extend_i32_u; i64.shl; i64.or`) is held in a local — the *carrier*, often
// set on several control-flow paths — and taken apart again (`i64.and 255`, `i64.shr_u 32`,
// `i32.wrap_i64`, `i64.store32`). The pass runs five steps on each function:
//   1. narrow-local (narrow-local.ts): i64 locals holding only 32-bit values (the inlined
//      `action`, `i64.const 1` on one path and `0` on another) become i32, so they can be
//      field sources;
//   2. split: a carrier (i64, or an i32 packing fields) becomes i32 locals, one per field, set
//      where the carrier was set; every read reads its field; the carrier disappears;
//   3. dispatch: a `br_table` on a select tree of constants (the decide's `match`) becomes
//      if/br_if on its conditions (`lowerDispatch`);
//   4. path facts: a comparison of a value with a constant that a condition on the way already
//      decided becomes the constant (`conditionFacts`: the decide's overflow check after
//      `count <u limit`);
//   5. flags: a field that is a constant on each path into a merge and tested right after it is
//      threaded: each path goes straight to its arm (`threadFlags`).
// Steps 3-5 are general control-flow simplifications; they live here because they are what
// is left of the seam once its carrier is gone (see the function comments).
//
// How (step 2). Every definition of the carrier (each `local.set`/`local.tee`, and its initial
// zero when that reaches a read) gets a bit-field view (analysis/bit-fields.ts): pieces of i32
// leaves at bit positions, plus constant bits. Every read is followed up through extraction
// operators (and/or/xor with constants, shifts by constants, wrap, extends) to its consumer: an
// i32 value (wrap, a mask of the low bits, an if/br_if condition ...), a narrow store
// (`store8/16/32`), an `eqz`, a comparison with a constant, or a `drop`. The carrier's bits are
// cut at every boundary of a definition's pieces and of the bits all definitions agree on as
// constants; runs no read uses are dropped (a field never read costs nothing), runs all
// definitions set to the same constant become that constant, the rest are fields: adjacent runs
// one read takes as one value are merged (at most 32 bits), wider runs are cut into 32-bit
// fields. Each field is an i32 local holding the field's bits at bit 0 — zero-extended
// ("clean"), or with don't-care bits above it when every read masks or sign-extends anyway
// ("dirty", chosen per field when it saves instructions). A definition becomes one `local.set`
// per field of its bits (leaves are evaluated once, in their original order: a local.get is
// simply re-read, other leaves are spilled to temporaries when more than one is needed or one
// is needed twice); a read becomes the same bits assembled from its fields (or read straight
// from the local a field was copied from, when that local cannot have changed since); a
// comparison with a constant compares per field or per 32-bit half; a narrow store stores the
// i32 field.
//
// When not. A carrier is left alone when a definition has no view (its value is not a packing
// of i32 parts), a read needs the whole value (an i64 consumer — a call argument, a return, an
// add — or an i32 value assembled from more than one field), a read sits inside a definition,
// the carrier is a parameter, the function has `pop`s, or the rewrite would not be smaller
// (nodes producing or consuming an i64 count double). All decisions are made before anything
// changes: a carrier is either fully rewritten or untouched.
//
// Why it is sound. Fields hold exactly the carrier's bits (a clean field: zeros above; a dirty
// one: its low bits), are set wherever the carrier was set, from the same value, and start at
// zero like the carrier; so at every read, on every path, the fields hold the bits of the
// carrier's current value, and a read assembled from them computes bit for bit what the
// extraction computed. Leaves run once, in order; a leaf that may branch out is evaluated
// before any field is written (or spilled first), so a definition is either complete or not
// begun. Traps and memory effects are unchanged: only pure bit operations are added or removed.
// Steps 3-5 argue their soundness where they are defined.
//
// Where. After `inline` and one cleanup round (the pack and the unpack must meet in one
// function, in simple form), followed by cleanup (optimize-instructions folds the masks known
// bits make redundant and the extends narrow-local leaves, precompute folds decided conditions,
// remove-unused-brs drops the tail branches of the lowered dispatch, simplify-locals sinks the
// single-use fields, dead-locals drops the temporaries).

import { Expr, i32Const } from '../ir/expr.js';
import type { Func } from '../ir/module.js';
import { Eff, O, OPS, op } from '../ir/opcodes.js';
import { I32, I64, NONE, single } from '../ir/types.js';
import { forEachExpr, walkExecution, statementLists } from '../ir/walk.js';
import { evalNumeric } from '../ir/eval.js';
import { type KnownBits, knownBits } from '../analysis/known-bits.js';
import type { FunctionEffects } from '../analysis/effects.js';
import { ENTRY, type LocalGraph } from '../analysis/local-graph.js';
import { Slot, type Structure } from '../analysis/structure.js';
import {
  BitSource, BitView, CARRIER, type Piece, applyUnary, extract, localFactsFromGraph, low, makePiece, makeView,
  rangeMask, shrU, sourceBit, viewOf, wrap,
} from '../analysis/bit-fields.js';
import type { PassContext } from './context.js';
import type { FunctionPass } from './registry.js';
import { narrowLocals } from './narrow-local.js';

/** Carriers split per function run (a bound, not an expected count). */
const MAX_SPLITS = 64;

/** What the pass did (summed over runs), for tests and tuning; reset by the caller. */
export const seamStats = { carriers: 0, fields: 0, flags: 0, dispatches: 0, facts: 0 };

const i32op = (n: string) => op(`i32.${n}`);
const SHL = i32op('shl'), SHR_U = i32op('shr_u'), SHR_S = i32op('shr_s'), AND = i32op('and'), OR = i32op('or');
const XOR = i32op('xor'), EQZ = i32op('eqz'), EXT8 = i32op('extend8_s'), EXT16 = i32op('extend16_s');
const WRAP = op('i32.wrap_i64');
const T32 = single(I32);

/** Comparisons: base name -> the same comparison with the operands swapped. */
const FLIP: Record<string, string> = {
  eq: 'eq', ne: 'ne', lt_s: 'gt_s', gt_s: 'lt_s', lt_u: 'gt_u', gt_u: 'lt_u', le_s: 'ge_s', ge_s: 'le_s',
  le_u: 'ge_u', ge_u: 'le_u',
};
/** Base name and width of every i32/i64 op. */
const BASE: (string | undefined)[] = [];
const WIDTH = new Uint8Array(OPS.length);
for (const info of OPS) {
  const m = /^i(32|64)\.(.*)$/.exec(info.name);
  if (m) {
    WIDTH[info.id] = Number(m[1]);
    BASE[info.id] = m[2];
  }
}
const STORE_BITS = new Map<number, number>([
  [op('i32.store8'), 8], [op('i32.store16'), 16], [op('i32.store'), 32],
  [op('i64.store8'), 8], [op('i64.store16'), 16], [op('i64.store32'), 32],
]);
const I32_STORE: Record<number, number> = { 8: i32op('store8'), 16: i32op('store16'), 32: i32op('store') };

function widthOf(e: Expr): 0 | 32 | 64 {
  const t = e.type;
  if (t.length !== 1) return 0;
  return t[0] === I32 ? 32 : t[0] === I64 ? 64 : 0;
}

function constOf(e: Expr): bigint | null {
  if (e.op === O.i32_const) return BigInt(e.value as number);
  if (e.op === O.i64_const) return e.value as bigint;
  return null;
}

// ---- building i32 code ----------------------------------------------------------------------

function c32(v: bigint | number): Expr {
  return i32Const(Number(BigInt.asIntN(32, BigInt(v))));
}
function bin(id: number, a: Expr, b: Expr): Expr {
  return new Expr(id, T32, [a, b]);
}
function un(id: number, a: Expr): Expr {
  return new Expr(id, T32, [a]);
}
function getLocal(index: number): Expr {
  const g = new Expr(O.local_get, T32);
  g.index = index;
  return g;
}
function setLocal(index: number, v: Expr): Expr {
  const s = new Expr(O.local_set, NONE, [v]);
  s.index = index;
  return s;
}
function block(type: typeof T32 | typeof NONE, body: Expr[]): Expr {
  const b = new Expr(O.block, type);
  b.index = -1;
  b.params = NONE;
  b.body = body;
  return b;
}

/** How a source is read when code is built: an i32 expression (a fresh node each time). */
type Reader = (src: BitSource) => Expr;

/** One piece as an i32 value in place (zeros elsewhere below `demand`; bits >= `demand` don't matter). */
function buildPiece(p: Piece, demand: number, read: Reader): Expr {
  const n = p.hi - p.lo;
  const x = read(p.src);
  let y: Expr;
  let mask: boolean;
  if (!(p.signed && p.off + n > p.bits)) {
    y = p.off > 0 ? bin(SHR_U, x, c32(p.off)) : x;
    // the bits of y above n are source bits >= off + n (zeros past bit 31)
    mask = p.hi < demand && (~p.src.zeros & rangeMask(p.off + n, 32)) !== 0n;
  } else {
    let z = x;
    if (p.bits < 32) {
      if (p.bits === 8) z = un(EXT8, x);
      else if (p.bits === 16) z = un(EXT16, x);
      else z = bin(SHR_S, bin(SHL, x, c32(32 - p.bits)), c32(32 - p.bits));
    }
    y = p.off > 0 ? bin(SHR_S, z, c32(Math.min(p.off, 31))) : z;
    mask = p.hi < demand; // sign copies above
  }
  if (mask) y = bin(AND, y, c32(rangeMask(0, n)));
  if (p.lo > 0) y = bin(SHL, y, c32(p.lo));
  return y;
}

/** The low `demand` bits of `v` as an i32 expression (bits above `demand` unspecified). */
function build(v: BitView, demand: number, read: Reader): Expr {
  const m = rangeMask(0, demand);
  let e: Expr | null = null;
  for (const p of v.pieces) {
    if (p.lo >= demand) continue;
    const q = p.hi > demand ? makePiece(p.lo, demand, p.src, p.off, p.bits, p.signed)! : p;
    const t = buildPiece(q, demand, read);
    e = e === null ? t : bin(OR, e, t);
  }
  const ones = v.ones & m;
  const flip = v.flip & m;
  if (e === null) return c32(ones);
  if (ones !== 0n) e = bin(OR, e, c32(ones));
  if (flip !== 0n) e = bin(XOR, e, c32(flip));
  return e;
}

/** Nodes of a built tree, excluding the subtrees in `stop`; i64-typed nodes count double. */
function cost(root: Expr, stop: Set<Expr> | null): number {
  let n = 0;
  const stack = [root];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (stop !== null && stop.has(e)) continue;
    let wide = widthOf(e) === 64;
    for (const k of e.kids) {
      if (widthOf(k) === 64) wide = true;
      stack.push(k);
    }
    for (const k of e.body) stack.push(k);
    n += wide ? 2 : 1;
  }
  return n;
}

// ---- the analysis of one carrier ------------------------------------------------------------

type Kind = 'value' | 'store' | 'eqz' | 'cmp' | 'drop';

interface Use {
  /** The get, or the tee (a definition whose value is also read). */
  root: Expr;
  kind: Kind;
  /** The node the rewrite replaces: the chain top ('value'), else the consumer. */
  node: Expr;
  /** The carrier-level view of the chain top. */
  view: BitView;
  /** 'store': bits stored; 'cmp': base name (constant on the right) and the constant. */
  bits: number;
  cmp: string;
  konst: bigint;
  /** Cost of the code replaced (the chain and the consumer, not a store's address). */
  before: number;
}

interface Def {
  node: Expr | null; // null: the initial zero
  view: BitView;
  leaves: BitSource[];
  /** For a tee: its read. */
  use: Use | null;
  before: number;
}

interface Field {
  a: number;
  b: number;
  local: number;
  dirty: boolean;
  clean: BitSource;
  loose: BitSource;
}

interface Seg {
  a: number;
  b: number;
  kind: 'field' | 'const' | 'skip';
  field: number;
}

class Layout {
  constructor(readonly width: number, readonly segs: Seg[], readonly fields: Field[], readonly eqOnes: bigint) {}

  segAt(j: number): Seg {
    for (const s of this.segs) if (j >= s.a && j < s.b) return s;
    throw new Error(`seam-sroa: bit ${j} outside the layout`);
  }

  src(k: number): BitSource {
    const f = this.fields[k];
    return f.dirty ? f.loose : f.clean;
  }

  /** A carrier-level view re-expressed over the fields and the constant bits. */
  toFields(v: BitView): BitView {
    const pieces: Piece[] = [];
    let ones = v.ones;
    let flip = 0n;
    for (const p of v.pieces) {
      let i = p.lo;
      while (i < p.hi) {
        const j = sourceBit(p, i);
        const seg = this.segAt(j);
        const signRun = p.signed && seg.a <= p.bits - 1 && p.bits - 1 < seg.b;
        const end = signRun ? p.hi : Math.min(p.hi, i + (seg.b - j));
        const fl = v.flip & rangeMask(i, end);
        if (seg.kind === 'field') {
          const f = this.fields[seg.field];
          const q = signRun
            ? makePiece(i, end, this.src(seg.field), j - f.a, p.bits - f.a, true)
            : makePiece(i, end, this.src(seg.field), j - f.a, f.b - f.a, false);
          if (q !== null) pieces.push(q);
          flip |= fl;
        } else if (seg.kind === 'const') {
          for (let t = i; t < end; t++) {
            if (((this.eqOnes >> BigInt(sourceBit(p, t))) & 1n) !== 0n) ones |= 1n << BigInt(t);
          }
          ones ^= fl;
        } else {
          throw new Error('seam-sroa: a read of a bit no field holds');
        }
        i = end;
      }
    }
    return makeView(v.width, pieces, ones, flip);
  }
}

/** The fields a view reads. */
function fieldsRead(v: BitView): Set<number> {
  const s = new Set<number>();
  for (const p of v.pieces) if (p.src.field >= 0) s.add(p.src.field);
  return s;
}

/** Carrier bits a carrier-level view reads. */
function demandOf(v: BitView): bigint {
  let m = 0n;
  for (const p of v.pieces) m |= rangeMask(sourceBit(p, p.lo), sourceBit(p, p.hi - 1) + 1);
  return m;
}

interface Plan {
  carrier: number;
  width: number;
  layout: Layout;
  defs: Def[];
  uses: Use[];
}

/** Everything about one candidate carrier, or null when it must stay (see the header). */
function analyse(
  L: number, width: 32 | 64, sets: Expr[], gets: Expr[], st: Structure,
  bitsOf: (e: Expr) => KnownBits, reachesEntry: boolean,
): Plan | null {
  const carrierSrc = new BitSource(null, false, CARRIER, width, 0n);
  const isCarrierRead = (e: Expr) => e.op === O.local_get && e.index === L;
  // no access of the carrier inside a definition's value
  for (const s of sets) {
    const v = s.kids[0];
    for (const g of gets) if (st.isAncestor(v, g)) return null;
    for (const t of sets) if (t !== s && st.isAncestor(v, t)) return null;
  }

  // ---- reads ----
  const readOf = (root: Expr): Use | null => {
    let cur = root;
    let v = BitView.of(width, carrierSrc);
    let before = root.op === O.local_get ? (width === 64 ? 2 : 1) : 0;
    for (;;) {
      const p = st.parent(cur);
      if (p === null || st.slot(cur) !== Slot.kid) break;
      const nv = applyUnary(p, v, st.index(cur));
      if (nv === null) break;
      v = nv;
      before += widthOf(p) === 64 || widthOf(cur) === 64 ? 2 : 1;
      if (p.kids.length === 2) before++; // the constant operand
      cur = p;
    }
    const top = cur;
    const tw = widthOf(top);
    const p = st.slot(top) === Slot.kid ? st.parent(top) : null;
    const use: Use = { root, kind: 'value', node: top, view: v, bits: 0, cmp: '', konst: 0n, before };
    if (p !== null && p.op === O.drop) {
      use.kind = 'drop';
      use.node = p;
      use.before += 1;
      return use;
    }
    if (p !== null && BASE[p.op] === 'eqz' && WIDTH[p.op] === tw) {
      use.kind = 'eqz';
      use.node = p;
      use.before += tw === 64 ? 2 : 1;
      return use;
    }
    if (p !== null && WIDTH[p.op] === tw && FLIP[BASE[p.op] ?? ''] !== undefined && p.kids.length === 2) {
      const i = st.index(top);
      const k = constOf(p.kids[1 - i]);
      if (k !== null) {
        use.kind = 'cmp';
        use.node = p;
        use.cmp = i === 0 ? BASE[p.op]! : FLIP[BASE[p.op]!];
        use.konst = BigInt.asUintN(tw, k);
        use.before += tw === 64 ? 4 : 2;
        return use;
      }
    }
    if (p !== null && STORE_BITS.has(p.op) && st.index(top) === 1) {
      // the address must not read or write the carrier (it is kept as it is)
      const addr = p.kids[0];
      for (const g of gets) if (g === addr || st.isAncestor(addr, g)) return null;
      for (const s of sets) if (s === addr || st.isAncestor(addr, s)) return null;
      use.kind = 'store';
      use.node = p;
      use.bits = STORE_BITS.get(p.op)!;
      use.view = low(v, use.bits);
      use.before += tw === 64 ? 2 : 1;
      return use;
    }
    if (tw === 32) return use;
    return null; // an i64 consumer: the whole value is needed
  };

  const uses: Use[] = [];
  for (const g of gets) {
    const u = readOf(g);
    if (u === null) return null;
    uses.push(u);
  }

  // ---- definitions ----
  const defs: Def[] = [];
  if (reachesEntry) defs.push({ node: null, view: BitView.constant(width, 0n), leaves: [], use: null, before: 0 });
  for (const s of sets) {
    const ev = viewOf(s.kids[0], { bits: bitsOf, forbidden: isCarrierRead });
    if (ev === null) return null;
    let use: Use | null = null;
    if (s.op === O.local_tee) {
      use = readOf(s);
      if (use === null) return null;
      uses.push(use);
    }
    const stop = new Set<Expr>(ev.leaves.map((l) => l.expr!));
    defs.push({ node: s, view: ev.view, leaves: ev.leaves, use, before: cost(s, stop) });
  }
  if (!defs.some((d) => d.node !== null && d.view.pieces.length > 0) && width === 32) return null;

  // ---- the layout ----
  const W = width;
  const full = rangeMask(0, W);
  let demanded = 0n;
  for (const u of uses) if (u.kind !== 'drop') demanded |= demandOf(u.view);
  let eqOnes = full, eqZeros = full;
  for (const d of defs) {
    eqOnes &= d.view.ones;
    eqZeros &= d.view.zeros;
  }
  const eqMask = eqOnes | eqZeros;
  const cuts = new Set<number>([0, W]);
  const addTransitions = (m: bigint) => {
    for (let i = 1; i < W; i++) if (((m >> BigInt(i)) & 1n) !== ((m >> BigInt(i - 1)) & 1n)) cuts.add(i);
  };
  addTransitions(eqMask);
  for (const d of defs) for (const p of d.view.pieces) { cuts.add(p.lo); cuts.add(p.hi); }
  const points = [...cuts].filter((c) => c >= 0 && c <= W).sort((x, y) => x - y);
  let segs: Seg[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    const r = rangeMask(a, b);
    const kind = (demanded & r) === 0n ? 'skip' : (eqMask & r) === r ? 'const' : 'field';
    segs.push({ a, b, kind, field: -1 });
  }
  // merge the field runs one value read takes together (at most 32 bits)
  for (const u of uses) {
    if (u.kind !== 'value' && u.kind !== 'store') continue;
    const dm = demandOf(u.view);
    const hit = segs.filter((s) => s.kind === 'field' && (dm & rangeMask(s.a, s.b)) !== 0n);
    if (hit.length < 2) continue;
    const a = hit[0].a, b = hit[hit.length - 1].b;
    if (b - a > 32) continue;
    const merged: Seg[] = [];
    for (const s of segs) {
      if (s.b <= a || s.a >= b) merged.push(s);
      else if (s.a === a) merged.push({ a, b, kind: 'field', field: -1 });
    }
    segs = merged;
  }
  // cut wide fields into 32-bit ones
  const cut: Seg[] = [];
  for (const s of segs) {
    if (s.kind !== 'field' || s.b - s.a <= 32) { cut.push(s); continue; }
    for (let a = s.a; a < s.b; a += 32) {
      const b = Math.min(s.b, a + 32);
      cut.push({ a, b, kind: (demanded & rangeMask(a, b)) === 0n ? 'skip' : 'field', field: -1 });
    }
  }
  segs = cut;
  const fields: Field[] = [];
  for (const s of segs) {
    if (s.kind !== 'field') continue;
    s.field = fields.length;
    const w = s.b - s.a;
    fields.push({
      a: s.a, b: s.b, local: -1, dirty: false,
      clean: new BitSource(null, false, fields.length, w, ~rangeMask(0, w) & 0xffffffffffffffffn),
      loose: new BitSource(null, false, fields.length, w, rangeMask(32, 64)),
    });
  }
  if (width === 32 && fields.length < 2 && !segs.some((s) => s.kind === 'skip' || s.kind === 'const')) return null;
  const layout = new Layout(W, segs, fields, eqOnes);

  // every value read takes at most one field; comparisons must be expressible in i32
  for (const u of uses) {
    if (u.kind === 'drop') continue;
    const fv = layout.toFields(u.view);
    if ((u.kind === 'value' || u.kind === 'store') && fieldsRead(fv).size > 1) return null;
    if (u.kind === 'cmp' && fv.width === 64 && compare64(fv, u.cmp, u.konst, () => c32(0)) === null) return null;
  }
  return { carrier: L, width, layout, defs, uses };
}

// ---- comparisons --------------------------------------------------------------------------

const UNSIGNED: Record<string, string> = {
  eq: 'eq', ne: 'ne', lt_s: 'lt_u', gt_s: 'gt_u', le_s: 'le_u', ge_s: 'ge_u', lt_u: 'lt_u', gt_u: 'gt_u',
  le_u: 'le_u', ge_u: 'ge_u',
};

/** `a op b` on numbers (signed or unsigned as the name says). */
function decide(base: string, a: bigint, b: bigint, w: number): boolean {
  const s = base.endsWith('_s');
  const x = s ? BigInt.asIntN(w, a) : BigInt.asUintN(w, a);
  const y = s ? BigInt.asIntN(w, b) : BigInt.asUintN(w, b);
  switch (base.replace(/_[su]$/, '')) {
    case 'eq': return x === y;
    case 'ne': return x !== y;
    case 'lt': return x < y;
    case 'gt': return x > y;
    case 'le': return x <= y;
    default: return x >= y;
  }
}

/** `X op c` for a 32-bit view X as i32 code. */
function compare32(x: BitView, base: string, c: bigint, make: (v: BitView) => Expr, read?: Reader): Expr {
  if (x.constant !== null) return c32(decide(base, x.constant, c, 32) ? 1 : 0);
  const p = x.pieces[0];
  if ((base === 'eq' || base === 'ne') && read !== undefined && x.pieces.length === 1 && !(p.signed && p.off + p.hi - p.lo > p.bits)) {
    // one piece: test the source bits where they are, (s & (m << off)) == (k << off)
    const pm = rangeMask(p.lo, p.hi);
    if (((c ^ x.ones) & ~pm & 0xffffffffn) !== 0n) return c32(base === 'ne' ? 1 : 0); // a known bit differs
    const n = p.hi - p.lo;
    const k = (((c ^ x.flip) & pm) >> BigInt(p.lo)) << BigInt(p.off);
    const m = rangeMask(p.off, p.off + n);
    let s = read(p.src);
    if ((~p.src.zeros & rangeMask(0, 32) & ~m) !== 0n) s = bin(AND, s, c32(m));
    return bin(i32op(base), s, c32(k));
  }
  return bin(i32op(base), make(x), c32(c));
}

/**
 * `X op c` for a 64-bit view X as i32 code: per half for eq/ne; for orderings the high half must
 * be constant (then it decides, or the low halves compare unsigned) or the sign extension of
 * the low half (then the same comparison in i32, when c fits). Null when neither holds.
 */
function compare64(x: BitView, base: string, c: bigint, make: (v: BitView) => Expr, read?: Reader): Expr | null {
  const lo = wrap(x);
  const hi = wrap(shrU(x, 32));
  const clo = c & 0xffffffffn, chi = c >> 32n;
  if (base === 'eq' || base === 'ne') {
    if (c === 0n && lo.constant === null && hi.constant === null) {
      // X == 0: (lo | hi) == 0
      const any = bin(OR, make(lo), make(hi));
      return base === 'eq' ? un(EQZ, any) : bin(i32op('ne'), any, c32(0));
    }
    const a = compare32(lo, base, clo, make, read);
    const b = compare32(hi, base, chi, make, read);
    const av = constOf(a), bv = constOf(b);
    if (base === 'eq') {
      if (av === 0n || bv === 0n) return c32(0);
      if (av === 1n) return b;
      if (bv === 1n) return a;
      return bin(AND, a, b);
    }
    if (av === 1n || bv === 1n) return c32(1);
    if (av === 0n) return b;
    if (bv === 0n) return a;
    return bin(OR, a, b);
  }
  if (hi.constant !== null) {
    if (hi.constant !== chi) return c32(decide(base, hi.constant, chi, 32) ? 1 : 0);
    return compare32(lo, UNSIGNED[base], clo, make);
  }
  // the high half copies bit 31: X == extend_i32_s(low half)
  const top = x.pieces[x.pieces.length - 1];
  if (top !== undefined && top.hi === 64 && top.lo <= 31 && top.signed && sourceBit(top, 31) === top.bits - 1) {
    const f31 = (x.flip >> 31n) & 1n;
    const uniform = f31 === 0n ? (x.flip & rangeMask(31, 64)) === 0n : (x.flip & rangeMask(31, 64)) === rangeMask(31, 64);
    const cs = BigInt.asIntN(64, c);
    if (uniform && cs >= -0x80000000n && cs <= 0x7fffffffn) return compare32(lo, base, clo, make);
  }
  return null;
}

// ---- the rewrite --------------------------------------------------------------------------

/** Collected replacements, applied after everything is built. */
class Edits {
  readonly swaps: [Expr[], number, Expr][] = [];
  readonly splices = new Map<Expr[], Map<number, Expr[]>>();

  swap(list: Expr[], i: number, e: Expr): void {
    this.swaps.push([list, i, e]);
  }

  splice(list: Expr[], i: number, es: Expr[]): void {
    let m = this.splices.get(list);
    if (m === undefined) this.splices.set(list, (m = new Map()));
    m.set(i, es);
  }

  apply(): void {
    for (const [list, i, e] of this.swaps) list[i] = e;
    for (const [list, m] of this.splices) {
      const idx = [...m.keys()].sort((a, b) => b - a);
      for (const i of idx) list.splice(i, 1, ...m.get(i)!);
    }
  }
}

/** The statements of one definition: its leaves evaluated once, in order, then one set per field. */
function defStatements(d: Def, plan: Plan, newLocal: () => number, fx: FunctionEffects): Expr[] {
  const { layout } = plan;
  const parts = layout.fields.map((fl) => (fl.local >= 0 ? extract(d.view, fl.a, fl.b) : null));
  const demand = (k: number) => (layout.fields[k].dirty ? layout.fields[k].b - layout.fields[k].a : 32);
  // how often each leaf is read
  const refs = new Map<BitSource, number>();
  const count: Reader = (s) => { refs.set(s, (refs.get(s) ?? 0) + 1); return c32(0); };
  parts.forEach((p, k) => { if (p !== null) build(p, demand(k), count); });
  const isGet = (s: BitSource) => s.expr!.op === O.local_get;
  const used = d.leaves.filter((s) => (refs.get(s) ?? 0) > 0);
  const complex = used.filter((s) => !isGet(s));
  const dropped = d.leaves.filter((s) => (refs.get(s) ?? 0) === 0 && fx.get(s.expr!).hasSideEffects());
  const written = new Set<number>();
  for (const s of d.leaves) if (!isGet(s)) for (const l of fx.get(s.expr!).localsWritten) written.add(l);
  const stmts: Expr[] = [];
  const readAs = new Map<BitSource, () => Expr>();
  const asI32 = (s: BitSource, e: Expr) => (s.wrap ? un(WRAP, e) : e);
  const fresh = (s: BitSource) => () => {
    const g = new Expr(O.local_get, s.expr!.type);
    g.index = s.expr!.index;
    return asI32(s, g);
  };
  let first: number = -1; // the field holding the one inline complex leaf: written first
  const direct = dropped.length === 0 &&
    (complex.length === 0 || (complex.length === 1 && refs.get(complex[0]) === 1 &&
      !used.some((s) => isGet(s) && written.has(s.expr!.index))));
  if (direct) {
    for (const s of used) readAs.set(s, isGet(s) ? fresh(s) : () => asI32(s, s.expr!));
  } else {
    // spill, in evaluation order; a re-read local stays a read when no leaf writes it
    for (const s of d.leaves) {
      const r = refs.get(s) ?? 0;
      if (r === 0) {
        if (fx.get(s.expr!).hasSideEffects()) stmts.push(new Expr(O.drop, NONE, [s.expr!]));
        continue;
      }
      if (isGet(s) && !written.has(s.expr!.index)) { readAs.set(s, fresh(s)); continue; }
      const t = newLocal();
      stmts.push(setLocal(t, asI32(s, s.expr!)));
      readAs.set(s, () => getLocal(t));
    }
  }
  const read: Reader = (s) => {
    if (s.field >= 0) throw new Error('seam-sroa: a definition reads a field');
    const r = readAs.get(s);
    if (r === undefined) throw new Error('seam-sroa: a leaf without a reader');
    return r();
  };
  const sets: Expr[] = [];
  parts.forEach((p, k) => {
    if (p === null) return; // a field every read finds elsewhere
    const e = build(p, demand(k), read);
    sets.push(setLocal(layout.fields[k].local, e));
    if (direct && complex.length === 1 && first < 0) {
      let has = false;
      forEachExpr([e], (n) => { if (n === complex[0].expr) has = true; });
      if (has) first = k;
    }
  });
  const at = first < 0 ? -1 : sets.findIndex((x) => x.index === layout.fields[first].local);
  if (at > 0) sets.unshift(...sets.splice(at, 1));
  return [...stmts, ...sets];
}

/** The replacement of a read's consumer (`u.node`), with a tee's definition statements first. */
function useReplacement(u: Use, plan: Plan, pre: Expr[], forward: Map<number, number> | undefined): Expr | Expr[] {
  const { layout } = plan;
  const read: Reader = (s) => {
    if (s.field < 0) throw new Error('seam-sroa: a read reads a leaf');
    const x = forward?.get(s.field);
    return getLocal(x ?? layout.fields[s.field].local);
  };
  const value = (e: Expr) => (pre.length > 0 ? block(T32, [...pre, e]) : e);
  switch (u.kind) {
    case 'drop':
      return pre;
    case 'value':
      return value(build(layout.toFields(u.view), 32, read));
    case 'store': {
      const s = new Expr(I32_STORE[u.bits], NONE, [u.node.kids[0], value(build(layout.toFields(u.view), u.bits, read))]);
      s.index = u.node.index;
      s.offset = u.node.offset;
      s.align = Math.min(u.node.align, u.bits === 8 ? 0 : u.bits === 16 ? 1 : 2);
      return s;
    }
    case 'eqz':
    case 'cmp': {
      const fv = layout.toFields(u.view);
      const base = u.kind === 'eqz' ? 'eq' : u.cmp;
      const k = u.kind === 'eqz' ? 0n : u.konst;
      const make = (v: BitView) => build(v, 32, read);
      if (fv.width === 32) return value(compare32(fv, base, k, make, read));
      return value(compare64(fv, base, k, make, read)!);
    }
  }
}

/**
 * Reads that can take a field straight from the local it was copied from: for read `u` and
 * field k, when every definition reaching u sets field k to `local.get X` (the same X) and X
 * cannot change between such a definition and u — every write of X comes before the copy in
 * execution order and shares no loop with it.
 */
function forwarding(plan: Plan, st: Structure, lg: LocalGraph, writes: Map<number, Expr[]>): Map<Use, Map<number, number>> {
  const { layout } = plan;
  const copies = new Map<Def, (Expr | null)[]>();
  for (const d of plan.defs) {
    if (d.node === null) continue;
    copies.set(d, layout.fields.map((fl) => {
      const e = build(extract(d.view, fl.a, fl.b), fl.dirty ? fl.b - fl.a : 32, (src) => src.expr!);
      const leaf = d.leaves.find((l) => l.expr === e);
      if (leaf === undefined || leaf.wrap || e.op !== O.local_get || widthOf(e) !== 32) return null;
      return stable(e, st, writes.get(e.index) ?? []) ? e : null;
    }));
  }
  const byNode = new Map<Expr, Def>();
  for (const d of plan.defs) if (d.node !== null) byNode.set(d.node, d);
  const out = new Map<Use, Map<number, number>>();
  for (const u of plan.uses) {
    if (u.kind === 'drop') continue;
    const reaching = u.root.op === O.local_tee ? [u.root] : [...lg.getSets(u.root)];
    if (reaching.length === 0 || reaching.includes(ENTRY)) continue;
    const fm = new Map<number, number>();
    for (let k = 0; k < layout.fields.length; k++) {
      let x = -1;
      for (const r of reaching) {
        const c = copies.get(byNode.get(r as Expr)!)?.[k] ?? null;
        if (c === null || (x >= 0 && c.index !== x)) { x = -2; break; }
        x = c.index;
      }
      if (x >= 0) fm.set(k, x);
    }
    if (fm.size > 0) out.set(u, fm);
  }
  return out;
}

/** No write of the copied local `get.index` can run after `get` (see `forwarding`). */
function stable(get: Expr, st: Structure, writes: Expr[]): boolean {
  const loops: Expr[] = [];
  for (let p = st.parent(get); p !== null; p = st.parent(p)) if (p.op === O.loop) loops.push(p);
  const gid = st.id(get);
  for (const w of writes) {
    if (st.isAncestor(w, get) || st.id(w) > gid) return false;
    for (const l of loops) if (st.isAncestor(l, w)) return false;
  }
  return true;
}

/** Splits the carrier of `plan` (see the header). */
function rewrite(cx: PassContext, f: Func, plan: Plan, st: Structure, lg: LocalGraph, writes: Map<number, Expr[]>): boolean {
  const m = cx.module;
  const numParams = m.types[f.type].params.length;
  const base = numParams + f.locals.length;
  const added: number[] = [];
  const newLocal = () => {
    added.push(base + added.length);
    return base + added.length - 1;
  };
  const { layout } = plan;
  chooseDirty(plan);
  const forward = forwarding(plan, st, lg, writes);
  // a field gets a local when some read does not find it elsewhere
  const live = layout.fields.map(() => false);
  for (const u of plan.uses) {
    if (u.kind === 'drop') continue;
    const fm = forward.get(u);
    for (const k of fieldsRead(layout.toFields(u.view))) if (fm?.get(k) === undefined) live[k] = true;
  }
  layout.fields.forEach((fl, k) => { fl.local = live[k] ? newLocal() : -1; });

  const fx = cx.effects(f);
  const edits = new Edits();
  let before = 0, after = 0;
  const teeStmts = new Map<Expr, Expr[]>();
  for (const d of plan.defs) {
    if (d.node === null) continue;
    const stmts = defStatements(d, plan, newLocal, fx);
    before += d.before;
    const stop = new Set(d.leaves.map((l) => l.expr!));
    for (const s of stmts) after += cost(s, stop);
    if (d.node.op === O.local_tee) teeStmts.set(d.node, stmts);
    else edits.splice(st.list(d.node)!, st.index(d.node), stmts);
  }
  for (const u of plan.uses) {
    const pre = teeStmts.get(u.root) ?? [];
    const r = useReplacement(u, plan, pre, forward.get(u));
    before += u.before;
    const list = st.list(u.node)!;
    const i = st.index(u.node);
    if (Array.isArray(r)) {
      edits.splice(list, i, r);
    } else {
      const stop = new Set<Expr>(pre);
      if (u.kind === 'store') stop.add(u.node.kids[0]);
      after += cost(r, stop);
      edits.swap(list, i, r);
    }
  }
  if (after > before || (plan.width === 32 && after >= before)) return false;

  edits.apply();
  for (let i = 0; i < added.length; i++) f.locals.push(I32);
  // drop the carrier and renumber the locals after it
  const L = plan.carrier;
  f.locals.splice(L - numParams, 1);
  forEachExpr(cx.body(f).body, (e) => {
    if ((e.op === O.local_get || e.op === O.local_set || e.op === O.local_tee) && e.index > L) e.index--;
  });
  seamStats.carriers++;
  seamStats.fields += layout.fields.length;
  cx.changed(f);
  return true;
}

/** Makes a field dirty (bits above it unspecified) when that saves masks overall. */
function chooseDirty(plan: Plan): void {
  const { layout } = plan;
  const dummy: Reader = () => c32(0);
  const total = () => {
    let n = 0;
    for (const d of plan.defs) {
      if (d.node === null) continue;
      layout.fields.forEach((fl, k) => {
        n += cost(build(extract(d.view, fl.a, fl.b), fl.dirty ? fl.b - fl.a : 32, dummy), null);
        void k;
      });
    }
    for (const u of plan.uses) {
      if (u.kind === 'drop') continue;
      const fv = layout.toFields(u.view);
      const demand = u.kind === 'store' ? u.bits : 32;
      if (fv.width === 32) n += cost(build(fv, demand, dummy), null);
      else {
        n += cost(build(wrap(fv), 32, dummy), null);
        n += cost(build(wrap(shrU(fv, 32)), 32, dummy), null);
      }
    }
    return n;
  };
  let best = total();
  for (const fl of layout.fields) {
    if (fl.b - fl.a >= 32) continue;
    fl.dirty = true;
    const n = total();
    if (n < best) best = n;
    else fl.dirty = false;
  }
}

// ---- the pass ---------------------------------------------------------------------------------

/** Splits one carrier of `f`; true when it did. */
function splitOne(cx: PassContext, f: Func): boolean {
  const m = cx.module;
  const numParams = m.types[f.type].params.length;
  const root = cx.body(f); // decodes the locals too
  const types = m.localTypes(f);
  const sets = new Map<number, Expr[]>();
  const gets = new Map<number, Expr[]>();
  forEachExpr(root.body, (e) => {
    if (e.op === O.local_get) (gets.get(e.index) ?? gets.set(e.index, []).get(e.index)!).push(e);
    else if (e.op === O.local_set || e.op === O.local_tee) (sets.get(e.index) ?? sets.set(e.index, []).get(e.index)!).push(e);
  });
  let lg: LocalGraph | null = null;
  let st: Structure | null = null;
  let bitsOf: ((e: Expr) => KnownBits) | null = null;
  for (let L = numParams; L < types.length; L++) {
    const t = types[L];
    if (t !== I64 && t !== I32) continue;
    const gs = gets.get(L) ?? [];
    const ss = sets.get(L) ?? [];
    if (gs.length === 0 || ss.length === 0) continue;
    if (t === I32 && !looksPacked(ss)) continue;
    lg ??= cx.localGraph(f);
    st ??= cx.structure(f);
    if (bitsOf === null) {
      const facts = localFactsFromGraph(lg, numParams, (e, local) => knownBits(e, { local }));
      bitsOf = (e) => knownBits(e, { local: facts });
    }
    const graph = lg;
    const reachesEntry = gs.some((g) => graph.getSets(g).has(ENTRY));
    const plan = analyse(L, t === I64 ? 64 : 32, ss, gs, st, bitsOf, reachesEntry);
    if (plan === null) continue;
    if (rewrite(cx, f, plan, st, lg, sets)) return true;
  }
  return false;
}

/** An i32 local is worth a look when some definition packs (or, xor, shl, and at the top). */
function looksPacked(sets: Expr[]): boolean {
  return sets.some((s) => {
    const b = BASE[s.kids[0].op];
    return b === 'or' || b === 'xor' || b === 'shl' || b === 'and';
  });
}

// ---- flags: a field that is a constant on each path, tested after the merge -------------------

/** The value of `e` (an i32 expression of constants and reads of local `a`) when a == k; null if not evaluable. */
function evalWith(e: Expr, a: number, k: number, depth = 0): number | null {
  if (e.op === O.i32_const) return e.value as number;
  if (e.op === O.local_get) return e.index === a ? k : null;
  if (depth > 8 || widthOf(e) !== 32) return null;
  const info = OPS[e.op];
  if (info.params === null || info.effects !== 0 || e.kids.length !== info.params.length) return null;
  const args: number[] = [];
  for (const c of e.kids) {
    if (widthOf(c) !== 32) return null;
    const v = evalWith(c, a, k, depth + 1);
    if (v === null) return null;
    args.push(v);
  }
  const r = evalNumeric(e.op, args);
  return r !== null && 'value' in r ? (r.value as number) : null;
}

/**
 * Threads a flag: `(local.set $a K1) ... (block $B ... (local.set $a K2)) (if (cond $a) T E)`,
 * where $a is written nowhere else between the first set and the end of $B, and read only by
 * the condition. Branches to $B carry a == K1, falling off its end a == K2; so the arm each
 * path takes is known, and
 *   (block $out (block $B ... FA (br $out)) BA)
 * runs the fall-through arm FA where the second set was and the branch arm BA after $B, with
 * neither set nor test (branches to the if now leave $out). The dissolved `action` field of the
 * seam is such a flag: 1 on the waiter path, 0 on the others, tested right after the merge.
 */
function threadFlags(cx: PassContext, f: Func): boolean {
  const root = cx.body(f);
  const reads = new Map<number, number>();
  forEachExpr(root.body, (e) => { if (e.op === O.local_get) reads.set(e.index, (reads.get(e.index) ?? 0) + 1); });
  const fx = cx.effects(f);
  let changed = false;
  const lists = statementLists(root.body);
  for (const list of lists) {
    for (let i = 0; i + 1 < list.length; i++) {
      const b = list[i], iff = list[i + 1];
      if (b.op !== O.block || b.type.length !== 0 || b.params.length !== 0 || b.kids.length !== 0) continue;
      if (iff.op !== O.if || iff.type.length !== 0 || iff.params.length !== 0 || iff.kids.length !== 1) continue;
      const cond = iff.kids[0];
      let a = -1, n = 0, pure = true;
      forEachExpr([cond], (e) => {
        if (e.op === O.local_get) { if (a >= 0 && e.index !== a) pure = false; a = e.index; n++; }
      });
      if (!pure || a < 0 || reads.get(a) !== n) continue;
      const last = b.body[b.body.length - 1];
      if (last === undefined || last.op !== O.local_set || last.index !== a || last.kids[0].op !== O.i32_const) continue;
      let inside = 0;
      forEachExpr(b.body, (e) => { if ((e.op === O.local_set || e.op === O.local_tee) && e.index === a) inside++; });
      if (inside !== 1) continue;
      let j = i - 1;
      for (; j >= 0; j--) if (fx.get(list[j]).writesLocal(a)) break;
      if (j < 0) continue;
      const first = list[j];
      if (first.op !== O.local_set || first.index !== a || first.kids[0].op !== O.i32_const) continue;
      const k1 = evalWith(cond, a, first.kids[0].value as number);
      const k2 = evalWith(cond, a, last.kids[0].value as number);
      if (k1 === null || k2 === null) continue;
      const arm = (k: number) => (k !== 0 ? iff.body : iff.alt ?? []);
      const out = new Expr(O.block, NONE);
      out.index = -1;
      out.params = NONE;
      forEachExpr([...iff.body, ...(iff.alt ?? [])], (e) => {
        if (e.target === iff) e.target = out;
        if (e.targets !== null) for (let t = 0; t < e.targets.length; t++) if (e.targets[t] === iff) e.targets[t] = out;
      });
      if ((k1 !== 0) === (k2 !== 0)) {
        // both paths take the same arm: no test at all
        b.body.pop();
        out.body = arm(k1);
        list.splice(i + 1, 1, out);
      } else {
        const br = new Expr(O.br, NONE);
        br.target = out;
        b.body.splice(b.body.length - 1, 1, ...arm(k2), br);
        out.body = [b, ...arm(k1)];
        list.splice(i, 2, out);
      }
      list.splice(j, 1);
      seamStats.flags++;
      changed = true;
      break; // the list changed; the next run of the pass looks again
    }
    if (changed) break;
  }
  if (changed) cx.changed(f);
  return changed;
}

// ---- the decide's dispatch: br_table over selects of constants -------------------------------

/** An index expression: a constant, or select(a, b, cond) of index expressions. */
type IndexTree = { v: number } | { a: IndexTree; b: IndexTree; c: Expr };

/** The select tree of constants `e` is, with its conditions in evaluation order; null otherwise. */
function indexTree(e: Expr, conds: Expr[], depth = 0): IndexTree | null {
  if (e.op === O.i32_const) return { v: e.value as number };
  if ((e.op !== O.select && e.op !== O.select_t) || depth > 3 || widthOf(e) !== 32) return null;
  const a = indexTree(e.kids[0], conds, depth + 1);
  if (a === null) return null;
  const b = indexTree(e.kids[1], conds, depth + 1);
  if (b === null) return null;
  conds.push(e.kids[2]);
  return { a, b, c: e.kids[2] };
}

function indexValue(t: IndexTree, truth: Map<Expr, boolean>): number {
  while (!('v' in t)) t = truth.get(t.c) ? t.a : t.b;
  return t.v;
}

/** A small pure expression that may be evaluated again (cloned): local/global reads, constants, compares. */
function duplicable(e: Expr, fx: FunctionEffects): boolean {
  let n = 0;
  let ok = true;
  forEachExpr([e], (x) => {
    n++;
    if (x.body.length > 0 || x.alt !== null || x.target !== null || x.targets !== null) ok = false;
  });
  return ok && n <= 4 && !fx.get(e).hasSideEffects();
}

function clone(e: Expr): Expr {
  const c = new Expr(e.op, e.type, e.kids.map(clone));
  c.index = e.index;
  c.index2 = e.index2;
  c.offset = e.offset;
  c.align = e.align;
  c.value = e.value;
  c.params = e.params;
  return c;
}

/**
 * `br_table` on a select tree of constants (how a compiled `match` on two or three conditions
 * dispatches: `select(0, select(1, 2, c1), c2)`) becomes a decision tree of `if`/`br_if`/`br`
 * on the conditions, in their evaluation order: the first is evaluated once, as before; the
 * later ones, pure and tiny, are evaluated on each side (they were evaluated in any case).
 * Each path ends in a branch to the label the table picked for its index. A baseline compiler
 * turns the select chain and the table search into one compare-and-branch per condition, and
 * the conditions become path facts (`conditionFacts`).
 */
function lowerDispatch(cx: PassContext, f: Func): boolean {
  const root = cx.body(f);
  const fx = cx.effects(f);
  const found: [Expr[], number][] = [];
  const lists = statementLists(root.body);
  for (const list of lists) {
    list.forEach((e, i) => { if (e.op === O.br_table && e.kids.length === 1) found.push([list, i]); });
  }
  let changed = false;
  for (const [list, i] of found) {
    const bt = list[i];
    const conds: Expr[] = [];
    const tree = indexTree(bt.kids[0], conds);
    if (tree === null || 'v' in tree || conds.length > 3) continue;
    if (!conds.slice(1).every((c) => duplicable(c, fx))) continue;
    const targets = bt.targets!;
    const targetOf = (v: number) => targets[v >>> 0 < targets.length - 1 ? v >>> 0 : targets.length - 1];
    const br = (t: Expr) => { const b = new Expr(O.br, NONE); b.target = t; return b; };
    const truth = new Map<Expr, boolean>();
    const build = (level: number): Expr[] => {
      if (level === conds.length) return [br(targetOf(indexValue(tree, truth)))];
      const c = level === 0 ? conds[0] : clone(conds[level]);
      truth.set(conds[level], true);
      const yes = build(level + 1);
      truth.set(conds[level], false);
      const no = build(level + 1);
      truth.delete(conds[level]);
      if (yes.length === 1 && no.length === 1 && yes[0].op === O.br && no[0].op === O.br) {
        if (yes[0].target === no[0].target) return level === 0 ? [new Expr(O.drop, NONE, [c]), no[0]] : no;
        const bi = new Expr(O.br_if, NONE, [c]);
        bi.target = yes[0].target;
        return [bi, no[0]];
      }
      const iff = new Expr(O.if, NONE, [c]);
      iff.index = -1;
      iff.params = NONE;
      iff.body = yes;
      iff.alt = no;
      return [iff];
    };
    const out = build(0);
    list.splice(i, 1, ...out);
    seamStats.dispatches++;
    changed = true;
    break; // indices in this list moved: the pass runs the step again
  }
  if (changed) cx.changed(f);
  return changed;
}

// ---- path facts: what a condition says about a value it tested --------------------------------

/** An unsigned range of an i32 value and values it is known not to be. */
interface Range { lo: number; hi: number; not: readonly number[] }

function meet(a: Range, b: Range): Range {
  return { lo: Math.max(a.lo, b.lo), hi: Math.min(a.hi, b.hi), not: [...new Set([...a.not, ...b.not])] };
}

function hull(a: Range, b: Range): Range {
  return { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi), not: a.not.filter((x) => b.not.includes(x)) };
}

/** Facts: for a `local.tee` node, the range its value (at its last execution) is known to be in. */
type Facts = Map<Expr, Range>;

function joinFacts(a: Facts | null, b: Facts | null): Facts | null {
  if (a === null) return b;
  if (b === null) return a;
  const out: Facts = new Map();
  for (const [k, r] of a) {
    const s = b.get(k);
    if (s !== undefined) out.set(k, hull(r, s));
  }
  return out;
}

const CMP_KIND: Record<string, string> = { eq: 'eq', ne: 'ne', lt_u: 'lt_u', gt_u: 'gt_u', le_u: 'le_u', ge_u: 'ge_u' };
const NEGATE: Record<string, string> = { eq: 'ne', ne: 'eq', lt_u: 'ge_u', ge_u: 'lt_u', gt_u: 'le_u', le_u: 'gt_u' };
const SWAP: Record<string, string> = { eq: 'eq', ne: 'ne', lt_u: 'gt_u', gt_u: 'lt_u', le_u: 'ge_u', ge_u: 'le_u' };

/** The range `x op y` being true gives x, when y is the constant k (null: any value). */
function rangeOf(op: string, k: number | null): Range | null {
  const M = 0xffffffff;
  switch (op) {
    case 'eq': return k === null ? null : { lo: k, hi: k, not: [] };
    case 'ne': return k === null ? null : { lo: 0, hi: M, not: [k] };
    case 'lt_u': return k === null ? { lo: 0, hi: M - 1, not: [] } : k === 0 ? { lo: 1, hi: 0, not: [] } : { lo: 0, hi: k - 1, not: [] };
    case 'le_u': return k === null ? null : { lo: 0, hi: k, not: [] };
    case 'gt_u': return k === null ? { lo: 1, hi: M, not: [] } : k === M ? { lo: 1, hi: 0, not: [] } : { lo: k + 1, hi: M, not: [] };
    case 'ge_u': return k === null ? null : { lo: k, hi: M, not: [] };
  }
  return null;
}

/** What condition `c` being `truth` says about the tees it compares. */
function factsOf(c: Expr, truth: boolean, into: Facts): void {
  let e = c;
  let t = truth;
  while (e.op === EQZ) { e = e.kids[0]; t = !t; }
  const add = (tee: Expr, r: Range | null) => {
    if (r === null) return;
    const old = into.get(tee);
    into.set(tee, old === undefined ? r : meet(old, r));
  };
  if (e.op === O.local_tee && widthOf(e) === 32) {
    add(e, t ? { lo: 1, hi: 0xffffffff, not: [] } : { lo: 0, hi: 0, not: [] });
    return;
  }
  const base = BASE[e.op];
  if (WIDTH[e.op] !== 32 || base === undefined || CMP_KIND[base] === undefined) return;
  const op = t ? base : NEGATE[base];
  const [x, y] = e.kids;
  const kx = x.op === O.i32_const ? (x.value as number) >>> 0 : null;
  const ky = y.op === O.i32_const ? (y.value as number) >>> 0 : null;
  if (x.op === O.local_tee) add(x, rangeOf(op, ky));
  if (y.op === O.local_tee) add(y, rangeOf(SWAP[op], kx));
}

/** 1/0 when `get op k` is decided by the range of the get's value, else null. */
function decideRange(r: Range, op: string, k: number): number | null {
  const empty = r.lo > r.hi;
  if (empty) return null; // an impossible path: leave it to dead-code removal
  switch (op) {
    case 'eq':
      if (k < r.lo || k > r.hi || r.not.includes(k)) return 0;
      return r.lo === r.hi ? 1 : null;
    case 'ne': {
      const d = decideRange(r, 'eq', k);
      return d === null ? null : 1 - d;
    }
    case 'lt_u': return r.hi < k ? 1 : r.lo >= k ? 0 : null;
    case 'le_u': return r.hi <= k ? 1 : r.lo > k ? 0 : null;
    case 'gt_u': return r.lo > k ? 1 : r.hi <= k ? 0 : null;
    case 'ge_u': return r.lo >= k ? 1 : r.hi < k ? 0 : null;
  }
  return null;
}

/**
 * Path facts: walks the function in execution order with the facts the conditions on the way
 * establish (then-arm: the `if` condition held; after a `br_if`: it did not; at a label: what
 * holds on every edge into it; a `br_table` target: what its index values imply about a select
 * tree index; inside a loop: nothing from before it). A fact is about the value a
 * `local.tee` wrote while the condition was evaluated, so it holds for any later
 * `local.get` whose only reaching definition is that tee (the value cannot have changed without
 * evaluating the condition again, which re-establishes the facts). A comparison of such a get
 * with a constant that the facts decide becomes that constant: in the seam,
 * `count <u limit` on the path that increments makes the overflow check `count == -1` false.
 */
function conditionFacts(cx: PassContext, f: Func): boolean {
  const root = cx.body(f);
  const lg = cx.localGraph(f);
  const edges = new Map<Expr, Facts | null>(); // label -> join of the facts on branches to it
  const elseFacts = new Map<Expr, Facts | null>();
  const thenEnd = new Map<Expr, Facts | null>();
  let cur: Facts | null = new Map();
  const branch = (label: Expr, facts: Facts | null) => {
    if (label.op === O.loop || facts === null) return;
    edges.set(label, edges.has(label) ? joinFacts(edges.get(label)!, facts) : facts);
  };
  const withFact = (facts: Facts | null, c: Expr, truth: boolean): Facts | null => {
    if (facts === null) return null;
    const out: Facts = new Map(facts);
    factsOf(c, truth, out);
    return out;
  };
  const decided: [Expr[], number, number][] = [];
  const tryDecide = (e: Expr, list: Expr[], index: number) => {
    if (cur === null || cur.size === 0) return;
    let op: string | undefined;
    let g: Expr, k: number;
    if (e.op === EQZ) { op = 'eq'; g = e.kids[0]; k = 0; }
    else {
      const base = BASE[e.op];
      if (WIDTH[e.op] !== 32 || base === undefined || CMP_KIND[base] === undefined) return;
      const [x, y] = e.kids;
      if (y.op === O.i32_const) { op = base; g = x; k = (y.value as number) >>> 0; }
      else if (x.op === O.i32_const) { op = SWAP[base]; g = y; k = (x.value as number) >>> 0; }
      else return;
    }
    if (g.op !== O.local_get) return;
    const def = lg.soleSet(g);
    if (def === null || def.op !== O.local_tee) return;
    const r = cur.get(def);
    if (r === undefined) return;
    const d = decideRange(r, op, k);
    if (d !== null) decided.push([list, index, d]);
  };
  walkExecution(root, {
    visit(e, list, index) {
      tryDecide(e, list, index);
      if (e.op === O.br) { branch(e.target!, cur); cur = null; }
      else if (e.op === O.br_if) {
        branch(e.target!, withFact(cur, e.kids[e.kids.length - 1], true));
        cur = withFact(cur, e.kids[e.kids.length - 1], false);
      } else if (e.op === O.br_table) {
        const conds: Expr[] = [];
        const tree = e.kids.length === 1 ? indexTree(e.kids[0], conds) : null;
        const ts = e.targets!;
        const byTarget = new Map<Expr, Facts | null>();
        if (tree !== null && conds.length <= 4 && cur !== null) {
          // every assignment of the conditions: its index picks a target; its facts go there
          for (let m = 0; m < 1 << conds.length; m++) {
            const truth = new Map<Expr, boolean>();
            let facts: Facts | null = cur;
            conds.forEach((c, j) => { truth.set(c, (m >> j & 1) === 1); facts = withFact(facts, c, (m >> j & 1) === 1); });
            const v = indexValue(tree, truth) >>> 0;
            const t = ts[v < ts.length - 1 ? v : ts.length - 1];
            byTarget.set(t, byTarget.has(t) ? joinFacts(byTarget.get(t)!, facts) : facts);
          }
          for (const [t, fs] of byTarget) branch(t, fs);
        } else {
          for (const t of new Set(ts)) branch(t, cur);
        }
        cur = null;
      } else if ((OPS[e.op].effects & Eff.noFallThrough) !== 0) {
        cur = null; // never falls through (return, unreachable, tail calls)
      }
    },
    enter(e) {
      if (e.op === O.loop) { cur = cur === null ? null : new Map(); return; }
      if (e.op === O.if) {
        const c = e.kids[e.kids.length - 1];
        elseFacts.set(e, withFact(cur, c, false));
        cur = withFact(cur, c, true);
      }
    },
    enterElse(e) {
      thenEnd.set(e, cur);
      cur = elseFacts.get(e)!;
    },
    leave(e) {
      if (e.op === O.loop) return;
      let end: Facts | null = cur;
      if (e.op === O.if) end = e.alt !== null ? joinFacts(thenEnd.get(e)!, cur) : joinFacts(cur, elseFacts.get(e)!);
      if (edges.has(e)) end = joinFacts(end, edges.get(e)!);
      cur = end;
    },
  });
  if (decided.length === 0) return false;
  for (const [list, index, d] of decided) list[index] = c32(d);
  seamStats.facts += decided.length;
  cx.changed(f);
  return true;
}

function run(cx: PassContext, f: Func): boolean {
  if (f.hasPops) return false;
  let changed = narrowLocals(cx, f);
  for (let i = 0; i < MAX_SPLITS; i++) {
    if (!splitOne(cx, f)) break;
    changed = true;
    narrowLocals(cx, f);
  }
  for (let i = 0; i < MAX_SPLITS && lowerDispatch(cx, f); i++) changed = true;
  if (conditionFacts(cx, f)) changed = true;
  for (let i = 0; i < MAX_SPLITS && threadFlags(cx, f); i++) changed = true;
  return changed;
}

export const seamSroa: FunctionPass = {
  name: 'seam-sroa',
  description: 'split packed-integer carrier locals into one i32 local per field; lower select-tree br_table dispatch, fold decided conditions, thread flags',
  scope: 'function',
  run,
};
