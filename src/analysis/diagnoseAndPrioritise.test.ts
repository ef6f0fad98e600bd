/**
 * Diagnose and Prioritise inside `runAnalysis`, on both engines, on a hand-made company: reasons
 * with their evidence, a person's override winning, the improvement → re-approach loop flagging
 * exactly the customers a fix answers, segments recounted by each run, the reasons report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildReasonsReport } from '../cli/commands/report.js';
import { CRITERIA, parseBreakdown } from '../core/prioritise/index.js';
import { customerStates } from '../storage/analysisQueries.js';
import type { Storage } from '../storage/index.js';
import { reapproachList } from '../storage/reasonReportQueries.js';
import { getSegment, saveSegment, segmentMembers } from '../storage/segmentQueries.js';
import { customerJson } from './customerJson.js';
import { detectModels } from './detectModels.js';
import type { DiagnosisSummary } from './diagnoseAndPrioritise.js';
import { runAnalysis } from './runAnalysis.js';

const AS_OF = '2025-06-30';
let orderSeq = 0;

function monthly(customer_id: string, from: string, months: number, product: string, category: string) {
  const [y, m] = from.split('-').map(Number) as [number, number];
  return Array.from({ length: months }, (_, i) => {
    const month = m - 1 + i;
    orderSeq++;
    return {
      order_id: `O${orderSeq}`,
      customer_id,
      ordered_at: `${y + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-10`,
      amount: 50_000,
      is_refund: 0,
      product,
      category,
    };
  });
}

let eventSeq = 0;
function anEvent(customer_id: string, type: string, occurred_at: string, text: string | null = null) {
  eventSeq++;
  return { event_id: `E${eventSeq}`, customer_id, type, occurred_at, text };
}

const NAMED = ['PRICE', 'FIXME', 'NOTME', 'OVERRIDE', 'ACTIVE'];

async function seed(storage: Storage): Promise<void> {
  const ids = [...NAMED, ...Array.from({ length: 30 }, (_, i) => `P${i}`)];
  await storage.db
    .insertInto('customers')
    .values(
      ids.map((id) => ({
        customer_id: id,
        name: `株式会社${id}`,
        name_key: id.toLowerCase(),
        kind: 'company' as const,
        industry: id.startsWith('P') ? '卸売業' : '製造業',
        prefecture: '東京都',
        email: `${id.toLowerCase()}@example.jp`,
        email_opt_in: 1,
      })),
    )
    .execute();
  const orders = [
    ...monthly('PRICE', '2023-01', 22, 'トナーA', 'toner'),
    ...monthly('FIXME', '2023-01', 21, 'AppX', 'software'),
    ...monthly('NOTME', '2023-01', 21, 'トナーA', 'toner'),
    ...monthly('OVERRIDE', '2023-01', 21, 'AppX', 'software'),
    ...monthly('ACTIVE', '2023-01', 30, 'トナーA', 'toner'),
    ...Array.from({ length: 30 }, (_, i) =>
      monthly(`P${i}`, `20${22 + (i % 3)}-0${1 + (i % 9)}`, 3 + (i % 11), '紙', 'paper'),
    ).flat(),
  ];
  for (let i = 0; i < orders.length; i += 200) {
    await storage.db
      .insertInto('orders')
      .values(orders.slice(i, i + 200))
      .execute();
  }
  await storage.db
    .insertInto('changes')
    .values([
      { change_id: 'PI-1', kind: 'price_increase', category: 'toner', started_at: '2024-10-01' },
      {
        change_id: 'ISSUE-1',
        kind: 'product_issue',
        product: 'AppX',
        started_at: '2024-08-01',
        resolved_at: '2025-03-01',
        description: 'AppXの管理画面が使いにくい問題を改善しました',
      },
      {
        // Resolved after the as-of day: nobody may be flagged for it yet.
        change_id: 'ISSUE-2',
        kind: 'product_issue',
        product: 'AppX',
        started_at: '2024-08-01',
        resolved_at: '2025-12-01',
        description: 'AppXの管理画面が使いにくい',
      },
    ])
    .execute();
  await storage.db
    .insertInto('events')
    .values([
      anEvent('FIXME', 'support_ticket', '2024-08-20T02:00:00Z', 'AppXの管理画面が使いにくいです。'),
      anEvent('NOTME', 'support_ticket', '2024-08-20T02:00:00Z', '価格が高いので他社も検討しています。'),
      anEvent('OVERRIDE', 'support_ticket', '2024-08-20T02:00:00Z', 'AppXの管理画面が使いにくいです。'),
      // After the as-of day: must not count.
      anEvent('PRICE', 'support_ticket', '2025-07-15T02:00:00Z', '担当者が辞めてしまいました'),
    ])
    .execute();
  const user = await storage.db
    .insertInto('users')
    .values({
      email: 'rep@example.jp',
      display_name: '佐藤',
      role: 'sales_rep',
      created_at: '2025-01-01T00:00:00Z',
      disabled: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await storage.db
    .insertInto('reason_overrides')
    .values({
      customer_id: 'OVERRIDE',
      category: 'staff',
      note: '前任の営業が退職',
      user_id: user.id,
      created_at: '2025-05-01T09:00:00Z',
    })
    .execute();
}

async function states(storage: Storage) {
  const out = new Map<string, ReturnType<typeof customerJson>>();
  for await (const page of customerStates(storage))
    for (const row of page) out.set(row.customer_id, customerJson(row));
  return out;
}

describe.each(ENGINES)('diagnosis and prioritisation in runAnalysis on %s', (engine) => {
  let t: TestDatabase;
  let storage: Storage;
  let diagnosis: DiagnosisSummary;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    storage = await t.open();
    await seed(storage);
    // Saved before any analysis: counted 0 now, recounted by the run.
    await saveSegment(storage, {
      name: 'price reasons',
      filter: { reason: ['price'], status: ['early_dormant', 'mid_dormant', 'long_dormant', 'lost'] },
      createdBy: 'test',
      at: '2025-06-01T00:00:00Z',
    });
    const { summary } = await runAnalysis(storage, { asOf: AS_OF, models: detectModels });
    diagnosis = (summary as typeof summary & { diagnosis: DiagnosisSummary }).diagnosis;
  });
  afterAll(async () => {
    await storage.close();
    await t.drop();
  });

  it('gives a price-increase customer the price reason with the price change as evidence', async () => {
    const s = (await states(storage)).get('PRICE');
    expect(s?.status).toMatch(/dormant|lost/);
    expect(s?.reason.category).toBe('price');
    expect(s?.reason.confidence).toBeGreaterThan(0.3);
    const lines = ((s?.reason.evidence ?? []) as { kind: string; line: string }[]).map(
      (e) => `${e.kind}: ${e.line}`,
    );
    expect(lines.some((l) => l.startsWith('price_change') && l.includes('2024-10-01'))).toBe(true);
    // The ticket after the as-of day is not evidence.
    expect(lines.join(' ')).not.toContain('辞め');
  });

  it('fills score, rank, probability, expected value and channels for diagnosed customers only', async () => {
    const all = await states(storage);
    const price = all.get('PRICE');
    expect(price?.score).toBeGreaterThan(0);
    expect(price?.score).toBeLessThanOrEqual(210);
    expect(['A', 'B', 'C', 'D']).toContain(price?.rank);
    expect(price?.reactivation_probability).toBeGreaterThan(0);
    expect(price?.reactivation_probability).toBeLessThan(1);
    expect(typeof price?.expected_value).toBe('number');
    expect(price?.recommended_channels).toContain('email');
    // The stored breakdown adds up to the score, criterion by criterion.
    const rows = new Map<string, string | null>();
    for await (const page of customerStates(storage))
      for (const r of page) rows.set(r.customer_id, r.score_breakdown);
    const text = (id: string) => rows.get(id) ?? null;
    const breakdown = parseBreakdown(text('PRICE'));
    expect(breakdown?.map((b) => b.criterion)).toEqual([...CRITERIA]);
    expect(breakdown?.reduce((sum, b) => sum + b.weighted, 0)).toBe(price?.score);
    expect(breakdown?.find((b) => b.criterion === 'dormancy_length')?.value).toBe(
      price?.days_since_last_purchase,
    );
    expect(text('ACTIVE')).toBeNull();
    const active = all.get('ACTIVE');
    expect(active?.status).toBe('active');
    expect(active?.score).toBeNull();
    expect(active?.reason.category).toBe('unknown');
  });

  it('lets a recorded reason win over the inferred one, saying who and when', async () => {
    const s = (await states(storage)).get('OVERRIDE');
    expect(s?.reason.category).toBe('staff');
    expect(s?.reason.confidence).toBe(1);
    const first = ((s?.reason.evidence ?? []) as { kind: string; line: string }[])[0];
    expect(first?.kind).toBe('override');
    expect(first?.line).toContain('佐藤');
    expect(first?.line).toContain('2025-05-01');
    // The inferred product complaint stays visible as another reason.
    expect(JSON.stringify(s?.reason.evidence)).toContain('product');
    expect(diagnosis.overrides).toBe(1);
  });

  it('flags the customer whose complaint a resolved issue answers, and not the others', async () => {
    expect((await states(storage)).get('FIXME')?.reason.category).toBe('product');
    const flagged = await reapproachList(storage);
    const forIssue = flagged.filter((f) => f.change_id === 'ISSUE-1').map((f) => f.customer_id);
    expect(forIssue).toContain('FIXME');
    expect(forIssue).not.toContain('NOTME');
    expect(forIssue).not.toContain('PRICE');
    expect(flagged.some((f) => f.change_id === 'ISSUE-2')).toBe(false);
    const fixme = flagged.find((f) => f.customer_id === 'FIXME');
    expect(fixme?.line).toContain('ISSUE-1');
    expect(fixme?.is_theme_confirmed).toBe(true);
  });

  it('does not duplicate flags when the analysis runs again', async () => {
    const before = (await reapproachList(storage, { includeReturned: true })).length;
    const again = await runAnalysis(storage, { asOf: AS_OF, models: detectModels });
    const second = (again.summary as typeof again.summary & { diagnosis: DiagnosisSummary }).diagnosis;
    expect(second.reapproach.newly_flagged).toBe(0);
    expect((await reapproachList(storage, { includeReturned: true })).length).toBe(before);
  });

  it('recounts saved segments with each analysis', async () => {
    const segment = await getSegment(storage, 'price reasons');
    const members = await segmentMembers(storage, { reason: ['price'] }, 100);
    const dormantPrice = [...(await states(storage)).values()].filter(
      (s) => s.reason.category === 'price' && /dormant|lost/.test(s.status),
    );
    expect(segment?.last_count).toBe(dormantPrice.length);
    expect(segment?.last_count).toBeGreaterThanOrEqual(1);
    expect(members.map((m) => m.customer_id)).toContain('PRICE');
    expect(segment?.counted_at).not.toBe('2025-06-01T00:00:00Z');
  });

  it('reports reasons by count and lost yearly revenue, in total and by industry', async () => {
    const all = [...(await states(storage)).values()].filter((s) => /dormant|lost/.test(s.status));
    const report = await buildReasonsReport(storage, null);
    expect(report.totals.customers).toBe(all.length);
    const price = report.rows.find((r) => r.reason === 'price');
    expect(price?.customers).toBe(all.filter((s) => s.reason.category === 'price').length);
    const byIndustry = await buildReasonsReport(storage, 'industry');
    expect(byIndustry.totals).toEqual(report.totals);
    const makers = byIndustry.rows.filter((r) => r.group === '製造業');
    expect(makers.reduce((s, r) => s + r.customer_share, 0)).toBeCloseTo(1, 2);
    expect(makers.map((r) => r.reason)).toEqual(expect.arrayContaining(['price', 'product', 'staff']));
  });

  it('says the probability is a fallback when history has too few past episodes', () => {
    expect(diagnosis.reactivation_model.trained).toBe(false);
    expect(diagnosis.reactivation_model.fallback_reason).toMatch(/episodes|horizon/);
    expect(diagnosis.customers).toBeGreaterThanOrEqual(4);
  });
});
