/**
 * The outbox: every message the journeys queued, sent, held or suppressed, filtered by channel
 * and status with their counts, page by page; one message's rendered text (and HTML in a
 * sandboxed frame), its status and the reason in words, and what the customer did with it. A
 * sales rep sees only their own accounts' messages (the server scopes the list). The DM mailing
 * list downloads as CSV, CP932 for Excel or UTF-8.
 */
import { useEffect, useState } from 'react';
import { MESSAGE_CHANNELS, MESSAGE_STATUSES, type OutboxList, type OutboxMessageDetail } from '../actTypes';
import { api, type User } from '../api';
import { formatCount, formatDate } from '../format';
import { type MessageKey, type Translate, useI18n } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import { HtmlPreview } from './TemplatesScreen';

const PAGE_SIZE = 50;

const KNOWN_REASONS = [
  'no_transport',
  'do_not_contact',
  'no_consent',
  'unsubscribed',
  'bounced',
  'no_address',
  'quiet_hours',
  'frequency_cap',
  'min_gap',
  'interrupted',
  'retry',
  'mailing_list',
  'rejected',
  'retries_exhausted',
];

/** The status and why, in words (held = no transport configured, suppressed = the reason). */
export function statusExplanation(status: string, reason: string | null, t: Translate): string {
  // A held DM is not waiting for a transport: it goes out on the printed mailing list.
  if (status === 'held' && reason === 'mailing_list') return t('outbox.reason.mailing_list');
  const parts: string[] = [];
  if ((MESSAGE_STATUSES as readonly string[]).includes(status))
    parts.push(t(`outbox.explain.${status}` as MessageKey));
  if (reason) {
    const code = reason.split(/[:\s]/)[0] ?? reason;
    // "held" already says that no transport is configured.
    if (status === 'held' && code === 'no_transport') return parts.join(' ');
    parts.push(KNOWN_REASONS.includes(code) ? t(`outbox.reason.${code}` as MessageKey) : reason);
  }
  return parts.join(' ');
}

