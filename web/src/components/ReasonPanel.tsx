import { type FormEvent, useState } from 'react';
import { ApiError, api, type Customer360 } from '../api';
import { formatDate, formatPercent } from '../format';
import { useI18n } from '../i18n';

const REASONS = [
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

export function ReasonPanel({
  customerId,
  view,
  canOverride,
  onSaved,
}: {
  customerId: string;
  view: Customer360;
  canOverride: boolean;
  onSaved: () => void;
}) {
  const { t, label, language } = useI18n();
  const [category, setCategory] = useState('forgotten');
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const inferred = view.analysis?.reason_category;
  const confidence = view.analysis?.reason_confidence;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await api.overrideReason(customerId, category, note);
      setNote('');
      setMessage({ ok: true, text: t('customer.reason.saved') });
      onSaved();
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? e.message : String(e) });
    }
  };

  return (
    <section className="card" data-testid="reason-panel">
      <h2>{t('customer.reason')}</h2>
      {typeof inferred === 'string' && (
        <p>
          {t('customer.reason.inferred')}: <strong>{label('reason', inferred)}</strong>
          {typeof confidence === 'number' && (
            <span className="muted">
              {' '}
              （{t('customer.reason.confidence')} {formatPercent(confidence)}）
            </span>
          )}
        </p>
      )}
      {view.reasonOverrides.length > 0 && (
        <>
          <h3>{t('customer.reason.history')}</h3>
          <ul className="plain" data-testid="reason-history">
            {view.reasonOverrides.map((o) => (
              <li key={o.id}>
                <strong>{label('reason', o.category)}</strong>
                {o.note ? ` — ${o.note}` : ''}{' '}
                <span className="muted">
                  {t('customer.reason.by', {
                    user: o.user_name ?? '?',
                    date: formatDate(o.created_at, language),
                  })}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      {canOverride && (
        <form className="inline-form" onSubmit={submit}>
          <h3>{t('customer.reason.override')}</h3>
          <select name="category" value={category} onChange={(e) => setCategory(e.target.value)}>
            {REASONS.map((r) => (
              <option key={r} value={r}>
                {label('reason', r)}
              </option>
            ))}
          </select>
          <input
            name="note"
            placeholder={t('customer.reason.note')}
            value={note}
            maxLength={2000}
            onChange={(e) => setNote(e.target.value)}
          />
          <button type="submit" className="primary">
            {t('customer.reason.submit')}
          </button>
          {message && <span className={message.ok ? 'ok' : 'error'}>{message.text}</span>}
        </form>
      )}
    </section>
  );
}
