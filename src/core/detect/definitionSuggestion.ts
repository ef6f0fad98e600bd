/**
 * A dormancy definition suggested by the data, following seed 000's method ("自社に最適な休眠
 * 顧客の定義"): read where the usual gap between purchases ends (the inter-purchase interval
 * distribution) and where customers stop coming back (the return rate after a given silence),
 * and put the ladder's thresholds there. Every threshold comes with a line saying why.
 *
 *   at risk        the 75th percentile of the gaps between purchases
 *   early dormant  the 90th percentile: nine in ten repeat purchases come sooner
 *   mid dormant    the silence after which fewer than 20 % of gaps still end in a purchase
 *   long dormant   the silence after which fewer than 5 % do
 * (mid and long fall back to the 95th / 99th percentile when too few customers were that quiet).
 * Each level but the last also asks that the customer be late against their own rhythm, so
 * a customer who always orders twice a year is not dormant after the population's 90 days.
 */
import {
  DEFAULT_DEFINITION,
  type DormancyDefinition,
  type DormancyLevel,
  PRESETS,
  type PresetName,
} from './dormancyDefinition.js';

/** A number of gaps (or silences) of one length in days. */
export interface DayCount {
  days: number;
  count: number;
}

export interface SuggestionInput {
  /** Days between consecutive purchase days of the same customer (every repeat purchase once). */
  intervals: readonly number[] | readonly DayCount[];
  /**
   * Days since the last purchase of every customer who bought (the open gaps as of the day of
   * the analysis). Without them mid and long dormancy come from the interval percentiles.
   */
  silences?: readonly number[] | readonly DayCount[];
  /** The definition to start from and fall back to (default: the `default` preset). */
  base?: PresetName | DormancyDefinition;
  /** Fewer repeat purchases than this: the base is suggested unchanged. */
  minRepeatPurchases?: number;
}

export interface ReasoningLine {
  code: string;
  en: string;
  ja: string;
}

export interface ReturnRate {
  silence_days: number;
  /** Gaps at least this long (ended or still open). */
  reached: number;
  /** Of those, the ones that ended in another purchase. */
  returned: number;
  share: number;
}

export interface DefinitionSuggestion {
  /** 'data' when the thresholds were read from the data, 'preset' when it fell back. */
  basis: 'data' | 'preset';
  definition: DormancyDefinition;
  reasoning: ReasoningLine[];
  /** The silence (days since the last purchase) beyond which each level starts; null on fallback. */
  thresholds_days: Record<DormancyLevel, number> | null;
  stats: {
    repeat_purchases: number;
    customers_with_a_silence: number;
    percentiles_days: { p50: number; p75: number; p90: number; p95: number; p99: number } | null;
  };
}

/** Below this many repeat purchases the percentiles say more about chance than about rhythm. */
export const MIN_REPEAT_PURCHASES = 30;
/** A return rate is read only where at least this many gaps got that long. */
const MIN_REACHED = 20;
const MID_RETURN_SHARE = 0.2;
const LONG_RETURN_SHARE = 0.05;
/** Own-rhythm guards per level: seed 000's 1.5× early-warning gap, 2× ("3-month cycle → 6 months"), 3× (consumables). */
const OVERDUE_GUARDS: Record<Exclude<DormancyLevel, 'long_dormant'>, number> = {
  at_risk: 1.5,
  early_dormant: 2,
  mid_dormant: 3,
};
/** Each level starts at least 10 % (and a day) later than the one before. */
const MIN_STEP_RATIO = 1.1;
const LEVEL_WORDS: Record<DormancyLevel, { en: string; ja: string }> = {
  at_risk: { en: 'At risk', ja: '要注意' },
  early_dormant: { en: 'Early dormancy', ja: '初期休眠' },
  mid_dormant: { en: 'Mid dormancy', ja: '中期休眠' },
  long_dormant: { en: 'Long dormancy', ja: '長期休眠' },
};

