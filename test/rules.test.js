// Randomized soundness of the optimize-instructions rules: for each rule topic, seeded random
// expression trees over a few i32/i64 parameters and interesting constants (biased towards the
// shapes the topic's rules match), run the pass on a module holding them, validate, and compare
// before/after with the differential oracle. Every seed must be equivalent. The operand pool
// includes calls with side effects, trapping divisions and loads, so rules that drop or reorder
// operands are exercised against effects too. Rule coverage is reported as a diagnostic.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../scripts/lit.js';
import { decodeModule, encodeModule, validateModule, validateFunction, runPasses, resolvePasses } from '../dist/index.js';
import { differential, formatReport, mulberry32, shutdownDifferential } from '../dist/verify/differential.js';
import { ruleStats, RULES } from '../dist/passes/optimize-instructions.js';

after(() => shutdownDifferential());

// WEFT_RULES_SEEDS=N runs seeds 1..N (default 6) for a longer soak.
const SEEDS = Array.from({ length: Number(process.env.WEFT_RULES_SEEDS ?? 6) }, (_, i) => i + 1);
const FUNCS = 40;

const C32 = [0, 1, -1, 2, 3, 4, 7, 8, 16, 24, 31, 32, 33, 63, 64, 255, 256, 0xffff, 0x7fffffff, -0x80000000, 0x80, -128, 0xff00, 0x10000];
const C64 = [...C32.map(BigInt), 48n, 56n, 0xffffffffn, 0x100000000n, -(1n << 63n), (1n << 63n) - 1n, 0xff00000000n];

const BIN = ['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr', 'div_s', 'div_u', 'rem_s', 'rem_u'];
const CMP = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];

/** Topic → binary ops to favour. */
const FAVOUR = {
  arith: ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u'],
  bitops: ['and', 'or', 'xor'],
  shifts: ['shl', 'shr_s', 'shr_u', 'rotl', 'rotr'],
  compare: ['add', 'xor', 'sub'],
  conversions: ['and', 'or', 'shl', 'shr_u', 'add'],
  memory: ['add', 'and'],
  select: ['and', 'or'],
  floats: ['xor'],
};

