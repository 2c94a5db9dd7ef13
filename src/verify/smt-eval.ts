// Fast refutation for translation validation (verify/translation-validation.ts): before Z3 is
// asked whether two versions of a function can end differently, the same query is evaluated on
// a few concrete inputs (edge cases and pseudo-random values). An input that makes it true is a
// counterexample found without the solver; Z3 is then not needed.
//
// What is evaluated is the query itself (its terms, verify/smt.ts), built by the same encoder
// (verify/smt-function.ts) with defined callees executed in place, floats and variable-length
// bulk operations as uninterpreted functions. The evaluator gives every free constant a value
// and every uninterpreted function an interpretation, i.e. it picks a model candidate:
//
// - the inputs: parameters, globals (as the module invariants say: constants, or the low bits
//   cleared), memories and tables (pseudo-random contents, or zeros), sizes within their
//   limits, segments mostly not dropped;
// - float instructions (`f32.add`, `i32.trunc_f64_s` and its `.trap`, ...) by the exact evaluator
//   (ir/eval.ts), a NaN whose bits wasm leaves open being a hash of the instruction and its
//   operands with the quiet bit set: what the second level's floating-point theory says;
// - bulk operations (`bulk.memory.fill`, ...) by their definition (the second level's array
//   lambdas), up to 65536 elements; memory.grow zeroes the new pages;
// - calls: the new world is a hash of the callee and everything it sees (the world, the module
//   state with each memory and table by its contents, the arguments), so equal calls give equal
//   worlds; results and whether the call traps are hashes of that world; the module state after
//   the call is the state before it (or, on some inputs, globals changed to hashes that keep
//   the invariants), looked up by the world.
//
// Each interpretation is a function of its arguments' values, so an input that makes the query
// (preconditions, call facts and "the outcomes differ") true is a model of it: Z3 would find
// the query satisfiable too (at the second level, whose semantics these are), and the verdict
// is the same "disproven". A bug or gap here can only make an evaluation abort (nothing found,
// Z3 decides as before) or report a counterexample where Z3 would not (a change reverted): it
// can never make a change proven. Evaluation is lazy (only the taken arm of an `ite`, `and`/
// `or` stop early), iterative, and bounded by a budget of evaluated terms.

import { evalNumeric, isEvaluable, isNondeterministicNaN, TRAP_DIV_ZERO, TRAP_INVALID_CONV, TRAP_OVERFLOW, type Num } from '../ir/eval.js';
import { OPS, type OpInfo } from '../ir/opcodes.js';
import { F32, F64, I32, I64, type ValType } from '../ir/types.js';
import { BOOL, MEM, TABLE, WORLD, type Smt, type Sort, type Term } from './smt.js';
import type { Inputs } from './smt-function.js';
import { TRAP } from './smt-numeric.js';

/** A value that cannot be computed here (a construct the evaluator does not know, a bulk operation too long). */
class Abort extends Error {}

/**
 * An array (memory: bytes; table: 32-bit references): a base function of the address, and the
 * addresses written since. Bases: `key` 0 is all zeros, else a pseudo-random function; above
 * `zeroFrom` (a memory grown there) zeros.
 */
class ArrayVal {
  private canon: string | null = null;
  constructor(readonly key: number, readonly zeroFrom: number, readonly writes: Map<number, number>, readonly width: number) {}

  baseAt(a: number): number {
    if (a >= this.zeroFrom || this.key === 0) return 0;
    const h = mix(mix(this.key, a), 0x5bd1e995);
    return this.width === 8 ? h & 0xff : h;
  }
  get(a: number): number {
    const w = this.writes.get(a);
    return w === undefined ? this.baseAt(a) : w;
  }
  /** The contents as text: equal contents give equal text (writes equal to the base are left out). */
  text(): string {
    if (this.canon !== null) return this.canon;
    const keys = [...this.writes.keys()].filter((a) => this.writes.get(a) !== this.baseAt(a)).sort((x, y) => x - y);
    this.canon = `${this.key}/${this.zeroFrom}/${keys.map((a) => `${a}:${this.writes.get(a)}`).join(',')}`;
    return this.canon;
  }
}

