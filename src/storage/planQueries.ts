/**
 * Per-customer inputs of `mezame plan`: the stored analysis state of dormant customers joined
 * with their contact data and consent, plus the email events that decide whether an address can
 * still be used (unsubscribed, bouncing). Read a page at a time, in customer_id order.
 */
import type { Kysely } from 'kysely';
import type { LifecycleStatus } from '../core/detect/lifecycleStatus.js';
import type { AnalysisDatabase } from './analysisQueries.js';
import type { Storage } from './storage.js';

export interface PlanInputRow {
  customer_id: string;
  name: string;
  owner: string | null;
  status: string;
  days_since_last_purchase: number | null;
  first_purchase_day: string | null;
  last_purchase_day: string | null;
  total_spend_yen: number | null;
  yearly_value_yen: number | null;
  p_alive: number | null;
  reason_category: string | null;
  reason_confidence: number | null;
  reactivation_probability: number | null;
  email: string | null;
  phone: string | null;
  postal_code: string | null;
  prefecture: string | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  email_opt_in: number | null;
  sms_opt_in: number | null;
  dm_ok: number | null;
  phone_ok: number | null;
  do_not_contact: number | null;
  /** company | person (the consent policy can differ). */
  kind: string | null;
  is_unsubscribed: boolean;
  /** The latest bounce is later than the latest open or click. */
  is_email_bouncing: boolean;
}

export const PLAN_STATUSES = ['early_dormant', 'mid_dormant', 'long_dormant'] as const;

function adb(storage: Storage): Kysely<AnalysisDatabase> {
  return storage.db as unknown as Kysely<AnalysisDatabase>;
}

const EMAIL_STATE_TYPES = ['unsubscribe', 'email_bounce', 'email_open', 'email_click'];

/**
 * Dormant customers with what the planner needs, `pageSize` at a time.
 *
 * @example for await (const page of planInputs(storage)) for (const row of page) …
 */
export async function* planInputs(
  storage: Storage,
  statuses: readonly LifecycleStatus[] = PLAN_STATUSES,
  pageSize = 5_000,
): AsyncGenerator<PlanInputRow[]> {
  let after: string | null = null;
  for (;;) {
    let query = adb(storage)
      .selectFrom('customer_state as s')
      .innerJoin('customers as c', 'c.customer_id', 's.customer_id')
      .select([
        's.customer_id',
        'c.name',
        's.owner',
        's.status',
        's.days_since_last_purchase',
        's.first_purchase_day',
        's.last_purchase_day',
        's.total_spend_yen',
        's.yearly_value_yen',
        's.p_alive',
        's.reason_category',
        's.reason_confidence',
        's.reactivation_probability',
        'c.email',
        'c.phone',
        'c.postal_code',
        'c.prefecture',
        'c.address',
        'c.lat',
        'c.lng',
        'c.email_opt_in',
        'c.sms_opt_in',
        'c.dm_ok',
        'c.phone_ok',
        'c.do_not_contact',
        'c.kind',
      ])
      .where('s.status', 'in', [...statuses])
      .where('c.merged_into', 'is', null)
      .orderBy('s.customer_id')
      .limit(pageSize);
    if (after !== null) query = query.where('s.customer_id', '>', after);
    const rows = await query.execute();
    if (rows.length === 0) return;
    const ids = rows.map((r) => r.customer_id);
    const events = await adb(storage)
      .selectFrom('events')
      .select((eb) => ['customer_id', 'type', eb.fn.max('occurred_at').as('latest')])
      .where('customer_id', 'in', ids)
      .where('type', 'in', EMAIL_STATE_TYPES)
      .groupBy(['customer_id', 'type'])
      .execute();
    const latest = new Map<string, Map<string, string>>();
    for (const e of events) {
      const byType = latest.get(e.customer_id) ?? new Map<string, string>();
      byType.set(e.type, String(e.latest));
      latest.set(e.customer_id, byType);
    }
    yield rows.map((r) => {
      const byType = latest.get(r.customer_id);
      const bounce = byType?.get('email_bounce') ?? null;
      const reaction = [byType?.get('email_open'), byType?.get('email_click')]
        .filter((d): d is string => !!d)
        .sort()
        .at(-1);
      return {
        ...r,
        total_spend_yen: r.total_spend_yen === null ? null : Number(r.total_spend_yen),
        yearly_value_yen: r.yearly_value_yen === null ? null : Number(r.yearly_value_yen),
        is_unsubscribed: byType?.has('unsubscribe') ?? false,
        is_email_bouncing: bounce !== null && (reaction === undefined || bounce > reaction),
      };
    });
    after = ids[ids.length - 1] as string;
    if (rows.length < pageSize) return;
  }
}
