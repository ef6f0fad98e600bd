/**
 * Moves one customer through a journey: `(definition, enrolment, facts, now) → (enrolment, actions)`.
 * The runner performs the actions (queue a message, open a task) under their idempotency keys and
 * stores the enrolment; nothing here reads a clock or a random source, so the same call always
 * gives the same answer and a rerun after a crash queues nothing twice.
 *
 * Semantics (ACT.md):
 * - Exit events come first, whether or not a step is due, and only those in `exit_on` (default
 *   all): a purchase → exited 'purchased'; an unsubscribe → 'unsubscribed'; a reply → a call task
 *   for the owner (cause 'reply') and 'replied'. When several happened, the first in that order wins.
 * - Then, once `dueAt` is reached, steps run one after another: send and task steps emit their
 *   action and move on; a branch, split or holdout decides at once.
 * - A wait: arriving at it sets `dueAt = now + days` and stops (the wait counts from the moment
 *   the customer arrives). The next advance at or after `dueAt` passes it. Invariant: while
 *   `stepId` is a wait step, `dueAt` is the end of that wait — so when the first step is a wait,
 *   `startEnrolment` already sets `dueAt` to its end.
 * - Split and holdout draw a reproducible number in [0, 1) from (journey, customer, step): the
 *   same customer always gets the same variant, and a rerun draws the same.
 * - A customer whose step no longer exists (the journey was edited and the step deleted) exits as
 *   'removed': guessing a new place could send a message twice or skip the one that mattered.
 * - At most `MAX_STEPS_PER_ADVANCE` steps per call; a customer stopped by the limit stays due
 *   (dueAt = now) and continues on the next call. parseJourneySource rejects loops without a
 *   wait, so the limit only guards against a definition that skipped the check.
 * - A send step runs at most once per enrolment in effect: its idempotency key is
 *   `${journeyId}:${customerId}:${stepId}`, so a loop back to it queues nothing new.
 */
import { journeyGraph, reactionStepId } from './journeyGraph.js';
import type {
  AdvanceResult,
  BranchCondition,
  Enrolment,
  EnrolmentFacts,
  ExitEvent,
  ExitReason,
  JourneyAction,
  JourneyDefinition,
  JourneyStep,
} from './journeyTypes.js';
import { END, EXIT_EVENTS } from './journeyTypes.js';

export const MAX_STEPS_PER_ADVANCE = 100;
const MS_PER_DAY = 86_400_000;

/** The order exit events are checked in, with the exit each one causes. */
const EXITS: readonly {
  event: ExitEvent;
  reason: ExitReason;
  happened: (facts: EnrolmentFacts) => boolean;
}[] = [
  { event: 'purchase', reason: 'purchased', happened: (facts) => facts.purchasedSince },
  { event: 'unsubscribe', reason: 'unsubscribed', happened: (facts) => facts.unsubscribedSince },
  { event: 'reply', reason: 'replied', happened: (facts) => facts.repliedSince },
];

/** The idempotency key of a step's action for one customer. */
export function actionKey(journeyId: string, customerId: string, stepId: string): string {
  return `${journeyId}:${customerId}:${stepId}`;
}

/** The key of the call task a reply creates (one per enrolment). */
export function replyTaskKey(journeyId: string, customerId: string): string {
  return `${journeyId}:${customerId}:reply`;
}

/**
 * A reproducible number in [0, 1) for (journey, customer, step): 32-bit FNV-1a over the UTF-8
 * bytes of `journeyId|customerId|stepId`, then murmur3's fmix32 finaliser so that ids differing
 * in one character (C00001, C00002, …) still spread evenly.
 *
 * @example assignmentDraw('winback-basic', 'C001', 'ab') // the same number on every call
 */
export function assignmentDraw(journeyId: string, customerId: string, stepId: string): number {
  const bytes = new TextEncoder().encode(`${journeyId}|${customerId}|${stepId}`);
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}

/** The variant a draw in [0, 1) falls into, by cumulative weight. */
export function pickVariant<V extends { weight: number }>(variants: readonly V[], draw: number): V {
  const total = variants.reduce((sum, variant) => sum + variant.weight, 0);
  let cumulative = 0;
  for (const variant of variants) {
    cumulative += variant.weight / total;
    if (draw < cumulative) return variant;
  }
  return variants[variants.length - 1] as V;
}

/**
 * Whether a branch condition holds for a customer. A reaction is to the message of `messageStepId`:
 * opened = opened or clicked (a click implies an open); responded = opened or clicked.
 */
export function conditionHolds(
  condition: BranchCondition,
  facts: EnrolmentFacts,
  messageStepId: string | null,
): boolean {
  if ('reaction' in condition) {
    if (messageStepId === null) return false;
    const clicked = facts.clickedSteps.includes(messageStepId);
    const opened = clicked || facts.openedSteps.includes(messageStepId);
    return condition.reaction === 'clicked' ? clicked : opened;
  }
  if ('reason' in condition) return facts.reason !== null && condition.reason.includes(facts.reason);
  if ('rank' in condition) return facts.rank !== null && condition.rank.includes(facts.rank);
  return facts.status !== null && condition.status.includes(facts.status);
}

function addDays(now: Date, days: number): string {
  return new Date(now.getTime() + days * MS_PER_DAY).toISOString();
}

