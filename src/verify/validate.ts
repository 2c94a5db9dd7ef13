// The validator: WebAssembly 2.0 validation of a module and of every function body, run on
// the bytes of each body (the spec's algorithm with an operand and a control stack), so that
// unreachable code is checked too. Changed functions are written to bytes first, so one
// checker serves input validation and the check after every pass.
//
// Errors are WasmErrors with the spec's wording where it has one and the offset of the
// offending instruction (or of the function for IR-level checks).

import { CodeWriter } from '../binary/code-writer.js';
import { internType } from '../binary/encode.js';
import {
  BLOCK_EMPTY, blockValType, Instr, readImmediates, readOpcode,
} from '../binary/instr.js';
import { Reader, WasmError } from '../binary/reader.js';
import { readLocals } from '../binary/code-reader.js';
import { Writer } from '../binary/writer.js';
import { accessBits, Eff, Imm, naturalAlignment, O, OPS, type OpInfo } from '../ir/opcodes.js';
import type { ConstExpr, Func, GlobalType, Limits, Module, TableType } from '../ir/module.js';
import {
  F32, F64, FUNCREF, I32, I64, isNumType, isRefType, NONE, V128, valTypeName, type Type, type ValType,
} from '../ir/types.js';

/** The bottom type of the polymorphic stack after an unconditional branch. */
const UNKNOWN = 0;

/** log2 of the natural alignment of memory instructions, and lane counts, derived from the table. */
const NATURAL = new Map<number, number>();
const LANES = new Map<number, number>();
for (const info of OPS) {
  const n = info.name;
  if (info.imm === Imm.memarg || info.imm === Imm.memargLane) {
    NATURAL.set(info.id, naturalAlignment(info.id));
    if (info.imm === Imm.memargLane) LANES.set(info.id, 128 / accessBits(n));
  } else if (info.imm === Imm.lane) {
    LANES.set(info.id, Number(/x(\d+)/.exec(n)![1]));
  }
}

interface Ctx {
  m: Module;
  types: Module['types'];
  funcTypes: number[];
  globals: GlobalType[];
  tables: TableType[];
  memories: Limits[];
  /** Functions that may be named by ref.func in code (declared outside function bodies). */
  refs: Set<number>;
  numImportedGlobals: number;
}

function context(m: Module): Ctx {
  const refs = new Set<number>();
  const noteRefs = (e: ConstExpr) => {
    for (const x of e) if (x.op === O.ref_func) refs.add(x.index);
  };
  for (const g of m.globals) noteRefs(g.init);
  for (const e of m.elems) {
    if (e.funcs) for (const f of e.funcs) refs.add(f);
    if (e.exprs) for (const x of e.exprs) noteRefs(x);
  }
  for (const e of m.exports) if (e.kind === 'func') refs.add(e.index);
  return {
    m, types: m.types, funcTypes: m.funcTypeIndices(), globals: m.globalTypes(), tables: m.tableTypes(),
    memories: m.memoryTypes(), refs, numImportedGlobals: m.numImportedGlobals,
  };
}

function fail(message: string, at = 0): never {
  throw new WasmError(message, at);
}

// ---- module level ----------------------------------------------------------------------

function checkLimits(l: Limits, bound: number, what: string): void {
  if (l.min > bound) fail(`${what} size must be at most ${bound} pages (4GiB)`);
  if (l.max !== null && l.max > bound) fail(`${what} size must be at most ${bound} pages (4GiB)`);
  if (l.max !== null && l.max < l.min) fail('size minimum must not be greater than maximum');
  if (l.shared && l.max === null) fail('shared memory must have maximum');
}

function checkTableType(t: TableType): void {
  if (t.limits.max !== null && t.limits.max < t.limits.min) fail('size minimum must not be greater than maximum');
}

/** Type of a constant expression, checking it is one. */
function constExprType(c: Ctx, e: ConstExpr, importedOnly: boolean): ValType {
  if (e.length !== 1) fail(e.length === 0 ? 'type mismatch (empty constant expression)' : 'type mismatch (constant expression with several values)');
  const x = e[0];
  switch (x.op) {
    case O.i32_const: return I32;
    case O.i64_const: return I64;
    case O.f32_const: return F32;
    case O.f64_const: return F64;
    case O.v128_const: return V128;
    case O.ref_null: return x.index;
    case O.ref_func:
      if (x.index >= c.funcTypes.length) fail(`unknown function ${x.index}`);
      return FUNCREF;
    case O.global_get: {
      const limit = importedOnly ? c.numImportedGlobals : c.globals.length;
      if (x.index >= limit) fail(`unknown global ${x.index}`);
      const g = c.globals[x.index];
      if (g.mutable) fail('constant expression required');
      return g.type;
    }
    default:
      fail('constant expression required');
  }
}

