// duplicate-functions: direct calls to a function whose body is identical to an earlier
// function's (same type, same locals, same code bytes) go to the earlier one instead, so
// `dead-functions` can remove the copy when nothing else refers to it.
//
// Why it is sound. Two functions with the same signature, locals and instructions compute the
// same thing from the same arguments and module state, so a direct call to either is the same
// call. Only direct calls (`call`, `return_call`) are redirected: exports, element segments
// and `ref.func` keep naming the copy, because a function's identity is observable there (the
// host can compare exported functions or table entries). Rounds repeat while they merge
// something, since functions that differ only in calling two identical callees become
// identical once those calls are redirected.
//
// Where it belongs: at the start of -O2 and above, before `dead-functions` (which removes the
// copies) and `inline` (fewer distinct callees, more single-call-site callees).

import { encodeFunctionEntry } from '../binary/encode.js';
import type { Func, Module } from '../ir/module.js';
import type { PassContext } from './context.js';
import type { ModulePass } from './registry.js';
import { forEachDirectCall } from './inline/callgraph.js';

/** The bytes that define a function's behaviour: its entry (locals + code) as it would be written. */
function entryBytes(m: Module, f: Func): Uint8Array {
  if (f.tree && (f.dirty || f.start < 0)) return encodeFunctionEntry(m, f);
  const src = m.source(f);
  return src.bytes.subarray(src.start, src.end);
}

function keyOf(m: Module, f: Func): string {
  return `${f.type}:${Buffer.from(entryBytes(m, f)).toString('latin1')}`;
}

export const duplicateFunctions: ModulePass = {
  name: 'duplicate-functions',
  description: 'redirect direct calls to identical copies of a function to its first occurrence',
  scope: 'module',
  run(cx: PassContext, m: Module): boolean {
    const imported = m.numImportedFuncs;
    let changed = false;
    for (let round = 0; round < 4; round++) {
      const first = new Map<string, number>();
      const redirect = new Map<number, number>();
      m.funcs.forEach((f, i) => {
        const key = keyOf(m, f);
        const canon = first.get(key);
        if (canon === undefined) first.set(key, imported + i);
        else redirect.set(imported + i, canon);
      });
      if (redirect.size === 0) break;
      // only functions that call a copy are decoded (one at a time, released after)
      const merged = forEachDirectCall(cx, m, (i) => redirect.has(i), (call) => {
        call.index = redirect.get(call.index)!;
      }, true);
      if (!merged) break;
      changed = true;
    }
    return changed;
  },
};
