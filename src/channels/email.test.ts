import { createServer, type Server } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from './channelTypes.js';
import { addTracking, createSmtpSender, messageIdFor, smtpErrorToResult } from './email.js';
import { readTrackingToken, trackingUrls } from './trackingLinks.js';

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

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/**
 * A real SMTP server on 127.0.0.1:<random>, without TLS; `rcptReply` makes it refuse every
 * recipient; `login` makes it demand AUTH with these credentials.
 */
async function startSmtp(
  rcptReply?: { code: number; message: string },
  login?: { user: string; pass: string },
) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: login === undefined,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (login && auth.username === login.user && auth.password === login.pass) {
        return callback(null, { user: auth.username });
      }
      callback(Object.assign(new Error('5.7.8 Authentication failed'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      if (!rcptReply) return callback();
      const error = Object.assign(new Error(rcptReply.message), { responseCode: rcptReply.code });
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// --- A small MIME reader for the assertions (RFC 2045/2047), enough for what nodemailer writes.

function decodeEncodedWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_w, charset: string, enc: string, text: string) => {
      expect(charset.toLowerCase()).toBe('utf-8');
      if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
      const bytes = text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => `%${hex}`);
      return decodeURIComponent(bytes);
    });
}

interface Part {
  headers: Map<string, string>;
  body: string;
}

function parsePart(raw: string): Part {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(split + 4) };
}

function decodeBody(part: Part): string {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const soft = part.body.replace(/=\r\n/g, '');
    return Buffer.from(
      soft.replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
      'latin1',
    ).toString('utf8');
  }
  return part.body;
}

function leafParts(part: Part): Part[] {
  const type = part.headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/.exec(type)?.[1];
  if (!type.startsWith('multipart/') || !boundary) return [part];
  const sections = part.body.split(`--${boundary}`).slice(1, -1);
  return sections.flatMap((section) => leafParts(parsePart(section.replace(/^\r\n/, ''))));
}

function readMessage(raw: string) {
  const root = parsePart(raw);
  const leaves = leafParts(root);
  const bodyOf = (type: string) => {
    const leaf = leaves.find((p) => (p.headers.get('content-type') ?? '').startsWith(type));
    expect(leaf?.headers.get('content-type')).toMatch(/charset=utf-8/i);
    return leaf ? decodeBody(leaf) : null;
  };
  return { headers: root.headers, subject: decodeEncodedWords(root.headers.get('subject') ?? ''), bodyOf };
}

