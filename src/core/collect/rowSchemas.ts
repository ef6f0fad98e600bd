/**
 * One schema per import kind (SPEC "Canonical import columns"): what a row must hold, how each
 * cell is read (valueParsing.ts) and what a rejected row is told. A record arrives with
 * canonical keys (columnAliases.ts did the header mapping) and raw cell values: strings from a
 * CSV file, any JSON value from a JSON-lines file.
 */
import { z } from 'zod';
import type { ImportKindName } from './columnAliases.js';
import {
  isAfter,
  type Parsed,
  fastAmount,
  fastDateTime,
  fastNumber,
  fastText,
  parseAmount,
  parseBoolean,
  parseChoice,
  parseDateTime,
  parseEmail,
  parseInteger,
  parseJsonObject,
  parseLatitude,
  parseLongitude,
  parseNumber,
  parseText,
  quoteCell,
  SLOW,
  type ValueViolationCode,
} from './valueParsing.js';

export type RowViolationCode =
  | ValueViolationCode
  | 'future_date'
  | 'date_order'
  | 'duplicate_id'
  | 'unknown_customer'
  | 'unknown_email'
  | 'ambiguous_email';

/** Why one row was rejected. `row` is numbered as a spreadsheet shows it (header = row 1). */
export interface RowViolation {
  row: number;
  column: string;
  code: RowViolationCode;
  message: string;
}

const MAX_ID_LENGTH = 200;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * An external id, trimmed and NFKC-normalised, so `Ｃ００１` in one export and `C001` in
 * another are the same customer.
 *
 * @example parseId(' Ｃ００１ ') // { ok: true, value: 'C001' }
 */
export function parseId(text: string): Parsed<string> {
  const s = PRINTABLE_ASCII.test(text) ? text : text.normalize('NFKC').trim();
  if (s.length > MAX_ID_LENGTH) {
    return {
      ok: false,
      code: 'too_long',
      message: `an id has at most ${MAX_ID_LENGTH} characters, got ${s.length}`,
    };
  }
  return { ok: true, value: s };
}

/** parseId's value for a short printable-ASCII id (the id itself), else SLOW. */
function fastId(text: string): unknown {
  if (text.length > MAX_ID_LENGTH) return SLOW;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return SLOW;
  }
  return text;
}

/** Each parser's allocation-free reader of its common forms (checkRow's hot path). */
const FAST_READERS = new Map<(text: string) => Parsed<unknown>, (text: string) => unknown>([
  [parseId, fastId],
  [parseText, fastText],
  [parseDateTime, fastDateTime],
  [parseAmount, fastAmount],
  [parseNumber, fastNumber],
]);

/** The text of a cell, or null when it is empty. JSON values other than strings become text. */
function cellText(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string') {
    const first = raw.charCodeAt(0);
    const last = raw.charCodeAt(raw.length - 1);
    // Most cells have no surrounding space: skip trim() for them.
    const s = first > 32 && last > 32 && first !== 0x3000 && last !== 0x3000 ? raw : raw.trim();
    return s === '' ? null : s;
  }
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return JSON.stringify(raw);
}

type CodedIssue = { code: 'custom'; message: string; params: { code: RowViolationCode } };
const issue = (code: RowViolationCode, message: string): CodedIssue => ({
  code: 'custom',
  message,
  params: { code },
});

/**
 * How one cell is read. The zod schemas below are built from these, and checkRow runs them
 * directly (one loop, no per-cell closures and issue objects): the importer validates
 * hundreds of thousands of rows a second through it, and both paths give the same result.
 */
interface CellSpec {
  /** Reads a non-empty cell given as text. */
  parse: (text: string) => Parsed<unknown>;
  /**
   * The value `parse` gives for the common forms of a cell (a plain number, an ISO day, an
   * ASCII id), without allocating a result; SLOW for everything else, which `parse` reads.
   */
  fast?: (text: string) => unknown;
  /** Reads the raw value (a JSON object may arrive as an object); default: its text. */
  parseRaw?: (raw: unknown) => Parsed<unknown>;
  required: boolean;
}

const CELL_SPECS = new WeakMap<z.ZodType, CellSpec>();

function cellSchema<T>(given: CellSpec) {
  const fast = given.parseRaw ? undefined : FAST_READERS.get(given.parse);
  const spec: CellSpec = fast ? { ...given, fast } : given;
  const schema = z
    .any()
    .optional()
    .transform((raw, ctx): T => {
      const parsed = readCell(spec, raw);
      if (parsed.ok) return parsed.value as T;
      ctx.addIssue(issue(parsed.code, parsed.message));
      return z.NEVER;
    });
  CELL_SPECS.set(schema, spec);
  return schema;
}

