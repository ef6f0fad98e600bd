import { useEffect, useMemo, useState } from 'react';
import { api, type CustomerList, type Facets, type Segment } from '../api';
import { formatDate, formatYen } from '../format';
import { type MessageKey, useI18n } from '../i18n';
import { Link } from '../router';

const STATUSES = [
  'active',
  'at_risk',
  'early_dormant',
  'mid_dormant',
  'long_dormant',
  'reactivating',
  'reactivated',
  'lost',
  'never_purchased',
];
const REASONS = [
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
];
const PAGE_SIZE = 50;

interface Filters {
  q: string;
  prefecture: string;
  industry: string;
  owner: string;
  status: string;
  rank: string;
  reason: string;
  /** A saved segment's id. */
  segment: string;
}
const NO_FILTERS: Filters = {
  q: '',
  prefecture: '',
  industry: '',
  owner: '',
  status: '',
  rank: '',
  reason: '',
  segment: '',
};

/** Links from the dashboard and the reports open the list filtered (?status=…, ?reason=…, ?rank=…). */
function filtersFromUrl(): Filters {
  const params = new URLSearchParams(location.search);
  const pick = (name: 'status' | 'reason' | 'rank') => params.get(name)?.trim() ?? '';
  return { ...NO_FILTERS, status: pick('status'), reason: pick('reason'), rank: pick('rank') };
}

export function CustomersScreen() {
  const { t, label, language } = useI18n();
  const [filters, setFilters] = useState<Filters>(filtersFromUrl);
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState({ key: 'name', dir: 'asc' as 'asc' | 'desc' });
  const [page, setPage] = useState(1);
  const [data, setData] = useState<CustomerList | null>(null);
  const [facets, setFacets] = useState<Facets | null>(null);
  const [segments, setSegments] = useState<Segment[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.facets().then(setFacets, () => undefined);
    api.segments().then(
      (list) => setSegments(list.items),
      () => undefined,
    );
  }, []);

  const query = useMemo(() => {
    const params = new URLSearchParams({
      sort: sort.key,
      dir: sort.dir,
      page: String(page),
      page_size: String(PAGE_SIZE),
    });
    for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
    return params;
  }, [filters, sort, page]);

  useEffect(() => {
    let current = true;
    api.customers(query).then(
      (list) => {
        if (!current) return;
        setData(list);
        setError(null);
      },
      (e: Error) => current && setError(e.message),
    );
    return () => {
      current = false;
    };
  }, [query]);

  const setFilter = (key: keyof Filters, value: string) => {
    setFilters((f) => ({ ...f, [key]: value }));
    setPage(1);
  };
  const sortBy = (key: string) => {
    setSort((s) => ({ key, dir: s.key === key && s.dir === 'asc' ? 'desc' : 'asc' }));
    setPage(1);
  };
  const analysed = data?.analysisAvailable ?? false;
  const header = (key: string, text: MessageKey, sortable = true) => (
    <th>
      {sortable ? (
        <button type="button" className="sort" onClick={() => sortBy(key)} data-sort={key}>
          {t(text)}
          {sort.key === key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
        </button>
      ) : (
        t(text)
      )}
    </th>
  );
  const select = (
    key: keyof Filters,
    values: string[],
    text: MessageKey,
    toLabel: (v: string) => string = (v) => v,
  ) => (
    <label className="filter">
      {t(text)}
      <select name={key} value={filters[key]} onChange={(e) => setFilter(key, e.target.value)}>
        <option value="">{t('common.all')}</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {toLabel(v)}
          </option>
        ))}
      </select>
    </label>
  );

  const from = data && data.total > 0 ? (page - 1) * PAGE_SIZE + 1 : 0;
  const to = data ? Math.min(page * PAGE_SIZE, data.total) : 0;
  return (
    <div className="screen">
      <h1>{t('customers.title')}</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter('q', search);
        }}
      >
        <input
          name="q"
          type="search"
          placeholder={t('customers.searchPlaceholder')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <button type="submit">{t('common.search')}</button>
        {select('prefecture', facets?.prefectures ?? [], 'col.prefecture')}
        {select('industry', facets?.industries ?? [], 'col.industry')}
        {select('owner', facets?.owners ?? [], 'col.owner')}
        {analysed && select('status', STATUSES, 'col.status', (v) => label('status', v))}
        {analysed && select('rank', ['S', 'A', 'B', 'C', 'D'], 'col.rank')}
        {analysed && select('reason', REASONS, 'col.reason', (v) => label('reason', v))}
        {segments.length > 0 &&
          select(
            'segment',
            segments.map((s) => String(s.id)),
            'customers.segment',
            (v) => segments.find((s) => String(s.id) === v)?.name ?? v,
          )}
      </form>
      {error && <p className="error">{error}</p>}
      {data && (
        <>
          <p className="muted">{t('customers.count', { total: data.total, from, to })}</p>
          <table className="table" data-testid="customer-table">
            <thead>
              <tr>
                {header('customer_id', 'col.customer_id')}
                {header('name', 'col.name')}
                {header('prefecture', 'col.prefecture')}
                {header('industry', 'col.industry')}
                {header('owner', 'col.owner')}
                {analysed && header('status', 'col.status')}
                {analysed && header('rank', 'col.rank')}
                {analysed && header('score', 'col.score')}
                {header('last_order_at', 'col.last_order_at', false)}
                {header('revenue', 'col.revenue', false)}
              </tr>
            </thead>
            <tbody>
              {data.items.map((c) => (
                <tr key={c.customer_id}>
                  <td className="mono">{c.customer_id}</td>
                  <td>
                    <Link to={`/customers/${encodeURIComponent(c.customer_id)}`}>{c.name}</Link>
                  </td>
                  <td>{c.prefecture ?? '—'}</td>
                  <td>{c.industry ?? '—'}</td>
                  <td>{c.owner ?? '—'}</td>
                  {analysed && (
                    <td>
                      <span className={`badge status-${c.analysis?.status ?? ''}`}>
                        {label('status', c.analysis?.status as string)}
                      </span>
                    </td>
                  )}
                  {analysed && <td>{c.analysis?.rank ?? '—'}</td>}
                  {analysed && <td className="num">{formatScore(c.analysis?.score)}</td>}
                  <td>{formatDate(c.last_order_at, language)}</td>
                  <td className="num">{formatYen(c.revenue)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.items.length === 0 && <p className="muted">{t('customers.empty')}</p>}
          <div className="pager">
            <button type="button" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
              {t('common.prev')}
            </button>
            <span>{page}</span>
            <button type="button" disabled={to >= data.total} onClick={() => setPage((p) => p + 1)}>
              {t('common.next')}
            </button>
          </div>
        </>
      )}
    </div>
  );
}

function formatScore(value: string | number | null | undefined): string {
  return typeof value === 'number' ? value.toFixed(2) : '—';
}
