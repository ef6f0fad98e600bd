import { readdirSync } from 'node:fs';
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
});
