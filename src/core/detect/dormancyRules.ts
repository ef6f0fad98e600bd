/**
 * The dormancy rule language: conditions on a customer's features, combined with and / or /
 * not, e.g. `days_since_last_purchase >= 270 and unanswered_emails >= 3` (seed 000: "9+ months
 * since the last purchase and no reaction to the last 3 emails"). Text → tokens → AST by
 * recursive descent; the AST is evaluated against one customer's FeatureValues.
 *
 * Grammar (precedence: not binds tightest, then and, then or):
 *   rule       := or END
 *   or         := and (('or' | 'または' | '||') and)*
 *   and        := unary (('and' | 'かつ' | '&&') unary)*
 *   unary      := ('not' | '!') unary | primary
 *   primary    := '(' or ')' | FEATURE OP NUMBER [UNIT] | FEATURE 'is' ['not'] 'null'
 *   OP         := >= | > | <= | < | = | != (also ≥ ≧ ≤ ≦ == ≠ <>)
 *   UNIT       := d | w | mo | y | % | yen (days, months… 日 週 ヶ月 年 円), converted into the feature's unit
 *
 * Null semantics: a feature without a value (no inquiry ever, no subscription…) makes every
 * comparison on it false; `not` then turns that into true, so `not days_since_last_inquiry < 90`
 * reads "no inquiry in the last 90 days, or never one". `is null` tests for the missing value.
 * Full-width characters (ＡＢＣ, ２７０, ＞＝) are read as their ASCII forms.
 */
import { editDistance } from '../nearestName.js';
import { FEATURE_NAMES, type FeatureName, type FeatureValues } from './featureNames.js';
import {
  featureLabel,
  featureUnit,
  formatFeatureValue,
  type Language,
  UNIT_ALIASES,
  unitFactor,
} from './ruleVocabulary.js';

export { compileDefinition, dormancyLevel } from './dormancyDefinition.js';

export type CompareOp = '>=' | '>' | '<=' | '<' | '=' | '!=';
export const COMPARE_OPS: readonly CompareOp[] = ['>=', '>', '<=', '<', '=', '!='];

export type RuleNode =
  | { kind: 'compare'; feature: FeatureName; op: CompareOp; value: number; literal: string; position: number }
  | { kind: 'missing'; feature: FeatureName; position: number }
  | { kind: 'and'; operands: RuleNode[] }
  | { kind: 'or'; operands: RuleNode[] }
  | { kind: 'not'; operand: RuleNode };

/** A parsed rule: its source text and syntax tree. */
export interface DormancyRule {
  text: string;
  root: RuleNode;
}

export type RuleErrorCode =
  | 'empty_rule'
  | 'unexpected_character'
  | 'unknown_feature'
  | 'missing_operator'
  | 'missing_operand'
  | 'unbalanced_parenthesis'
  | 'trailing_text'
  | 'unknown_unit'
  | 'unit_mismatch';

/** Where and why a rule text is wrong. `position` counts from 0, `column` from 1. */
export interface RuleError {
  code: RuleErrorCode;
  position: number;
  column: number;
  length: number;
  message: string;
}

export type ParseResult = { ok: true; rule: DormancyRule } | { ok: false; errors: RuleError[] };

type TokenType =
  | 'ident'
  | 'number'
  | 'op'
  | 'and'
  | 'or'
  | 'not'
  | 'is'
  | 'null'
  | 'lparen'
  | 'rparen'
  | 'end';

interface Token {
  type: TokenType;
  text: string;
  position: number;
  /** Operators: the canonical operator. */
  op?: CompareOp;
  /** Numbers: the value and the unit written after it (canonical name), if any. */
  value?: number;
  unit?: string | null;
}

const KEYWORDS: Record<string, TokenType> = { and: 'and', or: 'or', not: 'not', is: 'is', null: 'null' };
/** Longest spellings first, so `>=` is not read as `>` then `=`. */
const OPERATOR_SPELLINGS: [string, CompareOp | 'and' | 'or' | 'not'][] = [
  ['>=', '>='],
  ['<=', '<='],
  ['!=', '!='],
  ['<>', '!='],
  ['==', '='],
  ['&&', 'and'],
  ['||', 'or'],
  ['≥', '>='],
  ['≧', '>='],
  ['≤', '<='],
  ['≦', '<='],
  ['≠', '!='],
  ['>', '>'],
  ['<', '<'],
  ['=', '='],
  ['!', 'not'],
];
const JAPANESE_KEYWORDS: [string, TokenType][] = [
  ['かつ', 'and'],
  ['または', 'or'],
];
const UNIT_SPELLINGS = [
  ...Object.keys(UNIT_ALIASES).sort((a, b) => b.length - a.length),
  'yen',
  'mo',
  'd',
  'w',
  'y',
  '%',
];

