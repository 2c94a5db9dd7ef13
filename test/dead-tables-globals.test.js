// dead-tables-globals (src/passes/dead-tables-globals.ts): which tables, element segments and
// globals go and which stay, indices remapped everywhere (code, exports, offsets, names), the
// output valid and behaving as the input; and gale/gust_fused, where the dead tables held four
// functions alive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeModule, encodeModule, validateModule, runPasses, resolvePasses, codeContext, readFunctionBody, optimize } from '../dist/index.js';
import { readGlobalNames } from '../dist/binary/names.js';
import { differential, shutdownDifferential } from '../dist/verify/differential.js';
import { assemble } from '../scripts/lit.js';

function run(bytes, passes) {
  const m = decodeModule(bytes);
  validateModule(m);
  runPasses(m, resolvePasses({ passes }));
  const out = encodeModule(m);
  const m2 = decodeModule(out);
  validateModule(m2);
  return { out, m2 };
}

const WAT = `
(module
  (type $v (func))
  (type $i (func (result i32)))
  (import "env" "g_imp" (global $g_imp i32))
  (table $dead 4 funcref)                  ;; nothing reads it: goes, with its segment
  (table $used 2 funcref)                  ;; call_indirect reads it: stays
  (table $oob 8 funcref)                   ;; its segment's offset is not a constant (might trap): stays
  (table $declares 2 funcref)              ;; its segment declares a ref.func target: stays
  (global $unused (mut i32) (i32.const 7)) ;; nothing reads it: goes
  (global $only_dead (mut i32) (i32.const 8)) ;; only a dead function reads it: goes
  (global $live (mut i32) (i32.const 9))
  (global $live_init (mut i32) (global.get $g_imp)) ;; its initializer reads the import
  (global $exported i32 (i32.const 11))
  (memory 1)
  (elem (table $dead) (i32.const 0) func $in_dead_table $in_dead_table)
  (elem (table $used) (i32.const 0) func $callee)
  (elem (table $oob) (global.get $g_imp) func $in_oob_table)
  (elem (table $declares) (i32.const 0) func $referenced)
  (elem $passive func $callee)
  (func $in_dead_table (result i32) (global.get $only_dead))
  (func $in_oob_table (result i32) (i32.const 3))
  (func $referenced (result i32) (i32.const 4))
  (func $callee (result i32) (global.get $live))
  (func (export "main") (result i32)
    (elem.drop $passive)
    (global.set $live (i32.add (global.get $live) (global.get $live_init)))
    (drop (ref.func $referenced))
    (call_indirect $used (type $i) (i32.const 0)))
  (export "exported" (global $exported)))
`;

test('dead-tables-globals: removes what nothing can use, keeps the rest, remaps every index', async () => {
  const input = await assemble(WAT, 'dtg.wat');
  const before = decodeModule(input);
  const { out, m2 } = run(input, ['dead-tables-globals', 'dead-functions']);
  assert.equal(m2.tables.length, before.tables.length - 1, 'one table removed');
  assert.equal(m2.elems.length, before.elems.length - 1, 'its segment removed');
  assert.equal(m2.globals.length, before.globals.length - 2, 'two globals removed');
  assert.equal(m2.funcs.length, before.funcs.length - 1, 'the function only the dead table held is gone');
  // names follow the new numbering (wabt writes global names)
  const names = [...readGlobalNames(m2).values()];
  assert.ok(!names.includes('$unused') && !names.includes('unused'), `names: ${names}`);
  assert.ok(names.some((n) => n.includes('live_init')), `names: ${names}`);
  const live = [...readGlobalNames(m2)].find(([, n]) => n.replace(/^\$/, '') === 'live');
  assert.ok(live, 'global $live keeps its name');
  // the module still behaves the same: main reads the remapped globals and the kept table
  const report = await differential(input, out, { runs: 20 });
  assert.ok(report.equivalent, JSON.stringify(report.divergences[0]));
  const { instance } = await WebAssembly.instantiate(out, { env: { g_imp: 5 } });
  assert.equal(instance.exports.main(), 9 + 5); // $callee reads $live after main added $live_init
  assert.equal(instance.exports.exported.value, 11);
  await shutdownDifferential();
});

test('dead-tables-globals: nothing to remove is no change', async () => {
  const input = await assemble(`(module (table 1 funcref) (elem (i32.const 0) $f) (func $f (export "f") (result i32)
    (call_indirect (result i32) (i32.const 0))))`, 'keep.wat');
  const m = decodeModule(input);
  validateModule(m);
  const changed = runPasses(m, resolvePasses({ passes: ['dead-tables-globals'] }));
  assert.deepEqual(Buffer.from(encodeModule(m)), Buffer.from(input));
  void changed;
});

test('gale/gust_fused -O3: the two unread tables, their segments, the functions they held and their globals go', async () => {
  const input = new Uint8Array(readFileSync(new URL('../../shared/corpus/gale/gust_fused.wasm', import.meta.url)));
  const before = decodeModule(input);
  const out = (await optimize(input, { level: 3 })).binary;
  const m = decodeModule(out);
  validateModule(m);
  assert.ok(before.tables.length >= 2 && m.tables.length === 0, `tables ${before.tables.length} -> ${m.tables.length}`);
  assert.equal(m.elems.length, 0);
  assert.equal(m.globals.length, 0, `globals ${before.globals.length} -> ${m.globals.length}`);
  assert.equal(m.funcs.length, 1, 'only run-demo is left');
  const cx = codeContext(m);
  for (const f of m.funcs) readFunctionBody(cx, m, f);
  const report = await differential(input, out, { runs: 50 });
  assert.ok(report.equivalent, JSON.stringify(report.divergences[0]));
  await shutdownDifferential();
});

test('dead-tables-globals: an unread table whose segment traps at instantiation stays (the trap stays)', async () => {
  const input = await assemble(`(module (table 1 funcref) (elem (i32.const 1) $f) (func $f (export "f") (result i32) (i32.const 1)))`, 'oob.wat');
  const { out, m2 } = run(input, ['dead-tables-globals']);
  assert.equal(m2.tables.length, 1);
  assert.equal(m2.elems.length, 1);
  await assert.rejects(WebAssembly.instantiate(out), /out of bounds/);
});

async function runWithDeadFunctions(src) {
  const m = decodeModule(await assemble(src, 'dead-tables.wat'));
  validateModule(m);
  runPasses(m, resolvePasses({ passes: ['dead-tables-globals', 'dead-functions'] }));
  const out = encodeModule(m);
  validateModule(decodeModule(out));
  return { m, out };
}

test('dead-tables-globals (with dead-functions) keeps a table whose segment traps at instantiation', async () => {
  const src = `(module
    (table $t 4 funcref)
    (elem (table $t) (i32.const 3) func $f $f)
    (func $f))`;
  const { m, out } = await runWithDeadFunctions(src);
  assert.equal(m.tables.length, 1);
  assert.equal(m.elems.length, 1);
  assert.equal(m.funcs.length, 1);
  await assert.rejects(WebAssembly.instantiate(out), WebAssembly.RuntimeError);
});

test('dead-tables-globals (with dead-functions) removes the same table when the segment fits', async () => {
  const src = `(module
    (table $t 5 funcref)
    (elem (table $t) (i32.const 3) func $f $f)
    (func $f))`;
  const { m, out } = await runWithDeadFunctions(src);
  assert.equal(m.tables.length, 0);
  assert.equal(m.elems.length, 0);
  assert.equal(m.funcs.length, 0);
  await WebAssembly.instantiate(out);
});
