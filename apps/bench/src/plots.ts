/**
 * SVG plots of a bench run, drawn by Vega-Lite (compiled to Vega and rendered headless: no browser,
 * no canvas; text widths are estimated, so the same data gives the same SVG on any machine).
 */
import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { BenchReport } from './report.js';
import { summarise } from './report.js';
import type { SetName } from './corpus.js';

export async function render(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

const SET_LABELS: Record<SetName, string> = { dnacorpus: 'DNAcorpus', genomes: 'FASTA genomes', collections: 'collections', files: 'files' };
/** The same tool gets the same colour and shape in every plot: the scales list every tool of the run. */
function toolScales(report: BenchReport, shown: string[]) {
  const domain = report.tools.map((t) => t.label);
  const legend = { labelLimit: 400, values: domain.filter((t) => shown.includes(t)) };
  return {
    color: { field: 'tool', type: 'nominal', title: 'tool', legend, scale: { domain, scheme: domain.length > 10 ? 'tableau20' : 'tableau10' } },
    shape: { field: 'tool', type: 'nominal', title: 'tool', legend, scale: { domain } },
  } as const;
}

/** Bits per base of every file for every tool: a dot per run, one panel per set. */
function bitsPerBase(report: BenchReport): TopLevelSpec | undefined {
  const values = report.measurements
    .filter((m) => m.set !== 'collections' && m.roundTrip === 'ok')
    .map((m) => ({ set: SET_LABELS[m.set], file: m.name, tool: m.label, bpb: m.bitsPerBase }));
  if (values.length === 0) return undefined;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Bits per base (whole output file; lower is better)',
    data: { values },
    facet: { row: { field: 'set', type: 'nominal', title: null, sort: [...new Set(values.map((v) => v.set))] } },
    spec: {
      width: 520,
      mark: { type: 'point', filled: true, size: 70, opacity: 0.85 },
      encoding: {
        y: { field: 'file', type: 'nominal', title: null, sort: null, axis: { labelLimit: 400 } },
        x: { field: 'bpb', type: 'quantitative', title: 'bits per base', scale: { zero: false } },
        ...toolScales(report, values.map((v) => v.tool)),
        tooltip: [{ field: 'file' }, { field: 'tool' }, { field: 'bpb', format: '.4f' }],
      },
    },
    resolve: { scale: { y: 'independent' } },
  } as TopLevelSpec;
}

/** Ratio against compression and decompression speed, totals per tool and set. */
function ratioVsSpeed(report: BenchReport): TopLevelSpec | undefined {
  const values = (['dnacorpus', 'genomes', 'files'] as const).flatMap((set) =>
    summarise(report, set)
      .filter((s) => s.failures === 0)
      .flatMap((s) => [
        { set: SET_LABELS[set], tool: s.label, ratio: s.ratio, direction: 'compress', mbps: s.compressMBps },
        { set: SET_LABELS[set], tool: s.label, ratio: s.ratio, direction: 'decompress', mbps: s.decompressMBps },
      ]),
  );
  if (values.length === 0) return undefined;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Compression ratio against speed (totals per tool; up and right is better)',
    data: { values },
    facet: {
      row: { field: 'set', type: 'nominal', title: null },
      column: { field: 'direction', type: 'nominal', title: null },
    },
    spec: {
      width: 300,
      height: 240,
      mark: { type: 'point', filled: true, size: 100, opacity: 0.9 },
      encoding: {
        x: { field: 'mbps', type: 'quantitative', title: 'MB/s of original file (log scale)', scale: { type: 'log' } },
        y: { field: 'ratio', type: 'quantitative', title: 'ratio (original / compressed)', scale: { zero: false } },
        ...toolScales(report, values.map((v) => v.tool)),
      },
    },
    resolve: { scale: { y: 'independent', x: 'independent' } },
  } as TopLevelSpec;
}

/** Collections: bits per base per tool, concatenated beside separate files. */
function collections(report: BenchReport): TopLevelSpec | undefined {
  const values = report.measurements
    .filter((m) => m.set === 'collections' && m.roundTrip === 'ok')
    .map((m) => ({ collection: m.name, as: m.mode, tool: m.label, bpb: m.bitsPerBase }));
  if (values.length === 0) return undefined;
  const shown = values.map((v) => v.tool);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Collections: bits per base, one file against separate files (lower is better)',
    data: { values },
    facet: { column: { field: 'as', type: 'nominal', title: null } },
    spec: {
      width: 300,
      mark: 'bar',
      encoding: {
        y: { field: 'collection', type: 'nominal', title: null, axis: { labelLimit: 400 } },
        yOffset: { field: 'tool', type: 'nominal', scale: { domain: toolScales(report, shown).color.legend.values } },
        x: { field: 'bpb', type: 'quantitative', title: 'bits per base' },
        color: toolScales(report, shown).color,
      },
    },
  } as TopLevelSpec;
}

/** The SVG files of a report: name, title and content, for those that have data. */
export async function renderPlots(report: BenchReport): Promise<{ file: string; title: string; svg: string }[]> {
  const wanted: [string, string, TopLevelSpec | undefined][] = [
    ['bits-per-base.svg', 'Bits per base per file and tool', bitsPerBase(report)],
    ['ratio-vs-speed.svg', 'Compression ratio against speed', ratioVsSpeed(report)],
    ['collections.svg', 'Collections: one file against separate files', collections(report)],
  ];
  const out: { file: string; title: string; svg: string }[] = [];
  for (const [file, title, spec] of wanted) if (spec) out.push({ file, title, svg: await render(spec) });
  return out;
}
