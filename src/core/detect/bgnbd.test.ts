import { describe, expect, it } from 'vitest';
import { readCdnowSummary } from '../../../test/cdnow.js';
import { AppError } from '../errors.js';
import {
  type BgnbdParams,
  bgnbdLogLikelihood,
  digamma,
  expectedPurchases,
  expectedPurchasesForRows,
  expectedPurchasesUnconditional,
  fitBgnbd,
  pAlive,
  pAliveForRows,
  type SummaryRow,
  summaryHistogram,
  summaryRowProblem,
} from './bgnbd.js';
import { hyp2f1 } from './hypergeometric.js';

/** Full-precision MLE on the CDNOW summary (shared/BASELINES.md). */
const CDNOW: BgnbdParams = { r: 0.2425929, alpha: 4.413532, a: 0.792886, b: 2.425752 };
const CDNOW_LOG_LIKELIHOOD = -9582.4256;

function cdnowRows(): SummaryRow[] {
  return readCdnowSummary().map(({ frequency, recency, T }) => ({ frequency, recency, T }));
}

function expectSignificant(got: number, want: number, digits: number): void {
  expect(Math.abs(got - want) / Math.abs(want)).toBeLessThan(0.5 * 10 ** (1 - digits));
}

/** FHL 2005 eq. (6) for one customer, written out with rising factorials (x is small). */
function handLikelihood(p: BgnbdParams, x: number, tx: number, T: number): number {
  let gammaRatio = 1; // Γ(r+x)/Γ(r) = r(r+1)…(r+x−1)
  let stayRatio = 1; // B(a, b+x)/B(a, b) = Π (b+k)/(a+b+k)
  for (let k = 0; k < x; k++) {
    gammaRatio *= p.r + k;
    stayRatio *= (p.b + k) / (p.a + p.b + k);
  }
  // B(a+1, b+x−1)/B(a, b) = a·(b)_(x−1) / (a+b)_x
  let dropRatio = p.a / (p.a + p.b);
  for (let k = 0; k < x - 1; k++) dropRatio *= (p.b + k) / (p.a + p.b + 1 + k);
  const alive = stayRatio * gammaRatio * (p.alpha / (p.alpha + T)) ** p.r * (p.alpha + T) ** -x;
  const dead = x > 0 ? dropRatio * gammaRatio * (p.alpha / (p.alpha + tx)) ** p.r * (p.alpha + tx) ** -x : 0;
  return alive + dead;
}

/** A summary where `repeatBuyers` customers bought again and everyone else did not. */
function aSummary(repeatBuyers: number, others = 50): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (let i = 0; i < repeatBuyers; i++) rows.push({ frequency: 1 + (i % 4), recency: 5 + (i % 20), T: 30 });
  for (let i = 0; i < others; i++) rows.push({ frequency: 0, recency: 0, T: 20 + (i % 15) });
  return rows;
}

