import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES } from '../../test/engines.js';
import { createTestServer, type TestServer } from '../../test/serverFixture.js';
import { makeShortTrackingToken, makeTrackingToken } from '../channels/trackingLinks.js';
import { actDb } from '../storage/journeyTables.js';
import {
  contactBlocks,
  getTrackingSecret,
  insertMessages,
  type NewMessage,
} from '../storage/messageQueries.js';
import { buildServer } from './app.js';

const OFFER = 'https://shop.example.jp/offer?utm=winback';
const LANDING = 'https://shop.example.jp/welcome-back';

function anEmail(overrides: Partial<NewMessage> = {}): NewMessage {
  return {
    idempotency_key: 'winback-basic:C001:day1',
    customer_id: 'C001',
    journey_id: 'winback-basic',
    step_id: 'day1',
    template_id: 'winback-value-email',
    channel: 'email',
    locale: 'ja',
    to_address: 'c001@example.jp',
    subject: 'ご無沙汰しております',
    body_text: '本文',
    body_html: '<p>本文</p>',
    status: 'sent',
    status_reason: null,
    variant: null,
    coupon_code: null,
    coupon_expires: null,
    created_at: '2026-11-20T00:00:00.000Z',
    due_at: '2026-11-20T00:00:00.000Z',
    ...overrides,
  };
}

/** Flips one character of the token's mac (or payload): a link someone changed. */
function tampered(token: string, where: 'mac' | 'payload'): string {
  const [payload = '', mac = ''] = token.split('.');
  const flip = (s: string) => (s.startsWith('A') ? `B${s.slice(1)}` : `A${s.slice(1)}`);
  return where === 'mac' ? `${payload}.${flip(mac)}` : `${flip(payload)}.${mac}`;
}

