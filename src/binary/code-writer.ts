// Expression trees back to bytes. Iterative post-order over an explicit work stack; label
// depths are computed from the open-label positions (a Map, so deep nests stay linear).

import { Expr } from '../ir/expr.js';
import { O, OPS } from '../ir/opcodes.js';
import type { Type, ValType } from '../ir/types.js';
import { writeImmediates, writeOpcode } from './instr.js';
import { Writer } from './writer.js';

/** Finds or adds the type index of a multi-value block type (provided by the module encoder). */
export type BlockTypeIndex = (params: Type, results: Type) => number;

const VISIT = 0;
const OPEN = 1; // structured: opcode + block type; other: opcode + immediates
const ELSE = 2;
const END = 3;

export class CodeWriter {
  private workE: Expr[] = [];
  private workP: number[] = [];
  private labels = new Map<Expr, number>();
  private depth = 0;

  constructor(readonly w: Writer, readonly blockTypeIndex: BlockTypeIndex) {}

  /** Writes a whole function entry: locals, body, final `end`. */
  writeFunction(locals: readonly ValType[], body: Expr): void {
    const w = this.w;
    // locals, run-length encoded
    let groups = 0;
    for (let i = 0; i < locals.length; i++) if (i === 0 || locals[i] !== locals[i - 1]) groups++;
    w.u32(groups);
    for (let i = 0; i < locals.length; ) {
      let j = i;
      while (j < locals.length && locals[j] === locals[i]) j++;
      w.u32(j - i);
      w.u8(locals[i]);
      i = j;
    }
    this.writeExpr(body.body, body);
  }

  /** Writes `roots` followed by `end`, with `frame` as the outermost label (a function body or a constant expression). */
  writeExpr(roots: readonly Expr[], frame: Expr | null): void {
    this.labels.clear();
    this.depth = 0;
    if (frame) this.openLabel(frame);
    for (let i = roots.length - 1; i >= 0; i--) this.push(roots[i], VISIT);
    this.drain();
    this.w.u8(0x0b);
  }

  private openLabel(e: Expr): void {
    this.labels.set(e, this.depth++);
  }

  private push(e: Expr, phase: number): void {
    this.workE.push(e);
    this.workP.push(phase);
  }

  private pushKids(kids: readonly Expr[]): void {
    for (let i = kids.length - 1; i >= 0; i--) this.push(kids[i], VISIT);
  }

  private labelDepth(target: Expr | null): number {
    const pos = target === null ? undefined : this.labels.get(target);
    if (pos === undefined) throw new Error('branch to a label that is not in scope');
    return this.depth - 1 - pos;
  }

  private drain(): void {
    const w = this.w;
    while (this.workE.length > 0) {
      const e = this.workE.pop()!;
      const phase = this.workP.pop()!;
      const op = e.op;
      if (phase === VISIT) {
        if (op === O.pop) continue;
        if (op === O.block || op === O.loop || op === O.if) {
          this.push(e, END);
          if (op === O.if && e.alt !== null) {
            this.pushKids(e.alt);
            this.push(e, ELSE);
          }
          this.pushKids(e.body);
        }
        this.push(e, OPEN);
        this.pushKids(e.kids);
        continue;
      }
      if (phase === OPEN) {
        const info = OPS[op];
        writeOpcode(w, info);
        if (op === O.block || op === O.loop || op === O.if) {
          if (e.index >= 0) w.s33(e.index);
          else if (e.params.length === 0 && e.type.length === 0) w.u8(0x40);
          else if (e.params.length === 0 && e.type.length === 1) w.u8(e.type[0]);
          else w.s33(this.blockTypeIndex(e.params, e.type));
          this.openLabel(e);
        } else if (op === O.br || op === O.br_if) {
          w.u32(this.labelDepth(e.target));
        } else if (op === O.br_table) {
          const t = e.targets!;
          w.u32(t.length - 1);
          for (const target of t) w.u32(this.labelDepth(target));
        } else {
          writeImmediates(w, info, e, e.params);
        }
        continue;
      }
      if (phase === ELSE) {
        w.u8(0x05);
        continue;
      }
      // END
      this.labels.delete(e);
      this.depth--;
      w.u8(0x0b);
    }
  }
}
