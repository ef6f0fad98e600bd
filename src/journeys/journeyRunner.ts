/**
 * One journey run: enrol → advance → dispatch (ACT.md "Runner"). The core decides
 * (journeyEngine: facts → new enrolment + actions); this adapter reads the facts in bulk, carries
 * the actions out under their idempotency keys and stores the result.
 *
 * Advancing goes batch by batch along the due index; each batch is written in ONE transaction
 * (messages, tasks, enrolment states, step log). A crash leaves whole batches: the enrolments of
 * a lost batch are still due and are advanced again, and every message and task is keyed by
 * journey:customer:step (unique in the database), so a rerun never queues or opens a step twice.
 * Messages are rendered once their outbox id is known: the signed tracking and unsubscribe links
 * carry it.
 */
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ChannelSender } from '../channels/channelTypes.js';
import { trackingUrls } from '../channels/trackingLinks.js';
import type { ContactRules } from '../core/act/contactPolicy.js';
import { couponCode } from '../core/act/couponCode.js';
import { addBusinessDays } from '../core/act/followUp.js';
import { advanceEnrolment } from '../core/act/journeyEngine.js';
import type { Enrolment, JourneyAction, MessageChannel } from '../core/act/journeyTypes.js';
import { renderMessage, usesCoupon } from '../core/act/messageTemplates.js';
import type { Locale, MessageTemplate, SenderIdentity } from '../core/act/messageTypes.js';
import { monthsBetween, writeTalkScript } from '../core/act/talkScript.js';
import {
  dueEnrolments,
  type EnrolmentCursor,
  enabledJourneys,
  insertStepLog,
  type StepLogEntry,
  type StoredEnrolment,
  type StoredJourney,
  updateEnrolments,
  waitingEnrolmentsWithExitEvidence,
} from '../storage/journeyQueries.js';
import { type ActDatabase, actDb, chunked } from '../storage/journeyTables.js';
import {
  fillMessageBodies,
  getTrackingSecret,
  insertMessagesReturningIds,
  type MessageBody,
  type NewMessage,
} from '../storage/messageQueries.js';
import type { Storage } from '../storage/storage.js';
import type { TaskContext } from '../storage/taskQueries.js';
import { resolveTemplates, templateKey } from '../storage/templateQueries.js';
import { type DispatchResult, dispatchMessages } from './dispatcher.js';
import { enrolIds, triggerCandidates } from './journeyEnrolment.js';
import {
  type CustomerRecord,
  enrolmentFacts,
  loadActivity,
  loadCustomers,
  loadWritingDetails,
  type WritingDetails,
} from './journeyFacts.js';
import { ensureShippedJourneys } from './shippedJourneys.js';

export const DEFAULT_BASE_URL = 'http://localhost:8080';
export const DEFAULT_BATCH_SIZE = 500;
/** Sender identity when none is configured (the renderer warns that it is missing). */
export const UNSET_SENDER: SenderIdentity = { name: '', address: '', contactEmail: '' };
const JST_OFFSET_MS = 9 * 3_600_000;

export interface RunProgress {
  phase: 'enrol' | 'advance' | 'dispatch';
  /** Customers enrolled, customer-steps run, or messages handled so far in this phase. */
  done: number;
  journeyId?: string;
}

export interface RunOptions {
  now: Date;
  batchSize?: number;
  /** The transports configured (channelSetup); a channel without one keeps its messages 'held'. */
  senders?: Partial<Record<MessageChannel, ChannelSender>>;
  /** Where the tracking routes are served (links in messages point there). */
  baseUrl?: string;
  sender?: SenderIdentity;
  locale?: Locale;
  rules?: ContactRules;
  /** false: enrol and advance only, leave the queue for a later dispatch. */
  dispatch?: boolean;
  /** Only these journeys (default: every enabled one). */
  journeyIds?: readonly string[];
  onProgress?: (progress: RunProgress) => void;
  env?: NodeJS.ProcessEnv;
}

export interface RunResult extends DispatchResult {
  enrolled: number;
  /** Enrolments advanced (each due one once per batch). */
  advanced: number;
  /** Customer-steps run (steps passed). */
  steps: number;
  queued: number;
  tasks: number;
}

