import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun as Run, runMezame } from '../../../test/cliHarness.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../../test/engines.js';

const mezame = (args: string[]): Promise<Run> => runMezame(args);

const CUSTOMER_FIELDS = [
  'customer_id',
  'status',
  'days_since_last_purchase',
  'purchase_cycle_days',
  'overdue_ratio',
  'p_alive',
  'expected_purchases_90d',
  'health_score',
  'reason',
  'score',
  'rank',
  'reactivation_probability',
  'expected_value',
  'recommended_channels',
];

describe.each(ENGINES)('mezame analyze on %s', (engine) => {
  let t: TestDatabase;
  const out = mkdtempSync(join(tmpdir(), 'mezame-analyze-out-'));
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    const storage = await t.open();
    await storage.db
      .insertInto('customers')
      .values([
        { customer_id: 'A1', name: '株式会社エー', name_key: 'え', kind: 'company' },
        { customer_id: 'B2', name: 'ビー商店', name_key: 'び', kind: 'company' },
      ])
      .execute();
    await storage.db
      .insertInto('orders')
      .values([
        { order_id: 'o1', customer_id: 'A1', ordered_at: '2024-01-10', amount: 5000, is_refund: 0 },
        { order_id: 'o2', customer_id: 'A1', ordered_at: '2024-02-10', amount: 5000, is_refund: 0 },
        { order_id: 'o3', customer_id: 'A1', ordered_at: '2024-03-10', amount: 5000, is_refund: 0 },
      ])
      .execute();
    await storage.close();
  });
  afterAll(async () => {
    await t.drop();
    rmSync(out, { recursive: true, force: true });
  });

  it('prints exactly one JSON document with the summary and every customer in SPEC shape', async () => {
    const run = await mezame(['analyze', ...t.cliArgs, '--as-of', '2024-04-01', '--json']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as {
      summary: Record<string, unknown>;
      customers: Record<string, unknown>[];
    };
    expect(Object.keys(doc)).toEqual(['summary', 'customers']);
    expect(doc.summary).toMatchObject({ as_of: '2024-04-01', customers: 2 });
    expect(doc.customers.map((c) => c.customer_id)).toEqual(['A1', 'B2']);
    for (const c of doc.customers) expect(Object.keys(c)).toEqual(CUSTOMER_FIELDS);
    expect(doc.customers[1]).toMatchObject({
      status: 'never_purchased',
      reason: { category: 'unknown', confidence: 0, evidence: [] },
    });
    expect(doc.customers[0]?.purchase_cycle_days).toBe(30);
  });

  it('prints a readable summary and writes one CSV per status', async () => {
    const run = await mezame(['analyze', ...t.cliArgs, '--as-of', '2024-04-02', '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Analysis as of 2024-04-02');
    expect(run.stdout).toContain('never purchased');
    expect(run.stdout).toContain('Opportunity:');
    const csv = readFileSync(join(out, 'never_purchased.csv'), 'utf8').trim().split('\n');
    expect(csv[0]?.startsWith('customer_id,status,')).toBe(true);
    expect(csv[1]?.startsWith('B2,never_purchased,')).toBe(true);
  });

  it('refuses an as-of that is not a day, with exit 2', async () => {
    const run = await mezame(['analyze', ...t.cliArgs, '--as-of', '2024-13-01', '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--as-of');
  });
});
