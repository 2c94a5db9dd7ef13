// The few pieces of the WebAssembly JS API the differential runner and the fuzzer use, typed
// locally: the project compiles against lib ES2022 (no DOM), which does not declare them, and a
// local typing avoids a global declaration that could clash with another file's.

export interface WasmModuleObject {
  readonly __wasmModule?: never;
}

export interface WasmInstanceObject {
  readonly exports: Record<string, unknown>;
}

export interface WasmMemoryObject {
  readonly buffer: ArrayBuffer;
}

export interface WasmGlobalObject {
  value: unknown;
}

export interface WasmTableObject {
  readonly length: number;
  get(i: number): unknown;
}

export interface WasmImportDescriptor {
  module: string;
  name: string;
  kind: 'function' | 'table' | 'memory' | 'global' | 'tag';
}

export interface WasmExportDescriptor {
  name: string;
  kind: 'function' | 'table' | 'memory' | 'global' | 'tag';
}

export interface WasmApi {
  Module: {
    new (bytes: Uint8Array): WasmModuleObject;
    imports(m: WasmModuleObject): WasmImportDescriptor[];
    exports(m: WasmModuleObject): WasmExportDescriptor[];
  };
  Instance: new (m: WasmModuleObject, imports: Record<string, Record<string, unknown>>) => WasmInstanceObject;
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemoryObject;
  Table: new (d: { element: string; initial: number; maximum?: number }) => WasmTableObject;
  Global: new (d: { value: string; mutable: boolean }, v?: unknown) => WasmGlobalObject;
  RuntimeError: new (...a: unknown[]) => Error;
  CompileError: new (...a: unknown[]) => Error;
  LinkError: new (...a: unknown[]) => Error;
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<WasmModuleObject>;
}

export const WA: WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
