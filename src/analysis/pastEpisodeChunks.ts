/**
 * The past dormant episodes of the reactivation model (what storage/reactivationHistory.ts's
 * pastDormantEpisodes returns) built chunk by chunk by the analysis workers: one range scan of a
 * chunk's orders for every candidate snapshot day instead of one scan of all orders per
 * snapshot. The snapshot days depend on the first order day of all customers, so each chunk
 * computes the episodes of every candidate day (snapshotDays without the first-day cut-off) and
 * its own first day; the main thread keeps the snapshots the global first day allows.
 * Same episodes, same order (snapshot by snapshot, newest first; customer_id order within one).
 */
import { addDays } from '../core/detect/isoDays.js';
import type { ReactivationEpisode } from '../core/prioritise/index.js';
import {
  dormantFeatures,
  HORIZON_DAYS,
  MAX_SNAPSHOTS,
  SNAPSHOT_STEP_DAYS,
  snapshotDays,
  trainingStride,
} from '../core/prioritise/pastEpisodes.js';
import { type EpisodeOrderRow, episodeOrderRows } from '../storage/detectionQueries.js';
import type { Storage } from '../storage/index.js';

/** Every snapshot day snapshotDays can return for this as-of, newest first. */
export function candidateSnapshotDays(asOf: string): string[] {
  return Array.from({ length: MAX_SNAPSHOTS }, (_, k) =>
    addDays(asOf, -HORIZON_DAYS - k * SNAPSHOT_STEP_DAYS),
  );
}

/** One chunk's episodes, packed for postMessage. */
export interface PackedEpisodes {
  /** The chunk's first purchase day (refunds excluded, by as-of), null without purchases. */
  firstDay: string | null;
  /** Feature names, in the order dormantFeatures returns them. */
  names: string[];
  /** Per candidate snapshot day: per episode its feature values (NaN: null) then its label. */
  values: Float64Array[];
}

/** The episodes of the customer_ids in [from, to) (null: unbounded), every candidate day. */
export async function chunkEpisodes(
  storage: Storage,
  asOf: string,
  from: string | null,
  to: string | null,
): Promise<PackedEpisodes> {
  const { until, spendBefore } = episodeReads(asOf);
  return episodesFromRows(asOf, await episodeOrderRows(storage, until, spendBefore, from, to));
}

/**
 * What the episodes read from the orders: purchases before `until` — the newest snapshot's
 * horizon ends latest, the day after as-of — and the spend before each candidate snapshot day.
 */
export function episodeReads(asOf: string): { until: string; spendBefore: string[] } {
  const days = candidateSnapshotDays(asOf);
  return {
    until: addDays(days[0] as string, HORIZON_DAYS + 1),
    spendBefore: days.map((d) => addDays(d, 1)),
  };
}

/** The episodes of every candidate day from a chunk's order rows (episodeOrderRows' shape). */
export function episodesFromRows(asOf: string, rows: readonly EpisodeOrderRow[]): PackedEpisodes {
  const days = candidateSnapshotDays(asOf);
  const nexts = episodeReads(asOf).spendBefore;
  const horizonNexts = days.map((d) => addDays(d, HORIZON_DAYS + 1));
  let firstDay: string | null = null;
  let names: string[] = [];
  const lists: number[][] = days.map(() => []);
  for (const r of rows) {
    if (r.days === null) continue;
    let purchaseDays = r.days.split(',');
    for (let i = 1; i < purchaseDays.length; i++) {
      if ((purchaseDays[i] as string) < (purchaseDays[i - 1] as string)) {
        purchaseDays = purchaseDays.sort();
        break;
      }
    }
    const first = purchaseDays[0] as string;
    if (firstDay === null || first < firstDay) firstDay = first;
    for (let k = 0; k < days.length; k++) {
      const next = nexts[k] as string;
      const horizonNext = horizonNexts[k] as string;
      let count = 0;
      let last: string | null = null;
      let cameBack = false;
      for (const day of purchaseDays) {
        if (day < next) {
          if (day !== last) count++;
          last = day;
        } else if (day < horizonNext) {
          cameBack = true;
          break;
        } else break;
      }
      if (last === null) continue;
      const features = dormantFeatures(
        {
          firstPurchaseDay: first,
          lastPurchaseDay: last,
          purchaseDays: count,
          totalSpendYen: Number(r.spend[k] ?? 0),
        },
        days[k] as string,
      );
      if (!features) continue;
      if (names.length === 0) names = Object.keys(features);
      const list = lists[k] as number[];
      for (const name of names) list.push(features[name] ?? Number.NaN);
      list.push(cameBack ? 1 : 0);
    }
  }
  return { firstDay, names, values: lists.map((l) => Float64Array.from(l)) };
}

/**
 * The chunks' episodes (in customer_id order) as pastDormantEpisodes returns them, thinned as
 * sampleEpisodes would thin that list (every stride-th, counted over all of them) when there are
 * more than `max`; `available` is how many there were. Only the kept ones become objects.
 */
export function mergeEpisodes(
  asOf: string,
  parts: readonly PackedEpisodes[],
  max?: number,
): { episodes: ReactivationEpisode[]; snapshots: string[]; available: number } {
  let firstDay: string | null = null;
  for (const p of parts)
    if (p.firstDay !== null && (firstDay === null || p.firstDay < firstDay)) firstDay = p.firstDay;
  const snapshots = snapshotDays(asOf, firstDay);
  const candidates = candidateSnapshotDays(asOf);
  let available = 0;
  for (const day of snapshots) {
    const k = candidates.indexOf(day);
    for (const p of parts) available += (p.values[k]?.length ?? 0) / (p.names.length + 1);
  }
  const stride = trainingStride(available, max);
  let index = 0;
  const episodes: ReactivationEpisode[] = [];
  // Features copied from a literal dormantFeatures returns keep its properties in the object
  // (filled in one by one on an empty object they are not): 2.2 M episodes then take a quarter
  // less memory, and training on them about a third of the peak (measured).
  const template = dormantFeatures(
    { firstPurchaseDay: '2000-01-01', lastPurchaseDay: '2000-01-01', purchaseDays: 1, totalSpendYen: 0 },
    '2001-01-01',
  );
  for (const day of snapshots) {
    const k = candidates.indexOf(day);
    for (const p of parts) {
      const values = p.values[k];
      if (!values || values.length === 0) continue;
      const width = p.names.length + 1;
      for (let i = 0; i < values.length; i += width) {
        if (index++ % stride !== 0) continue;
        const features: Record<string, number | null> = { ...template };
        p.names.forEach((name, j) => {
          const v = values[i + j] as number;
          features[name] = Number.isNaN(v) ? null : v;
        });
        episodes.push({ features, label: values[i + p.names.length] === 1 ? 1 : 0, day });
      }
    }
  }
  return { episodes, snapshots, available };
}
