// Function bodies from bytes to expression trees (see ir/expr.ts for the tree shape).
//
// One loop over the instructions with an explicit stack of open blocks (no recursion, so a
// 100,000-deep nest is fine). Operands are taken from the current body's last roots while
// they are whole single values; otherwise `pop` nodes stand for values already on the stack.
// Code after an unconditional branch up to the end of its block can never run and is skipped
// (the validator still type-checks it from the bytes).
//
// The input is assumed valid (validate first when it may not be); inconsistencies still fail
// with a WasmError rather than producing a wrong tree.

import { Expr, NO_KIDS, pop } from '../ir/expr.js';
import { Eff, Imm, O, type OpInfo } from '../ir/opcodes.js';
import { FUNCREF, I32, NONE, single, type Type, typeOf, type ValType } from '../ir/types.js';
import type { ConstExpr, Features, Func, GlobalType, Module, TableType } from '../ir/module.js';
import { Reader } from './reader.js';
import { BLOCK_EMPTY, blockValType, Instr, readImmediates, readOpcode, readValType } from './instr.js';

/** Module facts the reader needs to type instructions. Build once, read many functions. */
export interface CodeContext {
  types: readonly { params: Type; results: Type }[];
  funcTypes: readonly number[];
  globals: readonly GlobalType[];
  tables: readonly TableType[];
  features: Features;
  /** memory.init and data.drop are malformed without a data count section. */
  hasDataCount: boolean;
}

export function codeContext(m: Module): CodeContext {
  return {
    types: m.types,
    funcTypes: m.funcTypeIndices(),
    globals: m.globalTypes(),
    tables: m.tableTypes(),
    features: m.features,
    hasDataCount: m.hasDataCount,
  };
}

/** Most locals a function may declare (V8's limit, which every engine of note shares). */
export const MAX_LOCALS = 50000;

/** Reads the local declarations at r.pos. */
export function readLocals(r: Reader): ValType[] {
  const groups = r.u32();
  if (groups > r.end - r.pos) r.fail('unexpected end (local declarations)');
  const locals: ValType[] = [];
  let total = 0;
  for (let i = 0; i < groups; i++) {
    const at = r.pos;
    const n = r.u32();
    total += n;
    if (total > MAX_LOCALS) r.fail('too many locals', at);
    const t = readValType(r);
    for (let j = 0; j < n; j++) locals.push(t);
  }
  return locals;
}

export function blockTypeOf(ctx: CodeContext, bt: number, r: Reader, at: number): { params: Type; results: Type } {
  if (bt === BLOCK_EMPTY) return { params: NONE, results: NONE };
  if (bt < 0) return { params: NONE, results: single(blockValType(bt)) };
  const t = ctx.types[bt];
  if (!t) r.fail(`unknown type ${bt}`, at);
  return t;
}

interface Frame {
  node: Expr;
  roots: Expr[];
  /** Value-stack height below the frame (its params are pushed above it). */
  base: number;
  /** Skipping code after an unconditional branch. */
  dead: boolean;
  /** Nesting depth of blocks inside dead code. */
  deadDepth: number;
}

/** Builds trees from instructions; one instance per function or constant expression. */
class Builder {
  frames: Frame[] = [];
  /** Value stack: the root that produced each value when it is still whole and takeable, else null. */
  stE: (Expr | null)[] = [];
  stT: ValType[] = [];
  hasPops = false;
  /** Constant expressions: leave index errors to the validator. */
  lenient = false;
  /** Some unreachable code was skipped (it is not in the tree). */
  droppedCode = false;

  constructor(readonly ctx: CodeContext, readonly locals: readonly ValType[], readonly r: Reader) {}

  open(node: Expr, roots: Expr[], params: Type): void {
    this.frames.push({ node, roots, base: this.stE.length, dead: false, deadDepth: 0 });
    for (const t of params) this.push(null, t);
  }

  push(e: Expr | null, t: ValType): void {
    this.stE.push(e);
    this.stT.push(t);
  }

  /** Takes `n` operands off the stack of the current frame (see file header). */
  take(n: number): Expr[] {
    if (n === 0) return NO_KIDS; // shared (frozen): a leaf allocates no array
    const f = this.frames[this.frames.length - 1];
    const kids = new Array<Expr>(n);
    let popping = false;
    for (let k = n - 1; k >= 0; k--) {
      const h = this.stE.length - 1;
      if (h < f.base) this.r.fail('type mismatch (operand stack underflow)');
      const e = this.stE.pop()!; // (pop, not `length = h`: a runtime call per operand)
      const t = this.stT.pop()!;
      if (!popping && e !== null && f.roots[f.roots.length - 1] === e) {
        f.roots.pop();
        kids[k] = e;
      } else {
        popping = true;
        kids[k] = pop(t);
        this.hasPops = true;
      }
    }
    return kids;
  }

