/**
 * Decoding happens here, off the page's thread, so that the page never freezes: a cm record
 * decodes at about a megabase per second.
 */
import {
  filesStoredAsBytes,
  formatRegion,
  isSeqCoderError,
  openArchive,
  parseRegion,
  plainFastaRecords,
  plainResidues,
  regionSpan,
  storedBytes,
  type Archive,
} from '@seqcoder/format';
import type { Reply, Request } from './messages.js';

/**
 * A FASTA record of a file stored as bytes (protein, say): such a file has no record table, so its
 * records are found by reading it once when it opens, and read again up to one when it is shown.
 */
interface PlainRecord {
  file: number;
  ordinal: number;
  name: string;
  length: number;
}

let archive: Archive | undefined;
let plain: PlainRecord[] = [];

const reply = (message: Reply): void => postMessage(message);

/** The record a region names, by whole header or else by its first word (as Archive.record looks it up), if any. */
function recordNamed(open: Archive, name: string): { length: number; read: (from: number, to: number) => Promise<Uint8Array> } | undefined {
  try {
    const record = open.record(name);
    return { length: record.length, read: (from, to) => open.readSequence(record.index, from, to) };
  } catch {
    const found = plain.find((r) => r.name === name) ?? plain.find((r) => r.name.split(/\s/, 1)[0] === name);
    return found && { length: found.length, read: (from, to) => plainRegion(open, found, from, to) };
  }
}

async function plainRegion(open: Archive, record: PlainRecord, from: number, to: number): Promise<Uint8Array> {
  for await (const { ordinal, bytes } of plainFastaRecords(storedBytes(open, record.file))) {
    if (ordinal === record.ordinal) return plainResidues(bytes, from, to);
  }
  throw new Error(`${record.name}: not found again`);
}

async function handle(request: Request): Promise<void> {
  if (request.type === 'open') {
    archive = await openArchive(new Uint8Array(request.bytes));
    plain = [];
    for (const file of filesStoredAsBytes(archive)) {
      for await (const { ordinal, name, length } of plainFastaRecords(storedBytes(archive, file))) plain.push({ file, ordinal, name, length });
    }
    const files = archive.files;
    const records = archive.records;
    const totalBases = records.reduce((sum, r) => sum + r.bases, 0);
    const stored = plain.length > 0 ? `, ${plain.length} stored as bytes` : '';
    reply({
      type: 'opened',
      title: `${request.name}: ${files.length > 0 ? `${files.length} files, ` : ''}${records.length} record(s), ${totalBases.toLocaleString('en')} bases${stored}`,
      rows: [
        ...records.map((r) => ({ index: r.index, file: files[r.file]?.name ?? '', name: r.name, length: r.length, codec: r.codec })),
        ...plain.map((r, i) => ({ index: records.length + i, file: files[r.file]?.name ?? '', name: r.name, length: r.length, codec: 'stored' })),
      ],
    });
    return;
  }
  if (!archive) throw new Error('open a file first');
  const open = archive;
  const region = parseRegion(request.text.trim(), (name) => recordNamed(open, name) !== undefined);
  const record = recordNamed(open, region.name);
  if (!record) throw new Error(`no record named ${region.name}`);
  const { from, to, truncated } = regionSpan(region, record.length);
  const residues = from < to ? await record.read(from, to) : new Uint8Array(0);
  const warning = from === to ? 'zero length sequence' : truncated ? `cut to the record's end (${record.length.toLocaleString('en')})` : undefined;
  reply({ type: 'region', fasta: new TextDecoder().decode(formatRegion(region.text, residues)), warning });
}

onmessage = (event: MessageEvent<Request>) => {
  handle(event.data).catch((e: unknown) => {
    reply({ type: 'error', message: isSeqCoderError(e) ? `${e.code}: ${e.message}` : (e as Error).message });
  });
};
