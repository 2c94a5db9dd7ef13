// The WebAssembly 2.0 spec suite at -O0 (see scripts/spec.js): every module through weft's
// decoder, validator, tree reader and writer and encoder, then run in V8 against the suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSpec, formatSummary } from '../scripts/spec.js';

test('spec suite at -O0: no failures', { timeout: 180_000 }, async () => {
  const r = await runSpec({ level: 0 });
  const shown = r.failures.slice(0, 20).map((f) => `${f.file}:${f.line} ${f.type}: ${f.message.split('\n')[0]}`);
  assert.equal(r.failures.length, 0, `${r.failures.length} failures:\n${shown.join('\n')}\n\n${formatSummary(r)}`);
  assert.ok(r.files > 100, `only ${r.files} spec files found`);
  for (const [type, c] of Object.entries(r.counts)) {
    if (c.passed + c.failed + c.skipped > 0 && type !== 'register') {
      assert.ok(c.passed > 0, `no ${type} command passed`);
    }
  }
  for (const type of ['module', 'assert_return', 'assert_trap', 'assert_exhaustion', 'assert_malformed',
    'assert_invalid', 'assert_unlinkable', 'assert_uninstantiable', 'action']) {
    assert.ok(r.counts[type].passed > 0, `no ${type} command passed`);
  }
  // only text-format malformed modules may be skipped
  const other = r.skipped.filter((s) => !(s.type === 'assert_malformed' && /text format/.test(s.reason)));
  assert.deepEqual(other.map((s) => `${s.file}:${s.line} ${s.type}: ${s.reason}`), []);
});
