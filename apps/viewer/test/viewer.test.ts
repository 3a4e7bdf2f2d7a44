/**
 * The viewer in a real headless browser (Debian's chromium through playwright-core): the built
 * page opens a multi-file archive picked by the user, lists its files and records, shows a region
 * as samtools faidx prints it, stays responsive while the worker decodes a long cm record, and
 * looks like a page (a screenshot of it; UPDATE_SCREENSHOT=1 writes docs/viewer.png for the
 * README). Skipped where no chromium is installed, unless SEQCODER_REQUIRE_BROWSER=1 (.ci/run
 * installs chromium and sets it).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { compress, compressFiles, formatRegion, parseRegion, regionSpan } from '@seqcoder/format';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..', '..');
const DIST = resolve(__dirname, '..', 'dist');
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
if (!CHROMIUM && process.env.SEQCODER_REQUIRE_BROWSER === '1') throw new Error('no chromium, and SEQCODER_REQUIRE_BROWSER=1 requires it');
if (!CHROMIUM) console.warn('[skip] no chromium installed (apt-get install chromium): the viewer tests are skipped');

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const work = mkdtempSync(join(tmpdir(), 'seqcoder-viewer-'));
let server: Server;
let browser: Browser;
let url = '';

/** Seeded random bases. */
function bases(n: number, seed: number): string {
  let s = seed;
  return Array.from({ length: n }, () => 'ACGT'[((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16) & 3]).join('');
}
const lines = (s: string) => s.replace(/(.{70})/g, '$1\n');
const g1 = bases(30_000, 1);
const g2 = g1.slice(0, 9_000) + 'acgtn' + g1.slice(9_005);
const files = {
  'strains/a.fa': `>g1 first strain\n${lines(g1)}\n`,
  'strains/b.fa': `>g2 second strain\n${lines(g2)}\n>p2 plasmid\n${lines(bases(3_000, 2))}\n`,
};
const long = bases(400_000, 3);
const protein = '>sp|P1|ONE first protein\nMKVLAAGIVG\nLLAQSTRAMK\nV\n>sp|P2|TWO\nMSTNPKPQRK\n';

beforeAll(async () => {
  if (!CHROMIUM) return;
  const archive = await collect(compressFiles(Object.entries(files).map(([name, text]) => ({ name, content: [new TextEncoder().encode(text)] }))));
  writeFileSync(join(work, 'strains.seqc'), archive);
  writeFileSync(join(work, 'long.fa.seqc'), await compress(new TextEncoder().encode(`>long\n${long}\n`), { codec: 'cm', level: 2 }));
  const mixed = [
    { name: 'p.fa', content: [new TextEncoder().encode(protein)] },
    { name: 'g.fa', content: [new TextEncoder().encode(files['strains/a.fa'])] },
  ];
  writeFileSync(join(work, 'mixed.seqc'), await collect(compressFiles(mixed)));
  server = createServer((req, res) => {
    const path = join(DIST, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = path.endsWith('/') ? join(path, 'index.html') : path;
    if (!file.startsWith(DIST) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  rmSync(work, { recursive: true, force: true });
});

async function collect(pieces: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const piece of pieces) parts.push(piece);
  return new Uint8Array(Buffer.concat(parts));
}

/** What samtools faidx prints for `text` of a record whose residues are `residues`. */
function expected(text: string, residues: string): string {
  const { from, to } = regionSpan(parseRegion(text), residues.length);
  return new TextDecoder().decode(formatRegion(text, new TextEncoder().encode(residues.slice(from, to))));
}

/** Opens `file` in the page; the rows of its records table, cell by cell. */
async function openIn(page: Page, file: string): Promise<(string | null)[][]> {
  await page.setInputFiles('#file', join(work, file));
  await page.waitForSelector('#records tr');
  return page.$$eval('#records tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
}

/** Shows a region by typing it, or by `click`ing (a record's row); what the page shows once it starts with `>title`. */
async function shown(page: Page, title: string, click?: string): Promise<string | null> {
  if (click) {
    await page.click(click);
  } else {
    await page.fill('#region', title);
    await page.click('button[type=submit]');
  }
  await page.waitForFunction((t) => document.getElementById('sequence')!.textContent!.startsWith(`>${t}`), title);
  return page.textContent('#sequence');
}

describe.skipIf(!CHROMIUM)('the viewer in headless chromium', () => {
  it('lists the files and records of an archive the user picks, and shows regions', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    expect(await openIn(page, 'strains.seqc')).toEqual([
      ['0', 'strains/a.fa', 'g1 first strain', '30,000', 'ref'],
      ['1', 'strains/b.fa', 'g2 second strain', '30,000', 'ref'],
      ['2', 'strains/b.fa', 'p2 plasmid', '3,000', 'ref'],
    ]);
    expect(await page.textContent('#title')).toBe('strains.seqc: 2 files, 3 record(s), 62,999 bases');

    expect(await shown(page, 'g2:8,996-9,010')).toBe(expected('g2:8,996-9,010', g2));
    // a click shows the record's first 600 bases
    expect(await shown(page, 'p2:1-600', '#records tr:nth-child(3)')).toBe(expected('p2:1-600', bases(3_000, 2)));

    const shot = await page.screenshot({ fullPage: true });
    if (process.env.UPDATE_SCREENSHOT === '1') writeFileSync(join(ROOT, 'docs', 'viewer.png'), shot);
    expect([...shot.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]); // PNG
    expect(shot.length).toBeGreaterThan(20_000); // a rendered page, not a blank one

    await page.fill('#region', 'nothing:1-5');
    await page.click('button[type=submit]');
    await page.waitForSelector('#status.error');
    expect(await page.textContent('#status')).toBe('no record named nothing');

    expect(errors).toEqual([]);
    await page.close();
  });

  it('lists and shows the records of a protein FASTA, which the archive stored as bytes', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    expect(await openIn(page, 'mixed.seqc')).toEqual([
      ['0', 'g.fa', 'g1 first strain', '30,000', 'ref'],
      ['1', 'p.fa', 'sp|P1|ONE first protein', '21', 'stored'],
      ['2', 'p.fa', 'sp|P2|TWO', '10', 'stored'],
    ]);
    expect(await page.textContent('#title')).toBe('mixed.seqc: 2 files, 1 record(s), 30,000 bases, 2 stored as bytes');
    expect(await shown(page, 'sp|P1|ONE:8-14')).toBe('>sp|P1|ONE:8-14\nIVGLLAQ\n');
    expect(await shown(page, 'sp|P2|TWO:1-10', '#records tr:nth-child(3)')).toBe('>sp|P2|TWO:1-10\nMSTNPKPQRK\n');
    await page.close();
  });

  it('decodes in a worker: the page keeps running while a long cm record decodes', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await openIn(page, 'long.fa.seqc');
    // a timer on the page's thread every 10 ms; the region at the end needs the whole record
    await page.evaluate(() => {
      const w = window as unknown as { ticks: number };
      w.ticks = 0;
      setInterval(() => w.ticks++, 10);
    });
    const started = Date.now();
    await page.fill('#region', 'long:399,901-400,000');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.getElementById('sequence')!.textContent!.startsWith('>long:399,901'), undefined, { timeout: 60_000 });
    const elapsed = Date.now() - started;
    const ticks = await page.evaluate(() => (window as unknown as { ticks: number }).ticks);
    expect(await page.textContent('#sequence')).toBe(expected('long:399,901-400,000', long));
    expect(elapsed).toBeGreaterThan(200); // long enough to freeze a page that decoded on its thread
    expect(ticks).toBeGreaterThan(elapsed / 10 / 3);
    await page.close();
  });
});
