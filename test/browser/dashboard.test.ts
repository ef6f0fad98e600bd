/**
 * The marketing lead's morning dashboard and the reasons report, in a real Chromium against the
 * real server and a real SQLite file holding two analysis runs (test/dashboardFixture.ts).
 */
import type { Browser, Page } from 'playwright-core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakdownText, DEFAULT_SCORING_CONFIG, scoreCustomer } from '../../src/core/prioritise/index.js';
import { seedDashboardRuns } from '../dashboardFixture.js';
import { USERS } from '../serverFixture.js';
import { type Harness, launchChromium, signIn, startHarness } from './browserHarness.js';

describe('dashboard and reasons report in Chromium', () => {
  let harness: Harness;
  let browser: Browser;

  beforeAll(async () => {
    harness = await startHarness();
    await seedDashboardRuns(harness.storage, { summary: true });
    // Older purchases of two customers, for the cohorts (read once and cached by the server).
    await harness.storage.db
      .insertInto('orders')
      .values([
        { order_id: 'BC1', customer_id: 'C001', ordered_at: '2019-02-03', amount: 10_000, is_refund: 0 },
        { order_id: 'BC2', customer_id: 'C001', ordered_at: '2019-08-03', amount: 10_000, is_refund: 0 },
        { order_id: 'BC3', customer_id: 'C003', ordered_at: '2019-05-20', amount: 10_000, is_refund: 0 },
      ])
      .execute();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  async function signInAs(user: keyof typeof USERS): Promise<Page> {
    const page = await signIn(browser, harness, user);
    await page.getByTestId('status-changes').waitFor();
    return page;
  }

  it('shows the status changes since the last run, newly dormant, top reasons and the opportunity', async () => {
    const page = await signInAs('marketer');
    await expect(page.getByTestId('analysis-run').innerText()).resolves.toBe(
      '分析基準日: 2026年11月22日（前回（2026年10月22日）の分析と比較）',
    );
    const tiles = page.getByTestId('status-changes');
    await expect(tiles.getByTestId('change-active').innerText()).resolves.toBe('−2');
    await expect(tiles.getByTestId('change-long_dormant').innerText()).resolves.toBe('+1');
    await expect(tiles.getByTestId('change-at_risk').innerText()).resolves.toBe('±0');
    expect(await tiles.locator('[data-status=lost]').innerText()).toBe('1');
    expect(await page.locator('[data-testid=chart-status] canvas').count()).toBeGreaterThan(0);

    await expect(page.getByTestId('newly-dormant').innerText()).resolves.toContain('2社');
    const opportunity = await page.getByTestId('opportunity').innerText();
    expect(opportunity).toContain('￥60,000');
    expect(opportunity).toContain('休眠顧客 3社 × 休眠前の平均年間購入額 ￥200,000 × 想定復活率 10%');
    await expect(page.getByTestId('opportunity-assumptions').innerText()).resolves.toContain('復活率10%');

    const reasons = page.getByTestId('top-reasons');
    const first = await reasons.locator('tr').first().innerText();
    expect(first).toContain('環境の変化');
    expect(first).toContain('￥300,000');
    expect(await reasons.locator('tr[data-reason]').count()).toBe(4);

    const atRisk = page.getByTestId('at-risk');
    expect(await atRisk.locator('tbody tr').first().getAttribute('data-customer-id')).toBe('C005');
    await atRisk.getByRole('tab', { name: 'ヘルススコアの低い順' }).click();
    await atRisk.locator('tbody tr[data-customer-id=C004]:first-child').waitFor();

    await page
      .getByTestId('newly-dormant')
      .getByRole('link', { name: /一覧を見る/ })
      .click();
    await page.getByRole('heading', { name: '新たに休眠した顧客' }).waitFor();
    const rows = page.locator('[data-testid=newly-dormant-table] tbody tr');
    // The heading shows before the list's rows arrive: wait for them.
    await rows.first().waitFor();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-customer-id')))).toEqual([
      'C001',
      'C002',
    ]);
    expect(await rows.first().innerText()).toContain('稼働中');
    await page.context().close();
  });

  it('shows the acquisition cohorts as a heat-map and a table', async () => {
    const page = await signInAs('marketer');
    const section = page.getByTestId('cohorts');
    await section.getByRole('heading', { name: '獲得コホート別の再購入率と休眠率' }).waitFor();
    expect(await section.locator('[data-testid=chart-cohorts] canvas').count()).toBeGreaterThan(0);
    const rows = await section.locator('[data-testid=cohort-table] tbody tr').allInnerTexts();
    expect(rows.slice(0, 2).map((r) => r.split('\t').slice(0, 2))).toEqual([
      ['2019-Q1', '1'],
      ['2019-Q2', '1'],
    ]);
    await page.context().close();
  });

  it("shows a sales rep only their own accounts' numbers", async () => {
    const page = await signInAs('tanaka');
    await expect(page.getByTestId('change-active').innerText()).resolves.toBe('−1');
    await expect(page.getByTestId('opportunity').innerText()).resolves.toContain('￥30,000');
    const reasons = page.getByTestId('top-reasons');
    expect(
      await reasons
        .locator('tr[data-reason]')
        .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-reason'))),
    ).toEqual(['product', 'price']);
    // A status tile opens the customer list filtered by that status.
    await page.getByTestId('status-changes').locator('a[href="/customers?status=early_dormant"]').click();
    await page.locator('[data-testid=customer-table] tbody tr').first().waitFor();
    const ids = await page
      .locator('[data-testid=customer-table] tbody tr td:first-child')
      .evaluateAll((tds) => tds.map((td) => td.textContent));
    expect(ids).toEqual(['C001']);
    expect(await page.locator('[data-testid=customer-table] tbody tr').count()).toBe(1);
    await page.context().close();
  });

  it('switches the reasons report between breakdowns and lists customers whose reason is resolved', async () => {
    const page = await signInAs('admin');
    await page.getByRole('link', { name: '休眠理由レポート', exact: true }).click();
    await page.getByRole('heading', { name: '休眠・離反の理由レポート' }).waitFor();
    await expect(page.getByTestId('reasons-totals').innerText()).resolves.toContain(
      '休眠・離反の顧客 4社、失った年間売上 ￥750,000',
    );
    expect(await page.locator('[data-testid=chart-reasons-revenue] canvas').count()).toBeGreaterThan(0);

    await page.getByTestId('reasons-by').selectOption('owner');
    await page.locator('[data-testid=reasons-table][data-by=owner]').waitFor();
    const groups = () =>
      page
        .locator('[data-testid=reasons-table] .reason-group')
        .evaluateAll((divs) => divs.map((d) => d.getAttribute('data-group')));
    expect(await groups()).toEqual(['鈴木', '田中']);
    expect(new URL(page.url()).search).toBe('?by=owner');

    await page.getByTestId('reasons-by').selectOption('segment');
    await page.locator('[data-testid=reasons-table][data-by=segment]').waitFor();
    expect(await groups()).toEqual(['高ランク']);

    await page.getByTestId('reasons-by').selectOption('cohort');
    await page.locator('[data-testid=reasons-table][data-by=cohort]').waitFor();
    expect(await groups()).toEqual(['2023']);

    const reapproach = page.getByTestId('reapproach');
    const row = reapproach.locator('tr[data-customer-id=C002]');
    await row.waitFor();
    expect(await row.innerText()).toContain('工具カテゴリを8%値下げ');
    await row.getByRole('link', { name: '有限会社さくら食品' }).click();
    await page.getByRole('heading', { name: /有限会社さくら食品/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/customers/C002');
    await page.context().close();
  });

  it("shows on a customer's page how their score was made, criterion by criterion", async () => {
    const score = scoreCustomer(
      {
        totalSpendYen: 360_945,
        daysSinceLastPurchase: 704,
        reason: { category: 'environment', confidence: 0.7 },
        competitorUse: 'none',
        emails: { sent: 4, opened: 1 },
      },
      DEFAULT_SCORING_CONFIG,
    );
    await sql`update customer_state set score = ${score.total}, rank = ${score.rank},
      score_breakdown = ${breakdownText(score.breakdown)} where customer_id = 'C003'`.execute(
      harness.storage.db,
    );
    const page = await signInAs('marketer');
    await page.goto(`${harness.url}/customers/C003`);
    const table = page.getByTestId('score-breakdown');
    await table.waitFor();
    const rows = (await table.locator('tbody tr').allInnerTexts()).map((r) => r.split('\t'));
    expect(rows.map((r) => r[0])).toEqual([
      '過去の取引額',
      '休眠期間',
      '休眠理由の解決可能性',
      '競合の利用状況',
      '地理的な近さ',
      'デジタルでの反応',
    ]);
    expect(rows.map((r) => r[1])).toEqual(['￥360,945', '704日', '環境の変化', '利用なし', '—', '25%']);
    const total = await table.locator('tfoot').innerText();
    expect(total).toBe(`合計\t${score.total}`);
    await page.context().close();
  });

  it('shows the opportunity assumptions as `mezame analyze` states them in English', async () => {
    const page = await signInAs('viewer');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await expect(page.getByTestId('opportunity-assumptions').innerText()).resolves.toContain(
      '× 10 % reactivated',
    );
    await page.context().close();
  });
});
