/**
 * Migration 015 and the journey and outbox queries, on both engines: journeys are versioned and
 * audited, enrolling and queueing are idempotent, a claimed message is claimed once, a crash's
 * 'sending' rows become 'unknown', the outbox is scoped to a rep's accounts, tracking events
 * count once per kind.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../test/engines.js';
import type { JourneyDefinition } from '../core/act/journeyTypes.js';
import {
  dueEnrolments,
  enabledJourneys,
  enrolmentsOf,
  getJourney,
  insertEnrolments,
  insertStepLog,
  installJourneys,
  journeyMonitor,
  listJourneys,
  saveJourney,
  setJourneyEnabled,
  updateEnrolments,
} from './journeyQueries.js';
import { actDb } from './journeyTables.js';
import {
  claimDueMessages,
  contactBlocks,
  getMessage,
  getTrackingSecret,
  insertMessages,
  listMessages,
  markMessageDeferred,
  markMessageSent,
  type NewMessage,
  recentSends,
  recordTrackingEvent,
  recoverInterruptedSends,
} from './messageQueries.js';
import { migrations } from './migrations/index.js';
import { openStorage, type Storage } from './storage.js';

const T0 = '2026-11-02T01:00:00.000Z';

function aJourney(id: string, steps = 2): JourneyDefinition {
  return {
    id,
    name: `Journey ${id}`,
    description: 'test journey',
    trigger: { type: 'manual' },
    steps: Array.from({ length: steps }, (_, i) =>
      i % 2 === 0
        ? { id: `s${i}`, type: 'send' as const, channel: 'email' as const, template: 'winback-value-email' }
        : { id: `s${i}`, type: 'wait' as const, days: 3 },
    ),
  };
}

function aMessage(key: string, customerId: string, overrides: Partial<NewMessage> = {}): NewMessage {
  return {
    idempotency_key: key,
    customer_id: customerId,
    journey_id: 'j1',
    step_id: 's0',
    template_id: 'winback-value-email',
    channel: 'email',
    locale: 'ja',
    to_address: `${customerId.toLowerCase()}@example.jp`,
    subject: '件名',
    body_text: '本文',
    body_html: '<p>本文</p>',
    status: 'queued',
    status_reason: null,
    variant: null,
    coupon_code: null,
    coupon_expires: null,
    created_at: T0,
    due_at: T0,
    ...overrides,
  };
}

async function addCustomers(storage: Storage, rows: [id: string, owner: string | null][]): Promise<void> {
  await storage.db
    .insertInto('customers')
    .values(
      rows.map(([id, owner]) => ({
        customer_id: id,
        name: `顧客${id}`,
        name_key: id,
        kind: 'company' as const,
        owner,
      })),
    )
    .execute();
}

describe.each(ENGINES)('journey and outbox storage on %s', (engine) => {
  let database: TestDatabase;
  let storage: Storage;
  afterEach(async () => {
    await storage?.close();
    await database?.drop();
  });

  it('migration 015 upgrades a database of 014 and keeps its rows; source_key is unique', async () => {
    database = await createTestDatabase(engine);
    storage = await openStorage({
      ...(database.dbFile ? { dbFile: database.dbFile } : { databaseUrl: database.databaseUrl as string }),
      migrate: false,
    });
    for (const name of Object.keys(migrations)
      .sort()
      .filter((n) => n < '015'))
      await migrations[name]?.up(storage.db as never, engine);
    await addCustomers(storage, [['A', 'rep1']]);
    await sql`insert into tasks (customer_id, owner, kind, due_on, priority, status, created_at, created_by)
      values ('A', 'rep1', 'call', '2026-11-02', 5, 'open', ${T0}, 'test')`.execute(storage.db);
    await sql`insert into events (event_id, customer_id, type, occurred_at) values ('E1', 'A', 'web_visit', ${T0})`.execute(
      storage.db,
    );
    await migrations['015_journeys']?.up(storage.db as never, engine);

    const tasks = await sql<{ customer_id: string; source_key: string | null }>`
      select customer_id, source_key from tasks`.execute(storage.db);
    expect(tasks.rows).toEqual([{ customer_id: 'A', source_key: null }]);
    const events = await sql<{ n: number | string }>`select count(*) as n from events`.execute(storage.db);
    expect(Number(events.rows[0]?.n)).toBe(1);
    // Old tasks have no key (many nulls are fine); a journey task's key is taken once.
    const task = (key: string | null) =>
      sql`insert into tasks (customer_id, owner, kind, due_on, priority, status, created_at, created_by, source_key)
        values ('A', 'rep1', 'call', '2026-11-02', 5, 'open', ${T0}, 'test', ${key})`.execute(storage.db);
    await task(null);
    await task('j1:A:call');
    await expect(task('j1:A:call')).rejects.toThrow();
  });

  it('stores journeys as versions with audit rows, installs shipped ones once, enables with a time', async () => {
    database = await createTestDatabase(engine);
    storage = await database.open();
    const installed = await installJourneys(
      storage,
      [{ definition: aJourney('shipped-one'), source: '{}', format: 'json' }],
      T0,
    );
    expect(installed).toBe(1);
    expect(
      await installJourneys(
        storage,
        [{ definition: aJourney('shipped-one', 4), source: '{}', format: 'json' }],
        T0,
      ),
    ).toBe(0);
    const first = await saveJourney(storage, {
      definition: aJourney('j1'),
      source: 'id: j1',
      format: 'yaml',
      actor: 'marketer@example.jp',
      at: T0,
    });
    expect(first).toMatchObject({
      id: 'j1',
      version: 1,
      enabled: false,
      format: 'yaml',
      trigger_type: 'manual',
    });
    const second = await saveJourney(storage, {
      definition: aJourney('j1', 3),
      source: 'id: j1 # v2',
      format: 'yaml',
      actor: 'marketer@example.jp',
      at: '2026-11-03T00:00:00.000Z',
    });
    expect(second.version).toBe(2);
    expect(second.definition.steps).toHaveLength(3);
    expect(second.created_at).toBe(T0);

    const enabled = await setJourneyEnabled(storage, 'j1', true, 'admin', '2026-11-04T00:00:00.000Z');
    expect(enabled).toMatchObject({ enabled: true, enabled_at: '2026-11-04T00:00:00.000Z' });
    expect((await enabledJourneys(storage)).map((j) => j.id)).toEqual(['j1']);
    await expect(setJourneyEnabled(storage, 'nope', true, 'admin', T0)).rejects.toMatchObject({
      code: 'not_found',
    });

    const list = await listJourneys(storage);
    expect(list.map((j) => [j.id, j.enabled, j.shipped, j.version])).toEqual([
      ['j1', true, false, 2],
      ['shipped-one', false, true, 1],
    ]);
    const audit = await actDb(storage)
      .selectFrom('audit_log')
      .select(['action', 'entity_id', 'actor'])
      .where('entity', '=', 'journey')
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'journey.create', entity_id: 'j1@1', actor: 'marketer@example.jp' },
      { action: 'journey.update', entity_id: 'j1@2', actor: 'marketer@example.jp' },
      { action: 'journey.enable', entity_id: 'j1@2', actor: 'admin' },
    ]);
    expect((await getJourney(storage, 'missing')) ?? null).toBeNull();
  });

  it('enrols once per customer, reads due enrolments batch by batch and counts the monitor', async () => {
    database = await createTestDatabase(engine);
    storage = await database.open();
    await saveJourney(storage, {
      definition: aJourney('j1'),
      source: '{}',
      format: 'json',
      actor: 't',
      at: T0,
    });
    const enrolment = (customerId: string, dueAt: string) => ({
      journeyId: 'j1',
      customerId,
      journeyVersion: 1,
      stepId: 's0',
      state: 'active' as const,
      dueAt,
      enteredAt: T0,
      variant: null,
      exitReason: null,
    });
    const ids = Array.from({ length: 7 }, (_, i) => `C${i}`);
    expect(
      await insertEnrolments(
        actDb(storage),
        ids.map((id) => enrolment(id, T0)),
        T0,
      ),
    ).toBe(7);
    expect(await insertEnrolments(actDb(storage), [enrolment('C0', T0), enrolment('C9', T0)], T0)).toBe(1);
    // Not due yet.
    await insertEnrolments(actDb(storage), [enrolment('LATER', '2026-12-01T00:00:00.000Z')], T0);

    const seen: string[] = [];
    let after = null;
    for (;;) {
      const batch = await dueEnrolments(storage, { now: T0, journeyIds: ['j1'], after, limit: 3 });
      if (batch.length === 0) break;
      seen.push(...batch.map((e) => e.customerId));
      const last = batch[batch.length - 1] as (typeof batch)[number];
      after = { dueAt: last.dueAt, id: last.id };
      // Advancing moves them on: two wait, one completes, the rest exit.
      const moved = batch.map((e, i) =>
        i === 0
          ? { ...e, readDueAt: e.dueAt, stepId: 's1', dueAt: '2026-11-05T01:00:00.000Z' }
          : i === 1
            ? { ...e, readDueAt: e.dueAt, stepId: null, state: 'completed' as const }
            : {
                ...e,
                readDueAt: e.dueAt,
                stepId: null,
                state: 'exited' as const,
                exitReason: 'purchased' as const,
              },
      );
      const written = await updateEnrolments(actDb(storage), moved, T0);
      expect([...written].sort()).toEqual(batch.map((e) => e.id).sort());
      // A second process that read the same batch writes nothing: the rows moved on.
      expect((await updateEnrolments(actDb(storage), moved, T0)).size).toBe(0);
      await insertStepLog(
        actDb(storage),
        batch.map((e) => ({
          journeyId: 'j1',
          customerId: e.customerId,
          stepId: 's0',
          outcome: null,
          at: T0,
        })),
      );
    }
    expect(seen.sort()).toEqual([...ids, 'C9'].sort());
    expect(await dueEnrolments(storage, { now: T0, journeyIds: [], limit: 10 })).toEqual([]);

    const monitor = await journeyMonitor(storage, 'j1');
    expect(monitor).toEqual({
      waiting: { s0: 1, s1: 3 },
      passed: { s0: 8 },
      active: 4,
      completed: 3,
      exited: 2,
      exits: { purchased: 2 },
    });
    const [c0] = await enrolmentsOf(storage, 'j1', ['C0']);
    expect(c0).toMatchObject({
      customerId: 'C0',
      stepId: 's1',
      dueAt: '2026-11-05T01:00:00.000Z',
      state: 'active',
    });
    expect((await listJourneys(storage))[0]).toMatchObject({ active: 4, completed: 3, exited: 2 });
  });

  it('queues a message once, claims it once, and turns interrupted sends into unknown', async () => {
    database = await createTestDatabase(engine);
    storage = await database.open();
    await addCustomers(storage, [
      ['A', 'rep1'],
      ['B', 'rep2'],
    ]);
    expect(await insertMessages(actDb(storage), [aMessage('j1:A:s0', 'A'), aMessage('j1:B:s0', 'B')])).toBe(
      2,
    );
    expect(await insertMessages(actDb(storage), [aMessage('j1:A:s0', 'A', { subject: 'again' })])).toBe(0);
    await insertMessages(actDb(storage), [aMessage('j1:A:s2', 'A', { due_at: '2026-11-09T00:00:00.000Z' })]);

    const [one, two] = await Promise.all([
      claimDueMessages(storage, { now: T0, limit: 10 }),
      claimDueMessages(storage, { now: T0, limit: 10 }),
    ]);
    const claimed = [...(one ?? []), ...(two ?? [])];
    expect(claimed.map((m) => m.idempotency_key).sort()).toEqual(['j1:A:s0', 'j1:B:s0']);
    expect(claimed.every((m) => m.status === 'sending' && m.attempts === 1)).toBe(true);

    const a = claimed.find((m) => m.customer_id === 'A');
    const b = claimed.find((m) => m.customer_id === 'B');
    if (!a || !b) throw new Error('both claimed');
    expect(await markMessageSent(storage, a.id, 'provider-1', '2026-11-02T01:00:05.000Z')).toBe(true);
    // Only a sending message can be finished.
    expect(await markMessageSent(storage, a.id, 'provider-1', '2026-11-02T01:00:05.000Z')).toBe(false);
    // B is left in 'sending' as a crash would leave it: recovered once its claim is old enough.
    expect(await recoverInterruptedSends(storage, T0)).toBe(0);
    expect(await recoverInterruptedSends(storage, '2026-11-02T01:10:00.000Z')).toBe(1);
    expect((await getMessage(storage, null, b.id))?.status).toBe('unknown');
    expect(await claimDueMessages(storage, { now: '2026-11-10T00:00:00.000Z', limit: 10 })).toHaveLength(1);

    const sends = await recentSends(storage, ['A', 'B'], '2026-11-01T00:00:00.000Z');
    expect(sends.get('A')).toEqual([{ channel: 'email', at: '2026-11-02T01:00:05.000Z' }]);
    expect(sends.has('B')).toBe(false);
  });

  it('defers a message back to the queue until a later time', async () => {
    database = await createTestDatabase(engine);
    storage = await database.open();
    await addCustomers(storage, [['A', 'rep1']]);
    await insertMessages(actDb(storage), [aMessage('j1:A:s0', 'A')]);
    const [m] = await claimDueMessages(storage, { now: T0, limit: 1 });
    if (!m) throw new Error('claimed');
    await markMessageDeferred(storage, m.id, '2026-11-03T00:00:00.000Z', 'quiet_hours');
    expect(await claimDueMessages(storage, { now: '2026-11-02T23:59:59.000Z', limit: 5 })).toEqual([]);
    const again = await claimDueMessages(storage, { now: '2026-11-03T00:00:00.000Z', limit: 5 });
    expect(again.map((x) => [x.id, x.attempts])).toEqual([[m.id, 2]]);
  });

  it("lists the outbox in a rep's scope with totals and counts, and records tracking once per kind", async () => {
    database = await createTestDatabase(engine);
    storage = await database.open();
    await addCustomers(storage, [
      ['A', 'rep1'],
      ['B', 'rep2'],
      ['C', 'rep1'],
    ]);
    await insertMessages(actDb(storage), [
      aMessage('j1:A:s0', 'A'),
      aMessage('j1:B:s0', 'B'),
      aMessage('j1:C:s0', 'C', { channel: 'sms', subject: null, body_html: null, status: 'held' }),
      aMessage('j1:C:s2', 'C', {
        channel: 'dm',
        subject: null,
        body_html: null,
        status: 'held',
        step_id: 's2',
      }),
    ]);
    const all = await listMessages(storage, null, {});
    expect(all.total).toBe(4);
    expect(all.counts).toEqual({
      by_status: { queued: 2, held: 2 },
      by_channel: { email: 2, sms: 1, dm: 1 },
    });
    const rep1 = await listMessages(storage, { ownerKey: 'rep1' }, { status: 'held', limit: 1 });
    expect(rep1.total).toBe(2);
    expect(rep1.messages).toHaveLength(1);
    expect(rep1.messages[0]).toMatchObject({ customer_id: 'C', customer_name: '顧客C', status: 'held' });
    // Counts by status ignore the status filter (they are the tabs), not the scope.
    expect(rep1.counts.by_status).toEqual({ queued: 1, held: 2 });
    expect((await listMessages(storage, { ownerKey: null }, {})).total).toBe(0);

    const bMessage = all.messages.find((m) => m.customer_id === 'B');
    if (!bMessage) throw new Error('B listed');
    expect(await getMessage(storage, { ownerKey: 'rep1' }, bMessage.id)).toBeUndefined();

    const at = '2026-11-02T03:00:00.000Z';
    expect(await recordTrackingEvent(storage, bMessage.id, 'open', at)).toEqual({
      recorded: true,
      customerId: 'B',
      type: 'email_open',
    });
    expect((await recordTrackingEvent(storage, bMessage.id, 'open', at))?.recorded).toBe(false);
    await recordTrackingEvent(storage, bMessage.id, 'click', at, 'https://example.jp/offer');
    await recordTrackingEvent(storage, bMessage.id, 'unsubscribe', at);
    expect(await recordTrackingEvent(storage, 999_999, 'open', at)).toBeNull();
    const detail = await getMessage(storage, { ownerKey: 'rep2' }, bMessage.id);
    expect(detail?.events.map((e) => e.type).sort()).toEqual(['email_click', 'email_open', 'unsubscribe']);
    const blocks = await contactBlocks(storage, ['A', 'B']);
    expect([...blocks.unsubscribed]).toEqual(['B']);
    expect(blocks.bounced.size).toBe(0);
  });

  it('keeps one tracking secret, generated once, unless MEZAME_SECRET is set', async () => {
    database = await createTestDatabase(engine);
    storage = await database.open();
    const [s1, s2] = await Promise.all([getTrackingSecret(storage, {}), getTrackingSecret(storage, {})]);
    expect(s1).toBe(s2);
    expect(s1.length).toBeGreaterThanOrEqual(40);
    expect(await getTrackingSecret(storage, {})).toBe(s1);
    expect(await getTrackingSecret(storage, { MEZAME_SECRET: 'from-env' })).toBe('from-env');
  });
});