function expectConst(c: Ctx, e: ConstExpr, t: ValType): void {
  const got = constExprType(c, e, true);
  if (got !== t) fail(`type mismatch (expected ${valTypeName(t)}, got ${valTypeName(got)})`);
}

export function validateModule(m: Module): void {
  const c = context(m);
  for (const imp of m.imports) {
    const d = imp.desc;
    if (d.kind === 'func' && d.type >= m.types.length) fail(`unknown type ${d.type}`);
    if (d.kind === 'table') checkTableType(d.table);
    if (d.kind === 'memory') checkLimits(d.memory, 65536, 'memory');
  }
  for (const f of m.funcs) if (f.type >= m.types.length) fail(`unknown type ${f.type}`);
  for (const t of m.tables) checkTableType(t);
  for (const l of m.memories) checkLimits(l, 65536, 'memory');
  if (c.memories.length > 1 && !m.features.multiMemory) fail('multiple memories');
  for (const g of m.globals) expectConst(c, g.init, g.type.type);
  const names = new Set<string>();
  for (const e of m.exports) {
    if (names.has(e.name)) fail('duplicate export name');
    names.add(e.name);
    const limit = e.kind === 'func' ? c.funcTypes.length : e.kind === 'table' ? c.tables.length
      : e.kind === 'memory' ? c.memories.length : c.globals.length;
    if (e.index >= limit) fail(`unknown ${e.kind === 'func' ? 'function' : e.kind} ${e.index}`);
  }
  if (m.start !== null) {
    const ti = c.funcTypes[m.start];
    if (ti === undefined) fail(`unknown function ${m.start}`);
    const t = m.types[ti];
    if (t.params.length || t.results.length) fail('start function must have type [] -> []');
  }
  for (const e of m.elems) {
    if (e.mode === 'active') {
      const t = c.tables[e.table];
      if (!t) fail(`unknown table ${e.table}`);
      expectConst(c, e.offset!, I32);
      if (t.elem !== e.type) fail('type mismatch (element segment type does not match table)');
    }
    if (e.funcs) for (const f of e.funcs) if (f >= c.funcTypes.length) fail(`unknown function ${f}`);
    if (e.exprs) for (const x of e.exprs) expectConst(c, x, e.type);
  }
  for (const d of m.datas) {
    if (d.mode === 'active') {
      if (d.memory >= c.memories.length) fail(`unknown memory ${d.memory}`);
      expectConst(c, d.offset!, I32);
    }
  }
  for (const f of m.funcs) validateFunctionIn(c, f);
}

/** Validates one function (its tree when it has been changed, else its input bytes). */
export function validateFunction(m: Module, f: Func): void {
  validateFunctionIn(context(m), f);
}

function validateFunctionIn(c: Ctx, f: Func): void {
  const m = c.m;
  if (f.tree && (f.dirty || f.start < 0)) {
    const w = new Writer();
    try {
      new CodeWriter(w, (p, r) => internType(m, p, r)).writeFunction(f.locals, f.tree);
    } catch (e) {
      fail(`invalid tree: ${(e as Error).message}`);
    }
    const bytes = w.finish();
    checkBody(c, f, new Reader(bytes, 0, bytes.length));
  } else {
    const src = m.source(f);
    checkBody(c, f, new Reader(src.bytes, src.start, src.end));
  }
}

// ---- function bodies --------------------------------------------------------------------

interface Ctrl {
  op: number;
  start: Type;
  end: Type;
  height: number;
  unreachable: boolean;
  sawElse: boolean;
}

