// Function passes on several threads: a group of consecutive function passes (see optimize.ts,
// `runPasses`) touches each function alone, so the functions of a large module are split between
// the main thread and worker threads (parallel-worker.ts), each running the whole group on its
// share.
//
// How. At the start of a group every function is bytes (the runner releases trees between
// groups), so the module is encoded once (`encodeModule`: the bodies are copied, not re-encoded)
// and each worker decodes its own copy (bodies stay bytes until used). A worker runs the group
// on the functions it was given, exactly as the main thread would (`runFunctionGroup`, with a
// fresh `PassContext` whose group facts are computed from the module as it was at the group's
// start, as the main thread's are: `FunctionPass.prepare`), and sends back, per function, its new
// entry bytes, declared locals and `hasPops` when a pass changed it, its instruction count and
// the passes that found nothing on it (the runner's `settled`). The main thread meanwhile runs
// its own share, then waits (`Atomics.wait`: the runner stays synchronous) and installs the
// results.
//
// Why the output is the same as on one thread. Function passes read only their function and
// module facts fixed for the group (the pass contract: `FunctionPass`, `prepare`); the one thing
// they can add to the module is a function type, when encoding a block with several values or
// parameters needs one the type section lacks (`internType`). Such a function is set back to
// its state at the group's start (a worker's copy is simply dropped) and run again on the main
// thread after the others, in function order: types are then appended in the order a single
// thread appends them, since only those functions append any. So the output does not depend on
// the number of threads, and `--jobs 1` (or a small module) runs everything here.
//
// Shares. The functions some pass has to look at go, heaviest (in bytes) first, each to the
// least loaded thread; the main thread also takes the ones no pass needs (counted, not decoded).
// Threads claiming the next function from a shared counter instead measured slower (wasm-tools
// -O2 with two threads: 19.2 s against 16.4 s).
//
// Cost. Starting a worker and loading weft in it takes ~0.1 s, and each group pays an encode of
// the module and a decode per worker (tens of ms for a few MB), so modules with less code than
// PARALLEL_MIN_CODE_BYTES stay on one thread. The tree passes are memory-bound: on a 2-core VM
// the groups gain 1.2-1.4x from a second thread (BENCHMARKS.md, -O2 on large modules).

import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { encodeModule } from '../binary/encode.js';
import type { Func, Module } from '../ir/module.js';
import type { ValType } from '../ir/types.js';
import type { PassContext, PassOptions } from './context.js';
import { addTallies, emptyTallies, runFunctionGroup, type GroupResult, type PassTally } from './function-group.js';
import type { FunctionPass } from './registry.js';

/**
 * A worker's young generation (V8 sizes each semi-space at a third): the passes allocate
 * trees and analyses that live for one function, which V8's default (16 MB semi-spaces)
 * copies into the old generation and scavenges again and again.
 */
const YOUNG_GENERATION_MB = 192;

/** Below this much function code a module is optimized on one thread. */
export const PARALLEL_MIN_CODE_BYTES = 256 * 1024;

/** One function's input to a group: its instruction count when known (else -1), its settled passes. */
export interface GroupItem {
  f: Func;
  n: number;
  done: Set<string> | undefined;
}

/** Messages to a worker. */
export type ToWorker =
  | { kind: 'group'; module: Uint8Array; passes: string[]; items: { item: number; func: number; n: number; done: string[] }[] }
  | { kind: 'close' };

/** A worker's answer to a group. */
export interface FromWorker {
  error?: string;
  results?: {
    /** The position in the group's items. */
    item: number;
    /** 0: unchanged, 1: changed (code, locals, hasPops set), 2: needs a new function type (run it on the main thread). */
    status: 0 | 1 | 2;
    n: number;
    done: string[] | null;
    code?: Uint8Array;
    locals?: ValType[];
    hasPops?: boolean;
  }[];
  tallies?: PassTally[];
}

interface Lane {
  worker: Worker;
  port: MessagePort;
  wake: Int32Array;
}

