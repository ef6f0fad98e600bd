/**
 * The morning dashboard from the stored analysis: customers per lifecycle status with the change
 * since the previous run, newly dormant customers, ranks A–D, top reasons by lost yearly revenue,
 * the opportunity estimate, the at-risk head and the P(alive) distribution.
 *
 * Whole-company numbers come from the run summary `mezame analyze` stored (one row, however many
 * customers); a sales rep's numbers are computed from customer_state (each row carries the
 * previous run's status and a newly dormant mark) over the accounts they own (their share of the customers, through the owner index). Both paths
 * count the same things: without a summary, the company's numbers come from the rows too, and
 * the tests check they equal the summary's.
 */
import { type Kysely, type SqlBool, sql } from 'kysely';
import {
  DORMANT_STATUSES,
  LIFECYCLE_STATUSES,
  type LifecycleStatus,
} from '../core/detect/lifecycleStatus.js';
import { opportunityEstimate } from '../core/detect/opportunity.js';
import { type AnalysisDatabase, type AnalysisRunRow, latestRun } from './analysisQueries.js';
import { type CustomerScope, mergedCustomerIds } from './customerQueries.js';
import { LOST_STATUSES } from './reasonReportQueries.js';
import type { Storage } from './storage.js';

export const RANKS = ['A', 'B', 'C', 'D'] as const;
export const AT_RISK_ORDERS = ['expected_value', 'health_score'] as const;
export type AtRiskOrder = (typeof AT_RISK_ORDERS)[number];
const P_ALIVE_BINS = 10;
const DORMANT: LifecycleStatus[] = [...DORMANT_STATUSES];

export interface RunRef {
  run_id: number;
  as_of: string;
}

export interface StatusCount {
  key: string;
  count: number;
  /** Change against the previous run (null on the first run). */
  change: number | null;
}

export interface AtRiskCustomer {
  customer_id: string;
  name: string;
  owner: string | null;
  health_score: number | null;
  health_level: string | null;
  expected_value: number | null;
  p_alive: number | null;
  days_since_last_purchase: number | null;
  overdue_ratio: number | null;
  rank: string | null;
}

export interface Opportunity {
  dormant_customers: number;
  average_yearly_value_yen: number;
  reactivation_rate: number;
  estimated_yen: number;
  assumptions: string;
}

export interface DashboardAnalysis {
  available: boolean;
  run: (RunRef & { finished_at: string | null }) | null;
  previous_run: RunRef | null;
  /** Where the counts came from: the stored run summary or the per-customer rows. */
  source: 'run_summary' | 'customer_state' | null;
  statuses: StatusCount[];
  /** Customers dormant now who were not dormant in the previous run (null on the first run). */
  newly_dormant: number | null;
  ranks: { key: string; count: number }[];
  top_reasons: { reason: string; customers: number; lost_yearly_revenue_yen: number }[];
  opportunity: Opportunity | null;
  at_risk: AtRiskCustomer[];
  at_risk_order: AtRiskOrder;
  p_alive: { from: number; to: number; customers: number }[];
}

/** The part of a stored run summary (AnalysisSummary) the dashboard reads. */
interface StoredSummary {
  statuses?: Record<string, number>;
  status_changes?: Record<string, number> | null;
  previous_run?: RunRef | null;
  newly_dormant?: number;
  opportunity?: Opportunity;
  bgnbd?: { p_alive_histogram?: { from: number; to: number; customers: number }[] };
  diagnosis?: { ranks?: Record<string, number> };
  history_skipped?: boolean;
  at_risk_head?: { customer_id: string }[];
}

function adb(storage: Storage): Kysely<AnalysisDatabase> {
  return storage.db as unknown as Kysely<AnalysisDatabase>;
}

/** The run whose results customer_state holds now (the last one written, whatever its as-of day). */
export async function currentRun(storage: Storage): Promise<AnalysisRunRow | null> {
  const state = await adb(storage).selectFrom('customer_state').select('run_id').limit(1).executeTakeFirst();
  if (!state) return null;
  const run = await adb(storage)
    .selectFrom('analysis_runs')
    .selectAll()
    .where('id', '=', Number(state.run_id))
    .executeTakeFirst();
  return run ? { ...run, id: Number(run.id) } : null;
}

