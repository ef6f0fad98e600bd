import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../test/engines.js';
import { companyNameKey } from '../core/collect/nameMatching.js';
import {
  customerIdentities,
  findDuplicateCustomers,
  mergeCustomerGroup,
  mergeCustomers,
} from './nameMatchingQueries.js';
import type { CustomersTable } from './schema.js';
import type { Storage } from './storage.js';

type CustomerFields = Partial<CustomersTable> & { customer_id: string; name: string };

function aCustomer(fields: CustomerFields): CustomersTable {
  return {
    name_key: companyNameKey(fields.name),
    kind: 'company',
    email: null,
    phone: null,
    postal_code: null,
    prefecture: null,
    address: null,
    lat: null,
    lng: null,
    industry: null,
    employees: null,
    owner: null,
    tags: null,
    created_at: null,
    email_opt_in: null,
    sms_opt_in: null,
    dm_ok: null,
    phone_ok: null,
    do_not_contact: null,
    merged_into: null,
    import_batch_id: null,
    ...fields,
  };
}

async function addCustomers(storage: Storage, ...customers: CustomerFields[]): Promise<void> {
  await storage.db.insertInto('customers').values(customers.map(aCustomer)).execute();
}

async function addOrders(
  storage: Storage,
  customerId: string,
  count: number,
  prefix = customerId,
): Promise<void> {
  if (count === 0) return;
  await storage.db
    .insertInto('orders')
    .values(
      Array.from({ length: count }, (_, i) => ({
        order_id: `${prefix}-O${i + 1}`,
        customer_id: customerId,
        ordered_at: `2024-0${(i % 9) + 1}-15`,
        amount: 10_000,
        is_refund: 0,
      })),
    )
    .execute();
}

async function customer(storage: Storage, id: string): Promise<CustomersTable> {
  return storage.db
    .selectFrom('customers')
    .selectAll()
    .where('customer_id', '=', id)
    .executeTakeFirstOrThrow();
}

const AT = '2026-01-15T09:00:00.000Z';

