/**
 * The scale workflow, run by Snakemake as a user runs it: every input file comes back byte for
 * byte from the catalogue, a rerun with nothing new runs no job, new genomes make only the
 * batches they join compress again, batches keep their limits, the jobs run as separate processes
 * through a cluster submission command, genome lists of any length reach the jobs, and the jobs
 * get huge pages unless told not to and V8 on one thread.
 *
 * The inputs are synthetic genomes built at run time from the bundled phage lambda (never
 * committed), plus awkward files (empty, CRLF, lower case, N runs, gzip, a path that begins with
 * a space, symbolic links); and, when ../shared/data is beside the clone, its collections. Without Snakemake the
 * tests skip with a message; .ci/run installs it (a Debian package) and sets
 * SEQCODER_REQUIRE_SNAKEMAKE=1, so that there its absence fails.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DATA, DATA_PRESENT, warnIfAbsent } from '../../test-support/shared-data.js';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'apps', 'cli', 'dist', 'cli.js');
const SNAKEFILE = join(ROOT, 'workflow', 'Snakefile');
const SYNTHETIC = join(ROOT, 'workflow', 'scripts', 'synthetic.py');
const LAMBDA = join(ROOT, 'examples', 'lambda_virus.fa');

const SNAKEMAKE = spawnSync('snakemake', ['--version']).status === 0;
if (!SNAKEMAKE && process.env.SEQCODER_REQUIRE_SNAKEMAKE === '1') {
  throw new Error('snakemake is not installed, and SEQCODER_REQUIRE_SNAKEMAKE=1 requires it');
}
if (!SNAKEMAKE) console.warn('[skip] snakemake is not installed: the workflow tests are skipped (apt-get install snakemake)');

const base = mkdtempSync(join(tmpdir(), 'seqcoder-workflow-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/**
 * The environment of the commands the tests run: the tests' own plus `extra`, without a
 * GLIBC_TUNABLES unless `extra` sets one, so that the huge-pages test sees only what the workflow sets.
 */
function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!('GLIBC_TUNABLES' in extra)) delete env.GLIBC_TUNABLES;
  return env;
}

