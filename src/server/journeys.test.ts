import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES } from '../../test/engines.js';
import { createTestServer, seedCustomers, type TestServer } from '../../test/serverFixture.js';
import { seedTaskState } from '../../test/taskFixture.js';
import { parseJourneySource } from '../core/act/journeyDefinition.js';
import { enrolCustomers } from '../journeys/journeyEnrolment.js';
import { saveJourney, setJourneyEnabled } from '../storage/journeyQueries.js';
import { actDb } from '../storage/journeyTables.js';
import { startServer } from './start.js';

interface ErrorBody {
  error: { code: string; field?: string; issues?: { field: string; message: string; path?: string }[] };
}
interface Journey {
  id: string;
  enabled: boolean;
  version: number;
  format: string;
  source: string;
  definition: { steps: { id: string }[] };
}
interface Detail {
  journey: Journey;
  monitor: {
    steps: {
      id: string;
      type: string;
      label_ja: string;
      label_en: string;
      waiting: number;
      passed: number;
    }[];
    active: number;
    completed: number;
    exited: number;
    exits: Record<string, number>;
  };
}

/** A manual journey: an email, three days, a second email, then a call. */
function journeyJson(id: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      id,
      name: 'テスト用の掘り起こし',
      description: 'API テスト',
      trigger: { type: 'manual' },
      steps: [
        { id: 'day1', type: 'send', channel: 'email', template: 'winback-value-email' },
        { id: 'wait3', type: 'wait', days: 3 },
        { id: 'day3', type: 'send', channel: 'email', template: 'winback-whats-new-email' },
        { id: 'call', type: 'task', kind: 'call' },
      ],
      ...overrides,
    },
    null,
    2,
  );
}

const YAML_JOURNEY = `id: other-touch
name: もう一度のご案内
trigger:
  type: manual
exit_on: [purchase]
steps:
  - id: hello
    type: send
    channel: email
    template: winback-case-study-email
`;

