/**
 * Storing validated rows, one whole batch per transaction, with exact inserted / updated /
 * unchanged counts. The batch's counters in `import_batches` are updated in the same
 * transaction, so a crash or kill leaves whole batches and a run record that matches them.
 * SQLite: raw prepared statements on the better-sqlite3 handle: per 64 rows, a count of the ids
 * already stored (skipped when the table was empty at the start of the run) and one
 * `INSERT … ON CONFLICT DO UPDATE … WHERE` a column differs; the counts follow from the two.
 * PostgreSQL: one `INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE … WHERE … IS DISTINCT
 * FROM` per batch.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import type { Storage } from '../storage/index.js';
import { type BatchRows, IMPORT_TABLES, type ImportTable, type StoredValue } from './importTables.js';
import type { ImportKind } from './index.js';

export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** The rows read in one batch, rejected ones included, for the run record. */
export interface BatchTally {
  rows: number;
  accepted: number;
  rejected: number;
}

/** Marks an email that belongs to more than one customer. */
export const AMBIGUOUS = Symbol('ambiguous');
export type EmailOwner = string | typeof AMBIGUOUS;

export interface ImportWriter {
  /** Each external customer id → the customer it is stored as (a merged one's survivor), or null. */
  resolveCustomers(ids: readonly string[]): Promise<Map<string, string | null>>;
  /** Lower-case email → the customer owning it, from customers.email, then contacts.email. */
  emailOwners(): Promise<Map<string, EmailOwner>>;
  startRun(kind: ImportKind, file: string, startedAt: string): Promise<number>;
  writeBatch(runId: number, rows: BatchRows, tally: BatchTally): Promise<WriteCounts>;
  finishRun(runId: number, status: 'done' | 'failed', finishedAt: string): Promise<void>;
}

export function importWriter(storage: Storage, kind: ImportKind): ImportWriter {
  if (storage.sqlite) return new SqliteWriter(storage.sqlite, IMPORT_TABLES[kind]);
  if (storage.pgPool) return new PostgresWriter(storage, storage.pgPool, IMPORT_TABLES[kind]);
  throw new Error('importWriter: the storage has neither a SQLite handle nor a PostgreSQL pool');
}

/** merged_into chains are short (a merge repoints earlier merges); this bounds a corrupt cycle. */
const MAX_MERGE_HOPS = 16;

function followMerges(start: string, mergedInto: Map<string, string | null>): string | null {
  let id = start;
  for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
    if (!mergedInto.has(id)) return null;
    const next = mergedInto.get(id) ?? null;
    if (next === null) return id;
    id = next;
  }
  return id;
}

interface EmailRow {
  customer_id: string;
  email: string | null;
}

/** Lower-case email → owner, from customers' own addresses first, then contacts' remaining ones. */
function emailOwnersOf(
  customers: readonly EmailRow[],
  contacts: readonly EmailRow[],
): Map<string, EmailOwner> {
  const owners = new Map<string, EmailOwner>();
  const add = (email: string, customerId: string, fromCustomers: Set<string> | null) => {
    const key = email.normalize('NFKC').trim().toLowerCase();
    const current = owners.get(key);
    if (current === undefined) owners.set(key, customerId);
    else if (current !== customerId && (fromCustomers === null || !fromCustomers.has(key)))
      owners.set(key, AMBIGUOUS);
  };
  for (const c of customers) if (c.email) add(c.email, c.customer_id, null);
  // A customer's own address wins over a contact's; contacts only fill the remaining addresses.
  const ownAddresses = new Set(owners.keys());
  for (const c of contacts) if (c.email) add(c.email, c.customer_id, ownAddresses);
  return owners;
}

async function loadEmailOwners(storage: Storage): Promise<Map<string, EmailOwner>> {
  const customers = await storage.db
    .selectFrom('customers')
    .select(['customer_id', 'email'])
    .where('email', 'is not', null)
    .where('merged_into', 'is', null)
    .execute();
  const contacts = await storage.db
    .selectFrom('contacts')
    .select(['customer_id', 'email'])
    .where('email', 'is not', null)
    .execute();
  return emailOwnersOf(customers, contacts);
}

