// Translation validation (--verify): the SMT semantics against the exact evaluator, the term
// simplifier against Z3, wrong passes caught with a counterexample and reverted (values, traps,
// calls, globals, memory, tables and segments), counterexamples found by evaluation before the
// solver (checked in V8), correct passes proven (including the sem repro end to end, endless
// loops, a forwarding that needs the module invariants, never-written globals, functions that
// can never run), unsupported code kept (or reverted with strict), running out of time, and
// the CLI flags.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModule, encodeModule, validateModule, runPasses, Expr, OPS, O, op, pipeline } from '../dist/index.js';
import { runPassesAsync, optimize } from '../dist/optimize.js';
import { findPass } from '../dist/passes/registry.js';
import { forEachExpr } from '../dist/ir/walk.js';
import { evalNumeric, isEvaluable, isNondeterministicNaN, f32ToBits, f64ToBits, TRAP_DIV_ZERO, TRAP_OVERFLOW, TRAP_INVALID_CONV } from '../dist/ir/eval.js';
import { Smt, BOOL } from '../dist/verify/smt.js';
import { NumericEncoder } from '../dist/verify/smt-numeric.js';
import { checkTerms, loadZ3, shutdownZ3 } from '../dist/verify/translation-validation.js';
import { watToWasm } from '../dist/text/wat.js';
import { dropByteMask, swapBrTable, loadPastStore, spinToUnreachable, dropSpin, unreachableToSpin } from './support/wrong-passes.js';
import { dropImportCall, subToAdd } from './support/broken-passes.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEM = join(root, '..', 'shared', 'corpus', 'gale', 'sem.loom.wasm');
after(() => shutdownZ3());

/** Runs `passes` with verification over the module in `wat`; returns the run, the output and the log. */
async function verifyRun(wat, passes, options = {}) {
  const input = await watToWasm(wat, 'test.wat');
  const m = decodeModule(input);
  validateModule(m);
  const log = [];
  // a generous time limit: these tests are about verdicts, and test machines can be loaded
  const r = await runPassesAsync(m, passes, { verify: true, verifyTimeoutMs: 30000, verifyLog: (l) => log.push(l), ...options });
  const output = encodeModule(m);
  validateModule(decodeModule(output));
  return { r, input, output, log: log.join('\n') };
}

const same = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

// ---- the semantics of numeric instructions, against ir/eval.ts --------------------------------

const I32_EDGE = [0, 1, -1, 2, 7, 31, 32, 33, 255, 256, 0x7fffffff, -0x80000000, 0x12345678, -0x55555556];
const I64_EDGE = [0n, 1n, -1n, 2n, 63n, 64n, 65n, 255n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x123456789abcdef0n, 0x80000000n, -0x80000001n];
const FLOATS = [0, -0, 1, -1, 0.5, 1.5, 2.5, -2.5, 3.7, -0.75, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 32, 2 ** 32 - 1,
  2 ** 63, -(2 ** 63), 2 ** 64, 1e30, -1e-30, 5e-324, Infinity, -Infinity, NaN, 4294967040, 1 / 3];
const F32_EDGE = FLOATS.map((x) => f32ToBits(x)).concat([0x7fc00001, 0xffc00000, 0x7f800001]);
const F64_EDGE = FLOATS.map((x) => f64ToBits(x)).concat([0x7ff8000000000001n, 0xfff8000000000000n]);
const EDGE = { 0x7f: I32_EDGE, 0x7e: I64_EDGE, 0x7d: F32_EDGE, 0x7c: F64_EDGE };
const WIDTH = { 0x7f: 32, 0x7e: 64, 0x7d: 32, 0x7c: 64 };
const TRAP_CODE = { [TRAP_DIV_ZERO]: 2, [TRAP_OVERFLOW]: 3, [TRAP_INVALID_CONV]: 5 };

/** Operand lists for an instruction: edge values, pairs of them (a deterministic selection). */
function operandLists(params) {
  const lists = [];
  if (params.length === 1) for (const a of EDGE[params[0]]) lists.push([a]);
  else {
    const A = EDGE[params[0]], B = EDGE[params[1]];
    let k = 0;
    for (let i = 0; i < A.length; i++) {
      for (let j = 0; j < B.length; j++) if ((i * 7 + j * 3 + k++) % 4 === 0) lists.push([A[i], B[j]]);
    }
  }
  return lists;
}

/** The constraints "the encoding of op on these operands gives what evalNumeric gives". */
function agreement(b, num, id, lists) {
  const info = OPS[id];
  const out = [];
  for (const args of lists) {
    const expected = evalNumeric(id, args);
    const r = num.encode(id, args.map((a, i) => b.bv(BigInt(a), WIDTH[info.params[i]])));
    assert.ok(r, `${info.name} has no encoding`);
    if ('trap' in expected) {
      assert.ok(r.trap, `${info.name}(${args}) traps but the encoding never does`);
      out.push(b.and(r.trap, b.eq(r.code, b.bv(TRAP_CODE[expected.trap], 8))));
      continue;
    }
    const ok = [];
    if (r.trap) ok.push(b.not(r.trap));
    const w = WIDTH[info.results[0]];
    if (isNondeterministicNaN(id, expected.value)) ok.push(b.fpop('fp.isNaN', BOOL, [b.fp(r.value)]));
    else ok.push(b.eq(r.value, b.bv(BigInt(expected.value), w)));
    out.push(b.and(...ok));
  }
  return out;
}

