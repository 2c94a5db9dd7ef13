// Measuring a child process: whole-process wall time and peak RSS, shared by the benches.
// Peak RSS comes from GNU time (`/usr/bin/time -f '%e %M'`) when present, else from a
// `--require` hook that writes `process.resourceUsage().maxRSS` at exit (both tools measured
// are node processes, and the two methods agree).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function probeTime(p) {
  const r = spawnSync(p, ['-f', '%e %M', 'true'], { encoding: 'utf8' });
  return r.status === 0 && /^\d+\.\d+ \d+\s*$/m.test(r.stderr);
}

/** Returns { measure(nodeArgs) -> { ms, rssKB, status, stdout, stderr }, TIME } using `work` for scratch files. */
export function makeMeasurer(work) {
  const TIME = process.env.WEFT_BENCH_NO_TIME ? null
    : ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p) && probeTime(p)) ?? null;
  const RSS_HOOK = join(work, 'rss-hook.cjs');
  writeFileSync(RSS_HOOK, `process.on('exit', () => {
  require('fs').writeFileSync(process.env.WEFT_BENCH_RSS, String(process.resourceUsage().maxRSS));
});\n`);
  /**
   * Runs `node <args>` in a child process. Returns { ms, rssKB, status, stdout, stderr }:
   * whole-process wall time and peak RSS in KiB.
   */
  function measure(nodeArgs) {
    const stats = join(work, 'stats.txt');
    rmSync(stats, { force: true });
    let cmd;
    let args;
    const env = { ...process.env };
    if (TIME) {
      cmd = TIME;
      args = ['-f', '%e %M', '-o', stats, process.execPath, ...nodeArgs];
    } else {
      cmd = process.execPath;
      args = ['--require', RSS_HOOK, ...nodeArgs];
      env.WEFT_BENCH_RSS = stats;
    }
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 64 << 20 });
    const ms = performance.now() - t0;
    let rssKB = NaN;
    if (existsSync(stats)) {
      const txt = readFileSync(stats, 'utf8').trim().split('\n').pop();
      rssKB = Number(TIME ? txt.split(' ')[1] : txt);
    }
    return { ms, rssKB, status: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  return { measure, TIME };
}
