/**
 * The saved settings reach the analysis and `mezame plan`, on both engines: a saved scoring
 * configuration changes the ranks the analysis stores, a channel's consent rule removes it from
 * the stored recommendations and the plan, and each run records the settings versions it used.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildPlan } from './approachPlan.js';
import { DEFAULT_CHANNEL_CONFIG } from '../core/prioritise/channelConfig.js';
import { DEFAULT_SCORING_CONFIG } from '../core/prioritise/scoringModel.js';
import type { Storage } from '../storage/index.js';
import { saveChannelConfig, saveScoringConfig } from '../storage/settingsQueries.js';
import { detectModels } from './detectModels.js';
import type { DiagnosisSummary } from './diagnoseAndPrioritise.js';
import { runAnalysis } from './runAnalysis.js';

const AS_OF = '2025-06-30';
const IDS = Array.from({ length: 12 }, (_, i) => `S${String(i).padStart(2, '0')}`);

async function seed(storage: Storage): Promise<void> {
  await storage.db
    .insertInto('customers')
    .values(
      IDS.map((id, i) => ({
        customer_id: id,
        name: `株式会社${id}`,
        name_key: id.toLowerCase(),
        kind: 'company' as const,
        prefecture: '東京都',
        address: '東京都千代田区千代田1-1',
        postal_code: '1000001',
        phone: '03-1234-5678',
        email: `${id.toLowerCase()}@example.jp`,
        email_opt_in: 1,
        dm_ok: 1,
        phone_ok: 1,
        industry: i % 2 === 0 ? '製造業' : '卸売業',
      })),
    )
    .execute();
  let n = 0;
  const orders = IDS.flatMap((id, i) =>
    // Monthly buyers who stopped between 2023-06 and 2024-10: dormant by the default definition.
    Array.from({ length: 6 + i }, (_, k) => {
      const month = 2022 * 12 + k + i;
      n++;
      return {
        order_id: `O${n}`,
        customer_id: id,
        ordered_at: `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-10`,
        amount: 30_000 * (1 + (i % 4)),
        is_refund: 0,
        product: '紙',
        category: 'paper',
      };
    }),
  );
  await storage.db.insertInto('orders').values(orders).execute();
}

describe.each(ENGINES)('saved settings in the analysis and the plan on %s', (engine) => {
  let database: TestDatabase;
  let storage: Storage;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    storage = await database.open();
    await seed(storage);
  });
  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });

  const analyse = async () => {
    const { runId, summary } = await runAnalysis(storage, { asOf: AS_OF, models: detectModels });
    const diagnosis = (summary as unknown as { diagnosis: DiagnosisSummary }).diagnosis;
    const rows = await storage.db
      .selectFrom('customer_state' as never)
      .select(['customer_id', 'rank', 'recommended_channels'] as never)
      .where('rank' as never, 'is not', null)
      .orderBy('customer_id' as never)
      .execute();
    const stored = await storage.db
      .selectFrom('analysis_runs' as never)
      .select('summary' as never)
      .where('id' as never, '=', runId as never)
      .executeTakeFirstOrThrow();
    return {
      diagnosis,
      stored: JSON.parse((stored as { summary: string }).summary) as { diagnosis: DiagnosisSummary },
      rows: rows as unknown as { customer_id: string; rank: string; recommended_channels: string }[],
    };
  };

  it('uses the defaults until settings are saved, then the saved scoring and channel settings', async () => {
    const first = await analyse();
    expect(first.rows.length).toBeGreaterThanOrEqual(8);
    expect(first.diagnosis.settings).toEqual({ scoring_version: null, channels_version: null });
    expect(new Set(first.rows.map((r) => r.rank)).has('A')).toBe(false);
    expect(first.rows.some((r) => (JSON.parse(r.recommended_channels) as string[]).includes('email'))).toBe(
      true,
    );

    // Cut-offs below the lowest possible total (21 = every weight × 1 point): everyone is rank A.
    await saveScoringConfig(
      storage,
      { ...DEFAULT_SCORING_CONFIG, ranks: { A: 21, B: 15, C: 10 } },
      'user:marketer@example.jp',
      '2025-07-01T00:00:00Z',
    );
    const second = await analyse();
    expect(second.rows.map((r) => r.customer_id)).toEqual(first.rows.map((r) => r.customer_id));
    expect(second.rows.every((r) => r.rank === 'A')).toBe(true);
    expect(second.diagnosis.settings).toEqual({ scoring_version: 1, channels_version: null });
    expect(second.stored.diagnosis.settings).toEqual({ scoring_version: 1, channels_version: null });
    expect(second.diagnosis.ranks).toEqual({ A: second.rows.length });

    // Email never for companies: no stored recommendation contains it any more.
    const config = structuredClone(DEFAULT_CHANNEL_CONFIG);
    config.channels.email.consent.company = 'never';
    await saveChannelConfig(storage, config, 'user:admin@example.jp', '2025-07-02T00:00:00Z');
    const third = await analyse();
    expect(third.diagnosis.settings).toEqual({ scoring_version: 1, channels_version: 1 });
    for (const row of third.rows) {
      const channels = JSON.parse(row.recommended_channels) as string[];
      expect(channels).not.toContain('email');
      expect(channels.length).toBeGreaterThan(0);
    }
  });

  it('plans with the saved settings and says which versions it used', async () => {
    const plan = await buildPlan(storage, { budgetYen: 10_000_000, repHours: null, base: null });
    expect(plan.summary.settings).toEqual({ scoring_version: 1, channels_version: 1 });
    expect(plan.choices.length).toBeGreaterThan(0);
    for (const choice of plan.choices) {
      expect(choice.rank).toBe('A');
      expect(choice.channels).not.toContain('email');
    }
    // Each approach costs what the saved settings say.
    const config = structuredClone(DEFAULT_CHANNEL_CONFIG);
    config.channels.email.consent.company = 'never';
    for (const c of Object.values(config.channels)) c.cost_yen = 7;
    await saveChannelConfig(storage, config, 'user:admin@example.jp', '2025-07-03T00:00:00Z');
    const cheap = await buildPlan(storage, { budgetYen: 10_000_000, repHours: null, base: null });
    expect(cheap.summary.settings.channels_version).toBe(2);
    expect(cheap.choices.length).toBeGreaterThan(0);
    for (const choice of cheap.choices) expect(choice.cost_yen).toBe(7 * choice.channels.length);
  });
});
