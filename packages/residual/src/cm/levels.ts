/**
 * Level policy: which model each `--level` writes. Unlike the models (models.ts), this may change
 * between versions without breaking a file: the payload names its model, not its level. Chosen by
 * measurement (ADRs 0005, 0009, 0010, 0011, 0018, 0031, 0034, 0035, 0037).
 */

/** What `--level` chooses: the model each level writes today. */
export const CM_LEVELS: Readonly<Record<number, number>> = { 1: 9, 2: 24, 3: 11, 4: 19 };

/**
 * What `--level` chooses when the bases come with side information (the neural codec's
 * reconstruction): a hint is one more mixer input, so level 1 keeps model 5, which has a mixer.
 * Level 2 keeps model 10, whose full match table the neural codec was measured with (the network,
 * not the match table, sets its speed), and level 4 model 12: the repeat models of model 19 were
 * not measured with side information.
 */
export const CM_HINTED_LEVELS: Readonly<Record<number, number>> = { ...CM_LEVELS, 1: 5, 2: 10, 4: 12 };

/**
 * Models a level also tries on a record of at most `maxBases` bases, besides the one CM_LEVELS
 * names: the encoder codes the record with each and keeps the smallest payload (the payload names
 * its model, so the decoder is unchanged). Levels 3 and 4 do this on every short record, so that
 * there they stay smaller than level 2 (ADR 0011); a short record takes under a second.
 *
 * A level with a `budget` tries only the records its caller grants a trial (CmOptions.trial): the
 * archive writer grants them to short records until `budget` bases of them have been tried in an
 * archive (an append to it, which codes only the new files, has a budget of its own). Level 2, the
 * default, thus codes a small genome (a virus, a phage, a plasmid, a chromosome under 2^18 bases)
 * with the short-record model where that is smaller, and spends at most a quarter of a megabase of
 * trials on an archive: a draft assembly of many short contigs is not coded 1.3–1.5 times slower
 * (ADR 0011, second addendum).
 */
export const CM_SHORT_RECORD_TRIALS: Readonly<Record<number, { maxBases: number; models: readonly number[]; budget?: number }>> = {
  2: { maxBases: 2 ** 18, models: [13], budget: 2 ** 18 },
  3: { maxBases: 2 ** 18, models: [13] },
  4: { maxBases: 2 ** 18, models: [13, 14, 26] },
};

/** The levels users choose from, and the default. */
export const CM_LEVEL_RANGE = { min: 1, max: 4, default: 2 } as const;

/**
 * The model the reference codec's aligned groups (every base, with its alignment's base as a
 * hint) are coded with at each level; level 1 has none, so its groups are never aligned.
 */
export const CM_ALIGNED_LEVELS: Readonly<Record<number, number>> = { 2: 25, 3: 16, 4: 21 };
