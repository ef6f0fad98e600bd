/**
 * One analysis worker's thread (started by analysisWorkers.ts): aggregates the customers of
 * its customer_id range through its own connection to the SQLite file, hands the fit inputs
 * (BG/NBD histogram, peer samples) to the main thread, waits for the global peer cycles and
 * BG/NBD parameters, then decides its customers chunk by chunk and posts the rows to store on
 * its own port. The main thread writes them and merges the tallies in range order.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { CustomerAggregate } from '../core/detect/customerFeatures.js';
import type { PeerCycles } from '../core/detect/purchaseCycle.js';
import { AppError } from '../core/errors.js';
import { previousStates } from '../storage/analysisQueries.js';
import { customerAggregates } from '../storage/detectionQueries.js';
import { openStorage } from '../storage/index.js';
import type { AnalysisWorkerData, DecideMessage, RowsMessage, WorkerMessage } from './analysisWorkers.js';
import { decideChunk, FitInputs, type FitParams, RunTally } from './decideCustomers.js';
import { detectModels } from './detectModels.js';

const parent = parentPort;
if (!parent) throw new Error('analysisWorker.ts runs only as a worker thread');
const data = workerData as AnalysisWorkerData & { rowsPort: MessagePort };
const rowsPort = data.rowsPort;
const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => parent.postMessage(message, transfer);
const postRows = (message: RowsMessage) => rowsPort.postMessage(message);

const decideOrder = new Promise<DecideMessage>((resolve) => {
  parent.once('message', (m: DecideMessage) => resolve(m));
});

async function analyse(): Promise<void> {
  const storage = await openStorage({ dbFile: data.dbFile, migrate: false });
  try {
    const { settings } = await detectModels.loadSettings(storage);
    const aggregates: CustomerAggregate[] = [];
    const inputs = new FitInputs(data.asOf);
    const range = { batchSize: data.batchSize, from: data.from ?? undefined, to: data.to ?? undefined };
    for await (const batch of customerAggregates(storage, data.asOf, range)) {
      for (const agg of batch) {
        aggregates.push(agg);
        inputs.add(agg);
      }
      post({ type: 'progress', done: aggregates.length });
    }
    const packed = inputs.toPacked();
    post({ type: 'aggregated', customers: aggregates.length, fitInputs: packed }, [
      packed.histogram.buffer as ArrayBuffer,
      packed.cycles.buffer as ArrayBuffer,
      packed.categories.buffer as ArrayBuffer,
      packed.industries.buffer as ArrayBuffer,
    ]);
    const order = await decideOrder;
    const tally = new RunTally();
    const ctx = {
      asOf: data.asOf,
      runId: data.runId,
      peers: order.peers as PeerCycles,
      settings,
      params: order.params as FitParams | null,
      models: detectModels,
      modelCache: new Map<string, [number, number]>(),
    };
    for (let i = 0; i < aggregates.length; i += data.chunkSize) {
      const chunk = aggregates.slice(i, i + data.chunkSize);
      const lo = (chunk[0] as CustomerAggregate).customerId;
      const hi = (chunk[chunk.length - 1] as CustomerAggregate).customerId;
      const previous =
        data.previousRunId === null ? new Map() : await previousStates(storage, data.previousRunId, lo, hi);
      const rows = decideChunk(chunk, previous, ctx, tally);
      // Let the decided aggregates go: the worker's memory shrinks as the rows leave.
      aggregates.fill(undefined as unknown as CustomerAggregate, i, i + chunk.length);
      postRows({ type: 'rows', rows, previous });
    }
    postRows({ type: 'done', tally: tally.toData() });
  } finally {
    await storage.close();
  }
}

analyse()
  .catch((error: unknown) => {
    const failure = {
      type: 'error' as const,
      code: error instanceof AppError ? error.code : null,
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
    post(failure);
    postRows(failure);
  })
  .finally(() => {
    // Nothing else keeps the thread alive: it ends once its messages are out.
    parent.removeAllListeners('message');
  });
