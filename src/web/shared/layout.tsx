/**
 * The application shell shared by the dossier and the registry: skip link, page header (application
 * name, organisation, signed-in user, sign-out), navigation bar, main landmark and page footer.
 * It also owns the session: without one it shows the demo sign-in page instead of the app's routes.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { getSession, onUnauthorized, signOut as apiSignOut, type Problem, type User } from './api.js';
import {
  Alert,
  Button,
  Link,
  PageFooter,
  PageHeader,
  PageTitle,
  Paragraph,
  ProblemAlert,
  SkipLink,
} from './components.js';
import {
  AppContext,
  navItemsFor,
  SessionContext,
  useDocumentTitle,
  type AppInfo,
  type NavItem,
} from './context.js';
import { formatRole } from './format.js';
import { navigate, useLocation } from './router.js';
import { SignInPage } from './signin.js';
import { problemOf } from './useApi.js';

export { useApp, useDocumentTitle, useSession, type AppInfo, type NavItem } from './context.js';

type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; notice?: string }
  | { status: 'signed-in'; user: User }
  | { status: 'error'; problem: Problem };

export function AppShell({ app, children }: { app: AppInfo; children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ status: 'loading' });
  const [signOutProblem, setSignOutProblem] = useState<Problem | null>(null);

  const load = useCallback((signal?: AbortSignal) => {
    getSession(signal).then(
      (user) => setSession(user ? { status: 'signed-in', user } : { status: 'signed-out' }),
      (error: unknown) => {
        if (!signal?.aborted) setSession({ status: 'error', problem: problemOf(error) });
      },
    );
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  useEffect(
    () =>
      onUnauthorized(() =>
        setSession((current) =>
          current.status === 'signed-in'
            ? { status: 'signed-out', notice: 'Uw sessie is verlopen. Meld u opnieuw aan.' }
            : current,
        ),
      ),
    [],
  );

  const signOut = useCallback(async () => {
    setSignOutProblem(null);
    try {
      await apiSignOut();
      setSession({ status: 'signed-out', notice: 'U bent afgemeld.' });
      navigate('/');
    } catch (error) {
      setSignOutProblem(problemOf(error));
    }
  }, []);

  const user = session.status === 'signed-in' ? session.user : null;

  let content: ReactNode;
  if (session.status === 'loading') {
    content = (
      <Paragraph role="status" className="rvp-muted">
        Bezig met laden…
      </Paragraph>
    );
  } else if (session.status === 'error') {
    content = (
      <>
        <ProblemAlert problem={session.problem} />
        <Button purpose="secondary" onClick={() => load()}>
          Opnieuw proberen
        </Button>
      </>
    );
  } else if (session.status === 'signed-out') {
    content = (
      <SignInPage
        notice={session.notice}
        onSignedIn={(signedIn) => setSession({ status: 'signed-in', user: signedIn })}
      />
    );
  } else {
    content = (
      <SessionContext.Provider value={{ user: session.user, signOut }}>
        {signOutProblem ? <ProblemAlert problem={signOutProblem} /> : null}
        {children}
      </SessionContext.Provider>
    );
  }

  return (
    <AppContext.Provider value={app}>
      <SkipLink target="main">Direct naar de inhoud</SkipLink>
      <PageHeader className="rvp-page-header">
        <div className="utrecht-page-header__content rvp-container rvp-header">
          <div className="rvp-brand">
            <div className="rvp-brand__text">
              <a className="rvp-brand__name" href="#/">
                open-rvp <span className="rvp-brand__app">{app.name}</span>
              </a>
              <span className="rvp-brand__subtitle">{app.description}</span>
            </div>
          </div>
          {user ? <UserBlock user={user} onSignOut={signOut} /> : null}
        </div>
        <Navigation items={user ? navItemsFor(app.nav, user.role) : []} />
      </PageHeader>
      <main id="main" className="rvp-main" tabIndex={-1}>
        <div className="rvp-container">{content}</div>
      </main>
      <Footer app={app} />
    </AppContext.Provider>
  );
}

function UserBlock({ user, onSignOut }: { user: User; onSignOut: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  return (
    <div className="rvp-user" aria-label="Aangemelde gebruiker" role="group">
      <div className="rvp-user__text">
        <span className="rvp-user__organisation" data-testid="organisation">
          {user.organisation.name}
        </span>
        <span className="rvp-user__name" data-testid="user">
          {user.name} <span className="rvp-muted rvp-nowrap">({formatRole(user.role)})</span>
        </span>
      </div>
      <Button
        purpose="secondary"
        busy={busy}
        onClick={() => {
          if (busy) return;
          setBusy(true);
          void onSignOut().finally(() => setBusy(false));
        }}
      >
        Afmelden
      </Button>
    </div>
  );
}

function Navigation({ items }: { items: NavItem[] }) {
  const location = useLocation();
  return (
    <nav className="rvp-navbar" aria-label="Hoofdmenu">
      <div className="rvp-container rvp-navbar__content">
        <ul className="rvp-navbar__links">
          {items.map((item) => {
            const current = location.path === item.path || location.path.startsWith(`${item.path}/`);
            return (
              <li key={item.path}>
                <Link href={`#${item.path}`} current={current ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </div>
    </nav>
  );
}

function Footer({ app }: { app: AppInfo }) {
  return (
    <PageFooter className="rvp-page-footer">
      <div className="utrecht-page-footer__content rvp-container rvp-page-footer__columns">
        <div>
          <p className="rvp-page-footer__heading">open-rvp — {app.name}</p>
          <Paragraph>Informatiesysteem voor het Rijksvaccinatieprogramma. Open source (EUPL-1.2).</Paragraph>
        </div>
        <div>
          <p className="rvp-page-footer__heading">Voor ontwikkelaars</p>
          <ul className="rvp-page-footer__list">
            <li>
              <Link href="docs">API-documentatie</Link>
            </li>
            <li>
              <Link href="openapi.json">OpenAPI-beschrijving</Link>
            </li>
            <li>
              <Link href="health">Status van de dienst</Link>
            </li>
          </ul>
        </div>
      </div>
    </PageFooter>
  );
}

/** "Pagina niet gevonden" for unknown routes. */
export function NotFound() {
  const documentTitle = useDocumentTitle('Pagina niet gevonden');
  return (
    <>
      <PageTitle documentTitle={documentTitle}>Pagina niet gevonden</PageTitle>
      <Alert type="warning">Deze pagina bestaat niet (meer).</Alert>
      <Paragraph>
        <Link href="#/">Naar de startpagina</Link>
      </Paragraph>
    </>
  );
}
