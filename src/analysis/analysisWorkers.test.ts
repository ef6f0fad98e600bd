/**
 * The parallel analysis (worker threads over customer_id ranges) against the single-threaded
 * one on the same SQLite data: the same summary, the same stored rows, the same history, on a
 * first run and on a second run that reads the previous states.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSyntheticDatabase } from '../../bench/syntheticAnalysisData.js';
import { openStorage } from '../storage/index.js';
import { detectModels } from './detectModels.js';
import { type AnalysisSummary, runAnalysis } from './runAnalysis.js';

const AS_OF = '2026-03-31';
let dir: string;
let source: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mezame-workers-'));
  source = join(dir, 'source.db');
  await ensureSyntheticDatabase({ dbFile: source, customers: 3_000, asOf: AS_OF });
}, 60_000);
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
