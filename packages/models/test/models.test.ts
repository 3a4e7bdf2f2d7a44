import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DENOISER,
  DEFAULT_GENERATOR,
  DEFAULT_MODEL,
  DENOISERS,
  DEFAULT_WARM_START,
  GENERATORS,
  MINI_WARM_START,
  MODELS,
  WARM_STARTS,
  ModelError,
  checkModelFiles,
  denoiserInfo,
  generatorInfo,
  loadDenoiser,
  loadGenerator,
  loadModel,
  loadWarmStart,
  modelByDecoderHash,
  modelInfo,
  sha256Hex,
  warmStartByHash,
  warmStartInfo,
} from '../src/index.js';

describe('@seqcoder/models', () => {
  it('loads the shipped model, whose files match the recorded SHA-256', async () => {
    const model = await loadModel();
    expect(model.name).toBe(DEFAULT_MODEL);
    expect(await sha256Hex(model.decoder)).toBe(model.decoderSha256);
    expect(await sha256Hex(model.encoder)).toBe(model.encoderSha256);
    expect(model).toMatchObject({ K: 1280, P: 4 });
    expect(modelByDecoderHash(model.decoderSha256)?.name).toBe(DEFAULT_MODEL);
  });

  it('still ships every earlier autoencoder, which older files name by its decoder hash', async () => {
    expect(MODELS.map((m) => m.name)).toEqual(['seqcoder-p4k1280', 'seqcoder-p4k1280-s22k']);
    for (const info of MODELS) {
      const files = await loadModel(info.name);
      expect(await sha256Hex(files.decoder)).toBe(info.decoderSha256);
      expect(modelByDecoderHash(info.decoderSha256)).toBe(info);
    }
  });

  it('computes SHA-256 like everyone else', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('refuses changed graph bytes and unknown names with typed errors', async () => {
    const model = await loadModel();
    const changed = model.decoder.slice();
    changed[changed.length - 1]! ^= 1;
    await expect(checkModelFiles(modelInfo(DEFAULT_MODEL), model.encoder, changed)).rejects.toMatchObject({ code: 'MODEL_FILES_CHANGED' });
    expect(() => modelInfo('no-such-model')).toThrow(ModelError);
    await expect(loadModel('no-such-model')).rejects.toMatchObject({ code: 'UNKNOWN_MODEL' });
    expect(modelByDecoderHash('0'.repeat(64))).toBeUndefined();
    expect(new Set(MODELS.map((m) => m.decoderSha256)).size).toBe(MODELS.length);
  });

  it('loads the shipped k-mer denoiser, whose graph matches its recorded SHA-256', async () => {
    const denoiser = await loadDenoiser();
    expect(denoiser).toMatchObject({ name: DEFAULT_DENOISER, k: 31 });
    expect(await sha256Hex(denoiser.graph)).toBe(denoiser.sha256);
    expect(denoiserInfo(DEFAULT_DENOISER)).toBe(DENOISERS[0]);
    expect(() => denoiserInfo('no-such-denoiser')).toThrow(ModelError);
    await expect(loadDenoiser('no-such-denoiser')).rejects.toMatchObject({ code: 'UNKNOWN_MODEL' });
  });

  it('loads the shipped DeepGeCo Warm-Start models, whose graphs and weights match their recorded SHA-256', async () => {
    const warm = await loadWarmStart();
    expect(warm).toMatchObject({ name: DEFAULT_WARM_START, k: 3, context: 16, features: 192 });
    expect(warmStartInfo(MINI_WARM_START)).toMatchObject({ k: 3, context: 8, features: 160 });
    expect(warmStartInfo(DEFAULT_WARM_START)).toBe(WARM_STARTS[0]);
    expect(warmStartByHash('0'.repeat(64))).toBeUndefined();
    for (const info of WARM_STARTS) {
      const { graph } = await loadWarmStart(info.name);
      expect(await sha256Hex(graph)).toBe(info.sha256);
      expect(warmStartByHash(info.sha256)).toBe(info);
      // its twin with the features (ULTRA), named by its own hash
      const twin = await loadWarmStart(info.name, 'features');
      expect(await sha256Hex(twin.graph)).toBe(info.featuresSha256);
      expect(warmStartByHash(info.featuresSha256, 'features')).toBe(info);
      expect(warmStartByHash(info.featuresSha256)).toBeUndefined();
      expect(warmStartByHash(info.sha256, 'features')).toBeUndefined();
      // the weights for SeqCoder's own kernel, named by theirs
      const weights = await loadWarmStart(info.name, 'weights');
      expect(await sha256Hex(weights.graph)).toBe(info.weightsSha256);
      expect(warmStartByHash(info.weightsSha256, 'weights')).toBe(info);
      expect(warmStartByHash(info.weightsSha256)).toBeUndefined();
    }
    await expect(loadWarmStart('no-such-model')).rejects.toMatchObject({ code: 'UNKNOWN_MODEL' });
  });

  it('loads the shipped genome generator, whose decoder matches its recorded SHA-256', async () => {
    const generator = await loadGenerator();
    expect(generator).toMatchObject({ name: DEFAULT_GENERATOR, k: 6, tokens: 166, latent: 32 });
    expect(await sha256Hex(generator.graph)).toBe(generator.sha256);
    expect(generatorInfo(DEFAULT_GENERATOR)).toBe(GENERATORS[0]);
    await expect(loadGenerator('no-such-generator')).rejects.toMatchObject({ code: 'UNKNOWN_MODEL' });
  });
});
