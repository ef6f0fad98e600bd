import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES, type FeatureValues } from './featureNames.js';
import { healthLevel, healthScore } from './healthScore.js';

function features(values: Partial<FeatureValues>): FeatureValues {
  const f = Object.fromEntries(FEATURE_NAMES.map((n) => [n, null])) as FeatureValues;
  return { ...f, ...values };
}

describe('healthScore', () => {
  it('gives a customer on rhythm with fresh engagement full health', () => {
    const h = healthScore(
      features({
        overdue_ratio: 0.5,
        yoy_spend_ratio: 1.2,
        days_since_last_reaction: 5,
        unanswered_emails: 0,
        days_since_last_purchase: 10,
        purchase_cycle_days: 20,
      }),
    );
    expect(h).toMatchObject({ score: 100, level: 'healthy', gapAlert: false });
  });

  it('drops with an overdue rhythm, falling spend and ignored emails', () => {
    const h = healthScore(
      features({
        overdue_ratio: 2,
        yoy_spend_ratio: 0.4,
        unanswered_emails: 4,
        days_since_last_reaction: 150,
        days_since_last_purchase: 60,
        purchase_cycle_days: 30,
      }),
    );
    expect(h.score).toBeLessThanOrEqual(60);
    expect(h.level).toBe('danger');
    expect(h.gapAlert).toBe(true);
    expect(h.components.map((c) => c.name)).toEqual(['purchase_rhythm', 'spend_trend', 'engagement']);
  });

  it('raises the gap alert only beyond 1.5× the cycle', () => {
    const at = (days: number) =>
      healthScore(
        features({ days_since_last_purchase: days, purchase_cycle_days: 20, overdue_ratio: days / 20 }),
      ).gapAlert;
    expect(at(30)).toBe(false);
    expect(at(31)).toBe(true);
  });

  it('leaves out components without data instead of punishing them', () => {
    const h = healthScore(features({ overdue_ratio: 1 }));
    expect(h.components).toHaveLength(1);
    expect(h.score).toBe(100);
  });

  it('counts a recent support ticket and low usage against the score', () => {
    const h = healthScore(
      features({
        overdue_ratio: 1,
        days_since_last_support_ticket: 3,
        usage_ratio: 0.2,
        has_active_subscription: 1,
      }),
    );
    expect(h.components.find((c) => c.name === 'support')?.points).toBe(0);
    expect(h.components.find((c) => c.name === 'usage_payment')?.points).toBe(0);
    expect(h.score).toBe(Math.round((100 * 40) / 65));
  });

  it('uses custom thresholds', () => {
    expect(healthLevel(85, { caution: 90, warning: 80, danger: 50 })).toBe('caution');
  });

  it('enters each level at its threshold (seed: "80 points or below")', () => {
    expect(healthLevel(81)).toBe('healthy');
    expect(healthLevel(80)).toBe('caution');
    expect(healthLevel(70)).toBe('warning');
    expect(healthLevel(60)).toBe('danger');
  });
});
