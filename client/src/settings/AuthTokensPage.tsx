import { useEffect, useId, useState, type FormEvent } from 'react';
import type { Me } from '../api.ts';
import { createAuthToken, deleteAuthToken, listAuthTokens, type AuthToken, type AuthTokenKind, type AuthTokenWrite } from './settings-api.ts';
import { Field, FormError, FormActions, formatTime, LoadError, Loading, RowActionCell, sameDraft, SettingsTableHead, useFailureMessage, useFormSave, useRowAction, useSettingsLoad, useUnsavedGuard } from './settings-common.tsx';
import './settings-pages.css';

interface Draft {
  name: string;
  kind: AuthTokenKind;
  value: string;
  username: string;
  password: string;
  headerName: string;
  prefix: string;
  url: string;
  method: 'get' | 'post';
  body: string;
  tokenPath: string;
  expiresInPath: string;
}

const EMPTY: Draft = {
  name: '',
  kind: 'static',
  value: '',
  username: '',
  password: '',
  headerName: 'Authorization',
  prefix: '',
  url: '',
  method: 'post',
  body: '{"client_id": "patchbay", "client_secret": "{{secret}}", "grant_type": "client_credentials"}',
  tokenPath: 'access_token',
  expiresInPath: 'expires_in',
};

const KINDS: { value: AuthTokenKind; label: string; hint: string }[] = [
  { value: 'static', label: 'Static token', hint: 'An API key or bearer token, sent as it is.' },
  { value: 'basic', label: 'Username and password', hint: 'Sent as HTTP Basic credentials.' },
  { value: 'http_request', label: 'Fetched from a token endpoint', hint: 'Patchbay requests a token (OAuth client credentials and the like) and refreshes it when it expires.' },
];

const FIELDS = ['name', 'kind', 'value', 'header_name', 'prefix', 'token_request.url', 'token_request.method', 'token_request.body', 'token_request.token_path', 'token_request.expires_in_path', 'token_request'] as const;
const kindLabel = (kind: AuthTokenKind) => KINDS.find((k) => k.value === kind)?.label ?? kind;
const defaultPrefix = (kind: AuthTokenKind) => (kind === 'basic' ? 'Basic ' : 'Bearer ');

function toWrite(d: Draft): AuthTokenWrite {
  const value = d.kind === 'basic' ? `${d.username}:${d.password}` : d.value;
  return {
    name: d.name.trim(),
    kind: d.kind,
    value: d.kind === 'basic' && !d.username && !d.password ? '' : value,
    header_name: d.headerName.trim() || 'Authorization',
    // An empty prefix is a real choice (a bare API key header); the default is used only when untouched.
    ...(d.prefix !== '' ? { prefix: d.prefix } : {}),
    ...(d.kind === 'http_request'
      ? { token_request: { url: d.url.trim(), method: d.method, body: d.body.trim() ? d.body : null, token_path: d.tokenPath.trim() || 'access_token', expires_in_path: d.expiresInPath.trim() || null } }
      : {}),
  };
}

