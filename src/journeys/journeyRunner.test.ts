/**
 * The journey runner end to end on both engines: dormant customers enter the shipped
 * winback-basic journey once it is enabled, and runs at t0, t0+15d, t0+17d, … move them along
 * different paths by their reactions (tracking events recorded as the tracking routes do). Emails
 * arrive at a real SMTP server with List-Unsubscribe; a purchase and an unsubscribe end the
 * journey; quiet hours defer; no consent and an unsubscribe suppress; a rerun after a crash
 * between advance and dispatch queues nothing twice; a kill during dispatch leaves 'unknown'.
 */
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../test/engines.js';
import { createSmtpSender } from '../channels/email.js';
import { enrolmentsOf, getJourney, journeyMonitor, setJourneyEnabled } from '../storage/journeyQueries.js';
import { actDb } from '../storage/journeyTables.js';
import { claimDueMessages, listMessages, recordTrackingEvent } from '../storage/messageQueries.js';
import type { Storage } from '../storage/storage.js';
import { dispatchMessages } from './dispatcher.js';
import { advanceJourneys, type RunOptions, runJourneys } from './journeyRunner.js';
import { ensureShippedJourneys } from './shippedJourneys.js';

const DAY_MS = 86_400_000;
/** 10:00 in Japan. */
const T0 = new Date('2026-11-02T01:00:00.000Z');
const at = (days: number, hours = 0) => new Date(T0.getTime() + days * DAY_MS + hours * 3_600_000);
const SENDER = {
  name: '株式会社めざめ商事',
  address: '東京都千代田区1-1-1',
  contactEmail: 'news@mezame.example.jp',
};

interface Received {
  to: string[];
  raw: string;
}

