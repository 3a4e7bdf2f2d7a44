import { describe, expect, it } from 'vitest';
import { formatBytes, groupDigits } from '../src/shared.js';

describe('groupDigits', () => {
  it('writes integers as toLocaleString("en") does', () => {
    const values = [0, 7, 999, 1000, 18_940, 999_999, 1_000_000, 1_234_567, 12_345_678_901, -1, -1234, -999_999, Number.MAX_SAFE_INTEGER];
    for (let n = 1; n < 1e15; n = n * 10 + (n % 7)) values.push(n);
    for (const n of values) expect(groupDigits(n)).toBe(n.toLocaleString('en'));
    expect(formatBytes(4830)).toBe('4,830 bytes');
  });

  it('leaves what is not a safe integer as String() writes it', () => {
    expect(groupDigits(1.5)).toBe('1.5');
    expect(groupDigits(2 ** 60)).toBe(String(2 ** 60));
    expect(groupDigits(Number.NaN)).toBe('NaN');
  });
});
