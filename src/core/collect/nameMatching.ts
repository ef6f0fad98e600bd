/**
 * Name matching (名寄せ): the keys under which one customer, written differently in
 * different systems, collides. 株式会社ABC, (株)ＡＢＣ, ㈱ABC, ABC株式会社, ABC Co., Ltd. and
 * 株式会社 ＡＢＣ all share the company key "ABC"; 山田 太郎 and 山田　太郎 share a person key;
 * 03-1234-5678 and +81 3 1234 5678 share a phone key.
 *
 * Every function here is pure and total: bad input gives null (no evidence), never an error.
 */

/**
 * Japanese legal forms, after NFKC (so ㈱ and （株） are already "(株)"). Longer forms first, so
 * 医療法人社団 is removed whole and not left as 社団. The kana forms カ) / (カ are how banks
 * abbreviate 株式会社 in transfer names, see KANA_LEGAL_FORM.
 */
const JAPANESE_LEGAL_FORMS = [
  '特定非営利活動法人',
  '一般社団法人',
  '公益社団法人',
  '一般財団法人',
  '公益財団法人',
  '社会福祉法人',
  '医療法人社団',
  '医療法人財団',
  '有限責任事業組合',
  '株式会社',
  '有限会社',
  '合同会社',
  '合資会社',
  '合名会社',
  '医療法人',
  '学校法人',
  '宗教法人',
  '社団法人',
  '財団法人',
  'NPO法人',
  '(株)',
  '(有)',
  '(同)',
  '(資)',
  '(名)',
  '(社)',
  '(財)',
  '(医)',
  '(学)',
  '(福)',
  '(特非)',
];
const JAPANESE_LEGAL_FORM = new RegExp(
  JAPANESE_LEGAL_FORMS.map((form) => form.replace(/[()]/g, '\\$&')).join('|'),
  'g',
);
/** Bank-style kana abbreviations, only at the start or end of a name (not inside (カフェ)). */
const KANA_LEGAL_FORM = /^\s*[カユ]\)|\([カユ]\s*$/u;

/**
 * English legal forms. Only removed at the end of a name (repeatedly, so "Holdings Co., Ltd."
 * loses "Co., Ltd." but keeps "Holdings"), because English names carry their legal form last
 * and a word like "Limited" inside a name is part of the name.
 */
const LATIN_LEGAL_FORM_AT_END =
  /[\s,.]*(?<![A-Za-z0-9])(co\.?\s*,?\s*ltd\.?|company\s+limited|co\.?\s*,?\s*inc\.?|corporation|corp\.?|incorporated|inc\.?|k\.?\s?k\.?|g\.?\s?k\.?|l\.?l\.?c\.?|ltd\.?|limited|co\.?|gmbh|s\.?a\.?|plc)[\s,.]*$/i;
const LEADING_LATIN_LEGAL_FORM = /^\s*(kabushiki\s+kaisha|k\.k\.)\s+/i;

/** Everything that is not a letter or a digit: spaces, ・, punctuation, brackets, symbols. */
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;

/** Honorifics that sometimes come along with a person's name in exported data. */
const HONORIFIC_AT_END = /(様|殿|さん|御中)$/u;

/**
 * The key two company names share when they differ only in legal form (before or after the
 * name, Japanese or English), width, case, spacing or punctuation. A name that is nothing but a
 * legal form keeps its own normalised text, so it never collides with every other such name.
 * The bank-style kana forms カ) / (カ are how banks abbreviate 株式会社 (ｶ)ABC → カ)ABC).
 *
 * @example companyNameKey('(株)ＡＢＣ 商事') === companyNameKey('株式会社ABC商事') // "ABC商事"
 */
export function companyNameKey(name: string): string {
  const normalised = name.normalize('NFKC');
  let stripped = normalised.replace(/御中\s*$/u, '');
  stripped = stripped.replace(JAPANESE_LEGAL_FORM, ' ');
  stripped = stripped.replace(KANA_LEGAL_FORM, ' ').replace(LEADING_LATIN_LEGAL_FORM, ' ');
  for (let previous = ''; previous !== stripped; ) {
    previous = stripped;
    stripped = stripped.replace(LATIN_LEGAL_FORM_AT_END, '');
  }
  const key = lettersAndDigits(stripped);
  return key !== '' ? key : lettersAndDigits(normalised);
}

/**
 * The key two spellings of a person's name share: NFKC (half-width kana, full-width letters),
 * no spaces of either width, no punctuation, upper case, no trailing 様/殿/さん.
 *
 * @example personNameKey('山田　太郎 様') === personNameKey('山田 太郎') // "山田太郎"
 */
export function personNameKey(name: string): string {
  const normalised = name.normalize('NFKC').trim().replace(HONORIFIC_AT_END, '');
  const key = lettersAndDigits(normalised);
  return key !== '' ? key : lettersAndDigits(name.normalize('NFKC'));
}

/**
 * The name key of a customer of either kind.
 *
 * @example customerNameKey('㈱ABC', 'company') // "ABC"
 */
export function customerNameKey(name: string, kind: 'company' | 'person'): string {
  return kind === 'person' ? personNameKey(name) : companyNameKey(name);
}

function lettersAndDigits(text: string): string {
  return text.replace(NOT_LETTER_OR_DIGIT, '').toUpperCase();
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Domains reserved for examples and tests (RFC 2606, JPRS): never a real customer's address. */
const PLACEHOLDER_EMAIL_DOMAINS = [
  'example.com',
  'example.net',
  'example.org',
  'example.jp',
  'example.co.jp',
  'example.ne.jp',
  'example.or.jp',
  'localhost',
];
const PLACEHOLDER_TLDS = ['test', 'example', 'invalid', 'localhost'];

/**
 * An email address normalised for comparison (NFKC, trimmed, lower case, mailto: removed), or
 * null when it is not an address or is a placeholder (…@example.com).
 *
 * @example normaliseEmail(' Taro@ＡＢＣ.co.jp ') // "taro@abc.co.jp"
 */
export function normaliseEmail(email: string | null | undefined): string | null {
  if (email == null) return null;
  const value = email
    .normalize('NFKC')
    .trim()
    .replace(/^mailto:/i, '')
    .toLowerCase();
  if (!EMAIL_SHAPE.test(value)) return null;
  const domain = value.slice(value.lastIndexOf('@') + 1);
  if (isUnderAny(domain, PLACEHOLDER_EMAIL_DOMAINS_SET)) return null;
  if (PLACEHOLDER_TLDS.includes(domain.slice(domain.lastIndexOf('.') + 1))) return null;
  return value;
}

/**
 * Free-mail, ISP and mobile-carrier domains. Two customers sharing one of these share nothing
 * but a provider, so such a domain is never evidence. Subdomains count too (d.vodafone.ne.jp).
 */
export const FREE_MAIL_DOMAINS: readonly string[] = [
  // international free mail
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'ymail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'protonmail.com',
  'proton.me',
  'gmx.com',
  'zoho.com',
  'yandex.com',
  'mail.com',
  'qq.com',
  '163.com',
  '126.com',
  'naver.com',
  'hanmail.net',
  // Japanese free mail
  'yahoo.co.jp',
  'ymail.ne.jp',
  'outlook.jp',
  'hotmail.co.jp',
  'live.jp',
  'excite.co.jp',
  'infoseek.jp',
  'goo.jp',
  'mail.goo.ne.jp',
  'livedoor.com',
  'rakumail.jp',
  'zoho.jp',
  // Japanese ISPs (addresses of private households)
  'nifty.com',
  'nifty.ne.jp',
  'biglobe.ne.jp',
  'ocn.ne.jp',
  'so-net.ne.jp',
  'plala.or.jp',
  'dion.ne.jp',
  'ybb.ne.jp',
  'bb.excite.co.jp',
  'jcom.home.ne.jp',
  'jcom.zaq.ne.jp',
  'zaq.ne.jp',
  'eonet.ne.jp',
  'asahi-net.or.jp',
  'mopera.net',
  // mobile carriers
  'docomo.ne.jp',
  'ezweb.ne.jp',
  'au.com',
  'softbank.ne.jp',
  'i.softbank.jp',
  'vodafone.ne.jp',
  'disney.ne.jp',
  'ymobile.ne.jp',
  'y-mobile.ne.jp',
  'emobile.ne.jp',
  'willcom.com',
  'pdx.ne.jp',
  'wcm.ne.jp',
  'uqmobile.jp',
  'mineo.jp',
  'rakuten.jp',
  'povo.jp',
  'ahamo.jp',
  'linemo.jp',
];

const FREE_MAIL_DOMAINS_SET: ReadonlySet<string> = new Set(FREE_MAIL_DOMAINS);
const PLACEHOLDER_EMAIL_DOMAINS_SET: ReadonlySet<string> = new Set(PLACEHOLDER_EMAIL_DOMAINS);

/** Whether the domain is one of `parents` or a subdomain of one. */
function isUnderAny(domain: string, parents: ReadonlySet<string>): boolean {
  for (let at = 0; at !== -1; at = domain.indexOf('.', at + 1)) {
    if (parents.has(at === 0 ? domain : domain.slice(at + 1))) return true;
  }
  return false;
}

/**
 * Whether an email domain belongs to a free-mail provider, an ISP or a mobile carrier.
 *
 * @example isFreeMailDomain('i.softbank.jp') // true
 */
export function isFreeMailDomain(domain: string): boolean {
  return isUnderAny(domain.normalize('NFKC').trim().toLowerCase(), FREE_MAIL_DOMAINS_SET);
}

/** Second-level labels under which a registrable domain has three labels (abc.co.jp). */
const SECOND_LEVEL_LABELS = new Set([
  'co',
  'or',
  'ne',
  'ac',
  'go',
  'ed',
  'gr',
  'lg',
  'ad',
  'com',
  'net',
  'org',
]);
const COUNTRY_CODE_TLD = /^[a-z]{2}$/;

/**
 * The company domain behind an email address: its registrable domain (abc.co.jp for
 * tokyo.abc.co.jp), or null for free-mail, ISP and carrier addresses and for non-addresses.
 *
 * @example companyEmailDomain('Sato@Tokyo.ABC.co.jp') // "abc.co.jp"
 * @example companyEmailDomain('taro@gmail.com') // null
 */
export function companyEmailDomain(email: string | null | undefined): string | null {
  const address = normaliseEmail(email);
  return address === null ? null : companyDomainOfAddress(address);
}

/** companyEmailDomain for an address normaliseEmail already returned. */
export function companyDomainOfAddress(address: string): string | null {
  const domain = address.slice(address.lastIndexOf('@') + 1);
  if (isUnderAny(domain, FREE_MAIL_DOMAINS_SET)) return null;
  const labels = domain.split('.');
  const tld = labels[labels.length - 1] ?? '';
  const second = labels[labels.length - 2] ?? '';
  const take = COUNTRY_CODE_TLD.test(tld) && SECOND_LEVEL_LABELS.has(second) ? 3 : 2;
  return labels.slice(-take).join('.');
}

const MIN_PHONE_DIGITS = 8;
const MAX_PHONE_DIGITS = 15;

/**
 * A phone number reduced to its digits for comparison: NFKC, hyphens, brackets, spaces and
 * dots removed, +81 (Japan's country code) turned into the domestic leading 0, a leading 0
 * that a spreadsheet dropped put back, an extension (内線, ext.) dropped. Null when too short or long to be a number, or a placeholder such as
 * 000-0000-0000.
 *
 * @example normalisePhone('+81 (3) 1234-5678') // "0312345678"
 * @example normalisePhone('０３－１２３４－５６７８') // "0312345678"
 */
export function normalisePhone(phone: string | null | undefined): string | null {
  if (phone == null) return null;
  const withoutExtension = phone
    .normalize('NFKC')
    .replace(/(内線|ext\.?|x)\s*\d+\s*$/i, '')
    .trim();
  let digits = withoutExtension.replace(/[^\d+]/g, '');
  if (digits.startsWith('+81')) digits = `0${digits.slice(3).replace(/^0/, '')}`;
  else if (digits.startsWith('0081')) digits = `0${digits.slice(4).replace(/^0/, '')}`;
  else if (digits.startsWith('81') && (digits.length === 11 || digits.length === 12)) {
    digits = `0${digits.slice(2)}`;
  } else if (/^[1-9]\d{8,9}$/.test(digits)) {
    // a spreadsheet dropped the leading 0 of a domestic number (3-1234-5678 → 312345678)
    digits = `0${digits}`;
  }
  if (digits.includes('+', 1)) return null;
  const bare = digits.replace('+', '');
  if (bare.length < MIN_PHONE_DIGITS || bare.length > MAX_PHONE_DIGITS) return null;
  if (/^(\d)\1+$/.test(bare.replace(/^0/, ''))) return null;
  return digits;
}

/**
 * A Japanese postal code as its seven digits (〒100-0001 → "1000001"), or null.
 *
 * @example normalisePostalCode('〒１００－０００１') // "1000001"
 */
export function normalisePostalCode(postalCode: string | null | undefined): string | null {
  if (postalCode == null) return null;
  const digits = postalCode.normalize('NFKC').replace(/\D/g, '');
  return digits.length === 7 && digits !== '0000000' ? digits : null;
}

/**
 * A prefecture without its 都/道/府/県 suffix, so 東京都 and 東京 compare equal (京都 keeps its
 * 都: no prefecture name is a single character).
 *
 * @example prefectureKey('東京都') === prefectureKey('東京') // "東京"
 * @example prefectureKey('京都府') // "京都"
 */
export function prefectureKey(prefecture: string | null | undefined): string | null {
  if (prefecture == null) return null;
  const name = prefecture.normalize('NFKC').replace(/\s+/g, '');
  if (name === '') return null;
  const stripped = name.replace(/[都道府県]$/u, '');
  return Array.from(stripped).length >= 2 ? stripped : name;
}

/** Dash-like characters written in addresses where a hyphen is meant (not the long vowel ー). */
const ADDRESS_DASHES = /[-‐‑‒–—―−－]/g;

/**
 * An address normalised for comparison: NFKC, no spaces, dashes unified, upper case,
 * 丁目/番地/番/号 written as hyphens (1丁目2番3号 = 1-2-3).
 *
 * @example addressKey('千代田区千代田１丁目１番１号') === addressKey('千代田区 千代田1-1-1') // true
 */
export function addressKey(address: string | null | undefined): string | null {
  if (address == null) return null;
  const key = address
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(ADDRESS_DASHES, '-')
    .replace(/(\d)(丁目|番地|番)(?=\d)/g, '$1-')
    .replace(/(\d)(番地|番|号)$/g, '$1')
    .toUpperCase();
  return key === '' ? null : key;
}

/**
 * The distinct character bigrams of a text (a one-character text is its own single "bigram").
 *
 * @example characterBigrams('ABAB') // ["AB", "BA"]
 */
export function characterBigrams(text: string): string[] {
  const chars = Array.from(text);
  if (chars.length < 2) return chars.length === 1 ? [chars[0] as string] : [];
  const bigrams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) bigrams.add(`${chars[i]}${chars[i + 1]}`);
  return [...bigrams];
}

/**
 * Dice similarity of two texts' sets of character bigrams: 1 for equal texts, 0 for texts with
 * no bigram in common.
 *
 * @example bigramSimilarity('ABC商事株式', 'ABC商事') // 0.8
 */
export function bigramSimilarity(a: string, b: string): number {
  const left = characterBigrams(a);
  const right = new Set(characterBigrams(b));
  if (left.length === 0 && right.size === 0) return 1;
  if (left.length === 0 || right.size === 0) return 0;
  let shared = 0;
  for (const bigram of left) if (right.has(bigram)) shared++;
  return (2 * shared) / (left.length + right.size);
}
