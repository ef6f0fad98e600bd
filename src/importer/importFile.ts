/**
 * `importFile`: one file of one kind into storage. Streams the file (any size), maps its header
 * to canonical columns, validates every row, writes rejected rows to FILE.rejected.csv and
 * upserts the accepted ones by external id in whole-batch transactions, counting inserted,
 * updated and unchanged rows exactly. Reading and checking (batchPreparer.ts) runs on a worker
 * thread for a large file into SQLite, so it overlaps with writing. See docs/import.md.
 */
import { statSync } from 'node:fs';
import { requiredColumnsMissing } from '../core/collect/rowSchemas.js';
import { AppError } from '../core/errors.js';
import type { Storage } from '../storage/index.js';
import { type BatchStream, prepareBatches } from './batchPreparer.js';
import { detectFileFormat, ENCODING_LABEL } from './fileFormat.js';
import { importWriter } from './importWriters.js';
import { IMPORT_KINDS, type ImportKind, type ImportOptions, type ImportSummary } from './index.js';
import { prepareInWorker, preparingWorkerFile } from './preparingWorker.js';
import { checkColumnMapping } from './recordMapping.js';
import { RejectFile } from './rejectFile.js';

/** Rows per transaction: large enough to amortise the commit, small enough to lose little on a crash. */
export const BATCH_ROWS = 10_000;

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
  if (options.columns) checkColumnMapping(kind, options.columns);
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
  const now = options.now ?? new Date();
  const settings = {
    kind,
    path,
    format,
    totalBytes,
    now,
    batchRows: options.batchRows ?? BATCH_ROWS,
    ...(options.columns ? { columns: { ...options.columns } } : {}),
  };
  const writer = importWriter(storage, kind);
  const workerFile = preparingWorkerFile(storage, format, totalBytes, options.threads);
  // A missing required column throws here, before a run is recorded or anything stored.
  const stream: BatchStream = workerFile
    ? await prepareInWorker(settings, workerFile)
    : await prepareBatches(settings, writer);
  try {
    warnings.push(...stream.warnings);
    const rejectPath = options.rejectFile ?? `${path}.rejected.csv`;
    RejectFile.removeStale(rejectPath);
    const rejects = new RejectFile(rejectPath, stream.header ?? ['record']);
    const runId = await writer.startRun(kind, path, now.toISOString());
    const counts = { inserted: 0, updated: 0, unchanged: 0 };
    let accepted = 0;
    let rejected = 0;
    let reportedEnd = false;
    try {
      for await (const batch of stream.batches) {
        const written = await writer.writeBatch(runId, batch.accepted, batch.tally);
        counts.inserted += written.inserted;
        counts.updated += written.updated;
        counts.unchanged += written.unchanged;
        accepted += batch.tally.accepted;
        rejected += batch.tally.rejected;
        // Rejected rows are written once their batch is stored, so the file matches the database.
        for (const r of batch.rejected) rejects.add(r);
        rejects.flush();
        reportedEnd = batch.bytesRead >= totalBytes;
        options.onProgress?.({ rowsRead: batch.rowsRead, bytesRead: batch.bytesRead, totalBytes });
      }
      const end = stream.end();
      if (!reportedEnd) options.onProgress?.({ rowsRead: end.rowsRead, bytesRead: totalBytes, totalBytes });
      await writer.finishRun(runId, 'done', new Date().toISOString());
      warnings.push(...end.warnings);
      if (end.rowsRead === 0) warnings.push('the file has no data rows: nothing to import');
      return {
        kind,
        file: path,
        rows: end.rowsRead,
        accepted,
        rejected,
        inserted: counts.inserted,
        updated: counts.updated,
        unchanged: counts.unchanged,
        rejected_file: rejects.close(),
        warnings,
        encoding: ENCODING_LABEL[format.encoding],
      };
    } catch (error) {
      rejects.close();
      await writer.finishRun(runId, 'failed', new Date().toISOString()).catch(() => undefined);
      throw error;
    }
  } finally {
    stream.close();
  }
}

function headerHint(kind: ImportKind): string {
  return requiredColumnsMissing(kind, []).join(', ');
}
