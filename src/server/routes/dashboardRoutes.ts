/** The dashboard's numbers, scoped like the customer list. */
import { dashboardSummary } from '../../storage/customerQueries.js';
import { ANY_ROLE, customerScopeOf } from '../auth.js';
import type { RouteTable, ServerDeps } from '../routeTable.js';

export function registerDashboardRoutes(table: RouteTable, { storage }: ServerDeps): void {
  table.define(
    {
      method: 'GET',
      url: '/api/dashboard',
      summary:
        'Counts: customers, orders, revenue, contacts who left; per status, rank and reason once analysed',
      tag: 'dashboard',
      access: { kind: 'user', roles: ANY_ROLE, tokenScope: 'read' },
    },
    async ({ principal }) => dashboardSummary(storage, customerScopeOf(principal)),
  );
}