test('the SMT encoding of every scalar numeric instruction agrees with the exact evaluator', async () => {
  const ids = OPS.filter((o) => isEvaluable(o.id)).map((o) => o.id);
  assert.ok(ids.length > 120);
  for (const fold of [false, true]) {
    // all instructions in one query first; a failure is narrowed down to the instruction
    const b = new Smt();
    b.fold = fold;
    const num = new NumericEncoder(b, true);
    num.evaluate = false; // the terms, not the evaluator they are compared with
    const parts = ids.map((id) => b.and(...agreement(b, num, id, operandLists(OPS[id].params))));
    const r = await checkTerms(b, [b.not(b.and(...parts))], 60000);
    if (r === 'unsat') continue;
    for (const id of ids) {
      const b1 = new Smt();
      b1.fold = fold;
      const n1 = new NumericEncoder(b1, true);
      n1.evaluate = false;
      for (const args of operandLists(OPS[id].params)) {
        const q = await checkTerms(b1, [b1.not(b1.and(...agreement(b1, n1, id, [args])))]);
        assert.equal(q, 'unsat', `${OPS[id].name}(${args}) (fold ${fold}): the encoding disagrees with evalNumeric`);
      }
    }
    assert.fail(`the combined query was ${r}, but no single instruction disagrees`);
  }
});

test('the term simplifier folds constants exactly as Z3 evaluates them', async () => {
  let seed = 12345;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const val = (w) => {
    const pick = rnd() % 6;
    const max = (1n << BigInt(w)) - 1n;
    if (pick === 0) return 0n;
    if (pick === 1) return max;
    if (pick === 2) return max >> 1n;
    if (pick === 3) return BigInt(rnd() % (w + 2));
    return ((BigInt(rnd()) << 32n) | BigInt(rnd())) & max;
  };
  const folded = new Smt();
  const raw = new Smt();
  raw.fold = false;
  const binops = ['bvadd', 'bvsub', 'bvmul', 'bvand', 'bvor', 'bvxor', 'bvshl', 'bvlshr', 'bvashr', 'bvudiv', 'bvurem', 'bvsdiv', 'bvsrem'];
  const cmps = ['bvult', 'bvule', 'bvslt', 'bvsle'];
  const checks = [];
  for (let i = 0; i < 400; i++) {
    const w = [8, 16, 32, 64, 7][i % 5];
    const x = val(w), y = val(w);
    const k = i % 9;
    const make = (b) => {
      const X = b.bv(x, w), Y = b.bv(y, w);
      if (k <= 3) return b[binops[i % binops.length]](X, Y);
      if (k === 4) return b.cmp(cmps[i % 4], X, Y);
      if (k === 5) return b.extract(Number(y % BigInt(w)), Number(y % BigInt(w)) >> 1, X);
      if (k === 6) return b.concat(X, Y);
      if (k === 7) return i % 2 ? b.zext(5, X) : b.sext(5, X);
      return b.eq(b.ite(b.bool(i % 3 === 0), b.bv(x, w), b.bv(y, w)), X);
    };
    const f = make(folded);
    if (f.op !== 'const' && f.op !== 'true' && f.op !== 'false') continue; // not folded (e.g. division by 0)
    const r = make(raw);
    checks.push(f.op === 'const' ? raw.eq(r, raw.bv(f.v, f.sort)) : f.op === 'true' ? r : raw.not(r));
  }
  assert.ok(checks.length > 300);
  assert.equal(await checkTerms(raw, [raw.not(raw.and(...checks))]), 'unsat');
});

// ---- wrong passes: caught, with a counterexample, and reverted ------------------------------------

test('x & 0xff -> x is disproven with the distinguishing input, and reverted', async () => {
  const { r, input, output, log } = await verifyRun(`(module
    (func (export "low") (param i32) (result i32) (i32.and (local.get 0) (i32.const 255))))`, [dropByteMask]);
  const st = r.passes[0];
  assert.deepEqual([st.changed, st.proven, st.reverted, st.unverified], [1, 0, 1, 0]);
  const rec = r.verification[0];
  assert.equal(rec.status, 'disproven');
  assert.equal(rec.action, 'reverted');
  // the model: some p0 whose high bits are not all zero, where the results differ
  const p0 = BigInt.asUintN(32, BigInt(/p0: i32 = (-?\d+)/.exec(rec.counterexample)[1]));
  assert.notEqual(p0 & ~0xffn, 0n, rec.counterexample);
  assert.match(rec.counterexample, new RegExp(`before: returns ${p0 & 0xffn} `));
  assert.match(log, /drop-byte-mask: export "low": disproven, reverted/);
  assert.ok(same(input, output), 'the function is back to its input bytes');
});

test('a swapped br_table target is disproven and reverted', async () => {
  const { r, input, output } = await verifyRun(`(module
    (func (export "pick") (param i32) (result i32)
      (block $a (block $b (block $c
        (br_table $a $b $c (local.get 0)))
        (return (i32.const 30)))
        (return (i32.const 20)))
      (i32.const 10)))`, [swapBrTable]);
  const rec = r.verification[0];
  assert.equal(rec.status, 'disproven');
  assert.equal(r.passes[0].reverted, 1);
  const p0 = Number(/p0: i32 = (-?\d+)/.exec(rec.counterexample)[1]);
  assert.ok(p0 === 0 || p0 === 1, `index ${p0} selects one of the swapped targets`);
  assert.match(rec.counterexample, /before: returns (10|20) .*\n.*after: {2}returns (10|20) /);
  assert.ok(same(input, output));
});

