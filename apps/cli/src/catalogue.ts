/**
 * Catalogues of the scale workflow (workflow/ in the repository): where each genome of a run went.
 * `catalogue.tsv` (a comment line `# seqcoder catalogue 1`, a header, one row per record) and
 * `catalogue.json` hold the same; archive paths in them are relative to the catalogue's folder.
 * `seqcoder get` and `seqcoder decompress` take either in place of an archive.
 */
import { open as openFile, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CliError, Exit } from './errors.js';

export interface CatalogueRecord {
  name: string;
  length: number;
}

export interface CatalogueGenome {
  /** The input file's path relative to the run's input (`.gz` included). */
  genome: string;
  batch: string;
  /** The archive's path, resolved against the catalogue's folder. */
  archive: string;
  /** The file's name in the archive (the path without `.gz`). */
  stored: string;
  bytes: number;
  sha256: string;
  records: CatalogueRecord[];
}

const TSV_MAGIC = '# seqcoder catalogue ';
const VERSION = 1;
const COLUMNS = ['genome', 'batch', 'archive', 'stored', 'bytes', 'sha256', 'record', 'name', 'length'];

/** Whether the file at `path` is a catalogue: by its first bytes, whatever its name. */
export async function isCatalogue(path: string): Promise<boolean> {
  const handle = await openFile(path, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const head = Buffer.alloc(256);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const text = head.subarray(0, bytesRead).toString('utf8');
    return text.startsWith(TSV_MAGIC) || /^\{\s*"format"\s*:\s*"seqcoder catalogue"/.test(text);
  } finally {
    await handle.close();
  }
}

function bad(path: string, why: string): CliError {
  return new CliError(`${path}: not a readable seqcoder catalogue (${why})`, Exit.damaged);
}

function parseTsv(path: string, text: string): CatalogueGenome[] {
  const lines = text.split('\n').filter((line) => line !== '');
  const version = Number(lines[0]!.slice(TSV_MAGIC.length));
  if (version !== VERSION) throw new CliError(`${path}: catalogue version ${lines[0]!.slice(TSV_MAGIC.length)}; this seqcoder reads version ${VERSION}`, Exit.unsupported);
  if (lines[1] !== COLUMNS.join('\t')) throw bad(path, 'unexpected columns');
  const genomes = new Map<string, CatalogueGenome>();
  for (const [i, line] of lines.slice(2).entries()) {
    const f = line.split('\t');
    if (f.length !== COLUMNS.length) throw bad(path, `line ${i + 3} has ${f.length} fields`);
    const [genome, batch, archive, stored, bytes, sha256, record, name, length] = f as [string, string, string, string, string, string, string, string, string];
    let entry = genomes.get(genome);
    if (!entry) {
      entry = { genome, batch, archive, stored, bytes: Number(bytes), sha256, records: [] };
      genomes.set(genome, entry);
    }
    if (record !== '') entry.records.push({ name, length: Number(length) });
  }
  return [...genomes.values()];
}

function parseJson(path: string, text: string): CatalogueGenome[] {
  let doc: { version?: unknown; genomes?: CatalogueGenome[] };
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw bad(path, (e as Error).message);
  }
  if (doc.version !== VERSION) throw new CliError(`${path}: catalogue version ${String(doc.version)}; this seqcoder reads version ${VERSION}`, Exit.unsupported);
  if (!Array.isArray(doc.genomes)) throw bad(path, 'no genomes');
  return doc.genomes;
}

/** The genomes of a catalogue, and look-ups by the names a user would type. */
export class Catalogue {
  private readonly byName = new Map<string, CatalogueGenome[]>();
  private readonly recordsByName = new Map<string, { genome: CatalogueGenome; record: number }[]>();

  private constructor(
    readonly path: string,
    readonly genomes: CatalogueGenome[],
  ) {
    const add = <T>(map: Map<string, T[]>, key: string, value: T) => {
      const list = map.get(key);
      if (!list) map.set(key, [value]);
      else if (!list.includes(value)) list.push(value);
    };
    for (const g of genomes) {
      const base = g.stored.slice(g.stored.lastIndexOf('/') + 1);
      for (const key of [g.genome, g.stored, base, base.replace(/\.(fa|fasta|fna|fas|ffn|frn)$/i, '')]) add(this.byName, key, g);
      g.records.forEach((r, record) => {
        add(this.recordsByName, r.name, { genome: g, record });
        add(this.recordsByName, r.name.split(/\s/, 1)[0]!, { genome: g, record });
      });
    }
  }

  static async read(path: string): Promise<Catalogue> {
    const text = await readFile(path, 'utf8');
    const genomes = text.startsWith(TSV_MAGIC) ? parseTsv(path, text) : parseJson(path, text);
    const folder = dirname(resolve(path));
    return new Catalogue(path, genomes.map((g) => ({ ...g, archive: resolve(folder, g.archive) })));
  }

  /** The archives of the catalogue, each once, in name order. */
  get archives(): string[] {
    return [...new Set(this.genomes.map((g) => g.archive))].sort();
  }

  /** The genome a name means: its path, its stored name, or its file name with or without extension. */
  genome(name: string): CatalogueGenome | undefined {
    const found = this.byName.get(name);
    if (found && found.length > 1) throw new CliError(`${name}: several genomes have this name (${found.map((g) => g.genome).join(', ')}); give its path`, Exit.usage);
    return found?.[0];
  }

  /** The record a name means (its whole header or its first word), refused when several genomes have it. */
  record(name: string): { genome: CatalogueGenome; record: number } | undefined {
    const found = this.recordsByName.get(name);
    if (found && found.length > 1) {
      throw new CliError(`${name}: a record of several genomes (${found.map((f) => f.genome.genome).join(', ')}); name the genome instead`, Exit.usage);
    }
    return found?.[0];
  }
}
