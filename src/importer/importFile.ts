/**
 * `importFile`: one file of one kind into storage. Streams the file (any size), maps its header
 * to canonical columns, validates every row, writes rejected rows to FILE.rejected.csv and
 * upserts the accepted ones by external id in whole-batch transactions, counting inserted,
 * updated and unchanged rows exactly. See docs/import.md.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { acceptedHeaders, mapHeader } from '../core/collect/columnAliases.js';
import {
  checkRow,
  type EventRow,
  ID_COLUMN,
  isKnownEventType,
  type RowByKind,
  type RowViolationCode,
  requiredColumnsMissing,
} from '../core/collect/rowSchemas.js';
import { AppError } from '../core/errors.js';
import type { Storage } from '../storage/index.js';
import { detectFileFormat, ENCODING_LABEL } from './fileFormat.js';
import { IMPORT_TABLES, type StoredValues, storedValues } from './importTables.js';
import { AMBIGUOUS, type EmailOwner, type ImportWriter, importWriter } from './importWriters.js';
import { IMPORT_KINDS, type ImportKind, type ImportOptions, type ImportSummary } from './index.js';
import { openRecordSource, type SourceRecord } from './recordSource.js';
import { type RejectedRow, RejectFile } from './rejectFile.js';
import { SeenIds } from './seenIds.js';

/** Rows per transaction: large enough to amortise the commit, small enough to lose little on a crash. */
export const BATCH_ROWS = 10_000;
/** Resolved customer ids kept between batches; beyond this the cache starts again. */
const MAX_CACHED_CUSTOMERS = 2_000_000;

interface PendingRow {
  row: number;
  values: StoredValues;
  /** The customer as the file names it (or as its email resolved), to resolve at flush. */
  customerRef: string | null;
  email: string | null;
  original: readonly string[];
}

interface Violation {
  column: string;
  code: RowViolationCode | 'extra_cells' | 'invalid_json';
  message: string;
}

export async function importFile(
  storage: Storage,
  kind: ImportKind,
  path: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  if (!(IMPORT_KINDS as readonly string[]).includes(kind)) {
    throw new AppError(
      'invalid_input',
      `unknown import kind '${String(kind)}': expected one of ${IMPORT_KINDS.join(', ')}. Nothing was imported.`,
    );
  }
  const format = detectFileFormat(path);
  const totalBytes = statSync(path).size;
  if (totalBytes === 0 || (format.hasBom && totalBytes <= 3)) {
    throw new AppError(
      'invalid_input',
      `${path} is empty: expected a header row naming the columns (${headerHint(kind)}) and one row per record below it. Nothing was imported.`,
    );
  }
  const warnings: string[] = [];
  if (format.encoding !== 'utf-8') warnings.push(`the file was read as ${ENCODING_LABEL[format.encoding]}`);
  const source = await openRecordSource(path, format);
  try {
    const mapper = recordMapper(kind, source.header, warnings);
    const now = options.now ?? new Date();
    const rejectPath = options.rejectFile ?? `${path}.rejected.csv`;
    RejectFile.removeStale(rejectPath);
    const rejects = new RejectFile(rejectPath, source.header ?? ['record']);
    const writer = importWriter(storage, kind);
    const runId = await writer.startRun(kind, path, now.toISOString());
    const run = new ImportRun(kind, writer, runId, rejects, now, options.batchRows ?? BATCH_ROWS);
    try {
      for await (const chunk of source.chunks) {
        for (const record of chunk) {
          const mapped = mapper(record);
          if (mapped === null) continue;
          run.add(record, mapped.record, mapped.violations);
          // Batches hold exactly batchRows rows, so what a crash leaves is easy to reason about.
          if (run.pendingRows >= run.batchRows) {
            await run.flush();
            options.onProgress?.({ rowsRead: run.rowsRead, bytesRead: source.bytesRead(), totalBytes });
          }
        }
      }
      await run.flush();
      options.onProgress?.({ rowsRead: run.rowsRead, bytesRead: totalBytes, totalBytes });
      await writer.finishRun(runId, 'done', new Date().toISOString());
    } catch (error) {
      rejects.close();
      await writer.finishRun(runId, 'failed', new Date().toISOString()).catch(() => undefined);
      throw error;
    }
    warnings.push(...run.warnings());
    if (run.rowsRead === 0) warnings.push('the file has no data rows: nothing to import');
    return {
      kind,
      file: path,
      rows: run.rowsRead,
      accepted: run.accepted,
      rejected: run.rejected,
      inserted: run.counts.inserted,
      updated: run.counts.updated,
      unchanged: run.counts.unchanged,
      rejected_file: rejects.close(),
      warnings,
      encoding: ENCODING_LABEL[format.encoding],
    };
  } finally {
    source.close();
  }
}

