// const-hoist on the corpus, measured with `weft cost`: for every module, the -O3 pipeline
// (`--passes <pipeline(3)>`, target generic) against the same pipeline followed by const-hoist
// under a core target, both estimated under that target's model (src/targets/, docs/targets.md).
//
// Per module: how many constants repeat in some function at positions where each occurrence
// costs more than a local.get ("repeats": the candidates const-hoist weighs), the constant-
// materialisation cost and the total estimate before and after, the number of functions whose
// estimate rose (must be 0), and whether the hoisted output is differentially equivalent to
// the input (src/verify/differential.ts, V8). Totals are over the modules that repeat.
//
// Usage: node bench/cost-gale.js [--target thumbv7em|thumbv6m|rv32imac|all] [--corpus gale|loom|all]
//                                [--runs N] [--json]

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeContext, decodeModule, optimize, pipeline, readFunctionBody } from '../dist/index.js';
import { compareCosts, moduleCost } from '../dist/cost.js';
import { getTarget } from '../dist/targets/index.js';
import { repeatedConstants } from '../dist/passes/const-hoist.js';
import { differential, shutdownDifferential } from '../dist/verify/differential.js';

const here = dirname(fileURLToPath(import.meta.url));
const CORPUS = join(here, '..', '..', 'shared', 'corpus');

const args = process.argv.slice(2);
const arg = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const targetArg = arg('--target', 'thumbv7em');
const corpusArg = arg('--corpus', 'gale');
const runs = Number(arg('--runs', '50'));
const json = args.includes('--json');
const targets = targetArg === 'all' ? ['thumbv7em', 'thumbv6m', 'rv32imac'] : [targetArg];
const dirs = corpusArg === 'all' ? ['gale', 'loom'] : [corpusArg];

function modules() {
  const out = [];
  for (const d of dirs) {
    for (const n of readdirSync(join(CORPUS, d)).sort()) {
      if (n.endsWith('.wasm') && !n.includes('.component.')) out.push({ name: `${d}/${n}`, path: join(CORPUS, d, n) });
    }
  }
  return out;
}

/** Repeated costly constants over all functions of `bytes`: [groups, occurrences]. */
function repeats(bytes, target) {
  const m = decodeModule(bytes);
  const cx = codeContext(m);
  let groups = 0;
  let uses = 0;
  for (const f of m.funcs) {
    for (const [, n] of repeatedConstants(target, readFunctionBody(cx, m, f))) {
      groups++;
      uses += n;
    }
  }
  return [groups, uses];
}

const pct = (a, b) => (a === 0 ? (b === 0 ? '0%' : 'n/a') : `${(((b - a) / a) * 100).toFixed(1)}%`);

async function main() {
  const o3 = pipeline(3);
  const results = [];
  for (const t of targets) {
    const target = getTarget(t);
    for (const mod of modules()) {
      const input = new Uint8Array(readFileSync(mod.path));
      const base = (await optimize(input, { passes: o3 })).binary;
      const hoisted = (await optimize(input, { passes: [...o3, 'const-hoist'], target: t })).binary;
      const cb = moduleCost(decodeModule(base), target);
      const ch = moduleCost(decodeModule(hoisted), target);
      const cmp = compareCosts(cb, ch);
      const [groups, uses] = repeats(base, target);
      const rose = cmp.functions.filter((f) => f.delta.total > 0).length;
      const same = Buffer.compare(Buffer.from(base), Buffer.from(hoisted)) === 0;
      let verdict = 'identical';
      if (!same) {
        try {
          const report = await differential(input, hoisted, { runs });
          verdict = report.equivalent ? `equivalent (${report.runs} runs)` : 'DIVERGES';
        } catch (e) {
          verdict = `not run: ${e.message.replace(/^differential: /, '').slice(0, 60)}`;
        }
      }
      results.push({
        target: t, module: mod.name, repeatedGroups: groups, repeatedUses: uses,
        constantsBefore: cb.totals.constants, constantsAfter: ch.totals.constants,
        totalBefore: cb.totals.total, totalAfter: ch.totals.total,
        functionsChanged: cmp.functions.filter((f) => f.delta.total !== 0).length, functionsRose: rose,
        differential: verdict,
      });
    }
  }
  await shutdownDifferential();
  if (json) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  console.log(`const-hoist after -O3 (--passes ${o3.length} passes of pipeline(3)), estimated by weft cost, ${new Date().toISOString().slice(0, 10)}\n`);
  for (const t of targets) {
    const rows = results.filter((r) => r.target === t);
    console.log(`target ${t}: ${getTarget(t).title}\n`);
    console.log('| module | repeated constants (groups/uses) | constants -O3 | + const-hoist | Δ | total -O3 | + const-hoist | Δ | functions changed / rose | differential |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const r of rows) {
      console.log(`| ${r.module} | ${r.repeatedGroups}/${r.repeatedUses} | ${r.constantsBefore} | ${r.constantsAfter} | ${pct(r.constantsBefore, r.constantsAfter)} | ` +
        `${r.totalBefore} | ${r.totalAfter} | ${pct(r.totalBefore, r.totalAfter)} | ${r.functionsChanged} / ${r.functionsRose} | ${r.differential} |`);
    }
    const rep = rows.filter((r) => r.repeatedGroups > 0);
    const sum = (k) => rep.reduce((n, r) => n + r[k], 0);
    console.log(`| **modules that repeat (${rep.length})** | ${sum('repeatedGroups')}/${sum('repeatedUses')} | ${sum('constantsBefore')} | ${sum('constantsAfter')} | ` +
      `${pct(sum('constantsBefore'), sum('constantsAfter'))} | ${sum('totalBefore')} | ${sum('totalAfter')} | ${pct(sum('totalBefore'), sum('totalAfter'))} | ` +
      `${sum('functionsChanged')} / ${sum('functionsRose')} | |`);
    console.log('');
  }
}

await main();
