// Translation validation: each function a pass changed is proven equivalent to what it was
// before the pass, with Z3 (the `z3-solver` npm package), or the change is undone.
//
// For one change: both versions are encoded over the same inputs (verify/smt-function.ts): parameters,
// the initial module state (mutable globals, memories and their sizes, tables, segment flags)
// and the world (everything outside the module). The query "some input makes them end
// differently" (a different trap or none, other results, another final module state, other
// calls) goes to Z3:
//
// - level 1: calls uninterpreted (unless the two sides call different defined functions, as
//   after inlining: then loop-free callees are executed in place from the start), floats and
//   variable-length bulk memory operations uninterpreted. unsat: proven. sat, with nothing
//   abstracted: the model is a real counterexample (disproven).
// - level 2 (only when level 1 found a model and something was abstracted): loop-free defined
//   callees are executed in place, floats use the FP theory, bulk operations are exact array
//   lambdas. unsat: proven; sat: disproven.
// - both levels assume the module invariants (PassVerifier.invariants: the alignment of private
//   globals such as the shadow-stack pointer, proven by induction over the module; the value of
//   private globals nothing writes), since a pass may rely on them (store forwarding,
//   constant-globals); a per-function comparison alone would consider unreachable states (an
//   unaligned stack pointer, a never-written global with another value) and refute a correct
//   change.
// - before the first solver call, the query is evaluated on a dozen concrete inputs
//   (verify/smt-eval.ts, with the second level's semantics): an input that satisfies it is a
//   counterexample found without Z3 (disproven, level 0). It can only refute, never prove.
// - when the two sides call different defined functions and one such call stays uninterpreted
//   (its callee loops, recurses, or exceeds the budget), the sides are not comparable: a model
//   proves nothing, and the change is "unsupported" (evaluation is skipped too). A module pass
//   that changes a function's signature (dead-arguments) gives the new version a key of its
//   own on the post side, executed from its new body, so its callers fall under this rule.
// - a module pass may give a function that can never run (unreachable from exports, start,
//   tables and references before the pass) any body: such a change, when not proven otherwise,
//   is proven by that (dead-tables-globals stubs them until dead-functions removes them).
//
// Many queries simplify to `false` while being built (the pass changed nothing the outcome
// depends on, or changed it in a way the term simplifier sees through): those are proven without
// calling Z3. The time limit (default 2 s) covers the evaluation and both levels; running out is
// "timeout". A body outside the model (loops that loop other than endless ones, SIMD, ...) is
// "unsupported". Any failure of Z3 itself (an
// error, running out of memory, a crash of its worker) is "error". The last three are
// "unverified": the change is kept, or reverted with `strict`.
//
// z3-solver is loaded on first use (dynamic import, in a worker thread; see below), so runs
// without --verify never pay its start-up (~0.3 s). The worker does not keep Node alive when
// idle; `shutdownZ3` stops it explicitly (the CLI, tests and scripts call it at the end).
//
// The pass runner (optimize.ts, runPassesAsync) uses `PassVerifier`: it snapshots a function
// (its bytes and locals) before a function pass, and the whole index space before a module pass;
// after the pass it checks every changed function and reverts what is disproven. Callees
// executed at level 2 are the pre-pass versions on both sides, so a caller's proof does not
// depend on a callee change that may itself be reverted.

import { writeFileSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { codeContext, readFunctionBody, type CodeContext } from '../binary/code-reader.js';
import { decodeModule } from '../binary/decode.js';
import { encodeFunctionEntry, encodeModule } from '../binary/encode.js';
import { readNames } from '../binary/names.js';
import { Func, type ConstExpr, type Custom, type Global, type Import, type Limits, type Module } from '../ir/module.js';
import type { Expr } from '../ir/expr.js';
import { O } from '../ir/opcodes.js';
import type { FuncType, ValType } from '../ir/types.js';
import type { PassContext } from '../passes/context.js';
import { Smt, toSmtLib, Unsupported, varsOf, type Term } from './smt.js';
import { DIVERGES, TRAP_NAMES } from './smt-numeric.js';
import {
  equivalence, FunctionEncoder, Inputs, type EncodeOptions, type FunctionSource, type GlobalInfo, type GlobalValue, type Outcome, type Shape,
  type SideEnv,
} from './smt-function.js';
import { refute } from './smt-eval.js';

// ---- Z3, in a worker thread -------------------------------------------------------------------
//
// z3-solver runs in a worker thread of its own (this file is also the worker's script): a crash
// inside Z3 (its pthreads report an out-of-memory or an abort as an uncaught exception, which
// would end the process) then only ends that worker, the check counts as 'error', and the next
// check starts a new worker. A check that overruns its time limit by far gets the worker
// terminated the same way. Queries go to Z3 as SMT-LIB text (`Z3_eval_smtlib2_string`) in a
// buffer on the Z3 heap that lives until the answer is back: z3-solver's own wrapper passes the
// text on the caller's wasm stack, which is reused while the solver thread still reads it
// (observed: random "keyword expected" errors near the end of long inputs). No other Z3 object
// is created per query, so no garbage-collector finalizer touches Z3 while a check runs.

interface SolveResult {
  status: 'sat' | 'unsat' | 'unknown';
  reason: string;
  /** Values of the model's constants, as SMT-LIB text, by name. */
  values: Map<string, string>;
}

interface SolveRequest {
  id: number;
  text: string;
  names: string[];
  timeoutMs: number;
  floats: boolean;
}

type SolveReply = { id: number; status: SolveResult['status']; reason: string; values: [string, string][] } | { id: number; error: string };

/**
 * The strategies: simplification and equation solving first (they remove most of the state
 * plumbing), then Z3's SMT core; with floating-point terms, translated to bit-vectors and
 * bit-blasted first. On these queries they are several times faster than the default
 * `(check-sat)` for logic ALL, and the FP one 50x faster than the SMT core's FP solver
 * (measured on the sem repro, the fuzz corpus and trunc(convert(x)) == x).
 */
const TACTIC = '(then simplify solve-eqs smt)';
const FP_TACTIC = '(then simplify solve-eqs fpa2bv simplify solve-eqs bit-blast smt)';

/** Top-level elements of an s-expression list, as text: `((a 1) (b (x y)))` -> ['(a 1)', '(b (x y))']. */
function listItems(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inBar = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '|') inBar = !inBar;
    if (inBar) continue;
    if (c === '(') {
      depth++;
      if (depth === 2) start = i;
    } else if (c === ')') {
      if (depth === 2 && start >= 0) {
        out.push(text.slice(start, i + 1));
        start = -1;
      }
      depth--;
    }
  }
  return out;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/** The worker side: answers SolveRequests with one Z3 context, one at a time. */
