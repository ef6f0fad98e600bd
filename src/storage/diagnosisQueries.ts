/**
 * What Diagnose and Prioritise read and write for one analysis run: the customers to diagnose
 * (dormant and at-risk, from customer_state joined with customers), the evidence of a batch of
 * them (texts of tickets/inquiries/surveys, email and marketing events, contacts, subscription
 * cancellations, usage, products and categories bought, manual reason overrides) — everything
 * dated on or before as-of — and the bulk write of the results back into customer_state.
 *
 * Same SQL on SQLite and PostgreSQL; every value is a bound parameter.
 */
import { type Kysely, sql } from 'kysely';
import { addDays } from '../core/detect/isoDays.js';
import type { AnalysisDatabase } from './analysisQueries.js';
import type { Storage } from './storage.js';

/** Statuses a reason and a priority are computed for. */
export const DIAGNOSED_STATUSES = [
  'at_risk',
  'early_dormant',
  'mid_dormant',
  'long_dormant',
  'lost',
] as const;

export interface DiagnosisCandidateRow {
  customer_id: string;
  status: string;
  owner: string | null;
  industry: string | null;
  days_since_last_purchase: number | null;
  first_purchase_day: string | null;
  last_purchase_day: string | null;
  purchase_days: number;
  total_spend_yen: number | null;
  yearly_value_yen: number | null;
  overdue_ratio: number | null;
  p_alive: number | null;
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
}

/** Events whose text a person wrote or the customer said. */
export const TEXT_EVENT_TYPES = [
  'support_ticket',
  'inquiry',
  'survey_response',
  'call',
  'visit',
  'note',
  'cancel_reason',
  'complaint',
];
export const COMPETITOR_EVENT_TYPES = ['competitor_mention', 'competitor', 'lost_deal'];
export const MESSAGE_EVENT_TYPES = [
  'email_sent',
  'email_open',
  'email_click',
  'email_bounce',
  'unsubscribe',
  'dm_sent',
  'sms_sent',
];

/** Message events rare enough to read in full. */
const RARE_MESSAGE_TYPES = ['email_bounce', 'unsubscribe'];

export interface EventRow {
  customer_id: string;
  type: string;
  occurred_at: string;
  text: string | null;
  properties: string | null;
}

export interface CustomerEvidence {
  products: string[];
  categories: string[];
  textEvents: EventRow[];
  competitorEvents: EventRow[];
  messageEvents: EventRow[];
  contacts: { status: 'active' | 'left'; day: string | null; role: string | null; name: string | null }[];
  subscriptionCancel: { day: string; reason: string } | null;
  usage: { last30: number; before: number; firstBefore: string | null } | null;
  override: { category: string; note: string | null; by: string; at: string } | null;
}

function adb(storage: Storage): Kysely<AnalysisDatabase> {
  return storage.db as unknown as Kysely<AnalysisDatabase>;
}

const num = (v: number | string | null) => (v === null ? null : Number(v));

/** Candidates per page of the diagnosis pass (and per evidence read). */
export const DIAGNOSIS_PAGE_SIZE = 2_000;

/** The columns of `customers` a candidate row carries (diagnosisCandidates, candidateCustomers). */
const CANDIDATE_CUSTOMER_COLUMNS = [
  'customer_id',
  'industry',
  'email',
  'phone',
  'postal_code',
  'prefecture',
  'address',
  'lat',
  'lng',
  'email_opt_in',
  'sms_opt_in',
  'dm_ok',
  'phone_ok',
  'do_not_contact',
  'kind',
] as const;

/** The customers to diagnose in customer_id order, `pageSize` at a time. */
export async function* diagnosisCandidates(
  storage: Storage,
  pageSize = DIAGNOSIS_PAGE_SIZE,
): AsyncGenerator<DiagnosisCandidateRow[]> {
  let after: string | null = null;
  for (;;) {
    let query = adb(storage)
      .selectFrom('customer_state as s')
      .innerJoin('customers as c', 'c.customer_id', 's.customer_id')
      .select([
        's.customer_id',
        's.status',
        's.owner',
        's.days_since_last_purchase',
        's.first_purchase_day',
        's.last_purchase_day',
        's.purchase_days',
        's.total_spend_yen',
        's.yearly_value_yen',
        's.overdue_ratio',
        's.p_alive',
        ...CANDIDATE_CUSTOMER_COLUMNS.filter((c) => c !== 'customer_id').map((c) => `c.${c}` as const),
      ])
      .where('s.status', 'in', [...DIAGNOSED_STATUSES])
      .orderBy('s.customer_id')
      .limit(pageSize);
    if (after !== null) query = query.where('s.customer_id', '>', after);
    const rows = await query.execute();
    if (rows.length === 0) return;
    yield rows.map((r) => ({
      ...r,
      days_since_last_purchase: num(r.days_since_last_purchase),
      purchase_days: Number(r.purchase_days),
      total_spend_yen: num(r.total_spend_yen),
      yearly_value_yen: num(r.yearly_value_yen),
      overdue_ratio: num(r.overdue_ratio),
      p_alive: num(r.p_alive),
      lat: num(r.lat),
      lng: num(r.lng),
    }));
    after = (rows[rows.length - 1] as { customer_id: string }).customer_id;
    if (rows.length < pageSize) return;
  }
}

