/**
 * Holdout validation of a BG/NBD fit, as Fader, Hardie & Lee (2005, §7, Figures 3–4) validate it
 * on CDNOW: the aggregate cumulative forecast against actual repeat purchases, and per-customer
 * conditional expectations (eq. 10) against what each customer then bought.
 */
import { type BgnbdParams, expectedPurchases, expectedPurchasesUnconditional } from './bgnbd.js';
import type { CustomerPeriods } from './calibrationHoldout.js';

export interface FrequencyGroup {
  /** Calibration repeat purchases x; the last group collects x ≥ `from`. */
  from: number;
  customers: number;
  /** Mean actual holdout purchases of the group. */
  actual: number;
  /** Mean conditional expectation E[Y(t) | x, t_x, T]. */
  predicted: number;
}

export interface HoldoutComparison {
  customers: number;
  holdoutLength: number;
  /** Σ E[Y(t) | x, t_x, T] over customers. */
  predictedHoldout: number;
  actualHoldout: number;
  /** Cumulative repeat purchases to the end of the holdout: Σ E[X(T + t)] (eq. 9) vs Σ x + holdout. */
  predictedCumulative: number;
  actualCumulative: number;
  /** Pearson correlation of conditional expectations with actual holdout purchases. */
  correlation: number;
  byFrequency: FrequencyGroup[];
}

/**
 * Compares a fit with the holdout. `customers` carry calibration (x, t_x, T) and holdout counts;
 * `holdoutLength` is in the model's time unit.
 *
 * @example
 * compareWithHoldout(fit.params, splitCalibrationHoldout(purchases, options), 39).correlation; // CDNOW: ≈ 0.626
 */
export function compareWithHoldout(
  params: BgnbdParams,
  customers: readonly CustomerPeriods[],
  holdoutLength: number,
  groupUpTo = 7,
): HoldoutComparison {
  const predicted = customers.map((c) =>
    expectedPurchases(params, holdoutLength, c.frequency, c.recency, c.T),
  );
  const actual = customers.map((c) => c.holdoutPurchases);
  let predictedCumulative = 0;
  let calibrationPurchases = 0;
  for (const c of customers) {
    predictedCumulative += expectedPurchasesUnconditional(params, c.T + holdoutLength);
    calibrationPurchases += c.frequency;
  }
  const groups = Array.from({ length: groupUpTo + 1 }, (_, from) => ({
    from,
    n: 0,
    actual: 0,
    predicted: 0,
  }));
  customers.forEach((c, i) => {
    const group = groups[Math.min(c.frequency, groupUpTo)];
    if (group === undefined) return;
    group.n++;
    group.actual += actual[i] ?? 0;
    group.predicted += predicted[i] ?? 0;
  });
  const actualHoldout = sum(actual);
  return {
    customers: customers.length,
    holdoutLength,
    predictedHoldout: sum(predicted),
    actualHoldout,
    predictedCumulative,
    actualCumulative: calibrationPurchases + actualHoldout,
    correlation: pearson(predicted, actual),
    byFrequency: groups
      .filter((g) => g.n > 0)
      .map((g) => ({ from: g.from, customers: g.n, actual: g.actual / g.n, predicted: g.predicted / g.n })),
  };
}

function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

function pearson(u: readonly number[], v: readonly number[]): number {
  const n = u.length;
  const mu = sum(u) / n;
  const mv = sum(v) / n;
  let suv = 0;
  let suu = 0;
  let svv = 0;
  for (let i = 0; i < n; i++) {
    const du = (u[i] ?? 0) - mu;
    const dv = (v[i] ?? 0) - mv;
    suv += du * dv;
    suu += du * du;
    svv += dv * dv;
  }
  return suv / Math.sqrt(suu * svv);
}
