/**
 * The weighted scoring model of seed 000 (「スコアリングモデルの具体例」): six criteria, each scored
 * 1–10 from the customer's data, multiplied by its weight and summed (maximum 210 with the seed's
 * weights); the total gives the rank A/B/C/D. Everything is configuration, validated with zod, so
 * settings can change weights, bands and cut-offs.
 *
 * Bands: the seed gives the ends of each scale (past value 1: < ¥100,000 → 10: ≥ ¥10,000,000;
 * dormancy 1: 3 years or more → 10: under 6 months; solvability 1: cannot be solved → 10: solved;
 * competitor use 1: long contract with a competitor → 10: none; proximity 1: far → 10: same area;
 * digital responsiveness 1: no reaction → 10: high reaction). The steps in between are ours.
 * A criterion without data scores its `unknown_points` (neutral 5 by default), not 1, so missing
 * data neither rewards nor buries a customer.
 */
import { z } from 'zod';
import { REASON_CATEGORIES, type ReasonCategory, type ReasonResult } from '../diagnose/index.js';
import { type Rank, SEED_RANK_CUTOFFS, SEED_WEIGHTS } from './defaults.js';
import { type Place, placeDistance } from './geography.js';
import { yenText } from '../yenText.js';

export const CRITERIA = [
  'past_value',
  'dormancy_length',
  'reason_solvability',
  'competitor_use',
  'geographic_proximity',
  'digital_responsiveness',
] as const;
export type Criterion = (typeof CRITERIA)[number];

export const COMPETITOR_USE = [
  'none',
  'unknown',
  'considering',
  'mentioned',
  'switched',
  'long_contract',
] as const;
export type CompetitorUse = (typeof COMPETITOR_USE)[number];

const Points = z.number().int().min(1).max(10);
const Weight = z.number().min(0).max(100);

function ascending<T>(key: (item: T) => number, what: string) {
  return (items: readonly T[], ctx: z.RefinementCtx) => {
    for (let i = 1; i < items.length; i++) {
      if (key(items[i] as T) <= key(items[i - 1] as T)) {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `${what} must increase from one band to the next`,
        });
      }
    }
  };
}

export const ScoringConfig = z
  .object({
    weights: z.object({
      past_value: Weight,
      dormancy_length: Weight,
      reason_solvability: Weight,
      competitor_use: Weight,
      geographic_proximity: Weight,
      digital_responsiveness: Weight,
    }),
    past_value: z.object({
      /** 'total': spend over the whole history (the seed's 過去の取引総額); 'yearly': average per year. */
      basis: z.enum(['total', 'yearly']),
      bands: z
        .array(z.object({ min_yen: z.number().min(0), points: Points }))
        .min(1)
        .superRefine(ascending((b) => b.min_yen, 'min_yen')),
    }),
    dormancy_length: z.object({
      bands: z
        .array(z.object({ below_days: z.number().positive(), points: Points }))
        .min(1)
        .superRefine(ascending((b) => b.below_days, 'below_days')),
      beyond_points: Points,
      unknown_points: Points,
    }),
    reason_solvability: z.object({
      by_category: z.record(z.enum(REASON_CATEGORIES), Points),
      /** A reason answered by a resolved improvement (see the improvement loop). */
      resolved_points: Points,
    }),
    competitor_use: z.object({ by_state: z.record(z.enum(COMPETITOR_USE), Points) }),
    geographic_proximity: z.object({
      bands: z
        .array(z.object({ below_km: z.number().positive(), points: Points }))
        .min(1)
        .superRefine(ascending((b) => b.below_km, 'below_km')),
      beyond_points: Points,
      same_prefecture_points: Points,
      unknown_points: Points,
    }),
    digital_responsiveness: z.object({
      open_rate_bands: z
        .array(z.object({ min_rate: z.number().min(0).max(1), points: Points }))
        .min(1)
        .superRefine(ascending((b) => b.min_rate, 'min_rate')),
      click_rate_for_bonus: z.number().min(0).max(1),
      click_bonus: z.number().int().min(0).max(9),
      unknown_points: Points,
    }),
    ranks: z.object({ A: z.number().min(0), B: z.number().min(0), C: z.number().min(0) }),
  })
  .superRefine((config, ctx) => {
    if (!(config.ranks.A > config.ranks.B && config.ranks.B > config.ranks.C)) {
      ctx.addIssue({ code: 'custom', path: ['ranks'], message: 'rank cut-offs must fall from A to B to C' });
    }
    if (config.past_value.bands[0]?.min_yen !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['past_value', 'bands', 0],
        message: 'the first band must start at 0 yen',
      });
    }
    if (config.digital_responsiveness.open_rate_bands[0]?.min_rate !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['digital_responsiveness', 'open_rate_bands', 0],
        message: 'the first band must start at rate 0',
      });
    }
  });
