/**
 * The outbox (messages, migration 015_journeys) and the tracking that reports on it.
 *
 * Functions: insertMessages, insertMessagesReturningIds, fillMessageBodies, claimDueMessages, markMessageSent, markMessageHeld,
 * markMessageFailed, markMessageSuppressed, markMessageDeferred, recoverInterruptedSends,
 * listMessages, getMessage, dmMessages, recentSends, contactBlocks, getTrackingSecret,
 * recordTrackingEvent.
 *
 * A message is queued once per idempotency key (journey:customer:step): inserting it again is a
 * no-op. The dispatcher claims due queued messages (queued → sending, attempts + 1) in a
 * transaction, and every outcome moves a message out of 'sending'; rows a crash leaves in
 * 'sending' become 'unknown' and are never re-sent automatically (the provider may have them).
 * Tracking events go to `events` with campaign = the message's idempotency key, one per kind
 * (event_id msg-<id>-<kind>), so an open pixel loaded ten times counts once.
 */
import { randomBytes } from 'node:crypto';
import { type Kysely, type SqlBool, sql } from 'kysely';
import type { CustomerScope } from './customerQueries.js';
import { type ActDatabase, actDb, chunked, type MessageStatus, type MessagesTable } from './journeyTables.js';
import type { Storage } from './storage.js';

export type MessageRow = Omit<MessagesTable, 'id'> & { id: number };
export type NewMessage = Omit<MessagesTable, 'id' | 'attempts' | 'sent_at' | 'provider_id' | 'last_error'>;

/**
 * Queues messages; a message whose idempotency key is already in the outbox is skipped.
 * Returns how many were added. Takes a database or a transaction.
 */
export async function insertMessages(
  db: Kysely<ActDatabase>,
  messages: readonly NewMessage[],
): Promise<number> {
  let inserted = 0;
  for (const part of chunked(messages, 200)) {
    const result = await db
      .insertInto('messages')
      .values(part.map((m) => ({ ...m, attempts: 0, sent_at: null, provider_id: null, last_error: null })))
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

/** A queued message's rendered content, written after its id is known (tracking links carry the id). */
export interface MessageBody {
  id: number;
  subject: string | null;
  body_text: string;
  body_html: string | null;
  coupon_code: string | null;
  coupon_expires: string | null;
}

/**
 * Queues messages and returns the id of each one added (already queued keys are left out), so
 * the caller can render them with their signed links. Takes a database or a transaction.
 */
export async function insertMessagesReturningIds(
  db: Kysely<ActDatabase>,
  messages: readonly NewMessage[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const part of chunked(messages, 200)) {
    const rows = await db
      .insertInto('messages')
      .values(part.map((m) => ({ ...m, attempts: 0, sent_at: null, provider_id: null, last_error: null })))
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning(['id', 'idempotency_key'])
      .execute();
    for (const r of rows) ids.set(r.idempotency_key, Number(r.id));
  }
  return ids;
}

/** Writes rendered content into queued messages, one statement per 200 (UPDATE … FROM VALUES). */
export async function fillMessageBodies(
  db: Kysely<ActDatabase>,
  bodies: readonly MessageBody[],
): Promise<void> {
  for (const part of chunked(bodies, 200)) {
    const values = sql.join(
      part.map(
        (b) =>
          sql`(cast(${b.id} as integer), ${b.subject}, ${b.body_text}, ${b.body_html}, ${b.coupon_code}, ${b.coupon_expires})`,
      ),
    );
    await sql`with v (id, subject, body_text, body_html, coupon_code, coupon_expires) as (values ${values})
      update messages set subject = v.subject, body_text = v.body_text, body_html = v.body_html,
        coupon_code = v.coupon_code, coupon_expires = v.coupon_expires
      from v where messages.id = v.id`.execute(db);
  }
}

function toMessage<T extends { id: number | string; attempts: number | string }>(row: T): T & { id: number } {
  return { ...row, id: Number(row.id), attempts: Number(row.attempts) };
}

/**
 * Claims up to `limit` queued messages due at `now` for sending: status → sending, attempts + 1,
 * in one transaction (on PostgreSQL rows another process is claiming are skipped). Only the
 * claimed rows come back, so two dispatchers never send the same message.
 */
export async function claimDueMessages(
  storage: Storage,
  options: { now: string; limit: number },
): Promise<MessageRow[]> {
  const rows = await actDb(storage)
    .transaction()
    .execute(async (trx) => {
      let select = trx
        .selectFrom('messages')
        .select('id')
        .where('status', '=', 'queued')
        .where('due_at', '<=', options.now)
        .orderBy('due_at')
        .orderBy('id')
        .limit(options.limit);
      if (storage.engine === 'postgres') select = select.forUpdate().skipLocked();
      const ids = (await select.execute()).map((r) => Number(r.id));
      if (ids.length === 0) return [];
      return (
        trx
          .updateTable('messages')
          // due_at of a message being sent is when it was claimed (see recoverInterruptedSends).
          .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), due_at: options.now }))
          .where('id', 'in', ids)
          .where('status', '=', 'queued')
          .returningAll()
          .execute()
      );
    });
  return rows.map((r) => toMessage(r) as MessageRow).sort((a, b) => a.id - b.id);
}

