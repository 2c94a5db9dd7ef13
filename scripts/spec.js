#!/usr/bin/env node
// The WebAssembly 2.0 spec-suite runner: every module of the testsuite goes through weft
// (decode, validate, transform, encode, decode + validate again) and the output is run in V8
// against the suite's assertions.
//
//   node scripts/spec.js [-O0|-O1|-O2|-O3|-Os|-Oz] [--passes a,b] [--round-trip] [file.json|name ...]
//
// Input: wast2json output (wabt 1.0.32) in $WEFT_SPEC_DIR (default ../shared/spec/json beside the repository).
//
// What each command checks:
//   module                 weft decodes + validates it; at -O0 without passes the plain re-encode
//                          must be byte-identical to the input, and then every body is forced through
//                          the tree reader and writer (readFunctionBody + dirty) and THAT binary is
//                          used; otherwise the passes run. The output must decode + validate in weft
//                          again, compile in V8 and instantiate with the spectest/registered imports.
//   assert_return/action   invoke an export (or read a global) of the named or last instance; results
//                          are compared by bits (NaN: canonical = quiet NaN with zero payload, either
//                          sign; arithmetic = quiet bit set).
//   assert_trap            the call (or the instantiation) must throw a WebAssembly.RuntimeError
//                          whose message is V8's wording of the trap the spec names (TRAP_MESSAGES),
//                          so an optimization that turns one trap into another is caught.
//   assert_exhaustion      the call must throw RangeError (stack overflow) or RuntimeError.
//   assert_malformed       binary: weft's decoder must reject it with a WasmError (decodeModule
//                          plus reading every function body, which is otherwise done lazily).
//                          text (.wat): skipped; weft has no WAT parser by design.
//   assert_invalid         decodeModule + validateModule must throw a WasmError.
//   assert_unlinkable      weft accepts and re-encodes it; instantiation must throw a LinkError.
//   assert_uninstantiable  weft accepts and re-encodes it; instantiation must trap (as assert_trap).
//
// `--round-trip` (runSpec's onlyRoundTrip) stops after weft and V8's compiler: no instantiation,
// no assertions (skipped). The summary counts passed / failed / skipped per command type and
// lists every skip reason; the exit code is 1 on any failure.
//
// Calls whose values cannot cross the JS API exactly (v128 anywhere in the signature, NaN float
// arguments or expected NaN results, whose payloads JS may not keep) go through a generated wrapper
// module: for each such command a function that imports the export under test, pushes the
// arguments as constants (v128.const, f32.const bits, ...), calls it and stores every result
// into the wrapper's memory, where the runner reads the bits back. One wrapper module is built
// per run of commands between two `module` commands.
//
// `spectest` follows the spec interpreter: print* are real wasm functions with the spec's
// signatures (so signature mismatches are link errors), global_* are immutable
// WebAssembly.Globals of 666 / 666.6, table is 10..20 funcref, memory 1..2 pages; fresh per file.

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  decodeModule, validateModule, encodeModule, runPasses, resolvePasses, codeContext, readFunctionBody,
  WASM2_FEATURES, WasmError, parseLevel,
} from '../dist/index.js';

export const SPEC_DIR = process.env.WEFT_SPEC_DIR ??
  path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'spec', 'json');

export const COMMAND_TYPES = [
  'module', 'register', 'action', 'assert_return', 'assert_trap', 'assert_exhaustion',
  'assert_malformed', 'assert_invalid', 'assert_unlinkable', 'assert_uninstantiable',
];

export const SKIP_TEXT = "text format: not weft's concern (no WAT parser by design; wabt parses text)";
const SKIP_ROUND_TRIP = 'onlyRoundTrip: execution not requested';

// ---- a tiny binary encoder (wrapper and spectest modules) ------------------------------------

const utf8 = new TextEncoder();

function uleb(out, n) {
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
}

function sleb(out, v) {
  v = BigInt(v);
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && !(b & 0x40)) || (v === -1n && b & 0x40)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

function append(out, bytes) {
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]);
}

function nameBytes(out, s) {
  const b = utf8.encode(s);
  uleb(out, b.length);
  append(out, b);
}

function section(out, id, payload) {
  out.push(id);
  uleb(out, payload.length);
  append(out, payload);
}

const VT = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70, externref: 0x6f };
const VT_NAME = Object.fromEntries(Object.entries(VT).map(([k, v]) => [v, k]));

/** A module from function types, function imports, function bodies and exports. */
function buildModule({ types, imports = [], funcs, memory = false, exports }) {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  let p = [];
  uleb(p, types.length);
  for (const t of types) {
    p.push(0x60);
    uleb(p, t.params.length);
    for (const v of t.params) p.push(v);
    uleb(p, t.results.length);
    for (const v of t.results) p.push(v);
  }
  section(out, 1, p);
  if (imports.length) {
    p = [];
    uleb(p, imports.length);
    for (const imp of imports) {
      nameBytes(p, imp.module);
      nameBytes(p, imp.name);
      p.push(0x00);
      uleb(p, imp.type);
    }
    section(out, 2, p);
  }
  p = [];
  uleb(p, funcs.length);
  for (const f of funcs) uleb(p, f.type);
  section(out, 3, p);
  if (memory) section(out, 5, [1, 0x00, 1]);
  p = [];
  uleb(p, exports.length);
  for (const e of exports) {
    nameBytes(p, e.name);
    p.push(e.kind);
    uleb(p, e.index);
  }
  section(out, 7, p);
  p = [];
  uleb(p, funcs.length);
  for (const f of funcs) {
    uleb(p, f.body.length);
    append(p, f.body);
  }
  section(out, 10, p);
  return new Uint8Array(out);
}

