/**
 * Round-trips every file under a data folder through the `cm` codec at every level (or those given),
 * byte for byte, and prints one line per file with bits per base. Exits non-zero on any failure.
 * Slow on purpose (level 4 runs at ~0.3 MB/s): this is the evidence behind "every file at every
 * level", run by hand, not in CI.
 *
 *   pnpm roundtrip:all [--data DIR] [--levels 1,2,3,4]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { codecByName, compress, decompress, openArchive } from '@seqcoder/format';
import { compress as zstd } from 'zstd-napi';

const { values } = parseArgs({
  options: { data: { type: 'string', default: resolve('..', 'shared', 'data') }, levels: { type: 'string' } },
});
const { min, max } = codecByName('cm').levels;
const levels = values.levels ? values.levels.split(',').map(Number) : Array.from({ length: max - min + 1 }, (_, i) => min + i);
const root = resolve(values.data!);
const files: string[] = [];
const walk = (dir: string): void => {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.isDirectory()) walk(join(dir, e.name));
    else files.push(join(dir, e.name));
  }
};
walk(root);
const zstdCompress = (d: Uint8Array, l: number) => zstd(d, { compressionLevel: l });
let failures = 0;
for (const file of files) {
  const data = new Uint8Array(readFileSync(file));
  const cells: string[] = [];
  for (const level of levels) {
    const packed = await compress(data, { codec: 'cm', level, zstd: zstdCompress });
    const ok = Buffer.compare(await decompress(packed), data) === 0;
    if (!ok) failures++;
    const { residues } = await openArchive(packed);
    cells.push(`L${level} ${ok ? 'ok' : 'FAILED'} ${residues ? ((packed.length * 8) / residues).toFixed(4) : '-'}`);
  }
  console.log(`${relative(root, file)}\t${cells.join('\t')}`);
}
console.log(failures === 0 ? `all ${files.length} files round-trip at levels ${levels.join(', ')}` : `${failures} FAILED`);
process.exit(failures === 0 ? 0 : 1);
