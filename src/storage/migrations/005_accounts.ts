import type { Kysely } from 'kysely';
import { type Engine, serialId } from './columns.js';

/**
 * Users, sessions, API tokens, one-time login links and manual reason overrides.
 * Secrets (session ids, tokens, link tokens) are stored only as SHA-256 hashes.
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', ...serialId(engine))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('owner_key', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', ...serialId(engine))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('login_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();

  await db.schema
    .createTable('reason_overrides')
    .addColumn('id', ...serialId(engine))
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('reason_overrides_customer')
    .on('reason_overrides')
    .columns(['customer_id', 'created_at'])
    .execute();

  // The customer list sorts by name by default, alone or within one owner, prefecture or
  // industry: each index serves the filter and the order, so a page reads only its rows.
  for (const column of [null, 'owner', 'prefecture', 'industry'] as const) {
    await db.schema
      .createIndex(column ? `customers_${column}_name` : 'customers_name')
      .on('customers')
      .columns(column ? [column, 'name', 'customer_id'] : ['name', 'customer_id'])
      .execute();
  }
  await db.schema.createIndex('contacts_status').on('contacts').columns(['customer_id', 'status']).execute();
}
