import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../test/engines.js';
import { aPlannedCustomer } from '../../test/plannedCustomers.js';
import type { Storage } from './index.js';
import { planInputs } from './planQueries.js';

describe.each(ENGINES)('planInputs on %s', (engine) => {
  let database: TestDatabase;
  let storage: Storage;
  beforeEach(async () => {
    database = await createTestDatabase(engine);
    storage = await database.open();
  });
  afterEach(async () => {
    await storage.close();
    await database.drop();
  });

  it('reads dormant customers with contact data and consent, in customer_id order, page by page', async () => {
    await aPlannedCustomer(
      storage,
      'C3',
      { status: 'long_dormant', reason_category: 'price', reason_confidence: 0.55 },
      {
        email: 'c3@example.jp',
        email_opt_in: 1,
        prefecture: '東京都',
      },
    );
    await aPlannedCustomer(storage, 'C1', {}, { phone: '03-0000-0000', phone_ok: 0, do_not_contact: 1 });
    await aPlannedCustomer(storage, 'C2', { status: 'active' });
    await aPlannedCustomer(storage, 'C4', { status: 'early_dormant' }, { merged_into: 'C3' });
    const pages = [];
    for await (const page of planInputs(storage, undefined, 1)) pages.push(page);
    expect(pages.map((p) => p.map((r) => r.customer_id))).toEqual([['C1'], ['C3']]);
    const c3 = pages[1]?.[0];
    expect(c3).toMatchObject({
      status: 'long_dormant',
      reason_category: 'price',
      reason_confidence: 0.55,
      email: 'c3@example.jp',
      email_opt_in: 1,
      prefecture: '東京都',
      total_spend_yen: 3_000_000,
      yearly_value_yen: 800_000,
      is_unsubscribed: false,
      is_email_bouncing: false,
    });
    expect(pages[0]?.[0]).toMatchObject({ phone_ok: 0, do_not_contact: 1 });
  });

  it('marks unsubscribed customers and addresses whose latest bounce follows the latest open', async () => {
    await aPlannedCustomer(storage, 'B1');
    await aPlannedCustomer(storage, 'B2');
    await aPlannedCustomer(storage, 'U1');
    await storage.db
      .insertInto('events')
      .values([
        { event_id: 'e1', customer_id: 'B1', type: 'email_open', occurred_at: '2024-01-01T00:00:00Z' },
        { event_id: 'e2', customer_id: 'B1', type: 'email_bounce', occurred_at: '2025-01-01T00:00:00Z' },
        { event_id: 'e3', customer_id: 'B2', type: 'email_bounce', occurred_at: '2024-01-01T00:00:00Z' },
        { event_id: 'e4', customer_id: 'B2', type: 'email_click', occurred_at: '2025-01-01T00:00:00Z' },
        { event_id: 'e5', customer_id: 'U1', type: 'unsubscribe', occurred_at: '2025-02-01T00:00:00Z' },
      ] as never)
      .execute();
    const rows = [];
    for await (const page of planInputs(storage)) rows.push(...page);
    expect(rows.map((r) => [r.customer_id, r.is_email_bouncing, r.is_unsubscribed])).toEqual([
      ['B1', true, false],
      ['B2', false, false],
      ['U1', false, true],
    ]);
  });

  it('yields nothing for an empty database', async () => {
    const pages = [];
    for await (const page of planInputs(storage)) pages.push(page);
    expect(pages).toEqual([]);
  });
});
