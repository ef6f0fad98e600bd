/**
 * The morning dashboard from the stored analysis: customers per lifecycle status with the change
 * since the previous run, newly dormant customers, ranks A–D, top reasons by lost yearly revenue,
 * the opportunity estimate, the at-risk head and the P(alive) distribution.
 *
 * Whole-company numbers come from the run summary `mezame analyze` stored (one row, however many
 * customers); a sales rep's numbers are computed from customer_state and customer_run_results
 * over the accounts they own (their share of the customers, through the owner index). Both paths
 * count the same things, so a rep's figures add up to the company's.
 */
import { type Kysely, type SqlBool, sql } from 'kysely';
import {
  DORMANT_STATUSES,
  LIFECYCLE_STATUSES,
  type LifecycleStatus,
} from '../core/detect/lifecycleStatus.js';
import { opportunityEstimate } from '../core/detect/opportunity.js';
import { type AnalysisDatabase, type AnalysisRunRow, latestRun } from './analysisQueries.js';
import type { CustomerScope } from './customerQueries.js';
import { LOST_STATUSES, reasonsReport } from './reasonReportQueries.js';
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

/** customer_state `s` joined to the customers `c` a scope may see (a sales rep: their own). */
function scopedState(storage: Storage, scope: NonNullable<CustomerScope>) {
  return adb(storage)
    .selectFrom('customer_state as s')
    .innerJoin('customers as c', 'c.customer_id', 's.customer_id')
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
  const [counts, topReasonRows, atRisk] = await Promise.all([
    scope === null && isComplete(summary)
      ? Promise.resolve(countsFromSummary(summary))
      : countsFromRows(storage, scope, previousRun),
    topReasons(storage, scope),
    atRiskHead(storage, scope, atRiskOrder, options.atRiskLimit ?? 10),
  ]);
  return {
    available: true,
    run: { run_id: run.id, as_of: run.as_of, finished_at: run.finished_at },
    previous_run: previousRun,
    ...counts,
    top_reasons: topReasonRows,
    at_risk: atRisk,
    at_risk_order: atRiskOrder,
  };
}

type Counts = Pick<
  DashboardAnalysis,
  'source' | 'statuses' | 'newly_dormant' | 'ranks' | 'opportunity' | 'p_alive'
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

function countsFromSummary(s: StoredSummary): Counts {
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

/** The same counts as the run summary, from the rows of the customers in scope. */
async function countsFromRows(storage: Storage, scope: CustomerScope, previousRun: RunRef | null) {
  const base = () =>
    scope
      ? scopedState(storage, scope)
      : adb(storage)
          .selectFrom('customer_state as s')
          .innerJoin('customers as c', 'c.customer_id', 's.customer_id')
          .where('c.merged_into', 'is', null);
  const grouped = base()
    .select(['s.status', 's.rank', pAliveBin().as('bin'), sql<number | string>`count(*)`.as('n')])
    .groupBy(['s.status', 's.rank', pAliveBin()])
    .execute();
  const dormantValues = base()
    .select(sql<number | string | null>`s.yearly_value_yen`.as('v'))
    .where('s.status', 'in', DORMANT)
    .execute();
  const previous = previousRun
    ? (scope
        ? adb(storage)
            .selectFrom('customer_run_results as s')
            .innerJoin('customers as c', 'c.customer_id', 's.customer_id')
            .where('c.merged_into', 'is', null)
            .where(scope.ownerKey === null ? sql<SqlBool>`1 = 0` : sql<SqlBool>`c.owner = ${scope.ownerKey}`)
        : adb(storage).selectFrom('customer_run_results as s')
      )
        .select(['s.status', sql<number | string>`count(*)`.as('n')])
        .where('s.run_id', '=', previousRun.run_id)
        .groupBy('s.status')
        .execute()
    : Promise.resolve(null);
  const newlyDormant = previousRun
    ? base()
        .innerJoin('customer_run_results as p', (join) =>
          join.onRef('p.customer_id', '=', 's.customer_id').on('p.run_id', '=', previousRun.run_id),
        )
        .select(sql<number | string>`count(*)`.as('n'))
        .where('s.status', 'in', DORMANT)
        .where('p.status', 'not in', DORMANT)
        .executeTakeFirst()
    : Promise.resolve(null);
  const [rows, values, previousRows, newly] = await Promise.all([
    grouped,
    dormantValues,
    previous,
    newlyDormant,
  ]);
  const statuses = new Map<string, number>();
  const ranks = new Map<string, number>();
  const bins = emptyBins();
  for (const r of rows) {
    const n = num(r.n);
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + n);
    if (r.rank !== null) ranks.set(r.rank, (ranks.get(r.rank) ?? 0) + n);
    if (r.bin !== null) (bins[Number(r.bin)] as { customers: number }).customers += n;
  }
  const before = previousRows ? new Map(previousRows.map((r) => [r.status, num(r.n)])) : null;
  const o = opportunityEstimate(values.map((v) => num(v.v)));
  return {
    source: 'customer_state' as const,
    statuses: LIFECYCLE_STATUSES.map((key) => {
      const count = statuses.get(key) ?? 0;
      return { key, count, change: before ? count - (before.get(key) ?? 0) : null };
    }),
    newly_dormant: newly ? num(newly.n) : null,
    ranks: RANKS.map((key) => ({ key, count: ranks.get(key) ?? 0 })),
    opportunity: {
      dormant_customers: o.dormantCustomers,
      average_yearly_value_yen: o.averageYearlyValueYen,
      reactivation_rate: o.reactivationRate,
      estimated_yen: o.estimatedYen,
      assumptions: o.assumptions,
    },
    p_alive: bins,
  };
}

