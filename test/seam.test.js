// seam-sroa: the kill criterion on the frozen sem repro (gale/sem.loom.wasm), the bit-field
// views checked against concrete evaluation, and random packing/dispatch functions through the
// differential oracle.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  decodeModule, encodeModule, validateModule, runPasses, resolvePasses, codeContext, readFunctionBody, O, op, pipeline,
  PassContext, Expr,
} from '../dist/index.js';
import { readNames } from '../dist/binary/names.js';
import { moduleStats } from '../dist/stats.js';
import { forEachExpr } from '../dist/ir/walk.js';
import { i32Const, i64Const } from '../dist/ir/expr.js';
import { I32, I64, single } from '../dist/ir/types.js';
import { evalNumeric } from '../dist/ir/eval.js';
import { knownBits } from '../dist/analysis/known-bits.js';
import { viewOf, sourceBit } from '../dist/analysis/bit-fields.js';
import { seamSroa, seamStats } from '../dist/passes/seam-sroa.js';
import { differential, formatReport, shutdownDifferential, argumentLists } from '../dist/verify/differential.js';
import { valueOf } from '../dist/verify/diff-worker.js';
import { assemble } from '../scripts/lit.js';

after(() => shutdownDifferential());

const here = path.dirname(fileURLToPath(import.meta.url));
const SEM = path.join(here, '..', '..', 'shared', 'corpus', 'gale', 'sem.loom.wasm');

/** The per-function cleanup of the -O pipelines (pipeline.ts `cleanup`). */
const CLEANUP = ['dce', 'remove-unused-brs', 'optimize-instructions', 'precompute', 'simplify-locals', 'vacuum', 'merge-blocks'];
/** The acceptance pipeline: inline, cleanup, seam-sroa, cleanup, then the locals passes. */
const PIPE = ['inline', ...CLEANUP, 'seam-sroa', ...CLEANUP, 'dead-locals', 'reorder-locals'];

function optimizeWith(bytes, passes) {
  const m = decodeModule(bytes);
  validateModule(m);
  runPasses(m, resolvePasses({ passes }));
  const out = encodeModule(m);
  validateModule(decodeModule(out));
  assert.ok(WebAssembly.validate(out), 'V8 rejects the output');
  return out;
}

function indexOf(bytes, name) {
  for (const [i, n] of readNames(decodeModule(bytes)).functions) if (n === name) return i;
  return -1;
}

function statsOf(bytes, name) {
  const s = moduleStats(decodeModule(bytes));
  const fn = s.functions.find((f) => f.name === name);
  assert.ok(fn, `no function ${name}`);
  return fn;
}

/**
 * Replays the oracle's calls of one export in-process (the same arguments and import results
 * as `differential`, calls in sequence on one instance) and counts the runs per class.
 */
