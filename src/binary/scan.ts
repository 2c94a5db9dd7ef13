// Function references of a body without building its tree: the `call`, `return_call` and
// `ref.func` instructions of a function, read straight from its bytes (or from its tree when it
// has one). Module passes that only need the call graph (dead-functions, duplicate-functions,
// the inliner's call graph) use it instead of decoding every body at once: a 35 MB module is
// millions of nodes, while a scan allocates nothing per instruction.
//
// Code after an unconditional branch up to the end of its block is skipped, exactly as the
// code reader (code-reader.ts) skips it, so a scan reports the same references as a walk over
// the decoded tree. The body is assumed valid (validate first).

import type { ConstExpr, Features, Func, Module } from '../ir/module.js';
import { Eff, Imm, O, type OpInfo } from '../ir/opcodes.js';
import { forEachExpr } from '../ir/walk.js';
import { BLOCK_EMPTY, blockValType, Instr, readImmediates, readOpcode, writeImmediates, writeOpcode } from './instr.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

export interface ScanResult {
  /** The bytes hold unreachable code that a decoded tree would not (see Func.droppedCode). */
  droppedCode: boolean;
  /**
   * Reachable instructions other than `else`/`end`: the nodes of the decoded tree but its
   * `pop`s (so the tree's `countExprs` when it has none, never less).
   */
  instrs: number;
}

/** Skips one LEB128 number (the body is valid: no checks). */
function skipLeb(r: Reader): void {
  while ((r.bytes[r.pos++] & 0x80) !== 0) { /* continuation byte */ }
}

/**
 * `readImmediates`, but the immediates a scan never reports (constants, br_table labels, select
 * types) are skipped instead of built: no bigint, byte copy or array per instruction.
 */
function scanImmediates(r: Reader, info: OpInfo, ins: Instr, features: Features): void {
  switch (info.imm) {
    case Imm.none:
      return;
    case Imm.i32:
    case Imm.i64:
      skipLeb(r);
      return;
    case Imm.f32:
      r.pos += 4;
      return;
    case Imm.f64:
      r.pos += 8;
      return;
    case Imm.v128:
    case Imm.shuffle:
      r.pos += 16;
      return;
    case Imm.brTable:
      for (let n = r.u32(); n >= 0; n--) skipLeb(r);
      return;
    case Imm.selectT:
      r.pos += r.u32();
      return;
    default:
      readImmediates(r, info, ins, features);
  }
}

const FUNC_REFS: ReadonlySet<number> = new Set([O.call, O.return_call, O.ref_func]);

/**
 * Calls `visit(op, index)` for every `call`, `return_call` and `ref.func` of `f`'s body, in
 * order. Uses the tree when `f` has one (it may have changed since the bytes were written).
 */
export function scanFuncRefs(m: Module, f: Func, visit: (op: number, index: number) => void): ScanResult {
  return scanOps(m, f, FUNC_REFS, visit);
}

/**
 * Calls `visit(op, index, index2)` for every instruction of `f`'s reachable code whose op is in
 * `ops`, in order, with its index immediates as a decoded node holds them (`Expr.index`,
 * `Expr.index2`: call, ref.func, global.*, local.*, the table and segment indices of table
 * instructions and call_indirect...).
 */
export function scanOps(m: Module, f: Func, ops: ReadonlySet<number>,
  visit: (op: number, index: number, index2: number) => void): ScanResult {
  if (f.tree === null) {
    // the bytes of a function without a tree are scanned once per op set: module passes scan
    // every body each time they run (the pipelines run them a dozen times), and most bodies
    // have not changed since the last scan (a pass that changes one gives it new bytes)
    let c = scanned.get(f);
    if (c === undefined || c.code !== f.code) scanned.set(f, (c = { code: f.code, byOps: new Map() }));
    const key = opsKey(ops);
    let hit = c.byOps.get(key);
    if (hit === undefined) {
      const found: number[] = [];
      const r = scanBytes(m, f, ops, (op, index, index2) => { found.push(op, index, index2); });
      c.byOps.set(key, (hit = { found: Int32Array.from(found), result: r }));
    }
    const found = hit.found;
    for (let i = 0; i < found.length; i += 3) visit(found[i], found[i + 1], found[i + 2]);
    return hit.result;
  }
  let instrs = 0;
  forEachExpr(f.tree.body, (e) => {
    if (e.op !== O.pop) instrs++;
    if (ops.has(e.op)) visit(e.op, e.index, e.index2);
  });
  return { droppedCode: f.droppedCode, instrs };
}

/** What `scanOps` found in a function's bytes, per op set (`opsKey`), while its bytes stay the same. */
const scanned = new WeakMap<Func, { code: Uint8Array | null; byOps: Map<string, { found: Int32Array; result: ScanResult }> }>();

const opsKeys = new WeakMap<ReadonlySet<number>, string>();
/** The op set's contents as a key (passes build equal sets in separate runs). */
function opsKey(ops: ReadonlySet<number>): string {
  let k = opsKeys.get(ops);
  if (k === undefined) opsKeys.set(ops, (k = [...ops].sort((a, b) => a - b).join(',')));
  return k;
}

