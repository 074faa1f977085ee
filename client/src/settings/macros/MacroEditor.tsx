import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { ApiError, type DataConnectorSummary } from '../../api.ts';
import type { Admin } from '../../inbox/inbox-api.ts';
import {
  createMacro,
  getDataConnectorInputs,
  updateMacro,
  type ConnectorDataInputDefinition,
  type Macro,
  type MacroActionType,
} from '../../command-palette/palette-api.ts';
import { Field, FieldError } from '../settings-common.tsx';
import { ACTION_TYPES, actionTypeLabel, emptyAction, inputFromDraft, newKey, sameMacro, type DraftAction, type InputRow, type MacroDraft } from './macro-draft.ts';

export type Loadable<T> = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; items: T[] };

interface FieldProblem {
  field: string | null;
  message: string;
}

interface MacroEditorProps {
  macroId: string | null;
  initial: MacroDraft;
  connectors: Loadable<DataConnectorSummary>;
  admins: Loadable<Admin>;
  onRetryLists(): void;
  onSaved(macro: Macro): void;
  onCancel(): void;
  onDirtyChange(dirty: boolean): void;
  onUnauthorized?(message: string): void;
}

const PLACEHOLDER_HINT = 'Placeholders: {{contact.name|fallback:"there"}}, {{contact.email}}, {{contact.custom_attributes.plan}}, {{conversation.custom_attributes.order_id}}, {{company.name}}, {{teammate.name}}';

