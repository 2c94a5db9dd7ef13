// The inline pass: acceptance on the gale seams (the decide disappears from the shim; outputs
// validate and behave like their inputs over 1,000 oracle runs per export, with the paths the
// runs took counted), and the options and heuristics that lit tests cannot set.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModule, encodeModule, validateModule, runPasses, resolvePasses, codeContext, readFunctionBody, O, optimize } from '../dist/index.js';
import { readNames } from '../dist/binary/names.js';
import { forEachExpr, countExprs } from '../dist/ir/walk.js';
import { differential, formatReport, shutdownDifferential, argumentLists } from '../dist/verify/differential.js';
import { valueOf } from '../dist/verify/diff-worker.js';
import { assemble } from '../scripts/lit.js';

after(() => shutdownDifferential());

const here = path.dirname(fileURLToPath(import.meta.url));
const GALE = path.join(here, '..', '..', 'shared', 'corpus', 'gale');

/** Runs `inline` (with options) and returns the output bytes. */
function inline(bytes, options = {}) {
  const m = decodeModule(bytes);
  validateModule(m);
  runPasses(m, resolvePasses({ passes: ['inline'] }), options);
  return encodeModule(m);
}

/** The tree of the function named `name` (name section), with its index. */
function funcByName(bytes, name) {
  const m = decodeModule(bytes);
  const names = readNames(m).functions;
  let index = -1;
  for (const [i, n] of names) if (n === name) index = i;
  assert.ok(index >= m.numImportedFuncs, `no defined function named ${name}`);
  const f = m.funcs[index - m.numImportedFuncs];
  return { m, index, f, body: readFunctionBody(codeContext(m), m, f) };
}

function indexOf(bytes, name) {
  for (const [i, n] of readNames(decodeModule(bytes)).functions) if (n === name) return i;
  return -1;
}

function calls(body) {
  const out = [];
  forEachExpr(body.body, (e) => {
    if (e.op === O.call || e.op === O.return_call) out.push(e.index);
  });
  return out;
}

/** Instructions of a function body as `countExprs` counts them, and its i64 locals. */
function shape(fn) {
  return { instrs: countExprs(fn.body.body), locals: fn.f.locals.length };
}

function validateBoth(bytes) {
  validateModule(decodeModule(bytes));
  assert.ok(WebAssembly.validate(bytes), 'V8 rejects the output');
}