describe.each(ENGINES)('journeys API on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await createTestServer(engine);
    await seedTaskState(t.storage);
  });
  afterAll(async () => t?.close());

  const as = (user: 'admin' | 'marketer' | 'tanaka' | 'viewer') => t.login(user);
  const detail = async (id: string) => {
    const response = await t.request({ method: 'GET', url: `/api/journeys/${id}`, as: await as('viewer') });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Detail>();
  };

  it('lists the shipped journeys, disabled until a person enables them', async () => {
    const response = await t.request({ method: 'GET', url: '/api/journeys', as: await as('tanaka') });
    expect(response.statusCode, response.body).toBe(200);
    const { journeys } = response.json<{ journeys: { id: string; enabled: boolean; active: number }[] }>();
    expect(journeys.map((j) => j.id)).toEqual(
      expect.arrayContaining([
        'winback-basic',
        'winback-price',
        'pricing-page-alert',
        'improvement-reapproach',
      ]),
    );
    expect(journeys.every((j) => !j.enabled && j.active === 0)).toBe(true);
    const basic = await detail('winback-basic');
    expect(basic.journey.format).toBe('json');
    expect(basic.monitor.steps.length).toBeGreaterThan(5);
    expect(basic.monitor.steps[0]).toMatchObject({ waiting: 0, passed: 0 });
    expect(basic.monitor.steps[0]?.label_ja).not.toBe('');
  });

  it('checks a journey file without saving it, naming the place of each problem', async () => {
    const viewer = await as('viewer');
    const ok = await t.request({
      method: 'POST',
      url: '/api/journeys/validate',
      as: viewer,
      body: { source: YAML_JOURNEY, format: 'yaml' },
    });
    expect(ok.json()).toMatchObject({ ok: true, definition: { id: 'other-touch', exit_on: ['purchase'] } });
    const broken = await t.request({
      method: 'POST',
      url: '/api/journeys/validate',
      as: viewer,
      body: {
        source: journeyJson('broken', {
          steps: [
            { id: 'a', type: 'send', channel: 'email', template: 'no-such-template' },
            { id: 'b', type: 'wait', days: 2, next: 'nowhere' },
          ],
        }),
        format: 'json',
      },
    });
    expect(broken.statusCode).toBe(200);
    const result = broken.json<{ ok: false; issues: { path: string; message: string }[] }>();
    expect(result.ok).toBe(false);
    expect(result.issues.map((i) => i.path).join(' | ')).toMatch(/steps\[0\] \(a\).*steps\[1\] \(b\)/);
    const unknownFormat = await t.request({
      method: 'POST',
      url: '/api/journeys/validate',
      as: viewer,
      body: { source: YAML_JOURNEY, format: 'toml' },
    });
    expect(unknownFormat.json<ErrorBody>().error.field).toBe('body.format');
  });

  it('saves a new journey disabled, then a new version, each with an audit row', async () => {
    const marketer = await as('marketer');
    const created = await t.request({
      method: 'PUT',
      url: '/api/journeys/test-winback',
      as: marketer,
      body: { source: journeyJson('test-winback'), format: 'json' },
    });
    expect(created.statusCode, created.body).toBe(200);
    expect(created.json<{ journey: Journey }>().journey).toMatchObject({
      id: 'test-winback',
      enabled: false,
      version: 1,
    });
    const again = await t.request({
      method: 'PUT',
      url: '/api/journeys/test-winback',
      as: marketer,
      body: { source: journeyJson('test-winback', { name: '改訂版' }), format: 'json' },
    });
    expect(again.json<{ journey: Journey }>().journey.version).toBe(2);
    const yaml = await t.request({
      method: 'PUT',
      url: '/api/journeys/other-touch',
      as: marketer,
      body: { source: YAML_JOURNEY, format: 'yaml' },
    });
    expect(yaml.json<{ journey: Journey }>().journey).toMatchObject({ format: 'yaml', source: YAML_JOURNEY });
    const audit = await actDb(t.storage)
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('entity', '=', 'journey')
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'journey.create', entity_id: 'test-winback@1' },
      { action: 'journey.update', entity_id: 'test-winback@2' },
      { action: 'journey.create', entity_id: 'other-touch@1' },
    ]);
  });

  it('refuses an invalid file with 400 and its issues, a file of another id, and other roles', async () => {
    const marketer = await as('marketer');
    const invalid = await t.request({
      method: 'PUT',
      url: '/api/journeys/test-winback',
      as: marketer,
      body: {
        source: journeyJson('test-winback', { steps: [{ id: 'x', type: 'wait', days: 0 }] }),
        format: 'json',
      },
    });
    expect(invalid.statusCode).toBe(400);
    const error = invalid.json<ErrorBody>().error;
    expect(error.field).toBe('body.source');
    expect(error.issues?.[0]).toMatchObject({ field: 'body.source', path: 'steps[0] (x).days' });
    expect(error.issues?.[0]?.message).toMatch(/^steps\[0\] \(x\)\.days: /);
    const syntax = await t.request({
      method: 'PUT',
      url: '/api/journeys/test-winback',
      as: marketer,
      body: { source: '{"id": "test-winback",', format: 'json' },
    });
    expect(syntax.json<ErrorBody>().error.issues?.[0]?.path).toMatch(/^line \d+/);
    const otherId = await t.request({
      method: 'PUT',
      url: '/api/journeys/test-winback',
      as: marketer,
      body: { source: journeyJson('something-else'), format: 'json' },
    });
    expect(otherId.statusCode).toBe(400);
    expect(otherId.json<ErrorBody>().error.issues?.[0]?.path).toBe('id');
    const badId = await t.request({
      method: 'PUT',
      url: '/api/journeys/Bad_Id',
      as: marketer,
      body: { source: journeyJson('x'), format: 'json' },
    });
    expect(badId.json<ErrorBody>().error.field).toBe('params.id');
    for (const user of ['tanaka', 'viewer'] as const) {
      const refused = await t.request({
        method: 'PUT',
        url: '/api/journeys/test-winback',
        as: await as(user),
        body: { source: journeyJson('test-winback'), format: 'json' },
      });
      expect(refused.statusCode).toBe(403);
    }
    expect((await detail('test-winback')).journey.version).toBe(2);
  });

  it('enrols customers by hand, naming the unknown, and skips those already in', async () => {
    const marketer = await as('marketer');
    const first = await t.request({
      method: 'POST',
      url: '/api/journeys/test-winback/enrol',
      as: marketer,
      body: { customer_ids: ['C001', 'NOPE'] },
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({
      enrolled: 1,
      skipped: 0,
      rejected: [{ customer_id: 'NOPE', reason: 'unknown' }],
    });
    const again = await t.request({
      method: 'POST',
      url: '/api/journeys/test-winback/enrol',
      as: marketer,
      body: { customer_ids: ['C001'] },
    });
    expect(again.json()).toMatchObject({ enrolled: 0, skipped: 1 });
    const empty = await t.request({
      method: 'POST',
      url: '/api/journeys/test-winback/enrol',
      as: marketer,
      body: { customer_ids: [] },
    });
    expect(empty.json<ErrorBody>().error.field).toBe('body.customer_ids');
    const missing = await t.request({
      method: 'POST',
      url: '/api/journeys/no-such-journey/enrol',
      as: marketer,
      body: { customer_ids: ['C001'] },
    });
    expect(missing.statusCode).toBe(404);
  });

  it('runs the enabled journeys once: the first email is held in the outbox (no transport), the monitor shows the wait', async () => {
    const marketer = await as('marketer');
    const enabled = await t.request({
      method: 'POST',
      url: '/api/journeys/test-winback/enable',
      as: marketer,
    });
    expect(enabled.json<{ journey: Journey }>().journey.enabled).toBe(true);
    const run = await t.request({ method: 'POST', url: '/api/journeys/run', as: marketer });
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json()).toMatchObject({ queued: 1, held: 1, sent: 0, tasks: 0 });
    const message = await actDb(t.storage)
      .selectFrom('messages')
      .select(['customer_id', 'step_id', 'status', 'subject', 'body_html'])
      .executeTakeFirstOrThrow();
    expect(message).toMatchObject({ customer_id: 'C001', step_id: 'day1', status: 'held' });
    expect(message.body_html).toContain('/t/u/');
    const { monitor } = await detail('test-winback');
    expect(monitor.active).toBe(1);
    expect(monitor.steps.find((s) => s.id === 'day1')).toMatchObject({ passed: 1, waiting: 0 });
    expect(monitor.steps.find((s) => s.id === 'day3')?.waiting ?? 0).toBe(0);
    expect(monitor.steps.find((s) => s.id === 'wait3')?.label_en).toMatch(/3/);
    const rep = await t.request({ method: 'POST', url: '/api/journeys/run', as: await as('tanaka') });
    expect(rep.statusCode).toBe(403);
    const audit = await actDb(t.storage)
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('action', 'in', ['journey.enable', 'journey.run', 'journey.enrol'])
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'journey.enrol',
      'journey.enrol',
      'journey.enable',
      'journey.run',
    ]);
  });

  it("suppresses a customer's next email once they unsubscribed with the first one's one-click link", async () => {
    const html = (
      await actDb(t.storage)
        .selectFrom('messages')
        .select('body_html')
        .where('step_id', '=', 'day1')
        .executeTakeFirstOrThrow()
    ).body_html as string;
    const unsubscribe = /\/t\/u\/[A-Za-z0-9_.~-]+/.exec(html)?.[0] as string;
    const oneClick = await t.server.app.inject({
      method: 'POST',
      url: unsubscribe,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(200);

    const marketer = await as('marketer');
    await t.request({ method: 'POST', url: '/api/journeys/other-touch/enable', as: marketer });
    await t.request({
      method: 'POST',
      url: '/api/journeys/other-touch/enrol',
      as: marketer,
      body: { customer_ids: ['C001'] },
    });
    const run = await t.request({ method: 'POST', url: '/api/journeys/run', as: marketer });
    expect(run.json()).toMatchObject({ queued: 1, suppressed: 1, held: 0 });
    const next = await actDb(t.storage)
      .selectFrom('messages')
      .select(['status', 'status_reason'])
      .where('journey_id', '=', 'other-touch')
      .executeTakeFirstOrThrow();
    expect(next).toEqual({ status: 'suppressed', status_reason: 'unsubscribed' });
  });

  it('disables a journey', async () => {
    const response = await t.request({
      method: 'POST',
      url: '/api/journeys/other-touch/disable',
      as: await as('admin'),
    });
    expect(response.json<{ journey: Journey }>().journey.enabled).toBe(false);
    const missing = await t.request({
      method: 'POST',
      url: '/api/journeys/nothing-here/disable',
      as: await as('admin'),
    });
    expect(missing.statusCode).toBe(404);
  });

  it('simulates a journey on the customers its trigger and audience would take now, with the channel costs', async () => {
    const marketer = await as('marketer');
    await t.request({
      method: 'PUT',
      url: '/api/journeys/rank-a-quarterly',
      as: marketer,
      body: {
        source: journeyJson('rank-a-quarterly', {
          trigger: { type: 'schedule', every: 'quarter' },
          audience: { ranks: ['A'] },
        }),
        format: 'json',
      },
    });
    const response = await t.request({
      method: 'POST',
      url: '/api/journeys/rank-a-quarterly/simulate',
      as: await as('viewer'),
      body: {},
    });
    expect(response.statusCode, response.body).toBe(200);
    const simulation = response.json<{
      entrants: number;
      steps: { id: string; reach: number }[];
      messages: { email: number };
      tasks: { call: number };
      cost_yen: number;
    }>();
    // C001 and C003 are rank A.
    expect(simulation.entrants).toBe(2);
    expect(simulation.steps.map((s) => s.id)).toEqual(['day1', 'wait3', 'day3', 'call']);
    expect(simulation.steps[0]?.reach).toBe(2);
    expect(simulation.messages.email).toBeGreaterThan(0);
    expect(simulation.cost_yen).toBeGreaterThan(0);
    const wrong = await t.request({
      method: 'POST',
      url: '/api/journeys/rank-a-quarterly/simulate',
      as: marketer,
      body: { assumptions: { open_rate: 2 } },
    });
    expect(wrong.json<ErrorBody>().error.field).toBe('body.assumptions.open_rate');
    const rep = await t.request({
      method: 'POST',
      url: '/api/journeys/rank-a-quarterly/simulate',
      as: await as('tanaka'),
      body: {},
    });
    expect(rep.statusCode).toBe(403);
  });
});

