/**
 * A score's breakdown as stored with each analysed customer: per criterion the points, the
 * weight and the value the points came from — `{"past_value":[4,5,360945],…}`, about 190
 * bytes. The weighted points follow from points × weight; the sentence that explains a band is
 * rendered where it is shown, in the reader's language, not stored a million times in English.
 */
import type { CriterionScore } from './scoringModel.js';

export interface BreakdownEntry {
  criterion: string;
  value: number | string | null;
  points: number;
  weight: number;
  weighted: number;
}

/** The stored text of a breakdown, criteria in scoring order. */
export function breakdownText(breakdown: readonly CriterionScore[]): string {
  const stored: Record<string, [number, number, number | string | null]> = {};
  for (const c of breakdown) stored[c.criterion] = [c.points, c.weight, c.value];
  return JSON.stringify(stored);
}

function entry(criterion: string, points: unknown, weight: unknown, value: unknown): BreakdownEntry | null {
  if (typeof points !== 'number' || typeof weight !== 'number') return null;
  const shown = typeof value === 'number' || typeof value === 'string' ? value : null;
  return { criterion, value: shown, points, weight, weighted: points * weight };
}

/**
 * The entries of a stored breakdown, or null when there is none. Reads the compact form and
 * the list of objects runs before it wrote; anything else is not a breakdown.
 */
export function parseBreakdown(text: string | null | undefined): BreakdownEntry[] | null {
  if (text === null || text === undefined || text === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const entries: (BreakdownEntry | null)[] = [];
  if (Array.isArray(parsed)) {
    for (const item of parsed as Record<string, unknown>[]) {
      entries.push(
        item && typeof item.criterion === 'string'
          ? entry(item.criterion, item.points, item.weight, item.value)
          : null,
      );
    }
  } else if (parsed !== null && typeof parsed === 'object') {
    for (const [criterion, stored] of Object.entries(parsed)) {
      entries.push(Array.isArray(stored) ? entry(criterion, stored[0], stored[1], stored[2]) : null);
    }
  } else return null;
  return entries.every((e) => e !== null) ? (entries as BreakdownEntry[]) : null;
}
