// store-forwarding: a load that reads bytes a store wrote earlier on every path, with nothing in
// between that may have changed them, is replaced by the stored value (shifted, wrapped,
// masked or sign-extended to the load's width and signedness). The loads disappear; the stores
// stay (stack-sroa removes those nobody reads, under its opt-in assumption).
//
// Addresses. An access's address is described *exactly* as `root + d`: the effective address
// (operand + memarg offset, computed by wasm without wrapping) equals the root's value plus the
// integer d. Roots are a local's initial value (a parameter: `p<i>`; a declared local is 0),
// the absolute origin (`abs`: constants), or a set/tee node (the value its latest execution
// wrote). `local.get` with a single reaching definition looks through it; `i32.add`/`i32.sub`
// of a constant looks through the addition only when it provably does not wrap: the root has k
// known trailing zero bits (so it is at most 2^32 - 2^k) and the new d stays in [0, 2^k). The
// trailing zeros come from the root's expression and, for globals nothing outside the module can
// write (defined, not exported), from every `global.set` of the module (an induction over the
// module's writes: `__stack_pointer` starts 16-aligned and only ever moves by multiples of 16).
// Without that proof, `fp + 4` might wrap to a small valid address while `fp` + offset 12 traps;
// the two would then not be the same address, so forwarding between them would be wrong.
// A definition inside a loop is only used as a root where it is read directly (its latest
// value); looking *through* a local into an older definition requires the definition to run at
// most once per call (no enclosing loop), so its value cannot have changed since.
//
// The walk. One pass over the tree in execution order keeps the set of *available stores*:
// (memory, root, d, width, store, where its value can be found again). A store kills every
// entry it may overlap (another root may alias anything; the same root overlaps by exact
// ranges) and adds itself; calls, atomics, bulk memory ops and memory.grow kill everything
// (except entries of private frames, see stack-sroa); writing a local kills entries rooted at
// that set, and an entry whose value was `local.get $x` then needs a copy of the value (a tee
// into a fresh local at the store) instead of `$x`. Control flow: branches carry the state to
// their block, which continues with the intersection of all arriving states; an if joins its
// arms; a loop starts empty (the back edge is not analysed). Shared memories are left alone.
//
// Profit. Outside a private frame the store stays, so a forward only trades the load for the
// code that re-reads the value: it is made when that code is no bigger than the load with its
// address (bytes), counting the tee and local a value found in no local needs (per store, over
// the loads it serves). Same-width reads (a `local.get`, maybe a reinterpret) always qualify; a
// constant is extracted right away (a constant); a narrower read of an integer drops the mask
// or sign-extension when the value's known bits (analysis/known-bits.ts) say it is a no-op.
// Type-punned partial reads (an f64 read back as 16 bits: reinterpret, wrap, mask) and masks
// of unknown values are bigger and stay loads: forwarding them grew the code, and did so again
// on a second run whenever a late pass made an address exact after this one ran (fuzz 10-151).
// A private frame's loads are always forwarded: stack-sroa removes the frame's stores and the
// frame once no load is left, which is worth far more than the extraction costs.
//
// Why it is sound. The load's bytes lie inside the bytes of a store that ran on every path to
// it and did not trap (else the load would not run); memory never shrinks, so the load cannot
// trap either, and removing it removes no trap. Nothing that may write those bytes ran in
// between, so the load would read exactly the stored bytes (little-endian: a load at
// store + k reads the stored value shifted right by 8k). The stored value is re-read from a
// constant, from a local nobody wrote since, or from a fresh local the store tees it into, so
// it is evaluated once, at the store, as before. A load whose address has side effects (a tee,
// a call, a possible trap) is replaced by `(block (drop address) value)`: the address still runs
// first, and the value is read after it (the walk saw the address's local writes before the
// load, so a value kept in a local the address overwrites was already moved to a fresh local).
// An address with `pop` operands is kept.
//
// Where. After inline and its cleanup (stack-sroa runs this first): the inlined callee's
// stores and the caller's loads of a struct returned through memory meet in one function.

import { Expr, f32Const, f64Const, i32Const, i64Const } from '../ir/expr.js';
import { Writer } from '../binary/writer.js';
import { writeImmediates, writeOpcode } from '../binary/instr.js';
import type { Func, Module } from '../ir/module.js';
import { Eff, Imm, O, OPS, op } from '../ir/opcodes.js';
import { F32, F64, I32, I64, NONE, single, type ValType } from '../ir/types.js';
import { walkExecution, forEachExpr } from '../ir/walk.js';
import { ENTRY, LocalGraph, type Def } from '../analysis/local-graph.js';
import type { FunctionEffects } from '../analysis/effects.js';
import { knownBits, type KnownBits } from '../analysis/known-bits.js';
import { localFactsFromGraph } from '../analysis/bit-fields.js';
import { Slot, type Structure } from '../analysis/structure.js';
import { codeContext, readFunctionBody, MAX_LOCALS, type CodeContext } from '../binary/code-reader.js';
import { Func as FuncClass } from '../ir/module.js';
import { scanOps } from '../binary/scan.js';
import type { PassContext } from './context.js';
import type { FunctionPass } from './registry.js';

