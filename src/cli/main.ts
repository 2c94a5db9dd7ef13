// The `weft` command line: optimize, stats, cost, passes.
//
// Exit status: 0 success; 1 bad input or any other failure, reported as one line
// `weft: <file>: <message>` (with `(at offset 0x..)` for binary format/validation errors);
// 2 usage errors (unknown command or option, missing -o, unknown pass or level). No stack
// trace is ever printed. The output file is written to a temporary file next to it and
// renamed into place, so a failed run leaves no output file behind.

import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { decodeModule } from '../binary/decode.js';
import { WasmError } from '../binary/reader.js';
import { optimize, type OptimizeStats } from '../optimize.js';
import { parseLevel, pipeline, type Level } from '../passes/pipeline.js';
import { findPass, PASSES } from '../passes/registry.js';
import { formatStats, moduleStats } from '../stats.js';
import { compareCosts, formatComparison, formatCost, moduleCost } from '../cost.js';
import { getTarget, TARGET_NAMES } from '../targets/index.js';
import { WatError, wasmToWat, watToWasm } from '../text/wat.js';
import { validateModule } from '../verify/validate.js';
import { differential, shutdownDifferential } from '../verify/differential.js';
import { formatVerification, shutdownZ3 } from '../verify/translation-validation.js';

const LEVELS: Level[] = [0, 1, 2, 3, 's', 'z'];

/** A usage error: exit status 2. */
class UsageError extends Error {}

/** A failure tied to a file: exit status 1, printed as `weft: <file>: <message>`. */
class FileError extends Error {
  constructor(readonly file: string, readonly reason: unknown) {
    super(describe(reason));
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/** The one-line message for an error (without the file). */
function describe(e: unknown): string {
  if (e instanceof WasmError) return `${oneLine(e.message)} (at offset 0x${e.offset.toString(16)})`;
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    switch (code) {
      case 'ENOENT': return 'no such file';
      case 'EISDIR': return 'is a directory';
      case 'EACCES':
      case 'EPERM': return 'permission denied';
      case 'ENOTDIR': return 'not a directory';
    }
    if (e instanceof RangeError && /call stack/i.test(e.message)) return 'internal error: stack overflow';
    return oneLine(e.message) || e.name;
  }
  return oneLine(String(e));
}

function errorLine(e: unknown): string {
  if (e instanceof FileError) {
    const c = e.reason;
    if (c instanceof WatError && c.line > 0) return `weft: ${e.file}:${c.line}:${c.column}: ${oneLine(c.message)}`;
    return `weft: ${e.file}: ${e.message}`;
  }
  if (e instanceof UsageError) return `weft: ${oneLine(e.message)}`;
  return `weft: ${describe(e)}`;
}

// ---- input and output ---------------------------------------------------------------------

function hasMagic(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x00 && b[1] === 0x61 && b[2] === 0x73 && b[3] === 0x6d;
}

/** Reads a binary module, or assembles a `.wat`/`.wast` text file; failures are FileErrors. */
export async function loadInput(file: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new FileError(file, e);
  }
  if (hasMagic(bytes)) return bytes;
  const ext = extname(file).toLowerCase();
  if (ext === '.wat' || ext === '.wast') {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new FileError(file, new Error('not valid UTF-8 text (and not a WebAssembly binary)'));
    }
    try {
      return await watToWasm(text, basename(file));
    } catch (e) {
      throw new FileError(file, e);
    }
  }
  if (bytes.length === 0) throw new FileError(file, new Error('not a WebAssembly binary (file is empty)'));
  throw new FileError(file, new Error('not a WebAssembly binary (magic header not detected)'));
}

const pendingTemps = new Set<string>();

/** Writes `data` to `file` through a temporary file in the same directory and a rename. */
async function writeAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = join(dirname(resolve(file)), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  pendingTemps.add(tmp);
  try {
    await writeFile(tmp, data, { flag: 'wx' });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileError(file, code === 'ENOENT' ? new Error('cannot write (no such directory)') : e);
  } finally {
    pendingTemps.delete(tmp);
  }
}

function err(s: string): void {
  process.stderr.write(s + '\n');
}

function out(s: string): void {
  process.stdout.write(s);
}

// ---- commands -----------------------------------------------------------------------------

interface OptimizeFlags {
  output: string;
  level: Level;
  passes?: string[];
  target?: string;
  wat?: boolean;
  stats?: boolean;
  json?: boolean;
  inlineMaxSize?: number;
  inlineFunctions?: string[];
  assumePrivateStack?: boolean;
  stackPointerGlobal?: string;
  differential?: boolean;
  verify?: boolean | 'strict';
  verifyTimeout?: number;
  verbose?: boolean;
  jobs?: number;
}

