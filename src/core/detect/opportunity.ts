/**
 * The opportunity-loss estimate of SPEC "Measure": dormant customers × their average yearly
 * value × a plausible reactivation rate. The default rate is seed 000's worked example
 * (1,000 dormant customers × ¥100,000 × 10 % reactivated = ¥10 M); the seed's rank-wise rates
 * (A 40 %, B 25 %, C 15 %, D 5 %) replace it once customers are ranked.
 */
export const DEFAULT_REACTIVATION_RATE = 0.1;

export interface OpportunityEstimate {
  dormantCustomers: number;
  averageYearlyValueYen: number;
  reactivationRate: number;
  estimatedYen: number;
  assumptions: string;
}

/**
 * @example opportunityEstimate([100_000, 100_000]) → { estimatedYen: 20_000, … }
 */
export function opportunityEstimate(
  yearlyValuesYen: readonly number[],
  reactivationRate: number = DEFAULT_REACTIVATION_RATE,
): OpportunityEstimate {
  const n = yearlyValuesYen.length;
  const total = yearlyValuesYen.reduce((s, v) => s + Math.max(v, 0), 0);
  const average = n === 0 ? 0 : total / n;
  return {
    dormantCustomers: n,
    averageYearlyValueYen: Math.round(average),
    reactivationRate,
    estimatedYen: Math.round(n * average * reactivationRate),
    assumptions:
      `dormant (early, mid, long) customers × their average yearly spend before going quiet × ` +
      `${Math.round(reactivationRate * 100)} % reactivated (seed 000 example rate; rank-wise rates once ranked)`,
  };
}