const SPECTEST_FUNCS = [
  ['print', []], ['print_i32', [VT.i32]], ['print_i64', [VT.i64]], ['print_f32', [VT.f32]],
  ['print_f64', [VT.f64]], ['print_i32_f32', [VT.i32, VT.f32]], ['print_f64_f64', [VT.f64, VT.f64]],
];
let spectestFuncs = null;

function spectest() {
  if (!spectestFuncs) {
    const bin = buildModule({
      types: SPECTEST_FUNCS.map(([, params]) => ({ params, results: [] })),
      funcs: SPECTEST_FUNCS.map((_, i) => ({ type: i, body: [0x00, 0x0b] })),
      exports: SPECTEST_FUNCS.map(([name], i) => ({ name, kind: 0, index: i })),
    });
    spectestFuncs = new WebAssembly.Instance(new WebAssembly.Module(bin), {}).exports;
  }
  const o = { ...spectestFuncs };
  o.global_i32 = new WebAssembly.Global({ value: 'i32', mutable: false }, 666);
  o.global_i64 = new WebAssembly.Global({ value: 'i64', mutable: false }, 666n);
  o.global_f32 = new WebAssembly.Global({ value: 'f32', mutable: false }, 666.6);
  o.global_f64 = new WebAssembly.Global({ value: 'f64', mutable: false }, 666.6);
  o.table = new WebAssembly.Table({ initial: 10, maximum: 20, element: 'anyfunc' });
  o.memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
  return o;
}

// ---- values ----------------------------------------------------------------------------------

const scratch = new DataView(new ArrayBuffer(16));

/** Stable host objects standing for `ref.extern N`. */
const externs = new Map();
function externRef(n) {
  let o = externs.get(n);
  if (!o) externs.set(n, (o = { externref: n }));
  return o;
}

