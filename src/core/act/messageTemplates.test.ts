import { describe, expect, it } from 'vitest';
import { REASON_CATEGORIES } from '../diagnose/reasonCategories.js';
import {
  escapeHtml,
  renderMessage,
  smsSegments,
  templatePlaceholders,
  templateWarnings,
  usesCoupon,
  validateTemplate,
} from './messageTemplates.js';
import type { MessageTemplate, RenderCustomer, RenderOptions } from './messageTypes.js';
import { REASON_MESSAGES } from './messageValues.js';

const aTemplate = (over: Partial<MessageTemplate> = {}): MessageTemplate => ({
  id: 'test-email',
  channel: 'email',
  locale: 'ja',
  name: 'テスト',
  subject: 'ご案内',
  body: '{{customer_name}}\n\nいつもお世話になっております。\n{{cta_url}}',
  ...over,
});

const aCustomer = (over: Partial<RenderCustomer> = {}): RenderCustomer => ({
  customerId: 'C-001',
  customerName: '株式会社あおば製作所',
  kind: 'company',
  contactName: '佐藤 花子',
  lastProduct: '工具セット',
  lastPurchaseDay: '2024-03-05',
  reason: 'product',
  repName: '田中',
  ...over,
});

const someOptions = (over: Partial<RenderOptions> = {}): RenderOptions => ({
  locale: 'ja',
  today: '2025-05-10',
  sender: {
    name: '株式会社ミドリ商事',
    address: '東京都千代田区丸の内1-1-1',
    contactEmail: 'info@midori.example',
  },
  couponCode: 'K7Q4M2XA',
  ctaUrl: 'https://mzm.example.jp/t/c/abc',
  unsubscribeUrl: 'https://mzm.example.jp/t/u/xyz',
  ...over,
});

const render = (
  body: string,
  customer: Partial<RenderCustomer> = {},
  options: Partial<RenderOptions> = {},
  template: Partial<MessageTemplate> = {},
) =>
  renderMessage(
    aTemplate({ body, locale: options.locale ?? 'ja', ...template }),
    aCustomer(customer),
    someOptions(options),
  );

/** Rendered as a DM: the text is the body alone (no email footer). */
const renderDm = (
  body: string,
  customer: Partial<RenderCustomer> = {},
  options: Partial<RenderOptions> = {},
) => render(body, customer, options, { channel: 'dm', subject: null });

const codes = (warnings: { code: string }[]) => warnings.map((w) => w.code);

