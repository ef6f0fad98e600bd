/**
 * Parsing of the cell values found in Japanese and English business exports: yen amounts
 * (`¥1,200`, `1,200円`, `１，２００`, `△500`), dates (`2024/3/5`, `2024年3月5日`, `20240305`,
 * `令和6年3月5日`, `2024/03/05 14:30`), yes/no marks (`○`/`×`, `有`/`無`, `可`/`不可`) and
 * coordinates. Every parser returns a value or a violation a person can act on; none throws.
 */

export type ValueViolationCode =
  | 'required'
  | 'invalid_amount'
  | 'invalid_number'
  | 'invalid_integer'
  | 'invalid_date'
  | 'invalid_boolean'
  | 'invalid_choice'
  | 'invalid_email'
  | 'invalid_json'
  | 'out_of_range'
  | 'too_long';

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: ValueViolationCode; readonly message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(code: ValueViolationCode, message: string): Parsed<T> => ({ ok: false, code, message });

/**
 * What a fast reader (fastAmount, fastDateTime, …) returns when the cell is not in the common
 * form it reads: the full parser decides. The fast readers allocate nothing; each gives
 * exactly the value its parser gives.
 */
export const SLOW: unique symbol = Symbol('slow');

/** Whether text is /^-?\d+(\.\d+)?$/ (PLAIN_NUMBER), without a regular expression. */
function isPlainNumber(text: string): boolean {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  const digitsStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  if (i === digitsStart) return false;
  if (i === n) return true;
  if (text.charCodeAt(i) !== 46) return false;
  const fractionStart = ++i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  return i === n && i > fractionStart;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** parseAmount's value of a plain number, else SLOW. @example fastAmount('1200') // 1200 */
export function fastAmount(text: string): unknown {
  return isPlainNumber(text) ? Number(text) : SLOW;
}

/** parseNumber's value of a plain number, else SLOW. */
export function fastNumber(text: string): unknown {
  return isPlainNumber(text) ? Number(text) : SLOW;
}

/** Quotes a cell for a message, shortened so a pasted paragraph does not flood the report. */
export function quoteCell(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return `'${short}'`;
}

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
/** Minus signs of every width, and the accounting marks △ / ▲ Japanese ledgers use for negatives. */
const MINUS_MARKS = /^[-−‐－–△▲]/;
const GROUPED_DIGITS = /^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$/;
const CURRENCY_PREFIX = /^(¥|\\|jpy|円)/i;
const CURRENCY_SUFFIX = /(円|jpy|yen|税込|税抜|\(税込\)|\(税抜\))+$/i;

/**
 * A yen (or any currency) amount. Thousands separators, full-width digits, a leading ¥ or `\`
 * (the yen sign of Shift_JIS), a trailing 円, and the minus marks -, −, △, ▲ are understood;
 * `(500)` is the accounting form of -500.
 *
 * @example parseAmount('△1,200円') // { ok: true, value: -1200 }
 */
export function parseAmount(text: string): Parsed<number> {
  if (PLAIN_NUMBER.test(text)) return ok(Number(text));
  let s = text.normalize('NFKC').trim().replace(/\s+/g, '');
  let negative = false;
  if (s.startsWith('(') && s.endsWith(')')) {
    negative = true;
    s = s.slice(1, -1);
  }
  if (MINUS_MARKS.test(s)) {
    negative = !negative;
    s = s.slice(1);
  }
  s = s.replace(CURRENCY_PREFIX, '').replace(CURRENCY_SUFFIX, '');
  if (!negative && MINUS_MARKS.test(s)) {
    negative = true;
    s = s.slice(1);
  }
  if (!GROUPED_DIGITS.test(s)) {
    return fail('invalid_amount', `expected an amount like 1200, ¥1,200 or 1,200円, got ${quoteCell(text)}`);
  }
  const value = Number(s.replaceAll(',', ''));
  if (!Number.isFinite(value)) return fail('invalid_amount', `the amount ${quoteCell(text)} is too large`);
  return ok(negative ? -value : value);
}

/** Unit words that sometimes follow a count in Japanese exports (3個, 120名). */
const COUNT_UNIT = /(個|点|件|名|人|本|枚|台|箱|冊|社|回|pcs|pc)$/i;

/**
 * A plain number (quantity, value, margin): full-width digits, separators and a trailing unit
 * word (個, 名, 件 …) are accepted.
 *
 * @example parseNumber('１２.５個') // { ok: true, value: 12.5 }
 */
export function parseNumber(text: string): Parsed<number> {
  if (PLAIN_NUMBER.test(text)) return ok(Number(text));
  let s = text.normalize('NFKC').trim().replace(/\s+/g, '').replace(COUNT_UNIT, '');
  let negative = false;
  if (MINUS_MARKS.test(s)) {
    negative = true;
    s = s.slice(1);
  }
  if (s.startsWith('+')) s = s.slice(1);
  if (!GROUPED_DIGITS.test(s))
    return fail('invalid_number', `expected a number like 12 or 3.5, got ${quoteCell(text)}`);
  const value = Number(s.replaceAll(',', ''));
  return ok(negative ? -value : value);
}

/**
 * A whole number (employees, counts).
 *
 * @example parseInteger('1,200名') // { ok: true, value: 1200 }
 */
export function parseInteger(text: string): Parsed<number> {
  const parsed = parseNumber(text);
  if (!parsed.ok || !Number.isInteger(parsed.value)) {
    return fail('invalid_integer', `expected a whole number like 120, got ${quoteCell(text)}`);
  }
  return parsed;
}

const TRUE_WORDS = new Set([
  '1',
  'true',
  't',
  'yes',
  'y',
  'on',
  'ok',
  'はい',
  '可',
  '○',
  '〇',
  '◯',
  '有',
  'あり',
  '有り',
  '済',
  '許可',
  '同意',
  '希望',
]);
const FALSE_WORDS = new Set([
  '0',
  'false',
  'f',
  'no',
  'n',
  'off',
  'ng',
  'いいえ',
  '不可',
  '×',
  '✕',
  'x',
  '無',
  'なし',
  '無し',
  '否',
  '拒否',
  '不要',
  '希望しない',
  '-',
]);

/**
 * A yes/no cell as 1 or 0: 1/0, true/false, yes/no, はい/いいえ, 可/不可, ○/×, 有/無, あり/なし.
 *
 * @example parseBoolean('○') // { ok: true, value: 1 }
 */
export function parseBoolean(text: string): Parsed<0 | 1> {
  const s = text.normalize('NFKC').trim().toLowerCase();
  if (TRUE_WORDS.has(s)) return ok(1);
  if (FALSE_WORDS.has(s)) return ok(0);
  return fail(
    'invalid_boolean',
    `expected yes or no (1/0, true/false, はい/いいえ, ○/×, 可/不可, 有/無), got ${quoteCell(text)}`,
  );
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** First year of each era the data of a living customer base can carry. */
const ERA_START_YEAR: Record<string, number> = {
  令和: 2019,
  r: 2019,
  平成: 1989,
  h: 1989,
  昭和: 1926,
  s: 1926,
};
const ERA_DATE = /^(令和|平成|昭和|[rhs])\s*(元|\d{1,2})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?/i;
const SEPARATED_DATE = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})(?=$|[T\s])/;
const TIME_PART =
  /^(?:[T\s]+|\s*\(.\)\s*)?(\d{1,2})[:時](\d{2})(?:[:分](\d{2})(?:\.(\d{1,6}))?)?秒?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
