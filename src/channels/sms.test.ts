import { afterEach, describe, expect, it } from 'vitest';
import { type SmsReceiver, startSmsReceiver } from '../../test/smsReceiver.js';
import type { OutgoingMessage } from './channelTypes.js';
import { createHttpSmsSender, smsStatusToResult, toSmsNumber } from './sms.js';

const CREDENTIALS = { accountId: 'AC-test', token: 'tok-secret' };

function aMessage(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    id: 7,
    idempotencyKey: 'winback-basic:C-002:day5-sms',
    channel: 'sms',
    customerId: 'C-002',
    to: '090-1234-5678',
    subject: null,
    text: '山田様 めざめ商事です。ご案内: https://mezame.example.jp/t/c/abc.def 停止: https://mezame.example.jp/t/u/x.y',
    html: null,
    unsubscribeUrl: 'https://mezame.example.jp/t/u/x.y',
    ...overrides,
  };
}

let receiver: SmsReceiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

async function setUp() {
  receiver = await startSmsReceiver(CREDENTIALS);
  const sender = createHttpSmsSender({ url: receiver.url, ...CREDENTIALS, from: 'MEZAME' });
  return { sms: receiver, sender };
}

describe('toSmsNumber', () => {
  it.each([
    ['090-1234-5678', '+819012345678'],
    ['08012345678', '+818012345678'],
    ['070 1234 5678', '+817012345678'],
    ['(090) 1234-5678', '+819012345678'],
    ['０９０－１２３４－５６７８', '+819012345678'],
    ['090ー1234ー5678', '+819012345678'],
    ['+81 90-1234-5678', '+819012345678'],
    ['+81 (0)90-1234-5678', '+819012345678'],
    ['+819012345678', '+819012345678'],
    ['+1 415 555 0100', '+14155550100'],
  ])('normalises %s to %s', (input, expected) => {
    expect(toSmsNumber(input)).toBe(expected);
  });

  it.each([
    ['a Tokyo landline', '03-1234-5678'],
    ['a toll-free number', '0120-123-456'],
    ['an IP phone', '050-1234-5678'],
    ['a landline in +81 form', '+81 3-1234-5678'],
    ['a mobile number one digit short', '090-1234-567'],
    ['a mobile number one digit long', '090-1234-56789'],
    ['letters', 'tel:090-abcd-5678'],
    ['an empty string', ''],
  ])('refuses %s', (_description, input) => {
    expect(toSmsNumber(input)).toBeNull();
  });
});

// Delivery, refusal, retry and timeouts are in channelContract.test.ts (shared with email).

describe('createHttpSmsSender', () => {
  it('posts To, From and Body as a form with Basic auth and returns the provider sid', async () => {
    const { sms, sender } = await setUp();
    const message = aMessage();
    const result = await sender.send(message);
    expect(result).toEqual({ outcome: 'sent', providerId: 'SM1' });
    expect(sms.requests).toHaveLength(1);
    const request = sms.requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.authorized).toBe(true);
    expect(request?.contentType).toBe('application/x-www-form-urlencoded');
    expect(request?.form).toEqual({ To: '+819012345678', From: 'MEZAME', Body: message.text });
  });

  it('takes a numeric id when the provider answers with `id`', async () => {
    const { sms, sender } = await setUp();
    sms.respondWith(200, { id: 991 });
    expect(await sender.send(aMessage())).toEqual({ outcome: 'sent', providerId: '991' });
  });

  it('reports a 400 (invalid number at the provider) as rejected, with the provider message', async () => {
    const { sms, sender } = await setUp();
    sms.respondWith(400, { code: 21211, message: "The 'To' number is not a valid phone number." });
    const result = await sender.send(aMessage());
    expect(result.outcome).toBe('rejected');
    expect(result.outcome === 'rejected' && result.error).toContain('21211');
  });

  it('retries a 5xx and a 429, and says why', async () => {
    const { sms, sender } = await setUp();
    for (const status of [500, 503, 429]) {
      sms.respondWith(status);
      const result = await sender.send(aMessage());
      expect(result.outcome).toBe('retry');
      expect(result.outcome === 'retry' && result.error).toContain(String(status));
    }
  });

  it('refuses a provider URL that is not http(s)', () => {
    expect(() => createHttpSmsSender({ url: 'ftp://x.example/', ...CREDENTIALS, from: 'M' })).toThrow(/http/);
  });
});

describe('smsStatusToResult', () => {
  it('keeps an accepted message sent even without a JSON answer', () => {
    expect(smsStatusToResult(202, 'OK')).toEqual({ outcome: 'sent', providerId: null });
    expect(smsStatusToResult(404, '').outcome).toBe('rejected');
    expect(smsStatusToResult(403, '').outcome).toBe('retry');
    expect(smsStatusToResult(302, '').outcome).toBe('retry');
  });
});
