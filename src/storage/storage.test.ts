import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES } from '../../test/engines.js';

describe.each(ENGINES)('storage on %s', (engine) => {
  it('creates every table on first open and applies nothing on the second', async () => {
    const tdb = await createTestDatabase(engine);
    try {
      const first = await tdb.open();
      await first.db
        .insertInto('customers')
        .values({ customer_id: 'C1', name: '株式会社テスト', name_key: 'テスト', kind: 'company' } as never)
        .execute();
      await first.close();
      const second = await tdb.open();
      const rows = await second.db.selectFrom('customers').selectAll().execute();
      expect(rows.map((r) => r.name)).toEqual(['株式会社テスト']);
      const migrations = await second.db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .execute();
      expect(migrations.length).toBeGreaterThan(0);
      await second.close();
    } finally {
      await tdb.drop();
    }
  });

  it('lets two processes migrate the same new database at once without damage', async () => {
    const tdb = await createTestDatabase(engine);
    try {
      const script = `
        const { openStorage } = await import('./src/storage/index.ts');
        const s = await openStorage(${JSON.stringify(tdb.dbFile ? { dbFile: tdb.dbFile } : { databaseUrl: tdb.databaseUrl })});
        await s.close();`;
      const run = () =>
        new Promise<number>((resolve) => {
          const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
            stdio: 'inherit',
          });
          child.on('exit', (code) => resolve(code ?? 1));
        });
      const codes = await Promise.all([run(), run()]);
      expect(codes).toEqual([0, 0]);
      const s = await tdb.open();
      const names = await s.db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .execute();
      expect(new Set(names.map((n) => JSON.stringify(n))).size).toBe(names.length);
      await s.close();
    } finally {
      await tdb.drop();
    }
  });
});
