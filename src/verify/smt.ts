// The SMT encoding of function bodies, for translation validation (verify/translation-validation.ts).
//
// A function body (an expression tree, ir/expr.ts) is executed symbolically into bit-vector
// terms: one pass over the tree in execution order, with a path condition `pc` and one machine
// state (locals, mutable globals, memories, memory sizes, the world); control-flow joins merge
// the states of the edges that reach a label with if-then-else terms (no path enumeration, so
// the formula grows linearly with the code). The result is an `Outcome`: how the function ends
// (returns, or which trap) and, at that point, its results, globals, memories, memory sizes and
// world. Two outcomes over the same inputs are compared by `equivalence`.
//
// The model, and what it abstracts:
//
// - Exact: i32/i64 arithmetic, comparisons, shifts, rotations, clz/ctz/popcnt, extensions and
//   wrap, select, locals, globals, structured acyclic control flow (block, if, br, br_if,
//   br_table, return; a `loop` no branch targets is a block), and traps as outcomes with their
//   kind: unreachable, integer divide by zero, integer overflow, out-of-bounds memory access,
//   invalid conversion to integer. A trap ends the function with the memory and globals of that
//   moment, which the host can see, so a store moved across a trapping instruction is caught.
// - Linear memory: an SMT array from 32-bit addresses to bytes per memory, loads and stores of
//   every width little-endian, byte by byte. The size in pages is a free input (between the
//   declared minimum and maximum); an access traps iff its effective address + width exceeds
//   size * 65536 (computed in 64 bits). memory.fill/copy/init of a constant length up to 64 are
//   exact store chains; of other lengths, an uninterpreted function of their operands at the
//   first level and an exact array lambda at the second. memory.grow may fail for reasons
//   outside the module (the host): whether it succeeds is an uninterpreted function of the
//   world; when it does, the size grows and the new pages are 0.
// - Tables are arrays of references with a size, like memories (table.get/set/size/grow/fill/
//   copy/init); data and element segments have unknown contents (the same on both sides) and a
//   dropped flag in the state (data.drop, elem.drop); call_indirect is a call whose callee the
//   world and the table decide.
// - Calls (imports, call_indirect, and defined functions at the first level) are uninterpreted:
//   a call maps (callee, world, the whole module state: mutable globals, memories and their
//   sizes, tables and their sizes, segment dropped flags; arguments) to a new world, and the
//   results, the trap kind (0 = returned; a callee's trap or non-termination is an outcome of
//   its own) and the module state after the call are uninterpreted functions of that new world.
//   Two calls agree only when they are the same callee with the same arguments in the same
//   state, in the same order (the world is threaded), so the call sequence is compared. At the
//   second level, calls to defined functions that are loop-free are encoded by executing the
//   callee's body (so the inliner's changes are proven); others stay uninterpreted. Module
//   invariants (Inputs.invariants: a private global's alignment) are assumed at entry and
//   after a call that started in a state where they hold.
// - Floats are bit patterns (BV32/BV64). abs, neg, copysign, reinterpret, loads, stores,
//   constants and select are exact bit operations at every level. At the first level every
//   other float instruction (arithmetic, comparisons, conversions, truncations and their traps)
//   is an uninterpreted function of its operands' bits. What this implies: at that level a
//   change is proven only if, wherever it touches float code, both sides apply the same float
//   instructions, in the same data flow, to operands that are provably the same bits — the
//   float computation must be syntactically identical up to equal operands (integer code,
//   locals, control flow and the order of independent operations around it may change
//   freely). Any other change to float code (a < b -> b > a, trunc(convert(x)) -> x) gets no
//   proof there; it goes to the second level, where floats use the SMT floating-point theory
//   (IEEE 754 binary32/64, round to nearest even): comparisons, min/max (with wasm's -0 < +0),
//   rounding, conversions, trapping and saturating truncations are exact; a NaN result is an
//   uninterpreted NaN-valued function of the instruction and its operand bits (wasm makes NaN
//   bits nondeterministic; this demands both sides produce the same NaN from the same
//   computation, so x * 1.0 -> x or x + -0.0 -> x, which can change NaN bits, are not proven).
// - References (funcref/externref) are opaque 32-bit values: null is 0, ref.func is a constant
//   per function.
// - Stack code that is not a tree (`pop` operands, values left below a statement, multi-value
//   blocks and calls) is executed on the same value stack as everything else.
// - Unsupported (the function is not verified): loops that loop (a branch to a loop label),
//   SIMD except v128 constants/loads/stores/locals, atomics, formulas over 400,000 terms.
//
// The terms are hash-consed and simplified on construction (constant folding, x == x, store/
// select forwarding between addresses base+k with different k, ...), so the parts of the two
// functions a pass did not change become the same terms, and the query often reduces to
// `false` before a solver is involved. Nothing here recurses on the tree or on terms (except
// the short bodies of memory lambdas).

import { Expr, labelTypes } from '../ir/expr.js';
import type { ConstExpr, Limits } from '../ir/module.js';
import { accessBits, O, OPS, op as opId } from '../ir/opcodes.js';
import { EXTERNREF, F32, F64, FUNCREF, I32, I64, V128, type FuncType, type Type, type ValType } from '../ir/types.js';
import { f32ToBits, f64ToBits } from '../ir/eval.js';

// ---- sorts and terms ---------------------------------------------------------------------------

/** A sort: > 0 a bit-vector of that width, else one of the constants below. */
export type Sort = number;
export const BOOL: Sort = 0;
export const MEM: Sort = -1;
export const WORLD: Sort = -2;
export const FP32: Sort = -3;
export const FP64: Sort = -4;
export const RMODE: Sort = -5;
/** A table: 32-bit indices to references (opaque 32-bit values). */
export const TABLE: Sort = -6;

export function sortText(s: Sort): string {
  if (s > 0) return `(_ BitVec ${s})`;
  switch (s) {
    case BOOL: return 'Bool';
    case MEM: return '(Array (_ BitVec 32) (_ BitVec 8))';
    case WORLD: return 'World';
    case FP32: return '(_ FloatingPoint 8 24)';
    case FP64: return '(_ FloatingPoint 11 53)';
    case RMODE: return 'RoundingMode';
    case TABLE: return '(Array (_ BitVec 32) (_ BitVec 32))';
  }
  throw new Error(`bad sort ${s}`);
}

/**
 * A hash-consed term. `op` is 'const' (bit-vector constant `v`), 'true', 'false', 'var' (a free
 * constant `name`), 'app' (uninterpreted function `name` applied to `args`), 'bvar' (a lambda's
 * bound variable), 'sym' (a rounding mode `name`), or an SMT-LIB function; indexed functions
 * (extract, zero_extend, to_fp ...) keep their printed head in `name` and indices in `i`, `j`.
 */
export class Term {
  constructor(
    readonly id: number,
    readonly op: string,
    readonly sort: Sort,
    readonly args: readonly Term[],
    readonly v: bigint,
    readonly name: string,
    readonly i: number,
    readonly j: number,
    /** Mentions a lambda-bound variable (printed inline inside its lambda). */
    readonly bound: boolean,
  ) {}
}

/** Thrown when the encoding is not possible (a construct outside the model, or too big). */
export class Unsupported extends Error {}

const mask = (w: number): bigint => (1n << BigInt(w)) - 1n;
const toSigned = (v: bigint, w: number): bigint => (v >> BigInt(w - 1) ? v - (1n << BigInt(w)) : v);

/**
 * The term factory: hash-consing plus local simplifications. Every simplification is an
 * identity of the SMT-LIB semantics (checked against Z3 in test/verify.test.js).
 */
export class Smt {
  /** Fold and simplify (off only in tests that compare folded and unfolded terms). */
  fold = true;
  private table = new Map<string, Term>();
  private nextId = 1;
  /** Declared constants and uninterpreted functions: name -> signature. */
  readonly decls = new Map<string, { args: Sort[]; ret: Sort }>();
  readonly T: Term;
  readonly F: Term;

  constructor(readonly maxTerms = 400_000) {
    this.T = this.mk('true', BOOL, []);
    this.F = this.mk('false', BOOL, []);
  }

  get size(): number {
    return this.nextId;
  }

  /** The hash-consed node (no simplification). */
  mk(op: string, sort: Sort, args: readonly Term[], name = '', i = 0, j = 0, v = 0n): Term {
    let key = `${op}|${name}|${i}|${j}|${v}|${sort}`;
    for (const a of args) key += `,${a.id}`;
    let t = this.table.get(key);
    if (t === undefined) {
      if (this.nextId > this.maxTerms) throw new Unsupported(`formula too large (more than ${this.maxTerms} terms)`);
      let bound = op === 'bvar';
      for (const a of args) if (a.bound) bound = true;
      if (op === 'lambda') bound = false;
      t = new Term(this.nextId++, op, sort, args, v, name, i, j, bound);
      this.table.set(key, t);
    }
    return t;
  }

  private declare(name: string, args: Sort[], ret: Sort): void {
    const d = this.decls.get(name);
    if (d === undefined) this.decls.set(name, { args, ret });
    else if (d.ret !== ret || d.args.length !== args.length || d.args.some((s, k) => s !== args[k])) {
      throw new Error(`internal: ${name} declared with two signatures`);
    }
  }

  // ---- leaves ----

  bv(v: bigint | number, w: number): Term {
    return this.mk('const', w, [], '', 0, 0, BigInt.asUintN(w, BigInt(v)));
  }
  bool(b: boolean): Term {
    return b ? this.T : this.F;
  }
  var(name: string, sort: Sort): Term {
    this.declare(name, [], sort);
    return this.mk('var', sort, [], name);
  }
  app(name: string, args: Term[], sort: Sort): Term {
    this.declare(name, args.map((a) => a.sort), sort);
    return this.mk('app', sort, args, name);
  }
  sym(name: string): Term {
    return this.mk('sym', RMODE, [], name);
  }
  /** λ a. body(a) over 32-bit addresses: an array of bytes (memory) or of references (table). */
  lambda(body: (a: Term) => Term): Term {
    const a = this.mk('bvar', 32, [], `lb${this.nextId}`);
    const v = body(a);
    return this.mk('lambda', v.sort === 8 ? MEM : TABLE, [a, v]);
  }

  // ---- Boolean ----

  not(a: Term): Term {
    if (!this.fold) return this.mk('not', BOOL, [a]);
    if (a === this.T) return this.F;
    if (a === this.F) return this.T;
    if (a.op === 'not') return a.args[0];
    return this.mk('not', BOOL, [a]);
  }

