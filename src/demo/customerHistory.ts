/**
 * One demo customer's four years: when they bought (their own rhythm: gamma-distributed gaps
 * around a personal cycle, with seasonality), what, how much, their contacts, their
 * subscription, and — for the planted roles — when and why they went quiet or came back.
 * Engagement events are drafted in engagement.ts from the same draft.
 */
import type { Role } from './casting.js';
import {
  type CompanyTimeline,
  type PriceIncrease,
  type ProductIssue,
  priceFactor,
} from './companyTimeline.js';
import { type CustomerIdentity, makeIdentity, nameVariant, personAt } from './identity.js';
import { DEPARTMENTS, ROLES } from './japan.js';
import type { BusinessProfile, Product } from './profiles.js';
import { labelSeed, Rng } from './random.js';
import { CANCEL_REASONS, type PlantedReason } from './texts.js';

const HISTORY_STREAM = labelSeed('history');
/** Dormant customers have been quiet for at least this long (and ≥ 3.5 × their cycle). */
export const MIN_QUIET_DAYS = 150;

export interface DemoContext {
  profile: BusinessProfile;
  timeline: CompanyTimeline;
  seed: number;
  customerCount: number;
  idWidth: number;
  productsByCategory: ReadonlyMap<string, { products: readonly Product[]; weights: readonly number[] }>;
  /** Prefectures of the staff change's accounts, for staff-reason customers. */
  staffPrefectures: readonly string[];
}

export interface Purchase {
  day: number;
  /** Forced category / product (the planted evidence); otherwise chosen from preferences. */
  category: string | null;
  product: Product | null;
  amountFactor: number;
}

export interface ContactDraft {
  name: string;
  email: string;
  phone: string | null;
  department: string | null;
  role: string | null;
  status: 'active' | 'left';
  updatedDay: number;
}

export interface SubscriptionDraft {
  plan: string;
  mrrYen: number;
  startDay: number;
  endDay: number | null;
  cancelReason: string | null;
  /** Usage declines over the months before this day (dissatisfaction, need gone, rival). */
  declineFromDay: number | null;
}

export interface CustomerDraft {
  identity: CustomerIdentity;
  role: Role;
  rng: Rng;
  /** Relative order volume per month (from the profile). */
  seasonality: readonly number[];
  createdDay: number;
  /** Day the customer unsubscribed from e-mail (then email_opt_in is 0). */
  unsubscribedDay: number | null;
  emailOptIn: boolean;
  smsOptIn: boolean;
  dmOk: boolean;
  phoneOk: boolean;
  doNotContact: boolean;
  tags: string | null;
  cycleDays: number;
  basketYen: number;
  categories: readonly string[];
  categoryWeights: readonly number[];
  /** 0..1: how readily this customer opens, clicks and visits while engaged. */
  engagement: number;
  purchases: Purchase[];
  subscription: SubscriptionDraft | null;
  contacts: ContactDraft[];
  /** Last purchase before going quiet (planted roles). */
  quietOn: number | null;
  comebackDay: number | null;
  /** The change behind the planted reason (price increase, product issue). */
  priceChange: PriceIncrease | null;
  productIssue: ProductIssue | null;
  /** Day the primary contact left (environment). */
  contactLeftDay: number | null;
  signals: string[];
}

