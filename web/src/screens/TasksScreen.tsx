/**
 * The sales rep's work: calls and visits by priority, each with the customer's story (last
 * purchase, why they went quiet and the evidence, what to offer), the talk script, one-click
 * outcome buttons and the next contact day; and a map-free visiting order for a day.
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import {
  ApiError,
  api,
  type Facets,
  type Task,
  type TaskKind,
  type TaskOutcome,
  type User,
  type VisitRoute,
} from '../api';
import { formatDate } from '../format';
import { type MessageKey, useI18n } from '../i18n';
import { Link } from '../router';

/** Today in Japan, 'YYYY-MM-DD'. */
export function japanToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date());
}

const CHANNELS = ['visit', 'phone', 'dm', 'email', 'sms'];

/** Outcomes that make sense for each kind of task, in button order. */
const OUTCOMES_BY_KIND: Record<TaskKind, readonly TaskOutcome[]> = {
  call: [
    'connected',
    'no_answer',
    'callback_requested',
    'appointment',
    'won_back',
    'not_interested',
    'wrong_contact',
    'do_not_contact',
  ],
  visit: ['visited', 'appointment', 'won_back', 'not_interested', 'no_answer', 'do_not_contact'],
};

export function TasksScreen({ user }: { user: User }) {
  const { t } = useI18n();
  const [tab, setTab] = useState<'list' | 'route'>('list');
  return (
    <div className="screen">
      <h1>{t('tasks.title')}</h1>
      <div className="tabs" role="tablist">
        {(['list', 'route'] as const).map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            className={tab === name ? 'tab active' : 'tab'}
            onClick={() => setTab(name)}
          >
            {t(name === 'list' ? 'tasks.tab.list' : 'tasks.tab.route')}
          </button>
        ))}
      </div>
      {tab === 'list' ? <TaskList user={user} /> : <RoutePanel user={user} />}
    </div>
  );
}

