#!/usr/bin/env node
// Translation validation over fuzz modules: how many of the changes weft's passes make are
// proven, and how fast.
//
//   node scripts/verify-fuzz.js --count 500 --seed 1 -O3
//   node scripts/verify-fuzz.js --count 50 --passes optimize-instructions,precompute
//   node scripts/verify-fuzz.js --count 50 --load test/support/broken-passes.js --passes sub-to-add
//
// Each module comes from binaryen's translate-to-fuzz (src/verify/fuzz.ts, the same generator
// as scripts/fuzz.js); it is optimized with --verify (every changed function, after every
// pass, checked by Z3 with a per-function time limit). The report gives the verdicts per
// change (proven / disproven / unsupported / timeout / error), the same restricted to
// loop-free functions (the issue's measure: loops that loop are outside the model), a time
// histogram, the unsupported reasons, and every disproven change in full: on a correct pass a
// disproof is either a weft bug or an encoder bug, to be investigated. Disproofs found by
// evaluating the query on concrete inputs (before any solver call) are counted apart.
//
// Options: --count N (100) --seed S (1) --start K  -O0..-O3|-Os|-Oz (default -O3 when no
//   --passes)  --passes a,b  --load FILE (extra Pass objects)  --timeout MS (2000)
//   --size BYTES (4096)  --save DIR (write the modules with a disproof there)  --json  --quiet

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const o = { count: 100, seed: 1, start: 0, level: null, passes: [], load: [], timeout: 2000, size: 4096, save: null, json: false, quiet: false };
const argv = process.argv.slice(2);
function usage(msg) {
  console.error(`verify-fuzz: ${msg}\nsee the header of scripts/verify-fuzz.js for the options`);
  process.exit(2);
}
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const val = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
  const num = () => {
    const v = Number(val());
    if (!Number.isInteger(v) || v < 0) usage(`${a} needs a non-negative integer`);
    return v;
  };
  if (/^-O[0-3sz]$/.test(a)) o.level = a.slice(2);
  else if (a === '--count') o.count = num();
  else if (a === '--seed') o.seed = num();
  else if (a === '--start') o.start = num();
  else if (a === '--passes') o.passes.push(...val().split(',').filter(Boolean));
  else if (a === '--load') o.load.push(val());
  else if (a === '--timeout') o.timeout = num();
  else if (a === '--size') o.size = num();
  else if (a === '--save') o.save = val();
  else if (a === '--json') o.json = true;
  else if (a === '--quiet') o.quiet = true;
  else usage(`unknown option ${a}`);
}
if (o.level === null && o.passes.length === 0) o.level = '3';

const { decodeModule, parseLevel, pipeline, validateModule } = await import('../dist/index.js');
const { findPass } = await import('../dist/passes/registry.js');
const { runPassesAsync } = await import('../dist/optimize.js');
const { Generator, randomBytes, TTF_FEATURES } = await import('../dist/verify/fuzz.js');
const { shutdownZ3 } = await import('../dist/verify/translation-validation.js');
const { WA } = await import('../dist/verify/wasm-js.js');

const extra = new Map();
for (const file of o.load) {
  const mod = await import(pathToFileURL(resolve(file)).href);
  for (const v of Object.values(mod)) {
    for (const p of Array.isArray(v) ? v : [v]) {
      if (p && typeof p === 'object' && typeof p.name === 'string' && typeof p.run === 'function') extra.set(p.name, p);
    }
  }
}
const names = [...(o.level !== null ? pipeline(parseLevel(o.level)) : []), ...o.passes];
const passes = names.map((n) => extra.get(n) ?? findPass(n) ?? usage(`unknown pass ${n}`));

const STATUSES = ['proven', 'disproven', 'unsupported', 'timeout', 'error'];
const BUCKETS = [10, 100, 500, 1000, 2000, Infinity];
const all = { total: 0, by: Object.fromEntries(STATUSES.map((s) => [s, 0])) };
const loopFree = { total: 0, by: Object.fromEntries(STATUSES.map((s) => [s, 0])) };
const hist = BUCKETS.map(() => 0);
const provenHist = BUCKETS.map(() => 0);
const reasons = new Map();
const byPass = new Map();
const disproofs = [];
let modules = 0;
let unusable = 0;
let syntactic = 0;
let evaluated = 0;
let neverRun = 0;
const t0 = performance.now();
const gen = new Generator(TTF_FEATURES);
const log = (s) => {
  if (!o.quiet) console.error(s);
};

