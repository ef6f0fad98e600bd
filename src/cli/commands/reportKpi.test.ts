/** `mezame report kpi|lift` through the real CLI on both engines, on a hand-counted campaign. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun as Run, runMezame } from '../../../test/cliHarness.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../../test/engines.js';
import {
  KPI_AS_OF,
  KPI_EXPECTED,
  KPI_JOURNEY,
  KPI_PERIOD,
  seedKpiCampaign,
} from '../../../test/kpiFixture.js';
import type { KpiReportBody, LiftReportBody } from '../../storage/kpiQueries.js';

const mezame = (args: string[]): Promise<Run> => runMezame(args);

describe.each(ENGINES)('mezame report kpi and lift on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    const storage = await t.open();
    await seedKpiCampaign(storage);
    await storage.close();
  });
  afterAll(async () => {
    await t.drop();
  });

  const period = ['--from', KPI_PERIOD.from, '--to', KPI_PERIOD.to, '--as-of', KPI_AS_OF];

  it('prints the ladder by channel as JSON and as a table', async () => {
    const run = await mezame(['report', 'kpi', '--by', 'channel', ...period, '--json', ...t.cliArgs]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as KpiReportBody;
    expect(report).toMatchObject({ by: 'channel', ...KPI_PERIOD, as_of: KPI_AS_OF, attribution_days: 90 });
    expect(report.rows.find((r) => r.group === 'email')).toMatchObject(KPI_EXPECTED.email);
    expect(report.total).toMatchObject(KPI_EXPECTED.total);

    const text = await mezame(['report', 'kpi', ...period, ...t.cliArgs]);
    expect(text.code).toBe(0);
    const email = text.stdout.split('\n').find((l) => l.startsWith('email\t'));
    // ROI (¥30,000 − ¥2,000) ÷ ¥2,000 = 1400 %; the email row has no appointment but a rate of 0.
    expect(email).toContain('1400 %');
    expect(email).toContain('¥2,000');
    expect(text.stdout).toContain('1 customers had only held messages');
  });

  it('groups by journey and rejects a bad grouping or day', async () => {
    const run = await mezame(['report', 'kpi', '--by', 'journey', ...period, '--json', ...t.cliArgs]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as KpiReportBody).rows.map((r) => r.group)).toEqual([KPI_JOURNEY]);
    expect((await mezame(['report', 'kpi', '--by', 'planet', ...t.cliArgs])).code).toBe(2);
    expect((await mezame(['report', 'kpi', '--from', '2026-13-01', ...t.cliArgs])).code).toBe(2);
  });

  it('groups by saved segment and by rank after an analysis', async () => {
    expect((await mezame(['analyze', '--as-of', KPI_AS_OF, ...t.cliArgs])).code).toBe(0);
    const saved = await mezame(['segment', 'save', 'suzuki', '--filter', '{"owner":["鈴木"]}', ...t.cliArgs]);
    expect(saved.code, saved.stderr).toBe(0);
    const run = await mezame(['report', 'kpi', '--by', 'segment', ...period, '--json', ...t.cliArgs]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as KpiReportBody;
    // 鈴木's K3 (held) and K4 (the call that got an appointment and ¥200,000).
    expect(report.rows).toHaveLength(1);
    expect(report.rows[0]).toMatchObject({
      group: 'suzuki',
      targeted: 2,
      approached: 1,
      held: 1,
      reactivated: 1,
    });
    expect(report.total).toMatchObject(KPI_EXPECTED.total);
    const byRank = await mezame(['report', 'kpi', '--by', 'rank', ...period, '--json', ...t.cliArgs]);
    const rankReport = JSON.parse(byRank.stdout) as KpiReportBody;
    expect(rankReport.rows.reduce((n, r) => n + r.targeted, 0)).toBe(4);
    expect(rankReport.rows.every((r) => ['A', 'B', 'C', 'D', '(none)'].includes(r.group))).toBe(true);
  });

  it('reports the lift of the journey against its holdout', async () => {
    const run = await mezame([
      'report',
      'lift',
      '--journey',
      KPI_JOURNEY,
      '--as-of',
      KPI_AS_OF,
      '--json',
      ...t.cliArgs,
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as LiftReportBody;
    expect(report.journeys[0]?.treated).toMatchObject({ customers: 4, reactivated: 2 });
    expect(report.journeys[0]?.holdout).toMatchObject({ customers: 4, reactivated: 1 });
    const text = await mezame(['report', 'lift', '--as-of', KPI_AS_OF, ...t.cliArgs]);
    expect(text.stdout).toContain('lift 25.0 points [-32.0, 65.5] — not significant');
    expect((await mezame(['report', 'lift', '--journey', 'nope', ...t.cliArgs])).code).toBe(2);
  });
});
