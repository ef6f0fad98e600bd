/**
 * Writes the demo company as canonical CSV files (SPEC "Canonical import columns"): customers,
 * contacts, orders, subscriptions, events, changes, plus the hidden truth.csv of what was
 * planted. Customer by customer, streaming: memory stays flat at any size, and the same seed,
 * as-of date and size give byte-identical files.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Archetype, Casting } from './casting.js';
import { planCompanyTimeline } from './companyTimeline.js';
import { CsvFile } from './csvFile.js';
import { type CustomerDraft, type DemoContext, draftCustomer, unitPriceOn } from './customerHistory.js';
import { draftEvents } from './engagement.js';
import { dayNumber, isoDay } from './japan.js';
import { type DemoKind, PROFILES, type Product } from './profiles.js';
import { PLANTED_REASONS, type PlantedReason } from './texts.js';

export const DEMO_FILES = ['customers', 'contacts', 'changes', 'orders', 'subscriptions', 'events'] as const;
export type DemoFileKind = (typeof DEMO_FILES)[number];

const HEADERS: Record<DemoFileKind | 'truth', readonly string[]> = {
  customers: [
    'customer_id',
    'name',
    'kind',
    'email',
    'phone',
    'postal_code',
    'prefecture',
    'address',
    'lat',
    'lng',
    'industry',
    'employees',
    'owner',
    'tags',
    'created_at',
    'email_opt_in',
    'sms_opt_in',
    'dm_ok',
    'phone_ok',
    'do_not_contact',
  ],
  contacts: [
    'contact_id',
    'customer_id',
    'name',
    'email',
    'phone',
    'department',
    'role',
    'status',
    'updated_at',
  ],
  orders: [
    'order_id',
    'customer_id',
    'ordered_at',
    'amount',
    'gross_margin',
    'product',
    'category',
    'quantity',
    'channel',
  ],
  subscriptions: ['subscription_id', 'customer_id', 'plan', 'started_at', 'ended_at', 'mrr', 'cancel_reason'],
  events: [
    'event_id',
    'customer_id',
    'type',
    'occurred_at',
    'channel',
    'campaign',
    'url',
    'text',
    'value',
    'properties',
  ],
  changes: ['change_id', 'kind', 'product', 'category', 'started_at', 'resolved_at', 'description'],
  truth: ['customer_id', 'archetype', 'planted_reason', 'went_quiet_on', 'came_back', 'signals'],
};

export interface GenerateOptions {
  kind: DemoKind;
  customers: number;
  seed: number;
  /** 'YYYY-MM-DD': the demo's "today"; nothing is dated after it. */
  asOf: string;
  outDir: string;
  onProgress?: (customersDone: number, customersTotal: number) => void;
}

export interface GenerationSummary {
  kind: DemoKind;
  company: string;
  seed: number;
  as_of: string;
  customers: number;
  out_dir: string;
  files: Record<DemoFileKind | 'truth', { path: string; rows: number }>;
  first_order_on: string | null;
  last_order_on: string | null;
  reps: { name: string; home_prefecture: string; accounts: number }[];
  /** Customers planted per reason (dormant, reactivated and lost together). */
  planted_reasons: Record<PlantedReason, number>;
  archetypes: Record<Archetype, number>;
}

const ORDER_ID_WIDTH = 8;
const EVENT_ID_WIDTH = 9;

