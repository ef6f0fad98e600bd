/**
 * A preview of a journey on a set of customers before it is enabled: how many would reach each
 * step and on which day, how many messages and tasks it would create, what that costs, and how
 * many would leave along the way. Expected values, not a random draw: each customer's weight
 * flows through the graph and splits at every branch.
 *
 * - Reaction branches split by the assumed rates. A message's reaction is one of clicked,
 *   opened only, or none (a click implies an open); a second branch on the same message is
 *   conditioned on what the first one learned, so "opened? then clicked?" is not counted twice.
 *   Only email opens are tracked (a pixel); for SMS and letters "opened" can only be seen as a
 *   click, so it happens at the click rate.
 * - Reason, rank and status branches are exact for each customer (their facts do not change
 *   during the preview).
 * - Splits divide by weight; a holdout removes its percent.
 * - After each message sent, the assumed share purchases, replies (a call task for sales) or
 *   unsubscribes and leaves — for the exit events the journey exits on.
 * - `reach` counts customers, not visits: a step on a loop counts each customer once, on their
 *   first visit, and `day` is that first visit's expected day from entry (0 = the day of
 *   entry). A step no one would reach gets the earliest day the graph allows.
 * - Customers still going round a loop after `MAX_PATH_STEPS` steps (or when the work budget
 *   runs out) are counted in `still_active`.
 *
 * The simulation takes the customers as given; the caller picks those the trigger and audience
 * would take.
 */
import type { LifecycleStatus } from '../detect/lifecycleStatus.js';
import type { ReasonCategory } from '../diagnose/reasonCategories.js';
import { type Rank, SEED_CHANNEL_COSTS } from '../prioritise/defaults.js';
import { journeyStepLabel } from './journeyDefinition.js';
import { conditionHolds } from './journeyEngine.js';
import { implicitNext, journeyGraph, reactionStepId } from './journeyGraph.js';
import {
  END,
  EXIT_EVENTS,
  EXIT_REASONS,
  type EnrolmentFacts,
  type ExitReason,
  type JourneyDefinition,
  type JourneyStepType,
  type MessageChannel,
} from './journeyTypes.js';

export interface SimulationAssumptions {
  /** Share of messages opened (clicks included). */
  open_rate: number;
  /** Share of messages clicked, of all sent. */
  click_rate: number;
  purchase_rate_per_message: number;
  reply_rate_per_message: number;
  unsubscribe_rate_per_message: number;
}

/**
 * Ours, not the seed's (it gives no per-message rates): a quarter of win-back emails opened, one
 * in twenty clicked, 1 % of messages followed by a purchase, 0.5 % by a reply, 0.2 % by an
 * unsubscribe. Change them per simulation.
 */
export const DEFAULT_SIMULATION_ASSUMPTIONS: SimulationAssumptions = {
  open_rate: 0.25,
  click_rate: 0.05,
  purchase_rate_per_message: 0.01,
  reply_rate_per_message: 0.005,
  unsubscribe_rate_per_message: 0.002,
};

export type SimulationCostItem = MessageChannel | 'call' | 'visit';

/**
 * Seed 000 「チャネル別分析例」 cost per customer (SEED_CHANNEL_COSTS: email ¥1,000, DM ¥5,000,
 * phone ¥10,000, visit ¥50,000; SMS ours), used here per message or task — an upper bound for
 * a series of emails, whose cost per extra message is far lower. Pass real costs when known.
 */
export const DEFAULT_SIMULATION_COSTS_YEN: Record<SimulationCostItem, number> = {
  email: SEED_CHANNEL_COSTS.email.costYen,
  sms: SEED_CHANNEL_COSTS.sms.costYen,
  dm: SEED_CHANNEL_COSTS.dm.costYen,
  call: SEED_CHANNEL_COSTS.phone.costYen,
  visit: SEED_CHANNEL_COSTS.visit.costYen,
};

export interface SimulationCustomer {
  customerId: string;
  status: LifecycleStatus | null;
  rank: Rank | null;
  reason: ReasonCategory | null;
}

export interface SimulatedStep {
  id: string;
  type: JourneyStepType;
  label_ja: string;
  label_en: string;
  /** Expected number of customers who reach the step. */
  reach: number;
  /** Expected day of reaching it, counted from entry (0 = the day of entry), one decimal. */
  day: number;
}

export interface JourneySimulation {
  entrants: number;
  steps: SimulatedStep[];
  messages: Record<MessageChannel, number>;
  /** Call tasks include those a reply creates. */
  tasks: { call: number; visit: number };
  cost_yen: number;
  expected_exits: Record<ExitReason | 'completed', number>;
  /** Customers still in a loop when the preview stopped following them (0 for journeys without loops). */
  still_active: number;
  assumptions: SimulationAssumptions;
  costs_yen: Record<SimulationCostItem, number>;
}

