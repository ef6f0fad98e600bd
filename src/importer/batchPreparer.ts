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
import type { ColumnMapping } from '../core/collect/columnMapping.js';
import type { FileFormat } from './fileFormat.js';
import { type BatchRows, IMPORT_TABLES, type StoredValue, storedValues } from './importTables.js';
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
  accepted: BatchRows;
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
  /** The user's column mapping over the alias table (a plain object: it crosses to the worker). */
  columns?: ColumnMapping;
}

/**
 * Opens the file and checks its header (throws AppError before anything is stored when a
 * required column is missing); the batches are read as they are pulled.
 */
export async function prepareBatches(
  settings: PrepareSettings,
  directory: CustomerDirectory,
): Promise<BatchStream> {
  const { kind, path, format, totalBytes, now, batchRows, columns } = settings;
  const source = await openRecordSource(path, format);
  const warnings: string[] = [];
  let mapper: ReturnType<typeof recordMapper>;
  try {
    mapper = recordMapper(kind, source.header, warnings, columns);
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

/** A pending row whose customer is not known yet (not cached, or named by email). */
interface UnresolvedRow {
  /** Its index in the pending columns. */
  at: number;
  row: number;
  /** The customer as the file names it (or as its email resolved), to resolve at flush. */
  customerRef: string | null;
  email: string | null;
  original: readonly string[];
}

/** The accepted and rejected rows of one run, handed out a whole batch at a time. */
class BatchPreparer {
  rowsRead = 0;
  /** The pending accepted rows' stored values, column by column (IMPORT_TABLES order). */
  private columns: StoredValue[][];
  private pendingCount = 0;
  private unresolved: UnresolvedRow[] = [];
  private pendingRejects: RejectedRow[] = [];
  private readonly seen = new SeenIds();
  private readonly customers = new Map<string, string | null>();
  private emailOwners: Map<string, EmailOwner> | null = null;
  private readonly customTypes = new Map<string, number>();
  private readonly table;
  private readonly width: number;
  private readonly idColumn: string;
  private readonly context: { now: Date };

  constructor(
    private readonly kind: ImportKind,
    private readonly directory: CustomerDirectory,
    now: Date,
  ) {
    this.context = { now };
    this.table = IMPORT_TABLES[kind];
    this.width = this.table.columns.length;
    this.idColumn = ID_COLUMN[kind];
    this.columns = this.emptyColumns();
  }

  private emptyColumns(): StoredValue[][] {
    return Array.from({ length: this.width }, (): StoredValue[] => []);
  }

  get pendingRows(): number {
    return this.pendingCount + this.pendingRejects.length;
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
    let customerId: string | null = null;
    if (this.table.needsCustomer) {
      const customerRef = (row as { customer_id: string | null }).customer_id ?? null;
      const email = this.kind === 'events' ? (row as EventRow).email : null;
      // A customer met before is resolved at once (one cache lookup per row); the others wait
      // for one lookup of the whole batch's new customers.
      const cached = customerRef === null ? undefined : this.customers.get(customerRef);
      if (typeof cached === 'string') {
        customerId = cached;
      } else if (customerRef !== null && this.customers.has(customerRef)) {
        const problem = this.customerProblem(customerRef, email);
        this.pendingRejects.push({
          row: source.row,
          columns: [problem.column],
          reasons: [problem.message],
          original,
        });
        return;
      } else {
        this.unresolved.push({ at: this.pendingCount, row: source.row, customerRef, email, original });
      }
    }
    const values = storedValues(this.kind, row as RowByKind[ImportKind], customerId, derivedId);
    const { columns, width } = this;
    for (let c = 0; c < width; c++) (columns[c] as StoredValue[]).push(values[c] ?? null);
    this.pendingCount++;
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
    if (this.pendingCount === 0 && this.pendingRejects.length === 0) return null;
    let columns = this.columns;
    let count = this.pendingCount;
    const unresolved = this.unresolved;
    const rejected = this.pendingRejects;
    this.columns = this.emptyColumns();
    this.pendingCount = 0;
    this.unresolved = [];
    this.pendingRejects = [];
    if (unresolved.length > 0) {
      const customerIds = columns[1] as StoredValue[];
      await this.resolveCustomers(unresolved, customerIds);
      let dropped: Uint8Array | null = null;
      for (const p of unresolved) {
        const id = customerIds[p.at] ?? null;
        if (id !== null) continue;
        const problem = this.customerProblem(p.customerRef, p.email);
        rejected.push({
          row: p.row,
          columns: [problem.column],
          reasons: [problem.message],
          original: p.original,
        });
        dropped ??= new Uint8Array(count);
        dropped[p.at] = 1;
      }
      if (dropped) {
        const kept = dropped;
        columns = columns.map((column) => column.filter((_, r) => kept[r] === 0));
        count = columns[0]?.length ?? 0;
      }
    }
    rejected.sort((a, b) => a.row - b.row);
    return {
      accepted: { count, columns },
      rejected,
      tally: { rows: count + rejected.length, accepted: count, rejected: rejected.length },
      rowsRead: this.rowsRead,
      bytesRead,
    };
  }

  /** Fills the customer_id column of each unresolved row with the stored customer, or null. */
  private async resolveCustomers(batch: UnresolvedRow[], customerIds: StoredValue[]): Promise<void> {
    if (batch.some((p) => p.customerRef === null && p.email !== null)) {
      this.emailOwners ??= await this.directory.emailOwners();
      for (const p of batch) {
        if (p.customerRef !== null || p.email === null) continue;
        const owner = this.emailOwners.get(p.email.normalize('NFKC').trim().toLowerCase());
        if (typeof owner === 'string') p.customerRef = owner;
      }
    }
    if (this.customers.size > MAX_CACHED_CUSTOMERS) this.customers.clear();
    const refs = [
      ...new Set(
        batch
          .map((p) => p.customerRef)
          .filter((ref): ref is string => ref !== null && !this.customers.has(ref)),
      ),
    ];
    if (refs.length > 0) {
      for (const [ref, id] of await this.directory.resolveCustomers(refs)) this.customers.set(ref, id);
    }
    for (const p of batch)
      customerIds[p.at] = p.customerRef === null ? null : (this.customers.get(p.customerRef) ?? null);
  }

  /** Why a row's customer was not found. */
  private customerProblem(
    customerRef: string | null,
    email: string | null,
  ): { column: string; message: string } {
    if (customerRef !== null) {
      return {
        column: 'customer_id',
        message: `unknown customer ${customerRef}: import it with \`mezame import customers\` first (an import of ${this.kind} never creates customers)`,
      };
    }
    const owner = this.emailOwners?.get((email ?? '').normalize('NFKC').trim().toLowerCase());
    if (owner === AMBIGUOUS) {
      return {
        column: 'email',
        message: `the email ${email} belongs to several customers: give customer_id instead`,
      };
    }
    return {
      column: 'email',
      message: `no customer or contact has the email ${email}: give customer_id, or import the customer first`,
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