/**
 * Customer lookups on a better-sqlite3 connection alone (no Kysely): the import's writer uses
 * it, and so does the preparing worker on its own read-only connection, which keeps the
 * worker's start short.
 */
export class SqliteCustomerDirectory {
  private readonly lookup: BetterSqlite3.Statement;

  constructor(private readonly sqlite: BetterSqlite3.Database) {
    this.lookup = sqlite.prepare('select merged_into from customers where customer_id = ?').pluck();
  }

  async resolveCustomers(ids: readonly string[]): Promise<Map<string, string | null>> {
    const mergedInto = new Map<string, string | null>();
    const visit = (id: string) => {
      for (let hop = 0; hop < MAX_MERGE_HOPS && !mergedInto.has(id); hop++) {
        const row = this.lookup.get(id) as string | null | undefined;
        if (row === undefined) return;
        mergedInto.set(id, row);
        if (row === null) return;
        id = row;
      }
    };
    for (const id of ids) visit(id);
    return new Map(ids.map((id) => [id, followMerges(id, mergedInto)]));
  }

  async emailOwners(): Promise<Map<string, EmailOwner>> {
    const customers = this.sqlite
      .prepare('select customer_id, email from customers where email is not null and merged_into is null')
      .all() as EmailRow[];
    const contacts = this.sqlite
      .prepare('select customer_id, email from contacts where email is not null')
      .all() as EmailRow[];
    return emailOwnersOf(customers, contacts);
  }
}

/** Rows per multi-row INSERT: fewer statement calls, well under SQLite's bound-parameter limit. */
const ROWS_PER_INSERT = 64;
/** The page cache while an import writes (KiB, as a negative cache_size): the id and customer indexes stay in memory. */
const IMPORT_CACHE_KIB = 64 * 1024;
/**
 * WAL pages between automatic checkpoints while an import writes (SQLite's default is 1,000:
 * a checkpoint, with its fsyncs, after every batch, copying index pages that the next batch
 * changes again). Commits stay whole transactions; the WAL is checkpointed when the run ends.
 */
const IMPORT_CHECKPOINT_PAGES = 16_384;

