/**
 * `@seqcoder/neural/deferred`: the neural codecs as stand-ins that load the real ones on first use.
 *
 * A program that registers the neural codecs so that it can read and write them, but mostly runs
 * other codecs (the `seqcoder` command), need not load their networks' code at every start: the
 * package's main entry took 13 ms of each command's 0.2 s start on a machine where Node itself
 * takes 0.11 s. The stand-ins describe themselves from codec-info.ts, which imports nothing new,
 * and their encode and decode, which return promises anyway, call `load` the first time one runs.
 * The bytes are those of the real codecs: the stand-ins only pass the calls on.
 */
import type { SequenceCodec } from '@seqcoder/format';
import { CLASSIC_INFO, DEEPGECO_INFO, GUIDED_INFO, type NeuralCodecInfo } from './codec-info.js';
import type { NeuralCodecs } from './codecs.js';

export { CLASSIC_INFO, DEEPGECO_CODEC_ID, DEEPGECO_INFO, GUIDED_INFO, type NeuralCodecInfo } from './codec-info.js';
export type { NeuralCodecs } from './codecs.js';

/**
 * Stand-ins for the codecs that `load` makes (typically `createNeuralCodecs` of the main entry,
 * imported dynamically), for `registerCodec` of @seqcoder/format. `load` runs once, when a
 * stand-in first encodes or decodes; a failure is reported by that call and by every later one.
 */
export function deferNeuralCodecs(load: () => Promise<NeuralCodecs>): NeuralCodecs {
  let loading: Promise<NeuralCodecs> | undefined;
  const codecs = () => (loading ??= load());
  const standIn = (info: NeuralCodecInfo, key: keyof NeuralCodecs): SequenceCodec => ({
    ...info,
    async encode(symbols, level, blockBases, trial) {
      return (await codecs())[key].encode(symbols, level, blockBases, trial);
    },
    async decode(payload, count, start, end) {
      return (await codecs())[key].decode(payload, count, start, end);
    },
  });
  return { classic: standIn(CLASSIC_INFO, 'classic'), guided: standIn(GUIDED_INFO, 'guided'), deepgeco: standIn(DEEPGECO_INFO, 'deepgeco') };
}