function headerHint(kind: ImportKind): string {
  return requiredColumnsMissing(kind, []).join(', ');
}

type MappedRecord = { record: Record<string, unknown>; violations: Violation[] } | null;

/**
 * Turns each source record into a canonical record. Checks the CSV header once (a missing
 * required column refuses the whole file before anything is stored); JSON keys are mapped as met.
 */
function recordMapper(
  kind: ImportKind,
  header: string[] | null,
  warnings: string[],
): (r: SourceRecord) => MappedRecord {
  if (header === null) return jsonMapper(kind, warnings);
  const mapping = mapHeader(kind, header);
  const missing = requiredColumnsMissing(kind, mapping.columns);
  if (missing.length > 0) {
    const needs = missing
      .map((c) => `${c} (or ${acceptedHeaders(kind, c).slice(1, 9).join(', ')})`)
      .join('; ');
    throw new AppError(
      'invalid_input',
      `an import of ${kind} needs the column${missing.length > 1 ? 's' : ''} ${needs}; the header has ${header.map((h) => `'${h}'`).join(', ')}. Nothing was imported.`,
    );
  }
  if (mapping.unknown.length > 0) {
    warnings.push(
      `ignored column${mapping.unknown.length > 1 ? 's' : ''} not used for ${kind}: ${mapping.unknown.join(', ')}`,
    );
  }
  for (const [raw, column] of mapping.repeated) {
    warnings.push(`ignored column '${raw}': an earlier column already fills ${column}`);
  }
  const positions: [number, string][] = [];
  mapping.columns.forEach((column, index) => {
    if (column !== null) positions.push([index, column]);
  });
  const width = header.length;
  return (source) => {
    if (!('cells' in source)) return null;
    const { cells } = source;
    if (isBlank(cells)) return null;
    const record: Record<string, unknown> = {};
    for (const [index, column] of positions) record[column] = cells[index];
    const violations: Violation[] = [];
    if (cells.length > width && cells.slice(width).some((c) => c.trim() !== '')) {
      violations.push({
        column: '',
        code: 'extra_cells',
        message: `the row has ${cells.length} cells but the header has ${width}: a value containing a comma (like 1,200) must be in double quotes`,
      });
    }
    return { record, violations };
  };
}

function isBlank(cells: readonly string[]): boolean {
  if (cells.length === 1) return (cells[0] ?? '').trim() === '';
  for (const cell of cells) if (cell.trim() !== '') return false;
  return true;
}

function jsonMapper(kind: ImportKind, warnings: string[]): (r: SourceRecord) => MappedRecord {
  const keyColumns = new Map<string, string | null>();
  const unknown = new Set<string>();
  const probe = (key: string) => {
    let column = keyColumns.get(key);
    if (column === undefined) {
      column = mapHeader(kind, [key]).columns[0] ?? null;
      keyColumns.set(key, column);
      if (column === null && unknown.size < 50) {
        unknown.add(key);
        warnings.push(`ignored field not used for ${kind}: ${key}`);
      }
    }
    return column;
  };
  return (source) => {
    if ('invalidJson' in source) {
      return { record: {}, violations: [{ column: '', code: 'invalid_json', message: source.invalidJson }] };
    }
    if (!('object' in source)) return null;
    const record: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(source.object)) {
      const column = probe(key);
      if (column !== null && !(column in record)) record[column] = value;
    }
    return { record, violations: [] };
  };
}