// ---- loads and stores ------------------------------------------------------------------------

export interface AccessInfo {
  /** Bytes accessed. */
  bytes: number;
  /** Type of the value stored / loaded. */
  type: ValType;
  /** Loads: sign-extends a narrow value. */
  signed: boolean;
}

function table(rows: [string, number, ValType, boolean][]): Map<number, AccessInfo> {
  const out = new Map<number, AccessInfo>();
  for (const [name, bytes, type, signed] of rows) out.set(op(name), { bytes, type, signed });
  return out;
}

/** The scalar stores, by op id. */
export const STORES = table([
  ['i32.store', 4, I32, false], ['i64.store', 8, I64, false], ['f32.store', 4, F32, false], ['f64.store', 8, F64, false],
  ['i32.store8', 1, I32, false], ['i32.store16', 2, I32, false],
  ['i64.store8', 1, I64, false], ['i64.store16', 2, I64, false], ['i64.store32', 4, I64, false],
]);

/** The scalar loads, by op id. */
export const LOADS = table([
  ['i32.load', 4, I32, false], ['i64.load', 8, I64, false], ['f32.load', 4, F32, false], ['f64.load', 8, F64, false],
  ['i32.load8_s', 1, I32, true], ['i32.load8_u', 1, I32, false], ['i32.load16_s', 2, I32, true], ['i32.load16_u', 2, I32, false],
  ['i64.load8_s', 1, I64, true], ['i64.load8_u', 1, I64, false], ['i64.load16_s', 2, I64, true], ['i64.load16_u', 2, I64, false],
  ['i64.load32_s', 4, I64, true], ['i64.load32_u', 4, I64, false],
]);

const ATOMIC_PREFIX = 0xfe;

/** A plain (non-atomic) load or store with a memarg, including v128 and lane accesses. */
export function isPlainAccess(e: Expr): boolean {
  const info = OPS[e.op];
  return (info.imm === Imm.memarg || info.imm === Imm.memargLane) && info.prefix !== ATOMIC_PREFIX &&
    (info.effects & (Eff.readMem | Eff.writeMem)) !== 0;
}

/** Bytes a plain access touches. */
export function accessBytes(e: Expr): number {
  const s = STORES.get(e.op) ?? LOADS.get(e.op);
  if (s) return s.bytes;
  const name = OPS[e.op].name;
  const m = /(load|store)(\d+)_(lane|splat|zero)/.exec(name);
  if (m) return Number(m[2]) / 8;
  if (/load\d+x\d+/.test(name)) return 8;
  return 16; // v128.load, v128.store
}

// ---- trailing zero bits ----------------------------------------------------------------------

