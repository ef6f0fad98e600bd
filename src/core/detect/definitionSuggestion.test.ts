import { describe, expect, it } from 'vitest';
import { type DayCount, percentileDays, returnRate, suggestDefinition } from './definitionSuggestion.js';
import { checkDefinition, dormancyLevel, PRESETS } from './dormancyDefinition.js';
import { FEATURE_NAMES, type FeatureValues } from './featureNames.js';

function aCustomer(values: Partial<FeatureValues> = {}): FeatureValues {
  const features = Object.fromEntries(FEATURE_NAMES.map((name) => [name, null])) as FeatureValues;
  return { ...features, ...values };
}

/** `count` gaps of each length from `from` to `to` days, one day apart. */
function uniformGaps(from: number, to: number, count = 1): DayCount[] {
  const out: DayCount[] = [];
  for (let days = from; days <= to; days++) out.push({ days, count });
  return out;
}

describe('percentileDays', () => {
  it('gives the smallest length that covers the share of gaps', () => {
    const histogram = [
      { days: 10, count: 9 },
      { days: 94, count: 1 },
    ];
    expect(percentileDays(histogram, 0.9)).toBe(10);
    expect(percentileDays(histogram, 0.91)).toBe(94);
    expect(percentileDays(uniformGaps(1, 100), 0.75)).toBe(75);
  });
});

describe('returnRate', () => {
  it('counts ended gaps at least that long as returns and open silences as not (yet) returned', () => {
    const intervals = [
      { days: 30, count: 50 },
      { days: 300, count: 3 },
    ];
    const silences = [
      { days: 10, count: 20 },
      { days: 400, count: 97 },
    ];
    expect(returnRate(intervals, silences, 300)).toEqual({
      silence_days: 300,
      reached: 100,
      returned: 3,
      share: 0.03,
    });
    expect(returnRate(intervals, silences, 5).reached).toBe(170);
  });
});

