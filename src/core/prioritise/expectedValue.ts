/**
 * Expected value of approaching a dormant customer (SPEC "Prioritise"):
 * EV = P(reactivation) × expected yearly gross profit of the customer − cost of the approach,
 * so the list can be ordered by money. The yearly value comes from the customer's own history
 * (average spend per active year) and gross margin (from the orders when they carry one, else the
 * default rate, as in the seed's ROI = (売上 × 粗利率 − 費用) ÷ 費用).
 */
import { daysBetween } from '../detect/isoDays.js';
import { DEFAULT_GROSS_MARGIN_RATE } from './defaults.js';
import { yenText } from '../yenText.js';

export interface ValueHistory {
  totalSpendYen: number;
  firstPurchaseDay: string | null;
  lastPurchaseDay: string | null;
  /** Sum of the gross_margin column over the orders that carry one. */
  grossMarginYen?: number | null;
  /** Spend on those same orders. */
  marginSpendYen?: number | null;
  /** Yearly spend already computed elsewhere (Detect's yearly value); replaces the span average. */
  yearlySpendYen?: number | null;
}

export interface YearlyValue {
  yearlySpendYen: number;
  marginRate: number;
  marginSource: 'orders' | 'default';
  yearlyGrossProfitYen: number;
  explanation: string;
}

const DAYS_PER_YEAR = 365.25;

/**
 * The customer's average yearly spend over the span they bought in (at least one year, so a single
 * order counts as one year's spend) times the gross margin rate.
 *
 * @example expectedYearlyValue({ totalSpendYen: 2_000_000, firstPurchaseDay: '2021-01-01',
 *   lastPurchaseDay: '2022-12-31' }).yearlyGrossProfitYen // ≈ 300,000 (¥1 M a year × 30 %)
 */
export function expectedYearlyValue(
  history: ValueHistory,
  defaultMarginRate: number = DEFAULT_GROSS_MARGIN_RATE,
): YearlyValue {
  const spend = Math.max(history.totalSpendYen, 0);
  const spanDays =
    history.firstPurchaseDay && history.lastPurchaseDay
      ? daysBetween(history.firstPurchaseDay, history.lastPurchaseDay) + 1
      : DAYS_PER_YEAR;
  const years = Math.max(1, spanDays / DAYS_PER_YEAR);
  const given = history.yearlySpendYen;
  const yearlySpendYen = given != null && Number.isFinite(given) ? Math.max(given, 0) : spend / years;
  const hasOrderMargin =
    history.grossMarginYen != null && history.marginSpendYen != null && history.marginSpendYen > 0;
  const marginRate = hasOrderMargin
    ? Math.min(Math.max((history.grossMarginYen as number) / (history.marginSpendYen as number), 0), 1)
    : defaultMarginRate;
  const yearlyGrossProfitYen = yearlySpendYen * marginRate;
  return {
    yearlySpendYen,
    marginRate,
    marginSource: hasOrderMargin ? 'orders' : 'default',
    yearlyGrossProfitYen,
    explanation: `${yenText(yearlySpendYen)} a year${given != null ? '' : ` over ${years.toFixed(1)} year(s)`} × ${Math.round(marginRate * 100)} % margin (${hasOrderMargin ? 'from orders' : 'default rate'})`,
  };
}

export interface ExpectedValue {
  probability: number;
  valueYen: number;
  costYen: number;
  expectedValueYen: number;
  explanation: string;
}

/**
 * EV = P(reactivation) × yearly gross profit − approach cost.
 *
 * @example expectedValue({ probability: 0.25, yearlyGrossProfitYen: 300_000, approachCostYen: 11_000 })
 * // → { expectedValueYen: 64_000, … }
 */
export function expectedValue(input: {
  probability: number;
  yearlyGrossProfitYen: number;
  approachCostYen: number;
}): ExpectedValue {
  const probability = Math.min(Math.max(input.probability, 0), 1);
  const valueYen = Math.max(input.yearlyGrossProfitYen, 0);
  const costYen = Math.max(input.approachCostYen, 0);
  const expectedValueYen = probability * valueYen - costYen;
  return {
    probability,
    valueYen,
    costYen,
    expectedValueYen,
    explanation: `${(probability * 100).toFixed(1)} % × ${yenText(valueYen)} − ${yenText(costYen)} = ${yenText(expectedValueYen)}`,
  };
}
