/**
 * A dormancy definition: one rule per level of the seed's status ladder (seed 000 "顧客ステータス
 * の細分化": 要注意 → 初期休眠 → 中期休眠 → 長期休眠), the early-warning thresholds (seed 000
 * "早期警告システム": 80 / 70 / 60 points, and "通常サイクルの1.5倍" for the gap alert), and the
 * presets per business model built from the seed's definition examples.
 *
 * A customer's level is the deepest level whose rule holds: the rules need not be nested.
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import { type DormancyRule, describeRule, evaluateRule, parseRule } from './dormancyRules.js';
import type { FeatureValues } from './featureNames.js';
import type { Language } from './ruleVocabulary.js';

export const DORMANCY_LEVELS = ['at_risk', 'early_dormant', 'mid_dormant', 'long_dormant'] as const;
export type DormancyLevel = (typeof DORMANCY_LEVELS)[number];
/** The order dormancyLevel tries the levels in. */
const DEEPEST_FIRST: readonly DormancyLevel[] = ['long_dormant', 'mid_dormant', 'early_dormant', 'at_risk'];

export const LEVEL_LABELS: Record<DormancyLevel | 'lost', Record<Language, string>> = {
  at_risk: { en: 'at risk', ja: '要注意' },
  early_dormant: { en: 'early dormant', ja: '初期休眠' },
  mid_dormant: { en: 'mid dormant', ja: '中期休眠' },
  long_dormant: { en: 'long dormant', ja: '長期休眠' },
  lost: { en: 'lost (evidence rule)', ja: '離反（根拠ルール）' },
};

export const BUSINESS_MODELS = [
  'b2b',
  'ec_consumables',
  'subscription_saas',
  'professional_services',
  'equipment',
  'custom',
] as const;

const RuleText = z.string().trim().min(1, 'write a rule, e.g. days_since_last_purchase >= 270');

export const HealthThresholds = z.strictObject({
  caution: z.number().min(0).max(100),
  warning: z.number().min(0).max(100),
  danger: z.number().min(0).max(100),
});

/** Seed 000: caution at 80 points or less, warning at 70, danger at 60; gap alert at 1.5× the cycle. */
export const DEFAULT_THRESHOLDS = {
  health: { caution: 80, warning: 70, danger: 60 },
  gap_alert_ratio: 1.5,
};

export const DormancyDefinition = z.strictObject({
  name: z.string().trim().min(1, 'give the definition a name').max(100),
  business_model: z.enum(BUSINESS_MODELS),
  description: z.string().max(2000).default(''),
  levels: z.strictObject({
    at_risk: RuleText,
    early_dormant: RuleText,
    mid_dormant: RuleText,
    long_dormant: RuleText,
  }),
  /** Extra evidence that a customer is lost (離反, unreachable), not merely dormant. */
  lost: RuleText.nullish(),
  thresholds: z
    .strictObject({
      health: HealthThresholds,
      gap_alert_ratio: z.number().gt(1, 'the gap alert ratio must be above 1 (1.5 = half a cycle late)'),
    })
    .default(DEFAULT_THRESHOLDS),
});
export type DormancyDefinition = z.infer<typeof DormancyDefinition>;
/** What a definition file may leave out (description, lost, thresholds). */
export type DormancyDefinitionInput = z.input<typeof DormancyDefinition>;

/** One thing wrong with a definition: which field (and rule level), where in the rule, what to do. */
export interface DefinitionViolation {
  /** Dotted path of the field, e.g. `levels.early_dormant`. */
  path: string;
  /** The level whose rule is wrong, when it is a rule. */
  level: DormancyLevel | 'lost' | null;
  code: string;
  message: string;
  /** Rules: 0-based offset and 1-based column of the problem in the rule text. */
  position?: number;
  column?: number;
}

export interface CompiledDefinition {
  definition: DormancyDefinition;
  levels: Record<DormancyLevel, DormancyRule>;
  lost: DormancyRule | null;
}

