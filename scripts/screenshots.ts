/**
 * Saves PNGs of the main screens to screenshots/ (git-ignored), from the real server over a
 * seeded SQLite file in Debian's Chromium. `npm run screenshots`. Japanese text needs a Japanese
 * font: Debian's fonts-noto-cjk is installed first when none is there (as root), otherwise the
 * script stops and says so, rather than saving pictures of empty boxes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { japanDay } from '../src/server/routes/taskRoutes.js';
import { generateTasks } from '../src/storage/taskQueries.js';
import { launchChromium, startHarness } from '../test/browser/browserHarness.js';
import { PASSWORD, USERS } from '../test/serverFixture.js';
import { seedTaskState } from '../test/taskFixture.js';

const OUT = resolve(import.meta.dirname, '..', 'screenshots');

function hasJapaneseFont(): boolean {
  try {
    return execFileSync('fc-list', [':lang=ja', 'family'], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}

function ensureJapaneseFont(): void {
  if (hasJapaneseFont()) return;
  if (process.getuid?.() === 0) {
    process.stderr.write('no Japanese font: installing fonts-noto-cjk from Debian…\n');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-q'], { stdio: 'ignore', env });
    execFileSync('apt-get', ['install', '-y', '-q', 'fonts-noto-cjk'], { stdio: 'ignore', env });
  }
  if (!hasJapaneseFont()) {
    throw new Error('no Japanese font: install the Debian package fonts-noto-cjk, then run this again');
  }
}

async function main(): Promise<void> {
  ensureJapaneseFont();
  mkdirSync(OUT, { recursive: true });
  const harness = await startHarness();
  const today = japanDay(new Date());
  await seedTaskState(harness.storage, today);
  await generateTasks(harness.storage, { today, actor: 'screenshots', now: new Date().toISOString() });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'ja-JP' });
    const page = await context.newPage();
    const shot = async (name: string) => {
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
      process.stderr.write(`saved screenshots/${name}.png\n`);
    };
    await page.goto(harness.url);
    await page.getByLabel('ログインID（メールアドレス）').waitFor();
    await shot('01-login');
    await page.getByLabel('ログインID（メールアドレス）').fill(USERS.admin.email);
    await page.getByLabel('パスワード').fill(PASSWORD);
    await page.getByRole('button', { name: 'ログイン', exact: true }).click();
    await page.getByRole('heading', { name: 'ダッシュボード' }).waitFor();
    await shot('02-dashboard');
    await page.goto(`${harness.url}/customers`);
    await page.getByTestId('customer-table').waitFor();
    await shot('03-customers');
    await page.goto(`${harness.url}/customers/C001`);
    await page.getByTestId('reason-panel').waitFor();
    await page.locator('select[name=category]').selectOption('product');
    await page.locator('input[name=note]').fill('納期遅延のクレーム後に発注が途絶えた');
    await page.getByRole('button', { name: '理由を登録' }).click();
    await page.getByTestId('reason-history').waitFor();
    await shot('04-customer-360');
    await page.goto(`${harness.url}/import`);
    await page.locator('select[name=kind]').waitFor();
    // One bad row (no name) so the summary shows a reject and the report link.
    const csv = join(OUT, '新規顧客.csv');
    writeFileSync(
      csv,
      'customer_id,name,prefecture,owner\nN001,株式会社つばさ,福岡県,田中\nN002,,北海道,鈴木\n',
    );
    await page.locator('input[name=file]').setInputFiles(csv);
    await page.getByRole('button', { name: 'インポート開始' }).click();
    await page.locator('[data-testid=import-result]:not([data-status=running])').waitFor({ timeout: 30_000 });
    rmSync(csv);
    await shot('05-import');
    await page.goto(`${harness.url}/settings/users`);
    await page.getByTestId('users').waitFor();
    await shot('06-users');
    await page.goto(`${harness.url}/settings/tokens`);
    await page.locator('input[name=token-name]').fill('ECサイト連携');
    await page.getByRole('button', { name: '発行', exact: true }).click();
    await page.getByTestId('token-secret').waitFor();
    await shot('07-tokens');
    await page.goto(`${harness.url}/settings/definition`);
    await page.getByTestId('definition-levels').waitFor();
    await page.getByRole('button', { name: '注文データから提案を作成' }).click();
    await page.getByTestId('definition-suggestion').waitFor();
    await shot('09-settings-definition');
    await page.goto(`${harness.url}/settings/scoring`);
    await page.locator('input[name="weights.competitor_use"]').fill('-1');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.locator('.field-error').waitFor();
    await shot('10-settings-scoring-error');
    // Journeys: the shipped win-back journey enabled, the seeded customers enrolled and run once.
    await page.goto(`${harness.url}/journeys`);
    await page.getByTestId('journey-list').waitFor();
    await shot('14-journeys');
    await page.goto(`${harness.url}/journeys/winback-basic`);
    await page.getByTestId('journey-flow').waitFor();
    await page.getByRole('button', { name: '有効にする' }).click();
    await page.getByLabel('顧客ID', { exact: true }).fill('C001 C002 C003 C004');
    await page.getByRole('button', { name: '登録', exact: true }).click();
    await page.getByTestId('journey-message').waitFor();
    await page.getByRole('button', { name: '今すぐ実行' }).click();
    await page.getByText('実行しました').waitFor();
    await shot('15-journey-monitor');
    await page.getByRole('tab', { name: '定義の編集' }).click();
    await page.getByText('正しい定義です').waitFor();
    await shot('16-journey-source');
    await page.getByRole('tab', { name: 'シミュレーション' }).click();
    await page.getByRole('button', { name: '試算する' }).click();
    await page.getByTestId('sim-steps').waitFor();
    await shot('17-journey-simulation');
    await page.goto(`${harness.url}/templates/winback-value-email/ja`);
    await page.frameLocator('[data-testid=html-preview]').locator('body').waitFor();
    // Headless Chromium paints a sandboxed frame only once it has been captured in view.
    await page.getByTestId('html-preview').screenshot();
    await shot('18-template-email');
    // The product win-back journey starts with an email: one run queues it (held: no SMTP server).
    await page.goto(`${harness.url}/journeys/winback-product`);
    await page.getByRole('button', { name: '有効にする' }).click();
    await page.getByText('を有効にしました').waitFor();
    await page.getByLabel('顧客ID', { exact: true }).fill('C001 C002');
    await page.getByRole('button', { name: '登録', exact: true }).click();
    await page.getByText('件を登録しました').waitFor();
    await page.getByRole('button', { name: '今すぐ実行' }).click();
    await page.getByText('実行しました').waitFor();
    await page.goto(`${harness.url}/outbox`);
    await page.getByTestId('outbox-list').waitFor();
    await page.locator('[data-testid=outbox-row] button').first().click();
    await page.getByTestId('detail-text').waitFor();
    await page.frameLocator('[data-testid=html-preview]').locator('body').waitFor();
    // Headless Chromium paints a sandboxed frame only once it has been captured in view.
    await page.getByTestId('html-preview').screenshot();
    await shot('19-outbox');
    // The sales rep's day: tasks with scripts, then the visit route.
    const rep = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'ja-JP' });
    const repPage = await rep.newPage();
    await repPage.goto(harness.url);
    await repPage.getByLabel('ログインID（メールアドレス）').fill(USERS.tanaka.email);
    await repPage.getByLabel('パスワード').fill(PASSWORD);
    await repPage.getByRole('button', { name: 'ログイン', exact: true }).click();
    await repPage.getByRole('heading', { name: 'ダッシュボード' }).waitFor();
    await repPage.goto(`${harness.url}/tasks`);
    await repPage.getByTestId('task-list').waitFor();
    await repPage.waitForLoadState('networkidle');
    await repPage.screenshot({ path: join(OUT, '11-tasks.png'), fullPage: true });
    await repPage
      .locator('[data-testid=task][data-customer-id=C001]')
      .getByRole('button', { name: '不在', exact: true })
      .click();
    await repPage.getByTestId('tasks-message').waitFor();
    await repPage.screenshot({ path: join(OUT, '12-tasks-follow-up.png'), fullPage: true });
    await repPage.getByRole('tab', { name: '訪問ルート' }).click();
    await repPage.getByTestId('route-stops').waitFor();
    await repPage.locator('input[name=base]').fill('東京都');
    await repPage.getByRole('button', { name: 'ルートを表示' }).click();
    await repPage.getByText('東京都 →').waitFor();
    await repPage.screenshot({ path: join(OUT, '13-visit-route.png'), fullPage: true });
    await rep.close();
    process.stderr.write('saved screenshots/11-tasks.png, 12-tasks-follow-up.png, 13-visit-route.png\n');
    await page.getByRole('button', { name: 'English' }).click();
    await page.goto(`${harness.url}/customers/C001`);
    await page.getByTestId('reason-panel').waitFor();
    await shot('08-customer-360-en');
  } finally {
    await browser.close();
    await harness.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`screenshots failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