/** Earliest and latest year accepted: a guard against 0024 or 20240 typed by hand. */
const MIN_YEAR = 1900;
const MAX_YEAR = 2100;

const DATE_EXAMPLE =
  'expected a date like 2024-03-31 (2024/3/31, 2024年3月31日 and 令和6年3月31日 also work)';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const isLeap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && isLeap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * A day or an instant as ISO text: 'YYYY-MM-DD' when the cell has no time, otherwise
 * 'YYYY-MM-DDTHH:MM:SS' with the offset kept as written ('Z', '+09:00') or none (local time).
 * The day is never shifted to another time zone, so the purchase day stays the one the
 * customer saw. Japanese era years (令和6年, R6.3.5, 平成元年) and a weekday in brackets
 * (2024/3/5(火) 14:30) are understood.
 *
 * @example parseDateTime('2024年3月5日') // { ok: true, value: '2024-03-05' }
 * @example parseDateTime('2024/03/05 14:30') // { ok: true, value: '2024-03-05T14:30:00' }
 */
export function parseDateTime(text: string): Parsed<string> {
  if (ISO_DAY.test(text))
    return checkDay(text, Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10)), '');
  const s = text.normalize('NFKC').trim();
  const western = SEPARATED_DATE.exec(s) ?? COMPACT_DATE.exec(s);
  const era = western ? null : ERA_DATE.exec(s);
  const match = western ?? era;
  if (!match) return fail('invalid_date', `${DATE_EXAMPLE}, got ${quoteCell(text)}`);
  // Western: year, month, day. Era: era name, year of the era (元 = 1), month, day.
  const [, first, second, third, fourth] = match;
  const year = era
    ? (ERA_START_YEAR[(first ?? '').toLowerCase()] ?? 0) - 1 + (second === '元' ? 1 : Number(second))
    : Number(first);
  const month = Number(era ? third : second);
  const day = Number(era ? fourth : third);
  const rest = s.slice(match[0].length).replace(/^\s*[(（][^)）]{1,3}[)）]/, '');
  let time = '';
  if (rest.trim() !== '') {
    const t = TIME_PART.exec(rest);
    if (!t)
      return fail(
        'invalid_date',
        `${DATE_EXAMPLE}, optionally with a time like 14:30, got ${quoteCell(text)}`,
      );
    const hour = Number(t[1]);
    const minute = Number(t[2]);
    const second = Number(t[3] ?? 0);
    if (hour > 23 || minute > 59 || second > 59) {
      return fail(
        'invalid_date',
        `expected a date and time like 2024-03-31 14:30 (hours 0–23, minutes 0–59), got ${quoteCell(text)}`,
      );
    }
    const fraction = t[4] ? `.${t[4]}` : '';
    let zone = t[5] ?? '';
    if (zone === 'z') zone = 'Z';
    else if (zone.length === 5) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
    time = `T${pad2(hour)}:${pad2(minute)}:${pad2(second)}${fraction}${zone}`;
  }
  return checkDay(text, year, month, day, time);
}

