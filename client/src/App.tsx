import { useCallback, useEffect, useState } from 'react';
import { fetchMe, forgetSession, signOut, type Me } from './api.ts';
import { ConnectorsPage } from './ConnectorsPage.tsx';
import { SignIn } from './SignIn.tsx';

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

  const { me } = auth;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">Patchbay</span>
        <nav aria-label="Main">
          <a href="/" aria-current="page">
            Data connectors
          </a>
        </nav>
        <span className="who">
          {me.name} ({me.role === 'admin' ? 'Admin' : 'Agent'})
        </span>
        {signOutError && (
          <p className="error header-error" role="alert">
            Could not sign out: {signOutError}
          </p>
        )}
        <button type="button" onClick={() => void leave()} aria-disabled={signingOut || undefined}>
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <ConnectorsPage onUnauthorized={sessionEnded} />
      </main>
    </>
  );
}
