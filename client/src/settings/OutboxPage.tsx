import { useId, useState } from 'react';
import type { Me } from '../api.ts';
import { listOutbox, type OutboxEmail } from './settings-api.ts';
import { formatTime, LoadError, Loading, useFailureMessage, useSettingsLoad } from './settings-common.tsx';
import './settings-pages.css';

export function OutboxPage({ onUnauthorized }: { me?: Me; onUnauthorized?(message: string): void }) {
  const fail = useFailureMessage(onUnauthorized);
  const baseId = useId();
  const [load, setLoad, reload] = useSettingsLoad(async (signal) => {
    const page = await listOutbox(undefined, signal);
    return { emails: page.data, next: page.pages.next?.starting_after ?? null };
  }, fail);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);

  async function more() {
    if (load.status !== 'ready' || !load.next || loadingMore) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await listOutbox(load.next);
      setLoad((current) => (current.status === 'ready' ? { status: 'ready', emails: [...current.emails, ...page.data], next: page.pages.next?.starting_after ?? null } : current));
    } catch (error) {
      const message = fail(error);
      if (message !== null) setMoreError(message);
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <section className="settings-page" aria-labelledby={`${baseId}-heading`}>
      <div className="page-header">
        <h1 id={`${baseId}-heading`} tabIndex={-1}>
          Outbox
        </h1>
        <button type="button" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      <p className="hint">
        Emails Patchbay sends customers (one-time sign-in codes). Without an SMTP server (<code>SMTP_URL</code>) they are kept here instead of sent, so you can
        try the messenger’s email verification locally. Codes here are live credentials: treat this page like a password.
      </p>
      {load.status === 'loading' && <Loading what="the outbox" />}
      {load.status === 'error' && <LoadError what="the outbox" message={load.message} onRetry={() => void reload()} />}
      {load.status === 'ready' && load.emails.length === 0 && (
        <div className="state empty-state">
          <h2>No emails</h2>
          <p>Nothing has been sent yet.</p>
        </div>
      )}
      {load.status === 'ready' && load.emails.length > 0 && (
        <ul className="outbox-list" data-testid="outbox-list">
          {load.emails.map((email) => (
            <li key={email.id}>
              <details>
                <summary>
                  <strong>{email.subject}</strong> to {email.to} · <time dateTime={email.created_at}>{formatTime(email.created_at)}</time> ·{' '}
                  {email.sent_at ? 'sent' : 'kept (not sent)'}
                </summary>
                <pre>{email.text}</pre>
              </details>
            </li>
          ))}
        </ul>
      )}
      {load.status === 'ready' && load.next && (
        <button type="button" className="load-more" aria-disabled={loadingMore || undefined} onClick={() => void more()}>
          {loadingMore ? 'Loading…' : 'Load older emails'}
        </button>
      )}
      {moreError && (
        <p className="error" role="alert">
          Could not load more: {moreError}
        </p>
      )}
    </section>
  );
}

export default OutboxPage;
