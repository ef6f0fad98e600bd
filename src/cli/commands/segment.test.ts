/**
 * `mezame segment` and `mezame report reasons|reapproach` through the real CLI on both engines,
 * after a real `mezame analyze`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun as Run, runMezame } from '../../../test/cliHarness.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../../test/engines.js';
import type { ReasonsReportJson } from './report.js';

const mezame = (args: string[]): Promise<Run> => runMezame(args);

describe.each(ENGINES)('mezame segment and report on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    const storage = await t.open();
    const ids = Array.from({ length: 12 }, (_, i) => `K${String(i).padStart(2, '0')}`);
    await storage.db
      .insertInto('customers')
      .values(
        ids.map((id, i) => ({
          customer_id: id,
          name: `顧客${id}`,
          name_key: id,
          kind: 'company' as const,
          industry: i % 2 === 0 ? "O'Brien & Sons" : '小売業',
        })),
      )
      .execute();
    let n = 0;
    const orders = ids.flatMap((id, i) =>
      // Even customers stopped in 2024, odd ones buy up to the as-of month.
      Array.from({ length: i % 2 === 0 ? 8 : 18 }, (_, m) => ({
        order_id: `O${n++}`,
        customer_id: id,
        ordered_at: `${2024 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-05`,
        amount: 10_000 * (i + 1),
        is_refund: 0,
        category: 'toner',
      })),
    );
    await storage.db.insertInto('orders').values(orders).execute();
    await storage.db
      .insertInto('events')
      .values({
        event_id: 'E1',
        customer_id: 'K00',
        type: 'support_ticket',
        occurred_at: '2024-07-20T01:00:00Z',
        text: '値上げで予算に合わなくなりました',
      })
      .execute();
    await storage.close();
    const analyzed = await mezame(['analyze', '--as-of', '2025-06-30', ...t.cliArgs]);
    expect(analyzed.code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await t.drop();
  });

  it('saves, lists and shows a segment with its count; values are bound, never spliced', async () => {
    const filter = JSON.stringify({
      industry: ["O'Brien & Sons"],
      status: ['mid_dormant', 'long_dormant', 'early_dormant'],
    });
    const saved = await mezame([
      'segment',
      'save',
      'obrien',
      '--filter',
      filter,
      '--by',
      'tester',
      '--json',
      ...t.cliArgs,
    ]);
    expect(saved.code).toBe(0);
    const json = JSON.parse(saved.stdout) as { count: number; created_by: string };
    expect(json.created_by).toBe('tester');
    expect(json.count).toBe(6);
    const list = JSON.parse((await mezame(['segment', 'list', '--json', ...t.cliArgs])).stdout) as {
      segments: { name: string; count: number }[];
    };
    expect(list.segments).toEqual([expect.objectContaining({ name: 'obrien', count: 6 })]);
    const show = JSON.parse(
      (await mezame(['segment', 'show', 'obrien', '--limit', '2', '--json', ...t.cliArgs])).stdout,
    ) as {
      customers: { customer_id: string }[];
    };
    expect(show.customers).toHaveLength(2);
  });

  it('refuses a bad filter, a duplicate name and an unknown segment with exit 2', async () => {
    const bad = await mezame(['segment', 'save', 'x', '--filter', '{"rank":["Z"]}', ...t.cliArgs]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('rank.0');
    const dup = await mezame(['segment', 'save', 'obrien', '--filter', '{}', ...t.cliArgs]);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('--replace');
    const missing = await mezame(['segment', 'show', 'nope', ...t.cliArgs]);
    expect(missing.code).toBe(2);
  });

  it('reports reasons with lost yearly revenue, and says other report kinds are not available', async () => {
    const run = await mezame(['report', 'reasons', '--by', 'industry', '--json', ...t.cliArgs]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ReasonsReportJson;
    expect(report.totals.customers).toBe(6);
    const price = report.rows.find((r) => r.reason === 'price');
    expect(price?.group).toBe("O'Brien & Sons");
    expect(price?.customers).toBe(1);
    expect(price?.lost_yearly_revenue_yen).toBeGreaterThan(0);
    const inSegment = await mezame(['report', 'reasons', '--segment', 'obrien', '--json', ...t.cliArgs]);
    expect(inSegment.code).toBe(0);
    const segmentReport = JSON.parse(inSegment.stdout) as ReasonsReportJson;
    expect(segmentReport.segment).toBe('obrien');
    expect(segmentReport.totals.customers).toBe(6);
    expect(segmentReport.rows.map((r) => r.reason)).toContain('price');
    expect((await mezame(['report', 'reasons', '--segment', 'nope', ...t.cliArgs])).code).toBe(2);
    expect((await mezame(['report', 'retention', ...t.cliArgs])).code).toBe(2);
    expect((await mezame(['report', 'reasons', '--by', 'planet', ...t.cliArgs])).code).toBe(2);
    const reapproach = await mezame(['report', 'reapproach', ...t.cliArgs]);
    expect(reapproach.code).toBe(0);
    expect(reapproach.stdout).toContain('No customer is flagged');
  });

  it('reports acquisition cohorts from the last analysis', async () => {
    const run = await mezame(['report', 'cohort', '--json', ...t.cliArgs]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      rows: { cohort: string; customers: number; buyers_by_quarter: number[] }[];
    };
    // Everyone started in January 2024; the even customers stopped after August.
    expect(report.rows.map((r) => [r.cohort, r.customers])).toEqual([['2024-Q1', 12]]);
    expect(report.rows[0]?.buyers_by_quarter.slice(0, 6)).toEqual([12, 12, 12, 6, 6, 6]);
    const text = await mezame(['report', 'cohort', ...t.cliArgs]);
    expect(text.stdout).toMatch(/2024-Q1\t12\t/);
  });
});
