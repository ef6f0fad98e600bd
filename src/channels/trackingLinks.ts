/**
 * Signed tracking links: the open pixel, click-through redirects and the one-click unsubscribe
 * link that every outgoing message carries. Two forms:
 * - a link to any URL (a link in an email's body): `<payload>.<mac>`, the payload compact JSON in
 *   base64url, the mac an HMAC-SHA256 over the payload text truncated to 128 bits (RFC 2104 §5
 *   allows truncation to half the hash length);
 * - the short form, for the links of every message (pixel, call to action, unsubscribe), which an
 *   SMS pays for by the character: `<message id in base 36>~<kind><mac>`, the mac 72 bits over the
 *   id and kind — about 17 characters. Its click leads to the configured call to action, which
 *   the click route knows; nothing else can be named by it.
 * Nothing is stored per link: the public /t/ routes trust a token only when its mac checks out
 * with the server secret.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** o = open pixel, c = click through to `u`, u = unsubscribe. */
export type TrackingKind = 'o' | 'c' | 'u';

export interface TrackingPayload {
  /** The outbox message id. */
  m: number;
  k: TrackingKind;
  /** Click target (kind 'c' only): an absolute http(s) URL; none = the call to action (short form). */
  u?: string;
}

const MAC_BYTES = 16;
const SHORT_MAC_BYTES = 9;
const SHORT_TOKEN = /^([0-9a-z]{1,11})~([ocu])([A-Za-z0-9_-]{12})$/;

function shortMac(secret: string, messageId: number, kind: TrackingKind): Buffer {
  return createHmac('sha256', secret)
    .update(`mezame-short:${messageId}:${kind}`)
    .digest()
    .subarray(0, SHORT_MAC_BYTES);
}

/** The short form of a token for a message's pixel, call to action ('c' without a URL) or unsubscribe. */
export function makeShortTrackingToken(secret: string, messageId: number, kind: TrackingKind): string {
  if (secret.length === 0) throw new Error('makeShortTrackingToken: the tracking secret is empty');
  if (!Number.isSafeInteger(messageId) || messageId < 0) {
    throw new Error(`makeShortTrackingToken: invalid message id ${messageId}`);
  }
  return `${messageId.toString(36)}~${kind}${shortMac(secret, messageId, kind).toString('base64url')}`;
}

function readShortToken(secret: string, token: string): TrackingPayload | null {
  const match = SHORT_TOKEN.exec(token);
  if (!match) return null;
  const [, id36 = '', kind = '', macText = ''] = match;
  const m = Number.parseInt(id36, 36);
  // One spelling per id: no leading zeros.
  if (!Number.isSafeInteger(m) || m.toString(36) !== id36) return null;
  const given = Buffer.from(macText, 'base64url');
  const expected = shortMac(secret, m, kind as TrackingKind);
  if (given.length !== expected.length || given.toString('base64url') !== macText) return null;
  if (!timingSafeEqual(given, expected)) return null;
  return { m, k: kind as TrackingKind };
}
const KINDS: readonly TrackingKind[] = ['o', 'c', 'u'];

function mac(secret: string, payloadText: string): Buffer {
  return createHmac('sha256', secret).update(payloadText).digest().subarray(0, MAC_BYTES);
}

/** True for an absolute http: or https: URL — the only targets a click link may redirect to. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function isPayload(value: unknown): value is TrackingPayload {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  if (typeof p.m !== 'number' || !Number.isSafeInteger(p.m) || p.m < 0) return false;
  if (!KINDS.includes(p.k as TrackingKind)) return false;
  if (p.k === 'c') return typeof p.u === 'string' && isHttpUrl(p.u);
  return p.u === undefined;
}

/**
 * Signs a payload into a URL-safe token. Throws on a payload no route could honour (a click
 * without an http(s) target, a target on another kind) — callers build these, so that is a bug.
 *
 * @example makeTrackingToken(secret, { m: 42, k: 'c', u: 'https://example.jp/offer' })
 */
export function makeTrackingToken(secret: string, payload: TrackingPayload): string {
  if (secret.length === 0) throw new Error('makeTrackingToken: the tracking secret is empty');
  const compact: TrackingPayload = payload.u === undefined ? { m: payload.m, k: payload.k } : { ...payload };
  if (!isPayload(compact)) {
    throw new Error(
      `makeTrackingToken: invalid payload for kind '${payload.k}' (message ${payload.m}); a click needs an http(s) target, other kinds none`,
    );
  }
  const payloadText = Buffer.from(JSON.stringify(compact), 'utf8').toString('base64url');
  return `${payloadText}.${mac(secret, payloadText).toString('base64url')}`;
}

/**
 * The payload of a token this secret signed, or null when the token is malformed, tampered
 * with, truncated, signed with another secret or names a non-http(s) target.
 *
 * @example readTrackingToken(secret, token)?.m  // 42
 */
export function readTrackingToken(secret: string, token: string): TrackingPayload | null {
  if (secret.length === 0) return null;
  if (token.includes('~')) return readShortToken(secret, token);
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
  const payloadText = token.slice(0, dot);
  const macText = token.slice(dot + 1);
  if (!/^[A-Za-z0-9_-]+$/.test(payloadText) || !/^[A-Za-z0-9_-]+$/.test(macText)) return null;
  const given = Buffer.from(macText, 'base64url');
  const expected = mac(secret, payloadText);
  // Re-encoding must give back the same text, so no two spellings of one mac are accepted.
  if (given.length !== expected.length || given.toString('base64url') !== macText) return null;
  if (!timingSafeEqual(given, expected)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payloadText, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  return isPayload(parsed) ? parsed : null;
}

export interface TrackingUrls {
  /** `${base}/t/` — every tracking link starts with it (addTracking leaves such links alone). */
  prefix: string;
  /** 1×1 image: GET records an open. */
  openPixel: string;
  /** The click-through link to the message's call to action (the configured CTA URL; short form). */
  cta: string;
  /** One-click unsubscribe (GET shows a confirmation, POST unsubscribes, RFC 8058). */
  unsubscribe: string;
  /** A click-through link to any http(s) URL (throws for other schemes). */
  click(url: string): string;
}

/**
 * The signed links of one outbox message.
 *
 * @example trackingUrls('https://mezame.example.jp', secret, 42).cta
 *   // 'https://mezame.example.jp/t/c/16~c…' (16 = 42 in base 36)
 */
export function trackingUrls(baseUrl: string, secret: string, messageId: number): TrackingUrls {
  const base = baseUrl.replace(/\/+$/, '');
  const click = (url: string): string =>
    `${base}/t/c/${makeTrackingToken(secret, { m: messageId, k: 'c', u: url })}`;
  return {
    prefix: `${base}/t/`,
    openPixel: `${base}/t/o/${makeShortTrackingToken(secret, messageId, 'o')}`,
    cta: `${base}/t/c/${makeShortTrackingToken(secret, messageId, 'c')}`,
    unsubscribe: `${base}/t/u/${makeShortTrackingToken(secret, messageId, 'u')}`,
    click,
  };
}
