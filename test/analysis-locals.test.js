// Local graph, liveness and structure (src/analysis/local-graph.ts, liveness.ts, structure.ts,
// cfg.ts): exact reaching sets on hand-written functions (straight line, tee order, if/else,
// loops, br_table, unreachable code, multi-value blocks), dead sets, interference, parents and
// dominance; 100,000-deep nests; and a randomized soundness check against an interpreter that
// records which set each executed get actually read (and checks effects and dominance too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import initWabt from 'wabt';
import { decodeModule, codeContext, readFunctionBody, Expr, O, PassContext } from '../dist/index.js';
import { I32, NONE, single } from '../dist/ir/types.js';
import { localGraph, ENTRY } from '../dist/analysis/local-graph.js';
import { liveness, deadSets } from '../dist/analysis/liveness.js';
import { structure, Slot } from '../dist/analysis/structure.js';
import { buildLocalCfg } from '../dist/analysis/cfg.js';
import { FunctionEffects, effectsOf } from '../dist/analysis/effects.js';

const wabt = await initWabt();

function compile(wat) {
  const mod = wabt.parseWat('t.wat', wat, { multi_value: true, bulk_memory: true, reference_types: true });
  mod.resolveNames();
  mod.validate();
  const { buffer } = mod.toBinary({});
  mod.destroy();
  const m = decodeModule(buffer);
  const cx = codeContext(m);
  for (const f of m.funcs) readFunctionBody(cx, m, f);
  return m;
}

/** The first function of `(module <text>)` with its local counts. */
function fn(text) {
  const m = compile(`(module ${text})`);
  const f = m.funcs[0];
  const numParams = m.types[f.type].params.length;
  const info = { numParams, numLocals: numParams + f.locals.length };
  return { m, f, root: f.tree, info };
}

/** All nodes under `root` in execution order (operands, then the node; bodies in order). */
function execOrder(root) {
  const out = [];
  const visit = (e) => {
    for (const k of e.kids) visit(k);
    for (const b of e.body) visit(b);
    if (e.alt) for (const b of e.alt) visit(b);
    out.push(e);
  };
  visit(root);
  return out;
}

/** Accessors: gets(root, 1)[n] is the n-th executed `local.get 1`; sets(...) covers set and tee. */
const gets = (root, local) => execOrder(root).filter((e) => e.op === O.local_get && e.index === local);
const sets = (root, local) => execOrder(root).filter((e) => (e.op === O.local_set || e.op === O.local_tee) && e.index === local);

/** Asserts a set of defs/nodes equals the expected list (identity). */
function same(actual, expected, msg = '') {
  const show = (l) => `[${[...l].map((e) => (e === ENTRY ? 'entry' : `${e.name} ${e.index}`)).join(', ')}]`;
  const a = [...actual];
  const ok = a.length === expected.length && expected.every((e) => a.includes(e));
  assert.ok(ok, `${msg}: got ${show(a)}, expected ${show(expected)}`);
}

test('straight line: entry values, tee after its operand, dead tee', () => {
  const { root, info } = fn(`(func (param $p i32) (result i32) (local $x i32) (local $y i32)
    (local.set $x (i32.add (local.get $x) (local.get $p)))
    (local.set $x (i32.add (local.get $x) (local.tee $x (i32.add (local.get $x) (i32.const 1)))))
    (local.set $y (local.get $x))
    (local.get $y))`);
  const g = localGraph(root, info);
  const [x0, x1, x2, x3] = gets(root, 1);
  const [sx0, teeX, sx1] = sets(root, 1);
  assert.equal(teeX.op, O.local_tee);
  same(g.getSets(x0), [ENTRY], 'x0');
  same(g.getSets(gets(root, 0)[0]), [ENTRY], 'p');
  same(g.getSets(x1), [sx0], 'x1 (before the tee)');
  same(g.getSets(x2), [sx0], 'x2 (the tee operand runs before the tee)');
  same(g.getSets(x3), [sx1], 'x3');
  same(g.getSets(gets(root, 2)[0]), [sets(root, 2)[0]], 'y');
  same(g.setGets(sx0), [x1, x2], 'set x0 gets');
  same(g.setGets(teeX), [], 'tee gets');
  assert.ok(g.isDeadSet(teeX) && !g.isDeadSet(sx0));
  assert.ok(g.reachesEntry(x0) && !g.reachesEntry(x1));
  assert.equal(g.soleSet(x3), sx1);
  assert.equal(g.soleSet(x0), null);
  assert.ok(g.isParam(0) && !g.isParam(1));
  same(deadSets(root, info), [teeX], 'dead sets');
  assert.equal(g.gets().length, 6);
  assert.equal(g.sets().length, 4);
  assert.throws(() => g.getSets(sx0), /not a local.get/);
});