/** Steps one customer's way may take before the preview stops following it (loops). */
export const MAX_PATH_STEPS = 1000;
/** Step visits per group of alike customers before the preview stops (a split inside a loop doubles the ways each time). */
const WORK_BUDGET = 200_000;
/** A way carrying less than this share of a group is not followed further (counted as still active). */
const NEGLIGIBLE_SHARE = 1e-9;

/** A message's reaction: bit 1 clicked, bit 2 opened only, bit 4 none. */
const CLICKED = 1;
const OPENED_ONLY = 2;
const NONE = 4;
const ALL_REACTIONS = CLICKED | OPENED_ONLY | NONE;

interface Way {
  index: number;
  day: number;
  share: number;
  steps: number;
  /** For each message sent on this way: the reactions still possible. */
  known: ReadonlyMap<string, number>;
  visited: ReadonlySet<number>;
}

function clampRate(rate: number): number {
  return Number.isFinite(rate) ? Math.min(1, Math.max(0, rate)) : 0;
}

function reactionProbabilities(channel: MessageChannel, a: SimulationAssumptions): Record<number, number> {
  const click = a.click_rate;
  const open = channel === 'email' ? Math.max(a.open_rate, click) : click;
  return { [CLICKED]: click, [OPENED_ONLY]: open - click, [NONE]: 1 - open };
}

function probabilityOf(set: number, p: Record<number, number>): number {
  let total = 0;
  for (const bit of [CLICKED, OPENED_ONLY, NONE]) if (set & bit) total += p[bit] ?? 0;
  return total;
}

/** The earliest day each step can be reached, from the wait steps on the way (for steps no one reaches). */
function earliestDays(def: JourneyDefinition): number[] {
  const graph = journeyGraph(def);
  const days = def.steps.map(() => Number.POSITIVE_INFINITY);
  days[0] = 0;
  for (let round = 0; round < def.steps.length; round += 1) {
    let changed = false;
    def.steps.forEach((step, index) => {
      const from = days[index] as number;
      if (!Number.isFinite(from)) return;
      const arrive = from + (step.type === 'wait' ? step.days : 0);
      for (const target of graph.successors[index] ?? []) {
        const to = graph.indexById.get(target);
        if (to !== undefined && arrive < (days[to] as number)) {
          days[to] = arrive;
          changed = true;
        }
      }
    });
    if (!changed) break;
  }
  return days.map((day) => (Number.isFinite(day) ? day : 0));
}

/**
 * Previews a journey on customers with the given (or default) assumptions and costs.
 *
 * @example
 * simulateJourney(shippedJourney('winback-basic'), customers).steps[1]
 * // { id: 'day1-email', reach: 1000, day: 15, … } for 1,000 customers
 */
