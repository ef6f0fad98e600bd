import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import {
  checkDefinition,
  compileDefinition,
  DEFAULT_DEFINITION,
  type DormancyLevel,
  describeDefinition,
  dormancyLevel,
  matchesLostRule,
  PRESET_NAMES,
  PRESETS,
} from './dormancyDefinition.js';
import { compileDefinition as compileFromRules } from './dormancyRules.js';
import { FEATURE_NAMES, type FeatureValues } from './featureNames.js';

function aCustomer(values: Partial<FeatureValues> = {}): FeatureValues {
  const features = Object.fromEntries(FEATURE_NAMES.map((name) => [name, null])) as FeatureValues;
  return { ...features, ...values };
}

describe('presets', () => {
  for (const name of PRESET_NAMES) {
    it(`compiles the ${name} preset and describes every level in both languages`, () => {
      const compiled = compileDefinition(PRESETS[name]);
      expect(compiled.definition.name).toBe(name);
      for (const language of ['ja', 'en'] as const) {
        const lines = describeDefinition(compiled, language);
        expect(lines.map((l) => l.level)).toEqual([
          'at_risk',
          'early_dormant',
          'mid_dormant',
          'long_dormant',
        ]);
        for (const line of lines) expect(line.description.length).toBeGreaterThan(10);
      }
    });
  }

  it('makes the default preset the default definition with the seed health thresholds', () => {
    expect(DEFAULT_DEFINITION).toBe(PRESETS.default);
    expect(DEFAULT_DEFINITION.thresholds).toEqual({
      health: { caution: 80, warning: 70, danger: 60 },
      gap_alert_ratio: 1.5,
    });
  });

  it('is also reachable through dormancyRules (the import the analysis uses)', () => {
    expect(compileFromRules).toBe(compileDefinition);
  });

  const ladder: {
    preset: keyof typeof PRESETS;
    description: string;
    customer: Partial<FeatureValues>;
    level: DormancyLevel | null;
  }[] = [
    {
      preset: 'default',
      description: 'on rhythm is active',
      customer: { overdue_ratio: 0.9, days_since_last_purchase: 27 },
      level: null,
    },
    {
      preset: 'default',
      description: '1.5× the cycle and a month is at risk (the seed gap alert)',
      customer: { overdue_ratio: 1.5, days_since_last_purchase: 45 },
      level: 'at_risk',
    },
    {
      preset: 'default',
      description: 'a weekly buyer quiet for 3 weeks is not yet at risk (absolute floor)',
      customer: { overdue_ratio: 3, days_since_last_purchase: 21 },
      level: null,
    },
    {
      preset: 'default',
      description: "3× a 3-month cycle (the seed's 9 months) is mid dormant",
      customer: { overdue_ratio: 3, days_since_last_purchase: 270 },
      level: 'mid_dormant',
    },
    {
      preset: 'default',
      description: 'a year at 3× the cycle is long dormant',
      customer: { overdue_ratio: 4, days_since_last_purchase: 400 },
      level: 'long_dormant',
    },
    {
      preset: 'default',
      description: 'three years is long dormant whatever the cycle',
      customer: { overdue_ratio: 1.2, days_since_last_purchase: 1100 },
      level: 'long_dormant',
    },
    {
      preset: 'default',
      description: 'a customer without a cycle is not dormant by rhythm',
      customer: { days_since_last_purchase: 200 },
      level: null,
    },
    {
      preset: 'ec_consumables',
      description: 'half of last year and no inquiry ever is at risk',
      customer: { overdue_ratio: 0.5, days_since_last_purchase: 15, yoy_spend_ratio: 0.4 },
      level: 'at_risk',
    },
    {
      preset: 'ec_consumables',
      description: 'half of last year but an inquiry last month is not at risk',
      customer: {
        overdue_ratio: 0.5,
        days_since_last_purchase: 15,
        yoy_spend_ratio: 0.4,
        days_since_last_inquiry: 30,
      },
      level: null,
    },
    {
      preset: 'ec_consumables',
      description: '9 months with 3 unanswered emails is long dormant (seed example)',
      customer: { overdue_ratio: 2, days_since_last_purchase: 270, unanswered_emails: 3 },
      level: 'long_dormant',
    },
    {
      preset: 'subscription_saas',
      description: 'cancelled 6 months ago is early dormant (seed example)',
      customer: { has_active_subscription: 0, months_since_cancellation: 6 },
      level: 'early_dormant',
    },
    {
      preset: 'subscription_saas',
      description: 'cancelled last month is at risk',
      customer: { has_active_subscription: 0, months_since_cancellation: 1 },
      level: 'at_risk',
    },
    {
      preset: 'subscription_saas',
      description: 'usage below 20 % of the own average is early dormant (seed example)',
      customer: { has_active_subscription: 1, usage_ratio: 0.15, days_since_last_login: 10 },
      level: 'early_dormant',
    },
    {
      preset: 'subscription_saas',
      description: 'low usage and no login for 3 months is mid dormant',
      customer: { has_active_subscription: 1, usage_ratio: 0.15, days_since_last_login: 120 },
      level: 'mid_dormant',
    },
    {
      preset: 'subscription_saas',
      description: 'a buyer without subscriptions falls back to the rhythm',
      customer: { overdue_ratio: 5, days_since_last_purchase: 400 },
      level: 'long_dormant',
    },
    {
      preset: 'professional_services',
      description: 'a year and 3 unanswered contacts is early dormant (seed example)',
      customer: { overdue_ratio: 1.1, days_since_last_purchase: 370, unanswered_contacts: 3 },
      level: 'early_dormant',
    },
    {
      preset: 'professional_services',
      description: 'a year with answered contacts on a yearly rhythm is only at risk',
      customer: { overdue_ratio: 1.6, days_since_last_purchase: 370, unanswered_contacts: 0 },
      level: 'at_risk',
    },
    {
      preset: 'equipment',
      description:
        '80 % of the replacement cycle with an unanswered proposal is early dormant (seed example)',
      customer: { overdue_ratio: 0.8, days_since_last_purchase: 584, unanswered_contacts: 1 },
      level: 'early_dormant',
    },
    {
      preset: 'equipment',
      description: "1.5× a 2-year cycle (the seed manufacturer's 3 years) is long dormant",
      customer: { overdue_ratio: 1.5, days_since_last_purchase: 1095 },
      level: 'long_dormant',
    },
  ];
  for (const c of ladder) {
    it(`${c.preset}: ${c.description}`, () => {
      expect(dormancyLevel(compileDefinition(PRESETS[c.preset]), aCustomer(c.customer))).toBe(c.level);
    });
  }
});

