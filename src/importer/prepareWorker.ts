/**
 * The preparing worker's thread: reads, checks and resolves the file's rows into whole batches
 * (batchPreparer.ts) and posts each to the importing thread, which writes it. At most
 * PIPELINE_DEPTH batches wait unwritten, so memory stays bounded on a file of any size.
 * Customers are looked up through the worker's own read-only connection to the same SQLite file.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../core/errors.js';
import { prepareBatches } from './batchPreparer.js';
import { packRows } from './importTables.js';
import { SqliteCustomerDirectory } from './importWriters.js';
import { PIPELINE_DEPTH, type WorkerData, type WorkerMessage } from './preparingWorker.js';

const port = parentPort;
if (!port) throw new Error('prepareWorker.ts runs only as a worker thread');
const data = workerData as WorkerData;
let credit = PIPELINE_DEPTH;
let wake: (() => void) | null = null;
port.on('message', (message: unknown) => {
  if (message !== 'more') return;
  credit++;
  const w = wake;
  wake = null;
  w?.();
});
const post = (message: WorkerMessage) => port.postMessage(message);

async function prepare(): Promise<void> {
  // Read-only and without Kysely or migrations: the importing thread opened the file already.
  const sqlite = new BetterSqlite3(data.dbFile, { readonly: true, fileMustExist: true });
  try {
    sqlite.pragma('busy_timeout = 30000');
    const settings = { ...data.settings, now: new Date(data.settings.now) };
    const stream = await prepareBatches(settings, new SqliteCustomerDirectory(sqlite));
    try {
      post({ type: 'header', header: stream.header, warnings: stream.warnings });
      for await (const batch of stream.batches) {
        while (credit === 0) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
        credit--;
        post({ type: 'batch', batch: { ...batch, accepted: packRows(batch.accepted) } });
      }
      post({ type: 'end', ...stream.end() });
    } finally {
      stream.close();
    }
  } finally {
    sqlite.close();
  }
}

prepare()
  .catch((error: unknown) => {
    post({
      type: 'error',
      code: error instanceof AppError ? error.code : null,
      message: error instanceof Error ? error.message : String(error),
    });
  })
  .finally(() => port.close());
