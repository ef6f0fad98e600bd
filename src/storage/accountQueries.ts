/**
 * Users, sessions, API tokens, one-time login links and the audit log. Secrets arrive here
 * already hashed; nothing in this file sees a raw token or password.
 */
import type { Selectable } from 'kysely';
import type { ApiTokensTable, AuditLogTable, UsersTable } from './schema.js';
import type { Storage } from './storage.js';

export type UserRow = Selectable<UsersTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type Role = UsersTable['role'];

export async function countUsers(storage: Storage): Promise<number> {
  const row = await storage.db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listUsers(storage: Storage): Promise<UserRow[]> {
  return storage.db.selectFrom('users').selectAll().orderBy('id').execute();
}

export async function findUserById(storage: Storage, id: number): Promise<UserRow | undefined> {
  return storage.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByEmail(storage: Storage, email: string): Promise<UserRow | undefined> {
  return storage.db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

export interface NewUser {
  email: string;
  displayName: string;
  role: Role;
  ownerKey: string | null;
  passwordHash: string | null;
  createdAt: string;
}

export async function insertUser(storage: Storage, user: NewUser): Promise<UserRow> {
  return storage.db
    .insertInto('users')
    .values({
      email: user.email.trim().toLowerCase(),
      display_name: user.displayName,
      role: user.role,
      owner_key: user.ownerKey,
      password_hash: user.passwordHash,
      created_at: user.createdAt,
      disabled: 0,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface UserChanges {
  displayName?: string;
  role?: Role;
  ownerKey?: string | null;
  passwordHash?: string;
  disabled?: boolean;
}

export async function updateUser(
  storage: Storage,
  id: number,
  changes: UserChanges,
): Promise<UserRow | undefined> {
  const values: Partial<Omit<UserRow, 'id'>> = {};
  if (changes.displayName !== undefined) values.display_name = changes.displayName;
  if (changes.role !== undefined) values.role = changes.role;
  if (changes.ownerKey !== undefined) values.owner_key = changes.ownerKey;
  if (changes.passwordHash !== undefined) values.password_hash = changes.passwordHash;
  if (changes.disabled !== undefined) values.disabled = changes.disabled ? 1 : 0;
  if (Object.keys(values).length > 0) {
    await storage.db.updateTable('users').set(values).where('id', '=', id).execute();
  }
  if (changes.disabled) await deleteSessionsOfUser(storage, id);
  return findUserById(storage, id);
}

export async function insertSession(
  storage: Storage,
  session: { idHash: string; userId: number; createdAt: string; expiresAt: string; csrfToken: string },
): Promise<void> {
  await storage.db
    .insertInto('sessions')
    .values({
      id: session.idHash,
      user_id: session.userId,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
      csrf_token: session.csrfToken,
    })
    .execute();
}

/** The live session and its (enabled) user, or undefined. */
export async function findSession(
  storage: Storage,
  idHash: string,
  now: string,
): Promise<{ csrfToken: string; user: UserRow } | undefined> {
  const session = await storage.db
    .selectFrom('sessions')
    .select(['user_id', 'csrf_token'])
    .where('id', '=', idHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!session) return undefined;
  const user = await findUserById(storage, session.user_id);
  if (!user || user.disabled) return undefined;
  return { csrfToken: session.csrf_token, user };
}

/** Drops expired sessions and spent or expired sign-in links (run at each sign-in). */
export async function deleteExpiredCredentials(storage: Storage, now: string): Promise<void> {
  await storage.db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  await storage.db
    .deleteFrom('login_links')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('used_at', 'is not', null)]))
    .execute();
}

export async function deleteSession(storage: Storage, idHash: string): Promise<void> {
  await storage.db.deleteFrom('sessions').where('id', '=', idHash).execute();
}

export async function deleteSessionsOfUser(storage: Storage, userId: number): Promise<void> {
  await storage.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export async function insertLoginLink(
  storage: Storage,
  link: { tokenHash: string; userId: number; createdAt: string; expiresAt: string },
): Promise<void> {
  await storage.db
    .insertInto('login_links')
    .values({
      token_hash: link.tokenHash,
      user_id: link.userId,
      created_at: link.createdAt,
      expires_at: link.expiresAt,
      used_at: null,
    })
    .execute();
}

/**
 * Marks a link used and returns its user id. The conditional update makes the link
 * single-use even when two requests race for it.
 */
export async function consumeLoginLink(
  storage: Storage,
  tokenHash: string,
  now: string,
): Promise<number | undefined> {
  const result = await storage.db
    .updateTable('login_links')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return undefined;
  const row = await storage.db
    .selectFrom('login_links')
    .select('user_id')
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row?.user_id;
}

export async function insertApiToken(
  storage: Storage,
  token: { name: string; tokenHash: string; scopes: string[]; createdBy: number; createdAt: string },
): Promise<ApiTokenRow> {
  return storage.db
    .insertInto('api_tokens')
    .values({
      name: token.name,
      token_hash: token.tokenHash,
      scopes: token.scopes.join(' '),
      created_by: token.createdBy,
      created_at: token.createdAt,
      last_used_at: null,
      revoked_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listApiTokens(storage: Storage): Promise<ApiTokenRow[]> {
  return storage.db.selectFrom('api_tokens').selectAll().orderBy('id').execute();
}

export async function findLiveApiToken(
  storage: Storage,
  tokenHash: string,
): Promise<ApiTokenRow | undefined> {
  return storage.db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function touchApiToken(storage: Storage, id: number, now: string): Promise<void> {
  await storage.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
}

export async function revokeApiToken(storage: Storage, id: number, now: string): Promise<boolean> {
  const result = await storage.db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  details?: unknown;
}

export async function recordAudit(storage: Storage, entry: AuditEntry): Promise<void> {
  await storage.db
    .insertInto('audit_log')
    .values({
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId,
      details: entry.details === undefined ? null : JSON.stringify(entry.details),
    })
    .execute();
}

export async function listAudit(
  storage: Storage,
  page: { limit: number; beforeId?: number | undefined; entity?: string | undefined },
): Promise<AuditRow[]> {
  let query = storage.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(page.limit);
  if (page.beforeId !== undefined) query = query.where('id', '<', page.beforeId);
  if (page.entity !== undefined) query = query.where('entity', '=', page.entity);
  return query.execute();
}
