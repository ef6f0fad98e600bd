/**
 * Message templates: the shipped keigo templates by channel and language, and the ones a
 * marketer changed; the editor (subject for email, the body with a palette that inserts
 * {{placeholders}}) with a live preview rendered by the server for a real customer, the length
 * warnings it returns, and the email's HTML in a sandboxed frame where nothing can run.
 */
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import {
  MESSAGE_CHANNELS,
  type MessageTemplate,
  PLACEHOLDERS,
  type RenderedMessage,
  type TemplateDetail,
  type TemplateSummary,
} from '../actTypes';
import { ApiError, api, type CustomerListItem, type User } from '../api';
import { formatDate } from '../format';
import { type MessageKey, useI18n } from '../i18n';
import { Link } from '../router';

const PREVIEW_DELAY_MS = 400;
const NOT_FOUND = Symbol('not found');
const canEdit = (user: User) => user.role === 'admin' || user.role === 'marketer';

export function TemplatesScreen({ user, id, locale }: { user: User; id?: string; locale?: string }) {
  return id && locale ? <TemplateEditor user={user} id={id} locale={locale} /> : <TemplateList />;
}

function TemplateList() {
  const { t, language } = useI18n();
  const [templates, setTemplates] = useState<TemplateSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [channel, setChannel] = useState('');
  const [locale, setLocale] = useState('');
  useEffect(() => {
    api.templates().then(
      (r) => setTemplates(r.templates),
      (e: Error) => setError(e.message),
    );
  }, []);
  const shown = (templates ?? []).filter(
    (tpl) => (!channel || tpl.channel === channel) && (!locale || tpl.locale === locale),
  );
  return (
    <div className="screen">
      <h1>{t('templates.title')}</h1>
      <p className="muted">{t('templates.intro')}</p>
      <div className="filters">
        <label className="filter">
          {t('outbox.filter.channel')}
          <select name="channel" value={channel} onChange={(e) => setChannel(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {MESSAGE_CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`channel.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="filter">
          {t('templates.locale')}
          <select name="locale" value={locale} onChange={(e) => setLocale(e.target.value)}>
            <option value="">{t('common.all')}</option>
            <option value="ja">{t('templates.locale.ja')}</option>
            <option value="en">{t('templates.locale.en')}</option>
          </select>
        </label>
      </div>
      {error && <p className="error">{error}</p>}
      {templates === null && !error && <p className="loading">{t('common.loading')}</p>}
      {templates && (
        <table className="table" data-testid="template-list">
          <thead>
            <tr>
              <th>{t('templates.col.name')}</th>
              <th>{t('outbox.col.channel')}</th>
              <th>{t('templates.locale')}</th>
              <th>{t('templates.col.subject')}</th>
              <th>{t('templates.col.state')}</th>
              <th>{t('journeys.col.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((tpl) => (
              <tr
                key={`${tpl.id}:${tpl.locale}`}
                data-testid="template-row"
                data-template-id={tpl.id}
                data-locale={tpl.locale}
              >
                <td>
                  <Link to={`/templates/${encodeURIComponent(tpl.id)}/${tpl.locale}`}>{tpl.name}</Link>
                  <div className="muted small mono">{tpl.id}</div>
                </td>
                <td>{t(`channel.${tpl.channel}`)}</td>
                <td>{t(`templates.locale.${tpl.locale}`)}</td>
                <td>{tpl.subject ?? '—'}</td>
                <td>
                  {tpl.customised ? (
                    <span className="badge warn">{t('templates.customised')}</span>
                  ) : (
                    <span className="badge">{t('templates.shipped')}</span>
                  )}
                </td>
                <td className="muted">{tpl.customised ? formatDate(tpl.updated_at, language) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function TemplateEditor({ user, id, locale }: { user: User; id: string; locale: string }) {
  const { t, language } = useI18n();
  const [shipped, setShipped] = useState<MessageTemplate | null>(null);
  const [stored, setStored] = useState<Omit<TemplateDetail, 'template' | 'shipped'>>({});
  const [saved, setSaved] = useState<MessageTemplate | null>(null);
  const [draft, setDraft] = useState<MessageTemplate | null>(null);
  const [error, setError] = useState<string | typeof NOT_FOUND | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [issues, setIssues] = useState<{ field: string; message: string }[]>([]);
  const [customer, setCustomer] = useState<{ id: string; name: string } | null>(null);
  const body = useRef<HTMLTextAreaElement>(null);
  const subject = useRef<HTMLInputElement>(null);
  const lastField = useRef<'body' | 'subject'>('body');
  const editable = canEdit(user);

  useEffect(() => {
    api.template(id, locale).then(
      (r) => {
        setSaved(r.template);
        setDraft(r.template);
        setShipped(r.shipped);
        setStored(r);
      },
      (e: Error) => setError(e instanceof ApiError && e.status === 404 ? NOT_FOUND : e.message),
    );
    api.customers(new URLSearchParams({ page_size: '1' })).then(
      (r) => {
        const first = r.items[0];
        if (first) setCustomer((current) => current ?? { id: first.customer_id, name: first.name });
      },
      () => undefined,
    );
  }, [id, locale]);

  if (error) return <p className="error">{error === NOT_FOUND ? t('templates.notFound') : error}</p>;
  if (!draft || !saved) return <p className="loading">{t('common.loading')}</p>;

  const insert = (placeholder: string) => {
    const token = `{{${placeholder}}}`;
    const field = lastField.current === 'subject' && draft.channel === 'email' ? 'subject' : 'body';
    const element = field === 'subject' ? subject.current : body.current;
    const value = (field === 'subject' ? draft.subject : draft.body) ?? '';
    const start = element?.selectionStart ?? value.length;
    const end = element?.selectionEnd ?? value.length;
    const next = value.slice(0, start) + token + value.slice(end);
    setDraft({ ...draft, [field]: next });
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const result = await api.saveTemplate(draft);
      setSaved(result.template);
      setStored(result);
      setDraft(result.template);
      setIssues([]);
      setMessage({ ok: true, text: t('templates.saved') });
    } catch (e) {
      setIssues(e instanceof ApiError ? e.issues : []);
      setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
    }
  };
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);

  return (
    <div className="screen">
      <p>
        <Link to="/templates">{t('templates.back')}</Link>
      </p>
      <h1>
        {draft.name}
        <span className="badge">{t(`channel.${draft.channel}`)}</span>
        <span className="badge">{t(`templates.locale.${draft.locale}` as MessageKey)}</span>
      </h1>
      <p className="muted">
        <span className="mono">{draft.id}</span> ・{' '}
        <span data-testid="template-version">
          {stored.version
            ? t('templates.version', {
                version: stored.version,
                date: formatDate(stored.updated_at, language),
                by: stored.updated_by?.replace(/^user:/, '') ?? '—',
              })
            : t('templates.shippedVersion')}
        </span>
      </p>
      {message && (
        <p
          className={message.ok ? 'ok' : 'error'}
          role={message.ok ? 'status' : 'alert'}
          data-testid="template-message"
        >
          {message.text}
        </p>
      )}
      <div className="grid-2">
        <form className="card form" style={{ maxWidth: 'none', marginTop: 0 }} onSubmit={save}>
          <label>
            {t('templates.col.name')}
            <input
              name="name"
              value={draft.name}
              readOnly={!editable}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            />
          </label>
          {draft.channel === 'email' && (
            <label>
              {t('templates.col.subject')}
              <input
                ref={subject}
                name="subject"
                value={draft.subject ?? ''}
                readOnly={!editable}
                onFocus={() => {
                  lastField.current = 'subject';
                }}
                onChange={(e) => setDraft({ ...draft, subject: e.target.value })}
              />
            </label>
          )}
          <label>
            {t('templates.body')}
            <textarea
              ref={body}
              name="body"
              rows={16}
              value={draft.body}
              readOnly={!editable}
              onFocus={() => {
                lastField.current = 'body';
              }}
              onChange={(e) => setDraft({ ...draft, body: e.target.value })}
            />
          </label>
          {editable && (
            <fieldset className="palette" aria-label={t('templates.palette')}>
              <legend>{t('templates.palette')}</legend>
              {PLACEHOLDERS.map((p) => (
                <button
                  key={p}
                  type="button"
                  className="chip"
                  title={t(`placeholder.${p}` as MessageKey)}
                  onClick={() => insert(p)}
                >
                  {t(`placeholder.${p}` as MessageKey)}
                  <span className="mono small"> {`{{${p}}}`}</span>
                </button>
              ))}
            </fieldset>
          )}
          {typeof draft.coupon_days === 'number' && (
            <label>
              {t('templates.couponDays')}
              <input
                name="coupon_days"
                type="number"
                min={1}
                max={365}
                value={draft.coupon_days}
                readOnly={!editable}
                onChange={(e) => setDraft({ ...draft, coupon_days: Number(e.target.value) })}
              />
            </label>
          )}
          {issues.length > 0 && (
            <ul className="plain issues" data-testid="template-issues">
              {issues.map((i) => (
                <li key={`${i.field}:${i.message}`} className="error">
                  <code className="issue-path">{i.field.replace(/^body\./, '')}</code> {i.message}
                </li>
              ))}
            </ul>
          )}
          {editable && (
            <div className="actions">
              <button type="submit" className="button" disabled={!dirty}>
                {t('common.save')}
              </button>
              {shipped && (
                <button type="button" className="link-button" onClick={() => setDraft({ ...shipped })}>
                  {t('templates.restoreShipped')}
                </button>
              )}
            </div>
          )}
        </form>
        <Preview template={draft} customer={customer} onCustomer={setCustomer} />
      </div>
    </div>
  );
}

function CustomerPicker({ onPick }: { onPick: (c: { id: string; name: string }) => void }) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<CustomerListItem[]>([]);
  useEffect(() => {
    const q = query.trim();
    if (q === '') return setFound([]);
    const timer = window.setTimeout(() => {
      api.customers(new URLSearchParams({ q, page_size: '8' })).then(
        (r) => setFound(r.items),
        () => setFound([]),
      );
    }, 250);
    return () => window.clearTimeout(timer);
  }, [query]);
  return (
    <div className="customer-picker">
      <label className="filter">
        {t('templates.pickCustomer')}
        <input
          type="search"
          name="preview-customer"
          value={query}
          placeholder={t('customers.searchPlaceholder')}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            const first = found[0];
            if (e.key === 'Enter' && first) {
              e.preventDefault();
              onPick({ id: first.customer_id, name: first.name });
              setQuery('');
            }
          }}
        />
      </label>
      {found.length > 0 && (
        <ul className="plain picker-results" aria-label={t('templates.pickCustomer')}>
          {found.map((c) => (
            <li key={c.customer_id}>
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  onPick({ id: c.customer_id, name: c.name });
                  setQuery('');
                }}
              >
                {c.name} <span className="muted mono">{c.customer_id}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Preview({
  template,
  customer,
  onCustomer,
}: {
  template: MessageTemplate;
  customer: { id: string; name: string } | null;
  onCustomer: (c: { id: string; name: string }) => void;
}) {
  const { t, language } = useI18n();
  const [rendered, setRendered] = useState<RenderedMessage | null>(null);
  const [error, setError] = useState<string[] | null>(null);
  const latest = useRef(0);
  const key = useMemo(() => JSON.stringify(template), [template]);
  const fieldLabel = (field: string) => {
    const name = field.replace(/^body\.(template\.)?/, '');
    if (name === 'body') return t('templates.body');
    if (name === 'subject') return t('templates.col.subject');
    return name;
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: key stands for the template's content
  useEffect(() => {
    if (!customer) return;
    const request = ++latest.current;
    const timer = window.setTimeout(() => {
      api.previewTemplate(template, customer.id).then(
        (r) => {
          if (request !== latest.current) return;
          setRendered(r);
          setError(null);
        },
        (e: unknown) => {
          if (request !== latest.current) return;
          // A preview of an earlier text next to this text's problems would mislead.
          setRendered(null);
          setError(
            e instanceof ApiError && e.issues.length > 0
              ? e.issues.map((i) => `${fieldLabel(i.field)}: ${i.message}`)
              : [e instanceof Error ? e.message : String(e)],
          );
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [key, customer]);

  return (
    <section className="card" data-testid="template-preview" aria-live="polite">
      <h2>{t('templates.preview')}</h2>
      <p>
        {customer ? (
          <>
            {t('templates.previewFor')}: <strong data-testid="preview-customer">{customer.name}</strong>{' '}
            <span className="muted mono">{customer.id}</span>
          </>
        ) : (
          <span className="muted">{t('templates.noCustomer')}</span>
        )}
      </p>
      <CustomerPicker onPick={onCustomer} />
      {error && (
        <ul className="plain issues error" role="alert" data-testid="preview-error">
          {error.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      {rendered && (
        <>
          {rendered.warnings.length > 0 && (
            <ul className="plain warnings" data-testid="preview-warnings">
              {rendered.warnings.map((w) => (
                <li key={w.code} className="notice" data-code={w.code}>
                  {w.message[language]}
                </li>
              ))}
            </ul>
          )}
          {rendered.subject !== null && (
            <p>
              {t('templates.col.subject')}: <strong data-testid="preview-subject">{rendered.subject}</strong>
            </p>
          )}
          <pre className="message-text" data-testid="preview-text">
            {rendered.text}
          </pre>
          {rendered.channel === 'sms' && (
            <p className="muted small">{t('templates.smsLength', { n: [...rendered.text].length })}</p>
          )}
          {rendered.html && <HtmlPreview html={rendered.html} title={t('templates.htmlPreview')} />}
        </>
      )}
    </section>
  );
}

/** The email's HTML with scripts, forms and navigation all off (`sandbox=""`). */
export function HtmlPreview({ html, title }: { html: string; title: string }) {
  return (
    <>
      <h3>{title}</h3>
      <iframe className="html-preview" title={title} sandbox="" srcDoc={html} data-testid="html-preview" />
    </>
  );
}
