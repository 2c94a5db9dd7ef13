// Effects analysis (src/analysis/effects.ts): per-op effects derived from the opcode table,
// subtree effects (locals, globals, memory, tables, traps, calls, branches out, fall-through,
// pops), the reordering relation, the per-function cache, and a 100,000-deep nest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import initWabt from 'wabt';
import { decodeModule, codeContext, readFunctionBody, Expr, OPS, O } from '../dist/index.js';
import { Eff } from '../dist/ir/opcodes.js';
import { I32, NONE, single } from '../dist/ir/types.js';
import {
  effectsOf, functionEffects, FunctionEffects, F, NO_EFFECTS, isPure, hasSideEffects, conflicts,
} from '../dist/analysis/effects.js';

const wabt = await initWabt();

/** Assembles a module and decodes every function body. */
function compile(wat) {
  const mod = wabt.parseWat('t.wat', wat, {
    multi_value: true, bulk_memory: true, reference_types: true, tail_call: true,
  });
  mod.resolveNames();
  mod.validate();
  const { buffer } = mod.toBinary({});
  mod.destroy();
  const m = decodeModule(buffer);
  const cx = codeContext(m);
  for (const f of m.funcs) readFunctionBody(cx, m, f);
  return m;
}

/** The body of the (first) function of a module whose other fields are `decls`. */
function body(funcText, decls = '') {
  return compile(`(module ${decls} ${funcText})`).funcs[0].tree;
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

/** The n-th node (execution order) named `name`, optionally with immediate `index`. */
function nth(root, name, n = 0, index = undefined) {
  const all = execOrder(root).filter((e) => e.name === name && (index === undefined || e.index === index));
  assert.ok(n < all.length, `no ${name} #${n}`);
  return all[n];
}

/** Asserts two lists hold the same nodes (identity, any order), with a readable message. */
function sameNodes(actual, expected, msg = '') {
  const show = (l) => `[${[...l].map((e) => e.name).join(', ')}]`;
  const a = [...actual];
  const ok = a.length === expected.length && expected.every((e) => a.includes(e));
  assert.ok(ok, `${msg} got ${show(a)}, expected ${show(expected)}`);
}

const DECLS = `
  (type $t (func (param i32) (result i32)))
  (import "env" "imp" (func $imp (param i32)))
  (memory 1)
  (table 2 funcref)
  (global $g0 (mut i32) (i32.const 0))
  (global $g1 (mut i32) (i32.const 0))
  (data $d "abc")
  (elem $e func $imp)`;

test('per-op effects come from the opcode table flags', () => {
  for (const info of OPS) {
    if (info.name === 'else' || info.name === 'end') continue;
    const e = new Expr(info.id, NONE);
    e.body = [];
    if (info.effects & Eff.branch) e.target = null; // a target-less branch: a tail call shape
    const fx = effectsOf(e);
    const fl = info.effects;
    assert.equal(fx.mayTrap, (fl & (Eff.trap | Eff.call)) !== 0, `${info.name} trap`);
    assert.equal(fx.readsMemory, (fl & (Eff.readMem | Eff.call)) !== 0, `${info.name} readMem`);
    assert.equal(fx.writesMemory, (fl & (Eff.writeMem | Eff.call | Eff.growMem)) !== 0, `${info.name} writeMem`);
    assert.equal(fx.readsTable, (fl & (Eff.readTable | Eff.call)) !== 0, `${info.name} readTable`);
    assert.equal(fx.writesTable, (fl & (Eff.writeTable | Eff.call)) !== 0, `${info.name} writeTable`);
    assert.equal(fx.calls, (fl & Eff.call) !== 0, `${info.name} call`);
    assert.equal(fx.readsLocal(0), (fl & Eff.readLocal) !== 0, `${info.name} readLocal`);
    assert.equal(fx.writesLocal(0), (fl & Eff.writeLocal) !== 0, `${info.name} writeLocal`);
    assert.equal(fx.globalsRead.length > 0, (fl & Eff.readGlobal) !== 0, `${info.name} readGlobal`);
    assert.equal(fx.globalsWritten.length > 0, (fl & Eff.writeGlobal) !== 0, `${info.name} writeGlobal`);
    assert.equal(fx.noFallThrough, (fl & Eff.noFallThrough) !== 0, `${info.name} noFallThrough`);
    assert.equal(fx.growsMemory, (fl & (Eff.growMem | Eff.call)) !== 0, `${info.name} growMem`);
    assert.equal((fx.flags & F.data) !== 0, (fl & (Eff.data | Eff.call)) !== 0, `${info.name} data`);
    assert.equal(fx.hasPops, info.id === O.pop, `${info.name} pops`);
    if (fl & Eff.call) assert.ok(fx.readsGlobal(7) && fx.writesGlobal(7), `${info.name}: a call touches every global`);
  }
});

test('locals, globals, memory, tables, traps of subtrees', () => {
  const root = body(`(func (param i32 i32) (result i32) (local i64)
    (local.set 1 (i32.load (local.get 0)))
    (global.set $g1 (global.get $g0))
    (i32.store (i32.const 0) (i32.div_s (local.get 1) (i32.const 3)))
    (drop (table.get 0 (i32.const 1)))
    (drop (memory.size))
    (local.tee 2 (i64.const 5)) (drop)
    (i32.add (local.get 0) (i32.const 1)))`, DECLS);
  const [set1, gset, store, tget, msize, tee, add] = root.body.filter((e) => e.name !== 'drop' || e.kids[0].name !== 'local.tee')
    .map((e) => e);
  const fx = (e) => effectsOf(e);
  const s = fx(root.body[0]);
  assert.deepEqual([s.localsRead, s.localsWritten, s.mayTrap, s.readsMemory, s.writesMemory], [[0], [1], true, true, false]);
  const g = fx(root.body[1]);
  assert.deepEqual([g.globalsRead, g.globalsWritten, g.mayTrap], [[0], [1], false]);
  assert.ok(g.readsGlobal(0) && !g.readsGlobal(1) && g.writesGlobal(1) && !g.writesGlobal(0));
  const st = fx(root.body[2]);
  assert.deepEqual([st.localsRead, st.mayTrap, st.writesMemory, st.readsMemory], [[1], true, true, false]);
  const tg = fx(root.body[3]);
  assert.deepEqual([tg.readsTable, tg.writesTable, tg.mayTrap], [true, false, true]);
  const ms = fx(root.body[4]);
  assert.deepEqual([ms.readsMemory, ms.mayTrap, ms.hasSideEffects(), ms.isPure()], [true, false, false, false]);
  const whole = fx(root);
  assert.deepEqual(whole.localsRead, [0, 1]);
  assert.deepEqual(whole.localsWritten, [1, 2]);
  assert.deepEqual(whole.globalsRead, [0]);
  assert.deepEqual(whole.globalsWritten, [1]);
  assert.ok(whole.mayTrap && whole.readsMemory && whole.writesMemory && whole.readsTable && !whole.writesTable);
  assert.ok(!whole.calls && !whole.branchesOut && !whole.noFallThrough && !whole.hasPops);
  const last = fx(root.body[root.body.length - 1]);
  assert.ok(!last.hasSideEffects() && !last.isPure() && last.readsState());
  assert.ok(isPure(nth(root, 'i32.const', 0)) && !hasSideEffects(nth(root, 'i32.const', 0)));
  void [set1, gset, store, tget, msize, tee, add];
});

test('calls, memory.grow and segment ops', () => {
  const root = body(`(func (param i32)
    (call $imp (local.get 0))
    (drop (call_indirect (type $t) (i32.const 1) (i32.const 0)))
    (drop (memory.grow (i32.const 1)))
    (data.drop $d)
    (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1))
    (elem.drop $e)
    (memory.fill (i32.const 0) (i32.const 0) (i32.const 1)))`, DECLS);
  const [call, ci, grow, dd, mi, ed, fill] = root.body.map((e) => effectsOf(e));
  for (const c of [call, ci]) {
    assert.ok(c.calls && c.mayTrap && c.readsMemory && c.writesMemory && c.readsTable && c.writesTable && c.growsMemory);
    assert.ok(c.readsGlobal(123) && c.writesGlobal(0) && c.writesGlobalState() && c.hasSideEffects());
  }
  assert.deepEqual(call.localsRead, [0]);
  assert.ok(grow.growsMemory && grow.writesMemory && grow.readsMemory && !grow.mayTrap);
  assert.ok(dd.flags & F.data && !dd.mayTrap && dd.hasSideEffects());
  assert.ok(mi.flags & F.data && mi.writesMemory && mi.mayTrap);
  assert.ok(ed.flags & F.data);
  assert.ok(!(fill.flags & F.data) && fill.writesMemory);
  // segment state orders data.drop against memory.init, but not against a plain fill
  assert.ok(dd.invalidates(mi) && dd.invalidates(ed) && !dd.invalidates(effectsOf(nth(root, 'i32.const', 0))));
  // a call conflicts with any global access, memory access or trap
  const g = effectsOf(body(`(func (drop (global.get $g1)))`, DECLS));
  assert.ok(call.invalidates(g) && g.invalidates(call));
});

test('branches out of a subtree, not to labels inside it', () => {
  const root = body(`(func (param i32) (result i32)
    (block $out
      (block $in
        (br_if $in (local.get 0))
        (br_if $out (local.get 0))
        (br_table $in $out $in (local.get 0)))
      (return (i32.const 3)))
    (i32.const 2))`);
  const out = root.body[0];
  const inner = out.body[0];
  const brIn = nth(root, 'br_if', 0);
  const brOut = nth(root, 'br_if', 1);
  const table = nth(root, 'br_table', 0);
  const ret = nth(root, 'return', 0);
  sameNodes(effectsOf(brIn).branchTargets, [inner]);
  sameNodes(effectsOf(brOut).branchTargets, [out]);
  sameNodes(effectsOf(table).branchTargets.slice().sort((a, b) => (a === inner ? -1 : 1)), [inner, out]);
  assert.ok(effectsOf(table).noFallThrough && !effectsOf(brIn).noFallThrough);
  // $in: branches to itself do not count; the ones to $out do
  const fin = effectsOf(inner);
  sameNodes(fin.branchTargets, [out]);
  assert.ok(fin.branchesOut && fin.branchesTo(out) && !fin.branchesTo(inner));
  assert.ok(!fin.noFallThrough, 'br_if/br_table to $in make $in complete');
  // return targets the function body: out of $out, not out of the whole body
  sameNodes(effectsOf(ret).branchTargets, [root]);
  sameNodes(effectsOf(out).branchTargets, [root]);
  assert.ok(!effectsOf(out).noFallThrough);
  assert.ok(!effectsOf(root).branchesOut);
  // a branch out conflicts with side effects, not with pure reads
  const set = effectsOf(body(`(func (local i32) (local.set 0 (i32.const 1)))`).body[0]);
  const get = effectsOf(body(`(func (local i32) (drop (local.get 0)))`).body[0]);
  assert.ok(effectsOf(brOut).invalidates(set) && set.invalidates(effectsOf(brOut)));
  assert.ok(!effectsOf(brOut).invalidates(get));
});

test('noFallThrough of blocks, loops and ifs; endless loops; tail calls', () => {
  const root = body(`(func (param i32) (result i32)
    (block $a (unreachable))
    (block $b (br_if $b (local.get 0)) (unreachable))
    (loop $l (br $l))
    (loop $m (br_if $m (local.get 0)))
    (loop $n (nop))
    (if (local.get 0) (then (return (i32.const 1))) (else (unreachable)))
    (if (local.get 0) (then (return (i32.const 1))))
    (block $c (if (local.get 0) (then (br $c)) (else (return (i32.const 2)))))
    (return_call $f (local.get 0)))`.replace('(func', '(func $f'));
  const [a, b, l, m, n, ifBoth, ifThen, c, tail] = root.body.map((e) => effectsOf(e));
  assert.ok(a.noFallThrough && a.mayTrap);
  assert.ok(!b.noFallThrough && b.mayTrap, 'br_if to $b lets it complete');
  assert.ok(l.noFallThrough && l.mayNotReturn && !l.branchesOut);
  assert.ok(!m.noFallThrough && m.mayNotReturn);
  assert.ok(!n.noFallThrough && !n.mayNotReturn && n === NO_EFFECTS);
  assert.ok(ifBoth.noFallThrough && ifBoth.branchesOut);
  assert.ok(!ifThen.noFallThrough);
  assert.ok(!c.noFallThrough && c.branchesTo(root));
  assert.ok(tail.noFallThrough && tail.branchesOut && tail.calls && (tail.flags & F.exits));
  assert.ok(effectsOf(root).branchesOut, 'a tail call leaves even the whole body');
  // an endless loop orders like a trap: not across a store, nor across another trap
  const store = effectsOf(body(`(func (i32.store (i32.const 0) (i32.const 0)))`, '(memory 1)').body[0]);
  const div = effectsOf(body(`(func (drop (i32.div_u (i32.const 1) (i32.const 0))))`).body[0]);
  assert.ok(m.invalidates(store) && store.invalidates(m) && m.invalidates(div));
  const other = effectsOf(body(`(func (local i32 i32) (local.set 1 (i32.const 1)))`).body[0]);
  assert.ok(!m.invalidates(other) && !other.invalidates(m), 'local writes are unobservable if the loop never ends');
  assert.ok(m.invalidates(effectsOf(body(`(func (local i32) (local.set 0 (i32.const 1)))`).body[0])), 'm reads local 0');
});

test('reordering: the conflict matrix', () => {
  const root = body(`(func (param i32 i32) (local i32)
    (drop (local.get 0))                                   ;; 0 read l0
    (local.set 0 (i32.const 1))                            ;; 1 write l0
    (local.set 1 (i32.const 1))                            ;; 2 write l1
    (drop (global.get $g0))                                ;; 3 read g0
    (global.set $g0 (i32.const 1))                         ;; 4 write g0
    (global.set $g1 (i32.const 1))                         ;; 5 write g1
    (drop (i32.load (i32.const 0)))                        ;; 6 load (trap, read mem)
    (i32.store (i32.const 0) (i32.const 0))                ;; 7 store (trap, write mem)
    (drop (i32.div_s (i32.const 1) (local.get 1)))         ;; 8 trap, read l1
    (drop (i32.load (i32.const 4)))                        ;; 9 another load
    (drop (memory.size))                                   ;; 10 read mem, no trap
    (call $imp (i32.const 0))                              ;; 11 call
    (drop (table.get 0 (i32.const 0)))                     ;; 12 read table, trap
    (table.set 0 (i32.const 0) (ref.null func))            ;; 13 write table, trap
    (drop (i32.add (i32.const 1) (i32.const 2)))           ;; 14 pure
    (local.set 2 (i32.const 0))                            ;; 15 write l2
  )`, DECLS);
  const fx = root.body.map((e) => effectsOf(e));
  const yes = (i, j) => assert.ok(fx[i].invalidates(fx[j]) && fx[j].conflictsWith(fx[i]), `${i} vs ${j} should conflict`);
  const no = (i, j) => assert.ok(!fx[i].invalidates(fx[j]) && !fx[j].invalidates(fx[i]), `${i} vs ${j} should commute`);
  yes(0, 1); no(0, 2); yes(1, 1); no(1, 2); no(0, 0);
  no(3, 3); yes(3, 4); yes(4, 4); no(4, 5); no(3, 5);
  yes(6, 9); yes(6, 7); yes(7, 7); yes(6, 8); yes(8, 9); // two traps never swap
  no(10, 6); yes(10, 7); no(10, 8);
  yes(8, 2); // reads l1 vs writes l1
  no(8, 15); no(6, 15); // a trap may move across a local write (locals die with the trap)
  no(11, 0); /* locals are private */ yes(11, 3); yes(11, 6); yes(11, 8); yes(11, 10); yes(11, 12); no(11, 15);
  yes(12, 13); yes(12, 12); yes(12, 8); // table.get may trap
  for (let i = 0; i < fx.length; i++) if (i !== 14) assert.ok(!fx[14].invalidates(fx[i]) || fx[i].hasPops);
  assert.ok(fx[14].isPure() && fx[14] === NO_EFFECTS);
  assert.ok(conflicts(root.body[1], root.body[0]) && !conflicts(root.body[2], root.body[0]));
});

test('pops: a subtree taking stack values from outside it', () => {
  const root = body(`(func (param i32) (result i32)
    call $two
    i32.add
    local.set 0
    local.get 0
    block (param i32) (result i32)
      i32.const 1
      i32.add
    end
    call $two
    block (param i32 i32) (result i32)
      i32.add
    end
    i32.add)
    (func $two (result i32 i32) (i32.const 1) (i32.const 2))`);
  assert.deepEqual(root.body.map((e) => e.name), ['call', 'local.set', 'block', 'call', 'i32.add']);
  const [call, set, block1, , add] = root.body;
  assert.ok(!effectsOf(call).hasPops, 'the producer of the values has no pops itself');
  const block2 = add.kids[1];
  assert.deepEqual(add.kids.map((e) => e.name), ['pop', 'block']);
  assert.deepEqual(block2.kids.map((e) => e.name), ['pop', 'pop']);
  assert.ok(effectsOf(set).hasPops, 'local.set(add(pop, pop)) reads values from outside');
  assert.ok(!effectsOf(block1).hasPops, 'block1 takes its param from a whole operand; its inner pops read it');
  assert.ok(effectsOf(block1.body[0]).hasPops, 'inside the block, add pops the block param');
  assert.ok(effectsOf(block2).hasPops && effectsOf(add).hasPops);
  assert.ok(!effectsOf(root).hasPops);
  assert.ok(effectsOf(set).invalidates(effectsOf(nth(root, 'i32.const', 0))), 'pops never reorder');
  assert.ok(!effectsOf(set).isPure() && effectsOf(set).hasSideEffects());
});

test('FunctionEffects: computed once, memoized, shared objects; new nodes afresh', () => {
  const root = body(`(func (param i32 i32) (result i32)
    (i32.add (i32.add (local.get 0) (local.get 0)) (i32.mul (local.get 1) (i32.const 3))))`);
  const fx = new FunctionEffects(root);
  assert.equal(fx.size, 0);
  const g0 = nth(root, 'local.get', 0);
  const g1 = nth(root, 'local.get', 1);
  assert.equal(fx.get(g0), fx.get(g1), 'every local.get 0 shares one Effects');
  assert.equal(fx.size, execOrder(root).length, 'the first query computes the whole tree');
  const inner = nth(root, 'i32.add', 0);
  assert.equal(fx.get(inner), fx.get(g0), 'add(get0, get0) adds nothing to get0: same object');
  const mul = nth(root, 'i32.mul', 0);
  assert.equal(fx.get(mul), fx.get(nth(root, 'local.get', 2)));
  assert.equal(fx.get(nth(root, 'i32.const', 0)), NO_EFFECTS);
  assert.deepEqual(fx.get(root).localsRead, [0, 1]);
  // a node built after the computation: computed afresh, not memoized
  const fresh = new Expr(O.local_set, NONE, [mul]);
  fresh.index = 4;
  assert.deepEqual(fx.get(fresh).localsWritten, [4]);
  assert.deepEqual(fx.get(fresh).localsRead, [1]);
  assert.ok(!fx.has(fresh));
  const all = functionEffects(root);
  assert.ok(all.has(g0) && all.has(root));
  all.clear();
  assert.ok(!all.has(root));
  assert.deepEqual(all.get(root).localsRead, [0, 1]);
});

test('br_table dispatch in a 20,000-deep block nest: targets sorted outermost first, views, not copies', () => {
  const depth = 20000;
  const fnBody = new Expr(O.block, NONE);
  fnBody.body = [];
  const blocks = [];
  let cur = fnBody;
  for (let i = 0; i < depth; i++) {
    const b = new Expr(O.block, NONE);
    b.body = [];
    cur.body.push(b);
    blocks.push(b);
    cur = b;
    // code after each inner block (as compilers emit for switch cases): branch to the outermost
    if (i > 0) {
      const br = new Expr(O.br, NONE);
      br.target = blocks[0];
      blocks[i - 1].body.push(br);
    }
  }
  const idx = new Expr(O.local_get, single(I32));
  const table = new Expr(O.br_table, NONE, [idx]);
  table.targets = blocks.slice().reverse();
  cur.body.push(table);
  const fx = functionEffects(fnBody);
  const innermost = fx.get(table);
  assert.equal(innermost.targets.count, depth);
  assert.ok(innermost.branchTargets[0] === blocks[0] && innermost.branchTargets[depth - 1] === blocks[depth - 1]);
  assert.equal(fx.get(blocks[depth - 1]).targets.count, depth - 1);
  assert.ok(fx.get(blocks[depth - 1]).targets.labels === innermost.targets.labels, 'a view of the same arrays');
  assert.equal(fx.get(blocks[1]).targets.count, 1);
  assert.ok(fx.get(blocks[1]).branchesTo(blocks[0]) && !fx.get(blocks[1]).branchesTo(blocks[2]));
  assert.ok(!fx.get(blocks[0]).branchesOut && !fx.get(fnBody).branchesOut);
});

test('100,000-deep nest: iterative and sharing', () => {
  const depth = 100000;
  const fnBody = new Expr(O.block, NONE);
  fnBody.body = [];
  let cur = fnBody;
  const blocks = [];
  for (let i = 0; i < depth; i++) {
    const b = new Expr(O.block, NONE);
    b.body = [];
    cur.body.push(b);
    blocks.push(b);
    cur = b;
  }
  const set = new Expr(O.local_set, NONE, [new Expr(O.local_get, single(I32))]);
  set.index = 1;
  const br = new Expr(O.br, NONE);
  br.target = blocks[0];
  cur.body.push(set, br);
  const fx = functionEffects(fnBody);
  sameNodes(fx.get(blocks[1]).branchTargets, [blocks[0]]);
  assert.ok(fx.get(blocks[depth - 1]).noFallThrough && fx.get(blocks[1]).noFallThrough);
  assert.ok(!fx.get(blocks[0]).noFallThrough && !fx.get(blocks[0]).branchesOut);
  assert.deepEqual(fx.get(blocks[0]).localsWritten, [1]);
  assert.ok(fx.get(blocks[5]) === fx.get(blocks[6]), 'a block adding nothing reuses its child\'s object');
  assert.ok(effectsOf(blocks[50000]).branchesTo(blocks[0]));
});