describe('BG/NBD on the CDNOW sample (Fader, Hardie & Lee 2005, §7)', () => {
  const rows = cdnowRows();

  it('reproduces the published maximum-likelihood estimates and log-likelihood', () => {
    const fit = fitBgnbd(summaryHistogram(rows));
    expectSignificant(fit.params.r, CDNOW.r, 5);
    expectSignificant(fit.params.alpha, CDNOW.alpha, 5);
    expectSignificant(fit.params.a, CDNOW.a, 5);
    expectSignificant(fit.params.b, CDNOW.b, 5);
    expect(Math.abs(fit.logLikelihood - CDNOW_LOG_LIKELIHOOD)).toBeLessThan(0.01);
    expect(fit.customers).toBe(2357);
  });

  it('fits the histogram of distinct rows exactly as it fits one row per customer', () => {
    const histogram = summaryHistogram(rows);
    expect(histogram.length).toBeLessThan(rows.length / 2);
    const merged = fitBgnbd(histogram);
    const raw = fitBgnbd(rows);
    expect(merged.distinctRows).toBe(histogram.length);
    expect(raw.distinctRows).toBe(rows.length);
    expect(merged.logLikelihood).toBeCloseTo(raw.logLikelihood, 6);
    expectSignificant(merged.params.b, raw.params.b, 7);
  });

  it('evaluates the log-likelihood at the published estimates to −9582.4256', () => {
    expect(bgnbdLogLikelihood(CDNOW, rows)).toBeCloseTo(CDNOW_LOG_LIKELIHOOD, 3);
  });

  it('gives customer 1 (x=2, t_x=30.43, T=38.86) P(alive) 0.72661 and 1.226 purchases in 39 weeks', () => {
    expect(pAlive(CDNOW, 2, 30.43, 38.86)).toBeCloseTo(0.72661, 5);
    expect(expectedPurchases(CDNOW, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
  });
});

describe('bgnbdLogLikelihood', () => {
  const p: BgnbdParams = { r: 0.7, alpha: 3, a: 1.3, b: 2.2 };
  const cases: { description: string; x: number; tx: number; T: number }[] = [
    { description: 'a customer who never bought again', x: 0, tx: 0, T: 10 },
    { description: 'one repeat purchase', x: 1, tx: 4, T: 10 },
    { description: 'three repeat purchases, the last long ago', x: 3, tx: 2.5, T: 12 },
    { description: 'a repeat purchase at the very end', x: 2, tx: 7, T: 7 },
  ];

  it.each(cases)('matches eq. (6) written out by hand for $description', ({ x, tx, T }) => {
    const got = bgnbdLogLikelihood(p, [{ frequency: x, recency: tx, T }]);
    expect(got).toBeCloseTo(Math.log(handLikelihood(p, x, tx, T)), 12);
  });

  it('sums over customers and treats count as that many identical customers', () => {
    const one = cases.map(({ x, tx, T }) => ({ frequency: x, recency: tx, T }));
    const tripled = one.map((row) => ({ ...row, count: 3 }));
    expect(bgnbdLogLikelihood(p, tripled)).toBeCloseTo(3 * bgnbdLogLikelihood(p, one), 10);
    const handSum = cases.reduce((s, c) => s + Math.log(handLikelihood(p, c.x, c.tx, c.T)), 0);
    expect(bgnbdLogLikelihood(p, one)).toBeCloseTo(handSum, 11);
  });

  it('stays finite where the powers of (α+T) alone would underflow', () => {
    const got = bgnbdLogLikelihood({ r: 2, alpha: 1, a: 1, b: 1 }, [
      { frequency: 400, recency: 900, T: 1000 },
    ]);
    expect(Number.isFinite(got)).toBe(true);
  });

  it('is 0 for an empty summary', () => {
    expect(bgnbdLogLikelihood(p, [])).toBe(0);
  });
});

describe('fitBgnbd', () => {
  it('refuses a summary where nobody bought again, saying why', () => {
    const rows = aSummary(0);
    expect(() => fitBgnbd(rows)).toThrowError(/repeat purchase/);
    try {
      fitBgnbd(rows);
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('insufficient_data');
    }
  });

  it('refuses fewer than 10 repeat buyers and an empty summary', () => {
    expect(() => fitBgnbd(aSummary(5))).toThrowError(/Only 5 of 55 customers have a repeat purchase/);
    expect(() => fitBgnbd([])).toThrowError(AppError);
  });

  it('reaches the same maximum from a distant start', () => {
    const rows = cdnowRows().filter((_, i) => i % 8 === 0);
    const fit = fitBgnbd(rows);
    const fromElsewhere = fitBgnbd(rows, { start: { r: 3, alpha: 50, a: 0.2, b: 9 } });
    expect(fit.logLikelihood).toBeCloseTo(fromElsewhere.logLikelihood, 6);
    expectSignificant(fit.params.a, fromElsewhere.params.a, 4);
    expect(fit.customers).toBe(rows.length);
  });

  it('returns the limiting fit when drop-out shows no heterogeneity (a and b grow together)', () => {
    // Every repeat buyer alike: the likelihood keeps rising as Beta(a, b) narrows to one p.
    const fit = fitBgnbd(aSummary(12, 40));
    expect(fit.params.a).toBeGreaterThan(1e3);
    const meanDropOut = fit.params.a / (fit.params.a + fit.params.b);
    expect(meanDropOut).toBeGreaterThan(0.2);
    expect(meanDropOut).toBeLessThan(0.5);
    expect(Number.isFinite(expectedPurchases(fit.params, 10, 2, 10, 30))).toBe(true);
  });

  it('finds the maximum: every small move of a parameter lowers the log-likelihood', () => {
    const rows = cdnowRows();
    const fit = fitBgnbd(rows);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      for (const factor of [0.999, 1.001]) {
        const moved = { ...fit.params, [key]: fit.params[key] * factor };
        expect(bgnbdLogLikelihood(moved, rows)).toBeLessThan(fit.logLikelihood);
      }
    }
  });

  it('names the row and the problem for a row the model cannot take', () => {
    expect(() => fitBgnbd([...aSummary(20), { frequency: 1, recency: 9, T: 8 }])).toThrowError(
      /summary row 71: recency \(t_x\) must not exceed T/,
    );
    expect(summaryRowProblem({ frequency: 1.5, recency: 1, T: 2 })).toMatch(/whole number/);
    expect(summaryRowProblem({ frequency: -1, recency: 0, T: 2 })).toMatch(/whole number/);
    expect(summaryRowProblem({ frequency: 0, recency: 0, T: Number.NaN })).toMatch(/T must be/);
  });
});

describe('summaryHistogram', () => {
  it('merges identical (x, t_x, T) rows, adding their counts', () => {
    const h = summaryHistogram([
      { frequency: 1, recency: 2, T: 5 },
      { frequency: 1, recency: 2, T: 5, count: 4 },
      { frequency: 1, recency: 3, T: 5 },
      { frequency: 0, recency: 0, T: 5 },
    ]);
    expect(h).toEqual([
      { frequency: 1, recency: 2, T: 5, count: 5 },
      { frequency: 1, recency: 3, T: 5, count: 1 },
      { frequency: 0, recency: 0, T: 5, count: 1 },
    ]);
  });

  it('ignores t_x when x = 0, where the model does not use it', () => {
    const h = summaryHistogram([
      { frequency: 0, recency: 0, T: 5 },
      { frequency: 0, recency: 2, T: 5 },
    ]);
    expect(h).toEqual([{ frequency: 0, recency: 0, T: 5, count: 2 }]);
  });

  it('returns nothing for no rows and drops rows of count 0', () => {
    expect(summaryHistogram([])).toEqual([]);
    expect(summaryHistogram([{ frequency: 1, recency: 1, T: 2, count: 0 }])).toEqual([]);
  });
});

describe('pAlive and expected purchases', () => {
  it('treats a customer without a repeat purchase as alive (the BG/NBD convention)', () => {
    expect(pAlive(CDNOW, 0, 0, 38.86)).toBe(1);
    expect(pAlive(CDNOW, 0, 0, 1000)).toBe(1);
  });

  it('rises with recency and falls with the time since the last purchase', () => {
    const byRecency = [5, 15, 25, 35].map((tx) => pAlive(CDNOW, 3, tx, 38));
    for (let i = 1; i < byRecency.length; i++)
      expect(byRecency[i]).toBeGreaterThan(byRecency[i - 1] as number);
    const byAge = [36, 40, 60, 100].map((T) => pAlive(CDNOW, 3, 35, T));
    for (let i = 1; i < byAge.length; i++) expect(byAge[i]).toBeLessThan(byAge[i - 1] as number);
    expect(pAlive(CDNOW, 3, 38, 38)).toBeLessThanOrEqual(1);
  });

  it('expects more purchases over a longer horizon, none over no time', () => {
    expect(expectedPurchases(CDNOW, 0, 2, 30.43, 38.86)).toBe(0);
    const horizon = [1, 10, 39, 100, 1000, 1e6].map((t) => expectedPurchases(CDNOW, t, 2, 30.43, 38.86));
    for (let i = 1; i < horizon.length; i++) expect(horizon[i]).toBeGreaterThan(horizon[i - 1] as number);
    expect(Number.isFinite(horizon.at(-1))).toBe(true);
  });

  it('expects more of a frequent recent buyer than of a lapsed one', () => {
    expect(expectedPurchases(CDNOW, 39, 6, 37, 38)).toBeGreaterThan(expectedPurchases(CDNOW, 39, 6, 10, 38));
    expect(expectedPurchases(CDNOW, 39, 6, 37, 38)).toBeGreaterThan(expectedPurchases(CDNOW, 39, 1, 37, 38));
  });

  it('agrees with eq. (10) evaluated with the untransformed ₂F₁', () => {
    for (const [t, x, tx, T] of [
      [39, 2, 30.43, 38.86],
      [10, 0, 0, 30],
      [52, 7, 20, 39],
      [5, 1, 1, 2],
    ] as const) {
      const { r, alpha, a, b } = CDNOW;
      const z = t / (alpha + T + t);
      const f = hyp2f1(r + x, b + x, a + b + x - 1, z);
      const direct =
        (((a + b + x - 1) / (a - 1)) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * f)) /
        (1 + (x > 0 ? (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x) : 0));
      expect(expectedPurchases(CDNOW, t, x, tx, T)).toBeCloseTo(direct, 11);
    }
  });

  it('is continuous across a = 1, where eq. (10) reads 0/0', () => {
    const at = (a: number) => expectedPurchases({ ...CDNOW, a }, 39, 2, 30.43, 38.86);
    const exact = at(1);
    expect(Number.isFinite(exact)).toBe(true);
    expect(exact).toBeCloseTo((at(0.999) + at(1.001)) / 2, 6);
    // E falls with a; the bridged values keep that order on both sides of 1.
    const around = [0.999, 1 - 5e-5, 1, 1 + 5e-5, 1.001].map(at);
    for (let i = 1; i < around.length; i++) expect(around[i]).toBeLessThan(around[i - 1] as number);
  });

  it('gives the unconditional E[X(t)] (eq. 9) as the conditional one of a brand-new customer', () => {
    const { r, alpha, a, b } = CDNOW;
    for (const t of [1, 39, 78]) {
      const eq9 =
        ((a + b - 1) / (a - 1)) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)));
      expect(expectedPurchasesUnconditional(CDNOW, t)).toBeCloseTo(eq9, 11);
    }
    expect(expectedPurchasesUnconditional(CDNOW, 0)).toBe(0);
  });
});

