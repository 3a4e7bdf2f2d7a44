/**
 * Where the Supporter's numbers live, and the product that runs over them: its arrays are laid out
 * in the memory of an instance of the WebAssembly kernel compiled from assembly/supporter.ts, so
 * that the kernel's product reads and writes them where they are.
 *
 * The kernel computes supporter.ts's `product` bit for bit (each sum in the same order, each step
 * one rounded multiplication and one rounded addition; assembly/supporter.ts says why SIMD keeps
 * that), about three times as fast. An engine without WebAssembly SIMD gets plain arrays and the
 * JavaScript product: slower, the same numbers, so either end may run either.
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

/** The kernel's functions, over arrays that allocate laid out in its memory. */
export interface SupporterKernel {
  product: Product;
  adam: AdamStep;
}

interface KernelExports {
  adam(p: number, g: number, v: number, count: number, beta2: number, oneMinusBeta2: number, correction: number, lr: number): void;
  product(m: number, n: number, depth: number, a: number, ai: number, ak: number, b: number, bk: number, bj: number, c: number, ci: number, cj: number): void;
}

/** The compiled kernel, once per process; null where the engine cannot run it (no SIMD). */
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
    const bytes = Uint8Array.from(atob(SUPPORTER_WASM), (c) => c.charCodeAt(0));
    // synchronous: the module is a kilobyte (a browser's main thread allows 4)
    compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled;
}

/**
 * Float64Arrays of the given lengths. With the kernel (asked for, and one the engine can run):
 * laid out one after another (each at a multiple of 16 bytes) in a fresh instance's memory, with
 * the kernel's functions over them; without it, plain arrays and no kernel.
 */
export function allocate<K extends string>(useKernel: boolean, lengths: Record<K, number>): { arrays: Record<K, Float64Array>; kernel: SupporterKernel | null } {
  const names = Object.keys(lengths) as K[];
  const arrays = {} as Record<K, Float64Array>;
  const module = useKernel ? kernelModule() : null;
  if (!module) {
    for (const name of names) arrays[name] = new Float64Array(lengths[name]);
    return { arrays, kernel: null };
  }
  const offsets = names.map((name) => lengths[name] + (lengths[name] & 1)); // whole 16-byte pairs
  const bytes = 8 * offsets.reduce((sum, n) => sum + n, 0);
  // The memory is made at its size, never grown: growing detaches an ArrayBuffer, and once any has
  // been detached V8 checks every typed array access in the process for it (its JavaScript loops
  // over these arrays ran 1.5 times as long).
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536), maximum: Math.ceil(bytes / 65536) });
  const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  let at = 0;
  names.forEach((name, i) => {
    arrays[name] = new Float64Array(memory.buffer, at, lengths[name]);
    at += 8 * offsets[i]!;
  });
  // an array handed over is one of these views (or a subarray of one): its byte offset is its address
  const address = (array: Float64Array, at: number) => {
    if (array.buffer !== memory.buffer) throw new Error('the Supporter kernel was handed an array outside its memory');
    return array.byteOffset + 8 * at;
  };
  const product: Product = (m, n, depth, A, a, ai, ak, B, b, bk, bj, C, c, ci, cj) =>
    kernel.product(m, n, depth, address(A, a), ai, ak, address(B, b), bk, bj, address(C, c), ci, cj);
  const adam: AdamStep = (p, g, v, beta2, oneMinusBeta2, correction, lr) =>
    kernel.adam(address(p, 0), address(g, 0), address(v, 0), p.length, beta2, oneMinusBeta2, correction, lr);
  return { arrays, kernel: { product, adam } };
}
