import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError, type ApiToken, api } from '../api';
import { formatDate } from '../format';
import { useI18n } from '../i18n';

const SCOPES = ['ingest', 'read'] as const;

/** Settings → API tokens: create (the secret is shown once), list, revoke. Admins only. */
export function TokensScreen() {
  const { t, language } = useI18n();
  const [tokens, setTokens] = useState<ApiToken[]>([]);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['ingest']);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    api.tokens().then(
      (r) => setTokens(r.items),
      (e: Error) => setError(e.message),
    );
  }, []);
  useEffect(load, [load]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const created = await api.createToken(name, scopes);
      setSecret(created.token);
      setName('');
      load();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const revoke = async (id: number) => {
    await api.revokeToken(id).catch((e: Error) => setError(e.message));
    load();
  };

  return (
    <div className="screen">
      <h1>{t('tokens.title')}</h1>
      {secret && (
        <p className="notice" data-testid="token-secret">
          {t('tokens.secretOnce')} <code className="mono">{secret}</code>
        </p>
      )}
      {error && <p className="error">{error}</p>}
      <table className="table">
        <thead>
          <tr>
            <th>{t('tokens.name')}</th>
            <th>{t('tokens.scopes')}</th>
            <th>{t('col.created_at')}</th>
            <th>{t('tokens.lastUsed')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => (
            <tr key={token.id} className={token.revoked_at ? 'disabled' : ''}>
              <td>{token.name}</td>
              <td>{token.scopes.join(', ')}</td>
              <td>{formatDate(token.created_at, language)}</td>
              <td>{formatDate(token.last_used_at, language)}</td>
              <td>
                {token.revoked_at ? (
                  t('tokens.revoked')
                ) : (
                  <button type="button" onClick={() => revoke(token.id)}>
                    {t('tokens.revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="card form" onSubmit={create}>
        <h2>{t('tokens.new')}</h2>
        <label>
          {t('tokens.name')}
          <input
            name="token-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={100}
          />
        </label>
        <fieldset className="scopes">
          <legend>{t('tokens.scopes')}</legend>
          {SCOPES.map((scope) => (
            <label key={scope}>
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(e) =>
                  setScopes((s) => (e.target.checked ? [...s, scope] : s.filter((x) => x !== scope)))
                }
              />
              {scope}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary" disabled={scopes.length === 0}>
          {t('tokens.create')}
        </button>
      </form>
    </div>
  );
}
