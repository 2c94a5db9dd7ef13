// Deliberately wrong passes whose output is still valid wasm, for testing that translation
// validation (`--verify`, src/verify/translation-validation.ts) catches each with a
// counterexample and reverts the change. Never register these in the pass registry.
//
// Same shape as test/support/broken-passes.js: { name, description, scope: 'function', run }.

import { Expr, O, op } from '../../dist/index.js';
import { forEachExpr } from '../../dist/ir/walk.js';

const I32_AND = op('i32.and');
const I32_CONST = op('i32.const');

/** Wrong: `x & 0xff -> x` (drops the mask). */
export const dropByteMask = {
  name: 'drop-byte-mask',
  description: 'WRONG (test only): i32.and(x, 0xff) -> x',
  scope: 'function',
  run(cx, f) {
    let changed = false;
    const visit = (list) => {
      for (let i = 0; i < list.length; i++) {
        const e = list[i];
        if (e.op === I32_AND && e.kids[1].op === I32_CONST && e.kids[1].value === 0xff) {
          list[i] = e.kids[0];
          changed = true;
        }
      }
    };
    forEachExpr([cx.body(f)], (e) => {
      visit(e.kids);
      if (e.body.length) visit(e.body);
      if (e.alt) visit(e.alt);
    });
    return changed;
  },
};

/** Wrong: swaps the first two different targets of every br_table. */
export const swapBrTable = {
  name: 'swap-br-table',
  description: 'WRONG (test only): swaps two targets of a br_table',
  scope: 'function',
  run(cx, f) {
    let changed = false;
    forEachExpr([cx.body(f)], (e) => {
      if (e.op !== O.br_table) return;
      const t = e.targets;
      const j = t.findIndex((x) => x !== t[0]);
      if (j < 0) return;
      const a = t[0];
      const b = t[j];
      e.targets = t.map((x) => (x === a ? b : x === b ? a : x));
      changed = true;
    });
    return changed;
  },
};

const isLoad = (e) => /\.load/.test(e.name);
const isStore = (e) => /\.store/.test(e.name);

/** Reads of locals in a tree. */
function localsRead(e) {
  const out = new Set();
  forEachExpr([e], (x) => {
    if (x.op === O.local_get) out.add(x.index);
  });
  return out;
}

/**
 * Wrong: moves a load past a following store. In a body, `local.set x (load ...)` immediately
 * followed by a store that does not read x is swapped with it; the load then sees the store's
 * value whenever the two addresses overlap.
 */
export const loadPastStore = {
  name: 'load-past-store',
  description: 'WRONG (test only): local.set(x, load) ; store  ->  store ; local.set(x, load)',
  scope: 'function',
  run(cx, f) {
    if (f.hasPops) return false;
    let changed = false;
    const visit = (list) => {
      for (let i = 0; i + 1 < list.length; i++) {
        const a = list[i];
        const b = list[i + 1];
        if (a.op === O.local_set && isLoad(a.kids[0]) && isStore(b) && !localsRead(b).has(a.index)) {
          list[i] = b;
          list[i + 1] = a;
          changed = true;
          i++;
        }
      }
    };
    forEachExpr([cx.body(f)], (e) => {
      if (e.body.length) visit(e.body);
      if (e.alt) visit(e.alt);
    });
    return changed;
  },
};

// ---- endless loops (a Rust panic's `(loop $l (br $l))`) ----

const isSpin = (e) => e.op === O.loop && e.body.length === 1 && e.body[0].op === O.br && e.body[0].target === e;

/** Edits every statement list of a body with `edit(list, i)` for each statement that `match`es. */
function statementPass(name, description, match, edit) {
  return {
    name, description, scope: 'function',
    run(cx, f) {
      let changed = false;
      const visit = (list) => {
        for (let i = list.length - 1; i >= 0; i--) {
          if (match(list[i])) {
            edit(list, i);
            changed = true;
          }
        }
      };
      forEachExpr([cx.body(f)], (e) => {
        if (e.body.length) visit(e.body);
        if (e.alt) visit(e.alt);
      });
      return changed;
    },
  };
}

/** Wrong: an endless loop becomes a trap (`unreachable`). */
export const spinToUnreachable = statementPass('spin-to-unreachable', 'WRONG (test only): (loop $l (br $l)) -> unreachable',
  isSpin, (list, i) => {
    list[i] = new Expr(O.unreachable, []);
  });

/** Wrong: an endless loop is removed (the code after it runs, the function may return). */
export const dropSpin = statementPass('drop-spin', 'WRONG (test only): removes (loop $l (br $l))', isSpin, (list, i) => {
  list.splice(i, 1);
});

/** Wrong: a trap becomes an endless loop. */
export const unreachableToSpin = statementPass('unreachable-to-spin', 'WRONG (test only): unreachable -> (loop $l (br $l))',
  (e) => e.op === O.unreachable, (list, i) => {
    const loop = new Expr(O.loop, []);
    const br = new Expr(O.br, []);
    br.target = loop;
    loop.body = [br];
    list[i] = loop;
  });

export const wrongPasses = [dropByteMask, swapBrTable, loadPastStore, spinToUnreachable, dropSpin, unreachableToSpin];
export default wrongPasses;
