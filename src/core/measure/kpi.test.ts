import { describe, expect, it } from 'vitest';
import type { Channel } from '../prioritise/defaults.js';
import { type CustomerKpiFacts, type KpiOrder, type KpiTouch, kpiReport } from './kpi.js';

const COSTS: Record<Channel, number> = { visit: 20_000, phone: 10_000, dm: 5_000, email: 1_000, sms: 300 };
let nextId = 0;

function anEmail(at: string, over: Partial<Extract<KpiTouch, { kind: 'message' }>> = {}): KpiTouch {
  return {
    kind: 'message',
    id: String(nextId++),
    group: 'email',
    channel: 'email',
    at,
    status: 'sent',
    isBounced: false,
    isOpened: false,
    isClicked: false,
    ...over,
  };
}

function aTask(at: string, outcome: string, channel: 'phone' | 'visit' = 'phone', group = channel): KpiTouch {
  return { kind: 'task', id: String(nextId++), group, channel, at, outcome };
}

function anOrder(orderedAt: string, amountYen: number, grossMarginYen: number | null = null): KpiOrder {
  return { orderedAt, amountYen, grossMarginYen, isRefund: amountYen < 0 };
}

function aCustomer(
  customerId: string,
  touches: KpiTouch[],
  orders: KpiOrder[] = [],
  replies: string[] = [],
): CustomerKpiFacts {
  return { customerId, touches, orders, replies };
}

/** Five customers, counted by hand in the comments. */
const FACTS: CustomerKpiFacts[] = [
  // A: opened and clicked, bought twice (one order without a margin: 30 % of 100,000).
  aCustomer(
    'A',
    [anEmail('2026-01-10T09:00:00Z', { isOpened: true, isClicked: true })],
    [anOrder('2026-02-01', 100_000), anOrder('2026-03-01', 50_000, 20_000)],
  ),
  // B: the first email bounced, the second was held (no transport).
  aCustomer('B', [
    anEmail('2026-01-10T09:00:00Z', { isBounced: true }),
    anEmail('2026-01-20T09:00:00Z', { status: 'held' }),
  ]),
  // C: only a held email — would have been approached.
  aCustomer('C', [anEmail('2026-01-10T09:00:00Z', { status: 'held' })]),
  // D: replied; bought 111 days after the email, outside the 90-day window.
  aCustomer(
    'D',
    [anEmail('2026-01-10T09:00:00Z')],
    [anOrder('2026-05-01', 80_000)],
    ['2026-01-12T08:00:00Z'],
  ),
  // E: a call that got an appointment; bought the same day, refunded part of it.
  aCustomer(
    'E',
    [aTask('2026-01-15T10:00:00Z', 'appointment')],
    [anOrder('2026-01-15', 200_000, 80_000), anOrder('2026-01-20', -20_000)],
  ),
];