function generator(seed, topic) {
  const next = mulberry32(seed * 7919 + topic.length * 104729);
  const rnd = () => next() / 2 ** 32;
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const chance = (p) => rnd() < p;
  const favour = FAVOUR[topic];
  const binop = () => (chance(0.7) ? pick(favour) : pick(BIN));

  const c32 = () => `(i32.const ${chance(0.8) ? pick(C32) : (Math.floor(rnd() * 2 ** 32) | 0)})`;
  const c64 = () => `(i64.const ${chance(0.8) ? pick(C64) : BigInt.asIntN(64, BigInt(Math.floor(rnd() * 2 ** 32)) << BigInt(Math.floor(rnd() * 33)))})`;
  const addr = (d) => (chance(0.8) ? `(i32.and ${g32(d)} (i32.const 0xfff8))` : g32(d));
  const leaf32 = () => (chance(0.45) ? c32() : chance(0.85) ? `(local.get ${pick([0, 1])})` : `(local.get 4)`);
  const leaf64 = () => (chance(0.45) ? c64() : `(local.get ${pick([2, 3])})`);

  function g32(d) {
    if (d <= 0) return leaf32();
    const r = rnd();
    const s = d - 1;
    if (r < 0.3) {
      const o = binop();
      return `(i32.${o} ${g32(s)} ${chance(0.5) ? c32() : g32(s)})`;
    }
    if (r < 0.4) return `(i32.${pick(CMP)} ${g32(s)} ${chance(0.5) ? c32() : g32(s)})`;
    if (r < 0.45) return `(i64.${pick(CMP)} ${g64(s)} ${chance(0.5) ? c64() : g64(s)})`;
    if (r < 0.5) return `(i32.eqz ${g32(s)})`;
    if (r < 0.53) return `(i64.eqz ${g64(s)})`;
    if (r < 0.58) return `(i32.wrap_i64 ${g64(s)})`;
    if (r < 0.61) return `(i32.${pick(['extend8_s', 'extend16_s', 'clz', 'popcnt'])} ${g32(s)})`;
    if (r < 0.65) return `(select ${g32(s)} ${g32(s)} ${g32(s)})`;
    if (r < 0.68) return `(call $eff ${g32(s)})`;
    if (r < 0.71) return `(i32.${pick(['load', 'load8_u', 'load8_s', 'load16_u', 'load16_s'])} offset=${pick([0, 4, 100])} ${addr(s)})`;
    if (r < 0.73) return `(if (result i32) ${g32(s)} (then ${g32(s)}) (else ${g32(s)}))`;
    if (r < 0.75) return `(block (result i32) (drop (br_if 0 ${g32(s)} ${g32(s)})) ${g32(s)})`;
    if (r < 0.77) return `(local.tee 4 ${g32(s)})`;
    if (r < 0.78) return `(i32.reinterpret_f32 (f32.${pick(['neg', 'abs'])} (f32.reinterpret_i32 ${g32(s)})))`;
    return template32(s);
  }

  function g64(d) {
    if (d <= 0) return leaf64();
    const r = rnd();
    const s = d - 1;
    if (r < 0.3) return `(i64.${binop()} ${g64(s)} ${chance(0.5) ? c64() : g64(s)})`;
    if (r < 0.45) return `(i64.extend_i32_${pick(['u', 's'])} ${g32(s)})`;
    if (r < 0.5) return `(i64.${pick(['extend8_s', 'extend16_s', 'extend32_s'])} ${g64(s)})`;
    if (r < 0.55) return `(select ${g64(s)} ${g64(s)} ${g32(s)})`;
    if (r < 0.6) return `(i64.${pick(['load', 'load8_u', 'load8_s', 'load16_u', 'load16_s', 'load32_u', 'load32_s'])} ${addr(s)})`;
    if (r < 0.63) return `(i64.extend_i32_u (call $eff ${g32(s)}))`;
    return template64(s);
  }

  /** Shapes the topic's rules look for, with random holes. */
  function template32(s) {
    const x = () => g32(s);
    const x64 = () => g64(s);
    const k = () => pick([1, 8, 16, 24, 31, 32, 33]);
    switch (topic) {
      case 'arith': return pick([
        () => `(i32.add (i32.add ${x()} ${c32()}) ${c32()})`,
        () => `(i32.mul ${x()} (i32.const ${pick([0, 1, -1, 2, 8, 1024])}))`,
        () => `(i32.sub ${x()} ${x()})`,
        () => `(i32.${pick(['div_u', 'rem_u', 'div_s', 'rem_s'])} ${x()} (i32.const ${pick([1, -1, 2, 16, 0x40000000])}))`,
        () => `(i32.add ${x()} (i32.sub (i32.const 0) ${x()}))`,
        () => `(i32.add (i32.sub (i32.const 0) ${x()}) ${x()})`,
        () => `(i32.mul (call $eff ${x()}) (i32.const 0))`,
        () => `(i32.sub (i32.const 0) (i32.sub (i32.const 0) ${x()}))`,
        () => `(i32.sub ${x()} (i32.sub (i32.const 0) ${x()}))`,
        () => `(i32.mul (i32.mul ${x()} (i32.const ${pick([3, 7, -3, 0x10001])})) (i32.const ${pick([5, -7, 0x7fffffff])}))`,
        () => `(i32.rem_s ${leaf32()} (i32.const ${pick([1, -1])}))`,
      ])();
      case 'bitops': return pick([
        () => `(i32.and (i32.and ${x()} ${c32()}) ${c32()})`,
        () => `(i32.and (i32.or ${x()} ${c32()}) ${c32()})`,
        () => `(i32.or (i32.and ${x()} ${c32()}) ${c32()})`,
        () => `(i32.and (i32.load8_u ${addr(s)}) (i32.const 255))`,
        () => `(i32.xor ${x()} ${x()})`,
        () => `(i32.xor (i32.eqz ${x()}) (i32.const 1))`,
        () => `(i32.and (i32.eqz ${x()}) (i32.eqz ${x()}))`,
        () => `(i32.or (i32.ne ${x()} (i32.const 0)) (i32.ne ${x()} (i32.const 0)))`,
        () => `(i32.or (i32.and ${x()} (i32.const ${pick([0xff, -256, 0x0f0f0f0f])})) (i32.const ${pick([-256, 0xff, -1, 0xf0f0f0f0])}))`,
      ])();
      case 'shifts': return pick([
        () => `(i32.shr_s (i32.shl ${x()} (i32.const ${pick([16, 24, 8])})) (i32.const ${pick([16, 24, 8])}))`,
        () => `(i32.shl (i32.shr_u ${x()} (i32.const ${k()})) (i32.const ${k()}))`,
        () => `(i32.${pick(['shl', 'shr_u', 'shr_s', 'rotl'])} (i32.${pick(['shl', 'shr_u', 'shr_s', 'rotl'])} ${x()} (i32.const ${k()})) (i32.const ${k()}))`,
        () => `(i32.shl ${x()} (i32.and ${x()} (i32.const ${pick([31, 63, 15, -1])})))`,
        () => `(i32.${pick(['shl', 'shr_u', 'shr_s', 'rotl', 'rotr'])} (i32.const ${pick([0, -1])}) ${x()})`,
        () => `(i32.wrap_i64 (i64.shr_s (i64.shl ${x64()} (i64.const ${pick([32, 48, 56])})) (i64.const ${pick([32, 48, 56])})))`,
      ])();
      case 'compare': return pick([
        () => `(i32.eqz (i32.${pick(CMP)} ${x()} ${x()}))`,
        () => `(i32.${pick(CMP)} ${c32()} ${x()})`,
        () => `(i32.${pick(['gt_u', 'le_u', 'lt_u', 'ge_u'])} ${x()} (i32.const ${pick([0, 1])}))`,
        () => `(i32.${pick(['eq', 'ne'])} (i32.add ${x()} ${c32()}) ${c32()})`,
        () => `(i32.eqz (i32.sub ${x()} ${x()}))`,
        () => `(i32.eqz (i32.eqz ${x()}))`,
        () => `(i32.${pick(CMP)} (i32.and ${x()} (i32.const 15)) (i32.const ${pick([15, 16, 100, -1])}))`,
      ])();
      case 'conversions': {
        const pack = () => `(i64.or (i64.extend_i32_u ${x()}) (i64.shl (i64.extend_i32_u ${x()}) (i64.const 32)))`;
        return pick([
          () => `(i32.wrap_i64 (i64.shr_u ${pack()} (i64.const ${pick([0, 8, 31, 32, 33, 40])})))`,
          () => `(i64.${pick(CMP)} (i64.and ${pack()} (i64.const 255)) (i64.const ${pick([0, 1, 255, 256, -1])}))`,
          () => `(i64.${pick(CMP)} (i64.extend_i32_${pick(['u', 's'])} ${x()}) ${c64()})`,
          () => `(i32.wrap_i64 (i64.${pick(['add', 'sub', 'mul', 'and', 'xor'])} (i64.extend_i32_u ${x()}) (i64.extend_i32_s ${x()})))`,
          () => `(i64.eqz (i64.extend_i32_${pick(['u', 's'])} ${x()}))`,
          () => `(i32.extend8_s (i32.load8_${pick(['u', 's'])} ${addr(s)}))`,
          () => `(i32.wrap_i64 (i64.extend_i32_s (i32.wrap_i64 ${x64()})))`,
          () => `(i32.wrap_i64 (i64.load32_u ${addr(s)}))`,
          () => `(i32.trunc_f64_${pick(['s', 'u'])} (f64.convert_i32_${pick(['s', 'u'])} ${x()}))`,
        ])();
      }
      case 'memory': return pick([
        () => `(i32.load offset=${pick([0, 8, 0xfff0])} (i32.add (i32.and ${x()} (i32.const 0xff0)) (i32.const ${pick([4, 16, -4, 0x7ffffff0])})))`,
        () => `(i32.load8_u (i32.add ${x()} (i32.const ${pick([1, 4, -1])})))`,
        () => `(i32.and (i32.load8_s ${addr(s)}) (i32.const 255))`,
        () => `(i32.and (i32.load16_s ${addr(s)}) (i32.const 0xffff))`,
      ])();
      case 'select': return pick([
        () => `(select ${x()} ${x()} (i32.eqz ${x()}))`,
        () => `(select (i32.const 1) (i32.const 0) ${x()})`,
        () => `(select (i32.const 0) (i32.const 1) ${x()})`,
        () => `(select ${x()} ${x()} (i32.ne ${x()} (i32.const 0)))`,
        () => `(if (result i32) (i32.eqz ${x()}) (then ${x()}) (else ${x()}))`,
        () => `(block (result i32) (drop (br_if 0 ${x()} (i32.eqz (i32.eqz ${x()})))) ${x()})`,
        () => `(select (call $eff ${x()}) ${x()} (i32.eqz ${x()}))`,
      ])();
      case 'floats': return pick([
        () => `(i32.reinterpret_f32 (f32.neg (f32.neg (f32.reinterpret_i32 ${x()}))))`,
        () => `(i32.reinterpret_f32 (f32.abs (f32.${pick(['neg', 'abs'])} (f32.reinterpret_i32 ${x()}))))`,
        () => `(i32.reinterpret_f32 (f32.copysign (f32.reinterpret_i32 ${x()}) (f32.const ${pick(['1', '-2', 'nan', '-nan', '-0'])})))`,
        () => `(i32.wrap_i64 (i64.reinterpret_f64 (f64.abs (f64.copysign (f64.reinterpret_i64 ${x64()}) (f64.reinterpret_i64 ${x64()})))))`,
        () => `(i32.reinterpret_f32 (f32.mul (f32.reinterpret_i32 ${x()}) (f32.const 1)))`,
      ])();
    }
    return leaf32();
  }

  function template64(s) {
    const x = () => g32(s);
    const x64 = () => g64(s);
    switch (topic) {
      case 'arith': return `(i64.add (i64.sub ${x64()} ${c64()}) ${c64()})`;
      case 'bitops': return `(i64.and (i64.extend_i32_u ${x()}) (i64.const ${pick([0xffffffff, 0xff, -1])}))`;
      case 'shifts': return `(i64.shr_u (i64.extend_i32_u ${x()}) (i64.const ${pick([0, 8, 31, 32, 40, 64])}))`;
      case 'conversions': return pick([
        () => `(i64.extend_i32_${pick(['u', 's'])} (i32.wrap_i64 ${x64()}))`,
        () => `(i64.${pick(['and', 'or', 'xor', 'shr_u', 'shr_s', 'add'])} (i64.extend_i32_${pick(['u', 's'])} ${x()}) ${chance(0.5) ? c64() : `(i64.extend_i32_${pick(['u', 's'])} ${x()})`})`,
      ])();
      case 'memory': return `(i64.extend_i32_${pick(['u', 's'])} (i32.${pick(['load', 'load8_u', 'load8_s', 'load16_u', 'load16_s'])} ${addr(s)}))`;
      default: return `(i64.mul ${x64()} (i64.const ${pick([0, 1, -1, 4])}))`;
    }
  }

  /** A statement for the memory topic: a narrow store of a value built from the pool. */
  function store(s) {
    return pick([
      () => `(i32.store8 ${addr(s)} (i32.and ${g32(s)} (i32.const 0xff)))`,
      () => `(i32.store16 ${addr(s)} (i32.wrap_i64 ${g64(s)}))`,
      () => `(i64.store32 ${addr(s)} (i64.shr_u ${g64(s)} (i64.const 32)))`,
      () => `(i64.store8 ${addr(s)} (i64.extend_i32_u ${g32(s)}))`,
      () => `(i32.store offset=${pick([0, 4])} (i32.add (i32.and ${g32(s)} (i32.const 0xff0)) (i32.const 8)) ${g32(s)})`,
      () => `(i32.store16 ${addr(s)} (i32.extend8_s ${g32(s)}))`,
    ])();
  }

  return { g32, g64, store, chance, pick };
}

