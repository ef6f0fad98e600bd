import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../test/engines.js';
import { KPI_AS_OF, KPI_EXPECTED, KPI_JOURNEY, KPI_PERIOD, seedKpiCampaign } from '../../test/kpiFixture.js';
import { kpiReportOf, liftReport } from './kpiQueries.js';
import type { Storage } from './storage.js';

describe.each(ENGINES)('KPI and lift queries on %s', (engine) => {
  let t: TestDatabase;
  let storage: Storage;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    storage = await t.open();
    await seedKpiCampaign(storage);
  });
  afterAll(async () => {
    await storage.close();
    await t.drop();
  });

  it('reads the ladder per channel for the period, with the channel costs in force', async () => {
    const report = await kpiReportOf(storage, { by: 'channel', ...KPI_PERIOD, asOf: KPI_AS_OF, scope: null });
    const row = (group: string) => report.rows.find((r) => r.group === group);
    expect(row('email')).toMatchObject(KPI_EXPECTED.email);
    expect(row('sms')).toMatchObject(KPI_EXPECTED.sms);
    expect(row('phone')).toMatchObject(KPI_EXPECTED.phone);
    expect(report.rows.map((r) => r.group).sort()).toEqual(['email', 'phone', 'sms']);
    expect(report.total).toMatchObject(KPI_EXPECTED.total);
    expect(report.total.roi).toBeCloseTo((110_000 - 12_300) / 12_300, 10);
  });

  it('groups messages and journey tasks by journey, and a message before the period only without --from', async () => {
    const inPeriod = await kpiReportOf(storage, {
      by: 'journey',
      ...KPI_PERIOD,
      asOf: KPI_AS_OF,
      scope: null,
    });
    expect(inPeriod.rows).toHaveLength(1);
    expect(inPeriod.rows[0]).toMatchObject({
      group: KPI_JOURNEY,
      targeted: 4,
      approached: 3,
      cost_yen: 12_300,
    });
    const all = await kpiReportOf(storage, {
      by: 'journey',
      from: null,
      to: null,
      asOf: KPI_AS_OF,
      scope: null,
    });
    expect(all.total).toMatchObject({ targeted: 5, approached: 4, cost_yen: 13_300 });
  });

  it('keeps a sales rep to their own accounts', async () => {
    const report = await kpiReportOf(storage, {
      by: 'channel',
      ...KPI_PERIOD,
      asOf: KPI_AS_OF,
      scope: { ownerKey: '鈴木' },
    });
    expect(report.total).toMatchObject({
      targeted: 2,
      approached: 1,
      held: 1,
      reactivated: 1,
      cost_yen: 10_000,
    });
    const none = await kpiReportOf(storage, {
      by: 'channel',
      ...KPI_PERIOD,
      asOf: KPI_AS_OF,
      scope: { ownerKey: null },
    });
    expect(none.total.targeted).toBe(0);
  });

  it('puts every customer under (none) by rank before an analysis', async () => {
    const report = await kpiReportOf(storage, { by: 'rank', ...KPI_PERIOD, asOf: KPI_AS_OF, scope: null });
    expect(report.rows.map((r) => [r.group, r.targeted])).toEqual([['(none)', 4]]);
  });

  it('compares treated and held-out customers of a journey and its variants', async () => {
    const report = await liftReport(storage, {
      journeyId: null,
      asOf: KPI_AS_OF,
      scope: null,
      windowDays: 90,
    });
    expect(report.journeys).toHaveLength(1);
    const lift = report.journeys[0];
    // Treated: K1, K4 bought of K1–K4; held out: H1 of H1–H4 (H2 too late, H3 a refund).
    expect(lift?.treated).toEqual({ customers: 4, reactivated: 2, rate: 0.5 });
    expect(lift?.holdout).toEqual({ customers: 4, reactivated: 1, rate: 0.25 });
    expect(lift?.lift?.difference).toBeCloseTo(0.25, 10);
    expect(lift?.lift?.ci95_low).toBeCloseTo(-0.31956, 4);
    expect(lift?.lift?.ci95_high).toBeCloseTo(0.65529, 4);
    expect(lift?.lift?.is_significant).toBe(false);
    expect(lift?.variants).toEqual([
      { variant: 'a', customers: 2, reactivated: 2, rate: 1 },
      { variant: 'b', customers: 2, reactivated: 0, rate: 0 },
    ]);
    expect(lift?.variant_comparisons[0]).toMatchObject({ variant: 'b', against: 'a', difference: -1 });
    const mine = await liftReport(storage, {
      journeyId: KPI_JOURNEY,
      asOf: KPI_AS_OF,
      scope: { ownerKey: '田中' },
      windowDays: 90,
    });
    expect(mine.journeys[0]?.treated).toMatchObject({ customers: 2, reactivated: 1 });
    expect(mine.journeys[0]?.holdout).toMatchObject({ customers: 2, reactivated: 1 });
  });
});
