/**
 * Per-customer aggregation for the analysis, in SQL inside the engine (SQLite and PostgreSQL,
 * the same statements). Customers are read in batches by customer_id (keyset pagination), and
 * every aggregate of a batch is a range query on the (customer_id, …) indexes, so memory holds
 * one batch of aggregates, never the orders, and the same queries run on a sharded PostgreSQL.
 *
 * As-of guarantee: orders, events, subscriptions, contacts changes and reason overrides dated
 * after the as-of day are invisible here (`< the day after as-of`, which also keeps instants
 * of the as-of day itself). Customers created after the as-of day with no order before it are
 * left out.
 */
import { type RawBuilder, sql } from 'kysely';
import {
  type CustomerAggregate,
  EMAIL_REACTION_TYPES,
  OUTBOUND_TYPES,
  REACTION_TYPES,
  TRACKED_EVENT_TYPES,
} from '../core/detect/customerFeatures.js';
import { addDays, dayNumber } from '../core/detect/isoDays.js';
import type { Storage } from './storage.js';

export const DEFAULT_BATCH_SIZE = 20_000;

export interface AggregateOptions {
  batchSize?: number;
  /** Only customers with customer_id >= from (inclusive). */
  from?: string;
  /** Only customers with customer_id < to (exclusive). */
  to?: string;
}

/** The windows every query compares against, all derived from the as-of day. */
interface AsOfWindows {
  asOf: string;
  /** Exclusive upper bound: the day after as-of. */
  next: string;
  /** Spend windows: the last 365 days start at last365From; the 365 before at prev365From. */
  last365From: string;
  prev365From: string;
  /** First day of the last 30 days of usage. */
  usageWindowStart: string;
}

function windowsFor(asOf: string): AsOfWindows {
  return {
    asOf,
    next: addDays(asOf, 1),
    last365From: addDays(asOf, -364),
    prev365From: addDays(asOf, -729),
    usageWindowStart: addDays(asOf, -29),
  };
}

/**
 * SQLite aggregates rows in the order it walks the (customer_id, ordered_at) index; an explicit
 * ORDER BY inside the aggregate costs a sort per group. PostgreSQL promises no order without it.
 */
function inOrderOf(storage: Storage): RawBuilder<unknown> {
  return storage.engine === 'postgres' ? sql`order by ordered_at` : sql``;
}

function num(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}
function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
/**
 * One shared string per distinct value: a million customers repeat a few thousand days, owners,
 * industries and categories, and the engine hands back a new string for each row. Sharing
 * them keeps the aggregates of every customer (held for the second pass) small.
 */
const INTERNED_LIMIT = 100_000;
const interned = new Map<string, string>();
function intern(value: string): string {
  const known = interned.get(value);
  if (known !== undefined) return known;
  if (interned.size >= INTERNED_LIMIT) interned.clear();
  interned.set(value, value);
  return value;
}
function internOrNull(value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : intern(value);
}
function dayOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.length >= 10 ? intern(value.slice(0, 10)) : null;
}
function inList(values: readonly string[]): RawBuilder<unknown> {
  return sql`(${sql.join(values.map((v) => sql`${v}`))})`;
}

interface BaseCustomer {
  customer_id: string;
  industry: string | null;
  owner: string | null;
  tags: string | null;
  created_at: string | null;
}

/**
 * On SQLite `+merged_into` keeps the planner off the merged_into index: with it, every page
 * read all unmerged customers and sorted them (0.25 s a page at a million customers); without
 * it, a page is a range read of the primary key.
 */
function unmerged(storage: Storage): RawBuilder<string | null> {
  return storage.engine === 'sqlite' ? sql<string | null>`+merged_into` : sql<string | null>`merged_into`;
}

/**
 * Streams every (unmerged) customer's aggregates as of `asOf`, a batch at a time, in
 * customer_id order.
 *
 * @example for await (const batch of customerAggregates(storage, '2025-03-31')) …
 */
