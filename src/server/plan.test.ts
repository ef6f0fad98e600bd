/**
 * POST /api/plan on both engines: the same plan as `mezame plan` (buildPlan), within the budget
 * and rep-hours, without do-not-contact customers; truncation; field-named validation errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../test/engines.js';
import { aPlannedCustomer } from '../../test/plannedCustomers.js';
import { createTestServer, type TestServer } from '../../test/serverFixture.js';
import { buildPlan, type PlanJson } from '../analysis/approachPlan.js';

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

interface PlanResponse extends PlanJson {
  truncated: boolean;
}

describe.each(ENGINES)('budget plan API on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await createTestServer(engine);
    await aPlannedCustomer(
      t.storage,
      'P-BIG',
      { yearly_value_yen: 5_000_000, reason_category: 'environment', reason_confidence: 0.7 },
      REACHABLE,
    );
    await aPlannedCustomer(
      t.storage,
      'P-MID',
      { yearly_value_yen: 600_000, reason_category: 'price', reason_confidence: 0.6 },
      REACHABLE,
    );
    await aPlannedCustomer(
      t.storage,
      'P-DNC',
      { yearly_value_yen: 9_000_000 },
      {
        ...REACHABLE,
        do_not_contact: 1,
      },
    );
  });
  afterAll(async () => t?.close());

  it('answers the plan mezame plan gives, within the budget and rep-hours, never a do-not-contact customer', async () => {
    const response = await t.request({
      method: 'POST',
      url: '/api/plan',
      as: await t.login('marketer'),
      body: { budget_yen: 70_000, rep_hours: 4, base_prefecture: '東京都' },
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<PlanResponse>();
    const direct = await buildPlan(t.storage, {
      budgetYen: 70_000,
      repHours: 4,
      base: { prefecture: '東京都' },
    });
    expect(body.choices).toEqual(direct.choices);
    expect(body.summary.total_expected_value_yen).toBe(direct.summary.total_expected_value_yen);
    expect(body.summary.spent_yen).toBeLessThanOrEqual(70_000);
    expect(body.summary.used_rep_hours).toBeLessThanOrEqual(4);
    const ids = body.choices.map((c) => c.customer_id);
    expect(ids).toContain('P-BIG');
    expect(ids).not.toContain('P-DNC');
    expect(body.truncated).toBe(false);
  });

  it('returns the best choices first when limited, and says the list was cut', async () => {
    const response = await t.request({
      method: 'POST',
      url: '/api/plan',
      as: await t.login('viewer'),
      body: { budget_yen: 10_000_000, limit: 1 },
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<PlanResponse>();
    expect(body.summary.chosen).toBeGreaterThan(1);
    expect(body.choices).toHaveLength(1);
    expect(body.choices[0]?.customer_id).toBe('P-BIG');
    expect(body.truncated).toBe(true);
  });

  it('names the field of a wrong budget and refuses a sales rep', async () => {
    const wrong = await t.request({
      method: 'POST',
      url: '/api/plan',
      as: await t.login('marketer'),
      body: { budget_yen: -5 },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('body.budget_yen');
    const rep = await t.request({
      method: 'POST',
      url: '/api/plan',
      as: await t.login('tanaka'),
      body: { budget_yen: 100_000 },
    });
    expect(rep.statusCode).toBe(403);
  });
});
