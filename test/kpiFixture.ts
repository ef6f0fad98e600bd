/**
 * A small measured campaign for the KPI and lift tests (storage, CLI, server, browser): one
 * journey with a holdout and an A/B split, messages with their tracking events, a call task,
 * orders. The expected figures are worked out by hand in KPI_EXPECTED.
 *
 * Channel costs are the defaults: email ¥1,000, SMS ¥300, phone ¥10,000.
 * - K1 (田中): email sent 01-10, opened and clicked; bought ¥100,000 on 02-01 (no margin: 30 %).
 * - K2 (田中): email sent 01-10 bounced; SMS sent 01-11; no order.
 * - K3 (鈴木): email held (no transport).
 * - K4 (鈴木): call on 01-15 → appointment; bought ¥200,000 on 01-20 (margin ¥80,000).
 * - K5 (鈴木): email sent 2025-12-01 (before the period).
 * - H1–H4 (held out): H1 bought on 02-10; H2 on 06-01 (outside 90 days); H3 a refund only.
 */
import type { Storage } from '../src/storage/index.js';
import { actDb } from '../src/storage/journeyTables.js';

export const KPI_JOURNEY = 'winback-test';
export const KPI_PERIOD = { from: '2026-01-01', to: '2026-01-31' } as const;
export const KPI_AS_OF = '2026-06-30';

export const KPI_EXPECTED = {
  email: {
    targeted: 3,
    approached: 2,
    held: 1,
    reached: 1,
    opened: 1,
    reactivated: 1,
    cost_yen: 2_000,
    roi: 14,
  },
  sms: { targeted: 1, approached: 1, reactivated: 0, cost_yen: 300, roi: -1 },
  phone: { approached: 1, appointments: 1, reactivated: 1, revenue_yen: 200_000, cost_yen: 10_000, roi: 7 },
  total: {
    targeted: 4,
    approached: 3,
    held: 1,
    reactivated: 2,
    revenue_yen: 300_000,
    gross_profit_yen: 110_000,
    cost_yen: 12_300,
  },
} as const;

const DEFINITION = {
  id: KPI_JOURNEY,
  name: 'KPI test',
  trigger: { type: 'manual' },
  steps: [
    { id: 'hold', type: 'holdout', percent: 50 },
    {
      id: 'ab',
      type: 'split',
      variants: [
        { id: 'a', weight: 1, next: 'mail' },
        { id: 'b', weight: 1, next: 'mail' },
      ],
    },
    { id: 'mail', type: 'send', channel: 'email', template: 'x' },
  ],
};

