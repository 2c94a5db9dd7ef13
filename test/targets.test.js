// Target cost models (src/targets/): the immediate encodability rules against the architecture
// manuals' definitions, with edge values.
//
// - Thumb-2 modified immediates: ARMv7-M ARM (DDI 0403E) A5.3.2, ThumbExpandImm: imm12 =
//   i:imm3:a:bcdefgh; imm12<11:10> = 00 gives 0x000000XY / 0x00XY00XY / 0xXY00XY00 / 0xXYXYXYXY
//   (the replicated forms UNPREDICTABLE with XY = 0), otherwise '1':imm12<6:0> rotated right by
//   imm12<11:7> (8..31).
// - ADDW/SUBW (A7.7.3 T4 / A7.7.174 T4): imm12 zero-extended; MOVW (A7.7.76 T3): imm16.
// - ARMv6-M (DDI 0419E) A6.7: MOVS/ADDS/SUBS/CMP imm8, LSLS/LSRS/ASRS imm5, LDR imm5<<2 etc.
// - RISC-V unprivileged ISA 2.3/2.4: I-type imm[11:0] sign-extended (-2048..2047), LUI
//   imm[31:12], shamt[4:0].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getTarget, findTarget, TARGET_NAMES, constCost, immUse } from '../dist/targets/index.js';
import { thumbExpandImm, isModifiedImmediate } from '../dist/targets/thumbv7em.js';
import { Expr, i32Const, i64Const } from '../dist/ir/expr.js';
import { op } from '../dist/ir/opcodes.js';

const v7 = getTarget('thumbv7em');
const v6 = getTarget('thumbv6m');
const rv = getTarget('rv32imac');
const gen = getTarget('generic');

const u32 = (v) => v >>> 0;
const s32 = (v) => v | 0;

// ---- an independent statement of the Thumb-2 rule (not the table the target uses) ----

/** Reference: the manual's four forms, written as value predicates. */
function referenceModified(v) {
  v = u32(v);
  const b = v & 0xff;
  if (v <= 0xff) return true; //                                           00000000 00000000 00000000 abcdefgh
  if (b !== 0 && v === u32((b << 16) | b)) return true; //                 00000000 abcdefgh 00000000 abcdefgh
  const b1 = (v >>> 8) & 0xff;
  if (b1 !== 0 && v === u32((b1 << 24) | (b1 << 8))) return true; //       abcdefgh 00000000 abcdefgh 00000000
  if (b !== 0 && v === u32((b << 24) | (b << 16) | (b << 8) | b)) return true; // abcdefgh x4
  // 1bcdefgh rotated right by 8..31 = an 8-bit value with its top bit set, shifted left by 1..24
  for (let s = 1; s <= 24; s++) {
    const x = v >>> s;
    if (x >= 0x80 && x <= 0xff && u32(x << s) === v) return true;
  }
  return false;
}

test('targets: names, lookup, unknown', () => {
  assert.deepEqual([...TARGET_NAMES], ['generic', 'thumbv7em', 'thumbv6m', 'rv32imac']);
  for (const n of TARGET_NAMES) assert.equal(getTarget(n).name, n);
  assert.equal(findTarget('x86'), undefined);
  assert.throws(() => getTarget('cortex-m4'), /unknown target 'cortex-m4'/);
});

