// weft's library entry.

export { optimize, runPasses, resolvePasses, type OptimizeOptions, type OptimizeResult, type OptimizeStats, type PassStats } from './optimize.js';
export { decodeModule, type DecodeOptions } from './binary/decode.js';
export { encodeModule, encodeModuleWithInfo } from './binary/encode.js';
export { WasmError } from './binary/reader.js';
export { validateModule, validateFunction } from './verify/validate.js';
export { Module, Func, DEFAULT_FEATURES, WASM2_FEATURES, type Features } from './ir/module.js';
export { Expr } from './ir/expr.js';
export { codeContext, readFunctionBody } from './binary/code-reader.js';
export { OPS, O, op, opInfo } from './ir/opcodes.js';
export { PassContext } from './passes/context.js';
export { PASSES } from './passes/registry.js';
export { pipeline, parseLevel, type Level } from './passes/pipeline.js';
