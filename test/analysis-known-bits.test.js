// Known bits and ranges (src/analysis/known-bits.ts): soundness checked exhaustively against a
// brute-force reference of wasm semantics, optimality where the transfer functions claim it,
// and the precision the seam SROA relies on.
//
// Operands are "partially known" values: `(x & M) | C` with at most a few unknown bits, or a
// `local.get` whose facts the `local` callback supplies (a bit pattern or a small range). Every
// assignment of the unknown bits / range members is evaluated concretely, and every analysed
// node's concrete value must agree with its known bits and lie within its ranges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Expr, i32Const, i64Const } from '../dist/ir/expr.js';
import { op } from '../dist/ir/opcodes.js';
import { I32, I64, F32, single } from '../dist/ir/types.js';
import { knownBits, KnownBits32, KnownBits64, unknownBits } from '../dist/analysis/known-bits.js';

// ---- seeded randomness -------------------------------------------------------------------
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const int = (rng, n) => Math.floor(rng() * n);
const pick = (rng, xs) => xs[int(rng, xs.length)];
function randBits(rng, w) {
  let v = 0n;
  for (let i = 0; i < w; i += 16) v |= BigInt(int(rng, 0x10000)) << BigInt(i);
  return BigInt.asUintN(w, v);
}

// ---- building IR -------------------------------------------------------------------------
const T = (w) => single(w === 32 ? I32 : I64);
function resultWidth(name) {
  if (/^i(32|64)\.(eqz|eq|ne|[lg][te]_[su])$/.test(name) || name === 'i32.wrap_i64') return 32;
  return name.startsWith('i64.') ? 64 : 32;
}
const mk = (name, ...kids) => new Expr(op(name), T(resultWidth(name)), kids);
const cnst = (w, v) => (w === 32 ? i32Const(Number(BigInt.asIntN(32, BigInt(v)))) : i64Const(BigInt(v)));
function get(w, index) {
  const e = new Expr(op('local.get'), T(w));
  e.index = index;
  return e;
}
function select(w, a, b, c) { return new Expr(op('select'), T(w), [a, b, c]); }
function tee(w, a, index = 9999) {
  const e = new Expr(op('local.tee'), T(w), [a]);
  e.index = index;
  return e;
}
function widthOf(e) { return e.type[0] === I64 ? 64 : 32; }

