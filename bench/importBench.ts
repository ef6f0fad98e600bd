/**
 * Import speed: `importFile` of a large orders CSV into a fresh SQLite file (SPEC: ≥ 200k order
 * rows/s), against the sqlite3 shell's `.import` of the same CSV into a table with the same
 * columns, primary key and index, in the same run. Then a streaming check: `mezame import` of a
 * file of about 1 GB (full scale) in a child process, whose peak resident memory is reported.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importFile } from '../src/importer/index.js';
import { openStorage } from '../src/storage/index.js';
import type { Benchmark, BenchResult } from './index.js';

const BIN = fileURLToPath(new URL('../bin/mezame.mjs', import.meta.url));
const ORDERS_PER_CUSTOMER = 10;

export const importBenchmark: Benchmark = {
  name: 'import',
  description:
    'orders CSV import (2 M rows; 100k quick) vs. the sqlite3 shell .import; peak memory on a 1 GB file',
  async run({ scale, log }): Promise<BenchResult[]> {
    const rows = scale === 'full' ? 2_000_000 : 100_000;
    const streamBytes = scale === 'full' ? 1 << 30 : 50 << 20;
    const dir = mkdtempSync(join(tmpdir(), 'mezame-bench-import-'));
    try {
      const customersFile = join(dir, 'customers.csv');
      const ordersFile = join(dir, 'orders.csv');
      const customers = Math.ceil(rows / ORDERS_PER_CUSTOMER);
      await writeCsv(
        customersFile,
        'customer_id,name,prefecture',
        customers,
        (i) => `C${i},株式会社テスト${i},東京都`,
      );
      await writeCsv(ordersFile, ORDERS_HEADER, rows, (i) => orderLine(i, customers, ''));
      log(`wrote ${rows} orders (${mb(ordersFile)} MB) for ${customers} customers`);

      const storage = await openStorage({ dbFile: join(dir, 'mezame.db') });
      let seconds: number;
      // user + sys of the whole process (both threads) per row: less sensitive to a busy machine.
      let cpuMicrosPerRow = 0;
      try {
        await importFile(storage, 'customers', customersFile);
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const summary = await importFile(storage, 'orders', ordersFile);
        seconds = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        cpuMicrosPerRow = (cpu.user + cpu.system) / rows;
        if (summary.inserted !== rows)
          throw new Error(`expected ${rows} inserted orders, got ${summary.inserted}`);
      } finally {
        await storage.close();
      }
      const rowsPerSecond = Math.round(rows / seconds);
      log(`importFile: ${seconds.toFixed(2)} s, ${rowsPerSecond} rows/s`);

      const shell = sqlite3Import(dir, ordersFile, rows, log);
      const ceiling = shell ? engineInsertSeconds(dir, join(dir, 'mezame.db'), rows, log) : null;
      const results: BenchResult[] = [
        {
          name: 'import orders CSV into SQLite',
          figures: {
            rows,
            seconds: round2(seconds),
            rows_per_s: rowsPerSecond,
            cpu_us_per_row: round2(cpuMicrosPerRow),
            target_rows_per_s: 200_000,
            ...(shell
              ? {
                  sqlite3_import_seconds: round2(shell.seconds),
                  sqlite3_import_rows_per_s: Math.round(rows / shell.seconds),
                  ratio_to_sqlite3_import: round2(shell.seconds / seconds),
                  sqlite3_import_cpu_us_per_row: round2(shell.cpuMicrosPerRow),
                }
              : { sqlite3_import: 'unavailable' }),
            ...(ceiling
              ? {
                  engine_only_insert_seconds: round2(ceiling),
                  engine_only_insert_rows_per_s: Math.round(rows / ceiling),
                  ratio_to_engine_only_insert: round2(ceiling / seconds),
                }
              : {}),
          },
          notes:
            "importFile validates every row (yen/Japanese dates, duplicates, unknown customers, future dates) and counts inserted/updated/unchanged; .import only inserts text. Both tables carry the primary key and a (customer_id, ordered_at …) index (mezame's covers is_refund, amount and category too). cpu_us_per_row is user+sys of both import threads per row. engine_only_insert is SQLite alone (the sqlite3 shell) copying the same number of rows from a temp table into mezame's own orders table (same primary key and covering index): no parsing, validation or binding — the ceiling of any importer writing this schema on this machine.",
        },
      ];

      const bigFile = join(dir, 'big-orders.csv');
      // Long product names make a 1 GB file out of a few million rows.
      const padding = '業務用高耐久ステンレス製多目的収納ラック追加棚板付き'.repeat(3);
      const bytesPerRow = Buffer.byteLength(orderLine(1_234_567, customers, padding)) + 1;
      const bigRows = Math.ceil(streamBytes / bytesPerRow);
      await writeCsv(bigFile, ORDERS_HEADER, bigRows, (i) => orderLine(i, customers, padding));
      log(`wrote ${bigRows} orders (${mb(bigFile)} MB) for the streaming check`);
      const streamed = await importInChild(dir, customersFile, bigFile);
      log(
        `mezame import of ${mb(bigFile)} MB: ${streamed.seconds.toFixed(1)} s, peak RSS ${streamed.peakRssMb} MB`,
      );
      results.push({
        name: 'streaming import of a large file',
        figures: {
          file_mb: mb(bigFile),
          rows: bigRows,
          seconds: round2(streamed.seconds),
          rows_per_s: Math.round(bigRows / streamed.seconds),
          peak_rss_mb: streamed.peakRssMb,
        },
        notes: 'the CLI in a child process; peak RSS is VmHWM from /proc',
      });
      return results;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

const ORDERS_HEADER = 'order_id,customer_id,ordered_at,amount,gross_margin,product,category,quantity,channel';

function orderLine(i: number, customers: number, padding: string): string {
  const month = String(1 + (i % 12)).padStart(2, '0');
  const day = String(1 + (i % 28)).padStart(2, '0');
  return `O${i},C${i % customers},2023-${month}-${day},${1000 + (i % 9000)},${300 + (i % 500)},${padding}商品${i % 200},カテゴリ${i % 12},${1 + (i % 5)},web`;
}

function sqlite3Import(
  dir: string,
  ordersFile: string,
  rows: number,
  log: (line: string) => void,
): { seconds: number; cpuMicrosPerRow: number } | null {
  if (!hasSqlite3()) {
    try {
      execFileSync('apt-get', ['install', '-y', 'sqlite3'], { stdio: 'ignore' });
    } catch {
      log('sqlite3 shell unavailable (apt-get install sqlite3 failed): no baseline');
      return null;
    }
  }
  const db = join(dir, 'baseline.db');
  const schema = `pragma journal_mode = wal; pragma synchronous = normal;
    create table orders (order_id text primary key, customer_id text not null, ordered_at text not null,
      amount double precision not null, gross_margin double precision, product text, category text,
      quantity double precision, channel text);
    create index orders_customer_date on orders (customer_id, ordered_at);`;
  execFileSync('sqlite3', [db, schema]);
  const childCpu0 = childCpuMicros();
  const t0 = performance.now();
  execFileSync('sqlite3', [db, '.import --csv --skip 1 ' + ordersFile + ' orders']);
  const seconds = (performance.now() - t0) / 1000;
  // The shell is a child: its CPU time is in this process's children's rusage.
  const cpuMicrosPerRow = (childCpuMicros() - childCpu0) / rows;
  const count = Number(
    execFileSync('sqlite3', [db, 'select count(*) from orders'], { encoding: 'utf8' }).trim(),
  );
  if (count !== rows) throw new Error(`sqlite3 .import stored ${count} rows, expected ${rows}`);
  log(`sqlite3 .import: ${seconds.toFixed(2)} s, ${Math.round(rows / seconds)} rows/s`);
  return { seconds, cpuMicrosPerRow };
}

/**
 * Seconds SQLite alone takes to insert `rows` orders into mezame's orders table (its schema read
 * from `mezameDb`): `INSERT INTO orders SELECT * FROM staging` in the sqlite3 shell, timed by the
 * shell's own timer, with the rows generated beforehand in a temp table.
 */