  private nary(op: 'and' | 'or', xs: Term[]): Term {
    if (!this.fold) return xs.length === 0 ? this.bool(op === 'and') : xs.length === 1 ? xs[0] : this.mk(op, BOOL, xs);
    const unit = op === 'and' ? this.T : this.F;
    const zero = op === 'and' ? this.F : this.T;
    const seen = new Map<number, Term>();
    const stack = xs.slice();
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (x === unit) continue;
      if (x === zero) return zero;
      if (x.op === op) {
        for (const y of x.args) stack.push(y);
        continue;
      }
      seen.set(x.id, x);
    }
    for (const x of seen.values()) if (x.op === 'not' && seen.has(x.args[0].id)) return zero;
    if (seen.size === 0) return unit;
    const list = [...seen.values()].sort((p, q) => p.id - q.id);
    if (list.length === 1) return list[0];
    // (a & c) | (a & !c) == a, the join of the two arms of an if
    if (op === 'or' && list.length === 2) {
      const [p, q] = list;
      const common = this.splitComplement(p, q);
      if (common !== null) return common;
    }
    return this.mk(op, BOOL, list);
  }

  /** If p = and(A..., c) and q = and(A..., not c), returns and(A...); else null. */
  private splitComplement(p: Term, q: Term): Term | null {
    const ps = p.op === 'and' ? p.args : [p];
    const qs = q.op === 'and' ? q.args : [q];
    if (ps.length !== qs.length) return null;
    const qset = new Set(qs.map((x) => x.id));
    const onlyP = ps.filter((x) => !qset.has(x.id));
    if (onlyP.length !== 1) return null;
    const pset = new Set(ps.map((x) => x.id));
    const onlyQ = qs.filter((x) => !pset.has(x.id));
    if (onlyQ.length !== 1) return null;
    const a = onlyP[0], b = onlyQ[0];
    if (!((a.op === 'not' && a.args[0] === b) || (b.op === 'not' && b.args[0] === a))) return null;
    return this.and(...ps.filter((x) => x !== a));
  }

  and(...xs: Term[]): Term {
    return this.nary('and', xs);
  }
  or(...xs: Term[]): Term {
    return this.nary('or', xs);
  }
  implies(a: Term, b: Term): Term {
    return this.or(this.not(a), b);
  }

  ite(c: Term, a: Term, b: Term): Term {
    if (!this.fold) return this.mk('ite', a.sort, [c, a, b]);
    if (c === this.T) return a;
    if (c === this.F) return b;
    if (a === b) return a;
    if (c.op === 'not') return this.ite(c.args[0], b, a);
    if (a.sort === BOOL) {
      if (a === this.T) return this.or(c, b);
      if (a === this.F) return this.and(this.not(c), b);
      if (b === this.T) return this.or(this.not(c), a);
      if (b === this.F) return this.and(c, a);
    }
    if (a.op === 'ite' && a.args[0] === c) return this.ite(c, a.args[1], b);
    if (b.op === 'ite' && b.args[0] === c) return this.ite(c, a, b.args[2]);
    return this.mk('ite', a.sort, [c, a, b]);
  }

  eq(a: Term, b: Term): Term {
    if (a.sort !== b.sort) throw new Error(`internal: = of sorts ${a.sort} and ${b.sort}`);
    if (!this.fold) return this.mk('=', BOOL, [a, b]);
    if (a === b) return this.T;
    if (a.op === 'const' && b.op === 'const') return this.bool(a.v === b.v);
    if (a.sort === BOOL) {
      if (a === this.T) return b;
      if (b === this.T) return a;
      if (a === this.F) return this.not(b);
      if (b === this.F) return this.not(a);
    }
    if (b.op === 'ite' && a.op === 'const') [a, b] = [b, a];
    if (a.op === 'ite' && b.op === 'const') {
      const [c, x, y] = a.args;
      if (x.op === 'const' && y.op === 'const') {
        const ex = x.v === b.v, ey = y.v === b.v;
        return ex ? (ey ? this.T : c) : ey ? this.not(c) : this.F;
      }
    }
    if (a.id > b.id) [a, b] = [b, a];
    return this.mk('=', BOOL, [a, b]);
  }

  // ---- bit-vectors ----

  private isConst(t: Term, v?: bigint): boolean {
    return t.op === 'const' && (v === undefined || t.v === v);
  }

  private bin(op: string, a: Term, b: Term): Term {
    if (a.sort !== b.sort || a.sort <= 0) throw new Error(`internal: ${op} of sorts ${a.sort} and ${b.sort}`);
    return this.mk(op, a.sort, [a, b]);
  }

  bvadd(a: Term, b: Term): Term {
    if (!this.fold) return this.bin('bvadd', a, b);
    const w = a.sort;
    if (a.op === 'const') [a, b] = [b, a];
    if (b.op === 'const') {
      if (a.op === 'const') return this.bv(a.v + b.v, w);
      if (b.v === 0n) return a;
      if (a.op === 'bvadd' && a.args[1].op === 'const') return this.bvadd(a.args[0], this.bv(a.args[1].v + b.v, w));
      return this.bin('bvadd', a, b);
    }
    if (a.id > b.id) [a, b] = [b, a];
    return this.bin('bvadd', a, b);
  }

  bvsub(a: Term, b: Term): Term {
    if (!this.fold) return this.bin('bvsub', a, b);
    if (a === b) return this.bv(0, a.sort);
    if (b.op === 'const') return this.bvadd(a, this.bv(-b.v, a.sort));
    return this.bin('bvsub', a, b);
  }

  bvmul(a: Term, b: Term): Term {
    if (!this.fold) return this.bin('bvmul', a, b);
    const w = a.sort;
    if (a.op === 'const') [a, b] = [b, a];
    if (b.op === 'const') {
      if (a.op === 'const') return this.bv(a.v * b.v, w);
      if (b.v === 0n) return b;
      if (b.v === 1n) return a;
      return this.bin('bvmul', a, b);
    }
    if (a.id > b.id) [a, b] = [b, a];
    return this.bin('bvmul', a, b);
  }

  /** bvand/bvor/bvxor with their identities. */
  private logic(op: 'bvand' | 'bvor' | 'bvxor', a: Term, b: Term): Term {
    if (!this.fold) return this.bin(op, a, b);
    const w = a.sort, ones = mask(w);
    if (a.op === 'const') [a, b] = [b, a];
    if (a.op === 'const') {
      const v = op === 'bvand' ? a.v & b.v : op === 'bvor' ? a.v | b.v : a.v ^ b.v;
      return this.bv(v, w);
    }
    if (a === b) return op === 'bvxor' ? this.bv(0, w) : a;
    if (b.op === 'const') {
      if (b.v === 0n) return op === 'bvand' ? b : a;
      if (b.v === ones && op !== 'bvxor') return op === 'bvand' ? a : b;
      return this.bin(op, a, b);
    }
    if (a.id > b.id) [a, b] = [b, a];
    return this.bin(op, a, b);
  }
  bvand(a: Term, b: Term): Term {
    return this.logic('bvand', a, b);
  }
  bvor(a: Term, b: Term): Term {
    return this.logic('bvor', a, b);
  }
  bvxor(a: Term, b: Term): Term {
    return this.logic('bvxor', a, b);
  }

  bvnot(a: Term): Term {
    if (this.fold && a.op === 'const') return this.bv(~a.v, a.sort);
    return this.mk('bvnot', a.sort, [a]);
  }
  bvneg(a: Term): Term {
    if (this.fold && a.op === 'const') return this.bv(-a.v, a.sort);
    return this.mk('bvneg', a.sort, [a]);
  }

  private shift(op: 'bvshl' | 'bvlshr' | 'bvashr', a: Term, b: Term): Term {
    if (!this.fold) return this.bin(op, a, b);
    const w = a.sort;
    if (b.op === 'const') {
      if (b.v === 0n) return a;
      if (b.v >= BigInt(w)) {
        if (op !== 'bvashr') return this.bv(0, w);
        if (a.op === 'const') return this.bv(toSigned(a.v, w) < 0n ? -1n : 0n, w);
      } else if (a.op === 'const') {
        const k = b.v;
        const v = op === 'bvshl' ? a.v << k : op === 'bvlshr' ? a.v >> k : toSigned(a.v, w) >> k;
        return this.bv(v, w);
      }
    }
    return this.bin(op, a, b);
  }
  bvshl(a: Term, b: Term): Term {
    return this.shift('bvshl', a, b);
  }
  bvlshr(a: Term, b: Term): Term {
    return this.shift('bvlshr', a, b);
  }
  bvashr(a: Term, b: Term): Term {
    return this.shift('bvashr', a, b);
  }

  /** Division and remainder; folded only for constant operands with a nonzero divisor. */
  private div(op: 'bvudiv' | 'bvurem' | 'bvsdiv' | 'bvsrem', a: Term, b: Term): Term {
    if (this.fold && a.op === 'const' && b.op === 'const' && b.v !== 0n) {
      const w = a.sort;
      switch (op) {
        case 'bvudiv': return this.bv(a.v / b.v, w);
        case 'bvurem': return this.bv(a.v % b.v, w);
        case 'bvsdiv': return this.bv(toSigned(a.v, w) / toSigned(b.v, w), w);
        case 'bvsrem': return this.bv(toSigned(a.v, w) % toSigned(b.v, w), w);
      }
    }
    if (this.fold && b.op === 'const' && b.v === 1n && (op === 'bvudiv' || op === 'bvsdiv')) return a;
    return this.bin(op, a, b);
  }
  bvudiv(a: Term, b: Term): Term {
    return this.div('bvudiv', a, b);
  }
  bvurem(a: Term, b: Term): Term {
    return this.div('bvurem', a, b);
  }
  bvsdiv(a: Term, b: Term): Term {
    return this.div('bvsdiv', a, b);
  }
  bvsrem(a: Term, b: Term): Term {
    return this.div('bvsrem', a, b);
  }

  /** bvult/bvule/bvslt/bvsle. */
  cmp(op: 'bvult' | 'bvule' | 'bvslt' | 'bvsle', a: Term, b: Term): Term {
    if (a.sort !== b.sort || a.sort <= 0) throw new Error(`internal: ${op} of sorts ${a.sort} and ${b.sort}`);
    if (!this.fold) return this.mk(op, BOOL, [a, b]);
    if (a === b) return this.bool(op === 'bvule' || op === 'bvsle');
    if (a.op === 'const' && b.op === 'const') {
      const w = a.sort;
      const x = op === 'bvslt' || op === 'bvsle' ? toSigned(a.v, w) : a.v;
      const y = op === 'bvslt' || op === 'bvsle' ? toSigned(b.v, w) : b.v;
      return this.bool(op === 'bvult' || op === 'bvslt' ? x < y : x <= y);
    }
    return this.mk(op, BOOL, [a, b]);
  }

  extract(hi: number, lo: number, x: Term): Term {
    const w = x.sort;
    if (hi >= w || lo < 0 || hi < lo) throw new Error(`internal: extract ${hi} ${lo} of width ${w}`);
    const n = hi - lo + 1;
    if (this.fold) {
      if (n === w) return x;
      if (x.op === 'const') return this.bv(x.v >> BigInt(lo), n);
      if (x.op === 'extract') return this.extract(hi + x.j, lo + x.j, x.args[0]);
      if (x.op === 'concat') {
        const [p, q] = x.args; // p high, q low
        const wq = q.sort;
        if (hi < wq) return this.extract(hi, lo, q);
        if (lo >= wq) return this.extract(hi - wq, lo - wq, p);
      }
      if (x.op === 'zero_extend' || x.op === 'sign_extend') {
        const inner = x.args[0];
        const wi = inner.sort;
        if (hi < wi) return this.extract(hi, lo, inner);
        if (x.op === 'zero_extend' && lo >= wi) return this.bv(0, n);
      }
    }
    return this.mk('extract', n, [x], `(_ extract ${hi} ${lo})`, hi, lo);
  }

  concat(a: Term, b: Term): Term {
    if (a.sort <= 0 || b.sort <= 0) throw new Error('internal: concat of non-bit-vectors');
    const w = a.sort + b.sort;
    if (this.fold) {
      if (a.op === 'const' && b.op === 'const') return this.bv((a.v << BigInt(b.sort)) | b.v, w);
      // extract(h, m+1, x) ++ extract(m, l, x) == extract(h, l, x)
      if (a.op === 'extract' && b.op === 'extract' && a.args[0] === b.args[0] && a.j === b.i + 1) {
        return this.extract(a.i, b.j, a.args[0]);
      }
    }
    return this.mk('concat', w, [a, b]);
  }

  zext(k: number, x: Term): Term {
    if (this.fold) {
      if (k === 0) return x;
      if (x.op === 'const') return this.bv(x.v, x.sort + k);
    }
    return this.mk('zero_extend', x.sort + k, [x], `(_ zero_extend ${k})`, k);
  }

  sext(k: number, x: Term): Term {
    if (this.fold) {
      if (k === 0) return x;
      if (x.op === 'const') return this.bv(toSigned(x.v, x.sort), x.sort + k);
    }
    return this.mk('sign_extend', x.sort + k, [x], `(_ sign_extend ${k})`, k);
  }

  // ---- arrays ----

  /** True when the 32-bit addresses a and b are different for every input. */
  private differ(a: Term, b: Term): boolean {
    const split = (t: Term): [Term | null, bigint] =>
      t.op === 'const' ? [null, t.v] : t.op === 'bvadd' && t.args[1].op === 'const' ? [t.args[0], t.args[1].v] : [t, 0n];
    const [ba, ka] = split(a);
    const [bb, kb] = split(b);
    return ba === bb && ka !== kb;
  }

  select(m: Term, a: Term): Term {
    if (this.fold) {
      for (let n = 0; n < 4096 && m.op === 'store'; n++) {
        const [inner, addr, val] = m.args;
        if (addr === a) return val;
        if (!this.differ(addr, a)) break;
        m = inner;
      }
    }
    return this.mk('select', m.sort === TABLE ? 32 : 8, [m, a]);
  }

  store(m: Term, a: Term, v: Term): Term {
    return this.mk('store', m.sort, [m, a, v]);
  }

  // ---- floating point (second level) ----

  /** The float with bits `x` (a reinterpretation, `(_ to_fp e s)` of one bit-vector). */
  fp(x: Term): Term {
    if (this.fold) {
      // the float of its own bits is itself (the FP sort has one NaN)
      if (x.op === 'fp.to_ieee_bv') return x.args[0];
      if (x.op === 'ite' && (x.args[1].op === 'fp.to_ieee_bv' || x.args[2].op === 'fp.to_ieee_bv')) {
        return this.ite(x.args[0], this.fp(x.args[1]), this.fp(x.args[2]));
      }
    }
    return x.sort === 32 ? this.mk('to_fp', FP32, [x], '(_ to_fp 8 24)') : this.mk('to_fp', FP64, [x], '(_ to_fp 11 53)');
  }
  fpop(op: string, sort: Sort, args: Term[]): Term {
    return this.mk(op, sort, args);
  }
  indexed(op: string, head: string, sort: Sort, args: Term[]): Term {
    return this.mk(op, sort, args, head);
  }
}