function isNaNValue(v) {
  if (typeof v.value !== 'string') return false;
  if (v.value.startsWith('nan:')) return true;
  if (v.type === 'f32') {
    const b = Number(v.value);
    return (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0;
  }
  if (v.type === 'f64') {
    const b = BigInt(v.value);
    return (b & 0x7ff0000000000000n) === 0x7ff0000000000000n && (b & 0xfffffffffffffn) !== 0n;
  }
  return false;
}

/** A JSON argument as a JS value for a direct call (never a NaN or v128: those use the wrapper). */
function toJS(v) {
  switch (v.type) {
    case 'i32': return Number(BigInt.asIntN(32, BigInt(v.value)));
    case 'i64': return BigInt.asIntN(64, BigInt(v.value));
    case 'f32': scratch.setUint32(0, Number(v.value), true); return scratch.getFloat32(0, true);
    case 'f64': scratch.setBigUint64(0, BigInt(v.value), true); return scratch.getFloat64(0, true);
    case 'externref': return v.value === 'null' ? null : externRef(v.value);
    case 'funcref': if (v.value === 'null') return null;
  }
  throw new Unsupported(`argument of type ${v.type} (${v.value}) through the JS API`);
}

class Unsupported extends Error {}

function checkF32Bits(bits, want) {
  if (want === 'nan:canonical') return (bits & 0x7fffffff) === 0x7fc00000;
  if (want === 'nan:arithmetic') return (bits & 0x7fc00000) === 0x7fc00000;
  return bits === Number(want);
}

function checkF64Bits(bits, want) {
  if (want === 'nan:canonical') return (bits & 0x7fffffffffffffffn) === 0x7ff8000000000000n;
  if (want === 'nan:arithmetic') return (bits & 0x7ff8000000000000n) === 0x7ff8000000000000n;
  return bits === BigInt(want);
}

function hex(bits, width) {
  return `0x${bits.toString(16).padStart(width, '0')}`;
}

/** Compares a result from a direct JS call; returns an error message or null. */
function compareJS(got, want) {
  switch (want.type) {
    case 'i32':
      return typeof got === 'number' && got >>> 0 === Number(want.value) ? null : `i32 ${typeof got === 'number' ? got >>> 0 : got} (want ${want.value})`;
    case 'i64':
      return typeof got === 'bigint' && BigInt.asUintN(64, got) === BigInt(want.value)
        ? null : `i64 ${typeof got === 'bigint' ? BigInt.asUintN(64, got) : got} (want ${want.value})`;
    case 'f32': {
      scratch.setFloat32(0, got, true);
      const bits = scratch.getUint32(0, true);
      return checkF32Bits(bits, want.value) ? null : `f32 ${hex(bits, 8)} (want ${want.value.startsWith('nan') ? want.value : hex(Number(want.value), 8)})`;
    }
    case 'f64': {
      scratch.setFloat64(0, got, true);
      const bits = scratch.getBigUint64(0, true);
      return checkF64Bits(bits, want.value) ? null : `f64 ${hex(bits, 16)} (want ${want.value.startsWith('nan') ? want.value : hex(BigInt(want.value), 16)})`;
    }
    case 'externref': {
      const exp = want.value === 'null' ? null : externRef(want.value);
      return got === exp ? null : `externref ${JSON.stringify(got)} (want ${want.value})`;
    }
    case 'funcref':
      if (want.value === 'null') return got === null ? null : `funcref ${got} (want null)`;
      return typeof got === 'function' ? null : `funcref ${got} (want a function)`;
  }
  return `cannot compare type ${want.type}`;
}

const LANES = {
  i8: [16, 1], i16: [8, 2], i32: [4, 4], i64: [2, 8], f32: [4, 4], f64: [2, 8],
};

function v128Bytes(v) {
  const [n, size] = LANES[v.lane_type];
  const out = new Uint8Array(16);
  for (let i = 0; i < n; i++) {
    let x = BigInt.asUintN(size * 8, BigInt(v.value[i]));
    for (let k = 0; k < size; k++) {
      out[i * size + k] = Number(x & 0xffn);
      x >>= 8n;
    }
  }
  return out;
}

/** Compares a result read from the wrapper's memory at `at`; returns an error message or null. */
function compareMem(dv, at, want, type) {
  switch (type) {
    case VT.i32: {
      const got = dv.getUint32(at, true);
      return want.type === 'i32' && got === Number(want.value) ? null : `i32 ${got} (want ${want.value})`;
    }
    case VT.i64: {
      const got = dv.getBigUint64(at, true);
      return want.type === 'i64' && got === BigInt(want.value) ? null : `i64 ${got} (want ${want.value})`;
    }
    case VT.f32: {
      const got = dv.getUint32(at, true);
      return want.type === 'f32' && checkF32Bits(got, want.value) ? null
        : `f32 ${hex(got, 8)} (want ${want.value.startsWith('nan') ? want.value : hex(Number(want.value), 8)})`;
    }
    case VT.f64: {
      const got = dv.getBigUint64(at, true);
      return want.type === 'f64' && checkF64Bits(got, want.value) ? null
        : `f64 ${hex(got, 16)} (want ${want.value.startsWith('nan') ? want.value : hex(BigInt(want.value), 16)})`;
    }
    case VT.v128: {
      if (want.type !== 'v128') return `v128 result (want ${want.type})`;
      const [n, size] = LANES[want.lane_type];
      for (let i = 0; i < n; i++) {
        const o = at + i * size;
        const w = want.value[i];
        let ok;
        switch (want.lane_type) {
          case 'i8': ok = dv.getUint8(o) === Number(BigInt.asUintN(8, BigInt(w))); break;
          case 'i16': ok = dv.getUint16(o, true) === Number(BigInt.asUintN(16, BigInt(w))); break;
          case 'i32': ok = dv.getUint32(o, true) === Number(BigInt.asUintN(32, BigInt(w))); break;
          case 'i64': ok = dv.getBigUint64(o, true) === BigInt.asUintN(64, BigInt(w)); break;
          case 'f32': ok = checkF32Bits(dv.getUint32(o, true), w); break;
          case 'f64': ok = checkF64Bits(dv.getBigUint64(o, true), w); break;
        }
        if (!ok) {
          const got = [];
          for (let j = 0; j < 16; j++) got.push(dv.getUint8(at + j).toString(16).padStart(2, '0'));
          return `v128 lane ${i}: bytes ${got.join(' ')} (want ${want.lane_type} ${want.value.join(' ')})`;
        }
      }
      return null;
    }
  }
  return `cannot compare result type ${VT_NAME[type]}`;
}

/** Constant instruction for a JSON argument of value type `t`. */
function emitConst(out, v, t) {
  switch (t) {
    case VT.i32: out.push(0x41); sleb(out, BigInt.asIntN(32, BigInt(v.value))); return;
    case VT.i64: out.push(0x42); sleb(out, BigInt.asIntN(64, BigInt(v.value))); return;
    case VT.f32: {
      out.push(0x43);
      scratch.setUint32(0, Number(v.value), true);
      for (let i = 0; i < 4; i++) out.push(scratch.getUint8(i));
      return;
    }
    case VT.f64: {
      out.push(0x44);
      scratch.setBigUint64(0, BigInt(v.value), true);
      for (let i = 0; i < 8; i++) out.push(scratch.getUint8(i));
      return;
    }
    case VT.v128:
      out.push(0xfd, 0x0c);
      append(out, v128Bytes(v));
      return;
    case VT.funcref:
    case VT.externref:
      if (v.value === 'null') {
        out.push(0xd0, t);
        return;
      }
  }
  throw new Unsupported(`constant ${v.type} ${v.value} in a wrapper`);
}

const STORE = { [VT.i32]: [0x36], [VT.i64]: [0x37], [VT.f32]: [0x38], [VT.f64]: [0x39], [VT.v128]: [0xfd, 0x0b] };

/**
 * Builds one wrapper module for `entries` ({ id, fn, sig, args }): export `w<id>` calls `fn`
 * with constant args and stores result k at byte 16*k of the exported memory "mem".
 */
function buildWrapper(entries) {
  const types = [{ params: [], results: [] }];
  const typeIdx = new Map([['|', 0]]);
  const imports = [];
  const importIdx = new Map();
  const importObj = {};
  for (const e of entries) {
    if (importIdx.has(e.fn)) continue;
    const key = `${e.sig.params.join(',')}|${e.sig.results.join(',')}`;
    let ti = typeIdx.get(key);
    if (ti === undefined) {
      ti = types.length;
      types.push(e.sig);
      typeIdx.set(key, ti);
    }
    const name = String(imports.length);
    importIdx.set(e.fn, imports.length);
    imports.push({ module: 't', name, type: ti });
    importObj[name] = e.fn;
  }
  const funcs = [];
  const exports = [{ name: 'mem', kind: 2, index: 0 }];
  for (const e of entries) {
    const body = [];
    const res = e.sig.results;
    uleb(body, res.length);
    for (const t of res) {
      if (!STORE[t]) throw new Unsupported(`${VT_NAME[t]} result in a wrapper`);
      body.push(1, t);
    }
    e.sig.params.forEach((t, i) => emitConst(body, e.args[i], t));
    body.push(0x10);
    uleb(body, importIdx.get(e.fn));
    for (let k = res.length - 1; k >= 0; k--) {
      body.push(0x21);
      uleb(body, k);
    }
    for (let k = 0; k < res.length; k++) {
      body.push(0x41);
      sleb(body, 16 * k);
      body.push(0x20);
      uleb(body, k);
      append(body, STORE[res[k]]);
      body.push(0x00, 0x00);
    }
    body.push(0x0b);
    exports.push({ name: `w${e.id}`, kind: 0, index: imports.length + funcs.length });
    funcs.push({ type: 0, body });
  }
  const bin = buildModule({ types, imports, funcs, memory: true, exports });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bin), { t: importObj });
  return { exports: inst.exports, dv: new DataView(inst.exports.mem.buffer) };
}