async function cmdOptimize(input: string, flags: OptimizeFlags): Promise<void> {
  const passes = flags.passes ?? [];
  for (const p of passes) {
    if (!findPass(p)) throw new UsageError(`unknown pass '${p}' (see 'weft passes')`);
  }
  const bytes = await loadInput(input);
  let result;
  try {
    result = await optimize(bytes, {
      level: flags.level, passes, target: flags.target,
      inlineMaxSize: flags.inlineMaxSize, inlineFunctions: flags.inlineFunctions,
      assumePrivateStack: flags.assumePrivateStack, stackPointerGlobal: flags.stackPointerGlobal,
      verify: flags.verify, verifyTimeoutMs: flags.verifyTimeout,
      verifyLog: flags.verbose ? err : undefined, jobs: flags.jobs,
    });
  } catch (e) {
    throw new FileError(input, e);
  } finally {
    if (flags.verify) await shutdownZ3(); // z3-solver's worker threads
  }
  if (flags.differential) {
    // run input and output side by side in V8; refuse to write an output that behaves differently
    const report = await differential(bytes, result.binary, { runs: 100 });
    await shutdownDifferential();
    if (!report.equivalent) {
      const d = report.divergences[0];
      throw new FileError(input, new Error(`differential check failed, no output written: ${d.export}(${d.args}): ` +
        `${d.what} ${d.before} before, ${d.after} after (${report.divergences.length} divergence(s))`));
    }
    err(`differential: equivalent over ${report.runs} runs${report.skipped.length ? ` (${report.skipped.length} exports skipped)` : ''}`);
  }
  let data: Uint8Array | string = result.binary;
  if (flags.wat) {
    try {
      data = await wasmToWat(result.binary);
    } catch (e) {
      throw new FileError(flags.output, e);
    }
  }
  await writeAtomic(flags.output, data);
  if (flags.stats) out(formatPassStats(result.stats, bytes.length, result.binary.length, !!flags.json));
}

