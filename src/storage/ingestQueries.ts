/**
 * Ingestion of orders and events pushed by other systems. Idempotent by external id: a row
 * whose order_id / event_id is already stored is counted as a duplicate and left as it is.
 * Rows for unknown customers are rejected (reported, not stored).
 */
import type { Storage } from './storage.js';

export interface IngestOrder {
  order_id: string;
  customer_id: string;
  ordered_at: string;
  amount: number;
  gross_margin?: number | null | undefined;
  product?: string | null | undefined;
  category?: string | null | undefined;
  quantity?: number | null | undefined;
  channel?: string | null | undefined;
}

export interface IngestEvent {
  event_id: string;
  customer_id?: string | undefined;
  email?: string | undefined;
  type: string;
  occurred_at: string;
  channel?: string | null | undefined;
  campaign?: string | null | undefined;
  url?: string | null | undefined;
  text?: string | null | undefined;
  value?: number | null | undefined;
  properties?: Record<string, unknown> | null | undefined;
}

export interface IngestRejection {
  index: number;
  field: string;
  message: string;
}

export interface IngestResult {
  received: number;
  inserted: number;
  duplicates: number;
  rejected: IngestRejection[];
}

const CHUNK = 500;

async function existingCustomers(storage: Storage, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await storage.db
      .selectFrom('customers')
      .select('customer_id')
      .where('customer_id', 'in', unique.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) found.add(r.customer_id);
  }
  return found;
}

async function customersByEmail(storage: Storage, emails: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const unique = [...new Set(emails.map((e) => e.trim().toLowerCase()))];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await storage.db
      .selectFrom('customers')
      .select(['customer_id', 'email'])
      .where('email', 'in', unique.slice(i, i + CHUNK))
      .where('merged_into', 'is', null)
      .execute();
    for (const r of rows) if (r.email) found.set(r.email.toLowerCase(), r.customer_id);
  }
  return found;
}

export async function ingestOrders(storage: Storage, orders: IngestOrder[]): Promise<IngestResult> {
  const known = await existingCustomers(
    storage,
    orders.map((o) => o.customer_id),
  );
  const rejected: IngestRejection[] = [];
  let inserted = 0;
  await storage.db.transaction().execute(async (trx) => {
    for (const [index, order] of orders.entries()) {
      if (!known.has(order.customer_id)) {
        rejected.push({
          index,
          field: 'customer_id',
          message: `unknown customer ${order.customer_id}; import the customer first`,
        });
        continue;
      }
      const result = await trx
        .insertInto('orders')
        .values({
          order_id: order.order_id,
          customer_id: order.customer_id,
          ordered_at: order.ordered_at,
          amount: order.amount,
          gross_margin: order.gross_margin ?? null,
          product: order.product ?? null,
          category: order.category ?? null,
          quantity: order.quantity ?? null,
          channel: order.channel ?? null,
          is_refund: order.amount < 0 ? 1 : 0,
          import_batch_id: null,
        })
        .onConflict((oc) => oc.column('order_id').doNothing())
        .executeTakeFirst();
      inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
    }
  });
  const accepted = orders.length - rejected.length;
  return { received: orders.length, inserted, duplicates: accepted - inserted, rejected };
}

export async function ingestEvents(storage: Storage, events: IngestEvent[]): Promise<IngestResult> {
  const known = await existingCustomers(
    storage,
    events.flatMap((e) => (e.customer_id ? [e.customer_id] : [])),
  );
  const byEmail = await customersByEmail(
    storage,
    events.flatMap((e) => (!e.customer_id && e.email ? [e.email] : [])),
  );
  const rejected: IngestRejection[] = [];
  let inserted = 0;
  await storage.db.transaction().execute(async (trx) => {
    for (const [index, event] of events.entries()) {
      const customerId = event.customer_id ?? byEmail.get((event.email ?? '').trim().toLowerCase());
      if (!customerId || (event.customer_id && !known.has(event.customer_id))) {
        const field = event.customer_id ? 'customer_id' : 'email';
        rejected.push({ index, field, message: `no customer matches this ${field}` });
        continue;
      }
      const result = await trx
        .insertInto('events')
        .values({
          event_id: event.event_id,
          customer_id: customerId,
          type: event.type,
          occurred_at: event.occurred_at,
          channel: event.channel ?? null,
          campaign: event.campaign ?? null,
          url: event.url ?? null,
          text: event.text ?? null,
          value: event.value ?? null,
          properties: event.properties ? JSON.stringify(event.properties) : null,
          import_batch_id: null,
        })
        .onConflict((oc) => oc.column('event_id').doNothing())
        .executeTakeFirst();
      inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
    }
  });
  const accepted = events.length - rejected.length;
  return { received: events.length, inserted, duplicates: accepted - inserted, rejected };
}
