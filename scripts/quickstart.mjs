#!/usr/bin/env node
// The README's first command: compress, decompress and verify the bundled example genome with
// the default codec through the real CLI, and print the ratio.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, copyFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'apps', 'cli', 'dist', 'cli.js');
const example = join(root, 'examples', 'lambda_virus.fa');
const work = mkdtempSync(join(tmpdir(), 'seqcoder-quickstart-'));

function seqcoder(...args) {
  console.log(`$ seqcoder ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: work, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

try {
  copyFileSync(example, join(work, 'lambda_virus.fa'));
  seqcoder('compress', 'lambda_virus.fa');
  seqcoder('info', 'lambda_virus.fa.seqc');
  seqcoder('verify', 'lambda_virus.fa.seqc');
  seqcoder('decompress', '-o', 'restored.fa', 'lambda_virus.fa.seqc');
  const same = readFileSync(join(work, 'restored.fa')).equals(readFileSync(example));
  const original = statSync(example).size;
  const compressed = statSync(join(work, 'lambda_virus.fa.seqc')).size;
  console.log(
    `\nlambda_virus.fa: ${original} → ${compressed} bytes, ratio ${(original / compressed).toFixed(2)}; ` +
      `restored file ${same ? 'is byte-identical to the original' : 'DIFFERS'}`,
  );
  process.exitCode = same ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