function checkBody(c: Ctx, f: Func, r: Reader): void {
  const m = c.m;
  const sig = m.types[f.type];
  const locals = (sig.params as ValType[]).concat(readLocals(r));
  const vals: ValType[] = [];
  const ctrls: Ctrl[] = [];
  const features = m.features;
  let at = r.pos;
  const err = (msg: string): never => fail(msg, at);

  const push = (t: ValType) => vals.push(t);
  const popAny = (): ValType => {
    const top = ctrls[ctrls.length - 1];
    if (vals.length === top.height) {
      if (top.unreachable) return UNKNOWN;
      err('type mismatch (operand stack empty)');
    }
    return vals.pop()!;
  };
  const pop = (expect: ValType): ValType => {
    const actual = popAny();
    if (actual !== expect && actual !== UNKNOWN && expect !== UNKNOWN) {
      err(`type mismatch (expected ${valTypeName(expect)}, got ${valTypeName(actual)})`);
    }
    return actual;
  };
  const popTypes = (ts: Type) => {
    for (let i = ts.length - 1; i >= 0; i--) pop(ts[i]);
  };
  const pushTypes = (ts: Type) => {
    for (const t of ts) vals.push(t);
  };
  const pushCtrl = (op: number, start: Type, end: Type) => {
    ctrls.push({ op, start, end, height: vals.length, unreachable: false, sawElse: false });
    pushTypes(start);
  };
  const popCtrl = (): Ctrl => {
    const top = ctrls[ctrls.length - 1];
    popTypes(top.end);
    if (vals.length !== top.height) err('type mismatch (values remaining on stack at end of block)');
    ctrls.pop();
    return top;
  };
  const labelTypes = (ct: Ctrl) => (ct.op === O.loop ? ct.start : ct.end);
  const label = (depth: number): Ctrl => {
    if (depth >= ctrls.length) err(`unknown label ${depth}`);
    return ctrls[ctrls.length - 1 - depth];
  };
  const unreachable = () => {
    const top = ctrls[ctrls.length - 1];
    vals.length = top.height;
    top.unreachable = true;
  };
  const memory = (i: number) => {
    if (i >= c.memories.length) err(`unknown memory ${i}`);
  };
  const table = (i: number): TableType => {
    const t = c.tables[i];
    if (!t) err(`unknown table ${i}`);
    return t;
  };
  const funcType = (i: number) => {
    const ti = c.funcTypes[i];
    if (ti === undefined) err(`unknown function ${i}`);
    return m.types[ti];
  };
  const typeAt = (i: number) => {
    const t = m.types[i];
    if (!t) err(`unknown type ${i}`);
    return t;
  };
  const local = (i: number): ValType => {
    const t = locals[i];
    if (t === undefined) err(`unknown local ${i}`);
    return t;
  };
  const dataIndex = (i: number) => {
    if (!m.hasDataCount) err('data count section required');
    if (i >= m.datas.length) err(`unknown data segment ${i}`);
  };
  const elem = (i: number) => {
    if (i >= m.elems.length) err(`unknown elem segment ${i}`);
    return m.elems[i];
  };
  const sameResults = (a: Type, b: Type) => a.length === b.length && a.every((t, i) => t === b[i]);

  pushCtrl(O.block, NONE, sig.results);
  ctrls[0].height = 0;
  const ins = new Instr();
  while (ctrls.length > 0) {
    at = r.pos;
    ins.index = 0;
    ins.index2 = 0;
    const info: OpInfo = readOpcode(r, features);
    readImmediates(r, info, ins, features);
    const op = info.id;
    const code = info.prefix === 0 ? info.code : -1;
    if (code === 0x05) {
      const top = ctrls[ctrls.length - 1];
      if (top.op !== O.if || top.sawElse) err('else without matching if');
      popCtrl();
      pushCtrl(O.if, top.start, top.end);
      ctrls[ctrls.length - 1].sawElse = true;
      continue;
    }
    if (code === 0x0b) {
      const top = popCtrl();
      if (top.op === O.if && !top.sawElse && !sameResults(top.start, top.end)) {
        err('type mismatch (if without else must not change the stack type)');
      }
      if (ctrls.length > 0) pushTypes(top.end);
      continue;
    }
    if (info.imm === Imm.memarg || info.imm === Imm.memargLane) {
      memory(ins.index);
      if (ins.align > NATURAL.get(op)!) err('alignment must not be larger than natural');
      if (info.prefix === 0xfe && ins.align !== NATURAL.get(op)!) err('atomic alignment must be natural');
    }
    if (info.imm === Imm.memargLane || info.imm === Imm.lane) {
      if (ins.index2 >= LANES.get(op)! && info.imm === Imm.memargLane) err('invalid lane index');
      if (info.imm === Imm.lane && ins.index >= LANES.get(op)!) err('invalid lane index');
    }
    if (info.imm === Imm.shuffle) {
      for (const b of ins.value as Uint8Array) if (b >= 32) err('invalid lane index');
    }
    if (info.params !== null) {
      switch (info.imm) {
        case Imm.mem: memory(ins.index); break;
        case Imm.memCopy: memory(ins.index); memory(ins.index2); break;
        case Imm.memInit: memory(ins.index); dataIndex(ins.index2); break;
        case Imm.data: dataIndex(ins.index); break;
        case Imm.table: table(ins.index); break;
        case Imm.elem: elem(ins.index); break;
        case Imm.tableInit: {
          const t = table(ins.index);
          if (elem(ins.index2).type !== t.elem) err('type mismatch (element segment type)');
          break;
        }
        case Imm.tableCopy: {
          const d = table(ins.index);
          const s = table(ins.index2);
          if (d.elem !== s.elem) err('type mismatch (table element types differ)');
          break;
        }
      }
      popTypes(info.params);
      pushTypes(info.results!);
      if (info.effects & Eff.noFallThrough) unreachable();
      continue;
    }
    switch (op) {
      case O.block:
      case O.loop:
      case O.if: {
        let start: Type = NONE;
        let end: Type = NONE;
        if (ins.blockType === BLOCK_EMPTY) { /* [] -> [] */ }
        else if (ins.blockType < 0) end = [blockValType(ins.blockType)];
        else {
          const t = typeAt(ins.blockType);
          start = t.params;
          end = t.results;
        }
        if (op === O.if) pop(I32);
        popTypes(start);
        pushCtrl(op, start, end);
        break;
      }
      case O.br: {
        popTypes(labelTypes(label(ins.index)));
        unreachable();
        break;
      }
      case O.br_if: {
        pop(I32);
        const ts = labelTypes(label(ins.index));
        popTypes(ts);
        pushTypes(ts);
        break;
      }
      case O.br_table: {
        pop(I32);
        const labels = ins.labels;
        const dflt = labelTypes(label(labels[labels.length - 1]));
        for (let i = 0; i < labels.length - 1; i++) {
          const ts = labelTypes(label(labels[i]));
          if (ts.length !== dflt.length) err('type mismatch (br_table labels of different arity)');
          // check the stack against each label without consuming it (the spec's push_vals(pop_vals(...)))
          const popped: ValType[] = [];
          for (let j = ts.length - 1; j >= 0; j--) popped.push(pop(ts[j]));
          for (let j = popped.length - 1; j >= 0; j--) vals.push(popped[j]);
        }
        popTypes(dflt);
        unreachable();
        break;
      }
      case O.return:
        popTypes(sig.results);
        unreachable();
        break;
      case O.call: {
        const t = funcType(ins.index);
        popTypes(t.params);
        pushTypes(t.results);
        break;
      }
      case O.call_indirect: {
        if (table(ins.index2).elem !== FUNCREF) err('type mismatch (call_indirect table must be funcref)');
        const t = typeAt(ins.index);
        pop(I32);
        popTypes(t.params);
        pushTypes(t.results);
        break;
      }
      case O.return_call:
      case O.return_call_indirect: {
        let t;
        if (op === O.return_call) t = funcType(ins.index);
        else {
          if (table(ins.index2).elem !== FUNCREF) err('type mismatch (return_call_indirect table must be funcref)');
          t = typeAt(ins.index);
          pop(I32);
        }
        if (!sameResults(t.results, sig.results)) err('type mismatch (tail call results differ from the function\'s)');
        popTypes(t.params);
        unreachable();
        break;
      }
      case O.drop:
        popAny();
        break;
      case O.select: {
        pop(I32);
        const t1 = popAny();
        const t2 = popAny();
        if ((t1 !== UNKNOWN && !isNumType(t1) && t1 !== V128) || (t2 !== UNKNOWN && !isNumType(t2) && t2 !== V128)) {
          err('type mismatch (select operands must be numeric)');
        }
        if (t1 !== t2 && t1 !== UNKNOWN && t2 !== UNKNOWN) err('type mismatch (select operands differ)');
        push(t1 === UNKNOWN ? t2 : t1);
        break;
      }
      case O.select_t: {
        if (ins.types.length !== 1) err('invalid result arity');
        const t = ins.types[0];
        pop(I32);
        pop(t);
        pop(t);
        push(t);
        break;
      }
      case O.local_get:
        push(local(ins.index));
        break;
      case O.local_set:
        pop(local(ins.index));
        break;
      case O.local_tee: {
        const t = local(ins.index);
        pop(t);
        push(t);
        break;
      }
      case O.global_get: {
        const g = c.globals[ins.index];
        if (!g) err(`unknown global ${ins.index}`);
        push(g.type);
        break;
      }
      case O.global_set: {
        const g = c.globals[ins.index];
        if (!g) err(`unknown global ${ins.index}`);
        if (!g.mutable) err('global is immutable');
        pop(g.type);
        break;
      }
      case O.table_get:
        pop(I32);
        push(table(ins.index).elem);
        break;
      case O.table_set:
        pop(table(ins.index).elem);
        pop(I32);
        break;
      case O.table_grow:
        pop(I32);
        pop(table(ins.index).elem);
        push(I32);
        break;
      case O.table_fill:
        pop(I32);
        pop(table(ins.index).elem);
        pop(I32);
        break;
      case O.ref_null:
        push(ins.index);
        break;
      case O.ref_is_null: {
        const t = popAny();
        if (t !== UNKNOWN && !isRefType(t)) err('type mismatch (ref.is_null needs a reference)');
        push(I32);
        break;
      }
      case O.ref_func:
        funcType(ins.index);
        if (!c.refs.has(ins.index)) err('undeclared function reference');
        push(FUNCREF);
        break;
      default:
        err(`unexpected opcode ${info.name}`);
    }
  }
  if (r.pos !== r.end) fail('section size mismatch (operators after the function end)', r.pos);
}
