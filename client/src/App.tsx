import { useCallback, useState } from 'react';
import { tokenStore } from './api.ts';
import { ConnectorsPage } from './ConnectorsPage.tsx';
import { SignIn } from './SignIn.tsx';

export function App() {
  const [token, setToken] = useState<string | null>(() => tokenStore.get());
  const [notice, setNotice] = useState<string | null>(null);

  const signIn = useCallback((value: string) => {
    tokenStore.set(value);
    setNotice(null);
    setToken(value);
  }, []);

  const signOut = useCallback((reason: string | null = null) => {
    tokenStore.clear();
    setNotice(reason);
    setToken(null);
  }, []);

  const expired = useCallback((message: string) => signOut(`You were signed out because the API token stopped working (${message}). Sign in with a valid token.`), [signOut]);

  if (!token) return <SignIn onSignedIn={signIn} notice={notice} />;

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
        <button type="button" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <ConnectorsPage token={token} onUnauthorized={expired} />
      </main>
    </>
  );
}