class SqliteWriter implements ImportWriter {
  private readonly directory: SqliteCustomerDirectory;
  private readonly writeAll: (runId: number, rows: BatchRows, tally: BatchTally) => WriteCounts;
  private readonly anyStored: BetterSqlite3.Statement;
  /** Whether the table was empty when the run started: then no row of the run can meet a stored id. */
  private startedEmpty = false;
  private cacheSizeBefore: number | null = null;
  private checkpointBefore: number | null = null;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    spec: ImportTable,
  ) {
    const names = spec.columns.map(([name]) => name);
    const rest = names.slice(1);
    const tuple = `(${names.map(() => '?').join(', ')}, ?)`;
    // One statement inserts new ids and updates stored ones whose columns differ; a stored row
    // that would not change is left alone (and keeps its import_batch_id).
    const upsertSql = (rows: number) =>
      `insert into ${spec.table} (${names.join(', ')}, import_batch_id) values ${Array.from({ length: rows }, () => tuple).join(', ')}
       on conflict (${spec.idColumn}) do update set ${rest.map((c) => `${c} = excluded.${c}`).join(', ')}, import_batch_id = excluded.import_batch_id
       where (${rest.map((c) => `${spec.table}.${c}`).join(', ')}) is not (${rest.map((c) => `excluded.${c}`).join(', ')})`;
    const storedSql = (rows: number) =>
      `select count(*) from ${spec.table} where ${spec.idColumn} in (${Array.from({ length: rows }, () => '?').join(', ')})`;
    const upsertMany = sqlite.prepare(upsertSql(ROWS_PER_INSERT));
    const upsertOne = sqlite.prepare(upsertSql(1));
    const storedMany = sqlite.prepare(storedSql(ROWS_PER_INSERT)).pluck();
    const storedOne = sqlite.prepare(storedSql(1)).pluck();
    this.anyStored = sqlite.prepare(`select exists (select 1 from ${spec.table})`).pluck();
    this.directory = new SqliteCustomerDirectory(sqlite);
    const tallyRun = sqlite.prepare(
      'update import_batches set rows = rows + ?, accepted = accepted + ?, rejected = rejected + ?, inserted = inserted + ?, updated = updated + ?, unchanged = unchanged + ? where id = ?',
    );
    const width = names.length + 1;
    const manyParams: (string | number | null)[] = new Array(width * ROWS_PER_INSERT);
    const manyIds: (string | number | null)[] = new Array(ROWS_PER_INSERT);
    const oneParams: (string | number | null)[] = new Array(width);
    const oneId: (string | number | null)[] = [null];
    /**
     * Writes rows[start, start + n) with one statement. Ids are unique within a run, so the ids
     * counted as stored just before are exactly the conflicts: changes beyond the new rows are updates.
     */
    const write = (
      columns: StoredValue[][],
      start: number,
      n: number,
      runId: number,
      counts: WriteCounts,
    ) => {
      const params = n === 1 ? oneParams : manyParams;
      const ids = n === 1 ? oneId : manyIds;
      const ncol = columns.length;
      for (let c = 0; c < ncol; c++) {
        const column = columns[c] as StoredValue[];
        for (let r = 0, at = c; r < n; r++, at += width) params[at] = column[start + r] ?? null;
      }
      const idColumn = columns[0] as StoredValue[];
      for (let r = 0; r < n; r++) {
        params[r * width + ncol] = runId;
        ids[r] = idColumn[start + r] ?? null;
      }
      const stored = this.startedEmpty ? 0 : ((n === 1 ? storedOne : storedMany).get(ids) as number);
      const changes = (n === 1 ? upsertOne : upsertMany).run(params).changes;
      const inserted = n - stored;
      const updated = changes - inserted;
      counts.inserted += inserted;
      counts.updated += updated;
      counts.unchanged += stored - updated;
    };
    this.writeAll = sqlite.transaction((runId: number, rows: BatchRows, tally: BatchTally) => {
      const counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0 };
      const { columns, count } = rows;
      let start = 0;
      for (; start + ROWS_PER_INSERT <= count; start += ROWS_PER_INSERT)
        write(columns, start, ROWS_PER_INSERT, runId, counts);
      for (; start < count; start++) write(columns, start, 1, runId, counts);
      tallyRun.run(
        tally.rows,
        tally.accepted,
        tally.rejected,
        counts.inserted,
        counts.updated,
        counts.unchanged,
        runId,
      );
      return counts;
    });
  }

  resolveCustomers(ids: readonly string[]): Promise<Map<string, string | null>> {
    return this.directory.resolveCustomers(ids);
  }

  emailOwners(): Promise<Map<string, EmailOwner>> {
    return this.directory.emailOwners();
  }

  async startRun(kind: ImportKind, file: string, startedAt: string): Promise<number> {
    this.startedEmpty = this.anyStored.get() === 0;
    this.cacheSizeBefore ??= Number(this.sqlite.pragma('cache_size', { simple: true }));
    this.sqlite.pragma(`cache_size = ${-IMPORT_CACHE_KIB}`);
    this.checkpointBefore ??= Number(this.sqlite.pragma('wal_autocheckpoint', { simple: true }));
    if (this.checkpointBefore > 0 && this.checkpointBefore < IMPORT_CHECKPOINT_PAGES)
      this.sqlite.pragma(`wal_autocheckpoint = ${IMPORT_CHECKPOINT_PAGES}`);
    const result = this.sqlite
      .prepare("insert into import_batches (kind, file, started_at, status) values (?, ?, ?, 'running')")
      .run(kind, file, startedAt);
    return Number(result.lastInsertRowid);
  }

  async writeBatch(runId: number, rows: BatchRows, tally: BatchTally): Promise<WriteCounts> {
    return this.writeAll(runId, rows, tally);
  }

  async finishRun(runId: number, status: 'done' | 'failed', finishedAt: string): Promise<void> {
    if (this.cacheSizeBefore !== null) this.sqlite.pragma(`cache_size = ${this.cacheSizeBefore}`);
    this.cacheSizeBefore = null;
    if (this.checkpointBefore !== null) this.sqlite.pragma(`wal_autocheckpoint = ${this.checkpointBefore}`);
    this.checkpointBefore = null;
    // This commit checkpoints the WAL again (it holds more than wal_autocheckpoint pages).
    this.sqlite
      .prepare('update import_batches set status = ?, finished_at = ? where id = ?')
      .run(status, finishedAt, runId);
  }
}

