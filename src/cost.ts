// `weft cost`: the naive-backend instruction estimate of every function under a target's cost
// model (src/targets/), split into categories, and the per-function comparison of two modules.
//
// Categories (they add up to the total):
// - locals: `local.get` (a stack-slot load per 32-bit slot), `local.set`/`local.tee` (a store
//   per slot), and the prologue zeroing of every declared local slot;
// - constants: materialising constants that do not fold into their user as an immediate
//   (`constCost`), and load/store address constants and offsets that do not fit the access's
//   immediate field (`addressCost`);
// - i64: every other instruction that is named `i64.*` or produces or consumes an i64 value
//   (register pairs on a 32-bit core; `i32.wrap_i64`, an i64 `select`, `global.get` of an i64);
// - calls: `call`, `call_indirect` and the tail-call forms: the branch, a move per argument and
//   result slot, and the table and signature checks of an indirect call;
// - other: everything else, from the target's per-class table (a compare that only feeds a
//   branch or select condition is costed as fused into it).
// Block and loop cost nothing, `if` a conditional branch (and a jump over its else arm).
// Code after an unconditional branch is not in the tree (it cannot run) and costs nothing.

import { codeContext, readFunctionBody } from './binary/code-reader.js';
import { readNames } from './binary/names.js';
import type { Expr } from './ir/expr.js';
import type { Func, Module } from './ir/module.js';
import { O, OPS } from './ir/opcodes.js';
import { I64, type ValType } from './ir/types.js';
import { addressCost, constCost, isConst, isMemAccess, slots, type Target } from './targets/index.js';

export interface CostSplit {
  locals: number;
  constants: number;
  i64: number;
  calls: number;
  other: number;
  total: number;
}

export const COST_KEYS = ['locals', 'constants', 'i64', 'calls', 'other', 'total'] as const;

export interface FunctionCost extends CostSplit {
  /** Index in the function index space (imports first). */
  index: number;
  /** Name from the name section, or null. */
  name: string | null;
}

export interface ModuleCost {
  target: string;
  importedFunctions: number;
  functions: FunctionCost[];
  totals: CostSplit & { functions: number };
}

function zero(): CostSplit {
  return { locals: 0, constants: 0, i64: 0, calls: 0, other: 0, total: 0 };
}

// ---- cost classes ---------------------------------------------------------------------------

const CMP_SUFFIX = /\.(eq|ne|lt|gt|le|ge)(_[su])?$/;

