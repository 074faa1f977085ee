import { useId, useRef, useState, type FormEvent } from 'react';
import { isUnauthorized, listDataConnectors } from './api.ts';

interface SignInProps {
  onSignedIn(token: string): void;
  // Shown when the user was signed out because the token stopped working.
  notice?: string | null;
}

// A stand-in until email + password sign-in exists: the user pastes an API
// token, which is checked against the API before it is kept.
export function SignIn({ onSignedIn, notice }: SignInProps) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const ids = { input: useId(), help: useId(), error: useId() };

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (checking) return;
    const value = token.trim();
    if (!value) {
      setError('Paste an API token first.');
      inputRef.current?.focus();
      return;
    }
    setChecking(true);
    setError(null);
    try {
      await listDataConnectors(value, { perPage: 1 });
      onSignedIn(value);
    } catch (caught) {
      const message = caught instanceof Error ? caught.message : String(caught);
      setError(isUnauthorized(caught) ? `That token was not accepted: ${message}. Check that you copied all of it, or create a new one.` : message);
      setChecking(false);
      inputRef.current?.focus();
    }
  }

  return (
    <main className="sign-in">
      <h1>Sign in to Patchbay</h1>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <p>
        Sign-in with email and password is coming soon. For now, use an API token for your workspace. On the machine running Patchbay, in the
        project folder, run:
      </p>
      <pre className="command">
        <code>npx patchbay token create --name web</code>
      </pre>
      <p>It prints a token once; copy it and paste it below. It is kept only in this browser tab and is forgotten when you close the tab or sign out.</p>

      <form onSubmit={submit} noValidate aria-busy={checking || undefined}>
        <label htmlFor={ids.input}>API token</label>
        <input
          ref={inputRef}
          id={ids.input}
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          autoFocus
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${ids.help} ${ids.error}` : ids.help}
          // readOnly, not disabled, so keyboard focus stays in the field while checking
          readOnly={checking}
        />
        <p id={ids.help} className="hint">
          Tokens are long random strings; paste the whole line the command printed.
        </p>
        {error && (
          <p id={ids.error} className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" aria-disabled={checking || undefined}>
          {checking ? 'Checking token…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