/** The run a run compared itself with: the latest finished run with an earlier as-of day. */
async function previousRunOf(run: AnalysisRunRow, summary: StoredSummary, storage: Storage) {
  if (summary.previous_run !== undefined) return summary.previous_run;
  const previous = await latestRun(storage, run.as_of);
  return previous ? { run_id: previous.id, as_of: previous.as_of } : null;
}

function parseSummary(run: AnalysisRunRow): StoredSummary {
  if (!run.summary) return {};
  try {
    return JSON.parse(run.summary) as StoredSummary;
  } catch {
    return {};
  }
}

/**
 * customer_state `s` joined to the customers `c` a scope may see (a sales rep: their own). A
 * cross join makes SQLite start from the rep's customers (owner index) instead of walking a
 * status index over everyone; PostgreSQL plans it like an inner join.
 */
function scopedState(storage: Storage, scope: NonNullable<CustomerScope>) {
  return adb(storage)
    .selectFrom('customers as c')
    .crossJoin('customer_state as s')
    .whereRef('s.customer_id', '=', 'c.customer_id')
    .where('c.merged_into', 'is', null)
    .where(scope.ownerKey === null ? sql<SqlBool>`1 = 0` : sql<SqlBool>`c.owner = ${scope.ownerKey}`);
}

const num = (v: unknown): number => Number(v ?? 0);

/**
 * The dashboard's analysis part for a scope (null: everyone).
 *
 * @example await dashboardAnalysis(storage, { ownerKey: '田中' }, { atRiskOrder: 'expected_value' })
 */
export async function dashboardAnalysis(
  storage: Storage,
  scope: CustomerScope,
  options: { atRiskOrder?: AtRiskOrder; run?: AnalysisRunRow | null; atRiskLimit?: number } = {},
): Promise<DashboardAnalysis> {
  const atRiskOrder = options.atRiskOrder ?? 'expected_value';
  const run = options.run === undefined ? await currentRun(storage) : options.run;
  if (!run) {
    return {
      available: false,
      run: null,
      previous_run: null,
      source: null,
      statuses: [],
      newly_dormant: null,
      ranks: [],
      top_reasons: [],
      opportunity: null,
      at_risk: [],
      at_risk_order: atRiskOrder,
      p_alive: [],
    };
  }
  const summary = parseSummary(run);
  const previousRun = await previousRunOf(run, summary, storage);
  const limit = options.atRiskLimit ?? 10;
  // The analysis keeps the at-risk head by health (lowest first) in its summary.
  const storedHead =
    scope === null && atRiskOrder === 'health_score' && summary.at_risk_head
      ? summary.at_risk_head.slice(0, limit).map((e) => e.customer_id)
      : null;
  const { atRiskIds, ...counts } =
    scope === null && isComplete(summary)
      ? { ...countsFromSummary(summary), top_reasons: await companyTopReasons(storage), atRiskIds: null }
      : await countsFromRows(storage, scope, previousRun, { order: atRiskOrder, limit });
  const head = storedHead ?? atRiskIds;
  const atRisk = head
    ? await atRiskRows(storage, head)
    : await atRiskHead(storage, scope, atRiskOrder, limit);
  return {
    available: true,
    run: { run_id: run.id, as_of: run.as_of, finished_at: run.finished_at },
    previous_run: previousRun,
    ...counts,
    at_risk: atRisk,
    at_risk_order: atRiskOrder,
  };
}

type Counts = Pick<
  DashboardAnalysis,
  'source' | 'statuses' | 'newly_dormant' | 'ranks' | 'opportunity' | 'p_alive' | 'top_reasons'
>;

function isComplete(s: StoredSummary): boolean {
  return (
    s.statuses !== undefined &&
    s.opportunity !== undefined &&
    s.bgnbd?.p_alive_histogram !== undefined &&
    s.diagnosis?.ranks !== undefined &&
    // A run on an earlier as-of day than the latest compares with an older run; recount.
    s.history_skipped !== true
  );
}

function countsFromSummary(s: StoredSummary): Omit<Counts, 'top_reasons'> {
  const changes = s.status_changes ?? null;
  return {
    source: 'run_summary',
    statuses: LIFECYCLE_STATUSES.map((key) => ({
      key,
      count: s.statuses?.[key] ?? 0,
      change: changes ? (changes[key] ?? 0) : null,
    })),
    newly_dormant: s.previous_run ? (s.newly_dormant ?? 0) : null,
    ranks: RANKS.map((key) => ({ key, count: s.diagnosis?.ranks?.[key] ?? 0 })),
    opportunity: s.opportunity ?? null,
    p_alive: s.bgnbd?.p_alive_histogram ?? emptyBins(),
  };
}