/** Builds the draft of customer `index` playing `role`. */
export function draftCustomer(ctx: DemoContext, index: number, role: Role): CustomerDraft {
  const { profile, timeline, seed, customerCount, idWidth } = ctx;
  const rng = Rng.forStream(seed, index, HISTORY_STREAM);
  const isB2b = profile.kind === 'b2b';
  // Staff-reason accounts sit in the area whose rep changed.
  const onlyPrefectures = role.reason === 'staff' && isB2b ? ctx.staffPrefectures : undefined;
  let identity = makeIdentity(profile, seed, index, customerCount, idWidth, onlyPrefectures);
  const signals: string[] = [];
  if (role.duplicateOf !== null) {
    const original = makeIdentity(profile, seed, role.duplicateOf, customerCount, idWidth);
    identity = {
      ...original,
      customerId: identity.customerId,
      name: isB2b ? nameVariant(original, rng) : original.name,
      email: rng.chance(0.5) ? original.email.toUpperCase() : identity.email,
    };
    signals.push(`duplicate_of=${original.customerId}`);
  }

  const asOf = timeline.asOfDay;
  const historyStart = timeline.historyStartDay;
  const planted =
    role.archetype === 'dormant' || role.archetype === 'reactivated' || role.archetype === 'lost';
  let cycleDays = clamp(rng.logNormal(profile.medianCycleDays, isB2b ? 0.55 : 0.45), 14, isB2b ? 365 : 180);
  if (planted || role.archetype === 'at_risk') cycleDays = Math.min(cycleDays, 110);
  if (role.reason === 'forgotten') cycleDays = Math.max(cycleDays, 60);
  const shape = rng.uniform(2, 6);
  const sizeFactor = identity.employees ? (identity.employees / 45) ** 0.35 : 1;
  const basketYen = rng.logNormal(profile.medianBasketYen, 0.5) * sizeFactor;
  const { categories, weights } = preferredCategories(profile, rng);

  const draft: CustomerDraft = {
    identity,
    role,
    rng,
    seasonality: profile.seasonality,
    unsubscribedDay: null,
    createdDay: asOf - Math.round(rng.uniform(30, isB2b ? 3650 : 2200)),
    emailOptIn: rng.chance(isB2b ? 0.75 : 0.65),
    smsOptIn: rng.chance(isB2b ? 0.05 : 0.35),
    dmOk: rng.chance(isB2b ? 0.85 : 0.5),
    phoneOk: rng.chance(isB2b ? 0.92 : 0.15),
    doNotContact: false,
    tags: null,
    cycleDays,
    basketYen,
    categories,
    categoryWeights: weights,
    engagement: rng.uniform(0.08, 0.6),
    purchases: [],
    subscription: null,
    contacts: [],
    quietOn: null,
    comebackDay: null,
    priceChange: null,
    productIssue: null,
    contactLeftDay: null,
    signals,
  };
  const subscribes = rng.chance(profile.subscriptionShare);

  switch (role.archetype) {
    case 'active':
    case 'duplicate': {
      draft.doNotContact = rng.chance(0.015);
      const first = Math.min(
        asOf - rng.int(1, 25),
        Math.max(draft.createdDay + rng.int(0, 60), historyStart + Math.round(rng.uniform(0, cycleDays))),
      );
      ensureCreatedBefore(draft, first);
      if (role.archetype === 'duplicate') {
        // The duplicate record holds a few orders someone booked under the second entry.
        const from = Math.max(historyStart, asOf - 700);
        for (let i = rng.int(1, 3); i > 0; i--) addPurchase(draft, rng.int(from, asOf - 5));
        draft.purchases.sort((a, b) => a.day - b.day);
      } else {
        purchasesBetween(draft, first, asOf, shape);
      }
      if (subscribes && role.archetype === 'active')
        draft.subscription = runningSubscription(profile, draft, first, asOf);
      break;
    }
    case 'at_risk': {
      // Slowing down: the last year's gaps stretch and baskets shrink; last order 1.5–2.6 cycles ago.
      const last = asOf - Math.round(rng.uniform(1.5, 2.6) * cycleDays);
      const first = Math.max(draft.createdDay, historyStart + Math.round(rng.uniform(0, cycleDays)));
      ensureCreatedBefore(draft, Math.min(first, last - 4 * cycleDays));
      const slowFrom = last - 365;
      purchasesBetween(draft, Math.min(first, last - 4 * cycleDays), slowFrom, shape);
      purchasesBetween(draft, slowFrom + Math.round(cycleDays), last - 1, shape, 1.9, 0.55);
      addPurchase(draft, last, null, null, 0.5);
      draft.signals.push('slowing');
      if (subscribes) {
        draft.subscription = runningSubscription(profile, draft, draft.purchases[0]?.day ?? last, asOf);
        draft.subscription.declineFromDay = asOf - 120;
      }
      break;
    }
    case 'never_purchased': {
      draft.createdDay = asOf - rng.int(5, 1200);
      break;
    }
    case 'one_purchase': {
      const recent = rng.chance(0.3);
      const day = recent ? asOf - rng.int(3, 60) : rng.int(Math.max(historyStart, asOf - 1400), asOf - 200);
      draft.createdDay = Math.min(draft.createdDay, day - rng.int(0, 30));
      addPurchase(draft, day);
      break;
    }
    default:
      plantQuietSpell(ctx, draft, role.reason ?? 'other', shape, subscribes);
  }
  finishConsents(draft, asOf);
  draft.contacts = isB2b ? companyContacts(draft, asOf) : [];
  if (
    draft.purchases.length > 0 &&
    (draft.purchases.length >= 25 || basketYen > profile.medianBasketYen * 2.5)
  ) {
    draft.tags = isB2b ? '重点顧客' : '優良顧客';
  }
  return draft;
}

