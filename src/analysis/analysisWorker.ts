/**
 * One analysis worker's thread (started by analysisWorkers.ts): aggregates its chunks of
 * customers (chunk worker, worker + workers, …) through its own connection to the SQLite
 * file, hands each chunk's fit inputs (BG/NBD histogram, peer samples) to the main thread,
 * waits for the global peer cycles and BG/NBD parameters, then decides its chunks in order and
 * posts each chunk's rows and tally on its own port, at most CREDIT chunks ahead of the writer.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { CustomerAggregate } from '../core/detect/customerFeatures.js';
import type { PreviousState } from '../core/detect/lifecycleStatus.js';
import type { PeerCycles } from '../core/detect/purchaseCycle.js';
import { AppError } from '../core/errors.js';
import {
  type CustomerStateRow,
  previousStates,
  setStateValues,
  stateValues,
} from '../storage/analysisQueries.js';
import { chunkAggregates } from '../storage/detectionQueries.js';
import {
  type CandidateCustomer,
  candidateCustomers,
  customerEvidence,
  DIAGNOSED_STATUSES,
  type DiagnosisCandidateRow,
} from '../storage/diagnosisQueries.js';
import { openStorage, type Storage } from '../storage/index.js';
import {
  type AnalysisWorkerData,
  CREDIT,
  type DecideMessage,
  type RowsMessage,
  type WorkerMessage,
} from './analysisWorkers.js';
import { decideChunk, FitInputs, type FitParams, RunTally } from './decideCustomers.js';
import { detectModels } from './detectModels.js';
import {
  type DiagnosisPlan,
  diagnosePage,
  emptyDiagnosisTally,
  messagesFrom,
  namedGoods,
} from './diagnoseAndPrioritise.js';
import { episodeReads, episodesFromRows } from './pastEpisodeChunks.js';

const parent = parentPort;
if (!parent) throw new Error('analysisWorker.ts runs only as a worker thread');
const data = workerData as AnalysisWorkerData & { rowsPort: MessagePort };
const rowsPort = data.rowsPort;
function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  parent?.postMessage(message, transfer);
}
function postRows(message: RowsMessage): void {
  rowsPort.postMessage(message);
}

let resolveOrder: (m: DecideMessage) => void = () => {};
const decideOrder = new Promise<DecideMessage>((resolve) => {
  resolveOrder = resolve;
});
let credit = CREDIT;
let wake: (() => void) | null = null;
parent.on('message', (m: DecideMessage | 'more') => {
  if (m === 'more') {
    credit++;
    const w = wake;
    wake = null;
    w?.();
  } else resolveOrder(m);
});

async function analyse(): Promise<void> {
  const storage = await openStorage({ dbFile: data.dbFile, migrate: false });
  try {
    const { settings } = await detectModels.loadSettings(storage);
    const { chunkStarts } = data;
    const episodes = episodeReads(data.asOf);
    const chunks: { index: number; aggregates: CustomerAggregate[] }[] = [];
    for (let index = data.worker; index < chunkStarts.length; index += data.workers) {
      // The orders of customer_ids between chunk starts (before the first, after the last
      // included) belong to the chunk: every order row counts once, as in pastDormantEpisodes.
      const { aggregates, episodeRows } = await chunkAggregates(
        storage,
        data.asOf,
        {
          from: chunkStarts[index] as string,
          to: chunkStarts[index + 1] ?? null,
          ordersFrom: index === 0 ? null : (chunkStarts[index] as string),
        },
        episodes.spendBefore,
      );
      const inputs = new FitInputs(data.asOf);
      for (const agg of aggregates) inputs.add(agg);
      const packed = inputs.toPacked();
      const chunkEpisodes = episodesFromRows(data.asOf, episodeRows);
      post(
        {
          type: 'aggregated',
          chunk: index,
          customers: aggregates.length,
          fitInputs: packed,
          episodes: chunkEpisodes,
        },
        [
          packed.histogram.buffer as ArrayBuffer,
          packed.cycles.buffer as ArrayBuffer,
          packed.categories.buffer as ArrayBuffer,
          packed.industries.buffer as ArrayBuffer,
          ...chunkEpisodes.values.map((v) => v.buffer as ArrayBuffer),
        ],
      );
      chunks.push({ index, aggregates });
    }
    const order = await decideOrder;
    const ctx = {
      asOf: data.asOf,
      runId: data.runId,
      peers: order.peers as PeerCycles,
      settings,
      params: order.params as FitParams | null,
      models: detectModels,
      modelCache: new Map<string, [number, number]>(),
    };
    for (const chunk of chunks) {
      const { aggregates } = chunk;
      const tally = new RunTally();
      let previous = new Map<string, PreviousState>();
      if (data.previousRunId !== null && aggregates.length > 0) {
        const lo = (aggregates[0] as CustomerAggregate).customerId;
        const hi = (aggregates[aggregates.length - 1] as CustomerAggregate).customerId;
        previous = await previousStates(storage, data.previousRunId, lo, hi);
      }
      const rows = decideChunk(aggregates, previous, ctx, tally);
      chunk.aggregates = [];
      const values = rows.map(stateValues);
      const diagnosis = order.diagnosis ? await diagnoseRows(storage, rows, values, order.diagnosis) : null;
      while (credit === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      credit--;
      postRows({
        type: 'rows',
        values,
        previousStatus: rows.map((r) => previous.get(r.customer_id)?.status ?? null),
        tally: tally.toData(),
        diagnosis,
      });
    }
  } finally {
    await storage.close();
  }
}

const DIAGNOSED = new Set<string>(DIAGNOSED_STATUSES);

/**
 * The candidate row diagnosisCandidates would read back: the state row's columns and the
 * customer's. Written out field by field: spreading the engine's row object into a new one
 * cost 8 s per worker at a million customers.
 */
