/**
 * The parallel half of `mezame analyze` on a SQLite file: the customers are cut into chunks
 * of consecutive customer_ids, dealt round-robin to the worker threads (analysisWorker.ts),
 * each reading through its own connection to the file (WAL lets readers run beside the
 * writer). The main thread merges the fit inputs in chunk order, fits once, hands the peer
 * cycles and the parameters back, then writes the rows the workers decide in chunk order —
 * so in customer_id order — and merges the tallies. A worker decides at most CREDIT chunks
 * ahead of the writer, so memory stays bounded. The result is the sequential run's, row for row.
 */
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { PeerCycles } from '../core/detect/purchaseCycle.js';
import { AppError, type AppErrorCode } from '../core/errors.js';
import type { Storage } from '../storage/index.js';
import { FitInputs, type FitParams, type PackedFitInputs, type TallyData } from './decideCustomers.js';
import type { DiagnosisPlan, DiagnosisTally, PlacedFlag } from './diagnoseAndPrioritise.js';
import type { PackedEpisodes } from './pastEpisodeChunks.js';

export interface AnalysisWorkerData {
  dbFile: string;
  asOf: string;
  runId: number;
  previousRunId: number | null;
  /** First customer_id of every chunk, in order; a chunk ends where the next begins. */
  chunkStarts: string[];
  /** This worker's chunks are worker, worker + workers, … */
  worker: number;
  workers: number;
}

type ErrorMessage = { type: 'error'; code: AppErrorCode | null; message: string };
export type WorkerMessage =
  | {
      type: 'aggregated';
      chunk: number;
      customers: number;
      fitInputs: PackedFitInputs;
      episodes: PackedEpisodes;
    }
  | ErrorMessage;
/** A decided chunk; with a diagnosis plan, its diagnosed customers' columns are filled in too. */
export interface DecidedChunk {
  values: unknown[][];
  previousStatus: (string | null)[];
  tally: TallyData;
  /** Diagnosed customers of the chunk, their counts, and flags placed among them. */
  diagnosis: { tally: DiagnosisTally; flags: PlacedFlag[] } | null;
}
export type RowsMessage = ({ type: 'rows' } & DecidedChunk) | ErrorMessage;
export interface DecideMessage {
  type: 'decide';
  peers: PeerCycles;
  params: FitParams | null;
  /** Diagnose the at-risk, dormant and lost customers of each chunk too. */
  diagnosis: DiagnosisPlan | null;
}

/** Chunks a worker may decide ahead of the writer. */
export const CREDIT = 1;

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
  /**
   * Pass 1 of every chunk, merged in customer_id order: the fit inputs, and each chunk's past
   * dormant episodes (of the orders from its first customer_id to the next chunk's).
   */
  aggregate(
    onProgress: (done: number) => void,
  ): Promise<{ customers: number; fitInputs: FitInputs; episodes: PackedEpisodes[] }>;
  /** Pass 2: each chunk's rows and tally (and diagnosis, given a plan), in customer_id order. */
  decide(
    peers: PeerCycles,
    params: FitParams | null,
    diagnosis: DiagnosisPlan | null,
  ): AsyncGenerator<DecidedChunk>;
  close(): Promise<void>;
}

/**
 * Cuts the customers into chunks of `chunkSize` and starts `count` workers on them.
 */
export async function startAnalysisWorkers(
  storage: Storage,
  dbFile: string,
  count: number,
  chunkSize: number,
  settings: Omit<AnalysisWorkerData, 'dbFile' | 'chunkStarts' | 'worker' | 'workers'>,
): Promise<AnalysisWorkers> {
  const sqlite = storage.sqlite;
  if (!sqlite) throw new Error('analysis workers need a SQLite database');
  const chunkStarts: string[] = [];
  let n = 0;
  for (const id of sqlite
    .prepare('SELECT customer_id FROM customers WHERE +merged_into IS NULL ORDER BY customer_id')
    .pluck()
    .iterate() as IterableIterator<string>) {
    if (n++ % chunkSize === 0) chunkStarts.push(id);
  }
  const running: RunningWorker[] = [];
  const workers = Math.min(count, Math.max(chunkStarts.length, 1));
  // A worker holds ≈ 750 bytes per customer of its share between the passes; pass 2 makes
  // garbage fast (evidence, rows, JSON), and an unbounded heap let it pile up to ≈ 1 GB per
  // worker. Bounded at 1.5 kB per customer (at least 768 MB: twice what it holds), the heaps collect sooner
  // and the whole analysis stays under 2 GB at a million customers.
  const heapMb = Math.max(768, Math.ceil(((n / workers) * 1_500) / 1e6));
  for (let k = 0; k < workers; k++) {
    const { port1, port2 } = new MessageChannel();
    const data: AnalysisWorkerData = { ...settings, dbFile, chunkStarts, worker: k, workers: count };
    const worker = new Worker(new URL('./analysisWorkerBoot.mjs', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
      workerData: { ...data, rowsPort: port2, entry: new URL('./analysisWorker.ts', import.meta.url).href },
      transferList: [port2],
    });
    const w: RunningWorker = { worker, messages: new Inbox(), rowsPort: port1, rows: new Inbox() };
    worker.on('message', (m: WorkerMessage) => w.messages.push(m));
    port1.on('message', (m: RowsMessage) => w.rows.push(m));
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
  const workerOf = (chunk: number) => running[chunk % running.length] as RunningWorker;

  return {
    async aggregate(onProgress) {
      const fitInputs = new FitInputs(settings.asOf);
      const episodes: PackedEpisodes[] = [];
      let customers = 0;
      for (let chunk = 0; chunk < chunkStarts.length; chunk++) {
        const m = await workerOf(chunk).messages.next();
        if (m.type === 'error') throw asError(m);
        if (m.chunk !== chunk) throw new Error(`analysis worker sent chunk ${m.chunk}, expected ${chunk}`);
        fitInputs.addPacked(m.fitInputs);
        episodes.push(m.episodes);
        customers += m.customers;
        onProgress(customers);
      }
      return { customers, fitInputs, episodes };
    },

    async *decide(peers, params, diagnosis) {
      const order: DecideMessage = { type: 'decide', peers, params, diagnosis };
      for (const w of running) w.worker.postMessage(order);
      for (let chunk = 0; chunk < chunkStarts.length; chunk++) {
        const w = workerOf(chunk);
        const m = await w.rows.next();
        if (m.type === 'error') throw asError(m);
        w.worker.postMessage('more');
        yield m;
      }
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