function ctz32(v: number): number {
  const x = v >>> 0;
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

const ADD = op('i32.add');
const SUB = op('i32.sub');
const AND = op('i32.and');
const AND64 = op('i64.and');
const WRAP = op('i32.wrap_i64');
const OR = op('i32.or');
const XOR = op('i32.xor');
const MUL = op('i32.mul');
const SHL = op('i32.shl');
const MAX_DEPTH = 64;

/**
 * Known trailing zero bits of i32 expressions of one function: through constants, local
 * definitions (the local graph), globals (`globalTz`), and the ops that keep low zero bits.
 */
export class TrailingZeros {
  private readonly memo = new Map<Expr, number>();
  private readonly busy = new Set<Expr>();

  constructor(
    private readonly lg: Pick<LocalGraph, 'getSets'>,
    private readonly numParams: number,
    private readonly globalTz: (g: number) => number,
  ) {}

  reset(): void {
    this.memo.clear();
  }

  of(e: Expr, depth = 0): number {
    if (depth > MAX_DEPTH) return 0;
    const hit = this.memo.get(e);
    if (hit !== undefined) return hit;
    let r = 0;
    const k = e.kids;
    switch (e.op) {
      case O.i32_const: r = ctz32(e.value as number); break;
      case O.global_get: r = this.globalTz(e.index); break;
      case O.local_tee: r = this.of(k[0], depth + 1); break;
      case O.local_get: {
        let defs;
        try {
          defs = this.lg.getSets(e);
        } catch {
          return 0; // not a get of this graph (a node added since)
        }
        if (defs.size === 0) break;
        r = 32;
        for (const d of defs) {
          let t: number;
          if (d === ENTRY) t = e.index < this.numParams ? 0 : 32;
          else if (this.busy.has(d)) t = 0;
          else {
            this.busy.add(d);
            t = this.of(d.kids[0], depth + 1);
            this.busy.delete(d);
          }
          if (t < r) r = t;
          if (r === 0) break;
        }
        break;
      }
      case O.select:
        r = Math.min(this.of(k[0], depth + 1), this.of(k[1], depth + 1));
        break;
      default:
        if (e.op === ADD || e.op === SUB || e.op === OR || e.op === XOR) r = Math.min(this.of(k[0], depth + 1), this.of(k[1], depth + 1));
        else if (e.op === AND) r = Math.max(this.of(k[0], depth + 1), this.of(k[1], depth + 1));
        else if (e.op === MUL) r = Math.min(32, this.of(k[0], depth + 1) + this.of(k[1], depth + 1));
        else if (e.op === SHL && k[1].op === O.i32_const) r = Math.min(32, this.of(k[0], depth + 1) + ((k[1].value as number) & 31));
    }
    this.memo.set(e, r);
    return r;
  }
}

/**
 * The trailing zero bits every value of global `g` has, over the whole module: a defined i32
 * global no export reveals (so only the module writes it) starts with its initializer's and
 * keeps the minimum over every `global.set` of it, iterated to a fixed point; anything else 0.
 */
export function globalTrailingZeros(cx: PassContext, g: number): number {
  // a `groupFact`: the same for every function of a group of function passes
  return cx.groupFact('globalTrailingZeros', () => computeGlobalTz(cx.module))[g] ?? 0;
}

function computeGlobalTz(m: Module): number[] {
  const nImp = m.numImportedGlobals;
  const tz: number[] = new Array(nImp + m.globals.length).fill(0);
  const exported = new Set(m.exports.filter((e) => e.kind === 'global').map((e) => e.index));
  const mutable = new Set<number>();
  m.globals.forEach((gl, i) => {
    const g = nImp + i;
    if (gl.type.type !== I32 || exported.has(g)) return;
    const init = gl.init;
    if (init.length !== 1 || init[0].op !== O.i32_const) return;
    tz[g] = ctz32(init[0].value as number);
    if (gl.type.mutable) mutable.add(g);
  });
  if (mutable.size === 0) return tz;
  // Every global.set of a candidate, evaluated with the current facts, to a fixed point. One
  // function's tree at a time (found by scanning the bytes; decoded, evaluated, dropped), so a
  // module where every function moves the stack pointer is never decoded all at once; a round
  // after the first revisits only the functions whose values read a global's facts.
  const wanted: ReadonlySet<number> = new Set([O.global_set]);
  let todo: Func[] = [];
  for (const f of m.funcs) {
    let hit = false;
    scanOps(m, f, wanted, (_, g) => {
      if (mutable.has(g)) hit = true;
    });
    if (hit) todo.push(f);
  }
  let code: CodeContext | null = null;
  // a function is evaluated again only when a global it read was lowered after it looked
  let version = 0;
  const lowered = new Int32Array(tz.length);
  const lower = (g: number, t: number): void => {
    tz[g] = t;
    lowered[g] = ++version;
  };
  while (todo.length > 0) {
    const again: { f: Func; at: number; reads: number[] }[] = [];
    for (const f of todo) {
      const at = version;
      let tree = f.tree;
      let numLocals = m.localTypes(f).length;
      if (tree === null) {
        const tmp = new FuncClass(f.type);
        tmp.start = f.start;
        tmp.end = f.end;
        tmp.code = f.code;
        code ??= codeContext(m);
        tree = readFunctionBody(code, m, tmp);
        numLocals = m.types[f.type].params.length + tmp.locals.length;
      }
      const found: Expr[] = [];
      forEachExpr([tree], (e) => {
        if (e.op === O.global_set && mutable.has(e.index)) found.push(e);
      });
      const numParams = m.types[f.type].params.length;
      const reads: number[] = [];
      const globalTz = (g: number): number => {
        reads.push(g);
        return tz[g];
      };
      // First with every set of a local as its definitions (plus the initial value): a sound
      // bound without a local graph. Only when that bound would lower a global's facts is
      // the precise answer needed (the local graph of a huge function costs far more).
      const coarse = new TrailingZeros(allSetsOf(tree), numParams, globalTz);
      if (!found.every((set) => coarse.of(set.kids[0]) >= tz[set.index])) {
        const ev = new TrailingZeros(new LocalGraph(tree, { numLocals, numParams }), numParams, globalTz);
        for (const set of found) {
          const t = ev.of(set.kids[0]);
          if (t < tz[set.index]) lower(set.index, t);
        }
      }
      if (reads.length > 0) again.push({ f, at, reads });
    }
    todo = again.filter((x) => x.reads.some((g) => lowered[g] > x.at)).map((x) => x.f);
  }
  return tz;
}

/** Flow-insensitive definitions: every set of the get's local, and its initial value. */
function allSetsOf(root: Expr): Pick<LocalGraph, 'getSets'> {
  let byLocal: Map<number, Set<Def>> | null = null;
  return {
    getSets(get: Expr): ReadonlySet<Def> {
      if (byLocal === null) {
        const map = new Map<number, Set<Def>>();
        forEachExpr([root], (e) => {
          if (e.op !== O.local_set && e.op !== O.local_tee) return;
          let d = map.get(e.index);
          if (d === undefined) map.set(e.index, (d = new Set<Def>([ENTRY])));
          d.add(e);
        });
        byLocal = map;
      }
      return byLocal.get(get.index) ?? ENTRY_ONLY;
    },
  };
}
const ENTRY_ONLY: ReadonlySet<Def> = new Set<Def>([ENTRY]);

// ---- exact addresses ---------------------------------------------------------------------------

/** A root of an exact address: a set/tee node, `p<i>` (parameter i's argument) or `abs` (0). */
export type Root = Expr | string;
export const ABS = 'abs';

/** value = root + d, exactly (no wrapping). */
export interface Sym {
  root: Root;
  d: number;
}

const TWO32 = 2 ** 32;

/** Exact symbolic addresses of one function (see the header). */
export class AddressModel {
  private readonly defMemo = new Map<Expr, Sym | null>();
  private readonly loopMemo = new Map<Expr, boolean>();
  private readonly alignMemo = new Map<Root, number>();
  readonly tz: TrailingZeros;

  constructor(
    readonly lg: LocalGraph,
    readonly st: Structure,
    readonly numParams: number,
    globalTz: (g: number) => number,
  ) {
    this.tz = new TrailingZeros(lg, numParams, globalTz);
  }

  static of(cx: PassContext, f: Func): AddressModel {
    const np = cx.module.types[f.type].params.length;
    return new AddressModel(cx.localGraph(f), cx.structure(f), np, (g) => globalTrailingZeros(cx, g));
  }

  /** The exact address a plain memory access touches first (operand + offset), or null. */
  access(e: Expr): Sym | null {
    const s = this.valueOf(e.kids[0], true);
    return s === null ? null : { root: s.root, d: s.d + e.offset };
  }

  /**
   * `e`'s value as root + d. `now`: `e` is evaluated at the point of interest (a direct read
   * of a local may use a definition inside a loop as the root); otherwise `e` was evaluated
   * earlier (inside a definition), and only definitions that run once per call may be used.
   */
  valueOf(e: Expr, now: boolean, depth = 0): Sym | null {
    if (depth > MAX_DEPTH) return null;
    switch (e.op) {
      case O.i32_const:
        return { root: ABS, d: (e.value as number) >>> 0 };
      case O.local_tee:
        return this.valueOf(e.kids[0], now, depth + 1);
      case O.local_get: {
        let defs;
        try {
          defs = this.lg.getSets(e);
        } catch {
          return null;
        }
        if (defs.size !== 1) return null;
        const d = defs.values().next().value!;
        if (d === ENTRY) return e.index < this.numParams ? { root: `p${e.index}`, d: 0 } : { root: ABS, d: 0 };
        if (!now && this.inLoop(d)) return null;
        return this.defValue(d, depth + 1);
      }
    }
    if (e.op === ADD || e.op === SUB) {
      const [a, b] = e.kids;
      let x: Expr;
      let c: number;
      if (b.op === O.i32_const) { x = a; c = b.value as number; }
      else if (a.op === O.i32_const && e.op === ADD) { x = b; c = a.value as number; }
      else return null;
      if (e.op === SUB) c = -c;
      const s = this.valueOf(x, now, depth + 1);
      if (s === null) return null;
      const d = s.d + c;
      const k = this.align(s.root);
      if (d < 0 || d >= 2 ** k || d >= TWO32) return null;
      return { root: s.root, d };
    }
    return null;
  }

  /** The value a set/tee writes, as root + d (the set itself when its value is opaque). */
  defValue(def: Expr, depth = 0): Sym {
    if (this.defMemo.has(def)) return this.defMemo.get(def) ?? { root: def, d: 0 };
    this.defMemo.set(def, null); // cycles: the set itself
    const s = this.valueOf(def.kids[0], false, depth + 1);
    this.defMemo.set(def, s);
    return s ?? { root: def, d: 0 };
  }

  /** Known trailing zero bits of a root's value. */
  align(root: Root): number {
    if (root === ABS) return 32;
    if (typeof root === 'string') return 0;
    let a = this.alignMemo.get(root);
    if (a === undefined) {
      a = this.tz.of(root.kids[0]);
      this.alignMemo.set(root, a);
    }
    return a;
  }

  /** Whether `e` sits inside a loop (may run more than once per call). */
  inLoop(e: Expr): boolean {
    let r = this.loopMemo.get(e);
    if (r !== undefined) return r;
    r = false;
    for (let p = this.st.parent(e); p !== null; p = this.st.parent(p)) {
      if (p.op === O.loop) { r = true; break; }
    }
    this.loopMemo.set(e, r);
    return r;
  }
}

// ---- the forwarding walk -------------------------------------------------------------------------

type Src = 'const' | 'local' | 'tee';

class Entry {
  private teeVariant: Entry | null = null;
  private publicVariant: Entry | null = null;
  constructor(
    readonly mem: number,
    readonly root: Root,
    readonly d: number,
    readonly bytes: number,
    readonly store: Expr,
    readonly src: Src,
    /** For src 'local': the local holding the value. */
    readonly local: number,
    /** Rooted at a private frame: only frame stores may overwrite it. */
    readonly priv: boolean,
  ) {}

  /** The same entry, after the local its value was read from changed (one object per entry, so joins still match). */
  asTee(): Entry {
    return (this.teeVariant ??= new Entry(this.mem, this.root, this.d, this.bytes, this.store, 'tee', -1, this.priv));
  }

  /** The same entry once its frame was released: ordinary memory from then on. */
  asPublic(): Entry {
    if (!this.priv) return this;
    return (this.publicVariant ??= new Entry(this.mem, this.root, this.d, this.bytes, this.store, this.src, this.local, false));
  }
}

type State = readonly Entry[] | null;
const EMPTY: readonly Entry[] = Object.freeze([]) as readonly Entry[];
const MAX_ENTRIES = 64;

function join(a: State, b: State): State {
  if (a === null) return b;
  if (b === null || a === b) return a;
  const out = a.filter((x) => b.includes(x));
  return out.length === a.length ? a : out;
}

export interface ForwardOptions {
  /** Roots of private frames (stack-sroa): their entries survive calls and stores elsewhere. */
  privateRoots?: ReadonlySet<Root>;
  /** The `global.set $sp` that release a private frame (by its root): its entries become ordinary. */
  releases?: ReadonlyMap<Expr, Root>;
}

export interface ForwardResult {
  changed: boolean;
  /** The loads replaced by a stored value. */
  forwarded: Set<Expr>;
}

interface Candidate {
  load: Expr;
  list: Expr[];
  index: number;
  entry: Entry;
  /** The load's address: entry.root + d. */
  d: number;
}

/** Forwards stored values to the loads that read them back (see the header). Changes the tree in place. */
export function forwardStores(cx: PassContext, f: Func, model: AddressModel, fx: FunctionEffects, opts: ForwardOptions = {}): ForwardResult {
  const m = cx.module;
  const body = cx.body(f);
  const priv = opts.privateRoots ?? new Set<Root>();
  const mems = m.memoryTypes();
  const shared = (i: number) => mems[i] === undefined || mems[i].shared;

  let cur: State = EMPTY;
  const pending = new Map<Expr, State>();
  const ifs: { saved: State; thenEnd: State }[] = [];
  const cands: Candidate[] = [];

  const killAll = () => {
    if (cur === null) return;
    const next = cur.filter((x) => x.priv);
    if (next.length !== cur.length) cur = next;
  };
  const toLabel = (target: Expr) => {
    if (target.op === O.loop || target === body) return;
    pending.set(target, join(pending.has(target) ? pending.get(target)! : null, cur));
  };

  walkExecution(body, {
    visit(e, list, index) {
      if (cur === null) return;
      const info = OPS[e.op];
      const eff = info.effects;
      if (isPlainAccess(e)) {
        if ((eff & Eff.writeMem) !== 0) {
          const a = shared(e.index) ? null : model.access(e);
          const bytes = accessBytes(e);
          const aPriv = a !== null && priv.has(a.root);
          const next = cur.filter((x) => {
            if (x.mem !== e.index) return true;
            if (a === null) return x.priv;
            if (x.root !== a.root) return x.priv || aPriv;
            return a.d + bytes <= x.d || x.d + x.bytes <= a.d;
          });
          const st = STORES.get(e.op);
          if (a !== null && st !== undefined) {
            // where the value can be found again: a constant, the local it was read from or
            // teed into (until that local is written), else a fresh local
            const v = e.kids[1];
            const c = isConst(v) || (v.op === O.local_tee && isConst(v.kids[0]));
            const inLocal = !c && (v.op === O.local_get || v.op === O.local_tee);
            const src: Src = c ? 'const' : inLocal ? 'local' : 'tee';
            next.push(new Entry(e.index, a.root, a.d, st.bytes, e, src, inLocal ? v.index : -1, aPriv));
            if (next.length > MAX_ENTRIES) next.splice(Math.max(0, next.findIndex((x) => !x.priv)), 1); // forget the oldest
          }
          cur = next;
        } else {
          const ld = LOADS.get(e.op);
          const a = ld === undefined || shared(e.index) ? null : model.access(e);
          if (a !== null) {
            for (let i = cur.length - 1; i >= 0; i--) {
              const x = cur[i];
              if (x.mem !== e.index || x.root !== a.root) continue;
              if (a.d >= x.d && a.d + ld!.bytes <= x.d + x.bytes) {
                cands.push({ load: e, list, index, entry: x, d: a.d });
                break;
              }
            }
          }
        }
      } else if ((eff & (Eff.writeMem | Eff.call | Eff.growMem)) !== 0) {
        killAll();
      } else if (e.op === O.global_set && opts.releases?.has(e)) {
        const root = opts.releases.get(e);
        if (cur.some((x) => x.root === root && x.priv)) cur = cur.map((x) => (x.root === root ? x.asPublic() : x));
      } else if (e.op === O.local_set || e.op === O.local_tee) {
        const x = e.index;
        let touched = false;
        for (const en of cur) if (en.root === e || (en.src === 'local' && en.local === x)) { touched = true; break; }
        if (touched) {
          cur = cur.filter((en) => en.root !== e).map((en) => (en.src === 'local' && en.local === x ? en.asTee() : en));
        }
      }
      if ((eff & Eff.branch) !== 0) {
        if (e.targets !== null) for (const t of e.targets) toLabel(t);
        else if (e.target !== null) toLabel(e.target);
      }
      if ((eff & Eff.noFallThrough) !== 0) cur = null;
    },
    enter(e) {
      if (e.op === O.loop) {
        if (cur !== null) cur = EMPTY; // the back edge is not analysed: a loop starts empty
      } else if (e.op === O.if) {
        ifs.push({ saved: cur, thenEnd: null });
      }
    },
    enterElse() {
      const top = ifs[ifs.length - 1];
      top.thenEnd = cur;
      cur = top.saved;
    },
    leave(e) {
      if (e.op === O.if) {
        const top = ifs.pop()!;
        cur = e.alt !== null ? join(top.thenEnd, cur) : join(cur, top.saved);
      }
      if (e.op !== O.loop && pending.has(e)) {
        cur = join(cur, pending.get(e)!);
        pending.delete(e);
      }
    },
  });

  // choose: a private frame's loads always go (stack-sroa removes the frame once none is
  // left); any other load only where its replacement is no bigger (see the header)
  const numParams = m.types[f.type].params.length;
  const chosen: { c: Candidate; repl: Expr; get: Expr | null }[] = [];
  // facts about stored integer values (computed on the tree before any rewrite)
  let facts: ((g: Expr) => KnownBits | null) | null = null;
  const bitsOf = (v: Expr): KnownBits | null => {
    if (v.type.length !== 1 || (v.type[0] !== I32 && v.type[0] !== I64)) return null;
    facts ??= localFactsFromGraph(model.lg, numParams, (e, local) => knownBits(e, { local }));
    return knownBits(v, { local: facts });
  };
  const demanded = (e: Expr, depth: number) => demandedBits(e, model, depth);
  const byStore = new Map<Expr, { c: Candidate; repl: Expr; get: Expr | null; gain: number }[]>();
  for (const c of cands) {
    if (c.list[c.index] !== c.load) continue;
    const addr = c.load.kids[0];
    const addrFx = fx.get(addr);
    if (addrFx.hasPops) continue;
    const en = c.entry;
    const st = STORES.get(en.store.op)!;
    const ld = LOADS.get(c.load.op)!;
    let repl: Expr;
    let get: Expr | null = null;
    const v = en.store.kids[1];
    if (en.src === 'const') repl = constExtract(v.op === O.local_tee ? v.kids[0] : v, st.bytes, c.d - en.d, ld);
    else {
      // (a fresh local's index is set when it is made; reorder-locals gives it a small one)
      get = localGet(en.src === 'local' ? en.local : 0, st.type);
      repl = extract(get, st.type, c.d - en.d, ld, bitsOf(v), demanded(c.load, 0));
    }
    // size: the load against the value that replaces it; an address with effects stays (the
    // block and drop that keep it running are flattened by merge-blocks and vacuum, so they are
    // not counted), a pure one goes with the load
    const gain = encodedSize(c.load) - encodedSize(repl) - (addrFx.hasSideEffects() ? encodedSize(addr) : 0);
    // an address with effects (a tee, a call, a trap) still runs, first, as a statement
    if (addrFx.hasSideEffects()) repl = valueBlock(repl, [new Expr(O.drop, NONE, [addr])]);
    if (en.priv) {
      chosen.push({ c, repl, get });
      continue;
    }
    if (gain < 0) continue;
    let list = byStore.get(en.store);
    if (list === undefined) byStore.set(en.store, (list = []));
    list.push({ c, repl, get, gain });
  }
  const teed = new Set<Expr>(chosen.filter((x) => x.c.entry.src === 'tee').map((x) => x.c.entry.store));
  for (const [store, list] of byStore) {
    // a value found in no local yet needs a tee at the store and a local declaration: the
    // loads that read it that way must save that much together
    let viaTee = teed.has(store);
    if (!viaTee) {
      let total = 0;
      for (const x of list) if (x.c.entry.src === 'tee') total += x.gain;
      viaTee = total >= teeCost(f.locals.includes(STORES.get(store.op)!.type));
    }
    for (const x of list) if (x.c.entry.src !== 'tee' || viaTee) chosen.push(x);
  }

  // rewrite: loads first (a load may be the value operand of a store that gets a tee below)
  const forwarded = new Set<Expr>();
  const tees = new Map<Expr, number>();
  for (const { c, repl, get } of chosen) {
    const en = c.entry;
    if (en.src === 'tee') {
      let t = tees.get(en.store);
      if (t === undefined) {
        if (numParams + f.locals.length >= MAX_LOCALS) continue;
        t = numParams + f.locals.length;
        f.locals.push(STORES.get(en.store.op)!.type);
        tees.set(en.store, t);
      }
      get!.index = t;
    }
    c.list[c.index] = repl;
    forwarded.add(c.load);
  }
  for (const [store, t] of tees) {
    const v = store.kids[1];
    const tee = new Expr(O.local_tee, v.type, [v]);
    tee.index = t;
    store.kids[1] = tee;
  }
  return { changed: forwarded.size > 0, forwarded };
}

/** `(block (result t) statements... value)`: the statements run, then the block yields `value`. */
function valueBlock(value: Expr, statements: Expr[]): Expr {
  const b = new Expr(O.block, value.type);
  b.index = -1;
  b.params = NONE;
  b.body = [...statements, value];
  return b;
}

const SIZER = new Writer(64);

/** Bytes `e` and its operands take in the code section (branch labels and block types: one byte). */
export function encodedSize(e: Expr): number {
  let n = 0;
  forEachExpr([e], (x) => {
    const info = OPS[x.op];
    if (x.op === O.pop) return;
    SIZER.len = 0;
    writeOpcode(SIZER, info);
    writeImmediates(SIZER, info, x, x.params);
    n += SIZER.len;
    if (info.imm === Imm.block || info.imm === Imm.label) n++; // block type / label depth
    else if (info.imm === Imm.brTable) n += 1 + (x.targets?.length ?? 0);
    if (x.isLabel()) n += x.alt !== null ? 2 : 1; // end (and else)
  });
  return n;
}

/**
 * Bytes a tee into a fresh local adds: the tee (with a one-byte index: reorder-locals puts the
 * locals most used first) and, when no declared local has its type yet, a declaration.
 */
function teeCost(typeDeclared: boolean): number {
  return 2 + (typeDeclared ? 0 : 2);
}

function isConst(e: Expr): boolean {
  return e.op === O.i32_const || e.op === O.i64_const || e.op === O.f32_const || e.op === O.f64_const;
}

function localGet(i: number, t: ValType): Expr {
  const g = new Expr(O.local_get, single(t));
  g.index = i;
  return g;
}

function un(name: string, a: Expr): Expr {
  const id = op(name);
  return new Expr(id, OPS[id].results!, [a]);
}

function bin(name: string, a: Expr, b: Expr): Expr {
  const id = op(name);
  return new Expr(id, OPS[id].results!, [a, b]);
}

function constOf(t: ValType, v: bigint): Expr {
  if (t === I32) return i32Const(Number(BigInt.asIntN(32, v)));
  const c = new Expr(O.i64_const, single(I64));
  c.value = BigInt.asIntN(64, v);
  return c;
}

/** What a load of `ld` reads at byte `shift` of a store of `storeBytes` bytes of the constant `c`: a constant. */
export function constExtract(c: Expr, storeBytes: number, shift: number, ld: AccessInfo): Expr {
  const v = c.value as number | bigint;
  const bits = BigInt.asUintN(storeBytes * 8, typeof v === 'bigint' ? v : BigInt(v));
  let x = (bits >> BigInt(shift * 8)) & ((1n << BigInt(ld.bytes * 8)) - 1n);
  if (ld.signed) x = BigInt.asIntN(ld.bytes * 8, x);
  if (ld.type === I32) return i32Const(Number(BigInt.asIntN(32, x)));
  if (ld.type === I64) return i64Const(x);
  if (ld.type === F32) return f32Const(Number(BigInt.asUintN(32, x)));
  return f64Const(x);
}

/**
 * The value a load of `ld` reads at byte `shift` of a store of `storeType` whose operand is
 * `src`: the operand as bits, shifted right by 8*shift, cut to the load's width, zero- or
 * sign-extended to its type (wasm is little-endian). `kb`: what is known of the stored value's
 * bits; `demand`: the low bits of the result its user needs (see `demandedBits`).
 */
export function extract(src: Expr, storeType: ValType, shift: number, ld: AccessInfo, kb: KnownBits | null = null, demand = 64): Expr {
  const full = storeType === I32 || storeType === F32 ? 4 : 8;
  if (shift === 0 && storeType === ld.type && ld.bytes === full) return src; // same type, full width
  // the stored bits as an integer
  let x = src;
  let it: ValType = storeType;
  if (storeType === F32) { x = un('i32.reinterpret_f32', x); it = I32; }
  else if (storeType === F64) { x = un('i64.reinterpret_f64', x); it = I64; }
  const p = it === I32 ? 'i32' : 'i64';
  if (shift > 0) x = bin(`${p}.shr_u`, x, constOf(it, BigInt(shift * 8)));
  // the load's integer type
  const lt: ValType = ld.type === F32 ? I32 : ld.type === F64 ? I64 : ld.type;
  const bits = ld.bytes * 8;
  const lp = lt === I32 ? 'i32' : 'i64';
  const lw = lt === I32 ? 32 : 64;
  let done = false;
  if (it === I64 && lt === I32) x = un('i32.wrap_i64', x);
  else if (it === I32 && lt === I64) {
    x = un(ld.signed && bits === 32 ? 'i64.extend_i32_s' : 'i64.extend_i32_u', x);
    if (bits === 32) done = true;
  }
  // the extension is left out when the user needs no more bits than the load reads (`demand`),
  // or when the bits it replaces, as bits of the stored value (those past its width are zeros
  // after the shift), are known zero: the value has that form already
  const already = demand <= bits || knownZeroBits(kb, shift * 8 + bits - (ld.signed ? 1 : 0), Math.min(full * 8, shift * 8 + lw));
  if (!done && bits < lw && !already) {
    if (ld.signed) x = un(`${lp}.extend${bits}_s`, x);
    else x = bin(`${lp}.and`, x, constOf(lt, (1n << BigInt(bits)) - 1n));
  }
  if (ld.type === F32) x = un('f32.reinterpret_i32', x);
  else if (ld.type === F64) x = un('f64.reinterpret_i64', x);
  return x;
}

/**
 * The low bits of `e`'s value its users need: a narrow store's width, 32 under a wrap, the
 * mask's length under an `and` with a constant; through a set or tee (depth 0 only) the most
 * any get it reaches (and the tee's own user) needs. Otherwise, and for anything else, all.
 * A value whose higher bits change is then the same to every user.
 */
export function demandedBits(e: Expr, model: AddressModel, depth: number): number {
  const w = e.type.length === 1 && e.type[0] === I64 ? 64 : 32;
  const p = model.st.parent(e);
  if (p === null || model.st.slot(e) !== Slot.kid) return w;
  const i = model.st.index(e);
  const st = STORES.get(p.op);
  if (st !== undefined) return i === 1 ? Math.min(w, st.bytes * 8) : w;
  if (p.op === WRAP) return 32;
  if (p.op === AND || p.op === AND64) {
    const k = p.kids[1 - i];
    if (k.op === O.i32_const) return 32 - Math.clz32(k.value as number);
    if (k.op === O.i64_const) return BigInt.asUintN(64, k.value as bigint).toString(2).length - (k.value === 0n ? 1 : 0);
    return w;
  }
  if ((p.op === O.local_set || p.op === O.local_tee) && depth === 0) {
    let d = p.op === O.local_tee ? demandedBits(p, model, 1) : 0;
    let gets: ReadonlySet<Expr>;
    try {
      gets = model.lg.setGets(p);
    } catch {
      return w;
    }
    for (const g of gets) if (d < w) d = Math.max(d, demandedBits(g, model, 1));
    return d;
  }
  return w;
}

/** Whether bits [lo, hi) of a value with the facts `kb` (null: none) are all known zero (true when empty). */
function knownZeroBits(kb: KnownBits | null, lo: number, hi: number): boolean {
  if (lo >= hi) return true;
  if (kb === null) return false;
  if (kb.width === 32) return kb.knownZero((2 ** hi - 2 ** lo) >>> 0);
  return kb.knownZero((1n << BigInt(hi)) - (1n << BigInt(lo)));
}

/** Whether the body has at least one scalar store and one scalar load (else nothing to do). */
export function hasStoreAndLoad(body: Expr): boolean {
  let s = false;
  let l = false;
  forEachExpr([body], (e) => {
    if (STORES.has(e.op)) s = true;
    else if (LOADS.has(e.op)) l = true;
  });
  return s && l;
}

export const storeForwarding: FunctionPass = {
  name: 'store-forwarding',
  description: 'replace loads of bytes a store wrote on every path (nothing in between) by the stored value',
  scope: 'function',
  prepare(cx) {
    globalTrailingZeros(cx, 0);
  },
  run(cx, f) {
    const body = cx.body(f);
    if (!hasStoreAndLoad(body)) return false;
    return forwardStores(cx, f, AddressModel.of(cx, f), cx.effects(f)).changed;
  },
};
