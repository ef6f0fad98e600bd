import BetterSqlite3 from 'better-sqlite3';
import {
  Kysely,
  type KyselyConfig,
  type MigrationProvider,
  Migrator,
  PostgresDialect,
  SqliteDialect,
} from 'kysely';
import pg from 'pg';
import { type Engine, migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export type { Engine };

/**
 * One open database. `db` is the typed query builder used everywhere; `sqlite` is the raw
 * better-sqlite3 handle, exposed only for the bulk paths that must avoid per-row async
 * overhead (import, analysis scans).
 */
export interface Storage {
  readonly engine: Engine;
  readonly db: Kysely<Database>;
  readonly sqlite: BetterSqlite3.Database | null;
  readonly pgPool: pg.Pool | null;
  /** Human description without secrets, for logs and reports. */
  readonly description: string;
  close(): Promise<void>;
}

export interface StorageOptions {
  /** SQLite file path (embedded mode). Ignored when databaseUrl is given. */
  dbFile?: string;
  /** postgres://… URL (team server mode). */
  databaseUrl?: string;
  /** Run pending migrations on open (default true). */
  migrate?: boolean;
}

export async function openStorage(options: StorageOptions): Promise<Storage> {
  const storage = options.databaseUrl
    ? openPostgres(options.databaseUrl)
    : openSqlite(options.dbFile ?? 'mezame.db');
  if (options.migrate !== false) {
    try {
      await migrate(storage);
    } catch (error) {
      await storage.close();
      throw error;
    }
  }
  return storage;
}

function openSqlite(file: string): Storage {
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // A second process (a migration or import running at the same time) waits instead of failing.
  sqlite.pragma('busy_timeout = 30000');
  // Large sorts (index rebuilds after an analysis, unindexed ORDER BY) may use a second thread.
  sqlite.pragma('threads = 2');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), log: sqlLog() });
  return {
    engine: 'sqlite',
    db,
    sqlite,
    pgPool: null,
    description: `SQLite ${file}`,
    close: () => db.destroy(),
  };
}

/** MEZAME_SQL_LOG=1: every statement with its time on stderr, for finding slow queries. */
function sqlLog(): KyselyConfig['log'] {
  if (!process.env.MEZAME_SQL_LOG) return undefined;
  return (event) => {
    if (event.level !== 'query') return;
    process.stderr.write(
      `${JSON.stringify({ ms: Math.round(event.queryDurationMillis * 10) / 10, sql: event.query.sql, parameters: event.query.parameters })}\n`,
    );
  };
}

function openPostgres(url: string): Storage {
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  // An idle pooled connection can be closed by the server (restart, failover, DROP DATABASE …
  // WITH (FORCE)). pg reports that as an 'error' event on the pool, which would otherwise crash
  // the process; the pool simply opens a new connection for the next query.
  pool.on('error', (error: Error & { code?: string }) => {
    if (error.code !== '57P01')
      process.stderr.write(`mezame: PostgreSQL connection lost: ${error.message}\n`);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: sqlLog() });
  const parsed = new URL(url);
  return {
    engine: 'postgres',
    db,
    sqlite: null,
    pgPool: pool,
    description: `PostgreSQL ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`,
    close: () => db.destroy(),
  };
}

/**
 * Applies pending migrations. Kysely's migrator takes a lock (an advisory lock on
 * PostgreSQL, a write transaction on SQLite), so two processes starting at once apply each
 * migration exactly once.
 */
export async function migrate(storage: Storage): Promise<string[]> {
  const provider: MigrationProvider = {
    async getMigrations() {
      return Object.fromEntries(
        Object.entries(migrations).map(([name, m]) => [
          name,
          { up: (db: Kysely<unknown>) => m.up(db, storage.engine) },
        ]),
      );
    },
  };
  const { sqlite } = storage;
  if (!sqlite) return runMigrator(new Migrator({ db: storage.db, provider, allowUnorderedMigrations: true }));
  // SQLite has no advisory locks: take the write lock first (BEGIN IMMEDIATE) so a second
  // process waits on busy_timeout and then finds everything already applied.
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    const applied = await runMigrator(
      new Migrator({ db: storage.db, provider, disableTransactions: true, allowUnorderedMigrations: true }),
    );
    sqlite.exec('COMMIT');
    return applied;
  } catch (error) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    throw error;
  }
}

async function runMigrator(migrator: Migrator): Promise<string[]> {
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(
      `database migration ${failed?.migrationName ?? ''} failed: ${String(
        (error as Error).message ?? error,
      )}. Nothing after the last successful migration was applied; fix the cause and start again.`,
      { cause: error },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
