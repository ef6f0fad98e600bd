/** Sign in (password or one-time link), sign out, who am I, change my password. */
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import {
  consumeLoginLink,
  deleteSession,
  findUserByEmail,
  findUserById,
  recordAudit,
  updateUser,
} from '../../storage/accountQueries.js';
import { ANY_ROLE, actorOf, hashSecret, publicUser, SESSION_COOKIE, startSession } from '../auth.js';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyAgainstNothing, verifyPassword } from '../passwords.js';
import type { RouteTable, ServerDeps } from '../routeTable.js';

export const LoginBody = z.object({
  email: z.string().trim().min(1).max(200),
  password: z.string().min(1).max(1000),
});
export const LinkLoginBody = z.object({ token: z.string().min(20).max(200) });
export const PasswordChangeBody = z.object({
  current_password: z.string().max(1000).optional(),
  new_password: z.string().min(MIN_PASSWORD_LENGTH).max(1000),
});

const WRONG_LOGIN = 'Wrong email or password.';

export function registerAuthRoutes(table: RouteTable, { storage, config }: ServerDeps): void {
  const rateLimit = { max: config.loginRateLimit.max, timeWindow: config.loginRateLimit.windowMs };
  const session = { ttlHours: config.sessionTtlHours, secure: config.secureCookies };

  table.define(
    {
      method: 'POST',
      url: '/api/auth/login',
      summary: 'Sign in with email and password',
      tag: 'auth',
      access: { kind: 'public' },
      body: LoginBody,
      rateLimit,
    },
    async ({ body, reply, now }) => {
      const user = await findUserByEmail(storage, body.email);
      const ok =
        user?.password_hash && !user.disabled
          ? await verifyPassword(body.password, user.password_hash)
          : await verifyAgainstNothing(body.password);
      if (!user || !ok) throw new AppError('unauthenticated', WRONG_LOGIN);
      const csrfToken = await startSession(storage, reply, user, { now, ...session });
      await recordAudit(storage, {
        at: now.toISOString(),
        actor: `user:${user.email}`,
        action: 'auth.login',
        entity: 'user',
        entityId: String(user.id),
      });
      return { user: publicUser(user), csrfToken };
    },
  );

  table.define(
    {
      method: 'POST',
      url: '/api/auth/link',
      summary: 'Sign in with a one-time link token (valid once, 24 hours)',
      tag: 'auth',
      access: { kind: 'public' },
      body: LinkLoginBody,
      rateLimit,
    },
    async ({ body, reply, now }) => {
      const userId = await consumeLoginLink(storage, hashSecret(body.token), now.toISOString());
      const user = userId === undefined ? undefined : await findUserById(storage, userId);
      if (!user || user.disabled) {
        throw new AppError('unauthenticated', 'This sign-in link is unknown, already used or expired.');
      }
      const csrfToken = await startSession(storage, reply, user, { now, ...session });
      await recordAudit(storage, {
        at: now.toISOString(),
        actor: `user:${user.email}`,
        action: 'auth.link_login',
        entity: 'user',
        entityId: String(user.id),
      });
      return { user: publicUser(user), csrfToken };
    },
  );

  table.define(
    {
      method: 'POST',
      url: '/api/auth/logout',
      summary: 'Sign out (ends this session)',
      tag: 'auth',
      access: { kind: 'user', roles: ANY_ROLE },
    },
    async ({ principal, reply }) => {
      if (principal?.kind === 'user') await deleteSession(storage, principal.sessionHash);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    },
  );

  table.define(
    {
      method: 'GET',
      url: '/api/auth/me',
      summary: 'The signed-in user and the CSRF token for state-changing requests',
      tag: 'auth',
      access: { kind: 'user', roles: ANY_ROLE },
    },
    async ({ principal }) => {
      if (principal?.kind !== 'user') throw new AppError('unauthenticated', 'Sign in first.');
      return { user: publicUser(principal.user), csrfToken: principal.csrfToken };
    },
  );

  table.define(
    {
      method: 'POST',
      url: '/api/auth/password',
      summary: 'Change my password (the current one is needed when one is set)',
      tag: 'auth',
      access: { kind: 'user', roles: ANY_ROLE },
      body: PasswordChangeBody,
      rateLimit,
    },
    async ({ principal, body, now }) => {
      if (principal?.kind !== 'user') throw new AppError('unauthenticated', 'Sign in first.');
      const { user } = principal;
      if (user.password_hash) {
        const ok =
          body.current_password !== undefined &&
          (await verifyPassword(body.current_password, user.password_hash));
        if (!ok) throw new AppError('forbidden', 'The current password is wrong.');
      }
      await updateUser(storage, user.id, { passwordHash: await hashPassword(body.new_password) });
      await recordAudit(storage, {
        at: now.toISOString(),
        actor: actorOf(principal),
        action: 'user.password_change',
        entity: 'user',
        entityId: String(user.id),
      });
      return { ok: true };
    },
  );
}
