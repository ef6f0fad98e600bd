/**
 * Journeys, templates and the outbox in a real Chromium against the real server and a real
 * SQLite file: a marketer breaks and fixes the shipped win-back journey's file, saves and enables
 * it, enrols the dormant customers and runs it, and finds their emails in the outbox, rendered in
 * Japanese and held (no SMTP server is configured); edits an SMS template and watches the preview
 * and its length warning change; a sales rep sees only their own accounts' messages; a viewer
 * gets no switches or buttons.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { japanDay } from '../../src/server/routes/taskRoutes.js';
import type { USERS } from '../serverFixture.js';
import { seedTaskState } from '../taskFixture.js';
import { type Harness, launchChromium, signIn, startHarness } from './browserHarness.js';

/** Waits for the journey screen's message to say `text` (an earlier message may still show). */
function message(page: Page, text: RegExp): Promise<void> {
  return page.getByTestId('journey-message').filter({ hasText: text }).waitFor();
}

/** A branch's `then` target in JSON (`"then": "x"`) or YAML (`then: x`). */
const THEN_TARGET = /("?then"?\s*:\s*"?)([a-z0-9-]+)/;

describe('journeys, templates and the outbox in Chromium', () => {
  let harness: Harness;
  let browser: Browser;

  beforeAll(async () => {
    harness = await startHarness();
    await seedTaskState(harness.storage, japanDay(new Date()));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  const signInAs = (user: keyof typeof USERS): Promise<Page> => signIn(browser, harness, user);

  it('lets a marketer fix, save, enable and run the win-back journey, and shows the held emails in the outbox', async () => {
    const page = await signInAs('marketer');
    await page.getByRole('link', { name: 'ジャーニー', exact: true }).click();
    await page.getByTestId('journey-list').waitFor();
    await page.locator('[data-journey-id=winback-basic] a').first().click();
    const flow = page.getByTestId('journey-flow');
    await flow.waitFor();
    await expect(page.getByTestId('journey-trigger').innerText()).resolves.toContain(
      'ステータスが 初期休眠・中期休眠・長期休眠 になった',
    );
    expect(await flow.getByTestId('flow-step').count()).toBeGreaterThan(5);
    const branch = flow.locator('.flow-branch').first();
    await expect(branch.getByTestId('flow-paths').innerText()).resolves.toMatch(/はい[\s\S]*いいえ/);

    await page.getByRole('tab', { name: '定義の編集' }).click();
    const source = page.locator('textarea[name=source]');
    const original = await source.inputValue();
    const target = THEN_TARGET.exec(original)?.[2];
    expect(target).toBeTruthy();
    await source.fill(original.replace(THEN_TARGET, '$1nowhere'));
    const issues = page.getByTestId('source-issues');
    await issues.waitFor();
    const issueText = await issues.innerText();
    expect(issueText).toContain('nowhere');
    expect(issueText).toMatch(/steps\[\d+\].*then/);
    await expect(page.getByRole('button', { name: '保存', exact: true }).isDisabled()).resolves.toBe(true);

    // Fixed, renamed, and started at once: without the shipped 15-day wait after detection, the
    // first email is due as soon as a customer enters.
    const fixed = JSON.parse(original) as { name: string; steps: { id: string; type: string }[] };
    expect(fixed.steps[0]?.type).toBe('wait');
    fixed.name = '休眠掘り起こし（基本・検証済み）';
    fixed.steps = fixed.steps.slice(1);
    await source.fill(JSON.stringify(fixed, null, 2));
    await page.getByText('正しい定義です').waitFor();
    await page.getByTestId('draft-flow').waitFor();
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await message(page, /バージョン\d+として保存しました/);
    await page.getByRole('heading', { name: /休眠掘り起こし（基本・検証済み）/ }).waitFor();

    await page.getByRole('button', { name: '有効にする' }).click();
    await message(page, /を有効にしました/);
    await expect(page.getByTestId('journey-enabled').innerText()).resolves.toBe('有効');
    await page.getByRole('tab', { name: 'フローと進行状況' }).click();
    await page.getByLabel('顧客ID', { exact: true }).fill('C001, C002 C003、C004');
    await page.getByRole('button', { name: '登録', exact: true }).click();
    await message(page, /4件を登録しました/);
    await page.getByRole('button', { name: '今すぐ実行' }).click();
    await message(page, /実行しました/);
    // Each customer got the first email and now waits for the reaction check.
    await expect(page.getByTestId('monitor-active').innerText()).resolves.toBe('4');
    const firstEmail = page.locator('[data-testid=journey-flow] [data-step-id=day1-email]');
    await expect(firstEmail.getByTestId('flow-counts').innerText()).resolves.toContain('通過 4');

    await page.getByRole('link', { name: /このジャーニーのメッセージを送信トレイで見る/ }).click();
    await page.getByTestId('outbox-list').waitFor();
    await expect(page.getByTestId('outbox-journey-filter').innerText()).resolves.toContain('winback-basic');
    const rows = page.locator('[data-testid=outbox-row]');
    const statuses = await rows.evaluateAll((r) => r.map((row) => row.getAttribute('data-status')));
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 'held' || s === 'queued')).toBe(true);
    await page.locator('select[name=channel]').selectOption('email');
    await page.locator('[data-testid=outbox-row][data-customer-id=C001]').first().getByRole('button').click();
    const detail = page.getByTestId('outbox-detail');
    await detail.getByTestId('detail-text').waitFor();
    const text = await detail.getByTestId('detail-text').innerText();
    expect(text).toContain('株式会社あおば製作所');
    expect(text).toMatch(/様/);
    if ((await detail.locator('.badge').first().innerText()) === '保留') {
      await expect(detail.getByTestId('detail-reason').innerText()).resolves.toContain('送信手段');
    }
    await expect(detail.getByTestId('html-preview').getAttribute('sandbox')).resolves.toBe('');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Outbox' }).waitFor();
    await expect(page.getByTestId('outbox-detail').innerText()).resolves.toContain('Channel');
    await page.getByRole('button', { name: '日本語' }).click();
    await page.context().close();
  });

  it('shows a sales rep only the messages to their own accounts', async () => {
    const page = await signInAs('tanaka');
    await expect(page.getByRole('link', { name: 'ジャーニー', exact: true }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: '送信トレイ', exact: true }).click();
    await page.getByTestId('outbox-list').waitFor();
    const customers = await page
      .locator('[data-testid=outbox-row]')
      .evaluateAll((r) => r.map((row) => row.getAttribute('data-customer-id')));
    expect(customers.length).toBeGreaterThan(0);
    expect(new Set(customers)).toEqual(new Set(['C001', 'C002']));
    expect(await page.locator('body').innerText()).not.toContain('ひかり商事');
    await page.context().close();
  });

  it('lets a marketer edit an SMS template with a live preview and a length warning', async () => {
    const page = await signInAs('marketer');
    await page.getByRole('link', { name: 'テンプレート', exact: true }).click();
    await page.getByTestId('template-list').waitFor();
    await page.locator('[data-template-id=winback-reminder-sms][data-locale=ja] a').click();
    const preview = page.getByTestId('template-preview');
    await preview.getByTestId('preview-text').waitFor();
    await expect(page.getByTestId('template-version').innerText()).resolves.toBe('標準の文面（未編集）');
    await page.locator('input[name=preview-customer]').fill('あおば');
    await page.getByRole('button', { name: /株式会社あおば製作所/ }).click();
    await expect(preview.getByTestId('preview-customer').innerText()).resolves.toBe('株式会社あおば製作所');

    const body = page.locator('textarea[name=body]');
    await body.fill('');
    await page.getByRole('button', { name: /顧客名/ }).click();
    await body.press('End');
    await body.pressSequentially('様、春の感謝キャンペーンのお知らせです。');
    await expect(body.inputValue()).resolves.toBe(
      '{{customer_name}}様、春の感謝キャンペーンのお知らせです。',
    );
    // {{customer_name}} already carries 御中 or 様: the server names the doubled honorific.
    await preview.getByTestId('preview-error').filter({ hasText: '様' }).waitFor();
    // An SMS names its sender and says how to stop (特定電子メール法).
    const short =
      '【{{sender_name}}】{{customer_name}}、春の感謝キャンペーンのお知らせです。{{cta_url}} 停止 {{unsubscribe_url}}';
    await body.fill(short);
    await preview
      .getByTestId('preview-text')
      .filter({ hasText: /あおば製作所.*春の感謝キャンペーン/ })
      .waitFor();
    await expect(preview.getByTestId('preview-error').count()).resolves.toBe(0);
    const segments = preview.locator('[data-testid=preview-warnings] [data-code=sms_segments]');
    const before = await segments.innerText();
    expect(before).toMatch(/\d+通に分けて送られ/);

    await body.fill(
      short.replace('お知らせです。', `お知らせです。${'ご愛顧いただきありがとうございます。'.repeat(6)}`),
    );
    await segments.filter({ hasNotText: before }).waitFor();
    const count = (text: string) => Number(/(\d+)通に分けて/.exec(text)?.[1]);
    expect(count(await segments.innerText())).toBeGreaterThan(count(before));
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await expect(page.getByTestId('template-message').innerText()).resolves.toContain('保存しました');
    await expect(page.getByTestId('template-version').innerText()).resolves.toMatch(/^バージョン 1（/);
    await page.goto(`${harness.url}/templates`);
    await page
      .locator('[data-template-id=winback-reminder-sms][data-locale=ja]')
      .getByText('編集済み')
      .waitFor();
    await page.context().close();
  });

  it('starts a new journey from a copy of a shipped one, disabled, and names a problem at its line', async () => {
    const page = await signInAs('marketer');
    await page.goto(`${harness.url}/journeys`);
    await page.locator('select[name=from]').selectOption('winback-price');
    await page.locator('input[name=new-id]').fill('winback-price');
    await page.getByRole('button', { name: 'コピーして作成' }).click();
    await page.getByRole('alert').filter({ hasText: 'すでに使われています' }).waitFor();
    await page.locator('input[name=new-id]').fill('winback-price-spring');
    await page.locator('input[name=new-name]').fill('春の価格キャンペーン');
    await page.getByRole('button', { name: 'コピーして作成' }).click();
    await page.getByRole('heading', { name: /春の価格キャンペーン/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/journeys/winback-price-spring');
    await expect(page.getByTestId('journey-enabled').innerText()).resolves.toBe('停止中');

    await page.getByRole('tab', { name: '定義の編集' }).click();
    const source = page.locator('textarea[name=source]');
    await source.fill((await source.inputValue()).replace('"days": 3', '"days": 0'));
    const issue = page.getByTestId('source-issues').locator('li').first();
    await expect(issue.innerText()).resolves.toMatch(/steps\[\d+\].*days.*above 0/);
    // The flow it had before stays in view while the text has a problem.
    await page.getByTestId('last-valid-flow').waitFor();
    await issue.getByRole('button', { name: /行目へ/ }).click();
    const selected = await source.evaluate((el) => {
      const area = el as unknown as { value: string; selectionStart: number; selectionEnd: number };
      return area.value.slice(area.selectionStart, area.selectionEnd);
    });
    expect(selected.trim()).toBe('"days": 0');
    await page.context().close();
  });

  it('gives a viewer the journeys and templates to read, without switches or buttons', async () => {
    const page = await signInAs('viewer');
    await page.getByRole('link', { name: 'ジャーニー', exact: true }).click();
    await page.getByTestId('journey-list').waitFor();
    await expect(page.getByRole('switch').count()).resolves.toBe(0);
    await page.locator('[data-journey-id=winback-basic] a').first().click();
    await page.getByTestId('journey-flow').waitFor();
    await expect(page.getByRole('button', { name: '今すぐ実行' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: /有効にする|停止する/ }).count()).resolves.toBe(0);
    await page.getByRole('tab', { name: '定義の編集' }).click();
    await expect(page.locator('textarea[name=source]').getAttribute('readonly')).resolves.not.toBeNull();
    await expect(page.getByRole('button', { name: '保存', exact: true }).count()).resolves.toBe(0);
    await page.context().close();
  });
});
