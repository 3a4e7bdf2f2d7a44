/** Types of build-wasm.mjs, for the test that checks src/sketch-wasm.ts against its source. */
export declare const SOURCE: string;
export declare const TARGET: string;
export declare function compileKernel(): Promise<string>;
