/**
 * Reports in the web app: "why do we lose customers" (reasons by count and lost yearly revenue,
 * broken down by segment, industry, product, sales rep or acquisition cohort) and the
 * improvement loop's "reason resolved → ready for 改善のご報告" list. The same queries as
 * `mezame report reasons|reapproach`, scoped: a sales rep sees only the accounts they own.
 */
import { z } from 'zod';
import { DEFAULT_ATTRIBUTION_DAYS } from '../../core/measure/kpi.js';
import { parseSegmentFilter } from '../../core/prioritise/segmentFilter.js';
import { type CohortReportBody, cohortsOfCurrentRun } from '../../storage/cohortQueries.js';
import type { CustomerScope } from '../../storage/customerQueries.js';
import { currentRun } from '../../storage/dashboardQueries.js';
import type { Storage } from '../../storage/index.js';
import { KPI_GROUPINGS, kpiReportOf, liftReport } from '../../storage/kpiQueries.js';
import {
  REASON_REPORT_GROUPS,
  type ReasonReportRow,
  reapproachList,
  reasonsReport,
} from '../../storage/reasonReportQueries.js';
import { listSegments } from '../../storage/segmentQueries.js';
import { ANY_ROLE, customerScopeOf } from '../auth.js';
import type { RouteTable, ServerDeps } from '../routeTable.js';
import { SummaryCache } from '../summaryCache.js';

const READ = { kind: 'user', roles: ANY_ROLE, tokenScope: 'read' } as const;

export const REASON_BREAKDOWNS = ['none', 'segment', ...REASON_REPORT_GROUPS] as const;
export type ReasonBreakdown = (typeof REASON_BREAKDOWNS)[number];
/** Saved segments shown side by side at most (each is one grouped query). */
export const MAX_SEGMENT_GROUPS = 30;

