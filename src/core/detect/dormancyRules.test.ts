import { describe, expect, it } from 'vitest';
import {
  type DormancyRule,
  describeRule,
  evaluateRule,
  formatRuleError,
  parseRule,
  type RuleErrorCode,
  referencedFeatures,
  suggestFeature,
} from './dormancyRules.js';
import { FEATURE_NAMES, type FeatureValues } from './featureNames.js';
import { featuresWithoutLabel } from './ruleVocabulary.js';

/** Every feature null, then the given values: a customer we know nothing about but these. */
function aCustomer(values: Partial<FeatureValues> = {}): FeatureValues {
  const features = Object.fromEntries(FEATURE_NAMES.map((name) => [name, null])) as FeatureValues;
  return { ...features, ...values };
}

function rule(text: string): DormancyRule {
  const result = parseRule(text);
  if (!result.ok) throw new Error(`expected '${text}' to parse: ${JSON.stringify(result.errors)}`);
  return result.rule;
}

describe('parseRule', () => {
  const valid: { description: string; text: string; tree: unknown }[] = [
    {
      description: 'a single comparison',
      text: 'overdue_ratio >= 3',
      tree: { kind: 'compare', feature: 'overdue_ratio', op: '>=', value: 3 },
    },
    {
      description: 'and binds tighter than or',
      text: 'usage_ratio < 0.2 or months_since_cancellation >= 6 and unanswered_emails >= 3',
      tree: {
        kind: 'or',
        operands: [
          { kind: 'compare', feature: 'usage_ratio' },
          {
            kind: 'and',
            operands: [{ feature: 'months_since_cancellation' }, { feature: 'unanswered_emails' }],
          },
        ],
      },
    },
    {
      description: 'parentheses override precedence',
      text: '(usage_ratio < 0.2 or months_since_cancellation >= 6) and unanswered_emails >= 3',
      tree: {
        kind: 'and',
        operands: [{ kind: 'or' }, { kind: 'compare', feature: 'unanswered_emails' }],
      },
    },
    {
      description: 'not binds tighter than and',
      text: 'not days_since_last_inquiry < 90 and yoy_spend_ratio <= 0.5',
      tree: {
        kind: 'and',
        operands: [
          { kind: 'not', operand: { kind: 'compare', feature: 'days_since_last_inquiry' } },
          { kind: 'compare' },
        ],
      },
    },
    {
      description: 'a chain of and is one flat node',
      text: 'overdue_ratio > 1 and overdue_ratio > 2 and overdue_ratio > 3',
      tree: { kind: 'and', operands: [{ value: 1 }, { value: 2 }, { value: 3 }] },
    },
    {
      description: 'months on a day feature become 30 days each',
      text: 'days_since_last_purchase >= 9mo',
      tree: { feature: 'days_since_last_purchase', value: 270, literal: '9mo' },
    },
    {
      description: 'years on the months feature become 12 months each',
      text: 'months_since_cancellation >= 1y',
      tree: { feature: 'months_since_cancellation', value: 12 },
    },
    { description: 'a percentage on a ratio', text: 'usage_ratio < 20%', tree: { value: 0.2 } },
    { description: 'spelled-out units', text: 'days_since_last_purchase >= 2 weeks', tree: { value: 14 } },
    { description: 'Japanese units', text: 'days_since_last_purchase >= 9ヶ月', tree: { value: 270 } },
    {
      description: 'full-width characters and Japanese and',
      text: 'ｏｖｅｒｄｕｅ＿ｒａｔｉｏ　＞＝　３ かつ unanswered_emails ≧ 3',
      tree: {
        kind: 'and',
        operands: [
          { op: '>=', value: 3 },
          { op: '>=', value: 3 },
        ],
      },
    },
    {
      description: 'operator aliases',
      text: 'purchase_days == 1 || purchase_days <> 2 && !(purchase_days ≠ 3)',
      tree: {
        kind: 'or',
        operands: [{ op: '=' }, { kind: 'and', operands: [{ op: '!=' }, { kind: 'not' }] }],
      },
    },
    {
      description: 'keywords and feature names in any case',
      text: 'NOT Overdue_Ratio >= 3 AND p_alive < 0.3',
      tree: {
        kind: 'and',
        operands: [{ kind: 'not', operand: { feature: 'overdue_ratio' } }, { feature: 'p_alive' }],
      },
    },
    { description: 'is null', text: 'has_active_subscription is null', tree: { kind: 'missing' } },
    {
      description: 'is not null',
      text: 'has_active_subscription is not null',
      tree: { kind: 'not', operand: { kind: 'missing' } },
    },
    { description: 'negative and decimal numbers', text: 'yoy_spend_ratio > -0.5', tree: { value: -0.5 } },
    { description: 'digit separators', text: 'total_spend_yen >= 1_000_000', tree: { value: 1_000_000 } },
  ];
  for (const c of valid) {
    it(`parses ${c.description}`, () => {
      const result = parseRule(c.text);
      expect(result.ok, JSON.stringify(result)).toBe(true);
      if (result.ok) expect(result.rule.root).toMatchObject(c.tree as object);
    });
  }

  const invalid: {
    description: string;
    text: string;
    code: RuleErrorCode;
    column: number;
    message: RegExp;
  }[] = [
    { description: 'an empty rule', text: '   ', code: 'empty_rule', column: 1, message: /empty/ },
    {
      description: 'an unknown feature with a suggestion',
      text: 'days_since_last_purchse >= 270',
      code: 'unknown_feature',
      column: 1,
      message: /unknown feature 'days_since_last_purchse'; did you mean 'days_since_last_purchase'\?/,
    },
    {
      description: '"order" for "purchase"',
      text: 'overdue_ratio >= 3 and days_since_last_order >= 90',
      code: 'unknown_feature',
      column: 24,
      message: /did you mean 'days_since_last_purchase'/,
    },
    {
      description: 'an unknown feature far from every name',
      text: 'favourite_colour = 1',
      code: 'unknown_feature',
      column: 1,
      message: /docs\/dormancy-definitions\.md/,
    },
    {
      description: 'a missing number',
      text: 'overdue_ratio >=',
      code: 'missing_operand',
      column: 17,
      message: /expected a number after '>=', got the end of the rule/,
    },
    {
      description: 'a missing operator',
      text: 'overdue_ratio 3',
      code: 'missing_operator',
      column: 15,
      message: /expected a comparison .* after 'overdue_ratio', got '3'/,
    },
    {
      description: 'a condition missing after and',
      text: 'overdue_ratio >= 3 and',
      code: 'missing_operand',
      column: 23,
      message: /expected a condition .* after 'and'/,
    },
    {
      description: 'a condition missing before or',
      text: 'or overdue_ratio >= 3',
      code: 'missing_operand',
      column: 1,
      message: /expected a condition before 'or'/,
    },
    {
      description: 'a number where a feature belongs',
      text: '270 <= days_since_last_purchase',
      code: 'missing_operand',
      column: 1,
      message: /expected a feature name before 270/,
    },
    {
      description: 'two features compared',
      text: 'days_since_last_purchase > purchase_cycle_days',
      code: 'missing_operand',
      column: 28,
      message: /comparing two features is not supported/,
    },
    {
      description: 'an unclosed parenthesis',
      text: '(overdue_ratio >= 3 and usage_ratio < 0.2',
      code: 'unbalanced_parenthesis',
      column: 1,
      message: /'\(' at column 1 is never closed/,
    },
    {
      description: 'a closing parenthesis too many',
      text: 'overdue_ratio >= 3)',
      code: 'unbalanced_parenthesis',
      column: 19,
      message: /'\)' at column 19 has no matching '\('/,
    },
    {
      description: 'trailing text',
      text: 'overdue_ratio >= 3 usage_ratio < 0.2',
      code: 'trailing_text',
      column: 20,
      message: /unexpected 'usage_ratio' after a complete condition; join conditions with 'and' or 'or'/,
    },
    {
      description: 'an unexpected character',
      text: 'overdue_ratio >= 3 ; usage_ratio < 1',
      code: 'unexpected_character',
      column: 20,
      message: /unexpected character ';'/,
    },
    {
      description: 'a unit that does not fit the feature',
      text: 'unanswered_emails >= 3mo',
      code: 'unit_mismatch',
      column: 22,
      message: /'mo' does not fit unanswered_emails/,
    },
    {
      description: 'an unknown unit',
      text: 'days_since_last_purchase >= 3fortnights',
      code: 'unknown_unit',
      column: 30,
      message: /unknown unit 'fortnights'/,
    },
    {
      description: 'is without null',
      text: 'usage_ratio is 3',
      code: 'missing_operand',
      column: 16,
      message: /expected 'null'/,
    },
  ];
  for (const c of invalid) {
    it(`rejects ${c.description} with the column`, () => {
      const result = parseRule(c.text);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      const error = result.errors[0];
      expect(error).toMatchObject({ code: c.code, column: c.column, position: c.column - 1 });
      expect(error?.message).toMatch(c.message);
    });
  }

  it('reports every unknown feature and an unclosed parenthesis together', () => {
    const result = parseRule('(overdue_ratoi >= 3 and usage_ratoi < 0.2');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.code, e.column])).toEqual([
      ['unknown_feature', 2],
      ['unknown_feature', 25],
      ['unbalanced_parenthesis', 1],
    ]);
  });

  it('shows the error under the rule with a caret', () => {
    const text = 'overdue_ratio >= 3 and';
    const result = parseRule(text);
    if (result.ok) throw new Error('expected an error');
    expect(formatRuleError(text, result.errors[0] as never)).toBe(
      `column 23: expected a condition (a feature name such as days_since_last_purchase) after 'and', got the end of the rule\n  ${text}\n  ${' '.repeat(22)}^`,
    );
  });
});

