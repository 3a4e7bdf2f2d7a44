/**
 * The packed artifact, as a user gets it: `pnpm pack` the packages, install the tarballs into an
 * empty directory with npm, decode a golden file from ESM and from CommonJS through the public
 * entry point only, and type-check the README's example under three module resolutions.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './helpers.js';

const root = resolve(__dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'seqcoder-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('the packed @seqcoder/format tarball', () => {
  it('installs and decodes from ESM and CJS', () => {
    const tarballs = ['errors', 'residual', 'format'].map((pkg) => {
      const out = run('pnpm', ['pack', '--pack-destination', work], join(root, pkg));
      return out.trim().split('\n').pop()!.trim();
    });
    writeFileSync(join(work, 'package.json'), '{"name":"consumer","private":true}');
    run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs], work);

    const golden = join(FIXTURES, 'golden', 'v1.0', 'mixed.fa.seqc');
    const original = join(FIXTURES, 'golden', 'v1.0', 'mixed.fa');
    writeFileSync(
      join(work, 'esm.mjs'),
      `import { readFileSync } from 'node:fs';
       import { openArchive, decompress, isSeqCoderError } from '@seqcoder/format';
       const archive = await openArchive(${JSON.stringify(golden)});
       const out = await decompress(readFileSync(${JSON.stringify(golden)}));
       const same = Buffer.compare(out, readFileSync(${JSON.stringify(original)})) === 0;
       let typed = false;
       try { await decompress(new Uint8Array([1, 2, 3])); } catch (e) { typed = isSeqCoderError(e) && e.code === 'BAD_MAGIC'; }
       console.log(JSON.stringify({ records: archive.records.length, same, typed }));`,
    );
    writeFileSync(
      join(work, 'cjs.cjs'),
      `const { readFileSync } = require('node:fs');
       const { decompress } = require('@seqcoder/format');
       decompress(readFileSync(${JSON.stringify(golden)})).then((out) => {
         console.log(JSON.stringify({ same: Buffer.compare(out, readFileSync(${JSON.stringify(original)})) === 0 }));
       });`,
    );
    expect(JSON.parse(run('node', ['esm.mjs'], work))).toEqual({ records: 5, same: true, typed: true });
    expect(JSON.parse(run('node', ['cjs.cjs'], work))).toEqual({ same: true });

    // each package comes with its README and licence
    for (const pkg of ['errors', 'residual', 'format']) {
      const installed = join(work, 'node_modules', '@seqcoder', pkg);
      expect(readFileSync(join(installed, 'README.md'), 'utf8')).toMatch(new RegExp(`^# @seqcoder/${pkg}`));
      expect(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).license).toBe('MIT');
    }

    // The README's example, as written there, type-checks against the installed package under
    // each module resolution a user may have: nodenext, bundler and node10.
    const readme = readFileSync(join(root, '..', 'README.md'), 'utf8');
    const example = /## Reading files from code[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(example).toContain("openArchive('genome.fa.seqc')");
    writeFileSync(join(work, 'example.mts'), example);
    writeFileSync(join(work, 'example.ts'), example);
    const tsc = join(root, '..', 'node_modules', 'typescript', 'bin', 'tsc');
    const typeRoots = join(root, '..', 'node_modules', '@types');
    for (const [file, module, resolution] of [
      ['example.mts', 'nodenext', 'nodenext'],
      ['example.ts', 'esnext', 'bundler'],
      ['example.ts', 'esnext', 'node10'],
    ]) {
      const args = ['--noEmit', '--strict', '--target', 'es2022', '--module', module!, '--moduleResolution', resolution!, '--typeRoots', typeRoots, '--types', 'node', file!];
      const r = spawnSync(process.execPath, [tsc, ...args], { cwd: work, encoding: 'utf8' });
      expect(`${resolution}: ${r.stdout}${r.stderr}`).toBe(`${resolution}: `);
      expect(r.status).toBe(0);
    }
  }, 180_000);
});
