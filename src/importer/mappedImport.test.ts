import { statSync } from 'node:fs';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/engines.js';
import { countRows, IMPORT_MODES, importFilesDir } from '../../test/importHarness.js';
import { AppError } from '../core/errors.js';
import type { Storage } from '../storage/index.js';
import { detectFileFormat } from './fileFormat.js';
import { type ImportKind, type ImportOptions, importFile } from './index.js';
import { preparingWorkerFile } from './preparingWorker.js';

const now = new Date('2024-06-30T03:00:00Z');
const { aFile } = importFilesDir('mezame-mapped-');

/** An Excel export from a sales system whose headers the alias table does not know. */
const SALES_SYSTEM_CUSTOMERS =
  '得意先番号,取引先名称,所在県,社内メモ\r\nT001,株式会社髙橋製作所,東京都,要注意\r\nT002,㈱ﾃｽﾄ,大阪府,\r\n';
const SALES_SYSTEM_ORDERS =
  '伝票No,得意先番号,伝票日付,税込金額\r\nD1,T001,2024/03/01,"12,000"\r\nD2,T002,2024/04/15,8800\r\n';

describe.each(IMPORT_MODES)('importFile with a column mapping on $label', ({ engine, threads }) => {
  let database: TestDatabase;
  let storage: Storage;
  const tag = `${engine}-${threads}`;
  const run = (kind: ImportKind, path: string, options: ImportOptions = {}) =>
    importFile(storage, kind, path, { now, threads, ...options });
  const count = (table: Parameters<typeof countRows>[1]) => countRows(storage, table);

  beforeEach(async () => {
    database = await createTestDatabase(engine);
    storage = await database.open();
  });
  afterEach(async () => {
    await storage.close();
    await database.drop();
  });

  it('refuses a Shift_JIS file whose headers are not aliases, and imports it through a mapping', async () => {
    const path = aFile(`sjis-${tag}.csv`, iconv.encode(SALES_SYSTEM_CUSTOMERS, 'cp932'));
    await expect(run('customers', path)).rejects.toThrow(/needs the columns customer_id .* name/);
    const summary = await run('customers', path, {
      columns: { 得意先番号: 'customer_id', 取引先名称: 'name', 所在県: 'prefecture', 社内メモ: null },
    });
    expect(summary).toMatchObject({ rows: 2, accepted: 2, rejected: 0, encoding: 'Shift_JIS (CP932)' });
    expect(summary.warnings).toEqual(['the file was read as Shift_JIS (CP932)']);
    const stored = await storage.db
      .selectFrom('customers')
      .select(['customer_id', 'name', 'prefecture'])
      .orderBy('customer_id')
      .execute();
    expect(stored).toEqual([
      { customer_id: 'T001', name: '株式会社髙橋製作所', prefecture: '東京都' },
      { customer_id: 'T002', name: '㈱ﾃｽﾄ', prefecture: '大阪府' },
    ]);
  });

  it('maps some headers and lets the alias table map the rest', async () => {
    await run('customers', aFile(`cust-${tag}.csv`, SALES_SYSTEM_CUSTOMERS), {
      columns: { 得意先番号: 'customer_id', 取引先名称: 'name' },
    });
    // 伝票日付 is mapped; 税込金額 is an alias of amount; 伝票No and 得意先番号 are mapped.
    const summary = await run('orders', aFile(`orders-${tag}.csv`, SALES_SYSTEM_ORDERS), {
      columns: { 伝票No: 'order_id', 得意先番号: 'customer_id', 伝票日付: 'ordered_at' },
    });
    expect(summary).toMatchObject({ rows: 2, accepted: 2, rejected: 0 });
    const orders = await storage.db
      .selectFrom('orders')
      .select(['order_id', 'customer_id', 'ordered_at', 'amount'])
      .orderBy('order_id')
      .execute();
    expect(orders.map((o) => ({ ...o, amount: Number(o.amount) }))).toEqual([
      { order_id: 'D1', customer_id: 'T001', ordered_at: '2024-03-01', amount: 12000 },
      { order_id: 'D2', customer_id: 'T002', ordered_at: '2024-04-15', amount: 8800 },
    ]);
  });

  it('lets a mapped header take a column over a header the alias table would give it', async () => {
    const csv = 'customer_id,旧コード,name\nC1,OLD1,ABC\n';
    const summary = await run('customers', aFile(`over-${tag}.csv`, csv), {
      columns: { 旧コード: 'customer_id' },
    });
    expect(summary.accepted).toBe(1);
    expect(summary.warnings).toContain(
      "ignored column 'customer_id': an earlier column already fills customer_id",
    );
    const stored = await storage.db.selectFrom('customers').select('customer_id').execute();
    expect(stored).toEqual([{ customer_id: 'OLD1' }]);
  });

  it('refuses an invalid mapping naming the header and the allowed columns, and stores nothing', async () => {
    const path = aFile(`bad-${tag}.csv`, SALES_SYSTEM_CUSTOMERS);
    const unknownColumn = await run('customers', path, {
      columns: { 得意先番号: 'customer_id', 取引先名称: 'company_name' },
    }).catch((e: unknown) => e);
    expect(unknownColumn).toBeInstanceOf(AppError);
    expect((unknownColumn as AppError).code).toBe('invalid_input');
    expect((unknownColumn as AppError).message).toMatch(
      /'取引先名称' is mapped to 'company_name', which is not a column of customers; use one of customer_id, name, kind/,
    );
    const twice = await run('customers', path, {
      columns: { 得意先番号: 'customer_id', 取引先名称: 'customer_id' },
    }).catch((e: unknown) => e);
    expect((twice as AppError).message).toContain(
      "'得意先番号' and '取引先名称' are both mapped to customer_id",
    );
    const absent = await run('customers', path, {
      columns: { 得意先コード番号: 'customer_id', 取引先名称: 'name' },
    }).catch((e: unknown) => e);
    expect((absent as AppError).message).toContain(
      "names '得意先コード番号', which the header does not have",
    );
    expect(await count('customers')).toBe(0);
    expect(await storage.db.selectFrom('import_batches').selectAll().execute()).toEqual([]);
  });

  it('applies the mapping to the keys of JSON lines', async () => {
    await run('customers', aFile(`cust2-${tag}.csv`, 'customer_id,name\nC1,ABC\n'));
    const jsonl = [
      '{"顧客":"C1","区分":"email_open","発生":"2024-03-05","メモ欄":"x"}',
      '{"顧客":"C1","区分":"visit","発生":"2024-03-06","メモ欄":"y"}',
    ].join('\n');
    const summary = await run('events', aFile(`events-${tag}.jsonl`, jsonl), {
      columns: { 顧客: 'customer_id', 区分: 'type', 発生: 'occurred_at', メモ欄: '' },
    });
    expect(summary).toMatchObject({ rows: 2, accepted: 2, rejected: 0, warnings: [] });
    expect(await count('events')).toBe(2);
  });
});

