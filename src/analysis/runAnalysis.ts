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
import {
  analyseCustomer,
  type CustomerDetection,
  type DetectSettings,
} from '../core/detect/analyseCustomer.js';
import type { CustomerAggregate } from '../core/detect/customerFeatures.js';
import { daysBetween, isIsoDay } from '../core/detect/isoDays.js';
import {
  DORMANT_STATUSES,
  LIFECYCLE_STATUSES,
  type LifecycleStatus,
} from '../core/detect/lifecycleStatus.js';
import { opportunityEstimate } from '../core/detect/opportunity.js';
import { buildPeerCycles, MIN_OWN_INTERVALS, median, type PeerSample } from '../core/detect/purchaseCycle.js';
import { AppError } from '../core/errors.js';
import {
  type CustomerStateRow,
  finishAnalysisRun,
  latestRun,
  openResultWriter,
  previousStates,
  startAnalysisRun,
} from '../storage/analysisQueries.js';
import { customerAggregates } from '../storage/detectionQueries.js';
import type { Storage } from '../storage/index.js';
import { diagnoseAndPrioritise } from './diagnoseAndPrioritise.js';

/** Horizon of the expected purchases SPEC asks for (expected_purchases_90d). */
export const EXPECTED_PURCHASES_HORIZON_DAYS = 90;
const P_ALIVE_BINS = 10;
const AT_RISK_HEAD = 10;
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
  phase: 'aggregate' | 'fit' | 'decide';
  done: number;
  total: number;
}

type FitParams = { r: number; alpha: number; a: number; b: number };

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
  batchSize?: number;
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
  at_risk_head: {
    customer_id: string;
    health_score: number | null;
    health_level: string | null;
    days_since_last_purchase: number | null;
    overdue_ratio: number | null;
  }[];
  cycle_sources: Record<string, number>;
  bgnbd: BgnbdSummary;
  opportunity: {
    dormant_customers: number;
    average_yearly_value_yen: number;
    reactivation_rate: number;
    estimated_yen: number;
    assumptions: string;
  };
  /** True when the status history was not touched (as-of earlier than the latest run). */
  history_skipped: boolean;
  seconds: number;
  /** Wall seconds per phase: reading aggregates, the BG/NBD fit, deciding and writing. */
  phase_seconds: { aggregate: number; fit: number; decide: number };
}

function emptyStatusCounts(): Record<LifecycleStatus, number> {
  return Object.fromEntries(LIFECYCLE_STATUSES.map((s) => [s, 0])) as Record<LifecycleStatus, number>;
}

