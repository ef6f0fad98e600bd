import { describe, expect, it } from 'vitest';
import { inferReasons } from '../diagnose/index.js';
import { haversineKm, placeDistance, prefectureCapital } from './geography.js';
import {
  competitorUseFromReason,
  DEFAULT_SCORING_CONFIG,
  parseScoringConfig,
  rankOf,
  type ScoreInput,
  scoreCustomer,
  scoreFromPoints,
} from './scoringModel.js';

const TOKYO_BASE = { prefecture: '東京都', lat: 35.681, lng: 139.767 };

/** Data that lands in the bands of seed 000's worked example (8, 6, 7, 4, 9, 5). */
const WORKED_EXAMPLE_DATA: ScoreInput = {
  totalSpendYen: 3_500_000,
  daysSinceLastPurchase: 500,
  reason: { category: 'over_contact', confidence: 1 },
  competitorUse: 'mentioned',
  location: { prefecture: '東京都', lat: 35.7, lng: 139.9 },
  base: TOKYO_BASE,
  emails: { sent: 20, opened: 3, clicked: 0 },
};

describe('scoreFromPoints', () => {
  it("reproduces seed 000's worked example: 137 points of 210, rank B", () => {
    const score = scoreFromPoints({
      past_value: 8,
      dormancy_length: 6,
      reason_solvability: 7,
      competitor_use: 4,
      geographic_proximity: 9,
      digital_responsiveness: 5,
    });
    expect(score.breakdown.map((c) => c.weighted)).toEqual([40, 24, 28, 12, 18, 15]);
    expect(score).toMatchObject({ total: 137, maxTotal: 210, rank: 'B' });
  });

  it('rejects points outside 1–10', () => {
    expect(() =>
      scoreFromPoints({
        past_value: 11,
        dormancy_length: 6,
        reason_solvability: 7,
        competitor_use: 4,
        geographic_proximity: 9,
        digital_responsiveness: 5,
      }),
    ).toThrow(/past_value points as a whole number 1–10, got 11/);
  });
});

describe('rankOf', () => {
  it.each([
    [210, 'A'],
    [170, 'A'],
    [169, 'B'],
    [130, 'B'],
    [129, 'C'],
    [90, 'C'],
    [89, 'D'],
    [21, 'D'],
  ] as const)('ranks %i as %s', (total, rank) => {
    expect(rankOf(total)).toBe(rank);
  });
});

describe('scoreCustomer', () => {
  it("scores data in the worked example's bands to the same 137 → B, with explanations", () => {
    const score = scoreCustomer(WORKED_EXAMPLE_DATA);
    expect(score.breakdown.map((c) => [c.criterion, c.points])).toEqual([
      ['past_value', 8],
      ['dormancy_length', 6],
      ['reason_solvability', 7],
      ['competitor_use', 4],
      ['geographic_proximity', 9],
      ['digital_responsiveness', 5],
    ]);
    expect(score).toMatchObject({ total: 137, rank: 'B' });
    expect(score.breakdown[0]?.explanation).toBe('total spend ¥3,500,000 (band ≥ ¥3,000,000)');
    expect(score.breakdown[1]?.explanation).toBe('500 days since the last purchase (band < 548 days)');
    expect(score.breakdown[4]?.explanation).toMatch(/^≈ 12 km from the base by coordinates/);
  });

  it('gives the top and bottom of every scale', () => {
    const best = scoreCustomer({
      totalSpendYen: 12_000_000,
      daysSinceLastPurchase: 30,
      reason: { category: 'forgotten', confidence: 0.5 },
      isReasonResolved: true,
      competitorUse: 'none',
      location: TOKYO_BASE,
      base: TOKYO_BASE,
      emails: { sent: 10, opened: 9, clicked: 3 },
    });
    expect(best).toMatchObject({ total: 210, rank: 'A' });
    const worst = scoreCustomer({
      totalSpendYen: 5_000,
      daysSinceLastPurchase: 2000,
      reason: { category: 'need_gone', confidence: 1 },
      competitorUse: 'long_contract',
      location: { prefecture: '沖縄県' },
      base: { prefecture: '北海道' },
      emails: { sent: 10, opened: 0 },
    });
    expect(worst.breakdown.map((c) => c.points)).toEqual([1, 1, 2, 1, 1, 1]);
    expect(worst.rank).toBe('D');
  });

  it('scores missing data as neutral rather than worst', () => {
    const score = scoreCustomer({ daysSinceLastPurchase: null });
    expect(score.breakdown.map((c) => c.points)).toEqual([1, 5, 5, 7, 5, 5]);
  });

  it('pulls a weak reason toward the unknown reason points', () => {
    const weak = scoreCustomer({
      daysSinceLastPurchase: 100,
      reason: { category: 'need_gone', confidence: 0.3 },
    });
    const sure = scoreCustomer({
      daysSinceLastPurchase: 100,
      reason: { category: 'need_gone', confidence: 1 },
    });
    expect(weak.breakdown[2]?.points).toBe(4);
    expect(sure.breakdown[2]?.points).toBe(2);
  });

  it('uses the same-prefecture points when only prefectures are known, and capitals otherwise', () => {
    const same = scoreCustomer({
      daysSinceLastPurchase: 1,
      location: { prefecture: '東京' },
      base: { prefecture: '東京都' },
    });
    expect(same.breakdown[4]).toMatchObject({ points: 9, explanation: 'same prefecture (東京)' });
    const osaka = scoreCustomer({
      daysSinceLastPurchase: 1,
      location: { prefecture: '大阪府' },
      base: { prefecture: '東京都' },
    });
    expect(osaka.breakdown[4]?.points).toBe(4);
    const unknown = scoreCustomer({
      daysSinceLastPurchase: 1,
      location: { prefecture: 'Atlantis' },
      base: TOKYO_BASE,
    });
    expect(unknown.breakdown[4]?.points).toBe(5);
  });

  it('follows edited weights and yearly value basis', () => {
    const config = {
      ...DEFAULT_SCORING_CONFIG,
      weights: { ...DEFAULT_SCORING_CONFIG.weights, past_value: 10 },
      past_value: { ...DEFAULT_SCORING_CONFIG.past_value, basis: 'yearly' as const },
    };
    const score = scoreCustomer({ ...WORKED_EXAMPLE_DATA, yearlySpendYen: 600_000 }, config);
    expect(score.breakdown[0]).toMatchObject({ points: 5, weighted: 50 });
    expect(score.maxTotal).toBe(260);
  });
});

