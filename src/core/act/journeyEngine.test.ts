import { describe, expect, it } from 'vitest';
import {
  advanceEnrolment,
  assignmentDraw,
  conditionHolds,
  MAX_STEPS_PER_ADVANCE,
  pickVariant,
  startEnrolment,
} from './journeyEngine.js';
import { branchStep } from './journeyGraph.js';
import { shippedJourney } from './journeyLibrary.js';
import type {
  Enrolment,
  EnrolmentFacts,
  JourneyAction,
  JourneyDefinition,
  JourneyStep,
} from './journeyTypes.js';

const ENTRY = new Date('2026-12-01T00:00:00.000Z');
const DAY_MS = 86_400_000;
const dayOf = (d: number) => new Date(ENTRY.getTime() + d * DAY_MS);

function facts(overrides: Partial<EnrolmentFacts> = {}): EnrolmentFacts {
  return {
    status: 'early_dormant',
    rank: 'B',
    reason: null,
    openedSteps: [],
    clickedSteps: [],
    purchasedSince: false,
    unsubscribedSince: false,
    repliedSince: false,
    ...overrides,
  };
}

function journey(steps: JourneyStep[], extra: Partial<JourneyDefinition> = {}): JourneyDefinition {
  return { id: 'test', name: 'Test', trigger: { type: 'manual' }, steps, ...extra };
}

const basic = shippedJourney('winback-basic') as JourneyDefinition;

interface Trace {
  sends: { day: number; stepId: string }[];
  tasks: { day: number; stepId: string }[];
  final: Enrolment;
  endDay: number;
}

/**
 * Runs a customer through a journey, advancing once a day from entry (day 0) until the
 * enrolment ends, opening the messages of the send steps in `opens` as soon as they are sent.
 */
function runDaily(
  def: JourneyDefinition,
  customerId: string,
  opens: ReadonlySet<string>,
  maxDays = 120,
): Trace {
  let enrolment = startEnrolment(def, customerId, ENTRY);
  const sent: string[] = [];
  const trace: Trace = { sends: [], tasks: [], final: enrolment, endDay: -1 };
  for (let day = 0; day <= maxDays; day += 1) {
    const now = dayOf(day);
    const opened = sent.filter((stepId) => opens.has(stepId));
    const result = advanceEnrolment(def, enrolment, facts({ openedSteps: opened }), now);
    for (const action of result.actions) {
      if (action.type === 'send') {
        trace.sends.push({ day, stepId: action.stepId });
        sent.push(action.stepId);
      }
      if (action.type === 'task') trace.tasks.push({ day, stepId: action.stepId });
    }
    enrolment = result.enrolment;
    if (enrolment.state !== 'active') {
      trace.endDay = day;
      break;
    }
  }
  trace.final = enrolment;
  return trace;
}

