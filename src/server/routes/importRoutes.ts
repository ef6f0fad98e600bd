/**
 * Imports from the web app: upload a CSV (raw request body), follow its progress, download
 * the reject report. Admins and marketers only.
 */
import { createReadStream, existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { ImportKind } from '../../importer/index.js';
import { actorOf, WRITERS } from '../auth.js';
import { type ImportJobs, publicJob, safeFileName } from '../importJobs.js';
import type { RouteTable, ServerDeps } from '../routeTable.js';

export const IMPORT_CONTENT_TYPES = ['text/csv', 'application/octet-stream', 'application/vnd.ms-excel'];

/**
 * The importer's kinds. Listed here rather than imported so the server starts (and answers
 * 501 on upload) even in a build without the importer; the type check keeps both lists equal.
 */
const IMPORT_KINDS = ['customers', 'contacts', 'orders', 'subscriptions', 'events', 'changes'] as const;
type SameKinds = [ImportKind] extends [(typeof IMPORT_KINDS)[number]]
  ? [(typeof IMPORT_KINDS)[number]] extends [ImportKind]
    ? true
    : false
  : false;
const kindsMatch: SameKinds = true;
void kindsMatch;

export const ImportKindParams = z.object({ kind: z.enum(IMPORT_KINDS) });
export const ImportIdParams = z.object({ id: z.uuid() });
export const ImportStartQuery = z.object({
  /** Answer only when the import has finished (for scripts). */
  wait: z.enum(['true', 'false']).default('false'),
});

export function registerImportRoutes(table: RouteTable, deps: ServerDeps, jobs: ImportJobs): void {
  const access = { kind: 'user', roles: WRITERS } as const;

  table.define(
    {
      method: 'POST',
      url: '/api/imports/:kind',
      summary: 'Upload a file to import (raw body; file name in the x-file-name header)',
      tag: 'imports',
      access,
      params: ImportKindParams,
      query: ImportStartQuery,
      rawBody: { contentTypes: IMPORT_CONTENT_TYPES, description: 'The CSV file (UTF-8 or Shift_JIS)' },
      successStatus: 202,
    },
    async ({ params, query, request, principal, now }) => {
      const body = request.body as Readable | undefined;
      if (!body || typeof body.pipe !== 'function') {
        throw new AppError(
          'invalid_input',
          `body: send the file as the request body with Content-Type text/csv.`,
        );
      }
      const header = request.headers['x-file-name'];
      const job = await jobs.start({
        kind: params.kind,
        fileName: safeFileName(typeof header === 'string' ? header : undefined, params.kind),
        body,
        actor: actorOf(principal),
        now,
        clock: deps.clock,
      });
      if (query.wait === 'true') await job.done.catch(() => undefined);
      return publicJob(job);
    },
  );

  table.define(
    {
      method: 'GET',
      url: '/api/imports',
      summary: 'Recent imports of this server process',
      tag: 'imports',
      access,
    },
    async () => ({ items: jobs.list().map(publicJob) }),
  );

  table.define(
    {
      method: 'GET',
      url: '/api/imports/:id',
      summary: 'One import: status, progress and summary',
      tag: 'imports',
      access,
      params: ImportIdParams,
    },
    async ({ params }) => {
      const job = jobs.get(params.id);
      if (!job) throw new AppError('not_found', `No import ${params.id} (imports are forgotten on restart).`);
      return publicJob(job);
    },
  );

  table.define(
    {
      method: 'GET',
      url: '/api/imports/:id/rejects',
      summary: 'Download the reject report (row, column, reason, then the original columns)',
      tag: 'imports',
      access,
      params: ImportIdParams,
      produces: 'text/csv',
    },
    async ({ params, reply }) => {
      const job = jobs.get(params.id);
      if (!job) throw new AppError('not_found', `No import ${params.id}.`);
      const path = job.summary?.rejected_file ?? (existsSync(job.rejectPath) ? job.rejectPath : null);
      if (!path || !existsSync(path)) throw new AppError('not_found', 'This import rejected no rows.');
      const name = `${job.fileName.replace(/\.[^.]*$/, '')}.rejected.csv`;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="rejected.csv"; filename*=UTF-8''${encodeURIComponent(name)}`,
        )
        .send(createReadStream(path));
    },
  );
}
