/**
 * What every CLI test file needs: the built command, a fresh folder per test under one temporary
 * root (removed at the end), and a way to run the command there.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeEach } from 'vitest';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const CLI = join(ROOT, 'apps', 'cli', 'dist', 'cli.js');

/** A new empty folder for each test; `current()` is the running test's. */
export function testFolders(prefix: string): { current: () => string } {
  const base = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  let dir = '';
  let n = 0;
  beforeEach(() => {
    dir = join(base, String(n++));
    mkdirSync(dir);
  });
  return { current: () => dir };
}

/** Runs `seqcoder args` in `cwd`; its exit code, stdout (bytes) and stderr (text). */
export function runCli(cwd: string, args: string[], input?: Uint8Array) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, input, maxBuffer: 1 << 30 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

/**
 * Whether samtools is installed: `get` is compared with `samtools faidx` where it is. .ci/run
 * installs it and sets SEQCODER_REQUIRE_SAMTOOLS=1, so that there its absence fails.
 */
export const SAMTOOLS = spawnSync('samtools', ['--version']).status === 0;
if (!SAMTOOLS && process.env.SEQCODER_REQUIRE_SAMTOOLS === '1') {
  throw new Error('samtools is not installed, and SEQCODER_REQUIRE_SAMTOOLS=1 requires it');
}
