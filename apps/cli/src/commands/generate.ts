/**
 * `generate`: synthetic genomes from the genome VAE generator of @seqcoder/models, as FASTA. The
 * same model, seed, count and length give the same file on every machine on the default (WASM)
 * runtime; `--runtime onnx` is faster and may differ in a base where two tokens' weights tie to
 * within the native runtime's rounding.
 */
import { GenomeGenerator, Random } from '@seqcoder/neural';
import { DEFAULT_GENERATOR, loadGenerator } from '@seqcoder/models';
import { Exit } from '../errors.js';
import { writeAll, writeFileAtomic } from '../io.js';
import { runtimeFor, type RuntimeFlags } from '../neural.js';
import { groupDigits, log } from '../shared.js';

export interface GenerateFlags extends RuntimeFlags {
  model?: string;
  count: number;
  length: number;
  seed: number;
  lineWidth: number;
  output?: string;
  force?: boolean;
  quiet?: boolean;
}

export async function generateCommand(flags: GenerateFlags): Promise<number> {
  const info = await loadGenerator(flags.model ?? DEFAULT_GENERATOR);
  const runtime = await runtimeFor(flags, 'the generator');
  const model = await runtime.load(info.graph);
  const generator = new GenomeGenerator(model, info);
  // one stream of draws for the whole file: genome i depends on the seed and on i
  const random = new Random(flags.seed);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const started = performance.now();

  async function* genomes(): AsyncGenerator<Uint8Array> {
    for (let i = 1; i <= flags.count; i++) {
      const bases = await generator.generate(flags.length, random);
      const lines = [`>synthetic_${i} ${info.name} seed=${flags.seed} length=${flags.length}`];
      for (let at = 0; at < bases.length; at += flags.lineWidth) lines.push(decoder.decode(bases.subarray(at, at + flags.lineWidth)));
      yield encoder.encode(lines.join('\n') + '\n');
    }
  }

  try {
    if (flags.output !== undefined) await writeFileAtomic(flags.output, genomes(), { force: !!flags.force });
    else await writeAll(process.stdout, genomes());
  } finally {
    await model.release();
  }
  if (!flags.quiet) {
    const seconds = (performance.now() - started) / 1000;
    log(`${flags.count} synthetic genome(s) of ${groupDigits(flags.length)} bases from ${info.name} (seed ${flags.seed}) in ${seconds.toFixed(1)} s`);
  }
  return Exit.ok;
}
