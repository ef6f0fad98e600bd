import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../test/engines.js';
import type { CustomerAggregate } from '../core/detect/customerFeatures.js';
import { customerAggregates } from './detectionQueries.js';
import type { Storage } from './storage.js';

const AS_OF = '2025-03-31';

function aCustomer(customer_id: string, extra: Record<string, unknown> = {}) {
  return {
    customer_id,
    name: `会社${customer_id}`,
    name_key: customer_id.toLowerCase(),
    kind: 'company' as const,
    ...extra,
  };
}
let orderSeq = 0;
function anOrder(
  customer_id: string,
  ordered_at: string,
  amount: number,
  extra: Record<string, unknown> = {},
) {
  orderSeq++;
  return {
    order_id: `O${orderSeq}`,
    customer_id,
    ordered_at,
    amount,
    is_refund: amount < 0 ? 1 : 0,
    ...extra,
  };
}
let eventSeq = 0;
function anEvent(customer_id: string, type: string, occurred_at: string, value: number | null = null) {
  eventSeq++;
  return { event_id: `E${eventSeq}`, customer_id, type, occurred_at, value };
}

async function seed(storage: Storage): Promise<void> {
  await storage.db
    .insertInto('customers')
    .values([
      aCustomer('C1', { industry: 'retail' }),
      aCustomer('C2'),
      aCustomer('C3'),
      aCustomer('C4', { created_at: '2025-06-01' }),
      aCustomer('C5', { merged_into: 'C1' }),
      aCustomer('C6'),
    ])
    .execute();
  await storage.db
    .insertInto('orders')
    .values([
      // C1: four purchase days (two orders on one day, one at 23:30 JST), a refund, future orders.
      anOrder('C1', '2023-01-10', 10000, { category: 'toner' }),
      anOrder('C1', '2024-01-05', 20000, { category: 'toner' }),
      anOrder('C1', '2024-06-01', 5000, { category: 'paper' }),
      anOrder('C1', '2024-06-01T23:30:00+09:00', 5000, { category: 'paper' }),
      anOrder('C1', '2025-03-31T10:00:00+09:00', 30000, { category: 'toner' }),
      anOrder('C1', '2025-02-01', -2000, { category: 'toner' }),
      anOrder('C1', '2025-04-01', 99999, { category: 'paper' }),
      anOrder('C1', '2026-01-01', 99999, { category: 'paper' }),
      // C2: refunds only.
      anOrder('C2', '2024-05-05', -3000),
      // C3: one purchase.
      anOrder('C3', '2024-12-24', 8000, { category: 'parts' }),
      // C5 is merged away; C6 buys only after as-of.
      anOrder('C5', '2024-01-01', 1000),
      anOrder('C6', '2025-05-01', 1000),
    ])
    .execute();
  await storage.db
    .insertInto('events')
    .values([
      anEvent('C1', 'email_sent', '2025-01-01T09:00:00+09:00'),
      anEvent('C1', 'email_open', '2025-01-02T09:00:00+09:00'),
      anEvent('C1', 'email_sent', '2025-02-01T09:00:00+09:00'),
      anEvent('C1', 'email_sent', '2025-03-01T09:00:00+09:00'),
      anEvent('C1', 'dm_sent', '2025-03-05'),
      anEvent('C1', 'web_visit', '2025-03-10T12:00:00Z'),
      anEvent('C1', 'email_sent', '2025-04-02T09:00:00+09:00'),
      anEvent('C1', 'email_open', '2025-04-03T09:00:00+09:00'),
      anEvent('C1', 'usage', '2025-03-20', 5),
      anEvent('C1', 'usage', '2024-12-01', 30),
      anEvent('C1', 'usage', '2024-11-01', 30),
    ])
    .execute();
  await storage.db
    .insertInto('subscriptions')
    .values([
      {
        subscription_id: 'S1',
        customer_id: 'C1',
        started_at: '2023-01-01',
        ended_at: '2024-10-31',
        cancel_reason: '競合へ乗り換え',
      },
      {
        subscription_id: 'S2',
        customer_id: 'C3',
        started_at: '2024-01-01',
        ended_at: '2025-06-30',
        cancel_reason: null,
      },
    ])
    .execute();
  await storage.db
    .insertInto('contacts')
    .values([
      { contact_id: 'P1', customer_id: 'C1', status: 'left', updated_at: '2025-01-15' },
      { contact_id: 'P2', customer_id: 'C1', status: 'left', updated_at: '2025-05-01' },
    ])
    .execute();
}

