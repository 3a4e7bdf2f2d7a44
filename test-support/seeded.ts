/**
 * Seeded sources for tests that need sequence of a known kind without shipping it.
 */

/**
 * `n` bases (0..3) of a seeded order-2 chain whose next base is nearly fixed by the last two:
 * nothing like a genome, so DeepGeCo's pre-trained Warm-Start knows nothing of it, while PLUS's
 * Supporter learns it as it codes (PLUS then keeps its own payload, far smaller than MINI's).
 */
export function chainSymbols(n: number): Uint8Array {
  const symbols = new Uint8Array(n);
  let s = 11;
  for (let i = 2; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const favourite = (symbols[i - 1]! * 3 + symbols[i - 2]! + 1) & 3;
    symbols[i] = (s >>> 24) < 230 ? favourite : (s >>> 8) & 3;
  }
  return symbols;
}
