/**
 * Name matching (名寄せ) in storage: reading the identities of unmerged customers for the
 * candidate search, and merging customers in one transaction with an audit trail detailed
 * enough to trace and undo every merge by hand.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import {
  type CustomerIdentity,
  createDuplicateFinder,
  type DuplicateSearch,
  type DuplicateSearchOptions,
} from '../core/collect/duplicateCandidates.js';
import {
  addressKey,
  normaliseEmail,
  normalisePhone,
  normalisePostalCode,
} from '../core/collect/nameMatching.js';
import { AppError } from '../core/errors.js';
import type { CustomersTable, Database } from './schema.js';
import type { Storage } from './storage.js';

type CustomerRow = Selectable<CustomersTable>;

const IDENTITY_PAGE_SIZE = 10_000;

/**
 * The identities of every customer not merged into another, a page at a time in customer_id
 * order (keyset pagination on the primary key), so a million customers never sit in one result
 * set and no cursor stays open between pages.
 */
export async function* customerIdentityPages(
  storage: Storage,
  pageSize = IDENTITY_PAGE_SIZE,
): AsyncGenerator<CustomerIdentity[]> {
  let after: string | null = null;
  for (;;) {
    let query = storage.db
      .selectFrom('customers')
      .select(['customer_id', 'name', 'kind', 'email', 'phone', 'postal_code', 'prefecture', 'address'])
      .where('merged_into', 'is', null)
      .orderBy('customer_id')
      .limit(pageSize);
    if (after !== null) query = query.where('customer_id', '>', after);
    const rows = await query.execute();
    if (rows.length > 0) {
      yield rows.map((row) => ({
        customerId: row.customer_id,
        name: row.name,
        kind: row.kind === 'person' ? 'person' : 'company',
        email: row.email,
        phone: row.phone,
        postalCode: row.postal_code,
        prefecture: row.prefecture,
        address: row.address,
      }));
    }
    if (rows.length < pageSize) return;
    after = (rows[rows.length - 1] as { customer_id: string }).customer_id;
  }
}

/** customerIdentityPages, one identity at a time. */
export async function* customerIdentities(
  storage: Storage,
  pageSize = IDENTITY_PAGE_SIZE,
): AsyncGenerator<CustomerIdentity> {
  for await (const page of customerIdentityPages(storage, pageSize)) yield* page;
}

/** Duplicate candidates among the unmerged customers of the database. */
export async function findDuplicateCustomers(
  storage: Storage,
  options: DuplicateSearchOptions = {},
): Promise<DuplicateSearch> {
  const finder = createDuplicateFinder(options);
  for await (const page of customerIdentityPages(storage)) {
    for (const identity of page) finder.add(identity);
  }
  return finder.finish();
}

/** The per-customer tables whose rows move to the survivor. */
const MOVED_TABLES = [
  { table: 'orders', key: 'order_id' },
  { table: 'events', key: 'event_id' },
  { table: 'contacts', key: 'contact_id' },
  { table: 'subscriptions', key: 'subscription_id' },
] as const;
type MovedTable = (typeof MOVED_TABLES)[number]['table'];

export interface MergeRequest {
  /** The customer that stays; the others are merged into it. */
  survivorId: string;
  mergedIds: string[];
  /** Who decided the merge, for the audit log (a user name; the CLI's default is cli:<user>). */
  actor: string;
  /** When, as an ISO instant (defaults to now). */
  at?: string;
}

export interface MergeResult {
  survivorId: string;
  mergedIds: string[];
  /** Rows moved to the survivor, per table. */
  moved: Record<MovedTable, number>;
  /** Survivor fields that were empty and were filled from a merged customer. */
  filledFields: string[];
  /** Customers merged earlier into a now-merged customer, pointed at the survivor instead. */
  repointedIds: string[];
}

/**
 * Merges customers into a survivor in ONE transaction: moves their orders, events, contacts
 * and subscriptions, fills the survivor's empty fields from them (never overwriting), marks
 * them `merged_into`, and writes an audit row per merged customer with its before-snapshot and
 * the ids of the moved rows. Anything failing leaves the database as it was.
 */
export async function mergeCustomers(storage: Storage, request: MergeRequest): Promise<MergeResult> {
  const at = request.at ?? new Date().toISOString();
  return storage.db.transaction().execute(async (trx) => {
    const ids = [request.survivorId, ...request.mergedIds];
    const rows = await lockCustomers(trx, storage, ids);
    return mergeLocked(trx, rows, request.survivorId, request.mergedIds, request.actor, at);
  });
}

/**
 * Merges a group of customers into the one with the most orders (then the oldest created_at,
 * then the smallest id), choosing it inside the same transaction.
 */
