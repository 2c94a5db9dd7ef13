// Compiles and instantiates one module so that V8 prints its code:
//   node --liftoff --no-wasm-tier-up --no-wasm-lazy-compilation --print-wasm-code bench/liftoff-loader.js m.wasm
// (also under ../shared/tools/arm-node, a 32-bit ARM node). Every function is compiled when the
// module is (no lazy compilation), so the printout is complete even if instantiation fails;
// imports get stubs built from WebAssembly.Module.imports (functions return 0, memories and
// tables start at the smallest size that may fit, globals are i32 zeros), and a failing
// instantiation (a start function that traps, limits the stubs do not meet) is ignored.
// Used by bench/liftoff.js.

import { readFileSync } from 'node:fs';

const m = new WebAssembly.Module(readFileSync(process.argv[2]));
const imports = {};
for (const imp of WebAssembly.Module.imports(m)) {
  const ns = (imports[imp.module] ??= {});
  switch (imp.kind) {
    case 'function': ns[imp.name] = () => 0; break;
    case 'memory': ns[imp.name] = new WebAssembly.Memory({ initial: 1 }); break;
    case 'table': ns[imp.name] = new WebAssembly.Table({ initial: 1, element: 'anyfunc' }); break;
    case 'global': ns[imp.name] = new WebAssembly.Global({ value: 'i32', mutable: false }, 0); break;
  }
}
try {
  new WebAssembly.Instance(m, imports);
} catch {
  // the code is printed at compile time; an instance is a courtesy
}
