import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../test/engines.js';
import { PRESETS } from '../core/detect/dormancyDefinition.js';
import { AppError } from '../core/errors.js';
import {
  activateDefinition,
  getActiveDefinition,
  getDefinitionVersion,
  InvalidDefinitionError,
  listDefinitionVersions,
  loadInterPurchaseIntervals,
  loadPurchaseSilences,
  saveDefinition,
} from './definitionQueries.js';
import type { Storage } from './storage.js';

let orderSeq = 0;
function anOrder(customer_id: string, ordered_at: string, amount = 1000) {
  orderSeq++;
  return { order_id: `O${orderSeq}`, customer_id, ordered_at, amount, is_refund: amount < 0 ? 1 : 0 };
}

async function auditActions(storage: Storage): Promise<string[]> {
  const rows = await storage.db
    .selectFrom('audit_log')
    .select(['action', 'entity_id'])
    .where('entity', '=', 'dormancy_definition')
    .orderBy('id')
    .execute();
  return rows.map((r) => `${r.action}:${r.entity_id}`);
}

describe.each(ENGINES)('dormancy definition storage on %s', (engine) => {
  let t: TestDatabase;
  let storage: Storage;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    storage = await t.open();
  });
  afterAll(async () => {
    await storage.close();
    await t.drop();
  });

  it('gives the built-in default (version null) while nothing is stored', async () => {
    const active = await getActiveDefinition(storage);
    expect(active.version).toBeNull();
    expect(active.definition).toEqual(PRESETS.default);
    expect(await listDefinitionVersions(storage)).toEqual([]);
  });

  it('stores nothing for an invalid definition and reports every violation', async () => {
    const broken = {
      ...PRESETS.default,
      levels: { ...PRESETS.default.levels, at_risk: 'overdue_ratio >=', mid_dormant: 'overdue_ratoi >= 3' },
    };
    const error = await saveDefinition(storage, broken, 'tester').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidDefinitionError);
    expect((error as InvalidDefinitionError).code).toBe('invalid_input');
    expect((error as InvalidDefinitionError).violations.map((v) => [v.path, v.column])).toEqual([
      ['levels.at_risk', 17],
      ['levels.mid_dormant', 1],
    ]);
    expect(await listDefinitionVersions(storage)).toEqual([]);
    expect(await auditActions(storage)).toEqual([]);
  });

  it('saves versions, keeps the old ones and makes the newest active', async () => {
    const v1 = await saveDefinition(storage, PRESETS.ec_consumables, 'alice', '2025-04-01T09:00:00.000Z');
    const v2 = await saveDefinition(
      storage,
      { name: 'ours', business_model: 'b2b', levels: PRESETS.equipment.levels },
      'bob',
      '2025-04-02T09:00:00.000Z',
    );
    expect(v2).toBeGreaterThan(v1);
    const active = await getActiveDefinition(storage);
    expect(active).toMatchObject({ version: v2, created_by: 'bob', is_active: true });
    expect(active.definition.name).toBe('ours');
    // the defaults a file may leave out were filled in before storing
    expect(active.definition.thresholds).toEqual(PRESETS.default.thresholds);
    expect(await listDefinitionVersions(storage)).toEqual([
      {
        version: v2,
        name: 'ours',
        created_at: '2025-04-02T09:00:00.000Z',
        created_by: 'bob',
        is_active: true,
      },
      {
        version: v1,
        name: 'ec_consumables',
        created_at: '2025-04-01T09:00:00.000Z',
        created_by: 'alice',
        is_active: false,
      },
    ]);
    expect((await getDefinitionVersion(storage, v1)).definition).toEqual(PRESETS.ec_consumables);
    expect(await auditActions(storage)).toEqual([`definition.save:${v1}`, `definition.save:${v2}`]);
  });

  it('activates an earlier version again', async () => {
    const [newest, older] = await listDefinitionVersions(storage);
    if (!newest || !older) throw new Error('expected two versions from the previous test');
    await activateDefinition(storage, older.version, 'carol');
    expect((await getActiveDefinition(storage)).version).toBe(older.version);
    const flags = (await listDefinitionVersions(storage)).map((v) => v.is_active);
    expect(flags).toEqual([false, true]);
    expect((await auditActions(storage)).at(-1)).toBe(`definition.activate:${older.version}`);
  });

  it('refuses an unknown version with not_found', async () => {
    await expect(getDefinitionVersion(storage, 999)).rejects.toMatchObject({ code: 'not_found' });
    await expect(activateDefinition(storage, 999, 'x')).rejects.toBeInstanceOf(AppError);
  });

  it('lets the database itself refuse a second active version', async () => {
    const insertActive = storage.db
      .insertInto('dormancy_definitions' as never)
      .values({
        name: 'sneaky',
        definition: JSON.stringify(PRESETS.default),
        created_at: '2025-04-03',
        created_by: 'sql',
        is_active: 1,
      } as never)
      .execute();
    await expect(insertActive).rejects.toThrow();
  });

  it('says which stored version is broken when the stored text no longer validates', async () => {
    const versions = await listDefinitionVersions(storage);
    const active = versions.find((v) => v.is_active);
    if (!active) throw new Error('expected an active version');
    await storage.db
      .updateTable('dormancy_definitions' as never)
      .set({ definition: '{"name": "x"' } as never)
      .where('version' as never, '=', active.version as never)
      .execute();
    await expect(getActiveDefinition(storage)).rejects.toThrow(
      new RegExp(`stored dormancy definition version ${active.version} is not valid JSON`),
    );
  });
});

