import { describe, expect, it } from 'vitest';
import { renderMessage, smsSegments, templatePlaceholders, validateTemplate } from './messageTemplates.js';
import type { Locale, MessageTemplate, RenderCustomer, RenderOptions } from './messageTypes.js';
import {
  FINAL_OFFER_COUPON_DAYS,
  OFFER_COUPON_DAYS,
  SHIPPED_TEMPLATE_IDS,
  SHIPPED_TEMPLATES,
  shippedTemplate,
} from './templateLibrary.js';

/** A shipped template that must exist. */
function shipped(id: string, locale: Locale): MessageTemplate {
  const t = shippedTemplate(id, locale);
  if (!t) throw new Error(`no shipped template ${id} (${locale})`);
  return t;
}

/** A customer with every fact known. */
const fullCustomer = (locale: Locale): RenderCustomer =>
  locale === 'ja'
    ? {
        customerId: 'C-001',
        customerName: '株式会社あおば製作所',
        kind: 'company',
        contactName: '佐藤 花子',
        lastProduct: '工具セット',
        lastPurchaseDay: '2024-03-05',
        reason: 'price',
        repName: '田中',
      }
    : {
        customerId: 'C-002',
        customerName: 'Aoba Works Ltd',
        kind: 'company',
        contactName: 'Hanako Sato',
        lastProduct: 'the tool kit',
        lastPurchaseDay: '2024-03-05',
        reason: 'price',
        repName: 'Ken Tanaka',
      };

/** Links of the length a short tracking domain gives (C's tokens are longer: see the SMS test). */
const options = (locale: Locale, over: Partial<RenderOptions> = {}): RenderOptions => ({
  locale,
  today: '2025-05-10',
  sender:
    locale === 'ja'
      ? {
          name: '株式会社ミドリ商事',
          address: '東京都千代田区丸の内1-1-1',
          contactEmail: 'info@midori.example',
        }
      : { name: 'Midori Trading', address: '1-1-1 Marunouchi, Tokyo', contactEmail: 'info@midori.example' },
  couponCode: 'K7Q4M2XA',
  ctaUrl: 'https://mzm.jp/c/Xb3kQ9pL2m',
  unsubscribeUrl: 'https://mzm.jp/u/Xb3kQ9pL2m',
  ...over,
});

