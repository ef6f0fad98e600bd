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
import { addDays } from '../core/detect/isoDays.js';
import type { ReactivationEpisode } from '../core/prioritise/index.js';
import { dormantFeatures, HORIZON_DAYS, snapshotDays } from '../core/prioritise/pastEpisodes.js';
import type { Storage } from './storage.js';

export { dormantFeatures, snapshotDays } from '../core/prioritise/pastEpisodes.js';

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
