import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../test/engines.js';
import { createTestServer, type TestServer } from '../../test/serverFixture.js';
import { addTracking } from '../channels/email.js';
import { trackingUrls } from '../channels/trackingLinks.js';
import { actDb } from '../storage/journeyTables.js';
import { getTrackingSecret, insertMessages, type NewMessage } from '../storage/messageQueries.js';

const OFFER = 'https://shop.example.jp/offer';

function aMessage(customerId: string, step: string, overrides: Partial<NewMessage> = {}): NewMessage {
  return {
    idempotency_key: `winback-basic:${customerId}:${step}`,
    customer_id: customerId,
    journey_id: 'winback-basic',
    step_id: step,
    template_id: 'winback-value-email',
    channel: 'email',
    locale: 'ja',
    to_address: `${customerId.toLowerCase()}@example.jp`,
    subject: 'ご無沙汰しております',
    body_text: '本文',
    body_html: null,
    status: 'held',
    status_reason: 'no_transport',
    variant: null,
    coupon_code: null,
    coupon_expires: null,
    created_at: '2026-11-20T00:00:00.000Z',
    due_at: '2026-11-20T00:00:00.000Z',
    ...overrides,
  };
}

interface ErrorBody {
  error: { code: string; field?: string };
}
interface OutboxList {
  messages: { id: number; customer_id: string; customer_name: string; channel: string; status: string }[];
  total: number;
  counts: { by_status: Record<string, number>; by_channel: Record<string, number> };
}