describe('winback-basic, day by day', () => {
  const scenarios: {
    description: string;
    opens: string[];
    sends: [number, string][];
    tasks: [number, string][];
    endDay: number;
  }[] = [
    {
      description: 'a customer who never reacts gets days 1, 7, 14 and 21 and completes without a call',
      opens: [],
      sends: [
        [15, 'day1-email'],
        [21, 'day7-email'],
        [28, 'day14-email'],
        [35, 'day21-email'],
      ],
      tasks: [],
      endDay: 38,
    },
    {
      description: 'a customer who reacts to everything gets days 1 and 3, then a call task',
      opens: ['day1-email', 'day3-email', 'day7-email', 'day10-email', 'day14-email', 'day21-email'],
      sends: [
        [15, 'day1-email'],
        [17, 'day3-email'],
      ],
      tasks: [[19, 'call-appointment']],
      endDay: 19,
    },
    {
      description: 'a customer who opens only day 1 goes day 3 → day 10 → day 14 → day 21',
      opens: ['day1-email'],
      sends: [
        [15, 'day1-email'],
        [17, 'day3-email'],
        [24, 'day10-email'],
        [28, 'day14-email'],
        [35, 'day21-email'],
      ],
      tasks: [],
      endDay: 38,
    },
    {
      description: 'a customer who wakes up at day 7 goes on to day 10 and then to a call',
      opens: ['day7-email', 'day10-email'],
      sends: [
        [15, 'day1-email'],
        [21, 'day7-email'],
        [24, 'day10-email'],
      ],
      tasks: [[26, 'call-appointment']],
      endDay: 26,
    },
    {
      description: 'a customer who reacts only to the last offer gets a call after it',
      opens: ['day21-email'],
      sends: [
        [15, 'day1-email'],
        [21, 'day7-email'],
        [28, 'day14-email'],
        [35, 'day21-email'],
      ],
      tasks: [[38, 'call-appointment']],
      endDay: 38,
    },
  ];

  for (const s of scenarios) {
    it(s.description, () => {
      const trace = runDaily(basic, 'C001', new Set(s.opens));
      expect(trace.sends.map((x) => [x.day, x.stepId])).toEqual(s.sends);
      expect(trace.tasks.map((x) => [x.day, x.stepId])).toEqual(s.tasks);
      expect(trace.endDay).toBe(s.endDay);
      expect(trace.final).toMatchObject({ state: 'completed', stepId: null, exitReason: null });
    });
  }

  it('sends the day-1 email on the day it is due even when the runner is late', () => {
    let enrolment = startEnrolment(basic, 'C001', ENTRY);
    expect(enrolment).toMatchObject({ stepId: 'detected-wait', dueAt: dayOf(15).toISOString() });
    const early = advanceEnrolment(basic, enrolment, facts(), dayOf(14.99));
    expect(early.actions).toEqual([]);
    expect(early.enrolment).toBe(enrolment);
    const late = advanceEnrolment(basic, enrolment, facts(), dayOf(15.25));
    enrolment = late.enrolment;
    expect(late.actions.filter((a) => a.type === 'send').map((a) => a.stepId)).toEqual(['day1-email']);
    expect(enrolment).toMatchObject({ stepId: 'day1-check', dueAt: dayOf(17.25).toISOString() });
  });
});