export function MacroEditor({ macroId, initial, connectors, admins, onRetryLists, onSaved, onCancel, onDirtyChange, onUnauthorized }: MacroEditorProps) {
  const baseId = useId();
  const [draft, setDraft] = useState<MacroDraft>(initial);
  const [saving, setSaving] = useState(false);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [newType, setNewType] = useState<MacroActionType>('reply');
  const [focusTarget, setFocusTarget] = useState<string | null>(null);
  const [inputDefinitions, setInputDefinitions] = useState<Record<string, ConnectorDataInputDefinition[] | 'loading' | 'error'>>({});
  const formRef = useRef<HTMLFormElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const dirty = !sameMacro(draft, initial);
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  useEffect(() => {
    if (!focusTarget) return;
    document.getElementById(focusTarget)?.focus();
    setFocusTarget(null);
  }, [focusTarget]);

  // Definitions of the connectors the steps use, for the input-name suggestions.
  const usedConnectorIds = useMemo(
    () => [...new Set(draft.actions.filter((a) => a.type === 'run_connector' && a.connectorId).map((a) => a.connectorId))],
    [draft.actions],
  );
  useEffect(() => {
    for (const id of usedConnectorIds) {
      if (inputDefinitions[id]) continue;
      setInputDefinitions((current) => ({ ...current, [id]: 'loading' }));
      getDataConnectorInputs(id)
        .then((connector) => setInputDefinitions((current) => ({ ...current, [id]: connector.data_inputs ?? [] })))
        .catch(() => setInputDefinitions((current) => ({ ...current, [id]: 'error' })));
    }
  }, [usedConnectorIds, inputDefinitions]);

  const problemsFor = (field: string) => problems.filter((problem) => problem.field === field).map(ruleOf);

  function updateAction(key: string, change: Partial<DraftAction>) {
    setDraft((current) => ({ ...current, actions: current.actions.map((action) => (action.key === key ? { ...action, ...change } : action)) }));
  }

  // Server problems name steps by position; once steps move they would point at the wrong one.
  function restructure(actions: DraftAction[]) {
    setProblems((current) => current.filter((problem) => !problem.field?.startsWith('actions')));
    setDraft((current) => ({ ...current, actions }));
  }

  function move(index: number, by: -1 | 1) {
    const actions = [...draft.actions];
    const [moved] = actions.splice(index, 1);
    if (!moved) return;
    const to = index + by;
    actions.splice(to, 0, moved);
    restructure(actions);
    const stillCanMove = by === -1 ? to > 0 : to < actions.length - 1;
    setFocusTarget(`${baseId}-${moved.key}-${stillCanMove === (by === -1) ? 'up' : 'down'}`);
  }

  function remove(index: number) {
    const actions = draft.actions.filter((_, i) => i !== index);
    restructure(actions);
    const next = actions[index] ?? actions[index - 1];
    setFocusTarget(next ? `${baseId}-${next.key}-heading` : `${baseId}-new-type`);
  }

  function add() {
    const action = emptyAction(newType);
    restructure([...draft.actions, action]);
    setFocusTarget(firstFieldId(baseId, action));
  }

  function chooseConnector(action: DraftAction, connectorId: string) {
    const change: Partial<DraftAction> = { connectorId };
    const definitions = inputDefinitions[connectorId];
    // Fresh step: offer one row per data input of the connector.
    const blank = action.inputs.every((row) => !row.name.trim() && !row.value.trim());
    if (blank && Array.isArray(definitions)) change.inputs = definitions.map((input) => ({ key: newKey(), name: input.name, value: '' }));
    updateAction(action.key, change);
    if (blank && connectorId && !Array.isArray(definitions)) {
      getDataConnectorInputs(connectorId)
        .then((connector) => {
          const inputs = connector.data_inputs ?? [];
          setInputDefinitions((current) => ({ ...current, [connectorId]: inputs }));
          setDraft((current) => ({
            ...current,
            actions: current.actions.map((a) =>
              a.key === action.key && a.connectorId === connectorId && a.inputs.every((row) => !row.name.trim() && !row.value.trim())
                ? { ...a, inputs: inputs.map((input) => ({ key: newKey(), name: input.name, value: '' })) }
                : a,
            ),
          }));
        })
        .catch(() => setInputDefinitions((current) => ({ ...current, [connectorId]: 'error' })));
    }
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (saving) return;
    setSaving(true);
    setProblems([]);
    try {
      const input = inputFromDraft(draft);
      const macro = macroId ? await updateMacro(macroId, input) : await createMacro(input);
      onDirtyChange(false);
      onSaved(macro);
    } catch (error) {
      setSaving(false);
      if (error instanceof ApiError && error.status === 401) {
        onUnauthorized?.(error.message);
        return;
      }
      const found: FieldProblem[] =
        error instanceof ApiError && error.errors.length > 0
          ? error.errors.map((item) => ({ field: item.field ?? null, message: item.message }))
          : [{ field: null, message: error instanceof Error ? error.message : String(error) }];
      setProblems(found);
      // Land on the first field at fault, else on the summary.
      requestAnimationFrame(() => {
        const form = formRef.current;
        if (!form) return;
        for (const problem of found) {
          if (!problem.field) continue;
          const element = findField(form, problem.field);
          if (element) {
            element.focus();
            return;
          }
        }
        document.getElementById(`${baseId}-summary`)?.focus();
      });
    }
  }

  function cancel() {
    if (dirty && !window.confirm('Discard the changes to this macro?')) return;
    onCancel();
  }

  const stepKnownFields = (index: number, action: DraftAction): string[] => {
    const p = `actions.${index}`;
    switch (action.type) {
      case 'reply':
      case 'note':
        return [`${p}.body`];
      case 'add_tag':
      case 'remove_tag':
        return [`${p}.tag`];
      case 'set_attribute':
        return [`${p}.target`, `${p}.name`, `${p}.value`];
      case 'assign':
        return [`${p}.assignee_id`];
      case 'snooze':
        return [`${p}.minutes`];
      case 'close':
        return [];
      case 'run_connector':
        return [`${p}.data_connector_id`, ...action.inputs.map((row) => `${p}.inputs.${row.name.trim()}`)];
    }
  };

  // Problems for a step that no field of it shows (the step as a whole, its type, an unknown input).
  const stepProblems = (index: number, action: DraftAction) => {
    const known = new Set(stepKnownFields(index, action));
    const p = `actions.${index}`;
    return problems.filter((problem) => problem.field && (problem.field === p || problem.field.startsWith(`${p}.`)) && !known.has(problem.field)).map(ruleOf);
  };

  const title = macroId ? `Edit “${initial.name}”` : 'New macro';

  return (
    <section className="macro-editor" aria-labelledby={`${baseId}-title`}>
      <div className="page-header">
        <h1 id={`${baseId}-title`} ref={headingRef} tabIndex={-1}>
          {title}
        </h1>
        {dirty && <span className="badge badge-changes">Unsaved changes</span>}
      </div>

      <form ref={formRef} noValidate onSubmit={(event) => void save(event)} aria-busy={saving || undefined}>
        {problems.length > 0 && (
          <div id={`${baseId}-summary`} className="error form-summary" role="alert" tabIndex={-1}>
            <p>
              <strong>The macro was not saved.</strong> {problems.length === 1 ? 'Fix this problem:' : `Fix these ${problems.length} problems:`}
            </p>
            <ul>
              {problems.map((problem, index) => (
                <li key={index}>{problem.field ? `${humanField(problem.field)}: ${ruleOf(problem)}` : problem.message}</li>
              ))}
            </ul>
          </div>
        )}

        <Field id={`${baseId}-name`} label="Macro name" errors={problemsFor('name')} field="name">
          {(props) => <input {...props} type="text" value={draft.name} onChange={(event) => setDraft({ ...draft, name: event.target.value })} required />}
        </Field>

        <fieldset className="macro-visibility" data-field="visible_to" aria-describedby={problemsFor('visible_to').length ? `${baseId}-visibility-error` : undefined}>
          <legend>Visible to</legend>
          <label className="radio">
            <input type="radio" name={`${baseId}-visibility`} checked={draft.visibleTo === 'everyone'} onChange={() => setDraft({ ...draft, visibleTo: 'everyone' })} />
            Everyone
          </label>
          <label className="radio">
            <input type="radio" name={`${baseId}-visibility`} checked={draft.visibleTo === 'me'} onChange={() => setDraft({ ...draft, visibleTo: 'me' })} />
            Only me
          </label>
          <FieldError id={`${baseId}-visibility-error`} errors={problemsFor('visible_to')} />
        </fieldset>

        <fieldset className="macro-steps" data-field="actions">
          <legend>Steps</legend>
          <p className="hint">The steps run in this order when an agent applies the macro. If one fails, the macro stops there; earlier steps stay done.</p>
          <FieldError id={`${baseId}-actions-error`} errors={problemsFor('actions')} />
          {draft.actions.length === 0 ? (
            <p className="muted">No steps yet. Add one below.</p>
          ) : (
            <ol className="macro-step-list">
              {draft.actions.map((action, index) => (
                <li key={action.key} className="macro-step">
                  <div className="macro-step-header">
                    <h3 id={`${baseId}-${action.key}-heading`} tabIndex={-1}>
                      Step {index + 1}: {actionTypeLabel(action.type)}
                    </h3>
                    <div className="macro-step-buttons">
                      <button
                        id={`${baseId}-${action.key}-up`}
                        type="button"
                        aria-label={`Move step ${index + 1} up`}
                        aria-disabled={index === 0 || undefined}
                        onClick={() => index > 0 && move(index, -1)}
                      >
                        ↑
                      </button>
                      <button
                        id={`${baseId}-${action.key}-down`}
                        type="button"
                        aria-label={`Move step ${index + 1} down`}
                        aria-disabled={index === draft.actions.length - 1 || undefined}
                        onClick={() => index < draft.actions.length - 1 && move(index, 1)}
                      >
                        ↓
                      </button>
                      <button type="button" aria-label={`Remove step ${index + 1}`} onClick={() => remove(index)}>
                        Remove
                      </button>
                    </div>
                  </div>
                  <StepFields
                    baseId={baseId}
                    index={index}
                    action={action}
                    connectors={connectors}
                    admins={admins}
                    definitions={action.connectorId ? inputDefinitions[action.connectorId] : undefined}
                    problemsFor={problemsFor}
                    onChange={(change) => updateAction(action.key, change)}
                    onChooseConnector={(id) => chooseConnector(action, id)}
                    onRetryLists={onRetryLists}
                  />
                  <FieldError id={`${baseId}-${action.key}-errors`} errors={stepProblems(index, action)} />
                </li>
              ))}
            </ol>
          )}
          <div className="macro-add-step">
            <div>
              <label htmlFor={`${baseId}-new-type`}>Add a step</label>
              <select id={`${baseId}-new-type`} value={newType} onChange={(event) => setNewType(event.target.value as MacroActionType)}>
                {ACTION_TYPES.map((entry) => (
                  <option key={entry.type} value={entry.type}>
                    {entry.label}
                  </option>
                ))}
              </select>
            </div>
            <button type="button" onClick={add}>
              Add step
            </button>
          </div>
        </fieldset>

        <div className="form-actions">
          <button type="submit" className="primary" aria-disabled={saving || undefined}>
            {saving ? 'Saving…' : macroId ? 'Save macro' : 'Create macro'}
          </button>
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

// The server says "actions.2.minutes: must be …"; next to the field the path is noise.
function ruleOf(problem: FieldProblem): string {
  if (!problem.field) return problem.message;
  if (problem.message === `${problem.field} is required`) return 'this is required';
  const prefix = `${problem.field}: `;
  return problem.message.startsWith(prefix) ? problem.message.slice(prefix.length) : problem.message;
}

// "actions.2.data_connector_id" -> "Step 3, data connector id"
function humanField(field: string): string {
  const step = /^actions\.(\d+)(?:\.(.+))?$/.exec(field);
  if (step) {
    const rest = step[2] ? `, ${step[2].replace(/^inputs\./, 'input ').replace(/_/g, ' ')}` : '';
    return `Step ${Number(step[1]) + 1}${rest}`;
  }
  const words = field.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function firstFieldId(baseId: string, action: DraftAction): string {
  switch (action.type) {
    case 'reply':
    case 'note':
      return `${baseId}-${action.key}-body`;
    case 'add_tag':
    case 'remove_tag':
      return `${baseId}-${action.key}-tag`;
    case 'set_attribute':
      return `${baseId}-${action.key}-target`;
    case 'assign':
      return `${baseId}-${action.key}-assignee`;
    case 'snooze':
      return `${baseId}-${action.key}-minutes`;
    case 'run_connector':
      return `${baseId}-${action.key}-connector`;
    case 'close':
      return `${baseId}-${action.key}-heading`;
  }
}

// The element for a server field path, or for its closest named parent.
function findField(form: HTMLFormElement, field: string): HTMLElement | null {
  let path = field;
  for (;;) {
    const element = form.querySelector<HTMLElement>(`[data-field="${CSS.escape(path)}"]`);
    if (element) {
      if (element.matches('input, select, textarea, button, [tabindex]')) return element;
      return element.querySelector<HTMLElement>('input, select, textarea, [tabindex="-1"]') ?? element;
    }
    const cut = path.lastIndexOf('.');
    if (cut < 0) return null;
    path = path.slice(0, cut);
  }
}

interface StepFieldsProps {
  baseId: string;
  index: number;
  action: DraftAction;
  connectors: Loadable<DataConnectorSummary>;
  admins: Loadable<Admin>;
  definitions: ConnectorDataInputDefinition[] | 'loading' | 'error' | undefined;
  problemsFor(field: string): string[];
  onChange(change: Partial<DraftAction>): void;
  onChooseConnector(id: string): void;
  onRetryLists(): void;
}

function StepFields({ baseId, index, action, connectors, admins, definitions, problemsFor, onChange, onChooseConnector, onRetryLists }: StepFieldsProps) {
  const id = (name: string) => `${baseId}-${action.key}-${name}`;
  const path = (name: string) => `actions.${index}.${name}`;
  switch (action.type) {
    case 'reply':
    case 'note':
      return (
        <Field id={id('body')} label={action.type === 'reply' ? 'Reply text' : 'Note text'} errors={problemsFor(path('body'))} field={path('body')} hint={PLACEHOLDER_HINT}>
          {(props) => <textarea {...props} rows={4} value={action.body} onChange={(event) => onChange({ body: event.target.value })} />}
        </Field>
      );
    case 'add_tag':
    case 'remove_tag':
      return (
        <Field id={id('tag')} label="Tag" errors={problemsFor(path('tag'))} field={path('tag')}>
          {(props) => <input {...props} type="text" value={action.tag} onChange={(event) => onChange({ tag: event.target.value })} />}
        </Field>
      );
    case 'set_attribute':
      return (
        <div className="field-row">
          <Field id={id('target')} label="Of the" errors={problemsFor(path('target'))} field={path('target')}>
            {(props) => (
              <select {...props} value={action.target} onChange={(event) => onChange({ target: event.target.value === 'conversation' ? 'conversation' : 'contact' })}>
                <option value="contact">Contact</option>
                <option value="conversation">Conversation</option>
              </select>
            )}
          </Field>
          <Field id={id('name')} label="Attribute name" errors={problemsFor(path('name'))} field={path('name')}>
            {(props) => <input {...props} type="text" value={action.name} onChange={(event) => onChange({ name: event.target.value })} />}
          </Field>
          <Field id={id('value')} label="Value" errors={problemsFor(path('value'))} field={path('value')}>
            {(props) => <input {...props} type="text" value={action.value} onChange={(event) => onChange({ value: event.target.value })} />}
          </Field>
        </div>
      );
    case 'assign':
      return (
        <Field id={id('assignee')} label="Assign to" errors={problemsFor(path('assignee_id'))} field={path('assignee_id')}>
          {(props) => (
            <select {...props} value={action.assignee} onChange={(event) => onChange({ assignee: event.target.value })}>
              <option value="me">The teammate who applies the macro</option>
              <option value="">Nobody (unassign)</option>
              {admins.status === 'ready' &&
                admins.items.map((admin) => (
                  <option key={admin.id} value={admin.id}>
                    {admin.name} ({admin.email})
                  </option>
                ))}
              {/* Keep a saved assignee selectable while the list loads or if they left. */}
              {action.assignee !== 'me' &&
                action.assignee !== '' &&
                !(admins.status === 'ready' && admins.items.some((admin) => admin.id === action.assignee)) && <option value={action.assignee}>Teammate #{action.assignee}</option>}
            </select>
          )}
        </Field>
      );
    case 'snooze':
      return (
        <Field id={id('minutes')} label="Snooze for (minutes)" errors={problemsFor(path('minutes'))} field={path('minutes')}>
          {(props) => <input {...props} type="number" min={1} step={1} inputMode="numeric" value={action.minutes} onChange={(event) => onChange({ minutes: event.target.value })} />}
        </Field>
      );
    case 'close':
      return <p className="muted">Closes the conversation.</p>;
    case 'run_connector':
      return (
        <ConnectorStep
          id={id}
          path={path}
          action={action}
          connectors={connectors}
          definitions={definitions}
          problemsFor={problemsFor}
          onChange={onChange}
          onChooseConnector={onChooseConnector}
          onRetryLists={onRetryLists}
        />
      );
  }
}

function ConnectorStep({
  id,
  path,
  action,
  connectors,
  definitions,
  problemsFor,
  onChange,
  onChooseConnector,
  onRetryLists,
}: {
  id(name: string): string;
  path(name: string): string;
  action: DraftAction;
  connectors: Loadable<DataConnectorSummary>;
  definitions: ConnectorDataInputDefinition[] | 'loading' | 'error' | undefined;
  problemsFor(field: string): string[];
  onChange(change: Partial<DraftAction>): void;
  onChooseConnector(id: string): void;
  onRetryLists(): void;
}) {
  const listId = id('input-names');
  const known = Array.isArray(definitions) ? definitions : [];
  const missingRequired = known.filter((input) => input.required && !action.inputs.some((row) => row.name.trim() === input.name));

  function setRow(key: string, change: Partial<InputRow>) {
    onChange({ inputs: action.inputs.map((row) => (row.key === key ? { ...row, ...change } : row)) });
  }

  return (
    <>
      <Field id={id('connector')} label="Data connector" errors={problemsFor(path('data_connector_id'))} field={path('data_connector_id')}>
        {(props) => (
          <select {...props} value={action.connectorId} onChange={(event) => onChooseConnector(event.target.value)}>
            <option value="">{connectors.status === 'loading' ? 'Loading connectors…' : 'Choose a connector'}</option>
            {connectors.status === 'ready' &&
              connectors.items.map((connector) => (
                <option key={connector.id} value={connector.id}>
                  {connector.name || 'Untitled connector'}
                  {connector.state === 'live' ? '' : ' (draft: set it live before the macro can run it)'}
                </option>
              ))}
            {action.connectorId && !(connectors.status === 'ready' && connectors.items.some((c) => c.id === action.connectorId)) && (
              <option value={action.connectorId}>Connector #{action.connectorId}</option>
            )}
          </select>
        )}
      </Field>
      {connectors.status === 'error' && (
        <p className="field-error">
          Could not load the data connectors: {connectors.message}{' '}
          <button type="button" onClick={onRetryLists}>
            Retry
          </button>
        </p>
      )}

      <fieldset className="macro-inputs" data-field={path('inputs')}>
        <legend>Inputs</legend>
        <p className="field-hint">
          Values may use placeholders such as {'{{contact.email}}'} or {'{{conversation.custom_attributes.order_id}}'}. Inputs left out use the
          connector’s defaults or what the conversation provides.
        </p>
        {definitions === 'loading' && <p className="field-hint">Loading the connector’s inputs…</p>}
        {missingRequired.length > 0 && (
          <p className="field-hint">
            Required by this connector and not set here: {missingRequired.map((input) => input.name).join(', ')} (filled from the conversation when it can be).
          </p>
        )}
        <datalist id={listId}>
          {known.map((input) => (
            <option key={input.name} value={input.name}>
              {input.description ?? input.type}
            </option>
          ))}
        </datalist>
        {action.inputs.length > 0 && (
          <ul className="macro-input-rows">
            {action.inputs.map((row, rowIndex) => {
              const rowErrors = row.name.trim() ? problemsFor(path(`inputs.${row.name.trim()}`)) : [];
              const errorId = `${id('input')}-${row.key}-error`;
              const invalid = rowErrors.length ? { 'aria-invalid': true as const, 'aria-describedby': errorId } : {};
              return (
                <li key={row.key} className="macro-input-row">
                  <div>
                    <label htmlFor={`${id('input')}-${row.key}-name`}>Input {rowIndex + 1} name</label>
                    <input
                      id={`${id('input')}-${row.key}-name`}
                      type="text"
                      list={listId}
                      value={row.name}
                      onChange={(event) => setRow(row.key, { name: event.target.value })}
                      {...(row.name.trim() ? { 'data-field': path(`inputs.${row.name.trim()}`) } : {})}
                      {...invalid}
                    />
                  </div>
                  <div>
                    <label htmlFor={`${id('input')}-${row.key}-value`}>Input {rowIndex + 1} value</label>
                    <input
                      id={`${id('input')}-${row.key}-value`}
                      type="text"
                      value={row.value}
                      placeholder="{{contact.email}}"
                      onChange={(event) => setRow(row.key, { value: event.target.value })}
                      {...invalid}
                    />
                  </div>
                  <button
                    type="button"
                    aria-label={`Remove input ${row.name.trim() || rowIndex + 1}`}
                    onClick={() => onChange({ inputs: action.inputs.filter((r) => r.key !== row.key) })}
                  >
                    Remove
                  </button>
                  <FieldError id={errorId} errors={rowErrors} />
                </li>
              );
            })}
          </ul>
        )}
        <button type="button" onClick={() => onChange({ inputs: [...action.inputs, { key: newKey(), name: '', value: '' }] })}>
          Add input
        </button>
      </fieldset>
    </>
  );
}
