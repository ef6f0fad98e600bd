import { type Kysely, sql } from 'kysely';
import type { Engine } from './columns.js';

/**
 * Newly dormant customers straight from customer_state: each row keeps the customer's status in
 * the previous run and whether it entered dormancy in this one, so the dashboard's "newly dormant"
 * list is one index range in order of yearly value (it joined status history, customers and the
 * previous run's results for every change before: about a second at a million customers).
 * Rows written before this migration are filled in from the previous run's stored results (the
 * latest finished run before theirs, as the analysis chooses it).
 */
/** The dormant statuses as of this migration (a migration does not follow later code). */
const DORMANT = ['early_dormant', 'mid_dormant', 'long_dormant'];

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.alterTable('customer_state').addColumn('previous_status', 'text').execute();
  await db.schema.alterTable('customer_state').addColumn('newly_dormant', 'integer').execute();
  await sql`update customer_state set previous_status = (
      select p.status from customer_run_results p
      where p.customer_id = customer_state.customer_id and p.run_id = (
        select r.id from analysis_runs r
        where r.status = 'done' and r.as_of < customer_state.as_of
        order by r.as_of desc, r.id desc limit 1))`.execute(db);
  await sql`update customer_state set newly_dormant = case
      when status in (${sql.join(DORMANT.map((s) => sql.lit(s)))})
        and previous_status is not null
        and previous_status not in (${sql.join(DORMANT.map((s) => sql.lit(s)))}) then 1
      else 0 end`.execute(db);
  await db.schema
    .createIndex('customer_state_newly_dormant')
    .on('customer_state')
    .columns(['newly_dormant', 'yearly_value_yen', 'customer_id'])
    .execute();
}
