/**
 * The improvement → re-approach loop (SPEC "Diagnose"; seed 000: tell customers who left over a
 * problem that it was fixed, 「改善しました」). When a product issue is marked resolved, a product
 * improvement ships or a price decrease is recorded, the dormant customers whose reason was that
 * problem come back into play — and only they: a discount is no answer for customers who left
 * because the product was hard to use (the seed's failure case).
 *
 * Matching rules:
 * - the change must have happened by `asOf` (resolved_at for product_issue, started_at otherwise);
 * - the customer has a reason of the change's category (product, or price for a price decrease)
 *   with at least `minConfidence`, primary or not;
 * - scope: a change naming a product matches customers whose complaint names that product, or who
 *   bought it when the complaint names none; the same for a category; a change naming neither
 *   applies to every customer;
 * - theme (product changes only): when both the change description and the complaint name a theme
 *   (usability, quality, delivery…), they must share one. A complaint without a theme (a recorded
 *   reason without a note, a generic 「不満」) matches only a change scoped to a product or category
 *   the customer bought, and is marked as unconfirmed.
 */
import type { ReasonCategory } from './reasonCategories.js';
import type { ReasonCandidate, ReasonEvidence, ReasonResult } from './reasonInference.js';
import type { ReasonTheme } from './reasonLexicon.js';
import { findReasonSignals } from './textSignals.js';

export type ChangeKind =
  | 'price_increase'
  | 'price_decrease'
  | 'product_issue'
  | 'product_improvement'
  | 'staff_change';

export interface BusinessChange {
  changeId: string;
  kind: ChangeKind;
  product?: string | null;
  category?: string | null;
  startedAt: string;
  resolvedAt?: string | null;
  description?: string | null;
}

export interface ReapproachCustomer {
  customerId: string;
  reason: ReasonResult;
  purchasedProducts?: readonly string[];
  purchasedCategories?: readonly string[];
  /** Only dormant customers are brought back into play; undefined counts as dormant. */
  isDormant?: boolean;
}

export interface ReapproachMatch {
  customerId: string;
  changeId: string;
  category: ReasonCategory;
  /** Confidence of the matched reason. */
  confidence: number;
  sharedThemes: ReasonTheme[];
  /** How the change's scope was met. */
  scope: 'product' | 'category' | 'all';
  /** False when the complaint named no theme to compare with the change's. */
  isThemeConfirmed: boolean;
  /** "product_issue C-7 resolved 2025-06-01 answers support ticket 2025-03-02: 『画面が使いにくい』" */
  line: string;
}

export interface ReapproachResult {
  changeId: string;
  isApplicable: boolean;
  /** Why nothing can match (change not resolved yet, a kind that answers no reason…). */
  note: string | null;
  changeThemes: ReasonTheme[];
  matches: ReapproachMatch[];
}

export const DEFAULT_MIN_REASON_CONFIDENCE = 0.3;

/** A theme too vague to tell two complaints apart. */
const GENERIC_THEMES: ReadonlySet<ReasonTheme> = new Set(['dissatisfied']);

function changeDay(change: BusinessChange): string | null {
  if (change.kind === 'product_issue') return change.resolvedAt?.slice(0, 10) ?? null;
  return change.startedAt.slice(0, 10);
}

function answeredCategory(kind: ChangeKind): ReasonCategory | null {
  if (kind === 'product_issue' || kind === 'product_improvement') return 'product';
  if (kind === 'price_decrease') return 'price';
  return null;
}

function themesOfText(text: string | null | undefined, category: ReasonCategory): ReasonTheme[] {
  if (!text) return [];
  const found = findReasonSignals(text);
  // A fix is described with the complaint's words, often negated (「使いにくさを解消」「不具合はもうありません」).
  const themes = [...found.signals, ...found.negated]
    .filter((s) => s.category === category && !GENERIC_THEMES.has(s.theme))
    .map((s) => s.theme);
  return [...new Set(themes)];
}

