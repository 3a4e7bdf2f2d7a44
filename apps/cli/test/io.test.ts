/** readAhead: a member file is opened while the one before it is coded, without changing what is read or reported. */
import { describe, expect, it } from 'vitest';
import { readAhead } from '../src/io.js';

async function collect<T>(pieces: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const piece of pieces) out.push(piece);
  return out;
}

describe('readAhead', () => {
  it('asks for the first piece at once and then gives every piece in order', async () => {
    const asked: number[] = [];
    async function* source() {
      for (let i = 0; i < 3; i++) {
        asked.push(i);
        yield i;
      }
    }
    const ahead = readAhead(source());
    await new Promise((resolve) => setImmediate(resolve));
    expect(asked).toEqual([0]); // read before anyone asked, and no further
    expect(await collect(ahead.pieces)).toEqual([0, 1, 2]);
  });

  it('reports a failure where the pieces are read, not as an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      async function* failing(): AsyncGenerator<number> {
        throw new Error('cannot open');
      }
      const ahead = readAhead(failing());
      await new Promise((resolve) => setTimeout(resolve, 10));
      await expect(collect(ahead.pieces)).rejects.toThrow('cannot open');
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('stop closes a source whose pieces were never read', async () => {
    let closed = false;
    async function* source() {
      try {
        yield 1;
        yield 2;
      } finally {
        closed = true;
      }
    }
    const ahead = readAhead(source());
    await ahead.stop();
    expect(closed).toBe(true);
  });

  it('an empty source gives no pieces', async () => {
    async function* empty(): AsyncGenerator<number> {}
    expect(await collect(readAhead(empty()).pieces)).toEqual([]);
  });
});
