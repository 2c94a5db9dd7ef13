// Lit-style pass tests (see scripts/lit.js): each test/passes/<pass>.wat must equal its
// regenerated form, and every function must behave the same before and after the passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { litFiles, runLitFile } from '../scripts/lit.js';

for (const file of litFiles()) {
  test(`lit ${path.basename(file)}`, async () => {
    const { expected, actual } = await runLitFile(file);
    assert.equal(actual, expected, `${file} is stale: run npm run update-tests and review the diff`);
  });
}
