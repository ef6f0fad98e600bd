/**
 * Data-driven reactivation probability (SPEC "Prioritise"): an L2-regularised logistic regression
 * fitted by Newton's method (IRLS) on past dormant episodes — the features a customer had when
 * going dormant and whether they bought again within N days — evaluated on a time-based split
 * (train on the older episodes, test on the newer ones: the model is always used on the future).
 *
 * Features are standardised on the training data, so one penalty λ treats them alike; the
 * intercept is not penalised. A missing value (NaN/null) is replaced by the training mean.
 *
 * Without enough history there is a documented fallback: the seed's reactivation rate of the
 * customer's rank as prior, scaled by P(alive) (`fallbackReactivation`).
 */
import type { FeatureValues } from '../detect/featureNames.js';
import { type Rank, SEED_RANK_REACTIVATION_RATES } from './defaults.js';

export interface ReactivationEpisode {
  features: Readonly<Record<string, number | null>>;
  /** 1 when the customer bought again within the horizon, else 0. */
  label: 0 | 1;
  /** The day the episode started (the customer went dormant); orders the time split. */
  day: string;
}

export interface LogisticModel {
  featureNames: string[];
  means: number[];
  scales: number[];
  /** Intercept first, then one coefficient per standardised feature. */
  coefficients: number[];
  lambda: number;
  iterations: number;
  isConverged: boolean;
  /** Platt scaling on the logit: p = σ(a · logit + b), fitted on a held-out calibration slice. */
  platt: { a: number; b: number } | null;
}

export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

export interface ModelEvaluation {
  auc: number;
  brier: number;
  /** Expected calibration error: bin-weighted |mean predicted − observed rate|. */
  calibrationError: number;
  reliability: ReliabilityBin[];
  trainSize: number;
  calibrationSize: number;
  testSize: number;
  /** The first day of the test episodes. */
  testFromDay: string;
  baseRate: number;
}

export interface TrainOptions {
  lambda?: number;
  /** Share of the newest episodes kept for testing. */
  testFraction?: number;
  /** 'platt' keeps a further 15 % slice (just before the test slice) to calibrate on. */
  calibration?: 'none' | 'platt';
  minEpisodes?: number;
  minPerClass?: number;
  maxIterations?: number;
}

export type TrainResult =
  | { ok: true; model: LogisticModel; evaluation: ModelEvaluation }
  | { ok: false; reason: string };

export const DEFAULT_LAMBDA = 1;
export const MIN_EPISODES = 200;
export const MIN_PER_CLASS = 20;
const PLATT_FRACTION = 0.15;
const RELIABILITY_BINS = 10;

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Solves A x = b for a symmetric positive-definite A (Cholesky). */
function solveSpd(a: number[][], b: number[]): number[] {
  const n = b.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const li = l[i] as number[];
    for (let j = 0; j <= i; j++) {
      const lj = l[j] as number[];
      let sum = (a[i] as number[])[j] as number;
      for (let k = 0; k < j; k++) sum -= (li[k] as number) * (lj[k] as number);
      if (i === j) li[j] = Math.sqrt(Math.max(sum, 1e-12));
      else li[j] = sum / (lj[j] as number);
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i] as number;
    for (let k = 0; k < i; k++) sum -= ((l[i] as number[])[k] as number) * (y[k] as number);
    y[i] = sum / ((l[i] as number[])[i] as number);
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i] as number;
    for (let k = i + 1; k < n; k++) sum -= ((l[k] as number[])[i] as number) * (x[k] as number);
    x[i] = sum / ((l[i] as number[])[i] as number);
  }
  return x;
}

/**
 * Newton/IRLS for L2-regularised logistic regression on rows that already carry a leading 1
 * (the intercept, not penalised). Minimises −log L + λ/2 · Σ w_j² (j ≥ 1).
 */
export function fitLogisticIrls(
  rows: readonly number[][],
  labels: readonly number[],
  lambda: number,
  maxIterations = 50,
): { coefficients: number[]; iterations: number; isConverged: boolean } {
  const d = rows[0]?.length ?? 1;
  let w = new Array<number>(d).fill(0);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const gradient = w.map((wj, j) => (j === 0 ? 0 : -lambda * wj));
    const hessian = Array.from({ length: d }, (_, i) =>
      Array.from({ length: d }, (_, j) => (i === j && i > 0 ? lambda : 0)),
    );
    for (let r = 0; r < rows.length; r++) {
      const x = rows[r] as number[];
      let z = 0;
      for (let j = 0; j < d; j++) z += (w[j] as number) * (x[j] as number);
      const p = sigmoid(z);
      const residual = (labels[r] as number) - p;
      const weight = Math.max(p * (1 - p), 1e-10);
      for (let i = 0; i < d; i++) {
        const xi = x[i] as number;
        gradient[i] = (gradient[i] as number) + residual * xi;
        const hi = hessian[i] as number[];
        for (let j = 0; j <= i; j++) hi[j] = (hi[j] as number) + weight * xi * (x[j] as number);
      }
    }
    for (let i = 0; i < d; i++)
      for (let j = i + 1; j < d; j++) (hessian[i] as number[])[j] = (hessian[j] as number[])[i] as number;
    const step = solveSpd(hessian, gradient);
    w = w.map((wj, j) => wj + (step[j] as number));
    if (Math.max(...step.map(Math.abs)) < 1e-8)
      return { coefficients: w, iterations: iteration, isConverged: true };
  }
  return { coefficients: w, iterations: maxIterations, isConverged: false };
}

