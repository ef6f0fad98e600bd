/**
 * `mezame analyze`: load → Detect → store. Aggregates come from the engine (detectionQueries),
 * the models run here in TypeScript, results go to customer_state / customer_run_results /
 * status_history in one transaction.
 *
 * Two passes over the aggregates, which are kept in memory between them (one compact object
 * per customer; the orders themselves never leave the database): the first builds what every
 * customer's result depends on — the BG/NBD histogram and the peer purchase cycles — the second
 * decides each customer.
 */

import type { DetectSettings } from '../core/detect/analyseCustomer.js';
import type { CustomerAggregate } from '../core/detect/customerFeatures.js';
import { isIsoDay } from '../core/detect/isoDays.js';
import { LIFECYCLE_STATUSES, type LifecycleStatus } from '../core/detect/lifecycleStatus.js';
import { opportunityEstimate } from '../core/detect/opportunity.js';
import { buildPeerCycles } from '../core/detect/purchaseCycle.js';
import { AppError } from '../core/errors.js';
import { type CohortReport, cohortReport } from '../core/measure/cohorts.js';
import {
  finishAnalysisRun,
  latestRun,
  openResultWriter,
  previousStates,
  startAnalysisRun,
} from '../storage/analysisQueries.js';
import { customerAggregates } from '../storage/detectionQueries.js';
import type { Storage } from '../storage/index.js';
import { MIN_CUSTOMERS_FOR_WORKERS, startAnalysisWorkers, workerDatabaseFile } from './analysisWorkers.js';
import {
  type AtRiskEntry,
  decideChunk,
  EXPECTED_PURCHASES_HORIZON_DAYS,
  FitInputs,
  type FitParams,
  type HistogramRow,
  P_ALIVE_BINS,
  RunTally,
} from './decideCustomers.js';
import { detectModels } from './detectModels.js';
import {
  type DiagnosisPlan,
  type DiagnosisSummary,
  diagnoseAndPrioritise,
  emptyDiagnosisTally,
  finishDiagnosis,
  flagsInPageOrder,
  mergeDiagnosisTally,
  type PlacedFlag,
  prepareDiagnosis,
} from './diagnoseAndPrioritise.js';
import type { PackedEpisodes } from './pastEpisodeChunks.js';
import { trainOnOwnThread } from './reactivationTraining.js';

export { EXPECTED_PURCHASES_HORIZON_DAYS };
/**
 * Above this many distinct (x, t_x, T) rows the BG/NBD fit reads a histogram on a week grid
 * (t_x and T at the middle of their 7-day bin, still in days): a million customers over three
 * years make ≈530k distinct day rows, a fit of several seconds, for parameters that whole
 * weeks pin down as well. P(alive) and expected purchases are still computed from each
 * customer's exact days.
 */
export const FIT_GRID_THRESHOLD_ROWS = 50_000;
export const FIT_GRID_DAYS = 7;
/** Customers per write chunk (and per previous-state lookup). */
const CHUNK = 5_000;

export interface AnalysisProgress {
  phase: 'aggregate' | 'fit' | 'decide' | 'diagnose';
  done: number;
  total: number;
}

/**
 * The models Detect uses, behind the smallest interface runAnalysis needs: the dormancy
 * definition in force (with its health thresholds) and the BG/NBD model. `detectModels.ts`
 * wires the real ones.
 */
export interface DetectModels {
  loadSettings(storage: Storage): Promise<{ settings: DetectSettings; version: string | null }>;
  /** Throws AppError('insufficient_data') when the data cannot support a fit. */
  fitBgnbd(rows: { frequency: number; recency: number; T: number; count: number }[]): {
    params: FitParams;
    logLikelihood: number;
    customers: number;
    distinctRows: number;
  };
  pAlive(params: FitParams, x: number, tx: number, T: number): number;
  expectedPurchases(params: FitParams, t: number, x: number, tx: number, T: number): number;
}

export interface AnalyzeOptions {
  asOf: string;
  models: DetectModels;
  /** Wall-clock start, for the run record only (never for any computation). */
  now?: () => Date;
  onProgress?: (progress: AnalysisProgress) => void;
  /** Customers per aggregation batch (per worker chunk with workers). */
  batchSize?: number;
  /**
   * Worker threads for the per-customer work (SQLite files only, real models only). Default:
   * 2 from MIN_CUSTOMERS_FOR_WORKERS customers up, else 0 (the main thread does it all).
   */
  workers?: number;
}