export async function mergeCustomerGroup(
  storage: Storage,
  request: { customerIds: string[]; actor: string; at?: string },
): Promise<MergeResult> {
  const at = request.at ?? new Date().toISOString();
  return storage.db.transaction().execute(async (trx) => {
    const rows = await lockCustomers(trx, storage, request.customerIds);
    // the others, best first, also fill the survivor's empty fields in that order
    const [survivorId, ...mergedIds] = await rankForSurvival(trx, [...rows.values()]);
    return mergeLocked(trx, rows, survivorId as string, mergedIds, request.actor, at);
  });
}

/** Customer ids by most (non-refund) orders, then the oldest created_at, then the smallest id. */
async function rankForSurvival(trx: Transaction<Database>, rows: CustomerRow[]): Promise<string[]> {
  const counts = await trx
    .selectFrom('orders')
    .select((eb) => ['customer_id', eb.fn.countAll<number | string>().as('n')])
    .where(
      'customer_id',
      'in',
      rows.map((r) => r.customer_id),
    )
    .where('is_refund', '=', 0)
    .groupBy('customer_id')
    .execute();
  const orders = new Map(counts.map((c) => [c.customer_id, Number(c.n)]));
  const ranked = [...rows].sort(
    (x, y) =>
      (orders.get(y.customer_id) ?? 0) - (orders.get(x.customer_id) ?? 0) ||
      compareNullableLast(x.created_at, y.created_at) ||
      (x.customer_id < y.customer_id ? -1 : x.customer_id > y.customer_id ? 1 : 0),
  );
  return ranked.map((r) => r.customer_id);
}