type Value = boolean | bigint | ArrayVal;

const MAX_BULK = 65536;
const BY_NAME = new Map<string, OpInfo>(OPS.map((o) => [o.name, o]));
const TOP = 2 ** 32;

function mix(h: number, x: number): number {
  h = Math.imul(h ^ (x >>> 0), 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

/** A 64-bit hash of a text (two independent 32-bit lanes). */
function hash64(s: string): bigint {
  let h1 = 0x811c9dc5, h2 = 0x1b873593;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  return (BigInt(mix(h1, h2)) << 32n) | BigInt(mix(h2, h1 ^ 0x27d4eb2d));
}

const mask = (w: number): bigint => (1n << BigInt(w)) - 1n;
const signed = (v: bigint, w: number): bigint => BigInt.asIntN(w, v);

function valueText(v: Value): string {
  return v instanceof ArrayVal ? `[${v.text()}]` : typeof v === 'boolean' ? (v ? 't' : 'f') : v.toString(16);
}

/** Facts about the inputs that the evaluator needs. */
export interface EvalContext {
  b: Smt;
  inputs: Inputs;
  /** Known initial values of globals (by key): defined globals' constant initializers. */
  globalInits: Map<string, bigint>;
}

/** One concrete input and the interpretations; evaluates terms over it. */
class Sample {
  private memo: (Value | undefined)[] = [];
  private before = new Map<bigint, Value[]>();
  private components = new Map<string, number>();
  /** Addresses of initial memory bytes that were read, per memory: for the report. */
  readonly reads = new Map<string, Map<number, number>>();
  steps = 0;

  constructor(readonly cx: EvalContext, readonly s: number, readonly budget: number) {
    for (let i = 0; i < cx.inputs.size; i++) this.components.set(cx.inputs.component(i).name, i);
  }

  private h(...parts: (string | number)[]): number {
    let x = mix(0x2545f491, this.s);
    for (const p of parts) {
      if (typeof p === 'number') x = mix(x, p);
      else for (let i = 0; i < p.length; i++) x = mix(x, p.charCodeAt(i));
    }
    return x;
  }

  /** A value for a 32/64-bit integer input: edge cases first, then pseudo-random ones. */
  private int(w: number, what: string, k: number): bigint {
    const s = this.s;
    const pool = [0n, 1n, 2n, 4n, 7n, 8n, 16n, 64n, 100n, 255n, 256n, 1024n, 4096n, 65535n, 65536n,
      mask(w - 1), 1n << BigInt(w - 1), mask(w), mask(w) - 1n, mask(w) - 7n];
    if (s < 4) return [0n, 16n, 1n, mask(w)][s];
    const r = this.h(what, k);
    switch (r % 4) {
      case 0: return pool[(r >>> 2) % pool.length];
      case 1: return BigInt(this.h(what, k, 1) % 300);
      case 2: return BigInt(this.h(what, k, 2) & 0x1fffc);
      default: return ((BigInt(this.h(what, k, 3)) << 32n) | BigInt(this.h(what, k, 4))) & mask(w);
    }
  }

  private float(t: ValType, what: string, k: number): bigint {
    const bits = t === F32
      ? [0n, 0x80000000n, 0x3f800000n, 0xbf800000n, 0x3f000000n, 0x7fc00000n, 0x7f800000n, 0xff800000n, 0x4f000000n, 0x40490fdbn, 0xcf000000n, 0x1n]
      : [0n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff0000000000000n, 0x3fe0000000000000n, 0x7ff8000000000000n,
        0x7ff0000000000000n, 0xfff0000000000000n, 0x41e0000000000000n, 0x400921fb54442d18n, 0xc1e0000000000000n, 0x1n];
    if (this.s < 4) return bits[this.s];
    const r = this.h(what, k);
    if (r % 3 !== 0) return bits[(r >>> 2) % bits.length];
    return this.int(t === F32 ? 32 : 64, `${what}.r`, k);
  }

  /** The value of free constant `name`. */
  private input(name: string, sort: Sort): Value {
    const inp = this.cx.inputs;
    const s = this.s;
    if (sort === WORLD) return hash64(`world/${s}`);
    if (sort === MEM || sort === TABLE) {
      const zero = sort === MEM && name.startsWith('mem') && s % 3 === 0;
      return new ArrayVal(zero ? 0 : this.h(name) | 1, TOP, new Map(), sort === MEM ? 8 : 32);
    }
    if (sort === BOOL) return s % 5 === 4; // a segment's dropped flag
    let m = /^(pages|tsize)(\d+)$/.exec(name);
    if (m) {
      const lim = m[1] === 'pages' ? inp.memories[Number(m[2])] : inp.shape.tables[Number(m[2])];
      const hi = Math.min(lim.max ?? 65536, m[1] === 'pages' ? 65536 : 2 ** 32 - 1);
      let n = Math.max(lim.min, lim.min === 0 ? 1 : 0);
      if (s % 4 === 2) n = lim.min + 1;
      return BigInt(Math.min(n, hi));
    }
    m = /^p(\d+)$/.exec(name);
    if (m) {
      const t = inp.params[Number(m[1])];
      return t === F32 || t === F64 ? this.float(t, 'p', Number(m[1])) : this.int(sort, 'p', Number(m[1]));
    }
    if (name.startsWith('g.')) {
      const key = name.slice(2);
      const c = inp.constant(key);
      if (c !== null && c.op === 'const') return c.v;
      const init = this.cx.globalInits.get(key);
      const slot = inp.slots.indexOf(key);
      const t = slot >= 0 ? inp.slotTypes[slot] : sort === 32 ? I32 : I64;
      let v = init !== undefined && s % 2 === 0 ? init : t === F32 || t === F64 ? this.float(t, name, 0) : this.int(sort, name, 0);
      const k = inp.invariants.get(key);
      if (k !== undefined) v &= ~mask(k) & mask(sort);
      return v;
    }
    return BigInt(this.h(name)) & mask(sort);
  }

  /** The value of `t` (lazy in ite, and, or); throws Abort. */
  value(root: Term): Value {
    const memo = this.memo;
    const stack: Term[] = [root];
    while (stack.length > 0) {
      const t = stack[stack.length - 1];
      if (memo[t.id] !== undefined) {
        stack.pop();
        continue;
      }
      if (++this.steps > this.budget) throw new Abort('budget');
      const need = (x: Term): Value | undefined => {
        const v = memo[x.id];
        if (v === undefined) stack.push(x);
        return v;
      };
      let v: Value | undefined;
      if (t.op === 'ite') {
        const c = need(t.args[0]);
        if (c === undefined) continue;
        v = need(c ? t.args[1] : t.args[2]);
        if (v === undefined) continue;
      } else if (t.op === 'and' || t.op === 'or') {
        const stop = t.op === 'or';
        let pending = false;
        v = !stop;
        for (const a of t.args) {
          const x = memo[a.id];
          if (x === undefined) {
            stack.push(a);
            pending = true;
            break;
          }
          if (x === stop) {
            v = stop;
            break;
          }
        }
        if (pending) continue;
      } else {
        let missing = false;
        for (const a of t.args) if (memo[a.id] === undefined) {
          stack.push(a);
          missing = true;
        }
        if (missing) continue;
        v = this.apply(t, t.args.map((a) => memo[a.id]!));
      }
      memo[t.id] = v;
      stack.pop();
    }
    return memo[root.id]!;
  }

  private apply(t: Term, a: Value[]): Value {
    const w = t.sort;
    const x = a[0] as bigint, y = a[1] as bigint;
    const bv = (v: bigint): bigint => BigInt.asUintN(w, v);
    switch (t.op) {
      case 'const': return t.v;
      case 'true': return true;
      case 'false': return false;
      case 'var': return this.input(t.name, t.sort);
      case 'app': return this.call(t, a);
      case 'not': return !(a[0] as boolean);
      case '=': return a[0] instanceof ArrayVal ? this.sameArray(a[0], a[1] as ArrayVal) : a[0] === a[1];
      case 'bvadd': return bv(x + y);
      case 'bvsub': return bv(x - y);
      case 'bvmul': return bv(x * y);
      case 'bvand': return x & y;
      case 'bvor': return x | y;
      case 'bvxor': return x ^ y;
      case 'bvnot': return bv(~x);
      case 'bvneg': return bv(-x);
      case 'bvshl': return y >= BigInt(w) ? 0n : bv(x << y);
      case 'bvlshr': return y >= BigInt(w) ? 0n : x >> y;
      case 'bvashr': return bv(signed(x, w) >> (y >= BigInt(w) ? BigInt(w) : y));
      // SMT-LIB semantics of division by zero
      case 'bvudiv': return y === 0n ? mask(w) : x / y;
      case 'bvurem': return y === 0n ? x : x % y;
      case 'bvsdiv': return y === 0n ? (signed(x, w) < 0n ? 1n : mask(w)) : bv(signed(x, w) / signed(y, w));
      case 'bvsrem': return y === 0n ? x : bv(signed(x, w) % signed(y, w));
      case 'bvult': return x < y;
      case 'bvule': return x <= y;
      case 'bvslt': return signed(x, t.args[0].sort) < signed(y, t.args[0].sort);
      case 'bvsle': return signed(x, t.args[0].sort) <= signed(y, t.args[0].sort);
      case 'extract': return (x >> BigInt(t.j)) & mask(w);
      case 'concat': return (x << BigInt(t.args[1].sort)) | y;
      case 'zero_extend': return x;
      case 'sign_extend': return bv(signed(x, t.args[0].sort));
      case 'select': return this.select(a[0] as ArrayVal, y, t.args[0]);
      case 'store': return this.write(a[0] as ArrayVal, [[Number(y), Number(a[2] as bigint)]]);
    }
    throw new Abort(t.op);
  }

  private select(m: ArrayVal, addr: bigint, arr: Term): bigint {
    const at = Number(addr);
    const v = m.get(at);
    if (arr.op === 'var' && !m.writes.has(at)) {
      let r = this.reads.get(arr.name);
      if (!r) this.reads.set(arr.name, (r = new Map()));
      r.set(at, v);
    }
    return BigInt(v);
  }

  private write(m: ArrayVal, entries: Iterable<[number, number]>, zeroFrom = m.zeroFrom): ArrayVal {
    const writes = new Map(m.writes);
    if (zeroFrom < m.zeroFrom) for (const k of writes.keys()) if (k >= zeroFrom) writes.delete(k);
    for (const [k, v] of entries) writes.set(k, v);
    if (writes.size > 4 * MAX_BULK) throw new Abort('array too large');
    return new ArrayVal(m.key, zeroFrom, writes, m.width);
  }

  /** Exact equality: the same base and the same writes, or an address where they differ; else Abort. */
  private sameArray(p: ArrayVal, q: ArrayVal): boolean {
    if (p === q) return true;
    const keys = new Set([...p.writes.keys(), ...q.writes.keys()]);
    for (const k of keys) if (p.get(k) !== q.get(k)) return false;
    if (p.key === q.key && p.zeroFrom === q.zeroFrom) return true;
    // different bases: look for a witness
    const probes = [0, 1, p.zeroFrom, q.zeroFrom, p.zeroFrom - 1, q.zeroFrom - 1, TOP - 1];
    for (let i = 0; i < 32; i++) probes.push(this.h('probe', i));
    for (const k of probes) if (k >= 0 && k < TOP && !keys.has(k) && p.get(k) !== q.get(k)) return false;
    throw new Abort('array equality');
  }

  /** The interpretation of uninterpreted function `t` (see the top of the file). */
  private call(t: Term, a: Value[]): Value {
    const name = t.name;
    const w = t.sort;
    if (name.startsWith('call.') || name.startsWith('call_indirect.')) {
      const world = hash64(`${name}(${a.map(valueText).join(' ')})`);
      this.before.set(world, a.slice(1, 1 + this.cx.inputs.size));
      return world;
    }
    if (/^t?grow\d+$/.test(name)) return hash64(`${name}(${a.map(valueText).join(' ')})`);
    if (name === 'grow.ok') return this.world(a[0]) % 4 !== 0;
    if (name === 'after.trap') {
      const r = this.world(a[0]);
      return BigInt(r % 16 === 0 ? 1 + ((r >>> 4) % 127) : 0);
    }
    if (name.startsWith('after.result')) {
      const r = this.world(a[0], name);
      const v = r % 4 === 0 ? 0n : r % 4 === 1 ? BigInt((r >>> 2) % 300) : BigInt(r) | (BigInt(mix(r, 7)) << 32n);
      return v & mask(w);
    }
    if (name.startsWith('after.')) {
      const i = this.components.get(name.slice(6));
      const before = this.before.get(a[0] as bigint);
      if (i === undefined || before === undefined) throw new Abort(name);
      const inp = this.cx.inputs;
      if (i < inp.MEM && this.s % 2 === 1 && !inp.constants.has(inp.slots[i])) {
        // a callee that changes the globals (keeping the invariants)
        const key = inp.slots[i];
        const k = inp.invariants.get(key) ?? 0;
        const r = this.world(a[0], name);
        return ((BigInt(r) | (BigInt(mix(r, 9)) << 32n)) & mask(w)) & ~mask(k);
      }
      return before[i];
    }
    if (name.startsWith('bulk.')) return this.bulk(name.slice(5), a);
    return this.floatOp(name, t, a);
  }

  private world(v: Value, salt = ''): number {
    const x = v as bigint;
    return mix(mix(Number(x & 0xffffffffn), Number(x >> 32n)), this.h(salt));
  }

  /** A bulk operation, by its definition (the second level's lambdas). */
  private bulk(kind: string, a: Value[]): ArrayVal {
    const dst = a[0] as ArrayVal;
    const run = (d: bigint, n: bigint, at: (i: number) => number): ArrayVal => {
      const end = d + n < BigInt(TOP) ? d + n : BigInt(TOP);
      if (end - d > BigInt(MAX_BULK)) throw new Abort('bulk operation too long');
      const entries: [number, number][] = [];
      for (let k = Number(d), i = 0; k < Number(end); k++, i++) entries.push([k, at(i)]);
      return this.write(dst, entries);
    };
    const n32 = (v: Value, i: number) => Number(BigInt.asUintN(32, (v as bigint) + BigInt(i)));
    switch (kind) {
      case 'memory.fill': case 'table.fill': return run(a[1] as bigint, a[3] as bigint, () => Number(a[2] as bigint));
      case 'memory.copy': case 'table.copy': {
        const from = a[1] as ArrayVal;
        return run(a[2] as bigint, a[4] as bigint, (i) => from.get(n32(a[3], i)));
      }
      case 'table.grow': return run(a[1] as bigint, a[3] as bigint, () => Number(a[2] as bigint));
      case 'memory.grow': {
        const old = Number(a[1] as bigint) * 65536;
        return old >= TOP ? dst : this.write(dst, [], Math.min(old, dst.zeroFrom));
      }
    }
    const m = /^(memory|table)\.init\.(\d+)$/.exec(kind);
    if (!m) throw new Abort(`bulk.${kind}`);
    const src = this.input(`${m[1] === 'memory' ? 'data' : 'elem'}${m[2]}`, m[1] === 'memory' ? MEM : TABLE) as ArrayVal;
    return run(a[1] as bigint, a[3] as bigint, (i) => src.get(n32(a[2], i)));
  }

  /** A float instruction (uninterpreted at the first level) by the exact evaluator. */
  private floatOp(name: string, t: Term, a: Value[]): Value {
    const trap = name.endsWith('.trap');
    const info = BY_NAME.get(trap ? name.slice(0, -5) : name);
    if (!info || !isEvaluable(info.id) || !info.params || !info.results || info.results.length !== 1) throw new Abort(name);
    const vals: Num[] = a.map((v, i) => {
      const x = v as bigint;
      switch (info.params![i]) {
        case I32: return Number(BigInt.asIntN(32, x));
        case I64: return BigInt.asIntN(64, x);
        case F32: return Number(x);
        default: return x;
      }
    });
    const r = evalNumeric(info.id, vals);
    if (r === null) throw new Abort(name);
    if (trap) {
      if (!('trap' in r)) return 0n;
      const code = { [TRAP_DIV_ZERO]: TRAP.divZero, [TRAP_OVERFLOW]: TRAP.overflow, [TRAP_INVALID_CONV]: TRAP.conversion }[r.trap];
      if (code === undefined) throw new Abort(name);
      return BigInt(code);
    }
    if ('trap' in r) return 0n; // the value of a trapping instruction is never used
    const rw = info.results[0] === I32 || info.results[0] === F32 ? 32 : 64;
    let v = BigInt.asUintN(rw, BigInt(r.value));
    if (isNondeterministicNaN(info.id, r.value)) {
      // the NaN the second level gives: a function of the instruction and its operands, quiet
      const quiet = rw === 32 ? 0x7fc00000n : 0x7ff8000000000000n;
      v = (hash64(`nan.${name}(${a.map(valueText).join(' ')})`) & mask(rw)) | quiet;
    }
    return t.sort === BOOL ? v !== 0n : v;
  }
}

/** A refutation: the values of the query's named terms and inputs, SMT-LIB style (`#x...`, `true`). */
export interface Refutation {
  values: Map<string, string>;
  /** Per initial memory (`mem0`, ...): the bytes read from it. */
  reads: Map<string, Map<number, number>>;
  sample: number;
}

function text(v: Value, sort: Sort): string | null {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return sort % 4 === 0 ? `#x${v.toString(16).padStart(sort / 4, '0')}` : `#b${v.toString(2).padStart(sort, '0')}`;
  return null;
}

/**
 * Evaluates `query` on `samples` concrete inputs; the first that makes it true is returned with
 * the values of `named` terms and of the free constants, or null. Stops when `budget` term
 * evaluations are spent.
 */
export function refute(cx: EvalContext, query: Term, named: [string, Term][], samples = 12, budget = 1_000_000): Refutation | null {
  let left = budget;
  for (let s = 0; s < samples && left > 0; s++) {
    const sample = new Sample(cx, s, left);
    let hit = false;
    try {
      hit = sample.value(query) === true;
    } catch (e) {
      if (!(e instanceof Abort)) throw e;
    }
    left -= sample.steps;
    if (!hit) continue;
    const values = new Map<string, string>();
    try {
      for (const [name, t] of named) {
        const v = text(sample.value(t), t.sort);
        if (v !== null) values.set(name, v);
      }
      for (const [name, d] of cx.b.decls) {
        if (d.args.length > 0 || d.ret === MEM || d.ret === TABLE || d.ret === WORLD) continue;
        const v = text(sample.value(cx.b.var(name, d.ret)), d.ret);
        if (v !== null) values.set(name, v);
      }
    } catch (e) {
      if (!(e instanceof Abort)) throw e;
    }
    return { values, reads: sample.reads, sample: s };
  }
  return null;
}