function engineInsertSeconds(
  dir: string,
  mezameDb: string,
  rows: number,
  log: (line: string) => void,
): number | null {
  const schema = execFileSync(
    'sqlite3',
    [mezameDb, "select sql || ';' from sqlite_master where tbl_name = 'orders' and sql is not null"],
    { encoding: 'utf8' },
  );
  const customers = Math.ceil(rows / ORDERS_PER_CUSTOMER);
  // Dot-commands (.timer) must start their line: the script is joined line by line.
  const script = [
    'pragma journal_mode = wal;',
    'pragma synchronous = normal;',
    schema,
    `create temp table staging as select 'O' || value as order_id, 'C' || (value % ${customers}) as customer_id,
      '2023-' || printf('%02d', 1 + value % 12) || '-' || printf('%02d', 1 + value % 28) as ordered_at,
      1000.0 + value % 9000 as amount, 300.0 + value % 500 as gross_margin, '商品' || (value % 200) as product,
      'カテゴリ' || (value % 12) as category, 1.0 + value % 5 as quantity, 'web' as channel, 0 as is_refund,
      1 as import_batch_id from generate_series(0, ${rows - 1});`,
    '.timer on',
    'insert into orders select * from staging;',
  ].join('\n');
  const output = execFileSync('sqlite3', [join(dir, 'ceiling.db')], { input: script, encoding: 'utf8' });
  const match = /Run Time: real ([\d.]+)/.exec(output);
  if (!match) return null;
  const seconds = Number(match[1]);
  log(
    `SQLite alone (INSERT … SELECT into mezame's orders table): ${seconds.toFixed(2)} s, ${Math.round(rows / seconds)} rows/s`,
  );
  return seconds;
}

/**
 * user + sys (µs) of the waited-for child processes so far: cutime and cstime of /proc/self/stat
 * (fields 16 and 17, in clock ticks of 1/100 s on Linux); 0 where /proc is missing.
 */
function childCpuMicros(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[13]) + Number(fields[14])) * 1e6) / 100;
  } catch {
    return 0;
  }
}

function hasSqlite3(): boolean {
  try {
    execFileSync('sqlite3', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function importInChild(
  dir: string,
  customersFile: string,
  ordersFile: string,
): Promise<{ seconds: number; peakRssMb: number }> {
  const db = join(dir, 'stream.db');
  execFileSync(process.execPath, [BIN, 'import', 'customers', customersFile, '--db', db, '--no-progress'], {
    stdio: 'ignore',
  });
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [BIN, 'import', 'orders', ordersFile, '--db', db, '--no-progress', '--json'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  let peakKb = 0;
  const timer = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+)/.exec(status);
      if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
    } catch {
      // the process has just ended
    }
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`mezame import of the large file exited with ${code}`);
  return { seconds: (performance.now() - t0) / 1000, peakRssMb: Math.round(peakKb / 1024) };
}

async function writeCsv(
  path: string,
  header: string,
  rows: number,
  line: (i: number) => string,
): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${header}\n`);
  const CHUNK = 20_000;
  for (let start = 0; start < rows; start += CHUNK) {
    let text = '';
    for (let i = start; i < Math.min(rows, start + CHUNK); i++) text += `${line(i)}\n`;
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

function mb(path: string): number {
  return Math.round(statSync(path).size / 2 ** 20);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
