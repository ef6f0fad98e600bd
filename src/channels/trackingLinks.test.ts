import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  makeShortTrackingToken,
  makeTrackingToken,
  readTrackingToken,
  trackingUrls,
} from './trackingLinks.js';

const SECRET = 'test-secret-0123456789';

/** Flips one character of `text` at `index` to another base64url character. */
function flip(text: string, index: number): string {
  const c = text[index];
  return text.slice(0, index) + (c === 'A' ? 'B' : 'A') + text.slice(index + 1);
}

describe('tracking tokens', () => {
  it('reads back what it signed, for each kind', () => {
    for (const payload of [
      { m: 1, k: 'o' as const },
      { m: 42, k: 'u' as const },
      { m: 7, k: 'c' as const, u: 'https://example.jp/offer?x=1&y=あ#top' },
    ]) {
      const token = makeTrackingToken(SECRET, payload);
      expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      expect(readTrackingToken(SECRET, token)).toEqual(payload);
    }
  });

  it('refuses a token whose payload, mac or separator was changed', () => {
    const token = makeTrackingToken(SECRET, { m: 42, k: 'c', u: 'https://example.jp/' });
    const [payload = '', mac = ''] = token.split('.');
    for (let i = 0; i < payload.length; i++) {
      expect(readTrackingToken(SECRET, `${flip(payload, i)}.${mac}`)).toBeNull();
    }
    for (let i = 0; i < mac.length; i++) {
      expect(readTrackingToken(SECRET, `${payload}.${flip(mac, i)}`)).toBeNull();
    }
    expect(readTrackingToken(SECRET, `${payload}${mac}`)).toBeNull();
    expect(readTrackingToken(SECRET, `${payload}..${mac}`)).toBeNull();
  });

  it('refuses a payload swapped in from another message under the old mac', () => {
    const a = makeTrackingToken(SECRET, { m: 1, k: 'u' });
    const b = makeTrackingToken(SECRET, { m: 2, k: 'u' });
    expect(readTrackingToken(SECRET, `${b.split('.')[0]}.${a.split('.')[1]}`)).toBeNull();
  });

  it('refuses truncated tokens and empty input', () => {
    const token = makeTrackingToken(SECRET, { m: 3, k: 'o' });
    for (let n = 0; n < token.length; n++) expect(readTrackingToken(SECRET, token.slice(0, n))).toBeNull();
    expect(readTrackingToken(SECRET, '')).toBeNull();
  });

  it('refuses a token signed with another secret', () => {
    const token = makeTrackingToken('another-secret', { m: 3, k: 'o' });
    expect(readTrackingToken(SECRET, token)).toBeNull();
  });

  it('refuses to make a click to a javascript: or data: target, or a click without a target', () => {
    expect(() => makeTrackingToken(SECRET, { m: 1, k: 'c', u: 'javascript:alert(1)' })).toThrow(/http/);
    expect(() => makeTrackingToken(SECRET, { m: 1, k: 'c', u: 'data:text/html,hi' })).toThrow();
    expect(() => makeTrackingToken(SECRET, { m: 1, k: 'c' })).toThrow();
    expect(() => makeTrackingToken(SECRET, { m: 1, k: 'o', u: 'https://example.jp/' })).toThrow();
  });

  it('refuses a correctly signed token that names a javascript: target', () => {
    const payload = Buffer.from(JSON.stringify({ m: 1, k: 'c', u: 'javascript:alert(1)' })).toString(
      'base64url',
    );
    const mac = createHmac('sha256', SECRET).update(payload).digest().subarray(0, 16).toString('base64url');
    expect(readTrackingToken(SECRET, `${payload}.${mac}`)).toBeNull();
  });
});

describe('short tracking tokens', () => {
  it('read back as the message id and kind, for every kind', () => {
    for (const k of ['o', 'c', 'u'] as const) {
      for (const m of [0, 1, 42, 2 ** 40]) {
        expect(readTrackingToken(SECRET, makeShortTrackingToken(SECRET, m, k))).toEqual({ m, k });
      }
    }
  });

  it('refuse a changed id, kind or mac, another secret, and a second spelling of the id', () => {
    const token = makeShortTrackingToken(SECRET, 42, 'u');
    const [id = '', rest = ''] = token.split('~');
    expect(readTrackingToken(SECRET, `${(42 + 1).toString(36)}~${rest}`)).toBeNull();
    expect(readTrackingToken(SECRET, `${id}~o${rest.slice(1)}`)).toBeNull();
    const flipped = rest.slice(0, -1) + (rest.endsWith('A') ? 'B' : 'A');
    expect(readTrackingToken(SECRET, `${id}~${flipped}`)).toBeNull();
    expect(readTrackingToken('another secret', token)).toBeNull();
    expect(readTrackingToken(SECRET, `0${token}`)).toBeNull();
    expect(readTrackingToken(SECRET, token.slice(0, -1))).toBeNull();
    expect(() => makeShortTrackingToken(SECRET, -1, 'o')).toThrow();
  });
});

describe('trackingUrls', () => {
  it('builds the pixel, cta, click and unsubscribe links under the base URL', () => {
    const urls = trackingUrls('https://mezame.example.jp/', SECRET, 42);
    expect(urls.prefix).toBe('https://mezame.example.jp/t/');
    const token = (url: string, kind: string) => {
      const prefix = `https://mezame.example.jp/t/${kind}/`;
      expect(url.startsWith(prefix)).toBe(true);
      return readTrackingToken(SECRET, url.slice(prefix.length));
    };
    expect(token(urls.openPixel, 'o')).toEqual({ m: 42, k: 'o' });
    expect(token(urls.unsubscribe, 'u')).toEqual({ m: 42, k: 'u' });
    // The message's own links are short (an SMS pays per character); its call to action names no URL.
    expect(token(urls.cta, 'c')).toEqual({ m: 42, k: 'c' });
    for (const url of [urls.openPixel, urls.cta, urls.unsubscribe]) {
      expect(url.length - 'https://mezame.example.jp/t/c/'.length).toBeLessThanOrEqual(17);
    }
    expect(token(urls.click('http://example.jp/a'), 'c')).toEqual({
      m: 42,
      k: 'c',
      u: 'http://example.jp/a',
    });
    expect(() => urls.click('javascript:alert(1)')).toThrow();
  });
});
