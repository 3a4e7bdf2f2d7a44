/**
 * `pnpm bench`: regenerates the results tables and plots (results/README.md, results/bench.json,
 * results/*.svg) by running SeqCoder and its peers on the same files in one invocation.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { discoverInputs, SET_NAMES, type BenchInput, type SetName } from './corpus.js';
import { renderPlots } from './plots.js';
import { describeMachine, renderMarkdown, type BenchReport } from './report.js';
import { measure, memoryProbe, runAll, stopAll, type Measurement } from './runner.js';
import { customTool, DEFAULT_PEERS, parseCodecs, parsePeers, type Tool } from './tools.js';

const HELP = `Usage: pnpm bench [options]

Runs SeqCoder and the peer compressors on the same genomes in one invocation, verifies every
round trip byte for byte, and writes the results tables (Markdown + JSON) and SVG plots.

Options:
  --corpus DIR     data to compress (default: ../shared/data when present, else examples/).
                   A folder with dnacorpus/, genomes/ and collections/ gives those three sets;
                   any other folder is taken as a flat list of files.
  --sets LIST      which of ${SET_NAMES.join(',')} to run (default: all present)
  --codecs LIST    SeqCoder codecs as name[:level], name:* for every level, or none
                   (default: every cm level and pack on dnacorpus; cm and pack at their
                   default levels elsewhere; the neural codecs seqcoder-classic and
                   seqcoder, hundreds of times slower than cm, only when named)
  --tools LIST     peers as name[:flags], or none (default: ${DEFAULT_PEERS}, at their best
                   settings; e.g. --tools "xz:-9,zstd:-19 -T1")
  --tool SPEC      another compressor, repeatable: "LABEL::COMPRESS CMD::DECOMPRESS CMD",
                   shell commands with {in} and {out} for the paths, e.g.
                   --tool "NAF -22::ennaf -22 {in} -o {out}::unnaf {in} -o {out}"
                   (the SEQCODER_BENCH_TOOLS variable may hold such specs, one per line)
  --repeat N       runs per measurement; times are medians, sizes must be equal (default 1)
  --jobs N         measurements at once, each single-threaded (default: ${availableParallelism()}, the cores)
  --out DIR        where README.md, bench.json and the SVGs go (default: results)
  --from FILE      measure nothing: redraw the tables and plots of an earlier bench.json
  -h, --help       this text

Examples:
  pnpm bench                                        # everything (about 12 minutes on 2 cores)
  pnpm bench --sets dnacorpus --codecs cm:* --tools xz:-9,zstd:-19 --out /tmp/cm
  pnpm bench --corpus examples --out /tmp/quick     # seconds: phage lambda only
  pnpm bench --codecs cm:* --tools none --out /tmp/rt   # round-trip all data at every level
  pnpm bench --sets dnacorpus,genomes --codecs seqcoder-classic,seqcoder --tools none --out /tmp/nn
                                                    # the neural codecs (about 80 minutes)
`;

/** A bad command line or corpus: reported in one line, exit code 2. */
class UsageError extends Error {}
function fail(message: string): never {
  throw new UsageError(message);
}