/**
 * V8's messages for each trap the spec names. V8 does not tell "uninitialized element" from
 * "indirect call type mismatch", so those share a message; unknown spec texts are not checked.
 */
const TRAP_MESSAGES = [
  [/^unreachable/, /unreachable/],
  [/^integer divide by zero/, /divide by zero|remainder by zero/],
  [/^integer overflow/, /divide result unrepresentable|float unrepresentable in integer range/],
  [/^invalid conversion to integer/, /float unrepresentable in integer range/],
  [/^out of bounds memory access/, /memory access out of bounds|data segment (is )?out of bounds/],
  [/^out of bounds table access/, /table index is out of bounds|element segment (is )?out of bounds|table access out of bounds/],
  [/^undefined element/, /table index is out of bounds/],
  [/^(uninitialized element|indirect call type mismatch)/, /null function or function signature mismatch/],
];

/** Whether a trap's message is V8's wording of the trap the spec expects. */
function trapMatches(text, message) {
  for (const [spec, v8] of TRAP_MESSAGES) if (spec.test(text)) return v8.test(message);
  return true;
}

// ---- weft ------------------------------------------------------------------------------------

class StageError extends Error {
  constructor(stage, cause) {
    super(`${stage}: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`);
    this.stage = stage;
    this.cause = cause;
  }
}

