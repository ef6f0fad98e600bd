import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, api, type Customer360, type User } from '../api';
import { BarChart } from '../components/BarChart';
import { ReasonPanel } from '../components/ReasonPanel';
import { Timeline } from '../components/Timeline';
import { formatDate, formatPercent, formatYen } from '../format';
import { useI18n } from '../i18n';
import { Link } from '../router';

export function CustomerScreen({ id, user }: { id: string; user: User }) {
  const { t, label, language } = useI18n();
  const [view, setView] = useState<Customer360 | null>(null);
  const [error, setError] = useState<{ notFound: boolean; message: string } | null>(null);

  const load = useCallback(() => {
    api.customer(id).then(
      (v) => {
        setView(v);
        setError(null);
      },
      (e: Error) => setError({ notFound: e instanceof ApiError && e.status === 404, message: e.message }),
    );
  }, [id]);
  useEffect(load, [load]);

  const months = useMemo(() => view?.orderMonths ?? [], [view]);
  const monthLabels = useMemo(() => months.map((m) => m.month), [months]);
  const monthValues = useMemo(() => months.map((m) => m.amount), [months]);

  if (error) {
    return (
      <div className="screen">
        <Link to="/customers">{t('customer.back')}</Link>
        <p className="error" role="alert" data-testid="customer-error">
          {error.notFound ? t('customer.notFound') : error.message}
        </p>
      </div>
    );
  }
  if (!view) return <p className="loading">{t('common.loading')}</p>;

  const { profile, analysis } = view;
  const canOverride = user.role !== 'viewer';
  return (
    <div className="screen">
      <Link to="/customers">{t('customer.back')}</Link>
      <h1>
        {profile.name} <span className="muted mono">{profile.customer_id}</span>
        {typeof analysis?.status === 'string' && (
          <span className={`badge status-${analysis.status}`}>{label('status', analysis.status)}</span>
        )}
        {typeof analysis?.rank === 'string' && <span className="badge">{analysis.rank}</span>}
      </h1>
      <div className="grid-2">
        <section className="card">
          <h2>{t('customer.profile')}</h2>
          <dl className="facts">
            <dt>{t('customer.kind')}</dt>
            <dd>{t(profile.kind === 'person' ? 'customer.kind.person' : 'customer.kind.company')}</dd>
            <dt>{t('col.industry')}</dt>
            <dd>{profile.industry ?? '—'}</dd>
            <dt>{t('col.prefecture')}</dt>
            <dd>
              {profile.prefecture ?? '—'} {profile.address ?? ''}
            </dd>
            <dt>{t('customer.employees')}</dt>
            <dd>{profile.employees ?? '—'}</dd>
            <dt>{t('col.owner')}</dt>
            <dd>{profile.owner ?? '—'}</dd>
            <dt>{t('customer.email')}</dt>
            <dd>{profile.email ?? '—'}</dd>
            <dt>{t('customer.phone')}</dt>
            <dd>{profile.phone ?? '—'}</dd>
            <dt>{t('col.created_at')}</dt>
            <dd>{formatDate(profile.created_at, language)}</dd>
            <dt>{t('customer.consent')}</dt>
            <dd>{profile.do_not_contact ? t('customer.doNotContact') : t('common.yes')}</dd>
          </dl>
        </section>
        <section className="card">
          <h2>{t('customer.analysis')}</h2>
          {analysis ? (
            <dl className="facts">
              {Object.entries(analysis)
                .filter(
                  ([key, value]) =>
                    key !== 'customer_id' && (typeof value === 'number' || typeof value === 'string'),
                )
                .slice(0, 14)
                .map(([key, value]) => (
                  <AnalysisFact key={key} name={key} value={value as string | number} />
                ))}
            </dl>
          ) : (
            <p className="muted">{t('customer.analysis.none')}</p>
          )}
          {view.statusHistory.length > 0 && (
            <>
              <h3>{t('customer.statusHistory')}</h3>
              <ul className="plain">
                {view.statusHistory.map((h) => (
                  <li key={JSON.stringify(h)}>
                    {label('status', String(h.status ?? ''))}{' '}
                    <span className="muted">{String(h.changed_at ?? h.at ?? h.as_of ?? '')}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      </div>
      <ReasonPanel customerId={profile.customer_id} view={view} canOverride={canOverride} onSaved={load} />
      <section className="card">
        <h2>{t('customer.contacts')}</h2>
        {view.contacts.length === 0 ? (
          <p className="muted">{t('customer.empty')}</p>
        ) : (
          <table className="table" data-testid="contacts">
            <thead>
              <tr>
                <th>{t('col.name')}</th>
                <th>{t('customer.contact.department')}</th>
                <th>{t('customer.contact.role')}</th>
                <th>{t('col.status')}</th>
              </tr>
            </thead>
            <tbody>
              {view.contacts.map((c) => (
                <tr key={c.contact_id} className={c.status === 'left' ? 'left' : ''}>
                  <td>{c.name ?? '—'}</td>
                  <td>{c.department ?? '—'}</td>
                  <td>{c.role ?? '—'}</td>
                  <td>
                    {c.status === 'left' ? (
                      <span className="badge warn">
                        {t('customer.contact.left')} {formatDate(c.updated_at, language)}
                      </span>
                    ) : (
                      t('customer.contact.active')
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card">
        <h2>{t('customer.orderHistory')}</h2>
        {months.length === 0 ? (
          <p className="muted">{t('customer.empty')}</p>
        ) : (
          <BarChart
            testId="order-chart"
            labels={monthLabels}
            values={monthValues}
            format={formatYen}
            height={220}
          />
        )}
      </section>
      <Timeline orders={view.orders} events={view.events} />
    </div>
  );
}

function AnalysisFact({ name, value }: { name: string; value: string | number }) {
  const { label } = useI18n();
  let shown: string;
  if (name === 'status') shown = label('status', String(value));
  else if (name.startsWith('reason'))
    shown = name === 'reason_category' ? label('reason', String(value)) : String(value);
  else if (name === 'expected_value') shown = formatYen(Number(value));
  else if (name === 'p_alive' || name.endsWith('probability')) shown = formatPercent(Number(value));
  else shown = typeof value === 'number' ? String(Math.round(value * 100) / 100) : value;
  return (
    <>
      <dt className="mono">{name}</dt>
      <dd>{shown}</dd>
    </>
  );
}
