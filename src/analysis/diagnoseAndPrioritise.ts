/**
 * The Diagnose and Prioritise steps of `mezame analyze`, run after Detect has stored every
 * customer's state: for each at-risk, dormant or lost customer, why they went quiet
 * (inferReasons over their evidence, a person's override first), whether a fixed problem or a
 * price decrease answers that reason (the improvement → re-approach loop, stored as
 * reapproach_flags), the score and rank with its breakdown, the reactivation probability (a model
 * trained on past dormant episodes when the history allows, else the fallback — and the summary
 * says which), the expected value and the recommended channels. Results go into customer_state;
 * saved segments are recounted at the end.
 */
import { addDays, dayNumber, daysBetween } from '../core/detect/isoDays.js';
import {
  type BusinessChange,
  type ChangeKind,
  findReapproachCustomers,
  inferReasons,
  isReasonCategory,
  type ReapproachCustomer,
  type ReasonInput,
  type ReasonResult,
} from '../core/diagnose/index.js';
import {
  type LogisticModel,
  type PrioritiseSettings,
  type ReactivationEpisode,
  predictReactivation,
  prioritiseCustomer,
  trainReactivationModel,
} from '../core/prioritise/index.js';
import { dormantFeatures, sampleEpisodes } from '../core/prioritise/pastEpisodes.js';
import { breakdownText } from '../core/prioritise/scoreBreakdown.js';
import {
  type CustomerEvidence,
  changesUpTo,
  customerEvidence,
  DIAGNOSIS_PAGE_SIZE,
  type DiagnosisCandidateRow,
  type DiagnosisUpdate,
  diagnosisCandidates,
  insertReapproachFlags,
  type ReapproachFlagRow,
  type StoredChange,
  writeDiagnosis,
} from '../storage/diagnosisQueries.js';
import type { Storage } from '../storage/index.js';
import { pastDormantEpisodes } from '../storage/reactivationHistory.js';
import { refreshSegmentCounts } from '../storage/segmentQueries.js';
import { loadPrioritiseSettings } from '../storage/settingsQueries.js';

/** Emails counted for "no opens in the last N emails". */
const ENGAGEMENT_EMAILS = 6;
/** Marketing messages per month are measured over this many days before the last purchase. */
const FREQUENCY_WINDOW_DAYS = 180;
const USAGE_WINDOW_DAYS = 30;
const MARKETING_TYPES = new Set(['email_sent', 'dm_sent', 'sms_sent']);
const INTERACTION_TYPES = new Set(['support_ticket', 'inquiry', 'survey_response', 'call', 'visit']);
const PRICE_KINDS = new Set(['price_increase', 'price_decrease']);

export interface ReactivationModelSummary {
  trained: boolean;
  /** Why the fallback is used (too little history), when trained is false. */
  fallback_reason: string | null;
  /** Episodes trained and tested on; an even sample of `episodes_available` when that is larger. */
  episodes: number;
  episodes_available: number;
  snapshots: string[];
  auc: number | null;
  brier: number | null;
  calibration_error: number | null;
  reliability: { from: number; to: number; count: number; predicted: number; observed: number }[];
  train_size: number | null;
  test_size: number | null;
  test_from_day: string | null;
  base_rate: number | null;
}

export interface DiagnosisSummary {
  customers: number;
  reasons: Record<string, number>;
  overrides: number;
  ranks: Record<string, number>;
  reactivation_model: ReactivationModelSummary;
  reapproach: { changes: number; flagged: number; newly_flagged: number };
  segments_counted: number;
  /** The saved settings versions the run used (null: the built-in defaults). */
  settings: { scoring_version: number | null; channels_version: number | null };
  seconds: number;
}

const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits;
const flag = (v: number | null) => (v === null ? null : v === 1);

function usageRatio(usage: CustomerEvidence['usage'], asOf: string): number | null {
  if (!usage?.firstBefore || !usage.before) return null;
  const spanDays = daysBetween(usage.firstBefore, asOf) - USAGE_WINDOW_DAYS;
  const average = usage.before / Math.max(spanDays / USAGE_WINDOW_DAYS, 1);
  return average > 0 ? usage.last30 / average : null;
}

