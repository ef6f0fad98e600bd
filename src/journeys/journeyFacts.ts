/**
 * What the runner reads about a batch of customers, in a few bulk queries per batch (never one
 * per customer): the facts the journey engine decides on (status, rank, reason from the latest
 * analysis; opens and clicks of the journey's own messages; purchases, unsubscribes and replies
 * since entering) and the details a message or task is written with (name, contact, last
 * product, the owner rep's name, where a message goes).
 *
 * Nothing dated after `now` is read: a run with --as-of sees the data as it was that day.
 */

import type { EnrolmentFacts } from '../core/act/journeyTypes.js';
import type { LifecycleStatus } from '../core/detect/lifecycleStatus.js';
import { isReasonCategory, type ReasonCategory } from '../core/diagnose/reasonCategories.js';
import type { Rank } from '../core/prioritise/defaults.js';
import { REPLY_EVENT_TYPES } from '../storage/journeyQueries.js';
import { actDb, chunked } from '../storage/journeyTables.js';
import type { Storage } from '../storage/storage.js';

/** Event types that mean the customer answered (SPEC: reply → hand over to sales). */
const REPLY_TYPES: readonly string[] = REPLY_EVENT_TYPES;
const REACTION_TYPES = ['email_open', 'email_click', 'sms_click'];

export interface CustomerRecord {
  customerId: string;
  name: string;
  kind: 'company' | 'person' | null;
  owner: string | null;
  email: string | null;
  phone: string | null;
  postalCode: string | null;
  prefecture: string | null;
  address: string | null;
  emailOptIn: number | null;
  smsOptIn: number | null;
  dmOk: number | null;
  doNotContact: number | null;
  status: LifecycleStatus | null;
  rank: Rank | null;
  reason: ReasonCategory | null;
  score: number | null;
  lastPurchaseDay: string | null;
}

/** Customers with their latest analysed state (null state fields before any analysis). */
export async function loadCustomers(
  storage: Storage,
  customerIds: readonly string[],
): Promise<Map<string, CustomerRecord>> {
  const out = new Map<string, CustomerRecord>();
  for (const ids of chunked([...new Set(customerIds)], 500)) {
    const rows = await actDb(storage)
      .selectFrom('customers as c')
      .leftJoin('customer_state as s', 's.customer_id', 'c.customer_id')
      .select([
        'c.customer_id',
        'c.name',
        'c.kind',
        'c.owner',
        'c.email',
        'c.phone',
        'c.postal_code',
        'c.prefecture',
        'c.address',
        'c.email_opt_in',
        'c.sms_opt_in',
        'c.dm_ok',
        'c.do_not_contact',
        's.status',
        's.rank',
        's.reason_category',
        's.score',
        's.last_purchase_day',
      ])
      .where('c.customer_id', 'in', ids)
      .execute();
    for (const r of rows) {
      out.set(r.customer_id, {
        customerId: r.customer_id,
        name: r.name,
        kind: r.kind === 'company' || r.kind === 'person' ? r.kind : null,
        owner: r.owner,
        email: r.email,
        phone: r.phone,
        postalCode: r.postal_code,
        prefecture: r.prefecture,
        address: r.address,
        emailOptIn: r.email_opt_in === null ? null : Number(r.email_opt_in),
        smsOptIn: r.sms_opt_in === null ? null : Number(r.sms_opt_in),
        dmOk: r.dm_ok === null ? null : Number(r.dm_ok),
        doNotContact: r.do_not_contact === null ? null : Number(r.do_not_contact),
        status: (r.status ?? null) as LifecycleStatus | null,
        rank: (r.rank ?? null) as Rank | null,
        reason: r.reason_category && isReasonCategory(r.reason_category) ? r.reason_category : null,
        score: r.score === null || r.score === undefined ? null : Number(r.score),
        lastPurchaseDay: r.last_purchase_day ?? null,
      });
    }
  }
  return out;
}

/** A customer's activity that journeys react to, up to `now`. */
export interface CustomerActivity {
  /** Latest non-refund order ('YYYY-MM-DD' or an instant, as imported). */
  lastOrderAt: string | null;
  lastUnsubscribeAt: string | null;
  lastReplyAt: string | null;
  /** Opens and clicks of messages: the message's idempotency key and the event type. */
  reactions: { campaign: string; type: string }[];
}

/** Orders and events of these customers up to `now`, in two queries per 500 customers. */
export async function loadActivity(
  storage: Storage,
  customerIds: readonly string[],
  now: Date,
): Promise<Map<string, CustomerActivity>> {
  const nowIso = now.toISOString();
  const out = new Map<string, CustomerActivity>();
  const entry = (id: string): CustomerActivity => {
    let a = out.get(id);
    if (!a) {
      a = { lastOrderAt: null, lastUnsubscribeAt: null, lastReplyAt: null, reactions: [] };
      out.set(id, a);
    }
    return a;
  };
  for (const ids of chunked([...new Set(customerIds)], 500)) {
    const [orders, events] = await Promise.all([
      actDb(storage)
        .selectFrom('orders')
        .select(['customer_id', (eb) => eb.fn.max('ordered_at').as('last')])
        .where('customer_id', 'in', ids)
        .where('is_refund', '=', 0)
        .where('ordered_at', '<=', nowIso)
        .groupBy('customer_id')
        .execute(),
      actDb(storage)
        .selectFrom('events')
        .select(['customer_id', 'type', 'campaign', 'occurred_at'])
        .where('customer_id', 'in', ids)
        .where('type', 'in', [...REACTION_TYPES, ...REPLY_TYPES, 'unsubscribe'])
        .where('occurred_at', '<=', nowIso)
        .execute(),
    ]);
    for (const o of orders) entry(o.customer_id).lastOrderAt = (o.last as string | null) ?? null;
    for (const e of events) {
      const a = entry(e.customer_id);
      if (e.type === 'unsubscribe') {
        if (!a.lastUnsubscribeAt || e.occurred_at > a.lastUnsubscribeAt) a.lastUnsubscribeAt = e.occurred_at;
      } else if (REPLY_TYPES.includes(e.type)) {
        if (!a.lastReplyAt || e.occurred_at > a.lastReplyAt) a.lastReplyAt = e.occurred_at;
      } else if (e.campaign) {
        a.reactions.push({ campaign: e.campaign, type: e.type });
      }
    }
  }
  return out;
}