function TaskList({ user }: { user: User }) {
  const { t } = useI18n();
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [facets, setFacets] = useState<Facets | null>(null);
  const [filters, setFilters] = useState({ kind: '', status: 'open', owner: '' });
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const isManager = user.role === 'admin' || user.role === 'marketer';

  const load = useCallback(() => {
    const query = new URLSearchParams();
    if (filters.kind) query.set('kind', filters.kind);
    query.set('status', filters.status);
    if (filters.owner) query.set('owner', filters.owner);
    api.tasks(query).then(
      (r) => setTasks(r.items),
      (e: Error) => setMessage({ ok: false, text: e.message }),
    );
  }, [filters]);
  useEffect(load, [load]);
  useEffect(() => {
    if (user.role !== 'sales_rep') api.facets().then(setFacets, () => setFacets(null));
  }, [user.role]);

  const generate = async () => {
    try {
      const summary = await api.generateTasks();
      setMessage({
        ok: true,
        text: t('tasks.generated', { created: summary.created, already: summary.already_open }),
      });
      load();
    } catch (e) {
      setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
    }
  };

  return (
    <>
      <div className="filters">
        <label className="filter">
          {t('tasks.filter.kind')}
          <select
            name="kind"
            value={filters.kind}
            onChange={(e) => setFilters({ ...filters, kind: e.target.value })}
          >
            <option value="">{t('common.all')}</option>
            <option value="call">{t('tasks.kind.call')}</option>
            <option value="visit">{t('tasks.kind.visit')}</option>
          </select>
        </label>
        <label className="filter">
          {t('tasks.filter.status')}
          <select
            name="status"
            value={filters.status}
            onChange={(e) => setFilters({ ...filters, status: e.target.value })}
          >
            {(['open', 'done', 'cancelled', 'all'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`tasks.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        {facets && (
          <label className="filter">
            {t('tasks.filter.owner')}
            <select
              name="owner"
              value={filters.owner}
              onChange={(e) => setFilters({ ...filters, owner: e.target.value })}
            >
              <option value="">{t('common.all')}</option>
              {facets.owners.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          </label>
        )}
        {isManager && (
          <button type="button" className="button" onClick={generate}>
            {t('tasks.generate')}
          </button>
        )}
      </div>
      {message && (
        <p
          className={message.ok ? 'ok' : 'error'}
          role={message.ok ? 'status' : 'alert'}
          data-testid="tasks-message"
        >
          {message.text}
        </p>
      )}
      {tasks === null ? (
        <p className="loading">{t('common.loading')}</p>
      ) : tasks.length === 0 ? (
        <p className="muted">{t('tasks.empty')}</p>
      ) : (
        <>
          <p className="muted">{t('tasks.count', { count: tasks.length })}</p>
          <div className="task-list" data-testid="task-list">
            {tasks.map((task) => (
              <TaskCard
                key={task.id}
                task={task}
                canLog={user.role !== 'viewer'}
                onLogged={(text) => {
                  setMessage({ ok: true, text });
                  load();
                }}
              />
            ))}
          </div>
        </>
      )}
    </>
  );
}

function TaskCard({
  task,
  canLog,
  onLogged,
}: {
  task: Task;
  canLog: boolean;
  onLogged: (message: string) => void;
}) {
  const { t, label, language } = useI18n();
  const [note, setNote] = useState('');
  const [followUpOn, setFollowUpOn] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const script = task.script?.[language] ?? null;
  const context = task.context;

  const log = async (outcome: TaskOutcome) => {
    setBusy(true);
    setError(null);
    try {
      const result = await api.logOutcome(task.id, {
        outcome,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(followUpOn ? { follow_up_on: followUpOn } : {}),
      });
      const next = result.followUp;
      onLogged(
        next
          ? t('tasks.loggedFollowUp', {
              date: formatDate(next.due_on, language),
              kind: t(`tasks.kind.${next.kind}`),
            })
          : t('tasks.logged'),
      );
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: FormEvent) => event.preventDefault();

  return (
    <article
      className="card task"
      data-testid="task"
      data-task-id={task.id}
      data-customer-id={task.customer_id}
      data-status={task.status}
    >
      <header className="task-head">
        <span className={`badge kind-${task.kind}`}>{t(`tasks.kind.${task.kind}`)}</span>
        {task.customer.rank && <span className="badge">{task.customer.rank}</span>}
        <h2>
          <Link to={`/customers/${encodeURIComponent(task.customer_id)}`}>{task.customer_name}</Link>
        </h2>
        {task.follow_up_of !== null && <span className="badge warn">{t('tasks.followUpBadge')}</span>}
        <span className="task-meta">
          {t('tasks.due')}: <strong data-testid="task-due">{formatDate(task.due_on, language)}</strong> ・{' '}
          {t('tasks.priority')}: {task.priority}
          {task.owner ? ` ・ ${task.owner}` : ''}
        </span>
      </header>
      <div className="grid-2">
        <dl className="facts">
          <dt>{t('tasks.lastPurchase')}</dt>
          <dd>
            {context?.last_purchase_day
              ? t('tasks.lastPurchaseValue', {
                  date: formatDate(context.last_purchase_day, language),
                  product: context.last_product ?? '—',
                  months: context.months_since ?? '—',
                })
              : '—'}
          </dd>
          <dt>{t('tasks.why')}</dt>
          <dd>
            {label('reason', task.reason_category)}
            {context && context.evidence.length > 0 && (
              <ul className="plain evidence" aria-label={t('tasks.evidence')}>
                {context.evidence.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            )}
          </dd>
          <dt>{t('tasks.offer')}</dt>
          <dd data-testid="task-offer">{script?.offer ?? '—'}</dd>
          <dt>{t('tasks.channels')}</dt>
          <dd>
            {(task.customer.recommended_channels ?? [])
              .map((c) => (CHANNELS.includes(c) ? t(`channel.${c}` as MessageKey) : c))
              .join(' → ') || '—'}
          </dd>
          {task.customer.phone && (
            <>
              <dt>{t('customer.phone')}</dt>
              <dd>{task.customer.phone}</dd>
            </>
          )}
        </dl>
        {script && (
          <section className="script" aria-label={t('tasks.script')}>
            <h3>{t('tasks.script')}</h3>
            <ol className="script-lines">
              {script.lines.map((line) => (
                <li key={line.step}>
                  <span className="script-step">{t(`tasks.step.${line.step}`)}</span>
                  {line.text}
                </li>
              ))}
            </ol>
            {script.notes.length > 0 && (
              <div className="script-notes">
                <strong>{t('tasks.notes')}</strong>
                <ul className="plain">
                  {script.notes.map((n) => (
                    <li key={n}>{n}</li>
                  ))}
                </ul>
              </div>
            )}
          </section>
        )}
      </div>
      {task.status === 'open' && canLog ? (
        <form className="outcome" onSubmit={submit} aria-label={t('tasks.outcomeTitle')}>
          <div className="outcome-fields">
            <label>
              {t('tasks.note')}
              <input name="note" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
            </label>
            <label>
              {t('tasks.followUpOn')}
              <input
                name="follow_up_on"
                type="date"
                value={followUpOn}
                min={japanToday()}
                onChange={(e) => setFollowUpOn(e.target.value)}
              />
            </label>
          </div>
          <div className="outcome-buttons">
            {OUTCOMES_BY_KIND[task.kind].map((outcome) => (
              <button
                key={outcome}
                type="button"
                className={`button outcome-${outcome}`}
                disabled={busy}
                onClick={() => log(outcome)}
              >
                {t(`outcome.${outcome}`)}
              </button>
            ))}
          </div>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
        </form>
      ) : (
        task.outcome && (
          <p className="muted" data-testid="task-outcome">
            {t('tasks.outcomeWas', {
              outcome: t(`outcome.${task.outcome}`),
              by: task.logged_by?.replace(/^user:/, '') ?? '—',
              date: formatDate(task.logged_at, language),
            })}
            {task.note ? ` — ${task.note}` : ''}
          </p>
        )
      )}
    </article>
  );
}

function RoutePanel({ user }: { user: User }) {
  const { t, language } = useI18n();
  const [date, setDate] = useState(japanToday);
  const [base, setBase] = useState('');
  const [owner, setOwner] = useState('');
  const [route, setRoute] = useState<VisitRoute | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    (event?: FormEvent) => {
      event?.preventDefault();
      const query = new URLSearchParams({ date });
      if (base.trim()) query.set('base_prefecture', base.trim());
      if (owner.trim()) query.set('owner', owner.trim());
      api.visitRoute(query).then(
        (r) => {
          setRoute(r);
          setError(null);
        },
        (e: Error) => setError(e.message),
      );
    },
    [date, base, owner],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: load once on open; the form reloads
  useEffect(() => load(), []);

  return (
    <section className="card" data-testid="visit-route">
      <form className="filters" onSubmit={load}>
        <label className="filter">
          {t('tasks.route.date')}
          <input name="route-date" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
        </label>
        <label className="filter">
          {t('tasks.route.base')}
          <input name="base" value={base} placeholder="東京都" onChange={(e) => setBase(e.target.value)} />
        </label>
        {user.role !== 'sales_rep' && (
          <label className="filter">
            {t('tasks.filter.owner')}
            <input name="route-owner" value={owner} onChange={(e) => setOwner(e.target.value)} />
          </label>
        )}
        <button type="submit" className="button">
          {t('tasks.route.show')}
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {route &&
        (route.stops.length === 0 && route.unplaced.length === 0 ? (
          <p className="muted">{t('tasks.route.empty')}</p>
        ) : (
          <>
            <p>
              {route.base?.prefecture ? `${route.base.prefecture} → ` : ''}
              {t('tasks.route.total', { km: route.total_km, nn: route.nearest_neighbour_km })}
            </p>
            <ol className="route" data-testid="route-stops">
              {route.stops.map((stop) => (
                <li key={stop.task.id}>
                  <strong>
                    <Link to={`/customers/${encodeURIComponent(stop.task.customer_id)}`}>
                      {stop.task.customer_name}
                    </Link>
                  </strong>{' '}
                  {stop.task.customer.prefecture ?? ''} {stop.task.customer.address ?? ''}
                  <span className="muted">
                    {' '}
                    ・ {t('tasks.route.leg', { km: stop.leg_km })}
                    {stop.placed_by === 'prefecture' ? `（${t('tasks.route.byPrefecture')}）` : ''} ・{' '}
                    {t('tasks.due')} {formatDate(stop.task.due_on, language)}
                  </span>
                </li>
              ))}
            </ol>
            {route.unplaced.length > 0 && (
              <>
                <h3>{t('tasks.route.unplaced')}</h3>
                <ul className="plain">
                  {route.unplaced.map((task) => (
                    <li key={task.id}>{task.customer_name}</li>
                  ))}
                </ul>
              </>
            )}
          </>
        ))}
    </section>
  );
}