function run(command: string, args: string[], cwd = ROOT, env = environment()) {
  const r = spawnSync(command, args, { cwd, maxBuffer: 1 << 30, env });
  return { code: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/** Runs the workflow; its output (Snakemake logs on stderr) and which rules ran how often. */
function snakemake(input: string, out: string, config: string[] = [], extra: string[] = [], env = environment()) {
  const r = run('snakemake', ['-s', SNAKEFILE, '--cores', '2', ...extra, '--config', `input=${input}`, `out=${out}`, ...config], base, env);
  if (r.code !== 0) throw new Error(`snakemake failed:\n${r.stdout}\n${r.stderr}`);
  const ran = (rule: string) => (r.stderr.match(new RegExp(`^(local)?rule ${rule}:`, 'gm')) ?? []).length;
  return { ...r, ran };
}

/** The names the workflow takes as genomes (the Snakefile's FASTA pattern). */
const FASTA = /\.(fa|fasta|fna|fas|ffn|frn)(\.gz)?$/i;

/** Every FASTA file under dir, by path relative to it. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => FASTA.test(f) && statSync(join(dir, f)).isFile())
    .sort();
}

/** The FASTA an input file holds: its bytes, or what its gzip holds. */
function content(path: string): Buffer {
  const bytes = readFileSync(path);
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}

/** Restores every genome from the catalogue into a new folder and compares each with its input. */
function expectRestored(input: string, catalogue: string) {
  const restored = mkdtempSync(join(base, 'restored-'));
  const r = run(process.execPath, [CLI, 'decompress', catalogue, '-C', restored]);
  expect(r.stderr).toMatch(/verified/);
  expect(r.code).toBe(0);
  const inputs = files(input);
  expect(files(restored)).toEqual(inputs.map((f) => f.replace(/\.gz$/i, '')).sort());
  for (const f of inputs) expect(readFileSync(join(restored, f.replace(/\.gz$/i, ''))).equals(content(join(input, f))), f).toBe(true);
}

function batchesOf(out: string): Map<string, string> {
  const lines = readFileSync(join(out, 'batches.tsv'), 'utf8').trim().split('\n').slice(1);
  return new Map(lines.map((line) => line.split('\t') as [string, string]));
}

/**
 * A seqcoder command for the workflow's `seqcoder` key that writes the GLIBC_TUNABLES it was
 * started with (or `unset`) to `log`, one line a call, and runs this repository's command.
 */
function recordingSeqcoder(log: string): string {
  const script = `${log}.seqcoder.sh`;
  writeFileSync(script, `#!/bin/sh\necho "\${GLIBC_TUNABLES-unset}" >> '${log}'\nexec '${process.execPath}' '${CLI}' "$@"\n`, { mode: 0o755 });
  return script;
}

/** A synthetic family of `count` lambda-derived genomes (the first `count` of one seed: adding more keeps these). */
function synthetic(dir: string, count: number) {
  const r = run('python3', [SYNTHETIC, LAMBDA, '--out', dir, '--count', String(count), '--seed', '7', '--clades', '3']);
  expect(r.code, r.stderr).toBe(0);
}

describe.skipIf(!SNAKEMAKE)('the scale workflow', () => {
  it('restores every file from the catalogue, reruns nothing, appends new genomes to the batches they join, and drops removed ones', () => {
    const input = join(base, 'input');
    const out = join(base, 'out');
    const more = join(base, 'more');
    synthetic(input, 30);
    synthetic(more, 34);
    mkdirSync(join(input, 'odd'));
    writeFileSync(join(input, 'odd', 'empty.fa'), '');
    writeFileSync(join(input, 'odd', 'crlf.fasta'), '>crlf record\r\nACGTNNNNacgtRYACGT\r\nACG\r\n');
    writeFileSync(join(input, 'odd', 'lower.fna'), `>lower\n${readFileSync(LAMBDA, 'utf8').split('\n').slice(1, 40).join('\n').toLowerCase()}`);
    // a path that begins with a space (the jobs' genome lists once trimmed it away: file not found)
    writeFileSync(join(input, ' leading space.fa'), `>spaced\n${readFileSync(LAMBDA, 'utf8').split('\n').slice(41, 60).join('\n')}\n`);
    const limits = ['max_batch_genomes=8', 'sketch_shards=4'];
    const first = snakemake(input, out, limits);
    expect(first.ran('compress')).toBeGreaterThanOrEqual(4);
    expectRestored(input, join(out, 'catalogue.tsv'));
    expectRestored(input, join(out, 'catalogue.json'));

    const batches = batchesOf(out);
    expect([...batches.keys()].sort()).toEqual(files(input));
    const sizes = new Map<string, number>();
    for (const b of batches.values()) sizes.set(b, (sizes.get(b) ?? 0) + 1);
    for (const n of sizes.values()) expect(n).toBeLessThanOrEqual(8);

    // nothing new: no job at all
    const again = snakemake(input, out, limits);
    expect(again.stdout + again.stderr).toMatch(/Nothing to be done/);

    // an archive deleted by hand comes back, the same bytes, without coding anything again
    const firstArchive = join(out, 'archives', `${[...sizes.keys()].sort()[0]}.seqc`);
    const kept = readFileSync(firstArchive);
    rmSync(firstArchive);
    const restored = snakemake(input, out, limits);
    expect(restored.ran('compress')).toBe(1);
    expect(restored.stdout + restored.stderr).toMatch(/appended 0 genome\(s\)/);
    expect(readFileSync(firstArchive).equals(kept)).toBe(true);
    expectRestored(input, join(out, 'catalogue.tsv'));

    // four more genomes of the same family: only the batches they join are compressed again (appended to)
    const archives = join(out, 'archives');
    const before = new Map(readdirSync(archives).map((f) => [f, statSync(join(archives, f)).mtimeMs]));
    // copied with an old time (as cp -p or rsync -a would), so that only Snakemake's record of
    // each job's parameters shows what changed
    const old = new Date('2000-01-01T00:00:00Z');
    for (const f of files(more)) {
      if (existsSync(join(input, f))) continue;
      copyFileSync(join(more, f), join(input, f));
      utimesSync(join(input, f), old, old);
    }
    const grown = snakemake(input, out, limits);
    const after = batchesOf(out);
    for (const [genome, batch] of batches) expect(after.get(genome), genome).toBe(batch);
    const joined = new Set([...after].filter(([g]) => !batches.has(g)).map(([, b]) => b));
    expect(joined.size).toBeGreaterThan(0);
    expect(grown.ran('compress')).toBe(joined.size);
    // a batch that already had an archive gets the new genomes appended, nothing coded again
    const appended = [...joined].filter((b) => before.has(`${b}.seqc`));
    expect(appended.length).toBeGreaterThan(0);
    for (const b of appended) expect(grown.stdout + grown.stderr).toMatch(new RegExp(`${b}\\.seqc: appended \\d+ genome\\(s\\) to the \\d+ it held`));
    expect(grown.stdout + grown.stderr).not.toMatch(new RegExp(`(${appended.join('|')})\\.seqc: compressed`));
    // and only the new genomes were sketched, in whichever shards they fell
    const sketched = [...(grown.stdout + grown.stderr).matchAll(/sketch\.py: \d+ genome\(s\), (\d+) sketched/g)].map((m) => Number(m[1]));
    expect(sketched.length).toBeGreaterThan(0);
    expect(sketched.reduce((a, b) => a + b, 0)).toBe(files(more).filter((f) => !batches.has(f)).length);
    for (const [file, mtime] of before) {
      const batch = file.replace(/\..*$/, '');
      if (!joined.has(batch)) expect(statSync(join(archives, file)).mtimeMs, file).toBe(mtime);
    }
    expectRestored(input, join(out, 'catalogue.tsv'));

    // a genome gone from the input leaves its batch, which is compressed again without it
    const gone = 'group000/syn00005.fa';
    const goneBatch = after.get(gone)!;
    const archivedBefore = readFileSync(join(archives, `${goneBatch}.seqc`));
    rmSync(join(input, gone));
    const shrunk = snakemake(input, out, limits);
    expect(shrunk.ran('compress')).toBe(1);
    expect(shrunk.stdout + shrunk.stderr).toMatch(new RegExp(`${goneBatch}\\.seqc: compressed`));
    expect(batchesOf(out).has(gone)).toBe(false);
    expect(readFileSync(join(archives, `${goneBatch}.seqc`)).equals(archivedBefore)).toBe(false);
    expectRestored(input, join(out, 'catalogue.tsv'));

    // a genome changed in place (its name kept) is compressed again with its batch, whole
    const changed = 'group000/syn00012.fa';
    const changedBatch = batchesOf(out).get(changed)!;
    const text = readFileSync(join(input, changed), 'utf8').split('\n');
    text[3] = text[3]!.slice(0, 5) + (text[3]![5] === 'A' ? 'C' : 'A') + text[3]!.slice(6);
    writeFileSync(join(input, changed), text.join('\n'));
    const edited = snakemake(input, out, limits);
    expect(edited.ran('compress')).toBe(1);
    expect(edited.stdout + edited.stderr).toMatch(new RegExp(`${changedBatch}\\.seqc: compressed`));
    expectRestored(input, join(out, 'catalogue.tsv'));

    // get: a whole genome as it was, and a region of a one-record genome
    const genome = 'group000/syn00003.fa';
    expect(run(process.execPath, [CLI, 'get', join(out, 'catalogue.tsv'), 'syn00003']).stdout).toBe(readFileSync(join(input, genome), 'utf8'));
    const residues = readFileSync(join(input, genome), 'utf8').split('\n').slice(1).join('');
    const region = run(process.execPath, [CLI, 'get', join(out, 'catalogue.json'), `${genome}:101-160`, '-n', '0']);
    expect(region.stdout).toBe(`>${genome}:101-160\n${residues.slice(100, 160)}\n`);
    const missing = run(process.execPath, [CLI, 'get', join(out, 'catalogue.tsv'), 'no-such-genome:1-10']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no record named no-such-genome/);
  });

  it('runs a shard and a batch whose genome lists are longer than Linux allows one argument to be', () => {
    // 1,100 close genomes of 2 kb under paths of 160 characters, in one sketch shard and one batch:
    // each list is 176 KB, and Linux refuses a single argument over 128 KB ("Argument list too long")
    const input = join(base, 'long-input');
    const folder = join(input, 'a_rather_long_folder_name_of_a_sequencing_centre', 'another_rather_long_folder_name_of_one_of_its_projects');
    mkdirSync(folder, { recursive: true });
    const residues = readFileSync(LAMBDA, 'utf8').split('\n').slice(1).join('').slice(0, 2000);
    for (let i = 0; i < 1100; i++) {
      const bases = [...residues];
      bases[(i * 7919) % bases.length] = 'ACGT'[i % 4]!;
      writeFileSync(join(folder, `assembly_${String(i).padStart(5, '0')}_of_a_bacterium_with_a_long_descriptive_name.fa`), `>g${i}\n${bases.join('')}\n`);
    }
    const genomes = files(input);
    expect(genomes.join('\n').length).toBeGreaterThan(128 * 1024);
    const out = join(base, 'long-out');
    snakemake(input, out, ['sketch_shards=1', 'max_batch_genomes=2000']);
    expect(new Set(batchesOf(out).values()).size).toBe(1);
    expectRestored(input, join(out, 'catalogue.tsv'));
  });

  it('refuses, before any job runs, a file name that an archive or the catalogue cannot hold; stops on a damaged file with its name', () => {
    const genome = readFileSync(LAMBDA).subarray(0, 2000);
    const cases: [Buffer, RegExp][] = [
      [Buffer.from('back\\slash.fa'), /'back\\\\slash\.fa': an archive cannot store a name with a control character, a backslash or a drive letter/],
      [Buffer.from('C:notes.fa'), /'C:notes\.fa': an archive cannot store a name/],
      [Buffer.from('bell\u0007.fa'), /'bell\\x07\.fa': an archive cannot store a name/],
      [Buffer.concat([Buffer.from('latin1-'), Buffer.from([0xe9]), Buffer.from('.fa')]), /b'latin1-\\xe9\.fa' under .*: a file name that is not UTF-8 cannot go into the catalogue/],
    ];
    for (const [i, [name, message]] of cases.entries()) {
      const input = join(base, `names-${i}`);
      mkdirSync(input);
      writeFileSync(join(input, 'fine.fa'), genome);
      writeFileSync(Buffer.concat([Buffer.from(`${input}/`), name]), genome);
      const out = join(base, `names-out-${i}`);
      const r = run('snakemake', ['-s', SNAKEFILE, '--cores', '1', '--config', `input=${input}`, `out=${out}`], base);
      expect(r.code, name.toString()).not.toBe(0);
      expect(r.stderr + r.stdout).toMatch(message);
      expect(existsSync(join(out, 'archives'))).toBe(false);
    }
    // a damaged .gz stops its job with seqcoder's message, naming the file, and no traceback
    const damaged = join(base, 'names-damaged');
    mkdirSync(damaged);
    writeFileSync(join(damaged, 'fine.fa'), genome);
    writeFileSync(join(damaged, 'cut.fa.gz'), gzipSync(readFileSync(LAMBDA)).subarray(0, 300));
    const r = run('snakemake', ['-s', SNAKEFILE, '--cores', '1', '--config', `input=${damaged}`, `out=${join(base, 'names-damaged-out')}`], base);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/seqcoder: cut\.fa\.gz: gzip data is damaged/);
    expect(r.stderr).toMatch(/sketch\.py: seqcoder sketch stopped \(exit status 3\)/);
    expect(r.stderr).not.toMatch(/Traceback/);
  });

  it('follows symbolic links to genomes and to folders of genomes, once around a loop; a link to nothing stops it before any job', () => {
    const downloads = join(base, 'links-downloads');
    synthetic(downloads, 6);
    const [first, ...rest] = files(downloads);
    const input = join(base, 'links-input');
    mkdirSync(join(input, 'sub'), { recursive: true });
    copyFileSync(join(downloads, rest[0]!), join(input, 'own.fa'));
    symlinkSync(join(downloads, first!), join(input, 'linked.fa'));
    symlinkSync(join(downloads, dirname(rest[1]!)), join(input, 'folder'));
    symlinkSync('..', join(input, 'sub', 'up')); // back to input: entered once
    const out = join(base, 'links-out');
    snakemake(input, out);
    const inFolder = readdirSync(join(downloads, dirname(rest[1]!))).filter((f) => FASTA.test(f)).map((f) => `folder/${f}`);
    const expected = ['linked.fa', 'own.fa', ...inFolder].sort();
    expect([...batchesOf(out).keys()].sort()).toEqual(expected);
    const restored = mkdtempSync(join(base, 'links-restored-'));
    expect(run(process.execPath, [CLI, 'decompress', join(out, 'catalogue.tsv'), '-C', restored]).code).toBe(0);
    for (const f of expected) expect(readFileSync(join(restored, f.replace(/\.gz$/i, ''))).equals(content(join(input, f))), f).toBe(true);
    // a `files` list keeps a name's spaces, and takes Windows line ends
    writeFileSync(join(input, ' spaced .fa'), readFileSync(join(input, 'own.fa')));
    const list = join(base, 'links-list.txt');
    writeFileSync(list, ' spaced .fa\r\nlinked.fa\r\n');
    snakemake(input, join(base, 'links-list-out'), [`files=${list}`]);
    expect([...batchesOf(join(base, 'links-list-out')).keys()].sort()).toEqual([' spaced .fa', 'linked.fa']);
    // a link to nothing is named before any job runs
    symlinkSync(join(downloads, 'gone.fa'), join(input, 'gone.fa'));
    const r = run('snakemake', ['-s', SNAKEFILE, '--cores', '1', '--config', `input=${input}`, `out=${join(base, 'links-out-2')}`], base);
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/links-input\/gone\.fa: a symbolic link to nothing \(.*gone\.fa\): remove it or give its target/);
    expect(existsSync(join(base, 'links-out-2', 'archives'))).toBe(false);
  });

  it('stops, before any job, on a folder under input that it cannot read (its genomes would be left out)', () => {
    // root reads any folder: as root the run is made as `nobody` (setpriv, util-linux)
    const root = process.getuid?.() === 0;
    const setpriv = spawnSync('setpriv', ['--version']).status === 0;
    if (root && !setpriv) return console.warn('[skip] running as root without setpriv: cannot make a folder unreadable');
    const top = mkdtempSync(join(tmpdir(), 'seqcoder-unreadable-'));
    try {
      chmodSync(top, 0o755);
      mkdirSync(join(top, 'input', 'locked'), { recursive: true });
      mkdirSync(join(top, 'out'), { mode: 0o777 });
      chmodSync(join(top, 'out'), 0o777);
      writeFileSync(join(top, 'input', 'open.fa'), readFileSync(LAMBDA));
      writeFileSync(join(top, 'input', 'locked', 'hidden.fa'), readFileSync(LAMBDA));
      chmodSync(join(top, 'input', 'locked'), 0);
      const args = ['-s', SNAKEFILE, '--cores', '1', '-n', '--config', `input=${join(top, 'input')}`, `out=${join(top, 'out')}`];
      const r = root
        ? run('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', 'env', `HOME=${join(top, 'out')}`, 'snakemake', ...args], top)
        : run('snakemake', args, top);
      expect(r.code).not.toBe(0);
      expect(r.stderr + r.stdout).toContain(`${join(top, 'input', 'locked')}: cannot read this folder (Permission denied); its genomes would be left out`);
    } finally {
      chmodSync(join(top, 'input', 'locked'), 0o755);
      rmSync(top, { recursive: true, force: true });
    }
  });

  it('runs every job as its own process through a cluster submission command', () => {
    const input = join(base, 'cluster-input');
    const out = join(base, 'cluster-out');
    const log = join(base, 'submitted.log');
    synthetic(input, 12);
    const submit = join(ROOT, 'workflow', 'test', 'local-submit.sh');
    const tunables = join(base, 'cluster-tunables.log');
    const seqcoder = recordingSeqcoder(tunables);
    snakemake(input, out, ['max_batch_genomes=5', 'sketch_shards=2', `seqcoder=${seqcoder}`], ['--cluster', submit, '--jobs', '4', '--latency-wait', '10'], environment({ SUBMIT_LOG: log }));
    // each cluster job runs the Snakefile again, which gives its seqcoder huge pages too (ADR 0036)
    const calls = readFileSync(tunables, 'utf8').trim().split('\n');
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(new Set(calls)).toEqual(new Set(['glibc.malloc.hugetlb=1']));
    const submitted = readFileSync(log, 'utf8').trim().split('\n');
    const batches = new Set(batchesOf(out).values()).size;
    // sketch shards + the batch checkpoint + compress (and verify, in the same job) per batch; all and catalogue run locally
    expect(submitted.length).toBe(2 + 1 + batches);
    expect(new Set(submitted.map((line) => line.split(' ')[0])).size).toBe(submitted.length);
    expectRestored(input, join(out, 'catalogue.tsv'));

    // the shipped profiles parse, and plan the same jobs (a dry run: no sbatch here)
    for (const profile of ['local', 'slurm']) {
      const fresh = join(base, `dry-${profile}`);
      const dry = run('snakemake', ['-s', SNAKEFILE, '--profile', join(ROOT, 'workflow', 'profiles', profile), '-n', '--config', `input=${input}`, `out=${fresh}`, 'sketch_shards=2'], base);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/sketch\s+2\b/);
    }
  });

  it('runs its jobs with huge pages unless told not to, and keeps a GLIBC_TUNABLES of the user', () => {
    const input = join(base, 'pages-input');
    synthetic(input, 3);
    const cases: [string[], Record<string, string>, string][] = [
      [[], {}, 'glibc.malloc.hugetlb=1'],
      [['huge_pages=false'], {}, 'unset'],
      [[], { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'glibc.malloc.arena_max=2'],
    ];
    for (const [i, [config, env, expected]] of cases.entries()) {
      const log = join(base, `pages-${i}.log`);
      snakemake(input, join(base, `pages-out-${i}`), [...config, `seqcoder=${recordingSeqcoder(log)}`], [], environment(env));
      // one sketch job and one compress job at least, every one with the expected variable
      const calls = readFileSync(log, 'utf8').trim().split('\n');
      expect(calls.length, config.join(' ')).toBeGreaterThanOrEqual(2);
      expect(new Set(calls), config.join(' ')).toEqual(new Set([expected]));
    }
  });

  it('runs the repository\'s command with V8 on one thread, and a command given in `seqcoder` as it is', () => {
    const input = join(base, 'thread-input');
    synthetic(input, 3);
    const dry = (config: string[]) => run('snakemake', ['-s', SNAKEFILE, '-n', '-p', '--cores', '1', '--config', `input=${input}`, `out=${join(base, 'thread-out')}`, ...config], base);
    // a dry run prints the sketch jobs' shell commands (the compress jobs wait for the batch checkpoint)
    const plain = dry([]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain(`--seqcoder 'node --single-threaded ${CLI}'`);
    const given = dry(['seqcoder=/opt/bin/seqcoder']);
    expect(given.code, given.stderr).toBe(0);
    expect(given.stdout).toContain('--seqcoder /opt/bin/seqcoder ');
    expect(given.stdout).not.toContain('--single-threaded');
  });

  warnIfAbsent('the workflow on ../shared/data/collections');
  it.skipIf(!DATA_PRESENT)('restores every genome of the collections', () => {
    const input = join(DATA, 'collections');
    const out = join(base, 'collections');
    snakemake(input, out);
    expectRestored(input, join(out, 'catalogue.tsv'));
    const catalogue = JSON.parse(readFileSync(join(out, 'catalogue.json'), 'utf8'));
    expect(catalogue.genomes.map((g: { genome: string }) => g.genome)).toEqual(files(input).map((f) => relative(input, join(input, f))));
  });
});
