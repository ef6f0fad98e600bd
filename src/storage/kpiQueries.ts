/**
 * The facts the measure step reads: per customer, the messages queued for them (with their
 * tracking events) and the call/visit tasks done in a period, their orders and replies — and per
 * journey, its enrolments treated or held out with whether they bought within the window. The
 * KPI ladder and the lift are computed by the core (core/measure/kpi.ts, lift.ts).
 *
 * The period (`from`/`to`, ISO days, both included) selects messages by created_at and tasks by
 * the day their outcome was logged; orders and replies are read from `from` to the as-of day, so
 * an order after the period still counts within the attribution window. A sales rep's scope is
 * applied in SQL on customers.owner. Groups: the message's channel (a task: phone or visit), its
 * journey (a task by its source key journey:customer:step; others '(none)'), the customer's rank
 * in the latest analysis ('(none)' before one), or each saved segment the customer is in (a
 * customer in two segments counts in both; customers in none are left out of the rows, not of
 * the total).
 */
import { type Kysely, type SqlBool, sql } from 'kysely';
import { type CustomerKpiFacts, type KpiReport, type KpiTouch, kpiReport } from '../core/measure/kpi.js';
import { type JourneyLift, journeyLift, type VariantCounts } from '../core/measure/lift.js';
import { CHANNELS, type Channel } from '../core/prioritise/defaults.js';
import { parseSegmentFilter } from '../core/prioritise/segmentFilter.js';
import { analysisTables, type CustomerScope } from './customerQueries.js';
import { REPLY_EVENT_TYPES } from './journeyQueries.js';
import { type ActDatabase, actDb, chunked } from './journeyTables.js';
import { listSegments, segmentQuery } from './segmentQueries.js';
import { getChannelConfig } from './settingsQueries.js';
import type { Storage } from './storage.js';

export const KPI_GROUPINGS = ['channel', 'journey', 'rank', 'segment'] as const;
export type KpiGrouping = (typeof KPI_GROUPINGS)[number];
/** Saved segments shown side by side at most. */
export const MAX_KPI_SEGMENTS = 30;
const NO_GROUP = '(none)';

export interface KpiRequest {
  by: KpiGrouping;
  /** ISO days, both included; null: no bound. */
  from: string | null;
  to: string | null;
  /** ISO day: today of the report (orders after it are not read). */
  asOf: string;
  scope: CustomerScope;
}

