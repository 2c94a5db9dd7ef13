// The -O pipelines, in plain code: which passes run at each level, and why.

export type Level = 0 | 1 | 2 | 3 | 's' | 'z';

/** The per-function cleanup that lets rewritten code settle (run after each big change). */
function cleanup(): string[] {
  return [
    'remove-unused-brs', //          branches to the next instruction, if(br) -> br_if, if -> select
    'optimize-instructions', //      algebraic identities; folds constants the previous steps exposed
    'precompute', //                 constant folding, constant if/select/br_if
    'dce', //                        code after branches, traps and returns, also those precompute just made
    //                               (br_if 1 -> br): a cleanup leaves no dead code (no dead call sites for
    //                               the inliner, none in the output for a second run to find)
    'simplify-locals', //            sink single-use sets into their use, form tees, drop dead sets
    'vacuum', //                     nops, drops of pure values, empty blocks left by the above
    'merge-blocks', //               flatten nested blocks the previous passes produced
  ];
}

/**
 * What follows the last inline round: the module and the functions that received inlined code
 * settle (inline-settle runs it again after each round of its own, on the changed functions).
 * -O2 runs no cleanup right after promote-locals (which ends with simplify-locals itself): on
 * wasm-tools.core that round changed no output byte and cost 0.7 s of -O2's 18 s; of the corpus's
 * -O2 outputs it saved 2 bytes on os_node and 29 on issue254. The two rounds before it stay: without them
 * sem.loom's -O2 output grew 694 -> 722 bytes and os_node's 3,007 -> 3,127 (the seam unpacking
 * needs a cleanup after seam-sroa and another after local-cse).
 */
export function afterInline(level: Level): string[] {
  const o2 = level === 2;
  return [
    'dead-tables-globals', //         globals only the inlined callees used
    'dead-functions', //              inlined single-use callees are now unreachable
    ...cleanup(),
    'stack-sroa', //                  store->load forwarding through the shadow stack (frames only with --assume-private-stack)
    'seam-sroa', //                   split packed i64/i32 carriers into one i32 local per field
    ...cleanup(), //                  fold the unpacking the field split made trivial
    'redundant-set-elimination', //   sets of values a local already holds
    'local-cse', //                   repeated pure expressions -> one local
    ...cleanup(), //                  a second round catches what CSE and RSE exposed
    'stack-sroa', //                  again: the values it forwarded made conditions constant, which the cleanups
    //                                since folded (a branch gone, an if gone), and a store now reaches loads on every
    //                                path (a second run forwarded them; the cleanup after promote-locals folds the values)
    'lower-br-table', //              a one-test br_table -> br_if + br where the target model says so (no earlier: seam-sroa
    //                                reads tables; before promote-locals: a plain br to a block can carry its result, a br_table cannot)
    'promote-locals', //              forward single-def locals across control flow, drop copies
    ...(o2 ? [] : cleanup()), //      fold what the forwarding exposed (not at -O2, see above)
    'coalesce-locals', //             locals never live together share an index; copies between them vanish
    'optimize-instructions', //       operands that became the same local (a copy merged with its source):
    //                                `select x x c`, `x ^ x`, `x == x`... (a second run folded them)
    'fold-if-heads', //               statements both arms of an if start with, once above it (stack code: after the code movers)
    'vacuum', //                      drops and nops coalescing left
    'const-hoist', //                 repeated non-immediate constants once per function (targets other than generic)
    'dead-locals', //                 locals nothing reads any more
    'reorder-locals', //              most-used locals first: smaller indices, fewer declarations
  ];
}

/** The passes of an optimization level, in order. */
export function pipeline(level: Level): string[] {
  switch (level) {
    case 0:
      return []; // -O0: nothing; the output is the input re-encoded (byte-identical when unchanged)
    case 1:
      // -O1: one cheap round of local cleanup, no inlining, no whole-module work
      return [...cleanup(), 'dead-locals', 'reorder-locals'];
    default: {
      // -O2/-O3/-Os/-Oz: whole-module work first, then cleanup rounds (-Os/-Oz: the same passes;
      // the inliner then takes only callees that cannot grow the code, see optimize.ts). -O2
      // merges no similar functions: that trades speed (a thunk's frame, extra arguments at every
      // call) for size, and its rounds cost a third of -O2's time on large modules (a merge
      // changes every caller of the members, which inline-settle cleans up again); wasm-opt
      // runs its merge-similar-functions only when shrinking
      const merge = level === 2 ? [] : [
        'merge-similar-functions', // what inline-settle left when it ran out of rounds (else nothing)
        'dead-functions', //          members whose calls all moved to the shared function
      ];
      return [
        // pops back into trees first, so every later pass (and the inliner's sizes) sees trees;
        // -O2 only that (unpop), -O3 also forwards locals (its later run does that at -O2)
        level === 2 ? 'unpop' : 'promote-locals',
        'constant-globals', //        reads of never-changing globals become constants (folded by cleanup)
        'duplicate-functions', //     calls to identical copies go to one function ...
        'dead-tables-globals', //     tables nothing reads (their segments hold functions alive), unused globals
        'dead-functions', //          ... and the copies, with everything else unreachable, go away
        'dead-arguments', //          unread/always-constant parameters, always-dropped results (the cleanup folds the constants)
        ...cleanup(), //              simplify callees first, so the inliner sees their real size
        'inline', //                  melt small and single-use callees (the seam) into callers
        'dead-tables-globals', //     globals only the inlined callees used
        'dead-functions', //          inlined single-use callees are now unreachable
        'dead-arguments', //          again: fewer call sites after inlining, more constant parameters and dropped results
        'constant-globals', //        globals whose only writes were in code the cleanup removed
        ...cleanup(), //              let the inlined code melt into the caller
        'inline', //                  again: callees that shrank in that cleanup now fit
        'dead-arguments', //          arguments the cleanup above made constant (its constants fold in afterInline's cleanup)
        ...afterInline(level),
        'inline-settle', //           inline rounds (each with afterInline) until the inliner finds nothing:
        //                            what the passes above shrank or made single-use, a second run would inline;
        //                            then constant-globals again (writes the passes above removed), then
        //                            merge-similar-functions (bodies equal but for constants -> one function
        //                            taking them; the bodies are final then), which can leave callees single-use
        //                            (not under -O2)
        ...merge,
      ];
    }
  }
}

export function parseLevel(s: string): Level {
  if (s === '0' || s === '1' || s === '2' || s === '3') return Number(s) as Level;
  if (s === 's' || s === 'z') return s;
  throw new Error(`unknown optimization level -O${s}`);
}
