/**
 * Splits a purchase history at a calibration end into the BG/NBD summary (x, t_x, T) and the
 * repeat purchases each customer then made in a holdout period, the way Fader, Hardie & Lee
 * (2005, §5–7) validate the model on CDNOW. Purchases are counted per distinct calendar day:
 * several orders on one day are one purchase occasion.
 */
import { AppError } from '../errors.js';
import { dayNumber } from './isoDays.js';

export interface Purchase {
  customerId: string;
  /** ISO day 'YYYY-MM-DD'. */
  day: string;
}

export interface CalibrationHoldoutOptions {
  /** Last day of the calibration period (inclusive). */
  calibrationEnd: string;
  /** Last day of the holdout period (inclusive); the holdout starts the day after calibrationEnd. */
  holdoutEnd: string;
  /** Days per model time unit (7 = weeks, as in the paper). */
  unitDays: number;
  /** Decimals to round t_x and T to (the CDNOW summary file uses 2); omit for no rounding. */
  decimals?: number;
}

export interface CustomerPeriods {
  customerId: string;
  frequency: number;
  recency: number;
  T: number;
  /** Distinct purchase days in the holdout period. */
  holdoutPurchases: number;
}

/**
 * One row per customer whose first purchase falls on or before `calibrationEnd`, in order of
 * first appearance in `purchases`.
 *
 * @example
 * splitCalibrationHoldout(
 *   [{ customerId: 'c1', day: '1997-01-01' }, { customerId: 'c1', day: '1997-01-15' },
 *    { customerId: 'c1', day: '1997-10-02' }],
 *   { calibrationEnd: '1997-09-30', holdoutEnd: '1998-06-30', unitDays: 7 },
 * ); // [{ customerId: 'c1', frequency: 1, recency: 2, T: 38.857…, holdoutPurchases: 1 }]
 */
export function splitCalibrationHoldout(
  purchases: Iterable<Purchase>,
  options: CalibrationHoldoutOptions,
): CustomerPeriods[] {
  const calibrationEnd = dayNumber(options.calibrationEnd);
  const holdoutEnd = dayNumber(options.holdoutEnd);
  if (holdoutEnd < calibrationEnd) {
    throw new AppError(
      'invalid_input',
      `holdoutEnd ${options.holdoutEnd} is before calibrationEnd ${options.calibrationEnd}`,
    );
  }
  const daysByCustomer = new Map<string, Set<number>>();
  for (const p of purchases) {
    let days = daysByCustomer.get(p.customerId);
    if (days === undefined) {
      days = new Set();
      daysByCustomer.set(p.customerId, days);
    }
    days.add(dayNumber(p.day));
  }
  const round =
    options.decimals === undefined ? (v: number) => v : (v: number) => Number(v.toFixed(options.decimals));
  const out: CustomerPeriods[] = [];
  for (const [customerId, days] of daysByCustomer) {
    let first = Number.POSITIVE_INFINITY;
    let lastCalibration = Number.NEGATIVE_INFINITY;
    let calibrationDays = 0;
    let holdoutPurchases = 0;
    for (const d of days) {
      if (d <= calibrationEnd) {
        calibrationDays++;
        if (d < first) first = d;
        if (d > lastCalibration) lastCalibration = d;
      } else if (d <= holdoutEnd) {
        holdoutPurchases++;
      }
    }
    if (calibrationDays === 0) continue;
    out.push({
      customerId,
      frequency: calibrationDays - 1,
      recency: round((lastCalibration - first) / options.unitDays),
      T: round((calibrationEnd - first) / options.unitDays),
      holdoutPurchases,
    });
  }
  return out;
}