/**
 * Reasons of the dormant and lost customers by lost yearly revenue. A sales rep's come from the
 * reasons report (over the accounts they own); the company's from customer_state alone, which the
 * index customer_state_status_reason_value answers without reading the rows (the report's join to
 * customers only drops customers merged away since the run, which the run summary counts too).
 */
async function topReasons(storage: Storage, scope: CustomerScope): Promise<DashboardAnalysis['top_reasons']> {
  if (scope) {
    return (await reasonsReport(storage, null, null, scope)).map((r) => ({
      reason: r.reason,
      customers: r.customers,
      lost_yearly_revenue_yen: r.lost_yearly_revenue_yen,
    }));
  }
  const reason = sql<string>`coalesce(s.reason_category, 'unknown')`;
  const rows = await adb(storage)
    .selectFrom('customer_state as s')
    .select([
      reason.as('reason'),
      sql<number | string>`count(*)`.as('customers'),
      sql<number | string>`coalesce(sum(s.yearly_value_yen), 0)`.as('revenue'),
    ])
    .where('s.status', 'in', [...LOST_STATUSES])
    .groupBy(reason)
    .execute();
  return rows
    .map((r) => ({
      reason: r.reason,
      customers: num(r.customers),
      lost_yearly_revenue_yen: Math.round(num(r.revenue)),
    }))
    .sort(
      (a, b) =>
        b.lost_yearly_revenue_yen - a.lost_yearly_revenue_yen ||
        b.customers - a.customers ||
        a.reason.localeCompare(b.reason),
    );
}

/**
 * At-risk customers: highest expected value first, or lowest health score first (customers
 * without one are not in that head), so the index on (status, column) gives the head directly.
 */
async function atRiskHead(
  storage: Storage,
  scope: CustomerScope,
  order: AtRiskOrder,
  limit: number,
): Promise<AtRiskCustomer[]> {
  const query = (scope ? scopedState(storage, scope) : adb(storage).selectFrom('customer_state as s'))
    .select([
      's.customer_id',
      's.health_score',
      's.health_level',
      's.expected_value',
      's.p_alive',
      's.days_since_last_purchase',
      's.overdue_ratio',
      's.rank',
    ])
    .where('s.status', '=', 'at_risk');
  const ordered =
    order === 'expected_value'
      ? query.where('s.expected_value', 'is not', null).orderBy('s.expected_value', 'desc')
      : query.where('s.health_score', 'is not', null).orderBy('s.health_score', 'asc');
  const rows = await ordered.orderBy('s.customer_id').limit(limit).execute();
  if (rows.length === 0) return [];
  const names = await storage.db
    .selectFrom('customers')
    .select(['customer_id', 'name', 'owner'])
    .where(
      'customer_id',
      'in',
      rows.map((r) => r.customer_id),
    )
    .execute();
  const byId = new Map(names.map((n) => [n.customer_id, n]));
  return rows.map((r) => ({
    customer_id: r.customer_id,
    name: byId.get(r.customer_id)?.name ?? r.customer_id,
    owner: byId.get(r.customer_id)?.owner ?? null,
    health_score: r.health_score === null ? null : Number(r.health_score),
    health_level: r.health_level,
    expected_value: r.expected_value === null ? null : Number(r.expected_value),
    p_alive: r.p_alive === null ? null : Number(r.p_alive),
    days_since_last_purchase: r.days_since_last_purchase === null ? null : Number(r.days_since_last_purchase),
    overdue_ratio: r.overdue_ratio === null ? null : Number(r.overdue_ratio),
    rank: r.rank,
  }));
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
  const previousRun = run ? await previousRunOf(run, parseSummary(run), storage) : null;
  if (!run || !previousRun) {
    return {
      run: run ? { run_id: run.id, as_of: run.as_of } : null,
      previous_run: null,
      total: 0,
      items: [],
    };
  }
  const base = () => {
    const q = scope
      ? scopedState(storage, scope)
      : adb(storage)
          .selectFrom('customer_state as s')
          .innerJoin('customers as c', 'c.customer_id', 's.customer_id')
          .where('c.merged_into', 'is', null);
    return q
      .innerJoin('customer_run_results as p', (join) =>
        join.onRef('p.customer_id', '=', 's.customer_id').on('p.run_id', '=', previousRun.run_id),
      )
      .where('s.status', 'in', DORMANT)
      .where('p.status', 'not in', DORMANT);
  };
  const [total, rows] = await Promise.all([
    base().select(sql<number | string>`count(*)`.as('n')).executeTakeFirst(),
    base()
      .select([
        's.customer_id',
        'c.name',
        'c.owner',
        's.status',
        'p.status as previous_status',
        's.rank',
        's.reason_category',
        's.expected_value',
        's.yearly_value_yen',
      ])
      .orderBy(sql`coalesce(s.yearly_value_yen, 0)`, 'desc')
      .orderBy('s.customer_id')
      .limit(limit)
      .execute(),
  ]);
  return {
    run: { run_id: run.id, as_of: run.as_of },
    previous_run: previousRun,
    total: num(total?.n),
    items: rows.map((r) => ({
      ...r,
      expected_value: r.expected_value === null ? null : Number(r.expected_value),
      yearly_value_yen: r.yearly_value_yen === null ? null : Number(r.yearly_value_yen),
    })),
  };
}