test('thumbv7em: ThumbExpandImm, the table of A5.3.2', () => {
  assert.equal(thumbExpandImm(0x0ab), 0x000000ab);
  assert.equal(thumbExpandImm(0x1ab), 0x00ab00ab);
  assert.equal(thumbExpandImm(0x2ab), 0xab00ab00);
  assert.equal(thumbExpandImm(0x3ab), 0xabababab);
  assert.equal(thumbExpandImm(0x000), 0);
  // replicated forms with a zero byte are UNPREDICTABLE
  assert.equal(thumbExpandImm(0x100), null);
  assert.equal(thumbExpandImm(0x200), null);
  assert.equal(thumbExpandImm(0x300), null);
  // rotations: imm12<11:7> = 8 is the smallest (0x80 ror 8), 31 the largest (0xff ror 31)
  assert.equal(thumbExpandImm(0b01000_0000000), 0x80000000);
  assert.equal(thumbExpandImm(0b01000_1111111), 0xff000000);
  assert.equal(thumbExpandImm(0b11111_1111111), 0x000001fe);
  assert.equal(thumbExpandImm(0b11111_0000000), 0x00000100);
  assert.equal(thumbExpandImm(0b11000_0101010), u32(0xaa << 8)); // ror 24 = shl 8
  // every encoding decodes to a modified immediate, and the reference agrees
  let distinct = new Set();
  for (let imm12 = 0; imm12 < 4096; imm12++) {
    const v = thumbExpandImm(imm12);
    if (v === null) continue;
    distinct.add(v);
    assert.ok(isModifiedImmediate(v), `imm12 ${imm12.toString(16)}`);
    assert.ok(referenceModified(v), `reference on ${v.toString(16)}`);
  }
  // 256 + 3*255 replicated + 24*128 rotated, with the overlaps between forms removed
  assert.ok(distinct.size > 3500 && distinct.size < 4096, `distinct ${distinct.size}`);
});

test('thumbv7em: modified immediates, edge values', () => {
  const yes = [0, 1, 0xff, 0x100, 0x1fe, 0x3fc, 0xff000000, 0x80000000, 0x7f800000, 0x00ff00ff, 0xff00ff00,
    0xffffffff, 0x01010101, 0x00ab00ab, 0xab00ab00, 0x00010000, 0x00100000, 0x000ff000, 0xc0000000 >>> 0];
  const no = [0x101, 0x1ff, 0x12345678, 0xffff, 0x00ff00fe, 0x00ab00ac, 0xab00ab01, 0xf000000f, 0x80000001,
    0xfffffffe, 0x000001ff, 0x00ff0000 | 0x1, 0x1fe00000 | 1, 0xffff0000, 0x00020001];
  for (const v of yes) assert.ok(isModifiedImmediate(v), `0x${u32(v).toString(16)} is a modified immediate`);
  for (const v of no) assert.ok(!isModifiedImmediate(v), `0x${u32(v).toString(16)} is not`);
  // the 8-bit window may sit at bits 0..7 up to 24..31, never wrapped around
  for (let s = 0; s <= 24; s++) assert.ok(isModifiedImmediate(u32(0xff << s)), `0xff << ${s}`);
  assert.ok(!isModifiedImmediate(u32(0xff << 25) | 1));
  // agreement with the reference on shifted bytes, replicated patterns and random words
  let x = 0x2545f491;
  const rnd = () => (x = s32(Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9));
  const values = [];
  for (let b = 0; b < 256; b++) {
    for (let s = 0; s < 32; s++) values.push(u32(b << s) | 0, u32((b << s) | (b >>> (32 - s))));
    values.push(u32((b << 16) | b), u32((b << 24) | (b << 8)), u32(b * 0x01010101), u32((b << 16) | (b ^ 1)));
  }
  for (let i = 0; i < 20000; i++) values.push(rnd(), rnd() & 0x0ff00ff0, rnd() & 0x000003ff);
  for (const v of values) assert.equal(isModifiedImmediate(v), referenceModified(v), `0x${u32(v).toString(16)}`);
});

