/**
 * Why a customer went quiet: each reason category with a confidence (0–1) and the evidence a
 * person can check ("support ticket 2025-03-02: 『画面が使いにくい』").
 *
 * Every rule adds evidence to one category with the confidence in RULE_CONFIDENCE; several pieces
 * of evidence for the same category combine as independent signals (noisy-OR: 1 − Π(1 − c)),
 * capped at MAX_INFERRED_CONFIDENCE so that only a person's decision reaches 1. Categories are
 * ranked by confidence; the first is the primary reason. A recorded/overridden reason always wins.
 *
 * Nothing dated after `asOf` is used (SPEC: `--as-of` reproduces history).
 */
import { addDays, dayNumber } from '../detect/isoDays.js';
import { categoryFromLabel, REASON_CATEGORIES, type ReasonCategory } from './reasonCategories.js';
import type { ReasonTheme } from './reasonLexicon.js';
import { findReasonSignals } from './textSignals.js';

/** Confidence of each rule; a text's own phrase strength scales the text rules. */
export const RULE_CONFIDENCE = {
  /** A person recorded or overrode the reason. */
  override: 1,
  /** A survey answer or cancellation reason that is exactly a category label (「価格不満」). */
  statedLabel: 0.85,
  /** Stated reason (survey, cancellation) with a lexicon phrase: base + slope × phrase strength. */
  statedTextBase: 0.5,
  statedTextSlope: 0.4,
  /** A stated reason in words none of the lexicon knows: the customer gave some other reason. */
  statedUnclassified: 0.4,
  /** Ticket, inquiry, call or visit note with a complaint phrase: base + slope × strength. */
  complaintTextBase: 0.25,
  complaintTextSlope: 0.45,
  /** Complaints older than COMPLAINT_WINDOW_DAYS before the last purchase: the customer bought on after them. */
  oldComplaintFactor: 0.5,
  /** A stated reason that says "not X" (「価格に不満はない」) multiplies X's confidence by this. */
  negatedStatedFactor: 0.5,
  /** A price increase on a product/category the customer bought, shortly before or after the last order. */
  priceIncreaseOnBought: 0.45,
  /** A price increase with no product or category given (a general price revision). */
  priceIncreaseGeneral: 0.35,
  /**
   * A price increase outside the peak window (more than PRICE_INCREASE_PEAK_DAYS before the last
   * order: the customer kept buying at the new price for months; or after it: the customer never
   * paid it) explains less: its confidence is multiplied by this, below a silent customer's
   * "forgotten" (noInteractionRecorded), which is then just as likely.
   */
  priceIncreaseOffPeakFactor: 0.6,
  /** The primary contact (担当/窓口/購買/primary…) marked left. */
  primaryContactLeft: 0.65,
  /** Another contact marked left. */
  contactLeft: 0.45,
  /** Every known contact marked left. */
  allContactsLeft: 0.75,
  /** Emails bounced after the last order (the address, often the person, is gone). */
  emailBounced: 0.4,
  /** A competitor mentioned in an event (sales note, lost-deal record). */
  competitorMention: 0.7,
  /** Usage fell below 20 % of the customer's own average. */
  usageCollapsed: 0.35,
  /** Usage fell below 50 % of the customer's own average. */
  usageFell: 0.2,
  /** Unsubscribed: the customer asked for fewer messages themselves. */
  unsubscribed: 0.5,
  /** Unsubscribed after receiving HIGH_FREQUENCY_PER_MONTH or more marketing messages a month. */
  unsubscribedAfterHighFrequency: 0.7,
  /** HIGH_FREQUENCY_PER_MONTH or more messages a month and almost none opened. */
  highFrequencyIgnored: 0.4,
  /** No opens in the last emails and no ticket, inquiry or other interaction. */
  noOpensNoInteraction: 0.5,
  /** Nothing at all since the last order, not even emails sent to measure opens. */
  noInteractionRecorded: 0.3,
} as const;

