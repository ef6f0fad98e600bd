/**
 * Journey advance speed (SPEC quality bar: ≥ 2,000 customer-steps/s). N dormant customers (100k;
 * 10k quick) in a fresh SQLite file enter the shipped winback-basic journey; the runner is called
 * once per day for 40 days (enrol, advance, no dispatch) and takes everyone through every step of
 * the no-reaction path: four emails rendered and queued with signed links, waits and branches.
 * Customer-steps are the steps passed (the monitor's step log rows).
 *
 * Baseline, measured in the same run: a plain INSERT of as many outbox rows as the journey queued
 * (prepared statement, 500 per transaction, into the same messages table), so the ratio says how
 * far the runner (bulk reads of facts, the engine, rendering, one transaction per batch) is from
 * only writing its rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { advanceJourneys } from '../src/journeys/journeyRunner.js';
import { ensureShippedJourneys } from '../src/journeys/shippedJourneys.js';
import { enrolIds, triggerCandidates } from '../src/journeys/journeyEnrolment.js';
import { getJourney, setJourneyEnabled } from '../src/storage/journeyQueries.js';
import { openStorage, type Storage } from '../src/storage/index.js';
import type { Benchmark, BenchResult } from './index.js';

const DAY_MS = 86_400_000;
/** 10:00 in Japan. */
const T0 = new Date('2026-11-02T01:00:00.000Z');
const TARGET_STEPS_PER_S = 2_000;
const DAYS = 40;
const BATCH_SIZE = 1_000;

const round2 = (v: number) => Math.round(v * 100) / 100;

function seedCustomers(storage: Storage, count: number): void {
  const sqlite = storage.sqlite;
  if (!sqlite) throw new Error('the journey bench runs on SQLite');
  const customer = sqlite.prepare(
    `insert into customers (customer_id, name, name_key, kind, email, owner, email_opt_in, prefecture, address, postal_code)
     values (?, ?, ?, 'company', ?, ?, 1, '東京都', '千代田区1-1', '100-0001')`,
  );
  const order = sqlite.prepare(
    `insert into orders (order_id, customer_id, ordered_at, amount, product, is_refund) values (?, ?, '2026-03-01', 50000, 'トナー', 0)`,
  );
  const state = sqlite.prepare(
    `insert into customer_state (customer_id, run_id, as_of, owner, status, status_since, rank, score, reason_category, last_purchase_day)
     values (?, 1, '2026-11-02', ?, 'mid_dormant', '2026-11-02', 'B', 60, 'price', '2026-03-01')`,
  );
  const history = sqlite.prepare(
    `insert into status_history (customer_id, status, entered_at, run_id) values (?, 'mid_dormant', '2026-11-02', 1)`,
  );
  sqlite
    .prepare(`insert into analysis_runs (as_of, started_at, status) values ('2026-11-02', ?, 'done')`)
    .run(T0.toISOString());
  const insertAll = sqlite.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = `C${String(i).padStart(7, '0')}`;
      const owner = `rep${i % 50}`;
      customer.run(id, `株式会社テスト${i}`, id, `c${i}@example.jp`, owner);
      order.run(`O${i}`, id);
      state.run(id, owner);
      history.run(id);
    }
  });
  insertAll();
}

/** The baseline: as many plain message rows, prepared statement, 500 per transaction. */
function plainInsertSeconds(storage: Storage, rows: number): number {
  const sqlite = storage.sqlite;
  if (!sqlite) throw new Error('the journey bench runs on SQLite');
  const insert = sqlite.prepare(
    `insert into messages (idempotency_key, customer_id, journey_id, step_id, template_id, channel, locale, to_address,
       subject, body_text, body_html, status, created_at, due_at, attempts)
     values (?, ?, 'plain', 'step', 'winback-value-email', 'email', 'ja', ?, ?, ?, ?, 'queued', ?, ?, 0)`,
  );
  const body = 'いつもお世話になっております。'.repeat(40);
  const html = `<p>${body}</p>`.repeat(2);
  const at = T0.toISOString();
  const t0 = performance.now();
  for (let start = 0; start < rows; start += 500) {
    sqlite.transaction(() => {
      for (let i = start; i < Math.min(rows, start + 500); i++) {
        insert.run(`plain:${i}`, `C${i}`, `c${i}@example.jp`, 'ご無沙汰しております', body, html, at, at);
      }
    })();
  }
  return (performance.now() - t0) / 1000;
}