describe('digamma', () => {
  it('matches known values', () => {
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 14);
    expect(digamma(0.5)).toBeCloseTo(-1.9635100260214235, 14);
    expect(digamma(100)).toBeCloseTo(4.600161852738087, 14);
    expect(Number.isNaN(digamma(0))).toBe(true);
  });
});

/**
 * E[Y(t) | x, t_x, T] straight from the model, without ₂F₁: given alive, p ~ Beta(a, b+x) and
 * λ ~ Gamma(r+x, α+T); a customer with (λ, p) expects (1 − e^(−λpt))/p purchases, and λ
 * integrates out in closed form. The p-integral is done by brute force (Simpson, 200,000
 * steps in logit p), then multiplied by P(alive).
 */
function bruteForceExpectation(p: BgnbdParams, t: number, x: number, tx: number, T: number): number {
  const steps = 200_000;
  const [lo, hi] = [-60, 60];
  const h = (hi - lo) / steps;
  const bx = p.b + x;
  const logDensity = (prob: number) => p.a * Math.log(prob) + bx * Math.log1p(-prob);
  const atMode = logDensity(p.a / (p.a + bx)); // keeps exp() in range for large a and b
  let density = 0;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const y = lo + i * h;
    const prob = 1 / (1 + Math.exp(-y));
    const weight = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
    const f = weight * Math.exp(logDensity(prob) - atMode);
    const g = (1 - (1 + (prob * t) / (p.alpha + T)) ** -(p.r + x)) / prob;
    density += f;
    sum += f * g;
  }
  return (sum / density) * pAlive(p, x, tx, T);
}