function moduleText(seed, topic) {
  const gen = generator(seed, topic);
  const funcs = [];
  for (let i = 0; i < FUNCS; i++) {
    const depth = 2 + (i % 3);
    const wide = gen.chance(0.25);
    const stmts = topic === 'memory' || gen.chance(0.1) ? gen.store(depth - 1) : '';
    const body = wide ? gen.g64(depth) : gen.g32(depth);
    funcs.push(`  (func (export "f${i}") (param i32 i32 i64 i64) (result ${wide ? 'i64' : 'i32'}) (local i32)\n    ${stmts}\n    ${body})`);
  }
  return `(module
  (memory (export "mem") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func $eff (param i32) (result i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (i32.xor (local.get 0) (global.get $g)))
${funcs.join('\n')})`;
}

const fired = new Map();

for (const topic of Object.keys(FAVOUR)) {
  test(`optimize-instructions rules are sound: ${topic}`, async (t) => {
    let changedFuncs = 0;
    for (const seed of SEEDS) {
      const text = moduleText(seed, topic);
      const before = await assemble(text, `${topic}-${seed}.wat`);
      const m = decodeModule(before);
      validateModule(m);
      ruleStats.clear();
      const [stats] = runPasses(m, resolvePasses({ passes: ['optimize-instructions'] }));
      for (const [k, v] of ruleStats) fired.set(k, (fired.get(k) ?? 0) + v);
      changedFuncs += stats.changed;
      for (const f of m.funcs) validateFunction(m, f);
      const after = encodeModule(m);
      validateModule(decodeModule(after));
      const report = await differential(before, after, { runs: 24, seed });
      assert.ok(report.runs > 0, 'the oracle ran nothing');
      assert.ok(report.equivalent, `${topic} seed ${seed}: ${formatReport(report)}\n${text}`);
    }
    assert.ok(changedFuncs > 0, `${topic}: the pass changed nothing`);
  });
}

test('optimize-instructions rule coverage (diagnostic)', (t) => {
  const never = [];
  for (const [topic, rules] of Object.entries(RULES)) {
    for (const r of rules) if (!fired.has(`${topic}/${r.name}`)) never.push(`${topic}/${r.name}`);
  }
  const total = Object.values(RULES).reduce((n, rs) => n + rs.length, 0);
  t.diagnostic(`${total - never.length}/${total} rules fired in the random modules; never: ${never.join(', ') || 'none'}`);
  assert.ok(fired.size > 0);
});
