// Output quality against wasm-opt: for every core module of ../shared/corpus, the instruction
// count (as `weft stats` counts them), local.get+set+tee, locals and code-section bytes of the
// input, of `weft -O3` and of `wasm-opt -O3` (binaryen npm package), computed in one run; then
// totals per corpus folder and the ratio weft / wasm-opt.
//
// Usage: node bench/quality.js [--level 3] [--json]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModule, optimize, parseLevel } from '../dist/index.js';
import { moduleStats } from '../dist/stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const CORPUS = join(here, '..', '..', 'shared', 'corpus');
const require = createRequire(import.meta.url);
const WASM_OPT = join(dirname(require.resolve('binaryen/package.json')), 'bin', 'wasm-opt');

const args = process.argv.slice(2);
const levelArg = args.includes('--level') ? args[args.indexOf('--level') + 1] : '3';
const level = parseLevel(levelArg);
const json = args.includes('--json');

/** The numbers we compare, for one binary. */
export function measure(bytes) {
  const m = decodeModule(bytes);
  const s = moduleStats(m).totals;
  const code = m.original.get(10);
  let locals = 0;
  for (const f of m.funcs) {
    // declared locals are counted from the binary's local declarations (params excluded)
    const src = m.source(f);
    let p = src.start;
    const u32 = () => { let r = 0, sh = 0, b; do { b = src.bytes[p++]; r |= (b & 0x7f) << sh; sh += 7; } while (b & 0x80); return r >>> 0; };
    const groups = u32();
    for (let g = 0; g < groups; g++) { locals += u32(); p++; }
  }
  return {
    instrs: s.instrs,
    localOps: s.localGet + s.localSet + s.localTee,
    locals,
    i64: s.i64,
    codeBytes: code ? code.end - code.start : 0,
  };
}

// The features of WebAssembly 2.0 plus multi-memory (issue254 has two memories). Not
// --all-features: with it binaryen 132 writes the compact import section encoding of a newer
// proposal, which no engine in Node 20 reads.
const FEATURES = ['--enable-bulk-memory', '--enable-sign-ext', '--enable-nontrapping-float-to-int',
  '--enable-multivalue', '--enable-reference-types', '--enable-mutable-globals', '--enable-simd', '--enable-multimemory'];

export function wasmOpt(bytes, flags) {
  const dir = mkdtempSync(join(tmpdir(), 'weft-q-'));
  try {
    writeFileSync(join(dir, 'in.wasm'), bytes);
    const r = spawnSync(process.execPath, [WASM_OPT, join(dir, 'in.wasm'), '-o', join(dir, 'out.wasm'), ...FEATURES, ...flags],
      { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`wasm-opt failed: ${r.stderr}`);
    return new Uint8Array(readFileSync(join(dir, 'out.wasm')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function corpusModules() {
  const out = [];
  for (const dir of ['gale', 'loom']) {
    for (const name of readdirSync(join(CORPUS, dir)).sort()) {
      if (!name.endsWith('.wasm') || name.includes('.component.')) continue;
      out.push({ dir, name, path: join(CORPUS, dir, name) });
    }
  }
  return out;
}

async function main() {
  const rows = [];
  for (const mod of corpusModules()) {
    const input = new Uint8Array(readFileSync(mod.path));
    const weft = (await optimize(input, { level })).binary;
    const wo = wasmOpt(input, [`-O${levelArg}`]);
    rows.push({ ...mod, input: measure(input), weft: measure(weft), wo: measure(wo) });
  }
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  const keys = [['instrs', 'instructions'], ['localOps', 'local.get+set+tee'], ['locals', 'locals'], ['codeBytes', 'code bytes']];
  const header = ['module', ...keys.flatMap(([, label]) => [`${label}: in`, 'weft', 'wasm-opt'])];
  const table = [header, header.map(() => '---')];
  const totals = {};
  for (const r of rows) {
    table.push([`${r.dir}/${r.name}`, ...keys.flatMap(([k]) => [r.input[k], r.weft[k], r.wo[k]].map(String))]);
    const t = (totals[r.dir] ??= { input: {}, weft: {}, wo: {} });
    for (const side of ['input', 'weft', 'wo']) for (const [k] of keys) t[side][k] = (t[side][k] ?? 0) + r[side][k];
  }
  for (const [dir, t] of Object.entries(totals)) {
    table.push([`**${dir} total**`, ...keys.flatMap(([k]) => [t.input[k], t.weft[k], t.wo[k]].map((v) => `**${v}**`))]);
  }
  console.log(`weft -O${levelArg} vs wasm-opt -O${levelArg} (binaryen ${require('binaryen/package.json').version}), ${new Date().toISOString().slice(0, 10)}\n`);
  for (const row of table) console.log(`| ${row.join(' | ')} |`);
  console.log('\nratios weft / wasm-opt (lower is better for weft):');
  for (const [dir, t] of Object.entries(totals)) {
    console.log(`  ${dir}: ` + keys.map(([k, label]) => `${label} ${(t.weft[k] / t.wo[k]).toFixed(3)}`).join(', '));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
