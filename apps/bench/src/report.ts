/**
 * The Markdown and JSON of a bench run: the SeqCoder tables (as its README lays them out, with the
 * published sizes beside ours), the comparison with the peers, and the collections.
 */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, release, totalmem, type } from 'node:os';
import { PUBLISHED, type SetName } from './corpus.js';
import type { MemoryProbe, Measurement } from './runner.js';
import type { Tool } from './tools.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGB: number;
  os: string;
  node: string;
}

export interface BenchReport {
  generated: string;
  command: string;
  machine: Machine;
  settings: { corpus: string; repeat: number; jobs: number; memoryProbe: MemoryProbe; wallSeconds: number };
  tools: { id: string; label: string; kind: Tool['kind']; version: string }[];
  missingPeers: string[];
  measurements: Measurement[];
}

export function describeMachine(): Machine {
  let os = `${type()} ${release()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (pretty) os = `${pretty[1]}, kernel ${release()}`;
  } catch {
    // not Linux: the type and release are enough
  }
  let cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  try {
    // lscpu names the CPU when the kernel's model string is generic (virtual machines)
    const model = /^Model name:\s*(.+)$/m.exec(execSync('lscpu', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    if (model) cpu = model[1].trim();
  } catch {
    // no lscpu: keep os.cpus()
  }
  return { cpu, cores: availableParallelism(), memoryGB: Math.round(totalmem() / 2 ** 30), os, node: process.version };
}

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const f4 = (n: number): string => (Number.isFinite(n) ? n.toFixed(4) : '—');
const speed = (n: number): string => (!Number.isFinite(n) ? '—' : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const mb = (n: number | null): string => (n === null ? '—' : n.toFixed(0));
const ok = (m: Measurement): string => (m.roundTrip === 'ok' ? 'ok' : `**FAIL**: ${m.error ?? ''}`.replaceAll('|', '\\|'));

function table(head: string[], align: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** Measurements of one set, in input order then tool order (SeqCoder first). */
function ofSet(report: BenchReport, set: SetName): Measurement[] {
  return report.measurements.filter((m) => m.set === set);
}

function seqcoderTables(report: BenchReport): string {
  const rows = ofSet(report, 'dnacorpus');
  const out: string[] = [];
  for (const split of ['train', 'test'] as const) {
    const names = [...new Set(rows.filter((m) => m.split === split).map((m) => m.name))];
    if (names.length === 0) continue;
    const body: string[][] = [];
    for (const name of names) {
      const p = PUBLISHED[name];
      body.push([name, 'SeqCoder, published', int(p.original), int(p.compressed), f4(p.original / p.compressed), f4((p.compressed * 8) / p.original)]);
      for (const m of rows.filter((r) => r.name === name && r.kind === 'seqcoder')) {
        body.push([name, m.label, int(m.originalBytes), int(m.compressedBytes), f4(m.ratio), `**${f4(m.bitsPerBase)}**`]);
      }
    }
    out.push(
      `### ${split === 'train' ? 'Train set' : 'Test set'} (${names.join(', ')})\n\n` +
        table(
          ['file', 'codec', 'original size (bytes)', 'compressed size (bytes)', 'compression ratio', 'bits per base'],
          ['---', '---', '---:', '---:', '---:', '---:'],
          body,
        ),
    );
  }
  return out.join('\n\n');
}

/** One row per input, one column per tool, each cell `cell` of that input's measurement (empty for a failed one). */
function perTool(rows: Measurement[], head: string, cell: (m: Measurement) => string): string {
  const tools = [...new Set(rows.map((m) => m.label))];
  const names = [...new Set(rows.map((m) => m.name))];
  const body = names.map((name) => [
    name,
    ...tools.map((t) => {
      const m = rows.find((r) => r.name === name && r.label === t);
      return !m || m.roundTrip !== 'ok' ? '' : cell(m);
    }),
  ]);
  return table([head, ...tools], ['---', ...tools.map(() => '---:')], body);
}

/** Compression / decompression MB/s of the original. */
function speedPivot(rows: Measurement[]): string {
  return perTool(rows, 'MB/s compress / decompress', (m) => `${speed(m.compressMBps)} / ${speed(m.decompressMBps)}`);
}

/** Seconds to extract the first / last file alone. */
function extractTable(rows: Measurement[]): string {
  const seconds = (m: Measurement) => (m.extractSeconds ? `${m.extractSeconds.first.toFixed(2)} / ${m.extractSeconds.last.toFixed(2)}` : '');
  return perTool(rows, 'seconds: first file / last file', seconds);
}