class PostgresWriter implements ImportWriter {
  private readonly upsertSql: string;

  constructor(
    private readonly storage: Storage,
    private readonly pool: pg.Pool,
    spec: ImportTable,
  ) {
    const names = spec.columns.map(([name]) => name);
    const rest = names.slice(1);
    const arrays = spec.columns.map(([, type], k) => `$${k + 1}::${type}[]`).join(', ');
    const runParam = `$${names.length + 1}::int4`;
    this.upsertSql = `insert into ${spec.table} (${names.join(', ')}, import_batch_id)
      select u.*, ${runParam} from unnest(${arrays}) as u
      on conflict (${spec.idColumn}) do update set ${rest.map((c) => `${c} = excluded.${c}`).join(', ')}, import_batch_id = excluded.import_batch_id
      where (${rest.map((c) => `${spec.table}.${c}`).join(', ')}) is distinct from (${rest.map((c) => `excluded.${c}`).join(', ')})
      returning (xmax = 0) as inserted`;
  }

  async resolveCustomers(ids: readonly string[]): Promise<Map<string, string | null>> {
    const mergedInto = new Map<string, string | null>();
    let pending = [...new Set(ids)];
    for (let hop = 0; hop < MAX_MERGE_HOPS && pending.length > 0; hop++) {
      const { rows } = await this.pool.query<{ customer_id: string; merged_into: string | null }>(
        'select customer_id, merged_into from customers where customer_id = any($1::text[])',
        [pending],
      );
      for (const r of rows) mergedInto.set(r.customer_id, r.merged_into);
      pending = rows.map((r) => r.merged_into).filter((m): m is string => m !== null && !mergedInto.has(m));
    }
    return new Map(ids.map((id) => [id, followMerges(id, mergedInto)]));
  }

  emailOwners(): Promise<Map<string, EmailOwner>> {
    return loadEmailOwners(this.storage);
  }

  async startRun(kind: ImportKind, file: string, startedAt: string): Promise<number> {
    const { rows } = await this.pool.query<{ id: number }>(
      "insert into import_batches (kind, file, started_at, status) values ($1, $2, $3, 'running') returning id",
      [kind, file, startedAt],
    );
    const id = rows[0]?.id;
    if (id === undefined) throw new Error('import_batches insert returned no id');
    return Number(id);
  }

  async writeBatch(runId: number, rows: BatchRows, tally: BatchTally): Promise<WriteCounts> {
    const { columns } = rows;
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const result =
        rows.count === 0
          ? { rows: [] as { inserted: boolean }[] }
          : await client.query<{ inserted: boolean }>(this.upsertSql, [...columns, runId]);
      const inserted = result.rows.filter((r) => r.inserted).length;
      const counts: WriteCounts = {
        inserted,
        updated: result.rows.length - inserted,
        unchanged: rows.count - result.rows.length,
      };
      await client.query(
        'update import_batches set rows = rows + $1, accepted = accepted + $2, rejected = rejected + $3, inserted = inserted + $4, updated = updated + $5, unchanged = unchanged + $6 where id = $7',
        [
          tally.rows,
          tally.accepted,
          tally.rejected,
          counts.inserted,
          counts.updated,
          counts.unchanged,
          runId,
        ],
      );
      await client.query('commit');
      return counts;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async finishRun(runId: number, status: 'done' | 'failed', finishedAt: string): Promise<void> {
    await this.pool.query('update import_batches set status = $1, finished_at = $2 where id = $3', [
      status,
      finishedAt,
      runId,
    ]);
  }
}
