/**
 * Whole-day arithmetic on ISO dates ('YYYY-MM-DD', or the day part of an ISO instant). The day
 * written in the data is the day that counts: no time-zone conversion, so an order placed at
 * 23:30 JST stays on its Japanese day.
 */

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for an ISO day. `dayNumber('1970-01-02')` → 1. */
export function dayNumber(isoDay: string): number {
  const y = Number(isoDay.slice(0, 4));
  const m = Number(isoDay.slice(5, 7));
  const d = Number(isoDay.slice(8, 10));
  const ms = Date.UTC(y, m - 1, d);
  if (!Number.isFinite(ms) || isoDay.length < 10) {
    throw new Error(`expected an ISO day like 2024-03-31, got '${isoDay}'`);
  }
  return Math.round(ms / MS_PER_DAY);
}

/** The ISO day of a day number. `isoDay(1)` → '1970-01-02'. */
export function isoDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
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
  return isoDay(dayNumber(value)) === value;
}
