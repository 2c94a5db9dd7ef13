// Deliberately wrong passes, for testing that the differential oracle and the fuzzer catch
// miscompilations. Never register these in the pass registry.
//
// They use weft's Pass shape ({ name, description, scope: 'function', run(cx, f) }) and are
// run with `runPasses(m, [pass])`; `scripts/fuzz.js --load test/support/broken-passes.js
// --passes sub-to-add` runs them from the command line.

import { O, op } from '../../dist/index.js';
import { forEachExpr } from '../../dist/ir/walk.js';

const I32_SUB = op('i32.sub');
const I32_ADD = op('i32.add');

/** Wrong: rewrites every i32.sub into i32.add. */
export const subToAdd = {
  name: 'sub-to-add',
  description: 'BROKEN (test only): rewrites i32.sub to i32.add',
  scope: 'function',
  run(cx, f) {
    let changed = false;
    forEachExpr([cx.body(f)], (e) => {
      if (e.op === I32_SUB) {
        e.op = I32_ADD;
        changed = true;
      }
    });
    return changed;
  },
};

/** Wrong: deletes statement-level calls to imported functions without results. */
export const dropImportCall = {
  name: 'drop-import-call',
  description: 'BROKEN (test only): removes calls to imported functions that return nothing',
  scope: 'function',
  run(cx, f) {
    const m = cx.module;
    const nImported = m.numImportedFuncs;
    const fts = m.funcTypeIndices();
    const root = cx.body(f);
    // Pops (a non-tree stack shape) make removing a root unsafe even for a broken pass that
    // still has to produce valid code.
    if (f.hasPops) return false;
    const lists = [root.body];
    forEachExpr([root], (e) => {
      if (e !== root && e.body.length) lists.push(e.body);
      if (e.alt && e.alt.length) lists.push(e.alt);
    });
    let changed = false;
    for (const list of lists) {
      for (let i = list.length - 1; i >= 0; i--) {
        const e = list[i];
        if (e.op === O.call && e.index < nImported && m.types[fts[e.index]].results.length === 0) {
          list.splice(i, 1);
          changed = true;
        }
      }
    }
    return changed;
  },
};

export const brokenPasses = [subToAdd, dropImportCall];
export default brokenPasses;
