/**
 * @seqcoder/residual — entropy coding of nucleotide symbols.
 *
 * Symbols are the ACGT stream produced by the FASTA model of `@seqcoder/format`:
 * one byte per base, A=0, C=1, G=2, T=3 (so the complement of `s` is `3 - s`).
 * Everything here is a pure function over `Uint8Array`, with no I/O and no native code,
 * so it runs unchanged in Node and in browsers.
 *
 * - `pack2bit` / `unpack2bit`: 2 bits per base, no model.
 * - `cmEncode` / `cmDecode` (and the streaming `CmEncoder` / `CmDecoder`): a context-mixing model
 *   of DNA with a binary arithmetic coder and a reading-frame detector, 1.73–1.96 bits per base on
 *   bacterial genomes. `CM_LEVELS` maps each level to the model it writes (`CM_MODELS`).
 * - `RefGroupEncoder` / `RefGroupDecoder`: the records of a group coded against each other (collections
 *   of genomes): matches on both strands as runs, the new bases of all records in one cm stream.
 * - `@seqcoder/residual/worker` (Node): `CmWorkerPool`, the same coding in worker threads, to code
 *   several records at once on several cores with the same bytes as `cmEncode`.
 */
export { pack2bit, unpack2bit, packedLength } from './pack2bit.js';
export { cmEncode, cmEncodeSteps, runSteps, cmDecode, cmBlockBases, cmBlockModel, cmJoinBlocks, cmSplitBlocks, cmPayloadModel, CmEncoder, CmDecoder, CM_BLOCK_RANGE, MAX_BASES_PER_CODED_BYTE, type CmOptions, type CodingStep } from './cm/codec.js';
export { CM_ALIGNED_LEVELS, CM_HINTED_LEVELS, CM_LEVELS, CM_LEVEL_RANGE, CM_SHORT_RECORD_TRIALS } from './cm/levels.js';
export { CM_MODELS } from './cm/models.js';
export { BinaryDecoder, BinaryEncoder } from './cm/binary-coder.js';
export type { BasePredictor, ModelSpec, ContextSpec } from './cm/model.js';
export { CodedStreamError, InvalidInputError, PackedPaddingError } from './errors.js';
export { ALIGNED_DIVERGENCE, RefGroupEncoder, type RefGroupCoding, type RefOptions } from './ref/encoder.js';
export { RefGroupDecoder } from './ref/decoder.js';
export type { RefHistory } from './ref/shared.js';
export { GRAMMAR_R10, GRAMMAR_R14, type TokenGrammar } from './ref/tokens.js';
