/**
 * runAnalysis end to end on both engines with the real models: the same hand-made data gives
 * the same results on SQLite and PostgreSQL, nothing after the as-of day changes anything, and
 * statuses move across runs (dormant → purchase → reactivating → reactivated) with history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../test/engines.js';
import { customerStates, enteredStatus, statusHistory } from '../storage/analysisQueries.js';
import type { Storage } from '../storage/index.js';
import { customerJson } from './customerJson.js';
import { detectModels } from './detectModels.js';
import { FIT_GRID_DAYS, FIT_GRID_THRESHOLD_ROWS, fitHistogram, runAnalysis } from './runAnalysis.js';

let orderSeq = 0;
function anOrder(customer_id: string, ordered_at: string, amount = 10_000) {
  orderSeq++;
  return {
    order_id: `O${orderSeq}`,
    customer_id,
    ordered_at,
    amount,
    is_refund: amount < 0 ? 1 : 0,
    category: 'toner',
  };
}

/** Monthly purchases from `from` for `months` months. */
function monthly(customer_id: string, from: string, months: number) {
  const [y, m] = from.split('-').map(Number) as [number, number];
  return Array.from({ length: months }, (_, i) => {
    const month = m - 1 + i;
    const day = `${y + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-10`;
    return anOrder(customer_id, day);
  });
}

async function seed(storage: Storage): Promise<void> {
  const ids = [
    'STEADY',
    'SLEEPER',
    'ONCE',
    'REFUNDS',
    'NOBODY',
    ...Array.from({ length: 30 }, (_, i) => `P${i}`),
  ];
  await storage.db
    .insertInto('customers')
    .values(
      ids.map((id) => ({
        customer_id: id,
        name: `会社${id}`,
        name_key: id.toLowerCase(),
        kind: 'company' as const,
      })),
    )
    .execute();
  const orders = [
    // Buys every month up to the first as-of day.
    ...monthly('STEADY', '2022-01', 40),
    // Bought monthly for two years, then nothing for three years.
    ...monthly('SLEEPER', '2019-01', 24),
    anOrder('ONCE', '2025-03-20'),
    anOrder('REFUNDS', '2024-05-01', -5_000),
    // Peers with varied rhythms, so the model has data to fit.
    ...Array.from({ length: 30 }, (_, i) =>
      monthly(`P${i}`, `20${22 + (i % 3)}-0${1 + (i % 9)}`, 3 + (i % 11)),
    ).flat(),
  ];
  for (let i = 0; i < orders.length; i += 200)
    await storage.db
      .insertInto('orders')
      .values(orders.slice(i, i + 200))
      .execute();
}

async function states(storage: Storage) {
  const out = new Map<string, ReturnType<typeof customerJson>>();
  for await (const page of customerStates(storage))
    for (const row of page) out.set(row.customer_id, customerJson(row));
  return out;
}

const results = new Map<string, unknown>();

