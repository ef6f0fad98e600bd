import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../test/engines.js';
import type { Storage } from './index.js';
import { dormantFeatures, pastDormantEpisodes, snapshotDays } from './reactivationHistory.js';

describe('dormant features on a past day', () => {
  it('calls a customer dormant after twice their own cycle, and a one-time buyer after 180 days', () => {
    const regular = {
      firstPurchaseDay: '2024-01-01',
      lastPurchaseDay: '2024-03-01',
      purchaseDays: 3,
      totalSpendYen: 9_000,
    };
    expect(dormantFeatures(regular, '2024-04-15')).toBeNull();
    const features = dormantFeatures(regular, '2024-06-01');
    expect(features?.log_days_since_last_purchase).toBeCloseTo(Math.log1p(92));
    expect(features?.log_overdue_ratio).toBeCloseTo(Math.log1p(92 / 30));
    const once = {
      firstPurchaseDay: '2024-01-01',
      lastPurchaseDay: '2024-01-01',
      purchaseDays: 1,
      totalSpendYen: 1,
    };
    expect(dormantFeatures(once, '2024-06-01')).toBeNull();
    expect(dormantFeatures(once, '2024-07-01')?.log_overdue_ratio).toBeNull();
    expect(dormantFeatures({ ...once, lastPurchaseDay: null }, '2024-07-01')).toBeNull();
  });

  it('takes no snapshot when the history is shorter than the horizon', () => {
    expect(snapshotDays('2024-03-01', '2024-01-01')).toEqual([]);
    expect(snapshotDays('2024-03-01', null)).toEqual([]);
    expect(snapshotDays('2025-01-31', '2024-01-01')).toEqual(['2024-08-04', '2024-05-05']);
  });
});

describe.each(ENGINES)('past dormant episodes on %s', (engine) => {
  let t: TestDatabase;
  let storage: Storage;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    storage = await t.open();
    const order = (order_id: string, customer_id: string, ordered_at: string, amount = 1_000) => ({
      order_id,
      customer_id,
      ordered_at,
      amount,
      is_refund: amount < 0 ? 1 : 0,
    });
    await storage.db
      .insertInto('orders')
      .values([
        order('1', 'BACK', '2024-01-01'),
        order('2', 'BACK', '2024-02-01T10:00:00+09:00'),
        order('3', 'BACK', '2024-09-01'),
        order('4', 'GONE', '2024-01-01'),
        order('5', 'GONE', '2024-02-01'),
        order('6', 'GONE', '2024-10-01', -1_000),
        order('7', 'RECENT', '2024-07-01'),
        // After as-of: never seen.
        order('8', 'GONE', '2025-03-01'),
      ])
      .execute();
  });
  afterAll(async () => {
    await storage.close();
    await t.drop();
  });

  it('labels each snapshot by a purchase within the horizon, ignoring refunds and later orders', async () => {
    const { episodes, snapshots } = await pastDormantEpisodes(storage, '2025-01-31');
    expect(snapshots).toEqual(['2024-08-04', '2024-05-05']);
    const summary = episodes
      .map((e) => `${e.day} ${e.label} ${e.features.log_purchase_days?.toFixed(3)}`)
      .sort();
    const two = Math.log1p(2).toFixed(3);
    expect(summary).toEqual([
      `2024-05-05 0 ${two}`,
      `2024-05-05 1 ${two}`,
      `2024-08-04 0 ${two}`,
      `2024-08-04 1 ${two}`,
    ]);
  });
});
