import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compress as zstdNapi } from 'zstd-napi';

export const zstd = (data: Uint8Array, level: number): Uint8Array => zstdNapi(data, { compressionLevel: level });

export const examplePath = fileURLToPath(new URL('../../../examples/lambda_virus.fa', import.meta.url));
export const lambda = new Uint8Array(readFileSync(examplePath));

/** The bases of a FASTA as symbols A0 C1 G2 T3 (other letters and header lines dropped). */
export function symbolsOf(fasta: Uint8Array): Uint8Array {
  const text = new TextDecoder().decode(fasta).split('\n').filter((l) => !l.startsWith('>')).join('').toUpperCase();
  return Uint8Array.from(text.replace(/[^ACGT]/g, ''), (c) => 'ACGT'.indexOf(c));
}

/** A FASTA with the features the layout model must keep: soft-masking, N runs, IUPAC, CRLF, empty and short records. */
export function awkwardFasta(): Uint8Array {
  const bases = new TextDecoder().decode(lambda).split('\n').slice(1).join('');
  const parts = [
    '>one soft-masked, with N runs and IUPAC\n',
    bases.slice(0, 700).toLowerCase() + 'NNNNNNNNNN' + bases.slice(700, 3000) + 'RYKM' + bases.slice(3000, 4000) + '\n',
    '>empty\n',
    '>short\r\nACGTTGCA\r\n',
    '>exactly one window\n',
    bases.slice(5000, 6280).replace(/(.{60})/g, '$1\n') + '\n',
    '>no final newline\n' + bases.slice(7000, 9000),
  ];
  return new TextEncoder().encode(parts.join(''));
}

/**
 * `n` bases of a seeded source whose bases are 90% A: far from any genome the Warm-Start learned, so
 * that ULTRA's fit finds something to change.
 */
export function skewedSymbols(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = 7;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const u = (s >>> 8) / 2 ** 24;
    out[i] = u < 0.9 ? 0 : 1 + Math.floor((u - 0.9) / (0.1 / 3));
  }
  return out;
}
