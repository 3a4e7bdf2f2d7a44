/**
 * Between base symbols and the network's tensors.
 *
 * SeqCoder's paper numbers bases A0 T1 C2 G3 (padding 4) and feeds code / 4; the rest of this
 * project numbers them A0 C1 G2 T3. The conversion happens here and nowhere else.
 */

/** Our symbol (A0 C1 G2 T3) → the paper's code (A0 T1 C2 G3). */
export const TO_PAPER = Uint8Array.of(0, 2, 3, 1);
/** The paper's code → our symbol. */
export const FROM_PAPER = Uint8Array.of(0, 3, 1, 2);
/** The paper's padding code, after the last base of a record. */
const PAD = 4;

export function windowCount(bases: number, K: number): number {
  return Math.ceil(bases / K);
}

/** Symbols as the encoder's input: windows of K values code / 4, the last one padded. */
export function toWindows(symbols: Uint8Array, K: number): Float32Array {
  const input = new Float32Array(windowCount(symbols.length, K) * K).fill(PAD / 4);
  for (let i = 0; i < symbols.length; i++) input[i] = TO_PAPER[symbols[i]!]! / 4;
  return input;
}

/**
 * The decoder's output as symbols: code = round(4y), where 4 (padding) and anything out of range
 * count as the nearest base. Pure double arithmetic on float32 inputs: the same on every engine.
 */
export function toSymbols(reconstruction: Float32Array, count: number): Uint8Array {
  const symbols = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const code = Math.round(4 * reconstruction[i]!);
    symbols[i] = FROM_PAPER[code >= 3 ? 3 : code <= 0 ? 0 : code]!;
  }
  return symbols;
}
