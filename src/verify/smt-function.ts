// The SMT encoding of function bodies, for translation validation (verify/translation-validation.ts).
//
// A function body (an expression tree, ir/expr.ts) is executed symbolically into bit-vector
// terms: one pass over the tree in execution order, with a path condition `pc` and one machine
// state (locals, mutable globals, memories, memory sizes, the world); control-flow joins merge
// the states of the edges that reach a label with if-then-else terms (no path enumeration, so
// the formula grows linearly with the code). The result is an `Outcome`: how the function ends
// (returns, or which trap) and, at that point, its results, globals, memories, memory sizes and
// world. Two outcomes over the same inputs are compared by `equivalence`.
//
// The model, and what it abstracts:
//
// - Exact: i32/i64 arithmetic, comparisons, shifts, rotations, clz/ctz/popcnt, extensions and
//   wrap, select, locals, globals, structured acyclic control flow (block, if, br, br_if,
//   br_table, return; a `loop` no branch targets is a block), and traps as outcomes with their
//   kind: unreachable, integer divide by zero, integer overflow, out-of-bounds memory access,
//   invalid conversion to integer. A trap ends the function with the memory and globals of that
//   moment, which the host can see, so a store moved across a trapping instruction is caught.
// - Endless loops (`isEndlessLoop`: no way out, never falls through, nothing observable inside,
//   such as a Rust panic's `(loop $l (br $l))`): entering one ends the function with the outcome
//   kind DIVERGES (not a trap, compared like one: the same inputs must diverge on both sides,
//   after the same calls, with the same state).
// - Linear memory: an SMT array from 32-bit addresses to bytes per memory, loads and stores of
//   every width little-endian, byte by byte. The size in pages is a free input (between the
//   declared minimum and maximum); an access traps iff its effective address + width exceeds
//   size * 65536 (computed in 64 bits). memory.fill/copy/init of a constant length up to 64 are
//   exact store chains; of other lengths, an uninterpreted function of their operands at the
//   first level and an exact array lambda at the second. memory.grow may fail for reasons
//   outside the module (the host): whether it succeeds is an uninterpreted function of the
//   world; when it does, the size grows and the new pages are 0.
// - Tables are arrays of references with a size, like memories (table.get/set/size/grow/fill/
//   copy/init); data and element segments have unknown contents (the same on both sides) and a
//   dropped flag in the state (data.drop, elem.drop); call_indirect is a call whose callee the
//   world and the table decide.
// - Calls (imports, call_indirect, and defined functions at the first level) are uninterpreted:
//   a call maps (callee, world, the whole module state: mutable globals, memories and their
//   sizes, tables and their sizes, segment dropped flags; arguments) to a new world, and the
//   results, the trap kind (0 = returned; a callee's trap or non-termination is an outcome of
//   its own) and the module state after the call are uninterpreted functions of that new world.
//   Two calls agree only when they are the same callee with the same arguments in the same
//   state, in the same order (the world is threaded), so the call sequence is compared. At the
//   second level, calls to defined functions that are loop-free are encoded by executing the
//   callee's body (so the inliner's changes are proven); others stay uninterpreted. Module
//   invariants (Inputs.invariants and .constants: a private global's alignment, or its value when
//   nothing writes it) are assumed at entry and after a call that started in a state where they hold.
// - Floats are bit patterns (BV32/BV64). abs, neg, copysign, reinterpret, loads, stores,
//   constants and select are exact bit operations at every level. At the first level every
//   other float instruction (arithmetic, comparisons, conversions, truncations and their traps)
//   is an uninterpreted function of its operands' bits. What this implies: at that level a
//   change is proven only if, wherever it touches float code, both sides apply the same float
//   instructions, in the same data flow, to operands that are provably the same bits — the
//   float computation must be syntactically identical up to equal operands (integer code,
//   locals, control flow and the order of independent operations around it may change
//   freely). Any other change to float code (a < b -> b > a, trunc(convert(x)) -> x) gets no
//   proof there; it goes to the second level, where floats use the SMT floating-point theory
//   (IEEE 754 binary32/64, round to nearest even): comparisons, min/max (with wasm's -0 < +0),
//   rounding, conversions, trapping and saturating truncations are exact; a NaN result is an
//   uninterpreted NaN-valued function of the instruction and its operand bits (wasm makes NaN
//   bits nondeterministic; this demands both sides produce the same NaN from the same
//   computation, so x * 1.0 -> x or x + -0.0 -> x, which can change NaN bits, are not proven;
//   the other way round, it treats NaN bits as deterministic, as engines are, so a change that
//   computes one float operation twice where it was computed once is not told apart).
// - References (funcref/externref) are opaque 32-bit values: null is 0, ref.func is a constant
//   per function.
// - Stack code that is not a tree (`pop` operands, values left below a statement, multi-value
//   blocks and calls) is executed on the same value stack as everything else.
// - Unsupported (the function is not verified): other loops that loop (a branch to a loop label),
//   SIMD except v128 constants/loads/stores/locals, atomics, accesses to a shared memory
//   (other threads), formulas over 400,000 terms.
//
// The terms (verify/smt.ts) are hash-consed and simplified on construction, so the parts of the
// two functions a pass did not change become the same terms, and the query often reduces to
// `false` before a solver is involved. Numeric instructions are in verify/smt-numeric.ts.
// Nothing here recurses on the tree.

import { Expr, labelTypes } from '../ir/expr.js';
import type { ConstExpr, Limits } from '../ir/module.js';
import { accessBits, Eff, O, OPS, op as opId } from '../ir/opcodes.js';
import type { FuncType, Type, ValType } from '../ir/types.js';
import { BOOL, MEM, TABLE, Unsupported, WORLD, type Smt, type Sort, type Term } from './smt.js';
import { DIVERGES, NumericEncoder, sortOf, TRAP } from './smt-numeric.js';

function sigKey(t: FuncType): string {
  return `${t.params.join('.')}>${t.results.join('.')}`;
}

// ---- what the encoder needs to know about a module -----------------------------------------------

export interface GlobalInfo {
  /** Stable across the two sides of a comparison (imports by name, definitions by identity). */
  key: string;
  type: ValType;
  mutable: boolean;
  /** The initializer of a defined global, or null for an import. */
  init: ConstExpr | null;
}

