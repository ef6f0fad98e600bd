/**
 * Sales tasks: the call and visit list (a sales rep sees only the tasks of accounts they own;
 * another rep's task answers 404 like a missing one), making tasks from the analysis, logging
 * an outcome (which schedules the follow-up) and the visiting order for a day.
 */
import { z } from 'zod';
import { TASK_KINDS, TASK_OUTCOMES } from '../../core/act/followUp.js';
import { planVisitRoute } from '../../core/act/visitRoute.js';
import { isIsoDay } from '../../core/detect/isoDays.js';
import { AppError } from '../../core/errors.js';
import {
  FollowUpDayError,
  generateTasks,
  listTasks,
  logOutcome,
  TASK_STATUSES,
  type TaskView,
} from '../../storage/taskQueries.js';
import { ANY_ROLE, actorOf, customerScopeOf, WRITERS } from '../auth.js';
import { RequestValidationError } from '../httpErrors.js';
import type { RouteTable, ServerDeps } from '../routeTable.js';

/** The calendar day in Japan of an instant: the day a rep's work is due. */
export function japanDay(now: Date): string {
  return new Date(now.getTime() + 9 * 3600 * 1000).toISOString().slice(0, 10);
}

const day = z.string().refine(isIsoDay, 'expected a day like 2026-12-01');
const text = z.string().trim().min(1).max(200);

export const TaskListQuery = z.object({
  status: z.enum([...TASK_STATUSES, 'all']).default('open'),
  kind: z.enum(TASK_KINDS).optional(),
  owner: text.optional(),
  customer_id: text.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
export const TaskIdParams = z.object({ id: z.coerce.number().int().positive() });
export const OutcomeBody = z.object({
  outcome: z.enum(TASK_OUTCOMES),
  note: z.string().trim().max(2000).optional(),
  follow_up_on: day.nullish(),
});
export const RouteQuery = z.object({
  date: day.optional(),
  owner: text.optional(),
  base_prefecture: text.optional(),
  base_lat: z.coerce.number().min(-90).max(90).optional(),
  base_lng: z.coerce.number().min(-180).max(180).optional(),
});

const READERS = { kind: 'user', roles: ANY_ROLE } as const;

function mostCommonPrefecture(tasks: readonly TaskView[]): string | null {
  const counts = new Map<string, number>();
  for (const t of tasks) {
    const p = t.customer.prefecture;
    if (p) counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestCount = 0;
  for (const [p, n] of counts) {
    if (n > bestCount) {
      best = p;
      bestCount = n;
    }
  }
  return best;
}

export function registerTaskRoutes(table: RouteTable, { storage }: ServerDeps): void {
  table.define(
    {
      method: 'GET',
      url: '/api/tasks',
      summary:
        'Call and visit tasks, highest priority first, then by due day (sales reps: their accounts only)',
      tag: 'tasks',
      access: READERS,
      query: TaskListQuery,
    },
    async ({ query, principal }) => {
      const scope = customerScopeOf(principal);
      const items = await listTasks(storage, scope, {
        status: query.status === 'all' ? undefined : query.status,
        kind: query.kind,
        // A rep's scope already limits the owner; the filter is for managers.
        owner: scope ? undefined : query.owner,
        customerId: query.customer_id,
        limit: query.limit,
      });
      return { items };
    },
  );

  table.define(
    {
      method: 'POST',
      url: '/api/tasks/generate',
      summary:
        'Make call/visit tasks for dormant rank A/B customers from the analysis (adds only what is missing)',
      tag: 'tasks',
      access: { kind: 'user', roles: WRITERS },
    },
    async ({ principal, now }) =>
      generateTasks(storage, { today: japanDay(now), actor: actorOf(principal), now: now.toISOString() }),
  );

  table.define(
    {
      method: 'POST',
      url: '/api/tasks/:id/outcome',
      summary: 'Log the outcome of a call or visit; creates the follow-up task the outcome calls for',
      tag: 'tasks',
      access: { kind: 'user', roles: ['admin', 'marketer', 'sales_rep'] },
      params: TaskIdParams,
      body: OutcomeBody,
    },
    async ({ params, body, principal, now }) => {
      try {
        return await logOutcome(storage, customerScopeOf(principal), {
          id: params.id,
          outcome: body.outcome,
          note: body.note ? body.note : null,
          followUpOn: body.follow_up_on ?? null,
          actor: actorOf(principal),
          today: japanDay(now),
          now: now.toISOString(),
        });
      } catch (error) {
        if (error instanceof FollowUpDayError) {
          const field = `body.${error.field}`;
          const message = error.message.replace(/^[a-z_]+: /, '');
          throw new RequestValidationError(field, `${field}: ${message}`, [{ field, message }]);
        }
        throw error;
      }
    },
  );

  table.define(
    {
      method: 'GET',
      url: '/api/tasks/route',
      summary:
        "Visiting order for a day's open visits (nearest neighbour + 2-opt from the rep's base, no map)",
      tag: 'tasks',
      access: READERS,
      query: RouteQuery,
    },
    async ({ query, principal, now }) => {
      const scope = customerScopeOf(principal);
      const date = query.date ?? japanDay(now);
      const visits = await listTasks(storage, scope, {
        status: 'open',
        kind: 'visit',
        owner: scope ? undefined : query.owner,
        dueBy: date,
        limit: 200,
      });
      if ((query.base_lat === undefined) !== (query.base_lng === undefined)) {
        throw new AppError('invalid_input', 'query.base_lng: give base_lat and base_lng together');
      }
      const basePrefecture = query.base_prefecture ?? mostCommonPrefecture(visits);
      const base =
        query.base_lat !== undefined
          ? { lat: query.base_lat, lng: query.base_lng ?? null }
          : { prefecture: basePrefecture };
      const route = planVisitRoute(
        base,
        visits.map((task) => ({
          id: String(task.id),
          task,
          lat: task.customer.lat,
          lng: task.customer.lng,
          prefecture: task.customer.prefecture,
        })),
      );
      return {
        date,
        base: { ...route.base, prefecture: query.base_lat !== undefined ? null : basePrefecture },
        total_km: Math.round(route.totalKm * 10) / 10,
        nearest_neighbour_km: Math.round(route.nearestNeighbourKm * 10) / 10,
        stops: route.stops.map((s, i) => ({
          order: i + 1,
          leg_km: Math.round(s.legKm * 10) / 10,
          placed_by: s.placedBy,
          task: s.stop.task,
        })),
        unplaced: route.unplaced.map((s) => s.task),
      };
    },
  );
}
