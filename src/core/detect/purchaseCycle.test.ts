import { describe, expect, it } from 'vitest';
import { buildPeerCycles, intervalStats, median, type PeerSample, purchaseCycle } from './purchaseCycle.js';

function samples(category: string | null, industry: string | null, cycles: number[]): PeerSample[] {
  return cycles.map((ownCycleDays) => ({ category, industry, ownCycleDays }));
}

const peers = buildPeerCycles([
  ...samples('toner', 'retail', [30, 30, 31, 29, 30]),
  ...samples('paper', 'food', [90, 92, 88, 91, 89]),
  ...samples('rare', 'food', [5]),
]);

describe('purchaseCycle', () => {
  it('uses the median of the own intervals with two or more', () => {
    expect(purchaseCycle([10, 50, 20], peers, 'toner', null)).toEqual({ days: 20, source: 'own' });
  });
  it('blends one interval half-and-half with the peer cycle', () => {
    expect(purchaseCycle([50], peers, 'toner', null)).toEqual({ days: 40, source: 'blended' });
  });
  it('gives a customer with one purchase the category peer cycle', () => {
    expect(purchaseCycle([], peers, 'paper', null)).toEqual({ days: 90, source: 'peer_category' });
  });
  it('falls back to the industry when the category group is too small', () => {
    expect(purchaseCycle([], peers, 'rare', 'food')).toEqual({ days: 89.5, source: 'peer_industry' });
  });
  it('falls back to everyone when neither category nor industry is known', () => {
    expect(purchaseCycle([], peers, null, null).source).toBe('peer_all');
    expect(purchaseCycle([], peers, null, null).days).toBe(
      median([30, 30, 31, 29, 30, 90, 92, 88, 91, 89, 5]),
    );
  });
  it('has no cycle when nobody has an interval', () => {
    expect(purchaseCycle([], buildPeerCycles([]), 'toner', 'retail')).toEqual({ days: null, source: 'none' });
  });
  it('keeps its own single interval when there are no peers', () => {
    expect(purchaseCycle([12], buildPeerCycles([]), null, null)).toEqual({ days: 12, source: 'own' });
  });
});

describe('median and interval stats', () => {
  it('gives the median of short and long lists alike, leaving the list as it was', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    for (let n = 1; n <= 120; n++) {
      const values = Array.from({ length: n }, () => (next() % 400) - 20);
      const copy = [...values];
      const sorted = [...values].sort((a, b) => a - b);
      const expected =
        n % 2 === 1
          ? (sorted[n >> 1] as number)
          : ((sorted[(n >> 1) - 1] as number) + (sorted[n >> 1] as number)) / 2;
      expect(median(values)).toBe(expected);
      expect(values).toEqual(copy);
    }
  });

  it('takes the middle of an odd list and the mean of the two middles of an even one', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
  it('gives mean and population spread', () => {
    expect(intervalStats([10, 20, 30])).toEqual({ mean: 20, spread: Math.sqrt(200 / 3) });
    expect(intervalStats([])).toEqual({ mean: null, spread: null });
  });
});