  /** Appends a finished node to the current body and pushes its results. */
  emit(e: Expr): void {
    const f = this.frames[this.frames.length - 1];
    f.roots.push(e);
    const t = e.type;
    if (t.length === 1) this.push(e, t[0]);
    else for (let i = 0; i < t.length; i++) this.push(null, t[i]);
  }

  labelNode(depth: number, at: number): Expr {
    const i = this.frames.length - 1 - depth;
    if (i < 0) this.r.fail(`unknown label ${depth}`, at);
    return this.frames[i].node;
  }

  /** Handles `end` (true when it closed the outermost frame). */
  end(): boolean {
    const f = this.frames.pop()!;
    this.stE.length = f.base;
    this.stT.length = f.base;
    if (this.frames.length === 0) return true;
    this.emit(f.node);
    return false;
  }

  /** Builds a node for one non-structured instruction. */
  simple(info: OpInfo, ins: Instr): Expr | null {
    const ctx = this.ctx;
    const r = this.r;
    const at = ins.at;
    let e: Expr;
    if (info.params !== null) {
      const kids = this.take(info.params.length);
      e = new Expr(info.id, info.results!, kids);
    } else {
      switch (info.id) {
        case O.br: {
          const target = this.labelNode(ins.index, at);
          e = new Expr(info.id, NONE, this.take(labelArity(target)));
          e.target = target;
          break;
        }
        case O.br_if: {
          const target = this.labelNode(ins.index, at);
          const types = labelTypesOf(target);
          e = new Expr(info.id, types, this.take(types.length + 1));
          e.target = target;
          break;
        }
        case O.br_table: {
          const targets = ins.labels.map((d) => this.labelNode(d, at));
          e = new Expr(info.id, NONE, this.take(labelArity(targets[targets.length - 1]) + 1));
          e.targets = targets;
          break;
        }
        case O.return: {
          const body = this.frames[0].node;
          e = new Expr(info.id, NONE, this.take(body.type.length));
          e.target = body;
          break;
        }
        case O.call:
        case O.return_call: {
          const ti = ctx.funcTypes[ins.index];
          if (ti === undefined) r.fail(`unknown function ${ins.index}`, at);
          const t = ctx.types[ti];
          e = new Expr(info.id, info.id === O.call ? t.results : NONE, this.take(t.params.length));
          break;
        }
        case O.call_indirect:
        case O.return_call_indirect: {
          const t = ctx.types[ins.index];
          if (!t) r.fail(`unknown type ${ins.index}`, at);
          e = new Expr(info.id, info.id === O.call_indirect ? t.results : NONE, this.take(t.params.length + 1));
          e.index2 = ins.index2;
          break;
        }
        case O.drop:
          e = new Expr(info.id, NONE, this.take(1));
          break;
        case O.select: {
          const kids = this.take(3);
          e = new Expr(info.id, kids[0].type, kids);
          break;
        }
        case O.select_t:
          e = new Expr(info.id, typeOf(ins.types), this.take(3));
          e.params = typeOf(ins.types);
          break;
        case O.local_get:
          e = new Expr(info.id, single(this.localType(ins.index, at)));
          break;
        case O.local_set:
          this.localType(ins.index, at);
          e = new Expr(info.id, NONE, this.take(1));
          break;
        case O.local_tee:
          e = new Expr(info.id, single(this.localType(ins.index, at)), this.take(1));
          break;
        case O.global_get: {
          const g = ctx.globals[ins.index];
          // In a constant expression an unknown global is a validation error, reported by the validator.
          if (!g && !this.lenient) r.fail(`unknown global ${ins.index}`, at);
          e = new Expr(info.id, single(g ? g.type : I32));
          break;
        }
        case O.global_set:
          e = new Expr(info.id, NONE, this.take(1));
          break;
        case O.table_get:
          e = new Expr(info.id, single(this.tableType(ins.index, at)), this.take(1));
          break;
        case O.table_set:
          e = new Expr(info.id, NONE, this.take(2));
          break;
        case O.table_grow:
          e = new Expr(info.id, single(I32), this.take(2));
          break;
        case O.table_fill:
          e = new Expr(info.id, NONE, this.take(3));
          break;
        case O.ref_null:
          e = new Expr(info.id, single(ins.index));
          break;
        case O.ref_is_null:
          e = new Expr(info.id, single(I32), this.take(1));
          break;
        case O.ref_func:
          e = new Expr(info.id, single(FUNCREF));
          break;
        default:
          return r.fail(`unexpected opcode ${info.name}`, at);
      }
    }
    e.index = ins.index;
    if (info.imm === Imm.memarg || info.imm === Imm.memargLane) {
      e.offset = ins.offset;
      e.align = ins.align;
    }
    if (info.imm === Imm.memargLane || info.imm === Imm.memInit || info.imm === Imm.tableInit ||
        info.imm === Imm.memCopy || info.imm === Imm.tableCopy) e.index2 = ins.index2;
    if (ins.value !== null) e.value = ins.value;
    return e;
  }

