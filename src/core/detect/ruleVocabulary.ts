/**
 * What the dormancy rule language knows about each feature: the unit its values are in (so
 * `9mo` can become 270 days and `20%` can become 0.2) and a label in Japanese and English for
 * the readable descriptions of a rule.
 */
import { FEATURE_NAMES, type FeatureName } from './featureNames.js';

export type FeatureUnit =
  | 'days'
  | 'months'
  | 'ratio'
  | 'percent_ratio'
  | 'yen'
  | 'count'
  | 'flag'
  | 'probability';
export type Language = 'ja' | 'en';

interface FeatureWords {
  unit: FeatureUnit;
  en: string;
  ja: string;
}

/**
 * Labels and units. `ratio` reads as "3× the own purchase cycle" (overdue ratio);
 * `percent_ratio` reads as "50%" (year-on-year spend, usage against the own average).
 */
const WORDS: Partial<Record<FeatureName, FeatureWords>> = {
  days_since_last_purchase: { unit: 'days', en: 'time since the last purchase', ja: '最終購入からの日数' },
  days_since_first_purchase: { unit: 'days', en: 'time since the first purchase', ja: '初回購入からの日数' },
  purchase_days: { unit: 'count', en: 'number of purchase days', ja: '購入日数' },
  purchase_cycle_days: { unit: 'days', en: 'own purchase cycle', ja: '通常の購買サイクル' },
  overdue_ratio: { unit: 'ratio', en: 'time since the last purchase', ja: '最終購入からの経過' },
  total_spend_yen: { unit: 'yen', en: 'total spend', ja: '累計購入額' },
  average_order_yen: { unit: 'yen', en: 'average spend per purchase day', ja: '購入日あたりの平均購入額' },
  spend_last_365d_yen: { unit: 'yen', en: 'spend in the last 365 days', ja: '直近365日の購入額' },
  spend_prev_365d_yen: {
    unit: 'yen',
    en: 'spend in the 365 days before',
    ja: '前年（その前の365日）の購入額',
  },
  yoy_spend_ratio: { unit: 'percent_ratio', en: 'spend compared with the year before', ja: '購入額の前年比' },
  unanswered_emails: {
    unit: 'count',
    en: 'emails without a reaction in a row',
    ja: '反応のないメールの連続数',
  },
  unanswered_contacts: {
    unit: 'count',
    en: 'contacts without a reaction in a row',
    ja: '反応のないコンタクトの連続数',
  },
  days_since_last_email_open: {
    unit: 'days',
    en: 'time since the last email open',
    ja: '最後のメール開封からの日数',
  },
  days_since_last_email_click: {
    unit: 'days',
    en: 'time since the last email click',
    ja: '最後のメールクリックからの日数',
  },
  days_since_last_web_visit: {
    unit: 'days',
    en: 'time since the last web visit',
    ja: '最後のサイト訪問からの日数',
  },
  days_since_last_inquiry: {
    unit: 'days',
    en: 'time since the last inquiry',
    ja: '最後の問い合わせからの日数',
  },
  days_since_last_support_ticket: {
    unit: 'days',
    en: 'time since the last support ticket',
    ja: '最後のサポート依頼からの日数',
  },
  days_since_last_login: { unit: 'days', en: 'time since the last login', ja: '最終ログインからの日数' },
  days_since_last_reaction: {
    unit: 'days',
    en: 'time since the last reaction of any kind',
    ja: '最後の反応からの日数',
  },
  has_active_subscription: { unit: 'flag', en: 'running subscription', ja: '契約中のサブスクリプション' },
  months_since_cancellation: {
    unit: 'months',
    en: 'months since the subscription ended',
    ja: '解約からの月数',
  },
  usage_ratio: { unit: 'percent_ratio', en: 'usage compared with own average', ja: '利用量（自社平均比）' },
  p_alive: {
    unit: 'probability',
    en: 'probability of still being a customer (BG/NBD)',
    ja: '顧客として存続している確率（BG/NBD）',
  },
};