test('if/else: merges at the end, an if without else keeps the old value', () => {
  const { root, info } = fn(`(func (param i32) (result i32) (local i32)
    (if (local.get 0) (then (local.set 1 (i32.const 1))) (else (local.set 1 (i32.const 2))))
    (drop (local.get 1))
    (if (local.get 0) (then (local.set 1 (i32.const 3))))
    (drop (local.get 1))
    (if (local.get 0) (then (nop)) (else (local.set 1 (i32.const 4))))
    (local.get 1))`);
  const g = localGraph(root, info);
  const [a, b, c, d] = sets(root, 1);
  const [g0, g1, g2] = gets(root, 1);
  same(g.getSets(g0), [a, b]);
  same(g.getSets(g1), [a, b, c]);
  same(g.getSets(g2), [a, b, c, d]);
  same(g.setGets(a), [g0, g1, g2]);
  same(g.setGets(d), [g2]);
  for (const p of gets(root, 0)) same(g.getSets(p), [ENTRY]);
});

test('loops: back edges reach the loop head; nested loops', () => {
  const { root, info } = fn(`(func (param i32) (result i32) (local i32 i32 i32)
    (local.set 1 (i32.const 0))
    (loop $l
      (local.set 2 (local.get 1))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (loop $outer
      (drop (local.get 3))
      (loop $inner
        (local.set 3 (local.get 1))
        (br_if $inner (local.get 0)))
      (br_if $outer (local.get 3)))
    (i32.add (local.get 1) (local.get 2)))`);
  const g = localGraph(root, info);
  const [s0, s1] = sets(root, 1);
  const [s2] = sets(root, 2);
  const [s3] = sets(root, 3);
  const g1 = gets(root, 1);
  same(g.getSets(g1[0]), [s0, s1], 'loop head read');
  same(g.getSets(g1[1]), [s0, s1], 'second read before the set');
  same(g.getSets(g1[2]), [s1], 'after the set');
  same(g.getSets(g1[3]), [s1], 'in the nested loops');
  same(g.getSets(g1[4]), [s1], 'after the loops');
  same(g.getSets(gets(root, 2)[0]), [s2]);
  const g3 = gets(root, 3);
  same(g.getSets(g3[0]), [ENTRY, s3], 'outer loop head: entry or the inner loop\'s set via the outer back edge');
  same(g.getSets(g3[1]), [s3]);
  same(g.setGets(s1), g1.slice(0, 5));
  const lv = liveness(root, info);
  same(lv.deadSets(), []);
  assert.ok(lv.liveAtEntry(0) && lv.liveAtEntry(3) && !lv.liveAtEntry(1) && !lv.liveAtEntry(2));
});

test('br_table: every target gets the state at the branch', () => {
  const { root, info } = fn(`(func (param i32) (result i32) (local i32)
    (block $a
      (block $b
        (block $c
          (local.set 1 (i32.const 10))
          (br_table $a $b $c (local.get 0)))
        (local.set 1 (i32.const 20))
        (br $a))
      (local.set 1 (i32.add (local.get 1) (i32.const 1))))
    (local.get 1))`);
  const g = localGraph(root, info);
  const [s0, s1, s2] = sets(root, 1);
  const [inB, end] = gets(root, 1);
  same(g.getSets(inB), [s0]);
  same(g.getSets(end), [s0, s1, s2]);
  same(g.setGets(s0), [inB, end]);
});

