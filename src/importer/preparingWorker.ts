/**
 * The importing thread's side of the preparing worker (prepareWorker.ts): the same BatchStream
 * as an in-thread `prepareBatches`, fed by the worker's messages, so reading and checking the
 * next batch overlaps with writing this one. Whether a worker is worth starting is decided by
 * `preparingWorkerFile`.
 */
import { Worker } from 'node:worker_threads';
import { AppError, type AppErrorCode } from '../core/errors.js';
import type { Storage } from '../storage/index.js';
import type { BatchStream, PreparedBatch, PrepareSettings } from './batchPreparer.js';
import type { FileFormat } from './fileFormat.js';
import { type PackedRows, unpackRows } from './importTables.js';

/** Prepared batches that may wait unwritten (memory bound: about this many batches). */
export const PIPELINE_DEPTH = 2;
/** Below this size a worker's start (≈ 0.1–0.3 s) costs more than it saves. */
const MIN_WORKER_BYTES = 8 << 20;

export interface WorkerData {
  dbFile: string;
  settings: Omit<PrepareSettings, 'now'> & { now: string };
}

export type WorkerMessage =
  | { type: 'header'; header: string[] | null; warnings: string[] }
  /** The accepted rows packed (packRows): cheap to clone between threads. */
  | { type: 'batch'; batch: Omit<PreparedBatch, 'accepted'> & { accepted: PackedRows } }
  | { type: 'end'; rowsRead: number; warnings: string[] }
  | { type: 'error'; code: AppErrorCode | null; message: string };

/**
 * The SQLite file a preparing worker can read customers from, or null to prepare in-thread:
 * PostgreSQL, an in-memory database, a JSON array (read whole anyway), a small file, or
 * `threads: false`. `threads: true` starts the worker whatever the file's size.
 */
export function preparingWorkerFile(
  storage: Storage,
  format: FileFormat,
  totalBytes: number,
  threads: boolean | undefined,
): string | null {
  if (threads === false || !storage.sqlite || format.layout === 'json') return null;
  const file = storage.sqlite.name;
  if (file === '' || file === ':memory:' || storage.sqlite.memory) return null;
  if (threads !== true && totalBytes < MIN_WORKER_BYTES) return null;
  return file;
}

export async function prepareInWorker(settings: PrepareSettings, dbFile: string): Promise<BatchStream> {
  const data: WorkerData = { dbFile, settings: { ...settings, now: settings.now.toISOString() } };
  const worker = new Worker(new URL('./prepareWorkerBoot.mjs', import.meta.url), {
    workerData: { ...data, entry: new URL('./prepareWorker.ts', import.meta.url).href },
  });
  const queue: WorkerMessage[] = [];
  let failure: Error | null = null;
  let exited = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', (message: WorkerMessage) => {
    queue.push(message);
    notify();
  });
  worker.on('error', (error) => {
    failure = error;
    notify();
  });
  worker.on('exit', () => {
    exited = true;
    notify();
  });
  const next = async (): Promise<WorkerMessage> => {
    for (;;) {
      const message = queue.shift();
      if (message) {
        if (message.type === 'error') {
          throw message.code ? new AppError(message.code, message.message) : new Error(message.message);
        }
        return message;
      }
      if (failure) throw failure;
      if (exited) throw new Error('the import worker stopped before the end of the file');
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  };
  const close = () => {
    void worker.terminate();
  };
  let first: WorkerMessage;
  try {
    first = await next();
  } catch (error) {
    close();
    throw error;
  }
  if (first.type !== 'header') {
    close();
    throw new Error(`the import worker sent ${first.type} before the header`);
  }
  let ending: { rowsRead: number; warnings: string[] } | null = null;
  async function* batches(): AsyncGenerator<PreparedBatch> {
    for (;;) {
      const message = await next();
      if (message.type === 'end') {
        ending = { rowsRead: message.rowsRead, warnings: message.warnings };
        return;
      }
      if (message.type !== 'batch') throw new Error(`the import worker sent ${message.type} mid-file`);
      yield { ...message.batch, accepted: unpackRows(message.batch.accepted) };
      // Written: the worker may prepare one more.
      worker.postMessage('more');
    }
  }
  return {
    header: first.header,
    warnings: first.warnings,
    batches: batches(),
    end: () => {
      if (!ending) throw new Error('the import worker has not reached the end of the file');
      return ending;
    },
    close,
  };
}
