/**
 * @seqcoder/residual/worker — the cm codec in worker threads (Node), for using several cores.
 *
 * One cm stream is sequential: every prediction depends on all earlier bases, so one record uses
 * one core. A pool codes several records at once, and its output is exactly `cmEncode`'s (the
 * worker runs the same function), so a file written with any number of threads decodes with any
 * other. A record in independent blocks (CmOptions.blockBases) is coded block by block on all
 * workers. Browsers use the pure functions of the main entry, in their own Web Worker if they like.
 *
 *   const pool = new CmWorkerPool(2);
 *   const payloads = await Promise.all(records.map((r) => pool.encode(r, { level: 2 })));
 *   await pool.close();
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { cmBlockModel, cmJoinBlocks, cmSplitBlocks, type CmOptions } from './cm/codec.js';
import { CodedStreamError, InvalidInputError } from './errors.js';

export { CodedStreamError, InvalidInputError };

/** What the worker (cm-worker.ts) answers: its result or error, and before it, if asked, the bases done so far. */
export type CmWorkerReply = { id: number; data: Uint8Array } | { id: number; error: string; code: string | undefined } | { id: number; done: number };

/** Told the bases of a job coded (or decoded) so far, as it goes. */
export type OnBases = (bases: number) => void;

interface Pending {
  resolve: (data: Uint8Array) => void;
  reject: (error: Error) => void;
  onBases: OnBases | undefined;
}

export class CmWorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: (() => void)[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly busy = new Map<Worker, number>(); // the job each worker is on
  private next = 0;
  private closed = false;

  /** Workers start on the first job, so a pool that is never used costs nothing. */
  constructor(readonly threads: number = availableParallelism()) {
    if (!Number.isInteger(threads) || threads < 1) throw new InvalidInputError(`threads must be a positive integer, not ${threads}`);
  }

  /** Whether the workers have started (on the first job). */
  get started(): boolean {
    return this.workers.length > 0;
  }

  /**
   * cmEncode in a worker, or a record in blocks on as many workers as it has blocks. The symbols
   * are copied to them, so the caller's array stays usable. `onBases`, if given, is told the bases
   * coded so far as the work goes (of all its blocks), for a progress bar.
   */
  async encode(symbols: Uint8Array, options: CmOptions = {}, onBases?: OnBases): Promise<Uint8Array> {
    const model = cmBlockModel(options, symbols.length);
    if (model === undefined) return this.submit({ op: 'encode', symbols, options }, onBases);
    const size = options.blockBases!;
    const blocks: Promise<Uint8Array>[] = [];
    const tell = blockProgress(Math.ceil(symbols.length / size), onBases);
    // slice, not subarray: a view would carry the whole record to every worker
    for (let at = 0; at < symbols.length; at += size) blocks.push(this.submit({ op: 'encode', symbols: symbols.slice(at, at + size), options: { model } }, tell?.(at / size)));
    return cmJoinBlocks(await Promise.all(blocks), size);
  }

  /**
   * cmDecode in a worker, or the blocks of a record in blocks on as many workers; rejects with
   * CodedStreamError for a payload that does not decode. `onBases` as encode's.
   */
  async decode(payload: Uint8Array, count: number, options: Pick<CmOptions, 'hints'> = {}, onBases?: OnBases): Promise<Uint8Array> {
    const blocks = options.hints ? undefined : cmSplitBlocks(payload, count);
    if (!blocks) return this.submit({ op: 'decode', payload, count, options }, onBases);
    const tell = blockProgress(blocks.length, onBases);
    const decoded = await Promise.all(blocks.map((b, i) => this.submit({ op: 'decode', payload: b.payload, count: b.count, options }, tell?.(i))));
    const out = new Uint8Array(count);
    let at = 0;
    for (const d of decoded) {
      out.set(d, at);
      at += d.length;
    }
    return out;
  }

  /** Stops the workers; jobs still running are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.fail(new Error('the worker pool was closed'));
  }

  private async submit(job: Record<string, unknown>, onBases?: OnBases): Promise<Uint8Array> {
    if (this.closed) throw new Error('the worker pool is closed');
    if (this.workers.length === 0) this.start();
    while (this.idle.length === 0) await new Promise<void>((resolve) => this.queue.push(resolve));
    if (this.closed) throw new Error('the worker pool is closed');
    const worker = this.idle.pop()!;
    const id = this.next++;
    this.busy.set(worker, id);
    worker.ref(); // a job in flight keeps the process alive; an idle pool does not
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onBases });
      worker.postMessage({ id, ...job, report: onBases !== undefined });
    });
  }

  private start(): void {
    for (let i = 0; i < this.threads; i++) this.spawn();
  }

  private spawn(): void {
    const worker = new Worker(new URL('./cm-worker.js', import.meta.url));
    worker.unref();
    worker.on('message', (reply: CmWorkerReply) => {
      if ('done' in reply) return void this.pending.get(reply.id)?.onBases?.(reply.done);
      const job = this.pending.get(reply.id)!;
      this.pending.delete(reply.id);
      this.busy.delete(worker);
      worker.unref();
      this.idle.push(worker);
      this.queue.shift()?.();
      if ('data' in reply) job.resolve(reply.data);
      else if (reply.code === 'CODED_STREAM') job.reject(new CodedStreamError(reply.error));
      else if (reply.code === 'INVALID_INPUT') job.reject(new InvalidInputError(reply.error));
      else job.reject(new Error(reply.error));
    });
    // A worker that dies (out of memory, a bug) fails its own job, not the others, and is replaced.
    const failJob = (error: Error): void => {
      const id = this.busy.get(worker);
      if (id === undefined) return;
      this.busy.delete(worker);
      this.pending.get(id)?.reject(error);
      this.pending.delete(id);
    };
    worker.on('error', failJob);
    worker.on('exit', (code) => {
      failJob(new Error(`a cm worker thread stopped (exit code ${code})`));
      this.workers.splice(this.workers.indexOf(worker), 1);
      if (this.idle.includes(worker)) this.idle.splice(this.idle.indexOf(worker), 1);
      if (this.closed) return;
      this.spawn();
      this.queue.shift()?.();
    });
    this.workers.push(worker);
    this.idle.push(worker);
  }

  private fail(error: Error): void {
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
    for (const wake of this.queue.splice(0)) wake();
  }
}

/** For a record in `blocks` blocks coded at once: each block's teller, which tells `onBases` the sum over all blocks. */
function blockProgress(blocks: number, onBases: OnBases | undefined): ((block: number) => OnBases) | undefined {
  if (!onBases) return undefined;
  const done = new Array<number>(blocks).fill(0);
  let sum = 0;
  return (block) => (bases) => {
    sum += bases - done[block]!;
    done[block] = bases;
    onBases(sum);
  };
}