/** Dormant, reactivated and lost customers: orders until quietOn, the evidence, maybe a comeback. */
function plantQuietSpell(
  ctx: DemoContext,
  d: CustomerDraft,
  reason: PlantedReason,
  shape: number,
  subscribes: boolean,
) {
  const { timeline, profile } = ctx;
  const { rng } = d;
  const asOf = timeline.asOfDay;
  const reactivates = d.role.archetype === 'reactivated';
  const lateQuiet = reactivates ? 400 : MIN_QUIET_DAYS;
  let quietOn = asOf - Math.round(rng.uniform(lateQuiet, 900));
  let forcedCategory: string | null = null;
  let forcedProduct: Product | null = null;
  let needsSubscription = false;

  if (reason === 'price') {
    const candidates = timeline.priceChanges.filter((pc) => pc.rate > 0 && asOf - pc.day >= lateQuiet + 60);
    const pc = candidates.length > 0 ? rng.choice(candidates) : null;
    if (pc) {
      d.priceChange = pc;
      quietOn = pc.day + rng.int(3, 60);
      forcedCategory = pc.category;
      favour(d, pc.category);
    }
  } else if (reason === 'product') {
    const latest = asOf - lateQuiet;
    const usable = timeline.productIssues.filter((issue) => {
      const end = Math.min(issue.resolvedDay ?? asOf, latest);
      return end - (issue.startDay + 10) > 10 && (!reactivates || issue.resolvedDay !== null);
    });
    const issue = usable.length > 0 ? rng.choice(usable) : null;
    if (issue) {
      d.productIssue = issue;
      const end = Math.min(issue.resolvedDay ?? asOf, latest);
      quietOn = rng.int(issue.startDay + 15, end);
      if (issue.isSubscriptionLine) needsSubscription = true;
      if (issue.category) {
        forcedCategory = issue.category;
        favour(d, issue.category);
        forcedProduct =
          ctx.productsByCategory.get(issue.category)?.products.find((x) => x.name === issue.product) ?? null;
      }
    }
  } else if (reason === 'staff') {
    const sc = timeline.staffChange;
    quietOn = Math.min(sc.day + rng.int(10, 120), asOf - lateQuiet);
  } else if (reason === 'competitor' || reason === 'need_gone') {
    needsSubscription = subscribes || d.role.archetype === 'lost' || rng.chance(0.25);
  }
  d.cycleDays = Math.min(d.cycleDays, Math.max(14, (asOf - quietOn) / 3.5));
  if (reactivates) d.cycleDays = Math.min(d.cycleDays, 90);

  // Enough history before going quiet to show a rhythm (at least ~4 cycles).
  const start = Math.max(
    timeline.historyStartDay,
    Math.min(d.createdDay, quietOn - Math.round(4 * d.cycleDays)),
  );
  ensureCreatedBefore(d, start - rng.int(0, 60));
  const fading = reason === 'competitor' || reason === 'need_gone';
  purchasesBetween(
    d,
    start,
    quietOn - Math.max(3, Math.round(d.cycleDays / 3)),
    shape,
    1,
    1,
    fading ? quietOn : null,
  );
  addPurchase(d, quietOn, forcedCategory, forcedProduct, fading ? 0.45 : 1);
  d.quietOn = quietOn;

  if (needsSubscription) {
    const startDay = Math.max(d.createdDay, Math.min(d.purchases[0]?.day ?? quietOn, quietOn - 200));
    const plan = rng.choice(profile.subscriptionPlans);
    const endDay = Math.min(asOf - 1, quietOn + rng.int(0, 45));
    const reasonKey = reason === 'forgotten' ? 'other' : reason;
    d.subscription = {
      plan: plan.plan,
      mrrYen: plan.mrrYen,
      startDay,
      endDay,
      cancelReason: rng.choice(CANCEL_REASONS[reasonKey]),
      declineFromDay: endDay,
    };
  } else if (subscribes && reason !== 'forgotten') {
    const first = d.purchases[0]?.day ?? quietOn;
    const plan = rng.choice(profile.subscriptionPlans);
    d.subscription = {
      plan: plan.plan,
      mrrYen: plan.mrrYen,
      startDay: first,
      endDay: Math.min(asOf - 1, quietOn + rng.int(0, 60)),
      cancelReason: rng.choice(CANCEL_REASONS[reason === 'over_contact' ? 'over_contact' : reason]),
      declineFromDay: null,
    };
  }
  if (reason === 'environment') d.contactLeftDay = Math.min(asOf - 5, quietOn + rng.int(-20, 40));
  if (reason === 'over_contact') {
    d.emailOptIn = true;
    d.unsubscribedDay = Math.min(asOf - 1, quietOn + rng.int(0, 30));
  }
  if (reason === 'forgotten') d.engagement = 0;

  if (reactivates) {
    const issueResolved = d.productIssue?.resolvedDay ?? null;
    const earliest = Math.max(
      quietOn + Math.max(200, Math.round(3.5 * d.cycleDays)),
      (issueResolved ?? 0) + 14,
    );
    const latest = asOf - 20;
    const comeback = earliest <= latest ? rng.int(earliest, latest) : null;
    if (comeback !== null) {
      d.comebackDay = comeback;
      addPurchase(d, comeback, null, null, 1.2);
      const second = comeback + Math.max(7, Math.round(Math.min(d.cycleDays, (asOf - comeback) / 2)));
      if (second <= asOf) addPurchase(d, second);
      purchasesBetween(d, second + Math.round(d.cycleDays), asOf, shape);
    }
  }
}

