/**
 * Storing and reading analysis results (migration 004_analysis): runs, the current state of
 * every customer, per-run results and the status history. Bulk writes use the engine's fast
 * path: prepared statements inside one transaction on SQLite, multi-row inserts on PostgreSQL.
 */
import { type Kysely, sql } from 'kysely';
import type { LifecycleStatus, PreviousState } from '../core/detect/lifecycleStatus.js';
import type { Database } from './schema.js';
import type { Storage } from './storage.js';

/** One customer's row in customer_state (and the source of `analyze --json`). */
export interface CustomerStateRow {
  customer_id: string;
  run_id: number;
  as_of: string;
  owner: string | null;
  status: LifecycleStatus;
  status_since: string;
  lost_reason: string | null;
  return_day: string | null;
  first_purchase_day: string | null;
  last_purchase_day: string | null;
  purchase_days: number;
  days_since_last_purchase: number | null;
  purchase_cycle_days: number | null;
  cycle_source: string | null;
  overdue_ratio: number | null;
  p_alive: number | null;
  expected_purchases_90d: number | null;
  health_score: number | null;
  health_level: string | null;
  gap_alert: number;
  yearly_value_yen: number | null;
  total_spend_yen: number | null;
  spend_last_365d_yen: number | null;
  yoy_spend_ratio: number | null;
  unanswered_emails: number | null;
  days_since_last_reaction: number | null;
  main_category: string | null;
  /** JSON: health points per component, e.g. {"purchase_rhythm":36,"engagement":20}. */
  health_breakdown: string | null;
  reason_category: string | null;
  reason_confidence: number | null;
  reason_evidence: string | null;
  score: number | null;
  rank: string | null;
  reactivation_probability: number | null;
  expected_value: number | null;
  recommended_channels: string | null;
  /** Diagnosis columns of migration 009 (null until Diagnose fills them). */
  reactivation_source: string | null;
  score_breakdown: string | null;
  reason_resolved: number | null;
  /** Migration 014: the status in the previous run, and 1 when the customer entered dormancy
   * in this run (null: written before 014). */
  previous_status: string | null;
  newly_dormant: number | null;
}

export interface AnalysisRunRow {
  id: number;
  as_of: string;
  started_at: string;
  finished_at: string | null;
  status: 'running' | 'done' | 'failed';
  definition_version: string | null;
  bgnbd: string | null;
  summary: string | null;
}

interface CustomerRunResultRow {
  run_id: number;
  customer_id: string;
  status: string;
  status_since: string;
  last_purchase_day: string | null;
  return_day: string | null;
  health_score: number | null;
  health_level: string | null;
  p_alive: number | null;
}

interface StatusHistoryRow {
  id: number;
  customer_id: string;
  status: string;
  entered_at: string;
  left_at: string | null;
  run_id: number;
}

export type AnalysisDatabase = Database & {
  analysis_runs: AnalysisRunRow;
  customer_state: CustomerStateRow;
  customer_run_results: CustomerRunResultRow;
  status_history: StatusHistoryRow;
};

function adb(storage: Storage): Kysely<AnalysisDatabase> {
  return storage.db as unknown as Kysely<AnalysisDatabase>;
}

const STATE_COLUMNS: readonly (keyof CustomerStateRow)[] = [
  'customer_id',
  'run_id',
  'as_of',
  'owner',
  'status',
  'status_since',
  'lost_reason',
  'return_day',
  'first_purchase_day',
  'last_purchase_day',
  'purchase_days',
  'days_since_last_purchase',
  'purchase_cycle_days',
  'cycle_source',
  'overdue_ratio',
  'p_alive',
  'expected_purchases_90d',
  'health_score',
  'health_level',
  'gap_alert',
  'yearly_value_yen',
  'total_spend_yen',
  'spend_last_365d_yen',
  'yoy_spend_ratio',
  'unanswered_emails',
  'days_since_last_reaction',
  'main_category',
  'health_breakdown',
  'reason_category',
  'reason_confidence',
  'reason_evidence',
  'score',
  'rank',
  'reactivation_probability',
  'expected_value',
  'recommended_channels',
  'reactivation_source',
  'score_breakdown',
  'reason_resolved',
  'previous_status',
  'newly_dormant',
];
const RUN_RESULT_COLUMNS: readonly (keyof CustomerRunResultRow)[] = [
  'run_id',
  'customer_id',
  'status',
  'status_since',
  'last_purchase_day',
  'return_day',
  'health_score',
  'health_level',
  'p_alive',
];

