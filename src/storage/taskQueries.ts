/**
 * The sales reps' call and visit tasks: made from the analysis (dormant customers of rank A
 * and B, by their recommended channels), listed in the caller's scope (a rep sees only tasks of
 * accounts they own; the scope is applied in SQL on customers.owner), and closed by logging an
 * outcome, which records who and when in the audit log and creates the follow-up task in the
 * same transaction.
 */
import { type Generated, type Kysely, type Selectable, type SqlBool, sql, type Transaction } from 'kysely';
import {
  addBusinessDays,
  decideFollowUp,
  type FollowUp,
  type FollowUpOptions,
  type TaskKind,
  type TaskOutcome,
} from '../core/act/followUp.js';
import { monthsBetween, type TalkScripts, writeTalkScript } from '../core/act/talkScript.js';
import { isReasonCategory } from '../core/diagnose/index.js';
import { AppError } from '../core/errors.js';
import type { CustomerScope } from './customerQueries.js';
import type { Database } from './schema.js';
import type { Storage } from './storage.js';

export const TASK_STATUSES = ['open', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Statuses a task is made for: dormant or slipping, not lost and not active. */
export const TASK_CUSTOMER_STATUSES = ['at_risk', 'early_dormant', 'mid_dormant', 'long_dormant'] as const;
export const TASK_RANKS = ['A', 'B'] as const;

export interface TasksTable {
  id: Generated<number>;
  customer_id: string;
  owner: string | null;
  kind: TaskKind;
  due_on: string;
  priority: number;
  status: TaskStatus;
  reason_category: string | null;
  script: string | null;
  context: string | null;
  outcome: string | null;
  note: string | null;
  logged_by: string | null;
  logged_at: string | null;
  follow_up_of: number | null;
  created_at: string;
  created_by: string;
}
export type TaskRow = Selectable<TasksTable>;

interface StateRow {
  customer_id: string;
  status: string;
  rank: string | null;
  score: number | null;
  reason_category: string | null;
  reason_evidence: string | null;
  recommended_channels: string | null;
  last_purchase_day: string | null;
  expected_value: number | null;
}
interface FlagRow {
  customer_id: string;
  line: string;
  flagged_at: string;
}
type TaskDatabase = Database & { tasks: TasksTable; customer_state: StateRow; reapproach_flags: FlagRow };

function tdb(storage: Storage): Kysely<TaskDatabase> {
  return storage.db as unknown as Kysely<TaskDatabase>;
}

/** The facts the talk script was written from, stored with the task. */
export interface TaskContext {
  last_purchase_day: string | null;
  last_product: string | null;
  months_since: number | null;
  evidence: string[];
  improvement: string | null;
  contact_name: string | null;
  former_contact_name: string | null;
}

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** The lines of the stored reason evidence ([{ kind, day, line }…]), strongest first. */
export function evidenceLines(reasonEvidence: string | null): string[] {
  const items = parseJson<unknown>(reasonEvidence, []);
  if (!Array.isArray(items)) return [];
  return items
    .filter((e): e is { kind?: unknown; day?: unknown; line: string } => typeof e?.line === 'string')
    .filter((e) => e.kind !== 'other_reason')
    .map((e) => (typeof e.day === 'string' && !e.line.includes(e.day) ? `${e.day} ${e.line}` : e.line));
}

/** call or visit for a customer, from the recommended channels (rank decides without them). */
export function taskKindFor(rank: string | null, recommendedChannels: string | null): TaskKind | null {
  const channels = parseJson<unknown>(recommendedChannels, null);
  if (!Array.isArray(channels)) return rank === 'A' ? 'visit' : rank === 'B' ? 'call' : null;
  for (const channel of channels) {
    if (channel === 'visit') return 'visit';
    if (channel === 'phone') return 'call';
  }
  return null;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface GenerateSummary {
  candidates: number;
  created: number;
  /** An open task of that kind already existed. */
  already_open: number;
  /** No phone or visit among the recommended channels (consent, reason or rank). */
  no_personal_channel: number;
  by_kind: Record<TaskKind, number>;
}

/**
 * Makes one open task per dormant rank A/B customer and kind (call or visit), due on `today`
 * (the next business day on a weekend). Running it again adds only what is missing.
 */
export async function generateTasks(
  storage: Storage,
  options: { today: string; actor: string; now: string; holidays?: FollowUpOptions['holidays'] },
): Promise<GenerateSummary> {
  const db = tdb(storage);
  const candidates = await db
    .selectFrom('customer_state as s')
    .innerJoin('customers as c', 'c.customer_id', 's.customer_id')
    .select([
      's.customer_id',
      's.rank',
      's.score',
      's.reason_category',
      's.reason_evidence',
      's.recommended_channels',
      's.last_purchase_day',
      'c.name',
      'c.owner',
    ])
    .where('s.status', 'in', TASK_CUSTOMER_STATUSES)
    .where('s.rank', 'in', TASK_RANKS)
    .where('c.merged_into', 'is', null)
    .where((eb) => eb.or([eb('c.do_not_contact', 'is', null), eb('c.do_not_contact', '=', 0)]))
    .orderBy('s.customer_id')
    .execute();
  const dueOn = addBusinessDays(options.today, 0, { holidays: options.holidays });
  const summary: GenerateSummary = {
    candidates: candidates.length,
    created: 0,
    already_open: 0,
    no_personal_channel: 0,
    by_kind: { call: 0, visit: 0 },
  };
  for (const chunk of chunks(candidates, 500)) {
    const ids = chunk.map((c) => c.customer_id);
    const [open, orders, contacts, flags] = await Promise.all([
      db
        .selectFrom('tasks')
        .select(['customer_id', 'kind'])
        .where('customer_id', 'in', ids)
        .where('status', '=', 'open')
        .execute(),
      db
        .selectFrom('orders')
        .select(['customer_id', 'ordered_at', 'product'])
        .where('customer_id', 'in', ids)
        .where('is_refund', '=', 0)
        .where('ordered_at', '<', `${options.today}T99`)
        .orderBy('customer_id')
        .orderBy('ordered_at', 'desc')
        .execute(),
      db
        .selectFrom('contacts')
        .select(['customer_id', 'name', 'status', 'updated_at'])
        .where('customer_id', 'in', ids)
        .orderBy('customer_id')
        .orderBy('updated_at', 'desc')
        .execute(),
      db
        .selectFrom('reapproach_flags')
        .select(['customer_id', 'line', 'flagged_at'])
        .where('customer_id', 'in', ids)
        .orderBy('flagged_at', 'desc')
        .execute(),
    ]);
    const openKeys = new Set(open.map((o) => `${o.customer_id}\u0000${o.kind}`));
    const lastOrder = new Map<string, { day: string; product: string | null }>();
    for (const o of orders) {
      if (!lastOrder.has(o.customer_id))
        lastOrder.set(o.customer_id, { day: o.ordered_at.slice(0, 10), product: o.product });
    }
    const activeContact = new Map<string, string>();
    const leftContact = new Map<string, string>();
    for (const p of contacts) {
      if (!p.name) continue;
      const target = p.status === 'left' ? leftContact : activeContact;
      if (!target.has(p.customer_id)) target.set(p.customer_id, p.name);
    }
    const improvement = new Map<string, string>();
    for (const f of flags) if (!improvement.has(f.customer_id)) improvement.set(f.customer_id, f.line);

    const rows: Omit<TasksTable, 'id'>[] = [];
    for (const c of chunk) {
      const kind = taskKindFor(c.rank, c.recommended_channels);
      if (kind === null) {
        summary.no_personal_channel++;
        continue;
      }
      if (openKeys.has(`${c.customer_id}\u0000${kind}`)) {
        summary.already_open++;
        continue;
      }
      const order = lastOrder.get(c.customer_id);
      const lastDay = c.last_purchase_day ?? order?.day ?? null;
      const context: TaskContext = {
        last_purchase_day: lastDay,
        last_product: order?.product ?? null,
        months_since: lastDay ? monthsBetween(lastDay, options.today) : null,
        evidence: evidenceLines(c.reason_evidence).slice(0, 3),
        improvement: improvement.get(c.customer_id) ?? null,
        contact_name: activeContact.get(c.customer_id) ?? null,
        former_contact_name: leftContact.get(c.customer_id) ?? null,
      };
      const reason = c.reason_category && isReasonCategory(c.reason_category) ? c.reason_category : null;
      const script = writeTalkScript({
        kind,
        reason,
        customerName: c.name,
        contactName: context.contact_name,
        formerContactName: context.former_contact_name,
        repName: c.owner,
        lastPurchaseDay: context.last_purchase_day,
        lastProduct: context.last_product,
        monthsSince: context.months_since,
        evidence: context.evidence[0] ?? null,
        improvement: context.improvement,
      });
      rows.push({
        customer_id: c.customer_id,
        owner: c.owner,
        kind,
        due_on: dueOn,
        priority: Math.round(Number(c.score ?? 0)),
        status: 'open',
        reason_category: c.reason_category,
        script: JSON.stringify(script),
        context: JSON.stringify(context),
        outcome: null,
        note: null,
        logged_by: null,
        logged_at: null,
        follow_up_of: null,
        created_at: options.now,
        created_by: options.actor,
      });
      summary.by_kind[kind]++;
    }
    if (rows.length > 0) {
      await db.transaction().execute(async (trx) => {
        for (const part of chunks(rows, 100)) await trx.insertInto('tasks').values(part).execute();
      });
      summary.created += rows.length;
    }
  }
  await db
    .insertInto('audit_log')
    .values({
      at: options.now,
      actor: options.actor,
      action: 'tasks.generate',
      entity: 'task',
      entity_id: '*',
      details: JSON.stringify(summary),
    })
    .execute();
  return summary;
}

export interface TaskFilters {
  status?: TaskStatus | undefined;
  kind?: TaskKind | undefined;
  owner?: string | undefined;
  customerId?: string | undefined;
  /** Only tasks due on or before this day. */
  dueBy?: string | undefined;
  limit?: number | undefined;
}

export interface TaskView {
  id: number;
  customer_id: string;
  customer_name: string;
  owner: string | null;
  kind: TaskKind;
  due_on: string;
  priority: number;
  status: TaskStatus;
  reason_category: string | null;
  outcome: string | null;
  note: string | null;
  logged_by: string | null;
  logged_at: string | null;
  follow_up_of: number | null;
  created_at: string;
  script: TalkScripts | null;
  context: TaskContext | null;
  customer: {
    prefecture: string | null;
    address: string | null;
    phone: string | null;
    lat: number | null;
    lng: number | null;
    status: string | null;
    rank: string | null;
    expected_value: number | null;
    recommended_channels: string[] | null;
  };
}

function scoped<Q extends { where: (...args: never[]) => Q }>(query: Q, scope: CustomerScope): Q {
  if (!scope) return query;
  const where = query.where as unknown as (ref: unknown, op?: unknown, value?: unknown) => Q;
  return scope.ownerKey === null
    ? where.call(query, sql<SqlBool>`1 = 0`)
    : where.call(query, 'c.owner', '=', scope.ownerKey);
}

function baseTaskQuery(db: Kysely<TaskDatabase> | Transaction<TaskDatabase>) {
  return db
    .selectFrom('tasks as t')
    .innerJoin('customers as c', 'c.customer_id', 't.customer_id')
    .leftJoin('customer_state as s', 's.customer_id', 't.customer_id')
    .selectAll('t')
    .select([
      'c.name as customer_name',
      'c.prefecture',
      'c.address',
      'c.phone',
      'c.lat',
      'c.lng',
      's.status as customer_status',
      's.rank',
      's.expected_value',
      's.recommended_channels',
    ]);
}

type TaskJoinRow = Awaited<ReturnType<ReturnType<typeof baseTaskQuery>['executeTakeFirstOrThrow']>>;

function toView(r: TaskJoinRow): TaskView {
  const channels = parseJson<unknown>(r.recommended_channels ?? null, null);
  return {
    id: Number(r.id),
    customer_id: r.customer_id,
    customer_name: r.customer_name,
    owner: r.owner,
    kind: r.kind,
    due_on: r.due_on,
    priority: Number(r.priority),
    status: r.status,
    reason_category: r.reason_category,
    outcome: r.outcome,
    note: r.note,
    logged_by: r.logged_by,
    logged_at: r.logged_at,
    follow_up_of: r.follow_up_of === null ? null : Number(r.follow_up_of),
    created_at: r.created_at,
    script: parseJson<TalkScripts | null>(r.script, null),
    context: parseJson<TaskContext | null>(r.context, null),
    customer: {
      prefecture: r.prefecture,
      address: r.address,
      phone: r.phone,
      lat: r.lat === null ? null : Number(r.lat),
      lng: r.lng === null ? null : Number(r.lng),
      status: r.customer_status ?? null,
      rank: r.rank ?? null,
      expected_value:
        r.expected_value === null || r.expected_value === undefined ? null : Number(r.expected_value),
      recommended_channels: Array.isArray(channels) ? (channels as string[]) : null,
    },
  };
}

/** Tasks in the scope, most important first (priority high to low), then by due day. */
export async function listTasks(
  storage: Storage,
  scope: CustomerScope,
  filters: TaskFilters = {},
): Promise<TaskView[]> {
  let query = scoped(baseTaskQuery(tdb(storage)), scope);
  if (filters.status) query = query.where('t.status', '=', filters.status);
  if (filters.kind) query = query.where('t.kind', '=', filters.kind);
  if (filters.owner !== undefined) query = query.where('t.owner', '=', filters.owner);
  if (filters.customerId !== undefined) query = query.where('t.customer_id', '=', filters.customerId);
  if (filters.dueBy !== undefined) query = query.where('t.due_on', '<=', filters.dueBy);
  const rows = await query
    .orderBy('t.priority', 'desc')
    .orderBy('t.due_on', 'asc')
    .orderBy('t.id', 'asc')
    .limit(filters.limit ?? 500)
    .execute();
  return rows.map(toView);
}

/** One task in the scope; undefined for a missing task and for another rep's alike. */
export async function getTask(
  storage: Storage,
  scope: CustomerScope,
  id: number,
): Promise<TaskView | undefined> {
  const row = await scoped(baseTaskQuery(tdb(storage)), scope)
    .where('t.id', '=', id)
    .executeTakeFirst();
  return row ? toView(row) : undefined;
}

export interface OutcomeInput {
  id: number;
  outcome: TaskOutcome;
  note: string | null;
  followUpOn: string | null;
  actor: string;
  today: string;
  now: string;
  holidays?: FollowUpOptions['holidays'];
}

export interface OutcomeResult {
  task: TaskView;
  followUp: TaskView | null;
  /** The follow-up decision (null: none called for). */
  decision: FollowUp | null;
}

/** Thrown when the follow-up day is wrong; the route names the body field. */
export class FollowUpDayError extends AppError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('invalid_input', message);
  }
}

