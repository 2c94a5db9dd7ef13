// The pass registry: every pass declares itself here, once. `weft passes`, `--help` and the
// pipelines are generated from this list.

import type { Module, Func } from '../ir/module.js';
import type { PassContext } from './context.js';
import { precompute } from './precompute.js';
import { optimizeInstructions } from './optimize-instructions.js';
import { dce } from './dce.js';
import { vacuum } from './vacuum.js';
import { mergeBlocks } from './merge-blocks.js';
import { removeUnusedBrs } from './remove-unused-brs.js';
import { deadLocals } from './dead-locals.js';
import { reorderLocals } from './reorder-locals.js';
import { deadFunctions } from './dead-functions.js';
import { constantGlobals } from './constant-globals.js';
import { simplifyLocals } from './simplify-locals.js';
import { redundantSetElimination } from './redundant-set-elimination.js';
import { localCse } from './local-cse.js';
import { inline } from './inline.js';
import { inlineSettle } from './inline-settle.js';
import { duplicateFunctions } from './duplicate-functions.js';
import { storeForwarding } from './store-forwarding.js';
import { stackSroa } from './stack-sroa.js';
import { promoteLocals } from './promote-locals.js';
import { unpopPass } from './unpop.js';
import { coalesceLocals } from './coalesce-locals.js';
import { constHoist } from './const-hoist.js';
import { seamSroa } from './seam-sroa.js';
import { narrowLocal } from './narrow-local.js';
import { foldIfHeads } from './fold-if-heads.js';
import { deadTablesGlobals } from './dead-tables-globals.js';
import { deadArguments } from './dead-arguments.js';
import { mergeSimilarFunctions } from './merge-similar-functions.js';
import { lowerBrTable } from './lower-br-table.js';

export interface FunctionPass {
  name: string;
  description: string;
  scope: 'function';
  /**
   * The pass reads nothing but the function's body, its signature and locals, and the options
   * (no other function, no module table that a module pass may change): a run that changed
   * nothing changes nothing again until the function changes, so the runner skips it then
   * (optimize.ts, `runPasses`).
   */
  bodyLocal?: boolean;
  /**
   * Computes the module facts (`PassContext.groupFact`) the pass reads, at the start of each
   * group of function passes it is in, before any function of the group changes: then every
   * function sees the same facts, whichever thread runs it (parallel.ts).
   */
  prepare?(cx: PassContext): void;
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
  optimizeInstructions,
  dce,
  vacuum,
  mergeBlocks,
  removeUnusedBrs,
  deadLocals,
  reorderLocals,
  deadFunctions, duplicateFunctions, constantGlobals,
  simplifyLocals,
  redundantSetElimination,
  localCse,
  inline,
  inlineSettle,
  storeForwarding,
  stackSroa,
  promoteLocals,
  unpopPass,
  coalesceLocals,
  constHoist,
  seamSroa,
  narrowLocal,
  foldIfHeads,
  deadTablesGlobals,
  deadArguments,
  mergeSimilarFunctions,
  lowerBrTable,
];

export function findPass(name: string): Pass | undefined {
  return PASSES.find((p) => p.name === name);
}
