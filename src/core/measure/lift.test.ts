import { describe, expect, it } from 'vitest';
import { compareProportions, journeyLift, twoProportionPValue, wilsonInterval } from './lift.js';

describe('wilsonInterval', () => {
  it('matches the score interval computed by hand', () => {
    // p = 0.8, z² = 3.8415: (0.82744 ± 1.96·√(0.0022857 + 0.0001960)) / 1.054878 (Newcombe: 0.6918–0.8770)
    const [low, high] = wilsonInterval(56, 70);
    expect(low).toBeCloseTo(0.69183, 4);
    expect(high).toBeCloseTo(0.87696, 4);
  });
  it('stays inside [0, 1] at 0 and n', () => {
    expect(wilsonInterval(0, 5)[0]).toBe(0);
    expect(wilsonInterval(5, 5)[1]).toBe(1);
  });
});

describe('compareProportions (Newcombe hybrid score, method 10)', () => {
  it("reproduces Newcombe's (1998) examples (a) 56/70 − 48/80 and (b) 9/10 − 3/10", () => {
    const a = compareProportions({ customers: 70, reactivated: 56 }, { customers: 80, reactivated: 48 });
    expect(a?.difference).toBeCloseTo(0.2, 10);
    expect(a?.ci95_low).toBeCloseTo(0.0524, 4);
    expect(a?.ci95_high).toBeCloseTo(0.3339, 4);
    expect(a?.is_significant).toBe(true);
    const b = compareProportions({ customers: 10, reactivated: 9 }, { customers: 10, reactivated: 3 });
    expect(b?.ci95_low).toBeCloseTo(0.1705, 4);
    expect(b?.ci95_high).toBeCloseTo(0.809, 4);
  });

  it('calls a 15 % vs 9 % difference on 200 each not significant (the interval crosses 0)', () => {
    const c = compareProportions({ customers: 200, reactivated: 30 }, { customers: 200, reactivated: 18 });
    expect(c?.ci95_low).toBeCloseTo(-0.00418, 4);
    expect(c?.ci95_high).toBeCloseTo(0.1247, 4);
    expect(c?.is_significant).toBe(false);
    // z = 0.06 / √(0.12·0.88·(2/200)) = 1.8464 → p = 0.0648
    expect(c?.p_value).toBeCloseTo(0.06484, 4);
  });

  it('has no comparison with an empty group', () => {
    expect(
      compareProportions({ customers: 0, reactivated: 0 }, { customers: 10, reactivated: 1 }),
    ).toBeNull();
  });
});

describe('twoProportionPValue', () => {
  it('matches the pooled z-test by hand', () => {
    // pooled 104/150; z = 0.2 / √(0.69333·0.30667·(1/70 + 1/80)) = 2.6502 → p = 0.00805
    expect(
      twoProportionPValue({ customers: 70, reactivated: 56 }, { customers: 80, reactivated: 48 }),
    ).toBeCloseTo(0.008045, 5);
  });
  it('is undefined when both groups have the same extreme rate', () => {
    expect(
      twoProportionPValue({ customers: 10, reactivated: 0 }, { customers: 10, reactivated: 0 }),
    ).toBeNull();
  });
});

describe('journeyLift', () => {
  it('gives the treated − holdout lift, the incremental reactivations and each variant against the first', () => {
    const lift = journeyLift({
      journeyId: 'winback-basic',
      treated: { customers: 70, reactivated: 56 },
      holdout: { customers: 80, reactivated: 48 },
      variants: [
        { variant: 'b', customers: 10, reactivated: 9 },
        { variant: 'a', customers: 10, reactivated: 3 },
      ],
    });
    expect(lift.treated.rate).toBeCloseTo(0.8, 10);
    expect(lift.holdout.rate).toBeCloseTo(0.6, 10);
    expect(lift.incremental_reactivations).toBeCloseTo(14, 10);
    expect(lift.variants.map((v) => v.variant)).toEqual(['a', 'b']);
    expect(lift.variant_comparisons).toHaveLength(1);
    expect(lift.variant_comparisons[0]).toMatchObject({ variant: 'b', against: 'a', is_significant: true });
    expect(lift.variant_comparisons[0]?.ci95_low).toBeCloseTo(0.1705, 4);
  });

  it('has no lift without held-out customers', () => {
    const lift = journeyLift({
      journeyId: 'j',
      treated: { customers: 5, reactivated: 1 },
      holdout: { customers: 0, reactivated: 0 },
      variants: [],
    });
    expect(lift.lift).toBeNull();
    expect(lift.holdout.rate).toBeNull();
    expect(lift.incremental_reactivations).toBeNull();
  });
});
