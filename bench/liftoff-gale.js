// Naive-backend cost of the gale corpus: V8 Liftoff (the single-pass baseline compiler, our
// stand-in for a naive AOT backend) machine-instruction totals per module, for the input, for
// `weft -O3` and for `wasm-opt -O3` (binaryen npm package, the flags of bench/quality.js), on
// x64 (this node) and on ARM32 (Debian's armhf node under qemu, ../shared/tools/arm-node: every
// i64 is a register pair there, as on a Cortex-M). Also the local.get+set+tee and local counts.
//
// Liftoff output is read from `--print-wasm-code`: for each function, the lines after
// `Instructions (size = N)` up to the next blank line are its instructions.
//
// The weft pipeline is `pipeline(3)`, plus promote-locals (first, and after local-cse) and
// coalesce-locals (at the end) when the pipeline does not have them yet.
//
// Usage: node bench/liftoff-gale.js [--no-arm] [--functions] [--target NAME] [--json]

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { optimize, pipeline } from '../dist/index.js';
import { measure, wasmOpt } from './quality.js';

const here = dirname(fileURLToPath(import.meta.url));
const GALE = join(here, '..', '..', 'shared', 'corpus', 'gale');
const ARM_NODE = join(here, '..', '..', 'shared', 'tools', 'arm-node');
const FLAGS = ['--liftoff', '--no-wasm-tier-up', '--no-wasm-lazy-compilation', '--print-wasm-code'];

const args = process.argv.slice(2);
const withArm = !args.includes('--no-arm');
const perFunction = args.includes('--functions');
const json = args.includes('--json');
const target = args.includes('--target') ? args[args.indexOf('--target') + 1] : 'generic';

/**
 * The -O3 passes with this local passes placed, until pipeline.ts has them:
 * promote-locals first (stack code back into trees for every later pass) and again after
 * local-cse (before the last cleanup round), coalesce-locals last.
 */
export function weftPasses() {
  const p = pipeline(3);
  if (!p.includes('promote-locals')) {
    const i = p.lastIndexOf('local-cse');
    p.splice(i < 0 ? p.length : i + 1, 0, 'promote-locals');
    p.splice(p[0] === 'dead-functions' ? 1 : 0, 0, 'promote-locals');
  }
  if (!p.includes('coalesce-locals')) p.push('coalesce-locals');
  return p;
}

// Instantiates the module given on the command line with stub imports (functions return 0),
// so that V8 compiles every function eagerly and prints its code.
const LOADER = `const fs = require('fs');
const m = new WebAssembly.Module(fs.readFileSync(process.argv[2]));
const imports = {};
for (const imp of WebAssembly.Module.imports(m)) {
  const ns = (imports[imp.module] ??= {});
  if (imp.kind === 'function') ns[imp.name] = () => 0;
  else if (imp.kind === 'memory') ns[imp.name] = new WebAssembly.Memory({ initial: 1 });
  else if (imp.kind === 'table') ns[imp.name] = new WebAssembly.Table({ initial: 1, element: 'anyfunc' });
  else if (imp.kind === 'global') ns[imp.name] = 0;
}
try { new WebAssembly.Instance(m, imports); } catch (e) { console.error('instantiate: ' + e.message); }
`;

/** Liftoff instruction counts per function (name -> count) from `--print-wasm-code` output. */
export function countLiftoff(text) {
  const out = new Map();
  let name = null;
  let counting = false;
  let n = 0;
  for (const line of text.split('\n')) {
    if (counting) {
      if (line.trim() === '') {
        out.set(name ?? `#${out.size}`, (out.get(name) ?? 0) + n);
        counting = false;
      } else n++;
      continue;
    }
    if (line.startsWith('name: ')) name = line.slice(6).trim();
    else if (line.startsWith('Instructions (size')) {
      counting = true;
      n = 0;
    }
  }
  return out;
}

/** Runs the loader on `file` with x64 node or arm-node; per-function counts, or null when it cannot run. */
function liftoff(dir, file, arm) {
  const loader = join(dir, 'loader.cjs');
  if (!existsSync(loader)) writeFileSync(loader, LOADER);
  const cmd = arm ? ARM_NODE : process.execPath;
  const r = spawnSync(cmd, [...FLAGS, loader, file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) return null;
  return countLiftoff(r.stdout);
}

const sum = (m) => (m === null ? null : [...m.values()].reduce((a, b) => a + b, 0));

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'weft-liftoff-'));
  const passes = weftPasses();
  const rows = [];
  try {
    for (const name of readdirSync(GALE).filter((n) => n.endsWith('.wasm')).sort()) {
      const input = new Uint8Array(readFileSync(join(GALE, name)));
      const weft = (await optimize(input, { passes, target })).binary;
      const wo = wasmOpt(input, ['-O3']);
      const row = { name };
      for (const [side, bytes] of [['input', input], ['weft', weft], ['wasmOpt', wo]]) {
        const file = join(dir, `${side}-${name}`);
        writeFileSync(file, bytes);
        const x64 = liftoff(dir, file, false);
        const arm = withArm ? liftoff(dir, file, true) : null;
        const q = measure(bytes);
        row[side] = { x64: sum(x64), arm: sum(arm), localOps: q.localOps, locals: q.locals, x64Fns: x64, armFns: arm };
      }
      rows.push(row);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (json) {
    const plain = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'object'
      ? { ...v, x64Fns: v.x64Fns && Object.fromEntries(v.x64Fns), armFns: v.armFns && Object.fromEntries(v.armFns) } : v])));
    console.log(JSON.stringify({ passes, target, rows: plain }, null, 2));
    return;
  }
  const cols = [['x64', 'Liftoff x64'], ['arm', 'Liftoff ARM32'], ['localOps', 'local.get+set+tee'], ['locals', 'locals']];
  const header = ['module', ...cols.flatMap(([, l]) => [`${l}: in`, 'weft', 'wasm-opt'])];
  const lines = [header, header.map(() => '---')];
  const tot = { input: {}, weft: {}, wasmOpt: {} };
  const fmt = (v) => (v === null || v === undefined ? 'n/a' : String(v));
  for (const r of rows) {
    lines.push([r.name, ...cols.flatMap(([k]) => ['input', 'weft', 'wasmOpt'].map((s) => fmt(r[s][k])))]);
    for (const s of ['input', 'weft', 'wasmOpt']) {
      for (const [k] of cols) tot[s][k] = r[s][k] === null || tot[s][k] === null ? null : (tot[s][k] ?? 0) + r[s][k];
    }
  }
  lines.push(['**total**', ...cols.flatMap(([k]) => ['input', 'weft', 'wasmOpt'].map((s) => `**${fmt(tot[s][k])}**`))]);
  console.log(`V8 Liftoff instructions, gale corpus: input, weft (target ${target}), wasm-opt -O3\n`);
  for (const l of lines) console.log(`| ${l.join(' | ')} |`);
  if (perFunction) {
    for (const r of rows) {
      console.log(`\n${r.name}`);
      for (const s of ['input', 'weft', 'wasmOpt']) {
        for (const [k, label] of [['x64Fns', 'x64'], ['armFns', 'arm32']]) {
          const m = r[s][k];
          if (m) console.log(`  ${s} ${label}: ` + [...m].map(([f, n]) => `${f}=${n}`).join(' '));
        }
      }
    }
  }
  console.log(`\nweft passes: ${passes.join(',')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
