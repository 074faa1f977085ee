import { Component, lazy, Suspense, useCallback, useEffect, useState, type ReactNode } from 'react';
import { fetchMe, forgetSession, signOut, type Me } from './api.ts';
import { InboxPage } from './inbox/InboxPage.tsx';
import { useInboxSocket, type LiveStatus } from './inbox/use-inbox-socket.ts';
import { followLink, navigate, parseRoute, usePathname, type Route } from './router.ts';
import { SignIn } from './SignIn.tsx';
import { MORE_SETTINGS } from './settings/more-settings-paths.ts';
import { MoreSettingsPage } from './settings/MoreSettingsPage.tsx';

// Settings pages are loaded when first visited, so the inbox loads less.
const ConnectorsPage = lazy(() => import('./settings/ConnectorsPage.tsx').then((module) => ({ default: module.ConnectorsPage })));
const MacrosPage = lazy(() => import('./settings/MacrosPage.tsx'));
const ConnectorLogsPage = lazy(() => import('./settings/ConnectorLogsPage.tsx'));
const ConnectorEditor = lazy(() => import('./settings/connectors/ConnectorEditor.tsx').then((module) => ({ default: module.ConnectorEditor })));

type Auth =
  | { status: 'checking' }
  | { status: 'unreachable'; message: string }
  | { status: 'signed-out'; notice: string | null }
  | { status: 'signed-in'; me: Me };

