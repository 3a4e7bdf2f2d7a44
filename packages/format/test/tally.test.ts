import { describe, expect, it } from 'vitest';
import { Tally } from '../src/tally.js';

describe('Tally', () => {
  it('tells whole items plus the parts in hand, several at once, and never less than before', () => {
    const told: number[] = [];
    const tally = new Tally((n) => told.push(n));
    const [a, b] = [{}, {}];
    tally.part(a, 10);
    tally.part(b, 5);
    tally.part(a, 30);
    tally.part(a, 20); // smaller than a's part told before: nothing
    tally.add(100, b); // b done: its part gives way to its whole
    tally.add(7); // an item without parts
    tally.add(40, a);
    expect(told).toEqual([10, 15, 35, 130, 137, 147]);
  });
});
