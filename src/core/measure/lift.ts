/**
 * Incremental lift: did the journey win back customers who would not have come back anyway?
 * A journey's `holdout` step keeps a random share of its entrants out (by a hash, so the groups
 * are comparable); the lift is the treated customers' reactivation rate minus the held-out
 * customers', with a 95 % confidence interval. A/B variants of a `split` step are compared the
 * same way, each against the first variant.
 *
 * Method:
 * - the interval of the difference of two independent proportions is Newcombe's hybrid score
 *   interval (Newcombe 1998, "Interval estimation for the difference between independent
 *   proportions", Statistics in Medicine 17:873–890, method 10), built from the two Wilson score
 *   intervals; it stays inside [−1, 1] and behaves with small groups and rates near 0, where the
 *   plain normal (Wald) interval does not. The lift is **significant** when the interval excludes 0.
 * - the p-value is the two-sided two-proportion z-test with the pooled rate (reported beside the
 *   interval; at the 5 % boundary the two can disagree, and the interval decides).
 */

/** The 97.5 % quantile of the standard normal distribution (a two-sided 95 % interval). */
export const Z_95 = 1.959963984540054;

export interface ProportionCounts {
  customers: number;
  reactivated: number;
}

export interface ProportionDifference {
  /** Rate of the first group minus rate of the second. */
  difference: number;
  ci95_low: number;
  ci95_high: number;
  p_value: number | null;
  is_significant: boolean;
}

/**
 * Wilson's score interval of a proportion x/n (Wilson 1927).
 *
 * @example wilsonInterval(56, 70) // → [0.6918…, 0.8770…]
 */
export function wilsonInterval(successes: number, trials: number, z = Z_95): [number, number] {
  if (trials <= 0) return [0, 1];
  const p = successes / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const half = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  const denominator = 1 + z2 / trials;
  return [Math.max(0, (centre - half) / denominator), Math.min(1, (centre + half) / denominator)];
}

/**
 * erfc(x) for x ≥ 0 (Numerical Recipes' Chebyshev fit, relative error below 1.2 × 10⁻⁷), enough
 * for a p-value shown to three digits.
 */
function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -x * x -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(poly);
}

/**
 * Two-sided p-value of the pooled two-proportion z-test; null when it is undefined (a group is
 * empty, or both rates are 0 or both 1).
 *
 * @example twoProportionPValue({ customers: 70, reactivated: 56 }, { customers: 80, reactivated: 48 }) // → 0.00805
 */
export function twoProportionPValue(a: ProportionCounts, b: ProportionCounts): number | null {
  if (a.customers <= 0 || b.customers <= 0) return null;
  const pooled = (a.reactivated + b.reactivated) / (a.customers + b.customers);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.customers + 1 / b.customers));
  if (se === 0) return null;
  const z = (a.reactivated / a.customers - b.reactivated / b.customers) / se;
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

/**
 * Rate of a minus rate of b with Newcombe's hybrid score 95 % interval and the z-test p-value;
 * null when either group is empty.
 *
 * @example compareProportions({ customers: 70, reactivated: 56 }, { customers: 80, reactivated: 48 })
 * // → { difference: 0.2, ci95_low: 0.0524, ci95_high: 0.3339, p_value: 0.00805, is_significant: true }
 */
export function compareProportions(a: ProportionCounts, b: ProportionCounts): ProportionDifference | null {
  if (a.customers <= 0 || b.customers <= 0) return null;
  const p1 = a.reactivated / a.customers;
  const p2 = b.reactivated / b.customers;
  const [l1, u1] = wilsonInterval(a.reactivated, a.customers);
  const [l2, u2] = wilsonInterval(b.reactivated, b.customers);
  const difference = p1 - p2;
  const low = difference - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2);
  const high = difference + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2);
  return {
    difference,
    ci95_low: low,
    ci95_high: high,
    p_value: twoProportionPValue(a, b),
    is_significant: low > 0 || high < 0,
  };
}

export interface GroupRate extends ProportionCounts {
  rate: number | null;
}

export interface VariantCounts extends ProportionCounts {
  variant: string;
}

export interface VariantComparison extends ProportionDifference {
  variant: string;
  against: string;
}

export interface JourneyLift {
  journey_id: string;
  treated: GroupRate;
  holdout: GroupRate;
  /** Treated minus held out; null without customers on both sides. */
  lift: ProportionDifference | null;
  /** Reactivations the journey added: treated customers × the lift (not below 0). */
  incremental_reactivations: number | null;
  variants: (GroupRate & { variant: string })[];
  /** Every other variant against the first one (in name order). */
  variant_comparisons: VariantComparison[];
}

const rateOf = (c: ProportionCounts): GroupRate => ({
  customers: c.customers,
  reactivated: c.reactivated,
  rate: c.customers > 0 ? c.reactivated / c.customers : null,
});

/**
 * One journey's lift against its holdout and its variants compared.
 *
 * @example journeyLift({ journeyId: 'winback-basic', treated: { customers: 200, reactivated: 30 },
 *   holdout: { customers: 200, reactivated: 18 }, variants: [] })
 * // → lift.difference 0.06, ci95 −0.0042 … 0.1247: not significant
 */
export function journeyLift(input: {
  journeyId: string;
  treated: ProportionCounts;
  holdout: ProportionCounts;
  variants: readonly VariantCounts[];
}): JourneyLift {
  const lift = compareProportions(input.treated, input.holdout);
  const variants = [...input.variants].sort((a, b) =>
    a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0,
  );
  const base = variants[0];
  const comparisons: VariantComparison[] = [];
  if (base) {
    for (const v of variants.slice(1)) {
      const c = compareProportions(v, base);
      if (c) comparisons.push({ variant: v.variant, against: base.variant, ...c });
    }
  }
  return {
    journey_id: input.journeyId,
    treated: rateOf(input.treated),
    holdout: rateOf(input.holdout),
    lift,
    incremental_reactivations: lift ? Math.max(0, lift.difference * input.treated.customers) : null,
    variants: variants.map((v) => ({ variant: v.variant, ...rateOf(v) })),
    variant_comparisons: comparisons,
  };
}
