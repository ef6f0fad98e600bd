import { describe, expect, it } from 'vitest';
import { addDays } from '../detect/isoDays.js';
import {
  aucScore,
  calibrationReport,
  fallbackReactivation,
  fitLogisticIrls,
  predictReactivation,
  type ReactivationEpisode,
  reactivationFeatures,
  trainReactivationModel,
} from './reactivationModel.js';

/** mulberry32: a small seeded generator, so every run sees the same histories. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const TRUE_MODEL = { intercept: -1, recency: 1.5, spend: -2 };
const trueProbability = (recency: number, spend: number) =>
  1 / (1 + Math.exp(-(TRUE_MODEL.intercept + TRUE_MODEL.recency * recency + TRUE_MODEL.spend * spend)));

/** Episodes drawn from the known model, one a day, with a noise feature and some missing values. */
function history(n: number, seed: number): ReactivationEpisode[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const recency = normal(random);
    const spend = random();
    const label = random() < trueProbability(recency, spend) ? 1 : 0;
    return {
      day: addDays('2020-01-01', i),
      label,
      features: { recency, spend, noise: i % 17 === 0 ? null : normal(random) },
    } as ReactivationEpisode;
  });
}

describe('fitLogisticIrls', () => {
  it('recovers the coefficients of the generating model with a tiny penalty', () => {
    const episodes = history(20_000, 7);
    const rows = episodes.map((e) => [1, e.features.recency as number, e.features.spend as number]);
    const fit = fitLogisticIrls(
      rows,
      episodes.map((e) => e.label),
      1e-6,
    );
    expect(fit.isConverged).toBe(true);
    expect(fit.coefficients[0]).toBeCloseTo(TRUE_MODEL.intercept, 0);
    expect(Math.abs((fit.coefficients[1] as number) - TRUE_MODEL.recency)).toBeLessThan(0.1);
    expect(Math.abs((fit.coefficients[2] as number) - TRUE_MODEL.spend)).toBeLessThan(0.2);
  });

  it('stays finite on perfectly separable data thanks to the penalty', () => {
    const rows = [-3, -2, -1, 1, 2, 3].map((x) => [1, x]);
    const fit = fitLogisticIrls(rows, [0, 0, 0, 1, 1, 1], 1);
    expect(fit.isConverged).toBe(true);
    expect(Number.isFinite(fit.coefficients[1])).toBe(true);
    expect(fit.coefficients[1]).toBeGreaterThan(0);
  });
});

describe('trainReactivationModel', () => {
  it('ranks and calibrates well on a history from a known model', () => {
    const trained = trainReactivationModel(history(4000, 42));
    expect(trained.ok).toBe(true);
    if (!trained.ok) return;
    const { evaluation, model } = trained;
    expect(evaluation.auc).toBeGreaterThan(0.75);
    expect(evaluation.calibrationError).toBeLessThan(0.05);
    expect(evaluation.brier).toBeLessThan(0.2);
    expect(evaluation.testSize).toBe(1000);
    expect(model.featureNames).toEqual(['noise', 'recency', 'spend']);
    const noise = model.coefficients[1] as number;
    const recency = model.coefficients[2] as number;
    expect(Math.abs(noise)).toBeLessThan(0.15);
    expect(recency).toBeGreaterThan(1);
  });

  it('tests on the newest episodes only', () => {
    const episodes = history(1000, 3);
    const trained = trainReactivationModel([...episodes].reverse());
    expect(trained.ok).toBe(true);
    if (!trained.ok) return;
    expect(trained.evaluation.testFromDay).toBe(episodes[750]?.day);
  });

  it('calibrates with Platt scaling on a held-out slice when asked', () => {
    const trained = trainReactivationModel(history(4000, 11), { calibration: 'platt' });
    expect(trained.ok).toBe(true);
    if (!trained.ok) return;
    expect(trained.model.platt).not.toBeNull();
    expect(trained.evaluation.calibrationSize).toBe(600);
    expect(trained.evaluation.calibrationError).toBeLessThan(0.06);
    expect(trained.model.platt?.a).toBeGreaterThan(0.7);
  });

  it('predicts close to the true probability', () => {
    const trained = trainReactivationModel(history(8000, 5), { lambda: 0.1 });
    if (!trained.ok) throw new Error(trained.reason);
    for (const [recency, spend] of [
      [0, 0.5],
      [1.5, 0.1],
      [-1, 0.9],
    ] as const) {
      const p = predictReactivation(trained.model, { recency, spend, noise: null });
      expect(Math.abs(p - trueProbability(recency, spend))).toBeLessThan(0.05);
    }
  });

  it('refuses with a reason when there is too little history', () => {
    const result = trainReactivationModel(history(50, 1));
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/have 50 \(\d+ comebacks, \d+ not\)/),
    });
    const oneClass = history(500, 1).map((e) => ({ ...e, label: 0 as const }));
    expect(trainReactivationModel(oneClass).ok).toBe(false);
  });
});

describe('metrics', () => {
  it('computes AUC 1 for a perfect ranking, 0.5 for ties and NaN without both classes', () => {
    expect(aucScore([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(aucScore([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(aucScore([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(aucScore([0.1, 0.2], [1, 1])).toBeNaN();
  });

  it('reports Brier score and a calibration error of zero for perfectly calibrated bins', () => {
    const report = calibrationReport([0.25, 0.25, 0.25, 0.25], [1, 0, 0, 0]);
    expect(report.brier).toBeCloseTo(0.1875, 10);
    expect(report.calibrationError).toBeCloseTo(0, 10);
    expect(report.reliability[2]).toMatchObject({ count: 4, meanPredicted: 0.25, observedRate: 0.25 });
  });
});

describe('fallbackReactivation', () => {
  it('uses the seed rank rate as prior and says it is a fallback', () => {
    expect(fallbackReactivation({ rank: 'A', pAlive: null })).toMatchObject({
      probability: 0.4,
      source: 'fallback',
    });
    const b = fallbackReactivation({ rank: 'B', pAlive: 0.4 });
    expect(b.probability).toBeCloseTo(0.225, 10);
    expect(b.explanation).toMatch(/^no reactivation history to learn from: seed rank B rate 25 %/);
  });

  it('moves between half and one and a half times the prior with P(alive)', () => {
    expect(fallbackReactivation({ rank: 'D', pAlive: 0 }).probability).toBeCloseTo(0.025, 10);
    expect(fallbackReactivation({ rank: 'D', pAlive: 1 }).probability).toBeCloseTo(0.075, 10);
    expect(fallbackReactivation({ rank: null, pAlive: 0.5 }).probability).toBeCloseTo(0.1, 10);
  });
});

describe('reactivationFeatures', () => {
  it('puts counts and amounts on a log scale and keeps missing values null', () => {
    const features = reactivationFeatures({
      days_since_last_purchase: 0,
      total_spend_yen: null,
      p_alive: 0.3,
    });
    expect(features.log_days_since_last_purchase).toBe(0);
    expect(features.log_total_spend_yen).toBeNull();
    expect(features.p_alive).toBe(0.3);
  });
});
