import type { Kysely } from 'kysely';
import { type Engine, serialId } from './columns.js';

/**
 * The collected data. Every per-customer table carries customer_id (text, the customer's
 * external id) so it can be sharded by it later.
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema
    .createTable('customers')
    .addColumn('customer_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('company'))
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('postal_code', 'text')
    .addColumn('prefecture', 'text')
    .addColumn('address', 'text')
    .addColumn('lat', 'double precision')
    .addColumn('lng', 'double precision')
    .addColumn('industry', 'text')
    .addColumn('employees', 'integer')
    .addColumn('owner', 'text')
    .addColumn('tags', 'text')
    .addColumn('created_at', 'text')
    .addColumn('email_opt_in', 'integer')
    .addColumn('sms_opt_in', 'integer')
    .addColumn('dm_ok', 'integer')
    .addColumn('phone_ok', 'integer')
    .addColumn('do_not_contact', 'integer')
    .addColumn('merged_into', 'text')
    .addColumn('import_batch_id', 'integer')
    .execute();
  await db.schema.createIndex('customers_name_key').on('customers').column('name_key').execute();
  await db.schema.createIndex('customers_owner').on('customers').column('owner').execute();

  await db.schema
    .createTable('contacts')
    .addColumn('contact_id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('department', 'text')
    .addColumn('role', 'text')
    .addColumn('status', 'text')
    .addColumn('updated_at', 'text')
    .addColumn('import_batch_id', 'integer')
    .execute();
  await db.schema.createIndex('contacts_customer').on('contacts').column('customer_id').execute();

  await db.schema
    .createTable('orders')
    .addColumn('order_id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('ordered_at', 'text', (c) => c.notNull())
    .addColumn('amount', 'double precision', (c) => c.notNull())
    .addColumn('gross_margin', 'double precision')
    .addColumn('product', 'text')
    .addColumn('category', 'text')
    .addColumn('quantity', 'double precision')
    .addColumn('channel', 'text')
    .addColumn('is_refund', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('import_batch_id', 'integer')
    .execute();
  await db.schema
    .createIndex('orders_customer_date')
    .on('orders')
    .columns(['customer_id', 'ordered_at'])
    .execute();

  await db.schema
    .createTable('subscriptions')
    .addColumn('subscription_id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('plan', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .addColumn('mrr', 'double precision')
    .addColumn('cancel_reason', 'text')
    .addColumn('import_batch_id', 'integer')
    .execute();
  await db.schema.createIndex('subscriptions_customer').on('subscriptions').column('customer_id').execute();

  await db.schema
    .createTable('events')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('channel', 'text')
    .addColumn('campaign', 'text')
    .addColumn('url', 'text')
    .addColumn('text', 'text')
    .addColumn('value', 'double precision')
    .addColumn('properties', 'text')
    .addColumn('import_batch_id', 'integer')
    .execute();
  await db.schema
    .createIndex('events_customer_type_time')
    .on('events')
    .columns(['customer_id', 'type', 'occurred_at'])
    .execute();

  await db.schema
    .createTable('changes')
    .addColumn('change_id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('product', 'text')
    .addColumn('category', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('description', 'text')
    .addColumn('import_batch_id', 'integer')
    .execute();

  await db.schema
    .createTable('import_batches')
    .addColumn('id', ...serialId(engine))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('accepted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('inserted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', ...serialId(engine))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('audit_log_entity').on('audit_log').columns(['entity', 'entity_id']).execute();
}
