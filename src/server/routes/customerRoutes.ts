/**
 * Customers: the paged list, facets for its filter menus, the 360° view and the manual
 * reason override. Every query gets the caller's scope: a sales rep sees only the accounts
 * they own, and another rep's customer answers 404 exactly like a missing one.
 */
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { parseSegmentFilter, type SegmentFilter } from '../../core/prioritise/segmentFilter.js';
import { recordAudit } from '../../storage/accountQueries.js';
import {
  AnalysisMissing,
  CUSTOMER_SORT_KEYS,
  customerFacets,
  getCustomer360,
  insertReasonOverride,
  isCustomerVisible,
  listCustomers,
} from '../../storage/customerQueries.js';
import { getSegmentById } from '../../storage/segmentQueries.js';
import { ANY_ROLE, actorOf, customerScopeOf } from '../auth.js';
import { RequestValidationError } from '../httpErrors.js';
import type { RouteTable, ServerDeps } from '../routeTable.js';

/** SPEC's reason categories. */
export const REASON_CATEGORIES = [
  'product',
  'price',
  'environment',
  'forgotten',
  'competitor',
  'need_gone',
  'staff',
  'over_contact',
  'other',
  'unknown',
] as const;

const text = z.string().trim().min(1).max(200);
export const CustomerListQuery = z.object({
  status: text.optional(),
  rank: text.optional(),
  reason: z.enum(REASON_CATEGORIES).optional(),
  owner: text.optional(),
  industry: text.optional(),
  prefecture: text.optional(),
  q: z.string().max(200).optional(),
  /** A saved segment's id: only its customers. */
  segment: z.coerce.number().int().min(1).max(2_147_483_647).optional(),
  sort: z.enum(CUSTOMER_SORT_KEYS).default('name'),
  dir: z.enum(['asc', 'desc']).default('asc'),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  page_size: z.coerce.number().int().min(1).max(200).default(50),
});
export const CustomerIdParams = z.object({ id: z.string().min(1).max(200) });
export const ReasonOverrideBody = z.object({
  category: z.enum(REASON_CATEGORIES),
  note: z.string().trim().max(2000).optional(),
});

const READ = { kind: 'user', roles: ANY_ROLE, tokenScope: 'read' } as const;

export function registerCustomerRoutes(table: RouteTable, { storage }: ServerDeps): void {
  table.define(
    {
      method: 'GET',
      url: '/api/customers',
      summary: 'List customers (paged, sorted, filtered; sales reps see their own accounts only)',
      tag: 'customers',
      access: READ,
      query: CustomerListQuery,
    },
    async ({ query, principal }) => {
      let segment: SegmentFilter | undefined;
      if (query.segment !== undefined) {
        const row = await getSegmentById(storage, query.segment);
        if (!row) {
          const message = `query.segment: no segment ${query.segment}`;
          throw new RequestValidationError('query.segment', message, [{ field: 'query.segment', message }]);
        }
        segment = parseSegmentFilter(row.filter);
      }
      try {
        const list = await listCustomers(storage, customerScopeOf(principal), {
          filters: { ...query, segment },
          sort: query.sort,
          direction: query.dir,
          limit: query.page_size,
          offset: (query.page - 1) * query.page_size,
        });
        return { ...list, page: query.page, page_size: query.page_size };
      } catch (error) {
        if (error instanceof AnalysisMissing) {
          throw new AppError('invalid_input', `query.${error.field}: ${error.message}`);
        }
        throw error;
      }
    },
  );

  table.define(
    {
      method: 'GET',
      url: '/api/customers/facets',
      summary: 'Values for the customer list filters (owners, industries, prefectures)',
      tag: 'customers',
      access: READ,
    },
    async ({ principal }) => customerFacets(storage, customerScopeOf(principal)),
  );

  table.define(
    {
      method: 'GET',
      url: '/api/customers/:id',
      summary:
        'Customer 360: profile, contacts (incl. who left), orders, timeline, analysis, reason overrides',
      tag: 'customers',
      access: READ,
      params: CustomerIdParams,
    },
    async ({ params, principal }) => {
      const view = await getCustomer360(storage, customerScopeOf(principal), params.id);
      if (!view) throw new AppError('not_found', `No customer ${params.id} that you can see.`);
      return view;
    },
  );

  table.define(
    {
      method: 'POST',
      url: '/api/customers/:id/reason',
      summary: 'Override the inferred reason a customer went quiet (stored with who and when)',
      tag: 'customers',
      access: { kind: 'user', roles: ['admin', 'marketer', 'sales_rep'] },
      params: CustomerIdParams,
      body: ReasonOverrideBody,
      successStatus: 201,
    },
    async ({ params, body, principal, now }) => {
      if (principal?.kind !== 'user')
        throw new AppError('forbidden', 'Only a signed-in user can set a reason.');
      if (!(await isCustomerVisible(storage, customerScopeOf(principal), params.id))) {
        throw new AppError('not_found', `No customer ${params.id} that you can see.`);
      }
      const row = await insertReasonOverride(storage, {
        customerId: params.id,
        category: body.category,
        note: body.note || null,
        userId: principal.user.id,
        createdAt: now.toISOString(),
      });
      await recordAudit(storage, {
        at: now.toISOString(),
        actor: actorOf(principal),
        action: 'customer.reason_override',
        entity: 'customer',
        entityId: params.id,
        details: { category: body.category, note: body.note ?? null },
      });
      return { ...row, user_name: principal.user.display_name };
    },
  );
}
