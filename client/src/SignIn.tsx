import { useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, signIn, type Me } from './api.ts';

interface SignInProps {
  onSignedIn(me: Me): void;
  // Shown when the user was signed out, e.g. because the session ended.
  notice?: string | null;
}

type FieldErrors = { email?: string; password?: string };

export function SignIn({ onSignedIn, notice }: SignInProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const ids = { email: useId(), emailError: useId(), password: useId(), passwordError: useId(), error: useId() };

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const missing: FieldErrors = {};
    if (!email.trim()) missing.email = 'Enter your email address.';
    if (!password) missing.password = 'Enter your password.';
    setFieldErrors(missing);
    if (missing.email || missing.password) {
      setError(null);
      (missing.email ? emailRef : passwordRef).current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(email.trim(), password));
    } catch (caught) {
      setBusy(false);
      setError(describe(caught));
      // After a wrong password, the password is what to retype.
      if (caught instanceof ApiError && caught.code === 'invalid_credentials') {
        setPassword('');
        passwordRef.current?.focus();
      } else {
        emailRef.current?.focus();
      }
    }
  }

  const describedBy = (...parts: (string | false | undefined)[]) => parts.filter(Boolean).join(' ') || undefined;

  return (
    <main className="sign-in">
      <h1>Sign in to Patchbay</h1>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}

      <form onSubmit={submit} noValidate aria-busy={busy || undefined} aria-describedby={error ? ids.error : undefined}>
        <label htmlFor={ids.email}>Email</label>
        <input
          ref={emailRef}
          id={ids.email}
          name="email"
          type="email"
          autoComplete="username"
          spellCheck={false}
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          aria-invalid={fieldErrors.email ? true : undefined}
          aria-describedby={describedBy(fieldErrors.email && ids.emailError)}
          // readOnly, not disabled, so keyboard focus stays put while signing in
          readOnly={busy}
        />
        {fieldErrors.email ? (
          <p id={ids.emailError} className="hint field-error">
            {fieldErrors.email}
          </p>
        ) : (
          <div className="field-gap" />
        )}

        <label htmlFor={ids.password}>Password</label>
        <input
          ref={passwordRef}
          id={ids.password}
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={fieldErrors.password ? true : undefined}
          aria-describedby={describedBy(fieldErrors.password && ids.passwordError)}
          readOnly={busy}
        />
        {fieldErrors.password ? (
          <p id={ids.passwordError} className="hint field-error">
            {fieldErrors.password}
          </p>
        ) : (
          <div className="field-gap" />
        )}

        {error && (
          <p id={ids.error} className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" aria-disabled={busy || undefined}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>

      <p className="hint sign-in-help">
        No account yet? On the machine running Patchbay, in the project folder, run{' '}
        <code>npx patchbay admin create --email you@example.com --password &lt;password&gt;</code>. With demo data, the demo accounts were printed
        in the server's terminal when it first started.
      </p>
    </main>
  );
}

function describe(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  if (error.status === 429) {
    const minutes = error.retryAfterSeconds ? Math.ceil(error.retryAfterSeconds / 60) : null;
    return minutes ? `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` : error.message;
  }
  if (error.code === 'invalid_credentials') return `${error.message}. Check both and try again.`;
  return error.message;
}