/** One row per input, one column per tool: bits per base, the smallest in bold. */
function pivot(rows: Measurement[]): string {
  const tools = [...new Set(rows.map((m) => m.label))];
  const names = [...new Set(rows.map((m) => m.name))];
  const body = names.map((name) => {
    const cells = tools.map((t) => rows.find((m) => m.name === name && m.label === t));
    const best = Math.min(...cells.map((m) => (m && m.roundTrip === 'ok' ? m.bitsPerBase : Infinity)));
    return [
      name,
      ...cells.map((m) => (!m ? '' : m.roundTrip !== 'ok' ? 'FAIL' : m.bitsPerBase === best ? `**${f4(m.bitsPerBase)}**` : f4(m.bitsPerBase))),
    ];
  });
  return table(['file', ...tools], ['---', ...tools.map(() => '---:')], body);
}

export interface ToolSummary {
  set: SetName;
  label: string;
  kind: Tool['kind'];
  inputs: number;
  originalBytes: number;
  compressedBytes: number;
  ratio: number;
  bitsPerBase: number;
  compressMBps: number;
  decompressMBps: number;
  peakMB: number | null;
  failures: number;
}

/** Totals per tool over one set: sizes summed, speed = total bytes / total time. */
export function summarise(report: BenchReport, set: SetName): ToolSummary[] {
  const rows = ofSet(report, set).filter((m) => m.mode !== 'separate');
  return [...new Set(rows.map((m) => m.label))].map((label) => {
    const mine = rows.filter((m) => m.label === label);
    const good = mine.filter((m) => m.roundTrip === 'ok');
    const sum = (f: (m: Measurement) => number) => good.reduce((s, m) => s + f(m), 0);
    const peaks = good.flatMap((m) => [m.compressPeakMB, m.decompressPeakMB]);
    return {
      set,
      label,
      kind: mine[0].kind,
      inputs: mine.length,
      originalBytes: sum((m) => m.originalBytes),
      compressedBytes: sum((m) => m.compressedBytes),
      ratio: sum((m) => m.originalBytes) / sum((m) => m.compressedBytes),
      bitsPerBase: (sum((m) => m.compressedBytes) * 8) / sum((m) => m.residues),
      compressMBps: sum((m) => m.originalBytes) / 1e6 / sum((m) => m.compressSeconds),
      decompressMBps: sum((m) => m.originalBytes) / 1e6 / sum((m) => m.decompressSeconds),
      peakMB: peaks.some((p) => p === null) || peaks.length === 0 ? null : Math.max(...(peaks as number[])),
      failures: mine.length - good.length,
    };
  });
}

function summaryTable(summaries: ToolSummary[]): string {
  return table(
    ['tool', 'files', 'original bytes', 'compressed bytes', 'ratio', 'bits per base', 'compress MB/s', 'decompress MB/s', 'peak RSS MB', 'failed round trips'],
    ['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:'],
    summaries.map((s) => [
      s.label,
      String(s.inputs),
      int(s.originalBytes),
      int(s.compressedBytes),
      f4(s.ratio),
      f4(s.bitsPerBase),
      speed(s.compressMBps),
      speed(s.decompressMBps),
      mb(s.peakMB),
      s.failures ? `**${s.failures}**` : '0',
    ]),
  );
}

function runsTable(rows: Measurement[], collections = false): string {
  return table(
    [
      collections ? 'collection' : 'file',
      ...(collections ? ['as', 'files'] : []),
      'tool',
      'bases',
      'compressed bytes',
      'ratio',
      'bits per base',
      'compress MB/s',
      'decompress MB/s',
      'peak RSS MB (c / d)',
      'round trip',
    ],
    ['---', ...(collections ? ['---', '---:'] : []), '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---'],
    rows.map((m) => [
      m.name,
      ...(collections ? [m.mode ?? '', String(m.files)] : []),
      m.label,
      int(m.residues),
      int(m.compressedBytes),
      f4(m.ratio),
      f4(m.bitsPerBase),
      speed(m.compressMBps),
      speed(m.decompressMBps),
      `${mb(m.compressPeakMB)} / ${mb(m.decompressPeakMB)}`,
      ok(m),
    ]),
  );
}

const duration = (s: number): string => (s < 120 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);