/** The day in Japan (the company's calendar) at an instant. */
export function japanDay(at: Date): string {
  return new Date(at.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * Enrols, advances and dispatches every enabled journey at `now`.
 *
 * @example await runJourneys(storage, { now: new Date(), senders: channelsFromEnv(process.env).senders })
 */
export async function runJourneys(storage: Storage, options: RunOptions): Promise<RunResult> {
  const { now } = options;
  await ensureShippedJourneys(storage, now);
  let journeys = await enabledJourneys(storage);
  if (options.journeyIds) journeys = journeys.filter((j) => options.journeyIds?.includes(j.id));

  let enrolled = 0;
  for (const journey of journeys) {
    const candidates = await triggerCandidates(storage, journey, now);
    enrolled += await enrolIds(storage, journey, candidates, now);
    options.onProgress?.({ phase: 'enrol', done: enrolled, journeyId: journey.id });
  }
  const advanced = await advanceJourneys(storage, journeys, options);
  const dispatched =
    options.dispatch === false
      ? { sent: 0, held: 0, deferred: 0, suppressed: 0, failed: 0, unknown: 0 }
      : await dispatchMessages(storage, {
          now,
          senders: options.senders ?? {},
          baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
          batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
          ...(options.rules ? { rules: options.rules } : {}),
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
          ...(options.env ? { env: options.env } : {}),
        });
  return { enrolled, ...advanced, ...dispatched };
}

/** What a batch writes; each row with the enrolment whose action it is. */
interface Written {
  messages: (NewMessage & { enrolmentId: number })[];
  /** Rendering input of each message, by idempotency key. */
  renders: Map<string, { template: MessageTemplate; customer: CustomerRecord; details: WritingDetails }>;
  tasks: (ActDatabase['tasks'] & { enrolmentId: number })[];
  log: (StepLogEntry & { enrolmentId: number })[];
}

/**
 * Advances the due enrolments of these journeys at `now`, batch by batch, each batch in one
 * transaction. Returns the counts.
 */
export async function advanceJourneys(
  storage: Storage,
  journeys: readonly StoredJourney[],
  options: RunOptions,
): Promise<{ advanced: number; steps: number; queued: number; tasks: number }> {
  const { now } = options;
  const nowIso = now.toISOString();
  const byId = new Map(journeys.map((j) => [j.id, j]));
  const totals = { advanced: 0, steps: 0, queued: 0, tasks: 0 };
  if (journeys.length === 0) return totals;
  const templates = await resolveTemplates(storage);
  const secret = await getTrackingSecret(storage, options.env);
  const mac = (data: string) => createHmac('sha256', secret).update(data).digest('hex');
  const baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;
  const locale = options.locale ?? 'ja';
  const sender = options.sender ?? UNSET_SENDER;
  const today = japanDay(now);
  const dueOn = addBusinessDays(today, 0);

  // First the waiting customers who may have left (a purchase, an unsubscribe, a reply: the
  // engine looks at exits before anything is due), then everyone due, batch by batch.
  let exitsAfterId: number | null = 0;
  let after: EnrolmentCursor | null = null;
  const limit = options.batchSize ?? DEFAULT_BATCH_SIZE;
  for (;;) {
    let batch: StoredEnrolment[];
    if (exitsAfterId !== null) {
      batch = await waitingEnrolmentsWithExitEvidence(storage, {
        now: nowIso,
        journeyIds: [...byId.keys()],
        afterId: exitsAfterId,
        limit,
      });
      if (batch.length === 0) {
        exitsAfterId = null;
        continue;
      }
      exitsAfterId = (batch[batch.length - 1] as StoredEnrolment).id;
    } else {
      batch = await dueEnrolments(storage, { now: nowIso, journeyIds: [...byId.keys()], after, limit });
      if (batch.length === 0) break;
      const last = batch[batch.length - 1] as StoredEnrolment;
      after = { dueAt: last.dueAt, id: last.id };
    }

    const ids = batch.map((e) => e.customerId);
    const [customers, activity] = await Promise.all([
      loadCustomers(storage, ids),
      loadActivity(storage, ids, now),
    ]);
    const updated: (StoredEnrolment & { readDueAt: string })[] = [];
    const log: Written['log'] = [];
    const acting: { enrolment: StoredEnrolment; action: JourneyAction }[] = [];
    for (const enrolment of batch) {
      const journey = byId.get(enrolment.journeyId) as StoredJourney;
      const facts = enrolmentFacts(
        enrolment.journeyId,
        enrolment.customerId,
        enrolment.enteredAt,
        customers.get(enrolment.customerId),
        activity.get(enrolment.customerId),
      );
      const result = advanceEnrolment(journey.definition, enrolment, facts, now);
      // A waiting customer looked at for a possible exit who did not leave: nothing to write.
      if (result.actions.length === 0 && unchanged(enrolment, result.enrolment)) continue;
      updated.push({ ...enrolment, ...result.enrolment, readDueAt: enrolment.dueAt });
      for (const action of result.actions) {
        if (action.type === 'passed') {
          log.push({
            enrolmentId: enrolment.id,
            journeyId: enrolment.journeyId,
            customerId: enrolment.customerId,
            stepId: action.stepId,
            outcome: action.outcome,
            at: nowIso,
          });
        } else {
          acting.push({ enrolment, action });
        }
      }
    }

    const actingCustomers = [...new Set(acting.map((a) => a.enrolment.customerId))]
      .map((id) => customers.get(id))
      .filter((c): c is CustomerRecord => c !== undefined);
    const details =
      actingCustomers.length > 0 ? await loadWritingDetails(storage, actingCustomers, now) : new Map();
    let steps = 0;
    let advanced = 0;
    const written: Written = { messages: [], renders: new Map(), tasks: [], log };
    for (const { enrolment, action } of acting) {
      const customer = customers.get(enrolment.customerId);
      const detail = details.get(enrolment.customerId) as WritingDetails | undefined;
      if (!customer || !detail) continue;
      if (action.type === 'send') {
        const template =
          templates.get(templateKey(action.template, locale)) ??
          templates.get(templateKey(action.template, 'ja'));
        const usable = template !== undefined && template.channel === action.channel;
        written.messages.push({
          enrolmentId: enrolment.id,
          idempotency_key: action.idempotencyKey,
          customer_id: enrolment.customerId,
          journey_id: enrolment.journeyId,
          step_id: action.stepId,
          template_id: action.template,
          channel: action.channel,
          locale: template?.locale ?? locale,
          to_address: addressFor(action.channel, customer, detail),
          subject: null,
          body_text: '',
          body_html: null,
          status: usable ? 'queued' : 'failed',
          status_reason: usable
            ? null
            : template
              ? `template ${action.template} is a ${template.channel} template, not ${action.channel}`
              : `template ${action.template} does not exist`,
          variant: action.variant,
          coupon_code: null,
          coupon_expires: null,
          created_at: nowIso,
          due_at: nowIso,
        });
        if (usable) written.renders.set(action.idempotencyKey, { template, customer, details: detail });
      } else if (action.type === 'task') {
        written.tasks.push({
          ...taskRow(enrolment, action, customer, detail, { today, dueOn, nowIso }),
          enrolmentId: enrolment.id,
        });
      }
    }

    await actDb(storage)
      .transaction()
      .execute(async (trx) => {
        // The enrolments first: another process that advanced them meanwhile wins, and this
        // batch carries out only the actions of the enrolments it moved.
        const moved = await updateEnrolments(trx, updated, nowIso);
        const ours = <T extends { enrolmentId: number }>(rows: T[]) =>
          rows.filter((r) => moved.has(r.enrolmentId)).map(({ enrolmentId: _, ...row }) => row);
        steps = ours(written.log).length;
        advanced = moved.size;
        const messageIds = await insertMessagesReturningIds(trx, ours(written.messages));
        const bodies: MessageBody[] = [];
        for (const [key, id] of messageIds) {
          const input = written.renders.get(key);
          if (!input) continue;
          const urls = trackingUrls(baseUrl, secret, id);
          const rendered = renderMessage(
            input.template,
            {
              customerId: input.customer.customerId,
              customerName: input.customer.name,
              kind: input.customer.kind,
              contactName: input.details.contactName,
              lastProduct: input.details.lastProduct,
              lastPurchaseDay: input.customer.lastPurchaseDay ?? input.details.lastOrderDay,
              reason: input.customer.reason,
              repName: input.details.repName,
            },
            {
              locale: input.template.locale,
              today,
              sender,
              couponCode: usesCoupon(input.template) ? couponCode(mac, key) : null,
              ctaUrl: urls.cta,
              unsubscribeUrl: urls.unsubscribe,
            },
          );
          bodies.push({
            id,
            subject: rendered.subject,
            body_text: rendered.text,
            body_html: rendered.html,
            coupon_code: rendered.couponCode,
            coupon_expires: rendered.couponExpires,
          });
        }
        await fillMessageBodies(trx, bodies);
        totals.queued += messageIds.size;
        totals.tasks += await insertTasks(trx, ours(written.tasks) as ActDatabase['tasks'][]);
        await insertStepLog(trx, ours(written.log));
      });
    totals.advanced += advanced;
    totals.steps += steps;
    options.onProgress?.({ phase: 'advance', done: totals.steps });
  }
  return totals;
}

function unchanged(before: Enrolment, after: Enrolment): boolean {
  return (
    before.stepId === after.stepId &&
    before.state === after.state &&
    before.dueAt === after.dueAt &&
    before.variant === after.variant &&
    before.exitReason === after.exitReason
  );
}

/** Where a message goes: the active contact's address first, else the customer's own. */
function addressFor(
  channel: MessageChannel,
  customer: CustomerRecord,
  detail: WritingDetails,
): string | null {
  if (channel === 'email') return detail.contactEmail ?? customer.email ?? null;
  if (channel === 'sms') return customer.phone ?? detail.contactPhone ?? null;
  const place = `${customer.prefecture ?? ''}${customer.address ?? ''}`.trim();
  if (place === '') return null;
  return customer.postalCode ? `〒${customer.postalCode} ${place}` : place;
}

function taskRow(
  enrolment: StoredEnrolment,
  action: Extract<JourneyAction, { type: 'task' }>,
  customer: CustomerRecord,
  detail: WritingDetails,
  at: { today: string; dueOn: string; nowIso: string },
): ActDatabase['tasks'] {
  const lastDay = customer.lastPurchaseDay ?? detail.lastOrderDay;
  const context: TaskContext & { journey: Record<string, string | null> } = {
    last_purchase_day: lastDay,
    last_product: detail.lastProduct,
    months_since: lastDay ? monthsBetween(lastDay, at.today) : null,
    evidence: [],
    improvement: null,
    contact_name: detail.contactName,
    former_contact_name: detail.formerContactName,
    journey: { id: enrolment.journeyId, step_id: action.stepId, cause: action.cause, note: action.note },
  };
  const script = writeTalkScript({
    kind: action.kind,
    reason: customer.reason,
    customerName: customer.name,
    contactName: detail.contactName,
    formerContactName: detail.formerContactName,
    repName: detail.repName,
    lastPurchaseDay: lastDay,
    lastProduct: detail.lastProduct,
    monthsSince: context.months_since,
    evidence: null,
    improvement: null,
  });
  return {
    customer_id: customer.customerId,
    owner: customer.owner,
    kind: action.kind,
    due_on: at.dueOn,
    // A reply is a customer waiting for an answer: before the day's other calls.
    priority: Math.round(customer.score ?? 0) + (action.cause === 'reply' ? 1000 : 0),
    status: 'open',
    reason_category: customer.reason,
    script: JSON.stringify(script),
    context: JSON.stringify(context),
    outcome: null,
    note: null,
    logged_by: null,
    logged_at: null,
    follow_up_of: null,
    created_at: at.nowIso,
    created_by: `journey:${enrolment.journeyId}`,
    source_key: action.idempotencyKey,
  } as unknown as ActDatabase['tasks'];
}

/** Opens journey tasks; a task whose key exists is skipped. Returns how many were opened. */
async function insertTasks(db: Kysely<ActDatabase>, tasks: readonly ActDatabase['tasks'][]): Promise<number> {
  let inserted = 0;
  for (const part of chunked(tasks, 200)) {
    const result = await db
      .insertInto('tasks')
      .values(part as never)
      .onConflict((oc) => oc.column('source_key').doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}