async function z3Worker(): Promise<void> {
  const port = parentPort!;
  let run: (cmds: string) => Promise<string>;
  let renew: () => void;
  try {
    const mod: any = await import('z3-solver');
    const api = await mod.init();
    const Z3 = api.Z3;
    const em = api.em;
    // Contexts are made and deleted here, between checks (never by a finalizer while a check
    // runs). A context that has parsed large queries stays slow (measured: a 10 ms check took
    // 1.8 s after two 5 MB queries), so it is replaced after a large query.
    const mk = (): number => {
      const cfg = Z3.mk_config();
      const c = Z3.mk_context_rc(cfg);
      Z3.del_config(cfg);
      return c;
    };
    let ctx = mk();
    renew = () => {
      Z3.del_context(ctx);
      ctx = mk();
    };
    const encoder = new TextEncoder();
    run = async (cmds: string): Promise<string> => {
      const bytes = encoder.encode(cmds);
      const ptr: number = em._malloc(bytes.length + 1);
      try {
        const heap: Uint8Array = em.HEAPU8;
        heap.set(bytes, ptr);
        heap[ptr + bytes.length] = 0;
        return await em.async_call(em._async_Z3_eval_smtlib2_string, ctx, ptr);
      } finally {
        em._free(ptr);
      }
    };
  } catch (e) {
    port.postMessage({ ready: false, error: e instanceof Error ? e.message : String(e) });
    return;
  }
  let since = 0;
  const errorOf = (out: string) => /\(error "([^"]*)"\)/.exec(out)?.[1] ?? null;
  const solveHere = async (q: SolveRequest): Promise<SolveReply> => {
    const t0 = performance.now();
    const attempt = async (strategy: string, ms: number): Promise<string> => {
      const load = await run(`(reset)(set-option :timeout ${Math.max(1, Math.floor(ms))})\n${q.text}`);
      if (errorOf(load) !== null) return load;
      return run(strategy);
    };
    let out = await attempt(`(check-sat-using ${q.floats ? FP_TACTIC : TACTIC})`, q.timeoutMs);
    let err = errorOf(out);
    // the tactic may give up on a theory combination the default strategy handles
    const left = q.timeoutMs - (performance.now() - t0);
    if (err !== null && /incomplete|unsupported/.test(err) && left > 1) {
      out = await attempt('(check-sat)', left);
      err = errorOf(out);
    }
    if (err !== null) {
      await run('(reset)');
      if (/canceled|timeout/i.test(err)) return { id: q.id, status: 'unknown', reason: 'timeout', values: [] };
      return { id: q.id, error: err };
    }
    const status = out.trim().split(/\s+/).pop() as string;
    const values: [string, string][] = [];
    let reason = '';
    if (status === 'sat' && q.names.length > 0) {
      const got = await run(`(get-value (${q.names.map((n) => `|${n}|`).join(' ')}))`);
      for (const item of listItems(got)) {
        const m = /^\(\s*\|?([^|\s]+)\|?\s+([\s\S]*)\)$/.exec(item);
        if (m) values.push([m[1], m[2].trim()]);
      }
    } else if (status === 'unknown') {
      const info = await run('(get-info :reason-unknown)');
      reason = /:reason-unknown\s+"?([^")]*)/.exec(info)?.[1] ?? 'unknown';
    } else if (status !== 'unsat' && status !== 'sat') {
      await run('(reset)');
      return { id: q.id, error: `unexpected answer: ${out.trim().slice(0, 200)}` };
    }
    await run('(reset)');
    return { id: q.id, status: status as SolveResult['status'], reason, values };
  };
  port.on('message', (q: SolveRequest) => {
    solveHere(q).then((r) => port.postMessage(r), (e) => port.postMessage({ id: q.id, error: e instanceof Error ? e.message : String(e) }))
      .finally(() => {
        since += q.text.length;
        if (since > 1 << 20) {
          since = 0;
          renew();
        }
      });
  });
  port.postMessage({ ready: true });
}
/* eslint-enable @typescript-eslint/no-explicit-any */

if (!isMainThread && (workerData as { weftZ3?: boolean } | null)?.weftZ3 === true) void z3Worker();

/** The main side: one worker, started on first use, restarted after a crash or a hang. */
class Z3Client {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: SolveReply) => void; timer: ReturnType<typeof setTimeout> }>();

  /** Starts the worker (and z3-solver in it) if it is not running; resolves when it is ready. */
  start(): Promise<void> {
    if (this.ready) return this.ready;
    const w = new Worker(new URL(import.meta.url), { workerData: { weftZ3: true } });
    this.worker = w;
    this.ready = new Promise<void>((resolve, reject) => {
      const fail = (why: string) => {
        for (const [id, p] of this.pending) {
          clearTimeout(p.timer);
          p.resolve({ id, error: why });
        }
        this.pending.clear();
        if (this.worker === w) {
          this.worker = null;
          this.ready = null;
        }
        reject(new Error(why));
      };
      w.on('message', (m: { ready?: boolean; error?: string } & Partial<SolveReply>) => {
        if (m.ready === true) {
          w.unref();
          resolve();
          return;
        }
        if (m.ready === false) {
          fail(`z3-solver failed to start: ${m.error}`);
          void w.terminate();
          return;
        }
        const p = this.pending.get(m.id!);
        if (!p) return;
        this.pending.delete(m.id!);
        clearTimeout(p.timer);
        if (this.pending.size === 0) w.unref();
        p.resolve(m as SolveReply);
      });
      w.on('error', (e) => fail(`the Z3 worker failed: ${e instanceof Error ? e.message : String(e)}`));
      w.on('exit', (code) => fail(`the Z3 worker exited (status ${code})`));
    });
    this.ready.catch(() => undefined);
    return this.ready;
  }

  async solve(text: string, names: string[], timeoutMs: number, floats: boolean): Promise<SolveResult> {
    await this.start();
    const w = this.worker!;
    const id = this.nextId++;
    const reply = await new Promise<SolveReply>((resolve) => {
      // Z3 honours its time limit; a check that overruns it by far is a hang: end the worker
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ id, status: 'unknown', reason: 'timeout (the solver did not stop; restarted)', values: [] });
        void this.stop();
      }, timeoutMs + 20000);
      this.pending.set(id, { resolve, timer });
      w.ref();
      w.postMessage({ id, text, names, timeoutMs, floats } satisfies SolveRequest);
    });
    if ('error' in reply) throw new Error(reply.error);
    return { status: reply.status, reason: reply.reason, values: new Map(reply.values) };
  }

  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.ready = null;
    if (w) await w.terminate();
  }
}

const z3 = new Z3Client();
let dumps = 0;

/** Starts z3-solver (in its worker) ahead of the first check. */
export function loadZ3(): Promise<void> {
  return z3.start();
}

/** Stops z3-solver's worker (a later check starts it again). */
export async function shutdownZ3(): Promise<void> {
  await z3.stop();
}

async function solve(text: string, names: string[], timeoutMs: number, floats: boolean): Promise<SolveResult> {
  const dir = process.env.WEFT_SMT_DUMP;
  if (dir) writeFileSync(`${dir}/q${dumps++}.smt2`, `${text}(check-sat-using ${floats ? FP_TACTIC : TACTIC})\n`); // debugging
  return z3.solve(text, names, timeoutMs, floats);
}

// ---- one comparison -----------------------------------------------------------------------------

export type VerdictStatus = 'proven' | 'disproven' | 'unsupported' | 'timeout' | 'error';

export interface Verdict {
  status: VerdictStatus;
  /** Why not proven (the unsupported construct, Z3's reason, the error), or how it was proven. */
  reason: string;
  /** For 'disproven': the distinguishing inputs and both outcomes, one line each. */
  counterexample: string | null;
  /** Time of this check (what the time limit bounds: z3-solver's start-up and the module invariants, once per run, not included). */
  ms: number;
  /** 0: decided without a solver call (proven while building the query, or refuted by evaluation); 1 or 2: the level that decided. */
  level: number;
}