function candidateRow(s: CustomerStateRow, c: CandidateCustomer | undefined): DiagnosisCandidateRow {
  return {
    customer_id: s.customer_id,
    status: s.status,
    owner: s.owner,
    industry: c?.industry ?? null,
    days_since_last_purchase: s.days_since_last_purchase,
    first_purchase_day: s.first_purchase_day,
    last_purchase_day: s.last_purchase_day,
    purchase_days: s.purchase_days,
    total_spend_yen: s.total_spend_yen,
    yearly_value_yen: s.yearly_value_yen,
    overdue_ratio: s.overdue_ratio,
    p_alive: s.p_alive,
    email: c?.email ?? null,
    phone: c?.phone ?? null,
    postal_code: c?.postal_code ?? null,
    prefecture: c?.prefecture ?? null,
    address: c?.address ?? null,
    lat: c?.lat ?? null,
    lng: c?.lng ?? null,
    email_opt_in: c?.email_opt_in ?? null,
    sms_opt_in: c?.sms_opt_in ?? null,
    dm_ok: c?.dm_ok ?? null,
    phone_ok: c?.phone_ok ?? null,
    do_not_contact: c?.do_not_contact ?? null,
    kind: c?.kind ?? null,
  };
}

/**
 * Diagnoses the chunk's at-risk, dormant and lost customers from their rows before they are
 * stored (the candidate rows diagnosisCandidates would read back), filling in their columns.
 */
async function diagnoseRows(
  storage: Storage,
  rows: CustomerStateRow[],
  values: unknown[][],
  plan: DiagnosisPlan,
) {
  const tally = emptyDiagnosisTally();
  const indexes: number[] = [];
  rows.forEach((r, k) => {
    if (DIAGNOSED.has(r.status)) indexes.push(k);
  });
  if (indexes.length === 0) return { tally, flags: [] };
  const ids = indexes.map((k) => (rows[k] as CustomerStateRow).customer_id);
  const range = { from: ids[0] as string, to: ids[ids.length - 1] as string };
  const customers = await candidateCustomers(storage, range);
  const page = indexes.map((k) => {
    const s = rows[k] as CustomerStateRow;
    return candidateRow(s, customers.get(s.customer_id));
  });
  const evidence = await customerEvidence(storage, ids, plan.asOf, {
    messagesFrom: messagesFrom(page),
    range,
    goods: namedGoods(plan),
  });
  const { updates, flags } = diagnosePage(page, evidence, plan, tally);
  updates.forEach((u, i) => {
    setStateValues(values[indexes[i] as number] as unknown[], u);
  });
  return { tally, flags };
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
