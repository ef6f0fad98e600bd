import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../test/engines.js';
import { createTestServer, type TestServer } from '../../test/serverFixture.js';

interface ListBody {
  total: number;
  items: {
    customer_id: string;
    order_count: number;
    revenue: number;
    last_order_at: string | null;
    analysis: Record<string, unknown> | null;
  }[];
  analysisAvailable: boolean;
}

describe.each(ENGINES)('customers API on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await createTestServer(engine);
  });
  afterAll(async () => t?.close());

  const list = async (query: string, as: 'admin' | 'tanaka' | 'viewer' = 'admin') => {
    const response = await t.request({ method: 'GET', url: `/api/customers${query}`, as: await t.login(as) });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<ListBody>();
  };

  it('pages and sorts the list, with order totals that leave refunds out', async () => {
    const first = await list('?sort=customer_id&page_size=3');
    expect(first.total).toBe(4);
    expect(first.items.map((c) => c.customer_id)).toEqual(['C001', 'C002', 'C003']);
    expect(first.items[0]).toMatchObject({ order_count: 2, revenue: 218000, last_order_at: '2025-03-10' });
    const second = await list('?sort=customer_id&page_size=3&page=2');
    expect(second.items.map((c) => c.customer_id)).toEqual(['C004']);
    const desc = await list('?sort=customer_id&dir=desc&page_size=1');
    expect(desc.items[0]?.customer_id).toBe('C004');
  });

  it('filters by prefecture, industry, owner and a part of the name (full-width text)', async () => {
    expect((await list(`?prefecture=${encodeURIComponent('東京都')}`)).total).toBe(2);
    expect(
      (
        await list(`?industry=${encodeURIComponent('製造業')}&prefecture=${encodeURIComponent('愛知県')}`)
      ).items.map((c) => c.customer_id),
    ).toEqual(['C004']);
    expect((await list(`?owner=${encodeURIComponent('鈴木')}`)).items.map((c) => c.customer_id)).toEqual([
      'C003',
    ]);
    expect((await list(`?q=${encodeURIComponent('さくら')}`)).items.map((c) => c.customer_id)).toEqual([
      'C002',
    ]);
    expect((await list('?q=c00')).total).toBe(4);
    expect((await list(`?q=${encodeURIComponent('100%')}`)).total).toBe(0);
  });

  it('shows a sales rep only the accounts they own, whatever filter they send', async () => {
    expect((await list('?sort=customer_id', 'tanaka')).items.map((c) => c.customer_id)).toEqual([
      'C001',
      'C002',
    ]);
    expect((await list(`?owner=${encodeURIComponent('鈴木')}`, 'tanaka')).total).toBe(0);
    const facets = (
      await t.request({ method: 'GET', url: '/api/customers/facets', as: await t.login('tanaka') })
    ).json();
    expect(facets.owners).toEqual(['田中']);
    const dashboard = (
      await t.request({ method: 'GET', url: '/api/dashboard', as: await t.login('tanaka') })
    ).json();
    expect(dashboard).toMatchObject({ customers: 2, orders: 3, revenue: 263000, contactsLeft: 1 });
  });

  it('counts everything on the dashboard for an admin', async () => {
    const dashboard = (
      await t.request({ method: 'GET', url: '/api/dashboard', as: await t.login('admin') })
    ).json();
    expect(dashboard).toMatchObject({
      customers: 4,
      orders: 4,
      revenue: 563000,
      contactsLeft: 1,
      lastOrderAt: '2026-10-01',
    });
  });

  it('says when the analysis has not run, and an analysis filter then matches nothing', async () => {
    const listed = await list('?status=early_dormant');
    expect(listed).toMatchObject({ analysisAvailable: false, total: 0 });
    const dashboard = (
      await t.request({ method: 'GET', url: '/api/dashboard', as: await t.login('admin') })
    ).json();
    expect(dashboard).toMatchObject({ analysisAvailable: false, customers: 4 });
  });

  it('returns the 360 view: profile, contacts who left, orders by month, timeline, reason overrides', async () => {
    const admin = await t.login('admin');
    await t.request({
      method: 'POST',
      url: '/api/customers/C001/reason',
      as: admin,
      body: { category: 'product', note: '納期遅延のクレーム' },
    });
    const view = (await t.request({ method: 'GET', url: '/api/customers/C001', as: admin })).json();
    expect(view.profile.name).toBe('株式会社あおば製作所');
    expect(view.contacts.find((c: { status: string }) => c.status === 'left').name).toBe('山田 太郎');
    expect(view.orders.map((o: { order_id: string }) => o.order_id)).toEqual(['O3', 'O2', 'O1']);
    expect(view.orderMonths).toEqual([
      { month: '2025-01', amount: 120000, orders: 1 },
      { month: '2025-03', amount: 93000, orders: 2 },
    ]);
    expect(view.events[0].event_id).toBe('E1');
    expect(view.reasonOverrides[0]).toMatchObject({
      category: 'product',
      note: '納期遅延のクレーム',
      user_name: 'admin',
    });
  });

  it('answers 404 for an unknown customer and refuses an unknown reason category naming the field', async () => {
    const admin = await t.login('admin');
    expect((await t.request({ method: 'GET', url: '/api/customers/NOPE', as: admin })).statusCode).toBe(404);
    const bad = await t.request({
      method: 'POST',
      url: '/api/customers/C001/reason',
      as: admin,
      body: { category: 'weather' },
    });
    expect(bad.json().error.field).toBe('body.category');
  });

  it('shows analysis columns, filters and status history once the analysis has run', async () => {
    const state = (id: string, status: string, rank: string, score: number, reason: string | null) =>
      sql`insert into customer_state (customer_id, run_id, as_of, status, status_since, score, rank, reason_category)
          values (${id}, 1, '2026-11-01', ${status}, '2026-01-01', ${score}, ${rank}, ${reason})`.execute(
        t.storage.db,
      );
    await state('C001', 'early_dormant', 'A', 0.8, 'product');
    await state('C002', 'active', 'B', 0.3, null);
    await state('C003', 'long_dormant', 'A', 0.6, 'price');
    for (const [status, day] of [
      ['active', '2025-01-15'],
      ['early_dormant', '2025-09-01'],
    ] as const) {
      await sql`insert into status_history (customer_id, status, entered_at, run_id) values ('C001', ${status}, ${day}, 1)`.execute(
        t.storage.db,
      );
    }
    const byScore = await list('?sort=score&dir=desc');
    expect(byScore.analysisAvailable).toBe(true);
    expect(byScore.items.map((c) => c.customer_id)).toEqual(['C001', 'C003', 'C002', 'C004']);
    // Customers without a value come last in both directions, on both engines.
    expect((await list('?sort=score&dir=asc')).items.map((c) => c.customer_id)).toEqual([
      'C002',
      'C003',
      'C001',
      'C004',
    ]);
    expect(byScore.items[0]?.analysis).toMatchObject({
      status: 'early_dormant',
      rank: 'A',
      reason_category: 'product',
    });
    expect((await list('?rank=A&sort=customer_id')).items.map((c) => c.customer_id)).toEqual([
      'C001',
      'C003',
    ]);
    expect((await list('?rank=A&sort=customer_id', 'tanaka')).items.map((c) => c.customer_id)).toEqual([
      'C001',
    ]);
    expect((await list('?reason=price')).items.map((c) => c.customer_id)).toEqual(['C003']);
    expect((await list('?status=early_dormant')).items.map((c) => c.customer_id)).toEqual(['C001']);
    const view = (
      await t.request({ method: 'GET', url: '/api/customers/C001', as: await t.login('admin') })
    ).json();
    expect(view.analysis).toMatchObject({ status: 'early_dormant' });
    expect(view.statusHistory.map((h: { status: string }) => h.status)).toEqual(['early_dormant', 'active']);
  });
});

describe.each(ENGINES)('empty database on %s', (engine) => {
  it('lists nothing and counts zero', async () => {
    const t = await createTestServer(engine, { seed: false });
    try {
      const admin = await t.login('admin');
      const listed = (await t.request({ method: 'GET', url: '/api/customers', as: admin })).json();
      expect(listed).toMatchObject({ total: 0, items: [] });
      const dashboard = (await t.request({ method: 'GET', url: '/api/dashboard', as: admin })).json();
      expect(dashboard).toMatchObject({ customers: 0, orders: 0, revenue: 0, lastOrderAt: null });
    } finally {
      await t.close();
    }
  });
});