export function generateDemo(options: GenerateOptions): GenerationSummary {
  const { kind, seed, asOf, outDir } = options;
  const customerCount = Math.max(1, Math.floor(options.customers));
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(dayNumber(asOf))) {
    throw new Error(`as-of date must look like 2025-03-31, got '${asOf}'`);
  }
  const profile = PROFILES[kind];
  const asOfDay = dayNumber(asOf);
  const timeline = planCompanyTimeline(kind, asOfDay, profile.newsletterEveryDays);
  const productsByCategory = new Map<string, { products: Product[]; weights: number[] }>();
  for (const product of profile.products) {
    const entry = productsByCategory.get(product.category) ?? { products: [], weights: [] };
    entry.products.push(product);
    entry.weights.push(product.popularity);
    productsByCategory.set(product.category, entry);
  }
  const ctx: DemoContext = {
    profile,
    timeline,
    seed,
    customerCount,
    idWidth: Math.max(6, String(customerCount).length),
    productsByCategory,
    staffPrefectures: timeline.staffChange.prefectures,
  };
  const casting = new Casting(customerCount);

  mkdirSync(outDir, { recursive: true });
  const open = (name: DemoFileKind | 'truth') => new CsvFile(join(outDir, `${name}.csv`), HEADERS[name]);
  const files = {
    customers: open('customers'),
    contacts: open('contacts'),
    changes: open('changes'),
    orders: open('orders'),
    subscriptions: open('subscriptions'),
    events: open('events'),
    truth: open('truth'),
  };
  for (const c of timeline.changes) {
    files.changes.write([
      c.change_id,
      c.kind,
      c.product,
      c.category,
      c.started_at,
      c.resolved_at,
      c.description,
    ]);
  }

  const days = new DayStrings(asOfDay - 4400);
  const state = {
    orderSeq: 0,
    eventSeq: 0,
    firstOrder: Number.POSITIVE_INFINITY,
    lastOrder: Number.NEGATIVE_INFINITY,
  };
  const planted = Object.fromEntries(PLANTED_REASONS.map((r) => [r, 0])) as Record<PlantedReason, number>;
  const archetypes: Record<Archetype, number> = {
    active: 0,
    at_risk: 0,
    dormant: 0,
    reactivated: 0,
    lost: 0,
    never_purchased: 0,
    one_purchase: 0,
    duplicate: 0,
  };
  const accounts = new Map<string, number>();

  try {
    for (let index = 0; index < customerCount; index++) {
      const role = casting.roleOf(index);
      const draft = draftCustomer(ctx, index, role);
      const events = draftEvents(ctx, draft);
      writeCustomer(files, draft, days);
      writeOrders(ctx, files.orders, draft, days, state);
      writeSubscription(files.subscriptions, draft, days);
      for (const e of events) {
        state.eventSeq++;
        files.events.write([
          `EV${String(state.eventSeq).padStart(EVENT_ID_WIDTH, '0')}`,
          draft.identity.customerId,
          e.type,
          `${days.of(e.day)}T${clock(e.second)}Z`,
          e.channel,
          e.campaign,
          e.url,
          e.text,
          e.value,
          e.properties,
        ]);
      }
      files.truth.write([
        draft.identity.customerId,
        role.archetype,
        role.reason,
        draft.quietOn === null ? null : days.of(draft.quietOn),
        draft.comebackDay === null ? null : days.of(draft.comebackDay),
        draft.signals.join(';'),
      ]);
      archetypes[role.archetype]++;
      if (role.reason) planted[role.reason]++;
      if (draft.identity.owner)
        accounts.set(draft.identity.owner, (accounts.get(draft.identity.owner) ?? 0) + 1);
      if (options.onProgress && (index + 1) % 1000 === 0) options.onProgress(index + 1, customerCount);
    }
  } finally {
    for (const f of Object.values(files)) f.close();
  }
  options.onProgress?.(customerCount, customerCount);

  const summaryFiles = Object.fromEntries(
    Object.entries(files).map(([name, f]) => [name, { path: f.path, rows: f.rows }]),
  ) as GenerationSummary['files'];
  return {
    kind,
    company: profile.companyName,
    seed,
    as_of: asOf,
    customers: customerCount,
    out_dir: outDir,
    files: summaryFiles,
    first_order_on: Number.isFinite(state.firstOrder) ? isoDay(state.firstOrder) : null,
    last_order_on: Number.isFinite(state.lastOrder) ? isoDay(state.lastOrder) : null,
    reps: profile.reps.map((rep) => ({
      name: rep.name,
      home_prefecture: rep.homePrefecture,
      accounts: accounts.get(rep.name) ?? 0,
    })),
    planted_reasons: planted,
    archetypes,
  };
}

type Files = Record<DemoFileKind | 'truth', CsvFile>;

function writeCustomer(files: Files, d: CustomerDraft, days: DayStrings): void {
  const id = d.identity;
  files.customers.write([
    id.customerId,
    id.name,
    id.kind,
    id.email,
    id.phone,
    id.postalCode,
    id.prefecture.name,
    id.address,
    id.lat,
    id.lng,
    id.industry,
    id.employees,
    id.owner,
    d.tags,
    days.of(d.createdDay),
    bit(d.emailOptIn),
    bit(d.smsOptIn),
    bit(d.dmOk),
    bit(d.phoneOk),
    bit(d.doNotContact),
  ]);
  d.contacts.forEach((c, i) => {
    files.contacts.write([
      `${id.customerId}-P${i + 1}`,
      id.customerId,
      c.name,
      c.email,
      c.phone,
      c.department,
      c.role,
      c.status,
      days.of(c.updatedDay),
    ]);
  });
}

interface OrderState {
  orderSeq: number;
  firstOrder: number;
  lastOrder: number;
}