/**
 * parseDateTime's value of a valid ISO day ('2024-03-05', which it returns as is), else SLOW.
 *
 * @example fastDateTime('2024-03-05') // '2024-03-05'
 */
export function fastDateTime(text: string): unknown {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return SLOW;
  let year = 0;
  for (let i = 0; i < 4; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) return SLOW;
    year = year * 10 + c - 48;
  }
  const m1 = text.charCodeAt(5);
  const m2 = text.charCodeAt(6);
  const d1 = text.charCodeAt(8);
  const d2 = text.charCodeAt(9);
  if (!isDigit(m1) || !isDigit(m2) || !isDigit(d1) || !isDigit(d2)) return SLOW;
  const month = (m1 - 48) * 10 + m2 - 48;
  const day = (d1 - 48) * 10 + d2 - 48;
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1) return SLOW;
  return day > daysInMonth(year, month) ? SLOW : text;
}

function checkDay(text: string, year: number, month: number, day: number, time: string): Parsed<string> {
  if (
    year < MIN_YEAR ||
    year > MAX_YEAR ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month)
  ) {
    return fail(
      'invalid_date',
      `${DATE_EXAMPLE}, got ${quoteCell(text)}, which is not a day of the calendar`,
    );
  }
  return ok(`${year}-${pad2(month)}-${pad2(day)}${time}`);
}

/**
 * The latest calendar day that has begun anywhere on Earth at `now` (UTC+14), so a date typed in
 * Japan just after midnight is never taken for a future one.
 *
 * @example latestStartedDay(new Date('2024-03-05T15:30:00Z')) // '2024-03-06'
 */
export function latestStartedDay(now: Date): string {
  return new Date(now.getTime() + 14 * 3_600_000).toISOString().slice(0, 10);
}

let lastNowMs = Number.NaN;
let lastStartedDay = '';

/**
 * Whether an ISO day or instant from parseDateTime lies after `now`. Days compare with the
 * latest day begun anywhere; instants without an offset are read in the earliest zone too.
 *
 * @example isAfter('2999-01-01', new Date()) // true
 */
export function isAfter(isoDateTime: string, now: Date): boolean {
  if (isoDateTime.length === 10) {
    // One import asks this for every row with the same clock: compute the day once.
    if (lastNowMs !== now.getTime()) {
      lastNowMs = now.getTime();
      lastStartedDay = latestStartedDay(now);
    }
    return isoDateTime > lastStartedDay;
  }
  const hasZone = /(Z|[+-]\d{2}:\d{2})$/.test(isoDateTime);
  const at = Date.parse(hasZone ? isoDateTime : `${isoDateTime}-12:00`);
  return Number.isFinite(at) && at > now.getTime();
}