describe('dormancyLevel', () => {
  const nested = compileDefinition({
    name: 'test',
    business_model: 'custom',
    levels: {
      at_risk: 'days_since_last_purchase >= 10',
      early_dormant: 'days_since_last_purchase >= 20',
      mid_dormant: 'days_since_last_purchase >= 30',
      long_dormant: 'unanswered_emails >= 5',
    },
  });

  it('gives the deepest level whose rule holds, even when shallower ones also hold', () => {
    expect(dormancyLevel(nested, aCustomer({ days_since_last_purchase: 35 }))).toBe('mid_dormant');
  });

  it('gives a deeper level whose rule holds on its own (rules need not be nested)', () => {
    expect(dormancyLevel(nested, aCustomer({ days_since_last_purchase: 2, unanswered_emails: 6 }))).toBe(
      'long_dormant',
    );
  });

  it('gives null when no rule holds', () => {
    expect(dormancyLevel(nested, aCustomer({ days_since_last_purchase: 9 }))).toBeNull();
    expect(dormancyLevel(nested, aCustomer())).toBeNull();
  });

  it('reads the optional lost rule separately', () => {
    const withLost = compileDefinition({
      ...PRESETS.default,
      lost: 'unanswered_contacts >= 10 and not days_since_last_reaction < 730',
    });
    expect(matchesLostRule(withLost, aCustomer({ unanswered_contacts: 12 }))).toBe(true);
    expect(
      matchesLostRule(withLost, aCustomer({ unanswered_contacts: 12, days_since_last_reaction: 100 })),
    ).toBe(false);
    expect(matchesLostRule(compileDefinition(PRESETS.default), aCustomer({ unanswered_contacts: 99 }))).toBe(
      false,
    );
  });
});

