/**
 * The model behind each level. A level's model is part of the format: the level number is stored
 * in every payload and the decoder rebuilds this exact model, so a published level never changes
 * (a better model gets a new level number). The golden-bytes test pins each one.
 *
 * Chosen by measurement on the dnacorpus files (ADR 0005 has the figures).
 */
import type { ContextSpec, ModelSpec } from './model.js';

const low = (order: number, ir = false): ContextSpec => ({ order, limit: 1023, ir });
const mid = (order: number, ir = false): ContextSpec => ({ order, limit: 255, ir });

export const CM_LEVELS: Readonly<Record<number, ModelSpec>> = {
  /** Fast: two context models and the match models. */
  1: { contexts: [low(3), low(6)], match: { minLength: 16, hashBits: 22 }, mixerRate: 16, mixers: 1 },
  /** Default: orders 1–8 and the match models; ~1.2 MB/s. */
  2: {
    contexts: [low(1), low(2), low(3), low(4), low(6), mid(8)],
    match: { minLength: 16, hashBits: 22 },
    mixerRate: 16,
    mixers: 1,
  },
  /** Orders 1–11 trained on both strands, two mixers. */
  3: {
    contexts: [low(1), low(2), low(3, true), low(4, true), low(6, true), mid(8, true), mid(11, true)],
    match: { minLength: 16, hashBits: 22 },
    mixerRate: 16,
    mixers: 2,
  },
  /** Best: every order from 1 to 12 and 14, both strands, three mixers. */
  4: {
    contexts: [
      low(1), low(2), low(3, true), low(4, true), low(6, true),
      mid(8, true), mid(9, true), mid(10, true), mid(11, true), mid(12, true),
      { order: 14, hashBits: 22, limit: 255, ir: true },
    ],
    match: { minLength: 16, hashBits: 22 },
    mixerRate: 16,
    mixers: 3,
  },
};

export const CM_LEVEL_RANGE = { min: 1, max: 4, default: 2 } as const;

/**
 * The model for coding `count` symbols at `level`: tables are shrunk to what the input can fill,
 * so a short record does not allocate (and clear) hundreds of megabytes. Depends only on the level
 * and the count, both of which the decoder knows.
 */
export function modelFor(level: number, count: number): ModelSpec {
  const spec = CM_LEVELS[level]!;
  // Twice the next power of two above the count (both strands), at least 2^12.
  const fit = Math.max(12, 33 - Math.clz32(Math.max(1, count)));
  return {
    ...spec,
    contexts: spec.contexts.map((c) => {
      const bits = c.hashBits ?? 2 * c.order;
      return bits > fit + 1 ? { ...c, hashBits: fit + 1 } : c;
    }),
    match: spec.match ? { ...spec.match, hashBits: Math.min(spec.match.hashBits, fit) } : null,
  };
}
