/**
 * "Why do we lose customers": the reasons of the latest analysis' dormant and lost customers by
 * count and by the yearly revenue they stopped bringing, optionally split by industry, sales rep,
 * product category or acquisition cohort; and the improvement → re-approach list (customers whose
 * reason a resolved problem or a price decrease answers). Aggregated in SQL on both engines.
 */
import { type Kysely, type SqlBool, sql } from 'kysely';
import type { SegmentFilter } from '../core/prioritise/segmentFilter.js';
import type { AnalysisDatabase } from './analysisQueries.js';
import type { CustomerScope } from './customerQueries.js';
import { segmentQuery } from './segmentQueries.js';
import type { Storage } from './storage.js';

export const LOST_STATUSES = ['early_dormant', 'mid_dormant', 'long_dormant', 'lost'] as const;
export const REASON_REPORT_GROUPS = ['industry', 'owner', 'product', 'cohort'] as const;
export type ReasonReportGroup = (typeof REASON_REPORT_GROUPS)[number];

export interface ReasonReportRow {
  /** The group value (industry, owner, category, cohort year); null without --by or when unknown. */
  group: string | null;
  reason: string;
  customers: number;
  lost_yearly_revenue_yen: number;
  /** Share of the group's customers / lost revenue. */
  customer_share: number;
  revenue_share: number;
}

function adb(storage: Storage): Kysely<AnalysisDatabase> {
  return storage.db as unknown as Kysely<AnalysisDatabase>;
}

const GROUP_EXPRESSIONS: Record<ReasonReportGroup, ReturnType<typeof sql<string | null>>> = {
  industry: sql<string | null>`c.industry`,
  owner: sql<string | null>`s.owner`,
  product: sql<string | null>`s.main_category`,
  cohort: sql<string | null>`substr(s.first_purchase_day, 1, 4)`,
};

/** The owner condition on the joined customers `c`: a sales rep's own accounts only. */
function scopeCondition(scope: CustomerScope) {
  if (!scope) return sql<SqlBool>`1 = 1`;
  return scope.ownerKey === null ? sql<SqlBool>`1 = 0` : sql<SqlBool>`c.owner = ${scope.ownerKey}`;
}

/**
 * Reasons by count and lost yearly revenue, biggest revenue first within each group; only the
 * customers of `segment` when one is given, and only those in `scope` (a sales rep's accounts).
 *
 * @example await reasonsReport(storage, 'industry')
 */
export async function reasonsReport(
  storage: Storage,
  by: ReasonReportGroup | null = null,
  segment: SegmentFilter | null = null,
  scope: CustomerScope = null,
): Promise<ReasonReportRow[]> {
  const group = by === null ? sql<string | null>`null` : GROUP_EXPRESSIONS[by];
  const base = segment ? segmentQuery(storage, segment) : null;
  // Everyone's report by a customer_state column reads customer_state alone (without a breakdown,
  // from the index on status, reason and value): a customer merged away since the run still
  // counts until the next analysis, as in the run's own summary.
  // A sales rep's report starts from their accounts (owner index): the cross join fixes that
  // order on SQLite, which otherwise may walk a status index over every customer.
  const query = (
    base ??
    (scope !== null
      ? adb(storage)
          .selectFrom('customers as c')
          .crossJoin('customer_state as s')
          .whereRef('s.customer_id', '=', 'c.customer_id')
          .where('c.merged_into', 'is', null)
      : by === 'industry'
        ? adb(storage)
            .selectFrom('customer_state as s')
            .innerJoin('customers as c', 'c.customer_id', 's.customer_id')
            .where('c.merged_into', 'is', null)
        : adb(storage).selectFrom('customer_state as s'))
  )
    .select([
      group.as('grp'),
      sql<string>`coalesce(s.reason_category, 'unknown')`.as('reason'),
      sql<number | string>`count(*)`.as('customers'),
      sql<number | string>`coalesce(sum(s.yearly_value_yen), 0)`.as('revenue'),
    ])
    .where('s.status', 'in', [...LOST_STATUSES])
    .$if(scope !== null, (q) => q.where(scopeCondition(scope)))
    .groupBy(by === null ? [reasonExpression()] : [group, reasonExpression()]);
  const rows = (await query.execute()) as {
    grp: string | null;
    reason: string;
    customers: number | string;
    revenue: number | string;
  }[];
  const totals = new Map<string | null, { customers: number; revenue: number }>();
  const parsed = rows.map((r) => ({
    group: r.grp === null ? null : String(r.grp),
    reason: String(r.reason),
    customers: Number(r.customers),
    revenue: Number(r.revenue),
  }));
  for (const r of parsed) {
    const t = totals.get(r.group) ?? { customers: 0, revenue: 0 };
    t.customers += r.customers;
    t.revenue += r.revenue;
    totals.set(r.group, t);
  }
  return parsed
    .map((r) => {
      const t = totals.get(r.group) as { customers: number; revenue: number };
      return {
        group: r.group,
        reason: r.reason,
        customers: r.customers,
        lost_yearly_revenue_yen: Math.round(r.revenue),
        customer_share: t.customers > 0 ? Math.round((r.customers / t.customers) * 1000) / 1000 : 0,
        revenue_share: t.revenue > 0 ? Math.round((r.revenue / t.revenue) * 1000) / 1000 : 0,
      };
    })
    .sort(
      (a, b) =>
        (a.group ?? '').localeCompare(b.group ?? '') ||
        b.lost_yearly_revenue_yen - a.lost_yearly_revenue_yen ||
        b.customers - a.customers ||
        a.reason.localeCompare(b.reason),
    );
}

