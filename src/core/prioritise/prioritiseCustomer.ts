/**
 * One customer through Prioritise: score and rank → reactivation probability (the trained model's
 * when given, else the seed-rank fallback) → channels → approach options and expected value.
 * Pure; adapters (analysis run, `mezame plan`) load the inputs and store or print the result.
 */
import type { ReasonCategory } from '../diagnose/index.js';
import {
  type ApproachOption,
  approachOptions,
  type ChannelRecommendation,
  type ChannelSettings,
  DEFAULT_CHANNEL_SETTINGS,
  type Reachability,
  recommendChannels,
} from './channelChoice.js';
import { DEFAULT_GROSS_MARGIN_RATE } from './defaults.js';
import {
  type ExpectedValue,
  expectedValue,
  expectedYearlyValue,
  type ValueHistory,
  type YearlyValue,
} from './expectedValue.js';
import type { Place } from './geography.js';
import { fallbackReactivation, type ReactivationEstimate } from './reactivationModel.js';
import {
  type CompetitorUse,
  type CustomerScore,
  DEFAULT_SCORING_CONFIG,
  type ScoringConfig,
  scoreCustomer,
} from './scoringModel.js';

export interface PrioritiseInput {
  daysSinceLastPurchase: number | null;
  value: ValueHistory;
  reason: { category: ReasonCategory; confidence: number } | null;
  isReasonResolved?: boolean;
  competitorUse?: CompetitorUse | null;
  location?: Place | null;
  emails?: { sent: number; opened: number; clicked?: number } | null;
  pAlive: number | null;
  /** A probability from the trained reactivation model; null to use the fallback. */
  modelProbability?: number | null;
  reach: Reachability;
}

export interface PrioritiseSettings {
  scoring: ScoringConfig;
  channels: ChannelSettings;
  /** The company's (or the owner's) base for the proximity criterion. */
  base: Place | null;
  defaultMarginRate: number;
}

export const DEFAULT_PRIORITISE_SETTINGS: PrioritiseSettings = {
  scoring: DEFAULT_SCORING_CONFIG,
  channels: DEFAULT_CHANNEL_SETTINGS,
  base: null,
  defaultMarginRate: DEFAULT_GROSS_MARGIN_RATE,
};

export interface Prioritisation {
  score: CustomerScore;
  reactivation: ReactivationEstimate;
  yearlyValue: YearlyValue;
  recommendation: ChannelRecommendation;
  /** EV of the full recommended approach (all recommended channels). */
  expectedValue: ExpectedValue;
  /** The approaches the budget planner may choose from (positive EV only). */
  options: ApproachOption[];
}

/**
 * @example
 * prioritiseCustomer({ daysSinceLastPurchase: 400, reason: { category: 'price', confidence: 0.6 }, pAlive: 0.3,
 *   value: { totalSpendYen: 3_000_000, firstPurchaseDay: '2021-01-01', lastPurchaseDay: '2024-10-01' },
 *   reach: { email: 'a@b.jp', emailOptIn: true } }).recommendation.channels[0].channel // 'email'
 */
export function prioritiseCustomer(
  input: PrioritiseInput,
  settings: PrioritiseSettings = DEFAULT_PRIORITISE_SETTINGS,
): Prioritisation {
  const yearlyValue = expectedYearlyValue(input.value, settings.defaultMarginRate);
  const score = scoreCustomer(
    {
      totalSpendYen: input.value.totalSpendYen,
      yearlySpendYen: yearlyValue.yearlySpendYen,
      daysSinceLastPurchase: input.daysSinceLastPurchase,
      reason: input.reason,
      isReasonResolved: input.isReasonResolved ?? false,
      competitorUse: input.competitorUse ?? null,
      location: input.location ?? null,
      base: settings.base,
      emails: input.emails ?? null,
    },
    settings.scoring,
  );
  const reactivation: ReactivationEstimate =
    input.modelProbability != null && Number.isFinite(input.modelProbability)
      ? {
          probability: input.modelProbability,
          source: 'model',
          explanation: 'reactivation model trained on past episodes',
        }
      : fallbackReactivation({ rank: score.rank, pAlive: input.pAlive });
  const recommendation = recommendChannels(
    { rank: score.rank, reason: input.reason, reach: input.reach },
    settings.channels,
  );
  return {
    score,
    reactivation,
    yearlyValue,
    recommendation,
    expectedValue: expectedValue({
      probability: reactivation.probability,
      yearlyGrossProfitYen: yearlyValue.yearlyGrossProfitYen,
      approachCostYen: recommendation.costYen,
    }),
    options: approachOptions(
      recommendation,
      reactivation.probability,
      yearlyValue.yearlyGrossProfitYen,
      settings.channels,
    ),
  };
}
