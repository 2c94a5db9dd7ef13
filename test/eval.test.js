// The numeric evaluator (src/ir/eval.ts) against V8: every scalar numeric instruction of the
// opcode table is run in a generated wasm module on edge and random inputs, and the results
// (exact bits, except that a nondeterministic NaN only has to be a NaN) and traps must agree.
// Floats cross the JS boundary as bit patterns (reinterpret inside the module), so NaN payloads
// and -0 are exact; i64 crosses as BigInt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import initWabt from 'wabt';
import { OPS } from '../dist/ir/opcodes.js';
import { Eff } from '../dist/ir/opcodes.js';
import {
  evalNumeric, isEvaluable, isNondeterministicNaN, f32FromBits, f64FromBits,
  TRAP_DIV_ZERO, TRAP_OVERFLOW, TRAP_INVALID_CONV,
} from '../dist/ir/eval.js';

const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c;
const SCALAR = new Set([I32, I64, F32, F64]);
const TNAME = { [I32]: 'i32', [I64]: 'i64', [F32]: 'f32', [F64]: 'f64' };

/** Every scalar numeric instruction: fixed signature over i32/i64/f32/f64, no effect but a trap. */
const NUMERIC = OPS.filter((o) => o.params !== null && o.params.length > 0 &&
  (o.effects & ~Eff.trap) === 0 && [...o.params, ...o.results].every((t) => SCALAR.has(t)));

// ---- inputs ----------------------------------------------------------------------------------

let seed = 0x9e3779b9;
function rnd32() { // xorshift32, deterministic
  seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
  return seed | 0;
}
const rnd64 = () => BigInt.asIntN(64, (BigInt(rnd32() >>> 0) << 32n) | BigInt(rnd32() >>> 0));

const dv = new DataView(new ArrayBuffer(8));
const f32bits = (x) => { dv.setFloat32(0, x); return dv.getUint32(0); };
const f64bits = (x) => { dv.setFloat64(0, x); return dv.getBigUint64(0); };

const I32_EDGE = [0, 1, -1, 2, -2, 3, 7, 31, 32, 33, 63, 64, 65, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x10000,
  0x7fffffff, -0x80000000, -0x7fffffff, 0x55555555, -0x55555556, 0x12345678, -123456789];
for (let k = 0; k < 32; k += 3) I32_EDGE.push((1 << k) | 0, -(1 << k) | 0);

const I64_EDGE = [0n, 1n, -1n, 2n, -2n, 3n, 31n, 32n, 33n, 63n, 64n, 65n, 127n, 0xffn, 0x7fffn, 0xffffn,
  0x7fffffffn, 0x80000000n, -0x80000000n, 0xffffffffn, 0x100000000n, (1n << 63n) - 1n, -(1n << 63n), -(1n << 63n) + 1n,
  (1n << 53n) + 1n, (1n << 24n) + 1n, ((1n << 24n) + 1n) << 39n,
  // values where rounding i64 → f64 → f32 (twice) differs from rounding once
  0x4000004000000001n, -0x4000004000000001n, BigInt.asIntN(64, 0x8000008000000001n), 0x0000020000010001n,
  0x7fffff4000000001n, BigInt.asIntN(64, 0xffffff8000000001n), 0x20000010000000001n & ((1n << 63n) - 1n),
  0x0123456789abcdefn, -0x0123456789abcdefn];
for (let k = 0n; k < 64n; k += 5n) I64_EDGE.push(BigInt.asIntN(64, 1n << k), BigInt.asIntN(64, -(1n << k)));

const FLOAT_VALUES = [0, -0, Infinity, -Infinity, 0.5, -0.5, 1, -1, 1.5, -1.5, 2.5, -2.5, 3.5, -3.5, 0.49999999999999994,
  -0.49999999999999994, 0.1, -0.9, 0.9, 4503599627370495.5, -4503599627370495.5,
  2 ** 31, 2 ** 31 - 1, 2 ** 31 - 0.5, 2 ** 31 + 0.5, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 31) - 0.5, -(2 ** 31) + 0.5,
  2 ** 31 - 128, -(2 ** 31) - 256, 2 ** 32, 2 ** 32 - 1, 2 ** 32 - 0.5, 2 ** 32 - 256, -1 + 2 ** -24,
  2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2 ** 63, -(2 ** 63), 2 ** 63 - 1024, 2 ** 63 - 2 ** 39, -(2 ** 63) - 2048,
  2 ** 64, 2 ** 64 - 2048, 2 ** 64 - 2 ** 40, 1e30, -1e30, 3.4028234663852886e38, 1.1754943508222875e-38,
  Number.MAX_VALUE, Number.MIN_VALUE, 2.2250738585072014e-308, 1e-45, 123456.789, -98765.4321];
