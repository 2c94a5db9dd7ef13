// Reading and writing one instruction's opcode and immediates, driven by the opcode table.
// Shared by the code reader (bytes -> IR), the validator and the writer.

import { Imm, opByCode, type OpInfo } from '../ir/opcodes.js';
import { isValType, isRefType, type ValType } from '../ir/types.js';
import type { Features } from '../ir/module.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/** Scratch record for one decoded instruction. */
export class Instr {
  info!: OpInfo;
  /** Offset of the opcode byte. */
  at = 0;
  index = 0;
  index2 = 0;
  offset = 0;
  align = 0;
  value: number | bigint | Uint8Array | null = null;
  /** br_table labels (default last). */
  labels: number[] = [];
  /** Block type: -0x40 empty, negative value type code, or a type index >= 0. */
  blockType = -0x40;
  /** Value types of a typed select. */
  types: ValType[] = [];
}

/** Block type as read by s33: -64 (0x40) is empty, -1..-17 are value types (0x7f..0x6f). */
export const BLOCK_EMPTY = -0x40;
export function blockValType(bt: number): ValType {
  return bt + 0x80;
}

/** Reads a value type byte, failing with the spec's wording. */
export function readValType(r: Reader): ValType {
  const at = r.pos;
  const b = r.u8();
  if (!isValType(b)) r.fail('malformed value type', at);
  return b;
}

export function readRefType(r: Reader): ValType {
  const at = r.pos;
  const b = r.u8();
  if (!isRefType(b)) r.fail('malformed reference type', at);
  return b;
}

function readMemIndex(r: Reader, features: Features): number {
  if (features.multiMemory) return r.u32();
  const at = r.pos;
  if (r.u8() !== 0) r.fail('zero byte expected', at);
  return 0;
}

function readMemarg(r: Reader, out: Instr, features: Features): void {
  const at = r.pos;
  let align = r.u32();
  out.index = 0;
  if (align & 0x40) {
    if (!features.multiMemory) r.fail('malformed memop flags', at);
    align &= ~0x40;
    out.index = r.u32();
  }
  if (align >= 0x40) r.fail('malformed memop flags', at);
  out.align = align;
  out.offset = r.u32();
}

/** Reads the opcode at r.pos; fails on an unknown one. */
export function readOpcode(r: Reader, features: Features): OpInfo {
  const at = r.pos;
  const b = r.u8();
  let info: OpInfo | undefined;
  if (b === 0xfc || b === 0xfd || (b === 0xfe && features.threads)) info = opByCode(b, r.u32());
  else info = opByCode(0, b);
  if (!info || (info.prefix === 0 && (b === 0x12 || b === 0x13) && !features.tailCall)) {
    r.fail(`illegal opcode 0x${b.toString(16)}`, at);
  }
  return info;
}