export interface PairOptions {
  timeoutMs: number;
  /** Mutable globals of either side (key and type): compared at the end. */
  mutableGlobals: { key: string; type: ValType }[];
  /** Memories, tables, segments (the same on both sides). */
  shape: Shape;
  /** Display names of global keys, for counterexamples. */
  globalNames?: Map<string, string>;
  /** The module invariants to assume (see PassVerifier.invariants), asked for when a query needs the solver. */
  invariants?: () => Promise<ModuleInvariants>;
  /** Most nodes executed in callees at level 2 (default 20000). */
  inlineBudget?: number;
  /** Look for a counterexample on concrete inputs before calling the solver (default true). */
  evaluate?: boolean;
}

/** Facts about the module's private globals: low bits that are 0 (global key -> k), values that never change. */
export interface ModuleInvariants {
  align: Map<string, number>;
  constants: Map<string, GlobalValue>;
}

function sameSig(a: FuncType, b: FuncType): boolean {
  return a.params.length === b.params.length && a.results.length === b.results.length &&
    a.params.every((t, i) => t === b.params[i]) && a.results.every((t, i) => t === b.results[i]);
}

/** How many times each defined function is called directly. */
function definedCalls(src: FunctionSource): Map<string, number> {
  const out = new Map<string, number>();
  const stack: Expr[] = [src.tree];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if ((e.op === O.call || e.op === O.return_call) && src.env.isDefined(e.index)) {
      const k = src.env.funcKey(e.index);
      out.set(k, (out.get(k) ?? 0) + 1);
    }
    for (const k of e.kids) stack.push(k);
    for (const k of e.body) stack.push(k);
    if (e.alt) for (const k of e.alt) stack.push(k);
  }
  return out;
}

function sameCalls(a: Map<string, number>, b: Map<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, n] of a) if (b.get(k) !== n) return false;
  return true;
}

/** Both sides encoded over shared inputs, and "their outcomes differ". */
interface Encoded {
  b: Smt;
  inputs: Inputs;
  A: Outcome;
  B: Outcome;
  differ: Term;
}

function encodePair(pre: FunctionSource, post: FunctionSource, o: PairOptions, opts: EncodeOptions): Encoded {
  const b = new Smt();
  const inputs = new Inputs(b, pre.type.params, o.mutableGlobals, o.shape);
  const A = new FunctionEncoder(b, inputs, opts).encode(pre);
  const B = new FunctionEncoder(b, inputs, opts).encode(post);
  return { b, inputs, A, B, differ: b.not(equivalence(b, A, B)) };
}

/** The query: the inputs' preconditions, what the invariants say about calls, and the difference. */
function fullQuery(e: Encoded): Term {
  const { b, inputs, A, B, differ } = e;
  return b.and(inputs.preconditions(varsOf(differ)), ...inputs.callFacts(A.calls), ...inputs.callFacts(B.calls), differ);
}

/** Terms whose values a counterexample reports: both outcomes, and which parts of the final state differ. */
function reported(e: Encoded): [string, Term][] {
  const { b, inputs, A, B } = e;
  const named: [string, Term][] = [['out.pre.kind', A.kind], ['out.post.kind', B.kind]];
  A.results.forEach((r, i) => named.push([`out.pre.result${i}`, r]));
  B.results.forEach((r, i) => named.push([`out.post.result${i}`, r]));
  A.state.forEach((x, i) => {
    if (x !== B.state[i]) named.push([`diff.${inputs.component(i).name}`, b.not(b.eq(x, B.state[i]))]);
  });
  if (A.world !== B.world) named.push(['diff.world', b.not(b.eq(A.world, B.world))]);
  return named;
}

/** Constant initial values of the defined globals (by key), as the evaluator's first guesses. */
function globalInits(env: SideEnv): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const g of env.globals) {
    const c = g.init?.length === 1 ? g.init[0] : null;
    if (c === null) continue;
    if (c.op === O.i32_const) out.set(g.key, BigInt.asUintN(32, BigInt(c.value as number)));
    else if (c.op === O.i64_const) out.set(g.key, BigInt.asUintN(64, c.value as bigint));
    else if (c.op === O.f32_const) out.set(g.key, BigInt((c.value as number) >>> 0));
    else if (c.op === O.f64_const) out.set(g.key, c.value as bigint);
  }
  return out;
}

/**
 * Fast refutation (verify/smt-eval.ts): the query evaluated on a few concrete inputs, with the
 * second level's semantics (defined callees executed in place; floats and bulk operations
 * evaluated exactly). `enc`: the first level's encoding when it already executes callees.
 * Returns the counterexample, or null (nothing found, or nothing the evaluator can run).
 */