test('unreachable code gets the empty state and its sets reach nothing', () => {
  const { root, info } = fn(`(func (param i32) (result i32) (local i32)
    (block $out
      (block $in (br $out))
      (local.set 1 (i32.const 5))
      (drop (local.get 1)))
    (if (local.get 0) (then (local.set 1 (i32.const 6)) (unreachable)))
    (if (local.get 0) (then (local.set 1 (i32.const 7)) (return (i32.const 0))))
    (block $x
      (loop $spin (br $spin))
      (local.set 1 (i32.const 8)))
    (local.get 1))`);
  const g = localGraph(root, info);
  const [dead, beforeTrap, beforeReturn, afterSpin] = sets(root, 1);
  const [deadGet, last] = gets(root, 1);
  same(g.getSets(deadGet), [], 'dead get');
  assert.ok(g.isUnreachable(deadGet) && g.isUnreachable(dead) && g.isUnreachable(last));
  same(g.getSets(last), [], 'nothing falls out of the endless loop: the last get is dead too');
  for (const s of [dead, beforeTrap, beforeReturn, afterSpin]) same(g.setGets(s), [], 'set');
  const lv = liveness(root, info);
  same(lv.deadSets(), [dead, beforeTrap, beforeReturn, afterSpin]);

  // without the endless loop, the entry value is the only one reaching the end
  const h = fn(`(func (param i32) (result i32) (local i32)
    (block $out (block $in (br $out)) (local.set 1 (i32.const 5)))
    (if (local.get 0) (then (local.set 1 (i32.const 6)) (unreachable)))
    (local.get 1))`);
  const hg = localGraph(h.root, h.info);
  same(hg.getSets(gets(h.root, 1)[0]), [ENTRY]);
});

test('multi-value blocks, block params and pops', () => {
  const { root, info } = fn(`(func (param i32) (result i32) (local i32 i32)
    (local.set 1 (i32.const 1))
    (block $b (result i32 i32)
      (br_if $b (local.get 1) (i32.const 2) (local.get 0))
      (drop) (drop)
      (local.set 1 (i32.const 3))
      (local.get 1) (local.get 0))
    (local.set 2)
    (local.set 1)
    (local.get 1)
    (local.get 2)
    (block (param i32 i32) (result i32)
      (local.set 2)
      (local.set 1 (i32.add (local.get 2)))
      (local.get 1))
    )`);
  const s1 = sets(root, 1);
  const s2 = sets(root, 2);
  const g1 = gets(root, 1);
  const g2 = gets(root, 2);
  const g = localGraph(root, info);
  assert.equal(s1.length, 4);
  same(g.getSets(g1[0]), [s1[0]], 'br_if value');
  same(g.getSets(g1[1]), [s1[1]], 'block end value');
  same(g.getSets(g1[2]), [s1[2]], 'after the pops');
  same(g.getSets(g2[0]), [s2[0]]);
  same(g.getSets(g2[1]), [s2[1]], 'inside the param block');
  same(g.getSets(g1[3]), [s1[3]]);
  assert.ok(s1[2].kids[0].op === O.pop && s2[1].kids[0].op === O.pop);
  same(deadSets(root, info), []);
});