export type ScoringConfig = z.infer<typeof ScoringConfig>;

/** The seed's model with our in-between steps (see the file comment). */
export const DEFAULT_SCORING_CONFIG: ScoringConfig = ScoringConfig.parse({
  weights: SEED_WEIGHTS,
  past_value: {
    basis: 'total',
    bands: [
      { min_yen: 0, points: 1 },
      { min_yen: 100_000, points: 2 },
      { min_yen: 200_000, points: 3 },
      { min_yen: 300_000, points: 4 },
      { min_yen: 500_000, points: 5 },
      { min_yen: 1_000_000, points: 6 },
      { min_yen: 2_000_000, points: 7 },
      { min_yen: 3_000_000, points: 8 },
      { min_yen: 5_000_000, points: 9 },
      { min_yen: 10_000_000, points: 10 },
    ],
  },
  dormancy_length: {
    bands: [
      { below_days: 183, points: 10 },
      { below_days: 274, points: 9 },
      { below_days: 365, points: 8 },
      { below_days: 456, points: 7 },
      { below_days: 548, points: 6 },
      { below_days: 639, points: 5 },
      { below_days: 730, points: 4 },
      { below_days: 913, points: 3 },
      { below_days: 1096, points: 2 },
    ],
    beyond_points: 1,
    unknown_points: 5,
  },
  reason_solvability: {
    // Ours, following the seed's reasoning: a forgotten customer needs only a reminder and an
    // environment change carries no grudge (「環境が再び変化すれば取引再開の可能性」); too much contact
    // and staff trouble are in our hands; price can be met with value and offers; a product
    // complaint waits for the fix (resolved_points once it is fixed); a competitor contract and a
    // need that is gone are hardest.
    by_category: {
      forgotten: 9,
      environment: 8,
      over_contact: 7,
      price: 6,
      staff: 6,
      other: 5,
      unknown: 5,
      product: 4,
      competitor: 3,
      need_gone: 2,
    },
    resolved_points: 10,
  },
  competitor_use: {
    by_state: { none: 10, unknown: 7, considering: 5, mentioned: 4, switched: 2, long_contract: 1 },
  },
  geographic_proximity: {
    bands: [
      { below_km: 10, points: 10 },
      { below_km: 25, points: 9 },
      { below_km: 50, points: 8 },
      { below_km: 100, points: 7 },
      { below_km: 200, points: 6 },
      { below_km: 300, points: 5 },
      { below_km: 500, points: 4 },
      { below_km: 800, points: 3 },
      { below_km: 1200, points: 2 },
    ],
    beyond_points: 1,
    same_prefecture_points: 9,
    unknown_points: 5,
  },
  digital_responsiveness: {
    open_rate_bands: [
      { min_rate: 0, points: 1 },
      { min_rate: 0.01, points: 2 },
      { min_rate: 0.05, points: 3 },
      { min_rate: 0.1, points: 4 },
      { min_rate: 0.15, points: 5 },
      { min_rate: 0.2, points: 6 },
      { min_rate: 0.3, points: 7 },
      { min_rate: 0.4, points: 8 },
      { min_rate: 0.5, points: 9 },
      { min_rate: 0.65, points: 10 },
    ],
    click_rate_for_bonus: 0.05,
    click_bonus: 1,
    unknown_points: 5,
  },
  ranks: SEED_RANK_CUTOFFS,
});

export interface ConfigViolation {
  path: string;
  message: string;
}

/**
 * Validates scoring settings (e.g. edited in the UI or read from a file).
 *
 * @example parseScoringConfig({ ...DEFAULT_SCORING_CONFIG, ranks: { A: 100, B: 130, C: 90 } })
 * // → { ok: false, violations: [{ path: 'ranks', message: 'rank cut-offs must fall from A to B to C' }] }
 */
export function parseScoringConfig(
  value: unknown,
): { ok: true; config: ScoringConfig } | { ok: false; violations: ConfigViolation[] } {
  const parsed = ScoringConfig.safeParse(value);
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    violations: parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  };
}

export interface ScoreInput {
  totalSpendYen?: number | null;
  /** Average yearly spend (used when past_value.basis is 'yearly'). */
  yearlySpendYen?: number | null;
  daysSinceLastPurchase: number | null;
  reason?: { category: ReasonCategory; confidence: number } | null;
  /** The reason was answered by a resolved improvement (improvement loop). */
  isReasonResolved?: boolean;
  competitorUse?: CompetitorUse | null;
  location?: Place | null;
  /** The owner's (or the company's) base. */
  base?: Place | null;
  emails?: { sent: number; opened: number; clicked?: number } | null;
}

