/**
 * The models: part of the file format. A payload stores its model's number, and the decoder
 * rebuilds this exact model, so a published model never changes: a better one gets a new number
 * (and a level may move to it, in levels.ts). The golden test of test/cm.test.ts pins the bytes
 * each model writes. Chosen by measurement on the dnacorpus files (ADRs 0005, 0009, 0010, 0011, 0018,
 * 0031, 0033, 0034, 0035).
 */
import type { ContextSpec, ModelSpec } from './model.js';

const low = (order: number, ir = false): ContextSpec => ({ order, limit: 1023, ir });
const mid = (order: number, ir = false): ContextSpec => ({ order, limit: 255, ir });
/** A context that also knows the reading frame (3 codon positions × 2 strands, or none yet). */
const framed = (order: number, limit = 1023): ContextSpec => ({ order, limit, ir: false, phase: true });
const hashed = (order: number, hashBits: number, ir = true): ContextSpec => ({ order, hashBits, limit: 255, ir });
/** Bases 3, 6, 9, 12 and 15 back: the same codon position in the previous five codons. */
const sameCodonPosition: ContextSpec = { order: 12, hashBits: 22, limit: 1023, ir: false, mask: 0x30c30c30 };
const frame = { decay: 7, order: 2 };
const match = { minLength: 16, hashBits: 22 };
/** A match kept until 12 of its last 16 predictions failed, not 9: level 2's since revision 21 (ADR 0035). */
const tolerantMatch = { ...match, maxMisses: 11 };
const repeats = { copies: 8, k: 16, seeds: 2, hashBits: 22, maxMisses: 12 };

/** Orders 1, 2, 8 and orders 3, 4, 6 in the reading frame, plus the match models. */
const framedDefault: ModelSpec = {
  contexts: [low(1), low(2), mid(8), framed(3), framed(4), framed(6)],
  match,
  mixerRate: 16,
  mixerBoost: 96,
  mixers: 1,
  phase: frame,
};
/** The default's contexts, orders 8 and 11 on both strands, two mixers. */
const framedMiddle: ModelSpec = {
  contexts: [low(1), low(2), mid(8, true), framed(3), framed(4), framed(6), mid(11, true)],
  match,
  mixerRate: 16,
  mixerBoost: 96,
  mixers: 2,
  phase: frame,
};
/** Adds orders 14 and 18 on both strands, the same-codon-position context, three mixers. */
const framedBest: ModelSpec = {
  contexts: [
    low(1), low(2), mid(8, true), framed(3), framed(4), framed(6), mid(11, true),
    hashed(14, 24), hashed(18, 24), sameCodonPosition,
  ],
  match,
  mixerRate: 16,
  mixerBoost: 96,
  mixers: 3,
  phase: frame,
};

/**
 * For short records (viruses, plasmids, contigs): every order from 1 to 4, plain and in the
 * reading frame, order 12 on both strands, the confidence mixer, smaller first weights that learn
 * faster. 0.2–0.4% smaller than model 12 under about 100 kb, larger on genomes of megabases (ADR 0011).
 */
const shortRecord: ModelSpec = {
  contexts: [low(1), low(2), low(3), low(4), framed(1), framed(2), framed(3), framed(4), mid(12, true)],
  match,
  mixerRate: 20,
  mixerBoost: 300,
  mixers: 3,
  confidence: true,
  mixerInit: 9830,
  phase: frame,
  priorCount: 4,
};

/**
 * Short records, purine or pyrimidine first: model 20 (short records with the repeat models) with
 * its first decision A/G against C/T, orders 3 and 4 also learnt from the other strand, orders 6
 * and 9 on both strands, and repeat seeds of 12 bases, which a record of kilobases holds more of
 * (ADR 0034). Model 23; model 26 adds a mixer.
 */
