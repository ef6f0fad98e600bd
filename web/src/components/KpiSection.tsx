/**
 * The dashboard's "施策の成果" card: the seed's KPI ladder per channel, journey, saved segment or rank (GET
 * /api/reports/kpi) as a table, and ROI by channel as a bar chart. "—" where a figure cannot be
 * computed (no one approached, nothing spent).
 */
import { useEffect, useState } from 'react';
import { api } from '../api';
import { formatCount, formatPercent, formatYen } from '../format';
import { type MessageKey, useI18n } from '../i18n';
import type { KpiGrouping, KpiReport, KpiRow } from '../reportTypes';
import { BarChart } from './BarChart';

const GROUPINGS: KpiGrouping[] = ['channel', 'journey', 'segment', 'rank'];
const CHANNEL_KEYS = new Set(['visit', 'phone', 'dm', 'email', 'sms']);

export function KpiSection() {
  const { t } = useI18n();
  const [by, setBy] = useState<KpiGrouping>('channel');
  const [report, setReport] = useState<KpiReport | null>(null);
  const [byChannel, setByChannel] = useState<KpiReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.kpiReport('channel').then(setByChannel, (e: Error) => setError(e.message));
  }, []);
  useEffect(() => {
    if (by === 'channel') {
      setReport(byChannel);
      return;
    }
    api.kpiReport(by).then(setReport, (e: Error) => setError(e.message));
  }, [by, byChannel]);

  const groupLabel = (r: KpiRow, grouping: KpiGrouping) =>
    grouping === 'channel' && CHANNEL_KEYS.has(r.group) ? t(`channel.${r.group}` as MessageKey) : r.group;
  const roiRows = (byChannel?.rows ?? []).filter((r) => r.roi !== null);

  return (
    <section className="card" data-testid="kpi">
      <h2>{t('kpi.title')}</h2>
      {error && <p className="error">{error}</p>}
      {byChannel && (
        <p className="muted">
          {t('kpi.explain', {
            days: String(byChannel.attribution_days),
            margin: String(Math.round(byChannel.default_margin_rate * 100)),
          })}
        </p>
      )}
      <div className="tabs" role="tablist">
        {GROUPINGS.map((g) => (
          <button
            key={g}
            type="button"
            role="tab"
            aria-selected={by === g}
            className={by === g ? 'tab active' : 'tab'}
            onClick={() => setBy(g)}
          >
            {t(`kpi.by.${g}` as MessageKey)}
          </button>
        ))}
      </div>
      {report && report.total.targeted === 0 && <p className="muted">{t('kpi.empty')}</p>}
      {report && report.total.targeted > 0 && (
        <>
          <div style={{ overflowX: 'auto' }}>
            <table className="table compact" data-testid="kpi-table">
              <thead>
                <tr>
                  <th>{t('kpi.group')}</th>
                  <th className="num">{t('kpi.approached')}</th>
                  <th className="num">{t('kpi.contactRate')}</th>
                  <th className="num">{t('kpi.reachRate')}</th>
                  <th className="num">{t('kpi.responseRate')}</th>
                  <th className="num">{t('kpi.appointmentRate')}</th>
                  <th className="num">{t('kpi.reactivated')}</th>
                  <th className="num">{t('kpi.reactivationRate')}</th>
                  <th className="num">{t('kpi.averageOrder')}</th>
                  <th className="num">{t('kpi.revenue')}</th>
                  <th className="num">{t('kpi.grossProfit')}</th>
                  <th className="num">{t('kpi.cost')}</th>
                  <th className="num">{t('kpi.costPerReactivation')}</th>
                  <th className="num">{t('kpi.roi')}</th>
                  <th className="num">{t('kpi.retention')}</th>
                </tr>
              </thead>
              <tbody>
                {[...report.rows, report.total].map((r) => (
                  <tr
                    key={r === report.total ? '\u0000total' : r.group}
                    data-group={r === report.total ? 'total' : r.group}
                  >
                    <td>{r === report.total ? t('kpi.total') : groupLabel(r, report.by)}</td>
                    <td className="num">{formatCount(r.approached)}</td>
                    <td className="num">{formatPercent(r.contact_rate)}</td>
                    <td className="num">{formatPercent(r.reach_rate)}</td>
                    <td className="num">{formatPercent(r.response_rate)}</td>
                    <td className="num">{formatPercent(r.appointment_rate)}</td>
                    <td className="num">{formatCount(r.reactivated)}</td>
                    <td className="num">{formatPercent(r.reactivation_rate)}</td>
                    <td className="num">{formatYen(r.average_order_value_yen)}</td>
                    <td className="num">{formatYen(r.revenue_yen)}</td>
                    <td className="num">{formatYen(r.gross_profit_yen)}</td>
                    <td className="num">{formatYen(r.cost_yen)}</td>
                    <td className="num">{formatYen(r.cost_per_reactivation_yen)}</td>
                    <td className="num" data-testid="kpi-roi">
                      {formatPercent(r.roi)}
                    </td>
                    <td className="num">{formatPercent(r.retention_90d_rate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {report.total.held > 0 && (
            <p className="muted">{t('kpi.held', { count: formatCount(report.total.held) })}</p>
          )}
        </>
      )}
      {roiRows.length > 0 && byChannel && (
        <>
          <h3>{t('kpi.roiChart')}</h3>
          <BarChart
            testId="chart-kpi-roi"
            labels={roiRows.map((r) => groupLabel(r, 'channel'))}
            values={roiRows.map((r) => Math.round((r.roi ?? 0) * 100))}
            format={(v) => `${v}%`}
            height={220}
          />
        </>
      )}
    </section>
  );
}
