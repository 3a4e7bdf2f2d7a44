import { describe, expect, it } from 'vitest';
import { isSeqCoderError, SeqCoderError } from '../src/index.js';

describe('SeqCoderError', () => {
  class DamagedError extends SeqCoderError<'DAMAGED'> {
    constructor(offset?: number) {
      super('DAMAGED', 'damaged', offset);
    }
  }

  it('carries its code, offset, cause and class name', () => {
    const cause = new Error('inner');
    const e = new SeqCoderError('CORRUPT', 'bad', 12, { cause });
    expect(e).toMatchObject({ code: 'CORRUPT', message: 'bad', offset: 12, cause, name: 'SeqCoderError' });
    expect(new DamagedError().name).toBe('DamagedError');
  });

  it('is recognised by its brand, also from another copy of the class, and by code', () => {
    expect(isSeqCoderError(new DamagedError(3))).toBe(true);
    expect(isSeqCoderError(new DamagedError(3), 'DAMAGED', 'OTHER')).toBe(true);
    expect(isSeqCoderError(new DamagedError(3), 'OTHER')).toBe(false);
    // What a second installed copy makes: another class, the same Symbol.for brand.
    const foreign = Object.assign(new Error('x'), { code: 'CORRUPT', [Symbol.for('@seqcoder/error')]: true });
    expect(isSeqCoderError(foreign, 'CORRUPT')).toBe(true);
    for (const other of [new Error('x'), Object.assign(new Error('x'), { code: 'CORRUPT' }), null, undefined, 'CORRUPT', 3]) {
      expect(isSeqCoderError(other)).toBe(false);
    }
  });
});
