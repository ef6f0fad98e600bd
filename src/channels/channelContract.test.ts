/**
 * The contract every ChannelSender keeps, run against each adapter with a real local transport
 * (smtp-server for email, an HTTP receiver for SMS): what the dispatcher may rely on when it
 * marks a message sent, records a bounce or tries again later.
 */
import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmsReceiver } from '../../test/smsReceiver.js';
import { startSmtpReceiver } from '../../test/smtpReceiver.js';
import type { ChannelSender, OutgoingMessage } from './channelTypes.js';
import { createSmtpSender } from './email.js';
import { createHttpSmsSender } from './sms.js';

interface Transport {
  sender(options?: { timeoutMs?: number; wrongCredentials?: boolean }): ChannelSender;
  /** Messages that arrived. */
  delivered(): number;
  /** Times the transport was contacted at all. */
  contacts(): number;
  /** Make later sends fail for good ('permanent') or for now ('temporary'). */
  refuse(kind: 'permanent' | 'temporary'): void;
  close(): Promise<void>;
}

interface ChannelHarness {
  name: string;
  message: OutgoingMessage;
  /** An address this channel can never reach. */
  unreachableTo: string;
  secret: string;
  start(): Promise<Transport>;
  /** A sender pointed at a bare TCP port (nothing listening, or a server that never answers). */
  senderAtPort(port: number, timeoutMs: number): ChannelSender;
}

const SMTP_LOGIN = { user: 'mezame', pass: 'smtp-secret-pass' };
const SMS_CREDENTIALS = { accountId: 'AC-contract', token: 'sms-secret-token' };
const FROM = { name: 'めざめ商事', address: 'news@mezame.example.jp' };

const base: Omit<OutgoingMessage, 'channel' | 'to' | 'subject' | 'html'> = {
  id: 1,
  idempotencyKey: 'contract:C-001:step1',
  customerId: 'C-001',
  text: '山田様 ご案内です https://mezame.example.jp/t/c/a.b',
  unsubscribeUrl: 'https://mezame.example.jp/t/u/c.d',
};

const HARNESSES: ChannelHarness[] = [
  {
    name: 'email (SMTP)',
    message: { ...base, channel: 'email', to: 'yamada@example.jp', subject: 'ご案内', html: '<p>ご案内</p>' },
    unreachableTo: 'not-an-address',
    secret: SMTP_LOGIN.pass,
    async start() {
      const smtp = await startSmtpReceiver({ login: SMTP_LOGIN });
      return {
        sender: (options = {}) =>
          createSmtpSender({
            host: '127.0.0.1',
            port: smtp.port,
            from: FROM,
            ignoreTls: true,
            auth: options.wrongCredentials ? { ...SMTP_LOGIN, pass: 'nope' } : SMTP_LOGIN,
            ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
          }),
        delivered: () => smtp.received.length,
        contacts: () => smtp.connections(),
        refuse: (kind) =>
          smtp.refuseRecipients(
            kind === 'permanent'
              ? { code: 550, message: '5.1.1 No such user' }
              : { code: 451, message: '4.7.1 Greylisted' },
          ),
        close: smtp.close,
      };
    },
    senderAtPort: (port, timeoutMs) => createSmtpSender({ host: '127.0.0.1', port, from: FROM, timeoutMs }),
  },
  {
    name: 'SMS (HTTP)',
    message: { ...base, channel: 'sms', to: '090-1234-5678', subject: null, html: null },
    unreachableTo: '03-1234-5678',
    secret: SMS_CREDENTIALS.token,
    async start() {
      const sms = await startSmsReceiver(SMS_CREDENTIALS);
      return {
        sender: (options = {}) =>
          createHttpSmsSender({
            url: sms.url,
            ...SMS_CREDENTIALS,
            ...(options.wrongCredentials ? { token: 'nope' } : {}),
            from: 'MEZAME',
            ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
          }),
        delivered: () => sms.requests.filter((r) => r.status >= 200 && r.status < 300).length,
        contacts: () => sms.requests.length,
        refuse: (kind) => sms.respondWith(kind === 'permanent' ? 400 : 503),
        close: sms.close,
      };
    },
    senderAtPort: (port, timeoutMs) =>
      createHttpSmsSender({
        url: `http://127.0.0.1:${port}/v1/messages`,
        ...SMS_CREDENTIALS,
        from: 'M',
        timeoutMs,
      }),
  },
];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started(harness: ChannelHarness): Promise<Transport> {
  const transport = await harness.start();
  cleanups.push(transport.close);
  return transport;
}

function track(sender: ChannelSender): ChannelSender {
  cleanups.push(async () => sender.close?.());
  return sender;
}

/** A TCP server that accepts connections and never says a word. */
async function silentServer(): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

for (const harness of HARNESSES) {
  describe(`ChannelSender contract: ${harness.name}`, () => {
    it('delivers a message once and says sent, with the provider id', async () => {
      const transport = await started(harness);
      const sender = track(transport.sender());
      expect(sender.channel).toBe(harness.message.channel);
      const result = await sender.send(harness.message);
      expect(result.outcome).toBe('sent');
      expect(result.outcome === 'sent' && result.providerId).toBeTruthy();
      expect(transport.delivered()).toBe(1);
    });

    it('refuses an address it can never reach without contacting the transport', async () => {
      const transport = await started(harness);
      const result = await track(transport.sender()).send({ ...harness.message, to: harness.unreachableTo });
      expect(result.outcome).toBe('rejected');
      expect(transport.contacts()).toBe(0);
    });

    it('reports a permanent refusal of the recipient as rejected', async () => {
      const transport = await started(harness);
      transport.refuse('permanent');
      const result = await track(transport.sender()).send(harness.message);
      expect(result.outcome).toBe('rejected');
      expect(transport.delivered()).toBe(0);
    });

    it('retries a temporary refusal', async () => {
      const transport = await started(harness);
      transport.refuse('temporary');
      expect((await track(transport.sender()).send(harness.message)).outcome).toBe('retry');
    });

    it('retries, never rejects, when our credentials are wrong, and keeps them out of the error', async () => {
      const transport = await started(harness);
      const result = await track(transport.sender({ wrongCredentials: true })).send(harness.message);
      expect(result.outcome).toBe('retry');
      expect(JSON.stringify(result)).not.toContain(harness.secret);
      expect(JSON.stringify(result)).not.toContain('nope');
      expect(transport.delivered()).toBe(0);
    });

    it('retries when nothing listens', async () => {
      const transport = await started(harness);
      const sender = track(transport.sender({ timeoutMs: 2000 }));
      await transport.close();
      expect((await sender.send(harness.message)).outcome).toBe('retry');
    });

    it('retries when the transport does not answer in time', async () => {
      const port = await silentServer();
      const startedAt = Date.now();
      const result = await track(harness.senderAtPort(port, 300)).send(harness.message);
      expect(result.outcome).toBe('retry');
      expect(Date.now() - startedAt).toBeLessThan(5000);
    });
  });
}