describe('validateTemplate', () => {
  it('accepts a well-formed template', () => {
    expect(validateTemplate(aTemplate())).toEqual([]);
  });

  it('names an unknown placeholder with its line and column, and suggests the nearest one', () => {
    const issues = validateTemplate(
      aTemplate({ body: 'こんにちは\n  {{custmer_name}} と {{foo}}\n{{cta_url}}' }),
    );
    expect(issues).toEqual([
      {
        path: 'body',
        message: 'unknown placeholder {{custmer_name}} at line 2, column 3: did you mean {{customer_name}}?',
      },
      {
        path: 'body',
        message: expect.stringMatching(
          /^unknown placeholder \{\{foo\}\} at line 2, column 22: known: customer_name/,
        ),
      },
    ]);
  });

  it('counts columns in characters, so Japanese text before a placeholder is not counted in bytes', () => {
    const [issue] = validateTemplate(aTemplate({ body: '山田様 {{nam}}' }));
    expect(issue?.message).toContain('at line 1, column 5');
  });

  it('reports unclosed braces with their position', () => {
    const issues = validateTemplate(aTemplate({ body: 'ご案内 {{customer_name\n{{cta_url}}' }));
    expect(issues).toEqual([
      { path: 'body', message: 'unclosed "{{" at line 1, column 5: close it with "}}"' },
    ]);
    expect(validateTemplate(aTemplate({ body: '{{cta_url}} 最後 {{' }))[0]?.message).toMatch(/^unclosed/);
  });

  it('rejects something in double braces that is not a placeholder name', () => {
    const [issue] = validateTemplate(aTemplate({ body: '{{ お名前 }} {{cta_url}}' }));
    expect(issue?.message).toMatch(/^"\{\{ お名前 \}\}" at line 1, column 1 is not a placeholder/);
  });

  it('accepts spaces inside the braces', () => {
    expect(validateTemplate(aTemplate({ body: '{{ customer_name }} {{cta_url}}' }))).toEqual([]);
  });

  it('checks placeholders in the subject too, under the path subject', () => {
    expect(validateTemplate(aTemplate({ subject: '{{lastproduct}}のご案内' }))).toEqual([
      {
        path: 'subject',
        message: 'unknown placeholder {{lastproduct}} at line 1, column 1: did you mean {{last_product}}?',
      },
    ]);
  });

  it('requires a one-line subject for email', () => {
    expect(validateTemplate(aTemplate({ subject: null }))).toEqual([
      { path: 'subject', message: 'an email needs a subject' },
    ]);
    expect(validateTemplate(aTemplate({ subject: '  ' }))[0]?.message).toBe('an email needs a subject');
    expect(validateTemplate(aTemplate({ subject: 'ご案内\nBcc: x@example.com' }))[0]).toEqual({
      path: 'subject',
      message: 'a subject is one line: remove the line break',
    });
  });

  it('refuses a subject on an SMS or a DM', () => {
    const sms = aTemplate({
      channel: 'sms',
      subject: '件名',
      body: '{{sender_name}} {{cta_url}} {{unsubscribe_url}}',
    });
    expect(validateTemplate(sms)).toEqual([
      { path: 'subject', message: 'an SMS has no subject: put everything in the body' },
    ]);
    expect(validateTemplate({ ...sms, subject: null })).toEqual([]);
    expect(validateTemplate({ ...sms, subject: '' })).toEqual([]);
    const dm = aTemplate({ channel: 'dm', subject: '件名', body: '拝啓' });
    expect(validateTemplate(dm)).toEqual([
      { path: 'subject', message: 'a DM has no subject line: put the heading in the body' },
    ]);
  });

  it('requires an SMS to name the sender and carry the unsubscribe link (特定電子メール法)', () => {
    const issues = validateTemplate(aTemplate({ channel: 'sms', subject: null, body: 'ご案内 {{cta_url}}' }));
    expect(issues.map((i) => i.message)).toEqual([
      'an SMS must name the sender (特定電子メール法): add {{sender_name}}',
      'an SMS must say how to stop messages (特定電子メール法): add {{unsubscribe_url}}',
    ]);
  });

  it('rejects an empty body', () => {
    expect(validateTemplate(aTemplate({ body: ' \n ' }))).toEqual([
      { path: 'body', message: 'the body is empty' },
    ]);
  });

  it.each([
    ['Winback-Day1'],
    ['winback day1'],
    ['-winback'],
    ['winback--day1'],
    ['winback-'],
    ['ウィンバック'],
    [''],
  ])('rejects the id %j (not a lowercase slug)', (id) => {
    expect(validateTemplate(aTemplate({ id })).map((i) => i.path)).toEqual(['id']);
  });

  it('rejects an id over 64 characters', () => {
    expect(validateTemplate(aTemplate({ id: 'a'.repeat(65) }))).toEqual([
      { path: 'id', message: 'at most 64 characters' },
    ]);
  });

  it('refuses 様 or 御中 after a placeholder that already carries it', () => {
    const issues = validateTemplate(
      aTemplate({ body: '{{customer_name}}様\n{{contact_name}} 御中\n{{cta_url}}' }),
    );
    expect(issues.map((i) => i.message)).toEqual([
      '{{customer_name}} at line 1, column 1 already ends in 様 or 御中: remove the "様" after it',
      '{{contact_name}} at line 2, column 1 already ends in 様 or 御中: remove the "御中" after it',
    ]);
  });

  it('catches a placeholder written with single braces', () => {
    expect(validateTemplate(aTemplate({ body: '{customer_name} {{cta_url}}' }))).toEqual([
      {
        path: 'body',
        message: '"{customer_name}" at line 1, column 1 has single braces: write {{customer_name}}',
      },
    ]);
  });

  it('asks how long a coupon is valid when the template uses one', () => {
    expect(validateTemplate(aTemplate({ body: 'コード {{coupon_code}} {{cta_url}}' }))).toEqual([
      {
        path: 'coupon_days',
        message:
          'the template uses {{coupon_code}} or {{coupon_expires}}: say how many days the coupon is valid',
      },
    ]);
    expect(
      validateTemplate(aTemplate({ body: 'コード {{coupon_code}} {{cta_url}}', coupon_days: 14 })),
    ).toEqual([]);
    for (const days of [0, -1, 1.5, 366]) {
      expect(validateTemplate(aTemplate({ coupon_days: days }))).toEqual([
        { path: 'coupon_days', message: 'expected whole days from 1 to 365' },
      ]);
    }
  });

  it('reports every problem at once', () => {
    const issues = validateTemplate(
      aTemplate({ id: 'Bad Id', name: '', subject: null, body: '{{x}}', channel: 'email' }),
    );
    expect(issues.map((i) => i.path)).toEqual(['id', 'name', 'subject', 'body']);
  });
});