export const MAX_INFERRED_CONFIDENCE = 0.95;
/** Complaints this long before the last purchase count at oldComplaintFactor. */
export const COMPLAINT_WINDOW_DAYS = 365;
/** A price increase counts from this many days before the last order… */
export const PRICE_INCREASE_BEFORE_DAYS = 90;
/** …to this many days after it (the next order that never came). */
export const PRICE_INCREASE_AFTER_DAYS = 60;
/** An increase at most this many days before the last order counts fully: the customer paid the new price, then stopped. */
export const PRICE_INCREASE_PEAK_DAYS = 60;
/** A contact who left this long before the last order had been replaced already. */
export const CONTACT_LEFT_BEFORE_DAYS = 180;
export const HIGH_FREQUENCY_PER_MONTH = 8;
/** Emails without any open before "no opens" counts as forgetting. */
export const MIN_UNOPENED_EMAILS = 3;

export type EvidenceKind =
  | 'override'
  | 'text'
  | 'negated_text'
  | 'price_change'
  | 'contact_left'
  | 'email_bounce'
  | 'competitor_mention'
  | 'usage'
  | 'unsubscribe'
  | 'contact_frequency'
  | 'no_interaction'
  | 'nothing_known';

export interface ReasonEvidence {
  kind: EvidenceKind;
  /** The day the evidence is dated (null for summaries such as "no opens in the last 6 emails"). */
  day: string | null;
  /** One line a person can check against the data. */
  line: string;
  theme?: ReasonTheme;
  product?: string | null;
  productCategory?: string | null;
}

export interface ReasonCandidate {
  category: ReasonCategory;
  confidence: number;
  evidence: ReasonEvidence[];
}

export interface ReasonResult {
  primary: ReasonCandidate;
  ranked: ReasonCandidate[];
}

export interface ReasonText {
  /** Event type: support_ticket, inquiry, survey_response, cancel_reason, call, visit, note… */
  type: string;
  day: string;
  text: string;
  product?: string | null;
  category?: string | null;
}

export interface PriceChange {
  kind: 'price_increase' | 'price_decrease';
  day: string;
  product?: string | null;
  category?: string | null;
}

export interface ContactState {
  status: 'active' | 'left';
  /** When the status was last updated (the day the person was marked left). */
  day: string | null;
  role?: string | null;
  name?: string | null;
}

export interface EngagementSummary {
  /** Emails sent in the last window (e.g. the last 6 before and since going quiet). */
  emailsSent: number;
  emailsOpened: number;
  /** Replies, inquiries, tickets, visits, logins since the last order (0 when none). */
  interactionsSinceLastPurchase?: number | null;
  /** Marketing messages (email, SMS, DM) a month in the months before going quiet. */
  marketingMessagesPerMonth?: number | null;
}

export interface ReasonOverride {
  category: ReasonCategory;
  note?: string | null;
  by: string;
  /** ISO day or instant. */
  at: string;
}

export interface ReasonInput {
  lastPurchaseDay: string | null;
  /** Lifecycle status; a never_purchased customer gets no reason (unless a person recorded one). */
  status?: string | null;
  purchasedProducts?: readonly string[];
  purchasedCategories?: readonly string[];
  texts?: readonly ReasonText[];
  priceChanges?: readonly PriceChange[];
  contacts?: readonly ContactState[];
  emailBounceDays?: readonly string[];
  unsubscribeDays?: readonly string[];
  competitorMentions?: readonly { day: string; text?: string | null; competitor?: string | null }[];
  /** usage_ratio: last 30 days ÷ own average (null without usage data). */
  usageRatio?: number | null;
  engagement?: EngagementSummary | null;
  subscriptionCancel?: { day: string; reason: string } | null;
  override?: ReasonOverride | null;
}

const STATED_TYPES = new Set(['survey_response', 'cancel_reason', 'cancellation']);
const TEXT_TYPE_LABEL: Record<string, string> = {
  support_ticket: 'support ticket',
  inquiry: 'inquiry',
  survey_response: 'survey answer',
  cancel_reason: 'cancellation reason',
  call: 'call note',
  visit: 'visit note',
};
const PRIMARY_ROLE = /primary|main|buyer|purchas|decision|owner|担当|窓口|購買|決裁|責任者|代表/i;

function quote(text: string): string {
  return `『${text.trim()}』`;
}

