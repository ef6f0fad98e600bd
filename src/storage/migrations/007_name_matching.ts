import { type Kysely, sql } from 'kysely';
import type { Engine } from './columns.js';

/**
 * Name matching (名寄せ): merging repoints every customer already merged into a customer that is
 * now merged itself (`merged_into`), and ingestion resolves events by email; without these
 * indexes each would scan every customer. The merged_into index is partial (merged rows only):
 * almost every customer has merged_into NULL, and a full index would tempt the planner into
 * reading it for every "merged_into IS NULL" list and scan.
 */
export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createIndex('customers_merged_into')
    .on('customers')
    .column('merged_into')
    .where(sql.ref('merged_into'), 'is not', null)
    .execute();
  await db.schema.createIndex('customers_email').on('customers').column('email').execute();
  await db.schema.createIndex('customers_phone').on('customers').column('phone').execute();
}
