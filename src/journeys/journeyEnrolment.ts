/**
 * Who enters a journey: each enabled journey's trigger, narrowed by its audience, read in SQL
 * over the latest analysis (customer_state joined with customers, as segments are), then
 * inserted as enrolments (insert-or-ignore: a customer enters a journey once).
 *
 * - status_entered: the customer's current status is one of the trigger's and status_history
 *   shows it entered one of them on or after the day the journey was enabled (no backlog).
 * - behaviour: at least min_count events of the type (url containing …) within the last days.
 * - schedule: everyone in the audience (a customer enters once; later periods take newcomers).
 * - change_resolved: customers flagged for re-approach since the journey was enabled.
 * - manual: only `enrolCustomers`.
 * `simulationCandidates` previews a journey before it is enabled (see there).
 * A do-not-contact or merged customer never enters.
 */
import { type SqlBool, sql } from 'kysely';
import { startEnrolment } from '../core/act/journeyEngine.js';
import type { JourneyAudience } from '../core/act/journeyTypes.js';
import { AppError } from '../core/errors.js';
import { parseSegmentFilter, type SegmentFilter } from '../core/prioritise/segmentFilter.js';
import { insertEnrolments, type StoredJourney } from '../storage/journeyQueries.js';
import { actDb, chunked } from '../storage/journeyTables.js';
import { segmentQuery } from '../storage/segmentQueries.js';
import type { Storage } from '../storage/storage.js';

const DAY_MS = 86_400_000;

async function audienceFilter(
  storage: Storage,
  audience: JourneyAudience | undefined,
): Promise<SegmentFilter> {
  if (audience?.segment_id === undefined) return {};
  const segment = await actDb(storage)
    .selectFrom('segments')
    .select(['filter'])
    .where('id', '=', audience.segment_id)
    .executeTakeFirst();
  if (!segment) {
    throw new AppError(
      'not_found',
      `the journey's audience names segment ${audience.segment_id}, which does not exist (mezame segment list)`,
    );
  }
  return parseSegmentFilter(segment.filter);
}

/**
 * The customers a journey's trigger and audience take at `now` who are not enrolled in it yet.
 * Manual journeys take nobody by themselves.
 */
