/**
 * How fast the demo company is generated (customers/s, orders/s), against the disk's own
 * write speed for the same number of bytes in the same run; and the helper other benchmarks
 * use to build the 1 M-customer / ~10 M-order database once and reuse it.
 */
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type DemoSummary, generateDemo, runDemo } from '../src/demo/index.js';
import type { Benchmark, BenchResult } from './index.js';

/** A fixed as-of date, so every benchmark run builds the same data. */
export const BENCH_AS_OF = '2026-03-31';
export const BENCH_SEED = 20_260_331;

export const demoBenchmark: Benchmark = {
  name: 'demo',
  description: 'demo company generation rate (1 M customers full, 20k quick) vs. raw disk writes',
  async run({ scale, log }): Promise<BenchResult[]> {
    const customers = scale === 'full' ? 1_000_000 : 20_000;
    const dir = mkdtempSync(join(tmpdir(), 'mezame-bench-demo-'));
    try {
      const t0 = performance.now();
      let lastLog = t0;
      const summary = generateDemo({
        kind: 'b2b',
        customers,
        seed: BENCH_SEED,
        asOf: BENCH_AS_OF,
        outDir: dir,
        onProgress: (done, total) => {
          const now = performance.now();
          if (now - lastLog > 10_000) {
            log(`generated ${done} / ${total} customers`);
            lastLog = now;
          }
        },
      });
      const seconds = (performance.now() - t0) / 1000;
      let bytes = 0;
      let rows = 0;
      for (const f of Object.values(summary.files)) {
        bytes += statSync(f.path).size;
        rows += f.rows;
      }
      const diskSeconds = rawWriteSeconds(join(dir, 'baseline.bin'), bytes);
      log(
        `${customers} customers, ${summary.files.orders.rows} orders, ${rows} rows, ${mb(bytes)} MB in ${seconds.toFixed(1)} s`,
      );
      return [
        {
          name: `demo generation (${customers} customers, b2b)`,
          figures: {
            customers,
            orders: summary.files.orders.rows,
            events: summary.files.events.rows,
            seconds: round(seconds),
            customers_per_s: Math.round(customers / seconds),
            orders_per_s: Math.round(summary.files.orders.rows / seconds),
            rows_per_s: Math.round(rows / seconds),
            megabytes: mb(bytes),
            ratio_to_raw_disk_write: round(diskSeconds / seconds, 3),
          },
          notes:
            'ratio_to_raw_disk_write: time to write the same bytes from one buffer ÷ generation time (1 = disk-bound).',
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/**
 * A SQLite database with the demo company at benchmark size (default 1 M customers, ≈10 M
 * orders), built once through `mezame demo`'s path and reused while its demo_runs record says
 * it was built with the same size, seed and as-of date.
 */
export async function ensureBenchDatabase(options: {
  dbFile: string;
  customers?: number;
  log?: (line: string) => void;
}): Promise<{ dbFile: string; reused: boolean; summary: DemoSummary | null }> {
  const customers = options.customers ?? 1_000_000;
  if (existsSync(options.dbFile) && isSameDemo(options.dbFile, customers)) {
    options.log?.(`reusing ${options.dbFile} (${customers} demo customers)`);
    return { dbFile: options.dbFile, reused: true, summary: null };
  }
  const summary = await runDemo({
    dbFile: options.dbFile,
    customers,
    seed: BENCH_SEED,
    asOf: BENCH_AS_OF,
    kind: 'b2b',
    log: options.log,
  });
  return { dbFile: options.dbFile, reused: false, summary };
}

function isSameDemo(dbFile: string, customers: number): boolean {
  try {
    const db = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
    try {
      const run = db
        .prepare(
          "SELECT customers, seed, as_of FROM demo_runs WHERE status = 'done' ORDER BY id DESC LIMIT 1",
        )
        .get() as { customers: number; seed: number; as_of: string } | undefined;
      return run?.customers === customers && run.seed === BENCH_SEED && run.as_of === BENCH_AS_OF;
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}

function rawWriteSeconds(file: string, bytes: number): number {
  const chunk = Buffer.alloc(4 << 20, 0x61);
  const fd = openSync(file, 'w');
  const t0 = performance.now();
  try {
    for (let written = 0; written < bytes; written += chunk.length) {
      writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
    }
  } finally {
    closeSync(fd);
  }
  const seconds = (performance.now() - t0) / 1000;
  rmSync(file, { force: true });
  return seconds;
}

function mb(bytes: number): number {
  return Math.round(bytes / 1e6);
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
