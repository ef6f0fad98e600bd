/**
 * The per-customer halves of `mezame analyze`, shared by the single-threaded run and the
 * analysis workers (analysisWorker.ts): what pass 1 collects from every customer (the BG/NBD
 * histogram and the peer samples), deciding a chunk of customers in pass 2, and the tally of
 * the run summary. A tally made in several parts (one per worker, each over a contiguous
 * customer_id range) merges, in range order, into exactly the tally of one sequential pass.
 */
import {
  analyseCustomer,
  type CustomerDetection,
  type DetectSettings,
} from '../core/detect/analyseCustomer.js';
import type { CustomerAggregate } from '../core/detect/customerFeatures.js';
import { daysBetween } from '../core/detect/isoDays.js';
import {
  DORMANT_STATUSES,
  enteredDormancy,
  LIFECYCLE_STATUSES,
  type LifecycleStatus,
  type PreviousState,
} from '../core/detect/lifecycleStatus.js';
import { MIN_OWN_INTERVALS, median, type PeerCycles, type PeerSample } from '../core/detect/purchaseCycle.js';
import { CohortTally, type CohortTallyData, purchaseQuarters } from '../core/measure/cohorts.js';
import type { CustomerStateRow } from '../storage/analysisQueries.js';

/** Horizon of the expected purchases SPEC asks for (expected_purchases_90d). */
export const EXPECTED_PURCHASES_HORIZON_DAYS = 90;
export const P_ALIVE_BINS = 10;
const AT_RISK_HEAD = 10;

export type FitParams = { r: number; alpha: number; a: number; b: number };
export type HistogramRow = { frequency: number; recency: number; T: number; count: number };

/** The two BG/NBD functions pass 2 needs (DetectModels provides them). */
export interface CustomerModels {
  pAlive(params: FitParams, x: number, tx: number, T: number): number;
  expectedPurchases(params: FitParams, t: number, x: number, tx: number, T: number): number;
}

export type AtRiskEntry = {
  customer_id: string;
  health_score: number | null;
  health_level: string | null;
  days_since_last_purchase: number | null;
  overdue_ratio: number | null;
};

/** BG/NBD inputs of one customer in whole days: repeat purchase days, recency, age. */
export function bgnbdInputs(
  agg: CustomerAggregate,
  asOf: string,
): { x: number; tx: number; T: number } | null {
  if (!agg.firstPurchaseDay || !agg.lastPurchaseDay || agg.purchaseDays === 0) return null;
  return {
    x: agg.purchaseDays - 1,
    tx: daysBetween(agg.firstPurchaseDay, agg.lastPurchaseDay),
    T: daysBetween(agg.firstPurchaseDay, asOf),
  };
}

/** Pass 1: the BG/NBD histogram (in order of first appearance) and the peer samples. */
export class FitInputs {
  readonly histogram = new Map<string, HistogramRow>();
  readonly peerSamples: PeerSample[] = [];

  constructor(private readonly asOf: string) {}

  add(agg: CustomerAggregate): void {
    const inputs = bgnbdInputs(agg, this.asOf);
    if (inputs) this.addHistogram(inputs.x, inputs.tx, inputs.T, 1);
    if (agg.intervals.length >= MIN_OWN_INTERVALS) {
      this.peerSamples.push({
        category: agg.mainCategory,
        industry: agg.industry,
        ownCycleDays: median(agg.intervals) as number,
      });
    }
  }

  addHistogram(frequency: number, recency: number, T: number, count: number): void {
    const key = `${frequency},${recency},${T}`;
    const row = this.histogram.get(key);
    if (row) row.count += count;
    else this.histogram.set(key, { frequency, recency, T, count });
  }

  /** Compact form for postMessage: histogram as [x, t_x, T, count]… and columnar peer samples. */
  toPacked(): PackedFitInputs {
    const histogram = new Float64Array(this.histogram.size * 4);
    let i = 0;
    for (const r of this.histogram.values()) {
      histogram[i++] = r.frequency;
      histogram[i++] = r.recency;
      histogram[i++] = r.T;
      histogram[i++] = r.count;
    }
    const names: (string | null)[] = [];
    const nameIndex = new Map<string | null, number>();
    const indexOf = (name: string | null) => {
      let n = nameIndex.get(name);
      if (n === undefined) {
        n = names.length;
        names.push(name);
        nameIndex.set(name, n);
      }
      return n;
    };
    const n = this.peerSamples.length;
    const cycles = new Float64Array(n);
    const categories = new Int32Array(n);
    const industries = new Int32Array(n);
    this.peerSamples.forEach((s, k) => {
      cycles[k] = s.ownCycleDays;
      categories[k] = indexOf(s.category);
      industries[k] = indexOf(s.industry);
    });
    return { histogram, cycles, categories, industries, names };
  }

