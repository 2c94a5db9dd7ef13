// `weft stats`: per-function and module-wide instruction statistics, from the expression trees.
//
// Definitions (kept simple and exact):
// - instruction: every IR node under the function's body (block, loop, if count once each;
//   `else`/`end` are not nodes), excluding `pop` pseudo-nodes. Code after an unconditional
//   branch in the same block is never decoded into the tree (it cannot run), so it is not
//   counted either.
// - i64 instruction: an instruction whose opcode name starts with `i64.`, or that produces an
//   i64 value (its result type contains i64: `local.get` of an i64 local, a call returning
//   i64, a block of result i64 ...), or that consumes one (one of its operands has type i64:
//   `local.set` of an i64, `i32.wrap_i64`, `drop` of an i64, a call taking an i64 ...).
// - constant: `i32.const`, `i64.const`, `f32.const`, `f64.const`, `v128.const`.
// - direct call: `call` and `return_call`, per callee; indirect: `call_indirect` and
//   `return_call_indirect`.
// - params and declared locals are counted by value type, separately.

import { codeContext, readFunctionBody } from './binary/code-reader.js';
import { readNames } from './binary/names.js';
import type { Module } from './ir/module.js';
import { O } from './ir/opcodes.js';
import { I64, valTypeName, type ValType } from './ir/types.js';
import { forEachExpr } from './ir/walk.js';

export interface CallStats {
  /** Callee in the function index space (imports first). */
  index: number;
  /** Callee name from the name section, or null. */
  name: string | null;
  /** `module.field` when the callee is an import, else null. */
  import: string | null;
  count: number;
}

export interface Counts {
  instrs: number;
  i64: number;
  localGet: number;
  localSet: number;
  localTee: number;
  consts: number;
  /** call + return_call. */
  directCalls: number;
  /** call_indirect + return_call_indirect. */
  indirectCalls: number;
}

export interface FunctionStats extends Counts {
  /** Index in the function index space (imports first). */
  index: number;
  /** Name from the name section, or null. */
  name: string | null;
  /** Parameter count by type name. */
  params: Record<string, number>;
  /** Declared local count by type name (params not included). */
  locals: Record<string, number>;
  /** Direct callees, in order of first call. */
  calls: CallStats[];
}

export interface ModuleStats {
  importedFunctions: number;
  functions: FunctionStats[];
  totals: Counts & {
    functions: number;
    params: Record<string, number>;
    locals: Record<string, number>;
  };
}

function zeroCounts(): Counts {
  return { instrs: 0, i64: 0, localGet: 0, localSet: 0, localTee: 0, consts: 0, directCalls: 0, indirectCalls: 0 };
}

function byType(types: readonly ValType[], into: Record<string, number> = {}): Record<string, number> {
  for (const t of types) {
    const n = valTypeName(t);
    into[n] = (into[n] ?? 0) + 1;
  }
  return into;
}