test('a load moved past a store is disproven (the addresses may overlap) and reverted', async () => {
  const { r, input, output } = await verifyRun(`(module
    (memory 1 1)
    (func (export "ls") (param i32 i32) (result i32) (local i32)
      (local.set 2 (i32.load (i32.and (local.get 0) (i32.const 0xfc))))
      (i32.store (i32.and (local.get 1) (i32.const 0xfc)) (i32.const 7))
      (local.get 2)))`, [loadPastStore]);
  const rec = r.verification[0];
  assert.equal(rec.status, 'disproven', rec.reason);
  assert.equal(rec.action, 'reverted');
  // no access can trap here, so the model shows two aliasing addresses and different results
  const [p0, p1] = [/p0: i32 = (-?\d+)/, /p1: i32 = (-?\d+)/].map((re) => Number(re.exec(rec.counterexample)[1]) & 0xfc);
  assert.equal(p0, p1, rec.counterexample);
  assert.match(rec.counterexample, /after: {2}returns 7 /);
  assert.ok(same(input, output));
});

/** A wrong pass from a function over each body list (a block's roots). */
function listPass(name, edit) {
  return {
    name, description: `WRONG (test only): ${name}`, scope: 'function',
    run(cx, f) {
      let changed = false;
      forEachExpr([cx.body(f)], (e) => {
        if (e.body.length && edit(e.body, cx)) changed = true;
        if (e.alt && edit(e.alt, cx)) changed = true;
      });
      return changed;
    },
  };
}

test('trap behaviour, calls, globals and memory are compared', async () => {
  const wat = `(module
    (import "env" "a" (func $a (param i32)))
    (import "env" "b" (func $b (param i32)))
    (memory 1)
    (global $g (mut i32) (i32.const 0))
    (func (export "div") (param i32 i32) (drop (i32.div_s (local.get 0) (local.get 1))))
    (func (export "calls") (param i32) (call $a (local.get 0)) (call $b (local.get 0)))
    (func (export "glob") (param i32) (global.set $g (local.get 0)))
    (func (export "mem") (param i32) (i32.store (local.get 0) (i32.const 1)) (drop (i32.div_u (i32.const 1) (local.get 0)))))`;
  const dropDiv = listPass('drop-div', (list) => {
    const i = list.findIndex((e) => e.op === O.drop && /div/.test(e.kids[0].name));
    return i >= 0 && !!list.splice(i, 1);
  });
  const swapCalls = listPass('swap-calls', (list) => {
    const i = list.findIndex((e, k) => e.op === O.call && list[k + 1]?.op === O.call);
    if (i < 0) return false;
    [list[i], list[i + 1]] = [list[i + 1], list[i]];
    return true;
  });
  const dropGlobalSet = listPass('drop-global-set', (list) => {
    const i = list.findIndex((e) => e.op === O.global_set);
    return i >= 0 && !!list.splice(i, 1);
  });
  const storeAfterTrap = listPass('store-after-trap', (list) => {
    const i = list.findIndex((e, k) => /store/.test(e.name) && list[k + 1]?.op === O.drop);
    if (i < 0) return false;
    [list[i], list[i + 1]] = [list[i + 1], list[i]];
    return true;
  });
  const { r, output, input } = await verifyRun(wat, [dropDiv, swapCalls, dropGlobalSet, storeAfterTrap, dropImportCall]);
  const by = (pass) => r.verification.filter((x) => x.pass === pass);
  const [div] = by('drop-div');
  assert.equal(div.status, 'disproven');
  assert.match(div.counterexample, /before: traps \(integer (divide by zero|overflow)\)\n.*after: {2}returns/);
  assert.equal(by('swap-calls')[0].status, 'disproven');
  const [glob] = by('drop-global-set');
  assert.equal(glob.status, 'disproven');
  // the store then the trap leaves memory changed; the trap first leaves it as it was
  const [mem] = by('store-after-trap');
  assert.equal(mem.status, 'disproven');
  assert.match(mem.counterexample, /p0: i32 = 0 /);
  assert.deepEqual(by('drop-import-call').map((x) => x.status), ['disproven']);
  assert.ok(r.verification.every((x) => x.action === 'reverted'));
  assert.ok(same(input, output));
});

test('tables and segments are state: dropping a data.drop or a table.set is disproven', async () => {
  const wat = `(module
    (type $t (func (result i32)))
    (table 4 funcref)
    (memory 1)
    (data $d "\\01\\02\\03\\04")
    (elem $e func $seven)
    (func $seven (result i32) (i32.const 7))
    (func $seg (export "seg") (param i32) (result i32)
      (memory.init $d (local.get 0) (i32.const 0) (i32.const 4))
      (data.drop $d)
      (i32.load (local.get 0)))
    (func $tab (export "tab") (param i32) (result i32)
      (table.set (local.get 0) (ref.func $seven))
      (call_indirect (type $t) (i32.const 1))))`;
  const drop = (op) => listPass(`drop-${op}`, (list) => {
    const i = list.findIndex((e) => e.name === op);
    return i >= 0 && !!list.splice(i, 1);
  });
  const { r, input, output } = await verifyRun(wat, [drop('data.drop'), drop('table.set')]);
  assert.deepEqual(r.verification.map((x) => [x.pass, x.status]), [['drop-data.drop', 'disproven'], ['drop-table.set', 'disproven']]);
  assert.match(r.verification[0].counterexample, /final state differs in: dropped data0/);
  assert.ok(same(input, output));
  // and the pipeline's changes to such code are proven
  const o3 = await verifyRun(wat, pipeline(3).map((n) => findPass(n)));
  assert.deepEqual(o3.r.verification.filter((x) => x.status !== 'proven'), [], o3.log);
});

