/**
 * Work done, as a progress callback is told it: whole items, plus the part done so far of each
 * item in hand. Several items may be in hand at once (records coded in worker threads), each with
 * its own part, and what is told only grows: a part told smaller than before is ignored (a `ref`
 * record tells the literals decoded ahead of it, then its bases as they are rebuilt), and a part is
 * replaced by its whole when the item is done.
 */
export class Tally {
  private whole = 0;
  private inHand = 0;
  private readonly parts = new Map<object, number>();

  constructor(private readonly report: ((done: number) => void) | undefined) {}

  /** `n` of the item `key` are done so far (counted when it is added). */
  part(key: object, n: number): void {
    const before = this.parts.get(key) ?? 0;
    if (n <= before) return;
    this.inHand += n - before;
    this.parts.set(key, n);
    this.report?.(this.whole + this.inHand);
  }

  /** `n` more are done: an item, whole (`key`: the item whose parts were told, if they were). */
  add(n: number, key?: object): void {
    if (key !== undefined) {
      this.inHand -= this.parts.get(key) ?? 0;
      this.parts.delete(key);
    }
    this.whole += n;
    this.report?.(this.whole + this.inHand);
  }
}