test('liveness: dead sets, interference, entry values, copies', () => {
  const { root, info } = fn(`(func (param $p i32) (param $q i32) (result i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local.set $a (local.get $p))             ;; a = p (copy): p and a do not interfere here
    (local.set $b (i32.add (local.get $a) (i32.const 1)))
    (local.set $c (i32.const 5))              ;; dead: overwritten before any read
    (local.set $c (i32.mul (local.get $b) (local.get $a)))
    (local.set $a (i32.const 0))              ;; dead: a is never read again
    (drop (local.get $d))                     ;; d's zero is read
    (i32.add (local.get $c) (local.get $q)))`);
  const lv = liveness(root, info);
  const [c0] = sets(root, 4);
  const a1 = sets(root, 2)[1];
  same(lv.deadSets(), [c0, a1]);
  assert.ok(lv.isDeadSet(c0) && !lv.isDeadSet(sets(root, 3)[0]));
  const p = 0, q = 1, a = 2, b = 3, c = 4, d = 5;
  const expect = new Set([
    [q, a], [q, b], [q, c], // q is live throughout, everything is written while it lives
    [q, d], [p, d], [p, q], // entry: arguments against every local whose initial value is read
    [a, b], // b written while a is live
    [c, d], [c, a], [c, b], // c written (dead store c0 and c1) while a, b, d live (d read later)
    [a, d], [b, d], // a, b written while d (its zero) is live
  ].map(([x, y]) => `${Math.min(x, y)}-${Math.max(x, y)}`));
  for (let x = 0; x < 6; x++) {
    for (let y = x + 1; y < 6; y++) {
      assert.equal(lv.interferes(x, y), expect.has(`${x}-${y}`), `interferes(${x}, ${y})`);
      assert.equal(lv.interferes(y, x), lv.interferes(x, y));
    }
  }
  assert.ok(!lv.interferes(p, a), 'a copy of p does not interfere with p');
  assert.deepEqual([...lv.neighbors(p)].sort(), [q, d].sort());
  assert.ok(lv.liveAtEntry(p) && lv.liveAtEntry(q) && lv.liveAtEntry(d) && !lv.liveAtEntry(a));
  // without numParams every local may be a parameter: a's initial value would differ from p's
  const unknown = liveness(root, { numLocals: 6 });
  assert.ok(!lv.interferes(p, a) && unknown.interferes(p, a) && unknown.interferes(q, d));
  same(unknown.deadSets(), [c0, a1]);
});

test('liveness and local graph agree on dead sets; shared CFG; PassContext helpers', () => {
  const { m, f, root, info } = fn(`(func (param i32) (result i32) (local i32 i32)
    (loop $l
      (local.set 1 (local.get 2))
      (local.set 2 (i32.const 3))
      (local.set 2 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (local.get 0)))
    (local.get 1))`);
  const cfg = buildLocalCfg(root, info.numLocals);
  const g = localGraph(root, { ...info, cfg });
  const lv = liveness(root, { ...info, cfg });
  const deadByGraph = g.sets().filter((s) => g.setGets(s).size === 0);
  same(lv.deadSets(), deadByGraph);
  same(deadByGraph, [sets(root, 2)[0]]);
  same(g.getSets(gets(root, 2)[0]), [ENTRY, sets(root, 2)[1]]);
  const cx = new PassContext(m, { target: 'generic' });
  assert.equal(cx.localGraph(f), cx.localGraph(f), 'cached');
  assert.equal(cx.localCfg(f), cx.liveness(f).cfg, 'the CFG is shared');
  assert.ok(cx.liveness(f).isDeadSet(sets(root, 2)[0]));
  assert.ok(cx.structure(f).has(root) && cx.effects(f).get(root).mayNotReturn);
  const before = cx.localGraph(f);
  cx.changed(f);
  assert.notEqual(cx.localGraph(f), before, 'dropped when the function changes');
});

