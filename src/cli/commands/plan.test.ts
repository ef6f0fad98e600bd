import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliRun as Run, runMezame } from '../../../test/cliHarness.js';
import { createTestDatabase, type TestDatabase } from '../../../test/engines.js';
import { aPlannedCustomer } from '../../../test/plannedCustomers.js';
import type { PlanJson } from '../../analysis/approachPlan.js';

const mezame = (args: string[]): Promise<Run> => runMezame(args);

const REACHABLE = {
  email: 'buyer@example.jp',
  email_opt_in: 1,
  phone: '03-1234-5678',
  phone_ok: 1,
  postal_code: '1000001',
  address: '東京都千代田区千代田1-1',
  dm_ok: 1,
  prefecture: '東京都',
};

describe('mezame plan', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterEach(async () => {
    await database.drop();
  });

  it('plans approaches within the budget and rep-hours and prints one JSON document', async () => {
    const storage = await database.open();
    await aPlannedCustomer(
      storage,
      'BIG',
      { yearly_value_yen: 5_000_000, reason_category: 'environment', reason_confidence: 0.7 },
      REACHABLE,
    );
    await aPlannedCustomer(
      storage,
      'MID',
      { yearly_value_yen: 600_000, reason_category: 'price', reason_confidence: 0.6 },
      REACHABLE,
    );
    await aPlannedCustomer(
      storage,
      'SMALL',
      { yearly_value_yen: 20_000, total_spend_yen: 40_000 },
      REACHABLE,
    );
    await aPlannedCustomer(
      storage,
      'DNC',
      { yearly_value_yen: 9_000_000 },
      { ...REACHABLE, do_not_contact: 1 },
    );
    await aPlannedCustomer(storage, 'ACTIVE', { status: 'active', yearly_value_yen: 9_000_000 }, REACHABLE);
    await storage.close();

    const run = await mezame([
      'plan',
      '--budget',
      '70,000',
      '--rep-hours',
      '4',
      '--json',
      '--base-prefecture',
      '東京都',
      ...database.cliArgs,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as PlanJson;
    expect(result.summary).toMatchObject({
      budget_yen: 70_000,
      rep_hours: 4,
      method: 'exact',
      customers_considered: 4,
    });
    expect(result.summary.spent_yen).toBeLessThanOrEqual(70_000);
    expect(result.summary.used_rep_hours).toBeLessThanOrEqual(4);
    expect(result.summary.unspent_yen).toBe(70_000 - result.summary.spent_yen);
    const ids = result.choices.map((c) => c.customer_id);
    expect(ids).not.toContain('DNC');
    expect(ids).not.toContain('ACTIVE');
    const big = result.choices.find((c) => c.customer_id === 'BIG');
    expect(big?.channels[0]).toBe('visit');
    expect(big).toMatchObject({
      probability_source: 'fallback',
      reason: { category: 'environment', confidence: 0.7 },
    });
    const total = result.choices.reduce((s, c) => s + c.expected_value_yen, 0);
    expect(Math.abs(total - result.summary.total_expected_value_yen)).toBeLessThanOrEqual(
      result.choices.length,
    );
  });

  it('prints a readable summary without --json', async () => {
    const storage = await database.open();
    await aPlannedCustomer(storage, 'MID', { reason_category: 'price', reason_confidence: 0.6 }, REACHABLE);
    await storage.close();
    const run = await mezame(['plan', '--budget', '100000', ...database.cliArgs]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Plan within ¥100,000: 1 of 1 dormant customers/);
    expect(run.stdout).toContain('MID\t');
  });

  it('refuses a budget that is not a number, and an empty database, with exit code 2', async () => {
    const bad = await mezame(['plan', '--budget', 'lots', ...database.cliArgs]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--budget expects a number of 0 or more, e.g. --budget 1000000; got 'lots'");
    const empty = await mezame(['plan', '--budget', '1000', '--json', ...database.cliArgs]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('No customers to plan for');
  });
});
