import { type Kysely, sql } from 'kysely';
import { type Engine, serialId } from './columns.js';

/**
 * Versioned dormancy definitions: every saved definition is a new version (kept for the
 * record and for comparing analyses); exactly one version at most is active. With none stored
 * the built-in default definition applies.
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema
    .createTable('dormancy_definitions')
    .addColumn('version', ...serialId(engine))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // a partial unique index: the database itself refuses a second active version
  await sql`create unique index dormancy_definitions_one_active on dormancy_definitions (is_active) where is_active = 1`.execute(
    db,
  );
}
