// dead-functions: remove functions (defined and imported) that nothing can reach, and
// renumber the function index space.
//
// What. The roots are every function the outside world or the module's tables can reach:
// exported functions, the start function, every function in an active or passive element
// segment (as an index or a `ref.func` item) and every `ref.func` in a global initializer. A
// declarative segment is no root: it only declares functions for `ref.func` in code, which
// makes them reachable where that code is; dead functions are dropped from it. From the roots, reachability follows direct calls (`call`, `return_call`) and
// `ref.func` in the bodies of reachable functions. Every other function is removed:
//  - defined functions: their bodies go;
//  - imported functions are kept (the registered pass): removing an unused import changes the
//    module's import list, which the host can observe — a module that failed to link (a missing
//    or mistyped import) would instantiate. The spec testsuite checks exactly that in its
//    `assert_unlinkable` cases. `makeDeadFunctions(true)` removes unused imports too, for a
//    future opt-in flag.
// The surviving functions are renumbered in their original order (imports stay first), and
// every use of a function index is remapped: `call`, `return_call` and `ref.func` in the
// remaining bodies (only those whose indices actually change are rewritten, the others keep
// their bytes; one without a tree is re-encoded from its bytes directly, binary/scan.ts
// remapFuncRefs, unless they hold unreachable code: then it is decoded), exports, the start function,
// element segments (indices and `ref.func` items), global initializers. The name section
// follows (see binary/names.ts remapFunctionNames): function names (subsection 1), local and
// label names (subsections 2 and 3, keyed by function index); unknown subsections are dropped.
// Unused types stay (types are not renumbered here).
//
// Why it is sound. A function runs only when a running function calls it directly, when
// `call_indirect` finds it in a table, when it is the start function, or when the host calls it
// through an export or a reference. Functions enter tables only through element segments
// (active at instantiation, passive through `table.init`) or through `table.set`/`table.grow`/
// `table.fill` with a reference, and a reference to one of our functions is only ever created by
// `ref.func` (in code, a global initializer or an element segment) or by exporting it. So every
// function that can ever run is reached from the roots through direct calls and `ref.func` in
// code that can itself run: the closure covers them all (a declarative segment cannot put a
// function in a table: `table.init` from it traps unless empty, as it is dropped at
// instantiation). Element segments and globals are all kept, and a declarative segment loses
// only dead functions, so every `ref.func` left in a (live) body still names a declared
// function (rule C.refs).
// Indices are renumbered consistently by one map applied to every place the format holds a
// function index; other index spaces (types, tables, memories, globals) do not move, since only
// function imports are removed and they have their own index space.
//
// Not done: a module with relocation or linking custom sections (`linking`, `reloc.*`, an object
// file for a linker) is left alone, since those refer to function indices weft cannot rewrite.
// DWARF (`.debug_*`) is dropped by the encoder whenever code changes.
//
// Where. Early (before anything expensive, so dead code is not optimized) and again after
// inlining, which leaves functions whose only callers were inlined into.

import type { Expr } from '../ir/expr.js';
import type { ConstExpr, Module } from '../ir/module.js';
import { O } from '../ir/opcodes.js';
import { forEachExpr } from '../ir/walk.js';
import { remapFunctionNames } from '../binary/names.js';
import { remapFuncRefs, scanFuncRefs } from '../binary/scan.js';
import type { PassContext } from './context.js';
import type { ModulePass } from './registry.js';

function isFuncRef(e: Expr): boolean {
  return e.op === O.call || e.op === O.return_call || e.op === O.ref_func;
}

/** Calls `visit` on the function index of every `ref.func` of a constant expression. */
function constRefs(c: ConstExpr, visit: (e: Expr) => void): void {
  forEachExpr(c, (e) => {
    if (e.op === O.ref_func) visit(e);
  });
}

/** Every constant expression of the module that may hold a `ref.func` (declarative segments' items aside). */
function constExprs(m: Module, withDeclarative: boolean): ConstExpr[] {
  const out: ConstExpr[] = [];
  for (const g of m.globals) out.push(g.init);
  for (const el of m.elems) {
    if (el.offset) out.push(el.offset);
    if (el.exprs && (withDeclarative || el.mode !== 'declarative')) out.push(...el.exprs);
  }
  for (const d of m.datas) if (d.offset) out.push(d.offset);
  return out;
}

