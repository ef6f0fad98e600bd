/**
 * The reading half of an import: source records → checked rows → whole batches ready to store
 * (accepted values, rejected rows with their reasons, the batch's tally). Customer references are
 * resolved here, so a batch only needs to be written. Runs in the importing thread, or in the
 * preparing worker (prepareWorker.ts) while the importing thread writes the previous batch.
 */
import { createHash } from 'node:crypto';
import {
  checkRow,
  type EventRow,
  ID_COLUMN,
  isKnownEventType,
  type RowByKind,
} from '../core/collect/rowSchemas.js';
import type { FileFormat } from './fileFormat.js';
import { IMPORT_TABLES, type StoredValues, storedValues } from './importTables.js';
import { AMBIGUOUS, type BatchTally, type EmailOwner, type ImportWriter } from './importWriters.js';
import type { ImportKind } from './index.js';
import { recordMapper, type Violation } from './recordMapping.js';
import { openRecordSource, type SourceRecord } from './recordSource.js';
import type { RejectedRow } from './rejectFile.js';
import { SeenIds } from './seenIds.js';

/** Resolved customer ids kept between batches; beyond this the cache starts again. */
const MAX_CACHED_CUSTOMERS = 2_000_000;

/** Where customer references are looked up: the writer of the import, or a reading connection. */
export type CustomerDirectory = Pick<ImportWriter, 'resolveCustomers' | 'emailOwners'>;

/** One batch ready to store; `rejected` is in row order. */
export interface PreparedBatch {
  accepted: StoredValues[];
  rejected: RejectedRow[];
  tally: BatchTally;
  /** Rows read so far in the file, and bytes, for progress. */
  rowsRead: number;
  bytesRead: number;
}

/** The prepared batches of one file, after its header has been accepted. */
export interface BatchStream {
  header: string[] | null;
  /** Warnings known from the header (ignored columns). */
  warnings: string[];
  batches: AsyncGenerator<PreparedBatch>;
  /** After the last batch: rows read and the run's own warnings (custom event types). */
  end(): { rowsRead: number; warnings: string[] };
  close(): void;
}

export interface PrepareSettings {
  kind: ImportKind;
  path: string;
  format: FileFormat;
  totalBytes: number;
  now: Date;
  batchRows: number;
}

/**
 * Opens the file and checks its header (throws AppError before anything is stored when a
 * required column is missing); the batches are read as they are pulled.
 */
export async function prepareBatches(
  settings: PrepareSettings,
  directory: CustomerDirectory,
): Promise<BatchStream> {
  const { kind, path, format, totalBytes, now, batchRows } = settings;
  const source = await openRecordSource(path, format);
  const warnings: string[] = [];
  let mapper: ReturnType<typeof recordMapper>;
  try {
    mapper = recordMapper(kind, source.header, warnings);
  } catch (error) {
    source.close();
    throw error;
  }
  const preparer = new BatchPreparer(kind, directory, now);
  async function* batches(): AsyncGenerator<PreparedBatch> {
    for await (const chunk of source.chunks) {
      for (const record of chunk) {
        const mapped = mapper(record);
        if (mapped === null) continue;
        preparer.add(record, mapped.record, mapped.violations);
        // Batches hold exactly batchRows rows, so what a crash leaves is easy to reason about.
        if (preparer.pendingRows >= batchRows) {
          const batch = await preparer.take(source.bytesRead());
          if (batch) yield batch;
        }
      }
    }
    const last = await preparer.take(totalBytes);
    if (last) yield last;
  }
  return {
    header: source.header,
    warnings,
    batches: batches(),
    end: () => ({ rowsRead: preparer.rowsRead, warnings: preparer.warnings() }),
    close: () => source.close(),
  };
}

interface PendingRow {
  row: number;
  values: StoredValues;
  /** The customer as the file names it (or as its email resolved), to resolve at flush. */
  customerRef: string | null;
  email: string | null;
  original: readonly string[];
}

/** The accepted and rejected rows of one run, handed out a whole batch at a time. */
class BatchPreparer {
  rowsRead = 0;
  private pending: PendingRow[] = [];
  private pendingRejects: RejectedRow[] = [];
  private readonly seen = new SeenIds();
  private readonly customers = new Map<string, string | null>();
  private emailOwners: Map<string, EmailOwner> | null = null;
  private readonly customTypes = new Map<string, number>();
  private readonly table;
  private readonly idColumn: string;
  private readonly context: { now: Date };

  constructor(
    private readonly kind: ImportKind,
    private readonly directory: CustomerDirectory,
    now: Date,
  ) {
    this.context = { now };
    this.table = IMPORT_TABLES[kind];
    this.idColumn = ID_COLUMN[kind];
  }

  get pendingRows(): number {
    return this.pending.length + this.pendingRejects.length;
  }

