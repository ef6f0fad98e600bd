import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, type ImportJob } from '../api';
import { formatCount, formatDate } from '../format';
import { useI18n } from '../i18n';

const KINDS = ['customers', 'contacts', 'orders', 'subscriptions', 'events', 'changes'];
const POLL_MS = 500;

export function ImportScreen() {
  const { t, label, language } = useI18n();
  const [kind, setKind] = useState('customers');
  const [file, setFile] = useState<File | null>(null);
  const [job, setJob] = useState<ImportJob | null>(null);
  const [recent, setRecent] = useState<ImportJob[]>([]);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<number | undefined>(undefined);

  const refreshRecent = useCallback(() => {
    api.imports().then(
      (r) => setRecent(r.items),
      () => undefined,
    );
  }, []);
  useEffect(() => {
    refreshRecent();
    return () => window.clearTimeout(timer.current);
  }, [refreshRecent]);

  const follow = (id: string) => {
    api.importJob(id).then(
      (next) => {
        setJob(next);
        if (next.status === 'running') timer.current = window.setTimeout(() => follow(id), POLL_MS);
        else refreshRecent();
      },
      (e: Error) => setError(e.message),
    );
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setError(null);
    setJob(null);
    try {
      const started = await api.startImport(kind, file);
      setJob(started);
      follow(started.id);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  const progress = job?.progress;
  const percent =
    progress && progress.totalBytes > 0 ? Math.round((progress.bytesRead / progress.totalBytes) * 100) : 0;
  const summary = job?.summary;
  return (
    <div className="screen">
      <h1>{t('import.title')}</h1>
      <form className="card form" onSubmit={submit}>
        <label>
          {t('import.kind')}
          <select name="kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {label('import.kind', k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('import.file')}
          <input
            name="file"
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </label>
        <button type="submit" className="primary" disabled={!file || job?.status === 'running'}>
          {t('import.start')}
        </button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </form>
      {job && (
        <section className="card" data-testid="import-result" data-status={job.status}>
          {job.status === 'running' && (
            <>
              <p>{t('import.running', { rows: formatCount(progress?.rowsRead ?? 0) })}</p>
              <progress max={100} value={percent} />
            </>
          )}
          {job.status === 'failed' && <p className="error">{`${t('import.failed')}: ${job.error ?? ''}`}</p>}
          {job.status === 'done' && summary && (
            <>
              <h2>{t('import.done')}</h2>
              <table className="table narrow">
                <tbody>
                  {(['rows', 'accepted', 'rejected', 'inserted', 'updated', 'unchanged'] as const).map(
                    (k) => (
                      <tr key={k} className={k === 'rejected' && summary.rejected > 0 ? 'left' : ''}>
                        <th>{t(`import.${k}`)}</th>
                        <td className="num" data-testid={`summary-${k}`}>
                          {formatCount(summary[k])}
                        </td>
                      </tr>
                    ),
                  )}
                </tbody>
              </table>
              {job.has_rejects && (
                <a
                  className="button"
                  href={`/api/imports/${job.id}/rejects`}
                  download
                  data-testid="download-rejects"
                >
                  {t('import.downloadRejects')}
                </a>
              )}
            </>
          )}
        </section>
      )}
      {recent.length > 0 && (
        <section className="card">
          <h2>{t('import.recent')}</h2>
          <table className="table">
            <tbody>
              {recent.map((r) => (
                <tr key={r.id}>
                  <td>{formatDate(r.started_at, language)}</td>
                  <td>{label('import.kind', r.kind)}</td>
                  <td>{r.file}</td>
                  <td>{label('import.status', r.status)}</td>
                  <td className="num">
                    {r.summary ? `${formatCount(r.summary.accepted)} / ${formatCount(r.summary.rows)}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
