// Pieces the smaller settings pages share: error text from a failed call, the
// unsaved-changes guard, and a labelled field with its server error under it.
import { useCallback, useEffect, useRef, useState, type Dispatch, type ReactNode, type SetStateAction } from 'react';
import { ApiError, isUnauthorized } from '../api.ts';

export const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatTime(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

// The message to show for a failed call, or null when there is nothing to show
// (aborted, or the session ended and the app signs out).
export function useFailureMessage(onUnauthorized?: (message: string) => void) {
  return useCallback(
    (error: unknown): string | null => {
      if (error instanceof DOMException && error.name === 'AbortError') return null;
      const message = error instanceof Error ? error.message : String(error);
      if (isUnauthorized(error)) {
        onUnauthorized?.(message);
        return null;
      }
      return message;
    },
    [onUnauthorized],
  );
}

// Server errors by the field they name; the rest under '' (shown at the form's top).
export function errorsByField(error: unknown, fields: readonly string[]): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  const add = (field: string, message: string) => (result[field] ??= []).push(message);
  if (error instanceof ApiError && error.errors.length > 0) {
    for (const item of error.errors) {
      // The most precise field the form shows: token_request.url, else token_request.
      const shownAt = item.field && (fields.includes(item.field) ? item.field : fields.find((f) => item.field!.startsWith(`${f}.`)));
      // Next to the field, "name: must …" reads better as "Must …".
      if (shownAt) add(shownAt, capitalize(item.message.startsWith(`${item.field}: `) ? item.message.slice(item.field!.length + 2) : item.message));
      else add('', item.message);
    }
  } else {
    add('', error instanceof Error ? error.message : String(error));
  }
  return result;
}

// Not when the message starts with an identifier ("greater_than needs…").
const capitalize = (text: string) => (/^\w*_/.test(text) ? text : text.charAt(0).toUpperCase() + text.slice(1));

// Leaving with unsaved work asks first: closing the tab, and links in the app.
export function useUnsavedGuard(active: boolean, question: string) {
  const state = useRef({ active, question });
  state.current = { active, question };
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!state.current.active) return;
      event.preventDefault();
      event.returnValue = '';
    };
    const onClick = (event: MouseEvent) => {
      if (!state.current.active || event.defaultPrevented || event.button !== 0) return;
      const link = (event.target as Element | null)?.closest?.('a[href]');
      if (!(link instanceof HTMLAnchorElement) || link.target === '_blank' || link.origin !== window.location.origin) return;
      if (!window.confirm(state.current.question)) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('click', onClick, true);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('click', onClick, true);
    };
  }, []);
}

export interface ControlProps {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
  'data-field': string;
}

export function Field({ id, label, field, errors = [], hint, children }: { id: string; label: string; field: string; errors?: string[] | undefined; hint?: ReactNode; children(props: ControlProps): ReactNode }) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, errors.length ? errorId : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'data-field': field, ...(errors.length ? { 'aria-invalid': true as const } : {}), ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {errors.length > 0 && (
        <p id={errorId} className="field-error" data-testid={`field-error-${field}`}>
          {errors.join(' ')}
        </p>
      )}
    </div>
  );
}

