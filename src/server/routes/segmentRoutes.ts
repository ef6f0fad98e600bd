/**
 * Segments: saved filters over customer fields and the features of the latest analysis. Anyone
 * signed in may list, open and preview them; counts and customer lists are always in the
 * caller's scope (a sales rep counts and sees only the accounts they own). Saving and deleting
 * are for admins and marketers, each with an audit row.
 */
import { z } from 'zod';
import { LIFECYCLE_STATUSES } from '../../core/detect/lifecycleStatus.js';
import { REASON_CATEGORIES } from '../../core/diagnose/reasonCategories.js';
import { AppError } from '../../core/errors.js';
import { RANKS } from '../../core/prioritise/defaults.js';
import {
  describeSegmentFilter,
  parseSegmentFilter,
  RANGE_FIELDS,
  type SegmentFilter,
  SegmentFilterSchema,
} from '../../core/prioritise/segmentFilter.js';
import { recordAudit } from '../../storage/accountQueries.js';
import { latestRun } from '../../storage/analysisQueries.js';
import { type CustomerScope, customerFacets } from '../../storage/customerQueries.js';
import {
  countSegment,
  countSegments,
  deleteSegment,
  getSegment,
  getSegmentById,
  listSegments,
  type SegmentRow,
  saveSegment,
  segmentCategories,
  segmentMembers,
  updateSegment,
} from '../../storage/segmentQueries.js';
import type { Storage } from '../../storage/index.js';
import { ANY_ROLE, actorOf, customerScopeOf, WRITERS } from '../auth.js';
import type { RouteTable, ServerDeps } from '../routeTable.js';

export const SegmentIdParams = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) });
export const SegmentBody = z.object({
  name: z.string().trim().min(1, 'give the segment a name').max(100, 'at most 100 characters'),
  filter: SegmentFilterSchema,
});
export const SegmentPreviewBody = z.object({
  filter: SegmentFilterSchema,
  limit: z.number().int().min(0).max(100).default(10),
});
export const SegmentCustomersQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  page_size: z.coerce.number().int().min(1).max(200).default(50),
});

const READ = { kind: 'user', roles: ANY_ROLE, tokenScope: 'read' } as const;

/** The latest finished analysis the counts come from (null before the first `mezame analyze`). */
async function analysisInfo(storage: Storage) {
  const run = await latestRun(storage);
  return run ? { run_id: run.id, as_of: run.as_of } : null;
}

/**
 * A stored segment as the API shows it: `count` is live, in the caller's scope; `stored_count`
 * is the whole company's count from the last save or analysis.
 */
function viewOf(row: SegmentRow, filter: SegmentFilter, count: number, scope: CustomerScope) {
  return {
    id: row.id,
    name: row.name,
    filter,
    description: describeSegmentFilter(filter),
    count,
    stored_count: scope ? null : row.last_count,
    counted_at: row.counted_at,
    created_by: row.created_by,
    created_at: row.created_at,
  };
}

async function segmentView(storage: Storage, row: SegmentRow, scope: CustomerScope) {
  const filter = parseSegmentFilter(row.filter);
  return viewOf(row, filter, await countSegment(storage, filter, scope), scope);
}

/** The stored filter, or the error that says why it no longer validates. */
function storedFilter(row: SegmentRow): { filter: SegmentFilter } | { error: AppError } {
  try {
    return { filter: parseSegmentFilter(row.filter) };
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid_input') return { error };
    throw error;
  }
}

async function segmentOr404(storage: Storage, id: number): Promise<SegmentRow> {
  const row = await getSegmentById(storage, id);
  if (!row) throw new AppError('not_found', `No segment ${id}.`);
  return row;
}

function auditDetails(name: string, filter: SegmentFilter, count: number | null) {
  return { name, filter, description: describeSegmentFilter(filter), count };
}