describe('templatePlaceholders and usesCoupon', () => {
  it('lists the known placeholders of subject and body once each, in first-use order', () => {
    expect(
      templatePlaceholders({
        subject: '{{last_product}}',
        body: '{{customer_name}} {{last_product}} {{nope}}',
      }),
    ).toEqual(['last_product', 'customer_name']);
  });

  it('tells whether a message carries a coupon', () => {
    expect(usesCoupon({ subject: null, body: '{{coupon_expires}}まで' })).toBe(true);
    expect(usesCoupon({ subject: null, body: '{{cta_url}}' })).toBe(false);
  });
});

describe('renderMessage: addressing', () => {
  it('addresses a company with a known contact as 会社名 + 氏名様, never 御中 and 様 together', () => {
    const r = renderDm('{{customer_name}}\n{{contact_name}}');
    expect(r.text.split('\n').slice(0, 2)).toEqual(['株式会社あおば製作所\u3000佐藤 花子様', '佐藤 花子様']);
    expect(r.text).not.toContain('御中');
  });

  it('addresses a company without a contact with 御中, and the contact as ご担当者様 with a warning', () => {
    const r = renderDm('{{customer_name}}\n{{contact_name}}\n{{cta_url}}', { contactName: null });
    expect(r.text.split('\n').slice(0, 2)).toEqual(['株式会社あおば製作所 御中', 'ご担当者様']);
    expect(r.warnings).toEqual([
      {
        code: 'empty_value',
        message: {
          ja: '{{contact_name}}の値がないため、「ご担当者様」と表示します。',
          en: 'There is no value for {{contact_name}}: it reads "ご担当者様".',
        },
      },
    ]);
  });

  it('addresses a person with 様 and does not double an honorific already in the data', () => {
    expect(
      renderDm('{{customer_name}}', { kind: 'person', customerName: '山田 太郎', contactName: null }).text,
    ).toBe('山田 太郎様');
    expect(
      renderDm('{{customer_name}}', { kind: 'person', customerName: '山田 太郎様', contactName: null }).text,
    ).toBe('山田 太郎様');
    expect(
      renderDm('{{contact_name}}', { kind: 'person', customerName: '山田 太郎', contactName: null }).warnings,
    ).toEqual(expect.not.arrayContaining([expect.objectContaining({ code: 'empty_value' })]));
  });

  it('treats an unknown kind as a company when the name has a legal form or a separate contact', () => {
    expect(renderDm('{{customer_name}}', { kind: null, contactName: null }).text).toBe(
      '株式会社あおば製作所 御中',
    );
    expect(
      renderDm('{{customer_name}}', { kind: null, customerName: '(有)青葉商店', contactName: null }).text,
    ).toBe('(有)青葉商店 御中');
    expect(
      renderDm('{{customer_name}}', { kind: null, customerName: 'Aoba Works Inc.', contactName: null }).text,
    ).toBe('Aoba Works Inc. 御中');
    expect(
      renderDm('{{customer_name}}', { kind: null, customerName: '青葉商店', contactName: '佐藤' }).text,
    ).toBe('青葉商店\u3000佐藤様');
    expect(
      renderDm('{{customer_name}}', { kind: null, customerName: '山田 太郎', contactName: null }).text,
    ).toBe('山田 太郎様');
  });

  it('greets by name in English: the contact for a company, else the company or the person', () => {
    const en = { locale: 'en' as const };
    expect(renderDm('Dear {{contact_name}}, {{customer_name}}', {}, en).text).toBe(
      'Dear 佐藤 花子, 佐藤 花子',
    );
    expect(renderDm('Dear {{contact_name}}, {{customer_name}}', { contactName: null }, en).text).toBe(
      'Dear Sir or Madam, 株式会社あおば製作所',
    );
    expect(
      renderDm('Dear {{contact_name}}', { kind: 'person', customerName: 'Jane Doe', contactName: null }, en)
        .text,
    ).toBe('Dear Jane Doe');
  });
});