export interface KpiReportBody extends KpiReport {
  by: KpiGrouping;
  from: string | null;
  to: string | null;
  as_of: string;
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function scopeCondition(scope: CustomerScope) {
  if (scope === null) return sql<SqlBool>`1 = 1`;
  return scope.ownerKey === null ? sql<SqlBool>`1 = 0` : sql<SqlBool>`c.owner = ${scope.ownerKey}`;
}

/** The journey of a task made by a journey (source key journey:customer:step). */
function journeyOfTask(sourceKey: string | null): string {
  if (!sourceKey) return NO_GROUP;
  const cut = sourceKey.indexOf(':');
  return cut > 0 ? sourceKey.slice(0, cut) : NO_GROUP;
}

interface MessageFactRow {
  id: number;
  customer_id: string;
  journey_id: string | null;
  channel: 'email' | 'sms' | 'dm';
  status: string;
  created_at: string;
  sent_at: string | null;
  /** 0/1 in SQLite, a boolean in PostgreSQL. */
  opened: number | boolean;
  clicked: number | boolean;
  bounced: number | boolean;
}

/**
 * Per customer touched in the period (in scope): their touches grouped by `by`, orders and replies.
 *
 * @example await kpiFacts(storage, { by: 'channel', from: '2026-01-01', to: '2026-03-31', asOf: '2026-06-30', scope: null })
 */
export async function kpiFacts(storage: Storage, request: KpiRequest): Promise<CustomerKpiFacts[]> {
  const db = actDb(storage);
  const { from, to, asOf, scope } = request;
  const toExclusive = to === null ? null : nextDay(to);
  const inScope = scopeCondition(scope);

  let messageQuery = db
    .selectFrom('messages as m')
    .innerJoin('customers as c', 'c.customer_id', 'm.customer_id')
    // One probe of the events_campaign index per message and kind: faster than grouping a join.
    .select((eb) => {
      const tracked = (types: readonly string[]) =>
        eb.exists(
          eb
            .selectFrom('events as e')
            .select(sql`1`.as('one'))
            .whereRef('e.campaign', '=', 'm.idempotency_key')
            .where('e.type', 'in', types),
        );
      return [
        'm.id',
        'm.customer_id',
        'm.journey_id',
        'm.channel',
        'm.status',
        'm.created_at',
        'm.sent_at',
        tracked(['email_open']).as('opened'),
        tracked(['email_click', 'sms_click']).as('clicked'),
        tracked(['email_bounce']).as('bounced'),
      ];
    })
    .where(inScope);
  if (from !== null) messageQuery = messageQuery.where('m.created_at', '>=', from);
  if (toExclusive !== null) messageQuery = messageQuery.where('m.created_at', '<', toExclusive);

  let taskQuery = db
    .selectFrom('tasks as t')
    .innerJoin('customers as c', 'c.customer_id', 't.customer_id')
    .select(['t.id', 't.customer_id', 't.kind', 't.outcome', 't.logged_at', 't.source_key'])
    .where('t.status', '=', 'done')
    .where('t.outcome', 'is not', null)
    .where('t.logged_at', 'is not', null)
    .where(inScope);
  if (from !== null) taskQuery = taskQuery.where('t.logged_at', '>=', from);
  if (toExclusive !== null) taskQuery = taskQuery.where('t.logged_at', '<', toExclusive);

  const [messages, tasks] = await Promise.all([
    messageQuery.execute() as Promise<MessageFactRow[]>,
    taskQuery.execute(),
  ]);
  const customerIds = [
    ...new Set([...messages.map((m) => m.customer_id), ...tasks.map((t) => t.customer_id)]),
  ];
  if (customerIds.length === 0) return [];

  const groupsOf = await customerGroups(storage, request.by, customerIds, scope);
  const facts = new Map<
    string,
    { touches: KpiTouch[]; orders: CustomerKpiFacts['orders'][number][]; replies: string[] }
  >();
  const factsOf = (id: string) => {
    let f = facts.get(id);
    if (!f) {
      f = { touches: [], orders: [], replies: [] };
      facts.set(id, f);
    }
    return f;
  };
  for (const m of messages) {
    const groups =
      request.by === 'channel'
        ? [m.channel]
        : request.by === 'journey'
          ? [m.journey_id ?? NO_GROUP]
          : groupsOf(m.customer_id);
    for (const group of groups) {
      factsOf(m.customer_id).touches.push({
        kind: 'message',
        id: String(m.id),
        group,
        channel: m.channel,
        at: m.sent_at ?? m.created_at,
        status: m.status,
        isOpened: Number(m.opened) === 1,
        isClicked: Number(m.clicked) === 1,
        isBounced: Number(m.bounced) === 1,
      });
    }
  }
  for (const t of tasks) {
    const channel = t.kind === 'visit' ? 'visit' : 'phone';
    const groups =
      request.by === 'channel'
        ? [channel]
        : request.by === 'journey'
          ? [journeyOfTask(t.source_key)]
          : groupsOf(t.customer_id);
    for (const group of groups) {
      factsOf(t.customer_id).touches.push({
        kind: 'task',
        id: String(t.id),
        group,
        channel,
        at: t.logged_at ?? '',
        outcome: t.outcome ?? '',
      });
    }
  }

  const untilExclusive = nextDay(asOf);
  for (const part of chunked(customerIds, 500)) {
    let orderQuery = db
      .selectFrom('orders')
      .select(['customer_id', 'ordered_at', 'amount', 'gross_margin', 'is_refund'])
      .where('customer_id', 'in', part)
      .where('ordered_at', '<', untilExclusive);
    if (from !== null) orderQuery = orderQuery.where('ordered_at', '>=', from);
    let replyQuery = db
      .selectFrom('events')
      .select(['customer_id', 'occurred_at'])
      .where('customer_id', 'in', part)
      .where('type', 'in', REPLY_EVENT_TYPES)
      .where('occurred_at', '<', untilExclusive);
    if (from !== null) replyQuery = replyQuery.where('occurred_at', '>=', from);
    const [orders, replies] = await Promise.all([orderQuery.execute(), replyQuery.execute()]);
    for (const o of orders) {
      facts.get(o.customer_id)?.orders.push({
        orderedAt: o.ordered_at,
        amountYen: Number(o.amount),
        grossMarginYen: o.gross_margin === null ? null : Number(o.gross_margin),
        isRefund: Number(o.is_refund) === 1,
      });
    }
    for (const r of replies) facts.get(r.customer_id)?.replies.push(r.occurred_at);
  }
  return [...facts.entries()].map(([customerId, f]) => ({ customerId, ...f }));
}

/** For rank and segment groupings: the groups of each customer (customer-level, not touch-level). */
async function customerGroups(
  storage: Storage,
  by: KpiGrouping,
  customerIds: readonly string[],
  scope: CustomerScope,
): Promise<(customerId: string) => (string | null)[]> {
  if (by === 'channel' || by === 'journey') return () => [];
  if (by === 'rank') {
    const ranks = new Map<string, string>();
    const tables = await analysisTables(storage);
    if (tables.stateColumns?.has('rank')) {
      const adb = storage.db as unknown as Kysely<ActDatabase>;
      for (const part of chunked(customerIds, 500)) {
        const rows = await adb
          .selectFrom('customer_state')
          .select(['customer_id', 'rank'])
          .where('customer_id', 'in', part)
          .execute();
        for (const r of rows) if (r.rank) ranks.set(r.customer_id, r.rank);
      }
    }
    return (id) => [ranks.get(id) ?? NO_GROUP];
  }
  // Segments choose from the analysed customers: none before the first analysis.
  const segments = (await analysisTables(storage)).hasResults
    ? (await listSegments(storage)).slice(0, MAX_KPI_SEGMENTS)
    : [];
  const members = new Map<string, string[]>();
  const wanted = new Set(customerIds);
  for (const s of segments) {
    const rows = await segmentQuery(storage, parseSegmentFilter(s.filter), scope)
      .select('c.customer_id')
      .execute();
    for (const r of rows as { customer_id: string }[]) {
      if (!wanted.has(r.customer_id)) continue;
      const list = members.get(r.customer_id);
      if (list) list.push(s.name);
      else members.set(r.customer_id, [s.name]);
    }
  }
  return (id) => members.get(id) ?? [null];
}

/** The channel costs in force, per approach. */
export async function channelCostsYen(storage: Storage): Promise<Record<Channel, number>> {
  const { config } = await getChannelConfig(storage);
  const costs = {} as Record<Channel, number>;
  for (const channel of CHANNELS) costs[channel] = config.channels[channel].cost_yen;
  return costs;
}

/**
 * The KPI ladder of a period, per group, with the channel costs in force.
 *
 * @example await kpiReportOf(storage, { by: 'journey', from: null, to: null, asOf: '2026-06-30', scope: null })
 */
export async function kpiReportOf(storage: Storage, request: KpiRequest): Promise<KpiReportBody> {
  const [facts, costYen] = await Promise.all([kpiFacts(storage, request), channelCostsYen(storage)]);
  const report = kpiReport(facts, { asOf: request.asOf, costYen });
  // In the segment view a touched customer in no segment is in the total but in no row.
  return { by: request.by, from: request.from, to: request.to, as_of: request.asOf, ...report };
}

export interface LiftRequest {
  journeyId: string | null;
  asOf: string;
  scope: CustomerScope;
  /** Days after entering the journey in which a purchase counts (the KPI attribution window). */
  windowDays: number;
}

export interface LiftReportBody {
  as_of: string;
  window_days: number;
  journeys: JourneyLift[];
}

interface Tally {
  customers: number;
  reactivated: number;
}

/**
 * Per journey with a holdout or split step: enrolments held out (exit 'holdout') against the
 * others, and each variant, counting a customer as reactivated when a non-refund order falls
 * within `windowDays` of the day they entered (the same day included). Enrolments younger than
 * the window are counted as they stand: both groups are equally young, the hash made them alike.
 *
 * @example await liftReport(storage, { journeyId: 'winback-basic', asOf: '2026-06-30', scope: null, windowDays: 90 })
 */
export async function liftReport(storage: Storage, request: LiftRequest): Promise<LiftReportBody> {
  const db = actDb(storage);
  let journeyQuery = db.selectFrom('journeys').select(['id', 'definition']);
  if (request.journeyId !== null) journeyQuery = journeyQuery.where('id', '=', request.journeyId);
  const journeys = (await journeyQuery.orderBy('id').execute()).filter((j) => {
    const steps = (JSON.parse(j.definition) as { steps?: { type?: string }[] }).steps ?? [];
    return steps.some((s) => s.type === 'holdout' || s.type === 'split');
  });
  const untilExclusive = nextDay(request.asOf);
  const out: JourneyLift[] = [];
  for (const journey of journeys) {
    // The first purchase on or after the day of entry (up to the as-of day), per enrolment.
    const rows = await db
      .selectFrom('journey_enrolments as je')
      .innerJoin('customers as c', 'c.customer_id', 'je.customer_id')
      .leftJoin('orders as o', (join) =>
        join
          .onRef('o.customer_id', '=', 'je.customer_id')
          .on('o.is_refund', '=', 0)
          .on('o.ordered_at', '<', untilExclusive)
          .on(sql<SqlBool>`o.ordered_at >= substr(je.entered_at, 1, 10)`),
      )
      .select([
        'je.id',
        'je.entered_at',
        'je.exit_reason',
        'je.variant',
        sql<string | null>`min(o.ordered_at)`.as('first_order'),
      ])
      .where('je.journey_id', '=', journey.id)
      .where('je.entered_at', '<', untilExclusive)
      .where(scopeCondition(request.scope))
      .groupBy(['je.id', 'je.entered_at', 'je.exit_reason', 'je.variant'])
      .execute();
    const treated: Tally = { customers: 0, reactivated: 0 };
    const holdout: Tally = { customers: 0, reactivated: 0 };
    const variants = new Map<string, Tally>();
    for (const r of rows) {
      const windowEnd = new Date(
        Date.parse(`${r.entered_at.slice(0, 10)}T00:00:00Z`) + request.windowDays * 86_400_000,
      )
        .toISOString()
        .slice(0, 10);
      const isReactivated = r.first_order !== null && r.first_order.slice(0, 10) <= windowEnd;
      const group = r.exit_reason === 'holdout' ? holdout : treated;
      group.customers += 1;
      if (isReactivated) group.reactivated += 1;
      if (r.variant !== null && r.exit_reason !== 'holdout') {
        const v = variants.get(r.variant) ?? { customers: 0, reactivated: 0 };
        v.customers += 1;
        if (isReactivated) v.reactivated += 1;
        variants.set(r.variant, v);
      }
    }
    const variantCounts: VariantCounts[] = [...variants.entries()].map(([variant, t]) => ({ variant, ...t }));
    out.push(journeyLift({ journeyId: journey.id, treated, holdout, variants: variantCounts }));
  }
  return { as_of: request.asOf, window_days: request.windowDays, journeys: out };
}