/** A global's constant value: bits of a number or null reference, or a reference to a function (by key). */
export type GlobalValue = { bits: bigint; width: number } | { func: string };

/** A body to execute: the function's tree, its locals and signature, and the module it lives in. */
export interface FunctionSource {
  key: string;
  tree: Expr;
  /** Declared locals (not params). */
  locals: readonly ValType[];
  type: FuncType;
  hasPops: boolean;
  env: SideEnv;
}

/** One side's module: index spaces, mapped to keys shared by both sides. */
export interface SideEnv {
  types: readonly FuncType[];
  /** Signature of function `i` of the index space (imports first). */
  funcType(i: number): FuncType;
  /** Stable key of function `i` (imports by name, definitions by identity). */
  funcKey(i: number): string;
  /** Whether function `i` is defined in the module (not an import). */
  isDefined(i: number): boolean;
  /** The body of defined function `i`, for the second level (null for imports, or when it cannot be read). */
  body(i: number): FunctionSource | null;
  globals: readonly GlobalInfo[];
  shape: Shape;
}

/** The module's stateful entities other than globals (compared by index on the two sides). */
export interface Shape {
  memories: readonly Limits[];
  tables: readonly Limits[];
  /** Byte length of each data segment. */
  dataLens: readonly number[];
  /** Item count of each element segment. */
  elemLens: readonly number[];
}

export function sameShape(a: Shape, b: Shape): boolean {
  const lim = (x: readonly Limits[], y: readonly Limits[]) =>
    x.length === y.length && x.every((l, i) => l.min === y[i].min && l.max === y[i].max);
  const num = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((n, i) => n === y[i]);
  return lim(a.memories, b.memories) && lim(a.tables, b.tables) && num(a.dataLens, b.dataLens) && num(a.elemLens, b.elemLens);
}

export interface EncodeOptions {
  /** Floats in the floating-point theory (else uninterpreted functions of the bits). */
  exactFloats: boolean;
  /** Execute loop-free defined callees (else calls are uninterpreted). */
  inlineCalls: boolean;
  /** Most tree nodes executed in inlined callees (beyond it: Unsupported). */
  inlineBudget: number;
  /** Bulk memory/table operations of variable length as array lambdas (else uninterpreted). */
  exactBulk: boolean;
}

/** How a function ends, and the state it leaves. */
export interface Outcome {
  /** BV8: 0 = returned, else the trap kind (see TRAP; 0x80 and up: a call trapped or did not return). */
  kind: Term;
  results: Term[];
  /** The module state: mutable globals, memories, sizes... (see Inputs for the layout). */
  state: Term[];
  world: Term;
  /** An uninterpreted float instruction or defined-function call was used (a counterexample may be spurious). */
  abstracted: boolean;
  /** A call to a defined function stayed uninterpreted (its body could not be executed). */
  opaqueCall: boolean;
  /** The mutable globals before and after each uninterpreted call (see Inputs.callFacts). */
  calls: { before: Term[]; after: Term[] }[];
}

/**
 * The shared inputs of the two sides: the names both encodings read their initial state from,
 * and the layout of the module state, one vector of terms: mutable globals (by key, in a fixed
 * order), memories, memory sizes in pages, tables, table sizes, then the dropped flags of the
 * data and element segments.
 */
export class Inputs {
  /** Keys of the mutable globals of either side, in a fixed order: the state's global slots. */
  readonly slots: string[] = [];
  readonly slotTypes: ValType[] = [];
  private slotOf = new Map<string, number>();
  private refs = new Map<string, number>();
  /** Offsets of each kind in the state vector. */
  readonly MEM: number;
  readonly PAGES: number;
  readonly TAB: number;
  readonly TSIZE: number;
  readonly DDROP: number;
  readonly EDROP: number;
  readonly size: number;
  readonly memories: readonly Limits[];

  /**
   * Module invariants: global key -> k, "the global's low k bits are 0" (a stack pointer's
   * alignment; see PassVerifier.invariants). Assumed at entry, and after a call that started
   * in a state where they hold.
   */
  invariants = new Map<string, number>();
  /**
   * Module invariants: global key -> the value a private global never changes from (no function
   * writes it; see PassVerifier.invariants). Assumed like the alignments.
   */
  constants = new Map<string, GlobalValue>();

  constructor(readonly b: Smt, readonly params: readonly ValType[], mutable: { key: string; type: ValType }[], readonly shape: Shape) {
    const sorted = [...mutable].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
    for (const g of sorted) {
      if (this.slotOf.has(g.key)) continue;
      this.slotOf.set(g.key, this.slots.length);
      this.slots.push(g.key);
      this.slotTypes.push(g.type);
    }
    this.memories = shape.memories;
    this.MEM = this.slots.length;
    this.PAGES = this.MEM + shape.memories.length;
    this.TAB = this.PAGES + shape.memories.length;
    this.TSIZE = this.TAB + shape.tables.length;
    this.DDROP = this.TSIZE + shape.tables.length;
    this.EDROP = this.DDROP + shape.dataLens.length;
    this.size = this.EDROP + shape.elemLens.length;
  }

  slot(key: string): number {
    const s = this.slotOf.get(key);
    if (s === undefined) throw new Error(`internal: global ${key} has no slot`);
    return s;
  }

  /** Name and sort of state component i (its input variable; `after.<name>` after a call). */
  component(i: number): { name: string; sort: Sort } {
    if (i < this.MEM) return { name: `g.${this.slots[i]}`, sort: sortOf(this.slotTypes[i]) };
    if (i < this.PAGES) return { name: `mem${i - this.MEM}`, sort: MEM };
    if (i < this.TAB) return { name: `pages${i - this.PAGES}`, sort: 32 };
    if (i < this.TSIZE) return { name: `table${i - this.TAB}`, sort: TABLE };
    if (i < this.DDROP) return { name: `tsize${i - this.TSIZE}`, sort: 32 };
    if (i < this.EDROP) return { name: `dropped.data${i - this.DDROP}`, sort: BOOL };
    return { name: `dropped.elem${i - this.EDROP}`, sort: BOOL };
  }

  /** The initial module state. */
  initial(): Term[] {
    const out: Term[] = [];
    for (let i = 0; i < this.size; i++) {
      const c = this.component(i);
      out.push(this.b.var(c.name, c.sort));
    }
    return out;
  }

