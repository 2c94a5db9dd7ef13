// The pass registry: every pass declares itself here, once. `weft passes`, `--help` and the
// pipelines are generated from this list.

import type { Module, Func } from '../ir/module.js';
import type { PassContext } from './context.js';
import { precompute } from './precompute.js';

export interface FunctionPass {
  name: string;
  description: string;
  scope: 'function';
  /** Rewrites one function; returns true when it changed it. */
  run(cx: PassContext, f: Func): boolean;
}

export interface ModulePass {
  name: string;
  description: string;
  scope: 'module';
  /** Rewrites the module; returns true when it changed anything. */
  run(cx: PassContext, m: Module): boolean;
}

export type Pass = FunctionPass | ModulePass;

/** All registered passes, in the order `weft passes` lists them. */
export const PASSES: Pass[] = [
  precompute,
];

export function findPass(name: string): Pass | undefined {
  return PASSES.find((p) => p.name === name);
}
