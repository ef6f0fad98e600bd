import { describe, expect, it } from 'vitest';
import { Rng } from './random.js';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sample = <T>(n: number, draw: () => T): T[] => Array.from({ length: n }, draw);

describe('Rng', () => {
  it('repeats the same sequence for the same seed and differs for another seed', () => {
    const r0 = new Rng(42);
    const a = sample(5, () => r0.next());
    const r1 = new Rng(42);
    const r2 = new Rng(42);
    const r3 = new Rng(43);
    const s1 = sample(5, () => r1.nextUint32());
    expect(sample(5, () => r2.nextUint32())).toEqual(s1);
    expect(sample(5, () => r3.nextUint32())).not.toEqual(s1);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('derives independent streams per customer from one seed', () => {
    const x = Rng.forStream(1, 0).nextUint32();
    const y = Rng.forStream(1, 1).nextUint32();
    expect(x).not.toBe(y);
    expect(Rng.forStream(1, 1).nextUint32()).toBe(y);
  });

  it('draws gamma values with mean shape × scale, also for shapes below 1', () => {
    const rng = new Rng(7);
    expect(mean(sample(20_000, () => rng.gamma(3, 10)))).toBeCloseTo(30, 0);
    expect(mean(sample(20_000, () => rng.gamma(0.5, 4)))).toBeCloseTo(2, 0);
  });

  it('draws normal and Poisson values with the requested mean', () => {
    const rng = new Rng(9);
    expect(mean(sample(20_000, () => rng.normal(5, 2)))).toBeCloseTo(5, 1);
    expect(mean(sample(20_000, () => rng.poisson(3.5)))).toBeCloseTo(3.5, 1);
    expect(mean(sample(5_000, () => rng.poisson(80)))).toBeCloseTo(80, 0);
    expect(rng.poisson(0)).toBe(0);
  });

  it('keeps int() within both bounds and weighted() proportional to the weights', () => {
    const rng = new Rng(3);
    const ints = sample(5_000, () => rng.int(2, 4));
    expect(new Set(ints)).toEqual(new Set([2, 3, 4]));
    const picks = sample(20_000, () => rng.weighted(['a', 'b'], [3, 1]));
    expect(picks.filter((p) => p === 'a').length / picks.length).toBeCloseTo(0.75, 1);
    expect(() => rng.choice([])).toThrow();
  });
});
