/**
 * Decides from the first bytes of an input whether the FASTA model suits it. The model is
 * lossless on any bytes, but on protein FASTA or arbitrary files every residue would be an
 * exception; those go to the generic (zstd) path instead.
 */

/** How many bytes of the input the decision looks at. */
export const SNIFF_BYTES = 1 << 18;

const NUCLEOTIDE = new Uint8Array(256);
for (const ch of 'ACGTNacgtn') NUCLEOTIDE[ch.charCodeAt(0)] = 1;

/** Share of sequence bytes that must be ACGTN (any case) for the FASTA model to be used. */
const MIN_NUCLEOTIDE_SHARE = 0.9;

/** True when `sample` (the start of the input) looks like nucleotide FASTA or raw sequence. */
export function looksLikeNucleotide(sample: Uint8Array): boolean {
  let residues = 0;
  let nucleotides = 0;
  let lineStart = true;
  let inHeader = false;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i];
    if (b === 10) {
      lineStart = true;
      inHeader = false;
      continue;
    }
    if (lineStart) {
      inHeader = b === 62;
      lineStart = false;
    }
    if (inHeader || b === 13) continue;
    residues++;
    nucleotides += NUCLEOTIDE[b];
  }
  return residues === 0 || nucleotides >= MIN_NUCLEOTIDE_SHARE * residues;
}
