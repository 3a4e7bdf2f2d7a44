/** The sniff that sends an input to the FASTA model or to the generic path. */
import { describe, expect, it } from 'vitest';
import { looksLikeNucleotide } from '../src/fasta/sniff.js';

const bytes = (text: string) => new TextEncoder().encode(text);

/** The rule, byte by byte: residues are the bytes of lines not starting with '>', CR aside; 90% must be ACGTN. */
function byTheRule(sample: Uint8Array): boolean {
  let residues = 0;
  let nucleotides = 0;
  let lineStart = true;
  let inHeader = false;
  for (const b of sample) {
    if (b === 10) {
      lineStart = true;
      inHeader = false;
      continue;
    }
    if (lineStart) inHeader = b === 62;
    lineStart = false;
    if (inHeader || b === 13) continue;
    residues++;
    if ('ACGTNacgtn'.includes(String.fromCharCode(b))) nucleotides++;
  }
  return residues === 0 || nucleotides >= 0.9 * residues;
}

describe('looksLikeNucleotide', () => {
  it('takes nucleotide FASTA, raw sequence, CRLF and empty input', () => {
    expect(looksLikeNucleotide(bytes('>chr1 a protein-looking name MKVL\nACGTNNacgt\nACGT\n'))).toBe(true);
    expect(looksLikeNucleotide(bytes('ACGTACGTACGT'))).toBe(true);
    expect(looksLikeNucleotide(bytes('>x\r\nACGT\r\nACGT\r\n'))).toBe(true);
    expect(looksLikeNucleotide(bytes(''))).toBe(true);
    expect(looksLikeNucleotide(bytes('>only a header\n'))).toBe(true);
  });

  it('refuses protein FASTA and text', () => {
    expect(looksLikeNucleotide(bytes('>sp|P69905|HBA_HUMAN\nMVLSPADKTNVKAAWGKVGAHAGEYGAEALERMFLSFPTTKTYFPHF\n'))).toBe(false);
    expect(looksLikeNucleotide(bytes('Lorem ipsum dolor sit amet\n'))).toBe(false);
  });

  it('decides as the byte-by-byte rule does, at the 90% edge and with headers, CRs and empty lines anywhere', () => {
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const alphabet = ['A', 'C', 'G', 'T', 'N', 'a', 'x', 'M', '>', '\r', '\n', '\n', ' '];
    for (let trial = 0; trial < 2000; trial++) {
      let text = random() < 0.5 ? '>h\n' : '';
      const length = Math.floor(random() * 60);
      // mostly nucleotides with a varying share of others, so that both answers occur
      const share = random() * 0.3;
      for (let i = 0; i < length; i++) text += random() < share ? alphabet[4 + Math.floor(random() * (alphabet.length - 4))] : 'ACGT'[Math.floor(random() * 4)];
      expect(looksLikeNucleotide(bytes(text)), JSON.stringify(text)).toBe(byTheRule(bytes(text)));
    }
  });
});
