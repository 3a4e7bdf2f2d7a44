/**
 * Where the tests find real genomes (`../shared/data` beside the repository, or the folder
 * SEQCODER_DATA names), and how several test files share them so that vitest's workers run the
 * long round trips on every core. Used by the format's and the CLI's data tests.
 *
 * Without the folder those tests skip with a message, so a fresh clone elsewhere passes; with
 * SEQCODER_REQUIRE_DATA=1 (set by .ci/run, where the data is always present) its absence fails.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DATA = resolve(process.env.SEQCODER_DATA ?? join(__dirname, '..', '..', 'shared', 'data'));
export const DATA_PRESENT = existsSync(DATA);

if (!DATA_PRESENT && process.env.SEQCODER_REQUIRE_DATA === '1') {
  throw new Error(`${DATA} is absent, and SEQCODER_REQUIRE_DATA=1 requires it`);
}

/** Says once per test file that its real-genome tests are skipped, and why. */
export function warnIfAbsent(what: string): void {
  if (!DATA_PRESENT) console.warn(`[skip] ${DATA} is absent: ${what} skipped (set SEQCODER_DATA to run them)`);
}

/** Index files that samtools or bgzip leave beside a FASTA file (`samtools faidx`): not data. */
const INDEX_FILE = /\.(fai|gzi)$/;

/** Every file under DATA but index files, in name order (none when it is absent). */
export function dataFiles(dir = DATA): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .filter((name) => !INDEX_FILE.test(name))
    .flatMap((name) => (statSync(join(dir, name)).isDirectory() ? dataFiles(join(dir, name)) : [join(dir, name)]));
}

/**
 * Share `part` (1..parts) of `files`: dealt largest first, back and forth, so that every share
 * holds about as many bytes and the test files that run them in parallel end together.
 */
export function dataShare(files: string[], part: number, parts: number): string[] {
  const bySize = [...files].sort((a, b) => statSync(b).size - statSync(a).size || a.localeCompare(b));
  return bySize.filter((_, i) => {
    const round = Math.floor(i / parts);
    const seat = i % parts;
    return (round % 2 === 0 ? seat : parts - 1 - seat) === part - 1;
  });
}
