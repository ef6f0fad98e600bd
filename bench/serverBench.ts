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

function load(dbFile: string, customers: number): void {
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
    `insert into customer_state (customer_id, run_id, as_of, status, status_since, score, rank)
     values (?, 1, '2026-11-01', ?, '2026-01-01', ?, ?)`,
  );
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
        state.run(id, pick(STATUSES), score, score > 0.8 ? 'A' : score > 0.5 ? 'B' : 'C');
      }
    }
  });
  for (let from = 0; from < customers; from += 50_000) batch(from, Math.min(customers, from + 50_000));
  db.exec('analyze');
  db.close();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[Math.floor(sorted.length / 2)] ?? 0) * 10) / 10;
}

export const serverBenchmark: Benchmark = {
  name: 'server',
  description: 'API read paths (customer list, 360, dashboard) on 1M customers / 5M orders (quick: 50k)',
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
      const time = async (url: string, cookie: string) => {
        const runs: number[] = [];
        for (let i = 0; i < REPEATS; i++) {
          const start = performance.now();
          const r = await app.inject({ method: 'GET', url, headers: { cookie } });
          runs.push(performance.now() - start);
          if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
        }
        return median(runs);
      };
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
        sort_score_desc_ms: await time('/api/customers?sort=score&dir=desc', admin),
        filter_status_ms: await time('/api/customers?status=early_dormant', admin),
        rep_scoped_list_ms: await time('/api/customers', rep),
        customer_360_ms: await time('/api/customers/C0000777', admin),
        dashboard_cold_admin_ms: dashboardColdAdmin,
        dashboard_cold_rep_ms: dashboardColdRep,
        dashboard_cached_ms: await time('/api/dashboard', admin),
        raw_first_page_ms: median(rawRuns),
      };
      figures.ratio_to_raw_page = Math.round(
        (figures.list_first_page_ms ?? 0) / Math.max(0.01, figures.raw_first_page_ms ?? 0.01),
      );
      await app.close();
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