describe('suggestFeature', () => {
  it('finds the nearest name for a typo and gives up on nonsense', () => {
    expect(suggestFeature('usage_ration')).toBe('usage_ratio');
    expect(suggestFeature('UNANSWERED_EMAIL')).toBe('unanswered_emails');
    expect(suggestFeature('zzz')).toBeNull();
  });
});

describe('evaluateRule', () => {
  const cases: { description: string; text: string; customer: Partial<FeatureValues>; expected: boolean }[] =
    [
      {
        description: "the seed's 9 months and 3 unanswered emails: both hold",
        text: 'days_since_last_purchase >= 270 and unanswered_emails >= 3',
        customer: { days_since_last_purchase: 270, unanswered_emails: 3 },
        expected: true,
      },
      {
        description: 'one day short of 9 months',
        text: 'days_since_last_purchase >= 270 and unanswered_emails >= 3',
        customer: { days_since_last_purchase: 269, unanswered_emails: 5 },
        expected: false,
      },
      {
        description: 'half of last year and no inquiry for 3 months',
        text: 'yoy_spend_ratio <= 0.5 and days_since_last_inquiry >= 90',
        customer: { yoy_spend_ratio: 0.5, days_since_last_inquiry: 120 },
        expected: true,
      },
      {
        description: 'a comparison on a missing feature is false',
        text: 'days_since_last_inquiry >= 90',
        customer: {},
        expected: false,
      },
      {
        description: '!= on a missing feature is false too',
        text: 'has_active_subscription != 1',
        customer: {},
        expected: false,
      },
      {
        description: 'not turns a false comparison on a missing feature into true',
        text: 'not days_since_last_inquiry < 90',
        customer: {},
        expected: true,
      },
      {
        description: 'is null holds for a missing feature',
        text: 'has_active_subscription is null',
        customer: {},
        expected: true,
      },
      {
        description: 'is null fails for zero',
        text: 'has_active_subscription is null',
        customer: { has_active_subscription: 0 },
        expected: false,
      },
      {
        description: 'or holds when one side holds',
        text: 'usage_ratio < 20% or months_since_cancellation >= 6',
        customer: { months_since_cancellation: 7 },
        expected: true,
      },
      {
        description: 'strict and non-strict bounds',
        text: 'overdue_ratio > 3 or overdue_ratio < 1',
        customer: { overdue_ratio: 3 },
        expected: false,
      },
      {
        description: 'equality',
        text: 'purchase_days = 1',
        customer: { purchase_days: 1 },
        expected: true,
      },
      {
        description: 'precedence: a or (b and c), with a true and b false',
        text: 'overdue_ratio >= 3 or unanswered_emails >= 3 and usage_ratio < 0.2',
        customer: { overdue_ratio: 4, unanswered_emails: 0 },
        expected: true,
      },
      {
        description: 'parentheses: (a or b) and c, with a true and c false',
        text: '(overdue_ratio >= 3 or unanswered_emails >= 3) and usage_ratio < 0.2',
        customer: { overdue_ratio: 4, usage_ratio: 0.5 },
        expected: false,
      },
      {
        description: 'NaN counts as missing',
        text: 'p_alive < 0.5',
        customer: { p_alive: Number.NaN },
        expected: false,
      },
    ];
  for (const c of cases) {
    it(`${c.expected ? 'holds' : 'does not hold'}: ${c.description}`, () => {
      expect(evaluateRule(rule(c.text), aCustomer(c.customer))).toBe(c.expected);
    });
  }
});

