/**
 * The trained SeqCoder autoencoders. Each model is two ONNX graphs in `models/<name>/` (the encoder:
 * 1280 bases → 4 × 80 latents; the decoder: latents → a reconstruction in (0, 1)) and a model card
 * (MODEL_CARD.md). A compressed file names the model that decodes it by the SHA-256 of its decoder
 * graph, so a renamed or retrained model can never be used by mistake.
 */

import { SeqCoderError } from '@seqcoder/errors';

export interface ModelInfo {
  readonly name: string;
  /** Bases per window. */
  readonly K: number;
  /** Latent channels; each has K/16 positions. */
  readonly P: number;
  /** SHA-256 of decoder.onnx, lower-case hex: the identity stored in files. */
  readonly decoderSha256: string;
  /** SHA-256 of encoder.onnx. */
  readonly encoderSha256: string;
}

export interface LoadedModelFiles extends ModelInfo {
  readonly encoder: Uint8Array;
  readonly decoder: Uint8Array;
}

/**
 * Every model this package ships. The hashes are checked against the files when they are loaded.
 * A model stays here for as long as files may name it: `seqcoder-p4k1280` (trained on a CPU) was
 * the default until `seqcoder-p4k1280-s22k`, the same network trained on a GPU (MODEL_CARD.md).
 */
export const MODELS: readonly ModelInfo[] = [
  {
    name: 'seqcoder-p4k1280',
    K: 1280,
    P: 4,
    decoderSha256: 'a64011a4c0690e824f4c5b8f474038da4b2c3687b9ac14f7fa54e56f2193ee60',
    encoderSha256: '4c4c6d2ed49ea29e2d33fdf8cb9354c452a7ff7a5da74436393023731a83e4da',
  },
  {
    name: 'seqcoder-p4k1280-s22k',
    K: 1280,
    P: 4,
    decoderSha256: '6a8862b38869cf4844de0e496a5243ff3bc64ae8020907ea17eac4ba081f4ac5',
    encoderSha256: '3c38847608283b72046911325dce1903205e1c61c111c7396a38068bb0ff1a78',
  },
];

export const DEFAULT_MODEL = 'seqcoder-p4k1280-s22k';

export type ModelErrorCode = 'UNKNOWN_MODEL' | 'MODEL_FILES_MISSING' | 'MODEL_FILES_CHANGED';

/** A model that is not shipped, or whose files are missing or changed. Test with `isSeqCoderError(e, code)`. */
export class ModelError extends SeqCoderError<ModelErrorCode> {
  constructor(code: ModelErrorCode, message: string) {
    super(code, message);
  }
}

export function modelInfo(name: string): ModelInfo {
  return byName(MODELS, 'model', name);
}

/** The entry of `list` called `name`, or UNKNOWN_MODEL naming what the package has. */
function byName<T extends { readonly name: string }>(list: readonly T[], kind: string, name: string): T {
  const info = list.find((m) => m.name === name);
  if (!info) throw new ModelError('UNKNOWN_MODEL', `no ${kind} "${name}" (this package has: ${list.map((m) => m.name).join(', ')})`);
  return info;
}

/** The shipped model whose decoder has this SHA-256, if any. */
export function modelByDecoderHash(sha256: string): ModelInfo | undefined {
  return MODELS.find((m) => m.decoderSha256 === sha256);
}

/** SHA-256 as lower-case hex, with Web Crypto (Node 20+ and browsers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Checks graph bytes (from disk, or fetched by a browser) against the shipped hashes. */
export async function checkModelFiles(info: ModelInfo, encoder: Uint8Array, decoder: Uint8Array): Promise<LoadedModelFiles> {
  const [encoderSha256, decoderSha256] = await Promise.all([sha256Hex(encoder), sha256Hex(decoder)]);
  if (encoderSha256 !== info.encoderSha256 || decoderSha256 !== info.decoderSha256) {
    throw new ModelError('MODEL_FILES_CHANGED', `the ONNX files of ${info.name} do not match their recorded SHA-256; reinstall @seqcoder/models`);
  }
  return { ...info, encoder, decoder };
}