test('structure: parents, slots, enclosing labels', () => {
  const { root } = fn(`(func (param i32) (result i32)
    (block $b (result i32)
      (i32.add (local.get 0) (i32.const 1))
      (if (result i32) (local.get 0) (then (br $b (i32.const 2))) (else (i32.const 3)))
      (drop)))`);
  const st = structure(root);
  const blk = root.body[0];
  const add = blk.body[0];
  const drop = blk.body[1];
  const iff = drop.kids[0];
  const cond = iff.kids[0];
  const brNode = iff.body[0];
  assert.equal(st.parent(blk), root);
  assert.equal(st.parent(root), null);
  assert.equal(st.slot(add), Slot.body);
  assert.equal(st.index(drop), 1);
  assert.equal(st.index(iff), 0);
  assert.equal(st.parent(iff), drop);
  assert.equal(st.slot(cond), Slot.kid);
  assert.equal(st.list(iff.alt[0]), iff.alt);
  assert.equal(st.slot(iff.alt[0]), Slot.alt);
  assert.equal(st.depth(brNode.kids[0]), 5);
  assert.ok(st.enclosingLabels(brNode.kids[0]).every((x, i) => x === [iff, blk, root][i]));
  assert.ok(st.enclosingLabels(cond).length === 2 && st.enclosingLabels(cond)[0] === blk,
    'an if condition is not inside the if label');
  assert.ok(st.isAncestor(blk, cond) && !st.isAncestor(cond, blk) && !st.isAncestor(blk, blk));
  assert.equal(st.commonAncestor(cond, brNode), iff);
  assert.equal(st.size, execOrder(root).length);
});

test('dominance in structured control flow', () => {
  const { root } = fn(`(func (param i32) (result i32) (local i32 i32)
    (local.set 1 (i32.const 1))                                    ;; A
    (block $b
      (local.set 2 (i32.const 2))                                  ;; B
      (br_if $b (local.get 0))                                     ;; BR
      (local.set 1 (i32.const 3)))                                 ;; C (after the br_if)
    (if (local.get 0)                                              ;; COND
      (then (local.set 2 (i32.const 4)))                           ;; T
      (else (local.set 2 (i32.const 5))))                          ;; E
    (loop $l (local.set 1 (i32.const 6)) (br_if $l (local.get 0))) ;; L (loop body root)
    (i32.add (local.get 1) (local.get 2))                          ;; X, Y
  )`);
  const st = structure(root);
  const [A, C, L] = sets(root, 1);
  const [B, T, E] = sets(root, 2);
  const blk = root.body[1];
  const br = blk.body[1];
  const iff = root.body[2];
  const cond = iff.kids[0];
  const X = gets(root, 1)[0];
  const Y = gets(root, 2)[0];
  const add = root.body[4];
  const yes = (a, b, m) => assert.ok(st.dominates(a, b), m);
  const no = (a, b, m) => assert.ok(!st.dominates(a, b), m);
  yes(A, X, 'earlier root'); yes(A, C, 'earlier sibling of an ancestor'); yes(B, C, 'before the br_if, same block');
  yes(br, C, 'the br_if fell through'); yes(B, X, 'B completes whenever the block does (no branch before it)');
  no(C, X, 'the br_if may skip C'); no(br, X, 'br_if inside the block... but the block may complete through it');
  yes(blk, X, 'the whole block'); yes(cond, T, 'condition before the arms'); yes(cond, E);
  no(T, E, 'then vs else'); no(T, Y, 'an arm is conditional'); yes(iff, Y);
  yes(L, X, 'a loop completes only through the end of its body');
  yes(X, Y, 'earlier operand'); no(Y, X, 'later operand'); no(add, X, 'ancestor'); no(blk, B, 'ancestor');
  no(X, X, 'not reflexive'); no(X, A, 'later'); no(T, cond);
});

test('100,000-deep nests: CFG, local graph, liveness, structure are iterative', () => {
  const depth = 100000;
  const fnBody = new Expr(O.block, single(I32));
  fnBody.body = [];
  let cur = fnBody;
  const labels = [];
  for (let i = 0; i < depth; i++) {
    const b = new Expr(i % 2 ? O.loop : O.block, NONE);
    b.body = [];
    cur.body.push(b);
    labels.push(b);
    cur = b;
  }
  const get0 = new Expr(O.local_get, single(I32));
  const set = new Expr(O.local_set, NONE, [get0]);
  set.index = 1;
  const br = new Expr(O.br_if, NONE, [new Expr(O.local_get, single(I32))]);
  br.target = labels[1]; // the outermost loop: a back edge over 99,999 levels
  cur.body.push(set, br);
  const last = new Expr(O.local_get, single(I32));
  last.index = 1;
  fnBody.body.push(last);
  const info = { numParams: 1, numLocals: 2 };
  const g = localGraph(fnBody, info);
  same(g.getSets(last), [set]);
  same(g.getSets(get0), [ENTRY]);
  const lv = liveness(fnBody, info);
  same(lv.deadSets(), []);
  assert.ok(!lv.interferes(0, 1));
  const st = structure(fnBody);
  assert.ok(st.dominates(set, last) && st.dominates(labels[0], last));
  assert.equal(st.enclosingLabels(set).length, depth + 1);
  assert.equal(new FunctionEffects(fnBody).get(fnBody).mayNotReturn, true);
});

