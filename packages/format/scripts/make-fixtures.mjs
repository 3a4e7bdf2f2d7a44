// Writes the golden and corrupt container fixtures of test/__fixtures__ that are missing.
// Run by hand (node scripts/make-fixtures.mjs after a build) when adding fixtures (a new format
// version, a new codec or level). Existing files are never rewritten: they pin what old files hold.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compress as zstd } from 'zstd-napi';
import { CM_LEVELS, CM_SHORT_RECORD_TRIALS } from '@seqcoder/residual';
import { compress, crc32c } from '../dist/index.node.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'test', '__fixtures__');
const golden = join(fixtures, 'golden', 'v1.0');
const corrupt = join(fixtures, 'corrupt');
mkdirSync(golden, { recursive: true });
mkdirSync(corrupt, { recursive: true });
const lambda = readFileSync(join(here, '..', '..', '..', 'examples', 'lambda_virus.fa'));

const originals = {
  'mixed.fa': Buffer.concat([
    Buffer.from('\n>first record, soft-masked\nACGTNNNNacgtRYKacgtnnnnACGT\n\n>second\r\nACGTACGT\r\nAC\r\n>third\nAC*-GT\n'),
    lambda.subarray(0, 1500),
    Buffer.from('\nacgtACGT'),
  ]),
  'protein.fa': Buffer.from('>sp|P69905|HBA_HUMAN\nMVLSPADKTNVKAAWGKVGAHAGEYGAEALERMFLSFPTTKTYFPHFDLSHGSAQVKGHGKKVADALTNAVAHVDDMPNALSAL\n'),
  'empty.fa': Buffer.alloc(0),
  // No header line, no lower case, no other letters: the chunk omits its names, case and exceptions sections.
  'raw-sequence.fa': Buffer.from(lambda.subarray(lambda.indexOf(10) + 1).toString('latin1').replace(/\n/g, '').slice(0, 3000), 'latin1'),
};
const zstdOption = { zstd: (d, level) => zstd(d, { compressionLevel: level }) };
const goldens = Object.entries(originals).map(([name, data]) => ({ name, data, options: { ...zstdOption, codec: 'pack' } }));
// One golden file per cm level: the mixed file with 6 kb more of lambda, so the models have work.
const cmSample = Buffer.concat([originals['mixed.fa'], Buffer.from('\n>lambda part\n'), lambda.subarray(1500, 7500)]);
// Files of the first models (1–4, written when levels 1–4 named them) are named by level; later
// ones by the model each level writes now.
for (const level of [1, 2, 3, 4]) {
  const model = CM_LEVELS[level];
  goldens.push({ name: model <= 4 ? `cm-level-${model}.fa` : `cm-model-${model}.fa`, data: cmSample, options: { ...zstdOption, codec: 'cm', level } });
}
// Levels that also try short-record models (CM_SHORT_RECORD_TRIALS): each record with the smallest.
for (const level of Object.keys(CM_SHORT_RECORD_TRIALS).map(Number)) {
  goldens.push({ name: `cm-trials-${level}.fa`, data: cmSample, options: { ...zstdOption, codec: 'cm', level } });
}
for (const { name, data, options } of goldens) {
  if (existsSync(join(golden, `${name}.seqc`))) continue;
  console.log(`writing golden ${name}.seqc`);
  writeFileSync(join(golden, name), data);
  writeFileSync(join(golden, `${name}.seqc`), await compress(data, options));
}
if (existsSync(join(corrupt, 'manifest.json'))) process.exit(0);

