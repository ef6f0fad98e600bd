/**
 * The budget plan: reads the dormant customers of the last analysis, scores them with the saved
 * scoring and channel settings in force, and chooses whom to approach and how within a budget of
 * yen and rep-hours (core/prioritise/budgetPlan). Used by `mezame plan` and POST /api/plan.
 */
import { isReasonCategory, type ReasonCategory } from '../core/diagnose/index.js';
import { AppError } from '../core/errors.js';
import {
  type ApproachOption,
  type Place,
  type PlanCandidate,
  type PrioritiseInput,
  planWithinBudget,
  prioritiseCustomer,
} from '../core/prioritise/index.js';
import type { Storage } from '../storage/index.js';
import { type PlanInputRow, planInputs } from '../storage/planQueries.js';
import { loadPrioritiseSettings } from '../storage/settingsQueries.js';

export interface PlanOptions {
  budgetYen: number;
  repHours: number | null;
  base: Place | null;
}

interface ChoiceContext {
  row: PlanInputRow;
  rank: string;
  score: number;
  reason: { category: ReasonCategory; confidence: number } | null;
  probabilitySource: 'analysis' | 'fallback';
}

type ContextOption = ApproachOption & { context: ChoiceContext };

export interface PlanChoiceJson {
  customer_id: string;
  name: string;
  owner: string | null;
  status: string;
  rank: string;
  score: number;
  reason: { category: string; confidence: number } | null;
  channels: string[];
  cost_yen: number;
  rep_hours: number;
  probability: number;
  probability_source: 'analysis' | 'fallback';
  expected_value_yen: number;
}

export interface PlanJson {
  summary: {
    budget_yen: number;
    rep_hours: number | null;
    method: string;
    guarantee: string;
    customers_considered: number;
    customers_with_options: number;
    chosen: number;
    total_expected_value_yen: number;
    spent_yen: number;
    unspent_yen: number;
    used_rep_hours: number;
    unused_rep_hours: number | null;
    by_rank: Record<string, number>;
    by_channel: Record<string, number>;
    /** The saved settings versions the plan used (null: the built-in defaults). */
    settings: { scoring_version: number | null; channels_version: number | null };
  };
  choices: PlanChoiceJson[];
}

const flag = (v: number | null) => (v === null ? null : v === 1);

function toInput(row: PlanInputRow): { input: PrioritiseInput; reason: ChoiceContext['reason'] } {
  const reason =
    row.reason_category !== null && isReasonCategory(row.reason_category) && row.reason_confidence !== null
      ? { category: row.reason_category, confidence: Number(row.reason_confidence) }
      : null;
  const competitor =
    reason?.category === 'competitor' ? (reason.confidence >= 0.7 ? 'switched' : 'mentioned') : 'unknown';
  return {
    reason,
    input: {
      daysSinceLastPurchase: row.days_since_last_purchase,
      value: {
        totalSpendYen: row.total_spend_yen ?? 0,
        firstPurchaseDay: row.first_purchase_day,
        lastPurchaseDay: row.last_purchase_day,
        yearlySpendYen: row.yearly_value_yen,
      },
      reason,
      competitorUse: competitor,
      location: { prefecture: row.prefecture, lat: row.lat, lng: row.lng },
      pAlive: row.p_alive,
      modelProbability: row.reactivation_probability,
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
        isUnsubscribed: row.is_unsubscribed,
        isEmailBouncing: row.is_email_bouncing,
      },
    },
  };
}

/** Reads the dormant customers of the last analysis and plans the approaches within the limits. */
export async function buildPlan(storage: Storage, options: PlanOptions): Promise<PlanJson> {
  // The saved scoring (weights, bands, cut-offs) and channel settings (costs, consent) in force.
  const { settings, versions } = await loadPrioritiseSettings(storage, options.base);
  const candidates: PlanCandidate<ContextOption>[] = [];
  let considered = 0;
  for await (const page of planInputs(storage)) {
    for (const row of page) {
      considered++;
      const { input, reason } = toInput(row);
      const result = prioritiseCustomer(input, settings);
      if (result.options.length === 0) continue;
      const context: ChoiceContext = {
        row,
        rank: result.score.rank,
        score: result.score.total,
        reason,
        probabilitySource: result.reactivation.source === 'model' ? 'analysis' : 'fallback',
      };
      candidates.push({
        customerId: row.customer_id,
        options: result.options.map((o) => ({ ...o, context })),
      });
    }
  }
  if (considered === 0) {
    const any = await storage.db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirst();
    if (Number(any?.n ?? 0) === 0) {
      throw new AppError(
        'insufficient_data',
        'No customers to plan for: import customers and orders first. Nothing was changed.',
      );
    }
  }
  const plan = planWithinBudget(candidates, { budgetYen: options.budgetYen, repHours: options.repHours });
  const byRank: Record<string, number> = {};
  const byChannel: Record<string, number> = {};
  const choices = plan.choices
    .map(({ option }): PlanChoiceJson => {
      const { row, rank, score, reason, probabilitySource } = option.context;
      byRank[rank] = (byRank[rank] ?? 0) + 1;
      for (const c of option.channels) byChannel[c] = (byChannel[c] ?? 0) + 1;
      return {
        customer_id: row.customer_id,
        name: row.name,
        owner: row.owner,
        status: row.status,
        rank,
        score,
        reason,
        channels: option.channels,
        cost_yen: option.costYen,
        rep_hours: option.repHours,
        probability: Math.round(option.probability * 10_000) / 10_000,
        probability_source: probabilitySource,
        expected_value_yen: Math.round(option.expectedValueYen),
      };
    })
    .sort(
      (a, b) => b.expected_value_yen - a.expected_value_yen || a.customer_id.localeCompare(b.customer_id),
    );
  return {
    summary: {
      budget_yen: options.budgetYen,
      rep_hours: options.repHours,
      method: plan.method,
      guarantee: plan.guarantee,
      customers_considered: considered,
      customers_with_options: candidates.length,
      chosen: plan.choices.length,
      total_expected_value_yen: Math.round(plan.totalExpectedValueYen),
      spent_yen: plan.spentYen,
      unspent_yen: plan.unspentYen,
      used_rep_hours: plan.usedRepHours,
      unused_rep_hours: plan.unusedRepHours,
      by_rank: byRank,
      by_channel: byChannel,
      settings: { scoring_version: versions.scoring, channels_version: versions.channels },
    },
    choices,
  };
}