function dayOf(value: string): string {
  return value.slice(0, 10);
}

class Collector {
  private readonly byCategory = new Map<ReasonCategory, { factors: number[]; evidence: ReasonEvidence[] }>();
  private readonly dampers = new Map<ReasonCategory, number>();

  add(category: ReasonCategory, confidence: number, evidence: ReasonEvidence): void {
    const entry = this.byCategory.get(category) ?? { factors: [], evidence: [] };
    entry.factors.push(Math.min(Math.max(confidence, 0), 1));
    entry.evidence.push(evidence);
    this.byCategory.set(category, entry);
  }

  damp(category: ReasonCategory, factor: number, evidence: ReasonEvidence): void {
    this.dampers.set(category, (this.dampers.get(category) ?? 1) * factor);
    const entry = this.byCategory.get(category) ?? { factors: [], evidence: [] };
    entry.evidence.push(evidence);
    this.byCategory.set(category, entry);
  }

  has(category: ReasonCategory): boolean {
    return (this.byCategory.get(category)?.factors.length ?? 0) > 0;
  }

  get isEmpty(): boolean {
    return [...this.byCategory.values()].every((e) => e.factors.length === 0);
  }

  /** True when every piece of evidence collected so far is of these kinds (or there is none). */
  hasOnly(kinds: ReadonlySet<EvidenceKind>): boolean {
    return [...this.byCategory.values()].every(
      (e) => e.factors.length === 0 || e.evidence.every((x) => kinds.has(x.kind)),
    );
  }

  ranked(): ReasonCandidate[] {
    const out: ReasonCandidate[] = [];
    for (const [category, { factors, evidence }] of this.byCategory) {
      if (factors.length === 0) continue;
      const combined = 1 - factors.reduce((p, c) => p * (1 - c), 1);
      const confidence = Math.min(combined, MAX_INFERRED_CONFIDENCE) * (this.dampers.get(category) ?? 1);
      const sorted = [...evidence].sort((a, b) => (b.day ?? '').localeCompare(a.day ?? ''));
      out.push({ category, confidence: Math.round(confidence * 100) / 100, evidence: sorted });
    }
    return out.sort(
      (a, b) =>
        b.confidence - a.confidence ||
        REASON_CATEGORIES.indexOf(a.category) - REASON_CATEGORIES.indexOf(b.category),
    );
  }
}

function isOnOrBefore(day: string, asOf: string): boolean {
  return dayNumber(dayOf(day)) <= dayNumber(asOf);
}

function addTextEvidence(collector: Collector, text: ReasonText, input: ReasonInput, asOf: string): void {
  const day = dayOf(text.day);
  const isStated = STATED_TYPES.has(text.type);
  const label = TEXT_TYPE_LABEL[text.type] ?? text.type.replace(/_/g, ' ');
  const context = { product: text.product ?? null, productCategory: text.category ?? null };
  if (isStated) {
    const named = categoryFromLabel(text.text);
    if (named !== null) {
      collector.add(named, RULE_CONFIDENCE.statedLabel, {
        kind: 'text',
        day,
        line: `${label} ${day}: ${quote(text.text)}`,
        ...context,
      });
      return;
    }
  }
  const found = findReasonSignals(text.text);
  const isOld =
    input.lastPurchaseDay !== null &&
    dayNumber(day) < dayNumber(input.lastPurchaseDay) - COMPLAINT_WINDOW_DAYS;
  // One piece of evidence per category and text: the strongest phrase speaks for the text.
  const strongest = new Map<ReasonCategory, (typeof found.signals)[number]>();
  for (const signal of found.signals) {
    const current = strongest.get(signal.category);
    if (current === undefined || signal.strength > current.strength) strongest.set(signal.category, signal);
  }
  for (const [category, signal] of strongest) {
    const base = isStated
      ? RULE_CONFIDENCE.statedTextBase + RULE_CONFIDENCE.statedTextSlope * signal.strength
      : RULE_CONFIDENCE.complaintTextBase + RULE_CONFIDENCE.complaintTextSlope * signal.strength;
    collector.add(category, base * (isOld ? RULE_CONFIDENCE.oldComplaintFactor : 1), {
      kind: 'text',
      day,
      line: `${label} ${day}: ${quote(signal.excerpt)}`,
      theme: signal.theme,
      ...context,
    });
  }
  if (isStated) {
    const negatedCategories = new Set(found.negated.map((s) => s.category));
    for (const category of negatedCategories) {
      if (strongest.has(category)) continue;
      const signal = found.negated.find((s) => s.category === category);
      collector.damp(category, RULE_CONFIDENCE.negatedStatedFactor, {
        kind: 'negated_text',
        day,
        line: `${label} ${day} rules this out: ${quote(signal?.excerpt ?? text.text)}`,
        ...context,
      });
    }
    if (strongest.size === 0 && found.negated.length === 0 && text.text.trim() !== '') {
      collector.add('other', RULE_CONFIDENCE.statedUnclassified, {
        kind: 'text',
        day,
        line: `${label} ${day}: ${quote(text.text.slice(0, 60))}`,
        ...context,
      });
    }
  }
}

