/**
 * The lifecycle status ladder (seed 000 "顧客ステータスの細分化": アクティブ · 要注意 · 初期休眠 ·
 * 中期休眠 · 長期休眠 · 再活性化中 · 復活, plus 離反 and never purchased).
 *
 * Definitions used here:
 * - never_purchased: no purchase day on or before the as-of day (refund rows alone are not purchases).
 * - lost (離反): only with evidence dated on or after the last purchase — a subscription cancelled
 *   with a competitor reason, every contact person left while email bounces, or a person
 *   recording "switched to a competitor" / tagging the customer lost. Dormancy alone never makes
 *   a customer lost. A purchase after the evidence ends it.
 * - early/mid/long dormant, at_risk: the dormancy definition's level for today's features.
 * - reactivating: the customer bought again after a dormant spell (or after being lost) and has
 *   one purchase day since coming back.
 * - reactivated: two or more purchase days since coming back (kept buying).
 *   The comeback episode lasts RETURN_EPISODE_DAYS from the return day; after that the customer
 *   is simply active (or at risk). Falling dormant again ends the episode at once.
 * - active: everything else with a purchase.
 */
import { dayNumber } from './isoDays.js';

export const LIFECYCLE_STATUSES = [
  'active',
  'at_risk',
  'early_dormant',
  'mid_dormant',
  'long_dormant',
  'reactivating',
  'reactivated',
  'lost',
  'never_purchased',
] as const;
export type LifecycleStatus = (typeof LIFECYCLE_STATUSES)[number];

export type DormancyLevelValue = 'long_dormant' | 'mid_dormant' | 'early_dormant' | 'at_risk' | null;

export const DORMANT_STATUSES: ReadonlySet<LifecycleStatus> = new Set([
  'early_dormant',
  'mid_dormant',
  'long_dormant',
]);

/** Newly dormant: dormant now and not in the previous run (a first run has no newly dormant). */
export function enteredDormancy(previous: string | null, status: string): boolean {
  return (
    previous !== null &&
    DORMANT_STATUSES.has(status as LifecycleStatus) &&
    !DORMANT_STATUSES.has(previous as LifecycleStatus)
  );
}

/** How long after the return purchase a customer is shown as coming back. */
export const RETURN_EPISODE_DAYS = 365;

export type LostReason = 'competitor_cancellation' | 'unreachable' | 'marked_lost';
export interface LostEvidence {
  reason: LostReason;
  /** The day the evidence appeared. */
  day: string;
}

/** What the previous analysis run (with an earlier as-of day) concluded. */
export interface PreviousState {
  status: LifecycleStatus;
  statusSince: string;
  lastPurchaseDay: string | null;
  returnDay: string | null;
}

export interface LifecycleInput {
  asOf: string;
  /** Purchase days, oldest first, all on or before asOf. */
  purchaseDays: readonly string[];
  dormancy: DormancyLevelValue;
  previous: PreviousState | null;
  lost: LostEvidence | null;
  /** A comeback found in the purchase history itself (see findReturnInHistory). */
  historyReturnDay: string | null;
}

export interface LifecycleResult {
  status: LifecycleStatus;
  /** As-of day the customer entered this status (carried over while it does not change). */
  statusSince: string;
  /** The day of the comeback purchase while the comeback episode lasts. */
  returnDay: string | null;
  lostReason: LostReason | null;
}

/**
 * The customer's status as of `asOf`.
 *
 * @example lifecycleStatus({ asOf: '2025-04-01', purchaseDays: ['2024-01-10', '2025-03-30'],
 *   dormancy: null, previous: { status: 'long_dormant', … }, lost: null, historyReturnDay: null })
 *   → { status: 'reactivating', returnDay: '2025-03-30', … }
 */