test('thumbv7em: which instruction takes which immediate', () => {
  const f = (use, v) => v7.fits(use, s32(v));
  // ADD/SUB: modified immediate of v or -v, or ADDW/SUBW 0..4095
  assert.ok(f('add', 4095) && f('add', -4095) && f('sub', 4095) && f('sub', -4095));
  assert.ok(f('add', 4096) && f('add', -4096), '0x1000 is a modified immediate (ADD/SUB #mod)');
  assert.ok(!f('add', 4097) && !f('add', -4097) && !f('sub', 4097));
  assert.ok(f('add', 0x00ff00ff) && f('add', -0x00ff00ff) && f('add', 0x80000000));
  assert.ok(!f('add', 0x12345) && !f('sub', 0x12345));
  // RSB: modified immediate only (no RSBW)
  assert.ok(f('rsub', 0xff) && f('rsub', 0xff00) && !f('rsub', 4095) && !f('rsub', -2));
  // AND/BIC, ORR/ORN: v or ~v; EOR: v only (there is no EON)
  assert.ok(f('and', 0xffffff00) && f('or', 0xffffff00) && !f('xor', 0xffffff00));
  assert.ok(f('xor', 0x00ff00ff) && f('and', 0x00ff00ff) && f('or', 0xff00ff00));
  assert.ok(!f('and', 0xffff0000) && !f('and', 0x0000ffff) && !f('or', 0x12345678));
  // CMP/CMN: v or -v
  assert.ok(f('cmp', -1) && f('cmpeq', -256) && f('cmp', 0xff000000) && !f('cmp', 4095) && !f('cmp', -0x101));
  // shifts and rotates: 5-bit amounts, any wasm constant (taken modulo 32)
  assert.ok(f('shift', 31) && f('rotate', 0x12345678));
  // materialisation: MOV #mod, MVN #mod, MOVW #imm16 are one instruction, else MOVW+MOVT
  const mat = (v) => v7.materialize(s32(v));
  assert.equal(mat(0), 1);
  assert.equal(mat(0xffff), 1);
  assert.equal(mat(0x10000), 1);
  assert.equal(mat(0x10001), 1); // 0x00XY00XY
  assert.equal(mat(0x10003), 2);
  assert.equal(mat(0xffffffff), 1);
  assert.equal(mat(0xfffffffe), 1); // MVN #1
  assert.equal(mat(0xffff0000), 2);
  assert.equal(mat(0xffff00ff), 1); // MVN #0xff00
  assert.equal(mat(0x12345678), 2);
  assert.equal(mat(0x00ff00ff), 1);
  // loads/stores: imm12 offsets
  assert.ok(v7.fitsMem(0, 4) && v7.fitsMem(4095, 1) && !v7.fitsMem(4096, 4));
});

test('thumbv6m: 8-bit immediates for mov/add/sub/cmp only', () => {
  const f = (use, v) => v6.fits(use, s32(v));
  assert.equal(v6.materialize(0), 1);
  assert.equal(v6.materialize(255), 1);
  assert.equal(v6.materialize(256), 2); // LDR literal (or MOVS+LSLS)
  assert.equal(v6.materialize(-1), 2); //  MOVS+MVNS
  assert.equal(v6.materialize(0x12345678), 2);
  assert.ok(f('add', 255) && f('add', -255) && f('sub', 255) && f('sub', -255));
  assert.ok(!f('add', 256) && !f('add', -256) && !f('sub', 4095));
  assert.ok(f('cmp', 0) && f('cmp', 255) && !f('cmp', 256) && !f('cmp', -1) && !f('cmpeq', -1));
  assert.ok(!f('and', 1) && !f('or', 1) && !f('xor', 1) && !f('rotate', 1), 'no immediate forms');
  assert.ok(f('shift', 31) && f('rsub', 0) && !f('rsub', 1));
  // LDR/LDRH/LDRB (immediate) T1: imm5 scaled by the access size
  assert.ok(v6.fitsMem(124, 4) && !v6.fitsMem(128, 4) && !v6.fitsMem(2, 4));
  assert.ok(v6.fitsMem(62, 2) && !v6.fitsMem(63, 2) && !v6.fitsMem(64, 2));
  assert.ok(v6.fitsMem(31, 1) && !v6.fitsMem(32, 1));
  assert.ok(v6.fitsMem(120, 8) && !v6.fitsMem(124, 8), 'a 64-bit access is two word accesses');
});