function emptyBins() {
  return Array.from({ length: P_ALIVE_BINS }, (_, i) => ({
    from: i / P_ALIVE_BINS,
    to: (i + 1) / P_ALIVE_BINS,
    customers: 0,
  }));
}

/**
 * P(alive) tenth as a portable expression (SQLite and PostgreSQL round casts differently), with
 * literal bounds so PostgreSQL sees the same expression in SELECT and GROUP BY.
 */
function pAliveBin() {
  const steps = Array.from({ length: P_ALIVE_BINS - 1 }, (_, i) => i + 1);
  return sql<number | null>`case when s.p_alive is null then null ${sql.join(
    steps.map((k) => sql`when s.p_alive < ${sql.lit(k / P_ALIVE_BINS)} then ${sql.lit(k - 1)}`),
    sql` `,
  )} else ${sql.lit(P_ALIVE_BINS - 1)} end`;
}

/** Reasons of dormant and lost customers, biggest lost yearly revenue first. */
function sortReasons(rows: DashboardAnalysis['top_reasons']): DashboardAnalysis['top_reasons'] {
  return rows.sort(
    (a, b) =>
      b.lost_yearly_revenue_yen - a.lost_yearly_revenue_yen ||
      b.customers - a.customers ||
      a.reason.localeCompare(b.reason),
  );
}

/**
 * The company's reasons by lost yearly revenue from customer_state alone: the index
 * customer_state_status_reason_value answers it without reading the rows. (The reasons report
 * also joins customers, which only drops customers merged away since the run; the run summary
 * counts those too.)
 */
async function companyTopReasons(storage: Storage): Promise<DashboardAnalysis['top_reasons']> {
  // Grouped in the index's own order (status, reason), so no temporary sort is needed.
  const rows = await adb(storage)
    .selectFrom('customer_state as s')
    .select([
      's.status',
      's.reason_category',
      sql<number | string>`count(*)`.as('customers'),
      sql<number | string>`coalesce(sum(s.yearly_value_yen), 0)`.as('revenue'),
    ])
    .where('s.status', 'in', [...LOST_STATUSES])
    .groupBy(['s.status', 's.reason_category'])
    .execute();
  const byReason = new Map<string, { customers: number; revenue: number }>();
  for (const r of rows) {
    const key = r.reason_category ?? 'unknown';
    const t = byReason.get(key) ?? { customers: 0, revenue: 0 };
    t.customers += num(r.customers);
    t.revenue += num(r.revenue);
    byReason.set(key, t);
  }
  return sortReasons(
    [...byReason.entries()].map(([reason, t]) => ({
      reason,
      customers: t.customers,
      lost_yearly_revenue_yen: Math.round(t.revenue),
    })),
  );
}

const LOST = new Set<string>(LOST_STATUSES);
const isDormant = (status: string | null) =>
  status !== null && DORMANT_STATUSES.has(status as LifecycleStatus);

/**
 * The same numbers as the run summary (and the top reasons), from the rows of the customers in
 * scope: one grouped pass over customer_state joined to the previous run's results, and one
 * read of the dormant customers' yearly values for the opportunity estimate.
 */