export async function triggerCandidates(
  storage: Storage,
  journey: StoredJourney,
  now: Date,
  options: { preview?: boolean } = {},
): Promise<string[]> {
  const def = journey.definition;
  const trigger = def.trigger;
  const preview = options.preview === true;
  if (trigger.type === 'manual' && !preview) return [];
  const audience = def.audience;
  let query = segmentQuery(storage, await audienceFilter(storage, audience))
    .select('c.customer_id')
    .where((eb) => eb.or([eb('c.do_not_contact', 'is', null), eb('c.do_not_contact', '=', 0)]))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('journey_enrolments as e')
            .select('e.id')
            .where('e.journey_id', '=', journey.id)
            .whereRef('e.customer_id', '=', 'c.customer_id'),
        ),
      ),
    );
  if (audience?.statuses?.length) query = query.where('s.status', 'in', audience.statuses);
  if (audience?.ranks?.length) query = query.where('s.rank', 'in', audience.ranks);
  if (audience?.reasons?.length) query = query.where('s.reason_category', 'in', audience.reasons);

  const nowIso = now.toISOString();
  const since = journey.enabled_at ?? nowIso;
  if (trigger.type === 'status_entered') {
    if (trigger.statuses.length === 0) return [];
    query = query.where('s.status', 'in', trigger.statuses);
    if (!preview) {
      // Uncorrelated on purpose: one pass over the status_entered index, not one per customer.
      const entered = actDb(storage)
        .selectFrom('status_history')
        .select('customer_id')
        .where('status', 'in', trigger.statuses)
        .where('entered_at', '>=', since.slice(0, 10))
        .where('entered_at', '<=', nowIso);
      query = query.where('c.customer_id', 'in', entered);
    }
  } else if (trigger.type === 'behaviour') {
    const from = new Date(now.getTime() - trigger.within_days * DAY_MS).toISOString();
    let events = actDb(storage)
      .selectFrom('events')
      .select('customer_id')
      .where('type', '=', trigger.event)
      .where('occurred_at', '>', from)
      .where('occurred_at', '<=', nowIso);
    if (trigger.url_contains) {
      const pattern = `%${trigger.url_contains.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      events = events.where(sql<SqlBool>`url like ${pattern} escape '\\'`);
    }
    const grouped = events.groupBy('customer_id').having((eb) => eb.fn.countAll(), '>=', trigger.min_count);
    query = query.where('c.customer_id', 'in', grouped);
  } else if (trigger.type === 'change_resolved') {
    const flagged = actDb(storage)
      .selectFrom('reapproach_flags')
      .select('customer_id')
      .where('flagged_at', '>=', preview ? '' : since.slice(0, 10))
      .where('flagged_at', '<=', nowIso);
    query = query.where('c.customer_id', 'in', flagged);
  }
  const rows = (await query.orderBy('c.customer_id').execute()) as { customer_id: string }[];
  return rows.map((r) => r.customer_id);
}

/**
 * The customers a journey would take if it were enabled now, for its simulation: a status trigger
 * takes everyone currently in its statuses (not only those who entered since enabling), a
 * resolved-change trigger everyone flagged, a manual journey its whole audience.
 */
export function simulationCandidates(storage: Storage, journey: StoredJourney, now: Date): Promise<string[]> {
  return triggerCandidates(storage, journey, now, { preview: true });
}

/** Enrols these customers (already checked) at `now`; returns how many were new. */
export async function enrolIds(
  storage: Storage,
  journey: StoredJourney,
  customerIds: readonly string[],
  now: Date,
): Promise<number> {
  let enrolled = 0;
  for (const part of chunked(customerIds, 1000)) {
    const enrolments = part.map((id) => ({
      ...startEnrolment(journey.definition, id, now),
      journeyVersion: journey.version,
    }));
    enrolled += await insertEnrolments(actDb(storage), enrolments, now.toISOString());
  }
  return enrolled;
}

export interface ManualEnrolResult {
  enrolled: number;
  /** Already in the journey (in any state). */
  skipped: number;
  /** Not a customer, merged into another, or do not contact: nothing done. */
  rejected: { customer_id: string; reason: 'unknown' | 'merged' | 'do_not_contact' }[];
}

/**
 * A person adds customers to a journey (the app, the API, `mezame journey enrol`), whatever its
 * trigger and audience. Unknown, merged and do-not-contact customers are refused by name.
 */
export async function enrolCustomers(
  storage: Storage,
  journey: StoredJourney,
  customerIds: readonly string[],
  now: Date,
): Promise<ManualEnrolResult> {
  const wanted = [...new Set(customerIds)];
  const found = new Map<string, { merged_into: string | null; do_not_contact: number | null }>();
  for (const part of chunked(wanted, 500)) {
    const rows = await actDb(storage)
      .selectFrom('customers')
      .select(['customer_id', 'merged_into', 'do_not_contact'])
      .where('customer_id', 'in', part)
      .execute();
    for (const r of rows) found.set(r.customer_id, r);
  }
  const rejected: ManualEnrolResult['rejected'] = [];
  const ok: string[] = [];
  for (const id of wanted) {
    const row = found.get(id);
    if (!row) rejected.push({ customer_id: id, reason: 'unknown' });
    else if (row.merged_into !== null) rejected.push({ customer_id: id, reason: 'merged' });
    else if (Number(row.do_not_contact) === 1) rejected.push({ customer_id: id, reason: 'do_not_contact' });
    else ok.push(id);
  }
  const enrolled = await enrolIds(storage, journey, ok, now);
  return { enrolled, skipped: ok.length - enrolled, rejected };
}