test('rv32imac: 12-bit signed I-type immediates, LUI, 5-bit shamt, x0', () => {
  const f = (use, v) => rv.fits(use, s32(v));
  // every I-type encoding: imm[11:0] sign-extended
  for (let bits = 0; bits < 4096; bits++) {
    const v = (bits << 20) >> 20;
    assert.ok(f('add', v) && f('and', v) && f('or', v) && f('xor', v) && f('cmp', v), `imm ${v}`);
    assert.equal(rv.materialize(v), v === 0 ? 0 : 1);
  }
  assert.ok(!f('add', 2048) && !f('add', -2049) && !f('and', 4095) && !f('xor', 0x800));
  assert.ok(f('sub', 2048) && !f('sub', -2048), 'x - c is addi with -c');
  assert.ok(f('cmpeq', 2048) && !f('cmpeq', 2049));
  assert.ok(f('shift', 0x12345678) && f('rotate', 33));
  assert.ok(f('rsub', 0) && !f('rsub', 1), 'sub rd, x0, rs only');
  // LUI alone when the low 12 bits are zero, else LUI+ADDI
  assert.equal(rv.materialize(2048), 2);
  assert.equal(rv.materialize(-2049), 2);
  assert.equal(rv.materialize(4096), 1);
  assert.equal(rv.materialize(4097), 2);
  assert.equal(rv.materialize(s32(0x80000000)), 1);
  assert.equal(rv.materialize(s32(0xfffff000)), 1);
  assert.equal(rv.materialize(0x7ffff000), 1);
  assert.equal(rv.materialize(0x7fffffff), 2);
  assert.equal(rv.materialize(0x12345678), 2);
  // loads/stores: 12-bit offsets (a pair: both words)
  assert.ok(rv.fitsMem(2047, 1) && !rv.fitsMem(2048, 1) && rv.fitsMem(2040, 8) && !rv.fitsMem(2044, 8));
});

test('generic: every immediate is free', () => {
  for (const v of [0, 255, 4096, 0x12345678, -1]) {
    assert.equal(gen.materialize(v), 0);
    for (const use of ['add', 'sub', 'and', 'xor', 'cmp', 'rotate']) assert.ok(gen.fits(use, v));
  }
});

test('constCost: positions from the wasm user', () => {
  const node = (name, ...kids) => new Expr(op(name), [0x7f], kids);
  const k = i32Const(0x12345678);
  const x = node('local.get');
  assert.equal(immUse(node('i32.add', x, k), 1), 'add');
  assert.equal(immUse(node('i32.sub', x, k), 1), 'sub');
  assert.equal(immUse(node('i32.sub', k, x), 0), 'rsub');
  assert.equal(immUse(node('i32.shl', k, x), 0), 'value');
  assert.equal(immUse(node('i32.shl', x, k), 1), 'shift');
  assert.equal(immUse(node('i32.mul', x, k), 1), 'value');
  assert.equal(immUse(node('i32.lt_u', x, k), 1), 'cmp');
  assert.equal(immUse(null, 0), 'value');
  const cost = (t, name, v, slot = 1) => {
    const c = i32Const(v);
    const kids = slot === 1 ? [x, c] : [c, x];
    return constCost(t, c, node(name, ...kids), slot);
  };
  assert.equal(cost(v7, 'i32.add', 0x12345678), 2);
  assert.equal(cost(v7, 'i32.add', 255), 0);
  assert.equal(cost(v7, 'i32.mul', 255), 1);
  assert.equal(cost(v7, 'i32.and', 0xffffff00), 0);
  assert.equal(cost(v7, 'i32.xor', 0xffffff00), 1);
  assert.equal(cost(v7, 'i32.shl', 0x12345678), 0);
  assert.equal(cost(v6, 'i32.rotl', 33), 1); // RORS takes a register: MOVS #1
  assert.equal(cost(rv, 'i32.add', 2047), 0);
  assert.equal(cost(rv, 'i32.add', 4096), 1);
  assert.equal(cost(rv, 'i32.mul', 0), 0);
  assert.equal(cost(gen, 'i32.mul', 0x12345678), 0);
  // i64: two halves; and/or/xor per half; shift amounts free
  const k64 = i64Const(0x12345678_000000ffn);
  const and64 = new Expr(op('i64.and'), [0x7e], [new Expr(op('local.get'), [0x7e]), k64]);
  assert.equal(constCost(v7, k64, and64, 1), 2, 'low half 0xff folds, high half movw+movt');
  const st = new Expr(op('i64.store'), [], [x, k64]);
  assert.equal(constCost(v7, k64, st, 1), 3, 'mov #0xff; movw+movt');
  const sh = new Expr(op('i64.shl'), [0x7e], [new Expr(op('local.get'), [0x7e]), i64Const(40n)]);
  assert.equal(constCost(v7, sh.kids[1], sh, 1), 0);
});
