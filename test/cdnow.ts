/**
 * The CDNOW sample (Fader, Hardie & Lee 2005; data from brucehardie.com via the `lifetimes`
 * repository, see shared/data/cdnow/README.md), read for tests, benchmarks and docs scripts. The
 * data directory sits beside the repository: `<repo>/../shared/data/cdnow`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Purchase } from '../src/core/detect/calibrationHoldout.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cdnowDir = resolve(repoRoot, '..', 'shared', 'data', 'cdnow');
export const cdnowSummaryFile = resolve(cdnowDir, 'cdnow_customers_summary.csv');
export const cdnowSampleFile = resolve(cdnowDir, 'CDNOW_sample.txt');

/** The calibration period of the paper ends on this day; the holdout runs to 1998-06-30. */
export const CDNOW_CALIBRATION_END = '1997-09-30';
export const CDNOW_HOLDOUT_END = '1998-06-30';

export interface CdnowSummaryRow {
  id: string;
  frequency: number;
  recency: number;
  T: number;
}

/** `cdnow_customers_summary.csv`: ID,frequency,recency,T (weeks). */
export function readCdnowSummary(): CdnowSummaryRow[] {
  const lines = readFileSync(cdnowSummaryFile, 'utf8').trim().split(/\r?\n/);
  return lines.slice(1).map((line) => {
    const [id, frequency, recency, T] = line.split(',');
    return { id: id ?? '', frequency: Number(frequency), recency: Number(recency), T: Number(T) };
  });
}

/**
 * `CDNOW_sample.txt`: master id, sample id, YYYYMMDD, CDs, dollars. Keyed by the sample id
 * without its zero padding ('00001' → '1'), as the summary's ID column has it.
 */
export function readCdnowSamplePurchases(): Purchase[] {
  const lines = readFileSync(cdnowSampleFile, 'utf8').trim().split(/\r?\n/);
  return lines.map((line) => {
    const [, sampleId, date] = line.trim().split(/\s+/);
    if (sampleId === undefined || date === undefined || date.length !== 8) {
      throw new Error(`unexpected CDNOW_sample.txt line: '${line}'`);
    }
    return {
      customerId: String(Number(sampleId)),
      day: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`,
    };
  });
}
