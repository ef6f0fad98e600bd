/** API tokens for scripts (Bearer): create (the secret is shown once), list, revoke. */
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { insertApiToken, listApiTokens, recordAudit, revokeApiToken } from '../../storage/accountQueries.js';
import { actorOf, hashSecret, newSecret, TOKEN_SCOPES } from '../auth.js';
import type { RouteTable, ServerDeps } from '../routeTable.js';

const ADMIN = ['admin'] as const;
const TOKEN_PREFIX = 'mzm_';

export const NewTokenBody = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1),
});
export const TokenIdParams = z.object({ id: z.coerce.number().int().positive() });

export function registerTokenRoutes(table: RouteTable, { storage }: ServerDeps): void {
  table.define(
    {
      method: 'GET',
      url: '/api/tokens',
      summary: 'List API tokens (never their secrets)',
      tag: 'tokens',
      access: { kind: 'user', roles: ADMIN },
    },
    async () => ({
      items: (await listApiTokens(storage)).map((t) => ({
        id: t.id,
        name: t.name,
        scopes: t.scopes.split(' '),
        created_by: t.created_by,
        created_at: t.created_at,
        last_used_at: t.last_used_at,
        revoked_at: t.revoked_at,
      })),
    }),
  );

  table.define(
    {
      method: 'POST',
      url: '/api/tokens',
      summary: 'Create an API token; the secret is in this response only',
      tag: 'tokens',
      access: { kind: 'user', roles: ADMIN },
      body: NewTokenBody,
      successStatus: 201,
    },
    async ({ body, principal, now }) => {
      if (principal?.kind !== 'user')
        throw new AppError('forbidden', 'Only a signed-in admin can create tokens.');
      const secret = `${TOKEN_PREFIX}${newSecret()}`;
      const scopes = [...new Set(body.scopes)];
      const row = await insertApiToken(storage, {
        name: body.name,
        tokenHash: hashSecret(secret),
        scopes,
        createdBy: principal.user.id,
        createdAt: now.toISOString(),
      });
      await recordAudit(storage, {
        at: now.toISOString(),
        actor: actorOf(principal),
        action: 'token.create',
        entity: 'api_token',
        entityId: String(row.id),
        details: { name: row.name, scopes },
      });
      return { id: row.id, name: row.name, scopes, token: secret };
    },
  );

  table.define(
    {
      method: 'DELETE',
      url: '/api/tokens/:id',
      summary: 'Revoke an API token',
      tag: 'tokens',
      access: { kind: 'user', roles: ADMIN },
      params: TokenIdParams,
    },
    async ({ params, principal, now }) => {
      const revoked = await revokeApiToken(storage, params.id, now.toISOString());
      if (!revoked) throw new AppError('not_found', `No live API token with id ${params.id}.`);
      await recordAudit(storage, {
        at: now.toISOString(),
        actor: actorOf(principal),
        action: 'token.revoke',
        entity: 'api_token',
        entityId: String(params.id),
      });
      return { ok: true };
    },
  );
}
