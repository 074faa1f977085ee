// Settings > Data connectors > one connector: edits go to the draft; "Set live"
// runs the security check, shows what changes, and publishes.
import { useCallback, useEffect, useRef, useState, type Dispatch, type KeyboardEvent, type SetStateAction } from 'react';
import { ApiError } from '../../api.ts';
import { followLink, navigate, setLeaveGuard } from '../../router.ts';
import { useFailureMessage } from '../settings-common.tsx';
import { ConnectorLogs } from './ConnectorLogs.tsx';
import { ApiTab, FieldErrors, type TokenList } from './ApiTab.tsx';
import {
  createConnector,
  getConnector,
  listAuthTokens,
  runSecurityCheck,
  testConnector,
  updateConnector,
  type ConnectorDetail,
  type SecurityCheck,
  type TestResult,
} from './connector-api.ts';
import { diffVersions, draftFromDetail, emptyDraft, sameDraft, writeFromDraft, type ConnectorDraft, type FieldChange } from './connector-draft.ts';
import { DataTab } from './DataTab.tsx';
import { FinTab } from './FinTab.tsx';
import { mergeFields } from './data-draft.ts';
import './connector-editor.css';

interface ConnectorEditorProps {
  connectorId: string | null;
  onUnauthorized(message: string): void;
}

const TABS = [
  { id: 'api', label: 'API' },
  { id: 'data', label: 'Data' },
  { id: 'fin', label: 'Fin' },
  { id: 'security', label: 'Security' },
  { id: 'test', label: 'Test' },
  { id: 'logs', label: 'Logs' },
] as const;
type TabId = (typeof TABS)[number]['id'];

const API_FIELDS = /^(name|description|example_questions|data_inputs|http_method|url|headers|body|token_ids)(\.|$)/;
const DATA_FIELDS = /^(data_transformation_type|response_fields|code_block|response_logging|object_mappings)(\.|$)/;
const FIN_FIELDS = /^(direct_fin_usage|audience_mode|audience_ids|audience_rules)(\.|$)/;

interface Problem {
  field: string | null;
  message: string;
}

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready' };

type Publish =
  | { step: 'closed' }
  | { step: 'checking' }
  | { step: 'review'; check: SecurityCheck; changes: FieldChange[]; firstPublication: boolean; acknowledged: boolean; publishing: boolean; error: string | null };

