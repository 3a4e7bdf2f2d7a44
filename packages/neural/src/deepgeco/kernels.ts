/**
 * DeepGeCo's WebAssembly kernels: how they are compiled (once a process), and how the arrays they
 * work on are laid out in an instance's memory (layOut), so that a kernel reads and writes them
 * where they are. Two kernels use this: the Supporter's (assembly/supporter.ts, ADR 0029; its
 * functions over its arrays are made here, by allocate) and the Warm-Start network's
 * (assembly/warmstart.ts, ADR 0030; warmstart.ts).
 *
 * The Supporter's kernel computes supporter.ts's product, Adam step and attention bit for bit (the
 * same operations in the same order; assembly/supporter.ts says why SIMD keeps that), two to three
 * times as fast. An engine without WebAssembly (or without its SIMD) gets plain arrays and the
 * JavaScript loops: slower, the same numbers, so either end may run either.
 */
import { SUPPORTER_WASM } from './supporter-wasm.js';
import { WARM_START_WASM } from './warmstart-wasm.js';

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

/** Each kernel's compiled module, once per process; null where the engine cannot run it (no WebAssembly, or no SIMD). */
const compiled = new Map<string, WebAssembly.Module | null>();

/**
 * Compiles DeepGeCo's kernels (the Supporter's and the Warm-Start's) now, if they are not compiled
 * yet. V8 chooses how a module's code is optimised when the module is compiled, so a host that
 * restricts WebAssembly to baseline code for a short run (the CLI's `--liftoff-only`, for
 * onnxruntime-web's sake) calls this first: the kernels keep their optimised code, which runs them
 * twice as fast.
 */
export function compileDeepGeCoKernels(): void {
  kernelModule(SUPPORTER_WASM);
  kernelModule(WARM_START_WASM);
}

/** The module of a kernel (its bytes in base64), compiled on first use. */
export function kernelModule(base64: string): WebAssembly.Module | null {
  let module = compiled.get(base64);
  if (module === undefined) {
    if (typeof WebAssembly === 'undefined') {
      // Node with --jitless, or a browser with WebAssembly turned off: the JavaScript loops
      module = null;
    } else {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      // synchronous: each module is under the 4 kB a browser compiles synchronously on its main thread
      module = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    }
    compiled.set(base64, module);
  }
  return module;
}

/** Typed arrays to lay out, by name: each its constructor and length. */
export type Layout = Record<string, [Float64ArrayConstructor | Float32ArrayConstructor | Int32ArrayConstructor, number]>;
type Arrays<L extends Layout> = { [N in keyof L]: InstanceType<L[N][0]> };

/**
 * The arrays of `layout`. With a kernel module: laid out one after another (each at a multiple of
 * 16 bytes) in the memory of a fresh instance of it, with the instance's exports and each array's
 * byte address; without one, plain arrays.
 */
export function layOut<L extends Layout>(
  module: WebAssembly.Module | null,
  layout: L,
): { arrays: Arrays<L>; kernel: { exports: WebAssembly.Exports; address: (array: Float64Array | Float32Array | Int32Array, at?: number) => number } | null } {
  const names = Object.keys(layout) as (keyof L & string)[];
  const arrays = {} as Record<string, Float64Array | Float32Array | Int32Array>;
  if (!module) {
    for (const name of names) arrays[name] = new layout[name]![0](layout[name]![1]);
    return { arrays: arrays as Arrays<L>, kernel: null };
  }
  const padded = (bytes: number) => Math.ceil(bytes / 16) * 16;
  const bytesOf = (name: string) => padded(layout[name]![0].BYTES_PER_ELEMENT * layout[name]![1]);
  const total = names.reduce((sum, name) => sum + bytesOf(name), 0);
  // The memory is made at its size, never grown: growing detaches the old ArrayBuffer, after which
  // V8 checks typed array accesses for detachment (the Supporter's JavaScript loops over these
  // arrays ran 1.5 times as long with a grown memory; ADR 0029).
  const pages = Math.max(1, Math.ceil(total / 65536));
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  let at = 0;
  for (const name of names) {
    arrays[name] = new layout[name]![0](memory.buffer, at, layout[name]![1]);
    at += bytesOf(name);
  }
  // an array handed over is one of these views (or a subarray of one): its byte offset is its address
  const address = (array: Float64Array | Float32Array | Int32Array, at = 0) => {
    if (array.buffer !== memory.buffer) throw new Error('a kernel was handed an array outside its memory');
    return array.byteOffset + array.BYTES_PER_ELEMENT * at;
  };
  return { arrays: arrays as Arrays<L>, kernel: { exports, address } };
}

/**
 * The Supporter's arrays (layOut), with its kernel's functions over them where the kernel is asked
 * for and the engine can run it.
 */
export function allocate<L extends Layout>(useKernel: boolean, layout: L): { arrays: Arrays<L>; kernel: SupporterKernel | null } {
  const { arrays, kernel: instance } = layOut(useKernel ? kernelModule(SUPPORTER_WASM) : null, layout);
  if (!instance) return { arrays, kernel: null };
  const { address } = instance;
  const kernel = instance.exports as unknown as KernelExports;
  const product: Product = (m, n, depth, A, a, ai, ak, B, b, bk, bj, C, c, ci, cj) =>
    kernel.product(m, n, depth, address(A, a), ai, ak, address(B, b), bk, bj, address(C, c), ci, cj);
  const adam: AdamStep = (p, g, v, beta2, oneMinusBeta2, correction, lr) =>
    kernel.adam(address(p), address(g), address(v), p.length, beta2, oneMinusBeta2, correction, lr);
  const attend: Attend = (rows, c, d, heads, scale, ...arrays) => kernel.attend(rows, c, d, heads, scale, ...arrays.map((a) => address(a)));
  const attendBack: AttendBack = (rows, c, d, heads, scale, ...arrays) => kernel.attendBack(rows, c, d, heads, scale, ...arrays.map((a) => address(a)));
  return { arrays, kernel: { product, adam, attend, attendBack } };
}
