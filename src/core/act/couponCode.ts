/**
 * A customer's coupon code, derived from the adapter's HMAC (keyed with the tracking secret) so it
 * needs no table to be checked and cannot be guessed from another customer's code. The same key
 * gives the same code (a re-rendered or retried message carries the code it had); pass the
 * message's idempotency key (customer × journey × step), so each message has its own code.
 *
 * Eight characters from a 32-letter alphabet without 0/O and 1/I (read aloud over the phone or
 * typed from a printed DM without mistakes): 40 bits of the MAC, one character per 5 bits.
 */

/** Digits 2–9 and A–Z without I and O: 32 characters, 5 bits each. */
export const COUPON_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const COUPON_LENGTH = 8;

/** Keeps coupon MACs apart from the tracking tokens made with the same secret. */
const DOMAIN = 'mezame-coupon:';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function macBytes(output: string): number[] {
  if (/^(?:[0-9a-fA-F]{2})+$/.test(output)) {
    return Array.from({ length: output.length / 2 }, (_, i) =>
      Number.parseInt(output.slice(i * 2, i * 2 + 2), 16),
    );
  }
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(output)) {
    const bytes: number[] = [];
    let buffer = 0;
    let bits = 0;
    for (const ch of output.replace(/=+$/, '')) {
      const value = BASE64.indexOf(ch === '-' ? '+' : ch === '_' ? '/' : ch);
      buffer = ((buffer << 6) | value) & 0xffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes.push((buffer >> bits) & 0xff);
      }
    }
    return bytes;
  }
  throw new Error('couponCode: the mac must return hex or base64 (e.g. HMAC-SHA256 digest)');
}

/**
 * The coupon code for one key.
 *
 * @example couponCode((data) => createHmac('sha256', secret).update(data).digest('hex'), 'msg:c-001:winback-basic:day14')
 * // → e.g. 'K7Q4M2XA' (always the same for this secret and key)
 */
export function couponCode(mac: (data: string) => string, key: string): string {
  const bytes = macBytes(mac(`${DOMAIN}${key}`));
  if (bytes.length < 5) throw new Error('couponCode: the mac output is shorter than 40 bits');
  let code = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5 && code.length < COUPON_LENGTH) {
      bits -= 5;
      code += COUPON_ALPHABET[(buffer >> bits) & 31];
    }
    if (code.length === COUPON_LENGTH) break;
  }
  return code;
}

/** Whether a string could be a coupon code (shape only; the adapter recomputes it to check). */
export function isCouponCodeShape(value: string): boolean {
  return new RegExp(`^[${COUPON_ALPHABET}]{${COUPON_LENGTH}}$`).test(value);
}