async function collect(storage: Storage, batchSize?: number): Promise<Map<string, CustomerAggregate>> {
  const out = new Map<string, CustomerAggregate>();
  for await (const batch of customerAggregates(storage, AS_OF, { batchSize })) {
    for (const a of batch) out.set(a.customerId, a);
  }
  return out;
}

describe.each(ENGINES)('detection queries on %s', (engine) => {
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

  it('aggregates purchases by distinct day, without refunds or anything after as-of', async () => {
    const c1 = (await collect(storage)).get('C1');
    expect(c1).toMatchObject({
      firstPurchaseDay: '2023-01-10',
      lastPurchaseDay: '2025-03-31',
      purchaseDays: 4,
      intervals: [360, 148, 303],
      orderRows: 6,
      netSpendYen: 68000,
      spendLast365Yen: 30000 - 2000 + 10000,
      spendPrev365Yen: 20000,
      mainCategory: 'toner',
    });
  });

  it('counts unanswered emails and contacts since the last reaction, up to as-of', async () => {
    const c1 = (await collect(storage)).get('C1');
    expect(c1?.unansweredEmails).toBe(2);
    // email 2025-02-01, email 2025-03-01 and the DM of 2025-03-05 came after the open; the web visit answers them.
    expect(c1?.unansweredContacts).toBe(0);
    expect(c1?.lastEventDay).toMatchObject({
      email_open: '2025-01-02',
      email_sent: '2025-03-01',
      web_visit: '2025-03-10',
    });
  });

  it('sums usage of the last 30 days and before', async () => {
    const c1 = (await collect(storage)).get('C1');
    expect(c1).toMatchObject({ usageLast30: 5, usageBefore: 60, firstUsageDayBefore: '2024-11-01' });
  });

  it('reads subscription state and contacts as they were on the as-of day', async () => {
    const all = await collect(storage);
    expect(all.get('C1')).toMatchObject({
      subscriptions: 1,
      hasActiveSubscription: false,
      lastSubscriptionEndDay: '2024-10-31',
      lastCancelReason: '競合へ乗り換え',
      contacts: 2,
      contactsLeft: 1,
      contactsLeftDay: '2025-01-15',
    });
    expect(all.get('C3')).toMatchObject({
      subscriptions: 1,
      hasActiveSubscription: true,
      lastSubscriptionEndDay: null,
    });
  });

  it('keeps refund-only and one-purchase customers, drops merged ones and those created later without orders', async () => {
    const all = await collect(storage);
    expect([...all.keys()].sort()).toEqual(['C1', 'C2', 'C3', 'C6']);
    expect(all.get('C2')).toMatchObject({
      purchaseDays: 0,
      orderRows: 1,
      netSpendYen: -3000,
      firstPurchaseDay: null,
    });
    expect(all.get('C3')).toMatchObject({ purchaseDays: 1, intervals: [] });
    expect(all.get('C6')).toMatchObject({ purchaseDays: 0, orderRows: 0 });
  });

  it('gives the same aggregates whatever the batch size', async () => {
    const whole = await collect(storage);
    const small = await collect(storage, 1);
    expect([...small.values()]).toEqual([...whole.values()]);
  });

  it('changes nothing when orders and events after as-of are added', async () => {
    const before = await collect(storage);
    await storage.db
      .insertInto('orders')
      .values([anOrder('C3', '2025-04-01', 5000), anOrder('C2', '2025-12-01', 5000)])
      .execute();
    await storage.db
      .insertInto('events')
      .values([
        anEvent('C1', 'email_open', '2025-04-01T00:00:00+09:00'),
        anEvent('C3', 'support_ticket', '2025-04-10'),
      ])
      .execute();
    expect(await collect(storage)).toEqual(before);
  });
});
