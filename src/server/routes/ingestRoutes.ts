/**
 * Ingestion endpoints for other systems (EC platform, SFA): orders and events as one JSON
 * object or an array, with an API token holding the `ingest` scope. Re-sending a row with
 * the same external id does nothing (idempotent).
 */
import { z } from 'zod';
import { recordAudit } from '../../storage/accountQueries.js';
import { ingestEvents, ingestOrders } from '../../storage/ingestQueries.js';
import { actorOf } from '../auth.js';
import type { RouteTable, ServerDeps } from '../routeTable.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const dateText = z
  .string()
  .trim()
  .refine(
    (v) =>
      (DAY.test(v) || INSTANT.test(v)) && !Number.isNaN(Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v)),
    {
      message: 'expected a date like 2026-03-31 or an ISO instant like 2026-03-31T09:30:00+09:00',
    },
  );
const id = z.string().trim().min(1).max(200);
const optionalText = z.string().max(2000).nullable().optional();
const optionalNumber = z.number().finite().nullable().optional();

export const IngestOrder = z.object({
  order_id: id,
  customer_id: id,
  ordered_at: dateText,
  amount: z.number().finite(),
  gross_margin: optionalNumber,
  product: optionalText,
  category: optionalText,
  quantity: optionalNumber,
  channel: optionalText,
});
export const IngestEvent = z
  .object({
    event_id: id,
    customer_id: id.optional(),
    email: z.string().trim().max(320).optional(),
    type: z.string().trim().min(1).max(100),
    occurred_at: dateText,
    channel: optionalText,
    campaign: optionalText,
    url: optionalText,
    text: z.string().max(20_000).nullable().optional(),
    value: optionalNumber,
    properties: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .refine((e) => e.customer_id !== undefined || e.email !== undefined, {
    message: 'give customer_id or email',
    path: ['customer_id'],
  });

function batchOf<T extends z.ZodType>(row: T, max: number) {
  return z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(row).min(1).max(max));
}

const INGEST = { kind: 'token', scope: 'ingest' } as const;

export function registerIngestRoutes(
  table: RouteTable,
  { storage, config }: ServerDeps,
  onDataChanged: () => void,
): void {
  table.define(
    {
      method: 'POST',
      url: '/api/ingest/orders',
      summary: 'Push orders (one object or an array); idempotent by order_id',
      tag: 'ingest',
      access: INGEST,
      body: batchOf(IngestOrder, config.maxIngestBatch),
    },
    async ({ body, principal, now }) => {
      const result = await ingestOrders(storage, body);
      if (result.inserted > 0) onDataChanged();
      await recordAudit(storage, {
        at: now.toISOString(),
        actor: actorOf(principal),
        action: 'ingest.orders',
        entity: 'orders',
        entityId: '*',
        details: { received: result.received, inserted: result.inserted, rejected: result.rejected.length },
      });
      return result;
    },
  );

  table.define(
    {
      method: 'POST',
      url: '/api/ingest/events',
      summary: 'Push events (one object or an array); idempotent by event_id',
      tag: 'ingest',
      access: INGEST,
      body: batchOf(IngestEvent, config.maxIngestBatch),
    },
    async ({ body, principal, now }) => {
      const result = await ingestEvents(storage, body);
      if (result.inserted > 0) onDataChanged();
      await recordAudit(storage, {
        at: now.toISOString(),
        actor: actorOf(principal),
        action: 'ingest.events',
        entity: 'events',
        entityId: '*',
        details: { received: result.received, inserted: result.inserted, rejected: result.rejected.length },
      });
      return result;
    },
  );
}
