import { describe, expect, it } from 'vitest';
import { breakdownText, parseBreakdown } from './scoreBreakdown.js';
import { CRITERIA, DEFAULT_SCORING_CONFIG, scoreCustomer } from './scoringModel.js';

describe('the stored score breakdown', () => {
  const score = scoreCustomer(
    {
      totalSpendYen: 360_945,
      daysSinceLastPurchase: 704,
      reason: { category: 'forgotten', confidence: 0.5 },
      emails: { sent: 4, opened: 1 },
    },
    DEFAULT_SCORING_CONFIG,
  );

  it('keeps points, weight and value per criterion, and adds up to the score', () => {
    const text = breakdownText(score.breakdown);
    const parsed = parseBreakdown(text);
    expect(parsed?.map((e) => e.criterion)).toEqual([...CRITERIA]);
    expect(parsed?.reduce((sum, e) => sum + e.weighted, 0)).toBe(score.total);
    expect(parsed?.find((e) => e.criterion === 'past_value')).toMatchObject({ value: 360_945, weight: 5 });
    expect(parsed?.find((e) => e.criterion === 'digital_responsiveness')?.value).toBe(0.25);
    // A fraction of the old form's size: it is written for every scored customer.
    expect(text.length).toBeLessThan(250);
  });

  it('reads the list of objects earlier runs stored', () => {
    const old = JSON.stringify(score.breakdown.map((b) => ({ ...b, explanation: 'text' })));
    expect(parseBreakdown(old)).toEqual(parseBreakdown(breakdownText(score.breakdown)));
  });

  it('is null for nothing stored and for anything that is not a breakdown', () => {
    for (const text of [null, undefined, '', 'not json', '42', '[{"criterion":"x"}]', '{"past_value":"4"}']) {
      expect(parseBreakdown(text)).toBeNull();
    }
  });
});
