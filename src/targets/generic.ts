// The `generic` target: an abstract machine where every immediate is free and every wasm
// instruction costs one (structure and `drop`/`nop` nothing), 64-bit registers. It is the
// default: `weft cost --target generic` is close to a plain instruction count, and passes
// that tune for a core (const-hoist) do nothing under it.

import type { Target } from './index.js';

export const generic: Target = {
  name: 'generic',
  title: 'abstract 64-bit machine: immediates are free, one unit per wasm instruction',
  materialize: () => 0,
  fits: () => true,
  fitsMem: () => true,
  params: {
    localGet: 1, localSet: 1, localInit: 0, call: 1, callSlot: 0, callIndirect: 0, wordBits: 64, addressing: 'free',
  },
  ops: { block: 0, loop: 0, nop: 0, drop: 0, else: 0, cond: 0 },
  defaultOp: 1,
};
