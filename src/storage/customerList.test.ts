/**
 * The customer list's paging contract on both engines, whichever way a page is read (walking a
 * sort index for a broad match, sorting a narrow one): every page is the matching slice of one
 * total order — analysis values first in the asked direction with customer_id as the tie-break,
 * then the customers without a value (not analysed yet, or e.g. an active customer's score) by
 * customer_id — and the total counts unmerged customers only, even when a customer merged after
 * the last analysis still has a row in customer_state.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../test/engines.js';
import {
  type CustomerFilters,
  type CustomerScope,
  type CustomerSortKey,
  listCustomers,
} from './customerQueries.js';
import type { Storage } from './storage.js';

interface Row {
  id: string;
  name: string;
  owner: string;
  prefecture: string | null;
  merged: boolean;
  state: {
    status: string;
    score: number | null;
    p_alive: number | null;
    expected_value: number | null;
  } | null;
}

const STATUSES = ['active', 'at_risk', 'mid_dormant', 'long_dormant'];

/** 40 customers: 30 analysed (ties in p_alive, no score when active), 10 not, one merged away. */
function fixture(): Row[] {
  return Array.from({ length: 40 }, (_, i) => {
    const status = STATUSES[i % 4] as string;
    return {
      id: `C${String(i).padStart(2, '0')}`,
      name: `株式会社テスト${(i * 7) % 40}`,
      owner: i % 2 === 0 ? 'repA' : 'repB',
      prefecture: i % 5 === 0 ? null : (['東京都', '大阪府', '愛知県'][i % 3] as string),
      merged: i === 5,
      state:
        i < 30
          ? {
              status,
              score: status === 'active' ? null : ((i * 13) % 17) / 17,
              p_alive: Math.round(((i * 11) % 7) * 10) / 100,
              expected_value: i % 6 === 0 ? null : (i * 37) % 50_000,
            }
          : null,
    };
  });
}

type StateKey = 'score' | 'p_alive' | 'expected_value';
const STATE_KEYS = new Set<string>(['score', 'p_alive', 'expected_value']);

function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The order the list promises, computed the slow, obvious way. */
function expectedOrder(
  rows: Row[],
  filters: CustomerFilters,
  scope: CustomerScope,
  sort: CustomerSortKey,
  direction: 'asc' | 'desc',
): string[] {
  const sign = direction === 'desc' ? -1 : 1;
  const matching = rows.filter(
    (r) =>
      !r.merged &&
      (scope === null || r.owner === scope.ownerKey) &&
      (filters.owner === undefined || r.owner === filters.owner) &&
      (filters.status === undefined || r.state?.status === filters.status),
  );
  if (STATE_KEYS.has(sort)) {
    const keyOf = (r: Row) => r.state?.[sort as StateKey] ?? null;
    const valued = matching.filter((r) => keyOf(r) !== null);
    const rest = matching.filter((r) => keyOf(r) === null);
    valued.sort((a, b) => sign * (cmp(keyOf(a) as number, keyOf(b) as number) || cmp(a.id, b.id)));
    rest.sort((a, b) => cmp(a.id, b.id));
    return [...valued, ...rest].map((r) => r.id);
  }
  const keyOf = (r: Row) => (sort === 'name' ? r.name : r.prefecture);
  return [...matching]
    .sort((a, b) => {
      const va = keyOf(a);
      const vb = keyOf(b);
      if (va === null || vb === null) return va === vb ? cmp(a.id, b.id) : va === null ? 1 : -1;
      return sign * cmp(va, vb) || cmp(a.id, b.id);
    })
    .map((r) => r.id);
}

async function load(storage: Storage, rows: Row[]): Promise<void> {
  for (const r of rows) {
    await sql`insert into customers (customer_id, name, name_key, kind, owner, prefecture, merged_into)
      values (${r.id}, ${r.name}, ${r.name}, 'company', ${r.owner}, ${r.prefecture}, ${r.merged ? 'C06' : null})`.execute(
      storage.db,
    );
    if (r.state) {
      await sql`insert into customer_state (customer_id, run_id, as_of, owner, status, status_since, score,
          p_alive, expected_value)
        values (${r.id}, 1, '2026-11-30', ${r.owner}, ${r.state.status}, '2026-11-30', ${r.state.score},
          ${r.state.p_alive}, ${r.state.expected_value})`.execute(storage.db);
    }
  }
}

describe.each(ENGINES)('customer list paging on %s', (engine) => {
  let database: TestDatabase;
  let storage: Storage;
  const rows = fixture();
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    storage = await database.open();
    await load(storage, rows);
  });
  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });

  const cases: { filters: CustomerFilters; scope: CustomerScope }[] = [
    { filters: {}, scope: null },
    { filters: { status: 'mid_dormant' }, scope: null },
    { filters: { owner: 'repA' }, scope: null },
    { filters: { status: 'at_risk', owner: 'repA' }, scope: null },
    { filters: {}, scope: { ownerKey: 'repB' } },
  ];
  const sorts: CustomerSortKey[] = ['score', 'p_alive', 'expected_value', 'name', 'prefecture'];

  it('reads every page as a slice of one order, for each sort, direction, filter and page size', async () => {
    for (const { filters, scope } of cases) {
      for (const sort of sorts) {
        for (const direction of ['asc', 'desc'] as const) {
          const expected = expectedOrder(rows, filters, scope, sort, direction);
          const label = `${JSON.stringify(filters)} ${JSON.stringify(scope)} ${sort} ${direction}`;
          for (const limit of [3, 7, 50]) {
            const seen: string[] = [];
            for (let offset = 0; offset <= expected.length; offset += limit) {
              const page = await listCustomers(storage, scope, { filters, sort, direction, limit, offset });
              expect(page.total, label).toBe(expected.length);
              seen.push(...page.items.map((c) => c.customer_id));
            }
            expect(seen, `${label} limit ${limit}`).toEqual(expected);
          }
          // A page starting past the customers with a value reads only the others.
          const late = Math.max(0, expected.length - 2);
          const tail = await listCustomers(storage, scope, {
            filters,
            sort,
            direction,
            limit: 5,
            offset: late,
          });
          expect(
            tail.items.map((c) => c.customer_id),
            label,
          ).toEqual(expected.slice(late));
        }
      }
    }
  });

  it('leaves a customer merged after the analysis out of the counts and pages', async () => {
    const all = await listCustomers(storage, null, {
      filters: { status: 'at_risk' },
      sort: 'name',
      direction: 'asc',
      limit: 50,
      offset: 0,
    });
    // C05 is at_risk in customer_state but merged into C06.
    expect(all.items.map((c) => c.customer_id)).not.toContain('C05');
    expect(all.total).toBe(rows.filter((r) => !r.merged && r.state?.status === 'at_risk').length);
    const everyone = await listCustomers(storage, null, {
      filters: {},
      sort: 'score',
      direction: 'desc',
      limit: 100,
      offset: 0,
    });
    expect(everyone.total).toBe(39);
    expect(everyone.items).toHaveLength(39);
  });

  it('returns an empty page past the end', async () => {
    const page = await listCustomers(storage, null, {
      filters: {},
      sort: 'p_alive',
      direction: 'asc',
      limit: 10,
      offset: 500,
    });
    expect(page).toMatchObject({ total: 39, items: [] });
  });
});