export type DefinitionCheck =
  | { ok: true; definition: DormancyDefinition; compiled: CompiledDefinition }
  | { ok: false; violations: DefinitionViolation[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The rule texts present in raw input, so their errors are reported even when other fields are wrong. */
function ruleTextsOf(input: unknown): [DormancyLevel | 'lost', string][] {
  if (!isRecord(input)) return [];
  const texts: [DormancyLevel | 'lost', string][] = [];
  const levels = input.levels;
  if (isRecord(levels)) {
    for (const level of DORMANCY_LEVELS) {
      const text = levels[level];
      if (typeof text === 'string' && text.trim() !== '') texts.push([level, text]);
    }
  }
  if (typeof input.lost === 'string' && input.lost.trim() !== '') texts.push(['lost', input.lost]);
  return texts;
}

/**
 * Validates a definition (from a file, the API or storage) and compiles every rule. Returns
 * every violation at once: schema problems, each rule's errors with its position, and
 * thresholds out of order.
 *
 * @example checkDefinition({ ...PRESETS.default, levels: { ...levels, at_risk: 'overdue_ratio >=' } })
 *   → { ok: false, violations: [{ path: 'levels.at_risk', level: 'at_risk', column: 17, … }] }
 */
export function checkDefinition(input: unknown): DefinitionCheck {
  const violations: DefinitionViolation[] = [];
  const parsed = DormancyDefinition.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String).join('.');
      const last = issue.path[issue.path.length - 1];
      const level =
        issue.path[0] === 'levels' && DORMANCY_LEVELS.includes(last as DormancyLevel)
          ? (last as DormancyLevel)
          : issue.path[0] === 'lost'
            ? 'lost'
            : null;
      violations.push({ path: path || '(definition)', level, code: issue.code, message: issue.message });
    }
  }
  const rules: Partial<Record<DormancyLevel | 'lost', DormancyRule>> = {};
  for (const [level, text] of ruleTextsOf(input)) {
    const result = parseRule(text.trim());
    if (result.ok) {
      rules[level] = result.rule;
      continue;
    }
    for (const error of result.errors) {
      violations.push({
        path: level === 'lost' ? 'lost' : `levels.${level}`,
        level,
        code: error.code,
        message: error.message,
        position: error.position,
        column: error.column,
      });
    }
  }
  if (parsed.success) {
    const { caution, warning, danger } = parsed.data.thresholds.health;
    if (!(caution > warning && warning > danger)) {
      violations.push({
        path: 'thresholds.health',
        level: null,
        code: 'thresholds_out_of_order',
        message: `health thresholds must fall from caution to danger (e.g. 80 > 70 > 60), got caution ${caution}, warning ${warning}, danger ${danger}`,
      });
    }
  }
  if (!parsed.success || violations.length > 0) return { ok: false, violations };
  const definition = parsed.data;
  const compiled: CompiledDefinition = {
    definition,
    levels: {
      at_risk: rules.at_risk as DormancyRule,
      early_dormant: rules.early_dormant as DormancyRule,
      mid_dormant: rules.mid_dormant as DormancyRule,
      long_dormant: rules.long_dormant as DormancyRule,
    },
    lost: rules.lost ?? null,
  };
  return { ok: true, definition, compiled };
}

/** Violations as lines a person can act on: `levels.at_risk (column 17): expected a number …`. */
export function formatViolations(violations: DefinitionViolation[]): string[] {
  return violations.map(
    (v) => `${v.path}${v.column !== undefined ? ` (column ${v.column})` : ''}: ${v.message}`,
  );
}

/**
 * Compiles a definition that is expected to be valid (a preset, or one stored after
 * validation). An invalid one is an AppError listing every violation; use checkDefinition to
 * get the violations as values.
 *
 * @example dormancyLevel(compileDefinition(DEFAULT_DEFINITION), features) → 'early_dormant'
 */
export function compileDefinition(definition: DormancyDefinitionInput): CompiledDefinition {
  const check = checkDefinition(definition);
  if (!check.ok) {
    throw new AppError(
      'invalid_input',
      `the dormancy definition is invalid:\n${formatViolations(check.violations).join('\n')}`,
    );
  }
  return check.compiled;
}

/**
 * The deepest level whose rule holds for the customer, or null (active).
 *
 * @example dormancyLevel(compiled, { ...features, overdue_ratio: 4, days_since_last_purchase: 200 }) → 'mid_dormant'
 */
export function dormancyLevel(compiled: CompiledDefinition, features: FeatureValues): DormancyLevel | null {
  for (const level of DEEPEST_FIRST) {
    if (evaluateRule(compiled.levels[level], features)) return level;
  }
  return null;
}

/** Whether the definition's lost rule (離反 evidence) holds; false when it has none. */
export function matchesLostRule(compiled: CompiledDefinition, features: FeatureValues): boolean {
  return compiled.lost !== null && evaluateRule(compiled.lost, features);
}

export interface LevelDescription {
  level: DormancyLevel | 'lost';
  label: string;
  rule: string;
  description: string;
}

/**
 * Each level of a compiled definition with its rule in words, shallowest first.
 *
 * @example describeDefinition(compileDefinition(PRESETS.ec_consumables), 'ja')[0].label → '要注意'
 */
export function describeDefinition(compiled: CompiledDefinition, language: Language): LevelDescription[] {
  const out: LevelDescription[] = DORMANCY_LEVELS.map((level) => ({
    level,
    label: LEVEL_LABELS[level][language],
    rule: compiled.levels[level].text,
    description: describeRule(compiled.levels[level], language),
  }));
  if (compiled.lost) {
    out.push({
      level: 'lost',
      label: LEVEL_LABELS.lost[language],
      rule: compiled.lost.text,
      description: describeRule(compiled.lost, language),
    });
  }
  return out;
}

