/**
 * SeqCoder's latent quantisation: int8, symmetric, one scale per channel.
 *
 * Latents arrive as float32 in blocks of `channels × length` (one block per 1280-base window, channel
 * by channel). Each channel c gets scale_c = max|x| / 127 over every block, and each value becomes
 * q = round(x / scale_c) in −127..127 (−128 is never used, so the range is symmetric). A channel that
 * is zero everywhere (or whose largest magnitude is below 127 × the smallest float32, where the scale
 * underflows) gets scale 0 and all-zero codes. Dequantisation is q · scale_c rounded to
 * float32: an int8 times a float32 is exact in double precision, so every engine gets the same bits,
 * which matters because the decoder network's input must be identical at both ends.
 */

import { SeqCoderError } from '@seqcoder/errors';

/** Every failure of this package: bad arguments, or serialised bytes that are not a valid quantisation. */
export class QuantiserError extends SeqCoderError<'INVALID_INPUT' | 'CORRUPT'> {
  constructor(code: 'INVALID_INPUT' | 'CORRUPT', message: string) {
    super(code, message);
  }
}

export interface Quantised {
  /** Channels per block. */
  readonly channels: number;
  /** Values per channel in one block. */
  readonly length: number;
  /** One float32 scale per channel, ≥ 0. */
  readonly scales: Float32Array;
  /** The codes, in the same order as the float values. */
  readonly codes: Int8Array;
}

export const QMAX = 127;

function checkShape(size: number, channels: number, length: number): void {
  if (!Number.isInteger(channels) || channels < 1 || channels > 255) throw new QuantiserError('INVALID_INPUT', `channels must be 1..255, not ${channels}`);
  if (!Number.isInteger(length) || length < 1) throw new QuantiserError('INVALID_INPUT', `length must be a positive integer, not ${length}`);
  if (size % (channels * length) !== 0) {
    throw new QuantiserError('INVALID_INPUT', `${size} values are not whole blocks of ${channels} channels × ${length}`);
  }
}

/** Quantises `values` laid out as blocks of `channels × length`. Throws on NaN or ±Infinity. */
export function quantise(values: Float32Array, channels: number, length: number): Quantised {
  checkShape(values.length, channels, length);
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) throw new QuantiserError('INVALID_INPUT', `value ${i} is ${x}: latents must be finite`);
    const c = Math.floor(i / length) % channels;
    const a = Math.abs(x);
    if (a > maxAbs[c]!) maxAbs[c] = a;
  }
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) scales[c] = maxAbs[c]! / QMAX;
  const codes = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const scale = scales[Math.floor(i / length) % channels]!;
    if (scale === 0) continue;
    const r = values[i]! / scale;
    // Half away from zero keeps the mapping symmetric; the clamp absorbs the float32 rounding of the scale.
    const q = Math.sign(r) * Math.round(Math.abs(r));
    codes[i] = q > QMAX ? QMAX : q < -QMAX ? -QMAX : q;
  }
  return { channels, length, scales, codes };
}

/** The float32 values the codes stand for: q · scale, bit-identical on every engine. */
export function dequantise(quantised: Quantised): Float32Array {
  const { channels, length, scales, codes } = quantised;
  checkShape(codes.length, channels, length);
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i]! * scales[Math.floor(i / length) % channels]!;
  return out;
}

/**
 * Serialised layout (little-endian):
 *
 * | offset | size        | field                             |
 * |--------|-------------|-----------------------------------|
 * | 0      | 1           | layout version, 1                 |
 * | 1      | 1           | channels (1..255)                 |
 * | 2      | 4           | length, values per channel/block  |
 * | 6      | 4           | number of codes                   |
 * | 10     | 4·channels  | scales, float32                   |
 * | …      | codes       | int8 codes                        |
 */
const LAYOUT_VERSION = 1;
const HEAD = 10;

export function serialise(quantised: Quantised): Uint8Array {
  const { channels, length, scales, codes } = quantised;
  checkShape(codes.length, channels, length);
  if (scales.length !== channels) throw new QuantiserError('INVALID_INPUT', `${scales.length} scales for ${channels} channels`);
  const out = new Uint8Array(HEAD + 4 * channels + codes.length);
  const view = new DataView(out.buffer);
  out[0] = LAYOUT_VERSION;
  out[1] = channels;
  view.setUint32(2, length, true);
  view.setUint32(6, codes.length, true);
  for (let c = 0; c < channels; c++) view.setFloat32(HEAD + 4 * c, scales[c]!, true);
  out.set(new Uint8Array(codes.buffer, codes.byteOffset, codes.length), HEAD + 4 * channels);
  return out;
}

/** Reads what serialise() wrote; every field is checked before anything is allocated. */
export function deserialise(bytes: Uint8Array): Quantised {
  if (bytes.length < HEAD) throw new QuantiserError('CORRUPT', `${bytes.length} bytes is shorter than the ${HEAD}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== LAYOUT_VERSION) throw new QuantiserError('CORRUPT', `unknown quantisation layout ${bytes[0]}`);
  const channels = bytes[1]!;
  const length = view.getUint32(2, true);
  const count = view.getUint32(6, true);
  if (channels === 0 || length === 0) throw new QuantiserError('CORRUPT', 'zero channels or zero length');
  if (bytes.length !== HEAD + 4 * channels + count) {
    throw new QuantiserError('CORRUPT', `${bytes.length} bytes, but the header declares ${HEAD + 4 * channels + count}`);
  }
  if (count % (channels * length) !== 0) throw new QuantiserError('CORRUPT', `${count} codes are not whole blocks of ${channels} × ${length}`);
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const s = view.getFloat32(HEAD + 4 * c, true);
    if (!(s >= 0) || !Number.isFinite(s)) throw new QuantiserError('CORRUPT', `scale ${c} is ${s}`);
    scales[c] = s;
  }
  const codes = new Int8Array(count);
  codes.set(new Int8Array(bytes.buffer, bytes.byteOffset + HEAD + 4 * channels, count));
  for (let i = 0; i < count; i++) {
    if (codes[i] === -128) throw new QuantiserError('CORRUPT', `code ${i} is −128, outside the symmetric range`);
  }
  return { channels, length, scales, codes };
}
