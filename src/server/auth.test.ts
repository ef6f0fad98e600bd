import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../test/engines.js';
import { createTestServer, NOW, PASSWORD, type TestServer, USERS } from '../../test/serverFixture.js';
import { findUserByEmail } from '../storage/accountQueries.js';
import { createLoginLink } from './auth.js';
import { ensureFirstAdmin } from './start.js';

const LOGIN_LIMIT = 25;

describe.each(ENGINES)('sign-in, sessions and CSRF on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await createTestServer(engine, { loginRateLimit: { max: LOGIN_LIMIT, windowMs: 60_000 } });
  });
  afterAll(async () => t?.close());

  it('sets an http-only SameSite=Strict session cookie and never returns the password hash', async () => {
    const response = await t.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: 'Marketer@Example.jp ', password: PASSWORD },
    });
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'mezame_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
    expect(cookie?.secure).toBeFalsy();
    expect(response.body).not.toContain('scrypt');
    expect(response.json().user.role).toBe('marketer');
  });

  it('refuses a wrong password with the same message as an unknown login', async () => {
    const wrong = await t.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: USERS.viewer.email, password: 'nope-nope-nope' },
    });
    const unknown = await t.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: 'ghost@example.jp', password: 'nope-nope-nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe(unknown.json().error.message);
  });

  it('refuses a state-changing request without the CSRF header, or with a wrong one', async () => {
    const admin = await t.login('admin');
    const without = await t.request({
      method: 'POST',
      url: '/api/customers/C001/reason',
      as: admin,
      csrf: false,
      body: { category: 'price' },
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.message).toMatch(/CSRF/);
    const wrong = await t.request({
      method: 'POST',
      url: '/api/customers/C001/reason',
      as: { cookie: admin.cookie, csrf: 'x'.repeat(43) },
      body: { category: 'price' },
    });
    expect(wrong.statusCode).toBe(403);
    const right = await t.request({
      method: 'POST',
      url: '/api/customers/C001/reason',
      as: admin,
      body: { category: 'price' },
    });
    expect(right.statusCode).toBe(201);
  });

  it('ends the session on logout', async () => {
    const login = await t.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: USERS.viewer.email, password: PASSWORD },
    });
    const session = { cookie: `mezame_session=${login.cookies[0]?.value}`, csrf: login.json().csrfToken };
    expect((await t.request({ method: 'GET', url: '/api/auth/me', as: session })).statusCode).toBe(200);
    expect((await t.request({ method: 'POST', url: '/api/auth/logout', as: session })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: '/api/auth/me', as: session })).statusCode).toBe(401);
  });

  it('signs in once with a one-time link and refuses it the second time', async () => {
    const user = await findUserByEmail(t.storage, USERS.tanaka.email);
    const link = await createLoginLink(t.storage, user?.id ?? 0, NOW);
    const first = await t.request({ method: 'POST', url: '/api/auth/link', body: { token: link.token } });
    expect(first.statusCode).toBe(200);
    expect(first.json().user.email).toBe(USERS.tanaka.email);
    const second = await t.request({ method: 'POST', url: '/api/auth/link', body: { token: link.token } });
    expect(second.statusCode).toBe(401);
  });

  it('drops expired sessions and spent links when someone signs in', async () => {
    await t.storage.db
      .insertInto('sessions')
      .values({
        id: 'old',
        user_id: 1,
        created_at: '2020-01-01T00:00:00Z',
        expires_at: '2020-01-08T00:00:00Z',
        csrf_token: 'x',
      })
      .execute();
    await t.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: USERS.viewer.email, password: PASSWORD },
    });
    const old = await t.storage.db.selectFrom('sessions').select('id').where('id', '=', 'old').execute();
    expect(old).toEqual([]);
    const spent = await t.storage.db
      .selectFrom('login_links')
      .select('token_hash')
      .where('used_at', 'is not', null)
      .execute();
    expect(spent).toEqual([]);
  });

  it('refuses a link older than 24 hours', async () => {
    const user = await findUserByEmail(t.storage, USERS.tanaka.email);
    const link = await createLoginLink(t.storage, user?.id ?? 0, new Date(NOW.getTime() - 25 * 3600 * 1000));
    const response = await t.request({ method: 'POST', url: '/api/auth/link', body: { token: link.token } });
    expect(response.statusCode).toBe(401);
  });

  it('disabling a user ends their sessions', async () => {
    const admin = await t.login('admin');
    const login = await t.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: USERS.suzuki.email, password: PASSWORD },
    });
    const rep = { cookie: `mezame_session=${login.cookies[0]?.value}`, csrf: login.json().csrfToken };
    const users = (await t.request({ method: 'GET', url: '/api/users', as: admin })).json().items as {
      id: number;
      email: string;
    }[];
    const suzuki = users.find((u) => u.email === USERS.suzuki.email);
    expect(
      (await t.request({ method: 'DELETE', url: `/api/users/${suzuki?.id}`, as: admin })).statusCode,
    ).toBe(200);
    expect((await t.request({ method: 'GET', url: '/api/auth/me', as: rep })).statusCode).toBe(401);
  });

  it('keeps the last enabled admin', async () => {
    const admin = await t.login('admin');
    const me = (await t.request({ method: 'GET', url: '/api/auth/me', as: admin })).json().user;
    const response = await t.request({
      method: 'PATCH',
      url: `/api/users/${me.id}`,
      as: admin,
      body: { role: 'viewer' },
    });
    expect(response.statusCode).toBe(409);
  });

  it('names the field when a body fails validation', async () => {
    const admin = await t.login('admin');
    const response = await t.request({
      method: 'POST',
      url: '/api/users',
      as: admin,
      body: { email: 'x@example.jp', display_name: 'X', role: 'boss' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'invalid_input', field: 'body.role' });
    const query = await t.request({ method: 'GET', url: '/api/customers?page_size=1000', as: admin });
    expect(query.statusCode).toBe(400);
    expect(query.json().error.field).toBe('query.page_size');
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const response = await t.request({
      method: 'POST',
      url: '/api/auth/login',
      body: '{"email": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
  });

  it('a revoked token stops working', async () => {
    const admin = await t.login('admin');
    const created = (
      await t.request({
        method: 'POST',
        url: '/api/tokens',
        as: admin,
        body: { name: 'tmp', scopes: ['read'] },
      })
    ).json();
    expect((await t.request({ method: 'GET', url: '/api/customers', token: created.token })).statusCode).toBe(
      200,
    );
    expect(
      (await t.request({ method: 'DELETE', url: `/api/tokens/${created.id}`, as: admin })).statusCode,
    ).toBe(200);
    expect((await t.request({ method: 'GET', url: '/api/customers', token: created.token })).statusCode).toBe(
      401,
    );
    const listed = (await t.request({ method: 'GET', url: '/api/tokens', as: admin })).json();
    expect(JSON.stringify(listed)).not.toContain(created.token);
  });

  it('lets a user who signed in by link set a password, then sign in with it', async () => {
    const admin = await t.login('admin');
    const created = (
      await t.request({
        method: 'POST',
        url: '/api/users',
        as: admin,
        body: { email: 'linked@example.jp', display_name: '高橋', role: 'marketer' },
      })
    ).json();
    const link = (
      await t.request({ method: 'POST', url: `/api/users/${created.id}/login-link`, as: admin })
    ).json();
    const token = String(link.path).split('#')[1];
    const signedIn = await t.request({ method: 'POST', url: '/api/auth/link', body: { token } });
    const session = {
      cookie: `mezame_session=${signedIn.cookies[0]?.value}`,
      csrf: signedIn.json().csrfToken,
    };
    const short = await t.request({
      method: 'POST',
      url: '/api/auth/password',
      as: session,
      body: { new_password: 'short' },
    });
    expect(short.json().error.field).toBe('body.new_password');
    const set = await t.request({
      method: 'POST',
      url: '/api/auth/password',
      as: session,
      body: { new_password: 'ねこがすきです-2026' },
    });
    expect(set.statusCode).toBe(200);
    const login = await t.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: 'linked@example.jp', password: 'ねこがすきです-2026' },
    });
    expect(login.statusCode).toBe(200);
  });

  it('writes an audit row for each change', async () => {
    const admin = await t.login('admin');
    const audit = (await t.request({ method: 'GET', url: '/api/audit?limit=500', as: admin })).json()
      .items as { action: string }[];
    const actions = new Set(audit.map((a) => a.action));
    for (const action of [
      'user.create',
      'user.disable',
      'token.create',
      'token.revoke',
      'customer.reason_override',
      'user.password_change',
    ]) {
      expect(actions).toContain(action);
    }
  });

  it('limits login attempts per address (429 after the limit)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LOGIN_LIMIT + 2; i++) {
      const r = await t.server.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '10.9.9.9',
        payload: { email: 'ghost@example.jp', password: 'guess-guess' },
      });
      statuses.push(r.statusCode);
    }
    expect(statuses.slice(0, LOGIN_LIMIT).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(LOGIN_LIMIT)).toEqual([429, 429]);
  });
});

describe.each(ENGINES)('first start on %s', (engine) => {
  it('creates an admin with a one-time link only when there are no users', async () => {
    const t = await createTestServer(engine, { seed: false });
    try {
      expect(await ensureFirstAdmin(t.storage, NOW)).toBeNull();
      await t.storage.db.deleteFrom('users').execute();
      const path = await ensureFirstAdmin(t.storage, NOW);
      expect(path).toMatch(/^\/login\/link#[A-Za-z0-9_-]{43}$/);
      const token = path?.split('#')[1];
      const response = await t.request({ method: 'POST', url: '/api/auth/link', body: { token } });
      expect(response.json().user).toMatchObject({ email: 'admin', role: 'admin', has_password: false });
      expect(await ensureFirstAdmin(t.storage, NOW)).toBeNull();
    } finally {
      await t.close();
    }
  });
});
