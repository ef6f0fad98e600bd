import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../test/engines.js';
import { createTestServer, type TestServer } from '../../test/serverFixture.js';
import { seedTaskState } from '../../test/taskFixture.js';
import type { MessageTemplate } from '../core/act/messageTypes.js';
import { actDb } from '../storage/journeyTables.js';

interface ErrorBody {
  error: { code: string; field?: string; issues?: { field: string; message: string; path?: string }[] };
}
interface Summary {
  id: string;
  locale: string;
  channel: string;
  shipped: boolean;
  customised: boolean;
}
interface Rendered {
  subject: string | null;
  text: string;
  html: string | null;
  couponCode: string | null;
  warnings: { code: string }[];
}

const ID = 'winback-value-email';

describe.each(ENGINES)('templates API on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await createTestServer(engine);
    await seedTaskState(t.storage);
  });
  afterAll(async () => t?.close());

  const getOne = async (locale = 'ja') => {
    const response = await t.request({
      method: 'GET',
      url: `/api/templates/${ID}/${locale}`,
      as: await t.login('viewer'),
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ template: MessageTemplate; shipped: MessageTemplate; version: number | null }>();
  };

  it('lists the shipped templates in Japanese and English, none customised yet', async () => {
    const response = await t.request({ method: 'GET', url: '/api/templates', as: await t.login('tanaka') });
    expect(response.statusCode).toBe(200);
    const { templates } = response.json<{ templates: Summary[] }>();
    expect(templates.filter((x) => x.id === ID)).toEqual([
      expect.objectContaining({ locale: 'en', channel: 'email', shipped: true, customised: false }),
      expect.objectContaining({ locale: 'ja', channel: 'email', shipped: true, customised: false }),
    ]);
    for (const id of ['winback-reminder-sms', 'winback-letter-dm', 'winback-final-offer-email']) {
      expect(templates.map((x) => `${x.id}/${x.locale}`)).toContain(`${id}/ja`);
    }
  });

  it('saves a change over the shipped template as a new version, keeping the shipped text beside it', async () => {
    const before = await getOne();
    expect(before.template).toEqual(before.shipped);
    expect(before.version).toBeNull();
    const changed = { ...before.template, subject: '【資料のご案内】{{customer_name}}へ' };
    const as = await t.login('marketer');
    const saved = await t.request({ method: 'PUT', url: `/api/templates/${ID}/ja`, as, body: changed });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ template: { subject: changed.subject }, version: 1 });
    const after = await getOne();
    expect(after.template.subject).toBe(changed.subject);
    expect(after.shipped.subject).toBe(before.shipped.subject);
    const list = await t.request({ method: 'GET', url: '/api/templates', as });
    expect(list.json<{ templates: Summary[] }>().templates).toContainEqual(
      expect.objectContaining({ id: ID, locale: 'ja', customised: true }),
    );
    const audit = await actDb(t.storage)
      .selectFrom('audit_log')
      .select(['action', 'actor', 'entity_id'])
      .where('action', '=', 'template.save')
      .execute();
    expect(audit).toEqual([
      { action: 'template.save', actor: 'user:marketer@example.jp', entity_id: `${ID}/ja@1` },
    ]);
  });

  it('refuses an invalid template naming each field, and stores nothing', async () => {
    const as = await t.login('marketer');
    const base = (await getOne('en')).template;
    const wrong = await t.request({
      method: 'PUT',
      url: `/api/templates/${ID}/en`,
      as,
      body: { ...base, subject: '', body: 'Dear {{custmer_name}}' },
    });
    expect(wrong.statusCode).toBe(400);
    const error = wrong.json<ErrorBody>().error;
    expect(error.field).toBe('body.subject');
    expect(error.issues?.map((i) => i.field)).toEqual(['body.subject', 'body.body']);
    expect(error.issues?.[1]?.message).toContain('{{custmer_name}}');
    expect((await getOne('en')).version).toBeNull();

    const otherId = await t.request({
      method: 'PUT',
      url: `/api/templates/${ID}/en`,
      as,
      body: { ...base, id: 'winback-offer-email' },
    });
    expect(otherId.json<ErrorBody>().error.field).toBe('body.id');
    const channel = await t.request({
      method: 'PUT',
      url: `/api/templates/${ID}/en`,
      as,
      body: { ...base, channel: 'fax' },
    });
    expect(channel.json<ErrorBody>().error.field).toBe('body.channel');
    const locale = await t.request({ method: 'PUT', url: `/api/templates/${ID}/fr`, as, body: base });
    expect(locale.json<ErrorBody>().error.field).toBe('params.locale');
  });

  it('lets only admins and marketers save', async () => {
    const base = (await getOne('en')).template;
    for (const user of ['tanaka', 'viewer'] as const) {
      const response = await t.request({
        method: 'PUT',
        url: `/api/templates/${ID}/en`,
        as: await t.login(user),
        body: base,
      });
      expect(response.statusCode).toBe(403);
    }
  });

  it("previews a template on a customer in the caller's scope with the journey's links and a coupon", async () => {
    const template: MessageTemplate = {
      id: 'my-offer-email',
      channel: 'email',
      locale: 'ja',
      name: '特別なご案内',
      subject: '{{customer_name}}へ特別なご案内',
      body: '{{contact_name}}\n\nクーポン {{coupon_code}}（{{coupon_expires}}まで）\n{{cta_url}}',
      coupon_days: 14,
    };
    const response = await t.request({
      method: 'POST',
      url: '/api/templates/preview',
      as: await t.login('tanaka'),
      body: { template, customer_id: 'C001' },
    });
    expect(response.statusCode, response.body).toBe(200);
    const rendered = response.json<Rendered>();
    expect(rendered.subject).toContain('株式会社あおば製作所');
    expect(rendered.text).toContain('佐藤 花子');
    expect(rendered.couponCode).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
    expect(rendered.text).toContain(rendered.couponCode);
    expect(rendered.html).toContain('/t/c/');
    // Nothing was queued or saved by looking.
    const messages = await actDb(t.storage).selectFrom('messages').select('id').execute();
    expect(messages).toEqual([]);
    // The preview's links are signed for no message: following one records nothing.
    const click = /\/t\/c\/[A-Za-z0-9_.~-]+/.exec(rendered.html ?? '')?.[0] as string;
    const followed = await t.server.app.inject({ method: 'GET', url: click });
    expect(followed.statusCode).toBe(302);
    const events = await actDb(t.storage)
      .selectFrom('events')
      .select('event_id')
      .where('event_id', 'like', 'msg-%')
      .execute();
    expect(events).toEqual([]);
  });

  it("answers 404 to a rep previewing on another rep's customer, as for a missing one", async () => {
    const template = (await getOne('ja')).template;
    const as = await t.login('tanaka');
    for (const customerId of ['C003', 'NOPE']) {
      const response = await t.request({
        method: 'POST',
        url: '/api/templates/preview',
        as,
        body: { template, customer_id: customerId },
      });
      expect(response.statusCode).toBe(404);
    }
    const manager = await t.request({
      method: 'POST',
      url: '/api/templates/preview',
      as: await t.login('marketer'),
      body: { template, customer_id: 'C003' },
    });
    expect(manager.statusCode).toBe(200);
    expect(manager.json<Rendered>().subject).toContain('ひかり商事株式会社');
  });

  it('names the field of a template that cannot be previewed', async () => {
    const template = { ...(await getOne('ja')).template, subject: null };
    const response = await t.request({
      method: 'POST',
      url: '/api/templates/preview',
      as: await t.login('viewer'),
      body: { template, customer_id: 'C001' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorBody>().error.field).toBe('body.template.subject');
    const noCustomer = await t.request({
      method: 'POST',
      url: '/api/templates/preview',
      as: await t.login('viewer'),
      body: { template: (await getOne('ja')).template, customer_id: '' },
    });
    expect(noCustomer.json<ErrorBody>().error.field).toBe('body.customer_id');
  });
});
