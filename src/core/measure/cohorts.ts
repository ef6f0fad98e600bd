/**
 * Cohort analysis: customers grouped by the quarter of their first purchase (their acquisition
 * cohort), and for each cohort how many bought again in each later quarter and how many are
 * dormant or lost today. It answers "do the customers we won in 2023 fall asleep faster than
 * those of 2021?" — the heat-map on the dashboard and `mezame report cohort`.
 *
 * The tally is filled one customer at a time from their purchase days (the analysis already has
 * them) and merges: tallies of consecutive customer ranges add up to the tally of one pass.
 * Quarter k of a cohort is the k-th calendar quarter after the acquisition quarter (k = 0 is the
 * acquisition quarter itself, where everyone bought). The as-of quarter is still running: its
 * column is marked partial, and quarters after it do not exist yet.
 */
import { civilDate, dayNumber } from '../detect/isoDays.js';
import { DORMANT_STATUSES, type LifecycleStatus } from '../detect/lifecycleStatus.js';

/** Calendar quarters since year 0 of an ISO day: 2024-01-15 → 2024·4 + 0. */
export function quarterIndex(day: string): number {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  return year * 4 + Math.floor((month - 1) / 3);
}

/** The quarter index of a day number (days since 1970-01-01). */
function quarterOfDayNumber(day: number): number {
  const { year, month } = civilDate(day);
  return year * 4 + Math.floor((month - 1) / 3);
}

/** '2024-Q1' for a quarter index. */
export function quarterLabel(index: number): string {
  return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
}

/** Statuses counted as "still buying" in a cohort's current picture. */
const ACTIVE_NOW: ReadonlySet<LifecycleStatus> = new Set([
  'active',
  'at_risk',
  'reactivating',
  'reactivated',
]);

/** One cohort's counts, as plain data (what an analysis worker hands back). */
export interface CohortCounts {
  /** Customers whose first purchase fell in the quarter. */
  customers: number;
  /** Index k: customers of the cohort with a purchase in the k-th quarter after acquisition. */
  buyersByQuarter: number[];
  activeNow: number;
  dormantNow: number;
  lostNow: number;
}

export type CohortTallyData = Record<number, CohortCounts>;

export class CohortTally {
  readonly cohorts: CohortTallyData = {};

  /**
   * Counts one customer: `purchaseQuarters` are the quarter indexes of their purchase days,
   * oldest first, on or before the as-of day (the first one is the acquisition). Customers who
   * never bought are not in any cohort.
   */
  add(purchaseQuarters: readonly number[], status: LifecycleStatus): void {
    const cohort = purchaseQuarters[0];
    if (cohort === undefined) return;
    const counts = this.cohortOf(cohort);
    counts.customers++;
    let lastK = -1;
    for (const quarter of purchaseQuarters) {
      const k = quarter - cohort;
      if (k === lastK) continue; // days are in order: one count per quarter
      lastK = k;
      counts.buyersByQuarter[k] = (counts.buyersByQuarter[k] ?? 0) + 1;
    }
    if (ACTIVE_NOW.has(status)) counts.activeNow++;
    else if (DORMANT_STATUSES.has(status)) counts.dormantNow++;
    else if (status === 'lost') counts.lostNow++;
  }

  /** Adds the tally of another range of customers. */
  merge(other: CohortTallyData): void {
    for (const [key, theirs] of Object.entries(other)) {
      const ours = this.cohortOf(Number(key));
      ours.customers += theirs.customers;
      theirs.buyersByQuarter.forEach((n, k) => {
        ours.buyersByQuarter[k] = (ours.buyersByQuarter[k] ?? 0) + (n ?? 0);
      });
      ours.activeNow += theirs.activeNow;
      ours.dormantNow += theirs.dormantNow;
      ours.lostNow += theirs.lostNow;
    }
  }

  private cohortOf(index: number): CohortCounts {
    let counts = this.cohorts[index];
    if (!counts) {
      counts = { customers: 0, buyersByQuarter: [], activeNow: 0, dormantNow: 0, lostNow: 0 };
      this.cohorts[index] = counts;
    }
    return counts;
  }
}

/**
 * The quarters of a customer's purchase days, from the first day and the day gaps between
 * consecutive purchase days (what the analysis keeps), with day numbers, not strings: the
 * analysis calls this for every customer.
 */
export function purchaseQuarters(firstDay: string | null, intervals: readonly number[]): number[] {
  if (firstDay === null) return [];
  let day = dayNumber(firstDay);
  const quarters = [quarterOfDayNumber(day)];
  for (const gap of intervals) {
    day += gap;
    quarters.push(quarterOfDayNumber(day));
  }
  return quarters;
}

export interface CohortRow {
  /** '2024-Q1'. */
  cohort: string;
  customers: number;
  /**
   * Share of the cohort that bought in each quarter since acquisition (index 0 = the acquisition
   * quarter, always 1), up to the as-of quarter.
   */
  repurchase_rates: number[];
  buyers_by_quarter: number[];
  active_now: number;
  dormant_now: number;
  lost_now: number;
  /** dormant_now ÷ customers. */
  dormant_rate: number;
}

export interface CohortReport {
  as_of: string;
  period: 'quarter';
  /** The last column of each row is the as-of quarter, which is still running. */
  last_quarter_partial: boolean;
  rows: CohortRow[];
}

/** The cohorts as a report, oldest first, each row as long as the quarters it has lived. */
export function cohortReport(tally: CohortTallyData, asOf: string): CohortReport {
  const asOfQuarter = quarterIndex(asOf);
  const rows = Object.keys(tally)
    .map(Number)
    .sort((a, b) => a - b)
    .map((index): CohortRow => {
      const c = tally[index] as CohortCounts;
      const quarters = Math.max(1, asOfQuarter - index + 1);
      const buyers = Array.from({ length: quarters }, (_, k) => c.buyersByQuarter[k] ?? 0);
      return {
        cohort: quarterLabel(index),
        customers: c.customers,
        repurchase_rates: buyers.map((n) => (c.customers > 0 ? n / c.customers : 0)),
        buyers_by_quarter: buyers,
        active_now: c.activeNow,
        dormant_now: c.dormantNow,
        lost_now: c.lostNow,
        dormant_rate: c.customers > 0 ? c.dormantNow / c.customers : 0,
      };
    });
  const nextDay = new Date(Date.parse(`${asOf}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return {
    as_of: asOf,
    period: 'quarter',
    last_quarter_partial: quarterIndex(nextDay) === asOfQuarter,
    rows,
  };
}
