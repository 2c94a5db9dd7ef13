// A growable byte buffer with the LEB128 and IEEE writers of the binary format.

export class Writer {
  buf: Uint8Array;
  len = 0;
  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  private grow(need: number): void {
    let cap = this.buf.length * 2;
    while (cap < this.len + need) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }

  u8(v: number): void {
    if (this.len + 1 > this.buf.length) this.grow(1);
    this.buf[this.len++] = v;
  }

  u32(v: number): void {
    if (this.len + 5 > this.buf.length) this.grow(5);
    v >>>= 0;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.buf[this.len++] = b;
    } while (v !== 0);
  }

  s32(v: number): void {
    if (this.len + 5 > this.buf.length) this.grow(5);
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) {
        this.buf[this.len++] = b;
        return;
      }
      this.buf[this.len++] = b | 0x80;
    }
  }

  /** Signed LEB128 of a 33-bit block type index or a negative type code. */
  s33(v: number): void {
    if (v >= -0x40 && v < 0x40) return this.s32(v);
    if (v <= 0x7fffffff && v >= -0x80000000) return this.s32(v);
    this.s64(BigInt(v));
  }

  s64(v: bigint): void {
    if (this.len + 10 > this.buf.length) this.grow(10);
    v = BigInt.asIntN(64, v);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && !(b & 0x40)) || (v === -1n && b & 0x40)) {
        this.buf[this.len++] = b;
        return;
      }
      this.buf[this.len++] = b | 0x80;
    }
  }

  u32le(v: number): void {
    if (this.len + 4 > this.buf.length) this.grow(4);
    const b = this.buf;
    b[this.len++] = v & 0xff;
    b[this.len++] = (v >>> 8) & 0xff;
    b[this.len++] = (v >>> 16) & 0xff;
    b[this.len++] = (v >>> 24) & 0xff;
  }

  u64le(v: bigint): void {
    this.u32le(Number(v & 0xffffffffn));
    this.u32le(Number((v >> 32n) & 0xffffffffn));
  }

  bytes(b: Uint8Array): void {
    if (this.len + b.length > this.buf.length) this.grow(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  name(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u32(b.length);
    this.bytes(b);
  }

  /** Writes `inner` as a length-prefixed vector of bytes. */
  sized(inner: Writer): void {
    this.u32(inner.len);
    this.bytes(inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}
