import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, TEST_PG_URL, type TestDatabase } from '../../test/engines.js';
import { importFile } from '../importer/index.js';
import { MAX_SHORT_SEARCH_CANDIDATES, nameSearchCondition, shortSearchUsesIndex } from './customerSearch.js';
import { mergeCustomers } from './nameMatchingQueries.js';
import type { Database } from './schema.js';
import { openStorage, type Storage } from './storage.js';

/** [customer_id, name, name_key] */
const CUSTOMERS: [string, string, string][] = [
  ['C0012345', '株式会社サンプル12345', 'サンプル12345'],
  ['C0012346', '株式会社サンプル12346', 'サンプル12346'],
  ['C0123450', '株式会社サンプル123450', 'サンプル123450'],
  ['C0000001', 'ＡＢＣ商事株式会社', 'ＡＢＣ商事'],
  ['C0000002', 'ａｂｃ物産', 'ａｂｃ物産'],
  ['C0000003', 'Acme Trading Co.', 'ACMETRADING'],
  ['C0000004', '山田商店', '山田商店'],
  ['C0000005', '100% Pure_Juice', '100%PURE_JUICE'],
  ['C0000006', 'Back\\Slash Ltd', 'BACK\\SLASH'],
  ['C0000007', 'O\'Brien "Quoted" & Co', 'OBRIEN'],
  ['C0000008', 'Star*Corp (NEAR) AND OR', 'STARCORP'],
  ['C0000009', '1005 Pure Juice', '1005PUREJUICE'],
  ['X-777', '株式会社ル1', 'ル1'],
];

/** Today's list filter, verbatim: the semantics the indexed search must keep. */
function likeScan(storage: Storage, q: string): RawBuilder<SqlBool> {
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const like = sql.raw(storage.engine === 'postgres' ? 'ilike' : 'like');
  return sql<SqlBool>`(customers.name ${like} ${pattern} escape '\\'
    or customers.name_key ${like} ${pattern} escape '\\'
    or customers.customer_id ${like} ${pattern} escape '\\')`;
}

async function ids(storage: Storage, condition: RawBuilder<SqlBool>): Promise<string[]> {
  const rows = await storage.db
    .selectFrom('customers')
    .select('customer_id')
    .where(condition)
    .orderBy('customer_id')
    .execute();
  return rows.map((r) => r.customer_id);
}

const search = async (storage: Storage, q: string) =>
  ids(storage, nameSearchCondition(storage, q, { shortIndex: await shortSearchUsesIndex(storage, q) }));

async function addCustomers(db: Kysely<Database>, rows: [string, string, string][]): Promise<void> {
  await db
    .insertInto('customers')
    .values(rows.map(([customer_id, name, name_key]) => ({ customer_id, name, name_key, kind: 'company' })))
    .execute();
}

/** SQLite: the FTS index holds exactly the customers' current text (FTS5 integrity-check, rank 1). */
async function expectIndexInStep(storage: Storage): Promise<void> {
  if (storage.engine !== 'sqlite') return;
  await sql`insert into customer_search (customer_search, rank) values ('integrity-check', 1)`.execute(
    storage.db,
  );
}

/** SQLite: the customers the FTS index alone proposes for q (no LIKE recheck). */
async function indexHits(storage: Storage, q: string): Promise<string[]> {
  const rows = await sql<{ customer_id: string }>`select c.customer_id from customer_search s
    join customers c on c.rowid = s.rowid
    where customer_search match ${`"${q}"`} order by c.customer_id`.execute(storage.db);
  return rows.rows.map((r) => r.customer_id);
}