async function finish(
  storage: Storage,
  id: number,
  values: Partial<Omit<MessagesTable, 'id'>>,
  from: MessageStatus = 'sending',
): Promise<boolean> {
  const result = await actDb(storage)
    .updateTable('messages')
    .set(values)
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function markMessageSent(storage: Storage, id: number, providerId: string | null, at: string) {
  return finish(storage, id, {
    status: 'sent',
    status_reason: null,
    sent_at: at,
    provider_id: providerId,
    last_error: null,
  });
}

/** No transport for the channel (embedded mode, postal DM): stays in the outbox for a person. */
export function markMessageHeld(storage: Storage, id: number, reason: string) {
  return finish(storage, id, { status: 'held', status_reason: reason });
}

export function markMessageFailed(storage: Storage, id: number, reason: string, error: string | null) {
  return finish(storage, id, { status: 'failed', status_reason: reason, last_error: error });
}

/** The contact policy said no for good (consent, unsubscribed, bounced, do not contact, no address). */
export function markMessageSuppressed(storage: Storage, id: number, reason: string) {
  return finish(storage, id, { status: 'suppressed', status_reason: reason });
}

/** Back to queued, due later: quiet hours, a frequency cap, or a transport error to retry. */
export function markMessageDeferred(
  storage: Storage,
  id: number,
  until: string,
  reason: string,
  error: string | null = null,
) {
  return finish(storage, id, { status: 'queued', due_at: until, status_reason: reason, last_error: error });
}

/**
 * After a crash: messages left in 'sending' (claimed before `claimedBefore`, so a dispatcher of
 * another process still at work keeps its rows) become 'unknown' — the provider may or may not
 * have them — and are never re-sent automatically; a person looks at them in the outbox.
 * Returns how many.
 */
export async function recoverInterruptedSends(storage: Storage, claimedBefore: string): Promise<number> {
  const result = await actDb(storage)
    .updateTable('messages')
    .set({ status: 'unknown', status_reason: 'interrupted' })
    .where('status', '=', 'sending')
    .where('due_at', '<', claimedBefore)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface MessageFilters {
  channel?: string | undefined;
  status?: string | undefined;
  journeyId?: string | undefined;
  customerId?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export interface MessageListItem {
  id: number;
  customer_id: string;
  customer_name: string;
  channel: string;
  subject: string | null;
  status: MessageStatus;
  status_reason: string | null;
  journey_id: string | null;
  step_id: string | null;
  template_id: string;
  created_at: string;
  sent_at: string | null;
}

export interface MessageList {
  messages: MessageListItem[];
  total: number;
  /** by_status counts every status under the other filters, by_channel every channel alike. */
  counts: { by_status: Record<string, number>; by_channel: Record<string, number> };
}

// biome-ignore lint/suspicious/noExplicitAny: the joined query's row type is spelled by Kysely.
function inScope<Q extends { where: (...args: any[]) => Q }>(query: Q, scope: CustomerScope): Q {
  if (!scope) return query;
  const where = query.where as unknown as (ref: unknown, op?: unknown, value?: unknown) => Q;
  return scope.ownerKey === null
    ? where.call(query, sql<SqlBool>`1 = 0`)
    : where.call(query, 'c.owner', '=', scope.ownerKey);
}

function filtered(
  storage: Storage,
  scope: CustomerScope,
  filters: MessageFilters,
  skip?: 'status' | 'channel',
) {
  let query = inScope(
    actDb(storage).selectFrom('messages as m').innerJoin('customers as c', 'c.customer_id', 'm.customer_id'),
    scope,
  );
  if (filters.channel !== undefined && skip !== 'channel')
    query = query.where('m.channel', '=', filters.channel as never);
  if (filters.status !== undefined && skip !== 'status')
    query = query.where('m.status', '=', filters.status as never);
  if (filters.journeyId !== undefined) query = query.where('m.journey_id', '=', filters.journeyId);
  if (filters.customerId !== undefined) query = query.where('m.customer_id', '=', filters.customerId);
  return query;
}

/**
 * The outbox in the caller's scope (a sales rep sees only their own accounts' messages), newest
 * first, with the total and counts by status and by channel.
 */
export async function listMessages(
  storage: Storage,
  scope: CustomerScope,
  filters: MessageFilters = {},
): Promise<MessageList> {
  const limit = Math.min(Math.max(filters.limit ?? 50, 0), 500);
  const [rows, total, byStatus, byChannel] = await Promise.all([
    filtered(storage, scope, filters)
      .select([
        'm.id',
        'm.customer_id',
        'c.name as customer_name',
        'm.channel',
        'm.subject',
        'm.status',
        'm.status_reason',
        'm.journey_id',
        'm.step_id',
        'm.template_id',
        'm.created_at',
        'm.sent_at',
      ])
      .orderBy('m.id', 'desc')
      .limit(limit)
      .offset(Math.max(filters.offset ?? 0, 0))
      .execute(),
    filtered(storage, scope, filters)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirst(),
    filtered(storage, scope, filters, 'status')
      .select(['m.status as key', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy('m.status')
      .execute(),
    filtered(storage, scope, filters, 'channel')
      .select(['m.channel as key', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy('m.channel')
      .execute(),
  ]);
  return {
    messages: rows.map((r) => ({ ...r, id: Number(r.id) })),
    total: Number(total?.n ?? 0),
    counts: {
      by_status: Object.fromEntries(byStatus.map((r) => [r.key, Number(r.n)])),
      by_channel: Object.fromEntries(byChannel.map((r) => [r.key, Number(r.n)])),
    },
  };
}

export interface MessageDetail extends MessageListItem {
  idempotency_key: string;
  locale: string;
  to_address: string | null;
  body_text: string;
  body_html: string | null;
  variant: string | null;
  coupon_code: string | null;
  coupon_expires: string | null;
  due_at: string;
  attempts: number;
  provider_id: string | null;
  last_error: string | null;
  events: { type: string; occurred_at: string; url: string | null }[];
}

/** One message in the caller's scope with its tracking events (oldest first); undefined otherwise. */
export async function getMessage(
  storage: Storage,
  scope: CustomerScope,
  id: number,
): Promise<MessageDetail | undefined> {
  const row = await filtered(storage, scope, {})
    .selectAll('m')
    .select('c.name as customer_name')
    .where('m.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const events = await actDb(storage)
    .selectFrom('events')
    .select(['type', 'occurred_at', 'url'])
    .where('campaign', '=', row.idempotency_key)
    .where('customer_id', '=', row.customer_id)
    .orderBy('occurred_at')
    .execute();
  return {
    id: Number(row.id),
    idempotency_key: row.idempotency_key,
    customer_id: row.customer_id,
    customer_name: row.customer_name,
    channel: row.channel,
    locale: row.locale,
    subject: row.subject,
    status: row.status,
    status_reason: row.status_reason,
    journey_id: row.journey_id,
    step_id: row.step_id,
    template_id: row.template_id,
    created_at: row.created_at,
    sent_at: row.sent_at,
    to_address: row.to_address,
    body_text: row.body_text,
    body_html: row.body_html,
    variant: row.variant,
    coupon_code: row.coupon_code,
    coupon_expires: row.coupon_expires,
    due_at: row.due_at,
    attempts: Number(row.attempts),
    provider_id: row.provider_id,
    last_error: row.last_error,
    events,
  };
}

export interface DmMessage {
  id: number;
  customer_id: string;
  customer_name: string;
  kind: string;
  postal_code: string | null;
  prefecture: string | null;
  address: string | null;
  contact_name: string | null;
  department: string | null;
  subject: string | null;
  body_text: string;
  coupon_code: string | null;
  status: MessageStatus;
}

/**
 * Postal DM messages waiting for the mailing list (queued or held) in the caller's scope, with
 * the customer's address and active contact (the latest updated), by id.
 */
export async function dmMessages(storage: Storage, scope: CustomerScope): Promise<DmMessage[]> {
  const rows = await filtered(storage, scope, { channel: 'dm' })
    .where('m.status', 'in', ['queued', 'held'])
    .select([
      'm.id',
      'm.customer_id',
      'c.name as customer_name',
      'c.kind',
      'c.postal_code',
      'c.prefecture',
      'c.address',
      'm.subject',
      'm.body_text',
      'm.coupon_code',
      'm.status',
    ])
    .orderBy('m.id')
    .execute();
  const contacts = new Map<string, { name: string | null; department: string | null }>();
  for (const ids of chunked([...new Set(rows.map((r) => r.customer_id))], 500)) {
    const found = await actDb(storage)
      .selectFrom('contacts')
      .select(['customer_id', 'name', 'department'])
      .where('customer_id', 'in', ids)
      .where((eb) => eb.or([eb('status', 'is', null), eb('status', '=', 'active')]))
      .orderBy('customer_id')
      .orderBy('updated_at', 'desc')
      .execute();
    for (const c of found) if (!contacts.has(c.customer_id)) contacts.set(c.customer_id, c);
  }
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    contact_name: contacts.get(r.customer_id)?.name ?? null,
    department: contacts.get(r.customer_id)?.department ?? null,
  }));
}

/** Messages sent to these customers since `since` (for frequency caps), by customer. */
export async function recentSends(
  storage: Storage,
  customerIds: readonly string[],
  since: string,
): Promise<Map<string, { channel: string; at: string }[]>> {
  const out = new Map<string, { channel: string; at: string }[]>();
  for (const ids of chunked([...new Set(customerIds)], 500)) {
    const rows = await actDb(storage)
      .selectFrom('messages')
      .select(['customer_id', 'channel', 'sent_at'])
      .where('customer_id', 'in', ids)
      .where('status', '=', 'sent')
      .where('sent_at', '>=', since)
      .execute();
    for (const r of rows) {
      const list = out.get(r.customer_id) ?? [];
      list.push({ channel: r.channel, at: r.sent_at as string });
      out.set(r.customer_id, list);
    }
  }
  return out;
}

/** Customers who unsubscribed (any channel: no more marketing messages) or whose email bounced. */
export async function contactBlocks(
  storage: Storage,
  customerIds: readonly string[],
): Promise<{ unsubscribed: Set<string>; bounced: Set<string> }> {
  const unsubscribed = new Set<string>();
  const bounced = new Set<string>();
  for (const ids of chunked([...new Set(customerIds)], 500)) {
    const rows = await actDb(storage)
      .selectFrom('events')
      .select(['customer_id', 'type'])
      .distinct()
      .where('customer_id', 'in', ids)
      .where('type', 'in', ['unsubscribe', 'email_bounce'])
      .execute();
    for (const r of rows) (r.type === 'unsubscribe' ? unsubscribed : bounced).add(r.customer_id);
  }
  return { unsubscribed, bounced };
}

const TRACKING_SECRET_KEY = 'tracking_secret';

/**
 * The secret that signs tracking links and makes coupon codes: MEZAME_SECRET when set, else a
 * random one generated on first use and kept in settings (insert-or-ignore: two processes
 * starting together end up with the same one). Never in the repository or in logs.
 */
export async function getTrackingSecret(
  storage: Storage,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const fromEnv = env.MEZAME_SECRET;
  if (fromEnv && fromEnv.length > 0) return fromEnv;
  const db = actDb(storage);
  const read = () =>
    db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', TRACKING_SECRET_KEY)
      .orderBy('version')
      .limit(1)
      .executeTakeFirst();
  const existing = await read();
  if (existing) return JSON.parse(existing.value) as string;
  await db
    .insertInto('settings')
    .values({
      key: TRACKING_SECRET_KEY,
      version: 1,
      value: JSON.stringify(randomBytes(32).toString('base64url')),
      created_at: new Date().toISOString(),
      created_by: 'mezame',
    })
    .onConflict((oc) => oc.columns(['key', 'version']).doNothing())
    .execute();
  const stored = await read();
  if (!stored) throw new Error('the tracking secret could not be stored in settings');
  return JSON.parse(stored.value) as string;
}

export type TrackingKind = 'open' | 'click' | 'unsubscribe' | 'bounce';

function eventType(kind: TrackingKind, channel: string): string {
  if (kind === 'open') return 'email_open';
  if (kind === 'click') return channel === 'sms' ? 'sms_click' : 'email_click';
  if (kind === 'unsubscribe') return 'unsubscribe';
  return 'email_bounce';
}

export interface TrackingEventResult {
  /** false: this kind was already recorded for the message (idempotent). */
  recorded: boolean;
  customerId: string;
  type: string;
}

/**
 * Records a tracking event of a message in `events` (campaign = its idempotency key), once per
 * kind. An unsubscribe makes the dispatcher suppress every later message to the customer, and
 * ends their journeys that exit on unsubscribe. Returns null when no such message exists.
 */
export async function recordTrackingEvent(
  storage: Storage,
  messageId: number,
  kind: TrackingKind,
  at: string,
  url: string | null = null,
): Promise<TrackingEventResult | null> {
  const db = actDb(storage);
  const message = await db
    .selectFrom('messages')
    .select(['id', 'customer_id', 'channel', 'idempotency_key', 'journey_id'])
    .where('id', '=', messageId)
    .executeTakeFirst();
  if (!message) return null;
  const type = eventType(kind, message.channel);
  const result = await db
    .insertInto('events')
    .values({
      event_id: `msg-${messageId}-${kind}`,
      customer_id: message.customer_id,
      type,
      occurred_at: at,
      channel: message.channel,
      campaign: message.idempotency_key,
      url,
      text: null,
      value: null,
      properties: message.journey_id ? JSON.stringify({ journey_id: message.journey_id }) : null,
      import_batch_id: null,
    })
    .onConflict((oc) => oc.column('event_id').doNothing())
    .executeTakeFirst();
  return {
    recorded: Number(result.numInsertedOrUpdatedRows ?? 0) === 1,
    customerId: message.customer_id,
    type,
  };
}