const F32_EDGE = [...new Set([...FLOAT_VALUES.map(f32bits),
  0x7fc00000, 0xffc00000, 0x7fa00001, 0xff800001, 0x7f800001, // NaNs: canonical, negative, signalling
  0x00000001, 0x80000001, 0x007fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x3effffff, 0x3f000001])];
const F64_EDGE = [...new Set([...FLOAT_VALUES.map(f64bits),
  0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff4000000000001n, 0xfff0000000000001n, 0x7ff0000000000001n,
  0x0000000000000001n, 0x8000000000000001n, 0x000fffffffffffffn, 0x0010000000000000n, 0x7fefffffffffffffn])];

function randomOf(t) {
  const r = rnd32() >>> 0;
  switch (t) {
    case I32: return r % 4 === 0 ? rnd32() >> (r % 31) : rnd32();
    case I64: return r % 4 === 0 ? rnd64() >> BigInt(r % 63) : rnd64();
    case F32: return r % 3 === 0 ? f32bits((rnd32() % 100000) / 8) : rnd32() >>> 0;
    case F64: return r % 3 === 0 ? f64bits((rnd32() % 1000000) / 16) : BigInt.asUintN(64, rnd64());
  }
}
const EDGE = { [I32]: I32_EDGE, [I64]: I64_EDGE, [F32]: F32_EDGE, [F64]: F64_EDGE };

/** Argument lists for an instruction with parameter types `ps`. */
function inputs(ps) {
  const out = [];
  if (ps.length === 1) {
    for (const a of EDGE[ps[0]]) out.push([a]);
    for (let i = 0; i < 400; i++) out.push([randomOf(ps[0])]);
  } else {
    for (const a of EDGE[ps[0]]) for (const b of EDGE[ps[1]]) out.push([a, b]);
    for (let i = 0; i < 600; i++) {
      out.push([randomOf(ps[0]), randomOf(ps[1])]);
      const e0 = EDGE[ps[0]], e1 = EDGE[ps[1]];
      out.push([e0[(rnd32() >>> 0) % e0.length], randomOf(ps[1])], [randomOf(ps[0]), e1[(rnd32() >>> 0) % e1.length]]);
    }
  }
  return out;
}

// ---- the V8 side -------------------------------------------------------------------------------

/** Wasm-side carrier type of a value type: floats travel as their bits. */
const carrier = (t) => (t === F32 ? 'i32' : t === F64 ? 'i64' : TNAME[t]);

async function buildModule(ops) {
  const wabt = await initWabt();
  let text = '(module\n';
  for (const o of ops) {
    const ps = [...o.params];
    const r = o.results[0];
    let body = '';
    ps.forEach((t, i) => {
      body += ` local.get ${i}`;
      if (t === F32) body += ' f32.reinterpret_i32';
      if (t === F64) body += ' f64.reinterpret_i64';
    });
    body += ` ${o.name}`;
    if (r === F32) body += ' i32.reinterpret_f32';
    if (r === F64) body += ' i64.reinterpret_f64';
    text += `  (func (export "${o.name}") (param ${ps.map(carrier).join(' ')}) (result ${carrier(r)})${body})\n`;
  }
  text += ')';
  const mod = wabt.parseWat('eval.wat', text, { sat_float_to_int: true, sign_extension: true });
  try {
    mod.validate();
    const bin = mod.toBinary({}).buffer;
    return (await WebAssembly.instantiate(bin)).instance.exports;
  } finally {
    mod.destroy();
  }
}

/** Runs `fn` on weft-representation args; returns { value } in weft representation or { trap: v8 message }. */
function runV8(fn, o, args) {
  const ps = [...o.params];
  const wargs = args.map((a, i) => (ps[i] === F32 ? a | 0 : ps[i] === F64 ? BigInt.asIntN(64, a) : a));
  let v;
  try {
    v = fn(...wargs);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) return { trap: e.message };
    throw e;
  }
  const r = o.results[0];
  if (r === F32) v = v >>> 0;
  if (r === F64) v = BigInt.asUintN(64, v);
  return { value: v };
}

/** Whether weft's trap kind matches V8's message. */
function trapMatches(ours, v8, args, o) {
  if (/divide by zero|remainder by zero/.test(v8)) return ours === TRAP_DIV_ZERO;
  if (/divide result unrepresentable/.test(v8)) return ours === TRAP_OVERFLOW;
  if (/float unrepresentable in integer range/.test(v8)) {
    // V8 does not tell NaN from overflow; the spec does
    const x = o.params[0] === F32 ? f32FromBits(args[0]) : f64FromBits(args[0]);
    return ours === (Number.isNaN(x) ? TRAP_INVALID_CONV : TRAP_OVERFLOW);
  }
  return false;
}

