// A folded S-expression printer of the IR, for humans and lit tests (the `--wat` output of
// whole modules goes through wabt instead). It shows the tree exactly as passes see it:
// one node per line, operands indented below it, `pop` operands as `(pop t)`, labels named
// $B0, $B1 ... in pre-order and the function frame as $fn. Iterative.

import type { Expr } from '../ir/expr.js';
import type { Func, Module } from '../ir/module.js';
import { Imm, naturalAlignment, O, OPS, textName } from '../ir/opcodes.js';
import { type Type, valTypeName } from '../ir/types.js';

function resultClause(t: Type): string {
  return t.length === 0 ? '' : ` (result ${t.map(valTypeName).join(' ')})`;
}

function paramClause(t: Type): string {
  return t.length === 0 ? '' : ` (param ${t.map(valTypeName).join(' ')})`;
}

function floatText(v: number, bits: bigint | number, width: 32 | 64): string {
  if (Number.isNaN(v)) {
    const b = BigInt(bits);
    const sign = width === 32 ? (b >> 31n) & 1n : (b >> 63n) & 1n;
    const payload = width === 32 ? b & 0x7fffffn : b & 0xfffffffffffffn;
    return `${sign ? '-' : ''}nan:0x${payload.toString(16)}`;
  }
  if (Object.is(v, -0)) return '-0';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (width === 64) return String(v);
  // the shortest decimal that reads back as the same f32
  for (let p = 1; p < 9; p++) {
    const t = v.toPrecision(p);
    if (Math.fround(Number(t)) === v) return String(Number(t));
  }
  return String(v);
}

const f32buf = new DataView(new ArrayBuffer(8));

/** The node's opcode and immediates, as in the text format (labels resolved by `label`). */
function head(e: Expr, label: (t: Expr | null) => string, funcName: (i: number) => string): string {
  const info = OPS[e.op];
  const name = textName(e.op);
  switch (info.imm) {
    case Imm.none:
    case Imm.zeroByte:
      return e.op === O.pop ? `pop ${valTypeName(e.type[0])}` : name;
    case Imm.label:
      return `${name} ${label(e.target)}`;
    case Imm.brTable:
      return `${name} ${e.targets!.map(label).join(' ')}`;
    case Imm.func:
      return `${name} ${funcName(e.index)}`;
    case Imm.callIndirect:
      return `${name} ${e.index2} (type ${e.index})`;
    case Imm.memarg:
    case Imm.memargLane: {
      let s = name;
      if (e.index !== 0) s += ` ${e.index}`;
      if (e.offset !== 0) s += ` offset=${e.offset}`;
      if (e.align !== naturalAlignment(e.op)) s += ` align=${1 << e.align}`;
      if (info.imm === Imm.memargLane) s += ` ${e.index2}`;
      return s;
    }
    case Imm.mem:
      return e.index === 0 ? name : `${name} ${e.index}`;
    case Imm.memCopy:
    case Imm.tableCopy:
    case Imm.memInit:
    case Imm.tableInit:
      return `${name} ${e.index} ${e.index2}`;
    case Imm.i32:
    case Imm.i64:
      return `${name} ${e.value}`;
    case Imm.f32:
      f32buf.setUint32(0, e.value as number);
      return `${name} ${floatText(f32buf.getFloat32(0), e.value as number, 32)}`;
    case Imm.f64:
      f32buf.setBigUint64(0, e.value as bigint);
      return `${name} ${floatText(f32buf.getFloat64(0), e.value as bigint, 64)}`;
    case Imm.v128:
    case Imm.shuffle: {
      const b = e.value as Uint8Array;
      return info.imm === Imm.v128 ? `${name} i8x16 ${Array.from(b).join(' ')}` : `${name} ${Array.from(b).join(' ')}`;
    }
    case Imm.selectT:
      return `${name}${resultClause(e.params)}`;
    case Imm.refNull:
      return `${name} ${e.index === 0x70 ? 'func' : 'extern'}`;
    default:
      return `${name} ${e.index}`;
  }
}

export interface PrintNames {
  func?: (index: number) => string;
}

/** Prints a list of roots with `indent` spaces, labels numbered from the frame `fn`. */
export function printExprs(roots: readonly Expr[], fn: Expr | null, indent = 2, names: PrintNames = {}): string {
  const lines: string[] = [];
  const labels = new Map<Expr, string>();
  if (fn) labels.set(fn, '$fn');
  const label = (t: Expr | null) => (t && labels.get(t)) || '$?';
  const funcName = names.func ?? ((i: number) => String(i));
  // work items: a node to open at a depth, or a closing ')' to append to the last line
  const stack: (Expr | number | string)[] = [];
  const pushList = (list: readonly Expr[], depth: number) => {
    for (let i = list.length - 1; i >= 0; i--) stack.push(list[i], depth);
  };
  for (let i = roots.length - 1; i >= 0; i--) stack.push(roots[i], indent);
  while (stack.length > 0) {
    const depthOrClose = stack.pop()!;
    if (typeof depthOrClose === 'string') {
      // a clause opener like "(then" at the given depth, or a close paren
      if (depthOrClose === ')') lines[lines.length - 1] += ')';
      else lines.push(depthOrClose);
      continue;
    }
    const e = stack.pop() as Expr;
    const depth = depthOrClose as number;
    const pad = ' '.repeat(depth);
    if (e.isLabel()) {
      const name = `$B${labels.size - (fn ? 1 : 0)}`;
      labels.set(e, name);
      lines.push(`${pad}(${OPS[e.op].name} ${name}${paramClause(e.params)}${resultClause(e.type)}`);
      stack.push(')');
      if (e.op === O.if) {
        if (e.alt !== null) {
          stack.push(')');
          pushList(e.alt, depth + 4);
          stack.push(`${pad}  (else`);
        }
        stack.push(')');
        pushList(e.body, depth + 4);
        stack.push(`${pad}  (then`);
      } else pushList(e.body, depth + 2);
      pushList(e.kids, depth + 2);
      continue;
    }
    lines.push(`${pad}(${head(e, label, funcName)}`);
    stack.push(')');
    pushList(e.kids, depth + 2);
  }
  return lines.join('\n');
}

/** Prints one function: signature, locals and body. */
export function printFunction(m: Module, f: Func, body: Expr, name: string): string {
  const sig = m.types[f.type];
  let s = `(func ${name}${paramClause(sig.params)}${resultClause(sig.results)}`;
  if (f.locals.length > 0) s += `\n  (local ${f.locals.map(valTypeName).join(' ')})`;
  const text = printExprs(body.body, body, 2);
  return s + (text ? '\n' + text : '') + ')';
}
