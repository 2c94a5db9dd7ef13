// WebAssembly text format in and out, through wabt's WebAssembly build (the `wabt` npm package).
//
// wabt.js runs with a small fixed stack (its parser recurses once per nesting level): a WAT
// text nested more than ~150 levels deep makes it trap with "memory access out of bounds"
// or, worse, corrupt its memory and never return. So the text is scanned first and refused
// with a clear error beyond MAX_WAT_DEPTH (measured: every shape tried works at 140 and
// fails at 147 or more). Printing is not recursive in wabt, but its output grows with the
// square of the nesting depth (two spaces of indent per level), so `wasmToWat` refuses
// modules nested deeper than MAX_PRINT_DEPTH.
//
// An instance that trapped is never reused: its memory may be corrupt.

import initWabt from 'wabt';
import { decodeModule } from '../binary/decode.js';
import { codeContext, readConstExpr, readFunctionBody } from '../binary/code-reader.js';
import { Reader, WasmError } from '../binary/reader.js';
import { DEFAULT_FEATURES } from '../ir/module.js';
import type { Expr } from '../ir/expr.js';

/** Deepest text nesting handed to wabt's parser (parentheses plus open flat block/loop/if/try). */
export const MAX_WAT_DEPTH = 100;
/** Deepest block nesting `wasmToWat` prints (beyond it the text is tens of megabytes of indent). */
export const MAX_PRINT_DEPTH = 5000;

/** An error in WAT text: `line`/`column` are 1-based, 0 when unknown. */
export class WatError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = 'WatError';
  }
}

type Wabt = Awaited<ReturnType<typeof initWabt>>;
type WabtFeatures = NonNullable<Parameters<Wabt['parseWat']>[2]> & { multi_memory?: boolean };

/** Every feature wabt supports that weft's IR knows (or that only matters to text parsing). */
const FEATURES: WabtFeatures = {
  mutable_globals: true,
  sat_float_to_int: true,
  sign_extension: true,
  simd: true,
  multi_value: true,
  bulk_memory: true,
  reference_types: true,
  tail_call: true,
  multi_memory: true,
};

let instance: Promise<Wabt> | null = null;

function wabt(): Promise<Wabt> {
  instance ??= initWabt();
  return instance;
}

/** Runs `f` on the shared wabt instance; a trap (not a reported error) retires the instance. */
async function withWabt<T>(f: (w: Wabt) => T): Promise<T> {
  const w = await wabt();
  try {
    return f(w);
  } catch (e) {
    // errors wabt reported come back as WatError/WasmError; anything else was a trap
    if (!(e instanceof WatError || e instanceof WasmError || isReportedError(e))) instance = null;
    throw e;
  }
}

/** wabt reports problems as plain Errors whose message starts with "<step> failed:". */
function isReportedError(e: unknown): e is Error {
  return e instanceof Error && /^\w+ failed:/.test(e.message);
}

/** Assembles WAT (or WAST with a single module) text into a binary module. */
export async function watToWasm(text: string, filename: string): Promise<Uint8Array> {
  const deep = nestingDepth(text);
  if (deep.depth > MAX_WAT_DEPTH) {
    throw new WatError(
      `nesting depth ${deep.depth} exceeds the WAT parser's limit of ${MAX_WAT_DEPTH} ` +
        '(wabt has a small fixed stack); give weft the binary module instead',
      deep.line, deep.column,
    );
  }
  return withWabt((w) => {
    let mod: ReturnType<Wabt['parseWat']> | null = null;
    try {
      mod = w.parseWat(filename, text, FEATURES);
      mod.resolveNames();
      // validate() takes the features too (the typings omit the parameter)
      (mod as unknown as { validate(features: WabtFeatures): void }).validate(FEATURES);
      const binary = mod.toBinary({ write_debug_names: true, canonicalize_lebs: true }).buffer.slice();
      if (hasExplicitMemoryData(binary)) {
        throw new WatError(
          'data segments for a memory other than 0 cannot be assembled: the wabt.js binary writer ' +
            'drops their memory index (it has no multi-memory option); give weft the binary module instead',
          0, 0,
        );
      }
      return binary;
    } catch (e) {
      if (e instanceof WatError) throw e;
      throw watError(e, filename);
    } finally {
      mod?.destroy();
    }
  });
}

/** Prints a binary module as WAT text (names from the name section where present). */
export async function wasmToWat(bytes: Uint8Array): Promise<string> {
  const depth = binaryNestingDepth(bytes);
  if (depth > MAX_PRINT_DEPTH) {
    throw new Error(
      `block nesting depth ${depth} is too deep to print as text (limit ${MAX_PRINT_DEPTH}); write a binary instead`,
    );
  }
  // wabt.js copies `view.buffer.byteLength` bytes of a view from its start: pass an exact buffer
  if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) bytes = bytes.slice();
  return withWabt((w) => {
    let mod: ReturnType<Wabt['readWasm']> | null = null;
    try {
      try {
        mod = w.readWasm(bytes, { readDebugNames: true, ...FEATURES });
      } catch (e) {
        if (!isReportedError(e)) throw e;
        // a malformed name section is not worth failing over: print without names
        mod = w.readWasm(bytes, { readDebugNames: false, ...FEATURES });
      }
      mod.applyNames();
      return mod.toText({ foldExprs: false, inlineExport: false });
    } catch (e) {
      throw binaryError(e);
    } finally {
      mod?.destroy();
    }
  });
}

/**
 * Whether wabt's output has an active data segment with flags 2 (explicit memory index).
 * wabt.js writes that flag for a segment of memory 1+ but, its writer lacking the
 * multi-memory feature, not the index: such output is corrupt (wabt issue #2518).
 */
