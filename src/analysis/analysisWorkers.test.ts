/**
 * The parallel analysis (worker threads over customer_id ranges) against the single-threaded
 * one on the same SQLite data: the same summary, the same stored rows, the same history, on a
 * first run and on a second run that reads the previous states. Workers also diagnose inside
 * their chunks (the single thread after storing): the data carries texts, price changes, a
 * resolved product issue, contacts who left, unsubscribes and reasons a person recorded, so
 * reasons, ranks, channels, the reactivation model and the reason-resolved flags are compared.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSyntheticDatabase } from '../../bench/syntheticAnalysisData.js';
import { openStorage } from '../storage/index.js';
import { detectModels } from './detectModels.js';
import type { DiagnosisSummary } from './diagnoseAndPrioritise.js';
import { type AnalysisSummary, runAnalysis } from './runAnalysis.js';

const AS_OF = '2026-03-31';
let dir: string;
let source: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mezame-workers-'));
  source = join(dir, 'source.db');
  await ensureSyntheticDatabase({ dbFile: source, customers: 3_000, asOf: AS_OF });
  addEvidence(source);
}, 60_000);

const TEXTS = [
  ['support_ticket', '価格が高いので他社も検討しています。'],
  ['inquiry', 'トナーの品質が悪く、印刷がかすれる不良が続いています。'],
  ['survey_response', '担当者が辞めてしまいました'],
  ['complaint', '納期が遅れて困っています'],
  ['note', '競合のA社に切り替えたとのこと'],
] as const;

/** Texts, changes, contacts, unsubscribes, overrides and reachability for a share of the customers. */
function addEvidence(file: string): void {
  const db = new BetterSqlite3(file);
  const id = (i: number) => `C${String(i).padStart(7, '0')}`;
  const event = db.prepare(
    'INSERT INTO events (event_id, customer_id, type, occurred_at, text) VALUES (?, ?, ?, ?, ?)',
  );
  const contact = db.prepare(
    'INSERT INTO contacts (contact_id, customer_id, name, role, status, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const reach = db.prepare(
    'UPDATE customers SET email = ?, phone = ?, prefecture = ?, sms_opt_in = ?, dm_ok = ? WHERE customer_id = ?',
  );
  db.transaction(() => {
    for (let i = 0; i < 3_000; i += 3) {
      const [type, text] = TEXTS[i % TEXTS.length] as (typeof TEXTS)[number];
      event.run(`T${i}`, id(i), type, `2025-0${1 + (i % 9)}-15T02:00:00Z`, text);
      if (i % 9 === 0)
        event.run(`U${i}`, id(i), 'unsubscribe', '2025-10-01', i % 18 === 0 ? '配信が多すぎる' : null);
      if (i % 15 === 0) event.run(`B${i}`, id(i), 'email_bounce', '2025-11-01', null);
      if (i % 12 === 0) contact.run(`P${i}`, id(i), `担当${i}`, '購買担当', 'left', '2025-06-30');
      reach.run(
        `c${i}@example.jp`,
        i % 2 ? '03-1234-5678' : null,
        i % 4 ? '東京都' : '大阪府',
        i % 5 ? 1 : 0,
        i % 3 ? 1 : 0,
        id(i),
      );
    }
    // Comebacks after a long gap, so the reactivation model has both labels to train on.
    const order = db.prepare(
      "INSERT INTO orders (order_id, customer_id, ordered_at, amount, category, is_refund) VALUES (?, ?, '2025-11-15', 30000, 'paper', 0)",
    );
    for (let i = 1; i < 3_000; i += 5) order.run(`R${i}`, id(i));
    const change = db.prepare(
      'INSERT INTO changes (change_id, kind, product, category, started_at, resolved_at, description) VALUES (?, ?, NULL, ?, ?, ?, ?)',
    );
    change.run('PI-1', 'price_increase', 'toner', '2025-01-10', null, null);
    change.run('PD-1', 'price_decrease', 'toner', '2026-01-10', null, null);
    change.run(
      'ISSUE-1',
      'product_issue',
      'toner',
      '2025-02-01',
      '2026-02-15',
      'トナーの品質不良（印刷のかすれ）を改善しました',
    );
    const user = db
      .prepare(
        "INSERT INTO users (email, display_name, role, created_at, disabled) VALUES ('rep@example.jp', '佐藤', 'sales_rep', '2025-01-01T00:00:00Z', 0)",
      )
      .run();
    const override = db.prepare(
      'INSERT INTO reason_overrides (customer_id, category, note, user_id, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    for (let i = 1; i < 3_000; i += 97) {
      override.run(
        id(i),
        i % 2 ? 'staff' : 'competitor',
        '前任の営業が退職',
        user.lastInsertRowid,
        '2025-12-01T09:00:00Z',
      );
    }
  })();
  db.close();
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Analyses a fresh copy of the data twice (as of AS_OF, then 45 days later). */
async function analyseCopy(name: string, workers: number) {
  const file = join(dir, `${name}.db`);
  copyFileSync(source, file);
  const storage = await openStorage({ dbFile: file });
  const summaries: AnalysisSummary[] = [];
  try {
    const fixed = () => new Date('2026-04-01T00:00:00Z');
    for (const asOf of [AS_OF, '2026-05-15']) {
      summaries.push(
        (await runAnalysis(storage, { asOf, models: detectModels, workers, now: fixed, batchSize: 390 }))
          .summary,
      );
    }
  } finally {
    await storage.close();
  }
  const db = new BetterSqlite3(file, { readonly: true });
  const tables = {
    state: db.prepare('SELECT * FROM customer_state ORDER BY rowid').all(),
    results: db.prepare('SELECT * FROM customer_run_results ORDER BY run_id, customer_id').all(),
    history: db.prepare('SELECT * FROM status_history ORDER BY id').all(),
    flags: db.prepare('SELECT * FROM reapproach_flags ORDER BY id').all(),
  };
  db.close();
  return { summaries, tables };
}

describe('analysis workers', () => {
  let single: Awaited<ReturnType<typeof analyseCopy>>;
  beforeAll(async () => {
    single = await analyseCopy('single', 0);
  }, 120_000);

  it.each([2, 3])(
    '%i workers store the same rows, in the same order, as one thread',
    async (workers) => {
      const parallel = await analyseCopy(`workers${workers}`, workers);
      expect(single.tables.state.length).toBeGreaterThan(2_500);
      expect(parallel.tables.state).toEqual(single.tables.state);
      expect(parallel.tables.results).toEqual(single.tables.results);
      expect(parallel.tables.history).toEqual(single.tables.history);
      expect(parallel.tables.flags).toEqual(single.tables.flags);
    },
    120_000,
  );

  it('gives the same summary as one thread, including the previous-run changes', async () => {
    const parallel = await analyseCopy('workers2-summary', 2);
    const comparable = (s: AnalysisSummary) => ({ ...s, seconds: 0, phase_seconds: null });
    expect(parallel.summaries.map(comparable)).toEqual(single.summaries.map(comparable));
    const second = single.summaries[1] as AnalysisSummary;
    expect(second.previous_run).not.toBeNull();
    expect(second.at_risk_head.length).toBeGreaterThan(0);
    expect(second.bgnbd.fitted).toBe(true);
    // The comparison covers the diagnosis: reasons from texts and overrides, a trained model, flags.
    const diagnosis = (second as AnalysisSummary & { diagnosis: DiagnosisSummary }).diagnosis;
    expect(diagnosis.customers).toBeGreaterThan(1_000);
    expect(Object.keys(diagnosis.reasons).length).toBeGreaterThan(4);
    expect(diagnosis.overrides).toBeGreaterThan(0);
    expect(diagnosis.reactivation_model.trained).toBe(true);
    expect(diagnosis.reapproach.flagged).toBeGreaterThan(0);
    expect(single.tables.flags.length).toBeGreaterThan(0);
  }, 120_000);

  it('reports a worker failure as the run failing', async () => {
    const file = join(dir, 'broken.db');
    copyFileSync(source, file);
    const storage = await openStorage({ dbFile: file });
    try {
      storage.sqlite?.exec('DROP TABLE reason_overrides');
      await expect(runAnalysis(storage, { asOf: AS_OF, models: detectModels, workers: 2 })).rejects.toThrow(
        /reason_overrides/,
      );
      const run = storage.sqlite?.prepare('SELECT status FROM analysis_runs ORDER BY id DESC LIMIT 1').get();
      expect(run).toEqual({ status: 'failed' });
    } finally {
      await storage.close();
    }
  }, 60_000);
});
