/**
 * The packages as a user gets them: `pnpm pack` every package meant for users (workspace:*
 * replaced by versions), `npm install` all the tarballs in an empty folder, with install scripts
 * (zstd-napi builds from source; onnxruntime-node's script fetches files some machines cannot
 * reach, and the install must not fail there: it is optional). Then, through the installed
 * packages only: the README's library example runs from ESM and CommonJS and type-checks under
 * nodenext, bundler and node10, and the `seqcoder` command round-trips the example genome.
 * About a minute, most of it building zstd-napi.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

/** Every package meant for users, by folder: the libraries and the command. */
const PACKAGES = ['errors', 'residual', 'quantiser', 'runtime', 'runtime-onnx-web', 'runtime-onnx-node', 'models', 'format', 'neural'].map((p) => join('packages', p));
PACKAGES.push(join('apps', 'cli'));

const GOLDEN = join(ROOT, 'packages', 'format', 'test', '__fixtures__', 'golden', 'v1.0');
const work = mkdtempSync(join(tmpdir(), 'seqcoder-packages-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env });
}

describe('the packed packages, installed with npm in an empty folder', () => {
  it('install, run the README example and the command, and type-check', () => {
    const tarballs = PACKAGES.map((folder) => run('pnpm', ['pack', '--pack-destination', work], join(ROOT, folder)).trim().split('\n').pop()!.trim());
    writeFileSync(join(work, 'package.json'), '{"name":"consumer","private":true}');
    // node-gyp finds the running Node's headers, as scripts/setup.mjs arranges for the repository
    const nodedir = dirname(dirname(process.execPath));
    const env = existsSync(join(nodedir, 'include', 'node', 'node_api.h')) ? { ...process.env, npm_config_nodedir: nodedir } : process.env;
    run('npm', ['install', '--no-audit', '--no-fund', ...tarballs], work, env);

    // each package comes with its README and licence (the same LICENSE as the repository's)
    for (const folder of PACKAGES) {
      const { name } = JSON.parse(readFileSync(join(ROOT, folder, 'package.json'), 'utf8')) as { name: string };
      const installed = join(work, 'node_modules', ...name.split('/'));
      expect(readFileSync(join(installed, 'README.md'), 'utf8')).toMatch(new RegExp(`^# ${name.replace('/', '\\/')}`));
      expect(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).license).toBe('MIT');
      expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toBe(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
    }

    // the library from ESM and CommonJS
    const golden = join(GOLDEN, 'mixed.fa.seqc');
    const original = join(GOLDEN, 'mixed.fa');
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

    // The README's example, as written there, runs on a real archive and type-checks against the
    // installed package under each module resolution a user may have.
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const example = /## Reading files from code[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(example).toContain("openArchive('genome.fa.seqc')");
    writeFileSync(join(work, 'example.mts'), example);
    writeFileSync(join(work, 'example.ts'), example);
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const typeRoots = join(ROOT, 'node_modules', '@types');
    for (const [file, module, resolution] of [
      ['example.mts', 'nodenext', 'nodenext'],
      ['example.ts', 'esnext', 'bundler'],
      ['example.ts', 'esnext', 'node10'],
    ] as const) {
      const args = ['--noEmit', '--strict', '--target', 'es2022', '--module', module, '--moduleResolution', resolution, '--typeRoots', typeRoots, '--types', 'node', file];
      const r = spawnSync(process.execPath, [tsc, ...args], { cwd: work, encoding: 'utf8' });
      expect(`${resolution}: ${r.stdout}${r.stderr}`).toBe(`${resolution}: `);
    }

    // the command, installed as `seqcoder`
    copyFileSync(join(ROOT, 'examples', 'lambda_virus.fa'), join(work, 'genome.fa'));
    run('npx', ['seqcoder', 'compress', '-q', 'genome.fa'], work);
    expect(run('npx', ['seqcoder', 'verify', 'genome.fa.seqc'], work)).toBe('');
    const restored = execFileSync('npx', ['seqcoder', 'cat', 'genome.fa.seqc'], { cwd: work });
    expect(Buffer.compare(restored, readFileSync(join(work, 'genome.fa')))).toBe(0);
  }, 600_000);
});
