/** The seeded demo company (B2B supplier or e-commerce shop): generate, import, summarise. */
export type { Archetype, Role } from './casting.js';
export {
  DEMO_FILES,
  type DemoFileKind,
  type GenerateOptions,
  type GenerationSummary,
  generateDemo,
} from './generateDemo.js';
export { type DemoKind, PROFILES } from './profiles.js';
export { Rng } from './random.js';
export { DEFAULT_DEMO_CUSTOMERS, type DemoOptions, type DemoSummary, runDemo } from './runDemo.js';
export { PLANTED_REASONS, type PlantedReason } from './texts.js';
