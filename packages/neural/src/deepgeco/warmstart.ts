/**
 * DeepGeCo's Warm-Start network run by SeqCoder itself (ADR 0030): the weights of
 * `warmstart.weights` (training/deepgeco_weights.py, the graph's float32 numbers) and the
 * WebAssembly kernel of assembly/warmstart.ts, which says what it computes and why every machine
 * gets the same bits. Where the engine has no WebAssembly (or no SIMD, or the shape is not one the
 * kernel takes) the same function runs in the JavaScript below, to the bit: every float32
 * operation is a double operation rounded by Math.fround, which gives the float32 result exactly
 * (the double result of +, −, ×, ÷ on two float32 numbers rounds to float32 as the float32
 * operation would).
 */
import { InvalidArgumentError } from '@seqcoder/format';
import { kernelModule, layOut } from './kernels.js';
import { WARM_START_WASM } from './warmstart-wasm.js';

/** The shape stored in a weights file's header. */
export interface WarmStartShape {
  k: number;
  context: number;
  embedding: number;
  hidden: number;
  dense: number;
  vocabulary: number;
}

const MAGIC = 'SQWS';
const VERSION = 1;
const HEADER_BYTES = 32;

/** The network's output for a batch: rows of logits, and rows of features (the Dense outputs, then flat). */
export interface WarmStartOutput {
  logits: Float32Array;
  features: Float32Array;
}

interface KernelExports {
  bind(...values: number[]): void;
  prepare(): void;
  run(rows: number): void;
}

const f = Math.fround;

export class WarmStartNetwork {
  readonly shape: WarmStartShape;
  /** Width of a features row: the Dense layer's outputs, then the two GRU directions at the newest token. */
  readonly features: number;
  private readonly rows: number;
  private readonly a: ReturnType<typeof arraysFor>['arrays'];
  private readonly kernel: KernelExports | null;

  /**
   * The network of a weights file, for batches of up to `rows` contexts; on the kernel unless
   * `useKernel` is false or the engine cannot run it.
   */
  constructor(weights: Uint8Array, rows: number, useKernel = true) {
    const shape = readShape(weights);
    const { hidden: h, dense: d, vocabulary: v } = shape;
    this.shape = shape;
    this.features = d + 2 * h;
    this.rows = rows;
    // the kernel works on sixteen outputs at a time
    const fits = h % 16 === 0 && d % 16 === 0 && v % 16 === 0;
    const { arrays, kernel } = arraysFor(useKernel && fits ? kernelModule(WARM_START_WASM) : null, shape, rows);
    this.a = arrays;
    readWeights(weights, shape, arrays);
    if (kernel) {
      const { address } = kernel;
      const exports = kernel.exports as unknown as KernelExports;
      const { embedding, inputTable, firstW, firstWb, secondW, secondWb, recurrentR, recurrentRb, denseW, denseB } = arrays;
      const { fromDenseW, fromDenseB, fromGruW, fromGruB, tokens, first, state, gi, gh, features, fromGru, logits } = arrays;
      exports.bind(
        h, shape.context, shape.embedding, d, v,
        ...[embedding, inputTable, firstW, firstWb, secondW, secondWb, recurrentR, recurrentRb, denseW, denseB, fromDenseW, fromDenseB, fromGruW, fromGruB].map((x) => address(x)),
        ...[tokens, first, state, gi, gh, features, fromGru, logits].map((x) => address(x)),
      );
      exports.prepare();
      this.kernel = exports;
    } else {
      this.kernel = null;
      prepareInJs(shape, arrays);
    }
  }

  /** Whether the WebAssembly kernel runs the network (else the JavaScript). */
  get runsKernel(): boolean {
    return this.kernel !== null;
  }

  /**
   * The logits and features of `rows` contexts, each `context` token ids (rows × context, as
   * float32 numbers). The arrays returned are the network's own, valid until the next run.
   */
  run(input: Float32Array, rows: number): WarmStartOutput {
    const { context, vocabulary } = this.shape;
    if (rows > this.rows) throw new RangeError(`a batch of ${rows} contexts is larger than the network's ${this.rows}`);
    const { tokens, logits, features } = this.a;
    for (let i = 0; i < rows * context; i++) {
      const token = input[i]!;
      if (!(token >= 0 && token < vocabulary && Number.isInteger(token))) throw new RangeError(`token id ${token} is not one of the ${vocabulary}`);
      tokens[i] = token;
    }
    if (this.kernel) this.kernel.run(rows);
    else runInJs(this.shape, this.a, rows);
    return { logits: logits.subarray(0, rows * vocabulary), features: features.subarray(0, rows * this.features) };
  }
}

