/**
 * Turns one customer's aggregates (computed in the database, see storage/detectionQueries.ts)
 * into the features the dormancy rules, the lifecycle status and the health score read.
 */
import type { FeatureValues } from './featureNames.js';
import { daysBetween } from './isoDays.js';
import { intervalStats, type PeerCycles, type PurchaseCycle, purchaseCycle } from './purchaseCycle.js';

/** Event types that show the customer reacting (SPEC event types; `reply` for replies). */
export const EMAIL_REACTION_TYPES = ['email_open', 'email_click', 'email_reply', 'reply'] as const;
export const REACTION_TYPES = [
  ...EMAIL_REACTION_TYPES,
  'sms_click',
  'inquiry',
  'web_visit',
  'login',
  'survey_response',
  'support_ticket',
] as const;
/** Outbound contacts: what we sent or did towards the customer. */
export const OUTBOUND_TYPES = ['email_sent', 'sms_sent', 'dm_sent', 'call', 'visit'] as const;
/** Event types whose last day the aggregation reports. */
export const TRACKED_EVENT_TYPES = [
  ...REACTION_TYPES,
  ...OUTBOUND_TYPES,
  'email_bounce',
  'unsubscribe',
  'usage',
] as const;

/** Everything the database aggregates for one customer as of a day (nothing after it). */
export interface CustomerAggregate {
  customerId: string;
  industry: string | null;
  owner: string | null;
  tags: string | null;
  /** The category with the largest net spend. */
  mainCategory: string | null;
  firstPurchaseDay: string | null;
  lastPurchaseDay: string | null;
  /** Distinct days with a purchase; refunds are not purchases. */
  purchaseDays: number;
  /** Days between consecutive purchase days, oldest first. */
  intervals: number[];
  netSpendYen: number;
  spendLast365Yen: number;
  spendPrev365Yen: number;
  /** Orders (purchases and refunds) on or before the as-of day; 0 = no order rows at all. */
  orderRows: number;
  /** Last day of each event type, when there was one. */
  lastEventDay: Partial<Record<string, string>>;
  unansweredEmails: number;
  unansweredContacts: number;
  subscriptions: number;
  hasActiveSubscription: boolean;
  lastSubscriptionEndDay: string | null;
  lastCancelReason: string | null;
  contacts: number;
  contactsLeft: number;
  /** The latest day a contact was marked left (when dated). */
  contactsLeftDay: string | null;
  /** Usage values summed over the last 30 days and before that, and the first usage day before. */
  usageLast30: number | null;
  usageBefore: number | null;
  firstUsageDayBefore: string | null;
  /** Day of the latest reason override recording a switch to a competitor, if any. */
  competitorMarkDay: string | null;
}

export interface CustomerFeatures {
  values: FeatureValues;
  cycle: PurchaseCycle;
  meanIntervalDays: number | null;
  intervalSpreadDays: number | null;
  /** Average yearly value while buying: net spend per year between first and last purchase (at least one year). */
  yearlyValueYen: number;
}

const DAYS_PER_MONTH = 30.44;
const USAGE_WINDOW_DAYS = 30;

function since(day: string | null | undefined, asOf: string): number | null {
  return day ? daysBetween(day.slice(0, 10), asOf) : null;
}

function latest(days: (string | null | undefined)[]): string | null {
  let best: string | null = null;
  for (const d of days) if (d && (best === null || d > best)) best = d;
  return best;
}

/**
 * Features of one customer as of `asOf`. p_alive is filled in later from the BG/NBD fit.
 *
 * @example customerFeatures(aggregate, '2025-03-31', peers).values.overdue_ratio → 2.4
 */
export function customerFeatures(agg: CustomerAggregate, asOf: string, peers: PeerCycles): CustomerFeatures {
  const cycle = purchaseCycle(agg.intervals, peers, agg.mainCategory, agg.industry);
  const { mean, spread } = intervalStats(agg.intervals);
  const daysSinceLast = since(agg.lastPurchaseDay, asOf);
  const daysSinceFirst = since(agg.firstPurchaseDay, asOf);
  const last = agg.lastEventDay;
  const lastReaction = latest(REACTION_TYPES.filter((t) => t !== 'support_ticket').map((t) => last[t]));
  let monthsSinceCancellation: number | null = null;
  if (!agg.hasActiveSubscription && agg.lastSubscriptionEndDay) {
    monthsSinceCancellation = Math.floor(daysBetween(agg.lastSubscriptionEndDay, asOf) / DAYS_PER_MONTH);
  }
  const values: FeatureValues = {
    days_since_last_purchase: daysSinceLast,
    days_since_first_purchase: daysSinceFirst,
    purchase_days: agg.purchaseDays,
    purchase_cycle_days: cycle.days,
    overdue_ratio: daysSinceLast !== null && cycle.days ? daysSinceLast / cycle.days : null,
    total_spend_yen: agg.orderRows > 0 ? agg.netSpendYen : null,
    average_order_yen: agg.purchaseDays > 0 ? agg.netSpendYen / agg.purchaseDays : null,
    spend_last_365d_yen: agg.orderRows > 0 ? agg.spendLast365Yen : null,
    spend_prev_365d_yen: agg.orderRows > 0 ? agg.spendPrev365Yen : null,
    yoy_spend_ratio: agg.spendPrev365Yen > 0 ? agg.spendLast365Yen / agg.spendPrev365Yen : null,
    unanswered_emails: last.email_sent ? agg.unansweredEmails : null,
    unanswered_contacts: OUTBOUND_TYPES.some((t) => last[t]) ? agg.unansweredContacts : null,
    days_since_last_email_open: since(last.email_open, asOf),
    days_since_last_email_click: since(last.email_click, asOf),
    days_since_last_web_visit: since(last.web_visit, asOf),
    days_since_last_inquiry: since(last.inquiry, asOf),
    days_since_last_support_ticket: since(last.support_ticket, asOf),
    days_since_last_login: since(last.login, asOf),
    days_since_last_reaction: since(lastReaction, asOf),
    has_active_subscription: agg.subscriptions > 0 ? (agg.hasActiveSubscription ? 1 : 0) : null,
    months_since_cancellation: monthsSinceCancellation,
    usage_ratio: usageRatio(agg, asOf),
    p_alive: null,
  };
  const buyingDays =
    agg.firstPurchaseDay && agg.lastPurchaseDay ? daysBetween(agg.firstPurchaseDay, agg.lastPurchaseDay) : 0;
  const relationshipDays = Math.max(buyingDays, 365);
  return {
    values,
    cycle,
    meanIntervalDays: mean,
    intervalSpreadDays: spread,
    yearlyValueYen: agg.purchaseDays > 0 ? (agg.netSpendYen * 365) / relationshipDays : 0,
  };
}

/** Usage of the last 30 days ÷ the customer's own average 30-day usage before that. */
function usageRatio(agg: CustomerAggregate, asOf: string): number | null {
  if (agg.usageLast30 === null && agg.usageBefore === null) return null;
  if (!agg.firstUsageDayBefore || !agg.usageBefore) return null;
  const spanDays = daysBetween(agg.firstUsageDayBefore, asOf) - USAGE_WINDOW_DAYS;
  const windows = Math.max(spanDays / USAGE_WINDOW_DAYS, 1);
  const average = agg.usageBefore / windows;
  return average > 0 ? (agg.usageLast30 ?? 0) / average : null;
}