/**
 * Replays the oracle's calls of one export in-process (same arguments, same import results,
 * one instance, calls in sequence) and classifies each run with `classify(result, importsCalled,
 * instance, args)`; returns the counts per class.
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
      const k = n++;
      return rt ? valueOf(rt, 1, k) : undefined;
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
    const c = classify(result, trace, instance, args);
    counts[c] = (counts[c] ?? 0) + 1;
  }
  return counts;
}

test('sem.loom.wasm: gale_k_sem_give_decide is inlined into z_impl_k_sem_give; valid; equivalent over 1,000 runs', async (t) => {
  const input = readFileSync(path.join(GALE, 'sem.loom.wasm'));
  const out = inline(input);
  validateBoth(out);
  const decide = indexOf(input, 'gale_k_sem_give_decide');
  const panic = indexOf(input, 'core::panicking::panic_const::panic_const_add_overflow::hacec966df230a78f');
  const before = funcByName(input, 'z_impl_k_sem_give');
  const afterFn = funcByName(out, 'z_impl_k_sem_give');
  assert.ok(calls(before.body).includes(decide));
  assert.ok(!calls(afterFn.body).includes(decide), 'the decide is still called');
  // the overflow panic helper (no return, larger than a call) has one call site, in the decide,
  // and nothing else refers to it: its body moved there, so no function calls it any more
  assert.ok(calls(funcByName(input, 'gale_k_sem_give_decide').body).includes(panic));
  for (const name of ['z_impl_k_sem_give', 'gale_k_sem_give_decide']) {
    assert.ok(!calls(funcByName(out, name).body).includes(panic), `${name} still calls the panic helper`);
  }
  // the decide is exported: it stays, and stays exported
  assert.ok(decodeModule(out).exports.some((e) => e.name === 'gale_k_sem_give_decide' && e.index === decide));
  const report = await differential(input, out, { runs: 1000 });
  assert.ok(report.equivalent, formatReport(report));
  assert.ok(report.runs >= 2000, `only ${report.runs} runs`); // two exports, 1,000 each
  const sem = (result, trace, inst, args) => {
    if (result === 'trap') return 'trap';
    return trace.includes('arch_thread_return_value_set') ? 'waiter' : 'no waiter';
  };
  const pb = await paths(input, 'z_impl_k_sem_give', 1000, sem);
  const pa = await paths(out, 'z_impl_k_sem_give', 1000, sem);
  assert.deepEqual(pa, pb);
  assert.ok(pb.waiter > 0 && pb['no waiter'] > 0, `paths: ${JSON.stringify(pb)}`);
  t.diagnostic(`z_impl_k_sem_give: ${JSON.stringify(shape(before))} -> ${JSON.stringify(shape(afterFn))}; ` +
    `${report.runs} calls compared; z_impl_k_sem_give paths over 1,000 runs: ${JSON.stringify(pb)}`);
});

test('mutex_unlock.loom.wasm: gale_k_mutex_unlock_decide is inlined into z_impl_k_mutex_unlock; valid; equivalent over 1,000 runs', async (t) => {
  const input = readFileSync(path.join(GALE, 'mutex_unlock.loom.wasm'));
  const out = inline(input);
  validateBoth(out);
  const decide = indexOf(input, 'gale_k_mutex_unlock_decide');
  const before = funcByName(input, 'z_impl_k_mutex_unlock');
  const afterFn = funcByName(out, 'z_impl_k_mutex_unlock');
  assert.ok(calls(before.body).includes(decide));
  assert.ok(!calls(afterFn.body).includes(decide), 'the decide is still called');
  const report = await differential(input, out, { runs: 1000 });
  assert.ok(report.equivalent, formatReport(report));
  assert.ok(report.runs >= 1000, `only ${report.runs} runs`);
  const mutex = (result, trace) => {
    if (result === 'trap') return 'trap';
    if (trace.includes('arch_thread_return_value_set')) return 'handed to a waiter';
    if (trace.includes('z_unpend_first_thread')) return 'released, no waiter';
    return `returned ${result}`;
  };
  const pb = await paths(input, 'z_impl_k_mutex_unlock', 1000, mutex);
  const pa = await paths(out, 'z_impl_k_mutex_unlock', 1000, mutex);
  assert.deepEqual(pa, pb);
  t.diagnostic(`z_impl_k_mutex_unlock: ${JSON.stringify(shape(before))} -> ${JSON.stringify(shape(afterFn))}; ` +
    `${report.runs} calls compared; paths over 1,000 runs: ${JSON.stringify(pb)}`);
});

test('inline is idempotent on the gale seams', () => {
  for (const file of ['sem.loom.wasm', 'mutex_unlock.loom.wasm']) {
    const once = inline(readFileSync(path.join(GALE, file)));
    const twice = inline(once);
    assert.deepEqual(twice, once, `${file}: a second run changed the output`);
  }
});

// A callee of 14 nodes called twice (over the default budget, not single-site), a no-return
// callee larger than a call, a no-return callee one node larger than its call (an abort's
// endless loop), and a self-recursive callee with one call site.
const HEURISTICS = `(module
  (import "env" "log" (func $log (param i32)))
  (func $mid (param $x i32) (result i32)
    (i32.add (i32.mul (local.get $x) (i32.const 3))
      (i32.add (i32.mul (local.get $x) (i32.const 5))
        (i32.add (i32.mul (local.get $x) (i32.const 7)) (i32.const 1)))))
  (func $hang (call $log (i32.const 0)) (loop $l (br $l)))
  (func $spin (loop $l (br $l)))
  (func $rec (param $n i32) (result i32)
    (if (result i32) (local.get $n)
      (then (call $rec (i32.sub (local.get $n) (i32.const 1))))
      (else (i32.const 0))))
  (func $a (export "a") (param $x i32) (result i32)
    (if (i32.eq (local.get $x) (i32.const 12345)) (then (call $hang)))
    (if (i32.eq (local.get $x) (i32.const 777)) (then (call $spin)))
    (i32.add (call $mid (local.get $x)) (call $rec (i32.and (local.get $x) (i32.const 7)))))
  (func $b (export "b") (param $x i32) (result i32)
    (if (i32.eq (local.get $x) (i32.const 12345)) (then (call $hang)))
    (if (i32.eq (local.get $x) (i32.const 777)) (then (call $spin)))
    (call $mid (i32.const 2))))`;

test('heuristics: budget, no-return callees, recursion; inlineMaxSize and inlineFunctions', async () => {
  const input = await assemble(HEURISTICS, 'heuristics.wat');
  const idx = (name) => indexOf(input, name);
  const callsIn = (bytes, name) => calls(funcByName(bytes, name).body);

  // defaults: $mid (14 nodes, two sites) over the budget; $hang (no return) kept; $rec recursive
  let out = inline(input);
  validateBoth(out);
  assert.ok(callsIn(out, 'a').includes(idx('mid')));
  assert.ok(callsIn(out, 'a').includes(idx('hang')));
  for (const f of ['a', 'b']) assert.ok(!callsIn(out, f).includes(idx('spin')), `${f}: $spin (2 nodes) is copied`);
  assert.ok(callsIn(out, 'a').includes(idx('rec')));

  // a larger budget inlines $mid everywhere
  out = inline(input, { inlineMaxSize: 20 });
  validateBoth(out);
  assert.ok(!callsIn(out, 'a').includes(idx('mid')));
  assert.ok(!callsIn(out, 'b').includes(idx('mid')));
  assert.ok(callsIn(out, 'a').includes(idx('hang')), 'a no-return callee larger than a call is kept');

  // forced by name: $mid and the no-return $hang; the recursive $rec never
  out = inline(input, { inlineFunctions: ['mid', 'hang', 'rec'] });
  validateBoth(out);
  for (const f of ['a', 'b']) {
    assert.ok(!callsIn(out, f).includes(idx('mid')));
    assert.ok(!callsIn(out, f).includes(idx('hang')));
  }
  assert.ok(callsIn(out, 'a').includes(idx('rec')));
  let report = await differential(input, out, { runs: 100, timeoutMs: 500 });
  assert.ok(report.equivalent, formatReport(report));

  // forced by function index
  out = inline(input, { inlineFunctions: [String(idx('mid'))] });
  assert.ok(!callsIn(out, 'b').includes(idx('mid')));

  // a zero budget still inlines tiny callees
  const tiny = await assemble(`(module
    (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func $f (export "f") (param i32) (result i32) (call $inc (call $inc (local.get 0)))))`, 'tiny.wat');
  out = inline(tiny, { inlineMaxSize: 0 });
  validateBoth(out);
  assert.equal(callsIn(out, 'f').length, 0);
  report = await differential(tiny, out, { runs: 50 });
  assert.ok(report.equivalent, formatReport(report));
});

/**
 * Directed runs: the oracle's random memory rarely holds a consistent kernel object, so the
 * decide paths are also driven on purpose. For each case both modules get a fresh instance
 * with the same import stubs and the same object in memory; the result, the import trace (names
 * and arguments) and the whole memory afterwards must be equal. Returns the count per path.
 */
