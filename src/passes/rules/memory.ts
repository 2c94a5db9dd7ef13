// Loads and stores.
//
// Offset folding. The effective address of `load offset=o (p)` is p + o computed WITHOUT
// wrapping (33+ bits), while `i32.add x c` wraps at 2^32. So `load offset=o (x + c)` equals
// `load offset=(o + c) (x)` only when x + c does not wrap: we fold only when the known range of
// x proves umax(x) + c < 2^32 (and o + c still fits the u32 offset field). Otherwise (e.g. x may
// be near 2^32 and the wrapped sum a small valid address) folding would turn a valid access
// into a trap, so it is not done. binaryen folds unconditionally only under a "low memory"
// assumption flag; weft makes no such assumption.
//
// Narrow stores only write the low N bits of their value, so masks and sign extensions that
// keep those bits are dropped, and an i64 store of a value built from i32 halves becomes an
// i32 store of the low half (conversions.ts `low32`).

import { Imm, OPS, op } from '../../ir/opcodes.js';
import { type Rule, M32, cheaper, cval, is, isC, rebuild } from './util.js';
import { demandLow, low32 } from './conversions.js';

const MEM_OPS = OPS.filter((i) => i.imm === Imm.memarg && /\.(load|store)/.test(i.name)).map((i) => i.name);

/** Bits a narrow store writes. */
const STORE_BITS: Record<string, number> = {
  'i32.store8': 8, 'i32.store16': 16, 'i64.store8': 8, 'i64.store16': 16, 'i64.store32': 32,
};
/** i32 store of a wrapped i64 == the i64 store of the same width. */
const STORE_WIDE: Record<string, string> = { 'i32.store8': 'i64.store8', 'i32.store16': 'i64.store16', 'i32.store': 'i64.store32' };
/** i64 narrow store == the i32 store of the low half. */
const STORE_NARROW: Record<string, string> = { 'i64.store8': 'i32.store8', 'i64.store16': 'i32.store16', 'i64.store32': 'i32.store' };
/** and(loadN_s p, 2^N - 1) == loadN_u p */
const LOAD_UNSIGNED: Record<string, [string, bigint]> = {
  'i32.load8_s': ['i32.load8_u', 0xffn], 'i32.load16_s': ['i32.load16_u', 0xffffn],
  'i64.load8_s': ['i64.load8_u', 0xffn], 'i64.load16_s': ['i64.load16_u', 0xffffn], 'i64.load32_s': ['i64.load32_u', 0xffffffffn],
};

export const memoryRules: Rule[] = [
  {
    // load offset=o (x + c) == load offset=(o + c) (x) when umax(x) + c < 2^32 (no wrap; see the header)
    name: 'fold-offset', ops: MEM_OPS,
    fn: (e, env) => {
      const p = e.kids[0];
      if (p.op !== op('i32.add')) return null;
      const c = cval(p.kids[1]);
      if (c === null) return null;
      const cu = BigInt.asUintN(32, c);
      const umax = BigInt(env.bits(p.kids[0]).umax);
      if (umax + cu > M32 || BigInt(e.offset) + cu > M32) return null;
      const r = rebuild(e, e.op, [p.kids[0], ...e.kids.slice(1)]);
      r.offset = e.offset + Number(cu);
      return r;
    },
  },
  {
    // storeN p (x & m) == storeN p x when m keeps the low N bits (also |, ^ with constants
    // clear of them, and extendM_s with M >= N)
    name: 'store-demanded', ops: Object.keys(STORE_BITS),
    fn: (e) => {
      const v = e.kids[1];
      const x = demandLow(v, STORE_BITS[e.name]);
      return x === v ? null : rebuild(e, e.op, [e.kids[0], x]);
    },
  },
  {
    // i32.store8 p (wrap_i64 x) == i64.store8 p x (and store16, store → store32)
    name: 'store-wrap', ops: Object.keys(STORE_WIDE),
    fn: (e) => {
      const v = e.kids[1];
      return is(v, 'wrap_i64') ? rebuild(e, op(STORE_WIDE[e.name]), [e.kids[0], v.kids[0]]) : null;
    },
  },
  {
    // i64.store32 p v == i32.store p (low32 v) when cheaper (e.g. v = extend_i32_u x, or v = E >>u 32)
    name: 'store-narrow', ops: Object.keys(STORE_NARROW),
    fn: (e, env) => {
      const x = low32(e.kids[1], 0, env);
      if (x === null) return null;
      const r = rebuild(e, op(STORE_NARROW[e.name]), [e.kids[0], x]);
      return cheaper(e, r) ? r : null;
    },
  },
  {
    // loadN_s p & (2^N - 1) == loadN_u p
    name: 'load-unsigned', ops: ['i32.and', 'i64.and'],
    fn: (e) => {
      const [a, b] = e.kids;
      const t = LOAD_UNSIGNED[a.name];
      return t !== undefined && isC(b, t[1]) ? rebuild(a, op(t[0]), a.kids) : null;
    },
  },
];