/** True when `at` (a day or an instant) is on or after the instant `since` (a day counts whole). */
export function isSince(at: string | null, since: string): boolean {
  if (at === null) return false;
  return at.length <= 10 ? at >= since.slice(0, 10) : at >= since;
}

/**
 * The engine's facts for one enrolment. Clicks imply opens. A reaction counts for a step when its
 * campaign is this journey's key for this customer (`journey:customer:step`).
 */
export function enrolmentFacts(
  journeyId: string,
  customerId: string,
  enteredAt: string,
  customer: CustomerRecord | undefined,
  activity: CustomerActivity | undefined,
): EnrolmentFacts {
  const prefix = `${journeyId}:${customerId}:`;
  const opened = new Set<string>();
  const clicked = new Set<string>();
  for (const r of activity?.reactions ?? []) {
    if (!r.campaign.startsWith(prefix)) continue;
    const stepId = r.campaign.slice(prefix.length);
    opened.add(stepId);
    if (r.type !== 'email_open') clicked.add(stepId);
  }
  return {
    status: customer?.status ?? null,
    rank: customer?.rank ?? null,
    reason: customer?.reason ?? null,
    openedSteps: [...opened],
    clickedSteps: [...clicked],
    purchasedSince: isSince(activity?.lastOrderAt ?? null, enteredAt),
    unsubscribedSince: isSince(activity?.lastUnsubscribeAt ?? null, enteredAt),
    repliedSince: isSince(activity?.lastReplyAt ?? null, enteredAt),
  };
}

/** What a message or task is written with, beyond the customer row. */
export interface WritingDetails {
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  formerContactName: string | null;
  lastProduct: string | null;
  lastOrderDay: string | null;
  /** The owner rep's display name (users.owner_key = customers.owner), else the owner key. */
  repName: string | null;
}

/** Contacts, last product and rep names of the customers who get a message or task in a batch. */
export async function loadWritingDetails(
  storage: Storage,
  customers: readonly CustomerRecord[],
  now: Date,
): Promise<Map<string, WritingDetails>> {
  const out = new Map<string, WritingDetails>();
  const owners = [...new Set(customers.map((c) => c.owner).filter((o): o is string => o !== null))];
  const repNames = new Map<string, string>();
  for (const part of chunked(owners, 500)) {
    const users = await actDb(storage)
      .selectFrom('users')
      .select(['owner_key', 'display_name'])
      .where('owner_key', 'in', part)
      .where('disabled', '=', 0)
      .execute();
    for (const u of users) if (u.owner_key) repNames.set(u.owner_key, u.display_name);
  }
  for (const c of customers) {
    out.set(c.customerId, {
      contactName: null,
      contactEmail: null,
      contactPhone: null,
      formerContactName: null,
      lastProduct: null,
      lastOrderDay: null,
      repName: c.owner === null ? null : (repNames.get(c.owner) ?? c.owner),
    });
  }
  const nowIso = now.toISOString();
  for (const ids of chunked(
    customers.map((c) => c.customerId),
    500,
  )) {
    const [contacts, orders] = await Promise.all([
      actDb(storage)
        .selectFrom('contacts')
        .select(['customer_id', 'name', 'email', 'phone', 'status'])
        .where('customer_id', 'in', ids)
        .orderBy('customer_id')
        .orderBy('updated_at', 'desc')
        .execute(),
      actDb(storage)
        .selectFrom('orders')
        .select(['customer_id', 'ordered_at', 'product'])
        .where('customer_id', 'in', ids)
        .where('is_refund', '=', 0)
        .where('ordered_at', '<=', nowIso)
        .orderBy('customer_id')
        .orderBy('ordered_at', 'desc')
        .execute(),
    ]);
    for (const p of contacts) {
      const d = out.get(p.customer_id);
      if (!d) continue;
      if (p.status === 'left') {
        if (d.formerContactName === null) d.formerContactName = p.name;
      } else if (d.contactName === null && d.contactEmail === null) {
        d.contactName = p.name;
        d.contactEmail = p.email;
        d.contactPhone = p.phone;
      }
    }
    for (const o of orders) {
      const d = out.get(o.customer_id);
      if (!d || d.lastOrderDay !== null) continue;
      d.lastOrderDay = o.ordered_at.slice(0, 10);
      d.lastProduct = o.product;
    }
  }
  return out;
}