async function startSmtp() {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Five dormant customers who entered mid_dormant on t0's day: A reacts to everything, B never
 * does, C buys again, D unsubscribes, E never opted in to email.
 */
async function seedCustomers(storage: Storage): Promise<void> {
  const db = actDb(storage);
  const ids = ['A', 'B', 'C', 'D', 'E'];
  await db
    .insertInto('customers')
    .values(
      ids.map((id) => ({
        customer_id: id,
        name: `株式会社${id}商店`,
        name_key: id,
        kind: 'company' as const,
        email: `${id.toLowerCase()}@example.jp`,
        owner: 'rep1',
        email_opt_in: id === 'E' ? null : 1,
      })) as never,
    )
    .execute();
  await db
    .insertInto('orders')
    .values(
      ids.map((id) => ({
        order_id: `O-${id}`,
        customer_id: id,
        ordered_at: '2026-03-01',
        amount: 50_000,
        product: 'トナーカートリッジ',
        is_refund: 0,
      })) as never,
    )
    .execute();
  await db
    .insertInto('analysis_runs')
    .values({ as_of: '2026-11-02', started_at: T0.toISOString(), status: 'done' } as never)
    .execute();
  await db
    .insertInto('customer_state')
    .values(
      ids.map((id) => ({
        customer_id: id,
        run_id: 1,
        as_of: '2026-11-02',
        owner: 'rep1',
        status: 'mid_dormant',
        status_since: '2026-11-02',
        rank: 'B',
        score: 60,
        reason_category: 'price',
        last_purchase_day: '2026-03-01',
        purchase_days: 1,
        gap_alert: 0,
      })) as never,
    )
    .execute();
  await db
    .insertInto('status_history')
    .values(
      ids.map((id) => ({
        customer_id: id,
        status: 'mid_dormant',
        entered_at: '2026-11-02',
        run_id: 1,
      })) as never,
    )
    .execute();
}

async function messageOf(storage: Storage, customerId: string, stepId: string) {
  const row = await actDb(storage)
    .selectFrom('messages')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('step_id', '=', stepId)
    .executeTakeFirst();
  if (!row) throw new Error(`no message ${customerId} ${stepId}`);
  return { ...row, id: Number(row.id) };
}

describe.each(ENGINES)('journey runner on %s', (engine) => {
  let database: TestDatabase;
  let storage: Storage;
  let smtp: Awaited<ReturnType<typeof startSmtp>> | null = null;
  const env = { MEZAME_SECRET: 'runner-test-secret' };
  /** The five customers in a fresh database, winback-basic enabled the day before and run at t0. */
  async function startWinbackBasic(): Promise<void> {
    database = await createTestDatabase(engine);
    storage = await database.open();
    await seedCustomers(storage);
    await ensureShippedJourneys(storage, at(-1));
    await setJourneyEnabled(storage, 'winback-basic', true, 'marketer', at(-1).toISOString());
    await runJourneys(storage, { now: T0, env });
  }
  afterEach(async () => {
    await smtp?.close();
    await storage?.close();
    await database?.drop();
  });

  it('takes dormant customers through winback-basic by their reactions, sending real email', async () => {
    database = await createTestDatabase(engine);
    storage = await database.open();
    smtp = await startSmtp();
    await seedCustomers(storage);
    const email = createSmtpSender({
      host: '127.0.0.1',
      port: smtp.port,
      ignoreTls: true,
      from: { name: SENDER.name, address: SENDER.contactEmail },
    });
    const options = (now: Date, extra: Partial<RunOptions> = {}): RunOptions => ({
      now,
      senders: { email },
      baseUrl: 'https://mezame.example.jp',
      sender: SENDER,
      env: { MEZAME_SECRET: 'runner-test-secret' },
      ...extra,
    });

    await ensureShippedJourneys(storage, at(-1));
    // Not enabled: nobody enters.
    expect((await runJourneys(storage, options(T0))).enrolled).toBe(0);
    await setJourneyEnabled(storage, 'winback-basic', true, 'marketer', at(-1).toISOString());

    const first = await runJourneys(storage, options(T0));
    expect(first).toMatchObject({ enrolled: 5, queued: 0, sent: 0 });
    // The first step waits 15 days after detection.
    expect((await runJourneys(storage, options(at(1)))).advanced).toBe(0);

    // Day 15: the day-1 email is queued for all five; a crash before dispatch…
    const advancedOnly = await runJourneys(storage, options(at(15), { dispatch: false }));
    expect(advancedOnly).toMatchObject({ advanced: 5, queued: 5, sent: 0 });
    // …meanwhile D unsubscribes through the link of the queued message.
    const d1 = await messageOf(storage, 'D', 'day1-email');
    expect(d1.body_text).toContain('https://mezame.example.jp/t/u/');
    await recordTrackingEvent(storage, d1.id, 'unsubscribe', at(15).toISOString());
    // The rerun queues nothing twice and sends what was queued; D leaves the journey at once
    // (unsubscribed) instead of when its wait ends.
    const day15 = await runJourneys(storage, options(at(15)));
    expect(day15).toMatchObject({ advanced: 1, queued: 0, sent: 3, suppressed: 2 });
    expect((await enrolmentsOf(storage, 'winback-basic', ['D']))[0]).toMatchObject({
      state: 'exited',
      exitReason: 'unsubscribed',
    });
    expect((await messageOf(storage, 'D', 'day1-email')).status_reason).toBe('unsubscribed');
    expect((await messageOf(storage, 'E', 'day1-email')).status_reason).toBe('no_consent');
    expect(smtp.received.map((r) => r.to[0]).sort()).toEqual([
      'a@example.jp',
      'b@example.jp',
      'c@example.jp',
    ]);
    for (const mail of smtp.received) {
      expect(mail.raw).toMatch(/^List-Unsubscribe:\s+<https:\/\/mezame\.example\.jp\/t\/u\/[^>]+>/m);
      expect(mail.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
    }
    const a1 = await messageOf(storage, 'A', 'day1-email');
    expect(a1.subject).toBeTruthy();
    expect(a1.body_text).toContain('株式会社A商店');

    // A opens and clicks; C buys again.
    await recordTrackingEvent(storage, a1.id, 'open', at(15, 2).toISOString());
    await recordTrackingEvent(storage, a1.id, 'click', at(15, 2).toISOString(), 'https://example.jp/');
    await actDb(storage)
      .insertInto('orders')
      .values({
        order_id: 'O-C-back',
        customer_id: 'C',
        ordered_at: '2026-11-18',
        amount: 80_000,
        is_refund: 0,
      } as never)
      .execute();

    // Day 17: A reacted → the day-3 email; B and E wait for day 7; C bought; D unsubscribed.
    const day17 = await runJourneys(storage, options(at(17)));
    expect(day17).toMatchObject({ queued: 1, sent: 1 });
    expect((await messageOf(storage, 'A', 'day3-email')).status).toBe('sent');
    expect((await runJourneys(storage, options(at(17)))).steps).toBe(0);
    const states = Object.fromEntries(
      (await enrolmentsOf(storage, 'winback-basic')).map((e) => [
        e.customerId,
        [e.state, e.exitReason ?? e.stepId],
      ]),
    );
    expect(states).toEqual({
      A: ['active', 'day3-check'],
      B: ['active', 'day1-to-day7'],
      C: ['exited', 'purchased'],
      D: ['exited', 'unsubscribed'],
      E: ['active', 'day1-to-day7'],
    });

    // A opens the day-3 email too → a call task for the owner, once.
    const a3 = await messageOf(storage, 'A', 'day3-email');
    await recordTrackingEvent(storage, a3.id, 'open', at(18).toISOString());
    const day19 = await runJourneys(storage, options(at(19)));
    expect(day19.tasks).toBe(1);
    expect((await runJourneys(storage, options(at(19, 1)))).tasks).toBe(0);
    const tasks = await actDb(storage).selectFrom('tasks').selectAll().execute();
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ customer_id: 'A', owner: 'rep1', kind: 'call', status: 'open' });
    expect(tasks[0]?.source_key).toBe('winback-basic:A:call-appointment');
    expect(JSON.parse(tasks[0]?.script ?? '{}').ja).toBeTruthy();

    // Day 21 at 21:00 in Japan: B's day-7 email waits for the end of quiet hours (09:00 JST).
    const evening = await runJourneys(storage, options(at(21, 11)));
    expect(evening).toMatchObject({ queued: 2, sent: 0, deferred: 1, suppressed: 1 });
    const b7 = await messageOf(storage, 'B', 'day7-email');
    expect(b7).toMatchObject({
      status: 'queued',
      status_reason: 'quiet_hours',
      due_at: '2026-11-24T00:00:00.000Z',
    });
    expect((await runJourneys(storage, options(at(22, -0.5)))).sent).toBe(1);
    expect(smtp.received.filter((r) => r.to[0] === 'b@example.jp')).toHaveLength(2);

    const monitor = await journeyMonitor(storage, 'winback-basic');
    expect(monitor).toMatchObject({
      active: 2,
      completed: 1,
      exited: 2,
      exits: { purchased: 1, unsubscribed: 1 },
    });
    expect(monitor.passed['day1-email']).toBe(5);
    expect(monitor.waiting['day7-check']).toBe(2);
    const outbox = await listMessages(storage, { ownerKey: 'rep1' }, { journeyId: 'winback-basic' });
    expect(outbox.counts.by_status).toEqual({ sent: 5, suppressed: 3 });
    await email.close?.();
  }, 60_000);

  it('hands a customer who replies during a wait to sales that day, and leaves the others waiting', async () => {
    await startWinbackBasic();
    // Day 3 of the 15-day wait: B writes in, C buys; the others have done nothing.
    await actDb(storage)
      .insertInto('events')
      .values({
        event_id: 'EV-B',
        customer_id: 'B',
        type: 'inquiry',
        occurred_at: at(3).toISOString(),
      } as never)
      .execute();
    await actDb(storage)
      .insertInto('orders')
      .values({
        order_id: 'O-C2',
        customer_id: 'C',
        ordered_at: '2026-11-05',
        amount: 8_000,
        is_refund: 0,
      } as never)
      .execute();
    const result = await runJourneys(storage, { now: at(3, 1), env });
    expect(result.queued).toBe(0);
    const states = Object.fromEntries(
      (await enrolmentsOf(storage, 'winback-basic')).map((e) => [e.customerId, [e.state, e.exitReason]]),
    );
    expect(states).toEqual({
      A: ['active', null],
      B: ['exited', 'replied'],
      C: ['exited', 'purchased'],
      D: ['active', null],
      E: ['active', null],
    });
    const tasks = await actDb(storage).selectFrom('tasks').select(['customer_id', 'kind', 'owner']).execute();
    expect(tasks).toEqual([{ customer_id: 'B', kind: 'call', owner: 'rep1' }]);
    // The waiting customers still wait: nothing moved them early.
    const waiting = await enrolmentsOf(storage, 'winback-basic', ['A']);
    expect(waiting[0]?.dueAt).toBe(at(15).toISOString());
  }, 30_000);

  it('advances each enrolment once when two runs go at the same time', async () => {
    await startWinbackBasic();
    const journey = await getJourney(storage, 'winback-basic');
    if (!journey) throw new Error('installed');
    const [one, two] = await Promise.all([
      advanceJourneys(storage, [journey], { now: at(15), env, batchSize: 2 }),
      advanceJourneys(storage, [journey], { now: at(15), env, batchSize: 2 }),
    ]);
    expect((one?.advanced ?? 0) + (two?.advanced ?? 0)).toBe(5);
    expect((one?.steps ?? 0) + (two?.steps ?? 0)).toBe(10);
    expect((one?.queued ?? 0) + (two?.queued ?? 0)).toBe(5);
    const monitor = await journeyMonitor(storage, 'winback-basic');
    expect(monitor.passed).toEqual({ 'detected-wait': 5, 'day1-email': 5 });
    expect(monitor.waiting).toEqual({ 'day1-check': 5 });
  }, 30_000);

  it("turns messages a killed dispatch left 'sending' into 'unknown' and never sends them", async () => {
    await startWinbackBasic();
    await runJourneys(storage, { now: at(15), env, dispatch: false });
    // A dispatcher claims two messages and dies before sending them.
    expect(await claimDueMessages(storage, { now: at(15).toISOString(), limit: 2 })).toHaveLength(2);
    const sent: string[] = [];
    const result = await dispatchMessages(storage, {
      now: at(15, 1),
      senders: {
        email: {
          channel: 'email',
          send: async (m) => {
            sent.push(m.customerId);
            return { outcome: 'sent', providerId: null };
          },
        },
      },
      baseUrl: 'http://localhost:8080',
      env,
    });
    expect(result).toMatchObject({ unknown: 2, sent: 2, suppressed: 1 });
    expect(sent).toHaveLength(2);
    const counts = (await listMessages(storage, null, {})).counts.by_status;
    expect(counts).toEqual({ unknown: 2, sent: 2, suppressed: 1 });
  }, 30_000);
});
