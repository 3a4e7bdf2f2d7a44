/**
 * The packed artifact, as a user gets it: `pnpm pack` the packages, install the tarballs into an
 * empty directory with npm, and decode a golden file from ESM and from CommonJS through the
 * public entry point only.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  }, 180_000);
});
