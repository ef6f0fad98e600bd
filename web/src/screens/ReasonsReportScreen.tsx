/**
 * "Why do we lose customers": reasons by count and by lost yearly revenue, with a breakdown
 * selector (segment, industry, sales rep, product, acquisition cohort), and the improvement
 * loop's list of customers whose reason has been resolved (ready for 改善のご報告).
 */
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api';
import { StackedBarChart } from '../components/StackedBarChart';
import { formatCount, formatDate, formatPercent, formatYen } from '../format';
import { type MessageKey, useI18n } from '../i18n';
import { REASON_BREAKDOWNS, type ReapproachList, type ReasonBreakdown, type ReasonsReport } from '../reportTypes';
import { Link } from '../router';

const REASON_ORDER = [
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

export function ReasonsReportScreen() {
  const { t, label, language } = useI18n();
  const [by, setBy] = useState<ReasonBreakdown>(() => {
    const wanted = new URLSearchParams(location.search).get('by');
    return (REASON_BREAKDOWNS as readonly string[]).includes(wanted ?? '') ? (wanted as ReasonBreakdown) : 'none';
  });
  const [report, setReport] = useState<ReasonsReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setReport(null);
    api.reasonsReport(by).then(setReport, (e: Error) => setError(e.message));
  }, [by]);

  const choose = (next: ReasonBreakdown) => {
    history.replaceState(null, '', next === 'none' ? '/reports/reasons' : `/reports/reasons?by=${next}`);
    setBy(next);
  };
  const groupName = (group: string | null) => (group === null ? t('reasons.noGroup') : group);

  const charts = useMemo(() => {
    if (!report) return null;
    const reasons = REASON_ORDER.filter((r) => report.rows.some((row) => row.reason === r));
    const categories =
      by === 'none'
        ? [t('reasons.title')]
        : report.groups.map((g) => (g.group === null ? t('reasons.noGroup') : g.group));
    const groups = by === 'none' ? [null] : report.groups.map((g) => g.group);
    const valueOf = (group: string | null, reason: string, field: 'customers' | 'lost_yearly_revenue_yen') =>
      report.rows.find((r) => r.group === group && r.reason === reason)?.[field] ?? 0;
    const series = (field: 'customers' | 'lost_yearly_revenue_yen') =>
      reasons.map((reason) => ({
        name: label('reason', reason),
        values: groups.map((g) => valueOf(g, reason, field)),
      }));
    return { categories, revenue: series('lost_yearly_revenue_yen'), count: series('customers') };
  }, [report, by, label, t]);

  return (
    <div className="screen">
      <h1>{t('reasons.title')}</h1>
      <div className="filters">
        <label className="filter">
          <span>{t('reasons.by')}</span>
          <select
            value={by}
            onChange={(e) => choose(e.target.value as ReasonBreakdown)}
            data-testid="reasons-by"
          >
            {REASON_BREAKDOWNS.map((b) => (
              <option key={b} value={b}>
                {t(`reasons.by.${b}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && <p className="error">{error}</p>}
      {!report && !error && <p className="loading">{t('common.loading')}</p>}
      {report && report.rows.length === 0 && <p className="notice">{t('reasons.empty')}</p>}
      {report && report.rows.length > 0 && charts && (
        <>
          <p data-testid="reasons-totals">
            {t('reasons.totals', {
              customers: formatCount(report.totals.customers),
              revenue: formatYen(report.totals.lost_yearly_revenue_yen),
            })}
            {report.as_of && (
              <span className="muted">（{t('reasons.asOf', { asOf: formatDate(report.as_of, language) })}）</span>
            )}
          </p>
          {by === 'segment' && <p className="muted">{t('reasons.segmentsOverlap')}</p>}
          <div className="grid-2">
            <section className="card">
              <h2>{t('reasons.byRevenue')}</h2>
              <StackedBarChart
                testId="chart-reasons-revenue"
                categories={charts.categories}
                series={charts.revenue}
                format={formatYen}
                height={Math.max(220, 60 + charts.categories.length * 36)}
              />
            </section>
            <section className="card">
              <h2>{t('reasons.byCount')}</h2>
              <StackedBarChart
                testId="chart-reasons-count"
                categories={charts.categories}
                series={charts.count}
                height={Math.max(220, 60 + charts.categories.length * 36)}
              />
            </section>
          </div>
          <section className="card" data-testid="reasons-table" data-by={report.by}>
            {report.groups.map((g) => (
              <div key={g.group ?? ''} className="reason-group" data-group={g.group ?? ''}>
                {by !== 'none' && (
                  <h3>
                    {groupName(g.group)}{' '}
                    <span className="muted">
                      {t('reasons.groupTotal', {
                        customers: formatCount(g.customers),
                        revenue: formatYen(g.lost_yearly_revenue_yen),
                      })}
                    </span>
                  </h3>
                )}
                <table className="table">
                  <thead>
                    <tr>
                      <th>{t('col.reason')}</th>
                      <th className="num">{t('reasons.byCount')}</th>
                      <th className="num">{t('reasons.share')}</th>
                      <th className="num">{t('reasons.byRevenue')}</th>
                      <th className="num">{t('reasons.share')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.rows
                      .filter((r) => r.group === g.group)
                      .map((r) => (
                        <tr key={r.reason} data-reason={r.reason}>
                          <td>
                            <Link to={`/customers?reason=${r.reason}`}>{label('reason', r.reason)}</Link>
                          </td>
                          <td className="num">{formatCount(r.customers)}</td>
                          <td className="num">{formatPercent(r.customer_share)}</td>
                          <td className="num">{formatYen(r.lost_yearly_revenue_yen)}</td>
                          <td className="num">{formatPercent(r.revenue_share)}</td>
                        </tr>
                      ))}
                  </tbody>
                </table>
              </div>
            ))}
          </section>
        </>
      )}
      <ReapproachSection />
    </div>
  );
}

function ReapproachSection() {
  const { t, label } = useI18n();
  const [list, setList] = useState<ReapproachList | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.reapproach().then(setList, (e: Error) => setError(e.message));
  }, []);
  return (
    <section className="card" data-testid="reapproach">
      <h2>{t('reapproach.title')}</h2>
      <p className="muted">{t('reapproach.intro')}</p>
      {error && <p className="error">{error}</p>}
      {list && list.total === 0 && <p className="notice">{t('reapproach.empty')}</p>}
      {list && list.total > 0 && (
        <>
          <p>{t('reapproach.count', { total: formatCount(list.total) })}</p>
          <table className="table">
            <thead>
              <tr>
                <th>{t('col.name')}</th>
                <th>{t('col.status')}</th>
                <th>{t('col.rank')}</th>
                <th>{t('col.reason')}</th>
                <th>{t('reapproach.change')}</th>
                <th>{t('reapproach.why')}</th>
                <th className="num">{t('col.expected_value')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((r) => (
                <tr key={`${r.customer_id}-${r.change_id}`} data-customer-id={r.customer_id}>
                  <td>
                    <Link to={`/customers/${encodeURIComponent(r.customer_id)}`}>{r.name}</Link>
                  </td>
                  <td>
                    <span className={`badge status-${r.status ?? ''}`}>{label('status', r.status)}</span>
                  </td>
                  <td>{r.rank ?? '—'}</td>
                  <td>
                    {label('reason', r.reason_category)}
                    {!r.is_theme_confirmed && <span className="muted"> {t('reapproach.unconfirmed')}</span>}
                  </td>
                  <td>{r.change_description ?? r.change_id}</td>
                  <td className="small">{r.line}</td>
                  <td className="num">{formatYen(r.expected_value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
