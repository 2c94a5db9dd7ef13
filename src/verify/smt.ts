// SMT terms for translation validation (verify/translation-validation.ts): sorts, hash-consed
// terms with local simplification (`Smt`), and printing as SMT-LIB 2 text for Z3.
//
// The terms are hash-consed and simplified on construction (constant folding, x == x, store/
// select forwarding between addresses base+k with different k, ...), so the parts of the two
// functions a pass did not change become the same terms, and the query often reduces to
// `false` before a solver is involved. Every simplification is an identity of the SMT-LIB
// semantics (test/verify.test.js checks the folds against Z3). Nothing here recurses on terms
// (except the short bodies of memory lambdas when printed). What the terms mean for wasm is in
// verify/smt-function.ts (function bodies) and verify/smt-numeric.ts (numeric instructions).

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
