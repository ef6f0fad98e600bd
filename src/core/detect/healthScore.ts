/**
 * Early warning for customers who still buy (seed 000 "早期警告システム"): a 0–100 health score
 * from order rhythm, engagement, inquiries/support and usage/payment, with the seed's three
 * alert levels (caution ≤ 80, warning ≤ 70, danger ≤ 60 by default) and the "gap longer than
 * 1.5× the customer's own cycle" alert (seed 000 "休眠兆候の早期検知").
 *
 * Each component earns points out of its weight; a component without data (no emails ever
 * sent, no usage tracked) is left out and the score is scaled over the components present,
 * so a customer is not punished for data we do not have.
 */
import type { FeatureValues } from './featureNames.js';

export interface HealthThresholds {
  caution: number;
  warning: number;
  danger: number;
}
/** Seed 000: 80 点以下「注意」, 70 点以下「警告」, 60 点以下「危険」. */
export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = { caution: 80, warning: 70, danger: 60 };
/** Seed 000: 通常サイクルの 1.5 倍以上間隔が空いた場合. */
export const DEFAULT_GAP_ALERT_RATIO = 1.5;

export type HealthLevel = 'healthy' | 'caution' | 'warning' | 'danger';

export interface HealthComponent {
  name: 'purchase_rhythm' | 'spend_trend' | 'engagement' | 'support' | 'usage_payment';
  weight: number;
  points: number;
  /** The feature value the points came from, for the breakdown shown to people. */
  basis: string;
}

export interface HealthScore {
  score: number;
  level: HealthLevel;
  gapAlert: boolean;
  components: HealthComponent[];
}

const WEIGHTS = { purchase_rhythm: 40, spend_trend: 15, engagement: 20, support: 10, usage_payment: 15 };
/** Overdue ratio at which the rhythm component reaches zero: the seed's "3× the usual cycle". */
const RHYTHM_ZERO_RATIO = 3;
const ENGAGEMENT_FRESH_DAYS = 30;
const ENGAGEMENT_STALE_DAYS = 180;
const UNANSWERED_EMAILS_ZERO = 5;
const RECENT_TICKET_DAYS = 30;
const TICKET_MEMORY_DAYS = 90;
const USAGE_FULL_RATIO = 0.8;
/** Seed 000 example: "usage < 20 % of average" is a dormancy condition. */
const USAGE_ZERO_RATIO = 0.2;

/** Linear from full points at `good` to zero at `bad` (either direction). */
function scale(value: number, good: number, bad: number, weight: number): number {
  const t = (value - bad) / (good - bad);
  return weight * Math.min(1, Math.max(0, t));
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * Health of one active or at-risk customer.
 *
 * @example healthScore({ ...features, overdue_ratio: 1.6 }).level → 'warning' (rhythm points lost)
 */
export function healthScore(
  features: FeatureValues,
  thresholds: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS,
  gapAlertRatio: number = DEFAULT_GAP_ALERT_RATIO,
): HealthScore {
  const components: HealthComponent[] = [];
  const f = features;

  if (f.overdue_ratio !== null) {
    components.push({
      name: 'purchase_rhythm',
      weight: WEIGHTS.purchase_rhythm,
      points: scale(f.overdue_ratio, 1, RHYTHM_ZERO_RATIO, WEIGHTS.purchase_rhythm),
      basis: `overdue_ratio=${round1(f.overdue_ratio)}`,
    });
  }
  if (f.yoy_spend_ratio !== null) {
    components.push({
      name: 'spend_trend',
      weight: WEIGHTS.spend_trend,
      points: scale(f.yoy_spend_ratio, 1, 0, WEIGHTS.spend_trend),
      basis: `yoy_spend_ratio=${round1(f.yoy_spend_ratio)}`,
    });
  }
  if (f.unanswered_emails !== null || f.days_since_last_reaction !== null) {
    const byReaction =
      f.days_since_last_reaction === null
        ? 0
        : scale(f.days_since_last_reaction, ENGAGEMENT_FRESH_DAYS, ENGAGEMENT_STALE_DAYS, 1);
    const byEmails =
      f.unanswered_emails === null ? byReaction : scale(f.unanswered_emails, 0, UNANSWERED_EMAILS_ZERO, 1);
    components.push({
      name: 'engagement',
      weight: WEIGHTS.engagement,
      points: WEIGHTS.engagement * Math.max(byReaction, byEmails),
      basis: `days_since_last_reaction=${f.days_since_last_reaction ?? 'none'}, unanswered_emails=${f.unanswered_emails ?? 'none'}`,
    });
  }
  if (f.days_since_last_support_ticket !== null) {
    const d = f.days_since_last_support_ticket;
    const points =
      d <= RECENT_TICKET_DAYS ? 0 : d <= TICKET_MEMORY_DAYS ? WEIGHTS.support / 2 : WEIGHTS.support;
    components.push({
      name: 'support',
      weight: WEIGHTS.support,
      points,
      basis: `days_since_last_support_ticket=${d}`,
    });
  }
  if (f.usage_ratio !== null || f.has_active_subscription !== null) {
    let points: number;
    let basis: string;
    if (f.has_active_subscription === 0) {
      points = 0;
      basis = 'subscription ended';
    } else if (f.usage_ratio !== null) {
      points = scale(f.usage_ratio, USAGE_FULL_RATIO, USAGE_ZERO_RATIO, WEIGHTS.usage_payment);
      basis = `usage_ratio=${round1(f.usage_ratio)}`;
    } else {
      points = WEIGHTS.usage_payment;
      basis = 'subscription running';
    }
    components.push({ name: 'usage_payment', weight: WEIGHTS.usage_payment, points, basis });
  }

  const weight = components.reduce((s, c) => s + c.weight, 0);
  const earned = components.reduce((s, c) => s + c.points, 0);
  const score = weight === 0 ? 100 : Math.round((100 * earned) / weight);
  for (const c of components) c.points = round1(c.points);
  const gapAlert =
    f.days_since_last_purchase !== null &&
    f.purchase_cycle_days !== null &&
    f.days_since_last_purchase > gapAlertRatio * f.purchase_cycle_days;
  return { score, level: healthLevel(score, thresholds), gapAlert, components };
}

/** The alert level of a score: at or below a threshold enters that level (seed: 「80点以下」). */
export function healthLevel(
  score: number,
  thresholds: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS,
): HealthLevel {
  if (score <= thresholds.danger) return 'danger';
  if (score <= thresholds.warning) return 'warning';
  if (score <= thresholds.caution) return 'caution';
  return 'healthy';
}