function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function firstDiff(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

function stage(name, f) {
  try {
    return f();
  } catch (e) {
    throw new StageError(name, e);
  }
}

/** Runs a module through weft; returns { binary, module } (the output, re-decoded) or throws a StageError. */
function transform(bytes, opts) {
  const m = stage('decode', () => decodeModule(bytes, { features: WASM2_FEATURES }));
  stage('validate', () => validateModule(m));
  let binary;
  if (opts.roundTrip) {
    const plain = stage('encode', () => encodeModule(m));
    if (!bytesEqual(plain, bytes)) {
      throw new StageError('identity', `-O0 re-encode differs from the input at byte ${firstDiff(plain, bytes)} (sizes ${plain.length} / ${bytes.length})`);
    }
    stage('read-tree', () => {
      const cx = codeContext(m);
      for (const f of m.funcs) {
        readFunctionBody(cx, m, f);
        f.dirty = true;
      }
    });
    binary = stage('encode-tree', () => encodeModule(m));
    if (!bytesEqual(binary, bytes)) opts.stats.treeDiffers++;
  } else {
    stage('passes', () => runPasses(m, opts.resolved));
    binary = stage('encode', () => encodeModule(m));
  }
  const out = stage('re-decode', () => decodeModule(binary, { features: WASM2_FEATURES }));
  stage('re-validate', () => validateModule(out));
  return { binary, module: out };
}

/** Signatures of a weft module's exported functions, by export name. */
function exportSigs(m) {
  const sigs = new Map();
  const fts = m.funcTypeIndices();
  for (const e of m.exports) {
    if (e.kind !== 'func') continue;
    const t = m.types[fts[e.index]];
    sigs.set(e.name, { params: [...t.params], results: [...t.results] });
  }
  return sigs;
}

// ---- the runner ------------------------------------------------------------------------------

function newCounts() {
  const c = {};
  for (const t of COMMAND_TYPES) c[t] = { passed: 0, failed: 0, skipped: 0 };
  return c;
}

function errText(e) {
  if (e instanceof Error) return `${e.constructor.name}: ${e.message}`;
  return String(e);
}

class FileRun {
  constructor(file, opts, result) {
    this.file = file;
    this.base = path.basename(file);
    this.dir = path.dirname(file);
    this.opts = opts;
    this.result = result;
    this.instances = new Map();
    this.last = null;
    this.registry = new Map();
    this.spectest = spectest();
    /** Wrapper of the current segment: command index -> { exports, dv } (null: not built yet). */
    this.wrapper = null;
  }

  pass(type, cmd) {
    this.result.counts[cmd?.countAs ?? type].passed++;
  }

  fail(cmd, msg) {
    const type = cmd.countAs ?? cmd.type;
    this.result.counts[type].failed++;
    const f = { file: this.base, line: cmd.line, type, message: msg };
    this.result.failures.push(f);
    this.opts.onFailure?.(f);
  }

  skip(cmd, reason) {
    this.result.counts[cmd.type].skipped++;
    this.result.skipped.push({ file: this.base, line: cmd.line, type: cmd.type, reason });
  }

  read(cmd) {
    return new Uint8Array(readFileSync(path.join(this.dir, cmd.filename)));
  }

  imports(wmod) {
    const obj = {};
    for (const imp of WebAssembly.Module.imports(wmod)) {
      const src = imp.module === 'spectest' ? this.spectest : this.registry.get(imp.module);
      const o = (obj[imp.module] ??= {});
      if (src && imp.name in src) o[imp.name] = src[imp.name];
    }
    return obj;
  }

  /** weft, then V8 compile; returns { wmod, module } or null after recording a failure. */
  compile(cmd, bytes) {
    let prep;
    try {
      prep = transform(bytes, this.opts);
    } catch (e) {
      const crash = e.cause && !(e.cause instanceof WasmError) && e.cause instanceof Error ? ` [crash]\n${e.cause.stack}` : '';
      this.fail(cmd, `${cmd.filename}: weft ${e.message}${crash}`);
      return null;
    }
    try {
      return { wmod: new WebAssembly.Module(prep.binary), module: prep.module };
    } catch (e) {
      let orig;
      try {
        new WebAssembly.Module(bytes);
        orig = 'V8 accepts the input';
      } catch (e2) {
        orig = `V8 rejects the input too: ${e2.message}`;
      }
      this.fail(cmd, `${cmd.filename}: V8 rejects weft's output: ${e.message} (${orig})`);
      return null;
    }
  }

  run(cmds) {
    for (let i = 0; i < cmds.length; i++) {
      const cmd = cmds[i];
      try {
        this.command(cmd, i, cmds);
      } catch (e) {
        this.fail(cmd, `runner error: ${e.stack ?? e}`);
      }
    }
  }

  command(cmd, i, cmds) {
    const opts = this.opts;
    switch (cmd.type) {
      case 'module': {
        this.wrapper = null;
        this.last = null;
        if (cmd.name) this.instances.delete(cmd.name);
        const c = this.compile(cmd, this.read(cmd));
        if (!c) return;
        if (opts.onlyRoundTrip) {
          this.pass(cmd.type);
          return;
        }
        let instance;
        try {
          instance = new WebAssembly.Instance(c.wmod, this.imports(c.wmod));
        } catch (e) {
          this.fail(cmd, `${cmd.filename}: instantiation failed: ${errText(e)}`);
          return;
        }
        const rec = { instance, module: c.module, sigs: null };
        this.last = rec;
        if (cmd.name) this.instances.set(cmd.name, rec);
        this.pass(cmd.type);
        return;
      }
      case 'register': {
        if (opts.onlyRoundTrip) return this.skip(cmd, SKIP_ROUND_TRIP);
        const rec = cmd.name ? this.instances.get(cmd.name) : this.last;
        if (!rec) return this.fail(cmd, `register ${cmd.as}: no instance ${cmd.name ?? '(last)'}`);
        this.registry.set(cmd.as, rec.instance.exports);
        return this.pass(cmd.type);
      }
      case 'assert_malformed':
      case 'assert_invalid': {
        if (cmd.module_type !== 'binary') return this.skip(cmd, SKIP_TEXT);
        const bytes = this.read(cmd);
        let m;
        try {
          m = decodeModule(bytes, { features: WASM2_FEATURES });
          // the decoder in full: function bodies are otherwise decoded lazily
          if (cmd.type === 'assert_malformed') {
            const ctx = codeContext(m);
            for (const f of m.funcs) readFunctionBody(ctx, m, f);
          }
        } catch (e) {
          if (e instanceof WasmError) return this.pass(cmd.type);
          return this.fail(cmd, `${cmd.filename}: weft crashed in decodeModule (want "${cmd.text}"): ${e.stack}`);
        }
        try {
          validateModule(m);
        } catch (e) {
          if (e instanceof WasmError) {
            if (cmd.type === 'assert_malformed') this.result.malformedInValidator.push(`${this.base}:${cmd.line} ${cmd.text}`);
            return this.pass(cmd.type);
          }
          return this.fail(cmd, `${cmd.filename}: weft crashed in validateModule (want "${cmd.text}"): ${e.stack}`);
        }
        return this.fail(cmd, `${cmd.filename}: weft accepted a module the spec says is ${cmd.type === 'assert_invalid' ? 'invalid' : 'malformed'} ("${cmd.text}")`);
      }
      case 'assert_trap':
        if (!cmd.action) return this.command({ ...cmd, type: 'assert_uninstantiable', countAs: 'assert_trap' }, i, cmds);
        if (opts.onlyRoundTrip) return this.skip(cmd, SKIP_ROUND_TRIP);
        return this.action(cmd, i, cmds);
      case 'assert_unlinkable':
      case 'assert_uninstantiable': {
        const c = this.compile(cmd, this.read(cmd));
        if (!c) return;
        if (opts.onlyRoundTrip) return this.pass(cmd.type, cmd);
        const want = cmd.type === 'assert_unlinkable' ? WebAssembly.LinkError : WebAssembly.RuntimeError;
        try {
          new WebAssembly.Instance(c.wmod, this.imports(c.wmod));
        } catch (e) {
          if (e instanceof want) {
            if (want === WebAssembly.RuntimeError && !trapMatches(cmd.text, e.message)) {
              return this.fail(cmd, `${cmd.filename}: instantiation trapped with "${e.message}", want "${cmd.text}"`);
            }
            return this.pass(cmd.type, cmd);
          }
          return this.fail(cmd, `${cmd.filename}: instantiation threw ${errText(e)}, want ${want.name} ("${cmd.text}")`);
        }
        return this.fail(cmd, `${cmd.filename}: instantiation succeeded, want ${want.name} ("${cmd.text}")`);
      }
      case 'action':
      case 'assert_return':
      case 'assert_exhaustion': {
        if (opts.onlyRoundTrip) return this.skip(cmd, SKIP_ROUND_TRIP);
        return this.action(cmd, i, cmds);
      }
      default:
        return this.fail(cmd, `unknown command type ${cmd.type}`);
    }
  }

  instanceOf(cmd) {
    const name = cmd.action.module;
    return name ? this.instances.get(name) : this.last;
  }

  sigOf(rec, field) {
    rec.sigs ??= exportSigs(rec.module);
    return rec.sigs.get(field);
  }

  /** Whether a command must run through a wrapper; null when it can use a direct JS call. */
  needsWrapper(cmd) {
    const a = cmd.action;
    if (a.type !== 'invoke') return false;
    const rec = this.instanceOf(cmd);
    if (!rec) return false;
    const sig = this.sigOf(rec, a.field);
    if (!sig) return false;
    if (sig.params.includes(VT.v128) || sig.results.includes(VT.v128)) return true;
    for (const v of a.args) if (isNaNValue(v)) return true;
    if (cmd.type === 'assert_return') for (const v of cmd.expected) if (isNaNValue(v)) return true;
    return false;
  }

  /** Builds the wrapper for the commands from `i` up to the next module command. */
  buildSegmentWrapper(i, cmds) {
    const entries = [];
    const problems = new Map();
    for (let j = i; j < cmds.length && cmds[j].type !== 'module'; j++) {
      const c = cmds[j];
      if (!('action' in c) || !this.needsWrapper(c)) continue;
      const rec = this.instanceOf(c);
      const entry = { id: j, fn: rec.instance.exports[c.action.field], sig: this.sigOf(rec, c.action.field), args: c.action.args };
      try {
        // check the entry alone so one unsupported value does not sink the whole segment
        const probe = [];
        entry.sig.params.forEach((t, k) => emitConst(probe, entry.args[k], t));
        for (const t of entry.sig.results) if (!STORE[t]) throw new Unsupported(`${VT_NAME[t]} result in a wrapper`);
        entries.push(entry);
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
        problems.set(j, e);
      }
    }
    try {
      const w = buildWrapper(entries);
      this.wrapper = { ...w, problems, error: null };
    } catch (e) {
      this.wrapper = { exports: null, dv: null, problems, error: e };
    }
  }

  action(cmd, i, cmds) {
    const a = cmd.action;
    const rec = this.instanceOf(cmd);
    if (!rec) return this.fail(cmd, `no instance ${a.module ?? '(last)'} for ${a.type} "${a.field}"`);
    const exp = rec.instance.exports[a.field];
    if (exp === undefined) return this.fail(cmd, `no export "${a.field}"`);

    let results; // { kind: 'js', values } | { kind: 'mem', dv, types }
    let thrown = null;
    if (a.type === 'get') {
      if (!(exp instanceof WebAssembly.Global)) return this.fail(cmd, `"${a.field}" is not a global`);
      try {
        results = { kind: 'js', values: [exp.value] };
      } catch (e) {
        return this.skip(cmd, `global of a type the JS API cannot read: ${e.message}`);
      }
    } else if (this.needsWrapper(cmd)) {
      if (!this.wrapper) this.buildSegmentWrapper(i, cmds);
      const w = this.wrapper;
      if (w.problems.has(i)) return this.skip(cmd, `not expressible in a wrapper: ${w.problems.get(i).message}`);
      if (w.error) return this.fail(cmd, `wrapper module failed: ${errText(w.error)}`);
      const fn = w.exports[`w${i}`];
      if (!fn) return this.fail(cmd, 'runner error: command missing from its wrapper');
      this.result.viaWrapper++;
      try {
        fn();
        results = { kind: 'mem', dv: w.dv, types: this.sigOf(rec, a.field).results };
      } catch (e) {
        thrown = e;
      }
    } else {
      if (typeof exp !== 'function') return this.fail(cmd, `"${a.field}" is not a function`);
      let args;
      try {
        args = a.args.map(toJS);
      } catch (e) {
        if (e instanceof Unsupported) return this.skip(cmd, e.message);
        throw e;
      }
      try {
        const r = exp(...args);
        const n = this.sigOf(rec, a.field)?.results.length ?? (r === undefined ? 0 : 1);
        results = { kind: 'js', values: n === 0 ? [] : n === 1 ? [r] : [...r] };
      } catch (e) {
        thrown = e;
      }
    }

    const where = `${a.field}(${a.args ? a.args.map(fmtVal).join(', ') : ''})`;
    switch (cmd.type) {
      case 'action':
        if (thrown) return this.fail(cmd, `${where} threw ${errText(thrown)}`);
        return this.pass(cmd.type);
      case 'assert_trap':
        if (thrown instanceof WebAssembly.RuntimeError) {
          if (!trapMatches(cmd.text, thrown.message)) return this.fail(cmd, `${where} trapped with "${thrown.message}", want "${cmd.text}"`);
          return this.pass(cmd.type);
        }
        if (thrown) return this.fail(cmd, `${where} threw ${errText(thrown)}, want a trap ("${cmd.text}")`);
        return this.fail(cmd, `${where} returned, want a trap ("${cmd.text}")`);
      case 'assert_exhaustion':
        if (thrown instanceof WebAssembly.RuntimeError || (thrown instanceof RangeError && /call stack/i.test(thrown.message))) {
          return this.pass(cmd.type);
        }
        if (thrown) return this.fail(cmd, `${where} threw ${errText(thrown)}, want exhaustion ("${cmd.text}")`);
        return this.fail(cmd, `${where} returned, want exhaustion ("${cmd.text}")`);
      case 'assert_return': {
        if (thrown) return this.fail(cmd, `${where} threw ${errText(thrown)}`);
        const want = cmd.expected;
        const got = results.kind === 'js' ? results.values.length : results.types.length;
        if (got !== want.length) return this.fail(cmd, `${where} returned ${got} values, want ${want.length}`);
        const errs = [];
        for (let k = 0; k < want.length; k++) {
          const err = results.kind === 'js'
            ? compareJS(results.values[k], want[k])
            : compareMem(results.dv, 16 * k, want[k], results.types[k]);
          if (err) errs.push(want.length > 1 ? `#${k}: ${err}` : err);
        }
        if (errs.length) return this.fail(cmd, `${where} = ${errs.join('; ')}`);
        return this.pass(cmd.type);
      }
    }
  }
}

function fmtVal(v) {
  if (v.type === 'v128') return `v128:${v.lane_type}[${v.value.join(' ')}]`;
  return `${v.type}:${v.value}`;
}

/** The suite's files: all of SPEC_DIR, or the named ones (paths, or names with or without .json). */
export function specFiles(names = []) {
  if (names.length === 0) {
    return readdirSync(SPEC_DIR).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(SPEC_DIR, f));
  }
  return names.map((n) => {
    if (n.includes('/')) return path.resolve(n);
    return path.join(SPEC_DIR, n.endsWith('.json') ? n : `${n}.json`);
  });
}

