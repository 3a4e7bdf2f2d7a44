// Dev harness: scripts/try.sh FILE... — codes each file's ACGT bases at LEVEL (default 2) or MODEL,
// prints bits per base and speed, and checks the round trip (DECODE=1). SPEC='<json ModelSpec>' tries
// a model as number 99 (shown as L9).
import { readFileSync } from 'node:fs';
import { cmDecode, cmEncode } from '../src/cm/codec.js';
import { CM_MODELS } from '../src/cm/models.js';

const CODE: Record<number, number> = { 65: 0, 67: 1, 71: 2, 84: 3 };
let level = Number(process.env.LEVEL ?? 2);
const model = process.env.MODEL ? Number(process.env.MODEL) : undefined;
if (process.env.SPEC) {
  (CM_MODELS as Record<number, unknown>)[99] = JSON.parse(process.env.SPEC);
  level = 9;
}
for (const f of process.argv.slice(2)) {
  const raw = readFileSync(f);
  const sym = new Uint8Array(raw.length);
  let n = 0;
  for (const b of raw) { const c = CODE[b]; if (c !== undefined) sym[n++] = c; }
  const s = sym.subarray(0, n);
  let t = performance.now();
  const out = cmEncode(s, level === 9 ? { model: 99 } : model ? { model } : { level });
  const te = (performance.now() - t) / 1000;
  let line = `${f.split('/').pop()}\tL${level}\t${n}\t${((out.length * 8) / n).toFixed(4)} bpb\t${(n / 1e6 / te).toFixed(2)} MB/s enc`;
  if (process.env.DECODE === '1') {
    t = performance.now();
    const back = cmDecode(out, n);
    const td = (performance.now() - t) / 1000;
    line += `\t${(n / 1e6 / td).toFixed(2)} MB/s dec\t${Buffer.compare(back, s) === 0 ? 'OK' : 'MISMATCH'}`;
  }
  console.log(line);
}