function readCell(spec: CellSpec, raw: unknown): Parsed<unknown> {
  if (spec.parseRaw) {
    if (raw === undefined || raw === null || raw === '') return missing(spec);
    return spec.parseRaw(raw);
  }
  const text = cellText(raw);
  return text === null ? missing(spec) : spec.parse(text);
}

const NULL_CELL: Parsed<null> = { ok: true, value: null };
function missing(spec: CellSpec): Parsed<null> {
  return spec.required
    ? { ok: false, code: 'required', message: 'this column is required and the cell is empty' }
    : NULL_CELL;
}

function optional<T>(parse: (text: string) => Parsed<T>) {
  return cellSchema<T | null>({ parse, required: false });
}

function required<T>(parse: (text: string) => Parsed<T>) {
  return cellSchema<T>({ parse, required: true });
}

const jsonObject = cellSchema<string | null>({
  parse: parseJsonObject,
  parseRaw: parseJsonObject,
  required: false,
});

const text = optional(parseText);
const flag = optional(parseBoolean);

export const CUSTOMER_KINDS = {
  company: ['法人', '会社', '企業', 'business', 'b2b', 'corporate', 'corporation'],
  person: ['個人', '個人客', 'individual', 'consumer', 'b2c', 'private'],
} as const;

export const CustomerRow = z.object({
  customer_id: required(parseId),
  name: required(parseText),
  kind: optional((t) => parseChoice(t, CUSTOMER_KINDS)),
  email: optional(parseEmail),
  phone: text,
  postal_code: text,
  prefecture: text,
  address: text,
  lat: optional(parseLatitude),
  lng: optional(parseLongitude),
  industry: text,
  employees: optional(parseInteger),
  owner: text,
  tags: text,
  created_at: optional(parseDateTime),
  email_opt_in: flag,
  sms_opt_in: flag,
  dm_ok: flag,
  phone_ok: flag,
  do_not_contact: flag,
});
export type CustomerRow = z.infer<typeof CustomerRow>;

export const CONTACT_STATUSES = {
  active: ['在籍', '在職', '現職', '有効', 'current', 'employed'],
  left: ['退職', '退社', '離任', '異動', '不在', '無効', 'former', 'inactive', 'gone'],
} as const;

export const ContactRow = z.object({
  contact_id: required(parseId),
  customer_id: required(parseId),
  name: text,
  email: optional(parseEmail),
  phone: text,
  department: text,
  role: text,
  status: optional((t) => parseChoice(t, CONTACT_STATUSES)),
  updated_at: optional(parseDateTime),
});
export type ContactRow = z.infer<typeof ContactRow>;

export const OrderRow = z.object({
  order_id: required(parseId),
  customer_id: required(parseId),
  ordered_at: required(parseDateTime),
  amount: required(parseAmount),
  gross_margin: optional(parseAmount),
  product: text,
  category: text,
  quantity: optional(parseNumber),
  channel: text,
});
export type OrderRow = z.infer<typeof OrderRow>;

export const SubscriptionRow = z.object({
  subscription_id: required(parseId),
  customer_id: required(parseId),
  plan: text,
  started_at: required(parseDateTime),
  ended_at: optional(parseDateTime),
  mrr: optional(parseAmount),
  cancel_reason: text,
});
export type SubscriptionRow = z.infer<typeof SubscriptionRow>;

/**
 * SPEC's event types, each with the Japanese words exports use for it. `email_reply`/`reply`
 * are the reply types the detection step reads.
 */
export const EVENT_TYPES = {
  email_sent: ['メール送信', 'メール配信'],
  email_open: ['メール開封', '開封'],
  email_click: ['メールクリック', 'クリック'],
  email_bounce: ['メール不達', 'バウンス', '不達'],
  email_reply: ['メール返信'],
  reply: ['返信'],
  unsubscribe: ['配信停止', '購読解除', 'オプトアウト'],
  sms_sent: ['SMS送信'],
  sms_click: ['SMSクリック'],
  dm_sent: ['DM送付', 'DM発送'],
  call: ['電話', '架電', 'コール'],
  visit: ['訪問', '来店'],
  web_visit: ['サイト訪問', 'web訪問', 'ページ閲覧', '閲覧'],
  inquiry: ['問い合わせ', '問合せ', 'お問い合わせ'],
  support_ticket: ['サポート', 'サポートチケット', '問題報告', 'クレーム'],
  survey_response: ['アンケート回答', 'アンケート'],
  login: ['ログイン'],
  usage: ['利用', '使用量', '利用量'],
} as const;
export type KnownEventType = keyof typeof EVENT_TYPES;