/**
 * The customers-table columns of the customers from `from` to `to` (customer_ids, inclusive),
 * for candidate rows built before their customer_state row is stored (analysis workers): one
 * range read of the primary key, the columns diagnosisCandidates reads from `customers`.
 */
export type CandidateCustomer = Pick<
  DiagnosisCandidateRow,
  Exclude<(typeof CANDIDATE_CUSTOMER_COLUMNS)[number], 'customer_id'>
> & { customer_id: string };

export async function candidateCustomers(
  storage: Storage,
  range: { from: string; to: string },
): Promise<Map<string, CandidateCustomer>> {
  const out = new Map<string, CandidateCustomer>();
  const rows = await storage.db
    .selectFrom('customers')
    .select([...CANDIDATE_CUSTOMER_COLUMNS])
    .where('customer_id', '>=', range.from)
    .where('customer_id', '<=', range.to)
    .execute();
  for (const r of rows) out.set(r.customer_id, r as CandidateCustomer);
  return out;
}

function emptyEvidence(): CustomerEvidence {
  return {
    products: [],
    categories: [],
    textEvents: [],
    competitorEvents: [],
    messageEvents: [],
    contacts: [],
    subscriptionCancel: null,
    usage: null,
    override: null,
  };
}

/** Message events read only from the engagement window on. */
const WINDOWED_MESSAGE_TYPES = MESSAGE_EVENT_TYPES.filter((t) => !RARE_MESSAGE_TYPES.includes(t));
/** Events read whenever they happened, with their text. */
const TEXT_READ_TYPES = [...TEXT_EVENT_TYPES, ...COMPETITOR_EVENT_TYPES, ...RARE_MESSAGE_TYPES];

export interface EvidenceOptions {
  /** The engagement window's first day: sent/open/click/DM/SMS events before it are not read. */
  messagesFrom?: string | null;
  /**
   * The customer_ids are a part of this range (inclusive): every read is one range scan of the
   * (customer_id, …) indexes instead of a lookup per id, and other customers' rows are skipped.
   */
  range?: { from: string; to: string };
  /**
   * The only products and categories purchases are matched against (those the business
   * changes name): purchases of others are not read, and with none named nothing is.
   */
  goods?: { products: readonly string[]; categories: readonly string[] };
}

/**
 * The evidence of a batch of customers, as known on `asOf` (nothing dated later).
 * Sent/open/click/DM/SMS events are read from `messagesFrom` on (the engagement window of the
 * batch); bounces and unsubscribes whenever they happened. An unsubscribe or a cancellation with
 * a text also counts as a text the customer wrote.
 */
