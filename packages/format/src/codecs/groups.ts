/**
 * Reading records of a group (FORMAT.md, "Groups"): a group codec's record can only be rebuilt
 * after the records before it in its chunk, so a reader keeps one group's decoder and the bases it
 * rebuilt. Reading the records in order costs each once; reading one record in the middle of a
 * group reads the group up to it (that is the unit of random access), the records before it only
 * as far as it needs (GroupDecoder.skipRecord: `ref` leaves their copies unmade unless it copies
 * from them), and later records of the same group continue from there. A group that continues an
 * earlier one (an append) starts from what that one left, so reading it first rebuilds the groups
 * it continues, whole. One group and what the last finished group left are held at a time, so
 * memory is bounded by the largest chain of groups (LIMITS.maxGroupBases).
 */
import type { ChunkGroup, ChunkRecord } from '../container/chunk.js';
import { CorruptError } from '../errors.js';
import { codecById, type GroupContinuation, type GroupDecoder } from './index.js';
import { decodeAheadSliced, decodeRecordSliced, skipRecordSliced } from './sliced.js';

/** A group record's coded data: the sequence frame's payload after its codec id and base count. */
export interface MemberData {
  data: Uint8Array;
  count: number;
}

/** Member `m` of `group`, read from the file (random access only). */
export type MemberReader = (group: ChunkGroup, m: number) => Promise<MemberData>;

interface GroupState {
  group: ChunkGroup;
  decoder: GroupDecoder;
  /** Records read so far. */
  read: number;
  /** Their bases. */
  bases: number;
}

/**
 * Told how far a random-access read has come along the chain of groups it rebuilds: the bases of
 * every record before the one being read (in the groups it continues too), and that record's
 * bases done. A reader gets from it where it stands against where its record ends.
 */
export type ChainProgress = (basesAlongChain: number) => void;

export class GroupCache {
  private current: GroupState | undefined;
  /** What the last group rebuilt to its end left, for a group that continues it. */
  private finished: { group: ChunkGroup; decoder: GroupDecoder } | undefined;
  // Decoding is strictly in order: calls wait for each other.
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * The bases of `record`, a member of a group. `member` reads the coded data of any group member
   * (the reader asks for those it has not rebuilt yet, of this group and of the groups it continues).
   */
  symbols(record: ChunkRecord, own: MemberData, member: MemberReader, offset: number, onChain?: ChainProgress): Promise<Uint8Array> {
    return this.inTurn(() => this.rebuild(record, own, member, offset, onChain));
  }

  /**
   * Like `symbols`, for a reader that gives every record in file order: no record is read from the
   * file. What the record needs of the group's shared stream is decoded ahead in slices, with
   * returns to the event loop (codecs/sliced.ts), `onSlice` told after each slice; calls still wait
   * for each other.
   */
  next(record: ChunkRecord, own: MemberData, offset: number, onSlice?: (bases: number) => void): Promise<Uint8Array> {
    return this.inTurn(async () => {
      const group = record.group!;
      if (this.current?.group !== group) this.start(group, this.continuationFor(group, offset), offset);
      const state = this.current!;
      if (record.member !== state.read) throw new CorruptError('group records out of order', offset);
      await decodeAheadSliced(state.decoder, own.count, onSlice);
      return this.decodeNext(state, own, onSlice);
    });
  }

  /** Runs `work` once the calls before it are done (a failure does not stop the ones after). */
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const done = this.queue.then(work);
    this.queue = done.catch(() => undefined);
    return done;
  }

  /** What `group` left, when it is the last group rebuilt to its end. */
  continuation(group: ChunkGroup): GroupContinuation | undefined {
    return this.finished?.group === group ? this.finished.decoder.continuation() : undefined;
  }

  private async rebuild(record: ChunkRecord, own: MemberData, member: MemberReader, offset: number, onChain?: ChainProgress): Promise<Uint8Array> {
    const group = record.group!;
    const state = await this.open(group, member, offset, onChain);
    const target = record.member!;
    if (target < state.read) return state.decoder.record(target);
    // The records before it are read only as far as it needs (their copies are made if it copies them).
    await this.skipTo(state, target, member, onChain);
    return this.decodeNext(state, own, along(state, onChain));
  }

  /** The state of `group`, started (after rebuilding the groups it continues) if it is not held. */
  private async open(group: ChunkGroup, member: MemberReader, offset: number, onChain?: ChainProgress): Promise<GroupState> {
    if (this.current?.group === group) return this.current;
    let continuation: GroupContinuation | undefined;
    if (group.previous) {
      if (this.finished?.group !== group.previous) {
        const previous = await this.open(group.previous, member, offset, onChain);
        await this.skipTo(previous, group.previous.records, member, onChain);
      }
      continuation = this.continuationFor(group, offset);
    }
    return this.start(group, continuation, offset);
  }

  private continuationFor(group: ChunkGroup, offset: number): GroupContinuation | undefined {
    if (!group.previous) return undefined;
    if (this.finished?.group !== group.previous) throw new CorruptError('a group continues a group that was not read to its end', offset);
    return this.finished.decoder.continuation();
  }

  private start(group: ChunkGroup, continuation: GroupContinuation | undefined, offset: number): GroupState {
    const codec = codecById(group.codec, offset);
    if (!codec.group) throw new CorruptError(`group section names codec ${codec.name}, which does not code groups`, offset);
    // let the previous group go before allocating the next (what it left is copied by the decoder)
    this.current = undefined;
    const decoder = codec.group.decoder(group.shared, group.bases, continuation, group.fileFlags);
    this.finished = undefined;
    this.current = { group, decoder, read: 0, bases: 0 };
    return this.current;
  }

  /** The next record of `state`, read in slices (codecs/sliced.ts), `onSlice` told its bases done. */
  private async decodeNext(state: GroupState, own: MemberData, onSlice?: (bases: number) => void): Promise<Uint8Array> {
    const symbols = await decodeRecordSliced(state.decoder, own, onSlice);
    this.advance(state, own.count);
    return symbols;
  }

  /**
   * Skips the records of `state` up to member `target`. Each member's frame is read from the file
   * while the one before is decoded: one read after another left the thread waiting a tenth of the
   * time of extracting the last of 50 genomes.
   */
  private async skipTo(state: GroupState, target: number, member: MemberReader, onChain?: ChainProgress): Promise<void> {
    let next = state.read < target ? member(state.group, state.read) : undefined;
    while (next) {
      const data = await next;
      next = state.read + 1 < target ? member(state.group, state.read + 1) : undefined;
      await skipRecordSliced(state.decoder, data, along(state, onChain));
      this.advance(state, data.count);
      onChain?.(chainStart(state.group) + state.bases);
    }
  }

  private advance(state: GroupState, bases: number): void {
    state.read++;
    state.bases += bases;
    if (state.read === state.group.records) {
      state.decoder.finish();
      // Asked for only when a group continues it: a reader of one record of the group's end
      // would otherwise write every base the records before it skipped.
      this.finished = { group: state.group, decoder: state.decoder };
    }
  }
}

/** Bases of the groups that `group` continues: where it starts along its chain. */
const chainStart = (group: ChunkGroup): number => group.chainBases - group.bases;

/** A record's progress (its bases done) as progress along the chain, for the next record of `state`. */
function along(state: GroupState, onChain: ChainProgress | undefined): ((bases: number) => void) | undefined {
  if (!onChain) return undefined;
  const before = chainStart(state.group) + state.bases;
  return (bases) => onChain(before + bases);
}
