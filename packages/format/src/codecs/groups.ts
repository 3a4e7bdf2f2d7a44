/**
 * Reading records of a group (FORMAT.md, "Groups"): a group codec's record can only be rebuilt
 * after the records before it in its chunk, so a reader keeps one group's decoder and the bases it
 * rebuilt. Reading the records in order costs each once; reading one record in the middle of a
 * group rebuilds the group up to it (that is the unit of random access), and later records of the
 * same group continue from there. One group is held at a time, so memory is bounded by the
 * largest group (LIMITS.maxGroupBases).
 */
import type { ChunkGroup, ChunkRecord } from '../container/chunk.js';
import { CorruptError } from '../errors.js';
import { codecById, type GroupCoding } from './index.js';

type GroupDecoder = ReturnType<GroupCoding['decoder']>;

/** A group record's coded data: the sequence frame's payload after its codec id and base count. */
export interface MemberData {
  data: Uint8Array;
  count: number;
}

export class GroupCache {
  private current: { group: ChunkGroup; decoder: GroupDecoder; rebuilt: Uint8Array[] } | undefined;
  // Decoding is strictly in order: calls wait for each other.
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * The bases of `record`, a member of a group. `member(m)` returns the coded data of member `m`
   * of the same group (the reader asks for those before `record` that it has not rebuilt yet).
   */
  symbols(record: ChunkRecord, own: MemberData, member: (m: number) => Promise<MemberData>, offset: number): Promise<Uint8Array> {
    const work = this.queue.then(() => this.rebuild(record, own, member, offset));
    this.queue = work.catch(() => undefined);
    return work;
  }

  /** Like `symbols`, for a reader that gives every record in file order: no waiting. */
  next(record: ChunkRecord, own: MemberData, offset: number): Uint8Array {
    const state = this.stateFor(record.group!, offset);
    if (record.member !== state.rebuilt.length) throw new CorruptError('group records out of order', offset);
    return this.decodeNext(state, own);
  }

  private async rebuild(record: ChunkRecord, own: MemberData, member: (m: number) => Promise<MemberData>, offset: number): Promise<Uint8Array> {
    let state = this.stateFor(record.group!, offset);
    const target = record.member!;
    if (target < state.rebuilt.length) return state.rebuilt[target]!;
    while (state.rebuilt.length < target) {
      const data = await member(state.rebuilt.length);
      state = this.stateFor(record.group!, offset);
      this.decodeNext(state, data);
    }
    return this.decodeNext(state, own);
  }

  private decodeNext(state: NonNullable<GroupCache['current']>, { data, count }: MemberData): Uint8Array {
    const symbols = state.decoder.decodeRecord(data, count);
    state.rebuilt.push(symbols);
    if (state.rebuilt.length === state.group.records) state.decoder.finish();
    return symbols;
  }

  private stateFor(group: ChunkGroup, offset: number): NonNullable<GroupCache['current']> {
    if (this.current?.group === group) return this.current;
    const codec = codecById(group.codec, offset);
    if (!codec.group) throw new CorruptError(`group section names codec ${codec.name}, which does not code groups`, offset);
    this.current = undefined; // let the previous group go before allocating the next
    this.current = { group, decoder: codec.group.decoder(group.shared, group.bases), rebuilt: [] };
    return this.current;
  }
}
