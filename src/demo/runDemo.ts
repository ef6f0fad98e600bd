/**
 * `mezame demo` without the CLI: generate the demo company, import it into a fresh database
 * (replacing only a previous demo database), and report what was generated and imported.
 */
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { AppError } from '../core/errors.js';
import type { ImportProgress, ImportSummary } from '../importer/index.js';
import { openStorage, type Storage } from '../storage/index.js';
import { DEMO_FILES, type DemoFileKind, type GenerationSummary, generateDemo } from './generateDemo.js';
import type { DemoKind } from './profiles.js';

export const DEFAULT_DEMO_CUSTOMERS: Record<DemoKind, number> = { b2b: 2000, ec: 3000 };

export interface DemoOptions {
  /** SQLite file (default mezame.db); ignored when databaseUrl is given. */
  dbFile?: string;
  databaseUrl?: string;
  customers?: number;
  seed?: number;
  kind?: DemoKind;
  /** 'YYYY-MM-DD'; default today (UTC). */
  asOf?: string;
  /** Where the CSV files go; default a demo-data folder beside the database file. */
  outDir?: string;
  /** Progress lines (the CLI sends them to stderr). */
  log?: (line: string) => void;
}

export interface DemoSummary {
  database: string;
  generated: GenerationSummary;
  imported: Record<DemoFileKind, Pick<ImportSummary, 'rows' | 'accepted' | 'rejected' | 'inserted'>>;
  seconds: { generate: number; import: number };
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoSummary> {
  const log = options.log ?? (() => {});
  const kind = options.kind ?? 'b2b';
  const customers = options.customers ?? DEFAULT_DEMO_CUSTOMERS[kind];
  if (!Number.isInteger(customers) || customers < 1) {
    throw new AppError('invalid_input', `--customers must be a whole number of at least 1, got ${customers}`);
  }
  const seed = options.seed ?? 1;
  // The demo's history runs to the end of its as-of day, and the importer refuses anything dated
  // after the moment of import: so the default is yesterday, and today or later is refused.
  const today = new Date().toISOString().slice(0, 10);
  const asOf = options.asOf ?? new Date(Date.parse(today) - 86_400_000).toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf))) {
    throw new AppError('invalid_input', `--as-of must be a date like 2025-03-31, got '${asOf}'`);
  }
  if (asOf >= today) {
    throw new AppError(
      'invalid_input',
      `--as-of must be a day before today (${today}): the demo's history runs to the end of that day, ` +
        `and nothing dated in the future can be imported; got '${asOf}'`,
    );
  }
  const dbFile = resolve(options.dbFile ?? 'mezame.db');
  const outDir = resolve(
    options.outDir ?? (options.databaseUrl ? 'demo-data' : join(dirname(dbFile), 'demo-data')),
  );

  if (!options.databaseUrl) clearPreviousSqliteDemo(dbFile);
  const storage = await openStorage(options.databaseUrl ? { databaseUrl: options.databaseUrl } : { dbFile });
  try {
    if (options.databaseUrl) await clearPreviousPostgresDemo(storage);
    const run = await storage.db
      .insertInto('demo_runs')
      .values({
        started_at: new Date().toISOString(),
        finished_at: null,
        status: 'running',
        kind,
        seed,
        customers,
        as_of: asOf,
        out_dir: outDir,
        summary: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    const t0 = performance.now();
    log(
      `generating a ${kind === 'b2b' ? 'B2B supplier' : 'e-commerce shop'} with ${customers} customers (seed ${seed}, as of ${asOf}) into ${outDir}`,
    );
    let nextReport = 0.1;
    const generated = generateDemo({
      kind,
      customers,
      seed,
      asOf,
      outDir,
      onProgress: (done, total) => {
        if (done / total >= nextReport && done < total) {
          log(`  generated ${done} / ${total} customers`);
          nextReport += 0.1;
        }
      },
    });
    const t1 = performance.now();

    const { importFile } = await import('../importer/index.js');
    const imported = {} as DemoSummary['imported'];
    for (const file of DEMO_FILES) {
      const { path, rows } = generated.files[file];
      if (rows === 0) {
        // e.g. the shop has no company contacts: nothing to import, nothing to report as rejected.
        imported[file] = { rows: 0, accepted: 0, rejected: 0, inserted: 0 };
        continue;
      }
      log(`importing ${file} (${rows} rows)`);
      let lastReport = performance.now();
      const result = await importFile(storage, file, path, {
        onProgress: (p: ImportProgress) => {
          const now = performance.now();
          if (now - lastReport > 2000) {
            log(`  ${file}: ${p.rowsRead} rows read`);
            lastReport = now;
          }
        },
      });
      if (result.rejected > 0) {
        // The generator must produce only valid rows: a reject is a bug in the demo, not in the data.
        throw new Error(
          `the demo's ${file}.csv had ${result.rejected} rejected rows (see ${result.rejected_file}); this is a bug in the demo generator`,
        );
      }
      imported[file] = {
        rows: result.rows,
        accepted: result.accepted,
        rejected: result.rejected,
        inserted: result.inserted,
      };
    }
    const t2 = performance.now();
    const summary: DemoSummary = {
      database: storage.description,
      generated,
      imported,
      seconds: { generate: round1((t1 - t0) / 1000), import: round1((t2 - t1) / 1000) },
    };
    await storage.db
      .updateTable('demo_runs')
      .set({ status: 'done', finished_at: new Date().toISOString(), summary: JSON.stringify(summary) })
      .where('id', '=', run.id)
      .execute();
    return summary;
  } finally {
    await storage.close();
  }
}

/**
 * Deletes an existing SQLite file only when it is a previous demo (or holds no data at all).
 * Inspected read-only first, so a database that is not ours is never touched.
 */
function clearPreviousSqliteDemo(dbFile: string): void {
  if (!existsSync(dbFile)) return;
  let isDemo = false;
  let hasData = false;
  try {
    const db = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
    try {
      const tables = new Set(
        (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
          (r) => r.name,
        ),
      );
      if (tables.has('demo_runs')) {
        isDemo = (db.prepare('SELECT count(*) AS n FROM demo_runs').get() as { n: number }).n > 0;
      }
      const dataTables = [...tables].filter((t) => !t.startsWith('sqlite_') && !t.startsWith('kysely_'));
      for (const t of ['customers', 'orders', 'events']) {
        if (tables.has(t) && (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n > 0) {
          hasData = true;
        }
      }
      if (!tables.has('customers') && dataTables.length > 0) hasData = true;
    } finally {
      db.close();
    }
  } catch (error) {
    throw new AppError(
      'conflict',
      `${dbFile} exists and is not a Mezame database (${(error as Error).message}). ` +
        'Nothing was changed: choose another file with --db, or move that file away.',
    );
  }
  if (hasData && !isDemo) {
    throw new AppError(
      'conflict',
      `${dbFile} already holds data that was not generated by \`mezame demo\`, so it will not be replaced. ` +
        'Nothing was changed: run the demo with another file (--db demo.db), or move that database away first.',
    );
  }
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${dbFile}${suffix}`, { force: true });
}

/** PostgreSQL: empties a previous demo database; refuses a database holding other data. */
async function clearPreviousPostgresDemo(storage: Storage): Promise<void> {
  const runs = await storage.db
    .selectFrom('demo_runs')
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .executeTakeFirst();
  const customers = await storage.db
    .selectFrom('customers')
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .executeTakeFirst();
  const isDemo = Number(runs?.n ?? 0) > 0;
  if (!isDemo && Number(customers?.n ?? 0) > 0) {
    throw new AppError(
      'conflict',
      `${storage.description} already holds customers that were not generated by \`mezame demo\`; nothing was changed. ` +
        'Point --database-url at an empty database for the demo.',
    );
  }
  if (!isDemo) return;
  const tables = await sql<{ tablename: string }>`
    SELECT tablename FROM pg_tables
    WHERE schemaname = current_schema() AND tablename NOT LIKE 'kysely_migration%'`.execute(storage.db);
  const names = tables.rows.map((r) => `"${r.tablename.replaceAll('"', '""')}"`);
  if (names.length > 0) await sql.raw(`TRUNCATE ${names.join(', ')} RESTART IDENTITY`).execute(storage.db);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
