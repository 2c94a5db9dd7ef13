// `weft cost` (src/cost.ts) and const-hoist on the corpus: hand-computed estimates per target,
// the categories, --json and --compare (by name, by index), usage errors; on every corpus module,
// const-hoist under `generic` is byte-identical to its absence, and under each core target it
// never raises any function's estimate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModule, optimize, pipeline } from '../dist/index.js';
import { compareCosts, moduleCost } from '../dist/cost.js';
import { getTarget } from '../dist/targets/index.js';
import { watToWasm } from '../dist/text/wat.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const WEFT = join(root, 'bin', 'weft.js');
const CORPUS = join(root, '..', 'shared', 'corpus');

let dir;
before(() => { dir = mkdtempSync(join(tmpdir(), 'weft-cost-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

function weft(...args) {
  const r = spawnSync(process.execPath, [WEFT, ...args], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
  assert.equal(r.error, undefined);
  return r;
}

const SAMPLE = `(module
  (memory 1)
  (func $f (export "f") (param i32) (result i32) (local i64)
    (i32.store offset=8 (local.get 0) (i32.const 0x12345678))
    (local.set 1 (i64.extend_i32_u (local.get 0)))
    (i32.add (i32.wrap_i64 (i64.shl (local.get 1) (i64.const 3))) (call $g (local.get 0))))
  (func $g (param i32) (result i32) (i32.const 255)))`;

async function costOf(text, target) {
  return moduleCost(decodeModule(await watToWasm(text, 't.wat')), getTarget(target));
}

const pick = (c) => ({ locals: c.locals, constants: c.constants, i64: c.i64, calls: c.calls, other: c.other, total: c.total });

test('cost: hand-computed estimates per target', async () => {
  // thumbv7em: locals = i64 zeroing 2 + 3 gets of $0 + set/get of the i64 pair 2+2 = 9;
  // constants: movw+movt for the stored value (the i64 shift amount is an immediate);
  // i64: extend_u 1 + shift by a constant 3 + wrap 1; calls: bl + argument + result;
  // other: the store, the add of its offset 8, the i32.add
  const v7 = await costOf(SAMPLE, 'thumbv7em');
  assert.deepEqual(pick(v7.functions[0]), { locals: 9, constants: 2, i64: 5, calls: 3, other: 3, total: 22 });
  assert.deepEqual(pick(v7.functions[1]), { locals: 0, constants: 1, i64: 0, calls: 0, other: 0, total: 1 });
  assert.equal(v7.functions[0].name, 'f');
  assert.equal(v7.totals.total, 23);
  // RV32: the 64-bit shift is 4 instructions (no shifted-operand orr)
  const rv = await costOf(SAMPLE, 'rv32imac');
  assert.deepEqual(pick(rv.functions[0]), { locals: 9, constants: 2, i64: 6, calls: 3, other: 3, total: 23 });
  assert.deepEqual(pick(rv.functions[1]), { locals: 0, constants: 1, i64: 0, calls: 0, other: 0, total: 1 });
  const v6 = await costOf(SAMPLE, 'thumbv6m');
  assert.deepEqual(pick(v6.functions[0]), { locals: 9, constants: 2, i64: 6, calls: 3, other: 3, total: 23 });
  // generic: one per wasm instruction, constants free, no zeroing, no register pairs
  const g = await costOf(SAMPLE, 'generic');
  assert.deepEqual(pick(g.functions[0]), { locals: 5, constants: 0, i64: 3, calls: 1, other: 2, total: 11 });
  assert.equal(g.functions[1].total, 0);
});

test('cost: positions, addresses, fused compares', async () => {
  const text = `(module (memory 1)
    (func (param i32) (result i32)
      (if (i32.lt_u (local.get 0) (i32.const 0x12345678)) (then (return (i32.const 1))))
      (i32.add (i32.load offset=4 (i32.const 0x100000)) (i32.load (i32.const 16)))))`;
  const v7 = (await costOf(text, 'thumbv7em')).functions[0];
  // compare fused into the branch (cmp 1 + if 1), 0x12345678 movw+movt, return 1 + its mov #1,
  // 0x100004 as a load address movw+movt, 16 folds into ldr [membase, #16]; 2 loads + add
  assert.deepEqual(pick(v7), { locals: 1, constants: 5, i64: 0, calls: 0, other: 6, total: 12 });
  const rv = (await costOf(text, 'rv32imac')).functions[0];
  // RV32: bltu fuses the compare (0), lui+addi, li 1, lui+addi for 0x100004 plus the base add
  assert.deepEqual(pick(rv), { locals: 1, constants: 5, i64: 0, calls: 0, other: 6, total: 12 });
});

test('cost: compare matches by name, else by index', async () => {
  const a = await costOf(SAMPLE, 'thumbv7em');
  const b = await costOf(SAMPLE.replace('(i32.store offset=8 (local.get 0) (i32.const 0x12345678))', '')
    .replace('(func $g', '(func $h (result i32) (i32.const 7))\n  (func $g'), 'thumbv7em');
  const cmp = compareCosts(a, b);
  const byName = Object.fromEntries(cmp.functions.map((f) => [f.before?.name ?? f.after?.name, f]));
  assert.equal(byName.f.delta.total, -5); // the store: value 2 + store 1 + offset add 1 + get 1
  assert.equal(byName.f.delta.constants, -2);
  assert.equal(byName.g.delta.total, 0, 'matched by name although its index moved');
  assert.equal(byName.g.before.index, 1);
  assert.equal(byName.g.after.index, 2);
  assert.equal(byName.h.before, null);
  assert.equal(cmp.delta.total, b.totals.total - a.totals.total);
  // without names: by index
  const anon = (t) => t.replace('(call $g', '(call 1').replace(/ \$[fgh]\b/g, '');
  const c = await costOf(anon(SAMPLE), 'thumbv7em');
  assert.equal(c.functions[0].name, null);
  const cmp2 = compareCosts(a, c);
  assert.ok(cmp2.functions.every((f) => f.before !== null && f.after !== null));
  assert.equal(cmp2.delta.total, 0);
});

test('weft cost: table, --json, --compare, usage errors', async () => {
  const inFile = join(dir, 'in.wat');
  writeFileSync(inFile, SAMPLE);
  let r = weft('cost', inFile, '--target', 'thumbv7em');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^target thumbv7em: ARMv7E-M/);
  assert.match(r.stdout, /locals\s+consts\s+i64\s+calls\s+other\s+total/);
  assert.match(r.stdout, /\bf\s+9\s+2\s+5\s+3\s+3\s+22\b/);
  assert.match(r.stdout, /total \(2 functions\)\s+9\s+3\s+5\s+3\s+3\s+23/);
  r = weft('cost', inFile, '--target', 'rv32imac', '--json');
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.target, 'rv32imac');
  assert.equal(j.functions[0].total, 23);
  // --compare with the const-hoist output of a module that repeats a constant
  const rep = join(dir, 'rep.wat');
  writeFileSync(rep, `(module (memory 1) (func $k (export "k") (param i32)
    ${[0, 4, 8, 12, 16].map((o) => `(i32.store offset=${o} (local.get 0) (i32.const 0x12345678))`).join(' ')}))`);
  const out = join(dir, 'rep.wasm');
  r = weft('optimize', rep, '-o', out, '--passes', 'const-hoist', '--target', 'thumbv7em');
  assert.equal(r.status, 0, r.stderr);
  r = weft('cost', rep, '--target', 'thumbv7em', '--compare', out);
  assert.equal(r.status, 0, r.stderr);
  // before: 5 x (get + movw/movt + str + offset add, the first without) = 24; after: one
  // materialisation, the tee, the zeroing and 4 gets instead of 4 more materialisations: -2
  assert.match(r.stdout, /\bk\s+24\s+22\s+-2\s+\+6\s+-8\s+0\s+0\s+0/);
  r = weft('cost', rep, '--target', 'thumbv7em', '--compare', out, '--json');
  const jc = JSON.parse(r.stdout);
  assert.equal(jc.delta.constants, -8);
  assert.equal(jc.functions[0].name, 'k');
  // usage errors: exit 2, one line
  for (const args of [['cost', inFile, '--target', 'x86'], ['optimize', inFile, '-o', join(dir, 'o.wasm'), '--target', 'cortex']]) {
    r = weft(...args);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^weft: .*--target.*use one of generic, thumbv7em, thumbv6m, rv32imac/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
  r = weft('cost', join(dir, 'missing.wasm'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /missing\.wasm: no such file/);
});

function corpus() {
  const out = [];
  for (const d of ['gale', 'loom']) {
    for (const n of readdirSync(join(CORPUS, d)).sort()) {
      if (n.endsWith('.wasm') && !n.includes('.component.')) out.push(join(CORPUS, d, n));
    }
  }
  return out;
}

test('const-hoist on the corpus: identity under generic, never a higher estimate under a core', async () => {
  // the -O3 pipeline without its const-hoist step, and with it
  const passes = pipeline(3).filter((p) => p !== 'const-hoist');
  const hoisted = pipeline(3);
  assert.ok(hoisted.includes('const-hoist'));
  for (const file of corpus()) {
    const input = new Uint8Array(readFileSync(file));
    const base = (await optimize(input, { passes })).binary;
    const withHoist = (await optimize(input, { passes: hoisted })).binary;
    assert.deepEqual(Buffer.from(withHoist), Buffer.from(base), `${file}: generic const-hoist changed bytes`);
    for (const t of ['thumbv7em', 'thumbv6m', 'rv32imac']) {
      const target = getTarget(t);
      // same target on both sides: other passes may also read the target
      const baseT = (await optimize(input, { passes, target: t })).binary;
      const out = (await optimize(input, { passes: hoisted, target: t })).binary;
      const cmp = compareCosts(moduleCost(decodeModule(baseT), target), moduleCost(decodeModule(out), target));
      for (const f of cmp.functions) {
        assert.ok(f.delta.total <= 0, `${file} ${t} ${f.before?.name ?? f.before?.index}: +${f.delta.total}`);
        assert.ok(f.delta.constants <= 0);
      }
    }
  }
});

// ---- const-hoist on random structured programs -------------------------------------------------

/** A seeded generator of functions that repeat expensive constants across ifs, blocks, loops. */
function randomProgram(seed) {
  let x = seed * 0x9e3779b1 + 1;
  const rnd = (n) => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) % n; };
  const pick = (a) => a[rnd(a.length)];
  // a small pool, so values repeat: MOVW+MOVT / literal pool / LUI+ADDI constants, immediates
  // on some cores, and constant addresses (0x100000 + offsets: beyond every load offset field)
  const consts = [0x12345678, 0x9e3779b9 | 0, 0x1fff0, 4097, 255, 0x00ff00ff, -4096, 0x12345, 2047];
  const addrs = [[0x100000, 8], [0x100008, 0], [0x100004, 4], [0x200000, 0], [0x100010, 0]];
  const ops = ['add', 'xor', 'mul', 'and', 'or', 'sub'];
  let loops = 0;
  const stmt = (depth) => {
    const k = rnd(depth > 2 ? 4 : 8);
    switch (k) {
      case 0: case 1:
        return `(local.set 2 (i32.${pick(ops)} (local.get 2) (i32.const ${pick(consts)})))`;
      case 2: {
        const [a, o] = pick(addrs);
        return `(i32.store offset=${o} (i32.const ${a}) (i32.add (local.get 2) (i32.const ${pick(consts)})))`;
      }
      case 3: {
        const [a, o] = pick(addrs);
        return `(local.set 3 (i32.xor (local.get 3) (i32.load offset=${o} (i32.const ${a}))))`;
      }
      case 4:
        return `(if (i32.and (local.get 0) (i32.const ${1 << rnd(8)})) (then ${body(depth + 1)}) (else ${body(depth + 1)}))`;
      case 5:
        return `(block $b${depth} ${body(depth + 1)} (br_if $b${depth} (i32.lt_u (local.get 2) (i32.const ${pick(consts)}))) ${body(depth + 1)})`;
      case 6: {
        if (loops >= 3) return `(i64.store (i32.const 0x100020) (i64.const 0x123456789abcdef0))`;
        const c = 4 + loops++;
        return `(local.set ${c} (i32.const 3)) (loop $l${depth} ${body(depth + 1)} ` +
          `(br_if $l${depth} (local.tee ${c} (i32.sub (local.get ${c}) (i32.const 1)))))`;
      }
      default:
        return `(i64.store (i32.const 0x100020) (i64.xor (i64.load (i32.const 0x100020)) (i64.const 0x123456789abcdef0)))`;
    }
  };
  const body = (depth) => Array.from({ length: 1 + rnd(4) }, () => stmt(depth)).join(' ');
  return `(module (memory 40)
    (func (export "f") (param i32 i32) (result i32) (local i32 i32 i32 i32 i32)
      (local.set 2 (local.get 1)) ${body(0)} ${body(0)}
      (i32.add (local.get 2) (local.get 3))))`;
}

test('const-hoist: random programs stay equivalent and never cost more', async () => {
  const { differential, shutdownDifferential } = await import('../dist/verify/differential.js');
  let changed = 0;
  let total = 0;
  try {
    for (let seed = 1; seed <= 40; seed++) {
      const input = await watToWasm(randomProgram(seed), `r${seed}.wat`);
      for (const t of ['thumbv7em', 'thumbv6m', 'rv32imac']) {
        const out = (await optimize(input, { passes: ['const-hoist'], target: t })).binary;
        total++;
        if (Buffer.compare(Buffer.from(out), Buffer.from(input)) === 0) continue;
        changed++;
        const target = getTarget(t);
        const cmp = compareCosts(moduleCost(decodeModule(input), target), moduleCost(decodeModule(out), target));
        assert.ok(cmp.delta.total <= 0, `seed ${seed} ${t}: estimate rose by ${cmp.delta.total}`);
        const again = (await optimize(out, { passes: ['const-hoist'], target: t })).binary;
        assert.deepEqual(Buffer.from(again), Buffer.from(out), `seed ${seed} ${t}: not idempotent`);
        const r = await differential(input, out, { runs: 8, timeoutMs: 5000 });
        assert.ok(r.equivalent, `seed ${seed} ${t}: ${JSON.stringify(r.divergences[0])}`);
      }
    }
  } finally {
    await shutdownDifferential();
  }
  assert.ok(changed > total / 2, `const-hoist changed only ${changed} of ${total} programs`);
});
