// A cursor over a byte buffer with the LEB128 and IEEE readers of the binary format.
// Every failure is a WasmError carrying the byte offset where the problem is.

export class WasmError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'WasmError';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class Reader {
  pos: number;
  constructor(readonly bytes: Uint8Array, start = 0, readonly end = bytes.length) {
    this.pos = start;
  }

  fail(message: string, at = this.pos): never {
    throw new WasmError(message, at);
  }

  get eof(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    if (this.pos >= this.end) this.fail('unexpected end');
    return this.bytes[this.pos++];
  }

  /** Unsigned LEB128 of at most 32 bits. */
  u32(): number {
    const start = this.pos;
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) this.fail('unexpected end', start);
      const b = this.bytes[this.pos++];
      if (shift === 28) {
        if (b & 0x80) this.fail('integer representation too long', start);
        if (b & 0x70) this.fail('integer too large', start);
        return (result | (b << 28)) >>> 0;
      }
      result |= (b & 0x7f) << shift;
      if (!(b & 0x80)) return result >>> 0;
      shift += 7;
    }
  }

  /** Signed LEB128 of at most 32 bits. */
  s32(): number {
    const start = this.pos;
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) this.fail('unexpected end', start);
      const b = this.bytes[this.pos++];
      if (shift === 28) {
        if (b & 0x80) this.fail('integer representation too long', start);
        // the unused high bits must all equal the sign bit (bit 3 of this byte)
        const high = b & 0x70;
        if (b & 0x08 ? high !== 0x70 : high !== 0) this.fail('integer too large', start);
        return result | (b << 28);
      }
      result |= (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) return shift < 32 && b & 0x40 ? result | (-1 << shift) : result;
    }
  }

  /** Signed LEB128 of at most 64 bits, as a bigint. */
  s64(): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) this.fail('unexpected end', start);
      const b = this.bytes[this.pos++];
      if (i === 9) {
        if (b & 0x80) this.fail('integer representation too long', start);
        // only bit 0 is a value bit; the rest must repeat the sign
        const high = b & 0x7e;
        if (b & 0x01 ? high !== 0x7e : high !== 0) this.fail('integer too large', start);
        result |= BigInt(b & 0x01) << 63n;
        return BigInt.asIntN(64, result);
      }
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (!(b & 0x80)) {
        if (b & 0x40) result -= 1n << shift;
        return BigInt.asIntN(64, result);
      }
    }
  }

  /** Signed LEB128 of at most 33 bits (block types): returns a JS number. */
  s33(): number {
    const start = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) this.fail('unexpected end', start);
      const b = this.bytes[this.pos++];
      if (i === 4) {
        if (b & 0x80) this.fail('integer representation too long', start);
        const high = b & 0x60; // bits above the 33rd (bit 4 of this byte is bit 32)
        if (b & 0x10 ? high !== 0x60 : high !== 0) this.fail('integer too large', start);
      }
      result += (b & 0x7f) * mul;
      mul *= 128;
      if (!(b & 0x80)) return b & 0x40 ? result - mul : result;
    }
  }

  /** Raw little-endian 32 bits (f32 bit pattern). */
  u32le(): number {
    if (this.pos + 4 > this.end) this.fail('unexpected end');
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  /** Raw little-endian 64 bits (f64 bit pattern), as an unsigned bigint. */
  u64le(): bigint {
    const lo = this.u32le();
    const hi = this.u32le();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  bytesN(n: number): Uint8Array {
    if (n > this.end - this.pos) this.fail('unexpected end');
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  name(): string {
    const n = this.u32();
    const at = this.pos;
    const b = this.bytesN(n);
    try {
      return utf8.decode(b);
    } catch {
      this.fail('malformed UTF-8 encoding', at);
    }
  }
}