export interface CriterionScore {
  criterion: Criterion;
  /** The data the points came from (yen, days, category, km, rate…), null when unknown. */
  value: number | string | null;
  points: number;
  weight: number;
  weighted: number;
  explanation: string;
}

export interface CustomerScore {
  total: number;
  maxTotal: number;
  rank: Rank;
  breakdown: CriterionScore[];
}

const pct = (r: number) => `${Math.round(r * 100)} %`;

function bandAtLeast<T extends { points: number }>(
  bands: readonly T[],
  value: number,
  min: (b: T) => number,
): T {
  let chosen = bands[0] as T;
  for (const band of bands) if (value >= min(band)) chosen = band;
  return chosen;
}

function bandBelow<T extends { points: number }>(
  bands: readonly T[],
  value: number,
  max: (b: T) => number,
): T | null {
  return bands.find((band) => value < max(band)) ?? null;
}

type Scored = Omit<CriterionScore, 'criterion' | 'weight' | 'weighted'>;

function pastValue(input: ScoreInput, config: ScoringConfig): Scored {
  const isYearly = config.past_value.basis === 'yearly';
  const amount = isYearly ? input.yearlySpendYen : input.totalSpendYen;
  const label = isYearly ? 'yearly spend' : 'total spend';
  if (amount === null || amount === undefined) {
    return {
      value: null,
      points: config.past_value.bands[0]?.points ?? 1,
      explanation: `no ${label} recorded`,
    };
  }
  const band = bandAtLeast(config.past_value.bands, amount, (b) => b.min_yen);
  return {
    value: amount,
    points: band.points,
    explanation: `${label} ${yenText(amount)} (band ≥ ${yenText(band.min_yen)})`,
  };
}

function dormancyLength(input: ScoreInput, config: ScoringConfig): Scored {
  const days = input.daysSinceLastPurchase;
  const c = config.dormancy_length;
  if (days === null) return { value: null, points: c.unknown_points, explanation: 'no purchase date known' };
  const band = bandBelow(c.bands, days, (b) => b.below_days);
  return band === null
    ? {
        value: days,
        points: c.beyond_points,
        explanation: `${days} days since the last purchase (longest band)`,
      }
    : {
        value: days,
        points: band.points,
        explanation: `${days} days since the last purchase (band < ${band.below_days} days)`,
      };
}

function reasonSolvability(input: ScoreInput, config: ScoringConfig): Scored {
  const c = config.reason_solvability;
  const reason = input.reason ?? null;
  if (input.isReasonResolved) {
    return {
      value: reason?.category ?? null,
      points: c.resolved_points,
      explanation: 'the reason was resolved by an improvement',
    };
  }
  const neutral = c.by_category.unknown;
  if (reason === null) return { value: null, points: neutral, explanation: 'no reason inferred' };
  // A weak guess pulls the points toward the unknown reason's; a recorded reason (confidence 1) counts in full.
  const full = c.by_category[reason.category];
  const points = Math.min(10, Math.max(1, Math.round(neutral + reason.confidence * (full - neutral))));
  return {
    value: reason.category,
    points,
    explanation: `reason ${reason.category} (confidence ${reason.confidence.toFixed(2)}; ${full} when certain)`,
  };
}

function competitorUse(input: ScoreInput, config: ScoringConfig): Scored {
  const state = input.competitorUse ?? 'unknown';
  return {
    value: state,
    points: config.competitor_use.by_state[state],
    explanation: `competitor use: ${state}`,
  };
}

function geographicProximity(input: ScoreInput, config: ScoringConfig): Scored {
  const c = config.geographic_proximity;
  if (!input.location || !input.base)
    return { value: null, points: c.unknown_points, explanation: 'no location known' };
  const distance = placeDistance(input.location, input.base);
  if (distance.basis !== 'coordinates' && distance.isSamePrefecture) {
    return {
      value: 0,
      points: c.same_prefecture_points,
      explanation: `same prefecture (${input.location.prefecture})`,
    };
  }
  if (distance.km === null)
    return { value: null, points: c.unknown_points, explanation: 'location not recognised' };
  const km = Math.round(distance.km);
  const how = distance.basis === 'coordinates' ? 'by coordinates' : 'between prefectural capitals';
  const band = bandBelow(c.bands, distance.km, (b) => b.below_km);
  return band === null
    ? { value: km, points: c.beyond_points, explanation: `≈ ${km} km from the base ${how} (farthest band)` }
    : {
        value: km,
        points: band.points,
        explanation: `≈ ${km} km from the base ${how} (band < ${band.below_km} km)`,
      };
}