describe.each(ENGINES)('outbox API on %s', (engine) => {
  let t: TestServer;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestServer(engine, { ctaUrl: OFFER });
    const secret = await getTrackingSecret(t.storage);
    await insertMessages(actDb(t.storage), [
      aMessage('C001', 'day1', { status: 'sent', status_reason: null, body_html: '<p>本文</p>' }),
      aMessage('C002', 'day1', { channel: 'sms', subject: null, to_address: '09012345678' }),
      aMessage('C003', 'day1', { channel: 'dm', subject: null, status: 'queued', status_reason: null }),
      aMessage('C003', 'day3', { status: 'suppressed', status_reason: 'unsubscribed' }),
    ]);
    for (const row of await actDb(t.storage)
      .selectFrom('messages')
      .select(['id', 'idempotency_key'])
      .execute()) {
      ids[row.idempotency_key.split(':').slice(1).join(':')] = Number(row.id);
    }
    // The first email as sent: a link in the body, the call to action and the unsubscribe link
    // tracked, the pixel at the end.
    const id = ids['C001:day1'] as number;
    const urls = trackingUrls('https://mezame.example.jp', secret, id);
    const html = addTracking(
      `<p>山田様</p><p><a href="https://shop.example.jp/news">新製品</a></p><p><a href="${urls.cta}">詳しく見る</a></p><p><a href="${urls.unsubscribe}">配信停止</a></p>`,
      urls,
    );
    await actDb(t.storage).updateTable('messages').set({ body_html: html }).where('id', '=', id).execute();
    await t.server.app.inject({ method: 'GET', url: new URL(urls.openPixel).pathname });
  });
  afterAll(async () => t?.close());

  const list = async (as: 'marketer' | 'tanaka' | 'suzuki' | 'viewer', query = '') => {
    const response = await t.request({ method: 'GET', url: `/api/outbox${query}`, as: await t.login(as) });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<OutboxList>();
  };

  it('lists every message newest first with the total and counts by status and channel', async () => {
    const all = await list('marketer');
    expect(all.total).toBe(4);
    expect(all.messages.map((m) => m.id)).toEqual(Object.values(ids).sort((a, b) => b - a));
    expect(all.messages.find((m) => m.customer_id === 'C001')?.customer_name).toBe('株式会社あおば製作所');
    expect(all.counts).toEqual({
      by_status: { sent: 1, held: 1, queued: 1, suppressed: 1 },
      by_channel: { email: 2, sms: 1, dm: 1 },
    });
  });

  it('filters by channel, status and customer, and pages', async () => {
    const emails = await list('viewer', '?channel=email');
    expect(emails.total).toBe(2);
    // The channel counts ignore the channel filter, so the tabs keep their numbers.
    expect(emails.counts.by_channel).toEqual({ email: 2, sms: 1, dm: 1 });
    expect(emails.counts.by_status).toEqual({ sent: 1, suppressed: 1 });
    expect((await list('viewer', '?status=suppressed')).messages.map((m) => m.customer_id)).toEqual(['C003']);
    expect((await list('viewer', '?customer_id=C003&journey_id=winback-basic')).total).toBe(2);
    const page = await list('viewer', '?limit=1&offset=1');
    expect(page.messages).toHaveLength(1);
    expect(page.total).toBe(4);
  });

  it("shows a sales rep only their own accounts' messages", async () => {
    expect((await list('tanaka')).messages.map((m) => m.customer_id).sort()).toEqual(['C001', 'C002']);
    expect((await list('tanaka', '?customer_id=C003')).total).toBe(0);
    const suzuki = await list('suzuki');
    expect(suzuki.messages.map((m) => m.customer_id)).toEqual(['C003', 'C003']);
    expect(suzuki.counts.by_channel).toEqual({ dm: 1, email: 1 });
  });

  it("answers 404 to a rep opening another rep's message", async () => {
    const url = `/api/outbox/${ids['C003:day1']}`;
    const other = await t.request({ method: 'GET', url, as: await t.login('tanaka') });
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('C003');
    const own = await t.request({ method: 'GET', url, as: await t.login('suzuki') });
    expect(own.statusCode).toBe(200);
  });

  it('gives a message with its events, and an HTML preview without the pixel and with inert links', async () => {
    const response = await t.request({
      method: 'GET',
      url: `/api/outbox/${ids['C001:day1']}`,
      as: await t.login('tanaka'),
    });
    expect(response.statusCode, response.body).toBe(200);
    const { message } = response.json<{
      message: { body_html: string; preview_html: string; events: { type: string }[]; to_address: string };
    }>();
    expect(message.to_address).toBe('c001@example.jp');
    expect(message.events.map((e) => e.type)).toEqual(['email_open']);
    expect(message.body_html).toContain('/t/o/');
    expect(message.preview_html).not.toContain('/t/o/');
    expect(message.preview_html).not.toContain('<img');
    expect(message.preview_html).not.toMatch(/href=/i);
    expect(message.preview_html).not.toContain('/t/');
    expect(message.preview_html).toContain(`<a title="${OFFER}">詳しく見る</a>`);
    expect(message.preview_html).toContain('<a title="https://shop.example.jp/news">新製品</a>');
    expect(message.preview_html).toContain('<p>山田様</p>');
    // Looking at it recorded nothing.
    const again = await t.request({
      method: 'GET',
      url: `/api/outbox/${ids['C001:day1']}`,
      as: await t.login('viewer'),
    });
    expect(again.json<{ message: { events: unknown[] } }>().message.events).toHaveLength(1);
  });

  it('downloads the DM mailing list of queued and held DMs in CP932 or UTF-8, for writers only', async () => {
    await actDb(t.storage)
      .updateTable('customers')
      .set({ postal_code: '1000001', address: '千代田区千代田1-1' })
      .where('customer_id', '=', 'C003')
      .execute();
    await actDb(t.storage)
      .insertInto('contacts')
      .values({
        contact_id: 'P3',
        customer_id: 'C003',
        name: '高橋 一郎',
        email: null,
        phone: null,
        department: '総務部',
        role: '部長',
        status: 'active',
        updated_at: '2026-06-01',
        import_batch_id: null,
      })
      .execute();
    const as = await t.login('marketer');
    const expected = [
      '郵便番号,住所,会社名,部署,氏名',
      '100-0001,東京都千代田区千代田1-1,ひかり商事株式会社,総務部,高橋 一郎 様',
    ];
    const sjis = await t.request({ method: 'GET', url: '/api/outbox/dm.csv', as });
    expect(sjis.statusCode, sjis.body).toBe(200);
    expect(sjis.headers['content-type']).toBe('text/csv; charset=Shift_JIS');
    expect(sjis.headers['content-disposition']).toMatch(/^attachment; filename="dm-2026-11-22-cp932\.csv"$/);
    expect(iconv.decode(sjis.rawPayload, 'cp932').trim().split(/\r?\n/)).toEqual(expected);
    const utf8 = await t.request({ method: 'GET', url: '/api/outbox/dm.csv?encoding=utf8', as });
    expect(
      utf8.rawPayload
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .trim()
        .split(/\r?\n/),
    ).toEqual(expected);
    const rep = await t.request({ method: 'GET', url: '/api/outbox/dm.csv', as: await t.login('suzuki') });
    expect(rep.statusCode).toBe(403);
    const wrong = await t.request({ method: 'GET', url: '/api/outbox/dm.csv?encoding=latin1', as });
    expect(wrong.json<ErrorBody>().error.field).toBe('query.encoding');
  });

  it('names the wrong query field', async () => {
    const as = await t.login('viewer');
    for (const [query, field] of [
      ['?status=lost', 'query.status'],
      ['?channel=fax', 'query.channel'],
      ['?limit=0', 'query.limit'],
      ['?offset=-1', 'query.offset'],
    ] as const) {
      const response = await t.request({ method: 'GET', url: `/api/outbox${query}`, as });
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>().error.field).toBe(field);
    }
    const notAnId = await t.request({ method: 'GET', url: '/api/outbox/abc', as });
    expect(notAnId.json<ErrorBody>().error.field).toBe('params.id');
    const missing = await t.request({ method: 'GET', url: '/api/outbox/99999', as });
    expect(missing.statusCode).toBe(404);
  });
});
