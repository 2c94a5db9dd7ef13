// Codec and IR: LEB128 forms, the opcode table, trees for non-tree stack shapes, deep nesting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import {
  decodeModule, encodeModule, validateModule, validateFunction, codeContext, readFunctionBody, OPS, O, WasmError,
} from '../dist/index.js';
import { Reader } from '../dist/binary/reader.js';
import { Writer } from '../dist/binary/writer.js';
import { forEachExpr } from '../dist/ir/walk.js';

const CORPUS = new URL('../../shared/corpus/', import.meta.url).pathname;

// ---- a tiny module builder for hand-made binaries -------------------------------------------
function leb(v) {
  const out = [];
  do { let b = v & 0x7f; v >>>= 7; if (v) b |= 0x80; out.push(b); } while (v);
  return out;
}
function section(id, payload) { return [id, ...leb(payload.length), ...payload]; }
function vec(items) { return [...leb(items.length), ...items.flat()]; }
/** A module with the given function types and bodies (each body: locals-bytes + code, without size). */
function moduleOf(types, funcs, extra = []) {
  const parts = [
    [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    section(1, vec(types.map(([p, r]) => [0x60, ...vec(p.map((x) => [x])), ...vec(r.map((x) => [x]))]))),
    section(3, vec(funcs.map((f) => leb(f.type)))),
    extra,
  ];
  const code = [leb(funcs.length)];
  for (const f of funcs) code.push(leb(f.body.length), f.body);
  const payload = code.flat();
  parts.push([10, ...leb(payload.length)], payload);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
const i32 = 0x7f;

/** Decodes every body to a tree, marks it changed and re-encodes: the full tree round trip. */
function treeRoundTrip(bytes) {
  const m = decodeModule(bytes);
  validateModule(m);
  const ctx = codeContext(m);
  for (const f of m.funcs) { readFunctionBody(ctx, m, f); f.dirty = true; validateFunction(m, f); }
  return { m, out: encodeModule(m) };
}

test('LEB128 readers accept every canonical and padded form and reject overlong ones', () => {
  const cases = [0, 1, 63, 64, 127, 128, 0x3fff, 0x4000, 0x7fffffff, -1, -64, -65, -0x80000000];
  for (const v of cases) {
    const w = new Writer();
    w.s32(v);
    assert.equal(new Reader(w.finish()).s32(), v);
    const u = new Writer();
    u.u32(v >>> 0);
    assert.equal(new Reader(u.finish()).u32(), v >>> 0);
  }
  for (const v of [0n, 1n, -1n, (1n << 63n) - 1n, -(1n << 63n), 0x123456789n]) {
    const w = new Writer();
    w.s64(v);
    assert.equal(new Reader(w.finish()).s64(), v);
  }
  assert.equal(new Reader(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x00])).u32(), 0); // padded zero is fine
  assert.throws(() => new Reader(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x00])).u32(), /too long/);
  assert.throws(() => new Reader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x1f])).u32(), /too large/);
  assert.throws(() => new Reader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x4f])).s32(), /too large/);
  assert.throws(() => new Reader(new Uint8Array([0x80])).u32(), (e) => e instanceof WasmError && e.offset === 0);
});

test('opcode table: unique names and encodings, every row typed or marked special', () => {
  const names = new Set();
  const codes = new Set();
  for (const info of OPS) {
    assert.ok(!names.has(info.name), `duplicate name ${info.name}`);
    names.add(info.name);
    const key = (info.prefix << 16) | info.code;
    assert.ok(!codes.has(key), `duplicate encoding of ${info.name}`);
    codes.add(key);
    assert.equal(info.params === null, info.results === null, info.name);
  }
  // the SIMD space: 236 instructions in the 2.0 spec (0xfd 0x00..0xff minus reserved codes)
  assert.equal(OPS.filter((o) => o.prefix === 0xfd).length, 236);
  assert.equal(OPS.filter((o) => o.prefix === 0xfc).length, 18);
});

