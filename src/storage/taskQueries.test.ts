import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../test/engines.js';
import { seedCustomers } from '../../test/serverFixture.js';
import { seedTaskState } from '../../test/taskFixture.js';
import { AppError } from '../core/errors.js';
import type { Storage } from './storage.js';
import {
  evidenceLines,
  FollowUpDayError,
  generateTasks,
  getTask,
  listTasks,
  logOutcome,
  taskKindFor,
} from './taskQueries.js';

const NOW = '2026-11-20T01:00:00.000Z';
const TODAY = '2026-11-20'; // a Friday

describe('task helpers', () => {
  it('picks a visit or a call from the recommended channels, and the rank without them', () => {
    expect(taskKindFor('A', '["phone","visit"]')).toBe('call');
    expect(taskKindFor('B', '["email","visit"]')).toBe('visit');
    expect(taskKindFor('A', '["email","dm"]')).toBeNull();
    expect(taskKindFor('A', null)).toBe('visit');
    expect(taskKindFor('B', 'not json')).toBe('call');
    expect(taskKindFor('C', null)).toBeNull();
  });

  it('reads evidence lines, dated, without the other-reason entries', () => {
    expect(
      evidenceLines(
        JSON.stringify([
          { kind: 'text', day: '2025-04-02', line: '納期が遅れた' },
          { kind: 'other_reason', day: null, line: 'price' },
          { kind: 'usage', day: null, line: '利用が減った' },
        ]),
      ),
    ).toEqual(['2025-04-02 納期が遅れた', '利用が減った']);
    expect(evidenceLines(null)).toEqual([]);
    expect(evidenceLines('{')).toEqual([]);
  });
});