function compareNullableLast(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Reads (and on PostgreSQL row-locks) the customers, checking each exists and is unmerged. */
async function lockCustomers(
  trx: Transaction<Database>,
  storage: Storage,
  ids: string[],
): Promise<Map<string, CustomerRow>> {
  const unique = [...new Set(ids)];
  if (unique.length !== ids.length) {
    throw new AppError('invalid_input', `a customer id appears twice in ${ids.join(',')}; name each once.`);
  }
  if (unique.length < 2) {
    throw new AppError(
      'invalid_input',
      'merging needs at least two different customer ids (e.g. --ids A,B).',
    );
  }
  let query = trx.selectFrom('customers').selectAll().where('customer_id', 'in', unique);
  if (storage.engine === 'postgres') query = query.forUpdate();
  const rows = new Map((await query.execute()).map((r) => [r.customer_id, r]));
  const missing = unique.filter((id) => !rows.has(id));
  if (missing.length > 0) {
    throw new AppError('not_found', `no customer with id ${missing.join(', ')}; nothing was merged.`);
  }
  const merged = unique.filter((id) => rows.get(id)?.merged_into != null);
  if (merged.length > 0) {
    const described = merged.map((id) => `${id} (already merged into ${rows.get(id)?.merged_into})`);
    throw new AppError('conflict', `${described.join(', ')}; nothing was merged.`);
  }
  return rows;
}

async function mergeLocked(
  trx: Transaction<Database>,
  rows: Map<string, CustomerRow>,
  survivorId: string,
  mergedIds: string[],
  actor: string,
  at: string,
): Promise<MergeResult> {
  if (mergedIds.includes(survivorId)) {
    throw new AppError('invalid_input', `customer ${survivorId} cannot be merged into itself.`);
  }
  const survivor = rows.get(survivorId) as CustomerRow;
  const mergedRows = mergedIds.map((id) => rows.get(id) as CustomerRow);
  const { update, filledFrom } = fillSurvivor(survivor, mergedRows);

  const moved: Record<MovedTable, number> = { orders: 0, events: 0, contacts: 0, subscriptions: 0 };
  const movedByCustomer = new Map<string, Record<MovedTable, string[]>>();
  for (const id of mergedIds)
    movedByCustomer.set(id, { orders: [], events: [], contacts: [], subscriptions: [] });
  for (const { table, key } of MOVED_TABLES) {
    const db = trx as unknown as Kysely<Record<MovedTable, { customer_id: string; id: string }>>;
    const found = await db
      .selectFrom(table)
      .select(['customer_id', `${key} as id` as 'id'])
      .where('customer_id', 'in', mergedIds)
      .execute();
    for (const row of found) movedByCustomer.get(row.customer_id)?.[table].push(row.id);
    if (found.length > 0) {
      await db
        .updateTable(table)
        .set({ customer_id: survivorId })
        .where('customer_id', 'in', mergedIds)
        .execute();
    }
    moved[table] = found.length;
  }

  const repointed = await trx
    .selectFrom('customers')
    .select(['customer_id', 'merged_into'])
    .where('merged_into', 'in', mergedIds)
    .execute();
  if (repointed.length > 0) {
    await trx
      .updateTable('customers')
      .set({ merged_into: survivorId })
      .where('merged_into', 'in', mergedIds)
      .execute();
  }
  if (Object.keys(update).length > 0) {
    await trx.updateTable('customers').set(update).where('customer_id', '=', survivorId).execute();
  }
  await trx
    .updateTable('customers')
    .set({ merged_into: survivorId })
    .where('customer_id', 'in', mergedIds)
    .execute();

  await trx
    .insertInto('audit_log')
    .values([
      {
        at,
        actor,
        action: 'customer.merge_survivor',
        entity: 'customer',
        entity_id: survivorId,
        details: JSON.stringify({
          merged_ids: mergedIds,
          before: survivor,
          filled: update,
          filled_from: filledFrom,
        }),
      },
      ...mergedRows.map((row) => ({
        at,
        actor,
        action: 'customer.merge',
        entity: 'customer',
        entity_id: row.customer_id,
        details: JSON.stringify({
          survivor_id: survivorId,
          before: row,
          moved: movedByCustomer.get(row.customer_id),
          repointed: repointed.filter((r) => r.merged_into === row.customer_id).map((r) => r.customer_id),
          filled_survivor_fields: Object.keys(filledFrom).filter((f) => filledFrom[f] === row.customer_id),
        }),
      })),
    ])
    .execute();

  return {
    survivorId,
    mergedIds,
    moved,
    filledFields: Object.keys(update),
    repointedIds: repointed.map((r) => r.customer_id),
  };
}

type FillableField = Exclude<
  keyof CustomerRow,
  'customer_id' | 'name' | 'name_key' | 'kind' | 'merged_into' | 'import_batch_id'
>;

/**
 * Fields filled together, so values that belong together come from one record: an email with
 * its opt-in, a phone with its SMS/phone consent, an address with its postal code, prefecture,
 * coordinates and DM consent. A group is taken from a merged customer only where its anchor
 * fields agree with the survivor's (after normalisation) or the survivor has none.
 */
const FIELD_GROUPS: { anchors: FillableField[]; fields: FillableField[] }[] = [
  { anchors: ['email'], fields: ['email', 'email_opt_in'] },
  { anchors: ['phone'], fields: ['phone', 'sms_opt_in', 'phone_ok'] },
  {
    anchors: ['postal_code', 'prefecture', 'address'],
    fields: ['postal_code', 'prefecture', 'address', 'lat', 'lng', 'dm_ok'],
  },
  { anchors: [], fields: ['industry'] },
  { anchors: [], fields: ['employees'] },
  { anchors: [], fields: ['owner'] },
  { anchors: [], fields: ['tags'] },
  { anchors: [], fields: ['created_at'] },
  { anchors: [], fields: ['do_not_contact'] },
];

function comparable(field: FillableField, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (field === 'email') return normaliseEmail(value) ?? value;
  if (field === 'phone') return normalisePhone(value) ?? value;
  if (field === 'postal_code') return normalisePostalCode(value) ?? value;
  if (field === 'address') return addressKey(value) ?? value;
  return value.normalize('NFKC').trim();
}

function fillSurvivor(
  survivor: CustomerRow,
  mergedRows: CustomerRow[],
): { update: Partial<Pick<CustomerRow, FillableField>>; filledFrom: Record<string, string> } {
  const current: Record<string, unknown> = { ...survivor };
  const update: Record<string, unknown> = {};
  const filledFrom: Record<string, string> = {};
  for (const group of FIELD_GROUPS) {
    for (const row of mergedRows) {
      const other = row as unknown as Record<string, unknown>;
      const agrees = group.anchors.every(
        (f) =>
          current[f] == null || other[f] == null || comparable(f, current[f]) === comparable(f, other[f]),
      );
      if (!agrees) continue;
      for (const field of group.fields) {
        if (current[field] == null && other[field] != null) {
          current[field] = other[field];
          update[field] = other[field];
          filledFrom[field] = row.customer_id;
        }
      }
    }
  }
  // A request not to be contacted must survive a merge, whichever record carried it.
  const optedOut = mergedRows.find((r) => r.do_not_contact === 1);
  if (current.do_not_contact !== 1 && optedOut) {
    update.do_not_contact = 1;
    filledFrom.do_not_contact = optedOut.customer_id;
  }
  return { update: update as Partial<Pick<CustomerRow, FillableField>>, filledFrom };
}
