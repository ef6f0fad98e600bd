import type { Kysely } from 'kysely';
import { type Engine, serialId } from './columns.js';

/**
 * Results of `mezame analyze`: one row per run, the current state of every customer (the
 * features the lists filter and sort by as real columns, plus the diagnosis/prioritisation
 * fields filled by later steps), per-run results (so health and status can be compared
 * across runs) and the status history ("newly dormant this month" is a query on it).
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema
    .createTable('analysis_runs')
    .addColumn('id', ...serialId(engine))
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('definition_version', 'text')
    .addColumn('bgnbd', 'text')
    .addColumn('summary', 'text')
    .execute();
  await db.schema
    .createIndex('analysis_runs_as_of')
    .on('analysis_runs')
    .columns(['status', 'as_of'])
    .execute();

  await db.schema
    .createTable('customer_state')
    .addColumn('customer_id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'integer', (c) => c.notNull())
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('owner', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_since', 'text', (c) => c.notNull())
    .addColumn('lost_reason', 'text')
    .addColumn('return_day', 'text')
    .addColumn('first_purchase_day', 'text')
    .addColumn('last_purchase_day', 'text')
    .addColumn('purchase_days', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('days_since_last_purchase', 'integer')
    .addColumn('purchase_cycle_days', 'double precision')
    .addColumn('cycle_source', 'text')
    .addColumn('overdue_ratio', 'double precision')
    .addColumn('p_alive', 'double precision')
    .addColumn('expected_purchases_90d', 'double precision')
    .addColumn('health_score', 'integer')
    .addColumn('health_level', 'text')
    .addColumn('gap_alert', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('yearly_value_yen', 'double precision')
    .addColumn('total_spend_yen', 'double precision')
    .addColumn('spend_last_365d_yen', 'double precision')
    .addColumn('yoy_spend_ratio', 'double precision')
    .addColumn('unanswered_emails', 'integer')
    .addColumn('days_since_last_reaction', 'integer')
    .addColumn('main_category', 'text')
    .addColumn('health_breakdown', 'text')
    // Filled by the diagnosis and prioritisation steps.
    .addColumn('reason_category', 'text')
    .addColumn('reason_confidence', 'double precision')
    .addColumn('reason_evidence', 'text')
    .addColumn('score', 'double precision')
    .addColumn('rank', 'text')
    .addColumn('reactivation_probability', 'double precision')
    .addColumn('expected_value', 'double precision')
    .addColumn('recommended_channels', 'text')
    .execute();
  await db.schema
    .createIndex('customer_state_status')
    .on('customer_state')
    .columns(['status', 'customer_id'])
    .execute();
  await db.schema
    .createIndex('customer_state_owner_status')
    .on('customer_state')
    .columns(['owner', 'status'])
    .execute();
  await db.schema
    .createIndex('customer_state_health')
    .on('customer_state')
    .columns(['health_level', 'health_score'])
    .execute();

  await db.schema
    .createTable('customer_run_results')
    .addColumn('run_id', 'integer', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_since', 'text', (c) => c.notNull())
    .addColumn('last_purchase_day', 'text')
    .addColumn('return_day', 'text')
    .addColumn('health_score', 'integer')
    .addColumn('health_level', 'text')
    .addColumn('p_alive', 'double precision')
    .addPrimaryKeyConstraint('customer_run_results_pk', ['run_id', 'customer_id'])
    .execute();

  await db.schema
    .createTable('status_history')
    .addColumn('id', ...serialId(engine))
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('entered_at', 'text', (c) => c.notNull())
    .addColumn('left_at', 'text')
    .addColumn('run_id', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('status_history_customer')
    .on('status_history')
    .columns(['customer_id', 'entered_at'])
    .execute();
  await db.schema
    .createIndex('status_history_status_entered')
    .on('status_history')
    .columns(['status', 'entered_at'])
    .execute();
}
