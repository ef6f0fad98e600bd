import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, type Dashboard } from '../api';
import { BarChart } from '../components/BarChart';
import { CohortHeatmap, type CohortHeatmapRow } from '../components/CohortHeatmap';
import { KpiSection } from '../components/KpiSection';
import { formatCount, formatDate, formatPercent, formatYen } from '../format';
import { type MessageKey, useI18n } from '../i18n';
import type { AtRiskOrder, CohortReport, DashboardAnalysis } from '../reportTypes';
import { Link } from '../router';

const AT_RISK_ORDERS: AtRiskOrder[] = ['expected_value', 'health_score'];

export function DashboardScreen() {
  const { t, language } = useI18n();
  const [data, setData] = useState<Dashboard | null>(null);
  const [analysis, setAnalysis] = useState<DashboardAnalysis | null>(null);
  const [atRiskBy, setAtRiskBy] = useState<AtRiskOrder>('expected_value');
  const [error, setError] = useState<string | null>(null);
  const [cohorts, setCohorts] = useState<CohortReport | null>(null);

  useEffect(() => {
    api.dashboard().then(setData, (e: Error) => setError(e.message));
    api.cohorts().then((r) => setCohorts(r.report), (e: Error) => setError(e.message));
  }, []);
  useEffect(() => {
    api.dashboardAnalysis(atRiskBy).then(setAnalysis, (e: Error) => setError(e.message));
  }, [atRiskBy]);

  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="loading">{t('common.loading')}</p>;

  return (
    <div className="screen">
      <h1>{t('dashboard.title')}</h1>
      {analysis?.run && (
        <p className="muted" data-testid="analysis-run">
          {t('dashboard.asOf', { asOf: formatDate(analysis.run.as_of, language) })}
          {analysis.previous_run
            ? `（${t('dashboard.comparedWith', { asOf: formatDate(analysis.previous_run.as_of, language) })}）`
            : ` — ${t('dashboard.firstRun')}`}
        </p>
      )}
      <div className="stats">
        <Stat name={t('dashboard.customers')} value={formatCount(data.customers)} />
        <Stat name={t('dashboard.orders')} value={formatCount(data.orders)} />
        <Stat name={t('dashboard.revenue')} value={formatYen(data.revenue)} />
        <Stat name={t('dashboard.contactsLeft')} value={formatCount(data.contactsLeft)} />
        <Stat name={t('dashboard.lastOrder')} value={formatDate(data.lastOrderAt, language)} />
      </div>
      {analysis && !analysis.available && <p className="notice">{t('dashboard.noAnalysis')}</p>}
      {analysis?.available && (
        <AnalysisPanels analysis={analysis} atRiskBy={atRiskBy} onAtRiskBy={setAtRiskBy} />
      )}
      {cohorts && cohorts.rows.length > 0 && <CohortSection report={cohorts} />}
      <KpiSection />
    </div>
  );
}