/** The unit a feature's values are in; an unlisted feature is a plain number. */
export function featureUnit(feature: FeatureName): FeatureUnit {
  return WORDS[feature]?.unit ?? 'count';
}

/** The label of a feature in a readable description (the snake_case name when unlisted). */
export function featureLabel(feature: FeatureName, language: Language): string {
  const words = WORDS[feature];
  return words ? words[language] : feature;
}

/** Features without a label of their own (the vocabulary test keeps this empty). */
export function featuresWithoutLabel(): FeatureName[] {
  return FEATURE_NAMES.filter((name) => WORDS[name] === undefined);
}

/**
 * Unit sugar of number literals: how many feature units one literal unit is. `mo` is 30 days
 * and `y` 365 days on a day feature; on the months feature `y` is 12.
 */
const UNIT_FACTORS: Record<string, Partial<Record<FeatureUnit, number>>> = {
  d: { days: 1 },
  w: { days: 7 },
  mo: { days: 30, months: 1 },
  y: { days: 365, months: 12 },
  '%': { ratio: 0.01, percent_ratio: 0.01, probability: 0.01 },
  yen: { yen: 1 },
};

/** Japanese and spelled-out English forms of the same units. */
export const UNIT_ALIASES: Record<string, string> = {
  日: 'd',
  週: 'w',
  週間: 'w',
  ヶ月: 'mo',
  か月: 'mo',
  カ月: 'mo',
  ケ月: 'mo',
  箇月: 'mo',
  年: 'y',
  円: 'yen',
  day: 'd',
  days: 'd',
  week: 'w',
  weeks: 'w',
  month: 'mo',
  months: 'mo',
  year: 'y',
  years: 'y',
};

export const UNIT_NAMES = Object.keys(UNIT_FACTORS);

/**
 * The factor that turns a literal in `unit` into the feature's own unit, or null when the
 * unit makes no sense for the feature (`3mo` on a count of emails).
 *
 * @example unitFactor('mo', 'days_since_last_purchase') → 30
 */
export function unitFactor(unit: string, feature: FeatureName): number | null {
  return UNIT_FACTORS[unit]?.[featureUnit(feature)] ?? null;
}

function trimNumber(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/**
 * A value of a feature written for people, with its unit.
 *
 * @example formatFeatureValue('days_since_last_purchase', 270, 'en') → '270 days (about 9 months)'
 */
export function formatFeatureValue(feature: FeatureName, value: number, language: Language): string {
  const ja = language === 'ja';
  switch (featureUnit(feature)) {
    case 'days': {
      const base = ja ? `${trimNumber(value)}日` : `${trimNumber(value)} days`;
      const about = approximateSpan(value, language);
      return about ? `${base}${ja ? `（${about}）` : ` (${about})`}` : base;
    }
    case 'months':
      return ja ? `${trimNumber(value)}ヶ月` : `${trimNumber(value)} months`;
    case 'ratio':
      // the only ratio feature is overdue_ratio: time since the last purchase ÷ own cycle
      return ja
        ? `通常の購買サイクルの${trimNumber(value)}倍`
        : `${trimNumber(value)}× the own purchase cycle`;
    case 'percent_ratio':
    case 'probability':
      return `${trimNumber(value * 100)}%`;
    case 'yen':
      return ja ? `${value.toLocaleString('ja-JP')}円` : `¥${value.toLocaleString('en')}`;
    default:
      return trimNumber(value);
  }
}

/** "about 9 months" for 270 days; null below a month or when not close to a round span. */
function approximateSpan(days: number, language: Language): string | null {
  const ja = language === 'ja';
  if (days >= 365 && Math.abs(days / 365 - Math.round(days / 365)) < 0.05) {
    const years = Math.round(days / 365);
    return ja ? `約${years}年` : `about ${years} year${years === 1 ? '' : 's'}`;
  }
  if (days >= 28 && Math.abs(days / 30 - Math.round(days / 30)) < 0.1) {
    const months = Math.round(days / 30);
    return ja ? `約${months}ヶ月` : `about ${months} month${months === 1 ? '' : 's'}`;
  }
  return null;
}
