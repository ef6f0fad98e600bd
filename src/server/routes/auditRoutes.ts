/** Admins read the audit log (newest first, paged by id). */
import { z } from 'zod';
import { listAudit } from '../../storage/accountQueries.js';
import type { RouteTable, ServerDeps } from '../routeTable.js';

export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional(),
  entity: z.string().max(50).optional(),
});

export function registerAuditRoutes(table: RouteTable, { storage }: ServerDeps): void {
  table.define(
    {
      method: 'GET',
      url: '/api/audit',
      summary: 'Read the audit log',
      tag: 'audit',
      access: { kind: 'user', roles: ['admin'] },
      query: AuditQuery,
    },
    async ({ query }) => {
      const rows = await listAudit(storage, {
        limit: query.limit,
        beforeId: query.before,
        entity: query.entity,
      });
      return {
        items: rows.map((r) => ({
          ...r,
          details: r.details === null ? null : (JSON.parse(r.details) as unknown),
        })),
      };
    },
  );
}