describe('SHIPPED_TEMPLATES', () => {
  it('has each listed id once in Japanese and once in English, and nothing else', () => {
    // Which ids the shipped journeys name, and that they exist for their channel: journeyLibrary.test.ts.
    expect(SHIPPED_TEMPLATES).toHaveLength(SHIPPED_TEMPLATE_IDS.length * 2);
    expect(new Set(SHIPPED_TEMPLATES.map((t) => `${t.id}/${t.locale}`)).size).toBe(SHIPPED_TEMPLATES.length);
    expect(new Set(SHIPPED_TEMPLATES.map((t) => t.id))).toEqual(new Set(SHIPPED_TEMPLATE_IDS));
    for (const id of SHIPPED_TEMPLATE_IDS) {
      for (const locale of ['ja', 'en'] as const) expect(shippedTemplate(id, locale)?.locale).toBe(locale);
    }
  });

  it('names the channel in the id', () => {
    for (const t of SHIPPED_TEMPLATES) expect(t.id.endsWith(`-${t.channel}`)).toBe(true);
  });

  it.each(SHIPPED_TEMPLATES.map((t) => [t.id, t.locale, t] as const))(
    '%s (%s) validates',
    (_id, _locale, t) => {
      expect(validateTemplate(t)).toEqual([]);
    },
  );

  it.each(SHIPPED_TEMPLATES.map((t) => [t.id, t.locale, t] as const))(
    '%s (%s) renders for a full customer without warnings',
    (_id, locale, t) => {
      const r = renderMessage(t, fullCustomer(locale), options(locale));
      // Unavoidable: a Japanese SMS is UCS-2 (70 characters), and two links alone take about 55 of them,
      // so it goes out as two segments; the warning tells the marketer it is billed as two.
      const expected = t.channel === 'sms' && locale === 'ja' ? ['sms_segments'] : [];
      expect(r.warnings.map((w) => w.code)).toEqual(expected);
      expect(r.text).not.toMatch(/\{\{|\}\}|undefined|null/);
    },
  );

  it('gives every email a call to action and a subject under 40 characters in both languages', () => {
    for (const t of SHIPPED_TEMPLATES.filter((x) => x.channel === 'email')) {
      expect(templatePlaceholders(t)).toContain('cta_url');
      const r = renderMessage(t, fullCustomer(t.locale), options(t.locale));
      expect([...(r.subject ?? '')].length, `${t.id} (${t.locale}): ${r.subject}`).toBeLessThanOrEqual(40);
    }
  });

  it('keeps Japanese subjects under 40 characters even when the product name is long or missing', () => {
    const customer = { ...fullCustomer('ja'), lastProduct: '業務用ステンレス作業台（幅1200）' };
    for (const t of SHIPPED_TEMPLATES.filter((x) => x.channel === 'email' && x.locale === 'ja')) {
      for (const c of [customer, { ...customer, lastProduct: null }]) {
        const r = renderMessage(t, c, options('ja'));
        expect([...(r.subject ?? '')].length, r.subject ?? '').toBeLessThanOrEqual(40);
      }
    }
  });

  it('gives the offer a 14-day coupon and the final offer a 7-day one, and no other email a coupon', () => {
    expect(OFFER_COUPON_DAYS).toBe(14);
    expect(FINAL_OFFER_COUPON_DAYS).toBe(7);
    for (const locale of ['ja', 'en'] as const) {
      const offer = renderMessage(
        shipped('winback-offer-email', locale),
        fullCustomer(locale),
        options(locale),
      );
      expect(offer.couponCode).toBe('K7Q4M2XA');
      expect(offer.couponExpires).toBe('2025-05-24');
      expect(offer.text).toContain('K7Q4M2XA');
      const last = renderMessage(
        shipped('winback-final-offer-email', locale),
        fullCustomer(locale),
        options(locale),
      );
      expect(last.couponExpires).toBe('2025-05-17');
    }
    const withCoupon = SHIPPED_TEMPLATES.filter((t) => templatePlaceholders(t).includes('coupon_code')).map(
      (t) => t.id,
    );
    expect(new Set(withCoupon)).toEqual(new Set(['winback-offer-email', 'winback-final-offer-email']));
  });

  it('writes the offer in Japanese with its code and the expiry date', () => {
    const r = renderMessage(shipped('winback-offer-email', 'ja'), fullCustomer('ja'), options('ja'));
    expect(r.subject).toBe('【期間限定】日頃の感謝を込めたご優待のご案内');
    expect(r.text).toContain('ご優待コード：K7Q4M2XA\n有効期限：2025年5月24日まで');
    expect(
      r.text.startsWith(
        '株式会社あおば製作所\u3000佐藤 花子様\n\nいつもお世話になっております。株式会社ミドリ商事の田中でございます。',
      ),
    ).toBe(true);
  });

  it('reads naturally for a customer about whom little is known', () => {
    const sparse: RenderCustomer = {
      customerId: 'C-003',
      customerName: '青葉商店',
      kind: 'company',
      contactName: null,
      lastProduct: null,
      lastPurchaseDay: null,
      reason: null,
      repName: null,
    };
    const day1 = renderMessage(shipped('winback-value-email', 'ja'), sparse, options('ja'));
    expect(day1.text).toContain(
      '青葉商店 御中\n\n大変ご無沙汰しております。株式会社ミドリ商事の営業担当でございます。',
    );
    expect(day1.text).toContain('以前に弊社の商品をご注文いただきましたこと');
    const day3 = renderMessage(shipped('winback-whats-new-email', 'en'), sparse, options('en'));
    expect(day3.text).toContain('Dear Sir or Madam,\n\nIt has been a while since your last order');
    for (const t of SHIPPED_TEMPLATES) {
      const r = renderMessage(t, sparse, options(t.locale));
      expect(r.text).not.toMatch(/undefined|null|\{\{/);
      expect(r.text).not.toMatch(/^[をにがのはで]|[\s　]+[をにがのはで]/m);
    }
  });

  it('keeps the SMS within two segments with short links (justified warning: two segments are billed as two)', () => {
    for (const locale of ['ja', 'en'] as const) {
      const r = renderMessage(shipped('winback-reminder-sms', locale), fullCustomer(locale), options(locale));
      const { segments, encoding } = smsSegments(r.text);
      expect(segments).toBeLessThanOrEqual(2);
      expect(encoding).toBe(locale === 'ja' ? 'ucs2' : 'gsm7');
    }
    // The Japanese text around the two links is short: two UCS-2 segments (134) leave 40 characters per link.
    const withoutLinks = renderMessage(shipped('winback-reminder-sms', 'ja'), fullCustomer('ja'), {
      ...options('ja'),
      ctaUrl: '',
      unsubscribeUrl: '',
    });
    expect(withoutLinks.text.length).toBeLessThanOrEqual(134 - 2 * 40);
  });

  it('writes the letter without an addressee or link: the letter layout prints both', () => {
    const t = shipped('winback-letter-dm', 'ja');
    expect(templatePlaceholders(t)).not.toContain('customer_name');
    expect(templatePlaceholders(t)).not.toContain('cta_url');
    const r = renderMessage(t, fullCustomer('ja'), options('ja'));
    expect(r.text.startsWith('拝啓')).toBe(true);
    expect(r.text).toContain('敬具');
    expect(r.html).toBeNull();
  });

  it('never makes a discount the first thing a customer hears', () => {
    for (const id of ['winback-value-email', 'winback-whats-new-email', 'improvement-fixed-email'] as const) {
      for (const locale of ['ja', 'en'] as const) {
        expect(shipped(id, locale).body).not.toMatch(/割引|値引|クーポン|優待|discount|coupon|% off/i);
      }
    }
  });

  it('returns null for an id it does not ship', () => {
    expect(shippedTemplate('no-such-email', 'ja')).toBeNull();
  });
});
