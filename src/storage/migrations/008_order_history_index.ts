import type { Kysely } from 'kysely';
import type { Engine } from './columns.js';

/**
 * `mezame analyze` reads every customer's orders in (customer_id, ordered_at) order and needs
 * only is_refund, amount and category besides: with them in the index the aggregation is an
 * index-only scan, never a table lookup per order (orders imported in date order lie scattered
 * across the table, one random read per order without it). The wider index replaces
 * orders_customer_date, whose columns are its prefix, so imports still maintain one index.
 */
export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createIndex('orders_customer_history')
    .ifNotExists()
    .on('orders')
    .columns(['customer_id', 'ordered_at', 'is_refund', 'amount', 'category'])
    .execute();
  await db.schema.dropIndex('orders_customer_date').ifExists().execute();
}