function addPriceEvidence(collector: Collector, input: ReasonInput, asOf: string): void {
  const last = input.lastPurchaseDay;
  if (last === null) return;
  const from = dayNumber(last) - PRICE_INCREASE_BEFORE_DAYS;
  const to = Math.min(dayNumber(last) + PRICE_INCREASE_AFTER_DAYS, dayNumber(asOf));
  const products = new Set(input.purchasedProducts ?? []);
  const categories = new Set(input.purchasedCategories ?? []);
  for (const change of input.priceChanges ?? []) {
    if (change.kind !== 'price_increase') continue;
    const day = dayOf(change.day);
    const n = dayNumber(day);
    if (n < from || n > to) continue;
    const product = change.product ?? null;
    const category = change.category ?? null;
    const isGeneral = product === null && category === null;
    const isBought =
      (product !== null && products.has(product)) || (category !== null && categories.has(category));
    if (!isGeneral && !isBought) continue;
    const what =
      product !== null ? `product ${product}` : category !== null ? `category ${category}` : 'prices';
    const isPeak = n <= dayNumber(last) && n >= dayNumber(last) - PRICE_INCREASE_PEAK_DAYS;
    const timing = isPeak
      ? ''
      : n > dayNumber(last)
        ? ' (after the last order)'
        : ` (${dayNumber(last) - n} days before the last order)`;
    collector.add(
      'price',
      (isGeneral ? RULE_CONFIDENCE.priceIncreaseGeneral : RULE_CONFIDENCE.priceIncreaseOnBought) *
        (isPeak ? 1 : RULE_CONFIDENCE.priceIncreaseOffPeakFactor),
      {
        kind: 'price_change',
        day,
        line: `price increase of ${what} on ${day}, last order ${last}${timing}`,
        theme: 'price_increase',
        product,
        productCategory: category,
      },
    );
  }
}

function addContactEvidence(collector: Collector, input: ReasonInput, asOf: string): void {
  const contacts = (input.contacts ?? []).filter((c) => c.day === null || isOnOrBefore(c.day, asOf));
  const since =
    input.lastPurchaseDay === null ? null : dayNumber(input.lastPurchaseDay) - CONTACT_LEFT_BEFORE_DAYS;
  const left = contacts.filter(
    (c) => c.status === 'left' && c.day !== null && (since === null || dayNumber(dayOf(c.day)) >= since),
  );
  if (left.length > 0 && left.length === contacts.length) {
    const latest =
      left
        .map((c) => dayOf(c.day as string))
        .sort()
        .at(-1) ?? null;
    collector.add('environment', RULE_CONFIDENCE.allContactsLeft, {
      kind: 'contact_left',
      day: latest,
      line: `every known contact (${left.length}) marked left, the last on ${latest}`,
      theme: 'contact_left',
    });
  } else {
    for (const contact of left) {
      const isPrimary = PRIMARY_ROLE.test(contact.role ?? '');
      const day = dayOf(contact.day as string);
      const who = [
        isPrimary ? 'primary contact' : 'contact',
        contact.name,
        contact.role ? `(${contact.role})` : null,
      ]
        .filter(Boolean)
        .join(' ');
      collector.add(
        'environment',
        isPrimary ? RULE_CONFIDENCE.primaryContactLeft : RULE_CONFIDENCE.contactLeft,
        {
          kind: 'contact_left',
          day,
          line: `${who} marked left ${day}`,
          theme: 'contact_left',
        },
      );
    }
  }
  const bounces = (input.emailBounceDays ?? [])
    .map(dayOf)
    .filter(
      (d) =>
        isOnOrBefore(d, asOf) && (input.lastPurchaseDay === null || d >= addDays(input.lastPurchaseDay, -30)),
    )
    .sort();
  if (bounces.length > 0) {
    const first = bounces[0] as string;
    collector.add('environment', RULE_CONFIDENCE.emailBounced, {
      kind: 'email_bounce',
      day: first,
      line:
        bounces.length === 1 ? `email bounced ${first}` : `${bounces.length} emails bounced since ${first}`,
      theme: 'contact_left',
    });
  }
}

