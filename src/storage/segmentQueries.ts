/**
 * Saved segments (migration 009_diagnosis): storing them, and the customers a segment's filter
 * selects from the latest analysis (customer_state joined with customers). The SQL is built with
 * Kysely from the validated filter: column names come from the fixed lists in segmentFilter.ts,
 * every value is a bound parameter.
 */
import {
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type SelectQueryBuilder,
  type SqlBool,
  sql,
} from 'kysely';
import { AppError } from '../core/errors.js';
import {
  LIST_FIELDS,
  type ListField,
  parseSegmentFilter,
  RANGE_FIELDS,
  type SegmentFilter,
} from '../core/prioritise/segmentFilter.js';
import type { AnalysisDatabase } from './analysisQueries.js';
import type { CustomerScope } from './customerQueries.js';
import type { Storage } from './storage.js';

export interface SegmentRow {
  id: number;
  name: string;
  filter: string;
  created_by: string;
  created_at: string;
  last_count: number | null;
  counted_at: string | null;
}

type SegmentDatabase = AnalysisDatabase & {
  segments: Omit<SegmentRow, 'id'> & { id?: number };
  customer_state: AnalysisDatabase['customer_state'] & { reason_resolved: number | null };
};

function sdb(storage: Storage): Kysely<SegmentDatabase> {
  return storage.db as unknown as Kysely<SegmentDatabase>;
}

// biome-ignore lint/suspicious/noExplicitAny: the joined tables' row type is spelled by Kysely.
type JoinedQuery = SelectQueryBuilder<any, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: the same joined tables, seen from inside an expression.
type JoinedExpressions = ExpressionBuilder<any, any>;

/** The filter's conditions on a joined row (s: customer_state, c: customers); true when there are none. */
function segmentCondition(eb: JoinedExpressions, filter: SegmentFilter): Expression<SqlBool> {
  const parts: Expression<SqlBool>[] = [];
  for (const field of Object.keys(LIST_FIELDS) as ListField[]) {
    const values = filter[field];
    if (values && values.length > 0) parts.push(eb(LIST_FIELDS[field], 'in', [...values]));
  }
  if (filter.reason_resolved !== undefined) {
    parts.push(
      filter.reason_resolved
        ? eb('s.reason_resolved', '=', 1)
        : eb.or([eb('s.reason_resolved', 'is', null), eb('s.reason_resolved', '=', 0)]),
    );
  }
  if (filter.gap_alert !== undefined) parts.push(eb('s.gap_alert', '=', filter.gap_alert ? 1 : 0));
  for (const field of RANGE_FIELDS) {
    const r = filter.ranges?.[field];
    if (!r) continue;
    if (r.min !== undefined) parts.push(eb(`s.${field}`, '>=', r.min));
    if (r.max !== undefined) parts.push(eb(`s.${field}`, '<=', r.max));
  }
  return parts.length === 0 ? sql<SqlBool>`1 = 1` : eb.and(parts);
}

/** Analysed, unmerged customers in the scope: the rows every segment chooses from. */
function scopedRows(storage: Storage, scope: CustomerScope): JoinedQuery {
  const query: JoinedQuery = sdb(storage)
    .selectFrom('customer_state as s')
    .innerJoin('customers as c', 'c.customer_id', 's.customer_id')
    .where('c.merged_into', 'is', null);
  if (!scope) return query;
  return scope.ownerKey === null
    ? query.where(sql<SqlBool>`1 = 0`)
    : query.where('c.owner', '=', scope.ownerKey);
}

/**
 * Customers of the latest analysis the filter selects (no select list: callers add it). The
 * scope is the caller's: a sales rep's segment holds only the accounts they own (customers.owner,
 * as in the customer list), whatever the filter says.
 */
export function segmentQuery(
  storage: Storage,
  filter: SegmentFilter,
  scope: CustomerScope = null,
): JoinedQuery {
  return scopedRows(storage, scope).where((eb) => segmentCondition(eb, filter));
}