async function countsFromRows(
  storage: Storage,
  scope: CustomerScope,
  previousRun: RunRef | null,
  atRisk: { order: AtRiskOrder; limit: number } | null = null,
): Promise<Counts & { atRiskIds: string[] | null }> {
  const base = () =>
    scope
      ? scopedState(storage, scope)
      : adb(storage)
          .selectFrom('customer_state as s')
          .innerJoin('customers as c', 'c.customer_id', 's.customer_id')
          .where('c.merged_into', 'is', null);
  const reason = sql<string | null>`case when s.status in (${sql.join(
    [...LOST_STATUSES].map((st) => sql.lit(st)),
  )}) then coalesce(s.reason_category, 'unknown') end`;
  // Each row carries the previous run's status (migration 014).
  const withPrevious = base().select('s.previous_status as previous');
  const columns = ['s.status', 's.rank', pAliveBin().as('bin'), reason.as('reason')] as const;
  let rows: {
    status: string;
    previous: string | null;
    rank: string | null;
    bin: number | null;
    reason: string | null;
    n: number | string;
    yearly: number | string | null;
  }[];
  let values: number[];
  let atRiskIds: string[] | null = null;
  if (scope) {
    // A rep's accounts are few: one row each, folded here, is one pass over them instead of
    // two — and their at-risk head comes from the same rows.
    const own = await withPrevious
      .select([
        ...columns,
        sql<number>`1`.as('n'),
        's.yearly_value_yen as yearly',
        's.customer_id',
        's.expected_value',
        's.health_score',
      ])
      .execute();
    rows = own;
    values = rows.filter((r) => isDormant(r.status)).map((r) => num(r.yearly));
    if (atRisk) atRiskIds = headOf(own, atRisk.order, atRisk.limit);
  } else {
    rows = await withPrevious
      .select([
        ...columns,
        sql<number | string>`count(*)`.as('n'),
        sql<number | string>`coalesce(sum(s.yearly_value_yen), 0)`.as('yearly'),
      ])
      .groupBy([sql`previous`, 's.status', 's.rank', pAliveBin(), reason])
      .execute();
    values = (
      await base()
        .select(sql<number | string | null>`s.yearly_value_yen`.as('v'))
        .where('s.status', 'in', DORMANT)
        .execute()
    ).map((v) => num(v.v));
  }

  const statuses = new Map<string, number>();
  const before = new Map<string, number>();
  const ranks = new Map<string, number>();
  const reasons = new Map<string, { customers: number; revenue: number }>();
  const bins = emptyBins();
  let newlyDormant = 0;
  for (const r of rows) {
    const n = num(r.n);
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + n);
    if (r.previous !== null) {
      before.set(r.previous, (before.get(r.previous) ?? 0) + n);
      if (isDormant(r.status) && !isDormant(r.previous)) newlyDormant += n;
    }
    if (r.rank !== null) ranks.set(r.rank, (ranks.get(r.rank) ?? 0) + n);
    if (r.bin !== null) (bins[Number(r.bin)] as { customers: number }).customers += n;
    if (r.reason !== null && LOST.has(r.status)) {
      const t = reasons.get(r.reason) ?? { customers: 0, revenue: 0 };
      t.customers += n;
      t.revenue += num(r.yearly);
      reasons.set(r.reason, t);
    }
  }
  const o = opportunityEstimate(values);
  return {
    atRiskIds,
    source: 'customer_state',
    statuses: LIFECYCLE_STATUSES.map((key) => {
      const count = statuses.get(key) ?? 0;
      return { key, count, change: previousRun ? count - (before.get(key) ?? 0) : null };
    }),
    newly_dormant: previousRun ? newlyDormant : null,
    ranks: RANKS.map((key) => ({ key, count: ranks.get(key) ?? 0 })),
    opportunity: {
      dormant_customers: o.dormantCustomers,
      average_yearly_value_yen: o.averageYearlyValueYen,
      reactivation_rate: o.reactivationRate,
      estimated_yen: o.estimatedYen,
      assumptions: o.assumptions,
    },
    p_alive: bins,
    top_reasons: sortReasons(
      [...reasons.entries()].map(([reason, t]) => ({
        reason,
        customers: t.customers,
        lost_yearly_revenue_yen: Math.round(t.revenue),
      })),
    ),
  };
}

/**
 * At-risk customers: highest expected value first, or lowest health score first (customers
 * without one are not in that head), so the index on (status, expected_value) gives the head
 * directly.
 */
async function atRiskHead(
  storage: Storage,
  scope: CustomerScope,
  order: AtRiskOrder,
  limit: number,
): Promise<AtRiskCustomer[]> {
  const query = (scope ? scopedState(storage, scope) : adb(storage).selectFrom('customer_state as s'))
    .select('s.customer_id')
    .where('s.status', '=', 'at_risk');
  const ordered =
    order === 'expected_value'
      ? query.where('s.expected_value', 'is not', null).orderBy('s.expected_value', 'desc')
      : query.where('s.health_score', 'is not', null).orderBy('s.health_score', 'asc');
  const rows = await ordered.orderBy('s.customer_id').limit(limit).execute();
  return atRiskRows(
    storage,
    rows.map((r) => r.customer_id),
  );
}

