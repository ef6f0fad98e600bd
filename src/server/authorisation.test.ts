/**
 * Every API route against every kind of caller: admin, marketer, sales rep, viewer,
 * anonymous, a wrong token, and tokens with the read and ingest scopes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../test/engines.js';
import { createTestServer, type Session, type TestServer } from '../../test/serverFixture.js';
import { seedTaskState } from '../../test/taskFixture.js';
import { shippedTemplate } from '../core/act/templateLibrary.js';
import { DEFAULT_DEFINITION } from '../core/detect/dormancyDefinition.js';
import { DEFAULT_CHANNEL_CONFIG } from '../core/prioritise/channelConfig.js';
import { DEFAULT_SCORING_CONFIG } from '../core/prioritise/scoringModel.js';
import { actDb } from '../storage/journeyTables.js';
import { insertMessages } from '../storage/messageQueries.js';
import { saveSegment } from '../storage/segmentQueries.js';
import { generateTasks } from '../storage/taskQueries.js';

type Caller =
  | 'admin'
  | 'marketer'
  | 'tanaka'
  | 'viewer'
  | 'anonymous'
  | 'wrongToken'
  | 'readToken'
  | 'ingestToken';
const CALLERS: Caller[] = [
  'admin',
  'marketer',
  'tanaka',
  'viewer',
  'anonymous',
  'wrongToken',
  'readToken',
  'ingestToken',
];

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  body?: (caller: Caller) => unknown;
  headers?: Record<string, string>;
  expect: Record<Caller, number>;
}

const signedInOnly = (admin: number, marketer: number, rep: number, viewer: number, read = 403) => ({
  admin,
  marketer,
  tanaka: rep,
  viewer,
  anonymous: 401,
  wrongToken: 401,
  readToken: read,
  ingestToken: 403,
});

const AUTH_JOURNEY = JSON.stringify({
  id: 'auth-test',
  name: '権限テスト',
  trigger: { type: 'manual' },
  steps: [{ id: 'call', type: 'task', kind: 'call' }],
});

const everyone = (status: number): Record<Caller, number> =>
  Object.fromEntries(CALLERS.map((caller) => [caller, status])) as Record<Caller, number>;

const CASES: Case[] = [
  {
    name: 'list customers',
    method: 'GET',
    url: '/api/customers',
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: 'customer facets',
    method: 'GET',
    url: '/api/customers/facets',
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: 'own customer 360',
    method: 'GET',
    url: '/api/customers/C001',
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: "another rep's customer 360",
    method: 'GET',
    url: '/api/customers/C003',
    expect: signedInOnly(200, 200, 404, 200, 200),
  },
  {
    name: 'override reason of own customer',
    method: 'POST',
    url: '/api/customers/C001/reason',
    body: () => ({ category: 'price', note: '値上げの影響' }),
    expect: signedInOnly(201, 201, 201, 403),
  },
  {
    name: "override reason of another rep's customer",
    method: 'POST',
    url: '/api/customers/C003/reason',
    body: () => ({ category: 'competitor' }),
    expect: signedInOnly(201, 201, 404, 403),
  },
  { name: 'dashboard', method: 'GET', url: '/api/dashboard', expect: signedInOnly(200, 200, 200, 200, 200) },
  {
    name: 'dashboard analysis',
    method: 'GET',
    url: '/api/dashboard/analysis',
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: 'newly dormant customers',
    method: 'GET',
    url: '/api/dashboard/newly-dormant',
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: 'reasons report',
    method: 'GET',
    url: '/api/reports/reasons?by=owner',
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: 'cohort report',
    method: 'GET',
    url: '/api/reports/cohorts',
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: 'KPI report',
    method: 'GET',
    url: '/api/reports/kpi?by=journey&from=2026-01-01&to=2026-12-31',
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: 'lift report',
    method: 'GET',
    url: '/api/reports/lift',
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: 'reapproach report',
    method: 'GET',
    url: '/api/reports/reapproach',
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  { name: 'list users', method: 'GET', url: '/api/users', expect: signedInOnly(200, 403, 403, 403) },
  {
    name: 'create user',
    method: 'POST',
    url: '/api/users',
    body: (caller) => ({ email: `new-${caller}@example.jp`, display_name: '新人', role: 'viewer' }),
    expect: signedInOnly(201, 403, 403, 403),
  },
  {
    name: 'change user',
    method: 'PATCH',
    url: '/api/users/5',
    body: () => ({ display_name: '閲覧者' }),
    expect: signedInOnly(200, 403, 403, 403),
  },
  {
    name: 'issue sign-in link',
    method: 'POST',
    url: '/api/users/5/login-link',
    expect: signedInOnly(201, 403, 403, 403),
  },
  { name: 'list tokens', method: 'GET', url: '/api/tokens', expect: signedInOnly(200, 403, 403, 403) },
  {
    name: 'create token',
    method: 'POST',
    url: '/api/tokens',
    body: () => ({ name: 'ec', scopes: ['ingest'] }),
    expect: signedInOnly(201, 403, 403, 403),
  },
  { name: 'read audit log', method: 'GET', url: '/api/audit', expect: signedInOnly(200, 403, 403, 403) },
  { name: 'list imports', method: 'GET', url: '/api/imports', expect: signedInOnly(200, 200, 403, 403) },
  {
    name: 'preview an import',
    method: 'POST',
    url: '/api/imports/customers/preview',
    body: () => '得意先番号,取引先名称\nT1,テスト商事\n',
    headers: { 'content-type': 'text/csv' },
    expect: signedInOnly(200, 200, 403, 403),
  },
  {
    name: 'import progress of an unknown import',
    method: 'GET',
    url: '/api/imports/00000000-0000-4000-8000-000000000000',
    expect: signedInOnly(404, 404, 403, 403),
  },
  {
    name: 'ingest orders',
    method: 'POST',
    url: '/api/ingest/orders',
    body: (caller) => ({
      order_id: `I-${caller}`,
      customer_id: 'C001',
      ordered_at: '2026-11-01',
      amount: 1000,
    }),
    expect: { ...signedInOnly(403, 403, 403, 403), ingestToken: 200 },
  },
  {
    name: 'ingest events',
    method: 'POST',
    url: '/api/ingest/events',
    body: (caller) => ({
      event_id: `IE-${caller}`,
      customer_id: 'C001',
      type: 'web_visit',
      occurred_at: '2026-11-01',
    }),
    expect: { ...signedInOnly(403, 403, 403, 403), ingestToken: 200 },
  },
  // Tasks 1 and 2 are 田中's (C001 call, C002 visit), task 3 is 鈴木's (C003 visit). Outcomes
  // carry a follow-up day in the past, so an allowed caller gets 400 after the scope check and
  // nothing changes between callers.
  { name: 'list tasks', method: 'GET', url: '/api/tasks', expect: signedInOnly(200, 200, 200, 200) },
  {
    name: 'generate tasks',
    method: 'POST',
    url: '/api/tasks/generate',
    expect: signedInOnly(200, 200, 403, 403),
  },
  {
    name: 'log outcome of own task',
    method: 'POST',
    url: '/api/tasks/1/outcome',
    body: () => ({ outcome: 'appointment', follow_up_on: '2000-01-04' }),
    expect: signedInOnly(400, 400, 400, 403),
  },
  {
    name: "log outcome of another rep's task",
    method: 'POST',
    url: '/api/tasks/3/outcome',
    body: () => ({ outcome: 'appointment', follow_up_on: '2000-01-04' }),
    expect: signedInOnly(400, 400, 404, 403),
  },
  {
    name: 'visit route',
    method: 'GET',
    url: '/api/tasks/route?date=2026-11-23',
    expect: signedInOnly(200, 200, 200, 200),
  },
  {
    name: 'read dormancy definition',
    method: 'GET',
    url: '/api/settings/definition',
    expect: signedInOnly(200, 200, 200, 200),
  },
  {
    name: 'save dormancy definition',
    method: 'PUT',
    url: '/api/settings/definition',
    body: () => DEFAULT_DEFINITION,
    expect: signedInOnly(200, 200, 403, 403),
  },
  {
    name: 'dormancy definition suggestion',
    method: 'GET',
    url: '/api/settings/definition/suggestion',
    expect: signedInOnly(200, 200, 403, 403),
  },
  {
    name: 'read scoring settings',
    method: 'GET',
    url: '/api/settings/scoring',
    expect: signedInOnly(200, 200, 200, 200),
  },
  {
    name: 'save scoring settings',
    method: 'PUT',
    url: '/api/settings/scoring',
    body: () => DEFAULT_SCORING_CONFIG,
    expect: signedInOnly(200, 200, 403, 403),
  },
  {
    name: 'read channel settings',
    method: 'GET',
    url: '/api/settings/channels',
    expect: signedInOnly(200, 200, 200, 200),
  },
  {
    name: 'save channel settings',
    method: 'PUT',
    url: '/api/settings/channels',
    body: () => DEFAULT_CHANNEL_CONFIG,
    expect: signedInOnly(200, 200, 403, 403),
  },
  {
    name: 'budget plan',
    method: 'POST',
    url: '/api/plan',
    body: () => ({ budget_yen: 100_000, rep_hours: 10 }),
    expect: signedInOnly(200, 200, 403, 200, 200),
  },
  // Segment 1 (rank A) is saved in beforeAll; a PUT saves the same filter again, a DELETE names
  // a segment that does not exist, so every allowed caller gets the same answer.
  {
    name: 'list segments',
    method: 'GET',
    url: '/api/segments',
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: 'segment fields',
    method: 'GET',
    url: '/api/segments/fields',
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: 'preview a segment',
    method: 'POST',
    url: '/api/segments/preview',
    body: () => ({ filter: { rank: ['A'] } }),
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: 'save a segment',
    method: 'POST',
    url: '/api/segments',
    body: (caller) => ({ name: `segment-${caller}`, filter: { status: ['early_dormant'] } }),
    expect: signedInOnly(201, 201, 403, 403),
  },
  {
    name: 'show a segment',
    method: 'GET',
    url: '/api/segments/1',
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: 'change a segment',
    method: 'PUT',
    url: '/api/segments/1',
    body: () => ({ name: 'Aランク', filter: { rank: ['A'] } }),
    expect: signedInOnly(200, 200, 403, 403),
  },
  {
    name: 'delete a segment',
    method: 'DELETE',
    url: '/api/segments/999',
    expect: signedInOnly(404, 404, 403, 403),
  },
  // Journeys: a manual journey saved by the PUT case is then enrolled into; enabling and
  // disabling the shipped winback-basic leaves it as it was.
  {
    name: 'list journeys',
    method: 'GET',
    url: '/api/journeys',
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: 'show a journey',
    method: 'GET',
    url: '/api/journeys/winback-basic',
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: 'validate a journey file',
    method: 'POST',
    url: '/api/journeys/validate',
    body: () => ({ source: AUTH_JOURNEY, format: 'json' }),
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: 'save a journey',
    method: 'PUT',
    url: '/api/journeys/auth-test',
    body: () => ({ source: AUTH_JOURNEY, format: 'json' }),
    expect: signedInOnly(200, 200, 403, 403),
  },
  {
    name: 'enable a journey',
    method: 'POST',
    url: '/api/journeys/winback-basic/enable',
    expect: signedInOnly(200, 200, 403, 403),
  },
  {
    name: 'disable a journey',
    method: 'POST',
    url: '/api/journeys/winback-basic/disable',
    expect: signedInOnly(200, 200, 403, 403),
  },
  {
    name: 'simulate a journey',
    method: 'POST',
    url: '/api/journeys/winback-basic/simulate',
    body: () => ({}),
    expect: signedInOnly(200, 200, 403, 200),
  },
  {
    name: 'enrol customers in a journey',
    method: 'POST',
    url: '/api/journeys/auth-test/enrol',
    body: () => ({ customer_ids: ['C001'] }),
    expect: signedInOnly(200, 200, 403, 403),
  },
  {
    name: 'run the journeys',
    method: 'POST',
    url: '/api/journeys/run',
    expect: signedInOnly(200, 200, 403, 403),
  },
  {
    name: 'list templates',
    method: 'GET',
    url: '/api/templates',
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: 'show a template',
    method: 'GET',
    url: '/api/templates/winback-value-email/ja',
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: 'save a template',
    method: 'PUT',
    url: '/api/templates/winback-value-email/ja',
    body: () => shippedTemplate('winback-value-email', 'ja'),
    expect: signedInOnly(200, 200, 403, 403),
  },
  {
    name: 'preview a template on own customer',
    method: 'POST',
    url: '/api/templates/preview',
    body: () => ({ template: shippedTemplate('winback-value-email', 'ja'), customer_id: 'C001' }),
    expect: signedInOnly(200, 200, 200, 200),
  },
  {
    name: "preview a template on another rep's customer",
    method: 'POST',
    url: '/api/templates/preview',
    body: () => ({ template: shippedTemplate('winback-value-email', 'en'), customer_id: 'C003' }),
    expect: signedInOnly(200, 200, 404, 200),
  },
  // Outbox message 1 is 田中's C001, message 2 鈴木's C003 (inserted in beforeAll).
  {
    name: 'list the outbox',
    method: 'GET',
    url: '/api/outbox',
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: 'DM mailing list',
    method: 'GET',
    url: '/api/outbox/dm.csv?encoding=utf8',
    expect: signedInOnly(200, 200, 403, 403),
  },
  {
    name: 'own outbox message',
    method: 'GET',
    url: '/api/outbox/1',
    expect: signedInOnly(200, 200, 200, 200, 200),
  },
  {
    name: "another rep's outbox message",
    method: 'GET',
    url: '/api/outbox/2',
    expect: signedInOnly(200, 200, 404, 200, 200),
  },
  // Public tracking routes: the token decides, never the caller (a bad token here).
  { name: 'open pixel', method: 'GET', url: '/t/o/bad.token', expect: everyone(200) },
  { name: 'click-through', method: 'GET', url: '/t/c/bad.token', expect: everyone(400) },
  { name: 'unsubscribe page', method: 'GET', url: '/t/u/bad.token', expect: everyone(400) },
  { name: 'unsubscribe', method: 'POST', url: '/t/u/bad.token', expect: everyone(400) },
  {
    name: 'who am I',
    method: 'GET',
    url: '/api/auth/me',
    expect: { ...signedInOnly(200, 200, 200, 200), readToken: 403 },
  },
  {
    name: 'health',
    method: 'GET',
    url: '/api/health',
    expect: {
      admin: 200,
      marketer: 200,
      tanaka: 200,
      viewer: 200,
      anonymous: 200,
      wrongToken: 200,
      readToken: 200,
      ingestToken: 200,
    },
  },
];

describe.each(ENGINES)('API authorisation on %s', (engine) => {
  let t: TestServer;
  const sessions = new Map<Caller, Session>();
  const tokens = new Map<Caller, string>();

  beforeAll(async () => {
    t = await createTestServer(engine);
    await seedTaskState(t.storage);
    await generateTasks(t.storage, { today: '2026-11-23', actor: 'test', now: '2026-11-22T09:00:00Z' });
    await saveSegment(t.storage, {
      name: 'Aランク',
      filter: { rank: ['A'] },
      createdBy: 'test',
      at: '2026-11-22',
    });
    const message = (customerId: string) => ({
      idempotency_key: `winback-basic:${customerId}:day1`,
      customer_id: customerId,
      journey_id: 'winback-basic',
      step_id: 'day1',
      template_id: 'winback-value-email',
      channel: 'email' as const,
      locale: 'ja',
      to_address: `${customerId.toLowerCase()}@example.jp`,
      subject: 'ご無沙汰しております',
      body_text: '本文',
      body_html: null,
      status: 'held' as const,
      status_reason: null,
      variant: null,
      coupon_code: null,
      coupon_expires: null,
      created_at: '2026-11-20T00:00:00.000Z',
      due_at: '2026-11-20T00:00:00.000Z',
    });
    await insertMessages(actDb(t.storage), [message('C001'), message('C003')]);
    for (const user of ['admin', 'marketer', 'tanaka', 'viewer'] as const)
      sessions.set(user, await t.login(user));
    const admin = sessions.get('admin');
    for (const [caller, scope] of [
      ['readToken', 'read'],
      ['ingestToken', 'ingest'],
    ] as const) {
      const response = await t.request({
        method: 'POST',
        url: '/api/tokens',
        as: admin,
        body: { name: caller, scopes: [scope] },
      });
      tokens.set(caller, response.json<{ token: string }>().token);
    }
    tokens.set('wrongToken', 'mzm_not-a-real-token-at-all');
  });
  afterAll(async () => t?.close());

  for (const c of CASES) {
    for (const caller of CALLERS) {
      it(`answers ${c.expect[caller]} to ${caller} for ${c.name} (${c.method} ${c.url})`, async () => {
        const response = await t.request({
          method: c.method,
          url: c.url,
          as: sessions.get(caller) ?? null,
          ...(tokens.has(caller) ? { token: tokens.get(caller) } : {}),
          ...(c.body ? { body: c.body(caller) } : {}),
          ...(c.headers ? { headers: c.headers } : {}),
        });
        expect(response.statusCode, response.body).toBe(c.expect[caller]);
        if (c.url.startsWith('/t/')) {
          // Tracking links are opened by people and mail clients: a page or an image, never JSON.
          expect(response.headers['content-type']).toMatch(/^(text\/html|image\/gif)/);
        } else if (response.statusCode >= 400) {
          expect(response.json<{ error: { code: string } }>().error.code).toMatch(/^[a-z_]+$/);
        }
      });
    }
  }

  it('covers every API route in the authorisation table', () => {
    const covered = new Set(
      CASES.map(
        (c) =>
          `${c.method} ${c.url
            .replace(/\?.*$/, '')
            .replace(/\/tasks\/\d+\//, '/tasks/:id/')
            .replace(/\/segments\/\d+$/, '/segments/:id')
            .replace(/\/outbox\/\d+$/, '/outbox/:id')
            .replace(/\/journeys\/(?!run$|validate$)[a-z0-9-]+/, '/journeys/:id')
            .replace(/\/templates\/[a-z0-9-]+\/(ja|en)$/, '/templates/:id/:locale')
            .replace(/^\/t\/([ocu])\/.+$/, '/t/$1/:token')
            .replace(/\/imports\/customers\//, '/imports/:kind/')
            .replace(/C00\d|\/5(\/|$)|[0-9a-f-]{36}/g, (m) =>
              m.startsWith('/5') ? `/:id${m.slice(2)}` : ':id',
            )}`,
      ),
    );
    const declared = t.server.routes.specs.map((s) => `${s.method} ${s.url}`);
    const untested = declared.filter(
      (r) =>
        !covered.has(r) &&
        !covered.has(r.replace(':id', '')) &&
        // tested in their own suites: sign-in flows, imports upload/download, token revoke, OpenAPI
        !/auth\/(login|link|logout|password)|imports\/:kind$|rejects|tokens\/:id|openapi|users\/:id$/.test(r),
    );
    expect(untested).toEqual([]);
  });
});
