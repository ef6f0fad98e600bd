import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, api, type Customer360, type ScoreBreakdownEntry, type User } from '../api';
import { BarChart } from '../components/BarChart';
import { ReasonPanel } from '../components/ReasonPanel';
import { Timeline } from '../components/Timeline';
import { formatDate, formatPercent, formatYen } from '../format';
import { useI18n } from '../i18n';
import { Link } from '../router';

/** The analysis fields a person reads, in reading order (customer_state of 004_analysis). */
const ANALYSIS_FACTS = [
  'as_of',
  'status_since',
  'last_purchase_day',
  'days_since_last_purchase',
  'purchase_cycle_days',
  'overdue_ratio',
  'p_alive',
  'expected_purchases_90d',
  'health_score',
  'health_level',
  'score',
  'rank',
  'reactivation_probability',
  'expected_value',
  'yearly_value_yen',
  'total_spend_yen',
  'main_category',
];

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

  const months = useMemo(() => fillMonths(view?.orderMonths ?? []), [view]);
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
              {ANALYSIS_FACTS.filter(
                (key) => typeof analysis[key] === 'number' || typeof analysis[key] === 'string',
              ).map((key) => (
                <AnalysisFact key={key} name={key} value={analysis[key] as string | number} />
              ))}
            </dl>
          ) : (
            <p className="muted">{t('customer.analysis.none')}</p>
          )}
          {view.scoreBreakdown && <ScoreBreakdown entries={view.scoreBreakdown} />}
          {view.statusHistory.length > 0 && (
            <>
              <h3>{t('customer.statusHistory')}</h3>
              <ul className="plain">
                {view.statusHistory.map((h) => (
                  <li key={JSON.stringify(h)}>
                    {label('status', String(h.status ?? ''))}{' '}
                    <span className="muted">
                      {formatDate(String(h.entered_at ?? h.changed_at ?? h.at ?? ''), language)}
                    </span>
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
                <th>{t('customer.contact.name')}</th>
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

/** The points per criterion behind the score and rank, with what each was based on. */
function ScoreBreakdown({ entries }: { entries: ScoreBreakdownEntry[] }) {
  const { t, label } = useI18n();
  const basis = (e: ScoreBreakdownEntry): string => {
    if (e.value === null) return '—';
    switch (e.criterion) {
      case 'past_value':
        return formatYen(Number(e.value));
      case 'dormancy_length':
        return t('customer.scoreBreakdown.days', { days: Number(e.value).toLocaleString() });
      case 'reason_solvability':
        return label('reason', String(e.value));
      case 'competitor_use':
        return label('competitorUse', String(e.value));
      case 'geographic_proximity':
        return t('customer.scoreBreakdown.km', { km: Number(e.value).toLocaleString() });
      case 'digital_responsiveness':
        return formatPercent(Number(e.value));
      default:
        return String(e.value);
    }
  };
  return (
    <>
      <h3>{t('customer.scoreBreakdown')}</h3>
      <table className="table" data-testid="score-breakdown">
        <thead>
          <tr>
            <th>{t('customer.scoreBreakdown.criterion')}</th>
            <th>{t('customer.scoreBreakdown.value')}</th>
            <th className="num">{t('customer.scoreBreakdown.points')}</th>
            <th className="num">{t('customer.scoreBreakdown.weight')}</th>
            <th className="num">{t('customer.scoreBreakdown.weighted')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.criterion}>
              <td>{label('criterion', e.criterion)}</td>
              <td>{basis(e)}</td>
              <td className="num">{e.points}</td>
              <td className="num">{e.weight}</td>
              <td className="num">{e.weighted}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={4}>{t('customer.scoreBreakdown.total')}</td>
            <td className="num">{entries.reduce((sum, e) => sum + e.weighted, 0)}</td>
          </tr>
        </tfoot>
      </table>
    </>
  );
}

function AnalysisFact({ name, value }: { name: string; value: string | number }) {
  const { label, language } = useI18n();
  let shown: string;
  if (name.endsWith('_day') || name === 'as_of' || name === 'status_since')
    shown = formatDate(String(value), language);
  else if (name === 'expected_value' || name.endsWith('_yen')) shown = formatYen(Number(value));
  else if (name === 'p_alive' || name.endsWith('probability')) shown = formatPercent(Number(value));
  else shown = typeof value === 'number' ? String(Math.round(value * 100) / 100) : value;
  return (
    <>
      <dt>{label('metric', name)}</dt>
      <dd>{shown}</dd>
    </>
  );
}

/** Every month from the first order to the last, so gaps show as empty months. */
function fillMonths(rows: { month: string; amount: number }[]): { month: string; amount: number }[] {
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (!first || !last) return [];
  const byMonth = new Map(rows.map((r) => [r.month, r.amount]));
  const filled: { month: string; amount: number }[] = [];
  let [year, month] = first.month.split('-').map(Number) as [number, number];
  for (let guard = 0; guard < 600; guard++) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    filled.push({ month: key, amount: byMonth.get(key) ?? 0 });
    if (key >= last.month) break;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return filled;
}
