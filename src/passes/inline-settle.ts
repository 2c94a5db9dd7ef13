// inline-settle: inline rounds until the inliner finds nothing more, so that the pipeline ends
// at a fixed point of its own inlining decisions.
//
// What. Runs `inline`, and when it finds nothing, `constant-globals`, then
// `dead-tables-globals`, then `dead-arguments`, then `merge-similar-functions` (each only when
// the ones before found nothing); when one changed anything, runs what follows an inline
// round in the pipeline (`afterInline()` of pipeline.ts: dead-functions, then the function
// passes down to reorder-locals) — the function passes only on the functions changed (found
// by their bytes: the passes write functions back as they go, which clears the dirty flag),
// the others have been through them already, and promote-locals first on those holding pops
// (coalesce-locals and fold-if-heads left stack code, which most of those passes skip) — and
// tries again, at most MAX_ROUNDS times.
//
// Why. The inliner decides by sizes and call-site counts (inline.ts), and the passes after
// the inline rounds keep shrinking callees (redundant-set-elimination, local-cse, the SROAs,
// coalesce-locals) and removing call sites (a local found constant folds a branch away). A
// decision taken before they ran is then out of date: a callee now 100 nodes that was 102, a
// referenced callee now called once instead of twice. A second `weft -O3` run over the output
// would inline it (and grow the module); here the run itself does, and the output is what a
// second run leaves alone. The same holds for globals: constant-globals runs early, and the
// last write of a global can vanish much later (redundant-set-elimination finds a condition
// constant, precompute drops the arm holding the `global.set`); a second run would turn its
// reads into constants (fuzz 24-72). The same for tables and globals whose last use the
// cleanups of a round removed (a `call_indirect` in dead code: the table's segment held its
// functions referenced, so neither the inliner nor dead-arguments could touch them; fuzz seed 1
// #76, #261), and for arguments the cleanups of a round made constant (a second run's
// dead-arguments removed them; #253, #368, #410). And for merge-similar-functions, which needs the final
// bodies: merging members that call the same function leaves that function fewer call sites,
// and one called once is the inliner's (fuzz seed 2 #306: two members called an exported
// function, the shared one alone calls it; a second run inlined it); it goes last in the round
// so that only the settled bodies are compared. When nothing is left to do, this costs one
// pass of each of the five that changes nothing (a call graph, scans of the bodies).
//
// Why it is sound. It only runs registered passes, each sound on its own, in an order the
// pipeline already uses (one of the five module passes, then what follows inlining; the
// pipeline's head also runs promote-locals, or unpop at -O2, before the others).
//
// Where. Last in -O2/-O3/-Os/-Oz, after the passes it runs again; under -O2 without
// merge-similar-functions (not at -O2, `PassOptions.level`: -O2 merges no functions, pipeline.ts).
// The function passes of a round go through `PassContext.runGroup`: on the runner's threads.

import { encodeFunctionEntry } from '../binary/encode.js';
import type { Func } from '../ir/module.js';
import { afterInline } from './pipeline.js';
import { findPass, type FunctionPass, type ModulePass } from './registry.js';
import { inline } from './inline.js';
import { constantGlobals } from './constant-globals.js';
import { deadArguments } from './dead-arguments.js';
import { deadTablesGlobals } from './dead-tables-globals.js';
import { mergeSimilarFunctions } from './merge-similar-functions.js';
import { promoteLocals } from './promote-locals.js';

/** Inline rounds at most (each one that changes something is followed by the passes after inlining). */
const MAX_ROUNDS = 4;

export const inlineSettle: ModulePass = {
  name: 'inline-settle',
  description: 'inline again, or turn globals no longer written into constants (with the passes that follow inlining), until nothing changes',
  scope: 'module',
  run(cx, m) {
    // (resolved here, not at load: registry.ts imports this file)
    const level = cx.options.level ?? 3;
    const follow = afterInline(level).map((n) => {
      const p = findPass(n);
      if (!p) throw new Error(`inline-settle: unknown pass '${n}'`);
      return p;
    });
    let changed = false;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      // changed functions are written back first (their trees stay), so that the dirty ones
      // after `inline` are exactly those it inlined into
      for (const f of m.funcs) {
        if (f.dirty && f.tree) {
          f.code = encodeFunctionEntry(m, f);
          f.dirty = false;
        }
      }
      // what a pass changed is found by its bytes, not only by the dirty flag: the passes write
      // large functions back as soon as they are done with them (inline.ts keeps only small
      // callees decoded), which clears the flag — a caller the inliner grew, released at once,
      // would otherwise miss the passes below and leave their work to a second run
      const before = new Map<Func, Uint8Array | null>();
      for (const f of m.funcs) before.set(f, f.code);
      if (!inline.run(cx, m) && !constantGlobals.run(cx, m) && !deadTablesGlobals.run(cx, m) && !deadArguments.run(cx, m) &&
        !(level !== 2 && mergeSimilarFunctions.run(cx, m))) break;
      changed = true;
      cx.moduleChanged();
      let touched = m.funcs.filter((f) => f.dirty || !before.has(f) || before.get(f) !== f.code);
      // stack code back into trees first, as at the head of the pipeline: coalesce-locals ended
      // the previous pass over these functions by leaving values on the stack (`pop`s), and the
      // passes that move code skip a function with pops (merge-blocks, simplify-locals, vacuum,
      // redundant-set-elimination...) until promote-locals, late in `follow`, takes them out
      // again — what they would have done to the code just inlined or merged was left to the
      // last cleanup, or to a second run
      for (const f of touched) {
        cx.body(f);
        if (f.hasPops && promoteLocals.run(cx, f)) cx.changed(f);
      }
      for (let k = 0; k < follow.length; ) {
        const p = follow[k];
        if (p.scope === 'module') {
          for (const f of touched) cx.release(f);
          if (p.run(cx, m)) {
            cx.moduleChanged();
            const alive = new Set(m.funcs);
            touched = touched.filter((f) => alive.has(f));
          }
          k++;
          continue;
        }
        // a run of function passes: as the runner runs a group (on its threads)
        let j = k;
        while (j < follow.length && follow[j].scope === 'function') j++;
        for (const f of touched) cx.release(f);
        cx.runGroup(touched, follow.slice(k, j) as FunctionPass[]);
        k = j;
      }
    }
    return changed;
  },
};