/** Expands purchase days into order lines: product, quantity, price of the day, margin, refunds. */
function writeOrders(
  ctx: DemoContext,
  out: CsvFile,
  d: CustomerDraft,
  days: DayStrings,
  state: OrderState,
): void {
  const { rng } = d;
  const { profile, timeline } = ctx;
  const asOf = timeline.asOfDay;
  const channels = profile.orderChannels.map((c) => c[0]);
  const channelWeights = profile.orderChannels.map((c) => c[1]);
  const preferredChannel = rng.weighted(channels, channelWeights);
  const sub = d.subscription;
  const lastDay = d.purchases[d.purchases.length - 1]?.day ?? asOf;
  const line = (day: number, product: Product, amountFactor: number, refund = false) => {
    const unit = unitPriceOn(timeline, product, day);
    const target = d.basketYen * amountFactor * rng.logNormal(1, 0.35);
    const quantity = unit > 100_000 ? 1 : Math.max(1, Math.round(target / unit));
    const amount = unit * quantity;
    const margin = Math.round(amount * product.marginRate * rng.uniform(0.9, 1.1));
    const onSubscription =
      profile.kind === 'ec' && sub !== null && day >= sub.startDay && day <= (sub.endDay ?? asOf);
    const channel = onSubscription
      ? 'subscription'
      : rng.chance(0.8)
        ? preferredChannel
        : rng.weighted(channels, channelWeights);
    state.orderSeq++;
    out.write([
      `SO${String(state.orderSeq).padStart(ORDER_ID_WIDTH, '0')}`,
      d.identity.customerId,
      days.of(day),
      amount,
      margin,
      product.name,
      product.category,
      quantity,
      channel,
    ]);
    if (day < state.firstOrder) state.firstOrder = day;
    if (day > state.lastOrder) state.lastOrder = day;
    const back = Math.min(asOf, day + rng.int(3, 20));
    // Returned goods: the same line with negative amount and quantity a few days later, never
    // after the customer's last purchase (that date is what the planted evidence is about).
    if (refund && back < lastDay) {
      state.orderSeq++;
      out.write([
        `SO${String(state.orderSeq).padStart(ORDER_ID_WIDTH, '0')}`,
        d.identity.customerId,
        days.of(back),
        -amount,
        -margin,
        product.name,
        product.category,
        -quantity,
        channel,
      ]);
    }
  };
  const pick = (category: string | null): Product => {
    const cat = category ?? rng.weighted(d.categories, d.categoryWeights);
    const entry = ctx.productsByCategory.get(cat);
    if (!entry) throw new Error(`demo catalogue has no category ${cat}`);
    return rng.weighted(entry.products, entry.weights);
  };
  const last = d.purchases.length - 1;
  d.purchases.forEach((p, i) => {
    if (p.day > asOf) return;
    // Planted last orders stay clean (no refund) so the evidence is what it claims to be.
    const plain = i === last || p.product !== null;
    line(p.day, p.product ?? pick(p.category), p.amountFactor, !plain && rng.chance(0.012));
    if (!plain && rng.chance(0.03)) line(p.day, pick(null), p.amountFactor * 0.5);
  });
}

function writeSubscription(out: CsvFile, d: CustomerDraft, days: DayStrings): void {
  const s = d.subscription;
  if (!s) return;
  out.write([
    `SUB-${d.identity.customerId}`,
    d.identity.customerId,
    s.plan,
    days.of(s.startDay),
    s.endDay === null ? null : days.of(s.endDay),
    s.mrrYen,
    s.cancelReason,
  ]);
}

/** 'YYYY-MM-DD' of day numbers, cached: millions of rows share a few thousand dates. */
class DayStrings {
  private readonly cache: string[] = [];
  constructor(private readonly base: number) {}
  of(day: number): string {
    const i = day - this.base;
    if (i < 0) return isoDay(day);
    let s = this.cache[i];
    if (s === undefined) {
      s = isoDay(day);
      this.cache[i] = s;
    }
    return s;
  }
}

const CLOCKS: string[] = [];
/** 'HH:MM:SS' of a second of the day, cached (events share a limited set of times). */
function clock(second: number): string {
  const s = Math.max(0, Math.min(86_399, second));
  let text = CLOCKS[s];
  if (text === undefined) {
    const hh = Math.floor(s / 3600);
    const mm = Math.floor((s % 3600) / 60);
    const ss = s % 60;
    text = `${hh < 10 ? '0' : ''}${hh}:${mm < 10 ? '0' : ''}${mm}:${ss < 10 ? '0' : ''}${ss}`;
    CLOCKS[s] = text;
  }
  return text;
}

function bit(flag: boolean): number {
  return flag ? 1 : 0;
}