describe.each(ENGINES)('customer text search on %s', (engine) => {
  let tdb: TestDatabase;
  let storage: Storage;

  beforeEach(async () => {
    tdb = await createTestDatabase(engine);
    storage = await tdb.open();
    await addCustomers(storage.db, CUSTOMERS);
  });
  afterEach(async () => {
    await storage.close();
    await tdb.drop();
  });

  const cases: [string, string, string[] | null][] = [
    ['Japanese, 3+ chars', 'サンプル12345', ['C0012345', 'C0123450']],
    ['Japanese, 3+ chars across the table', 'サンプル', ['C0012345', 'C0012346', 'C0123450']],
    ['Japanese company form', '株式会社', ['C0000001', 'C0012345', 'C0012346', 'C0123450', 'X-777']],
    ['full-width', 'ＡＢＣ商事', ['C0000001']],
    ['full-width letters, 3 chars', 'ＡＢＣ', null],
    ['ASCII mixed case', 'aCmE tRaD', ['C0000003']],
    ['ASCII upper in name_key', 'acmetrading', ['C0000003']],
    ['id prefix', 'C00123', ['C0012345', 'C0012346']],
    ['id, lower case', 'c0000005', ['C0000005']],
    ['whole id', 'X-777', ['X-777']],
    ['one char', 'ル', ['C0012345', 'C0012346', 'C0123450', 'X-777']],
    ['two chars, Japanese', '山田', ['C0000004']],
    ['two chars, a whole name_key', 'ル1', ['C0012345', 'C0012346', 'C0123450', 'X-777']],
    ['two chars at the end of a name', '商店', ['C0000004']],
    ['two chars ending an id', '45', ['C0012345', 'C0123450']],
    ['two ASCII chars, other case', 'aC', ['C0000003', 'C0000006']],
    ['two chars with a quote', "O'", ['C0000007']],
    ['two chars with a double quote', '"Q', ['C0000007']],
    ['two chars with percent', '0%', ['C0000005']],
    ['two chars with a space', 'e ', ['C0000003', 'C0000009']],
    ['two full-width letters (scan)', 'ＡＢ', null],
    ['two chars, no match', '鬼門', []],
    ['percent is literal', '100%', ['C0000005']],
    ['percent alone', '%', ['C0000005']],
    ['underscore is literal', 'e_J', ['C0000005']],
    ['underscore alone', '_', ['C0000005']],
    ['backslash', 'k\\S', ['C0000006']],
    ['backslash alone', '\\', ['C0000006']],
    ['single quote', "O'Br", ['C0000007']],
    ['double quotes', '"Quoted"', ['C0000007']],
    ['one double quote + text', 'n "Q', ['C0000007']],
    ['FTS syntax is text', 'NEAR) AND OR', ['C0000008']],
    ['FTS operators alone', 'AND', ['C0000008']],
    ['star and parenthesis', 'r*C', ['C0000008']],
    ['no match, 3+ chars', '存在しない会社', []],
    ['no match, 1 char', '鬼', []],
    ['spaces inside', 'e Ju', ['C0000009']],
  ];

  it.each(cases)('%s: %s finds exactly what LIKE finds', async (_label, q, expected) => {
    const found = await search(storage, q);
    expect(found).toEqual(await ids(storage, likeScan(storage, q)));
    if (expected !== null) expect(found).toEqual(expected);
  });

  it('follows inserts, updates and deletes', async () => {
    await addCustomers(storage.db, [['N1', '新規ホールディングス', '新規']]);
    expect(await search(storage, 'ホールディング')).toEqual(['N1']);

    await storage.db
      .updateTable('customers')
      .set({ name: '改名テクノロジー', name_key: '改名' })
      .where('customer_id', '=', 'N1')
      .execute();
    expect(await search(storage, 'ホールディング')).toEqual([]);
    expect(await search(storage, 'テクノロジー')).toEqual(['N1']);

    await storage.db
      .updateTable('customers')
      .set({ customer_id: 'N2' })
      .where('customer_id', '=', 'N1')
      .execute();
    expect(await search(storage, 'N2')).toEqual(['N2']);
    expect(await search(storage, 'ノロジ')).toEqual(['N2']);

    await storage.db.deleteFrom('customers').where('customer_id', '=', 'N2').execute();
    expect(await search(storage, 'テクノロジー')).toEqual([]);
    if (engine === 'sqlite') {
      expect(await indexHits(storage, 'テクノロジー')).toEqual([]);
      expect(await indexHits(storage, 'サンプル1234')).toEqual(['C0012345', 'C0012346', 'C0123450']);
    }
    await expectIndexInStep(storage);
  });

  it('follows a re-import that renames customers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mezame-search-'));
    try {
      const file = join(dir, 'customers.csv');
      writeFileSync(file, 'customer_id,name\nC0012345,株式会社サンプル改12345\nI0000001,インポート物産\n');
      const summary = await importFile(storage, 'customers', file, { threads: false });
      expect(summary.rejected).toBe(0);
      expect(await search(storage, 'サンプル12345')).toEqual(['C0123450']);
      expect(await search(storage, 'サンプル改')).toEqual(['C0012345']);
      expect(await search(storage, 'インポート')).toEqual(['I0000001']);
      // The same file again changes nothing.
      await importFile(storage, 'customers', file, { threads: false });
      expect(await search(storage, 'サンプル改')).toEqual(['C0012345']);
      await expectIndexInStep(storage);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stays in step through a merge', async () => {
    await mergeCustomers(storage, {
      survivorId: 'C0012345',
      mergedIds: ['C0012346'],
      actor: 'test',
      at: '2026-01-15T09:00:00.000Z',
    });
    // The search itself does not filter merged customers (the list adds merged_into is null).
    expect(await search(storage, 'サンプル1234')).toEqual(['C0012345', 'C0012346', 'C0123450']);
    await expectIndexInStep(storage);
  });

  it('uses the index from two characters on (SQLite) or three (PostgreSQL)', async () => {
    if (engine === 'sqlite') {
      const plan = (q: string) => {
        const compiled = storage.db
          .selectFrom('customers')
          .select('customer_id')
          .where(nameSearchCondition(storage, q, { shortIndex: true }))
          .compile();
        const rows = storage.sqlite
          ?.prepare(`explain query plan ${compiled.sql}`)
          .all(...compiled.parameters) as { detail: string }[];
        return rows.map((r) => r.detail).join('\n');
      };
      const long = plan('サンプル12345');
      expect(long).toMatch(/customer_search VIRTUAL TABLE/);
      expect(long).toMatch(/SEARCH customers USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      // Two characters: the terms beginning with them; one character, or letters FTS5 folds
      // differently from JavaScript: the LIKE alone.
      expect(plan('山田')).toMatch(/customer_search VIRTUAL TABLE/);
      expect(plan('ル')).not.toMatch(/customer_search/);
      expect(plan('ＡＢ')).not.toMatch(/customer_search/);
      // Two characters behind which stand more customers than the rechecks are worth: the scan.
      expect(await shortSearchUsesIndex(storage, '山田')).toBe(true);
      const many = Array.from(
        { length: MAX_SHORT_SEARCH_CANDIDATES + 1 },
        (_, i): [string, string, string] => [`M${i}`, `山田${i}`, `山田${i}`],
      );
      for (let i = 0; i < many.length; i += 5_000) await addCustomers(storage.db, many.slice(i, i + 5_000));
      expect(await shortSearchUsesIndex(storage, '山田')).toBe(false);
      expect(await shortSearchUsesIndex(storage, '商店')).toBe(true);
    } else {
      const hasTrgm = await sql<{ n: number }>`select count(*)::int as n from pg_indexes
        where tablename = 'customers' and indexname like '%\_trgm'`.execute(storage.db);
      expect(hasTrgm.rows[0]?.n).toBe(3);
      const plan = await storage.db.connection().execute(async (conn) => {
        await sql`set enable_seqscan = off`.execute(conn);
        try {
          const compiled = conn
            .selectFrom('customers')
            .select('customer_id')
            .where(nameSearchCondition(storage, 'サンプル12345'))
            .compile();
          const rows = await conn.executeQuery<{ 'QUERY PLAN': string }>({
            ...compiled,
            sql: `explain ${compiled.sql}`,
          });
          return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
        } finally {
          await sql`reset enable_seqscan`.execute(conn);
        }
      });
      expect(plan).toMatch(/customers_name_trgm/);
      expect(plan).toMatch(/customers_customer_id_trgm/);
    }
  });
});