/**
 * Closes an open task with its outcome and, in the same transaction, writes the audit row and
 * creates the follow-up task the outcome calls for (unless an open task of that kind for the
 * customer already exists). "Do not contact" also sets the customer's do-not-contact flag and
 * cancels their other open tasks.
 */
export async function logOutcome(
  storage: Storage,
  scope: CustomerScope,
  input: OutcomeInput,
): Promise<OutcomeResult> {
  const db = tdb(storage);
  const ids = await db.transaction().execute(async (trx) => {
    const task = await scoped(baseTaskQuery(trx), scope).where('t.id', '=', input.id).executeTakeFirst();
    if (!task) throw new AppError('not_found', `No task ${input.id} that you can see.`);
    if (task.status !== 'open') {
      throw new AppError(
        'conflict',
        `Task ${input.id} is already ${task.status}; its outcome was logged before.`,
      );
    }
    const decision = decideFollowUp({
      outcome: input.outcome,
      taskKind: task.kind,
      today: input.today,
      chosenDay: input.followUpOn,
      options: { holidays: input.holidays },
    });
    if (!decision.ok) throw new FollowUpDayError(decision.field, `${decision.field}: ${decision.message}`);
    const updated = await trx
      .updateTable('tasks')
      .set({
        status: 'done',
        outcome: input.outcome,
        note: input.note,
        logged_by: input.actor,
        logged_at: input.now,
      })
      .where('id', '=', input.id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      throw new AppError('conflict', `Task ${input.id} was closed by someone else just now.`);
    }
    let followUpId: number | null = null;
    const followUp = decision.followUp;
    if (followUp) {
      const existing = await trx
        .selectFrom('tasks')
        .select('id')
        .where('customer_id', '=', task.customer_id)
        .where('kind', '=', followUp.kind)
        .where('status', '=', 'open')
        .executeTakeFirst();
      if (existing) {
        followUpId = Number(existing.id);
      } else {
        const inserted = await trx
          .insertInto('tasks')
          .values({
            customer_id: task.customer_id,
            owner: task.owner,
            kind: followUp.kind,
            due_on: followUp.dueOn,
            priority: Number(task.priority),
            status: 'open',
            reason_category: task.reason_category,
            script: task.script,
            context: task.context,
            outcome: null,
            note: null,
            logged_by: null,
            logged_at: null,
            follow_up_of: Number(task.id),
            created_at: input.now,
            created_by: input.actor,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        followUpId = Number(inserted.id);
      }
    }
    if (input.outcome === 'do_not_contact') {
      await trx
        .updateTable('customers')
        .set({ do_not_contact: 1 })
        .where('customer_id', '=', task.customer_id)
        .execute();
      await trx
        .updateTable('tasks')
        .set({ status: 'cancelled', note: 'do_not_contact', logged_by: input.actor, logged_at: input.now })
        .where('customer_id', '=', task.customer_id)
        .where('status', '=', 'open')
        .execute();
    }
    await trx
      .insertInto('audit_log')
      .values({
        at: input.now,
        actor: input.actor,
        action: 'task.outcome',
        entity: 'task',
        entity_id: String(input.id),
        details: JSON.stringify({
          customer_id: task.customer_id,
          outcome: input.outcome,
          note: input.note,
          follow_up_id: followUpId,
          follow_up_on: followUp?.dueOn ?? null,
          follow_up_kind: followUp?.kind ?? null,
        }),
      })
      .execute();
    return { followUpId, decision: followUp };
  });
  const task = await getTask(storage, null, input.id);
  if (!task) throw new AppError('not_found', `No task ${input.id}.`);
  const followUp = ids.followUpId === null ? null : ((await getTask(storage, null, ids.followUpId)) ?? null);
  return { task, followUp, decision: ids.decision };
}
