/**
 * An in-process server over a fresh database (SQLite file or PostgreSQL), with one user of
 * each role and a few customers owned by two sales reps. Requests go through `app.inject`.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { UNSET_SENDER } from '../src/journeys/journeyRunner.js';
import { buildServer, type MezameServer } from '../src/server/index.js';
import { hashPassword } from '../src/server/passwords.js';
import { insertUser, type Role } from '../src/storage/accountQueries.js';
import type { Engine, Storage } from '../src/storage/index.js';
import { createTestDatabase, type TestDatabase } from './engines.js';

export const PASSWORD = 'correct horse battery';
export const NOW = new Date('2026-11-22T09:00:00Z');

export const USERS = {
  admin: { email: 'admin@example.jp', role: 'admin', ownerKey: null },
  marketer: { email: 'marketer@example.jp', role: 'marketer', ownerKey: null },
  tanaka: { email: 'tanaka@example.jp', role: 'sales_rep', ownerKey: '田中' },
  suzuki: { email: 'suzuki@example.jp', role: 'sales_rep', ownerKey: '鈴木' },
  viewer: { email: 'viewer@example.jp', role: 'viewer', ownerKey: null },
} as const satisfies Record<string, { email: string; role: Role; ownerKey: string | null }>;
export type UserName = keyof typeof USERS;

export interface Session {
  cookie: string;
  csrf: string;
}

export interface TestServer {
  db: TestDatabase;
  storage: Storage;
  server: MezameServer;
  uploadDir: string;
  login(user: UserName): Promise<Session>;
  request(options: {
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
    url: string;
    as?: Session | null;
    token?: string;
    body?: unknown;
    csrf?: boolean;
    headers?: Record<string, string>;
  }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Customers: two of 田中's, one of 鈴木's, one unowned; orders, contacts (one left), events. */
export async function seedCustomers(storage: Storage): Promise<void> {
  const customer = (
    id: string,
    name: string,
    owner: string | null,
    prefecture: string,
    industry: string,
  ) => ({
    customer_id: id,
    name,
    name_key: name,
    kind: 'company' as const,
    email: `${id.toLowerCase()}@example.jp`,
    phone: null,
    postal_code: null,
    prefecture,
    address: null,
    lat: null,
    lng: null,
    industry,
    employees: 40,
    owner,
    tags: null,
    created_at: '2023-04-01',
    email_opt_in: 1,
    sms_opt_in: 0,
    dm_ok: 1,
    phone_ok: 1,
    do_not_contact: 0,
    merged_into: null,
    import_batch_id: null,
  });
  await storage.db
    .insertInto('customers')
    .values([
      customer('C001', '株式会社あおば製作所', '田中', '東京都', '製造業'),
      customer('C002', '有限会社さくら食品', '田中', '大阪府', '食品'),
      customer('C003', 'ひかり商事株式会社', '鈴木', '東京都', '卸売'),
      customer('C004', 'みどり工業', null, '愛知県', '製造業'),
    ])
    .execute();
  await storage.db
    .insertInto('contacts')
    .values([
      {
        contact_id: 'P1',
        customer_id: 'C001',
        name: '山田 太郎',
        email: null,
        phone: null,
        department: '購買部',
        role: '課長',
        status: 'left',
        updated_at: '2026-05-01',
        import_batch_id: null,
      },
      {
        contact_id: 'P2',
        customer_id: 'C001',
        name: '佐藤 花子',
        email: null,
        phone: null,
        department: '購買部',
        role: '担当',
        status: 'active',
        updated_at: '2026-05-01',
        import_batch_id: null,
      },
    ])
    .execute();
  const order = (id: string, customerId: string, day: string, amount: number) => ({
    order_id: id,
    customer_id: customerId,
    ordered_at: day,
    amount,
    gross_margin: null,
    product: '工具セット',
    category: '工具',
    quantity: 1,
    channel: 'sales',
    is_refund: amount < 0 ? 1 : 0,
    import_batch_id: null,
  });
  await storage.db
    .insertInto('orders')
    .values([
      order('O1', 'C001', '2025-01-15', 120000),
      order('O2', 'C001', '2025-03-10', 98000),
      order('O3', 'C001', '2025-03-20', -5000),
      order('O4', 'C002', '2025-06-01', 45000),
      order('O5', 'C003', '2026-10-01', 300000),
    ])
    .execute();
  await storage.db
    .insertInto('events')
    .values([
      {
        event_id: 'E1',
        customer_id: 'C001',
        type: 'email_open',
        occurred_at: '2026-02-01T10:00:00+09:00',
        channel: 'email',
        campaign: '春の案内',
        url: null,
        text: null,
        value: null,
        properties: null,
        import_batch_id: null,
      },
      {
        event_id: 'E2',
        customer_id: 'C001',
        type: 'support_ticket',
        occurred_at: '2025-04-02T15:00:00+09:00',
        channel: null,
        campaign: null,
        url: null,
        text: '納期が遅れた',
        value: null,
        properties: null,
        import_batch_id: null,
      },
    ])
    .execute();
}