export function lifecycleStatus(input: LifecycleInput): LifecycleResult {
  const { asOf, purchaseDays, previous } = input;
  const decide = (): Omit<LifecycleResult, 'statusSince'> => {
    const lastPurchase = purchaseDays[purchaseDays.length - 1];
    if (lastPurchase === undefined) return { status: 'never_purchased', returnDay: null, lostReason: null };
    if (input.lost && input.lost.day >= lastPurchase) {
      return { status: 'lost', returnDay: null, lostReason: input.lost.reason };
    }
    const returnDay = comebackDay(input, lastPurchase);
    if (input.dormancy && DORMANT_STATUSES.has(input.dormancy)) {
      return { status: input.dormancy, returnDay: null, lostReason: null };
    }
    if (returnDay !== null && dayNumber(asOf) - dayNumber(returnDay) <= RETURN_EPISODE_DAYS) {
      const sinceReturn = purchaseDays.filter((d) => d >= returnDay).length;
      return { status: sinceReturn >= 2 ? 'reactivated' : 'reactivating', returnDay, lostReason: null };
    }
    return { status: input.dormancy === 'at_risk' ? 'at_risk' : 'active', returnDay: null, lostReason: null };
  };
  const result = decide();
  const statusSince = previous && previous.status === result.status ? previous.statusSince : asOf;
  return { ...result, statusSince };
}

/** The latest comeback purchase day known from the previous run or from the history. */
function comebackDay(input: LifecycleInput, lastPurchase: string): string | null {
  const { previous, purchaseDays } = input;
  const candidates: string[] = [];
  if (input.historyReturnDay) candidates.push(input.historyReturnDay);
  if (previous) {
    if ((previous.status === 'reactivating' || previous.status === 'reactivated') && previous.returnDay) {
      candidates.push(previous.returnDay);
    }
    const wasAway = DORMANT_STATUSES.has(previous.status) || previous.status === 'lost';
    const boughtSince = previous.lastPurchaseDay === null || lastPurchase > previous.lastPurchaseDay;
    if (wasAway && boughtSince) {
      const first = purchaseDays.find(
        (d) => previous.lastPurchaseDay === null || d > previous.lastPurchaseDay,
      );
      if (first) candidates.push(first);
    }
  }
  let best: string | null = null;
  for (const c of candidates) if (best === null || c > best) best = c;
  return best;
}

/**
 * Finds a comeback in the purchase history: the latest purchase day (within the comeback
 * episode window) whose preceding gap the dormancy definition would have called dormant.
 * `wasDormantBefore(i)` answers for the purchase at index i (the customer as they looked the
 * day before it); only the purchase features can be reconstructed for past days.
 *
 * @example findReturnInHistory(['2023-01-01', '2024-06-01'], '2024-07-01', () => true) → '2024-06-01'
 */
export function findReturnInHistory(
  purchaseDays: readonly string[],
  asOf: string,
  wasDormantBefore: (index: number) => boolean,
): string | null {
  const asOfDay = dayNumber(asOf);
  for (let i = purchaseDays.length - 1; i >= 1; i--) {
    if (asOfDay - dayNumber(purchaseDays[i] as string) > RETURN_EPISODE_DAYS) break;
    if (wasDormantBefore(i)) return purchaseDays[i] as string;
  }
  return null;
}

/**
 * Lost (離反) evidence from the facts the aggregation gathers; null when there is none.
 * `competitorCancellation`: the day a subscription ended with a competitor reason.
 */
export function lostEvidence(facts: {
  competitorCancellationDay: string | null;
  /** Every contact person has left (and there was at least one). */
  allContactsLeft: boolean;
  contactsLeftDay: string | null;
  /** Last bounce later than the last open/click. */
  emailBouncingSince: string | null;
  markedLostDay: string | null;
}): LostEvidence | null {
  const found: LostEvidence[] = [];
  if (facts.markedLostDay) found.push({ reason: 'marked_lost', day: facts.markedLostDay });
  if (facts.competitorCancellationDay) {
    found.push({ reason: 'competitor_cancellation', day: facts.competitorCancellationDay });
  }
  if (facts.allContactsLeft && facts.emailBouncingSince) {
    const day =
      facts.contactsLeftDay && facts.contactsLeftDay > facts.emailBouncingSince
        ? facts.contactsLeftDay
        : facts.emailBouncingSince;
    found.push({ reason: 'unreachable', day });
  }
  let best: LostEvidence | null = null;
  for (const f of found) if (best === null || f.day > best.day) best = f;
  return best;
}

const COMPETITOR_WORDS = ['competitor', 'competition', 'switched', '競合', '他社', '乗り換え', '乗換'];

/** True when a cancellation reason says the customer went to a competitor (Japanese or English). */
export function isCompetitorReason(reason: string | null): boolean {
  if (!reason) return false;
  const text = reason.normalize('NFKC').toLowerCase();
  return COMPETITOR_WORDS.some((w) => text.includes(w));
}
