import { describe, expect, it } from 'vitest';
import { addDays, dayNumber, daysBetween, isIsoDay, isoDay } from './isoDays.js';

describe('isoDays', () => {
  it('agrees with the calendar for every day from 1999 to 2031', () => {
    const start = Date.UTC(1999, 0, 1) / 86_400_000;
    for (let day = start; day < start + 33 * 366; day++) {
      const text = new Date(day * 86_400_000).toISOString().slice(0, 10);
      expect(dayNumber(text)).toBe(day);
      expect(isoDay(day)).toBe(text);
    }
  });
  it('reads the day part of an instant, as written', () => {
    expect(daysBetween('2024-06-01T23:30:00+09:00', '2024-06-02')).toBe(1);
  });
  it('crosses leap days and year ends', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-12-31', 1)).toBe('2024-01-01');
    expect(daysBetween('2023-03-01', '2024-03-01')).toBe(366);
  });
  it('rejects what is not a day', () => {
    expect(() => dayNumber('2024/03/31')).toThrow(/expected an ISO day/);
    expect(isIsoDay('2024-02-30')).toBe(false);
    expect(isIsoDay('2024-02-29')).toBe(true);
    expect(isIsoDay('2024-13-01')).toBe(false);
    expect(isIsoDay('2024-00-10')).toBe(false);
    expect(() => dayNumber('20x4-01-01')).toThrow(/expected an ISO day/);
    expect(() => dayNumber('2024-1-01')).toThrow(/expected an ISO day/);
  });
});
