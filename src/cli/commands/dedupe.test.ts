import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliRun as Run, runMezame } from '../../../test/cliHarness.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../../test/engines.js';
import { companyNameKey } from '../../core/collect/nameMatching.js';
import type { Storage } from '../../storage/index.js';

const mezame = (args: string[]): Promise<Run> => runMezame(args);

function company(customer_id: string, name: string, extra: Record<string, unknown> = {}) {
  return { customer_id, name, name_key: companyNameKey(name), kind: 'company' as const, ...extra };
}

/** The SPEC trio (name only), a strong pair (same name and phone) and an unrelated customer. */
async function fill(storage: Storage): Promise<void> {
  await storage.db
    .insertInto('customers')
    .values([
      company('T1', '株式会社ミドリ商事'),
      company('T2', '(株)ミドリ商事'),
      company('T3', 'ミドリ商事'),
      company('P1', '株式会社ABC', { phone: '03-1234-5678', created_at: '2019-04-01' }),
      company('P2', 'ABC Co., Ltd.', { phone: '+81 3 1234 5678', industry: '製造業' }),
      company('X1', '東洋システム株式会社'),
    ])
    .execute();
  await storage.db
    .insertInto('orders')
    .values(
      ['P1', 'P2', 'P2'].map((customer_id, i) => ({
        order_id: `O${i + 1}`,
        customer_id,
        ordered_at: '2024-05-01',
        amount: 5000,
        is_refund: 0,
      })),
    )
    .execute();
  await storage.db
    .insertInto('events')
    .values({
      event_id: 'E1',
      customer_id: 'P1',
      type: 'email_open',
      occurred_at: '2024-05-02T09:00:00Z',
    } as never)
    .execute();
}

describe.each(ENGINES)('mezame dedupe on %s', (engine) => {
  let tdb: TestDatabase;
  beforeEach(async () => {
    tdb = await createTestDatabase(engine);
    const storage = await tdb.open();
    try {
      await fill(storage);
    } finally {
      await storage.close();
    }
  });
  afterEach(async () => {
    await tdb.drop();
  });

  async function mergedInto(): Promise<Record<string, string | null>> {
    const storage = await tdb.open();
    try {
      const rows = await storage.db.selectFrom('customers').select(['customer_id', 'merged_into']).execute();
      return Object.fromEntries(rows.map((r) => [r.customer_id, r.merged_into]));
    } finally {
      await storage.close();
    }
  }

  it('lists candidates as one JSON document with ids, similarity, strength and reasons', async () => {
    const run = await mezame(['dedupe', ...tdb.cliArgs, '--json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(
      out.candidates.map((c: { customer_ids: string[]; strength: string }) => [c.customer_ids, c.strength]),
    ).toEqual([
      [['P1', 'P2'], 'strong'],
      [['T1', 'T2', 'T3'], 'name_only'],
    ]);
    for (const candidate of out.candidates) {
      expect(candidate.similarity).toBeGreaterThan(0);
      expect(candidate.similarity).toBeLessThanOrEqual(1);
      expect(candidate.reasons.length).toBeGreaterThan(0);
    }
    expect(out.candidates[0].reasons).toContain('same phone 03-1234-5678 ≈ +81 3 1234 5678');
    expect(Object.values(await mergedInto()).every((m) => m === null)).toBe(true);
  });

  it('merges only the strong candidates with --merge, and names the name-only ones for --ids', async () => {
    const run = await mezame(['dedupe', ...tdb.cliArgs, '--merge', '--json', '--actor', 'suzuki']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.merged).toEqual([
      {
        survivor_id: 'P2',
        merged_ids: ['P1'],
        moved: { orders: 1, events: 1, contacts: 0, subscriptions: 0 },
        filled_fields: ['created_at'],
        repointed_ids: [],
      },
    ]);
    expect(out.not_merged.map((c: { customer_ids: string[] }) => c.customer_ids)).toEqual([
      ['T1', 'T2', 'T3'],
    ]);
    expect(out.not_merged[0].hint).toContain('mezame dedupe --ids T1,T2,T3');
    expect(await mergedInto()).toMatchObject({ P1: 'P2', P2: null, T1: null, T2: null, T3: null, X1: null });

    const storage = await tdb.open();
    try {
      const audit = await storage.db
        .selectFrom('audit_log')
        .select(['action', 'entity_id', 'actor'])
        .execute();
      expect(audit).toContainEqual({ action: 'customer.merge', entity_id: 'P1', actor: 'suzuki' });
    } finally {
      await storage.close();
    }
  });

  it('says in words what --merge merged and how many orders and events moved', async () => {
    const run = await mezame(['dedupe', ...tdb.cliArgs, '--merge']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Merged P1 into P2: moved 1 order, 1 event, 0 contacts, 0 subscriptions');
    expect(run.stdout).toContain('mezame dedupe --ids T1,T2,T3');
  });

  it('merges exactly the customers named with --ids, and lists them no more', async () => {
    const run = await mezame(['dedupe', ...tdb.cliArgs, '--ids', 'T3,T1', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).merged[0]).toMatchObject({ survivor_id: 'T1', merged_ids: ['T3'] });
    expect(await mergedInto()).toMatchObject({ T1: null, T2: null, T3: 'T1' });

    const after = JSON.parse((await mezame(['dedupe', ...tdb.cliArgs, '--json'])).stdout);
    expect(after.candidates.map((c: { customer_ids: string[] }) => c.customer_ids)).toEqual([
      ['P1', 'P2'],
      ['T1', 'T2'],
    ]);
  });

  it('refuses --ids naming an unknown or already merged customer, exit 2, nothing merged', async () => {
    const unknown = await mezame(['dedupe', ...tdb.cliArgs, '--ids', 'T1,NOPE']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no customer with id NOPE');
    await mezame(['dedupe', ...tdb.cliArgs, '--ids', 'T1,T2']);
    const again = await mezame(['dedupe', ...tdb.cliArgs, '--ids', 'T2,T3']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already merged into T1');
    expect(await mergedInto()).toMatchObject({ T1: null, T2: 'T1', T3: null });
  });
});

describe('mezame dedupe on an empty database', () => {
  it('prints an empty candidate list', async () => {
    const tdb = await createTestDatabase('sqlite');
    try {
      const run = await mezame(['dedupe', ...tdb.cliArgs, '--json']);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ candidates: [], customers_compared: 0 });
    } finally {
      await tdb.drop();
    }
  });
});
