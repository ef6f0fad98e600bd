/** Admins manage users: list, create, change role/owner/password, disable, issue sign-in links. */
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import {
  findUserByEmail,
  findUserById,
  insertUser,
  listUsers,
  recordAudit,
  type UserRow,
  updateUser,
} from '../../storage/accountQueries.js';
import type { Storage } from '../../storage/index.js';
import { actorOf, createLoginLink, publicUser, ROLES } from '../auth.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../passwords.js';
import type { RouteTable, ServerDeps } from '../routeTable.js';

const ADMIN = ['admin'] as const;

export const UserIdParams = z.object({ id: z.coerce.number().int().positive() });
export const NewUserBody = z.object({
  email: z.string().trim().min(1).max(200),
  display_name: z.string().trim().min(1).max(200),
  role: z.enum(ROLES),
  owner_key: z.string().trim().min(1).max(200).nullable().optional(),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(1000).optional(),
});
export const UserChangesBody = z.object({
  display_name: z.string().trim().min(1).max(200).optional(),
  role: z.enum(ROLES).optional(),
  owner_key: z.string().trim().min(1).max(200).nullable().optional(),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(1000).optional(),
  disabled: z.boolean().optional(),
});

async function enabledAdmins(storage: Storage): Promise<UserRow[]> {
  return (await listUsers(storage)).filter((u) => u.role === 'admin' && !u.disabled);
}

export function registerUserRoutes(table: RouteTable, { storage }: ServerDeps): void {
  table.define(
    {
      method: 'GET',
      url: '/api/users',
      summary: 'List users',
      tag: 'users',
      access: { kind: 'user', roles: ADMIN },
    },
    async () => ({ items: (await listUsers(storage)).map(publicUser) }),
  );

  table.define(
    {
      method: 'POST',
      url: '/api/users',
      summary: 'Create a user',
      tag: 'users',
      access: { kind: 'user', roles: ADMIN },
      body: NewUserBody,
      successStatus: 201,
    },
    async ({ body, principal, now }) => {
      if (await findUserByEmail(storage, body.email)) {
        throw new AppError('conflict', `A user with the login ${body.email} already exists.`);
      }
      if (body.role === 'sales_rep' && !body.owner_key) {
        throw new AppError(
          'invalid_input',
          'body.owner_key: a sales rep needs the owner value of the accounts they own.',
        );
      }
      const user = await insertUser(storage, {
        email: body.email,
        displayName: body.display_name,
        role: body.role,
        ownerKey: body.owner_key ?? null,
        passwordHash: body.password ? await hashPassword(body.password) : null,
        createdAt: now.toISOString(),
      });
      await recordAudit(storage, {
        at: now.toISOString(),
        actor: actorOf(principal),
        action: 'user.create',
        entity: 'user',
        entityId: String(user.id),
        details: { email: user.email, role: user.role, owner_key: user.owner_key },
      });
      return publicUser(user);
    },
  );

  table.define(
    {
      method: 'PATCH',
      url: '/api/users/:id',
      summary: 'Change a user (name, role, owner, password, disabled)',
      tag: 'users',
      access: { kind: 'user', roles: ADMIN },
      params: UserIdParams,
      body: UserChangesBody,
    },
    async ({ params, body, principal, now }) => {
      const before = await findUserById(storage, params.id);
      if (!before) throw new AppError('not_found', `No user with id ${params.id}.`);
      const losesAdmin = before.role === 'admin' && ((body.role && body.role !== 'admin') || body.disabled);
      if (losesAdmin && (await enabledAdmins(storage)).length <= 1) {
        throw new AppError('conflict', 'This is the last enabled admin; make another admin first.');
      }
      const role = body.role ?? before.role;
      const ownerKey = body.owner_key === undefined ? before.owner_key : body.owner_key;
      if (role === 'sales_rep' && !ownerKey) {
        throw new AppError(
          'invalid_input',
          'body.owner_key: a sales rep needs the owner value of the accounts they own.',
        );
      }
      const after = await updateUser(storage, params.id, {
        displayName: body.display_name,
        role: body.role,
        ownerKey: body.owner_key,
        passwordHash: body.password ? await hashPassword(body.password) : undefined,
        disabled: body.disabled,
      });
      const { password: _secret, ...changes } = body;
      await recordAudit(storage, {
        at: now.toISOString(),
        actor: actorOf(principal),
        action: 'user.update',
        entity: 'user',
        entityId: String(params.id),
        details: { ...changes, password_changed: body.password !== undefined },
      });
      return publicUser(after ?? before);
    },
  );

  table.define(
    {
      method: 'DELETE',
      url: '/api/users/:id',
      summary: 'Disable a user (kept for the audit trail; sessions end)',
      tag: 'users',
      access: { kind: 'user', roles: ADMIN },
      params: UserIdParams,
    },
    async ({ params, principal, now }) => {
      const user = await findUserById(storage, params.id);
      if (!user) throw new AppError('not_found', `No user with id ${params.id}.`);
      if (user.role === 'admin' && !user.disabled && (await enabledAdmins(storage)).length <= 1) {
        throw new AppError('conflict', 'This is the last enabled admin; make another admin first.');
      }
      const after = await updateUser(storage, params.id, { disabled: true });
      await recordAudit(storage, {
        at: now.toISOString(),
        actor: actorOf(principal),
        action: 'user.disable',
        entity: 'user',
        entityId: String(params.id),
      });
      return publicUser(after ?? user);
    },
  );

  table.define(
    {
      method: 'POST',
      url: '/api/users/:id/login-link',
      summary: 'Issue a one-time sign-in link for a user (valid once, 24 hours)',
      tag: 'users',
      access: { kind: 'user', roles: ADMIN },
      params: UserIdParams,
      successStatus: 201,
    },
    async ({ params, principal, now }) => {
      const user = await findUserById(storage, params.id);
      if (!user || user.disabled) throw new AppError('not_found', `No enabled user with id ${params.id}.`);
      const link = await createLoginLink(storage, user.id, now);
      await recordAudit(storage, {
        at: now.toISOString(),
        actor: actorOf(principal),
        action: 'user.login_link',
        entity: 'user',
        entityId: String(user.id),
      });
      return { path: link.path, expires_at: link.expiresAt };
    },
  );
}