/** Names of the free constants a term mentions. */
export function varsOf(t: Term): Set<string> {
  const out = new Set<string>();
  const seen = new Set<number>();
  const stack = [t];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (seen.has(x.id)) continue;
    seen.add(x.id);
    if (x.op === 'var') out.add(x.name);
    for (const a of x.args) stack.push(a);
  }
  return out;
}

// ---- printing SMT-LIB -----------------------------------------------------------------------

function bvText(v: bigint, w: number): string {
  if (w % 4 === 0) return `#x${v.toString(16).padStart(w / 4, '0')}`;
  return `#b${v.toString(2).padStart(w, '0')}`;
}

function symbol(name: string): string {
  return `|${name.replace(/[|\\]/g, '_')}|`;
}

/**
 * SMT-LIB 2 text asserting every term of `asserts`, with `named` terms bound to declared
 * constants (so a model gives their values). Each compound term is one `define-fun` (no deep
 * nesting for the parser); terms under a lambda are printed inline in it.
 */
export function toSmtLib(b: Smt, asserts: Term[], named: [string, Term][] = []): { text: string; names: string[]; floats: boolean } {
  const order: Term[] = [];
  const seen = new Set<number>();
  const roots = [...asserts, ...named.map(([, t]) => t)];
  // iterative post-order
  const stack: [Term, number][] = roots.map((t) => [t, 0]);
  stack.reverse();
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, k] = top;
    if (k === 0 && seen.has(t.id)) {
      stack.pop();
      continue;
    }
    if (k < t.args.length) {
      top[1]++;
      const c = t.args[k];
      if (!seen.has(c.id)) stack.push([c, 0]);
      continue;
    }
    stack.pop();
    if (!seen.has(t.id)) {
      seen.add(t.id);
      order.push(t);
    }
  }
  const lines: string[] = ['(set-logic ALL)'];
  let world = false;
  for (const t of order) if (t.sort === WORLD) world = true;
  for (const d of b.decls.values()) if (d.ret === WORLD || d.args.includes(WORLD)) world = true;
  if (world) lines.push('(declare-sort World 0)');
  const usedDecls = new Set<string>();
  for (const t of order) if (t.op === 'var' || t.op === 'app') usedDecls.add(t.name);
  for (const name of usedDecls) {
    const d = b.decls.get(name)!;
    lines.push(`(declare-fun ${symbol(name)} (${d.args.map(sortText).join(' ')}) ${sortText(d.ret)})`);
  }
  const ref = (t: Term): string => {
    switch (t.op) {
      case 'const': return bvText(t.v, t.sort);
      case 'true': return 'true';
      case 'false': return 'false';
      case 'var': return symbol(t.name);
      case 'sym': return t.name;
      case 'bvar': return t.name;
    }
    return t.bound ? inline(t) : `t${t.id}`;
  };
  const head = (t: Term): string => (t.op === 'app' ? symbol(t.name) : t.name !== '' ? t.name : t.op);
  const inline = (t: Term): string => {
    if (t.op === 'lambda') {
      const [a, body] = t.args;
      return `(lambda ((${a.name} ${sortText(a.sort)})) ${ref(body)})`;
    }
    return `(${head(t)} ${t.args.map(ref).join(' ')})`;
  };
  for (const t of order) {
    if (t.args.length === 0 || t.bound) continue;
    lines.push(`(define-fun t${t.id} () ${sortText(t.sort)} ${inline(t)})`);
  }
  for (const [name, t] of named) {
    lines.push(`(declare-fun ${symbol(name)} () ${sortText(t.sort)})`);
    lines.push(`(assert (= ${symbol(name)} ${ref(t)}))`);
  }
  for (const t of asserts) lines.push(`(assert ${ref(t)})`);
  const names = [...usedDecls].filter((n) => b.decls.get(n)!.args.length === 0).concat(named.map(([n]) => n));
  const floats = order.some((t) => t.sort === FP32 || t.sort === FP64);
  return { text: lines.join('\n') + '\n', names, floats };
}

// ---- wasm values -----------------------------------------------------------------------------

/** Trap kinds (the outcome `kind`; 0 is a normal return). Calls trap with a kind of their own. */
export const TRAP = {
  unreachable: 1,
  divZero: 2,
  overflow: 3,
  memory: 4,
  conversion: 5,
  table: 6,
} as const;

export const TRAP_NAMES: Record<number, string> = {
  1: 'unreachable', 2: 'integer divide by zero', 3: 'integer overflow', 4: 'out of bounds memory access',
  5: 'invalid conversion to integer', 6: 'out of bounds table access',
};

/** The sort of a wasm value type (references are opaque 32-bit values). */
export function sortOf(t: ValType): Sort {
  switch (t) {
    case I32: case F32: return 32;
    case I64: case F64: return 64;
    case V128: return 128;
    case FUNCREF: case EXTERNREF: return 32;
  }
  throw new Unsupported(`value type 0x${t.toString(16)}`);
}

function sigKey(t: FuncType): string {
  return `${t.params.join('.')}>${t.results.join('.')}`;
}

// ---- what the encoder needs to know about a module -----------------------------------------------

export interface GlobalInfo {
  /** Stable across the two sides of a comparison (imports by name, definitions by identity). */
  key: string;
  type: ValType;
  mutable: boolean;
  /** The initializer of a defined global, or null for an import. */
  init: ConstExpr | null;
}

/** A body to execute: the function's tree, its locals and signature, and the module it lives in. */
export interface FunctionSource {
  key: string;
  tree: Expr;
  /** Declared locals (not params). */
  locals: readonly ValType[];
  type: FuncType;
  hasPops: boolean;
  env: SideEnv;
}

/** One side's module: index spaces, mapped to keys shared by both sides. */
export interface SideEnv {
  types: readonly FuncType[];
  /** Signature of function `i` of the index space (imports first). */
  funcType(i: number): FuncType;
  /** Stable key of function `i` (imports by name, definitions by identity). */
  funcKey(i: number): string;
  /** Whether function `i` is defined in the module (not an import). */
  isDefined(i: number): boolean;
  /** The body of defined function `i`, for the second level (null for imports, or when it cannot be read). */
  body(i: number): FunctionSource | null;
  globals: readonly GlobalInfo[];
  shape: Shape;
}

