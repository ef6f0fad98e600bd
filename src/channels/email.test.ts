import { afterEach, describe, expect, it } from 'vitest';
import { readMail, type SmtpReceiver, startSmtpReceiver } from '../../test/smtpReceiver.js';
import type { ChannelSender, OutgoingMessage } from './channelTypes.js';
import {
  addTracking,
  createSmtpSender,
  messageIdFor,
  type SmtpSenderOptions,
  smtpErrorToResult,
} from './email.js';
import { readTrackingToken, trackingUrls } from './trackingLinks.js';

// Delivery, refusal, retry and timeouts are in channelContract.test.ts (shared with SMS).

const FROM = { name: '株式会社めざめ商事', address: 'news@mezame.example.jp' };
const SECRET = 'email-test-secret';

function aMessage(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    id: 42,
    idempotencyKey: 'winback-basic:C-001:day1',
    channel: 'email',
    customerId: 'C-001',
    to: 'tanaka@example.jp',
    subject: '【ご無沙汰しております】山田様へ新しいご提案のお知らせ',
    text: '山田様\n\nいつもお世話になっております。\n新しいプランのご案内です。',
    html: '<html><body><p>山田様</p><p>いつもお世話になっております。</p></body></html>',
    unsubscribeUrl: 'https://mezame.example.jp/t/u/abc.def',
    ...overrides,
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function receiver(options: Parameters<typeof startSmtpReceiver>[0] = {}): Promise<SmtpReceiver> {
  const smtp = await startSmtpReceiver(options);
  cleanups.push(smtp.close);
  return smtp;
}

function senderFor(smtp: SmtpReceiver, options: Partial<SmtpSenderOptions> = {}): ChannelSender {
  const sender = createSmtpSender({
    host: '127.0.0.1',
    port: smtp.port,
    from: FROM,
    ignoreTls: true,
    ...options,
  });
  cleanups.push(async () => sender.close?.());
  return sender;
}

describe('createSmtpSender', () => {
  it('delivers a Japanese message with text and HTML, a stable Message-ID and one-click unsubscribe headers', async () => {
    const smtp = await receiver();
    const message = aMessage();

    const result = await senderFor(smtp).send(message);

    const expectedId = messageIdFor(message.idempotencyKey, FROM.address);
    expect(result).toEqual({ outcome: 'sent', providerId: expectedId });
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0];
    if (!mail) throw new Error('no mail');
    expect(mail.from).toBe(FROM.address);
    expect(mail.to).toEqual(['tanaka@example.jp']);
    expect([...mail.raw].every((c) => c.charCodeAt(0) < 0x80)).toBe(true); // all encoded for 7-bit transport

    const read = readMail(mail.raw);
    expect(read.subject).toBe(message.subject);
    expect(read.header('message-id')).toBe(expectedId);
    expect(read.header('list-unsubscribe')).toBe('<https://mezame.example.jp/t/u/abc.def>');
    expect(read.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(read.header('from')).toBe(`${FROM.name} <${FROM.address}>`);
    expect(read.header('content-type')).toMatch(/^multipart\/alternative/);
    expect(read.charsets).toEqual(['utf-8', 'utf-8']);
    expect(read.text?.replace(/\r\n/g, '\n')).toBe(message.text);
    expect(read.html).toBe(message.html);
  });

  it('gives the same Message-ID on a second attempt of the same message', async () => {
    const smtp = await receiver();
    const sender = senderFor(smtp);
    await sender.send(aMessage());
    await sender.send(aMessage());
    await sender.send(aMessage({ idempotencyKey: 'winback-basic:C-001:day3' }));
    const ids = smtp.received.map((m) => readMail(m.raw).header('message-id'));
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('sends a text-only message without unsubscribe headers when there is no HTML or link', async () => {
    const smtp = await receiver();
    expect((await senderFor(smtp).send(aMessage({ html: null, unsubscribeUrl: null }))).outcome).toBe('sent');
    const read = readMail(smtp.received[0]?.raw ?? '');
    expect(read.header('content-type')).toMatch(/^text\/plain/);
    expect(read.header('list-unsubscribe')).toBeNull();
    expect(read.html).toBeNull();
  });

  it('keeps a line break in the subject from starting a new header', async () => {
    const smtp = await receiver();
    await senderFor(smtp).send(aMessage({ subject: 'ご案内\r\nBcc: victim@example.jp' }));
    const read = readMail(smtp.received[0]?.raw ?? '');
    expect(read.subject).toBe('ご案内 Bcc: victim@example.jp');
    expect(read.header('bcc')).toBeNull();
    expect(smtp.received[0]?.to).toEqual(['tanaka@example.jp']);
  });

  it('logs in with the credentials, and refuses to send them over a connection without TLS', async () => {
    const login = { user: 'mezame', pass: 'smtp-password' };
    const smtp = await receiver({ login });

    const refused = await senderFor(smtp, { auth: login, ignoreTls: false, timeoutMs: 2000 }).send(
      aMessage(),
    );
    expect(refused.outcome === 'retry' && refused.error).toMatch(/STARTTLS/);
    expect(JSON.stringify(refused)).not.toContain(login.pass);
    expect(smtp.received).toHaveLength(0);

    const failedLogin = await senderFor(smtp, { auth: { user: 'mezame', pass: 'wrong' } }).send(aMessage());
    expect(failedLogin.outcome === 'retry' && failedLogin.error).toMatch(/AUTH .*535/);
    expect(JSON.stringify(failedLogin)).not.toContain('wrong');

    expect((await senderFor(smtp, { auth: login }).send(aMessage())).outcome).toBe('sent');
    expect(smtp.received).toHaveLength(1);
  });

  it('rejects an invalid or header-injecting address without connecting', async () => {
    const smtp = await receiver();
    const sender = senderFor(smtp);
    for (const to of [
      '',
      'no-at-sign',
      'a@b',
      'a@example.jp\r\nBcc: x@example.jp',
      'a b@example.jp',
      '<a@example.jp>',
    ]) {
      expect((await sender.send(aMessage({ to }))).outcome).toBe('rejected');
    }
    expect(smtp.connections()).toBe(0);
  });
});

describe('smtpErrorToResult', () => {
  it('blames the recipient only for a 5xx to RCPT TO or a 5.1.x to the message', () => {
    expect(smtpErrorToResult({ responseCode: 550, command: 'RCPT TO', response: '550 no' }).outcome).toBe(
      'rejected',
    );
    expect(
      smtpErrorToResult({ responseCode: 550, command: 'DATA', response: '550 5.1.1 unknown' }).outcome,
    ).toBe('rejected');
    expect(
      smtpErrorToResult({ responseCode: 554, command: 'DATA', response: '554 5.7.1 spam' }).outcome,
    ).toBe('retry');
    expect(smtpErrorToResult({ responseCode: 535, command: 'AUTH PLAIN', response: '535 bad' }).outcome).toBe(
      'retry',
    );
    expect(smtpErrorToResult({ responseCode: 553, command: 'MAIL FROM', response: '553 no' }).outcome).toBe(
      'retry',
    );
    expect(smtpErrorToResult({ responseCode: 452, command: 'RCPT TO', response: '452 full' }).outcome).toBe(
      'retry',
    );
    expect(smtpErrorToResult(new Error('boom')).outcome).toBe('retry');
  });
});

describe('addTracking', () => {
  const urls = trackingUrls('https://mezame.example.jp', SECRET, 42);
  const tokenOf = (url: string) => readTrackingToken(SECRET, url.slice(url.lastIndexOf('/') + 1));

  it('puts the open pixel before </body> and rewrites body links to signed click links', () => {
    const html =
      '<html><body><p><a href="https://shop.example.jp/new?a=1&amp;b=2">新製品</a> ' +
      "<a class='x' href='http://example.jp/'>x</a><a href=\"https://example.jp/it's\">y</a></p></body></html>";
    const tracked = addTracking(html, urls);
    expect(tracked).toMatch(
      /<img src="https:\/\/mezame\.example\.jp\/t\/o\/[^"]+" width="1" height="1"[^>]*><\/body><\/html>$/,
    );
    const hrefs = [...tracked.matchAll(/href="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(hrefs).toHaveLength(3);
    expect(tokenOf(hrefs[0] ?? '')).toEqual({ m: 42, k: 'c', u: 'https://shop.example.jp/new?a=1&b=2' });
    expect(tokenOf(hrefs[1] ?? '')).toEqual({ m: 42, k: 'c', u: 'http://example.jp/' });
    expect(tokenOf(hrefs[2] ?? '')).toEqual({ m: 42, k: 'c', u: "https://example.jp/it's" });
    expect(tracked).toContain("<a class='x' href=\"https://mezame.example.jp/t/c/");
    expect(tokenOf(tracked.match(/src="([^"]+)"/)?.[1] ?? '')).toEqual({ m: 42, k: 'o' });
  });

  it('appends the pixel to a fragment without </body>', () => {
    expect(addTracking('<p>hi</p>', urls)).toMatch(
      /^<p>hi<\/p><img src="https:\/\/mezame\.example\.jp\/t\/o\//,
    );
  });

  it('leaves mailto:, tel:, javascript:, the cta and the unsubscribe link alone', () => {
    const html =
      `<p><a href="mailto:info@example.jp">m</a><a href="tel:0312345678">t</a><a href="javascript:alert(1)">j</a>` +
      `<a href="${urls.cta}">cta</a><a href="${urls.unsubscribe}">配信停止</a></p>`;
    const tracked = addTracking(html, urls);
    expect(tracked.startsWith(html)).toBe(true);
    expect(tracked.slice(html.length)).toMatch(/^<img /);
  });
});
