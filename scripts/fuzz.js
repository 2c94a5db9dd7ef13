#!/usr/bin/env node
// Fuzzes weft with binaryen's translate-to-fuzz modules (see src/verify/fuzz.ts for the checks).
//
//   npm run fuzz -- --count 500 --seed 1 -O0
//   node scripts/fuzz.js --seed 1 --only 17 --passes a,b          reproduce one module
//   node scripts/fuzz.js --check fuzz-failures/1-17/reduced.wasm -O3   check one file
//   node scripts/fuzz.js --load test/support/broken-passes.js --passes sub-to-add --stop
//
// Options: --count N (100)  --seed S (1)  --start K  --only i,j  -O0..-O3|-Os|-Oz  --passes a,b
//   --target T (generic) the target cost model the passes see (thumbv7em, thumbv6m, rv32imac)
//   --no-reencode (test exactly what `weft` emits: untouched functions are copied verbatim)
//   --size BYTES (4096) random bytes per module   --runs R (20) calls per export
//   --timeout MS (1000) per call   --jobs J (2)   --out DIR (fuzz-failures)   --no-reduce
//   --stop (stop at the first failure)   --load FILE (a JS module exporting extra Pass objects)
//   --simd (also generate SIMD)   --quiet
// Prints `fuzz: N modules, F failures` and exits 1 when there are failures.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PASSES, parseLevel, pipeline } from '../dist/index.js';
import { checkModule, fuzz, TTF_FEATURES } from '../dist/verify/fuzz.js';
import { shutdownDifferential } from '../dist/verify/differential.js';
import { TARGET_NAMES } from '../dist/targets/index.js';

function usage(msg) {
  console.error(`fuzz: ${msg}\nsee the header of scripts/fuzz.js for the options`);
  process.exit(2);
}

const o = {
  count: 100, seed: 1, start: 0, only: null, level: null, passes: [], reencode: true, size: 4096, runs: 20,
  timeout: 1000, jobs: 2, out: 'fuzz-failures', reduce: true, stop: false, load: [], simd: false, check: null, quiet: false,
  target: 'generic',
};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const val = () => {
    if (i + 1 >= argv.length) usage(`${a} needs a value`);
    return argv[++i];
  };
  const num = () => {
    const v = Number(val());
    if (!Number.isInteger(v) || v < 0) usage(`${a} needs a non-negative integer`);
    return v;
  };
  if (/^-O[0-3sz]$/.test(a)) o.level = a.slice(2);
  else if (a === '--count') o.count = num();
  else if (a === '--seed') o.seed = num();
  else if (a === '--start') o.start = num();
  else if (a === '--only') o.only = val().split(',').map((x) => {
    const v = Number(x);
    if (!Number.isInteger(v) || v < 0) usage('--only takes indices');
    return v;
  });
  else if (a === '--passes') o.passes.push(...val().split(',').filter(Boolean));
  else if (a === '--no-reencode') o.reencode = false;
  else if (a === '--reencode') o.reencode = true;
  else if (a === '--size') o.size = num();
  else if (a === '--runs') o.runs = num();
  else if (a === '--timeout') o.timeout = num();
  else if (a === '--jobs') o.jobs = Math.max(1, num());
  else if (a === '--out') o.out = val();
  else if (a === '--no-reduce') o.reduce = false;
  else if (a === '--stop') o.stop = true;
  else if (a === '--load') o.load.push(val());
  else if (a === '--simd') o.simd = true;
  else if (a === '--check') o.check = val();
  else if (a === '--quiet') o.quiet = true;
  else if (a === '--target') o.target = val();
  else usage(`unknown option ${a}`);
}

// Passes: the level's pipeline, then --passes; names resolve to --load'ed passes first.
const extra = new Map();
for (const file of o.load) {
  const mod = await import(pathToFileURL(resolve(file)).href);
  for (const v of Object.values(mod)) {
    for (const p of Array.isArray(v) ? v : [v]) {
      if (p && typeof p === 'object' && typeof p.name === 'string' && typeof p.run === 'function') extra.set(p.name, p);
    }
  }
}
let level = 0;
try {
  if (o.level !== null) level = parseLevel(o.level);
} catch (e) {
  usage(e.message);
}
if (!TARGET_NAMES.includes(o.target)) usage(`unknown target '${o.target}' (use one of ${TARGET_NAMES.join(', ')})`);
// The pass runner of src/verify/fuzz.ts makes its context with the default target; each pass
// sees --target through a wrapper that swaps it in for the duration of its run.
const withTarget = (p) => (o.target === 'generic' ? p : {
  ...p,
  run(cx, x) {
    const saved = cx.options.target;
    cx.options.target = o.target;
    try {
      return p.run(cx, x);
    } finally {
      cx.options.target = saved;
    }
  },
});
const passes = [...pipeline(level), ...o.passes].map((n) => {
  const p = extra.get(n) ?? PASSES.find((x) => x.name === n);
  if (!p) usage(`unknown pass '${n}'`);
  return withTarget(p);
});

const reproArgs = [
  `-O${level}`,
  ...(o.load.map((f) => `--load ${f}`)),
  ...(o.passes.length ? [`--passes ${o.passes.join(',')}`] : []),
  ...(o.target !== 'generic' ? [`--target ${o.target}`] : []),
  ...(o.reencode ? [] : ['--no-reencode']),
  ...(o.size !== 4096 ? [`--size ${o.size}`] : []),
  ...(o.runs !== 20 ? [`--runs ${o.runs}`] : []),
  ...(o.timeout !== 1000 ? [`--timeout ${o.timeout}`] : []),
  ...(o.simd ? ['--simd'] : []),
].join(' ');

if (o.check) {
  const input = new Uint8Array(readFileSync(o.check));
  const r = await checkModule(input, { passes, reencode: o.reencode, runs: o.runs, timeoutMs: o.timeout });
  console.log(r.ok ? `ok: ${o.check} (${r.identical ? 'output identical to input' : `${r.calls} calls compared`})` : `FAIL ${r.kind}: ${r.reason}`);
  await shutdownDifferential();
  process.exit(r.ok ? 0 : 1);
}

const s = await fuzz({
  seed: o.seed, count: o.count, start: o.start, only: o.only ?? undefined, passes, reencode: o.reencode, size: o.size,
  features: o.simd ? [...TTF_FEATURES, '--enable-simd'] : TTF_FEATURES, runs: o.runs, timeoutMs: o.timeout,
  outDir: o.out, reduce: o.reduce, stopAtFirst: o.stop, jobs: o.jobs, reproArgs,
  log: (line) => {
    if (!o.quiet || line.includes('FAIL') || line.includes('reduced')) console.log(line);
  },
});
await shutdownDifferential();
for (const f of s.failures) {
  console.log(`  #${f.index} ${f.kind} (${f.inputSize} bytes${f.reducedSize !== null ? `, reduced to ${f.reducedSize}` : ''})${f.dir ? ` saved in ${f.dir}` : ''}`);
  console.log(`    ${f.repro}`);
}
console.log(
  `  ${(s.ms / 1000).toFixed(1)} s; ${s.identical} outputs byte-identical to their input; ${s.calls} export calls compared;` +
    ` ${s.unusable} generated modules unusable${s.generatorFallbacks ? `; wasm-opt CLI fallbacks: ${s.generatorFallbacks}` : ''}`,
);
console.log(`fuzz: ${s.modules} modules, ${s.failures.length} failures`);
process.exit(s.failures.length ? 1 : 0);
