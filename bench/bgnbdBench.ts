/**
 * BG/NBD at scale: fit, P(alive) and expected purchases for 1 M synthetic customers (100 k
 * quick), against the Python `lifetimes` 0.11.3 BetaGeoFitter figures in shared/BASELINES.md
 * (measured on this machine kind; Python is not run here). The goal is a fit ≥ 10× faster than
 * lifetimes' 10.3 s on 1 M customers.
 *
 * Synthetic data as BASELINES.md describes it, seeded: λ ~ Gamma(r, α), p ~ Beta(a, b) with the
 * CDNOW estimates; the first purchase on one of 84 days, so T ∈ (27, 39] weeks; repeat purchases
 * a Poisson process with rate λ on (0, T], the customer dropping out with probability p after
 * each one. Times sit on a whole-day grid (t_x rounded to the nearest day, T whole days), in weeks,
 * which is what makes identical (x, t_x, T) rows common.
 */

import {
  type BgnbdParams,
  expectedPurchasesForRows,
  fitBgnbd,
  pAliveForRows,
  type SummaryRow,
  summaryHistogram,
} from '../src/core/detect/bgnbd.js';
import { Rng } from '../src/demo/random.js';
import type { Benchmark, BenchResult } from './index.js';

const TRUE_PARAMS: BgnbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const SEED = 20050401;
const CALIBRATION_DAYS = 273; // 39 weeks
const FIRST_PURCHASE_WINDOW_DAYS = 84; // 12 weeks
const HORIZON_WEEKS = 39;

/** lifetimes 0.11.3 on this machine kind (shared/BASELINES.md), seconds; ranges as midpoints. */
const LIFETIMES = {
  full: { fit: 10.3, fitMerged: 0.95, pAlive: 0.031, expected: 0.45 },
  quick: { fit: 1.3, fitMerged: null, pAlive: 0.0015, expected: 0.042 },
} as const;

/** One synthetic customer per row, seeded. */
export function generateBgnbdCustomers(count: number, params: BgnbdParams, seed: number): SummaryRow[] {
  const rng = new Rng(seed);
  const rows: SummaryRow[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const lambda = rng.gamma(params.r, 1 / params.alpha); // per week
    const g1 = rng.gamma(params.a, 1);
    const g2 = rng.gamma(params.b, 1);
    const dropOut = g1 / (g1 + g2);
    const tDays = CALIBRATION_DAYS - rng.int(0, FIRST_PURCHASE_WINDOW_DAYS - 1);
    const T = tDays / 7;
    let t = 0;
    let x = 0;
    let last = 0;
    if (lambda > 0) {
      for (;;) {
        t += -Math.log(1 - rng.next()) / lambda;
        if (t > T) break;
        x++;
        last = t;
        if (rng.next() < dropOut) break;
      }
    }
    // Nearest whole day: rounding up instead would bias r and α upwards by about 1–2 %.
    const lastDay = x === 0 ? 0 : Math.min(tDays, Math.round(last * 7));
    rows[i] = { frequency: x, recency: lastDay / 7, T };
  }
  return rows;
}

