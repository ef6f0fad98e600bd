import type { ReactNode } from 'react';
import type { User } from '../api';
import { useI18n } from '../i18n';
import { Link, useLocation } from '../router';

export function Layout({
  user,
  onLogout,
  children,
}: {
  user: User;
  onLogout: () => void;
  children: ReactNode;
}) {
  const { t, label, language, setLanguage } = useI18n();
  const { path } = useLocation();
  const canImport = user.role === 'admin' || user.role === 'marketer';
  const item = (to: string, text: string) => (
    <Link
      to={to}
      className={(to === '/' ? path === '/' : path.startsWith(to)) ? 'nav-item active' : 'nav-item'}
    >
      {text}
    </Link>
  );
  return (
    <div className="layout">
      <header className="topbar">
        <div className="brand">
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-tagline">{t('app.tagline')}</span>
        </div>
        <nav className="nav">
          {item('/', t('nav.dashboard'))}
          {item('/customers', t('nav.customers'))}
          {item('/segments', t('nav.segments'))}
          {item('/tasks', t('nav.tasks'))}
          {item('/reports/reasons', t('nav.reasons'))}
          {user.role !== 'sales_rep' && item('/journeys', t('nav.journeys'))}
          {user.role !== 'sales_rep' && item('/templates', t('nav.templates'))}
          {item('/outbox', t('nav.outbox'))}
          {canImport && item('/import', t('nav.import'))}
          {user.role !== 'sales_rep' && item('/settings/definition', t('nav.definition'))}
          {user.role !== 'sales_rep' && item('/settings/scoring', t('nav.scoring'))}
          {user.role !== 'sales_rep' && item('/settings/channels', t('nav.channels'))}
          {user.role === 'admin' && item('/settings/users', t('nav.users'))}
          {user.role === 'admin' && item('/settings/tokens', t('nav.tokens'))}
        </nav>
        <div className="account">
          <button
            type="button"
            className="link-button"
            onClick={() => setLanguage(language === 'ja' ? 'en' : 'ja')}
          >
            {t('nav.language')}
          </button>
          <span className="who">
            {user.display_name}（{label('role', user.role)}）
          </span>
          <button type="button" className="link-button" onClick={onLogout}>
            {t('nav.logout')}
          </button>
        </div>
      </header>
      <main className="content">{children}</main>
    </div>
  );
}
