/**
 * The dashboard's "施策の成果 (KPI・ROI)" card in Chromium against the real server, on the
 * hand-counted campaign of test/kpiFixture.ts (messages, tracking events, a call, orders in the
 * database), without a period: K5's December email is in.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KPI_JOURNEY, seedKpiCampaign } from '../kpiFixture.js';
import { type Harness, launchChromium, signIn, startHarness } from './browserHarness.js';

describe('KPI and ROI card in Chromium', () => {
  let harness: Harness;
  let browser: Browser;

  beforeAll(async () => {
    harness = await startHarness();
    await seedKpiCampaign(harness.storage);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('shows the ladder by channel and by journey, ROI as a percentage, and the ROI chart', async () => {
    const page = await signIn(browser, harness, 'marketer');
    const card = page.getByTestId('kpi');
    await card.getByRole('heading', { name: '施策の成果 (KPI・ROI)' }).waitFor();
    const table = card.getByTestId('kpi-table');
    await table.waitFor();
    expect(
      await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-group'))),
    ).toEqual(['email', 'phone', 'sms', 'total']);
    // Email: K1, K2, K5 sent (¥3,000), K3 held; K1 bought ¥100,000 at an assumed 30 %:
    // ROI (¥30,000 − ¥3,000) ÷ ¥3,000 = 900 %; no appointment by email (0 %), no retention yet (—).
    const email = (await table.locator('tr[data-group=email]').innerText()).split('\t').map((c) => c.trim());
    expect(email[0]).toBe('メール');
    expect(email[1]).toBe('3');
    expect(email[2]).toBe('75%');
    expect(email).toContain('￥3,000');
    expect(email[13]).toBe('900%');
    await expect(table.locator('tr[data-group=sms] [data-testid=kpi-roi]').innerText()).resolves.toBe(
      '-100%',
    );
    await expect(table.locator('tr[data-group=phone] [data-testid=kpi-roi]').innerText()).resolves.toBe(
      '700%',
    );
    // Total: gross profit ¥30,000 + ¥80,000 against ¥13,300 → 727 %.
    await expect(table.locator('tr[data-group=total] [data-testid=kpi-roi]').innerText()).resolves.toBe(
      '727%',
    );
    await expect(card.innerText()).resolves.toContain('保留されたメッセージのみの顧客 1社');
    expect(await card.locator('[data-testid=chart-kpi-roi] canvas').count()).toBeGreaterThan(0);

    await card.getByRole('tab', { name: 'ジャーニー別' }).click();
    await table.locator(`tr[data-group="${KPI_JOURNEY}"]`).waitFor();
    const journey = (await table.locator(`tr[data-group="${KPI_JOURNEY}"]`).innerText()).split('\t');
    expect(journey[1]?.trim()).toBe('4');
    expect(journey[13]?.trim()).toBe('727%');

    // By rank and by saved segment the total stays the company's: every touched customer once.
    for (const tab of ['ランク別', 'セグメント別']) {
      await card.getByRole('tab', { name: tab }).click();
      await card.getByRole('tab', { name: tab, selected: true }).waitFor();
      const total = (await table.locator('tr[data-group=total]').innerText()).split('\t');
      expect(total[13]?.trim()).toBe('727%');
    }
    await page.context().close();
  });
});
