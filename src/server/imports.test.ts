import { readdirSync } from 'node:fs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../test/engines.js';
import { createTestServer, type TestServer } from '../../test/serverFixture.js';
import { safeFileName } from './importJobs.js';

const importerAvailable = await import('../importer/index.js').then(
  (m) => typeof m.importFile === 'function',
  () => false,
);

describe('upload file names', () => {
  it('keeps Japanese names and drops directories and odd characters', () => {
    expect(safeFileName(encodeURIComponent('顧客一覧 2026.csv'), 'customers')).toBe('顧客一覧 2026.csv');
    expect(safeFileName('../../etc/passwd', 'orders')).toBe('passwd');
    expect(safeFileName('C:\\Users\\x\\受注.csv', 'orders')).toBe('受注.csv');
    expect(safeFileName('.hidden', 'orders')).toBe('orders.csv');
    expect(safeFileName(undefined, 'events')).toBe('events.csv');
    expect(safeFileName('a<b>"c".csv', 'events')).toBe('a_b__c_.csv');
  });
});

describe.each(ENGINES)('imports API on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await createTestServer(engine, { maxUploadBytes: 4096 });
  });
  afterAll(async () => t?.close());

  const upload = async (kind: string, body: string, contentType = 'text/csv', query = '') =>
    t.request({
      method: 'POST',
      url: `/api/imports/${kind}${query}`,
      as: await t.login('marketer'),
      body,
      headers: { 'content-type': contentType, 'x-file-name': encodeURIComponent('新規顧客.csv') },
    });

  it('names the kind when it is not one the importer knows', async () => {
    const response = await upload('invoices', 'a,b\n1,2\n');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.field).toBe('params.kind');
  });

  it('asks for the file as the request body when JSON is sent instead', async () => {
    const response = await upload('customers', '{"a":1}', 'application/json');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/^body: /);
  });

  it('refuses an empty file and a file over the size limit', async () => {
    const empty = await upload('customers', '');
    expect(empty.statusCode).toBe(400);
    const big = await upload('customers', `customer_id,name\n${'X,株式会社\n'.repeat(1000)}`);
    expect(big.statusCode).toBe(400);
    expect(big.json().error.message).toContain('4096');
    expect(readdirSync(t.uploadDir)).toEqual([]);
  });

  it.skipIf(!importerAvailable)('imports a CSV with one bad row and serves its reject report', async () => {
    const csv = 'customer_id,name,prefecture\nN1,株式会社つばさ,福岡県\nN2,,北海道\n';
    const response = await upload('customers', csv, 'text/csv', '?wait=true');
    expect(response.statusCode, response.body).toBe(202);
    const job = response.json();
    expect(job).toMatchObject({ status: 'done', file: '新規顧客.csv', has_rejects: true });
    expect(job.summary).toMatchObject({ rows: 2, accepted: 1, rejected: 1 });
    const progress = await t.request({
      method: 'GET',
      url: `/api/imports/${job.id}`,
      as: await t.login('marketer'),
    });
    expect(progress.json().status).toBe('done');
    const rejects = await t.request({
      method: 'GET',
      url: `/api/imports/${job.id}/rejects`,
      as: await t.login('admin'),
    });
    expect(rejects.statusCode).toBe(200);
    expect(rejects.headers['content-type']).toContain('text/csv');
    const lines = rejects.body.replace(/^\uFEFF/, '').split(/\r?\n/);
    expect(lines[0]).toMatch(/^row,column,reason/);
    expect(lines[1]).toMatch(/^3,name,/);
    const rep = await t.request({
      method: 'GET',
      url: `/api/imports/${job.id}/rejects`,
      as: await t.login('tanaka'),
    });
    expect(rep.statusCode).toBe(403);
  });

  const preview = async (
    kind: string,
    body: string | Buffer,
    query = '',
    as: 'marketer' | 'tanaka' = 'marketer',
  ) =>
    t.request({
      method: 'POST',
      url: `/api/imports/${kind}/preview${query}`,
      as: await t.login(as),
      body: body as string,
      headers: { 'content-type': 'text/csv', 'x-file-name': encodeURIComponent('得意先一覧.csv') },
    });

  const SALES_EXPORT =
    '得意先番号,取引先名称,都道府県,社内メモ\r\nT001,株式会社髙橋製作所,東京都,要注意\r\nT002,㈱ﾃｽﾄ,大阪府,\r\n';

  it('previews a Shift_JIS file cut mid-row: encoding, header, decoded rows and the proposed mapping', async () => {
    const bytes = iconv.encode(SALES_EXPORT, 'cp932');
    // The browser sends the file's start: here it ends inside the second row's company name.
    const cut = bytes.subarray(0, bytes.indexOf(iconv.encode('㈱', 'cp932')) + 1);
    const response = await preview('customers', cut, `?size=${bytes.length}`);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      encoding: 'Shift_JIS (CP932)',
      layout: 'csv',
      header: ['得意先番号', '取引先名称', '都道府県', '社内メモ'],
      rows: [['T001', '株式会社髙橋製作所', '東京都', '要注意']],
      proposed: [
        { source: '得意先番号', column: null },
        { source: '取引先名称', column: null },
        { source: '都道府県', column: 'prefecture' },
        { source: '社内メモ', column: null },
      ],
      missing_required: ['customer_id', 'name'],
      required_groups: [['customer_id'], ['name']],
    });
    expect(body.columns.slice(0, 3)).toEqual([
      { name: 'customer_id', required: true, label_ja: '顧客ID' },
      { name: 'name', required: true, label_ja: '会社名' },
      { name: 'kind', required: false, label_ja: '種別' },
    ]);
    const whole = await preview('customers', Buffer.from(`\uFEFF${SALES_EXPORT.trimEnd()}`), '?size=1');
    expect(whole.json()).toMatchObject({ encoding: 'UTF-8', has_bom: true });
    expect(whole.json().rows).toHaveLength(2);
  });

  it('refuses a preview body over 1 MiB, and a sales rep', async () => {
    const big = await preview('customers', `customer_id,name\n${'C1,株式会社\n'.repeat(80_000)}`);
    expect(big.statusCode).toBe(400);
    expect(big.json().error.message).toMatch(/^body: a preview reads at most the first 1048576 bytes/);
    expect((await preview('customers', SALES_EXPORT, '', 'tanaka')).statusCode).toBe(403);
  });

  it('refuses a mapping that is not JSON, names an unknown column or fills one column twice, keeping no upload', async () => {
    const before = readdirSync(t.uploadDir);
    const notJson = await upload('customers', SALES_EXPORT, 'text/csv', '?mapping=%7Bnope');
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.field).toBe('query.mapping');
    const mapping = (m: object) => `?mapping=${encodeURIComponent(JSON.stringify(m))}`;
    const unknown = await upload('customers', SALES_EXPORT, 'text/csv', mapping({ 取引先名称: 'company' }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ field: 'query.mapping' });
    expect(unknown.json().error.message).toContain(
      "'取引先名称' is mapped to 'company', which is not a column of customers; use one of customer_id, name,",
    );
    const twice = await upload(
      'customers',
      SALES_EXPORT,
      'text/csv',
      mapping({ 得意先番号: 'customer_id', 取引先名称: 'customer_id' }),
    );
    expect(twice.json().error.message).toContain(
      "'得意先番号' and '取引先名称' are both mapped to customer_id",
    );
    expect(readdirSync(t.uploadDir)).toEqual(before);
  });

  it.skipIf(!importerAvailable)(
    'imports a file with headers the aliases do not know through a mapping',
    async () => {
      const query = `?wait=true&mapping=${encodeURIComponent(
        JSON.stringify({ 得意先番号: 'customer_id', 取引先名称: 'name', 社内メモ: null }),
      )}`;
      const response = await upload('customers', SALES_EXPORT, 'text/csv', query);
      expect(response.statusCode, response.body).toBe(202);
      expect(response.json()).toMatchObject({
        status: 'done',
        summary: { rows: 2, accepted: 2, rejected: 0 },
      });
      const stored = await t.storage.db
        .selectFrom('customers')
        .select(['customer_id', 'prefecture'])
        .where('customer_id', 'in', ['T001', 'T002'])
        .orderBy('customer_id')
        .execute();
      expect(stored).toEqual([
        { customer_id: 'T001', prefecture: '東京都' },
        { customer_id: 'T002', prefecture: '大阪府' },
      ]);
    },
  );
});
