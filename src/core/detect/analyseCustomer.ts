/**
 * One customer through Detect: features → dormancy level → lifecycle status → health score.
 * Pure; the dormancy rules come in as a function so this file does not care how a definition
 * is written.
 */
import {
  type CustomerAggregate,
  type CustomerFeatures,
  customerFeatures,
  EMAIL_REACTION_TYPES,
} from './customerFeatures.js';
import type { FeatureValues } from './featureNames.js';
import { type HealthScore, type HealthThresholds, healthScore } from './healthScore.js';
import { dayNumber, isoDay } from './isoDays.js';
import {
  DORMANT_STATUSES,
  type DormancyLevelValue,
  findReturnInHistory,
  isCompetitorReason,
  type LifecycleResult,
  type LostEvidence,
  lifecycleStatus,
  lostEvidence,
  type PreviousState,
} from './lifecycleStatus.js';
import { type PeerCycles, purchaseCycle } from './purchaseCycle.js';

export interface DetectSettings {
  /** The dormancy definition, compiled: features → level. */
  dormancyLevel: (features: FeatureValues) => DormancyLevelValue;
  health: HealthThresholds;
  gapAlertRatio: number;
}

export interface CustomerDetection {
  features: CustomerFeatures;
  dormancy: DormancyLevelValue;
  lifecycle: LifecycleResult;
  /** Null for customers who are not buying (dormant, lost, never purchased). */
  health: HealthScore | null;
  lost: LostEvidence | null;
}

/** Statuses that get a health score: customers who still buy. */
const HEALTH_STATUSES = new Set(['active', 'at_risk', 'reactivating', 'reactivated']);
const LOST_TAGS = ['lost', '離反'];

/** Purchase days, oldest first, rebuilt from the first day and the intervals. */
export function purchaseDayList(agg: CustomerAggregate): string[] {
  if (!agg.firstPurchaseDay || agg.purchaseDays === 0) return [];
  let day = dayNumber(agg.firstPurchaseDay);
  const days = [agg.firstPurchaseDay];
  for (const gap of agg.intervals) {
    day += gap;
    days.push(isoDay(day));
  }
  return days;
}

function emptyFeatures(): FeatureValues {
  return {
    days_since_last_purchase: null,
    days_since_first_purchase: null,
    purchase_days: null,
    purchase_cycle_days: null,
    overdue_ratio: null,
    total_spend_yen: null,
    average_order_yen: null,
    spend_last_365d_yen: null,
    spend_prev_365d_yen: null,
    yoy_spend_ratio: null,
    unanswered_emails: null,
    unanswered_contacts: null,
    days_since_last_email_open: null,
    days_since_last_email_click: null,
    days_since_last_web_visit: null,
    days_since_last_inquiry: null,
    days_since_last_support_ticket: null,
    days_since_last_login: null,
    days_since_last_reaction: null,
    has_active_subscription: null,
    months_since_cancellation: null,
    usage_ratio: null,
    p_alive: null,
  };
}

/**
 * Lost (離反) evidence of a customer from their aggregates, as of `asOf`.
 */
export function lostEvidenceOf(agg: CustomerAggregate, asOf: string): LostEvidence | null {
  const last = agg.lastEventDay;
  let lastEmailReaction: string | null = null;
  for (const t of EMAIL_REACTION_TYPES) {
    const d = last[t];
    if (d && (lastEmailReaction === null || d > lastEmailReaction)) lastEmailReaction = d;
  }
  const bounce = last.email_bounce ?? null;
  const tags = (agg.tags ?? '').normalize('NFKC').toLowerCase();
  const markedByTag = LOST_TAGS.some((t) => tags.split(/[\s,;|、]+/).includes(t));
  let markedLostDay = agg.competitorMarkDay;
  if (markedByTag) markedLostDay = asOf;
  return lostEvidence({
    competitorCancellationDay:
      !agg.hasActiveSubscription && agg.lastSubscriptionEndDay && isCompetitorReason(agg.lastCancelReason)
        ? agg.lastSubscriptionEndDay
        : null,
    allContactsLeft: agg.contacts > 0 && agg.contactsLeft === agg.contacts,
    contactsLeftDay: agg.contactsLeftDay,
    emailBouncingSince: bounce && (lastEmailReaction === null || bounce > lastEmailReaction) ? bounce : null,
    markedLostDay,
  });
}

/**
 * Runs Detect for one customer. `pAlive` comes from the BG/NBD fit (null when not fitted).
 *
 * @example analyseCustomer(aggregate, '2025-03-31', peers, null, settings, 0.42).lifecycle.status → 'mid_dormant'
 */
export function analyseCustomer(
  agg: CustomerAggregate,
  asOf: string,
  peers: PeerCycles,
  previous: PreviousState | null,
  settings: DetectSettings,
  pAlive: number | null,
): CustomerDetection {
  const features = customerFeatures(agg, asOf, peers);
  features.values.p_alive = pAlive;
  const dormancy = agg.purchaseDays > 0 ? settings.dormancyLevel(features.values) : null;
  const days = purchaseDayList(agg);
  const historyReturnDay = findReturnInHistory(days, asOf, (i) => {
    const level = settings.dormancyLevel(featuresOnEveOf(agg, days, i, peers));
    return level !== null && DORMANT_STATUSES.has(level);
  });
  const lost = agg.purchaseDays > 0 ? lostEvidenceOf(agg, asOf) : null;
  const lifecycle = lifecycleStatus({ asOf, purchaseDays: days, dormancy, previous, lost, historyReturnDay });
  const health = HEALTH_STATUSES.has(lifecycle.status)
    ? healthScore(features.values, settings.health, settings.gapAlertRatio)
    : null;
  return { features, dormancy, lifecycle, health, lost };
}

/**
 * The purchase features of the customer on the day before purchase `index`: what the
 * dormancy rules would have seen then. Engagement of past days is not rebuilt (null).
 */
export function featuresOnEveOf(
  agg: CustomerAggregate,
  days: readonly string[],
  index: number,
  peers: PeerCycles,
): FeatureValues {
  const eve = dayNumber(days[index] as string) - 1;
  const previousDay = dayNumber(days[index - 1] as string);
  const intervalsBefore = agg.intervals.slice(0, Math.max(index - 1, 0));
  const cycle = purchaseCycle(intervalsBefore, peers, agg.mainCategory, agg.industry);
  const sinceLast = eve - previousDay;
  const f = emptyFeatures();
  f.days_since_last_purchase = sinceLast;
  f.days_since_first_purchase = eve - dayNumber(days[0] as string);
  f.purchase_days = index;
  f.purchase_cycle_days = cycle.days;
  f.overdue_ratio = cycle.days ? sinceLast / cycle.days : null;
  return f;
}
