/** Prioritise: scoring and ranks, reactivation probability, expected value, channels, budget plan. */

export {
  DEFAULT_EXACT_STATE_LIMIT,
  type Plan,
  type PlanCandidate,
  type PlanChoice,
  type PlanLimits,
  type PlanOption,
  type PlanSettings,
  planWithinBudget,
} from './budgetPlan.js';
export {
  CONSENT_RULES,
  ChannelConfig,
  type ChannelEntry,
  type ConsentPolicy,
  type ConsentRule,
  CUSTOMER_KINDS,
  type CustomerKind,
  channelCostsAndConsent,
  consentRuleFor,
  DEFAULT_CHANNEL_CONFIG,
  DEFAULT_CONSENT_POLICY,
  parseChannelConfig,
} from './channelConfig.js';
export {
  type ApproachOption,
  approachOptions,
  type ChannelRecommendation,
  type ChannelSettings,
  channelBlock,
  DEFAULT_CHANNEL_SETTINGS,
  type Reachability,
  type RecommendedChannel,
  recommendChannels,
} from './channelChoice.js';
export {
  CHANNELS,
  type Channel,
  type ChannelCost,
  DEFAULT_GROSS_MARGIN_RATE,
  RANK_CHANNEL_MATRIX,
  RANKS,
  type Rank,
  REASON_CHANNEL_SEQUENCES,
  SEED_CHANNEL_COSTS,
  SEED_RANK_AVERAGE_ORDER_YEN,
  SEED_RANK_CUTOFFS,
  SEED_RANK_REACTIVATION_RATES,
  SEED_WEIGHTS,
  SUITABILITY_SCORE,
  type Suitability,
} from './defaults.js';
export {
  type ExpectedValue,
  expectedValue,
  expectedYearlyValue,
  type ValueHistory,
  type YearlyValue,
} from './expectedValue.js';
export {
  haversineKm,
  type Place,
  type PlaceDistance,
  placeDistance,
  prefectureCapital,
} from './geography.js';
export {
  DEFAULT_PRIORITISE_SETTINGS,
  type Prioritisation,
  type PrioritiseInput,
  type PrioritiseSettings,
  prioritiseCustomer,
} from './prioritiseCustomer.js';
export {
  aucScore,
  calibrationReport,
  fallbackReactivation,
  fitLogisticIrls,
  type LogisticModel,
  type ModelEvaluation,
  predictReactivation,
  type ReactivationEpisode,
  type ReactivationEstimate,
  type ReliabilityBin,
  reactivationFeatures,
  type TrainOptions,
  type TrainResult,
  trainReactivationModel,
} from './reactivationModel.js';
export {
  COMPETITOR_USE,
  type CompetitorUse,
  type ConfigViolation,
  CRITERIA,
  type Criterion,
  type CriterionScore,
  type CustomerScore,
  competitorUseFromReason,
  DEFAULT_SCORING_CONFIG,
  parseScoringConfig,
  rankOf,
  type ScoreInput,
  ScoringConfig,
  scoreCustomer,
  scoreFromPoints,
} from './scoringModel.js';
export { type BreakdownEntry, breakdownText, parseBreakdown } from './scoreBreakdown.js';