/** The module's stateful entities other than globals (compared by index on the two sides). */
export interface Shape {
  memories: readonly Limits[];
  tables: readonly Limits[];
  /** Byte length of each data segment. */
  dataLens: readonly number[];
  /** Item count of each element segment. */
  elemLens: readonly number[];
}

export function sameShape(a: Shape, b: Shape): boolean {
  const lim = (x: readonly Limits[], y: readonly Limits[]) =>
    x.length === y.length && x.every((l, i) => l.min === y[i].min && l.max === y[i].max);
  const num = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((n, i) => n === y[i]);
  return lim(a.memories, b.memories) && lim(a.tables, b.tables) && num(a.dataLens, b.dataLens) && num(a.elemLens, b.elemLens);
}

export interface EncodeOptions {
  /** Floats in the floating-point theory (else uninterpreted functions of the bits). */
  exactFloats: boolean;
  /** Execute loop-free defined callees (else calls are uninterpreted). */
  inlineCalls: boolean;
  /** Most tree nodes executed in inlined callees (beyond it: Unsupported). */
  inlineBudget: number;
  /** Bulk memory/table operations of variable length as array lambdas (else uninterpreted). */
  exactBulk: boolean;
}

/** How a function ends, and the state it leaves. */
export interface Outcome {
  /** BV8: 0 = returned, else the trap kind (see TRAP; 0x80 and up: a call trapped or did not return). */
  kind: Term;
  results: Term[];
  /** The module state: mutable globals, memories, sizes... (see Inputs for the layout). */
  state: Term[];
  world: Term;
  /** An uninterpreted float instruction or defined-function call was used (a counterexample may be spurious). */
  abstracted: boolean;
  /** The mutable globals before and after each uninterpreted call (see Inputs.callFacts). */
  calls: { before: Term[]; after: Term[] }[];
}

/**
 * The shared inputs of the two sides: the names both encodings read their initial state from,
 * and the layout of the module state, one vector of terms: mutable globals (by key, in a fixed
 * order), memories, memory sizes in pages, tables, table sizes, then the dropped flags of the
 * data and element segments.
 */
export class Inputs {
  /** Keys of the mutable globals of either side, in a fixed order: the state's global slots. */
  readonly slots: string[] = [];
  readonly slotTypes: ValType[] = [];
  private slotOf = new Map<string, number>();
  private refs = new Map<string, number>();
  /** Offsets of each kind in the state vector. */
  readonly MEM: number;
  readonly PAGES: number;
  readonly TAB: number;
  readonly TSIZE: number;
  readonly DDROP: number;
  readonly EDROP: number;
  readonly size: number;
  readonly memories: readonly Limits[];

  /**
   * Module invariants: global key -> k, "the global's low k bits are 0" (a stack pointer's
   * alignment; see PassVerifier.invariants). Assumed at entry, and after a call that started
   * in a state where they hold.
   */
  invariants = new Map<string, number>();

  constructor(readonly b: Smt, readonly params: readonly ValType[], mutable: { key: string; type: ValType }[], readonly shape: Shape) {
    const sorted = [...mutable].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
    for (const g of sorted) {
      if (this.slotOf.has(g.key)) continue;
      this.slotOf.set(g.key, this.slots.length);
      this.slots.push(g.key);
      this.slotTypes.push(g.type);
    }
    this.memories = shape.memories;
    this.MEM = this.slots.length;
    this.PAGES = this.MEM + shape.memories.length;
    this.TAB = this.PAGES + shape.memories.length;
    this.TSIZE = this.TAB + shape.tables.length;
    this.DDROP = this.TSIZE + shape.tables.length;
    this.EDROP = this.DDROP + shape.dataLens.length;
    this.size = this.EDROP + shape.elemLens.length;
  }

  slot(key: string): number {
    const s = this.slotOf.get(key);
    if (s === undefined) throw new Error(`internal: global ${key} has no slot`);
    return s;
  }

  /** Name and sort of state component i (its input variable; `after.<name>` after a call). */
  component(i: number): { name: string; sort: Sort } {
    if (i < this.MEM) return { name: `g.${this.slots[i]}`, sort: sortOf(this.slotTypes[i]) };
    if (i < this.PAGES) return { name: `mem${i - this.MEM}`, sort: MEM };
    if (i < this.TAB) return { name: `pages${i - this.PAGES}`, sort: 32 };
    if (i < this.TSIZE) return { name: `table${i - this.TAB}`, sort: TABLE };
    if (i < this.DDROP) return { name: `tsize${i - this.TSIZE}`, sort: 32 };
    if (i < this.EDROP) return { name: `dropped.data${i - this.DDROP}`, sort: BOOL };
    return { name: `dropped.elem${i - this.EDROP}`, sort: BOOL };
  }

  /** The initial module state. */
  initial(): Term[] {
    const out: Term[] = [];
    for (let i = 0; i < this.size; i++) {
      const c = this.component(i);
      out.push(this.b.var(c.name, c.sort));
    }
    return out;
  }

  /** The reference to a function (by key): a distinct nonzero constant per function. */
  funcRef(key: string): Term {
    let n = this.refs.get(key);
    if (n === undefined) this.refs.set(key, (n = this.refs.size + 1));
    return this.b.bv(n, 32);
  }

  param(i: number): Term {
    return this.b.var(`p${i}`, sortOf(this.params[i]));
  }
  /** An unknown constant global (an import, or an initializer outside the model). */
  global(key: string, t: ValType): Term {
    return this.b.var(`g.${key}`, sortOf(t));
  }
  /** The contents of data segment k (bytes) or element segment k (references): unknown, the same on both sides. */
  data(k: number): Term {
    return this.b.var(`data${k}`, MEM);
  }
  elem(k: number): Term {
    return this.b.var(`elem${k}`, TABLE);
  }
  world(): Term {
    return this.b.var('world', WORLD);
  }

  /**
   * What the module invariants say about calls: every function preserves them (that is how
   * they were proven), so if they hold when a call starts, they hold when it ends.
   */
  callFacts(calls: { before: Term[]; after: Term[] }[]): Term[] {
    const b = this.b;
    if (this.invariants.size === 0) return [];
    const all = (vals: Term[]) => b.and(...vals.map((v, i) => this.invariant(this.slots[i], v)));
    return calls.map((c) => b.implies(all(c.before), all(c.after))).filter((t) => t !== b.T);
  }

  /** The invariant of global `key` on its value `v` (true when it has none). */
  invariant(key: string, v: Term): Term {
    const k = this.invariants.get(key);
    if (k === undefined || k === 0 || v.sort <= 0) return this.b.T;
    return this.b.eq(this.b.extract(k - 1, 0, v), this.b.bv(0, k));
  }

  /**
   * Facts about the inputs the query mentions (`used`: variable names): memory and table sizes
   * are within their limits; globals satisfy the module invariants.
   */
  preconditions(used: Set<string>): Term {
    const b = this.b;
    const facts: Term[] = [];
    this.slots.forEach((key, j) => {
      if (used.has(`g.${key}`)) facts.push(this.invariant(key, b.var(`g.${key}`, sortOf(this.slotTypes[j]))));
    });
    this.shape.memories.forEach((lim, k) => {
      if (!used.has(`pages${k}`)) return;
      const s = b.var(`pages${k}`, 32);
      facts.push(b.cmp('bvule', b.bv(lim.min, 32), s));
      facts.push(b.cmp('bvule', s, b.bv(Math.min(lim.max ?? 65536, 65536), 32)));
    });
    this.shape.tables.forEach((lim, k) => {
      if (!used.has(`tsize${k}`)) return;
      const s = b.var(`tsize${k}`, 32);
      facts.push(b.cmp('bvule', b.bv(lim.min, 32), s));
      if (lim.max !== null) facts.push(b.cmp('bvule', s, b.bv(lim.max, 32)));
    });
    return b.and(...facts);
  }
}

// ---- numeric instructions --------------------------------------------------------------------

/** The value of a numeric instruction, and when (and how) it traps instead. */
export interface NumResult {
  value: Term;
  /** Condition under which the instruction traps (null: never). */
  trap: Term | null;
  /** BV8 trap kind when it does. */
  code: Term | null;
}

const INT_RE = /^(i32|i64)\.(.+)$/;
const FLOAT_RE = /^(f32|f64)\.(.+)$/;

/** Float constants (bits) used by the exact truncation bounds. */
function fbits(w: number, x: number): bigint {
  return w === 32 ? BigInt(f32ToBits(x)) : f64ToBits(x);
}

export class NumericEncoder {
  /** Set when an uninterpreted float function was used. */
  abstracted = false;

  constructor(readonly b: Smt, readonly exactFloats: boolean) {}

  b2i(c: Term, w = 32): Term {
    const b = this.b;
    return b.ite(c, b.bv(1, w), b.bv(0, w));
  }

  /** The semantics of the scalar numeric instruction `op`, or null when it is not one. */
  encode(op: number, args: Term[]): NumResult | null {
    const name = OPS[op].name;
    const b = this.b;
    const plain = (value: Term): NumResult => ({ value, trap: null, code: null });
    let m = INT_RE.exec(name);
    if (m && !name.includes('atomic')) {
      const w = m[1] === 'i32' ? 32 : 64;
      const r = this.intOp(m[2], w, args);
      if (r) return r;
    }
    switch (name) {
      case 'i32.wrap_i64': return plain(b.extract(31, 0, args[0]));
      case 'i64.extend_i32_s': return plain(b.sext(32, args[0]));
      case 'i64.extend_i32_u': return plain(b.zext(32, args[0]));
      case 'i32.reinterpret_f32': case 'i64.reinterpret_f64':
      case 'f32.reinterpret_i32': case 'f64.reinterpret_i64':
        return plain(args[0]);
    }
    m = FLOAT_RE.exec(name);
    if (m || /\.trunc(_sat)?_f(32|64)_[su]$/.test(name)) return this.floatOp(name, args);
    return null;
  }