test('fast refutation: wrong changes are disproven by evaluating the query on concrete inputs, before any solver call; V8 confirms the counterexamples', async () => {
  const wat = `(module
    (memory 1)
    (func (export "sub") (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
    (func (export "addz") (param f32) (result f32) (f32.add (local.get 0) (f32.const 0)))
    (func (export "ls") (param i32 i32) (result i32) (local i32)
      (local.set 2 (i32.load (i32.and (local.get 0) (i32.const 0xfc))))
      (i32.store (i32.and (local.get 1) (i32.const 0xfc)) (i32.const 7))
      (local.get 2)))`;
  // wrong: f32.add(x, 0.0) -> x (-0 + 0 is +0)
  const dropAddZero = {
    name: 'drop-add-zero', description: 'WRONG (test only): f32.add(x, 0) -> x', scope: 'function',
    run(cx, f) {
      const root = cx.body(f);
      const e = root.body[0];
      if (e?.op !== op('f32.add')) return false;
      root.body = [e.kids[0]];
      return true;
    },
  };
  const passes = [subToAdd, dropAddZero, loadPastStore];
  const { r, input, log } = await verifyRun(wat, passes);
  assert.equal(r.verification.length, 3, log);
  for (const rec of r.verification) {
    assert.equal(rec.status, 'disproven', log);
    assert.match(rec.reason, /counterexample by evaluation/, log);
  }
  // the same passes without verification, and both modules run on the reported inputs
  const m = decodeModule(input);
  runPasses(m, passes);
  const [pre, post] = await Promise.all([input, encodeModule(m)].map(async (b) => (await WebAssembly.instantiate(b)).instance.exports));
  const f32bits = (x) => new Uint32Array(new Float32Array([x]).buffer)[0];
  for (const rec of r.verification) {
    const name = /export "(\w+)"/.exec(rec.name)[1];
    const args = [...rec.counterexample.matchAll(/p\d: (i32|f32) = (0x[0-9a-f]+|-?\d+)/g)]
      .map(([, t, v]) => (t === 'i32' ? Number(v) : new Float32Array(new Uint32Array([Number(v)]).buffer)[0]));
    const show = (x) => (name === 'addz' ? `0x${f32bits(x).toString(16)}` : `${x} `);
    const before = pre[name](...args), after = post[name](...args);
    assert.ok(rec.counterexample.includes(`before: returns ${show(before)}`), `${rec.counterexample}\nV8: ${show(before)}`);
    assert.ok(rec.counterexample.includes(`after:  returns ${show(after)}`), `${rec.counterexample}\nV8: ${show(after)}`);
    assert.notEqual(show(before), show(after));
  }
});

// ---- correct passes: proven ------------------------------------------------------------------------

const MIXED = `(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "get" (func $get (result i64)))
  (memory 1)
  (global $sp (mut i32) (i32.const 4096))
  (func $pack (param i32 i32) (result i64)
    (i64.or (i64.shl (i64.extend_i32_u (local.get 1)) (i64.const 32)) (i64.extend_i32_u (local.get 0))))
  (func (export "seam") (param i32) (result i32) (local i64 i32)
    (local.set 1 (call $pack (i32.and (local.get 0) (i32.const 255)) (i32.load offset=4 (local.get 0))))
    (if (i64.ne (i64.and (local.get 1) (i64.const 255)) (i64.const 0))
      (then (call $log (i32.wrap_i64 (i64.shr_u (local.get 1) (i64.const 32))))))
    (i64.store32 offset=8 (local.get 0) (i64.shr_u (local.get 1) (i64.const 32)))
    (local.set 2 (i32.add (i32.mul (local.get 0) (i32.const 1)) (i32.const 0)))
    (i32.eqz (i32.eqz (local.get 2))))
  (func (export "table") (param i32) (result i32) (local i32)
    (block $x (block $y (block $z (br_table $x $y $z $y (local.get 0)))
      (local.set 1 (i32.const 3)) (br $x))
      (local.set 1 (i32.sub (local.get 1) (i32.const -2))))
    (select (local.get 1) (i32.const 9) (i32.ge_u (local.get 0) (i32.const 0))))
  (func (export "frame") (param i32) (result i32) (local i32)
    (local.set 1 (i32.sub (global.get $sp) (i32.const 16)))
    (global.set $sp (local.get 1))
    (i32.store offset=12 (local.get 1) (local.get 0))
    (i32.store8 offset=4 (local.get 1) (i32.const 0x1ff))
    (drop (call $get))
    (global.set $sp (i32.add (local.get 1) (i32.const 16)))
    (i32.add (i32.load offset=12 (local.get 1)) (i32.load8_u offset=4 (local.get 1))))
  (func (export "floats") (param i32 f32) (result i32)
    (i32.add (i32.trunc_f64_s (f64.convert_i32_s (local.get 0)))
      (i32.reinterpret_f32 (f32.neg (f32.neg (f32.abs (local.get 1))))))))`;

test('-O3 on a module with a seam, a br_table, a stack frame and floats: every change is proven', async () => {
  const passes = pipeline(3).map((n) => findPass(n));
  const { r, log } = await verifyRun(MIXED, passes);
  assert.ok(r.verification.length >= 8, log);
  const notProven = r.verification.filter((x) => x.status !== 'proven');
  assert.deepEqual(notProven, [], log);
  for (const p of r.passes) assert.deepEqual([p.reverted, p.unverified], [0, 0], p.name);
  // trunc(convert(x)) == x needs the floating-point theory (level 2)
  assert.ok(r.verification.some((x) => x.pass === 'optimize-instructions' && /level 2/.test(x.reason)), log);
});

