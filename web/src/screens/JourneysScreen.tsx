/**
 * Journeys (MA scenarios): each with its trigger, whether it runs, and how many customers are
 * in it, finished it or left it early. Marketers and admins switch a journey on or off and
 * start a new one from a copy of an existing one (the shipped journeys are disabled until a
 * person enables them).
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { JourneyFormat, JourneySummary } from '../actTypes';
import { api, type User } from '../api';
import { formatCount, formatDate } from '../format';
import { type MessageKey, useI18n } from '../i18n';
import { Link, navigate } from '../router';

export const canEditJourneys = (user: User) => user.role === 'admin' || user.role === 'marketer';

const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A copy of a journey's source under a new id and name (JSON re-serialised; YAML line-edited). */
export function copySource(source: string, format: JourneyFormat, id: string, name: string): string {
  if (format === 'json') {
    const parsed = JSON.parse(source) as Record<string, unknown>;
    return `${JSON.stringify({ ...parsed, id, name }, null, 2)}\n`;
  }
  const quoted = (text: string) => JSON.stringify(text);
  return source.replace(/^id:.*$/m, `id: ${quoted(id)}`).replace(/^name:.*$/m, `name: ${quoted(name)}`);
}

export function JourneysScreen({ user }: { user: User }) {
  const { t, language } = useI18n();
  const [journeys, setJourneys] = useState<JourneySummary[] | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const canEdit = canEditJourneys(user);

  const load = useCallback(() => {
    api.journeys().then(
      (r) => setJourneys(r.journeys),
      (e: Error) => setMessage({ ok: false, text: e.message }),
    );
  }, []);
  useEffect(load, [load]);

  const toggle = async (journey: JourneySummary) => {
    setBusy(journey.id);
    try {
      await api.setJourneyEnabled(journey.id, !journey.enabled);
      setMessage({
        ok: true,
        text: t(journey.enabled ? 'journeys.disabledMessage' : 'journeys.enabledMessage', {
          name: journey.name,
        }),
      });
      load();
    } catch (e) {
      setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="screen">
      <h1>{t('journeys.title')}</h1>
      <p className="muted">{t('journeys.intro')}</p>
      {message && (
        <p
          className={message.ok ? 'ok' : 'error'}
          role={message.ok ? 'status' : 'alert'}
          data-testid="journeys-message"
        >
          {message.text}
        </p>
      )}
      {journeys === null ? (
        !message && <p className="loading">{t('common.loading')}</p>
      ) : journeys.length === 0 ? (
        <p className="muted">{t('journeys.empty')}</p>
      ) : (
        <table className="table" data-testid="journey-list">
          <thead>
            <tr>
              <th>{t('journeys.col.name')}</th>
              <th>{t('journeys.col.trigger')}</th>
              <th>{t('journeys.col.enabled')}</th>
              <th className="num nowrap">{t('journeys.col.active')}</th>
              <th className="num nowrap">{t('journeys.col.completed')}</th>
              <th className="num nowrap">{t('journeys.col.exited')}</th>
              <th className="nowrap">{t('journeys.col.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {journeys.map((j) => (
              <tr key={j.id} data-testid="journey-row" data-journey-id={j.id}>
                <td>
                  <Link to={`/journeys/${encodeURIComponent(j.id)}`}>{j.name}</Link>
                  <div className="muted small mono">{j.id}</div>
                  {j.description && <div className="muted small">{j.description}</div>}
                </td>
                <td>{t(`journey.trigger.${j.trigger_type}` as MessageKey)}</td>
                <td>
                  {canEdit ? (
                    <button
                      type="button"
                      role="switch"
                      aria-checked={j.enabled}
                      aria-label={t('journeys.toggle', { name: j.name })}
                      className={j.enabled ? 'switch on' : 'switch'}
                      disabled={busy === j.id}
                      onClick={() => toggle(j)}
                    >
                      {t(j.enabled ? 'journeys.on' : 'journeys.off')}
                    </button>
                  ) : (
                    <span className={j.enabled ? 'badge status-active' : 'badge'}>
                      {t(j.enabled ? 'journeys.on' : 'journeys.off')}
                    </span>
                  )}
                </td>
                <td className="num">{formatCount(j.active)}</td>
                <td className="num">{formatCount(j.completed)}</td>
                <td className="num">{formatCount(j.exited)}</td>
                <td className="muted nowrap">{formatDate(j.updated_at, language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && journeys && journeys.length > 0 && <NewJourney journeys={journeys} />}
    </div>
  );
}

function NewJourney({ journeys }: { journeys: JourneySummary[] }) {
  const { t } = useI18n();
  const [from, setFrom] = useState(journeys[0]?.id ?? '');
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const newId = id.trim();
    if (!ID_PATTERN.test(newId)) return setError(t('journeys.new.badId'));
    if (journeys.some((j) => j.id === newId)) return setError(t('journeys.new.taken', { id: newId }));
    try {
      const base = (await api.journey(from)).journey;
      const source = copySource(base.source, base.format, newId, name.trim() || `${base.name}（${newId}）`);
      await api.saveJourney(newId, source, base.format);
      navigate(`/journeys/${encodeURIComponent(newId)}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <form className="card inline-form" onSubmit={create} aria-label={t('journeys.new.title')}>
      <h3>{t('journeys.new.title')}</h3>
      <label className="filter">
        {t('journeys.new.from')}
        <select name="from" value={from} onChange={(e) => setFrom(e.target.value)}>
          {journeys.map((j) => (
            <option key={j.id} value={j.id}>
              {j.name}（{j.id}）
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        {t('journeys.new.id')}
        <input
          name="new-id"
          value={id}
          placeholder="winback-spring"
          onChange={(e) => setId(e.target.value)}
        />
      </label>
      <label className="filter">
        {t('journeys.new.name')}
        <input name="new-name" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <button type="submit" className="button">
        {t('journeys.new.create')}
      </button>
      {error && (
        <p className="error" role="alert" style={{ width: '100%' }}>
          {error}
        </p>
      )}
    </form>
  );
}