  private intOp(base: string, w: number, args: Term[]): NumResult | null {
    const b = this.b;
    const [x, y] = args;
    const W = BigInt(w);
    const plain = (value: Term): NumResult => ({ value, trap: null, code: null });
    const zero = b.bv(0, w);
    switch (base) {
      case 'add': return plain(b.bvadd(x, y));
      case 'sub': return plain(b.bvsub(x, y));
      case 'mul': return plain(b.bvmul(x, y));
      case 'and': return plain(b.bvand(x, y));
      case 'or': return plain(b.bvor(x, y));
      case 'xor': return plain(b.bvxor(x, y));
      case 'shl': return plain(b.bvshl(x, b.bvand(y, b.bv(W - 1n, w))));
      case 'shr_s': return plain(b.bvashr(x, b.bvand(y, b.bv(W - 1n, w))));
      case 'shr_u': return plain(b.bvlshr(x, b.bvand(y, b.bv(W - 1n, w))));
      case 'rotl': case 'rotr': {
        const k = b.bvand(y, b.bv(W - 1n, w));
        const back = b.bvsub(b.bv(W, w), k); // w - k; a shift by w gives 0, which makes k = 0 exact
        return plain(base === 'rotl'
          ? b.bvor(b.bvshl(x, k), b.bvlshr(x, back))
          : b.bvor(b.bvlshr(x, k), b.bvshl(x, back)));
      }
      case 'div_s': {
        const byZero = b.eq(y, zero);
        const overflow = b.and(b.eq(x, b.bv(1n << (W - 1n), w)), b.eq(y, b.bv(-1, w)));
        const code = b.ite(byZero, b.bv(TRAP.divZero, 8), b.bv(TRAP.overflow, 8));
        return { value: b.bvsdiv(x, y), trap: b.or(byZero, overflow), code };
      }
      case 'div_u': return { value: b.bvudiv(x, y), trap: b.eq(y, zero), code: b.bv(TRAP.divZero, 8) };
      case 'rem_s': return { value: b.bvsrem(x, y), trap: b.eq(y, zero), code: b.bv(TRAP.divZero, 8) };
      case 'rem_u': return { value: b.bvurem(x, y), trap: b.eq(y, zero), code: b.bv(TRAP.divZero, 8) };
      case 'eqz': return plain(this.b2i(b.eq(x, zero)));
      case 'eq': return plain(this.b2i(b.eq(x, y)));
      case 'ne': return plain(this.b2i(b.not(b.eq(x, y))));
      case 'lt_s': return plain(this.b2i(b.cmp('bvslt', x, y)));
      case 'lt_u': return plain(this.b2i(b.cmp('bvult', x, y)));
      case 'gt_s': return plain(this.b2i(b.cmp('bvslt', y, x)));
      case 'gt_u': return plain(this.b2i(b.cmp('bvult', y, x)));
      case 'le_s': return plain(this.b2i(b.cmp('bvsle', x, y)));
      case 'le_u': return plain(this.b2i(b.cmp('bvule', x, y)));
      case 'ge_s': return plain(this.b2i(b.cmp('bvsle', y, x)));
      case 'ge_u': return plain(this.b2i(b.cmp('bvule', y, x)));
      case 'clz': {
        // the highest set bit decides: test bits from low to high, the last test wraps outermost
        let r = b.bv(w, w);
        for (let i = 0; i < w; i++) r = b.ite(b.eq(b.extract(i, i, x), b.bv(1, 1)), b.bv(w - 1 - i, w), r);
        return plain(r);
      }
      case 'ctz': {
        let r = b.bv(w, w);
        for (let i = w - 1; i >= 0; i--) r = b.ite(b.eq(b.extract(i, i, x), b.bv(1, 1)), b.bv(i, w), r);
        return plain(r);
      }
      case 'popcnt': {
        let r = b.bv(0, w);
        for (let i = 0; i < w; i++) r = b.bvadd(r, b.zext(w - 1, b.extract(i, i, x)));
        return plain(r);
      }
      case 'extend8_s': return plain(b.sext(w - 8, b.extract(7, 0, x)));
      case 'extend16_s': return plain(b.sext(w - 16, b.extract(15, 0, x)));
      case 'extend32_s': return w === 64 ? plain(b.sext(32, b.extract(31, 0, x))) : null;
    }
    return null;
  }

  // ---- floats ----

  private floatOp(name: string, args: Term[]): NumResult | null {
    const b = this.b;
    const plain = (value: Term): NumResult => ({ value, trap: null, code: null });
    const m = FLOAT_RE.exec(name);
    if (m) {
      const fw = m[1] === 'f32' ? 32 : 64;
      const sign = 1n << BigInt(fw - 1);
      const x = args[0], y = args[1];
      switch (m[2]) {
        case 'abs': return plain(b.bvand(x, b.bv(~sign, fw)));
        case 'neg': return plain(b.bvxor(x, b.bv(sign, fw)));
        case 'copysign': return plain(b.bvor(b.bvand(x, b.bv(~sign, fw)), b.bvand(y, b.bv(sign, fw))));
      }
    }
    if (!this.exactFloats) return this.uninterpreted(name, args);
    return this.exact(name, args);
  }

  private uninterpreted(name: string, args: Term[]): NumResult {
    const b = this.b;
    this.abstracted = true;
    const info = OPS[opId(name)];
    if (!info.results || info.results.length !== 1) throw new Unsupported(name);
    const isCmp = /\.(eq|ne|lt|gt|le|ge)$/.test(name) && (name.startsWith('f32.') || name.startsWith('f64.'));
    if (isCmp) return { value: this.b2i(b.app(name, args, BOOL)), trap: null, code: null };
    const value = b.app(name, args, sortOf(info.results[0]));
    if ((info.effects & 1) !== 0) {
      // a trapping truncation: its trap kind (0 = none) is uninterpreted too
      const code = b.app(`${name}.trap`, args, 8);
      return { value, trap: b.not(b.eq(code, b.bv(0, 8))), code };
    }
    return { value, trap: null, code: null };
  }

  /** The float's bits for a result `r` of sort FP32/FP64: a NaN is an uninterpreted NaN of the computation. */
  private bits(r: Term, name: string, args: Term[]): Term {
    const b = this.b;
    const w = r.sort === FP32 ? 32 : 64;
    const quiet = w === 32 ? 0x7fc00000n : 0x7ff8000000000000n;
    const nan = b.bvor(b.app(`nan.${name}`, args, w), b.bv(quiet, w));
    return b.ite(b.fpop('fp.isNaN', BOOL, [r]), nan, b.fpop('fp.to_ieee_bv', w, [r]));
  }

  private exact(name: string, args: Term[]): NumResult {
    const b = this.b;
    const plain = (value: Term): NumResult => ({ value, trap: null, code: null });
    const RNE = b.sym('RNE');
    const m = FLOAT_RE.exec(name);
    if (m) {
      const fw = m[1] === 'f32' ? 32 : 64;
      const S = fw === 32 ? FP32 : FP64;
      const op = m[2];
      const X = () => b.fp(args[0]);
      const Y = () => b.fp(args[1]);
      const cmp = (f: string) => plain(this.b2i(b.fpop(f, BOOL, [X(), Y()])));
      switch (op) {
        case 'eq': return cmp('fp.eq');
        case 'ne': return plain(this.b2i(b.not(b.fpop('fp.eq', BOOL, [X(), Y()]))));
        case 'lt': return cmp('fp.lt');
        case 'gt': return cmp('fp.gt');
        case 'le': return cmp('fp.leq');
        case 'ge': return cmp('fp.geq');
        case 'add': case 'sub': case 'mul': case 'div':
          return plain(this.bits(b.fpop(`fp.${op}`, S, [RNE, X(), Y()]), name, args));
        case 'sqrt': return plain(this.bits(b.fpop('fp.sqrt', S, [RNE, X()]), name, args));
        case 'ceil': case 'floor': case 'trunc': case 'nearest': {
          const mode = { ceil: 'RTP', floor: 'RTN', trunc: 'RTZ', nearest: 'RNE' }[op]!;
          return plain(this.bits(b.fpop('fp.roundToIntegral', S, [b.sym(mode), X()]), name, args));
        }
        case 'min': case 'max': {
          const [x, y] = args;
          const XX = X(), YY = Y();
          const anyNaN = b.or(b.fpop('fp.isNaN', BOOL, [XX]), b.fpop('fp.isNaN', BOOL, [YY]));
          const quiet = fw === 32 ? 0x7fc00000n : 0x7ff8000000000000n;
          const nan = b.bvor(b.app(`nan.${name}`, args, fw), b.bv(quiet, fw));
          const less = op === 'min' ? b.fpop('fp.lt', BOOL, [XX, YY]) : b.fpop('fp.gt', BOOL, [XX, YY]);
          const more = op === 'min' ? b.fpop('fp.lt', BOOL, [YY, XX]) : b.fpop('fp.gt', BOOL, [YY, XX]);
          // equal values have equal bits, except the zeros: min(-0, +0) = -0, max = +0
          const same = op === 'min' ? b.bvor(x, y) : b.bvand(x, y);
          return plain(b.ite(anyNaN, nan, b.ite(less, x, b.ite(more, y, same))));
        }
        case 'convert_i32_s': case 'convert_i64_s':
          // a signed integer to the nearest float (never a NaN)
          return plain(b.fpop('fp.to_ieee_bv', fw, [b.indexed('to_fp', `(_ to_fp ${fw === 32 ? '8 24' : '11 53'})`, S, [RNE, args[0]])]));
        case 'convert_i32_u': case 'convert_i64_u':
          return plain(b.fpop('fp.to_ieee_bv', fw,
            [b.indexed('to_fp_unsigned', `(_ to_fp_unsigned ${fw === 32 ? '8 24' : '11 53'})`, S, [RNE, args[0]])]));
        case 'demote_f64':
          return plain(this.bits(b.indexed('to_fp', '(_ to_fp 8 24)', FP32, [RNE, b.fp(args[0])]), name, args));
        case 'promote_f32':
          return plain(this.bits(b.indexed('to_fp', '(_ to_fp 11 53)', FP64, [RNE, b.fp(args[0])]), name, args));
      }
      throw new Unsupported(name);
    }
    // integer truncations: i32.trunc_f64_s, i64.trunc_sat_f32_u ...
    const t = /^(i32|i64)\.trunc(_sat)?_f(32|64)_([su])$/.exec(name);
    if (!t) throw new Unsupported(name);
    const iw = t[1] === 'i32' ? 32 : 64;
    const sat = t[2] !== undefined;
    const fw = Number(t[3]);
    const signed = t[4] === 's';
    const X = b.fp(args[0]);
    // trunc(x) >= lo  <=>  x > lo - 1 (when lo - 1 is a float; else the floats next to lo are
    // 2 or more apart and it is x >= lo);  trunc(x) < hi  <=>  x < hi (hi is a power of two)
    const lo = signed ? -(2 ** (iw - 1)) : 0;
    const hi = signed ? 2 ** (iw - 1) : 2 ** iw;
    const below = lo - 1;
    const exact = !signed || (iw === 32 && fw === 64); // is lo - 1 a float of this format
    const fconst = (x: number) => b.fp(b.bv(fbits(fw, x), fw));
    const aboveLo = exact ? b.fpop('fp.gt', BOOL, [X, fconst(below)]) : b.fpop('fp.geq', BOOL, [X, fconst(lo)]);
    const belowHi = b.fpop('fp.lt', BOOL, [X, fconst(hi)]);
    const isNaN = b.fpop('fp.isNaN', BOOL, [X]);
    const inRange = b.and(aboveLo, belowHi); // false for NaN
    const conv = b.indexed(signed ? 'fp.to_sbv' : 'fp.to_ubv', `(_ ${signed ? 'fp.to_sbv' : 'fp.to_ubv'} ${iw})`, iw, [b.sym('RTZ'), X]);
    if (sat) {
      const min = signed ? b.bv(1n << BigInt(iw - 1), iw) : b.bv(0, iw);
      const max = signed ? b.bv((1n << BigInt(iw - 1)) - 1n, iw) : b.bv(-1, iw);
      const value = b.ite(isNaN, b.bv(0, iw), b.ite(b.not(aboveLo), min, b.ite(belowHi, conv, max)));
      return plain(value);
    }
    const trap = b.not(inRange); // NaN compares false, so it is out of range too
    const code = b.ite(isNaN, b.bv(TRAP.conversion, 8), b.bv(TRAP.overflow, 8));
    return { value: conv, trap, code };
  }
}

