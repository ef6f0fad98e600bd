/**
 * Signed tracking links: the open pixel, click-through redirects and the one-click unsubscribe
 * link that every outgoing message carries. A token is `<payload>.<mac>`: the payload is compact
 * JSON in base64url, the mac an HMAC-SHA256 over the payload text, truncated to 128 bits (RFC 2104
 * §5 allows truncation to half the hash length; it keeps SMS links short). Nothing is stored per
 * link: the public /t/ routes trust a token only when its mac checks out with the server secret.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** o = open pixel, c = click through to `u`, u = unsubscribe. */
export type TrackingKind = 'o' | 'c' | 'u';

export interface TrackingPayload {
  /** The outbox message id. */
  m: number;
  k: TrackingKind;
  /** Click target (kind 'c' only): an absolute http(s) URL. */
  u?: string;
}

const MAC_BYTES = 16;
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
  /** The click-through link for the message's call to action. */
  cta: string;
  /** One-click unsubscribe (GET shows a confirmation, POST unsubscribes, RFC 8058). */
  unsubscribe: string;
  /** A click-through link to any http(s) URL (throws for other schemes). */
  click(url: string): string;
}

/**
 * The signed links of one outbox message.
 *
 * @example trackingUrls('https://mezame.example.jp', secret, 42, 'https://example.jp/offer').cta
 *   // 'https://mezame.example.jp/t/c/eyJtIjo0Mi…'
 */
export function trackingUrls(
  baseUrl: string,
  secret: string,
  messageId: number,
  ctaTarget: string,
): TrackingUrls {
  const base = baseUrl.replace(/\/+$/, '');
  const click = (url: string): string =>
    `${base}/t/c/${makeTrackingToken(secret, { m: messageId, k: 'c', u: url })}`;
  return {
    prefix: `${base}/t/`,
    openPixel: `${base}/t/o/${makeTrackingToken(secret, { m: messageId, k: 'o' })}`,
    cta: click(ctaTarget),
    unsubscribe: `${base}/t/u/${makeTrackingToken(secret, { m: messageId, k: 'u' })}`,
    click,
  };
}
