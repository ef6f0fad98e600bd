/**
 * Checks and renders message templates (messageTypes.ts). A template is plain text with
 * `{{placeholder}}` slots; `renderMessage` fills them for one customer in one pass (a value that
 * itself contains `{{coupon_code}}` is never expanded again) and, for email, builds the HTML from
 * the rendered pieces, escaping every value and every character of the template text.
 *
 * The values (addressing with 様/御中, dates, the reason sentence, the fallbacks of missing facts)
 * come from messageValues.ts; a missing fact reads naturally through its fallback and the render
 * warns `empty_value`.
 *
 * Email carries the sender footer Japan's 特定電子メール法 (Act on Regulation of Transmission of
 * Specified Electronic Mail, art. 4) asks for: the sender's name, postal address, a contact
 * address for enquiries, and how to refuse further mail (the unsubscribe link). An SMS is also
 * 特定電子メール but has no room for a footer: its template must name the sender and carry
 * `{{unsubscribe_url}}` (the page there shows the rest). A postal DM is paper: no footer.
 */
import { nearestName } from '../nearestName.js';
import { MESSAGE_CHANNELS } from './journeyTypes.js';
import {
  LOCALES,
  type Locale,
  type MessageTemplate,
  PLACEHOLDERS,
  type Placeholder,
  type RenderCustomer,
  type RenderedMessage,
  type RenderOptions,
  type TemplateWarning,
} from './messageTypes.js';
import { clean, PLACEHOLDER_FALLBACKS, placeholderValues, type Value } from './messageValues.js';

export interface TemplateIssue {
  path: string;
  message: string;
}

/** Subjects longer than this may be cut off on phones (counted in characters, full-width as one). */
export const SUBJECT_WARN_CHARS = 40;
/** A DM body longer than this probably does not fit one A4 page. */
export const DM_PAGE_CHARS = 1200;
/** Japanese carriers deliver at most 670 characters (10 concatenated UCS-2 segments). */
export const SMS_MAX_CHARS = 670;
export const SMS_MAX_SEGMENTS = 10;

const ID_MAX_CHARS = 64;
const NAME_MAX_CHARS = 100;
const SUBJECT_MAX_CHARS = 200;
const BODY_MAX_CHARS = 20_000;
const COUPON_DAYS_MAX = 365;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const PLACEHOLDER_SET: ReadonlySet<string> = new Set(PLACEHOLDERS);
const isPlaceholder = (name: string): name is Placeholder => PLACEHOLDER_SET.has(name);

// ---------------------------------------------------------------------------------------------
// Parsing

type Token =
  | { type: 'text'; text: string; offset: number }
  | { type: 'slot'; name: string; offset: number; end: number }
  | { type: 'bad'; problem: 'unclosed' | 'malformed'; raw: string; offset: number };

/** Splits a template into text and `{{slot}}`s; `{{ name }}` may have spaces inside the braces. */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  const pushText = (from: number, to: number) => {
    if (to > from) tokens.push({ type: 'text', text: source.slice(from, to), offset: from });
  };
  while (pos < source.length) {
    const open = source.indexOf('{{', pos);
    if (open === -1) break;
    const close = source.indexOf('}}', open + 2);
    const nextOpen = source.indexOf('{{', open + 2);
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
      pushText(pos, open);
      tokens.push({ type: 'bad', problem: 'unclosed', raw: '{{', offset: open });
      pos = open + 2;
      continue;
    }
    pushText(pos, open);
    const inner = source.slice(open + 2, close).trim();
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(inner)) {
      tokens.push({ type: 'slot', name: inner, offset: open, end: close + 2 });
    } else {
      tokens.push({ type: 'bad', problem: 'malformed', raw: source.slice(open, close + 2), offset: open });
    }
    pos = close + 2;
  }
  pushText(pos, source.length);
  return tokens;
}

/** 1-based line and column (in characters) of an offset. */
function position(source: string, offset: number): string {
  const before = source.slice(0, offset);
  const lines = before.split('\n');
  const line = lines.length;
  const column = [...(lines[lines.length - 1] ?? '')].length + 1;
  return `line ${line}, column ${column}`;
}

function suggestion(name: string): string {
  const best = nearestName(name.toLowerCase(), PLACEHOLDERS, 2);
  return best ? `did you mean {{${best}}}?` : `known: ${PLACEHOLDERS.join(', ')}`;
}

const HONORIFIC_AFTER = /^[ \u3000]*(様|さま|御中|殿|さん)/;

