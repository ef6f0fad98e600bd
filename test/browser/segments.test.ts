/**
 * Segments in a real Chromium against the real server and a real SQLite file: a marketer builds a
 * segment from ticks and a range, watches the live count, saves it and finds it in the list, opens
 * it and follows a customer to the 360; sales reps see only their own accounts in its count.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USERS } from '../serverFixture.js';
import { seedTaskState } from '../taskFixture.js';
import { type Harness, launchChromium, signIn, startHarness } from './browserHarness.js';

const SEGMENT = '初期休眠・高期待値';

describe('segments in Chromium', () => {
  let harness: Harness;
  let browser: Browser;

  beforeAll(async () => {
    harness = await startHarness();
    // C001 (田中, early dormant, ¥182,000), C002 (田中, mid, ¥141,000), C003 (鈴木, long, ¥175,000),
    // C004 (nobody's, early dormant, ¥100,000).
    await seedTaskState(harness.storage);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  const signInAs = (user: keyof typeof USERS): Promise<Page> => signIn(browser, harness, user);

  const liveCount = (page: Page, count: number) =>
    page.locator(`[data-testid=segment-count][data-count="${count}"]`).waitFor();

  it('builds a segment with a live count, shows a range error at its field, saves it and lists it', async () => {
    const page = await signInAs('marketer');
    await page.getByRole('link', { name: 'セグメント', exact: true }).click();
    await page.getByRole('heading', { name: 'セグメント', exact: true }).waitFor();
    await page.getByText('まだセグメントはありません').waitFor();
    await liveCount(page, 4);

    await page.locator('fieldset[data-field=status]').getByLabel('初期休眠').check();
    await liveCount(page, 2);
    await expect(page.getByTestId('segment-count').innerText()).resolves.toBe('該当する顧客: 2件');
    await page.getByLabel('期待値 下限').fill('150,000');
    await liveCount(page, 1);
    await expect(page.getByTestId('segment-preview').innerText()).resolves.toContain('株式会社あおば製作所');

    // A bound the wrong way round: the server's error lands at the range, nothing is counted.
    await page.getByLabel('期待値 上限').fill('100');
    const rangeError = page.locator('.field-error[data-field="ranges.expected_value"]');
    await expect(rangeError.innerText()).resolves.toBe('下限は上限以下にしてください');
    await page.getByLabel('期待値 上限').fill('');
    await liveCount(page, 1);
    await expect(rangeError.count()).resolves.toBe(0);

    await page.getByLabel('セグメント名').fill(SEGMENT);
    await page.getByRole('button', { name: 'セグメントとして保存' }).click();
    await expect(page.getByTestId('segment-message').innerText()).resolves.toBe(
      `「${SEGMENT}」を保存しました（1件）。`,
    );
    const row = page.getByTestId('segment-row').filter({ hasText: SEGMENT });
    await row.waitFor();
    await expect(row.getByTestId('segment-row-count').innerText()).resolves.toBe('1');
    expect(await row.innerText()).toContain('ステータス: 初期休眠');

    await row.getByRole('link', { name: SEGMENT }).click();
    await page.getByTestId('segment-name').waitFor();
    await expect(page.getByTestId('segment-total').innerText()).resolves.toBe('該当する顧客: 1件');
    await page.getByTestId('segment-customers').getByRole('link', { name: '株式会社あおば製作所' }).click();
    await page.waitForURL(`${harness.url}/customers/C001`);
    await page.getByRole('heading', { name: /株式会社あおば製作所/ }).waitFor();

    // The customer list filters by the saved segment too.
    await page.getByRole('link', { name: '顧客', exact: true }).click();
    await page.getByText('4件中 1–4件').waitFor();
    await page.locator('select[name=segment]').selectOption({ label: SEGMENT });
    await page.getByText('1件中 1–1件').waitFor();
    await expect(page.getByTestId('customer-table').locator('tbody tr').count()).resolves.toBe(1);
    await page.context().close();
  });

  it("counts only a sales rep's own accounts and offers no save", async () => {
    for (const [user, count] of [
      ['tanaka', '1'],
      ['suzuki', '0'],
    ] as const) {
      const page = await signInAs(user);
      await page.goto(`${harness.url}/segments`);
      const row = page.getByTestId('segment-row').filter({ hasText: SEGMENT });
      await row.waitFor();
      await expect(row.getByTestId('segment-row-count').innerText()).resolves.toBe(count);
      await page.getByText('担当している顧客のみを数えています。').waitFor();
      await expect(page.getByRole('button', { name: 'セグメントとして保存' }).count()).resolves.toBe(0);
      await liveCount(page, user === 'tanaka' ? 2 : 1);
      expect(await page.getByTestId('segment-builder').innerText()).not.toContain(
        user === 'tanaka' ? 'ひかり商事' : 'あおば製作所',
      );
      await page.context().close();
    }
  });

  it('lets a marketer change a segment on its page and delete it', async () => {
    const page = await signInAs('marketer');
    await page.goto(`${harness.url}/segments`);
    await page.getByTestId('segment-row').getByRole('link', { name: SEGMENT }).click();
    await page.getByRole('button', { name: '条件を編集' }).click();
    const builder = page.getByTestId('segment-builder');
    await expect(builder.getByLabel('期待値 下限').inputValue()).resolves.toBe('150000');
    await builder.locator('fieldset[data-field=status]').getByLabel('長期休眠').check();
    await liveCount(page, 2);
    await builder.getByRole('button', { name: '変更を保存' }).click();
    await expect(page.getByTestId('segment-message').innerText()).resolves.toBe(
      `「${SEGMENT}」を保存しました（2件）。`,
    );
    // The segment's page reloads its customers after the save: wait for it rather than read at once.
    await expect.poll(() => page.getByTestId('segment-total').innerText()).toBe('該当する顧客: 2件');
    await page.getByTestId('segment-customers').locator('[data-customer-id=C003]').waitFor();
    await page.getByRole('button', { name: '編集を閉じる' }).click();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'このセグメントを削除' }).click();
    await page.getByText('まだセグメントはありません').waitFor();
    await page.context().close();
  });
});
