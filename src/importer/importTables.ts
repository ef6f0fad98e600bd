/**
 * How a validated row of each kind becomes a stored row: the table, its external-id column, the
 * stored columns in a fixed order (the SQL of both writers is generated from this list) and the
 * PostgreSQL type of each column for the `unnest` bulk insert.
 */
import { customerNameKey } from '../core/collect/nameMatching.js';
import type {
  ChangeRow,
  ContactRow,
  CustomerRow,
  EventRow,
  OrderRow,
  RowByKind,
  SubscriptionRow,
} from '../core/collect/rowSchemas.js';
import type { ImportKind } from './index.js';

export type PgType = 'text' | 'float8' | 'int4';

export interface ImportTable {
  table: 'customers' | 'contacts' | 'orders' | 'subscriptions' | 'events' | 'changes';
  idColumn: string;
  /** Stored columns (the id first), without import_batch_id. */
  columns: readonly (readonly [name: string, pgType: PgType])[];
  /** Whether each row belongs to a customer that must exist (never created by the import). */
  needsCustomer: boolean;
}

const t = (name: string): readonly [string, PgType] => [name, 'text'];
const f = (name: string): readonly [string, PgType] => [name, 'float8'];
const i = (name: string): readonly [string, PgType] => [name, 'int4'];

export const IMPORT_TABLES: Readonly<Record<ImportKind, ImportTable>> = {
  customers: {
    table: 'customers',
    idColumn: 'customer_id',
    needsCustomer: false,
    columns: [
      t('customer_id'),
      t('name'),
      t('name_key'),
      t('kind'),
      t('email'),
      t('phone'),
      t('postal_code'),
      t('prefecture'),
      t('address'),
      f('lat'),
      f('lng'),
      t('industry'),
      i('employees'),
      t('owner'),
      t('tags'),
      t('created_at'),
      i('email_opt_in'),
      i('sms_opt_in'),
      i('dm_ok'),
      i('phone_ok'),
      i('do_not_contact'),
    ],
  },
  contacts: {
    table: 'contacts',
    idColumn: 'contact_id',
    needsCustomer: true,
    columns: [
      t('contact_id'),
      t('customer_id'),
      t('name'),
      t('email'),
      t('phone'),
      t('department'),
      t('role'),
      t('status'),
      t('updated_at'),
    ],
  },
  orders: {
    table: 'orders',
    idColumn: 'order_id',
    needsCustomer: true,
    columns: [
      t('order_id'),
      t('customer_id'),
      t('ordered_at'),
      f('amount'),
      f('gross_margin'),
      t('product'),
      t('category'),
      f('quantity'),
      t('channel'),
      i('is_refund'),
    ],
  },
  subscriptions: {
    table: 'subscriptions',
    idColumn: 'subscription_id',
    needsCustomer: true,
    columns: [
      t('subscription_id'),
      t('customer_id'),
      t('plan'),
      t('started_at'),
      t('ended_at'),
      f('mrr'),
      t('cancel_reason'),
    ],
  },
  events: {
    table: 'events',
    idColumn: 'event_id',
    needsCustomer: true,
    columns: [
      t('event_id'),
      t('customer_id'),
      t('type'),
      t('occurred_at'),
      t('channel'),
      t('campaign'),
      t('url'),
      t('text'),
      f('value'),
      t('properties'),
    ],
  },
  changes: {
    table: 'changes',
    idColumn: 'change_id',
    needsCustomer: false,
    columns: [
      t('change_id'),
      t('kind'),
      t('product'),
      t('category'),
      t('started_at'),
      t('resolved_at'),
      t('description'),
    ],
  },
};

/** A row ready to store: values in IMPORT_TABLES[kind].columns order. */
export type StoredValues = (string | number | null)[];

/**
 * The stored values of a validated row. `customerId` is the resolved customer (a merged
 * customer's survivor); `eventId` the id derived for an event that came without one.
 */
