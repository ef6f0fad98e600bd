/** The dashboard's numbers, scoped like the customer list. */
import { z } from 'zod';
import { type DashboardSummary, dashboardSummary } from '../../storage/customerQueries.js';
import {
  AT_RISK_ORDERS,
  type DashboardAnalysis,
  currentRun,
  dashboardAnalysis,
  newlyDormantCustomers,
} from '../../storage/dashboardQueries.js';
import { ANY_ROLE, customerScopeOf } from '../auth.js';
import type { RouteTable, ServerDeps } from '../routeTable.js';
import { SummaryCache } from '../summaryCache.js';

const READ = { kind: 'user', roles: ANY_ROLE, tokenScope: 'read' } as const;

export const DashboardAnalysisQuery = z.object({
  at_risk_by: z.enum(AT_RISK_ORDERS).default('expected_value'),
});
export const NewlyDormantQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export function registerDashboardRoutes(
  table: RouteTable,
  { storage, config, clock }: ServerDeps,
  cache: SummaryCache<DashboardSummary>,
): void {
  // Keyed by the analysis run as well: a new `mezame analyze` shows at once, not after the TTL.
  const analysisCache = new SummaryCache<DashboardAnalysis>(config.dashboardCacheMs, () => clock().getTime());
  table.define(
    {
      method: 'GET',
      url: '/api/dashboard',
      summary:
        'The data on hand: customers, orders, revenue, contacts who left, the last order (what the analysis found: /api/dashboard/analysis)',
      tag: 'dashboard',
      access: READ,
    },
    async ({ principal }) => {
      const scope = customerScopeOf(principal);
      return cache.get(JSON.stringify(scope), () => dashboardSummary(storage, scope));
    },
  );
  table.define(
    {
      method: 'GET',
      url: '/api/dashboard/analysis',
      summary:
        'From the latest analysis: customers per status with the change since the previous run, newly dormant, ' +
        'ranks A–D, top reasons by lost yearly revenue, the opportunity estimate with its assumptions, ' +
        'the at-risk head and the P(alive) distribution (a sales rep: their own accounts)',
      tag: 'dashboard',
      access: READ,
      query: DashboardAnalysisQuery,
    },
    async ({ principal, query }) => {
      const scope = customerScopeOf(principal);
      const run = await currentRun(storage);
      const key = JSON.stringify([run?.id ?? null, run?.finished_at ?? null, scope, query.at_risk_by]);
      return analysisCache.get(key, () =>
        dashboardAnalysis(storage, scope, { atRiskOrder: query.at_risk_by, run }),
      );
    },
  );
  table.define(
    {
      method: 'GET',
      url: '/api/dashboard/newly-dormant',
      summary:
        'Customers dormant in the latest analysis who were not dormant in the previous run, highest yearly value first',
      tag: 'dashboard',
      access: READ,
      query: NewlyDormantQuery,
    },
    async ({ principal, query }) => newlyDormantCustomers(storage, customerScopeOf(principal), query.limit),
  );
}
