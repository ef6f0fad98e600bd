/**
 * The evidence reads of diagnosis on both engines: by a list of ids or by a customer_id range
 * (the analysis workers), and purchases only of the goods business changes name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../test/engines.js';
import { customerEvidence } from './diagnosisQueries.js';
import type { Storage } from './index.js';

const AS_OF = '2025-06-30';

describe.each(ENGINES)('customerEvidence on %s', (engine) => {
  let t: TestDatabase;
  let storage: Storage;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    storage = await t.open();
    await storage.db
      .insertInto('customers')
      .values(
        ['A1', 'A2', 'A3'].map((id) => ({
          customer_id: id,
          name: `株式会社${id}`,
          name_key: `株式会社${id}`,
          kind: 'company',
        })),
      )
      .execute();
    const order = (n: number, customer_id: string, product: string, category: string, day: string) => ({
      order_id: `O${n}`,
      customer_id,
      ordered_at: day,
      amount: 1_000,
      is_refund: 0,
      product,
      category,
    });
    await storage.db
      .insertInto('orders')
      .values([
        order(1, 'A1', 'トナーA', 'toner', '2025-01-10'),
        order(2, 'A1', 'コピー用紙', 'paper', '2025-02-10'),
        order(3, 'A2', 'トナーB', 'toner', '2025-03-10'),
        order(4, 'A3', 'トナーA', 'toner', '2025-04-10'),
        order(5, 'A1', 'ファイル', 'office', '2025-08-01'), // after as-of
      ])
      .execute();
    const event = (n: number, customer_id: string, type: string, day: string, text: string | null) => ({
      event_id: `E${n}`,
      customer_id,
      type,
      occurred_at: day,
      text,
    });
    await storage.db
      .insertInto('events')
      .values([
        event(1, 'A1', 'email_sent', '2025-03-01T01:00:00Z', null),
        event(2, 'A1', 'unsubscribe', '2025-03-02T01:00:00Z', '配信が多すぎる'),
        event(3, 'A1', 'email_open', '2025-03-03T01:00:00Z', null),
        event(4, 'A2', 'inquiry', '2025-04-01T01:00:00Z', '値上げについて'),
        event(5, 'A3', 'email_sent', '2025-04-02T01:00:00Z', null),
      ])
      .execute();
  });
  afterAll(async () => {
    await storage.close();
    await t.drop();
  });

  it('reads the same evidence by a range as by the ids, and nobody outside the ids', async () => {
    const byIds = await customerEvidence(storage, ['A1', 'A3'], AS_OF);
    const byRange = await customerEvidence(storage, ['A1', 'A3'], AS_OF, { range: { from: 'A1', to: 'A3' } });
    expect([...byRange.keys()]).toEqual(['A1', 'A3']);
    expect(byRange).toEqual(byIds);
    const a1 = byIds.get('A1');
    // Message events oldest first across the two reads (the unsubscribe comes from the text read).
    expect(a1?.messageEvents.map((e) => e.type)).toEqual(['email_sent', 'unsubscribe', 'email_open']);
    expect(a1?.textEvents.map((e) => e.text)).toEqual(['配信が多すぎる']);
    expect(a1?.products.sort()).toEqual(['コピー用紙', 'トナーA']);
  });

  it('reads purchases only of the goods business changes name, and none when none are named', async () => {
    const ids = ['A1', 'A2', 'A3'];
    const named = await customerEvidence(storage, ids, AS_OF, {
      goods: { products: ['トナーA'], categories: ['paper'] },
    });
    const goods = (id: string) => {
      const e = named.get(id);
      return { products: [...(e?.products ?? [])].sort(), categories: [...(e?.categories ?? [])].sort() };
    };
    expect(goods('A1')).toEqual({ products: ['コピー用紙', 'トナーA'], categories: ['paper', 'toner'] });
    expect(goods('A2')).toEqual({ products: [], categories: [] });
    expect(goods('A3')).toEqual({ products: ['トナーA'], categories: ['toner'] });
    const none = await customerEvidence(storage, ids, AS_OF, { goods: { products: [], categories: [] } });
    expect(ids.map((id) => none.get(id)?.products.length)).toEqual([0, 0, 0]);
    // The inquiry is still read: only purchases depend on the goods.
    expect(none.get('A2')?.textEvents.map((e) => e.text)).toEqual(['値上げについて']);
  });
});
