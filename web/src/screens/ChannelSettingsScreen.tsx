/**
 * Settings → channels & consent: per channel the cost of one approach, the rep's minutes, the
 * reactivation rate, and the consent rule for companies (B2B) and persons (B2C). Expected values,
 * recommended channels and `mezame plan` use the saved version from the next analysis on. The
 * server validates; each error is shown under its field (channels.visit.cost_yen…).
 */
import { type FormEvent, useEffect, useState } from 'react';
import {
  ApiError,
  api,
  CHANNEL_KEYS,
  type ChannelKey,
  type ChannelSettings,
  CONSENT_KINDS,
  CONSENT_RULES,
  type ConsentKind,
  type ConsentRule,
  type User,
} from '../api';
import { formatDate } from '../format';
import { type MessageKey, useI18n } from '../i18n';

/** The customer's flag each channel's consent rule reads (visits have none). */
const CONSENT_COLUMN: Record<ChannelKey, string | null> = {
  visit: null,
  phone: 'phone_ok',
  dm: 'dm_ok',
  email: 'email_opt_in',
  sms: 'sms_opt_in',
};

interface RowDraft {
  cost_yen: string;
  rep_minutes: string;
  rate_percent: string;
  consent: Record<ConsentKind, ConsentRule>;
}
type Draft = Record<ChannelKey, RowDraft>;

function draftOf(config: ChannelSettings['config']): Draft {
  return Object.fromEntries(
    CHANNEL_KEYS.map((c) => {
      const entry = config.channels[c];
      return [
        c,
        {
          cost_yen: String(entry.cost_yen),
          rep_minutes: String(entry.rep_minutes),
          rate_percent: String(Math.round(entry.reactivation_rate * 1000) / 10),
          consent: { ...entry.consent },
        },
      ];
    }),
  ) as Draft;
}

/** A number typed by a person (full-width digits, commas and ¥ allowed); null when it is no number. */
function numberOf(text: string): number | null {
  const normalised = text.normalize('NFKC').replace(/[,¥\s]/g, '');
  if (normalised === '') return null;
  const n = Number(normalised);
  return Number.isFinite(n) ? n : null;
}

const FIELD_MESSAGE: Record<string, MessageKey> = {
  cost_yen: 'channels.error.cost',
  rep_minutes: 'channels.error.minutes',
  reactivation_rate: 'channels.error.rate',
};

