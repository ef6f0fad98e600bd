/**
 * Fresh databases for the storage contract suites: every suite runs on a real SQLite file and
 * on a real PostgreSQL server (started by .ci/run; locally, see README "Running the tests").
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Engine, openStorage, type Storage } from '../src/storage/index.js';

export const ENGINES: readonly Engine[] = ['sqlite', 'postgres'];

/** Admin URL of the PostgreSQL server the tests create their databases on. */
export const TEST_PG_URL = process.env.MEZAME_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:55432/postgres';

export interface TestDatabase {
  /** Options to hand to openStorage / the CLI (`--db` or `--database-url`). */
  readonly dbFile?: string;
  readonly databaseUrl?: string;
  /** CLI flags selecting this database. */
  readonly cliArgs: string[];
  open(): Promise<Storage>;
  drop(): Promise<void>;
}

/** Creates an empty database (a temp SQLite file or a new PostgreSQL database). */
export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'mezame-test-'));
    const dbFile = join(dir, 'test.db');
    return {
      dbFile,
      cliArgs: ['--db', dbFile],
      open: () => openStorage({ dbFile }),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `mezame_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  return {
    databaseUrl,
    cliArgs: ['--database-url', databaseUrl],
    open: () => openStorage({ databaseUrl }),
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
