// The differential oracle: it must call equal modules equal and catch each kind of difference.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import wabtInit from 'wabt';
import { decodeModule, encodeModule, runPasses, validateModule, op } from '../dist/index.js';
import { forEachExpr } from '../dist/ir/walk.js';
import { differential, differentialModule, shutdownDifferential } from '../dist/verify/differential.js';
import { subToAdd, dropImportCall } from './support/broken-passes.js';

const wabt = await wabtInit();
after(() => shutdownDifferential());

/** Assembles WAT text to binary bytes. */
function wat(text) {
  const m = wabt.parseWat('test.wat', text, { multi_value: true, bulk_memory: true, reference_types: true });
  try {
    return m.toBinary({}).buffer;
  } finally {
    m.destroy();
  }
}

/** Runs pass objects over a module and returns the new bytes (valid by weft's validator). */
function transform(bytes, passes) {
  const m = decodeModule(bytes);
  validateModule(m);
  runPasses(m, passes);
  const out = encodeModule(m);
  validateModule(decodeModule(out));
  return out;
}

const ARITH = wat(`(module
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "sub") (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
  (func (export "dec") (param i32) (result i32) (i32.sub (local.get 0) (i32.const 7)))
  (func (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func (export "wide") (param i64 f64) (result i64) (i64.add (local.get 0) (i64.trunc_sat_f64_s (local.get 1))))
  (func (export "bump") (global.set $g (i32.add (global.get $g) (i32.const 1)))))`);

/** A correct rewrite: x - c  ->  x + (-c). */
const subConstToAdd = {
  name: 'sub-const-to-add',
  description: 'test: x - c -> x + (-c)',
  scope: 'function',
  run(cx, f) {
    let changed = false;
    forEachExpr([cx.body(f)], (e) => {
      if (e.op === op('i32.sub') && e.kids[1].op === op('i32.const')) {
        e.op = op('i32.add');
        e.kids[1].value = -e.kids[1].value | 0;
        changed = true;
      }
    });
    return changed;
  },
};

test('identical modules are equivalent, and every function export is called', async () => {
  const r = await differential(ARITH, ARITH, { runs: 20 });
  assert.equal(r.equivalent, true, JSON.stringify(r.divergences));
  assert.deepEqual(r.skipped, []);
  assert.equal(r.runs, 4 * 20 + 4); // nullary exports get at most 4 runs
});

test('correct transformations are equivalent', async () => {
  // By hand: x*2 -> x<<1, x-7 -> x+(-7), operands of a commutative op swapped, g+1 -> g-(-1).
  const hand = wat(`(module
    (global $g (export "g") (mut i32) (i32.const 0))
    (func (export "sub") (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
    (func (export "dec") (param i32) (result i32) (i32.add (local.get 0) (i32.const -7)))
    (func (export "double") (param i32) (result i32) (i32.shl (local.get 0) (i32.const 1)))
    (func (export "wide") (param i64 f64) (result i64) (i64.add (i64.trunc_sat_f64_s (local.get 1)) (local.get 0)))
    (func (export "bump") (global.set $g (i32.sub (global.get $g) (i32.const -1)))))`);
  const r = await differential(ARITH, hand);
  assert.equal(r.equivalent, true, JSON.stringify(r.divergences));
  // On weft's IR, through a pass.
  const r2 = await differentialModule(ARITH, [subConstToAdd]);
  assert.equal(r2.equivalent, true, JSON.stringify(r2.divergences));
  assert.notDeepEqual(r2.after, ARITH);
});

test('catches the broken pass sub-to-add as a wrong result', async () => {
  const after = transform(ARITH, [subToAdd]);
  const r = await differential(ARITH, after);
  assert.equal(r.equivalent, false);
  const d = r.divergences.find((x) => x.export === 'sub');
  assert.ok(d, JSON.stringify(r.divergences));
  assert.equal(d.what, 'result');
  assert.ok(r.divergences.some((x) => x.export === 'dec' && x.what === 'result'));
});

test('catches the broken pass drop-import-call in the import trace', async () => {
  const before = wat(`(module
    (import "env" "log" (func $log (param i32 i64 f32)))
    (import "env" "get" (func $get (result i32)))
    (func (export "f") (param i32) (result i32)
      (call $log (local.get 0) (i64.const -5) (f32.const nan))
      (i32.add (local.get 0) (call $get))))`);
  const after = transform(before, [dropImportCall]);
  const r = await differential(before, after);
  assert.equal(r.equivalent, false);
  assert.equal(r.divergences[0].what, 'imports');
  assert.match(r.divergences[0].before, /env\.log\(.*-5n, nan\)/);
  assert.match(r.divergences[0].after, /env\.get\(\)/);
});

