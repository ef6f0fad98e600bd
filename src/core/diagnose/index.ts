/** Diagnose: why each customer went quiet, and who a fixed problem brings back into play. */

export {
  type BusinessChange,
  type ChangeKind,
  DEFAULT_MIN_REASON_CONFIDENCE,
  findReapproachCustomers,
  type ReapproachCustomer,
  type ReapproachMatch,
  type ReapproachResult,
} from './improvementLoop.js';
export {
  categoryFromLabel,
  isReasonCategory,
  REASON_CATEGORIES,
  type ReasonCategory,
} from './reasonCategories.js';
export {
  type ContactState,
  type EngagementSummary,
  type EvidenceKind,
  inferReasons,
  MAX_INFERRED_CONFIDENCE,
  type PriceChange,
  type ReasonCandidate,
  type ReasonEvidence,
  type ReasonInput,
  type ReasonOverride,
  type ReasonResult,
  type ReasonText,
  RULE_CONFIDENCE,
} from './reasonInference.js';
export { ENGLISH_LEXICON, JAPANESE_LEXICON, type LexiconEntry, type ReasonTheme } from './reasonLexicon.js';
export { findReasonSignals, normaliseReasonText, type TextSignal, type TextSignals } from './textSignals.js';
