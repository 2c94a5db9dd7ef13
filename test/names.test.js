// The name section writer (binary/names.ts): round trip of the encoder, and names that stay
// true after passes renumber functions (dead-functions) or locals (dead-locals, reorder-locals).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeModule, encodeModule, validateModule, runPasses, resolvePasses, codeContext, readFunctionBody, O } from '../dist/index.js';
import { forEachExpr } from '../dist/ir/walk.js';
import { encodeNameSection, parseNameSection, readNames, remapFunctionNames } from '../dist/binary/names.js';
import { makeDeadFunctions } from '../dist/passes/dead-functions.js';
import { Writer } from '../dist/binary/writer.js';
import { assemble } from '../scripts/lit.js';

/** Decodes `bytes`, runs `passes` (names or Pass objects), re-encodes, and decodes the output again. */
function optimizeBytes(bytes, passes) {
  const m = decodeModule(bytes);
  validateModule(m);
  const resolved = passes.map((p) => (typeof p === 'string' ? resolvePasses({ passes: [p] })[0] : p));
  runPasses(m, resolved);
  const out = encodeModule(m);
  const m2 = decodeModule(out);
  validateModule(m2);
  const cx = codeContext(m2);
  for (const f of m2.funcs) readFunctionBody(cx, m2, f); // fills f.locals
  return { m, out, m2 };
}

/** Names of every function by its name (the test modules give each function a unique name). */
function localNamesByFunc(info) {
  const out = new Map();
  for (const [f, locals] of info.locals) out.set(info.functions.get(f), new Map(locals));
  return out;
}

test('encodeNameSection round-trips through the reader', () => {
  const info = {
    module: 'mod ü',
    functions: new Map([[0, 'imported'], [3, 'three'], [1, 'one'], [200, 'big index ✓']]),
    locals: new Map([[1, new Map([[0, 'p'], [2, 'x']])], [200, new Map([[130, 'far']])]]),
  };
  const payload = encodeNameSection(info);
  const back = parseNameSection(payload);
  assert.equal(back.module, info.module);
  assert.deepEqual([...back.functions].sort((a, b) => a[0] - b[0]), [...info.functions].sort((a, b) => a[0] - b[0]));
  assert.deepEqual([...back.locals.keys()].sort((a, b) => a - b), [1, 200]);
  assert.deepEqual([...back.locals.get(1)], [[0, 'p'], [2, 'x']]);
  assert.deepEqual([...back.locals.get(200)], [[130, 'far']]);
  // maps are written sorted by index, as the format requires
  const again = encodeNameSection(back);
  assert.deepEqual(again, payload);
  // empty names: just the section name
  assert.deepEqual(parseNameSection(encodeNameSection({ module: null, functions: new Map(), locals: new Map() })),
    { module: null, functions: new Map(), locals: new Map() });
});

const DEAD_FUNCTIONS_WAT = `
(module
  (import "env" "unused" (func $unused (param i32)))
  (import "env" "used" (func $used (param i32)))
  (func $dead_a (param $n i32) (result i32) (local $t i32)
    (call $dead_b (local.get $n)))
  (func $dead_b (param $n i32) (result i32)
    (call $dead_a (local.get $n)))
  (func $helper (param $x i32) (param $y i32) (result i32) (local $sum i32)
    (local.set $sum (i32.add (local.get $x) (local.get $y)))
    (call $used (local.get $sum))
    (local.get $sum))
  (func $dead_c (call $unused (i32.const 0)))
  (func $main (export "main") (param $a i32) (result i32) (local $r i32)
    (local.set $r (call $helper (local.get $a) (i32.const 2)))
    (local.get $r)))
`;

test('dead-functions (removing unused imports too): every remaining function keeps its name and its local names', async () => {
  const bytes = await assemble(DEAD_FUNCTIONS_WAT, 'names.wat');
  const before = readNames(decodeModule(bytes));
  const { m2 } = optimizeBytes(bytes, [makeDeadFunctions(true)]);
  const after = readNames(m2);
  // imports first, then the defined survivors in order
  assert.deepEqual([...after.functions].sort((a, b) => a[0] - b[0]), [[0, 'used'], [1, 'helper'], [2, 'main']]);
  assert.equal(m2.imports.length, 1);
  assert.equal(m2.funcs.length, 2);
  // local names moved with their functions (keyed by the new indices)
  const lb = localNamesByFunc(before);
  const la = localNamesByFunc(after);
  for (const name of ['helper', 'main']) assert.deepEqual(la.get(name), lb.get(name), name);
  assert.equal(la.has('dead_a'), false);
  assert.deepEqual([...la.get('helper')], [[0, 'x'], [1, 'y'], [2, 'sum']]);
  // the call in main targets helper's new index, and helper calls the import at its new index
  const calls = (f) => {
    const out = [];
    forEachExpr(f.tree.body, (e) => { if (e.op === O.call) out.push(e.index); });
    return out;
  };
  assert.deepEqual(calls(m2.funcs[0]), [0]);
  assert.deepEqual(calls(m2.funcs[1]), [1]);
});