test('a value crossing a statement is kept exactly with pop operands', () => {
  // (i32.const 1) (nop-like call to a void function) (i32.const 2) i32.add
  const body = [0, 0x41, 1, 0x10, 1, 0x41, 2, 0x6a, 0x0b];
  const bytes = moduleOf([[[], [i32]], [[], []]], [{ type: 0, body }, { type: 1, body: [0, 0x0b] }]);
  const m = decodeModule(bytes);
  const tree = readFunctionBody(codeContext(m), m, m.funcs[0]);
  assert.equal(m.funcs[0].hasPops, true);
  assert.deepEqual(tree.body.map((e) => e.name), ['i32.const', 'call', 'i32.add']);
  assert.deepEqual(tree.body[2].kids.map((e) => e.name), ['pop', 'i32.const']);
  assert.deepEqual(treeRoundTrip(bytes).out, bytes);
});

test('multi-value calls and block parameters round-trip through the tree', () => {
  // f0: () -> (i32 i32) = (1, 2); f1: () -> i32 = call f0; i32.add
  // f2: () -> i32 = i32.const 5; block (type 2: [i32] -> [i32]) i32.const 1; i32.add end
  const types = [[[], [i32, i32]], [[], [i32]], [[i32], [i32]]];
  const funcs = [
    { type: 0, body: [0, 0x41, 1, 0x41, 2, 0x0b] },
    { type: 1, body: [0, 0x10, 0, 0x6a, 0x0b] },
    { type: 1, body: [0, 0x41, 5, 0x02, 2, 0x41, 1, 0x6a, 0x0b, 0x0b] },
  ];
  const bytes = moduleOf(types, funcs);
  const { m, out } = treeRoundTrip(bytes);
  assert.deepEqual(out, bytes);
  assert.equal(m.funcs[1].tree.body[1].kids[0].name, 'pop');
  const blk = m.funcs[2].tree.body[0];
  assert.equal(blk.name, 'block');
  assert.equal(blk.kids[0].name, 'i32.const'); // the block's parameter is an operand of the block
  assert.equal(blk.body[0].kids[0].name, 'pop'); // ... which the body takes with a pop
});

test('code after an unconditional branch is dropped from the tree and the output stays valid', () => {
  // block (result i32) i32.const 1 br 0 i32.const 2 i32.add end
  const body = [0, 0x02, i32, 0x41, 1, 0x0c, 0, 0x41, 2, 0x6a, 0x0b, 0x0b];
  const bytes = moduleOf([[[], [i32]]], [{ type: 0, body }]);
  const { m, out } = treeRoundTrip(bytes);
  const names = [];
  forEachExpr(m.funcs[0].tree.body, (e) => names.push(e.name));
  assert.deepEqual(names, ['block', 'br', 'i32.const']);
  validateModule(decodeModule(out));
  assert.ok(WebAssembly.validate(out));
});

test('100,000 nested blocks decode, validate and encode without a stack overflow', () => {
  const depth = 100000;
  const body = [0];
  for (let i = 0; i < depth; i++) body.push(0x02, 0x40);
  body.push(0x0c, ...leb(depth - 1)); // br to the outermost block
  for (let i = 0; i < depth; i++) body.push(0x0b);
  body.push(0x0b);
  const bytes = moduleOf([[[], []]], [{ type: 0, body }]);
  const { out } = treeRoundTrip(bytes);
  assert.deepEqual(out, bytes);
});

test('malformed and invalid inputs fail with an offset', () => {
  const good = moduleOf([[[], [i32]]], [{ type: 0, body: [0, 0x41, 1, 0x0b] }]);
  assert.throws(() => decodeModule(good.subarray(0, good.length - 2)), (e) => e instanceof WasmError && e.offset > 0);
  const badType = moduleOf([[[], [i32]]], [{ type: 0, body: [0, 0x42, 1, 0x0b] }]); // i64 where i32 is due
  assert.throws(() => validateModule(decodeModule(badType)), (e) => e instanceof WasmError && /type mismatch/.test(e.message));
  const badOp = moduleOf([[[], []]], [{ type: 0, body: [0, 0xff, 0x0b] }]);
  assert.throws(() => validateModule(decodeModule(badOp)), /illegal opcode/);
});

