/**
 * Reading customers for the web app: the paged list, the 360° view, the dashboard counts
 * and manual reason overrides. Every function takes a `CustomerScope`, so a sales rep's
 * restriction to the accounts they own is applied in SQL, not in the UI.
 *
 * The analysis tables (customer_state, status_history) are written by `mezame analyze` and
 * may not exist yet; `analysisTables()` looks them up so the same queries work before and
 * after the analysis has run.
 */
import { type Kysely, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { LIFECYCLE_STATUSES } from '../core/detect/lifecycleStatus.js';
import type { SegmentFilter } from '../core/prioritise/segmentFilter.js';
import type { Database } from './schema.js';
import { segmentQuery } from './segmentQueries.js';
import type { Storage } from './storage.js';

/** null: every customer. ownerKey: only customers whose `owner` equals it (null owns nothing). */
export type CustomerScope = { ownerKey: string | null } | null;

/** Columns of customer_state the list may show, filter and sort by, when they exist. */
export const STATE_LIST_COLUMNS = [
  'status',
  'rank',
  'score',
  'health_score',
  'p_alive',
  'expected_value',
  'reason_category',
  'days_since_last_purchase',
] as const;
export type StateListColumn = (typeof STATE_LIST_COLUMNS)[number];

interface CustomerStateTable {
  customer_id: string;
  status: string | null;
  rank: string | null;
  score: number | null;
  health_score: number | null;
  p_alive: number | null;
  expected_value: number | null;
  reason_category: string | null;
  days_since_last_purchase: number | null;
}
interface StatusHistoryTable {
  customer_id: string;
}
type AnalysisDatabase = Database & { customer_state: CustomerStateTable; status_history: StatusHistoryTable };

const HISTORY_TIME_COLUMNS = ['entered_at', 'changed_at', 'at'];

export interface AnalysisTables {
  /** Columns of customer_state, or null when the table does not exist. */
  stateColumns: Set<string> | null;
  hasStatusHistory: boolean;
  /** The column status_history is ordered by (entered_at in 004_analysis), if any. */
  historyTimeColumn: string | null;
  /** The analysis has run: customer_state has rows. */
  hasResults: boolean;
}

async function tableColumns(storage: Storage, table: string): Promise<Set<string> | null> {
  const rows =
    storage.engine === 'sqlite'
      ? await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(storage.db)
      : await sql<{ name: string }>`select column_name as name from information_schema.columns
          where table_schema = current_schema() and table_name = ${table}`.execute(storage.db);
  return rows.rows.length === 0 ? null : new Set(rows.rows.map((r) => r.name));
}

export async function analysisTables(storage: Storage): Promise<AnalysisTables> {
  const [stateColumns, history] = await Promise.all([
    tableColumns(storage, 'customer_state'),
    tableColumns(storage, 'status_history'),
  ]);
  const hasResults =
    stateColumns !== null &&
    (await analysisDb(storage).selectFrom('customer_state').select('customer_id').limit(1).execute()).length >
      0;
  const historyTimeColumn = HISTORY_TIME_COLUMNS.find((c) => history?.has(c)) ?? null;
  return { stateColumns, hasStatusHistory: history !== null, historyTimeColumn, hasResults };
}

function analysisDb(storage: Storage): Kysely<AnalysisDatabase> {
  return storage.db as unknown as Kysely<AnalysisDatabase>;
}

export interface CustomerFilters {
  status?: string | undefined;
  rank?: string | undefined;
  reason?: string | undefined;
  owner?: string | undefined;
  industry?: string | undefined;
  prefecture?: string | undefined;
  /** Part of the name or customer id. */
  q?: string | undefined;
  /** A saved segment's filter: only its customers (of the latest analysis). */
  segment?: SegmentFilter | undefined;
}

export const CUSTOMER_SORT_KEYS = [
  'name',
  'customer_id',
  'prefecture',
  'industry',
  'owner',
  'created_at',
  ...STATE_LIST_COLUMNS,
] as const;
export type CustomerSortKey = (typeof CUSTOMER_SORT_KEYS)[number];
const NOT_NULL_SORT_KEYS = new Set<string>(['name', 'customer_id']);

export interface CustomerListRequest {
  filters: CustomerFilters;
  sort: CustomerSortKey;
  direction: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export interface CustomerListItem {
  customer_id: string;
  name: string;
  kind: string;
  prefecture: string | null;
  industry: string | null;
  owner: string | null;
  last_order_at: string | null;
  order_count: number;
  revenue: number;
  /** Analysis columns that exist (status, rank, score…). */
  analysis: Partial<Record<StateListColumn, string | number | null>> | null;
}

export interface CustomerList {
  total: number;
  items: CustomerListItem[];
  /** Filters or sort keys that need the analysis but it has not run. */
  analysisAvailable: boolean;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

type CustomerQuery = SelectQueryBuilder<AnalysisDatabase, 'customers' | 'customer_state', object>;

/** Thrown as a value: the request names an analysis column that does not exist yet. */
export class AnalysisMissing extends Error {
  constructor(readonly field: string) {
    super(`${field} needs the analysis; run \`mezame analyze\` first`);
  }
}

export async function listCustomers(
  storage: Storage,
  scope: CustomerScope,
  request: CustomerListRequest,
): Promise<CustomerList> {
  const tables = await analysisTables(storage);
  const state = tables.stateColumns;
  const stateColumns = STATE_LIST_COLUMNS.filter((c) => state?.has(c));
  const needState = (field: string, column: string): void => {
    if (!state?.has(column)) throw new AnalysisMissing(field);
  };
  const { filters } = request;
  const db = analysisDb(storage);

  const usesStateFilter =
    filters.status !== undefined || filters.rank !== undefined || filters.reason !== undefined;
  const filtered = (joinState: boolean): CustomerQuery => {
    let base = db.selectFrom('customers') as unknown as CustomerQuery;
    if (joinState)
      base = base.leftJoin('customer_state', 'customer_state.customer_id', 'customers.customer_id');
    base = base.where('customers.merged_into', 'is', null);
    if (scope) {
      base =
        scope.ownerKey === null
          ? base.where(sql<SqlBool>`1 = 0`)
          : base.where('customers.owner', '=', scope.ownerKey);
    }
    if (filters.owner !== undefined) base = base.where('customers.owner', '=', filters.owner);
    if (filters.industry !== undefined) base = base.where('customers.industry', '=', filters.industry);
    if (filters.prefecture !== undefined) base = base.where('customers.prefecture', '=', filters.prefecture);
    if (filters.status !== undefined) {
      needState('status', 'status');
      base = base.where('customer_state.status', '=', filters.status);
    }
    if (filters.rank !== undefined) {
      needState('rank', 'rank');
      base = base.where(sql.ref('customer_state.rank'), '=', filters.rank);
    }
    if (filters.reason !== undefined) {
      needState('reason', 'reason_category');
      base = base.where('customer_state.reason_category', '=', filters.reason);
    }
    if (filters.segment !== undefined) {
      base = base.where(
        'customers.customer_id',
        'in',
        segmentQuery(storage, filters.segment).select('s.customer_id'),
      );
    }
    if (filters.q !== undefined && filters.q.trim() !== '') {
      const pattern = `%${escapeLike(filters.q.trim())}%`;
      const like = storage.engine === 'postgres' ? 'ilike' : 'like';
      base = base.where((eb) =>
        eb.or([
          eb(sql.ref('customers.name'), like, sql`${pattern} escape '\\'`),
          eb(sql.ref('customers.name_key'), like, sql`${pattern} escape '\\'`),
          eb(sql.ref('customers.customer_id'), like, sql`${pattern} escape '\\'`),
        ]),
      );
    }
    return base;
  };
  const base = filtered(state !== null);

  const isStateSort = (STATE_LIST_COLUMNS as readonly string[]).includes(request.sort);
  if (isStateSort) needState('sort', request.sort);
  const sortRef = sql.ref(isStateSort ? `customer_state.${request.sort}` : `customers.${request.sort}`);
  const direction = request.direction === 'desc' ? sql`desc` : sql`asc`;

  // The total needs the analysis join only when an analysis column is filtered on.
  const countRow = await filtered(state !== null && usesStateFilter)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  const pageRows = await base
    .select([
      'customers.customer_id',
      'customers.name',
      'customers.kind',
      'customers.prefecture',
      'customers.industry',
      'customers.owner',
    ])
    .select(stateColumns.map((c) => sql.ref<string | number | null>(`customer_state.${c}`).as(c)))
    // Same null placement on both engines: missing values last. Columns that are never
    // null skip it, so the default sort (name) can walk the customers_name index. SQLite
    // already puts nulls last when sorting descending, and PostgreSQL says NULLS LAST, so a
    // descending sort on an analysis column can walk its index (e.g. status + expected value).
    .$if(!NOT_NULL_SORT_KEYS.has(request.sort) && !nullsLastNatively(storage, request.direction), (q) =>
      q.orderBy(sql`case when ${sortRef} is null then 1 else 0 end`),
    )
    .orderBy(
      storage.engine === 'postgres' && !NOT_NULL_SORT_KEYS.has(request.sort)
        ? sql`${sortRef} ${direction} nulls last`
        : sql`${sortRef} ${direction}`,
    )
    .orderBy('customers.customer_id')
    .limit(request.limit)
    .offset(request.offset)
    .execute();

  const ids = pageRows.map((r) => r.customer_id);
  const totals = ids.length === 0 ? [] : await orderTotals(storage, ids);
  const byId = new Map(totals.map((t) => [t.customer_id, t]));
  return {
    total: Number(countRow.n),
    analysisAvailable: tables.hasResults,
    items: pageRows.map((row) => {
      const record = row as unknown as Record<string, string | number | null>;
      const t = byId.get(row.customer_id);
      return {
        customer_id: row.customer_id,
        name: row.name,
        kind: row.kind,
        prefecture: row.prefecture,
        industry: row.industry,
        owner: row.owner,
        last_order_at: t?.last_order_at ?? null,
        order_count: Number(t?.order_count ?? 0),
        revenue: Number(t?.revenue ?? 0),
        analysis: state ? Object.fromEntries(stateColumns.map((c) => [c, record[c] ?? null])) : null,
      };
    }),
  };
}

/** Whether `order by x <direction>` alone puts nulls last on this engine. */
function nullsLastNatively(storage: Storage, direction: 'asc' | 'desc'): boolean {
  return storage.engine === 'postgres' || direction === 'desc';
}

async function orderTotals(storage: Storage, ids: string[]) {
  return storage.db
    .selectFrom('orders')
    .select((eb) => [
      'customer_id',
      eb.fn.max('ordered_at').as('last_order_at'),
      eb.fn.countAll<number | string>().as('order_count'),
      eb.fn.sum<number | string>('amount').as('revenue'),
    ])
    .where('customer_id', 'in', ids)
    .where('is_refund', '=', 0)
    .groupBy('customer_id')
    .execute();
}

function inScope(scope: CustomerScope, owner: string | null): boolean {
  if (!scope) return true;
  return scope.ownerKey !== null && owner === scope.ownerKey;
}

/** Orders, events and history shown per customer are capped; the view says when it is cut. */
export const VIEW_LIMITS = { orders: 500, events: 300, history: 200 } as const;

export async function getCustomer360(storage: Storage, scope: CustomerScope, customerId: string) {
  const profile = await storage.db
    .selectFrom('customers')
    .selectAll()
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  // Another rep's customer is reported exactly like a missing one: no existence leak.
  if (!profile || !inScope(scope, profile.owner)) return undefined;
  const db = analysisDb(storage);
  const tables = await analysisTables(storage);
  const [contacts, orders, monthly, events, subscriptions, overrides, state, history] = await Promise.all([
    storage.db
      .selectFrom('contacts')
      .selectAll()
      .where('customer_id', '=', customerId)
      .orderBy('status')
      .orderBy('contact_id')
      .execute(),
    storage.db
      .selectFrom('orders')
      .selectAll()
      .where('customer_id', '=', customerId)
      .orderBy('ordered_at', 'desc')
      .orderBy('order_id')
      .limit(VIEW_LIMITS.orders)
      .execute(),
    storage.db
      .selectFrom('orders')
      .select((eb) => [
        sql<string>`substr(ordered_at, 1, 7)`.as('month'),
        eb.fn.sum<number | string>('amount').as('amount'),
        eb.fn.countAll<number | string>().as('orders'),
      ])
      .where('customer_id', '=', customerId)
      .groupBy(sql`substr(ordered_at, 1, 7)`)
      .orderBy(sql`substr(ordered_at, 1, 7)`)
      .execute(),
    storage.db
      .selectFrom('events')
      .selectAll()
      .where('customer_id', '=', customerId)
      .orderBy('occurred_at', 'desc')
      .orderBy('event_id')
      .limit(VIEW_LIMITS.events)
      .execute(),
    storage.db.selectFrom('subscriptions').selectAll().where('customer_id', '=', customerId).execute(),
    listReasonOverrides(storage, customerId),
    tables.stateColumns
      ? db.selectFrom('customer_state').selectAll().where('customer_id', '=', customerId).executeTakeFirst()
      : Promise.resolve(undefined),
    tables.hasStatusHistory
      ? db
          .selectFrom('status_history')
          .selectAll()
          .where('customer_id', '=', customerId)
          .$if(tables.historyTimeColumn !== null, (q) =>
            q.orderBy(sql.ref(`status_history.${tables.historyTimeColumn}`), 'desc'),
          )
          .limit(VIEW_LIMITS.history)
          .execute()
      : Promise.resolve([]),
  ]);
  return {
    profile,
    contacts,
    orders,
    orderMonths: monthly.map((m) => ({ month: m.month, amount: Number(m.amount), orders: Number(m.orders) })),
    events,
    subscriptions,
    reasonOverrides: overrides,
    analysis: (state as Record<string, unknown> | undefined) ?? null,
    statusHistory: newestFirst(history as Record<string, unknown>[]),
    analysisAvailable: tables.hasResults,
  };
}

function newestFirst(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  const time = (row: Record<string, unknown>) =>
    String(HISTORY_TIME_COLUMNS.map((c) => row[c]).find((v) => v !== undefined && v !== null) ?? '');
  return [...rows].sort((a, b) => time(b).localeCompare(time(a)));
}

export type Customer360 = NonNullable<Awaited<ReturnType<typeof getCustomer360>>>;

/** Whether the customer exists and is visible in the scope (for writes on it). */
export async function isCustomerVisible(
  storage: Storage,
  scope: CustomerScope,
  customerId: string,
): Promise<boolean> {
  const row = await storage.db
    .selectFrom('customers')
    .select('owner')
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return row !== undefined && inScope(scope, row.owner);
}

export async function insertReasonOverride(
  storage: Storage,
  override: { customerId: string; category: string; note: string | null; userId: number; createdAt: string },
) {
  return storage.db
    .insertInto('reason_overrides')
    .values({
      customer_id: override.customerId,
      category: override.category,
      note: override.note,
      user_id: override.userId,
      created_at: override.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Newest first, with the name of who set it. */
export async function listReasonOverrides(storage: Storage, customerId: string) {
  return storage.db
    .selectFrom('reason_overrides')
    .leftJoin('users', 'users.id', 'reason_overrides.user_id')
    .select([
      'reason_overrides.id',
      'reason_overrides.category',
      'reason_overrides.note',
      'reason_overrides.created_at',
      'reason_overrides.user_id',
      'users.display_name as user_name',
    ])
    .where('reason_overrides.customer_id', '=', customerId)
    .orderBy('reason_overrides.id', 'desc')
    .execute();
}

function scopedCustomers(storage: Storage, scope: CustomerScope) {
  let query = storage.db.selectFrom('customers').where('merged_into', 'is', null);
  if (scope) {
    query =
      scope.ownerKey === null ? query.where(sql<SqlBool>`1 = 0`) : query.where('owner', '=', scope.ownerKey);
  }
  return query;
}

function ownedIds(storage: Storage, scope: CustomerScope) {
  return scope ? scopedCustomers(storage, scope).select('customer_id') : null;
}

export interface DashboardSummary {
  customers: number;
  orders: number;
  revenue: number;
  contactsLeft: number;
  lastOrderAt: string | null;
  analysisAvailable: boolean;
  byStatus: { key: string; count: number }[];
  byRank: { key: string; count: number }[];
  byReason: { key: string; count: number }[];
}

export async function dashboardSummary(storage: Storage, scope: CustomerScope): Promise<DashboardSummary> {
  const owned = ownedIds(storage, scope);
  let orders = storage.db.selectFrom('orders').where('is_refund', '=', 0);
  let contacts = storage.db.selectFrom('contacts').where('status', '=', 'left');
  if (owned) {
    orders = orders.where('customer_id', 'in', owned);
    contacts = contacts.where('customer_id', 'in', owned);
  }
  const [customerRow, orderRow, contactRow, tables] = await Promise.all([
    scopedCustomers(storage, scope)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow(),
    orders
      .select((eb) => [
        eb.fn.countAll<number | string>().as('n'),
        eb.fn.sum<number | string | null>('amount').as('revenue'),
        eb.fn.max('ordered_at').as('last'),
      ])
      .executeTakeFirstOrThrow(),
    contacts.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    analysisTables(storage),
  ]);
  const { byStatus, byRank, byReason } = await analysisCounts(storage, scope, tables);
  return {
    customers: Number(customerRow.n),
    orders: Number(orderRow.n),
    revenue: Number(orderRow.revenue ?? 0),
    contactsLeft: Number(contactRow.n),
    lastOrderAt: orderRow.last ?? null,
    analysisAvailable: tables.hasResults,
    byStatus,
    byRank,
    byReason,
  };
}

const GROUPED_COLUMNS = ['status', 'rank', 'reason_category'] as const;

/**
 * Customers per status, rank and reason in one pass over customer_state (grouped by all
 * three, folded here), instead of one join per breakdown.
 */
async function analysisCounts(storage: Storage, scope: CustomerScope, tables: AnalysisTables) {
  const columns = GROUPED_COLUMNS.filter((c) => tables.stateColumns?.has(c));
  const totals = new Map<string, Map<string, number>>(GROUPED_COLUMNS.map((c) => [c, new Map()]));
  if (columns.length > 0 && tables.hasResults) {
    let query = analysisDb(storage)
      .selectFrom('customer_state')
      .innerJoin('customers', 'customers.customer_id', 'customer_state.customer_id')
      .where('customers.merged_into', 'is', null);
    if (scope) {
      query =
        scope.ownerKey === null
          ? query.where(sql<SqlBool>`1 = 0`)
          : query.where('customers.owner', '=', scope.ownerKey);
    }
    const refs = columns.map((c) => sql.ref<string | null>(`customer_state.${c}`));
    const rows = await query
      .select((eb) => [...refs.map((ref, i) => ref.as(`k${i}`)), eb.fn.countAll<number | string>().as('n')])
      .groupBy(refs)
      .execute();
    for (const row of rows as unknown as Record<string, string | number | null>[]) {
      columns.forEach((column, i) => {
        const key = String(row[`k${i}`] ?? '');
        const counts = totals.get(column) as Map<string, number>;
        counts.set(key, (counts.get(key) ?? 0) + Number(row.n));
      });
    }
  }
  const list = (column: (typeof GROUPED_COLUMNS)[number]) =>
    [...(totals.get(column) ?? new Map<string, number>()).entries()]
      // Customers without a rank or reason (not scored, still active) are not a bar.
      .filter(([key]) => key !== '')
      .sort(([a], [b]) => ladderOrder(column, a) - ladderOrder(column, b) || (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, count]) => ({ key, count }));
  return { byStatus: list('status'), byRank: list('rank'), byReason: list('reason_category') };
}

/** Statuses follow the lifecycle ladder (active → … → lost); other keys sort alphabetically. */
function ladderOrder(column: string, key: string): number {
  if (column !== 'status') return 0;
  const i = (LIFECYCLE_STATUSES as readonly string[]).indexOf(key);
  return i < 0 ? LIFECYCLE_STATUSES.length : i;
}

/** Distinct values for the list's filter menus (scoped). */
export async function customerFacets(storage: Storage, scope: CustomerScope) {
  const distinct = async (column: 'owner' | 'industry' | 'prefecture') => {
    const rows = await scopedCustomers(storage, scope)
      .select(column)
      .distinct()
      .where(column, 'is not', null)
      .orderBy(column)
      .limit(200)
      .execute();
    return rows.map((r) => String(r[column]));
  };
  const [owners, industries, prefectures] = await Promise.all([
    distinct('owner'),
    distinct('industry'),
    distinct('prefecture'),
  ]);
  return { owners, industries, prefectures };
}
