/** The dashboard's numbers, scoped like the customer list. */
import { type DashboardSummary, dashboardSummary } from '../../storage/customerQueries.js';
import { ANY_ROLE, customerScopeOf } from '../auth.js';
import type { RouteTable, ServerDeps } from '../routeTable.js';
import type { SummaryCache } from '../summaryCache.js';

export function registerDashboardRoutes(
  table: RouteTable,
  { storage }: ServerDeps,
  cache: SummaryCache<DashboardSummary>,
): void {
  table.define(
    {
      method: 'GET',
      url: '/api/dashboard',
      summary:
        'Counts: customers, orders, revenue, contacts who left; per status, rank and reason once analysed',
      tag: 'dashboard',
      access: { kind: 'user', roles: ANY_ROLE, tokenScope: 'read' },
    },
    async ({ principal }) => {
      const scope = customerScopeOf(principal);
      return cache.get(JSON.stringify(scope), () => dashboardSummary(storage, scope));
    },
  );
}
