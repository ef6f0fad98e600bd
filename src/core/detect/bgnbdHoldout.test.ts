import { describe, expect, it } from 'vitest';
import {
  CDNOW_CALIBRATION_END,
  CDNOW_HOLDOUT_END,
  readCdnowSamplePurchases,
  readCdnowSummary,
} from '../../../test/cdnow.js';
import { fitBgnbd, summaryHistogram } from './bgnbd.js';
import { compareWithHoldout } from './bgnbdValidation.js';
import { splitCalibrationHoldout } from './calibrationHoldout.js';

const HOLDOUT_WEEKS = 39;

describe('BG/NBD holdout validation on the CDNOW sample (Fader, Hardie & Lee 2005, §7)', () => {
  const purchases = readCdnowSamplePurchases();
  const options = { calibrationEnd: CDNOW_CALIBRATION_END, holdoutEnd: CDNOW_HOLDOUT_END, unitDays: 7 };

  it('rebuilds the calibration summary from the transactions exactly (distinct purchase days)', () => {
    const rebuilt = splitCalibrationHoldout(purchases, { ...options, decimals: 2 });
    const published = readCdnowSummary();
    expect(rebuilt).toHaveLength(published.length);
    const byId = new Map(rebuilt.map((row) => [row.customerId, row]));
    const differing = published.filter((row) => {
      const mine = byId.get(row.id);
      return mine?.frequency !== row.frequency || mine.recency !== row.recency || mine.T !== row.T;
    });
    expect(differing).toEqual([]);
  });

  it('counts 1,882 holdout repeat purchase days, 334 of them by the 1,411 customers with x = 0', () => {
    const split = splitCalibrationHoldout(purchases, options);
    const total = split.reduce((s, c) => s + c.holdoutPurchases, 0);
    const zeros = split.filter((c) => c.frequency === 0);
    expect(total).toBe(1882);
    expect(zeros).toHaveLength(1411);
    expect(zeros.reduce((s, c) => s + c.holdoutPurchases, 0)).toBe(334);
  });

  it('under-forecasts week-78 cumulative repeat purchases by about 4 % and correlates 0.626 per customer', () => {
    const split = splitCalibrationHoldout(purchases, options);
    const fit = fitBgnbd(
      summaryHistogram(split.map((c) => ({ frequency: c.frequency, recency: c.recency, T: c.T }))),
    );
    const comparison = compareWithHoldout(fit.params, split, HOLDOUT_WEEKS);
    const cumulativeError = comparison.predictedCumulative / comparison.actualCumulative - 1;
    expect(cumulativeError).toBeGreaterThan(-0.05);
    expect(cumulativeError).toBeLessThan(-0.03);
    expect(comparison.correlation).toBeCloseTo(0.626, 3);
    // Conditional expectations track the groups: more calibration purchases, more holdout ones.
    const groups = comparison.byFrequency;
    expect(groups[0]?.from).toBe(0);
    for (const g of groups) expect(Math.abs(g.predicted - g.actual)).toBeLessThan(0.5 + 0.3 * g.actual);
    for (let i = 1; i < groups.length; i++) {
      expect(groups[i]?.predicted).toBeGreaterThan(groups[i - 1]?.predicted as number);
    }
  });
});
