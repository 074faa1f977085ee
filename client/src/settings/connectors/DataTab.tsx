// The Data tab: how the API response is shaped before callers (the AI agent,
// workflows, the inbox) get it, what the logs keep, and which response values
// are written to contact and conversation attributes.
import { useCallback, useEffect, useMemo, useState, type Dispatch, type SetStateAction } from 'react';
import { followLink } from '../../router.ts';
import { listAttributeDefinitions, type AttributeDefinition } from '../settings-api.ts';
import { FieldErrors } from './ApiTab.tsx';
import { codeSuggestions, testCode, testConnector, type AccessMode, type CodeSuggestion, type CodeTestResult, type ConnectorDetail, type Formatter, type ResponseField, type ResponseLogging, type TestResult } from './connector-api.ts';
import { newKey, type ConnectorDraft } from './connector-draft.ts';
import { ACCESS_MODES, errorLine, fieldTree, mergeFields, FORMATTER_OPTIONS, FORMATTERS, LOGGING, type DataDraft, type MappingRow, type TreeNode } from './data-draft.ts';
import { PythonEditor } from './PythonEditor.tsx';
import './data-tab.css';

interface DataTabProps {
  draft: ConnectorDraft;
  setDraft: Dispatch<SetStateAction<ConnectorDraft>>;
  errorsFor(field: string): string[];
  // Messages for a field and everything under it (response_fields.2 -> response_fields.2.label ...).
  errorsUnder(prefix: string): string[];
  clearErrors(prefix: string): void;
  saved: ConnectorDetail | null;
  save(): Promise<ConnectorDetail | null>;
  fail(error: unknown): string | null;
}

type Definitions = { status: 'loading' } | { status: 'error' } | { status: 'ready'; contact: string[]; conversation: string[] };

export function DataTab({ draft, setDraft, errorsFor, errorsUnder, clearErrors, saved, save, fail }: DataTabProps) {
  const data = draft.data;
  const setData = useCallback((change: (d: DataDraft) => Partial<DataDraft>) => setDraft((d) => ({ ...d, data: { ...d.data, ...change(d.data) } })), [setDraft]);
  // The response of a live test made in this tab; code tests run against it.
  const [lastResponse, setLastResponse] = useState<unknown>(undefined);
  const [suggestions, setSuggestions] = useState<CodeSuggestion[]>([]);
  // Which stored response the fields and suggestions come from: the last live test's, else the example.
  const [basedOn, setBasedOn] = useState<'test_response' | 'example_response' | null>(null);
  const [definitions, setDefinitions] = useState<Definitions>({ status: 'loading' });
  const savedId = saved?.id ?? null;

  const loadSuggestions = useCallback(
    (id: string, signal?: AbortSignal) =>
      codeSuggestions(id, signal)
        .then((list) => {
          setSuggestions(list.data);
          setBasedOn(list.based_on);
        })
        .catch((error: unknown) => void fail(error)),
    [fail],
  );
  useEffect(() => {
    if (!savedId) return;
    const controller = new AbortController();
    void loadSuggestions(savedId, controller.signal);
    return () => controller.abort();
  }, [savedId, loadSuggestions]);

  useEffect(() => {
    const controller = new AbortController();
    listAttributeDefinitions(controller.signal)
      .then((list) => setDefinitions({ status: 'ready', ...byTarget(list.data) }))
      .catch((error: unknown) => {
        if (fail(error) !== null) setDefinitions({ status: 'error' });
      });
    return () => controller.abort();
  }, [fail]);

  const paths = useMemo(() => data.fields.map((f) => f.path), [data.fields]);

  return (
    <div className="connector-tab data-tab">
      <TestResponse draft={draft} basedOn={basedOn} save={save} fail={fail} onFields={(fields) => setData((d) => ({ fields: mergeFields(fields, d.fields) }))} onResponse={(response, id) => {
        setLastResponse(response);
        void loadSuggestions(id);
      }} />

      <section aria-labelledby="data-access">
        <h2 id="data-access">Data access</h2>
        <fieldset className="access-modes">
          <legend>What callers, including the AI agent, get from the response</legend>
          {ACCESS_MODES.map((mode) => (
            <label className="checkbox" key={mode.value}>
              <input type="radio" name="data-access" value={mode.value} checked={data.access === mode.value} onChange={() => setData(() => ({ access: mode.value as AccessMode }))} /> <span>
                <strong>{mode.label}</strong> <span className="muted">{mode.hint}</span>
              </span>
            </label>
          ))}
          <FieldErrors errors={errorsUnder('data_transformation_type')} />
        </fieldset>

        {suggestions.length > 0 && <Suggestions suggestions={suggestions} saved={saved} lastResponse={lastResponse} fail={fail} onAccept={(code) => setData(() => ({ access: 'code_block_transformation', code }))} />}

        {data.access === 'redacted_access' && <FieldTree data={data} setData={setData} errorsFor={errorsFor} errorsUnder={errorsUnder} />}
        {data.access === 'code_block_transformation' && <CodeBlock data={data} setData={setData} errorsUnder={errorsUnder} saved={saved} save={save} fail={fail} lastResponse={lastResponse} />}
        {data.access === 'full_access' && data.fields.length > 0 && <p className="hint">{data.fields.length} fields in the test response; all of them are handed over.</p>}
      </section>

      <section aria-labelledby="data-logging">
        <h2 id="data-logging">Response logging</h2>
        <div className="field">
          <label htmlFor="response-logging">What execution logs keep of the response</label>
          <select id="response-logging" value={data.logging} onChange={(e) => setData(() => ({ logging: e.target.value as ResponseLogging }))} aria-invalid={errorsUnder('response_logging').length > 0 || undefined}>
            {LOGGING.map((l) => (
              <option key={l.value} value={l.value}>
                {l.label}
              </option>
            ))}
          </select>
          <p className="hint">Fields marked "redact in logs" are masked whenever logs keep response data.</p>
          <FieldErrors errors={errorsUnder('response_logging')} />
        </div>
      </section>

      <ObjectMappings data={data} setData={setData} paths={paths} definitions={definitions} errorsFor={errorsFor} errorsUnder={errorsUnder} clearErrors={clearErrors} />
    </div>
  );
}

