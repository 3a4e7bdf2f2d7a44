/** Regions in samtools' syntax (shared by `seqcoder get` and the viewer). */
import { describe, expect, it } from 'vitest';
import { formatRegion, parseBed, parseRegion, regionSpan } from '../src/index.js';

describe('regions', () => {
  it('parse samtools syntax: 1-based, both ends included, commas, open ends', () => {
    expect(parseRegion('chr1')).toEqual({ text: 'chr1', name: 'chr1', start: 1 });
    expect(parseRegion('chr1:3')).toEqual({ text: 'chr1:3', name: 'chr1', start: 3, end: undefined });
    expect(parseRegion('chr1:1,000-2,000')).toMatchObject({ name: 'chr1', start: 1000, end: 2000 });
    expect(parseRegion('chr1:-5')).toMatchObject({ name: 'chr1', start: 1, end: 5 });
    expect(parseRegion('a:b:7-8')).toMatchObject({ name: 'a:b', start: 7, end: 8 });
    expect(parseRegion('odd:1-2', (n) => n === 'odd:1-2')).toEqual({ text: 'odd:1-2', name: 'odd:1-2', start: 1 });
    expect(parseRegion('x:a-b')).toMatchObject({ name: 'x:a-b', start: 1 }); // not a region: a name
    expect(() => parseRegion('chr1:0-3')).toThrow(/positions start at 1/);
    expect(() => parseRegion('chr1:5-3')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('read BED lines (0-based, end excluded) and refuse what is not one', () => {
    expect(parseBed('track x\n# c\nchr1\t0\t4\tname\r\n\nchr2\t9\t10\n')).toEqual([
      { text: 'chr1:1-4', name: 'chr1', start: 1, end: 4 },
      { text: 'chr2:10-10', name: 'chr2', start: 10, end: 10 },
    ]);
    expect(() => parseBed('chr1\t5\t4\n', 'r.bed')).toThrow(/r\.bed:1: not a BED line/);
  });

  it('cut a region to its record, and print it as samtools faidx does', () => {
    expect(regionSpan(parseRegion('c:3-7'), 18)).toEqual({ from: 2, to: 7, truncated: false });
    expect(regionSpan(parseRegion('c:17-30'), 18)).toEqual({ from: 16, to: 18, truncated: true });
    expect(regionSpan(parseRegion('c:30-40'), 18)).toEqual({ from: 18, to: 18, truncated: false });
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    expect(text(formatRegion('c:1-8', new TextEncoder().encode('ACGTACGT'), 3))).toBe('>c:1-8\nACG\nTAC\nGT\n');
    expect(text(formatRegion('c', new TextEncoder().encode('ACGT'), 0))).toBe('>c\nACGT\n');
    expect(text(formatRegion('c:9-9', new Uint8Array(0)))).toBe('>c:9-9\n');
  });
});
