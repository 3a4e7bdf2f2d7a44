/**
 * Neural records under damage: bit flips, byte changes and splices inside the sequence frame of a
 * neural file, with the frame's CRC recomputed so that the damage reaches the codec (as a forger
 * would). Every case must end in a typed error or in exactly the original file: wrong bases that
 * the reconstruction checksums cannot see are caught by the record's checksum. Each case that gets
 * past the head runs the decoder network, so CI runs NEURAL_FUZZ_CASES (default 150) per codec;
 * `pnpm fuzz --neural N` runs more (FUZZ_SEED replays a run, FUZZ_PROGRESS feeds its watchdog).
 */
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import { compress, crc32c, decompress, isSeqCoderError } from '@seqcoder/format';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDeepGeCoCodec, registerNeuralCodecs, wasmRuntime } from '../src/index.js';
import { lambda, symbolsOf, zstd } from './helpers.js';

const CASES = Number(process.env.NEURAL_FUZZ_CASES ?? 150);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const PROGRESS = process.env.FUZZ_PROGRESS;
const TYPED = new Set(['CORRUPT', 'CHECKSUM_MISMATCH', 'UNSUPPORTED_FEATURE', 'MODEL_UNAVAILABLE', 'RECONSTRUCTION_MISMATCH', 'LIMIT_EXCEEDED']);
const fasta = new TextEncoder().encode(`>damaged\n${Array.from(symbolsOf(lambda).subarray(0, 3000), (s) => 'ACGT'[s]).join('')}\n`);

/** The payload range of the first sequence frame (type 2); frames start after the 16-byte file header. */
function sequenceFrame(file: Uint8Array): { header: number; start: number; end: number } {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  for (let at = 16; ; ) {
    const length = view.getUint32(at + 2, true);
    if (file[at] === 2) return { header: at, start: at + 10, end: at + 10 + length };
    at += 10 + length;
  }
}
beforeAll(() => {
  registerNeuralCodecs({ zstd });
});

/** Counts how one damaged case ended: `expected` exactly (anything else fails), or a typed error (an untyped one fails). */
async function tally(outcomes: Record<string, number>, decode: () => Uint8Array | Promise<Uint8Array>, expected: Uint8Array): Promise<void> {
  try {
    const out = await decode();
    expect(Buffer.compare(Buffer.from(out), Buffer.from(expected))).toBe(0);
    outcomes.exact = (outcomes.exact ?? 0) + 1;
  } catch (e) {
    if (!isSeqCoderError(e) || !TYPED.has(e.code)) throw e;
    outcomes[e.code] = (outcomes[e.code] ?? 0) + 1;
  }
}

describe.each(['seqcoder-classic', 'seqcoder', 'deepgeco'])('%s record fuzzing', (codec) => {
  it(`ends ${CASES} damaged records in a typed error or the exact file`, async () => {
    const file = await compress(fasta, { codec, zstd });
    const frame = sequenceFrame(file);
    const size = frame.end - frame.start;
    const outcomes: Record<string, number> = {};
    let done = 0;
    const damage = fc.oneof(
      fc.record({ kind: fc.constant('flip'), at: fc.nat(size - 1), bit: fc.nat(7) }),
      fc.record({ kind: fc.constant('byte'), at: fc.nat(size - 1), value: fc.nat(255) }),
      fc.record({ kind: fc.constant('splice'), at: fc.nat(size - 1), from: fc.nat(size - 1), length: fc.integer({ min: 1, max: 64 }) }),
    );
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        if (PROGRESS && ++done % 20 === 0) appendFileSync(PROGRESS, `${codec} ${done} ${JSON.stringify(d)}\n`);
        const bad = file.slice();
        const payload = bad.subarray(frame.start, frame.end);
        if (d.kind === 'flip') payload[d.at]! ^= 1 << d.bit;
        else if (d.kind === 'byte') payload[d.at] = d.value;
        else payload.set(file.subarray(frame.start + d.from, Math.min(frame.end, frame.start + d.from + d.length)).slice(0, size - d.at), d.at);
        // Reseal: the frame CRC covers header bytes 0-5 and the payload.
        new DataView(bad.buffer).setUint32(frame.header + 6, crc32c(payload, crc32c(bad.subarray(frame.header, frame.header + 6))), true);
        await tally(outcomes, () => decompress(bad), fasta);
      }),
      { numRuns: CASES, seed: SEED },
    );
    expect(Object.values(outcomes).reduce((a, b) => a + b, 0)).toBe(CASES);
    if (PROGRESS) console.log(codec, outcomes);
  }, 300_000);
});

// The records above hold what the registered codec keeps: for these 3,000 bases of lambda, which
// the Warm-Start was trained on, MINI's payload (PLUS keeps it on a short record where it is
// smaller), and never ULTRA's fitted layer (kept only where it pays). PLUS's own payload, one
// with a fitted layer and the fourth mode's (a cm stream steered by the Warm-Start) are fuzzed
// here as payloads.
describe.each([
  { mode: 'PLUS', level: 2, options: { miniTrial: false } },
  { mode: 'ULTRA', level: 3, options: { ultraLayer: 'always' as const } },
  { mode: 'CM', level: 4, options: {} },
])('deepgeco $mode payload fuzzing', ({ mode, level, options }) => {
  it(`ends ${CASES} damaged payloads in a typed error or the exact bases`, async () => {
    const codec = createDeepGeCoCodec({ canonicalRuntime: wasmRuntime, ...options });
    const symbols = symbolsOf(lambda).subarray(0, 1200); // shorter than above: every case decodes
    const payload = await codec.encode(symbols, level);
    expect(payload[0]).toBe(level);
    const size = payload.length;
    const outcomes: Record<string, number> = {};
    // half the cases in the head (and ULTRA's layer), where a change is not caught by the coded stream
    const at = fc.oneof(fc.nat(Math.min(size, 400) - 1), fc.nat(size - 1));
    const damage = fc.oneof(
      fc.record({ kind: fc.constant('flip'), at, bit: fc.nat(7) }),
      fc.record({ kind: fc.constant('byte'), at, value: fc.nat(255) }),
      fc.record({ kind: fc.constant('cut'), at }),
    );
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        let bad = payload.slice();
        if (d.kind === 'flip') bad[d.at]! ^= 1 << d.bit;
        else if (d.kind === 'byte') bad[d.at] = d.value;
        else bad = bad.subarray(0, d.at);
        await tally(outcomes, () => codec.decode(bad, symbols.length, 0, symbols.length), symbols);
      }),
      { numRuns: CASES, seed: SEED },
    );
    if (PROGRESS) console.log(`deepgeco ${mode}`, outcomes);
  }, 300_000);
});
