/**
 * A progress bar on stderr for work that lasts more than a second, only when stderr is a
 * terminal (never in pipes, logs or CI). cli-progress is loaded when a bar is first drawn: loading
 * it took 16-22 ms of every command's start, and most commands never draw one.
 */
import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';

const require = createRequire(import.meta.url);

const SHOW_AFTER_MS = 1000;

export interface Progress {
  update(done: number): void;
  stop(): void;
}

export function startProgress(label: string, total: number | undefined, quiet: boolean): Progress {
  if (quiet || !process.stderr.isTTY || !total) return { update() {}, stop() {} };
  const started = Date.now();
  let bar: CliProgress.SingleBar | undefined;
  return {
    update(done) {
      if (!bar) {
        if (Date.now() - started < SHOW_AFTER_MS) return;
        const cliProgress = require('cli-progress') as typeof CliProgress;
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: `${label} [{bar}] {percentage}% | {doneMB}/{totalMB} MB | {speed} MB/s | ETA {eta_formatted}`,
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0, { doneMB: '0.0', totalMB: (total / 1e6).toFixed(1), speed: '0.0' });
      }
      const seconds = (Date.now() - started) / 1000;
      bar.update(Math.min(done, total), { doneMB: (done / 1e6).toFixed(1), speed: (done / 1e6 / seconds).toFixed(1) });
    },
    stop() {
      bar?.stop();
    },
  };
}
