import { searchable } from './search.js';

/**
 * Cuts a byte stream into FASTA records without holding more than the current record:
 * a record starts at the file's first byte or at a '>' that follows a LF.
 */

export class RecordSplitter {
  private buf = new Uint8Array(1 << 16);
  private start = 0;
  private end = 0;
  /** Where the search for the next record start resumes. */
  private scanFrom = 1;

  /**
   * Adds bytes; returns the records they complete. They are views of the splitter's buffer, valid
   * until the next push or finish: a copy of each would be a fresh megabyte per record, and the
   * writer is done with a record before it reads on.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    this.append(chunk);
    const records: Uint8Array[] = [];
    const view = this.buf.subarray(0, this.end);
    const search = searchable(view);
    let k = Math.max(this.scanFrom, this.start + 1);
    while ((k = search.indexOf(62 /* '>' */, k)) !== -1) {
      if (view[k - 1] === 10 /* LF */) {
        records.push(view.subarray(this.start, k));
        this.start = k;
      }
      k++;
    }
    this.scanFrom = this.end;
    return records;
  }

  /** The last record, if any bytes remain (a view, as push gives); the splitter is then ready for the next stream. */
  finish(): Uint8Array[] {
    const last = this.end > this.start ? [this.buf.subarray(this.start, this.end)] : [];
    this.start = this.end = 0;
    this.scanFrom = 1;
    return last;
  }

  private append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.buf.length) {
      // Drop what earlier records used, then grow if the current record still does not fit.
      this.buf.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.scanFrom -= this.start;
      this.start = 0;
      if (this.end + chunk.length > this.buf.length) {
        let cap = this.buf.length * 2;
        while (cap < this.end + chunk.length) cap *= 2;
        const next = new Uint8Array(cap);
        next.set(this.buf.subarray(0, this.end));
        this.buf = next;
      }
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }
}
