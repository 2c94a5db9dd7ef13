// The -O pipelines, in plain code: which passes run at each level, and why.

export type Level = 0 | 1 | 2 | 3 | 's' | 'z';

/** The passes of an optimization level, in order. */
export function pipeline(level: Level): string[] {
  switch (level) {
    case 0:
      return []; // -O0: nothing; the output is the input re-encoded (byte-identical when unchanged)
    default:
      // No optimization pass exists yet; the higher levels run nothing until they do.
      return [];
  }
}

export function parseLevel(s: string): Level {
  if (s === '0' || s === '1' || s === '2' || s === '3') return Number(s) as Level;
  if (s === 's' || s === 'z') return s;
  throw new Error(`unknown optimization level -O${s}`);
}