test('dead-functions (the registered pass keeps imports): names still follow', async () => {
  const bytes = await assemble(DEAD_FUNCTIONS_WAT, 'names.wat');
  const { m2 } = optimizeBytes(bytes, ['dead-functions']);
  const after = readNames(m2);
  assert.deepEqual([...after.functions].sort((a, b) => a[0] - b[0]),
    [[0, 'unused'], [1, 'used'], [2, 'helper'], [3, 'main']]);
  assert.equal(m2.imports.length, 2);
});

test('dead-functions: nothing dead leaves the name section byte-identical', async () => {
  const bytes = await assemble(`(module (func $f (export "f") (param $p i32) (result i32) (local.get $p)))`, 'live.wat');
  const { out } = optimizeBytes(bytes, ['dead-functions']);
  assert.deepEqual(out, bytes);
});

/** A name section payload from raw subsections [id, bytes]. */
function rawNameSection(subs) {
  const w = new Writer();
  w.name('name');
  for (const [id, bytes] of subs) {
    w.u8(id);
    w.u32(bytes.length);
    w.bytes(bytes);
  }
  return w.finish().slice();
}

function nameMap(entries) {
  const w = new Writer();
  w.u32(entries.length);
  for (const [i, n] of entries) {
    w.u32(i);
    w.name(n);
  }
  return w.finish().slice();
}

function indirect(entries) {
  const w = new Writer();
  w.u32(entries.length);
  for (const [f, inner] of entries) {
    w.u32(f);
    w.bytes(nameMap(inner));
  }
  return w.finish().slice();
}

test('remapFunctionNames: labels follow their function, unrelated subsections kept, unknown ones dropped', async () => {
  const bytes = await assemble(`(module (func $a) (func $b (export "b")) (global $g i32 (i32.const 0)))`, 'sub.wat');
  const m = decodeModule(bytes);
  const sec = m.customs.find((c) => c.name === 'name');
  const globals = nameMap([[0, 'g']]);
  const bad = new Uint8Array([0xff, 0xff]); // a malformed function-name map: dropped on remap
  sec.payload = rawNameSection([
    [0, new Uint8Array([3, 0x6d, 0x6f, 0x64])], // module name "mod"
    [1, nameMap([[0, 'a'], [1, 'b']])],
    [2, indirect([[0, [[0, 'la']]], [1, [[0, 'lb']]]])],
    [3, indirect([[1, [[0, 'label_of_b']]]])],
    [7, globals],
    [42, new Uint8Array([1, 2, 3])],
  ]);
  sec.origin = null;
  remapFunctionNames(m, (i) => (i === 1 ? 0 : -1)); // $a removed, $b becomes 0
  const info = parseNameSection(sec.payload);
  assert.equal(info.module, 'mod');
  assert.deepEqual([...info.functions], [[0, 'b']]);
  assert.deepEqual([...info.locals.get(0)], [[0, 'lb']]);
  assert.equal(info.locals.size, 1);
  // raw subsections after the remap: 0, 1, 2, 3 (re-keyed), 7 (byte-identical); 42 dropped
  const ids = [];
  const p = sec.payload;
  let at = 5;
  const subs = new Map();
  while (at < p.length) {
    const id = p[at];
    const size = p[at + 1]; // all small here
    ids.push(id);
    subs.set(id, p.slice(at + 2, at + 2 + size));
    at += 2 + size;
  }
  assert.deepEqual(ids, [0, 1, 2, 3, 7]);
  assert.deepEqual(subs.get(3), indirect([[0, [[0, 'label_of_b']]]]));
  assert.deepEqual(subs.get(7), globals);

  // a malformed function-name subsection is dropped rather than left wrong
  sec.payload = rawNameSection([[1, bad], [7, globals]]);
  remapFunctionNames(m, (i) => i);
  assert.deepEqual(sec.payload, rawNameSection([[7, globals]]));
});

