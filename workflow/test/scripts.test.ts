/**
 * Two of the workflow's steps alone, on inputs written here; they need only python3, not Snakemake.
 * - The batch step (scripts/batch.py): which genomes join which batch, and when a batch stops
 *   taking genomes. Each made-up genome belongs to a family whose genomes share most of their
 *   hashes (Mash distance about 0.001); genomes of two families share none.
 * - The catalogue step (scripts/catalogue.py): the same catalogue whether it is sorted in memory
 *   or, as a large one is, in runs kept in files.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPTS = resolve(__dirname, '..', 'scripts');
const BATCH = join(SCRIPTS, 'batch.py');
const base = mkdtempSync(join(tmpdir(), 'seqcoder-steps-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

interface Genome {
  name: string;
  family: number;
  bases: number;
}

/** A sketch line as `seqcoder sketch` writes it: 100 hashes, 95 of the family's and 5 of the genome's own. */
function sketchLine(g: Genome, index: number): string {
  const family = Array.from({ length: 95 }, (_, i) => g.family * 1_000_000 + i * 7);
  const own = Array.from({ length: 5 }, (_, i) => 900_000_000 + index * 10 + i);
  const hashes = [...family, ...own].sort((a, b) => a - b);
  return JSON.stringify({ name: g.name, bases: g.bases, kmer: 21, size: 100, sample: 1, hashes });
}

/** Runs batch.py on these genomes (sketched into two files, as two shards) and returns genome -> batch. */
function batch(dir: string, genomes: Genome[], args: string[] = []): Map<string, string> {
  const shards = [join(dir, '0.jsonl'), join(dir, '1.jsonl')];
  shards.forEach((path, s) => writeFileSync(path, genomes.map((g, i) => (i % 2 === s ? sketchLine(g, i) + '\n' : '')).join('')));
  const table = join(dir, 'batches.tsv');
  const r = spawnSync('python3', ['-S', BATCH, '--ledger', join(dir, 'ledger.tsv'), '--table', table, '--max-genomes', '3', '--max-bases', '1000', '--max-distance', '0.1', ...args, ...shards]);
  expect(r.status, r.stderr.toString()).toBe(0);
  const rows = readFileSync(table, 'utf8').trim().split('\n').slice(1);
  return new Map(rows.map((line) => line.split('\t') as [string, string]));
}

