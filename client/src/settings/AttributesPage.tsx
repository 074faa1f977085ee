import { useEffect, useId, useState, type FormEvent } from 'react';
import type { Me } from '../api.ts';
import {
  ATTRIBUTE_DATA_TYPES,
  ATTRIBUTE_TARGETS,
  createAttributeDefinition,
  deleteAttributeDefinition,
  listAttributeDefinitions,
  updateAttributeDefinition,
  type AttributeDataType,
  type AttributeDefinition,
  type AttributeTarget,
} from './settings-api.ts';
import { CheckboxField, Field, FormActions, FormError, LoadError, Loading, RowActionCell, sameDraft, SettingsTableHead, useFailureMessage, useFormSave, useRowAction, useSettingsLoad, useUnsavedGuard } from './settings-common.tsx';
import './settings-pages.css';

interface Draft {
  target: AttributeTarget;
  name: string;
  label: string;
  description: string;
  data_type: AttributeDataType;
  protected: boolean;
}

type Editor = { mode: 'create'; initial: Draft } | { mode: 'edit'; definition: AttributeDefinition; initial: Draft };
const FIELDS = ['target', 'name', 'label', 'description', 'data_type', 'protected'] as const;
const typeLabel = (type: AttributeDataType) => ATTRIBUTE_DATA_TYPES.find((t) => t.value === type)?.label ?? type;
const pluralOf = (target: AttributeTarget) => ATTRIBUTE_TARGETS.find((t) => t.value === target)?.plural ?? target;

const draftOf = (d: AttributeDefinition): Draft => ({ target: d.target, name: d.name, label: d.label ?? '', description: d.description ?? '', data_type: d.data_type, protected: d.protected });