describe('advanceEnrolment', () => {
  const simple = journey([
    { id: 'first-email', type: 'send', channel: 'email', template: 'winback-value-email' },
    { id: 'wait', type: 'wait', days: 3 },
    { id: 'call', type: 'task', kind: 'call', note: 'follow up' },
  ]);

  it('runs steps until a wait and reports each step passed', () => {
    const start = startEnrolment(simple, 'C001', ENTRY);
    expect(start).toEqual({
      journeyId: 'test',
      customerId: 'C001',
      stepId: 'first-email',
      state: 'active',
      dueAt: ENTRY.toISOString(),
      enteredAt: ENTRY.toISOString(),
      variant: null,
      exitReason: null,
    });
    const result = advanceEnrolment(simple, start, facts(), ENTRY);
    expect(result.actions).toEqual<JourneyAction[]>([
      {
        type: 'send',
        stepId: 'first-email',
        channel: 'email',
        template: 'winback-value-email',
        idempotencyKey: 'test:C001:first-email',
        variant: null,
      },
      { type: 'passed', stepId: 'first-email', outcome: null },
    ]);
    expect(result.enrolment).toMatchObject({
      stepId: 'wait',
      dueAt: dayOf(3).toISOString(),
      state: 'active',
    });

    const after = advanceEnrolment(simple, result.enrolment, facts(), dayOf(3));
    expect(after.actions).toEqual<JourneyAction[]>([
      { type: 'passed', stepId: 'wait', outcome: null },
      {
        type: 'task',
        stepId: 'call',
        kind: 'call',
        note: 'follow up',
        cause: 'step',
        idempotencyKey: 'test:C001:call',
      },
      { type: 'passed', stepId: 'call', outcome: null },
    ]);
    expect(after.enrolment).toMatchObject({ state: 'completed', stepId: null, exitReason: null });
  });

  it('returns the same actions and keys when called again with the same state (a crash and rerun)', () => {
    const start = startEnrolment(simple, 'C001', ENTRY);
    const first = advanceEnrolment(simple, start, facts(), ENTRY);
    const again = advanceEnrolment(simple, start, facts(), ENTRY);
    expect(again).toEqual(first);
    const keys = (actions: JourneyAction[]) =>
      actions.flatMap((a) => ('idempotencyKey' in a ? [a.idempotencyKey] : []));
    expect(keys(again.actions)).toEqual(['test:C001:first-email']);
  });

  it('does nothing before the step is due, or once the enrolment has ended', () => {
    const waiting = advanceEnrolment(simple, startEnrolment(simple, 'C001', ENTRY), facts(), ENTRY).enrolment;
    expect(advanceEnrolment(simple, waiting, facts(), dayOf(2.9))).toEqual({
      enrolment: waiting,
      actions: [],
    });
    const done: Enrolment = { ...waiting, state: 'completed', stepId: null };
    expect(advanceEnrolment(simple, done, facts({ purchasedSince: true }), dayOf(9))).toEqual({
      enrolment: done,
      actions: [],
    });
  });

  it('exits a customer who purchased mid-journey, even while waiting', () => {
    const waiting = runUntilWait(basic, 'C001');
    const result = advanceEnrolment(basic, waiting, facts({ purchasedSince: true }), dayOf(16));
    expect(result.actions).toEqual([]);
    expect(result.enrolment).toMatchObject({ state: 'exited', exitReason: 'purchased', stepId: null });
  });

  it('exits an unsubscribed customer', () => {
    const result = advanceEnrolment(
      basic,
      runUntilWait(basic, 'C001'),
      facts({ unsubscribedSince: true }),
      dayOf(16),
    );
    expect(result.enrolment).toMatchObject({ state: 'exited', exitReason: 'unsubscribed' });
  });

  it('hands a reply to sales with one call task, then exits', () => {
    const waiting = runUntilWait(basic, 'C001');
    const result = advanceEnrolment(basic, waiting, facts({ repliedSince: true }), dayOf(16));
    expect(result.actions).toEqual<JourneyAction[]>([
      {
        type: 'task',
        stepId: 'day1-check',
        kind: 'call',
        note: null,
        cause: 'reply',
        idempotencyKey: 'winback-basic:C001:reply',
      },
    ]);
    expect(result.enrolment).toMatchObject({ state: 'exited', exitReason: 'replied' });
  });

  it('checks a purchase before a reply', () => {
    const result = advanceEnrolment(
      basic,
      runUntilWait(basic, 'C001'),
      facts({ purchasedSince: true, repliedSince: true }),
      dayOf(16),
    );
    expect(result.actions).toEqual([]);
    expect(result.enrolment.exitReason).toBe('purchased');
  });

  it('ignores exit events the journey does not exit on', () => {
    const onlyPurchase = journey(simple.steps, { exit_on: ['purchase'] });
    const result = advanceEnrolment(
      onlyPurchase,
      startEnrolment(onlyPurchase, 'C001', ENTRY),
      facts({ repliedSince: true, unsubscribedSince: true }),
      ENTRY,
    );
    expect(result.enrolment).toMatchObject({ state: 'active', stepId: 'wait' });
    expect(result.actions.some((a) => a.type === 'task')).toBe(false);
  });

  it("exits as 'removed' when the customer's step was deleted from the journey", () => {
    const stale: Enrolment = { ...startEnrolment(simple, 'C001', ENTRY), stepId: 'old-step' };
    expect(advanceEnrolment(simple, stale, facts(), ENTRY)).toEqual({
      enrolment: { ...stale, state: 'exited', stepId: null, exitReason: 'removed' },
      actions: [],
    });
  });

  it('refuses an enrolment of another journey', () => {
    const other = startEnrolment(basic, 'C001', ENTRY);
    expect(() => advanceEnrolment(simple, other, facts(), ENTRY)).toThrow(/winback-basic/);
  });

  it('starts a journey whose first step is a wait at the end of that wait', () => {
    const def = journey([
      { id: 'half-day', type: 'wait', days: 0.5 },
      { id: 'email', type: 'send', channel: 'sms', template: 'winback-reminder-sms' },
    ]);
    const start = startEnrolment(def, 'C001', ENTRY);
    expect(start.dueAt).toBe('2026-12-01T12:00:00.000Z');
    expect(advanceEnrolment(def, start, facts(), new Date('2026-12-01T11:59:59Z')).actions).toEqual([]);
    expect(
      advanceEnrolment(def, start, facts(), new Date('2026-12-01T12:00:00Z')).actions.map((a) => a.type),
    ).toEqual(['passed', 'send', 'passed']);
  });

  it('runs at most 100 steps per call and continues on the next', () => {
    const steps: JourneyStep[] = Array.from({ length: 150 }, (_, i) => ({
      id: `t${i}`,
      type: 'task',
      kind: 'call',
    }));
    const def = journey(steps);
    const first = advanceEnrolment(def, startEnrolment(def, 'C001', ENTRY), facts(), ENTRY);
    expect(first.actions.filter((a) => a.type === 'task')).toHaveLength(MAX_STEPS_PER_ADVANCE);
    expect(first.enrolment).toMatchObject({ state: 'active', stepId: 't100', dueAt: ENTRY.toISOString() });
    const second = advanceEnrolment(def, first.enrolment, facts(), ENTRY);
    expect(second.actions.filter((a) => a.type === 'task')).toHaveLength(50);
    expect(second.enrolment.state).toBe('completed');
  });

  it('branches on reason, rank and status, and takes else when the fact is unknown', () => {
    const def = journey([
      branchStep('by-reason', { reason: ['price'] }, 'price-mail', 'by-rank'),
      branchStep('by-rank', { rank: ['A'] }, 'visit', 'by-status'),
      branchStep('by-status', { status: ['long_dormant'] }, 'letter', 'end'),
      { id: 'price-mail', type: 'send', channel: 'email', template: 'price-savings-email', next: 'end' },
      { id: 'visit', type: 'task', kind: 'visit', next: 'end' },
      { id: 'letter', type: 'send', channel: 'dm', template: 'winback-letter-dm', next: 'end' },
    ]);
    const actionsFor = (f: EnrolmentFacts) =>
      advanceEnrolment(def, startEnrolment(def, 'C001', ENTRY), f, ENTRY).actions.flatMap((a) =>
        a.type === 'passed' ? [] : [a.stepId],
      );
    expect(actionsFor(facts({ reason: 'price' }))).toEqual(['price-mail']);
    expect(actionsFor(facts({ reason: 'product', rank: 'A' }))).toEqual(['visit']);
    expect(actionsFor(facts({ rank: 'B', status: 'long_dormant' }))).toEqual(['letter']);
    expect(actionsFor(facts({ reason: null, rank: null, status: null }))).toEqual([]);
  });

  it('reports the branch taken as the outcome', () => {
    const def = journey([
      { id: 'mail', type: 'send', channel: 'email', template: 'winback-value-email' },
      { id: 'wait', type: 'wait', days: 1 },
      branchStep('clicked', { reaction: 'clicked' }, 'call', 'end'),
      { id: 'call', type: 'task', kind: 'call' },
    ]);
    const waiting = advanceEnrolment(def, startEnrolment(def, 'C001', ENTRY), facts(), ENTRY).enrolment;
    const opened = advanceEnrolment(def, waiting, facts({ openedSteps: ['mail'] }), dayOf(1));
    expect(opened.actions).toContainEqual({ type: 'passed', stepId: 'clicked', outcome: 'else' });
    expect(opened.enrolment.state).toBe('completed');
    const clicked = advanceEnrolment(def, waiting, facts({ clickedSteps: ['mail'] }), dayOf(1));
    expect(clicked.actions).toContainEqual({ type: 'passed', stepId: 'clicked', outcome: 'then' });
    expect(clicked.actions.some((a) => a.type === 'task')).toBe(true);
  });
});

