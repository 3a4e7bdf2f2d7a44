/**
 * @seqcoder/residual — entropy coding of nucleotide symbols.
 *
 * Symbols are the ACGT stream produced by the FASTA model of `@seqcoder/format`:
 * one byte per base, A=0, C=1, G=2, T=3 (so the complement of `s` is `3 - s`).
 * Everything here is a pure function over `Uint8Array`, with no I/O and no native code,
 * so it runs unchanged in Node and in browsers.
 */
export { pack2bit, unpack2bit, packedLength, PackedPaddingError } from './pack2bit.js';