describe('expected purchases against a brute-force integral over the drop-out probability', () => {
  const grid: { a: number; b: number }[] = [
    { a: 0.5, b: 2 },
    { a: 0.792886, b: 2.425752 },
    { a: 1.5, b: 3 },
    { a: 3.6, b: 10 },
    { a: 20, b: 40 },
    { a: 300, b: 700 },
    { a: 3000, b: 7000 },
    // past a + b = 10⁴: the two-point rule for a nearly fixed p
    { a: 30_000, b: 70_000 },
  ];
  it.each(grid)('agrees to 1e−7 for a = $a, b = $b over short and very long horizons', ({ a, b }) => {
    const p = { r: 0.5, alpha: 5, a, b };
    for (const [x, tx, T] of [
      [0, 0, 30],
      [2, 29, 30],
      [9, 3, 40],
    ] as const) {
      for (const t of [5, 100, 1e5]) {
        const want = bruteForceExpectation(p, t, x, tx, T);
        const got = expectedPurchases(p, t, x, tx, T);
        // relative 1e−7, or 1e−12 absolute for the tiny expectations of long-lapsed customers
        const error = Math.abs(got - want);
        expect(Math.min(error / want, error * 1e5), `x=${x} t=${t}: ${got} vs ${want}`).toBeLessThan(1e-7);
      }
    }
  });
});

describe('pAliveForRows and expectedPurchasesForRows', () => {
  it('give, row by row, what the scalar functions give', () => {
    const rows = cdnowRows();
    const alive = pAliveForRows(CDNOW, rows);
    const expected = expectedPurchasesForRows(CDNOW, 39, rows);
    expect(alive).toHaveLength(rows.length);
    rows.forEach((row, i) => {
      expect(alive[i]).toBe(pAlive(CDNOW, row.frequency, row.recency, row.T));
      expect(expected[i]).toBeCloseTo(expectedPurchases(CDNOW, 39, row.frequency, row.recency, row.T), 14);
    });
    expect(Array.from(expectedPurchasesForRows(CDNOW, 0, rows.slice(0, 3)))).toEqual([0, 0, 0]);
    expect(expectedPurchasesForRows(CDNOW, 39, [])).toHaveLength(0);
  });
});
