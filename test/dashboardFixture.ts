/**
 * Two stored analysis runs over the four customers of `seedCustomers` plus four more, so the
 * dashboard has changes to show. Run 1 (2026-10-22) → run 2 (2026-11-22):
 *
 *   C001 田中  active          → early_dormant  A  product      ¥200,000/yr  P(alive) 0.35
 *   C002 田中  at_risk         → mid_dormant    B  price        ¥100,000/yr  0.15
 *   C003 鈴木  early_dormant   → long_dormant   C  environment  ¥300,000/yr  0.05
 *   C004 —     active          → at_risk        B  forgotten    health 55, EV ¥30,000
 *   C005 田中  at_risk         → at_risk        A  forgotten    health 65, EV ¥80,000
 *   C006 鈴木  mid_dormant     → lost           D  competitor   ¥150,000/yr
 *   C007 鈴木  active          → active
 *   C008 —     never_purchased → never_purchased
 *
 * Newly dormant: C001 and C002. C002 is flagged "reason resolved" by a price decrease.
 * With `summary`, run 2 carries the summary `mezame analyze` stores (the company-wide numbers
 * are then read from it); without, they are computed from the rows.
 */
import { sql } from 'kysely';
import { enteredDormancy } from '../src/core/detect/lifecycleStatus.js';
import { opportunityEstimate } from '../src/core/detect/opportunity.js';
import type { Storage } from '../src/storage/index.js';

export const RUN_1_AS_OF = '2026-10-22';
export const RUN_2_AS_OF = '2026-11-22';

interface StateRow {
  id: string;
  before: string;
  status: string;
  rank: string | null;
  reason: string | null;
  yearly: number;
  pAlive: number | null;
  health: number | null;
  ev: number | null;
}

export const STATE_ROWS: StateRow[] = [
  {
    id: 'C001',
    before: 'active',
    status: 'early_dormant',
    rank: 'A',
    reason: 'product',
    yearly: 200_000,
    pAlive: 0.35,
    health: null,
    ev: 50_000,
  },
  {
    id: 'C002',
    before: 'at_risk',
    status: 'mid_dormant',
    rank: 'B',
    reason: 'price',
    yearly: 100_000,
    pAlive: 0.15,
    health: null,
    ev: 20_000,
  },
  {
    id: 'C003',
    before: 'early_dormant',
    status: 'long_dormant',
    rank: 'C',
    reason: 'environment',
    yearly: 300_000,
    pAlive: 0.05,
    health: null,
    ev: 10_000,
  },
  {
    id: 'C004',
    before: 'active',
    status: 'at_risk',
    rank: 'B',
    reason: 'forgotten',
    yearly: 60_000,
    pAlive: 0.6,
    health: 55,
    ev: 30_000,
  },
  {
    id: 'C005',
    before: 'at_risk',
    status: 'at_risk',
    rank: 'A',
    reason: 'forgotten',
    yearly: 90_000,
    pAlive: 0.72,
    health: 65,
    ev: 80_000,
  },
  {
    id: 'C006',
    before: 'mid_dormant',
    status: 'lost',
    rank: 'D',
    reason: 'competitor',
    yearly: 150_000,
    pAlive: 0.02,
    health: null,
    ev: 1_000,
  },
  {
    id: 'C007',
    before: 'active',
    status: 'active',
    rank: null,
    reason: null,
    yearly: 120_000,
    pAlive: 0.95,
    health: 90,
    ev: null,
  },
  {
    id: 'C008',
    before: 'never_purchased',
    status: 'never_purchased',
    rank: null,
    reason: null,
    yearly: 0,
    pAlive: null,
    health: null,
    ev: null,
  },
];

const EXTRA_CUSTOMERS = [
  ['C005', '株式会社つばさ物流', '田中', '東京都', '物流'],
  ['C006', 'はやて電機株式会社', '鈴木', '大阪府', '製造業'],
  ['C007', '合同会社いずみ', '鈴木', '福岡県', '小売'],
  ['C008', 'そよかぜ薬局', null, '愛知県', '小売'],
] as const;

const OWNERS: Record<string, string> = {
  C001: '田中',
  C002: '田中',
  C003: '鈴木',
  C005: '田中',
  C006: '鈴木',
  C007: '鈴木',
};

