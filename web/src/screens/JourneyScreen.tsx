/**
 * One journey: its flow with the live monitor (customers waiting at and past each step, every
 * ~10 s while the tab is visible), the source editor (the JSON/YAML file is the source of truth;
 * checked as you type, issues listed by path), a simulation on the customers the journey would
 * take now, and for marketers and admins: enable/disable, enrol customers by id, run now.
 */
import { type FormEvent, type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type {
  JourneyDefinition,
  JourneyDetail,
  JourneyFormat,
  JourneySimulation,
  RunnerResult,
  SourceIssue,
} from '../actTypes';
import { ApiError, api, type User } from '../api';
import { BarChart } from '../components/BarChart';
import { JourneyFlow } from '../components/JourneyFlow';
import { formatCount, formatYen } from '../format';
import { type MessageKey, useI18n } from '../i18n';
import { Link } from '../router';
import { canEditJourneys } from './JourneysScreen';

const MONITOR_INTERVAL_MS = 10_000;
const VALIDATE_DELAY_MS = 400;

type Tab = 'monitor' | 'source' | 'simulation';
type Message = { ok: boolean; text: string } | null;

export function JourneyScreen({ id, user }: { id: string; user: User }) {
  const { t } = useI18n();
  const [detail, setDetail] = useState<JourneyDetail | null>(null);
  const [missing, setMissing] = useState(false);
  const [message, setMessage] = useState<Message>(null);
  const [tab, setTab] = useState<Tab>('monitor');
  const [busy, setBusy] = useState(false);
  const canEdit = canEditJourneys(user);
  const triggerText = useTriggerText();

  const load = useCallback(() => {
    return api.journey(id).then(
      (d) => {
        setDetail(d);
        setMissing(false);
      },
      (e: unknown) => {
        if (e instanceof ApiError && e.status === 404) setMissing(true);
        else setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
      },
    );
  }, [id]);

  useEffect(() => {
    load();
    const tick = () => {
      if (document.visibilityState === 'visible') load();
    };
    const timer = window.setInterval(tick, MONITOR_INTERVAL_MS);
    document.addEventListener('visibilitychange', tick);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [load]);

  const act = async (work: () => Promise<string>) => {
    setBusy(true);
    try {
      const text = await work();
      // The message shows with the journey as it now is.
      await load();
      setMessage({ ok: true, text });
    } catch (e) {
      setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  if (missing)
    return (
      <div className="screen">
        <p>
          <Link to="/journeys">{t('journey.back')}</Link>
        </p>
        <p className="error">{t('journey.notFound')}</p>
      </div>
    );
  if (!detail)
    return message ? (
      <p className="error">{message.text}</p>
    ) : (
      <p className="loading">{t('common.loading')}</p>
    );

  const { journey, monitor } = detail;
  return (
    <div className="screen">
      <p>
        <Link to="/journeys">{t('journey.back')}</Link>
      </p>
      <h1>
        {journey.name}
        <span className={journey.enabled ? 'badge status-active' : 'badge'} data-testid="journey-enabled">
          {t(journey.enabled ? 'journeys.on' : 'journeys.off')}
        </span>
        <span className="muted">{t('journey.version', { version: journey.version })}</span>
      </h1>
      {journey.description && <p className="muted">{journey.description}</p>}
      <p className="muted" data-testid="journey-trigger">
        {t('journeys.col.trigger')}: {triggerText(journey.definition)}
      </p>
      {canEdit && (
        <div className="actions journey-actions">
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() =>
              act(async () => {
                await api.setJourneyEnabled(journey.id, !journey.enabled);
                return t(journey.enabled ? 'journeys.disabledMessage' : 'journeys.enabledMessage', {
                  name: journey.name,
                });
              })
            }
          >
            {t(journey.enabled ? 'journey.disable' : 'journey.enable')}
          </button>
          <button
            type="button"
            className="button secondary"
            disabled={busy}
            onClick={() => act(async () => runSummary(await api.runJourneys(), t))}
          >
            {t('journey.runNow')}
          </button>
        </div>
      )}
      <p>
        <Link to={`/outbox?journey_id=${encodeURIComponent(journey.id)}`}>{t('journey.outbox')}</Link>
      </p>
      {message && (
        <p
          className={message.ok ? 'ok' : 'error'}
          role={message.ok ? 'status' : 'alert'}
          data-testid="journey-message"
        >
          {message.text}
        </p>
      )}
      <div className="tabs" role="tablist">
        {(['monitor', 'source', 'simulation'] as const).map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            className={tab === name ? 'tab active' : 'tab'}
            onClick={() => setTab(name)}
          >
            {t(`journey.tab.${name}`)}
          </button>
        ))}
      </div>
      {tab === 'monitor' && (
        <Monitor detail={detail}>
          {canEdit && <EnrolForm id={journey.id} onDone={(text) => act(async () => text)} />}
        </Monitor>
      )}
      {tab === 'source' && (
        <SourceEditor
          key={`${journey.id}:${journey.version}`}
          journey={journey}
          canEdit={canEdit}
          onSaved={(version) => act(async () => t('journey.saved', { version }))}
        />
      )}
      {tab === 'simulation' && <Simulation id={journey.id} />}
      <p className="muted small">{t('journey.monitor.refresh', { active: formatCount(monitor.active) })}</p>
    </div>
  );
}

/** The trigger and audience in words: 「ステータスの変化（初期休眠・中期休眠）／対象: 休眠理由 価格」. */
function useTriggerText(): (definition: JourneyDefinition) => string {
  const { t, label } = useI18n();
  return (definition) => {
    const trigger = definition.trigger;
    const list = (items: readonly string[], prefix: 'status' | 'reason') =>
      items.map((i) => label(prefix, i)).join('・');
    let text = t(`journey.trigger.${trigger.type}` as MessageKey);
    if (trigger.type === 'status_entered')
      text = t('journey.trigger.statusList', { statuses: list(trigger.statuses, 'status') });
    if (trigger.type === 'behaviour')
      text += `（${t('journey.trigger.behaviourDetail', {
        event: trigger.event,
        url: trigger.url_contains ?? '—',
        count: trigger.min_count,
        days: trigger.within_days,
      })}）`;
    if (trigger.type === 'schedule') text += `（${t(`journey.trigger.every.${trigger.every}`)}）`;
    const audience = definition.audience;
    const parts: string[] = [];
    if (audience?.statuses?.length) parts.push(`${t('col.status')} ${list(audience.statuses, 'status')}`);
    if (audience?.reasons?.length) parts.push(`${t('col.reason')} ${list(audience.reasons, 'reason')}`);
    if (audience?.ranks?.length) parts.push(`${t('col.rank')} ${audience.ranks.join('・')}`);
    if (audience?.segment_id !== undefined)
      parts.push(t('journey.audience.segment', { id: audience.segment_id }));
    return parts.length > 0 ? `${text} ／ ${t('journey.audience')}: ${parts.join('、')}` : text;
  };
}

function runSummary(result: RunnerResult, t: ReturnType<typeof useI18n>['t']): string {
  return t('journey.ran', {
    enrolled: result.enrolled,
    steps: result.steps,
    queued: result.queued,
    tasks: result.tasks,
    sent: result.sent,
    held: result.held,
    suppressed: result.suppressed,
  });
}

function Monitor({ detail, children }: { detail: JourneyDetail; children?: ReactNode }) {
  const { t, language } = useI18n();
  const { monitor, journey } = detail;
  const counts = Object.fromEntries(
    monitor.steps.map((s) => [s.id, { waiting: s.waiting, passed: s.passed }]),
  );
  const labels = Object.fromEntries(
    monitor.steps.map((s) => [s.id, language === 'ja' ? s.label_ja : s.label_en]),
  );
  const exits = Object.entries(monitor.exits).filter(([, n]) => n > 0);
  return (
    <div className="grid-2 journey-monitor">
      <section className="card">
        <h2>{t('journey.flow')}</h2>
        <JourneyFlow definition={journey.definition} counts={counts} labels={labels} />
      </section>
      <section className="card" data-testid="journey-monitor">
        <h2>{t('journey.monitor.title')}</h2>
        <div className="stats">
          {(['active', 'completed', 'exited'] as const).map((k) => (
            <div key={k}>
              <div className="stat-name">{t(`journeys.col.${k}`)}</div>
              <div className="stat-value" data-testid={`monitor-${k}`}>
                {formatCount(monitor[k])}
              </div>
            </div>
          ))}
        </div>
        {exits.length > 0 && (
          <>
            <h3>{t('journey.monitor.exits')}</h3>
            <dl className="facts">
              {exits.map(([reason, n]) => (
                <div key={reason} style={{ display: 'contents' }}>
                  <dt>{exitLabel(reason, t)}</dt>
                  <dd className="num">{formatCount(n)}</dd>
                </div>
              ))}
            </dl>
          </>
        )}
        {children}
      </section>
    </div>
  );
}

const ASSUMPTIONS = [
  'open_rate',
  'click_rate',
  'purchase_rate_per_message',
  'reply_rate_per_message',
  'unsubscribe_rate_per_message',
];
function assumptionLabel(key: string, t: ReturnType<typeof useI18n>['t']): string {
  return ASSUMPTIONS.includes(key) ? t(`journey.sim.assumption.${key}` as MessageKey) : key;
}

export function exitLabel(reason: string, t: ReturnType<typeof useI18n>['t']): string {
  const known = ['purchased', 'unsubscribed', 'replied', 'holdout', 'ineligible', 'removed', 'completed'];
  return known.includes(reason) ? t(`journey.exit.${reason}` as MessageKey) : reason;
}

function EnrolForm({ id, onDone }: { id: string; onDone: (text: string) => void }) {
  const { t } = useI18n();
  const [ids, setIds] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const customerIds = ids
      .split(/[\s,、，]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    if (customerIds.length === 0) return setError(t('journey.enrol.none'));
    try {
      const result = await api.enrolJourney(id, customerIds);
      setError(null);
      setIds('');
      const rejected = (result.rejected ?? [])
        .map((r) => `${r.customer_id}（${t(`journey.enrol.rejected.${r.reason}` as MessageKey)}）`)
        .join('、');
      onDone(
        t('journey.enrol.done', { enrolled: result.enrolled, skipped: result.skipped }) +
          (rejected ? ` ${t('journey.enrol.rejected', { list: rejected })}` : ''),
      );
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <form className="inline-form enrol-form" onSubmit={submit} aria-label={t('journey.enrol.title')}>
      <h3>{t('journey.enrol.title')}</h3>
      <input
        name="customer-ids"
        aria-label={t('journey.enrol.ids')}
        placeholder={t('journey.enrol.placeholder')}
        value={ids}
        onChange={(e) => setIds(e.target.value)}
      />
      <button type="submit" className="button">
        {t('journey.enrol.submit')}
      </button>
      {error && (
        <p className="error" role="alert" style={{ width: '100%' }}>
          {error}
        </p>
      )}
    </form>
  );
}

function SourceEditor({
  journey,
  canEdit,
  onSaved,
}: {
  journey: JourneyDetail['journey'];
  canEdit: boolean;
  onSaved: (version: number) => void;
}) {
  const { t } = useI18n();
  const [source, setSource] = useState(journey.source);
  const [format, setFormat] = useState<JourneyFormat>(journey.format);
  const [checked, setChecked] = useState<{
    definition: JourneyDefinition | null;
    issues: SourceIssue[];
  } | null>(null);
  const [checking, setChecking] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const latest = useRef(0);

  useEffect(() => {
    const request = ++latest.current;
    setChecking(true);
    const timer = window.setTimeout(() => {
      api.validateJourney(source, format).then(
        (result) => {
          if (request !== latest.current) return;
          setChecking(false);
          if (!result.ok) return setChecked({ definition: null, issues: result.issues });
          const issues =
            result.definition.id === journey.id
              ? []
              : [{ path: 'id', message: t('journey.source.idMismatch', { id: journey.id }) }];
          setChecked({ definition: issues.length === 0 ? result.definition : null, issues });
        },
        (e: unknown) => {
          if (request !== latest.current) return;
          setChecking(false);
          setChecked({
            definition: null,
            issues: [{ path: '', message: e instanceof Error ? e.message : String(e) }],
          });
        },
      );
    }, VALIDATE_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [source, format, journey.id, t]);

  const dirty = source !== journey.source || format !== journey.format;
  const editor = useRef<HTMLTextAreaElement>(null);
  /** Selects a line of the source (an issue's), so the keyboard lands where the problem is. */
  const goToLine = (line: number) => {
    const element = editor.current;
    if (!element) return;
    const lines = source.split('\n');
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    element.focus();
    element.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    const lineHeight = element.scrollHeight / Math.max(1, lines.length);
    element.scrollTop = Math.max(0, (line - 4) * lineHeight);
  };
  const save = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const saved = await api.saveJourney(journey.id, source, format);
      setSaveError(null);
      onSaved(saved.journey.version);
    } catch (e) {
      if (e instanceof ApiError && e.issues.length > 0) {
        setChecked({
          definition: null,
          issues: e.issues.map(sourceIssueOf),
        });
      }
      setSaveError(e instanceof Error ? e.message : String(e));
    }
  };

  const valid = checked?.definition ?? null;
  // While the text has a problem, the flow it last had stays in view (marked as such).
  const [lastValid, setLastValid] = useState<JourneyDefinition>(journey.definition);
  useEffect(() => {
    if (valid) setLastValid(valid);
  }, [valid]);
  return (
    <div className="grid-2 journey-editor">
      <form className="card form" style={{ maxWidth: 'none', marginTop: 0 }} onSubmit={save}>
        <h2>
          {t('journey.source.title')}
          {checking && <span className="muted small">{t('journey.source.checking')}</span>}
        </h2>
        <p className="muted small">{t('journey.source.intro')}</p>
        <label>
          {t('journey.source.format')}
          <select
            name="format"
            value={format}
            disabled={!canEdit}
            onChange={(e) => setFormat(e.target.value as JourneyFormat)}
            style={{ width: 'auto' }}
          >
            <option value="json">JSON</option>
            <option value="yaml">YAML</option>
          </select>
        </label>
        <div id="source-status" aria-live="polite" data-testid="source-status">
          {checked && checked.issues.length > 0 ? (
            <>
              <p className="error">{t('journey.source.issues', { n: checked.issues.length })}</p>
              <ul className="plain issues" data-testid="source-issues">
                {checked.issues.map((issue) => (
                  <li key={`${issue.path}:${issue.message}`}>
                    {issue.path && <code className="issue-path">{issue.path}</code>} {issue.message}
                    {issue.line !== undefined && (
                      <>
                        {' '}
                        <button
                          type="button"
                          className="link-button"
                          onClick={() => goToLine(issue.line ?? 1)}
                        >
                          {t('journey.source.line', { line: issue.line })}
                        </button>
                      </>
                    )}
                  </li>
                ))}
              </ul>
            </>
          ) : valid ? (
            <p className="ok">{t('journey.source.valid', { n: valid.steps.length })}</p>
          ) : null}
        </div>
        <label>
          {t('journey.source.label')}
          <textarea
            ref={editor}
            name="source"
            className="source-editor mono"
            spellCheck={false}
            rows={28}
            value={source}
            readOnly={!canEdit}
            aria-invalid={Boolean(checked && checked.issues.length > 0)}
            aria-describedby="source-status"
            onChange={(e) => setSource(e.target.value)}
          />
        </label>
        {saveError && (
          <p className="error" role="alert">
            {saveError}
          </p>
        )}
        {canEdit && (
          <div className="actions">
            <button type="submit" className="button" disabled={!dirty || !valid || checking}>
              {t('common.save')}
            </button>
            <button
              type="button"
              className="link-button"
              disabled={!dirty}
              onClick={() => {
                setSource(journey.source);
                setFormat(journey.format);
              }}
            >
              {t('journey.source.revert')}
            </button>
          </div>
        )}
      </form>
      <section className="card">
        <h2>{t('journey.source.preview')}</h2>
        {valid ? (
          <JourneyFlow definition={valid} testId="draft-flow" />
        ) : (
          <>
            <p className="notice">{t('journey.source.noPreview')}</p>
            <JourneyFlow definition={lastValid} testId="last-valid-flow" />
          </>
        )}
      </section>
    </div>
  );
}

/** The server names a file's problem as field 'body.source', message '<path>: <what is wrong>'. */
function sourceIssueOf(issue: { field: string; message: string }): SourceIssue {
  const match = issue.field === 'body.source' ? /^([^:]+): ([\s\S]*)$/.exec(issue.message) : null;
  return match?.[1] && match[2] !== undefined
    ? { path: match[1], message: match[2] }
    : { path: issue.field, message: issue.message };
}

function Simulation({ id }: { id: string }) {
  const { t, language } = useI18n();
  const [result, setResult] = useState<JourneySimulation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const run = async () => {
    setRunning(true);
    try {
      setResult(await api.simulateJourney(id));
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setRunning(false);
    }
  };
  // The chart shows the steps that reach a customer (messages, tasks); waits and branches are in the table.
  const acting = useMemo(
    () => (result?.steps ?? []).filter((s) => s.type === 'send' || s.type === 'task'),
    [result],
  );
  const chart = useMemo(
    () =>
      result
        ? {
            labels: acting.map((s) => (language === 'ja' ? s.label_ja : s.label_en)),
            values: acting.map((s) => Math.round(s.reach * 10) / 10),
          }
        : null,
    [result, acting, language],
  );
  const exits = result ? Object.entries(result.expected_exits).filter(([, n]) => n > 0) : [];
  return (
    <section className="card" data-testid="journey-simulation">
      <h2>{t('journey.sim.title')}</h2>
      <p className="muted">{t('journey.sim.intro')}</p>
      <button type="button" className="button" onClick={run} disabled={running}>
        {running ? t('journey.sim.running') : t('journey.sim.run')}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {result && chart && (
        <>
          <div className="stats" style={{ marginTop: '1rem' }}>
            <div>
              <div className="stat-name">{t('journey.sim.entrants')}</div>
              <div className="stat-value" data-testid="sim-entrants">
                {formatCount(result.entrants)}
              </div>
            </div>
            {(['email', 'sms', 'dm'] as const).map((c) => (
              <div key={c}>
                <div className="stat-name">{t('journey.sim.messages', { channel: t(`channel.${c}`) })}</div>
                <div className="stat-value">{formatCount(Math.round(result.messages[c] ?? 0))}</div>
              </div>
            ))}
            <div>
              <div className="stat-name">{t('journey.sim.tasks')}</div>
              <div className="stat-value">
                {formatCount(Math.round((result.tasks.call ?? 0) + (result.tasks.visit ?? 0)))}
              </div>
            </div>
            <div>
              <div className="stat-name">{t('journey.sim.cost')}</div>
              <div className="stat-value" data-testid="sim-cost">
                {formatYen(Math.round(result.cost_yen))}
              </div>
            </div>
          </div>
          {result.entrants === 0 && <p className="notice">{t('journey.sim.nobody')}</p>}
          {result.entrants > 0 && chart.labels.length > 0 && (
            <BarChart
              labels={chart.labels}
              values={chart.values}
              horizontal
              height={Math.max(200, chart.labels.length * 28 + 60)}
              testId="sim-chart"
            />
          )}
          <table className="table" data-testid="sim-steps">
            <thead>
              <tr>
                <th>{t('journey.sim.step')}</th>
                <th className="num">{t('journey.sim.reach')}</th>
                <th className="num">{t('journey.sim.day')}</th>
              </tr>
            </thead>
            <tbody>
              {result.steps.map((s) => (
                <tr key={s.id}>
                  <td>
                    {language === 'ja' ? s.label_ja : s.label_en} <span className="muted mono">{s.id}</span>
                  </td>
                  <td className="num">{formatCount(Math.round(s.reach * 10) / 10)}</td>
                  <td className="num">{t('journey.sim.dayValue', { day: s.day })}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {exits.length > 0 && (
            <>
              <h3>{t('journey.sim.exits')}</h3>
              <dl className="facts">
                {exits.map(([reason, n]) => (
                  <div key={reason} style={{ display: 'contents' }}>
                    <dt>{exitLabel(reason, t)}</dt>
                    <dd className="num">{formatCount(Math.round(n * 10) / 10)}</dd>
                  </div>
                ))}
              </dl>
            </>
          )}
          <p className="muted small">
            {t('journey.sim.assumptions', {
              values: Object.entries(result.assumptions)
                .map(([k, v]) => `${assumptionLabel(k, t)} ${Math.round(v * 1000) / 10}%`)
                .join('・'),
            })}
          </p>
        </>
      )}
    </section>
  );
}
