/**
 * Who is calling: a signed-in user (session cookie + CSRF header on writes) or an API
 * token (Bearer, scoped). Secrets are random 32-byte values; only their SHA-256 is stored.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import {
  deleteExpiredCredentials,
  findLiveApiToken,
  findSession,
  insertLoginLink,
  insertSession,
  type Role,
  touchApiToken,
  type UserRow,
} from '../storage/accountQueries.js';
import type { CustomerScope } from '../storage/customerQueries.js';
import type { Storage } from '../storage/index.js';

export const ROLES = ['admin', 'marketer', 'sales_rep', 'viewer'] as const satisfies readonly Role[];
export const TOKEN_SCOPES = ['ingest', 'read'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const SESSION_COOKIE = 'mezame_session';
export const CSRF_HEADER = 'x-csrf-token';
export const LOGIN_LINK_TTL_MS = 24 * 3600 * 1000;

export type Principal =
  | { kind: 'user'; user: UserRow; csrfToken: string; sessionHash: string }
  | { kind: 'token'; tokenId: number; name: string; scopes: string[] };

/** Who may call a route. `tokenScope` lets an API token with that scope in as well. */
export type Access =
  | { kind: 'public' }
  | { kind: 'user'; roles: readonly Role[]; tokenScope?: TokenScope }
  | { kind: 'token'; scope: TokenScope };

export const ANY_ROLE: readonly Role[] = ROLES;
export const WRITERS: readonly Role[] = ['admin', 'marketer'];

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function resolvePrincipal(
  storage: Storage,
  request: FastifyRequest,
  now: Date,
): Promise<Principal | null> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) throw new AppError('unauthenticated', 'Authorization header must be "Bearer <token>".');
    const token = await findLiveApiToken(storage, hashSecret(match[1]));
    if (!token) throw new AppError('unauthenticated', 'The API token is unknown or revoked.');
    await touchApiToken(storage, token.id, now.toISOString());
    return { kind: 'token', tokenId: token.id, name: token.name, scopes: token.scopes.split(' ') };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const sessionHash = hashSecret(cookie);
  const session = await findSession(storage, sessionHash, now.toISOString());
  if (!session) return null;
  return { kind: 'user', user: session.user, csrfToken: session.csrfToken, sessionHash };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Throws unless the principal may call a route with this access and method. */
export function authorise(access: Access, principal: Principal | null, request: FastifyRequest): void {
  if (access.kind === 'public') return;
  if (!principal) throw new AppError('unauthenticated', 'Sign in first.');
  if (principal.kind === 'token') {
    const scope = access.kind === 'token' ? access.scope : access.tokenScope;
    if (scope === undefined || !principal.scopes.includes(scope)) {
      throw new AppError('forbidden', 'This API token does not have the scope this request needs.');
    }
    return;
  }
  if (access.kind === 'token') throw new AppError('forbidden', 'This endpoint takes an API token.');
  if (!access.roles.includes(principal.user.role)) {
    throw new AppError('forbidden', 'Your role does not allow this.');
  }
  // Cookie-authenticated writes must echo the session's CSRF token in a header that a
  // cross-site form or image cannot set.
  if (!SAFE_METHODS.has(request.method)) {
    const header = request.headers[CSRF_HEADER];
    if (typeof header !== 'string' || !sameText(header, principal.csrfToken)) {
      throw new AppError('forbidden', 'Missing or wrong CSRF token (x-csrf-token header). Reload the page.');
    }
  }
}

/** The customers a principal may see: a sales rep only the accounts they own. */
export function customerScopeOf(principal: Principal | null): CustomerScope {
  if (principal?.kind === 'user' && principal.user.role === 'sales_rep') {
    return { ownerKey: principal.user.owner_key };
  }
  return null;
}

/** Name written to the audit log. */
export function actorOf(principal: Principal | null): string {
  if (!principal) return 'anonymous';
  return principal.kind === 'user' ? `user:${principal.user.email}` : `token:${principal.name}`;
}

export async function startSession(
  storage: Storage,
  reply: FastifyReply,
  user: UserRow,
  options: { now: Date; ttlHours: number; secure: boolean },
): Promise<string> {
  await deleteExpiredCredentials(storage, options.now.toISOString());
  const secret = newSecret();
  const csrfToken = newSecret();
  const expires = new Date(options.now.getTime() + options.ttlHours * 3600 * 1000);
  await insertSession(storage, {
    idHash: hashSecret(secret),
    userId: user.id,
    createdAt: options.now.toISOString(),
    expiresAt: expires.toISOString(),
    csrfToken,
  });
  reply.setCookie(SESSION_COOKIE, secret, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: options.secure,
    expires,
  });
  return csrfToken;
}

/** A one-time sign-in link token for a user (valid once, for 24 hours). */
export async function createLoginLink(storage: Storage, userId: number, now: Date) {
  const token = newSecret();
  const expiresAt = new Date(now.getTime() + LOGIN_LINK_TTL_MS).toISOString();
  await insertLoginLink(storage, {
    tokenHash: hashSecret(token),
    userId,
    createdAt: now.toISOString(),
    expiresAt,
  });
  return { token, path: `/login/link#${token}`, expiresAt };
}

/** What the API shows of a user (never the password hash). */
export function publicUser(user: UserRow) {
  return {
    id: user.id,
    email: user.email,
    display_name: user.display_name,
    role: user.role,
    owner_key: user.owner_key,
    created_at: user.created_at,
    disabled: user.disabled === 1,
    has_password: user.password_hash !== null,
  };
}