function scopeOf(
  change: BusinessChange,
  evidence: readonly ReasonEvidence[],
  customer: ReapproachCustomer,
): ReapproachMatch['scope'] | null {
  const named = (pick: (e: ReasonEvidence) => string | null | undefined) =>
    evidence.map(pick).filter((v): v is string => v != null && v !== '');
  if (change.product) {
    const products = named((e) => e.product);
    const isMatch =
      products.length > 0
        ? products.includes(change.product)
        : (customer.purchasedProducts ?? []).includes(change.product);
    return isMatch ? 'product' : null;
  }
  if (change.category) {
    const categories = named((e) => e.productCategory);
    const isMatch =
      categories.length > 0
        ? categories.includes(change.category)
        : (customer.purchasedCategories ?? []).includes(change.category);
    return isMatch ? 'category' : null;
  }
  return 'all';
}

function reasonOf(
  customer: ReapproachCustomer,
  category: ReasonCategory,
  minConfidence: number,
): ReasonCandidate | null {
  return customer.reason.ranked.find((c) => c.category === category && c.confidence >= minConfidence) ?? null;
}

/**
 * The dormant customers a resolved problem (or a price decrease) answers, each with a line linking
 * the change to the customer's own complaint.
 *
 * @example
 * findReapproachCustomers(
 *   { changeId: 'C-7', kind: 'product_issue', startedAt: '2025-02-01', resolvedAt: '2025-06-01',
 *     description: '管理画面が使いにくい' },
 *   [{ customerId: 'K-1', reason: inferReasons({ lastPurchaseDay: '2025-04-20',
 *        texts: [{ type: 'support_ticket', day: '2025-03-02', text: '画面が使いにくい' }] }, '2025-12-01') }],
 *   '2025-12-01',
 * ).matches[0].line
 * // 'product_issue C-7 resolved 2025-06-01 (管理画面が使いにくい) answers support ticket 2025-03-02: 『画面が使いにくい』'
 */
export function findReapproachCustomers(
  change: BusinessChange,
  customers: readonly ReapproachCustomer[],
  asOf: string,
  options: { minConfidence?: number } = {},
): ReapproachResult {
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_REASON_CONFIDENCE;
  const category = answeredCategory(change.kind);
  const day = changeDay(change);
  const base = {
    changeId: change.changeId,
    changeThemes: [] as ReasonTheme[],
    matches: [] as ReapproachMatch[],
  };
  if (category === null) {
    return { ...base, isApplicable: false, note: `a ${change.kind} change answers no dormancy reason` };
  }
  if (day === null) return { ...base, isApplicable: false, note: 'the issue is not marked resolved yet' };
  if (day > asOf)
    return { ...base, isApplicable: false, note: `the change takes effect on ${day}, after ${asOf}` };

  const changeThemes = category === 'product' ? themesOfText(change.description, category) : [];
  const verb = change.kind === 'product_issue' ? 'resolved' : 'on';
  const label = change.description ? ` (${change.description.trim().slice(0, 40)})` : '';
  const matches: ReapproachMatch[] = [];
  for (const customer of customers) {
    if (customer.isDormant === false) continue;
    const reason = reasonOf(customer, category, minConfidence);
    if (reason === null) continue;
    const scope = scopeOf(change, reason.evidence, customer);
    if (scope === null) continue;
    const customerThemes = new Set<ReasonTheme>();
    for (const evidence of reason.evidence) {
      if (evidence.theme !== undefined && !GENERIC_THEMES.has(evidence.theme))
        customerThemes.add(evidence.theme);
      if (evidence.kind === 'override') {
        for (const theme of themesOfText(evidence.line, category)) customerThemes.add(theme);
      }
    }
    const shared = changeThemes.filter((t) => customerThemes.has(t));
    let isThemeConfirmed = true;
    if (category === 'product' && changeThemes.length > 0) {
      if (customerThemes.size > 0 && shared.length === 0) continue;
      if (customerThemes.size === 0) {
        if (scope === 'all') continue;
        isThemeConfirmed = false;
      }
    }
    const evidence =
      reason.evidence.find((e) => e.theme !== undefined && shared.includes(e.theme)) ??
      reason.evidence[0] ??
      null;
    matches.push({
      customerId: customer.customerId,
      changeId: change.changeId,
      category,
      confidence: reason.confidence,
      sharedThemes: shared,
      scope,
      isThemeConfirmed,
      line: `${change.kind} ${change.changeId} ${verb} ${day}${label} answers ${evidence?.line ?? `the ${category} reason`}`,
    });
  }
  return { ...base, changeThemes, isApplicable: true, note: null, matches };
}
