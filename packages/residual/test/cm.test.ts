import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CM_ALIGNED_LEVELS,
  CM_BLOCK_RANGE,
  CM_HINTED_LEVELS,
  CM_LEVEL_RANGE,
  CM_LEVELS,
  CM_MODELS,
  CM_SHORT_RECORD_TRIALS,
  CmDecoder,
  CmEncoder,
  CodedStreamError,
  InvalidInputError,
  MAX_BASES_PER_CODED_BYTE,
  cmDecode,
  cmEncode,
  cmEncodeSteps,
  cmPayloadModel,
  runSteps,
  type BasePredictor,
} from '../src/index.js';
import { DnaModel } from '../src/cm/model.js';

/** A reproducible genome-like sequence: random stretches, a mutated repeat, a reverse-complement copy. */
function sampleGenome(n: number, seed = 1): Uint8Array {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 8;
  };
  const out = new Uint8Array(n);
  const third = Math.floor(n / 3);
  for (let i = 0; i < third; i++) out[i] = rand() & 3;
  for (let i = third; i < 2 * third; i++) out[i] = rand() % 50 === 0 ? rand() & 3 : out[i - third]!; // 2% substitutions
  for (let i = 2 * third; i < n; i++) out[i] = 3 - out[2 * third - 1 - (i - 2 * third)]!; // reverse complement
  return out;
}

/**
 * A stand-in for model 22's outside predictor (DeepGeCo's Warm-Start in the codec): it guesses
 * that a base repeats the one 3 before it, with probability 0.7, and writes what that implies for
 * each binary decision. Deterministic, and it reads only the bases before `pos`, as a decoder's must.
 */
const periodThree: BasePredictor = {
  predict(history, pos, out) {
    const q = [0.25, 0.25, 0.25, 0.25];
    if (pos >= 3) q.fill(0.1)[history[pos - 3]!] = 0.7;
    out[0] = Math.round(4096 * (q[2]! + q[3]!));
    out[1] = Math.round((4096 * q[1]!) / (q[0]! + q[1]!));
    out[2] = Math.round((4096 * q[3]!) / (q[2]! + q[3]!));
  },
};

/** What model `model` needs besides the symbols: a predictor for model 22. */
const needs = (model: number) => (CM_MODELS[model]!.predicted ? { predictor: periodThree } : {});

const levels = Array.from({ length: CM_LEVEL_RANGE.max - CM_LEVEL_RANGE.min + 1 }, (_, i) => CM_LEVEL_RANGE.min + i);
const models = Object.keys(CM_MODELS).map(Number);

