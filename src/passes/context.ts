// The per-module context a pass runs in: lazy body decoding (one CodeContext per module
// state), options, and per-function analysis caches dropped when a pass changes the function.

import { codeContext, readFunctionBody, type CodeContext } from '../binary/code-reader.js';
import type { Expr } from '../ir/expr.js';
import type { Func, Module } from '../ir/module.js';

export interface PassOptions {
  target: string;
}

export class PassContext {
  private code: CodeContext | null = null;
  /** Analyses cached per function; see `analysis()`. */
  private caches = new Map<Func, Map<string, unknown>>();

  constructor(readonly module: Module, readonly options: PassOptions) {}

  /** The function's tree, decoded on first use. */
  body(f: Func): Expr {
    if (f.tree) return f.tree;
    this.code ??= codeContext(this.module);
    return readFunctionBody(this.code, this.module, f);
  }

  /** Returns the cached analysis `key` of `f`, computing it with `make` when absent. */
  analysis<T>(f: Func, key: string, make: () => T): T {
    let c = this.caches.get(f);
    if (!c) this.caches.set(f, (c = new Map()));
    if (c.has(key)) return c.get(key) as T;
    const v = make();
    c.set(key, v);
    return v;
  }

  /** A pass changed `f`: mark it for re-encoding and drop its analyses. */
  changed(f: Func): void {
    f.dirty = true;
    this.caches.delete(f);
  }

  /** A module pass changed module-level tables (imports, functions, globals, types...). */
  moduleChanged(): void {
    this.code = null;
    this.caches.clear();
  }
}