/** Full-width ASCII (U+FF01–FF5E) and the ideographic space, folded without moving positions. */
function foldWidth(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (code >= 0xff01 && code <= 0xff5e) out += String.fromCodePoint(code - 0xfee0);
    else if (code === 0x3000) out += ' ';
    else out += ch;
  }
  return out;
}

class ParseAbort extends Error {}

function errorAt(code: RuleErrorCode, position: number, length: number, message: string): RuleError {
  return { code, position, column: position + 1, length: Math.max(1, length), message };
}

function describeToken(token: Token): string {
  return token.type === 'end' ? 'the end of the rule' : `'${token.text}'`;
}

function tokenize(source: string): Token[] {
  const text = foldWidth(source);
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')') {
      tokens.push({ type: ch === '(' ? 'lparen' : 'rparen', text: ch, position: i });
      i++;
      continue;
    }
    const number = /^-?(?:\d[\d_]*(?:\.\d+)?|\.\d+)/.exec(text.slice(i));
    if (number && (ch !== '-' || /\d|\./.test(text[i + 1] ?? ''))) {
      const literal = number[0];
      let end = i + literal.length;
      let unit: string | null = null;
      const rest = text.slice(end);
      const spaced = /^ ?/.exec(rest)?.[0].length ?? 0;
      const spelling = UNIT_SPELLINGS.find((u) => rest.slice(spaced).toLowerCase().startsWith(u));
      const after = spelling ? rest.slice(spaced + spelling.length) : '';
      // a unit ends at a word boundary: `9mo` is 9 months, `9more` is an error
      if (
        spelling &&
        !/^[A-Za-z0-9_]/.test(after) &&
        (spaced === 0 || spelling.length >= 3 || !/^[a-z]/.test(spelling))
      ) {
        unit = UNIT_ALIASES[spelling] ?? spelling;
        end += spaced + spelling.length;
      } else if (/^[A-Za-z]/.test(rest)) {
        const word = /^[A-Za-z_]+/.exec(rest)?.[0] ?? '';
        throw new RuleSyntax(
          errorAt(
            'unknown_unit',
            i + literal.length,
            word.length,
            `unknown unit '${word}' after ${literal}; write a plain number or one of d, w, mo, y, %, yen`,
          ),
        );
      }
      tokens.push({
        type: 'number',
        text: text.slice(i, end),
        position: i,
        value: Number(literal.replaceAll('_', '')),
        unit,
      });
      i = end;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (word) {
      const keyword = KEYWORDS[word[0].toLowerCase()];
      tokens.push({ type: keyword ?? 'ident', text: word[0], position: i });
      i += word[0].length;
      continue;
    }
    const japanese = JAPANESE_KEYWORDS.find(([spelling]) => text.startsWith(spelling, i));
    if (japanese) {
      tokens.push({ type: japanese[1], text: japanese[0], position: i });
      i += japanese[0].length;
      continue;
    }
    const operator = OPERATOR_SPELLINGS.find(([spelling]) => text.startsWith(spelling, i));
    if (operator) {
      const [spelling, meaning] = operator;
      if (meaning === 'and' || meaning === 'or' || meaning === 'not') {
        tokens.push({ type: meaning, text: spelling, position: i });
      } else {
        tokens.push({ type: 'op', text: spelling, position: i, op: meaning });
      }
      i += spelling.length;
      continue;
    }
    throw new RuleSyntax(
      errorAt(
        'unexpected_character',
        i,
        1,
        `unexpected character '${ch}'; a rule is made of feature names, comparisons (>=, >, <=, <, =, !=), numbers, and/or/not and parentheses`,
      ),
    );
  }
  tokens.push({ type: 'end', text: '', position: text.length });
  return tokens;
}

class RuleSyntax extends Error {
  constructor(readonly error: RuleError) {
    super(error.message);
  }
}

