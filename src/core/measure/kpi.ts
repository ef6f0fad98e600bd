/**
 * The seed's KPI ladder (seed 000 「成果測定のための重要KPI」: 接触率 · 到達率 · 反応率 · アポイント率 ·
 * 再活性化率 · 平均受注金額 · 再活性化コスト · ROI · 継続率) per group — a channel, a journey, a rank
 * or a saved segment — from what each customer of the group was sent, did and bought.
 *
 * Who counts where:
 * - **targeted**: customers with a message queued for them or a call/visit task done in the group;
 *   **approached**: of those, customers with a message that went out (status 'sent') or a task
 *   with a logged outcome. A message **held** (no transport configured: the embedded outbox) did
 *   not go out; customers whose only messages were held are counted as `held` ("would have been
 *   approached") and in no rate. Rates below are of approached customers unless said otherwise.
 * - **reached**: a sent message that did not bounce, or a task whose outcome means someone
 *   answered (REACHED_OUTCOMES); **opened**: an opened or clicked email (of customers emailed).
 * - **responded**: a click, a reply (after the first touch) or a task outcome in RESPONSE_OUTCOMES;
 *   **appointment**: a task outcome 'appointment'.
 * - **reactivated**: a non-refund order within the attribution window (DEFAULT_ATTRIBUTION_DAYS,
 *   ours) after the customer's first touch in the group, compared by day (an order on the day of
 *   the touch counts). Attribution is per group: a customer counts once per group, from their
 *   first touch in that group, so a customer emailed and called appears in both the email and
 *   the phone row (groups of one report overlap; the total row counts each customer once).
 * - **revenue** and **gross profit**: the orders in the window of reactivated customers, less
 *   refunds in the window. Gross profit is the order's gross_margin when the data has it, else
 *   revenue × the default margin rate (seed 000's drop-in example: 粗利率 30 %) — an assumption,
 *   and `estimated_gross_profit_yen` says how much of the profit rests on it.
 * - **cost**: every sent message at its channel's cost, every task done at the phone or visit
 *   cost (channel settings). Held messages cost nothing.
 * - **ROI** = (gross profit − cost) ÷ cost (seed 000: (売上 × 粗利率 − 総コスト) ÷ 総コスト); null
 *   when nothing was spent.
 * - **90-day retention**: of reactivated customers whose reactivating order is at least 90 days
 *   before `asOf` (observable), the share who ordered again within 90 days after it.
 */
import type { Channel } from '../prioritise/defaults.js';

/** Days after the first touch in which an order counts as a reactivation (ours). */
export const DEFAULT_ATTRIBUTION_DAYS = 90;
/** Seed 000's drop-in ROI example: 粗利率 30 %, used when an order has no gross_margin. */
export const DEFAULT_MARGIN_RATE = 0.3;
/** Days after the reactivating order in which a second order counts as retained. */
export const RETENTION_DAYS = 90;

/** Task outcomes that mean the rep spoke with (or met) the customer. */
export const REACHED_OUTCOMES: ReadonlySet<string> = new Set([
  'connected',
  'callback_requested',
  'appointment',
  'visited',
  'not_interested',
  'won_back',
]);
/** Task outcomes that count as a positive response (反応). */
export const RESPONSE_OUTCOMES: ReadonlySet<string> = new Set([
  'connected',
  'callback_requested',
  'appointment',
  'won_back',
]);

/** One message or task of a customer, already assigned to its group. */
export type KpiTouch =
  | {
      kind: 'message';
      /** The message's id (a customer in two segments has the same touch twice). */
      id: string;
      /** null: counted in the total only (e.g. a customer in no saved segment). */
      group: string | null;
      channel: Extract<Channel, 'email' | 'sms' | 'dm'>;
      /** ISO instant: sent_at when sent, else created_at. */
      at: string;
      status: string;
      isBounced: boolean;
      isOpened: boolean;
      isClicked: boolean;
    }
  | {
      kind: 'task';
      id: string;
      group: string | null;
      channel: Extract<Channel, 'phone' | 'visit'>;
      /** ISO instant the outcome was logged. */
      at: string;
      outcome: string;
    };

export interface KpiOrder {
  /** ISO day or instant. */
  orderedAt: string;
  amountYen: number;
  grossMarginYen: number | null;
  isRefund: boolean;
}

export interface CustomerKpiFacts {
  customerId: string;
  touches: readonly KpiTouch[];
  /** The customer's orders from the period's start on (any order; the core picks). */
  orders: readonly KpiOrder[];
  /** ISO instants of replies (inquiry, email_reply, reply events). */
  replies: readonly string[];
}

export interface KpiOptions {
  /** ISO day: the report's today (retention is observable only 90 days back from it). */
  asOf: string;
  /** Cost in yen of one approach per channel. */
  costYen: Record<Channel, number>;
  attributionDays?: number;
  marginRate?: number;
}

