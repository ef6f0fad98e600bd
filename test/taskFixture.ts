/**
 * Analysis results for the four customers of `seedCustomers` (test/serverFixture.ts), so tasks
 * can be made from them without running the analysis: 田中's C001 (rank A, product complaint,
 * phone first → a call) and C002 (rank B, price, visit first → a visit), 鈴木's C003 (rank A,
 * environment → a visit) and the unowned C004 (rank C: no task).
 */
import { sql } from 'kysely';
import type { Storage } from '../src/storage/index.js';

export async function seedTaskState(storage: Storage, asOf = '2026-11-22'): Promise<void> {
  const row = (
    id: string,
    status: string,
    rank: string,
    score: number,
    reason: string,
    channels: string[],
    lastDay: string,
    evidence: { kind: string; day: string | null; line: string }[],
  ) =>
    sql`insert into customer_state (customer_id, run_id, as_of, status, status_since, last_purchase_day,
          purchase_days, gap_alert, rank, score, reason_category, reason_evidence, recommended_channels,
          expected_value)
        values (${id}, 1, ${asOf}, ${status}, ${asOf}, ${lastDay}, 2, 0, ${rank}, ${score}, ${reason},
          ${JSON.stringify(evidence)}, ${JSON.stringify(channels)}, ${score * 1000})`.execute(storage.db);
  await row('C001', 'early_dormant', 'A', 182, 'product', ['phone', 'email', 'visit'], '2025-03-10', [
    { kind: 'text', day: '2025-04-02', line: 'サポート: 納期が遅れた' },
  ]);
  await row('C002', 'mid_dormant', 'B', 141, 'price', ['visit', 'phone', 'email'], '2025-06-01', [
    { kind: 'price_change', day: '2025-05-01', line: '値上げ（工具 +8%）の後に注文が途絶えた' },
  ]);
  await row('C003', 'long_dormant', 'A', 175, 'environment', ['visit', 'phone'], '2026-10-01', [
    { kind: 'contact_left', day: '2026-05-01', line: '担当者が退職' },
  ]);
  await row('C004', 'early_dormant', 'C', 100, 'forgotten', ['email', 'dm'], '2025-01-01', []);
}
