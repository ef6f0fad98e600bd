import { describe, expect, it } from 'vitest';
import { branchStep } from './journeyGraph.js';
import { shippedJourney } from './journeyLibrary.js';
import {
  DEFAULT_SIMULATION_ASSUMPTIONS,
  DEFAULT_SIMULATION_COSTS_YEN,
  type JourneySimulation,
  type SimulationCustomer,
  simulateJourney,
} from './journeySimulation.js';
import type { JourneyDefinition, JourneyStep } from './journeyTypes.js';

function customers(n: number, overrides: Partial<SimulationCustomer> = {}): SimulationCustomer[] {
  return Array.from({ length: n }, (_, i) => ({
    customerId: `C${i}`,
    status: 'early_dormant',
    rank: 'B',
    reason: null,
    ...overrides,
  }));
}

function journey(steps: JourneyStep[], extra: Partial<JourneyDefinition> = {}): JourneyDefinition {
  return { id: 'test', name: 'Test', trigger: { type: 'manual' }, steps, ...extra };
}

const basic = shippedJourney('winback-basic') as JourneyDefinition;
const stepOf = (sim: JourneySimulation, id: string) => sim.steps.find((s) => s.id === id);
const leaving = (sim: JourneySimulation) =>
  Object.values(sim.expected_exits).reduce((sum, n) => sum + n, 0) + sim.still_active;

describe('simulateJourney on winback-basic', () => {
  const sim = simulateJourney(basic, customers(1000));

  it('brings every entrant to the first step and the first message', () => {
    expect(sim.entrants).toBe(1000);
    expect(stepOf(sim, 'detected-wait')?.reach).toBe(1000);
    expect(stepOf(sim, 'day1-email')?.reach).toBe(1000);
  });

  it('puts each message on its seed day (15 days after detection = day 1)', () => {
    expect(stepOf(sim, 'detected-wait')?.day).toBe(0);
    expect(stepOf(sim, 'day1-email')?.day).toBe(15);
    expect(stepOf(sim, 'day3-email')?.day).toBe(17);
    expect(stepOf(sim, 'day7-email')?.day).toBe(21);
    expect(stepOf(sim, 'day10-email')?.day).toBe(24);
    expect(stepOf(sim, 'day14-email')?.day).toBe(28);
    expect(stepOf(sim, 'day21-email')?.day).toBe(35);
  });

  it('splits the day-1 reaction by the open rate, after those who left', () => {
    const afterFirst = 1000 * (1 - 0.01 - 0.005 - 0.002);
    expect(stepOf(sim, 'day3-email')?.reach).toBeCloseTo(afterFirst * 0.25, 6);
    expect(stepOf(sim, 'day7-email')?.reach).toBeCloseTo(afterFirst * 0.75, 6);
  });

  it('counts messages as the reach of the send steps and costs as counts times unit costs', () => {
    const sends = sim.steps.filter((s) => s.type === 'send').reduce((sum, s) => sum + s.reach, 0);
    expect(sim.messages.email).toBeCloseTo(sends, 6);
    expect(sim.messages.sms).toBe(0);
    const calls = (stepOf(sim, 'call-appointment')?.reach ?? 0) + sim.expected_exits.replied;
    expect(sim.tasks.call).toBeCloseTo(calls, 6);
    expect(sim.cost_yen).toBeCloseTo(sim.messages.email * 1000 + sim.tasks.call * 10_000, 4);
  });

  it('accounts for every entrant: exits plus completions', () => {
    expect(leaving(sim)).toBeCloseTo(1000, 6);
    expect(sim.still_active).toBe(0);
    expect(sim.expected_exits.purchased).toBeCloseTo(sim.messages.email * 0.01, 6);
    expect(sim.expected_exits.holdout).toBe(0);
  });

  it('uses the costs given', () => {
    const cheap = simulateJourney(basic, customers(100), {}, { email: 10, call: 2000 });
    expect(cheap.cost_yen).toBeCloseTo(cheap.messages.email * 10 + cheap.tasks.call * 2000, 6);
    expect(cheap.costs_yen).toEqual({ ...DEFAULT_SIMULATION_COSTS_YEN, email: 10, call: 2000 });
  });

  it('sends no one to a call when nobody reacts, yet gives that step its earliest day', () => {
    const cold = simulateJourney(basic, customers(100), { open_rate: 0, click_rate: 0 });
    expect(stepOf(cold, 'call-appointment')).toMatchObject({ reach: 0, day: 19 });
    expect(stepOf(cold, 'day3-email')).toMatchObject({ reach: 0, day: 17 });
    expect(cold.messages.email).toBeCloseTo(100 * (1 + 0.983 + 0.983 ** 2 + 0.983 ** 3), 6);
    expect(cold.expected_exits.completed).toBeCloseTo(100 * 0.983 ** 4, 6);
  });

  it('sends everyone to a call after day 3 when everyone reacts', () => {
    const warm = simulateJourney(basic, customers(100), { open_rate: 1 });
    expect(stepOf(warm, 'day7-email')?.reach).toBe(0);
    expect(stepOf(warm, 'call-appointment')?.reach).toBeCloseTo(100 * 0.983 ** 2, 6);
  });
});

