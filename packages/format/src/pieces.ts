/**
 * Output buffers that `decompressStream` hands out again (DecompressOptions.reusePieces). Every
 * decoded record is rendered into a buffer of its own length; writing a page of fresh memory costs
 * far more than writing it again (about 3 ns a byte on the machines we measure, where a second
 * write costs 0.05), so a consumer that is done with each piece before it asks for the next can
 * let the next records be rendered into the memory of the earlier ones.
 */

/** Free buffers kept at most: the records in flight at once are fewer (twice the threads). */
const MAX_FREE = 16;

export class PiecePool {
  private readonly free: Uint8Array[] = [];

  /**
   * A buffer of exactly `size` bytes: the smallest free one that holds it, or a new one with an
   * eighth more room, so that the next record, a little longer, fits too (room that is never
   * written costs nothing: the system only backs the pages that are touched).
   */
  take(size: number): Uint8Array {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const length = this.free[i]!.length;
      if (length >= size && (best < 0 || length < this.free[best]!.length)) best = i;
    }
    if (best < 0) return new Uint8Array(size + (size >>> 3)).subarray(0, size);
    return this.free.splice(best, 1)[0]!.subarray(0, size);
  }

  /** Gives back a buffer `take` handed out, once nothing reads it any more. */
  give(piece: Uint8Array): void {
    this.free.push(new Uint8Array(piece.buffer, 0, piece.buffer.byteLength));
    if (this.free.length > MAX_FREE) {
      let smallest = 0;
      for (let i = 1; i < this.free.length; i++) if (this.free[i]!.length < this.free[smallest]!.length) smallest = i;
      this.free.splice(smallest, 1);
    }
  }
}