describe.each(ENGINES)('purchase intervals and silences on %s', (engine) => {
  let t: TestDatabase;
  let storage: Storage;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    storage = await t.open();
  });
  afterAll(async () => {
    await storage.close();
    await t.drop();
  });

  it('finds no intervals and no silences without orders', async () => {
    expect(await loadInterPurchaseIntervals(storage, '2025-03-31')).toEqual([]);
    expect(await loadPurchaseSilences(storage, '2025-03-31')).toEqual([]);
  });

  it('counts gaps between distinct purchase days, without refunds or anything after the as-of day', async () => {
    await storage.db
      .insertInto('orders')
      .values([
        // A: two orders on New Year's day (a day and an instant) are one purchase day; the refund
        // on 20 January is not a purchase; April is after the as-of day → gaps 10 and 30
        anOrder('A', '2025-01-01'),
        anOrder('A', '2025-01-01T09:30:00+09:00'),
        anOrder('A', '2025-01-11'),
        anOrder('A', '2025-01-20', -1000),
        anOrder('A', '2025-02-10'),
        anOrder('A', '2025-04-05'),
        // B: across the year end (60 days), then an order late on the as-of day itself (30 days)
        anOrder('B', '2024-12-31'),
        anOrder('B', '2025-03-01'),
        anOrder('B', '2025-03-31T23:59:00+09:00'),
        // C: one purchase, no gap
        anOrder('C', '2025-02-01'),
        // D: only a refund: no purchase at all
        anOrder('D', '2025-02-15', -500),
        // E: the second purchase is after the as-of day
        anOrder('E', '2025-03-01'),
        anOrder('E', '2025-04-01'),
        // F: across a leap day (2 days)
        anOrder('F', '2024-02-28'),
        anOrder('F', '2024-03-01'),
        // ｇ: full-width customer id, same-day duplicates only
        anOrder('Ｇ', '2025-03-10'),
        anOrder('Ｇ', '2025-03-10'),
      ])
      .execute();
    expect(await loadInterPurchaseIntervals(storage, '2025-03-31')).toEqual([
      { days: 2, count: 1 },
      { days: 10, count: 1 },
      { days: 30, count: 2 },
      { days: 60, count: 1 },
    ]);
  });

  it('measures every buyer’s silence up to the as-of day', async () => {
    // A 2025-02-10 → 49, B 2025-03-31 → 0, C → 58, E 2025-03-01 → 30, F 2024-03-01 → 395, Ｇ → 21
    expect(await loadPurchaseSilences(storage, '2025-03-31')).toEqual([
      { days: 0, count: 1 },
      { days: 21, count: 1 },
      { days: 30, count: 1 },
      { days: 49, count: 1 },
      { days: 58, count: 1 },
      { days: 395, count: 1 },
    ]);
  });

  it('moves with the as-of day: an earlier day sees fewer purchases', async () => {
    expect(await loadInterPurchaseIntervals(storage, '2025-01-31')).toEqual([
      { days: 2, count: 1 },
      { days: 10, count: 1 },
    ]);
    // A 2025-01-11 → 20, B 2024-12-31 → 31, F → 336
    expect(await loadPurchaseSilences(storage, '2025-01-31')).toEqual([
      { days: 20, count: 1 },
      { days: 31, count: 1 },
      { days: 336, count: 1 },
    ]);
  });
});