function folder(name: string): string {
  const dir = join(base, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('the batch step', () => {
  it('groups a family, starts another batch when one is full in genomes, and keeps families apart', () => {
    const genomes = ['a1', 'a2', 'b1', 'a3', 'a4', 'b2'].map((name) => ({ name: `${name}.fa`, family: name.charCodeAt(0), bases: 100 }));
    const batches = batch(folder('families'), genomes);
    // path order: a1 a2 a3 a4 b1 b2; a batch holds 3 genomes
    expect(Object.fromEntries(batches)).toEqual({ 'a1.fa': 'b000001', 'a2.fa': 'b000001', 'a3.fa': 'b000001', 'a4.fa': 'b000002', 'b1.fa': 'b000003', 'b2.fa': 'b000003' });
  });

  it('closes a batch whose bases a close genome does not fit: a smaller one after it starts or joins another batch', () => {
    // a1 and a2 fill 900 of 1,000 bases; a3 (200) does not fit, so the batch closes, and a4 (50),
    // which would fit, joins a3's batch instead
    const genomes = [
      { name: 'a1.fa', family: 1, bases: 450 },
      { name: 'a2.fa', family: 1, bases: 450 },
      { name: 'a3.fa', family: 1, bases: 200 },
      { name: 'a4.fa', family: 1, bases: 50 },
    ];
    const batches = batch(folder('bases'), genomes);
    expect(Object.fromEntries(batches)).toEqual({ 'a1.fa': 'b000001', 'a2.fa': 'b000001', 'a3.fa': 'b000002', 'a4.fa': 'b000002' });
  });

  it('keeps at most --max-open batches open: the one that took a genome least recently closes', () => {
    // path order a1 a2 b1 c1 c2 d1, where d1 is of a's family
    const genomes = ['a1', 'a2', 'b1', 'c1', 'c2', 'd1'].map((name) => ({ name: `${name}.fa`, family: (name === 'd1' ? 'a' : name).charCodeAt(0), bases: 100 }));
    const dir = folder('open');
    // all open: d1 joins a's batch, which has room for a third genome
    const all = batch(dir, genomes);
    expect(all.get('d1.fa')).toBe('b000001');
    // two open: c1's batch closes a's (joined last before b1's was), so d1 starts a batch; c2 still joins c1's
    rmSync(join(dir, 'ledger.tsv'));
    const two = batch(dir, genomes, ['--max-open', '2']);
    expect(Object.fromEntries(two)).toEqual({ 'a1.fa': 'b000001', 'a2.fa': 'b000001', 'b1.fa': 'b000002', 'c1.fa': 'b000003', 'c2.fa': 'b000003', 'd1.fa': 'b000004' });
  });

  it('reads more sketch files than the process may hold open, given by shard number from their folder', () => {
    const dir = folder('shards');
    const genomes = Array.from({ length: 60 }, (_, i) => ({ name: `g${String(i).padStart(2, '0')}.fa`, family: i % 3, bases: 10 }));
    // one file a genome, as shards 0..59; at most 32 files open at once, the standard three included
    genomes.forEach((g, i) => writeFileSync(join(dir, `${i}.jsonl`), sketchLine(g, i) + '\n'));
    const shards = genomes.map((_, i) => i).join(',');
    const table = join(dir, 'batches.tsv');
    const command = `ulimit -n 32 && python3 -S "$0" --ledger "$1" --table "$2" --max-genomes 100 --max-bases 100000 --max-distance 0.1 --shards ${shards} "$3"`;
    const r = spawnSync('bash', ['-c', command, BATCH, join(dir, 'ledger.tsv'), table, dir]);
    expect(r.status, r.stderr.toString()).toBe(0);
    const rows = readFileSync(table, 'utf8').trim().split('\n').slice(1).map((line) => line.split('\t'));
    expect(rows.length).toBe(60);
    for (const [genome, b] of rows) expect(b, genome).toBe(`b00000${(Number(genome!.slice(1, 3)) % 3) + 1}`);
  });

  it('keeps every genome of the ledger in its batch, and places only new genomes', () => {
    const dir = folder('ledger');
    const genomes = ['a1', 'a2', 'b1'].map((name) => ({ name: `${name}.fa`, family: name.charCodeAt(0), bases: 100 }));
    const first = batch(dir, genomes);
    const grown = batch(dir, [...genomes, { name: 'a0.fa', family: 'a'.charCodeAt(0), bases: 100 }, { name: 'c1.fa', family: 'c'.charCodeAt(0), bases: 100 }]);
    for (const [genome, b] of first) expect(grown.get(genome), genome).toBe(b);
    expect(grown.get('a0.fa')).toBe(first.get('a1.fa'));
    expect(grown.get('c1.fa')).toBe('b000003');
  });
});

describe('the catalogue step', () => {
  it('writes every genome and record in name order, from the batches of the table only, the same when sorted in runs on disk', () => {
    const out = folder('catalogue');
    mkdirSync(join(out, 'archives'), { recursive: true });
    const genome = (name: string, records: number) => ({
      genome: name,
      stored: name.replace(/\.gz$/, ''),
      bytes: 10 * records,
      sha256: name.padEnd(64, '0').slice(0, 64),
      records: Array.from({ length: records }, (_, i) => ({ name: `${name} contig ${i}\twith a tab`, length: i + 1 })),
    });
    const batches: Record<string, ReturnType<typeof genome>[]> = {
      b000001: [genome('m.fa', 2), genome('a.fa.gz', 3)],
      b000002: [genome('z.fa', 1), genome('empty.fa', 0), genome('c.fa', 4)],
      // not in the table: a batch of an earlier run
      b000003: [genome('gone.fa', 1)],
    };
    for (const [b, genomes] of Object.entries(batches)) {
      writeFileSync(join(out, 'archives', `${b}.verified.json`), JSON.stringify({ batch: b, archive: `${b}.seqc`, archiveBytes: 100, genomes }));
    }
    writeFileSync(join(out, 'batches.tsv'), 'genome\tbatch\nm.fa\tb000001\na.fa.gz\tb000001\nz.fa\tb000002\nempty.fa\tb000002\nc.fa\tb000002\n');
    const catalogue = (runRecords: number) => {
      const r = spawnSync('python3', ['-S', '-c', `import sys; sys.argv = ["catalogue.py", "--input", "/in", "--out", ${JSON.stringify(out)}, "--batches", ${JSON.stringify(join(out, 'batches.tsv'))}]\nimport catalogue; catalogue.RUN_RECORDS = ${runRecords}; catalogue.main()`], { cwd: SCRIPTS });
      expect(r.status, r.stderr.toString()).toBe(0);
      return { tsv: readFileSync(join(out, 'catalogue.tsv'), 'utf8'), json: readFileSync(join(out, 'catalogue.json'), 'utf8') };
    };
    const inMemory = catalogue(1_000_000);
    const rows = inMemory.tsv.trim().split('\n');
    expect(rows[0]).toBe('# seqcoder catalogue 1');
    expect(rows.slice(2).map((row) => row.split('\t').slice(0, 2).concat(row.split('\t')[6]!).join(' '))).toEqual([
      'a.fa.gz b000001 0', 'a.fa.gz b000001 1', 'a.fa.gz b000001 2',
      'c.fa b000002 0', 'c.fa b000002 1', 'c.fa b000002 2', 'c.fa b000002 3',
      'empty.fa b000002 ', 'm.fa b000001 0', 'm.fa b000001 1', 'z.fa b000002 0',
    ]);
    expect(rows[2]!.split('\t')).toEqual(['a.fa.gz', 'b000001', 'archives/b000001.seqc', 'a.fa', '30', batches.b000001![1]!.sha256, '0', 'a.fa.gz contig 0 with a tab', '1']);
    const doc = JSON.parse(inMemory.json);
    expect(doc.batches.map((b: { batch: string; genomes: number }) => [b.batch, b.genomes])).toEqual([['b000001', 2], ['b000002', 3]]);
    expect(doc.genomes.map((g: { genome: string }) => g.genome)).toEqual(['a.fa.gz', 'c.fa', 'empty.fa', 'm.fa', 'z.fa']);
    expect(doc.genomes[1]).toEqual({ ...batches.b000002![2], batch: 'b000002', archive: 'archives/b000002.seqc' });
    // in runs of at most 2 records, merged from files: the same bytes, and no file left behind
    expect(catalogue(2)).toEqual(inMemory);
    expect(readdirSync(out).sort()).toEqual(['archives', 'batches.tsv', 'catalogue.json', 'catalogue.tsv']);
  });
});