/** SeqCoder's codecs under one version, then each peer with its version. */
function toolList(report: BenchReport): string {
  const ours = report.tools.filter((t) => t.kind === 'seqcoder');
  const peers = report.tools.filter((t) => t.kind === 'peer').map((t) => `${t.label} (${t.version})`);
  return [...(ours.length ? [`${ours[0].version}: ${ours.map((t) => t.label.replace('SeqCoder ', '')).join(', ')}`] : []), ...peers].join('; ');
}

const SET_TITLES: Record<SetName, string> = {
  dnacorpus: 'DNAcorpus (raw sequences)',
  genomes: 'FASTA genomes',
  collections: 'Collections',
  files: 'Files',
};

export function renderMarkdown(report: BenchReport, plots: { file: string; title: string }[]): string {
  const { machine, settings } = report;
  const failures = report.measurements.filter((m) => m.roundTrip !== 'ok').length;
  const parts: string[] = [
    '# SeqCoder benchmark results',
    `Generated by \`${report.command}\` on ${report.generated.slice(0, 10)} in ${duration(settings.wallSeconds)}; ` +
      `machine-readable figures in [bench.json](bench.json).`,
    [
      `- **Machine:** ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB RAM; ${machine.os}; Node ${machine.node}.`,
      `- **Tools:** ${toolList(report)}.` +
        (report.missingPeers.length ? ` Not installed, so not run: ${report.missingPeers.join(', ')}.` : ''),
      `- **Method:** every tool runs single-threaded as a child process, ${settings.jobs} at a time, on the same files in the same run. ` +
        `Times are wall time, the median of ${settings.repeat} run(s), and include process start-up ` +
        '(about 0.15 s for the seqcoder command to load, which dominates the files under 1 MB). Speeds are MB (10^6 bytes) of original file per second. ' +
        `Peak memory is the child's maximum resident set (${settings.memoryProbe}).`,
      '- **Sizes** are whole output files (headers and line layout included); ratio = original / compressed, as SeqCoder reports it; ' +
        'bits per base = compressed bits / sequence letters. Sizes are deterministic: a second run gives the same bytes.',
      `- **Round trips:** every output was decompressed and compared byte for byte with its input: ` +
        (failures ? `**${failures} FAILED** (marked FAIL below).` : 'all identical.'),
    ].join('\n'),
  ];
  if (ofSet(report, 'dnacorpus').some((m) => m.kind === 'seqcoder' && m.split)) {
    parts.push(
      '## The SeqCoder tables',
      'As in the SeqCoder README: its train and test genomes from DNAcorpus, with its published sizes beside ours. ' +
        "`AgPh` is not in our data; `EsCo` is the MG1655 stand-in (see `../shared/data/README.md`).",
      seqcoderTables(report),
    );
  }
  if (plots.length > 0) parts.push('## Plots', plots.map((p) => `![${p.title}](${p.file})`).join('\n\n'));
  for (const set of ['dnacorpus', 'genomes', 'files'] as const) {
    const rows = ofSet(report, set);
    if (rows.length === 0) continue;
    parts.push(
      `## ${SET_TITLES[set]}`,
      '### Bits per base (smallest in bold)',
      pivot(rows),
      '### Totals per tool',
      summaryTable(summarise(report, set)),
      '### Every run',
      runsTable(rows),
    );
  }
  const collections = ofSet(report, 'collections');
  if (collections.length > 0) {
    const archives = collections.filter((m) => m.mode === 'archive');
    parts.push('## Collections');
    if (archives.length > 0) {
      parts.push(
        '### The files of each collection in one archive: bits per base (smallest in bold)',
        'Each tool is given the files of a `collections/` folder and makes one archive of them (SeqCoder: ' +
          '`seqcoder compress -o`; the general-purpose compressors: a tar of the files; others through `--tool` with `{list}`); ' +
          'every file is restored and compared byte for byte.',
        pivot(archives),
        speedPivot(archives),
      );
      const extracted = archives.filter((m) => m.extractSeconds && m.roundTrip === 'ok');
      if (extracted.length > 0) {
        parts.push(
          '### Extracting one file of the archive',
          'Seconds to extract the first and the last file of the archive alone (SeqCoder: `seqcoder cat --file`; a whole ' +
            'process, start-up included), each compared with its original. Only tools with random access into their archive.',
          extractTable(extracted),
        );
      }
    }
    parts.push(
      '### Every run',
      'As one archive of the files, as one concatenated multi-FASTA, and as its separate files (sizes and times summed, ' +
        'peak = the largest single process).',
      runsTable(collections, true),
    );
  }
  return `${parts.join('\n\n')}\n`;
}