export interface BgnbdSummary {
  fitted: boolean;
  /** Why there is no fit (insufficient data), when fitted is false. */
  reason: string | null;
  params: { r: number; alpha: number; a: number; b: number } | null;
  log_likelihood: number | null;
  customers: number;
  distinct_rows: number;
  /** Days per bin of t_x and T in the fitted histogram (1: exact days). */
  grid_days: number;
  /** Customers per P(alive) tenth: [0, 0.1), [0.1, 0.2) … [0.9, 1]. */
  p_alive_histogram: { from: number; to: number; customers: number }[];
  p_alive_median: number | null;
}

export interface AnalysisSummary {
  run_id: number;
  as_of: string;
  definition_version: string | null;
  customers: number;
  statuses: Record<LifecycleStatus, number>;
  previous_run: { run_id: number; as_of: string } | null;
  /** Change per status against the previous run (null on the first run). */
  status_changes: Record<LifecycleStatus, number> | null;
  newly_dormant: number;
  newly_reactivating: number;
  newly_lost: number;
  health_levels: Record<'healthy' | 'caution' | 'warning' | 'danger', number>;
  gap_alerts: number;
  at_risk_head: AtRiskEntry[];
  cycle_sources: Record<string, number>;
  bgnbd: BgnbdSummary;
  opportunity: {
    dormant_customers: number;
    average_yearly_value_yen: number;
    reactivation_rate: number;
    estimated_yen: number;
    assumptions: string;
  };
  /** Acquisition cohorts by quarter: repurchase per later quarter, dormant and lost today. */
  cohorts: CohortReport;
  /** True when the status history was not touched (as-of earlier than the latest run). */
  history_skipped: boolean;
  seconds: number;
  /**
   * Wall seconds per phase: reading aggregates, the BG/NBD fit, deciding and writing; of the
   * last, the seconds the writing thread spent storing rows, and rebuilding indexes and committing.
   */
  phase_seconds: { aggregate: number; fit: number; decide: number; write: number; index: number };
}

/**
 * Recomputes every customer's features, status and health as of `asOf` and stores them.
 *
 * @example const { summary } = await runAnalysis(storage, { asOf: '2025-03-31' });
 */