/** The reason-inference input of one customer from the stored evidence. */
export function reasonInput(
  row: DiagnosisCandidateRow,
  evidence: CustomerEvidence,
  priceChanges: readonly StoredChange[],
  asOf: string,
): ReasonInput {
  const last = row.last_purchase_day;
  const day = (instant: string) => instant.slice(0, 10);
  const messages = evidence.messageEvents;
  const after = last === null ? messages : messages.filter((e) => day(e.occurred_at) > last);
  const sent = after.filter((e) => e.type === 'email_sent').slice(-ENGAGEMENT_EMAILS);
  const windowStart = sent[0] ? day(sent[0].occurred_at) : null;
  const opened =
    windowStart === null
      ? 0
      : after.filter(
          (e) => (e.type === 'email_open' || e.type === 'email_click') && day(e.occurred_at) >= windowStart,
        ).length;
  const interactions = evidence.textEvents.filter(
    (e) => INTERACTION_TYPES.has(e.type) && (last === null || day(e.occurred_at) > last),
  ).length;
  let perMonth: number | null = null;
  if (last !== null) {
    const floor = dayNumber(last) - FREQUENCY_WINDOW_DAYS;
    const before = messages.filter((e) => {
      const n = dayNumber(day(e.occurred_at));
      return MARKETING_TYPES.has(e.type) && n <= dayNumber(last) && n > floor;
    }).length;
    perMonth = before / (FREQUENCY_WINDOW_DAYS / 30);
  }
  const override = evidence.override;
  return {
    lastPurchaseDay: last,
    status: row.status,
    purchasedProducts: evidence.products,
    purchasedCategories: evidence.categories,
    texts: evidence.textEvents.map((e) => ({ type: e.type, day: day(e.occurred_at), text: e.text ?? '' })),
    priceChanges: priceChanges.map((c) => ({
      kind: c.kind as 'price_increase' | 'price_decrease',
      day: c.started_at.slice(0, 10),
      product: c.product,
      category: c.category,
    })),
    contacts: evidence.contacts,
    emailBounceDays: messages.filter((e) => e.type === 'email_bounce').map((e) => day(e.occurred_at)),
    unsubscribeDays: messages.filter((e) => e.type === 'unsubscribe').map((e) => day(e.occurred_at)),
    competitorMentions: evidence.competitorEvents.map((e) => ({ day: day(e.occurred_at), text: e.text })),
    usageRatio: usageRatio(evidence.usage, asOf),
    engagement: {
      emailsSent: sent.length,
      emailsOpened: opened,
      interactionsSinceLastPurchase: interactions,
      marketingMessagesPerMonth: perMonth,
    },
    subscriptionCancel: evidence.subscriptionCancel,
    override:
      override && isReasonCategory(override.category)
        ? { category: override.category, note: override.note, by: override.by, at: override.at }
        : null,
  };
}

/** The earliest day the engagement rules look at in a page: 180 days before its oldest last purchase. */
export function messagesFrom(page: readonly DiagnosisCandidateRow[]): string | null {
  let oldest: string | null = null;
  for (const row of page) {
    if (row.last_purchase_day === null) return null;
    if (oldest === null || row.last_purchase_day < oldest) oldest = row.last_purchase_day;
  }
  return oldest === null ? null : addDays(oldest, -FREQUENCY_WINDOW_DAYS);
}

/**
 * The reactivation model from past dormant episodes (pastDormantEpisodes, or the same episodes
 * the analysis workers build chunk by chunk), or the fallback and why.
 */