/** The cost class of an instruction (the key of `Target.ops`; see src/targets/*.ts). */
export function opClass(e: Expr): string {
  const info = OPS[e.op];
  const name = info.name;
  if (info.prefix === 0xfd) return 'v128';
  if (name.includes('.atomic.') || name === 'atomic.fence') return 'atomic';
  const dot = name.indexOf('.');
  const ty = dot < 0 ? '' : name.slice(0, dot);
  const rest = dot < 0 ? name : name.slice(dot + 1);
  switch (name) {
    case 'select':
    case 'select_t': return slotsOf(e.type[0]) === 2 ? 'select64' : 'select';
    case 'global.get': return slotsOf(e.type[0]) === 2 ? 'global.get64' : 'global.get';
    case 'global.set': return slotsOf(e.kids[0].type[0]) === 2 ? 'global.set64' : 'global.set';
    case 'memory.copy':
    case 'memory.fill':
    case 'memory.init': return 'memory.bulk';
    case 'i32.wrap_i64': return name;
    case 'i64.extend_i32_u':
    case 'i64.extend_i32_s': return name;
  }
  if (isMemAccess(e.op)) {
    const load = rest.startsWith('load');
    const narrow = /\d/.test(rest);
    if (ty === 'i64') return load ? (narrow ? 'i64.loadN' : 'i64.load') : (narrow ? 'i64.storeN' : 'i64.store');
    if (ty === 'f64') return load ? 'f64.load' : 'f64.store';
    return load ? 'load' : 'store';
  }
  if (ty === 'i32') {
    if (/^(add|sub|and|or|xor|shl|shr_s|shr_u|mul)$/.test(rest)) return 'i32.alu';
    if (rest === 'rotl' || rest === 'rotr') return 'i32.rot';
    if (rest === 'eqz') return 'i32.eqz';
    if (CMP_SUFFIX.test(name)) return 'i32.cmp';
    if (rest === 'extend8_s' || rest === 'extend16_s') return 'i32.extend';
    if (rest.startsWith('trunc')) return rest.includes('f64') ? 'f64.convert' : 'f32.convert';
    if (rest === 'reinterpret_f32') return 'f32.reinterpret';
    return name; // clz ctz popcnt div_s div_u rem_s rem_u
  }
  if (ty === 'i64') {
    if (rest === 'add' || rest === 'sub') return 'i64.add';
    if (rest === 'and' || rest === 'or' || rest === 'xor') return 'i64.bitwise';
    const constAmount = e.kids.length === 2 && e.kids[1].op === O.i64_const;
    if (rest === 'shl' || rest === 'shr_s' || rest === 'shr_u') return constAmount ? 'i64.shift.const' : 'i64.shift';
    if (rest === 'rotl' || rest === 'rotr') return constAmount ? 'i64.rot.const' : 'i64.rot';
    if (rest === 'mul') return 'i64.mul';
    if (/^(div|rem)_[su]$/.test(rest)) return 'i64.div';
    if (rest === 'eqz') return 'i64.eqz';
    if (rest === 'eq' || rest === 'ne') return 'i64.cmpeq';
    if (CMP_SUFFIX.test(name)) return 'i64.cmp';
    if (rest === 'clz' || rest === 'ctz') return 'i64.clz';
    if (rest === 'popcnt') return 'i64.popcnt';
    if (/^extend(8|16|32)_s$/.test(rest)) return 'i64.extendN';
    if (rest.startsWith('trunc')) return 'f.convert64';
    if (rest === 'reinterpret_f64') return 'f64.reinterpret';
    return name;
  }
  if (ty === 'f32' || ty === 'f64') {
    if (/^(add|sub|mul|div|sqrt)$/.test(rest)) return `${ty}.arith`;
    if (/^(abs|neg|copysign)$/.test(rest)) return `${ty}.simple`;
    if (rest === 'min' || rest === 'max') return `${ty}.minmax`;
    if (/^(ceil|floor|trunc|nearest)$/.test(rest)) return `${ty}.round`;
    if (CMP_SUFFIX.test(name)) return `${ty}.cmp`;
    if (rest.includes('i64')) return 'f.convert64';
    if (rest.startsWith('reinterpret')) return `${ty}.reinterpret`;
    if (rest.startsWith('convert') || rest.startsWith('demote') || rest.startsWith('promote')) return `${ty}.convert`;
    return name;
  }
  return name;
}

/** 32-bit slots of a value type on a 32-bit core (only used to pick a class). */
function slotsOf(t: ValType | undefined): number {
  return t === I64 || t === 0x7c /* f64 */ ? 2 : 1;
}

/** Whether operand `slot` of `parent` is a branch or select condition (a compare there is fused). */
function isCondition(parent: Expr | null, slot: number): boolean {
  if (parent === null) return false;
  if (parent.op === O.if || parent.op === O.br_if) return slot === parent.kids.length - 1;
  if (parent.op === O.select || parent.op === O.select_t) return slot === 2;
  return false;
}

const FUSABLE = new Set(['i32.cmp', 'i32.eqz', 'i64.cmp', 'i64.cmpeq', 'i64.eqz', 'f32.cmp', 'f64.cmp']);

/** Cost of one instruction of the `other`/`i64` kinds (its own instructions, not its operands'). */
function opCost(target: Target, e: Expr, parent: Expr | null, slot: number): number {
  const cls = opClass(e);
  const ops = target.ops;
  if (FUSABLE.has(cls) && isCondition(parent, slot)) {
    const fused = ops[`${OPS[e.op].name}.br`] ?? ops[`${cls}.br`];
    if (fused !== undefined) return fused;
  }
  return ops[OPS[e.op].name] ?? ops[cls] ?? target.defaultOp;
}

/** The test of an if/br_if condition that is not a fused compare (CBZ folds it; CMP #0 on v6-M). */
function conditionTest(target: Target, cond: Expr): number {
  return FUSABLE.has(opClass(cond)) && !cond.name.startsWith('f') ? 0 : (target.ops.cond ?? 0);
}

function involvesI64(e: Expr): boolean {
  if (OPS[e.op].name.startsWith('i64.')) return true;
  if (e.type.includes(I64)) return true;
  for (const k of e.kids) if (k.type.includes(I64)) return true;
  return false;
}

function typeSlots(target: Target, ts: readonly ValType[]): number {
  let n = 0;
  for (const t of ts) n += slots(target, t);
  return n;
}

// ---- per function ---------------------------------------------------------------------------

/** The cost split of one function body (`tree`: its decoded body) under `target`. */
export function functionCost(m: Module, f: Func, tree: Expr, target: Target): CostSplit {
  const c = zero();
  for (const t of f.locals) c.locals += target.params.localInit * slots(target, t);
  addStatementsCost(c, target, m.localTypes(f), tree.body);
  c.total = c.locals + c.constants + c.i64 + c.calls + c.other;
  return c;
}

