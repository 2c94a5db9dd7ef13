// The fuzzer: a bounded CI sample must pass, and a deliberately broken pass must be caught.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fuzz, checkModule, reduce, Generator, randomBytes, TTF_FEATURES } from '../dist/verify/fuzz.js';
import { shutdownDifferential } from '../dist/verify/differential.js';
import { subToAdd } from './support/broken-passes.js';

after(() => shutdownDifferential());

test('20 random modules at -O0 (every function re-encoded): no failures', async () => {
  const s = await fuzz({ seed: 1, count: 20, passes: [], reencode: true, reduce: false, outDir: null });
  assert.deepEqual(s.failures.map((f) => `#${f.index} ${f.kind}: ${f.reason}`), []);
  assert.ok(s.modules >= 18, `only ${s.modules} usable modules`);
});

test('the broken pass sub-to-add is caught within 200 modules, and the failure reduces', async (t) => {
  const s = await fuzz({
    seed: 1, count: 200, passes: [subToAdd], reduce: false, outDir: null, stopAtFirst: true, jobs: 1, timeoutMs: 500,
  });
  assert.ok(s.failures.length >= 1, 'sub-to-add was not caught');
  const f = s.failures[0];
  assert.match(f.kind, /^diff-/);
  t.diagnostic(`sub-to-add caught at module index ${f.index} (after ${s.modules} modules): ${f.kind}: ${f.reason}`);

  const gen = new Generator();
  try {
    const input = await gen.generate(randomBytes(1, f.index, 4096));
    const opts = { passes: [subToAdd], timeoutMs: 300 };
    const r = await reduce(input, async (b) => {
      const c = await checkModule(b, opts);
      return !c.ok && c.kind === f.kind;
    }, gen, 30000);
    const c = await checkModule(r.bytes, opts);
    assert.equal(c.ok, false);
    assert.ok(r.bytes.length < input.length / 4, `reduced only ${input.length} -> ${r.bytes.length}`);
    t.diagnostic(`reduced ${input.length} -> ${r.bytes.length} bytes in ${(r.ms / 1000).toFixed(1)} s`);
  } finally {
    gen.dispose();
  }
});

test('the in-process wasm-opt generates the same module as the wasm-opt CLI', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-fuzz-test-'));
  const gen = new Generator();
  try {
    const random = randomBytes(7, 3, 4096);
    const mine = await gen.generate(random);
    writeFileSync(join(dir, 'r.bin'), random);
    const require = createRequire(import.meta.url);
    const cli = join(require.resolve('binaryen/package.json'), '..', 'bin', 'wasm-opt');
    execFileSync(process.execPath, [cli, join(dir, 'r.bin'), '-ttf', ...TTF_FEATURES, '-q', '-o', join(dir, 'm.wasm')]);
    assert.deepEqual(Buffer.from(mine), readFileSync(join(dir, 'm.wasm')));
    assert.equal(gen.opt.fallbacks, 0);
  } finally {
    gen.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-O3 is a fixed point on fuzz modules whose second run used to shrink them', async () => {
  // seed 1: #76 and #261 a table whose last call_indirect an inline-settle round removed (its
  // segment kept its functions referenced), #253, #368 and #410 arguments a round made constant;
  // a second -O3 run removed the table, or the arguments, and inlined or folded what followed;
  // #4, #334, #440 operands coalesce-locals made the same local (`select x x c`, `x ^ x`)
  const { optimize } = await import('../dist/index.js');
  const gen = new Generator();
  try {
    for (const index of [4, 76, 253, 261, 334, 368, 410, 440]) {
      const input = await gen.generate(randomBytes(1, index, 4096));
      const once = (await optimize(input, { level: 3 })).binary;
      const twice = (await optimize(once, { level: 3 })).binary;
      assert.ok(once.length < input.length, `#${index}: -O3 did not shrink it`);
      assert.ok(Buffer.compare(Buffer.from(twice), Buffer.from(once)) === 0,
        `#${index}: a second -O3 changed the output (${once.length} -> ${twice.length} bytes)`);
    }
  } finally {
    gen.dispose();
  }
});