describe('importFile with a column mapping at the worker threshold', () => {
  it('carries the mapping to the preparing worker that an 8 MB file gets by default', async () => {
    const database = await createTestDatabase('sqlite');
    const storage = await database.open();
    try {
      const rows = 170_000;
      const lines = ['得意先番号,取引先名称,所在県'];
      for (let i = 0; i < rows; i++) lines.push(`T${i},株式会社テスト商事${i},東京都`);
      const path = aFile('large-mapped.csv', `${lines.join('\n')}\n`);
      const totalBytes = statSync(path).size;
      expect(totalBytes).toBeGreaterThanOrEqual(8 << 20);
      expect(preparingWorkerFile(storage, detectFileFormat(path), totalBytes, undefined)).not.toBeNull();
      const summary = await importFile(storage, 'customers', path, {
        now,
        columns: { 得意先番号: 'customer_id', 取引先名称: 'name', 所在県: 'prefecture' },
      });
      expect(summary).toMatchObject({ rows, accepted: rows, rejected: 0, inserted: rows });
      const last = await storage.db
        .selectFrom('customers')
        .select(['name', 'prefecture'])
        .where('customer_id', '=', `T${rows - 1}`)
        .executeTakeFirst();
      expect(last).toEqual({ name: `株式会社テスト商事${rows - 1}`, prefecture: '東京都' });
    } finally {
      await storage.close();
      await database.drop();
    }
  }, 120_000);
});