export async function* customerAggregates(
  storage: Storage,
  asOf: string,
  options: AggregateOptions = {},
): AsyncGenerator<CustomerAggregate[]> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const w = windowsFor(asOf);
  const unmergedColumn = unmerged(storage);
  let after: string | null = null;
  for (;;) {
    let page = storage.db
      .selectFrom('customers')
      .select(['customer_id', 'industry', 'owner', 'tags', 'created_at'])
      .where(unmergedColumn, 'is', null)
      .orderBy('customer_id')
      .limit(batchSize);
    if (after !== null) page = page.where('customer_id', '>', after);
    else if (options.from !== undefined) page = page.where('customer_id', '>=', options.from);
    if (options.to !== undefined) page = page.where('customer_id', '<', options.to);
    const base: BaseCustomer[] = await page.execute();
    if (base.length === 0) return;
    const lo = (base[0] as BaseCustomer).customer_id;
    const hi = (base[base.length - 1] as BaseCustomer).customer_id;
    after = hi;
    yield (await aggregateBatch(storage, w, base, lo, hi)).aggregates;
    if (base.length < batchSize) return;
  }
}

/**
 * Where a batch reads its orders: by default the orders of its own customers; for an analysis
 * worker's chunk, every order of the customer_ids in [from, to) (null: unbounded) — what
 * episodeOrderRows reads for the chunk's past dormant episodes — with the purchases before
 * each of `spendBefore` summed, so one scan of the chunk's orders serves both.
 */
interface OrderSpan {
  from: string | null;
  to: string | null;
  spendBefore: readonly string[];
}

async function aggregateBatch(
  storage: Storage,
  w: AsOfWindows,
  base: BaseCustomer[],
  lo: string,
  hi: string,
  span?: OrderSpan,
): Promise<{ aggregates: CustomerAggregate[]; episodeRows: EpisodeOrderRow[] }> {
  const episodeRows: EpisodeOrderRow[] = [];
  const byId = new Map<string, CustomerAggregate>();
  for (const c of base) {
    byId.set(c.customer_id, {
      customerId: c.customer_id,
      industry: internOrNull(c.industry),
      owner: internOrNull(c.owner),
      tags: internOrNull(c.tags),
      mainCategory: null,
      firstPurchaseDay: null,
      lastPurchaseDay: null,
      purchaseDays: 0,
      intervals: [],
      netSpendYen: 0,
      spendLast365Yen: 0,
      spendPrev365Yen: 0,
      orderRows: 0,
      lastEventDay: {},
      unansweredEmails: 0,
      unansweredContacts: 0,
      subscriptions: 0,
      hasActiveSubscription: false,
      lastSubscriptionEndDay: null,
      lastCancelReason: null,
      contacts: 0,
      contactsLeft: 0,
      contactsLeftDay: null,
      usageLast30: null,
      usageBefore: null,
      firstUsageDayBefore: null,
      competitorMarkDay: null,
    });
  }
  const at = (id: string) => byId.get(id);
  // One connection at a time on SQLite; PostgreSQL runs the batch's queries side by side.
  const run = async <T>(tasks: (() => Promise<T>)[]): Promise<T[]> => {
    if (storage.engine === 'postgres') return Promise.all(tasks.map((t) => t()));
    const out: T[] = [];
    for (const t of tasks) out.push(await t());
    return out;
  };
  await run<void>([
    async () => {
      for (const r of await orderAggregates(storage, w, lo, hi, span)) {
        if (span && r.days !== null) {
          episodeRows.push({
            customer_id: r.customer_id,
            days: r.days,
            spend: span.spendBefore.map((_, k) => r[`spend${k}`] as number | string | null),
          });
        }
        const a = at(r.customer_id);
        if (!a) continue;
        const purchases = purchaseDaysOf(r.days);
        a.orderRows = num(r.order_rows);
        a.netSpendYen = num(r.net_spend);
        a.spendLast365Yen = num(r.spend_last_365);
        a.spendPrev365Yen = num(r.spend_prev_365);
        a.firstPurchaseDay = purchases.first;
        a.lastPurchaseDay = purchases.last;
        a.purchaseDays = purchases.count;
        a.intervals = purchases.intervals;
      }
    },
    async () => {
      for (const r of await mainCategories(storage, w, lo, hi)) {
        const a = at(r.customer_id);
        if (a) a.mainCategory = intern(r.category);
      }
    },
    async () => {
      for (const r of await lastEvents(storage, w, lo, hi)) {
        const a = at(r.customer_id);
        const day = dayOrNull(r.last_at);
        if (a && day) a.lastEventDay[intern(r.type)] = day;
      }
    },
    async () => {
      for (const r of await unansweredContacts(storage, w, lo, hi)) {
        const a = at(r.customer_id);
        if (!a) continue;
        a.unansweredEmails = num(r.unanswered_emails);
        a.unansweredContacts = num(r.unanswered_contacts);
      }
    },
    async () => {
      for (const r of await usageAggregates(storage, w, lo, hi)) {
        const a = at(r.customer_id);
        if (!a) continue;
        a.usageLast30 = numOrNull(r.usage_last_30);
        a.usageBefore = numOrNull(r.usage_before);
        a.firstUsageDayBefore = dayOrNull(r.first_before);
      }
    },
    async () => {
      for (const r of await subscriptionAggregates(storage, w, lo, hi)) {
        const a = at(r.customer_id);
        if (!a) continue;
        a.subscriptions = num(r.subscriptions);
        a.hasActiveSubscription = num(r.active) > 0;
        a.lastSubscriptionEndDay = a.hasActiveSubscription ? null : dayOrNull(r.last_end);
        a.lastCancelReason = a.hasActiveSubscription ? null : internOrNull(r.last_reason);
      }
    },
    async () => {
      for (const r of await contactAggregates(storage, w, lo, hi)) {
        const a = at(r.customer_id);
        if (!a) continue;
        a.contacts = num(r.contacts);
        a.contactsLeft = num(r.contacts_left);
        a.contactsLeftDay = dayOrNull(r.left_day);
      }
    },
    async () => {
      for (const r of await competitorMarks(storage, w, lo, hi)) {
        const a = at(r.customer_id);
        if (a) a.competitorMarkDay = dayOrNull(r.marked_at);
      }
    },
  ]);
  const out: CustomerAggregate[] = [];
  for (const c of base) {
    const a = byId.get(c.customer_id) as CustomerAggregate;
    const createdLater = c.created_at !== null && c.created_at >= w.next;
    if (createdLater && a.orderRows === 0) continue;
    out.push(a);
  }
  return { aggregates: out, episodeRows };
}