export async function customerEvidence(
  storage: Storage,
  customerIds: readonly string[],
  asOf: string,
  options: EvidenceOptions = {},
): Promise<Map<string, CustomerEvidence>> {
  const out = new Map<string, CustomerEvidence>();
  if (customerIds.length === 0) return out;
  const ids = [...customerIds];
  for (const id of ids) out.set(id, emptyEvidence());
  const next = addDays(asOf, 1);
  const usageStart = addDays(asOf, -29);
  const messageFloor = options.messagesFrom ?? '0000-01-01';
  const db = storage.db;
  const { range, goods } = options;
  const customerIn = (column: string) =>
    range
      ? sql<boolean>`${sql.ref(column)} >= ${range.from} and ${sql.ref(column)} <= ${range.to}`
      : sql<boolean>`${sql.ref(column)} in (${sql.join(ids)})`;
  const ofCustomers = customerIn('customer_id');

  if (!goods || goods.products.length > 0 || goods.categories.length > 0) {
    const named = goods
      ? sql`and (product in (${sql.join(goods.products.length > 0 ? [...goods.products] : [null])})
          or category in (${sql.join(goods.categories.length > 0 ? [...goods.categories] : [null])}))`
      : sql``;
    const bought = await sql<{ customer_id: string; product: string | null; category: string | null }>`
      select distinct customer_id, product, category from orders
      where ${ofCustomers} and ordered_at < ${next} and is_refund = 0 ${named}`.execute(db);
    for (const r of bought.rows) {
      const e = out.get(r.customer_id);
      if (!e) continue;
      if (r.product && !e.products.includes(r.product)) e.products.push(r.product);
      if (r.category && !e.categories.includes(r.category)) e.categories.push(r.category);
    }
  }

  // The frequent message events from the index alone (no text to read); texts, competitor
  // events, bounces and unsubscribes in a second, small read. Both oldest first per customer.
  const messages = await sql<EventRow>`
    select customer_id, type, occurred_at, null as text, null as properties from events
    where ${ofCustomers} and type in (${sql.join(WINDOWED_MESSAGE_TYPES)})
      and occurred_at >= ${messageFloor} and occurred_at < ${next}
    order by customer_id, occurred_at`.execute(db);
  for (const r of messages.rows) out.get(r.customer_id)?.messageEvents.push(r);
  const texts = await sql<EventRow>`
    select customer_id, type, occurred_at, text, properties from events
    where ${ofCustomers} and type in (${sql.join(TEXT_READ_TYPES)}) and occurred_at < ${next}
    order by customer_id, occurred_at`.execute(db);
  const merged = new Set<CustomerEvidence>();
  for (const r of texts.rows) {
    const e = out.get(r.customer_id);
    if (!e) continue;
    if (COMPETITOR_EVENT_TYPES.includes(r.type)) e.competitorEvents.push(r);
    else if (MESSAGE_EVENT_TYPES.includes(r.type)) {
      e.messageEvents.push(r);
      merged.add(e);
      if (r.type === 'unsubscribe' && r.text !== null && r.text.trim() !== '') e.textEvents.push(r);
    } else if (r.text !== null && r.text.trim() !== '') e.textEvents.push(r);
  }
  for (const e of merged)
    e.messageEvents.sort((x, y) =>
      x.occurred_at < y.occurred_at ? -1 : x.occurred_at > y.occurred_at ? 1 : 0,
    );

  const contacts = await db
    .selectFrom('contacts')
    .select(['customer_id', 'status', 'updated_at', 'role', 'name'])
    .where(ofCustomers)
    .execute();
  for (const c of contacts) {
    // A "left" set after as-of is not known yet on that day.
    const isLeft = c.status === 'left' && (c.updated_at === null || c.updated_at < next);
    out.get(c.customer_id)?.contacts.push({
      status: isLeft ? 'left' : 'active',
      day: c.updated_at === null ? null : c.updated_at.slice(0, 10),
      role: c.role,
      name: c.name,
    });
  }

  const cancels = await db
    .selectFrom('subscriptions')
    .select(['customer_id', 'ended_at', 'cancel_reason'])
    .where(ofCustomers)
    .where('ended_at', '<', next)
    .where('cancel_reason', 'is not', null)
    .orderBy('ended_at')
    .execute();
  for (const s of cancels) {
    if (s.ended_at && s.cancel_reason && s.cancel_reason.trim() !== '') {
      const e = out.get(s.customer_id);
      if (e) e.subscriptionCancel = { day: s.ended_at.slice(0, 10), reason: s.cancel_reason };
    }
  }

  const usage = await sql<{
    customer_id: string;
    last30: number | string | null;
    before: number | string | null;
    first_before: string | null;
  }>`
    select customer_id,
      sum(case when occurred_at >= ${usageStart} then coalesce(value, 0) else 0 end) as last30,
      sum(case when occurred_at < ${usageStart} then coalesce(value, 0) else 0 end) as before,
      min(case when occurred_at < ${usageStart} then occurred_at end) as first_before
    from events
    where ${ofCustomers} and type = 'usage' and occurred_at < ${next}
    group by customer_id`.execute(db);
  for (const u of usage.rows) {
    const e = out.get(u.customer_id);
    if (e)
      e.usage = {
        last30: Number(u.last30 ?? 0),
        before: Number(u.before ?? 0),
        firstBefore: u.first_before === null ? null : u.first_before.slice(0, 10),
      };
  }

  const overrides = await db
    .selectFrom('reason_overrides as o')
    .leftJoin('users as u', 'u.id', 'o.user_id')
    .select(['o.id', 'o.customer_id', 'o.category', 'o.note', 'o.created_at', 'o.user_id', 'u.display_name'])
    .where(customerIn('o.customer_id'))
    .where('o.created_at', '<', next)
    .orderBy('o.created_at')
    .orderBy('o.id')
    .execute();
  for (const o of overrides) {
    // The newest wins (rows come oldest first).
    const e = out.get(o.customer_id);
    if (e)
      e.override = {
        category: o.category,
        note: o.note,
        by: o.display_name ?? `user ${o.user_id}`,
        at: o.created_at,
      };
  }
  return out;
}

