/**
 * Email over SMTP (nodemailer). The sender is a thin shell: it maps an outbox message to one
 * MIME message (UTF-8 text + HTML alternatives), hands it to the server and maps the server's
 * answer to a SendResult. Tracking (open pixel, click links) is added before, by the caller
 * that holds the secret: `addTracking(html, trackingUrls(…))`.
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { ChannelSender, OutgoingMessage, SendResult } from './channelTypes.js';
import { isHttpUrl, type TrackingUrls } from './trackingLinks.js';

export interface SmtpSenderOptions {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS, see ignoreTls. */
  secure?: boolean;
  auth?: { user: string; pass: string };
  from: { name: string; address: string };
  /**
   * Never upgrade with STARTTLS (a local relay or test server only). Otherwise, with `auth`,
   * STARTTLS is required; without, it is used when offered.
   */
  ignoreTls?: boolean;
  /** Connect, greeting and idle timeout each. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Loose on purpose: the server decides; this only keeps junk (and header injection) out of the envelope. */
const EMAIL_ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]+$/u;

/**
 * True for something shaped like one plain address (no display name, no list, no line break).
 *
 * @example isEmailAddress('tanaka@example.jp')  // true; 'a@b', 'x <a@example.jp>' → false
 */
export function isEmailAddress(value: string): boolean {
  return EMAIL_ADDRESS.test(value);
}

/**
 * The Message-ID of the message with this idempotency key: the same on every attempt, so a
 * re-send after an unknown outcome is recognisable as the same message (and deduplicated by
 * receivers that do so).
 *
 * @example messageIdFor('winback-basic:C-001:day1', 'news@example.jp')  // '<mezame.3f…@example.jp>'
 */
export function messageIdFor(idempotencyKey: string, fromAddress: string): string {
  const domain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1) || 'mezame.invalid';
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40);
  return `<mezame.${digest}@${domain}>`;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
  message?: string;
}

/** A 5.1.x enhanced status (RFC 3463): the destination mailbox is bad. */
const BAD_MAILBOX_STATUS = /^5\d\d[ -]5\.1\.\d/;

/**
 * Maps an SMTP failure to a SendResult. Only the recipient's refusal is final (a hard bounce
 * marks the customer bounced): a 5xx to RCPT TO, or to the message with a 5.1.x status. Every
 * other failure — 4xx, no connection, a timeout, a 5xx to AUTH or MAIL FROM (our configuration,
 * not the recipient) — is retried; the dispatcher caps the attempts.
 */
export function smtpErrorToResult(error: unknown): SendResult {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SmtpError;
  const reply = (e.response ?? '').trim();
  const code = e.responseCode ?? 0;
  const detail = reply !== '' ? reply : (e.message ?? String(error));
  if (code >= 500 && (e.command === 'RCPT TO' || (e.command === 'DATA' && BAD_MAILBOX_STATUS.test(reply)))) {
    return { outcome: 'rejected', error: `The mail server refused the recipient: ${detail}` };
  }
  if (code >= 500) {
    return {
      outcome: 'retry',
      error: `The mail server refused the message at ${e.command ?? 'an unknown step'} (${detail}); check the SMTP settings and sender address`,
    };
  }
  if (code >= 400) return { outcome: 'retry', error: `The mail server deferred the message: ${detail}` };
  return {
    outcome: 'retry',
    error: `Could not reach the mail server (${e.code ?? 'error'}): ${e.message ?? detail}`,
  };
}

/**
 * A ChannelSender for email over SMTP.
 *
 * @example
 * const sender = createSmtpSender({ host: 'smtp.example.jp', port: 587, auth: { user, pass },
 *   from: { name: '株式会社サンプル', address: 'news@example.jp' } });
 * await sender.send(message); // { outcome: 'sent', providerId: '<mezame.…@example.jp>' }
 */
export function createSmtpSender(options: SmtpSenderOptions): ChannelSender {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const transport = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure ?? false,
    ignoreTLS: options.ignoreTls ?? false,
    // A password never crosses in clear: with credentials, a server that offers no STARTTLS fails.
    requireTLS: options.auth !== undefined && !options.secure && !options.ignoreTls,
    ...(options.auth ? { auth: { user: options.auth.user, pass: options.auth.pass } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });

  async function send(message: OutgoingMessage): Promise<SendResult> {
    const to = message.to.trim();
    if (!isEmailAddress(to)) {
      return { outcome: 'rejected', error: 'The email address is not valid; correct it on the customer' };
    }
    const headers: Record<string, string> = {};
    if (message.unsubscribeUrl) {
      headers['List-Unsubscribe'] = `<${message.unsubscribeUrl}>`;
      // RFC 8058: mailbox providers POST "List-Unsubscribe=One-Click" to the URL above.
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    const messageId = messageIdFor(message.idempotencyKey, options.from.address);
    try {
      const info = await transport.sendMail({
        from: { name: options.from.name, address: options.from.address },
        to,
        subject: (message.subject ?? '').replace(/[\r\n]+/g, ' '),
        text: message.text,
        ...(message.html !== null ? { html: message.html } : {}),
        messageId,
        headers,
        textEncoding: 'base64',
      });
      return { outcome: 'sent', providerId: info.messageId || messageId };
    } catch (error) {
      return smtpErrorToResult(error);
    }
  }

  return {
    channel: 'email',
    send,
    async close() {
      transport.close();
    },
  };
}

const HTML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeAttribute(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const codePoint =
        name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(codePoint) && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : whole;
    }
    return HTML_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Adds tracking to an email's HTML: every http(s) link in the body becomes a signed click-through
 * link, and a 1×1 open pixel goes in before `</body>` (or at the end). Links that already are
 * tracking links (the call to action, the unsubscribe link) and other schemes (mailto:, tel:)
 * are left alone.
 *
 * @example addTracking('<p><a href="https://example.jp/">…</a></p>', trackingUrls(base, secret, 42, cta))
 */
export function addTracking(html: string, urls: TrackingUrls): string {
  const linked = html.replace(
    /(<a\b[^>]*?\shref\s*=\s*)(?:"([^"]*)"|'([^']*)')/gi,
    (whole, start: string, doubleQuoted: string | undefined, singleQuoted: string | undefined) => {
      const target = decodeAttribute(doubleQuoted ?? singleQuoted ?? '').trim();
      if (!isHttpUrl(target) || target.startsWith(urls.prefix)) return whole;
      return `${start}"${escapeAttribute(urls.click(target))}"`;
    },
  );
  const pixel = `<img src="${escapeAttribute(urls.openPixel)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0">`;
  const bodyEnd = linked.search(/<\/body\s*>(?![\s\S]*<\/body\s*>)/i);
  return bodyEnd === -1 ? `${linked}${pixel}` : `${linked.slice(0, bodyEnd)}${pixel}${linked.slice(bodyEnd)}`;
}
