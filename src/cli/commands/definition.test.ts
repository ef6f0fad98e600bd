import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun as Run, runMezame } from '../../../test/cliHarness.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../../test/engines.js';
import { PRESET_NAMES, PRESETS } from '../../core/detect/dormancyDefinition.js';
import { addDays } from '../../core/detect/isoDays.js';
import type { Storage } from '../../storage/storage.js';

const mezame = (args: string[]): Promise<Run> => runMezame(args);

const AS_OF = '2025-03-31';

/**
 * 40 customers buying every 30 days, 5 purchases each: the first 20 last bought 30 days before
 * the as-of day, the other 20 stopped a year earlier. One order after the as-of day must not count.
 */
async function seedRegularBuyers(storage: Storage): Promise<void> {
  const orders = [];
  for (let c = 0; c < 40; c++) {
    const last = c < 20 ? addDays(AS_OF, -30) : addDays(AS_OF, -395);
    for (let k = 0; k < 5; k++) {
      orders.push({
        order_id: `O${c}-${k}`,
        customer_id: `C${c}`,
        ordered_at: addDays(last, -30 * k),
        amount: 5000,
        is_refund: 0,
      });
    }
  }
  orders.push({ order_id: 'late', customer_id: 'C0', ordered_at: '2025-04-02', amount: 5000, is_refund: 0 });
  await storage.db.insertInto('orders').values(orders).execute();
}

