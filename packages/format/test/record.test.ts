/** A record's layout and bases give its bytes back, whole (renderRecord) and in any residue range (renderResidues). */
import { afterEach, describe, expect, it } from 'vitest';
import { basesBefore, parseRecord, renderRecord, renderResidues } from '../src/fasta/record.js';
import { RecordSplitter } from '../src/fasta/splitter.js';
import { useByteSearch } from '../src/fasta/search.js';
import { bufferSearch } from '../src/fasta/search.node.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A seeded record: lines of varying width, lower-case runs, IUPAC and other bytes, CRLF and missing last terminators. */
function randomRecord(seed: number): string {
  let state = seed;
  const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const crlf = random() < 0.3;
  let out = random() < 0.8 ? `>r${seed} some description${crlf ? '\r\n' : '\n'}` : '';
  const lines = Math.floor(random() * 12);
  const width = pick([0, 1, 7, 60, 61, 80]);
  let lower = false;
  for (let l = 0; l < lines; l++) {
    const length = random() < 0.8 ? width : Math.floor(random() * 100);
    let line = '';
    for (let i = 0; i < length; i++) {
      if (random() < 0.05) lower = !lower;
      const other = random() < 0.04;
      const letter = other ? pick(['N', 'N', 'R', 'Y', '-', '*', 'X']) : pick(['A', 'C', 'G', 'T']);
      line += lower && /[A-Z]/.test(letter) ? letter.toLowerCase() : letter;
    }
    const last = l === lines - 1;
    out += line + (last && random() < 0.3 ? '' : crlf !== random() < 0.1 ? '\r\n' : '\n');
  }
  return out;
}

describe('renderRecord and renderResidues', () => {
  it('refuse to render a record into a buffer of another length', () => {
    const { layout, symbols } = parseRecord(new TextEncoder().encode('>r\nACGT\nAC\n'));
    expect(() => renderRecord(layout, symbols, new Uint8Array(12))).toThrow(RangeError);
  });

  it('give back every generated record byte for byte, and any range of its residues', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const original = randomRecord(seed);
      const bytes = new TextEncoder().encode(original);
      const { layout, symbols } = parseRecord(bytes);
      expect(text(renderRecord(layout, symbols)), `seed ${seed}`).toBe(original);
      // into a buffer that held something else: every byte is written
      expect(text(renderRecord(layout, symbols, new Uint8Array(bytes.length).fill(0x7e))), `seed ${seed}`).toBe(original);

      const residues = original
        .split('\n')
        .filter((line, i) => !(i === 0 && line.startsWith('>')))
        .map((line) => line.replace(/\r$/, ''))
        .join('');
      const all = text(renderResidues(layout, symbols, 0, layout.residues));
      expect(all, `seed ${seed}`).toBe(residues);
      for (let k = 0; k < 5 && layout.residues > 0; k++) {
        const start = (seed * 7 + k * 13) % layout.residues;
        const end = start + ((seed + k * 31) % (layout.residues - start + 1));
        const from = basesBefore(layout, start);
        expect(text(renderResidues(layout, symbols.subarray(from), start, end)), `seed ${seed} ${start}..${end}`).toBe(residues.slice(start, end));
      }
    }
  });
});

describe("the Node entry's byte search (Buffer.indexOf)", () => {
  afterEach(() => useByteSearch(undefined));

  it('parses every generated record as the array\'s own indexOf does', () => {
    for (let seed = 1; seed <= 400; seed++) {
      // inside a larger buffer, so that an offset into it would show
      const original = new TextEncoder().encode(`>before\n${randomRecord(seed)}`).subarray(8);
      useByteSearch(undefined);
      const plain = parseRecord(original);
      useByteSearch(bufferSearch);
      const fast = parseRecord(original);
      expect(fast, `seed ${seed}`).toEqual(plain);
      expect(text(renderRecord(fast.layout, fast.symbols)), `seed ${seed}`).toBe(text(original));
    }
  });

  it('splits a stream into the same records, pieces of any size', () => {
    const whole = Array.from({ length: 60 }, (_, i) => randomRecord(i + 1)).join('\n>\n>>x\n');
    const bytes = new TextEncoder().encode(whole);
    const split = (piece: number) => {
      const splitter = new RecordSplitter();
      const records: string[] = [];
      for (let at = 0; at < bytes.length; at += piece) records.push(...splitter.push(bytes.subarray(at, at + piece)).map(text));
      records.push(...splitter.finish().map(text));
      return records;
    };
    for (const piece of [1, 7, 4096, bytes.length]) {
      useByteSearch(undefined);
      const plain = split(piece);
      useByteSearch(bufferSearch);
      const fast = split(piece);
      expect(fast, `pieces of ${piece}`).toEqual(plain);
      expect(fast.join(''), `pieces of ${piece}`).toBe(whole);
      expect(fast.length).toBeGreaterThan(60);
    }
  });
});