// ---- randomized soundness: an interpreter records what actually happens --------------------

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NUM_LOCALS = 6; // 2 params + 4 declared

/** A random function body in WAT (folded), with labels carrying 0 or 1 values. */
function genFunc(r) {
  let nLabels = 0;
  const pick = (a) => a[Math.floor(r() * a.length)];
  const local = () => Math.floor(r() * NUM_LOCALS);
  function expr(d, labels) {
    const k = r();
    if (d <= 0 || k < 0.3) return r() < 0.6 ? `(local.get ${local()})` : `(i32.const ${Math.floor(r() * 5)})`;
    if (k < 0.45) return `(i32.add ${expr(d - 1, labels)} ${expr(d - 1, labels)})`;
    if (k < 0.55) return `(local.tee ${local()} ${expr(d - 1, labels)})`;
    if (k < 0.62) return `(i32.lt_u ${expr(d - 1, labels)} ${expr(d - 1, labels)})`;
    if (k < 0.7) return `(select ${expr(d - 1, labels)} ${expr(d - 1, labels)} ${expr(d - 1, labels)})`;
    if (k < 0.85) {
      const l = `$L${nLabels++}`;
      const inner = [...labels, { l, arity: 1 }];
      return `(block ${l} (result i32) ${stmts(d - 1, inner)} ${expr(d - 1, inner)})`;
    }
    const inner = [...labels, { l: `$L${nLabels++}`, arity: 1 }];
    return `(if ${inner.at(-1).l} (result i32) ${expr(d - 1, labels)} (then ${stmts(d - 1, inner)} ${expr(d - 1, inner)}) ` +
      `(else ${stmts(d - 1, inner)} ${expr(d - 1, inner)}))`;
  }
  function stmts(d, labels) {
    const n = Math.floor(r() * 4);
    let s = '';
    for (let i = 0; i < n; i++) s += stmt(d, labels) + '\n';
    return s;
  }
  function branchValue(t, d, labels) {
    return t.arity ? expr(d - 1, labels) : '';
  }
  function stmt(d, labels) {
    const k = r();
    if (d <= 0 || k < 0.25) return `(local.set ${local()} ${expr(d - 1, labels)})`;
    if (k < 0.32) return `(drop ${expr(d - 1, labels)})`;
    if (k < 0.42) {
      const l = `$L${nLabels++}`;
      return `(block ${l} ${stmts(d - 1, [...labels, { l, arity: 0 }])})`;
    }
    if (k < 0.52) {
      const l = `$L${nLabels++}`;
      return `(loop ${l} ${stmts(d - 1, [...labels, { l, arity: 0 }])})`;
    }
    if (k < 0.62) {
      const l = `$L${nLabels++}`;
      const inner = [...labels, { l, arity: 0 }];
      return `(if ${l} ${expr(d - 1, labels)} (then ${stmts(d - 1, inner)}) (else ${stmts(d - 1, inner)}))`;
    }
    if (labels.length === 0 || k < 0.66) return `(local.set ${local()} ${expr(d - 1, labels)})`;
    const t = pick(labels);
    if (k < 0.72) return `(br ${t.l} ${branchValue(t, d, labels)})`;
    if (k < 0.86) {
      const c = expr(d - 1, labels);
      return t.arity ? `(drop (br_if ${t.l} ${branchValue(t, d, labels)} ${c}))` : `(br_if ${t.l} ${c})`;
    }
    if (k < 0.94) {
      const group = labels.filter((x) => x.arity === t.arity);
      const ts = [pick(group).l, pick(group).l, t.l].join(' ');
      return `(br_table ${ts} ${branchValue(t, d, labels)} ${expr(d - 1, labels)})`;
    }
    if (k < 0.97) return `(return ${expr(d - 1, labels)})`;
    return '(unreachable)';
  }
  return `(func (param i32 i32) (result i32) (local i32 i32 i32 i32)
    ${stmts(4, [])}
    ${expr(3, [])})`;
}

