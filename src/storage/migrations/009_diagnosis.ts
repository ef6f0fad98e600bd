import type { Kysely } from 'kysely';
import { type Engine, serialId } from './columns.js';

/**
 * Diagnosis and prioritisation results of `mezame analyze`: the score breakdown and the source of
 * the reactivation probability beside the columns 004 reserved, indexes for sorting lists by rank,
 * score, expected value and reason; the "reason resolved" flags of the improvement → re-approach
 * loop; saved customer segments with their latest count.
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema.alterTable('customer_state').addColumn('score_breakdown', 'text').execute();
  await db.schema.alterTable('customer_state').addColumn('reactivation_source', 'text').execute();
  await db.schema.alterTable('customer_state').addColumn('reason_resolved', 'integer').execute();
  await db.schema
    .createIndex('customer_state_rank_score')
    .on('customer_state')
    .columns(['rank', 'score'])
    .execute();
  await db.schema
    .createIndex('customer_state_expected_value')
    .on('customer_state')
    .column('expected_value')
    .execute();
  await db.schema
    .createIndex('customer_state_reason')
    .on('customer_state')
    .columns(['reason_category', 'status'])
    .execute();

  await db.schema
    .createTable('reapproach_flags')
    .addColumn('id', ...serialId(engine))
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('change_id', 'text', (c) => c.notNull())
    .addColumn('flagged_at', 'text', (c) => c.notNull())
    .addColumn('run_id', 'integer', (c) => c.notNull())
    .addColumn('reason_category', 'text', (c) => c.notNull())
    .addColumn('confidence', 'double precision', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('is_theme_confirmed', 'integer', (c) => c.notNull())
    .addColumn('line', 'text', (c) => c.notNull())
    .addUniqueConstraint('reapproach_flags_customer_change', ['customer_id', 'change_id'])
    .execute();
  await db.schema
    .createIndex('reapproach_flags_change')
    .on('reapproach_flags')
    .columns(['change_id', 'customer_id'])
    .execute();

  await db.schema
    .createTable('segments')
    .addColumn('id', ...serialId(engine))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('filter', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_count', 'integer')
    .addColumn('counted_at', 'text')
    .execute();
}
