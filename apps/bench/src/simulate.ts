/** What the benches that simulate sequences share (bench:denoise, bench:generate). */

/** xorshift32: uniforms in [0, 1) from a seed, the same on every machine. */
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

const COMPLEMENT: Record<string, string> = { A: 'T', C: 'G', G: 'C', T: 'A' };

/** The reverse complement of a sequence of upper-case A, C, G and T. */
export function reverseComplement(s: string): string {
  return [...s].reverse().map((c) => COMPLEMENT[c]!).join('');
}
