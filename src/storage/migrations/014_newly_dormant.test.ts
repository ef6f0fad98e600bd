/**
 * Migration 014 on a database analysed before it: each customer_state row gets the status of the
 * previous finished run (the latest before its own as-of day) and the newly dormant mark, so the
 * dashboard reads one kind of row whatever version wrote it. Both engines.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../../test/engines.js';
import type { Storage } from '../storage.js';
import { openStorage } from '../storage.js';
import { migrations } from './index.js';

describe.each(ENGINES)('migration 014 on %s', (engine) => {
  let database: TestDatabase;
  let storage: Storage;
  afterEach(async () => {
    await storage?.close();
    await database?.drop();
  });

  it('fills previous_status and newly_dormant from the previous finished run', async () => {
    database = await createTestDatabase(engine);
    storage = await openStorage({
      ...(database.dbFile ? { dbFile: database.dbFile } : { databaseUrl: database.databaseUrl as string }),
      migrate: false,
    });
    const names = Object.keys(migrations).sort();
    for (const name of names.filter((n) => n < '014'))
      await migrations[name]?.up(storage.db as never, engine);

    const db = storage.db;
    await sql`insert into analysis_runs (id, as_of, started_at, status) values
      (1, '2026-09-30', '2026-09-30T06:00:00Z', 'done'),
      (2, '2026-10-15', '2026-10-15T06:00:00Z', 'failed'),
      (3, '2026-10-31', '2026-10-31T06:00:00Z', 'done')`.execute(db);
    for (const [id, status] of [
      ['A', 'active'],
      ['B', 'long_dormant'],
      ['C', 'at_risk'],
    ]) {
      await sql`insert into customer_run_results (run_id, customer_id, status, status_since)
        values (1, ${id}, ${status}, '2026-09-30')`.execute(db);
      // The failed run's results are not the previous run's.
      await sql`insert into customer_run_results (run_id, customer_id, status, status_since)
        values (2, ${id}, 'mid_dormant', '2026-10-15')`.execute(db);
    }
    for (const [id, status] of [
      ['A', 'early_dormant'],
      ['B', 'long_dormant'],
      ['C', 'active'],
      ['D', 'mid_dormant'],
    ]) {
      await sql`insert into customer_state (customer_id, run_id, as_of, status, status_since)
        values (${id}, 3, '2026-10-31', ${status}, '2026-10-31')`.execute(db);
    }

    await migrations['014_newly_dormant']?.up(db as never, engine);

    const rows = await sql<{ customer_id: string; previous_status: string | null; newly_dormant: number }>`
      select customer_id, previous_status, newly_dormant from customer_state order by customer_id`.execute(
      db,
    );
    expect(rows.rows.map((r) => [r.customer_id, r.previous_status, Number(r.newly_dormant)])).toEqual([
      ['A', 'active', 1],
      ['B', 'long_dormant', 0],
      ['C', 'at_risk', 0],
      // Not in the previous run: not counted as newly dormant.
      ['D', null, 0],
    ]);
  });
});
