/**
 * Catalogues of the scale workflow (workflow/ in the repository): where each genome of a run went.
 * `catalogue.tsv` (a comment line `# seqcoder catalogue 1`, a header, one row per record) and
 * `catalogue.json` hold the same; archive paths in them are relative to the catalogue's folder.
 * `seqcoder get` and `seqcoder decompress` take either in place of an archive.
 */
import { open as openFile, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CliError, Exit } from './errors.js';
import { lines, readInput } from './io.js';

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

/**
 * What to keep of a catalogue while reading it: a large run's catalogue does not fit in memory
 * whole, nor its file in one string (the 661k collection's draft assemblies, about 100 records
 * each, make some 66 million rows). `names`: only the genomes that one of these names may mean
 * (see Catalogue.genome and .record), all when absent; `records: false`: the genomes without
 * their records.
 */
export interface CatalogueSelection {
  names?: ReadonlySet<string>;
  records?: boolean;
}

/** The names a genome is looked up by: its path, its stored name, and its file name with or without the extension. */
function genomeKeys(g: { genome: string; stored: string }): string[] {
  const base = g.stored.slice(g.stored.lastIndexOf('/') + 1);
  return [g.genome, g.stored, base, base.replace(/\.(fa|fasta|fna|fas|ffn|frn)$/i, '')];
}

/** The names a record is looked up by: its whole header and its first word. */
function recordKeys(r: CatalogueRecord): string[] {
  return [r.name, r.name.split(/\s/, 1)[0]!];
}

function selected(g: CatalogueGenome, selection: CatalogueSelection): boolean {
  const names = selection.names;
  return !names || genomeKeys(g).some((k) => names.has(k)) || g.records.some((r) => recordKeys(r).some((k) => names.has(k)));
}

function keep(g: CatalogueGenome, selection: CatalogueSelection): CatalogueGenome | undefined {
  if (!selected(g, selection)) return undefined;
  return selection.records === false ? { ...g, records: [] } : g;
}

/** The TSV, read line by line: a genome's rows are together (the workflow writes them so, in name order). */
async function readTsv(path: string, selection: CatalogueSelection): Promise<CatalogueGenome[]> {
  const kept: CatalogueGenome[] = [];
  const finished = new Set<string>();
  let current: CatalogueGenome | undefined;
  const finish = () => {
    if (!current) return;
    finished.add(current.genome);
    const g = keep(current, selection);
    if (g) kept.push(g);
  };
  let n = 0;
  // in pieces of a megabyte, into one buffer used again
  for await (const line of lines(readInput({ name: path, path, size: undefined }, undefined, true, true))) {
    n++;
    if (n === 1) {
      const version = Number(line.slice(TSV_MAGIC.length));
      if (version !== VERSION) throw new CliError(`${path}: catalogue version ${line.slice(TSV_MAGIC.length)}; this seqcoder reads version ${VERSION}`, Exit.unsupported);
      continue;
    }
    if (n === 2) {
      if (line !== COLUMNS.join('\t')) throw bad(path, 'unexpected columns');
      continue;
    }
    if (line === '') continue;
    const f = line.split('\t');
    if (f.length !== COLUMNS.length) throw bad(path, `line ${n} has ${f.length} fields`);
    const [genome, batch, archive, stored, bytes, sha256, record, name, length] = f as [string, string, string, string, string, string, string, string, string];
    if (current?.genome !== genome) {
      finish();
      if (finished.has(genome)) throw bad(path, `the rows of ${genome} are not together (line ${n})`);
      current = { genome, batch, archive, stored, bytes: Number(bytes), sha256, records: [] };
    }
    if (record !== '') current.records.push({ name, length: Number(length) });
  }
  finish();
  if (n < 2) throw bad(path, 'no header');
  return kept;
}

async function readJson(path: string, selection: CatalogueSelection): Promise<CatalogueGenome[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    // V8's longest string is about 512 MB: a JSON catalogue larger than that is read through its TSV
    if ((e as NodeJS.ErrnoException).code !== 'ERR_STRING_TOO_LONG') throw e;
    throw new CliError(`${path}: too large to read as one JSON document; give the catalogue.tsv beside it`, Exit.usage);
  }
  let doc: { version?: unknown; genomes?: CatalogueGenome[] };
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw bad(path, (e as Error).message);
  }
  if (doc.version !== VERSION) throw new CliError(`${path}: catalogue version ${String(doc.version)}; this seqcoder reads version ${VERSION}`, Exit.unsupported);
  if (!Array.isArray(doc.genomes)) throw bad(path, 'no genomes');
  return doc.genomes.flatMap((g) => keep(g, selection) ?? []);
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
      for (const key of genomeKeys(g)) add(this.byName, key, g);
      g.records.forEach((r, record) => {
        // one entry under both keys: a header of one word is its own first word
        const entry = { genome: g, record };
        for (const key of recordKeys(r)) add(this.recordsByName, key, entry);
      });
    }
  }

  /** Reads a catalogue (TSV or JSON, by its first bytes), keeping what `selection` asks for. */
  static async read(path: string, selection: CatalogueSelection = {}): Promise<Catalogue> {
    const head = Buffer.alloc(TSV_MAGIC.length);
    const handle = await openFile(path, 'r');
    try {
      await handle.read(head, 0, head.length, 0);
    } finally {
      await handle.close();
    }
    const genomes = head.toString('utf8') === TSV_MAGIC ? await readTsv(path, selection) : await readJson(path, selection);
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
      const genomes = [...new Set(found.map((f) => f.genome.genome))];
      if (genomes.length === 1) throw new CliError(`${name}: ${found.length} records of ${genomes[0]} have this name`, Exit.usage);
      throw new CliError(`${name}: a record of several genomes (${genomes.join(', ')}); name the genome instead`, Exit.usage);
    }
    return found?.[0];
  }
}
