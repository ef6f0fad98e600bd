import { describe, expect, it } from 'vitest';
import { planWithinBudget } from './budgetPlan.js';
import {
  DEFAULT_PRIORITISE_SETTINGS,
  type PrioritiseInput,
  prioritiseCustomer,
} from './prioritiseCustomer.js';

function aDormantCustomer(overrides: Partial<PrioritiseInput> = {}): PrioritiseInput {
  return {
    daysSinceLastPurchase: 400,
    value: { totalSpendYen: 3_000_000, firstPurchaseDay: '2021-10-01', lastPurchaseDay: '2024-09-30' },
    reason: { category: 'price', confidence: 0.6 },
    pAlive: 0.5,
    reach: {
      email: 'buyer@example.co.jp',
      emailOptIn: true,
      phone: '06-1234-5678',
      address: '大阪府大阪市北区1-1',
      dmOk: true,
      phoneOk: true,
    },
    location: { prefecture: '大阪府' },
    ...overrides,
  };
}

describe('prioritiseCustomer', () => {
  it('scores, ranks, estimates with the fallback and recommends the reason sequence', () => {
    const result = prioritiseCustomer(aDormantCustomer(), {
      ...DEFAULT_PRIORITISE_SETTINGS,
      base: { prefecture: '大阪府' },
    });
    expect(result.score.breakdown.map((c) => c.points)).toEqual([8, 7, 6, 7, 9, 5]);
    expect(result.score).toMatchObject({ total: 146, rank: 'B' });
    expect(result.reactivation).toMatchObject({ probability: 0.25, source: 'fallback' });
    expect(result.recommendation.channels.map((c) => c.channel)).toEqual(['email', 'dm', 'phone']);
    expect(result.yearlyValue.yearlySpendYen).toBeCloseTo(1_000_000, -3);
    expect(result.expectedValue.expectedValueYen).toBeCloseTo(
      0.25 * result.yearlyValue.yearlyGrossProfitYen - 16_000,
      6,
    );
    expect(result.options.at(-1)?.id).toBe('email+dm+phone');
  });

  it('uses the trained model probability when one is given', () => {
    const result = prioritiseCustomer(aDormantCustomer({ modelProbability: 0.07 }));
    expect(result.reactivation).toMatchObject({ probability: 0.07, source: 'model' });
  });

  it('offers nothing for a customer who may not be contacted', () => {
    const result = prioritiseCustomer(
      aDormantCustomer({ reach: { doNotContact: true, email: 'x@y.jp', emailOptIn: true } }),
    );
    expect(result.options).toEqual([]);
    expect(result.expectedValue.costYen).toBe(0);
  });

  it('feeds the budget planner', () => {
    const customers = [
      aDormantCustomer(),
      aDormantCustomer({
        value: { totalSpendYen: 80_000, firstPurchaseDay: '2024-01-01', lastPurchaseDay: '2024-01-01' },
      }),
      aDormantCustomer({ reason: { category: 'environment', confidence: 0.7 } }),
    ];
    const candidates = customers.map((c, i) => ({
      customerId: `K-${i}`,
      options: prioritiseCustomer(c).options,
    }));
    const plan = planWithinBudget(candidates, { budgetYen: 20_000, repHours: 1 });
    expect(plan.method).toBe('exact');
    expect(plan.spentYen).toBeLessThanOrEqual(20_000);
    expect(plan.choices.length).toBeGreaterThan(0);
  });
});