function checkText(path: string, source: string): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  for (const token of tokenize(source)) {
    if (token.type === 'bad') {
      issues.push({
        path,
        message:
          token.problem === 'unclosed'
            ? `unclosed "{{" at ${position(source, token.offset)}: close it with "}}"`
            : `"${token.raw}" at ${position(source, token.offset)} is not a placeholder: write {{name}} with one of ${PLACEHOLDERS.join(', ')}`,
      });
    } else if (token.type === 'slot') {
      if (!isPlaceholder(token.name)) {
        issues.push({
          path,
          message: `unknown placeholder {{${token.name}}} at ${position(source, token.offset)}: ${suggestion(token.name)}`,
        });
      } else if (token.name === 'customer_name' || token.name === 'contact_name') {
        const honorific = HONORIFIC_AFTER.exec(source.slice(token.end))?.[1];
        if (honorific) {
          issues.push({
            path,
            message: `{{${token.name}}} at ${position(source, token.offset)} already ends in 様 or 御中: remove the "${honorific}" after it`,
          });
        }
      }
    }
  }
  // {customer_name} with single braces would go out as written.
  for (const match of source.matchAll(/(?<!\{)\{([a-z_]+)\}(?!\})/g)) {
    const name = match[1] as string;
    if (isPlaceholder(name)) {
      issues.push({
        path,
        message: `"{${name}}" at ${position(source, match.index)} has single braces: write {{${name}}}`,
      });
    }
  }
  return issues;
}

/** The known placeholders a template uses (subject and body), in first-use order. */
export function templatePlaceholders(t: Pick<MessageTemplate, 'subject' | 'body'>): Placeholder[] {
  const used: Placeholder[] = [];
  for (const source of [t.subject ?? '', t.body]) {
    for (const token of tokenize(source)) {
      if (token.type === 'slot' && isPlaceholder(token.name) && !used.includes(token.name))
        used.push(token.name);
    }
  }
  return used;
}

/** Whether a message from this template carries a coupon (the adapter then makes a code for it). */
export function usesCoupon(t: Pick<MessageTemplate, 'subject' | 'body'>): boolean {
  const used = templatePlaceholders(t);
  return used.includes('coupon_code') || used.includes('coupon_expires');
}

const chars = (s: string) => [...s].length;

/**
 * Everything wrong with a template, each issue with its path; empty when it can be saved.
 *
 * @example validateTemplate({ id: 'day1', channel: 'email', locale: 'ja', name: '初回',
 *   subject: null, body: '{{custmer_name}}' })
 * // → [{ path: 'subject', message: 'an email needs a subject' },
 * //    { path: 'body', message: 'unknown placeholder {{custmer_name}} at line 1, column 1: did you mean {{customer_name}}?' }]
 */
