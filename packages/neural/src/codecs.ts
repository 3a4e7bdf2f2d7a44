/**
 * The neural codecs. The two of the SeqCoder paper store the same latents and checksummed
 * reconstruction (payload.ts); they differ in how they store what the reconstruction got wrong:
 *
 * - `seqcoder-classic` (id 3): the paper's pipeline exactly. residual = (original − reconstruction)
 *   mod 4 in the paper's codes, 2-bit packed after its 4-byte length, zstd level 22.
 * - `seqcoder` (id 4): the original bases coded by cm with the reconstruction as side information
 *   (a context of one of its mixer inputs), so a wrong guess costs what a DNA model says it costs.
 *
 * The third, `deepgeco` (id 6, deepgeco/), is the DeepGeCo paper's: a network predicts every token.
 */
import { concatBytes, CorruptError, InvalidArgumentError, cmStreamError, type SequenceCodec } from '@seqcoder/format';
import { asUnavailable } from './errors.js';
import { DEFAULT_MODEL, modelByDecoderHash, modelInfo } from '@seqcoder/models';
import { MAX_BASES_PER_CODED_BYTE, cmDecode, cmEncode, pack2bit, packedLength, unpack2bit } from '@seqcoder/residual';
import { engineCache, type Engine, type EngineOptions } from './engine.js';
import { wasmRuntime } from './runtimes.js';
import { checkExpansion, checkReconstruction, readHead, unzstdExactly, writeHead, type NeuralHead, type ZstdCompress } from './payload.js';
import { FROM_PAPER, TO_PAPER } from './windows.js';
import { createDeepGeCoCodec } from './deepgeco/codec.js';
import { CLASSIC_INFO, GUIDED_INFO } from './codec-info.js';

export interface NeuralCodecOptions extends EngineOptions {
  /** zstd compression (the CLI passes zstd-napi). Needed to write files, not to read them. */
  zstd?: ZstdCompress;
  /** Told each record's latent and residual sizes, for reports (`bench`). */
  onRecord?: (record: NeuralRecordReport) => void;
}

/** What one record cost: the network's part (latents, checksums, header) and the residual's. */
export interface NeuralRecordReport {
  codec: string;
  bases: number;
  latentBytes: number;
  residualBytes: number;
  /** Bases the reconstruction got right. */
  matches: number;
}

export interface NeuralCodecs {
  classic: SequenceCodec;
  guided: SequenceCodec;
  /** DeepGeCo (deepgeco/codec.ts): a pre-trained network predicts every token; no residual. */
  deepgeco: SequenceCodec;
}

/** Builds the two codecs; register them with `registerCodec` from @seqcoder/format (or use registerNeuralCodecs). */
export function createNeuralCodecs(options: NeuralCodecOptions = {}): NeuralCodecs {
  const cached = engineCache({ ...options, canonicalRuntime: options.canonicalRuntime ?? wasmRuntime });
  let writer: Promise<Engine> | undefined;
  const writingEngine = (): Promise<Engine> =>
    (writer ??= (async () => {
      const info = modelInfo(options.model ?? DEFAULT_MODEL); // a shipped model: the cache always has it
      return asUnavailable(cached(info.decoderSha256)!);
    })());
  const zstd = (): ZstdCompress => {
    if (!options.zstd) throw new InvalidArgumentError('the neural codecs need a zstd compressor to write files (createNeuralCodecs({ zstd }))');
    return options.zstd;
  };

  /** Latents, reconstruction and head for new bases. */
  async function analyse(symbols: Uint8Array) {
    const engine = await writingEngine();
    const latents = await engine.latents(symbols);
    const reconstruction = await engine.reconstruct(latents, symbols.length);
    const head = writeHead(engine, latents, reconstruction, zstd());
    let matches = 0;
    for (let i = 0; i < symbols.length; i++) if (symbols[i] === reconstruction[i]) matches++;
    return { reconstruction, head, latentBytes: head.reduce((n, part) => n + part.length, 0), matches };
  }

  /**
   * The head of a stored record and the reconstruction it implies, verified against its checksums.
   * `plausible` checks the residual's size against `count` first: the network is the slow part, and
   * a forged count should fail before it runs.
   */
  async function recover(payload: Uint8Array, count: number, plausible: (residual: Uint8Array) => void): Promise<{ head: NeuralHead; reconstruction: Uint8Array }> {
    const head = readHead(payload, count, modelByDecoderHash);
    plausible(payload.subarray(head.residualAt));
    const engine = await asUnavailable(cached(head.decoderSha256)!);
    const reconstruction = await engine.reconstruct(head.latents, count);
    checkReconstruction(head, reconstruction, engine);
    return { head, reconstruction };
  }

  const classic: SequenceCodec = {
    ...CLASSIC_INFO,
    async encode(symbols) {
      const { reconstruction, head, latentBytes, matches } = await analyse(symbols);
      const residual = new Uint8Array(symbols.length);
      for (let i = 0; i < symbols.length; i++) residual[i] = (TO_PAPER[symbols[i]!]! - TO_PAPER[reconstruction[i]!]! + 4) & 3;
      const packed = concatBytes([u32(symbols.length), pack2bit(residual)]);
      const stored = zstd()(packed, 22);
      options.onRecord?.({ codec: 'seqcoder-classic', bases: symbols.length, latentBytes, residualBytes: stored.length, matches });
      return concatBytes([...head, stored]);
    },
    async decode(payload, count, start, end) {
      const residualBytes = 4 + packedLength(count);
      const { head, reconstruction } = await recover(payload, count, (stored) => checkExpansion(stored, residualBytes, 'residual bytes'));
      const packed = unzstdExactly(payload.subarray(head.residualAt), residualBytes, 'residual bytes');
      if (new DataView(packed.buffer, packed.byteOffset).getUint32(0, true) !== count) {
        throw new CorruptError(`the residual's length field does not say ${count} bases`);
      }
      const residual = unpack2bit(packed.subarray(4), count, start, end);
      const out = new Uint8Array(end - start);
      for (let i = 0; i < out.length; i++) out[i] = FROM_PAPER[(residual[i]! + TO_PAPER[reconstruction[start + i]!]!) & 3]!;
      return out;
    },
  };

  const guided: SequenceCodec = {
    ...GUIDED_INFO,
    async encode(symbols, level) {
      const { reconstruction, head, latentBytes, matches } = await analyse(symbols);
      const residual = cmEncode(symbols, { level, hints: reconstruction });
      options.onRecord?.({ codec: 'seqcoder', bases: symbols.length, latentBytes, residualBytes: residual.length, matches });
      return concatBytes([...head, residual]);
    },
    async decode(payload, count, start, end) {
      const { head, reconstruction } = await recover(payload, count, (stored) => {
        if (count > (stored.length + 1) * MAX_BASES_PER_CODED_BYTE) throw new CorruptError(`${stored.length} cm bytes cannot hold ${count} bases`);
      });
      try {
        return cmDecode(payload.subarray(head.residualAt), count, { hints: reconstruction }).subarray(start, end);
      } catch (e) {
        throw cmStreamError(e);
      }
    },
  };

  const deepgeco = createDeepGeCoCodec({ canonicalRuntime: options.canonicalRuntime ?? wasmRuntime });
  return { classic, guided, deepgeco };
}

function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}