/**
 * The total cost of a list of statements (roots of a body) under `target`, `localTypes` giving
 * the types of the locals they access: what a pass compares before and after a local rewrite.
 */
export function statementsCost(target: Target, localTypes: readonly ValType[], roots: readonly Expr[]): number {
  const c = zero();
  addStatementsCost(c, target, localTypes, roots);
  return c.locals + c.constants + c.i64 + c.calls + c.other;
}

function addStatementsCost(c: CostSplit, target: Target, localTypes: readonly ValType[], roots: readonly Expr[]): void {
  const p = target.params;
  // iterative pre-order walk with each node's parent and operand index (-1: a body root)
  const nodes: Expr[] = [];
  const parents: (Expr | null)[] = [];
  const slotIdx: number[] = [];
  const pushList = (list: readonly Expr[], parent: Expr | null, asKids: boolean) => {
    for (let i = list.length - 1; i >= 0; i--) { nodes.push(list[i]); parents.push(parent); slotIdx.push(asKids ? i : -1); }
  };
  pushList(roots, null, false);
  while (nodes.length > 0) {
    const e = nodes.pop()!;
    const parent = parents.pop()!;
    const slot = slotIdx.pop()!;
    const op = e.op;
    if (e.alt !== null) pushList(e.alt, null, false);
    if (e.body.length > 0) pushList(e.body, null, false);
    if (e.kids.length > 0) pushList(e.kids, e, true);
    if (op === O.pop) continue;
    const user = slot < 0 ? null : parent;
    if (isConst(op)) {
      c.constants += constCost(target, e, user, slot);
      continue;
    }
    if (op === O.local_get) { c.locals += p.localGet * slots(target, localTypes[e.index]); continue; }
    if (op === O.local_set || op === O.local_tee) { c.locals += p.localSet * slots(target, localTypes[e.index]); continue; }
    if (op === O.call || op === O.return_call || op === O.call_indirect || op === O.return_call_indirect) {
      const indirect = op === O.call_indirect || op === O.return_call_indirect;
      const args = indirect ? e.kids.slice(0, -1) : e.kids;
      let argSlots = 0;
      for (const k of args) argSlots += typeSlots(target, k.type);
      const resSlots = op === O.call || op === O.call_indirect ? typeSlots(target, e.type) : 0;
      c.calls += p.call + p.callSlot * (argSlots + resSlots) + (indirect ? p.callIndirect : 0);
      continue;
    }
    let n = opCost(target, e, user, slot);
    if (op === O.if) {
      if (e.alt !== null) n += target.ops.else ?? 0;
      n += conditionTest(target, e.kids[e.kids.length - 1]);
    } else if (op === O.br_if) {
      n += conditionTest(target, e.kids[e.kids.length - 1]);
    }
    if (isMemAccess(op)) {
      const addr = e.kids[0].op === O.i32_const ? e.kids[0] : null;
      const [extra, mat] = addressCost(target, e, addr);
      n += extra;
      c.constants += mat;
    }
    if (op === O.block || op === O.loop || op === O.if || op === O.br || op === O.br_if || op === O.br_table ||
        op === O.return || op === O.drop) {
      c.other += n;
    } else if (involvesI64(e)) c.i64 += n;
    else c.other += n;
  }
}

/** The cost of every defined function (bodies decoded as needed; the module must be valid). */
export function moduleCost(m: Module, target: Target): ModuleCost {
  const names = readNames(m);
  const nImported = m.numImportedFuncs;
  const cx = codeContext(m);
  const functions: FunctionCost[] = [];
  const totals = { functions: 0, ...zero() };
  m.funcs.forEach((f, i) => {
    const tree = f.tree ?? readFunctionBody(cx, m, f);
    const index = nImported + i;
    const c = functionCost(m, f, tree, target);
    functions.push({ index, name: names.functions.get(index) ?? null, ...c });
    totals.functions++;
    for (const k of COST_KEYS) totals[k] += c[k];
  });
  return { target: target.name, importedFunctions: nImported, functions, totals };
}

// ---- comparison -----------------------------------------------------------------------------

export interface FunctionDelta {
  /** The name both sides share, or null when matched by index. */
  name: string | null;
  /** Index before and after (null when the function is absent on that side). */
  before: FunctionCost | null;
  after: FunctionCost | null;
  delta: CostSplit;
}

