/**
 * Settings → scoring: the six criterion weights and the rank cut-offs. The server validates;
 * each error is shown under its field (weights.past_value, ranks…).
 */
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api, CRITERIA, type Criterion, type ScoringSettings, type User } from '../api';
import { formatDate } from '../format';
import { useI18n } from '../i18n';

const RANK_KEYS = ['A', 'B', 'C'] as const;
type Draft = { weights: Record<Criterion, string>; ranks: Record<(typeof RANK_KEYS)[number], string> };

function draftOf(settings: ScoringSettings['config']): Draft {
  return {
    weights: Object.fromEntries(CRITERIA.map((c) => [c, String(settings.weights[c])])) as Draft['weights'],
    ranks: { A: String(settings.ranks.A), B: String(settings.ranks.B), C: String(settings.ranks.C) },
  };
}

/** A number typed by a person (full-width digits allowed); null when it is no number. */
function numberOf(text: string): number | null {
  const normalised = text.normalize('NFKC').trim();
  if (normalised === '') return null;
  const n = Number(normalised);
  return Number.isFinite(n) ? n : null;
}

export function ScoringSettingsScreen({ user }: { user: User }) {
  const { t, language } = useI18n();
  const [settings, setSettings] = useState<ScoringSettings | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const canChange = user.role === 'admin' || user.role === 'marketer';

  useEffect(() => {
    api.scoringSettings().then(
      (s) => {
        setSettings(s);
        setDraft(draftOf(s.config));
      },
      (e: Error) => setMessage({ ok: false, text: e.message }),
    );
  }, []);

  if (!settings || !draft) {
    return message ? (
      <p className="error">{message.text}</p>
    ) : (
      <p className="loading">{t('common.loading')}</p>
    );
  }

  const fieldMessage = (field: string, serverMessage: string): string => {
    if (field.startsWith('weights.')) return t('scoring.error.weight');
    if (field === 'ranks') return t('scoring.error.ranks');
    if (field.startsWith('ranks.')) return t('scoring.error.rank');
    return serverMessage;
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const config = {
      ...settings.config,
      weights: Object.fromEntries(CRITERIA.map((c) => [c, numberOf(draft.weights[c])])),
      ranks: Object.fromEntries(RANK_KEYS.map((r) => [r, numberOf(draft.ranks[r])])),
    } as unknown as ScoringSettings['config'];
    try {
      const saved = await api.saveScoring(config);
      setSettings({ ...settings, ...saved });
      setDraft(draftOf(saved.config));
      setErrors({});
      setMessage({ ok: true, text: t('scoring.saved', { version: saved.version ?? '—' }) });
    } catch (e) {
      if (e instanceof ApiError && e.issues.length > 0) {
        const next: Record<string, string> = {};
        for (const issue of e.issues) {
          const field = issue.field.replace(/^body\./, '');
          next[field] ??= fieldMessage(field, issue.message);
        }
        setErrors(next);
        setMessage({ ok: false, text: t('scoring.invalid') });
      } else {
        setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
      }
    }
  };

  const maxPoints = CRITERIA.reduce((sum, c) => sum + 10 * (numberOf(draft.weights[c]) ?? 0), 0);
  const fieldError = (field: string) =>
    errors[field] ? (
      <span className="field-error" role="alert" data-field={field}>
        {errors[field]}
      </span>
    ) : null;

  return (
    <div className="screen">
      <h1>{t('scoring.title')}</h1>
      <p className="muted">
        {settings.version === null
          ? t('definition.builtin')
          : t('definition.version', {
              version: settings.version,
              date: formatDate(settings.created_at, language),
              by: settings.created_by?.replace(/^user:/, '') ?? '—',
            })}
      </p>
      {message && (
        <p
          className={message.ok ? 'ok' : 'error'}
          role={message.ok ? 'status' : 'alert'}
          data-testid="scoring-message"
        >
          {message.text}
        </p>
      )}
      <form className="card form scoring-form" onSubmit={save} noValidate>
        <h2>{t('scoring.weights')}</h2>
        {CRITERIA.map((criterion) => (
          <label key={criterion} className={errors[`weights.${criterion}`] ? 'invalid' : undefined}>
            {t(`criterion.${criterion}`)}
            <input
              name={`weights.${criterion}`}
              inputMode="decimal"
              value={draft.weights[criterion]}
              disabled={!canChange}
              aria-invalid={Boolean(errors[`weights.${criterion}`])}
              onChange={(e) =>
                setDraft({ ...draft, weights: { ...draft.weights, [criterion]: e.target.value } })
              }
            />
            {fieldError(`weights.${criterion}`)}
          </label>
        ))}
        <p className="muted">{t('scoring.max', { max: maxPoints })}</p>
        <h2>{t('scoring.ranks')}</h2>
        {fieldError('ranks')}
        {RANK_KEYS.map((rank) => (
          <label key={rank} className={errors[`ranks.${rank}`] ? 'invalid' : undefined}>
            {t('scoring.rank', { rank })}
            <input
              name={`ranks.${rank}`}
              inputMode="decimal"
              value={draft.ranks[rank]}
              disabled={!canChange}
              aria-invalid={Boolean(errors[`ranks.${rank}`] || errors.ranks)}
              onChange={(e) => setDraft({ ...draft, ranks: { ...draft.ranks, [rank]: e.target.value } })}
            />
            {fieldError(`ranks.${rank}`)}
          </label>
        ))}
        {canChange && (
          <div className="actions">
            <button type="submit" className="button">
              {t('common.save')}
            </button>
            <button
              type="button"
              className="link-button"
              onClick={() => {
                setDraft(draftOf(settings.defaults));
                setErrors({});
              }}
            >
              {t('scoring.reset')}
            </button>
          </div>
        )}
      </form>
    </div>
  );
}
