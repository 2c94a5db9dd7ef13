#!/usr/bin/env node
// The `weft` command: a shim over the compiled CLI (dist/cli/main.js, built by `npm run build`).
try {
  const { run } = await import('../dist/cli/main.js');
  run();
} catch (e) {
  const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
  process.stderr.write(`weft: internal error: cannot load weft (${msg}); run 'npm run build'\n`);
  process.exitCode = 1;
}