  /** Adds a packed part; parts added in customer_id order give the sequential result. */
  addPacked(p: PackedFitInputs): void {
    for (let i = 0; i < p.histogram.length; i += 4) {
      this.addHistogram(
        p.histogram[i] as number,
        p.histogram[i + 1] as number,
        p.histogram[i + 2] as number,
        p.histogram[i + 3] as number,
      );
    }
    for (let k = 0; k < p.cycles.length; k++) {
      this.peerSamples.push({
        category: p.names[p.categories[k] as number] ?? null,
        industry: p.names[p.industries[k] as number] ?? null,
        ownCycleDays: p.cycles[k] as number,
      });
    }
  }
}

export interface PackedFitInputs {
  histogram: Float64Array;
  cycles: Float64Array;
  categories: Int32Array;
  industries: Int32Array;
  names: (string | null)[];
}

/** The run summary's counts, as plain data (what a worker hands back). */
export interface TallyData {
  customers: number;
  statuses: Record<LifecycleStatus, number>;
  healthLevels: Record<'healthy' | 'caution' | 'warning' | 'danger', number>;
  cycleSources: Record<string, number>;
  pAliveBins: number[];
  pAliveValues: Float64Array;
  dormantYearlyValues: Float64Array;
  atRisk: AtRiskEntry[];
  gapAlerts: number;
  newlyDormant: number;
  newlyReactivating: number;
  newlyLost: number;
  cohorts: CohortTallyData;
}

/** Growable Float64Array (a million numbers in a plain array cost 4× the memory when boxed). */
class NumberList {
  private values = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = v;
  }
  pushAll(vs: Float64Array): void {
    for (const v of vs) this.push(v);
  }
  toArray(): Float64Array {
    return this.values.slice(0, this.length);
  }
}

export class RunTally {
  customers = 0;
  readonly statuses = Object.fromEntries(LIFECYCLE_STATUSES.map((s) => [s, 0])) as Record<
    LifecycleStatus,
    number
  >;
  readonly healthLevels = { healthy: 0, caution: 0, warning: 0, danger: 0 };
  readonly cycleSources: Record<string, number> = {};
  readonly pAliveBins = new Array<number>(P_ALIVE_BINS).fill(0);
  private readonly pAliveValues = new NumberList();
  private readonly dormantYearlyValues = new NumberList();
  readonly atRisk: AtRiskEntry[] = [];
  gapAlerts = 0;
  newlyDormant = 0;
  newlyReactivating = 0;
  newlyLost = 0;
  readonly cohorts = new CohortTally();

  add(agg: CustomerAggregate, d: CustomerDetection, prev: PreviousState | null, pAlive: number | null): void {
    const customerId = agg.customerId;
    this.customers++;
    const status = d.lifecycle.status;
    this.cohorts.add(purchaseQuarters(agg.firstPurchaseDay, agg.intervals), status);
    this.statuses[status]++;
    this.cycleSources[d.features.cycle.source] = (this.cycleSources[d.features.cycle.source] ?? 0) + 1;
    if (d.health) {
      this.healthLevels[d.health.level]++;
      if (d.health.gapAlert) this.gapAlerts++;
    }
    if (pAlive !== null) {
      this.pAliveValues.push(pAlive);
      const bin = Math.min(P_ALIVE_BINS - 1, Math.floor(pAlive * P_ALIVE_BINS));
      this.pAliveBins[bin] = (this.pAliveBins[bin] ?? 0) + 1;
    }
    if (DORMANT_STATUSES.has(status)) this.dormantYearlyValues.push(d.features.yearlyValueYen);
    if (prev && prev.status !== status) {
      if (enteredDormancy(prev.status, status)) this.newlyDormant++;
      if (status === 'reactivating') this.newlyReactivating++;
      if (status === 'lost') this.newlyLost++;
    }
    if (status === 'at_risk') {
      keepAtRiskHead(this.atRisk, {
        customer_id: customerId,
        health_score: d.health?.score ?? null,
        health_level: d.health?.level ?? null,
        days_since_last_purchase: d.features.values.days_since_last_purchase,
        overdue_ratio: d.features.values.overdue_ratio,
      });
    }
  }

