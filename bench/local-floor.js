// The floor of local.get/set/tee for the code as it is (issue 7): per function, the local
// accesses are grouped into webs (sets and the gets they reach, per the local graph), and each
// web gets a lower bound: a parameter read k times needs k gets; a value used k > 1 times needs
// k ops (a tee and k-1 gets); a value used once needs none if it could stay on the stack; a
// loop-carried value needs all its ops. What a web has above its floor is printed with the
// instructions between its set and its get, so one can see why it is not stack flow.
//
// Usage: weft optimize x.wasm -O3 -o out.wasm; node bench/local-floor.js out.wasm... [-v]
// (measured on the gale corpus after -O3, 2026-11-25: ops 269, floor 237; see BENCHMARKS.md)
import fs from 'node:fs';
const D = new URL('../dist/', import.meta.url).href;
const { decodeModule, PassContext, O, OPS } = await import(D + 'index.js');
const { LocalGraph, ENTRY } = await import(D + 'analysis/local-graph.js');
const verbose = process.argv.includes('-v');
const files = process.argv.slice(2).filter(a => !a.startsWith('-'));
let TOT = { ops: 0, floor: 0, cls: {} };
const isLocal = (e) => e.op === O.local_get || e.op === O.local_set || e.op === O.local_tee;
for (const file of files) {
  const m = decodeModule(new Uint8Array(fs.readFileSync(file)));
  const cx = new PassContext(m, { target: 'generic' });
  let fileOps = 0, fileFloor = 0;
  for (const f of m.funcs) {
    
    let body; try { body = cx.body(f); } catch { continue; }
    if (!body) continue;
    const ftype = m.types[f.type];
    const np = ftype.params.length;
    const lg = new LocalGraph(body, { numLocals: m.localTypes(f).length, numParams: np });
    // linearize: emit instructions in order, with structure path
    const seq = []; // {e, path:[labels], kind}
    const pos = new Map();
    const path = [];
    // iterative emission
    const work = [{ e: body, ph: 0 }];
    while (work.length) {
      const w = work.pop();
      const e = w.e;
      if (w.ph === 0) {
        w.ph = 1; work.push(w);
        for (let i = e.kids.length - 1; i >= 0; i--) work.push({ e: e.kids[i], ph: 0 });
        continue;
      }
      if (w.ph === 1) {
        if (e.op === O.block || e.op === O.loop || e.op === O.if) {
          seq.push({ e, mark: 'open', depth: path.length }); path.push(e);
          w.ph = 2; work.push(w);
          if (e.alt) { work.push({ mark: 'else', e, ph: 3, alt: true }); }
          for (let i = e.body.length - 1; i >= 0; i--) work.push({ e: e.body[i], ph: 0 });
          continue;
        }
        pos.set(e, seq.length); seq.push({ e, path: path.slice() });
        continue;
      }
      if (w.ph === 3) { // else
        seq.push({ e, mark: 'else', depth: path.length });
        // push alt items before end (end already pushed below us)
        for (let i = e.alt.length - 1; i >= 0; i--) work.push({ e: e.alt[i], ph: 0 });
        continue;
      }
      if (w.ph === 2) { path.pop(); seq.push({ e, mark: 'end', depth: path.length }); continue; }
    }
    // webs: union-find over sets, gets, entries (entry per local)
    const parent = new Map();
    const find = (x) => { while (parent.get(x) !== x) { parent.set(x, parent.get(parent.get(x))); x = parent.get(x); } return x; };
    const add = (x) => { if (!parent.has(x)) parent.set(x, x); };
    const uni = (a, b) => { add(a); add(b); a = find(a); b = find(b); if (a !== b) parent.set(a, b); };
    const ops = seq.filter(s => s.e && !s.mark && isLocal(s.e)).map(s => s.e);
    for (const e of ops) {
      add(e);
      if (e.op === O.local_get) for (const d of lg.getSets(e)) uni(e, d === ENTRY ? 'entry' + e.index : d);
    }
    const webs = new Map();
    for (const e of ops) { const r = find(e); if (!webs.has(r)) webs.set(r, { gets: [], defs: [], entry: false, local: e.index }); const w = webs.get(r); (e.op === O.local_get ? w.gets : w.defs).push(e); }
    for (const [k] of parent) if (typeof k === 'string') { const w = webs.get(find(k)); if (w) w.entry = true; }
    let fops = 0, ffloor = 0; const notes = [];
    for (const w of webs.values()) {
      const G0 = w.gets.length, Dn = w.defs.length, opsN = G0 + Dn;
      const G = G0 + w.defs.filter(d => d.op === O.local_tee).length; // uses (a tee's own use counts)
      const isP = w.local < np;
      let floor, cls;
      // loop-carried: a get reading a def that comes later in seq
      const carried = w.gets.some(g => [...lg.getSets(g)].some(d => d !== ENTRY && pos.get(d) > pos.get(g)));
      if (w.entry && isP) { floor = G0 + w.defs.filter(d => d.op === O.local_tee).length; cls = Dn ? 'param+sets' : 'param'; }
      else if (carried) { floor = G + Dn; cls = 'loop-carried'; }
      else if (G === 0) { floor = 0; cls = 'dead'; }
      else if (G === 1) { floor = 0; cls = Dn > 1 ? 'phi-single-use' : (w.entry ? 'zero-init-single' : 'single-use'); }
      else { floor = G; cls = Dn > 1 || w.entry ? 'phi-multi-use' : 'multi-use'; }
      const ex = opsN - floor;
      fops += opsN; ffloor += floor;
      const c = (TOT.cls[cls] ??= { webs: 0, ops: 0, excess: 0 }); c.webs++; c.ops += opsN; c.excess += ex;
      if (ex > 0 || verbose) {
        const d0 = w.defs[0];
        const dv = d0 ? (d0.kids[0] ? OPS[d0.kids[0].op].name : '') : 'entry';
        let detail = '';
        if (G === 1 && Dn === 1) {
          const a = pos.get(d0), b = pos.get(w.gets[0]);
          const between = seq.slice(a + 1, b);
          const names = between.map(s => s.mark ? s.mark + ':' + OPS[s.e.op].name : OPS[s.e.op].name);
          detail = ` dist=${b - a} [${names.slice(0, 14).join(' ')}${names.length > 14 ? ' ...' : ''}]`;
        }
        notes.push(`  $${w.local}${isP ? 'p' : ''} ${cls} G=${G} D=${Dn}${w.entry ? '+entry' : ''} ops=${opsN} floor=${floor} excess=${ex} def=${dv}${detail}`);
      }
    }
    const name = m.names?.funcs?.get?.(m.funcs.indexOf(f)) ?? f.name ?? m.funcs.indexOf(f);
    if (fops) console.log(`${file.split('/').pop()} func ${name}: ops=${fops} floor=${ffloor} excess=${fops - ffloor}`);
    for (const n of notes) console.log(n);
    fileOps += fops; fileFloor += ffloor;
  }
  TOT.ops += fileOps; TOT.floor += fileFloor;
}
console.log(`TOTAL ops=${TOT.ops} floor=${TOT.floor} excess=${TOT.ops - TOT.floor}`);
for (const [k, v] of Object.entries(TOT.cls)) console.log(`  ${k}: webs=${v.webs} ops=${v.ops} excess=${v.excess}`);
