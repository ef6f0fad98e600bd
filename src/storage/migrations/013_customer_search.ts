import { type Kysely, sql } from 'kysely';
import type { Engine } from './columns.js';

/**
 * Trigram indexes for the customer list's text search (a part of the name, name_key or
 * customer id: `nameSearchCondition` in customerSearch.ts), which otherwise scans every customer.
 *
 * SQLite: an FTS5 table with the trigram tokenizer over the three columns, external content
 * (`content='customers'`: it stores only the index, never a copy of the text; no per-row size
 * table either, `columnsize=0`), kept in step by triggers on customers. Its rowids are the
 * customers' rowids; customers has a text primary key, so VACUUM keeps those rowids. The search
 * always rechecks the LIKE on customers, so the index only has to hold every current row's text.
 *
 * PostgreSQL: pg_trgm GIN indexes on the three columns, which `ilike '%…%'` uses as they are. The
 * extension needs the CREATE privilege on the database (pg_trgm is a trusted extension): without
 * it, or without pg_trgm installed, the migration still succeeds, warns, and search keeps scanning.
 * Running `create extension pg_trgm` and this file's index statements later turns it on.
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  if (engine === 'sqlite') await upSqlite(db);
  else await upPostgres(db);
}

const SEARCHED = ['name', 'name_key', 'customer_id'] as const;

async function upSqlite(db: Kysely<unknown>): Promise<void> {
  const columns = SEARCHED.join(', ');
  const values = (row: 'new' | 'old') => SEARCHED.map((c) => `${row}.${c}`).join(', ');
  await sql`create virtual table customer_search using fts5(${sql.raw(columns)},
    content='customers', content_rowid='rowid', columnsize=0,
    tokenize='trigram case_sensitive 0')`.execute(db);
  await sql`create trigger customer_search_insert after insert on customers begin
    insert into customer_search (rowid, ${sql.raw(columns)}) values (new.rowid, ${sql.raw(values('new'))});
  end`.execute(db);
  await sql`create trigger customer_search_delete after delete on customers begin
    insert into customer_search (customer_search, rowid, ${sql.raw(columns)})
      values ('delete', old.rowid, ${sql.raw(values('old'))});
  end`.execute(db);
  // Any update (no column list, so a rowid change counts too), but only when the text changed:
  // an import re-writing unchanged names or a merge setting merged_into costs nothing here.
  await sql`create trigger customer_search_update after update on customers
    when old.rowid is not new.rowid or old.name is not new.name
      or old.name_key is not new.name_key or old.customer_id is not new.customer_id
  begin
    insert into customer_search (customer_search, rowid, ${sql.raw(columns)})
      values ('delete', old.rowid, ${sql.raw(values('old'))});
    insert into customer_search (rowid, ${sql.raw(columns)}) values (new.rowid, ${sql.raw(values('new'))});
  end`.execute(db);
  await sql`insert into customer_search (customer_search) values ('rebuild')`.execute(db);
}

async function upPostgres(db: Kysely<unknown>): Promise<void> {
  // The migrator runs PostgreSQL migrations in a transaction: a failed statement would abort it,
  // so the optional part runs under a savepoint and is rolled back alone when it fails.
  const inTransaction = await savepoint(db, 'begin');
  try {
    await sql`create extension if not exists pg_trgm`.execute(db);
    const schema = await sql<{ nspname: string }>`select n.nspname from pg_extension e
      join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db);
    const opsSchema = schema.rows[0]?.nspname ?? 'public';
    for (const column of SEARCHED) {
      await sql`create index if not exists ${sql.id(`customers_${column}_trgm`)} on customers
        using gin (${sql.ref(column)} ${sql.id(opsSchema, 'gin_trgm_ops')})`.execute(db);
    }
    if (inTransaction) await savepoint(db, 'release');
  } catch (error) {
    if (inTransaction) await savepoint(db, 'rollback');
    process.stderr.write(
      `mezame: customer search stays a full scan: pg_trgm could not be set up (${String(
        (error as Error).message ?? error,
      )}). A database owner can run \`create extension pg_trgm\` and create the gin_trgm_ops indexes of migration 013_customer_search.\n`,
    );
  }
}

/** Savepoint steps; 'begin' says whether a transaction is open (false: nothing to roll back). */
async function savepoint(db: Kysely<unknown>, step: 'begin' | 'release' | 'rollback'): Promise<boolean> {
  if (step === 'begin') {
    // Outside a transaction SAVEPOINT fails harmlessly, and a failed statement aborts nothing.
    try {
      await sql`savepoint customer_search_trgm`.execute(db);
      return true;
    } catch {
      return false;
    }
  }
  if (step === 'release') await sql`release savepoint customer_search_trgm`.execute(db);
  else await sql`rollback to savepoint customer_search_trgm`.execute(db);
  return false;
}
