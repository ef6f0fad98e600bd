/**
 * The cohort report on both engines: the company's from the run summary equals the one counted
 * from the orders, and the sales reps' reports (counted from their own accounts' orders) add up
 * to the company's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../test/engines.js';
import { detectModels } from '../analysis/detectModels.js';
import { runAnalysis } from '../analysis/runAnalysis.js';
import type { CohortRow } from '../core/measure/cohorts.js';
import { cohortsOfCurrentRun } from './cohortQueries.js';
import type { Storage } from './storage.js';

const AS_OF = '2025-06-15';

async function seed(storage: Storage): Promise<void> {
  const customers = Array.from({ length: 40 }, (_, i) => ({
    customer_id: `K${String(i).padStart(3, '0')}`,
    name: `コホート${i}`,
    name_key: `cohort${i}`,
    kind: 'company' as const,
    owner: i % 3 === 0 ? '田中' : i % 3 === 1 ? '鈴木' : '佐藤',
  }));
  await storage.db.insertInto('customers').values(customers).execute();
  const orders: {
    order_id: string;
    customer_id: string;
    ordered_at: string;
    amount: number;
    is_refund: number;
  }[] = [];
  customers.forEach((c, i) => {
    // First purchase spread over 2023–2024; then every (1 + i % 4) months for (i % 7) times.
    const start = Date.UTC(2023, i % 24, 1 + (i % 27));
    const every = 1 + (i % 4);
    for (let k = 0; k <= i % 7; k++) {
      const at = new Date(start);
      at.setUTCMonth(at.getUTCMonth() + k * every);
      orders.push({
        order_id: `${c.customer_id}-${k}`,
        customer_id: c.customer_id,
        ordered_at: at.toISOString().slice(0, 10),
        amount: 5_000,
        is_refund: 0,
      });
    }
    // A refund is not a purchase; an order after the as-of day counts for nothing.
    if (i % 5 === 0) {
      orders.push({
        order_id: `${c.customer_id}-r`,
        customer_id: c.customer_id,
        ordered_at: '2025-05-01',
        amount: -5_000,
        is_refund: 1,
      });
      orders.push({
        order_id: `${c.customer_id}-f`,
        customer_id: c.customer_id,
        ordered_at: '2025-07-01',
        amount: 5_000,
        is_refund: 0,
      });
    }
  });
  await storage.db.insertInto('orders').values(orders).execute();
}

const counts = (rows: CohortRow[]) =>
  Object.fromEntries(
    rows.map((r) => [
      r.cohort,
      {
        customers: r.customers,
        buyers: r.buyers_by_quarter,
        dormant: r.dormant_now,
        lost: r.lost_now,
        active: r.active_now,
      },
    ]),
  );

describe.each(ENGINES)('cohort report on %s', (engine) => {
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

  it('is null before any analysis', async () => {
    expect(await cohortsOfCurrentRun(storage, null)).toBeNull();
  });

  it('counts the same from the run summary as from the orders, and the reps add up to the company', async () => {
    await runAnalysis(storage, { asOf: AS_OF, models: detectModels });
    const company = await cohortsOfCurrentRun(storage, null);
    expect(company?.source).toBe('run_summary');
    expect(company?.rows.reduce((s, r) => s + r.customers, 0)).toBe(40);
    // Quarters run from the acquisition quarter to the as-of quarter (2025-Q2).
    expect(company?.rows[0]).toMatchObject({ cohort: '2023-Q1' });
    expect(company?.rows[0]?.buyers_by_quarter).toHaveLength(10);
    expect(company?.rows.every((r) => r.buyers_by_quarter[0] === r.customers)).toBe(true);

    const tanaka = await cohortsOfCurrentRun(storage, { ownerKey: '田中' });
    const suzuki = await cohortsOfCurrentRun(storage, { ownerKey: '鈴木' });
    const nobody = await cohortsOfCurrentRun(storage, { ownerKey: null });
    expect(tanaka?.source).toBe('orders');
    expect(tanaka?.rows.reduce((s, r) => s + r.customers, 0)).toBe(14);
    expect(nobody?.rows).toEqual([]);

    const sato = await cohortsOfCurrentRun(storage, { ownerKey: '佐藤' });
    // The three reps own everyone: their reports add up to the company's, cell by cell.
    const sum = new Map<
      string,
      { customers: number; buyers: number[]; dormant: number; lost: number; active: number }
    >();
    for (const r of [...(tanaka?.rows ?? []), ...(suzuki?.rows ?? []), ...(sato?.rows ?? [])]) {
      const c = sum.get(r.cohort) ?? { customers: 0, buyers: [], dormant: 0, lost: 0, active: 0 };
      c.customers += r.customers;
      c.dormant += r.dormant_now;
      c.lost += r.lost_now;
      c.active += r.active_now;
      r.buyers_by_quarter.forEach((n, k) => {
        c.buyers[k] = (c.buyers[k] ?? 0) + n;
      });
      sum.set(r.cohort, c);
    }
    expect(Object.fromEntries(sum)).toEqual(counts(company?.rows ?? []));

    // A run stored before summaries had cohorts: the company's report is counted from the orders.
    const run = (await storage.db
      .selectFrom('analysis_runs' as never)
      .select(['id', 'summary'] as never)
      .executeTakeFirstOrThrow()) as { id: number; summary: string };
    const { cohorts: _dropped, ...older } = JSON.parse(run.summary) as Record<string, unknown>;
    await storage.db
      .updateTable('analysis_runs' as never)
      .set({ summary: JSON.stringify(older) } as never)
      .execute();
    const recounted = await cohortsOfCurrentRun(storage, null);
    expect(recounted?.source).toBe('orders');
    expect(counts(recounted?.rows ?? [])).toEqual(counts(company?.rows ?? []));
  });
});