describe('suggestDefinition', () => {
  it('falls back to the preset and says why when there are too few repeat purchases', () => {
    const suggestion = suggestDefinition({ intervals: [30, 31, 45], base: 'ec_consumables' });
    expect(suggestion.basis).toBe('preset');
    expect(suggestion.definition).toBe(PRESETS.ec_consumables);
    expect(suggestion.thresholds_days).toBeNull();
    expect(suggestion.reasoning).toHaveLength(1);
    expect(suggestion.reasoning[0]?.en).toMatch(
      /Only 3 repeat purchases .* at least 30 are needed .* 'ec_consumables' definition is suggested unchanged/,
    );
    expect(suggestion.reasoning[0]?.ja).toMatch(/再購入が3件しかなく/);
  });

  it('falls back with no data at all', () => {
    const suggestion = suggestDefinition({ intervals: [] });
    expect(suggestion.basis).toBe('preset');
    expect(suggestion.reasoning[0]?.en).toMatch(/Only 0 repeat purchases/);
    expect(suggestion.definition.name).toBe('default');
  });

  it('reads at-risk and early thresholds from the 75th and 90th percentiles', () => {
    // 100 gaps of 1..100 days: 75 % within 75 days, 90 % within 90
    const suggestion = suggestDefinition({ intervals: uniformGaps(1, 100) });
    expect(suggestion.basis).toBe('data');
    expect(suggestion.thresholds_days).toMatchObject({ at_risk: 75, early_dormant: 90 });
    const lines = suggestion.reasoning.map((r) => r.en);
    expect(lines).toContain(
      '90 % of repeat purchases happen within 90 days of the previous one, so a gap beyond 90 days is unusual (early dormant).',
    );
    expect(suggestion.definition.levels.early_dormant).toBe(
      'days_since_last_purchase > 90 and overdue_ratio >= 2',
    );
  });

  it('places mid and long dormancy where customers stop coming back', () => {
    // gaps of 1..100 days (10 each) end in a purchase, a few much longer ones too; 200 customers are
    // silent for 150 days and 400 for 300
    const intervals = [...uniformGaps(1, 100, 10), { days: 200, count: 12 }, { days: 320, count: 3 }];
    const silences = [
      { days: 20, count: 100 },
      { days: 150, count: 200 },
      { days: 300, count: 400 },
    ];
    const suggestion = suggestDefinition({ intervals, silences });
    expect(suggestion.stats.percentiles_days).toMatchObject({ p50: 51, p75: 77, p90: 92 });
    expect(suggestion.reasoning[0]?.en).toBe(
      'Half of the 1,015 repeat purchases came within 51 days of the previous purchase.',
    );
    // mid is searched from a step past early (92 → 102): 15 of the 615 gaps that long ended in a purchase
    expect(suggestion.thresholds_days).toEqual({
      at_risk: 77,
      early_dormant: 92,
      mid_dormant: 102,
      long_dormant: 113,
    });
    const mid = suggestion.reasoning.find((r) => r.code === 'mid_return_rate');
    expect(mid?.en).toBe(
      'Customers silent for 102+ days came back in only 2.4 % of cases (15 of 615), so that is where mid dormancy starts.',
    );
    expect(mid?.ja).toBe(
      '102日以上購入のなかった顧客が戻ってきたのは2.4 %（615件中15件）だけでした。ここを中期休眠の始まりとします。',
    );
    expect(suggestion.reasoning.map((r) => r.code)).not.toContain('percentile_fallback');
  });

  it('finds a return-rate cliff further out', () => {
    // most gaps end within a month; between 31 and 199 days two gaps of each length still end in a
    // purchase; 300 customers are quiet for 60 days and 300 for 220
    const intervals = [...uniformGaps(1, 30, 30), ...uniformGaps(31, 199, 2), { days: 250, count: 2 }];
    const silences = [
      { days: 60, count: 300 },
      { days: 220, count: 300 },
    ];
    const suggestion = suggestDefinition({ intervals, silences });
    // past 60 days the share is r / (r + 300) with r = 2·(200 − d) + 2 gaps at least d days long:
    // ≤ 20 % from 164 days (74 of 374), ≤ 5 % from 194 days (14 of 314)
    expect(suggestion.thresholds_days).toEqual({
      at_risk: 45,
      early_dormant: 138,
      mid_dormant: 164,
      long_dormant: 194,
    });
    const long = suggestion.reasoning.find((r) => r.code === 'long_return_rate');
    expect(long?.en).toBe(
      'Customers silent for 194+ days came back in only 4.5 % of cases (14 of 314): long dormant.',
    );
  });

  it('falls back to the percentiles for long dormancy when too few customers were that quiet', () => {
    const intervals = uniformGaps(1, 100, 10);
    const silences = [{ days: 100, count: 300 }];
    const suggestion = suggestDefinition({ intervals, silences });
    // mid: from 99 days, 20 of 320 gaps ended in a purchase; a step further (109) nobody was that quiet
    expect(suggestion.thresholds_days).toEqual({
      at_risk: 75,
      early_dormant: 90,
      mid_dormant: 99,
      long_dormant: 109,
    });
    expect(suggestion.reasoning.map((r) => r.code)).toEqual([
      'median_gap',
      'at_risk_percentile',
      'early_percentile',
      'mid_return_rate',
      'percentile_fallback',
      'spread_levels',
      'own_rhythm',
    ]);
    expect(suggestion.reasoning[4]?.en).toBe(
      'The return rate could not place long dormancy (fewer than 20 gaps were long enough to read a return rate), so it follows the 99th percentile of the gaps (99 days).',
    );
    expect(suggestion.reasoning[5]?.en).toBe(
      'Long dormancy would start at 99 days, not a step past mid dormancy at 99 days; it starts at 109 days so each level is a step deeper than the one before.',
    );
  });

  it('uses the 95th and 99th percentiles and says so when no silences are given', () => {
    const suggestion = suggestDefinition({ intervals: uniformGaps(1, 100) });
    expect(suggestion.thresholds_days).toEqual({
      at_risk: 75,
      early_dormant: 90,
      mid_dormant: 99,
      long_dormant: 109,
    });
    const fallback = suggestion.reasoning.find((r) => r.code === 'percentile_fallback');
    expect(fallback?.en).toMatch(/no current silences were given/);
  });

  it('spreads the levels apart when every gap has the same length', () => {
    const suggestion = suggestDefinition({ intervals: [{ days: 30, count: 500 }] });
    expect(suggestion.thresholds_days).toEqual({
      at_risk: 30,
      early_dormant: 33,
      mid_dormant: 37,
      long_dormant: 41,
    });
    expect(suggestion.reasoning.filter((r) => r.code === 'spread_levels')).toHaveLength(3);
  });

  it('ignores negative, fractional-count and non-finite gaps', () => {
    const clean = suggestDefinition({ intervals: uniformGaps(1, 100) });
    const noisy = suggestDefinition({
      intervals: [
        ...uniformGaps(1, 100),
        { days: -5, count: 10 },
        { days: Number.NaN, count: 3 },
        { days: 50, count: 0 },
      ],
    });
    expect(noisy.thresholds_days).toEqual(clean.thresholds_days);
  });

  it('accepts a list of gap lengths as well as a histogram', () => {
    const lengths = uniformGaps(1, 100).map((bin) => bin.days);
    expect(suggestDefinition({ intervals: lengths }).thresholds_days).toEqual(
      suggestDefinition({ intervals: uniformGaps(1, 100) }).thresholds_days,
    );
  });

  it('returns a valid definition that grades customers by the suggested thresholds and keeps the base thresholds', () => {
    const suggestion = suggestDefinition({ intervals: uniformGaps(1, 100), base: 'ec_consumables' });
    const check = checkDefinition(suggestion.definition);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(suggestion.definition.thresholds).toEqual(PRESETS.ec_consumables.thresholds);
    const at = (days: number, overdue: number) =>
      dormancyLevel(check.compiled, aCustomer({ days_since_last_purchase: days, overdue_ratio: overdue }));
    expect(at(75, 5)).toBeNull();
    expect(at(76, 5)).toBe('at_risk');
    expect(at(91, 5)).toBe('early_dormant');
    expect(at(91, 1.9)).toBe('at_risk');
    expect(at(100, 2.5)).toBe('early_dormant');
    expect(at(100, 3)).toBe('mid_dormant');
    expect(at(110, 0.5)).toBe('long_dormant');
  });
});