/**
 * An analysis worker's chunk — the unmerged customers from `from` up to `to` (exclusive, null:
 * to the end) — aggregated as of `asOf`, and the order rows of its past dormant episodes
 * (episodeOrderRows over [ordersFrom, to)) from the same scan of the orders.
 */
export async function chunkAggregates(
  storage: Storage,
  asOf: string,
  chunk: { from: string; to: string | null; ordersFrom: string | null },
  spendBefore: readonly string[],
): Promise<{ aggregates: CustomerAggregate[]; episodeRows: EpisodeOrderRow[] }> {
  const w = windowsFor(asOf);
  let page = storage.db
    .selectFrom('customers')
    .select(['customer_id', 'industry', 'owner', 'tags', 'created_at'])
    .where(unmerged(storage), 'is', null)
    .where('customer_id', '>=', chunk.from)
    .orderBy('customer_id');
  if (chunk.to !== null) page = page.where('customer_id', '<', chunk.to);
  const base: BaseCustomer[] = await page.execute();
  if (base.length === 0) return { aggregates: [], episodeRows: [] };
  const lo = (base[0] as BaseCustomer).customer_id;
  const hi = (base[base.length - 1] as BaseCustomer).customer_id;
  return aggregateBatch(storage, w, base, lo, hi, { from: chunk.ordersFrom, to: chunk.to, spendBefore });
}

interface OrderRow {
  customer_id: string;
  order_rows: number | string;
  net_spend: number | string | null;
  spend_last_365: number | string | null;
  spend_prev_365: number | string | null;
  days: string | null;
}

/**
 * One pass over the customer's orders in the index order (customer_id, ordered_at): net spend
 * (refunds are negative), the spend windows, and the days of the purchases (refunds excluded),
 * oldest first. The distinct days and the intervals between them are finished in TypeScript
 * (purchaseDaysOf): on SQLite this is 2.5× faster than a LAG window over the same rows
 * (measured on 700k orders), and the result is the same.
 */
async function orderAggregates(storage: Storage, w: AsOfWindows, lo: string, hi: string, span?: OrderSpan) {
  const sums = (span?.spendBefore ?? []).map(
    (day, k) =>
      sql`, sum(case when is_refund = 0 and ordered_at < ${day} then amount else 0 end) as ${sql.ref(`spend${k}`)}`,
  );
  const bound = (op: '>=' | '<' | '<=', id: string | null) =>
    id === null ? sql`` : sql`and customer_id ${sql.raw(op)} ${id}`;
  const lower = bound('>=', span ? span.from : lo);
  const upper = span ? bound('<', span.to) : bound('<=', hi);
  const query = sql<OrderRow & Record<string, unknown>>`
    select customer_id, count(*) as order_rows, sum(amount) as net_spend,
      sum(case when ordered_at >= ${w.last365From} then amount else 0 end) as spend_last_365,
      sum(case when ordered_at >= ${w.prev365From} and ordered_at < ${w.last365From} then amount else 0 end) as spend_prev_365,
      string_agg(case when is_refund = 0 then substr(ordered_at, 1, 10) end, ',' ${inOrderOf(storage)}) as days
      ${sql.join(sums, sql``)}
    from orders
    where ordered_at < ${w.next} ${lower} ${upper}
    group by customer_id`;
  return (await query.execute(storage.db)).rows;
}

