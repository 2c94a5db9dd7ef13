// One weft codec measurement, run in its own process by bench/run.js so that peak RSS is
// weft's alone. Prints one JSON line on stdout.
//
//   node bench/codec.js lazy   <in.wasm> <out.wasm>   read -> decodeModule -> validateModule -> encodeModule -> write
//   node bench/codec.js tree   <in.wasm> <out.wasm>   same, plus every body decoded to the IR tree and re-encoded from it
//   node bench/codec.js verify <file.wasm>            WebAssembly.validate + weft decode/validate of an output
//   node --expose-gc bench/codec.js stats <in.wasm>   IR node counts and heap bytes per node (full tree)
//
// `ms` is the in-process wall time from reading the input to having written the output
// (node start-up and module loading excluded; run.js measures whole-process time itself).
// `maxRssKB` is process.resourceUsage().maxRSS at the end.

import { readFileSync, writeFileSync } from 'node:fs';
import {
  codeContext, decodeModule, encodeModule, readFunctionBody, validateModule,
} from '../dist/index.js';
import { forEachExpr } from '../dist/ir/walk.js';
import { NO_KIDS } from '../dist/ir/expr.js';

const [mode, input, output] = process.argv.slice(2);

function report(o) {
  process.stdout.write(JSON.stringify(o) + '\n');
}

function codec(tree) {
  const phases = {};
  const t0 = performance.now();
  let t = t0;
  const lap = (name) => {
    const now = performance.now();
    phases[name] = Math.round(now - t);
    t = now;
  };
  const bytes = readFileSync(input);
  lap('read');
  const m = decodeModule(bytes);
  lap('decode');
  validateModule(m);
  lap('validate');
  if (tree) {
    const cx = codeContext(m);
    for (const f of m.funcs) {
      readFunctionBody(cx, m, f);
      f.dirty = true;
    }
    lap('trees');
  }
  const out = encodeModule(m);
  lap('encode');
  writeFileSync(output, out);
  lap('write');
  const ms = performance.now() - t0;
  const maxRssKB = process.resourceUsage().maxRSS;
  const identical = Buffer.compare(Buffer.from(out.buffer, out.byteOffset, out.length), bytes) === 0;
  report({ mode, ms: Math.round(ms), phases, maxRssKB, inBytes: bytes.length, outBytes: out.length, identical, funcs: m.funcs.length });
}

async function verify() {
  const bytes = readFileSync(input);
  const engine = await WebAssembly.validate(bytes);
  let weft = true;
  let error = null;
  try {
    validateModule(decodeModule(bytes));
  } catch (e) {
    weft = false;
    error = e.message;
  }
  report({ mode, engine, weft, error });
}

function stats() {
  if (typeof globalThis.gc !== 'function') throw new Error('stats needs node --expose-gc');
  const heap = () => {
    globalThis.gc();
    globalThis.gc();
    return process.memoryUsage().heapUsed;
  };
  const bytes = readFileSync(input);
  const h0 = heap();
  const m = decodeModule(bytes);
  const h1 = heap();
  const cx = codeContext(m);
  for (const f of m.funcs) readFunctionBody(cx, m, f);
  const h2 = heap();
  let nodes = 0;
  let kidArrays = 0;
  let kidSlots = 0;
  let emptyKidArrays = 0;
  let bodies = 0;
  let bodySlots = 0;
  let bigints = 0;
  let heapNumbers = 0;
  let typedArrays = 0;
  let pops = 0;
  const byOp = new Map();
  for (const f of m.funcs) {
    forEachExpr([f.tree], (e) => {
      nodes++;
      byOp.set(e.name, (byOp.get(e.name) ?? 0) + 1);
      if (e.name === 'pop') pops++;
      if (e.kids.length > 0) {
        kidArrays++;
        kidSlots += e.kids.length;
      } else if (e.kids !== NO_KIDS) emptyKidArrays++;
      if (e.body.length > 0 || e.isLabel()) {
        bodies++;
        bodySlots += e.body.length;
      }
      if (e.alt) {
        bodies++;
        bodySlots += e.alt.length;
      }
      const v = e.value;
      if (typeof v === 'bigint') bigints++;
      else if (typeof v === 'number' && v !== (v | 0)) heapNumbers++;
      else if (v instanceof Uint8Array) typedArrays++;
    });
  }
  const top = [...byOp].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k}:${v}`);
  report({
    mode, inBytes: bytes.length, funcs: m.funcs.length, nodes, pops, kidArrays, kidSlots, emptyKidArrays, bodies, bodySlots,
    bigints, heapNumbers, typedArrays,
    moduleHeapBytes: h1 - h0, treeHeapBytes: h2 - h1, heapBytesPerNode: +((h2 - h1) / nodes).toFixed(1),
    inputBytesPerNode: +(bytes.length / nodes).toFixed(2), top,
  });
}

try {
  if (mode === 'lazy') codec(false);
  else if (mode === 'tree') codec(true);
  else if (mode === 'verify') await verify();
  else if (mode === 'stats') stats();
  else throw new Error(`unknown mode '${mode}'`);
} catch (e) {
  report({ mode, error: e.message, offset: e.offset ?? null });
  process.exitCode = 1;
}
