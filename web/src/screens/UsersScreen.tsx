import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError, api, type Role, type User } from '../api';
import { formatDate } from '../format';
import { useI18n } from '../i18n';

const ROLES: Role[] = ['admin', 'marketer', 'sales_rep', 'viewer'];

export function UsersScreen() {
  const { t, label, language } = useI18n();
  const [users, setUsers] = useState<User[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [draft, setDraft] = useState({
    email: '',
    display_name: '',
    role: 'sales_rep' as Role,
    owner_key: '',
    password: '',
  });

  const load = useCallback(() => {
    api.users().then(
      (r) => setUsers(r.items),
      (e: Error) => setMessage({ ok: false, text: e.message }),
    );
  }, []);
  useEffect(load, [load]);

  const run = async (work: () => Promise<unknown>, ok?: string) => {
    try {
      await work();
      setMessage(ok ? { ok: true, text: ok } : null);
      load();
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? e.message : String(e) });
    }
  };

  const create = (event: FormEvent) => {
    event.preventDefault();
    run(async () => {
      await api.createUser({
        email: draft.email,
        display_name: draft.display_name,
        role: draft.role,
        owner_key: draft.owner_key || null,
        ...(draft.password ? { password: draft.password } : {}),
      });
      setDraft({ email: '', display_name: '', role: 'sales_rep', owner_key: '', password: '' });
    });
  };
  const issueLink = (user: User) =>
    run(async () => {
      const link = await api.loginLink(user.id);
      setMessage({ ok: true, text: t('users.linkIssued', { url: `${location.origin}${link.path}` }) });
    });

  return (
    <div className="screen">
      <h1>{t('users.title')}</h1>
      {message && (
        <p className={message.ok ? 'notice' : 'error'} role="status">
          {message.text}
        </p>
      )}
      <table className="table" data-testid="users">
        <thead>
          <tr>
            <th>{t('users.email')}</th>
            <th>{t('users.displayName')}</th>
            <th>{t('users.role')}</th>
            <th>{t('col.owner')}</th>
            <th>{t('col.created_at')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} className={u.disabled ? 'disabled' : ''}>
              <td>{u.email}</td>
              <td>{u.display_name}</td>
              <td>
                <select
                  value={u.role}
                  disabled={u.disabled}
                  onChange={(e) => run(() => api.updateUser(u.id, { role: e.target.value as Role }))}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {label('role', r)}
                    </option>
                  ))}
                </select>
              </td>
              <td>{u.owner_key ?? '—'}</td>
              <td>{formatDate(u.created_at, language)}</td>
              <td className="actions">
                {u.disabled ? (
                  t('users.disabled')
                ) : (
                  <>
                    <button type="button" onClick={() => issueLink(u)}>
                      {t('users.link')}
                    </button>
                    <button type="button" onClick={() => run(() => api.updateUser(u.id, { disabled: true }))}>
                      {t('users.disable')}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="card form" onSubmit={create}>
        <h2>{t('users.new')}</h2>
        <label>
          {t('users.email')}
          <input
            name="email"
            value={draft.email}
            onChange={(e) => setDraft({ ...draft, email: e.target.value })}
            required
          />
        </label>
        <label>
          {t('users.displayName')}
          <input
            name="display_name"
            value={draft.display_name}
            onChange={(e) => setDraft({ ...draft, display_name: e.target.value })}
            required
          />
        </label>
        <label>
          {t('users.role')}
          <select
            name="role"
            value={draft.role}
            onChange={(e) => setDraft({ ...draft, role: e.target.value as Role })}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {label('role', r)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('users.ownerKey')}
          <input
            name="owner_key"
            value={draft.owner_key}
            onChange={(e) => setDraft({ ...draft, owner_key: e.target.value })}
          />
        </label>
        <label>
          {t('users.password')}
          <input
            name="password"
            type="password"
            autoComplete="new-password"
            value={draft.password}
            onChange={(e) => setDraft({ ...draft, password: e.target.value })}
          />
        </label>
        <button type="submit" className="primary">
          {t('users.create')}
        </button>
      </form>
    </div>
  );
}
