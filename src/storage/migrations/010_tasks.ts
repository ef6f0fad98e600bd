import type { Kysely } from 'kysely';
import { type Engine, serialId } from './columns.js';

/**
 * The sales rep's work list and versioned settings.
 *
 * tasks: one call or visit for one customer, owned by the rep who owns the account. A task is
 * open until an outcome is logged (done) or it is cancelled; logging an outcome may create a
 * follow-up task that points back to it (follow_up_of). `script` holds the talk script as JSON
 * ({ ja, en }) and `context` the customer facts it was written from, as they were when the task
 * was made. The (owner, status, due_on) index serves "my open tasks by due day".
 *
 * settings: versioned JSON values by key (e.g. 'scoring'); the highest version is in force and
 * earlier versions stay for the record.
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema
    .createTable('tasks')
    .addColumn('id', ...serialId(engine))
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('owner', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('due_on', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason_category', 'text')
    .addColumn('script', 'text')
    .addColumn('context', 'text')
    .addColumn('outcome', 'text')
    .addColumn('note', 'text')
    .addColumn('logged_by', 'text')
    .addColumn('logged_at', 'text')
    .addColumn('follow_up_of', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('tasks_owner_status_due')
    .on('tasks')
    .columns(['owner', 'status', 'due_on'])
    .execute();
  await db.schema
    .createIndex('tasks_customer_kind_status')
    .on('tasks')
    .columns(['customer_id', 'kind', 'status'])
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('id', ...serialId(engine))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('settings_key_version', ['key', 'version'])
    .execute();
}
