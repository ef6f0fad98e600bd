/** The customers behind the dashboard's "newly dormant" count: dormant now, not dormant in the previous run. */
import { useEffect, useState } from 'react';
import { api } from '../api';
import { formatCount, formatDate, formatYen } from '../format';
import { useI18n } from '../i18n';
import type { NewlyDormantList } from '../reportTypes';
import { Link } from '../router';

export function NewlyDormantScreen() {
  const { t, label, language } = useI18n();
  const [list, setList] = useState<NewlyDormantList | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.newlyDormant().then(setList, (e: Error) => setError(e.message));
  }, []);
  return (
    <div className="screen">
      <Link to="/">{t('newlyDormant.back')}</Link>
      <h1>{t('newlyDormant.title')}</h1>
      {error && <p className="error">{error}</p>}
      {!list && !error && <p className="loading">{t('common.loading')}</p>}
      {list?.run && list.previous_run && (
        <p className="muted">
          {t('newlyDormant.intro', {
            asOf: formatDate(list.run.as_of, language),
            previous: formatDate(list.previous_run.as_of, language),
          })}
        </p>
      )}
      {list && list.total === 0 && <p className="notice">{t('newlyDormant.empty')}</p>}
      {list && list.total > 0 && (
        <section className="card">
          <p>{t('newlyDormant.count', { total: formatCount(list.total) })}</p>
          <table className="table" data-testid="newly-dormant-table">
            <thead>
              <tr>
                <th>{t('col.name')}</th>
                <th>{t('col.owner')}</th>
                <th>{t('col.previous_status')}</th>
                <th>{t('col.status')}</th>
                <th>{t('col.rank')}</th>
                <th>{t('col.reason')}</th>
                <th className="num">{t('col.yearly_value')}</th>
                <th className="num">{t('col.expected_value')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((c) => (
                <tr key={c.customer_id} data-customer-id={c.customer_id}>
                  <td>
                    <Link to={`/customers/${encodeURIComponent(c.customer_id)}`}>{c.name}</Link>
                  </td>
                  <td>{c.owner ?? '—'}</td>
                  <td>{label('status', c.previous_status)}</td>
                  <td>
                    <span className={`badge status-${c.status}`}>{label('status', c.status)}</span>
                  </td>
                  <td>{c.rank ?? '—'}</td>
                  <td>{label('reason', c.reason_category)}</td>
                  <td className="num">{formatYen(c.yearly_value_yen)}</td>
                  <td className="num">{formatYen(c.expected_value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