// ---- the symbolic executor ----------------------------------------------------------------------

/** The machine state on one path: locals of the running activation, and the module state. */
interface MState {
  locals: Term[];
  /** The module state vector (see Inputs). */
  s: Term[];
  world: Term;
}

/** A way into a label: under guard `g`, with state `st`, carrying `vals`. */
interface Edge {
  g: Term;
  st: MState;
  vals: Term[];
}

/** A running body (the function, or a callee executed in place of its call). */
interface Activation {
  src: FunctionSource;
  labels: Map<Expr, Edge[]>;
}

function copyState(s: MState): MState {
  return { locals: s.locals.slice(), s: s.s.slice(), world: s.world };
}

const T_EVAL = 0;
const T_APPLY = 1;
const T_END = 2;
const T_ELSE = 3;
const T_RET = 4;

class Task {
  base = 0;
  act: Activation | null = null;
  saved: { pc: Term; st: MState } | null = null;
  params: Term[] | null = null;
  cond: Term | null = null;
  callerLocals: Term[] | null = null;
  tail = false;
  constructor(readonly k: number, readonly e: Expr) {}
}

const LOAD_STORE = /^(i32|i64|f32|f64)\.(load|store)(8|16|32)?(_[su])?$/;

const reasons = new WeakMap<Expr, { reason: string | null; nodes: number }>();

/**
 * Why a body cannot be encoded (null when it can). `stable`: the tree is a private copy that
 * nothing mutates (a callee decoded for the verifier), so the answer may be cached.
 */
export function unsupportedReason(src: FunctionSource, stable = false): string | null {
  return scan(src.tree, stable).reason;
}

function scan(tree: Expr, stable: boolean): { reason: string | null; nodes: number } {
  const hit = stable ? reasons.get(tree) : undefined;
  if (hit) return hit;
  let reason: string | null = null;
  let nodes = 0;
  const stack: Expr[] = [tree];
  while (stack.length > 0) {
    const e = stack.pop()!;
    nodes++;
    if (e.target !== null && e.target.op === O.loop) reason = 'loop';
    if (e.targets !== null) for (const t of e.targets) if (t.op === O.loop) reason = 'loop';
    if (reason === null && !isSupportedOp(e.op)) reason = OPS[e.op].name;
    for (const k of e.kids) stack.push(k);
    for (const k of e.body) stack.push(k);
    if (e.alt) for (const k of e.alt) stack.push(k);
  }
  const r = { reason, nodes };
  if (stable) reasons.set(tree, r);
  return r;
}

const SUPPORTED = new Set<number>();
{
  const names = [
    'unreachable', 'nop', 'block', 'loop', 'if', 'br', 'br_if', 'br_table', 'return', 'call', 'call_indirect',
    'return_call', 'return_call_indirect', 'drop', 'select', 'select_t', 'local.get', 'local.set', 'local.tee',
    'global.get', 'global.set', 'memory.size', 'memory.grow', 'memory.fill', 'memory.copy', 'memory.init', 'data.drop',
    'table.get', 'table.set', 'table.size', 'table.grow', 'table.fill', 'table.copy', 'table.init', 'elem.drop',
    'i32.const', 'i64.const', 'f32.const', 'f64.const', 'v128.const', 'v128.load', 'v128.store',
    'ref.null', 'ref.is_null', 'ref.func', 'pop',
  ];
  for (const n of names) SUPPORTED.add(opId(n));
  for (const o of OPS) {
    if (LOAD_STORE.test(o.name)) SUPPORTED.add(o.id);
    else if (o.prefix !== 0xfd && o.prefix !== 0xfe && o.params !== null && o.results !== null && o.imm === 0 &&
      /^(i32|i64|f32|f64)\./.test(o.name)) SUPPORTED.add(o.id);
  }
}

export function isSupportedOp(op: number): boolean {
  return SUPPORTED.has(op);
}

/** Executes function bodies into Outcomes over the shared `inputs`. One encoder per side. */
export class FunctionEncoder {
  private num: NumericEncoder;
  private pc: Term;
  private st!: MState;
  private vals: Term[] = [];
  private exits: { g: Term; code: Term; st: MState }[] = [];
  private act!: Activation;
  private acts: Activation[] = [];
  private tasks: Task[] = [];
  private abstracted = false;
  private calls: { before: Term[]; after: Term[] }[] = [];
  private inlined = 0;
  private globalInit = new Map<SideEnv, (Term | undefined)[]>();
  private normal: Edge | null = null;

  constructor(readonly b: Smt, readonly inputs: Inputs, readonly opts: EncodeOptions) {
    this.num = new NumericEncoder(b, opts.exactFloats);
    this.pc = b.T;
  }

  encode(src: FunctionSource): Outcome {
    const b = this.b;
    const why = unsupportedReason(src);
    if (why !== null) throw new Unsupported(why);
    const inp = this.inputs;
    if (!sameShape(src.env.shape, inp.shape)) throw new Unsupported('memories, tables or segments differ');
    const params = src.type.params;
    this.st = {
      locals: [...params.map((_, i) => inp.param(i)), ...src.locals.map((t) => b.bv(0, sortOf(t)))],
      s: inp.initial(),
      world: inp.world(),
    };
    this.enter(src, 0);
    this.run();
    const n = this.normal!;
    // Merge the exits per component, grouping the exits that leave the same term (most traps
    // leave the state as it was): one ite per distinct value instead of one per exit.
    const exits = this.exits;
    const pick = (normal: Term, get: (x: { code: Term; st: MState }) => Term): Term => {
      const groups = new Map<Term, Term[]>();
      for (const x of exits) {
        const v = get(x);
        if (v === normal) continue;
        let g = groups.get(v);
        if (g === undefined) groups.set(v, (g = []));
        g.push(x.g);
      }
      let r = normal;
      for (const [v, gs] of groups) r = b.ite(b.or(...gs), v, r);
      return r;
    };
    const kind = pick(b.bv(0, 8), (x) => x.code);
    const results = n.vals.slice();
    const state = n.st.s.map((t, j) => pick(t, (x) => x.st.s[j]));
    const world = pick(n.st.world, (x) => x.st.world);
    return { kind, results, state, world, abstracted: this.abstracted || this.num.abstracted, calls: this.calls };
  }

  /** Starts executing `src`'s body (its locals are already in the state). */
  private enter(src: FunctionSource, base: number): void {
    const act: Activation = { src, labels: new Map([[src.tree, []]]) };
    this.acts.push(act);
    this.act = act;
    const end = new Task(T_END, src.tree);
    end.base = base;
    end.act = act;
    this.tasks.push(end);
    this.pushList(src.tree.body);
  }

  private pushList(list: readonly Expr[]): void {
    for (let i = list.length - 1; i >= 0; i--) this.tasks.push(new Task(T_EVAL, list[i]));
  }

  private zeros(t: Type): Term[] {
    return t.map((v) => this.b.bv(0, sortOf(v)));
  }

  private run(): void {
    const tasks = this.tasks;
    while (tasks.length > 0) {
      const t = tasks.pop()!;
      switch (t.k) {
        case T_EVAL: {
          if (t.e.op === O.pop) break; // its value is already on the stack, below the parent's base
          tasks.push(new Task(T_APPLY, t.e));
          const kids = t.e.kids;
          for (let i = kids.length - 1; i >= 0; i--) tasks.push(new Task(T_EVAL, kids[i]));
          break;
        }
        case T_APPLY: {
          // the operands are the values the kids leave (a `pop` kid's value was left earlier)
          let n = 0;
          for (const k of t.e.kids) n += k.type.length;
          const args = this.vals.splice(Math.max(0, this.vals.length - n));
          if (this.pc === this.b.F) {
            this.vals.push(...this.zeros(t.e.type));
            break;
          }
          this.apply(t.e, args);
          break;
        }
        case T_ELSE: this.elseArm(t); break;
        case T_END: this.end(t); break;
        case T_RET: {
          this.acts.pop();
          this.act = t.act!;
          this.st.locals = t.callerLocals!;
          if (t.tail) {
            const n = this.act.src.type.results.length;
            const res = this.vals.splice(this.vals.length - n);
            this.edge(this.act.src.tree, this.pc, res);
            this.pc = this.b.F;
          }
          break;
        }
      }
    }
  }

  // ---- control ----

  private edge(target: Expr, g: Term, vals: Term[]): void {
    if (g === this.b.F) return;
    const list = this.act.labels.get(target);
    if (list === undefined) throw new Error('internal: branch to a label that is not open');
    list.push({ g, st: copyState(this.st), vals });
  }

  private trap(cond: Term, code: Term): void {
    const g = this.b.and(this.pc, cond);
    if (g === this.b.F) return;
    const s = this.st;
    this.exits.push({ g, code, st: { locals: [], s: s.s.slice(), world: s.world } });
    this.pc = this.b.and(this.pc, this.b.not(cond));
  }

  private openLabel(e: Expr, params: Term[], list: readonly Expr[], task: Task): void {
    this.act.labels.set(e, []);
    task.base = this.vals.length;
    task.act = this.act;
    this.tasks.push(task);
    this.vals.push(...params);
    this.pushList(list);
  }

