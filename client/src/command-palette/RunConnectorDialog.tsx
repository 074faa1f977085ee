import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { ApiError } from '../api.ts';
import { runConnectorOnConversation, type ConnectorDataInput, type ConnectorRunResult, type ConversationConnector } from '../inbox/inbox-api.ts';
import { ModalDialog } from './ModalDialog.tsx';

interface RunConnectorDialogProps {
  conversationId: string;
  partId: string | null;
  connector: ConversationConnector;
  returnFocus(): HTMLElement | null;
  onClose(): void;
  onRan(result: ConnectorRunResult): void;
  // The dialog was closed while the run was still under way and the run then failed.
  onFailedAfterClose(message: string): void;
}

type FieldValue = string | boolean;

interface Failure {
  message: string;
  fields: Record<string, string>;
  // Problems the server named for fields this form does not show.
  other: string[];
}

export function RunConnectorDialog({ conversationId, partId, connector, returnFocus, onClose, onRan, onFailedAfterClose }: RunConnectorDialogProps) {
  const baseId = useId();
  const headingId = `${baseId}-heading`;
  const descriptionId = `${baseId}-description`;
  const inputs = connector.data_inputs;
  const [values, setValues] = useState<Record<string, FieldValue>>(() => Object.fromEntries(inputs.map((input) => [input.name, initialValue(input)])));
  // A boolean the server did not pre-fill and nobody ticked is left out, so the connector's default applies.
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [running, setRunning] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const open = useRef(true);

  const fieldId = (index: number) => `${baseId}-input-${index}`;

  function close() {
    open.current = false;
    onClose();
  }

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    if (running) return;
    // A required field left empty is caught here: no run, and nothing in the connector's log.
    const missing = inputs.filter((input) => input.required && input.type !== 'boolean' && String(values[input.name] ?? '').trim() === '');
    if (missing.length > 0) {
      const fields = Object.fromEntries(missing.map((input) => [input.name, `${input.name} is required`]));
      setFailure({ message: missing.length === 1 ? `${missing[0]?.name} is required.` : `Fill in the required fields: ${missing.map((input) => input.name).join(', ')}.`, fields, other: [] });
      const firstMissing = inputs.findIndex((input) => fields[input.name]);
      requestAnimationFrame(() => document.getElementById(fieldId(firstMissing))?.focus());
      return;
    }
    setRunning(true);
    setFailure(null);
    const body = {
      data_connector_id: connector.id,
      inputs: collectInputs(inputs, values, touched),
      ...(partId ? { conversation_part_id: partId } : {}),
    };
    let outcome: Failure;
    try {
      const result = await runConnectorOnConversation(conversationId, body);
      if (result.success) {
        open.current = false;
        onRan(result);
        return;
      }
      outcome = failureFromRun(result, inputs);
    } catch (error) {
      outcome = failureFromError(error, inputs);
    }
    if (!open.current) {
      onFailedAfterClose(`${connector.name} failed: ${outcome.message}`);
      return;
    }
    setRunning(false);
    setFailure(outcome);
    // Keyboard users land on the first field to fix; the alert is read out either way.
    const firstBad = inputs.findIndex((input) => outcome.fields[input.name]);
    if (firstBad >= 0) requestAnimationFrame(() => document.getElementById(fieldId(firstBad))?.focus());
  }

  function onFormKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    // Enter submits from every field, checkboxes included (browsers only do it for text fields).
    const target = event.target as HTMLElement;
    if (event.key === 'Enter' && target instanceof HTMLInputElement && target.type === 'checkbox') {
      event.preventDefault();
      formRef.current?.requestSubmit();
    }
  }

  const hasRequired = inputs.some((input) => input.required);

  return (
    <ModalDialog
      labelledBy={headingId}
      describedBy={descriptionId}
      onClose={close}
      returnFocus={returnFocus}
      // The first field, or Run itself when there is nothing to fill in, so Enter runs the connector.
      initialFocus={() => (inputs.length > 0 ? document.getElementById(fieldId(0)) : formRef.current?.querySelector<HTMLElement>('[type="submit"]') ?? null)}
      className="run-connector-dialog"
    >
      <form ref={formRef} noValidate onSubmit={(event) => void submit(event)} onKeyDown={onFormKeyDown} data-testid="run-connector-form" aria-busy={running || undefined}>
        <h2 id={headingId}>Run {connector.name}</h2>
        {connector.description && <p className="hint">{connector.description}</p>}
        <p id={descriptionId} className="hint">
          {partId ? 'Runs on the selected message of this conversation.' : 'Runs on this conversation.'} The result is added as an internal note.
        </p>

        {failure && (
          <div className="error run-connector-error" role="alert" data-testid="run-connector-error">
            <p>
              <strong>{connector.name} did not run.</strong> {failure.message}
            </p>
            {failure.other.length > 0 && (
              <ul>
                {failure.other.map((message) => (
                  <li key={message}>{message}</li>
                ))}
              </ul>
            )}
          </div>
        )}

        {inputs.length === 0 ? (
          <p className="muted">This connector needs no inputs.</p>
        ) : (
          <>
            {hasRequired && (
              <p className="hint">
                Fields marked <span aria-hidden="true">*</span>
                <span className="visually-hidden">with an asterisk</span> are required.
              </p>
            )}
            <div className="run-connector-fields">
              {inputs.map((input, index) => (
                <InputField
                  key={input.name}
                  id={fieldId(index)}
                  input={input}
                  value={values[input.name] ?? ''}
                  error={failure?.fields[input.name] ?? null}
                  disabled={running}
                  onChange={(value) => {
                    setValues((current) => ({ ...current, [input.name]: value }));
                    setTouched((current) => new Set(current).add(input.name));
                  }}
                />
              ))}
            </div>
          </>
        )}

        <div className="dialog-actions">
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="run-connector-submit" aria-disabled={running || undefined}>
            {running ? (
              <>
                <span className="spinner" aria-hidden="true" /> Running…
              </>
            ) : (
              `Run ${connector.name}`
            )}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

interface InputFieldProps {
  id: string;
  input: ConnectorDataInput;
  value: FieldValue;
  error: string | null;
  disabled: boolean;
  onChange(value: FieldValue): void;
}

function InputField({ id, input, value, error, disabled, onChange }: InputFieldProps) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [input.description ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  const marker = input.required ? <span className="required-marker" aria-hidden="true"> *</span> : null;

  if (input.type === 'boolean') {
    return (
      <div className="field field-checkbox">
        <input
          id={id}
          type="checkbox"
          checked={value === true}
          onChange={(event) => onChange(event.target.checked)}
          aria-required={input.required || undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
        />
        <label htmlFor={id}>
          {input.name}
          {marker}
        </label>
        <FieldNotes hint={input.description} hintId={hintId} error={error} errorId={errorId} />
      </div>
    );
  }

  const numeric = input.type === 'integer' || input.type === 'decimal';
  return (
    <div className="field">
      <label htmlFor={id}>
        {input.name}
        {marker}
        {numeric && <span className="field-type"> ({input.type === 'integer' ? 'whole number' : 'number'})</span>}
      </label>
      <input
        id={id}
        type={numeric ? 'number' : 'text'}
        step={input.type === 'integer' ? 1 : numeric ? 'any' : undefined}
        inputMode={input.type === 'integer' ? 'numeric' : input.type === 'decimal' ? 'decimal' : undefined}
        value={typeof value === 'string' ? value : String(value)}
        onChange={(event) => onChange(event.target.value)}
        required={input.required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        readOnly={disabled}
        autoComplete="off"
      />
      <FieldNotes hint={input.description} hintId={hintId} error={error} errorId={errorId} />
    </div>
  );
}

// A field's description and its error, referenced by the control's aria-describedby.
function FieldNotes({ hint, hintId, error, errorId }: { hint: string | null | undefined; hintId: string; error: string | null | undefined; errorId: string }) {
  return (
    <>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </>
  );
}

function initialValue(input: ConnectorDataInput): FieldValue {
  const { value } = input;
  if (input.type === 'boolean') return value === true || value === 'true';
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function collectInputs(inputs: ConnectorDataInput[], values: Record<string, FieldValue>, touched: Set<string>): Record<string, unknown> {
  const collected: Record<string, unknown> = {};
  for (const input of inputs) {
    const value = values[input.name];
    if (input.type === 'boolean') {
      const prefilled = input.value !== null && input.value !== undefined && input.value !== '';
      if (touched.has(input.name) || prefilled) collected[input.name] = value === true;
      continue;
    }
    const text = typeof value === 'string' ? value.trim() : '';
    // Empty means "not given": the connector's default applies, or the server says the input is required.
    if (text === '') continue;
    if (input.type === 'integer' || input.type === 'decimal') {
      const number = Number(text);
      collected[input.name] = Number.isFinite(number) ? number : text;
    } else {
      collected[input.name] = typeof value === 'string' ? value : text;
    }
  }
  return collected;
}

function fieldName(field: string): string {
  return field.startsWith('inputs.') ? field.slice('inputs.'.length) : field;
}

function parseInputErrors(raw: unknown): { field: string; message: string }[] {
  if (Array.isArray(raw)) {
    return raw.flatMap((item) => {
      if (item && typeof item === 'object') {
        const { field, message } = item as { field?: unknown; message?: unknown };
        if (typeof message === 'string') return [{ field: typeof field === 'string' ? fieldName(field) : '', message }];
      }
      return typeof item === 'string' ? [{ field: '', message: item }] : [];
    });
  }
  if (raw && typeof raw === 'object') {
    return Object.entries(raw as Record<string, unknown>).flatMap(([field, message]) =>
      typeof message === 'string' ? [{ field: fieldName(field), message }] : [],
    );
  }
  return [];
}

function splitErrors(errors: { field: string; message: string }[], inputs: ConnectorDataInput[]): Pick<Failure, 'fields' | 'other'> {
  const names = new Set(inputs.map((input) => input.name));
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const { field, message } of errors) {
    if (field && names.has(field)) fields[field] = fields[field] ? `${fields[field]}; ${message}` : message;
    else other.push(message);
  }
  return { fields, other };
}

function failureFromRun(result: ConnectorRunResult, inputs: ConnectorDataInput[]): Failure {
  const split = splitErrors(parseInputErrors(result.input_errors), inputs);
  const fallback = Object.keys(split.fields).length > 0 ? 'Check the highlighted fields.' : 'The connector reported an error.';
  const status = result.http_status && !result.error_message?.includes(`HTTP ${result.http_status}`) ? ` (HTTP ${result.http_status})` : '';
  const message = result.error_message ? `${capitalize(result.error_message)}${status}` : fallback;
  // The message often repeats the one field problem; do not list it twice.
  return { message, ...split, other: split.other.filter((line) => line !== result.error_message) };
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function failureFromError(error: unknown, inputs: ConnectorDataInput[]): Failure {
  if (error instanceof ApiError) {
    const split = splitErrors(
      error.errors.map((item) => ({ field: item.field ? fieldName(item.field) : '', message: item.message })),
      inputs,
    );
    return { message: error.message, ...split, other: split.other.filter((line) => line !== error.message) };
  }
  return { message: error instanceof Error ? error.message : String(error), fields: {}, other: [] };
}