function byTarget(list: AttributeDefinition[]) {
  const names = (target: string) => list.filter((d) => d.target === target).map((d) => d.name).sort();
  return { contact: names('contact'), conversation: names('conversation') };
}

// --- the test response the tree, code tests and suggestions work from ---------

function TestResponse({
  draft,
  basedOn,
  save,
  fail,
  onFields,
  onResponse,
}: {
  draft: ConnectorDraft;
  basedOn: 'test_response' | 'example_response' | null;
  save(): Promise<ConnectorDetail | null>;
  fail(error: unknown): string | null;
  onFields(fields: TestResult['response_fields']): void;
  onResponse(response: unknown, connectorId: string): void;
}) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [running, setRunning] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  async function run() {
    if (running) return;
    setRunning(true);
    setMessage(null);
    try {
      const detail = await save();
      if (!detail) {
        setMessage({ error: true, text: 'Fix the problems in the draft first.' });
        return;
      }
      const inputs = Object.fromEntries(draft.inputs.map((i) => [i.name.trim(), values[i.key] ?? '']).filter(([name, value]) => name && value !== ''));
      const outcome = await testConnector(detail.id, { mode: 'live', inputs });
      const response = outcome.raw_response;
      if (!outcome.success || response === null || typeof response !== 'object') {
        const why = outcome.error_message ?? (outcome.input_errors.map((e) => `${e.field}: ${e.message}`).join('; ') || 'the API did not answer with a JSON object or array');
        setMessage({ error: true, text: `The live test failed${outcome.http_status !== null ? ` (HTTP ${outcome.http_status})` : ''}: ${why}` });
        return;
      }
      // The server kept the response as the draft's test response; its fields join the draft (kept settings of
      // known paths) and are saved with it.
      onFields(outcome.response_fields);
      onResponse(response, detail.id);
      setMessage({ error: false, text: `Live test: HTTP ${outcome.http_status ?? '?'} in ${outcome.execution_time_ms} ms.` });
    } catch (error) {
      const text = fail(error);
      if (text) setMessage({ error: true, text });
    } finally {
      setRunning(false);
    }
  }

  const fieldCount = draft.data.fields.length;
  return (
    <section aria-labelledby="data-test-response">
      <h2 id="data-test-response">Test response</h2>
      <p className="hint">
        {fieldCount > 0
          ? `Shaped from a response with ${fieldCount} fields${basedOn === 'test_response' ? ' (the last live test)' : basedOn === 'example_response' ? ' (the example response)' : ''}. Run a live test to refresh it.`
          : 'No test response yet: run a live test here, or add an example response in the Test tab.'}
      </p>
      <p className="notice">A live test makes a real API call: be careful if this request changes data.</p>
      {draft.inputs.length > 0 && (
        <div className="data-test-inputs">
          {draft.inputs.map((input) => (
            <div className="field" key={input.key}>
              <label htmlFor={`data-test-input-${input.key}`}>
                Test value for {input.name || '(unnamed input)'}
                {input.required ? ' (required)' : ''}
              </label>
              <input id={`data-test-input-${input.key}`} type="text" value={values[input.key] ?? ''} placeholder={input.defaultValue} onChange={(e) => setValues({ ...values, [input.key]: e.target.value })} />
            </div>
          ))}
        </div>
      )}
      <button type="button" onClick={() => void run()} aria-disabled={running || undefined}>
        {running ? 'Testing…' : 'Run live test'}
      </button>
      <div aria-live="polite" data-testid="data-test-status">
        {message && <p className={message.error ? 'error' : 'hint'}>{message.text}</p>}
      </div>
    </section>
  );
}