/** Area under the ROC curve by the rank-sum (Mann–Whitney) formula; ties get average ranks. */
export function aucScore(predictions: readonly number[], labels: readonly number[]): number {
  const order = predictions.map((p, i) => ({ p, y: labels[i] as number })).sort((a, b) => a.p - b.p);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && (order[j] as { p: number }).p === (order[i] as { p: number }).p) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if ((order[k] as { y: number }).y === 1) {
        positives++;
        rankSum += averageRank;
      }
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Brier score, reliability bins of equal width and the expected calibration error. */
export function calibrationReport(
  predictions: readonly number[],
  labels: readonly number[],
  bins = RELIABILITY_BINS,
): { brier: number; calibrationError: number; reliability: ReliabilityBin[] } {
  const n = predictions.length;
  const sums = Array.from({ length: bins }, () => ({ count: 0, predicted: 0, observed: 0 }));
  let brier = 0;
  for (let i = 0; i < n; i++) {
    const p = predictions[i] as number;
    const y = labels[i] as number;
    brier += (p - y) ** 2;
    const bin = sums[Math.min(bins - 1, Math.floor(p * bins))] as {
      count: number;
      predicted: number;
      observed: number;
    };
    bin.count++;
    bin.predicted += p;
    bin.observed += y;
  }
  const reliability = sums.map((s, i) => ({
    lower: i / bins,
    upper: (i + 1) / bins,
    count: s.count,
    meanPredicted: s.count === 0 ? 0 : s.predicted / s.count,
    observedRate: s.count === 0 ? 0 : s.observed / s.count,
  }));
  const calibrationError =
    n === 0
      ? 0
      : reliability.reduce((sum, b) => sum + (b.count / n) * Math.abs(b.meanPredicted - b.observedRate), 0);
  return { brier: n === 0 ? 0 : brier / n, calibrationError, reliability };
}

function standardiser(episodes: readonly ReactivationEpisode[], names: readonly string[]) {
  const means = names.map((name) => {
    const values = episodes
      .map((e) => e.features[name])
      .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    return values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length;
  });
  const scales = names.map((name, j) => {
    const values = episodes
      .map((e) => e.features[name])
      .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    const mean = means[j] as number;
    const variance =
      values.length < 2 ? 0 : values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
    return variance > 0 ? Math.sqrt(variance) : 1;
  });
  return { means, scales };
}

function designRow(
  model: Pick<LogisticModel, 'featureNames' | 'means' | 'scales'>,
  features: Readonly<Record<string, number | null>>,
): number[] {
  return [
    1,
    ...model.featureNames.map((name, j) => {
      const v = features[name];
      return typeof v === 'number' && Number.isFinite(v)
        ? (v - (model.means[j] as number)) / (model.scales[j] as number)
        : 0;
    }),
  ];
}

function rawLogit(model: LogisticModel, features: Readonly<Record<string, number | null>>): number {
  const x = designRow(model, features);
  return x.reduce((z, xj, j) => z + xj * (model.coefficients[j] as number), 0);
}

/**
 * The probability that a dormant customer with these features buys again within the horizon.
 *
 * @example predictReactivation(model, { log_days_since_last_purchase: 5.9, p_alive: 0.4 }) // 0.18
 */
export function predictReactivation(
  model: LogisticModel,
  features: Readonly<Record<string, number | null>>,
): number {
  const z = rawLogit(model, features);
  return model.platt === null ? sigmoid(z) : sigmoid(model.platt.a * z + model.platt.b);
}

/**
 * Fits and evaluates the model on past episodes, oldest for training and newest for testing.
 * Too little history (or too few comebacks) is an expected outcome, returned as `ok: false`.
 *
 * @example
 * const trained = trainReactivationModel(episodes, { lambda: 1 });
 * if (trained.ok) console.log(trained.evaluation.auc, trained.evaluation.calibrationError);
 */
