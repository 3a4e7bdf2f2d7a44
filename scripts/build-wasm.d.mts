/** Types of build-wasm.mjs, for the tests that check each kernel's module against its source. */
export declare const KERNELS: Record<'sketch' | 'supporter' | 'warmstart', { source: string; target: string; constant: string; options: string[] }>;
export declare function kernelTarget(name: keyof typeof KERNELS): string;
export declare function compileKernel(name: keyof typeof KERNELS): Promise<string>;