describe('parseScoringConfig', () => {
  it('accepts the defaults', () => {
    expect(parseScoringConfig(DEFAULT_SCORING_CONFIG).ok).toBe(true);
  });

  it('names every problem with its path', () => {
    const result = parseScoringConfig({
      ...DEFAULT_SCORING_CONFIG,
      ranks: { A: 100, B: 130, C: 90 },
      dormancy_length: {
        ...DEFAULT_SCORING_CONFIG.dormancy_length,
        bands: [
          { below_days: 200, points: 10 },
          { below_days: 100, points: 12 },
        ],
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.violations.map((v) => v.path);
    expect(paths).toContain('ranks');
    expect(paths).toContain('dormancy_length.bands.1.points');
    expect(paths).toContain('dormancy_length.bands.1');
  });

  it('rejects a config with a reason category missing', () => {
    const { forgotten: _dropped, ...rest } = DEFAULT_SCORING_CONFIG.reason_solvability.by_category;
    const result = parseScoringConfig({
      ...DEFAULT_SCORING_CONFIG,
      reason_solvability: { ...DEFAULT_SCORING_CONFIG.reason_solvability, by_category: rest },
    });
    expect(result.ok).toBe(false);
  });
});

describe('competitorUseFromReason', () => {
  it('reads a strong competitor reason as switched and none as unknown', () => {
    const switched = inferReasons(
      {
        lastPurchaseDay: '2025-01-01',
        texts: [{ type: 'survey_response', day: '2025-03-01', text: '他社に乗り換えました' }],
      },
      '2025-06-01',
    );
    expect(competitorUseFromReason(switched)).toBe('switched');
    expect(competitorUseFromReason(inferReasons({ lastPurchaseDay: '2025-01-01' }, '2025-06-01'))).toBe(
      'unknown',
    );
  });
});

describe('geography', () => {
  it('measures Tokyo to Osaka station at about 403 km', () => {
    expect(haversineKm(35.681, 139.767, 34.702, 135.496)).toBeGreaterThan(395);
    expect(haversineKm(35.681, 139.767, 34.702, 135.496)).toBeLessThan(410);
  });

  it('knows all 47 prefectures with or without their suffix, and full-width input', () => {
    expect(prefectureCapital('北海道')).not.toBeNull();
    expect(prefectureCapital('京都')).toEqual(prefectureCapital('京都府'));
    expect(prefectureCapital('沖縄')).toEqual({ lat: 26.21, lng: 127.68 });
    expect(prefectureCapital('Tokyo')).toBeNull();
  });

  it('uses a capital for the side without coordinates', () => {
    const d = placeDistance({ prefecture: '神奈川県' }, TOKYO_BASE);
    expect(d.basis).toBe('prefecture');
    expect(d.km).toBeGreaterThan(20);
    expect(d.km).toBeLessThan(40);
  });
});