export function modelFromEpisodes(
  episodes: readonly ReactivationEpisode[],
  snapshots: string[],
  available: number = episodes.length,
): { model: LogisticModel | null; summary: ReactivationModelSummary } {
  const empty = {
    episodes: episodes.length,
    episodes_available: available,
    snapshots,
    auc: null,
    brier: null,
    calibration_error: null,
    reliability: [],
    train_size: null,
    test_size: null,
    test_from_day: null,
    base_rate: null,
  };
  if (snapshots.length === 0) {
    return {
      model: null,
      summary: {
        trained: false,
        fallback_reason: `order history shorter than the ${180}-day horizon: no past dormant episodes; using rank rate × P(alive)`,
        ...empty,
      },
    };
  }
  const result = trainReactivationModel(episodes, { calibration: 'platt' });
  if (!result.ok) {
    return {
      model: null,
      summary: { trained: false, fallback_reason: `${result.reason}; using rank rate × P(alive)`, ...empty },
    };
  }
  const e = result.evaluation;
  return {
    model: result.model,
    summary: {
      trained: true,
      fallback_reason: null,
      episodes: episodes.length,
      episodes_available: available,
      snapshots,
      auc: round(e.auc),
      brier: round(e.brier),
      calibration_error: round(e.calibrationError),
      reliability: e.reliability
        .filter((b) => b.count > 0)
        .map((b) => ({
          from: b.lower,
          to: b.upper,
          count: b.count,
          predicted: round(b.meanPredicted),
          observed: round(b.observedRate),
        })),
      train_size: e.trainSize,
      test_size: e.testSize,
      test_from_day: e.testFromDay,
      base_rate: round(e.baseRate),
    },
  };
}

function businessChange(c: StoredChange): BusinessChange {
  return {
    changeId: c.change_id,
    kind: c.kind as ChangeKind,
    product: c.product,
    category: c.category,
    startedAt: c.started_at,
    resolvedAt: c.resolved_at,
    description: c.description,
  };
}

/** Changes that can answer a reason by as-of: resolved product issues, improvements, price decreases. */
function answeringChanges(changes: readonly StoredChange[], asOf: string): BusinessChange[] {
  return changes
    .filter(
      (c) =>
        (c.kind === 'product_issue' && c.resolved_at !== null && c.resolved_at.slice(0, 10) <= asOf) ||
        c.kind === 'product_improvement' ||
        c.kind === 'price_decrease',
    )
    .map(businessChange);
}

/** What diagnosing a customer needs from the whole run (plain data: it crosses to analysis workers). */
export interface DiagnosisPlan {
  asOf: string;
  runId: number;
  flaggedAt: string;
  settings: PrioritiseSettings;
  versions: { scoring: number | null; channels: number | null };
  model: LogisticModel | null;
  modelSummary: ReactivationModelSummary;
  priceChanges: StoredChange[];
  answering: BusinessChange[];
}

/**
 * The products and categories the run's business changes name: a customer's purchases are only
 * ever matched against these (price increases in reasonInference, answering changes in the
 * improvement loop), so only these are read.
 */
export function namedGoods(plan: DiagnosisPlan): { products: string[]; categories: string[] } {
  const products = new Set<string>();
  const categories = new Set<string>();
  for (const c of [...plan.priceChanges, ...plan.answering]) {
    if (c.product) products.add(c.product);
    if (c.category) categories.add(c.category);
  }
  return { products: [...products], categories: [...categories] };
}

/** The diagnosis counts of the summary; parts merged in customer_id order give one pass's counts. */
export interface DiagnosisTally {
  customers: number;
  reasons: Record<string, number>;
  ranks: Record<string, number>;
  overrides: number;
}

export function emptyDiagnosisTally(): DiagnosisTally {
  return { customers: 0, reasons: {}, ranks: {}, overrides: 0 };
}

/** Adds the tally of the next customer_id range (keys keep the order of first appearance). */
export function mergeDiagnosisTally(into: DiagnosisTally, part: DiagnosisTally): void {
  into.customers += part.customers;
  into.overrides += part.overrides;
  for (const [k, v] of Object.entries(part.reasons)) into.reasons[k] = (into.reasons[k] ?? 0) + v;
  for (const [k, v] of Object.entries(part.ranks)) into.ranks[k] = (into.ranks[k] ?? 0) + v;
}