function addEngagementEvidence(collector: Collector, input: ReasonInput, asOf: string): void {
  const recentFloor =
    input.lastPurchaseDay === null ? null : addDays(input.lastPurchaseDay, -COMPLAINT_WINDOW_DAYS);
  for (const mention of input.competitorMentions ?? []) {
    const day = dayOf(mention.day);
    if (!isOnOrBefore(day, asOf) || (recentFloor !== null && day < recentFloor)) continue;
    const detail = mention.competitor ?? mention.text ?? 'a competitor';
    collector.add('competitor', RULE_CONFIDENCE.competitorMention, {
      kind: 'competitor_mention',
      day,
      line: `competitor mentioned ${day}: ${quote(detail.slice(0, 60))}`,
      theme: 'switched',
    });
  }
  const usage = input.usageRatio;
  if (usage !== null && usage !== undefined && usage < 0.5) {
    collector.add('need_gone', usage < 0.2 ? RULE_CONFIDENCE.usageCollapsed : RULE_CONFIDENCE.usageFell, {
      kind: 'usage',
      day: null,
      line: `usage in the last 30 days is ${Math.round(usage * 100)} % of the customer's usual level`,
      theme: 'need_ended',
    });
  }
  const perMonth = input.engagement?.marketingMessagesPerMonth ?? null;
  const isHighFrequency = perMonth !== null && perMonth >= HIGH_FREQUENCY_PER_MONTH;
  const unsubscribes = (input.unsubscribeDays ?? [])
    .map(dayOf)
    .filter((d) => isOnOrBefore(d, asOf))
    .sort();
  const lastUnsubscribe = unsubscribes.at(-1);
  if (lastUnsubscribe !== undefined) {
    collector.add(
      'over_contact',
      isHighFrequency ? RULE_CONFIDENCE.unsubscribedAfterHighFrequency : RULE_CONFIDENCE.unsubscribed,
      {
        kind: 'unsubscribe',
        day: lastUnsubscribe,
        line: isHighFrequency
          ? `unsubscribed ${lastUnsubscribe} after about ${Math.round(perMonth as number)} marketing messages a month`
          : `unsubscribed ${lastUnsubscribe}`,
        theme: 'too_many_messages',
      },
    );
  } else if (isHighFrequency) {
    const sent = input.engagement?.emailsSent ?? 0;
    const opened = input.engagement?.emailsOpened ?? 0;
    if (sent > 0 && opened / sent < 0.1) {
      collector.add('over_contact', RULE_CONFIDENCE.highFrequencyIgnored, {
        kind: 'contact_frequency',
        day: null,
        line: `about ${Math.round(perMonth as number)} marketing messages a month before going quiet, ${opened} of the last ${sent} emails opened`,
        theme: 'too_many_messages',
      });
    }
  }
}

function hasCustomerVoice(input: ReasonInput, asOf: string): boolean {
  return (input.texts ?? []).some((t) => isOnOrBefore(t.day, asOf)) || input.subscriptionCancel != null;
}

/** Evidence about the circumstances, not from the customer: silence can still mean forgetting. */
const CIRCUMSTANTIAL: ReadonlySet<EvidenceKind> = new Set(['price_change']);