/** BG/NBD inputs of one customer in whole days: repeat purchase days, recency, age. */
function bgnbdInputs(agg: CustomerAggregate, asOf: string): { x: number; tx: number; T: number } | null {
  if (!agg.firstPurchaseDay || !agg.lastPurchaseDay || agg.purchaseDays === 0) return null;
  return {
    x: agg.purchaseDays - 1,
    tx: daysBetween(agg.firstPurchaseDay, agg.lastPurchaseDay),
    T: daysBetween(agg.firstPurchaseDay, asOf),
  };
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
    // Pass 1: aggregates, BG/NBD histogram, peer cycles.
    const total = Number(
      (
        await storage.db
          .selectFrom('customers')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('merged_into', 'is', null)
          .executeTakeFirstOrThrow()
      ).n,
    );
    const aggregates: CustomerAggregate[] = [];
    const histogram = new Map<string, { frequency: number; recency: number; T: number; count: number }>();
    const peerSamples: PeerSample[] = [];
    for await (const batch of customerAggregates(storage, asOf, { batchSize: options.batchSize })) {
      for (const agg of batch) {
        aggregates.push(agg);
        const inputs = bgnbdInputs(agg, asOf);
        if (inputs) {
          const key = `${inputs.x},${inputs.tx},${inputs.T}`;
          const row = histogram.get(key);
          if (row) row.count++;
          else histogram.set(key, { frequency: inputs.x, recency: inputs.tx, T: inputs.T, count: 1 });
        }
        if (agg.intervals.length >= MIN_OWN_INTERVALS) {
          peerSamples.push({
            category: agg.mainCategory,
            industry: agg.industry,
            ownCycleDays: median(agg.intervals) as number,
          });
        }
      }
      progress({ phase: 'aggregate', done: aggregates.length, total });
    }
    const peers = buildPeerCycles(peerSamples);
    const aggregated = now();

    progress({ phase: 'fit', done: 0, total: histogram.size });
    const fit = fitOrReason(models, fitHistogram([...histogram.values()]));
    progress({ phase: 'fit', done: histogram.size, total: histogram.size });
    const fitted = now();

    // Pass 2: decide every customer, write in chunks inside one transaction.
    const writer = await openResultWriter(storage, runId, asOf, { writeHistory: !historySkipped });
    const statuses = emptyStatusCounts();
    const healthLevels = { healthy: 0, caution: 0, warning: 0, danger: 0 };
    const cycleSources: Record<string, number> = {};
    const pAliveBins = new Array<number>(P_ALIVE_BINS).fill(0);
    const pAliveValues: number[] = [];
    const dormantYearlyValues: number[] = [];
    const atRisk: AnalysisSummary['at_risk_head'] = [];
    let gapAlerts = 0;
    let newlyDormant = 0;
    let newlyReactivating = 0;
    let newlyLost = 0;
    const modelCache = new Map<string, [number, number]>();
    let decided = fitted;
    try {
      for (let i = 0; i < aggregates.length; i += CHUNK) {
        const chunk = aggregates.slice(i, i + CHUNK);
        const lo = (chunk[0] as CustomerAggregate).customerId;
        const hi = (chunk[chunk.length - 1] as CustomerAggregate).customerId;
        const previous = previousRun ? await previousStates(storage, previousRun.id, lo, hi) : new Map();
        const rows: CustomerStateRow[] = [];
        for (const agg of chunk) {
          let model: [number, number] | null = null;
          const inputs = fit.params ? bgnbdInputs(agg, asOf) : null;
          if (fit.params && inputs) {
            const key = `${inputs.x},${inputs.tx},${inputs.T}`;
            model = modelCache.get(key) ?? null;
            if (!model) {
              model = [
                models.pAlive(fit.params, inputs.x, inputs.tx, inputs.T),
                models.expectedPurchases(
                  fit.params,
                  EXPECTED_PURCHASES_HORIZON_DAYS,
                  inputs.x,
                  inputs.tx,
                  inputs.T,
                ),
              ];
              modelCache.set(key, model);
            }
          }
          const prev = previous.get(agg.customerId) ?? null;
          const d = analyseCustomer(agg, asOf, peers, prev, settings, model ? model[0] : null);
          const status = d.lifecycle.status;
          statuses[status]++;
          cycleSources[d.features.cycle.source] = (cycleSources[d.features.cycle.source] ?? 0) + 1;
          if (d.health) {
            healthLevels[d.health.level]++;
            if (d.health.gapAlert) gapAlerts++;
          }
          if (model) {
            pAliveValues.push(model[0]);
            const bin = Math.min(P_ALIVE_BINS - 1, Math.floor(model[0] * P_ALIVE_BINS));
            pAliveBins[bin] = (pAliveBins[bin] ?? 0) + 1;
          }
          if (DORMANT_STATUSES.has(status)) dormantYearlyValues.push(d.features.yearlyValueYen);
          if (prev && prev.status !== status) {
            if (DORMANT_STATUSES.has(status) && !DORMANT_STATUSES.has(prev.status)) newlyDormant++;
            if (status === 'reactivating') newlyReactivating++;
            if (status === 'lost') newlyLost++;
          }
          if (status === 'at_risk') keepAtRiskHead(atRisk, d, agg.customerId);
          rows.push(stateRow(agg, d, runId, asOf, model));
        }
        await writer.write(rows, previous);
        progress({ phase: 'decide', done: Math.min(i + CHUNK, aggregates.length), total: aggregates.length });
      }
      await writer.commit();
      decided = now();
    } catch (error) {
      await writer.rollback();
      throw error;
    }

    const prevSummary = previousRun?.summary
      ? (JSON.parse(previousRun.summary) as Partial<AnalysisSummary>)
      : null;
    const statusChanges = prevSummary?.statuses
      ? (Object.fromEntries(
          LIFECYCLE_STATUSES.map((s) => [s, statuses[s] - (prevSummary.statuses?.[s] ?? 0)]),
        ) as Record<LifecycleStatus, number>)
      : null;
    const opportunity = opportunityEstimate(dormantYearlyValues);
    const summary: AnalysisSummary = {
      run_id: runId,
      as_of: asOf,
      definition_version: version,
      customers: aggregates.length,
      statuses,
      previous_run: previousRun ? { run_id: previousRun.id, as_of: previousRun.as_of } : null,
      status_changes: statusChanges,
      newly_dormant: newlyDormant,
      newly_reactivating: newlyReactivating,
      newly_lost: newlyLost,
      health_levels: healthLevels,
      gap_alerts: gapAlerts,
      at_risk_head: atRisk,
      cycle_sources: cycleSources,
      bgnbd: {
        ...fit.summary,
        p_alive_histogram: pAliveBins.map((customers, i) => ({
          from: i / P_ALIVE_BINS,
          to: (i + 1) / P_ALIVE_BINS,
          customers,
        })),
        p_alive_median: median(pAliveValues),
      },
      opportunity: {
        dormant_customers: opportunity.dormantCustomers,
        average_yearly_value_yen: opportunity.averageYearlyValueYen,
        reactivation_rate: opportunity.reactivationRate,
        estimated_yen: opportunity.estimatedYen,
        assumptions: opportunity.assumptions,
      },
      history_skipped: historySkipped,
      seconds: Math.round((now().getTime() - started.getTime()) / 100) / 10,
      phase_seconds: {
        aggregate: secondsBetween(started, aggregated),
        fit: secondsBetween(aggregated, fitted),
        decide: secondsBetween(fitted, decided),
      },
    };
    Object.assign(summary, { diagnosis: await diagnoseAndPrioritise(storage, runId, asOf, undefined, now) });
    await finishAnalysisRun(storage, runId, now().toISOString(), {
      status: 'done',
      bgnbd: fit.summary,
      summary,
    });
    return { runId, summary };
  } catch (error) {
    await finishAnalysisRun(storage, runId, now().toISOString(), { status: 'failed' }).catch(() => {});
    throw error;
  }
}