function stepFloor(previousDays: number): number {
  return Math.max(previousDays + 1, Math.ceil(previousDays * MIN_STEP_RATIO - 1e-9));
}

function toHistogram(values: readonly number[] | readonly DayCount[]): DayCount[] {
  const counts = new Map<number, number>();
  for (const value of values) {
    const days = typeof value === 'number' ? value : value.days;
    const count = typeof value === 'number' ? 1 : value.count;
    if (!Number.isFinite(days) || days < 0 || !(count > 0)) continue;
    const whole = Math.round(days);
    counts.set(whole, (counts.get(whole) ?? 0) + count);
  }
  return [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([days, count]) => ({ days, count }));
}

function total(histogram: readonly DayCount[]): number {
  return histogram.reduce((sum, bin) => sum + bin.count, 0);
}

/**
 * The smallest length such that at least `q` of the gaps are this long or shorter.
 *
 * @example percentileDays([{ days: 10, count: 9 }, { days: 94, count: 1 }], 0.9) → 10
 */
export function percentileDays(histogram: readonly DayCount[], q: number): number {
  const n = total(histogram);
  let cumulative = 0;
  for (const bin of histogram) {
    cumulative += bin.count;
    if (cumulative >= q * n - 1e-9) return bin.days;
  }
  return histogram[histogram.length - 1]?.days ?? 0;
}

/**
 * Of all gaps that reached `silenceDays` (ended ones: intervals at least that long; open ones:
 * current silences at least that long), the share that ended in another purchase. Open gaps
 * may still end later, so the share is a lower bound for short silences.
 *
 * @example returnRate(intervals, silences, 300) → { silence_days: 300, reached: 400, returned: 12, share: 0.03 }
 */
export function returnRate(
  intervals: readonly DayCount[],
  silences: readonly DayCount[],
  silenceDays: number,
): ReturnRate {
  let returned = 0;
  for (const bin of intervals) if (bin.days >= silenceDays) returned += bin.count;
  let open = 0;
  for (const bin of silences) if (bin.days >= silenceDays) open += bin.count;
  const reached = returned + open;
  return { silence_days: silenceDays, reached, returned, share: reached === 0 ? 0 : returned / reached };
}

/**
 * The shortest silence from `from` days on whose return rate falls to `share` or below, read
 * only where enough gaps got that long.
 */
function silenceWhereReturnsFall(
  intervals: readonly DayCount[],
  silences: readonly DayCount[],
  share: number,
  from: number,
): ReturnRate | null {
  const longer = new Set([...intervals, ...silences].map((bin) => bin.days).filter((d) => d > from));
  const lengths = [from, ...longer].sort((a, b) => a - b);
  for (const days of lengths) {
    const rate = returnRate(intervals, silences, days);
    if (rate.reached < MIN_REACHED) return null;
    if (rate.share <= share) return rate;
  }
  return null;
}

/** 1,675,026: counts in reasoning lines are read by people. */
function count(n: number): string {
  return n.toLocaleString('en');
}

function percent(share: number): string {
  const value = share * 100;
  return value >= 10 || value === 0 ? `${Math.round(value)} %` : `${Math.round(value * 10) / 10} %`;
}

function resolveBase(base: SuggestionInput['base']): DormancyDefinition {
  if (base === undefined) return DEFAULT_DEFINITION;
  return typeof base === 'string' ? PRESETS[base] : base;
}

/**
 * Suggests a definition from the data, or the base definition with the reason when there is
 * too little data to read.
 *
 * @example suggestDefinition({ intervals: [30, 31, 29, …], silences: [5, 400, …] })
 *   → { basis: 'data', thresholds_days: { at_risk: 34, early_dormant: 94, … }, reasoning: [...] }
 */
