/**
 * The k-mer denoiser of the "Bioseq Autoencoder Prototype" notebook, applied to reads: a fully
 * connected autoencoder trained to map a k-mer with substitution errors to the clean k-mer
 * (training/kmer_denoiser.py). A read is cut into all its k-mers; each goes through the network;
 * every base of the read then takes the base that the network's probabilities, summed over the
 * k-mers that cover it, favour. Bases in no k-mer of A, C, G and T only (N runs, IUPAC letters,
 * reads shorter than k) are left as they are, and so is letter case.
 *
 * Runs on any runtime of the contract: the output steers nothing that must be reproduced later,
 * so the native runtime's last-bit differences are harmless here (they can only flip a base whose
 * votes are tied to within float rounding).
 */
import type { LoadedModel } from '@seqcoder/runtime';

/** A→0, C→1, G→2, T→3 in either case; 4 for anything else. */
const CODE = new Uint8Array(256).fill(4);
for (const [i, c] of ['A', 'C', 'G', 'T'].entries()) {
  CODE[c.charCodeAt(0)] = i;
  CODE[c.toLowerCase().charCodeAt(0)] = i;
}
const UPPER = [65, 67, 71, 84];
const LOWER = [97, 99, 103, 116];

/** K-mers sent to the network at once: large enough to amortise a run, small enough for a bounded buffer. */
export const DENOISE_BATCH_KMERS = 4096;

export interface DenoiseResult {
  /** The reads, corrected (new arrays of the same lengths). */
  reads: Uint8Array[];
  /** Bases changed. */
  changed: number;
  /** K-mers the network saw. */
  kmers: number;
}

export class KmerDenoiser {
  private readonly input: Float32Array;

  constructor(
    private readonly model: LoadedModel,
    /** The k the network was trained on: its input is [N, k, 4]. */
    readonly k: number,
    private readonly batchKmers = DENOISE_BATCH_KMERS,
  ) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError('k must be a positive integer');
    this.input = new Float32Array(batchKmers * k * 4);
  }

  /** Corrects a group of reads (sequence letters, no line breaks). */
  async denoise(reads: readonly Uint8Array[]): Promise<DenoiseResult> {
    const k = this.k;
    // votes[r][4 * i + b]: the summed probability that base i of read r is b
    const votes = reads.map((read) => new Float32Array(read.length * 4));
    const pending: { read: number; at: number }[] = [];
    let kmers = 0;
    for (let r = 0; r < reads.length; r++) {
      const read = reads[r]!;
      // k-mers of ACGT only: `run` counts the valid bases that end at i
      for (let i = 0, run = 0; i < read.length; i++) {
        run = CODE[read[i]!]! < 4 ? run + 1 : 0;
        if (run < k) continue;
        pending.push({ read: r, at: i - k + 1 });
        if (pending.length === this.batchKmers) kmers += await this.run(reads, votes, pending.splice(0));
      }
    }
    if (pending.length > 0) kmers += await this.run(reads, votes, pending.splice(0));

    let changed = 0;
    const out = reads.map((read, r) => {
      const corrected = read.slice();
      const v = votes[r]!;
      for (let i = 0; i < read.length; i++) {
        const code = CODE[read[i]!]!;
        if (code === 4) continue;
        let best = code;
        for (let b = 0; b < 4; b++) if (v[4 * i + b]! > v[4 * i + best]!) best = b;
        if (best === code) continue;
        corrected[i] = read[i]! >= 97 ? LOWER[best]! : UPPER[best]!;
        changed++;
      }
      return corrected;
    });
    return { reads: out, changed, kmers };
  }

  /** One network run over `items`; adds each k-mer's per-base probabilities to `votes`. */
  private async run(reads: readonly Uint8Array[], votes: Float32Array[], items: { read: number; at: number }[]): Promise<number> {
    const k = this.k;
    const n = items.length;
    const input = this.input.subarray(0, n * k * 4);
    input.fill(0);
    for (let j = 0; j < n; j++) {
      const { read, at } = items[j]!;
      const bases = reads[read]!;
      for (let i = 0; i < k; i++) input[(j * k + i) * 4 + CODE[bases[at + i]!]!] = 1;
    }
    const output = await this.model.run({ data: input, dims: [n, k, 4] });
    if (output.dims.length !== 3 || output.dims[0] !== n || output.dims[1] !== k || output.dims[2] !== 4) {
      throw new RangeError(`the denoiser returned dims [${output.dims.join(', ')}], expected [${n}, ${k}, 4]`);
    }
    const logits = output.data;
    for (let j = 0; j < n; j++) {
      const { read, at } = items[j]!;
      const v = votes[read]!;
      for (let i = 0; i < k; i++) {
        // softmax of the four logits, shifted by their maximum
        const o = (j * k + i) * 4;
        const m = Math.max(logits[o]!, logits[o + 1]!, logits[o + 2]!, logits[o + 3]!);
        const e0 = Math.exp(logits[o]! - m);
        const e1 = Math.exp(logits[o + 1]! - m);
        const e2 = Math.exp(logits[o + 2]! - m);
        const e3 = Math.exp(logits[o + 3]! - m);
        const s = e0 + e1 + e2 + e3;
        const w = 4 * (at + i);
        v[w] += e0 / s;
        v[w + 1] += e1 / s;
        v[w + 2] += e2 / s;
        v[w + 3] += e3 / s;
      }
    }
    return n;
  }
}