export function AuthTokensPage({ me, onUnauthorized }: { me?: Me; onUnauthorized?(message: string): void }) {
  const canEdit = !me || me.role === 'admin';
  const fail = useFailureMessage(onUnauthorized);
  const baseId = useId();
  const [load, setLoad, reload] = useSettingsLoad(async (signal) => ({ tokens: (await listAuthTokens(signal)).data }), fail);
  const [draft, setDraft] = useState<Draft | null>(null);
  const { errors, setErrors, saving, formRef, submit } = useFormSave(fail, FIELDS);
  const [status, setStatus] = useState('');

  const dirty = draft !== null && !sameDraft(draft, EMPTY);
  useUnsavedGuard(dirty, 'You have not saved this auth token. Leave without saving?');

  const opened = draft !== null;
  useEffect(() => {
    if (opened) formRef.current?.querySelector<HTMLElement>('input')?.focus();
  }, [opened]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => (d ? { ...d, [key]: value } : d));

  function close() {
    if (dirty && !window.confirm('Discard this auth token?')) return;
    setDraft(null);
    setErrors({});
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!draft || saving) return;
    await submit(async () => {
      const created = await createAuthToken(toWrite(draft));
      setLoad((current) => {
        const rest = current.status === 'ready' ? current.tokens : [];
        return { status: 'ready', tokens: [...rest, created].sort((a, b) => a.name.localeCompare(b.name)) };
      });
      setDraft(null);
      setStatus(`Created “${created.name}”. Attach it to a data connector in the connector’s API tab.`);
    });
  }

  const remove = useRowAction(async (token: AuthToken) => {
    await deleteAuthToken(token.id);
    setLoad((current) => (current.status === 'ready' ? { status: 'ready', tokens: current.tokens.filter((t) => t.id !== token.id) } : current));
    setStatus(`Deleted “${token.name}”.`);
    document.getElementById(`${baseId}-heading`)?.focus();
  }, fail);

  return (
    <section className="settings-page" aria-labelledby={`${baseId}-heading`}>
      <div className="page-header">
        <h1 id={`${baseId}-heading`} tabIndex={-1}>
          Auth tokens
        </h1>
        {canEdit && load.status === 'ready' && !draft && (
          <button type="button" className="primary" onClick={() => setDraft(EMPTY)}>
            New auth token
          </button>
        )}
      </div>
      <p className="hint">
        Credentials of the systems your data connectors call. A connector attaches them as a header, or uses them in templates as{' '}
        <code>{'{{auth_tokens.<name>}}'}</code>. Values are stored encrypted and never shown again, not even to admins.
      </p>
      {!canEdit && <p className="notice">Only admins can see and manage auth tokens.</p>}

      <p className="settings-status" role="status">
        {status}
      </p>

      {draft && (
        <form ref={formRef} className="settings-form" onSubmit={(e) => void save(e)} aria-labelledby={`${baseId}-form-heading`} data-testid="auth-token-form" noValidate>
          <h2 id={`${baseId}-form-heading`}>New auth token</h2>
          <FormError errors={errors['']} />
          <div className="settings-fields">
            <Field id={`${baseId}-name`} label="Name" field="name" errors={errors.name} hint="Unique in the workspace, e.g. Stripe.">
              {(props) => <input {...props} value={draft.name} maxLength={100} autoComplete="off" onChange={(e) => set('name', e.target.value)} />}
            </Field>
            <Field id={`${baseId}-kind`} label="Kind" field="kind" errors={errors.kind} hint={KINDS.find((k) => k.value === draft.kind)?.hint}>
              {(props) => (
                <select {...props} value={draft.kind} onChange={(e) => set('kind', e.target.value as AuthTokenKind)}>
                  {KINDS.map((k) => (
                    <option key={k.value} value={k.value}>
                      {k.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          {draft.kind === 'basic' ? (
            <div className="settings-fields">
              <Field id={`${baseId}-username`} label="Username" field="username">
                {(props) => <input {...props} value={draft.username} autoComplete="off" spellCheck={false} onChange={(e) => set('username', e.target.value)} />}
              </Field>
              <Field id={`${baseId}-password`} label="Password" field="value" errors={errors.value} hint="Write-only: it cannot be read back once saved.">
                {(props) => <input {...props} type="password" value={draft.password} autoComplete="new-password" onChange={(e) => set('password', e.target.value)} />}
              </Field>
            </div>
          ) : (
            <Field
              id={`${baseId}-value`}
              label={draft.kind === 'http_request' ? 'Client secret' : 'Token'}
              field="value"
              errors={errors.value}
              hint={
                draft.kind === 'http_request'
                  ? 'Used in the token request as {{secret}}. Write-only: it cannot be read back once saved.'
                  : 'Write-only: it cannot be read back once saved.'
              }
            >
              {(props) => <input {...props} type="password" value={draft.value} autoComplete="new-password" onChange={(e) => set('value', e.target.value)} />}
            </Field>
          )}
          <div className="settings-fields">
            <Field id={`${baseId}-header`} label="Header" field="header_name" errors={errors.header_name}>
              {(props) => <input {...props} value={draft.headerName} autoComplete="off" spellCheck={false} onChange={(e) => set('headerName', e.target.value)} />}
            </Field>
            <Field id={`${baseId}-prefix`} label="Prefix (optional)" field="prefix" errors={errors.prefix} hint={`What precedes the token in the header; “${defaultPrefix(draft.kind)}” when empty.`}>
              {(props) => <input {...props} value={draft.prefix} placeholder={defaultPrefix(draft.kind)} autoComplete="off" spellCheck={false} onChange={(e) => set('prefix', e.target.value)} />}
            </Field>
          </div>
          {draft.kind === 'http_request' && (
            <fieldset className="settings-form-group">
              <legend>Token request</legend>
              {errors.token_request?.length ? <p className="field-error">{errors.token_request.join(' ')}</p> : null}
              <div className="settings-fields">
                <Field id={`${baseId}-url`} label="Token endpoint URL" field="token_request.url" errors={errors['token_request.url']}>
                  {(props) => <input {...props} type="url" value={draft.url} placeholder="https://auth.example.com/oauth/token" onChange={(e) => set('url', e.target.value)} />}
                </Field>
                <Field id={`${baseId}-method`} label="Method" field="token_request.method" errors={errors['token_request.method']}>
                  {(props) => (
                    <select {...props} value={draft.method} onChange={(e) => set('method', e.target.value as 'get' | 'post')}>
                      <option value="post">POST</option>
                      <option value="get">GET</option>
                    </select>
                  )}
                </Field>
              </div>
              <Field id={`${baseId}-body`} label="Request body (optional)" field="token_request.body" errors={errors['token_request.body']} hint="{{secret}} is replaced by the client secret.">
                {(props) => <textarea {...props} rows={3} spellCheck={false} value={draft.body} onChange={(e) => set('body', e.target.value)} />}
              </Field>
              <div className="settings-fields">
                <Field id={`${baseId}-token-path`} label="Token in the response at" field="token_request.token_path" errors={errors['token_request.token_path']}>
                  {(props) => <input {...props} value={draft.tokenPath} spellCheck={false} onChange={(e) => set('tokenPath', e.target.value)} />}
                </Field>
                <Field
                  id={`${baseId}-expires`}
                  label="Lifetime (seconds) at (optional)"
                  field="token_request.expires_in_path"
                  errors={errors['token_request.expires_in_path']}
                >
                  {(props) => <input {...props} value={draft.expiresInPath} spellCheck={false} onChange={(e) => set('expiresInPath', e.target.value)} />}
                </Field>
              </div>
            </fieldset>
          )}
          <FormActions saving={saving} label={'Save auth token'} onCancel={close} />
        </form>
      )}

      {load.status === 'loading' && <Loading what="auth tokens" />}
      {load.status === 'error' && <LoadError what="the auth tokens" message={load.message} onRetry={() => void reload()} />}
      {load.status === 'ready' && load.tokens.length === 0 && (
        <div className="state empty-state">
          <h2>No auth tokens yet</h2>
          <p>Add the API key or credentials of a system before building a connector that calls it.</p>
        </div>
      )}
      {load.status === 'ready' && load.tokens.length > 0 && (
        <div className="table-scroll">
          <table className="settings-table" data-testid="auth-token-list">
            <caption className="sr-only">Auth tokens</caption>
            <SettingsTableHead columns={['Name', 'Kind', 'Sent as', 'Created']} actions={canEdit} />
            <tbody>
              {load.tokens.map((t) => (
                <tr key={t.id} data-testid={`auth-token-row-${t.id}`}>
                  <td>{t.name}</td>
                  <td>{kindLabel(t.kind)}</td>
                  <td>
                    <code>
                      {t.header_name}: {t.prefix}
                      {t.value}
                    </code>
                  </td>
                  <td>
                    <time dateTime={t.created_at}>{formatTime(t.created_at)}</time>
                  </td>
                  {canEdit && <RowActionCell item={t} action={remove} verb="Delete" busyLabel="Deleting…" question={`Delete “${t.name}”? This cannot be undone.`} />}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export default AuthTokensPage;