// ---

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('createSmtpSender', () => {
  it('delivers a Japanese message with text and HTML, a stable Message-ID and one-click unsubscribe headers', async () => {
    const smtp = await startSmtp();
    cleanups.push(smtp.close);
    const sender = createSmtpSender({ host: '127.0.0.1', port: smtp.port, from: FROM, ignoreTls: true });
    cleanups.push(async () => sender.close?.());
    const message = aMessage();

    const result = await sender.send(message);

    const expectedId = messageIdFor(message.idempotencyKey, FROM.address);
    expect(result).toEqual({ outcome: 'sent', providerId: expectedId });
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0];
    if (!mail) throw new Error('no mail');
    expect(mail.from).toBe(FROM.address);
    expect(mail.to).toEqual(['tanaka@example.jp']);
    expect([...mail.raw].every((c) => c.charCodeAt(0) < 0x80)).toBe(true); // all encoded for 7-bit transport

    const parsed = readMessage(mail.raw);
    expect(parsed.subject).toBe(message.subject);
    expect(parsed.headers.get('message-id')).toBe(expectedId);
    expect(parsed.headers.get('list-unsubscribe')).toBe('<https://mezame.example.jp/t/u/abc.def>');
    expect(parsed.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(decodeEncodedWords(parsed.headers.get('from') ?? '')).toContain(FROM.name);
    expect(parsed.headers.get('content-type')).toMatch(/^multipart\/alternative/);
    expect(parsed.bodyOf('text/plain')?.replace(/\r\n/g, '\n')).toBe(message.text);
    expect(parsed.bodyOf('text/html')).toBe(message.html);
  });

  it('gives the same Message-ID on a second attempt of the same message', async () => {
    const smtp = await startSmtp();
    cleanups.push(smtp.close);
    const sender = createSmtpSender({ host: '127.0.0.1', port: smtp.port, from: FROM, ignoreTls: true });
    cleanups.push(async () => sender.close?.());
    await sender.send(aMessage());
    await sender.send(aMessage());
    await sender.send(aMessage({ idempotencyKey: 'winback-basic:C-001:day3' }));
    const ids = smtp.received.map((m) => readMessage(m.raw).headers.get('message-id'));
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('sends a text-only message without unsubscribe headers when there is no HTML or link', async () => {
    const smtp = await startSmtp();
    cleanups.push(smtp.close);
    const sender = createSmtpSender({ host: '127.0.0.1', port: smtp.port, from: FROM, ignoreTls: true });
    cleanups.push(async () => sender.close?.());
    expect((await sender.send(aMessage({ html: null, unsubscribeUrl: null }))).outcome).toBe('sent');
    const parsed = readMessage(smtp.received[0]?.raw ?? '');
    expect(parsed.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(parsed.headers.has('list-unsubscribe')).toBe(false);
  });

  it('logs in with the credentials, and refuses to send them over a connection without TLS', async () => {
    const login = { user: 'mezame', pass: 'smtp-password' };
    const smtp = await startSmtp(undefined, login);
    cleanups.push(smtp.close);
    const plain = createSmtpSender({
      host: '127.0.0.1',
      port: smtp.port,
      from: FROM,
      auth: login,
      timeoutMs: 2000,
    });
    cleanups.push(async () => plain.close?.());
    const refused = await plain.send(aMessage());
    expect(refused.outcome === 'retry' && refused.error).toMatch(/STARTTLS/);
    expect(JSON.stringify(refused)).not.toContain(login.pass);
    expect(smtp.received).toHaveLength(0);

    const wrong = createSmtpSender({
      host: '127.0.0.1',
      port: smtp.port,
      from: FROM,
      auth: { user: 'mezame', pass: 'wrong' },
      ignoreTls: true,
    });
    cleanups.push(async () => wrong.close?.());
    const failedLogin = await wrong.send(aMessage());
    expect(failedLogin.outcome === 'retry' && failedLogin.error).toMatch(/AUTH .*535/);

    const local = createSmtpSender({
      host: '127.0.0.1',
      port: smtp.port,
      from: FROM,
      auth: login,
      ignoreTls: true,
    });
    cleanups.push(async () => local.close?.());
    expect((await local.send(aMessage())).outcome).toBe('sent');
    expect(smtp.received).toHaveLength(1);
  });

  it('reports a recipient refused with 550 as rejected (hard bounce)', async () => {
    const smtp = await startSmtp({ code: 550, message: '5.1.1 No such user here' });
    cleanups.push(smtp.close);
    const sender = createSmtpSender({ host: '127.0.0.1', port: smtp.port, from: FROM, ignoreTls: true });
    cleanups.push(async () => sender.close?.());
    const result = await sender.send(aMessage());
    expect(result.outcome).toBe('rejected');
    expect(result.outcome === 'rejected' && result.error).toContain('550');
    expect(smtp.received).toHaveLength(0);
  });

  it('retries a recipient deferred with 451', async () => {
    const smtp = await startSmtp({ code: 451, message: '4.7.1 Greylisted, try again later' });
    cleanups.push(smtp.close);
    const sender = createSmtpSender({ host: '127.0.0.1', port: smtp.port, from: FROM, ignoreTls: true });
    cleanups.push(async () => sender.close?.());
    const result = await sender.send(aMessage());
    expect(result.outcome).toBe('retry');
    expect(result.outcome === 'retry' && result.error).toContain('451');
  });

  it('retries when nothing listens on the port', async () => {
    const smtp = await startSmtp();
    const port = smtp.port;
    await smtp.close();
    const sender = createSmtpSender({
      host: '127.0.0.1',
      port,
      from: FROM,
      ignoreTls: true,
      timeoutMs: 2000,
    });
    cleanups.push(async () => sender.close?.());
    const result = await sender.send(aMessage());
    expect(result.outcome).toBe('retry');
    expect(result.outcome === 'retry' && result.error).toMatch(/Could not reach the mail server/);
  });

  it('retries when the server never greets (timeout)', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const sender = createSmtpSender({
      host: '127.0.0.1',
      port: address.port,
      from: FROM,
      ignoreTls: true,
      timeoutMs: 300,
    });
    cleanups.push(async () => sender.close?.());
    expect((await sender.send(aMessage())).outcome).toBe('retry');
  });

  it('rejects an invalid or header-injecting address without connecting', async () => {
    const sender = createSmtpSender({
      host: '127.0.0.1',
      port: 1,
      from: FROM,
      ignoreTls: true,
      timeoutMs: 300,
    });
    cleanups.push(async () => sender.close?.());
    for (const to of ['', 'no-at-sign', 'a@b', 'a@example.jp\r\nBcc: x@example.jp', 'a b@example.jp']) {
      expect((await sender.send(aMessage({ to }))).outcome).toBe('rejected');
    }
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
    expect(smtpErrorToResult(new Error('boom')).outcome).toBe('retry');
  });
});

describe('addTracking', () => {
  const urls = trackingUrls('https://mezame.example.jp', SECRET, 42, 'https://shop.example.jp/offer');
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

  it('leaves mailto:, tel:, javascript:, the cta and the unsubscribe link alone', () => {
    const html =
      `<p><a href="mailto:info@example.jp">m</a><a href="tel:0312345678">t</a><a href="javascript:alert(1)">j</a>` +
      `<a href="${urls.cta}">cta</a><a href="${urls.unsubscribe}">配信停止</a></p>`;
    const tracked = addTracking(html, urls);
    expect(tracked.startsWith(html)).toBe(true);
    expect(tracked.slice(html.length)).toMatch(/^<img /);
  });
});