function parseCoordinate(text: string, limit: number, what: string, example: string): Parsed<number> {
  const parsed = parseNumber(text);
  if (!parsed.ok) return fail('invalid_number', `expected a ${what} like ${example}, got ${quoteCell(text)}`);
  if (Math.abs(parsed.value) > limit) {
    return fail('out_of_range', `a ${what} lies between -${limit} and ${limit}, got ${quoteCell(text)}`);
  }
  return parsed;
}

/** @example parseLatitude('35.6812') // { ok: true, value: 35.6812 } */
export function parseLatitude(text: string): Parsed<number> {
  return parseCoordinate(text, 90, 'latitude', '35.6812');
}

/** @example parseLongitude('139.7671') // { ok: true, value: 139.7671 } */
export function parseLongitude(text: string): Parsed<number> {
  return parseCoordinate(text, 180, 'longitude', '139.7671');
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * An email address, NFKC-normalised (full-width letters and ＠) and trimmed; the case is kept.
 *
 * @example parseEmail('taro＠abc.co.jp') // { ok: true, value: 'taro@abc.co.jp' }
 */
export function parseEmail(text: string): Parsed<string> {
  const s = text
    .normalize('NFKC')
    .trim()
    .replace(/^mailto:/i, '');
  if (!EMAIL_SHAPE.test(s))
    return fail('invalid_email', `expected an email address like taro@example.co.jp, got ${quoteCell(text)}`);
  return ok(s);
}

/** Longest free text kept in one cell. */
export const MAX_TEXT_LENGTH = 20_000;

/**
 * Whether String.prototype.trim leaves a text starting or ending with this code unit alone:
 * not a space, line end or other white space (JavaScript's WhiteSpace and LineTerminator).
 */
function isNotSpace(c: number): boolean {
  if (c < 0x80) return c > 32;
  return (
    c !== 0xa0 &&
    c !== 0x1680 &&
    (c < 0x2000 || c > 0x200a) &&
    c !== 0x2028 &&
    c !== 0x2029 &&
    c !== 0x202f &&
    c !== 0x205f &&
    c !== 0x3000 &&
    c !== 0xfeff
  );
}

/** parseText's value of a non-empty text without surrounding space (the text), else SLOW. */
export function fastText(text: string): unknown {
  const n = text.length;
  if (n === 0 || n > MAX_TEXT_LENGTH) return SLOW;
  return isNotSpace(text.charCodeAt(0)) && isNotSpace(text.charCodeAt(n - 1)) ? text : SLOW;
}

/** @example parseText('  株式会社ABC ') // { ok: true, value: '株式会社ABC' } */
export function parseText(text: string): Parsed<string> {
  const s = text.trim();
  if (s.length > MAX_TEXT_LENGTH)
    return fail('too_long', `the text is ${s.length} characters long; at most ${MAX_TEXT_LENGTH} are kept`);
  return ok(s);
}

/**
 * One of a fixed list of values, matched after NFKC and lower case, with synonyms (法人 → company).
 *
 * @example parseChoice('法人', { company: ['法人'], person: ['個人'] }) // { ok: true, value: 'company' }
 */
export function parseChoice<T extends string>(
  text: string,
  choices: Readonly<Record<T, readonly string[]>>,
): Parsed<T> {
  const s = text.normalize('NFKC').trim().toLowerCase();
  for (const [value, synonyms] of Object.entries(choices) as [T, readonly string[]][]) {
    if (s === value || synonyms.some((w) => w.normalize('NFKC').toLowerCase() === s)) return ok(value);
  }
  return fail('invalid_choice', `expected one of ${Object.keys(choices).join(', ')}, got ${quoteCell(text)}`);
}

/**
 * A JSON object given as text (a CSV cell) or as an object (a JSON-lines field), stored as text.
 *
 * @example parseJsonObject('{"plan":"pro"}') // { ok: true, value: '{"plan":"pro"}' }
 */
export function parseJsonObject(raw: unknown): Parsed<string> {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return fail('invalid_json', `expected a JSON object like {"plan":"pro"}, got ${quoteCell(raw)}`);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail(
      'invalid_json',
      `expected a JSON object like {"plan":"pro"}, got ${quoteCell(JSON.stringify(value) ?? '')}`,
    );
  }
  return ok(JSON.stringify(value));
}