export async function runAnalysis(
  storage: Storage,
  options: AnalyzeOptions,
): Promise<{ runId: number; summary: AnalysisSummary }> {
  const { asOf } = options;
  if (!isIsoDay(asOf)) {
    throw new AppError('invalid_input', `--as-of: expected a day like 2025-03-31, got '${asOf}'`);
  }
  const now = options.now ?? (() => new Date());
  const started = now();
  const progress = options.onProgress ?? (() => {});
  const { models } = options;
  const { settings, version } = await models.loadSettings(storage);
  const previousRun = await latestRun(storage, asOf);
  const newestRun = await latestRun(storage);
  const historySkipped = newestRun !== null && newestRun.as_of > asOf;
  const runId = await startAnalysisRun(storage, asOf, started.toISOString(), version);

  try {
    const dbFile = workerDatabaseFile(storage);
    let workerCount = 0;
    if (dbFile !== null && options.models === detectModels) {
      workerCount = options.workers ?? ((await countCustomers(storage)) >= MIN_CUSTOMERS_FOR_WORKERS ? 2 : 0);
    }
    const workers =
      workerCount > 0 && dbFile !== null
        ? await startAnalysisWorkers(storage, dbFile, workerCount, options.batchSize ?? CHUNK, {
            asOf,
            runId,
            previousRunId: previousRun?.id ?? null,
          })
        : null;
    try {
      // Pass 1: aggregates, BG/NBD histogram, peer cycles.
      const total = await countCustomers(storage);
      let fitInputs = new FitInputs(asOf);
      const aggregates: CustomerAggregate[] = [];
      let customers = 0;
      let episodeParts: PackedEpisodes[] = [];
      if (workers) {
        const aggregated = await workers.aggregate((done) => progress({ phase: 'aggregate', done, total }));
        fitInputs = aggregated.fitInputs;
        customers = aggregated.customers;
        episodeParts = aggregated.episodes;
      } else {
        for await (const batch of customerAggregates(storage, asOf, { batchSize: options.batchSize })) {
          for (const agg of batch) {
            aggregates.push(agg);
            fitInputs.add(agg);
          }
          progress({ phase: 'aggregate', done: aggregates.length, total });
        }
        customers = aggregates.length;
      }
      const peers = buildPeerCycles(fitInputs.peerSamples);
      fitInputs.peerSamples.length = 0;
      const aggregated = now();

      const histogram = [...fitInputs.histogram.values()];
      fitInputs.histogram.clear();
      progress({ phase: 'fit', done: 0, total: histogram.length });
      const fit = fitOrReason(models, fitHistogram(histogram));
      progress({ phase: 'fit', done: histogram.length, total: histogram.length });
      const fitted = now();

      // With workers, Diagnose runs inside pass 2 (each chunk's rows are diagnosed before they
      // are written, no second pass over customer_state); the reactivation model is trained
      // first, on a thread of its own, from the episodes the workers built in pass 1. Without
      // workers, Diagnose runs after the commit.
      let diagnosis: { plan: DiagnosisPlan; started: Date } | null = null;
      if (workers) {
        const started = now();
        const trained = await trainOnOwnThread(asOf, episodeParts);
        episodeParts = [];
        const plan = await prepareDiagnosis(storage, runId, asOf, {
          flaggedAt: started.toISOString(),
          trained,
        });
        diagnosis = { plan, started };
      }
      const diagnosisTally = emptyDiagnosisTally();
      const placedFlags: PlacedFlag[] = [];

      // Pass 2: decide every customer, write in chunks inside one transaction.
      const writer = await openResultWriter(storage, runId, asOf, { writeHistory: !historySkipped });
      const tally = new RunTally();
      let decided = fitted;
      let writeMs = 0;
      const timed = async (work: () => Promise<void>) => {
        const t0 = performance.now();
        await work();
        writeMs += performance.now() - t0;
      };
      let indexMs = 0;
      try {
        if (workers) {
          let written = 0;
          for await (const chunk of workers.decide(peers, fit.params, diagnosis?.plan ?? null)) {
            await timed(() => writer.writeValues(chunk.values, chunk.previousStatus));
            tally.merge(chunk.tally);
            if (chunk.diagnosis) {
              // Flag positions count from the chunk's first diagnosed customer.
              for (const f of chunk.diagnosis.flags) {
                placedFlags.push({ ...f, position: f.position + diagnosisTally.customers });
              }
              mergeDiagnosisTally(diagnosisTally, chunk.diagnosis.tally);
            }
            written += chunk.values.length;
            progress({ phase: 'decide', done: written, total: customers });
          }
        } else {
          const ctx = { asOf, runId, peers, settings, params: fit.params, models, modelCache: new Map() };
          for (let i = 0; i < aggregates.length; i += CHUNK) {
            const chunk = aggregates.slice(i, i + CHUNK);
            const lo = (chunk[0] as CustomerAggregate).customerId;
            const hi = (chunk[chunk.length - 1] as CustomerAggregate).customerId;
            const previous = previousRun ? await previousStates(storage, previousRun.id, lo, hi) : new Map();
            const rows = decideChunk(chunk, previous, ctx, tally);
            await timed(() => writer.write(rows, previous));
            progress({ phase: 'decide', done: Math.min(i + CHUNK, customers), total: customers });
          }
        }
        const t0 = performance.now();
        await writer.commit();
        indexMs = performance.now() - t0;
        decided = now();
      } catch (error) {
        await writer.rollback();
        throw error;
      }
      const diagnose = diagnosis
        ? () =>
            finishDiagnosis(
              storage,
              diagnosis.plan,
              diagnosisTally,
              flagsInPageOrder(placedFlags),
              diagnosis.started,
              now,
            )
        : () => diagnoseAndPrioritise(storage, runId, asOf, undefined, now);
      return await finish(tally, fit, { aggregated, fitted, decided, writeMs, indexMs }, diagnose);
    } finally {
      await workers?.close();
    }
  } catch (error) {
    await finishAnalysisRun(storage, runId, now().toISOString(), { status: 'failed' }).catch(() => {});
    throw error;
  }

  async function finish(
    tally: RunTally,
    fit: ReturnType<typeof fitOrReason>,
    times: { aggregated: Date; fitted: Date; decided: Date; writeMs: number; indexMs: number },
    diagnose: () => Promise<DiagnosisSummary>,
  ): Promise<{ runId: number; summary: AnalysisSummary }> {
    const { statuses } = tally;
    const prevSummary = previousRun?.summary
      ? (JSON.parse(previousRun.summary) as Partial<AnalysisSummary>)
      : null;
    const statusChanges = prevSummary?.statuses
      ? (Object.fromEntries(
          LIFECYCLE_STATUSES.map((s) => [s, statuses[s] - (prevSummary.statuses?.[s] ?? 0)]),
        ) as Record<LifecycleStatus, number>)
      : null;
    const opportunity = opportunityEstimate(tally.dormantValues());
    const summary: AnalysisSummary = {
      run_id: runId,
      as_of: asOf,
      definition_version: version,
      customers: tally.customers,
      statuses,
      previous_run: previousRun ? { run_id: previousRun.id, as_of: previousRun.as_of } : null,
      status_changes: statusChanges,
      newly_dormant: tally.newlyDormant,
      newly_reactivating: tally.newlyReactivating,
      newly_lost: tally.newlyLost,
      health_levels: tally.healthLevels,
      gap_alerts: tally.gapAlerts,
      at_risk_head: tally.atRisk,
      cycle_sources: tally.cycleSources,
      bgnbd: {
        ...fit.summary,
        p_alive_histogram: tally.pAliveBins.map((customers, i) => ({
          from: i / P_ALIVE_BINS,
          to: (i + 1) / P_ALIVE_BINS,
          customers,
        })),
        p_alive_median: tally.pAliveMedian(),
      },
      opportunity: {
        dormant_customers: opportunity.dormantCustomers,
        average_yearly_value_yen: opportunity.averageYearlyValueYen,
        reactivation_rate: opportunity.reactivationRate,
        estimated_yen: opportunity.estimatedYen,
        assumptions: opportunity.assumptions,
      },
      cohorts: cohortReport(tally.cohorts.cohorts, asOf),
      history_skipped: historySkipped,
      seconds: Math.round((now().getTime() - started.getTime()) / 100) / 10,
      phase_seconds: {
        aggregate: secondsBetween(started, times.aggregated),
        fit: secondsBetween(times.aggregated, times.fitted),
        decide: secondsBetween(times.fitted, times.decided),
        write: Math.round(times.writeMs / 100) / 10,
        index: Math.round(times.indexMs / 100) / 10,
      },
    };
    progress({ phase: 'diagnose', done: 0, total: 1 });
    Object.assign(summary, { diagnosis: await diagnose() });
    await finishAnalysisRun(storage, runId, now().toISOString(), {
      status: 'done',
      bgnbd: fit.summary,
      summary,
    });
    return { runId, summary };
  }
}