async function directed(before, after, exportName, cases, classify) {
  const run = async (bytes, c) => {
    const m = new WebAssembly.Module(bytes);
    const trace = [];
    const env = {};
    for (const imp of WebAssembly.Module.imports(m)) {
      env[imp.name] = (...args) => {
        trace.push(`${imp.name}(${args.join(',')})`);
        return c.stubs[imp.name]?.(...args);
      };
    }
    const inst = new WebAssembly.Instance(m, { env });
    const mem = new DataView(inst.exports.memory.buffer);
    c.setup(mem);
    let result;
    try {
      result = inst.exports[exportName](...c.args);
    } catch (e) {
      result = `trap ${e.message}`;
    }
    return { result, trace, memory: new Uint8Array(inst.exports.memory.buffer) };
  };
  const counts = {};
  for (const c of cases) {
    const a = await run(before, c);
    const b = await run(after, c);
    assert.equal(b.result, a.result, `${c.name}: result`);
    assert.deepEqual(b.trace, a.trace, `${c.name}: import calls`);
    assert.ok(Buffer.compare(a.memory, b.memory) === 0, `${c.name}: memory`);
    const k = classify(a);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

test('directed runs over every path of the inlined decides (sem, mutex)', async (t) => {
  const U32 = [0, 1, 2, 9, 10, 0x7fffffff, 0xfffffffe, 0xffffffff];
  const P = 1024; // the kernel object's address

  const semIn = readFileSync(path.join(GALE, 'sem.loom.wasm'));
  const semCases = [];
  for (const count of U32) for (const limit of U32) for (const waiter of [0, 0x2000]) {
    semCases.push({
      name: `sem count=${count} limit=${limit} waiter=${waiter}`,
      args: [P],
      setup: (mem) => { mem.setUint32(P + 8, count, true); mem.setUint32(P + 12, limit, true); },
      stubs: { k_spin_lock: () => 77, z_unpend_first_thread: () => waiter, z_reschedule: () => 0 },
    });
  }
  const sem = await directed(semIn, inline(semIn), 'z_impl_k_sem_give', semCases, (r) => {
    if (typeof r.result === 'string') return 'trap';
    if (r.trace.some((x) => x.startsWith('arch_thread_return_value_set'))) return 'waiter woken';
    return 'count updated or saturated';
  });
  assert.ok(sem['waiter woken'] > 0 && sem['count updated or saturated'] > 0);

  const mutexIn = readFileSync(path.join(GALE, 'mutex_unlock.loom.wasm'));
  const CUR = 0x3000;
  const mutexCases = [];
  for (const owner of [0, CUR, 0x3100]) for (const lockCount of [0, 1, 2, 7, 0xffffffff]) for (const waiter of [0, 0x4000]) {
    // an owned mutex with lock count 0 reaches the decide's overflow panic, an endless loop
    if (owner === CUR && lockCount === 0) continue;
    mutexCases.push({
      name: `mutex owner=${owner} lock_count=${lockCount} waiter=${waiter}`,
      args: [P],
      setup: (mem) => { mem.setUint32(P, 0x5000, true); mem.setUint32(P + 4, owner, true); mem.setUint32(P + 8, lockCount, true); },
      stubs: { k_spin_lock: () => 77, gale_w_current: () => CUR, z_unpend_first_thread: () => waiter, z_reschedule: () => 0 },
    });
  }
  const mutex = await directed(mutexIn, inline(mutexIn), 'z_impl_k_mutex_unlock', mutexCases, (r) => {
    if (typeof r.result === 'string') return 'trap';
    if (r.trace.some((x) => x.startsWith('arch_thread_return_value_set'))) return 'handed to a waiter';
    if (r.trace.some((x) => x.startsWith('z_unpend_first_thread'))) return 'released, no waiter';
    return `returned ${r.result}`;
  });
  for (const k of ['handed to a waiter', 'released, no waiter', 'returned 0', 'returned -1', 'returned -22']) {
    assert.ok(mutex[k] > 0, `mutex path '${k}' not reached: ${JSON.stringify(mutex)}`);
  }
  t.diagnostic(`sem paths: ${JSON.stringify(sem)}; mutex paths: ${JSON.stringify(mutex)}`);
});

test('-Os/-Oz inline only what cannot grow the code; -O3 also copies small helpers to every site', async () => {
  const src = `(module
    (func $helper (param i32) (result i32)
      (i32.xor (i32.mul (i32.add (local.get 0) (i32.const 17)) (i32.const 31)) (i32.const 5)))
    (func $once (param i32) (result i32) (i32.sub (local.get 0) (i32.const 3)))
    (func (export "a") (param i32) (result i32) (call $helper (call $once (local.get 0))))
    (func (export "b") (param i32) (result i32) (call $helper (i32.const 9))))`;
  const input = await assemble(src, 'os.wat');
  const count = (bytes) => decodeModule(bytes).funcs.length;
  const o3 = (await optimize(input, { level: 3 })).binary;
  assert.equal(count(o3), 2, '-O3: $helper copied into both exports, $once moved');
  for (const level of ['s', 'z']) {
    const os = (await optimize(input, { level })).binary;
    assert.equal(count(os), 3, `-O${level}: $helper stays a function, $once moved`);
    const report = await differential(input, os, { runs: 50 });
    assert.ok(report.equivalent, formatReport(report));
  }
  // an explicit budget still wins
  const forced = (await optimize(input, { level: 's', inlineMaxSize: 10 })).binary;
  assert.equal(count(forced), 2);
});
