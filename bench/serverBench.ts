/**
 * The web app's read paths at scale: customer list pages (sorted, filtered, searched,
 * rep-scoped), the 360 view and the dashboard, through the real HTTP stack (app.inject)
 * over a SQLite file. Baseline: the same first page read straight from better-sqlite3,
 * so `ratio_to_raw_page` shows what the API adds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { LIFECYCLE_STATUSES } from '../src/core/detect/lifecycleStatus.js';
import { opportunityEstimate } from '../src/core/detect/opportunity.js';
import { buildServer } from '../src/server/index.js';
import { hashPassword } from '../src/server/passwords.js';
import { insertUser } from '../src/storage/accountQueries.js';
import { openStorage } from '../src/storage/index.js';
import type { Benchmark, BenchResult } from './index.js';

const PREFECTURES = [
  '北海道',
  '宮城県',
  '東京都',
  '神奈川県',
  '愛知県',
  '大阪府',
  '京都府',
  '兵庫県',
  '広島県',
  '福岡県',
];
const INDUSTRIES = ['製造業', '小売', '建設', '食品', 'IT', '物流', '医療', '教育'];
const STATUSES = ['active', 'at_risk', 'early_dormant', 'mid_dormant', 'long_dormant', 'lost'];
const REASONS = ['product', 'price', 'environment', 'forgotten', 'competitor', 'need_gone', 'staff', 'other'];
const DORMANT = new Set(['early_dormant', 'mid_dormant', 'long_dormant']);

/** The run summary `mezame analyze` would store for the synthetic rows (what the dashboard reads). */
class RunTally {
  private readonly now = new Map<string, number>();
  private readonly before = new Map<string, number>();
  private readonly ranks: Record<string, number> = {};
  private readonly bins = new Array<number>(10).fill(0);
  private readonly dormantValues: number[] = [];
  private newlyDormant = 0;
  private readonly atRisk: { customer_id: string; health_score: number }[] = [];

  /** The analysis keeps the 10 at-risk customers with the lowest health in its summary. */
  addAtRisk(customerId: string, health: number): void {
    this.atRisk.push({ customer_id: customerId, health_score: health });
    if (this.atRisk.length > 100) this.trimAtRisk();
  }

  private trimAtRisk(): void {
    this.atRisk.sort((a, b) => a.health_score - b.health_score);
    this.atRisk.length = Math.min(this.atRisk.length, 10);
  }

  add(status: string, before: string, rank: string | null, pAlive: number, yearly: number): void {
    this.now.set(status, (this.now.get(status) ?? 0) + 1);
    this.before.set(before, (this.before.get(before) ?? 0) + 1);
    if (rank) this.ranks[rank] = (this.ranks[rank] ?? 0) + 1;
    const bin = Math.min(9, Math.floor(pAlive * 10));
    this.bins[bin] = (this.bins[bin] ?? 0) + 1;
    if (DORMANT.has(status)) {
      this.dormantValues.push(yearly);
      if (!DORMANT.has(before)) this.newlyDormant++;
    }
  }

  summaryBefore() {
    return { statuses: Object.fromEntries(LIFECYCLE_STATUSES.map((s) => [s, this.before.get(s) ?? 0])) };
  }