export function registerSegmentRoutes(table: RouteTable, { storage }: ServerDeps): void {
  table.define(
    {
      method: 'GET',
      url: '/api/segments',
      summary: "Saved segments with their counts from the latest analysis (in the caller's scope)",
      tag: 'segments',
      access: READ,
    },
    async ({ principal }) => {
      const scope = customerScopeOf(principal);
      const rows = (await listSegments(storage)).map((row) => ({ row, parsed: storedFilter(row) }));
      const valid = rows.flatMap(({ parsed }) => ('filter' in parsed ? [parsed.filter] : []));
      const counts = await countSegments(storage, valid, scope);
      let next = 0;
      const items = rows.map(({ row, parsed }) => {
        if ('filter' in parsed) {
          return { ...viewOf(row, parsed.filter, counts[next++] ?? 0, scope), invalid: false };
        }
        // A filter stored before the filter schema changed: one bad segment must not hide the rest.
        return {
          ...viewOf(row, {}, 0, scope),
          description: parsed.error.message,
          count: null,
          stored_count: null,
          invalid: true,
        };
      });
      return { analysis: await analysisInfo(storage), items };
    },
  );

  table.define(
    {
      method: 'GET',
      url: '/api/segments/fields',
      summary: 'What a segment can filter on: list fields with their values, ranges and yes/no flags',
      tag: 'segments',
      access: READ,
    },
    async ({ principal }) => {
      const scope = customerScopeOf(principal);
      const [facets, categories] = await Promise.all([
        customerFacets(storage, scope),
        segmentCategories(storage, scope),
      ]);
      return {
        lists: {
          status: LIFECYCLE_STATUSES,
          rank: RANKS,
          reason: REASON_CATEGORIES,
          owner: facets.owners,
          industry: facets.industries,
          prefecture: facets.prefectures,
          main_category: categories,
          health_level: ['healthy', 'caution', 'warning', 'danger'],
          kind: ['company', 'person'],
        },
        ranges: RANGE_FIELDS,
        flags: ['reason_resolved', 'gap_alert'],
      };
    },
  );

  table.define(
    {
      method: 'POST',
      url: '/api/segments/preview',
      summary: 'Count a filter and show its first customers without saving it (scoped like the list)',
      tag: 'segments',
      access: READ,
      body: SegmentPreviewBody,
    },
    async ({ body, principal }) => {
      const scope = customerScopeOf(principal);
      const [count, customers] = await Promise.all([
        countSegment(storage, body.filter, scope),
        body.limit === 0 ? [] : segmentMembers(storage, body.filter, body.limit, { scope }),
      ]);
      return {
        analysis: await analysisInfo(storage),
        filter: body.filter,
        description: describeSegmentFilter(body.filter),
        count,
        customers,
      };
    },
  );

  table.define(
    {
      method: 'POST',
      url: '/api/segments',
      summary: 'Save a new segment (name and filter; a taken name is a conflict)',
      tag: 'segments',
      access: { kind: 'user', roles: WRITERS },
      body: SegmentBody,
      successStatus: 201,
    },
    async ({ body, principal, now }) => {
      if (await getSegment(storage, body.name)) {
        throw new AppError('conflict', `A segment named '${body.name}' exists already; choose another name.`);
      }
      const row = await saveSegment(storage, {
        name: body.name,
        filter: body.filter,
        createdBy: actorOf(principal),
        at: now.toISOString(),
      });
      await recordAudit(storage, {
        at: now.toISOString(),
        actor: actorOf(principal),
        action: 'segment.create',
        entity: 'segment',
        entityId: String(row.id),
        details: auditDetails(row.name, body.filter, row.last_count),
      });
      return segmentView(storage, row, customerScopeOf(principal));
    },
  );

  table.define(
    {
      method: 'GET',
      url: '/api/segments/:id',
      summary: "A segment: its filter, count and a page of its customers (in the caller's scope)",
      tag: 'segments',
      access: READ,
      params: SegmentIdParams,
      query: SegmentCustomersQuery,
    },
    async ({ params, query, principal }) => {
      const scope = customerScopeOf(principal);
      const row = await segmentOr404(storage, params.id);
      const view = await segmentView(storage, row, scope);
      const customers = await segmentMembers(storage, view.filter, query.page_size, {
        scope,
        offset: (query.page - 1) * query.page_size,
      });
      return {
        ...view,
        analysis: await analysisInfo(storage),
        customers: { items: customers, total: view.count, page: query.page, page_size: query.page_size },
      };
    },
  );

  table.define(
    {
      method: 'PUT',
      url: '/api/segments/:id',
      summary: "Change a segment's name and filter (recounted; another segment's name is a conflict)",
      tag: 'segments',
      access: { kind: 'user', roles: WRITERS },
      params: SegmentIdParams,
      body: SegmentBody,
    },
    async ({ params, body, principal, now }) => {
      const before = await segmentOr404(storage, params.id);
      const row = await updateSegment(storage, params.id, {
        name: body.name,
        filter: body.filter,
        savedBy: actorOf(principal),
        at: now.toISOString(),
      });
      if (!row) throw new AppError('not_found', `No segment ${params.id}.`);
      await recordAudit(storage, {
        at: now.toISOString(),
        actor: actorOf(principal),
        action: 'segment.update',
        entity: 'segment',
        entityId: String(row.id),
        details: {
          ...auditDetails(row.name, body.filter, row.last_count),
          before: { name: before.name, filter: JSON.parse(before.filter) as unknown },
        },
      });
      return segmentView(storage, row, customerScopeOf(principal));
    },
  );

  table.define(
    {
      method: 'DELETE',
      url: '/api/segments/:id',
      summary: 'Delete a segment (its customers are untouched)',
      tag: 'segments',
      access: { kind: 'user', roles: WRITERS },
      params: SegmentIdParams,
    },
    async ({ params, principal, now }) => {
      const row = await segmentOr404(storage, params.id);
      if (!(await deleteSegment(storage, params.id))) {
        throw new AppError('not_found', `No segment ${params.id}.`);
      }
      await recordAudit(storage, {
        at: now.toISOString(),
        actor: actorOf(principal),
        action: 'segment.delete',
        entity: 'segment',
        entityId: String(row.id),
        details: auditDetails(row.name, parseSegmentFilter(row.filter), row.last_count),
      });
      return { ok: true, id: row.id, name: row.name };
    },
  );
}