/** The pass; `removeImports: false` keeps every function import (and so the exact link behaviour). */
export function makeDeadFunctions(removeImports: boolean): ModulePass {
  return {
    name: 'dead-functions',
    description: removeImports
      ? 'remove functions and function imports unreachable from exports, start, tables and references'
      : 'remove functions unreachable from exports, start, tables and references (imports kept)',
    scope: 'module',
    run: (cx, m) => run(cx, m, removeImports),
  };
}

export const deadFunctions: ModulePass = makeDeadFunctions(false);

function run(cx: PassContext, m: Module, removeImports: boolean): boolean {
  if (m.customs.some((c) => c.name === 'linking' || c.name.startsWith('reloc.'))) return false;
  const nImp = m.numImportedFuncs;
  const total = nImp + m.funcs.length;
  const live = new Uint8Array(total);
  const work: number[] = [];
  const mark = (i: number) => {
    if (i >= 0 && i < total && !live[i]) {
      live[i] = 1;
      work.push(i);
    }
  };

  // roots
  if (!removeImports) for (let i = 0; i < nImp; i++) mark(i);
  for (const e of m.exports) if (e.kind === 'func') mark(e.index);
  if (m.start !== null) mark(m.start);
  for (const el of m.elems) if (el.funcs && el.mode !== 'declarative') for (const i of el.funcs) mark(i);
  for (const c of constExprs(m, false)) constRefs(c, (e) => mark(e.index));

  // closure through direct calls and references in reachable bodies (read from the bytes:
  // no body is decoded for this)
  const droppedCode = new Uint8Array(total);
  while (work.length > 0) {
    const i = work.pop()!;
    if (i < nImp) continue;
    const r = scanFuncRefs(m, m.funcs[i - nImp], (_, index) => mark(index));
    if (r.droppedCode) droppedCode[i] = 1;
  }

  let dead = 0;
  for (let i = 0; i < total; i++) if (!live[i]) dead++;
  if (dead === 0) return false;

  // the new numbering: survivors in order, imports first
  const map = new Int32Array(total).fill(-1);
  let next = 0;
  for (let i = 0; i < total; i++) if (live[i]) map[i] = next++;

  // remap every function index (functions whose bytes hold skipped unreachable code are
  // re-encoded whenever any index moves: that code may name a moved or removed function).
  // A function is decoded only when one of its indices moves, and released right after.
  // This runs before the tables shrink: the bytes hold the old indices, which decoding types
  // against the old function index space.
  let moved = false;
  for (let i = 0; i < total; i++) if (live[i] && map[i] !== i) moved = true;
  for (let i = nImp; i < total; i++) {
    if (!live[i]) continue;
    const f = m.funcs[i - nImp];
    let stale = moved && droppedCode[i] === 1;
    if (!stale) scanFuncRefs(m, f, (_, index) => {
      if (map[index] !== index) stale = true;
    });
    if (!stale) continue;
    if (f.tree === null && !droppedCode[i]) {
      // without a tree: re-encoded straight from the bytes (what decoding, remapping and
      // encoding would give, binary/scan.ts), unless they hold code the decoder drops
      const code = remapFuncRefs(m, f, map);
      if (code !== null) {
        cx.renumberedCode(f, code);
        continue;
      }
    }
    const had = f.tree !== null;
    forEachExpr(cx.body(f).body, (e) => {
      if (isFuncRef(e)) e.index = map[e.index];
    });
    cx.renumbered(f);
    if (!had) cx.release(f);
  }

  // drop the dead imports and functions
  let fi = 0;
  m.imports = m.imports.filter((imp) => imp.desc.kind !== 'func' || live[fi++] === 1);
  m.funcs = m.funcs.filter((_, k) => live[nImp + k] === 1);
  for (const e of m.exports) if (e.kind === 'func') e.index = map[e.index];
  if (m.start !== null) m.start = map[m.start];
  for (const el of m.elems) {
    // a declarative segment only declares: dead functions leave it (the `ref.func`s of live code
    // name live functions, which stay declared)
    if (el.mode === 'declarative') {
      if (el.funcs) el.funcs = el.funcs.filter((i) => map[i] >= 0);
      if (el.exprs) el.exprs = el.exprs.filter((x) => !x.some((e) => e.op === O.ref_func && map[e.index] < 0));
    }
    if (el.funcs) el.funcs = el.funcs.map((i) => map[i]);
  }
  for (const c of constExprs(m, true)) constRefs(c, (e) => {
    e.index = map[e.index];
  });
  remapFunctionNames(m, (i) => (i < total ? map[i] : -1));
  return true;
}
