/**
 * Multi-file archives as a user makes them: several files and folders in, one archive out, every
 * file back byte for byte under its name, and names from an archive never leading outside -C.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { compressFiles } from '@seqcoder/format';
import { beforeEach, describe, expect, it } from 'vitest';
import { CLI, runCli, testFolders } from './helpers.js';

const folders = testFolders('seqcoder-archive-');
let dir = '';
beforeEach(() => (dir = folders.current())); // after testFolders' own beforeEach, which makes it
const seqcoder = (args: string[], input?: Uint8Array) => runCli(dir, args, input);

/** A seeded genome, and copies of it with a few changes: what a strain collection looks like. */
function strains(count: number, length: number): string[] {
  let x = 12345;
  const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16) & 3;
  const genome = Array.from({ length }, () => 'ACGT'[next()]).join('');
  return Array.from({ length: count }, (_, k) => {
    const s = genome.split('');
    for (let i = 0; i < 20 * k; i++) s[(i * 7919 + k * 104729) % length] = 'ACGT'[next()]!;
    return s.join('');
  });
}

const wrap = (s: string, width: number, eol = '\n') => s.match(new RegExp(`.{1,${width}}`, 'g'))!.join(eol) + eol;

function write(path: string, content: string | Uint8Array): string {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), content);
  return path;
}