export const ReasonsReportQuery = z.object({ by: z.enum(REASON_BREAKDOWNS).default('none') });
export const ReapproachQuery = z.object({
  change: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

const IsoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a day like 2026-01-31')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a calendar day');
export const KpiReportQuery = z
  .object({
    by: z.enum(KPI_GROUPINGS).default('channel'),
    from: IsoDay.optional(),
    to: IsoDay.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from is after to', path: ['from'] });
export const LiftReportQuery = z.object({ journey: z.string().trim().min(1).max(200).optional() });

export interface ReasonsReportBody {
  by: ReasonBreakdown;
  as_of: string | null;
  totals: { customers: number; lost_yearly_revenue_yen: number };
  /** Groups in display order with their totals (one group, null, without a breakdown). */
  groups: { group: string | null; customers: number; lost_yearly_revenue_yen: number }[];
  rows: ReasonReportRow[];
}

async function buildReasons(
  storage: Storage,
  by: ReasonBreakdown,
  scope: CustomerScope,
): Promise<ReasonsReportBody> {
  const run = await currentRun(storage);
  let rows: ReasonReportRow[];
  if (by === 'segment') {
    // A customer may be in several segments: each segment is its own group, not a partition.
    const segments = (await listSegments(storage)).slice(0, MAX_SEGMENT_GROUPS);
    const perSegment = await Promise.all(
      segments.map(async (s) =>
        (await reasonsReport(storage, null, parseSegmentFilter(s.filter), scope)).map((r) => ({
          ...r,
          group: s.name,
        })),
      ),
    );
    rows = perSegment.flat();
  } else {
    rows = await reasonsReport(storage, by === 'none' ? null : by, null, scope);
  }
  const groups = new Map<string | null, { customers: number; lost_yearly_revenue_yen: number }>();
  for (const r of rows) {
    const g = groups.get(r.group) ?? { customers: 0, lost_yearly_revenue_yen: 0 };
    g.customers += r.customers;
    g.lost_yearly_revenue_yen += r.lost_yearly_revenue_yen;
    groups.set(r.group, g);
  }
  const groupList = [...groups.entries()]
    .map(([group, t]) => ({ group, ...t }))
    .sort((a, b) => b.lost_yearly_revenue_yen - a.lost_yearly_revenue_yen || b.customers - a.customers);
  // Segments overlap: their total is that of every dormant or lost customer in scope.
  const totalRows = by === 'segment' ? await reasonsReport(storage, null, null, scope) : rows;
  return {
    by,
    as_of: run?.as_of ?? null,
    totals: {
      customers: sumOf(totalRows, 'customers'),
      lost_yearly_revenue_yen: sumOf(totalRows, 'lost_yearly_revenue_yen'),
    },
    groups: groupList,
    rows,
  };
}

function sumOf(rows: ReasonReportRow[], field: 'customers' | 'lost_yearly_revenue_yen'): number {
  return rows.reduce((s, r) => s + r[field], 0);
}

export function registerReportRoutes(table: RouteTable, { storage, config, clock }: ServerDeps): void {
  const cache = new SummaryCache<ReasonsReportBody>(config.dashboardCacheMs, () => clock().getTime());
  table.define(
    {
      method: 'GET',
      url: '/api/reports/reasons',
      summary:
        'Why we lose customers: reasons of dormant and lost customers by count and lost yearly revenue, ' +
        'optionally per saved segment, industry, sales rep (owner), product category or acquisition cohort',
      tag: 'reports',
      access: READ,
      query: ReasonsReportQuery,
    },
    async ({ principal, query }) => {
      const scope = customerScopeOf(principal);
      const run = await currentRun(storage);
      const key = JSON.stringify([run?.id ?? null, run?.finished_at ?? null, scope, query.by]);
      // Segments can change between runs; their breakdown is not kept.
      if (query.by === 'segment') return buildReasons(storage, query.by, scope);
      return cache.get(key, () => buildReasons(storage, query.by, scope));
    },
  );
  const cohortCache = new SummaryCache<CohortReportBody | null>(config.dashboardCacheMs, () =>
    clock().getTime(),
  );
  table.define(
    {
      method: 'GET',
      url: '/api/reports/cohorts',
      summary:
        'Acquisition cohorts: customers by the quarter of their first purchase, the share that bought again ' +
        'in each later quarter, and how many are active, dormant or lost today (null before any analysis)',
      tag: 'reports',
      access: READ,
    },
    async ({ principal }) => {
      const scope = customerScopeOf(principal);
      const run = await currentRun(storage);
      const key = JSON.stringify([run?.id ?? null, run?.finished_at ?? null, scope]);
      return { report: await cohortCache.get(key, () => cohortsOfCurrentRun(storage, scope)) };
    },
  );
  table.define(
    {
      method: 'GET',
      url: '/api/reports/kpi',
      summary:
        "The seed's KPI ladder per channel, journey, rank or saved segment for messages created (tasks logged) " +
        'in a period: contact, reach, response, appointment and reactivation rates, revenue, gross profit, ' +
        'cost, cost per reactivation, ROI and 90-day retention (a sales rep: their own accounts)',
      tag: 'reports',
      access: READ,
      query: KpiReportQuery,
    },
    async ({ principal, query }) =>
      kpiReportOf(storage, {
        by: query.by,
        from: query.from ?? null,
        to: query.to ?? null,
        asOf: clock().toISOString().slice(0, 10),
        scope: customerScopeOf(principal),
      }),
  );
  table.define(
    {
      method: 'GET',
      url: '/api/reports/lift',
      summary:
        'Incremental lift per journey with a holdout or split step: reactivation of treated vs held-out ' +
        'customers with a 95 % interval (Newcombe hybrid score) and A/B variants compared',
      tag: 'reports',
      access: READ,
      query: LiftReportQuery,
    },
    async ({ principal, query }) =>
      liftReport(storage, {
        journeyId: query.journey ?? null,
        asOf: clock().toISOString().slice(0, 10),
        scope: customerScopeOf(principal),
        windowDays: DEFAULT_ATTRIBUTION_DAYS,
      }),
  );
  table.define(
    {
      method: 'GET',
      url: '/api/reports/reapproach',
      summary:
        'Reason resolved → ready for 改善のご報告: dormant or lost customers whose reason a resolved product ' +
        'issue or a price decrease answers, highest expected value first',
      tag: 'reports',
      access: READ,
      query: ReapproachQuery,
    },
    async ({ principal, query }) => {
      const rows = await reapproachList(storage, {
        scope: customerScopeOf(principal),
        ...(query.change ? { changeId: query.change } : {}),
      });
      return { total: rows.length, items: rows.slice(0, query.limit) };
    },
  );
}