/**
 * A "reason resolved" flag with where it was found: the change's index in plan.answering and the
 * customer's place among the diagnosed customers of the page (or worker chunk).
 */
export interface PlacedFlag {
  change: number;
  position: number;
  flag: ReapproachFlagRow;
}

/**
 * Everything but the customers: settings, the reactivation model (trained from `episodes` when
 * given, else from the order history), the business changes by as-of.
 */
export async function prepareDiagnosis(
  storage: Storage,
  runId: number,
  asOf: string,
  options: {
    given?: PrioritiseSettings;
    flaggedAt: string;
    episodes?: { episodes: ReactivationEpisode[]; snapshots: string[] };
    /** A model already trained (from the same episodes, e.g. on another thread). */
    trained?: { model: LogisticModel | null; summary: ReactivationModelSummary };
  },
): Promise<DiagnosisPlan> {
  const { settings, versions } = options.given
    ? { settings: options.given, versions: { scoring: null, channels: null } }
    : await loadPrioritiseSettings(storage);
  let trained = options.trained;
  if (!trained) {
    const history = options.episodes ?? (await pastDormantEpisodes(storage, asOf));
    const { sample, available } = sampleEpisodes(history.episodes);
    trained = modelFromEpisodes(sample, history.snapshots, available);
  }
  const { model, summary: modelSummary } = trained;
  const changes = await changesUpTo(storage, asOf);
  return {
    asOf,
    runId,
    flaggedAt: options.flaggedAt,
    settings,
    versions,
    model,
    modelSummary,
    priceChanges: changes.filter((c) => PRICE_KINDS.has(c.kind)),
    answering: answeringChanges(changes, asOf),
  };
}

/**
 * Diagnoses one page of candidates (customer_id order) with their evidence: the result columns
 * of each, in page order, and the "reason resolved" flags, change by change.
 */