describe('journey runs while serving', () => {
  it('runs every MEZAME_JOURNEY_INTERVAL_S seconds with links to the address served, and stops on close', async () => {
    const db = await createTestDatabase('sqlite');
    const storage = await db.open();
    try {
      await seedCustomers(storage);
      const definition = parseJourneySource(journeyJson('served'), 'json');
      if (!definition.ok) throw new Error('test journey invalid');
      await saveJourney(storage, {
        definition: definition.definition,
        source: journeyJson('served'),
        format: 'json',
        actor: 'test',
        at: new Date().toISOString(),
      });
      const journey = await setJourneyEnabled(storage, 'served', true, 'test', new Date().toISOString());
      await enrolCustomers(storage, journey, ['C002'], new Date());
      const server = await startServer({
        storage,
        port: 0,
        closeStorage: false,
        handleSignals: false,
        announce: () => {},
        config: { logLevel: 'silent' },
        env: { MEZAME_JOURNEY_INTERVAL_S: '1' },
      });
      const queued = async () =>
        actDb(storage)
          .selectFrom('messages')
          .select(['status', 'body_html'])
          .where('customer_id', '=', 'C002')
          .execute();
      const deadline = Date.now() + 10_000;
      while ((await queued()).length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      await server.close();
      const [message] = await queued();
      expect(message?.status).toBe('held');
      expect(message?.body_html).toContain(`${server.url}/t/u/`);
      expect(server.journeys.busy).toBe(false);
    } finally {
      await storage.close();
      await db.drop();
    }
  });

  it('refuses to start with a wrong interval or transport, naming the variable', async () => {
    const db = await createTestDatabase('sqlite');
    const storage = await db.open();
    try {
      const start = (env: NodeJS.ProcessEnv) =>
        startServer({ storage, port: 0, closeStorage: false, handleSignals: false, announce: () => {}, env });
      await expect(start({ MEZAME_JOURNEY_INTERVAL_S: 'soon' })).rejects.toThrow(
        /^MEZAME_JOURNEY_INTERVAL_S: /,
      );
      await expect(start({ MEZAME_SMTP_URL: 'http://mail.example.jp' })).rejects.toThrow(/MEZAME_SMTP_URL/);
    } finally {
      await storage.close();
      await db.drop();
    }
  });
});
