// lower-br-table: a `br_table` whose entries reach few distinct labels becomes a short chain of
// compare-and-branch (`br_if`) followed by one `br`.
//
// What. The index values of a value-less `br_table` that stands as a statement are grouped by
// label into ranges of consecutive values; the default label also owns [n, 2^32) (n = number
// of entries). The label with the most ranges becomes the fallback (ties: the default); every
// range of every other label is one test, in table order:
//   (br_table $a $b $c $c $a $d (x))   →  (br_if $b (i32.eq (local.tee $t x) (i32.const 1)))
//                                          (br_if $c (i32.le_u (i32.sub (local.get $t)
//                                                      (i32.const 2)) (i32.const 1)))
//                                          (br_if $d (i32.le_u (local.get $t) (i32.const 0)))...
//                                          (br $a)
// A single value is `i32.eq` (`i32.eqz` for 0), a range starting at 0 one `i32.le_u`, the
// default's [lo, 2^32) one `i32.ge_u`, others `i32.le_u (i32.sub x lo) (hi - lo)` (wrapping:
// exact for every x). An index `e + k` (or
// `e - k`, k constant) tests `e` against constants moved by k, so the addition disappears. The
// index is read from its local when it is a `local.get`, else teed into a fresh local by the
// first test (one test needs no local).
//
// When. Only under an embedded target (`--target` other than generic): under `generic` the
// table is smaller in bytes and instructions, and weft optimizes for those there (measured on
// the corpus, 2026-11-24: lowering under generic cost gale +31 instructions and +7 local ops,
// loom +182 instructions, for -22 Liftoff x64 and -36 ARM32 instructions on gale). At most
// MAX_TESTS tests, and no more than the table has entries. A single-pass
// backend lowers a br_table as a bounds check plus a binary search over the entries (V8's
// Liftoff: about 4 instructions per entry) or as a jump table (a bounds check, a load and an
// indirect jump, plus a word per entry); a test is 2-4 instructions (compare with an
// immediate, conditional branch), so a few tests cost less than the search and about what
// the jump table costs with its data.
//
// Why it is sound. The index is evaluated once, where the br_table evaluated it, and the
// tests only read the value back: the first test that holds branches to the label the table
// names for that value; when none holds, the value is in one of the fallback's ranges (the
// ranges of all labels partition the i32 values). Value-less branches carry nothing, so any
// label (block, loop, if, the function body) can be a br_if's target exactly as the table's.
//
// Where. Late in -O2 and above, after the last cleanup (earlier passes such as seam-sroa read
// br_table dispatch) and before coalesce-locals, which gives the index local a shared slot or
// turns it into stack flow.

import { Expr, i32Const } from '../ir/expr.js';
import { O, op, OPS } from '../ir/opcodes.js';
import { I32, NONE, single } from '../ir/types.js';
import { MAX_LOCALS } from '../binary/code-reader.js';
import { getTarget } from '../targets/index.js';
import type { FunctionPass } from './registry.js';

/** Most tests a table becomes. */
const MAX_TESTS = 4;

const I32_EQ = op('i32.eq');
const I32_EQZ = op('i32.eqz');
const I32_LE_U = op('i32.le_u');
const I32_GE_U = op('i32.ge_u');
const I32_SUB = op('i32.sub');
const I32_ADD = op('i32.add');

/** A label's index values: inclusive ranges [lo, hi] as unsigned 32-bit numbers. */
interface Ranges {
  target: Expr;
  ranges: [number, number][];
}

function groupByLabel(targets: Expr[]): Ranges[] {
  const n = targets.length - 1;
  const byLabel = new Map<Expr, Ranges>();
  const order: Ranges[] = [];
  const add = (t: Expr, lo: number, hi: number) => {
    let r = byLabel.get(t);
    if (r === undefined) {
      r = { target: t, ranges: [] };
      byLabel.set(t, r);
      order.push(r);
    }
    const last = r.ranges[r.ranges.length - 1];
    if (last !== undefined && last[1] + 1 === lo) last[1] = hi;
    else r.ranges.push([lo, hi]);
  };
  for (let i = 0; i < n; i++) add(targets[i], i, i);
  add(targets[n], n, 0xffffffff);
  return order;
}