export function diagnosePage(
  page: readonly DiagnosisCandidateRow[],
  evidence: ReadonlyMap<string, CustomerEvidence>,
  plan: DiagnosisPlan,
  tally: DiagnosisTally,
): { updates: DiagnosisUpdate[]; flags: PlacedFlag[] } {
  const { asOf, runId, flaggedAt, settings, model, priceChanges, answering } = plan;
  const flags: PlacedFlag[] = [];
  const positionOf = new Map<string, number>();
  page.forEach((row, k) => {
    positionOf.set(row.customer_id, k);
  });
  const inferred = new Map<string, ReasonResult>();
  const reapproachInputs: ReapproachCustomer[] = [];
  for (const row of page) {
    const ev = evidence.get(row.customer_id) as CustomerEvidence;
    const result = inferReasons(reasonInput(row, ev, priceChanges, asOf), asOf);
    inferred.set(row.customer_id, result);
    reapproachInputs.push({
      customerId: row.customer_id,
      reason: result,
      purchasedProducts: ev.products,
      purchasedCategories: ev.categories,
      isDormant: row.status !== 'at_risk',
    });
  }
  const resolved = new Set<string>();
  answering.forEach((change, changeIndex) => {
    for (const m of findReapproachCustomers(change, reapproachInputs, asOf).matches) {
      resolved.add(m.customerId);
      flags.push({
        change: changeIndex,
        position: positionOf.get(m.customerId) as number,
        flag: {
          customer_id: m.customerId,
          change_id: m.changeId,
          flagged_at: flaggedAt,
          run_id: runId,
          reason_category: m.category,
          confidence: round(m.confidence),
          scope: m.scope,
          is_theme_confirmed: m.isThemeConfirmed ? 1 : 0,
          line: m.line,
        },
      });
    }
  });
  const updates: DiagnosisUpdate[] = [];
  for (const row of page) {
    tally.customers++;
    const result = inferred.get(row.customer_id) as ReasonResult;
    const primary = result.primary;
    const hasReason = primary.category !== 'unknown';
    tally.reasons[primary.category] = (tally.reasons[primary.category] ?? 0) + 1;
    if (primary.evidence.some((e) => e.kind === 'override')) tally.overrides++;
    const facts = {
      firstPurchaseDay: row.first_purchase_day,
      lastPurchaseDay: row.last_purchase_day,
      purchaseDays: row.purchase_days,
      totalSpendYen: row.total_spend_yen ?? 0,
    };
    const features = model ? dormantFeatures(facts, asOf) : null;
    const competitor = result.ranked.find((c) => c.category === 'competitor');
    const p = prioritiseCustomer(
      {
        daysSinceLastPurchase: row.days_since_last_purchase,
        value: {
          totalSpendYen: row.total_spend_yen ?? 0,
          firstPurchaseDay: row.first_purchase_day,
          lastPurchaseDay: row.last_purchase_day,
          yearlySpendYen: row.yearly_value_yen,
        },
        reason: hasReason ? { category: primary.category, confidence: primary.confidence } : null,
        isReasonResolved: resolved.has(row.customer_id),
        competitorUse: competitor
          ? competitor.confidence >= 0.7
            ? 'switched'
            : 'mentioned'
          : hasReason
            ? 'none'
            : 'unknown',
        location: { prefecture: row.prefecture, lat: row.lat, lng: row.lng },
        pAlive: row.p_alive,
        modelProbability: model && features ? predictReactivation(model, features) : null,
        reach: {
          email: row.email,
          phone: row.phone,
          postalCode: row.postal_code,
          address: row.address,
          emailOptIn: flag(row.email_opt_in),
          smsOptIn: flag(row.sms_opt_in),
          dmOk: flag(row.dm_ok),
          phoneOk: flag(row.phone_ok),
          doNotContact: row.do_not_contact === 1,
          kind: row.kind,
          isUnsubscribed: (evidence.get(row.customer_id)?.messageEvents ?? []).some(
            (e) => e.type === 'unsubscribe',
          ),
        },
      },
      settings,
    );
    tally.ranks[p.score.rank] = (tally.ranks[p.score.rank] ?? 0) + 1;
    updates.push({
      customer_id: row.customer_id,
      reason_category: primary.category,
      reason_confidence: round(primary.confidence),
      reason_evidence: JSON.stringify(
        [
          ...primary.evidence.map((e) => ({ kind: e.kind, day: e.day, line: e.line })),
          ...result.ranked
            .filter((c) => c !== primary && c.category !== 'unknown')
            .map((c) => ({
              kind: 'other_reason',
              day: null,
              category: c.category,
              confidence: round(c.confidence),
              line: c.evidence[0]?.line ?? c.category,
            })),
        ].slice(0, 12),
      ),
      score: p.score.total,
      rank: p.score.rank,
      reactivation_probability: round(p.reactivation.probability),
      reactivation_source: p.reactivation.source,
      expected_value: Math.round(p.expectedValue.expectedValueYen),
      recommended_channels: JSON.stringify(p.recommendation.channels.map((c) => c.channel)),
      score_breakdown: breakdownText(p.score.breakdown),
      reason_resolved: resolved.has(row.customer_id) ? 1 : 0,
    });
  }
  return { updates, flags };
}

/** Stores the flags, recounts the saved segments and sums the diagnosis up. */
export async function finishDiagnosis(
  storage: Storage,
  plan: DiagnosisPlan,
  tally: DiagnosisTally,
  flags: readonly ReapproachFlagRow[],
  started: Date,
  now: () => Date,
): Promise<DiagnosisSummary> {
  const newlyFlagged = await insertReapproachFlags(storage, flags);
  const segmentsCounted = await refreshSegmentCounts(storage, plan.flaggedAt);
  return {
    customers: tally.customers,
    reasons: tally.reasons,
    overrides: tally.overrides,
    ranks: tally.ranks,
    reactivation_model: plan.modelSummary,
    reapproach: { changes: plan.answering.length, flagged: flags.length, newly_flagged: newlyFlagged },
    segments_counted: segmentsCounted,
    settings: { scoring_version: plan.versions.scoring, channels_version: plan.versions.channels },
    seconds: Math.round((now().getTime() - started.getTime()) / 100) / 10,
  };
}

