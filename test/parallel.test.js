// passes/parallel.ts: the main thread's share of a group, when a function's encoding needs a
// function type the module lacks (the case that would make the output depend on the threads).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeModule, encodeModule, validateModule, PassContext, Expr, O } from '../dist/index.js';
import { FunctionPool } from '../dist/passes/parallel.js';
import { emptyTallies } from '../dist/passes/function-group.js';
import { watToWasm } from '../dist/text/wat.js';

// A test pass: wraps a body leaving two i32s in a block of that type, whose encoding needs the
// block type [] -> [i32 i32] (absent from the module below: its functions take a parameter).
const wrapPair = {
  name: 'test-wrap-pair', description: 'test', scope: 'function', bodyLocal: true,
  run(cx, f) {
    const root = cx.body(f);
    if (root.type.length !== 2 || root.body.length !== 2 || root.body[0].op === O.block) return false;
    const b = new Expr(O.block, root.type, []);
    b.index = -1;
    b.body = root.body;
    root.body = [b];
    return true;
  },
};

const WAT = `(module
  (func (export "a") (param i32) (result i32 i32) (local.get 0) (i32.const 1))
  (func (export "b") (param i32) (result i32 i32) (i32.const 2) (local.get 0)))`;

async function load() {
  const m = decodeModule(await watToWasm(WAT, 'pair.wat'));
  validateModule(m);
  return m;
}

test('parallel: a function whose encoding adds a type is run again on the main thread, types appended as one thread does', async () => {
  // one thread: both functions wrapped, one type appended (the second finds it)
  const serial = await load();
  const types0 = serial.types.length;
  const cx1 = new PassContext(serial, { target: 'generic' });
  for (const f of serial.funcs) {
    assert.ok(wrapPair.run(cx1, f));
    cx1.changed(f);
    cx1.release(f);
  }
  assert.equal(serial.types.length, types0 + 1);
  const want = encodeModule(serial);

  // the pool: only function 0 has work (function 1 settled for the pass), so it runs on the main
  // thread, where the new type undoes it; it runs again after the others, in function order
  const m2 = await load();
  const cx2 = new PassContext(m2, { target: 'generic' });
  const pool = FunctionPool.create(m2, cx2.options, 2, 0);
  assert.ok(pool !== null);
  const runs = [];
  const spy = { ...wrapPair, run(c, f) { runs.push(m2.funcs.indexOf(f)); return wrapPair.run(c, f); } };
  try {
    const tallies = emptyTallies(1);
    const items = m2.funcs.map((f) => ({ f, n: -1, done: undefined }));
    // function 1 counted and settled for the test pass: no pass needs to look at it, so it is not
    // sent anywhere (a worker could not run a pass the registry does not hold)
    items[1].n = 2;
    items[1].done = new Set([wrapPair.name]);
    const results = pool.runGroup(cx2, m2, [spy], items, tallies);
    assert.deepEqual(runs, [0, 0], 'run, undone, run again');
    assert.equal(results.length, 2);
    assert.equal(results[0].changed, true);
    assert.equal(results[1].changed, false);
    assert.equal(tallies[0].changed, 1, 'counted once, not for the undone attempt');
    assert.equal(m2.types.length, types0 + 1, 'the type is appended once');
    validateModule(decodeModule(encodeModule(m2)));
    // function 0 is what the serial run made of it
    const body = (mm, k) => { const s = mm.source(mm.funcs[k]); return Buffer.from(s.bytes.subarray(s.start, s.end)); };
    const serialM = decodeModule(want);
    assert.ok(body(decodeModule(encodeModule(m2)), 0).equals(body(serialM, 0)));
  } finally {
    pool.close();
  }
});
