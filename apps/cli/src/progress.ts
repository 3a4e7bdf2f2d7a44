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
  /**
   * A second stage of the work, in bases: what cm models of a collection once its genomes are read
   * (its new bases, or every base of a group coded aligned; CompressOptions.onGroupCoding). The
   * bar shows it until update() is called again.
   */
  stage(done: number, total: number): void;
  stop(): void;
}

export function startProgress(label: string, total: number | undefined, quiet: boolean): Progress {
  if (quiet || !process.stderr.isTTY || !total) return { update() {}, stage() {}, stop() {} };
  const started = Date.now();
  let bar: CliProgress.SingleBar | undefined;
  // What the bar shows: the input bytes, or a stage, from when it began (its speed and ETA).
  let shown: { stage: boolean; total: number; since: number } | undefined;
  const show = (stage: boolean, done: number, of: number): void => {
    if (!bar) {
      if (Date.now() - started < SHOW_AFTER_MS) return;
      const cliProgress = require('cli-progress') as typeof CliProgress;
      bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: `{label} [{bar}] {percentage}% | {doneM}/{totalM} {unit} | {speed} {unit}/s | ETA {eta_formatted}`,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
    }
    if (shown?.stage !== stage || shown.total !== of) {
      // a bar started again while it runs would render twice as often, for good: stop it first
      if (shown) bar.stop();
      shown = { stage, total: of, since: stage ? Date.now() : started };
      const payload = stage ? { label: `${label}: modelling bases`, unit: 'Mb' } : { label, unit: 'MB' };
      bar.start(of, Math.min(done, of), { ...payload, doneM: '0.0', totalM: (of / 1e6).toFixed(1), speed: '0.0' });
    }
    const seconds = Math.max(1e-3, (Date.now() - shown.since) / 1000);
    bar.update(Math.min(done, of), { doneM: (done / 1e6).toFixed(1), speed: (done / 1e6 / seconds).toFixed(1) });
  };
  return {
    update: (done) => show(false, done, total),
    stage: (done, of) => show(true, done, of),
    stop() {
      bar?.stop();
    },
  };
}