// --- restricted fields ------------------------------------------------------------

function FieldTree({ data, setData, errorsFor, errorsUnder }: { data: DataDraft; setData(change: (d: DataDraft) => Partial<DataDraft>): void; errorsFor(field: string): string[]; errorsUnder(prefix: string): string[] }) {
  const tree = useMemo(() => fieldTree(data.fields), [data.fields]);
  const updateField = (index: number, change: Partial<ResponseField>) => setData((d) => ({ fields: d.fields.map((f, i) => (i === index ? { ...f, ...change } : f)) }));
  const selected = data.fields.filter((f) => f.selected).length;
  if (data.fields.length === 0) return <p className="hint">Run a live test or add an example response to choose fields.</p>;
  return (
    <div className="field-tree-wrap">
      <p className="hint">
        Check the fields callers may see ({selected} of {data.fields.length} checked). Edit a field to give it a customer-facing name, a formatter, or to redact it in logs.
      </p>
      <FieldErrors errors={errorsFor('response_fields')} />
      <ul className="field-tree" role="tree" aria-label="Response fields" data-testid="response-field-tree">
        {tree.map((node) => (
          <TreeItem key={node.path} node={node} fields={data.fields} updateField={updateField} errorsUnder={errorsUnder} level={1} />
        ))}
      </ul>
    </div>
  );
}

function TreeItem({
  node,
  fields,
  updateField,
  errorsUnder,
  level,
}: {
  node: TreeNode;
  fields: ResponseField[];
  updateField(index: number, change: Partial<ResponseField>): void;
  errorsUnder(prefix: string): string[];
  level: number;
}) {
  const index = node.fieldIndex;
  const field = index === null ? null : fields[index]!;
  const errors = index === null ? [] : errorsUnder(`response_fields.${index}`);
  const [editing, setEditing] = useState(false);
  const open = editing || errors.length > 0;
  return (
    <li role="treeitem" aria-level={level} aria-selected={field?.selected ?? false} aria-expanded={node.children.length > 0 ? true : undefined} className="tree-item" data-path={node.path}>
      {field && index !== null ? (
        <div className="tree-field">
          <label className="checkbox">
            <input type="checkbox" checked={field.selected} onChange={(e) => updateField(index, { selected: e.target.checked })} aria-label={`Expose ${node.path}`} />
            <code>{node.name}</code>
          </label>
          <span className="muted">{field.type === 'unknown' && field.example_value === null ? 'list or object' : field.type}</span>
          {field.example_value !== null && <span className="example-value">{String(field.example_value)}</span>}
          {field.label && <span className="badge">as “{field.label}”</span>}
          {field.formatter && field.formatter !== 'none' && <span className="badge">{FORMATTERS.find((f) => f.value === field.formatter)?.label ?? field.formatter}</span>}
          {field.redacted && <span className="badge badge-muted">redacted in logs</span>}
          <button type="button" className="edit-field" aria-expanded={open} aria-label={`Edit ${node.path}`} onClick={() => setEditing(!editing)}>
            ✎ Edit
          </button>
          {open && <FieldSettings path={node.path} index={index} field={field} updateField={updateField} errorsUnder={errorsUnder} />}
        </div>
      ) : (
        <span className="tree-object">
          <code>{node.name}</code> <span className="muted">object</span>
        </span>
      )}
      {node.children.length > 0 && (
        <ul role="group">
          {node.children.map((child) => (
            <TreeItem key={child.path} node={child} fields={fields} updateField={updateField} errorsUnder={errorsUnder} level={level + 1} />
          ))}
        </ul>
      )}
    </li>
  );
}