/** The worker's entry (CommonJS, `eval`): imports parallel-worker.js, or answers every message with the failure. */
const WORKER_BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.url).catch((e) => {
  const error = 'cannot start a worker thread: ' + String((e && e.message) || e).split('\\n')[0];
  workerData.port.on('message', () => {
    workerData.port.postMessage({ error });
    Atomics.store(workerData.wake, 0, 1);
    Atomics.notify(workerData.wake, 0);
  });
});
`;

/** The size of a function's entry in bytes (its share of the work, roughly). */
function weight(m: Module, f: Func): number {
  const s = m.source(f);
  return s.end - s.start;
}

/** Groups run partly on workers so far in this process (for tests). */
export const offloaded = { groups: 0, functions: 0 };

export class FunctionPool {
  private lanes: Lane[] = [];

  private constructor(private readonly options: PassOptions, private readonly workers: number, private readonly m: Module) {}

  /** A pool of `jobs - 1` workers for `m`, or null when one thread is what `jobs` or the module's size asks for. */
  static create(m: Module, options: PassOptions, jobs: number, minBytes = PARALLEL_MIN_CODE_BYTES): FunctionPool | null {
    if (jobs <= 1) return null;
    let bytes = 0;
    for (const f of m.funcs) bytes += weight(m, f);
    if (bytes < minBytes) return null;
    return new FunctionPool(options, jobs - 1, m);
  }

  private start(): void {
    if (this.lanes.length > 0) return;
    for (let i = 0; i < this.workers; i++) {
      const { port1, port2 } = new MessageChannel();
      const wake = new Int32Array(new SharedArrayBuffer(4));
      // loaded through a dynamic import whose failure is answered on the port: the main thread
      // waits on the port without an event loop, where a worker's 'error' event never arrives
      const worker = new Worker(WORKER_BOOT, {
        eval: true,
        workerData: { url: new URL('./parallel-worker.js', import.meta.url).href, port: port2, wake, options: this.options, features: this.m.features },
        transferList: [port2],
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      });
      worker.unref();
      this.lanes.push({ worker, port: port1, wake });
    }
  }

  /**
   * Runs the function passes `passes` over `items` (functions of the module, in module order),
   * adding to `tallies`; returns each item's result, in order. Every function is bytes (no tree).
   */
  runGroup(cx: PassContext, m: Module, passes: readonly FunctionPass[], items: readonly GroupItem[],
    tallies: PassTally[]): GroupResult[] {
    const results: (GroupResult | undefined)[] = new Array(items.length);
    // functions some pass has to look at, heaviest first, each to the least loaded share
    const work: number[] = [];
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (it.n < 0 || passes.some((p) => !(p.bodyLocal && it.done?.has(p.name)))) work.push(i);
    }
    const share: number[][] = Array.from({ length: this.workers + 1 }, () => []);
    const load = new Array<number>(this.workers + 1).fill(0);
    const weights = work.map((i) => weight(m, items[i].f));
    const byWeight = work.map((_, k) => k).sort((a, b) => weights[b] - weights[a] || a - b);
    for (const k of byWeight) {
      let best = 0;
      for (let s = 1; s < load.length; s++) if (load[s] < load[best]) best = s;
      share[best].push(work[k]);
      load[best] += weights[k];
    }
    const offload = share.slice(1).some((s) => s.length > 0);
    if (offload) {
      this.start();
      offloaded.groups++;
      for (const sh of share.slice(1)) offloaded.functions += sh.length;
      const module = encodeModule(m);
      const names = passes.map((p) => p.name);
      const position = new Map<Func, number>();
      m.funcs.forEach((f, k) => position.set(f, k));
      for (let w = 0; w < this.workers; w++) {
        const mine = share[w + 1].sort((a, b) => a - b);
        const msg: ToWorker = {
          kind: 'group', module, passes: names,
          items: mine.map((i) => ({ item: i, func: position.get(items[i].f)!, n: items[i].n, done: items[i].done ? [...items[i].done] : [] })),
        };
        this.lanes[w].port.postMessage(msg);
      }
    }
    const redo: number[] = [];
    // the main thread's share, and the functions no pass needs to look at
    const elsewhere = new Set(share.slice(1).flat());
    for (let i = 0; i < items.length; i++) {
      if (elsewhere.has(i)) continue;
      const it = items[i];
      const f = it.f;
      const saved = { code: f.code, locals: f.locals.slice(), hasPops: f.hasPops, droppedCode: f.droppedCode };
      const types = m.types.length;
      const mine = emptyTallies(passes.length);
      const r = runFunctionGroup(cx, f, passes, it.n, it.done, mine);
      cx.release(f);
      if (m.types.length !== types) {
        // a new function type: undone, run again below in function order
        m.types.length = types;
        f.code = saved.code;
        f.locals = saved.locals;
        f.hasPops = saved.hasPops;
        f.droppedCode = saved.droppedCode;
        redo.push(i);
        continue;
      }
      addTallies(tallies, mine);
      results[i] = r;
    }
    if (offload) {
      for (let w = 0; w < this.workers; w++) {
        const reply = this.receive(this.lanes[w]);
        if (reply.error) throw new Error(`worker: ${reply.error}`);
        addTallies(tallies, reply.tallies!);
        for (const r of reply.results!) {
          const f = items[r.item].f;
          if (r.status === 2) {
            redo.push(r.item);
            continue;
          }
          if (r.status === 1) {
            f.code = r.code!;
            f.locals = r.locals!;
            f.hasPops = r.hasPops!;
            f.droppedCode = false;
            f.dirty = false;
            f.tree = null;
            cx.forget(f);
          }
          results[r.item] = { n: r.n, done: r.done ? new Set(r.done) : undefined, changed: r.status === 1 };
        }
      }
    }
    redo.sort((a, b) => a - b);
    for (const i of redo) {
      const it = items[i];
      results[i] = runFunctionGroup(cx, it.f, passes, it.n, it.done, tallies);
      cx.release(it.f);
    }
    return results as GroupResult[];
  }

  /** Waits for the lane's answer (the runner is synchronous: no event loop turn). */
  private receive(lane: Lane): FromWorker {
    for (;;) {
      const got = receiveMessageOnPort(lane.port);
      if (got !== undefined) {
        Atomics.store(lane.wake, 0, 0);
        return got.message as FromWorker;
      }
      Atomics.wait(lane.wake, 0, 0, 50);
    }
  }

  close(): void {
    for (const l of this.lanes) {
      l.port.postMessage({ kind: 'close' } satisfies ToWorker);
      l.port.close();
      void l.worker.terminate();
    }
    this.lanes = [];
  }
}