describe.each(ENGINES)('name matching storage on %s', (engine) => {
  let tdb: TestDatabase;
  let storage: Storage;
  beforeEach(async () => {
    tdb = await createTestDatabase(engine);
    storage = await tdb.open();
  });
  afterEach(async () => {
    await storage.close();
    await tdb.drop();
  });

  it('reads the identities of unmerged customers page by page, and finds the SPEC trio', async () => {
    await addCustomers(
      storage,
      { customer_id: 'C1', name: '株式会社ABC', phone: '03-1234-5678' },
      { customer_id: 'C2', name: '(株)ＡＢＣ' },
      { customer_id: 'C3', name: 'ABC' },
      { customer_id: 'C4', name: '株式会社XYZ' },
      { customer_id: 'C5', name: 'ABC株式会社', merged_into: 'C1' },
    );
    const ids: string[] = [];
    for await (const identity of customerIdentities(storage, 2)) ids.push(identity.customerId);
    expect(ids).toEqual(['C1', 'C2', 'C3', 'C4']);

    const search = await findDuplicateCustomers(storage);
    expect(search.candidates.map((c) => [c.customerIds, c.strength])).toEqual([
      [['C1', 'C2', 'C3'], 'name_only'],
    ]);
  });

  it('finds nothing in an empty database', async () => {
    const search = await findDuplicateCustomers(storage);
    expect(search).toMatchObject({ candidates: [], customersCompared: 0 });
  });

  it('moves orders, events, contacts and subscriptions to the survivor and writes the audit trail', async () => {
    await addCustomers(
      storage,
      { customer_id: 'S', name: '株式会社ABC', email: 'info@abc.co.jp', industry: null, owner: 'sato' },
      {
        customer_id: 'M',
        name: '(株)ＡＢＣ',
        email: 'other@abc.co.jp',
        email_opt_in: 1,
        industry: '製造業',
        owner: 'tanaka',
        phone: '03-1234-5678',
        sms_opt_in: 0,
        postal_code: '100-0001',
        prefecture: '東京都',
        address: '千代田区千代田1-1-1',
      },
    );
    await addOrders(storage, 'S', 2);
    await addOrders(storage, 'M', 3);
    await storage.db
      .insertInto('events')
      .values([
        { event_id: 'E1', customer_id: 'M', type: 'email_open', occurred_at: '2024-05-01T10:00:00Z' },
        { event_id: 'E2', customer_id: 'M', type: 'inquiry', occurred_at: '2024-06-01T10:00:00Z' },
      ] as never)
      .execute();
    await storage.db
      .insertInto('contacts')
      .values({ contact_id: 'K1', customer_id: 'M', name: '山田 太郎' } as never)
      .execute();
    await storage.db
      .insertInto('subscriptions')
      .values({ subscription_id: 'U1', customer_id: 'M', started_at: '2023-01-01' } as never)
      .execute();

    const result = await mergeCustomers(storage, {
      survivorId: 'S',
      mergedIds: ['M'],
      actor: 'tester',
      at: AT,
    });

    expect(result.moved).toEqual({ orders: 3, events: 2, contacts: 1, subscriptions: 1 });
    const ordersOf = await storage.db
      .selectFrom('orders')
      .select('order_id')
      .where('customer_id', '=', 'S')
      .orderBy('order_id')
      .execute();
    expect(ordersOf.map((o) => o.order_id)).toEqual(['M-O1', 'M-O2', 'M-O3', 'S-O1', 'S-O2']);
    for (const table of ['events', 'contacts', 'subscriptions'] as const) {
      const left = await storage.db
        .selectFrom(table)
        .select('customer_id')
        .where('customer_id', '=', 'M')
        .execute();
      expect(left).toEqual([]);
    }

    const survivor = await customer(storage, 'S');
    // filled where empty, never overwritten; the email's opt-in stays with the other address
    expect(survivor).toMatchObject({
      email: 'info@abc.co.jp',
      email_opt_in: null,
      owner: 'sato',
      industry: '製造業',
      phone: '03-1234-5678',
      sms_opt_in: 0,
      postal_code: '100-0001',
      prefecture: '東京都',
      address: '千代田区千代田1-1-1',
      merged_into: null,
    });
    expect(result.filledFields.sort()).toEqual(
      ['address', 'industry', 'phone', 'postal_code', 'prefecture', 'sms_opt_in'].sort(),
    );
    expect((await customer(storage, 'M')).merged_into).toBe('S');

    const audit = await storage.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
    expect(audit.map((a) => [a.action, a.entity_id, a.actor, a.at])).toEqual([
      ['customer.merge_survivor', 'S', 'tester', AT],
      ['customer.merge', 'M', 'tester', AT],
    ]);
    const details = JSON.parse(audit[1]?.details ?? '{}');
    expect(details.survivor_id).toBe('S');
    expect(details.before).toMatchObject({
      customer_id: 'M',
      name: '(株)ＡＢＣ',
      merged_into: null,
      owner: 'tanaka',
    });
    expect(details.moved).toEqual({
      orders: ['M-O1', 'M-O2', 'M-O3'],
      events: ['E1', 'E2'],
      contacts: ['K1'],
      subscriptions: ['U1'],
    });
    expect(JSON.parse(audit[0]?.details ?? '{}').before).toMatchObject({ customer_id: 'S', industry: null });

    // merged customers leave the candidate search and the identity list
    const identities: string[] = [];
    for await (const identity of customerIdentities(storage)) identities.push(identity.customerId);
    expect(identities).toEqual(['S']);
    expect((await findDuplicateCustomers(storage)).candidates).toEqual([]);
  });

  it('chooses as survivor the customer with most orders, then the oldest, then the smallest id', async () => {
    await addCustomers(
      storage,
      { customer_id: 'A', name: 'ABC', created_at: '2020-01-01' },
      { customer_id: 'B', name: 'ABC', created_at: '2021-01-01' },
      { customer_id: 'C', name: 'ABC', created_at: '2019-01-01' },
    );
    await addOrders(storage, 'B', 2);
    await addOrders(storage, 'A', 1);
    const byOrders = await mergeCustomerGroup(storage, { customerIds: ['A', 'B', 'C'], actor: 't', at: AT });
    expect(byOrders).toMatchObject({ survivorId: 'B', mergedIds: ['A', 'C'] });
    expect(byOrders.filledFields).toEqual([]);

    await addCustomers(
      storage,
      { customer_id: 'D', name: 'DEF', created_at: '2022-01-01' },
      { customer_id: 'E', name: 'DEF', created_at: '2018-06-01' },
      { customer_id: 'F', name: 'GHI' },
      { customer_id: 'G', name: 'GHI' },
    );
    expect((await mergeCustomerGroup(storage, { customerIds: ['D', 'E'], actor: 't' })).survivorId).toBe('E');
    expect((await mergeCustomerGroup(storage, { customerIds: ['G', 'F'], actor: 't' })).survivorId).toBe('F');
  });

  it('points customers merged earlier into a now-merged customer at the new survivor', async () => {
    await addCustomers(
      storage,
      { customer_id: 'X', name: 'ABC' },
      { customer_id: 'Y', name: 'ABC' },
      { customer_id: 'Z', name: 'ABC' },
    );
    await mergeCustomers(storage, { survivorId: 'Y', mergedIds: ['Z'], actor: 't', at: AT });
    const result = await mergeCustomers(storage, { survivorId: 'X', mergedIds: ['Y'], actor: 't', at: AT });
    expect(result.repointedIds).toEqual(['Z']);
    expect((await customer(storage, 'Z')).merged_into).toBe('X');
  });

  it('carries a do-not-contact request over to the survivor', async () => {
    await addCustomers(
      storage,
      { customer_id: 'P', name: 'ABC', do_not_contact: 0 },
      { customer_id: 'Q', name: 'ABC', do_not_contact: 1 },
    );
    await mergeCustomers(storage, { survivorId: 'P', mergedIds: ['Q'], actor: 't', at: AT });
    expect((await customer(storage, 'P')).do_not_contact).toBe(1);
  });

  it('refuses unknown, already merged or repeated ids and changes nothing', async () => {
    await addCustomers(
      storage,
      { customer_id: 'A', name: 'ABC' },
      { customer_id: 'B', name: 'ABC', merged_into: 'A' },
      { customer_id: 'C', name: 'ABC' },
    );
    await addOrders(storage, 'C', 1);
    await expect(
      mergeCustomers(storage, { survivorId: 'A', mergedIds: ['NOPE'], actor: 't' }),
    ).rejects.toThrow(/no customer with id NOPE/);
    await expect(mergeCustomers(storage, { survivorId: 'A', mergedIds: ['B'], actor: 't' })).rejects.toThrow(
      /B \(already merged into A\)/,
    );
    await expect(mergeCustomers(storage, { survivorId: 'A', mergedIds: ['A'], actor: 't' })).rejects.toThrow(
      /twice/,
    );
    await expect(mergeCustomerGroup(storage, { customerIds: ['C'], actor: 't' })).rejects.toThrow(
      /at least two/,
    );
    expect(await storage.db.selectFrom('audit_log').selectAll().execute()).toEqual([]);
    expect((await customer(storage, 'C')).merged_into).toBeNull();
  });

  it('leaves nothing half-merged when the merge fails part-way', async () => {
    await addCustomers(
      storage,
      { customer_id: 'S', name: 'ABC' },
      { customer_id: 'M', name: 'ABC', industry: '小売業' },
    );
    await addOrders(storage, 'M', 2);
    // a real failure inside the transaction, after the rows have moved: the audit insert fails
    if (engine === 'sqlite') {
      await sql`CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit store is down'); END`.execute(
        storage.db,
      );
    } else {
      await sql`CREATE FUNCTION audit_fails() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit store is down'; END $$ LANGUAGE plpgsql`.execute(
        storage.db,
      );
      await sql`CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_fails()`.execute(
        storage.db,
      );
    }
    await expect(mergeCustomers(storage, { survivorId: 'S', mergedIds: ['M'], actor: 't' })).rejects.toThrow(
      /audit store is down/,
    );
    const orders = await storage.db.selectFrom('orders').select('customer_id').execute();
    expect(orders.map((o) => o.customer_id)).toEqual(['M', 'M']);
    expect((await customer(storage, 'M')).merged_into).toBeNull();
    expect((await customer(storage, 'S')).industry).toBeNull();
  });
});
