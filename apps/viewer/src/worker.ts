/**
 * Decoding happens here, off the page's thread, so that the page never freezes: a cm record
 * decodes at about a megabase per second.
 */
import { formatRegion, isSeqCoderError, openArchive, parseRegion, regionSpan, type Archive } from '@seqcoder/format';
import type { Reply, Request } from './messages.js';

let archive: Archive | undefined;

const reply = (message: Reply): void => postMessage(message);

/** The record a region names (by whole header or by its first word, as Archive.record looks it up), if any. */
function recordNamed(open: Archive, name: string) {
  try {
    return open.record(name);
  } catch {
    return undefined;
  }
}

async function handle(request: Request): Promise<void> {
  if (request.type === 'open') {
    archive = await openArchive(new Uint8Array(request.bytes));
    const files = archive.files;
    const totalBases = archive.records.reduce((sum, r) => sum + r.bases, 0);
    reply({
      type: 'opened',
      title: `${request.name}: ${files.length > 0 ? `${files.length} files, ` : ''}${archive.records.length} record(s), ${totalBases.toLocaleString('en')} bases`,
      rows: archive.records.map((r) => ({ index: r.index, file: files[r.file]?.name ?? '', name: r.name, length: r.length, codec: r.codec })),
    });
    return;
  }
  if (!archive) throw new Error('open a file first');
  const open = archive;
  const region = parseRegion(request.text.trim(), (name) => recordNamed(open, name) !== undefined);
  const record = recordNamed(open, region.name);
  if (!record) throw new Error(`no record named ${region.name}`);
  const { from, to, truncated } = regionSpan(region, record.length);
  const residues = from < to ? await open.readSequence(record.index, from, to) : new Uint8Array(0);
  const warning = from === to ? 'zero length sequence' : truncated ? `cut to the record's end (${record.length.toLocaleString('en')})` : undefined;
  reply({ type: 'region', fasta: new TextDecoder().decode(formatRegion(region.text, residues)), warning });
}

onmessage = (event: MessageEvent<Request>) => {
  handle(event.data).catch((e: unknown) => {
    reply({ type: 'error', message: isSeqCoderError(e) ? `${e.code}: ${e.message}` : (e as Error).message });
  });
};