for (let k = 0; k < o.count; k++) {
  const index = o.start + k;
  const input = await gen.generate(randomBytes(o.seed, index, o.size));
  if (!input || !WA.validate(input)) {
    unusable++;
    continue;
  }
  modules++;
  const m = decodeModule(input);
  validateModule(m);
  let r;
  try {
    r = await runPassesAsync(m, passes, { verify: true, verifyTimeoutMs: o.timeout });
  } catch (e) {
    log(`module ${index}: the optimizer failed: ${e instanceof Error ? e.message : e}`);
    continue;
  }
  for (const rec of r.verification) {
    all.total++;
    all.by[rec.status]++;
    const loop = rec.status === 'unsupported' && rec.reason === 'loop';
    if (!loop) {
      loopFree.total++;
      loopFree.by[rec.status]++;
    }
    const b = BUCKETS.findIndex((x) => rec.ms < x);
    hist[b]++;
    if (rec.status === 'proven') provenHist[b]++;
    if (rec.status === 'proven' && rec.reason.startsWith('by simplification')) syntactic++;
    if (rec.status === 'disproven' && rec.reason.startsWith('counterexample by evaluation')) evaluated++;
    if (rec.status === 'proven' && rec.reason.startsWith('the function can never run')) neverRun++;
    if (rec.status === 'error' || rec.status === 'timeout') log(`module ${index}: ${rec.pass}: func[${rec.func}]: ${rec.status}: ${rec.reason}`);
    if (rec.status === 'unsupported' || rec.status === 'error' || rec.status === 'timeout') {
      const key = `${rec.status}: ${rec.reason.replace(/\d+ ms/, 'N ms')}`;
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    let p = byPass.get(rec.pass);
    if (!p) byPass.set(rec.pass, (p = Object.fromEntries(STATUSES.map((s) => [s, 0]))));
    p[rec.status]++;
    if (rec.status === 'disproven') {
      const d = { module: index, pass: rec.pass, func: rec.func, counterexample: rec.counterexample };
      disproofs.push(d);
      log(`module ${index}: ${rec.pass}: func[${rec.func}] DISPROVEN\n  ${rec.counterexample.split('\n').join('\n  ')}`);
      if (o.save) {
        const dir = join(o.save, `${o.seed}-${index}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'input.wasm'), input);
        writeFileSync(join(dir, 'README'), `${rec.pass} func[${rec.func}] disproven\n${rec.counterexample}\n` +
          `reproduce: node scripts/verify-fuzz.js --seed ${o.seed} --start ${index} --count 1 ${argv.join(' ')}\n`);
      }
    }
  }
  if (!o.quiet && (k + 1) % 25 === 0) {
    log(`${k + 1}/${o.count} modules, ${all.total} changes, ${all.by.proven} proven (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
}
gen.dispose();
await shutdownZ3();

const pct = (n, d) => (d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`);
const summary = {
  seed: o.seed, modules, unusable, passes: names, timeoutMs: o.timeout,
  changes: all, loopFree, provenBySimplification: syntactic, disprovenByEvaluation: evaluated, provenNeverRuns: neverRun,
  histogram: Object.fromEntries(BUCKETS.map((b, i) => [b === Infinity ? '>=2000ms' : `<${b}ms`, { all: hist[i], proven: provenHist[i] }])),
  reasons: Object.fromEntries([...reasons].sort((a, b) => b[1] - a[1])),
  byPass: Object.fromEntries(byPass),
  disproofs,
  seconds: (performance.now() - t0) / 1000,
};
if (o.json) {
  console.log(JSON.stringify(summary, null, 2));
} else {
  const lines = [];
  lines.push(`verify-fuzz: seed ${o.seed}, ${modules} modules (${unusable} unusable), passes: ${o.level !== null ? `-O${o.level}` : ''}${o.passes.length ? ` ${o.passes.join(',')}` : ''}, time limit ${o.timeout} ms`);
  lines.push(`changed functions (per pass): ${all.total}`);
  for (const s of STATUSES) lines.push(`  ${s.padEnd(12)} ${String(all.by[s]).padStart(6)}  ${pct(all.by[s], all.total)}`);
  lines.push(`loop-free changed functions: ${loopFree.total}`);
  for (const s of STATUSES) lines.push(`  ${s.padEnd(12)} ${String(loopFree.by[s]).padStart(6)}  ${pct(loopFree.by[s], loopFree.total)}`);
  lines.push(`  proven without a solver call (by simplification): ${syntactic}`);
  lines.push(`  disproven without a solver call (by evaluation on concrete inputs): ${evaluated}`);
  lines.push(`  proven because the function can never run (a module pass changed a dead function): ${neverRun}`);
  lines.push('time per check (all verdicts / proven):');
  BUCKETS.forEach((b, i) => lines.push(`  ${(b === Infinity ? '>= 2000 ms' : `< ${b} ms`).padEnd(12)} ${String(hist[i]).padStart(6)} / ${provenHist[i]}`));
  lines.push('not proven, by reason:');
  for (const [k, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 20)) lines.push(`  ${String(n).padStart(6)}  ${k}`);
  lines.push('per pass (proven/disproven/unsupported/timeout/error):');
  for (const [p, c] of byPass) lines.push(`  ${p.padEnd(28)} ${STATUSES.map((s) => c[s]).join('/')}`);
  lines.push(`disproven: ${disproofs.length}${disproofs.length ? ` (modules ${[...new Set(disproofs.map((d) => d.module))].join(', ')})` : ''}`);
  lines.push(`${summary.seconds.toFixed(0)} s`);
  console.log(lines.join('\n'));
}
