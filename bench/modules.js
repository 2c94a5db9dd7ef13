// The large real modules the benches use, found at run time in node_modules (shipped by npm
// packages that are devDependencies): esbuild-wasm's esbuild.wasm (Go), z3-solver's
// z3-built.wasm (C++, emscripten with pthreads), the wasm-tools core module that
// @bytecodealliance/jco ships through @bytecodealliance/jco-transpile (Rust).

import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Directory of package `name` as node would resolve it from `from` (ignores `exports` maps). */
export function pkgDir(name, from = root) {
  for (let d = from; ; d = dirname(d)) {
    const p = join(d, 'node_modules', name);
    if (existsSync(join(p, 'package.json'))) return p;
    if (dirname(d) === d) return null;
  }
}

/** Depth-first search for a file called `file` under `dir`; the largest match wins. */
function findFile(dir, file, depth = 8) {
  let best = null;
  const walk = (d, n) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isFile() && e.name === file) {
        if (!best || statSync(p).size > statSync(best).size) best = p;
      } else if (e.isDirectory() && n > 0) walk(p, n - 1);
    }
  };
  if (dir) walk(dir, depth);
  return best;
}

function locate(pkg, file, alsoIn = []) {
  const dirs = [pkgDir(pkg)];
  // A file shipped by a dependency of `pkg` (nested or hoisted).
  for (const dep of alsoIn) dirs.push(pkgDir(dep, dirs[0] ?? root));
  for (const d of dirs) {
    const f = findFile(d, file);
    if (f) return f;
  }
  return null;
}


export const LARGE_MODULES = [
  { name: 'esbuild.wasm', path: locate('esbuild-wasm', 'esbuild.wasm') },
  { name: 'z3-built.wasm', path: locate('z3-solver', 'z3-built.wasm') },
  {
    name: 'wasm-tools.core.wasm',
    path: locate('@bytecodealliance/jco', 'wasm-tools.core.wasm', ['@bytecodealliance/jco-transpile']),
  },
];