export function LoadError({ what, message, onRetry }: { what: string; message: string; onRetry(): void }) {
  return (
    <div className="state error-state" role="alert">
      <p>
        <strong>Could not load {what}.</strong> {message}
      </p>
      <button type="button" onClick={onRetry}>
        Retry
      </button>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="state" role="status">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

export type LoadState<T> = { status: 'loading' } | { status: 'error'; message: string } | ({ status: 'ready' } & T);

// Loads what a page shows on mount (aborted on unmount), with loading, error and ready
// states; `reload()` loads again (Retry, Refresh). `fetch` returns the ready state's fields.
export function useSettingsLoad<T extends object>(
  fetch: (signal?: AbortSignal) => Promise<T>,
  fail: (error: unknown) => string | null,
): [LoadState<T>, Dispatch<SetStateAction<LoadState<T>>>, (signal?: AbortSignal) => Promise<void>] {
  const [load, setLoad] = useState<LoadState<T>>({ status: 'loading' });
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;

  const reload = useCallback(
    async (signal?: AbortSignal) => {
      setLoad({ status: 'loading' });
      try {
        const loaded = await fetchRef.current(signal);
        setLoad({ status: 'ready', ...loaded });
      } catch (error) {
        const message = fail(error);
        if (message !== null) setLoad({ status: 'error', message });
      }
    },
    [fail],
  );

  useEffect(() => {
    const controller = new AbortController();
    void reload(controller.signal);
    return () => controller.abort();
  }, [reload]);

  return [load, setLoad, reload];
}

// A row's destructive action (delete, revoke) asked for inline, with its busy state and error.
export function useRowAction<T extends { id: string }>(run: (item: T) => Promise<void>, fail: (error: unknown) => string | null) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<{ id: string; message: string } | null>(null);

  async function confirm(item: T) {
    if (busy) return;
    setBusy(item.id);
    setError(null);
    try {
      await run(item);
      setConfirming(null);
    } catch (caught) {
      const message = fail(caught);
      if (message !== null) setError({ id: item.id, message });
    } finally {
      setBusy(null);
    }
  }

  return {
    confirming,
    busy,
    error,
    confirm,
    ask(id: string) {
      setError(null);
      setConfirming(id);
    },
    cancel() {
      setConfirming(null);
      setError(null);
    },
  };
}

export type RowAction<T extends { id: string }> = ReturnType<typeof useRowAction<T>>;

// The actions cell of a table row: extra buttons (Edit) and the action, which asks to confirm in place.
export function RowActionCell<T extends { id: string; name: string }>({
  item,
  action,
  verb,
  busyLabel,
  question,
  available = true,
  children,
}: {
  item: T;
  action: RowAction<T>;
  verb: string;
  busyLabel: string;
  question: ReactNode;
  available?: boolean;
  children?: ReactNode;
}) {
  const ask = (
    <button type="button" aria-label={`${verb} ${item.name}`} onClick={() => action.ask(item.id)}>
      {verb}
    </button>
  );
  return (
    <td className="actions">
      {available &&
        (action.confirming === item.id ? (
          <div className="confirm" role="group" aria-label={`${verb} ${item.name}?`}>
            <span>{question}</span>
            <button type="button" className="danger" autoFocus aria-disabled={action.busy === item.id || undefined} onClick={() => void action.confirm(item)}>
              {action.busy === item.id ? busyLabel : verb}
            </button>
            <button type="button" onClick={action.cancel}>
              Keep
            </button>
          </div>
        ) : children ? (
          <div className="settings-actions">
            {children}
            {ask}
          </div>
        ) : (
          ask
        ))}
      {action.error?.id === item.id && (
        <p className="error" role="alert">
          Could not {verb.toLowerCase()}: {action.error.message}
        </p>
      )}
    </td>
  );
}

// A form's submit: the saving flag, server errors by field, and focus moved to the first
// field at fault (or the form's alert) so keyboard and screen reader users land on the problem.
export function useFormSave(fail: (error: unknown) => string | null, fields: readonly string[]) {
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const focusField = (field: string | undefined) =>
    requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>(field ? `[data-field="${field}"]` : '[role="alert"]')?.focus());

  async function submit(task: () => Promise<void>, shown: readonly string[] = fields) {
    setSaving(true);
    setErrors({});
    try {
      await task();
    } catch (error) {
      const message = fail(error);
      if (message === null) return;
      const byField = errorsByField(error, shown);
      setErrors(byField);
      focusField(shown.find((f) => byField[f]));
    } finally {
      setSaving(false);
    }
  }

  return { errors, setErrors, saving, formRef, focusField, submit };
}

// A draft edited from the values the server sent, flat (every key compared with ===).
export const sameDraft = <D extends object>(a: D, b: D) => (Object.keys(a) as (keyof D)[]).every((k) => a[k] === b[k]);

// A settings object edited in place: loaded on mount with its draft, dirty while the draft
// differs from what the server sent; `saved` shows what the server answered to a save.
export function useSettingsDraft<S extends object, D extends object>(
  get: (signal?: AbortSignal) => Promise<S>,
  draftOf: (settings: S) => D,
  fail: (error: unknown) => string | null,
) {
  const [draft, setDraft] = useState<D | null>(null);
  const [load, setLoad, reload] = useSettingsLoad<{ settings: S }>(async (signal) => {
    const settings = await get(signal);
    setDraft(draftOf(settings));
    return { settings };
  }, fail);

  const settings = load.status === 'ready' ? load.settings : null;
  const dirty = settings !== null && draft !== null && !sameDraft(draft, draftOf(settings));
  const set = <K extends keyof D>(key: K, value: D[K]) => setDraft((d) => (d ? { ...d, [key]: value } : d));

  function saved(next: S) {
    setLoad({ status: 'ready', settings: next });
    setDraft(draftOf(next));
  }

  return { load, setLoad, reload, settings, draft, setDraft, dirty, set, saved };
}