/** Reads a shipped model's graphs from this package's `models/` folder (Node). */
export async function loadModel(name: string = DEFAULT_MODEL): Promise<LoadedModelFiles> {
  const info = modelInfo(name);
  const { readFile } = await import('node:fs/promises');
  const read = async (file: string): Promise<Uint8Array> => {
    const url = new URL(`../models/${info.name}/${file}`, import.meta.url);
    try {
      return new Uint8Array(await readFile(url));
    } catch (e) {
      throw new ModelError('MODEL_FILES_MISSING', `${info.name}/${file} is missing from @seqcoder/models (${(e as Error).message})`);
    }
  };
  return checkModelFiles(info, await read('encoder.onnx'), await read('decoder.onnx'));
}

/**
 * A k-mer denoiser (training/kmer_denoiser.py, the "Bioseq Autoencoder Prototype" notebook): one
 * ONNX graph, `models/<name>/denoiser.onnx`, one-hot k-mers `kmers` [N, k, 4] in (A, C, G, T),
 * per-base logits `logits` [N, k, 4] out. See MODEL_CARD.md for what it does and does not do.
 */
export interface DenoiserInfo {
  readonly name: string;
  readonly k: number;
  /** SHA-256 of denoiser.onnx, lower-case hex. */
  readonly sha256: string;
}

export const DENOISERS: readonly DenoiserInfo[] = [
  { name: 'kmer-denoiser-k31', k: 31, sha256: '38b3c13fc8c64333c0202d00af0b45b8cee757466f01b22350892c3dfb410609' },
];

export const DEFAULT_DENOISER = 'kmer-denoiser-k31';

export function denoiserInfo(name: string): DenoiserInfo {
  return byName(DENOISERS, 'denoiser', name);
}

/** Reads a shipped denoiser's graph (Node) and checks it against its recorded SHA-256. */
export async function loadDenoiser(name: string = DEFAULT_DENOISER): Promise<DenoiserInfo & { readonly graph: Uint8Array }> {
  const info = denoiserInfo(name);
  return { ...info, graph: await readGraph(info.name, 'denoiser.onnx', info.sha256) };
}

/** One graph of a shipped model (Node), checked against its recorded SHA-256. */
async function readGraph(model: string, file: string, sha256: string): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  let graph: Uint8Array;
  try {
    graph = new Uint8Array(await readFile(new URL(`../models/${model}/${file}`, import.meta.url)));
  } catch (e) {
    throw new ModelError('MODEL_FILES_MISSING', `${model}/${file} is missing from @seqcoder/models (${(e as Error).message})`);
  }
  if ((await sha256Hex(graph)) !== sha256) {
    throw new ModelError('MODEL_FILES_CHANGED', `${file} of ${model} does not match its recorded SHA-256; reinstall @seqcoder/models`);
  }
  return graph;
}

/**
 * A genome generator (training/genome_vae.py, the "Genome VAE Generator" project): the decoder of
 * a variational autoencoder, `models/<name>/decoder.onnx`, latent `z` [N, latent] in, the logits
 * of each 6-mer token of a chunk `logits` [N, tokens, 4^k] out. See its MODEL_CARD.md.
 */
export interface GeneratorInfo {
  readonly name: string;
  /** Bases per token (tokens do not overlap) and tokens per chunk. */
  readonly k: number;
  readonly tokens: number;
  readonly latent: number;
  /** SHA-256 of decoder.onnx, lower-case hex. */
  readonly sha256: string;
}

export const GENERATORS: readonly GeneratorInfo[] = [
  { name: 'genome-vae-chlamydia', k: 6, tokens: 166, latent: 32, sha256: 'b551e8e6ff89d87e7c0cc10dd32f6522a30e9efd8707086ed39026b411c4abac' },
];

export const DEFAULT_GENERATOR = 'genome-vae-chlamydia';

export function generatorInfo(name: string): GeneratorInfo {
  return byName(GENERATORS, 'generator', name);
}

/** Reads a shipped generator's decoder graph (Node) and checks it against its recorded SHA-256. */
export async function loadGenerator(name: string = DEFAULT_GENERATOR): Promise<GeneratorInfo & { readonly graph: Uint8Array }> {
  const info = generatorInfo(name);
  return { ...info, graph: await readGraph(info.name, 'decoder.onnx', info.sha256) };
}