  localType(i: number, at: number): ValType {
    const t = this.locals[i];
    if (t === undefined) this.r.fail(`unknown local ${i}`, at);
    return t;
  }

  tableType(i: number, at: number): ValType {
    const t = this.ctx.tables[i];
    if (!t) this.r.fail(`unknown table ${i}`, at);
    return t.elem;
  }

  /** Runs until the outermost frame closes. */
  run(): void {
    const r = this.r;
    const ctx = this.ctx;
    const ins = new Instr();
    for (;;) {
      ins.at = r.pos;
      ins.value = null;
      ins.index = 0;
      ins.index2 = 0;
      const info = readOpcode(r, ctx.features);
      readImmediates(r, info, ins, ctx.features);
      const f = this.frames[this.frames.length - 1];
      const code = info.prefix === 0 ? info.code : -1;
      if (f.dead) {
        // skip unreachable code up to the else/end of this frame
        if (f.deadDepth > 0 || (code !== 0x0b && code !== 0x05)) this.droppedCode = true;
        if (info.id === O.block || info.id === O.loop || info.id === O.if) f.deadDepth++;
        else if (code === 0x0b && f.deadDepth > 0) f.deadDepth--;
        else if (code === 0x05 && f.deadDepth === 0) this.elseArm(f, ins.at);
        else if (code === 0x0b) {
          if (this.end()) return;
        }
        continue;
      }
      if (info.id === O.block || info.id === O.loop || info.id === O.if) {
        const bt = blockTypeOf(ctx, ins.blockType, r, ins.at);
        const node = new Expr(info.id, bt.results, this.take(bt.params.length + (info.id === O.if ? 1 : 0)));
        node.params = bt.params;
        node.index = ins.blockType >= 0 ? ins.blockType : -1;
        node.body = [];
        this.open(node, node.body, bt.params);
        continue;
      }
      if (code === 0x05) {
        // else
        if (f.node.op !== O.if || f.node.alt !== null) r.fail('else without matching if', ins.at);
        this.elseArm(f, ins.at);
        continue;
      }
      if (code === 0x0b) {
        if (this.end()) return;
        continue;
      }
      if ((info.imm === Imm.memInit || info.imm === Imm.data) && !ctx.hasDataCount) {
        r.fail('data count section required', ins.at);
      }
      const e = this.simple(info, ins);
      if (e === null) continue;
      this.emit(e);
      if (info.effects & Eff.noFallThrough) {
        f.dead = true;
        f.deadDepth = 0;
      }
    }
  }

  elseArm(f: Frame, at: number): void {
    if (f.node.op !== O.if) this.r.fail('else without matching if', at);
    f.node.alt = [];
    f.roots = f.node.alt;
    f.dead = false;
    this.stE.length = f.base;
    this.stT.length = f.base;
    for (const t of f.node.params) this.push(null, t);
  }
}

function labelTypesOf(target: Expr): Type {
  return target.op === O.loop ? target.params : target.type;
}
function labelArity(target: Expr): number {
  return labelTypesOf(target).length;
}

/** Decodes a function body (the bytes of one code entry after its size) into a tree. */
export function readFunctionBody(ctx: CodeContext, m: Module, f: Func): Expr {
  const src = m.source(f);
  const r = new Reader(src.bytes, src.start, src.end);
  const locals = readLocals(r);
  const sig = ctx.types[f.type];
  if (!sig) r.fail(`unknown type ${f.type}`, f.start);
  const all = (sig.params as ValType[]).concat(locals);
  const b = new Builder(ctx, all, r);
  const body = new Expr(O.block, sig.results);
  body.body = [];
  body.index = -1;
  b.open(body, body.body, NONE);
  b.run();
  if (r.pos !== r.end) r.fail('section size mismatch (code after function end)');
  f.locals = locals;
  f.tree = body;
  f.hasPops = b.hasPops;
  f.droppedCode = b.droppedCode;
  return body;
}

/** Reads a constant expression (global init, segment offset, elem item) up to its `end`. */
export function readConstExpr(r: Reader, features: Features, globals: readonly GlobalType[] = []): ConstExpr {
  const ctx: CodeContext = { types: [], funcTypes: [], globals, tables: [], features, hasDataCount: false };
  const b = new Builder(ctx, [], r);
  b.lenient = true;
  const root = new Expr(O.block, NONE);
  root.body = [];
  b.open(root, root.body, NONE);
  b.run();
  return root.body;
}