  summary() {
    const statuses = Object.fromEntries(LIFECYCLE_STATUSES.map((s) => [s, this.now.get(s) ?? 0]));
    const o = opportunityEstimate(this.dormantValues);
    return {
      run_id: 2,
      as_of: '2026-11-01',
      statuses,
      previous_run: { run_id: 1, as_of: '2026-10-01' },
      status_changes: Object.fromEntries(
        LIFECYCLE_STATUSES.map((s) => [s, (this.now.get(s) ?? 0) - (this.before.get(s) ?? 0)]),
      ),
      newly_dormant: this.newlyDormant,
      opportunity: {
        dormant_customers: o.dormantCustomers,
        average_yearly_value_yen: o.averageYearlyValueYen,
        reactivation_rate: o.reactivationRate,
        estimated_yen: o.estimatedYen,
        assumptions: o.assumptions,
      },
      bgnbd: {
        p_alive_histogram: this.bins.map((customers, i) => ({ from: i / 10, to: (i + 1) / 10, customers })),
      },
      diagnosis: { ranks: this.ranks },
      history_skipped: false,
      at_risk_head: (this.trimAtRisk(), this.atRisk),
    };
  }
}
const ORDERS_PER_CUSTOMER = 5;
const REPEATS = 5;

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function load(dbFile: string, customers: number): void {
  const db = new BetterSqlite3(dbFile);
  db.pragma('synchronous = OFF');
  const rnd = seeded(7);
  const customer = db.prepare(
    `insert into customers (customer_id, name, name_key, kind, prefecture, industry, owner, created_at)
     values (?, ?, ?, 'company', ?, ?, ?, '2022-04-01')`,
  );
  const order = db.prepare(
    'insert into orders (order_id, customer_id, ordered_at, amount, is_refund) values (?, ?, ?, ?, 0)',
  );
  const state = db.prepare(
    `insert into customer_state (customer_id, run_id, as_of, owner, status, status_since, score, rank,
       p_alive, expected_value, health_score, reason_category, yearly_value_yen, days_since_last_purchase,
       first_purchase_day, previous_status, newly_dormant)
     values (?, 2, '2026-11-01', ?, ?, '2026-01-01', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const runResult = db.prepare(
    'insert into customer_run_results (run_id, customer_id, status, status_since) values (?, ?, ?, ?)',
  );
  const history = db.prepare(
    "insert into status_history (customer_id, status, entered_at, run_id) values (?, ?, '2026-11-01', 2)",
  );
  const tally = new RunTally();
  const hasState =
    db.prepare("select 1 from sqlite_master where name = 'customer_state'").get() !== undefined;
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const id = `C${String(i).padStart(7, '0')}`;
      const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)] as T;
      customer.run(
        id,
        `株式会社サンプル${i}`,
        `サンプル${i}`,
        pick(PREFECTURES),
        pick(INDUSTRIES),
        `rep${i % 50}`,
      );
      for (let k = 0; k < ORDERS_PER_CUSTOMER; k++) {
        const day = `202${3 + Math.floor(rnd() * 4)}-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 9)}`;
        order.run(`O${id}-${k}`, id, day, Math.round(5_000 + rnd() * 95_000));
      }
      if (hasState) {
        const score = rnd();
        const status = pick(STATUSES);
        const before = rnd() < 0.8 ? status : pick(STATUSES);
        const scored = status !== 'active';
        const rank = !scored ? null : score > 0.8 ? 'A' : score > 0.5 ? 'B' : score > 0.2 ? 'C' : 'D';
        const pAlive = Math.round(rnd() * 1000) / 1000;
        const yearly = Math.round(10_000 + rnd() * 290_000);
        const reason = scored ? pick(REASONS) : null;
        const health = status === 'active' || status === 'at_risk' ? Math.round(40 + rnd() * 60) : null;
        if (status === 'at_risk' && health !== null) tally.addAtRisk(id, health);
        state.run(
          id,
          `rep${i % 50}`,
          status,
          score,
          rank,
          pAlive,
          scored ? Math.round(rnd() * 100_000) : null,
          health,
          reason,
          yearly,
          Math.round(rnd() * 900),
          `20${18 + Math.floor(rnd() * 6)}-04-01`,
          before,
          DORMANT.has(status) && !DORMANT.has(before) ? 1 : 0,
        );
        runResult.run(1, id, before, '2026-01-01');
        runResult.run(2, id, status, '2026-01-01');
        // The run writes a history row for every customer whose status changed.
        if (before !== status) history.run(id, status);
        tally.add(status, before, rank, pAlive, yearly);
      }
    }
  });
  for (let from = 0; from < customers; from += 50_000) batch(from, Math.min(customers, from + 50_000));
  if (hasState) {
    const run = db.prepare(
      `insert into analysis_runs (id, as_of, started_at, finished_at, status, summary) values (?, ?, ?, ?, 'done', ?)`,
    );
    run.run(
      1,
      '2026-10-01',
      '2026-10-01T06:00:00Z',
      '2026-10-01T06:10:00Z',
      JSON.stringify(tally.summaryBefore()),
    );
    run.run(2, '2026-11-01', '2026-11-01T06:00:00Z', '2026-11-01T06:10:00Z', JSON.stringify(tally.summary()));
  }
  db.exec('analyze');
  db.close();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[Math.floor(sorted.length / 2)] ?? 0) * 10) / 10;
}

export const serverBenchmark: Benchmark = {
  name: 'server',
  description:
    'API read paths (customer list, 360, dashboard, dashboard analysis, reasons report) on 1M customers / 5M orders (quick: 50k)',
  async run({ scale, log }) {
    const customers = scale === 'full' ? 1_000_000 : 50_000;
    const dir = mkdtempSync(join(tmpdir(), 'mezame-bench-server-'));
    const dbFile = join(dir, 'server.db');
    try {
      (await openStorage({ dbFile })).close();
      const t0 = performance.now();
      load(dbFile, customers);
      log(`loaded ${customers} customers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const storage = await openStorage({ dbFile });
      const passwordHash = await hashPassword('benchmark-password');
      const now = new Date().toISOString();
      await insertUser(storage, {
        email: 'a',
        displayName: 'a',
        role: 'admin',
        ownerKey: null,
        passwordHash,
        createdAt: now,
      });
      await insertUser(storage, {
        email: 'r',
        displayName: 'r',
        role: 'sales_rep',
        ownerKey: 'rep7',
        passwordHash,
        createdAt: now,
      });
      const { app } = await buildServer({ storage, config: { logLevel: 'silent' } });
      const cookieOf = async (email: string) => {
        const r = await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email, password: 'benchmark-password' },
        });
        return `mezame_session=${r.cookies[0]?.value}`;
      };
      const admin = await cookieOf('a');
      const rep = await cookieOf('r');
      const once = async (url: string, cookie: string) => {
        const start = performance.now();
        await app.inject({ method: 'GET', url, headers: { cookie } });
        return Math.round((performance.now() - start) * 10) / 10;
      };
      // The first dashboard request computes; the rest are served from its cache.
      const dashboardColdAdmin = await once('/api/dashboard', admin);
      const dashboardColdRep = await once('/api/dashboard', rep);
      const analysisColdAdmin = await once('/api/dashboard/analysis', admin);
      const analysisColdRep = await once('/api/dashboard/analysis', rep);
      // The same routes with no cache at all: what every request would cost without one.
      const uncached = (await buildServer({ storage, config: { logLevel: 'silent', dashboardCacheMs: 0 } }))
        .app;
      const timeOn = async (server: typeof app, url: string, cookie: string) => {
        const runs: number[] = [];
        for (let i = 0; i < REPEATS; i++) {
          const start = performance.now();
          const r = await server.inject({ method: 'GET', url, headers: { cookie } });
          runs.push(performance.now() - start);
          if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
        }
        return median(runs);
      };
      const time = (url: string, cookie: string) => timeOn(app, url, cookie);
      const raw = new BetterSqlite3(dbFile, { readonly: true });
      const rawRuns: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        const start = performance.now();
        raw.prepare('select * from customers where merged_into is null order by name limit 50').all();
        rawRuns.push(performance.now() - start);
      }
      raw.close();
      const figures: Record<string, number> = {
        customers,
        orders: customers * ORDERS_PER_CUSTOMER,
        list_first_page_ms: await time('/api/customers', admin),
        list_page_100_ms: await time('/api/customers?page=100', admin),
        filter_prefecture_industry_ms: await time(
          `/api/customers?prefecture=${encodeURIComponent('東京都')}&industry=${encodeURIComponent('食品')}`,
          admin,
        ),
        search_name_ms: await time(`/api/customers?q=${encodeURIComponent('サンプル12345')}`, admin),
        search_id_ms: await time('/api/customers?q=C00123', admin),
        // Two characters make no trigram: this one still scans every customer.
        search_two_chars_ms: await time(`/api/customers?q=${encodeURIComponent('ル1')}`, admin),
        filter_status_sort_score_rep_ms: await time('/api/customers?status=mid_dormant&sort=score&dir=desc', rep),
        sort_score_desc_ms: await time('/api/customers?sort=score&dir=desc', admin),
        filter_status_ms: await time('/api/customers?status=early_dormant', admin),
        rep_scoped_list_ms: await time('/api/customers', rep),
        customer_360_ms: await time('/api/customers/C0000777', admin),
        dashboard_cold_admin_ms: dashboardColdAdmin,
        dashboard_cold_rep_ms: dashboardColdRep,
        dashboard_cached_ms: await time('/api/dashboard', admin),
        dashboard_analysis_cold_admin_ms: analysisColdAdmin,
        dashboard_analysis_cold_rep_ms: analysisColdRep,
        dashboard_analysis_cached_ms: await time('/api/dashboard/analysis', admin),
        dashboard_analysis_uncached_admin_ms: await timeOn(uncached, '/api/dashboard/analysis', admin),
        dashboard_analysis_uncached_rep_ms: await timeOn(uncached, '/api/dashboard/analysis', rep),
        dashboard_analysis_by_health_uncached_ms: await timeOn(
          uncached,
          '/api/dashboard/analysis?at_risk_by=health_score',
          admin,
        ),
        newly_dormant_list_ms: await time('/api/dashboard/newly-dormant', admin),
        newly_dormant_list_rep_ms: await time('/api/dashboard/newly-dormant', rep),
        reasons_report_uncached_ms: await timeOn(uncached, '/api/reports/reasons', admin),
        reasons_report_by_owner_uncached_ms: await timeOn(uncached, '/api/reports/reasons?by=owner', admin),
        reasons_report_rep_uncached_ms: await timeOn(uncached, '/api/reports/reasons?by=industry', rep),
        reapproach_list_ms: await time('/api/reports/reapproach', admin),
        sort_p_alive_desc_ms: await time('/api/customers?sort=p_alive&dir=desc', admin),
        sort_expected_value_desc_ms: await time('/api/customers?sort=expected_value&dir=desc', admin),
        filter_status_sort_ev_ms: await time(
          '/api/customers?status=at_risk&sort=expected_value&dir=desc',
          admin,
        ),
        raw_first_page_ms: median(rawRuns),
      };
      figures.ratio_to_raw_page = Math.round(
        (figures.list_first_page_ms ?? 0) / Math.max(0.01, figures.raw_first_page_ms ?? 0.01),
      );
      await app.close();
      await uncached.close();
      await storage.close();
      const result: BenchResult = {
        name: 'server read paths',
        figures,
        notes: `median of ${REPEATS} requests each, in process (app.inject), SQLite, ${ORDERS_PER_CUSTOMER} orders per customer`,
      };
      return [result];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
