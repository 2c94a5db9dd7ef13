// `npm run bench`: weft's codec against binaryen's wasm-opt (no passes) on large real modules.
//
// For every module, each measurement runs in its own child process so that peak RSS belongs
// to one tool:
//   weft lazy   node bench/codec.js lazy: read, decodeModule, validateModule, encodeModule, write
//   weft tree   node bench/codec.js tree: the same plus every body decoded to the IR tree and
//               re-encoded from it (the floor of any -O2 run)
//   wasm-opt    wasm-opt --all-features in.wasm -o out.wasm (binaryen's JS/wasm build)
// Time is the wall time of the whole child process (start-up included, for both tools), peak
// RSS its max resident set size, both taken with GNU `/usr/bin/time -f '%e %M'` when present
// (else with a --require hook that reports process.resourceUsage().maxRSS at exit: both tools
// are node processes). Each is the median of --runs runs (default 3), the tools measured
// round-robin so that load from elsewhere hits them alike. Module and wasm-opt paths are
// found at run time by node's node_modules lookup (package.json `exports` maps ignored) and
// a directory search.
//
// Options: --runs N, --only SUBSTRING, --keep (keep the temp dir), --no-build, extra module paths.
// WEFT_BENCH_NO_TIME=1 forces the --require hook instead of /usr/bin/time.

import { spawnSync } from 'node:child_process';
import {
  existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeMeasurer } from './measure.js';
import { LARGE_MODULES, pkgDir } from './modules.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

// ---- options ------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const opt = { runs: 3, only: null, keep: false, build: true, extra: [] };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--runs') opt.runs = Math.max(1, Number(argv[++i]));
  else if (a === '--only') opt.only = argv[++i];
  else if (a === '--keep') opt.keep = true;
  else if (a === '--no-build') opt.build = false;
  else opt.extra.push(resolve(a));
}
/** A tool whose first run takes longer than this is run once only (keeps the bench near 10 min). */
const SLOW_MS = 60_000;

// ---- locating the modules -----------------------------------------------------------------

const MODULES = [
  ...LARGE_MODULES,
  ...opt.extra.map((p) => ({ name: basename(p), path: p })),
].filter((m) => !opt.only || m.name.includes(opt.only));

function wasmOptPath() {
  const dir = pkgDir('binaryen');
  if (!dir) throw new Error('binaryen is not installed (npm install)');
  const pj = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const rel = typeof pj.bin === 'object' && pj.bin['wasm-opt'] ? pj.bin['wasm-opt'] : 'bin/wasm-opt';
  return join(dir, rel);
}

// ---- measuring ----------------------------------------------------------------------------

const work = mkdtempSync(join(tmpdir(), 'weft-bench-'));
const { measure, TIME } = makeMeasurer(work);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Measures each task `opt.runs` times, round-robin (task 1, task 2, ..., then again), so that
 * load from elsewhere on the machine hits every tool alike. A task whose first run fails is
 * dropped with its error; one whose first run is slower than SLOW_MS is not repeated.
 * Returns per task { ms, rssKB, n, runs } (medians) or { error, runs }.
 */
