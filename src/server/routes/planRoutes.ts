/**
 * The budget plan in the API: whom to approach and how, within yen and rep-hours, from the last
 * analysis and the saved scoring and channel settings (the same plan as `mezame plan`). It spans
 * every account, so it is for admins, marketers and viewers, not for a sales rep's scope.
 */
import { z } from 'zod';
import { buildPlan } from '../../analysis/approachPlan.js';
import type { Role } from '../../storage/accountQueries.js';
import type { RouteTable, ServerDeps } from '../routeTable.js';

const PLANNERS: readonly Role[] = ['admin', 'marketer', 'viewer'];

export const PlanBody = z.object({
  budget_yen: z.number().min(0).max(1e13),
  rep_hours: z.number().min(0).max(1e6).nullable().default(null),
  base_prefecture: z.string().min(1).max(10).optional(),
  /** How many choices to return (highest expected value first); the summary covers all. */
  limit: z.number().int().min(1).max(10_000).default(200),
});

export function registerPlanRoutes(table: RouteTable, { storage }: ServerDeps): void {
  table.define(
    {
      method: 'POST',
      url: '/api/plan',
      summary:
        'Plan the approaches within a budget (yen) and rep-hours to maximise expected value; changes nothing',
      tag: 'plan',
      access: { kind: 'user', roles: PLANNERS, tokenScope: 'read' },
      body: PlanBody,
    },
    async ({ body }) => {
      const plan = await buildPlan(storage, {
        budgetYen: body.budget_yen,
        repHours: body.rep_hours,
        base: body.base_prefecture ? { prefecture: body.base_prefecture } : null,
      });
      return {
        summary: plan.summary,
        choices: plan.choices.slice(0, body.limit),
        truncated: plan.choices.length > body.limit,
      };
    },
  );
}
