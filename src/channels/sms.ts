/**
 * SMS through an HTTP provider, in the shape most SMS REST APIs share (Twilio's Messages
 * resource and its imitators): POST a form with To, From and Body, HTTP Basic auth with the
 * account id and token, a JSON answer carrying the message's `sid` (or `id`).
 *
 * Numbers are normalised to E.164 before the call. A Japanese number must be a mobile one
 * (070/080/090): SMS to a landline cannot arrive, so it is refused here without calling.
 */
import type { ChannelSender, OutgoingMessage, SendResult } from './channelTypes.js';

export interface HttpSmsSenderOptions {
  /** The provider's "create message" endpoint. */
  url: string;
  accountId: string;
  token: string;
  /** Sender id or number, sent as given. */
  from: string;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** Japanese mobile numbers: 070, 080, 090 and eight more digits (総務省 電気通信番号計画). */
const JAPANESE_MOBILE = /^0[789]0\d{8}$/;
const E164 = /^\+[1-9]\d{7,14}$/;
/** Separators people write in phone numbers, after NFKC (full-width forms already folded). */
const SEPARATORS = /[\s\-‐‑‒–—―−ー().]/g;

/**
 * The E.164 form of a number an SMS can reach, or null. Japanese numbers (domestic or +81)
 * must be mobile; other countries' numbers are taken when already in E.164.
 *
 * @example toSmsNumber('090-1234-5678')     // '+819012345678'
 * @example toSmsNumber('０９０－１２３４－５６７８') // '+819012345678'
 * @example toSmsNumber('03-1234-5678')      // null (a landline)
 */
export function toSmsNumber(input: string): string | null {
  let digits = input.normalize('NFKC').replace(SEPARATORS, '');
  if (digits.startsWith('+81')) digits = `0${digits.slice(3).replace(/^0/, '')}`;
  else if (digits.startsWith('+')) return E164.test(digits) ? digits : null;
  return JAPANESE_MOBILE.test(digits) ? `+81${digits.slice(1)}` : null;
}

function describeBody(text: string): string {
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const parts = [json.code, json.message ?? json.error].filter(
      (v) => typeof v === 'string' || typeof v === 'number',
    );
    if (parts.length > 0) return parts.join(' ').slice(0, 200);
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.replace(/\s+/g, ' ').slice(0, 200);
}

function providerIdOf(text: string): string | null {
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    for (const value of [json.sid, json.id]) {
      if (typeof value === 'string' && value !== '') return value;
      if (typeof value === 'number') return String(value);
    }
  } catch {
    // an accepted message without a JSON answer still went out
  }
  return null;
}

/**
 * Maps the provider's HTTP status to a SendResult. A 4xx is the provider refusing this message
 * (invalid or unreachable number: final), except 401/403 (our credentials), 408 and 429
 * (try later), which must not mark the customer as unreachable.
 */
export function smsStatusToResult(status: number, body: string): SendResult {
  const detail = `HTTP ${status}${body ? `: ${describeBody(body)}` : ''}`;
  if (status >= 200 && status < 300) return { outcome: 'sent', providerId: providerIdOf(body) };
  if (status === 401 || status === 403) {
    return {
      outcome: 'retry',
      error: `The SMS provider refused our credentials (${detail}); check the account id and token`,
    };
  }
  if (status === 408 || status === 429)
    return { outcome: 'retry', error: `The SMS provider asked to try later (${detail})` };
  if (status >= 400 && status < 500)
    return { outcome: 'rejected', error: `The SMS provider refused the message (${detail})` };
  return { outcome: 'retry', error: `The SMS provider failed (${detail})` };
}

/**
 * A ChannelSender for SMS over an HTTP provider.
 *
 * @example
 * const sender = createHttpSmsSender({ url: 'https://api.sms.example/v1/messages', accountId, token, from: 'MEZAME' });
 * await sender.send(message); // { outcome: 'sent', providerId: 'SM123…' }
 */
export function createHttpSmsSender(options: HttpSmsSenderOptions): ChannelSender {
  const endpoint = new URL(options.url);
  if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') {
    throw new Error(`The SMS provider URL must be http(s), got '${endpoint.protocol}'`);
  }
  const authorization = `Basic ${Buffer.from(`${options.accountId}:${options.token}`, 'utf8').toString('base64')}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function send(message: OutgoingMessage): Promise<SendResult> {
    const to = toSmsNumber(message.to);
    if (to === null) {
      return {
        outcome: 'rejected',
        error: 'The phone number is not a mobile number an SMS can reach; correct it on the customer',
      };
    }
    let response: Response;
    let body: string;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ To: to, From: options.from, Body: message.text }).toString(),
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = await response.text();
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'TimeoutError'
          ? `no answer in ${timeoutMs} ms`
          : errorText(error);
      return { outcome: 'retry', error: `Could not reach the SMS provider (${reason})` };
    }
    return smsStatusToResult(response.status, body);
  }

  return { channel: 'sms', send };
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause =
    error.cause instanceof Error
      ? `: ${(error.cause as Error & { code?: string }).code ?? error.cause.message}`
      : '';
  return `${error.message}${cause}`;
}
