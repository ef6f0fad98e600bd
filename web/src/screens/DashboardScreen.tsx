import { useEffect, useState } from 'react';
import { api, type CountByKey, type Dashboard } from '../api';
import { BarChart } from '../components/BarChart';
import { formatCount, formatDate, formatYen } from '../format';
import { useI18n } from '../i18n';

export function DashboardScreen() {
  const { t, label, language } = useI18n();
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.dashboard().then(setData, (e: Error) => setError(e.message));
  }, []);

  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="loading">{t('common.loading')}</p>;

  const chart = (title: string, rows: CountByKey[], prefix: 'status' | 'reason' | null, id: string) =>
    rows.length > 0 && (
      <section className="card">
        <h2>{title}</h2>
        <BarChart
          testId={id}
          labels={rows.map((r) => (prefix ? label(prefix, r.key) : r.key))}
          values={rows.map((r) => r.count)}
          horizontal={prefix === 'reason'}
        />
      </section>
    );

  return (
    <div className="screen">
      <h1>{t('dashboard.title')}</h1>
      <div className="stats">
        <Stat name={t('dashboard.customers')} value={formatCount(data.customers)} />
        <Stat name={t('dashboard.orders')} value={formatCount(data.orders)} />
        <Stat name={t('dashboard.revenue')} value={formatYen(data.revenue)} />
        <Stat name={t('dashboard.contactsLeft')} value={formatCount(data.contactsLeft)} />
        <Stat name={t('dashboard.lastOrder')} value={formatDate(data.lastOrderAt, language)} />
      </div>
      {!data.analysisAvailable && <p className="notice">{t('dashboard.noAnalysis')}</p>}
      <div className="grid-2">
        {chart(t('dashboard.byStatus'), data.byStatus, 'status', 'chart-status')}
        {chart(t('dashboard.byRank'), data.byRank, null, 'chart-rank')}
        {chart(t('dashboard.byReason'), data.byReason, 'reason', 'chart-reason')}
      </div>
    </div>
  );
}

function Stat({ name, value }: { name: string; value: string }) {
  return (
    <div className="card stat">
      <div className="stat-name">{name}</div>
      <div className="stat-value">{value}</div>
    </div>
  );
}
