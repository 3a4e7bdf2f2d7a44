/**
 * DeepGeCo's (s, k)-mer encoding and its parallel streams.
 *
 * A record's bases become tokens of k bases each, stepping s bases at a time (first base most
 * significant: token = Σ base_i · 4^(k−1−i)). This version writes s = k, tokens that do not
 * overlap; the bases after the last whole token (fewer than k) are the remainder, coded apart.
 *
 * The tokens are cut into `streams` contiguous runs of equal length (the last may be shorter), and
 * the coder walks them side by side: at step t it predicts token t of every stream in one batch
 * of the network, the decoder doing the same once the tokens before are known. This is the
 * paper's batch of bs parallel streams; its price is that the first tokens of every stream see
 * no context before the stream's start (they see padding).
 */

/**
 * Tokens per stream that the writer aims for at least, in every mode, except on short records
 * (MIN_STEP_ROWS): the first `context` tokens of each have padding in their context, and PLUS's
 * Supporter takes one training step per step of the streams. (MINI wrote streams of 512 for a
 * while, for fewer calls of onnxruntime-web; its own kernel has no cost per call worth saving, and
 * 2,048 codes a little smaller: ADR 0030.)
 */
export const MIN_STREAM_TOKENS = 2048;
/** Streams at most: the paper's batch size bs = 320. */
export const MAX_STREAMS = 320;
/**
 * Streams at least, where streams of MIN_SHORT_STREAM_TOKENS allow it: a step of PLUS costs about
 * as much as a dozen rows whatever its rows (the key and value tables of every token and their
 * gradients, Adam over every weight), so a short record cut into streams of 2,048 tokens, a few
 * rows a step, spent most of its time on the steps' fixed cost (BuEb, 6,313 tokens: 3 streams,
 * about 80%). With 24 rows a step the fixed cost is a third of the work (ADR 0023).
 */
export const MIN_STEP_ROWS = 24;
/** The shortest streams MIN_STEP_ROWS may cut a short record into. */
export const MIN_SHORT_STREAM_TOKENS = 256;
/** The token id that stands for "before the stream's start" in a context. */
export const PADDING_TOKEN = 0;

/**
 * The number of distinct k-mer tokens, 4^k, as a small integer: `4 ** k` gives V8 a heap double,
 * and the Supporter's weight offsets derived from it turned its loops' index arithmetic into
 * floating point (35% slower on AeCa).
 */
export function vocabulary(k: number): number {
  return 1 << (2 * k);
}

/** Token ids of the bases of `symbols` (0..3), `k` bases each without overlap; the remainder is left out. */
export function toTokens(symbols: Uint8Array, k: number): Uint8Array {
  const count = Math.floor(symbols.length / k);
  const tokens = new Uint8Array(count);
  for (let t = 0, at = 0; t < count; t++) {
    let token = 0;
    for (let i = 0; i < k; i++) token = (token << 2) | symbols[at++]!;
    tokens[t] = token;
  }
  return tokens;
}

/** Writes the bases of `tokens` into `out` (as many as k × tokens). */
export function fromTokens(tokens: Uint8Array, k: number, out: Uint8Array): void {
  for (let t = 0, at = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    for (let i = k - 1; i >= 0; i--) out[at++] = (token >>> (2 * i)) & 3;
  }
}

/**
 * The writer's choice of streams for `tokens` tokens (stored in the payload, so it may change):
 * streams of at least MIN_STREAM_TOKENS, but at least MIN_STEP_ROWS streams where each can still
 * have MIN_SHORT_STREAM_TOKENS, and at most MAX_STREAMS.
 */
export function chooseStreams(tokens: number): number {
  const long = Math.floor(tokens / MIN_STREAM_TOKENS);
  const short = Math.min(MIN_STEP_ROWS, Math.floor(tokens / MIN_SHORT_STREAM_TOKENS));
  const wanted = Math.min(MAX_STREAMS, Math.max(1, long, short));
  return streamLayout(tokens, wanted).streams;
}

/** How `tokens` tokens are cut for `streams` streams: each stream's length, and the streams that are not empty. */
export function streamLayout(tokens: number, streams: number): { length: number; streams: number } {
  const length = Math.max(1, Math.ceil(tokens / streams));
  return { length, streams: Math.max(1, Math.ceil(tokens / length)) };
}

/**
 * The network's input for step `step`: for each stream with a token at this step, the `context`
 * tokens before it in its stream (padding before the stream's start), as float32 ids. Returns how
 * many streams take part (a prefix of them: only the last stream can be shorter).
 */
export function contexts(tokens: Uint8Array, layout: { length: number; streams: number }, step: number, context: number, into: Float32Array): number {
  let active = 0;
  for (let j = 0; j < layout.streams; j++) {
    const start = j * layout.length;
    const at = start + step;
    if (at >= tokens.length) break;
    const row = active * context;
    for (let i = 0; i < context; i++) {
      const from = at - context + i;
      into[row + i] = from >= start ? tokens[from]! : PADDING_TOKEN;
    }
    active++;
  }
  return active;
}