/** atRiskHead's order over rows already read: the first `limit` at-risk customer ids. */
function headOf(
  rows: readonly {
    status: string;
    customer_id: string;
    expected_value: number | string | null;
    health_score: number | string | null;
  }[],
  order: AtRiskOrder,
  limit: number,
): string[] {
  const key = (r: (typeof rows)[number]) => (order === 'expected_value' ? r.expected_value : r.health_score);
  const sign = order === 'expected_value' ? -1 : 1;
  return rows
    .filter((r) => r.status === 'at_risk' && key(r) !== null)
    .sort((a, b) => sign * (Number(key(a)) - Number(key(b))) || (a.customer_id < b.customer_id ? -1 : 1))
    .slice(0, limit)
    .map((r) => r.customer_id);
}

/** The at-risk customers with these ids, in this order, with their names. */
async function atRiskRows(storage: Storage, ids: string[]): Promise<AtRiskCustomer[]> {
  if (ids.length === 0) return [];
  const rows = await adb(storage)
    .selectFrom('customer_state as s')
    .innerJoin('customers as c', 'c.customer_id', 's.customer_id')
    .select([
      's.customer_id',
      'c.name',
      'c.owner',
      's.health_score',
      's.health_level',
      's.expected_value',
      's.p_alive',
      's.days_since_last_purchase',
      's.overdue_ratio',
      's.rank',
    ])
    .where('s.customer_id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((r) => [r.customer_id, r]));
  const nullable = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    return [
      {
        customer_id: r.customer_id,
        name: r.name,
        owner: r.owner,
        health_score: nullable(r.health_score),
        health_level: r.health_level,
        expected_value: nullable(r.expected_value),
        p_alive: nullable(r.p_alive),
        days_since_last_purchase: nullable(r.days_since_last_purchase),
        overdue_ratio: nullable(r.overdue_ratio),
        rank: r.rank,
      },
    ];
  });
}

export interface NewlyDormantCustomer {
  customer_id: string;
  name: string;
  owner: string | null;
  status: string;
  previous_status: string;
  rank: string | null;
  reason_category: string | null;
  expected_value: number | null;
  yearly_value_yen: number | null;
}

/**
 * Customers dormant in the current run who were not dormant in the previous one (highest yearly
 * value first): the list behind the dashboard's "newly dormant" count.
 */
export async function newlyDormantCustomers(
  storage: Storage,
  scope: CustomerScope,
  limit: number,
): Promise<{
  run: RunRef | null;
  previous_run: RunRef | null;
  total: number;
  items: NewlyDormantCustomer[];
}> {
  const run = await currentRun(storage);
  const summary = run ? parseSummary(run) : {};
  const previousRun = run ? await previousRunOf(run, summary, storage) : null;
  if (!run || !previousRun) {
    return {
      run: run ? { run_id: run.id, as_of: run.as_of } : null,
      previous_run: null,
      total: 0,
      items: [],
    };
  }
  const runRef = { run_id: run.id, as_of: run.as_of };
  // The run marked them (migration 014): the company's are one range of the (newly_dormant,
  // yearly value) index, counted there too; a rep's are read whole from their accounts.
  const base = () =>
    (scope
      ? scopedState(storage, scope)
      : adb(storage)
          .selectFrom('customer_state as s')
          .innerJoin('customers as c', 'c.customer_id', 's.customer_id')
          .where('c.merged_into', 'is', null)
    ).where('s.newly_dormant', '=', 1);
  const rows = await base()
    .select([
      's.customer_id',
      'c.name',
      'c.owner',
      's.status',
      's.previous_status',
      's.rank',
      's.reason_category',
      's.expected_value',
      's.yearly_value_yen',
    ])
    .orderBy(
      storage.engine === 'postgres' ? sql`s.yearly_value_yen desc nulls last` : sql`s.yearly_value_yen desc`,
    )
    .orderBy('s.customer_id', 'desc')
    .$if(scope === null, (q) => q.limit(limit))
    .execute();
  const total = scope
    ? rows.length
    : num(
        (
          await adb(storage)
            .selectFrom('customer_state as s')
            .where('s.newly_dormant', '=', 1)
            .where('s.customer_id', 'not in', mergedCustomerIds(storage))
            .select(sql<number | string>`count(*)`.as('n'))
            .executeTakeFirst()
        )?.n,
      );
  return {
    run: runRef,
    previous_run: previousRun,
    total,
    items: rows.slice(0, limit).map((r) => ({
      ...r,
      previous_status: r.previous_status ?? '',
      expected_value: r.expected_value === null ? null : Number(r.expected_value),
      yearly_value_yen: r.yearly_value_yen === null ? null : Number(r.yearly_value_yen),
    })),
  };
}
