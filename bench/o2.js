// -O2 on large real modules: `weft optimize -O2` next to `wasm-opt -O2` (binaryen npm), one
// run each (wasm-opt takes minutes on esbuild.wasm), whole-process wall time and peak RSS,
// plus the output sizes and a validity check of weft's output.
//
// Usage: node bench/o2.js [--only NAME] [--level 2]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeMeasurer } from './measure.js';
import { LARGE_MODULES } from './modules.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const level = args.includes('--level') ? args[args.indexOf('--level') + 1] : '2';

const pkg = (name) => dirname(require.resolve(`${name}/package.json`));
const MODULES = LARGE_MODULES.filter((m) => m.path && (!only || m.name.includes(only))).map((m) => [m.name, m.path])
  .sort((x, y) => statSync(x[1]).size - statSync(y[1]).size);

const WASM_OPT = join(pkg('binaryen'), 'bin', 'wasm-opt');
// WebAssembly 2.0 + threads (z3) + multi-memory; not --all-features (see bench/quality.js)
const FEATURES = ['--enable-bulk-memory', '--enable-sign-ext', '--enable-nontrapping-float-to-int', '--enable-multivalue',
  '--enable-reference-types', '--enable-mutable-globals', '--enable-simd', '--enable-threads', '--enable-multimemory'];

/** Bytes of a module file but its custom sections (id 0). */
function withoutCustoms(file) {
  const b = readFileSync(file);
  let p = 8;
  let n = 8;
  while (p < b.length) {
    const start = p;
    const id = b[p++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const x = b[p++];
      size += (x & 0x7f) * 2 ** shift;
      if ((x & 0x80) === 0) break;
    }
    p += size;
    if (id !== 0) n += p - start;
  }
  return n;
}

const work = mkdtempSync(join(tmpdir(), 'weft-o2-'));
const { measure, TIME } = makeMeasurer(work);
const WEFT = join(root, 'bin', 'weft.js');

console.log(`-O${level} on large modules, ${new Date().toISOString().slice(0, 10)}; ${cpus().length} CPUs, node ${process.version}; ` +
  `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; peak RSS via ${TIME ?? 'resourceUsage hook'}; one run each\n`);
// Output sizes are given without custom sections: weft keeps the name section, wasm-opt drops
// it unless given -g (z3-built.wasm's is 4.7 MiB), so whole-file sizes would compare names.
console.log('| module | size MiB | weft s | weft MiB | weft out MiB | wasm-opt s | wasm-opt MiB | wasm-opt out MiB | weft/wasm-opt time |');
console.log('|:--|--:|--:|--:|--:|--:|--:|--:|--:|');
try {
  for (const [name, path] of MODULES) {
    const outW = join(work, `${name}.weft.wasm`);
    const outO = join(work, `${name}.opt.wasm`);
    process.stderr.write(`${name}: weft -O${level} ...\n`);
    const w = measure([WEFT, 'optimize', path, `-O${level}`, '-o', outW]);
    if (w.status !== 0) throw new Error(`weft failed on ${name}: ${w.stderr}`);
    const valid = spawnSync(process.execPath, [WEFT, 'stats', outW, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 }).status === 0;
    process.stderr.write(`${name}: wasm-opt -O${level} ...\n`);
    const o = measure([WASM_OPT, ...FEATURES, `-O${level}`, path, '-o', outO]);
    if (o.status !== 0) throw new Error(`wasm-opt failed on ${name}: ${o.stderr}`);
    const mib = (b) => (b / 1048576).toFixed(2);
    console.log(`| ${name} | ${mib(statSync(path).size)} | ${(w.ms / 1000).toFixed(1)} | ${(w.rssKB / 1024).toFixed(0)} | ` +
      `${mib(withoutCustoms(outW))}${valid ? '' : ' (INVALID)'} | ${(o.ms / 1000).toFixed(1)} | ${(o.rssKB / 1024).toFixed(0)} | ` +
      `${mib(withoutCustoms(outO))} | ${(w.ms / o.ms).toFixed(2)} |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