export const PRESET_NAMES = [
  'default',
  'ec_consumables',
  'subscription_saas',
  'professional_services',
  'equipment',
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * Presets from seed 000's examples ("休眠顧客定義の具体例" and "複数の指標を組み合わせる"). Each
 * rule names the seed figure it carries in the description; the absolute-day floors keep a
 * customer with a weekly rhythm from turning dormant after three quiet weeks.
 */
export const PRESETS: Record<PresetName, DormancyDefinition> = {
  default: {
    name: 'default',
    business_model: 'b2b',
    description:
      "B2B, each customer against their own purchase rhythm: at risk past 1.5× the usual cycle (the seed's early-warning gap), dormant past 3× the cycle (the seed's consumables example: a 3-month cycle makes 9 months), deepening with time since the last purchase; after 3 years the contact data itself goes stale.",
    levels: {
      at_risk: 'overdue_ratio >= 1.5 and days_since_last_purchase >= 30',
      early_dormant: 'overdue_ratio >= 3 and days_since_last_purchase >= 90',
      mid_dormant: 'overdue_ratio >= 3 and days_since_last_purchase >= 180',
      long_dormant:
        '(overdue_ratio >= 3 and days_since_last_purchase >= 365) or days_since_last_purchase >= 1095',
    },
    lost: null,
    thresholds: DEFAULT_THRESHOLDS,
  },
  ec_consumables: {
    name: 'ec_consumables',
    business_model: 'ec_consumables',
    description:
      "EC / consumables: at risk past 1.5× the cycle, or when spend fell to half of last year with no inquiry for 3 months (seed example); dormant at 3× the cycle and at least 3 months (the seed's daily-goods example); long dormant after 9 months with the last 3 emails unanswered (seed example) or after a year.",
    levels: {
      at_risk: 'overdue_ratio >= 1.5 or (yoy_spend_ratio <= 0.5 and not days_since_last_inquiry < 90)',
      early_dormant: 'overdue_ratio >= 3 and days_since_last_purchase >= 90',
      mid_dormant: 'overdue_ratio >= 3 and days_since_last_purchase >= 180',
      long_dormant:
        '(days_since_last_purchase >= 270 and unanswered_emails >= 3) or days_since_last_purchase >= 365',
    },
    lost: null,
    thresholds: DEFAULT_THRESHOLDS,
  },
  subscription_saas: {
    name: 'subscription_saas',
    business_model: 'subscription_saas',
    description:
      'Subscription / SaaS: dormant when the subscription ended 6+ months ago or usage runs below 20 % of the own average (seed examples); at risk when usage halves or a cancellation is recent. Customers without any subscription fall back to the purchase rhythm.',
    levels: {
      at_risk: '(has_active_subscription = 1 and usage_ratio < 0.5) or months_since_cancellation < 6',
      early_dormant:
        '(has_active_subscription = 1 and usage_ratio < 0.2) or months_since_cancellation >= 6 or (has_active_subscription is null and overdue_ratio >= 3 and days_since_last_purchase >= 90)',
      mid_dormant:
        '(has_active_subscription = 1 and usage_ratio < 0.2 and not days_since_last_login < 90) or months_since_cancellation >= 12 or (has_active_subscription is null and overdue_ratio >= 3 and days_since_last_purchase >= 180)',
      long_dormant:
        'months_since_cancellation >= 24 or (has_active_subscription is null and days_since_last_purchase >= 365 and overdue_ratio >= 3)',
    },
    lost: null,
    thresholds: DEFAULT_THRESHOLDS,
  },
  professional_services: {
    name: 'professional_services',
    business_model: 'professional_services',
    description:
      'Professional services: dormant one year after the last engagement when the last 3 proposals or contacts went unanswered (seed example) or the gap is 3× the usual rhythm; mid dormant after 2 years, long dormant after 3.',
    levels: {
      at_risk: 'overdue_ratio >= 1.5 and days_since_last_purchase >= 90',
      early_dormant: 'days_since_last_purchase >= 365 and (unanswered_contacts >= 3 or overdue_ratio >= 3)',
      mid_dormant: 'days_since_last_purchase >= 730',
      long_dormant: 'days_since_last_purchase >= 1095',
    },
    lost: null,
    thresholds: DEFAULT_THRESHOLDS,
  },
  equipment: {
    name: 'equipment',
    business_model: 'equipment',
    description:
      "Equipment: the usual replacement cycle is the purchase cycle. At risk at 80 % of it; dormant when 80 % has passed and renewal or maintenance proposals got no reaction (seed example); mid dormant at 1.5× the cycle (the seed's manufacturer: a 2-year cycle makes 3 years); long dormant at 1.5× and 3 years, or after 5 years.",
    levels: {
      at_risk: 'overdue_ratio >= 0.8',
      early_dormant: 'overdue_ratio >= 0.8 and unanswered_contacts >= 1 and days_since_last_purchase >= 365',
      mid_dormant: 'overdue_ratio >= 1.5 and days_since_last_purchase >= 730',
      long_dormant:
        '(overdue_ratio >= 1.5 and days_since_last_purchase >= 1095) or days_since_last_purchase >= 1825',
    },
    lost: null,
    thresholds: DEFAULT_THRESHOLDS,
  },
};

/** The definition in force when none has been stored. */
export const DEFAULT_DEFINITION: DormancyDefinition = PRESETS.default;

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}