describe('checkDefinition', () => {
  it('fills description, lost and the seed thresholds when a file leaves them out', () => {
    const check = checkDefinition({ name: 'mine', business_model: 'b2b', levels: PRESETS.default.levels });
    expect(check.ok).toBe(true);
    if (check.ok) {
      expect(check.definition.description).toBe('');
      expect(check.definition.thresholds.health.caution).toBe(80);
    }
  });

  it('reports every violation at once: each broken rule with its level and column, and the schema problems', () => {
    const check = checkDefinition({
      name: '',
      business_model: 'retail',
      levels: {
        at_risk: 'overdue_ratio >=',
        early_dormant: 'days_since_last_purchse >= 90',
        mid_dormant: 'days_since_last_purchase >= 180',
      },
      lost: '(unanswered_contacts >= 10',
      thresholds: { health: { caution: 60, warning: 70, danger: 80 }, gap_alert_ratio: 1.5 },
      colour: 'red',
    });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    const byPath = (path: string) => check.violations.filter((v) => v.path === path);
    expect(byPath('levels.at_risk')).toMatchObject([
      { level: 'at_risk', code: 'missing_operand', column: 17 },
    ]);
    expect(byPath('levels.early_dormant')).toMatchObject([
      {
        level: 'early_dormant',
        code: 'unknown_feature',
        column: 1,
        message: expect.stringMatching(/did you mean/),
      },
    ]);
    expect(byPath('levels.long_dormant')).toMatchObject([{ level: 'long_dormant' }]);
    expect(byPath('lost')).toMatchObject([{ level: 'lost', code: 'unbalanced_parenthesis', column: 1 }]);
    expect(byPath('name')).toHaveLength(1);
    expect(byPath('business_model')).toHaveLength(1);
    expect(check.violations.some((v) => v.message.includes('colour'))).toBe(true);
  });

  it('rejects health thresholds that do not fall from caution to danger', () => {
    const check = checkDefinition({
      ...PRESETS.default,
      thresholds: { health: { caution: 60, warning: 70, danger: 80 }, gap_alert_ratio: 1.5 },
    });
    expect(check.ok).toBe(false);
    if (!check.ok)
      expect(check.violations).toMatchObject([
        { path: 'thresholds.health', code: 'thresholds_out_of_order' },
      ]);
  });

  it('rejects a gap alert ratio of 1 or below', () => {
    const check = checkDefinition({
      ...PRESETS.default,
      thresholds: { ...PRESETS.default.thresholds, gap_alert_ratio: 1 },
    });
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.violations[0]?.path).toBe('thresholds.gap_alert_ratio');
  });

  it('rejects something that is not an object', () => {
    for (const input of [null, 'default', [1, 2]]) {
      const check = checkDefinition(input);
      expect(check.ok).toBe(false);
    }
  });

  it('makes compileDefinition throw an invalid_input AppError naming the level and column', () => {
    const broken = {
      ...PRESETS.default,
      levels: { ...PRESETS.default.levels, mid_dormant: 'overdue_ratio >= 3 and' },
    };
    expect(() => compileDefinition(broken)).toThrowError(AppError);
    expect(() => compileDefinition(broken)).toThrowError(
      /levels\.mid_dormant \(column 23\): expected a condition/,
    );
  });
});