function addSilenceEvidence(collector: Collector, input: ReasonInput, asOf: string): void {
  if (input.lastPurchaseDay === null || hasCustomerVoice(input, asOf)) return;
  const engagement = input.engagement ?? null;
  const interactions = engagement?.interactionsSinceLastPurchase ?? 0;
  if (interactions > 0) return;
  if (engagement !== null && engagement.emailsSent >= MIN_UNOPENED_EMAILS && engagement.emailsOpened === 0) {
    collector.add('forgotten', RULE_CONFIDENCE.noOpensNoInteraction, {
      kind: 'no_interaction',
      day: null,
      line: `no opens in the last ${engagement.emailsSent} emails and no tickets or inquiries since the last order ${input.lastPurchaseDay}`,
      theme: 'forgot',
    });
    return;
  }
  const isUnmeasured = engagement === null || engagement.emailsSent === 0;
  // A price increase near the last order does not rule out that a silent customer forgot:
  // both stand, and the timing of the increase decides between them.
  if (isUnmeasured && collector.hasOnly(CIRCUMSTANTIAL)) {
    collector.add('forgotten', RULE_CONFIDENCE.noInteractionRecorded, {
      kind: 'no_interaction',
      day: null,
      line: `no interaction of any kind recorded since the last order ${input.lastPurchaseDay}`,
      theme: 'forgot',
    });
  }
}

function unknownReason(line: string): ReasonCandidate {
  return { category: 'unknown', confidence: 0, evidence: [{ kind: 'nothing_known', day: null, line }] };
}

/**
 * Infers why a customer went quiet from what the data holds, or takes a person's recorded reason.
 *
 * @example
 * inferReasons({
 *   lastPurchaseDay: '2025-04-20', purchasedCategories: ['toner'],
 *   priceChanges: [{ kind: 'price_increase', category: 'toner', day: '2025-04-01' }],
 * }, '2025-12-01').primary
 * // → { category: 'price', confidence: 0.45,
 * //     evidence: [{ line: 'price increase of category toner on 2025-04-01, last order 2025-04-20', … }] }
 */
export function inferReasons(input: ReasonInput, asOf: string): ReasonResult {
  if (input.status === 'never_purchased' && input.override == null) {
    const unknown = unknownReason('never purchased: there is no relationship that went quiet');
    return { primary: unknown, ranked: [unknown] };
  }
  const collector = new Collector();
  for (const text of input.texts ?? []) {
    if (isOnOrBefore(text.day, asOf)) addTextEvidence(collector, text, input, asOf);
  }
  const cancel = input.subscriptionCancel;
  if (cancel != null && cancel.reason.trim() !== '' && isOnOrBefore(cancel.day, asOf)) {
    addTextEvidence(collector, { type: 'cancel_reason', day: cancel.day, text: cancel.reason }, input, asOf);
  }
  addPriceEvidence(collector, input, asOf);
  addContactEvidence(collector, input, asOf);
  addEngagementEvidence(collector, input, asOf);
  addSilenceEvidence(collector, input, asOf);

  let ranked = collector.ranked();
  const override = input.override;
  if (override != null && isOnOrBefore(override.at, asOf)) {
    const same = ranked.find((c) => c.category === override.category);
    const note = override.note ? `: ${quote(override.note)}` : '';
    const chosen: ReasonCandidate = {
      category: override.category,
      confidence: RULE_CONFIDENCE.override,
      evidence: [
        {
          kind: 'override',
          day: dayOf(override.at),
          line: `recorded by ${override.by} on ${dayOf(override.at)}${note}`,
        },
        ...(same?.evidence ?? []),
      ],
    };
    ranked = [chosen, ...ranked.filter((c) => c.category !== override.category)];
  }
  const primary = ranked[0];
  if (primary === undefined) {
    const line =
      input.lastPurchaseDay === null
        ? 'no purchase and no reason signal recorded'
        : 'the customer still reacts (opens, visits or writes) but no reason shows in the data';
    const unknown = unknownReason(line);
    return { primary: unknown, ranked: [unknown] };
  }
  return { primary, ranked };
}
