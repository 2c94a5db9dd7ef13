// dead-tables: a segment that traps at instantiation keeps its (otherwise dead) table, so the
// output still fails to instantiate like the input. (A lit test cannot show this case: the
// oracle needs a module that instantiates.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeModule, encodeModule, validateModule, runPasses, resolvePasses } from '../dist/index.js';
import { assemble } from '../scripts/lit.js';

async function run(src) {
  const m = decodeModule(await assemble(src, 'dead-tables.wat'));
  validateModule(m);
  runPasses(m, resolvePasses({ passes: ['dead-tables', 'dead-functions'] }));
  const out = encodeModule(m);
  validateModule(decodeModule(out));
  return { m, out };
}

test('dead-tables keeps a table whose segment traps at instantiation', async () => {
  const src = `(module
    (table $t 4 funcref)
    (elem (table $t) (i32.const 3) func $f $f)
    (func $f))`;
  const { m, out } = await run(src);
  assert.equal(m.tables.length, 1);
  assert.equal(m.elems.length, 1);
  assert.equal(m.funcs.length, 1);
  await assert.rejects(WebAssembly.instantiate(out), WebAssembly.RuntimeError);
});

test('dead-tables removes the same table when the segment fits', async () => {
  const src = `(module
    (table $t 5 funcref)
    (elem (table $t) (i32.const 3) func $f $f)
    (func $f))`;
  const { m, out } = await run(src);
  assert.equal(m.tables.length, 0);
  assert.equal(m.elems.length, 0);
  assert.equal(m.funcs.length, 0);
  await WebAssembly.instantiate(out);
});
