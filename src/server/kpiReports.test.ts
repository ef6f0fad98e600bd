/**
 * GET /api/reports/kpi and /api/reports/lift on a hand-counted campaign (test/kpiFixture.ts):
 * the company's figures, a sales rep's own accounts only, and bad queries refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../test/engines.js';
import { KPI_EXPECTED, KPI_JOURNEY, KPI_PERIOD, seedKpiCampaign } from '../../test/kpiFixture.js';
import { createTestServer, type TestServer, type UserName } from '../../test/serverFixture.js';
import type { KpiReportBody, LiftReportBody } from '../storage/kpiQueries.js';

describe.each(ENGINES)('KPI and lift API on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await createTestServer(engine);
    await seedKpiCampaign(t.storage);
  });
  afterAll(async () => {
    await t.close();
  });

  const get = async (url: string, as: UserName) => t.request({ method: 'GET', url, as: await t.login(as) });

  it('gives the ladder by channel for the period', async () => {
    const response = await get(
      `/api/reports/kpi?by=channel&from=${KPI_PERIOD.from}&to=${KPI_PERIOD.to}`,
      'marketer',
    );
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json<KpiReportBody>();
    expect(report.by).toBe('channel');
    expect(report.rows.find((r) => r.group === 'sms')).toMatchObject(KPI_EXPECTED.sms);
    expect(report.rows.find((r) => r.group === 'phone')).toMatchObject(KPI_EXPECTED.phone);
    expect(report.total).toMatchObject(KPI_EXPECTED.total);
  });

  it('shows a sales rep only their own accounts', async () => {
    const response = await get(
      `/api/reports/kpi?by=journey&from=${KPI_PERIOD.from}&to=${KPI_PERIOD.to}`,
      'tanaka',
    );
    expect(response.statusCode).toBe(200);
    // 田中 owns K1 (emailed, bought ¥100,000) and K2 (email bounced, SMS): no call, no held message.
    expect(response.json<KpiReportBody>().total).toMatchObject({
      targeted: 2,
      approached: 2,
      held: 0,
      reactivated: 1,
      revenue_yen: 100_000,
      cost_yen: 2_300,
    });
    const lift = (await get(`/api/reports/lift?journey=${KPI_JOURNEY}`, 'tanaka')).json<LiftReportBody>();
    expect(lift.journeys[0]?.treated).toMatchObject({ customers: 2, reactivated: 1 });
    expect(lift.journeys[0]?.holdout).toMatchObject({ customers: 2, reactivated: 1 });
  });

  it('gives the lift against the holdout', async () => {
    const response = await get('/api/reports/lift', 'viewer');
    expect(response.statusCode).toBe(200);
    const [lift] = response.json<LiftReportBody>().journeys;
    expect(lift?.journey_id).toBe(KPI_JOURNEY);
    expect(lift?.lift?.difference).toBeCloseTo(0.25, 10);
    expect(lift?.lift?.is_significant).toBe(false);
  });

  it('refuses an unknown grouping, a bad day and a period the wrong way round', async () => {
    for (const query of ['by=planet', 'from=2026-1-1', 'from=2026-02-01&to=2026-01-01']) {
      const response = await get(`/api/reports/kpi?${query}`, 'admin');
      expect(response.statusCode, query).toBe(400);
    }
    expect((await t.request({ method: 'GET', url: '/api/reports/kpi' })).statusCode).toBe(401);
  });
});