test('canonical terms: swapped if arms and folded float constants are proven without the solver; a wrong fold is disproven', async () => {
  const wat = `(module
    (import "env" "a" (func $a (param i32)))
    (import "env" "b" (func $b (param i32)))
    (func (export "flip") (param i32 i32) (result i32)
      (if (local.get 0) (then (call $a (local.get 1))) (else (call $b (local.get 1)) (local.set 1 (i32.const 5))))
      (call $a (local.get 1))
      (local.get 1))
    (func (export "conv") (result i32) (i32.trunc_f32_u (f32.const 11.5))))`;
  const clone = (e, fields) => Object.assign(Object.create(Object.getPrototypeOf(e)), e, fields);
  // correct: if c A B -> if (eqz c) B A
  const flipIf = {
    name: 'flip-if', description: 'test: if c A B -> if (i32.eqz c) B A', scope: 'function',
    run(cx, f) {
      let changed = false;
      forEachExpr([cx.body(f)], (e) => {
        if (e.op !== O.if || e.alt === null || e.kids.length !== 1) return;
        e.kids = [clone(e.kids[0], { op: op('i32.eqz'), kids: [e.kids[0]] })];
        [e.body, e.alt] = [e.alt, e.body];
        changed = true;
      });
      return changed;
    },
  };
  const foldTrunc = (k) => ({
    name: `fold-trunc-${k}`, description: `test: the truncation becomes ${k}`, scope: 'function',
    run(cx, f) {
      const root = cx.body(f);
      const e = root.body[0];
      if (e.op !== op('i32.trunc_f32_u')) return false;
      root.body = [clone(e, { op: op('i32.const'), value: k, kids: [] })];
      return true;
    },
  });
  const { r, log } = await verifyRun(wat, [flipIf, foldTrunc(11)]);
  assert.deepEqual(r.verification.map((x) => [x.pass, x.status, x.reason]),
    [['flip-if', 'proven', 'by simplification'], ['fold-trunc-11', 'proven', 'by simplification']], log);
  const wrong = await verifyRun(wat, [foldTrunc(12)]);
  const rec = wrong.r.verification[0];
  assert.equal(rec.status, 'disproven');
  assert.match(rec.counterexample, /before: returns 11 .*\n.*after: {2}returns 12 /);
});

test('the sem repro at -O3 --verify: every change to z_impl_k_sem_give (inlining included) is proven', async () => {
  const r = await optimize(new Uint8Array(readFileSync(SEM)), { level: 3, verify: true, verifyTimeoutMs: 30000 });
  const give = r.stats.verification.filter((x) => x.name === 'z_impl_k_sem_give');
  assert.ok(give.length >= 5);
  assert.ok(give.some((x) => x.pass === 'inline'));
  assert.deepEqual(give.filter((x) => x.status !== 'proven'), []);
  for (const p of r.stats.passes) assert.equal(p.reverted, 0);
  validateModule(decodeModule(r.binary));
});

test('module invariants: a forwarding that relies on the stack pointer\'s alignment is proven only when the module keeps it aligned', async () => {
  const frame = (exported) => `(module (memory 1)
    (global $sp (mut i32) (i32.const 1024))
    ${exported ? '(export "sp" (global $sp))' : ''}
    (func $f (export "f") (param i32) (result i32) (local i32 i32)
      (local.set 1 (i32.sub (global.get $sp) (i32.const 16)))
      (global.set $sp (local.get 1))
      (local.set 2 (i32.add (local.get 1) (i32.const 4)))
      (i32.store8 offset=8 (local.get 2) (local.get 0))
      (local.set 0 (i32.load8_u offset=12 (local.get 1)))
      (global.set $sp (i32.add (local.get 1) (i32.const 16)))
      (local.get 0)))`;
  // fp + 4 + 8 is fp + 12 only when fp + 4 does not wrap: true when fp is 16-aligned
  const forward = {
    name: 'forward-frame-byte', description: 'test: the frame load reads the byte just stored', scope: 'function',
    run(cx, f) {
      let changed = false;
      forEachExpr([cx.body(f)], (e) => {
        if (e.op === op('i32.load8_u')) {
          const v = e.kids[0];
          e.op = op('i32.and');
          e.offset = 0;
          const c = Object.assign(Object.create(Object.getPrototypeOf(v)), v, { op: op('i32.const'), value: 255, kids: [] });
          const get = Object.assign(Object.create(Object.getPrototypeOf(v)), v, { op: op('local.get'), index: 0, kids: [] });
          e.kids = [get, c];
          changed = true;
        }
      });
      return changed;
    },
  };
  const priv = await verifyRun(frame(false), [forward]);
  assert.equal(priv.r.verification[0].status, 'proven', priv.log);
  assert.match(priv.r.verification[0].reason, /with the module invariants/);
  assert.match(priv.log, /module invariants: global 0 is a multiple of 16/);
  // exported, the host may set any value: the unaligned pointer is a real counterexample
  const pub = await verifyRun(frame(true), [forward]);
  assert.equal(pub.r.verification[0].status, 'disproven', pub.log);
  assert.match(pub.r.verification[0].counterexample, /global 0 = /);
});

// ---- endless loops: an outcome of their own ----------------------------------------------------------

const SPIN = `(module
  (import "env" "log" (func $log (param i32)))
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (func $abort (loop $l (br $l)))
  (func $panic (param i32) (call $log (local.get 0)) (call $abort))
  (func (export "spin") (param i32) (result i32)
    (if (i32.gt_u (local.get 0) (i32.const 100))
      (then (call $log (local.get 0)) (i32.store (i32.const 8) (local.get 0)) (loop $l (br $l))))
    (i32.add (i32.mul (local.get 0) (i32.const 1)) (i32.const 0)))
  (func (export "checked") (param i32) (result i32)
    (if (i32.gt_u (local.get 0) (i32.const 10)) (then (call $panic (local.get 0))))
    (i32.mul (local.get 0) (i32.const 1)))
  (func (export "busy") (param i32) (result i32)
    (if (i32.eqz (local.get 0))
      (then (loop $l
        (block $b (br_if $b (i32.eqz (global.get $g))) (drop (i32.add (local.get 0) (global.get $g))))
        (br $l))))
    (i32.add (local.get 0) (i32.const 0)))
  (func (export "trap") (param i32) (result i32)
    (if (i32.eq (local.get 0) (i32.const 7)) (then (unreachable)))
    (i32.mul (local.get 0) (i32.const 1)))
  (func (export "count") (param i32) (local i32)
    (if (local.get 0) (then (loop $l (local.set 1 (i32.mul (local.get 1) (i32.const 1))) (br $l)))))
  (func (export "logs") (param i32)
    (if (local.get 0) (then (loop $l (call $log (i32.mul (local.get 0) (i32.const 1))) (br $l))))))`;