type HistogramRow = { frequency: number; recency: number; T: number; count: number };

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

function keepAtRiskHead(
  head: AnalysisSummary['at_risk_head'],
  d: CustomerDetection,
  customerId: string,
): void {
  const entry: AnalysisSummary['at_risk_head'][number] = {
    customer_id: customerId,
    health_score: d.health?.score ?? null,
    health_level: d.health?.level ?? null,
    days_since_last_purchase: d.features.values.days_since_last_purchase,
    overdue_ratio: d.features.values.overdue_ratio,
  };
  const worse = (a: typeof entry, b: typeof entry) =>
    (a.health_score ?? 101) - (b.health_score ?? 101) || (b.overdue_ratio ?? 0) - (a.overdue_ratio ?? 0);
  if (head.length < AT_RISK_HEAD) {
    head.push(entry);
    head.sort(worse);
  } else if (worse(entry, head[head.length - 1] as typeof entry) < 0) {
    head[head.length - 1] = entry;
    head.sort(worse);
  }
}

function secondsBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / 100) / 10;
}

function roundTo(value: number | null, digits: number): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function stateRow(
  agg: CustomerAggregate,
  d: CustomerDetection,
  runId: number,
  asOf: string,
  model: [number, number] | null,
): CustomerStateRow {
  const f = d.features.values;
  return {
    customer_id: agg.customerId,
    run_id: runId,
    as_of: asOf,
    owner: agg.owner,
    status: d.lifecycle.status,
    status_since: d.lifecycle.statusSince,
    lost_reason: d.lifecycle.lostReason,
    return_day: d.lifecycle.returnDay,
    first_purchase_day: agg.firstPurchaseDay,
    last_purchase_day: agg.lastPurchaseDay,
    purchase_days: agg.purchaseDays,
    days_since_last_purchase: f.days_since_last_purchase,
    purchase_cycle_days: roundTo(f.purchase_cycle_days, 1),
    cycle_source: d.features.cycle.source,
    overdue_ratio: roundTo(f.overdue_ratio, 3),
    p_alive: model ? roundTo(model[0], 4) : null,
    expected_purchases_90d: model ? roundTo(model[1], 4) : null,
    health_score: d.health?.score ?? null,
    health_level: d.health?.level ?? null,
    gap_alert: d.health?.gapAlert ? 1 : 0,
    yearly_value_yen: Math.round(d.features.yearlyValueYen),
    total_spend_yen: f.total_spend_yen,
    spend_last_365d_yen: f.spend_last_365d_yen,
    yoy_spend_ratio: roundTo(f.yoy_spend_ratio, 3),
    unanswered_emails: f.unanswered_emails,
    days_since_last_reaction: f.days_since_last_reaction,
    main_category: agg.mainCategory,
    health_breakdown: d.health
      ? JSON.stringify(Object.fromEntries(d.health.components.map((c) => [c.name, c.points])))
      : null,
    reason_category: null,
    reason_confidence: null,
    reason_evidence: null,
    score: null,
    rank: null,
    reactivation_probability: null,
    expected_value: null,
    recommended_channels: null,
  };
}