function reasonExpression() {
  return sql`coalesce(s.reason_category, 'unknown')`;
}

export interface ReapproachListRow {
  customer_id: string;
  name: string;
  owner: string | null;
  status: string | null;
  change_id: string;
  change_kind: string | null;
  change_description: string | null;
  reason_category: string;
  confidence: number;
  is_theme_confirmed: boolean;
  flagged_at: string;
  line: string;
  expected_value: number | null;
  rank: string | null;
}

/**
 * Customers flagged "reason resolved", still dormant or lost in the latest analysis, highest EV
 * first; only a sales rep's own accounts when `scope` says so.
 */
export async function reapproachList(
  storage: Storage,
  options: { changeId?: string; includeReturned?: boolean; scope?: CustomerScope } = {},
): Promise<ReapproachListRow[]> {
  const db = storage.db as unknown as Kysely<
    AnalysisDatabase & {
      reapproach_flags: {
        customer_id: string;
        change_id: string;
        flagged_at: string;
        reason_category: string;
        confidence: number;
        is_theme_confirmed: number;
        line: string;
      };
    }
  >;
  let query = db
    .selectFrom('reapproach_flags as f')
    .innerJoin('customers as c', 'c.customer_id', 'f.customer_id')
    .leftJoin('customer_state as s', 's.customer_id', 'f.customer_id')
    .leftJoin('changes as ch', 'ch.change_id', 'f.change_id')
    .select([
      'f.customer_id',
      'c.name',
      'c.owner',
      's.status',
      'f.change_id',
      'ch.kind as change_kind',
      'ch.description as change_description',
      'f.reason_category',
      'f.confidence',
      'f.is_theme_confirmed',
      'f.flagged_at',
      'f.line',
      's.expected_value',
      's.rank',
    ]);
  if (!options.includeReturned) query = query.where('s.status', 'in', [...LOST_STATUSES]);
  if (options.changeId) query = query.where('f.change_id', '=', options.changeId);
  if (options.scope) query = query.where(scopeCondition(options.scope));
  const rows = await query
    .orderBy(sql`coalesce(s.expected_value, 0)`, 'desc')
    .orderBy('f.customer_id')
    .orderBy('f.change_id')
    .execute();
  return rows.map((r) => ({
    ...r,
    confidence: Number(r.confidence),
    is_theme_confirmed: Number(r.is_theme_confirmed) === 1,
    expected_value: r.expected_value === null ? null : Number(r.expected_value),
  }));
}