  /** The reference to a function (by key): a distinct nonzero constant per function. */
  funcRef(key: string): Term {
    let n = this.refs.get(key);
    if (n === undefined) this.refs.set(key, (n = this.refs.size + 1));
    return this.b.bv(n, 32);
  }

  param(i: number): Term {
    return this.b.var(`p${i}`, sortOf(this.params[i]));
  }
  /** An unknown constant global (an import, or an initializer outside the model). */
  global(key: string, t: ValType): Term {
    return this.b.var(`g.${key}`, sortOf(t));
  }
  /** The contents of data segment k (bytes) or element segment k (references): unknown, the same on both sides. */
  data(k: number): Term {
    return this.b.var(`data${k}`, MEM);
  }
  elem(k: number): Term {
    return this.b.var(`elem${k}`, TABLE);
  }
  world(): Term {
    return this.b.var('world', WORLD);
  }

  /**
   * What the module invariants say about calls: every function preserves them (that is how
   * they were proven), so if they hold when a call starts, they hold when it ends.
   */
  callFacts(calls: { before: Term[]; after: Term[] }[]): Term[] {
    const b = this.b;
    if (this.invariants.size === 0 && this.constants.size === 0) return [];
    const all = (vals: Term[]) => b.and(...vals.map((v, i) => this.invariant(this.slots[i], v)));
    return calls.map((c) => b.implies(all(c.before), all(c.after))).filter((t) => t !== b.T);
  }

  /** The invariant of global `key` on its value `v` (true when it has none). */
  invariant(key: string, v: Term): Term {
    const b = this.b;
    const k = this.invariants.get(key);
    const c = this.constant(key);
    const facts: Term[] = [];
    if (k !== undefined && k > 0 && v.sort > 0) facts.push(b.eq(b.extract(k - 1, 0, v), b.bv(0, k)));
    if (c !== null && c.sort === v.sort) facts.push(b.eq(v, c));
    return b.and(...facts);
  }

  /** The value of a global that never changes (see `constants`), or null. */
  constant(key: string): Term | null {
    const c = this.constants.get(key);
    if (c === undefined) return null;
    return 'func' in c ? this.funcRef(c.func) : this.b.bv(c.bits, c.width);
  }

  /**
   * Facts about the inputs the query mentions (`used`: variable names): memory and table sizes
   * are within their limits; globals satisfy the module invariants.
   */
  preconditions(used: Set<string>): Term {
    const b = this.b;
    const facts: Term[] = [];
    this.slots.forEach((key, j) => {
      if (used.has(`g.${key}`)) facts.push(this.invariant(key, b.var(`g.${key}`, sortOf(this.slotTypes[j]))));
    });
    this.shape.memories.forEach((lim, k) => {
      if (!used.has(`pages${k}`)) return;
      const s = b.var(`pages${k}`, 32);
      facts.push(b.cmp('bvule', b.bv(lim.min, 32), s));
      facts.push(b.cmp('bvule', s, b.bv(Math.min(lim.max ?? 65536, 65536), 32)));
    });
    this.shape.tables.forEach((lim, k) => {
      if (!used.has(`tsize${k}`)) return;
      const s = b.var(`tsize${k}`, 32);
      facts.push(b.cmp('bvule', b.bv(lim.min, 32), s));
      if (lim.max !== null) facts.push(b.cmp('bvule', s, b.bv(lim.max, 32)));
    });
    return b.and(...facts);
  }
}

// ---- the symbolic executor ----------------------------------------------------------------------

/** The machine state on one path: locals of the running activation, and the module state. */
interface MState {
  locals: Term[];
  /** The module state vector (see Inputs). */
  s: Term[];
  world: Term;
}

/** A way into a label: under guard `g`, with state `st`, carrying `vals`. */
interface Edge {
  g: Term;
  st: MState;
  vals: Term[];
}

/** A running body (the function, or a callee executed in place of its call). */
interface Activation {
  src: FunctionSource;
  labels: Map<Expr, Edge[]>;
}

function copyState(s: MState): MState {
  return { locals: s.locals.slice(), s: s.s.slice(), world: s.world };
}

const T_EVAL = 0;
const T_APPLY = 1;
const T_END = 2;
const T_ELSE = 3;
const T_RET = 4;

class Task {
  base = 0;
  act: Activation | null = null;
  saved: { pc: Term; st: MState } | null = null;
  params: Term[] | null = null;
  cond: Term | null = null;
  callerLocals: Term[] | null = null;
  tail = false;
  constructor(readonly k: number, readonly e: Expr) {}
}

const LOAD_STORE = /^(i32|i64|f32|f64)\.(load|store)(8|16|32)?(_[su])?$/;

const reasons = new WeakMap<Expr, { reason: string | null; nodes: number }>();

/**
 * Why a body cannot be encoded (null when it can). `stable`: the tree is a private copy that
 * nothing mutates (a callee decoded for the verifier), so the answer may be cached.
 */
export function unsupportedReason(src: FunctionSource, stable = false): string | null {
  return scan(src.tree, stable).reason;
}

function scan(tree: Expr, stable: boolean): { reason: string | null; nodes: number } {
  const hit = stable ? reasons.get(tree) : undefined;
  if (hit) return hit;
  let reason: string | null = null;
  let nodes = 0;
  const stack: Expr[] = [tree];
  while (stack.length > 0) {
    const e = stack.pop()!;
    nodes++;
    if (e.op === O.loop && isEndlessLoop(e)) {
      // executed as far as its entry (its operands), then the function diverges: its body is never encoded
      for (const k of e.kids) stack.push(k);
      continue;
    }
    if (e.target !== null && e.target.op === O.loop) reason = 'loop';
    if (e.targets !== null) for (const t of e.targets) if (t.op === O.loop) reason = 'loop';
    if (reason === null && !isSupportedOp(e.op)) reason = OPS[e.op].name;
    for (const k of e.kids) stack.push(k);
    for (const k of e.body) stack.push(k);
    if (e.alt) for (const k of e.alt) stack.push(k);
  }
  const r = { reason, nodes };
  if (stable) reasons.set(tree, r);
  return r;
}

/** What an endless loop may not do inside: anything observable, anything that may trap or leave. */
const NOT_ENDLESS = Eff.trap | Eff.writeMem | Eff.writeTable | Eff.writeLocal | Eff.writeGlobal | Eff.call | Eff.growMem | Eff.data;