export function OutboxScreen({ user }: { user: User }) {
  const { t, language } = useI18n();
  const { search } = useLocation();
  const journeyId = new URLSearchParams(search).get('journey_id') ?? '';
  const [channel, setChannel] = useState('');
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(1);
  const [list, setList] = useState<OutboxList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(null);

  useEffect(() => {
    let current = true;
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String((page - 1) * PAGE_SIZE) });
    if (channel) query.set('channel', channel);
    if (status) query.set('status', status);
    if (journeyId) query.set('journey_id', journeyId);
    api.outbox(query).then(
      (r) => {
        if (!current) return;
        setList(r);
        setError(null);
      },
      (e: Error) => current && setError(e.message),
    );
    return () => {
      current = false;
    };
  }, [channel, status, page, journeyId]);

  const countOf = (group: 'by_status' | 'by_channel', key: string) => list?.counts[group][key] ?? 0;
  const pages = list ? Math.max(1, Math.ceil(list.total / PAGE_SIZE)) : 1;
  const canDownload = user.role === 'admin' || user.role === 'marketer';

  return (
    <div className="screen">
      <h1>{t('outbox.title')}</h1>
      <p className="muted">{t(user.role === 'sales_rep' ? 'outbox.introRep' : 'outbox.intro')}</p>
      <div className="filters">
        {journeyId && (
          <span className="filter-chip" data-testid="outbox-journey-filter">
            {t('outbox.journey')}: <span className="mono">{journeyId}</span>{' '}
            <button
              type="button"
              className="link-button"
              aria-label={t('outbox.clearJourney')}
              onClick={() => {
                setPage(1);
                navigate('/outbox');
              }}
            >
              ✕
            </button>
          </span>
        )}
        <label className="filter">
          {t('outbox.filter.channel')}
          <select
            name="channel"
            value={channel}
            onChange={(e) => {
              setChannel(e.target.value);
              setPage(1);
            }}
          >
            <option value="">{t('common.all')}</option>
            {MESSAGE_CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`channel.${c}`)}（{formatCount(countOf('by_channel', c))}）
              </option>
            ))}
          </select>
        </label>
        <label className="filter">
          {t('outbox.filter.status')}
          <select
            name="status"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value);
              setPage(1);
            }}
          >
            <option value="">{t('common.all')}</option>
            {MESSAGE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`outbox.status.${s}`)}（{formatCount(countOf('by_status', s))}）
              </option>
            ))}
          </select>
        </label>
        {canDownload && (
          <span className="dm-download">
            {t('outbox.dmList')}:{' '}
            <a href="/api/outbox/dm.csv?encoding=cp932" download data-testid="dm-csv-cp932">
              {t('outbox.dmCp932')}
            </a>{' '}
            ・{' '}
            <a href="/api/outbox/dm.csv?encoding=utf8" download data-testid="dm-csv-utf8">
              {t('outbox.dmUtf8')}
            </a>
          </span>
        )}
      </div>
      {list && (
        <p className="status-counts" data-testid="outbox-counts">
          {MESSAGE_STATUSES.filter((s) => countOf('by_status', s) > 0).map((s) => (
            <span key={s} className={`badge msg-${s}`}>
              {t(`outbox.status.${s}`)} {formatCount(countOf('by_status', s))}
            </span>
          ))}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {list === null && !error && <p className="loading">{t('common.loading')}</p>}
      {list && (
        <div className="outbox">
          <section>
            {list.messages.length === 0 ? (
              <p className="muted">{t('outbox.empty')}</p>
            ) : (
              <table className="table" data-testid="outbox-list">
                <thead>
                  <tr>
                    <th className="nowrap">{t('outbox.col.created')}</th>
                    <th>{t('col.name')}</th>
                    <th className="nowrap">{t('outbox.col.channel')}</th>
                    <th>{t('outbox.col.subject')}</th>
                    <th>{t('outbox.col.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.messages.map((m) => (
                    <tr
                      key={m.id}
                      data-testid="outbox-row"
                      data-message-id={m.id}
                      data-customer-id={m.customer_id}
                      data-status={m.status}
                      className={selected === m.id ? 'selected' : undefined}
                    >
                      <td className="muted nowrap">{formatDate(m.created_at, language)}</td>
                      <td>{m.customer_name ?? m.customer_id}</td>
                      <td className="nowrap">{t(`channel.${m.channel}`)}</td>
                      <td>
                        <button
                          type="button"
                          className="link-button"
                          aria-pressed={selected === m.id}
                          onClick={() => setSelected(m.id)}
                        >
                          {m.subject ?? m.template_id}
                        </button>
                        {m.journey_id && (
                          <div className="muted small mono">{`${m.journey_id} / ${m.step_id ?? ''}`}</div>
                        )}
                      </td>
                      <td>
                        <span className={`badge msg-${m.status}`}>
                          {t(`outbox.status.${m.status}` as MessageKey)}
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <div className="pager">
              <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                {t('common.prev')}
              </button>
              <span>{t('outbox.page', { page, pages, total: formatCount(list.total) })}</span>
              <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
                {t('common.next')}
              </button>
            </div>
          </section>
          {selected !== null && <MessageDetail id={selected} onClose={() => setSelected(null)} />}
        </div>
      )}
    </div>
  );
}

function MessageDetail({ id, onClose }: { id: number; onClose: () => void }) {
  const { t, language } = useI18n();
  const [message, setMessage] = useState<OutboxMessageDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setMessage(null);
    api.outboxMessage(id).then(
      (r) => {
        setMessage(r.message);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, [id]);
  const html = message ? (message.preview_html ?? message.body_html) : null;
  return (
    <section className="card message-detail" data-testid="outbox-detail" aria-label={t('outbox.detail')}>
      <div className="detail-head">
        <h2>{t('outbox.detail')}</h2>
        <button type="button" className="link-button" onClick={onClose}>
          {t('outbox.close')}
        </button>
      </div>
      {error && <p className="error">{error}</p>}
      {!message && !error && <p className="loading">{t('common.loading')}</p>}
      {message && (
        <>
          <dl className="facts">
            <dt>{t('col.name')}</dt>
            <dd>
              <Link to={`/customers/${encodeURIComponent(message.customer_id)}`}>
                {message.customer_name ?? message.customer_id}
              </Link>
            </dd>
            <dt>{t('outbox.col.channel')}</dt>
            <dd>{t(`channel.${message.channel}`)}</dd>
            <dt>{t('outbox.to')}</dt>
            <dd>{message.to_address ?? '—'}</dd>
            <dt>{t('outbox.col.status')}</dt>
            <dd data-testid="detail-status">
              <span className={`badge msg-${message.status}`}>
                {t(`outbox.status.${message.status}` as MessageKey)}
              </span>
              <div data-testid="detail-reason">
                {statusExplanation(message.status, message.status_reason, t)}
              </div>
            </dd>
            <dt>{t('outbox.col.created')}</dt>
            <dd>{formatDate(message.created_at, language)}</dd>
            {message.sent_at && (
              <>
                <dt>{t('outbox.sentAt')}</dt>
                <dd>{formatDate(message.sent_at, language)}</dd>
              </>
            )}
            {message.journey_id && (
              <>
                <dt>{t('outbox.journey')}</dt>
                <dd>
                  <Link to={`/journeys/${encodeURIComponent(message.journey_id)}`}>{message.journey_id}</Link>{' '}
                  <span className="muted mono">{message.step_id}</span>
                </dd>
              </>
            )}
            <dt>{t('outbox.template')}</dt>
            <dd className="mono">{message.template_id}</dd>
            {message.coupon_code && (
              <>
                <dt>{t('outbox.coupon')}</dt>
                <dd>
                  <span className="mono">{message.coupon_code}</span>
                  {message.coupon_expires &&
                    ` ・ ${t('outbox.couponUntil', { date: formatDate(message.coupon_expires, language) })}`}
                </dd>
              </>
            )}
          </dl>
          {message.subject && (
            <p>
              {t('templates.col.subject')}: <strong data-testid="detail-subject">{message.subject}</strong>
            </p>
          )}
          <pre className="message-text" data-testid="detail-text">
            {message.body_text}
          </pre>
          {html && <HtmlPreview html={html} title={t('templates.htmlPreview')} />}
          <h3>{t('outbox.events')}</h3>
          {message.events.length === 0 ? (
            <p className="muted">{t('outbox.noEvents')}</p>
          ) : (
            <ul className="plain" data-testid="detail-events">
              {message.events.map((e) => (
                <li key={`${e.type}:${e.occurred_at}`}>
                  {formatDate(e.occurred_at, language)} {eventLabel(e.type, t)}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

const EVENT_TYPES = ['email_open', 'email_click', 'unsubscribe', 'email_bounce', 'sms_click', 'web_visit'];
function eventLabel(type: string, t: Translate): string {
  return EVENT_TYPES.includes(type) ? t(`outbox.event.${type}` as MessageKey) : type;
}