export async function seedDashboardRuns(storage: Storage, options: { summary: boolean }): Promise<void> {
  for (const [id, name, owner, prefecture, industry] of EXTRA_CUSTOMERS) {
    await sql`insert into customers (customer_id, name, name_key, kind, prefecture, industry, owner, created_at)
      values (${id}, ${name}, ${name}, 'company', ${prefecture}, ${industry}, ${owner}, '2024-01-10')`.execute(
      storage.db,
    );
  }
  const count = (field: 'before' | 'status') => {
    const counts: Record<string, number> = {};
    for (const s of [
      'active',
      'at_risk',
      'early_dormant',
      'mid_dormant',
      'long_dormant',
      'reactivating',
      'reactivated',
      'lost',
      'never_purchased',
    ])
      counts[s] = STATE_ROWS.filter((r) => r[field] === s).length;
    return counts;
  };
  const before = count('before');
  const now = count('status');
  const dormant = STATE_ROWS.filter((r) =>
    ['early_dormant', 'mid_dormant', 'long_dormant'].includes(r.status),
  );
  const o = opportunityEstimate(dormant.map((r) => r.yearly));
  const bins = Array.from({ length: 10 }, (_, i) => ({ from: i / 10, to: (i + 1) / 10, customers: 0 }));
  for (const r of STATE_ROWS) {
    if (r.pAlive !== null)
      (bins[Math.min(9, Math.floor(r.pAlive * 10))] as { customers: number }).customers++;
  }
  const ranks: Record<string, number> = {};
  for (const r of STATE_ROWS) if (r.rank) ranks[r.rank] = (ranks[r.rank] ?? 0) + 1;
  const summary1 = { statuses: before };
  const summary2 = {
    run_id: 2,
    as_of: RUN_2_AS_OF,
    statuses: now,
    previous_run: { run_id: 1, as_of: RUN_1_AS_OF },
    status_changes: Object.fromEntries(Object.keys(now).map((k) => [k, (now[k] ?? 0) - (before[k] ?? 0)])),
    newly_dormant: 2,
    opportunity: {
      dormant_customers: o.dormantCustomers,
      average_yearly_value_yen: o.averageYearlyValueYen,
      reactivation_rate: o.reactivationRate,
      estimated_yen: o.estimatedYen,
      assumptions: o.assumptions,
    },
    bgnbd: { p_alive_histogram: bins },
    diagnosis: { ranks },
    // The analysis keeps the at-risk head by health, lowest first.
    at_risk_head: [
      { customer_id: 'C004', health_score: 55 },
      { customer_id: 'C005', health_score: 65 },
    ],
    history_skipped: false,
  };
  for (const [id, asOf, summary] of [
    [1, RUN_1_AS_OF, summary1],
    [2, RUN_2_AS_OF, summary2],
  ] as const) {
    await sql`insert into analysis_runs (id, as_of, started_at, finished_at, status, summary)
      values (${id}, ${asOf}, ${`${asOf}T06:00:00Z`}, ${`${asOf}T06:01:00Z`}, 'done',
        ${options.summary ? JSON.stringify(summary) : null})`.execute(storage.db);
  }
  for (const r of STATE_ROWS) {
    const owner = OWNERS[r.id] ?? null;
    await sql`insert into customer_run_results (run_id, customer_id, status, status_since)
      values (1, ${r.id}, ${r.before}, ${RUN_1_AS_OF})`.execute(storage.db);
    await sql`insert into customer_run_results (run_id, customer_id, status, status_since, health_score, p_alive)
      values (2, ${r.id}, ${r.status}, ${RUN_2_AS_OF}, ${r.health}, ${r.pAlive})`.execute(storage.db);
    await sql`insert into customer_state (customer_id, run_id, as_of, owner, status, status_since, purchase_days,
        gap_alert, p_alive, health_score, yearly_value_yen, reason_category, rank, expected_value,
        days_since_last_purchase, first_purchase_day, previous_status, newly_dormant)
      values (${r.id}, 2, ${RUN_2_AS_OF}, ${owner}, ${r.status}, ${RUN_2_AS_OF}, 3, 0, ${r.pAlive}, ${r.health},
        ${r.yearly}, ${r.reason}, ${r.rank}, ${r.ev}, 120, '2023-05-01',
        ${r.before}, ${enteredDormancy(r.before, r.status) ? 1 : 0})`.execute(storage.db);
  }
  // The history rows the run wrote for the customers whose status changed.
  for (const r of STATE_ROWS.filter((row) => row.before !== row.status)) {
    await sql`insert into status_history (customer_id, status, entered_at, run_id)
      values (${r.id}, ${r.status}, ${RUN_2_AS_OF}, 2)`.execute(storage.db);
  }
  await sql`insert into changes (change_id, kind, category, started_at, description)
    values ('CH1', 'price_decrease', '工具', '2026-11-01', '工具カテゴリを8%値下げ')`.execute(storage.db);
  await sql`insert into reapproach_flags (customer_id, change_id, flagged_at, run_id, reason_category, confidence,
      scope, is_theme_confirmed, line)
    values ('C002', 'CH1', ${`${RUN_2_AS_OF}T06:01:00Z`}, 2, 'price', 0.8, 'category', 1,
      '値上げで離れた顧客: 工具カテゴリの値下げ（2026-11-01）')`.execute(storage.db);
  await sql`insert into segments (name, filter, created_by, created_at)
    values ('高ランク', ${JSON.stringify({ rank: ['A', 'B'] })}, 'test', ${`${RUN_2_AS_OF}T06:02:00Z`})`.execute(
    storage.db,
  );
}