describe('mezame definition (SQLite)', () => {
  let t: TestDatabase;
  let empty: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'mezame-definition-'));
  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    const storage = await t.open();
    await seedRegularBuyers(storage);
    await storage.close();
    empty = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    await t.drop();
    await empty.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the built-in default when nothing is stored', async () => {
    const text = await mezame(['definition', 'show', ...empty.cliArgs]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("Dormancy definition 'default' (built-in default, nothing stored yet)");
    expect(text.stdout).toContain('rule:  overdue_ratio >= 3 and days_since_last_purchase >= 90');
    const json = await mezame(['definition', 'show', '--json', '--lang', 'ja', ...empty.cliArgs]);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.version).toBeNull();
    expect(doc.definition).toEqual(PRESETS.default);
    expect(doc.levels.map((l: { label: string }) => l.label)).toEqual([
      '要注意',
      '初期休眠',
      '中期休眠',
      '長期休眠',
    ]);
  });

  it('falls back to the preset with the reason when there is no order history', async () => {
    const run = await mezame([
      'definition',
      'suggest',
      '--as-of',
      AS_OF,
      '--base',
      'ec_consumables',
      ...empty.cliArgs,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Not enough order history up to 2025-03-31');
    expect(run.stdout).toMatch(
      /Only 0 repeat purchases .* 'ec_consumables' definition is suggested unchanged/,
    );
  });

  it('suggests thresholds from the data, with the reasoning, and only saves with --save', async () => {
    const run = await mezame(['definition', 'suggest', '--as-of', AS_OF, '--json', ...t.cliArgs]);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.basis).toBe('data');
    expect(doc.stats).toMatchObject({ repeat_purchases: 160, customers_with_a_silence: 40 });
    expect(doc.thresholds_days).toEqual({
      at_risk: 30,
      early_dormant: 33,
      mid_dormant: 37,
      long_dormant: 41,
    });
    expect(doc.reasoning.map((r: { en: string }) => r.en)).toContain(
      'Customers silent for 37+ days came back in only 0 % of cases (0 of 20), so that is where mid dormancy starts.',
    );
    expect(doc.saved_version).toBeNull();
    expect(
      JSON.parse((await mezame(['definition', 'versions', '--json', ...t.cliArgs])).stdout).versions,
    ).toEqual([]);

    const saved = await mezame(['definition', 'suggest', '--as-of', AS_OF, '--save', ...t.cliArgs]);
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain('90 % of repeat purchases happen within 30 days of the previous one');
    expect(saved.stdout).toContain('Saved as version 1; it is now the active definition.');
    const shown = JSON.parse((await mezame(['definition', 'show', '--json', ...t.cliArgs])).stdout);
    expect(shown).toMatchObject({ version: 1, is_active: true, definition: { name: 'suggested' } });
    expect(shown.definition.levels.long_dormant).toBe('days_since_last_purchase > 41');
  });

  it('refuses an invalid file with every error (level, column, message), exit 2, nothing stored', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'broken',
        business_model: 'b2b',
        levels: {
          at_risk: 'overdue_ratio >=',
          early_dormant: 'days_since_last_purchse >= 9mo',
          mid_dormant: '(overdue_ratio >= 3',
          long_dormant: 'overdue_ratio >= 3 foo',
        },
      }),
    );
    const run = await mezame(['definition', 'set', file, ...empty.cliArgs]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not a valid dormancy definition (4 problems); nothing was stored');
    expect(run.stderr).toContain(
      "levels.at_risk (column 17): expected a number after '>=', got the end of the rule",
    );
    expect(run.stderr).toContain(
      "levels.early_dormant (column 1): unknown feature 'days_since_last_purchse'; did you mean 'days_since_last_purchase'?",
    );
    expect(run.stderr).toContain("levels.mid_dormant (column 1): '(' at column 1 is never closed");
    expect(run.stderr).toContain("levels.long_dormant (column 20): unexpected 'foo'");
    const json = await mezame(['definition', 'set', file, '--json', ...empty.cliArgs]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).errors).toHaveLength(4);
    expect(
      JSON.parse((await mezame(['definition', 'versions', '--json', ...empty.cliArgs])).stdout).versions,
    ).toEqual([]);
  });

  it('refuses a file that is not JSON, a missing file, an unknown preset and no source at all', async () => {
    const notJson = join(dir, 'definition.yaml');
    writeFileSync(notJson, 'name: mine\n');
    for (const args of [
      ['definition', 'set', notJson],
      ['definition', 'set', join(dir, 'missing.json')],
      ['definition', 'set', '--preset', 'retail'],
      ['definition', 'set'],
      ['definition', 'show', '--version', 'x'],
      ['definition', 'suggest', '--as-of', '2025-02-30'],
    ]) {
      const run = await mezame([...args, ...empty.cliArgs]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(/^mezame: /);
    }
  });

  it('stores a JSON file (BOM and all) and a preset as new versions, and activates an older one', async () => {
    const file = join(dir, 'ours.json');
    const ours = { name: '当社の定義', business_model: 'b2b', levels: PRESETS.professional_services.levels };
    writeFileSync(file, `\uFEFF${JSON.stringify(ours)}`);
    const stored = await mezame(['definition', 'set', file, '--json', ...empty.cliArgs]);
    expect(stored.code, stored.stderr).toBe(0);
    expect(JSON.parse(stored.stdout)).toMatchObject({ version: 1, definition: { name: '当社の定義' } });

    const preset = await mezame(['definition', 'set', '--preset', 'subscription_saas', ...empty.cliArgs]);
    expect(preset.code).toBe(0);
    expect(preset.stdout).toContain("Stored 'subscription_saas' from preset subscription_saas as version 2");

    const versions = await mezame(['definition', 'versions', ...empty.cliArgs]);
    expect(versions.stdout).toMatch(/^\* 2\tsubscription_saas\t/m);
    expect(versions.stdout).toMatch(/^ {2}1\t当社の定義\t/m);

    expect((await mezame(['definition', 'activate', '1', ...empty.cliArgs])).code).toBe(0);
    const shown = await mezame(['definition', 'show', '--lang', 'ja', ...empty.cliArgs]);
    expect(shown.stdout).toContain("Dormancy definition '当社の定義' (version 1, active");
    expect(shown.stdout).toContain('最終購入からの日数が730日（約2年）以上');
    const older = await mezame(['definition', 'show', '--version', '2', '--json', ...empty.cliArgs]);
    expect(JSON.parse(older.stdout)).toMatchObject({ version: 2, is_active: false });
    expect((await mezame(['definition', 'show', '--version', '9', ...empty.cliArgs])).code).toBe(2);
  });

  it('lists every preset', async () => {
    const run = await mezame(['definition', 'presets', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).presets.map((p: { name: string }) => p.name)).toEqual([...PRESET_NAMES]);
    const text = await mezame(['definition', 'presets']);
    for (const name of PRESET_NAMES) expect(text.stdout).toMatch(new RegExp(`^${name}$`, 'm'));
  });
});

describe.each(ENGINES.filter((e) => e === 'postgres'))('mezame definition on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    const storage = await t.open();
    await seedRegularBuyers(storage);
    await storage.close();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('suggests the same thresholds as on SQLite and stores a preset', async () => {
    const run = await mezame(['definition', 'suggest', '--as-of', AS_OF, '--json', ...t.cliArgs]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).thresholds_days).toEqual({
      at_risk: 30,
      early_dormant: 33,
      mid_dormant: 37,
      long_dormant: 41,
    });
    const set = await mezame(['definition', 'set', '--preset', 'equipment', '--json', ...t.cliArgs]);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout).version).toBe(1);
  });
});