/** `scanOps` on the bytes (`m.source(f)`). */
function scanBytes(m: Module, f: Func, ops: ReadonlySet<number>,
  visit: (op: number, index: number, index2: number) => void): ScanResult {
  const src = m.source(f);
  const r = new Reader(src.bytes, src.start, src.end);
  // local declarations: groups of (count, type)
  for (let g = r.u32(); g > 0; g--) {
    r.u32();
    r.u8();
  }
  const features = m.features;
  const ins = new Instr();
  let depth = 0; // open blocks (the function body is depth 0)
  let dead = false; // skipping unreachable code up to the else/end of the current block
  let deadDepth = 0; // blocks opened inside that unreachable code
  let dropped = false;
  let instrs = 0;
  while (r.pos < r.end) {
    const info = readOpcode(r, features);
    scanImmediates(r, info, ins, features);
    const id = info.id;
    const code = info.prefix === 0 ? info.code : -1;
    const opens = id === O.block || id === O.loop || id === O.if;
    if (dead) {
      if (deadDepth > 0 || (code !== 0x0b && code !== 0x05)) dropped = true;
      if (opens) deadDepth++;
      else if (code === 0x0b && deadDepth > 0) deadDepth--;
      else if (code === 0x05 && deadDepth === 0) dead = false;
      else if (code === 0x0b) {
        dead = false;
        if (--depth < 0) break;
      }
      continue;
    }
    if (code === 0x0b) {
      if (--depth < 0) break;
      continue;
    }
    if (code === 0x05) continue; // the else of a live then-arm
    instrs++;
    if (opens) depth++;
    else if (ops.has(id)) visit(id, ins.index, ins.index2);
    if ((info.effects & Eff.noFallThrough) !== 0) {
      dead = true;
      deadDepth = 0;
    }
  }
  return { droppedCode: dropped, instrs };
}

/**
 * Per defined function (position in m.funcs): something other than a direct call can reach it
 * (export, start, any element segment, a `ref.func` in any body or constant expression), so its
 * identity and signature are observable.
 */
export function referencedFuncs(m: Module): Uint8Array {
  const nImp = m.numImportedFuncs;
  const out = new Uint8Array(m.funcs.length);
  const mark = (i: number) => {
    if (i >= nImp && i - nImp < out.length) out[i - nImp] = 1;
  };
  for (const e of m.exports) if (e.kind === 'func') mark(e.index);
  if (m.start !== null) mark(m.start);
  const consts: ConstExpr[] = [];
  for (const g of m.globals) consts.push(g.init);
  for (const el of m.elems) {
    if (el.funcs) for (const i of el.funcs) mark(i);
    if (el.exprs) consts.push(...el.exprs);
    if (el.offset) consts.push(el.offset);
  }
  for (const c of consts) forEachExpr(c, (e) => {
    if (e.op === O.ref_func) mark(e.index);
  });
  for (const f of m.funcs) scanFuncRefs(m, f, (op, index) => {
    if (op === O.ref_func) mark(index);
  });
  return out;
}

/**
 * `f`'s function entry (locals and code, as `Func.code` holds it) re-encoded from its bytes
 * with every function index of `call`, `return_call` and `ref.func` replaced by `map[index]`
 * — without building the tree. Every instruction is re-emitted in the encoder's canonical form
 * (shortest LEB128s, local declarations in runs of equal types), so the result is byte for
 * byte what decoding, remapping the tree and encoding would give. Returns null when the bytes
 * hold unreachable code the decoder would drop (the caller decodes then), and uses nothing
 * but the bytes: call it on a function without a tree.
 */
export function remapFuncRefs(m: Module, f: Func, map: Int32Array): Uint8Array | null {
  const src = m.source(f);
  const r = new Reader(src.bytes, src.start, src.end);
  const w = new Writer(src.end - src.start + 16);
  // local declarations: runs of equal types merged, empty runs dropped
  const counts: number[] = [];
  const types: number[] = [];
  for (let g = r.u32(); g > 0; g--) {
    const n = r.u32();
    const t = r.u8();
    if (n === 0) continue;
    if (types.length > 0 && types[types.length - 1] === t) counts[counts.length - 1] += n;
    else { counts.push(n); types.push(t); }
  }
  w.u32(counts.length);
  for (let i = 0; i < counts.length; i++) { w.u32(counts[i]); w.u8(types[i]); }
  const features = m.features;
  const ins = new Instr();
  let depth = 0;
  while (r.pos < r.end) {
    ins.value = null;
    ins.index = 0;
    ins.index2 = 0;
    const info = readOpcode(r, features);
    readImmediates(r, info, ins, features);
    const id = info.id;
    const code = info.prefix === 0 ? info.code : -1;
    writeOpcode(w, info);
    if (id === O.block || id === O.loop || id === O.if) {
      depth++;
      const bt = ins.blockType;
      if (bt >= 0) w.s33(bt);
      else if (bt === BLOCK_EMPTY) w.u8(0x40);
      else w.u8(blockValType(bt));
      continue;
    }
    if (code === 0x0b) {
      if (--depth < 0) break;
      continue;
    }
    if (code === 0x05) continue;
    if (id === O.br || id === O.br_if) w.u32(ins.index);
    else if (id === O.br_table) {
      w.u32(ins.labels.length - 1);
      for (const l of ins.labels) w.u32(l);
    } else {
      if (id === O.call || id === O.return_call || id === O.ref_func) ins.index = map[ins.index];
      writeImmediates(w, info, ins, ins.types);
    }
    if ((info.effects & Eff.noFallThrough) !== 0) {
      // code after an unconditional branch: fine only when the block ends right here
      const next = r.pos < r.end ? r.bytes[r.pos] : -1;
      if (next !== 0x0b && next !== 0x05) return null;
    }
  }
  if (r.pos !== r.end) return null;
  return w.finish().slice();
}