test('endless loops: a function that diverges is proven equivalent when it diverges on the same inputs after the same effects', async () => {
  const { r, log } = await verifyRun(SPIN, [findPass('inline'), findPass('optimize-instructions')]);
  const by = (name) => r.verification.filter((x) => x.name === `export "${name}"`);
  // the inliner moves $panic (and $abort, its loop) into "checked": callees are executed in place
  assert.ok(by('checked').some((x) => x.pass === 'inline'), log);
  for (const name of ['spin', 'checked', 'busy', 'trap']) {
    assert.ok(by(name).length >= 1, `${name} changed\n${log}`);
    assert.deepEqual(by(name).filter((x) => x.status !== 'proven'), [], log);
  }
  // loops that write a local or call something stay outside the model
  for (const name of ['count', 'logs']) assert.deepEqual(by(name).map((x) => [x.status, x.reason]), [['unsupported', 'loop']], log);
});

test('endless loops: turning a divergence into a trap or a return, a trap into a divergence, or dropping an effect before it is disproven', async () => {
  const { r, log } = await verifyRun(SPIN, [spinToUnreachable, dropSpin, unreachableToSpin, dropImportCall]);
  const rec = (pass, name) => r.verification.find((x) => x.pass === pass && x.name === `export "${name}"`);
  const toTrap = rec('spin-to-unreachable', 'spin');
  assert.equal(toTrap?.status, 'disproven', log);
  assert.match(toTrap.counterexample, /before: diverges \(an endless loop\)\n.*after: {2}traps \(unreachable\)/);
  assert.ok(BigInt.asUintN(32, BigInt(/p0: i32 = (-?\d+)/.exec(toTrap.counterexample)[1])) > 100n, toTrap.counterexample);
  const dropped = rec('drop-spin', 'spin');
  assert.equal(dropped?.status, 'disproven', log);
  assert.match(dropped.counterexample, /before: diverges \(an endless loop\)\n.*after: {2}returns /);
  const spun = rec('unreachable-to-spin', 'trap');
  assert.equal(spun?.status, 'disproven', log);
  assert.match(spun.counterexample, /p0: i32 = 7 /);
  assert.match(spun.counterexample, /before: traps \(unreachable\)\n.*after: {2}diverges/);
  // the call to log before the loop is an effect: without it the divergence is not the same
  const call = rec('drop-import-call', 'spin');
  assert.equal(call?.status, 'disproven', log);
  assert.match(call.counterexample, /final state differs in: .*the calls made/);
  // $abort's loop turned into a trap is disproven too (the function that is nothing but the loop)
  assert.equal(r.verification.find((x) => x.pass === 'spin-to-unreachable' && x.name === 'abort')?.status, 'disproven', log);
  // the loop that calls log is no endless loop: outside the model, the change is kept
  assert.deepEqual(rec('drop-import-call', 'logs') && [rec('drop-import-call', 'logs').status, rec('drop-import-call', 'logs').action],
    ['unsupported', 'kept'], log);
  assert.ok(r.verification.every((x) => x.name === 'export "logs"' || (x.status === 'disproven' && x.action === 'reverted')), log);
});

test('module invariants: a private global nothing writes is its initial value (constant-globals is proven); exported or written, it is not', async () => {
  const mod = (extra) => `(module
    (global $g (mut i32) (i32.const 42))
    ${extra}
    (func (export "f") (param i32) (result i32) (i32.add (local.get 0) (global.get $g))))`;
  // what constant-globals does to $g, whether or not the module allows it
  const fold = {
    name: 'fold-global', description: 'test: global.get $g -> its initial value', scope: 'function',
    run(cx, f) {
      let changed = false;
      forEachExpr([cx.body(f)], (e) => {
        if (e.op === O.global_get) {
          Object.assign(e, { op: op('i32.const'), value: 42, index: 0 });
          changed = true;
        }
      });
      return changed;
    },
  };
  const priv = await verifyRun(mod(''), [fold]);
  assert.deepEqual(priv.r.verification.map((x) => x.status), ['proven'], priv.log);
  assert.match(priv.r.verification[0].reason, /with the module invariants/);
  assert.match(priv.log, /module invariants: 1 global never written \(global 0\)/);
  const exported = await verifyRun(mod('(export "g" (global $g))'), [fold]);
  assert.deepEqual(exported.r.verification.map((x) => x.status), ['disproven'], exported.log);
  const written = await verifyRun(mod('(func (export "set") (global.set $g (i32.const 1)))'), [fold]);
  assert.deepEqual(written.r.verification.map((x) => x.status), ['disproven'], written.log);
  // and the real pass, at -O3 on a module where it applies
  const o3 = await verifyRun(mod('(func (export "h") (result i32) (global.get $g))'), pipeline(3).map((n) => findPass(n)));
  assert.ok(o3.r.verification.some((x) => x.pass === 'constant-globals'), o3.log);
  assert.deepEqual(o3.r.verification.filter((x) => x.status !== 'proven'), [], o3.log);
  // written only by a function that can never run: constant once dead-functions removed it. The
  // invariants are found when a first query needs the solver (here x * 3 -> (x << 1) + x, in
  // "m", while $w still writes $g) and again for the later module pass.
  const mul3 = {
    name: 'mul3', description: 'test: x * 3 -> (x << 1) + x (correct)', scope: 'function',
    run(cx, f) {
      const root = cx.body(f);
      const e = root.body[0];
      if (e?.op !== op('i32.mul')) return false;
      const x = e.kids[0];
      const get = () => Object.assign(new Expr(O.local_get, x.type), { index: x.index });
      const one = Object.assign(new Expr(op('i32.const'), x.type), { value: 1 });
      root.body = [new Expr(op('i32.add'), x.type, [new Expr(op('i32.shl'), x.type, [get(), one]), get()])];
      return true;
    },
  };
  const late = await verifyRun(mod(`(func $w (global.set $g (i32.const 1)))
    (func (export "m") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))`),
  [mul3, findPass('dead-functions'), findPass('constant-globals')]);
  assert.deepEqual(late.r.verification.map((x) => [x.pass, x.name, x.status]),
    [['mul3', 'export "m"', 'proven'], ['constant-globals', 'export "f"', 'proven']], late.log);
  assert.match(late.r.verification[0].reason, /z3/);
  // (at mul3's query $w wrote $g: no invariants to report then)
  assert.match(late.log, /^verify: mul3: .*\nverify: module invariants: 1 global never written/);
});