export function App() {
  const [auth, setAuth] = useState<Auth>({ status: 'checking' });
  const [signingOut, setSigningOut] = useState(false);
  const [signOutError, setSignOutError] = useState<string | null>(null);

  // The session cookie is httpOnly: whether someone is signed in is the server's to say.
  const check = useCallback(async (signal?: AbortSignal) => {
    setAuth({ status: 'checking' });
    try {
      const me = await fetchMe(signal);
      setAuth(me ? { status: 'signed-in', me } : { status: 'signed-out', notice: null });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') return;
      setAuth({ status: 'unreachable', message: error instanceof Error ? error.message : String(error) });
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    void check(controller.signal);
    return () => controller.abort();
  }, [check]);

  const signedIn = useCallback((me: Me) => {
    setSignOutError(null);
    setAuth({ status: 'signed-in', me });
  }, []);

  const sessionEnded = useCallback((message: string) => {
    forgetSession();
    setAuth({ status: 'signed-out', notice: `You were signed out: ${message}` });
  }, []);

  async function leave() {
    if (signingOut) return;
    setSigningOut(true);
    setSignOutError(null);
    try {
      await signOut();
      setAuth({ status: 'signed-out', notice: 'You have signed out.' });
    } catch (error) {
      setSignOutError(error instanceof Error ? error.message : String(error));
    } finally {
      setSigningOut(false);
    }
  }

  if (auth.status === 'checking') {
    return (
      <main>
        <p className="state" role="status">
          <span className="spinner" aria-hidden="true" /> Loading Patchbay…
        </p>
      </main>
    );
  }

  if (auth.status === 'unreachable') {
    return (
      <main>
        <div className="state error-state" role="alert">
          <p>
            <strong>Could not check whether you are signed in.</strong> {auth.message}
          </p>
          <button type="button" onClick={() => void check()}>
            Retry
          </button>
        </div>
      </main>
    );
  }

  if (auth.status === 'signed-out') return <SignIn onSignedIn={signedIn} notice={auth.notice} />;

  return <SignedIn me={auth.me} signingOut={signingOut} signOutError={signOutError} onSignOut={() => void leave()} onUnauthorized={sessionEnded} />;
}

interface SignedInProps {
  me: Me;
  signingOut: boolean;
  signOutError: string | null;
  onSignOut(): void;
  onUnauthorized(message: string): void;
}

function SignedIn({ me, signingOut, signOutError, onSignOut, onUnauthorized }: SignedInProps) {
  const pathname = usePathname();
  const route = parseRoute(pathname);
  const { socket, status, syncCount } = useInboxSocket();

  useEffect(() => {
    if (pathname === '/' || pathname === '') navigate('/inbox', { replace: true });
  }, [pathname]);

  useEffect(() => {
    if (route.name === 'connectors') document.title = 'Data connectors · Patchbay';
    else if (route.name === 'macros') document.title = 'Macros · Patchbay';
    else if (route.name === 'not-found') document.title = 'Not found · Patchbay';
  }, [route.name]);

  const isAdmin = me.role === 'admin';
  const inbox = route.name === 'inbox';
  return (
    <div className={`app-shell${inbox ? ' is-inbox' : ''}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">Patchbay</span>
        <nav aria-label="Main">
          <NavLink href="/inbox" current={inbox}>
            Inbox
          </NavLink>
          {isAdmin && (
            <span className="nav-group" role="group" aria-label="Settings">
              <span className="nav-label" aria-hidden="true">
                Settings:
              </span>
              <NavLink href="/settings/connectors" current={route.name === 'connectors' || route.name === 'connector-editor' || route.name === 'connector-logs'}>
                Data connectors
              </NavLink>
              <NavLink href="/settings/macros" current={route.name === 'macros'}>
                Macros
              </NavLink>
              <NavLink href={`/settings/${MORE_SETTINGS[0].slug}`} current={route.name === 'more-settings'}>
                Workspace
              </NavLink>
            </span>
          )}
        </nav>
        <LiveIndicator status={status} />
        <span className="who">
          {me.name} ({isAdmin ? 'Admin' : 'Agent'})
        </span>
        {signOutError && (
          <p className="error header-error" role="alert">
            Could not sign out: {signOutError}
          </p>
        )}
        <button type="button" onClick={onSignOut} aria-disabled={signingOut || undefined}>
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      </header>
      <main id="main" tabIndex={-1} className={inbox ? 'main-inbox' : undefined}>
        <Page route={route} me={me} socket={socket} syncCount={syncCount} onUnauthorized={onUnauthorized} />
      </main>
    </div>
  );
}

function Page({ route, me, socket, syncCount, onUnauthorized }: { route: Route; me: Me; socket: ReturnType<typeof useInboxSocket>['socket']; syncCount: number; onUnauthorized(message: string): void }) {
  if (route.name === 'inbox') return <InboxPage me={me} conversationId={route.conversationId} socket={socket} syncCount={syncCount} onUnauthorized={onUnauthorized} />;
  if (route.name === 'not-found') {
    return (
      <div className="state empty-state">
        <h1>Page not found</h1>
        <p>
          There is nothing at <code>{route.path}</code>.{' '}
          <a href="/inbox" onClick={followLink}>
            Go to the inbox
          </a>
          .
        </p>
      </div>
    );
  }
  return (
    <LazyBoundary key={route.name}>
      <Suspense
        fallback={
          <p className="state" role="status">
            <span className="spinner" aria-hidden="true" /> Loading…
          </p>
        }
      >
        {route.name === 'more-settings' ? (
          <MoreSettingsPage slug={route.slug} me={me} onUnauthorized={onUnauthorized} />
        ) : route.name === 'connectors' ? (
          <ConnectorsPage onUnauthorized={onUnauthorized} />
        ) : route.name === 'connector-logs' ? (
          <ConnectorLogsPage connectorId={route.connectorId} onUnauthorized={onUnauthorized} />
        ) : route.name === 'connector-editor' ? (
          <ConnectorEditor connectorId={route.connectorId} onUnauthorized={onUnauthorized} />
        ) : (
          <MacrosPage me={me} onUnauthorized={onUnauthorized} />
        )}
      </Suspense>
    </LazyBoundary>
  );
}

function NavLink({ href, current, children }: { href: string; current: boolean; children: ReactNode }) {
  return (
    <a href={href} aria-current={current ? 'page' : undefined} onClick={followLink}>
      {children}
    </a>
  );
}

const LIVE_LABEL: Record<LiveStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

const LIVE_TITLE: Record<LiveStatus, string> = {
  connecting: 'Connecting to live updates',
  live: 'Changes made elsewhere appear as they happen',
  reconnecting: 'Live updates were interrupted; reconnecting. What you see may be out of date.',
  offline: 'No live updates. What you see may be out of date.',
};

function LiveIndicator({ status }: { status: LiveStatus }) {
  return (
    <span className={`live-status live-${status}`} data-testid="live-status" data-status={status} role="status" title={LIVE_TITLE[status]}>
      <span className="live-dot" aria-hidden="true" />
      {LIVE_LABEL[status]}
    </span>
  );
}

// A settings page whose code could not be downloaded (offline, or a new
// version was deployed) offers a retry instead of a blank screen.
class LazyBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="state error-state" role="alert">
        <p>
          <strong>Could not load this page.</strong> {this.state.error.message}
        </p>
        <button type="button" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
