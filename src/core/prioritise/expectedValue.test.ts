import { describe, expect, it } from 'vitest';
import { expectedValue, expectedYearlyValue } from './expectedValue.js';

describe('expectedYearlyValue', () => {
  it('averages spend over the active years and applies the default margin', () => {
    const value = expectedYearlyValue({
      totalSpendYen: 2_000_000,
      firstPurchaseDay: '2021-01-01',
      lastPurchaseDay: '2022-12-31',
    });
    expect(value.yearlySpendYen).toBeCloseTo(2_000_000 / (730 / 365.25), 0);
    expect(value).toMatchObject({ marginRate: 0.3, marginSource: 'default' });
    expect(value.yearlyGrossProfitYen).toBeCloseTo(value.yearlySpendYen * 0.3, 6);
  });

  it('counts a single order as one year of spend', () => {
    const value = expectedYearlyValue({
      totalSpendYen: 50_000,
      firstPurchaseDay: '2024-05-01',
      lastPurchaseDay: '2024-05-01',
    });
    expect(value.yearlySpendYen).toBe(50_000);
  });

  it('uses the margin the orders carry', () => {
    const value = expectedYearlyValue({
      totalSpendYen: 1_000_000,
      firstPurchaseDay: '2024-01-01',
      lastPurchaseDay: '2024-06-30',
      grossMarginYen: 450_000,
      marginSpendYen: 900_000,
    });
    expect(value).toMatchObject({ marginRate: 0.5, marginSource: 'orders', yearlyGrossProfitYen: 500_000 });
  });

  it('takes a yearly spend computed elsewhere', () => {
    const value = expectedYearlyValue({
      totalSpendYen: 9_000_000,
      firstPurchaseDay: null,
      lastPurchaseDay: null,
      yearlySpendYen: 400_000,
    });
    expect(value.yearlyGrossProfitYen).toBeCloseTo(120_000, 6);
    expect(value.explanation).toBe('¥400,000 a year × 30 % margin (default rate)');
  });

  it('treats refunds beyond spend as zero value', () => {
    expect(
      expectedYearlyValue({ totalSpendYen: -5_000, firstPurchaseDay: null, lastPurchaseDay: null })
        .yearlyGrossProfitYen,
    ).toBe(0);
  });
});

describe('expectedValue', () => {
  it('is probability times value minus cost', () => {
    const ev = expectedValue({ probability: 0.25, yearlyGrossProfitYen: 300_000, approachCostYen: 11_000 });
    expect(ev.expectedValueYen).toBe(64_000);
    expect(ev.explanation).toBe('25.0 % × ¥300,000 − ¥11,000 = ¥64,000');
  });

  it('goes negative when the approach costs more than it is likely to earn', () => {
    expect(
      expectedValue({ probability: 0.05, yearlyGrossProfitYen: 10_000, approachCostYen: 50_000 })
        .expectedValueYen,
    ).toBe(-49_500);
  });
});
