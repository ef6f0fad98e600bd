import { type ReactElement, useCallback, useEffect, useState } from 'react';
import { ApiError, api, type Session, setCsrfToken } from './api';
import { Layout } from './components/Layout';
import { I18nProvider, useI18n } from './i18n';
import { navigate, useLocation } from './router';
import { CustomerScreen } from './screens/CustomerScreen';
import { CustomersScreen } from './screens/CustomersScreen';
import { DashboardScreen } from './screens/DashboardScreen';
import { ChannelSettingsScreen } from './screens/ChannelSettingsScreen';
import { DefinitionSettingsScreen } from './screens/DefinitionSettingsScreen';
import { ImportScreen } from './screens/ImportScreen';
import { JourneyScreen } from './screens/JourneyScreen';
import { JourneysScreen } from './screens/JourneysScreen';
import { LinkLoginScreen } from './screens/LinkLoginScreen';
import { LoginScreen } from './screens/LoginScreen';
import { NewlyDormantScreen } from './screens/NewlyDormantScreen';
import { OutboxScreen } from './screens/OutboxScreen';
import { ReasonsReportScreen } from './screens/ReasonsReportScreen';
import { ScoringSettingsScreen } from './screens/ScoringSettingsScreen';
import { SegmentsScreen } from './screens/SegmentsScreen';
import { TasksScreen } from './screens/TasksScreen';
import { TemplatesScreen } from './screens/TemplatesScreen';
import { TokensScreen } from './screens/TokensScreen';
import { UsersScreen } from './screens/UsersScreen';

export function App() {
  return (
    <I18nProvider>
      <Shell />
    </I18nProvider>
  );
}

function Shell() {
  const { t } = useI18n();
  const { path } = useLocation();
  const [session, setSession] = useState<Session | null | undefined>(undefined);

  const signedIn = useCallback((next: Session | null) => {
    setCsrfToken(next?.csrfToken ?? null);
    setSession(next);
  }, []);

  useEffect(() => {
    // A one-time link signs in by itself; asking "who am I" in parallel would race it.
    if (location.pathname === '/login/link') return;
    api.me().then(signedIn, (error: unknown) => {
      if (!(error instanceof ApiError && error.status === 401)) console.error(error);
      signedIn(null);
    });
  }, [signedIn]);

  if (path === '/login/link') return <LinkLoginScreen onSignedIn={signedIn} />;
  if (session === undefined) return <p className="loading">{t('common.loading')}</p>;
  if (session === null) return <LoginScreen onSignedIn={signedIn} />;

  const logout = async () => {
    await api.logout().catch(() => undefined);
    signedIn(null);
    navigate('/');
  };
  const { user } = session;
  const customerMatch = /^\/customers\/(.+)$/.exec(path);
  const segmentMatch = /^\/segments\/(\d+)$/.exec(path);
  const journeyMatch = /^\/journeys\/([^/]+)$/.exec(path);
  const templateMatch = /^\/templates\/([^/]+)\/([^/]+)$/.exec(path);
  const isRep = user.role === 'sales_rep';
  let screen: ReactElement;
  if (customerMatch?.[1]) screen = <CustomerScreen id={decodeURIComponent(customerMatch[1])} user={user} />;
  else if (path === '/customers') screen = <CustomersScreen />;
  else if (path === '/segments') screen = <SegmentsScreen key="list" user={user} />;
  else if (segmentMatch?.[1])
    screen = <SegmentsScreen key={segmentMatch[1]} user={user} id={Number(segmentMatch[1])} />;
  else if (path === '/import' && (user.role === 'admin' || user.role === 'marketer'))
    screen = <ImportScreen />;
  else if (path === '/tasks') screen = <TasksScreen user={user} />;
  else if (path === '/journeys' && !isRep) screen = <JourneysScreen user={user} />;
  else if (journeyMatch?.[1] && !isRep)
    screen = <JourneyScreen key={journeyMatch[1]} id={decodeURIComponent(journeyMatch[1])} user={user} />;
  else if (path === '/templates' && !isRep) screen = <TemplatesScreen key="list" user={user} />;
  else if (templateMatch?.[1] && templateMatch[2] && !isRep)
    screen = (
      <TemplatesScreen
        key={path}
        user={user}
        id={decodeURIComponent(templateMatch[1])}
        locale={decodeURIComponent(templateMatch[2])}
      />
    );
  else if (path === '/outbox') screen = <OutboxScreen user={user} />;
  else if (path === '/reports/reasons') screen = <ReasonsReportScreen />;
  else if (path === '/dashboard/newly-dormant') screen = <NewlyDormantScreen />;
  else if (path === '/settings/definition') screen = <DefinitionSettingsScreen user={user} />;
  else if (path === '/settings/scoring') screen = <ScoringSettingsScreen user={user} />;
  else if (path === '/settings/channels') screen = <ChannelSettingsScreen user={user} />;
  else if (path === '/settings/users' && user.role === 'admin') screen = <UsersScreen />;
  else if (path === '/settings/tokens' && user.role === 'admin') screen = <TokensScreen />;
  else screen = <DashboardScreen />;
  return (
    <Layout user={user} onLogout={logout}>
      {screen}
    </Layout>
  );
}