export interface StoredChange {
  change_id: string;
  kind: string;
  product: string | null;
  category: string | null;
  started_at: string;
  resolved_at: string | null;
  description: string | null;
}

/** Business changes started on or before as-of (price changes, product issues and fixes…). */
export async function changesUpTo(storage: Storage, asOf: string): Promise<StoredChange[]> {
  return storage.db
    .selectFrom('changes')
    .select(['change_id', 'kind', 'product', 'category', 'started_at', 'resolved_at', 'description'])
    .where('started_at', '<', addDays(asOf, 1))
    .orderBy('started_at')
    .orderBy('change_id')
    .execute();
}

/** The diagnosis and prioritisation columns of one customer_state row. */
export interface DiagnosisUpdate {
  customer_id: string;
  reason_category: string | null;
  reason_confidence: number | null;
  reason_evidence: string | null;
  score: number | null;
  rank: string | null;
  reactivation_probability: number | null;
  reactivation_source: string | null;
  expected_value: number | null;
  recommended_channels: string | null;
  score_breakdown: string | null;
  reason_resolved: number;
}

const UPDATE_COLUMNS = [
  'reason_category',
  'reason_confidence',
  'reason_evidence',
  'score',
  'rank',
  'reactivation_probability',
  'reactivation_source',
  'expected_value',
  'recommended_channels',
  'score_breakdown',
  'reason_resolved',
] as const;

const PG_TYPES: Record<(typeof UPDATE_COLUMNS)[number], string> = {
  reason_category: 'text',
  reason_confidence: 'double precision',
  reason_evidence: 'text',
  score: 'double precision',
  rank: 'text',
  reactivation_probability: 'double precision',
  reactivation_source: 'text',
  expected_value: 'double precision',
  recommended_channels: 'text',
  score_breakdown: 'text',
  reason_resolved: 'integer',
};

/** Writes a batch of results into customer_state: prepared UPDATEs on SQLite, one UPDATE … FROM unnest on PostgreSQL. */
export async function writeDiagnosis(storage: Storage, updates: readonly DiagnosisUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  if (storage.sqlite) {
    const statement = storage.sqlite.prepare(
      `UPDATE customer_state SET ${UPDATE_COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE customer_id = ?`,
    );
    storage.sqlite.transaction(() => {
      for (const u of updates) statement.run(...UPDATE_COLUMNS.map((c) => u[c]), u.customer_id);
    })();
    return;
  }
  const columns = ['customer_id', ...UPDATE_COLUMNS] as const;
  const arrays = columns.map((c) => updates.map((u) => u[c]));
  const unnest = columns
    .map((c, i) => `$${i + 1}::${c === 'customer_id' ? 'text' : PG_TYPES[c]}[]`)
    .join(', ');
  const pool = storage.pgPool;
  if (!pool) throw new Error('writeDiagnosis needs a PostgreSQL pool');
  await pool.query(
    `UPDATE customer_state AS s SET ${UPDATE_COLUMNS.map((c) => `${c} = u.${c}`).join(', ')}
     FROM unnest(${unnest}) AS u(${columns.join(', ')})
     WHERE s.customer_id = u.customer_id`,
    arrays,
  );
}

export interface ReapproachFlagRow {
  customer_id: string;
  change_id: string;
  flagged_at: string;
  run_id: number;
  reason_category: string;
  confidence: number;
  scope: string;
  is_theme_confirmed: number;
  line: string;
}

/**
 * Stores "reason resolved" flags. A customer flagged for a change stays flagged with the
 * first day it was found (re-running the analysis does not duplicate or move it).
 */
export async function insertReapproachFlags(
  storage: Storage,
  flags: readonly ReapproachFlagRow[],
): Promise<number> {
  let inserted = 0;
  const db = storage.db as unknown as Kysely<{ reapproach_flags: ReapproachFlagRow }>;
  for (let i = 0; i < flags.length; i += 500) {
    const slice = flags.slice(i, i + 500);
    const result = await db
      .insertInto('reapproach_flags')
      .values(slice)
      .onConflict((oc) => oc.columns(['customer_id', 'change_id']).doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}