describe('renderMessage: values', () => {
  it('writes the last purchase date as 2024年3月5日 or 5 Mar 2024', () => {
    expect(renderDm('{{last_purchase_date}}').text).toBe('2024年3月5日');
    expect(renderDm('{{last_purchase_date}}', {}, { locale: 'en' }).text).toBe('5 Mar 2024');
  });

  it.each([
    ['2024-03-05', '2025-05-10', '1年2か月', '1 year and 2 months'],
    ['2024-03-05', '2025-03-05', '1年', '1 year'],
    ['2022-01-10', '2025-03-09', '3年1か月', '3 years and 1 month'],
    ['2025-01-05', '2025-06-04', '4か月', '4 months'],
    ['2025-04-10', '2025-05-10', '1か月', '1 month'],
    ['2025-04-20', '2025-05-10', 'ひと月ほど', 'about a month'],
    ['2025-06-01', '2025-05-10', 'ひと月ほど', 'about a month'],
  ])('counts the months from %s to %s as %s / %s', (last, today, ja, en) => {
    expect(renderDm('{{months_since}}', { lastPurchaseDay: last }, { today }).text).toBe(ja);
    expect(renderDm('{{months_since}}', { lastPurchaseDay: last }, { today, locale: 'en' }).text).toBe(en);
  });

  it('writes one sentence of its own for each reason, and a neutral one for other, unknown and none', () => {
    const named = REASON_CATEGORIES.filter((r) => r !== 'other' && r !== 'unknown');
    const ja = named.map((reason) => renderDm('{{reason_message}}', { reason }).text);
    const en = named.map((reason) => renderDm('{{reason_message}}', { reason }, { locale: 'en' }).text);
    expect(new Set(ja).size).toBe(named.length);
    expect(new Set(en).size).toBe(named.length);
    for (const sentence of ja) {
      expect(sentence).toMatch(/。$/);
      expect(sentence.match(/。/g)).toHaveLength(1);
      expect(sentence).toMatch(/(ます|ました|ません|ください|幸いです)。$/);
    }
    for (const sentence of en) expect(sentence).toMatch(/^[A-Z][^.]*\.$/);
    const neutral = renderDm('{{reason_message}}', { reason: null }).text;
    expect(renderDm('{{reason_message}}', { reason: 'other' }).text).toBe(neutral);
    expect(renderDm('{{reason_message}}', { reason: 'unknown' }).text).toBe(neutral);
    expect(ja).not.toContain(neutral);
  });

  it('matches each reason sentence to its reason', () => {
    expect(REASON_MESSAGES.product.ja).toContain('改良');
    expect(REASON_MESSAGES.price.ja).toContain('料金プラン');
    expect(REASON_MESSAGES.environment.ja).toContain('新しいご担当者様');
    expect(REASON_MESSAGES.staff.ja).toContain('お詫び');
    expect(REASON_MESSAGES.over_contact.ja).toContain('絞って');
    expect(REASON_MESSAGES.over_contact.en).toMatch(/only when/);
    expect(REASON_MESSAGES.staff.en).toMatch(/apologise/);
  });

  it('gives the coupon code and its expiry counted from today', () => {
    const r = render(
      'コード：{{coupon_code}}\n期限：{{coupon_expires}}まで\n{{cta_url}}',
      {},
      {},
      { coupon_days: 14 },
    );
    expect(r.text).toContain('コード：K7Q4M2XA\n期限：2025年5月24日まで');
    expect(r.couponCode).toBe('K7Q4M2XA');
    expect(r.couponExpires).toBe('2025-05-24');
    expect(r.warnings).toEqual([]);
    const en = render('{{coupon_expires}}', {}, { locale: 'en', today: '2025-12-28' }, { coupon_days: 7 });
    expect(en.text.split('\n')[0]).toBe('4 Jan 2026');
  });

  it('leaves the coupon blank with a warning when no code is given', () => {
    const r = render(
      'コード：{{coupon_code}}（{{coupon_expires}}まで）\n{{cta_url}}',
      {},
      { couponCode: null },
      {
        coupon_days: 14,
      },
    );
    expect(r.text).toContain('コード：（まで）');
    expect(r.couponCode).toBeNull();
    expect(r.couponExpires).toBeNull();
    expect(r.warnings.map((w) => w.message.en)).toEqual([
      'There is no value for {{coupon_code}}: it is left blank.',
      'There is no value for {{coupon_expires}}: it is left blank.',
    ]);
  });

  it('does not record a coupon for a message whose template does not show one', () => {
    const r = render('ご案内 {{cta_url}}');
    expect(r.couponCode).toBeNull();
    expect(r.couponExpires).toBeNull();
  });

  it('reads naturally when facts are missing: fallbacks instead of undefined or a dangling particle', () => {
    const body =
      '{{sender_name}}の{{rep_name}}でございます。\n{{last_purchase_date}}に{{last_product}}をご注文いただきました。\n前回のご注文から{{months_since}}が経ちました。\n{{cta_url}}';
    const r = render(
      body,
      { lastProduct: null, lastPurchaseDay: null, repName: null, reason: null },
      { sender: { name: '', address: 'a', contactEmail: 'b' } },
    );
    expect(r.text).toContain(
      '弊社の営業担当でございます。\n以前に弊社の商品をご注文いただきました。\n前回のご注文からしばらく時間が経ちました。',
    );
    expect(r.text).not.toMatch(/undefined|null|NaN/);
    // five placeholders, and the sender's name the footer lacks
    expect(codes(r.warnings).filter((c) => c === 'empty_value')).toHaveLength(6);
    const en = render(
      'This is {{rep_name}}. It has been {{months_since}} since your order of {{last_product}}.',
      { lastProduct: null, lastPurchaseDay: null, repName: null },
      { locale: 'en' },
    );
    expect(en.text).toContain(
      'This is The sales team. It has been a while since your order of our products.',
    );
  });

  it('treats a malformed last purchase day as missing', () => {
    const r = render('{{last_purchase_date}} {{months_since}}', { lastPurchaseDay: '2024-02-30' });
    expect(r.text.split('\n')[0]).toBe('以前 しばらく時間');
  });

  it('keeps a value on one line: line breaks and control characters in the data become spaces', () => {
    const r = render('{{last_product}}です', { lastProduct: '工具\r\nセット\u0007\u202e' });
    expect(r.text.split('\n')[0]).toBe('工具 セットです');
  });

  it('never expands a placeholder that arrives inside a value', () => {
    const r = render(
      '{{customer_name}} {{coupon_code}}',
      { customerName: '{{coupon_code}}株式会社', contactName: null },
      {},
      {
        coupon_days: 14,
      },
    );
    expect(r.text.split('\n')[0]).toBe('{{coupon_code}}株式会社 御中 K7Q4M2XA');
    expect(r.html).toContain('{{coupon_code}}株式会社 御中 K7Q4M2XA');
    expect(r.html?.match(/K7Q4M2XA/g)).toHaveLength(1);
  });

  it('fills the subject and keeps it to one line', () => {
    const r = render(
      '{{cta_url}}',
      { lastProduct: '工具\nセット' },
      {},
      { subject: '{{last_product}}のご案内' },
    );
    expect(r.subject).toBe('工具 セットのご案内');
  });
});

