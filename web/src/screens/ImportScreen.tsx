import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, type ColumnMapping, type ImportJob, type ImportPreview } from '../api';
import { formatCount, formatDate } from '../format';
import { useI18n } from '../i18n';

const KINDS = ['customers', 'contacts', 'orders', 'subscriptions', 'events', 'changes'];
const POLL_MS = 500;
/** The start of the file sent for the preview: enough for the header and a few rows. */
const PREVIEW_BYTES = 256 * 1024;
const SAMPLE_VALUES = 3;

export function ImportScreen() {
  const { t, label, language } = useI18n();
  const [kind, setKind] = useState('customers');
  const [file, setFile] = useState<File | null>(null);
  const [job, setJob] = useState<ImportJob | null>(null);
  const [recent, setRecent] = useState<ImportJob[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  /** The chosen column for each header position ('' ignores it). */
  const [targets, setTargets] = useState<string[]>([]);
  const [previewing, setPreviewing] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  const previewRequest = useRef(0);

  useEffect(() => {
    setPreview(null);
    setTargets([]);
    if (!file) return;
    const requestNo = ++previewRequest.current;
    setPreviewing(true);
    setError(null);
    api.previewImport(kind, file, PREVIEW_BYTES).then(
      (p) => {
        if (requestNo !== previewRequest.current) return;
        setPreview(p);
        setTargets(p.proposed.map((c) => c.column ?? ''));
        setPreviewing(false);
      },
      (e: unknown) => {
        if (requestNo !== previewRequest.current) return;
        setError(e instanceof ApiError ? e.message : String(e));
        setPreviewing(false);
      },
    );
  }, [kind, file]);

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
      const started = await api.startImport(kind, file, preview ? mappingOf(preview, targets) : undefined);
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
  const chosen = new Set(targets.filter((c) => c !== ''));
  const named = (name: string) =>
    columnLabel(preview?.columns.find((c) => c.name === name) ?? { name, label_ja: null }, language);
  const missing = (preview?.required_groups ?? [])
    .filter((group) => !group.some((c) => chosen.has(c)))
    .map((group) => group.map(named).reduce((a, b) => t('import.mapping.or', { a, b })));
  const duplicates = [...chosen].filter((c) => targets.filter((x) => x === c).length > 1).map(named);
  const mappingReady = preview !== null && !previewing && missing.length === 0 && duplicates.length === 0;
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
        {previewing && <p>{t('import.mapping.loading')}</p>}
        {preview && (
          <MappingTable
            preview={preview}
            targets={targets}
            onChange={(index, column) => setTargets((old) => old.map((c, i) => (i === index ? column : c)))}
          />
        )}
        {preview && missing.length > 0 && (
          <p className="error" data-testid="mapping-missing">
            {t('import.mapping.missing', { columns: missing.join(', ') })}
          </p>
        )}
        {preview && duplicates.length > 0 && (
          <p className="error" data-testid="mapping-duplicates">
            {t('import.mapping.duplicate', { columns: duplicates.join(', ') })}
          </p>
        )}
        <button
          type="submit"
          className="primary"
          disabled={!file || !mappingReady || job?.status === 'running'}
        >
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

/**
 * The mapping to send: the headers whose choice differs from the proposal (the server applies
 * the alias table to the others), so a wide file's mapping stays short enough for a URL.
 */
function mappingOf(preview: ImportPreview, targets: string[]): ColumnMapping | undefined {
  const mapping: ColumnMapping = {};
  preview.header.forEach((source, i) => {
    const target = targets[i] || null;
    if (isFirstOf(preview.header, i) && source.trim() !== '' && target !== preview.proposed[i]?.column) {
      mapping[source] = target;
    }
  });
  return Object.keys(mapping).length > 0 ? mapping : undefined;
}

/** A header repeated in the file is mapped by its text: only its first position can be chosen. */
function isFirstOf(header: string[], index: number): boolean {
  return header.indexOf(header[index] ?? '') === index;
}

function MappingTable({
  preview,
  targets,
  onChange,
}: {
  preview: ImportPreview;
  targets: string[];
  onChange: (index: number, column: string) => void;
}) {
  const { t, language } = useI18n();
  return (
    <section data-testid="mapping">
      <h2>{t('import.mapping.title')}</h2>
      <p>{t('import.mapping.hint')}</p>
      <p>{t('import.mapping.encoding', { encoding: preview.encoding })}</p>
      <table className="table">
        <thead>
          <tr>
            <th>{t('import.mapping.source')}</th>
            <th>{t('import.mapping.samples')}</th>
            <th>{t('import.mapping.target')}</th>
          </tr>
        </thead>
        <tbody>
          {preview.header.map((source, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a header may repeat; its position is its identity
            <tr key={i} data-testid="mapping-row">
              <th>{source}</th>
              <td>
                {preview.rows
                  .map((row) => row[i] ?? '')
                  .filter((v) => v.trim() !== '')
                  .slice(0, SAMPLE_VALUES)
                  .join(' / ')}
              </td>
              <td>
                <select
                  aria-label={`${t('import.mapping.target')}: ${source}`}
                  value={targets[i] ?? ''}
                  disabled={!isFirstOf(preview.header, i)}
                  onChange={(e) => onChange(i, e.target.value)}
                >
                  <option value="">{t('import.mapping.ignore')}</option>
                  {preview.columns.map((c) => (
                    <option key={c.name} value={c.name}>
                      {columnLabel(c, language)}
                      {c.required ? `（${t('import.mapping.required')}）` : ''}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** 顧客ID（customer_id） in Japanese, the column name itself in English. */
function columnLabel(c: { name: string; label_ja: string | null }, language: string): string {
  return language === 'ja' && c.label_ja ? `${c.label_ja}（${c.name}）` : c.name;
}