function FieldSettings({ path, index, field, updateField, errorsUnder }: { path: string; index: number; field: ResponseField; updateField(index: number, change: Partial<ResponseField>): void; errorsUnder(prefix: string): string[] }) {
  const id = `field-${index}`;
  const prefix = `response_fields.${index}`;
  const options = field.formatter ? (FORMATTER_OPTIONS[field.formatter] ?? []) : [];
  const placed = [...errorsUnder(`${prefix}.label`), ...errorsUnder(`${prefix}.formatter`)];
  const other = errorsUnder(prefix).filter((m) => !placed.includes(m));
  return (
    <div className="field-settings" role="group" aria-label={`Settings of ${path}`}>
      <div className="field">
        <label htmlFor={`${id}-label`}>Customer-facing name for {path}</label>
        <input id={`${id}-label`} type="text" maxLength={200} value={field.label ?? ''} placeholder={path} onChange={(e) => updateField(index, { label: e.target.value === '' ? null : e.target.value })} aria-invalid={errorsUnder(`${prefix}.label`).length > 0 || undefined} />
        <FieldErrors errors={errorsUnder(`${prefix}.label`)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-formatter`}>Formatter for {path}</label>
        <select
          id={`${id}-formatter`}
          value={field.formatter ?? 'none'}
          onChange={(e) => updateField(index, { formatter: e.target.value === 'none' ? null : (e.target.value as Formatter), formatter_options: null })}
          aria-invalid={errorsUnder(`${prefix}.formatter`).length > 0 || undefined}
        >
          {FORMATTERS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
        <FieldErrors errors={errorsUnder(`${prefix}.formatter`)} />
      </div>
      {options.map((option) => (
        <div className="field" key={option.name}>
          <label htmlFor={`${id}-option-${option.name}`}>{option.label}</label>
          <input
            id={`${id}-option-${option.name}`}
            type="text"
            placeholder={option.placeholder}
            value={typeof field.formatter_options?.[option.name] === 'string' ? (field.formatter_options[option.name] as string) : ''}
            onChange={(e) => {
              const next = { ...(field.formatter_options ?? {}) };
              if (e.target.value === '') delete next[option.name];
              else next[option.name] = e.target.value;
              updateField(index, { formatter_options: Object.keys(next).length > 0 ? next : null });
            }}
          />
        </div>
      ))}
      <label className="checkbox">
        <input type="checkbox" checked={field.redacted} onChange={(e) => updateField(index, { redacted: e.target.checked })} /> Redact {path} in logs
      </label>
      <FieldErrors errors={other} />
    </div>
  );
}

// --- code ---------------------------------------------------------------------------

function CodeResult({ result, testId }: { result: CodeTestResult; testId: string }) {
  return (
    <div className="code-result" data-testid={testId}>
      <p>
        <strong>{result.success ? 'Returned' : 'Failed'}</strong> · {result.duration_ms} ms
      </p>
      {result.error && (
        <p className="error" role="alert">
          {result.error}
        </p>
      )}
      {result.success && <pre aria-label="What the code returned">{JSON.stringify(result.result, null, 2)}</pre>}
      {result.debug_output !== '' && (
        <>
          <h4>Printed output</h4>
          <pre aria-label="Printed output">{result.debug_output}</pre>
        </>
      )}
    </div>
  );
}

async function runCode(saved: ConnectorDetail, code: string, lastResponse: unknown): Promise<CodeTestResult> {
  return testCode(saved.id, { code, ...(lastResponse !== undefined && { data: lastResponse }) });
}

function Suggestions({ suggestions, saved, lastResponse, fail, onAccept }: { suggestions: CodeSuggestion[]; saved: ConnectorDetail | null; lastResponse: unknown; fail(error: unknown): string | null; onAccept(code: string): void }) {
  const [viewing, setViewing] = useState<string | null>(null);
  const [results, setResults] = useState<Record<string, CodeTestResult | string>>({});
  const [accepted, setAccepted] = useState<string | null>(null);
  return (
    <div className="suggestions" role="region" aria-label="Code suggestions" data-testid="code-suggestions">
      {suggestions.map((s) => (
        <div className="suggestion" key={s.kind}>
          <p>
            <strong>{s.title}</strong> {s.reason}
          </p>
          <div className="row-actions">
            <button type="button" aria-expanded={viewing === s.kind} onClick={() => setViewing(viewing === s.kind ? null : s.kind)}>
              {viewing === s.kind ? 'Hide suggestion' : 'View suggestion'}
            </button>
            <button
              type="button"
              onClick={() => {
                if (!saved) return;
                setViewing(s.kind);
                runCode(saved, s.code, lastResponse)
                  .then((result) => setResults((r) => ({ ...r, [s.kind]: result })))
                  .catch((error: unknown) => setResults((r) => ({ ...r, [s.kind]: fail(error) ?? 'Signed out.' })));
              }}
            >
              Test code
            </button>
            <button
              type="button"
              className="primary"
              onClick={() => {
                onAccept(s.code);
                setAccepted(s.kind);
              }}
            >
              Accept suggestion
            </button>
          </div>
          {accepted === s.kind && <p className="hint" role="status">Accepted: the code is in the editor below and callers get what it returns once you save.</p>}
          {viewing === s.kind && <pre className="suggestion-code" aria-label={`Suggested code: ${s.title}`}>{s.code}</pre>}
          {typeof results[s.kind] === 'string' && (
            <p className="error" role="alert">
              {results[s.kind] as string}
            </p>
          )}
          {typeof results[s.kind] === 'object' && <CodeResult result={results[s.kind] as CodeTestResult} testId="suggestion-test-result" />}
        </div>
      ))}
    </div>
  );
}

function CodeBlock({
  data,
  setData,
  errorsUnder,
  saved,
  save,
  fail,
  lastResponse,
}: {
  data: DataDraft;
  setData(change: (d: DataDraft) => Partial<DataDraft>): void;
  errorsUnder(prefix: string): string[];
  saved: ConnectorDetail | null;
  save(): Promise<ConnectorDetail | null>;
  fail(error: unknown): string | null;
  lastResponse: unknown;
}) {
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<CodeTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [testedCode, setTestedCode] = useState<string | null>(null);
  // The highlighted line belongs to the code that was tested; an edit makes it stale.
  const line = result && testedCode === data.code ? errorLine(result.error) : null;

  async function run() {
    if (running) return;
    if (data.code.trim() === '') {
      setError('Write some code first: it reads inputs["data"] and returns what callers get.');
      return;
    }
    setRunning(true);
    setError(null);
    try {
      const detail = saved ?? (await save());
      if (!detail) {
        setError('Fix the problems in the draft first.');
        return;
      }
      const code = data.code;
      setResult(await runCode(detail, code, lastResponse));
      setTestedCode(code);
    } catch (e) {
      setResult(null);
      setError(fail(e));
    } finally {
      setRunning(false);
    }
  }

  return (
    <div className="code-block">
      <p className="hint" id="code-block-hint">
        The response is in <code>inputs['data']</code>; <code>return</code> what callers get. <code>print()</code> output is for debugging only. Modules: math, decimal, re, datetime, json,
        random, time.
      </p>
      <p className="code-label" id="code-block-label">
        Python code
      </p>
      <PythonEditor id="code-block" labelId="code-block-label" describedBy="code-block-hint" value={data.code} onChange={(code) => setData(() => ({ code }))} errorLine={line} invalid={errorsUnder('code_block').length > 0} />
      <FieldErrors errors={errorsUnder('code_block')} />
      <div className="row-actions">
        <button type="button" onClick={() => void run()} aria-disabled={running || undefined}>
          {running ? 'Testing…' : 'Test code'}
        </button>
      </div>
      <div aria-live="polite">
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {result && (
          <>
            {line !== null && <p className="error">Line {line} is highlighted in the editor.</p>}
            <CodeResult result={result} testId="code-test-result" />
          </>
        )}
      </div>
    </div>
  );
}

// --- object mappings --------------------------------------------------------------

function ObjectMappings({
  data,
  setData,
  paths,
  definitions,
  errorsFor,
  errorsUnder,
  clearErrors,
}: {
  data: DataDraft;
  setData(change: (d: DataDraft) => Partial<DataDraft>): void;
  paths: string[];
  definitions: Definitions;
  errorsFor(field: string): string[];
  errorsUnder(prefix: string): string[];
  clearErrors(prefix: string): void;
}) {
  const update = (key: string, change: Partial<MappingRow>) => setData((d) => ({ mappings: d.mappings.map((m) => (m.key === key ? { ...m, ...change } : m)) }));
  return (
    <section aria-labelledby="data-mappings">
      <h2 id="data-mappings">Object mappings</h2>
      <p className="hint">After each successful run, write response values to custom attributes of the contact or the conversation. The AI agent does not need these: it reads the response itself.</p>
      {definitions.status === 'error' && <p className="hint">Could not load the custom attributes; type the attribute name instead.</p>}
      <FieldErrors errors={errorsFor('object_mappings')} />
      <ol className="mappings" data-testid="object-mappings">
        {data.mappings.map((row, index) => {
          const id = `mapping-${row.key}`;
          const choices = definitions.status === 'ready' ? (row.target === 'user' ? definitions.contact : definitions.conversation) : null;
          const pathChoices = row.path && !paths.includes(row.path) ? [row.path, ...paths] : paths;
          const errors = errorsUnder(`object_mappings.${index}`);
          return (
            <li key={row.key} className="mapping-row" aria-label={`Mapping ${index + 1}`}>
              <div className="field">
                <label htmlFor={`${id}-path`}>Response field</label>
                {pathChoices.length > 0 ? (
                  <select id={`${id}-path`} value={row.path} onChange={(e) => update(row.key, { path: e.target.value })}>
                    <option value="">Choose a field…</option>
                    {pathChoices.map((p) => (
                      <option key={p} value={p}>
                        {p}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input id={`${id}-path`} type="text" value={row.path} placeholder="customer.plan" onChange={(e) => update(row.key, { path: e.target.value })} />
                )}
              </div>
              <div className="field">
                <label htmlFor={`${id}-target`}>Write to</label>
                <select id={`${id}-target`} value={row.target} onChange={(e) => update(row.key, { target: e.target.value as MappingRow['target'], attribute: '' })}>
                  <option value="user">Contact attribute</option>
                  <option value="conversation">Conversation attribute</option>
                </select>
              </div>
              <div className="field">
                <label htmlFor={`${id}-attribute`}>Attribute</label>
                {choices ? (
                  <select id={`${id}-attribute`} value={row.attribute} onChange={(e) => update(row.key, { attribute: e.target.value })} aria-invalid={errors.length > 0 || undefined}>
                    <option value="">{choices.length === 0 ? 'No custom attributes defined' : 'Choose an attribute…'}</option>
                    {(row.attribute && !choices.includes(row.attribute) ? [row.attribute, ...choices] : choices).map((name) => (
                      <option key={name} value={name}>
                        {name}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input id={`${id}-attribute`} type="text" value={row.attribute} onChange={(e) => update(row.key, { attribute: e.target.value })} aria-invalid={errors.length > 0 || undefined} />
                )}
              </div>
              <button
                type="button"
                aria-label={`Remove mapping ${index + 1}`}
                onClick={() => {
                  clearErrors('object_mappings');
                  setData((d) => ({ mappings: d.mappings.filter((m) => m.key !== row.key) }));
                }}
              >
                Remove
              </button>
              <FieldErrors errors={errors} />
            </li>
          );
        })}
      </ol>
      <button type="button" disabled={data.mappings.length >= 20} onClick={() => setData((d) => ({ mappings: [...d.mappings, { key: newKey(), path: '', target: 'user', attribute: '' }] }))}>
        + Add mapping
      </button>
      {definitions.status === 'ready' && definitions.contact.length + definitions.conversation.length === 0 && (
        <p className="hint">
          Define custom attributes in <a href="/settings/attributes" onClick={followLink}>
            Settings › Attributes
          </a> first.
        </p>
      )}
    </section>
  );
}