/** The accepted and rejected rows of one run, flushed to storage a batch at a time. */
class ImportRun {
  rowsRead = 0;
  accepted = 0;
  rejected = 0;
  readonly counts = { inserted: 0, updated: 0, unchanged: 0 };
  private pending: PendingRow[] = [];
  private pendingRejects: RejectedRow[] = [];
  private readonly seen = new SeenIds();
  private readonly customers = new Map<string, string | null>();
  private emailOwners: Map<string, EmailOwner> | null = null;
  private readonly customTypes = new Map<string, number>();
  private readonly table;
  private readonly idColumn: string;

  constructor(
    private readonly kind: ImportKind,
    private readonly writer: ImportWriter,
    private readonly runId: number,
    private readonly rejects: RejectFile,
    private readonly now: Date,
    readonly batchRows: number,
  ) {
    this.table = IMPORT_TABLES[kind];
    this.idColumn = ID_COLUMN[kind];
  }

  get pendingRows(): number {
    return this.pending.length + this.pendingRejects.length;
  }

  add(source: SourceRecord, record: Record<string, unknown>, violations: Violation[]): void {
    this.rowsRead++;
    const original = 'cells' in source ? source.cells : [source.line];
    const reject = (found: readonly Violation[]) =>
      this.pendingRejects.push({
        row: source.row,
        columns: found.map((v) => v.column),
        reasons: found.map((v) => v.message),
        original,
      });
    if (violations.length > 0) {
      reject(violations);
      return;
    }
    const checked = checkRow(this.kind, record, { now: this.now });
    if (!checked.ok) {
      reject(checked.violations);
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
        reject([
          {
            column: this.idColumn,
            code: 'duplicate_id',
            message: `${this.idColumn} ${id} already appears on row ${earlier}; each id may appear once per file`,
          },
        ]);
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

  async flush(): Promise<void> {
    if (this.pending.length === 0 && this.pendingRejects.length === 0) return;
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
    const counts = await this.writer.writeBatch(this.runId, accepted, {
      rows: accepted.length + rejected.length,
      accepted: accepted.length,
      rejected: rejected.length,
    });
    this.counts.inserted += counts.inserted;
    this.counts.updated += counts.updated;
    this.counts.unchanged += counts.unchanged;
    this.accepted += accepted.length;
    this.rejected += rejected.length;
    rejected.sort((a, b) => a.row - b.row);
    for (const r of rejected) this.rejects.add(r);
    this.rejects.flush();
  }

  /** Fills values[1] (customer_id) of each pending row with the stored customer, or null. */
  private async resolveCustomers(batch: PendingRow[]): Promise<void> {
    if (batch.some((p) => p.customerRef === null && p.email !== null)) {
      this.emailOwners ??= await this.writer.emailOwners();
      for (const p of batch) {
        if (p.customerRef !== null || p.email === null) continue;
        const owner = this.emailOwners.get(p.email.normalize('NFKC').trim().toLowerCase());
        if (typeof owner === 'string') p.customerRef = owner;
      }
    }
    if (this.customers.size > MAX_CACHED_CUSTOMERS) this.customers.clear();
    const unknown = new Set<string>();
    for (const p of batch)
      if (p.customerRef !== null && !this.customers.has(p.customerRef)) unknown.add(p.customerRef);
    if (unknown.size > 0) {
      for (const [ref, id] of await this.writer.resolveCustomers([...unknown])) this.customers.set(ref, id);
    }
    for (const p of batch)
      p.values[1] = p.customerRef === null ? null : (this.customers.get(p.customerRef) ?? null);
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
