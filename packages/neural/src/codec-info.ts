/**
 * What a program must know of the neural codecs before it runs one: their ids, names, levels and
 * side-section zstd levels, for help texts, `--codec` and `--level` checks and reading an
 * archive's headers. Kept apart from the codecs themselves (codecs.ts, deepgeco/codec.ts, which
 * build on these), so that `@seqcoder/neural/deferred` can register the codecs without loading the
 * networks' code. This module imports nothing that a reader of the format has not loaded already.
 */
import type { SequenceCodec } from '@seqcoder/format';
import { CM_LEVEL_RANGE } from '@seqcoder/residual';

/** The part of a codec that describes it; the rest (encode, decode) does the work. */
export type NeuralCodecInfo = Pick<SequenceCodec, 'id' | 'name' | 'description' | 'levels' | 'sideLevel'>;

/** Both autoencoder codecs run the network on every window: on one CPU core, hundreds of times slower than cm (see the model card). */
const NETWORK_ROUGH_MBPS = [0.04];

export const DEEPGECO_CODEC_ID = 6;

export const CLASSIC_INFO: NeuralCodecInfo = {
  id: 3,
  name: 'seqcoder-classic',
  description: "the SeqCoder paper's pipeline: autoencoder latents + a 2-bit residual, both zstd 22 (research baseline; slow)",
  levels: { min: 22, max: 22, default: 22, meaning: "fixed: the paper's zstd 22", modelsBases: false, roughMBps: NETWORK_ROUGH_MBPS },
  sideLevel: () => 19,
};

export const GUIDED_INFO: NeuralCodecInfo = {
  id: 4,
  name: 'seqcoder',
  description: 'autoencoder latents + cm coding of the bases with the reconstruction as side information (slow; see the model card)',
  levels: { ...CM_LEVEL_RANGE, meaning: 'the cm level that codes the bases against the reconstruction', modelsBases: true, roughMBps: NETWORK_ROUGH_MBPS },
  sideLevel: () => 19,
};

export const DEEPGECO_INFO: NeuralCodecInfo = {
  id: DEEPGECO_CODEC_ID,
  name: 'deepgeco',
  description: 'DeepGeCo: networks predict each 3-base token (a research codec, far slower than cm; its paper\'s modes 1-3 are larger than cm, its mode 4 smaller on genomes of megabases)',
  levels: {
    min: 1,
    max: 4,
    default: 2,
    meaning:
      'the DeepGeCo mode: 1 = MINI (a small pre-trained Warm-Start model alone; the fastest), 2 = PLUS (a transformer that learns the record as it is coded, started by the Warm-Start), 3 = ULTRA (PLUS with the Warm-Start first fine-tuned on the record), 4 = CM (not the paper\'s: cm level 4 with the Warm-Start mixed in; the slowest, and smaller than cm level 4 on genomes of megabases)',
    modelsBases: true,
    roughMBps: [0.03, 0.01],
  },
  sideLevel: () => 19,
};