/**
 * Distinct purchase days and the intervals between consecutive ones from the comma-separated
 * purchase days (sorted here if the engine did not keep the order).
 */
export function purchaseDaysOf(daysText: string | null): {
  first: string | null;
  last: string | null;
  count: number;
  intervals: number[];
} {
  if (!daysText) return { first: null, last: null, count: 0, intervals: [] };
  let days = daysText.split(',');
  for (let i = 1; i < days.length; i++) {
    if ((days[i] as string) < (days[i - 1] as string)) {
      days = days.sort();
      break;
    }
  }
  const intervals: number[] = [];
  let previous = days[0] as string;
  let previousNumber = dayNumber(previous);
  let count = 1;
  for (let i = 1; i < days.length; i++) {
    const day = days[i] as string;
    if (day === previous) continue;
    const n = dayNumber(day);
    intervals.push(n - previousNumber);
    previous = day;
    previousNumber = n;
    count++;
  }
  return { first: intern(days[0] as string), last: intern(previous), count, intervals };
}

/** The category with the largest net spend (ties: alphabetical). */
async function mainCategories(storage: Storage, w: AsOfWindows, lo: string, hi: string) {
  const query = sql<{ customer_id: string; category: string }>`
    select customer_id, category from (
      select customer_id, category,
        row_number() over (partition by customer_id order by sum(amount) desc, category) as place
      from orders
      where customer_id >= ${lo} and customer_id <= ${hi} and ordered_at < ${w.next} and category is not null
      group by customer_id, category
    ) ranked where place = 1`;
  return (await query.execute(storage.db)).rows;
}

async function lastEvents(storage: Storage, w: AsOfWindows, lo: string, hi: string) {
  const query = sql<{ customer_id: string; type: string; last_at: string }>`
    select customer_id, type, max(occurred_at) as last_at
    from events
    where customer_id >= ${lo} and customer_id <= ${hi} and type in ${inList(TRACKED_EVENT_TYPES)}
      and occurred_at < ${w.next}
    group by customer_id, type`;
  return (await query.execute(storage.db)).rows;
}

/** Emails sent after the last email reaction, and outbound contacts after the last reaction of any kind. */
async function unansweredContacts(storage: Storage, w: AsOfWindows, lo: string, hi: string) {
  const query = sql<{
    customer_id: string;
    unanswered_emails: number | string;
    unanswered_contacts: number | string;
  }>`
    with reactions as (
      select customer_id,
        max(case when type in ${inList(EMAIL_REACTION_TYPES)} then occurred_at end) as last_email_reaction,
        max(occurred_at) as last_reaction
      from events
      where customer_id >= ${lo} and customer_id <= ${hi} and type in ${inList(REACTION_TYPES)}
        and occurred_at < ${w.next}
      group by customer_id
    )
    select e.customer_id,
      sum(case when e.type = 'email_sent'
        and (r.last_email_reaction is null or e.occurred_at > r.last_email_reaction) then 1 else 0 end) as unanswered_emails,
      sum(case when r.last_reaction is null or e.occurred_at > r.last_reaction then 1 else 0 end) as unanswered_contacts
    from events e left join reactions r on r.customer_id = e.customer_id
    where e.customer_id >= ${lo} and e.customer_id <= ${hi} and e.type in ${inList(OUTBOUND_TYPES)}
      and e.occurred_at < ${w.next}
    group by e.customer_id`;
  return (await query.execute(storage.db)).rows;
}

async function usageAggregates(storage: Storage, w: AsOfWindows, lo: string, hi: string) {
  const query = sql<{
    customer_id: string;
    usage_last_30: number | string | null;
    usage_before: number | string | null;
    first_before: string | null;
  }>`
    select customer_id,
      sum(case when occurred_at >= ${w.usageWindowStart} then coalesce(value, 0) else 0 end) as usage_last_30,
      sum(case when occurred_at < ${w.usageWindowStart} then coalesce(value, 0) else 0 end) as usage_before,
      min(case when occurred_at < ${w.usageWindowStart} then occurred_at end) as first_before
    from events
    where customer_id >= ${lo} and customer_id <= ${hi} and type = 'usage' and occurred_at < ${w.next}
    group by customer_id`;
  return (await query.execute(storage.db)).rows;
}