/** The shape in a weights file's header, checked against the file's length. */
function readShape(weights: Uint8Array): WarmStartShape {
  const view = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
  const magic = String.fromCharCode(...weights.subarray(0, 4));
  if (weights.length < HEADER_BYTES || magic !== MAGIC) throw new InvalidArgumentError('not a Warm-Start weights file (no SQWS header)');
  const [version, k, context, embedding, hidden, dense, vocabulary] = Array.from({ length: 7 }, (_, i) => view.getUint32(4 + 4 * i, true));
  if (version !== VERSION) throw new InvalidArgumentError(`Warm-Start weights version ${version}; this version reads ${VERSION}`);
  const shape = { k: k!, context: context!, embedding: embedding!, hidden: hidden!, dense: dense!, vocabulary: vocabulary! };
  if (shape.vocabulary !== 4 ** shape.k || Object.values(shape).some((n) => n < 1)) {
    throw new InvalidArgumentError(`Warm-Start weights of an unsupported shape ${JSON.stringify(shape)}`);
  }
  if (weights.length !== HEADER_BYTES + 4 * weightCount(shape)) throw new InvalidArgumentError('a Warm-Start weights file of the wrong length for its shape');
  return shape;
}

function weightCount({ embedding: e, hidden: h, dense: d, vocabulary: v }: WarmStartShape): number {
  const gru = (input: number) => 3 * h * input + 3 * h * h + 6 * h;
  return v * e + 2 * gru(e) + 2 * gru(2 * h) + (2 * h * d + d) + (d * v + v) + (2 * h * v + v);
}

/** The network's arrays (weights transposed to [in][out], as the kernel reads them, then a batch's scratch). */
function arraysFor(module: WebAssembly.Module | null, s: WarmStartShape, rows: number) {
  const { embedding: e, hidden: h, dense: d, vocabulary: v, context: c } = s;
  const n = 3 * h;
  const F = Float32Array;
  return layOut(module, {
    embedding: [F, v * e],
    inputTable: [F, 2 * v * n],
    firstW: [F, 2 * e * n],
    firstWb: [F, 2 * n],
    secondW: [F, 2 * 2 * h * n],
    secondWb: [F, 2 * n],
    recurrentR: [F, 4 * h * n],
    recurrentRb: [F, 4 * n],
    denseW: [F, 2 * h * d],
    denseB: [F, d],
    fromDenseW: [F, d * v],
    fromDenseB: [F, v],
    fromGruW: [F, 2 * h * v],
    fromGruB: [F, v],
    tokens: [Int32Array, rows * c],
    first: [F, rows * c * 2 * h],
    state: [F, rows * h],
    gi: [F, rows * n],
    gh: [F, rows * n],
    features: [F, rows * (d + 2 * h)],
    fromGru: [F, rows * v],
    logits: [F, rows * v],
  });
}

type Net = ReturnType<typeof arraysFor>['arrays'];

/** Reads the file's arrays (training/deepgeco_weights.py's order) into the network's, each W transposed. */
function readWeights(weights: Uint8Array, s: WarmStartShape, a: Net): void {
  const { embedding: e, hidden: h, dense: d, vocabulary: v } = s;
  const n = 3 * h;
  // through a DataView: the file is little-endian whatever the machine, and its bytes need not be aligned in memory
  const view = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
  let at = HEADER_BYTES;
  const next = () => {
    const x = view.getFloat32(at, true);
    at += 4;
    return x;
  };
  const plain = (to: Float32Array, offset: number, count: number) => {
    for (let i = 0; i < count; i++) to[offset + i] = next();
  };
  // [rows][columns] in the file, [columns][rows] in the network
  const transposed = (to: Float32Array, offset: number, rows: number, columns: number) => {
    for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) to[offset + c * rows + r] = next();
  };
  plain(a.embedding, 0, v * e);
  for (let dir = 0; dir < 4; dir++) {
    const firstLayer = dir < 2;
    const input = firstLayer ? e : 2 * h;
    transposed(firstLayer ? a.firstW : a.secondW, (dir % 2) * input * n, n, input);
    transposed(a.recurrentR, dir * h * n, n, h);
    plain(firstLayer ? a.firstWb : a.secondWb, (dir % 2) * n, n);
    plain(a.recurrentRb, dir * n, n);
  }
  transposed(a.denseW, 0, d, 2 * h);
  plain(a.denseB, 0, d);
  transposed(a.fromDenseW, 0, v, d);
  plain(a.fromDenseB, 0, v);
  transposed(a.fromGruW, 0, v, 2 * h);
  plain(a.fromGruB, 0, v);
}

// ---- the same function in JavaScript, float32 to the bit (assembly/warmstart.ts has the reasons) ----

/** out[r][j] = b[j] + Σ_i x[r][i] · w[i][j], the sum from b[j] over i upwards, as the kernel's `affine`. */
function affine(rows: number, depth: number, n: number, x: Float32Array, xAt: number, xStride: number, w: Float32Array, wAt: number, b: Float32Array, bAt: number, out: Float32Array, outStride: number): void {
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < n; j++) {
      let sum = b[bAt + j]!;
      for (let i = 0; i < depth; i++) sum = f(sum + f(x[xAt + r * xStride + i]! * w[wAt + i * n + j]!));
      out[r * outStride + j] = sum;
    }
  }
}