test('dead-locals and reorder-locals: local names follow the renumbering', async () => {
  const wat = `
  (module
    (func $f (export "f") (param $p i32) (result i32)
      (local $never f64) (local $wo i32) (local $cold i64) (local $hot i32)
      (local.set $wo (local.get $p))
      (local.set $cold (i64.const 1))
      (local.set $hot (i32.wrap_i64 (local.get $cold)))
      (local.set $hot (i32.add (local.get $hot) (local.get $hot)))
      (i32.add (local.get $hot) (local.get $p)))
    (func $g (export "g") (param $q i32) (result i32)
      (local $only i32)
      (local.tee $only (local.get $q))))`;
  const bytes = await assemble(wat, 'locals.wat');
  const { m2 } = optimizeBytes(bytes, ['dead-locals', 'reorder-locals']);
  const names = readNames(m2);
  const fIndex = [...names.functions].find(([, n]) => n === 'f')[0];
  const gIndex = [...names.functions].find(([, n]) => n === 'g')[0];
  const f = m2.funcs[fIndex - m2.numImportedFuncs];
  // $never and $wo are gone; $hot (5 accesses) before $cold (2)
  assert.deepEqual(f.locals, [0x7f, 0x7e]);
  assert.deepEqual([...names.locals.get(fIndex)], [[0, 'p'], [1, 'hot'], [2, 'cold']]);
  assert.deepEqual([...names.locals.get(gIndex)], [[0, 'q']]);
});

test('reorder-locals: 300 locals of mixed types, grouped per LEB band, names follow', async () => {
  // local i has type i32/i64/f32 in turn and is used 300 - i times (so the order by use is the
  // declaration order, and types interleave)
  const types = ['i32', 'i64', 'f32'];
  const decls = [];
  const code = [];
  for (let i = 0; i < 300; i++) {
    const t = types[i % 3];
    decls.push(`(local $l${i} ${t})`);
    const uses = 300 - i;
    code.push(`(local.set $l${i} (${t}.const 1))`);
    for (let k = 1; k < uses; k += 1) code.push(`(drop (local.get $l${i}))`);
  }
  const wat = `(module (func $big (export "big") (param $p i32) ${decls.join(' ')} ${code.join(' ')}))`;
  const bytes = await assemble(wat, 'big.wat');
  const { m, m2 } = optimizeBytes(bytes, ['reorder-locals']);
  const f = m2.funcs[0];
  // band 0 holds local indices 1..127 (127 locals), band 1 the other 173; each is grouped by type
  const runs = [];
  for (let i = 0; i < f.locals.length; i++) if (i === 0 || f.locals[i] !== f.locals[i - 1]) runs.push(f.locals[i]);
  assert.ok(runs.length <= 6, `expected at most 3 runs per band, got ${runs.length}`);
  // the band-1 groups start with the type that ended band 0
  assert.equal(f.locals[127], f.locals[126]);
  // every local kept its name and its type
  const names = readNames(m2).locals.get(0);
  assert.equal(names.size, 301);
  for (let j = 1; j <= 300; j++) {
    const orig = Number(names.get(j).slice(1));
    assert.equal(f.locals[j - 1], m.funcs[0].locals[j - 1], 'types in the optimized IR');
    assert.equal(['i32', 'i64', 'f32'][orig % 3], { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32' }[f.locals[j - 1]]);
  }
  // the 127 most used locals (l0..l126) are exactly the one-byte band
  const band0 = new Set();
  for (let j = 1; j <= 127; j++) band0.add(Number(names.get(j).slice(1)));
  for (let i = 0; i < 127; i++) assert.ok(band0.has(i), `l${i} in band 0`);
  // a second run changes nothing
  const again = optimizeBytes(encodeModule(m), ['reorder-locals']);
  assert.deepEqual(again.out, encodeModule(m));
});

test('dead-locals: an edit elsewhere leaves the name section byte-identical; payload stays assignable', async () => {
  // $f has local names, the changed function (the second) has none
  const wat = `(module
    (func $f (export "f") (param $p i32) (result i32) (local.get $p))
    (func (export "g") (param i32) (result i32) (local i32 i64) (local.set 1 (i32.const 1)) (local.get 0)))`;
  const bytes = await assemble(wat, 'untouched.wat');
  const sectionOf = (b) => decodeModule(b).customs.find((c) => c.name === 'name').payload;
  const { m, out } = optimizeBytes(bytes, ['dead-locals']);
  assert.equal(m.funcs[1].locals.length, 0);
  assert.deepEqual(sectionOf(out), sectionOf(bytes));
  // the payload accessor: reads are stable, an assignment replaces the section
  const c = m.customs.find((x) => x.name === 'name');
  assert.deepEqual(c.payload, c.payload);
  const replacement = encodeNameSection({ module: 'm', functions: new Map(), locals: new Map() });
  c.payload = replacement;
  c.origin = null;
  assert.equal(readNames(m).module, 'm');
  assert.equal(parseNameSection(sectionOf(encodeModule(m))).module, 'm');
});
