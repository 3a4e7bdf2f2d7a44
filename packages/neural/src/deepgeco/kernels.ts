/**
 * Where the Supporter's numbers live, and the kernel that runs over them: its arrays are laid out
 * in the memory of an instance of the WebAssembly kernel compiled from assembly/supporter.ts, so
 * that the kernel's functions read and write them where they are (ADR 0029).
 *
 * The kernel computes supporter.ts's product, Adam step and attention bit for bit (the same
 * operations in the same order; assembly/supporter.ts says why SIMD keeps that), two to three times
 * as fast. An engine without WebAssembly (or without its SIMD) gets plain arrays and the JavaScript
 * loops: slower, the same numbers, so either end may run either.
 */
import { SUPPORTER_WASM } from './supporter-wasm.js';

/**
 * C[i][j] += Σ_k A[i][k] B[k][j] for i < m, j < n, k < depth, each sum over k upwards from what C
 * holds; A's element [i][k] is A[a + i·ai + k·ak], B's [k][j] is B[b + k·bk + j·bj], C's [i][j] is
 * C[c + i·ci + j·cj].
 */
export type Product = (
  m: number, n: number, depth: number,
  A: Float64Array, a: number, ai: number, ak: number,
  B: Float64Array, b: number, bk: number, bj: number,
  C: Float64Array, c: number, ci: number, cj: number,
) => void;

/** One Adam step (β1 = 0) over the weights p with gradients g and second moments v, as supporter.ts's `adam`. */
export type AdamStep = (p: Float64Array, g: Float64Array, v: Float64Array, beta2: number, oneMinusBeta2: number, correction: number, lr: number) => void;

/** The attention of `rows` rows read at the newest position, as supporter.ts's `forward` computes it (att and o are written). */
export type Attend = (
  rows: number, c: number, d: number, heads: number, scale: number, tokens: Int32Array,
  q: Float64Array, keyOfToken: Float64Array, keyOfPosition: Float64Array, valueOfToken: Float64Array, valueOfPosition: Float64Array,
  att: Float64Array, o: Float64Array,
) => void;

/** Its backward pass, as supporter.ts's `gradient` computes it (dq, and the tables' gradients added to). */
export type AttendBack = (
  rows: number, c: number, d: number, heads: number, scale: number, tokens: Int32Array,
  q: Float64Array, att: Float64Array, dO: Float64Array,
  keyOfToken: Float64Array, keyOfPosition: Float64Array, valueOfToken: Float64Array, valueOfPosition: Float64Array,
  dq: Float64Array, dk: Float64Array, dv: Float64Array, da: Float64Array,
  dKeyOfToken: Float64Array, dValueOfToken: Float64Array, dKeyOfPosition: Float64Array, dValueOfPosition: Float64Array,
) => void;

/** The kernel's functions, over arrays that allocate laid out in its memory. */
export interface SupporterKernel {
  product: Product;
  adam: AdamStep;
  attend: Attend;
  attendBack: AttendBack;
}

interface KernelExports {
  attend(rows: number, c: number, d: number, heads: number, scale: number, ...addresses: number[]): void;
  attendBack(rows: number, c: number, d: number, heads: number, scale: number, ...addresses: number[]): void;
  adam(p: number, g: number, v: number, count: number, beta2: number, oneMinusBeta2: number, correction: number, lr: number): void;
  product(m: number, n: number, depth: number, a: number, ai: number, ak: number, b: number, bk: number, bj: number, c: number, ci: number, cj: number): void;
}

/** The compiled kernel, once per process; null where the engine cannot run it (no WebAssembly, or no SIMD). */
let compiled: WebAssembly.Module | null | undefined;

/**
 * Compiles the kernel now, if it is not compiled yet. V8 chooses how a module's code is optimised
 * when the module is compiled, so a host that restricts WebAssembly to baseline code for a short
 * run (the CLI's `--liftoff-only`, for onnxruntime-web's sake) calls this first: the kernel keeps
 * its optimised code, which runs it twice as fast.
 */
export function compileSupporterKernel(): void {
  kernelModule();
}

function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    if (typeof WebAssembly === 'undefined') {
      // Node with --jitless, or a browser with WebAssembly turned off: the JavaScript loops
      compiled = null;
      return compiled;
    }
    const bytes = Uint8Array.from(atob(SUPPORTER_WASM), (c) => c.charCodeAt(0));
    // synchronous: the module is about 3 kB, under the 4 kB a browser allows on its main thread
    compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled;
}

/**
 * Float64Arrays and Int32Arrays of the given lengths. With the kernel (asked for, and one the
 * engine can run): laid out one after another (each at a multiple of 16 bytes) in a fresh
 * instance's memory, with the kernel's functions over them; without it, plain arrays and no kernel.
 */
export function allocate<F extends string, I extends string>(
  useKernel: boolean,
  doubles: Record<F, number>,
  ints: Record<I, number>,
): { doubles: Record<F, Float64Array>; ints: Record<I, Int32Array>; kernel: SupporterKernel | null } {
  const doubleNames = Object.keys(doubles) as F[];
  const intNames = Object.keys(ints) as I[];
  const f64 = {} as Record<F, Float64Array>;
  const i32 = {} as Record<I, Int32Array>;
  const module = useKernel ? kernelModule() : null;
  if (!module) {
    for (const name of doubleNames) f64[name] = new Float64Array(doubles[name]);
    for (const name of intNames) i32[name] = new Int32Array(ints[name]);
    return { doubles: f64, ints: i32, kernel: null };
  }
  const padded = (bytes: number) => Math.ceil(bytes / 16) * 16;
  const total = doubleNames.reduce((sum, name) => sum + padded(8 * doubles[name]), 0) + intNames.reduce((sum, name) => sum + padded(4 * ints[name]), 0);
  // The memory is made at its size, never grown: growing detaches the old ArrayBuffer, after which
  // V8 checks typed array accesses for detachment (the Supporter's JavaScript loops over these
  // arrays ran 1.5 times as long with a grown memory; ADR 0029).
  const pages = Math.max(1, Math.ceil(total / 65536));
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  let at = 0;
  for (const name of doubleNames) {
    f64[name] = new Float64Array(memory.buffer, at, doubles[name]);
    at += padded(8 * doubles[name]);
  }
  for (const name of intNames) {
    i32[name] = new Int32Array(memory.buffer, at, ints[name]);
    at += padded(4 * ints[name]);
  }
  // an array handed over is one of these views (or a subarray of one): its byte offset is its address
  const address = (array: Float64Array | Int32Array, at = 0) => {
    if (array.buffer !== memory.buffer) throw new Error('the Supporter kernel was handed an array outside its memory');
    return array.byteOffset + array.BYTES_PER_ELEMENT * at;
  };
  const product: Product = (m, n, depth, A, a, ai, ak, B, b, bk, bj, C, c, ci, cj) =>
    kernel.product(m, n, depth, address(A, a), ai, ak, address(B, b), bk, bj, address(C, c), ci, cj);
  const adam: AdamStep = (p, g, v, beta2, oneMinusBeta2, correction, lr) =>
    kernel.adam(address(p), address(g), address(v), p.length, beta2, oneMinusBeta2, correction, lr);
  const attend: Attend = (rows, c, d, heads, scale, ...arrays) => kernel.attend(rows, c, d, heads, scale, ...arrays.map((a) => address(a)));
  const attendBack: AttendBack = (rows, c, d, heads, scale, ...arrays) => kernel.attendBack(rows, c, d, heads, scale, ...arrays.map((a) => address(a)));
  return { doubles: f64, ints: i32, kernel: { product, adam, attend, attendBack } };
}