export function ChannelSettingsScreen({ user }: { user: User }) {
  const { t, language } = useI18n();
  const [settings, setSettings] = useState<ChannelSettings | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const canChange = user.role === 'admin' || user.role === 'marketer';

  useEffect(() => {
    api.channelSettings().then(
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
    const last = field.split('.').at(-1) ?? '';
    const key = FIELD_MESSAGE[last];
    if (key) return t(key);
    if (field.includes('.consent.')) return t('channels.error.consent');
    return serverMessage;
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const rate = (text: string) => {
      const n = numberOf(text);
      return n === null ? null : Math.round(n * 1000) / 100_000;
    };
    const config = {
      channels: Object.fromEntries(
        CHANNEL_KEYS.map((c) => [
          c,
          {
            cost_yen: numberOf(draft[c].cost_yen),
            rep_minutes: numberOf(draft[c].rep_minutes),
            reactivation_rate: rate(draft[c].rate_percent),
            consent: draft[c].consent,
          },
        ]),
      ),
    } as unknown as ChannelSettings['config'];
    try {
      const saved = await api.saveChannels(config);
      setSettings({ ...settings, ...saved });
      setDraft(draftOf(saved.config));
      setErrors({});
      setMessage({ ok: true, text: t('channels.saved', { version: saved.version ?? '—' }) });
    } catch (e) {
      if (e instanceof ApiError && e.issues.length > 0) {
        const next: Record<string, string> = {};
        for (const issue of e.issues) {
          const field = issue.field.replace(/^body\./, '');
          next[field] ??= fieldMessage(field, issue.message);
        }
        setErrors(next);
        setMessage({ ok: false, text: t('channels.invalid') });
      } else {
        setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
      }
    }
  };

  const setRow = (channel: ChannelKey, patch: Partial<RowDraft>) =>
    setDraft({ ...draft, [channel]: { ...draft[channel], ...patch } });
  const fieldError = (field: string) =>
    errors[field] ? (
      <span className="field-error" role="alert" data-field={field}>
        {errors[field]}
      </span>
    ) : null;
  const numberCell = (channel: ChannelKey, key: 'cost_yen' | 'rep_minutes' | 'rate_percent') => {
    const field = `channels.${channel}.${key === 'rate_percent' ? 'reactivation_rate' : key}`;
    return (
      <td className="num">
        <input
          name={field}
          aria-label={`${t(`channel.${channel}` as MessageKey)} ${t(`channels.${key}` as MessageKey)}`}
          inputMode="decimal"
          style={{ width: '7rem', textAlign: 'right' }}
          value={draft[channel][key]}
          disabled={!canChange}
          aria-invalid={Boolean(errors[field])}
          onChange={(e) => setRow(channel, { [key]: e.target.value })}
        />
        {fieldError(field)}
      </td>
    );
  };

  return (
    <div className="screen">
      <h1>{t('channels.title')}</h1>
      <p className="muted">
        {settings.version === null
          ? t('definition.builtin')
          : t('definition.version', {
              version: settings.version,
              date: formatDate(settings.created_at, language),
              by: settings.created_by?.replace(/^user:/, '') ?? '—',
            })}
      </p>
      <p>{t('channels.intro')}</p>
      {message && (
        <p
          className={message.ok ? 'ok' : 'error'}
          role={message.ok ? 'status' : 'alert'}
          data-testid="channels-message"
        >
          {message.text}
        </p>
      )}
      <form className="card form scoring-form" style={{ maxWidth: 'none' }} onSubmit={save} noValidate>
        <table className="table">
          <thead>
            <tr>
              <th>{t('channels.channel')}</th>
              <th className="num">{t('channels.cost_yen')}</th>
              <th className="num">{t('channels.rep_minutes')}</th>
              <th className="num">{t('channels.rate_percent')}</th>
              {CONSENT_KINDS.map((kind) => (
                <th key={kind}>{t(`channels.consent.${kind}` as MessageKey)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {CHANNEL_KEYS.map((channel) => (
              <tr key={channel} data-channel={channel}>
                <th>
                  {t(`channel.${channel}` as MessageKey)}
                  <div className="muted small">
                    {CONSENT_COLUMN[channel]
                      ? t('channels.flag', { column: CONSENT_COLUMN[channel] ?? '' })
                      : t('channels.noFlag')}
                  </div>
                </th>
                {numberCell(channel, 'cost_yen')}
                {numberCell(channel, 'rep_minutes')}
                {numberCell(channel, 'rate_percent')}
                {CONSENT_KINDS.map((kind) => {
                  const field = `channels.${channel}.consent.${kind}`;
                  const rules = CONSENT_COLUMN[channel]
                    ? CONSENT_RULES
                    : CONSENT_RULES.filter((r) => r !== 'opt_in');
                  return (
                    <td key={kind}>
                      <select
                        name={field}
                        aria-label={`${t(`channel.${channel}` as MessageKey)} ${t(`channels.consent.${kind}` as MessageKey)}`}
                        value={draft[channel].consent[kind]}
                        disabled={!canChange}
                        aria-invalid={Boolean(errors[field])}
                        onChange={(e) =>
                          setRow(channel, {
                            consent: { ...draft[channel].consent, [kind]: e.target.value as ConsentRule },
                          })
                        }
                      >
                        {rules.map((rule) => (
                          <option key={rule} value={rule}>
                            {t(`consent.${rule}` as MessageKey)}
                          </option>
                        ))}
                      </select>
                      {fieldError(field)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">{t('channels.note.law')}</p>
        <p className="muted">{t('channels.note.visit')}</p>
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
              {t('channels.reset')}
            </button>
          </div>
        )}
      </form>
    </div>
  );
}
