import type { Command } from 'commander';
import { registerAnalyze } from './analyze.js';
import { registerBench } from './bench.js';
import { registerDedupe } from './dedupe.js';
import { registerDefinition } from './definition.js';
import { registerDemo } from './demo.js';
import { registerFit } from './fit.js';
import { registerImport } from './import.js';
import { registerJourney } from './journey.js';
import { registerLaterCommands } from './later.js';
import { registerPlan } from './plan.js';
import { registerReport } from './report.js';
import { registerSegment } from './segment.js';
import { registerServe } from './serve.js';

/** Every command of SPEC's CLI contract. One file per command; each registers itself here. */
export function registerCommands(program: Command): void {
  registerBench(program);
  registerDemo(program);
  registerDedupe(program);
  registerImport(program);
  registerServe(program);
  registerDefinition(program);
  registerAnalyze(program);
  registerFit(program);
  registerPlan(program);
  registerReport(program);
  registerSegment(program);
  registerJourney(program);
  registerLaterCommands(program);
}
