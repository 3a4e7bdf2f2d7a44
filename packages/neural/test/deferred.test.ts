/** deferNeuralCodecs (`@seqcoder/neural/deferred`): stand-ins that describe the codecs as they are and load them on first use. */
import { describe, expect, it } from 'vitest';
import { deferNeuralCodecs } from '../src/deferred.js';
import { createNeuralCodecs, type NeuralCodecs } from '../src/index.js';
import { lambda, symbolsOf, zstd } from './helpers.js';

const KEYS = ['classic', 'guided', 'deepgeco'] as const;

describe('deferNeuralCodecs', () => {
  it('describes each codec as the codec itself does, and lacks nothing of it but the work', () => {
    const real = createNeuralCodecs({ zstd });
    const standIns = deferNeuralCodecs(() => Promise.resolve(real));
    for (const key of KEYS) {
      const [codec, standIn] = [real[key], standIns[key]];
      expect(Object.keys(standIn).sort()).toEqual(Object.keys(codec).sort());
      expect({ ...standIn, encode: 0, decode: 0, sideLevel: 0 }).toEqual({ ...codec, encode: 0, decode: 0, sideLevel: 0 });
      for (let level = codec.levels.min; level <= codec.levels.max; level++) expect(standIn.sideLevel(level)).toBe(codec.sideLevel(level));
    }
  });

  it('loads the codecs once, when one first codes, and writes and reads the same bytes as they do', async () => {
    let loads = 0;
    const standIns = deferNeuralCodecs(() => {
      loads++;
      return Promise.resolve(createNeuralCodecs({ zstd }));
    });
    expect(loads).toBe(0);
    const symbols = symbolsOf(lambda).subarray(0, 900);
    const payload = await standIns.deepgeco.encode(symbols, 1);
    expect(loads).toBe(1);
    expect(payload).toEqual(await createNeuralCodecs({ zstd }).deepgeco.encode(symbols, 1));
    expect(await standIns.deepgeco.decode(payload, symbols.length, 100, 400)).toEqual(symbols.subarray(100, 400));
    expect(loads).toBe(1);
  });

  it('reports a failed load from every call that needs the codecs', async () => {
    const standIns: NeuralCodecs = deferNeuralCodecs(() => Promise.reject(new Error('no networks here')));
    await expect(standIns.classic.encode(new Uint8Array(10), 22)).rejects.toThrow('no networks here');
    await expect(standIns.deepgeco.decode(new Uint8Array(10), 10, 0, 10)).rejects.toThrow('no networks here');
  });
});