export interface KpiRow {
  group: string;
  targeted: number;
  approached: number;
  held: number;
  messages_sent: number;
  messages_held: number;
  tasks_done: number;
  contact_rate: number | null;
  reached: number;
  reach_rate: number | null;
  emailed: number;
  opened: number;
  open_rate: number | null;
  responded: number;
  response_rate: number | null;
  appointments: number;
  appointment_rate: number | null;
  reactivated: number;
  reactivation_rate: number | null;
  orders: number;
  revenue_yen: number;
  average_order_value_yen: number | null;
  gross_profit_yen: number;
  estimated_gross_profit_yen: number;
  cost_yen: number;
  cost_per_reactivation_yen: number | null;
  roi: number | null;
  retention_observable: number;
  retained_90d: number;
  retention_90d_rate: number | null;
}

export interface KpiReport {
  attribution_days: number;
  default_margin_rate: number;
  rows: KpiRow[];
  total: KpiRow;
}

const DAY_MS = 86_400_000;

function dayOf(iso: string): string {
  return iso.slice(0, 10);
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const rate = (n: number, d: number): number | null => (d > 0 ? n / d : null);

interface Tally {
  targeted: number;
  approached: number;
  held: number;
  messagesSent: number;
  messagesHeld: number;
  tasksDone: number;
  reached: number;
  emailed: number;
  opened: number;
  responded: number;
  appointments: number;
  reactivated: number;
  orders: number;
  revenueYen: number;
  grossProfitYen: number;
  estimatedGrossProfitYen: number;
  costYen: number;
  retentionObservable: number;
  retained: number;
}

function emptyTally(): Tally {
  return {
    targeted: 0,
    approached: 0,
    held: 0,
    messagesSent: 0,
    messagesHeld: 0,
    tasksDone: 0,
    reached: 0,
    emailed: 0,
    opened: 0,
    responded: 0,
    appointments: 0,
    reactivated: 0,
    orders: 0,
    revenueYen: 0,
    grossProfitYen: 0,
    estimatedGrossProfitYen: 0,
    costYen: 0,
    retentionObservable: 0,
    retained: 0,
  };
}

/** Adds one customer's touches of one group (all of them, or those of the group) to a tally. */
function addCustomer(
  tally: Tally,
  touches: readonly KpiTouch[],
  facts: CustomerKpiFacts,
  options: Required<KpiOptions>,
): void {
  tally.targeted += 1;
  let firstTouch: string | null = null;
  let hasHeld = false;
  let isReached = false;
  let isEmailed = false;
  let isOpened = false;
  let isResponded = false;
  let hasAppointment = false;
  for (const t of touches) {
    if (t.kind === 'message') {
      if (t.status === 'held') {
        tally.messagesHeld += 1;
        hasHeld = true;
        continue;
      }
      if (t.status !== 'sent') continue;
      tally.messagesSent += 1;
      tally.costYen += options.costYen[t.channel];
      if (!t.isBounced) isReached = true;
      if (t.channel === 'email') {
        isEmailed = true;
        if (t.isOpened || t.isClicked) isOpened = true;
      }
      if (t.isClicked) isResponded = true;
    } else {
      tally.tasksDone += 1;
      tally.costYen += options.costYen[t.channel];
      if (REACHED_OUTCOMES.has(t.outcome)) isReached = true;
      if (RESPONSE_OUTCOMES.has(t.outcome)) isResponded = true;
      if (t.outcome === 'appointment') hasAppointment = true;
    }
    if (firstTouch === null || t.at < firstTouch) firstTouch = t.at;
  }
  if (firstTouch === null) {
    if (hasHeld) tally.held += 1;
    return;
  }
  tally.approached += 1;
  const startDay = dayOf(firstTouch);
  const endDay = addDays(startDay, options.attributionDays);
  if (facts.replies.some((r) => r >= firstTouch && dayOf(r) <= endDay)) isResponded = true;
  if (isReached) tally.reached += 1;
  if (isEmailed) tally.emailed += 1;
  if (isOpened) tally.opened += 1;
  if (isResponded) tally.responded += 1;
  if (hasAppointment) tally.appointments += 1;

  const inWindow = facts.orders
    .filter((o) => dayOf(o.orderedAt) >= startDay && dayOf(o.orderedAt) <= endDay)
    .sort((a, b) => (a.orderedAt < b.orderedAt ? -1 : a.orderedAt > b.orderedAt ? 1 : 0));
  const purchases = inWindow.filter((o) => !o.isRefund);
  const first = purchases[0];
  if (first === undefined) return;
  tally.reactivated += 1;
  tally.orders += purchases.length;
  for (const o of inWindow) {
    tally.revenueYen += o.amountYen;
    if (o.grossMarginYen !== null) tally.grossProfitYen += o.grossMarginYen;
    else {
      const estimate = o.amountYen * options.marginRate;
      tally.grossProfitYen += estimate;
      tally.estimatedGrossProfitYen += estimate;
    }
  }
  const reactivationDay = dayOf(first.orderedAt);
  const retentionEnd = addDays(reactivationDay, RETENTION_DAYS);
  if (retentionEnd <= options.asOf) {
    tally.retentionObservable += 1;
    const again = facts.orders.some(
      (o) =>
        !o.isRefund &&
        o !== first &&
        o.orderedAt > first.orderedAt &&
        dayOf(o.orderedAt) > reactivationDay &&
        dayOf(o.orderedAt) <= retentionEnd,
    );
    if (again) tally.retained += 1;
  }
}

function rowOf(group: string, t: Tally): KpiRow {
  const roundYen = (n: number) => Math.round(n);
  return {
    group,
    targeted: t.targeted,
    approached: t.approached,
    held: t.held,
    messages_sent: t.messagesSent,
    messages_held: t.messagesHeld,
    tasks_done: t.tasksDone,
    contact_rate: rate(t.approached, t.targeted),
    reached: t.reached,
    reach_rate: rate(t.reached, t.approached),
    emailed: t.emailed,
    opened: t.opened,
    open_rate: rate(t.opened, t.emailed),
    responded: t.responded,
    response_rate: rate(t.responded, t.approached),
    appointments: t.appointments,
    appointment_rate: rate(t.appointments, t.approached),
    reactivated: t.reactivated,
    reactivation_rate: rate(t.reactivated, t.approached),
    orders: t.orders,
    revenue_yen: roundYen(t.revenueYen),
    average_order_value_yen: t.orders > 0 ? roundYen(t.revenueYen / t.orders) : null,
    gross_profit_yen: roundYen(t.grossProfitYen),
    estimated_gross_profit_yen: roundYen(t.estimatedGrossProfitYen),
    cost_yen: roundYen(t.costYen),
    cost_per_reactivation_yen: t.reactivated > 0 ? roundYen(t.costYen / t.reactivated) : null,
    roi: t.costYen > 0 ? (t.grossProfitYen - t.costYen) / t.costYen : null,
    retention_observable: t.retentionObservable,
    retained_90d: t.retained,
    retention_90d_rate: rate(t.retained, t.retentionObservable),
  };
}

/**
 * The KPI ladder per group (groups in the order of their first appearance, largest first) and
 * for everyone (each customer once, from their first touch in any group).
 *
 * @example kpiReport([{ customerId: 'C1', replies: [],
 *   touches: [{ kind: 'task', id: '1', group: 'phone', channel: 'phone', at: '2026-01-05T10:00:00Z', outcome: 'appointment' }],
 *   orders: [{ orderedAt: '2026-02-01', amountYen: 100_000, grossMarginYen: null, isRefund: false }] }],
 *   { asOf: '2026-03-01', costYen: { visit: 20_000, phone: 10_000, dm: 5_000, email: 1_000, sms: 300 } })
 * // → rows[0]: reactivated 1, revenue_yen 100000, gross_profit_yen 30000, cost_yen 10000, roi 2
 */
export function kpiReport(facts: readonly CustomerKpiFacts[], options: KpiOptions): KpiReport {
  const full: Required<KpiOptions> = {
    attributionDays: DEFAULT_ATTRIBUTION_DAYS,
    marginRate: DEFAULT_MARGIN_RATE,
    ...options,
  };
  const groups = new Map<string, Tally>();
  const total = emptyTally();
  for (const customer of facts) {
    if (customer.touches.length === 0) continue;
    const byGroup = new Map<string, KpiTouch[]>();
    for (const t of customer.touches) {
      if (t.group === null) continue;
      const list = byGroup.get(t.group);
      if (list) list.push(t);
      else byGroup.set(t.group, [t]);
    }
    for (const [group, touches] of byGroup) {
      let tally = groups.get(group);
      if (!tally) {
        tally = emptyTally();
        groups.set(group, tally);
      }
      addCustomer(tally, touches, customer, full);
    }
    // A customer in two segments has each touch twice: the total counts each message once.
    const seen = new Set<string>();
    const distinct = customer.touches.filter((t) => {
      const key = `${t.kind}:${t.id}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    addCustomer(total, distinct, customer, full);
  }
  const rows = [...groups.entries()]
    .map(([group, tally]) => rowOf(group, tally))
    .sort((a, b) => b.targeted - a.targeted || (a.group < b.group ? -1 : 1));
  return {
    attribution_days: full.attributionDays,
    default_margin_rate: full.marginRate,
    rows,
    total: rowOf('total', total),
  };
}