const KNOWN_EVENT_TYPES = new Set<string>(Object.keys(EVENT_TYPES));
/** What a custom event type may look like: a short snake_case word, as SPEC's types are. */
const CUSTOM_EVENT_TYPE = /^[a-z][a-z0-9_]{0,63}$/;

/** @example isKnownEventType('email_open') // true */
export function isKnownEventType(type: string): type is KnownEventType {
  return KNOWN_EVENT_TYPES.has(type);
}

/**
 * An event type: one of SPEC's (or its Japanese word), or a custom snake_case type, which is
 * stored as given (the importer warns: the analysis does not read custom types).
 *
 * @example parseEventType('メール開封') // { ok: true, value: 'email_open' }
 */
export function parseEventType(text: string): Parsed<string> {
  if (KNOWN_EVENT_TYPES.has(text)) return { ok: true, value: text };
  const known = parseChoice(text, EVENT_TYPES);
  if (known.ok) return known;
  const s = text.normalize('NFKC').trim().toLowerCase();
  if (CUSTOM_EVENT_TYPE.test(s)) return { ok: true, value: s };
  return {
    ok: false,
    code: 'invalid_choice',
    message: `expected an event type such as ${Object.keys(EVENT_TYPES).slice(0, 6).join(', ')} … (or a custom snake_case type), got ${quoteCell(text)}`,
  };
}

export const EventRow = z.object({
  event_id: optional(parseId),
  customer_id: optional(parseId),
  email: optional(parseEmail),
  type: required(parseEventType),
  occurred_at: required(parseDateTime),
  channel: text,
  campaign: text,
  url: text,
  text: text,
  value: optional(parseNumber),
  properties: jsonObject,
});
export type EventRow = z.infer<typeof EventRow>;

export const CHANGE_KINDS = {
  price_increase: ['値上げ', '価格改定(値上げ)', '価格上昇'],
  price_decrease: ['値下げ', '価格改定(値下げ)', '価格低下'],
  product_issue: ['製品不具合', '不具合', '品質問題', '障害', '製品の問題'],
  product_improvement: ['製品改善', '改善', '機能改善', '不具合修正'],
  staff_change: ['担当変更', '担当者変更', '担当交代', '人事異動'],
} as const;

export const ChangeRow = z.object({
  change_id: required(parseId),
  kind: required((t) => parseChoice(t, CHANGE_KINDS)),
  product: text,
  category: text,
  started_at: required(parseDateTime),
  resolved_at: optional(parseDateTime),
  description: text,
});
export type ChangeRow = z.infer<typeof ChangeRow>;

export const ROW_SCHEMAS = {
  customers: CustomerRow,
  contacts: ContactRow,
  orders: OrderRow,
  subscriptions: SubscriptionRow,
  events: EventRow,
  changes: ChangeRow,
} as const;

export interface RowByKind {
  customers: CustomerRow;
  contacts: ContactRow;
  orders: OrderRow;
  subscriptions: SubscriptionRow;
  events: EventRow;
  changes: ChangeRow;
}

/** The column holding each kind's external id (events may lack one: the importer derives it). */
export const ID_COLUMN: Readonly<Record<ImportKindName, string>> = {
  customers: 'customer_id',
  contacts: 'contact_id',
  orders: 'order_id',
  subscriptions: 'subscription_id',
  events: 'event_id',
  changes: 'change_id',
};

/**
 * Columns a file must have (SPEC's `*`). Events need `customer_id` or `email`: checked by
 * requiredColumnsMissing, not listed here.
 */
export const REQUIRED_COLUMNS: Readonly<Record<ImportKindName, readonly string[]>> = {
  customers: ['customer_id', 'name'],
  contacts: ['contact_id', 'customer_id'],
  orders: ['order_id', 'customer_id', 'ordered_at', 'amount'],
  subscriptions: ['subscription_id', 'customer_id', 'started_at'],
  events: ['type', 'occurred_at'],
  changes: ['change_id', 'kind', 'started_at'],
};

/**
 * The required columns a header lacks; for events, `customer_id` counts as present when
 * `email` is.
 *
 * @example requiredColumnsMissing('orders', ['order_id', 'customer_id']) // ['ordered_at', 'amount']
 */
export function requiredColumnsMissing(kind: ImportKindName, columns: readonly (string | null)[]): string[] {
  const present = new Set(columns.filter((c): c is string => c !== null));
  const missing = REQUIRED_COLUMNS[kind].filter((c) => !present.has(c));
  if (kind === 'events' && !present.has('customer_id') && !present.has('email'))
    missing.unshift('customer_id');
  return missing;
}

export interface RowContext {
  /** The import's clock: order and event dates after it are rejected. */
  now: Date;
}