function hasExplicitMemoryData(bytes: Uint8Array): boolean {
  try {
    const r = new Reader(bytes, 8);
    while (!r.eof) {
      const id = r.u8();
      const size = r.u32();
      const end = r.pos + size;
      if (id !== 11) {
        r.pos = end;
        continue;
      }
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const flags = r.u32();
        if (flags === 2) return true;
        if (flags === 0) readConstExpr(r, DEFAULT_FEATURES);
        r.bytesN(r.u32());
      }
      return false;
    }
  } catch {
    // not ours to diagnose: the decoder will
  }
  return false;
}

/** Turns a wabt text error ("parseWat failed:\nfile:2:34: error: msg\n...") into a one-line WatError. */
function watError(e: unknown, filename: string): Error {
  if (!isReportedError(e)) return trapError(e);
  const lines = e.message.split('\n');
  const prefix = filename.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const line of lines) {
    const m = new RegExp(`^${prefix}:(\\d+):(\\d+): error: (.*)$`).exec(line) ??
      /^.*?:(\d+):(\d+): error: (.*)$/.exec(line);
    if (m) return new WatError(m[3], Number(m[1]), Number(m[2]));
  }
  const first = lines.find((l) => /error: /.test(l));
  return new WatError(first ? first.replace(/^.*?error: /, '') : lines[0], 0, 0);
}

/** Turns a wabt binary error ("readWasm failed:\n0000009: error: msg") into a WasmError. */
function binaryError(e: unknown): Error {
  if (!isReportedError(e)) return trapError(e);
  for (const line of e.message.split('\n')) {
    const m = /^([0-9a-f]+): error: (.*)$/.exec(line);
    if (m) return new WasmError(m[2], parseInt(m[1], 16));
  }
  const first = e.message.split('\n').find((l) => /error: /.test(l));
  return new Error(first ? first.replace(/^.*?error: /, '') : e.message.split('\n')[0]);
}

function trapError(e: unknown): Error {
  const msg = e instanceof Error ? e.message : String(e);
  return new Error(`the WAT toolkit (wabt) failed: ${msg}`);
}

/**
 * The deepest nesting in WAT text: open parentheses plus open flat `block`/`loop`/`if`/`try`
 * (closed by `end`), skipping comments and strings. Returns where the maximum is first reached.
 */
export function nestingDepth(text: string): { depth: number; line: number; column: number } {
  let depth = 0;
  let best = 0;
  let bestAt = 0;
  let prevParen = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x28 /* ( */) {
      if (text.charCodeAt(i + 1) === 0x3b /* ; */) {
        // block comment, nestable
        let level = 1;
        i += 2;
        while (i < n && level > 0) {
          if (text.startsWith('(;', i)) { level++; i += 2; }
          else if (text.startsWith(';)', i)) { level--; i += 2; }
          else i++;
        }
        continue;
      }
      depth++;
      if (depth > best) { best = depth; bestAt = i; }
      prevParen = true;
      i++;
      continue;
    }
    if (c === 0x29 /* ) */) {
      if (depth > 0) depth--;
      prevParen = false;
      i++;
      continue;
    }
    if (c === 0x3b /* ; */ && text.charCodeAt(i + 1) === 0x3b) {
      while (i < n && text.charCodeAt(i) !== 0x0a) i++;
      continue;
    }
    if (c === 0x22 /* " */) {
      i++;
      while (i < n && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
      i++;
      prevParen = false;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      i++;
      continue;
    }
    // a token: up to whitespace, a parenthesis, a quote or a comment start
    const start = i;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d === 0x20 || d === 0x09 || d === 0x0a || d === 0x0d || d === 0x28 || d === 0x29 || d === 0x22) break;
      if (d === 0x3b && text.charCodeAt(i + 1) === 0x3b) break;
      i++;
    }
    if (!prevParen) {
      const tok = text.slice(start, i);
      if (tok === 'block' || tok === 'loop' || tok === 'if' || tok === 'try' || tok === 'try_table') {
        depth++;
        if (depth > best) { best = depth; bestAt = start; }
      } else if (tok === 'end' && depth > 0) depth--;
    }
    prevParen = false;
  }
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < bestAt; k++) {
    if (text.charCodeAt(k) === 0x0a) { line++; lineStart = k + 1; }
  }
  return { depth: best, line, column: bestAt - lineStart + 1 };
}

/** The deepest block/loop/if nesting of any function body, or 0 when the binary does not decode. */
export function binaryNestingDepth(bytes: Uint8Array): number {
  let deepest = 0;
  try {
    const m = decodeModule(bytes);
    const cx = codeContext(m);
    for (const f of m.funcs) {
      const body = f.tree ?? readFunctionBody(cx, m, f);
      deepest = Math.max(deepest, labelDepth(body.body));
    }
  } catch {
    return deepest; // wabt will report what is wrong
  }
  return deepest;
}

/** Deepest nesting of labels (block/loop/if) under `roots`, iteratively. */
export function labelDepth(roots: readonly Expr[]): number {
  let deepest = 0;
  const stack: Expr[] = [];
  const depths: number[] = [];
  for (const r of roots) { stack.push(r); depths.push(0); }
  while (stack.length > 0) {
    const e = stack.pop()!;
    const d = depths.pop()!;
    const inner = e.isLabel() ? d + 1 : d;
    if (inner > deepest) deepest = inner;
    for (const k of e.kids) { stack.push(k); depths.push(d); }
    for (const b of e.body) { stack.push(b); depths.push(inner); }
    if (e.alt) for (const b of e.alt) { stack.push(b); depths.push(inner); }
  }
  return deepest;
}
