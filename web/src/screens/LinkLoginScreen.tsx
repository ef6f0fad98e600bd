import { useEffect, useRef, useState } from 'react';
import { api, type Session } from '../api';
import { useI18n } from '../i18n';
import { navigate } from '../router';

/** /login/link#TOKEN: the token stays in the fragment, so it never reaches server logs. */
export function LinkLoginScreen({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const { t } = useI18n();
  const [failed, setFailed] = useState<string | null>(null);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return; // the link works once: never send it twice (StrictMode)
    started.current = true;
    const token = location.hash.replace(/^#/, '');
    if (!token) {
      setFailed(t('login.link.missing'));
      return;
    }
    api.linkLogin(token).then(
      (session) => {
        onSignedIn(session);
        navigate('/', true);
      },
      () => setFailed(t('login.link.failed')),
    );
  }, [onSignedIn, t]);

  return (
    <div className="login-page">
      <div className="card login-card">
        <h1>{t('app.name')}</h1>
        <h2>{t('login.link.title')}</h2>
        {failed ? (
          <p className="error" role="alert">
            {failed}
          </p>
        ) : (
          <p>{t('login.link.working')}</p>
        )}
      </div>
    </div>
  );
}