export function AttributesPage({ me, onUnauthorized }: { me?: Me; onUnauthorized?(message: string): void }) {
  const canEdit = !me || me.role === 'admin';
  const fail = useFailureMessage(onUnauthorized);
  const [load, setLoad, reload] = useSettingsLoad(async (signal) => ({ definitions: (await listAttributeDefinitions(signal)).data }), fail);
  const [target, setTarget] = useState<AttributeTarget>('contact');
  const [editor, setEditor] = useState<Editor | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const { errors, setErrors, saving, formRef, submit } = useFormSave(fail, FIELDS);
  const [status, setStatus] = useState('');
  const baseId = useId();

  const dirty = editor !== null && draft !== null && !sameDraft(draft, editor.initial);
  useUnsavedGuard(dirty, 'You have unsaved changes to this attribute. Leave without saving?');

  useEffect(() => {
    if (editor) formRef.current?.querySelector<HTMLElement>('input:not([readonly]), select, textarea')?.focus();
  }, [editor]);

  function open(next: Editor) {
    if (dirty && !window.confirm('Discard the changes to this attribute?')) return;
    setEditor(next);
    setDraft(next.initial);
    setErrors({});
    setStatus('');
  }

  function close() {
    if (dirty && !window.confirm('Discard the changes to this attribute?')) return;
    setEditor(null);
    setDraft(null);
    setErrors({});
  }

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => (d ? { ...d, [key]: value } : d));

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!editor || !draft || saving) return;
    const fields = { label: draft.label.trim() || null, description: draft.description.trim() || null, data_type: draft.data_type, protected: draft.protected };
    await submit(async () => {
      const saved =
        editor.mode === 'create'
          ? await createAttributeDefinition({ target: draft.target, name: draft.name.trim(), ...fields })
          : await updateAttributeDefinition(editor.definition.id, fields);
      setLoad((current) => {
        const rest = current.status === 'ready' ? current.definitions.filter((d) => d.id !== saved.id) : [];
        return { status: 'ready', definitions: [...rest, saved].sort((a, b) => a.name.localeCompare(b.name)) };
      });
      setTarget(saved.target);
      setEditor(null);
      setDraft(null);
      setStatus(editor.mode === 'create' ? `Created the ${saved.target} attribute “${saved.name}”.` : `Saved “${saved.name}”.`);
    });
  }

  const remove = useRowAction(async (definition: AttributeDefinition) => {
    const result = await deleteAttributeDefinition(definition.id);
    setLoad((current) => (current.status === 'ready' ? { status: 'ready', definitions: current.definitions.filter((d) => d.id !== definition.id) } : current));
    const values = result.values_removed === 1 ? `1 ${definition.target}` : `${result.values_removed} ${pluralOf(definition.target)}`;
    setStatus(`Deleted “${definition.name}”${result.values_removed > 0 ? ` and its values on ${values}` : ''}.`);
    document.getElementById(`${baseId}-heading`)?.focus();
  }, fail);

  const definitions = load.status === 'ready' ? load.definitions : [];
  const shown = definitions.filter((d) => d.target === target);
  const newDraft: Draft = { target, name: '', label: '', description: '', data_type: 'string', protected: false };

  return (
    <section className="settings-page" aria-labelledby={`${baseId}-heading`}>
      <div className="page-header">
        <h1 id={`${baseId}-heading`} tabIndex={-1}>
          Custom attributes
        </h1>
        {canEdit && load.status === 'ready' && !editor && (
          <button type="button" className="primary" onClick={() => open({ mode: 'create', initial: newDraft })}>
            New attribute
          </button>
        )}
      </div>
      <p className="hint">
        The attributes contacts, conversations and companies carry besides the standard ones. Connectors read them in templates (
        <code>{'{{user.plan}}'}</code>), write them through object mappings, and audiences filter on them.
      </p>
      {!canEdit && <p className="notice">Only admins can create or change custom attributes.</p>}

      <p className="settings-status" role="status">
        {status}
      </p>

      {editor && draft && (
        <form ref={formRef} className="settings-form" onSubmit={(e) => void save(e)} aria-labelledby={`${baseId}-form-heading`} data-testid="attribute-form" noValidate>
          <h2 id={`${baseId}-form-heading`}>{editor.mode === 'create' ? 'New custom attribute' : `Edit “${editor.definition.name}”`}</h2>
          <FormError errors={errors['']} />
          <div className="settings-fields">
            <Field id={`${baseId}-target`} label="Applies to" field="target" errors={errors.target}>
              {(props) =>
                editor.mode === 'create' ? (
                  <select {...props} value={draft.target} onChange={(e) => set('target', e.target.value as AttributeTarget)}>
                    {ATTRIBUTE_TARGETS.map((t) => (
                      <option key={t.value} value={t.value}>
                        {t.label}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input {...props} readOnly value={ATTRIBUTE_TARGETS.find((t) => t.value === draft.target)?.label ?? draft.target} />
                )
              }
            </Field>
            <Field
              id={`${baseId}-name`}
              label="Name"
              field="name"
              errors={errors.name}
              hint={editor.mode === 'create' ? 'Letters, digits and underscores, e.g. plan or order_count. It cannot change later.' : 'Names cannot change: templates, mappings and stored values use them.'}
            >
              {(props) => <input {...props} value={draft.name} readOnly={editor.mode === 'edit'} autoComplete="off" spellCheck={false} onChange={(e) => set('name', e.target.value)} />}
            </Field>
            <Field id={`${baseId}-label`} label="Label (optional)" field="label" errors={errors.label} hint="What teammates see in the inbox; the name when empty.">
              {(props) => <input {...props} value={draft.label} onChange={(e) => set('label', e.target.value)} />}
            </Field>
            <Field
              id={`${baseId}-type`}
              label="Data type"
              field="data_type"
              errors={errors.data_type}
              hint={editor.mode === 'edit' ? 'The type can only change while no record has a value for this attribute.' : undefined}
            >
              {(props) => (
                <select {...props} value={draft.data_type} onChange={(e) => set('data_type', e.target.value as AttributeDataType)}>
                  {ATTRIBUTE_DATA_TYPES.map((t) => (
                    <option key={t.value} value={t.value}>
                      {t.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <Field id={`${baseId}-description`} label="Description (optional)" field="description" errors={errors.description}>
            {(props) => <textarea {...props} rows={2} value={draft.description} onChange={(e) => set('description', e.target.value)} />}
          </Field>
          <CheckboxField
            id={`${baseId}-protected`}
            label="Protected"
            field="protected"
            checked={draft.protected}
            errors={errors.protected}
            hint="Only a verified messenger identity (signed JWT) or the admin API can set a protected attribute, so customers cannot change it from the browser. Connectors whose requests use it are safer with it protected."
            onChange={(checked) => set('protected', checked)}
          />
          <FormActions saving={saving} label={editor.mode === 'create' ? 'Create attribute' : 'Save changes'} onCancel={close} />
        </form>
      )}

      {load.status === 'loading' && <Loading what="custom attributes" />}
      {load.status === 'error' && <LoadError what="the custom attributes" message={load.message} onRetry={() => void reload()} />}

      {load.status === 'ready' && (
        <>
          <div className="target-tabs" role="group" aria-label="Show attributes of">
            {ATTRIBUTE_TARGETS.map((t) => (
              <button key={t.value} type="button" aria-pressed={target === t.value} onClick={() => setTarget(t.value)}>
                {t.label} ({definitions.filter((d) => d.target === t.value).length})
              </button>
            ))}
          </div>
          {shown.length === 0 ? (
            <div className="state empty-state">
              <h2>No custom {target} attributes</h2>
              <p>Define one to store it on {pluralOf(target)}, use it in connector templates and mappings, and filter audiences on it.</p>
            </div>
          ) : (
            <div className="table-scroll">
              <table className="settings-table" data-testid="attribute-list">
                <caption className="sr-only">Custom {target} attributes</caption>
                <SettingsTableHead columns={['Name', 'Type', 'Protected', 'Description']} actions={canEdit} />
                <tbody>
                  {shown.map((d) => (
                    <tr key={d.id} data-testid={`attribute-row-${d.name}`}>
                      <td>
                        <code>{d.name}</code>
                        {d.label && <div className="muted">{d.label}</div>}
                      </td>
                      <td>{typeLabel(d.data_type)}</td>
                      <td>{d.protected ? 'Protected' : 'No'}</td>
                      <td>{d.description ?? <span className="muted">—</span>}</td>
                      {canEdit && (
                        <RowActionCell
                          item={d}
                          action={remove}
                          verb="Delete"
                          busyLabel="Deleting…"
                          question={`Delete “${d.name}”? Values stored on ${pluralOf(d.target)} for it are removed too. This cannot be undone.`}
                        >
                          <button type="button" aria-label={`Edit ${d.name}`} onClick={() => open({ mode: 'edit', definition: d, initial: draftOf(d) })}>
                            Edit
                          </button>
                        </RowActionCell>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

export default AttributesPage;