describe('customer search migration on PostgreSQL without the right to create extensions', () => {
  it('succeeds, warns, and search scans', async () => {
    const tdb = await createTestDatabase('postgres');
    const role = `mezame_noext_${Math.random().toString(36).slice(2, 10)}`;
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    try {
      await admin.query(`create role ${role} login`);
      const owner = new pg.Client({ connectionString: tdb.databaseUrl });
      await owner.connect();
      await owner.query(`grant create, usage on schema public to ${role}`).finally(() => owner.end());
      const url = new URL(tdb.databaseUrl as string);
      url.username = role;
      const storage = await openStorage({ databaseUrl: url.toString() });
      try {
        const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(storage.db);
        expect(applied.rows.map((r) => r.name)).toContain('013_customer_search');
        const trgm = await sql<{ n: number }>`select count(*)::int as n from pg_indexes
          where tablename = 'customers' and indexname like '%\_trgm'`.execute(storage.db);
        expect(trgm.rows[0]?.n).toBe(0);
        await addCustomers(storage.db, CUSTOMERS);
        expect(await search(storage, 'サンプル12345')).toEqual(['C0012345', 'C0123450']);
      } finally {
        await storage.close();
      }
    } finally {
      await tdb.drop();
      await admin.query(`drop role if exists ${role}`);
      await admin.end();
    }
  });
});
