// Lit-style pass tests (see scripts/lit.js): each test/passes/<pass>.wat must equal its
// regenerated form, and every function must behave the same before and after the passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { after as afterAll } from 'node:test';
import { litFiles, runLitFile } from '../scripts/lit.js';
import { differential, formatReport, shutdownDifferential } from '../dist/verify/differential.js';

afterAll(() => shutdownDifferential());

for (const file of litFiles()) {
  test(`lit ${path.basename(file)}`, async () => {
    const { expected, actual, before, after } = await runLitFile(file);
    assert.equal(actual, expected, `${file} is stale: run npm run update-tests and review the diff`);
    const report = await differential(before, after, { runs: 30 });
    assert.ok(report.runs > 0, 'the oracle ran nothing');
    assert.ok(report.equivalent, `${path.basename(file)}: output differs from input:\n${formatReport(report)}`);
  });
}
