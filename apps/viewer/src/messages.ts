/** What the page and its worker say to each other. */
export interface RecordRow {
  index: number;
  file: string;
  name: string;
  length: number;
  codec: string;
}

export type Request = { type: 'open'; bytes: ArrayBuffer; name: string } | { type: 'region'; text: string };

export type Reply =
  | { type: 'opened'; title: string; rows: RecordRow[] }
  | { type: 'region'; fasta: string; warning?: string }
  | { type: 'error'; message: string };
