/**
 * Column mapping on the import screen: a file whose headers the alias table does not know is
 * previewed, mapped in the table and imported, in a real Chromium against the real server.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, launchChromium, signIn, startHarness } from './browserHarness.js';

const importerAvailable = await import('../../src/importer/index.js').then(
  (m) => typeof m.importFile === 'function',
  () => false,
);

describe.skipIf(!importerAvailable)('column mapping on the import screen in Chromium', () => {
  let harness: Harness;
  let browser: Browser;

  beforeAll(async () => {
    harness = await startHarness();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('maps headers the alias table does not know, imports, and shows the imported count', async () => {
    const csv = [
      '得意先番号,取引先名称,都道府県,社内メモ',
      'X001,株式会社みなと,神奈川県,重要',
      'X002,有限会社やまびこ,長野県,',
      'X003,さくら工房,京都府,',
    ].join('\r\n');
    const file = join(harness.dir, '得意先マスタ.csv');
    writeFileSync(file, iconv.encode(`${csv}\r\n`, 'cp932'));

    const page = await signIn(browser, harness, 'marketer');
    await page.getByRole('link', { name: 'インポート' }).click();
    await page.locator('select[name=kind]').selectOption('customers');
    await page.locator('input[name=file]').setInputFiles(file);

    await page.getByTestId('mapping').waitFor();
    await expect(page.getByTestId('mapping').textContent()).resolves.toContain('Shift_JIS (CP932)');
    const rows = page.getByTestId('mapping-row');
    expect(await rows.count()).toBe(4);
    await expect(rows.nth(1).textContent()).resolves.toContain(
      '株式会社みなと / 有限会社やまびこ / さくら工房',
    );
    // 都道府県 is an alias: already chosen. The two others are not, so the import waits for them.
    expect(await page.getByLabel('取り込み先の項目: 都道府県').inputValue()).toBe('prefecture');
    expect(await page.getByLabel('取り込み先の項目: 得意先番号').inputValue()).toBe('');
    await expect(page.getByTestId('mapping-missing').textContent()).resolves.toBe(
      '必須の項目が対応付けられていません: 顧客ID（customer_id）, 会社名（name）',
    );
    const start = page.getByRole('button', { name: 'インポート開始' });
    expect(await start.isDisabled()).toBe(true);

    await page.getByLabel('取り込み先の項目: 得意先番号').selectOption('customer_id');
    await expect(page.getByTestId('mapping-missing').textContent()).resolves.toContain('name');
    await page.getByLabel('取り込み先の項目: 取引先名称').selectOption('customer_id');
    await expect(page.getByTestId('mapping-duplicates').textContent()).resolves.toBe(
      '同じ項目が複数の列に選ばれています: 顧客ID（customer_id）',
    );
    expect(await start.isDisabled()).toBe(true);
    await page.getByLabel('取り込み先の項目: 取引先名称').selectOption('name');
    expect(await page.getByTestId('mapping-missing').count()).toBe(0);
    expect(await page.getByTestId('mapping-duplicates').count()).toBe(0);

    await start.click();
    await page.locator('[data-testid=import-result][data-status=done]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('summary-accepted').textContent()).toBe('3');
    expect(await page.getByTestId('summary-rejected').textContent()).toBe('0');
    const stored = await harness.storage.db
      .selectFrom('customers')
      .select(['customer_id', 'name', 'prefecture'])
      .where('customer_id', 'like', 'X%')
      .orderBy('customer_id')
      .execute();
    expect(stored).toEqual([
      { customer_id: 'X001', name: '株式会社みなと', prefecture: '神奈川県' },
      { customer_id: 'X002', name: '有限会社やまびこ', prefecture: '長野県' },
      { customer_id: 'X003', name: 'さくら工房', prefecture: '京都府' },
    ]);
    await page.context().close();
  });
});
