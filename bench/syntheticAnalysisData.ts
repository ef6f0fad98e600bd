/**
 * A fast synthetic loader for the analyze benchmark: N customers with about 10 orders each
 * (per-customer rhythm, some dormant, some refunds), a few email events and some
 * subscriptions, written straight into SQLite with prepared statements in one transaction.
 * Used when the demo company database (ensureBenchDatabase) cannot be built; the data shape
 * matters for speed, not for realism.
 */
import { existsSync, rmSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { openStorage } from '../src/storage/index.js';

const CATEGORIES = ['toner', 'paper', 'parts', 'tools', 'safety', 'cleaning', 'office', 'packaging'];
const INDUSTRIES = [
  'manufacturing',
  'retail',
  'construction',
  'food',
  'it',
  'logistics',
  'medical',
  'education',
];
const DAY_MS = 86_400_000;

/** Mulberry32: a small seeded generator (benchmarks must build the same data every time). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export interface SyntheticSummary {
  customers: number;
  orders: number;
  events: number;
  seconds: number;
}

/**
 * Builds (or reuses, when the marker row says the same size) a synthetic database.
 * Orders span the three years before `asOf`.
 */
export async function ensureSyntheticDatabase(options: {
  dbFile: string;
  customers: number;
  asOf: string;
  log?: (line: string) => void;
}): Promise<SyntheticSummary & { reused: boolean }> {
  const { dbFile, customers, asOf } = options;
  const marker = `synthetic:${customers}:${asOf}`;
  if (existsSync(dbFile)) {
    try {
      const db = new BetterSqlite3(dbFile, { readonly: true });
      const row = db
        .prepare('select action, details from audit_log where entity = ? order by id desc limit 1')
        .get('bench') as { action: string; details: string } | undefined;
      db.close();
      if (row?.action === marker) return { ...(JSON.parse(row.details) as SyntheticSummary), reused: true };
    } catch {
      // rebuild below
    }
    rmSync(dbFile, { force: true });
    rmSync(`${dbFile}-wal`, { force: true });
    rmSync(`${dbFile}-shm`, { force: true });
  }
  const storage = await openStorage({ dbFile });
  await storage.close();
  const t0 = performance.now();
  const db = new BetterSqlite3(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const rnd = seeded(20_260_331);
  const end = Date.parse(`${asOf}T00:00:00Z`);
  const start = end - 3 * 365 * DAY_MS;
  const insertCustomer = db.prepare(
    `insert into customers (customer_id, name, name_key, kind, industry, owner, created_at, email_opt_in)
     values (?, ?, ?, 'company', ?, ?, ?, 1)`,
  );
  const insertOrder = db.prepare(
    `insert into orders (order_id, customer_id, ordered_at, amount, category, is_refund) values (?, ?, ?, ?, ?, ?)`,
  );
  const insertEvent = db.prepare(
    `insert into events (event_id, customer_id, type, occurred_at, value) values (?, ?, ?, ?, ?)`,
  );
  const insertSubscription = db.prepare(
    `insert into subscriptions (subscription_id, customer_id, plan, started_at, ended_at, cancel_reason) values (?, ?, 'std', ?, ?, ?)`,
  );
  let orders = 0;
  let events = 0;
  const load = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const id = `C${String(i).padStart(7, '0')}`;
      const industry = INDUSTRIES[Math.floor(rnd() * INDUSTRIES.length)] as string;
      const category = CATEGORIES[Math.floor(rnd() * CATEGORIES.length)] as string;
      insertCustomer.run(id, `Company ${i}`, `company${i}`, industry, `rep${i % 20}`, iso(start));
      const cycleDays = 15 + Math.floor(rnd() * 100);
      const count = 2 + Math.floor(rnd() * 26);
      // A third of the customers stop buying somewhere in the middle of the window.
      const stopMs = rnd() < 0.33 ? start + rnd() * (end - start) : end;
      let t = start + rnd() * cycleDays * DAY_MS;
      for (let k = 0; k < count && t < stopMs; k++) {
        const refund = rnd() < 0.02 ? 1 : 0;
        const amount = Math.round(5_000 + rnd() * 95_000) * (refund ? -1 : 1);
        insertOrder.run(`O${id}-${k}`, id, iso(t), amount, category, refund);
        orders++;
        t += cycleDays * (0.5 + rnd()) * DAY_MS;
      }
      const mails = Math.floor(rnd() * 5);
      for (let k = 0; k < mails; k++) {
        const at = iso(end - rnd() * 365 * DAY_MS);
        insertEvent.run(`E${id}-${k}`, id, 'email_sent', at, null);
        events++;
        if (rnd() < 0.3) {
          insertEvent.run(`E${id}-${k}o`, id, 'email_open', at, null);
          events++;
        }
      }
      if (i % 10 === 0) {
        const ended = rnd() < 0.4 ? iso(end - rnd() * 365 * DAY_MS) : null;
        insertSubscription.run(
          `S${id}`,
          id,
          iso(start),
          ended,
          ended && rnd() < 0.3 ? '競合に乗り換え' : null,
        );
      }
    }
  });
  const step = 50_000;
  for (let from = 0; from < customers; from += step) {
    load(from, Math.min(customers, from + step));
    options.log?.(
      `synthetic data: ${Math.min(customers, from + step)} / ${customers} customers, ${orders} orders`,
    );
  }
  const summary: SyntheticSummary = { customers, orders, events, seconds: (performance.now() - t0) / 1000 };
  db.prepare(
    `insert into audit_log (at, actor, action, entity, entity_id, details) values (?, 'bench', ?, 'bench', ?, ?)`,
  ).run(new Date(end).toISOString(), marker, dbFile, JSON.stringify(summary));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { ...summary, reused: false };
}
