/** Builders for customers with a stored analysis state (plan and prioritisation suites). */
import type { Kysely } from 'kysely';
import { companyNameKey } from '../src/core/collect/nameMatching.js';
import type { AnalysisDatabase } from '../src/storage/analysisQueries.js';
import type { Storage } from '../src/storage/index.js';

/** A customer row and its analysis state, with defaults. */
export async function aPlannedCustomer(
  storage: Storage,
  id: string,
  state: Record<string, unknown> = {},
  customer: Record<string, unknown> = {},
): Promise<void> {
  await storage.db
    .insertInto('customers')
    .values({
      customer_id: id,
      name: `顧客${id}`,
      name_key: companyNameKey(`顧客${id}`),
      kind: 'company',
      ...customer,
    })
    .execute();
  await (storage.db as unknown as Kysely<AnalysisDatabase>)
    .insertInto('customer_state')
    .values({
      customer_id: id,
      run_id: 1,
      as_of: '2025-12-01',
      status: 'mid_dormant',
      status_since: '2025-10-01',
      purchase_days: 5,
      gap_alert: 0,
      days_since_last_purchase: 400,
      first_purchase_day: '2021-01-01',
      last_purchase_day: '2024-10-27',
      total_spend_yen: 3_000_000,
      yearly_value_yen: 800_000,
      p_alive: 0.4,
      ...state,
    } as never)
    .execute();
}