export const journeyBenchmark: Benchmark = {
  name: 'journeys',
  description:
    'winback-basic for 100k customers (10k quick) through every step, customer-steps/s vs. a plain INSERT of the messages',
  async run({ scale, log }): Promise<BenchResult[]> {
    const customers = scale === 'full' ? 100_000 : 10_000;
    const dir = mkdtempSync(join(tmpdir(), 'mezame-bench-journeys-'));
    const env = { MEZAME_SECRET: 'bench-secret' };
    try {
      const storage = await openStorage({ dbFile: join(dir, 'mezame.db') });
      try {
        seedCustomers(storage, customers);
        await ensureShippedJourneys(storage, T0);
        await setJourneyEnabled(
          storage,
          'winback-basic',
          true,
          'bench',
          new Date(T0.getTime() - DAY_MS).toISOString(),
        );
        const journey = await getJourney(storage, 'winback-basic');
        if (!journey) throw new Error('winback-basic is not installed');
        log(`seeded ${customers} dormant customers`);

        const enrolStart = performance.now();
        const enrolled = await enrolIds(storage, journey, await triggerCandidates(storage, journey, T0), T0);
        const enrolSeconds = (performance.now() - enrolStart) / 1000;
        if (enrolled !== customers) throw new Error(`expected ${customers} enrolled, got ${enrolled}`);
        log(`enrolled ${enrolled} in ${enrolSeconds.toFixed(2)} s`);

        const totals = { steps: 0, queued: 0, advanced: 0 };
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        for (let day = 0; day <= DAYS; day++) {
          const now = new Date(T0.getTime() + day * DAY_MS);
          const r = await advanceJourneys(storage, [journey], { now, batchSize: BATCH_SIZE, env });
          totals.steps += r.steps;
          totals.queued += r.queued;
          totals.advanced += r.advanced;
          if (r.steps > 0) log(`day ${day}: ${r.steps} steps, ${r.queued} messages queued`);
        }
        const seconds = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        const done = await storage.sqlite
          ?.prepare(`select count(*) as n from journey_enrolments where state = 'completed'`)
          .get();
        const completed = Number((done as { n: number } | undefined)?.n ?? 0);
        if (completed !== customers) throw new Error(`expected every customer to complete, got ${completed}`);
        const stepsPerSecond = Math.round(totals.steps / seconds);
        log(`advance: ${totals.steps} customer-steps in ${seconds.toFixed(2)} s = ${stepsPerSecond}/s`);

        const baselineSeconds = plainInsertSeconds(storage, totals.queued);
        log(`baseline: plain INSERT of ${totals.queued} messages in ${baselineSeconds.toFixed(2)} s`);
        return [
          {
            name: 'advance winback-basic (SQLite)',
            figures: {
              customers,
              customer_steps: totals.steps,
              messages_queued: totals.queued,
              enrolment_advances: totals.advanced,
              seconds: round2(seconds),
              customer_steps_per_s: stepsPerSecond,
              target_customer_steps_per_s: TARGET_STEPS_PER_S,
              ratio_to_target: round2(stepsPerSecond / TARGET_STEPS_PER_S),
              cpu_us_per_step: round2(((cpu.user + cpu.system) / totals.steps) * 1),
              messages_per_s: Math.round(totals.queued / seconds),
              enrol_seconds: round2(enrolSeconds),
              baseline_plain_insert_seconds: round2(baselineSeconds),
              baseline_plain_insert_rows_per_s: Math.round(totals.queued / baselineSeconds),
              ratio_runner_to_plain_insert: round2(seconds / baselineSeconds),
            },
            notes:
              'One runner call per day for 40 days (no dispatch). Each message is rendered (keigo template, signed tracking and unsubscribe links) and written with its enrolment update and step log in one transaction per 1,000 enrolments. The ratio compares the whole advance with only inserting the same number of message rows.',
          },
        ];
      } finally {
        await storage.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
