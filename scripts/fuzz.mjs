#!/usr/bin/env node
// `pnpm fuzz --cases N [--neural M] [--seed S]`: the fuzz suites with as many cases as asked.
// - The reader's suite (packages/format/test/fuzz.test.ts): N cases, split between the streaming
//   and the random-access reader, over files of every codec the format package registers.
// - The neural codecs' suite (packages/neural/test/fuzz.test.ts): M damaged records per neural
//   codec. Each case runs the decoder network, so these are far slower than the reader's.
// A watchdog kills a suite when no progress is reported for --stall seconds and prints the last
// case reported, so a hang is found rather than waited on. CI runs the same suites at 2,000 cases
// per reader and 150 per neural codec.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    neural: { type: 'string', default: '1000' },
    seed: { type: 'string' },
    stall: { type: 'string', default: '120' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`Usage: pnpm fuzz [options]

Damages valid SeqCoder files (bit flips, byte changes, truncations, splices, huge fields, wrong
codec ids, random bytes) and checks that every case ends in a typed error or the exact original.

Options:
  --cases N       reader cases over the format package's codecs (default 100000; 0 skips)
  --neural M      damaged records per neural codec (default 1000; 0 skips)
  --seed S        replay a run (printed at the start of every run)
  --stall SECONDS a suite with no progress for this long is a hang (default 120)`);
  process.exit(0);
}
const count = (name) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`fuzz: --${name} wants a whole number`);
    process.exit(2);
  }
  return n;
};
const cases = count('cases');
const neural = count('neural');
const seed = values.seed ?? String(Date.now() % 2 ** 31);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs one vitest suite under the watchdog; resolves to its exit code (1 on a hang). */
function runSuite(label, packageDir, env) {
  const work = mkdtempSync(join(tmpdir(), 'seqcoder-fuzz-'));
  const progress = join(work, 'progress');
  const started = Date.now();
  const child = spawn(join(root, 'node_modules', '.bin', 'vitest'), ['run', 'test/fuzz.test.ts'], {
    cwd: join(root, 'packages', packageDir),
    env: { ...process.env, ...env, FUZZ_SEED: seed, FUZZ_PROGRESS: progress },
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
      console.error(`fuzz: ${label}: no progress for ${values.stall} s: a HANG near case "${lastLine()}" (seed ${seed})`);
      child.kill('SIGKILL');
    }
  }, 1000);
  return new Promise((done) => {
    child.on('exit', (code) => {
      clearInterval(watchdog);
      const seconds = (Date.now() - started) / 1000;
      const ok = code === 0 && !stalled;
      console.error(`fuzz: ${label}: ${ok ? 'passed' : 'FAILED'} in ${seconds.toFixed(0)} s, seed ${seed}`);
      rmSync(work, { recursive: true, force: true });
      done(ok ? 0 : 1);
    });
  });
}

console.error(`fuzz: ${cases} reader cases and ${neural} per neural codec, seed ${seed} (replay with --seed ${seed})`);
let failed = 0;
// The reader suite runs each property at FUZZ_CASES: half of the cases for each of its two readers.
if (cases > 0) failed += await runSuite(`${cases} reader cases`, 'format', { FUZZ_CASES: String(Math.ceil(cases / 2)) });
if (neural > 0) failed += await runSuite(`${neural} cases per neural codec`, 'neural', { NEURAL_FUZZ_CASES: String(neural) });
process.exit(failed === 0 ? 0 : 1);
