// lower-br-table: a `br_table` that is one range test becomes a `br_if` and a `br`, where the
// target's cost model says that is cheaper.
//
// What. The index values of a value-less `br_table` that stands as a statement are grouped by
// label into ranges of consecutive values; the default label also owns [n, 2^32) (n = number
// of entries). The label with the most ranges becomes the fallback (ties: the default). When
// every other entry forms one range of one label, the table is one test and a `br`:
//   (br_table $a $a $b $b $b $a (x))   →  (br_if $b (i32.le_u (i32.sub x (i32.const 2))
//                                                    (i32.const 2)))
//                                          (br $a)
// A single value is `i32.eq` (`i32.eqz` for 0), a range starting at 0 one `i32.le_u`, the
// default's [lo, 2^32) one `i32.ge_u`, others `i32.le_u (i32.sub x lo) (hi - lo)` (wrapping:
// exact for every x). An index `e + k` (or `e - k`, k constant) tests `e` against constants
// moved by k, so the addition disappears.
//
// When. When the test costs less than the table under the target's cost model (src/targets/,
// the same estimate `weft cost` reports; both costed as statements, strictly cheaper). Under
// `generic` a table is one instruction and never lowered; thumbv7em's (CMP, BHS, TBB: 3) only
// for a test against 0 (CBZ); thumbv6m's (6) and rv32imac's (5) for any one test. Two or more
// tests, each a local read, a compare and a branch, cost at least a table under every model
// here (thumbv6m: 7 vs 6, rv32imac: 5 vs 5), so they are not considered. (Lowering up to four
// tests under generic was measured on the corpus, 2026-11-24: gale +31 instructions and +7
// local ops, loom +182 instructions, for -22 V8 Liftoff x64 and -36 ARM32 instructions on gale,
// whose tables are a binary search of ~4 instructions per entry, unlike the targets here.)
//
// Why it is sound. The index is evaluated once, where the br_table evaluated it, and the
// tests only read the value back: the first test that holds branches to the label the table
// names for that value; when none holds, the value is in one of the fallback's ranges (the
// ranges of all labels partition the i32 values). Value-less branches carry nothing, so any
// label (block, loop, if, the function body) can be a br_if's target exactly as the table's.
//
// Where. Late in -O2 and above, after the cleanups that follow local-cse (earlier passes such
// as seam-sroa read br_table dispatch) and before promote-locals, whose structured results need
// plain branches to carry a block's value.

import { Expr, i32Const } from '../ir/expr.js';
import { O, op, OPS } from '../ir/opcodes.js';
import { I32, NONE, single } from '../ir/types.js';
import { statementLists } from '../ir/walk.js';
import { getTarget } from '../targets/index.js';
import { statementsCost } from '../cost.js';
import type { FunctionPass } from './registry.js';

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

/** The roots replacing `e` (a value-less br_table) when it is one test and a br, else null. */
function lower(e: Expr): Expr[] | null {
  const targets = e.targets!;
  const n = targets.length - 1;
  const labels = groupByLabel(targets);
  if (labels.length < 2) return null; // one label: remove-unused-brs' business
  let fallback = labels.find((l) => l.target === targets[n])!;
  for (const l of labels) if (l.ranges.length > fallback.ranges.length) fallback = l;
  const tests: [Expr, [number, number]][] = [];
  for (const l of labels) if (l !== fallback) for (const r of l.ranges) tests.push([l.target, r]);
  if (tests.length !== 1) return null;
  // the index, as x + k
  let x = e.kids[0];
  let k = 0;
  if ((x.op === I32_ADD || x.op === I32_SUB) && x.kids[1].op === O.i32_const) {
    const c = x.kids[1].value as number;
    k = x.op === I32_ADD ? c : -c;
    x = x.kids[0];
  }
  const [target, [lo, hi]] = tests[0];
  const b = new Expr(O.br_if, NONE, [test(x, k, lo, hi)]);
  b.target = target;
  const br = new Expr(O.br, NONE);
  br.target = fallback.target;
  return [b, br];
}

export const lowerBrTable: FunctionPass = {
  name: 'lower-br-table',
  description: 'a br_table that is one range test becomes br_if + br where the target model says it is cheaper',
  scope: 'function',
  run(cx, f) {
    if (f.hasPops) return false;
    const target = getTarget(cx.options.target);
    const root = cx.body(f);
    const localTypes = cx.module.localTypes(f);
    let changed = false;
    for (const list of statementLists(root.body)) {
      for (let i = 0; i < list.length; i++) {
        const e = list[i];
        if (e.op !== O.br_table || e.kids.length !== 1) continue;
        const roots = lower(e);
        if (roots === null || statementsCost(target, localTypes, roots) >= statementsCost(target, localTypes, [e])) continue;
        list.splice(i, 1, ...roots);
        i += roots.length - 1;
        changed = true;
      }
    }
    return changed;
  },
};