/** Subscriptions started by as-of; one that ends after as-of was still running on that day. */
async function subscriptionAggregates(storage: Storage, w: AsOfWindows, lo: string, hi: string) {
  const query = sql<{
    customer_id: string;
    subscriptions: number | string;
    active: number | string;
    last_end: string | null;
    last_reason: string | null;
  }>`
    with s as (
      select customer_id, ended_at, cancel_reason,
        row_number() over (partition by customer_id order by ended_at desc, subscription_id) as place
      from subscriptions
      where customer_id >= ${lo} and customer_id <= ${hi} and started_at < ${w.next}
    )
    select customer_id, count(*) as subscriptions,
      sum(case when ended_at is null or ended_at >= ${w.next} then 1 else 0 end) as active,
      max(case when ended_at < ${w.next} then ended_at end) as last_end,
      max(case when place = 1 and ended_at < ${w.next} then cancel_reason end) as last_reason
    from s group by customer_id`;
  return (await query.execute(storage.db)).rows;
}

/**
 * Contact people and how many have left. A contact's status is undated unless updated_at says
 * when it was set: a "left" set after as-of is not known yet on that day.
 */
async function contactAggregates(storage: Storage, w: AsOfWindows, lo: string, hi: string) {
  const query = sql<{
    customer_id: string;
    contacts: number | string;
    contacts_left: number | string;
    left_day: string | null;
  }>`
    select customer_id, count(*) as contacts,
      sum(case when status = 'left' and (updated_at is null or updated_at < ${w.next}) then 1 else 0 end) as contacts_left,
      max(case when status = 'left' and updated_at < ${w.next} then updated_at end) as left_day
    from contacts
    where customer_id >= ${lo} and customer_id <= ${hi}
    group by customer_id`;
  return (await query.execute(storage.db)).rows;
}

/** The latest reason a person recorded as "switched to a competitor", by as-of. */
async function competitorMarks(storage: Storage, w: AsOfWindows, lo: string, hi: string) {
  const query = sql<{ customer_id: string; marked_at: string }>`
    select customer_id, max(created_at) as marked_at
    from reason_overrides
    where customer_id >= ${lo} and customer_id <= ${hi} and category = 'competitor' and created_at < ${w.next}
    group by customer_id`;
  return (await query.execute(storage.db)).rows;
}

export interface EpisodeOrderRow {
  customer_id: string;
  /** Purchase days (refunds excluded) before `until`, comma-separated, oldest first. */
  days: string | null;
  /** Purchases before each of `spendBefore`, in that order. */
  spend: (number | string | null)[];
}

/**
 * What the past dormant episodes of the reactivation model read from the orders of the
 * customer_ids in [from, to) (null: unbounded) — every customer_id of the orders table, like
 * pastDormantEpisodes — in one range scan for all snapshot days: the purchases (refunds
 * excluded) before `until`, their days, and the spend before each day of
 * `spendBefore`, summed like pastDormantEpisodes sums it.
 */
export async function episodeOrderRows(
  storage: Storage,
  until: string,
  spendBefore: readonly string[],
  from: string | null,
  to: string | null,
): Promise<EpisodeOrderRow[]> {
  const sums = spendBefore.map(
    (day, k) => sql`sum(case when ordered_at < ${day} then amount else 0 end) as ${sql.ref(`spend${k}`)}`,
  );
  const lower = from === null ? sql`` : sql`and customer_id >= ${from}`;
  const upper = to === null ? sql`` : sql`and customer_id < ${to}`;
  const query = sql<Record<string, unknown>>`
    select customer_id, string_agg(substr(ordered_at, 1, 10), ',' ${inOrderOf(storage)}) as days
      ${sums.length > 0 ? sql`, ${sql.join(sums)}` : sql``}
    from orders
    where is_refund = 0 and ordered_at < ${until} ${lower} ${upper}
    group by customer_id
    order by customer_id`;
  return (await query.execute(storage.db)).rows.map((r) => ({
    customer_id: r.customer_id as string,
    days: (r.days as string | null) ?? null,
    spend: spendBefore.map((_, k) => r[`spend${k}`] as number | string | null),
  }));
}
