import type { Kysely } from 'kysely';
import type { Engine } from './columns.js';

/**
 * Name matching (名寄せ): merging repoints every customer already merged into a customer that is
 * now merged itself (`merged_into`), and ingestion resolves events by email; without these
 * indexes each would scan every customer.
 */
export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.createIndex('customers_merged_into').on('customers').column('merged_into').execute();
  await db.schema.createIndex('customers_email').on('customers').column('email').execute();
  await db.schema.createIndex('customers_phone').on('customers').column('phone').execute();
}
