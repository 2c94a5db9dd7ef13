// Value types and result types.
//
// A value type is its binary encoding byte (0x7f = i32 ...). A result type (what an
// expression leaves on the stack) is a readonly array of value types; the common ones are
// interned so that comparisons of single types are cheap and no array is allocated per node.

export type ValType = number;

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export const FUNCREF = 0x70;
export const EXTERNREF = 0x6f;

export type Type = readonly ValType[];

export const NONE: Type = Object.freeze([]);
const SINGLE = new Map<ValType, Type>();
for (const t of [I32, I64, F32, F64, V128, FUNCREF, EXTERNREF]) SINGLE.set(t, Object.freeze([t]));

/** The interned one-element result type of `t`. */
export function single(t: ValType): Type {
  const s = SINGLE.get(t);
  if (!s) throw new Error(`unknown value type 0x${t.toString(16)}`);
  return s;
}

/** Interns a result type read from a signature so that equal short types share an array. */
export function typeOf(ts: readonly ValType[]): Type {
  if (ts.length === 0) return NONE;
  if (ts.length === 1) return single(ts[0]);
  return Object.freeze(ts.slice());
}

export function isValType(b: number): boolean {
  return SINGLE.has(b);
}

export function isRefType(t: ValType): boolean {
  return t === FUNCREF || t === EXTERNREF;
}

export function isNumType(t: ValType): boolean {
  return t === I32 || t === I64 || t === F32 || t === F64;
}

export function typesEqual(a: Type, b: Type): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const NAMES: Record<number, string> = {
  [I32]: 'i32', [I64]: 'i64', [F32]: 'f32', [F64]: 'f64', [V128]: 'v128',
  [FUNCREF]: 'funcref', [EXTERNREF]: 'externref',
};

export function valTypeName(t: ValType): string {
  return NAMES[t] ?? `0x${t.toString(16)}`;
}

export function typeName(t: Type): string {
  return t.length === 0 ? '[]' : t.length === 1 ? valTypeName(t[0]) : `[${t.map(valTypeName).join(' ')}]`;
}

/** A function signature, interned per module in its type table. */
export interface FuncType {
  params: Type;
  results: Type;
}

export function funcTypesEqual(a: FuncType, b: FuncType): boolean {
  return typesEqual(a.params, b.params) && typesEqual(a.results, b.results);
}
