// The API tab: what the connector is, what it asks for, and the request it sends.
import { useState, type Dispatch, type FormEvent, type ReactNode, type SetStateAction } from 'react';
import { ApiError } from '../../api.ts';
import { createAuthToken, type AuthToken, type HttpMethod, type InputType } from './connector-api.ts';
import { emptyInput, INPUT_TYPES, METHODS, newKey, type ConnectorDraft, type InputRow } from './connector-draft.ts';
import { TemplateField } from './TemplateField.tsx';

export type TokenList = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; tokens: AuthToken[] };

interface ApiTabProps {
  draft: ConnectorDraft;
  setDraft: Dispatch<SetStateAction<ConnectorDraft>>;
  errorsFor(field: string): string[];
  // Server errors name inputs and headers by position; they go stale once rows move.
  clearErrors(prefix: string): void;
  tokens: TokenList;
  onTokenCreated(token: AuthToken): void;
  onRetryTokens(): void;
}

export function ApiTab({ draft, setDraft, errorsFor, clearErrors, tokens, onTokenCreated, onRetryTokens }: ApiTabProps) {
  const inputNames = draft.inputs.map((i) => i.name.trim()).filter(Boolean);
  const set = <K extends keyof ConnectorDraft>(key: K, value: ConnectorDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  function updateInput(key: string, change: Partial<InputRow>) {
    setDraft((d) => ({ ...d, inputs: d.inputs.map((i) => (i.key === key ? { ...i, ...change } : i)) }));
  }
  function moveInput(index: number, by: -1 | 1) {
    clearErrors('data_inputs');
    setDraft((d) => {
      const inputs = [...d.inputs];
      const [moved] = inputs.splice(index, 1);
      if (moved) inputs.splice(index + by, 0, moved);
      return { ...d, inputs };
    });
  }

  return (
    <div className="connector-tab api-tab">
      <section aria-labelledby="api-identity">
        <h2 id="api-identity">Identity</h2>
        <Field id="connector-name" label="Name" errors={errorsFor('name')} hint='A short name for what it does, e.g. "Get unpaid account balance".'>
          <input id="connector-name" type="text" value={draft.name} maxLength={200} onChange={(e) => set('name', e.target.value)} aria-invalid={errorsFor('name').length > 0 || undefined} />
        </Field>
        <Field
          id="connector-description"
          label="Description"
          errors={errorsFor('description')}
          hint="Explain when the AI agent should use it: what data it provides and which customer questions it answers."
        >
          <textarea
            id="connector-description"
            rows={4}
            value={draft.description}
            placeholder="Use this data connector to retrieve recent transactions for a customer. It provides… Example customer queries include…"
            onChange={(e) => set('description', e.target.value)}
          />
        </Field>
        <fieldset className="example-questions">
          <legend>Example customer questions</legend>
          {draft.exampleQuestions.length === 0 && <p className="hint">None yet. Add questions a customer might ask, like "Do I owe anything on my account?"</p>}
          <ul>
            {draft.exampleQuestions.map((q, index) => (
              <li key={q.key}>
                <input
                  type="text"
                  aria-label={`Example question ${index + 1}`}
                  value={q.text}
                  maxLength={500}
                  onChange={(e) => set('exampleQuestions', draft.exampleQuestions.map((x) => (x.key === q.key ? { ...x, text: e.target.value } : x)))}
                />
                <button type="button" aria-label={`Remove example question ${index + 1}`} onClick={() => set('exampleQuestions', draft.exampleQuestions.filter((x) => x.key !== q.key))}>
                  Remove
                </button>
                <FieldErrors errors={errorsFor(`example_questions.${index}`)} />
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => set('exampleQuestions', [...draft.exampleQuestions, { key: newKey(), text: '' }])} disabled={draft.exampleQuestions.length >= 20}>
            Add example question
          </button>
        </fieldset>
      </section>

      <section aria-labelledby="api-inputs">
        <h2 id="api-inputs">Data inputs</h2>
        <p className="hint">What must be known before the connector runs. The AI agent collects missing values from the conversation or asks the customer.</p>
        <FieldErrors errors={errorsFor('data_inputs')} />
        <ol className="data-inputs">
          {draft.inputs.map((input, index) => {
            const prefix = `data_inputs.${index}`;
            const id = `input-${input.key}`;
            const label = input.name.trim() || `input ${index + 1}`;
            return (
              <li key={input.key} className="data-input" aria-label={`Data input ${label}`}>
                <div className="data-input-fields">
                  <Field id={`${id}-name`} label="Name" errors={errorsFor(`${prefix}.name`)}>
                    <input id={`${id}-name`} type="text" value={input.name} onChange={(e) => updateInput(input.key, { name: e.target.value })} aria-invalid={errorsFor(`${prefix}.name`).length > 0 || undefined} />
                  </Field>
                  <Field id={`${id}-type`} label="Type" errors={errorsFor(`${prefix}.type`)}>
                    <select id={`${id}-type`} value={input.type} onChange={(e) => updateInput(input.key, { type: e.target.value as InputType })}>
                      {INPUT_TYPES.map((t) => (
                        <option key={t.value} value={t.value}>
                          {t.label}
                        </option>
                      ))}
                    </select>
                  </Field>
                  <Field id={`${id}-description`} label="Description" errors={errorsFor(`${prefix}.description`)}>
                    <input id={`${id}-description`} type="text" value={input.description} onChange={(e) => updateInput(input.key, { description: e.target.value })} />
                  </Field>
                  <Field id={`${id}-default`} label="Default value" errors={errorsFor(`${prefix}.default_value`)}>
                    <input id={`${id}-default`} type="text" value={input.defaultValue} onChange={(e) => updateInput(input.key, { defaultValue: e.target.value })} />
                  </Field>
                  <label className="checkbox">
                    <input type="checkbox" checked={input.required} onChange={(e) => updateInput(input.key, { required: e.target.checked })} /> Required
                  </label>
                </div>
                <FieldErrors errors={errorsFor(prefix)} />
                <div className="row-actions">
                  <button type="button" aria-label={`Move ${label} up`} disabled={index === 0} onClick={() => moveInput(index, -1)}>
                    ↑
                  </button>
                  <button type="button" aria-label={`Move ${label} down`} disabled={index === draft.inputs.length - 1} onClick={() => moveInput(index, 1)}>
                    ↓
                  </button>
                  <button
                    type="button"
                    aria-label={`Remove ${label}`}
                    onClick={() => {
                      clearErrors('data_inputs');
                      setDraft((d) => ({ ...d, inputs: d.inputs.filter((i) => i.key !== input.key) }));
                    }}
                  >
                    Remove
                  </button>
                </div>
              </li>
            );
          })}
        </ol>
        <button type="button" onClick={() => setDraft((d) => ({ ...d, inputs: [...d.inputs, emptyInput()] }))}>
          + Add data input
        </button>
      </section>

      <section aria-labelledby="api-request">
        <h2 id="api-request">API request</h2>
        <div className="request-line">
          <Field id="connector-method" label="Method" errors={errorsFor('http_method')}>
            <select id="connector-method" value={draft.method} onChange={(e) => set('method', e.target.value as HttpMethod)}>
              {METHODS.map((m) => (
                <option key={m} value={m}>
                  {m.toUpperCase()}
                </option>
              ))}
            </select>
          </Field>
          <TemplateField id="connector-url" label="URL" value={draft.url} inputNames={inputNames} serverErrors={errorsFor('url')} onChange={(url) => set('url', url)} />
        </div>

        <fieldset className="headers">
          <legend>Headers</legend>
          <p className="hint">Header values are write-only: a saved value is kept unless you type a new one.</p>
          <FieldErrors errors={errorsFor('headers')} />
          <ul>
            {draft.headers.map((header, index) => (
              <li key={header.key} className="header-row">
                <input
                  type="text"
                  aria-label={`Header ${index + 1} name`}
                  placeholder="Accept"
                  value={header.name}
                  onChange={(e) => set('headers', draft.headers.map((h) => (h.key === header.key ? { ...h, name: e.target.value } : h)))}
                />
                <input
                  type={header.stored ? 'password' : 'text'}
                  aria-label={`Header ${index + 1} value`}
                  placeholder={header.stored ? '•••• saved (type to replace)' : 'application/json'}
                  autoComplete="off"
                  value={header.value}
                  onChange={(e) => set('headers', draft.headers.map((h) => (h.key === header.key ? { ...h, value: e.target.value } : h)))}
                />
                <button
                  type="button"
                  aria-label={`Remove header ${header.name || index + 1}`}
                  onClick={() => {
                    clearErrors('headers');
                    set('headers', draft.headers.filter((h) => h.key !== header.key));
                  }}
                >
                  Remove
                </button>
                <FieldErrors errors={[...errorsFor(`headers.${index}`), ...errorsFor(`headers.${index}.name`), ...errorsFor(`headers.${index}.value`)]} />
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => set('headers', [...draft.headers, { key: newKey(), name: '', value: '', stored: false }])}>
            Add header
          </button>
        </fieldset>

        {draft.method !== 'get' && (
          <TemplateField id="connector-body" label="Body template" multiline value={draft.body} inputNames={inputNames} serverErrors={errorsFor('body')} onChange={(body) => set('body', body)} hint='JSON with {{variables}}, e.g. {"order": "{{order_id}}"}. Values are JSON-escaped when the request is sent.' />
        )}

        <TokenPicker draft={draft} set={set} tokens={tokens} errors={errorsFor('token_ids')} onTokenCreated={onTokenCreated} onRetry={onRetryTokens} />
      </section>
    </div>
  );
}

function TokenPicker({
  draft,
  set,
  tokens,
  errors,
  onTokenCreated,
  onRetry,
}: {
  draft: ConnectorDraft;
  set(key: 'tokenIds', value: string[]): void;
  tokens: TokenList;
  errors: string[];
  onTokenCreated(token: AuthToken): void;
  onRetry(): void;
}) {
  const [creating, setCreating] = useState(false);
  const [form, setForm] = useState({ name: '', value: '', headerName: 'Authorization', prefix: 'Bearer ' });
  const [busy, setBusy] = useState(false);
  const [formErrors, setFormErrors] = useState<{ field: string | null; message: string }[]>([]);

  async function create(event: FormEvent | { preventDefault(): void }) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setFormErrors([]);
    try {
      const token = await createAuthToken({ name: form.name.trim(), value: form.value, header_name: form.headerName.trim() || 'Authorization', prefix: form.prefix });
      onTokenCreated(token);
      set('tokenIds', [...draft.tokenIds, token.id]);
      setForm({ name: '', value: '', headerName: 'Authorization', prefix: 'Bearer ' });
      setCreating(false);
    } catch (error) {
      if (error instanceof ApiError && error.errors.length > 0) setFormErrors(error.errors.map((e) => ({ field: e.field ?? null, message: e.message })));
      else setFormErrors([{ field: null, message: error instanceof Error ? error.message : String(error) }]);
    } finally {
      setBusy(false);
    }
  }
  const errorsOf = (field: string) => formErrors.filter((e) => e.field === field).map((e) => e.message);
  const general = formErrors.filter((e) => !['name', 'value', 'header_name', 'prefix'].includes(e.field ?? '')).map((e) => e.message);

  return (
    <fieldset className="token-picker">
      <legend>Authentication tokens</legend>
      <p className="hint">Attached tokens are sent in their header with every request. Token values are never shown again after they are saved.</p>
      <FieldErrors errors={errors} />
      {tokens.status === 'loading' && <p role="status">Loading tokens…</p>}
      {tokens.status === 'error' && (
        <p className="error" role="alert">
          Could not load tokens: {tokens.message}{' '}
          <button type="button" onClick={onRetry}>
            Retry
          </button>
        </p>
      )}
      {tokens.status === 'ready' && tokens.tokens.length === 0 && <p className="hint">No tokens in this workspace yet.</p>}
      {tokens.status === 'ready' && (
        <ul className="token-list">
          {tokens.tokens.map((token) => (
            <li key={token.id}>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={draft.tokenIds.includes(token.id)}
                  onChange={(e) => set('tokenIds', e.target.checked ? [...draft.tokenIds, token.id] : draft.tokenIds.filter((id) => id !== token.id))}
                />{' '}
                {token.name} <span className="muted">({token.kind}, sent as {token.header_name}: {token.prefix}****)</span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {!creating ? (
        <button type="button" onClick={() => setCreating(true)}>
          Create token
        </button>
      ) : (
        // Not a <form>: it sits inside the editor, and nested forms are invalid HTML.
        <div className="token-create" role="group" aria-label="New token">
          <Field id="token-name" label="Token name" errors={errorsOf('name')}>
            <input id="token-name" type="text" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </Field>
          <Field id="token-value" label="Token value" errors={errorsOf('value')} hint="Write-only: stored encrypted and never shown again.">
            <input id="token-value" type="password" autoComplete="new-password" value={form.value} onChange={(e) => setForm({ ...form, value: e.target.value })} />
          </Field>
          <Field id="token-header" label="Header" errors={errorsOf('header_name')}>
            <input id="token-header" type="text" value={form.headerName} onChange={(e) => setForm({ ...form, headerName: e.target.value })} />
          </Field>
          <Field id="token-prefix" label="Prefix" errors={errorsOf('prefix')}>
            <input id="token-prefix" type="text" value={form.prefix} onChange={(e) => setForm({ ...form, prefix: e.target.value })} />
          </Field>
          <FieldErrors errors={general} />
          <div className="row-actions">
            <button type="button" className="primary" onClick={(e) => void create(e)} aria-disabled={busy || undefined}>
              {busy ? 'Creating…' : 'Create and attach token'}
            </button>
            <button type="button" onClick={() => setCreating(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </fieldset>
  );
}

export function Field({ id, label, errors, hint, children }: { id: string; label: string; errors: string[]; hint?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && <p className="hint">{hint}</p>}
      <FieldErrors errors={errors} />
    </div>
  );
}

export function FieldErrors({ errors }: { errors: string[] }) {
  if (errors.length === 0) return null;
  return (
    <ul className="field-errors" role="alert">
      {errors.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}