test('distinguishes trap kinds (divide by zero vs unreachable), and equal traps are equal', async () => {
  const src = (trap) => wat(`(module
    (func (export "t") (param i32) (result i32)
      (if (i32.eqz (local.get 0)) (then ${trap}))
      (local.get 0)))`);
  const div = src('(drop (i32.div_u (i32.const 1) (local.get 0)))');
  const unr = src('unreachable');
  const r = await differential(div, unr);
  assert.equal(r.equivalent, false);
  assert.equal(r.divergences[0].what, 'trap');
  assert.equal(r.divergences[0].before, 'trap:divide by zero');
  assert.equal(r.divergences[0].after, 'trap:unreachable');
  assert.equal(r.divergences[0].args, '(0)');
  const same = await differential(div, src('(drop (i32.div_s (i32.const 7) (local.get 0)))'));
  assert.equal(same.equivalent, true, JSON.stringify(same.divergences));
});

test('an export that loops forever is cut off on both sides and counts as equal', async () => {
  const spin = wat(`(module
    (global $n (export "n") (mut i32) (i32.const 0))
    (func (export "before") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func (export "spin") (param i32) (loop $l (global.set $n (i32.add (global.get $n) (i32.const 1))) (br $l)))
    (func (export "later") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0))))`);
  const t0 = performance.now();
  const r = await differential(spin, spin, { timeoutMs: 300 });
  const ms = performance.now() - t0;
  assert.equal(r.equivalent, true, JSON.stringify(r.divergences));
  assert.ok(ms < 5000, `took ${ms} ms`);
  assert.equal(r.runs, 60); // the exports after the loop still ran

  // Looping on one side only is a divergence.
  const stops = wat(`(module
    (global $n (export "n") (mut i32) (i32.const 0))
    (func (export "before") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func (export "spin") (param i32))
    (func (export "later") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0))))`);
  const r2 = await differential(spin, stops, { timeoutMs: 300 });
  assert.equal(r2.equivalent, false);
  assert.deepEqual(r2.divergences.map((d) => [d.export, d.what, d.before]), [['spin', 'trap', 'timeout']]);
});

test('catches differences in exported globals and memory, and in export signatures', async () => {
  const mem = (x) => wat(`(module
    (memory (export "mem") 1)
    (global (export "g") (mut i64) (i64.const 0))
    (func (export "store") (param i32 i32) (i32.store8 (i32.and (local.get 0) (i32.const 0xffff)) (local.get 1)))
    (func (export "setg") (param i64) (global.set 0 (${x} (local.get 0)))))`);
  const base = mem('i64.extend32_s');
  const r = await differential(base, mem('i64.extend16_s'));
  assert.deepEqual(r.divergences.map((d) => [d.export, d.what]), [['setg', 'globals']]);

  const storeWide = wat(`(module
    (memory (export "mem") 1)
    (global (export "g") (mut i64) (i64.const 0))
    (func (export "store") (param i32 i32) (i32.store16 (i32.and (local.get 0) (i32.const 0xffff)) (local.get 1)))
    (func (export "setg") (param i64) (global.set 0 (i64.extend32_s (local.get 0)))))`);
  const r2 = await differential(base, storeWide);
  assert.ok(r2.divergences.some((d) => d.export === 'store' && (d.what === 'memory' || d.what === 'trap')), JSON.stringify(r2.divergences));

  const sig = wat(`(module
    (memory (export "mem") 1)
    (global (export "g") (mut i64) (i64.const 0))
    (func (export "store") (param i32 i32))
    (func (export "setg") (param i32)))`);
  const r3 = await differential(base, sig);
  assert.ok(r3.divergences.some((d) => d.export === 'setg' && d.what === 'instantiate'));
});

test('imported memory and start function: same pattern on both sides; v128 exports are skipped', async () => {
  const m = wat(`(module
    (import "env" "mem" (memory 1 2))
    (import "env" "tick" (func $tick (param i32) (result i64)))
    (global $acc (export "acc") (mut i64) (i64.const 0))
    (func $start (global.set $acc (call $tick (i32.load (i32.const 8)))))
    (start $start)
    (func (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "poke") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
    (func (export "vec") (param v128) (result v128) (local.get 0)))`);
  const r = await differential(m, m);
  assert.equal(r.equivalent, true, JSON.stringify(r.divergences));
  assert.deepEqual(r.skipped, ['vec (v128 in its signature)']);
  // A start function that calls its import with another value is caught at instantiation.
  const other = wat(`(module
    (import "env" "mem" (memory 1 2))
    (import "env" "tick" (func $tick (param i32) (result i64)))
    (global $acc (export "acc") (mut i64) (i64.const 0))
    (func $start (global.set $acc (call $tick (i32.load (i32.const 12)))))
    (start $start)
    (func (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "poke") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
    (func (export "vec") (param v128) (result v128) (local.get 0)))`);
  const r2 = await differential(m, other);
  assert.equal(r2.equivalent, false);
  assert.equal(r2.divergences[0].what, 'instantiate');
});