/**
 * DeepGeCo's Warm-Start model (training/deepgeco_warmstart.py): the frozen predictor pre-trained on
 * other genomes, `models/<name>/warmstart.onnx`. In: the last `context` tokens `tokens` [N, context]
 * as float32 token ids 0..4^k − 1 (a token is k bases, A C G T = 0 1 2 3, first base most
 * significant); out: the next token's logits `logits` [N, 4^k]. See its MODEL_CARD.md.
 *
 * Its twin `warmstart-features.onnx` (training/deepgeco_features.py) is the same network whose one
 * output `logits_features` [N, 4^k + features] is the logits followed by the input of the output
 * layer, which DeepGeCo's ULTRA mode fine-tunes on the record it codes.
 *
 * `warmstart.weights` (training/deepgeco_weights.py) holds the graph's weights for SeqCoder's own
 * Warm-Start kernel, which computes the logits and the features itself, without onnxruntime. Files
 * name the model by the hash of what computed their network: the weights (since ADR 0030), or a
 * graph (older files, which onnxruntime-web decodes).
 */
export interface WarmStartInfo {
  readonly name: string;
  /** Bases per token. */
  readonly k: number;
  /** Tokens of context. */
  readonly context: number;
  /** SHA-256 of warmstart.onnx, lower-case hex: the identity stored in `deepgeco` files. */
  readonly sha256: string;
  /** Width of the output layer's input: the twin graph's columns after the logits. */
  readonly features: number;
  /** SHA-256 of warmstart-features.onnx: the identity stored in older files of the ULTRA mode. */
  readonly featuresSha256: string;
  /** SHA-256 of warmstart.weights: the identity stored in files whose network SeqCoder's kernel computed (every mode). */
  readonly weightsSha256: string;
}

/**
 * A Warm-Start file: the graph (`logits`), its twin with the features too (`features`), or the
 * weights for SeqCoder's kernel (`weights`).
 */
export type WarmStartGraph = 'logits' | 'features' | 'weights';

const WARM_START_FILES: Record<WarmStartGraph, { file: string; sha256: (info: WarmStartInfo) => string }> = {
  logits: { file: 'warmstart.onnx', sha256: (info) => info.sha256 },
  features: { file: 'warmstart-features.onnx', sha256: (info) => info.featuresSha256 },
  weights: { file: 'warmstart.weights', sha256: (info) => info.weightsSha256 },
};

export const WARM_STARTS: readonly WarmStartInfo[] = [
  {
    name: 'deepgeco-warmstart-h32c16',
    k: 3,
    context: 16,
    sha256: '934b7f8205f5de5fee42c21860c501565337b6899e978d1a4d43b56a4f498387',
    features: 192,
    featuresSha256: '570a733380e8d525b1060ede6321e3380b75924a3eee09743abcc10c7c319289',
    weightsSha256: '838fbe430c2ceef197c80394602844897ba515a7c1ec39d867fefcfd6e4e147f',
  },
  {
    name: 'deepgeco-warmstart-h16c8',
    k: 3,
    context: 8,
    sha256: 'fdb787df5b5ed127bfac0859b449344eb7414221002dd8fc8acf37553e463216',
    features: 160,
    featuresSha256: '91ce8c72e4a56c500fd614b3725dc0d0ff7c5eb91bcab58442ca3b33af583516',
    weightsSha256: '15c90791ddc52b62870af1a8f137847eb963752c3bd61bcfadebc675329ae499',
  },
];

export const DEFAULT_WARM_START = 'deepgeco-warmstart-h32c16';

/**
 * The Warm-Start model DeepGeCo's MINI mode writes with: GRUs of 16 over 8 tokens, a quarter of the
 * default's multiply-adds, so that MINI, which runs the network on every token, codes at the
 * paper's speed on one CPU core; 0.9% larger on the held-out genome (see its MODEL_CARD.md).
 */
export const MINI_WARM_START = 'deepgeco-warmstart-h16c8';

export function warmStartInfo(name: string): WarmStartInfo {
  return byName(WARM_STARTS, 'warm-start model', name);
}

/** The shipped Warm-Start model whose file `graph` (warmstart.onnx, its twin, or the weights) has this SHA-256, if any. */
export function warmStartByHash(sha256: string, graph: WarmStartGraph = 'logits'): WarmStartInfo | undefined {
  return WARM_STARTS.find((m) => WARM_START_FILES[graph].sha256(m) === sha256);
}

/** Reads a shipped Warm-Start file (Node): the graph, its twin with the features, or the weights; checked against its recorded SHA-256. */
export async function loadWarmStart(name: string = DEFAULT_WARM_START, graph: WarmStartGraph = 'logits'): Promise<WarmStartInfo & { readonly graph: Uint8Array }> {
  const info = warmStartInfo(name);
  const { file, sha256 } = WARM_START_FILES[graph];
  return { ...info, graph: await readGraph(info.name, file, sha256(info)) };
}
