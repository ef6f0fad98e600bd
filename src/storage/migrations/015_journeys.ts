import type { Kysely } from 'kysely';
import { type Engine, serialId } from './columns.js';

/**
 * The act capability: win-back journeys, customers' enrolments in them, the step log the monitor
 * counts, message templates a person changed (a row overrides the shipped template of that id and
 * locale), and the outbox of messages.
 *
 * journeys keeps the file as written (source, json or yaml) and the validated definition as JSON,
 * so readers need no YAML parser; every save is a new version. An enrolment is unique per
 * (journey, customer): entering twice is a no-op. Every message and every journey task carries
 * the action's idempotency key (journey:customer:step): a unique index on each, so a crash and a
 * rerun never queue a step twice. events(campaign) finds a message's tracking events (campaign =
 * the message's idempotency key).
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema
    .createTable('journeys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('enabled_at', 'text')
    .addColumn('shipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('journey_enrolments')
    .addColumn('id', ...serialId(engine))
    .addColumn('journey_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('journey_version', 'integer', (c) => c.notNull())
    .addColumn('step_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('entered_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('variant', 'text')
    .addColumn('exit_reason', 'text')
    .addUniqueConstraint('journey_enrolments_journey_customer', ['journey_id', 'customer_id'])
    .execute();
  await db.schema
    .createIndex('journey_enrolments_due')
    .on('journey_enrolments')
    .columns(['state', 'due_at', 'id'])
    .execute();
  await db.schema
    .createIndex('journey_enrolments_monitor')
    .on('journey_enrolments')
    .columns(['journey_id', 'state', 'step_id'])
    .execute();

  await db.schema
    .createTable('journey_step_log')
    .addColumn('id', ...serialId(engine))
    .addColumn('journey_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('step_id', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('journey_step_log_step')
    .on('journey_step_log')
    .columns(['journey_id', 'step_id'])
    .execute();

  await db.schema
    .createTable('message_templates')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('coupon_days', 'integer')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_templates_pk', ['id', 'locale'])
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', ...serialId(engine))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('journey_id', 'text')
    .addColumn('step_id', 'text')
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text')
    .addColumn('subject', 'text')
    .addColumn('body_text', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('variant', 'text')
    .addColumn('coupon_code', 'text')
    .addColumn('coupon_expires', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('provider_id', 'text')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('messages_status_due').on('messages').columns(['status', 'due_at']).execute();
  await db.schema
    .createIndex('messages_customer')
    .on('messages')
    .columns(['customer_id', 'sent_at'])
    .execute();
  await db.schema
    .createIndex('messages_journey_step')
    .on('messages')
    .columns(['journey_id', 'step_id'])
    .execute();

  await db.schema.alterTable('tasks').addColumn('source_key', 'text').execute();
  await db.schema.createIndex('tasks_source_key').on('tasks').column('source_key').unique().execute();

  await db.schema.createIndex('events_campaign').on('events').columns(['campaign', 'type']).execute();
}