function runUntilWait(def: JourneyDefinition, customerId: string): Enrolment {
  let enrolment = startEnrolment(def, customerId, ENTRY);
  enrolment = advanceEnrolment(def, enrolment, facts(), dayOf(15)).enrolment;
  expect(enrolment).toMatchObject({ state: 'active', stepId: 'day1-check' });
  return enrolment;
}

describe('conditionHolds', () => {
  it('counts a click as an open and a response', () => {
    const clicked = facts({ clickedSteps: ['m'] });
    expect(conditionHolds({ reaction: 'opened' }, clicked, 'm')).toBe(true);
    expect(conditionHolds({ reaction: 'responded' }, clicked, 'm')).toBe(true);
    expect(conditionHolds({ reaction: 'clicked' }, facts({ openedSteps: ['m'] }), 'm')).toBe(false);
    expect(conditionHolds({ reaction: 'opened' }, facts({ openedSteps: ['other'] }), 'm')).toBe(false);
    expect(conditionHolds({ reaction: 'opened' }, clicked, null)).toBe(false);
  });
});

describe('split and holdout assignment', () => {
  const ids = Array.from({ length: 10_000 }, (_, i) => `C${String(i).padStart(5, '0')}`);

  it('draws a reproducible number in [0, 1) that depends on journey, customer and step', () => {
    const draw = assignmentDraw('j', 'C00001', 'ab');
    expect(draw).toBeGreaterThanOrEqual(0);
    expect(draw).toBeLessThan(1);
    expect(assignmentDraw('j', 'C00001', 'ab')).toBe(draw);
    expect(assignmentDraw('j', 'C00001', 'ab2')).not.toBe(draw);
    expect(assignmentDraw('k', 'C00001', 'ab')).not.toBe(draw);
    expect(assignmentDraw('j', 'C00002', 'ab')).not.toBe(draw);
  });

  it('spreads sequential ids evenly over [0, 1)', () => {
    const buckets = new Array(10).fill(0);
    for (const id of ids) buckets[Math.floor(assignmentDraw('j', id, 's') * 10)] += 1;
    for (const count of buckets) expect(count).toBeGreaterThan(900);
    for (const count of buckets) expect(count).toBeLessThan(1100);
  });

  it('picks variants by cumulative weight', () => {
    const variants = [
      { name: 'a', weight: 1 },
      { name: 'b', weight: 3 },
    ];
    expect(pickVariant(variants, 0).name).toBe('a');
    expect(pickVariant(variants, 0.2499).name).toBe('a');
    expect(pickVariant(variants, 0.25).name).toBe('b');
    expect(pickVariant(variants, 0.9999).name).toBe('b');
  });

  const ab = journey([
    {
      id: 'ab',
      type: 'split',
      variants: [
        { name: 'a', weight: 1, next: 'mail-a' },
        { name: 'b', weight: 3, next: 'mail-b' },
      ],
    },
    { id: 'mail-a', type: 'send', channel: 'email', template: 'winback-value-email', next: 'end' },
    { id: 'mail-b', type: 'send', channel: 'email', template: 'winback-offer-email', next: 'end' },
  ]);

  it('assigns each customer a stable variant, roughly by weight, and carries it on the message', () => {
    let b = 0;
    for (const id of ids) {
      const result = advanceEnrolment(ab, startEnrolment(ab, id, ENTRY), facts(), ENTRY);
      const again = advanceEnrolment(ab, startEnrolment(ab, id, dayOf(5)), facts(), dayOf(5));
      expect(again.enrolment.variant).toBe(result.enrolment.variant);
      const send = result.actions.find((a) => a.type === 'send');
      expect(send).toMatchObject({
        stepId: `mail-${result.enrolment.variant}`,
        variant: result.enrolment.variant,
      });
      expect(result.actions[0]).toEqual({ type: 'passed', stepId: 'ab', outcome: result.enrolment.variant });
      if (result.enrolment.variant === 'b') b += 1;
    }
    expect(b / ids.length).toBeGreaterThan(0.73);
    expect(b / ids.length).toBeLessThan(0.77);
  });

  it('holds out about the percent asked, and they get nothing', () => {
    const def = journey([
      { id: 'control', type: 'holdout', percent: 10 },
      { id: 'mail', type: 'send', channel: 'email', template: 'winback-value-email' },
    ]);
    let held = 0;
    for (const id of ids) {
      const result = advanceEnrolment(def, startEnrolment(def, id, ENTRY), facts(), ENTRY);
      if (result.enrolment.exitReason === 'holdout') {
        held += 1;
        expect(result.actions).toEqual([{ type: 'passed', stepId: 'control', outcome: 'holdout' }]);
        expect(result.enrolment.state).toBe('exited');
      } else {
        expect(result.actions[0]).toEqual({ type: 'passed', stepId: 'control', outcome: 'treatment' });
        expect(result.enrolment.state).toBe('completed');
      }
    }
    expect(held / ids.length).toBeGreaterThan(0.085);
    expect(held / ids.length).toBeLessThan(0.115);
  });
});