// ---- runs -------------------------------------------------------------------------------

export async function startAnalysisRun(
  storage: Storage,
  asOf: string,
  startedAt: string,
  definitionVersion: string | null,
): Promise<number> {
  const row = await adb(storage)
    .insertInto('analysis_runs')
    .values({
      as_of: asOf,
      started_at: startedAt,
      status: 'running',
      definition_version: definitionVersion,
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function finishAnalysisRun(
  storage: Storage,
  runId: number,
  finishedAt: string,
  outcome: { status: 'done' | 'failed'; bgnbd?: unknown; summary?: unknown },
): Promise<void> {
  await adb(storage)
    .updateTable('analysis_runs')
    .set({
      finished_at: finishedAt,
      status: outcome.status,
      bgnbd: outcome.bgnbd === undefined ? null : JSON.stringify(outcome.bgnbd),
      summary: outcome.summary === undefined ? null : JSON.stringify(outcome.summary),
    })
    .where('id', '=', runId)
    .execute();
}

/** The latest finished run, optionally only among runs with an as-of day before `before`. */
export async function latestRun(storage: Storage, before?: string): Promise<AnalysisRunRow | null> {
  let query = adb(storage).selectFrom('analysis_runs').selectAll().where('status', '=', 'done');
  if (before !== undefined) query = query.where('as_of', '<', before);
  const row = await query.orderBy('as_of', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? { ...row, id: Number(row.id) } : null;
}

/** Previous states of the customers in [lo, hi] from a given run. */
export async function previousStates(
  storage: Storage,
  runId: number,
  lo: string,
  hi: string,
): Promise<Map<string, PreviousState>> {
  const rows = await adb(storage)
    .selectFrom('customer_run_results')
    .select(['customer_id', 'status', 'status_since', 'last_purchase_day', 'return_day'])
    .where('run_id', '=', runId)
    .where('customer_id', '>=', lo)
    .where('customer_id', '<=', hi)
    .execute();
  const out = new Map<string, PreviousState>();
  for (const r of rows) {
    out.set(r.customer_id, {
      status: r.status as LifecycleStatus,
      statusSince: r.status_since,
      lastPurchaseDay: r.last_purchase_day,
      returnDay: r.return_day,
    });
  }
  return out;
}

// ---- bulk writing -----------------------------------------------------------------------

export interface ResultWriter {
  /** Writes one chunk: state rows, per-run results, and history for the customers whose status changed. */
  write(rows: CustomerStateRow[], previous: Map<string, PreviousState>): Promise<void>;
  /**
   * The same from compact rows: `stateValues(row)` of each row, and each customer's previous
   * status (null: no previous state). What analysis workers hand over.
   */
  writeValues(values: unknown[][], previousStatus: (string | null)[]): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/**
 * Opens the write side of a run: everything is written in one transaction, so readers see the
 * previous run's complete state until the new one is complete. customer_state is replaced
 * (customers merged away since the last run disappear from it). With `writeHistory` false
 * (a run whose as-of day is earlier than the latest run's) the status history is left alone.
 * A run on the same as-of day as the latest run first undoes that day's history entries, so
 * re-running a day replaces its history instead of doubling it.
 */
export async function openResultWriter(
  storage: Storage,
  runId: number,
  asOf: string,
  options: { writeHistory: boolean },
): Promise<ResultWriter> {
  return storage.sqlite
    ? sqliteWriter(storage.sqlite, runId, asOf, options.writeHistory)
    : postgresWriter(storage, runId, asOf, options.writeHistory);
}

/** A state row as its column values, in customer_state's column order. */
export function stateValues(r: CustomerStateRow): unknown[] {
  return STATE_COLUMNS.map((c) => r[c]);
}

const STATE_INDEX = Object.fromEntries(STATE_COLUMNS.map((c, i) => [c, i])) as Record<
  keyof CustomerStateRow,
  number
>;
const RUN_RESULT_INDEXES = RUN_RESULT_COLUMNS.map((c) => STATE_INDEX[c]);

/** Sets some columns of a row in its compact form (`stateValues` order), e.g. the diagnosis results. */
export function setStateValues(values: unknown[], columns: Partial<CustomerStateRow>): void {
  for (const [column, value] of Object.entries(columns)) {
    const index = STATE_INDEX[column as keyof CustomerStateRow];
    if (index === undefined) throw new Error(`customer_state has no column ${column}`);
    values[index] = value;
  }
}

/** Rows and previous states back from their compact form (for the PostgreSQL writer). */
function fromValues(values: unknown[][], previousStatus: (string | null)[]) {
  const rows = values.map(
    (v) => Object.fromEntries(STATE_COLUMNS.map((c, i) => [c, v[i]])) as unknown as CustomerStateRow,
  );
  const previous = new Map<string, PreviousState>();
  rows.forEach((r, k) => {
    const status = previousStatus[k];
    if (status !== null && status !== undefined) {
      previous.set(r.customer_id, {
        status: status as LifecycleStatus,
        statusSince: '',
        lastPurchaseDay: null,
        returnDay: null,
      });
    }
  });
  return { rows, previous };
}

function historyChanges(rows: CustomerStateRow[], previous: Map<string, PreviousState>) {
  const changed: CustomerStateRow[] = [];
  for (const r of rows) {
    const prev = previous.get(r.customer_id);
    if (!prev || prev.status !== r.status) changed.push(r);
  }
  return changed;
}

/** Rows per multi-row INSERT on SQLite (36 columns × 25 rows stays far below its parameter limit). */
const ROWS_PER_STATEMENT = 25;

const UNDO_HISTORY_DAY = [
  'DELETE FROM status_history WHERE entered_at = ?',
  'UPDATE status_history SET left_at = NULL WHERE left_at = ?',
];

function sqliteWriter(
  db: NonNullable<Storage['sqlite']>,
  runId: number,
  asOf: string,
  writeHistory: boolean,
): ResultWriter {
  const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
  db.exec('BEGIN IMMEDIATE');
  db.exec('DELETE FROM customer_state');
  // Building the secondary indexes once after the bulk insert is faster than maintaining them
  // row by row; their definitions are read back from the schema, so migrations stay the owner.
  const indexes = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customer_state' AND sql IS NOT NULL",
    )
    .all() as { name: string; sql: string }[];
  for (const index of indexes) db.exec(`DROP INDEX "${index.name.replace(/"/g, '""')}"`);
  if (writeHistory) for (const statement of UNDO_HISTORY_DAY) db.prepare(statement).run(asOf);
  const insertState = db.prepare(
    `INSERT INTO customer_state (${STATE_COLUMNS.join(', ')}) VALUES (${placeholders(STATE_COLUMNS.length)})`,
  );
  const insertResult = db.prepare(
    `INSERT INTO customer_run_results (${RUN_RESULT_COLUMNS.join(', ')}) VALUES (${placeholders(RUN_RESULT_COLUMNS.length)})`,
  );
  const rowsOf = (columns: number) =>
    Array.from({ length: ROWS_PER_STATEMENT }, () => `(${placeholders(columns)})`).join(', ');
  const insertStateMany = db.prepare(
    `INSERT INTO customer_state (${STATE_COLUMNS.join(', ')}) VALUES ${rowsOf(STATE_COLUMNS.length)}`,
  );
  const insertResultMany = db.prepare(
    `INSERT INTO customer_run_results (${RUN_RESULT_COLUMNS.join(', ')}) VALUES ${rowsOf(RUN_RESULT_COLUMNS.length)}`,
  );
  const closeHistory = db.prepare(
    'UPDATE status_history SET left_at = ? WHERE customer_id = ? AND left_at IS NULL',
  );
  const openHistory = db.prepare(
    'INSERT INTO status_history (customer_id, status, entered_at, left_at, run_id) VALUES (?, ?, ?, NULL, ?)',
  );
  const openHistoryMany = db.prepare(
    `INSERT INTO status_history (customer_id, status, entered_at, left_at, run_id) VALUES ${Array.from(
      { length: ROWS_PER_STATEMENT },
      () => '(?, ?, ?, NULL, ?)',
    ).join(', ')}`,
  );
  const writeValues = (values: unknown[][], previousStatus: (string | null)[]) => {
    // Whole groups of rows per statement: one call into SQLite per ROWS_PER_STATEMENT rows.
    const whole = values.length - (values.length % ROWS_PER_STATEMENT);
    const stateParams: unknown[] = [];
    const resultParams: unknown[] = [];
    for (let i = 0; i < whole; i += ROWS_PER_STATEMENT) {
      stateParams.length = 0;
      resultParams.length = 0;
      for (let k = i; k < i + ROWS_PER_STATEMENT; k++) {
        const v = values[k] as unknown[];
        for (const x of v) stateParams.push(x);
        for (const index of RUN_RESULT_INDEXES) resultParams.push(v[index]);
      }
      insertStateMany.run(stateParams);
      insertResultMany.run(resultParams);
    }
    for (let k = whole; k < values.length; k++) {
      const v = values[k] as unknown[];
      insertState.run(v);
      insertResult.run(RUN_RESULT_INDEXES.map((i) => v[i]));
    }
    if (!writeHistory) return;
    const idAt = STATE_INDEX.customer_id;
    const statusAt = STATE_INDEX.status;
    const opened: unknown[] = [];
    for (let k = 0; k < values.length; k++) {
      const v = values[k] as unknown[];
      const prev = previousStatus[k] ?? null;
      if (prev !== null && prev === v[statusAt]) continue;
      if (prev !== null) closeHistory.run(asOf, v[idAt]);
      opened.push(v[idAt], v[statusAt], asOf, runId);
      if (opened.length === ROWS_PER_STATEMENT * 4) {
        openHistoryMany.run(opened);
        opened.length = 0;
      }
    }
    for (let i = 0; i < opened.length; i += 4) openHistory.run(opened.slice(i, i + 4));
  };
  return {
    async write(rows, previous) {
      writeValues(
        rows.map(stateValues),
        rows.map((r) => previous.get(r.customer_id)?.status ?? null),
      );
    },
    async writeValues(values, previousStatus) {
      writeValues(values, previousStatus);
    },
    async commit() {
      for (const index of indexes) db.exec(index.sql);
      db.exec('COMMIT');
    },
    async rollback() {
      if (db.inTransaction) db.exec('ROLLBACK');
    },
  };
}

function runResult(r: CustomerStateRow): unknown[] {
  return [
    r.run_id,
    r.customer_id,
    r.status,
    r.status_since,
    r.last_purchase_day,
    r.return_day,
    r.health_score,
    r.health_level,
    r.p_alive,
  ];
}

/** Rows per multi-row INSERT (PostgreSQL allows 65,535 parameters per statement). */
const PG_ROWS_PER_INSERT = 1_000;

async function postgresWriter(
  storage: Storage,
  runId: number,
  asOf: string,
  writeHistory: boolean,
): Promise<ResultWriter> {
  const pool = storage.pgPool;
  if (!pool) throw new Error('postgresWriter needs a PostgreSQL pool');
  const client = await pool.connect();
  await client.query('BEGIN');
  await client.query('DELETE FROM customer_state');
  if (writeHistory) {
    for (const statement of UNDO_HISTORY_DAY) {
      await client.query(statement.replace('?', '$1'), [asOf]);
    }
  }
  const insertMany = async (table: string, columns: readonly string[], values: unknown[][]) => {
    for (let i = 0; i < values.length; i += PG_ROWS_PER_INSERT) {
      const slice = values.slice(i, i + PG_ROWS_PER_INSERT);
      const params: unknown[] = [];
      const tuples = slice.map((row) => {
        const marks = row.map((v) => {
          params.push(v);
          return `$${params.length}`;
        });
        return `(${marks.join(', ')})`;
      });
      await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
    }
  };
  let released = false;
  const release = () => {
    if (!released) client.release();
    released = true;
  };
  const writer: ResultWriter = {
    async writeValues(values, previousStatus) {
      const { rows, previous } = fromValues(values, previousStatus);
      await writer.write(rows, previous);
    },
    async write(rows, previous) {
      await insertMany(
        'customer_state',
        STATE_COLUMNS,
        rows.map((r) => STATE_COLUMNS.map((c) => r[c])),
      );
      await insertMany('customer_run_results', RUN_RESULT_COLUMNS, rows.map(runResult));
      if (!writeHistory) return;
      const changed = historyChanges(rows, previous);
      if (changed.length === 0) return;
      const closing = changed.filter((r) => previous.has(r.customer_id)).map((r) => r.customer_id);
      if (closing.length > 0) {
        await client.query(
          'UPDATE status_history SET left_at = $1 WHERE customer_id = ANY($2) AND left_at IS NULL',
          [asOf, closing],
        );
      }
      await insertMany(
        'status_history',
        ['customer_id', 'status', 'entered_at', 'run_id'],
        changed.map((r) => [r.customer_id, r.status, asOf, runId]),
      );
    },
    async commit() {
      try {
        await client.query('COMMIT');
      } finally {
        release();
      }
    },
    async rollback() {
      try {
        await client.query('ROLLBACK');
      } finally {
        release();
      }
    },
  };
  return writer;
}

// ---- reading ----------------------------------------------------------------------------

/** Customer states in customer_id order, a page at a time (for --json, CSV export). */
export async function* customerStates(
  storage: Storage,
  pageSize = 5_000,
): AsyncGenerator<CustomerStateRow[]> {
  let after: string | null = null;
  for (;;) {
    let query = adb(storage).selectFrom('customer_state').selectAll().orderBy('customer_id').limit(pageSize);
    if (after !== null) query = query.where('customer_id', '>', after);
    const rows = (await query.execute()) as CustomerStateRow[];
    if (rows.length === 0) return;
    yield rows;
    after = (rows[rows.length - 1] as CustomerStateRow).customer_id;
    if (rows.length < pageSize) return;
  }
}

/** Customers per status in the current state. */
export async function statusCounts(storage: Storage): Promise<Record<string, number>> {
  const rows = await adb(storage)
    .selectFrom('customer_state')
    .select((eb) => ['status', eb.fn.countAll<number | string>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/**
 * Customers who entered one of `statuses` on an as-of day in [from, to] — e.g. newly dormant
 * this month: `enteredStatus(storage, ['early_dormant', 'mid_dormant', 'long_dormant'], '2025-04-01', '2025-04-30')`.
 */
export async function enteredStatus(
  storage: Storage,
  statuses: readonly string[],
  from: string,
  to: string,
): Promise<{ customer_id: string; status: string; entered_at: string }[]> {
  return adb(storage)
    .selectFrom('status_history')
    .select(['customer_id', 'status', 'entered_at'])
    .where('status', 'in', statuses as string[])
    .where('entered_at', '>=', from)
    .where('entered_at', '<=', to)
    .orderBy('entered_at')
    .orderBy('customer_id')
    .execute();
}

/** Status history of one customer, oldest first. */
export async function statusHistory(storage: Storage, customerId: string) {
  return adb(storage)
    .selectFrom('status_history')
    .select(['status', 'entered_at', 'left_at', 'run_id'])
    .where('customer_id', '=', customerId)
    .orderBy('entered_at')
    .orderBy('id')
    .execute();
}

/** The at-risk list head: lowest health first (then longest overdue). */
export async function atRiskHead(storage: Storage, limit: number): Promise<CustomerStateRow[]> {
  return (await adb(storage)
    .selectFrom('customer_state')
    .selectAll()
    .where('status', '=', 'at_risk')
    .orderBy(sql`coalesce(health_score, 101)`)
    .orderBy('overdue_ratio', 'desc')
    .orderBy('customer_id')
    .limit(limit)
    .execute()) as CustomerStateRow[];
}