describe('multi-file archives', () => {
  it('keep every file byte for byte under its name: line widths, CRLF, lower case, N runs, .gz, empty files, one name in two folders', () => {
    const [a, b, c, d] = strains(4, 20_000);
    const files: Record<string, string | Uint8Array> = {
      'a/x.fa': `>a strain\n${wrap(a!, 60)}`,
      'b/x.fa': `>b strain\r\n${wrap(b!.slice(0, 9000).toLowerCase() + 'N'.repeat(50) + b!.slice(9000), 80, '\r\n')}`,
      'c.fa.gz': gzipSync(`>c\n${wrap(c!, 70)}>c plasmid\nACGTACGTTT\n`),
      'empty.fa': '',
      'more/d.fa': `>d\n${wrap(d!, 61)}`.slice(0, -1), // no final newline
      'more/notes.txt': 'not a genome: stored as it is\n',
    };
    for (const [path, content] of Object.entries(files)) write(path, content);
    const r = seqcoder(['compress', '-o', 'set.seqc', 'a/x.fa', 'b/x.fa', 'c.fa.gz', 'empty.fa', 'more']);
    expect(r.stderr).toMatch(/6 files/);
    expect(r.code).toBe(0);

    const list = JSON.parse(seqcoder(['list', '--json', 'set.seqc']).stdout.toString())[0];
    expect(list.files.map((f: { name: string }) => f.name)).toEqual(['a/x.fa', 'b/x.fa', 'c.fa', 'empty.fa', 'more/d.fa', 'more/notes.txt']);
    expect(list.records.map((rec: { codec: string }) => rec.codec)).toEqual(Array(5).fill('ref'));

    expect(seqcoder(['decompress', 'set.seqc', '-C', 'out']).code).toBe(0);
    for (const [path, content] of Object.entries(files)) {
      const original = path.endsWith('.gz') ? spawnSync('gzip', ['-dc', join(dir, path)]).stdout : Buffer.from(content);
      expect(readFileSync(join(dir, 'out', path.replace(/\.gz$/, '')))).toEqual(original);
    }
    // one genome, decoded alone, is its file
    expect(seqcoder(['cat', 'set.seqc', '--file', 'more/d.fa']).stdout).toEqual(Buffer.from(files['more/d.fa'] as string));
    expect(seqcoder(['cat', 'set.seqc', '--record', 'c']).stdout.toString()).toBe(`>c\n${wrap(strains(4, 20_000)[2]!, 70)}`);
    // without -C, a multi-file archive goes to a folder named after it
    expect(seqcoder(['decompress', 'set.seqc']).code).toBe(0);
    expect(readFileSync(join(dir, 'set', 'a/x.fa'))).toEqual(Buffer.from(files['a/x.fa'] as string));
  });

  it('read .gz and plain files one after another, each read ahead into a reused buffer, and keep each whole', () => {
    // A gzipped file's pieces go into the gunzip stream, which queues them while the next file is
    // read ahead into a buffer given back by the one before: they must be copies (ADR 0025).
    const genomes = strains(16, 200_000);
    const names = genomes.map((g, k) => {
      const text = `>s${k}\n${wrap(g, 60)}`;
      return k % 2 === 1 ? write(`in/s${String(k).padStart(2, '0')}.fa.gz`, gzipSync(text)) : write(`in/s${String(k).padStart(2, '0')}.fa`, text);
    });
    expect(seqcoder(['compress', '-o', 'set.seqc', 'in']).code).toBe(0);
    expect(seqcoder(['decompress', 'set.seqc', '-C', 'out']).code).toBe(0);
    genomes.forEach((g, k) => expect(readFileSync(join(dir, 'out', names[k]!.replace(/\.gz$/, ''))).toString()).toBe(`>s${k}\n${wrap(g, 60)}`));
    // sketches of all the files at once equal each file's sketch alone
    const together = seqcoder(['sketch', ...names]);
    expect(together.code).toBe(0);
    const alone = names.map((name) => seqcoder(['sketch', name]).stdout.toString()).join('');
    expect(together.stdout.toString()).toBe(alone);
  });

  it('read files of megabytes in pieces: a plain one, and a .gz of two gzip members; verify --against compares both', () => {
    // Plain files are read a megabyte at a time and gunzipped files come out of zlib a megabyte
    // at a time: a file of several pieces, and a gzip member ending inside one, must come back whole.
    const [a, b] = strains(2, 1_500_000);
    const plainText = `>a\n${wrap(a!, 60)}`;
    const gzText = `>b\n${wrap(b!, 60)}>b2\nACGT\n`;
    const cut = 700_001; // the second gzip member starts mid-line, inside zlib's first output piece
    write('in/a.fa', plainText);
    write('in/b.fa.gz', Buffer.concat([gzipSync(gzText.slice(0, cut)), gzipSync(gzText.slice(cut))]));
    expect(runCli(join(dir, 'in'), ['compress', '-o', '../set.seqc', 'a.fa', 'b.fa.gz']).code).toBe(0);
    expect(seqcoder(['decompress', 'set.seqc', '-C', 'out']).code).toBe(0);
    expect(readFileSync(join(dir, 'out', 'a.fa')).toString()).toBe(plainText);
    expect(readFileSync(join(dir, 'out', 'b.fa')).toString()).toBe(gzText);
    expect(seqcoder(['verify', '--against', 'in', 'set.seqc']).code).toBe(0);
    expect(seqcoder(['sketch', 'in/b.fa.gz']).stdout.toString()).toBe(seqcoder(['sketch', 'out/b.fa']).stdout.toString().replace('out/b.fa', 'in/b.fa.gz'));
  });

  it('verify --against compares every file with its original and reports size, SHA-256 and records', () => {
    const [a, b, c] = strains(3, 8000);
    const files: Record<string, string | Uint8Array> = {
      'in/a.fa': `>a one\n${wrap(a!, 60)}`,
      'in/sub/b.fa': `>b\r\n${wrap(b!.toLowerCase(), 70, '\r\n')}>b2\r\nACGTN\r\n`,
      'in/c.fa.gz': gzipSync(`>c\n${wrap(c!, 80)}`),
      'in/empty.fa': '',
    };
    for (const [path, content] of Object.entries(files)) write(path, content);
    expect(runCli(join(dir, 'in'), ['compress', '-o', '../set.seqc', 'a.fa', 'sub/b.fa', 'c.fa.gz', 'empty.fa']).code).toBe(0);
    const sha = (x: string | Uint8Array) => createHash('sha256').update(x).digest('hex');
    const plain = (path: string) => (path.endsWith('.gz') ? gunzipSync(files[path] as Uint8Array) : Buffer.from(files[path] as string));

    const ok = seqcoder(['verify', '--json', '--against', 'in', 'set.seqc']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout.toString());
    expect(report).toHaveLength(1);
    expect(report[0].files.map((f: { name: string; bytes: number; sha256: string; against: string }) => [f.name, f.bytes, f.sha256, f.against])).toEqual(
      ['in/a.fa', 'in/sub/b.fa', 'in/c.fa.gz', 'in/empty.fa'].map((path) => [path.slice(3).replace(/\.gz$/, ''), plain(path).length, sha(plain(path)), join('in', path.slice(3))]),
    );
    expect(report[0].files[1].records).toEqual([{ name: 'b', length: 8000 }, { name: 'b2', length: 5 }]);
    expect(seqcoder(['verify', '--against', 'in', 'set.seqc']).stderr).toMatch(/set\.seqc: OK .*identical to in/);

    // a changed byte, a longer or shorter original, a missing one: each is an error naming the file
    const original = files['in/sub/b.fa'] as string;
    write('in/sub/b.fa', original.slice(0, 100) + (original[100] === 'a' ? 'c' : 'a') + original.slice(101));
    expect(seqcoder(['verify', '--against', 'in', 'set.seqc'])).toMatchObject({ code: 3, stderr: expect.stringMatching(/sub\/b\.fa is not its original .*differ at byte 100\b/) });
    write('in/sub/b.fa', original + '\n');
    expect(seqcoder(['verify', '--against', 'in', 'set.seqc'])).toMatchObject({ code: 3, stderr: expect.stringMatching(/goes on for 1 more byte/) });
    write('in/sub/b.fa', original.slice(0, -1));
    expect(seqcoder(['verify', '--against', 'in', 'set.seqc'])).toMatchObject({ code: 3, stderr: expect.stringMatching(/ends at byte/) });
    write('in/sub/b.fa', original);
    unlinkSync(join(dir, 'in/c.fa.gz'));
    expect(seqcoder(['verify', '--against', 'in', 'set.seqc'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/c\.fa: no original under in/) });

    // an archive of one input is compared with its file; --against takes one archive
    write('one.fa', files['in/a.fa'] as string);
    expect(seqcoder(['compress', 'one.fa']).code).toBe(0);
    expect(seqcoder(['verify', '--against', 'one.fa', 'one.fa.seqc']).code).toBe(0);
    expect(seqcoder(['verify', '--against', 'in', 'one.fa.seqc']).code).toBe(2);
    expect(seqcoder(['verify', '--against', 'in', 'one.fa.seqc', 'set.seqc']).code).toBe(2);
  });

  it('compress --verify and append --verify decode the new archive and report what verify --json reports', async () => {
    const [a, b, c] = strains(3, 8000);
    write('in/a.fa', `>a one\n${wrap(a!, 60)}`);
    write('in/sub/b.fa.gz', gzipSync(`>b\n${wrap(b!, 70)}`));
    write('in/c.fa', `>c\n${wrap(c!, 80)}`);
    const inside = (args: string[], input?: Uint8Array) => runCli(join(dir, 'in'), args, input);
    const made = inside(['compress', '-q', '--verify', '--json', '-o', '../set.seqc', 'a.fa', 'sub/b.fa.gz']);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const verified = inside(['verify', '--json', '--against', '.', '../set.seqc']);
    expect(JSON.parse(made.stdout.toString())).toEqual(JSON.parse(verified.stdout.toString()));
    expect(JSON.parse(made.stdout.toString())[0].files.map((f: { against: string }) => f.against)).toEqual(['a.fa', 'sub/b.fa.gz']);

    // append: the files added are compared with their inputs, the ones held are decoded and hashed
    const appended = inside(['append', '-q', '--verify', '--json', '../set.seqc', 'c.fa']);
    expect(appended.code).toBe(0);
    const report = JSON.parse(appended.stdout.toString());
    expect(report[0].file).toBe('../set.seqc');
    expect(report[0].files.map((f: { name: string; against?: string }) => [f.name, f.against])).toEqual([['a.fa', undefined], ['sub/b.fa', undefined], ['c.fa', 'c.fa']]);
    const all = JSON.parse(inside(['verify', '--json', '--against', '.', '../set.seqc']).stdout.toString());
    expect(report[0].files.map((f: { sha256: string }) => f.sha256)).toEqual(all[0].files.map((f: { sha256: string }) => f.sha256));

    // one input, one archive: compared with that input
    const one = inside(['compress', '-q', '--verify', '--json', 'c.fa']);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout.toString())[0].files[0]).toMatchObject({ name: 'c.fa', against: 'c.fa', bytes: readFileSync(join(dir, 'in', 'c.fa')).length });

    // what cannot be verified is refused before anything is written
    expect(inside(['compress', '--json', '-o', '../x.seqc', 'a.fa', 'c.fa'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--json prints what --verify found/) });
    expect(inside(['compress', '--verify', '-c', 'a.fa'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/needs an output file, not -c/) });
    expect(inside(['compress', '--verify', '-o', '../x.seqc'], Buffer.from('>x\nACGT\n'))).toMatchObject({ code: 2, stderr: expect.stringMatching(/not stdin/) });
    expect(inside(['append', '--json', '../set.seqc', 'a.fa'])).toMatchObject({ code: 2 });
    expect(existsSync(join(dir, 'x.seqc'))).toBe(false);

    // the check itself: a file that is not what the archive restores fails it, naming the file
    const { verifyArchive, original } = await import('../src/commands/verify.js');
    const wrong = verifyArchive(join(dir, 'set.seqc'), 'set.seqc', async (name) => original(join(dir, 'in', name === 'a.fa' ? 'c.fa' : name)));
    await expect(wrong).rejects.toMatchObject({ exitCode: 3, message: expect.stringMatching(/a\.fa is not its original .*c\.fa/) });
  });

  it('from -c with several inputs is one readable archive (never an unreadable file)', () => {
    const [a, b] = strains(2, 5000);
    write('a.fa', `>a\n${wrap(a!, 60)}`);
    write('b.fa', `>b\n${wrap(b!, 60)}`);
    const packed = seqcoder(['compress', '-c', 'a.fa', 'b.fa']);
    expect(packed.code).toBe(0);
    write('two.seqc', packed.stdout);
    expect(seqcoder(['verify', 'two.seqc']).code).toBe(0);
    expect(seqcoder(['cat', 'two.seqc']).stdout.toString()).toBe(`>a\n${wrap(a!, 60)}>b\n${wrap(b!, 60)}`);
  });

  it('takes --files-from and a folder alone, and refuses two inputs stored under one name', () => {
    const [a, b] = strains(2, 3000);
    write('g/a.fa', `>a\n${wrap(a!, 60)}`);
    write('h/a.fa', `>b\n${wrap(b!, 60)}`);
    write('list.txt', 'g/a.fa\nh/a.fa\n');
    expect(seqcoder(['compress', '--files-from', 'list.txt', '-o', 'l.seqc']).code).toBe(0);
    expect(JSON.parse(seqcoder(['list', '--json', 'l.seqc']).stdout.toString())[0].files).toHaveLength(2);
    // the list from standard input (a socket here, which /dev/stdin cannot open): the same archive
    expect(seqcoder(['compress', '--files-from', '-', '-o', 'm.seqc'], new TextEncoder().encode('g/a.fa\nh/a.fa\n')).code).toBe(0);
    expect(readFileSync(join(dir, 'm.seqc'))).toEqual(readFileSync(join(dir, 'l.seqc')));
    expect(seqcoder(['compress', 'g']).code).toBe(0);
    expect(existsSync(join(dir, 'g.seqc'))).toBe(true);
    // a path outside the working folder is stored by its base name
    write('a.fa', `>c\n${wrap(a!, 60)}`);
    mkdirSync(`${dir}-elsewhere`);
    writeFileSync(join(`${dir}-elsewhere`, 'a.fa'), `>d\n${wrap(b!, 60)}`);
    const clash = seqcoder(['compress', '-o', 'x.seqc', 'a.fa', join(`${dir}-elsewhere`, 'a.fa')]);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/both be stored as a\.fa/);
  });

  it('follows symbolic links in a folder, to files and to folders, once around a loop; refuses a link to nothing', () => {
    const [a, b, c] = strains(3, 3000);
    write('downloads/a.fa', `>a\n${wrap(a!, 60)}`);
    write('downloads/more/b.fa.gz', gzipSync(`>b\n${wrap(b!, 70)}`));
    write('set/c.fa', `>c\n${wrap(c!, 80)}`);
    symlinkSync('../downloads/a.fa', join(dir, 'set', 'a.fa'));
    symlinkSync('../downloads/more', join(dir, 'set', 'more'));
    mkdirSync(join(dir, 'set', 'sub'));
    symlinkSync('..', join(dir, 'set', 'sub', 'up')); // back to set/: its files are listed once
    expect(seqcoder(['compress', '-o', 'set.seqc', 'set']).code).toBe(0);
    const files = JSON.parse(seqcoder(['list', '--json', 'set.seqc']).stdout.toString())[0].files.map((f: { name: string }) => f.name);
    expect(files).toEqual(['set/a.fa', 'set/c.fa', 'set/more/b.fa']);
    expect(seqcoder(['decompress', 'set.seqc', '-C', 'out']).code).toBe(0);
    expect(readFileSync(join(dir, 'out', 'set', 'a.fa')).toString()).toBe(`>a\n${wrap(a!, 60)}`);
    expect(readFileSync(join(dir, 'out', 'set', 'more', 'b.fa')).toString()).toBe(`>b\n${wrap(b!, 70)}`);
    // --rm removes the folder's files and links, never what a link to a folder leads to
    expect(seqcoder(['compress', '--rm', '-f', '-o', 'set.seqc', 'set']).code).toBe(0);
    expect(readdirSync(join(dir, 'set')).sort()).toEqual(['sub']);
    expect(readdirSync(join(dir, 'downloads'), { recursive: true }).sort()).toEqual(['a.fa', 'more', join('more', 'b.fa.gz')]);
    symlinkSync('../downloads/a.fa', join(dir, 'set', 'a.fa'));
    // a link to nothing is named, and nothing is written
    symlinkSync('../downloads/gone.fa', join(dir, 'set', 'gone.fa'));
    const r = seqcoder(['compress', '-o', 'broken.seqc', 'set']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join('set', 'gone.fa')}: a symbolic link to nothing (../downloads/gone.fa)`);
    expect(existsSync(join(dir, 'broken.seqc'))).toBe(false);
  });

  it('grow by append; an interrupted append leaves the old archive intact', async () => {
    const [a, b, c] = strains(3, 30_000);
    write('a.fa', `>a\n${wrap(a!, 60)}`);
    write('b.fa', `>b\n${wrap(b!, 60)}`);
    write('new/c.fa', `>c\n${wrap(c!, 60)}`);
    expect(seqcoder(['compress', '-o', 'set.seqc', 'a.fa', 'b.fa']).code).toBe(0);
    const before = readFileSync(join(dir, 'set.seqc'));
    // interrupted while it codes a large new genome: the archive is as it was, no temporary file is left
    write('big/big.fa', `>big\n${wrap(strains(1, 1_500_000)[0]!, 80)}`);
    // (killed once its temporary file exists: it is then copying or coding, whatever the machine's speed)
    const child = spawn(process.execPath, [CLI, 'append', 'set.seqc', 'big'], { cwd: dir });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    while (!readdirSync(dir).some((f) => f.startsWith('.set.seqc.tmp-'))) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(readFileSync(join(dir, 'set.seqc'))).toEqual(before);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(seqcoder(['append', 'set.seqc', 'a.fa']).stderr).toMatch(/already holds a file named a\.fa/);
    expect(seqcoder(['append', 'set.seqc', 'new']).code).toBe(0);
    const after = readFileSync(join(dir, 'set.seqc'));
    expect(after.subarray(0, before.length - 20)).toEqual(before.subarray(0, before.length - 20)); // only END changed before the new frames
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(seqcoder(['decompress', 'set.seqc', '-C', 'out']).code).toBe(0);
    expect(readFileSync(join(dir, 'out', 'new', 'c.fa')).toString()).toBe(`>c\n${wrap(c!, 60)}`);
    expect(readFileSync(join(dir, 'out', 'a.fa')).toString()).toBe(`>a\n${wrap(a!, 60)}`);
  });

  it('refuses to store a file under a name that decompress would refuse to extract', () => {
    const genome = `>g\n${wrap(strains(1, 2000)[0]!, 60)}`;
    write('fine.fa', genome);
    write('set.seqc', 'an archive already there');
    for (const name of ['back\\slash.fa', 'bell\u0007.fa', 'C:notes.fa', 'folder/back\\slash.fa']) {
      write(name, genome);
      // given as a file, and found in a folder given (a single file alone is stored without a name)
      for (const args of [['compress', '-f', '-o', 'set.seqc', 'fine.fa', name], ['compress', '-f', '-o', 'set.seqc', 'fine.fa', name.split('/')[0]!]]) {
        const r = seqcoder(args);
        expect(r.code, name).toBe(2);
        expect(r.stderr).toContain(`cannot be stored as ${JSON.stringify(name)}`);
        expect(readFileSync(join(dir, 'set.seqc')).toString()).toBe('an archive already there');
      }
      unlinkSync(join(dir, name));
    }
    // the same names, refused by append before the archive is touched
    expect(seqcoder(['compress', '-o', 'ok.seqc', 'fine.fa']).code).toBe(0);
    const before = readFileSync(join(dir, 'ok.seqc'));
    write('C:notes.fa', genome);
    expect(seqcoder(['append', 'ok.seqc', 'C:notes.fa']).stderr).toContain('(drive letter)');
    expect(readFileSync(join(dir, 'ok.seqc'))).toEqual(before);
  });

  it('never writes outside -C, whatever the names in the archive', async () => {
    const genome = `>g\n${wrap(strains(1, 2000)[0]!, 60)}`;
    for (const name of ['../escape.fa', '/tmp/absolute.fa', 'a/../../escape.fa', 'C:evil.fa', 'a//b.fa', 'bell\u0007.fa', 'back\\slash.fa', 'link/inside.fa', 'link/deeper/inside.fa']) {
      const parts: Uint8Array[] = [];
      for await (const p of compressFiles([{ name: 'fine.fa', content: [Buffer.from(genome)] }, { name, content: [Buffer.from(genome)] }])) parts.push(p);
      const sub = join(dir, String(parts.length) + Math.random().toString(36).slice(2));
      mkdirSync(join(sub, 'out'), { recursive: true });
      mkdirSync(join(sub, 'elsewhere'));
      symlinkSync(join(sub, 'elsewhere'), join(sub, 'out', 'link'));
      writeFileSync(join(sub, 'hostile.seqc'), Buffer.concat(parts));
      const r = spawnSync(process.execPath, [CLI, 'decompress', 'hostile.seqc', '-C', 'out'], { cwd: sub });
      expect(r.status, name).toBe(3);
      expect(r.stderr.toString()).toMatch(/refusing to extract/);
      expect(readdirSync(join(sub, 'elsewhere'))).toEqual([]);
      expect(readdirSync(sub).sort()).toEqual(['elsewhere', 'hostile.seqc', 'out']);
      expect(existsSync('/tmp/absolute.fa')).toBe(false);
    }
  });
});