/**
 * An endless loop: it can never be left and does nothing observable. Its body ends with a `br`
 * back to it (so it never falls through), every branch inside targets the loop or a label
 * inside it (no way out: no `return`, no branch to an outer label), and nothing inside has an
 * effect or may trap (no calls, stores, global or local writes, memory growth, segment drops,
 * atomics; only reads, pure computations and branches). Entering it, the function diverges:
 * an outcome of its own (`DIVERGES`), with the state and world of that moment. The Rust panic
 * "abort" `(loop $l (br $l))` is one. (Any loop meeting these conditions runs forever whatever
 * its values: they can only pick the inner path to the next branch, and no path leaves.)
 */
export function isEndlessLoop(loop: Expr): boolean {
  const body = loop.body;
  const last = body[body.length - 1];
  if (last === undefined || last.op !== O.br || last.target !== loop) return false;
  // a pre-order walk: the labels enclosing a branch (its only possible targets) are seen before it
  const inside = new Set<Expr>([loop]);
  const stack: Expr[] = body.slice();
  while (stack.length > 0) {
    const e = stack.pop()!;
    const info = OPS[e.op];
    if ((info.effects & NOT_ENDLESS) !== 0 || info.prefix === 0xfe || e.op === O.return) return false;
    if (e.op === O.block || e.op === O.loop || e.op === O.if) inside.add(e);
    if (e.target !== null && !inside.has(e.target)) return false;
    if (e.targets !== null) for (const t of e.targets) if (!inside.has(t)) return false;
    for (const k of e.kids) stack.push(k);
    for (const k of e.body) stack.push(k);
    if (e.alt) for (const k of e.alt) stack.push(k);
  }
  return true;
}

const SUPPORTED = new Set<number>();
{
  const names = [
    'unreachable', 'nop', 'block', 'loop', 'if', 'br', 'br_if', 'br_table', 'return', 'call', 'call_indirect',
    'return_call', 'return_call_indirect', 'drop', 'select', 'select_t', 'local.get', 'local.set', 'local.tee',
    'global.get', 'global.set', 'memory.size', 'memory.grow', 'memory.fill', 'memory.copy', 'memory.init', 'data.drop',
    'table.get', 'table.set', 'table.size', 'table.grow', 'table.fill', 'table.copy', 'table.init', 'elem.drop',
    'i32.const', 'i64.const', 'f32.const', 'f64.const', 'v128.const', 'v128.load', 'v128.store',
    'ref.null', 'ref.is_null', 'ref.func', 'pop',
  ];
  for (const n of names) SUPPORTED.add(opId(n));
  for (const o of OPS) {
    if (LOAD_STORE.test(o.name)) SUPPORTED.add(o.id);
    else if (o.prefix !== 0xfd && o.prefix !== 0xfe && o.params !== null && o.results !== null && o.imm === 0 &&
      /^(i32|i64|f32|f64)\./.test(o.name)) SUPPORTED.add(o.id);
  }
}

export function isSupportedOp(op: number): boolean {
  return SUPPORTED.has(op);
}

/** Executes function bodies into Outcomes over the shared `inputs`. One encoder per side. */
export class FunctionEncoder {
  private num: NumericEncoder;
  private pc: Term;
  private st!: MState;
  private vals: Term[] = [];
  private exits: { g: Term; code: Term; st: MState }[] = [];
  private act!: Activation;
  private acts: Activation[] = [];
  private tasks: Task[] = [];
  private abstracted = false;
  private opaqueCall = false;
  private calls: { before: Term[]; after: Term[] }[] = [];
  private inlined = 0;
  private globalInit = new Map<SideEnv, (Term | undefined)[]>();
  private normal: Edge | null = null;

  constructor(readonly b: Smt, readonly inputs: Inputs, readonly opts: EncodeOptions) {
    this.num = new NumericEncoder(b, opts.exactFloats);
    this.pc = b.T;
  }

  encode(src: FunctionSource): Outcome {
    const b = this.b;
    const why = unsupportedReason(src);
    if (why !== null) throw new Unsupported(why);
    const inp = this.inputs;
    if (!sameShape(src.env.shape, inp.shape)) throw new Unsupported('memories, tables or segments differ');
    const params = src.type.params;
    this.st = {
      locals: [...params.map((_, i) => inp.param(i)), ...src.locals.map((t) => b.bv(0, sortOf(t)))],
      s: inp.initial(),
      world: inp.world(),
    };
    this.enter(src, 0);
    this.run();
    const n = this.normal!;
    // Merge the exits per component, grouping the exits that leave the same term (most traps
    // leave the state as it was): one ite per distinct value instead of one per exit.
    const exits = this.exits;
    const pick = (normal: Term, get: (x: { code: Term; st: MState }) => Term): Term => {
      const groups = new Map<Term, Term[]>();
      for (const x of exits) {
        const v = get(x);
        if (v === normal) continue;
        let g = groups.get(v);
        if (g === undefined) groups.set(v, (g = []));
        g.push(x.g);
      }
      let r = normal;
      // the exits' guards are disjoint: the order is free, so a canonical one (see `end`)
      for (const [v, gs] of [...groups].sort((x, y) => x[0].id - y[0].id)) r = b.ite(b.or(...gs), v, r);
      return r;
    };
    const kind = pick(b.bv(0, 8), (x) => x.code);
    const results = n.vals.slice();
    const state = n.st.s.map((t, j) => pick(t, (x) => x.st.s[j]));
    const world = pick(n.st.world, (x) => x.st.world);
    return { kind, results, state, world, abstracted: this.abstracted || this.num.abstracted, opaqueCall: this.opaqueCall, calls: this.calls };
  }

  /** Starts executing `src`'s body (its locals are already in the state). */
  private enter(src: FunctionSource, base: number): void {
    const act: Activation = { src, labels: new Map([[src.tree, []]]) };
    this.acts.push(act);
    this.act = act;
    const end = new Task(T_END, src.tree);
    end.base = base;
    end.act = act;
    this.tasks.push(end);
    this.pushList(src.tree.body);
  }

  private pushList(list: readonly Expr[]): void {
    for (let i = list.length - 1; i >= 0; i--) this.tasks.push(new Task(T_EVAL, list[i]));
  }

  private zeros(t: Type): Term[] {
    return t.map((v) => this.b.bv(0, sortOf(v)));
  }