describe.each(ENGINES)('tasks on %s', (engine) => {
  let db: TestDatabase;
  let storage: Storage;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    storage = await db.open();
    await seedCustomers(storage);
    await seedTaskState(storage);
  });
  afterAll(async () => {
    await storage?.close();
    await db?.drop();
  });

  it('lists nothing before any task was made', async () => {
    expect(await listTasks(storage, null)).toEqual([]);
  });

  it('makes one task per dormant rank A/B customer, by channel, with a script and context', async () => {
    const summary = await generateTasks(storage, { today: TODAY, actor: 'user:marketer', now: NOW });
    expect(summary).toMatchObject({
      candidates: 3,
      created: 3,
      already_open: 0,
      by_kind: { call: 1, visit: 2 },
    });
    const tasks = await listTasks(storage, null);
    expect(tasks.map((t) => [t.customer_id, t.kind, t.priority])).toEqual([
      ['C001', 'call', 182],
      ['C003', 'visit', 175],
      ['C002', 'visit', 141],
    ]);
    const c001 = tasks[0];
    expect(c001?.due_on).toBe(TODAY);
    expect(c001?.context).toMatchObject({
      last_purchase_day: '2025-03-10',
      last_product: '工具セット',
      months_since: 20,
      evidence: ['2025-04-02 サポート: 納期が遅れた'],
      contact_name: '佐藤 花子',
      former_contact_name: '山田 太郎',
    });
    expect(c001?.script?.ja.lines[0]?.text).toContain('株式会社あおば製作所の佐藤 花子様');
    expect(c001?.customer).toMatchObject({ rank: 'A', status: 'early_dormant', prefecture: '東京都' });
  });

  it('adds nothing when run again (one open task per customer and kind)', async () => {
    const again = await generateTasks(storage, { today: TODAY, actor: 'user:marketer', now: NOW });
    expect(again).toMatchObject({ created: 0, already_open: 3 });
    expect(await listTasks(storage, null)).toHaveLength(3);
  });

  it("shows a rep only the tasks of accounts they own, and nobody's for a rep without accounts", async () => {
    const tanaka = await listTasks(storage, { ownerKey: '田中' });
    expect(tanaka.map((t) => t.customer_id).sort()).toEqual(['C001', 'C002']);
    expect(await listTasks(storage, { ownerKey: null })).toEqual([]);
    const suzukiTask = (await listTasks(storage, { ownerKey: '鈴木' }))[0];
    expect(suzukiTask?.customer_id).toBe('C003');
    expect(await getTask(storage, { ownerKey: '田中' }, suzukiTask?.id ?? 0)).toBeUndefined();
  });

  it('filters by status, kind, owner and due day', async () => {
    expect((await listTasks(storage, null, { kind: 'visit' })).map((t) => t.customer_id)).toEqual([
      'C003',
      'C002',
    ]);
    expect((await listTasks(storage, null, { owner: '鈴木' })).map((t) => t.customer_id)).toEqual(['C003']);
    expect(await listTasks(storage, null, { status: 'done' })).toEqual([]);
    expect(await listTasks(storage, null, { dueBy: '2026-11-19' })).toEqual([]);
  });

  it('logs no answer, audits it and schedules a call three business days later in one go', async () => {
    const call = (await listTasks(storage, { ownerKey: '田中' }, { kind: 'call' }))[0];
    if (!call) throw new Error('no call task');
    const result = await logOutcome(
      storage,
      { ownerKey: '田中' },
      {
        id: call.id,
        outcome: 'no_answer',
        note: '留守番電話',
        followUpOn: null,
        actor: 'user:tanaka@example.jp',
        today: TODAY,
        now: NOW,
      },
    );
    expect(result.task).toMatchObject({ status: 'done', outcome: 'no_answer', note: '留守番電話' });
    expect(result.followUp).toMatchObject({
      kind: 'call',
      due_on: '2026-11-25',
      status: 'open',
      follow_up_of: call.id,
      customer_id: 'C001',
      priority: 182,
    });
    expect(result.followUp?.script?.ja.offer).toBe(call.script?.ja.offer);
    const audit = await storage.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'task.outcome')
      .executeTakeFirstOrThrow();
    expect(audit.entity_id).toBe(String(call.id));
    expect(JSON.parse(audit.details ?? '{}')).toMatchObject({
      outcome: 'no_answer',
      follow_up_on: '2026-11-25',
    });
  });

  it('refuses a second outcome on a closed task', async () => {
    const done = (await listTasks(storage, null, { status: 'done' }))[0];
    await expect(
      logOutcome(storage, null, {
        id: done?.id ?? 0,
        outcome: 'connected',
        note: null,
        followUpOn: null,
        actor: 'x',
        today: TODAY,
        now: NOW,
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it("answers not found for another rep's task and changes nothing", async () => {
    const suzukiTask = (await listTasks(storage, { ownerKey: '鈴木' }))[0];
    const error = await logOutcome(
      storage,
      { ownerKey: '田中' },
      {
        id: suzukiTask?.id ?? 0,
        outcome: 'won_back',
        note: null,
        followUpOn: null,
        actor: 'user:tanaka',
        today: TODAY,
        now: NOW,
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('not_found');
    expect((await getTask(storage, null, suzukiTask?.id ?? 0))?.status).toBe('open');
  });

  it('rolls back when the follow-up day is in the past: the task stays open', async () => {
    const visit = (await listTasks(storage, { ownerKey: '田中' }, { kind: 'visit', status: 'open' }))[0];
    const error = await logOutcome(storage, null, {
      id: visit?.id ?? 0,
      outcome: 'appointment',
      note: null,
      followUpOn: '2026-11-01',
      actor: 'x',
      today: TODAY,
      now: NOW,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FollowUpDayError);
    expect((error as FollowUpDayError).field).toBe('follow_up_on');
    expect((await getTask(storage, null, visit?.id ?? 0))?.status).toBe('open');
  });

  it('books the visit on the agreed day, reusing an open visit rather than making a second', async () => {
    const call = (await listTasks(storage, { ownerKey: '田中' }, { kind: 'call', status: 'open' }))[0];
    const openVisit = (await listTasks(storage, { ownerKey: '田中' }, { kind: 'visit', status: 'open' }))[0];
    expect(call?.customer_id).toBe('C001');
    expect(openVisit?.customer_id).toBe('C002');
    const result = await logOutcome(storage, null, {
      id: call?.id ?? 0,
      outcome: 'appointment',
      note: '12/3 14時に訪問',
      followUpOn: '2026-12-03',
      actor: 'user:tanaka',
      today: TODAY,
      now: NOW,
    });
    expect(result.followUp).toMatchObject({ kind: 'visit', due_on: '2026-12-03', customer_id: 'C001' });
    const again = await logOutcome(storage, null, {
      id: result.followUp?.id ?? 0,
      outcome: 'visited',
      note: null,
      followUpOn: null,
      actor: 'user:tanaka',
      today: '2026-12-03',
      now: NOW,
    });
    expect(again.followUp).toMatchObject({ kind: 'call', due_on: '2026-12-07' });
  });

  it('records do-not-contact on the customer and cancels their other open tasks', async () => {
    const c002 = (await listTasks(storage, null, { customerId: 'C002', status: 'open' }))[0];
    const result = await logOutcome(storage, null, {
      id: c002?.id ?? 0,
      outcome: 'do_not_contact',
      note: '今後の連絡は不要とのこと',
      followUpOn: '2027-01-10',
      actor: 'user:tanaka',
      today: TODAY,
      now: NOW,
    });
    expect(result.followUp).toBeNull();
    const customer = await storage.db
      .selectFrom('customers')
      .select('do_not_contact')
      .where('customer_id', '=', 'C002')
      .executeTakeFirstOrThrow();
    expect(customer.do_not_contact).toBe(1);
    expect(await listTasks(storage, null, { customerId: 'C002', status: 'open' })).toEqual([]);
    const regenerated = await generateTasks(storage, { today: TODAY, actor: 'x', now: NOW });
    expect(regenerated.candidates).toBe(2);
  });
});