const LOG2E = f(1.44269502);
const LN2_HI = 0.693145751953125;
const LN2_LO = f(1.428606765330187e-6);
const TAYLOR = [1 / 720, 1 / 120, 1 / 24, 1 / 6, 0.5, 1, 1].map(f);

/** The kernel's exp4, one lane: Math.round's halves go up, so ties to even are written out. */
function exp(x: number): number {
  x = Math.max(Math.min(x, 88), -87);
  const v = f(x * LOG2E);
  let n = Math.round(v);
  if (n - v === 0.5 && n % 2 !== 0) n -= 1;
  let r = f(x - f(n * LN2_HI));
  r = f(r - f(n * LN2_LO));
  let p = TAYLOR[0]!;
  for (let i = 1; i < TAYLOR.length; i++) p = f(f(p * r) + TAYLOR[i]!);
  return f(p * 2 ** n);
}

const sigmoid = (x: number) => f(1 / f(1 + exp(-x)));
const tanh = (x: number) => f(f(2 / f(1 + exp(f(x * -2)))) - 1);

function prepareInJs(s: WarmStartShape, a: Net): void {
  const n = 3 * s.hidden;
  for (let d = 0; d < 2; d++) {
    affine(s.vocabulary, s.embedding, n, a.embedding, 0, s.embedding, a.firstW, d * s.embedding * n, a.firstWb, d * n, a.inputTable.subarray(d * s.vocabulary * n), n);
  }
}

/** The kernel's `step`: one GRU step of direction `dir` for `rows` rows, gi given, the state replaced. */
function step(s: WarmStartShape, a: Net, rows: number, dir: number, zero: boolean): void {
  const h = s.hidden;
  const n = 3 * h;
  if (zero) {
    for (let r = 0; r < rows; r++) a.gh.set(a.recurrentRb.subarray(dir * n, dir * n + n), r * n);
  } else {
    affine(rows, h, n, a.state, 0, h, a.recurrentR, dir * h * n, a.recurrentRb, dir * n, a.gh, n);
  }
  const { gi, gh, state } = a;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < h; j++) {
      const g = r * n + j;
      const z = sigmoid(f(gi[g]! + gh[g]!));
      const reset = sigmoid(f(gi[g + h]! + gh[g + h]!));
      const candidate = tanh(f(gi[g + 2 * h]! + f(reset * gh[g + 2 * h]!)));
      const previous = zero ? 0 : state[r * h + j]!;
      state[r * h + j] = f(f(f(1 - z) * candidate) + f(z * previous));
    }
  }
}

function runInJs(s: WarmStartShape, a: Net, rows: number): void {
  const { hidden: h, context: c, dense: d, vocabulary: v } = s;
  const n = 3 * h;
  const width = d + 2 * h;
  for (let dir = 0; dir < 2; dir++) {
    for (let t0 = 0; t0 < c; t0++) {
      const t = dir === 0 ? t0 : c - 1 - t0;
      for (let r = 0; r < rows; r++) {
        const token = a.tokens[r * c + t]!;
        a.gi.set(a.inputTable.subarray((dir * v + token) * n, (dir * v + token + 1) * n), r * n);
      }
      step(s, a, rows, dir, t0 === 0);
      for (let r = 0; r < rows; r++) a.first.set(a.state.subarray(r * h, r * h + h), (r * c + t) * 2 * h + dir * h);
    }
  }
  for (let t = 0; t < c; t++) {
    affine(rows, 2 * h, n, a.first, t * 2 * h, c * 2 * h, a.secondW, 0, a.secondWb, 0, a.gi, n);
    step(s, a, rows, 2, t === 0);
  }
  for (let r = 0; r < rows; r++) a.features.set(a.state.subarray(r * h, r * h + h), r * width + d);
  affine(rows, 2 * h, n, a.first, (c - 1) * 2 * h, c * 2 * h, a.secondW, 2 * h * n, a.secondWb, n, a.gi, n);
  step(s, a, rows, 3, true);
  for (let r = 0; r < rows; r++) a.features.set(a.state.subarray(r * h, r * h + h), r * width + d + h);
  affine(rows, 2 * h, d, a.features, d, width, a.denseW, 0, a.denseB, 0, a.features, width);
  for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) a.features[r * width + j] = Math.max(a.features[r * width + j]!, 0);
  affine(rows, d, v, a.features, 0, width, a.fromDenseW, 0, a.fromDenseB, 0, a.logits, v);
  affine(rows, 2 * h, v, a.features, d, width, a.fromGruW, 0, a.fromGruB, 0, a.fromGru, v);
  for (let i = 0; i < rows * v; i++) a.logits[i] = f(a.logits[i]! + a.fromGru[i]!);
}
