/**
 * Segments over the API on both engines: preview, save, list, open, change and delete, with the
 * caller's scope in every count and list, writers-only changes, audit rows and field-named errors.
 * The analysis results are the four customers of test/taskFixture.ts: 田中's C001 (early dormant,
 * rank A, ¥182,000 expected) and C002 (mid dormant, B, ¥141,000), 鈴木's C003 (long dormant, A,
 * ¥175,000) and the unowned C004 (early dormant, C, ¥100,000).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../test/engines.js';
import { createTestServer, type TestServer, type UserName } from '../../test/serverFixture.js';
import { seedTaskState } from '../../test/taskFixture.js';
import type { SegmentFilter } from '../core/prioritise/segmentFilter.js';
import { countSegment, countSegments } from '../storage/segmentQueries.js';

interface SegmentView {
  id: number;
  name: string;
  filter: Record<string, unknown>;
  description: string;
  count: number;
  stored_count: number | null;
  created_by: string;
}
interface ErrorBody {
  error: { code: string; message: string; field?: string; issues?: { field: string; message: string }[] };
}
interface Member {
  customer_id: string;
  name: string;
  expected_value: number | null;
}

describe.each(ENGINES)('segments API on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await createTestServer(engine);
    await seedTaskState(t.storage);
  });
  afterAll(async () => t?.close());

  const call = async (as: UserName, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
    t.request({ method, url, as: await t.login(as), ...(body === undefined ? {} : { body }) });
  const preview = async (as: UserName, filter: unknown, limit?: number) => {
    const response = await call(as, 'POST', '/api/segments/preview', {
      filter,
      ...(limit === undefined ? {} : { limit }),
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ count: number; description: string; customers: Member[] }>();
  };
  const list = async (as: UserName) => {
    const response = await call(as, 'GET', '/api/segments');
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ items: SegmentView[] }>().items;
  };
  const auditActions = async () =>
    (
      await t.storage.db
        .selectFrom('audit_log')
        .select(['action', 'entity_id', 'actor', 'details'])
        .where('entity', '=', 'segment')
        .orderBy('id')
        .execute()
    ).map((r) => ({ ...r, details: JSON.parse(String(r.details)) as { name: string; count: number } }));

  it('previews a filter without saving it: count and first customers, highest expected value first', async () => {
    const result = await preview('marketer', { status: ['early_dormant', 'long_dormant'] });
    expect(result.count).toBe(3);
    expect(result.customers.map((c) => c.customer_id)).toEqual(['C001', 'C003', 'C004']);
    expect(result.customers[0]).toMatchObject({ name: '株式会社あおば製作所', expected_value: 182_000 });
    expect(result.description).toBe('status in (early_dormant, long_dormant)');
    expect((await preview('marketer', { ranges: { expected_value: { min: 150_000 } } }, 0)).count).toBe(2);
    expect(await list('admin')).toEqual([]);
  });

  it("counts and lists only a sales rep's own accounts in a preview", async () => {
    const tanaka = await preview('tanaka', { status: ['early_dormant', 'long_dormant'] });
    expect(tanaka.count).toBe(1);
    expect(tanaka.customers.map((c) => c.customer_id)).toEqual(['C001']);
    expect((await preview('tanaka', {})).count).toBe(2);
    expect((await preview('suzuki', {})).customers.map((c) => c.customer_id)).toEqual(['C003']);
  });

  it('saves a segment for a marketer, with the count and an audit row', async () => {
    const response = await call('marketer', 'POST', '/api/segments', {
      name: ' Aランク ',
      filter: { rank: ['A'] },
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json<SegmentView>()).toMatchObject({
      name: 'Aランク',
      filter: { rank: ['A'] },
      count: 2,
      stored_count: 2,
      created_by: 'user:marketer@example.jp',
    });
    const audit = await auditActions();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'segment.create',
      actor: 'user:marketer@example.jp',
      details: { name: 'Aランク', count: 2 },
    });
  });

  it('refuses saving, changing and deleting for a sales rep and a viewer, and stores nothing', async () => {
    const id = (await list('admin'))[0]?.id;
    for (const user of ['tanaka', 'viewer'] as const) {
      const created = await call(user, 'POST', '/api/segments', { name: `${user}の`, filter: {} });
      expect(created.statusCode).toBe(403);
      expect(created.json<ErrorBody>().error.code).toBe('forbidden');
      expect(
        (await call(user, 'PUT', `/api/segments/${id}`, { name: 'x', filter: { rank: ['D'] } })).statusCode,
      ).toBe(403);
      expect((await call(user, 'DELETE', `/api/segments/${id}`)).statusCode).toBe(403);
    }
    const segments = await list('admin');
    expect(segments.map((s) => [s.name, s.count])).toEqual([['Aランク', 2]]);
    expect((await auditActions()).map((a) => a.action)).toEqual(['segment.create']);
  });

  it("gives each caller the count and customers of their own scope, never the company's", async () => {
    const [forTanaka] = await list('tanaka');
    expect(forTanaka).toMatchObject({ name: 'Aランク', count: 1, stored_count: null });
    expect((await list('suzuki'))[0]?.count).toBe(1);
    expect((await list('viewer'))[0]?.count).toBe(2);
    const id = forTanaka?.id;
    const show = async (as: UserName, query = '') => {
      const response = await call(as, 'GET', `/api/segments/${id}${query}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<SegmentView & { customers: { items: Member[]; total: number } }>();
    };
    const tanaka = await show('tanaka');
    expect(tanaka.count).toBe(1);
    expect(tanaka.customers.total).toBe(1);
    expect(tanaka.customers.items.map((c) => c.customer_id)).toEqual(['C001']);
    expect((await show('suzuki')).customers.items.map((c) => c.customer_id)).toEqual(['C003']);
    const admin = await show('admin');
    expect(admin.customers.items.map((c) => c.customer_id)).toEqual(['C001', 'C003']);
    const secondPage = await show('admin', '?page=2&page_size=1');
    expect(secondPage.customers).toMatchObject({ total: 2, page: 2, page_size: 1 });
    expect(secondPage.customers.items.map((c) => c.customer_id)).toEqual(['C003']);
  });

  it('names the field of every validation error', async () => {
    const error = async (body: unknown, url = '/api/segments', method: 'POST' | 'PUT' = 'POST') => {
      const response = await call('admin', method, url, body);
      expect(response.statusCode, response.body).toBe(400);
      return response.json<ErrorBody>().error;
    };
    expect(await error({ name: '  ', filter: {} })).toMatchObject({
      code: 'invalid_input',
      field: 'body.name',
    });
    expect((await error({ name: 'x', filter: { rank: ['Z'] } })).field).toBe('body.filter.rank.0');
    expect((await error({ name: 'x', filter: { ranges: { p_alive: { min: 0.9, max: 0.1 } } } })).field).toBe(
      'body.filter.ranges.p_alive',
    );
    expect((await error({ name: 'x', filter: { status: [] } })).field).toBe('body.filter.status');
    const unknown = await error({ name: 'x', filter: { planet: ['mars'] } });
    expect(unknown.field).toBe('body.filter');
    expect(unknown.message).toContain('planet');
    expect((await error({ name: 'x' })).field).toBe('body.filter');
    expect((await error({ filter: { ranges: { score: {} } } }, '/api/segments/preview')).field).toBe(
      'body.filter.ranges.score',
    );
    expect((await error({ name: 'x', filter: {} }, '/api/segments/abc', 'PUT')).field).toBe('params.id');
    const page = await call('admin', 'GET', '/api/segments/1?page_size=1000');
    expect(page.statusCode).toBe(400);
    expect(page.json<ErrorBody>().error.field).toBe('query.page_size');
    expect((await list('admin')).map((s) => s.name)).toEqual(['Aランク']);
  });

  it('changes a segment (recounted, audited), refuses a taken name and answers 404 for a missing one', async () => {
    const other = await call('admin', 'POST', '/api/segments', {
      name: '休眠',
      filter: { status: ['mid_dormant'] },
    });
    expect(other.statusCode, other.body).toBe(201);
    const duplicate = await call('admin', 'POST', '/api/segments', { name: '休眠', filter: {} });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json<ErrorBody>().error.code).toBe('conflict');
    const id = (await list('admin')).find((s) => s.name === 'Aランク')?.id;
    const renameClash = await call('marketer', 'PUT', `/api/segments/${id}`, { name: '休眠', filter: {} });
    expect(renameClash.statusCode).toBe(409);
    const changed = await call('marketer', 'PUT', `/api/segments/${id}`, {
      name: 'A・Bランク',
      filter: { rank: ['A', 'B'] },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json<SegmentView>()).toMatchObject({ id, name: 'A・Bランク', count: 3, stored_count: 3 });
    expect((await list('tanaka')).find((s) => s.id === id)?.count).toBe(2);
    expect((await call('marketer', 'PUT', '/api/segments/999', { name: 'x', filter: {} })).statusCode).toBe(
      404,
    );
    expect((await call('admin', 'GET', '/api/segments/999')).statusCode).toBe(404);
    const updated = (await auditActions()).find((a) => a.action === 'segment.update');
    expect(updated).toMatchObject({ entity_id: String(id), details: { name: 'A・Bランク', count: 3 } });
  });

  it("filters the customer list by a saved segment, within the caller's scope", async () => {
    const id = (await list('admin')).find((s) => s.name === 'A・Bランク')?.id;
    const customers = async (as: UserName, query: string) => {
      const response = await call(as, 'GET', `/api/customers?${query}`);
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json<{ total: number; items: { customer_id: string }[] }>();
      return [body.total, body.items.map((c) => c.customer_id)];
    };
    expect(await customers('admin', `segment=${id}&sort=customer_id`)).toEqual([3, ['C001', 'C002', 'C003']]);
    const tokyo = `segment=${id}&prefecture=${encodeURIComponent('東京都')}&sort=customer_id`;
    expect(await customers('admin', tokyo)).toEqual([2, ['C001', 'C003']]);
    expect(await customers('tanaka', `segment=${id}&sort=customer_id`)).toEqual([2, ['C001', 'C002']]);
    const missing = await call('admin', 'GET', '/api/customers?segment=999');
    expect(missing.statusCode).toBe(400);
    expect(missing.json<ErrorBody>().error.field).toBe('query.segment');
  });

  it('deletes a segment for an admin with an audit row; a second delete is 404', async () => {
    const id = (await list('admin')).find((s) => s.name === '休眠')?.id;
    const deleted = await call('admin', 'DELETE', `/api/segments/${id}`);
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect(deleted.json()).toEqual({ ok: true, id, name: '休眠' });
    expect((await call('admin', 'DELETE', `/api/segments/${id}`)).statusCode).toBe(404);
    expect((await call('admin', 'GET', `/api/segments/${id}`)).statusCode).toBe(404);
    expect((await list('admin')).map((s) => s.name)).toEqual(['A・Bランク']);
    expect((await auditActions()).at(-1)).toMatchObject({
      action: 'segment.delete',
      entity_id: String(id),
      actor: 'user:admin@example.jp',
      details: { name: '休眠' },
    });
  });

  it('still lists the other segments when a stored filter no longer validates', async () => {
    await sql`insert into segments (name, filter, created_by, created_at)
      values ('古い条件', '{"rank":["S"]}', 'test', '2026-01-01')`.execute(t.storage.db);
    const items = (await call('admin', 'GET', '/api/segments')).json<{
      items: (SegmentView & { invalid: boolean })[];
    }>().items;
    expect(items.map((s) => [s.name, s.count, s.invalid])).toEqual([
      ['A・Bランク', 3, false],
      ['古い条件', null, true],
    ]);
    expect(items[1]?.description).toContain('rank.0');
    await sql`delete from segments where name = '古い条件'`.execute(t.storage.db);
  });

  it('counts many filters in one pass exactly as it counts each alone, in every scope', async () => {
    const filters: SegmentFilter[] = [
      {},
      { status: ['early_dormant'] },
      { rank: ['A', 'B'], ranges: { expected_value: { min: 150_000 } } },
      { reason_resolved: false, gap_alert: false },
      { reason_resolved: true },
      { ranges: { score: { min: 120, max: 180 } }, prefecture: ['東京都'] },
      { owner: ['nobody'] },
    ];
    for (const scope of [null, { ownerKey: '田中' }, { ownerKey: null }]) {
      const one = [];
      for (const filter of filters) one.push(await countSegment(t.storage, filter, scope));
      expect(await countSegments(t.storage, filters, scope)).toEqual(one);
    }
    expect(await countSegments(t.storage, filters.slice(0, 3))).toEqual([4, 2, 2]);
    expect(await countSegments(t.storage, [])).toEqual([]);
  });

  it('offers the fields a segment can filter on, with values from the caller’s own accounts', async () => {
    const fields = async (as: UserName) => {
      const response = await call(as, 'GET', '/api/segments/fields');
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ lists: Record<string, string[]>; ranges: string[]; flags: string[] }>();
    };
    const admin = await fields('admin');
    expect(admin.lists.rank).toEqual(['A', 'B', 'C', 'D']);
    expect(admin.lists.status).toContain('mid_dormant');
    expect([...(admin.lists.prefecture ?? [])].sort()).toEqual(['大阪府', '愛知県', '東京都'].sort());
    expect(admin.ranges).toEqual(
      expect.arrayContaining(['p_alive', 'expected_value', 'days_since_last_purchase']),
    );
    expect((await fields('tanaka')).lists.owner).toEqual(['田中']);
  });
});