describe.each(ENGINES)('tracking routes on %s', (engine) => {
  let t: TestServer;
  let secret: string;
  let messageId: number;

  const eventsOf = async (customerId = 'C001') =>
    actDb(t.storage)
      .selectFrom('events')
      .select(['event_id', 'type', 'campaign', 'url'])
      .where('customer_id', '=', customerId)
      .where('event_id', 'like', 'msg-%')
      .orderBy('event_id')
      .execute();

  beforeAll(async () => {
    t = await createTestServer(engine, { ctaUrl: LANDING });
    secret = await getTrackingSecret(t.storage);
    await insertMessages(actDb(t.storage), [anEmail()]);
    const row = await actDb(t.storage).selectFrom('messages').select('id').executeTakeFirstOrThrow();
    messageId = Number(row.id);
  });
  afterAll(async () => t?.close());

  const token = (k: 'o' | 'c' | 'u', u?: string) =>
    makeTrackingToken(secret, { m: messageId, k, ...(u ? { u } : {}) });
  const get = (url: string) => t.server.app.inject({ method: 'GET', url });

  it('answers every open pixel with a transparent GIF but records only a validly signed one', async () => {
    for (const bad of [
      tampered(token('o'), 'mac'),
      tampered(token('o'), 'payload'),
      token('u'),
      makeTrackingToken('another secret', { m: messageId, k: 'o' }),
      'not-a-token',
      'x'.repeat(5000),
    ]) {
      const response = await get(`/t/o/${bad}`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('image/gif');
      expect(response.rawPayload.subarray(0, 6).toString()).toBe('GIF89a');
    }
    expect(await eventsOf()).toEqual([]);
    const first = await get(`/t/o/${token('o')}`);
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toContain('no-store');
    await get(`/t/o/${token('o')}`);
    expect(await eventsOf()).toEqual([
      {
        event_id: `msg-${messageId}-open`,
        type: 'email_open',
        campaign: 'winback-basic:C001:day1',
        url: null,
      },
    ]);
  });

  it('redirects a click to the signed URL once recorded, and never to a URL it did not sign', async () => {
    // A link checker's HEAD sees the redirect but is no click; nor is a HEAD on the pixel an open.
    const head = await t.server.app.inject({ method: 'HEAD', url: `/t/c/${token('c', OFFER)}` });
    expect(head.statusCode).toBe(302);
    await t.server.app.inject({ method: 'HEAD', url: `/t/o/${token('o')}` });
    expect((await eventsOf()).filter((e) => e.type === 'email_click')).toEqual([]);
    const click = await get(`/t/c/${token('c', OFFER)}`);
    expect(click.statusCode).toBe(302);
    expect(click.headers.location).toBe(OFFER);
    await get(`/t/c/${token('c', OFFER)}`);
    const clicks = (await eventsOf()).filter((e) => e.type === 'email_click');
    expect(clicks).toEqual([expect.objectContaining({ event_id: `msg-${messageId}-click`, url: OFFER })]);

    // The same mac over a payload naming another target: refused with a page, no redirect.
    const [, mac] = token('c', OFFER).split('.');
    const evilPayload = Buffer.from(
      JSON.stringify({ m: messageId, k: 'c', u: 'https://evil.example/' }),
    ).toString('base64url');
    for (const bad of [`${evilPayload}.${mac}`, tampered(token('c', OFFER), 'mac'), token('o'), 'garbage']) {
      const response = await get(`/t/c/${bad}`);
      expect(response.statusCode).toBe(400);
      expect(response.headers.location).toBeUndefined();
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.body).toContain('このリンクは無効です');
      expect(response.body).toContain('This link is invalid');
    }
    expect((await eventsOf()).filter((e) => e.type === 'email_click')).toHaveLength(1);
  });

  it("leads a message's short call-to-action link to the configured call to action", async () => {
    const short = makeShortTrackingToken(secret, messageId, 'c');
    expect(short.length).toBeLessThanOrEqual(17);
    const response = await get(`/t/c/${short}`);
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe(LANDING);
    // A short token of another kind is no click, and a forged one leads nowhere.
    for (const bad of [
      makeShortTrackingToken(secret, messageId, 'u'),
      makeShortTrackingToken('guess', messageId, 'c'),
    ]) {
      expect((await get(`/t/c/${bad}`)).statusCode).toBe(400);
    }
  });

  it('shows the unsubscribe page with a confirm form and changes nothing on a GET', async () => {
    const response = await get(`/t/u/${token('u')}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.headers['content-security-policy']).toContain("form-action 'self'");
    expect(response.body).toContain('配信停止の確認');
    expect(response.body).toContain(`<form method="post" action="/t/u/${token('u')}">`);
    expect(response.body).toContain('name="List-Unsubscribe" value="One-Click"');
    expect((await eventsOf()).filter((e) => e.type === 'unsubscribe')).toEqual([]);
    const bad = await get(`/t/u/${tampered(token('u'), 'mac')}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toContain('<form');
  });

  it('refuses a tampered unsubscribe and records nothing', async () => {
    const response = await t.server.app.inject({
      method: 'POST',
      url: `/t/u/${tampered(token('u'), 'payload')}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(response.statusCode).toBe(400);
    expect(await contactBlocks(t.storage, ['C001'])).toEqual({ unsubscribed: new Set(), bounced: new Set() });
  });

  it('unsubscribes on an RFC 8058 one-click POST without cookie or CSRF token, once', async () => {
    for (const attempt of [1, 2]) {
      const response = await t.server.app.inject({
        method: 'POST',
        url: `/t/u/${token('u')}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(response.statusCode, `attempt ${attempt}: ${response.body}`).toBe(200);
      expect(response.body).toContain('配信を停止しました');
    }
    expect((await eventsOf()).filter((e) => e.type === 'unsubscribe')).toEqual([
      expect.objectContaining({ event_id: `msg-${messageId}-unsubscribe` }),
    ]);
    expect((await contactBlocks(t.storage, ['C001'])).unsubscribed).toEqual(new Set(['C001']));
  });

  it('takes the multipart one-click form too, and a signed-in person posting the form needs no CSRF header', async () => {
    await insertMessages(actDb(t.storage), [
      anEmail({
        idempotency_key: 'winback-basic:C002:day1',
        customer_id: 'C002',
        to_address: 'c002@example.jp',
      }),
    ]);
    const other = await actDb(t.storage)
      .selectFrom('messages')
      .select('id')
      .where('customer_id', '=', 'C002')
      .executeTakeFirstOrThrow();
    const otherToken = makeTrackingToken(secret, { m: Number(other.id), k: 'u' });
    const boundary = '----mezame';
    const response = await t.request({
      method: 'POST',
      url: `/t/u/${otherToken}`,
      as: await t.login('viewer'),
      csrf: false,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect((await contactBlocks(t.storage, ['C002'])).unsubscribed).toEqual(new Set(['C002']));
  });

  it('answers a signed token of a message that is not in the outbox with the invalid-link page', async () => {
    const gone = makeTrackingToken(secret, { m: 999_999, k: 'u' });
    const response = await t.server.app.inject({ method: 'POST', url: `/t/u/${gone}` });
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain('このリンクは無効です');
    const pixel = await get(`/t/o/${makeTrackingToken(secret, { m: 999_999, k: 'o' })}`);
    expect(pixel.statusCode).toBe(200);
  });
});

describe('tracking rate limit', () => {
  it('limits each client address per window on the tracking routes', async () => {
    const db = await createTestDatabase('sqlite');
    const storage = await db.open();
    const server = await buildServer({
      storage,
      config: { logLevel: 'silent', trackingRateLimit: { max: 3, windowMs: 60_000 } },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await server.app.inject({ method: 'GET', url: '/t/o/x.y' })).statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await server.app.close();
      await storage.close();
      await db.drop();
    }
  });
});