  private elseArm(t: Task): void {
    const e = t.e;
    const n = e.type.length;
    const b = this.b;
    if (this.pc !== b.F) t.act!.labels.get(e)!.push({ g: this.pc, st: this.st, vals: this.vals.slice(this.vals.length - n) });
    this.vals.length = t.base;
    const saved = t.saved!;
    this.pc = b.and(saved.pc, b.not(t.cond!));
    this.st = saved.st;
    const end = new Task(T_END, e);
    end.base = t.base;
    end.act = t.act;
    this.tasks.push(end);
    this.vals.push(...t.params!);
    if (e.alt !== null) this.pushList(e.alt);
  }

  private end(t: Task): void {
    const e = t.e;
    const act = t.act!;
    const n = e.type.length;
    const b = this.b;
    const edges = act.labels.get(e)!;
    act.labels.delete(e);
    if (this.pc !== b.F) edges.push({ g: this.pc, st: this.st, vals: this.vals.slice(this.vals.length - n) });
    this.vals.length = t.base;
    const live = edges.filter((x) => x.g !== b.F);
    if (live.length === 0) {
      this.pc = b.F;
      this.vals.push(...this.zeros(e.type));
    } else if (live.length === 1) {
      this.pc = live[0].g;
      this.st = live[0].st;
      this.vals.push(...live[0].vals);
    } else {
      const gs = live.map((x) => x.g);
      this.pc = b.or(...gs);
      const pick = (get: (x: Edge) => Term): Term => {
        const last = live.length - 1;
        let r = get(live[last]);
        for (let i = last - 1; i >= 0; i--) r = b.ite(gs[i], get(live[i]), r);
        return r;
      };
      const s0 = live[0].st;
      this.st = {
        locals: s0.locals.map((_, i) => pick((x) => x.st.locals[i])),
        s: s0.s.map((_, i) => pick((x) => x.st.s[i])),
        world: pick((x) => x.st.world),
      };
      for (let i = 0; i < n; i++) this.vals.push(pick((x) => x.vals[i]));
    }
    if (e === act.src.tree && this.acts.length === 1 && act === this.acts[0]) {
      // the function's own body: its normal return
      this.normal = { g: this.pc, st: this.st, vals: this.vals.slice(this.vals.length - n) };
    }
  }

  // ---- instructions ----

