/**
 * Every benchmark `mezame bench` runs. A benchmark measures Mezame against a baseline run in
 * the same process or script (machines are shared and noisy, so ratios, not raw seconds, are
 * what we compare across runs) and returns rows for the results file.
 */
import { analyzeBenchmark } from './analyzeBench.js';
import { bgnbdBenchmark } from './bgnbdBench.js';
import { demoBenchmark } from './demoBench.js';
import { importBenchmark } from './importBench.js';
import { journeyBenchmark } from './journeyBench.js';
import { serverBenchmark } from './serverBench.js';
import { nameMatchingBenchmark } from './nameMatchingBench.js';

export interface BenchResult {
  name: string;
  /** Measured figures, e.g. { rows_per_s: 250000, ratio_to_sqlite3_import: 0.8 }. */
  figures: Record<string, number | string>;
  notes?: string;
}

export interface Benchmark {
  name: string;
  description: string;
  run(options: { scale: 'full' | 'quick'; log: (line: string) => void }): Promise<BenchResult[]>;
}

export const benchmarks: Benchmark[] = [demoBenchmark, importBenchmark, serverBenchmark, nameMatchingBenchmark, analyzeBenchmark, bgnbdBenchmark, journeyBenchmark];