  private run(): void {
    const tasks = this.tasks;
    while (tasks.length > 0) {
      const t = tasks.pop()!;
      switch (t.k) {
        case T_EVAL: {
          if (t.e.op === O.pop) break; // its value is already on the stack, below the parent's base
          tasks.push(new Task(T_APPLY, t.e));
          const kids = t.e.kids;
          for (let i = kids.length - 1; i >= 0; i--) tasks.push(new Task(T_EVAL, kids[i]));
          break;
        }
        case T_APPLY: {
          // the operands are the values the kids leave (a `pop` kid's value was left earlier)
          let n = 0;
          for (const k of t.e.kids) n += k.type.length;
          const args = this.vals.splice(Math.max(0, this.vals.length - n));
          if (this.pc === this.b.F) {
            this.vals.push(...this.zeros(t.e.type));
            break;
          }
          this.apply(t.e, args);
          break;
        }
        case T_ELSE: this.elseArm(t); break;
        case T_END: this.end(t); break;
        case T_RET: {
          this.acts.pop();
          this.act = t.act!;
          this.st.locals = t.callerLocals!;
          if (t.tail) {
            const n = this.act.src.type.results.length;
            const res = this.vals.splice(this.vals.length - n);
            this.edge(this.act.src.tree, this.pc, res);
            this.pc = this.b.F;
          }
          break;
        }
      }
    }
  }

  // ---- control ----

  private edge(target: Expr, g: Term, vals: Term[]): void {
    if (g === this.b.F) return;
    const list = this.act.labels.get(target);
    if (list === undefined) throw new Error('internal: branch to a label that is not open');
    list.push({ g, st: copyState(this.st), vals });
  }

  private trap(cond: Term, code: Term): void {
    const g = this.b.and(this.pc, cond);
    if (g === this.b.F) return;
    const s = this.st;
    this.exits.push({ g, code, st: { locals: [], s: s.s.slice(), world: s.world } });
    this.pc = this.b.and(this.pc, this.b.not(cond));
  }

  private openLabel(e: Expr, params: Term[], list: readonly Expr[], task: Task): void {
    this.act.labels.set(e, []);
    task.base = this.vals.length;
    task.act = this.act;
    this.tasks.push(task);
    this.vals.push(...params);
    this.pushList(list);
  }

  private elseArm(t: Task): void {
    const e = t.e;
    const n = e.type.length;
    const b = this.b;
    if (this.pc !== b.F) t.act!.labels.get(e)!.push({ g: this.pc, st: this.st, vals: this.vals.slice(this.vals.length - n) });
    this.vals.length = t.base;
    const saved = t.saved!;
    this.pc = b.and(saved.pc, b.not(t.cond!));
    this.st = saved.st;
    const end = new Task(T_END, e);
    end.base = t.base;
    end.act = t.act;
    this.tasks.push(end);
    this.vals.push(...t.params!);
    if (e.alt !== null) this.pushList(e.alt);
  }

  private end(t: Task): void {
    const e = t.e;
    const act = t.act!;
    const n = e.type.length;
    const b = this.b;
    const edges = act.labels.get(e)!;
    act.labels.delete(e);
    if (this.pc !== b.F) edges.push({ g: this.pc, st: this.st, vals: this.vals.slice(this.vals.length - n) });
    this.vals.length = t.base;
    // The guards of the edges are disjoint, and the merged values matter only where one of them
    // holds (elsewhere the path has already ended), so the order of the ite chain is free: by
    // guard, not by position, so that swapping the arms of an `if` (or reordering the ways into
    // a label) gives the same terms on both sides.
    const live = edges.filter((x) => x.g !== b.F).sort((x, y) => x.g.id - y.g.id);
    if (live.length === 0) {
      this.pc = b.F;
      this.vals.push(...this.zeros(e.type));
    } else if (live.length === 1) {
      this.pc = live[0].g;
      this.st = live[0].st;
      this.vals.push(...live[0].vals);
    } else {
      const gs = live.map((x) => x.g);
      this.pc = b.or(...gs);
      const pick = (get: (x: Edge) => Term): Term => {
        const last = live.length - 1;
        let r = get(live[last]);
        for (let i = last - 1; i >= 0; i--) r = b.ite(gs[i], get(live[i]), r);
        return r;
      };
      const s0 = live[0].st;
      this.st = {
        locals: s0.locals.map((_, i) => pick((x) => x.st.locals[i])),
        s: s0.s.map((_, i) => pick((x) => x.st.s[i])),
        world: pick((x) => x.st.world),
      };
      for (let i = 0; i < n; i++) this.vals.push(pick((x) => x.vals[i]));
    }
    if (e === act.src.tree && this.acts.length === 1 && act === this.acts[0]) {
      // the function's own body: its normal return
      this.normal = { g: this.pc, st: this.st, vals: this.vals.slice(this.vals.length - n) };
    }
  }

  // ---- instructions ----

