/**
 * The real thing for browser tests and screenshots: the built web app served by
 * `startServer` on a random loopback port over a real SQLite file, and Debian's Chromium
 * driven by playwright-core.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { type RunningServer, startServer } from '../../src/server/index.js';
import { hashPassword } from '../../src/server/passwords.js';
import { insertUser } from '../../src/storage/accountQueries.js';
import { openStorage, type Storage } from '../../src/storage/index.js';
import { PASSWORD, seedCustomers, USERS } from '../serverFixture.js';

export const CHROMIUM = process.env.MEZAME_CHROMIUM ?? '/usr/bin/chromium';
const REPO = resolve(import.meta.dirname, '..', '..');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    headless: true,
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds web/dist when it is missing or older than web/src (npm ci builds it through `prepare`). */
export function ensureWebBuilt(): void {
  const index = join(REPO, 'web', 'dist', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestSourceMs(join(REPO, 'web', 'src'))) return;
  execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: REPO,
    stdio: 'inherit',
  });
}

export interface Harness {
  server: RunningServer;
  storage: Storage;
  dir: string;
  url: string;
  close(): Promise<void>;
}

/** A seeded database (one user per role, four customers) served on a random port. */
export async function startHarness(): Promise<Harness> {
  ensureWebBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'mezame-browser-'));
  const storage = await openStorage({ dbFile: join(dir, 'mezame.db') });
  const passwordHash = await hashPassword(PASSWORD);
  for (const [name, u] of Object.entries(USERS)) {
    await insertUser(storage, {
      email: u.email,
      displayName: name,
      role: u.role,
      ownerKey: u.ownerKey,
      passwordHash,
      createdAt: new Date().toISOString(),
    });
  }
  await seedCustomers(storage);
  const server = await startServer({
    storage,
    port: 0,
    host: '127.0.0.1',
    handleSignals: false,
    announce: () => undefined,
    config: { logLevel: 'warn', uploadDir: join(dir, 'uploads') },
  });
  return {
    server,
    storage,
    dir,
    url: server.url,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs in as one of the seeded users in a new Japanese browser context; the dashboard is shown. */
export async function signIn(
  browser: Browser,
  harness: Harness,
  user: keyof typeof USERS,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext({ locale: 'ja-JP', ...options });
  const page = await context.newPage();
  await page.goto(harness.url);
  await page.getByLabel('ログインID（メールアドレス）').fill(USERS[user].email);
  await page.getByLabel('パスワード').fill(PASSWORD);
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
  await page.getByRole('heading', { name: 'ダッシュボード' }).waitFor();
  return page;
}
