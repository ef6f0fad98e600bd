import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../test/engines.js';
import { createTestServer, type TestServer } from '../../test/serverFixture.js';
import { seedTaskState } from '../../test/taskFixture.js';
import { DEFAULT_DEFINITION } from '../core/detect/dormancyDefinition.js';
import { DEFAULT_SCORING_CONFIG } from '../core/prioritise/scoringModel.js';

interface Task {
  id: number;
  customer_id: string;
  kind: string;
  due_on: string;
  status: string;
  follow_up_of: number | null;
  script: { ja: { offer: string } } | null;
}
interface ErrorBody {
  error: { code: string; message: string; field?: string; issues?: { field: string; message: string }[] };
}

describe.each(ENGINES)('tasks and settings API on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    // NOW is 2026-11-22T09:00Z: Sunday 18:00 in Japan, so new tasks fall due on Monday the 23rd.
    t = await createTestServer(engine);
    await seedTaskState(t.storage);
  });
  afterAll(async () => t?.close());

  const tasks = async (as: 'admin' | 'tanaka' | 'suzuki' | 'viewer', query = '') => {
    const response = await t.request({ method: 'GET', url: `/api/tasks${query}`, as: await t.login(as) });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ items: Task[] }>().items;
  };

  it('makes tasks for a marketer and lists them by priority, due on the next business day', async () => {
    const response = await t.request({
      method: 'POST',
      url: '/api/tasks/generate',
      as: await t.login('marketer'),
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ created: 3, by_kind: { call: 1, visit: 2 } });
    const all = await tasks('admin');
    expect(all.map((x) => [x.customer_id, x.kind, x.due_on])).toEqual([
      ['C001', 'call', '2026-11-23'],
      ['C003', 'visit', '2026-11-23'],
      ['C002', 'visit', '2026-11-23'],
    ]);
    expect((await tasks('admin', `?owner=${encodeURIComponent('鈴木')}`)).map((x) => x.customer_id)).toEqual([
      'C003',
    ]);
  });

  it("gives a rep only their own accounts' tasks, whatever owner they ask for", async () => {
    expect((await tasks('tanaka')).map((x) => x.customer_id)).toEqual(['C001', 'C002']);
    expect((await tasks('tanaka', `?owner=${encodeURIComponent('鈴木')}`)).map((x) => x.customer_id)).toEqual(
      ['C001', 'C002'],
    );
    expect((await tasks('suzuki')).map((x) => x.customer_id)).toEqual(['C003']);
  });

  it("answers 404 to a rep logging an outcome on another rep's task", async () => {
    const suzukiTask = (await tasks('suzuki'))[0];
    const response = await t.request({
      method: 'POST',
      url: `/api/tasks/${suzukiTask?.id}/outcome`,
      as: await t.login('tanaka'),
      body: { outcome: 'won_back' },
    });
    expect(response.statusCode).toBe(404);
    expect((await tasks('suzuki'))[0]?.status).toBe('open');
  });

  it('logs a call outcome and returns the follow-up call three business days later', async () => {
    const call = (await tasks('tanaka', '?kind=call'))[0];
    const response = await t.request({
      method: 'POST',
      url: `/api/tasks/${call?.id}/outcome`,
      as: await t.login('tanaka'),
      body: { outcome: 'no_answer', note: '不在' },
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{ task: Task & { outcome: string }; followUp: Task }>();
    expect(body.task).toMatchObject({ status: 'done', outcome: 'no_answer' });
    // Logged on Sunday 22 Nov in Japan: Mon, Tue, Wed → Wednesday 25 Nov.
    expect(body.followUp).toMatchObject({ kind: 'call', due_on: '2026-11-25', follow_up_of: call?.id });
    expect((await tasks('tanaka', '?status=all')).length).toBe(3);
    const again = await t.request({
      method: 'POST',
      url: `/api/tasks/${call?.id}/outcome`,
      as: await t.login('tanaka'),
      body: { outcome: 'connected' },
    });
    expect(again.statusCode).toBe(409);
  });

  it('names the field of a wrong outcome or follow-up day', async () => {
    const visit = (await tasks('tanaka', '?kind=visit'))[0];
    const url = `/api/tasks/${visit?.id}/outcome`;
    const as = await t.login('tanaka');
    const unknown = await t.request({ method: 'POST', url, as, body: { outcome: 'maybe' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<ErrorBody>().error.field).toBe('body.outcome');
    const past = await t.request({
      method: 'POST',
      url,
      as,
      body: { outcome: 'appointment', follow_up_on: '2026-01-05' },
    });
    expect(past.statusCode).toBe(400);
    expect(past.json<ErrorBody>().error).toMatchObject({ field: 'body.follow_up_on', code: 'invalid_input' });
    const notADay = await t.request({
      method: 'POST',
      url,
      as,
      body: { outcome: 'appointment', follow_up_on: '12月3日' },
    });
    expect(notADay.json<ErrorBody>().error.field).toBe('body.follow_up_on');
  });

  it("orders the signed-in rep's visits for a day", async () => {
    const response = await t.request({
      method: 'GET',
      url: '/api/tasks/route?date=2026-11-23',
      as: await t.login('tanaka'),
    });
    expect(response.statusCode, response.body).toBe(200);
    const route = response.json<{
      base: { prefecture: string };
      stops: { order: number; task: Task }[];
      total_km: number;
    }>();
    expect(route.stops.map((s) => s.task.customer_id)).toEqual(['C002']);
    expect(route.base.prefecture).toBe('大阪府');
    const before = await t.request({
      method: 'GET',
      url: '/api/tasks/route?date=2026-11-20',
      as: await t.login('tanaka'),
    });
    expect(before.json<{ stops: unknown[] }>().stops).toEqual([]);
    const bad = await t.request({
      method: 'GET',
      url: '/api/tasks/route?date=tomorrow',
      as: await t.login('tanaka'),
    });
    expect(bad.json<ErrorBody>().error.field).toBe('query.date');
  });

  it('saves a scoring change as a new version with an audit row, and names the wrong field', async () => {
    const as = await t.login('marketer');
    const initial = await t.request({ method: 'GET', url: '/api/settings/scoring', as });
    expect(initial.json()).toMatchObject({ version: null, config: { weights: { past_value: 5 } } });
    const config = structuredClone(DEFAULT_SCORING_CONFIG);
    config.weights.past_value = 6;
    const saved = await t.request({ method: 'PUT', url: '/api/settings/scoring', as, body: config });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({
      version: 1,
      config: { weights: { past_value: 6 } },
      created_by: 'user:marketer@example.jp',
    });
    const wrong = await t.request({
      method: 'PUT',
      url: '/api/settings/scoring',
      as,
      body: {
        ...config,
        weights: { ...config.weights, competitor_use: -1 },
        ranks: { A: 100, B: 130, C: 90 },
      },
    });
    expect(wrong.statusCode).toBe(400);
    const error = wrong.json<ErrorBody>().error;
    expect(error.field).toBe('body.weights.competitor_use');
    expect(error.issues?.map((i) => i.field)).toContain('body.ranks');
    const after = await t.request({ method: 'GET', url: '/api/settings/scoring', as });
    expect(after.json()).toMatchObject({ version: 1, versions: [{ version: 1 }] });
    const audit = await t.request({
      method: 'GET',
      url: '/api/audit?entity=settings',
      as: await t.login('admin'),
    });
    expect(audit.json<{ items: { action: string; entity_id: string }[] }>().items).toEqual([
      expect.objectContaining({ action: 'settings.save', entity_id: 'scoring@1' }),
    ]);
  });

  it('shows the dormancy definition in words, suggests one from the data and saves it', async () => {
    const as = await t.login('marketer');
    const current = await t.request({ method: 'GET', url: '/api/settings/definition', as });
    expect(current.statusCode).toBe(200);
    const body = current.json<{ version: number | null; levels: { ja: { label: string }[] } }>();
    expect(body.version).toBeNull();
    expect(body.levels.ja[0]?.label).toBe('要注意');
    const suggestion = await t.request({ method: 'GET', url: '/api/settings/definition/suggestion', as });
    expect(suggestion.statusCode, suggestion.body).toBe(200);
    const s = suggestion.json<{
      basis: string;
      reasoning: { ja: string }[];
      definition: unknown;
      as_of: string;
    }>();
    expect(s.basis).toBe('preset'); // four customers, five orders: too little to read a rhythm
    expect(s.reasoning.length).toBeGreaterThan(0);
    expect(s.as_of).toBe('2026-11-22');
    const saved = await t.request({ method: 'PUT', url: '/api/settings/definition', as, body: s.definition });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ version: 1, is_active: true });
    const broken = await t.request({
      method: 'PUT',
      url: '/api/settings/definition',
      as,
      body: {
        ...DEFAULT_DEFINITION,
        levels: { ...DEFAULT_DEFINITION.levels, early_dormant: 'days_since_last >>> 3' },
      },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json<ErrorBody>().error.field).toBe('body.levels.early_dormant');
  });
});