export async function countSegment(
  storage: Storage,
  filter: SegmentFilter,
  scope: CustomerScope = null,
): Promise<number> {
  const row = await segmentQuery(storage, filter, scope)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Counts several filters in one pass over the analysed customers (one SUM(CASE…) per filter), so
 * listing many segments costs one scan instead of one per segment.
 */
export async function countSegments(
  storage: Storage,
  filters: readonly SegmentFilter[],
  scope: CustomerScope = null,
): Promise<number[]> {
  if (filters.length === 0) return [];
  const row = (await scopedRows(storage, scope)
    .select((eb) =>
      filters.map((filter, i) =>
        eb.fn
          .sum<number | string | null>(eb.case().when(segmentCondition(eb, filter)).then(1).else(0).end())
          .as(`n${i}`),
      ),
    )
    .executeTakeFirst()) as Record<string, number | string | null> | undefined;
  return filters.map((_, i) => Number(row?.[`n${i}`] ?? 0));
}

export interface SegmentMember {
  customer_id: string;
  name: string;
  status: string;
  owner: string | null;
  rank: string | null;
  score: number | null;
  reason_category: string | null;
  expected_value: number | null;
  days_since_last_purchase: number | null;
  p_alive: number | null;
  prefecture: string | null;
  industry: string | null;
}

const numberOrNull = (value: unknown): number | null => (value === null ? null : Number(value));

/**
 * The segment's customers, highest expected value first (customers without one last on both
 * engines, so pages are the same on SQLite and PostgreSQL).
 */
export async function segmentMembers(
  storage: Storage,
  filter: SegmentFilter,
  limit = 50,
  page: { scope?: CustomerScope; offset?: number } = {},
): Promise<SegmentMember[]> {
  const rows = await segmentQuery(storage, filter, page.scope ?? null)
    .select([
      's.customer_id',
      'c.name',
      's.status',
      's.owner',
      's.rank',
      's.score',
      's.reason_category',
      's.expected_value',
      's.days_since_last_purchase',
      's.p_alive',
      'c.prefecture',
      'c.industry',
    ])
    .orderBy(sql`case when s.expected_value is null then 1 else 0 end`)
    .orderBy('s.expected_value', 'desc')
    .orderBy('s.customer_id')
    .limit(limit)
    .offset(page.offset ?? 0)
    .execute();
  return rows.map((r) => ({
    ...r,
    score: numberOrNull(r.score),
    expected_value: numberOrNull(r.expected_value),
    days_since_last_purchase: numberOrNull(r.days_since_last_purchase),
    p_alive: numberOrNull(r.p_alive),
  })) as SegmentMember[];
}

/** Stores a segment with its current count; an existing name is a conflict unless `replace`. */
export async function saveSegment(
  storage: Storage,
  segment: { name: string; filter: SegmentFilter; createdBy: string; at: string; replace?: boolean },
): Promise<SegmentRow> {
  const name = segment.name.trim();
  if (name === '' || name.length > 100) {
    throw new AppError('invalid_input', 'segment name: expected 1–100 characters');
  }
  const count = await countSegment(storage, segment.filter);
  const existing = await getSegment(storage, name);
  const values = {
    filter: JSON.stringify(segment.filter),
    created_by: segment.createdBy,
    created_at: segment.at,
    last_count: count,
    counted_at: segment.at,
  };
  if (existing) {
    if (!segment.replace) {
      throw new AppError('conflict', `segment '${name}' exists already; use --replace to change its filter`);
    }
    await sdb(storage).updateTable('segments').set(values).where('name', '=', name).execute();
  } else {
    await sdb(storage)
      .insertInto('segments')
      .values({ name, ...values })
      .execute();
  }
  return (await getSegment(storage, name)) as SegmentRow;
}

export async function getSegment(storage: Storage, name: string): Promise<SegmentRow | null> {
  const row = await sdb(storage)
    .selectFrom('segments')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? normalise(row as SegmentRow) : null;
}

export async function getSegmentById(storage: Storage, id: number): Promise<SegmentRow | null> {
  const row = await sdb(storage).selectFrom('segments').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? normalise(row as SegmentRow) : null;
}

/**
 * Changes a stored segment's name and filter and recounts it; null when there is no such segment.
 * Another segment's name is a conflict.
 */
export async function updateSegment(
  storage: Storage,
  id: number,
  segment: { name: string; filter: SegmentFilter; savedBy: string; at: string },
): Promise<SegmentRow | null> {
  const name = segment.name.trim();
  if (name === '' || name.length > 100) {
    throw new AppError('invalid_input', 'segment name: expected 1–100 characters');
  }
  if (!(await getSegmentById(storage, id))) return null;
  const clash = await getSegment(storage, name);
  if (clash && clash.id !== id) {
    throw new AppError('conflict', `segment '${name}' exists already; choose another name`);
  }
  const count = await countSegment(storage, segment.filter);
  await sdb(storage)
    .updateTable('segments')
    .set({
      name,
      filter: JSON.stringify(segment.filter),
      created_by: segment.savedBy,
      created_at: segment.at,
      last_count: count,
      counted_at: segment.at,
    })
    .where('id', '=', id)
    .execute();
  return getSegmentById(storage, id);
}

/** Deletes a segment; false when there was none with that id. */
export async function deleteSegment(storage: Storage, id: number): Promise<boolean> {
  const result = await sdb(storage).deleteFrom('segments').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listSegments(storage: Storage): Promise<SegmentRow[]> {
  const rows = await sdb(storage).selectFrom('segments').selectAll().orderBy('name').execute();
  return rows.map((r) => normalise(r as SegmentRow));
}

function normalise(row: SegmentRow): SegmentRow {
  return {
    ...row,
    id: Number(row.id),
    last_count: row.last_count === null ? null : Number(row.last_count),
  };
}

/** Main purchase categories of the latest analysis within the scope, for the builder's menus. */
export async function segmentCategories(storage: Storage, scope: CustomerScope = null): Promise<string[]> {
  const rows = await segmentQuery(storage, {}, scope)
    .select('s.main_category')
    .distinct()
    .where('s.main_category', 'is not', null)
    .orderBy('s.main_category')
    .limit(200)
    .execute();
  return rows.map((r) => String(r.main_category));
}

/** Recounts every saved segment against the latest analysis; returns how many were counted. */
export async function refreshSegmentCounts(storage: Storage, at: string): Promise<number> {
  const segments = await listSegments(storage);
  for (const s of segments) {
    const count = await countSegment(storage, parseSegmentFilter(s.filter));
    await sdb(storage)
      .updateTable('segments')
      .set({ last_count: count, counted_at: at })
      .where('id', '=', s.id)
      .execute();
  }
  return segments.length;
}
