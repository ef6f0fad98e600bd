/**
 * The shapes of a win-back journey (MA scenario) and of one customer's way through it. Pure
 * types: journeyDefinition.ts validates a file into a `JourneyDefinition`, journeyEngine.ts
 * advances an `Enrolment` and returns the `JourneyAction`s the adapters carry out (queue a
 * message, open a task), journeySimulation.ts previews a journey on a set of customers.
 *
 * A journey file (JSON or YAML) is the source of truth; the editor in the app edits it.
 * Steps run in the order written unless a step names its `next`; `next: 'end'` (or running
 * off the last step) completes the journey. Every step has an id unique in the journey: it is
 * part of each message's idempotency key (customer × journey × step), so a crash or restart
 * never sends a step twice.
 */
import type { LifecycleStatus } from '../detect/lifecycleStatus.js';
import type { ReasonCategory } from '../diagnose/reasonCategories.js';
import type { Rank } from '../prioritise/defaults.js';

/** Channels a journey sends through (calls and visits are tasks, not messages). */
export const MESSAGE_CHANNELS = ['email', 'sms', 'dm'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

/** The step id that ends the journey (completed). */
export const END = 'end';

/** Who enters the journey. Every trigger may be narrowed by `audience`. */
export type JourneyTrigger =
  /** A customer whose lifecycle status becomes one of these (seen by `mezame analyze`). */
  | { type: 'status_entered'; statuses: LifecycleStatus[] }
  /**
   * A behaviour: at least `min_count` events of `event` within `within_days` days (e.g. a dormant
   * customer on the pricing page 3 times in a week: web_visit, url_contains '/pricing').
   */
  | {
      type: 'behaviour';
      event: 'web_visit' | 'email_open' | 'email_click' | 'inquiry';
      url_contains?: string;
      min_count: number;
      within_days: number;
    }
  /** Everyone in the audience, once per period (e.g. every quarter). */
  | { type: 'schedule'; every: 'month' | 'quarter' }
  /** Added by a person (the app, the API or `mezame journey enrol`). */
  | { type: 'manual' }
  /** A product change marked resolved brings back the customers whose reason it answered. */
  | { type: 'change_resolved' };

/** Narrows who may enter; every listed condition must hold (omitted = any). */
export interface JourneyAudience {
  statuses?: LifecycleStatus[];
  ranks?: Rank[];
  reasons?: ReasonCategory[];
  /** A saved segment's id. */
  segment_id?: number;
}

/** What a branch looks at. */
export type BranchCondition =
  /** The customer's reaction to a send step's message (default: the latest send before the branch). */
  | { reaction: 'opened' | 'clicked' | 'responded'; step?: string }
  | { reason: ReasonCategory[] }
  | { rank: Rank[] }
  | { status: LifecycleStatus[] };

export type JourneyStep =
  | { id: string; type: 'send'; channel: MessageChannel; template: string; next?: string }
  | { id: string; type: 'task'; kind: 'call' | 'visit'; next?: string; note?: string }
  | { id: string; type: 'wait'; days: number; next?: string }
  | { id: string; type: 'branch'; if: BranchCondition; then: string; else: string }
  /** A/B test: each customer is assigned one variant, by weight, reproducibly. */
  | { id: string; type: 'split'; variants: { name: string; weight: number; next: string }[] }
  /** A random holdout: `percent` % of entrants get nothing and exit as 'holdout' (for measuring lift). */
  | { id: string; type: 'holdout'; percent: number; next?: string };

export type JourneyStepType = JourneyStep['type'];

/** Why an enrolment left before its end. */
export const EXIT_REASONS = ['purchased', 'unsubscribed', 'replied', 'holdout', 'ineligible', 'removed'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

/** Events that end an enrolment early (SPEC: purchase → reactivated, unsubscribe → excluded, reply → sales). */
export const EXIT_EVENTS = ['purchase', 'unsubscribe', 'reply'] as const;
export type ExitEvent = (typeof EXIT_EVENTS)[number];

export interface JourneyDefinition {
  /** Lowercase slug: a-z, 0-9 and '-', unique in the database. */
  id: string;
  name: string;
  description?: string;
  trigger: JourneyTrigger;
  audience?: JourneyAudience;
  /** Default all three. */
  exit_on?: ExitEvent[];
  steps: JourneyStep[];
}

export type EnrolmentState = 'active' | 'completed' | 'exited';

/** One customer's place in one journey. */
export interface Enrolment {
  journeyId: string;
  customerId: string;
  /** The step that runs next (null once completed or exited). */
  stepId: string | null;
  state: EnrolmentState;
  /** ISO instant from which the current step may run. */
  dueAt: string;
  /** ISO instant the customer entered. */
  enteredAt: string;
  /** The split variant the customer was assigned, if any. */
  variant: string | null;
  exitReason: ExitReason | null;
}

/** What the engine needs to know about the customer when it advances them (read by the adapter). */
export interface EnrolmentFacts {
  status: LifecycleStatus | null;
  rank: Rank | null;
  reason: ReasonCategory | null;
  /** Step ids whose message the customer opened / clicked (clicks imply opens). */
  openedSteps: string[];
  clickedSteps: string[];
  /** Since enrolling: a purchase, an unsubscribe, a reply (inquiry or answered contact). */
  purchasedSince: boolean;
  unsubscribedSince: boolean;
  repliedSince: boolean;
}

export type JourneyAction =
  | {
      type: 'send';
      stepId: string;
      channel: MessageChannel;
      template: string;
      /** `${journeyId}:${customerId}:${stepId}` — unique per message ever queued. */
      idempotencyKey: string;
      variant: string | null;
    }
  | {
      type: 'task';
      stepId: string;
      kind: 'call' | 'visit';
      note: string | null;
      /** Why the task exists: a task step, or a reply handed to sales. */
      cause: 'step' | 'reply';
      idempotencyKey: string;
    }
  /** The customer passed a step (for the monitor: enrolments per step, and measurement later). */
  | { type: 'passed'; stepId: string; outcome: string | null };

export interface AdvanceResult {
  enrolment: Enrolment;
  actions: JourneyAction[];
}