/** Purchase days from `from` to `to`: gamma gaps around the own cycle, faster in busy months. */
function purchasesBetween(
  d: CustomerDraft,
  from: number,
  to: number,
  shape: number,
  cycleScale = 1,
  amountFactor = 1,
  fadeUntil: number | null = null,
): void {
  const { rng } = d;
  const { seasonality } = d;
  const mean = d.cycleDays * cycleScale;
  let day = from;
  while (day <= to) {
    const fade = fadeUntil === null ? 1 : clamp(1 - (day - (fadeUntil - 365)) / 500, 0.4, 1);
    addPurchase(d, day, null, null, amountFactor * fade);
    const month = new Date(day * 86_400_000).getUTCMonth();
    const gap = rng.gamma(shape, mean / shape) / (seasonality[month] ?? 1);
    day += Math.max(1, Math.round(gap));
  }
}

function addPurchase(
  d: CustomerDraft,
  day: number,
  category: string | null = null,
  product: Product | null = null,
  amountFactor = 1,
): void {
  d.purchases.push({ day, category, product, amountFactor });
}

function preferredCategories(
  profile: BusinessProfile,
  rng: Rng,
): { categories: string[]; weights: number[] } {
  const count = Math.min(profile.categories.length, rng.int(2, 4));
  const pool = [...profile.categories];
  const categories: string[] = [];
  const weights: number[] = [];
  for (let i = 0; i < count; i++) {
    const k = rng.int(0, pool.length - 1);
    categories.push(pool.splice(k, 1)[0] as string);
    weights.push(i === 0 ? 3 : rng.uniform(0.5, 1.5));
  }
  return { categories, weights };
}