export function suggestDefinition(input: SuggestionInput): DefinitionSuggestion {
  const base = resolveBase(input.base);
  const intervals = toHistogram(input.intervals).filter((bin) => bin.days >= 1);
  const silences = toHistogram(input.silences ?? []);
  const repeat = total(intervals);
  const quiet = total(silences);
  const minimum = input.minRepeatPurchases ?? MIN_REPEAT_PURCHASES;
  const stats = { repeat_purchases: repeat, customers_with_a_silence: quiet, percentiles_days: null };

  if (repeat < minimum) {
    return {
      basis: 'preset',
      definition: base,
      thresholds_days: null,
      stats,
      reasoning: [
        {
          code: 'too_little_data',
          en: `Only ${count(repeat)} repeat purchase${repeat === 1 ? '' : 's'} in the data; at least ${minimum} are needed to see where the usual gap between purchases ends, so the '${base.name}' definition is suggested unchanged. Import more order history, or pick the preset of your business model.`,
          ja: `再購入が${count(repeat)}件しかなく、通常の購買間隔を読み取るには少なくとも${minimum}件が必要です。そのため「${base.name}」の定義をそのまま提案します。注文履歴を追加で取り込むか、業態に合うプリセットを選んでください。`,
        },
      ],
    };
  }

  const p = {
    p50: percentileDays(intervals, 0.5),
    p75: percentileDays(intervals, 0.75),
    p90: percentileDays(intervals, 0.9),
    p95: percentileDays(intervals, 0.95),
    p99: percentileDays(intervals, 0.99),
  };
  const reasoning: ReasoningLine[] = [
    {
      code: 'median_gap',
      en: `Half of the ${count(repeat)} repeat purchases came within ${p.p50} days of the previous purchase.`,
      ja: `再購入${count(repeat)}件の半数は、前回の購入から${p.p50}日以内でした。`,
    },
    {
      code: 'at_risk_percentile',
      en: `75 % of repeat purchases happen within ${p.p75} days, so a customer quiet for longer is running late (at risk).`,
      ja: `再購入の75 %は${p.p75}日以内に起きています。これより長く購入がない顧客は遅れ始めています（要注意）。`,
    },
    {
      code: 'early_percentile',
      en: `90 % of repeat purchases happen within ${p.p90} days of the previous one, so a gap beyond ${p.p90} days is unusual (early dormant).`,
      ja: `再購入の90 %は前回から${p.p90}日以内に起きています。${p.p90}日を超える空白は通常ではありません（初期休眠）。`,
    },
  ];

  const thresholds: Record<DormancyLevel, number> = {
    at_risk: p.p75,
    early_dormant: p.p90,
    mid_dormant: p.p95,
    long_dormant: p.p99,
  };
  /** Keeps `level` at least a step deeper than the level before it, saying so when it moves. */
  const stepAfter = (level: DormancyLevel, previous: DormancyLevel): void => {
    const floor = stepFloor(thresholds[previous]);
    if (thresholds[level] >= floor) return;
    reasoning.push({
      code: 'spread_levels',
      en: `${LEVEL_WORDS[level].en} would start at ${thresholds[level]} days, not a step past ${LEVEL_WORDS[previous].en.toLowerCase()} at ${thresholds[previous]} days; it starts at ${floor} days so each level is a step deeper than the one before.`,
      ja: `${LEVEL_WORDS[level].ja}は${thresholds[level]}日からになり、${LEVEL_WORDS[previous].ja}（${thresholds[previous]}日）より十分に後にならないため、${floor}日からにしました。`,
    });
    thresholds[level] = floor;
  };
  stepAfter('early_dormant', 'at_risk');

  const why =
    quiet === 0
      ? { en: 'no current silences were given', ja: '現在の未購入期間のデータがないため' }
      : {
          en: `fewer than ${MIN_REACHED} gaps were long enough to read a return rate`,
          ja: `戻ってくる割合を読めるだけの長さの空白が${MIN_REACHED}件未満のため`,
        };
  const mid =
    quiet > 0
      ? silenceWhereReturnsFall(intervals, silences, MID_RETURN_SHARE, stepFloor(thresholds.early_dormant))
      : null;
  if (mid) {
    thresholds.mid_dormant = mid.silence_days;
    reasoning.push({
      code: 'mid_return_rate',
      en: `Customers silent for ${mid.silence_days}+ days came back in only ${percent(mid.share)} of cases (${count(mid.returned)} of ${count(mid.reached)}), so that is where mid dormancy starts.`,
      ja: `${mid.silence_days}日以上購入のなかった顧客が戻ってきたのは${percent(mid.share)}（${count(mid.reached)}件中${count(mid.returned)}件）だけでした。ここを中期休眠の始まりとします。`,
    });
  } else {
    reasoning.push({
      code: 'percentile_fallback',
      en: `The return rate could not place mid dormancy (${why.en}), so it follows the 95th percentile of the gaps (${p.p95} days).`,
      ja: `${why.ja}、中期休眠は購買間隔の95パーセンタイル（${p.p95}日）を基準にします。`,
    });
    stepAfter('mid_dormant', 'early_dormant');
  }
  const long =
    quiet > 0
      ? silenceWhereReturnsFall(intervals, silences, LONG_RETURN_SHARE, stepFloor(thresholds.mid_dormant))
      : null;
  if (long) {
    thresholds.long_dormant = long.silence_days;
    reasoning.push({
      code: 'long_return_rate',
      en: `Customers silent for ${long.silence_days}+ days came back in only ${percent(long.share)} of cases (${count(long.returned)} of ${count(long.reached)}): long dormant.`,
      ja: `${long.silence_days}日以上購入のなかった顧客が戻ってきたのは${percent(long.share)}（${count(long.reached)}件中${count(long.returned)}件）だけでした。ここからを長期休眠とします。`,
    });
  } else {
    reasoning.push({
      code: 'percentile_fallback',
      en: `The return rate could not place long dormancy (${why.en}), so it follows the 99th percentile of the gaps (${p.p99} days).`,
      ja: `${why.ja}、長期休眠は購買間隔の99パーセンタイル（${p.p99}日）を基準にします。`,
    });
    stepAfter('long_dormant', 'mid_dormant');
  }
  reasoning.push({
    code: 'own_rhythm',
    en: `At risk, early and mid dormancy also need the customer to be late against their own rhythm (${OVERDUE_GUARDS.at_risk}×, ${OVERDUE_GUARDS.early_dormant}× and ${OVERDUE_GUARDS.mid_dormant}× their usual cycle), so a customer who always orders twice a year is not called dormant after ${thresholds.early_dormant} days.`,
    ja: `要注意・初期休眠・中期休眠には、その顧客自身の購買サイクルに対しても遅れていること（通常サイクルの${OVERDUE_GUARDS.at_risk}倍・${OVERDUE_GUARDS.early_dormant}倍・${OVERDUE_GUARDS.mid_dormant}倍）を条件にしています。年2回だけ注文する顧客を${thresholds.early_dormant}日で休眠扱いにしないためです。`,
  });

  const rule = (level: DormancyLevel): string => {
    const silence = `days_since_last_purchase > ${thresholds[level]}`;
    return level === 'long_dormant' ? silence : `${silence} and overdue_ratio >= ${OVERDUE_GUARDS[level]}`;
  };
  const definition: DormancyDefinition = {
    name: 'suggested',
    business_model: 'custom',
    description: `Suggested from ${count(repeat)} repeat purchases (median gap ${p.p50} days, 90th percentile ${p.p90} days)${quiet > 0 ? ` and the current silences of ${count(quiet)} customers` : ''}; health thresholds from '${base.name}'.`,
    levels: {
      at_risk: rule('at_risk'),
      early_dormant: rule('early_dormant'),
      mid_dormant: rule('mid_dormant'),
      long_dormant: rule('long_dormant'),
    },
    lost: base.lost ?? null,
    thresholds: base.thresholds,
  };
  return {
    basis: 'data',
    definition,
    reasoning,
    thresholds_days: thresholds,
    stats: { ...stats, percentiles_days: p },
  };
}
