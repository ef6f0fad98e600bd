/**
 * Uploaded imports running in this server process. The upload is streamed to a file, then
 * handed to the importer; the browser polls the job for progress. Jobs live in memory (the
 * rows themselves are in import_batches), so a restart forgets progress, not data.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ColumnMapping } from '../core/collect/columnMapping.js';
import { AppError } from '../core/errors.js';
import type { ImportKind, ImportProgress, ImportSummary } from '../importer/index.js';
import { recordAudit } from '../storage/accountQueries.js';
import type { Storage } from '../storage/index.js';

export interface ImportJob {
  id: string;
  kind: ImportKind;
  fileName: string;
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  startedBy: string;
  progress: ImportProgress | null;
  summary: ImportSummary | null;
  error: string | null;
  uploadPath: string;
  rejectPath: string;
  /** The user's column mapping over the alias table, if any. */
  columns: ColumnMapping | null;
  done: Promise<void>;
}

const KEPT_JOBS = 50;

/** File name for display and for the upload on disk: no directories, no control characters. */
export function safeFileName(raw: string | undefined, kind: string): string {
  let name = raw ?? '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // keep the raw header value
  }
  name = basename(name.replace(/\\/g, '/'))
    .replace(/[^\p{L}\p{N}._ -]/gu, '_')
    .slice(0, 120);
  return name === '' || name.startsWith('.') ? `${kind}.csv` : name;
}

export class ImportJobs {
  private readonly jobs = new Map<string, ImportJob>();

  constructor(
    private readonly storage: Storage,
    private readonly uploadDir: string,
    private readonly maxUploadBytes: number,
    /** Called when an import has changed data (to drop cached counts). */
    private readonly onDataChanged: () => void = () => undefined,
  ) {}

  get(id: string): ImportJob | undefined {
    return this.jobs.get(id);
  }

  list(): ImportJob[] {
    return [...this.jobs.values()].reverse();
  }

  /** Saves the upload and starts the import; resolves once the upload is on disk. */
  async start(options: {
    kind: ImportKind;
    fileName: string;
    body: Readable;
    actor: string;
    now: Date;
    clock: () => Date;
    columns?: ColumnMapping;
  }): Promise<ImportJob> {
    if (this.list().some((j) => j.status === 'running')) {
      throw new AppError('conflict', 'Another import is running; wait for it to finish.');
    }
    mkdirSync(this.uploadDir, { recursive: true, mode: 0o700 });
    const id = randomUUID();
    const uploadPath = join(this.uploadDir, `${id}-${options.fileName}`);
    try {
      await this.saveUpload(options.body, uploadPath);
    } catch (error) {
      rmSync(uploadPath, { force: true });
      throw error;
    }
    const job: ImportJob = {
      id,
      kind: options.kind,
      fileName: options.fileName,
      status: 'running',
      startedAt: options.now.toISOString(),
      finishedAt: null,
      startedBy: options.actor,
      progress: null,
      summary: null,
      error: null,
      uploadPath,
      rejectPath: `${uploadPath}.rejected.csv`,
      columns: options.columns ?? null,
      done: Promise.resolve(),
    };
    this.jobs.set(id, job);
    this.forgetOldJobs();
    job.done = this.run(job, options.clock);
    return job;
  }

  private async saveUpload(body: Readable, path: string): Promise<void> {
    let bytes = 0;
    const limit = this.maxUploadBytes;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        if (bytes > limit) callback(new AppError('invalid_input', `The file is larger than ${limit} bytes.`));
        else callback(null, chunk);
      },
    });
    const writer = createWriteStream(path, { mode: 0o600 });
    try {
      await pipeline(body, counter, writer);
    } catch (error) {
      // The file may still be opening; wait for it to close so the caller can remove it.
      if (!writer.closed) await new Promise<void>((resolve) => writer.once('close', () => resolve()));
      throw error;
    }
    if (bytes === 0) throw new AppError('invalid_input', 'body: the uploaded file is empty.');
  }

  private async run(job: ImportJob, clock: () => Date): Promise<void> {
    try {
      const importer = await import('../importer/index.js').catch((error: unknown) => {
        throw new AppError('not_available', 'The importer is not available in this build.', { cause: error });
      });
      const summary = await importer.importFile(this.storage, job.kind, job.uploadPath, {
        rejectFile: job.rejectPath,
        ...(job.columns ? { columns: job.columns } : {}),
        onProgress: (progress: ImportProgress) => {
          job.progress = progress;
        },
      });
      job.summary = { ...summary, file: job.fileName };
      job.status = 'done';
    } catch (error) {
      job.status = 'failed';
      // An importer AppError carries a message meant for the user; anything else does not.
      job.error = error instanceof AppError ? error.message : 'The import failed; see the server log.';
      if (!(error instanceof AppError)) throw error;
    } finally {
      this.onDataChanged();
      job.finishedAt = clock().toISOString();
      await recordAudit(this.storage, {
        at: job.finishedAt,
        actor: job.startedBy,
        action: 'import.run',
        entity: 'import',
        entityId: job.id,
        details: {
          kind: job.kind,
          file: job.fileName,
          columns: job.columns,
          status: job.status,
          summary: job.summary,
          error: job.error,
        },
      }).catch(() => undefined);
    }
  }

  private forgetOldJobs(): void {
    const finished = [...this.jobs.values()].filter((j) => j.status !== 'running');
    for (const job of finished.slice(0, Math.max(0, this.jobs.size - KEPT_JOBS))) this.jobs.delete(job.id);
  }
}

/** What the API shows of a job. */
export function publicJob(job: ImportJob) {
  return {
    id: job.id,
    kind: job.kind,
    file: job.fileName,
    status: job.status,
    started_at: job.startedAt,
    finished_at: job.finishedAt,
    started_by: job.startedBy,
    progress: job.progress,
    summary: job.summary,
    error: job.error,
    has_rejects: (job.summary?.rejected ?? 0) > 0,
  };
}
