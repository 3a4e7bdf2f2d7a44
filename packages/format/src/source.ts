/**
 * Where compressed bytes come from. Random access (bytes in memory, a file) lets a reader list
 * records and jump to one; a forward-only stream is enough to decode everything in order.
 */
import { concatBytes } from './bytes.js';
import { TruncatedError } from './errors.js';

/** A byte source that can read at any offset. */
export interface RandomAccessSource {
  /** Total size in bytes. */
  readonly size: number;
  /** Reads exactly `length` bytes at `offset` (callers never read past `size`). */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** A random-access source over bytes in memory. */
export function bytesSource(bytes: Uint8Array): RandomAccessSource {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, offset + length),
    close: async () => {},
  };
}

/** Everything a stream or iterable yields, joined into one array. */
export async function collectBytes(input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of input) parts.push(part);
  return concatBytes(parts);
}

/** Turns a WHATWG ReadableStream into an async iterable (Node 20's streams are already iterable; browsers' may not be). */
export function iterateStream(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  if (Symbol.asyncIterator in stream) return stream as unknown as AsyncIterable<Uint8Array>;
  return {
    async *[Symbol.asyncIterator]() {
      const reader = stream.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          yield value;
        }
      } finally {
        reader.releaseLock();
      }
    },
  };
}

/**
 * Reads a byte stream strictly in order, holding only what has been asked for and not yet
 * consumed, so decoding a stream needs memory for one frame, not for the whole file.
 */
export class ForwardReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private pending: Uint8Array[] = [];
  private pendingLength = 0;
  private done = false;
  /** Bytes consumed so far: the file offset of the next byte. */
  offset = 0;

  constructor(input: AsyncIterable<Uint8Array>) {
    this.it = input[Symbol.asyncIterator]();
  }

  /** True when the stream has no byte left. */
  async atEnd(): Promise<boolean> {
    await this.fill(1);
    return this.pendingLength === 0;
  }

  private async fill(n: number): Promise<void> {
    while (this.pendingLength < n && !this.done) {
      const { done, value } = await this.it.next();
      if (done) this.done = true;
      else if (value.length > 0) {
        this.pending.push(value);
        this.pendingLength += value.length;
      }
    }
  }

  /** Reads up to `n` bytes: fewer only when the stream ends. */
  async readAtMost(n: number): Promise<Uint8Array> {
    await this.fill(n);
    return this.read(Math.min(n, this.pendingLength));
  }

  /** Reads exactly `n` bytes, or throws {@link TruncatedError} if the stream ends first. */
  async read(n: number): Promise<Uint8Array> {
    if (n === 0) return new Uint8Array(0);
    await this.fill(n);
    if (this.pendingLength < n) throw new TruncatedError('file is truncated', this.offset + this.pendingLength);
    let out: Uint8Array;
    if (this.pending[0].length >= n) {
      out = this.pending[0].subarray(0, n);
      this.pending[0] = this.pending[0].subarray(n);
      if (this.pending[0].length === 0) this.pending.shift();
    } else {
      out = new Uint8Array(n);
      let o = 0;
      while (o < n) {
        const head = this.pending[0];
        const take = Math.min(head.length, n - o);
        out.set(head.subarray(0, take), o);
        o += take;
        if (take === head.length) this.pending.shift();
        else this.pending[0] = head.subarray(take);
      }
    }
    this.pendingLength -= n;
    this.offset += n;
    return out;
  }
}
