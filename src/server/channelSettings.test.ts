/**
 * The channel settings API on both engines: everyone signed in reads, only admins and marketers
 * save; a save is a new version with an audit row; an invalid body stores nothing and the error
 * names every wrong field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../test/engines.js';
import { createTestServer, type TestServer } from '../../test/serverFixture.js';
import { DEFAULT_CHANNEL_CONFIG } from '../core/prioritise/channelConfig.js';

interface ErrorBody {
  error: { code: string; message: string; field?: string; issues?: { field: string; message: string }[] };
}
interface ChannelsBody {
  version: number | null;
  config: typeof DEFAULT_CHANNEL_CONFIG;
  defaults: typeof DEFAULT_CHANNEL_CONFIG;
  versions: { version: number; created_by: string }[];
  created_by: string | null;
}

describe.each(ENGINES)('channel settings API on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await createTestServer(engine);
  });
  afterAll(async () => t?.close());

  it('shows the defaults to every signed-in user (visit ¥20,000, email opt-in)', async () => {
    for (const user of ['admin', 'marketer', 'tanaka', 'viewer'] as const) {
      const response = await t.request({
        method: 'GET',
        url: '/api/settings/channels',
        as: await t.login(user),
      });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json<ChannelsBody>();
      expect(body.version).toBeNull();
      expect(body.config.channels.visit).toMatchObject({ cost_yen: 20_000, rep_minutes: 180 });
      expect(body.config.channels.email.consent).toEqual({ company: 'opt_in', person: 'opt_in' });
      expect(body.defaults).toEqual(DEFAULT_CHANNEL_CONFIG);
    }
    const anonymous = await t.request({ method: 'GET', url: '/api/settings/channels' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('lets only admins and marketers save', async () => {
    for (const user of ['tanaka', 'viewer'] as const) {
      const response = await t.request({
        method: 'PUT',
        url: '/api/settings/channels',
        as: await t.login(user),
        body: DEFAULT_CHANNEL_CONFIG,
      });
      expect(response.statusCode).toBe(403);
    }
    const after = await t.request({
      method: 'GET',
      url: '/api/settings/channels',
      as: await t.login('viewer'),
    });
    expect(after.json<ChannelsBody>().version).toBeNull();
  });

  it('saves a new version with an audit row, and names every wrong field without storing anything', async () => {
    const as = await t.login('marketer');
    const config = structuredClone(DEFAULT_CHANNEL_CONFIG);
    config.channels.visit.cost_yen = 15_000;
    config.channels.phone.consent.person = 'opt_in';
    const saved = await t.request({ method: 'PUT', url: '/api/settings/channels', as, body: config });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({
      version: 1,
      config: { channels: { visit: { cost_yen: 15_000 }, phone: { consent: { person: 'opt_in' } } } },
      created_by: 'user:marketer@example.jp',
    });

    const wrong = structuredClone(config) as unknown as {
      channels: Record<string, Record<string, unknown>>;
    };
    (wrong.channels.dm as Record<string, unknown>).cost_yen = -100;
    (wrong.channels.sms as Record<string, unknown>).reactivation_rate = 1.5;
    (wrong.channels.visit as Record<string, unknown>).consent = { company: 'opt_in', person: 'opt_out' };
    const rejected = await t.request({ method: 'PUT', url: '/api/settings/channels', as, body: wrong });
    expect(rejected.statusCode).toBe(400);
    const error = rejected.json<ErrorBody>().error;
    expect(error.field).toBe('body.channels.dm.cost_yen');
    expect(error.issues?.map((i) => i.field)).toEqual(
      expect.arrayContaining([
        'body.channels.dm.cost_yen',
        'body.channels.sms.reactivation_rate',
        'body.channels.visit.consent.company',
      ]),
    );
    const notAnObject = await t.request({ method: 'PUT', url: '/api/settings/channels', as, body: [1, 2] });
    expect(notAnObject.statusCode).toBe(400);

    const after = await t.request({ method: 'GET', url: '/api/settings/channels', as });
    expect(after.json<ChannelsBody>()).toMatchObject({ version: 1, versions: [{ version: 1 }] });
    const audit = await t.request({
      method: 'GET',
      url: '/api/audit?entity=settings',
      as: await t.login('admin'),
    });
    expect(audit.json<{ items: { action: string; entity_id: string }[] }>().items).toContainEqual(
      expect.objectContaining({ action: 'settings.save', entity_id: 'channels@1' }),
    );
  });
});
