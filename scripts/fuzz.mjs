#!/usr/bin/env node
// `pnpm fuzz --cases N [--seed S]`: the reader's fuzz suite (packages/format/test/fuzz.test.ts)
// with as many cases as asked, split between the streaming and the random-access reader.
// A watchdog kills the run when no progress is reported for --stall seconds, and prints the last
// case reported, so a hang is found rather than waited on. CI runs the same suite at 2,000 cases.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    stall: { type: 'string', default: '120' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('Usage: pnpm fuzz [--cases N (default 100000)] [--seed S] [--stall SECONDS (default 120)]');
  process.exit(0);
}
const cases = Number(values.cases);
if (!Number.isInteger(cases) || cases < 2) {
  console.error('fuzz: --cases wants an integer of at least 2');
  process.exit(2);
}
const seed = values.seed ?? String(Date.now() % 2 ** 31);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'seqcoder-fuzz-'));
const progress = join(work, 'progress');

console.error(`fuzz: ${cases} cases, seed ${seed} (replay with --seed ${seed})`);
const started = Date.now();
const child = spawn(join(root, 'node_modules', '.bin', 'vitest'), ['run', 'test/fuzz.test.ts'], {
  cwd: join(root, 'packages', 'format'),
  env: { ...process.env, FUZZ_CASES: String(Math.ceil(cases / 2)), FUZZ_SEED: seed, FUZZ_PROGRESS: progress },
  stdio: 'inherit',
});

const lastLine = () => {
  try {
    return readFileSync(progress, 'utf8').trimEnd().split('\n').pop();
  } catch {
    return 'none yet';
  }
};
let stalled = false;
const watchdog = setInterval(() => {
  let last = started;
  try {
    last = statSync(progress).mtimeMs;
  } catch {
    // no case reported yet
  }
  if (Date.now() - last > Number(values.stall) * 1000) {
    stalled = true;
    console.error(`fuzz: no progress for ${values.stall} s: a HANG near case "${lastLine()}" (seed ${seed})`);
    child.kill('SIGKILL');
  }
}, 1000);

child.on('exit', (code) => {
  clearInterval(watchdog);
  const seconds = (Date.now() - started) / 1000;
  console.error(`fuzz: ${code === 0 ? 'passed' : 'FAILED'}: ${cases} cases in ${seconds.toFixed(0)} s (${Math.round(cases / seconds)} cases/s), seed ${seed}`);
  rmSync(work, { recursive: true, force: true });
  process.exit(stalled ? 1 : (code ?? 1));
});
