/**
 * Segments: the saved segments with their counts, the builder for a new one, and one segment's
 * page (its conditions, count and customers, each linked to the customer 360). Counts and
 * customers are the caller's scope: a sales rep sees only the accounts they own. Saving,
 * changing and deleting are for marketers and admins.
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, api, type Segment, type SegmentDetail, type SegmentFields, type User } from '../api';
import { SegmentBuilder, useDescribeFilter, useValueLabel } from '../components/SegmentBuilder';
import { formatCount, formatDate, formatPercent, formatYen } from '../format';
import { useI18n } from '../i18n';
import { Link, navigate } from '../router';

const PAGE_SIZE = 50;

export function SegmentsScreen({ user, id }: { user: User; id?: number }) {
  const [fields, setFields] = useState<SegmentFields | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { t } = useI18n();
  useEffect(() => {
    api.segmentFields().then(setFields, (e: Error) => setError(e.message));
  }, []);
  if (error) return <p className="error">{error}</p>;
  if (!fields) return <p className="loading">{t('common.loading')}</p>;
  return id === undefined ? (
    <SegmentList user={user} fields={fields} />
  ) : (
    <SegmentPage user={user} fields={fields} id={id} />
  );
}

const canChange = (user: User) => user.role === 'admin' || user.role === 'marketer';

function SegmentList({ user, fields }: { user: User; fields: SegmentFields }) {
  const { t, language } = useI18n();
  const describe = useDescribeFilter();
  const [segments, setSegments] = useState<Segment[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    api.segments().then(
      (list) => {
        setSegments(list.items);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, []);
  useEffect(load, [load]);

  return (
    <div className="screen">
      <h1>{t('segments.title')}</h1>
      <section className="card">
        <h2>{t('segments.saved')}</h2>
        {error && <p className="error">{error}</p>}
        {segments === null && !error && <p className="loading">{t('common.loading')}</p>}
        {segments?.length === 0 && <p className="muted">{t('segments.none')}</p>}
        {segments && segments.length > 0 && (
          <table className="table" data-testid="segment-list">
            <thead>
              <tr>
                <th>{t('segments.col.name')}</th>
                <th>{t('segments.col.conditions')}</th>
                <th>{t('segments.col.count')}</th>
                <th>{t('segments.col.saved')}</th>
              </tr>
            </thead>
            <tbody>
              {segments.map((s) => (
                <tr key={s.id} data-testid="segment-row" data-segment-id={s.id}>
                  <td>
                    <Link to={`/segments/${s.id}`}>{s.name}</Link>
                  </td>
                  <td className={s.invalid ? 'error' : undefined}>
                    {s.invalid ? s.description : describe(s.filter).join(' ／ ')}
                  </td>
                  <td className="num" data-testid="segment-row-count">
                    {formatCount(s.count)}
                  </td>
                  <td className="muted">
                    {formatDate(s.created_at, language)}（{s.created_by.replace(/^user:/, '')}）
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <SegmentBuilder
        fields={fields}
        canSave={canChange(user)}
        scoped={user.role === 'sales_rep'}
        onSaved={load}
      />
    </div>
  );
}

function SegmentPage({ user, fields, id }: { user: User; fields: SegmentFields; id: number }) {
  const { t, language } = useI18n();
  const describe = useDescribeFilter();
  const valueLabel = useValueLabel();
  const [page, setPage] = useState(1);
  const [segment, setSegment] = useState<SegmentDetail | null>(null);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: version reloads after a save
  useEffect(() => {
    let current = true;
    const query = new URLSearchParams({ page: String(page), page_size: String(PAGE_SIZE) });
    api.segment(id, query).then(
      (s) => {
        if (!current) return;
        setSegment(s);
        setError(null);
      },
      (e: unknown) => {
        if (!current) return;
        if (e instanceof ApiError && e.status === 404) setMissing(true);
        else setError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      current = false;
    };
  }, [id, page, version]);

  if (missing) {
    return (
      <div className="screen">
        <Link to="/segments">{t('segments.back')}</Link>
        <p className="muted">{t('segments.notFound')}</p>
      </div>
    );
  }
  if (!segment) {
    return error ? <p className="error">{error}</p> : <p className="loading">{t('common.loading')}</p>;
  }

  const remove = async () => {
    if (!window.confirm(t('segments.confirmDelete', { name: segment.name }))) return;
    try {
      await api.deleteSegment(segment.id);
      navigate('/segments');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const { items, total } = segment.customers;
  const from = total > 0 ? (page - 1) * PAGE_SIZE + 1 : 0;
  const to = Math.min(page * PAGE_SIZE, total);

  return (
    <div className="screen">
      <Link to="/segments">{t('segments.back')}</Link>
      <h1 data-testid="segment-name">{segment.name}</h1>
      <ul className="plain" data-testid="segment-conditions">
        {describe(segment.filter).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <p>
        <strong data-testid="segment-total">
          {t('segments.liveCount', { count: formatCount(segment.count) })}
        </strong>
        {segment.analysis && (
          <span className="muted">
            {' '}
            {t('segments.asOf', { date: formatDate(segment.analysis.as_of, language) })}
          </span>
        )}
        {user.role === 'sales_rep' && <span className="muted"> {t('segments.scopeNote')}</span>}
      </p>
      {error && <p className="error">{error}</p>}

      <section className="card">
        <h2>{t('segments.customers')}</h2>
        <p className="muted">{t('customers.count', { total, from, to })}</p>
        <table className="table" data-testid="segment-customers">
          <thead>
            <tr>
              <th>{t('col.customer_id')}</th>
              <th>{t('col.name')}</th>
              <th>{t('col.status')}</th>
              <th>{t('col.rank')}</th>
              <th>{t('col.reason')}</th>
              <th>{t('metric.expected_value')}</th>
              <th>{t('metric.p_alive')}</th>
              <th>{t('metric.days_since_last_purchase')}</th>
              <th>{t('col.prefecture')}</th>
              <th>{t('col.owner')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.customer_id} data-customer-id={c.customer_id}>
                <td className="mono">{c.customer_id}</td>
                <td>
                  <Link to={`/customers/${encodeURIComponent(c.customer_id)}`}>{c.name}</Link>
                </td>
                <td>
                  <span className={`badge status-${c.status}`}>{valueLabel('status', c.status)}</span>
                </td>
                <td>{c.rank ?? '—'}</td>
                <td>{c.reason_category ? valueLabel('reason', c.reason_category) : '—'}</td>
                <td className="num">{formatYen(c.expected_value)}</td>
                <td className="num">{formatPercent(c.p_alive)}</td>
                <td className="num">{formatCount(c.days_since_last_purchase)}</td>
                <td>{c.prefecture ?? '—'}</td>
                <td>{c.owner ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length === 0 && <p className="muted">{t('customers.empty')}</p>}
        <div className="pager">
          <button type="button" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
            {t('common.prev')}
          </button>
          <span>{page}</span>
          <button type="button" disabled={to >= total} onClick={() => setPage((p) => p + 1)}>
            {t('common.next')}
          </button>
        </div>
      </section>

      {canChange(user) && !editing && (
        <div className="actions">
          <button type="button" className="button" onClick={() => setEditing(true)}>
            {t('segments.edit')}
          </button>
          <button type="button" className="link-button danger" onClick={remove}>
            {t('segments.delete')}
          </button>
        </div>
      )}
      {canChange(user) && editing && (
        <>
          <SegmentBuilder
            key={segment.id}
            fields={fields}
            canSave
            scoped={false}
            segment={segment}
            onSaved={() => setVersion((v) => v + 1)}
          />
          <button type="button" className="link-button" onClick={() => setEditing(false)}>
            {t('segments.closeEditor')}
          </button>
        </>
      )}
    </div>
  );
}