// A one-time secret shown in a read-only input: selected when it appears, and copied on request
// (without clipboard permission it stays selected for Ctrl+C).
export function useSecretCopy(secret: string | null) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const secretRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (secret !== null) secretRef.current?.select();
  }, [secret]);

  async function copy() {
    if (secret === null) return;
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('copied');
    } catch {
      secretRef.current?.select();
      setCopied('failed');
    }
  }

  return { copied, setCopied, secretRef, copy };
}

// The server errors of a field the Field component does not lay out (checkboxes, fieldsets).
export function FieldError({ id, errors }: { id?: string; errors: string[] | undefined }) {
  return errors?.length ? (
    <p id={id} className="field-error">
      {errors.join(' ')}
    </p>
  ) : null;
}

// The server errors that name no field, at the top of a form (useFormSave focuses it).
export function FormError({ errors }: { errors: string[] | undefined }) {
  return errors?.length ? (
    <p className="error" role="alert" tabIndex={-1}>
      {errors.join(' ')}
    </p>
  ) : null;
}

// A checkbox with its label beside it, a hint and its server errors under it.
export function CheckboxField({
  id,
  label,
  field,
  checked,
  disabled,
  errors = [],
  hint,
  onChange,
}: {
  id: string;
  label: string;
  field: string;
  checked: boolean;
  disabled?: boolean;
  errors?: string[] | undefined;
  hint: ReactNode;
  onChange(checked: boolean): void;
}) {
  return (
    <div className="field">
      <label className="checkbox" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          data-field={field}
          checked={checked}
          disabled={disabled}
          aria-invalid={errors.length ? true : undefined}
          aria-describedby={`${id}-hint${errors.length ? ` ${id}-error` : ''}`}
          onChange={(e) => onChange(e.target.checked)}
        />
        {label}
      </label>
      <p id={`${id}-hint`} className="field-hint">
        {hint}
      </p>
      <FieldError id={`${id}-error`} errors={errors} />
    </div>
  );
}

// Save and Cancel under a form.
export function FormActions({ saving, label, onCancel }: { saving: boolean; label: string; onCancel(): void }) {
  return (
    <div className="settings-actions">
      <button type="submit" className="primary" aria-disabled={saving || undefined}>
        {saving ? 'Saving…' : label}
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

// Save and, with unsaved changes, Discard under a settings form edited in place.
export function SaveOrDiscard({ saving, dirty, onDiscard }: { saving: boolean; dirty: boolean; onDiscard(): void }) {
  return (
    <div className="settings-actions">
      <button type="submit" className="primary" aria-disabled={saving || !dirty || undefined}>
        {saving ? 'Saving…' : 'Save settings'}
      </button>
      {dirty && (
        <button type="button" onClick={onDiscard}>
          Discard changes
        </button>
      )}
    </div>
  );
}

// The header row of a settings table; the actions column only for those who can edit.
export function SettingsTableHead({ columns, actions }: { columns: readonly string[]; actions: boolean }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c} scope="col">
            {c}
          </th>
        ))}
        {actions && (
          <th scope="col">
            <span className="sr-only">Actions</span>
          </th>
        )}
      </tr>
    </thead>
  );
}

// The read-only input of a secret shown once, with Copy and Done (which asks first until it was copied).
export function SecretRow({
  id,
  label,
  value,
  what,
  failedHint,
  copy,
  onDone,
}: {
  id: string;
  label: string;
  value: string;
  what: string;
  failedHint: string;
  copy: ReturnType<typeof useSecretCopy>;
  onDone(): void;
}) {
  return (
    <>
      <div className="secret-row">
        <label htmlFor={id} className="sr-only">
          {label}
        </label>
        <input id={id} ref={copy.secretRef} readOnly value={value} spellCheck={false} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={() => void copy.copy()}>
          {copy.copied === 'copied' ? 'Copied' : 'Copy'}
        </button>
        <button
          type="button"
          onClick={() => {
            if (copy.copied !== 'copied' && !window.confirm(`You have not copied the ${what} and it cannot be shown again. Hide it anyway?`)) return;
            onDone();
          }}
        >
          Done
        </button>
      </div>
      <p className="muted" role="status">
        {copy.copied === 'copied' ? 'Copied to the clipboard.' : copy.copied === 'failed' ? `Could not use the clipboard: the ${what} is selected, ${failedHint}` : ''}
      </p>
    </>
  );
}