export function validateTemplate(t: MessageTemplate): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });

  if (typeof t.id !== 'string' || !SLUG.test(t.id)) {
    add('id', 'expected a lowercase slug of letters, digits and single hyphens, e.g. winback-day1-email');
  } else if (t.id.length > ID_MAX_CHARS) {
    add('id', `at most ${ID_MAX_CHARS} characters`);
  }
  if (!(MESSAGE_CHANNELS as readonly string[]).includes(t.channel)) {
    add('channel', `expected one of ${MESSAGE_CHANNELS.join(', ')}`);
  }
  if (!(LOCALES as readonly string[]).includes(t.locale))
    add('locale', `expected one of ${LOCALES.join(', ')}`);
  if (typeof t.name !== 'string' || t.name.trim() === '') add('name', 'give the template a name');
  else if (chars(t.name) > NAME_MAX_CHARS) add('name', `at most ${NAME_MAX_CHARS} characters`);

  const subject = t.subject ?? '';
  if (t.channel === 'email') {
    if (subject.trim() === '') add('subject', 'an email needs a subject');
    else if (/[\r\n]/.test(subject)) add('subject', 'a subject is one line: remove the line break');
    else if (chars(subject) > SUBJECT_MAX_CHARS) add('subject', `at most ${SUBJECT_MAX_CHARS} characters`);
    else issues.push(...checkText('subject', subject));
  } else if (subject.trim() !== '') {
    add(
      'subject',
      t.channel === 'sms'
        ? 'an SMS has no subject: put everything in the body'
        : 'a DM has no subject line: put the heading in the body',
    );
  }

  if (typeof t.body !== 'string' || t.body.trim() === '') {
    add('body', 'the body is empty');
  } else if (chars(t.body) > BODY_MAX_CHARS) {
    add('body', `at most ${BODY_MAX_CHARS.toLocaleString('en')} characters`);
  } else {
    issues.push(...checkText('body', t.body));
    if (t.channel === 'sms') {
      const used = templatePlaceholders({ subject: null, body: t.body });
      if (!used.includes('sender_name')) {
        add('body', 'an SMS must name the sender (特定電子メール法): add {{sender_name}}');
      }
      if (!used.includes('unsubscribe_url')) {
        add('body', 'an SMS must say how to stop messages (特定電子メール法): add {{unsubscribe_url}}');
      }
    }
  }

  if (t.coupon_days !== undefined && t.coupon_days !== null) {
    if (!Number.isInteger(t.coupon_days) || t.coupon_days < 1 || t.coupon_days > COUPON_DAYS_MAX) {
      add('coupon_days', `expected whole days from 1 to ${COUPON_DAYS_MAX}`);
    }
  } else if (typeof t.body === 'string' && usesCoupon(t)) {
    add(
      'coupon_days',
      'the template uses {{coupon_code}} or {{coupon_expires}}: say how many days the coupon is valid',
    );
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** A piece of rendered text: template text, a filled value, or a link (cta/unsubscribe). */
interface Piece {
  kind: 'template' | 'value' | 'link';
  text: string;
}

function fill(source: string, values: Record<Placeholder, Value>): Piece[] {
  const pieces: Piece[] = [];
  for (const token of tokenize(source.replace(/\r\n?/g, '\n'))) {
    if (token.type === 'text') pieces.push({ kind: 'template', text: token.text });
    else if (token.type === 'bad') pieces.push({ kind: 'template', text: token.raw });
    else if (!isPlaceholder(token.name)) pieces.push({ kind: 'template', text: `{{${token.name}}}` });
    else {
      const link = token.name === 'cta_url' || token.name === 'unsubscribe_url';
      pieces.push({ kind: link ? 'link' : 'value', text: values[token.name].text });
    }
  }
  return pieces;
}

const textOf = (pieces: Piece[]) => pieces.map((p) => p.text).join('');

/** Escapes text for HTML element content and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const LINK_STYLE = 'color:#0b57d0;word-break:break-all;';

function linkHtml(url: string): string {
  if (!/^https?:\/\/[^\s]+$/i.test(url)) return escapeHtml(url);
  return `<a href="${escapeHtml(url)}" style="${LINK_STYLE}">${escapeHtml(url)}</a>`;
}

/** Template text to HTML: escaped, with the http(s) links the author wrote made clickable. */
function templateTextHtml(text: string): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"'（）「」『』、。]+/gi)) {
    const url = match[0].replace(/[.,;:!?)\]]+$/, '');
    html += escapeHtml(text.slice(last, match.index)) + linkHtml(url);
    last = match.index + url.length;
  }
  return html + escapeHtml(text.slice(last));
}

/** Paragraphs from blank lines, single line breaks as <br>. */
function paragraphsHtml(pieces: Piece[], style: string): string {
  const paragraphs: string[] = [''];
  for (const piece of pieces) {
    if (piece.kind === 'value') paragraphs[paragraphs.length - 1] += escapeHtml(piece.text);
    else if (piece.kind === 'link') paragraphs[paragraphs.length - 1] += linkHtml(piece.text);
    else {
      const chunks = piece.text.split(/\n(?:[ \t\u3000]*\n)+/);
      chunks.forEach((chunk, i) => {
        if (i > 0) paragraphs.push('');
        paragraphs[paragraphs.length - 1] += chunk
          .split('\n')
          .map((line) => templateTextHtml(line))
          .join('<br>\n');
      });
    }
  }
  return paragraphs
    .map((p) => p.replace(/^(?:\s|<br>)+|(?:\s|<br>)+$/g, ''))
    .filter((p) => p !== '')
    .map((p) => `<p style="${style}">${p}</p>`)
    .join('\n');
}

const FOOTER_WORDS: Record<Locale, { sender: string; address: string; contact: string; stop: string }> = {
  ja: {
    sender: '送信者',
    address: '所在地',
    contact: 'お問い合わせ先',
    stop: '今後このようなご案内がご不要でしたら、下記のページから配信を停止していただけます。',
  },
  en: {
    sender: 'Sender',
    address: 'Address',
    contact: 'Enquiries',
    stop: 'If you would rather not receive these emails, you can unsubscribe on this page:',
  },
};

const SEPARATOR = '――――――――――――――――――――';