function refuteByEvaluation(pre: FunctionSource, post: FunctionSource, o: PairOptions, first: Inputs, enc: Encoded | null): string | null {
  let e = enc;
  try {
    if (e === null) {
      e = encodePair(pre, post, o, { exactFloats: false, exactBulk: false, inlineCalls: true, inlineBudget: o.inlineBudget ?? 20000 });
      e.inputs.invariants = first.invariants;
      e.inputs.constants = first.constants;
    }
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
  const query = fullQuery(e);
  if (query === e.b.F) return null;
  const inits = globalInits(pre.env);
  for (const [k, v] of globalInits(post.env)) inits.set(k, v);
  const r = refute({ b: e.b, inputs: e.inputs, globalInits: inits }, query, reported(e));
  if (r === null) return null;
  const memories = (k: number): string | undefined => {
    const reads = r.reads.get(`mem${k}`);
    if (!reads || reads.size === 0) return undefined;
    const shown = [...reads].sort((x, y) => x[0] - y[0]).slice(0, 16).map(([a, v]) => `[0x${a.toString(16)}] = 0x${v.toString(16)}`);
    if (reads.size > 16) shown.push(`... (${reads.size - 16} more)`);
    return `${shown.join(', ')} (the bytes read; the others are not used)`;
  };
  return formatCounterexample(r.values, pre, e.inputs, o, memories);
}

/** Proves (or refutes) that `post` behaves as `pre` for every input. Never throws. */
export async function verifyPair(pre: FunctionSource, post: FunctionSource, o: PairOptions): Promise<Verdict> {
  const t0 = performance.now();
  // loading z3-solver and finding the module invariants (once per run) are not this check's time
  let loadMs = 0;
  const done = (status: VerdictStatus, reason: string, level: number, counterexample: string | null = null): Verdict =>
    ({ status, reason, counterexample, ms: performance.now() - t0 - loadMs, level });
  if (!sameSig(pre.type, post.type)) return done('unsupported', 'the signature changed', 1);
  // Uninterpreted calls prove nothing when the two sides call different defined functions
  // (the inliner's changes): then callees are executed from the start.
  const inlineFirst = !sameCalls(definedCalls(pre), definedCalls(post));
  let usedInvariants = false;
  for (const level of [1, 2]) {
    let e: Encoded;
    const opts: EncodeOptions = {
      exactFloats: level === 2, exactBulk: level === 2, inlineCalls: level === 2 || inlineFirst, inlineBudget: o.inlineBudget ?? 20000,
    };
    try {
      e = encodePair(pre, post, o, opts);
    } catch (err) {
      if (err instanceof Unsupported) return done('unsupported', err.message, level);
      if (process.env.WEFT_SMT_DUMP) console.error(err);
      return done('error', `encoder: ${err instanceof Error ? err.message : String(err)}`, level);
    }
    const { b, inputs, A, B } = e;
    if (e.differ === b.F) return done('proven', level === 1 ? 'by simplification' : 'by simplification at level 2', 0);
    // the sides call different defined functions and one of those calls stayed uninterpreted
    // (a loop, recursion, the budget): the two sides are not comparable, a model proves nothing
    const opaque = inlineFirst && (A.opaqueCall || B.opaqueCall);
    let left: number;
    try {
      // loading z3-solver (once per process) and finding the module invariants (once per run)
      // do not count against the time limit
      const tl = performance.now();
      await loadZ3();
      if (o.invariants) {
        const inv = await o.invariants();
        inputs.invariants = inv.align;
        inputs.constants = inv.constants;
      }
      loadMs += performance.now() - tl;
    } catch (err) {
      return done('error', `${err instanceof Error ? err.message : String(err)}`, level);
    }
    const query = fullQuery(e);
    if (query === b.F) return done('proven', 'by simplification', 0);
    if (inputs.invariants.size > 0 || inputs.constants.size > 0) usedInvariants = true;
    if (level === 1 && o.evaluate !== false && !opaque) {
      // before the solver: a counterexample among a few concrete inputs?
      let found: string | null;
      try {
        found = refuteByEvaluation(pre, post, o, inputs, opts.inlineCalls ? e : null);
      } catch (err) {
        return done('error', `evaluator: ${err instanceof Error ? err.message : String(err)}`, level);
      }
      if (found !== null) return done('disproven', 'counterexample by evaluation (concrete inputs, no solver call)', 0, found);
    }
    left = o.timeoutMs - (performance.now() - t0 - loadMs);
    if (left <= 0) return done('timeout', 'time limit reached before the solver ran', level);
    let r: SolveResult;
    try {
      const q = toSmtLib(b, [query], reported(e));
      r = await solve(q.text, q.names, left, q.floats);
    } catch (err) {
      // a failure inside Z3 (including running out of memory): the worker restarts next time
      return done('error', `z3: ${err instanceof Error ? err.message : String(err)}`, level);
    }
    if (r.status === 'unsat') return done('proven', `z3, level ${level}${usedInvariants ? ', with the module invariants' : ''}`, level);
    if (r.status === 'unknown') {
      return /timeout|canceled|interrupted/i.test(r.reason)
        ? done('timeout', `z3: ${r.reason}`, level)
        : done('error', `z3: ${r.reason || 'unknown'}`, level);
    }
    if (opaque) return done('unsupported', 'a callee that differs between the two sides could not be executed (loop, recursion)', level);
    if (level === 2 || !(A.abstracted || B.abstracted)) {
      return done('disproven', `counterexample at level ${level}`, level, formatCounterexample(r.values, pre, inputs, o));
    }
  }
  return done('error', 'internal: no level decided', 2);
}

// ---- counterexamples --------------------------------------------------------------------------

const TYPE_NAMES: Record<number, string> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

function bvValue(text: string | undefined): bigint | null {
  if (text === undefined) return null;
  const m = /^#x([0-9a-f]+)$/i.exec(text) ?? null;
  if (m) return BigInt(`0x${m[1]}`);
  const k = /^#b([01]+)$/.exec(text);
  if (k) return BigInt(`0b${k[1]}`);
  return null;
}

function showValue(text: string | undefined, t: ValType | null): string {
  const v = bvValue(text);
  if (v === null) return text ?? '?';
  const hex = `0x${v.toString(16)}`;
  if (t === 0x7f) return `${BigInt.asIntN(32, v)} (${hex})`;
  if (t === 0x7e) return `${BigInt.asIntN(64, v)} (${hex})`;
  return hex;
}

function showOutcome(values: Map<string, string>, side: 'pre' | 'post', results: readonly ValType[]): string {
  const kind = bvValue(values.get(`out.${side}.kind`));
  if (kind === null) return '?';
  if (kind >= 0x80n) return 'traps in a call (or the call does not return)';
  if (kind === BigInt(DIVERGES)) return 'diverges (an endless loop)';
  if (kind !== 0n) return `traps (${TRAP_NAMES[Number(kind)] ?? `kind ${kind}`})`;
  if (results.length === 0) return 'returns';
  return `returns ${results.map((t, i) => showValue(values.get(`out.${side}.result${i}`), t)).join(', ')}`;
}

function formatCounterexample(values: Map<string, string>, pre: FunctionSource, inputs: Inputs, o: PairOptions,
  memoryText?: (k: number) => string | undefined): string {
  const lines: string[] = [];
  const params = pre.type.params;
  if (params.length > 0) {
    lines.push(`inputs: ${params.map((t, i) => `p${i}: ${TYPE_NAMES[t] ?? t} = ${showValue(values.get(`p${i}`), t)}`).join(', ')}`);
  }
  const gl: string[] = [];
  inputs.slots.forEach((key, j) => {
    const v = values.get(`g.${key}`);
    if (v !== undefined) gl.push(`${o.globalNames?.get(key) ?? key} = ${showValue(v, inputs.slotTypes[j])}`);
  });
  if (gl.length > 0) lines.push(`globals: ${gl.join(', ')}`);
  o.shape.memories.forEach((_, k) => {
    const pages = bvValue(values.get(`pages${k}`));
    const mem = memoryText ? memoryText(k) : values.has(`mem${k}`) ? arrayText(values.get(`mem${k}`)!) : undefined;
    if (pages !== null) lines.push(`memory ${k}: ${pages} page${pages === 1n ? '' : 's'}${mem !== undefined ? `; bytes: ${mem}` : ''}`);
  });
  lines.push(`before: ${showOutcome(values, 'pre', pre.type.results)}`);
  lines.push(`after:  ${showOutcome(values, 'post', pre.type.results)}`);
  const differ: string[] = [];
  for (const [name, v] of values) {
    if (!name.startsWith('diff.') || v !== 'true') continue;
    const what = name.slice(5);
    const m = /^(mem|pages|table|tsize)(\d+)$/.exec(what);
    const label = what === 'world' ? 'the calls made (or their arguments, or the state they see)'
      : what.startsWith('g.') ? (o.globalNames?.get(what.slice(2)) ?? what.slice(2))
        : m ? `${{ mem: 'memory', pages: 'the size of memory', table: 'table', tsize: 'the size of table' }[m[1]]} ${m[2]}`
          : what.replace('dropped.', 'dropped ');
    differ.push(label);
  }
  if (differ.length > 0) lines.push(`final state differs in: ${differ.join(', ')}`);
  return lines.join('\n');
}

function oneLine(s: string, max: number): string {
  const t = s.replace(/\s+/g, ' ');
  return t.length > max ? `${t.slice(0, max)}...` : t;
}

type SExpr = string | SExpr[];

function parseSExpr(text: string): SExpr | null {
  const tokens = text.match(/\(|\)|\|[^|]*\||[^\s()]+/g) ?? [];
  let i = 0;
  const read = (): SExpr | null => {
    const t = tokens[i++];
    if (t === undefined || t === ')') return null;
    if (t !== '(') return t;
    const list: SExpr[] = [];
    while (i < tokens.length && tokens[i] !== ')') {
      const x = read();
      if (x === null) return null;
      list.push(x);
    }
    i++;
    return list;
  };
  return read();
}

/** A model's array value (let-bound store chains over a constant array) as `default 0x00, [0x10] = 0x23, ...`. */
function arrayText(text: string): string {
  const tree = parseSExpr(text);
  const lets = new Map<string, SExpr>();
  const entries = new Map<bigint, string>();
  let node: SExpr | null = tree;
  let dflt: string | null = null;
  for (let guard = 0; node !== null && guard < 100000; guard++) {
    if (typeof node === 'string') {
      node = lets.get(node) ?? null;
      continue;
    }
    const head = node[0];
    if (head === 'let' && Array.isArray(node[1])) {
      for (const b of node[1]) if (Array.isArray(b) && typeof b[0] === 'string') lets.set(b[0], b[1]);
      node = node[2];
    } else if (head === 'store' && typeof node[2] === 'string' && typeof node[3] === 'string') {
      const a = bvValue(node[2]);
      if (a !== null && !entries.has(a)) entries.set(a, node[3]);
      node = node[1];
    } else if (Array.isArray(head) && head[0] === 'as' && head[1] === 'const' && typeof node[1] === 'string') {
      dflt = node[1];
      node = null;
    } else return oneLine(text, 200);
  }
  const shown = [...entries].sort((x, y) => (x[0] < y[0] ? -1 : 1)).slice(0, 16)
    .map(([a, v]) => `[0x${a.toString(16)}] = ${showValue(v, null)}`);
  if (entries.size > 16) shown.push(`... (${entries.size - 16} more)`);
  if (dflt !== null) shown.push(`${shown.length ? 'all others' : 'all'} ${showValue(dflt, null)}`);
  return shown.join(', ');
}

// ---- module views -------------------------------------------------------------------------------

/** The module's index spaces at one moment (the live module, or a snapshot before a pass). */
interface View {
  types: readonly FuncType[];
  imports: readonly Import[];
  funcs: readonly Func[];
  globals: readonly Global[];
  shape: Shape;
  ctx: CodeContext;
}

function shapeOf(m: Module): Shape {
  const lim = (l: Limits) => ({ min: l.min, max: l.max, shared: l.shared });
  return {
    memories: m.memoryTypes().map(lim),
    tables: m.tableTypes().map((t) => lim(t.limits)),
    dataLens: m.datas.map((d) => d.bytes.length),
    elemLens: m.elems.map((e) => e.funcs?.length ?? e.exprs?.length ?? 0),
  };
}

function liveView(m: Module): View {
  return { types: m.types, imports: m.imports, funcs: m.funcs, globals: m.globals, shape: shapeOf(m), ctx: codeContext(m) };
}

function frozenView(m: Module): View {
  const ctx = codeContext(m);
  const types = m.types.slice();
  return {
    types, imports: m.imports.slice(), funcs: m.funcs.slice(), globals: m.globals.slice(),
    shape: shapeOf(m), ctx: { ...ctx, types },
  };
}

const NO_FUNCS: ReadonlySet<Func> = new Set();

/** Each view's function positions (funcTypeIn is asked once per decoded body). */
const positions = new WeakMap<View, Map<Func, number>>();

/** The type index `f` has in `view` (from its frozen code context; `f.type` may have changed since). */
function funcTypeIn(view: View, f: Func): number {
  let pos = positions.get(view);
  if (pos === undefined) positions.set(view, (pos = new Map(view.funcs.map((g, k) => [g, k]))));
  const i = pos.get(f) ?? -1;
  return i < 0 ? f.type : view.ctx.funcTypes[view.ctx.funcTypes.length - view.funcs.length + i];
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Bytes of a function entry now (locals + code). */
function entryBytes(m: Module, f: Func): Uint8Array {
  if (f.tree && f.dirty) return encodeFunctionEntry(m, f);
  const s = m.source(f);
  return s.bytes.subarray(s.start, s.end);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A function's state before a pass, enough to check and to restore it. */
interface FuncSnapshot {
  /** The entry's bytes (locals + code). */
  bytes: Uint8Array;
  /** f.code then (null: the input's range), restored when the function was clean. */
  code: Uint8Array | null;
  clean: boolean;
  locals: ValType[];
  hasPops: boolean;
  customs: { c: Custom; payload: Uint8Array; origin: Uint8Array | null }[];
  customList: Custom[];
}

interface ModuleSnapshot {
  view: View;
  funcs: Map<Func, FuncSnapshot>;
  /** The whole module, for undoing a pass that changed the index spaces. */
  bytes: Uint8Array;
  /** Function indices the outside world or a table can reach: exports, start, element segments, `ref.func` in initializers. */
  roots: number[];
}

/**
 * See ModuleSnapshot.roots. A declarative element segment is no root: it only declares functions
 * for `ref.func` in code (followed where that code is), and `table.init` from it traps unless
 * it is empty (it is dropped at instantiation).
 */
function rootFunctions(m: Module): number[] {
  const out: number[] = [];
  const refs = (c: ConstExpr | null) => {
    if (c) for (const x of c) if (x.op === O.ref_func) out.push(x.index);
  };
  for (const e of m.exports) if (e.kind === 'func') out.push(e.index);
  if (m.start !== null) out.push(m.start);
  for (const el of m.elems) {
    if (el.mode === 'declarative') continue;
    if (el.funcs) out.push(...el.funcs);
    if (el.exprs) for (const c of el.exprs) refs(c);
  }
  for (const g of m.globals) refs(g.init);
  return out;
}

export interface VerifyRecord {
  pass: string;
  /** Function index (imports first) after the pass. */
  func: number;
  name: string | null;
  status: VerdictStatus;
  /** What was done: kept the change, or reverted it. */
  action: 'kept' | 'reverted';
  reason: string;
  ms: number;
  counterexample: string | null;
}

export interface VerifierOptions {
  strict: boolean;
  timeoutMs: number;
  /** Receives one line per verified change (and the counterexamples); for --verbose. */
  log?: (line: string) => void;
}

/** Outcome counts of one pass. */
export interface PassVerifyCounts {
  proven: number;
  reverted: number;
  unverified: number;
}

export class PassVerifier {
  readonly records: VerifyRecord[] = [];
  private keys = new WeakMap<object, string>();
  private nextKey = 0;
  /** Decoded callee bodies of the current check: per function, the bytes and view they were decoded from. */
  private bodies = new Map<Func, { bytes: Uint8Array; view: View; src: FunctionSource }>();
  private names: { payload: Uint8Array | null; map: Map<number, string> } = { payload: null, map: new Map() };

  /**
   * Module invariants (global key -> k: the global's low k bits are always 0), found when the
   * first query needs the solver, and kept (null: not computed yet). See `invariants()`.
   */
  private inv: ModuleInvariants | null = null;
  /**
   * The constants are found again for each module pass (when a query needs them): earlier
   * passes may have removed the last writes of a global (dead code, dead functions), and a
   * module pass such as constant-globals relies on the module as it is now.
   */
  private constantsStale = false;

  constructor(readonly m: Module, readonly cx: PassContext, readonly opts: VerifierOptions) {}

  private key(o: object): string {
    let k = this.keys.get(o);
    if (k === undefined) this.keys.set(o, (k = `e${this.nextKey++}`));
    return k;
  }

  // ---- environments ----

  /**
   * The environment of one side. Function types come from the view's code context (frozen at
   * the snapshot: a module pass may change `Func.type` in place). Functions in `rekeyed` (their
   * signature changed) get a key of their own, so calls to them are never matched with calls to
   * their other version as the same uninterpreted function: the checker executes them instead.
   */
  private env(view: View, bodyOf: (f: Func) => FunctionSource | null, rekeyed: ReadonlySet<Func> = NO_FUNCS): SideEnv {
    const importFuncs: Import[] = [];
    const globals: GlobalInfo[] = [];
    for (const imp of view.imports) {
      if (imp.desc.kind === 'func') importFuncs.push(imp);
      else if (imp.desc.kind === 'global') {
        globals.push({ key: `import.${imp.module}.${imp.name}`, type: imp.desc.global.type, mutable: imp.desc.global.mutable, init: null });
      }
    }
    for (const g of view.globals) globals.push({ key: this.key(g), type: g.type.type, mutable: g.type.mutable, init: g.init });
    const nImp = importFuncs.length;
    const typeIndex = (i: number): number => view.ctx.funcTypes[i];
    const defKey = (f: Func): string => (rekeyed.has(f) ? `${this.key(f)}.resig` : this.key(f));
    return {
      types: view.types,
      funcType: (i) => view.types[typeIndex(i)],
      funcKey: (i) => (i < nImp ? `import.${importFuncs[i].module}.${importFuncs[i].name}` : defKey(view.funcs[i - nImp])),
      isDefined: (i) => i >= nImp,
      body: (i) => (i < nImp ? null : bodyOf(view.funcs[i - nImp])),
      globals,
      shape: view.shape,
    };
  }

  private globalNames(env: SideEnv): Map<string, string> {
    return new Map(env.globals.map((g, i) => [g.key, g.key.startsWith('import.') ? `global ${i} (${g.key})` : `global ${i}`]));
  }

  private mutableGlobals(...envs: SideEnv[]): { key: string; type: ValType }[] {
    const out: { key: string; type: ValType }[] = [];
    for (const env of envs) for (const g of env.globals) if (g.mutable) out.push({ key: g.key, type: g.type });
    return out;
  }

  /** Decodes `bytes` as the body of `f` (signature from `view`), for `env`. */
  private decode(f: Func, bytes: Uint8Array, view: View, env: SideEnv): FunctionSource {
    const type = funcTypeIn(view, f);
    const tmp = new Func(type);
    tmp.code = bytes;
    readFunctionBody(view.ctx, this.m, tmp);
    return { key: this.key(f), tree: tmp.tree!, locals: tmp.locals, type: view.types[type], hasPops: tmp.hasPops, env };
  }

  /** A callee's body as executed at level 2 (decoded once per version of its bytes). */
  private calleeBody(f: Func, bytes: Uint8Array, view: View, env: SideEnv): FunctionSource | null {
    const hit = this.bodies.get(f);
    if (hit && hit.bytes === bytes && hit.view === view) return hit.src;
    try {
      const src = this.decode(f, bytes, view, env);
      this.bodies.set(f, { bytes, view, src });
      return src;
    } catch {
      return null;
    }
  }

  private funcName(f: Func): { index: number; name: string | null } {
    const i = this.m.funcs.indexOf(f);
    const index = i < 0 ? -1 : this.m.numImportedFuncs + i;
    const payload = this.m.customs.find((c) => c.name === 'name')?.payload ?? null;
    if (payload !== this.names.payload) this.names = { payload, map: readNames(this.m).functions };
    if (index < 0) return { index, name: null };
    const exported = this.m.exports.find((x) => x.kind === 'func' && x.index === index)?.name;
    return { index, name: this.names.map.get(index) ?? (exported !== undefined ? `export "${exported}"` : null) };
  }

  private record(pass: string, f: Func, v: Verdict, action: 'kept' | 'reverted'): void {
    const { index, name } = this.funcName(f);
    const rec: VerifyRecord = { pass, func: index, name, status: v.status, action, reason: v.reason, ms: v.ms, counterexample: v.counterexample };
    this.records.push(rec);
    const log = this.opts.log;
    if (log) {
      const label = name ?? `func[${index}]`;
      log(`verify: ${pass}: ${label}: ${v.status}${action === 'reverted' ? ', reverted' : ''} (${v.reason}; ${v.ms.toFixed(0)} ms)`);
      if (v.counterexample) for (const line of v.counterexample.split('\n')) log(`  ${line}`);
    }
  }

  /**
   * Invariants of the module's private globals (defined, mutable, not exported: nothing outside
   * the module can write them):
   *
   * - constants: such a global with a constant initializer that no function writes always has
   *   that value (what constant-globals relies on);
   * - alignments, proven by induction: such an i32 global whose initial value has k low zero bits
   *   keeps them if every function that writes it keeps them (at every exit, traps included),
   *   assuming they hold at entry and after every call that starts in a state where they hold
   *   (the induction hypothesis: imports cannot write these globals, and whatever they call back
   *   is a function of the module). Each writer is checked with Z3 (level 1); a writer that
   *   cannot be proven lowers k by one for the globals it writes, until a fixpoint. This is what
   *   store forwarding relies on for the shadow-stack pointer (fp + 4 cannot wrap when fp is
   *   16-aligned).
   *
   * A per-function comparison that assumed every initial value would find unreachable
   * counterexamples (an unaligned stack pointer, a "constant" with another value). Computed
   * once, when the first query needs the solver: proven changes preserve the invariants (they
   * are equivalent under them), and unverified changes are trusted anyway.
   */
  private async invariants(view: View, env: SideEnv, bytesOf: (f: Func) => Uint8Array): Promise<ModuleInvariants> {
    if (this.inv && !this.constantsStale) return this.inv;
    const m = this.m;
    const exported = new Set<string>();
    const liveGlobals = this.env(liveView(m), () => null).globals;
    for (const e of m.exports) if (e.kind === 'global' && liveGlobals[e.index]) exported.add(liveGlobals[e.index].key);
    const k = new Map<string, number>();
    const constants = new Map<string, GlobalValue>();
    for (const g of env.globals) {
      const c = g.init?.length === 1 ? g.init[0] : null;
      if (!g.mutable || exported.has(g.key) || !c) continue;
      switch (c.op) {
        case O.i32_const: case O.f32_const: constants.set(g.key, { bits: BigInt((c.value as number) >>> 0), width: 32 }); break;
        case O.i64_const: case O.f64_const: constants.set(g.key, { bits: BigInt.asUintN(64, c.value as bigint), width: 64 }); break;
        case O.ref_null: constants.set(g.key, { bits: 0n, width: 32 }); break;
        case O.ref_func: constants.set(g.key, { func: env.funcKey(c.index) }); break;
      }
      if (g.type !== 0x7f || c.op !== O.i32_const) continue;
      const v = (c.value as number) >>> 0;
      k.set(g.key, v === 0 ? 16 : Math.min(16, 31 - Math.clz32(v & -v)));
    }
    // the writers of candidates, and what they write
    const writers: [FunctionSource, Set<string>][] = [];
    if (constants.size > 0) {
      for (const f of view.funcs) {
        let src: FunctionSource;
        try {
          src = this.decode(f, bytesOf(f), view, env);
        } catch {
          // a body that cannot be read may write any of them: no invariants
          k.clear();
          constants.clear();
          break;
        }
        const written = new Set<string>();
        const stack: Expr[] = [src.tree];
        while (stack.length > 0) {
          const e = stack.pop()!;
          if (e.op === O.global_set && constants.has(env.globals[e.index]?.key)) written.add(env.globals[e.index].key);
          for (const x of e.kids) stack.push(x);
          for (const x of e.body) stack.push(x);
          if (e.alt) for (const x of e.alt) stack.push(x);
        }
        if (written.size > 0) writers.push([src, written]);
      }
    }
    for (const [, written] of writers) for (const g of written) constants.delete(g);
    this.constantsStale = false;
    if (this.inv) {
      // a later module pass: the alignments found before still hold (proven changes keep them)
      const known = this.inv.constants;
      const align = new Map([...this.inv.align].filter(([g]) => !constants.has(g)));
      this.inv = { align, constants };
      if (constants.size !== known.size || [...constants.keys()].some((g) => !known.has(g))) this.logInvariants(env);
      return this.inv;
    }
    for (const g of constants.keys()) k.delete(g); // its value says more
    const mutable = this.mutableGlobals(env);
    // First a guess per global, by binary search on k (each probe asks every writer of that
    // global, the others' current guesses assumed): a few probes instead of one round per bit.
    // The guesses are only a starting point; the fixpoint below is what proves them.
    for (const g of [...k.keys()]) {
      let lo = 0, hi = k.get(g)!;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        k.set(g, mid);
        let holds = true;
        for (const [src, written] of writers) {
          if (!written.has(g)) continue;
          const ok = await this.preserves(src, [g], k, constants, mutable, view.shape);
          if (ok === 'never') hi = 0;
          if (ok !== true) {
            holds = false;
            break;
          }
        }
        if (holds) lo = mid;
        else hi = Math.min(hi, mid - 1);
      }
      k.set(g, lo);
    }
    for (let changed = true; changed;) {
      changed = false;
      for (const [src, written] of writers) {
        const live = [...written].filter((g) => (k.get(g) ?? 0) > 0);
        if (live.length === 0) continue;
        const ok = await this.preserves(src, live, k, constants, mutable, view.shape);
        if (ok === true) continue;
        for (const g of live) k.set(g, ok === 'never' ? 0 : k.get(g)! - 1);
        changed = true;
      }
    }
    for (const [g, n] of k) if (n === 0) k.delete(g);
    this.inv = { align: k, constants };
    this.logInvariants(env);
    return this.inv;
  }

  private logInvariants(env: SideEnv): void {
    const { align, constants } = this.inv!;
    if (align.size === 0 && constants.size === 0) return;
    const names = this.globalNames(env);
    const facts = [...align].map(([g, n]) => `${names.get(g) ?? g} is a multiple of ${2 ** n}`);
    if (constants.size > 0) facts.push(`${constants.size} global${constants.size > 1 ? 's' : ''} never written (${[...constants.keys()].map((g) => names.get(g) ?? g).join(', ')})`);
    this.opts.log?.(`verify: module invariants: ${facts.join('; ')}`);
  }

  /** Whether `src` keeps the invariants `k` of the globals in `written` (true), may not (false), or cannot be analysed ('never'). */
  private async preserves(src: FunctionSource, written: string[], k: Map<string, number>, constants: Map<string, GlobalValue>,
    mutable: { key: string; type: ValType }[], shape: Shape): Promise<true | false | 'never'> {
    try {
      const b = new Smt();
      const inputs = new Inputs(b, src.type.params, mutable, shape);
      inputs.invariants = k;
      inputs.constants = constants;
      const out = new FunctionEncoder(b, inputs, { exactFloats: false, exactBulk: false, inlineCalls: false, inlineBudget: 0 }).encode(src);
      const keep = b.and(...written.map((g) => inputs.invariant(g, out.state[inputs.slot(g)])));
      const broken = b.not(keep);
      const query = b.and(inputs.preconditions(varsOf(broken)), ...inputs.callFacts(out.calls), broken);
      if (query === b.F) return true;
      const q = toSmtLib(b, [query]);
      const r = await solve(q.text, [], this.opts.timeoutMs, q.floats);
      return r.status === 'unsat' ? true : false;
    } catch (e) {
      return e instanceof Unsupported ? 'never' : false;
    }
  }

  private decide(v: Verdict): 'proven' | 'reverted' | 'unverified' {
    if (v.status === 'proven') return 'proven';
    if (v.status === 'disproven' || this.opts.strict) return 'reverted';
    return 'unverified';
  }

  // ---- function passes ----

  snapshotFunction(f: Func): FuncSnapshot {
    const m = this.m;
    const clean = !(f.tree && f.dirty);
    return {
      bytes: entryBytes(m, f), code: f.code, clean, locals: f.locals.slice(), hasPops: f.hasPops,
      customs: m.customs.map((c) => ({ c, payload: c.payload, origin: c.origin })), customList: m.customs.slice(),
    };
  }

  private restoreFunction(f: Func, s: FuncSnapshot): void {
    f.tree = null;
    f.code = s.clean ? s.code : s.bytes;
    f.locals = s.locals;
    f.hasPops = s.hasPops;
    f.dirty = false;
    this.m.customs = s.customList;
    for (const x of s.customs) {
      x.c.payload = x.payload;
      x.c.origin = x.origin;
    }
    this.cx.forget(f);
  }

  /** After a function pass changed `f`: proves the change, or reverts it. */
  async afterFunctionPass(pass: string, f: Func, snap: FuncSnapshot): Promise<'proven' | 'reverted' | 'unverified'> {
    const m = this.m;
    const view = liveView(m);
    this.bodies.clear();
    let env: SideEnv;
    // callees: their current bodies (the function itself is never executed in place: recursion)
    env = this.env(view, (g) => (g === f ? null : this.calleeBody(g, entryBytes(m, g), view, env)));
    let v: Verdict;
    try {
      const pre = this.decode(f, snap.bytes, view, env);
      const post: FunctionSource = { key: this.key(f), tree: f.tree!, locals: f.locals, type: m.types[f.type], hasPops: f.hasPops, env };
      const o: PairOptions = { timeoutMs: this.opts.timeoutMs, mutableGlobals: this.mutableGlobals(env), shape: view.shape,
        globalNames: this.globalNames(env),
      };
      o.invariants = () => this.invariants(view, env, (g) => (g === f ? snap.bytes : entryBytes(m, g)));
      v = await verifyPair(pre, post, o);
    } catch (e) {
      v = { status: 'error', reason: e instanceof Error ? e.message : String(e), counterexample: null, ms: 0, level: 0 };
    }
    const d = this.decide(v);
    if (d === 'reverted') this.restoreFunction(f, snap);
    this.record(pass, f, v, d === 'reverted' ? 'reverted' : 'kept');
    return d;
  }

  // ---- module passes ----

  snapshotModule(): ModuleSnapshot {
    const m = this.m;
    const funcs = new Map<Func, FuncSnapshot>();
    for (const f of m.funcs) funcs.set(f, this.snapshotFunction(f));
    this.constantsStale = true;
    return { view: frozenView(m), funcs, bytes: encodeModule(m), roots: rootFunctions(m) };
  }

  /**
   * Defined functions that could never run before a module pass: not reached from the roots
   * through `call`, `return_call` or `ref.func` in the bodies of functions that can run (the
   * argument of dead-functions). A pass may give such a function any body (dead-tables-globals
   * does, `unreachable`, when the body names something it removes): no execution can tell.
   */
  private unreachableBefore(snap: ModuleSnapshot, env: SideEnv): Set<Func> {
    const view = snap.view;
    const nImp = view.imports.filter((x) => x.desc.kind === 'func').length;
    const live = new Set<number>();
    const work = snap.roots.slice();
    while (work.length > 0) {
      const i = work.pop()!;
      if (live.has(i)) continue;
      live.add(i);
      const f = view.funcs[i - nImp];
      const s = f ? snap.funcs.get(f) : undefined;
      if (!f) continue;
      if (!s) return new Set(); // a function the snapshot does not have: assume all can run
      let tree: Expr;
      try {
        tree = this.decode(f, s.bytes, view, env).tree;
      } catch {
        return new Set();
      }
      const stack: Expr[] = [tree];
      while (stack.length > 0) {
        const e = stack.pop()!;
        if (e.op === O.call || e.op === O.return_call || e.op === O.ref_func) work.push(e.index);
        for (const x of e.kids) stack.push(x);
        for (const x of e.body) stack.push(x);
        if (e.alt) for (const x of e.alt) stack.push(x);
      }
    }
    return new Set(view.funcs.filter((_, k) => !live.has(k + nImp)));
  }

  /** After a module pass: checks every function whose bytes changed; reverts what is disproven. */
  async afterModulePass(pass: string, snap: ModuleSnapshot): Promise<PassVerifyCounts> {
    const m = this.m;
    this.bodies.clear();
    const counts: PassVerifyCounts = { proven: 0, reverted: 0, unverified: 0 };
    const before = snap.view;
    const after = liveView(m);
    const sameSpaces = sameList(before.funcs, after.funcs) && sameList(before.imports, after.imports) &&
      sameList(before.globals, after.globals) && before.types.every((t, i) => t === after.types[i]) &&
      sameList(before.ctx.funcTypes, after.ctx.funcTypes); // a signature change (dead-arguments) binds callers to callee
    // callees at level 2: the pre-pass version on both sides
    const preBody = (g: Func): FunctionSource | null => {
      const s = snap.funcs.get(g);
      return s ? this.calleeBody(g, s.bytes, before, preEnv) : this.calleeBody(g, entryBytes(m, g), after, postEnv);
    };
    // functions whose signature the pass changed (dead-arguments): the post side calls their new
    // version, executed from its new body, under a key of its own
    const resig = new Set<Func>();
    if (!sameList(before.ctx.funcTypes, after.ctx.funcTypes)) {
      const existed = new Set(before.funcs);
      for (const f of m.funcs) {
        if (existed.has(f) && !sameSig(before.types[funcTypeIn(before, f)], after.types[funcTypeIn(after, f)])) resig.add(f);
      }
    }
    const preEnv: SideEnv = this.env(before, preBody);
    const postEnv: SideEnv = this.env(after,
      (g) => (resig.has(g) ? this.calleeBody(g, entryBytes(m, g), after, postEnv) : preBody(g)), resig);
    const changed: [Func, FuncSnapshot, Uint8Array][] = [];
    for (const f of m.funcs) {
      const s = snap.funcs.get(f);
      if (!s) continue; // a new function: nothing to compare with
      const now = entryBytes(m, f);
      if (!sameBytes(now, s.bytes)) changed.push([f, s, now]);
    }
    const reverts: [Func, FuncSnapshot][] = [];
    const verdicts: [Func, Verdict, 'proven' | 'reverted' | 'unverified'][] = [];
    let dead: Set<Func> | null = null;
    for (const [f, s, now] of changed) {
      let v: Verdict;
      try {
        const pre = this.decode(f, s.bytes, before, preEnv);
        const post = this.decode(f, now, after, postEnv);
        const o: PairOptions = {
          timeoutMs: this.opts.timeoutMs, mutableGlobals: this.mutableGlobals(preEnv, postEnv), shape: after.shape,
          globalNames: this.globalNames(postEnv),
        };
        o.invariants = () => this.invariants(before, preEnv, (g) => snap.funcs.get(g)?.bytes ?? entryBytes(m, g));
        v = await verifyPair(pre, post, o);
      } catch (e) {
        v = { status: 'error', reason: e instanceof Error ? e.message : String(e), counterexample: null, ms: 0, level: 0 };
      }
      // not proven: is it a function that can never run (decoding every body only then)?
      if (v.status !== 'proven' && (dead ??= this.unreachableBefore(snap, preEnv)).has(f)) {
        v = { status: 'proven', reason: 'the function can never run (unreachable from exports, start, tables and references)',
          counterexample: null, ms: v.ms, level: 0 };
      }
      const d = this.decide(v);
      verdicts.push([f, v, d]);
      if (d === 'reverted') reverts.push([f, s]);
    }
    if (reverts.length > 0 && !sameSpaces) {
      // the pass renumbered functions, globals or types, or changed signatures: its changes can
      // only be undone together
      const restored = decodeModule(snap.bytes);
      const features = m.features;
      Object.assign(m, restored);
      m.features = features;
      this.cx.moduleChanged();
      this.inv = null; // new entities, new keys
      for (const [f, v] of verdicts) {
        this.recordFor(pass, f, v, 'reverted', before);
        counts.reverted++;
      }
      this.opts.log?.(`verify: ${pass}: the whole pass was undone (it renumbered the module, so one function's change cannot be reverted alone)`);
      return counts;
    }
    for (const [f, s] of reverts) this.restoreFunction(f, s);
    for (const [f, v, d] of verdicts) {
      this.record(pass, f, v, d === 'reverted' ? 'reverted' : 'kept');
      counts[d]++;
    }
    return counts;
  }

  private recordFor(pass: string, f: Func, v: Verdict, action: 'kept' | 'reverted', view: View): void {
    const i = view.funcs.indexOf(f);
    const index = i < 0 ? -1 : view.imports.filter((x) => x.desc.kind === 'func').length + i;
    this.records.push({ pass, func: index, name: null, status: v.status, action, reason: v.reason, ms: v.ms, counterexample: v.counterexample });
    this.opts.log?.(`verify: ${pass}: func[${index}]: ${v.status}, reverted (${v.reason})`);
    if (v.counterexample) for (const line of v.counterexample.split('\n')) this.opts.log?.(`  ${line}`);
  }
}

// ---- reporting --------------------------------------------------------------------------------

/** The --stats lines about verification: totals, then one line per changed function. */
export function formatVerification(records: readonly VerifyRecord[]): string[] {
  const lines: string[] = [];
  const count = (rs: readonly VerifyRecord[], f: (r: VerifyRecord) => boolean) => rs.filter(f).length;
  const proven = (r: VerifyRecord) => r.status === 'proven';
  const reverted = (r: VerifyRecord) => r.action === 'reverted';
  const unverified = (r: VerifyRecord) => r.status !== 'proven' && r.action === 'kept';
  lines.push(`verification: ${records.length} changes checked: ${count(records, proven)} proven, ` +
    `${count(records, reverted)} reverted, ${count(records, unverified)} unverified`);
  const byFunc = new Map<string, VerifyRecord[]>();
  for (const r of records) {
    const label = r.name ?? `func[${r.func}]`;
    let l = byFunc.get(label);
    if (!l) byFunc.set(label, (l = []));
    l.push(r);
  }
  for (const [label, rs] of byFunc) {
    const passes = rs.map((r) => r.pass).join(', ');
    const p = count(rs, proven);
    if (p === rs.length) {
      lines.push(`  ${label}: ${rs.length === 1 ? 'its change' : `all ${rs.length} changes`} proven (${passes})`);
      continue;
    }
    const rest = rs.filter((r) => !proven(r)).map((r) => `${r.pass}: ${r.status}${r.action === 'reverted' ? ', reverted' : ''} (${r.reason})`);
    lines.push(`  ${label}: ${p} of ${rs.length} changes proven; ${rest.join('; ')}`);
  }
  return lines;
}

/** Checks the conjunction of `asserts` with Z3 (for tests of the encoding): 'sat', 'unsat' or 'unknown'. */
export async function checkTerms(b: Smt, asserts: Term[], timeoutMs = 10000): Promise<SolveResult['status']> {
  const conj = b.and(...asserts);
  if (conj === b.F) return 'unsat';
  const q = toSmtLib(b, [conj]);
  return (await solve(q.text, [], timeoutMs, q.floats)).status;
}