async function countCustomers(storage: Storage): Promise<number> {
  const row = await storage.db
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('merged_into', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The rows the fit reads: exact days, or the week grid when there are too many distinct rows. */
export function fitHistogram(rows: HistogramRow[]): { rows: HistogramRow[]; gridDays: number } {
  if (rows.length <= FIT_GRID_THRESHOLD_ROWS) return { rows, gridDays: 1 };
  const middle = (days: number) => (Math.floor(days / FIT_GRID_DAYS) + 0.5) * FIT_GRID_DAYS;
  const coarse = new Map<string, HistogramRow>();
  for (const r of rows) {
    // Same bin function for both: t_x ≤ T stays true. No repeat purchase: t_x stays 0.
    const recency = r.frequency === 0 ? 0 : middle(r.recency);
    const T = middle(r.T);
    const key = `${r.frequency},${recency},${T}`;
    const row = coarse.get(key);
    if (row) row.count += r.count;
    else coarse.set(key, { frequency: r.frequency, recency, T, count: r.count });
  }
  return { rows: [...coarse.values()], gridDays: FIT_GRID_DAYS };
}

function fitOrReason(
  models: DetectModels,
  histogram: { rows: HistogramRow[]; gridDays: number },
): {
  params: FitParams | null;
  summary: Omit<BgnbdSummary, 'p_alive_histogram' | 'p_alive_median'>;
} {
  const { rows, gridDays } = histogram;
  const customers = rows.reduce((s, r) => s + r.count, 0);
  try {
    const fit = models.fitBgnbd(rows);
    return {
      params: fit.params,
      summary: {
        fitted: true,
        reason: null,
        params: fit.params,
        log_likelihood: fit.logLikelihood,
        customers: fit.customers,
        distinct_rows: fit.distinctRows,
        grid_days: gridDays,
      },
    };
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'insufficient_data') throw error;
    return {
      params: null,
      summary: {
        fitted: false,
        reason: error.message,
        params: null,
        log_likelihood: null,
        customers,
        distinct_rows: rows.length,
        grid_days: gridDays,
      },
    };
  }
}

function secondsBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / 100) / 10;
}