/**
 * Runs the suite. `level` (0|1|2|3|'s'|'z') and `passes` (names) choose the transformation;
 * at level 0 without passes every body is forced through the tree reader and writer.
 * `onlyRoundTrip` only puts modules through weft and V8's compiler (no instantiation, no
 * assertions). Returns { counts: {type: {passed, failed, skipped}}, failures, skipped,
 * malformedInValidator, files, ms }.
 */
export async function runSpec({ passes = [], level = 0, files = [], onlyRoundTrip = false, onFailure, onFile } = {}) {
  const opts = {
    resolved: resolvePasses({ level, passes }),
    roundTrip: level === 0 && passes.length === 0,
    onlyRoundTrip,
    onFailure,
  };
  const result = {
    counts: newCounts(), failures: [], skipped: [], malformedInValidator: [], files: 0, ms: 0,
    /** Calls run through a wrapper module; modules whose -O0 tree re-encoding is not byte-identical. */
    viaWrapper: 0, treeDiffers: 0,
  };
  opts.stats = result;
  const t0 = performance.now();
  for (const file of specFiles(files)) {
    const t1 = performance.now();
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const before = result.failures.length;
    new FileRun(file, opts, result).run(json.commands);
    result.files++;
    onFile?.({ file: path.basename(file), failures: result.failures.length - before, ms: performance.now() - t1 });
  }
  result.ms = performance.now() - t0;
  return result;
}