const purineFirstShortRecord: ModelSpec = {
  ...shortRecord,
  contexts: [low(1), low(2), low(3, true), low(4, true), framed(1), framed(2), framed(3), framed(4), low(6, true), mid(9, true), mid(12, true)],
  repeats: { ...repeats, k: 12 },
  purineFirst: true,
};

/**
 * Every model a payload can name, by its model number (the byte stored in the payload). Models
 * 1–4 are the first generation (no reading frame), kept so that their files decode forever.
 */
export const CM_MODELS: Readonly<Record<number, ModelSpec>> = {
  1: { contexts: [low(3), low(6)], match, mixerRate: 16, mixers: 1 },
  2: { contexts: [low(1), low(2), low(3), low(4), low(6), mid(8)], match, mixerRate: 16, mixers: 1 },
  3: {
    contexts: [low(1), low(2), low(3, true), low(4, true), low(6, true), mid(8, true), mid(11, true)],
    match,
    mixerRate: 16,
    mixers: 2,
  },
  4: {
    contexts: [
      low(1), low(2), low(3, true), low(4, true), low(6, true),
      mid(8, true), mid(9, true), mid(10, true), mid(11, true), mid(12, true),
      { order: 14, hashBits: 22, limit: 255, ir: true },
    ],
    match,
    mixerRate: 16,
    mixers: 3,
  },
  /** The first fast model (level 1 until model 9): one order-4 context in the reading frame; no match model. */
  5: { contexts: [framed(4)], match: null, mixerRate: 16, mixerBoost: 96, mixers: 1, phase: frame },
  6: framedDefault,
  7: framedMiddle,
  8: framedBest,
  /**
   * Fast: model 5's one framed order-4 context coded as it is, without a mixer or secondary
   * estimation: twice the speed for 0.3–0.5% more on genomes (ADR 0010). Its counters start as
   * if they had seen 6 bases, which a mixer would otherwise have to make up for.
   */
  9: { contexts: [framed(4)], match: null, mixerRate: 0, mixers: 0, phase: frame, priorCount: 6 },
  /**
   * Models 6, 7 and 8 with counters that start as if they had seen 4 bases: 0.05% smaller on
   * large genomes, 0.2–0.4% on files under 100 kb, at the same speed (ADR 0010).
   */
  10: { ...framedDefault, priorCount: 4 },
  11: { ...framedMiddle, priorCount: 4 },
  12: { ...framedBest, priorCount: 4 },
  /** Short records, with the frame detector of models 5–12 (2^7 bases of memory, order 2). */
  13: shortRecord,
  /** Short records, with a longer-memory frame detector on order-1 codon statistics (best on BuEb, an RNA virus). */
  14: { ...shortRecord, phase: { decay: 8, order: 1 } },
  /**
   * Models 10, 11 and 12 for the reference codec's aligned groups (ADR 0016): every base of the
   * group, each with the base its alignment puts there as a hint (or none), weighed by the
   * `aligned` side-information models. Only with hints.
   */
  15: { ...framedDefault, priorCount: 4, aligned: true },
  16: { ...framedMiddle, priorCount: 4, aligned: true },
  17: { ...framedBest, priorCount: 4, aligned: true },
  /**
   * Model 10 with a match table that fits the processor's cache: 2^18 slots (1 MB), filled with
   * the k-mers that end at every 4th base. Model 10's table (2^22 slots, every base) misses the
   * cache on nearly every base of a genome of megabases; this one costs 0.10% in size over the 21
   * genomes of the measurement and takes about 30% less time (ADR 0018). The default level.
   */
  18: { ...framedDefault, priorCount: 4, match: { ...match, hashBits: 18, step: 4 } },
  /**
   * Model 12 with the repeat models: 8 copies at once, found by 16-base seeds (the 2 latest
   * occurrences on each strand), each kept until 13 of its last 16 predictions failed. 0.25% smaller
   * than model 12 on 15 bacterial genomes, 4% on three related Blochmannia genomes in a row, in
   * about 30% more time (ADR 0031). Level 4.
   */
  19: { ...framedBest, priorCount: 4, repeats },
  /** Model 13 (short records) with the repeat models: a trial of level 4 until revision 20 (model 23 since). */
  20: { ...shortRecord, repeats },
  /**
   * Model 17 (aligned groups) with the repeat models: level 4's aligned `ref` groups, whose genomes
   * are too far apart for the alignment to cover much; the copies in earlier genomes that it misses
   * are what the repeat models follow (ADR 0031).
   */
  21: { ...framedBest, priorCount: 4, aligned: true, repeats },
  /**
   * Model 19 (level 4) with an outside predictor's probabilities as two more inputs: DeepGeCo's
   * Warm-Start network in its fourth mode, which writes this model inside a `deepgeco` payload
   * (ADR 0033). Never a `cm` level: the decoder runs the network once per 3-base token. Only with
   * a predictor.
   */
  22: { ...framedBest, priorCount: 4, repeats, predicted: true },
  /**
   * Short records, purine or pyrimidine first (purineFirstShortRecord above). Level 4's trial in
   * place of model 20 in revisions 20 and 21 (model 26 since): smaller than model 20 on 87 of 139
   * records under 2^18 bases, 0.06% over all of them (ADR 0034).
   */
  23: purineFirstShortRecord,
  /**
   * Model 18 whose matches are followed until 12 of their last 16 predictions failed, not 9: a
   * repeat diverged by 15–30% (an IS element's copies, a paralogue, a related genome in a row)
   * keeps its match through the substitutions that dropped it. 0.03–0.09% smaller on bacterial
   * genomes, 1.7% on three related Blochmannia genomes in a row, at the same speed (ADR 0035).
   * The default level since revision 21.
   */
  24: { ...framedDefault, priorCount: 4, match: { ...tolerantMatch, hashBits: 18, step: 4 } },
  /**
   * Model 15 (level 2's aligned groups) with model 24's tolerance: the genomes of an aligned group
   * hold copies of each other that the alignment misses, diverged by as much as species are.
   * 0.9% smaller on nine Blochmannia genomes of several species, 0.07–0.08% on two folders of
   * drafts, at the same speed (ADR 0035). Level 2's aligned groups since revision 21.
   */
  25: { ...framedDefault, priorCount: 4, aligned: true, match: tolerantMatch },
  /**
   * Model 23 with a fourth layer-1 mixer whose weights are chosen by the reading frame and the
   * last base. Smaller than model 23 on 123 of 139 records under 2^18 bases (14 ties), 0.05% over
   * all of them, in about 2% more time (ADR 0037). Level 4's trial in place of model 23 since
   * revision 22.
   */
  26: { ...purineFirstShortRecord, frameMixer: true },
};

/** The first model with the reading frame, the 1-byte flush and the payload layout 2. */
export const FIRST_LAYOUT_2_MODEL = 5;

/**
 * Model number `model` sized for coding `count` symbols: tables are shrunk to what the input can
 * fill, so a short record does not allocate (and clear) hundreds of megabytes. Depends only on the
 * model number and the count, both of which the decoder knows.
 */
export function modelFor(model: number, count: number): ModelSpec {
  const spec = CM_MODELS[model]!;
  // Twice the next power of two above the count (both strands), at least 2^12.
  const fit = Math.max(12, 33 - Math.clz32(Math.max(1, count)));
  return {
    ...spec,
    contexts: spec.contexts.map((c) => {
      const bits = c.hashBits ?? 2 * c.order;
      return bits > fit + 1 ? { ...c, hashBits: fit + 1 } : c;
    }),
    match: spec.match ? { ...spec.match, hashBits: Math.min(spec.match.hashBits, fit) } : null,
    ...(spec.repeats ? { repeats: { ...spec.repeats, hashBits: Math.min(spec.repeats.hashBits, fit) } } : {}),
  };
}