  /** Adds the tally of the next customer_id range. */
  merge(t: TallyData): void {
    this.customers += t.customers;
    for (const s of LIFECYCLE_STATUSES) this.statuses[s] += t.statuses[s];
    for (const k of Object.keys(this.healthLevels) as (keyof RunTally['healthLevels'])[]) {
      this.healthLevels[k] += t.healthLevels[k];
    }
    for (const [k, v] of Object.entries(t.cycleSources))
      this.cycleSources[k] = (this.cycleSources[k] ?? 0) + v;
    t.pAliveBins.forEach((v, i) => {
      this.pAliveBins[i] = (this.pAliveBins[i] ?? 0) + v;
    });
    this.pAliveValues.pushAll(t.pAliveValues);
    this.dormantYearlyValues.pushAll(t.dormantYearlyValues);
    for (const entry of t.atRisk) keepAtRiskHead(this.atRisk, entry);
    this.gapAlerts += t.gapAlerts;
    this.newlyDormant += t.newlyDormant;
    this.newlyReactivating += t.newlyReactivating;
    this.newlyLost += t.newlyLost;
    this.cohorts.merge(t.cohorts);
  }

  toData(): TallyData {
    return {
      customers: this.customers,
      statuses: this.statuses,
      healthLevels: this.healthLevels,
      cycleSources: this.cycleSources,
      pAliveBins: this.pAliveBins,
      pAliveValues: this.pAliveValues.toArray(),
      dormantYearlyValues: this.dormantYearlyValues.toArray(),
      atRisk: this.atRisk,
      gapAlerts: this.gapAlerts,
      newlyDormant: this.newlyDormant,
      newlyReactivating: this.newlyReactivating,
      newlyLost: this.newlyLost,
      cohorts: this.cohorts.cohorts,
    };
  }

  pAliveMedian(): number | null {
    return median(this.pAliveValues.toArray() as unknown as number[]);
  }

  dormantValues(): number[] {
    return Array.from(this.dormantYearlyValues.toArray());
  }
}

/** Keeps the AT_RISK_HEAD worst at-risk customers: lowest health first, then most overdue. */
function keepAtRiskHead(head: AtRiskEntry[], entry: AtRiskEntry): void {
  const worse = (a: AtRiskEntry, b: AtRiskEntry) =>
    (a.health_score ?? 101) - (b.health_score ?? 101) || (b.overdue_ratio ?? 0) - (a.overdue_ratio ?? 0);
  if (head.length < AT_RISK_HEAD) {
    head.push(entry);
    head.sort(worse);
  } else if (worse(entry, head[head.length - 1] as AtRiskEntry) < 0) {
    head[head.length - 1] = entry;
    head.sort(worse);
  }
}

export interface DecideContext {
  asOf: string;
  runId: number;
  peers: PeerCycles;
  settings: DetectSettings;
  params: FitParams | null;
  models: CustomerModels;
  /** P(alive) and expected purchases per distinct (x, t_x, T), shared across chunks. */
  modelCache: Map<string, [number, number]>;
}

/** Pass 2 for one chunk: decides each customer, counts it in the tally, returns the rows to store. */
export function decideChunk(
  chunk: readonly CustomerAggregate[],
  previous: ReadonlyMap<string, PreviousState>,
  ctx: DecideContext,
  tally: RunTally,
): CustomerStateRow[] {
  const { asOf, params, models, modelCache } = ctx;
  const rows: CustomerStateRow[] = [];
  for (const agg of chunk) {
    let model: [number, number] | null = null;
    const inputs = params ? bgnbdInputs(agg, asOf) : null;
    if (params && inputs) {
      const key = `${inputs.x},${inputs.tx},${inputs.T}`;
      model = modelCache.get(key) ?? null;
      if (!model) {
        model = [
          models.pAlive(params, inputs.x, inputs.tx, inputs.T),
          models.expectedPurchases(params, EXPECTED_PURCHASES_HORIZON_DAYS, inputs.x, inputs.tx, inputs.T),
        ];
        modelCache.set(key, model);
      }
    }
    const prev = previous.get(agg.customerId) ?? null;
    const d = analyseCustomer(agg, asOf, ctx.peers, prev, ctx.settings, model ? model[0] : null);
    tally.add(agg, d, prev, model ? model[0] : null);
    rows.push(stateRow(agg, d, ctx.runId, asOf, model, prev));
  }
  return rows;
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
  prev: PreviousState | null,
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
    reactivation_source: null,
    score_breakdown: null,
    reason_resolved: null,
    previous_status: prev?.status ?? null,
    newly_dormant: enteredDormancy(prev?.status ?? null, d.lifecycle.status) ? 1 : 0,
  };
}
