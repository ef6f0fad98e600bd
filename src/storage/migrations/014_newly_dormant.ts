import type { Kysely } from 'kysely';
import type { Engine } from './columns.js';

/**
 * Newly dormant customers straight from customer_state: each row keeps the customer's status in
 * the previous run and whether it entered dormancy in this one, so the dashboard's "newly dormant"
 * list is one index range in order of yearly value (it joined status history, customers and the
 * previous run's results for every change before: about a second at a million customers).
 * Rows written before this migration have nulls until the next `mezame analyze`.
 */
export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.alterTable('customer_state').addColumn('previous_status', 'text').execute();
  await db.schema.alterTable('customer_state').addColumn('newly_dormant', 'integer').execute();
  await db.schema
    .createIndex('customer_state_newly_dormant')
    .on('customer_state')
    .columns(['newly_dormant', 'yearly_value_yen', 'customer_id'])
    .execute();
}
