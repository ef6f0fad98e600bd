/**
 * Imports from the web app: upload a CSV (raw request body), follow its progress, download
 * the reject report. Admins and marketers only.
 */
import { createReadStream, existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { columnMappingProblems } from '../../core/collect/columnMapping.js';
import { AppError } from '../../core/errors.js';
import type { ImportKind } from '../../importer/index.js';
import { actorOf, WRITERS } from '../auth.js';
import { RequestValidationError } from '../httpErrors.js';
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
/** A column mapping sent as JSON text: `{"得意先コード":"customer_id","備考":null}`. */
const ColumnMappingJson = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'expected JSON like {"得意先コード":"customer_id","備考":null}',
      });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(
      z.string().max(500),
      z.string().max(100).nullable(),
      'expected an object of source header → column (or null to ignore it)',
    ),
  );

export const ImportStartQuery = z.object({
  /** Answer only when the import has finished (for scripts). */
  wait: z.enum(['true', 'false']).default('false'),
  /** Source header → canonical column (null or '' ignores it), over the alias table. */
  mapping: ColumnMappingJson.optional(),
});

/** The start of a file is enough for a preview; the web app sends 256 KiB. */
export const MAX_PREVIEW_BYTES = 1 << 20;

export const ImportPreviewQuery = z.object({
  /** Size of the whole file in bytes: when the body is that long, its last row is complete. */
  size: z.coerce.number().int().nonnegative().optional(),
});

export function registerImportRoutes(table: RouteTable, deps: ServerDeps, jobs: ImportJobs): void {
  const access = { kind: 'user', roles: WRITERS } as const;

  table.define(
    {
      method: 'POST',
      url: '/api/imports/:kind/preview',
      summary:
        'Preview the start of a file (at most 1 MiB): encoding, header, sample rows, proposed column mapping',
      tag: 'imports',
      access,
      params: ImportKindParams,
      query: ImportPreviewQuery,
      rawBody: { contentTypes: IMPORT_CONTENT_TYPES, description: 'The first bytes of the file' },
    },
    async ({ params, query, request }) => {
      const sample = await readCapped(request.body as Readable | undefined, MAX_PREVIEW_BYTES);
      const importer = await import('../../importer/index.js').catch((error: unknown) => {
        throw new AppError('not_available', 'The importer is not available in this build.', { cause: error });
      });
      const header = request.headers['x-file-name'];
      return importer.previewImport(params.kind, sample, {
        fileName: safeFileName(typeof header === 'string' ? header : undefined, params.kind),
        complete: query.size !== undefined && sample.length >= query.size,
      });
    },
  );

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
      if (query.mapping) {
        const problems = columnMappingProblems(params.kind, query.mapping);
        if (problems.length > 0) {
          throw new RequestValidationError('query.mapping', `query.mapping: ${problems.join('; ')}`, [
            ...problems.map((message) => ({ field: 'query.mapping', message })),
          ]);
        }
      }
      const header = request.headers['x-file-name'];
      const job = await jobs.start({
        ...(query.mapping ? { columns: query.mapping } : {}),
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

/** The request body as bytes, refused when it is longer than `maxBytes`. */
async function readCapped(body: Readable | undefined, maxBytes: number): Promise<Buffer> {
  if (!body || typeof body.pipe !== 'function') {
    throw new AppError(
      'invalid_input',
      'body: send the start of the file as the request body with Content-Type text/csv.',
    );
  }
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    length += bytes.length;
    if (length > maxBytes) {
      body.destroy();
      throw new AppError(
        'invalid_input',
        `body: a preview reads at most the first ${maxBytes} bytes of the file; send only its start (file.slice(0, 262144)).`,
      );
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}
