// The worker side of parallel.ts: runs a group of function passes over the functions the main
// thread gives it, on its own copy of the module, and answers with what changed.

import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { decodeModule } from '../binary/decode.js';
import type { Features } from '../ir/module.js';
import { PassContext, type PassOptions } from './context.js';
import { addTallies, emptyTallies, runFunctionGroup } from './function-group.js';
import type { FromWorker, ToWorker } from './parallel.js';
import { findPass, type FunctionPass } from './registry.js';

const { port, wake, options, features } = workerData as { port: MessagePort; wake: Int32Array; options: PassOptions; features: Features };

function answer(reply: FromWorker): void {
  port.postMessage(reply);
  Atomics.store(wake, 0, 1);
  Atomics.notify(wake, 0);
}

function runGroup(msg: Extract<ToWorker, { kind: 'group' }>): FromWorker {
  const m = decodeModule(msg.module, { features });
  const passes = msg.passes.map((n) => findPass(n) as FunctionPass);
  const cx = new PassContext(m, options);
  cx.startGroup(passes);
  const tallies = emptyTallies(passes.length);
  const results: NonNullable<FromWorker['results']> = [];
  const types = m.types.length;
  for (const it of msg.items) {
    const f = m.funcs[it.func];
    const mine = emptyTallies(passes.length);
    const r = runFunctionGroup(cx, f, passes, it.n, it.done.length > 0 ? new Set(it.done) : undefined, mine);
    cx.release(f);
    if (m.types.length !== types) {
      m.types.length = types; // a new function type: the main thread runs this one again
      results.push({ item: it.item, status: 2, n: 0, done: null });
      continue;
    }
    addTallies(tallies, mine);
    const done = r.done ? [...r.done] : null;
    if (r.changed) results.push({ item: it.item, status: 1, n: r.n, done, code: f.code!, locals: f.locals, hasPops: f.hasPops });
    else results.push({ item: it.item, status: 0, n: r.n, done });
  }
  return { results, tallies };
}

port.on('message', (msg: ToWorker) => {
  if (msg.kind === 'close') {
    port.close();
    return;
  }
  try {
    answer(runGroup(msg));
  } catch (e) {
    answer({ error: (e instanceof Error ? e.message : String(e)).split('\n')[0] });
  }
});