/** The summary as text: a table of counts per command type and the skip reasons. */
export function formatSummary(result) {
  const lines = [];
  const pad = (s, n) => String(s).padStart(n);
  lines.push(`${'command'.padEnd(24)}${pad('passed', 8)}${pad('failed', 8)}${pad('skipped', 9)}`);
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const t of COMMAND_TYPES) {
    const c = result.counts[t];
    if (c.passed + c.failed + c.skipped === 0) continue;
    lines.push(`${t.padEnd(24)}${pad(c.passed, 8)}${pad(c.failed, 8)}${pad(c.skipped, 9)}`);
    total.passed += c.passed;
    total.failed += c.failed;
    total.skipped += c.skipped;
  }
  lines.push(`${'total'.padEnd(24)}${pad(total.passed, 8)}${pad(total.failed, 8)}${pad(total.skipped, 9)}`);
  if (result.skipped.length) {
    lines.push('', 'skipped:');
    const groups = new Map();
    for (const s of result.skipped) {
      const k = `${s.type}: ${s.reason}`;
      const g = groups.get(k) ?? { n: 0, where: [] };
      g.n++;
      if (g.where.length < 5) g.where.push(`${s.file}:${s.line}`);
      groups.set(k, g);
    }
    for (const [k, g] of groups) {
      const more = g.n > g.where.length ? ', ...' : '';
      lines.push(`  ${pad(g.n, 6)}  ${k}  [${g.where.join(', ')}${more}]`);
    }
  }
  if (result.malformedInValidator.length) {
    lines.push('', `note: ${result.malformedInValidator.length} binary assert_malformed modules were rejected by validateModule ` +
      '(function bodies are decoded lazily), not by decodeModule.');
  }
  lines.push('', `${result.viaWrapper} calls ran through wrapper modules (v128 or NaN values).`);
  if (result.treeDiffers) lines.push(`${result.treeDiffers} modules came out of the -O0 tree round trip with bytes different from the input (valid, not byte-identical).`);
  lines.push('', `${result.files} files in ${(result.ms / 1000).toFixed(1)}s`);
  return lines.join('\n');
}