class Branch {
  constructor(target, values) { this.target = target; this.values = values; }
}
const TRAP = { trap: true };
const OUT_OF_FUEL = { fuel: true };

/** Runs a decoded function body on `args`, calling hooks; returns { result, trace } (result: value, 'trap' or 'fuel'). */
function interpret(root, args, hooks) {
  const locals = new Array(NUM_LOCALS).fill(0);
  const writer = new Array(NUM_LOCALS).fill(ENTRY);
  args.forEach((v, i) => (locals[i] = v));
  const trace = [];
  let fuel = 3000;
  const active = [];
  const runList = (list) => {
    const stack = [];
    for (const e of list) stack.push(...ev(e));
    return stack;
  };
  const ev = (e) => {
    if (--fuel < 0) throw OUT_OF_FUEL;
    hooks.start?.(e, active);
    active.push(e);
    try {
      const vals = [];
      for (const k of e.kids) vals.push(...ev(k));
      let out;
      switch (e.op) {
        case O.block: {
          try {
            const s = runList(e.body);
            out = s.slice(s.length - e.type.length);
          } catch (x) {
            if (x instanceof Branch && x.target === e) out = x.values;
            else throw x;
          }
          break;
        }
        case O.loop: {
          for (;;) {
            try {
              const s = runList(e.body);
              out = s.slice(s.length - e.type.length);
              break;
            } catch (x) {
              if (!(x instanceof Branch && x.target === e)) throw x;
            }
          }
          break;
        }
        case O.if: {
          const c = vals.pop();
          try {
            const s = runList(c ? e.body : e.alt ?? []);
            out = s.slice(s.length - e.type.length);
          } catch (x) {
            if (x instanceof Branch && x.target === e) out = x.values;
            else throw x;
          }
          break;
        }
        case O.br: throw new Branch(e.target, vals);
        case O.br_if: {
          const c = vals.pop();
          if (c) throw new Branch(e.target, vals);
          out = vals;
          break;
        }
        case O.br_table: {
          const i = vals.pop() >>> 0;
          throw new Branch(e.targets[Math.min(i, e.targets.length - 1)], vals);
        }
        case O.return: throw new Branch(e.target, vals);
        case O.unreachable: throw TRAP;
        case O.nop: out = []; break;
        case O.drop: out = []; break;
        case O.select: out = [vals[2] ? vals[0] : vals[1]]; break;
        case O.local_get:
          hooks.read?.(e, writer[e.index], active);
          trace.push(locals[e.index]);
          out = [locals[e.index]];
          break;
        case O.local_set: case O.local_tee:
          hooks.write?.(e, active);
          locals[e.index] = vals[0];
          writer[e.index] = e;
          out = e.op === O.local_tee ? [vals[0]] : [];
          break;
        default: {
          const n = e.name;
          if (n === 'i32.const') out = [e.value];
          else if (n === 'i32.add') out = [(vals[0] + vals[1]) | 0];
          else if (n === 'i32.lt_u') out = [(vals[0] >>> 0) < (vals[1] >>> 0) ? 1 : 0];
          else throw new Error(`interpreter: ${n}`);
        }
      }
      active.pop();
      hooks.complete?.(e);
      return out;
    } catch (x) {
      active.pop();
      hooks.abrupt?.(e, x);
      throw x;
    }
  };
  let result;
  try {
    const s = ev(root);
    result = s[0];
  } catch (x) {
    if (x instanceof Branch && x.target === root) result = x.values[0];
    else if (x === TRAP) result = 'trap';
    else if (x === OUT_OF_FUEL) result = 'fuel';
    else throw x;
  }
  return { result, trace };
}