function addRecord(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

const COUNT_KEYS: (keyof Counts)[] = [
  'instrs', 'i64', 'localGet', 'localSet', 'localTee', 'consts', 'directCalls', 'indirectCalls',
];

/** Statistics of every defined function (bodies are decoded as needed; the module must be valid). */
export function moduleStats(m: Module): ModuleStats {
  const names = readNames(m);
  const importNames: string[] = [];
  for (const imp of m.imports) if (imp.desc.kind === 'func') importNames.push(`${imp.module}.${imp.name}`);
  const nImported = importNames.length;
  const cx = codeContext(m);
  const isConst = new Set<number>([O.i32_const, O.i64_const, O.f32_const, O.f64_const, O.v128_const]);

  const functions: FunctionStats[] = [];
  const totals: ModuleStats['totals'] = { functions: 0, ...zeroCounts(), params: {}, locals: {} };
  m.funcs.forEach((f, i) => {
    const tree = f.tree ?? readFunctionBody(cx, m, f);
    const index = nImported + i;
    const c = zeroCounts();
    const calls = new Map<number, CallStats>();
    forEachExpr(tree.body, (e) => {
      const op = e.op;
      if (op === O.pop) return;
      c.instrs++;
      if (isI64(e)) c.i64++;
      if (op === O.local_get) c.localGet++;
      else if (op === O.local_set) c.localSet++;
      else if (op === O.local_tee) c.localTee++;
      else if (isConst.has(op)) c.consts++;
      else if (op === O.call || op === O.return_call) {
        c.directCalls++;
        let s = calls.get(e.index);
        if (!s) {
          s = {
            index: e.index,
            name: names.functions.get(e.index) ?? null,
            import: e.index < nImported ? importNames[e.index] : null,
            count: 0,
          };
          calls.set(e.index, s);
        }
        s.count++;
      } else if (op === O.call_indirect || op === O.return_call_indirect) c.indirectCalls++;
    });
    const fs: FunctionStats = {
      index,
      name: names.functions.get(index) ?? null,
      ...c,
      params: byType(m.types[f.type].params),
      locals: byType(f.locals),
      calls: [...calls.values()],
    };
    functions.push(fs);
    totals.functions++;
    for (const k of COUNT_KEYS) totals[k] += c[k];
    addRecord(totals.params, fs.params);
    addRecord(totals.locals, fs.locals);
  });
  return { importedFunctions: nImported, functions, totals };
}

/** See the file header: named `i64.*`, or produces or consumes an i64 value. */
function isI64(e: { name: string; type: readonly ValType[]; kids: readonly { type: readonly ValType[] }[] }): boolean {
  if (e.type.includes(I64)) return true;
  for (const k of e.kids) if (k.type.includes(I64)) return true;
  return e.name.startsWith('i64.');
}

// ---- formatting ---------------------------------------------------------------------------

function typeCounts(r: Record<string, number>): string {
  const parts = Object.entries(r).map(([t, n]) => `${n} ${t}`);
  return parts.length === 0 ? '-' : parts.join(', ');
}

function funcLabel(s: { index: number; name: string | null }): string {
  return s.name !== null ? s.name : `func[${s.index}]`;
}

function calleeLabel(c: CallStats): string {
  return c.name ?? c.import ?? `func[${c.index}]`;
}

/** Renders statistics as an aligned table (or JSON). */
export function formatStats(stats: ModuleStats, json: boolean): string {
  if (json) return JSON.stringify(stats, null, 2) + '\n';
  const header = ['idx', 'function', 'instrs', 'i64', 'get', 'set', 'tee', 'const', 'calls', 'indirect', 'params', 'locals'];
  const rows: string[][] = stats.functions.map((f) => [
    String(f.index), funcLabel(f), String(f.instrs), String(f.i64), String(f.localGet), String(f.localSet),
    String(f.localTee), String(f.consts), String(f.directCalls), String(f.indirectCalls),
    typeCounts(f.params), typeCounts(f.locals),
  ]);
  const t = stats.totals;
  rows.push([
    '', `total (${t.functions} functions)`, String(t.instrs), String(t.i64), String(t.localGet), String(t.localSet),
    String(t.localTee), String(t.consts), String(t.directCalls), String(t.indirectCalls),
    typeCounts(t.params), typeCounts(t.locals),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const left = new Set([1, 10, 11]);
  const line = (cells: string[]) =>
    cells.map((c, i) => (left.has(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const out: string[] = [];
  out.push(`${t.functions} defined functions, ${stats.importedFunctions} imported`);
  out.push('');
  out.push(line(header));
  rows.forEach((r, i) => {
    if (i === rows.length - 1) out.push(widths.map((w) => '-'.repeat(w)).join('  '));
    out.push(line(r));
  });
  const callers = stats.functions.filter((f) => f.calls.length > 0);
  if (callers.length > 0) {
    out.push('');
    out.push('direct calls:');
    for (const f of callers) {
      const list = f.calls.map((c) => (c.count > 1 ? `${calleeLabel(c)} (x${c.count})` : calleeLabel(c))).join(', ');
      out.push(`  ${funcLabel(f)} -> ${list}`);
    }
  }
  return out.join('\n') + '\n';
}