const isNaNResult = (t, v) => (t === F32 ? Number.isNaN(f32FromBits(v)) : t === F64 ? Number.isNaN(f64FromBits(v)) : false);
const show = (args) => args.map((a) => (typeof a === 'bigint' ? `0x${BigInt.asUintN(64, a).toString(16)}n` : `0x${(a >>> 0).toString(16)}`)).join(', ');

test('evalNumeric handles every scalar numeric instruction and nothing else', () => {
  assert.ok(NUMERIC.length > 120, `found only ${NUMERIC.length} numeric instructions`);
  for (const o of NUMERIC) assert.ok(isEvaluable(o.id), `${o.name} is not evaluated`);
  for (const o of OPS) {
    if (NUMERIC.includes(o)) continue;
    assert.equal(evalNumeric(o.id, []), null, `${o.name} should not be evaluated`);
  }
});

test('evalNumeric agrees with V8 on edge and random inputs', async () => {
  const exports = await buildModule(NUMERIC);
  let checked = 0;
  const failures = [];
  for (const o of NUMERIC) {
    const fn = exports[o.name];
    let opFailures = 0;
    const r = o.results[0];
    for (const args of inputs([...o.params])) {
      const ours = evalNumeric(o.id, args);
      const v8 = runV8(fn, o, args);
      checked++;
      let ok;
      if ('trap' in v8) ok = ours !== null && 'trap' in ours && trapMatches(ours.trap, v8.trap, args, o);
      else if (ours === null || 'trap' in ours) ok = false;
      else if (isNondeterministicNaN(o.id, ours.value)) ok = isNaNResult(r, v8.value);
      else ok = ours.value === v8.value && typeof ours.value === typeof v8.value;
      if (!ok && opFailures++ < 3 && failures.length < 40) {
        failures.push(`${o.name}(${show(args)}): weft ${JSON.stringify(ours, (_, x) => (typeof x === 'bigint' ? `${x}n` : x))}, V8 ${JSON.stringify(v8, (_, x) => (typeof x === 'bigint' ? `${x}n` : x))}`);
      }
    }
  }
  assert.deepEqual(failures, [], `${failures.length} mismatches of ${checked} checks`);
  assert.ok(checked > 100000);
});

test('representation: i32 signed number, i64 signed bigint, f32 uint32 bits, f64 unsigned bigint bits', () => {
  const id = (n) => OPS.find((o) => o.name === n).id;
  assert.deepEqual(evalNumeric(id('i32.sub'), [0, 1]), { value: -1 });
  assert.deepEqual(evalNumeric(id('i64.sub'), [0n, 1n]), { value: -1n });
  assert.deepEqual(evalNumeric(id('f32.neg'), [0]), { value: 0x80000000 });
  assert.deepEqual(evalNumeric(id('f64.neg'), [0n]), { value: 0x8000000000000000n });
  // NaN payloads survive the bitwise instructions exactly
  assert.deepEqual(evalNumeric(id('f32.abs'), [0xffa00001]), { value: 0x7fa00001 });
  assert.deepEqual(evalNumeric(id('f64.copysign'), [0x7ff4000000000001n, 0x8000000000000000n]), { value: 0xfff4000000000001n });
  assert.equal(isNondeterministicNaN(id('f32.abs'), 0x7fa00001), false);
  assert.equal(isNondeterministicNaN(id('f32.add'), 0x7fc00000), true);
  // i64 → f32 rounds once: 2^63 + 2^39 + 1 is just above the midpoint, so it rounds up
  assert.deepEqual(evalNumeric(id('f32.convert_i64_u'), [BigInt.asIntN(64, 0x8000008000000001n)]), { value: f32bits(2 ** 63 + 2 ** 40) });
  assert.deepEqual(evalNumeric(id('i32.div_s'), [-0x80000000, -1]), { trap: TRAP_OVERFLOW });
  assert.deepEqual(evalNumeric(id('i32.rem_s'), [-0x80000000, -1]), { value: 0 });
  assert.deepEqual(evalNumeric(id('i64.div_u'), [1n, 0n]), { trap: TRAP_DIV_ZERO });
  assert.deepEqual(evalNumeric(id('i32.trunc_f32_s'), [0x7fc00000]), { trap: TRAP_INVALID_CONV });
});