export async function seedKpiCampaign(storage: Storage): Promise<void> {
  const db = actDb(storage);
  const owners: Record<string, string | null> = {
    K1: '田中',
    K2: '田中',
    K3: '鈴木',
    K4: '鈴木',
    K5: '鈴木',
    H1: '田中',
    H2: '田中',
    H3: '鈴木',
    H4: '鈴木',
  };
  await db
    .insertInto('customers')
    .values(
      Object.entries(owners).map(([id, owner]) => ({
        customer_id: id,
        name: `顧客${id}`,
        name_key: id,
        kind: 'company' as const,
        owner,
      })),
    )
    .execute();
  await db
    .insertInto('journeys')
    .values({
      id: KPI_JOURNEY,
      name: 'KPI test',
      source: JSON.stringify(DEFINITION),
      format: 'json',
      definition: JSON.stringify(DEFINITION),
      version: 1,
      enabled: 1,
      enabled_at: '2026-01-01T00:00:00.000Z',
      shipped: 0,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
      updated_by: 'test',
    })
    .execute();
  const message = (
    key: string,
    customer: string,
    channel: 'email' | 'sms',
    status: 'sent' | 'held',
    at: string,
  ) => ({
    idempotency_key: key,
    customer_id: customer,
    journey_id: KPI_JOURNEY,
    step_id: 'mail',
    template_id: 'x',
    channel,
    locale: 'ja',
    to_address: null,
    subject: null,
    body_text: 'x',
    body_html: null,
    status,
    status_reason: null,
    variant: null,
    coupon_code: null,
    coupon_expires: null,
    created_at: at,
    due_at: at,
    sent_at: status === 'sent' ? at : null,
    attempts: status === 'sent' ? 1 : 0,
    provider_id: null,
    last_error: null,
  });
  await db
    .insertInto('messages')
    .values([
      message('k1e', 'K1', 'email', 'sent', '2026-01-10T09:00:00.000Z'),
      message('k2e', 'K2', 'email', 'sent', '2026-01-10T09:00:00.000Z'),
      message('k2s', 'K2', 'sms', 'sent', '2026-01-11T09:00:00.000Z'),
      message('k3e', 'K3', 'email', 'held', '2026-01-10T09:00:00.000Z'),
      message('k5e', 'K5', 'email', 'sent', '2025-12-01T09:00:00.000Z'),
    ])
    .execute();
  const event = (id: string, customer: string, type: string, at: string, campaign: string | null) => ({
    event_id: `kpi-${id}`,
    customer_id: customer,
    type,
    occurred_at: at,
    channel: null,
    campaign,
    url: null,
    text: null,
    value: null,
    properties: null,
    import_batch_id: null,
  });
  await db
    .insertInto('events')
    .values([
      event('e1', 'K1', 'email_open', '2026-01-10T12:00:00.000Z', 'k1e'),
      event('e2', 'K1', 'email_click', '2026-01-10T12:01:00.000Z', 'k1e'),
      event('e3', 'K2', 'email_bounce', '2026-01-10T09:05:00.000Z', 'k2e'),
    ])
    .execute();
  await db
    .insertInto('tasks')
    .values({
      customer_id: 'K4',
      owner: '鈴木',
      kind: 'call',
      due_on: '2026-01-15',
      priority: 100,
      status: 'done',
      reason_category: null,
      script: null,
      context: null,
      outcome: 'appointment',
      note: null,
      logged_by: '鈴木',
      logged_at: '2026-01-15T10:00:00.000Z',
      follow_up_of: null,
      created_at: '2026-01-12T00:00:00.000Z',
      created_by: 'journey',
      source_key: `${KPI_JOURNEY}:K4:call`,
    })
    .execute();
  const order = (id: string, customer: string, day: string, amount: number, margin: number | null) => ({
    order_id: `kpi-${id}`,
    customer_id: customer,
    ordered_at: day,
    amount,
    gross_margin: margin,
    is_refund: amount < 0 ? 1 : 0,
  });
  await db
    .insertInto('orders')
    .values([
      order('O1', 'K1', '2026-02-01', 100_000, null),
      order('O2', 'K4', '2026-01-20', 200_000, 80_000),
      order('O3', 'H1', '2026-02-10', 50_000, null),
      order('O4', 'H2', '2026-06-01', 50_000, null),
      order('O5', 'H3', '2026-01-20', -5_000, null),
    ])
    .execute();
  const enrolment = (customer: string, exitReason: string | null, variant: string | null) => ({
    journey_id: KPI_JOURNEY,
    customer_id: customer,
    journey_version: 1,
    step_id: null,
    state: exitReason === null ? ('completed' as const) : ('exited' as const),
    due_at: '2026-01-10T00:00:00.000Z',
    entered_at: '2026-01-10T00:00:00.000Z',
    updated_at: '2026-01-10T00:00:00.000Z',
    variant,
    exit_reason: exitReason,
  });
  await db
    .insertInto('journey_enrolments')
    .values([
      enrolment('K1', 'purchased', 'a'),
      enrolment('K4', 'purchased', 'a'),
      enrolment('K2', null, 'b'),
      enrolment('K3', null, 'b'),
      enrolment('H1', 'holdout', null),
      enrolment('H2', 'holdout', null),
      enrolment('H3', 'holdout', null),
      enrolment('H4', 'holdout', null),
    ])
    .execute();
}
