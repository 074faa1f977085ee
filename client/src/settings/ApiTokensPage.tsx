import { useId, useState, type FormEvent } from 'react';
import type { Me } from '../api.ts';
import { createApiToken, listApiTokens, revokeApiToken, type ApiToken } from './settings-api.ts';
import { errorsByField, Field, FormError, formatTime, LoadError, Loading, RowActionCell, SecretRow, SettingsTableHead, useFailureMessage, useRowAction, useSecretCopy, useSettingsLoad, useUnsavedGuard } from './settings-common.tsx';
import './settings-pages.css';

export function ApiTokensPage({ me, onUnauthorized }: { me?: Me; onUnauthorized?(message: string): void }) {
  const canEdit = !me || me.role === 'admin';
  const fail = useFailureMessage(onUnauthorized);
  const baseId = useId();
  const [load, setLoad, reload] = useSettingsLoad(async (signal) => ({ tokens: (await listApiTokens(signal)).data }), fail);
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [creating, setCreating] = useState(false);
  // The new token, shown once: the server keeps only its hash.
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [status, setStatus] = useState('');
  const secretCopy = useSecretCopy(created?.token ?? null);
  const { copied, setCopied } = secretCopy;

  useUnsavedGuard(created !== null && copied !== 'copied', 'The new API token is shown only once and you have not copied it. Leave anyway?');

  async function create(event: FormEvent) {
    event.preventDefault();
    if (creating) return;
    setCreating(true);
    setErrors({});
    setStatus('');
    try {
      const result = await createApiToken(name.trim());
      const { token, ...record } = result;
      setLoad((current) => (current.status === 'ready' ? { status: 'ready', tokens: [record, ...current.tokens] } : current));
      setCreated({ name: record.name, token });
      setCopied('idle');
      setName('');
    } catch (error) {
      const message = fail(error);
      if (message === null) return;
      setErrors(errorsByField(error, ['name']));
      document.getElementById(`${baseId}-name`)?.focus();
    } finally {
      setCreating(false);
    }
  }

  const revoke = useRowAction(async (token: ApiToken) => {
    const revoked = await revokeApiToken(token.id);
    setLoad((current) => (current.status === 'ready' ? { status: 'ready', tokens: current.tokens.map((t) => (t.id === revoked.id ? revoked : t)) } : current));
    setStatus(`Revoked “${revoked.name}”. Requests with it are refused from now on.`);
    document.getElementById(`${baseId}-heading`)?.focus();
  }, fail);

  return (
    <section className="settings-page" aria-labelledby={`${baseId}-heading`}>
      <div className="page-header">
        <h1 id={`${baseId}-heading`} tabIndex={-1}>
          API tokens
        </h1>
      </div>
      <p className="hint">
        Scripts and integrations call the Patchbay REST API with <code>Authorization: Bearer &lt;token&gt;</code>. A token acts for the whole workspace with
        admin rights; give each integration its own, and revoke the ones you no longer use.
      </p>
      {!canEdit && <p className="notice">Only admins can manage API tokens.</p>}

      {created && (
        <div className="secret-reveal" role="region" aria-labelledby={`${baseId}-secret-heading`} data-testid="api-token-secret">
          <h2 id={`${baseId}-secret-heading`}>Copy the token for “{created.name}” now</h2>
          <p>It is shown only this once: Patchbay keeps a hash, not the token. If you lose it, revoke it and create another.</p>
          <SecretRow
            id={`${baseId}-secret`}
            label="New API token"
            value={created.token}
            what="token"
            failedHint="press Ctrl+C (⌘C) to copy it."
            copy={secretCopy}
            onDone={() => {
              setCreated(null);
              setStatus(`Created “${created.name}”.`);
              document.getElementById(`${baseId}-name`)?.focus();
            }}
          />
        </div>
      )}

      {canEdit && (
        <form className="settings-form" onSubmit={(e) => void create(e)} aria-labelledby={`${baseId}-form-heading`} noValidate>
          <h2 id={`${baseId}-form-heading`}>Create a token</h2>
          <FormError errors={errors['']} />
          <Field id={`${baseId}-name`} label="Token name" field="name" errors={errors.name} hint="Say who uses it, e.g. “Billing sync” or “Zapier”.">
            {(props) => <input {...props} value={name} maxLength={100} autoComplete="off" onChange={(e) => setName(e.target.value)} />}
          </Field>
          <div className="settings-actions">
            <button type="submit" className="primary" aria-disabled={creating || undefined}>
              {creating ? 'Creating…' : 'Create token'}
            </button>
          </div>
        </form>
      )}

      <p className="settings-status" role="status">
        {status}
      </p>

      {load.status === 'loading' && <Loading what="API tokens" />}
      {load.status === 'error' && <LoadError what="the API tokens" message={load.message} onRetry={() => void reload()} />}
      {load.status === 'ready' && load.tokens.length === 0 && (
        <div className="state empty-state">
          <h2>No API tokens yet</h2>
          <p>Create one for each script or integration that calls the API.</p>
        </div>
      )}
      {load.status === 'ready' && load.tokens.length > 0 && (
        <div className="table-scroll">
          <table className="settings-table" data-testid="api-token-list">
            <caption className="sr-only">API tokens</caption>
            <SettingsTableHead columns={['Name', 'Starts with', 'Created', 'Last used', 'Status']} actions={canEdit} />
            <tbody>
              {load.tokens.map((t) => (
                <tr key={t.id} data-testid={`api-token-row-${t.id}`}>
                  <td>{t.name}</td>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td>
                    <time dateTime={t.created_at}>{formatTime(t.created_at)}</time>
                  </td>
                  <td>{t.last_used_at ? <time dateTime={t.last_used_at}>{formatTime(t.last_used_at)}</time> : 'Never'}</td>
                  <td>
                    {t.revoked ? (
                      <span className="badge badge-draft">Revoked {t.revoked_at ? formatTime(t.revoked_at) : ''}</span>
                    ) : (
                      <span className="badge badge-live">Active</span>
                    )}
                  </td>
                  {canEdit && (
                    <RowActionCell
                      item={t}
                      action={revoke}
                      verb="Revoke"
                      busyLabel="Revoking…"
                      question={`Revoke “${t.name}”? Everything using it stops working at once. This cannot be undone.`}
                      available={!t.revoked}
                    />
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export default ApiTokensPage;
