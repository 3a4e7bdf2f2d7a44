/**
 * Reading records of a group (FORMAT.md, "Groups"): a group codec's record can only be rebuilt
 * after the records before it in its chunk, so a reader keeps one group's decoder and the bases it
 * rebuilt. Reading the records in order costs each once; reading one record in the middle of a
 * group rebuilds the group up to it (that is the unit of random access), and later records of the
 * same group continue from there. A group that continues an earlier one (an append) starts from
 * what that one left, so reading it first rebuilds the groups it continues, whole. One group and
 * what the last finished group left are held at a time, so memory is bounded by the largest chain
 * of groups (LIMITS.maxGroupBases).
 */
import type { ChunkGroup, ChunkRecord } from '../container/chunk.js';
import { CorruptError } from '../errors.js';
import { codecById, type GroupContinuation, type GroupCoding } from './index.js';

type GroupDecoder = ReturnType<GroupCoding['decoder']>;

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
  rebuilt: Uint8Array[];
}

export class GroupCache {
  private current: GroupState | undefined;
  /** What the last group rebuilt to its end left, for a group that continues it. */
  private finished: { group: ChunkGroup; continuation: GroupContinuation } | undefined;
  // Decoding is strictly in order: calls wait for each other.
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * The bases of `record`, a member of a group. `member` reads the coded data of any group member
   * (the reader asks for those it has not rebuilt yet, of this group and of the groups it continues).
   */
  symbols(record: ChunkRecord, own: MemberData, member: MemberReader, offset: number): Promise<Uint8Array> {
    const work = this.queue.then(() => this.rebuild(record, own, member, offset));
    this.queue = work.catch(() => undefined);
    return work;
  }

  /** Like `symbols`, for a reader that gives every record in file order: no waiting. */
  next(record: ChunkRecord, own: MemberData, offset: number): Uint8Array {
    const group = record.group!;
    if (this.current?.group !== group) this.start(group, this.continuationFor(group, offset), offset);
    const state = this.current!;
    if (record.member !== state.rebuilt.length) throw new CorruptError('group records out of order', offset);
    return this.decodeNext(state, own);
  }

  /** What `group` left, when it is the last group rebuilt to its end. */
  continuation(group: ChunkGroup): GroupContinuation | undefined {
    return this.finished?.group === group ? this.finished.continuation : undefined;
  }

  private async rebuild(record: ChunkRecord, own: MemberData, member: MemberReader, offset: number): Promise<Uint8Array> {
    const group = record.group!;
    const state = await this.open(group, member, offset);
    const target = record.member!;
    if (target < state.rebuilt.length) return state.rebuilt[target]!;
    while (state.rebuilt.length < target) this.decodeNext(state, await member(group, state.rebuilt.length));
    return this.decodeNext(state, own);
  }

  /** The state of `group`, started (after rebuilding the groups it continues) if it is not held. */
  private async open(group: ChunkGroup, member: MemberReader, offset: number): Promise<GroupState> {
    if (this.current?.group === group) return this.current;
    let continuation: GroupContinuation | undefined;
    if (group.previous) {
      if (this.finished?.group !== group.previous) {
        const previous = await this.open(group.previous, member, offset);
        while (previous.rebuilt.length < group.previous.records) {
          this.decodeNext(previous, await member(group.previous, previous.rebuilt.length));
        }
      }
      continuation = this.continuationFor(group, offset);
    }
    return this.start(group, continuation, offset);
  }

  private continuationFor(group: ChunkGroup, offset: number): GroupContinuation | undefined {
    if (!group.previous) return undefined;
    if (this.finished?.group !== group.previous) throw new CorruptError('a group continues a group that was not read to its end', offset);
    return this.finished.continuation;
  }

  private start(group: ChunkGroup, continuation: GroupContinuation | undefined, offset: number): GroupState {
    const codec = codecById(group.codec, offset);
    if (!codec.group) throw new CorruptError(`group section names codec ${codec.name}, which does not code groups`, offset);
    // let the previous group go before allocating the next (what it left is copied by the decoder)
    this.current = undefined;
    const decoder = codec.group.decoder(group.shared, group.bases, continuation, group.fileFlags);
    this.finished = undefined;
    this.current = { group, decoder, rebuilt: [] };
    return this.current;
  }

  private decodeNext(state: GroupState, { data, count }: MemberData): Uint8Array {
    const symbols = state.decoder.decodeRecord(data, count);
    state.rebuilt.push(symbols);
    if (state.rebuilt.length === state.group.records) {
      state.decoder.finish();
      this.finished = { group: state.group, continuation: state.decoder.continuation() };
    }
    return symbols;
  }
}