/**
 * The feature a mistyped name most likely meant: the nearest by edit distance (also after
 * reading "order" as "purchase"), or null when nothing is close.
 *
 * @example suggestFeature('days_since_last_purchse') → 'days_since_last_purchase'
 */
export function suggestFeature(name: string): FeatureName | null {
  const candidates = [name.toLowerCase(), name.toLowerCase().replaceAll('order', 'purchase')];
  let best: { feature: FeatureName; distance: number } | null = null;
  for (const feature of FEATURE_NAMES) {
    for (const candidate of candidates) {
      const distance = editDistance(candidate, feature);
      if (!best || distance < best.distance) best = { feature, distance };
    }
  }
  if (!best) return null;
  const allowed = Math.max(2, Math.floor(best.feature.length / 4));
  return best.distance <= allowed ? best.feature : null;
}

const FEATURE_SET = new Set<string>(FEATURE_NAMES);

class Parser {
  private index = 0;
  readonly errors: RuleError[] = [];

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }
  private previous(): Token | undefined {
    return this.tokens[this.index - 1];
  }
  private next(): Token {
    const token = this.peek();
    if (token.type !== 'end') this.index++;
    return token;
  }
  private fail(error: RuleError): never {
    this.errors.push(error);
    throw new ParseAbort();
  }

  parseRule(): RuleNode {
    if (this.peek().type === 'end')
      this.fail(
        errorAt(
          'empty_rule',
          0,
          1,
          'the rule is empty; write a condition such as days_since_last_purchase >= 270',
        ),
      );
    const root = this.parseOr();
    const extra = this.peek();
    if (extra.type === 'rparen') {
      this.fail(
        errorAt(
          'unbalanced_parenthesis',
          extra.position,
          1,
          `')' at column ${extra.position + 1} has no matching '('`,
        ),
      );
    }
    if (extra.type !== 'end') {
      this.fail(
        errorAt(
          'trailing_text',
          extra.position,
          extra.text.length,
          `unexpected ${describeToken(extra)} after a complete condition; join conditions with 'and' or 'or'`,
        ),
      );
    }
    return root;
  }

  private parseOr(): RuleNode {
    const operands = [this.parseAnd()];
    while (this.peek().type === 'or') {
      this.next();
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? (operands[0] as RuleNode) : { kind: 'or', operands };
  }

  private parseAnd(): RuleNode {
    const operands = [this.parseUnary()];
    while (this.peek().type === 'and') {
      this.next();
      operands.push(this.parseUnary());
    }
    return operands.length === 1 ? (operands[0] as RuleNode) : { kind: 'and', operands };
  }

  private parseUnary(): RuleNode {
    if (this.peek().type === 'not') {
      this.next();
      return { kind: 'not', operand: this.parseUnary() };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): RuleNode {
    const token = this.peek();
    if (token.type === 'lparen') {
      this.next();
      const inner = this.parseOr();
      const close = this.peek();
      if (close.type === 'end') {
        this.fail(
          errorAt(
            'unbalanced_parenthesis',
            token.position,
            1,
            `'(' at column ${token.position + 1} is never closed; add ')'`,
          ),
        );
      }
      if (close.type !== 'rparen') {
        this.fail(
          errorAt(
            'trailing_text',
            close.position,
            close.text.length,
            `expected ')' to close '(' at column ${token.position + 1}, got ${describeToken(close)}; join conditions with 'and' or 'or'`,
          ),
        );
      }
      this.next();
      return inner;
    }
    if (token.type === 'ident') return this.parseCondition();
    this.fail(this.expectedCondition(token));
  }

  private expectedCondition(token: Token): RuleError {
    const before = this.previous();
    const after = before ? ` after '${before.text}'` : '';
    if (token.type === 'number') {
      return errorAt(
        'missing_operand',
        token.position,
        token.text.length,
        `expected a feature name before ${token.text} (write it as e.g. days_since_last_purchase >= ${token.text})`,
      );
    }
    if (token.type === 'rparen' && !this.tokens.slice(0, this.index).some((t) => t.type === 'lparen')) {
      return errorAt(
        'unbalanced_parenthesis',
        token.position,
        1,
        `')' at column ${token.position + 1} has no matching '('`,
      );
    }
    if (token.type === 'and' || token.type === 'or') {
      return errorAt(
        'missing_operand',
        token.position,
        token.text.length,
        `expected a condition before '${token.text}'${after}`,
      );
    }
    return errorAt(
      'missing_operand',
      token.position,
      token.text.length,
      `expected a condition (a feature name such as days_since_last_purchase)${after}, got ${describeToken(token)}`,
    );
  }

  private parseCondition(): RuleNode {
    const name = this.next();
    const lower = name.text.toLowerCase();
    let feature: FeatureName | null = null;
    if (FEATURE_SET.has(lower)) {
      feature = lower as FeatureName;
    } else {
      const guess = suggestFeature(name.text);
      this.errors.push(
        errorAt(
          'unknown_feature',
          name.position,
          name.text.length,
          `unknown feature '${name.text}'${guess ? `; did you mean '${guess}'?` : '; see docs/dormancy-definitions.md for the list'}`,
        ),
      );
    }
    const operator = this.peek();
    if (operator.type === 'is') {
      this.next();
      let negated = false;
      if (this.peek().type === 'not') {
        this.next();
        negated = true;
      }
      const nullToken = this.peek();
      if (nullToken.type !== 'null') {
        this.fail(
          errorAt(
            'missing_operand',
            nullToken.position,
            nullToken.text.length,
            `expected 'null' after '${this.previous()?.text}', got ${describeToken(nullToken)}`,
          ),
        );
      }
      this.next();
      const missing: RuleNode = {
        kind: 'missing',
        feature: feature ?? (FEATURE_NAMES[0] as FeatureName),
        position: name.position,
      };
      return negated ? { kind: 'not', operand: missing } : missing;
    }
    if (operator.type !== 'op') {
      this.fail(
        errorAt(
          'missing_operator',
          operator.position,
          operator.text.length,
          `expected a comparison (>=, >, <=, <, =, !=) or 'is null' after '${name.text}', got ${describeToken(operator)}`,
        ),
      );
    }
    this.next();
    const operand = this.peek();
    if (operand.type !== 'number') {
      const hint =
        operand.type === 'ident'
          ? '; comparing two features is not supported (overdue_ratio compares with the own cycle)'
          : '';
      this.fail(
        errorAt(
          'missing_operand',
          operand.position,
          operand.text.length,
          `expected a number after '${operator.text}', got ${describeToken(operand)}${hint}`,
        ),
      );
    }
    this.next();
    let value = operand.value as number;
    if (operand.unit && feature) {
      const factor = unitFactor(operand.unit, feature);
      if (factor === null) {
        this.errors.push(
          errorAt(
            'unit_mismatch',
            operand.position,
            operand.text.length,
            `the unit '${operand.unit}' does not fit ${feature} (measured in ${featureUnit(feature).replace('_', ' ')}); write a plain number`,
          ),
        );
      } else {
        value = Math.round(value * factor * 1e9) / 1e9;
      }
    }
    return {
      kind: 'compare',
      feature: feature ?? (FEATURE_NAMES[0] as FeatureName),
      op: operator.op as CompareOp,
      value,
      literal: operand.text,
      position: name.position,
    };
  }
}

/**
 * Parses a rule text. Every unknown feature and unit problem is reported; a syntax error stops
 * the parse at the first one.
 *
 * @example parseRule('overdue_ratio >= 3 and days_since_last_purchase >= 9mo')
 *   → { ok: true, rule: { text, root: { kind: 'and', operands: [...] } } }
 * @example parseRule('overdue_ratio >=') → { ok: false, errors: [{ code: 'missing_operand', column: 17, … }] }
 */
export function parseRule(text: string): ParseResult {
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (error) {
    if (error instanceof RuleSyntax) return { ok: false, errors: [error.error] };
    throw error;
  }
  const parser = new Parser(tokens);
  try {
    const root = parser.parseRule();
    if (parser.errors.length > 0) return { ok: false, errors: parser.errors };
    return { ok: true, rule: { text, root } };
  } catch (error) {
    if (error instanceof ParseAbort) return { ok: false, errors: parser.errors };
    throw error;
  }
}

/**
 * A rule error as two extra lines under the text, with a caret under the spot.
 *
 * @example formatRuleError('a >= ', error) → "column 6: expected a number …\n  a >= \n       ^"
 */
export function formatRuleError(text: string, error: RuleError): string {
  const caret = `${' '.repeat(error.position)}${'^'.repeat(Math.min(error.length, Math.max(1, text.length - error.position)))}`;
  return `column ${error.column}: ${error.message}\n  ${text}\n  ${caret}`;
}

function compare(value: number, op: CompareOp, threshold: number): boolean {
  switch (op) {
    case '>=':
      return value >= threshold;
    case '>':
      return value > threshold;
    case '<=':
      return value <= threshold;
    case '<':
      return value < threshold;
    case '=':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

function evaluateNode(node: RuleNode, features: FeatureValues): boolean {
  switch (node.kind) {
    case 'compare': {
      const value = features[node.feature];
      if (value === null || value === undefined || Number.isNaN(value)) return false;
      return compare(value, node.op, node.value);
    }
    case 'missing': {
      const value = features[node.feature];
      return value === null || value === undefined || Number.isNaN(value);
    }
    case 'and':
      return node.operands.every((operand) => evaluateNode(operand, features));
    case 'or':
      return node.operands.some((operand) => evaluateNode(operand, features));
    case 'not':
      return !evaluateNode(node.operand, features);
  }
}

/**
 * Whether a customer's features satisfy the rule. A comparison on a missing (null) feature is
 * false, also for `!=`.
 *
 * @example evaluateRule(rule('overdue_ratio >= 3'), { ...features, overdue_ratio: 3.2 }) → true
 */
export function evaluateRule(rule: DormancyRule, features: FeatureValues): boolean {
  return evaluateNode(rule.root, features);
}

/**
 * The features a rule reads, each once, in the order they appear.
 *
 * @example referencedFeatures(rule('usage_ratio < 0.2 or months_since_cancellation >= 6'))
 *   → ['usage_ratio', 'months_since_cancellation']
 */
export function referencedFeatures(rule: DormancyRule): FeatureName[] {
  const seen = new Set<FeatureName>();
  const walk = (node: RuleNode): void => {
    if (node.kind === 'compare' || node.kind === 'missing') seen.add(node.feature);
    else if (node.kind === 'not') walk(node.operand);
    else for (const operand of node.operands) walk(operand);
  };
  walk(rule.root);
  return [...seen];
}

const OP_WORDS: Record<Language, Record<CompareOp, string>> = {
  en: {
    '>=': 'is at least',
    '>': 'is more than',
    '<=': 'is at most',
    '<': 'is less than',
    '=': 'is',
    '!=': 'is not',
  },
  ja: { '>=': '以上', '>': 'より大きい', '<=': '以下', '<': '未満', '=': 'と等しい', '!=': 'ではない' },
};

function describeCompare(node: Extract<RuleNode, { kind: 'compare' }>, language: Language): string {
  const label = featureLabel(node.feature, language);
  if (featureUnit(node.feature) === 'flag' && (node.value === 0 || node.value === 1)) {
    const has = (node.op === '=') === (node.value === 1);
    if (node.op === '=' || node.op === '!=') {
      if (language === 'ja') return has ? `${label}がある` : `${label}がない`;
      return has ? `has a ${label}` : `has no ${label}`;
    }
  }
  const value = formatFeatureValue(node.feature, node.value, language);
  return language === 'ja'
    ? `${label}が${value}${OP_WORDS.ja[node.op]}`
    : `${label} ${OP_WORDS.en[node.op]} ${value}`;
}

function describeNode(node: RuleNode, language: Language, nested: boolean): string {
  const ja = language === 'ja';
  switch (node.kind) {
    case 'compare':
      return describeCompare(node, language);
    case 'missing':
      return ja
        ? `${featureLabel(node.feature, language)}のデータがない`
        : `${featureLabel(node.feature, language)} is unknown`;
    case 'not': {
      const inner = describeNode(node.operand, language, false);
      return ja ? `「${inner}」ではない` : `not (${inner})`;
    }
    case 'and':
    case 'or': {
      const joiner = node.kind === 'and' ? (ja ? '、かつ' : ' and ') : ja ? '、または' : ' or ';
      const text = node.operands.map((operand) => describeNode(operand, language, true)).join(joiner);
      if (!nested) return text;
      return ja ? `（${text}）` : `(${text})`;
    }
  }
}

/**
 * The rule in words, for people who do not read rule text.
 *
 * @example describeRule(rule('days_since_last_purchase >= 270 and unanswered_emails >= 3'), 'en')
 *   → 'time since the last purchase is at least 270 days (about 9 months) and emails without a reaction in a row is at least 3'
 */
export function describeRule(rule: DormancyRule, language: Language): string {
  return describeNode(rule.root, language, false);
}
