/**
 * The parallel half of `mezame analyze` on a SQLite file: the customers are split into
 * contiguous customer_id ranges, one per worker thread (analysisWorker.ts), each reading its
 * range through its own read-only use of the file (WAL lets readers run beside the writer).
 * The main thread merges the fit inputs in range order, fits once, hands the peer cycles and
 * the parameters back, then writes the rows the workers decide — range by range, in
 * customer_id order, while the later ranges are still being decided — and merges the tallies.
 * The result is the sequential run's, row for row.
 */
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { PreviousState } from '../core/detect/lifecycleStatus.js';
import type { PeerCycles } from '../core/detect/purchaseCycle.js';
import { AppError, type AppErrorCode } from '../core/errors.js';
import type { CustomerStateRow } from '../storage/analysisQueries.js';
import type { Storage } from '../storage/index.js';
import { FitInputs, type FitParams, type PackedFitInputs, type TallyData } from './decideCustomers.js';

export interface AnalysisWorkerData {
  dbFile: string;
  asOf: string;
  runId: number;
  previousRunId: number | null;
  /** customer_id range: from inclusive, to exclusive (null: open). */
  from: string | null;
  to: string | null;
  batchSize: number | undefined;
  chunkSize: number;
}

type ErrorMessage = { type: 'error'; code: AppErrorCode | null; message: string };
export type WorkerMessage =
  | { type: 'progress'; done: number }
  | { type: 'aggregated'; customers: number; fitInputs: PackedFitInputs }
  | ErrorMessage;
export type RowsMessage =
  | { type: 'rows'; rows: CustomerStateRow[]; previous: Map<string, PreviousState> }
  | { type: 'done'; tally: TallyData }
  | ErrorMessage;
export interface DecideMessage {
  type: 'decide';
  peers: PeerCycles;
  params: FitParams | null;
}

/** Customers below which a run stays on one thread (starting workers costs ≈ 1 s). */
export const MIN_CUSTOMERS_FOR_WORKERS = 100_000;

/** The SQLite file workers can open, or null when the run stays on the main thread. */
export function workerDatabaseFile(storage: Storage): string | null {
  if (!storage.sqlite || storage.sqlite.memory) return null;
  const file = storage.sqlite.name;
  return file === '' || file === ':memory:' ? null : file;
}

/** A queue of one port's messages; `next()` waits for the next one. */
class Inbox<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | null = null;
  private failure: Error | null = null;

  push(item: T): void {
    this.items.push(item);
    this.notify();
  }
  fail(error: Error): void {
    this.failure ??= error;
    this.notify();
  }
  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
  async next(): Promise<T> {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) return item;
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}

function asError(message: ErrorMessage): Error {
  return message.code ? new AppError(message.code, message.message) : new Error(message.message);
}

interface RunningWorker {
  worker: Worker;
  messages: Inbox<WorkerMessage>;
  rowsPort: MessagePort;
  rows: Inbox<RowsMessage>;
}

export interface AnalysisWorkers {
  /** Pass 1 of every range, merged in customer_id order. */
  aggregate(onProgress: (done: number) => void): Promise<{ customers: number; fitInputs: FitInputs }>;
  /** Pass 2: the decided rows in customer_id order, then each range's tally (in order). */
  decide(
    peers: PeerCycles,
    params: FitParams | null,
  ): AsyncGenerator<{ rows: CustomerStateRow[]; previous: Map<string, PreviousState> }, TallyData[]>;
  close(): Promise<void>;
}

/**
 * Splits the customers into `count` ranges of equal size and starts a worker on each.
 */
export async function startAnalysisWorkers(
  storage: Storage,
  dbFile: string,
  count: number,
  settings: Omit<AnalysisWorkerData, 'dbFile' | 'from' | 'to'>,
): Promise<AnalysisWorkers> {
  const sqlite = storage.sqlite;
  if (!sqlite) throw new Error('analysis workers need a SQLite database');
  const total = (
    sqlite.prepare('SELECT count(*) AS n FROM customers WHERE merged_into IS NULL').get() as { n: number }
  ).n;
  const boundary = sqlite.prepare(
    'SELECT customer_id FROM customers WHERE merged_into IS NULL ORDER BY customer_id LIMIT 1 OFFSET ?',
  );
  const cuts: string[] = [];
  for (let k = 1; k < count; k++) {
    const row = boundary.get(Math.floor((total * k) / count)) as { customer_id: string } | undefined;
    if (row && (cuts.length === 0 || row.customer_id > (cuts[cuts.length - 1] as string))) {
      cuts.push(row.customer_id);
    }
  }
  const running: RunningWorker[] = [];
  for (let k = 0; k <= cuts.length; k++) {
    const { port1, port2 } = new MessageChannel();
    const data: AnalysisWorkerData = {
      ...settings,
      dbFile,
      from: k === 0 ? null : (cuts[k - 1] as string),
      to: k === cuts.length ? null : (cuts[k] as string),
    };
    const worker = new Worker(new URL('./analysisWorkerBoot.mjs', import.meta.url), {
      workerData: { ...data, rowsPort: port2, entry: new URL('./analysisWorker.ts', import.meta.url).href },
      transferList: [port2],
    });
    const w: RunningWorker = { worker, messages: new Inbox(), rowsPort: port1, rows: new Inbox() };
    worker.on('message', (m: WorkerMessage) => w.messages.push(m));
    const fail = (error: Error) => {
      w.messages.fail(error);
      w.rows.fail(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`an analysis worker stopped (exit code ${code})`));
    });
    running.push(w);
  }

  return {
    async aggregate(onProgress) {
      const done = new Array<number>(running.length).fill(0);
      const parts = await Promise.all(
        running.map(async (w, k) => {
          for (;;) {
            const m = await w.messages.next();
            if (m.type === 'error') throw asError(m);
            if (m.type === 'aggregated') return m;
            done[k] = m.done;
            onProgress(done.reduce((s, v) => s + v, 0));
          }
        }),
      );
      const fitInputs = new FitInputs(settings.asOf);
      let customers = 0;
      for (const part of parts) {
        fitInputs.addPacked(part.fitInputs);
        customers += part.customers;
      }
      return { customers, fitInputs };
    },

    async *decide(peers, params) {
      const order: DecideMessage = { type: 'decide', peers, params };
      for (const w of running) w.worker.postMessage(order);
      const tallies: TallyData[] = [];
      for (const w of running) {
        // Start listening only now: until then the range's rows wait serialised in the port.
        w.rowsPort.on('message', (m: RowsMessage) => w.rows.push(m));
        for (;;) {
          const m = await w.rows.next();
          if (m.type === 'error') throw asError(m);
          if (m.type === 'done') {
            tallies.push(m.tally);
            break;
          }
          yield m;
        }
        w.rowsPort.close();
      }
      return tallies;
    },

    async close() {
      await Promise.all(
        running.map(async (w) => {
          w.rowsPort.close();
          await w.worker.terminate();
        }),
      );
    },
  };
}
