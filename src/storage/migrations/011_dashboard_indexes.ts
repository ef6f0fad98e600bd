import type { Kysely } from 'kysely';
import type { Engine } from './columns.js';

/**
 * Indexes for the dashboard's reads on customer_state: the company's reasons by lost yearly
 * revenue straight from the index (status, reason, value: no row is read), and the at-risk head
 * by expected value (also a status filter sorted by expected value in the customer list).
 * SQLite's result writer drops and rebuilds customer_state's indexes around each analysis run,
 * so each costs one index build per `mezame analyze`, not a per-row update.
 */
export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createIndex('customer_state_status_reason_value')
    .on('customer_state')
    .columns(['status', 'reason_category', 'yearly_value_yen'])
    .execute();
  await db.schema
    .createIndex('customer_state_status_expected_value')
    .on('customer_state')
    .columns(['status', 'expected_value'])
    .execute();
}
