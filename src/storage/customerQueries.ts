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
import { parseBreakdown } from '../core/prioritise/scoreBreakdown.js';
import type { SegmentFilter } from '../core/prioritise/segmentFilter.js';
import { nameSearchCondition, shortSearchUsesIndex } from './customerSearch.js';
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
  const q = filters.q?.trim() ?? '';
  const shortIndex = q !== '' && (await shortSearchUsesIndex(storage, q));

  const usesStateFilter =
    filters.status !== undefined || filters.rank !== undefined || filters.reason !== undefined;
  const usesCustomerFilter =
    scope !== null ||
    filters.owner !== undefined ||
    filters.industry !== undefined ||
    filters.prefecture !== undefined ||
    filters.segment !== undefined ||
    (filters.q !== undefined && filters.q.trim() !== '');
  /**
   * The customers matching every filter. `drive` fixes which table the engine walks first on
   * SQLite (a CROSS JOIN keeps its left table outside): 'customers' to walk a customers index
   * in list order, 'state' to walk a customer_state sort index; 'engine' leaves it to the
   * planner. PostgreSQL always plans for itself.
   */
  const filtered = (join: 'none' | 'left' | 'inner', drive: 'engine' | 'customers' | 'state' = 'engine') => {
    let base: CustomerQuery;
    const fixed = storage.engine === 'sqlite' && drive !== 'engine';
    if (join === 'inner' && fixed && drive === 'state') {
      base = (db.selectFrom('customer_state') as unknown as CustomerQuery)
        .crossJoin('customers')
        .whereRef('customers.customer_id', '=', 'customer_state.customer_id');
    } else if (join === 'inner' && fixed) {
      base = (db.selectFrom('customers') as unknown as CustomerQuery)
        .crossJoin('customer_state')
        .whereRef('customer_state.customer_id', '=', 'customers.customer_id');
    } else {
      base = db.selectFrom('customers') as unknown as CustomerQuery;
      if (join === 'left')
        base = base.leftJoin('customer_state', 'customer_state.customer_id', 'customers.customer_id');
      if (join === 'inner')
        base = base.innerJoin('customer_state', 'customer_state.customer_id', 'customers.customer_id');
    }
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
    base = withStateFilters(base);
    if (filters.segment !== undefined) {
      base = base.where(
        'customers.customer_id',
        'in',
        segmentQuery(storage, filters.segment).select('s.customer_id'),
      );
    }
    if (filters.q !== undefined && filters.q.trim() !== '') {
      base = base.where(nameSearchCondition(storage, filters.q.trim(), { shortIndex }));
    }
    return base;
  };
  function withStateFilters<Q extends SelectQueryBuilder<AnalysisDatabase, 'customer_state', object>>(
    q: Q,
  ): Q {
    let base = q;
    if (filters.status !== undefined) {
      needState('status', 'status');
      base = base.where('customer_state.status', '=', filters.status) as Q;
    }
    if (filters.rank !== undefined) {
      needState('rank', 'rank');
      base = base.where(sql.ref('customer_state.rank'), '=', filters.rank) as Q;
    }
    if (filters.reason !== undefined) {
      needState('reason', 'reason_category');
      base = base.where('customer_state.reason_category', '=', filters.reason) as Q;
    }
    return base;
  }

  const isStateSort = (STATE_LIST_COLUMNS as readonly string[]).includes(request.sort);
  if (isStateSort) needState('sort', request.sort);

  const total = await countMatching();
  // Walking the sort order's index reads about (offset + limit) × all ÷ matching rows before
  // the page is full; collecting the matches and sorting them reads `matching`. Walk when
  // that is the smaller (a broad status, everyone), sort when the match is narrow (a rep's
  // accounts among a million, a search). SQLite only: PostgreSQL plans this itself.
  const everyone =
    storage.engine === 'sqlite' && (usesCustomerFilter || usesStateFilter)
      ? await unmergedCustomerCount(storage)
      : total;
  const broad = total * total > (request.offset + request.limit) * everyone * WALK_COST_PER_ROW;
  const selectRow = (q: CustomerQuery) =>
    q
      .select([
        'customers.customer_id',
        'customers.name',
        'customers.kind',
        'customers.prefecture',
        'customers.industry',
        'customers.owner',
      ])
      .select(stateColumns.map((c) => sql.ref<string | number | null>(`customer_state.${c}`).as(c)));
  const direction = request.direction === 'desc' ? sql`desc` : sql`asc`;
  const pageRows = isStateSort ? await stateSortedPage() : await customerSortedPage();

  async function countMatching(): Promise<number> {
    if (!usesCustomerFilter && !usesStateFilter) return unmergedCustomerCount(storage);
    if (!usesCustomerFilter && state !== null) {
      // Only analysis filters: counted in customer_state's indexes. Its rows are the customers
      // of the last run; those merged away since are left out.
      const row = await withStateFilters(db.selectFrom('customer_state'))
        .where('customer_state.customer_id', 'not in', mergedCustomerIds(storage))
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    }
    const row = await filtered(usesStateFilter ? 'inner' : 'none')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function customerSortedPage() {
    const sortRef = sql.ref(`customers.${request.sort}`);
    const nullable = !NOT_NULL_SORT_KEYS.has(request.sort);
    const join = state === null ? 'none' : usesStateFilter ? 'inner' : 'left';
    return (
      selectRow(filtered(join, broad ? 'customers' : 'engine'))
        // Same null placement on both engines: missing values last. Columns that are never null
        // skip it, so the default sort (name) walks the customers_name index.
        .$if(nullable && !nullsLastNatively(storage, request.direction), (q) =>
          q.orderBy(sql`case when ${sortRef} is null then 1 else 0 end`),
        )
        .orderBy(
          storage.engine === 'postgres' && nullable
            ? sql`${sortRef} ${direction} nulls last`
            : sql`${sortRef} ${direction}`,
        )
        .orderBy('customers.customer_id')
        .limit(request.limit)
        .offset(request.offset)
        .execute()
    );
  }

  /**
   * Sorted by an analysis column, missing values last in either direction: first the customers
   * with a value, in (value, customer_id) order — the order of the column's index — then the
   * others (not analysed yet, or no value such as an active customer's score) by customer_id.
   */
  async function stateSortedPage() {
    const sortRef = sql.ref(`customer_state.${request.sort}`);
    const withValue = () => filtered('inner', broad ? 'state' : 'engine').where(sortRef, 'is not', null);
    const rows = await selectRow(withValue())
      .orderBy(sql`${sortRef} ${direction}`)
      .orderBy(sql`${sql.ref('customer_state.customer_id')} ${direction}`)
      .limit(request.limit)
      .offset(request.offset)
      .execute();
    if (rows.length === request.limit) return rows;
    let valued = request.offset + rows.length;
    if (rows.length === 0 && request.offset > 0) {
      const row = await withValue()
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      valued = Number(row.n);
    }
    const rest = await selectRow(filtered(usesStateFilter ? 'inner' : 'left'))
      .where((eb) => eb.or([eb('customer_state.customer_id', 'is', null), eb(sortRef, 'is', null)]))
      .orderBy('customers.customer_id')
      .limit(request.limit - rows.length)
      .offset(Math.max(0, request.offset - valued))
      .execute();
    return [...rows, ...rest];
  }

  const ids = pageRows.map((r) => r.customer_id);
  const totals = ids.length === 0 ? [] : await orderTotals(storage, ids);
  const byId = new Map(totals.map((t) => [t.customer_id, t]));
  return {
    total,
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

/** Customers merged into another: few, read from the partial index on merged_into. */
export function mergedCustomerIds(storage: Storage) {
  return storage.db
    .selectFrom('customers')
    .select('customers.customer_id')
    .where('merged_into', 'is not', null);
}

/** Customers not merged away: count(*) over the table reads its smallest index, minus the merged. */
export async function unmergedCustomerCount(storage: Storage): Promise<number> {
  const count = (q: ReturnType<typeof mergedCustomerIds>) =>
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
  const [all, merged] = await Promise.all([
    count(storage.db.selectFrom('customers').select('customers.customer_id')),
    count(mergedCustomerIds(storage)),
  ]);
  return Number(all.n) - Number(merged.n);
}

/** A row read while walking an index (plus its lookups) costs about this many rows sorted. */
const WALK_COST_PER_ROW = 2;

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
    /** The score per criterion (points × weight) behind the rank, when the customer was scored. */
    scoreBreakdown: parseBreakdown(
      (state as { score_breakdown?: string | null } | undefined)?.score_breakdown,
    ),
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

/**
 * The data on hand: customers, orders, revenue, contacts who left, the last order. What the
 * analysis found (statuses, ranks, reasons) is dashboardAnalysis's, from the run summary.
 */
export interface DashboardSummary {
  customers: number;
  orders: number;
  revenue: number;
  contactsLeft: number;
  lastOrderAt: string | null;
  analysisAvailable: boolean;
}

export async function dashboardSummary(storage: Storage, scope: CustomerScope): Promise<DashboardSummary> {
  const owned = ownedIds(storage, scope);
  let orders = storage.db.selectFrom('orders').where('is_refund', '=', 0);
  let contacts = storage.db.selectFrom('contacts').where('status', '=', 'left');
  if (owned) {
    orders = orders.where('customer_id', 'in', owned);
    contacts = contacts.where('customer_id', 'in', owned);
  }
  const customers = scope
    ? scopedCustomers(storage, scope)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow()
        .then((r) => Number(r.n))
    : unmergedCustomerCount(storage);
  const [customerCount, orderRow, contactRow, tables] = await Promise.all([
    customers,
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
  return {
    customers: customerCount,
    orders: Number(orderRow.n),
    revenue: Number(orderRow.revenue ?? 0),
    contactsLeft: Number(contactRow.n),
    lastOrderAt: orderRow.last ?? null,
    analysisAvailable: tables.hasResults,
  };
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