test('a module pass may give a function that can never run any body: dead-tables-globals stubs one, the change is kept', async () => {
  const wat = `(module
    (global $g (mut i32) (i32.const 5))
    (func $dead (result i32) (global.get $g))
    (func $alive (export "f") (result i32) (i32.const 1)))`;
  const { r, input, output, log } = await verifyRun(wat, [findPass('dead-tables-globals')]);
  assert.deepEqual(r.verification.map((x) => [x.name, x.status, x.action]), [['dead', 'proven', 'kept']], log);
  assert.match(r.verification[0].reason, /can never run/);
  assert.ok(output.length < input.length, 'the global is gone');
  // the same change to a function that can run (exported) is disproven: it returned 5, it traps
  const live = await verifyRun(wat.replace('(func $dead', '(func $dead (export "d")'), [findPass('dead-tables-globals')]);
  assert.ok(live.r.verification.every((x) => x.status === 'proven'), 'the global is used now: nothing to stub');
  const stub = {
    name: 'stub', description: 'test: every body with a global.get becomes unreachable', scope: 'module',
    run(cx, m) {
      let changed = false;
      for (const f of m.funcs) {
        const root = cx.body(f);
        if (root.body[0]?.op !== O.global_get) continue;
        root.body = [Object.assign(Object.create(Object.getPrototypeOf(root)), root, { op: O.unreachable, type: [], kids: [], body: [] })];
        f.dirty = true;
        changed = true;
      }
      return changed;
    },
  };
  const stubbed = await verifyRun(wat.replace('(func $dead', '(func $dead (export "d")'), [stub]);
  assert.deepEqual(stubbed.r.verification.map((x) => [x.name, x.status, x.action]), [['dead', 'disproven', 'reverted']], stubbed.log);
});

test('dead-arguments under --verify: callers of a callee whose signature changed are proven against its new body; a looping callee leaves them unsupported, never disproven', async () => {
  const wat = (calleeBody) => `(module
    (import "env" "log" (func $log (param i32)))
    (func $callee (param i32 i32) (result i32) ${calleeBody})
    (func (export "a") (param i32) (result i32) (call $callee (local.get 0) (i32.const 7)))
    (func (export "b") (param i32) (result i32) (call $callee (i32.add (local.get 0) (i32.const 1)) (i32.const 7))))`;
  // the second parameter is always 7: dead-arguments moves the constant into the callee
  const plain = await verifyRun(wat('(call $log (local.get 1)) (i32.mul (local.get 0) (local.get 1))'), [findPass('dead-arguments')]);
  const byName = Object.fromEntries(plain.r.verification.map((x) => [x.name ?? x.func, [x.status, x.action]]));
  assert.ok(plain.output.length !== plain.input.length, 'the parameter is gone');
  assert.deepEqual(byName['callee'], ['unsupported', 'kept'], plain.log); // its own signature changed
  assert.ok(plain.r.verification.filter((x) => x.name !== 'callee').length === 2, plain.log);
  for (const x of plain.r.verification) if (x.name !== 'callee') assert.equal(x.status, 'proven', plain.log);
  // a callee with a loop cannot be executed: the callers' changes are unsupported (kept), not disproven
  const loopy = await verifyRun(wat(`(local.set 0 (i32.add (local.get 0) (local.get 1)))
      (block $d (loop $l (br_if $d (i32.eqz (local.get 0))) (call $log (local.get 1))
        (local.set 0 (i32.shr_u (local.get 0) (i32.const 1))) (br $l)))
      (local.get 1)`), [findPass('dead-arguments')]);
  assert.equal(loopy.r.verification.length, 3, loopy.log);
  for (const x of loopy.r.verification) {
    assert.equal(x.status, 'unsupported', loopy.log);
    assert.equal(x.action, 'kept');
    if (x.name !== 'callee') assert.match(x.reason, /could not be executed/);
  }
});

// ---- what is outside the model ----------------------------------------------------------------------

const LOOPY = `(module
  (func (export "sum") (param i32) (result i32) (local i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get 0)))
      (local.set 1 (i32.add (local.get 1) (i32.mul (local.get 0) (i32.const 1))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br $l)))
    (local.get 1)))`;

test('a loop is unsupported: the change is kept and counted unverified; strict reverts it', async () => {
  const oi = [findPass('optimize-instructions')];
  const kept = await verifyRun(LOOPY, oi);
  assert.deepEqual([kept.r.passes[0].changed, kept.r.passes[0].unverified, kept.r.passes[0].reverted], [1, 1, 0]);
  assert.equal(kept.r.verification[0].status, 'unsupported');
  assert.equal(kept.r.verification[0].reason, 'loop');
  assert.ok(!same(kept.input, kept.output));
  const strict = await verifyRun(LOOPY, oi, { verify: 'strict' });
  assert.deepEqual([strict.r.passes[0].unverified, strict.r.passes[0].reverted], [0, 1]);
  assert.ok(same(strict.input, strict.output));
});