export interface CostComparison {
  target: string;
  functions: FunctionDelta[];
  before: CostSplit;
  after: CostSplit;
  delta: CostSplit;
}

function diff(a: CostSplit | null, b: CostSplit | null): CostSplit {
  const d = zero();
  for (const k of COST_KEYS) d[k] = (b?.[k] ?? 0) - (a?.[k] ?? 0);
  return d;
}

/**
 * Matches the functions of two modules — by name when the function has one (from the name
 * section) and the other module has a function of that name, else by index — and gives the
 * per-function delta (after − before). Unmatched functions appear with one side null.
 */
export function compareCosts(before: ModuleCost, after: ModuleCost): CostComparison {
  const afterByName = new Map<string, FunctionCost>();
  for (const f of after.functions) if (f.name !== null && !afterByName.has(f.name)) afterByName.set(f.name, f);
  const afterByIndex = new Map<number, FunctionCost>();
  for (const f of after.functions) afterByIndex.set(f.index, f);
  const used = new Set<FunctionCost>();
  const functions: FunctionDelta[] = [];
  for (const b of before.functions) {
    let a: FunctionCost | undefined;
    if (b.name !== null) a = afterByName.get(b.name);
    if (a === undefined) {
      const cand = afterByIndex.get(b.index);
      // by index only when the candidate's name does not belong to another function
      if (cand !== undefined && (cand.name === null || cand.name === b.name || !before.functions.some((x) => x.name === cand.name))) a = cand;
    }
    if (a !== undefined && used.has(a)) a = undefined;
    if (a !== undefined) used.add(a);
    functions.push({ name: b.name !== null && a !== undefined && a.name === b.name ? b.name : null, before: b, after: a ?? null, delta: diff(b, a ?? null) });
  }
  for (const a of after.functions) {
    if (!used.has(a)) functions.push({ name: null, before: null, after: a, delta: diff(null, a) });
  }
  return { target: before.target, functions, before: before.totals, after: after.totals, delta: diff(before.totals, after.totals) };
}

// ---- formatting -----------------------------------------------------------------------------

function label(f: { index: number; name: string | null } | null): string {
  if (f === null) return '-';
  return f.name !== null ? f.name : `func[${f.index}]`;
}

function table(header: string[], rows: string[][], left: Set<number>, totalRows: number): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (left.has(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const out = [line(header)];
  rows.forEach((r, i) => {
    if (i === rows.length - totalRows) out.push(widths.map((w) => '-'.repeat(w)).join('  '));
    out.push(line(r));
  });
  return out;
}

/** Renders a module's cost as an aligned table (or JSON). */
export function formatCost(mc: ModuleCost, target: Target, json: boolean): string {
  if (json) return JSON.stringify(mc, null, 2) + '\n';
  const header = ['idx', 'function', 'locals', 'consts', 'i64', 'calls', 'other', 'total'];
  const rows = mc.functions.map((f) => [String(f.index), label(f), ...COST_KEYS.map((k) => String(f[k]))]);
  rows.push(['', `total (${mc.totals.functions} functions)`, ...COST_KEYS.map((k) => String(mc.totals[k]))]);
  const out = [`target ${target.name}: ${target.title}`, 'naive-backend instruction estimate per function (see docs/targets.md)', ''];
  out.push(...table(header, rows, new Set([1]), 1));
  return out.join('\n') + '\n';
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

/** Renders a comparison: before, after and delta per function and category (or JSON). */
export function formatComparison(cmp: CostComparison, target: Target, json: boolean): string {
  if (json) return JSON.stringify(cmp, null, 2) + '\n';
  const header = ['function', 'before', 'after', 'delta', 'locals', 'consts', 'i64', 'calls', 'other'];
  const parts = ['locals', 'constants', 'i64', 'calls', 'other'] as const;
  const rows = cmp.functions.map((f) => [
    f.before && f.after ? label(f.before) + (f.name === null && label(f.before) !== label(f.after) ? ` -> ${label(f.after)}` : '')
      : f.before ? `${label(f.before)} (removed)` : `${label(f.after)} (added)`,
    f.before ? String(f.before.total) : '-', f.after ? String(f.after.total) : '-', signed(f.delta.total),
    ...parts.map((k) => signed(f.delta[k])),
  ]);
  rows.push(['total', String(cmp.before.total), String(cmp.after.total), signed(cmp.delta.total), ...parts.map((k) => signed(cmp.delta[k]))]);
  const out = [`target ${target.name}: ${target.title}`, 'naive-backend instruction estimate, before -> after (delta per category)', ''];
  out.push(...table(header, rows, new Set([0]), 1));
  return out.join('\n') + '\n';
}
