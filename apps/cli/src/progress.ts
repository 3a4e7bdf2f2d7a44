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
  /** Whether a bar may be drawn (a terminal, not --quiet, a total): else every call does nothing. */
  readonly active: boolean;
  update(done: number): void;
  /**
   * Another stage of the work, named, with its own total and unit (MB of bytes, Mb of bases): the
   * bar shows it until update() or another stage is called. See modellingStage, verifyingStage.
   */
  stage(name: string, done: number, total: number, unit: 'MB' | 'Mb'): void;
  stop(): void;
}

/** A stage's callback (done, total), or none where no bar is drawn: the work then reports nothing. */
const stageOf = (progress: Progress, name: string, unit: 'MB' | 'Mb') =>
  progress.active ? (done: number, total: number): void => progress.stage(name, done, total, unit) : undefined;

/**
 * The stage where cm models a collection's bases once its genomes are read (its new bases, or every
 * base of a group coded aligned): CompressOptions.onGroupCoding. The bar sat still through it.
 */
export const modellingStage = (progress: Progress) => stageOf(progress, 'modelling bases', 'Mb');

/** The stage where --verify decodes the new archive: the bytes rebuilt of its original bytes. */
export const verifyingStage = (progress: Progress) => stageOf(progress, 'verifying', 'MB');

/** Whether a command may draw a bar: on a terminal, without --quiet. */
export const wantsBar = (quiet: boolean): boolean => !quiet && !!process.stderr.isTTY;

export function startProgress(label: string, total: number | undefined, quiet: boolean): Progress {
  if (!wantsBar(quiet) || !total) return { active: false, update() {}, stage() {}, stop() {} };
  const started = Date.now();
  let bar: CliProgress.SingleBar | undefined;
  // What the bar shows: the input bytes, or a stage, from when it began (its speed and ETA).
  let shown: { stage: string | undefined; total: number; since: number } | undefined;
  const show = (stage: string | undefined, done: number, of: number, unit: 'MB' | 'Mb'): void => {
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
    if (!shown || shown.stage !== stage || shown.total !== of) {
      // a bar started again while it runs would render twice as often, for good: stop it first
      if (shown) bar.stop();
      shown = { stage, total: of, since: stage ? Date.now() : started };
      const payload = { label: stage ? `${label}: ${stage}` : label, unit };
      bar.start(of, Math.min(done, of), { ...payload, doneM: (done / 1e6).toFixed(1), totalM: (of / 1e6).toFixed(1), speed: '0.0' });
    }
    const seconds = Math.max(1e-3, (Date.now() - shown.since) / 1000);
    bar.update(Math.min(done, of), { doneM: (done / 1e6).toFixed(1), speed: (done / 1e6 / seconds).toFixed(1) });
  };
  return {
    active: true,
    update: (done) => show(undefined, done, total, 'MB'),
    stage: (name, done, of, unit) => show(name, done, of, unit),
    stop() {
      bar?.stop();
    },
  };
}