function formatPassStats(s: OptimizeStats, inSize: number, outSize: number, json: boolean): string {
  if (json) {
    return JSON.stringify({ inputBytes: inSize, outputBytes: outSize, ...s }, null, 2) + '\n';
  }
  const lines: string[] = [];
  if (s.passes.length === 0) lines.push('no passes ran');
  else {
    const v = s.verification !== undefined;
    const header = ['pass', 'changed', 'instrs before', 'instrs after', 'ms', ...(v ? ['proven', 'reverted', 'unverified', 'verify ms'] : [])];
    const rows = s.passes.map((p) => [p.name, String(p.changed), String(p.instrsBefore), String(p.instrsAfter), p.ms.toFixed(1),
      ...(v ? [String(p.proven), String(p.reverted), String(p.unverified), p.verifyMs.toFixed(1)] : [])]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    lines.push(line(header));
    for (const r of rows) lines.push(line(r));
  }
  if (s.verification !== undefined) lines.push(...formatVerification(s.verification));
  lines.push(`size: ${inSize} -> ${outSize} bytes`);
  lines.push(`dropped debug sections: ${s.droppedDebugSections.length > 0 ? s.droppedDebugSections.join(', ') : 'none'}`);
  return lines.join('\n') + '\n';
}

async function cmdStats(input: string, flags: { json?: boolean }): Promise<void> {
  const bytes = await loadInput(input);
  let text: string;
  try {
    const m = decodeModule(bytes);
    validateModule(m);
    text = formatStats(moduleStats(m), !!flags.json);
  } catch (e) {
    throw new FileError(input, e);
  }
  out(text);
}

async function cmdCost(input: string, flags: { target: string; json?: boolean; compare?: string }): Promise<void> {
  const target = getTarget(flags.target);
  const measure = async (file: string) => {
    const bytes = await loadInput(file);
    try {
      const m = decodeModule(bytes);
      validateModule(m);
      return moduleCost(m, target);
    } catch (e) {
      throw new FileError(file, e);
    }
  };
  const before = await measure(input);
  if (flags.compare === undefined) {
    out(formatCost(before, target, !!flags.json));
    return;
  }
  const after = await measure(flags.compare);
  out(formatComparison(compareCosts(before, after), target, !!flags.json));
}

function cmdPasses(): void {
  const lines: string[] = [];
  if (PASSES.length === 0) lines.push('No passes are registered yet: every -O level currently runs nothing.');
  else {
    lines.push('Passes:');
    const w = Math.max(...PASSES.map((p) => p.name.length));
    for (const p of PASSES) lines.push(`  ${p.name.padEnd(w)}  ${p.description}`);
  }
  lines.push('');
  lines.push('Pipelines:');
  for (const l of LEVELS) {
    const names = pipeline(l);
    lines.push(`  -O${l}  ${names.length > 0 ? names.join(', ') : '(no passes)'}`);
  }
  out(lines.join('\n') + '\n');
}

// ---- argument parsing ---------------------------------------------------------------------

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function levelArg(v: string): Level {
  try {
    return parseLevel(v);
  } catch {
    throw new InvalidArgumentError(`use one of -O0, -O1, -O2, -O3, -Os, -Oz.`);
  }
}

function sizeArg(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('expected a non-negative integer.');
  return Number(v);
}

function jobsArg(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('expected a positive integer.');
  return Number(v);
}

function targetArg(v: string): string {
  if (!(TARGET_NAMES as readonly string[]).includes(v)) throw new InvalidArgumentError(`use one of ${TARGET_NAMES.join(', ')}.`);
  return v;
}

function verifyArg(v: string): 'strict' {
  if (v !== 'strict') throw new InvalidArgumentError('use --verify or --verify=strict.');
  return v;
}

function passListArg(v: string): string[] {
  return v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function program(): Command {
  const p = new Command('weft');
  p.exitOverride();
  p.configureOutput({
    outputError: (s, write) => write(`weft: ${oneLine(s.replace(/^error: /, ''))}\n`),
  });
  p.description('A WebAssembly optimizer for naive AOT backends on 32-bit cores.')
    .version(version(), '-V, --version', 'print the version');

  p.command('optimize')
    .description('optimize a module (binary .wasm, or text .wat/.wast)')
    .argument('<input>', 'input module: .wasm, or .wat/.wast text')
    .requiredOption('-o, --output <file>', 'output file (written only on success)')
    .addOption(new Option('-O, --level <level>', 'optimization level: -O0, -O1, -O2, -O3, -Os, -Oz')
      .argParser(levelArg).default(0 as Level, '0'))
    .option('--passes <list>', 'comma-separated passes to run after the level\'s pipeline (see \'weft passes\')', passListArg)
    .option('--target <name>', `target cost model the passes tune for: ${TARGET_NAMES.join(', ')}`, targetArg, 'generic')
    .option('--inline-max-size <n>', 'inline: callees of at most n instructions are inlined at every call site', sizeArg)
    .option('--inline-functions <list>', 'inline: comma-separated callees (names or function indices) inlined at every call site', passListArg)
    .option('--assume-private-stack', 'stack-sroa: assume shadow-stack frames are private (see README): remove unread frame stores and empty frames')
    .option('--stack-pointer-global <sp>', 'stack-sroa: the stack-pointer global, by name or index (default: the global named __stack_pointer)')
    .option('--differential', 'run input and output in V8 on the same inputs; write nothing if they differ')
    .option('--verify [mode]', 'prove every change of every pass with Z3 (translation validation); a disproven change is reverted, ' +
      'one that cannot be proven (loops, timeouts, outside the model) is kept and counted unverified; ' +
      '--verify=strict reverts those too', verifyArg)
    .option('--verify-timeout <ms>', 'with --verify: time limit of one function\'s proof (default 2000)', sizeArg)
    .option('--verbose', 'with --verify: print each verified change, and the inputs that distinguish a disproven one')
    .option('--jobs <n>', 'threads for function passes on modules with over 256 KiB of code (default: the cores, at most 4); ' +
      'the output does not depend on it', jobsArg)
    .option('--wat', 'write the output as WebAssembly text instead of binary')
    .option('--stats', 'print per-pass statistics (with --verify: proven/reverted/unverified, and per function) and the dropped .debug_* sections')
    .option('--json', 'with --stats: print the statistics as JSON')
    .addHelpText('after', '\nExamples:\n  weft optimize in.wasm -o out.wasm -O2\n  weft optimize in.wat -o out.wat --wat --stats\n  weft passes')
    .action((input: string, flags: OptimizeFlags) => cmdOptimize(input, flags));

  p.command('stats')
    .description('print per-function instruction statistics')
    .argument('<input>', 'input module: .wasm, or .wat/.wast text')
    .option('--json', 'print JSON instead of a table')
    .action((input: string, flags: { json?: boolean }) => cmdStats(input, flags));

  p.command('cost')
    .description('estimate per-function naive-backend instruction cost under a target model')
    .argument('<input>', 'input module: .wasm, or .wat/.wast text')
    .option('--target <name>', `target cost model: ${TARGET_NAMES.join(', ')}`, targetArg, 'generic')
    .option('--compare <file>', 'an optimized version of the input: print the per-function delta')
    .option('--json', 'print JSON instead of a table')
    .addHelpText('after', '\nExamples:\n  weft cost in.wasm --target thumbv7em\n  weft cost in.wasm --target rv32imac --compare out.wasm')
    .action((input: string, flags: { target: string; json?: boolean; compare?: string }) => cmdCost(input, flags));

  p.command('passes')
    .description('list the registered passes and the -O pipelines')
    .action(() => cmdPasses());

  return p;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      return 2; // commander printed the message (or the help, when no command was given)
    }
    process.stderr.write(errorLine(e) + '\n');
    return e instanceof UsageError ? 2 : 1;
  }
}

/** Entry point of bin/weft.js: never prints a stack trace. */
export function run(): void {
  const die = (e: unknown) => {
    try {
      process.stderr.write(`weft: internal error: ${describe(e)}\n`);
    } finally {
      process.exit(1);
    }
  };
  process.on('uncaughtException', die);
  process.on('unhandledRejection', die);
  process.on('exit', () => {
    for (const t of pendingTemps) rmSync(t, { force: true });
  });
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    die(e);
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, die);
}