/** Nodes under `root` in post-order (operands first), iteratively. */
function postOrder(root) {
  const out = [];
  const stack = [[root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [e, i] = top;
    if (i < e.kids.length) { top[1]++; stack.push([e.kids[i], 0]); } else { stack.pop(); out.push(e); }
  }
  return out;
}

function show(root) {
  const s = new Map();
  for (const e of postOrder(root)) {
    let head = e.name;
    if (e.name.endsWith('.const')) head += ` ${e.value}`;
    if (e.name.startsWith('local.')) head += ` ${e.index}`;
    s.set(e, e.kids.length ? `(${head} ${e.kids.map((k) => s.get(k)).join(' ')})` : `(${head})`);
  }
  return s.get(root);
}

// ---- reference semantics (values are unsigned bigints of the node's width) ---------------
const TRAP = Symbol('trap');
function bitlen(v) { return v === 0n ? 0 : v.toString(2).length; }
function evalNode(e, args, env) {
  const name = e.name;
  if (name === 'i32.const') return BigInt.asUintN(32, BigInt(e.value));
  if (name === 'i64.const') return BigInt.asUintN(64, e.value);
  if (name === 'local.get') return env.get(e.index);
  if (name === 'local.tee') return args[0];
  if (name === 'select') return args[2] !== 0n ? args[0] : args[1];
  const w = name.startsWith('i64.') ? 64 : 32;
  const W = BigInt(w);
  const u = (v) => BigInt.asUintN(w, v);
  const s = (v) => BigInt.asIntN(w, v);
  const [a, b] = args;
  const b1 = (c) => (c ? 1n : 0n);
  switch (name.slice(4)) {
    case 'and': return a & b;
    case 'or': return a | b;
    case 'xor': return a ^ b;
    case 'add': return u(a + b);
    case 'sub': return u(a - b);
    case 'mul': return u(a * b);
    case 'shl': return u(a << (b % W));
    case 'shr_u': return a >> (b % W);
    case 'shr_s': return u(s(a) >> (b % W));
    case 'rotl': { const k = b % W; return u((a << k) | (a >> ((W - k) % W))); }
    case 'rotr': { const k = b % W; return u((a >> k) | (a << ((W - k) % W))); }
    case 'div_u': return b === 0n ? TRAP : a / b;
    case 'rem_u': return b === 0n ? TRAP : a % b;
    case 'div_s': return b === 0n || (s(a) === -(1n << (W - 1n)) && s(b) === -1n) ? TRAP : u(s(a) / s(b));
    case 'rem_s': return b === 0n ? TRAP : u(s(a) % s(b));
    case 'clz': return BigInt(w - bitlen(a));
    case 'ctz': { if (a === 0n) return W; let n = 0n; while (((a >> n) & 1n) === 0n) n++; return n; }
    case 'popcnt': { let n = 0n; for (let x = a; x; x >>= 1n) n += x & 1n; return n; }
    case 'eqz': return b1(a === 0n);
    case 'eq': return b1(a === b);
    case 'ne': return b1(a !== b);
    case 'lt_u': return b1(a < b);
    case 'gt_u': return b1(a > b);
    case 'le_u': return b1(a <= b);
    case 'ge_u': return b1(a >= b);
    case 'lt_s': return b1(s(a) < s(b));
    case 'gt_s': return b1(s(a) > s(b));
    case 'le_s': return b1(s(a) <= s(b));
    case 'ge_s': return b1(s(a) >= s(b));
    case 'extend8_s': return u(BigInt.asIntN(8, a));
    case 'extend16_s': return u(BigInt.asIntN(16, a));
    case 'extend32_s': return u(BigInt.asIntN(32, a));
    case 'wrap_i64': return BigInt.asUintN(32, a);
    case 'extend_i32_u': return a;
    case 'extend_i32_s': return BigInt.asUintN(64, BigInt.asIntN(32, a));
  }
  throw new Error(`no reference for ${name}`);
}

/** Concrete values of every node for one environment (TRAP where a node traps). */
function evaluate(nodes, env) {
  const vals = new Map();
  for (const e of nodes) {
    const args = e.kids.map((k) => vals.get(k));
    vals.set(e, args.includes(TRAP) ? TRAP : evalNode(e, args, env));
  }
  return vals;
}

// ---- the soundness checker ---------------------------------------------------------------

/** Bigint view of a fact, for uniform checks. */
function view(kb) {
  if (kb.width === 32) {
    return {
      w: 32, zeros: BigInt(kb.zeros), ones: BigInt(kb.ones), umin: BigInt(kb.umin), umax: BigInt(kb.umax),
      smin: BigInt(kb.smin), smax: BigInt(kb.smax),
    };
  }
  return { w: 64, zeros: kb.zeros, ones: kb.ones, umin: kb.umin, umax: kb.umax, smin: kb.smin, smax: kb.smax };
}

function assertInvariants(kb, where) {
  const v = view(kb);
  const M = (1n << BigInt(v.w)) - 1n;
  assert.ok((v.zeros & v.ones) === 0n, `zeros & ones overlap ${where}`);
  assert.ok(v.zeros >= 0n && v.zeros <= M && v.ones >= 0n && v.ones <= M, `mask domain ${where}`);
  assert.ok(v.umin <= v.umax && v.umin >= 0n && v.umax <= M, `unsigned range ${where}`);
  assert.ok(v.smin <= v.smax && v.smin >= -(1n << BigInt(v.w - 1)) && v.smax < 1n << BigInt(v.w - 1), `signed range ${where}`);
  if (kb.isConstant) {
    assert.equal(BigInt(kb.constant), BigInt.asIntN(v.w, v.ones), `constant ${where}`);
    assert.equal(v.zeros | v.ones, M, `constant has all bits known ${where}`);
  } else assert.equal(kb.constant, null);
}

const views = new WeakMap();
function assertContains(kb, value, where) {
  let v = views.get(kb);
  if (!v) views.set(kb, (v = view(kb)));
  const sv = BigInt.asIntN(v.w, value);
  const ok = (value & v.zeros) === 0n && (value & v.ones) === v.ones && value >= v.umin && value <= v.umax &&
    sv >= v.smin && sv <= v.smax;
  if (!ok) assert.fail(`value ${value} (signed ${sv}) not in ${kb} ${where()}`);
}

/** `fitsUnsigned`/`fitsSigned` agree with the extremes of the values seen. */
function assertFits(kb, s, where) {
  for (const bits of [0, 1, 7, 8, 9, 16, 31, 32, 33, 63, 64]) {
    if (kb.fitsUnsigned(bits)) assert.ok(s.umax < 1n << BigInt(bits), `fitsUnsigned(${bits}) ${where()}`);
    const h = bits === 0 ? 0n : 1n << BigInt(bits - 1);
    if (kb.fitsSigned(bits)) assert.ok(s.smin >= -h && s.smax <= (bits === 0 ? 0n : h - 1n), `fitsSigned(${bits}) ${where()}`);
  }
}

let checkedValues = 0;
/**
 * Analyses `root` with the leaves' facts, then evaluates it under every combination of the
 * leaves' values, asserting each analysed node's facts contain its concrete value. Returns the
 * per-node facts and the optimal known bits seen (for exactness checks).
 */
function checkTree(root, leaves, label = '') {
  const cache = new Map();
  const local = (g) => leaves.get(g.index)?.facts ?? null;
  const kb = knownBits(root, { local, cache });
  const res = (e) => cache.get(e);
  assert.equal(cache.get(root), kb);
  const nodes = postOrder(root);
  for (const [e, f] of cache) assertInvariants(f, `at ${show(e)} ${label}`);
  const leafList = [...leaves.entries()];
  const env = new Map();
  const seen = new Map(); // node -> { and, or, traps }
  const idx = leafList.map(() => 0);
  for (;;) {
    for (let i = 0; i < leafList.length; i++) env.set(leafList[i][0], leafList[i][1].values[idx[i]]);
    const vals = evaluate(nodes, env);
    for (const [e, f] of cache) {
      const v = vals.get(e);
      if (v === undefined) continue; // a node of another tree sharing the cache
      let s = seen.get(e);
      if (!s) seen.set(e, (s = { and: null, or: 0n, traps: false, umax: 0n, smin: 1n << 64n, smax: -(1n << 64n) }));
      if (v === TRAP) { s.traps = true; continue; }
      checkedValues++;
      assertContains(f, v, () => `at ${show(e)} in ${show(root)} env ${[...env].join(';')} ${label}`);
      s.and = s.and === null ? v : s.and & v;
      s.or |= v;
      if (v > s.umax) s.umax = v;
      const sv = BigInt.asIntN(f.width, v);
      if (sv < s.smin) s.smin = sv;
      if (sv > s.smax) s.smax = sv;
    }
    let i = 0;
    while (i < leafList.length && ++idx[i] === leafList[i][1].values.length) idx[i++] = 0;
    if (i === leafList.length) break;
  }
  for (const [e, s] of seen) if (s.and !== null) assertFits(res(e), s, () => `at ${show(e)} in ${show(root)} ${label}`);
  return { kb, cache, seen };
}

/** Asserts that `e`'s known bits are exactly the bits constant over all its concrete values. */
function assertExact(res, e, label) {
  const s = res.seen.get(e);
  const f = view(res.cache.get(e));
  const M = (1n << BigInt(f.w)) - 1n;
  if (s.and === null) return;
  assert.equal(f.ones, s.and, `ones not optimal at ${show(e)} ${label}`);
  assert.equal(f.zeros, M & ~s.or, `zeros not optimal at ${show(e)} ${label}`);
}

// ---- operand generators ------------------------------------------------------------------

/** `k` distinct bit positions, biased to the low byte, the top byte and the 32-bit boundary. */
function positions(rng, w, k) {
  const set = new Set();
  while (set.size < k) {
    const r = rng();
    let p;
    if (r < 0.4) p = int(rng, 8);
    else if (r < 0.6) p = w - 1 - int(rng, 8);
    else if (r < 0.7 && w === 64) p = 28 + int(rng, 8);
    else p = int(rng, w);
    set.add(p);
  }
  return [...set];
}

function subsets(bitsList) {
  const out = [0n];
  for (const p of bitsList) {
    const m = 1n << BigInt(p);
    for (let i = out.length - 1; i >= 0; i--) out.push(out[i] | m);
  }
  return out;
}

/**
 * `(x & M) | C` with x an unknown local.get (no facts) whose concrete values vary exactly the
 * bits `U = M & ~C` (k of them). Registers x's values in `leaves`.
 */
function partial(rng, w, k, leaves, shape = 'any') {
  const U = positions(rng, w, k);
  const Um = U.reduce((m, p) => m | (1n << BigInt(p)), 0n);
  const base = pick(rng, [0n, (1n << BigInt(w)) - 1n, randBits(rng, w), randBits(rng, w) & 0xffn]);
  let C = base & ~Um;
  if (shape === 'small') C &= 0x7fn; // for shift counts: sometimes >= width, sometimes not
  const M = Um | (randBits(rng, w) & C);
  const index = leaves.size;
  const r = randBits(rng, w);
  leaves.set(index, { values: subsets(U).map((a) => (r & ~Um) | a), facts: null });
  return mk(`i${w}.or`, mk(`i${w}.and`, get(w, index), cnst(w, M)), cnst(w, C));
}

/** A local.get whose facts (from the `local` callback) are a bit pattern or a small range. */
function factLeaf(rng, w, leaves, budget) {
  const index = leaves.size;
  const W = BigInt(w);
  const M = (1n << W) - 1n;
  const r = rng();
  let values, facts;
  if (r < 0.5) {
    const k = Math.min(int(rng, 4) + 1, budget);
    const U = positions(rng, w, k);
    const Um = U.reduce((m, p) => m | (1n << BigInt(p)), 0n);
    const base = pick(rng, [0n, M, randBits(rng, w), randBits(rng, w) & 0xffffn]) & ~Um;
    values = subsets(U).map((a) => base | a);
    facts = w === 32 ? KnownBits32.ofMasks(Number(M & ~Um & ~base), Number(base)) : KnownBits64.ofMasks(M & ~Um & ~base, base);
  } else if (r < 0.75) {
    const n = BigInt(1 + int(rng, Math.min(12, 1 << budget)));
    const lo = pick(rng, [0n, BigInt(int(rng, 300)), (1n << (W - 1n)) - n, 1n << (W - 1n), M - n + 1n, randBits(rng, w) % (M - n),
      w === 64 ? (1n << 32n) - n / 2n : 0n, w === 64 ? (1n << 31n) - n / 2n : 0n]);
    values = [];
    for (let v = lo; v < lo + n; v++) values.push(v);
    facts = w === 32 ? KnownBits32.ofUnsignedRange(Number(lo), Number(lo + n - 1n)) : KnownBits64.ofUnsignedRange(lo, lo + n - 1n);
  } else if (r < 0.9) {
    const n = BigInt(1 + int(rng, Math.min(12, 1 << budget)));
    const H = 1n << (W - 1n);
    const lo = pick(rng, [-n / 2n, -H, H - n, -BigInt(int(rng, 300)), -130n, -32770n,
      w === 64 ? -(1n << 31n) - n / 2n : 0n, w === 64 ? (1n << 31n) - n / 2n : 0n]);
    values = [];
    for (let v = lo; v < lo + n; v++) values.push(BigInt.asUintN(w, v));
    facts = w === 32 ? KnownBits32.ofSignedRange(Number(lo), Number(lo + n - 1n)) : KnownBits64.ofSignedRange(lo, lo + n - 1n);
  } else {
    values = [randBits(rng, w), randBits(rng, w), 0n];
    facts = null;
  }
  leaves.set(index, { values, facts });
  return { e: get(w, index), count: values.length };
}

function interestingConst(rng, w) {
  const W = BigInt(w);
  return pick(rng, [0n, 1n, 2n, 3n, 7n, 8n, 31n, 32n, 33n, 63n, 64n, 65n, 255n, 256n, 0xffffn, 0xffffffffn, 1n << 32n,
    (1n << (W - 1n)) - 1n, 1n << (W - 1n), -1n, -2n, -128n, randBits(rng, w), randBits(rng, 8), randBits(rng, 16)]);
}

// ---- op lists ----------------------------------------------------------------------------
const BIN = ['and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr', 'add', 'sub', 'mul', 'div_u', 'rem_u', 'div_s', 'rem_s'];
const SHIFTS = ['shl', 'shr_s', 'shr_u', 'rotl', 'rotr'];
const CMP = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
const UN32 = ['clz', 'ctz', 'popcnt', 'eqz', 'extend8_s', 'extend16_s'];
const UN64 = ['clz', 'ctz', 'popcnt', 'extend8_s', 'extend16_s', 'extend32_s'];

// ---- exhaustive per-op tests -------------------------------------------------------------

for (const w of [32, 64]) {
  test(`i${w}: every binary op on partially known operands is sound (exhaustive over unknown bits)`, () => {
    const rng = mulberry32(w * 1000 + 1);
    for (const name of [...BIN, ...CMP]) {
      for (let iter = 0; iter < 60; iter++) {
        const leaves = new Map();
        const k1 = int(rng, 6), k2 = int(rng, 6);
        const a = partial(rng, w, k1, leaves);
        const b = SHIFTS.includes(name) && rng() < 0.6 ? partial(rng, w, Math.min(k2, 4), leaves, 'small') : partial(rng, w, k2, leaves);
        const e = mk(`i${w}.${name}`, a, b);
        const res = checkTree(e, leaves, name);
        if (['and', 'or', 'xor', 'add', 'sub'].includes(name)) assertExact(res, e, name);
      }
    }
  });

  test(`i${w}: shifts and rotates by constants (0, >= width, negative) are exact`, () => {
    const rng = mulberry32(w * 1000 + 2);
    const amounts = [0, 1, 7, w - 1, w, w + 1, 2 * w + 3, -1, -w, 1000];
    for (const name of SHIFTS) {
      for (const s of amounts) {
        for (let iter = 0; iter < 12; iter++) {
          const leaves = new Map();
          const e = mk(`i${w}.${name}`, partial(rng, w, int(rng, 9), leaves), cnst(w, s));
          const res = checkTree(e, leaves, `${name} ${s}`);
          assertExact(res, e, `${name} by ${s}`);
        }
      }
    }
  });

  test(`i${w}: unary ops, extends, eqz are sound; sign extensions are exact`, () => {
    const rng = mulberry32(w * 1000 + 3);
    for (const name of w === 32 ? UN32 : [...UN64, 'eqz']) {
      for (let iter = 0; iter < 80; iter++) {
        const leaves = new Map();
        const e = mk(`i${w}.${name}`, partial(rng, w, int(rng, 9), leaves));
        const res = checkTree(e, leaves, name);
        if (name.startsWith('extend')) assertExact(res, e, name);
        const f = res.kb;
        if (name === 'clz' || name === 'ctz' || name === 'popcnt') assert.ok(f.fitsUnsigned(w === 32 ? 6 : 7) && BigInt(f.umax) <= BigInt(w));
        if (name === 'eqz') assert.ok(f.width === 32 && f.knownZero(~1));
      }
    }
  });
}

test('conversions: wrap_i64, extend_i32_u/_s are exact', () => {
  const rng = mulberry32(77);
  for (let iter = 0; iter < 150; iter++) {
    for (const [name, w] of [['i32.wrap_i64', 64], ['i64.extend_i32_u', 32], ['i64.extend_i32_s', 32]]) {
      const leaves = new Map();
      const e = mk(name, partial(rng, w, int(rng, 9), leaves));
      assertExact(checkTree(e, leaves, name), e, name);
    }
  }
});

test('select merges both arms (and picks one when the condition is known); tee is its operand', () => {
  const rng = mulberry32(78);
  for (const w of [32, 64]) {
    for (let iter = 0; iter < 80; iter++) {
      const leaves = new Map();
      const cond = rng() < 0.3 ? cnst(32, pick(rng, [0, 1, 5])) : partial(rng, 32, int(rng, 3), leaves);
      const e = select(w, partial(rng, w, int(rng, 4), leaves), tee(w, partial(rng, w, int(rng, 4), leaves)), cond);
      const res = checkTree(e, leaves, 'select');
      assertExact(res, e, 'select'); // the join of exact arms is exact for bits
      assert.equal(res.cache.get(e.kids[1]), res.cache.get(e.kids[1].kids[0]));
    }
  }
});

// ---- random trees over all supported ops, leaves with callback facts ----------------------

function genTree(rng, w, depth, ctx) {
  const leaf = () => {
    if (ctx.budget <= 0 || rng() < 0.35) return cnst(w, interestingConst(rng, w));
    const { e, count } = factLeaf(rng, w, ctx.leaves, ctx.budget);
    ctx.budget -= Math.ceil(Math.log2(count + 1));
    return e;
  };
  if (depth === 0 || rng() < 0.2) return leaf();
  const r = rng();
  const sub = (ww) => genTree(rng, ww, depth - 1, ctx);
  if (w === 32) {
    if (r < 0.45) return mk(`i32.${pick(rng, BIN)}`, sub(32), sub(32));
    if (r < 0.55) return mk(`i32.${pick(rng, UN32)}`, sub(32));
    if (r < 0.65) { const ow = pick(rng, [32, 64]); return mk(`i${ow}.${pick(rng, CMP)}`, sub(ow), sub(ow)); }
    if (r < 0.68) return mk('i64.eqz', sub(64));
    if (r < 0.78) return mk('i32.wrap_i64', sub(64));
    if (r < 0.85) return select(32, sub(32), sub(32), sub(32));
    if (r < 0.9) return tee(32, sub(32));
    if (r < 0.95) return mk('i32.and', sub(32), cnst(32, pick(rng, [0xff, 0xffff, 0x7f, 0x3f0, 1, 31])));
    return mk(`i32.${pick(rng, SHIFTS)}`, sub(32), cnst(32, pick(rng, [0, 1, 8, 16, 24, 31, 32, 40])));
  }
  if (r < 0.45) return mk(`i64.${pick(rng, BIN)}`, sub(64), sub(64));
  if (r < 0.55) return mk(`i64.${pick(rng, UN64)}`, sub(64));
  if (r < 0.7) return mk(pick(rng, ['i64.extend_i32_u', 'i64.extend_i32_s']), sub(32));
  if (r < 0.78) return select(64, sub(64), sub(64), sub(32));
  if (r < 0.83) return tee(64, sub(64));
  if (r < 0.9) return mk('i64.and', sub(64), cnst(64, pick(rng, [0xffn, 0xffffffffn, 0xff00000000n, 1n])));
  return mk(`i64.${pick(rng, SHIFTS)}`, sub(64), cnst(64, pick(rng, [0n, 8n, 32n, 56n, 63n, 64n, 96n])));
}

test('random trees (seeded): every analysed node is sound for every leaf assignment', () => {
  const rng = mulberry32(20240607);
  let trees = 0;
  for (let iter = 0; iter < 8000; iter++) {
    const w = rng() < 0.5 ? 32 : 64;
    const ctx = { leaves: new Map(), budget: 9 };
    const e = genTree(rng, w, 1 + int(rng, 4), ctx);
    checkTree(e, ctx.leaves, `seed iter ${iter}`);
    trees++;
  }
  assert.ok(trees === 8000 && checkedValues > 100000);
});

// ---- precision the seam relies on ----------------------------------------------------------

function seamPack(x, y) {
  // (extend_i32_u(x) << 32) | extend_i32_u(y & 255)
  return mk('i64.or', mk('i64.shl', mk('i64.extend_i32_u', x), cnst(64, 32)),
    mk('i64.extend_i32_u', mk('i32.and', y, cnst(32, 255))));
}

test('seam: unpacking the high half knows the top 32 bits are zero and the rest is x', () => {
  const xf = KnownBits32.ofMasks(0xf0000000, 0x00000005); // x < 2^28, low bits ?..?1?1
  const local = (g) => (g.index === 0 ? xf : null);
  const packed = seamPack(get(32, 0), get(32, 1));
  const hi = mk('i64.shr_u', packed, cnst(64, 32));
  const f = knownBits(hi);
  assert.equal(f.width, 64);
  assert.ok(f.knownZero(0xffffffff00000000n));
  assert.ok(f.fitsUnsigned(32));
  const g = knownBits(hi, { local });
  assert.equal(g.zeros, 0xfffffffff0000000n);
  assert.equal(g.ones, 5n);
  // wrap_i64 of the high half is exactly x's facts.
  const w = knownBits(mk('i32.wrap_i64', hi), { local });
  assert.equal(w.zeros, xf.zeros);
  assert.equal(w.ones, xf.ones);
  assert.deepEqual(w.unsignedRange(), xf.unsignedRange());
  // The packed value itself: bits 8..31 are known zero.
  assert.ok(knownBits(packed).knownZero(0xffffff00n));
  assert.equal(knownBits(packed).zeros, 0xffffff00n);
});

test('seam: and with 255 knows bits 8..63 are zero; the low byte of the pack is y & 255', () => {
  const packed = seamPack(get(32, 0), get(32, 1));
  const lo = mk('i64.and', packed, cnst(64, 255));
  const f = knownBits(lo);
  assert.equal(f.zeros, 0xffffffffffffff00n);
  assert.deepEqual(f.unsignedRange(), [0n, 255n]);
  assert.ok(f.fitsUnsigned(8) && !f.fitsUnsigned(7) && f.fitsSigned(9) && !f.fitsSigned(8));
  const w = knownBits(mk('i32.wrap_i64', lo));
  assert.equal(w.zeros, 0xffffff00);
  assert.deepEqual(w.unsignedRange(), [0, 255]);
  assert.deepEqual(w.signedRange(), [0, 255]);
});

test('seam: wrap_i64(extend_i32_u(x)) has no known bits, or exactly x\'s', () => {
  const e = mk('i32.wrap_i64', mk('i64.extend_i32_u', get(32, 0)));
  const f = knownBits(e);
  assert.equal(f.zeros, 0);
  assert.equal(f.ones, 0);
  assert.ok(f.equals(unknownBits(32)));
  for (const xf of [KnownBits32.ofMasks(0x0f0f0000, 0x80000001), KnownBits32.ofSignedRange(-5, 5), KnownBits32.ofUnsignedRange(10, 300)]) {
    const local = () => xf;
    for (const ext of ['i64.extend_i32_u', 'i64.extend_i32_s']) {
      const g = knownBits(mk('i32.wrap_i64', mk(ext, get(32, 0))), { local });
      assert.ok(g.equals(xf), `${ext}: ${g} vs ${xf}`);
    }
  }
});

test('comparisons and eqz: bits 1..31 known zero; decided by ranges when possible', () => {
  for (const c of CMP) {
    for (const w of [32, 64]) {
      const f = knownBits(mk(`i${w}.${c}`, get(w, 0), get(w, 1)));
      assert.equal(f.width, 32);
      assert.equal(f.zeros, 0xfffffffe, c);
      assert.deepEqual(f.unsignedRange(), [0, 1]);
    }
  }
  assert.equal(knownBits(mk('i32.eqz', get(32, 0))).zeros, 0xfffffffe);
  assert.equal(knownBits(mk('i64.eqz', get(64, 0))).zeros, 0xfffffffe);
  assert.equal(knownBits(new Expr(op('f64.lt'), single(I32), [])).zeros, 0xfffffffe);
  // (x & 255) < 256 is always true; (x | 1) == 0 is always false.
  assert.equal(knownBits(mk('i32.lt_u', mk('i32.and', get(32, 0), cnst(32, 255)), cnst(32, 256))).constant, 1);
  assert.equal(knownBits(mk('i64.eq', mk('i64.or', get(64, 0), cnst(64, 1)), cnst(64, 0))).constant, 0);
  assert.equal(knownBits(mk('i32.eqz', mk('i32.or', get(32, 0), cnst(32, 16)))).constant, 0);
});

test('ranges: and/shr_u/rem_u/div_u/clz/loads/extends are refined', () => {
  const x = () => get(32, 0);
  const X = () => get(64, 0);
  const u = (e) => knownBits(e).unsignedRange();
  const s = (e) => knownBits(e).signedRange();
  assert.deepEqual(u(mk('i32.and', x(), cnst(32, 0x3ff))), [0, 0x3ff]);
  assert.deepEqual(u(mk('i32.shr_u', x(), cnst(32, 28))), [0, 15]);
  assert.deepEqual(u(mk('i32.rem_u', x(), cnst(32, 10))), [0, 9]);
  assert.deepEqual(u(mk('i64.rem_u', X(), cnst(64, 1000))), [0n, 999n]);
  assert.deepEqual(u(mk('i32.div_u', x(), cnst(32, 1000))), [0, 4294967]);
  assert.deepEqual(u(mk('i32.clz', x())), [0, 32]);
  assert.deepEqual(u(mk('i64.popcnt', X())), [0n, 64n]);
  // rem_u by a power of two is an and: bits exact.
  assert.equal(knownBits(mk('i32.rem_u', x(), cnst(32, 16))).zeros, 0xfffffff0);
  // sum of two bytes fits in 9 bits; the range bounds the bits.
  const byte = () => mk('i32.and', x(), cnst(32, 255));
  const sum = knownBits(mk('i32.add', byte(), byte()));
  assert.deepEqual(sum.unsignedRange(), [0, 510]);
  assert.equal(sum.zeros, 0xfffffe00);
  // (x rem_u 10) & 0xff stays below 10.
  assert.deepEqual(u(mk('i32.and', mk('i32.rem_u', x(), cnst(32, 10)), cnst(32, 0xff))), [0, 9]);
  const load = (name) => {
    const e = new Expr(op(name), T(resultWidth(name)), [cnst(32, 0)]);
    return knownBits(e);
  };
  assert.equal(load('i32.load8_u').zeros, 0xffffff00);
  assert.equal(load('i32.load16_u').zeros, 0xffff0000);
  assert.equal(load('i64.load8_u').zeros, 0xffffffffffffff00n);
  assert.equal(load('i64.load16_u').zeros, 0xffffffffffff0000n);
  assert.equal(load('i64.load32_u').zeros, 0xffffffff00000000n);
  assert.deepEqual(load('i32.load8_s').signedRange(), [-128, 127]);
  assert.deepEqual(load('i32.load16_s').signedRange(), [-32768, 32767]);
  assert.deepEqual(load('i64.load32_s').signedRange(), [-(2n ** 31n), 2n ** 31n - 1n]);
  assert.equal(load('i32.load').zeros, 0);
  assert.deepEqual(s(mk('i32.extend8_s', x())), [-128, 127]);
  assert.deepEqual(s(mk('i64.extend16_s', X())), [-32768n, 32767n]);
  assert.deepEqual(s(mk('i64.extend_i32_s', x())), [-(2n ** 31n), 2n ** 31n - 1n]);
  assert.deepEqual(u(mk('i64.extend_i32_u', x())), [0n, 0xffffffffn]);
  assert.ok(knownBits(mk('i64.extend_i32_s', mk('i32.load8_s', x()))).fitsSigned(8));
  // Unknown ops (div_s, calls, ...) are unknown.
  assert.ok(knownBits(mk('i32.div_s', x(), cnst(32, 3))).equals(unknownBits(32)));
});

test('shifts by unknown amounts are masked mod width and joined', () => {
  // x << (y & 7): trailing bits of x stay zero; (x & 0xff) >> (y | 32) is x >> (y & 31) | ... ≤ 0xff.
  const f = knownBits(mk('i32.shl', mk('i32.shl', get(32, 0), cnst(32, 4)), mk('i32.and', get(32, 1), cnst(32, 7))));
  assert.equal(f.zeros, 0xf);
  const g = knownBits(mk('i32.shr_u', mk('i32.and', get(32, 0), cnst(32, 0xff)), mk('i32.or', get(32, 1), cnst(32, 32))));
  assert.equal(g.zeros, 0xffffff00);
  // a count of 64 + 8 is a shift by 8.
  const h = knownBits(mk('i64.shl', get(64, 0), mk('i64.or', mk('i64.and', get(64, 1), cnst(64, 0x40n)), cnst(64, 8n))));
  assert.equal(h.zeros, 0xffn);
  // a count that is entirely unknown: nothing known about an unknown x.
  assert.equal(knownBits(mk('i64.rotl', cnst(64, 1n), get(64, 1))).zeros, 0n);
  assert.equal(knownBits(mk('i32.shr_s', cnst(32, -1), get(32, 1))).constant, -1);
});

test('add/sub/mul carry-aware low bits', () => {
  // (x << 4 | 3) + 5 has low 4 bits 8; (x << 4) * (y << 2) has 6 trailing zeros.
  const a = knownBits(mk('i32.add', mk('i32.or', mk('i32.shl', get(32, 0), cnst(32, 4)), cnst(32, 3)), cnst(32, 5)));
  assert.equal(a.zeros & 0xf, 0x7);
  assert.equal(a.ones & 0xf, 0x8);
  const m = knownBits(mk('i64.mul', mk('i64.shl', get(64, 0), cnst(64, 4n)), mk('i64.shl', get(64, 1), cnst(64, 2n))));
  assert.equal(m.zeros, 0x3fn);
  const odd = knownBits(mk('i32.mul', mk('i32.or', get(32, 0), cnst(32, 1)), cnst(32, 3)));
  assert.equal(odd.ones & 1, 1);
  const s = knownBits(mk('i32.sub', cnst(32, 0), mk('i32.shl', get(32, 0), cnst(32, 3))));
  assert.equal(s.zeros, 7);
});

// ---- API edges -----------------------------------------------------------------------------

test('API: factories, helpers, callback width check, non-integer roots, cache', () => {
  const c = KnownBits32.ofConstant(-3);
  assert.ok(c.isConstant);
  assert.equal(c.constant, -3);
  assert.deepEqual(c.signedRange(), [-3, -3]);
  assert.deepEqual(c.unsignedRange(), [0xfffffffd, 0xfffffffd]);
  assert.equal(c.bit(0), 1);
  assert.equal(c.bit(1), 0);
  const c64 = KnownBits64.ofConstant(-3n);
  assert.equal(c64.constant, -3n);
  assert.equal(c64.high32().constant, -1);
  assert.equal(c64.low32().constant, -3);
  const j = KnownBits32.ofConstant(4).join(KnownBits32.ofConstant(6));
  assert.equal(j.zeros, 0xfffffff9);
  assert.equal(j.ones, 4);
  assert.deepEqual(j.unsignedRange(), [4, 6]);
  assert.equal(KnownBits32.ofUnsignedRange(0, 255).intersect(KnownBits32.ofMasks(1, 0)).zeros, 0xffffff01);
  assert.equal(knownBits(cnst(64, -1n)).constant, -1n);
  assert.equal(knownBits(cnst(32, 0x80000000)).constant, -0x80000000);
  assert.throws(() => knownBits(new Expr(op('f32.const'), single(F32))), /does not produce/);
  assert.throws(() => knownBits(get(32, 0), { local: () => KnownBits64.top() }), /i64 fact/);
  const cache = new Map();
  const e = mk('i32.add', get(32, 0), cnst(32, 1));
  const r = knownBits(e, { cache });
  assert.equal(cache.size, 3);
  assert.equal(knownBits(e, { cache }), r);
  assert.match(String(KnownBits32.ofMasks(0xfffffff0, 1)), /^i32 00000000_00000000_00000000_0000\?\?\?1 /);
});

test('100,000-deep nest is analysed without recursion', () => {
  let e = get(32, 0);
  for (let i = 0; i < 100000; i++) e = mk('i32.add', e, cnst(32, 1));
  const root = mk('i32.and', e, cnst(32, 0xff));
  assert.equal(knownBits(root).zeros, 0xffffff00);
  let d = mk('i32.and', get(32, 0), cnst(32, 0xf0));
  for (let i = 0; i < 100000; i++) d = mk('i32.wrap_i64', mk('i64.and', mk('i64.extend_i32_u', d), cnst(64, -1n)));
  assert.equal(knownBits(d).zeros, 0xffffff0f);
  let z = get(64, 0);
  for (let i = 0; i < 100000; i++) z = mk('i64.shl', z, cnst(64, 1n));
  assert.equal(knownBits(z).zeros, 0xffffffffffffffffn);
});
