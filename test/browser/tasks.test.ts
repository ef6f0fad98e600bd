/**
 * The sales rep's task list and the settings screens, in a real Chromium against the real
 * server and a real SQLite file.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBusinessDays } from '../../src/core/act/followUp.js';
import { japanDay } from '../../src/server/routes/taskRoutes.js';
import { generateTasks, listTasks } from '../../src/storage/taskQueries.js';
import type { USERS } from '../serverFixture.js';
import { seedTaskState } from '../taskFixture.js';
import { type Harness, launchChromium, signIn, startHarness } from './browserHarness.js';

function japaneseDate(day: string): string {
  const [y, m, d] = day.split('-');
  return `${Number(y)}年${Number(m)}月${Number(d)}日`;
}

describe('tasks and settings in Chromium', () => {
  let harness: Harness;
  let browser: Browser;
  const today = japanDay(new Date());

  beforeAll(async () => {
    harness = await startHarness();
    await seedTaskState(harness.storage, today);
    await generateTasks(harness.storage, { today, actor: 'test', now: new Date().toISOString() });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  const signInAs = (user: keyof typeof USERS): Promise<Page> => signIn(browser, harness, user);

  it('lets a sales rep log a call outcome and shows the follow-up task', async () => {
    const page = await signInAs('tanaka');
    await page.getByRole('link', { name: 'タスク', exact: true }).click();
    await page.getByTestId('task-list').waitFor();
    const call = page.locator('[data-testid=task][data-customer-id=C001]');
    await expect(call.getByTestId('task-offer').innerText()).resolves.toBe(
      '改善点のご報告と無償トライアル（値引きから入らない）',
    );
    const card = await call.innerText();
    expect(card).toContain('2025年3月10日（工具セット）');
    expect(card).toContain('製品・サービスへの不満'); // the reason label
    expect(card).toContain('サポート: 納期が遅れた');
    expect(card).toContain('株式会社あおば製作所の佐藤 花子様はいらっしゃいますでしょうか');
    await call.locator('input[name=note]').fill('留守番電話に伝言');
    await call.getByRole('button', { name: '不在', exact: true }).click();
    const next = addBusinessDays(today, 3);
    await expect(page.getByTestId('tasks-message').innerText()).resolves.toBe(
      `記録しました。次回: ${japaneseDate(next)} 電話`,
    );
    const followUp = page.locator('[data-testid=task][data-customer-id=C001][data-status=open]');
    await followUp.getByText('フォローアップ').waitFor();
    await expect(followUp.getByTestId('task-due').innerText()).resolves.toBe(japaneseDate(next));
    await page.locator('select[name=status]').selectOption('done');
    await expect(page.getByTestId('task-outcome').innerText()).resolves.toContain('結果: 不在');
    await page.context().close();
  });

  it("does not show a rep another rep's task, and the API refuses it", async () => {
    const page = await signInAs('tanaka');
    await page.goto(`${harness.url}/tasks`);
    await page.getByTestId('task-list').waitFor();
    await page.locator('select[name=status]').selectOption('all');
    await page.locator('[data-testid=task][data-status=done]').waitFor();
    const customers = await page
      .locator('[data-testid=task]')
      .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-customer-id')));
    expect(new Set(customers)).toEqual(new Set(['C001', 'C002']));
    expect(await page.locator('body').innerText()).not.toContain('ひかり商事');

    const suzukiTask = (await listTasks(harness.storage, { ownerKey: '鈴木' }))[0];
    expect(suzukiTask?.customer_id).toBe('C003');
    const me = await page.request.get(`${harness.url}/api/auth/me`);
    const csrf = ((await me.json()) as { csrfToken: string }).csrfToken;
    const post = await page.request.post(`${harness.url}/api/tasks/${suzukiTask?.id}/outcome`, {
      headers: { 'x-csrf-token': csrf },
      data: { outcome: 'won_back' },
    });
    expect(post.status()).toBe(404);
    const list = await page.request.get(
      `${harness.url}/api/tasks?status=all&owner=${encodeURIComponent('鈴木')}`,
    );
    const items = ((await list.json()) as { items: { customer_id: string }[] }).items;
    expect(items.map((i) => i.customer_id).sort()).toEqual(['C001', 'C001', 'C002']);
    expect((await listTasks(harness.storage, { ownerKey: '鈴木' }))[0]?.status).toBe('open');
    await page.context().close();
  });

  it('shows a visit route for the day', async () => {
    const page = await signInAs('tanaka');
    await page.goto(`${harness.url}/tasks`);
    await page.getByRole('tab', { name: '訪問ルート' }).click();
    await page.getByTestId('route-stops').waitFor();
    expect(await page.getByTestId('route-stops').innerText()).toContain('有限会社さくら食品');
    await page.context().close();
  });

  it('lets a marketer change a scoring weight, and shows the error of an invalid value at its field', async () => {
    const page = await signInAs('marketer');
    await page.getByRole('link', { name: 'スコアリング', exact: true }).click();
    const pastValue = page.locator('input[name="weights.past_value"]');
    await expect(pastValue.inputValue()).resolves.toBe('5');
    await pastValue.fill('6');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await expect(page.getByTestId('scoring-message').innerText()).resolves.toContain(
      'バージョン1として保存しました',
    );
    await expect(page.getByText('満点: 220点').count()).resolves.toBe(1);

    await page.locator('input[name="weights.competitor_use"]').fill('-1');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    const error = page.locator('[data-field="weights.competitor_use"]');
    await expect(error.innerText()).resolves.toBe('0〜100の数値を入力してください');
    await expect(
      page.locator('input[name="weights.competitor_use"]').getAttribute('aria-invalid'),
    ).resolves.toBe('true');
    expect(await page.locator('.field-error').count()).toBe(1);
    await page.reload();
    await expect(page.locator('input[name="weights.competitor_use"]').inputValue()).resolves.toBe('3');
    await expect(page.locator('input[name="weights.past_value"]').inputValue()).resolves.toBe('6');
    await page.context().close();
  });

  it('shows the dormancy levels in words and applies the data suggestion', async () => {
    const page = await signInAs('marketer');
    await page.getByRole('link', { name: '休眠定義', exact: true }).click();
    await page.getByTestId('definition-levels').waitFor();
    expect(await page.getByTestId('definition-levels').innerText()).toContain('要注意');
    await expect(page.getByTestId('definition-version').innerText()).resolves.toContain('組み込みの既定値');
    await page.getByRole('button', { name: '注文データから提案を作成' }).click();
    await page.getByTestId('definition-suggestion').waitFor();
    await page.getByRole('button', { name: 'この提案を適用' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toContain('バージョン1として保存し');
    // The saved definition is read back after the message shows: wait for the label to follow.
    await page.getByTestId('definition-version').filter({ hasText: 'バージョン 1' }).waitFor();
    await page.context().close();
  });
});