/** README.md, bench.json and the SVG plots of a report. */
async function write(report: BenchReport, out: string): Promise<void> {
  mkdirSync(out, { recursive: true });
  const plots = await renderPlots(report);
  for (const p of plots) writeFileSync(join(out, p.file), p.svg);
  writeFileSync(join(out, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(out, 'README.md'), renderMarkdown(report, plots));
  console.error(`bench: wrote ${join(out, 'README.md')}, bench.json and ${plots.length} plots`);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        corpus: { type: 'string' },
        sets: { type: 'string' },
        codecs: { type: 'string' },
        tools: { type: 'string', default: DEFAULT_PEERS },
        tool: { type: 'string', multiple: true, default: [] },
        repeat: { type: 'string', default: '1' },
        jobs: { type: 'string', default: String(availableParallelism()) },
        out: { type: 'string', default: 'results' },
        from: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  if (values.from) {
    const report = JSON.parse(readFileSync(values.from, 'utf8')) as BenchReport;
    await write(report, resolve(values.out));
    return;
  }
  const repeat = Number(values.repeat);
  const jobs = Number(values.jobs);
  if (!Number.isInteger(repeat) || repeat < 1) fail(`--repeat wants a positive integer, not ${values.repeat}`);
  if (!Number.isInteger(jobs) || jobs < 1) fail(`--jobs wants a positive integer, not ${values.jobs}`);
  const shared = resolve('..', 'shared', 'data');
  const corpus = resolve(values.corpus ?? (existsSync(shared) ? shared : 'examples'));
  if (!existsSync(corpus)) fail(`no corpus at ${corpus}`);
  if (!values.corpus && corpus !== shared) console.error(`bench: ${shared} not found; using ${corpus}`);
  const sets = (values.sets?.split(',') ?? SET_NAMES) as SetName[];
  const unknownSet = sets.find((s) => !SET_NAMES.includes(s));
  if (unknownSet) fail(`unknown set ${unknownSet} (known: ${SET_NAMES.join(', ')})`);

  let narrowCodecs: Tool[], wideCodecs: Tool[], peers: Tool[], missing: string[];
  try {
    narrowCodecs = parseCodecs(values.codecs, false);
    wideCodecs = parseCodecs(values.codecs, true);
    ({ tools: peers, missing } = parsePeers(values.tools));
    const custom = [...(process.env.SEQCODER_BENCH_TOOLS?.split('\n') ?? []), ...values.tool].filter((s) => s.trim());
    peers.push(...custom.map(customTool));
  } catch (e) {
    fail((e as Error).message);
  }
  if (missing.length > 0) console.error(`bench: not installed, skipped: ${missing.join(', ')}`);

  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'seqcoder-bench-inputs-'));
  // stop the children (a kill may have reached this process alone) and leave no temporary files behind
  const interrupted = (signal: NodeJS.Signals) => {
    stopAll();
    rmSync(work, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    console.error(`bench: reading ${corpus} ...`);
    const inputs = await discoverInputs(corpus, sets, work);
    if (inputs.length === 0) fail(`nothing to compress in ${corpus}`);
    const tasks: { label: string; weight: number; tool: Tool; input: BenchInput }[] = [];
    for (const input of inputs) {
      for (const tool of [...(input.set === 'dnacorpus' ? wideCodecs : narrowCodecs), ...peers]) {
        // an archive of several files needs a tool that makes one; other inputs, one that takes a file
        if (input.mode === 'archive' ? !tool.archive : !tool.perFile) continue;
        // weight: rough seconds, so the longest measurements start first and the pool ends together
        tasks.push({ label: `${tool.label} · ${input.name}${input.mode ? ` (${input.mode})` : ''}`, weight: input.bytes / 1e6 / tool.roughMBps, tool, input });
      }
    }
    const order = tasks.map((_, i) => i).sort((a, b) => tasks[b].weight - tasks[a].weight);
    const probe = memoryProbe();
    console.error(`bench: ${tasks.length} measurements on ${inputs.length} inputs, ${jobs} at a time; peak memory by ${probe}`);
    const results = await runAll(
      order.map((i) => ({ ...tasks[i], run: () => measure(tasks[i].tool, tasks[i].input, repeat, probe) })),
      jobs,
      (m: Measurement) => (m.roundTrip === 'ok' ? `${m.bitsPerBase.toFixed(4)} bits/base` : `FAIL ${m.error}`),
    );
    // back to input order, then tool order, for the tables
    const measurements: Measurement[] = new Array(tasks.length);
    order.forEach((taskIndex, k) => (measurements[taskIndex] = results[k]));

    const ran = new Set(measurements.map((m) => m.tool));
    const allTools = [...new Map([...wideCodecs, ...narrowCodecs, ...peers].map((t) => [t.id, t])).values()].filter((t) => ran.has(t.id));
    const report: BenchReport = {
      generated: new Date().toISOString(),
      command: ['pnpm bench', ...process.argv.slice(2)].join(' '),
      machine: describeMachine(),
      settings: { corpus: relative(process.cwd(), corpus) || '.', repeat, jobs, memoryProbe: probe, wallSeconds: (performance.now() - started) / 1000 },
      tools: allTools.map((t) => ({ id: t.id, label: t.label, kind: t.kind, version: t.version })),
      missingPeers: missing,
      measurements,
    };
    await write(report, resolve(values.out));
    const failed = measurements.filter((m) => m.roundTrip !== 'ok');
    if (failed.length > 0) {
      console.error(`bench: ${failed.length} round trip(s) FAILED:\n${failed.map((m) => `  ${m.label} · ${m.input}: ${m.error}`).join('\n')}`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`bench: ${e.message}\n(see pnpm bench --help)`);
  process.exitCode = 2;
}
