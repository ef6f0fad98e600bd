/**
 * Past dormant episodes for the reactivation model, built from order history alone: at a few past
 * snapshot days d (the newest HORIZON_DAYS before as-of, then every SNAPSHOT_STEP_DAYS earlier),
 * every customer who had bought before d and was dormant on d by a simple gap rule is one episode,
 * with the features known on d and the label "bought again within HORIZON_DAYS after d".
 *
 * Gap rule (the same at prediction time, see `dormantFeatures`): with two or more purchase days,
 * dormant when the days since the last purchase are at least twice the customer's own average
 * interval and at least MIN_GAP_DAYS; with one purchase day, after SINGLE_PURCHASE_GAP_DAYS.
 *
 * One aggregate query per snapshot (a scan of orders up to d + horizon), same SQL on both engines.
 */
import { sql } from 'kysely';
import { addDays, daysBetween } from '../core/detect/isoDays.js';
import type { ReactivationEpisode } from '../core/prioritise/index.js';
import type { Storage } from './storage.js';

export const HORIZON_DAYS = 180;
export const SNAPSHOT_STEP_DAYS = 91;
export const MAX_SNAPSHOTS = 4;
export const MIN_GAP_DAYS = 60;
export const SINGLE_PURCHASE_GAP_DAYS = 180;
export const OVERDUE_FACTOR = 2;

export interface DormancyFacts {
  firstPurchaseDay: string | null;
  lastPurchaseDay: string | null;
  purchaseDays: number;
  totalSpendYen: number;
}

/**
 * Features of a customer on `day` when the gap rule calls them dormant, else null.
 * Training and prediction both use this, so the model sees the same quantities.
 */
export function dormantFeatures(facts: DormancyFacts, day: string): Record<string, number | null> | null {
  if (!facts.lastPurchaseDay || !facts.firstPurchaseDay || facts.purchaseDays < 1) return null;
  const since = daysBetween(facts.lastPurchaseDay, day);
  if (since < 0) return null;
  const cycle =
    facts.purchaseDays >= 2
      ? daysBetween(facts.firstPurchaseDay, facts.lastPurchaseDay) / (facts.purchaseDays - 1)
      : null;
  const isDormant =
    cycle !== null && cycle > 0
      ? since >= OVERDUE_FACTOR * cycle && since >= MIN_GAP_DAYS
      : since >= SINGLE_PURCHASE_GAP_DAYS;
  if (!isDormant) return null;
  return {
    log_days_since_last_purchase: Math.log1p(since),
    log_purchase_days: Math.log1p(facts.purchaseDays),
    log_total_spend_yen: Math.log1p(Math.max(facts.totalSpendYen, 0)),
    log_overdue_ratio: cycle !== null && cycle > 0 ? Math.log1p(since / cycle) : null,
    is_single_purchase: facts.purchaseDays === 1 ? 1 : 0,
  };
}

/** The snapshot days whose whole horizon lies on or before as-of, newest first. */
export function snapshotDays(asOf: string, firstOrderDay: string | null): string[] {
  if (firstOrderDay === null) return [];
  const days: string[] = [];
  for (let k = 0; k < MAX_SNAPSHOTS; k++) {
    const d = addDays(asOf, -HORIZON_DAYS - k * SNAPSHOT_STEP_DAYS);
    // Someone must have had time to go dormant before d.
    if (daysBetween(firstOrderDay, d) < MIN_GAP_DAYS) break;
    days.push(d);
  }
  return days;
}

/** Every past dormant episode the order history holds as of `asOf`. */
export async function pastDormantEpisodes(
  storage: Storage,
  asOf: string,
): Promise<{ episodes: ReactivationEpisode[]; snapshots: string[] }> {
  const first = await storage.db
    .selectFrom('orders')
    .select((eb) => eb.fn.min('ordered_at').as('first'))
    .where('is_refund', '=', 0)
    .where('ordered_at', '<', addDays(asOf, 1))
    .executeTakeFirst();
  const firstDay = first?.first ? String(first.first).slice(0, 10) : null;
  const snapshots = snapshotDays(asOf, firstDay);
  const episodes: ReactivationEpisode[] = [];
  for (const d of snapshots) {
    const next = addDays(d, 1);
    const horizonNext = addDays(d, HORIZON_DAYS + 1);
    const rows = await sql<{
      customer_id: string;
      days: number | string;
      first_at: string;
      last_at: string | null;
      spend: number | string | null;
      came_back: number | string;
    }>`
      select customer_id,
        count(distinct case when ordered_at < ${next} then substr(ordered_at, 1, 10) end) as days,
        min(ordered_at) as first_at,
        max(case when ordered_at < ${next} then ordered_at end) as last_at,
        sum(case when ordered_at < ${next} then amount else 0 end) as spend,
        max(case when ordered_at >= ${next} then 1 else 0 end) as came_back
      from orders
      where is_refund = 0 and ordered_at < ${horizonNext}
      group by customer_id`.execute(storage.db);
    for (const r of rows.rows) {
      if (r.last_at === null) continue;
      const features = dormantFeatures(
        {
          firstPurchaseDay: r.first_at.slice(0, 10),
          lastPurchaseDay: r.last_at.slice(0, 10),
          purchaseDays: Number(r.days),
          totalSpendYen: Number(r.spend ?? 0),
        },
        d,
      );
      if (features) episodes.push({ features, label: Number(r.came_back) === 1 ? 1 : 0, day: d });
    }
  }
  return { episodes, snapshots };
}
