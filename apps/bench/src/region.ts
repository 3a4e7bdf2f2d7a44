/**
 * `pnpm bench:region`: what a small range of a large record costs. It compresses a genome (by
 * default the largest single-record genome of ../shared/data/genomes, about 5 Mb, else the example)
 * with each codec asked for (`cm:2:1M`: level 2 in independent blocks of 1 Mb), then times
 * reading 100 bases at its start, its middle and its end:
 * in-process through `Archive.readSequence` (the archive already open; the median of --repeat
 * runs) and through `seqcoder get` (a whole process, start-up included). Every range read is
 * compared with the original. The target of issue 18: the first 100 bases of a 5 Mb cm record in
 * at most 0.2 s in Node.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compress, openArchive } from '@seqcoder/format';
import { cliPath } from './tools.js';

/** `1M` → 1,000,000 bases; `500k` → 500,000. */
function bases(text: string): number {
  const m = /^(\d+)([kM]?)$/.exec(text);
  if (!m) throw new Error(`block size ${text}: a number of bases, e.g. 1M or 500k`);
  return Number(m[1]) * (m[2] === 'M' ? 1e6 : m[2] === 'k' ? 1e3 : 1);
}

const HELP = `Usage: pnpm bench:region [options]

Times reading 100 bases at the start, middle and end of one large record, per codec.

Options:
  --genome FILE  a single-record FASTA (default: the largest of ../shared/data/genomes)
  --codecs LIST  name, name:level or name:level:blocks (cm in independent blocks of
                 that many bases, e.g. cm:2:1M), comma-separated (default: cm,pack)
  --repeat N     in-process reads per measurement; the median is printed (default 5)
  -h, --help     this text
`;

const { values } = parseArgs({
  options: {
    genome: { type: 'string' },
    codecs: { type: 'string', default: 'cm,pack' },
    repeat: { type: 'string', default: '5' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

function defaultGenome(): string {
  const dir = resolve('..', 'shared', 'data', 'genomes');
  try {
    const single = readdirSync(dir)
      .map((name) => join(dir, name))
      .filter((file) => readFileSync(file, 'latin1').split('\n').filter((line) => line.startsWith('>')).length === 1);
    return single.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  } catch {
    return resolve('examples', 'lambda_virus.fa');
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const genome = values.genome ?? defaultGenome();
const original = new Uint8Array(readFileSync(genome));
const residues = new TextDecoder('latin1').decode(original).split('\n').filter((l) => !l.startsWith('>')).join('').replaceAll('\r', '');
const name = new TextDecoder().decode(original.subarray(1, original.indexOf(10))).split(/\s/, 1)[0]!;
const repeat = Number(values.repeat);
const work = mkdtempSync(join(tmpdir(), 'seqcoder-region-'));
const rows: string[] = [];
try {
  for (const item of values.codecs!.split(',')) {
    const [codec, levelText, blockText] = item.trim().split(':') as [string, string | undefined, string | undefined];
    const level = levelText === undefined || levelText === '' ? undefined : Number(levelText);
    const blockBases = blockText === undefined ? undefined : bases(blockText);
    const file = join(work, `${codec}.seqc`);
    const packed = await compress(original, { codec, level, blockBases });
    writeFileSync(file, packed);
    const label = `${codec}${level === undefined ? '' : ` L${level}`}${blockText === undefined ? '' : `, blocks of ${blockText}`}`;
    for (const [where, start] of [
      ['start', 0],
      ['middle', Math.floor(residues.length / 2)],
      ['end', residues.length - 100],
    ] as const) {
      const times: number[] = [];
      for (let i = 0; i < repeat; i++) {
        const archive = await openArchive(file);
        const t = performance.now();
        const got = new TextDecoder().decode(await archive.readSequence(0, start, start + 100));
        times.push(performance.now() - t);
        await archive.close();
        if (got !== residues.slice(start, start + 100)) throw new Error(`${label}: wrong bases at ${start}`);
      }
      const t = performance.now();
      const r = spawnSync(process.execPath, [cliPath, 'get', file, `${name}:${start + 1}-${start + 100}`], { encoding: 'utf8' });
      const processMs = performance.now() - t;
      if (r.status !== 0 || r.stdout.split('\n').slice(1).join('') !== residues.slice(start, start + 100)) throw new Error(`${label}: seqcoder get failed at ${start}`);
      rows.push(`| ${label} | ${packed.length.toLocaleString('en')} | ${where} (${(start + 1).toLocaleString('en')}) | ${median(times).toFixed(1)} | ${processMs.toFixed(0)} |`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`${genome.split('/').pop()}: one record of ${residues.length.toLocaleString('en')} residues; 100 bases read`);
console.log('\n| codec | file bytes | where | readSequence, ms (archive open, median) | seqcoder get, ms (whole process) |\n| --- | ---: | --- | ---: | ---: |');
console.log(rows.join('\n'));