export function ConnectorEditor({ connectorId, onUnauthorized }: ConnectorEditorProps) {
  const [load, setLoad] = useState<Load>(connectorId ? { status: 'loading' } : { status: 'ready' });
  const [saved, setSaved] = useState<ConnectorDetail | null>(null);
  const [initial, setInitial] = useState<ConnectorDraft>(emptyDraft);
  const [draft, setDraft] = useState<ConnectorDraft>(emptyDraft);
  const [tab, setTab] = useState<TabId>('api');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState('');
  const [tokens, setTokens] = useState<TokenList>({ status: 'loading' });
  const [publish, setPublish] = useState<Publish>({ step: 'closed' });
  const [check, setCheck] = useState<{ running: boolean; result: SecurityCheck | null; error: string | null }>({ running: false, result: null, error: null });
  const headingRef = useRef<HTMLHeadingElement>(null);
  const dirty = !sameDraft(draft, initial);
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;

  const fail = useFailureMessage(onUnauthorized);

  const adopt = useCallback((detail: ConnectorDetail) => {
    const next = draftFromDetail(detail);
    setSaved(detail);
    setInitial(next);
    setDraft(next);
  }, []);

  useEffect(() => {
    if (!connectorId) return;
    // After "Save draft" of a new connector the page moves here with the draft already in hand.
    if (saved?.id === connectorId) return;
    const controller = new AbortController();
    setLoad({ status: 'loading' });
    getConnector(connectorId, 'draft', controller.signal)
      .then((detail) => {
        adopt(detail);
        setLoad({ status: 'ready' });
      })
      .catch((error: unknown) => {
        const message = fail(error);
        if (message !== null) setLoad({ status: 'error', message });
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connectorId]);

  const loadTokens = useCallback(() => {
    setTokens({ status: 'loading' });
    listAuthTokens()
      .then((list) => setTokens({ status: 'ready', tokens: list.data }))
      .catch((error: unknown) => setTokens({ status: 'error', message: fail(error) ?? 'Signed out.' }));
  }, [fail]);
  useEffect(() => loadTokens(), [loadTokens]);

  // Revert needs a live version, which a connector taken out of service (state draft) keeps.
  const hasLiveVersion = !!saved?.has_live_version;

  useEffect(() => {
    document.title = `${saved?.name ?? 'New connector'} · Data connectors · Patchbay`;
  }, [saved?.name]);

  useEffect(() => {
    if (load.status === 'ready') headingRef.current?.focus();
  }, [load.status]);

  // Unsaved changes are never lost silently: closing the tab, links in the app, Back.
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!dirtyRef.current) return;
      event.preventDefault();
      event.returnValue = '';
    };
    const onClick = (event: MouseEvent) => {
      if (!dirtyRef.current || event.defaultPrevented || event.button !== 0) return;
      const link = (event.target as Element | null)?.closest?.('a[href]');
      if (!(link instanceof HTMLAnchorElement) || link.target === '_blank' || link.origin !== window.location.origin) return;
      if (link.pathname === window.location.pathname) return;
      if (!window.confirm('You have unsaved changes to this connector. Leave without saving?')) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    setLeaveGuard(() => !dirtyRef.current || window.confirm('You have unsaved changes to this connector. Leave without saving?'));
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('click', onClick, true);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      setLeaveGuard(null);
      document.removeEventListener('click', onClick, true);
    };
  }, []);

  const errorsFor = (field: string) => problems.filter((p) => p.field === field).map((p) => p.message);
  const clearErrors = (prefix: string) => setProblems((current) => current.filter((p) => !p.field?.startsWith(prefix)));
  const errorsUnder = (prefix: string) => problems.filter((p) => p.field === prefix || p.field?.startsWith(`${prefix}.`)).map((p) => p.message);

  // A test changed the saved draft's response fields outside "Save draft": take them in, keeping unsaved
  // settings of paths that still exist, so the next save does not undo the test.
  const adoptResponseFields = useCallback((detail: ConnectorDetail) => {
    setSaved(detail);
    setInitial((d) => ({ ...d, data: { ...d.data, fields: detail.response_fields } }));
    setDraft((d) => ({ ...d, data: { ...d.data, fields: mergeFields(detail.response_fields, d.data.fields) } }));
  }, []);

  // Saves when there is something to save; resolves to the saved draft, or null when it failed.
  async function save(): Promise<ConnectorDetail | null> {
    if (saved && !dirty) return saved;
    if (saving) return null;
    setSaving(true);
    setStatus('');
    setProblems([]);
    try {
      const body = writeFromDraft(draft);
      const detail = saved ? await updateConnector(saved.id, body) : await createConnector(body);
      adopt(detail);
      setStatus('Draft saved.');
      if (!saved) navigate(`/settings/connectors/${encodeURIComponent(detail.id)}`, { replace: true });
      return detail;
    } catch (error) {
      const message = fail(error);
      if (message === null) return null;
      const named = error instanceof ApiError && error.errors.length > 0 ? error.errors.map((e) => ({ field: e.field ?? null, message: e.message })) : [{ field: null, message }];
      setProblems(named);
      if (named.some((p) => p.field && API_FIELDS.test(p.field))) setTab('api');
      else if (named.some((p) => p.field && DATA_FIELDS.test(p.field))) setTab('data');
      else if (named.some((p) => p.field && FIN_FIELDS.test(p.field))) setTab('fin');
      else if (named.some((p) => p.field === 'customer_authentication' || p.field === 'bypass_authentication')) setTab('security');
      setStatus('The draft was not saved: see the problems marked below.');
      // Keyboard and screen-reader users land on the first field at fault once the tab has rendered.
      requestAnimationFrame(() => (document.querySelector<HTMLElement>('.connector-panel [aria-invalid="true"]') ?? null)?.focus());
      return null;
    } finally {
      setSaving(false);
    }
  }

  async function securityCheck() {
    if (check.running || saving) return;
    const detail = await save();
    if (!detail) return;
    setCheck({ running: true, result: null, error: null });
    try {
      setCheck({ running: false, result: await runSecurityCheck(detail.id), error: null });
    } catch (error) {
      setCheck({ running: false, result: null, error: fail(error) });
    }
  }

  async function startPublish() {
    if (publish.step !== 'closed' || saving) return;
    const detail = await save();
    if (!detail) return;
    setPublish({ step: 'checking' });
    try {
      const firstPublication = !detail.has_live_version;
      const [result, live] = await Promise.all([runSecurityCheck(detail.id), firstPublication ? null : getConnector(detail.id, 'live')]);
      setCheck({ running: false, result, error: null });
      setPublish({ step: 'review', check: result, changes: diffVersions(live, detail), firstPublication, acknowledged: false, publishing: false, error: null });
    } catch (error) {
      const message = fail(error);
      setPublish({ step: 'closed' });
      if (message) setStatus(`Could not prepare publishing: ${message}`);
    }
  }

  async function confirmPublish() {
    if (publish.step !== 'review' || !saved || publish.publishing) return;
    setPublish({ ...publish, publishing: true, error: null });
    try {
      const detail = await updateConnector(saved.id, { state: 'live', ...(publish.check.requires_acknowledgement && publish.acknowledged && { security_acknowledgement: true }) });
      adopt(detail);
      setPublish({ step: 'closed' });
      setStatus('The connector is live.');
    } catch (error) {
      const message = fail(error);
      if (message !== null) setPublish({ ...publish, publishing: false, error: message });
    }
  }

  async function revert() {
    if (!saved || saving) return;
    if (!window.confirm('Discard every change in the draft (saved and unsaved) and go back to the live version?')) return;
    setSaving(true);
    setProblems([]);
    try {
      adopt(await updateConnector(saved.id, { revert_draft: true }));
      setStatus('The draft was reverted to the live version.');
    } catch (error) {
      const message = fail(error);
      if (message !== null) setStatus(`Could not revert the draft: ${message}`);
    } finally {
      setSaving(false);
    }
  }

  function onTabKey(event: KeyboardEvent<HTMLButtonElement>, index: number) {
    const to =
      event.key === 'ArrowRight' ? (index + 1) % TABS.length
      : event.key === 'ArrowLeft' ? (index - 1 + TABS.length) % TABS.length
      : event.key === 'Home' ? 0
      : event.key === 'End' ? TABS.length - 1
      : null;
    if (to === null) return;
    event.preventDefault();
    setTab(TABS[to]!.id);
    document.getElementById(`connector-tab-${TABS[to]!.id}`)?.focus();
  }

  if (load.status === 'loading') {
    return (
      <p className="state" role="status">
        <span className="spinner" aria-hidden="true" /> Loading connector…
      </p>
    );
  }
  if (load.status === 'error') {
    return (
      <div className="state error-state" role="alert">
        <p>
          <strong>Could not load this connector.</strong> {load.message}
        </p>
        <a href="/settings/connectors" onClick={followLink}>
          Back to data connectors
        </a>
      </div>
    );
  }

  const unplaced = problems.filter((p) => !p.field || !isShownField(p.field)).map((p) => p.message);
  return (
    <div className="connector-editor">
      <p className="breadcrumb">
        <a href="/settings/connectors" onClick={followLink}>
          Data connectors
        </a>{' '}
        /
      </p>
      <header className="connector-editor-header">
        <h1 ref={headingRef} tabIndex={-1}>
          {saved?.name || draft.name.trim() || 'New connector'}
        </h1>
        <span className={`badge badge-${saved?.state ?? 'draft'}`} data-testid="connector-state">
          {saved?.state === 'live' ? 'Live' : 'Draft'}
        </span>
        {saved?.has_unpublished_changes && hasLiveVersion && <span className="badge badge-changes">Unpublished changes</span>}
        {dirty && <span className="badge badge-muted">Unsaved edits</span>}
        <div className="connector-editor-actions">
          <button type="button" onClick={() => void save()} aria-disabled={saving || (!!saved && !dirty) || undefined}>
            {saving ? 'Saving…' : 'Save draft'}
          </button>
          <button type="button" className="primary" onClick={() => void startPublish()} aria-disabled={saving || publish.step !== 'closed' || undefined}>
            {publish.step === 'checking' ? 'Checking…' : 'Set live'}
          </button>
          {saved && hasLiveVersion && (saved.has_unpublished_changes || dirty) && (
            <button type="button" onClick={() => void revert()} aria-disabled={saving || undefined}>
              Revert draft
            </button>
          )}
        </div>
      </header>
      <p className="status-line" role="status">
        {status}
      </p>
      {unplaced.length > 0 && <FieldErrors errors={unplaced} />}

      {publish.step === 'review' && (
        <PublishReview
          publish={publish}
          onAcknowledge={(acknowledged) => setPublish({ ...publish, acknowledged })}
          onConfirm={() => void confirmPublish()}
          onCancel={() => setPublish({ step: 'closed' })}
        />
      )}

      <div role="tablist" aria-label="Connector configuration" className="connector-tabs">
        {TABS.map((t, index) => (
          <button
            key={t.id}
            id={`connector-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls={`connector-panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
            onKeyDown={(event) => onTabKey(event, index)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`connector-panel-${tab}`} aria-labelledby={`connector-tab-${tab}`} tabIndex={0} className="connector-panel" data-testid={`connector-panel-${tab}`}>
        {tab === 'api' && <ApiTab draft={draft} setDraft={setDraft} errorsFor={errorsFor} clearErrors={clearErrors} tokens={tokens} onRetryTokens={loadTokens} onTokenCreated={(token) => setTokens((t) => (t.status === 'ready' ? { status: 'ready', tokens: [...t.tokens, token].sort((a, b) => a.name.localeCompare(b.name)) } : t))} />}
        {tab === 'data' && <DataTab draft={draft} setDraft={setDraft} errorsFor={errorsFor} errorsUnder={errorsUnder} clearErrors={clearErrors} saved={saved} save={save} fail={fail} />}
        {tab === 'fin' && <FinTab draft={draft} setDraft={setDraft} errorsFor={errorsFor} clearErrors={clearErrors} saved={saved} dirty={dirty} save={save} fail={fail} />}
        {tab === 'security' && (
          <SecurityTab draft={draft} setDraft={setDraft} errorsFor={errorsFor} check={check} onRunCheck={() => void securityCheck()} saving={saving} />
        )}
        {tab === 'test' && <TestTab draft={draft} saved={saved} dirty={dirty} save={save} fail={fail} onFieldsSaved={adoptResponseFields} />}
        {tab === 'logs' &&
          (saved ? (
            <ConnectorLogs connectorId={saved.id} onUnauthorized={onUnauthorized} />
          ) : (
            <p className="hint">Logs appear once the connector is saved and has run.</p>
          ))}
      </div>
    </div>
  );
}

const isShownField = (field: string) => API_FIELDS.test(field) || DATA_FIELDS.test(field) || FIN_FIELDS.test(field) || field === 'customer_authentication' || field === 'bypass_authentication';

function PublishReview({
  publish,
  onAcknowledge,
  onConfirm,
  onCancel,
}: {
  publish: Extract<Publish, { step: 'review' }>;
  onAcknowledge(value: boolean): void;
  onConfirm(): void;
  onCancel(): void;
}) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const unresolved = publish.check.findings.filter((f) => !f.acknowledged);
  const needsAck = publish.check.requires_acknowledgement;
  const blocked = needsAck && !publish.acknowledged;
  return (
    <section ref={ref} tabIndex={-1} className="publish-review" aria-labelledby="publish-review-title" data-testid="publish-review">
      <h2 id="publish-review-title">Set this connector live?</h2>
      <h3>Changes {publish.firstPublication ? '(first publication)' : 'from the live version'}</h3>
      {publish.changes.length === 0 ? (
        <p>No differences in the API and Security settings{publish.firstPublication ? '' : ' (other settings, such as response shaping, may differ)'}.</p>
      ) : (
        <table className="diff-table">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Live</th>
              <th scope="col">Draft</th>
            </tr>
          </thead>
          <tbody>
            {publish.changes.map((change) => (
              <tr key={change.label}>
                <th scope="row">{change.label}</th>
                <td>
                  <del>{change.before || '—'}</del>
                </td>
                <td>
                  <ins>{change.after || '—'}</ins>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Security check</h3>
      {unresolved.length === 0 ? <p>No unresolved findings.</p> : <Findings findings={unresolved} />}
      {needsAck && (
        <label className="checkbox acknowledge">
          <input type="checkbox" checked={publish.acknowledged} onChange={(e) => onAcknowledge(e.target.checked)} /> I understand the high-severity findings above and want to set the connector live anyway
        </label>
      )}
      {publish.error && (
        <p className="error" role="alert">
          {publish.error}
        </p>
      )}
      <div className="row-actions">
        <button type="button" className="primary" onClick={onConfirm} aria-disabled={blocked || publish.publishing || undefined} disabled={blocked}>
          {publish.publishing ? 'Publishing…' : 'Publish'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}

function Findings({ findings }: { findings: SecurityCheck['findings'] }) {
  return (
    <ul className="findings" data-testid="security-findings">
      {findings.map((f, index) => (
        <li key={`${f.code}-${f.field ?? ''}-${index}`} className={`finding severity-${f.severity}`}>
          <span className={`badge severity-${f.severity}`}>{f.severity}</span> <strong>{f.message}</strong>
          {f.acknowledged && <span className="muted"> (acknowledged)</span>}
          <p className="recommendation">{f.recommendation}</p>
        </li>
      ))}
    </ul>
  );
}

function SecurityTab({
  draft,
  setDraft,
  errorsFor,
  check,
  onRunCheck,
  saving,
}: {
  draft: ConnectorDraft;
  setDraft: Dispatch<SetStateAction<ConnectorDraft>>;
  errorsFor(field: string): string[];
  check: { running: boolean; result: SecurityCheck | null; error: string | null };
  onRunCheck(): void;
  saving: boolean;
}) {
  return (
    <div className="connector-tab security-tab">
      <section aria-labelledby="security-auth">
        <h2 id="security-auth">Customer authentication</h2>
        <label className="checkbox">
          <input type="checkbox" checked={draft.customerAuthentication} onChange={(e) => setDraft((d) => ({ ...d, customerAuthentication: e.target.checked }))} /> Require customer
          authentication (a verified messenger identity or an emailed one-time code) before this connector runs for a customer
        </label>
        <FieldErrors errors={errorsFor('customer_authentication')} />
        <label className="checkbox">
          <input type="checkbox" checked={draft.bypassAuthentication} onChange={(e) => setDraft((d) => ({ ...d, bypassAuthentication: e.target.checked }))} /> Bypass authentication (public
          data only: anyone may trigger it without proving who they are)
        </label>
        <FieldErrors errors={errorsFor('bypass_authentication')} />
      </section>
      <section aria-labelledby="security-check">
        <h2 id="security-check">Security check</h2>
        <p className="hint">Checks the saved draft (unsaved edits are saved first) for risky URLs, secrets, unprotected personal data and more.</p>
        <button type="button" onClick={onRunCheck} aria-disabled={check.running || saving || undefined}>
          {check.running ? 'Checking…' : 'Run security check'}
        </button>
        <div aria-live="polite">
          {check.error && (
            <p className="error" role="alert">
              {check.error}
            </p>
          )}
          {check.result && (
            <div className="security-result">
              <p>
                {check.result.passed ? 'Passed: no high-severity findings.' : 'High-severity findings need attention.'} {check.result.summary.high} high, {check.result.summary.medium} medium,{' '}
                {check.result.summary.low} low.
              </p>
              {check.result.findings.length > 0 && <Findings findings={check.result.findings} />}
            </div>
          )}
        </div>
      </section>
    </div>
  );
}

function TestTab({
  draft,
  saved,
  dirty,
  save,
  fail,
  onFieldsSaved,
}: {
  draft: ConnectorDraft;
  saved: ConnectorDetail | null;
  dirty: boolean;
  save(): Promise<ConnectorDetail | null>;
  fail(error: unknown): string | null;
  // Response fields live outside the form's draft, so saving them must not reset unsaved edits.
  onFieldsSaved(detail: ConnectorDetail): void;
}) {
  const [mode, setMode] = useState<'live' | 'example'>('live');
  const [values, setValues] = useState<Record<string, string>>({});
  const [example, setExample] = useState(() => (saved?.mock_response != null ? JSON.stringify(saved.mock_response, null, 2) : ''));
  const [exampleError, setExampleError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<TestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldsNote, setFieldsNote] = useState<string | null>(null);

  async function run() {
    if (running) return;
    setError(null);
    setExampleError(null);
    let mock: unknown;
    if (mode === 'example') {
      try {
        mock = JSON.parse(example);
      } catch (e) {
        setExampleError(`Not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
    }
    setRunning(true);
    try {
      const detail = await save();
      if (!detail) {
        setError('Fix the problems in the draft first.');
        return;
      }
      // The server derives the response fields from a new example response.
      if (mode === 'example') onFieldsSaved(await updateConnector(detail.id, { mock_response: mock }));
      const inputs = Object.fromEntries(draft.inputs.map((i) => [i.name.trim(), values[i.key] ?? '']).filter(([name, value]) => name && value !== ''));
      const outcome = await testConnector(detail.id, { mode, inputs });
      setResult(outcome);
      setFieldsNote(null);
      // A live test's response becomes the draft's test response, which the Data and Security tabs work from;
      // settings already chosen for a path (label, formatter, selection, redaction) are kept.
      if (outcome.mode === 'live' && outcome.success && outcome.response_fields.length > 0) {
        const known = new Map(detail.response_fields.map((f) => [f.path, f]));
        const response_fields = outcome.response_fields.map((f) => ({
          ...(known.get(f.path) ?? { redacted: false, label: null, formatter: null, formatter_options: null, selected: false }),
          path: f.path,
          type: f.type,
          example_value: f.example_value,
        }));
        onFieldsSaved(await updateConnector(detail.id, { response_fields }));
        setFieldsNote(`Saved ${response_fields.length} response fields from this test as the draft's test response.`);
      }
    } catch (e) {
      const message = fail(e);
      if (message) setError(message);
    } finally {
      setRunning(false);
    }
  }

  return (
    <div className="connector-tab test-tab">
      <fieldset className="test-mode">
        <legend>Test with</legend>
        <label className="checkbox">
          <input type="radio" name="test-mode" checked={mode === 'live'} onChange={() => setMode('live')} /> Live response (sends a real request to the API)
        </label>
        <label className="checkbox">
          <input type="radio" name="test-mode" checked={mode === 'example'} onChange={() => setMode('example')} /> Example response (sends nothing)
        </label>
      </fieldset>
      {mode === 'live' && <p className="notice">A live test makes a real API call: be careful if this request changes data.</p>}
      {mode === 'example' && (
        <div className="field">
          <label htmlFor="test-example">Example response (JSON)</label>
          <textarea id="test-example" rows={6} value={example} spellCheck={false} onChange={(e) => setExample(e.target.value)} aria-invalid={!!exampleError || undefined} />
          <FieldErrors errors={exampleError ? [exampleError] : []} />
        </div>
      )}
      {draft.inputs.length > 0 && (
        <fieldset className="test-inputs">
          <legend>Data inputs</legend>
          {draft.inputs.map((input) => {
            const inputError = result?.input_errors.filter((e) => e.field === input.name.trim()).map((e) => e.message) ?? [];
            return (
              <div className="field" key={input.key}>
                <label htmlFor={`test-input-${input.key}`}>
                  {input.name || '(unnamed input)'}
                  {input.required ? ' (required)' : ''}
                </label>
                <input id={`test-input-${input.key}`} type="text" value={values[input.key] ?? ''} placeholder={input.defaultValue} onChange={(e) => setValues({ ...values, [input.key]: e.target.value })} />
                <FieldErrors errors={inputError} />
              </div>
            );
          })}
        </fieldset>
      )}
      <button type="button" className="primary" onClick={() => void run()} aria-disabled={running || undefined}>
        {running ? 'Testing…' : dirty || !saved ? 'Save draft and test' : 'Run test'}
      </button>
      <div aria-live="polite" className="test-result" data-testid="test-result">
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {result && (
          <>
            <p className="notice">{result.notice}</p>
            {fieldsNote && <p className="hint">{fieldsNote}</p>}
            <p>
              <strong>{result.success ? 'Success' : 'Failed'}</strong>
              {result.http_status !== null && <> · HTTP {result.http_status}</>} · {result.execution_time_ms} ms
              {result.request_url && (
                <>
                  {' '}
                  · <code>{result.request_url}</code>
                </>
              )}
            </p>
            {result.error_message && (
              <p className="error" role="alert">
                {result.error_type}: {result.error_message}
              </p>
            )}
            {result.input_errors.length > 0 && <FieldErrors errors={result.input_errors.map((e) => `${e.field}: ${e.message}`)} />}
            <div className="responses">
              <div>
                <h3>Raw response</h3>
                <pre data-testid="test-raw-response">{JSON.stringify(result.raw_response, null, 2)}</pre>
              </div>
              <div>
                <h3>What callers get</h3>
                <pre data-testid="test-shaped-response">{JSON.stringify(result.shaped_response, null, 2)}</pre>
              </div>
            </div>
          </>
        )}
      </div>
    </div>
  );
}
