/**
 * The cohort report (acquisition quarter × quarters since): the company's comes from the run
 * summary `mezame analyze` stored (counted while it read every customer's purchases); a sales
 * rep's, or a run stored before summaries had cohorts, is counted from the rows — the rep's own
 * accounts' purchases up to the run's as-of day, and their statuses from customer_state. Both
 * count the same things: refunds are not purchases, a purchase day is the date part of
 * ordered_at, customers merged away are left out.
 */
import { type SqlBool, sql } from 'kysely';
import type { LifecycleStatus } from '../core/detect/lifecycleStatus.js';
import { type CohortReport, CohortTally, cohortReport, quarterIndex } from '../core/measure/cohorts.js';
import type { CustomerScope } from './customerQueries.js';
import { currentRun } from './dashboardQueries.js';
import type { Storage } from './storage.js';

export interface CohortReportBody extends CohortReport {
  source: 'run_summary' | 'orders';
  run_id: number;
}

/** Customers read per statement when counting from the rows. */
const PAGE = 2_000;

/**
 * The cohort report of the current run in a scope (null: everyone); null before any analysis.
 *
 * @example await cohortsOfCurrentRun(storage, { ownerKey: '田中' })
 */
export async function cohortsOfCurrentRun(
  storage: Storage,
  scope: CustomerScope,
): Promise<CohortReportBody | null> {
  const run = await currentRun(storage);
  if (!run) return null;
  if (scope === null && run.summary) {
    const stored = (JSON.parse(run.summary) as { cohorts?: CohortReport }).cohorts;
    if (stored) return { ...stored, source: 'run_summary', run_id: run.id };
  }
  const tally = new CohortTally();
  const ownCustomers =
    scope === null
      ? sql<SqlBool>`1 = 1`
      : scope.ownerKey === null
        ? sql<SqlBool>`1 = 0`
        : sql<SqlBool>`c.owner = ${scope.ownerKey}`;
  let after = '';
  for (;;) {
    // One page of customers (in id order) with their status, then their purchase days.
    const customers = await storage.db
      .selectFrom('customers as c')
      .innerJoin(
        sql<{ customer_id: string; status: string }>`customer_state`.as('s'),
        's.customer_id',
        'c.customer_id',
      )
      .select(['c.customer_id', 's.status'])
      .where('c.merged_into', 'is', null)
      .where(ownCustomers)
      .where('c.customer_id', '>', after)
      .orderBy('c.customer_id')
      .limit(PAGE)
      .execute();
    if (customers.length === 0) break;
    after = customers[customers.length - 1]?.customer_id as string;
    const ids = customers.map((c) => c.customer_id);
    const days = await storage.db
      .selectFrom('orders')
      .select(['customer_id', sql<string>`substr(ordered_at, 1, 10)`.as('day')])
      .distinct()
      .where('customer_id', 'in', ids)
      .where('is_refund', '=', 0)
      .where(sql<string>`substr(ordered_at, 1, 10)`, '<=', run.as_of)
      .orderBy('customer_id')
      .orderBy('day')
      .execute();
    const byCustomer = new Map<string, string[]>();
    for (const d of days) {
      const list = byCustomer.get(d.customer_id);
      if (list) list.push(d.day);
      else byCustomer.set(d.customer_id, [d.day]);
    }
    for (const c of customers) {
      tally.add((byCustomer.get(c.customer_id) ?? []).map(quarterIndex), c.status as LifecycleStatus);
    }
  }
  return { ...cohortReport(tally.cohorts, run.as_of), source: 'orders', run_id: run.id };
}
