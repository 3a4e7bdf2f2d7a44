/**
 * Coding a long record in slices, returning to the event loop between them, for the codecs that
 * offer encoder()/decoder() (a slice of 2^16 bases takes cm up to about a third of a second), and
 * a group's finish() and the records of a group read in order in the steps their coders offer
 * (finishing, decodingAhead). Without these returns
 * one large record keeps the event loop busy for minutes, and Ctrl-C, progress and any other work
 * wait for it. The bytes are the same as those of encode() and decode().
 */
import type { MemberData } from './groups.js';
import type { GroupCoded, GroupDecoder, GroupEncoder, SequenceCodec } from './index.js';

/** Bases coded between two returns to the event loop. */
export const SLICE_BASES = 1 << 16;

/** A return to the event loop: timers, signals and I/O run before the promise resolves. */
export const nextTurn = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

/** Like SequenceCodec.encode; `onSlice(bases)` after each slice, with the bases coded so far; `trial` as encode's. */
export async function encodeSliced(
  codec: SequenceCodec,
  symbols: Uint8Array,
  level: number,
  blockBases: number | undefined,
  onSlice?: (bases: number) => void,
  trial?: boolean,
): Promise<Uint8Array> {
  if (!codec.encoder || symbols.length <= SLICE_BASES) return codec.encode(symbols, level, blockBases, trial);
  const encoder = codec.encoder(symbols.length, level, blockBases, trial);
  for (let i = 0; i < symbols.length; i += SLICE_BASES) {
    encoder.push(symbols.subarray(i, i + SLICE_BASES));
    onSlice?.(Math.min(symbols.length, i + SLICE_BASES));
    await nextTurn();
  }
  return encoder.finish();
}

/**
 * Bases `start..end` of a payload of `count` bases, like SequenceCodec.decode; `onSlice(bases)`
 * after each slice of a whole record, with the bases decoded so far. Decoding stops at
 * `end`: a range near the start of a long record costs only that far (the bases after it are
 * never decoded, so the rest of the stream is not checked here; the frame's checksum covered the
 * stored bytes, and reading the whole record checks its own). In a payload coded in blocks it
 * starts at the block that holds `start`, so a range costs only the blocks it touches.
 */
export async function decodeSliced(
  codec: SequenceCodec,
  payload: Uint8Array,
  count: number,
  start: number,
  end: number,
  onSlice?: (bases: number) => void,
): Promise<Uint8Array> {
  if (!codec.decoder || count <= SLICE_BASES) return codec.decode(payload, count, start, end);
  const decoder = codec.decoder(payload, count);
  const first = decoder.seek?.(start) ?? 0;
  if (end === count) {
    for (let done = first; count - done > SLICE_BASES; done += SLICE_BASES) {
      decoder.read(SLICE_BASES);
      onSlice?.(done + SLICE_BASES);
      await nextTurn();
    }
    return decoder.readAll().subarray(start, end);
  }
  const wanted = new Uint8Array(end - start);
  for (let done = first; done < end; ) {
    const piece = decoder.read(Math.min(SLICE_BASES, end - done));
    // the part of this piece (bases done..done+piece.length) inside start..end
    const from = Math.max(start, done);
    const to = Math.min(end, done + piece.length);
    if (to > from) wanted.set(piece.subarray(from - done, to - done), from - start);
    done += piece.length;
    if (done < end) {
      onSlice?.(done);
      await nextTurn();
    }
  }
  return wanted;
}

/**
 * Runs a coder's steps to their end, telling `onStep` each step's value and returning to the event
 * loop after it; their result.
 */
async function runStepsSliced<Y, R>(steps: Generator<Y, R>, onStep?: (value: Y) => void): Promise<R> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    onStep?.(step.value);
    await nextTurn();
  }
}

/**
 * A group coder's finish() in steps of SLICE_BASES, returning to the event loop between them when
 * the coder offers steps: `ref` codes the group's whole shared stream there, which took level 4
 * half a minute for three drafts of Listeria, with Ctrl-C and SIGTERM waiting. The same bytes.
 * `onStep(done, total)` after each step (CompressOptions.onGroupCoding).
 */
export async function finishSliced(coder: GroupEncoder, onStep?: (done: number, total: number) => void): Promise<GroupCoded> {
  if (!coder.finishing) return coder.finish();
  return runStepsSliced(coder.finishing(SLICE_BASES), onStep && ((step) => onStep(step.done, step.total)));
}

/**
 * Before the next `bases` bases of a group read in order: what its decoder can decode ahead of them
 * (decodingAhead), in steps of SLICE_BASES with a return to the event loop between them. `ref`
 * decodes a record's new bases there; in one piece, a genome of new material took level 4 seconds.
 * `onSlice(done)` after each step, with the bases' worth decoded ahead so far (at most `bases`):
 * most of a record's time is spent here, so a reader's progress moves with it.
 */
export async function decodeAheadSliced(decoder: GroupDecoder, bases: number, onSlice?: (bases: number) => void): Promise<void> {
  if (!decoder.decodingAhead || bases <= SLICE_BASES) return;
  let steps = 0;
  await runStepsSliced(decoder.decodingAhead(bases, SLICE_BASES), onSlice && (() => onSlice(Math.min(bases, ++steps * SLICE_BASES))));
}

/**
 * The next record of a group, decoded in steps of SLICE_BASES with a return to the event loop
 * between them where its decoder offers steps, `onSlice` told the record's bases done after each:
 * an aligned group takes every base from its cm stream as the record is read (3 s for a genome of
 * 5 Mb at level 2, 15 s at level 4), and so does a record read out of order, with the records
 * before it (skipRecordSliced). The same bases as decodeRecord's.
 */
export async function decodeRecordSliced(decoder: GroupDecoder, { data, count }: MemberData, onSlice?: (bases: number) => void): Promise<Uint8Array> {
  const steps = count > SLICE_BASES ? decoder.decodingRecord?.(data, count, SLICE_BASES) : undefined;
  return steps ? runStepsSliced(steps, onSlice) : decoder.decodeRecord(data, count);
}

/** skipRecord, in steps as decodeRecordSliced. */
export async function skipRecordSliced(decoder: GroupDecoder, { data, count }: MemberData, onSlice?: (bases: number) => void): Promise<void> {
  const steps = count > SLICE_BASES ? decoder.skippingRecord?.(data, count, SLICE_BASES) : undefined;
  if (steps) await runStepsSliced(steps, onSlice);
  else decoder.skipRecord(data, count);
}
