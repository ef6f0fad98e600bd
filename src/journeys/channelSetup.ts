/**
 * The transports journeys send through, from the environment, read once and checked: a wrong
 * value fails at startup naming the variable. Nothing set is embedded mode: every message stays
 * in the outbox as 'held'.
 *
 * - MEZAME_SMTP_URL  smtp://user:pass@host:587 (STARTTLS, required when a password is given) or smtps://…:465
 * - MEZAME_MAIL_FROM "Sender Name <news@example.jp>" or news@example.jp (required with SMTP)
 * - MEZAME_SMS_URL, MEZAME_SMS_ACCOUNT, MEZAME_SMS_TOKEN, MEZAME_SMS_FROM (all four, or none)
 * - MEZAME_SENDER_NAME, MEZAME_SENDER_ADDRESS: the sender identity Japan's 特定電子メール法
 *   asks for in marketing email (company name, postal address); the contact email is the From.
 * - MEZAME_BASE_URL: where the tracking links point (default http://localhost:8080);
 *   MEZAME_CTA_URL: where a message's call to action leads (default the base URL).
 */
import type { ChannelSender } from '../channels/channelTypes.js';
import { createSmtpSender, isEmailAddress } from '../channels/email.js';
import { createHttpSmsSender } from '../channels/sms.js';
import type { MessageChannel } from '../core/act/journeyTypes.js';
import type { SenderIdentity } from '../core/act/messageTypes.js';
import { AppError } from '../core/errors.js';
import { DEFAULT_BASE_URL } from './journeyRunner.js';

export interface ChannelSetup {
  senders: Partial<Record<MessageChannel, ChannelSender>>;
  sender: SenderIdentity;
  baseUrl: string;
  ctaUrl: string;
  /** What is configured, without secrets (for logs and `journey run`). */
  description: string[];
  close(): Promise<void>;
}

function invalid(variable: string, message: string): AppError {
  return new AppError('invalid_input', `${variable}: ${message}`);
}

/** "Name <address>" or a bare address. */
export function parseMailFrom(value: string): { name: string; address: string } | null {
  const match = /^\s*(?:"?([^"<]*?)"?\s*<([^>]+)>|([^\s<>]+))\s*$/.exec(value);
  if (!match) return null;
  const address = (match[2] ?? match[3] ?? '').trim();
  if (!isEmailAddress(address)) return null;
  return { name: (match[1] ?? '').trim(), address };
}

function httpUrl(variable: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(variable, `expected a URL like https://mezame.example.jp, got '${value}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(variable, `expected an http(s) URL, got '${url.protocol}'`);
  }
  return value.replace(/\/+$/, '');
}

/**
 * The senders and sender identity the environment configures.
 *
 * @example channelsFromEnv({ MEZAME_SMTP_URL: 'smtp://u:p@mail.example.jp:587', MEZAME_MAIL_FROM: 'News <news@example.jp>' })
 */
export function channelsFromEnv(env: NodeJS.ProcessEnv): ChannelSetup {
  const senders: Partial<Record<MessageChannel, ChannelSender>> = {};
  const description: string[] = [];
  const fromText = env.MEZAME_MAIL_FROM?.trim();
  const from = fromText ? parseMailFrom(fromText) : null;
  if (fromText && !from) {
    throw invalid(
      'MEZAME_MAIL_FROM',
      `expected "Name <address@example.jp>" or an address, got '${fromText}'`,
    );
  }
  const senderName = env.MEZAME_SENDER_NAME?.trim() || from?.name || '';

  const smtpText = env.MEZAME_SMTP_URL?.trim();
  if (smtpText) {
    let url: URL;
    try {
      url = new URL(smtpText);
    } catch {
      throw invalid('MEZAME_SMTP_URL', 'expected smtp://user:password@host:port or smtps://…');
    }
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
      throw invalid('MEZAME_SMTP_URL', `expected the smtp: or smtps: scheme, got '${url.protocol}'`);
    }
    if (!from)
      throw invalid('MEZAME_MAIL_FROM', 'is required when MEZAME_SMTP_URL is set (the From address)');
    const secure = url.protocol === 'smtps:';
    const port = url.port ? Number(url.port) : secure ? 465 : 587;
    senders.email = createSmtpSender({
      host: url.hostname,
      port,
      secure,
      ...(url.username
        ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
        : {}),
      from: { name: senderName, address: from.address },
    });
    description.push(`email: SMTP ${url.hostname}:${port}${secure ? ' (TLS)' : ''} from ${from.address}`);
  }

  const sms = {
    url: env.MEZAME_SMS_URL?.trim(),
    accountId: env.MEZAME_SMS_ACCOUNT?.trim(),
    token: env.MEZAME_SMS_TOKEN?.trim(),
    from: env.MEZAME_SMS_FROM?.trim(),
  };
  const smsSet = Object.entries(sms).filter(([, v]) => v);
  if (smsSet.length > 0) {
    const names = {
      url: 'MEZAME_SMS_URL',
      accountId: 'MEZAME_SMS_ACCOUNT',
      token: 'MEZAME_SMS_TOKEN',
      from: 'MEZAME_SMS_FROM',
    };
    const missing = (Object.keys(sms) as (keyof typeof sms)[]).filter((k) => !sms[k]);
    if (missing.length > 0) {
      throw invalid(
        missing.map((k) => names[k]).join(', '),
        'SMS needs all four of MEZAME_SMS_URL, _ACCOUNT, _TOKEN and _FROM',
      );
    }
    const url = httpUrl('MEZAME_SMS_URL', sms.url as string);
    senders.sms = createHttpSmsSender({
      url,
      accountId: sms.accountId as string,
      token: sms.token as string,
      from: sms.from as string,
    });
    description.push(`sms: ${new URL(url).host} from ${sms.from}`);
  }
  const baseUrl = env.MEZAME_BASE_URL ? httpUrl('MEZAME_BASE_URL', env.MEZAME_BASE_URL) : DEFAULT_BASE_URL;
  const ctaUrl = env.MEZAME_CTA_URL ? httpUrl('MEZAME_CTA_URL', env.MEZAME_CTA_URL) : baseUrl;
  if (!senders.email) description.push('email: not configured (messages held in the outbox)');
  if (!senders.sms) description.push('sms: not configured (messages held in the outbox)');
  description.push('dm: held for the mailing list (mezame outbox / the app)');
  return {
    senders,
    sender: {
      name: senderName,
      address: env.MEZAME_SENDER_ADDRESS?.trim() ?? '',
      contactEmail: from?.address ?? '',
    },
    baseUrl,
    ctaUrl,
    description,
    close: async () => {
      for (const s of Object.values(senders)) await s?.close?.();
    },
  };
}
