/**
 * The value of each placeholder for one customer (messageTemplates.ts fills them in).
 *
 * Addressing (宛名) — the convention we follow, as in Japanese business correspondence:
 * - a person: 「山田太郎様」;
 * - a company with a known contact: company then person, 様 on the person only —
 *   「株式会社あおば製作所　山田太郎様」 (御中 and 様 are never combined);
 * - a company without a contact name: 「株式会社あおば製作所 御中」 (御中 addresses the organisation);
 *   `{{contact_name}}` then reads 「ご担当者様」.
 * `{{customer_name}}` and `{{contact_name}}` already carry the honorific, so a template must not add
 * 様 after them (validateTemplate says so). An unknown kind is a company when the name carries a legal
 * form (株式会社, (有), Inc., …) or a separate contact is known, else a person. In English the greeting
 * form is the person's name (the contact for a company), else the company name.
 *
 * Missing facts read naturally: each placeholder has a fallback written to fit where the shipped
 * templates put it (`{{last_product}}` → 「弊社の商品」, `{{last_purchase_date}}` → 「以前」 in
 * 「{{last_purchase_date}}にご注文いただいた」, `{{months_since}}` → 「しばらく時間」 in
 * 「前回のご注文から{{months_since}}が経ちました」 / "It has been a while since …"), flagged
 * `missing` so the render can warn. Coupon and link placeholders have no sensible stand-in: they
 * render empty, with the warning.
 */
import type { ReasonCategory } from '../diagnose/reasonCategories.js';
import type { Locale, Placeholder, RenderCustomer, RenderOptions } from './messageTypes.js';
import { enDay, jaDay, monthsBetween } from './talkScript.js';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Control characters, line breaks and bidi overrides out: a value is one line of plain text. */
export function clean(value: string | null | undefined): string {
  if (typeof value !== 'string') return '';
  return value
    .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim();
}

const CORPORATE =
  /株式会社|有限会社|合同会社|合資会社|合名会社|社団法人|財団法人|医療法人|学校法人|社会福祉法人|宗教法人|特定非営利活動法人|NPO法人|協同組合|（株）|\(株\)|㈱|（有）|\(有\)|㈲|\binc\b|\bltd\b|\bllc\b|\bcorp(oration)?\b|\bco\.|\bk\.k\.|\bgmbh\b/i;
const HONORIFIC_END = /(様|さま|御中|殿)$/;

function isCompany(customer: RenderCustomer, name: string, contact: string): boolean {
  if (customer.kind === 'company') return true;
  if (customer.kind === 'person') return false;
  return CORPORATE.test(name) || (contact !== '' && contact !== name);
}

const withSama = (name: string) => (HONORIFIC_END.test(name) ? name : `${name}様`);

function validDay(day: string | null): string | null {
  const match = day ? DAY.exec(day) : null;
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? day : null;
}

/** 'YYYY-MM-DD' plus whole days. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function monthsPhrase(months: number, locale: Locale): string {
  const years = Math.floor(months / 12);
  const rest = months % 12;
  if (locale === 'ja') {
    if (months === 0) return 'ひと月ほど';
    if (years === 0) return `${rest}か月`;
    return rest === 0 ? `${years}年` : `${years}年${rest}か月`;
  }
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (months === 0) return 'about a month';
  if (years === 0) return plural(rest, 'month');
  return rest === 0 ? plural(years, 'year') : `${plural(years, 'year')} and ${plural(rest, 'month')}`;
}

/** One sentence for the reason the customer went quiet (ours), to sit in a message's body. */
export const REASON_MESSAGES: Record<ReasonCategory | 'none', Record<Locale, string>> = {
  product: {
    ja: '以前お寄せいただいたご意見をもとに改良を重ねてまいりましたので、その成果をぜひお確かめいただけましたら幸いです。',
    en: 'We have made a number of improvements based on the feedback you gave us, and we would be glad if you could see them for yourself.',
  },
  price: {
    ja: 'ご予算やご利用量に合わせてお選びいただける料金プランもご用意しておりますので、どうぞお気軽にご相談ください。',
    en: 'We now offer plans that can be matched to your budget and volume, and we would be happy to help you find the one that suits you.',
  },
  environment: {
    ja: 'ご担当の方が替わられた際には、新しいご担当者様にも改めてご挨拶させていただければ幸いです。',
    en: 'If someone new now looks after purchasing, we would welcome the chance to introduce ourselves to them.',
  },
  forgotten: {
    ja: '前回のご注文から少し間が空きましたので、ご補充の目安としてお役立ていただければと思い、ご連絡いたしました。',
    en: 'As it has been a little while since your last order, we thought a short reminder might help when you next restock.',
  },
  competitor: {
    ja: '以前お取引いただいていた頃から、品質やサポートの面で変わった点も多くございますので、比較のご参考にしていただけましたら幸いです。',
    en: 'Much has changed in our quality and support since you last worked with us, and we hope this helps if you are comparing suppliers.',
  },
  need_gone: {
    ja: '今すぐご入用でなくとも、お役に立ちそうな情報がございましたら、折に触れてお知らせさせていただきます。',
    en: 'Even if you have no need for us at present, we will let you know now and then of anything we think may be useful.',
  },
  staff: {
    ja: '以前、弊社の対応によりご迷惑をおかけしましたことを、改めて心よりお詫び申し上げます。',
    en: 'We would like to apologise once more for the trouble our service caused you in the past.',
  },
  over_contact: {
    ja: 'これまでご連絡が重なりご迷惑をおかけしたことをお詫びするとともに、今後は本当にお役に立つご案内だけに絞ってお送りいたします。',
    en: 'We are sorry for contacting you so often, and from now on we will write only when we have something genuinely useful for you.',
  },
  other: {
    ja: '何かお役に立てることがございましたら、どうぞお気軽にお申し付けください。',
    en: 'If there is anything we can help with, please do not hesitate to let us know.',
  },
  unknown: {
    ja: '何かお役に立てることがございましたら、どうぞお気軽にお申し付けください。',
    en: 'If there is anything we can help with, please do not hesitate to let us know.',
  },
  none: {
    ja: '何かお役に立てることがございましたら、どうぞお気軽にお申し付けください。',
    en: 'If there is anything we can help with, please do not hesitate to let us know.',
  },
};