/**
 * Flags found part by part (position: the customer's place among all diagnosed customers) in
 * the order one pass over DIAGNOSIS_PAGE_SIZE pages finds them: page, change, customer.
 */
export function flagsInPageOrder(placed: readonly PlacedFlag[]): ReapproachFlagRow[] {
  const page = (f: PlacedFlag) => Math.floor(f.position / DIAGNOSIS_PAGE_SIZE);
  return [...placed]
    .sort((a, b) => page(a) - page(b) || a.change - b.change || a.position - b.position)
    .map((f) => f.flag);
}

/**
 * Diagnoses and prioritises every at-risk, dormant and lost customer of the run just stored.
 *
 * @example const diagnosis = await diagnoseAndPrioritise(storage, runId, '2025-03-31');
 */
export async function diagnoseAndPrioritise(
  storage: Storage,
  runId: number,
  asOf: string,
  /** Default: the saved scoring and channel settings in force (defaults where never saved). */
  given?: PrioritiseSettings,
  now: () => Date = () => new Date(),
): Promise<DiagnosisSummary> {
  const started = now();
  const plan = await prepareDiagnosis(storage, runId, asOf, { given, flaggedAt: started.toISOString() });
  const tally = emptyDiagnosisTally();
  const flags: ReapproachFlagRow[] = [];
  const goods = namedGoods(plan);
  for await (const page of diagnosisCandidates(storage, DIAGNOSIS_PAGE_SIZE)) {
    const evidence = await customerEvidence(
      storage,
      page.map((r) => r.customer_id),
      asOf,
      { messagesFrom: messagesFrom(page), goods },
    );
    const result = diagnosePage(page, evidence, plan, tally);
    for (const f of result.flags) flags.push(f.flag);
    await writeDiagnosis(storage, result.updates);
  }
  return finishDiagnosis(storage, plan, tally, flags, started, now);
}

/** The diagnosis part of the `mezame analyze` text summary (empty when the run has none). */
export function diagnosisLines(summary: { diagnosis?: DiagnosisSummary }): string[] {
  const d = summary.diagnosis;
  if (!d) return [];
  const reasons = Object.entries(d.reasons)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
    .join(', ');
  const ranks = ['A', 'B', 'C', 'D'].map((r) => `${r} ${(d.ranks[r] ?? 0).toLocaleString('en')}`).join(', ');
  const m = d.reactivation_model;
  const lines = [
    '',
    `Diagnosed ${d.customers.toLocaleString('en')} at-risk, dormant and lost customers (${d.overrides} reasons recorded by a person)`,
    `  reasons: ${reasons || '-'}`,
    `  ranks: ${ranks}`,
    m.trained
      ? `  reactivation model: ${m.episodes.toLocaleString('en')} past dormant episodes (${m.snapshots.length} snapshots), held-out from ${m.test_from_day}: AUC ${m.auc?.toFixed(3)}, calibration error ${m.calibration_error?.toFixed(3)}, base rate ${((m.base_rate ?? 0) * 100).toFixed(1)} %`
      : `  reactivation probability: fallback (${m.fallback_reason})`,
    `  reason resolved: ${d.reapproach.flagged.toLocaleString('en')} customers flagged by ${d.reapproach.changes} changes (${d.reapproach.newly_flagged} new) — mezame report reapproach`,
  ];
  if (d.segments_counted > 0) lines.push(`  segments recounted: ${d.segments_counted}`);
  const version = (v: number | null | undefined) => (v == null ? 'defaults' : `version ${v}`);
  if (d.settings)
    lines.push(
      `  settings: scoring ${version(d.settings.scoring_version)}, channels ${version(d.settings.channels_version)}`,
    );
  return lines;
}