export function storedValues<K extends ImportKind>(
  kind: K,
  row: RowByKind[K],
  customerId: string | null,
  eventId: string | null,
): StoredValues {
  switch (kind) {
    case 'customers': {
      const r = row as CustomerRow;
      const customerKind = r.kind ?? 'company';
      return [
        r.customer_id,
        r.name,
        customerNameKey(r.name, customerKind),
        customerKind,
        r.email,
        r.phone,
        r.postal_code,
        r.prefecture,
        r.address,
        r.lat,
        r.lng,
        r.industry,
        r.employees,
        r.owner,
        r.tags,
        r.created_at,
        r.email_opt_in,
        r.sms_opt_in,
        r.dm_ok,
        r.phone_ok,
        r.do_not_contact,
      ];
    }
    case 'contacts': {
      const r = row as ContactRow;
      return [
        r.contact_id,
        customerId,
        r.name,
        r.email,
        r.phone,
        r.department,
        r.role,
        r.status,
        r.updated_at,
      ];
    }
    case 'orders': {
      const r = row as OrderRow;
      // A negative amount is a refund (返品・返金): stored, never counted as a purchase.
      const isRefund = r.amount < 0 ? 1 : 0;
      return [
        r.order_id,
        customerId,
        r.ordered_at,
        r.amount,
        r.gross_margin,
        r.product,
        r.category,
        r.quantity,
        r.channel,
        isRefund,
      ];
    }
    case 'subscriptions': {
      const r = row as SubscriptionRow;
      return [r.subscription_id, customerId, r.plan, r.started_at, r.ended_at, r.mrr, r.cancel_reason];
    }
    case 'events': {
      const r = row as EventRow;
      return [
        eventId ?? r.event_id,
        customerId,
        r.type,
        r.occurred_at,
        r.channel,
        r.campaign,
        r.url,
        r.text,
        r.value,
        r.properties,
      ];
    }
    case 'changes': {
      const r = row as ChangeRow;
      return [r.change_id, r.kind, r.product, r.category, r.started_at, r.resolved_at, r.description];
    }
  }
  throw new Error(`storedValues: unknown import kind ${String(kind)}`);
}

/** One stored value. */
export type StoredValue = string | number | null;

/** The accepted rows of a batch, column by column (IMPORT_TABLES[kind].columns order). */
export interface BatchRows {
  count: number;
  columns: StoredValue[][];
}

/**
 * A column as another thread receives it cheaply: a structured clone copies one string and one
 * typed array instead of thousands of small values (per row, cloning arrays of values cost more
 * than checking the row).
 */
export type PackedColumn =
  /** Text cells joined; ends[r] is where row r's text ends, ~end (negative) for a null. */
  | { text: string; ends: Int32Array }
  /** Numbers; NaN for a null (no parser gives NaN). */
  | { numbers: Float64Array }
  /** Anything else, as it is. */
  | { values: StoredValue[] };

export interface PackedRows {
  count: number;
  columns: PackedColumn[];
}

export function packRows(rows: BatchRows): PackedRows {
  return { count: rows.count, columns: rows.columns.map((column) => packColumn(column)) };
}

function packColumn(column: StoredValue[]): PackedColumn {
  const n = column.length;
  let texts = true;
  let numbers = true;
  for (let r = 0; r < n; r++) {
    const v = column[r];
    if (v === null) continue;
    if (typeof v === 'string') numbers = false;
    else if (typeof v === 'number' && !Number.isNaN(v)) texts = false;
    else return { values: column };
  }
  if (!texts) {
    if (!numbers) return { values: column };
    const values = new Float64Array(n);
    for (let r = 0; r < n; r++) values[r] = (column[r] as number | null) ?? Number.NaN;
    return { numbers: values };
  }
  const ends = new Int32Array(n);
  const parts: string[] = [];
  let end = 0;
  for (let r = 0; r < n; r++) {
    const v = column[r] as string | null;
    if (v === null) {
      ends[r] = ~end;
    } else {
      parts.push(v);
      end += v.length;
      ends[r] = end;
    }
  }
  return { text: parts.join(''), ends };
}

export function unpackRows(packed: PackedRows): BatchRows {
  return { count: packed.count, columns: packed.columns.map(unpackColumn) };
}

function unpackColumn(column: PackedColumn): StoredValue[] {
  if ('values' in column) return column.values;
  if ('numbers' in column) {
    const { numbers } = column;
    const out: StoredValue[] = new Array(numbers.length);
    for (let r = 0; r < numbers.length; r++) {
      const v = numbers[r] as number;
      out[r] = Number.isNaN(v) ? null : v;
    }
    return out;
  }
  const { text, ends } = column;
  const out: StoredValue[] = new Array(ends.length);
  let start = 0;
  for (let r = 0; r < ends.length; r++) {
    const end = ends[r] as number;
    if (end < 0) {
      out[r] = null;
      start = ~end;
    } else {
      out[r] = text.slice(start, end);
      start = end;
    }
  }
  return out;
}