export function simulateJourney(
  def: JourneyDefinition,
  customers: readonly SimulationCustomer[],
  assumptions: Partial<SimulationAssumptions> = {},
  costsYen: Partial<Record<SimulationCostItem, number>> = {},
): JourneySimulation {
  const rates: SimulationAssumptions = { ...DEFAULT_SIMULATION_ASSUMPTIONS };
  for (const key of Object.keys(rates) as (keyof SimulationAssumptions)[]) {
    const given = assumptions[key];
    rates[key] = clampRate(given ?? rates[key]);
  }
  const costs: Record<SimulationCostItem, number> = { ...DEFAULT_SIMULATION_COSTS_YEN };
  for (const key of Object.keys(costs) as SimulationCostItem[]) {
    const given = costsYen[key];
    if (given !== undefined && Number.isFinite(given) && given >= 0) costs[key] = given;
  }

  const graph = journeyGraph(def);
  const steps = def.steps;
  const reach = steps.map(() => 0);
  const dayWeight = steps.map(() => 0);
  const messages: Record<MessageChannel, number> = { email: 0, sms: 0, dm: 0 };
  const tasks = { call: 0, visit: 0 };
  const exits = Object.fromEntries([...EXIT_REASONS, 'completed'].map((k) => [k, 0])) as Record<
    ExitReason | 'completed',
    number
  >;
  let stillActive = 0;

  const exitOn = def.exit_on ?? EXIT_EVENTS;
  const purchaseRate = exitOn.includes('purchase') ? rates.purchase_rate_per_message : 0;
  const replyRate = exitOn.includes('reply') ? rates.reply_rate_per_message : 0;
  const unsubscribeRate = exitOn.includes('unsubscribe') ? rates.unsubscribe_rate_per_message : 0;
  const leaveRate = Math.min(1, purchaseRate + replyRate + unsubscribeRate);

  // Customers alike in the facts the journey's branches look at behave alike: group them.
  const looksAt = { reason: false, rank: false, status: false };
  for (const step of steps) {
    if (step.type !== 'branch') continue;
    if ('reason' in step.if) looksAt.reason = true;
    if ('rank' in step.if) looksAt.rank = true;
    if ('status' in step.if) looksAt.status = true;
  }
  const groups = new Map<string, { facts: EnrolmentFacts; count: number }>();
  for (const customer of customers) {
    const facts: EnrolmentFacts = {
      status: looksAt.status ? customer.status : null,
      rank: looksAt.rank ? customer.rank : null,
      reason: looksAt.reason ? customer.reason : null,
      openedSteps: [],
      clickedSteps: [],
      purchasedSince: false,
      unsubscribedSince: false,
      repliedSince: false,
    };
    const key = `${facts.status}|${facts.rank}|${facts.reason}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { facts, count: 1 });
    else group.count += 1;
  }

  const reactionOf = steps.map((_, index) => reactionStepId(graph, index));
  for (const { facts, count } of groups.values()) {
    const ways: Way[] = [{ index: 0, day: 0, share: count, steps: 0, known: new Map(), visited: new Set() }];
    let budget = WORK_BUDGET;
    while (ways.length > 0) {
      const way = ways.pop() as Way;
      const step = steps[way.index];
      if (step === undefined) continue;
      if (budget <= 0 || way.steps >= MAX_PATH_STEPS || way.share < count * NEGLIGIBLE_SHARE) {
        stillActive += way.share;
        continue;
      }
      budget -= 1;
      const { index, share } = way;
      let visited = way.visited;
      if (!visited.has(index)) {
        reach[index] = (reach[index] as number) + share;
        dayWeight[index] = (dayWeight[index] as number) + share * way.day;
        visited = new Set(visited).add(index);
      }
      const go = (target: string, part: number, change: Partial<Pick<Way, 'day' | 'known'>> = {}) => {
        if (part <= 0) return;
        if (target === END) {
          exits.completed += part;
          return;
        }
        const to = graph.indexById.get(target);
        if (to === undefined) return; // parseJourneySource guarantees every target exists
        ways.push({
          index: to,
          day: way.day,
          share: part,
          steps: way.steps + 1,
          known: way.known,
          visited,
          ...change,
        });
      };

      switch (step.type) {
        case 'send': {
          if (way.known.has(step.id)) {
            // A loop back to a message already sent: its idempotency key queues nothing new.
            go(implicitNext(steps, index), share);
            break;
          }
          messages[step.channel] += share;
          exits.purchased += share * purchaseRate;
          exits.replied += share * replyRate;
          tasks.call += share * replyRate;
          exits.unsubscribed += share * unsubscribeRate;
          go(implicitNext(steps, index), share * (1 - leaveRate), {
            known: new Map(way.known).set(step.id, ALL_REACTIONS),
          });
          break;
        }
        case 'task':
          tasks[step.kind] += share;
          go(implicitNext(steps, index), share);
          break;
        case 'wait':
          go(implicitNext(steps, index), share, { day: way.day + step.days });
          break;
        case 'branch': {
          const condition = step.if;
          if (!('reaction' in condition)) {
            go(conditionHolds(condition, facts, null) ? step.then : step.else, share);
            break;
          }
          const messageId = reactionOf[index] ?? null;
          const possible = messageId === null ? undefined : way.known.get(messageId);
          const sendIndex = messageId === null ? undefined : graph.indexById.get(messageId);
          const send = sendIndex === undefined ? undefined : steps[sendIndex];
          if (messageId === null || possible === undefined || send?.type !== 'send') {
            go(step.else, share); // no message on this way: no reaction to see
            break;
          }
          const p = reactionProbabilities(send.channel, rates);
          const holds = condition.reaction === 'clicked' ? CLICKED : CLICKED | OPENED_ONLY;
          const total = probabilityOf(possible, p);
          const yes = total > 0 ? probabilityOf(possible & holds, p) / total : 0;
          go(step.then, share * yes, { known: new Map(way.known).set(messageId, possible & holds) });
          go(step.else, share * (1 - yes), { known: new Map(way.known).set(messageId, possible & ~holds) });
          break;
        }
        case 'split': {
          const total = step.variants.reduce((sum, variant) => sum + variant.weight, 0);
          for (const variant of step.variants) go(variant.next, (share * variant.weight) / total);
          break;
        }
        case 'holdout': {
          const held = share * Math.min(1, Math.max(0, step.percent / 100));
          exits.holdout += held;
          go(implicitNext(steps, index), share - held);
          break;
        }
      }
    }
  }

  const fallbackDays = earliestDays(def);
  const simulated: SimulatedStep[] = steps.map((step, index) => {
    const reached = reach[index] as number;
    const day = reached > 0 ? (dayWeight[index] as number) / reached : (fallbackDays[index] as number);
    return {
      id: step.id,
      type: step.type,
      label_ja: journeyStepLabel(step, 'ja'),
      label_en: journeyStepLabel(step, 'en'),
      reach: reached,
      day: Math.round(day * 10) / 10,
    };
  });
  const costYen =
    messages.email * costs.email +
    messages.sms * costs.sms +
    messages.dm * costs.dm +
    tasks.call * costs.call +
    tasks.visit * costs.visit;
  return {
    entrants: customers.length,
    steps: simulated,
    messages,
    tasks,
    cost_yen: costYen,
    expected_exits: exits,
    still_active: stillActive,
    assumptions: rates,
    costs_yen: costs,
  };
}