function measureAll(tasks) {
  const res = tasks.map(() => ({ runs: [], error: null, done: false }));
  for (let i = 0; i < opt.runs; i++) {
    tasks.forEach((t, k) => {
      const st = res[k];
      if (st.done) return;
      const r = measure(t.args);
      let err = (t.check ?? (() => null))(r);
      if (!err && r.status !== 0) err = (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ');
      if (err) {
        st.error = err;
        st.runs = [r];
        st.done = true;
        return;
      }
      st.runs.push(r);
      process.stderr.write(`  ${t.label} #${i + 1}: ${(r.ms / 1000).toFixed(2)} s, ${(r.rssKB / 1024).toFixed(0)} MiB\n`);
      if (i === 0 && r.ms > SLOW_MS && opt.runs > 1) {
        process.stderr.write(`  ${t.label}: first run over ${SLOW_MS / 1000} s, not repeated\n`);
        st.done = true;
      }
    });
  }
  return res.map((st) => (st.error ? { error: st.error, runs: st.runs } : {
    ms: median(st.runs.map((r) => r.ms)), rssKB: median(st.runs.map((r) => r.rssKB)), n: st.runs.length, runs: st.runs,
  }));
}

const codecJs = join(here, 'codec.js');
const weftCheck = (r) => {
  let j;
  try {
    j = JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return null; // no report (crash, out of memory): the exit status and stderr tell
  }
  r.json = j;
  return j.error ? `${j.error}${j.offset !== null ? ` at byte ${j.offset}` : ''}` : null;
};
const weftTask = (mode, input, output) => ({ label: `weft ${mode}`, args: [codecJs, mode, input, output], check: weftCheck });
const wasmOptTask = (input, output) => ({ label: 'wasm-opt', args: [wasmOpt, ...WASM_OPT_FLAGS, input, '-o', output] });
const weftOnce = (args, flags = []) => {
  const r = spawnSync(process.execPath, [...flags, codecJs, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return { error: (r.stderr || 'no output').trim().split('\n').slice(-2).join(' | ') };
  }
};

// ---- main ---------------------------------------------------------------------------------

if (opt.build) {
  process.stderr.write('building weft (tsc -p tsconfig.json) ...\n');
  const tsc = join(pkgDir('typescript'), 'bin', 'tsc');
  const b = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { encoding: 'utf8' });
  if (b.status !== 0) process.stderr.write(`tsc reported errors (continuing with what it emitted):\n${b.stdout}\n`);
}
if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/index.js missing: run npm run build');

const wasmOpt = wasmOptPath();
const WASM_OPT_FLAGS = ['--all-features'];
const cpuModel = (() => {
  try {
    return /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))[1];
  } catch {
    return cpus()[0]?.model ?? 'unknown';
  }
})();

console.log(`weft codec benchmark  ${new Date().toISOString().slice(0, 10)}`);
console.log(`machine: ${cpus().length} CPUs (${cpuModel}), node ${process.version}`);
console.log(`wasm-opt: ${wasmOpt} ${WASM_OPT_FLAGS.join(' ')} (binaryen ${JSON.parse(readFileSync(join(pkgDir('binaryen'), 'package.json'), 'utf8')).version})`);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`load average at start: ${load()}${loadavg()[0] > cpus().length ? '  (busier than the CPU count: timings will be noisy)' : ''}`);
console.log(`peak RSS: ${TIME ? `${TIME} -f '%e %M'` : 'process.resourceUsage().maxRSS via --require hook'}; ` +
  `median of ${opt.runs} runs; time = whole child process wall time`);
console.log('');

// start-up floor of both tools on the smallest module (magic + version only)
const empty = join(work, 'empty.wasm');
writeFileSync(empty, new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
process.stderr.write('start-up floor (empty module)\n');
const [floorWeft, floorOpt] = measureAll([
  weftTask('lazy', empty, join(work, 'empty.out.wasm')), wasmOptTask(empty, join(work, 'empty.opt.wasm')),
]);

const rows = [];
const notes = [];
for (const mod of MODULES) {
  if (!mod.path) {
    notes.push(`${mod.name}: not found (npm install?)`);
    continue;
  }
  process.stderr.write(`${mod.name}  (${mod.path})\n`);
  const input = mod.path;
  const label = mod.name;
  const out = (tag) => join(work, `${basename(mod.name, '.wasm')}.${tag}.wasm`);
  const [lazy, tree, wo] = measureAll([
    weftTask('lazy', input, out('lazy')), weftTask('tree', input, out('tree')), wasmOptTask(input, out('opt')),
  ]);
  const lazyJ = lazy.runs?.[lazy.runs.length - 1]?.json;
  const treeJ = tree.runs?.[tree.runs.length - 1]?.json;
  const treeCheck = tree.error ? null : weftOnce(['verify', out('tree')]);
  const stats = tree.error ? null : weftOnce(['stats', input], ['--expose-gc']);
  rows.push({ label, size: statSync(input).size, lazy, tree, wo, lazyJ, treeJ, treeCheck, stats });
}

// ---- report -------------------------------------------------------------------------------

const s = (ms) => (ms / 1000).toFixed(2);
const mb = (kb) => (kb / 1024).toFixed(0);
const x = (a, b) => (a / b).toFixed(2);
const cell = (r, f) => (r.error ? 'error' : f(r));

const header = ['module', 'size MiB', 'weft s', 'weft MiB', 'tree s', 'tree MiB', 'wasm-opt s', 'wasm-opt MiB',
  'weft/wo time', 'weft/wo RSS', 'tree/wo time', 'tree/wo RSS'];
const table = [header];
for (const r of rows) {
  table.push([
    r.label, (r.size / 1048576).toFixed(1),
    cell(r.lazy, (m) => s(m.ms)), cell(r.lazy, (m) => mb(m.rssKB)),
    cell(r.tree, (m) => s(m.ms)), cell(r.tree, (m) => mb(m.rssKB)),
    cell(r.wo, (m) => s(m.ms) + (m.n < opt.runs ? ` (${m.n}x)` : '')), cell(r.wo, (m) => mb(m.rssKB)),
    r.lazy.error || r.wo.error ? '-' : x(r.lazy.ms, r.wo.ms), r.lazy.error || r.wo.error ? '-' : x(r.lazy.rssKB, r.wo.rssKB),
    r.tree.error || r.wo.error ? '-' : x(r.tree.ms, r.wo.ms), r.tree.error || r.wo.error ? '-' : x(r.tree.rssKB, r.wo.rssKB),
  ]);
}
table.push([
  '(empty module)', '0.0', cell(floorWeft, (m) => s(m.ms)), cell(floorWeft, (m) => mb(m.rssKB)), '', '',
  cell(floorOpt, (m) => s(m.ms)), cell(floorOpt, (m) => mb(m.rssKB)), '', '', '', '',
]);
const widths = header.map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
const line = (row) => `| ${row.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w, i) => (i === 0 ? ':' : '-') + '-'.repeat(w) + (i === 0 ? '-' : ':')).join('|')}|`);
for (const row of table.slice(1)) console.log(line(row));
console.log('');