describe('kpiReport', () => {
  const report = kpiReport(FACTS, { asOf: '2026-06-30', costYen: COSTS });
  const email = report.rows.find((r) => r.group === 'email');
  const phone = report.rows.find((r) => r.group === 'phone');

  it('climbs the ladder for email: targeted, approached, held, reached, opened, responded, reactivated', () => {
    expect(email).toMatchObject({
      targeted: 4,
      approached: 3,
      held: 1,
      messages_sent: 3,
      messages_held: 2,
      tasks_done: 0,
      contact_rate: 3 / 4,
      reached: 2,
      reach_rate: 2 / 3,
      emailed: 3,
      opened: 1,
      open_rate: 1 / 3,
      responded: 2,
      response_rate: 2 / 3,
      appointments: 0,
      appointment_rate: 0,
      reactivated: 1,
      reactivation_rate: 1 / 3,
    });
  });

  it('takes the order margin when present and 30 % of revenue otherwise; ROI = (profit − cost) ÷ cost', () => {
    expect(email).toMatchObject({
      orders: 2,
      revenue_yen: 150_000,
      average_order_value_yen: 75_000,
      gross_profit_yen: 50_000,
      estimated_gross_profit_yen: 30_000,
      cost_yen: 3_000,
      cost_per_reactivation_yen: 3_000,
      retention_observable: 1,
      retained_90d: 1,
      retention_90d_rate: 1,
    });
    expect(email?.roi).toBeCloseTo(47_000 / 3_000, 10);
  });

  it('counts a task outcome as reach, response and appointment, and subtracts a refund in the window', () => {
    expect(phone).toMatchObject({
      targeted: 1,
      approached: 1,
      tasks_done: 1,
      reached: 1,
      responded: 1,
      appointments: 1,
      appointment_rate: 1,
      reactivated: 1,
      orders: 1,
      revenue_yen: 180_000,
      average_order_value_yen: 180_000,
      gross_profit_yen: 74_000,
      cost_yen: 10_000,
      retention_observable: 1,
      retained_90d: 0,
      retention_90d_rate: 0,
    });
    expect(phone?.roi).toBeCloseTo(6.4, 10);
  });

  it('counts each customer once in the total', () => {
    expect(report.total).toMatchObject({
      group: 'total',
      targeted: 5,
      approached: 4,
      held: 1,
      reached: 3,
      responded: 3,
      reactivated: 2,
      revenue_yen: 330_000,
      gross_profit_yen: 124_000,
      cost_yen: 13_000,
    });
    expect(report.total.roi).toBeCloseTo(111_000 / 13_000, 10);
  });

  it("reproduces the seed's drop-in example: ¥1,000,000 at 30 % for ¥50,000 is an ROI of 500 %", () => {
    const r = kpiReport(
      [
        aCustomer(
          'V',
          [aTask('2026-01-05T10:00:00Z', 'won_back', 'visit')],
          [anOrder('2026-02-01', 1_000_000)],
        ),
      ],
      { asOf: '2026-03-01', costYen: { ...COSTS, visit: 50_000 } },
    );
    expect(r.total.roi).toBeCloseTo(5, 10);
    expect(r.total.retention_observable).toBe(0);
    expect(r.total.retention_90d_rate).toBeNull();
  });

  it('gives no ROI and no rates when nothing went out', () => {
    const r = kpiReport([aCustomer('C', [anEmail('2026-01-10T09:00:00Z', { status: 'held' })])], {
      asOf: '2026-03-01',
      costYen: COSTS,
    });
    expect(r.total).toMatchObject({ targeted: 1, approached: 0, held: 1, cost_yen: 0, roi: null });
    expect(r.total.reactivation_rate).toBeNull();
    expect(r.total.cost_per_reactivation_yen).toBeNull();
  });

  it('attributes per group from the first touch in that group, and the total once from the first of all', () => {
    const r = kpiReport(
      [
        aCustomer(
          'F',
          // Emailed in January (order 120 days later: not the email's), called in April.
          [anEmail('2026-01-01T09:00:00Z'), aTask('2026-04-01T10:00:00Z', 'connected')],
          [anOrder('2026-05-01', 60_000)],
        ),
      ],
      { asOf: '2026-12-31', costYen: COSTS, attributionDays: 90 },
    );
    expect(r.rows.find((x) => x.group === 'email')?.reactivated).toBe(0);
    expect(r.rows.find((x) => x.group === 'phone')?.reactivated).toBe(1);
    expect(r.total.reactivated).toBe(0);
    expect(r.total.cost_yen).toBe(11_000);
  });

  it('counts a message that sits in two groups (two segments) once in the total', () => {
    const touch = anEmail('2026-01-01T09:00:00Z');
    const r = kpiReport(
      [
        aCustomer(
          'G',
          [
            { ...touch, group: 'seg-1' },
            { ...touch, group: 'seg-2' },
          ],
          [anOrder('2026-01-20', 10_000)],
        ),
      ],
      { asOf: '2026-12-31', costYen: COSTS },
    );
    expect(r.rows.map((x) => [x.group, x.cost_yen, x.reactivated])).toEqual([
      ['seg-1', 1_000, 1],
      ['seg-2', 1_000, 1],
    ]);
    expect(r.total).toMatchObject({ messages_sent: 1, cost_yen: 1_000, reactivated: 1 });
  });

  it('counts a touch without a group (a customer in no segment) in the total only', () => {
    const r = kpiReport(
      [
        aCustomer('H', [{ ...anEmail('2026-01-01T09:00:00Z'), group: null }]),
        aCustomer('I', [{ ...anEmail('2026-01-01T09:00:00Z'), group: 'seg-1' }]),
      ],
      { asOf: '2026-12-31', costYen: COSTS },
    );
    expect(r.rows.map((x) => [x.group, x.targeted])).toEqual([['seg-1', 1]]);
    expect(r.total.targeted).toBe(2);
  });
});
