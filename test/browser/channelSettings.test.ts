/**
 * Settings → channels & consent in a real Chromium against the real server and a real SQLite
 * file: a marketer changes a cost and a consent rule, sees a wrong value's error at its field, and
 * the saved version is what the API serves; a viewer only reads.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getChannelConfig } from '../../src/storage/settingsQueries.js';
import { USERS } from '../serverFixture.js';
import { type Harness, launchChromium, signIn, startHarness } from './browserHarness.js';

describe('channel settings in Chromium', () => {
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

  const signInAs = (user: keyof typeof USERS): Promise<Page> => signIn(browser, harness, user);

  it('lets a marketer change a visit cost and a consent rule, and shows a wrong value at its field', async () => {
    const page = await signInAs('marketer');
    await page.getByRole('link', { name: 'チャネルと同意', exact: true }).click();
    await page.getByRole('heading', { name: 'チャネルと同意' }).waitFor();
    const visitCost = page.locator('input[name="channels.visit.cost_yen"]');
    await expect(visitCost.inputValue()).resolves.toBe('20000');
    // Visits have no consent column: no "only with explicit consent" choice.
    const visitOptions = await page
      .locator('select[name="channels.visit.consent.company"] option')
      .evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
    expect(visitOptions).toEqual(['opt_out', 'never']);

    await visitCost.fill('１５,０００'); // full-width digits and a comma, as people type them
    await page.locator('select[name="channels.phone.consent.person"]').selectOption('opt_in');
    await page.locator('select[name="channels.sms.consent.company"]').selectOption('never');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await expect(page.getByTestId('channels-message').innerText()).resolves.toContain(
      'バージョン1として保存しました',
    );
    const saved = await getChannelConfig(harness.storage);
    expect(saved.version).toBe(1);
    expect(saved.config.channels.visit.cost_yen).toBe(15_000);
    expect(saved.config.channels.phone.consent).toEqual({ company: 'opt_out', person: 'opt_in' });
    expect(saved.config.channels.sms.consent.company).toBe('never');
    expect(saved.config.channels.email.reactivation_rate).toBe(0.05);

    await page.locator('input[name="channels.dm.cost_yen"]').fill('-100');
    await page.locator('input[name="channels.sms.reactivation_rate"]').fill('150');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await expect(page.locator('[data-field="channels.dm.cost_yen"]').innerText()).resolves.toBe(
      '0以上の整数（円）を入力してください',
    );
    await expect(page.locator('[data-field="channels.sms.reactivation_rate"]').innerText()).resolves.toBe(
      '0〜100の%を入力してください',
    );
    await expect(
      page.locator('input[name="channels.dm.cost_yen"]').getAttribute('aria-invalid'),
    ).resolves.toBe('true');
    expect(await page.locator('.field-error').count()).toBe(2);
    expect((await getChannelConfig(harness.storage)).version).toBe(1);

    await page.reload();
    await expect(page.locator('input[name="channels.visit.cost_yen"]').inputValue()).resolves.toBe('15000');
    await expect(page.locator('input[name="channels.dm.cost_yen"]').inputValue()).resolves.toBe('5000');
    await expect(page.locator('select[name="channels.phone.consent.person"]').inputValue()).resolves.toBe(
      'opt_in',
    );
    await page.context().close();
  });

  it('shows the settings to a viewer without letting them change anything', async () => {
    const page = await signInAs('viewer');
    await page.goto(`${harness.url}/settings/channels`);
    await page.getByRole('heading', { name: 'チャネルと同意' }).waitFor();
    await expect(page.locator('input[name="channels.visit.cost_yen"]').isDisabled()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: '保存', exact: true }).count()).resolves.toBe(0);
    await page.context().close();
  });
});