describe.each(ENGINES)('runAnalysis on %s', (engine) => {
  let t: TestDatabase;
  let storage: Storage;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    storage = await t.open();
    await seed(storage);
  });
  afterAll(async () => {
    await storage.close();
    await t.drop();
  });

  it('classifies the edge cases of the first run', async () => {
    const { summary } = await runAnalysis(storage, { asOf: '2025-04-01', models: detectModels });
    const s = await states(storage);
    expect(s.get('STEADY')?.status).toBe('active');
    expect(s.get('SLEEPER')?.status).toBe('long_dormant');
    expect(s.get('ONCE')?.status).toBe('active');
    expect(s.get('ONCE')?.purchase_cycle_days).not.toBeNull();
    expect(s.get('REFUNDS')?.status).toBe('never_purchased');
    expect(s.get('NOBODY')).toMatchObject({
      status: 'never_purchased',
      days_since_last_purchase: null,
      p_alive: null,
    });
    expect(s.get('STEADY')?.health_score).toBeGreaterThan(80);
    expect(s.get('STEADY')?.reason).toEqual({ category: 'unknown', confidence: 0, evidence: [] });
    expect(summary.customers).toBe(35);
    expect(Object.values(summary.statuses).reduce((a, b) => a + b, 0)).toBe(35);
    results.set(engine, [...s.entries()]);

    // The cohorts, counted again straight from the orders: acquisition quarter, the quarters
    // each customer bought in, and today's status.
    const orders = await storage.db
      .selectFrom('orders')
      .select(['customer_id', 'ordered_at'])
      .where('is_refund', '=', 0)
      .where('ordered_at', '<=', '2025-04-01')
      .orderBy('ordered_at')
      .execute();
    const quarter = (day: string) =>
      Number(day.slice(0, 4)) * 4 + Math.floor((Number(day.slice(5, 7)) - 1) / 3);
    const bought = new Map<string, number[]>();
    for (const o of orders) {
      const qs = bought.get(o.customer_id) ?? [];
      if (!qs.includes(quarter(o.ordered_at))) qs.push(quarter(o.ordered_at));
      bought.set(o.customer_id, qs);
    }
    const expected = new Map<string, { customers: number; buyers: number[]; dormant: number }>();
    for (const [id, qs] of bought) {
      const label = `${Math.floor((qs[0] as number) / 4)}-Q${((qs[0] as number) % 4) + 1}`;
      const row = expected.get(label) ?? { customers: 0, buyers: [], dormant: 0 };
      row.customers++;
      for (const q of qs) row.buyers[q - (qs[0] as number)] = (row.buyers[q - (qs[0] as number)] ?? 0) + 1;
      if (/_dormant$/.test(s.get(id)?.status ?? '')) row.dormant++;
      expected.set(label, row);
    }
    expect(summary.cohorts.rows.map((r) => r.cohort)).toEqual([...expected.keys()].sort());
    for (const row of summary.cohorts.rows) {
      const e = expected.get(row.cohort);
      expect(row.customers).toBe(e?.customers);
      expect(row.dormant_now).toBe(e?.dormant);
      expect(row.buyers_by_quarter).toEqual(row.buyers_by_quarter.map((_, k) => e?.buyers[k] ?? 0));
      expect(row.buyers_by_quarter.length).toBe(
        quarter('2025-04-01') -
          quarter(`${row.cohort.slice(0, 4)}-0${(Number(row.cohort.slice(6)) - 1) * 3 + 1}-01`) +
          1,
      );
    }
    // SLEEPER's cohort (2019-Q1) bought for eight quarters, then never again.
    const sleeper = summary.cohorts.rows.find((r) => r.cohort === '2019-Q1');
    expect(sleeper?.buyers_by_quarter.slice(0, 10)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
  });

  it('gives the same results on both engines', () => {
    if (results.size < 2) return;
    expect(results.get('postgres')).toEqual(results.get('sqlite'));
  });

  it('changes nothing when orders after the as-of day are added', async () => {
    const before = await states(storage);
    await storage.db
      .insertInto('orders')
      .values([anOrder('SLEEPER', '2025-04-02'), anOrder('NOBODY', '2025-05-01')])
      .execute();
    await runAnalysis(storage, { asOf: '2025-04-01', models: detectModels });
    expect(await states(storage)).toEqual(before);
  });

  it('moves a dormant customer to reactivating, then reactivated, and writes the history', async () => {
    // SLEEPER bought on 2025-04-02 (added above): the next run sees the comeback.
    const second = await runAnalysis(storage, { asOf: '2025-04-10', models: detectModels });
    expect((await states(storage)).get('SLEEPER')?.status).toBe('reactivating');
    expect(second.summary.previous_run?.as_of).toBe('2025-04-01');
    expect(second.summary.newly_reactivating).toBeGreaterThanOrEqual(1);
    // Each row keeps the previous run's status; the newly dormant marks add up to the summary's count.
    const marks = await storage.db
      .selectFrom('customer_state' as never)
      .select(['customer_id', 'previous_status', 'newly_dormant'] as never[])
      .execute();
    const sleeper = (marks as { customer_id: string; previous_status: string; newly_dormant: number }[]).find(
      (m) => m.customer_id === 'SLEEPER',
    );
    expect(sleeper).toMatchObject({ previous_status: 'long_dormant', newly_dormant: 0 });
    expect(marks.filter((m) => (m as { newly_dormant: number }).newly_dormant === 1)).toHaveLength(
      second.summary.newly_dormant,
    );

    await storage.db.insertInto('orders').values(anOrder('SLEEPER', '2025-05-02')).execute();
    await runAnalysis(storage, { asOf: '2025-05-05', models: detectModels });
    expect((await states(storage)).get('SLEEPER')?.status).toBe('reactivated');

    const history = await statusHistory(storage, 'SLEEPER');
    expect(history.map((h) => [h.status, h.entered_at, h.left_at])).toEqual([
      ['long_dormant', '2025-04-01', '2025-04-10'],
      ['reactivating', '2025-04-10', '2025-05-05'],
      ['reactivated', '2025-05-05', null],
    ]);
    const comebacks = await enteredStatus(storage, ['reactivating'], '2025-04-01', '2025-04-30');
    expect(comebacks.map((c) => c.customer_id)).toContain('SLEEPER');
  });
});

describe('fitHistogram', () => {
  it('passes a small histogram through in exact days', () => {
    const rows = [{ frequency: 2, recency: 30, T: 90, count: 3 }];
    expect(fitHistogram(rows)).toEqual({ rows, gridDays: 1 });
  });
  it('bins a large histogram into weeks, keeping every customer and t_x ≤ T', () => {
    const rows = [];
    for (let T = 0; T < 400; T++) {
      for (let tx = 0; tx <= T; tx += 3)
        rows.push({ frequency: tx === 0 ? 0 : 1 + (tx % 5), recency: tx, T, count: 2 });
    }
    expect(rows.length).toBeGreaterThan(FIT_GRID_THRESHOLD_ROWS / 2);
    const many = [...rows, ...rows.map((r) => ({ ...r, frequency: r.frequency + 10 }))];
    const { rows: binned, gridDays } = fitHistogram(many);
    expect(gridDays).toBe(FIT_GRID_DAYS);
    expect(binned.length).toBeLessThan(many.length / 5);
    expect(binned.reduce((s, r) => s + r.count, 0)).toBe(many.reduce((s, r) => s + r.count, 0));
    for (const r of binned) {
      expect(r.recency).toBeLessThanOrEqual(r.T);
      if (r.frequency === 0) expect(r.recency).toBe(0);
      expect(r.T % FIT_GRID_DAYS).toBe(FIT_GRID_DAYS / 2);
    }
  });
});