async function paths(bytes, exportName, runs, classify) {
  const m = decodeModule(bytes);
  const fts = m.funcTypeIndices();
  const exp = m.exports.find((e) => e.name === exportName);
  const params = m.types[fts[exp.index]].params.map((t) => ({ 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64' })[t]);
  const mems = m.memoryTypes();
  const memBytes = mems.length ? Math.min(mems[0].min, 16384) * 65536 : 0;
  let n = 0;
  let trace = [];
  const env = {};
  for (const imp of m.imports) {
    if (imp.desc.kind !== 'func') continue;
    const results = m.types[imp.desc.type].results;
    const rt = results.length ? ({ 0x7f: 'i32', 0x7e: 'i64' })[results[0]] : null;
    (env[imp.module] ??= {})[imp.name] = (...args) => {
      trace.push(imp.name);
      return rt ? valueOf(rt, 1, n++) : (n++, undefined);
    };
  }
  const { instance } = await WebAssembly.instantiate(bytes, env);
  const counts = {};
  for (const args of argumentLists(params, runs, 1, exportName, memBytes)) {
    trace = [];
    let result;
    try {
      result = instance.exports[exportName](...args);
    } catch (e) {
      result = e instanceof WebAssembly.RuntimeError ? 'trap' : `error ${e}`;
    }
    const c = classify(result, trace);
    counts[c] = (counts[c] ?? 0) + 1;
  }
  return counts;
}

const semPath = (result, trace) => {
  if (result === 'trap') return 'trap';
  return trace.includes('arch_thread_return_value_set') ? 'waiter' : 'no waiter';
};

test('kill criterion: sem.loom.wasm z_impl_k_sem_give dissolved (no i64, no i64 local, no decide call, <= 40 instructions)', async (t) => {
  const input = readFileSync(SEM);
  const out = optimizeWith(input, PIPE);
  const decide = indexOf(input, 'gale_k_sem_give_decide');
  const before = statsOf(input, 'z_impl_k_sem_give');
  const fn = statsOf(out, 'z_impl_k_sem_give');
  assert.equal(fn.i64, 0, 'i64 instructions left');
  assert.equal(fn.locals.i64 ?? 0, 0, 'i64 locals left');
  assert.ok(!fn.calls.some((c) => c.index === decide), 'the decide is still called');
  assert.ok(fn.instrs <= 40, `${fn.instrs} instructions`);
  // the overflow panic on the increment path is decided away by `count <u limit`
  assert.ok(!fn.calls.some((c) => /panic/.test(c.name ?? '')), 'the overflow panic is still called');

  const report = await differential(input, out, { runs: 2000 });
  assert.ok(report.equivalent, formatReport(report));
  assert.ok(report.runs >= 2000, `only ${report.runs} runs`);
  const pb = await paths(input, 'z_impl_k_sem_give', 2000, semPath);
  const pa = await paths(out, 'z_impl_k_sem_give', 2000, semPath);
  assert.deepEqual(pa, pb);
  assert.ok(pb.waiter > 0 && pb['no waiter'] > 0, `paths: ${JSON.stringify(pb)}`);
  t.diagnostic(`z_impl_k_sem_give: ${before.instrs} instrs, ${before.i64} i64 -> ${fn.instrs} instrs, ${fn.i64} i64, ` +
    `locals ${JSON.stringify(fn.locals)}; ${report.runs} calls compared; paths over 2,000 runs: ${JSON.stringify(pb)}`);
});

test('-O3 (seam-sroa after the post-inline cleanup) meets the kill criterion too', async (t) => {
  const p = pipeline(3);
  if (!p.includes('seam-sroa')) p.splice(p.indexOf('merge-blocks', p.indexOf('inline')) + 1, 0, 'seam-sroa');
  const input = readFileSync(SEM);
  const out = optimizeWith(input, p);
  const fn = statsOf(out, 'z_impl_k_sem_give');
  assert.equal(fn.i64, 0);
  assert.equal(fn.locals.i64 ?? 0, 0);
  assert.ok(!fn.calls.some((c) => c.index === indexOf(input, 'gale_k_sem_give_decide')));
  assert.ok(fn.instrs <= 40, `${fn.instrs} instructions`);
  const report = await differential(input, out, { runs: 2000 });
  assert.ok(report.equivalent, formatReport(report));
  t.diagnostic(`-O3: z_impl_k_sem_give ${fn.instrs} instrs, ${fn.i64} i64; ${report.runs} calls compared`);
});

test('directed runs over every path of the dissolved sem (count/limit edges, waiter or not)', async (t) => {
  const input = readFileSync(SEM);
  const out = optimizeWith(input, PIPE);
  const U32 = [0, 1, 2, 9, 10, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
  const P = 1024;
  const counts = {};
  for (const count of U32) for (const limit of U32) for (const waiter of [0, 0x2000]) {
    const run = (bytes) => {
      const trace = [];
      const env = {
        k_spin_lock: () => 77, z_unpend_first_thread: () => waiter, z_reschedule: () => 0,
        arch_thread_return_value_set: (...a) => { trace.push(`arch(${a})`); },
        z_ready_thread: (...a) => { trace.push(`ready(${a})`); },
      };
      const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env });
      const mem = new DataView(inst.exports.memory.buffer);
      mem.setUint32(P + 8, count, true);
      mem.setUint32(P + 12, limit, true);
      let result;
      try {
        result = inst.exports.z_impl_k_sem_give(P);
      } catch (e) {
        result = `trap ${e.message}`;
      }
      return { result, trace, memory: new Uint8Array(inst.exports.memory.buffer) };
    };
    const a = run(input), b = run(out);
    const what = `count=${count} limit=${limit} waiter=${waiter}`;
    assert.equal(b.result, a.result, what);
    assert.deepEqual(b.trace, a.trace, what);
    assert.ok(Buffer.compare(a.memory, b.memory) === 0, `${what}: memory`);
    const k = a.trace.length ? 'waiter woken' : count < limit ? 'count incremented' : 'at the limit';
    counts[k] = (counts[k] ?? 0) + 1;
  }
  assert.ok(counts['waiter woken'] > 0 && counts['count incremented'] > 0 && counts['at the limit'] > 0);
  t.diagnostic(JSON.stringify(counts));
});

test('seam-sroa is idempotent on the dissolved sem', () => {
  const once = optimizeWith(readFileSync(SEM), PIPE);
  const twice = optimizeWith(once, ['seam-sroa']);
  assert.deepEqual(twice, once);
});

// ---- bit-field views against concrete evaluation ----------------------------------------------

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const node = (name, type, kids) => new Expr(op(name), single(type), kids);

/** A random expression of view operators over i32 leaves `local.get 0..3`, of width w. */
function randomExpr(r, w, depth) {
  const int = (n) => Math.floor(r() * n);
  const pick = (a) => a[int(a.length)];
  const T = w === 32 ? I32 : I64;
  const p = `i${w}`;
  const konst = (v) => (w === 32 ? i32Const(Number(BigInt.asIntN(32, v))) : i64Const(v));
  if (depth <= 0 || r() < 0.2) {
    if (w === 64) return node(pick(['i64.extend_i32_u', 'i64.extend_i32_s']), I64, [randomExpr(r, 32, depth - 1)]);
    if (r() < 0.15) return i32Const(int(1000) - 500);
    const g = new Expr(O.local_get, single(I32));
    g.index = int(4);
    return g;
  }
  const masks = [0xffn, 0xffffn, 0xff00n, 1n, 0xf0f0f0f0n, 0xffffffffn, -1n, 0xffff0000ffn, 0x8000000000000000n];
  switch (int(9)) {
    case 0: return node(`${p}.${pick(['and', 'or', 'xor'])}`, T, [randomExpr(r, w, depth - 1), konst(pick(masks))]);
    case 1: return node(`${p}.${pick(['and', 'or', 'xor'])}`, T, [randomExpr(r, w, depth - 1), randomExpr(r, w, depth - 1)]);
    case 2: case 3: return node(`${p}.${pick(['shl', 'shr_u', 'shr_s'])}`, T, [randomExpr(r, w, depth - 1), konst(BigInt(int(w + 8)))]);
    case 4: return node(`${p}.${pick(w === 64 ? ['extend8_s', 'extend16_s', 'extend32_s'] : ['extend8_s', 'extend16_s'])}`, T, [randomExpr(r, w, depth - 1)]);
    case 5: return w === 32 ? node('i32.wrap_i64', I32, [randomExpr(r, 64, depth - 1)]) : node('i64.extend_i32_u', I64, [randomExpr(r, 32, depth - 1)]);
    case 6: return w === 64 ? node('i64.extend_i32_s', I64, [randomExpr(r, 32, depth - 1)]) : randomExpr(r, w, depth - 1);
    default: return node(`${p}.or`, T, [node(`${p}.shl`, T, [randomExpr(r, w, depth - 1), konst(BigInt(pick([8, 16, 24, 32, 40])))]), randomExpr(r, w, depth - 1)]);
  }
}

function evaluate(e, env) {
  if (e.op === O.local_get) return env[e.index];
  if (e.op === O.i32_const || e.op === O.i64_const) return e.value;
  const r = evalNumeric(e.op, e.kids.map((k) => evaluate(k, env)));
  assert.ok(r && 'value' in r, `cannot evaluate ${e.name}`);
  return r.value;
}

/** The value a view describes, from its pieces' sources evaluated in `env` (unsigned bigint). */
function evaluateView(v, env) {
  let x = v.ones;
  for (const p of v.pieces) {
    const s = BigInt.asUintN(32, BigInt(p.src.wrap ? BigInt.asIntN(32, evaluate(p.src.expr, env)) : evaluate(p.src.expr, env)));
    for (let i = p.lo; i < p.hi; i++) {
      const j = sourceBit(p, i);
      const bit = j < p.bits ? (s >> BigInt(j)) & 1n : 0n;
      x |= bit << BigInt(i);
    }
  }
  return x ^ v.flip;
}

test('bit-field views are exact: random pack/unpack expressions vs concrete evaluation', (t) => {
  const r = rng(2024);
  let viewed = 0, multi = 0;
  const N = 6000;
  for (let n = 0; n < N; n++) {
    const w = r() < 0.6 ? 64 : 32;
    const e = randomExpr(r, w, 4);
    const ev = viewOf(e, { bits: (x) => knownBits(x) });
    if (ev === null) continue;
    viewed++;
    if (ev.view.pieces.length > 1) multi++;
    for (let k = 0; k < 12; k++) {
      const env = [0, 1, 2, 3].map(() => (k === 0 ? 0 : k === 1 ? -1 : (r() * 2 ** 32) | 0));
      const want = BigInt.asUintN(w, BigInt(evaluate(e, env)));
      const got = evaluateView(ev.view, env);
      assert.equal(got, want, `view ${ev.view} of a ${e.name} tree: ${got.toString(16)} != ${want.toString(16)} for ${env}`);
    }
  }
  assert.ok(viewed > N / 2, `only ${viewed} of ${N} expressions had a view`);
  assert.ok(multi >= N / 20, `only ${multi} views with several pieces`);
  t.diagnostic(`${viewed} of ${N} expressions have a view, ${multi} with several pieces; each checked on 12 inputs`);
});

// ---- random functions through the pass and the oracle -----------------------------------------

/** A carrier set on 1-3 paths by packings of i32 parts, read through random extraction chains. */
function packingModule(seed) {
  const r = rng(seed);
  const int = (n) => Math.floor(r() * n);
  const pick = (a) => a[int(a.length)];
  const W = r() < 0.7 ? 64 : 32;
  const T = `i${W}`;
  const leaf32 = () => {
    const p = `(local.get ${int(4)})`;
    switch (int(6)) {
      case 0: return `(i32.and ${p} (i32.const ${pick(['0xff', '0xffff', '0xf0', '1', '0x7fffffff', '-1'])}))`;
      case 1: return '(call $get)';
      case 2: return `(i32.load8_u (i32.const ${int(64)}))`;
      case 3: return `(i32.const ${pick([0, 1, 5, -1, 255])})`;
      default: return p;
    }
  };
  const part = () => {
    let e;
    if (W === 64) {
      e = `(i64.${r() < 0.8 ? 'extend_i32_u' : 'extend_i32_s'} ${leaf32()})`;
      if (r() < 0.5) e = `(i64.and ${e} (i64.const ${pick(['0xff', '0xffff', '0xffffffff', '1', '0xff00'])}))`;
      const k = pick([0, 0, 8, 16, 24, 32, 32, 40, 48, 56]);
      if (k) e = `(i64.shl ${e} (i64.const ${k}))`;
    } else {
      e = leaf32();
      if (r() < 0.5) e = `(i32.and ${e} (i32.const ${pick(['0xff', '0xffff', '0xf', '1'])}))`;
      const k = pick([0, 0, 8, 16, 24]);
      if (k) e = `(i32.shl ${e} (i32.const ${k}))`;
    }
    return e;
  };
  const pack = () => {
    if (r() < 0.15) return `(${T}.const ${pick([0, 1, 2, 0x100, -1])})`;
    let e = part();
    for (let i = int(3); i > 0; i--) e = `(${T}.${r() < 0.8 ? 'or' : 'xor'} ${e} ${part()})`;
    if (r() < 0.2) e = `(${T}.xor ${e} (${T}.const ${pick([1, 0xff, -1, 0x100])}))`;
    return e;
  };
  const use = () => {
    let e = '(local.get $t)';
    let w = W;
    for (let i = int(4); i > 0; i--) {
      const t = `i${w}`;
      switch (int(8)) {
        case 0: e = `(${t}.and ${e} (${t}.const ${pick(['0xff', '0xffff', '1', '0x100', '0xff00'])}))`; break;
        case 1: e = `(${t}.shr_u ${e} (${t}.const ${pick([1, 8, 16, 24, 31, w === 64 ? 32 : 4, w === 64 ? 40 : 12])}))`; break;
        case 2: e = `(${t}.shr_s ${e} (${t}.const ${pick([1, 8, 16, 24, 31, w === 64 ? 48 : 4])}))`; break;
        case 3: e = `(${t}.shl ${e} (${t}.const ${pick([1, 8, 16])}))`; break;
        case 4: e = `(${t}.xor ${e} (${t}.const ${pick([1, 0xff, -1])}))`; break;
        case 5: e = `(${t}.extend${pick(['8', '16'])}_s ${e})`; break;
        case 6: if (w === 64) { e = `(i32.wrap_i64 ${e})`; w = 32; } break;
        case 7: if (w === 32 && r() < 0.3) { e = `(i64.extend_i32_${pick(['u', 's'])} ${e})`; w = 64; } break;
      }
    }
    const t = `i${w}`;
    switch (int(5)) {
      case 0: return `(${t}.eqz ${e})`;
      case 1: return `(${t}.${pick(['eq', 'ne', 'lt_u', 'lt_s', 'gt_u', 'ge_s', 'le_u'])} ${e} (${t}.const ${pick(w === 64 ? [0, 1, 7, 255, -1, '0x100000000', '0x100000007'] : [0, 1, 7, 255, -1, 0x10000])}))`;
      case 2: return `(block (result i32) (${t}.store${pick(['8', '16', w === 64 ? '32' : ''])} (i32.const ${int(8) * 8}) ${e}) (i32.const 0))`;
      case 3: return `(block (result i32) (drop ${e}) (i32.const 0))`;
      default: return w === 32 ? e : `(i32.wrap_i64 ${e})`;
    }
  };
  let body = r() < 0.3 ? `(local.set $t ${pack()})\n` : '';
  const paths = 1 + int(3);
  if (paths === 1) body += `(local.set $t ${pack()})`;
  else if (paths === 2) body += `(if (local.get 0) (then (local.set $t ${pack()})) (else (local.set $t ${pack()})))`;
  else body += `(block $a (block $b (br_table $a $b (i32.and (local.get 1) (i32.const 1)))) (local.set $t ${pack()}) (br $a))
    (if (local.get 2) (then (local.set $t ${pack()})))`;
  let acc = use();
  for (let i = int(4); i > 0; i--) acc = `(i32.add ${acc} ${use()})`;
  return `(module
  (import "env" "get" (func $get (result i32)))
  (memory (export "memory") 1)
  (func (export "f") (param i32 i32 i32 i32) (result i32)
    (local $t ${T})
    ${body}
    ${acc}))`;
}

/** A dispatch on a select tree, conditions on tee'd loads compared later, a flag tested after a merge, a loop. */
function controlModule(seed) {
  const r = rng(seed);
  const int = (n) => Math.floor(r() * n);
  const pick = (a) => a[int(a.length)];
  const K = [0, 1, 2, 5, 7, 10, -1, 0x7fffffff, -2147483648, 255];
  const addr = () => `(i32.and (local.get 0) (i32.const ${pick([0xff, 0xfc, 0xffff])}))`;
  const x = () => `$x${int(3)}`;
  const ops = ['lt_u', 'gt_u', 'le_u', 'ge_u', 'eq', 'ne', 'lt_s', 'gt_s'];
  const cond = () => {
    if (r() < 0.3) return pick([`(local.get ${1 + int(3)})`, `(i32.eqz (local.get ${1 + int(3)}))`, `(i32.ne (local.get ${1 + int(3)}) (i32.const 0))`]);
    const tee = `(local.tee ${x()} (i32.load offset=${int(4) * 4} ${addr()}))`;
    const other = r() < 0.5 ? `(i32.const ${pick(K)})` : `(i32.load offset=12 ${addr()})`;
    return r() < 0.5 ? `(i32.${pick(ops)} ${tee} ${other})` : `(i32.${pick(ops)} ${other} ${tee})`;
  };
  const tree = (d) => (d === 0 || r() < 0.3 ? `(i32.const ${int(4)})` : `(select ${tree(d - 1)} ${tree(d - 1)} ${cond()})`);
  const probes = () => {
    let s = '';
    for (let i = int(3); i >= 0; i--) {
      const p = r() < 0.7 ? `(i32.${pick(ops)} (local.get ${x()}) (i32.const ${pick(K)}))` : `(i32.eqz (local.get ${x()}))`;
      s += `(local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 3)) ${p}))\n`;
    }
    return s;
  };
  let body = `(block $out (block $t2 (block $t1 (block $t0 (br_table $t0 $t1 $t2 $out ${tree(2)}))
      ${probes()} (local.set $flag (i32.const ${pick([0, 1, 3])})) (br $out))
      ${probes()} (br_if $out ${cond()}) ${probes()})
    ${probes()})
  ${probes()}
  (if ${cond()} (then ${probes()}) (else ${probes()}))
  (block $b (br_if $b ${cond()}) ${probes()}) ${probes()}
  (local.set $g (i32.const ${pick([0, 1, 2])}))
  (block $fb ${probes()} (br_if $fb ${cond()}) ${probes()} (local.set $g (i32.const ${pick([0, 1, 2])})))
  (if ${pick(['(local.get $g)', '(i32.eqz (local.get $g))', '(i32.ne (local.get $g) (i32.const 1))', '(i32.eq (local.get $g) (i32.const 2))'])}
    (then (local.set $acc (i32.add (local.get $acc) (i32.const 100))) (i32.store offset=32 (i32.const 0) (local.get $acc)))
    (else (local.set $acc (i32.xor (local.get $acc) (i32.const 7)))))`;
  if (r() < 0.4) {
    body += `(local.set $n (i32.const 0))
    (loop $l ${probes()} (br_if $l (i32.lt_u (local.tee $n (i32.add (local.get $n) (i32.const 1))) (i32.const 3))) ${probes()})`;
  }
  return `(module
  (memory (export "memory") 1)
  (func (export "f") (param i32 i32 i32 i32) (result i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $acc i32) (local $flag i32) (local $n i32) (local $g i32)
    ${body}
    (i32.add (local.get $acc) (i32.mul (local.get $flag) (i32.const 1000)))))`;
}

/** Runs seam-sroa on every function of `bytes` through a PassContext, checking the trees stay trees. */
function seamOnce(bytes) {
  const m = decodeModule(bytes);
  validateModule(m);
  const cx = new PassContext(m, { target: 'generic' });
  for (const f of m.funcs) {
    if (seamSroa.run(cx, f)) cx.changed(f);
    const seen = new Set();
    forEachExpr(cx.body(f).body, (e) => {
      assert.ok(!seen.has(e), `a node appears twice in the tree (${e.name})`);
      seen.add(e);
    });
  }
  const out = encodeModule(m);
  validateModule(decodeModule(out));
  return out;
}

async function fuzzWith(gen, seeds, label, t) {
  const s0 = { ...seamStats };
  let compared = 0;
  for (const seed of seeds) {
    const before = await assemble(gen(seed), `${label}-${seed}.wat`);
    const after = seamOnce(before);
    for (const passes of [[], CLEANUP]) {
      const out = passes.length ? optimizeWith(after, passes) : after;
      const report = await differential(before, out, { runs: 16 });
      assert.ok(report.equivalent, `${label} seed ${seed}${passes.length ? ' + cleanup' : ''}:\n${formatReport(report)}\n${gen(seed)}`);
      compared += report.runs;
    }
  }
  const d = Object.fromEntries(Object.entries(seamStats).map(([k, v]) => [k, v - s0[k]]));
  t.diagnostic(`${seeds.length} ${label} modules, ${compared} calls compared; ${JSON.stringify(d)}`);
  return d;
}

test('random packing functions: split carriers behave as before (with and without cleanup)', async (t) => {
  const d = await fuzzWith(packingModule, Array.from({ length: 120 }, (_, i) => 100 + i), 'packing', t);
  assert.ok(d.carriers >= 30, `only ${d.carriers} carriers split`);
});

test('random dispatch/condition/flag functions behave as before (with and without cleanup)', async (t) => {
  const d = await fuzzWith(controlModule, Array.from({ length: 80 }, (_, i) => 500 + i), 'control', t);
  assert.ok(d.dispatches > 0 && d.facts > 0 && d.flags > 0, JSON.stringify(d));
});