async function main(argv) {
  let level = 0;
  let passes = [];
  let onlyRoundTrip = false;
  let verbose = false;
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (/^-O.$/.test(a)) level = parseLevel(a.slice(2));
    else if (a === '--passes') passes = argv[++i].split(',').filter(Boolean);
    else if (a.startsWith('--passes=')) passes = a.slice(9).split(',').filter(Boolean);
    else if (a === '--round-trip') onlyRoundTrip = true;
    else if (a === '-v' || a === '--verbose') verbose = true;
    else if (a === '-h' || a === '--help') {
      console.log('usage: node scripts/spec.js [-O0|-O1|-O2|-O3|-Os|-Oz] [--passes a,b] [--round-trip] [-v] [file.json|name ...]');
      return 0;
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else files.push(a);
  }
  const perFile = new Map();
  const result = await runSpec({
    level, passes, files, onlyRoundTrip,
    onFailure: (f) => {
      const n = perFile.get(f.file) ?? 0;
      perFile.set(f.file, n + 1);
      if (verbose || n < 10) console.log(`FAIL ${f.file}:${f.line} ${f.type}: ${f.message}`);
      else if (n === 10) console.log(`FAIL ${f.file}: ... more failures (use -v)`);
    },
    onFile: verbose ? (f) => console.log(`${f.failures ? 'FAIL' : 'ok  '} ${f.file} (${f.ms.toFixed(0)} ms)`) : undefined,
  });
  if (perFile.size) {
    console.log('\nfailures per file:');
    for (const [f, n] of perFile) console.log(`  ${String(n).padStart(6)}  ${f}`);
  }
  console.log(`\nspec suite, ${passes.length ? `passes ${passes.join(',')}, ` : ''}-O${level}${onlyRoundTrip ? ', round trip only' : ''}\n`);
  console.log(formatSummary(result));
  return result.failures.length ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, (e) => {
    console.error(/^unknown (pass|option|optimization level)/.test(e.message) ? `spec: ${e.message}` : e.stack ?? String(e));
    process.exitCode = 2;
  });
}