function digitalResponsiveness(input: ScoreInput, config: ScoringConfig): Scored {
  const c = config.digital_responsiveness;
  const emails = input.emails ?? null;
  if (emails === null || emails.sent <= 0) {
    return { value: null, points: c.unknown_points, explanation: 'no emails sent to measure a reaction' };
  }
  const openRate = Math.min(1, emails.opened / emails.sent);
  const clickRate = Math.min(1, (emails.clicked ?? 0) / emails.sent);
  const band = bandAtLeast(c.open_rate_bands, openRate, (b) => b.min_rate);
  const bonus = clickRate >= c.click_rate_for_bonus && clickRate > 0 ? c.click_bonus : 0;
  const points = Math.min(10, band.points + bonus);
  const clicks = bonus > 0 ? `, clicks ${pct(clickRate)} (+${bonus})` : '';
  return {
    value: Math.round(openRate * 1000) / 1000,
    points,
    explanation: `opened ${emails.opened} of ${emails.sent} emails (${pct(openRate)})${clicks}`,
  };
}

const CRITERION_SCORERS: Record<Criterion, (input: ScoreInput, config: ScoringConfig) => Scored> = {
  past_value: pastValue,
  dormancy_length: dormancyLength,
  reason_solvability: reasonSolvability,
  competitor_use: competitorUse,
  geographic_proximity: geographicProximity,
  digital_responsiveness: digitalResponsiveness,
};

/** The rank of a total under the configured cut-offs (A ≥ 170, B ≥ 130, C ≥ 90, else D by default). */
export function rankOf(total: number, config: ScoringConfig = DEFAULT_SCORING_CONFIG): Rank {
  if (total >= config.ranks.A) return 'A';
  if (total >= config.ranks.B) return 'B';
  if (total >= config.ranks.C) return 'C';
  return 'D';
}

function assemble(scored: Record<Criterion, Scored>, config: ScoringConfig): CustomerScore {
  const breakdown = CRITERIA.map((criterion) => {
    const s = scored[criterion];
    const weight = config.weights[criterion];
    return {
      criterion,
      value: s.value,
      points: s.points,
      weight,
      weighted: s.points * weight,
      explanation: s.explanation,
    };
  });
  const total = breakdown.reduce((sum, c) => sum + c.weighted, 0);
  const maxTotal = CRITERIA.reduce((sum, c) => sum + 10 * config.weights[c], 0);
  return { total, maxTotal, rank: rankOf(total, config), breakdown };
}

/**
 * Scores points already given per criterion (a person's judgement, or the seed's worked example).
 *
 * @example scoreFromPoints({ past_value: 8, dormancy_length: 6, reason_solvability: 7,
 *   competitor_use: 4, geographic_proximity: 9, digital_responsiveness: 5 }) // → { total: 137, rank: 'B', … }
 */
export function scoreFromPoints(
  points: Record<Criterion, number>,
  config: ScoringConfig = DEFAULT_SCORING_CONFIG,
): CustomerScore {
  const scored = {} as Record<Criterion, Scored>;
  for (const criterion of CRITERIA) {
    const p = points[criterion];
    if (!Number.isInteger(p) || p < 1 || p > 10) {
      throw new RangeError(`expected ${criterion} points as a whole number 1–10, got ${p}`);
    }
    scored[criterion] = { value: p, points: p, explanation: `given ${p} points` };
  }
  return assemble(scored, config);
}

/**
 * Scores a customer from data: each criterion's points with the data and band behind them, the
 * weighted total and the rank.
 *
 * @example scoreCustomer({ totalSpendYen: 3_500_000, daysSinceLastPurchase: 500,
 *   reason: { category: 'forgotten', confidence: 0.5 } }).breakdown[0]
 * // → { criterion: 'past_value', value: 3500000, points: 8, weight: 5, weighted: 40,
 * //     explanation: 'total spend ¥3,500,000 (band ≥ ¥3,000,000)' }
 */
export function scoreCustomer(
  input: ScoreInput,
  config: ScoringConfig = DEFAULT_SCORING_CONFIG,
): CustomerScore {
  const scored = {} as Record<Criterion, Scored>;
  for (const criterion of CRITERIA) scored[criterion] = CRITERION_SCORERS[criterion](input, config);
  return assemble(scored, config);
}

/**
 * Competitor use as far as the diagnosis shows it: a competitor reason with confidence 0.7 or more
 * counts as switched, a weaker one as mentioned; otherwise unknown (the data cannot show "none").
 */
export function competitorUseFromReason(reason: ReasonResult): CompetitorUse {
  const competitor = reason.ranked.find((c) => c.category === 'competitor');
  if (competitor === undefined) return 'unknown';
  if (competitor.confidence >= 0.7) return 'switched';
  return competitor.confidence >= 0.3 ? 'mentioned' : 'unknown';
}
