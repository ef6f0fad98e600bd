/**
 * `mezame analyze` at SPEC's size: 1 M customers / ≈10 M orders on embedded SQLite, goal
 * ≤ 60 s and ≤ 2 GB. The analysis runs as the real CLI in a child process, so the wall time
 * includes start-up and the peak RSS is the analysis alone (VmHWM from /proc, polled).
 * Baseline in the same run: SQLite's own `SELECT customer_id, count(*), sum(amount) FROM orders
 * GROUP BY customer_id` over the same file — the floor any per-customer aggregation pays.
 *
 * Data: the demo company database when it can be built (ensureBenchDatabase), otherwise the
 * synthetic loader in syntheticAnalysisData.ts (same customers × orders shape, built in
 * seconds). Both are cached in the temp directory between runs.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Benchmark, BenchResult } from './index.js';
import { ensureSyntheticDatabase } from './syntheticAnalysisData.js';

const AS_OF = '2026-03-31';

function peakRssMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function runCli(
  args: string[],
  log: (line: string) => void,
): Promise<{ seconds: number; peakMb: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['bin/mezame.mjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak: number | null = null;
    const timer = setInterval(() => {
      const now = child.pid ? peakRssMb(child.pid) : null;
      if (now !== null) peak = Math.max(peak ?? 0, now);
    }, 100);
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
      for (const line of String(c).trim().split('\n')) if (line) log(line);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`analyze exited ${code}: ${stderr.slice(-500)}`));
      else resolve({ seconds: (performance.now() - t0) / 1000, peakMb: peak, stdout });
    });
  });
}

function baselineSeconds(dbFile: string): number {
  const db = new BetterSqlite3(dbFile, { readonly: true });
  try {
    const t0 = performance.now();
    db.prepare('SELECT customer_id, count(*), sum(amount) FROM orders GROUP BY customer_id').all();
    return (performance.now() - t0) / 1000;
  } finally {
    db.close();
  }
}

export const analyzeBenchmark: Benchmark = {
  name: 'analyze',
  description: 'mezame analyze on SQLite: 1 M customers / ≈10 M orders (20k quick); goal ≤ 60 s, ≤ 2 GB',
  async run({ scale, log }): Promise<BenchResult[]> {
    const customers = scale === 'full' ? 1_000_000 : 20_000;
    const dbFile = join(tmpdir(), `mezame-bench-analyze-${customers}.db`);
    const data = await ensureSyntheticDatabase({ dbFile, customers, asOf: AS_OF, log });
    log(
      `${data.reused ? 'reusing' : 'built'} ${dbFile}: ${data.customers} customers, ${data.orders} orders, ${data.events} events`,
    );
    const run = await runCli(['analyze', '--db', dbFile, '--as-of', AS_OF], log);
    const headline = run.stdout.split('\n').find((line) => line.startsWith('Analysis as of'));
    if (headline) log(headline);
    const baseline = baselineSeconds(dbFile);
    log(
      `analyze ${run.seconds.toFixed(1)} s, peak RSS ${run.peakMb?.toFixed(0) ?? '?'} MB; GROUP BY baseline ${baseline.toFixed(1)} s`,
    );
    return [
      {
        name: `analyze (${customers} customers, SQLite)`,
        figures: {
          customers: data.customers,
          orders: data.orders,
          events: data.events,
          seconds: Math.round(run.seconds * 10) / 10,
          peak_rss_mb: run.peakMb === null ? 'n/a' : Math.round(run.peakMb),
          orders_per_s: Math.round(data.orders / run.seconds),
          customers_per_s: Math.round(data.customers / run.seconds),
          ratio_to_sqlite_group_by: Math.round((run.seconds / baseline) * 10) / 10,
          goal_seconds: 60,
          goal_rss_mb: 2048,
        },
        notes:
          'Synthetic data (bench/syntheticAnalysisData.ts). Wall time includes CLI start-up; ratio_to_sqlite_group_by = analyze time ÷ one GROUP BY over the orders.',
      },
    ];
  },
};
