/**
 * The dashboard's analysis part, the newly dormant list and the reasons / reapproach reports:
 * numbers from two stored runs (test/dashboardFixture.ts), scoped to a sales rep's accounts,
 * the same whether the company-wide counts come from the run summary or from the rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDashboardRuns } from '../../test/dashboardFixture.js';
import { ENGINES } from '../../test/engines.js';
import { createTestServer, type TestServer, type UserName } from '../../test/serverFixture.js';
import type { DashboardAnalysis } from '../storage/dashboardQueries.js';
import type { ReasonsReportBody } from './routes/reportRoutes.js';

const changesOf = (d: DashboardAnalysis) =>
  Object.fromEntries(d.statuses.filter((s) => s.change !== 0).map((s) => [s.key, s.change]));
const countsOf = (d: DashboardAnalysis) =>
  Object.fromEntries(d.statuses.filter((s) => s.count !== 0).map((s) => [s.key, s.count]));

describe.each(ENGINES)('dashboard and reports API on %s', (engine) => {
  const servers: Record<'summary' | 'rows', TestServer | undefined> = { summary: undefined, rows: undefined };
  beforeAll(async () => {
    servers.summary = await createTestServer(engine);
    await seedDashboardRuns(servers.summary.storage, { summary: true });
    servers.rows = await createTestServer(engine);
    await seedDashboardRuns(servers.rows.storage, { summary: false });
  });
  afterAll(async () => {
    await servers.summary?.close();
    await servers.rows?.close();
  });

  const get = async <T>(url: string, as: UserName, which: 'summary' | 'rows' = 'summary') => {
    const t = servers[which] as TestServer;
    const response = await t.request({ method: 'GET', url, as: await t.login(as) });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<T>();
  };

  it('shows the company: statuses with the change since the previous run, newly dormant, ranks, opportunity', async () => {
    const d = await get<DashboardAnalysis>('/api/dashboard/analysis', 'marketer');
    expect(d).toMatchObject({
      available: true,
      source: 'run_summary',
      run: { run_id: 2, as_of: '2026-11-22' },
      previous_run: { run_id: 1, as_of: '2026-10-22' },
      newly_dormant: 2,
    });
    expect(countsOf(d)).toEqual({
      active: 1,
      at_risk: 2,
      early_dormant: 1,
      mid_dormant: 1,
      long_dormant: 1,
      lost: 1,
      never_purchased: 1,
    });
    expect(changesOf(d)).toEqual({ active: -2, long_dormant: 1, lost: 1 });
    expect(d.statuses.map((s) => s.key).slice(0, 3)).toEqual(['active', 'at_risk', 'early_dormant']);
    expect(d.ranks).toEqual([
      { key: 'A', count: 2 },
      { key: 'B', count: 2 },
      { key: 'C', count: 1 },
      { key: 'D', count: 1 },
    ]);
    // 3 dormant customers × ¥200,000 average × 10 %.
    expect(d.opportunity).toMatchObject({
      dormant_customers: 3,
      average_yearly_value_yen: 200_000,
      reactivation_rate: 0.1,
      estimated_yen: 60_000,
    });
    expect(d.opportunity?.assumptions).toContain('10 % reactivated');
    expect(d.top_reasons.map((r) => [r.reason, r.lost_yearly_revenue_yen])).toEqual([
      ['environment', 300_000],
      ['product', 200_000],
      ['competitor', 150_000],
      ['price', 100_000],
    ]);
    expect(d.at_risk.map((c) => [c.customer_id, c.name])).toEqual([
      ['C005', '株式会社つばさ物流'],
      ['C004', 'みどり工業'],
    ]);
    expect(d.p_alive.map((b) => b.customers)).toEqual([2, 1, 0, 1, 0, 0, 1, 1, 0, 1]);
  });

  it('computes the same company numbers from the rows when the run has no summary', async () => {
    const fromSummary = await get<DashboardAnalysis>('/api/dashboard/analysis', 'admin', 'summary');
    const fromRows = await get<DashboardAnalysis>('/api/dashboard/analysis', 'admin', 'rows');
    expect(fromRows.source).toBe('customer_state');
    const { source: _a, ...a } = fromSummary;
    const { source: _b, ...b } = fromRows;
    expect(b).toEqual(a);
    const url = '/api/dashboard/analysis?at_risk_by=health_score';
    const headOf = async (which: 'summary' | 'rows') =>
      (await get<DashboardAnalysis>(url, 'admin', which)).at_risk.map((c) => c.customer_id);
    expect(await headOf('rows')).toEqual(await headOf('summary'));
  });

  it("shows a sales rep only their own accounts' numbers", async () => {
    const d = await get<DashboardAnalysis>('/api/dashboard/analysis', 'tanaka');
    expect(d.source).toBe('customer_state');
    expect(countsOf(d)).toEqual({ at_risk: 1, early_dormant: 1, mid_dormant: 1 });
    expect(changesOf(d)).toEqual({ active: -1, at_risk: -1, early_dormant: 1, mid_dormant: 1 });
    expect(d.newly_dormant).toBe(2);
    expect(d.ranks.filter((r) => r.count > 0)).toEqual([
      { key: 'A', count: 2 },
      { key: 'B', count: 1 },
    ]);
    expect(d.opportunity).toMatchObject({ dormant_customers: 2, estimated_yen: 30_000 });
    expect(d.top_reasons.map((r) => r.reason)).toEqual(['product', 'price']);
    expect(d.at_risk.map((c) => c.customer_id)).toEqual(['C005']);
    expect(d.p_alive.reduce((s, b) => s + b.customers, 0)).toBe(3);
  });

  it("orders a sales rep's at-risk head like everyone's, by expected value or by health", async () => {
    const t = await createTestServer(engine);
    try {
      await seedDashboardRuns(t.storage, { summary: true });
      // Both at-risk customers become 田中's.
      await t.storage.db
        .updateTable('customers')
        .set({ owner: '田中' })
        .where('customer_id', '=', 'C004')
        .execute();
      for (const order of ['expected_value', 'health_score']) {
        const url = `/api/dashboard/analysis?at_risk_by=${order}`;
        const ids = async (as: UserName) =>
          (await t.request({ method: 'GET', url, as: await t.login(as) }))
            .json<DashboardAnalysis>()
            .at_risk.map((c) => c.customer_id);
        const everyone = await ids('admin');
        expect(everyone).toHaveLength(2);
        expect(await ids('tanaka'), order).toEqual(everyone);
      }
    } finally {
      await t.close();
    }
  });

  it('orders the at-risk head by health score on request and rejects an unknown order', async () => {
    const d = await get<DashboardAnalysis>('/api/dashboard/analysis?at_risk_by=health_score', 'admin');
    expect(d.at_risk.map((c) => [c.customer_id, c.health_score])).toEqual([
      ['C004', 55],
      ['C005', 65],
    ]);
    const t = servers.summary as TestServer;
    const bad = await t.request({
      method: 'GET',
      url: '/api/dashboard/analysis?at_risk_by=name',
      as: await t.login('admin'),
    });
    expect(bad.statusCode).toBe(400);
  });

  it('lists the newly dormant customers with their previous status, scoped', async () => {
    type Body = { total: number; items: { customer_id: string; previous_status: string; status: string }[] };
    const all = await get<Body>('/api/dashboard/newly-dormant', 'viewer');
    expect(all.total).toBe(2);
    expect(all.items.map((c) => [c.customer_id, c.previous_status, c.status])).toEqual([
      ['C001', 'active', 'early_dormant'],
      ['C002', 'at_risk', 'mid_dormant'],
    ]);
    // Without a run summary: the same list.
    expect(await get<Body>('/api/dashboard/newly-dormant', 'viewer', 'rows')).toEqual(all);
    const tanaka = await get<Body>('/api/dashboard/newly-dormant', 'tanaka');
    expect(tanaka.total).toBe(2);
    expect(await get<Body>('/api/dashboard/newly-dormant', 'tanaka', 'rows')).toEqual(tanaka);
    const suzuki = await get<Body>('/api/dashboard/newly-dormant', 'suzuki');
    expect(suzuki).toMatchObject({ total: 0, items: [] });
  });

  it('says when no analysis has run', async () => {
    const t = await createTestServer(engine);
    try {
      const response = await t.request({
        method: 'GET',
        url: '/api/dashboard/analysis',
        as: await t.login('admin'),
      });
      expect(response.json()).toMatchObject({ available: false, statuses: [], opportunity: null });
    } finally {
      await t.close();
    }
  });

  it('breaks the reasons report down by industry, sales rep, product, cohort and segment', async () => {
    const none = await get<ReasonsReportBody>('/api/reports/reasons', 'admin');
    expect(none.totals).toEqual({ customers: 4, lost_yearly_revenue_yen: 750_000 });
    expect(none.groups).toEqual([{ group: null, customers: 4, lost_yearly_revenue_yen: 750_000 }]);
    const byOwner = await get<ReasonsReportBody>('/api/reports/reasons?by=owner', 'admin');
    expect(byOwner.groups.map((g) => [g.group, g.lost_yearly_revenue_yen])).toEqual([
      ['鈴木', 450_000],
      ['田中', 300_000],
    ]);
    const byIndustry = await get<ReasonsReportBody>('/api/reports/reasons?by=industry', 'admin');
    expect(byIndustry.rows.filter((r) => r.group === '製造業').map((r) => r.reason)).toEqual([
      'product',
      'competitor',
    ]);
    const bySegment = await get<ReasonsReportBody>('/api/reports/reasons?by=segment', 'admin');
    expect(bySegment.groups).toEqual([{ group: '高ランク', customers: 2, lost_yearly_revenue_yen: 300_000 }]);
    expect(bySegment.totals.customers).toBe(4);
    const byCohort = await get<ReasonsReportBody>('/api/reports/reasons?by=cohort', 'admin');
    expect(byCohort.groups.map((g) => g.group)).toEqual(['2023']);
  });

  it("counts acquisition cohorts from the orders, a sales rep's from their own accounts only", async () => {
    const storage = (servers.rows as TestServer).storage;
    await storage.db
      .insertInto('orders')
      .values([
        { order_id: 'CO1', customer_id: 'C001', ordered_at: '2019-02-03', amount: 10_000, is_refund: 0 },
        { order_id: 'CO2', customer_id: 'C001', ordered_at: '2019-08-03', amount: 10_000, is_refund: 0 },
        { order_id: 'CO3', customer_id: 'C003', ordered_at: '2019-05-20', amount: 10_000, is_refund: 0 },
        { order_id: 'CO4', customer_id: 'C003', ordered_at: '2019-06-20', amount: -10_000, is_refund: 1 },
      ])
      .execute();
    type Cohorts = { report: { rows: { cohort: string; customers: number; buyers_by_quarter: number[] }[] } };
    const all = await get<Cohorts>('/api/reports/cohorts', 'admin', 'rows');
    const of2019 = (c: Cohorts) => c.report.rows.filter((r) => r.cohort.startsWith('2019'));
    expect(of2019(all).map((r) => [r.cohort, r.customers, r.buyers_by_quarter.slice(0, 3)])).toEqual([
      ['2019-Q1', 1, [1, 0, 1]],
      ['2019-Q2', 1, [1, 0, 0]],
    ]);
    const mine = await get<Cohorts>('/api/reports/cohorts', 'tanaka', 'rows');
    expect(of2019(mine).map((r) => r.cohort)).toEqual(['2019-Q1']);
  });

  it("shows a sales rep only their own accounts' reasons and reapproach list", async () => {
    const report = await get<ReasonsReportBody>('/api/reports/reasons?by=owner', 'tanaka');
    expect(report.groups.map((g) => g.group)).toEqual(['田中']);
    expect(report.totals).toEqual({ customers: 2, lost_yearly_revenue_yen: 300_000 });
    type Reapproach = { total: number; items: { customer_id: string; change_id: string; name: string }[] };
    const mine = await get<Reapproach>('/api/reports/reapproach', 'tanaka');
    expect(mine.items.map((r) => [r.customer_id, r.change_id, r.name])).toEqual([
      ['C002', 'CH1', '有限会社さくら食品'],
    ]);
    expect((await get<Reapproach>('/api/reports/reapproach', 'suzuki')).total).toBe(0);
    expect((await get<Reapproach>('/api/reports/reapproach', 'admin')).total).toBe(1);
  });
});
