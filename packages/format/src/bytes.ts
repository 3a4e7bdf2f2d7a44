/**
 * Little-endian integers and LEB128 varints, with every read bounds-checked so that a damaged
 * file raises a typed error instead of reading past its end.
 */
import { CorruptError } from './errors.js';

/** Varints longer than this many bytes are rejected: 7 bytes hold 49 bits, beyond any size we store. */
const MAX_VARINT_BYTES = 7;

/** Appends bytes to a growable buffer. */
export class ByteWriter {
  private buf: Uint8Array;
  private len = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(initialCapacity);
  }

  get length(): number {
    return this.len;
  }

  private reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u8(value: number): this {
    this.reserve(1);
    this.buf[this.len++] = value;
    return this;
  }

  u32(value: number): this {
    this.reserve(4);
    this.buf[this.len++] = value & 0xff;
    this.buf[this.len++] = (value >>> 8) & 0xff;
    this.buf[this.len++] = (value >>> 16) & 0xff;
    this.buf[this.len++] = (value >>> 24) & 0xff;
    return this;
  }

  /** Unsigned LEB128: 7 bits per byte, low group first, high bit set on all but the last byte. */
  varint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint out of range: ${value}`);
    this.reserve(MAX_VARINT_BYTES + 1);
    while (value >= 0x80) {
      this.buf[this.len++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buf[this.len++] = value;
    return this;
  }

  bytes(data: Uint8Array): this {
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  /** The bytes written so far (a view; copy it if you keep writing). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** Reads from a byte array; every read past the end throws {@link CorruptError} naming `what`. */
export class ByteReader {
  pos = 0;

  /** @param base offset of `data` in the file, for error messages */
  constructor(
    readonly data: Uint8Array,
    readonly what: string,
    readonly base = 0,
  ) {}

  get remaining(): number {
    return this.data.length - this.pos;
  }

  private need(n: number): void {
    if (n > this.data.length - this.pos) {
      throw new CorruptError(`${this.what}: field runs past the end of its data`, this.base + this.pos);
    }
  }

  u8(): number {
    this.need(1);
    return this.data[this.pos++];
  }

  u32(): number {
    this.need(4);
    const d = this.data;
    const p = this.pos;
    this.pos += 4;
    return (d[p] | (d[p + 1] << 8) | (d[p + 2] << 16) | (d[p + 3] << 24)) >>> 0;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const b = this.u8();
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return value;
      scale *= 0x80;
    }
    throw new CorruptError(`${this.what}: varint longer than ${MAX_VARINT_BYTES} bytes`, this.base + this.pos);
  }

  /** A varint that must not exceed `max` (checked before anything is allocated from it). */
  varintAtMost(max: number, field: string): number {
    const at = this.base + this.pos;
    const v = this.varint();
    if (v > max) throw new CorruptError(`${this.what}: ${field} ${v} exceeds ${max}`, at);
    return v;
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Fails unless every byte has been consumed: trailing bytes mean the structure is not what we think. */
  expectEnd(): void {
    if (this.pos !== this.data.length) {
      throw new CorruptError(`${this.what}: ${this.data.length - this.pos} unexpected trailing bytes`, this.base + this.pos);
    }
  }
}

/** Concatenates byte arrays into one. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