describe('simulateJourney', () => {
  it('does not count a reaction twice when two branches look at the same message', () => {
    const def = journey([
      { id: 'mail', type: 'send', channel: 'email', template: 'winback-value-email' },
      { id: 'wait', type: 'wait', days: 3 },
      branchStep('opened', { reaction: 'opened', step: 'mail' }, 'clicked', 'end'),
      branchStep('clicked', { reaction: 'clicked', step: 'mail' }, 'call', 'end'),
      { id: 'call', type: 'task', kind: 'call' },
    ]);
    const sim = simulateJourney(def, customers(1000), {
      purchase_rate_per_message: 0,
      reply_rate_per_message: 0,
      unsubscribe_rate_per_message: 0,
    });
    expect(stepOf(sim, 'clicked')?.reach).toBeCloseTo(250, 6);
    expect(stepOf(sim, 'call')?.reach).toBeCloseTo(50, 6);
  });

  it('sees an SMS "opened" only as a click', () => {
    const def = journey([
      { id: 'sms', type: 'send', channel: 'sms', template: 'winback-reminder-sms' },
      { id: 'wait', type: 'wait', days: 1 },
      branchStep('opened', { reaction: 'opened' }, 'call', 'end'),
      { id: 'call', type: 'task', kind: 'call' },
    ]);
    const sim = simulateJourney(def, customers(1000), {
      purchase_rate_per_message: 0,
      reply_rate_per_message: 0,
      unsubscribe_rate_per_message: 0,
    });
    expect(sim.messages.sms).toBe(1000);
    expect(sim.tasks.call).toBeCloseTo(50, 6);
    expect(sim.cost_yen).toBeCloseTo(1000 * 300 + 50 * 10_000, 4);
  });

  it('branches on reason, rank and status exactly per customer', () => {
    const def = journey([
      branchStep('by-reason', { reason: ['price'] }, 'price-mail', 'by-rank'),
      branchStep('by-rank', { rank: ['A'] }, 'visit', 'letter'),
      { id: 'price-mail', type: 'send', channel: 'email', template: 'price-savings-email', next: 'end' },
      { id: 'visit', type: 'task', kind: 'visit', next: 'end' },
      { id: 'letter', type: 'send', channel: 'dm', template: 'winback-letter-dm', next: 'end' },
    ]);
    const people = [
      ...customers(3, { reason: 'price' }),
      ...customers(2, { reason: 'product', rank: 'A' }),
      ...customers(4, { reason: null, rank: 'C' }),
    ];
    const sim = simulateJourney(def, people);
    expect(sim.steps.map((s) => [s.id, s.reach])).toEqual([
      ['by-reason', 9],
      ['by-rank', 6],
      ['price-mail', 3],
      ['visit', 2],
      ['letter', 4],
    ]);
    expect(sim.messages).toEqual({ email: 3, sms: 0, dm: 4 });
    expect(sim.tasks.visit).toBe(2);
    expect(sim.cost_yen).toBeCloseTo(3 * 1000 + 4 * 5000 + 2 * 50_000 + sim.tasks.call * 10_000, 6);
  });

  it('divides a split by weight and removes a holdout by percent', () => {
    const def = journey([
      { id: 'control', type: 'holdout', percent: 10 },
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
    const sim = simulateJourney(def, customers(1000));
    expect(sim.expected_exits.holdout).toBeCloseTo(100, 6);
    expect(stepOf(sim, 'ab')?.reach).toBeCloseTo(900, 6);
    expect(stepOf(sim, 'mail-a')?.reach).toBeCloseTo(225, 6);
    expect(stepOf(sim, 'mail-b')?.reach).toBeCloseTo(675, 6);
    expect(leaving(sim)).toBeCloseTo(1000, 6);
  });

  it('has no exits for events the journey does not exit on', () => {
    const def = journey([{ id: 'mail', type: 'send', channel: 'email', template: 'winback-value-email' }], {
      exit_on: [],
    });
    const sim = simulateJourney(def, customers(10));
    expect(sim.expected_exits).toMatchObject({ purchased: 0, replied: 0, unsubscribed: 0, completed: 10 });
    expect(sim.tasks.call).toBe(0);
  });

  it('counts a reply as a call task for sales', () => {
    const def = journey([{ id: 'mail', type: 'send', channel: 'email', template: 'winback-value-email' }], {
      exit_on: ['reply'],
    });
    const sim = simulateJourney(def, customers(1000), { reply_rate_per_message: 0.1 });
    expect(sim.expected_exits.replied).toBeCloseTo(100, 6);
    expect(sim.tasks.call).toBeCloseTo(100, 6);
    expect(sim.expected_exits.completed).toBeCloseTo(900, 6);
  });

  it('follows a wait loop, counts each customer once per step and stops at last', () => {
    const def = journey([
      { id: 'mail', type: 'send', channel: 'email', template: 'winback-value-email' },
      { id: 'wait', type: 'wait', days: 7 },
      branchStep('opened', { reaction: 'opened' }, 'call', 'wait'),
      { id: 'call', type: 'task', kind: 'call' },
    ]);
    const sim = simulateJourney(def, customers(100), {
      purchase_rate_per_message: 0,
      reply_rate_per_message: 0,
      unsubscribe_rate_per_message: 0,
    });
    expect(stepOf(sim, 'wait')?.reach).toBe(100);
    expect(stepOf(sim, 'opened')?.reach).toBe(100);
    expect(stepOf(sim, 'opened')?.day).toBe(7);
    expect(stepOf(sim, 'call')?.reach).toBeCloseTo(25, 6);
    expect(sim.messages.email).toBe(100);
    expect(sim.still_active).toBeCloseTo(75, 6);
    expect(leaving(sim)).toBeCloseTo(100, 6);
  });

  it('stops following a split inside a loop and still accounts for everyone', () => {
    const def = journey([
      { id: 'wait', type: 'wait', days: 1 },
      {
        id: 'coin',
        type: 'split',
        variants: [
          { name: 'a', weight: 1, next: 'wait' },
          { name: 'b', weight: 1, next: 'wait' },
        ],
      },
    ]);
    const sim = simulateJourney(def, customers(10));
    expect(leaving(sim)).toBeCloseTo(10, 6);
    expect(sim.still_active).toBeCloseTo(10, 6);
  });

  it('returns zeros for no customers', () => {
    const sim = simulateJourney(basic, []);
    expect(sim.entrants).toBe(0);
    expect(sim.cost_yen).toBe(0);
    expect(stepOf(sim, 'day1-email')).toMatchObject({
      reach: 0,
      day: 15,
      label_ja: 'メール送信: winback-value-email',
    });
  });

  it('keeps rates between 0 and 1 and reports the assumptions used', () => {
    const sim = simulateJourney(basic, customers(1), { open_rate: 2, click_rate: -1 });
    expect(sim.assumptions).toEqual({ ...DEFAULT_SIMULATION_ASSUMPTIONS, open_rate: 1, click_rate: 0 });
  });
});