export type RowCheck<K extends ImportKindName> =
  | { ok: true; row: RowByKind[K] }
  | { ok: false; violations: Omit<RowViolation, 'row'>[] };

type CompiledFields = readonly (readonly [string, CellSpec])[];
const compiledFields = new Map<ImportKindName, CompiledFields>();

function fieldsOf(kind: ImportKindName): CompiledFields {
  let fields = compiledFields.get(kind);
  if (!fields) {
    fields = Object.entries(ROW_SCHEMAS[kind].shape).map(([column, schema]) => {
      const spec = CELL_SPECS.get(schema as z.ZodType);
      if (!spec) throw new Error(`rowSchemas: the ${kind} column ${column} was not built with cellSchema()`);
      return [column, spec] as const;
    });
    compiledFields.set(kind, fields);
  }
  return fields;
}

/**
 * Validates one record of a kind: every cell, then the rules that span cells (no order or event
 * after `now`, an end not before its start, an event naming its customer by id or email).
 * Every violation of the row is reported, not just the first. Gives the same result as
 * `ROW_SCHEMAS[kind].safeParse(record)` (checked by rowSchemas.test.ts), without zod's
 * per-cell overhead.
 *
 * @example checkRow('orders', { order_id: 'O1', customer_id: 'C1', ordered_at: '2024/3/5', amount: '¥1,200' }, { now })
 *   // { ok: true, row: { order_id: 'O1', …, ordered_at: '2024-03-05', amount: 1200 } }
 */
export function checkRow<K extends ImportKindName>(
  kind: K,
  record: Record<string, unknown>,
  context: RowContext,
): RowCheck<K> {
  const row: Record<string, unknown> = {};
  let violations: Omit<RowViolation, 'row'>[] | null = null;
  for (const [column, spec] of fieldsOf(kind)) {
    const raw = record[column];
    // The common cell: read without a Parsed object (the same value readCell gives).
    if (spec.fast !== undefined && typeof raw === 'string') {
      const text = cellText(raw);
      if (text === null) {
        if (!spec.required) {
          row[column] = null;
          continue;
        }
      } else {
        const value = spec.fast(text);
        if (value !== SLOW) {
          row[column] = value;
          continue;
        }
      }
    }
    const parsed = readCell(spec, raw);
    if (parsed.ok) {
      row[column] = parsed.value;
    } else {
      violations ??= [];
      const message =
        parsed.code === 'required' ? `${column} is required and the cell is empty` : parsed.message;
      violations.push({ column, code: parsed.code, message });
    }
  }
  if (violations) return { ok: false, violations };
  const crossCell = crossCellViolations(kind, row as unknown as RowByKind[ImportKindName], context);
  return crossCell.length === 0
    ? { ok: true, row: row as unknown as RowByKind[K] }
    : { ok: false, violations: crossCell };
}

function crossCellViolations(
  kind: ImportKindName,
  row: RowByKind[ImportKindName],
  { now }: RowContext,
): Omit<RowViolation, 'row'>[] {
  const out: Omit<RowViolation, 'row'>[] = [];
  if (kind === 'orders') {
    const r = row as OrderRow;
    if (isAfter(r.ordered_at, now)) out.push(futureDate('ordered_at', r.ordered_at, now));
  } else if (kind === 'events') {
    const r = row as EventRow;
    if (isAfter(r.occurred_at, now)) out.push(futureDate('occurred_at', r.occurred_at, now));
    if (r.customer_id === null && r.email === null) {
      out.push({
        column: 'customer_id',
        code: 'required',
        message: 'an event needs customer_id or email, and both cells are empty',
      });
    }
  } else if (kind === 'subscriptions') {
    const r = row as SubscriptionRow;
    if (r.ended_at !== null && r.ended_at.slice(0, 10) < r.started_at.slice(0, 10))
      out.push(dateOrder('ended_at', r.ended_at, r.started_at));
  } else if (kind === 'changes') {
    const r = row as ChangeRow;
    if (r.resolved_at !== null && r.resolved_at.slice(0, 10) < r.started_at.slice(0, 10)) {
      out.push(dateOrder('resolved_at', r.resolved_at, r.started_at));
    }
  }
  return out;
}

// Module-level, not closures made per row: checkRow runs for every row of every import.
function futureDate(column: string, value: string, now: Date): Omit<RowViolation, 'row'> {
  return {
    column,
    code: 'future_date',
    message: `${column} ${value} is after the import time ${now.toISOString()}; a date in the future is a typing or export error`,
  };
}

function dateOrder(column: string, value: string, start: string): Omit<RowViolation, 'row'> {
  return { column, code: 'date_order', message: `${column} ${value} is before started_at ${start}` };
}