  private apply(e: Expr, args: Term[]): void {
    const b = this.b;
    const op = e.op;
    const env = this.act.src.env;
    const st = this.st;
    const push = (t: Term): void => {
      this.vals.push(t);
    };
    switch (op) {
      case O.nop: case O.drop: return;
      case O.unreachable:
        this.trap(b.T, b.bv(TRAP.unreachable, 8));
        return;
      case O.block: case O.loop:
        this.openLabel(e, args, e.body, new Task(T_END, e));
        return;
      case O.if: {
        const cond = b.not(b.eq(args[args.length - 1], b.bv(0, 32)));
        const params = args.slice(0, -1);
        const t = new Task(T_ELSE, e);
        t.saved = { pc: this.pc, st: copyState(st) };
        t.params = params;
        t.cond = cond;
        this.pc = b.and(this.pc, cond);
        this.openLabel(e, params, e.body, t);
        return;
      }
      case O.br: {
        const n = labelTypes(e.target!).length;
        this.edge(e.target!, this.pc, args.slice(args.length - n));
        this.pc = b.F;
        return;
      }
      case O.br_if: {
        const c = b.not(b.eq(args[args.length - 1], b.bv(0, 32)));
        const vals = args.slice(0, -1);
        const n = labelTypes(e.target!).length;
        const carried = vals.slice(vals.length - n);
        this.edge(e.target!, b.and(this.pc, c), carried);
        this.pc = b.and(this.pc, b.not(c));
        for (const v of vals.slice(vals.length - e.type.length)) push(v);
        return;
      }
      case O.br_table: {
        const idx = args[args.length - 1];
        const targets = e.targets!;
        const vals = args.slice(0, -1);
        const n = labelTypes(targets[0]).length;
        const carried = vals.slice(vals.length - n);
        const last = targets.length - 1;
        const conds = new Map<Expr, Term[]>();
        for (let i = 0; i < targets.length; i++) {
          const c = i < last ? b.eq(idx, b.bv(i, 32)) : b.cmp('bvule', b.bv(last, 32), idx);
          let l = conds.get(targets[i]);
          if (l === undefined) conds.set(targets[i], (l = []));
          l.push(c);
        }
        for (const [target, cs] of conds) this.edge(target, b.and(this.pc, b.or(...cs)), carried);
        this.pc = b.F;
        return;
      }
      case O.return: {
        const n = this.act.src.type.results.length;
        this.edge(this.act.src.tree, this.pc, args.slice(args.length - n));
        this.pc = b.F;
        return;
      }
      case O.call: case O.return_call:
        this.call(e, args, env, op === O.return_call);
        return;
      case O.call_indirect: case O.return_call_indirect: {
        const ft = env.types[e.index];
        const res = this.callUF(`call_indirect.${e.index2}.${sigKey(ft)}`, args, ft.results);
        this.afterCall(res, op === O.return_call_indirect);
        return;
      }
      case O.select: case O.select_t:
        push(b.ite(b.not(b.eq(args[2], b.bv(0, 32))), args[0], args[1]));
        return;
      case O.local_get:
        push(st.locals[e.index]);
        return;
      case O.local_set:
        st.locals[e.index] = args[0];
        return;
      case O.local_tee:
        st.locals[e.index] = args[0];
        push(args[0]);
        return;
      case O.global_get: {
        const g = env.globals[e.index];
        push(g.mutable ? st.s[this.inputs.slot(g.key)] : this.immutableGlobal(env, e.index));
        return;
      }
      case O.global_set:
        st.s[this.inputs.slot(env.globals[e.index].key)] = args[0];
        return;
      case O.i32_const: push(b.bv(e.value as number, 32)); return;
      case O.i64_const: push(b.bv(e.value as bigint, 64)); return;
      case O.f32_const: push(b.bv(e.value as number, 32)); return;
      case O.f64_const: push(b.bv(e.value as bigint, 64)); return;
      case O.v128_const: {
        const bytes = e.value as Uint8Array;
        let v = 0n;
        for (let i = 15; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
        push(b.bv(v, 128));
        return;
      }
      case O.ref_null: push(b.bv(0, 32)); return;
      case O.ref_is_null: push(this.num.b2i(b.eq(args[0], b.bv(0, 32)))); return;
      case O.ref_func: push(this.inputs.funcRef(env.funcKey(e.index))); return;
    }
    const name = OPS[op].name;
    const inp = this.inputs;
    switch (name) {
      case 'memory.size': return push(st.s[inp.PAGES + e.index]);
      case 'memory.grow': return push(this.grow(e.index, args[0]));
      case 'memory.fill': return this.fill(e.index, args);
      case 'memory.copy': return this.copy(e.index, e.index2, args);
      // memory.init: index is the memory, index2 the data segment; table.init: index the table, index2 the element segment
      case 'memory.init': return this.init(inp.MEM + e.index, inp.PAGES + e.index, e.index2, args);
      case 'data.drop': st.s[inp.DDROP + e.index] = b.T; return;
      case 'table.get': {
        this.tableBounds(e.index, args[0], b.bv(1, 32));
        return push(b.select(st.s[inp.TAB + e.index], args[0]));
      }
      case 'table.set': {
        this.tableBounds(e.index, args[0], b.bv(1, 32));
        st.s[inp.TAB + e.index] = b.store(st.s[inp.TAB + e.index], args[0], args[1]);
        return;
      }
      case 'table.size': return push(st.s[inp.TSIZE + e.index]);
      case 'table.grow': return push(this.tableGrow(e.index, args[0], args[1]));
      case 'table.fill': {
        const [d, v, n] = args;
        this.tableBounds(e.index, d, n);
        const t = st.s[inp.TAB + e.index];
        st.s[inp.TAB + e.index] = this.bulk('table.fill', t, d, n, () => v, [d, v, n]);
        return;
      }
      case 'table.copy': {
        const [d, sIdx, n] = args;
        this.tableBounds(e.index, d, n);
        this.tableBounds(e.index2, sIdx, n);
        const from = st.s[inp.TAB + e.index2];
        const to = st.s[inp.TAB + e.index];
        st.s[inp.TAB + e.index] = this.bulk('table.copy', to, d, n, (i) => b.select(from, b.bvadd(sIdx, i)), [from, d, sIdx, n]);
        return;
      }
      case 'table.init': return this.init(inp.TAB + e.index, inp.TSIZE + e.index, -1 - e.index2, args);
      case 'elem.drop': st.s[inp.EDROP + e.index] = b.T; return;
    }
    if (name === 'v128.load' || name === 'v128.store' || LOAD_STORE.test(name)) return this.memoryAccess(e, name, args);
    const r = this.num.encode(op, args);
    if (r === null) throw new Unsupported(name);
    if (r.trap !== null) this.trap(r.trap, r.code!);
    push(r.value);
  }

  private immutableGlobal(env: SideEnv, i: number): Term {
    let cache = this.globalInit.get(env);
    if (!cache) this.globalInit.set(env, (cache = []));
    const hit = cache[i];
    if (hit) return hit;
    const g = env.globals[i];
    let t: Term | null = null;
    if (g.init !== null && g.init.length === 1) {
      const c = g.init[0];
      const b = this.b;
      switch (c.op) {
        case O.i32_const: case O.f32_const: t = b.bv(c.value as number, 32); break;
        case O.i64_const: case O.f64_const: t = b.bv(c.value as bigint, 64); break;
        case O.ref_null: t = b.bv(0, 32); break;
        case O.ref_func: t = this.inputs.funcRef(env.funcKey(c.index)); break;
        case O.global_get: if (c.index < i && !env.globals[c.index].mutable) t = this.immutableGlobal(env, c.index); break;
      }
    }
    // anything else (an import, an extended constant expression): an unknown constant
    t ??= this.inputs.global(g.key, g.type);
    cache[i] = t;
    return t;
  }

  // ---- calls ----

  private call(e: Expr, args: Term[], env: SideEnv, tail: boolean): void {
    const i = e.index;
    const ft = env.funcType(i);
    const src = this.opts.inlineCalls && env.isDefined(i) ? env.body(i) : null;
    if (src !== null && this.canInline(src)) {
      // execute the callee in place: its locals replace the caller's until it returns
      const ret = new Task(T_RET, e);
      ret.act = this.act;
      ret.callerLocals = this.st.locals;
      ret.tail = tail;
      this.tasks.push(ret);
      this.st.locals = [...args, ...src.locals.map((t) => this.b.bv(0, sortOf(t)))];
      this.enter(src, this.vals.length);
      return;
    }
    if (env.isDefined(i)) this.abstracted = true;
    const res = this.callUF(`call.${env.funcKey(i)}`, args, ft.results);
    this.afterCall(res, tail);
  }

  private afterCall(res: Term[], tail: boolean): void {
    if (!tail) {
      this.vals.push(...res);
      return;
    }
    this.edge(this.act.src.tree, this.pc, res);
    this.pc = this.b.F;
  }

  private canInline(src: FunctionSource): boolean {
    for (const a of this.acts) if (a.src.key === src.key) return false; // recursion: stays a call
    if (unsupportedReason(src, true) !== null) return false;
    this.inlined += scan(src.tree, true).nodes;
    if (this.inlined > this.opts.inlineBudget) {
      throw new Unsupported(`callees too large to execute (more than ${this.opts.inlineBudget} nodes)`);
    }
    return true;
  }

  /** An uninterpreted call: a new world from everything the callee can see; the rest follows from it. */
  private callUF(name: string, args: Term[], results: Type): Term[] {
    const b = this.b;
    const st = this.st;
    const w = b.app(name, [st.world, ...st.s, ...args], WORLD);
    const inp = this.inputs;
    const before = st.s.slice(0, inp.MEM);
    st.world = w;
    st.s = st.s.map((_, i) => {
      const c = inp.component(i);
      return b.app(`after.${c.name}`, [w], c.sort);
    });
    if (before.length > 0) this.calls.push({ before, after: st.s.slice(0, inp.MEM) });
    const res = results.map((t, r) => b.app(`after.result${r}.${sortOf(t)}`, [w], sortOf(t)));
    // a trap in the callee (or a callee that never returns): its kind, with the top bit set so
    // that it is never confused with a trap of this function's own instructions
    const code = b.app('after.trap', [w], 8);
    this.trap(b.not(b.eq(code, b.bv(0, 8))), b.bvor(code, b.bv(0x80, 8)));
    return res;
  }

  // ---- memory ----

  /** Bytes in memory `k` now, as a 64-bit value. */
  private byteSize(k: number): Term {
    const b = this.b;
    return b.bvshl(b.zext(32, this.st.s[this.inputs.PAGES + k]), b.bv(16, 64));
  }

  /** Traps unless [addr + offset, addr + offset + n) is inside memory `k`; returns the 32-bit address. */
  private bounds(k: number, addr: Term, offset: number, n: Term): Term {
    const b = this.b;
    const ea = b.bvadd(b.zext(32, addr), b.bv(offset, 64));
    const end = b.bvadd(ea, n.sort === 64 ? n : b.zext(32, n));
    this.trap(b.cmp('bvult', this.byteSize(k), end), b.bv(TRAP.memory, 8));
    return b.bvadd(addr, b.bv(offset, 32));
  }

  private memoryAccess(e: Expr, name: string, args: Term[]): void {
    const b = this.b;
    const k = e.index;
    const bits = accessBits(name);
    const n = bits / 8;
    const isLoad = name.includes('load');
    const a = this.bounds(k, args[0], e.offset, b.bv(n, 64));
    if (isLoad) {
      const mem = this.st.s[this.inputs.MEM + k];
      let v = b.select(mem, a);
      for (let i = 1; i < n; i++) v = b.concat(b.select(mem, b.bvadd(a, b.bv(i, 32))), v);
      const w = sortOf(e.type[0]);
      if (w > bits) v = name.endsWith('_s') ? b.sext(w - bits, v) : b.zext(w - bits, v);
      this.vals.push(v);
      return;
    }
    const v = args[1];
    const M = this.inputs.MEM + k;
    let mem = this.st.s[M];
    for (let i = 0; i < n; i++) mem = b.store(mem, i === 0 ? a : b.bvadd(a, b.bv(i, 32)), b.extract(8 * i + 7, 8 * i, v));
    this.st.s[M] = mem;
  }

  /**
   * The array `dst` with [d, d + n) replaced: element d + i becomes `at(i)` (i a 32-bit term).
   * A constant n up to 64 is a chain of stores (exact and cheap); otherwise an array lambda at the
   * second level (exact, but Z3's array theory is incomplete with lambdas: it proves, it may not
   * find models), and at the first level an uninterpreted function of the operation's operands.
   */
  private bulk(kind: string, dst: Term, d: Term, n: Term, at: (i: Term) => Term, operands: Term[]): Term {
    const b = this.b;
    if (n.op === 'const' && n.v <= 64n) {
      let r = dst;
      for (let i = 0; i < Number(n.v); i++) r = b.store(r, b.bvadd(d, b.bv(i, 32)), at(b.bv(i, 32)));
      return r;
    }
    if (this.opts.exactBulk) return b.lambda((a) => b.ite(this.inRange(a, d, n), at(b.bvsub(a, d)), b.select(dst, a)));
    this.abstracted = true;
    return b.app(`bulk.${kind}`, [dst, ...operands], dst.sort);
  }

  private inRange(a: Term, start: Term, len: Term): Term {
    // start <= a < start + len, in 64 bits
    const b = this.b;
    const a64 = b.zext(32, a);
    const s64 = b.zext(32, start);
    return b.and(b.cmp('bvule', s64, a64), b.cmp('bvult', a64, b.bvadd(s64, b.zext(32, len))));
  }

  private fill(k: number, [d, val, n]: Term[]): void {
    const b = this.b;
    this.bounds(k, d, 0, n);
    const M = this.inputs.MEM + k;
    const mem = this.st.s[M];
    const byte = b.extract(7, 0, val);
    this.st.s[M] = this.bulk('memory.fill', mem, d, n, () => byte, [d, byte, n]);
  }

  private copy(dst: number, src: number, [d, s, n]: Term[]): void {
    const b = this.b;
    this.bounds(dst, d, 0, n);
    this.bounds(src, s, 0, n);
    const from = this.st.s[this.inputs.MEM + src];
    const to = this.st.s[this.inputs.MEM + dst];
    this.st.s[this.inputs.MEM + dst] = this.bulk('memory.copy', to, d, n, (i) => b.select(from, b.bvadd(s, i)), [from, d, s, n]);
  }

  private grow(k: number, delta: Term): Term {
    const b = this.b;
    const st = this.st;
    const inp = this.inputs;
    const size = st.s[inp.PAGES + k];
    const max = Math.min(inp.memories[k].max ?? 65536, 65536);
    const w = b.app(`grow${k}`, [st.world, size, delta], WORLD);
    const fits = b.cmp('bvule', b.bvadd(b.zext(32, size), b.zext(32, delta)), b.bv(max, 64));
    const ok = b.and(b.app('grow.ok', [w], BOOL), fits);
    const old = this.byteSize(k);
    const mem = st.s[inp.MEM + k];
    st.world = w;
    let grown: Term;
    if (this.opts.exactBulk) grown = b.lambda((a) => b.ite(b.cmp('bvule', old, b.zext(32, a)), b.bv(0, 8), b.select(mem, a)));
    else {
      this.abstracted = true;
      grown = b.app('bulk.memory.grow', [mem, size], MEM);
    }
    st.s[inp.MEM + k] = b.ite(ok, grown, mem);
    st.s[inp.PAGES + k] = b.ite(ok, b.bvadd(size, delta), size);
    return b.ite(ok, size, b.bv(-1, 32));
  }

  // ---- tables and segments ----

  /** Traps unless [i, i + n) is inside table `t`. */
  private tableBounds(t: number, i: Term, n: Term): void {
    const b = this.b;
    const end = b.bvadd(b.zext(32, i), b.zext(32, n));
    this.trap(b.cmp('bvult', b.zext(32, this.st.s[this.inputs.TSIZE + t]), end), b.bv(TRAP.table, 8));
  }

  private tableGrow(t: number, init: Term, n: Term): Term {
    const b = this.b;
    const st = this.st;
    const inp = this.inputs;
    const size = st.s[inp.TSIZE + t];
    const max = inp.shape.tables[t].max ?? 0xffffffff;
    const w = b.app(`tgrow${t}`, [st.world, size, n], WORLD);
    const fits = b.cmp('bvule', b.bvadd(b.zext(32, size), b.zext(32, n)), b.bv(max, 64));
    const ok = b.and(b.app('grow.ok', [w], BOOL), fits);
    const tab = st.s[inp.TAB + t];
    st.world = w;
    st.s[inp.TAB + t] = b.ite(ok, this.bulk('table.grow', tab, size, n, () => init, [size, init, n]), tab);
    st.s[inp.TSIZE + t] = b.ite(ok, b.bvadd(size, n), size);
    return b.ite(ok, size, b.bv(-1, 32));
  }

  /**
   * memory.init (seg >= 0: data segment seg) or table.init (seg < 0: element segment -1-seg)
   * into the array at state index `arr` whose size is at `sizeAt` (pages or elements).
   */
  private init(arr: number, sizeAt: number, seg: number, [d, s, n]: Term[]): void {
    const b = this.b;
    const inp = this.inputs;
    const isData = seg >= 0;
    const k = isData ? seg : -1 - seg;
    const len = isData ? inp.shape.dataLens[k] : inp.shape.elemLens[k];
    const dropped = this.st.s[(isData ? inp.DDROP : inp.EDROP) + k];
    const segLen = b.ite(dropped, b.bv(0, 64), b.bv(len, 64));
    const code = b.bv(isData ? TRAP.memory : TRAP.table, 8);
    const size = this.st.s[sizeAt];
    const limit = isData ? b.bvshl(b.zext(32, size), b.bv(16, 64)) : b.zext(32, size);
    const n64 = b.zext(32, n);
    this.trap(b.or(b.cmp('bvult', segLen, b.bvadd(b.zext(32, s), n64)), b.cmp('bvult', limit, b.bvadd(b.zext(32, d), n64))), code);
    const src = isData ? inp.data(k) : inp.elem(k);
    const dst = this.st.s[arr];
    const kind = isData ? `memory.init.${k}` : `table.init.${k}`;
    this.st.s[arr] = this.bulk(kind, dst, d, n, (i) => b.select(src, b.bvadd(s, i)), [d, s, n]);
  }
}

// ---- the equivalence query ------------------------------------------------------------------------

/** pre and post agree: same kind of ending, same results on a return, same module state (globals, memories, tables ...), same world. */
export function equivalence(b: Smt, A: Outcome, B: Outcome): Term {
  if (A.results.length !== B.results.length) throw new Unsupported('the signature changed');
  const parts: Term[] = [b.eq(A.kind, B.kind)];
  const returned = b.eq(A.kind, b.bv(0, 8));
  parts.push(b.implies(returned, b.and(...A.results.map((r, i) => b.eq(r, B.results[i])))));
  A.state.forEach((x, i) => parts.push(b.eq(x, B.state[i])));
  parts.push(b.eq(A.world, B.world));
  return b.and(...parts);
}