test('randomized: reaching sets, dead sets, interference, dominance and effects hold on real executions', () => {
  const r = rng(12345);
  const info = { numParams: 2, numLocals: NUM_LOCALS };
  let executedGets = 0;
  let merges = 0;
  for (let iter = 0; iter < 250; iter++) {
    const { root } = fn(genFunc(r));
    const g = localGraph(root, info);
    const lv = liveness(root, info);
    const st = structure(root);
    const fx = new FunctionEffects(root);
    const all = execOrder(root);
    // internal consistency: two independent dead-set computations agree; reachable gets read something
    same(lv.deadSets(), g.sets().filter((s) => g.setGets(s).size === 0), `dead sets #${iter}`);
    for (const get of g.gets()) if (!g.isUnreachable(get)) assert.ok(g.getSets(get).size > 0);
    // a subtree analysed on its own (labels outside it unknown) agrees with the whole-function memo
    for (let k = 0; k < all.length; k += 7) {
      const whole = fx.get(all[k]);
      const alone = effectsOf(all[k]);
      assert.equal(alone.flags, whole.flags);
      assert.deepEqual([alone.localsRead, alone.localsWritten], [whole.localsRead, whole.localsWritten]);
      same(alone.branchTargets, whole.branchTargets, `targets #${iter}`);
    }
    // who must have completed before each node starts
    const dominators = new Map();
    for (const b of all) dominators.set(b, all.filter((a) => st.dominates(a, b)));
    const inputs = [[0, 0], [1, 2], [3, 0], [0, 7], [5, 5]];
    const baseline = [];
    for (const args of inputs) {
      const completed = new Set();
      const readSets = new Set();
      const run = interpret(root, args, {
        start(e) {
          for (const a of dominators.get(e)) assert.ok(completed.has(a), `#${iter}: ${a.name} should have completed before ${e.name}`);
        },
        complete(e) {
          completed.add(e);
          assert.ok(!fx.get(e).noFallThrough, `#${iter}: ${e.name} fell through`);
        },
        abrupt(e, x) {
          if (x instanceof Branch) assert.ok(fx.get(e).branchesTo(x.target), `#${iter}: branch out of ${e.name} not in its effects`);
          if (x === TRAP) assert.ok(fx.get(e).mayTrap);
        },
        read(get, def, active) {
          executedGets++;
          readSets.add(def);
          assert.ok(g.getSets(get).has(def), `#${iter}: get ${get.index} read a def missing from its set`);
          for (const a of active) assert.ok(fx.get(a).readsLocal(get.index));
        },
        write(set, active) {
          for (const a of active) assert.ok(fx.get(a).writesLocal(set.index));
        },
      });
      for (const s of lv.deadSets()) assert.ok(!readSets.has(s), `#${iter}: a dead set was read`);
      baseline.push(run);
    }
    // merging two non-interfering locals changes no value any get reads
    const accesses = all.filter((e) => e.op === O.local_get || e.op === O.local_set || e.op === O.local_tee);
    for (let a = 0; a < NUM_LOCALS; a++) {
      for (let b = a + 1; b < NUM_LOCALS; b++) {
        if (lv.interferes(a, b)) continue;
        merges++;
        const renamed = accesses.filter((e) => e.index === b);
        for (const e of renamed) e.index = a;
        inputs.forEach((args, i) => {
          const run = interpret(root, args, {});
          assert.deepEqual(run, baseline[i], `#${iter}: merging ${b} into ${a} changed behaviour`);
        });
        for (const e of renamed) e.index = b;
      }
    }
  }
  assert.ok(executedGets > 5000 && merges > 500, `coverage: ${executedGets} gets, ${merges} merges`);
});
