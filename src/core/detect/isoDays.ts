/**
 * Whole-day arithmetic on ISO dates ('YYYY-MM-DD', or the day part of an ISO instant). The day
 * written in the data is the day that counts: no time-zone conversion, so an order placed at
 * 23:30 JST stays on its Japanese day.
 */

/**
 * Days since 1970-01-01 for an ISO day. Plain arithmetic (H. Hinnant, "chrono-compatible
 * low-level date algorithms", days_from_civil): the analysis converts millions of days.
 * `dayNumber('1970-01-02')` → 1.
 */
export function dayNumber(isoDay: string): number {
  // Digits read by char code: no substrings, the hot path of the analysis.
  const y0 = digits(isoDay, 0, 4);
  const m = digits(isoDay, 5, 2);
  const d = digits(isoDay, 8, 2);
  if (!(m >= 1 && m <= 12 && d >= 1 && d <= 31) || y0 < 0 || isoDay.charCodeAt(4) !== 45) {
    throw new Error(`expected an ISO day like 2024-03-31, got '${isoDay}'`);
  }
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The decimal number written in `length` characters from `start`; -1 when any is not a digit. */
function digits(text: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    n = n * 10 + c;
  }
  return n;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The ISO day of a day number. `isoDay(1)` → '1970-01-02'. */
export function isoDay(day: number): string {
  const { year, month, dayOfMonth } = civilDate(day);
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(dayOfMonth)}`;
}

/** Year, month (1–12) and day of the month of a day number (civil_from_days), without strings. */
export function civilDate(day: number): { year: number; month: number; dayOfMonth: number } {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, dayOfMonth: d };
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** The ISO day `days` after (or before, when negative) `day`. */
export function addDays(day: string, days: number): string {
  return isoDay(dayNumber(day) + days);
}

/** True for a valid calendar day written 'YYYY-MM-DD'. */
export function isIsoDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  return isoDay(dayNumber(value)) === value;
}