export function trainReactivationModel(
  episodes: readonly ReactivationEpisode[],
  options: TrainOptions = {},
): TrainResult {
  const lambda = options.lambda ?? DEFAULT_LAMBDA;
  const testFraction = options.testFraction ?? 0.25;
  const minEpisodes = options.minEpisodes ?? MIN_EPISODES;
  const minPerClass = options.minPerClass ?? MIN_PER_CLASS;
  const positives = episodes.filter((e) => e.label === 1).length;
  const negatives = episodes.length - positives;
  if (episodes.length < minEpisodes || positives < minPerClass || negatives < minPerClass) {
    return {
      ok: false,
      reason: `need at least ${minEpisodes} past dormant episodes with ${minPerClass} comebacks and ${minPerClass} non-comebacks; have ${episodes.length} (${positives} comebacks, ${negatives} not)`,
    };
  }
  const sorted = [...episodes].sort((a, b) => a.day.localeCompare(b.day));
  const testSize = Math.max(1, Math.round(sorted.length * testFraction));
  const calibrationSize =
    options.calibration === 'platt' ? Math.max(1, Math.round(sorted.length * PLATT_FRACTION)) : 0;
  const trainEnd = sorted.length - testSize - calibrationSize;
  const train = sorted.slice(0, trainEnd);
  const calibrationSlice = sorted.slice(trainEnd, trainEnd + calibrationSize);
  const test = sorted.slice(trainEnd + calibrationSize);
  const featureNames = [...new Set(episodes.flatMap((e) => Object.keys(e.features)))].sort();
  const { means, scales } = standardiser(train, featureNames);
  const shape = { featureNames, means, scales };
  const fit = fitLogisticIrls(
    train.map((e) => designRow(shape, e.features)),
    train.map((e) => e.label),
    lambda,
    options.maxIterations,
  );
  const model: LogisticModel = {
    ...shape,
    coefficients: fit.coefficients,
    lambda,
    iterations: fit.iterations,
    isConverged: fit.isConverged,
    platt: null,
  };
  if (calibrationSlice.length > 0) {
    const platt = fitLogisticIrls(
      calibrationSlice.map((e) => [1, rawLogit(model, e.features)]),
      calibrationSlice.map((e) => e.label),
      1e-6,
    );
    model.platt = { a: platt.coefficients[1] as number, b: platt.coefficients[0] as number };
  }
  const predictions = test.map((e) => predictReactivation(model, e.features));
  const labels = test.map((e) => e.label);
  const report = calibrationReport(predictions, labels);
  return {
    ok: true,
    model,
    evaluation: {
      auc: aucScore(predictions, labels),
      brier: report.brier,
      calibrationError: report.calibrationError,
      reliability: report.reliability,
      trainSize: train.length,
      calibrationSize: calibrationSlice.length,
      testSize: test.length,
      testFromDay: test[0]?.day ?? '',
      baseRate: positives / episodes.length,
    },
  };
}

/**
 * Model features from a customer's Detect features: skewed counts and amounts on a log scale, a
 * missing value left null (the model imputes the training mean).
 */
export function reactivationFeatures(values: Partial<FeatureValues>): Record<string, number | null> {
  const log1p = (v: number | null | undefined) =>
    v === null || v === undefined ? null : Math.log1p(Math.max(v, 0));
  return {
    log_days_since_last_purchase: log1p(values.days_since_last_purchase),
    log_purchase_days: log1p(values.purchase_days),
    log_total_spend_yen: log1p(values.total_spend_yen),
    log_overdue_ratio: log1p(values.overdue_ratio),
    log_days_since_last_reaction: log1p(values.days_since_last_reaction),
    p_alive: values.p_alive ?? null,
  };
}

export interface ReactivationEstimate {
  probability: number;
  source: 'model' | 'fallback';
  explanation: string;
}

/** The prior when a customer has no rank yet (seed 000's opportunity example: 10 % reactivated). */
export const UNRANKED_PRIOR = 0.1;

/**
 * The fallback when there is no reactivation history to learn from: the seed's reactivation rate
 * of the customer's rank (A 40 %, B 25 %, C 15 %, D 5 %) as prior, scaled by P(alive) with
 * 0.5 as neutral: p = prior × (0.5 + P(alive)), i.e. between half and one and a half times the
 * prior. Without P(alive) the prior alone. It says that it is a fallback.
 *
 * @example fallbackReactivation({ rank: 'B', pAlive: 0.4 }).probability // 0.225
 */
export function fallbackReactivation(
  input: { rank: Rank | null; pAlive: number | null },
  rates: Record<Rank, number> = SEED_RANK_REACTIVATION_RATES,
): ReactivationEstimate {
  const prior = input.rank === null ? UNRANKED_PRIOR : rates[input.rank];
  const priorText =
    input.rank === null
      ? `default rate ${Math.round(prior * 100)} %`
      : `rank ${input.rank} rate ${Math.round(prior * 100)} %`;
  if (input.pAlive === null || !Number.isFinite(input.pAlive)) {
    return {
      probability: prior,
      source: 'fallback',
      explanation: `no reactivation history to learn from: seed ${priorText}, P(alive) unknown`,
    };
  }
  const pAlive = Math.min(Math.max(input.pAlive, 0), 1);
  const probability = Math.min(1, prior * (0.5 + pAlive));
  return {
    probability,
    source: 'fallback',
    explanation: `no reactivation history to learn from: seed ${priorText} × (0.5 + P(alive) ${pAlive.toFixed(2)})`,
  };
}
