import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../test/engines.js';
import { createTestServer, type TestServer } from '../../test/serverFixture.js';

describe.each(ENGINES)('ingestion API on %s', (engine) => {
  let t: TestServer;
  let token = '';
  beforeAll(async () => {
    t = await createTestServer(engine);
    const admin = await t.login('admin');
    token = (
      await t.request({
        method: 'POST',
        url: '/api/tokens',
        as: admin,
        body: { name: 'ec', scopes: ['ingest'] },
      })
    ).json().token;
  });
  afterAll(async () => t?.close());

  const order = (id: string, extra: Record<string, unknown> = {}) => ({
    order_id: id,
    customer_id: 'C002',
    ordered_at: '2026-11-20',
    amount: 12800,
    product: '業務用洗剤',
    ...extra,
  });

  it('stores a batch once, however often it is sent', async () => {
    const batch = [order('W1'), order('W2', { amount: -1200 })];
    const first = (await t.request({ method: 'POST', url: '/api/ingest/orders', token, body: batch })).json();
    expect(first).toEqual({ received: 2, inserted: 2, duplicates: 0, rejected: [] });
    const again = (await t.request({ method: 'POST', url: '/api/ingest/orders', token, body: batch })).json();
    expect(again).toEqual({ received: 2, inserted: 0, duplicates: 2, rejected: [] });
    const stored = await t.storage.db
      .selectFrom('orders')
      .selectAll()
      .where('order_id', 'in', ['W1', 'W2'])
      .orderBy('order_id')
      .execute();
    expect(stored.map((o) => o.is_refund)).toEqual([0, 1]);
  });

  it('rejects rows for unknown customers and keeps the others', async () => {
    const result = (
      await t.request({
        method: 'POST',
        url: '/api/ingest/orders',
        token,
        body: [order('W3'), order('W4', { customer_id: 'ZZZ' })],
      })
    ).json();
    expect(result.inserted).toBe(1);
    expect(result.rejected).toEqual([
      { index: 1, field: 'customer_id', message: expect.stringContaining('ZZZ') },
    ]);
  });

  it('names the row and field of an invalid value, and stores nothing of that batch', async () => {
    const response = await t.request({
      method: 'POST',
      url: '/api/ingest/orders',
      token,
      body: [order('W5'), order('W6', { ordered_at: '2026/13/01' })],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.field).toBe('body.1.ordered_at');
    expect(response.json().error.message).toContain('2026-03-31');
    const stored = await t.storage.db
      .selectFrom('orders')
      .select('order_id')
      .where('order_id', '=', 'W5')
      .execute();
    expect(stored).toEqual([]);
  });

  it('matches an event to its customer by email when no customer id is given', async () => {
    const result = (
      await t.request({
        method: 'POST',
        url: '/api/ingest/events',
        token,
        body: {
          event_id: 'EV1',
          email: 'C003@example.jp',
          type: 'web_visit',
          occurred_at: '2026-11-21T10:00:00+09:00',
          properties: { page: '/price' },
        },
      })
    ).json();
    expect(result.inserted).toBe(1);
    const stored = await t.storage.db
      .selectFrom('events')
      .selectAll()
      .where('event_id', '=', 'EV1')
      .executeTakeFirst();
    expect(stored).toMatchObject({ customer_id: 'C003', properties: '{"page":"/price"}' });
  });

  it('refuses an event with neither customer id nor email', async () => {
    const response = await t.request({
      method: 'POST',
      url: '/api/ingest/events',
      token,
      body: { event_id: 'EV2', type: 'web_visit', occurred_at: '2026-11-21' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.field).toBe('body.0.customer_id');
  });
});

describe('dashboard counts cache', () => {
  it('serves cached counts until ingestion changes the data', async () => {
    const t = await createTestServer('sqlite', { dashboardCacheMs: 3_600_000 });
    try {
      const admin = await t.login('admin');
      const orders = async () =>
        (await t.request({ method: 'GET', url: '/api/dashboard', as: admin })).json().orders;
      expect(await orders()).toBe(4);
      // A write by another process is not seen while the cache is fresh…
      await t.storage.db
        .insertInto('orders')
        .values({
          order_id: 'X1',
          customer_id: 'C001',
          ordered_at: '2026-11-01',
          amount: 1,
          gross_margin: null,
          product: null,
          category: null,
          quantity: null,
          channel: null,
          is_refund: 0,
          import_batch_id: null,
        })
        .execute();
      expect(await orders()).toBe(4);
      // …but ingestion through this server clears it.
      const token = (
        await t.request({
          method: 'POST',
          url: '/api/tokens',
          as: admin,
          body: { name: 'x', scopes: ['ingest'] },
        })
      ).json().token;
      await t.request({
        method: 'POST',
        url: '/api/ingest/orders',
        token,
        body: { order_id: 'X2', customer_id: 'C001', ordered_at: '2026-11-02', amount: 1 },
      });
      expect(await orders()).toBe(6);
    } finally {
      await t.close();
    }
  });
});