/** Makes `category` the customer's main line (the planted evidence needs them to buy it). */
function favour(d: CustomerDraft, category: string): void {
  const categories = [category, ...d.categories.filter((c) => c !== category)].slice(0, 3);
  d.categories = categories;
  d.categoryWeights = categories.map((_, i) => (i === 0 ? 6 : 1));
}

function ensureCreatedBefore(d: CustomerDraft, day: number): void {
  if (d.createdDay > day) d.createdDay = day;
}

/** A subscription that started around the first purchase and still runs on the as-of date. */
function runningSubscription(
  profile: BusinessProfile,
  d: CustomerDraft,
  firstPurchase: number,
  asOf: number,
): SubscriptionDraft {
  const plan = d.rng.choice(profile.subscriptionPlans);
  return {
    plan: plan.plan,
    mrrYen: plan.mrrYen,
    startDay: Math.min(asOf - 1, firstPurchase + d.rng.int(0, 120)),
    endDay: null,
    cancelReason: null,
    declineFromDay: null,
  };
}

function finishConsents(d: CustomerDraft, asOf: number): void {
  const reason = d.role.reason;
  if (reason === 'forgotten' && d.rng.chance(0.5)) d.emailOptIn = false;
  // A few healthy customers unsubscribe from the newsletter too (not a reason to stop buying).
  if (d.role.archetype === 'active' && d.emailOptIn && d.rng.chance(0.03)) {
    d.unsubscribedDay = asOf - d.rng.int(10, 600);
  }
  if (d.unsubscribedDay !== null && d.unsubscribedDay < d.createdDay) d.unsubscribedDay = null;
  if (d.unsubscribedDay !== null) d.emailOptIn = false;
  if (d.doNotContact) {
    d.emailOptIn = false;
    d.smsOptIn = false;
    d.dmOk = false;
    d.phoneOk = false;
  }
}

function companyContacts(d: CustomerDraft, asOf: number): ContactDraft[] {
  const { rng, identity } = d;
  const contacts: ContactDraft[] = [];
  const count = 1 + Math.min(2, rng.poisson(0.6));
  for (let i = 0; i < count; i++) {
    const person = personAt(rng, identity.domain);
    contacts.push({
      name: person.name,
      email: person.email,
      phone: `${identity.phone.slice(0, -1)}${i}`,
      department: rng.choice(DEPARTMENTS),
      role: rng.choice(ROLES),
      status: 'active',
      updatedDay: Math.min(asOf, Math.max(d.createdDay, asOf - rng.int(30, 1500))),
    });
  }
  const primary = contacts[0];
  if (primary && d.contactLeftDay !== null) {
    primary.status = 'left';
    primary.updatedDay = d.contactLeftDay;
    // Reactivated accounts got a new contact when they came back.
    if (d.comebackDay !== null) {
      const successor = personAt(rng, identity.domain);
      contacts.push({
        name: successor.name,
        email: successor.email,
        phone: primary.phone,
        department: primary.department,
        role: '担当',
        status: 'active',
        updatedDay: d.comebackDay - rng.int(5, 40),
      });
    }
  } else if (primary && d.role.archetype === 'active' && rng.chance(0.06)) {
    // Ordinary turnover: someone left long ago and was replaced; purchases went on.
    primary.status = 'left';
    primary.updatedDay = asOf - rng.int(200, 1200);
    const successor = personAt(rng, identity.domain);
    contacts.push({ ...primary, name: successor.name, email: successor.email, status: 'active' });
  }
  return contacts;
}

export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}

/** Unit price of a product on a day, after the company's price changes. */
export function unitPriceOn(timeline: CompanyTimeline, product: Product, day: number): number {
  return Math.round(product.priceYen * priceFactor(timeline, product.category, day));
}
