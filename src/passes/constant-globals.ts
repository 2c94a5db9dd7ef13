// constant-globals: replace every `global.get` of a global whose value never changes by the
// constant it holds.
//
// What. A defined (not imported) global whose initializer is a single constant (`i32.const`,
// `i64.const`, `f32.const`, `f64.const`, `v128.const`, `ref.null`) holds that constant for the
// whole life of the instance when
//  - it is immutable, or
//  - it is mutable but no function body contains a `global.set` of it and it is not exported
//    (an exported mutable global can be written by the host or by another instance).
// Each `global.get` of such a global becomes a copy of the constant. Toolchains emit many of
// these: fused components and PIC-style code read `__memory_base`/`__table_base`-like immutable
// globals (often 0) and add them to every address, which the cleanup passes then fold.
// The globals themselves stay (removing them would renumber the global index space and the
// name section for no gain in code); a later `dead-globals` could drop them.
//
// Why it is sound. `global.get` of a global is pure and returns the global's current value; the
// conditions above are exactly those under which that value is always the initializer's
// constant: imported globals are excluded (their value comes from the host), immutable
// globals cannot change, and a mutable global changes only through `global.set` in this
// module's code or through the host/other instances via an export. The constant has the
// global's type, so the function stays valid. Constants are bit patterns (NaN payloads stay).
//
// Where. At the start of -O2 and above (before `duplicate-functions` and the first cleanup),
// so every later pass sees the constants; again after the first inline round; and from
// inline-settle at the end, for writes the late passes removed. It is a module pass because
// deciding "never set" needs every body: the bodies are scanned as bytes (binary/scan.ts), and
// only the functions reading a constant global are decoded, rewritten and released.

import { Expr, copyConst } from '../ir/expr.js';
import type { Func, Module } from '../ir/module.js';
import { scanOps } from '../binary/scan.js';
import { O } from '../ir/opcodes.js';
import { rewriteExprs } from '../ir/walk.js';
import type { PassContext } from './context.js';
import type { ModulePass } from './registry.js';

const GLOBAL_OPS: ReadonlySet<number> = new Set([O.global_get, O.global_set]);
const CONST_OPS: ReadonlySet<number> = new Set([O.i32_const, O.i64_const, O.f32_const, O.f64_const, O.v128_const, O.ref_null]);

export const constantGlobals: ModulePass = {
  name: 'constant-globals',
  description: 'replace reads of globals that always hold their constant initializer by that constant',
  scope: 'module',
  run(cx: PassContext, m: Module): boolean {
    const nImp = m.numImportedGlobals;
    // candidate[i]: the constant of defined global i, or null
    const constant: (Expr | null)[] = m.globals.map((g) =>
      g.init.length === 1 && CONST_OPS.has(g.init[0].op) && g.init[0].kids.length === 0 ? g.init[0] : null);
    if (!constant.some((c) => c !== null)) return false;
    const exported = new Set<number>();
    for (const e of m.exports) if (e.kind === 'global') exported.add(e.index);
    m.globals.forEach((g, i) => {
      if (g.type.mutable && exported.has(nImp + i)) constant[i] = null;
    });

    // mutable candidates must never be written; also note which functions read a candidate
    // (read from the bytes: no body is decoded for this)
    const readers: { f: Func; globals: number[] }[] = [];
    for (const f of m.funcs) {
      let reads: number[] | null = null;
      scanOps(m, f, GLOBAL_OPS, (op, index) => {
        if (index < nImp) return;
        if (op === O.global_set) constant[index - nImp] = null;
        else if (constant[index - nImp] !== null) (reads ??= []).push(index - nImp);
      });
      if (reads !== null) readers.push({ f, globals: reads });
    }

    // decode and rewrite only the functions that read a global still constant
    let changed = false;
    for (const { f, globals } of readers) {
      if (!globals.some((g) => constant[g] !== null)) continue;
      const had = f.tree !== null;
      const root = cx.body(f);
      const touched = rewriteExprs(root.body, (e) => {
        if (e.op !== O.global_get || e.index < nImp) return e;
        const c = constant[e.index - nImp];
        return c === null ? e : copyConst(c);
      });
      if (touched) {
        cx.changed(f);
        changed = true;
      }
      if (!had) cx.release(f);
    }
    return changed;
  },
};