function bin(id: number, a: Expr, b: Expr): Expr {
  return new Expr(id, OPS[id].results!, [a, b]);
}

/** The test "index in [lo, hi]" on `x` = index - k (all wrapping). */
function test(x: Expr, k: number, lo: number, hi: number): Expr {
  const at = (lo - k) >>> 0;
  if (lo === hi) return at === 0 ? new Expr(I32_EQZ, single(I32), [x]) : bin(I32_EQ, x, i32Const(at | 0));
  if (hi === 0xffffffff && k === 0) return bin(I32_GE_U, x, i32Const(lo | 0));
  const span = (hi - lo) >>> 0;
  const base = at === 0 ? x : bin(I32_SUB, x, i32Const(at | 0));
  return bin(I32_LE_U, base, i32Const(span | 0));
}

function localGet(index: number): Expr {
  const g = new Expr(O.local_get, single(I32));
  g.index = index;
  return g;
}

/** The roots replacing `e` (a value-less br_table), or null when it stays. */
function lower(e: Expr, newLocal: () => number | null): Expr[] | null {
  const targets = e.targets!;
  const n = targets.length - 1;
  const labels = groupByLabel(targets);
  if (labels.length < 2) return null; // one label: remove-unused-brs' business
  let fallback = labels.find((l) => l.target === targets[n])!;
  for (const l of labels) if (l.ranges.length > fallback.ranges.length) fallback = l;
  const tests: [Expr, [number, number]][] = [];
  for (const l of labels) if (l !== fallback) for (const r of l.ranges) tests.push([l.target, r]);
  if (tests.length > MAX_TESTS || tests.length > n) return null;
  // the index, as x + k
  let x = e.kids[0];
  let k = 0;
  if ((x.op === I32_ADD || x.op === I32_SUB) && x.kids[1].op === O.i32_const) {
    const c = x.kids[1].value as number;
    k = x.op === I32_ADD ? c : -c;
    x = x.kids[0];
  }
  let read: () => Expr;
  if (x.op === O.local_get) {
    const i = x.index;
    read = () => localGet(i);
  } else if (tests.length === 1) {
    read = () => x;
  } else {
    const t = newLocal();
    if (t === null) return null;
    let first = true;
    read = () => {
      if (!first) return localGet(t);
      first = false;
      const tee = new Expr(O.local_tee, single(I32), [x]);
      tee.index = t;
      return tee;
    };
  }
  const out: Expr[] = [];
  for (const [target, [lo, hi]] of tests) {
    const b = new Expr(O.br_if, NONE, [test(read(), k, lo, hi)]);
    b.target = target;
    out.push(b);
  }
  const br = new Expr(O.br, NONE);
  br.target = fallback.target;
  out.push(br);
  return out;
}

export const lowerBrTable: FunctionPass = {
  name: 'lower-br-table',
  description: 'a br_table reaching few distinct labels becomes a short chain of compare-and-br_if (embedded targets only)',
  scope: 'function',
  run(cx, f) {
    if (f.hasPops || getTarget(cx.options.target).name === 'generic') return false;
    const root = cx.body(f);
    const numParams = cx.module.types[f.type].params.length;
    const newLocal = () => {
      if (numParams + f.locals.length >= MAX_LOCALS) return null;
      f.locals.push(I32);
      return numParams + f.locals.length - 1;
    };
    let changed = false;
    const nodes: Expr[] = [root];
    while (nodes.length > 0) {
      const n = nodes.pop()!;
      for (const list of n.alt === null ? [n.body] : [n.body, n.alt]) {
        for (let i = 0; i < list.length; i++) {
          const e = list[i];
          if (e.op !== O.br_table || e.kids.length !== 1) continue;
          const roots = lower(e, newLocal);
          if (roots === null) continue;
          list.splice(i, 1, ...roots);
          i += roots.length - 1;
          changed = true;
        }
      }
      for (const x of n.body) nodes.push(x);
      if (n.alt !== null) for (const x of n.alt) nodes.push(x);
      for (const x of n.kids) nodes.push(x);
    }
    return changed;
  },
};