// Corrupt variants of mixed.fa.seqc. Each case says which typed error it must raise.
const good = readFileSync(join(golden, 'mixed.fa.seqc'));
function frames(buf) {
  const out = [];
  for (let at = 16; at < buf.length; ) {
    const length = buf.readUInt32LE(at + 2);
    out.push({ at, type: buf[at], length });
    at += 10 + length;
  }
  return out;
}
function fixCrc(buf, frame) {
  const crc = crc32c(buf.subarray(frame.at + 10, frame.at + 10 + frame.length), crc32c(buf.subarray(frame.at, frame.at + 6)));
  buf.writeUInt32LE(crc, frame.at + 6);
  return buf;
}
function fixHeaderCrc(buf) {
  buf.writeUInt32LE(crc32c(buf.subarray(0, 12)), 12);
  return buf;
}
const f = frames(good);
const chunk = f.find((x) => x.type === 0x01);
const seq = f.find((x) => x.type === 0x02);
const end = f.find((x) => x.type === 0x7f);
const copy = () => Buffer.from(good);
const frame = (type, payload) => {
  const b = Buffer.alloc(10 + payload.length);
  b[0] = type;
  b.writeUInt32LE(payload.length, 2);
  payload.copy(b, 10);
  return fixCrc(b, { at: 0, length: payload.length });
};
const cases = {
  'empty.seqc': ['BAD_MAGIC', Buffer.alloc(0)],
  'bad-magic.seqc': ['BAD_MAGIC', Object.assign(copy(), { 0: 0x88 })],
  'text-file.seqc': ['BAD_MAGIC', Buffer.from('>not compressed\nACGT\n')],
  'future-major.seqc': ['UNSUPPORTED_VERSION', fixHeaderCrc(Object.assign(copy(), { 8: 2 }))],
  'header-crc.seqc': ['CORRUPT', Object.assign(copy(), { 9: 7 })],
  'required-flag.seqc': ['UNSUPPORTED_FEATURE', fixHeaderCrc(Object.assign(copy(), { 10: 0x10 }))], // 1, 2, 4 and 8 became OmittedSections, CmBlocks, AlignedGroups and ReferenceSites
  'truncated-magic.seqc': ['TRUNCATED', good.subarray(0, 5)],
  'truncated-header.seqc': ['TRUNCATED', good.subarray(0, 12)],
  'truncated-frame.seqc': ['TRUNCATED', good.subarray(0, seq.at + 20)],
  'truncated-no-end.seqc': ['TRUNCATED', good.subarray(0, end.at)],
  'frame-bitflip.seqc': ['CORRUPT', (() => { const b = copy(); b[chunk.at + 14] ^= 0x10; return b; })()],
  'trailing-bytes.seqc': ['CORRUPT', Buffer.concat([good, Buffer.from([0])])],
  'huge-frame-length.seqc': ['LIMIT_EXCEEDED', (() => { const b = copy(); b.writeUInt32LE(0xffffffff, chunk.at + 2); return b; })()],
  'unknown-codec.seqc': ['UNSUPPORTED_FEATURE', (() => { const b = copy(); b[seq.at + 10] = 99; return fixCrc(b, seq); })()],
  'unknown-frame.seqc': ['UNSUPPORTED_FEATURE', Buffer.concat([good.subarray(0, end.at), frame(0x05, Buffer.from('new')), good.subarray(end.at)])],
  'record-checksum.seqc': ['CHECKSUM_MISMATCH', (() => {
    const b = copy();
    let p = chunk.at + 10 + 1 + 1; // record count, flags of record 0
    while (b[p] & 0x80) p++; // residues varint
    b[p + 1] ^= 0x01; // first byte of the record's CRC32C
    return fixCrc(b, chunk);
  })()],
  'file-checksum.seqc': ['CHECKSUM_MISMATCH', (() => { const b = copy(); b[end.at + 10 + end.length - 1] ^= 0x01; return fixCrc(b, end); })()],
  'end-count.seqc': ['CORRUPT', (() => { const b = copy(); b[end.at + 10] += 1; return fixCrc(b, end); })()],
};
const manifest = {};
for (const [name, [code, bytes]] of Object.entries(cases)) {
  writeFileSync(join(corrupt, name), bytes);
  manifest[name] = code;
}
writeFileSync(join(corrupt, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
// A skippable frame (type 0x85) from a future minor version must be ignored: golden, not corrupt.
writeFileSync(join(golden, 'skippable-frame.fa'), originals['mixed.fa']);
writeFileSync(join(golden, 'skippable-frame.fa.seqc'), Buffer.concat([good.subarray(0, end.at), frame(0x85, Buffer.from('future metadata')), good.subarray(end.at)]));
console.log('wrote', Object.keys(cases).length, 'corrupt cases');
