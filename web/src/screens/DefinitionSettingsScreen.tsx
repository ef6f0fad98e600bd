/**
 * Settings → dormancy definition: each level with its rule in words, the suggestion read from
 * the order data with its reasoning, and applying it as a new version.
 */
import { useCallback, useEffect, useState } from 'react';
import {
  api,
  type DefinitionSettings,
  type DefinitionSuggestion,
  type LevelDescription,
  type User,
} from '../api';
import { formatDate } from '../format';
import { useI18n } from '../i18n';

function LevelTable({ levels, testId }: { levels: LevelDescription[]; testId: string }) {
  const { t } = useI18n();
  return (
    <table className="table" data-testid={testId}>
      <thead>
        <tr>
          <th>{t('definition.level')}</th>
          <th>{t('definition.meaning')}</th>
          <th>{t('definition.rule')}</th>
        </tr>
      </thead>
      <tbody>
        {levels.map((level) => (
          <tr key={level.level}>
            <th>{level.label}</th>
            <td>{level.description}</td>
            <td className="mono">{level.rule}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DefinitionSettingsScreen({ user }: { user: User }) {
  const { t, language } = useI18n();
  const [current, setCurrent] = useState<DefinitionSettings | null>(null);
  const [suggestion, setSuggestion] = useState<DefinitionSuggestion | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const canChange = user.role === 'admin' || user.role === 'marketer';

  const load = useCallback(() => {
    api.definitionSettings().then(setCurrent, (e: Error) => setMessage({ ok: false, text: e.message }));
  }, []);
  useEffect(load, [load]);

  const suggest = async () => {
    setBusy(true);
    try {
      setSuggestion(await api.definitionSuggestion());
      setMessage(null);
    } catch (e) {
      setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };
  const apply = async () => {
    if (!suggestion) return;
    setBusy(true);
    try {
      const saved = await api.saveDefinition(suggestion.definition);
      setMessage({ ok: true, text: t('definition.applied', { version: saved.version ?? '—' }) });
      setSuggestion(null);
      load();
    } catch (e) {
      setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="screen">
      <h1>{t('definition.title')}</h1>
      {message && (
        <p className={message.ok ? 'ok' : 'error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      {!current ? (
        <p className="loading">{t('common.loading')}</p>
      ) : (
        <section className="card">
          <h2>
            {t('definition.current')}: <span className="mono">{current.definition.name}</span>
          </h2>
          <p className="muted" data-testid="definition-version">
            {current.version === null
              ? t('definition.builtin')
              : t('definition.version', {
                  version: current.version,
                  date: formatDate(current.created_at, language),
                  by: current.created_by?.replace(/^user:/, '') ?? '—',
                })}
          </p>
          {current.definition.description && <p>{current.definition.description}</p>}
          <LevelTable levels={current.levels[language]} testId="definition-levels" />
        </section>
      )}
      {canChange && (
        <section className="card">
          <h2>{t('definition.suggestion')}</h2>
          <button type="button" className="button" disabled={busy} onClick={suggest}>
            {t('definition.suggest')}
          </button>
          {suggestion && (
            <div data-testid="definition-suggestion">
              <p>
                {t(suggestion.basis === 'data' ? 'definition.basis.data' : 'definition.basis.preset', {
                  asOf: formatDate(suggestion.as_of, language),
                })}
              </p>
              <h3>{t('definition.reasoning')}</h3>
              <ul>
                {suggestion.reasoning.map((line) => (
                  <li key={line.code + line.en}>{line[language]}</li>
                ))}
              </ul>
              <LevelTable levels={suggestion.levels[language]} testId="suggested-levels" />
              <button type="button" className="button" disabled={busy} onClick={apply}>
                {t('definition.apply')}
              </button>
            </div>
          )}
        </section>
      )}
    </div>
  );
}
