/**
 * A binary arithmetic coder with 32-bit integer state (the carry-less scheme of the PAQ family).
 * Probabilities are 12-bit: `p` = P(bit is 1) in 1..4095.
 *
 * All state stays below 2^32 and every product below 2^44, so plain JavaScript numbers hold it
 * exactly; the split point is the same on every engine.
 */
import { CodedStreamError } from '../errors.js';

export class BinaryEncoder {
  private x1 = 0;
  private x2 = 0xffffffff;
  private buf: Uint8Array;
  private pos = 0;

  constructor(expectedBytes = 1 << 16) {
    this.buf = new Uint8Array(Math.max(16, expectedBytes));
  }

  encode(bit: number, p: number): void {
    const range = this.x2 - this.x1;
    const mid = this.x1 + (range >>> 12) * p + (((range & 0xfff) * p) >>> 12);
    if (bit) this.x2 = mid;
    else this.x1 = mid + 1;
    while (((this.x1 ^ this.x2) & 0xff000000) === 0) {
      this.put(this.x2 >>> 24);
      this.x1 = (this.x1 << 8) >>> 0;
      this.x2 = ((this.x2 << 8) | 255) >>> 0;
    }
  }

  /**
   * Ends the stream with one byte: the top byte of x1 plus one, which lies in (x1, x2] once the
   * decoder reads zeros after it (x1 and x2 always differ in their top byte). A decoder built with
   * `padded` reads those zeros. Used by payload layout 2.
   */
  finishShort(): Uint8Array {
    this.put(((this.x1 >>> 24) + ((this.x1 & 0xffffff) === 0 ? 0 : 1)) & 0xff);
    return this.buf.subarray(0, this.pos);
  }

  /** Writes the final 4 bytes and returns the coded bytes. The decoder reads exactly this many. */
  finish(): Uint8Array {
    for (let i = 0; i < 4; i++) {
      this.put(this.x1 >>> 24);
      this.x1 = (this.x1 << 8) >>> 0;
    }
    return this.buf.subarray(0, this.pos);
  }

  private put(byte: number): void {
    if (this.pos === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.pos++] = byte;
  }
}

export class BinaryDecoder {
  private x1 = 0;
  private x2 = 0xffffffff;
  private x = 0;
  private pos = 0;

  /** With `padded`, the stream ended with finishShort: the 3 bytes after its end read as zeros. */
  constructor(
    private readonly buf: Uint8Array,
    private readonly padded = false,
  ) {
    for (let i = 0; i < 4; i++) this.x = ((this.x << 8) | this.next()) >>> 0;
  }

  decode(p: number): number {
    const range = this.x2 - this.x1;
    const mid = this.x1 + (range >>> 12) * p + (((range & 0xfff) * p) >>> 12);
    let bit: number;
    if (this.x <= mid) {
      bit = 1;
      this.x2 = mid;
    } else {
      bit = 0;
      this.x1 = mid + 1;
    }
    while (((this.x1 ^ this.x2) & 0xff000000) === 0) {
      this.x1 = (this.x1 << 8) >>> 0;
      this.x2 = ((this.x2 << 8) | 255) >>> 0;
      this.x = ((this.x << 8) | this.next()) >>> 0;
    }
    return bit;
  }

  /** Throws unless the decoder consumed exactly the bytes the encoder wrote. */
  finish(): void {
    if (this.pos !== this.buf.length + (this.padded ? 3 : 0)) {
      throw new CodedStreamError(`coded stream holds ${this.buf.length} bytes but decoding used ${this.pos}`);
    }
  }

  private next(): number {
    // The decoder reads exactly the bytes the encoder wrote, so running past the end means damage:
    // stop at once rather than decode up to the declared count from nothing.
    const end = this.buf.length;
    if (this.pos < end) return this.buf[this.pos++]!;
    if (this.padded && this.pos < end + 3) {
      this.pos++;
      return 0;
    }
    throw new CodedStreamError(`coded stream of ${end} bytes ended early`);
  }
}