  private apply(e: Expr, args: Term[]): void {
    const b = this.b;
    const op = e.op;
    const env = this.act.src.env;
    const st = this.st;
    const push = (t: Term): void => {
      this.vals.push(t);
    };
    switch (op) {
      case O.nop: case O.drop: return;
      case O.unreachable:
        this.trap(b.T, b.bv(TRAP.unreachable, 8));
        return;
      case O.loop:
        if (isEndlessLoop(e)) {
          // it runs forever: the function ends here, diverging, with the effects made so far
          this.trap(b.T, b.bv(DIVERGES, 8));
          this.vals.push(...this.zeros(e.type));
          return;
        }
        this.openLabel(e, args, e.body, new Task(T_END, e));
        return;
      case O.block:
        this.openLabel(e, args, e.body, new Task(T_END, e));
        return;
      case O.if: {
        const cond = b.not(b.eq(args[args.length - 1], b.bv(0, 32)));
        const params = args.slice(0, -1);
        const t = new Task(T_ELSE, e);
        t.saved = { pc: this.pc, st: copyState(st) };
        t.params = params;
        t.cond = cond;
        this.pc = b.and(this.pc, cond);
        this.openLabel(e, params, e.body, t);
        return;
      }
      case O.br: {
        const n = labelTypes(e.target!).length;
        this.edge(e.target!, this.pc, args.slice(args.length - n));
        this.pc = b.F;
        return;
      }
      case O.br_if: {
        const c = b.not(b.eq(args[args.length - 1], b.bv(0, 32)));
        const vals = args.slice(0, -1);
        const n = labelTypes(e.target!).length;
        const carried = vals.slice(vals.length - n);
        this.edge(e.target!, b.and(this.pc, c), carried);
        this.pc = b.and(this.pc, b.not(c));
        for (const v of vals.slice(vals.length - e.type.length)) push(v);
        return;
      }
      case O.br_table: {
        const idx = args[args.length - 1];
        const targets = e.targets!;
        const vals = args.slice(0, -1);
        const n = labelTypes(targets[0]).length;
        const carried = vals.slice(vals.length - n);
        const last = targets.length - 1;
        const conds = new Map<Expr, Term[]>();
        for (let i = 0; i < targets.length; i++) {
          const c = i < last ? b.eq(idx, b.bv(i, 32)) : b.cmp('bvule', b.bv(last, 32), idx);
          let l = conds.get(targets[i]);
          if (l === undefined) conds.set(targets[i], (l = []));
          l.push(c);
        }
        for (const [target, cs] of conds) this.edge(target, b.and(this.pc, b.or(...cs)), carried);
        this.pc = b.F;
        return;
      }
      case O.return: {
        const n = this.act.src.type.results.length;
        this.edge(this.act.src.tree, this.pc, args.slice(args.length - n));
        this.pc = b.F;
        return;
      }
      case O.call: case O.return_call:
        this.call(e, args, env, op === O.return_call);
        return;
      case O.call_indirect: case O.return_call_indirect: {
        const ft = env.types[e.index];
        const res = this.callUF(`call_indirect.${e.index2}.${sigKey(ft)}`, args, ft.results);
        this.afterCall(res, op === O.return_call_indirect);
        return;
      }
      case O.select: case O.select_t:
        push(b.ite(b.not(b.eq(args[2], b.bv(0, 32))), args[0], args[1]));
        return;
      case O.local_get:
        push(st.locals[e.index]);
        return;
      case O.local_set:
        st.locals[e.index] = args[0];
        return;
      case O.local_tee:
        st.locals[e.index] = args[0];
        push(args[0]);
        return;
      case O.global_get: {
        const g = env.globals[e.index];
        push(g.mutable ? st.s[this.inputs.slot(g.key)] : this.immutableGlobal(env, e.index));
        return;
      }
      case O.global_set:
        st.s[this.inputs.slot(env.globals[e.index].key)] = args[0];
        return;
      case O.i32_const: push(b.bv(e.value as number, 32)); return;
      case O.i64_const: push(b.bv(e.value as bigint, 64)); return;
      case O.f32_const: push(b.bv(e.value as number, 32)); return;
      case O.f64_const: push(b.bv(e.value as bigint, 64)); return;
      case O.v128_const: {
        const bytes = e.value as Uint8Array;
        let v = 0n;
        for (let i = 15; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
        push(b.bv(v, 128));
        return;
      }
      case O.ref_null: push(b.bv(0, 32)); return;
      case O.ref_is_null: push(this.num.b2i(b.eq(args[0], b.bv(0, 32)))); return;
      case O.ref_func: push(this.inputs.funcRef(env.funcKey(e.index))); return;
    }
    const name = OPS[op].name;
    const inp = this.inputs;
    const isAccess = name === 'v128.load' || name === 'v128.store' || LOAD_STORE.test(name);
    if (isAccess || name.startsWith('memory.')) {
      this.unshared(e.index);
      if (name === 'memory.copy') this.unshared(e.index2);
    }
    switch (name) {
      case 'memory.size': return push(st.s[inp.PAGES + e.index]);
      case 'memory.grow': return push(this.grow(e.index, args[0]));
      case 'memory.fill': return this.fill(e.index, args);
      case 'memory.copy': return this.copy(e.index, e.index2, args);
      // memory.init: index is the memory, index2 the data segment; table.init: index the table, index2 the element segment
      case 'memory.init': return this.init(inp.MEM + e.index, inp.PAGES + e.index, e.index2, args);
      case 'data.drop': st.s[inp.DDROP + e.index] = b.T; return;
      case 'table.get': {
        this.tableBounds(e.index, args[0], b.bv(1, 32));
        return push(b.select(st.s[inp.TAB + e.index], args[0]));
      }
      case 'table.set': {
        this.tableBounds(e.index, args[0], b.bv(1, 32));
        st.s[inp.TAB + e.index] = b.store(st.s[inp.TAB + e.index], args[0], args[1]);
        return;
      }
      case 'table.size': return push(st.s[inp.TSIZE + e.index]);
      case 'table.grow': return push(this.tableGrow(e.index, args[0], args[1]));
      case 'table.fill': {
        const [d, v, n] = args;
        this.tableBounds(e.index, d, n);
        const t = st.s[inp.TAB + e.index];
        st.s[inp.TAB + e.index] = this.bulk('table.fill', t, d, n, () => v, [d, v, n]);
        return;
      }
      case 'table.copy': {
        const [d, sIdx, n] = args;
        this.tableBounds(e.index, d, n);
        this.tableBounds(e.index2, sIdx, n);
        const from = st.s[inp.TAB + e.index2];
        const to = st.s[inp.TAB + e.index];
        st.s[inp.TAB + e.index] = this.bulk('table.copy', to, d, n, (i) => b.select(from, b.bvadd(sIdx, i)), [from, d, sIdx, n]);
        return;
      }
      case 'table.init': return this.init(inp.TAB + e.index, inp.TSIZE + e.index, -1 - e.index2, args);
      case 'elem.drop': st.s[inp.EDROP + e.index] = b.T; return;
    }
    if (isAccess) return this.memoryAccess(e, name, args);
    const r = this.num.encode(op, args);
    if (r === null) throw new Unsupported(name);
    if (r.trap !== null) this.trap(r.trap, r.code!);
    push(r.value);
  }

  private immutableGlobal(env: SideEnv, i: number): Term {
    let cache = this.globalInit.get(env);
    if (!cache) this.globalInit.set(env, (cache = []));
    const hit = cache[i];
    if (hit) return hit;
    const g = env.globals[i];
    let t: Term | null = null;
    if (g.init !== null && g.init.length === 1) {
      const c = g.init[0];
      const b = this.b;
      switch (c.op) {
        case O.i32_const: case O.f32_const: t = b.bv(c.value as number, 32); break;
        case O.i64_const: case O.f64_const: t = b.bv(c.value as bigint, 64); break;
        case O.ref_null: t = b.bv(0, 32); break;
        case O.ref_func: t = this.inputs.funcRef(env.funcKey(c.index)); break;
        case O.global_get: if (c.index < i && !env.globals[c.index].mutable) t = this.immutableGlobal(env, c.index); break;
      }
    }
    // anything else (an import, an extended constant expression): an unknown constant
    t ??= this.inputs.global(g.key, g.type);
    cache[i] = t;
    return t;
  }

  // ---- calls ----

  private call(e: Expr, args: Term[], env: SideEnv, tail: boolean): void {
    const i = e.index;
    const ft = env.funcType(i);
    const src = this.opts.inlineCalls && env.isDefined(i) ? env.body(i) : null;
    if (src !== null && this.canInline(src)) {
      // execute the callee in place: its locals replace the caller's until it returns
      const ret = new Task(T_RET, e);
      ret.act = this.act;
      ret.callerLocals = this.st.locals;
      ret.tail = tail;
      this.tasks.push(ret);
      this.st.locals = [...args, ...src.locals.map((t) => this.b.bv(0, sortOf(t)))];
      this.enter(src, this.vals.length);
      return;
    }
    if (env.isDefined(i)) this.abstracted = this.opaqueCall = true;
    const res = this.callUF(`call.${env.funcKey(i)}`, args, ft.results);
    this.afterCall(res, tail);
  }

  private afterCall(res: Term[], tail: boolean): void {
    if (!tail) {
      this.vals.push(...res);
      return;
    }
    this.edge(this.act.src.tree, this.pc, res);
    this.pc = this.b.F;
  }

  private canInline(src: FunctionSource): boolean {
    for (const a of this.acts) if (a.src.key === src.key) return false; // recursion: stays a call
    if (unsupportedReason(src, true) !== null) return false;
    this.inlined += scan(src.tree, true).nodes;
    if (this.inlined > this.opts.inlineBudget) {
      throw new Unsupported(`callees too large to execute (more than ${this.opts.inlineBudget} nodes)`);
    }
    return true;
  }

  /** An uninterpreted call: a new world from everything the callee can see; the rest follows from it. */
  private callUF(name: string, args: Term[], results: Type): Term[] {
    const b = this.b;
    const st = this.st;
    const w = b.app(name, [st.world, ...st.s, ...args], WORLD);
    const inp = this.inputs;
    const before = st.s.slice(0, inp.MEM);
    st.world = w;
    st.s = st.s.map((_, i) => {
      const c = inp.component(i);
      return b.app(`after.${c.name}`, [w], c.sort);
    });
    if (before.length > 0) this.calls.push({ before, after: st.s.slice(0, inp.MEM) });
    const res = results.map((t, r) => b.app(`after.result${r}.${sortOf(t)}`, [w], sortOf(t)));
    // a trap in the callee (or a callee that never returns): its kind, with the top bit set so
    // that it is never confused with a trap of this function's own instructions
    const code = b.app('after.trap', [w], 8);
    this.trap(b.not(b.eq(code, b.bv(0, 8))), b.bvor(code, b.bv(0x80, 8)));
    return res;
  }

  // ---- memory ----

  /**
   * The model is sequential: nothing but this function and its calls changes memory. Other
   * threads may write a shared memory between any two accesses (and the wasm memory model does
   * not allow every sequentially valid change there, e.g. reading a location twice where the
   * original read it once), so code that touches one is outside the model.
   */
  private unshared(k: number): void {
    if (this.inputs.memories[k]?.shared) throw new Unsupported('shared memory');
  }

  /** Bytes in memory `k` now, as a 64-bit value. */
  private byteSize(k: number): Term {
    const b = this.b;
    return b.bvshl(b.zext(32, this.st.s[this.inputs.PAGES + k]), b.bv(16, 64));
  }

  /** Traps unless [addr + offset, addr + offset + n) is inside memory `k`; returns the 32-bit address. */
  private bounds(k: number, addr: Term, offset: number, n: Term): Term {
    const b = this.b;
    const ea = b.bvadd(b.zext(32, addr), b.bv(offset, 64));
    const end = b.bvadd(ea, n.sort === 64 ? n : b.zext(32, n));
    this.trap(b.cmp('bvult', this.byteSize(k), end), b.bv(TRAP.memory, 8));
    return b.bvadd(addr, b.bv(offset, 32));
  }

  private memoryAccess(e: Expr, name: string, args: Term[]): void {
    const b = this.b;
    const k = e.index;
    const bits = accessBits(name);
    const n = bits / 8;
    const isLoad = name.includes('load');
    const a = this.bounds(k, args[0], e.offset, b.bv(n, 64));
    if (isLoad) {
      const mem = this.st.s[this.inputs.MEM + k];
      let v = b.select(mem, a);
      for (let i = 1; i < n; i++) v = b.concat(b.select(mem, b.bvadd(a, b.bv(i, 32))), v);
      const w = sortOf(e.type[0]);
      if (w > bits) v = name.endsWith('_s') ? b.sext(w - bits, v) : b.zext(w - bits, v);
      this.vals.push(v);
      return;
    }
    const v = args[1];
    const M = this.inputs.MEM + k;
    let mem = this.st.s[M];
    for (let i = 0; i < n; i++) mem = b.store(mem, i === 0 ? a : b.bvadd(a, b.bv(i, 32)), b.extract(8 * i + 7, 8 * i, v));
    this.st.s[M] = mem;
  }

  /**
   * The array `dst` with [d, d + n) replaced: element d + i becomes `at(i)` (i a 32-bit term).
   * A constant n up to 64 is a chain of stores (exact and cheap); otherwise an array lambda at the
   * second level (exact, but Z3's array theory is incomplete with lambdas: it proves, it may not
   * find models), and at the first level an uninterpreted function of the operation's operands.
   */
  private bulk(kind: string, dst: Term, d: Term, n: Term, at: (i: Term) => Term, operands: Term[]): Term {
    const b = this.b;
    if (n.op === 'const' && n.v <= 64n) {
      let r = dst;
      for (let i = 0; i < Number(n.v); i++) r = b.store(r, b.bvadd(d, b.bv(i, 32)), at(b.bv(i, 32)));
      return r;
    }
    if (this.opts.exactBulk) return b.lambda((a) => b.ite(this.inRange(a, d, n), at(b.bvsub(a, d)), b.select(dst, a)));
    this.abstracted = true;
    return b.app(`bulk.${kind}`, [dst, ...operands], dst.sort);
  }

  private inRange(a: Term, start: Term, len: Term): Term {
    // start <= a < start + len, in 64 bits
    const b = this.b;
    const a64 = b.zext(32, a);
    const s64 = b.zext(32, start);
    return b.and(b.cmp('bvule', s64, a64), b.cmp('bvult', a64, b.bvadd(s64, b.zext(32, len))));
  }

  private fill(k: number, [d, val, n]: Term[]): void {
    const b = this.b;
    this.bounds(k, d, 0, n);
    const M = this.inputs.MEM + k;
    const mem = this.st.s[M];
    const byte = b.extract(7, 0, val);
    this.st.s[M] = this.bulk('memory.fill', mem, d, n, () => byte, [d, byte, n]);
  }

  private copy(dst: number, src: number, [d, s, n]: Term[]): void {
    const b = this.b;
    this.bounds(dst, d, 0, n);
    this.bounds(src, s, 0, n);
    const from = this.st.s[this.inputs.MEM + src];
    const to = this.st.s[this.inputs.MEM + dst];
    this.st.s[this.inputs.MEM + dst] = this.bulk('memory.copy', to, d, n, (i) => b.select(from, b.bvadd(s, i)), [from, d, s, n]);
  }

  private grow(k: number, delta: Term): Term {
    const b = this.b;
    const st = this.st;
    const inp = this.inputs;
    const size = st.s[inp.PAGES + k];
    const max = Math.min(inp.memories[k].max ?? 65536, 65536);
    const w = b.app(`grow${k}`, [st.world, size, delta], WORLD);
    const fits = b.cmp('bvule', b.bvadd(b.zext(32, size), b.zext(32, delta)), b.bv(max, 64));
    const ok = b.and(b.app('grow.ok', [w], BOOL), fits);
    const old = this.byteSize(k);
    const mem = st.s[inp.MEM + k];
    st.world = w;
    let grown: Term;
    if (this.opts.exactBulk) grown = b.lambda((a) => b.ite(b.cmp('bvule', old, b.zext(32, a)), b.bv(0, 8), b.select(mem, a)));
    else {
      this.abstracted = true;
      grown = b.app('bulk.memory.grow', [mem, size], MEM);
    }
    st.s[inp.MEM + k] = b.ite(ok, grown, mem);
    st.s[inp.PAGES + k] = b.ite(ok, b.bvadd(size, delta), size);
    return b.ite(ok, size, b.bv(-1, 32));
  }

  // ---- tables and segments ----

  /** Traps unless [i, i + n) is inside table `t`. */
  private tableBounds(t: number, i: Term, n: Term): void {
    const b = this.b;
    const end = b.bvadd(b.zext(32, i), b.zext(32, n));
    this.trap(b.cmp('bvult', b.zext(32, this.st.s[this.inputs.TSIZE + t]), end), b.bv(TRAP.table, 8));
  }

  private tableGrow(t: number, init: Term, n: Term): Term {
    const b = this.b;
    const st = this.st;
    const inp = this.inputs;
    const size = st.s[inp.TSIZE + t];
    const max = inp.shape.tables[t].max ?? 0xffffffff;
    const w = b.app(`tgrow${t}`, [st.world, size, n], WORLD);
    const fits = b.cmp('bvule', b.bvadd(b.zext(32, size), b.zext(32, n)), b.bv(max, 64));
    const ok = b.and(b.app('grow.ok', [w], BOOL), fits);
    const tab = st.s[inp.TAB + t];
    st.world = w;
    st.s[inp.TAB + t] = b.ite(ok, this.bulk('table.grow', tab, size, n, () => init, [size, init, n]), tab);
    st.s[inp.TSIZE + t] = b.ite(ok, b.bvadd(size, n), size);
    return b.ite(ok, size, b.bv(-1, 32));
  }

  /**
   * memory.init (seg >= 0: data segment seg) or table.init (seg < 0: element segment -1-seg)
   * into the array at state index `arr` whose size is at `sizeAt` (pages or elements).
   */
  private init(arr: number, sizeAt: number, seg: number, [d, s, n]: Term[]): void {
    const b = this.b;
    const inp = this.inputs;
    const isData = seg >= 0;
    const k = isData ? seg : -1 - seg;
    const len = isData ? inp.shape.dataLens[k] : inp.shape.elemLens[k];
    const dropped = this.st.s[(isData ? inp.DDROP : inp.EDROP) + k];
    const segLen = b.ite(dropped, b.bv(0, 64), b.bv(len, 64));
    const code = b.bv(isData ? TRAP.memory : TRAP.table, 8);
    const size = this.st.s[sizeAt];
    const limit = isData ? b.bvshl(b.zext(32, size), b.bv(16, 64)) : b.zext(32, size);
    const n64 = b.zext(32, n);
    this.trap(b.or(b.cmp('bvult', segLen, b.bvadd(b.zext(32, s), n64)), b.cmp('bvult', limit, b.bvadd(b.zext(32, d), n64))), code);
    const src = isData ? inp.data(k) : inp.elem(k);
    const dst = this.st.s[arr];
    const kind = isData ? `memory.init.${k}` : `table.init.${k}`;
    this.st.s[arr] = this.bulk(kind, dst, d, n, (i) => b.select(src, b.bvadd(s, i)), [d, s, n]);
  }
}

// ---- the equivalence query ------------------------------------------------------------------------

/** pre and post agree: same kind of ending, same results on a return, same module state (globals, memories, tables ...), same world. */
export function equivalence(b: Smt, A: Outcome, B: Outcome): Term {
  if (A.results.length !== B.results.length) throw new Unsupported('the signature changed');
  const parts: Term[] = [b.eq(A.kind, B.kind)];
  const returned = b.eq(A.kind, b.bv(0, 8));
  parts.push(b.implies(returned, b.and(...A.results.map((r, i) => b.eq(r, B.results[i])))));
  A.state.forEach((x, i) => parts.push(b.eq(x, B.state[i])));
  parts.push(b.eq(A.world, B.world));
  return b.and(...parts);
}
