// Expression trees: the IR of function bodies.
//
// One node class for every instruction (monomorphic for V8). A node's `kids` are its operands
// in stack order; structured instructions own their bodies (`body`, and `alt` for an `if`'s
// else arm), each a list of *roots* evaluated in order. Branches point at the node they
// target (`target`), so passes can move code without re-counting label depths; the function
// body is itself a `block` node, and a branch to it is a branch out of the function.
//
// Code whose stack shape is not a tree is represented exactly: a root may leave values on the
// stack (a multi-value call, or a value below a statement), and a later node takes them with
// `pop` operands. Pops only ever form a prefix of a node's `kids` (values lower on the stack
// are popped first), so emitting roots in order and children in post-order reproduces the
// original instruction sequence. Functions containing pops set `Func.hasPops`; passes that
// move code must leave such functions (or the affected roots) alone.
//
// Constants keep their exact bits: i32 as a signed number, i64 as a signed bigint, f32 as its
// uint32 bit pattern, f64 as its 64-bit pattern (unsigned bigint), v128 as 16 bytes. NaN
// payloads therefore survive untouched.

import { Eff, O, OPS } from './opcodes.js';
import { I32, I64, F32, F64, V128, NONE, type Type, type ValType, single } from './types.js';

/**
 * The operand list of every node without operands (and the body of every non-structure),
 * shared: never add to it. Not frozen: V8 compiles `for (const k of e.kids)` over arrays of two
 * elements kinds (frozen and plain) into a generic iterator that allocates per step, which cost
 * ~1.3 GB of garbage per -O2 run of wasm-tools.core. `checkNoKids` (run after every pass) turns
 * a pass that wrote into it into an internal error.
 */
export const NO_KIDS: Expr[] = [];

/** Throws when some code added to the shared `NO_KIDS` (see there). */
export function checkNoKids(after: string): void {
  if (NO_KIDS.length !== 0) {
    NO_KIDS.length = 0;
    throw new Error(`internal error: ${after} added to the shared empty operand list`);
  }
}

export class Expr {
  /** Row id in the opcode table (ir/opcodes.ts). */
  op: number;
  /** The values this expression leaves on the stack when it completes normally. */
  type: Type;
  /** Operands in stack order; `pop` operands first, if any. */
  kids: Expr[];
  /** Body of block/loop/if (the then arm). */
  body: Expr[];
  /** Else arm of an if (null when absent). */
  alt: Expr[] | null;
  /**
   * Primary immediate: local/global/function/table/data/elem index; the type index of
   * call_indirect; the lane of lane ops; the block's type index (-1 = inline block type);
   * the memory index of memory instructions.
   */
  index: number;
  /** Secondary immediate: table of call_indirect, source memory/table of copies, table of table.init, memory of memory.init, lane of load/store_lane. */
  index2: number;
  /** Memory offset of loads/stores. */
  offset: number;
  /** log2 alignment of loads/stores. */
  align: number;
  /** Constant value (see header) or shuffle lanes. */
  value: number | bigint | Uint8Array | null;
  /** Target of br/br_if (a block/loop/if node, or the function body). */
  target: Expr | null;
  /** br_table targets; the last one is the default. */
  targets: Expr[] | null;
  /** Parameter types of block/loop/if, or the value types of a typed select. */
  params: Type;

  constructor(op: number, type: Type, kids: Expr[] = NO_KIDS) {
    this.op = op;
    this.type = type;
    this.kids = kids;
    this.body = NO_KIDS;
    this.alt = null;
    this.index = 0;
    this.index2 = 0;
    this.offset = 0;
    this.align = 0;
    this.value = null;
    this.target = null;
    this.targets = null;
    this.params = NONE;
  }

  get name(): string {
    return OPS[this.op].name;
  }

  isLabel(): boolean {
    return this.op === O.block || this.op === O.loop || this.op === O.if;
  }
}

// ---- small builders used by the reader and by passes --------------------------------------

export function i32Const(v: number): Expr {
  const e = new Expr(O.i32_const, single(I32));
  e.value = v | 0;
  return e;
}

export function i64Const(v: bigint): Expr {
  const e = new Expr(O.i64_const, single(I64));
  e.value = BigInt.asIntN(64, v);
  return e;
}

export function f32Const(bits: number): Expr {
  const e = new Expr(O.f32_const, single(F32));
  e.value = bits >>> 0;
  return e;
}

export function f64Const(bits: bigint): Expr {
  const e = new Expr(O.f64_const, single(F64));
  e.value = BigInt.asUintN(64, bits);
  return e;
}

export function v128Const(bytes: Uint8Array): Expr {
  const e = new Expr(O.v128_const, single(V128));
  e.value = bytes;
  return e;
}

/** The zero a numeric type's locals start with, as a constant (null for v128 and references). */
export function numericZero(t: ValType): Expr | null {
  switch (t) {
    case I32: return i32Const(0);
    case I64: return i64Const(0n);
    case F32: return f32Const(0);
    case F64: return f64Const(0n);
    default: return null;
  }
}

/** A fresh copy of a constant node (`*.const`, `ref.null`); immediates are immutable values but v128 bytes, which are copied. */
/**
 * The instruction itself ends control (br, br_table, return, unreachable, return_call*): the
 * validator's stack is polymorphic after it. Not so after a block/loop/if that never falls
 * through: its declared results are pushed and what follows is typed strictly.
 */
export function endsControl(e: Expr): boolean {
  return (OPS[e.op].effects & Eff.noFallThrough) !== 0;
}

export function copyConst(c: Expr): Expr {
  const e = new Expr(c.op, c.type);
  e.index = c.index;
  e.value = c.value instanceof Uint8Array ? c.value.slice() : c.value;
  return e;
}

export function pop(t: ValType): Expr {
  return new Expr(O.pop, single(t));
}

/** The label a branch to `target` carries values for: a loop takes its params, others their results. */
export function labelTypes(target: Expr): Type {
  return target.op === O.loop ? target.params : target.type;
}