/** Reads the immediates of `info` into `out`. */
export function readImmediates(r: Reader, info: OpInfo, out: Instr, features: Features): void {
  switch (info.imm) {
    case Imm.none:
      return;
    case Imm.block: {
      const at = r.pos;
      const bt = r.s33();
      if (bt < 0 && bt !== BLOCK_EMPTY && !isValType(blockValType(bt))) r.fail('malformed block type', at);
      out.blockType = bt;
      return;
    }
    case Imm.label:
    case Imm.func:
    case Imm.local:
    case Imm.global:
    case Imm.table:
    case Imm.data:
    case Imm.elem:
      out.index = r.u32();
      return;
    case Imm.brTable: {
      const n = r.u32();
      if (n > r.end - r.pos) r.fail('unexpected end');
      const labels = (out.labels = new Array<number>(n + 1));
      for (let i = 0; i <= n; i++) labels[i] = r.u32();
      return;
    }
    case Imm.callIndirect:
      out.index = r.u32();
      out.index2 = r.u32();
      return;
    case Imm.memarg:
      readMemarg(r, out, features);
      return;
    case Imm.memargLane:
      readMemarg(r, out, features);
      out.index2 = r.u8();
      return;
    case Imm.mem:
      out.index = readMemIndex(r, features);
      return;
    case Imm.memCopy:
      out.index = readMemIndex(r, features);
      out.index2 = readMemIndex(r, features);
      return;
    case Imm.memInit:
      out.index2 = r.u32(); // data index (stored in index2; index is the memory)
      out.index = readMemIndex(r, features);
      return;
    case Imm.tableInit:
      out.index2 = r.u32(); // elem index
      out.index = r.u32(); // table
      return;
    case Imm.tableCopy:
      out.index = r.u32();
      out.index2 = r.u32();
      return;
    case Imm.i32:
      out.value = r.s32();
      return;
    case Imm.i64:
      out.value = r.s64();
      return;
    case Imm.f32:
      out.value = r.u32le();
      return;
    case Imm.f64:
      out.value = r.u64le();
      return;
    case Imm.v128:
    case Imm.shuffle:
      out.value = r.bytesN(16).slice();
      return;
    case Imm.selectT: {
      const n = r.u32();
      if (n > r.end - r.pos) r.fail('unexpected end');
      const types: ValType[] = [];
      for (let i = 0; i < n; i++) types.push(readValType(r));
      out.types = types;
      return;
    }
    case Imm.refNull:
      out.index = readRefType(r);
      return;
    case Imm.lane:
      out.index = r.u8();
      return;
    case Imm.zeroByte: {
      const at = r.pos;
      if (r.u8() !== 0) r.fail('zero byte expected', at);
      return;
    }
  }
}

/** Fields of a node or scratch record that the writer needs. */
export interface ImmSource {
  index: number;
  index2: number;
  offset: number;
  align: number;
  value: number | bigint | Uint8Array | null;
}

export function writeOpcode(w: Writer, info: OpInfo): void {
  if (info.prefix === 0) w.u8(info.code);
  else {
    w.u8(info.prefix);
    w.u32(info.code);
  }
}

function writeMemarg(w: Writer, src: ImmSource): void {
  if (src.index !== 0) {
    w.u32(src.align | 0x40);
    w.u32(src.index);
  } else w.u32(src.align);
  w.u32(src.offset);
}

/**
 * Writes the immediates of `info` except those that need label resolution (block types,
 * labels, br_table), which the code writer handles itself.
 */
export function writeImmediates(w: Writer, info: OpInfo, src: ImmSource, types: readonly ValType[]): void {
  switch (info.imm) {
    case Imm.none:
    case Imm.block:
    case Imm.label:
    case Imm.brTable:
      return;
    case Imm.func:
    case Imm.local:
    case Imm.global:
    case Imm.table:
    case Imm.data:
    case Imm.elem:
    case Imm.mem:
      w.u32(src.index);
      return;
    case Imm.callIndirect:
    case Imm.memCopy:
    case Imm.tableCopy:
      w.u32(src.index);
      w.u32(src.index2);
      return;
    case Imm.memInit:
    case Imm.tableInit:
      w.u32(src.index2);
      w.u32(src.index);
      return;
    case Imm.memarg:
      writeMemarg(w, src);
      return;
    case Imm.memargLane:
      writeMemarg(w, src);
      w.u8(src.index2);
      return;
    case Imm.i32:
      w.s32(src.value as number);
      return;
    case Imm.i64:
      w.s64(src.value as bigint);
      return;
    case Imm.f32:
      w.u32le(src.value as number);
      return;
    case Imm.f64:
      w.u64le(src.value as bigint);
      return;
    case Imm.v128:
    case Imm.shuffle:
      w.bytes(src.value as Uint8Array);
      return;
    case Imm.selectT:
      w.u32(types.length);
      for (const t of types) w.u8(t);
      return;
    case Imm.refNull:
    case Imm.lane:
      w.u8(src.index);
      return;
    case Imm.zeroByte:
      w.u8(0);
      return;
  }
}