/** The fallback of each placeholder when its fact is missing ('' where nothing fits). */
export const PLACEHOLDER_FALLBACKS: Record<Placeholder, Record<Locale, string>> = {
  customer_name: { ja: 'お客様', en: 'Customer' },
  contact_name: { ja: 'ご担当者様', en: 'Sir or Madam' },
  last_product: { ja: '弊社の商品', en: 'our products' },
  last_purchase_date: { ja: '以前', en: 'some time ago' },
  months_since: { ja: 'しばらく時間', en: 'a while' },
  reason_message: { ja: REASON_MESSAGES.none.ja, en: REASON_MESSAGES.none.en },
  coupon_code: { ja: '', en: '' },
  coupon_expires: { ja: '', en: '' },
  rep_name: { ja: '営業担当', en: 'The sales team' },
  sender_name: { ja: '弊社', en: 'our company' },
  cta_url: { ja: '', en: '' },
  unsubscribe_url: { ja: '', en: '' },
};

export interface Value {
  text: string;
  missing: boolean;
}

export function placeholderValues(
  customer: RenderCustomer,
  options: RenderOptions,
  coupon: { isUsed: boolean; days: number | null },
): { values: Record<Placeholder, Value>; couponCode: string | null; couponExpires: string | null } {
  const locale = options.locale;
  const fallback = (p: Placeholder): Value => ({ text: PLACEHOLDER_FALLBACKS[p][locale], missing: true });
  const given = (text: string, p: Placeholder): Value =>
    text === '' ? fallback(p) : { text, missing: false };

  const name = clean(customer.customerName);
  const contact = clean(customer.contactName);
  const company = isCompany(customer, name, contact);
  let customerName: Value;
  let contactName: Value;
  if (locale === 'ja') {
    customerName =
      name === ''
        ? contact !== ''
          ? { text: withSama(contact), missing: false }
          : fallback('customer_name')
        : {
            text: company
              ? contact !== ''
                ? `${name}\u3000${withSama(contact)}`
                : `${name} 御中`
              : withSama(name),
            missing: false,
          };
    contactName =
      contact !== ''
        ? { text: withSama(contact), missing: false }
        : !company && name !== ''
          ? { text: withSama(name), missing: false }
          : fallback('contact_name');
  } else {
    customerName = given(company ? contact || name : name || contact, 'customer_name');
    contactName =
      contact !== ''
        ? { text: contact, missing: false }
        : !company
          ? given(name, 'contact_name')
          : fallback('contact_name');
  }

  const lastDay = validDay(customer.lastPurchaseDay);
  const today = validDay(options.today);
  const couponGiven = clean(options.couponCode);
  const couponCode = couponGiven !== '' && coupon.isUsed ? couponGiven : null;
  const couponExpires =
    couponCode !== null && today !== null && coupon.days ? addDays(today, coupon.days) : null;
  const day = (d: string) => (locale === 'ja' ? jaDay(d) : enDay(d));

  const values: Record<Placeholder, Value> = {
    customer_name: customerName,
    contact_name: contactName,
    last_product: given(clean(customer.lastProduct), 'last_product'),
    last_purchase_date: lastDay ? { text: day(lastDay), missing: false } : fallback('last_purchase_date'),
    months_since:
      lastDay && today
        ? { text: monthsPhrase(monthsBetween(lastDay, today), locale), missing: false }
        : fallback('months_since'),
    reason_message: { text: REASON_MESSAGES[customer.reason ?? 'none'][locale], missing: false },
    coupon_code: given(couponCode ?? '', 'coupon_code'),
    coupon_expires: couponExpires ? { text: day(couponExpires), missing: false } : fallback('coupon_expires'),
    rep_name: given(clean(customer.repName), 'rep_name'),
    sender_name: given(clean(options.sender.name), 'sender_name'),
    cta_url: given(clean(options.ctaUrl), 'cta_url'),
    unsubscribe_url: given(clean(options.unsubscribeUrl), 'unsubscribe_url'),
  };
  return { values, couponCode, couponExpires };
}