describe('referencedFeatures', () => {
  it('lists each feature once in order of appearance', () => {
    expect(
      referencedFeatures(
        rule('usage_ratio < 0.2 or (months_since_cancellation >= 6 and not usage_ratio is null)'),
      ),
    ).toEqual(['usage_ratio', 'months_since_cancellation']);
  });
});

describe('describeRule', () => {
  it('describes the seed example in English and Japanese', () => {
    const r = rule('days_since_last_purchase >= 9mo and unanswered_emails >= 3');
    expect(describeRule(r, 'en')).toBe(
      'time since the last purchase is at least 270 days (about 9 months) and emails without a reaction in a row is at least 3',
    );
    expect(describeRule(r, 'ja')).toBe(
      '最終購入からの日数が270日（約9ヶ月）以上、かつ反応のないメールの連続数が3以上',
    );
  });

  it('brackets a nested group and words not, ratios and flags', () => {
    const r = rule('overdue_ratio >= 3 or (has_active_subscription = 1 and not usage_ratio >= 0.2)');
    expect(describeRule(r, 'en')).toBe(
      'time since the last purchase is at least 3× the own purchase cycle or (has a running subscription and not (usage compared with own average is at least 20%))',
    );
    expect(describeRule(r, 'ja')).toBe(
      '最終購入からの経過が通常の購買サイクルの3倍以上、または（契約中のサブスクリプションがある、かつ「利用量（自社平均比）が20%以上」ではない）',
    );
  });

  it('has a label for every feature', () => {
    expect(featuresWithoutLabel()).toEqual([]);
  });
});