/** The 特定電子メール法 footer as pieces (lines with missing facts are left out and warned). */
function footerPieces(options: RenderOptions, unsubscribe: string): Piece[][] {
  const w = FOOTER_WORDS[options.locale];
  const name = clean(options.sender.name);
  const address = clean(options.sender.address);
  const email = clean(options.sender.contactEmail);
  const identity: Piece[] = [];
  const line = (label: string, value: string, kind: Piece['kind'] = 'value') => {
    if (value === '') return;
    if (identity.length > 0) identity.push({ kind: 'template', text: '\n' });
    identity.push(
      { kind: 'template', text: `${label}${options.locale === 'ja' ? '：' : ': '}` },
      { kind, text: value },
    );
  };
  line(w.sender, name);
  line(w.address, address);
  line(w.contact, email);
  const stop: Piece[] = [{ kind: 'template', text: w.stop }];
  if (unsubscribe !== '') stop.push({ kind: 'template', text: '\n' }, { kind: 'link', text: unsubscribe });
  return [identity, stop].filter((p) => p.length > 0);
}

function emailHtml(subject: string, locale: Locale, body: Piece[], footer: Piece[][]): string {
  const bodyStyle = 'margin:0 0 1em;';
  const footerStyle = 'margin:0 0 0.8em;';
  return [
    '<!doctype html>',
    `<html lang="${locale}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title>`,
    '</head>',
    '<body style="margin:0;padding:16px;background:#ffffff;color:#222222;font-family:sans-serif;font-size:15px;line-height:1.7;">',
    '<div style="max-width:640px;margin:0 auto;">',
    paragraphsHtml(body, bodyStyle),
    '<hr style="border:none;border-top:1px solid #cccccc;margin:24px 0 12px;">',
    '<div style="font-size:12px;color:#555555;">',
    footer.map((pieces) => paragraphsHtml(pieces, footerStyle)).join('\n'),
    '</div>',
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Warnings

const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENDED = new Set('^{}\\[~]|€\f');

export interface SmsLength {
  encoding: 'gsm7' | 'ucs2';
  /** Septets (GSM-7, extension characters count 2) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

/**
 * How an SMS is encoded and into how many segments it splits: GSM-7 when every character is in
 * the GSM 03.38 alphabet (160 per message, 153 per part when concatenated), else UCS-2
 * (70, 67 per part) — any Japanese character makes the whole message UCS-2.
 *
 * @example smsSegments('ご注文ありがとうございます') // → { encoding: 'ucs2', units: 13, segments: 1 }
 */
export function smsSegments(text: string): SmsLength {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM7_BASIC.has(ch)) septets += 1;
    else if (GSM7_EXTENDED.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) {
    return { encoding: 'gsm7', units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
  }
  const units = text.length;
  return { encoding: 'ucs2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

function warning(code: TemplateWarning['code'], ja: string, en: string): TemplateWarning {
  return { code, message: { ja, en } };
}

/**
 * The warnings a rendered message earns for its channel: a subject that may be cut off on phones,
 * an SMS billed as several messages or too long to deliver, a DM longer than a page, no
 * {{cta_url}} in an email or SMS.
 *
 * @example templateWarnings(t, { ...rendered, subject: '【ご案内】'.repeat(9) })[0].code // → 'subject_long'
 */
export function templateWarnings(t: MessageTemplate, rendered: RenderedMessage): TemplateWarning[] {
  const warnings: TemplateWarning[] = [];
  if (rendered.channel === 'email' && rendered.subject !== null) {
    const n = chars(rendered.subject);
    if (n > SUBJECT_WARN_CHARS) {
      warnings.push(
        warning(
          'subject_long',
          `件名が${n}文字あります。${SUBJECT_WARN_CHARS}文字を超えると、スマートフォンでは途中で切れて表示されることがあります。`,
          `The subject has ${n} characters; over ${SUBJECT_WARN_CHARS} it may be cut off on phones.`,
        ),
      );
    }
  }
  if (rendered.channel === 'sms') {
    const sms = smsSegments(rendered.text);
    const n = chars(rendered.text);
    const encoding = sms.encoding === 'gsm7' ? 'GSM-7' : 'UCS-2';
    if (sms.segments > SMS_MAX_SEGMENTS || n > SMS_MAX_CHARS) {
      warnings.push(
        warning(
          'sms_too_long',
          `SMSは${SMS_MAX_CHARS}文字（${SMS_MAX_SEGMENTS}通分）までしか届きません。本文は${n}文字（${sms.segments}通分）あります。短くしてください。`,
          `An SMS can carry at most ${SMS_MAX_CHARS} characters (${SMS_MAX_SEGMENTS} segments); this one has ${n} (${sms.segments} segments). Shorten it.`,
        ),
      );
    } else if (sms.segments > 1) {
      warnings.push(
        warning(
          'sms_segments',
          `本文は${n}文字（${encoding}）のため${sms.segments}通に分けて送られ、${sms.segments}通分の料金がかかります。`,
          `The message has ${n} characters (${encoding}), so it goes out as ${sms.segments} segments and is billed as ${sms.segments} messages.`,
        ),
      );
    }
  }
  if (rendered.channel === 'dm') {
    const n = chars(rendered.text);
    if (n > DM_PAGE_CHARS) {
      warnings.push(
        warning(
          'body_long',
          `DMの本文が${n}文字あり、A4用紙1枚（約${DM_PAGE_CHARS.toLocaleString('ja')}文字）に収まらないおそれがあります。`,
          `The letter has ${n} characters and may not fit on one A4 page (about ${DM_PAGE_CHARS.toLocaleString('en')}).`,
        ),
      );
    }
  }
  if ((t.channel === 'email' || t.channel === 'sms') && !templatePlaceholders(t).includes('cta_url')) {
    warnings.push(
      warning(
        'missing_cta',
        '本文に{{cta_url}}がありません。お客様が次に何をすればよいか分かりにくく、クリックも計測できません。',
        'The body has no {{cta_url}}: the customer has no clear next step and clicks cannot be measured.',
      ),
    );
  }
  return warnings;
}

function emptyValueWarning(p: Placeholder, locale: Locale): TemplateWarning {
  const ja = PLACEHOLDER_FALLBACKS[p].ja;
  const en = PLACEHOLDER_FALLBACKS[p].en;
  return warning(
    'empty_value',
    ja === ''
      ? `{{${p}}}の値がないため、空欄になります。`
      : `{{${p}}}の値がないため、「${locale === 'ja' ? ja : en}」と表示します。`,
    en === ''
      ? `There is no value for {{${p}}}: it is left blank.`
      : `There is no value for {{${p}}}: it reads "${locale === 'ja' ? ja : en}".`,
  );
}

const SENDER_FIELDS = [
  ['name', '送信者名', "sender's name"],
  ['address', '送信者の住所', "sender's postal address"],
  ['contactEmail', 'お問い合わせ先のメールアドレス', 'contact email for enquiries'],
] as const;

/**
 * One template rendered for one customer: subject and text, for email also the HTML and the
 * sender footer, the coupon it carries and every warning.
 *
 * @example renderMessage(shippedTemplate('winback-offer-email', 'ja'), customer,
 *   { locale: 'ja', today: '2026-03-05', couponCode: 'K7Q4M2XA', … }).couponExpires // → '2026-03-19'
 */
export function renderMessage(
  t: MessageTemplate,
  customer: RenderCustomer,
  options: RenderOptions,
): RenderedMessage {
  const { values, couponCode, couponExpires } = placeholderValues(customer, options, {
    isUsed: usesCoupon(t),
    days: t.coupon_days ?? null,
  });
  const warnings: TemplateWarning[] = [];
  for (const p of templatePlaceholders(t)) {
    if (values[p].missing) warnings.push(emptyValueWarning(p, options.locale));
  }

  const body = fill(t.body, values);
  const bodyText = textOf(body).replace(/\s+$/, '');
  let subject: string | null = null;
  let text = bodyText;
  let html: string | null = null;

  if (t.channel === 'email') {
    subject = textOf(fill((t.subject ?? '').replace(/[\r\n]+/g, ' '), values)).trim();
    const unsubscribe = values.unsubscribe_url.text;
    if (unsubscribe === '' && !templatePlaceholders(t).includes('unsubscribe_url')) {
      warnings.push(emptyValueWarning('unsubscribe_url', options.locale));
    }
    for (const [field, ja, en] of SENDER_FIELDS) {
      if (clean(options.sender[field]) === '') {
        warnings.push(
          warning(
            'empty_value',
            `${ja}が設定されていません。特定電子メール法により、広告・宣伝のメールには表示が必要です。`,
            `The ${en} is not set; Japan's Act on Specified Electronic Mail requires it in marketing email.`,
          ),
        );
      }
    }
    const footer = footerPieces(options, unsubscribe);
    text = `${bodyText}\n\n${SEPARATOR}\n${footer.map(textOf).join('\n\n')}\n`;
    html = emailHtml(subject, options.locale, body, footer);
  }

  const rendered: RenderedMessage = {
    channel: t.channel,
    locale: options.locale,
    subject,
    text,
    html,
    couponCode,
    couponExpires,
    warnings,
  };
  rendered.warnings = [...warnings, ...templateWarnings(t, rendered)];
  return rendered;
}
