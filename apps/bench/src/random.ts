/** xorshift32: uniforms in [0, 1) from a seed, the same on every machine (the benches' simulated data). */
export function seededUniform(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}