describe('renderMessage: email HTML and the sender footer', () => {
  it('escapes script and attribute injection in a customer name', () => {
    const r = render('{{customer_name}}\n{{cta_url}}', {
      customerName: '<script>alert(1)</script>"onerror="alert(2)',
      contactName: null,
    });
    expect(r.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;onerror=&quot;alert(2) 御中');
    expect(r.html).not.toContain('<script');
    expect(r.html).not.toContain('"onerror');
    expect(r.text).toContain('<script>alert(1)</script>');
  });

  it('escapes markup written in the template itself and in the subject', () => {
    const r = render(
      '<img src=x onerror=alert(1)> & <b>太字</b>\n{{cta_url}}',
      {},
      {},
      { subject: '<i>件名</i>' },
    );
    expect(r.html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;太字&lt;/b&gt;');
    expect(r.html).toContain('<title>&lt;i&gt;件名&lt;/i&gt;</title>');
    expect(r.html).not.toMatch(/<img|<b>|<i>/);
  });

  it('escapes a script tag and an attribute breakout written in the template body', () => {
    const r = render('<script>alert(1)</script>"onerror="alert(2)\n{{cta_url}}');
    expect(r.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;onerror=&quot;alert(2)');
    expect(r.html).not.toContain('<script');
    expect(r.html).not.toContain('"onerror');
  });

  it('makes the cta and unsubscribe links clickable, with the URL escaped in the attribute', () => {
    const r = render('詳しくは\n{{cta_url}}', {}, { ctaUrl: 'https://mzm.example.jp/t/c/a?x=1&y="2"' });
    expect(r.html).toContain(
      '<a href="https://mzm.example.jp/t/c/a?x=1&amp;y=&quot;2&quot;" style="color:#0b57d0;word-break:break-all;">https://mzm.example.jp/t/c/a?x=1&amp;y=&quot;2&quot;</a>',
    );
    expect(r.html).toContain('<a href="https://mzm.example.jp/t/u/xyz"');
  });

  it('never turns a non-http link into an anchor', () => {
    const r = render('{{cta_url}}', {}, { ctaUrl: 'javascript:alert(1)' });
    expect(r.html).toContain('javascript:alert(1)');
    expect(r.html).not.toContain('href="javascript');
  });

  it('links an http(s) URL the author wrote, without the closing punctuation', () => {
    const r = render('資料：https://example.com/report?a=1&b=2。\n{{cta_url}}');
    expect(r.html).toContain(
      '資料：<a href="https://example.com/report?a=1&amp;b=2" style="color:#0b57d0;word-break:break-all;">https://example.com/report?a=1&amp;b=2</a>。',
    );
  });

  it('does not link a URL that comes from customer data', () => {
    const r = render('{{last_product}} {{cta_url}}', { lastProduct: 'https://evil.example/x' });
    expect(r.html).not.toContain('href="https://evil.example');
    expect(r.html).toContain('https://evil.example/x');
  });

  it('makes paragraphs from blank lines and line breaks from single ones', () => {
    const r = render('一行目\n二行目\n\n\n三段落目\n \n四段落目{{cta_url}}');
    const body = r.html?.split('<hr')[0] ?? '';
    expect(body.match(/<p /g)).toHaveLength(3);
    expect(body).toContain('一行目<br>\n二行目</p>');
    expect(body).toContain('>三段落目</p>');
  });

  it('adds the sender footer 特定電子メール法 asks for, in text and HTML', () => {
    const r = render('本文 {{cta_url}}');
    for (const expected of [
      '送信者：株式会社ミドリ商事',
      '所在地：東京都千代田区丸の内1-1-1',
      'お問い合わせ先：info@midori.example',
      '配信を停止していただけます。',
    ]) {
      expect(r.text).toContain(expected);
      expect(r.html).toContain(expected);
    }
    expect(r.text.trimEnd().endsWith('https://mzm.example.jp/t/u/xyz')).toBe(true);
    expect(r.html).toMatch(
      /<a href="https:\/\/mzm\.example\.jp\/t\/u\/xyz"[^>]*>https:\/\/mzm\.example\.jp\/t\/u\/xyz<\/a><\/p>\n<\/div>/,
    );
    expect(r.warnings).toEqual([]);
  });

  it('writes the footer in English for an English message', () => {
    const r = render('Body {{cta_url}}', {}, { locale: 'en' });
    expect(r.text).toContain(
      'Sender: 株式会社ミドリ商事\nAddress: 東京都千代田区丸の内1-1-1\nEnquiries: info@midori.example',
    );
    expect(r.text).toContain('you can unsubscribe on this page:\nhttps://mzm.example.jp/t/u/xyz');
    expect(r.html).toContain('<html lang="en">');
  });

  it('escapes the sender details in the footer', () => {
    const r = render(
      '{{cta_url}}',
      {},
      { sender: { name: '<b>X</b>', address: 'A & B', contactEmail: 'a@b' } },
    );
    expect(r.html).toContain('送信者：&lt;b&gt;X&lt;/b&gt;');
    expect(r.html).toContain('所在地：A &amp; B');
  });

  it('warns for each sender detail the law requires but the settings lack, and leaves its line out', () => {
    const r = render(
      '{{cta_url}}',
      {},
      { sender: { name: '株式会社ミドリ商事', address: ' ', contactEmail: '' } },
    );
    expect(r.text).not.toContain('所在地');
    expect(r.warnings.map((w) => w.message.ja)).toEqual([
      '送信者の住所が設定されていません。特定電子メール法により、広告・宣伝のメールには表示が必要です。',
      'お問い合わせ先のメールアドレスが設定されていません。特定電子メール法により、広告・宣伝のメールには表示が必要です。',
    ]);
  });

  it('warns when there is no unsubscribe link for the footer', () => {
    const r = render('{{cta_url}}', {}, { unsubscribeUrl: '' });
    expect(r.warnings.map((w) => w.message.en)).toEqual([
      'There is no value for {{unsubscribe_url}}: it is left blank.',
    ]);
  });

  it('gives SMS and DM no HTML and no footer', () => {
    const sms = render(
      '{{sender_name}} {{cta_url}} 停止 {{unsubscribe_url}}',
      {},
      {},
      { channel: 'sms', subject: null },
    );
    expect(sms.html).toBeNull();
    expect(sms.subject).toBeNull();
    expect(sms.text).toBe(
      '株式会社ミドリ商事 https://mzm.example.jp/t/c/abc 停止 https://mzm.example.jp/t/u/xyz',
    );
    const dm = render('拝啓\n\n敬具\n', {}, {}, { channel: 'dm', subject: null });
    expect(dm.html).toBeNull();
    expect(dm.text).toBe('拝啓\n\n敬具');
  });
});

describe('smsSegments', () => {
  it.each([
    ['a'.repeat(160), 'gsm7', 160, 1],
    ['a'.repeat(161), 'gsm7', 161, 2],
    ['a'.repeat(306), 'gsm7', 306, 2],
    ['a'.repeat(307), 'gsm7', 307, 3],
    [`${'a'.repeat(158)}{`, 'gsm7', 160, 1],
    [`${'a'.repeat(159)}€`, 'gsm7', 161, 2],
    ['あ'.repeat(70), 'ucs2', 70, 1],
    ['あ'.repeat(71), 'ucs2', 71, 2],
    ['あ'.repeat(134), 'ucs2', 134, 2],
    ['あ'.repeat(135), 'ucs2', 135, 3],
    [`${'a'.repeat(69)}😀`, 'ucs2', 71, 2],
  ])('splits %j as %s, %i units, %i segment(s)', (text, encoding, units, segments) => {
    expect(smsSegments(text)).toEqual({ encoding, units, segments });
  });

  it('switches the whole message to UCS-2 for one character outside GSM-7', () => {
    expect(smsSegments(`${'a'.repeat(100)}ç`).encoding).toBe('ucs2');
    expect(smsSegments('£¥èÄ').encoding).toBe('gsm7');
  });
});

describe('warnings', () => {
  const sms = (body: string) =>
    render(
      `{{sender_name}}{{cta_url}}{{unsubscribe_url}}${body}`,
      {},
      {
        sender: { name: 'M', address: 'a', contactEmail: 'b' },
        ctaUrl: 'https://a.jp',
        unsubscribeUrl: 'https://b.jp',
      },
      { channel: 'sms', subject: null },
    );

  it('says an SMS over one segment is billed as several, by encoding', () => {
    expect(codes(sms('x'.repeat(100)).warnings)).toEqual([]);
    const two = sms('x'.repeat(140));
    expect(codes(two.warnings)).toEqual(['sms_segments']);
    expect(two.warnings[0]?.message.en).toBe(
      'The message has 165 characters (GSM-7), so it goes out as 2 segments and is billed as 2 messages.',
    );
    expect(codes(sms('あ'.repeat(46)).warnings)).toEqual(['sms_segments']);
    expect(codes(sms('あ'.repeat(45)).warnings)).toEqual([]);
  });

  it('says an SMS over 670 characters or 10 segments is too long to deliver', () => {
    expect(codes(sms('あ'.repeat(645)).warnings)).toEqual(['sms_segments']);
    expect(codes(sms('あ'.repeat(646)).warnings)).toEqual(['sms_too_long']);
    expect(codes(sms('x'.repeat(700)).warnings)).toEqual(['sms_too_long']);
  });

  it('warns about a subject over 40 characters, counting a full-width character as one', () => {
    expect(codes(render('{{cta_url}}', {}, {}, { subject: '件'.repeat(40) }).warnings)).toEqual([]);
    const long = render('{{cta_url}}', {}, {}, { subject: '件'.repeat(41) });
    expect(codes(long.warnings)).toEqual(['subject_long']);
    expect(long.warnings[0]?.message.en).toBe(
      'The subject has 41 characters; over 40 it may be cut off on phones.',
    );
    expect(long.warnings[0]?.message.ja).toContain('スマートフォンでは途中で切れて');
    expect(codes(render('{{cta_url}}', {}, {}, { subject: 'a'.repeat(41) }).warnings)).toEqual([
      'subject_long',
    ]);
  });

  it('counts the subject after filling it', () => {
    const r = render(
      '{{cta_url}}',
      { lastProduct: '長い商品名'.repeat(9) },
      {},
      { subject: '{{last_product}}' },
    );
    expect(codes(r.warnings)).toEqual(['subject_long']);
  });

  it('warns when an email or SMS has no {{cta_url}}, but not a DM', () => {
    expect(codes(render('本文のみ').warnings)).toEqual(['missing_cta']);
    expect(
      codes(
        render('{{sender_name}} {{unsubscribe_url}}', {}, {}, { channel: 'sms', subject: null }).warnings,
      ),
    ).toEqual(['missing_cta']);
    expect(codes(render('拝啓', {}, {}, { channel: 'dm', subject: null }).warnings)).toEqual([]);
  });

  it('warns when a DM will not fit one page', () => {
    const dm = (n: number) => render('あ'.repeat(n), {}, {}, { channel: 'dm', subject: null });
    expect(codes(dm(1200).warnings)).toEqual([]);
    expect(codes(dm(1201).warnings)).toEqual(['body_long']);
  });

  it('templateWarnings works on its own for a rendered message', () => {
    const t = aTemplate();
    const r = renderMessage(t, aCustomer(), someOptions());
    expect(templateWarnings(t, { ...r, subject: '【ご案内】'.repeat(9) }).map((w) => w.code)).toEqual([
      'subject_long',
    ]);
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and attributes', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