  add(source: SourceRecord, record: Record<string, unknown>, violations: Violation[]): void {
    this.rowsRead++;
    const original = 'cells' in source ? source.cells : [source.line];
    if (violations.length > 0) {
      this.reject(source.row, violations, original);
      return;
    }
    const checked = checkRow(this.kind, record, this.context);
    if (!checked.ok) {
      this.reject(source.row, checked.violations, original);
      return;
    }
    const row = checked.row;
    let id = (row as Record<string, unknown>)[this.idColumn] as string | null;
    let derivedId: string | null = null;
    if (id === null) {
      // An event without event_id gets an id from its content, so importing it again finds it.
      derivedId = this.deriveEventId(row as EventRow, source.row);
      id = derivedId;
    } else {
      const earlier = this.seen.firstRowOf(id, source.row);
      if (earlier !== 0) {
        this.reject(
          source.row,
          [
            {
              column: this.idColumn,
              code: 'duplicate_id',
              message: `${this.idColumn} ${id} already appears on row ${earlier}; each id may appear once per file`,
            },
          ],
          original,
        );
        return;
      }
    }
    if (this.kind === 'events') {
      const type = (row as EventRow).type;
      if (!isKnownEventType(type)) this.customTypes.set(type, (this.customTypes.get(type) ?? 0) + 1);
    }
    const customerRef = this.table.needsCustomer
      ? ((row as { customer_id: string | null }).customer_id ?? null)
      : null;
    const email = this.kind === 'events' ? (row as EventRow).email : null;
    this.pending.push({
      row: source.row,
      values: storedValues(this.kind, row as RowByKind[ImportKind], customerRef, derivedId),
      customerRef,
      email,
      original,
    });
  }

  private reject(row: number, found: readonly Violation[], original: readonly string[]): void {
    this.pendingRejects.push({
      row,
      columns: found.map((v) => v.column),
      reasons: found.map((v) => v.message),
      original,
    });
  }

  private deriveEventId(row: EventRow, rowNumber: number): string {
    const content = [
      row.customer_id ?? '',
      row.email?.toLowerCase() ?? '',
      row.type,
      row.occurred_at,
      row.channel,
      row.campaign,
      row.url,
      row.text,
      row.value,
      row.properties,
    ]
      .map((v) => (v === null ? '' : String(v)))
      .join('\u001f');
    // Identical events in one file are distinct occurrences: the n-th copy gets its own id.
    for (let occurrence = 1; ; occurrence++) {
      const hash = createHash('sha256')
        .update(occurrence === 1 ? content : `${content}\u001f${occurrence}`)
        .digest('hex');
      const id = `ev_${hash.slice(0, 32)}`;
      if (this.seen.firstRowOf(id, rowNumber) === 0) return id;
    }
  }

  /** The pending rows as one batch (customers resolved), or null when nothing is pending. */
  async take(bytesRead: number): Promise<PreparedBatch | null> {
    if (this.pending.length === 0 && this.pendingRejects.length === 0) return null;
    const batch = this.pending;
    const rejected = this.pendingRejects;
    this.pending = [];
    this.pendingRejects = [];
    const accepted: StoredValues[] = [];
    if (this.table.needsCustomer) {
      await this.resolveCustomers(batch);
      for (const p of batch) {
        const problem = this.customerProblem(p);
        if (problem) {
          rejected.push({
            row: p.row,
            columns: [problem.column],
            reasons: [problem.message],
            original: p.original,
          });
          continue;
        }
        accepted.push(p.values);
      }
    } else {
      for (const p of batch) accepted.push(p.values);
    }
    rejected.sort((a, b) => a.row - b.row);
    return {
      accepted,
      rejected,
      tally: {
        rows: accepted.length + rejected.length,
        accepted: accepted.length,
        rejected: rejected.length,
      },
      rowsRead: this.rowsRead,
      bytesRead,
    };
  }

  /** Fills values[1] (customer_id) of each pending row with the stored customer, or null. */
  private async resolveCustomers(batch: PendingRow[]): Promise<void> {
    if (batch.some((p) => p.customerRef === null && p.email !== null)) {
      this.emailOwners ??= await this.directory.emailOwners();
      for (const p of batch) {
        if (p.customerRef !== null || p.email === null) continue;
        const owner = this.emailOwners.get(p.email.normalize('NFKC').trim().toLowerCase());
        if (typeof owner === 'string') p.customerRef = owner;
      }
    }
    if (this.customers.size > MAX_CACHED_CUSTOMERS) this.customers.clear();
    // One cache lookup per row; only the rows naming a customer not cached yet are visited again.
    const unknown: PendingRow[] = [];
    for (const p of batch) {
      if (p.customerRef === null) {
        p.values[1] = null;
        continue;
      }
      const id = this.customers.get(p.customerRef);
      if (id !== undefined) p.values[1] = id;
      else if (this.customers.has(p.customerRef)) p.values[1] = null;
      else unknown.push(p);
    }
    if (unknown.length === 0) return;
    const refs = [...new Set(unknown.map((p) => p.customerRef as string))];
    for (const [ref, id] of await this.directory.resolveCustomers(refs)) this.customers.set(ref, id);
    for (const p of unknown) p.values[1] = this.customers.get(p.customerRef as string) ?? null;
  }

  private customerProblem(p: PendingRow): { column: string; message: string } | null {
    if (p.values[1] !== null) return null;
    if (p.customerRef !== null) {
      return {
        column: 'customer_id',
        message: `unknown customer ${p.customerRef}: import it with \`mezame import customers\` first (an import of ${this.kind} never creates customers)`,
      };
    }
    const owner = this.emailOwners?.get((p.email ?? '').normalize('NFKC').trim().toLowerCase());
    if (owner === AMBIGUOUS) {
      return {
        column: 'email',
        message: `the email ${p.email} belongs to several customers: give customer_id instead`,
      };
    }
    return {
      column: 'email',
      message: `no customer or contact has the email ${p.email}: give customer_id, or import the customer first`,
    };
  }

  warnings(): string[] {
    const out: string[] = [];
    if (this.customTypes.size > 0) {
      const list = [...this.customTypes].map(([type, n]) => `${type} (${n})`).join(', ');
      out.push(`custom event types stored as given, which the analysis does not read: ${list}`);
    }
    return out;
  }
}
