import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { COUPON_ALPHABET, couponCode, isCouponCodeShape } from './couponCode.js';

const hexMac = (secret: string) => (data: string) => createHmac('sha256', secret).update(data).digest('hex');
const base64Mac = (secret: string) => (data: string) =>
  createHmac('sha256', secret).update(data).digest('base64');
const base64UrlMac = (secret: string) => (data: string) =>
  createHmac('sha256', secret).update(data).digest('base64url');

describe('couponCode', () => {
  it('gives 8 characters from an alphabet without 0, O, 1 or I', () => {
    expect(COUPON_ALPHABET).toHaveLength(32);
    expect(COUPON_ALPHABET).not.toMatch(/[01OI]/);
    for (let i = 0; i < 200; i++) {
      const code = couponCode(hexMac('s3cret'), `msg-${i}`);
      expect(code).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
      expect(isCouponCodeShape(code)).toBe(true);
    }
  });

  it('is the same for the same secret and key', () => {
    expect(couponCode(hexMac('s3cret'), 'c-001:winback-basic:day14')).toBe(
      couponCode(hexMac('s3cret'), 'c-001:winback-basic:day14'),
    );
  });

  it('differs between keys and between secrets', () => {
    const codes = new Set(Array.from({ length: 2000 }, (_, i) => couponCode(hexMac('s3cret'), `c-${i}:j:s`)));
    expect(codes.size).toBe(2000);
    expect(couponCode(hexMac('a'), 'k')).not.toBe(couponCode(hexMac('b'), 'k'));
  });

  it('reads the same MAC bits whether the adapter returns hex, base64 or base64url', () => {
    const key = 'c-042:winback-basic:day21';
    const code = couponCode(hexMac('x'), key);
    expect(couponCode(base64Mac('x'), key)).toBe(code);
    expect(couponCode(base64UrlMac('x'), key)).toBe(code);
  });

  it('takes the code from the top 40 bits of the MAC, 5 bits per character', () => {
    // 0x00 0x00 0x00 0x00 0x00 → all zero bits → the first letter; 0xff… → the last.
    expect(couponCode(() => '0000000000', 'k')).toBe('22222222');
    expect(couponCode(() => 'ffffffffff', 'k')).toBe('ZZZZZZZZ');
    // 0x08 0x86 0x42 0x98 0xe8 = 00001 00010 00011 00100 00101 00110 00111 01000
    expect(couponCode(() => '08864298e8', 'k')).toBe('3456789A');
  });

  it('keeps coupon MACs apart from other uses of the secret', () => {
    const seen: string[] = [];
    couponCode((data) => {
      seen.push(data);
      return 'ffffffffff';
    }, 'msg-1');
    expect(seen).toEqual(['mezame-coupon:msg-1']);
  });

  it('refuses a MAC output that is not hex or base64, or too short', () => {
    expect(() => couponCode(() => 'not a mac!', 'k')).toThrow(/hex or base64/);
    expect(() => couponCode(() => 'abcd', 'k')).toThrow(/shorter than 40 bits/);
  });
});

describe('isCouponCodeShape', () => {
  it('rejects ambiguous characters, lower case and wrong lengths', () => {
    expect(isCouponCodeShape('K7Q4M2XA')).toBe(true);
    expect(isCouponCodeShape('K7Q4M2X0')).toBe(false);
    expect(isCouponCodeShape('k7q4m2xa')).toBe(false);
    expect(isCouponCodeShape('K7Q4M2X')).toBe(false);
  });
});