let allMet = true;
for (const r of rows) {
  const name = r.label;
  if (r.lazy.error) {
    console.log(`${name}: weft lazy failed: ${r.lazy.error}`);
    allMet = false;
    continue;
  }
  const j = r.lazyJ;
  console.log(`${name}: weft lazy in-process ${j.ms} ms ${JSON.stringify(j.phases)}; ` +
    `output ${j.identical ? 'byte-identical to the input' : 'DIFFERS from the input'}; self-reported maxRSS ${mb(j.maxRssKB)} MiB`);
  if (!j.identical) allMet = false;
  if (r.tree.error) console.log(`${name}: weft tree failed: ${r.tree.error}`);
  else {
    const t = r.treeJ;
    const v = r.treeCheck;
    console.log(`${name}: weft tree in-process ${t.ms} ms ${JSON.stringify(t.phases)}; output ${t.outBytes} bytes ` +
      `(${t.identical ? 'identical' : `${t.outBytes - t.inBytes >= 0 ? '+' : ''}${t.outBytes - t.inBytes} vs input`}); ` +
      `WebAssembly.validate ${v.engine}, weft validate ${v.weft}${v.error ? ` (${v.error})` : ''}`);
    if (r.stats && !r.stats.error) {
      const st = r.stats;
      console.log(`${name}: IR ${st.nodes} nodes (${st.inputBytesPerNode} input bytes/node), tree heap ` +
        `${(st.treeHeapBytes / 1048576).toFixed(0)} MiB = ${st.heapBytesPerNode} bytes/node; ${st.kidArrays} kids arrays ` +
        `(${st.kidSlots} slots) + ${st.emptyKidArrays} empty ones, ${st.bodies} bodies (${st.bodySlots} slots), ` +
        `${st.bigints} bigints, ${st.pops} pops`);
    }
  }
  const range = (m) => (m.error ? 'error' : m.runs.map((x) => s(x.ms)).join('/'));
  console.log(`${name}: runs (s): weft ${range(r.lazy)}, tree ${range(r.tree)}, wasm-opt ${range(r.wo)}`);
  if (!r.wo.error) {
    const met = r.lazy.ms <= 0.5 * r.wo.ms && r.lazy.rssKB <= r.wo.rssKB;
    if (!met) allMet = false;
    console.log(`${name}: target (weft lazy <= 0.5x wasm-opt time and <= its peak RSS): ${met ? 'met' : 'MISSED'}`);
  } else console.log(`${name}: wasm-opt failed: ${r.wo.error}`);
}
for (const n of notes) console.log(n);
console.log(`load average at end: ${load()}`);
console.log(`targets ${allMet ? 'met on every module' : 'NOT met on every module'}`);

if (opt.keep) process.stderr.write(`outputs kept in ${work}\n`);
else rmSync(work, { recursive: true, force: true });