test('code that accesses a shared memory is unsupported (other threads), the same code on a private memory is proven', async () => {
  const wat = `(module (memory 1 1)
    (func (export "f") (param i32) (result i32) (local i32)
      (local.set 1 (i32.load (local.get 0)))
      (i32.add (i32.mul (local.get 1) (i32.const 1)) (local.get 1))))`;
  const oi = [findPass('optimize-instructions')];
  const own = await verifyRun(wat, oi);
  assert.deepEqual(own.r.verification.map((x) => x.status), ['proven']);
  // the text parser has no threads: mark the memory shared in the binary (limits flags 1 -> 3)
  const bin = await watToWasm(wat, 'test.wat');
  const at = bin.findIndex((x, j) => x === 5 && bin[j + 1] === 4 && bin[j + 2] === 1 && bin[j + 3] === 1);
  assert.ok(at > 8);
  bin[at + 3] = 3;
  const m = decodeModule(bin);
  validateModule(m);
  assert.equal(m.memoryTypes()[0].shared, true);
  const r = await runPassesAsync(m, oi, { verify: true, verifyTimeoutMs: 30000 });
  assert.deepEqual(r.verification.map((x) => [x.status, x.reason, x.action]), [['unsupported', 'shared memory', 'kept']]);
});

test('running out of time degrades to unverified, never to a failure', async () => {
  // a correct reassociation of 64-bit multiplications: not decided without the solver, and no time for it
  const wat = `(module (func (export "m") (param i64 i64 i64) (result i64)
    (i64.mul (i64.mul (local.get 0) (local.get 1)) (local.get 2))))`;
  const reassoc = {
    name: 'reassociate-mul', description: 'test: (a*b)*c -> a*(b*c) (correct)', scope: 'function',
    run(cx, f) {
      let changed = false;
      forEachExpr([cx.body(f)], (e) => {
        if (e.op === op('i64.mul') && e.kids[0].op === op('i64.mul')) {
          const [ab, c] = e.kids;
          const [a, b] = ab.kids;
          ab.kids = [b, c];
          e.kids = [a, ab];
          changed = true;
        }
      });
      return changed;
    },
  };
  const { r } = await verifyRun(wat, [reassoc], { verifyTimeoutMs: 0 });
  const rec = r.verification[0];
  assert.equal(rec.status, 'timeout', rec.reason);
  assert.equal(rec.action, 'kept');
  assert.equal(r.passes[0].unverified, 1);
  // with time, it is proven
  const again = await verifyRun(wat, [reassoc], { verifyTimeoutMs: 20000 });
  assert.equal(again.r.verification[0].status, 'proven', again.r.verification[0].reason);
});

test('the Z3 worker ending in the middle of a check (a crash, out of memory) degrades to unverified, and the next check works', async () => {
  // pre: is a * b (32-bit factors) a given 64-bit number; post: 0. The query is a factoring
  // problem no solver finishes quickly.
  const wat = `(module (func (export "f") (param i32 i32) (result i32)
    (i64.eq (i64.mul (i64.extend_i32_u (local.get 0)) (i64.extend_i32_u (local.get 1))) (i64.const 0x1234567890abcdef))))`;
  const toZero = {
    name: 'to-zero', description: 'test: the body becomes i32.const 0', scope: 'function',
    run(cx, f) {
      const root = cx.body(f);
      if (root.body[0].op === op('i32.const')) return false;
      const e = root.body[0];
      root.body = [Object.assign(Object.create(Object.getPrototypeOf(e)), e, { op: op('i32.const'), value: 0, kids: [] })];
      return true;
    },
  };
  await loadZ3();
  const run = verifyRun(wat, [toZero], { verifyTimeoutMs: 5000 });
  setTimeout(() => void shutdownZ3(), 500); // the worker goes away while it works
  const { r } = await run;
  const rec = r.verification[0];
  assert.ok(['error', 'timeout'].includes(rec.status), `${rec.status}: ${rec.reason}`);
  assert.equal(rec.action, 'kept');
  assert.equal(r.passes[0].unverified, 1);
  const again = await verifyRun('(module (func (export "g") (param i32) (result i32) (i32.and (local.get 0) (i32.const 255))))', [dropByteMask]);
  assert.equal(again.r.verification[0].status, 'disproven');
});

// ---- the command line ------------------------------------------------------------------------

test('weft optimize --verify --stats reports proven/reverted/unverified per pass; bad --verify values are usage errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-verify-'));
  try {
    const weft = (...args) => spawnSync(process.execPath, [join(root, 'bin', 'weft.js'), ...args], { encoding: 'utf8', timeout: 60000 });
    const r = weft('optimize', SEM, '-O3', '--verify', '--stats', '--verify-timeout', '30000', '-o', join(dir, 'o.wasm'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /pass +changed +instrs before +instrs after +ms +proven +reverted +unverified/);
    assert.match(r.stdout, /verification: \d+ changes checked: \d+ proven, 0 reverted, 0 unverified/);
    assert.match(r.stdout, /z_impl_k_sem_give: all \d+ changes proven \(.*inline.*\)/);
    const v = weft('optimize', SEM, '-O1', '--verify=strict', '--verbose', '-o', join(dir, 'p.wasm'));
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stderr, /verify: .*: proven/);
    const bad = weft('optimize', SEM, '--verify=maybe', '-o', join(dir, 'q.wasm'));
    assert.equal(bad.status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