export async function createTestServer(
  engine: Engine,
  options: {
    loginRateLimit?: { max: number; windowMs: number };
    seed?: boolean;
    maxUploadBytes?: number;
    dashboardCacheMs?: number;
    /** Where a message's call to action leads (MEZAME_CTA_URL). */
    ctaUrl?: string;
  } = {},
): Promise<TestServer> {
  const db = await createTestDatabase(engine);
  const storage = await db.open();
  const uploadDir = mkdtempSync(join(tmpdir(), 'mezame-uploads-'));
  const passwordHash = await hashPassword(PASSWORD);
  for (const [name, u] of Object.entries(USERS)) {
    await insertUser(storage, {
      email: u.email,
      displayName: name,
      role: u.role,
      ownerKey: u.ownerKey,
      passwordHash,
      createdAt: NOW.toISOString(),
    });
  }
  if (options.seed !== false) await seedCustomers(storage);
  const server = await buildServer({
    storage,
    clock: () => NOW,
    ...(options.ctaUrl ? { channels: { senders: {}, sender: UNSET_SENDER, ctaUrl: options.ctaUrl } } : {}),
    config: {
      logLevel: 'silent',
      uploadDir,
      dashboardCacheMs: options.dashboardCacheMs ?? 0,
      loginRateLimit: options.loginRateLimit ?? { max: 1000, windowMs: 60_000 },
      ...(options.maxUploadBytes ? { maxUploadBytes: options.maxUploadBytes } : {}),
    },
  });
  const sessions = new Map<UserName, Session>();

  const request: TestServer['request'] = async ({
    method,
    url,
    as,
    token,
    body,
    csrf = true,
    headers = {},
  }) => {
    const allHeaders: Record<string, string> = { ...headers };
    if (as) {
      allHeaders.cookie = as.cookie;
      if (csrf) allHeaders['x-csrf-token'] = as.csrf;
    }
    if (token) allHeaders.authorization = `Bearer ${token}`;
    return server.app.inject({
      method,
      url,
      headers: allHeaders,
      ...(body === undefined
        ? {}
        : typeof body === 'string'
          ? { payload: body }
          : { payload: body as object }),
    });
  };

  return {
    db,
    storage,
    server,
    uploadDir,
    request,
    async login(user) {
      const known = sessions.get(user);
      if (known) return known;
      const response = await server.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: USERS[user].email, password: PASSWORD },
      });
      if (response.statusCode !== 200)
        throw new Error(`login ${user}: ${response.statusCode} ${response.body}`);
      const cookie = response.cookies.find((c) => c.name === 'mezame_session');
      if (!cookie) throw new Error('no session cookie');
      const session = {
        cookie: `mezame_session=${cookie.value}`,
        csrf: response.json<{ csrfToken: string }>().csrfToken,
      };
      sessions.set(user, session);
      return session;
    },
    async close() {
      await server.app.close();
      await storage.close();
      await db.drop();
      rmSync(uploadDir, { recursive: true, force: true });
    },
  };
}