describe('cm codec', () => {
  it.each(models)('round-trips edge cases with model %i', (model) => {
    for (const input of [new Uint8Array(0), Uint8Array.of(0), Uint8Array.of(3, 2, 1, 0), new Uint8Array(5000), new Uint8Array(5000).fill(3)]) {
      expect(cmDecode(cmEncode(input, { model, ...needs(model) }), input.length, needs(model))).toEqual(input);
    }
  });

  it.each(models)('round-trips and models a genome-like sequence with model %i', (model) => {
    const input = sampleGenome(60_000);
    const payload = cmEncode(input, { model, ...needs(model) });
    expect(cmPayloadModel(payload)).toBe(model);
    expect(cmDecode(payload, input.length, needs(model))).toEqual(input);
    // With a match model the repeat and the reverse-complement copy are nearly free: well under 2
    // bits per base overall. The fast models have none and still learn the repeat's contexts; the
    // one without a mixer (model 9) less well.
    const spec = CM_MODELS[model]!;
    expect((payload.length * 8) / input.length).toBeLessThan(spec.match ? 1.0 : spec.mixers > 0 ? 1.3 : 1.45);
  });

  it('writes the model each level names, and the default level by default', () => {
    // The policy as written down here, not read back from CM_LEVELS: a change to levels.ts must be deliberate.
    const expected: Record<number, number> = { 1: 9, 2: 24, 3: 11, 4: 19 };
    expect(CM_LEVELS).toEqual(expected);
    const input = sampleGenome(2 ** 18 + 1); // longer than any short-record trial
    for (const level of levels) {
      expect(CM_SHORT_RECORD_TRIALS[level]?.maxBases ?? 0).toBeLessThan(input.length);
      expect(cmPayloadModel(cmEncode(input, { level }))).toBe(expected[level]);
    }
    expect(cmPayloadModel(cmEncode(sampleGenome(500)))).toBe(expected[CM_LEVEL_RANGE.default]);
    // a trial granted to a record too long for it changes nothing
    expect(cmEncode(input, { level: 2, trial: true })).toEqual(cmEncode(input, { level: 2 }));
    // and the trials, also written down: level 2's only within the budget the writer grants
    expect(CM_SHORT_RECORD_TRIALS).toEqual({
      2: { maxBases: 2 ** 18, models: [13], budget: 2 ** 18 },
      3: { maxBases: 2 ** 18, models: [13] },
      4: { maxBases: 2 ** 18, models: [13, 14, 26] },
    });
    // and the models of the reference codec's aligned groups, and of the neural codec's side information
    expect(CM_ALIGNED_LEVELS).toEqual({ 2: 25, 3: 16, 4: 21 });
    expect(CM_HINTED_LEVELS).toEqual({ 1: 5, 2: 10, 3: 11, 4: 12 });
  }, 30_000); // four levels over 2^18 bases: about 4 s alone, more beside the other packages' tests

  it.each(Object.keys(CM_SHORT_RECORD_TRIALS).map(Number))('on a short record, level %i keeps the smallest of its trial models', (level) => {
    const candidates = [CM_LEVELS[level]!, ...CM_SHORT_RECORD_TRIALS[level]!.models];
    // Random bases with every third one T, where the short-record models win, and words drawn from
    // 32 random 7-mers, where the level's own model (with order 8) wins: the choice follows the data.
    let s = 5;
    const rand = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16;
    const codons = Uint8Array.from({ length: 30_000 }, (_, i) => (i % 3 === 2 ? 3 : rand() & 3));
    const vocabulary = Array.from({ length: 32 }, () => Array.from({ length: 7 }, () => rand() & 3));
    const words = Uint8Array.from(Array.from({ length: 4_000 }, () => vocabulary[rand() % 32]!).flat());
    const chosen = new Set<number>();
    // a level with a budget (level 2) tries only the records the writer grants a trial
    const trial = CM_SHORT_RECORD_TRIALS[level]!.budget !== undefined;
    for (const input of [codons, words]) {
      if (trial) expect(cmPayloadModel(cmEncode(input, { level }))).toBe(CM_LEVELS[level]);
      const payload = cmEncode(input, { level, trial: true });
      const sizes = candidates.map((model) => cmEncode(input, { model }).length);
      expect(payload.length).toBe(Math.min(...sizes));
      expect(cmPayloadModel(payload)).toBe(candidates[sizes.indexOf(payload.length)]);
      expect(cmDecode(payload, input.length)).toEqual(input);
      chosen.add(cmPayloadModel(payload));
    }
    expect(chosen.size).toBeGreaterThan(1);
    // Streaming in pieces gives the same choice and bytes.
    const encoder = new CmEncoder(codons.length, { level, trial: true });
    for (let at = 0; at < codons.length; at += 4096) encoder.push(codons.subarray(at, at + 4096));
    expect(encoder.finish()).toEqual(cmEncode(codons, { level, trial: true }));
  }, 30_000);

  it('with side information, writes a model that mixes it in at every level', () => {
    const input = sampleGenome(500);
    for (const level of levels) {
      const payload = cmEncode(input, { level, hints: input });
      expect(cmPayloadModel(payload)).toBe(CM_HINTED_LEVELS[level]);
      expect(CM_MODELS[CM_HINTED_LEVELS[level]!]!.mixers).toBeGreaterThan(0);
      expect(cmDecode(payload, input.length, { hints: input })).toEqual(input);
    }
    // A model without a mixer cannot take hints: refused when asked for, and a payload naming one
    // (a damaged model byte) is a coded-stream error, not a crash.
    const fast = models.find((m) => CM_MODELS[m]!.mixers === 0)!;
    expect(() => cmEncode(input, { model: fast, hints: input })).toThrow(InvalidInputError);
    const payload = cmEncode(input, { level: 2, hints: input });
    const renamed = Uint8Array.of(payload[0]!, fast, ...payload.subarray(2));
    expect(() => cmDecode(renamed, input.length, { hints: input })).toThrow(CodedStreamError);
  });

  it('gives model 26 its frame mixer only where the reading frame and all three mixers are', () => {
    // The frame mixer's weights are chosen by the reading frame; its place among the mixers assumes
    // the three chosen by context come before it.
    const spec = CM_MODELS[26]!;
    expect(spec.frameMixer).toBe(true);
    const history = new Uint8Array(16);
    expect(() => new DnaModel(spec, history)).not.toThrow();
    expect(() => new DnaModel({ ...spec, phase: undefined, contexts: spec.contexts.filter((c) => !c.phase) }, history)).toThrow(/frame mixer needs the reading frame/);
    expect(() => new DnaModel({ ...spec, mixers: 2 }, history)).toThrow(/frame mixer needs the reading frame and 3 mixers/);
    // and the mixer is used: model 26, model 23 with the frame mixer, writes other bytes than model 23
    const input = sampleGenome(20_000, 3);
    expect(cmEncode(input, { model: 26 })).not.toEqual(cmEncode(input, { model: 23 }));
  });

  it('codes purine or pyrimidine first with model 23: in blocks, in pieces, never with hints', () => {
    // Model 23 keeps the bases with their bits swapped (A G C T as 0 1 2 3) in a history of its own;
    // every path that fills a history must swap them, and the decoder must swap them back.
    const input = sampleGenome(20_000, 3);
    const whole = cmEncode(input, { model: 23 });
    expect(cmDecode(whole, input.length)).toEqual(input);
    const blocked = cmEncode(input, { model: 23, blockBases: 4096 });
    expect(cmDecode(blocked, input.length)).toEqual(input);
    // Pushed and read in pieces that cross the blocks' edges.
    const encoder = new CmEncoder(input.length, { model: 23, blockBases: 4096 });
    for (let at = 0; at < input.length; at += 3000) encoder.push(input.subarray(at, at + 3000));
    expect(encoder.finish()).toEqual(blocked);
    const decoder = new CmDecoder(blocked, input.length);
    const pieces: number[] = [];
    for (let piece = decoder.read(2500); piece.length > 0; piece = decoder.read(2500)) pieces.push(...piece);
    expect(Uint8Array.from(pieces)).toEqual(input);
    // Beside a model that codes A/C against G/T first in the same encoder (level 4's trials on a
    // short record), each lane reads its own history: the choice round-trips whichever wins.
    const level4 = cmEncode(input, { level: 4 });
    expect(cmDecode(level4, input.length)).toEqual(input);
    // Hints name bases unswapped: refused when asked for, and a payload naming model 23 beside
    // hints (a damaged model byte) is a coded-stream error.
    expect(() => cmEncode(input, { model: 23, hints: input })).toThrow(InvalidInputError);
    const hinted = cmEncode(input, { level: 4, hints: input });
    expect(() => cmDecode(Uint8Array.of(hinted[0]!, 23, ...hinted.subarray(2)), input.length, { hints: input })).toThrow(CodedStreamError);
  });

  it('codes model 22 only with an outside predictor, and mixes in what the predictor knows', () => {
    // Random bases, which no model of the record can predict, and a predictor that knows each one
    // with probability 0.7 (it reads a copy): about 1.36 bits a base instead of 2.
    let seed = 11;
    const input = Uint8Array.from({ length: 20_000 }, () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 13) & 3);
    const knows = (truth: Uint8Array): BasePredictor => ({ predict: (_history, pos, out) => periodThree.predict(truth, pos + 3, out) });
    const payload = cmEncode(input, { model: 22, predictor: knows(input) });
    expect(cmDecode(payload, input.length, { predictor: knows(input) })).toEqual(input);
    expect(payload.length).toBeLessThan(0.75 * cmEncode(input, { model: 19 }).length);
    expect(() => cmEncode(input, { model: 22 })).toThrow(InvalidInputError);
    expect(() => cmEncode(input, { model: 19, predictor: periodThree })).toThrow(InvalidInputError);
    expect(() => cmEncode(input, { level: 4, predictor: periodThree })).toThrow(InvalidInputError);
    expect(() => cmEncode(input, { model: 22, predictor: periodThree, blockBases: 4096 })).toThrow(InvalidInputError);
    // A cm payload naming model 22 (written only inside deepgeco, which gives the predictor) is a
    // coded-stream error in a plain reader; a predictor beside another model is one too.
    expect(() => cmDecode(payload, input.length)).toThrow(CodedStreamError);
    expect(() => cmDecode(cmEncode(input, { model: 19 }), input.length, { predictor: periodThree })).toThrow(CodedStreamError);
    // Another predictor decodes other bases, or runs out of stream (the deepgeco codec's checksum
    // catches the first), never the bases coded.
    let other: Uint8Array | undefined;
    try {
      other = cmDecode(payload, input.length, { predictor: knows(input.map((x) => 3 - x)) });
    } catch (e) {
      expect(e).toBeInstanceOf(CodedStreamError);
    }
    if (other) expect(other).not.toEqual(input);
  });

  it('pins the exact bytes of every model (golden)', () => {
    // If this fails, files written before the change would no longer decode: add a new model instead.
    const input = sampleGenome(30_000, 7);
    // The aligned models (15-17, 21, 25) are written only with hints: an alignment's guess of each base,
    // here the input with every 23rd base changed and every 101st unhinted.
    const hints = input.map((x, i) => (i % 101 === 0 ? 4 : i % 23 === 0 ? (x + 1) & 3 : x));
    const digests = Object.fromEntries(
      models.map((model) => {
        const payload = cmEncode(input, CM_MODELS[model]!.aligned ? { model, hints } : { model, ...needs(model) });
        return [model, createHash('sha256').update(payload).digest('hex').slice(0, 16)];
      }),
    );
    expect(digests).toEqual(GOLDEN);
  });

  it('finds repeats far back with the default level\'s cache-sized match table (models 18 and 24)', () => {
    // Its 2^18 slots hold the k-mers ending at every 4th base, so most of a 1.5 Mb record's are
    // overwritten; a repeat is still found through one of the many that survive.
    const n = 1_500_000;
    const random = new Uint8Array(n);
    for (let i = 0, seed = 5; i < n; i++) random[i] = (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 30;
    const copied = new Uint8Array(n + 8_000);
    copied.set(random);
    for (let i = 0; i < 4_000; i++) copied[n + i] = random[1_000 + i]!; // the start, forward
    for (let i = 0; i < 4_000; i++) copied[n + 4_000 + i] = 3 - random[9_000 - i]!; // and reverse-complemented
    for (const model of [18, 24]) {
      const alone = cmEncode(random, { model }).length;
      const withCopies = cmEncode(copied, { model });
      // 8,000 new bases cost about 2,000 bytes; found, the copies cost under 400 (model 10: the same)
      expect(withCopies.length - alone).toBeLessThan(600);
      expect(Buffer.compare(cmDecode(withCopies, copied.length), copied)).toBe(0); // (toEqual takes seconds on 1.5 M items)
    }
  }, 90_000);

  it('follows a diverged copy through more substitutions with a tolerant match model (model 24)', () => {
    // Four copies of one 6 kb element between random stretches, each with its own 15% of
    // substitutions (copies differ from each other at about 1 base in 4), the last reverse
    // complemented. Model 18 drops its match after 9 misses in 16, which copies this diverged reach
    // often; model 24 keeps it until 12.
    const input = divergedCopies(29, 4, 15);
    // The random stretches and the first copy hold 18,000 bases no model can predict: 4,500 bytes.
    const unpredictable = 18_000 / 4;
    const plain = cmEncode(input, { model: 18 }).length;
    const payload = cmEncode(input, { model: 24 });
    expect(cmDecode(payload, input.length)).toEqual(input);
    // The three later copies: measured 4,165 bytes with model 18 and 3,309 with model 24.
    expect(payload.length - unpredictable).toBeLessThan(0.85 * (plain - unpredictable));
  });

  it('follows several diverged copies at once with the repeat models (models 19 and 20)', () => {
    // Five copies of one 6 kb "transposon" between random stretches, each with its own 12% of
    // substitutions (every copy differs from the others at about 1 base in 5), the last two reverse
    // complemented. The match model follows one copy and drops it after 8 misses in 16; the repeat
    // models follow several through up to 12, and bases where the copies agree come nearly free.
    const input = divergedCopies(11, 5, 12);
    // The random stretches and the first copy hold 21,000 bases no model can predict: 5,250 bytes.
    const unpredictable = 21_000 / 4;
    for (const [plain, withRepeats] of [[12, 19], [13, 20]] as const) {
      const without = cmEncode(input, { model: plain }).length;
      const payload = cmEncode(input, { model: withRepeats });
      expect(cmDecode(payload, input.length)).toEqual(input);
      // The four later copies: measured 3,707 bytes with model 12 and 2,918 with model 19 (3,661
      // and 2,898 with models 13 and 20).
      expect(payload.length - unpredictable).toBeLessThan(0.85 * (without - unpredictable));
    }
  });

  it('streams in pieces with the same bytes as one call', () => {
    const input = sampleGenome(20_000, 3);
    const encoder = new CmEncoder(input.length);
    for (let at = 0; at < input.length; at += 777) encoder.push(input.subarray(at, at + 777));
    const payload = encoder.finish();
    expect(payload).toEqual(cmEncode(input));
    const decoder = new CmDecoder(payload, input.length);
    const pieces: number[] = [];
    for (let piece = decoder.read(1000); piece.length > 0; piece = decoder.read(1000)) pieces.push(...piece);
    expect(Uint8Array.from(pieces)).toEqual(input);
  });

  it('codes a long record in independent blocks, each as a record of its own, and reads a block without those before it', () => {
    const B = CM_BLOCK_RANGE.min;
    const input = sampleGenome(3 * B + 1000, 5);
    const model = CM_LEVELS[2]!;
    const payload = cmEncode(input, { level: 2, blockBases: B });
    expect(cmDecode(payload, input.length)).toEqual(input);
    // The layout as FORMAT.md states it: 3, the model, the block size, the lengths of all blocks
    // but the last, then each block's stream exactly as a record of those bases alone is coded.
    const blocks = [0, 1, 2, 3].map((i) => cmEncode(input.subarray(i * B, (i + 1) * B), { model }).subarray(2));
    const varint = (v: number): number[] => (v < 0x80 ? [v] : [(v & 0x7f) | 0x80, ...varint(v >> 7)]);
    const expected = [3, model, ...varint(B), ...blocks.slice(0, 3).flatMap((b) => varint(b.length)), ...blocks.flatMap((b) => [...b])];
    expect([...payload]).toEqual(expected);
    // Pieces of any size give the same bytes.
    const encoder = new CmEncoder(input.length, { level: 2, blockBases: B });
    for (let at = 0; at < input.length; at += 777) encoder.push(input.subarray(at, at + 777));
    expect(encoder.finish()).toEqual(payload);
    // Seeking to a base of the third block starts there; the bases before stay undecoded.
    const decoder = new CmDecoder(payload, input.length);
    expect(decoder.seek(2 * B + 10)).toBe(2 * B);
    expect(decoder.read(B + 1000)).toEqual(input.subarray(2 * B));
    expect(decoder.seek(0)).toBe(input.length); // never backwards
    // A record no longer than one block is one plain stream, byte for byte.
    expect(cmEncode(input.subarray(0, B), { level: 2, blockBases: B })).toEqual(cmEncode(input.subarray(0, B), { level: 2 }));
  });

  it('refuses bad block sizes and damaged block indexes with typed errors', () => {
    const B = CM_BLOCK_RANGE.min;
    const input = sampleGenome(2 * B + 3000, 6);
    for (const blockBases of [CM_BLOCK_RANGE.min - 1, CM_BLOCK_RANGE.max + 1, 5000.5]) {
      expect(() => cmEncode(input, { blockBases }), String(blockBases)).toThrow(InvalidInputError);
    }
    expect(() => cmEncode(input, { blockBases: B, hints: input })).toThrow(InvalidInputError);
    const payload = cmEncode(input, { blockBases: B });
    expect(() => cmDecode(payload, input.length, { hints: input })).toThrow(CodedStreamError);
    const damaged = (at: number, byte: number): Uint8Array => Uint8Array.of(...payload.subarray(0, at), byte, ...payload.subarray(at + 1));
    expect(() => cmDecode(payload, B)).toThrow(/do not fit/); // the record is not longer than a block
    expect(() => cmDecode(damaged(2, 0x10), input.length)).toThrow(CodedStreamError); // block size below the minimum
    expect(() => cmDecode(damaged(4, 0x7f), input.length)).toThrow(CodedStreamError); // first block's length
    expect(() => cmDecode(payload.subarray(0, 6), input.length)).toThrow(CodedStreamError); // index cut short
    expect(() => cmDecode(Uint8Array.of(...payload.subarray(0, 4), 0xff, 0x7f, ...payload.subarray(6)), input.length)).toThrow(/runs past the end/);
    // (A stream cut short is not always detectable by the coder; the record's checksum is.)
  });

  it('uses side information: accurate hints make the stream smaller, and decode needs the same hints', () => {
    let s = 99;
    const input = Uint8Array.from({ length: 40_000 }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16) & 3);
    const hints = input.map((x, i) => (i % 10 === 0 ? (x + 1) & 3 : x)); // 90% right
    const plain = cmEncode(input);
    const hinted = cmEncode(input, { hints });
    expect(hinted.length).toBeLessThan(plain.length * 0.5);
    expect(cmDecode(hinted, input.length, { hints })).toEqual(input);
    expect(() => {
      const wrong = cmDecode(hinted, input.length);
      if (!wrong.every((x, i) => x === input[i])) throw new CodedStreamError('diverged');
    }).toThrow(CodedStreamError);
  });

  it('rejects bad input with typed errors', () => {
    expect(() => cmEncode(Uint8Array.of(4))).toThrow(InvalidInputError);
    expect(() => cmEncode(Uint8Array.of(0), { level: 0 })).toThrow(InvalidInputError);
    expect(() => cmEncode(Uint8Array.of(0), { level: CM_LEVEL_RANGE.max + 1 })).toThrow(InvalidInputError);
    expect(() => cmEncode(Uint8Array.of(0), { model: 99 })).toThrow(InvalidInputError);
    for (const model of [2, CM_LEVELS[CM_LEVEL_RANGE.default]!]) {
      const payload = cmEncode(sampleGenome(3000), { model });
      const layout = payload[0]!;
      expect(() => cmDecode(payload.subarray(0, 2), 3000)).toThrow(CodedStreamError);
      expect(() => cmDecode(Uint8Array.of(3 - layout, ...payload.subarray(1)), 3000)).toThrow(CodedStreamError); // layout
      expect(() => cmDecode(Uint8Array.of(layout, 99, ...payload.subarray(2)), 3000)).toThrow(CodedStreamError); // model
      expect(() => cmDecode(payload.subarray(0, payload.length - 1), 3000)).toThrow(CodedStreamError); // cut
      expect(() => cmDecode(Uint8Array.of(...payload, 0), 3000)).toThrow(CodedStreamError); // extra byte
    }
    // A wrong count is not always detectable here (the last bits may decode either way); the
    // container's record checksum catches it.
  });

  it('refuses a count the payload cannot hold before allocating, and stops where the stream ends', () => {
    const payload = cmEncode(sampleGenome(3000));
    const coded = payload.length - 2 + 3; // layout 2: the decoder reads 3 zero bytes past the end
    for (const count of [MAX_BASES_PER_CODED_BYTE * coded + 1, 2 ** 31, 2 ** 40, 2 ** 53, -1, 1.5, NaN]) {
      expect(() => new CmDecoder(payload, count), String(count)).toThrow(/cannot hold/);
    }
    // A count the bound allows but the stream does not hold: decoding stops at the stream's end,
    // long before the count (a forged 16-million-base record from 500 bytes fails in milliseconds).
    const started = performance.now();
    expect(() => cmDecode(payload, MAX_BASES_PER_CODED_BYTE * coded)).toThrow(/ended early/);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('stays within the bound on the most compressible input there is', () => {
    // a million times A: the model becomes as sure as its 12-bit probabilities allow
    const count = 1_000_000;
    const payload = cmEncode(new Uint8Array(count), { model: 1 });
    const perByte = count / (payload.length - 2);
    expect(perByte).toBeGreaterThan(10_000);
    expect(perByte).toBeLessThan(11_360); // the bound the coder proves (codec.ts)
    expect(cmDecode(payload, count)).toEqual(new Uint8Array(count));
  }, 60_000);
});

/**
 * `copies` copies of one random 6 kb element, each after 3,000 random bases and with its own
 * `percent`% of substitutions; the copies from the fourth on are reverse complemented. Seeded.
 */
function divergedCopies(seed: number, copies: number, percent: number): Uint8Array {
  const rand = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 8;
  const base = (): number => rand() >>> 22; // the top bits: an LCG's low bits repeat with short periods
  const element = Uint8Array.from({ length: 6_000 }, base);
  const parts: number[] = [];
  for (let copy = 0; copy < copies; copy++) {
    for (let i = 0; i < 3_000; i++) parts.push(base());
    const mutated = Array.from(element, (b) => (rand() % 100 < percent ? (b + 1 + (base() % 3)) & 3 : b));
    parts.push(...(copy < 3 ? mutated : mutated.reverse().map((b) => 3 - b)));
  }
  return Uint8Array.from(parts);
}

/** First 16 hex digits of the SHA-256 of each model's output for sampleGenome(30_000, 7) (15-17, 21 and 25: with its hints; 22 with periodThree). */
const GOLDEN: Record<number, string> = {
  1: 'f727eed671b07563',
  2: '7948a0a9aaaf2464',
  3: '5c4a0e79928239f2',
  4: 'bc0052117ca51659',
  5: 'c9fca4c9792b20b2',
  6: 'f4baf87b41ce25a9',
  7: '3cdd5546f10cb240',
  8: '3e19f510e9decf35',
  9: '219082b784d7dc67',
  10: 'b13799dc71ec540e',
  11: 'a616d69db7cc45bf',
  12: 'c9a5fcf6fe37e1cc',
  13: '4c10599da22d193f',
  14: '1fe2f1e144043d23',
  15: '5bdfaedf43d3374e',
  16: 'fdd19fd36dc6c797',
  17: '01d6debb08b311b6',
  18: 'cd37fc7458603149',
  19: '10ee8cedf4d7e4e8',
  20: '9fbeb60630d4eee0',
  21: '7793004f1940f228',
  22: 'e75df55439387630',
  23: 'b4e28452d8f0ff54',
  24: '9f52eda18a8b218f',
  25: '0037562b2d279602',
  26: '53a1134043ce5e2f',
};

describe('a record given whole', () => {
  it("is coded from the caller's symbols, not a copy: the bytes of pushing it in pieces, and the symbols left as they were", () => {
    const input = sampleGenome(40_000, 9);
    const before = input.slice();
    for (const level of [1, 2, 4]) {
      const pieces = new CmEncoder(input.length, { level });
      for (let at = 0; at < input.length; at += 3000) pieces.push(input.subarray(at, at + 3000));
      expect(cmEncode(input, { level })).toEqual(pieces.finish());
      expect(input).toEqual(before);
    }
    // a symbol past 3 is still refused, and nothing of the caller's is changed on the way
    const bad = input.slice();
    bad[25_000] = 7;
    const badBefore = bad.slice();
    expect(() => cmEncode(bad)).toThrow(InvalidInputError);
    expect(bad).toEqual(badBefore);
    // the whole must be the record
    expect(() => new CmEncoder(10, {}, new Uint8Array(9))).toThrow(InvalidInputError);
  });
});

describe('cm coding in steps', () => {
  it("yields the symbols coded after each step, of the total, and returns cmEncode's bytes, whatever the step", () => {
    const input = sampleGenome(40_000, 12);
    for (const level of [1, 4]) {
      const whole = cmEncode(input, { level });
      for (const slice of [1 << 12, 7_777, 40_000, 1 << 20]) {
        const steps = cmEncodeSteps(input, { level }, slice);
        const seen: { done: number; total: number }[] = [];
        let step = steps.next();
        for (; !step.done; step = steps.next()) seen.push(step.value);
        expect(step.value).toEqual(whole);
        const expected = Array.from({ length: Math.ceil(input.length / slice) }, (_, i) => ({ done: Math.min(input.length, (i + 1) * slice), total: input.length }));
        expect(seen).toEqual(expected);
      }
    }
    // a decoder says how far it has read, and gives back what it decoded
    const decoder = new CmDecoder(cmEncode(input, { level: 2 }), input.length);
    decoder.read(10_000);
    expect(decoder.position).toBe(10_000);
    expect(decoder.decoded(2_000, 10_000)).toEqual(input.subarray(2_000, 10_000));
    expect(() => decoder.decoded(0, 10_001)).toThrow(RangeError);
    // runSteps runs them to their end
    expect(runSteps(cmEncodeSteps(input, { level: 2 }, 5_000))).toEqual(cmEncode(input, { level: 2 }));
    // an empty record: no step, the empty record's bytes
    expect(runSteps(cmEncodeSteps(new Uint8Array(0), {}, 5_000))).toEqual(cmEncode(new Uint8Array(0)));
  });
});