function AnalysisPanels({
  analysis,
  atRiskBy,
  onAtRiskBy,
}: {
  analysis: DashboardAnalysis;
  atRiskBy: AtRiskOrder;
  onAtRiskBy: (order: AtRiskOrder) => void;
}) {
  const { t, label, language } = useI18n();
  const shown = useMemo(
    // Statuses nobody is in (and never was) are left out; a status emptied since the last run stays.
    () => analysis.statuses.filter((s) => s.count > 0 || (s.change ?? 0) !== 0),
    [analysis.statuses],
  );
  const statusChart = useMemo(
    () => ({ labels: shown.map((s) => label('status', s.key)), values: shown.map((s) => s.count) }),
    [shown, label],
  );
  const rankChart = useMemo(
    () => ({ labels: analysis.ranks.map((r) => r.key), values: analysis.ranks.map((r) => r.count) }),
    [analysis.ranks],
  );
  const reasonChart = useMemo(
    () => ({
      labels: analysis.top_reasons.map((r) => label('reason', r.reason)),
      values: analysis.top_reasons.map((r) => r.lost_yearly_revenue_yen),
    }),
    [analysis.top_reasons, label],
  );
  const pAliveChart = useMemo(
    () => ({
      labels: analysis.p_alive.map((b) => `${b.from.toFixed(1)}–${b.to.toFixed(1)}`),
      values: analysis.p_alive.map((b) => b.customers),
    }),
    [analysis.p_alive],
  );
  const o = analysis.opportunity;
  return (
    <>
      <section className="card" data-testid="status-changes">
        <h2>{t('dashboard.statusChanges')}</h2>
        <div className="status-tiles">
          {shown.map((s) => (
            <Link key={s.key} to={`/customers?status=${s.key}`} className={`status-tile status-${s.key}`}>
              <span className="status-tile-name">{label('status', s.key)}</span>
              <span className="status-tile-count" data-status={s.key}>
                {formatCount(s.count)}
              </span>
              {s.change !== null && (
                <span
                  className={`change ${s.change > 0 ? 'up' : s.change < 0 ? 'down' : 'same'}`}
                  data-testid={`change-${s.key}`}
                >
                  {formatChange(s.change)}
                </span>
              )}
            </Link>
          ))}
        </div>
        <BarChart testId="chart-status" labels={statusChart.labels} values={statusChart.values} />
      </section>
      <div className="grid-2">
        <section className="card" data-testid="newly-dormant">
          <h2>{t('dashboard.newlyDormant')}</h2>
          <div className="big-number">
            {analysis.newly_dormant === null
              ? '—'
              : t('dashboard.customersCount', { count: formatCount(analysis.newly_dormant) })}
          </div>
          <p className="muted">
            {analysis.previous_run ? t('dashboard.newlyDormantHint') : t('dashboard.firstRun')}
          </p>
          {analysis.previous_run && (analysis.newly_dormant ?? 0) > 0 && (
            <Link to="/dashboard/newly-dormant">{t('dashboard.showList')} →</Link>
          )}
        </section>
        {o && (
          <section className="card" data-testid="opportunity">
            <h2>{t('dashboard.opportunity')}</h2>
            <div className="big-number">{formatYen(o.estimated_yen)}</div>
            <p>
              {t('dashboard.opportunityFormula', {
                customers: formatCount(o.dormant_customers),
                average: formatYen(o.average_yearly_value_yen),
                rate: Math.round(o.reactivation_rate * 100),
                estimate: formatYen(o.estimated_yen),
              })}
            </p>
            <p className="muted small" data-testid="opportunity-assumptions">
              {language === 'ja'
                ? t('dashboard.opportunityAssumptions', { rate: Math.round(o.reactivation_rate * 100) })
                : t('dashboard.opportunityAssumptions', { assumptions: o.assumptions })}
            </p>
          </section>
        )}
      </div>
      <div className="grid-2">
        <section className="card" data-testid="top-reasons">
          <h2>{t('dashboard.topReasons')}</h2>
          {analysis.top_reasons.length > 0 && (
            <BarChart
              testId="chart-reason"
              labels={reasonChart.labels}
              values={reasonChart.values}
              format={formatYen}
              horizontal
            />
          )}
          <table className="table narrow">
            <tbody>
              {analysis.top_reasons.slice(0, 5).map((r) => (
                <tr key={r.reason} data-reason={r.reason}>
                  <th>{label('reason', r.reason)}</th>
                  <td className="num">{t('dashboard.customersCount', { count: formatCount(r.customers) })}</td>
                  <td className="num">{formatYen(r.lost_yearly_revenue_yen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Link to="/reports/reasons">{t('dashboard.openReasons')} →</Link>
        </section>
        <section className="card">
          <h2>{t('dashboard.ranks')}</h2>
          <BarChart testId="chart-rank" labels={rankChart.labels} values={rankChart.values} />
        </section>
      </div>
      <div className="grid-2">
        <section className="card" data-testid="at-risk">
          <h2>{t('dashboard.atRisk')}</h2>
          <div className="tabs" role="tablist">
            {AT_RISK_ORDERS.map((order) => (
              <button
                key={order}
                type="button"
                role="tab"
                aria-selected={atRiskBy === order}
                className={atRiskBy === order ? 'tab active' : 'tab'}
                onClick={() => onAtRiskBy(order)}
              >
                {t(`dashboard.atRiskBy.${order}` as MessageKey)}
              </button>
            ))}
          </div>
          {analysis.at_risk.length === 0 ? (
            <p className="muted">{t('dashboard.atRiskEmpty')}</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>{t('col.name')}</th>
                  <th>{t('col.rank')}</th>
                  <th className="num">{t('col.health_score')}</th>
                  <th className="num">{t('col.p_alive')}</th>
                  <th className="num">{t('col.expected_value')}</th>
                </tr>
              </thead>
              <tbody>
                {analysis.at_risk.map((c) => (
                  <tr key={c.customer_id} data-customer-id={c.customer_id}>
                    <td>
                      <Link to={`/customers/${encodeURIComponent(c.customer_id)}`}>{c.name}</Link>
                    </td>
                    <td>{c.rank ?? '—'}</td>
                    <td className="num">{c.health_score ?? '—'}</td>
                    <td className="num">{formatPercent(c.p_alive)}</td>
                    <td className="num">{formatYen(c.expected_value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="card">
          <h2>{t('dashboard.pAlive')}</h2>
          <BarChart testId="chart-p-alive" labels={pAliveChart.labels} values={pAliveChart.values} />
        </section>
      </div>
    </>
  );
}

/** Acquisition cohorts: the heat-map, and a table with the sizes and today's dormant share. */
function CohortSection({ report }: { report: CohortReport }) {
  const { t } = useI18n();
  const rows = report.rows.slice(-16);
  const cohortLabel = useCallback(
    (r: CohortHeatmapRow) => `${r.cohort}（${formatCount(r.customers)}）`,
    [],
  );
  const columnLabel = useCallback((k: number) => t('cohorts.quarterAfter', { k: String(k) }), [t]);
  const tooltip = useCallback(
    (r: CohortHeatmapRow, k: number, rate: number) =>
      t('cohorts.tooltip', { cohort: r.cohort, k: String(k), rate: formatPercent(rate) }),
    [t],
  );
  return (
    <section className="card" data-testid="cohorts">
      <h2>{t('cohorts.title')}</h2>
      <p className="muted">
        {t('cohorts.explain')}
        {report.last_quarter_partial ? ` ${t('cohorts.partial')}` : ''}
      </p>
      <CohortHeatmap
        testId="chart-cohorts"
        rows={rows}
        cohortLabel={cohortLabel}
        columnLabel={columnLabel}
        tooltip={tooltip}
      />
      <table className="table compact" data-testid="cohort-table">
        <thead>
          <tr>
            <th>{t('cohorts.cohort')}</th>
            <th className="num">{t('cohorts.customers')}</th>
            <th className="num">{t('cohorts.activeNow')}</th>
            <th className="num">{t('cohorts.dormantRate')}</th>
            <th className="num">{t('cohorts.lostNow')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.cohort}>
              <td>{r.cohort}</td>
              <td className="num">{formatCount(r.customers)}</td>
              <td className="num">{formatCount(r.active_now)}</td>
              <td className="num">{formatPercent(r.dormant_rate)}</td>
              <td className="num">{formatCount(r.lost_now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** +3 / −2 / ±0, with a real minus sign. */
function formatChange(change: number): string {
  if (change > 0) return `+${formatCount(change)}`;
  if (change < 0) return `−${formatCount(-change)}`;
  return '±0';
}

function Stat({ name, value }: { name: string; value: string }) {
  return (
    <div className="card stat">
      <div className="stat-name">{name}</div>
      <div className="stat-value">{value}</div>
    </div>
  );
}