test('every corpus core module: lazy re-encode is identical, full tree re-encode is valid in V8', async () => {
  for (const dir of ['gale', 'loom']) {
    for (const name of readdirSync(CORPUS + dir).filter((n) => n.endsWith('.wasm') && !n.includes('component'))) {
      const bytes = new Uint8Array(readFileSync(CORPUS + dir + '/' + name));
      assert.deepEqual(encodeModule(decodeModule(bytes)), bytes, name);
      const { out } = treeRoundTrip(bytes);
      validateModule(decodeModule(out));
      const multiMemory = decodeModule(bytes).memories.length + decodeModule(bytes).imports.filter((i) => i.desc.kind === 'memory').length > 1;
      if (!multiMemory) await WebAssembly.compile(out); // Node 20's V8 has no multi-memory by default
    }
  }
});

test('remapFuncRefs: the bytes re-encoded with new function indices equal decode, remap and encode', async () => {
  const { remapFuncRefs } = await import('../dist/binary/scan.js');
  const { encodeFunctionEntry } = await import('../dist/binary/encode.js');
  const check = (bytes, label) => {
    const m = decodeModule(bytes);
    const ctx = codeContext(m);
    const total = m.numImportedFuncs + m.funcs.length;
    // a permutation of the defined functions (reversed): every index moves, none collides
    const map = new Int32Array(total);
    for (let i = 0; i < total; i++) map[i] = i < m.numImportedFuncs ? i : total - 1 - (i - m.numImportedFuncs);
    let remapped = 0;
    for (const f of m.funcs) {
      const got = remapFuncRefs(m, f, map);
      const tree = readFunctionBody(ctx, m, f);
      if (got === null) {
        assert.ok(f.droppedCode, `${label}: null only for bytes with dropped code`);
      } else {
        assert.ok(!f.droppedCode, `${label}: dropped code must give null`);
        forEachExpr(tree.body, (e) => {
          if (e.op === O.call || e.op === O.return_call || e.op === O.ref_func) e.index = map[e.index];
        });
        assert.deepEqual(got, encodeFunctionEntry(m, f), label);
        remapped++;
      }
      f.tree = null;
    }
    return remapped;
  };
  let n = 0;
  for (const dir of ['gale', 'loom']) {
    for (const name of readdirSync(CORPUS + dir).filter((x) => x.endsWith('.wasm') && !x.includes('component'))) {
      n += check(new Uint8Array(readFileSync(CORPUS + dir + '/' + name)), name);
    }
  }
  assert.ok(n > 700, 'the corpus functions were remapped');
  // hand-made: padded LEBs (local counts, i32.const, call index), an empty run and a split
  // run of locals, a call before `return` ... `end` (no dropped code)
  const bytes = moduleOf([[[], []], [[i32], [i32]]], [
    // (param i32) (result i32): locals 0 (padded) i32, 1 (padded) i32; i32.const 5 (padded); call 0 (padded)
    { type: 1, body: [2, 0x80, 0x80, 0x00, i32, 0x81, 0x80, 0x00, i32, 0x41, 0x85, 0x80, 0x00, 0x10, 0x80, 0x80, 0x00, 0x0b] },
    { type: 0, body: [0, 0x10, 2, 0x0b] }, // call 2
    { type: 0, body: [0, 0x02, 0x40, 0x10, 1, 0x0f, 0x0b, 0x0b] }, // block call 1 return end
  ]);
  validateModule(decodeModule(bytes));
  assert.equal(check(bytes, 'hand-made'), 3);
  const withDead = moduleOf([[[], []]], [{ type: 0, body: [0, 0x0f, 0x10, 0, 0x0b] }]);
  assert.equal(check(withDead, 'dead call'), 0);
});
