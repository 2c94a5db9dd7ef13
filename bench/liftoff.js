// Naive-backend code size per function: V8's single-pass baseline compiler (Liftoff) as the
// stand-in for a naive AOT backend, on x64 (this node) or ARM32 (../shared/tools/arm-node, a
// 32-bit ARM node under qemu, where every i64 is a register pair, as on a Cortex-M).
//
// How. `node --liftoff --no-wasm-tier-up --no-wasm-lazy-compilation --print-wasm-code
// bench/liftoff-loader.js m.wasm` prints every function as
//   --- WebAssembly code ---
//   name: z_impl_k_sem_give          (from the name section; absent without one)
//   index: 8
//   kind: wasm function
//   compiler: Liftoff
//   Body (size = ...)
//   Instructions (size = 376)
//   0x117a44f99780     0  55                   push rbp
//   ...                                          one line per instruction, up to a blank line
//   Source positions: ...
//   --- End code ---
// and a function's count is the number of lines of its `Instructions` part. On ARM32 that part
// ends with the constant pool (`constant pool begin (num_const = n)` and n `constant` lines):
// they are counted too (the figures in issue 6 and GUIDE.md do) and also reported apart as
// `pool`. ARM32 runs are slow (qemu), so results are cached by module hash and architecture in
// $WEFT_LIFTOFF_CACHE (default: <os tmpdir>/weft-liftoff-cache).
//
// API: `liftoffCode(bytesOrPath, { arch: 'x64' | 'arm32' })` → [{ index, name, instructions,
// pool }] per compiled function. CLI:
//   node bench/liftoff.js a.wasm [b.wasm ...] [--arm] [--function NAME]
// prints a table of instruction counts per function (one column per file).

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const LOADER = join(here, 'liftoff-loader.js');
export const ARM_NODE = join(here, '..', '..', 'shared', 'tools', 'arm-node');
export const LIFTOFF_FLAGS = ['--liftoff', '--no-wasm-tier-up', '--no-wasm-lazy-compilation', '--print-wasm-code'];
const CACHE = process.env.WEFT_LIFTOFF_CACHE ?? join(tmpdir(), 'weft-liftoff-cache');

/** Parses V8's `--print-wasm-code` output into per-function counts (Liftoff code only). */
export function parseWasmCode(text) {
  const out = [];
  let cur = null;
  let inInstr = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('--- WebAssembly code ---')) {
      cur = { index: -1, name: null, compiler: null, instructions: 0, pool: 0 };
      inInstr = false;
      continue;
    }
    if (cur === null) continue;
    if (line.startsWith('--- End code ---')) {
      if (cur.compiler === 'Liftoff') out.push({ index: cur.index, name: cur.name, instructions: cur.instructions, pool: cur.pool });
      cur = null;
      continue;
    }
    if (inInstr) {
      if (line.trim() === '') { inInstr = false; continue; }
      cur.instructions++;
      if (/constant pool begin|\sconstant$/.test(line)) cur.pool++;
      continue;
    }
    let m;
    if ((m = /^name: (.*)$/.exec(line))) cur.name = m[1];
    else if ((m = /^index: (\d+)$/.exec(line))) cur.index = Number(m[1]);
    else if ((m = /^compiler: (\S+)/.exec(line))) cur.compiler = m[1];
    else if (/^Instructions \(size = \d+\)/.test(line)) inInstr = true;
  }
  return out.sort((a, b) => a.index - b.index);
}

/**
 * Liftoff code size of every function of a module (bytes, or a path), on 'x64' (this node) or
 * 'arm32' (arm-node). Cached by module hash + architecture.
 */
export function liftoffCode(input, { arch = 'x64', cache = true } = {}) {
  const bytes = typeof input === 'string' ? readFileSync(input) : input;
  const key = createHash('sha256').update(bytes).digest('hex').slice(0, 24);
  const file = join(CACHE, `${key}-${arch}.json`);
  if (cache && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'weft-liftoff-'));
  try {
    const wasm = join(dir, 'm.wasm');
    writeFileSync(wasm, bytes);
    const [cmd, pre] = arch === 'arm32' ? [ARM_NODE, []] : [process.execPath, []];
    const r = spawnSync(cmd, [...pre, ...LIFTOFF_FLAGS, LOADER, wasm], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.error) throw r.error;
    const text = `${r.stdout}\n${r.stderr}`;
    const funcs = parseWasmCode(text);
    if (funcs.length === 0) throw new Error(`liftoff (${arch}): no code printed (exit ${r.status}): ${r.stderr.slice(0, 400)}`);
    if (cache) {
      mkdirSync(CACHE, { recursive: true });
      writeFileSync(file, JSON.stringify(funcs));
    }
    return funcs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The count of one function (by name, or by index given as a number), or null. */
export function functionCode(funcs, which) {
  return funcs.find((f) => (typeof which === 'number' ? f.index === which : f.name === which)) ?? null;
}

function main() {
  const args = process.argv.slice(2);
  const arch = args.includes('--arm') ? 'arm32' : 'x64';
  const fi = args.indexOf('--function');
  const only = fi >= 0 ? args[fi + 1] : null;
  const files = args.filter((a, i) => !a.startsWith('--') && !(fi >= 0 && i === fi + 1));
  if (files.length === 0) {
    console.error('usage: node bench/liftoff.js a.wasm [b.wasm ...] [--arm] [--function NAME]');
    process.exit(2);
  }
  const results = files.map((f) => liftoffCode(resolve(f), { arch }));
  const rows = new Map();
  results.forEach((funcs, k) => {
    for (const fn of funcs) {
      const name = fn.name ?? `#${fn.index}`;
      if (only !== null && name !== only) continue;
      if (!rows.has(name)) rows.set(name, files.map(() => '-'));
      rows.get(name)[k] = fn.pool ? `${fn.instructions} (pool ${fn.pool})` : String(fn.instructions);
    }
  });
  console.log(`Liftoff ${arch}: machine instructions per function`);
  const w = Math.max(8, ...[...rows.keys()].map((n) => Math.min(n.length, 60)));
  console.log(['function'.padEnd(w), ...files.map((f) => f.split('/').pop().padStart(20))].join('  '));
  const total = files.map(() => 0);
  for (const [name, cells] of rows) {
    console.log([name.slice(0, 60).padEnd(w), ...cells.map((c) => c.padStart(20))].join('  '));
    cells.forEach((c, k) => { total[k] += c === '-' ? 0 : parseInt(c, 10); });
  }
  console.log(['total'.padEnd(w), ...total.map((t) => String(t).padStart(20))].join('  '));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