function seconds(work: () => void): number {
  const t0 = performance.now();
  work();
  return (performance.now() - t0) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((u, v) => u - v);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function round(v: number, digits = 4): number {
  return Number(v.toPrecision(digits));
}

export const bgnbdBenchmark: Benchmark = {
  name: 'bgnbd',
  description:
    'BG/NBD fit, P(alive), expected purchases on 1 M synthetic customers (100k quick) vs. lifetimes figures',
  async run({ scale, log }): Promise<BenchResult[]> {
    const customers = scale === 'full' ? 1_000_000 : 100_000;
    const baseline = LIFETIMES[scale];
    let rows: SummaryRow[] = [];
    const generateSeconds = seconds(() => {
      rows = generateBgnbdCustomers(customers, TRUE_PARAMS, SEED);
    });
    const zeroShare = rows.filter((r) => r.frequency === 0).length / customers;
    const meanX = rows.reduce((s, r) => s + r.frequency, 0) / customers;
    log(
      `generated ${customers} customers in ${generateSeconds.toFixed(2)} s: ${(100 * zeroShare).toFixed(1)} % with x = 0, mean x ${meanX.toFixed(3)}`,
    );

    let histogram: SummaryRow[] = [];
    const histogramSeconds = median(
      [0, 1, 2].map(() =>
        seconds(() => {
          histogram = summaryHistogram(rows);
        }),
      ),
    );
    let fit = fitBgnbd(histogram);
    const fitSeconds = median(
      [0, 1, 2].map(() =>
        seconds(() => {
          fit = fitBgnbd(histogram);
        }),
      ),
    );
    log(
      `histogram ${histogramSeconds.toFixed(3)} s (${histogram.length} distinct rows), fit ${fitSeconds.toFixed(3)} s in ${fit.iterations} iterations`,
    );
    let rawFit = fit;
    const rawFitSeconds = seconds(() => {
      rawFit = fitBgnbd(rows);
    });
    log(`fit on all ${customers} rows unmerged: ${rawFitSeconds.toFixed(3)} s`);

    const recovery = (Object.keys(TRUE_PARAMS) as (keyof BgnbdParams)[]).map(
      (k) => Math.abs(fit.params[k] - TRUE_PARAMS[k]) / TRUE_PARAMS[k],
    );
    const { params } = fit;
    let sink = 0;
    const pAliveSeconds = median(
      [0, 1, 2].map(() =>
        seconds(() => {
          sink += pAliveForRows(params, rows)[0] ?? 0;
        }),
      ),
    );
    const expectedSeconds = median(
      [0, 1, 2].map(() =>
        seconds(() => {
          sink += expectedPurchasesForRows(params, HORIZON_WEEKS, rows)[0] ?? 0;
        }),
      ),
    );
    const cpu = process.cpuUsage();
    fitBgnbd(summaryHistogram(rows));
    const used = process.cpuUsage(cpu);
    const histogramPlusFitCpuSeconds = (used.user + used.system) / 1e6;
    log(
      `P(alive) for all ${(pAliveSeconds * 1000).toFixed(1)} ms; expected purchases for all ${expectedSeconds.toFixed(3)} s; ` +
        `histogram + fit CPU time ${histogramPlusFitCpuSeconds.toFixed(3)} s (checksum ${sink.toFixed(3)})`,
    );
    const fitTotal = histogramSeconds + fitSeconds;
    return [
      {
        name: `BG/NBD (${customers.toLocaleString('en-US')} synthetic customers, whole-day grid, weeks)`,
        figures: {
          customers,
          distinct_rows: histogram.length,
          share_x_zero: round(zeroShare),
          mean_x: round(meanX),
          histogram_seconds: round(histogramSeconds),
          fit_seconds: round(fitSeconds),
          fit_iterations: fit.iterations,
          histogram_plus_fit_seconds: round(fitTotal),
          fit_unmerged_seconds: round(rawFitSeconds),
          unmerged_minus_merged_log_likelihood: round(rawFit.logLikelihood - fit.logLikelihood, 3),
          r: round(params.r, 6),
          alpha: round(params.alpha, 6),
          a: round(params.a, 6),
          b: round(params.b, 6),
          log_likelihood: round(fit.logLikelihood, 10),
          max_parameter_recovery_error: round(Math.max(...recovery)),
          p_alive_all_seconds: round(pAliveSeconds),
          expected_purchases_all_seconds: round(expectedSeconds),
          histogram_plus_fit_cpu_seconds: round(histogramPlusFitCpuSeconds),
          lifetimes_fit_seconds: baseline.fit,
          speedup_fit_vs_lifetimes: round(baseline.fit / fitTotal, 3),
          speedup_unmerged_fit_vs_lifetimes: round(baseline.fit / rawFitSeconds, 3),
          ...(baseline.fitMerged === null
            ? {}
            : {
                lifetimes_merged_fit_seconds: baseline.fitMerged,
                speedup_fit_vs_lifetimes_merged: round(baseline.fitMerged / fitTotal, 3),
              }),
          speedup_p_alive_vs_lifetimes: round(baseline.pAlive / pAliveSeconds, 3),
          speedup_expected_vs_lifetimes: round(baseline.expected / expectedSeconds, 3),
          peak_rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
        },
        notes:
          'lifetimes figures are from shared/BASELINES.md (same machine kind, not rerun here); ' +
          'fit = histogram + damped Newton on distinct rows; expected purchases over 39 weeks; ' +
          'CPU time is given beside wall time because the 2-core machine is shared.',
      },
    ];
  },
};
