import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/engines.js';
import { countRows, IMPORT_MODES, importFilesDir } from '../../test/importHarness.js';
import { AppError } from '../core/errors.js';
import type { Storage } from '../storage/index.js';
import { type ImportKind, type ImportOptions, importFile } from './index.js';

const now = new Date('2024-06-30T03:00:00Z');
const { aFile, pathOf } = importFilesDir('mezame-import-');

const CUSTOMERS = 'customer_id,name,email\nC1,株式会社ABC,info@abc.co.jp\nC2,山田商店,yamada@shop.jp\n';

describe.each(IMPORT_MODES)('importFile on $label', ({ engine, threads }) => {
  let database: TestDatabase;
  let storage: Storage;
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

  it('refuses an empty file and stores nothing', async () => {
    const path = aFile(`empty-${engine}.csv`, '');
    await expect(run('customers', path)).rejects.toThrow(/is empty/);
    expect(await count('customers')).toBe(0);
    expect(await storage.db.selectFrom('import_batches').selectAll().execute()).toEqual([]);
  });

  it('accepts a header without rows and says there was nothing to import', async () => {
    const summary = await run('customers', aFile(`header-${engine}.csv`, 'customer_id,name\n'));
    expect(summary).toMatchObject({ rows: 0, accepted: 0, rejected: 0, inserted: 0, rejected_file: null });
    expect(summary.warnings).toContain('the file has no data rows: nothing to import');
  });

  it('imports one customer with its name key', async () => {
    const summary = await run(
      'customers',
      aFile(`one-${engine}.csv`, 'customer_id,name\nC1,（株）ＡＢＣ商事\n'),
    );
    expect(summary).toMatchObject({
      rows: 1,
      accepted: 1,
      rejected: 0,
      inserted: 1,
      updated: 0,
      unchanged: 0,
    });
    const stored = await storage.db.selectFrom('customers').selectAll().executeTakeFirstOrThrow();
    expect(stored).toMatchObject({
      customer_id: 'C1',
      name: '（株）ＡＢＣ商事',
      name_key: 'ABC商事',
      kind: 'company',
    });
    const batch = await storage.db.selectFrom('import_batches').selectAll().executeTakeFirstOrThrow();
    expect(batch).toMatchObject({ kind: 'customers', status: 'done', rows: 1, accepted: 1, inserted: 1 });
    expect(stored.import_batch_id).toBe(batch.id);
  });

  it('ignores unknown columns with a warning naming them', async () => {
    const summary = await run(
      'customers',
      aFile(`unknown-${engine}.csv`, 'customer_id,name,社内メモ,fax\nC1,ABC,x,y\n'),
    );
    expect(summary.accepted).toBe(1);
    expect(summary.warnings).toEqual(['ignored columns not used for customers: 社内メモ, fax']);
  });

  it('refuses a file without a required column, naming it and its aliases, and leaves the database as it was', async () => {
    await run('customers', aFile(`base-${engine}.csv`, CUSTOMERS));
    const path = aFile(`missing-${engine}.csv`, 'order_id,customer_id,amount\nO1,C1,100\n');
    const failure = await run('orders', path).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe('invalid_input');
    expect((failure as AppError).message).toMatch(/ordered_at \(or .*受注日/);
    expect(await count('orders')).toBe(0);
    expect(await storage.db.selectFrom('import_batches').select('kind').execute()).toEqual([
      { kind: 'customers' },
    ]);
  });

  it('rejects a repeated id naming the earlier row, and keeps the first', async () => {
    const summary = await run(
      'customers',
      aFile(`dup-${engine}.csv`, 'customer_id,name\nC1,First\nC2,Other\nC1,Second\n'),
    );
    expect(summary).toMatchObject({ rows: 3, accepted: 2, rejected: 1 });
    const reject = readFileSync(summary.rejected_file ?? '', 'utf8');
    expect(reject).toContain('4,customer_id,customer_id C1 already appears on row 2');
    const stored = await storage.db
      .selectFrom('customers')
      .select('name')
      .where('customer_id', '=', 'C1')
      .executeTakeFirstOrThrow();
    expect(stored.name).toBe('First');
  });

  it('stores negative amounts as refunds and rejects future orders and unknown customers', async () => {
    await run('customers', aFile(`base2-${engine}.csv`, CUSTOMERS));
    const csv = [
      '受注番号,顧客コード,受注日,金額',
      'O1,C1,2024/3/5,"¥1,200"',
      'O2,C1,令和6年3月6日,△500',
      'O3,C2,2024-07-15,100',
      'O4,C9,2024-03-05,100',
      'O5,C2,20240307,1200円',
    ].join('\n');
    const summary = await run('orders', aFile(`orders-${engine}.csv`, csv));
    expect(summary).toMatchObject({ rows: 5, accepted: 3, rejected: 2, inserted: 3 });
    const orders = await storage.db
      .selectFrom('orders')
      .select(['order_id', 'ordered_at', 'amount', 'is_refund'])
      .orderBy('order_id')
      .execute();
    expect(orders).toEqual([
      { order_id: 'O1', ordered_at: '2024-03-05', amount: 1200, is_refund: 0 },
      { order_id: 'O2', ordered_at: '2024-03-06', amount: -500, is_refund: 1 },
      { order_id: 'O5', ordered_at: '2024-03-07', amount: 1200, is_refund: 0 },
    ]);
    const lines = readFileSync(summary.rejected_file ?? '', 'utf8').split('\r\n');
    expect(lines[0]).toBe('\uFEFFrow,column,reason,受注番号,顧客コード,受注日,金額');
    expect(lines[1]).toMatch(
      /^4,ordered_at,ordered_at 2024-07-15 is after the import time .*,O3,C2,2024-07-15,100$/,
    );
    expect(lines[2]).toMatch(/^5,customer_id,unknown customer C9: import it .*,O4,C9,2024-03-05,100$/);
  });

  it('rejects an unknown customer in every batch that names it, in row order, keeping the known ones', async () => {
    await run('customers', aFile(`base3-${engine}.csv`, CUSTOMERS));
    const lines = ['order_id,customer_id,ordered_at,amount'];
    for (let i = 1; i <= 9; i++)
      lines.push(`P${i},${i % 3 === 0 ? 'C9' : `C${1 + (i % 2)}`},2024-03-0${i},${i}00`);
    const summary = await run('orders', aFile(`unknown-batches-${engine}.csv`, lines.join('\n')), {
      batchRows: 2,
    });
    expect(summary).toMatchObject({ rows: 9, accepted: 6, rejected: 3, inserted: 6 });
    const stored = await storage.db
      .selectFrom('orders')
      .select(['order_id', 'customer_id', 'amount'])
      .orderBy('order_id')
      .execute();
    expect(stored.map((o) => `${o.order_id}:${o.customer_id}:${o.amount}`)).toEqual([
      'P1:C2:100',
      'P2:C1:200',
      'P4:C1:400',
      'P5:C2:500',
      'P7:C2:700',
      'P8:C1:800',
    ]);
    const rejects = readFileSync(summary.rejected_file ?? '', 'utf8')
      .split('\r\n')
      .slice(1, 4);
    expect(rejects.map((line) => line.split(',')[0])).toEqual(['4', '7', '10']);
    for (const line of rejects) expect(line).toMatch(/,customer_id,unknown customer C9: import it /);
  });

  it('changes nothing when the same file is imported again, and counts changed rows as updated', async () => {
    const path = aFile(`again-${engine}.csv`, CUSTOMERS);
    expect(await run('customers', path)).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    const before = await storage.db.selectFrom('customers').selectAll().orderBy('customer_id').execute();
    expect(await run('customers', path)).toMatchObject({ rows: 2, inserted: 0, updated: 0, unchanged: 2 });
    expect(await storage.db.selectFrom('customers').selectAll().orderBy('customer_id').execute()).toEqual(
      before,
    );
    const changed = aFile(
      `changed-${engine}.csv`,
      `${CUSTOMERS.replace('山田商店', '山田商店 本店')}C3,New Co,\n`,
    );
    expect(await run('customers', changed)).toMatchObject({ rows: 3, inserted: 1, updated: 1, unchanged: 1 });
  });

  it('counts inserted, updated and unchanged exactly across several batches', async () => {
    await run('customers', aFile(`base3-${engine}.csv`, CUSTOMERS));
    const lines = ['order_id,customer_id,ordered_at,amount'];
    for (let i = 0; i < 250; i++)
      lines.push(`O${i},C${1 + (i % 2)},2024-01-${String(1 + (i % 28)).padStart(2, '0')},${100 + i}`);
    const first = aFile(`many-${engine}.csv`, `${lines.slice(0, 151).join('\n')}\n`);
    expect(await run('orders', first, { batchRows: 40 })).toMatchObject({
      inserted: 150,
      updated: 0,
      unchanged: 0,
    });
    const changed = lines.map((l, i) => (i > 0 && i % 10 === 0 ? l.replace(/,\d+$/, ',9999') : l));
    const second = aFile(`many2-${engine}.csv`, `${changed.join('\n')}\n`);
    const summary = await run('orders', second, { batchRows: 40 });
    expect(summary).toMatchObject({ rows: 250, inserted: 100, updated: 15, unchanged: 135 });
    expect(await count('orders')).toBe(250);
  });

  it('counts exactly when stored, changed and new ids share a multi-row statement', async () => {
    await run('customers', aFile(`base8-${engine}.csv`, CUSTOMERS));
    const line = (i: number, amount: number) =>
      `O${i},C${1 + (i % 2)},2024-02-${String(1 + (i % 28)).padStart(2, '0')},${amount}`;
    const header = 'order_id,customer_id,ordered_at,amount';
    const first = Array.from({ length: 300 }, (_, i) => line(i, 100 + i));
    expect(
      await run('orders', aFile(`mixed1-${engine}.csv`, `${[header, ...first].join('\n')}\n`)),
    ).toMatchObject({
      inserted: 300,
      updated: 0,
      unchanged: 0,
    });
    // Stored ids interleaved with new ones, every 7th stored one changed; 130-row batches fill
    // two 64-row statements and two single-row ones each.
    const second = Array.from({ length: 500 }, (_, k) => {
      const i = k % 2 === 0 ? k / 2 : 1000 + k;
      return line(i, i < 300 && i % 7 === 0 ? 5000 : 100 + i);
    });
    const summary = await run(
      'orders',
      aFile(`mixed2-${engine}.csv`, `${[header, ...second].join('\n')}\n`),
      {
        batchRows: 130,
      },
    );
    expect(summary).toMatchObject({ rows: 500, inserted: 250, updated: 36, unchanged: 214 });
    const runs = await storage.db.selectFrom('import_batches').selectAll().orderBy('id').execute();
    expect(runs.at(-1)).toMatchObject({
      rows: 500,
      inserted: 250,
      updated: 36,
      unchanged: 214,
      status: 'done',
    });
    expect(await count('orders')).toBe(550);
    const changed = await storage.db
      .selectFrom('orders')
      .select('amount')
      .where('order_id', '=', 'O7')
      .executeTakeFirst();
    expect(Number(changed?.amount)).toBe(5000);
  });

  it('reads a Shift_JIS (CP932) file with Japanese headers and says so', async () => {
    const csv =
      '顧客コード,会社名,都道府県,従業員数\r\nC1,株式会社髙橋製作所,東京都,１２０\r\nC2,㈱ﾃｽﾄ,大阪府,45名\r\n';
    const summary = await run('customers', aFile(`sjis-${engine}.csv`, iconv.encode(csv, 'cp932')));
    expect(summary).toMatchObject({ rows: 2, accepted: 2, encoding: 'Shift_JIS (CP932)' });
    expect(summary.warnings).toContain('the file was read as Shift_JIS (CP932)');
    const stored = await storage.db
      .selectFrom('customers')
      .select(['name', 'prefecture', 'employees'])
      .orderBy('customer_id')
      .execute();
    expect(stored).toEqual([
      { name: '株式会社髙橋製作所', prefecture: '東京都', employees: 120 },
      { name: '㈱ﾃｽﾄ', prefecture: '大阪府', employees: 45 },
    ]);
  });

  it('reads UTF-8 with a byte-order mark without taking the mark into the first header', async () => {
    const summary = await run('customers', aFile(`bom-${engine}.csv`, `\uFEFF${CUSTOMERS}`));
    expect(summary).toMatchObject({ rows: 2, accepted: 2, warnings: [] });
  });

  it('imports JSON lines, with a bad line rejected by its line number', async () => {
    await run('customers', aFile(`base4-${engine}.csv`, CUSTOMERS));
    const jsonl = [
      '{"event_id":"E1","customer_id":"C1","type":"email_open","occurred_at":"2024-03-05T10:00:00+09:00","properties":{"subject":"春のご案内"}}',
      '{"email":"YAMADA@shop.jp","type":"問い合わせ","occurred_at":"2024/3/6","text":"見積もりをお願いします"}',
      'not json',
      '{"email":"nobody@else.jp","type":"email_open","occurred_at":"2024-03-06"}',
    ].join('\n');
    const summary = await run('events', aFile(`events-${engine}.jsonl`, jsonl));
    expect(summary).toMatchObject({ rows: 4, accepted: 2, rejected: 2 });
    const events = await storage.db
      .selectFrom('events')
      .select(['customer_id', 'type', 'properties'])
      .orderBy('occurred_at')
      .execute();
    expect(events).toEqual([
      { customer_id: 'C1', type: 'email_open', properties: '{"subject":"春のご案内"}' },
      { customer_id: 'C2', type: 'inquiry', properties: null },
    ]);
    const reject = readFileSync(summary.rejected_file ?? '', 'utf8');
    expect(reject).toMatch(/\r\n3,,"not valid JSON/);
    expect(reject).toMatch(/\r\n4,email,"no customer or contact has the email nobody@else.jp/);
    expect(await run('events', aFile(`events-${engine}.jsonl`, jsonl))).toMatchObject({
      inserted: 0,
      unchanged: 2,
    });
  });

  it('gives events without event_id a stable id, keeping identical events apart', async () => {
    await run('customers', aFile(`base5-${engine}.csv`, CUSTOMERS));
    const csv =
      'customer_id,type,occurred_at\nC1,web_visit,2024-03-05 10:00\nC1,web_visit,2024-03-05 10:00\nC2,webinar,2024-03-05\n';
    const path = aFile(`noid-${engine}.csv`, csv);
    const first = await run('events', path);
    expect(first).toMatchObject({ accepted: 3, inserted: 3 });
    expect(first.warnings).toEqual([
      'custom event types stored as given, which the analysis does not read: webinar (1)',
    ]);
    expect(await run('events', path)).toMatchObject({ inserted: 0, unchanged: 3 });
    expect(await count('events')).toBe(3);
  });

  it('files the rows of a merged customer under the customer it was merged into', async () => {
    await run('customers', aFile(`base6-${engine}.csv`, CUSTOMERS));
    await storage.db
      .updateTable('customers')
      .set({ merged_into: 'C1' })
      .where('customer_id', '=', 'C2')
      .execute();
    const path = aFile(
      `merged-${engine}.csv`,
      'order_id,customer_id,ordered_at,amount\nO1,C2,2024-03-05,100\n',
    );
    expect(await run('orders', path)).toMatchObject({ accepted: 1, inserted: 1 });
    expect(await run('orders', path)).toMatchObject({ unchanged: 1 });
    const order = await storage.db.selectFrom('orders').select('customer_id').executeTakeFirstOrThrow();
    expect(order.customer_id).toBe('C1');
  });

  it('rejects a row with more cells than the header, pointing at unquoted commas', async () => {
    await run('customers', aFile(`base7-${engine}.csv`, CUSTOMERS));
    const path = aFile(
      `comma-${engine}.csv`,
      'order_id,customer_id,ordered_at,amount\nO1,C1,2024-03-05,1,200\n',
    );
    const summary = await run('orders', path);
    expect(summary.rejected).toBe(1);
    expect(readFileSync(summary.rejected_file ?? '', 'utf8')).toContain('must be in double quotes');
  });

  it('reports progress and writes the reject file where asked', async () => {
    const seen: number[] = [];
    const rejectFile = pathOf(`custom-${engine}.rejects.csv`);
    const summary = await run('customers', aFile(`progress-${engine}.csv`, 'customer_id,name\nC1,A\nC2,\n'), {
      rejectFile,
      onProgress: (p) => seen.push(p.rowsRead),
    });
    expect(summary.rejected_file).toBe(rejectFile);
    expect(seen.at(-1)).toBe(2);
    expect(readFileSync(rejectFile, 'utf8')).toContain('3,name,name is required and the cell is empty,C2,');
  });
});