/**
 * A customer entering a journey: active at the first step, due now (or at the end of the first
 * step when it is a wait).
 *
 * @example startEnrolment(def, 'C001', new Date('2026-12-01T00:00:00Z'))
 * // { journeyId: def.id, customerId: 'C001', stepId: def.steps[0].id, state: 'active', dueAt: '2026-12-01T00:00:00.000Z', … }
 */
export function startEnrolment(def: JourneyDefinition, customerId: string, now: Date): Enrolment {
  const first = def.steps[0];
  if (first === undefined)
    throw new Error(`journey '${def.id}' has no steps; parseJourneySource rejects such a file`);
  return {
    journeyId: def.id,
    customerId,
    stepId: first.id,
    state: 'active',
    dueAt: first.type === 'wait' ? addDays(now, first.days) : now.toISOString(),
    enteredAt: now.toISOString(),
    variant: null,
    exitReason: null,
  };
}

function exited(enrolment: Enrolment, reason: ExitReason): Enrolment {
  return { ...enrolment, state: 'exited', stepId: null, exitReason: reason };
}

/**
 * Advances one enrolment as far as it can go now. Returns the new enrolment and the actions to
 * carry out, in order ('passed' actions are for the monitor's per-step counts).
 *
 * @example
 * const e = startEnrolment(def, 'C001', now);
 * advanceEnrolment(def, e, facts, now)
 * // { enrolment: { stepId: 'day1-wait', dueAt: <now + 2 days>, … }, actions: [{ type: 'send', stepId: 'day1-email', … }, …] }
 */
export function advanceEnrolment(
  def: JourneyDefinition,
  enrolment: Enrolment,
  facts: EnrolmentFacts,
  now: Date,
): AdvanceResult {
  if (enrolment.journeyId !== def.id) {
    throw new Error(`enrolment of journey '${enrolment.journeyId}' advanced with journey '${def.id}'`);
  }
  if (enrolment.state !== 'active') return { enrolment, actions: [] };

  const actions: JourneyAction[] = [];
  const { journeyId, customerId } = enrolment;
  const exitOn = def.exit_on ?? EXIT_EVENTS;
  for (const exit of EXITS) {
    if (!exitOn.includes(exit.event) || !exit.happened(facts)) continue;
    if (exit.event === 'reply') {
      actions.push({
        type: 'task',
        stepId: enrolment.stepId ?? END,
        kind: 'call',
        note: null,
        cause: 'reply',
        idempotencyKey: replyTaskKey(journeyId, customerId),
      });
    }
    return { enrolment: exited(enrolment, exit.reason), actions };
  }

  if (now.getTime() < Date.parse(enrolment.dueAt)) return { enrolment, actions };

  const graph = journeyGraph(def);
  let current: Enrolment = enrolment;
  for (let ran = 0; ran < MAX_STEPS_PER_ADVANCE; ran += 1) {
    const index = current.stepId === null ? undefined : graph.indexById.get(current.stepId);
    const step: JourneyStep | undefined = index === undefined ? undefined : def.steps[index];
    if (index === undefined || step === undefined) return { enrolment: exited(current, 'removed'), actions };

    const key = actionKey(journeyId, customerId, step.id);
    let target: string;
    let outcome: string | null = null;
    switch (step.type) {
      case 'send':
        actions.push({
          type: 'send',
          stepId: step.id,
          channel: step.channel,
          template: step.template,
          idempotencyKey: key,
          variant: current.variant,
        });
        target = graph.successors[index]?.[0] ?? END;
        break;
      case 'task':
        actions.push({
          type: 'task',
          stepId: step.id,
          kind: step.kind,
          note: step.note ?? null,
          cause: 'step',
          idempotencyKey: key,
        });
        target = graph.successors[index]?.[0] ?? END;
        break;
      case 'wait':
        // Reaching here means the wait's dueAt has passed (arriving at a wait stops below).
        target = graph.successors[index]?.[0] ?? END;
        break;
      case 'branch': {
        const holds = conditionHolds(step.if, facts, reactionStepId(graph, index));
        outcome = holds ? 'then' : 'else';
        target = holds ? step.then : step.else;
        break;
      }
      case 'split': {
        const variant = pickVariant(step.variants, assignmentDraw(journeyId, customerId, step.id));
        outcome = variant.name;
        current = { ...current, variant: variant.name };
        target = variant.next;
        break;
      }
      case 'holdout': {
        const heldOut = assignmentDraw(journeyId, customerId, step.id) < step.percent / 100;
        actions.push({ type: 'passed', stepId: step.id, outcome: heldOut ? 'holdout' : 'treatment' });
        if (heldOut) return { enrolment: exited(current, 'holdout'), actions };
        target = graph.successors[index]?.[0] ?? END;
        break;
      }
    }
    if (step.type !== 'holdout') actions.push({ type: 'passed', stepId: step.id, outcome });

    if (target === END) {
      return {
        enrolment: { ...current, state: 'completed', stepId: null, dueAt: now.toISOString() },
        actions,
      };
    }
    const nextIndex = graph.indexById.get(target);
    const nextStep = nextIndex === undefined ? undefined : def.steps[nextIndex];
    if (nextStep?.type === 'wait') {
      return { enrolment: { ...current, stepId: target, dueAt: addDays(now, nextStep.days) }, actions };
    }
    current = { ...current, stepId: target, dueAt: now.toISOString() };
  }
  return { enrolment: current, actions };
}
