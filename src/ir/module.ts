// The module: tables of entities with stable positions; indices are assigned at emit time
// from those positions (imports first in each index space, as in the binary format).
//
// Function bodies are decoded lazily: a Func remembers where its body lies in the input
// bytes and is turned into an expression tree only when a pass asks for it (`Module.body`).
// A function no pass changed (`dirty` false) is re-emitted from its original bytes, so
// untouched code costs nothing and stays byte-identical.

import type { Expr } from './expr.js';
import type { FuncType, Type, ValType } from './types.js';

export interface Limits {
  min: number;
  max: number | null;
  shared: boolean;
}

export interface TableType {
  elem: ValType;
  limits: Limits;
}

export interface GlobalType {
  type: ValType;
  mutable: boolean;
}

export type ImportDesc =
  | { kind: 'func'; type: number }
  | { kind: 'table'; table: TableType }
  | { kind: 'memory'; memory: Limits }
  | { kind: 'global'; global: GlobalType };

export interface Import {
  module: string;
  name: string;
  desc: ImportDesc;
}

export type ExternKind = 'func' | 'table' | 'memory' | 'global';

export interface Export {
  name: string;
  kind: ExternKind;
  index: number;
}

/** A constant expression: the roots of a tiny body (global init, segment offsets, elem items). */
export type ConstExpr = Expr[];

export interface Global {
  type: GlobalType;
  init: ConstExpr;
}

export interface Elem {
  /** The binary flags (0..7) it was read with: keeps the encoding choice on re-emit. */
  flags: number;
  mode: 'active' | 'passive' | 'declarative';
  table: number;
  offset: ConstExpr | null;
  type: ValType;
  /** Function indices (flags 0-3) ... */
  funcs: number[] | null;
  /** ... or item expressions (flags 4-7). */
  exprs: ConstExpr[] | null;
}

export interface Data {
  mode: 'active' | 'passive';
  memory: number;
  offset: ConstExpr | null;
  /** A view into the input buffer, or new bytes. */
  bytes: Uint8Array;
  /** Whether the memory index was encoded explicitly (flag 2) though it is 0. */
  explicitMemory: boolean;
}

export interface Custom {
  name: string;
  /** The whole payload (name included), as in the input. */
  payload: Uint8Array;
  /** Id of the last non-custom section before it in the input (0 = before all). */
  after: number;
  /** The whole input section (header included) the payload was read from, or null for a new one. */
  origin: Uint8Array | null;
}

export class Func {
  /** Type index of the signature. */
  type: number;
  /** Declared locals (not params), one entry per local. */
  locals: ValType[] = [];
  /** The body as a block node whose type is the function's results; null until decoded. */
  tree: Expr | null = null;
  /** True when the body contains `pop` nodes (a non-tree stack shape); see ir/expr.ts. */
  hasPops = false;
  /**
   * The input bytes hold unreachable code the tree does not (the reader skips it). A module
   * pass that renumbers an index space must re-encode such a function even when nothing in
   * its tree changed, or the skipped code would keep stale indices.
   */
  droppedCode = false;
  /** Changed since decoding: must be re-encoded from the tree. */
  dirty = false;
  /** Byte range of the function entry (locals + code, without the size) in the input, or -1. */
  start = -1;
  end = -1;
  /**
   * The entry's bytes after a pass changed it and the tree was written back to save memory
   * (see `compact` in optimize.ts); null while the body is still the input's range.
   */
  code: Uint8Array | null = null;

  constructor(type: number) {
    this.type = type;
  }
}

/** Enabled proposals beyond WebAssembly 2.0. */
export interface Features {
  /** Several memories, memory indices in memargs (on by default). */
  multiMemory: boolean;
  /** return_call / return_call_indirect (on by default). */
  tailCall: boolean;
  /** Shared memories (limits flags 2 and 3) (on by default). */
  threads: boolean;
}

export const DEFAULT_FEATURES: Features = { multiMemory: true, tailCall: true, threads: true };
export const WASM2_FEATURES: Features = { multiMemory: false, tailCall: false, threads: false };

export class Module {
  types: FuncType[] = [];
  imports: Import[] = [];
  funcs: Func[] = [];
  tables: TableType[] = [];
  memories: Limits[] = [];
  globals: Global[] = [];
  exports: Export[] = [];
  start: number | null = null;
  elems: Elem[] = [];
  datas: Data[] = [];
  /** Whether a data count section was present (needed by memory.init / data.drop). */
  hasDataCount = false;
  customs: Custom[] = [];

  /** The input bytes the lazy function bodies and original sections refer to. */
  input: Uint8Array = new Uint8Array(0);
  /** Ranges of the input's non-custom sections, by id (header start, payload start, end): untouched sections are re-emitted verbatim. */
  original = new Map<number, { hstart: number; start: number; end: number }>();
  /** Number of function bodies in the input's code section. */
  originalFuncCount = 0;
  features: Features = DEFAULT_FEATURES;

  // ---- index spaces (imports first) ----

  private countImports(kind: ImportDesc['kind']): number {
    let n = 0;
    for (const imp of this.imports) if (imp.desc.kind === kind) n++;
    return n;
  }
  get numImportedFuncs(): number {
    return this.countImports('func');
  }
  get numImportedGlobals(): number {
    return this.countImports('global');
  }
  get numImportedTables(): number {
    return this.countImports('table');
  }
  get numImportedMemories(): number {
    return this.countImports('memory');
  }

  /** Type indices of every function in the index space (imports then definitions). */
  funcTypeIndices(): number[] {
    const out: number[] = [];
    for (const imp of this.imports) if (imp.desc.kind === 'func') out.push(imp.desc.type);
    for (const f of this.funcs) out.push(f.type);
    return out;
  }

  globalTypes(): GlobalType[] {
    const out: GlobalType[] = [];
    for (const imp of this.imports) if (imp.desc.kind === 'global') out.push(imp.desc.global);
    for (const g of this.globals) out.push(g.type);
    return out;
  }

  tableTypes(): TableType[] {
    const out: TableType[] = [];
    for (const imp of this.imports) if (imp.desc.kind === 'table') out.push(imp.desc.table);
    return out.concat(this.tables);
  }

  memoryTypes(): Limits[] {
    const out: Limits[] = [];
    for (const imp of this.imports) if (imp.desc.kind === 'memory') out.push(imp.desc.memory);
    return out.concat(this.memories);
  }

  /** All locals of a function, params first. */
  localTypes(f: Func): ValType[] {
    return (this.types[f.type].params as ValType[]).concat(f.locals);
  }

  /** Where the function entry's bytes are: its own written-back code, or its range of the input. */
  source(f: Func): { bytes: Uint8Array; start: number; end: number } {
    if (f.code) return { bytes: f.code, start: 0, end: f.code.length };
    return { bytes: this.input, start: f.start, end: f.end };
  }

  resultsOf(f: Func): Type {
    return this.types[f.type].results;
  }
}
